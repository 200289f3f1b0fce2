"""An analyst in a real browser: sign in, upload a bad workbook, read the report, load a good one."""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import openpyxl
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from dashboard.theme import WORKBOOK_TYPES
from etl import accounts
from etl.reader import XLSX_SUFFIXES
from etl.warehouse import Warehouse
from tests.paths import SAMPLE_FILES
from translations import format_minutes, translate

from .harness import (
    LOGS,
    VIEWPORT,
    RunningApp,
    after_interaction,
    focus_comes_to,
    headings_larger_than_their_parent,
    open_page,
    save_screenshot,
    start_app,
    stop_app,
    tab_to,
)

PASSWORD = "a long test password"
# The texts a reader sees inside an element (CSS generated content aside), icons' ligatures left out.
SHOWN_WORDS_JS = """el => {
  const words = [], walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (node.textContent.trim() && parent.checkVisibility() && !parent.closest('[data-testid="stIconMaterial"]'))
      words.push(node.textContent.trim());
  }
  return words;
}"""


@pytest.fixture(scope="module")
def analyst_app(sample_warehouse_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    """Its own server and warehouse copy (the test writes to it), with one analyst account."""
    with analyst_server(sample_warehouse_dir, tmp_path_factory.mktemp("upload-e2e")) as app:
        yield app


@contextmanager
def analyst_server(sample_warehouse_dir: Path, root: Path, log_name: str = "streamlit-upload.log",
                   **extra_env: str) -> Iterator[RunningApp]:
    """A server on a copy of the sample warehouse in ``root``, with one analyst account."""
    shutil.copytree(sample_warehouse_dir, root / "data", symlinks=True)
    secrets = root / "secrets.toml"
    accounts.write_account("siti", accounts.hash_password(PASSWORD), secrets)
    app = start_app(root / "data" / "warehouse.duckdb", LOGS / log_name,
                    extra_env={accounts.SECRETS_ENV: str(secrets), **extra_env})
    try:
        yield app
    finally:
        stop_app(app)


def workbook_2020(folder: Path, mistake: bool) -> Path:
    workbook = openpyxl.load_workbook(SAMPLE_FILES[2])
    for sheet in workbook.worksheets:
        header = [cell.value for cell in sheet[1]]
        for row in range(2, sheet.max_row + 1):
            if sheet.cell(row, header.index("year") + 1).value is not None:
                sheet.cell(row, header.index("year") + 1).value = 2020
    if mistake:
        header = [cell.value for cell in workbook["participants"][1]]
        workbook["participants"].cell(2, header.index("field") + 1).value = "Pariwisataa"
        # and a remark, which alone would not block the load: row 2's indicator code again, with its unit
        header = [cell.value for cell in workbook["benefits"][1]]
        workbook["benefits"].cell(3, header.index("indicator_code") + 1).value = "LOK-KT-01"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "2020.xlsx"
    workbook.save(path)
    return path


def _serious_axe_findings(page: Page) -> list[tuple[str, int]]:
    found = Axe().run(page, options={"resultTypes": ["violations"]}).response["violations"]
    return [(v["id"], len(v["nodes"])) for v in found if v["impact"] in ("serious", "critical")]


def sign_in(page: Page, app: RunningApp, lang: str) -> None:
    """Sign in as the analyst on the sign-in page, the form sent with Enter."""
    open_page(page, app.url("/signin", f"lang={lang}"))
    page.get_by_role("textbox", name=translate(lang, "auth.name")).fill("siti")
    password = page.get_by_role("textbox", name=translate(lang, "auth.password"))
    password.fill(PASSWORD)
    after_interaction(page, lambda: password.press("Enter"))


def upload(page: Page, path: Path) -> None:
    chooser_input = page.locator('[data-testid="stFileUploaderDropzoneInput"]')
    after_interaction(page, lambda: chooser_input.set_input_files(str(path)))


def test_analyst_uploads_a_year(analyst_app: RunningApp, page: Page, tmp_path: Path) -> None:
    warehouse = Warehouse(analyst_app.warehouse)
    version = warehouse.data_version()
    open_page(page, analyst_app.url("/upload", "lang=en"))
    assert page.locator('[data-testid="stFileUploaderDropzoneInput"]').count() == 0, "no uploader before sign-in"

    open_page(page, analyst_app.url("/signin", "lang=en"))
    page.get_by_role("textbox", name="Account name").fill("siti")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    after_interaction(page, lambda: page.get_by_role("button", name="Sign in").click())
    assert page.get_by_text("Signed in as siti.").is_visible()
    after_interaction(page, lambda: page.get_by_role("link", name="Upload").first.click())
    # The empty page passes axe too: the uploader's button, its word drawn by CSS, had no name (critical).
    assert _serious_axe_findings(page) == []

    upload(page, workbook_2020(tmp_path / "bad", mistake=True))
    page.get_by_text("1 problem must be fixed").wait_for()  # the singular form (CLDR "one")
    # Each message whole above the table (whose cells cut it), the error before the remark.
    in_full = page.locator(".st-key-problems-in-full [data-testid='stText']")
    assert in_full.all_inner_texts() == [
        "Error · participants!K2: “Pariwisataa” is not an allowed value for field. Did you mean “Pariwisata”?",
        "Remark · benefits!H2 (indicator_code): The indicator code “LOK-KT-01” is recorded 2 times this year with "
        "the same unit and partner city (rows 2, 3). The rows are loaded, but the page “Benefits & obstacles” "
        "cannot follow this code across years, because which of its values to follow cannot be told. If the rows "
        "measure different indicators, give each its own code."]
    assert page.get_by_role("button", name="Download the workbook with the problems marked").is_visible()
    assert page.get_by_role("button", name="5. Load year 2020").count() == 0
    save_screenshot(page, "upload-report-bad-en")
    # The rows read per sheet side by side, wrapping on a phone: they took a line each there, four lines.
    page.set_viewport_size({"width": 390, "height": 844})
    counts = page.locator("[data-testid='stMetric']")  # the page's only metrics
    assert counts.count() == 4
    lines = {round(box["y"]) for box in (counts.nth(index).bounding_box() for index in range(4)) if box}
    assert len(lines) <= 2, lines
    page.set_viewport_size(VIEWPORT)
    # The analyst's report passes axe as the public pages do (tests/e2e/test_accessibility.py).
    assert _serious_axe_findings(page) == []
    assert warehouse.data_version() == version, "a bad file changes nothing"

    upload(page, workbook_2020(tmp_path / "good", mistake=False))
    page.get_by_text("The workbook is valid (year 2020).").wait_for()
    assert page.get_by_text("The year 2020 is new: loading adds it.").is_visible()
    # Step 4 is a section as steps 1 to 3 are; its headline figures' h3 was an h4 drawn larger than it.
    expect(page.get_by_role("heading", name="4. What changes for 2020", level=2)).to_be_visible()
    expect(page.get_by_role("heading", name="Headline figures of 2020", level=3)).to_be_visible()
    assert headings_larger_than_their_parent(page) == []
    save_screenshot(page, "upload-preview-en")
    after_interaction(page, lambda: page.get_by_role("button", name="5. Load year 2020").click())
    page.get_by_text("year 2020 is live on every page").wait_for()
    assert warehouse.history()[0]["year"] == 2020 and warehouse.history()[0]["loaded_by"] == "siti"

    after_interaction(page, lambda: page.get_by_role("link", name="Overview").first.click())
    page.get_by_text("Headline figures for 2020").wait_for()
    assert page.locator('[data-testid="stMetric"]').first.is_visible()
    save_screenshot(page, "upload-overview-2020-en")

    # 2020 reloaded with one applicant fewer, read in Chinese on a phone: each headline figure now, after
    # loading, and its change, every cell whole (a grid squeezed the change to "个百分点", its number cut off).
    after_interaction(page, lambda: page.get_by_role("link", name="Upload").first.click())
    after_interaction(page, lambda: page.get_by_test_id("stSidebar").get_by_text("zh", exact=True).click())
    page.set_viewport_size({"width": 390, "height": 844})
    fewer = openpyxl.load_workbook(workbook_2020(tmp_path / "fewer", mistake=False))
    fewer["participants"].delete_rows(2, 1)
    fewer.save(tmp_path / "fewer" / "2020.xlsx")
    upload(page, tmp_path / "fewer" / "2020.xlsx")
    expect(page.get_by_role("heading", name=translate("zh", "upload.headline_title", year=2020))).to_be_visible()
    table = page.get_by_test_id("stTable").filter(has_text=translate("zh", "metric.col_change"))
    cells = table.locator("th, td").evaluate_all(
        "cells => cells.map(cell => [cell.innerText.trim(), cell.scrollWidth - cell.clientWidth])")
    assert [text for text, overflow in cells if overflow > 1] == [], "a cell cut on a phone"
    rate = table.locator("tr", has_text="入选率").locator("td").last
    assert re.fullmatch(r"[+±-]\d+\.\d 个百分点", rate.inner_text().strip()), rate.inner_text()
    assert rate.evaluate("cell => getComputedStyle(cell).textAlign") == "right", "figures set as numbers are"
    save_screenshot(page, "upload-reload-phone-zh")


@pytest.mark.parametrize("lang", ["id", "zh"])
def test_an_analyst_reads_streamlits_own_words_in_their_language(analyst_app: RunningApp, page: Page,
                                                                 lang: str, tmp_path: Path) -> None:
    """Streamlit writes its uploader's button ("Upload"), its note ("50MB per file • XLSX") and the hint under
    the sign-in form ("Press Enter to submit form") in English whatever the page's language."""
    open_page(page, analyst_app.url("/signin", f"lang={lang}"))
    page.get_by_role("textbox", name=translate(lang, "auth.name")).fill("siti")
    page.get_by_role("textbox", name=translate(lang, "auth.password")).fill(PASSWORD)
    hint = page.get_by_test_id("InputInstructions")
    expect(hint).to_be_visible()
    assert hint.evaluate(SHOWN_WORDS_JS) == [], "Streamlit's English hint is hidden"
    written = hint.evaluate("el => getComputedStyle(el, '::after').content")
    assert written == f'"{translate(lang, "auth.enter_to_sign_in")}"'
    save_screenshot(page, f"signin-typed-{lang}")
    after_interaction(page, lambda: page.get_by_role("textbox", name=translate(lang, "auth.password")).press("Enter"))
    expect(page.get_by_text(translate(lang, "auth.signed_in_as", name="siti"))).to_be_visible()
    # Signed in, the navigation names the page the account's, not "sign-in" again.
    expect(page.get_by_role("link", name=translate(lang, "auth.account"))).to_be_visible()
    expect(page.get_by_role("link", name=translate(lang, "nav.signin"))).to_have_count(0)
    after_interaction(page, lambda: page.get_by_role("link", name=translate(lang, "nav.upload")).first.click())
    dropzone = page.get_by_test_id("stFileUploaderDropzone")
    expect(dropzone).to_be_visible()
    button = dropzone.get_by_role("button", name=translate(lang, "upload.browse"), exact=True)
    expect(button).to_be_visible()
    assert dropzone.evaluate(SHOWN_WORDS_JS) == [], "no English word left"
    expect(page.get_by_text(translate(lang, "upload.uploader", limit=50))).to_be_visible()  # size and type
    save_screenshot(page, f"upload-empty-{lang}")
    assert _serious_axe_findings(page) == []  # the button's word drawn by CSS was no name to axe (critical)
    # The browser's file chooser offers workbooks first (the uploader itself takes any file, see below).
    expect(page.get_by_test_id("stFileUploaderDropzoneInput")).to_have_attribute("accept", WORKBOOK_TYPES)
    assert WORKBOOK_TYPES.split(",") == list(XLSX_SUFFIXES)
    # A file of another type: refused by the page in the reader's language, not by Streamlit's English
    # tooltip ("text/csv files are not allowed.") on a red chip.
    other = tmp_path / "peserta.csv"
    other.write_text("Nama,Tahun\nSiti,2020\n", encoding="utf-8")
    upload(page, other)
    expect(page.get_by_text(translate(lang, "problem.unsupported_extension_upload", extension=".csv")).first
           ).to_be_visible()
    expect(page.get_by_text("not allowed")).to_have_count(0)
    expect(page.get_by_role("button", name=translate(lang, "framework.add_files"))).to_be_visible()
    expect(page.get_by_test_id("stFileUploaderDropzoneInput")).to_have_attribute(
        "aria-label", translate(lang, "framework.file_upload"))
    save_screenshot(page, f"upload-other-type-{lang}")


def test_an_analyst_loads_and_restores_a_year_from_the_keyboard(analyst_app: RunningApp, page: Page,
                                                                 tmp_path: Path) -> None:
    """Each outcome takes the focus, in Indonesian: "Signed in as" (the form that had it is gone), a load's
    outcome at the top of the page (its button is gone), a restore's report, drawn far above the button that
    asks for it, and a sign-out's message. Before, the focus fell to the page's body, or stayed on the button
    at the page's end."""
    lang = "id"
    warehouse = Warehouse(analyst_app.warehouse)
    before = warehouse.current_loads()[2019]
    sign_in(page, analyst_app, lang)
    assert focus_comes_to(page, translate(lang, "auth.signed_in_as", name="siti")) == "stAlert"

    after_interaction(page, lambda: page.get_by_role("link", name=translate(lang, "nav.upload")).first.click())
    fewer = openpyxl.load_workbook(SAMPLE_FILES[2])  # 2019 with one applicant fewer
    fewer["participants"].delete_rows(2, 1)
    fewer.save(tmp_path / "2019.xlsx")
    upload(page, tmp_path / "2019.xlsx")
    understood = page.get_by_role("checkbox", name=translate(lang, "upload.confirm_replace", year=2019,
                                                             load_id=before))
    understood.focus()
    after_interaction(page, lambda: page.keyboard.press("Space"))
    tab_to(page, translate(lang, "upload.load_button", year=2019))
    after_interaction(page, lambda: page.keyboard.press("Enter"))
    loaded = warehouse.current_loads()[2019]
    assert loaded > before
    assert focus_comes_to(page, translate(lang, "upload.done", load_id=loaded, year=2019)) == "stAlert"

    # The load it replaced, chosen and checked from the keyboard; the check's report takes the focus.
    choice = page.get_by_role("combobox", name=translate(lang, "upload.restore_choose"))
    choice.focus()
    page.keyboard.press("ArrowDown")  # opens its list at the newest load it can restore: the one replaced
    page.get_by_role("option").first.wait_for()
    after_interaction(page, lambda: page.keyboard.press("Enter"))
    page.keyboard.press("Tab")  # the choice's clear button, named in the reader's language
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')") == translate(
        lang, "framework.clear_value")
    tab_to(page, translate(lang, "upload.restore_preview"), most=1)
    after_interaction(page, lambda: page.keyboard.press("Enter"))
    focus_comes_to(page, translate(lang, "upload.step_report_restore", load_id=before))
    assert page.evaluate("() => document.activeElement.tagName") == "H2"
    assert page.evaluate("() => document.activeElement.getBoundingClientRect().top") >= 0, "scrolled to it"
    save_screenshot(page, f"upload-restore-report-{lang}")
    assert _serious_axe_findings(page) == []

    understood = page.get_by_role("checkbox", name=translate(lang, "upload.confirm_replace", year=2019,
                                                             load_id=loaded))
    understood.focus()
    after_interaction(page, lambda: page.keyboard.press("Space"))
    tab_to(page, translate(lang, "upload.restore_button", load_id=before))
    after_interaction(page, lambda: page.keyboard.press("Enter"))
    restored = warehouse.current_loads()[2019]
    newest = warehouse.history()[0]
    assert (newest["load_id"], newest["restored_from_load_id"], newest["rows_participants"]) == (restored, before, 137)
    assert focus_comes_to(page, translate(lang, "upload.done", load_id=restored, year=2019)) == "stAlert"

    # Signed out from the keyboard: the sign-in page says so, and takes the focus (the button that had it is
    # gone); the Upload page leaves the navigation.
    after_interaction(page, lambda: page.get_by_role("link", name=translate(lang, "auth.account")).first.click())
    page.get_by_role("button", name=translate(lang, "auth.sign_out")).focus()
    after_interaction(page, lambda: page.keyboard.press("Enter"))
    assert focus_comes_to(page, translate(lang, "auth.signed_out")) == "stAlert"
    assert page.get_by_role("link", name=translate(lang, "nav.upload")).count() == 0


def test_an_unused_sign_in_ends_on_screen_without_an_action(sample_warehouse_dir: Path, page: Page,
                                                            tmp_path: Path) -> None:
    """Left signed in with a year's preview on screen, the Upload page signs out by itself when the sign-in
    runs out (6 s here, 30 minutes by default), without waiting for someone's next action: the preview and its
    load button leave the screen, the page says why, and the Upload page leaves the navigation."""
    lang, minutes = "zh", 0.1
    with analyst_server(sample_warehouse_dir, tmp_path / "server", "streamlit-upload-idle.log",
                        **{accounts.IDLE_ENV: str(minutes)}) as app:
        sign_in(page, app, lang)
        after_interaction(page, lambda: page.get_by_role("link", name=translate(lang, "nav.upload")).first.click())
        upload(page, workbook_2020(tmp_path, mistake=False))
        load = page.get_by_role("button", name=translate(lang, "upload.load_button", year=2020))
        expect(load).to_be_visible()
        said = translate(lang, "auth.signed_out_idle", period=format_minutes(minutes, lang))
        expect(page.get_by_text(said)).to_be_visible(timeout=30_000)  # no action since the upload
        expect(load).to_have_count(0)
        expect(page.get_by_text(translate(lang, "upload.sign_in_first"))).to_be_visible()
        expect(page.get_by_role("link", name=translate(lang, "nav.upload"))).to_have_count(0)
        save_screenshot(page, f"upload-idle-signed-out-{lang}")


def test_a_sign_in_about_to_end_warns_and_is_kept_with_one_action(sample_warehouse_dir: Path, page: Page,
                                                                  tmp_path: Path) -> None:
    """A time limit is announced before it ends, with a simple action that extends it (WCAG 2.2.1): the Upload
    page warns that the sign-in ends without an action, and "Stay signed in" keeps it, past the time it would
    have ended. Here it lasts 45 s, checked every 7.5 s, and warns 27.5 s before (2 minutes before for 30).
    """
    lang = "id"
    with analyst_server(sample_warehouse_dir, tmp_path / "server", "streamlit-upload-warning.log",
                        **{accounts.IDLE_ENV: "0.75"}) as app:
        sign_in(page, app, lang)
        after_interaction(page, lambda: page.get_by_role("link", name=translate(lang, "nav.upload")).first.click())
        last_action = time.monotonic()
        warning = page.get_by_text(translate(lang, "auth.idle_warning", period=format_minutes(1, lang)))
        expect(warning).to_be_visible(timeout=40_000)
        # Said where the analyst is too (the warning stands at the page's top, above a long preview).
        toast = page.get_by_test_id("stToast")
        expect(toast).to_contain_text(translate(lang, "auth.idle_toast", period=format_minutes(1, lang)))
        expect(toast).not_to_contain_text("view more")  # whole, not cut
        # Named by its text, in a region named in the reader's language (Streamlit named the toast by an
        # element it never draws, and its region "Notifications").
        expect(page.get_by_role("region", name=translate(lang, "framework.notifications"))
               .get_by_role("alertdialog", name=translate(lang, "auth.idle_toast", period=format_minutes(1, lang))
                            )).to_be_visible()
        assert _serious_axe_findings(page) == []
        save_screenshot(page, f"upload-idle-warning-{lang}")
        stay = page.get_by_role("button", name=translate(lang, "auth.stay_signed_in"))
        stay.focus()
        after_interaction(page, lambda: page.keyboard.press("Enter"))
        expect(warning).to_have_count(0)
        # Past the first time's end and the check after it; before the kept one's (45 s after "Stay").
        page.wait_for_timeout(max(0.0, last_action + 45 + 7.5 + 2 - time.monotonic()) * 1000)
        expect(page.get_by_text(translate(lang, "upload.sign_in_first"))).to_have_count(0)
        expect(page.locator('[data-testid="stFileUploaderDropzoneInput"]')).to_have_count(1)


def test_a_slideshow_left_running_does_not_keep_a_sign_in_alive(sample_warehouse_dir: Path, page: Page,
                                                                tmp_path: Path) -> None:
    """A slideshow's page turn is not an analyst's action: started after signing in and left running (a
    projector in a meeting room), it kept the sign-in, and the way back to the Upload page, alive for good.
    Here the sign-in lasts 24 s and the slideshow turns every 15 s: after two turns (30 s), leaving the
    presentation finds it ended, and says so."""
    lang = "en"
    with analyst_server(sample_warehouse_dir, tmp_path / "server", "streamlit-upload-slideshow.log",
                        **{accounts.IDLE_ENV: "0.4"}) as app:
        sign_in(page, app, lang)
        after_interaction(page, lambda: page.get_by_role("link", name=translate(lang, "nav.overview")).first.click())
        page.get_by_role("combobox", name=translate(lang, "present.slideshow")).focus()
        page.keyboard.press("ArrowDown")  # opens its list
        after_interaction(page, lambda: page.get_by_role("option", name=translate(lang, "present.seconds",
                                                                                   seconds=15)).click())
        after_interaction(page, lambda: page.get_by_text(translate(lang, "present.mode"), exact=True).click())
        for title in (translate(lang, "participation.title"), translate(lang, "activities.title")):
            page.wait_for_function("t => document.querySelector('h1')?.innerText === t", arg=title, timeout=45_000)
        after_interaction(page, lambda: page.get_by_role("button", name=translate(lang, "present.leave")).click())
        navigation = page.get_by_test_id("stSidebarNav")
        expect(navigation.get_by_role("link", name=translate(lang, "nav.signin"))).to_be_visible()
        expect(navigation.get_by_role("link", name=translate(lang, "nav.upload"))).to_have_count(0)
        # Nothing of it was said on the projector; it is said now, under the navigation.
        said = translate(lang, "auth.signed_out_idle", period=format_minutes(0.4, lang))
        expect(page.get_by_test_id("stSidebar").get_by_text(said)).to_be_visible()


def test_a_load_refused_because_another_analyst_loaded_first_takes_the_focus(
        sample_warehouse_dir: Path, page: Page, new_page: Callable[[], Page], tmp_path: Path) -> None:
    """Two analysts check the same new year in two browsers; the second loads it first. The first one's load,
    asked for from the keyboard, is refused: the refusal is drawn above the file's report checked again (now a
    replacement asking its confirmation), far above the button that asked for it, and takes the focus, so a
    screen reader reads why nothing was loaded. Stop 71 asked for it; no browser had walked it."""
    lang = "zh"
    with analyst_server(sample_warehouse_dir, tmp_path / "server", "streamlit-upload-refused.log") as app:
        warehouse = Warehouse(app.warehouse)
        workbook = workbook_2020(tmp_path / "2020", mistake=False)
        first, second = page, new_page()
        for analyst in (first, second):
            sign_in(analyst, app, lang)
            after_interaction(analyst, lambda tab=analyst: tab.get_by_role(
                "link", name=translate(lang, "nav.upload")).first.click())
            upload(analyst, workbook)
        load = translate(lang, "upload.load_button", year=2020)
        after_interaction(second, lambda: second.get_by_role("button", name=load).click())
        other = warehouse.current_loads()[2020]
        version = warehouse.data_version()

        first.get_by_role("button", name=load).focus()
        after_interaction(first, lambda: first.keyboard.press("Enter"))
        assert focus_comes_to(first, translate(lang, "upload.rejected_now")) == "stAlert"
        assert first.evaluate("() => document.activeElement.getBoundingClientRect().top") >= 0, "scrolled to it"
        assert warehouse.data_version() == version, "nothing written"
        expect(first.get_by_text(translate(lang, "problem.year_exists", year=2020, load_id=other))).to_be_visible()
        expect(first.get_by_role("checkbox", name=translate(lang, "upload.confirm_replace", year=2020,
                                                            load_id=other))).to_be_visible()
        save_screenshot(first, f"upload-refused-{lang}")
        assert _serious_axe_findings(first) == []


def test_a_sign_in_left_on_a_chart_page_warns_there_and_ends_saying_so(sample_warehouse_dir: Path,
                                                                       page: Page, tmp_path: Path) -> None:
    """The time limit is announced wherever the analyst is, not only on the Upload page: reading the
    Participation page, the sidebar warns under the navigation (with "Stay signed in", and a toast), and at the
    end the page is drawn again without the sign-in and says so there. Before, a chart page gave no warning,
    and the sign-in ended silently at the next action. Here it lasts 45 s, checked every 7.5 s."""
    lang = "en"
    with analyst_server(sample_warehouse_dir, tmp_path / "server", "streamlit-upload-chart-idle.log",
                        **{accounts.IDLE_ENV: "0.75"}) as app:
        sign_in(page, app, lang)
        after_interaction(page, lambda: page.get_by_role("link", name=translate(lang, "nav.participation"))
                          .first.click())
        sidebar = page.get_by_test_id("stSidebar")
        expect(sidebar.locator(".st-key-account-notes")).to_be_hidden()  # no room taken until it says something
        warning = sidebar.get_by_text(translate(lang, "auth.idle_warning", period=format_minutes(1, lang)))
        expect(warning).to_be_visible(timeout=40_000)
        expect(sidebar.get_by_role("button", name=translate(lang, "auth.stay_signed_in"))).to_be_visible()
        expect(page.get_by_test_id("stToast")).to_contain_text(translate(lang, "auth.idle_toast",
                                                                         period=format_minutes(1, lang)))
        save_screenshot(page, f"chart-idle-warning-{lang}")
        assert _serious_axe_findings(page) == []
        page.set_viewport_size({"width": 320, "height": 700})  # whole on a small phone (it began off the screen)
        box = page.get_by_test_id("stToast").bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 320, box
        page.set_viewport_size(VIEWPORT)
        said = translate(lang, "auth.signed_out_idle", period=format_minutes(0.75, lang))
        expect(sidebar.get_by_text(said)).to_be_visible(timeout=40_000)
        expect(warning).to_have_count(0)
        navigation = page.get_by_test_id("stSidebarNav")
        expect(navigation.get_by_role("link", name=translate(lang, "nav.upload"))).to_have_count(0)
        expect(page.get_by_role("heading", name=translate(lang, "participation.title"), level=1)).to_be_visible()
        save_screenshot(page, f"chart-idle-signed-out-{lang}")
