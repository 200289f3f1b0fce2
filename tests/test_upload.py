"""The analysts' upload: sign-in, report, annotated workbook, preview, confirm, history, restore."""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import re
import stat
import subprocess
import sys
import threading
import time
import tomllib
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import auth, db, theme, upload
from dashboard.context import PageContext
from dashboard.filters import Filters
from dashboard.upload import describe_load, headline_table
from etl import accounts, schema, uploads
from etl.annotate import annotate
from etl.load import check_file, load_files, stage_file
from etl.preview import compare_year
from etl.problems import Problem
from etl.warehouse import Warehouse
from tests.apptest import HALF_WIDTH_PUNCTUATION, visible_texts
from tests.paths import REPO_ROOT, SAMPLE_FILES
from tests.workbooks import SHEET_PARTS, read_parts, write_zip
from translations import format_day, format_days, format_minutes, format_number, translate

PASSWORD = "correct horse battery"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def secrets_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "secrets.toml"
    monkeypatch.setenv(accounts.SECRETS_ENV, str(path))
    accounts.write_account("siti", accounts.hash_password(PASSWORD), path)
    return path


def year_2020(tmp_path: Path, mistakes: bool = False) -> Path:
    """The 2019 sample as a 2020 workbook; with two mistakes an analyst could make."""
    workbook = openpyxl.load_workbook(SAMPLE_FILES[2])
    for sheet in workbook.worksheets:
        header = [cell.value for cell in sheet[1]]
        year_column = header.index("year") + 1
        for row in range(2, sheet.max_row + 1):
            if sheet.cell(row, year_column).value is not None:
                sheet.cell(row, year_column).value = 2020
    if mistakes:
        participants = workbook["participants"]
        header = [cell.value for cell in participants[1]]
        participants.cell(2, header.index("field") + 1).value = "Pariwisataa"
        participants.cell(3, header.index("score") + 1).value = 140
    path = tmp_path / ("2020-draft.xlsx" if mistakes else "2020.xlsx")
    workbook.save(path)
    return path


def app(lang: str = "en") -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / "navigation.py"), default_timeout=90)
    at.query_params["lang"] = lang
    at.run()
    return at


def sign_in(at: AppTest, password: str = PASSWORD, lang: str = "en") -> AppTest:
    at.switch_page("views/signin.py").run()
    at.text_input(key="sign-in-name").input("siti")
    at.text_input(key="sign-in-password").input(password)
    return next(b for b in at.button if b.label == translate(lang, "auth.sign_in")).click().run()


def texts(at: AppTest) -> str:
    kinds = ("markdown", "success", "error", "warning", "info", "header", "subheader", "title", "caption")
    parts = [e.value for kind in kinds for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


def test_upload_page_without_sign_in_shows_no_uploader(warehouse: Warehouse, secrets_file: Path) -> None:
    at = app()
    at.switch_page("views/upload.py").run()
    assert not at.exception
    assert len(at.get("file_uploader")) == 0
    assert "sign in first" in texts(at)


def test_wrong_password_is_refused_and_counted(warehouse: Warehouse, secrets_file: Path) -> None:
    at = sign_in(app(), "not the password")
    assert not at.exception
    assert "Wrong name or password (failed attempts: 1)" in texts(at)
    at.switch_page("views/upload.py").run()
    assert len(at.get("file_uploader")) == 0
    log = (warehouse.directory / "signins.log").read_text()
    assert "\tsiti\tfailed\t1" in log
    # The count is on disk, beside the log: another server process (a guard of its own) continues it ...
    elsewhere = accounts.SignInGuard(warehouse.directory / "signins.log", delay_seconds=0)
    assert elsewhere.failures("siti") == 1
    for _ in range(accounts.LOCK_AFTER_FAILURES - 1):
        assert not elsewhere.check("siti", "still not it", accounts.read_accounts(secrets_file))
    # ... and this one refuses the right password while the name is locked, and says so.
    at = sign_in(app())
    assert "Too many failed attempts for this account" in texts(at)
    assert "Signed in as" not in texts(at)
    assert "\tsiti\tlocked\t8" in (warehouse.directory / "signins.log").read_text()


def test_guard_slows_and_locks(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Each failure waits longer than the one before; too many lock the name, even for the right password."""
    delays: list[float] = []
    monkeypatch.setattr(accounts.time, "sleep", delays.append)
    guard = accounts.SignInGuard(tmp_path / "signins.log")
    stored = {"ani": accounts.hash_password("right password 1")}
    assert guard.check("ani", "right password 1", stored)
    for attempt in range(1, accounts.LOCK_AFTER_FAILURES + 1):
        assert not guard.check("ani", "wrong", stored)
        assert guard.failures("ani") == attempt
    assert delays == sorted(delays) and delays[0] < delays[-1] <= accounts.FAILURE_DELAY_CAP
    assert guard.locked_for("ani") > 0
    assert guard.attempt("ani", "right password 1", stored).status == "locked", "a locked name stays locked"
    assert not guard.check("nobody", "whatever", stored), "an unknown name is refused like a wrong password"
    assert accounts.SignInGuard(tmp_path / "signins.log").locked_for("ani") > 0, "and stays locked after a restart"


def test_add_analyst_command_keeps_other_secrets(tmp_path: Path) -> None:
    path = tmp_path / "secrets.toml"
    path.write_text('[auth]\nredirect_uri = "http://localhost:8501/oauth2callback"\n')
    env = {**os.environ, accounts.SECRETS_ENV: str(path)}
    command = [sys.executable, "-m", "etl", "--lang", "en", "add-analyst", "budi"]
    done = subprocess.run(command, input="a long password\na long password\n", text=True, capture_output=True,
                          cwd=REPO_ROOT, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "a long password" not in done.stdout + done.stderr
    stored = accounts.read_accounts(path)
    assert accounts.verify_password("a long password", stored["budi"])
    assert "redirect_uri" in path.read_text()
    mismatch = subprocess.run(command, input="a long password\nanother one!!\n", text=True, capture_output=True,
                              cwd=REPO_ROOT, env=env, timeout=60)
    assert mismatch.returncode == 1 and "differ" in mismatch.stderr
    bad_name = subprocess.run([*command[:-1], "Bad Name!"], text=True, capture_output=True, cwd=REPO_ROOT,
                              env=env, timeout=60)
    assert bad_name.returncode == 2


def test_the_whole_flow(warehouse: Warehouse, secrets_file: Path, tmp_path: Path) -> None:
    """Sign in, upload with two mistakes, read the report, fix, preview, confirm, see it everywhere, restore."""
    at = sign_in(app())
    assert "Signed in as siti." in texts(at)
    assert [title.value for title in at.title] == ["Analyst account"], "signed in, the page is the account's"
    at.switch_page("views/upload.py").run()
    assert not at.exception

    draft = year_2020(tmp_path, mistakes=True)
    at.get("file_uploader")[0].upload(draft.name, draft.read_bytes(), XLSX).run()
    assert not at.exception
    report = texts(at)
    assert "2 problems must be fixed" in report
    problems = at.dataframe[0].value
    assert set(problems["Cell"]) == {"K2", "N3"}
    assert "Pariwisata" in set(problems["Suggestion"])
    assert any(b.label == "Download the workbook with the problems marked" for b in at.get("download_button"))
    assert not [b for b in at.button if b.label.startswith("5.")], "an invalid workbook offers no load"
    versions_before = warehouse.data_version()

    fixed = year_2020(tmp_path)
    at.get("file_uploader")[0].clear().upload(fixed.name, fixed.read_bytes(), XLSX).run()
    assert not at.exception
    assert "The workbook is valid (year 2020)." in texts(at)
    assert "The year 2020 is new" in texts(at)
    changes = at.dataframe[0].value if "Added" in at.dataframe[0].value.columns else at.dataframe[1].value
    assert changes.set_index("Sheet").loc["Participants", "Added"] == 137
    headline = next(table.value for table in at.table if "Figure" in table.value.columns)
    # A new year has no figures yet: no "Now" column of zeros beside the figures it will have. Every card of
    # the Overview is there, written as the card writes it (the rate too, which no count gives).
    assert list(headline.columns) == ["Figure", "After loading"]
    assert dict(zip(headline["Figure"], headline["After loading"], strict=True)) == {
        "Applicants": "131", "Selection rate": "3.8%", "Delegates Jakarta → Beijing": "5",
        "Delegates Beijing → Jakarta": "6", "Activities": "17", "Attendances from Jakarta": "334",
        "Attendances from Beijing": "360", "Benefit indicators recorded": "20", "Obstacles recorded": "7"}
    assert warehouse.data_version() == versions_before, "nothing is written before the confirmation"

    next(b for b in at.button if b.label == "5. Load year 2020").click().run()
    assert not at.exception
    assert "year 2020 is live on every page" in texts(at)
    assert warehouse.history()[0]["loaded_by"] == "siti"
    # The analyst's history names the account and the file; the public Data page's names neither (an
    # account's name is half of what the sign-in asks; the open data package leaves the loads out too).
    kept = at.dataframe[-1].value.to_string()
    assert "siti" in kept and "2020.xlsx" in kept
    at.switch_page("views/data.py").run()
    public = at.dataframe[-1].value
    assert 2020 in set(public["Year"]) and "siti" not in public.to_string() and "2020.xlsx" not in public.to_string()

    at.switch_page("views/overview.py").run()
    assert "Headline figures for 2020" in texts(at)

    # Restore the state before: load 2020 again with one row fewer, then restore the first 2020 load.
    first_2020 = warehouse.history()[0]["load_id"]
    smaller = openpyxl.load_workbook(fixed)
    smaller["participants"].delete_rows(2, 1)
    smaller_path = tmp_path / "2020.xlsx"
    smaller.save(smaller_path)
    at.switch_page("views/upload.py").run()
    at.get("file_uploader")[0].upload(smaller_path.name, smaller_path.read_bytes(), XLSX).run()
    assert "already loaded" in texts(at)
    headline = next(table.value for table in at.table if "Figure" in table.value.columns).set_index("Figure")
    assert list(headline.loc["Applicants"]) == ["131", "130", "-1"], "a loaded year's figures now, after, the change"
    load_button = next(b for b in at.button if b.label == "5. Load year 2020")
    assert load_button.disabled, "replacing a year needs the second confirmation"
    at.checkbox[0].check().run()
    next(b for b in at.button if b.label == "5. Load year 2020").click().run()
    with warehouse.connect_reader() as connection:
        assert connection.execute("SELECT count(*) FROM participants WHERE year = 2020").fetchall()[0][0] == 136

    # The choice names its load's time as Jakarta's clock read it (kept in UTC).
    first_loaded_at = next(load["loaded_at"] for load in warehouse.history() if load["load_id"] == first_2020)
    wib = (first_loaded_at + dt.timedelta(hours=7)).strftime("%Y-%m-%d %H:%M")
    assert f"Load {first_2020} · 2020 · 2020.xlsx · siti · {wib} WIB" in at.selectbox(key="restore-choice").options
    at.selectbox(key="restore-choice").set_value(first_2020).run()
    next(b for b in at.button if b.label == "Check and preview the restore").click().run()
    assert not at.exception
    assert f"Report on the file of load {first_2020}" in texts(at)
    at.checkbox[0].check().run()
    next(b for b in at.button if b.label == f"5. Restore load {first_2020}").click().run()
    assert not at.exception
    with warehouse.connect_reader() as connection:
        assert connection.execute("SELECT count(*) FROM participants WHERE year = 2020").fetchall()[0][0] == 137
    assert warehouse.history()[0]["restored_from_load_id"] == first_2020


def test_chinese_upload_pages_write_chinese_colons_and_brackets(warehouse: Warehouse, secrets_file: Path,
                                                               tmp_path: Path) -> None:
    """The page test of Chinese colons (tests/test_pages.py) cannot sign in: here the sign-in page, the
    upload page, a report of problems and a valid workbook's preview are read in Chinese."""
    at = app("zh")
    at.switch_page("views/signin.py").run()
    at.text_input(key="sign-in-name").input("siti")
    at.text_input(key="sign-in-password").input(PASSWORD)
    at = next(b for b in at.button if b.label == translate("zh", "auth.sign_in")).click().run()
    read: list[str] = list(visible_texts(at))
    at.switch_page("views/upload.py").run()
    read += visible_texts(at)
    for workbook in (year_2020(tmp_path, mistakes=True), year_2020(tmp_path)):
        uploader = at.get("file_uploader")[0]
        uploader.clear().upload(workbook.name, workbook.read_bytes(), XLSX).run()
        assert not at.exception
        read += visible_texts(at)
    assert len(at.get("file_uploader")) == 1 and len(read) > 40, "signed in, both reports read"
    assert [text[:200] for text in read if HALF_WIDTH_PUNCTUATION.search(text)] == []


def test_hostile_upload_is_refused_clearly(warehouse: Warehouse, secrets_file: Path, tmp_path: Path) -> None:
    at = sign_in(app())
    at.switch_page("views/upload.py").run()
    version = warehouse.data_version()
    at.get("file_uploader")[0].upload("2020.xlsx", b"%PDF-1.7 not a workbook", XLSX).run()
    assert not at.exception
    assert any("not an Excel workbook" in text.value for text in at.text)
    assert no_problem_table(at), "one sentence of the whole file: said in full, no table of where"
    assert warehouse.data_version() == version
    # Kept as received for the retention period only, readable by the server's account alone.
    kept = [path for path in warehouse.uploads.directory.iterdir() if path.read_bytes().startswith(b"%PDF")]
    assert len(kept) == 1 and stat.S_IMODE(kept[0].stat().st_mode) == 0o600
    assert stat.S_IMODE(warehouse.uploads.directory.stat().st_mode) == 0o700
    assert "kept on the server until" in texts(at)
    assert [b.label for b in at.get("download_button")] == [translate("en", "upload.template_button")]


@pytest.mark.parametrize("lang", ["id", "en", "zh"])
def test_the_retention_note_says_what_the_kept_workbook_is_for(lang: str, warehouse: Warehouse,
                                                               secrets_file: Path, tmp_path: Path) -> None:
    """The note under every report said "the load itself stays restorable from its snapshot", under a
    refused workbook and a PDF too, where there was no load. Now a workbook that can be loaded is told its
    load will be restorable; a refused one that nothing was loaded from and that it can be downloaded with
    its problems marked until the date, where that copy is offered; a file that cannot be marked only when
    it is deleted."""
    at = sign_in(app(lang), lang=lang)
    at.switch_page("views/upload.py").run()
    kept_until = translate(lang, "upload.kept_until", date="", days="")[:10]  # its words before the date
    restorable, marked = translate(lang, "upload.kept_restorable"), translate(lang, "upload.kept_marked")
    workbook = year_2020(tmp_path).read_bytes()
    uploads = {"refused": ("2020.xlsx", year_2020(tmp_path, mistakes=True).read_bytes()),
               "pdf": ("2020.xlsx", b"%PDF-1.7 not a workbook"),
               "misnamed": ("2021.xlsx", workbook),  # refused: the file's year is not the rows'
               "valid": ("2020.xlsx", workbook)}
    said, offered = {}, {}
    for name, (file_name, content) in uploads.items():
        at.get("file_uploader")[0].clear().upload(file_name, content, XLSX).run()
        assert not at.exception
        said[name] = [caption.value for caption in at.caption if caption.value.startswith(kept_until)]
        offered[name] = translate(lang, "upload.annotated") in [button.label for button in at.get("download_button")]
    assert [len(notes) for notes in said.values()] == [1, 1, 1, 1], said
    assert offered == {"refused": True, "pdf": False, "misnamed": True, "valid": False}
    assert {name: (marked in notes[0], restorable in notes[0]) for name, notes in said.items()} == {
        "refused": (True, False), "pdf": (False, False), "misnamed": (True, False), "valid": (False, True)}
    # The day as the reader's language writes it (5 Jan 2027, 5 Jan 2027, 2027年1月5日), as "data updated" is:
    # it read 2027-01-05 in every language, and broke at its hyphen on a phone.
    days = {format_day(upload.deleted_on(path), lang) for path in warehouse.uploads.directory.iterdir()}
    assert all(any(day in notes[0] for day in days) for notes in said.values()), (days, said)
    assert not any(re.search(r"\d{4}-\d{2}-\d{2}", notes[0]) for notes in said.values()), said


@pytest.mark.parametrize("lang", ["id", "zh"])
def test_signing_out_drops_the_workbook_in_hand(lang: str, warehouse: Warehouse, secrets_file: Path,
                                               tmp_path: Path) -> None:
    """Sign-out kept the session's check of a workbook: the next analyst to sign in in the same tab found the
    last one's report, preview (a year's personal data) and load button, ready to load as themselves."""
    at = sign_in(app(lang), lang=lang)
    at.switch_page("views/upload.py").run()
    at.get("file_uploader")[0].upload("2020.xlsx", year_2020(tmp_path).read_bytes(), XLSX).run()
    load_label = translate(lang, "upload.load_button", year=2020)
    assert any(button.label == load_label for button in at.button), "the valid workbook's load is offered"
    at.switch_page("views/signin.py").run()
    next(button for button in at.button if button.label == translate(lang, "auth.sign_out")).click().run()
    assert not at.exception
    assert [title.value for title in at.title] == [translate(lang, "auth.title")]
    assert [message.value for message in at.success] == [translate(lang, "auth.signed_out")]
    at = sign_in(at, lang=lang)
    at.switch_page("views/upload.py").run()
    assert not at.exception
    assert translate(lang, "upload.valid", year=2020) not in texts(at)
    assert not any(button.label == load_label for button in at.button)
    uploader = at.get("file_uploader")[0]
    assert uploader.key != "uploader-0" and at.session_state[uploader.key] is None, "a new, empty uploader"


def test_an_unused_sign_in_ends_by_itself_with_the_workbook_in_hand(warehouse: Warehouse, secrets_file: Path,
                                                                    tmp_path: Path) -> None:
    """A sign-in left open on a shared computer kept the Upload page, with a year's personal data in its preview,
    and its load button for anyone: it ends after DASHBOARD_ANALYST_IDLE_MINUTES without an action (30)."""
    at = sign_in(app())
    at.switch_page("views/upload.py").run()
    at.get("file_uploader")[0].upload("2020.xlsx", year_2020(tmp_path).read_bytes(), XLSX).run()
    assert translate("en", "upload.valid", year=2020) in texts(at)
    # An action within the time keeps the sign-in, and starts the time again.
    at.session_state[auth.ACTIVE_KEY] -= 29 * 60
    at.run()
    assert translate("en", "upload.valid", year=2020) in texts(at)
    assert time.monotonic() - at.session_state[auth.ACTIVE_KEY] < 60
    # Past it, the next run signs out on the page it is on, says why, and keeps nothing of the workbook.
    at.session_state[auth.ACTIVE_KEY] -= 31 * 60
    at.run()
    assert not at.exception
    assert [message.value for message in at.info] == [translate("en", "auth.signed_out_idle", period="30 minutes")]
    assert translate("en", "upload.sign_in_first") in texts(at)
    assert len(at.get("file_uploader")) == 0 and translate("en", "upload.valid", year=2020) not in texts(at)
    at = sign_in(at)
    at.switch_page("views/upload.py").run()
    assert translate("en", "upload.valid", year=2020) not in texts(at)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_sign_in_that_runs_out_on_a_chart_page_is_said_there_once(warehouse: Warehouse, secrets_file: Path,
                                                                    lang: str) -> None:
    """Run out while the analyst read the Overview, a sign-in ended silently: the Upload page left the
    navigation, and why was said only on the sign-in and Upload pages. It is said under the navigation and in
    a toast, once, in the reader's language; the page itself is drawn as before."""
    at = sign_in(app(lang), lang=lang)
    at.switch_page("views/overview.py").run()
    assert [message.value for message in at.sidebar.info] == [], "signed in: nothing to say"
    at.session_state[auth.ACTIVE_KEY] -= 31 * 60
    at.run()
    assert not at.exception
    said = translate(lang, "auth.signed_out_idle", period=format_minutes(30, lang))
    assert [message.value for message in at.sidebar.info] == [said]
    assert [toast.value for toast in at.toast] == [translate(lang, "auth.signed_out_toast",
                                                             period=format_minutes(30, lang))]
    assert len(at.metric) >= 4, "the Overview drawn as before, its cards too"
    assert theme._FOCUS_ASKED not in at.session_state, "the focus stays on the page the analyst reads"
    at.run()
    assert [message.value for message in at.sidebar.info] == [] and len(at.toast) == 0, "said once"
    at.switch_page("views/signin.py").run()
    assert said not in texts(at), "not said again on the sign-in page"
    assert at.text_input(key="sign-in-name") is not None


IDLE, KEPT = accounts.IDLE_ENV, uploads.RETENTION_ENV


@pytest.mark.parametrize(("configured", "minutes", "days", "refused"), [
    ("", 30.0, 30.0, set()), ("10", 10.0, 10.0, set()), ("0.5", 0.5, 0.5, set()), ("0", 30.0, 0.0, {IDLE}),
    ("-5", 30.0, 30.0, {IDLE, KEPT}), ("half an hour", 30.0, 30.0, {IDLE, KEPT}), ("inf", 30.0, 30.0, {IDLE, KEPT}),
    ("nan", 30.0, 30.0, {IDLE, KEPT})])
def test_the_periods_are_configured_and_never_forever(configured: str, minutes: float, days: float,
                                                      refused: set[str], monkeypatch: pytest.MonkeyPatch,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    """How long a sign-in lasts and an upload is kept: a bad value is the default ("inf" kept uploads for
    good), and the server's log says so (it was taken silently); zero deletes uploads at the next purge, but
    would end every sign-in at once."""
    monkeypatch.setenv(IDLE, configured)
    monkeypatch.setenv(KEPT, configured)
    with caplog.at_level(logging.WARNING, logger="etl.settings"):
        assert (accounts.idle_minutes(), uploads.retention_days()) == (minutes, days)
    assert {name for name in (IDLE, KEPT) if f"{name}={configured!r} is not a usable period" in caplog.text} == refused


def test_a_new_uploader_drops_the_last_ones_file_from_the_servers_memory() -> None:
    """Streamlit keeps an uploaded file in memory until the session ends; the workbook in a replaced uploader
    (after a load, a restore's preview, a sign-out) is dropped at once."""

    def script() -> None:
        import streamlit as st
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        from dashboard import upload

        uploaded = st.file_uploader("Workbook", key=f"uploader-{st.session_state.get(upload.UPLOADER_KEY, 0)}")
        if uploaded is not None and st.button("Replace the uploader"):
            run = get_script_run_ctx()
            held = run.uploaded_file_mgr.get_files(run.session_id, [uploaded.file_id])
            upload.new_uploader()
            st.text(f"held before: {len(held)}, "
                    f"after: {len(run.uploaded_file_mgr.get_files(run.session_id, [uploaded.file_id]))}")

    at = AppTest.from_function(script, default_timeout=30).run()
    at.get("file_uploader")[0].upload("2019.xlsx", b"a year's rows", XLSX).run()
    at.button[0].click().run()
    assert not at.exception
    assert [text.value for text in at.text] == ["held before: 1, after: 0"]
    at.run()
    assert len(at.button) == 0, "the next run's uploader is a new one, empty"


def test_a_renamed_file_is_checked_again(warehouse: Warehouse, secrets_file: Path, tmp_path: Path) -> None:
    """Refused because its name said 2021 where its rows say 2020, the workbook renamed as the report asks
    and uploaded again kept the old report: the check was keyed on the content alone, and a rename changes
    only the name."""
    at = sign_in(app())
    at.switch_page("views/upload.py").run()
    content = year_2020(tmp_path).read_bytes()
    at.get("file_uploader")[0].upload("2021.xlsx", content, XLSX).run()
    assert "The file name says 2021 but the rows say 2020." in [text.value.split(" · ")[-1] for text in at.text]
    at.get("file_uploader")[0].clear().upload("2020.xlsx", content, XLSX).run()
    assert not at.exception
    assert translate("en", "upload.valid", year=2020) in texts(at)
    assert not any("2021" in text.value for text in at.text)


def test_a_load_refused_because_the_data_changed_is_checked_again(warehouse: Warehouse, secrets_file: Path,
                                                                  tmp_path: Path) -> None:
    """Checked as a new year, 2020 was loaded by another analyst before the click: the load was refused,
    nothing written, and the page kept the stale report, whose button was refused at every click, even
    after the same file was uploaded again. Now the refusal is said and the file checked again against the
    data as it is now: a replacement of the other analyst's load, asking its confirmation."""
    at = sign_in(app())
    at.switch_page("views/upload.py").run()
    workbook = year_2020(tmp_path)
    at.get("file_uploader")[0].upload(workbook.name, workbook.read_bytes(), XLSX).run()
    assert at.checkbox[0].label == translate("en", "upload.provisional"), "a new year: nothing to replace"
    (other,) = load_files(warehouse, [workbook], loaded_by="budi")
    version = warehouse.data_version()
    next(b for b in at.button if b.label == "5. Load year 2020").click().run()
    assert not at.exception
    assert warehouse.data_version() == version, "nothing written"
    errors = [error.value for error in at.error]
    assert errors[:2] == [translate("en", "upload.rejected_now"),
                          translate("en", "problem.year_exists", year=2020, load_id=other.load_id)], errors
    replace = translate("en", "upload.confirm_replace", year=2020, load_id=other.load_id)
    assert at.checkbox[0].label == replace, "checked again: a replacement now"
    at.checkbox[0].check().run()
    assert translate("en", "upload.rejected_now") not in [error.value for error in at.error], "said once"
    next(b for b in at.button if b.label == "5. Load year 2020").click().run()
    assert not at.exception
    assert warehouse.history()[0]["loaded_by"] == "siti" and warehouse.data_version() != version


def test_a_restore_refused_after_its_preview_is_said_and_asks_for_a_new_preview(warehouse: Warehouse,
                                                                               secrets_file: Path) -> None:
    """The snapshot changed between the preview and the click: the restore is refused, nothing written, the
    page says so and why, and drops the stale preview (its button would be refused again)."""
    loads = {load["year"]: load for load in warehouse.history()}
    load_files(warehouse, [SAMPLE_FILES[1]], replace=True, loaded_by="budi")  # 2018's first load restorable
    at = sign_in(app())
    at.switch_page("views/upload.py").run()
    at.selectbox(key="restore-choice").set_value(loads[2018]["load_id"]).run()
    next(b for b in at.button if b.label == "Check and preview the restore").click().run()
    restore = f"5. Restore load {loads[2018]['load_id']}"
    assert any(b.label == restore for b in at.button)
    target = warehouse.snapshots.directory / f"{loads[2018]['snapshot_sha256']}.json"
    os.chmod(target, 0o600)
    target.write_bytes(target.read_bytes() + b" ")
    version = warehouse.data_version()
    at.checkbox[0].check().run()
    next(b for b in at.button if b.label == restore).click().run()
    assert not at.exception
    assert warehouse.data_version() == version, "nothing written"
    errors = [error.value for error in at.error]
    assert errors[:2] == [translate("en", "upload.restore_rejected_now"),
                          translate("en", "problem.snapshot_altered", value=target.name)], errors
    assert not any(b.label == restore for b in at.button), "the stale preview is gone"


@pytest.mark.parametrize("lang", ["id", "en", "zh"])
def test_the_same_rows_again_are_said_to_change_nothing(lang: str, warehouse: Warehouse, secrets_file: Path,
                                                        tmp_path: Path) -> None:
    """The year's workbook uploaded again as it was loaded read "loading replaces it" above a table of
    zeros: an analyst could take the no-op for the correction they meant to upload. It says the rows are
    the ones loaded now; a workbook with one row fewer is a replacement, as before."""
    live = next(load["load_id"] for load in warehouse.history() if load["year"] == 2019)
    unchanged = translate(lang, "upload.unchanged", year=2019, load_id=live)
    replaces = translate(lang, "upload.replaces", year=2019, load_id=live)
    at = sign_in(app(lang), lang=lang)
    at.switch_page("views/upload.py").run()
    at.get("file_uploader")[0].upload("2019.xlsx", SAMPLE_FILES[2].read_bytes(), XLSX).run()
    assert not at.exception
    assert unchanged in [info.value for info in at.info] and replaces not in [w.value for w in at.warning]
    smaller = openpyxl.load_workbook(SAMPLE_FILES[2])
    smaller["obstacles"].delete_rows(2, 1)
    path = tmp_path / "2019.xlsx"
    smaller.save(path)
    at.get("file_uploader")[0].clear().upload("2019.xlsx", path.read_bytes(), XLSX).run()
    assert replaces in [w.value for w in at.warning] and unchanged not in [info.value for info in at.info]


@pytest.mark.parametrize("lang", ["id", "en", "zh"])
def test_only_a_replaced_load_is_offered_for_restoring_and_its_preview_says_restore(
        lang: str, warehouse: Warehouse, secrets_file: Path, tmp_path: Path) -> None:
    """Each year's live load was offered too: "restoring" it previewed "The workbook holds exactly the rows
    … loading it would change no figure" and asked to confirm replacing load 2 by load 2. Only a replaced
    load is offered; with none, the page says why; a restore's preview (its message, its headline table's
    column) speaks of restoring, not loading."""
    at = sign_in(app(lang), lang=lang)
    at.switch_page("views/upload.py").run()
    assert not at.selectbox, "the sample's loads are each their year's live one"
    assert translate(lang, "upload.restore_none") in [caption.value for caption in at.caption]

    first = next(load["load_id"] for load in warehouse.history() if load["year"] == 2019)
    smaller = openpyxl.load_workbook(SAMPLE_FILES[2])
    smaller["obstacles"].delete_rows(2, 1)
    smaller.save(tmp_path / "2019.xlsx")
    (second,) = load_files(warehouse, [tmp_path / "2019.xlsx"], replace=True, loaded_by="budi")
    at.switch_page("views/upload.py").run()
    ctx = PageContext(db.reader(), Filters((2019,), "beijing", schema.FIELD.codes, "both", lang))
    assert at.selectbox(key="restore-choice").options == [describe_load(ctx, ctx.fetch("load_history"), first)]
    at.selectbox(key="restore-choice").set_value(first).run()
    next(b for b in at.button if b.label == translate(lang, "upload.restore_preview")).click().run()
    assert not at.exception
    replaces = translate(lang, "upload.replaces_restore", restored=first, year=2019, load_id=second.load_id)
    assert [w.value for w in at.warning if "2019" in w.value] == [replaces]
    headline = next(table.value for table in at.table if translate(lang, "metric.col_figure") in table.value.columns)
    assert list(headline.columns) == [translate(lang, key) for key in (
        "metric.col_figure", "upload.col_before", "upload.col_after_restore", "metric.col_change")]
    sheets = next(frame.value for frame in at.dataframe if translate(lang, "upload.col_added") in frame.value.columns)
    assert list(sheets.columns) == [translate(lang, f"upload.col_{key}") for key in (
        "sheet", "before", "after_restore", "added", "removed", "changed")]

    (third,) = load_files(warehouse, [SAMPLE_FILES[2]], replace=True, loaded_by="budi")  # the first load's rows again
    at.switch_page("views/upload.py").run()
    at.selectbox(key="restore-choice").set_value(first).run()
    next(b for b in at.button if b.label == translate(lang, "upload.restore_preview")).click().run()
    unchanged = translate(lang, "upload.unchanged_restore", restored=first, year=2019, load_id=third.load_id)
    assert unchanged in [info.value for info in at.info]
    assert translate(lang, "upload.unchanged", year=2019, load_id=third.load_id) not in texts(at)


def test_a_kept_workbook_is_deleted_on_jakartas_calendar(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Uploaded at 05:00 WIB on 4 Dec (22:00 UTC on 3 Dec), kept 30 days: past its retention on 3 Jan in
    Jakarta, where the page said 2 Jan (the server's UTC day) beside times written in WIB."""
    monkeypatch.setenv(uploads.RETENTION_ENV, "30")
    kept = tmp_path / "kept.xlsx"
    kept.write_bytes(b"x")
    uploaded = dt.datetime(2026, 12, 3, 22, 0, tzinfo=dt.UTC).timestamp()
    os.utime(kept, (uploaded, uploaded))
    assert upload.deleted_on(kept) == dt.date(2027, 1, 3)


@pytest.mark.parametrize(("retention", "lang", "said"), [
    ("1", "en", "1 day"), ("30", "en", "30 days"), ("0.5", "en", "0.5 days"), ("0.5", "id", "0,5 hari"),
    ("1", "zh", "1\u00a0天")])
def test_the_retention_period_is_said_in_days_as_configured(retention: str, lang: str, said: str,
                                                           warehouse: Warehouse, secrets_file: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A retention of one day read "1 days"; half a day read "0 days" on the pages (the command line said
    "0.50"). The Data page's privacy note, the Upload page's note and the command line's help say the
    configured period, in the reader's language."""
    monkeypatch.setenv(uploads.RETENTION_ENV, retention)
    at = sign_in(app(lang), lang=lang)
    at.switch_page("views/upload.py").run()
    assert translate(lang, "upload.intro", analyst="siti", days=said) in [caption.value for caption in at.caption]
    at.switch_page("views/data.py").run()
    assert translate(lang, "data.note_privacy", days=said, idle=format_minutes(30, lang)) in [
        text.value for text in at.markdown]
    assert said in translate(lang, "cli_help.purge", env="", days=format_days(float(retention), lang))


def no_problem_table(at: AppTest) -> bool:
    return all(translate(lang, "upload.col_message") not in frame.value.columns
               for frame in at.dataframe for lang in ("id", "en", "zh"))


@pytest.mark.parametrize("lang", ["id", "en", "zh"])
def test_a_problem_of_the_whole_file_has_no_row_and_the_rows_are_numbers(lang: str, warehouse: Warehouse) -> None:
    """Beside a cell's problem, a problem of the whole file has no row: missing, which the table draws empty
    (show_table's placeholder), not Streamlit's English "None". The rows were text ("5"), which sorted
    "10" before "9"; they are numbers."""
    ctx = PageContext(db.reader(), Filters((2019,), "beijing", schema.FIELD.codes, "both", lang))
    cell = Problem("unknown_category", sheet="participants", row=5, column="field", cell="K5", value="x",
                   params={"column_label": "field", "allowed": ""})
    rows = upload.problems_frame(ctx, [Problem("encrypted"), cell])[translate(lang, "upload.col_row")]
    assert pd.api.types.is_integer_dtype(rows)
    assert rows.isna().tolist() == [True, False] and rows.iloc[1] == 5


@pytest.mark.parametrize(("name", "code", "extension"), [
    ("peserta 2020.csv", "unsupported_extension_upload", ".csv"),
    ("laporan.pdf", "unsupported_extension_upload", ".pdf"),
    ("2020", "unsupported_extension_upload", "2020"),
    ("2020.xls", "old_xls", None),
    ("2020.xlsm", "macro_enabled", None),
    ("2020.ods", "ods", None),
])
@pytest.mark.parametrize("lang", ["id", "zh"])
def test_a_file_of_another_type_is_refused_in_the_readers_language_and_not_kept(
        warehouse: Warehouse, secrets_file: Path, lang: str, name: str, code: str, extension: str | None) -> None:
    """The uploader refused any file but .xlsx itself, with Streamlit's English tooltip on a red chip and
    nothing else on the page. It now takes any file; the page refuses one of another type in the
    reader's language, naming what to do, before keeping it (it is not a workbook of the year)."""
    at = sign_in(app(lang), lang=lang)
    at.switch_page("views/upload.py").run()
    version = warehouse.data_version()
    before = sorted(warehouse.uploads.directory.iterdir()) if warehouse.uploads.directory.exists() else []
    at.get("file_uploader")[0].upload(name, b"Nama,Tahun\nSiti,2020\n", "application/octet-stream").run()
    assert not at.exception
    expected = translate(lang, f"problem.{code}", **({"extension": extension} if extension else {}))
    assert any(expected in text.value for text in at.text)
    assert no_problem_table(at), "one sentence of the whole file: said in full, no table of where"
    assert [e.value for e in at.error] == [translate(lang, "upload.invalid", 1, count="1")]
    assert warehouse.data_version() == version
    after = sorted(warehouse.uploads.directory.iterdir()) if warehouse.uploads.directory.exists() else []
    assert after == before, "a file that is no workbook of the year is not kept"
    # Its one sentence is on the page in full: no download of a one-line "list" of it.
    assert [b.label for b in at.get("download_button")] == [translate(lang, "upload.template_button")]


@pytest.mark.parametrize("lang", ["id", "zh"])
def test_a_file_above_the_limit_is_refused_on_the_page_and_not_kept(warehouse: Warehouse, secrets_file: Path,
                                                                    lang: str) -> None:
    """Streamlit refused a file above 50 MB before sending it, with an English tooltip on a red chip and
    nothing on the page. The uploader takes up to 200 MB; the page refuses above 50 MB in the reader's
    language, before keeping the file; an empty file likewise."""
    at = sign_in(app(lang), lang=lang)
    at.switch_page("views/upload.py").run()
    directory = warehouse.uploads.directory
    before = sorted(directory.iterdir()) if directory.exists() else []
    size = upload.MAX_UPLOAD_MB * 2**20 + 1
    at.get("file_uploader")[0].upload("2020.xlsx", b"PK" + bytes(size - 2), XLSX).run()
    assert not at.exception
    shown = [text.value for text in at.text]
    expected = translate(lang, "problem.too_large_file", size_mb=format_number(size / 2**20, lang, 1),
                         limit_mb=format_number(upload.MAX_UPLOAD_MB, lang))
    assert any(expected in text for text in shown), shown
    at.get("file_uploader")[0].clear().upload("2020.xlsx", b"", XLSX).run()
    assert any(translate(lang, "problem.empty_file") in text.value for text in at.text)
    assert (sorted(directory.iterdir()) if directory.exists() else []) == before, "neither file is kept"


def test_the_servers_upload_limit_is_the_uploaders() -> None:
    """Above the server's limit Streamlit refuses a file itself, in English: it is the uploader's own."""
    config = tomllib.loads((REPO_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] == upload.UPLOADER_MB > upload.MAX_UPLOAD_MB


def test_a_workbook_with_a_remark_is_loaded_and_its_consequence_shown(warehouse: Warehouse, secrets_file: Path,
                                                                       tmp_path: Path) -> None:
    """An indicator code recorded twice in the year is a remark, not an error: the report says what it means,
    the workbook is loaded, and the Benefits page then names the code it cannot follow."""
    path = year_2020(tmp_path)
    workbook = openpyxl.load_workbook(path)
    benefits = workbook["benefits"]
    header = [cell.value for cell in benefits[1]]
    benefits.cell(3, header.index("indicator_code") + 1).value = "LOK-KT-01"  # row 2's code, unit and year
    workbook.save(path)

    at = sign_in(app())
    at.switch_page("views/upload.py").run()
    at.get("file_uploader")[0].upload(path.name, path.read_bytes(), XLSX).run()
    assert not at.exception
    assert "The workbook can be loaded; 1 remark below." in texts(at)
    (remark,) = next(frame.value for frame in at.dataframe if "Kind" in frame.value.columns).to_dict("records")
    assert (remark["Kind"], remark["Sheet"], remark["Cell"], remark["Value"]) == (
        "Remark", "benefits", "H2", "LOK-KT-01")
    assert "recorded 2 times this year with the same unit and partner city (rows 2, 3)" in remark["Problem"]
    # Above the table, whose cell cuts it, the sentence in full, as plain text.
    (line,) = [element.value for element in at.text]
    assert line.startswith("Remark · benefits!H2 (indicator_code): The indicator code “LOK-KT-01” is recorded 2 ")
    assert line.endswith("If the rows measure different indicators, give each its own code.")
    next(b for b in at.button if b.label == "5. Load year 2020").click().run()
    assert not at.exception
    assert "year 2020 is live on every page" in texts(at)

    at.switch_page("views/benefits.py").run()
    assert not at.exception
    assert "Not followed: 1 indicator code recorded more than once in a year (LOK-KT-01)" in texts(at)


def test_many_problems_are_written_out_errors_first_then_counted(warehouse: Warehouse, secrets_file: Path,
                                                                 tmp_path: Path) -> None:
    """Twelve errors and a remark: ten errors in full, in Indonesian, a caption saying where the other three
    are, and all thirteen in the table. A workbook's text in a message stays text (st.text, no Markdown)."""
    path = year_2020(tmp_path)
    workbook = openpyxl.load_workbook(path)
    benefits, participants = workbook["benefits"], workbook["participants"]
    code_at = [cell.value for cell in benefits[1]].index("indicator_code") + 1
    benefits.cell(3, code_at).value = "LOK-KT-01"
    field_at = [cell.value for cell in participants[1]].index("field") + 1
    for row in range(2, 14):
        participants.cell(row, field_at).value = "**Pariwisata** [x](http://example.org)"
    workbook.save(path)

    at = sign_in(app("id"), lang="id")
    at.switch_page("views/upload.py").run()
    at.get("file_uploader")[0].upload(path.name, path.read_bytes(), XLSX).run()
    assert not at.exception
    lines = [element.value for element in at.text]
    assert len(lines) == 10 and all(line.startswith("Galat · participants!K") for line in lines)
    assert "“**Pariwisata** [x](http://example.org)”" in lines[0]
    assert "10 baris pertama dari 13 ditulis lengkap" in "\n".join(caption.value for caption in at.caption)
    table = next(frame.value for frame in at.dataframe if "Jenis" in frame.value.columns)
    assert list(table["Jenis"]).count("Galat") == 12 and list(table["Jenis"]).count("Catatan") == 1
    # The rows reach the browser as numbers, so sorting the column puts row 9 before row 10.
    assert pd.api.types.is_integer_dtype(table["Baris"])
    errors = table[table["Jenis"] == "Galat"]
    assert errors["Baris"].tolist() == list(range(2, 14))


def test_annotated_workbook_marks_every_problem_cell(tmp_path: Path) -> None:
    draft = year_2020(tmp_path, mistakes=True)
    check = check_file(draft)
    marked = openpyxl.load_workbook(io.BytesIO(annotate(draft, check.problems, "id")))
    assert marked.sheetnames[0] == "Masalah"
    participants = marked["participants"]
    for ref in ("K2", "N3"):
        assert participants[ref].fill.fgColor.rgb.endswith("FFC7CE")
        assert participants[ref].comment is not None
    assert "Pariwisata" in participants["K2"].comment.text
    assert participants["A2"].comment is None


def test_annotated_workbook_marks_a_remark_apart_from_errors(tmp_path: Path) -> None:
    """A remark's cell is filled yellow, an error's red, each with its message as the cell's comment."""
    draft = year_2020(tmp_path, mistakes=True)
    workbook = openpyxl.load_workbook(draft)
    header = [cell.value for cell in workbook["benefits"][1]]
    workbook["benefits"].cell(3, header.index("indicator_code") + 1).value = "LOK-KT-01"
    workbook.save(draft)
    check = check_file(draft)
    marked = openpyxl.load_workbook(io.BytesIO(annotate(draft, check.problems, "en")))
    remark = marked["benefits"]["H2"]
    assert remark.fill.fgColor.rgb.endswith("FFEB9C") and "recorded 2 times" in remark.comment.text
    assert marked["participants"]["K2"].fill.fgColor.rgb.endswith("FFC7CE")
    assert marked["benefits"]["H3"].comment is None, "the remark is on the code's first row only"


def test_preview_counts_added_removed_changed(warehouse: Warehouse, tmp_path: Path) -> None:
    edited = openpyxl.load_workbook(SAMPLE_FILES[1])
    sheet = edited["participants"]
    header = [cell.value for cell in sheet[1]]
    sheet.cell(2, header.index("score") + 1).value = 12.5  # changed
    sheet.delete_rows(3, 1)  # removed
    path = tmp_path / "2018.xlsx"
    edited.save(path)
    staged = stage_file(warehouse, path)
    assert staged.ok
    changes = {c.sheet: c for c in compare_year(warehouse, warehouse.snapshots.open(staged.snapshot_sha256))}
    participants = changes["participants"]
    assert (participants.removed, participants.changed, participants.added) == (1, 1, 0)
    assert changes["activities"].changed == changes["activities"].added == changes["activities"].removed == 0
    assert not any(change.emptied for change in changes.values())


def test_two_analysts_at_once_and_readers_keep_working(warehouse: Warehouse, tmp_path: Path) -> None:
    """Both loads land one after the other; a reader thread queries throughout without an error."""
    first, second = year_2020(tmp_path), tmp_path / "2021.xlsx"
    workbook = openpyxl.load_workbook(first)
    for sheet in workbook.worksheets:
        header = [cell.value for cell in sheet[1]]
        for row in range(2, sheet.max_row + 1):
            if sheet.cell(row, header.index("year") + 1).value is not None:
                sheet.cell(row, header.index("year") + 1).value = 2021
    workbook.save(second)
    errors: list[BaseException] = []
    results = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            try:
                with warehouse.connect_reader() as connection:
                    connection.execute("SELECT count(*) FROM participants").fetchall()
            except BaseException as error:
                errors.append(error)

    def load(path: Path, who: str) -> None:
        try:
            results.extend(load_files(warehouse, [path], loaded_by=who))
        except BaseException as error:
            errors.append(error)

    reader = threading.Thread(target=read)
    reader.start()
    loaders = [threading.Thread(target=load, args=(first, "a")), threading.Thread(target=load, args=(second, "b"))]
    for thread in loaders:
        thread.start()
    for thread in loaders:
        thread.join(timeout=120)
    stop.set()
    reader.join(timeout=30)
    assert not errors, errors
    assert sorted(r.year for r in results) == [2020, 2021]
    assert {load["year"] for load in warehouse.history()[:2]} == {2020, 2021}


def stored_copy(source: Path, target: Path, change: tuple[bytes, bytes] | None = None) -> Path:
    """The workbook re-zipped without compression, optionally with one same-length edit in participants."""
    parts = read_parts(source)
    if change is not None:
        sheet = SHEET_PARTS["participants"]
        assert change[0] in parts[sheet] and len(change[0]) == len(change[1])
        parts[sheet] = parts[sheet].replace(change[0], change[1], 1)
    return write_zip(target, parts, zipfile.ZIP_STORED)


def test_a_different_file_with_the_same_name_and_size_is_checked_again(
        warehouse: Warehouse, secrets_file: Path, tmp_path: Path) -> None:
    valid = stored_copy(year_2020(tmp_path), tmp_path / "a" / "2020.xlsx")
    wrong = stored_copy(year_2020(tmp_path), tmp_path / "b" / "2020.xlsx", (b"<v>2020</v>", b"<v>2021</v>"))
    assert valid.stat().st_size == wrong.stat().st_size and valid.read_bytes() != wrong.read_bytes()
    at = sign_in(app())
    at.switch_page("views/upload.py").run()
    at.get("file_uploader")[0].upload(valid.name, valid.read_bytes(), XLSX).run()
    assert "The workbook is valid (year 2020)." in texts(at)
    at.get("file_uploader")[0].clear().upload(wrong.name, wrong.read_bytes(), XLSX).run()
    assert not at.exception
    assert "must be fixed" in texts(at) and "The workbook is valid" not in texts(at)
    assert not [b for b in at.button if b.label == "5. Load year 2020"]


def test_a_replacement_that_empties_a_sheet_needs_its_own_named_confirmation(
        warehouse: Warehouse, secrets_file: Path, tmp_path: Path) -> None:
    workbook = openpyxl.load_workbook(SAMPLE_FILES[2])
    workbook["obstacles"].title = "Kendala lapangan"
    path = tmp_path / "2019.xlsx"
    workbook.save(path)
    obstacles = dict(warehouse.year_rows(2019))["obstacles"]
    at = sign_in(app())
    at.switch_page("views/upload.py").run()
    at.get("file_uploader")[0].upload(path.name, path.read_bytes(), XLSX).run()
    assert not at.exception
    assert f"Loading removes all {obstacles} rows of Obstacles for 2019" in texts(at)
    labels = [box.label for box in at.checkbox]
    assert f"Yes, remove all {obstacles} rows of Obstacles for 2019." in labels
    load = next(b for b in at.button if b.label == "5. Load year 2019")
    assert load.disabled
    at.checkbox[0].check().run()  # the replacement alone is not enough
    assert next(b for b in at.button if b.label == "5. Load year 2019").disabled
    next(box for box in at.checkbox if box.label.startswith("Yes, remove all")).check().run()
    next(b for b in at.button if b.label == "5. Load year 2019").click().run()
    assert not at.exception
    assert warehouse.year_rows(2019)["obstacles"] == 0


def test_after_the_retention_period_the_problem_list_is_still_offered(
        warehouse: Warehouse, secrets_file: Path, tmp_path: Path) -> None:
    draft = year_2020(tmp_path, mistakes=True)
    at = sign_in(app())
    at.switch_page("views/upload.py").run()
    at.get("file_uploader")[0].upload(draft.name, draft.read_bytes(), XLSX).run()
    assert any(b.label == "Download the workbook with the problems marked" for b in at.get("download_button"))
    assert run_purge(warehouse, days=0).returncode == 0
    assert not any(warehouse.uploads.directory.iterdir())
    at.run()
    assert "no longer kept" in texts(at)
    labels = [b.label for b in at.get("download_button")]
    assert "Download the list of problems (Excel)" in labels
    assert "Download the workbook with the problems marked" not in labels


def run_purge(warehouse: Warehouse, days: float) -> subprocess.CompletedProcess:
    env = {**os.environ, "DASHBOARD_DB": str(warehouse.path)}
    return subprocess.run([sys.executable, "-m", "etl", "purge", "--days", str(days)], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


def test_the_headline_preview_is_written_in_the_language_it_is_read_in(warehouse: Warehouse) -> None:
    """The preview keeps the figures, not their text: a reader who switches language after the check reads
    the cards' names and numbers in the new language (Indonesian writes 3,8%). A year loaded before gets the
    change a card would show between now and after loading: a corrected workbook's effect at a glance, a
    change too small for the digits shown written as none ("±0,0"), never as a rise or a fall."""
    kept = pd.DataFrame({"metric": ["applicants", "selection_rate"], "before": [1234.0, 0.0381],
                         "after": [1240.0, 0.0377]})
    texts = {}
    for lang in ("id", "en"):
        ctx = PageContext(db.reader(), Filters((2019,), "beijing", schema.FIELD.codes, "both", lang))
        texts[lang] = headline_table(ctx, kept).to_dict("list")
    assert texts["id"] == {"Angka": ["Pendaftar", "Tingkat keterpilihan"], "Sekarang": ["1.234", "3,8%"],
                           "Setelah dimuat": ["1.240", "3,8%"], "Perubahan": ["+6", "±0,0 poin persen"]}
    assert texts["en"]["Now"] == ["1,234", "3.8%"]
    assert texts["en"]["Change"] == ["+6", "±0.0 pp"]
    fallen = kept.assign(after=[1200.0, 0.05])
    ctx = PageContext(db.reader(), Filters((2019,), "beijing", schema.FIELD.codes, "both", "en"))
    assert headline_table(ctx, fallen)["Change"].tolist() == ["-34", "+1.2 pp"]
    new_year = kept.assign(before=None)
    ctx = PageContext(db.reader(), Filters((2019,), "beijing", schema.FIELD.codes, "both", "en"))
    assert list(headline_table(ctx, new_year).columns) == ["Figure", "After loading"]


def test_step_four_is_a_section_with_its_headline_figures_under_it(warehouse: Warehouse, secrets_file: Path,
                                                                   tmp_path: Path) -> None:
    """The headline figures' table was named in bold text, out of a screen reader's list of headings; then
    in an h4 drawn larger than the preview's h3 above it, and step 4 an h3 under step 3's h2. Step 4 is a
    section (h2) as steps 1 to 3 are, its headline figures an h3 under it, in the reader's language."""
    at = sign_in(app("id"), lang="id")
    at.switch_page("views/upload.py").run()
    at.get("file_uploader")[0].upload("2020.xlsx", year_2020(tmp_path).read_bytes(), XLSX).run()
    assert not at.exception
    preview = translate("id", "upload.preview_title", year=2020)
    steps = [header.value for header in at.header]
    assert steps[-2:] == [preview, translate("id", "upload.step_history")]  # after step 3, before the history
    assert translate("id", "upload.headline_title", year=2020) in [subheader.value for subheader in at.subheader]
    assert not [md.value for md in at.markdown if md.value.startswith("#")]
    assert not [md.value for md in at.markdown if re.fullmatch(r"\*\*[^*]+\*\*", md.value)]


def test_a_restore_choice_gives_jakarta_time_and_names_the_sample_in_the_readers_language(
        warehouse: Warehouse) -> None:
    """A replaced sample load offered for restoring read "Muatan 3 · … · sample data · 2026-12-03 14:42": the
    author in English and a UTC time with no zone, which a Jakarta analyst reads as seven hours early."""
    history = pd.DataFrame({"load_id": [3], "year": [2019], "file_name": ["2019.xlsx"], "loaded_by": ["sample data"],
                            "loaded_at": [pd.Timestamp("2026-12-31 20:05:09")]})  # UTC, as the warehouse keeps it
    wanted = {"id": "Muatan 3 · 2019 · 2019.xlsx · data contoh · 2027-01-01 03:05 WIB",
              "en": "Load 3 · 2019 · 2019.xlsx · sample data · 2027-01-01 03:05 WIB",
              "zh": "载入 3 · 2019 · 2019.xlsx · 示例数据 · 雅加达时间 2027-01-01 03:05"}
    for lang, text in wanted.items():
        ctx = PageContext(db.reader(), Filters((2019,), "beijing", schema.FIELD.codes, "both", lang))
        assert describe_load(ctx, history, 3) == text


def test_the_uploaded_files_name_is_shown_as_typed(warehouse: Warehouse, secrets_file: Path, tmp_path: Path) -> None:
    """A heading and a status label are Markdown: a workbook named "[2020](www.evil.example).xlsx" was
    headed by a link, "**2020**.xlsx" by bold text. The name is the analyst's, shown as typed."""
    at = sign_in(app())
    at.switch_page("views/upload.py").run()
    workbook = year_2020(tmp_path)
    name = "[**2020**](www.evil.example).xlsx"
    at.get("file_uploader")[0].upload(name, workbook.read_bytes(), XLSX).run()
    assert not at.exception
    headings = [header.value for header in at.header]
    assert "3. Report on \\[\\*\\*2020\\*\\*\\](` www.evil.example).xlsx `" in headings, headings
    assert [status.label for status in at.status if "2020" in status.label] == [
        "\\[\\*\\*2020\\*\\*\\](` www.evil.example).xlsx ` checked"], "the status label too"
