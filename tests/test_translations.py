"""Translation completeness: every catalogue holds every message, and no page shows a raw key.

translate() falls back to English and then to the key itself, so a missing message never raises:
these tests are what notice it. The catalogues are read straight from their TOML files.
"""

from __future__ import annotations

import ast
import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import duckdb
import numpy as np
import pytest
from babel.dates import format_interval

from dashboard import queries
from dashboard.metrics import METRICS, Period
from etl import schema
from etl.problems import Problem
from etl.schema import Kind
from etl.warehouse import Warehouse
from tests.apptest import (
    PAGES,
    RAW_KEY,
    SharedApp,
    expected_connection,
    open_app,
    raw_keys,
    toml_catalogue,
    visible_texts,
)
from tests.paths import REPO_ROOT
from translations import (
    BABEL_LOCALES,
    LANGUAGES,
    catalogue,
    compact_rupiah,
    format_date_part,
    format_measure,
    format_number,
    format_percentage,
    format_rupiah,
    jakarta_moment,
    jakarta_time,
    joined_with_and,
    label_value,
    month_name,
    plural_forms,
    sentences,
    translate,
    with_note,
)

CATALOGUES = {lang: toml_catalogue(lang) for lang in LANGUAGES}
# A message about a number of things is a table of the CLDR plural forms its language uses
# ("upload.invalid.one", "upload.invalid.other"); code names the message ("upload.invalid").
PLURAL_FORM = re.compile(r"\.(zero|one|two|few|many|other)$")


def messages(catalogue: dict[str, str]) -> set[str]:
    """The message keys of a catalogue, a plural message once under its own key."""
    return {PLURAL_FORM.sub("", key) for key in catalogue}


ENGLISH = messages(CATALOGUES["en"])
SECTIONS = {key.split(".", 1)[0] for key in ENGLISH}
PLACEHOLDER = re.compile(r"{(\w*)[^{}]*}")
SOURCE_FILES = sorted([REPO_ROOT / "app.py", REPO_ROOT / "navigation.py", *(REPO_ROOT / "dashboard").glob("*.py"),
                       *(REPO_ROOT / "views").glob("*.py"), *(REPO_ROOT / "etl").glob("*.py"),
                       REPO_ROOT / "translations" / "__init__.py"])  # its format_days says "duration.days"


def missing_keys(catalogues: dict[str, dict[str, str]]) -> dict[str, list[str]]:
    """Per language, the keys another catalogue has and this one lacks."""
    keys = {lang: messages(texts) for lang, texts in catalogues.items()}
    every = set().union(*keys.values())
    return {lang: sorted(every - own) for lang, own in keys.items() if every - own}


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text.replace("{{", "").replace("}}", "")))


# -- the catalogues ------------------------------------------------------------------------------

def test_every_catalogue_has_the_same_keys() -> None:
    """A message added in one language is added in all three."""
    assert missing_keys(CATALOGUES) == {}


def test_a_key_missing_in_one_catalogue_is_noticed() -> None:
    """The comparison above can fail: dropping one Chinese message is reported as missing in zh."""
    damaged = {lang: dict(messages) for lang, messages in CATALOGUES.items()}
    del damaged["zh"]["overview.title"]
    assert missing_keys(damaged) == {"zh": ["overview.title"]}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_message_is_empty(lang: str) -> None:
    """An empty message would show as nothing at all (translate() does not fall back on '')."""
    empty = [key for key, text in CATALOGUES[lang].items() if not isinstance(text, str) or not text.strip()]
    assert empty == []


def test_placeholders_are_the_same_in_every_language() -> None:
    """Every {placeholder} of a message exists in each language and each plural form (a missing one would
    drop a number, an extra one would raise KeyError when formatted)."""
    found: dict[str, dict[str, frozenset[str]]] = {}
    for lang, texts in CATALOGUES.items():
        for key, text in texts.items():
            found.setdefault(PLURAL_FORM.sub("", key), {})[f"{lang}:{key}"] = frozenset(placeholders(text))
    different = {key: forms for key, forms in found.items() if len(set(forms.values())) > 1}
    assert different == {}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_plural_messages_have_the_forms_of_their_language(lang: str) -> None:
    """A plural message has exactly the forms CLDR gives the language (Babel's rules, which choose among
    them): "one" and "other" in English, "other" alone in Indonesian and Chinese."""
    forms: dict[str, set[str]] = {}
    for key in CATALOGUES[lang]:
        if match := PLURAL_FORM.search(key):
            forms.setdefault(key[:match.start()], set()).add(match.group(1))
    assert len(forms) >= 10, "the plural messages are found"
    assert {key: sorted(found) for key, found in forms.items() if found != plural_forms(lang)} == {}


def test_a_plural_message_takes_the_form_of_its_number() -> None:
    """translate() picks the form by the number, for the language: English says "1 problem" and
    "2 problems" (and "0 problems"); Indonesian has one form."""
    english = [translate("en", "upload.invalid", quantity=n, count=str(n)) for n in (1, 2, 0)]
    assert english == [CATALOGUES["en"]["upload.invalid.one"].format(count="1"),
                       CATALOGUES["en"]["upload.invalid.other"].format(count="2"),
                       CATALOGUES["en"]["upload.invalid.other"].format(count="0")]
    assert english[0].startswith("1 problem must") and english[1].startswith("2 problems must")
    indonesian = {translate("id", "upload.invalid", quantity=n, count="n") for n in (1, 2)}
    assert indonesian == {CATALOGUES["id"]["upload.invalid.other"].format(count="n")}
    assert not any("(s)" in text for text in CATALOGUES["en"].values()), "no lazy plural is left"


def test_the_app_reads_the_same_catalogues() -> None:
    """translations.catalogue() (what the app uses) is the TOML files, key for key, Chinese typeset as below."""
    for lang in LANGUAGES:
        assert catalogue(lang) == CATALOGUES[lang]


@pytest.mark.parametrize(("key", "params", "expected"), [
    ("upload.preview_title", {"year": 2020}, "4. 2020\u00a0年将发生的变化"),
    ("metric.heading", {"year": 2019}, "2019\u00a0年主要数据"),
    ("template.step_rows", {}, "从第 2\u00a0行起"),
    ("upload.step_report", {"file": "2020.xlsx"}, "3. 2020.xlsx\u00a0的检查报告"),
])
def test_chinese_keeps_a_number_with_the_word_after_it(key: str, params: dict, expected: str) -> None:
    """Chinese typesetting does not break a line between a number and its word (2020 年, 26 项, 第 2 行): the
    space after a placeholder or a digit, before a Han character, is a no-break one. A phone broke the Upload
    page's heading "4. 2020" from "年将发生的变化". The space before a number still breaks, and Indonesian and
    English keep their spaces as written."""
    assert expected in translate("zh", key, **params)
    after_number = re.compile(r"[}\d] [\u4e00-\u9fff]")
    assert [text for text in catalogue("zh").values() if after_number.search(text)] == []
    assert "第 " in translate("zh", "template.step_rows"), "the space before a number is as written"
    assert not any("\u00a0" in text for lang in ("id", "en") for text in catalogue(lang).values())


def test_the_metrics_and_the_schema_keep_a_number_with_its_word_in_chinese() -> None:
    """The metrics' and the schema's texts (etl.schema.Text) are set as the catalogue is: the glossary's
    severity scale read "1 轻微 – 5 严重阻碍" with breakable spaces."""
    assert "（1\u00a0轻微 – 5\u00a0严重阻碍）" in METRICS["mean_severity"].explain("zh")
    assert "(1 minor – 5 blocking)" in METRICS["mean_severity"].explain("en")
    after_number = re.compile(r"[}\d] [\u4e00-\u9fff]")
    texts = [text for metric in METRICS.values() for text in (metric.name, metric.definition)]
    texts += [column.label for sheet in schema.SHEETS for column in sheet.columns]
    texts += [column.description for sheet in schema.SHEETS for column in sheet.columns]
    assert [text.zh for text in texts if after_number.search(text.zh)] == []


# A month and day written in Chinese (7月1日, 7 月 1 日), with a year before it or a day range (至30日, –30日) after it.
ZH_DATE = re.compile(r"(?:(?:\{year\}|\d{4})[ \u00a0]*年[ \u00a0]*)?(\d{1,2})[ \u00a0]*月[ \u00a0]*(\d{1,2})"
                     r"(?:[ \u00a0]*日?[ \u00a0]*(?:至|–|-)[ \u00a0]*(\d{1,2}))?[ \u00a0]*日")


def _as_cldr_writes_it(date_text: str) -> str:
    """The same month and day (and year, and range) as Babel writes them from CLDR, as every chart, the
    timeline and the template do ("{year}" kept as it is in the message)."""
    found = ZH_DATE.fullmatch(date_text)
    assert found, date_text
    month, day, last_day = found.groups()
    start = dt.date(2017, int(month), int(day))
    if last_day:
        return format_interval(start, start.replace(day=int(last_day)), "MMMd", locale=BABEL_LOCALES["zh"])
    if "年" in date_text:
        return format_date_part(start, "yMMMd", "zh").replace("2017", "{year}" if "{year}" in date_text else "2017")
    return format_date_part(start, "MMMd", "zh")


def test_a_chinese_date_in_the_catalogue_is_written_as_the_charts_write_theirs() -> None:
    """The catalogue's Chinese dates are written as CLDR writes them, the way of every date the pages draw
    (the timeline's 8月6日): the Data page's notes wrote "7 月 22–30 日" under "项目年份7月1日", two styles
    on one screen, and a problem "{year} 年7月1日", a third."""
    assert _as_cldr_writes_it("7 月 22–30 日") == "7月22日至30日"
    assert _as_cldr_writes_it("{year} 年7月1日") == "{year}年7月1日"
    dates = [date.group() for text in CATALOGUES["zh"].values() for date in ZH_DATE.finditer(text)]
    assert len(dates) >= 3, dates
    assert [date for date in dates if date != _as_cldr_writes_it(date)] == []


# -- keys used by the code ------------------------------------------------------------------------

# Call name -> positions of its message-key argument, and the prefix the callee adds to it.
KEY_ARGUMENTS = {"translate": ((1,), ""), "_text": ((1,), "template."), "t": ((0,), ""),
                 "Localized": ((0,), ""), "empty_state": ((1,), ""), "page_header": ((1, 2), "")}
DOTTED = re.compile(r"^[a-z_]+\.[a-z0-9_]+$")


def _call_name(node: ast.Call) -> str:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return ""


def _key_arguments(node: ast.Call) -> Iterator[tuple[ast.expr, str]]:
    """(argument, prefix) of each message key a call passes."""
    if _call_name(node) not in KEY_ARGUMENTS:
        return
    positions, prefix = KEY_ARGUMENTS[_call_name(node)]
    for position in positions:
        if position < len(node.args):
            yield node.args[position], prefix
    for keyword in node.keywords:
        if keyword.arg in {"key", "title_key", "intro_key"}:
            yield keyword.value, prefix


def _constants(node: ast.expr) -> Iterator[ast.expr]:
    """The literal strings (or f-strings) an argument can be: both branches of `a if c else b`."""
    if isinstance(node, ast.IfExp):
        yield from _constants(node.body)
        yield from _constants(node.orelse)
    elif isinstance(node, ast.BoolOp):
        for value in node.values:
            yield from _constants(value)
    else:
        yield node


def used_keys() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(literal keys, f-string key patterns) used in app.py, dashboard/, views/, etl/ and translations/, with
    where."""
    literal: dict[str, list[str]] = {}
    patterns: dict[str, list[str]] = {}
    for path in SOURCE_FILES:
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        where = str(path.relative_to(REPO_ROOT))
        in_fstrings = {id(part) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for part in node.values}
        for node in ast.walk(tree):
            # Any dotted literal in a catalogue section is a key (e.g. tuples of keys looped over).
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and DOTTED.match(node.value) \
                    and node.value.split(".")[0] in SECTIONS and id(node) not in in_fstrings:
                literal.setdefault(node.value, []).append(f"{where}:{node.lineno}")
            if not isinstance(node, ast.Call):
                continue
            for argument, prefix in _key_arguments(node):
                for value in _constants(argument):
                    if isinstance(value, ast.Constant) and isinstance(value.value, str):
                        if not value.value.startswith("column."):
                            literal.setdefault(prefix + value.value, []).append(f"{where}:{value.lineno}")
                    elif isinstance(value, ast.JoinedStr):
                        pattern = re.escape(prefix) + "".join(
                            re.escape(part.value) if isinstance(part, ast.Constant) else r"[a-z0-9_]+"
                            for part in value.values)
                        patterns.setdefault(pattern, []).append(f"{where}:{value.lineno}")
    return literal, patterns


LITERAL_KEYS, KEY_PATTERNS = used_keys()


def test_the_scan_finds_the_keys_of_every_part() -> None:
    """The scan itself works: it sees keys of the app, the pages, the dashboard package and the ETL."""
    assert {"app.title", "overview.chart_selection", "filters.ignored", "chart.data_table", "finding.selection",
            "dictionary.column", "cli.loaded", "template.yes"} <= LITERAL_KEYS.keys()
    assert any(pattern.startswith(re.escape("glossary.")) for pattern in KEY_PATTERNS)


def test_every_literal_key_in_the_code_exists() -> None:
    """Each key the code names ("section.key") is in the catalogues (checked against English; the
    others have the same keys)."""
    missing = {key: where for key, where in LITERAL_KEYS.items() if key not in ENGLISH}
    assert missing == {}


def test_every_key_pattern_in_the_code_matches_a_key() -> None:
    """Each key built with an f-string (f"chart.{measure}") matches at least one message."""
    unmatched = {pattern: where for pattern, where in KEY_PATTERNS.items()
                 if not any(re.fullmatch(pattern, key) for key in ENGLISH)}
    assert unmatched == {}


def _dict_keys(name: str) -> list[str]:
    """The string keys of the dict literal assigned to ``name`` in dashboard/ or views/ (e.g. the
    profile dimensions of the Participation page)."""
    for path in SOURCE_FILES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target] \
                if isinstance(node, ast.AnnAssign) else []
            value = getattr(node, "value", None)
            if any(isinstance(t, ast.Name) and t.id == name for t in targets) and isinstance(value, ast.Dict):
                return [key.value for key in value.keys if isinstance(key, ast.Constant)]
    raise AssertionError(f"no dict {name} in the sources")


def test_keys_built_from_names_exist(warehouse: Warehouse, tmp_path: Path) -> None:
    """Keys made from a name at run time exist for every name the code uses: profile and activity chart
    titles, glossary periods and languages, load-history columns, field kinds, progress messages.
    (Metric names and definitions are not keys: they live in the catalogue, dashboard.metrics.)"""
    wanted = [f"participation.chart_by_{d}" for d in _dict_keys("PROFILE_DIMENSIONS")]
    wanted += [f"activities.chart_by_{d}" for d in ("type", "field")]
    wanted += [f"glossary.period_{period.value}" for period in Period]
    wanted += [f"glossary.col_in_{lang}" for lang in LANGUAGES]
    wanted += [f"template.kind_{kind.value}" for kind in Kind]
    connection: duckdb.DuckDBPyConnection = expected_connection(warehouse, tmp_path)
    wanted += [f"history.{column}" for column in queries.load_history(connection).columns]
    progress = set()
    for path in SOURCE_FILES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _call_name(node) in {"progress", "report"} and node.args \
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                progress.add(f"cli.{node.args[0].value}")
    assert "cli.progress_write" in progress
    wanted += sorted(progress)
    assert [key for key in wanted if key not in ENGLISH] == []


def test_problem_codes_have_messages() -> None:
    """Every Problem("code") the ETL raises has its message problem.<code>."""
    codes = set()
    for path in SOURCE_FILES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _call_name(node) == "Problem" and node.args \
                    and isinstance(node.args[0], ast.Constant):
                codes.add(node.args[0].value)
    assert len(codes) > 5
    assert sorted(code for code in codes if f"problem.{code}" not in ENGLISH) == []


def test_column_references_of_the_pages_exist_in_the_schema() -> None:
    """Pages name table columns as "column.<name>" or "column:<name>" (labels from the schema): each name
    is a schema column."""
    names = set()
    for path in SOURCE_FILES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and re.fullmatch(r"column[.:][a-z_]+", node.value):
                names.add(node.value[len("column."):])
    assert "host_city" in names
    unknown = []
    for name in sorted(names):
        try:
            schema.column_label(name)
        except KeyError:
            unknown.append(name)
    assert unknown == []


# -- labels from the schema -----------------------------------------------------------------------

def test_schema_labels_and_descriptions_exist_in_every_language() -> None:
    """Sheets, columns and categories have a label (and sheets and columns a description) in id, en
    and zh."""
    empty = []
    texts: list[tuple[str, schema.Text]] = []
    for sheet in schema.SHEETS:
        texts += [(f"sheet {sheet.name}", sheet.label), (f"sheet {sheet.name} description", sheet.description)]
        for column in (*sheet.columns, *sheet.derived):
            texts += [(f"{sheet.name}.{column.name}", column.label),
                      (f"{sheet.name}.{column.name} description", column.description)]
    for vocabulary in schema.VOCABULARIES:
        texts += [(f"{vocabulary.name}:{category.code}", category.label) for category in vocabulary.categories]
    for where, text in texts:
        for lang in LANGUAGES:
            value = getattr(text, lang, None)
            if not isinstance(value, str) or not value.strip():
                empty.append(f"{where} [{lang}]")
    assert empty == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_category_labels_are_unique_within_each_vocabulary(lang: str) -> None:
    """Links, legends and filters identify a category by its label: two equal labels in one vocabulary
    would make them the same option."""
    clashes = {}
    for vocabulary in schema.VOCABULARIES:
        labels = [category.label(lang) for category in vocabulary.categories]
        if len(set(labels)) != len(labels):
            clashes[vocabulary.name] = sorted({label for label in labels if labels.count(label) > 1})
    assert clashes == {}


# -- what pages show ---------------------------------------------------------------------------------

UNFILLED = re.compile(r"(?<!%){[a-z_]+}")  # %{x} is Plotly's hover template, not a catalogue placeholder
NOT_A_NUMBER = re.compile(r"\b(?:NaN|nan|inf)\b")  # a missing number written by Babel or Python
VIEWS = ("default", "narrowed", "no-years", "no-fields", "a-year-without-applicants")


def _params(view: str, lang: str) -> dict[str, str | list[str]]:
    """The URL of a view: narrowed is 2018, arts and culture, Jakarta to partner city; a year without
    applicants is 2019 beside 2017 for the partner city's delegates in environment and waste management
    (its selection rate 0 ÷ 0: "NaN,0%" in the selection chart's sentence until 5 Dec)."""
    params: dict[str, str | list[str]] = {"lang": lang} if lang != "id" else {}
    if view == "narrowed":
        params |= {"year": "2018", "field": schema.FIELD.label("arts_culture", lang),
                   "direction": schema.DIRECTION.label("outbound", lang)}
    elif view == "a-year-without-applicants":
        params |= {"year": ["2017", "2019"], "field": ["environment", "waste_management"], "direction": "inbound"}
    elif view == "no-years":
        params["year"] = ""
    elif view == "no-fields":
        params["field"] = ""
    return params


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_page_shows_a_raw_key_or_an_unfilled_placeholder(shared_app: SharedApp, lang: str, view: str) -> None:
    """Every page, in every language, at the default, a narrowed and two empty selections, and a year whose
    rates have nothing to divide: no visible text (headings, paragraphs, notices, metrics, widgets, tables,
    charts) is a catalogue key, still holds a {placeholder} or writes a number as NaN."""
    problems = {}
    for page in PAGES:
        at = shared_app.page(page, _params(view, lang))
        assert not at.exception, (page, [e.value for e in at.exception])
        texts = visible_texts(at)
        found = raw_keys(at) + sorted({m for text in texts for m in UNFILLED.findall(text)})
        found += sorted({text[:120] for text in texts if NOT_A_NUMBER.search(text)})
        if found:
            problems[page] = found
    assert problems == {}


def test_a_missing_message_shows_up_as_a_raw_key(warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch) -> None:
    """The page check above can fail: with overview.title and chart.year gone from every catalogue,
    the Overview shows those keys and the check reports them."""
    for lang in LANGUAGES:
        monkeypatch.delitem(catalogue(lang), "overview.title")
        monkeypatch.delitem(catalogue(lang), "chart.year")
    at = open_app({"lang": "en"})
    assert not at.exception
    assert at.title[0].value == "overview.title"
    assert raw_keys(at) == ["chart.year", "overview.title"]
    assert RAW_KEY.search("Headline figures for 2019") is None


def test_every_message_is_used() -> None:
    """No message is left behind: a figure's name lives in the metric catalogue, not in a stray key."""
    specs = set()
    for path in SOURCE_FILES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("label:"):
                specs.add(node.value.removeprefix("label:"))  # a data-table header named by a key
    unused = [key for key in sorted(ENGLISH) if key not in LITERAL_KEYS and key not in specs
              and not any(re.fullmatch(pattern, key) for pattern in KEY_PATTERNS)]
    assert unused == []


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("missing", [None, float("nan"), np.float64("nan")])
def test_no_value_is_written_as_a_dash(lang: str, missing: float | None) -> None:
    """A number pandas holds as missing (NaN: a rate of 0 ÷ 0) was written "NaN,0%" or "IDR NaN"."""
    written = [format_number(missing, lang), format_number(missing, lang, 1), format_percentage(missing, lang),
               format_rupiah(missing, lang), compact_rupiah(missing, lang),  # type: ignore[arg-type]
               *(format_measure(missing, unit, lang) for unit in ("percent", "score", "count", "idr"))]
    assert written == ["–"] * len(written)
    assert METRICS["selection_rate"].format(missing, lang) == "–"


def test_a_label_and_its_value_are_joined_as_the_language_writes_them() -> None:
    assert label_value("单位", "人", "zh") == "单位：人"
    assert label_value("Satuan", "orang", "id") == "Satuan: orang"
    assert label_value("Unit", "person", "en") == "Unit: person"


def test_a_note_in_brackets_is_written_as_the_language_writes_it() -> None:
    assert with_note(96, 2017, "zh") == "96（2017）"
    assert with_note("Pendaftar", 2017, "id") == "Pendaftar (2017)"
    assert with_note("Applicants", "2017", "en") == "Applicants (2017)"
    # A note with its own brackets (the unit "Score (1–5)") is not nested in a second pair of round ones.
    assert with_note("Achieved value", "Score (1–5)", "en") == "Achieved value (Score [1–5])"
    assert with_note("Nilai capaian", "Skor (1–5)", "id") == "Nilai capaian (Skor [1–5])"
    assert with_note("实现值", "评分（1–5）", "zh") == "实现值（评分［1–5］）"


def test_months_tied_in_a_note_are_joined_with_the_languages_and() -> None:
    """"(the most in Apr, Jul, 32)" ran the months into the count: within a note they are joined with "and",
    each named whole (Chinese as running text writes a month, 4月, not the calendar's 四月)."""
    assert joined_with_and([month_name(4, "en"), month_name(7, "en")], "en") == "April and July"
    assert joined_with_and([month_name(m, "id") for m in (4, 8, 10)], "id") == "April, Agustus, dan Oktober"
    assert joined_with_and([month_name(4, "zh"), month_name(7, "zh")], "zh") == "4月和7月"
    assert joined_with_and([month_name(12, "en")], "en") == "December"


def test_sentences_follow_each_other_as_the_language_writes_them() -> None:
    """After "。" Chinese needs no space: "…（2019）。 时期" showed a gap in every chart caption."""
    assert sentences("活动：17（2019）。", "时期：2019 年。", lang="zh") == "活动：17（2019）。时期：2019 年。"
    assert sentences("Kegiatan: 17.", "Periode: 2019.", lang="id") == "Kegiatan: 17. Periode: 2019."
    assert sentences("", "Period: 2019.", lang="en") == "Period: 2019.", "an empty text adds no space"


def test_moments_are_read_on_jakartas_clock() -> None:
    """The warehouse keeps UTC; Jakarta reads UTC+7 (WIB), also across a year's end. The report was dated
    by the server's UTC day: printed at 06:00 WIB on 4 Dec, it said 3 Dec (it now gives the moment it was made,
    as jakarta_moment writes it, in Jakarta's day)."""
    assert jakarta_time(dt.datetime(2026, 12, 31, 20, 5, 9)) == "2027-01-01 03:05:09"
    assert jakarta_time(dt.datetime(2026, 12, 31, 20, 5, 9), seconds=False) == "2027-01-01 03:05"
    assert jakarta_moment(dt.datetime(2026, 12, 3, 23, 0, tzinfo=dt.UTC), "en") == "4 Dec 2026 06:00"
    assert jakarta_moment(dt.datetime(2026, 12, 3, 16, 59), "id") == "3 Des 2026 23.59"


@pytest.mark.parametrize(("code", "params"), [
    ("unknown_category", {"column_label": "gender", "allowed": ""}),
    ("unknown_category_suggestion", {"column_label": "gender"}),
    ("bad_code", {"column": "indicator_code"}),
])
def test_a_workbook_header_stands_apart_from_the_chinese_around_it(code: str, params: dict[str, str]) -> None:
    """A Chinese message sets a Latin word apart by a space, as it does a number or a date ("结束日期
    2019-07-10 早于…"): the header the analyst wrote ran into the characters ("不是gender的允许值")."""
    message = Problem(code, value="x", suggestion="Perempuan", params=params).message("zh")
    header = next(iter(params.values()))
    assert re.search(rf"[^\x00-\x7f] {header}[ \u00a0][^\x00-\x7f]|有效的 {header}：", message), message
