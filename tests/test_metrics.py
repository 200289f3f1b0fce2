"""Issue 10: one catalogue for every figure — charts, findings, cards, glossary and number formats."""

from __future__ import annotations

import itertools
import math
import re

import pandas as pd
import pytest

from dashboard import charts, db, figures, findings, params
from dashboard.components import styled
from dashboard.context import PageContext
from dashboard.filters import Filters
from dashboard.findings import overview_findings
from dashboard.metrics import CARD_METRICS, CATALOGUE, METRICS, summary_value
from etl import schema
from etl.warehouse import SAMPLE_DIR, Warehouse
from tests.apptest import SharedApp, drawn_charts, expected_connection, said_most
from translations import format_list, format_measure, format_percentage, translate

ALL_FIELDS = schema.FIELD.codes
VIEWS = [
    ((2017, 2018, 2019), ALL_FIELDS, "both"),
    ((2018,), ("arts_culture",), "outbound"),
    ((2017,), ALL_FIELDS, "inbound"),
    ((2017, 2019), ("youth_sports", "tourism"), "both"),
]


def context(years: tuple[int, ...], fields: tuple[str, ...], direction: str, lang: str) -> PageContext:
    return PageContext(db.reader(), Filters(years, "beijing", fields, direction, lang))


def test_catalogue_entries_are_complete() -> None:
    assert len(METRICS) == len(CATALOGUE), "metric keys are unique"
    for metric in CATALOGUE:
        for lang in ("id", "en", "zh"):
            assert metric.label(lang, "Beijing").strip() and metric.explain(lang, "Beijing").strip(), metric.key
        assert metric.source, metric.key


QUOTED = re.compile("“([^”]+)”")


@pytest.mark.parametrize("lang", ["id", "en", "zh"])
def test_a_definition_quotes_a_category_or_figure_as_the_dashboard_names_it(lang: str) -> None:
    """Quoted by hand, a definition said "the direction filter 'partner city to Jakarta'" and "status
    'delegate'" where the sidebar says "Partner city to Jakarta" and the data "Delegate" (Indonesian "'kota
    mitra ke Jakarta'", "'delegasi'"). Every quoted name in a definition (glossary, card help, API) is a label
    of the workbook's vocabulary, a filter's or a figure's name, in the reader's language, in the language's
    quotation marks; and no straight quote is left."""
    names = {label for vocabulary in schema.VOCABULARIES for label in vocabulary.labels(lang).values()}
    names |= {translate(lang, "filters.direction_both")} | {metric.label(lang, "Beijing") for metric in CATALOGUE}
    quoted = {metric.key: QUOTED.findall(metric.explain(lang, "Beijing")) for metric in CATALOGUE}
    unknown = {key: [name for name in found if name not in names] for key, found in quoted.items()}
    assert {key: found for key, found in unknown.items() if found} == {}
    assert sum(map(len, quoted.values())) >= 15, quoted  # the catalogue quotes 15 names in each language
    assert [metric.key for metric in CATALOGUE if re.search(r"(^|\W)'\w", metric.explain(lang, "Beijing"))] == []


def test_every_metric_names_the_query_columns_that_compute_it(warehouse: Warehouse) -> None:
    """The glossary shows each metric's source ("query.column"). The funnel's conversion was computed in a
    chart's pandas and its source read as prose; a source that names no real column tells a reader nothing."""
    ctx = context((2017, 2018, 2019), ALL_FIELDS, "both", "en")
    columns: dict[str, set[str]] = {}
    for metric in CATALOGUE:
        named = re.findall(r"\b([a-z_]+)\.([a-z_]+)\b", metric.source)
        assert named, (metric.key, metric.source)
        for query, column in named:
            if query not in columns:
                columns[query] = set(ctx.fetch(query).columns)
            assert column in columns[query], (metric.key, metric.source, sorted(columns[query]))


@pytest.mark.parametrize("lang", ["id", "en", "zh"])
@pytest.mark.parametrize("view", VIEWS, ids=lambda v: f"{len(v[0])}y-{len(v[1])}f-{v[2]}")
def test_every_chart_and_finding_shows_only_catalogue_metrics(warehouse: Warehouse, view: tuple, lang: str) -> None:
    """A chart or finding that shows a figure the catalogue lacks fails here: its measures, value-axis
    title and the value columns of its table are catalogue metrics."""
    ctx = context(*view, lang)
    names = {metric.label(lang, ctx.partner_name()) for metric in CATALOGUE}
    for page, built in charts.all_charts(ctx).items():
        for chart in built:
            assert chart.metrics and set(chart.metrics) <= METRICS.keys(), (page, chart.name)
            allowed = names | {ctx.t("chart.year")} | {
                c.label(lang) for sheet in schema.SHEETS for c in (*sheet.columns, *sheet.derived)}
            assert set(chart.formats) <= allowed, (page, chart.name, set(chart.formats) - allowed)
            numeric = [c for c in chart.data.columns if pd.api.types.is_numeric_dtype(chart.data[c])]
            assert set(numeric) <= allowed, (page, chart.name, set(numeric) - allowed)
            period = ctx.t("chart.period", period="", years="").split("(")[0].split("：")[0].split(":")[0].strip()
            assert period in chart.caption, (chart.name, chart.caption)
    for finding in overview_findings(ctx).values():
        assert set(finding.metrics) <= METRICS.keys()
        if finding.metrics:
            assert str(finding.year) in finding.text, finding.text  # every finding names its period
            assert finding.year == max(view[0]), "the cards' year"


def test_a_finding_never_restates_the_filter(warehouse: Warehouse) -> None:
    one_field = overview_findings(context((2018,), ("arts_culture",), "outbound", "en"))["selection"]
    assert "Arts and culture" not in one_field.text
    every_field = overview_findings(context((2018,), ALL_FIELDS, "outbound", "en"))["selection"]
    assert "Most applicants of 2018 applied in" in every_field.text


@pytest.mark.parametrize(("lang", "none", "one", "three"), [
    ("id", "; tidak ada yang ditetapkan sebagai cadangan.", "; 1 lainnya ditetapkan sebagai cadangan.",
     "; 3 lainnya ditetapkan sebagai cadangan."),
    ("en", "; none was named a reserve.", "; 1 more was named a reserve.", "; 3 more were named reserves."),
    ("zh", "；没有人列为候补。", "；另有 1\u00a0人列为候补。", "；另有 3\u00a0人列为候补。"),
])
def test_the_selection_finding_names_no_reserve_as_none(warehouse: Warehouse, lang: str, none: str, one: str,
                                                        three: str) -> None:
    """Beijing's delegates have no reserves: the finding said "0 more were named reserves" (Indonesian "0
    lainnya"), and one reserve would have been "1 more were named reserves"."""
    inbound, both = context((2019,), ALL_FIELDS, "inbound", lang), context((2019,), ALL_FIELDS, "both", lang)
    assert none in overview_findings(inbound)["selection"].text
    assert three in overview_findings(both)["selection"].text, "the sample's 3 reserves of 2019"
    summary = both.fetch("yearly_summary").assign(reserves=1)
    assert one in findings.selection(both, summary, both.fetch("participation_breakdown"), 2019).text


def test_the_funnels_text_says_one_delegate_in_the_singular(warehouse: Warehouse) -> None:
    """Arts and culture in 2017 sent one delegate: the funnel's text alternative said "1 delegates"."""
    chart = charts.participation_funnel(context((2017, 2019), ("arts_culture",), "outbound", "en"))
    assert chart is not None
    assert "2017: 21 registered → 1 delegate," in chart.alternative, chart.alternative
    assert "→ 1 delegates" not in chart.alternative


@pytest.mark.parametrize("lang", ["id", "en", "zh"])
def test_the_inbound_selection_finding_says_the_partners_selection_is_not_on_record(
        warehouse: Warehouse, lang: str) -> None:
    """With direction "partner city to Jakarta" the sample's participants are Beijing's delegates only: the
    finding said "6 of 6 applicants were selected as delegates (100.0%)", which a policymaker would brief
    as Beijing's selection rate. Where none of the year's partner-city participants is marked not selected,
    it says the rate shows who was recorded; with one so marked, or in the other directions, it does not."""
    sentence = translate(lang, "finding.selection_partner_recorded", year=2019, partner=schema.PARTNER_CITY.label(
        "beijing", lang), status=schema.STATUS.label("not_selected", lang))
    inbound = context((2018, 2019), ALL_FIELDS, "inbound", lang)
    finding = overview_findings(inbound)["selection"]
    assert sentence in finding.text and format_percentage(1.0, lang) in finding.text, finding.text
    for direction in ("both", "outbound"):
        assert sentence not in overview_findings(context((2018, 2019), ALL_FIELDS, direction, lang))["selection"].text
    summary = inbound.fetch("yearly_summary")
    breakdown = inbound.fetch("participation_breakdown")
    one_not_selected = pd.concat([breakdown, pd.DataFrame([{
        "dimension": "status", "category": "not_selected", "year": 2019, "participants": 1, "delegates": 0,
        "applicants": 1}])], ignore_index=True)
    assert sentence not in findings.selection(inbound, summary, one_not_selected, 2019).text
    # The selection charts' rates of 100 % say it beside them, on the Overview and the Participation page.
    spanned = translate(lang, "finding.selection_partner_recorded", year="2018–2019",
                        partner=schema.PARTNER_CITY.label("beijing", lang),
                        status=schema.STATUS.label("not_selected", lang))
    for chart in (charts.overview_selection(inbound), charts.participation_selection(inbound),
                  charts.participation_funnel(inbound)):
        assert chart is not None and spanned in chart.caption, chart.caption
    assert sentence.split("2019")[-1] not in charts.overview_selection(
        context((2018, 2019), ALL_FIELDS, "both", lang)).caption


def test_card_labels_are_in_the_glossary_with_their_definitions(shared_app: SharedApp) -> None:
    for lang in ("id", "en", "zh"):
        at = shared_app.page("views/glossary.py", {"lang": lang} if lang != "id" else {})
        assert not at.exception
        # Each figure is an item of a list: its name in bold, its whole definition on the next line.
        items = [item for block in at.markdown for item in block.value.split("\n- ")]
        definitions = {match[1]: match[2] for item in items
                       if (match := re.match(r"(?:- )?\*\*(.+?)\*\*  \n  (.+?)  \n", item))}
        assert len(definitions) == len(CATALOGUE), (lang, sorted(definitions))
        overview = shared_app.page("views/overview.py", {"lang": lang} if lang != "id" else {})
        for card in overview.metric:
            assert definitions.get(card.label) == card.help, (lang, card.label)
        assert len(overview.metric) == len(CARD_METRICS)
        # Every category of the schema is listed with its label in bold and its code.
        listed = {match for block in at.markdown for match in re.findall(r"\*\*(.+?)\*\*  \n  :small\[[^`]*`(\w+)`",
                                                                         block.value)}
        codes = {code for _, code in listed}
        for vocabulary in schema.VOCABULARIES:
            assert {(c.label(lang), c.code) for c in vocabulary.categories} <= listed, (lang, vocabulary.name)
        assert {c.code for v in schema.VOCABULARIES for c in v.categories} <= codes


def test_tables_show_numbers_in_the_readers_format_and_keep_them_numbers() -> None:
    frame = pd.DataFrame({"Rate": [0.0313, 0.5], "Budget": [76_000_000, 1_234.5], "Year": [2019, 2018]})
    formats = {"Rate": charts.metric_formatter("selection_rate", "id"),
               "Budget": charts.column_formatter("budget_idr", "id")}
    html = styled(frame, formats).to_html()
    assert "3,1%" in html and "Rp 76.000.000" in html and ">2019<" in html
    english = styled(frame, {"Rate": charts.metric_formatter("selection_rate", "en")}).to_html()
    assert "3.1%" in english
    assert styled(frame, formats).data["Rate"].dtype.kind == "f", "the values underneath stay numbers (sorting)"


def test_a_column_written_as_python_writes_it_is_sent_without_a_styler() -> None:
    """A Styler formats every cell of its table (the 500-row obstacle table took 25-32 ms a run at 10M rows for
    its severity, 1 to 5, written alike in every language): a format that changes nothing is left out, and a
    table with nothing left to format is sent as it is; one value it writes otherwise keeps it."""
    severity = schema.column_label("severity")("id")
    plain = pd.DataFrame({severity: [5, 4, 3], "Tahun": [2019, 2018, 2017]})
    assert styled(plain, {severity: charts.column_formatter("severity", "id")}) is plain
    grouped = pd.DataFrame({"Peserta": [1_234, 5]})
    html = styled(grouped, {"Peserta": charts.column_formatter("participants_jakarta", "id")}).to_html()
    assert "1.234" in html, "a thousand is written the reader's way"
    missing = pd.DataFrame({severity: pd.array([5, None], dtype="Int64")})
    html = styled(missing, {severity: charts.column_formatter("severity", "id")}).to_html()
    assert "&lt;NA&gt;" not in html and "<NA>" not in html, "a missing value is left blank, not written <NA>"


def test_achieved_values_are_shown_in_their_units() -> None:
    per_row = charts.PerRow(("percent", "score", "count", "idr"), "id")
    frame = pd.DataFrame({"Nilai capaian": [83.333, 3.8, 6.0, 76_000_000.0]})
    html = styled(frame, {"Nilai capaian": per_row}).to_html()
    for shown in ("83,3%", "3,8", ">6<", "Rp 76.000.000"):
        assert shown in html, shown
    # On a bar, rupiah are abbreviated the language's way, with at most two decimals (rounded half to even),
    # the sign apart from the digits as in the full amount beside it (a no-break space: "IDR174.5m" before).
    assert [format_measure(174_500_000, "idr", lang, compact=True) for lang in ("id", "en", "zh")] == [
        "Rp\xa0174,5\xa0jt", "IDR\xa0174.5m", "IDR\xa01.74亿"]
    assert [format_measure(0, "idr", lang, compact=True) for lang in ("id", "en", "zh")] == [
        "Rp\xa00", "IDR\xa00", "IDR\xa00"], "an axis's first tick"
    assert format_measure(83.333, "percent", "id", compact=True) == "83,3%", "only rupiah are abbreviated"


@pytest.mark.parametrize(("largest", "most", "lang", "ticks"), [
    # The sample's co-funding: 134 and 174 million on the bars; more ticks where there is room.
    (174_000_000, 8, "id", ["Rp\xa00", "Rp\xa050\xa0jt", "Rp\xa0100\xa0jt", "Rp\xa0150\xa0jt"]),
    (174_000_000, 3, "en", ["IDR\xa00", "IDR\xa0100m"]),
    (174_000_000, 8, "zh", ["IDR\xa00", "IDR\xa05000万", "IDR\xa01亿", "IDR\xa01.5亿"]),
    (2_400_000_000, 8, "en", ["IDR\xa00", "IDR\xa0500m", "IDR\xa01bn", "IDR\xa01.5bn", "IDR\xa02bn"]),
    (750_000, 3, "id", ["Rp\xa00", "Rp\xa0500\xa0rb"]),
    (0, 8, "en", ["IDR\xa00"]),
])
def test_rupiah_axes_are_marked_in_round_steps_as_the_bars_write_amounts(
        largest: float, most: int, lang: str, ticks: list[str]) -> None:
    axis = figures.rupiah_ticks(largest, lang, most)
    assert axis["ticktext"] == ticks
    assert axis["tickvals"] == [index * (axis["tickvals"][1] if len(ticks) > 1 else 0) for index in range(len(ticks))]


# -- outcomes as achieved values -------------------------------------------------------------------

def _english(value: float, unit: str, whole: bool = False) -> str:
    """A value as an English reader expects it in its unit, written out here rather than by the app's
    formatter: each bar says its value (a projector cannot hover), each hover (``whole``) the whole amount."""
    if unit == "percent":
        return f"{value:.1f}%"
    if unit == "score":
        return f"{value:.1f}"
    if unit == "idr" and whole:
        return f"IDR {value:,.0f}"
    if unit == "idr":  # abbreviated on a bar, as British English does (the sample's amounts are millions)
        return f"IDR\xa0{value / 1e6:.3g}m" if value else "IDR\xa00"  # the sign apart, never broken off
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def test_achieved_values_and_trends_equal_sql(shared_app: SharedApp, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each unit's chart holds the latest selected year's values; the trends hold every indicator whose
    code recurs in more than one selected year, once in each, with its value per year."""
    at = shared_app.page("views/benefits.py", {"lang": "en"})
    assert not at.exception
    shown = drawn_charts(at)
    captions = [re.sub(r"\\(.)", r"\1", caption.value) for caption in at.caption]  # as shown: escapes undone
    expected = expected_connection(shared_app.warehouse, tmp_path_factory.mktemp("outcomes"))
    for unit in schema.UNIT.codes:
        rows = expected.execute("SELECT year, benefit_id, value FROM benefits WHERE year = 2019 AND unit = ?",
                                [unit]).fetchall()
        chart = shown.get(f"values-{unit}")
        if not rows:
            assert chart is None, unit
            continue
        bars = {(y, x, text) for trace in chart["data"]
                for y, x, text in zip(trace["y"], trace["x"], trace["text"], strict=True)}
        assert bars == {(f"{year} · {benefit}", value, _english(value, unit)) for year, benefit, value in rows}, unit
        # Its text alternative: how many indicators, for whom, and their range (names are left to the table).
        per_beneficiary = dict(expected.execute(
            "SELECT beneficiary, count(*) FROM benefits WHERE year = 2019 AND unit = ? GROUP BY ALL",
            [unit]).fetchall())
        whom = ", ".join(f"{schema.BENEFICIARY.label(code, 'en')} {per_beneficiary[code]}"
                         for code in schema.BENEFICIARY.codes if code in per_beneficiary)
        values = sorted(value for _, _, value in rows)
        title = f"Achieved value ({schema.UNIT.label(unit, 'en').replace('(', '[').replace(')', ']')})"
        described = (f"In numbers — {title}: 1 indicator ({whom}), {_english(values[0], unit, whole=True)}."
                     if len(values) == 1 else
                     f"In numbers — {title}: {len(values)} indicators ({whom}), from "
                     f"{_english(values[0], unit, whole=True)} to {_english(values[-1], unit, whole=True)}.")
        assert any(caption.startswith(described) for caption in captions), (described, captions)
        if unit == "idr":  # the axis writes amounts as the bars do, in round steps from 0 to the largest
            axis = chart["layout"]["xaxis"]
            assert axis["ticktext"] == [_english(value, unit) for value in axis["tickvals"]], axis
            steps = {b - a for a, b in itertools.pairwise(axis["tickvals"])}
            assert axis["tickvals"][0] == 0 and len(steps) == 1, axis
            largest = max(value for _, _, value in rows)
            assert axis["tickvals"][-1] <= largest < axis["tickvals"][-1] + steps.pop(), axis
        recurring = expected.execute("""
            SELECT indicator_code, year, value FROM benefits WHERE unit = ? AND indicator_code IN (
                SELECT indicator_code FROM benefits WHERE unit = ? AND indicator_code IS NOT NULL
                GROUP BY indicator_code HAVING count(DISTINCT year) > 1 AND count(*) = count(DISTINCT year))""",
            [unit, unit]).fetchall()
        trend = shown.get(f"trend-{unit}")
        if not recurring:
            assert trend is None, unit
            continue
        # customdata holds each point's [name, value in its unit, value]; y its height on the chart.
        points = {(trace["name"], int(x), data[2]) for trace in trend["data"]
                  for x, data in zip(trace["x"], trace["customdata"], strict=True) if data[2] is not None}
        assert points == {(code, year, value) for code, year, value in recurring}, unit
        # A row per indicator, in code order from the top, named above its line; each value written at its point
        # and in the hover in its unit; no line across a year the indicator was not measured in.
        assert [trace["name"] for trace in trend["data"]] == sorted({code for code, _, _ in recurring}), unit
        axis = trend["layout"]["yaxis"]
        years = ["2017", "2018", "2019"]  # the selected years, as the caption's period: none left out
        bands, reach = [], {}
        for trace in trend["data"]:
            values = [data[2] for data in trace["customdata"]]
            heights = [y for y in trace["y"] if y is not None]
            band = math.floor(min(heights))
            bands.append(band)
            # The row's own band, its title above its line, its heights in proportion to its values from zero.
            assert all(band < y < band + 1 for y in heights), (unit, trace["name"], heights)
            titles = [note["text"] for note in trend["layout"]["annotations"] if band < note["y"] <= band + 1]
            assert len(titles) == 1 and titles[0].startswith(f"{trace['name']} · "), (unit, trace["name"], titles)
            assert min(note["y"] for note in trend["layout"]["annotations"] if band < note["y"] <= band + 1) > max(
                heights), "the title above the line"
            ratios = {round((y - band) / value, 9) for y, value in zip(trace["y"], values, strict=True)
                      if y is not None and value}
            assert len(ratios) <= 1, (unit, trace["name"], ratios)
            top = {"percent": 100, "score": 5}.get(unit, max(value for value in values if value is not None))
            reach[trace["name"]] = round(top * ratios.pop(), 6) if ratios else None
            assert [y is None for y in trace["y"]] == [value is None for value in values], unit
            assert trace["text"] == [_english(v, unit) if v is not None else "" for v in values], unit
            assert [data[1] for data in trace["customdata"] if data[2] is not None] == [
                _english(v, unit, whole=True) for v in values if v is not None], unit
            assert trace["x"] == years, "every year of the chart, a gap where unmeasured"
        assert bands == list(range(len(bands) - 1, -1, -1)), (unit, bands)  # from the top, none left empty
        # Percentages reach 100% and scores 5 at one height in every row; a count or amount row its own largest.
        assert len({height for height in reach.values() if height is not None}) <= 1, (unit, reach)
        assert axis["range"] == [0, len(bands)], axis["range"]  # a lone row fills the chart, no empty band
        assert all(trace["cliponaxis"] is False for trace in trend["data"]), "a value at 100% shows whole"
        # Its text alternative: each line's first and last value, or the three largest changes of more lines.
        described = _trend_sentence(recurring, unit, title)
        # ... and what each row's scale runs to, before anyone compares two rows' heights.
        scale = {"percent": "Every row's scale runs from 0 to 100%.",
                 "score": "Every row's scale runs from 0 to 5."}.get(
            unit, "Each row has its own scale, from 0 to its largest value: compare rows by their numbers, not their "
                  "heights.")
        assert any(caption.startswith(described) and scale in caption for caption in captions), (described, captions)
    assert any(name.startswith("trend-") for name in shown), "the sample follows some indicators across years"


def _trend_sentence(recurring: list[tuple[str, int, float]], unit: str, title: str) -> str:
    """What a trend chart's text alternative says of its lines, from (code, year, value) rows: each line's first
    and last value; of more than three lines, the three largest changes among the lines that changed, or every
    line that changed and how many did not, or that none did."""
    lines: dict[str, list[tuple[int, float]]] = {}
    for code, year, value in sorted(recurring):
        lines.setdefault(code, []).append((year, value))

    def ends(chosen: list[tuple[str, list[tuple[int, float]]]]) -> str:
        return ", ".join(f"{code} {_english(first, unit, whole=True)} ({first_year}) → "
                         f"{_english(last, unit, whole=True)} ({last_year})"
                         for code, ((first_year, first), *_, (last_year, last)) in chosen)

    opening = f"In numbers — {title}: {len(lines)} indicator{'s' if len(lines) > 1 else ''} followed across years"
    if len(lines) <= 3:
        return f"{opening}, {ends(sorted(lines.items()))}."
    changed = sorted(((code, points) for code, points in lines.items() if points[0][1] != points[-1][1]),
                     key=lambda line: -abs(line[1][-1][1] - line[1][0][1]))
    if not changed:
        return f"{opening}; each ended where it began."
    if len(changed) > 3:
        return f"{opening}; the 3 largest changes: {ends(changed[:3])}."
    # One and several alike: "1 of them changed from their first year" read of several.
    return (f"{opening}; {len(changed)} changed from first year to last: {ends(changed)}; "
            f"{len(lines) - len(changed)} did not change.")


@pytest.mark.parametrize("years", [("2017", "2018"), ("2018", "2019"), ("2017", "2019")])
def test_a_trend_sentence_counts_a_line_that_ended_where_it_began_as_no_change(
        shared_app: SharedApp, tmp_path_factory: pytest.TempPathFactory, years: tuple[str, str]) -> None:
    """Of more than three lines, the sentence names the largest changes among the lines that changed: over
    2017–2018 "the 3 largest changes" named LOK-FU-01 2 (2017) → 2 (2018), a line that did not change."""
    at = shared_app.page("views/benefits.py", {"lang": "en", "year": list(years)})
    assert not at.exception
    captions = [re.sub(r"\\(.)", r"\1", caption.value) for caption in at.caption]
    expected = expected_connection(shared_app.warehouse, tmp_path_factory.mktemp("trends"))
    said = []
    for unit in schema.UNIT.codes:
        recurring = expected.execute("""
            SELECT indicator_code, year, value FROM benefits WHERE unit = $unit AND year IN ($first, $last)
              AND indicator_code IN (
                SELECT indicator_code FROM benefits WHERE unit = $unit AND year IN ($first, $last)
                  AND indicator_code IS NOT NULL
                GROUP BY indicator_code HAVING count(DISTINCT year) > 1 AND count(*) = count(DISTINCT year))""",
            {"unit": unit, "first": int(years[0]), "last": int(years[1])}).fetchall()
        if recurring:
            title = f"Achieved value ({schema.UNIT.label(unit, 'en').replace('(', '[').replace(')', ']')})"
            described = _trend_sentence(recurring, unit, title)
            assert any(caption.startswith(described) for caption in captions), (described, captions)
            said.append(described)
    assert said, "the sample follows some indicators across these years"
    assert not re.search(r"largest changes: .*?([A-Z]{2,3}-[A-Z]{2}-\d+) (\S+) \(\d{4}\) → \2 \(", " ".join(said))


@pytest.mark.parametrize("lang", ["id", "en", "zh"])
def test_a_trend_sentence_over_lines_that_all_ended_where_they_began_ranks_none(warehouse: Warehouse,
                                                                                lang: str) -> None:
    """Four lines each back at its first value (a count kept from one year to the next): no "largest
    changes", the sentence says that each ended where it began."""
    rows = pd.DataFrame({"indicator_code": [f"LOK-FU-0{line}" for line in (1, 2, 3, 4) for _ in (2017, 2018)],
                         "year": [2017, 2018] * 4, "value": [2.0, 2.0, 3.0, 3.0, 1.0, 1.0, 5.0, 5.0]})
    ctx = context((2017, 2018), ALL_FIELDS, "both", lang)
    said = charts._trends_alternative(ctx, rows, "count")
    assert said == translate(lang, "benefits.trends_unchanged", metric=charts._unit_title(ctx, "count"), count="4")
    assert "→" not in said


@pytest.mark.parametrize(("values", "said"), [
    ({2017: 96, 2018: 118}, "96 (2017), 118 (2018)"),
    ({year: 100 + year % 7 for year in range(2017, 2023)},  # six years, 101 to 106
     "first year 101 (2017), latest year 106 (2022), highest 106 (2022), lowest 101 (2017)"),
    ({2017: 3, 2018: 5, 2019: 4, 2020: 5, 2021: 3, 2022: 2},
     "first year 3 (2017), latest year 2 (2022), highest 5 (2020 and 1 earlier year), lowest 2 (2022)"),
    ({2017: 3, 2018: 5, 2019: 3, 2020: 5, 2021: 3, 2022: 5},
     "first year 3 (2017), latest year 5 (2022), highest 5 (2022 and 2 earlier years), "
     "lowest 3 (2021 and 2 earlier years)"),
    ({year: 4 for year in range(2017, 2024)}, "4 in each year, 2017–2023"),
])
def test_a_series_of_many_years_is_said_by_its_ends_and_extremes(warehouse: Warehouse, values: dict[int, int],
                                                                 said: str) -> None:
    """Up to five years each year's value; over more, the first and latest year's, the highest and lowest (one
    reached in several years by the latest and how many before), or the one value of every year."""
    ctx = context((2017, 2018), ALL_FIELDS, "both", "en")
    assert charts._series_text(ctx, values, ctx.number) == said


@pytest.mark.parametrize(("counts", "said"), [
    ([4, 3, 3, 3], "Budget 4, Language barrier 3, Cultural differences 3, Visa and travel 3"),
    ([2, 2, 1, 1, 1], "Language barrier 2, Budget 2, Schedule and timing 1, Cultural differences 1, Visa and "
                      "travel 1"),  # equals in the vocabulary's order
    ([2, 1, 1, 1, 1, 1], "Budget 2, then 5 tied at 1 each"),
    ([3, 3, 2, 2, 2, 2, 2], "Language barrier 3, Budget 3, then 5 tied at 2 each"),
    ([1, 1, 1, 1, 1, 1, 0], "6 tied at 1 each"),
])
def test_the_most_names_a_short_tie_and_counts_a_long_one(warehouse: Warehouse, counts: list[int], said: str) -> None:
    """The three largest and any equal to the third are named while that is at most five; a longer tie is
    counted, not named: 2019's activities by type named 7 of its 7 types as "the most"."""
    codes = ["budget", "language", "cultural", "travel", "schedule", "bureaucracy", "outreach"]
    assert set(codes) == set(schema.OBSTACLE_CATEGORY.codes)
    frame = pd.DataFrame({"category": codes[:len(counts)], "obstacles": counts})
    ctx = context((2019,), ALL_FIELDS, "both", "en")
    assert charts._largest(ctx, frame, "obstacles", schema.OBSTACLE_CATEGORY, "obstacles") == said


@pytest.mark.parametrize("lang", ["id", "en", "zh"])
def test_a_tie_too_long_to_list_is_counted_in_the_sentence(warehouse: Warehouse, lang: str) -> None:
    """2019: one cultural visit more than the six types of two activities each, and one budget obstacle more
    than five categories of one each. Their sentences named every one of them as "the most"; they name the
    largest and count the rest of the tie, from the test's own SQL."""
    import duckdb

    with duckdb.connect(str(warehouse.path), read_only=True) as connection:  # before the dashboard's reader
        def ranked(sql: str, vocabulary: schema.Vocabulary) -> list[tuple[str, float]]:
            rows = sorted(connection.execute(sql).fetchall(), key=lambda row: (-row[1], vocabulary.codes.index(row[0])))
            return [(vocabulary.label(code, lang), count) for code, count in rows if count > 0]
        types = ranked("SELECT type, count(*) FROM activities WHERE partner_city = 'beijing' AND year = 2019 "
                       "GROUP BY ALL", schema.ACTIVITY_TYPE)
        obstacles = ranked("SELECT category, count(*) FROM obstacles WHERE partner_city = 'beijing' AND year = 2019 "
                           "GROUP BY ALL", schema.OBSTACLE_CATEGORY)
    assert [count for _, count in types].count(types[2][1]) > 5 and len(obstacles) > 5  # the ties in view
    ctx = context((2019,), ALL_FIELDS, "both", lang)
    by_type, heatmap = charts.activities_by(ctx, "type"), charts.overview_obstacles(ctx)
    assert by_type is not None and heatmap is not None
    for chart, named in ((by_type, said_most(types, lang)), (heatmap, said_most(obstacles, lang))):
        opening = chart.alternative.split(". " if lang != "zh" else "。")[0].rstrip(".")
        assert opening.endswith(named), (named, chart.alternative)
        assert sum(name in opening for name, _ in types + obstacles) <= 2, chart.alternative


def test_a_workbook_without_indicator_codes_stays_valid(warehouse: Warehouse, tmp_path) -> None:
    """indicator_code is optional: without the column the indicators are shown for their own year only."""
    import openpyxl

    from etl.load import load_files

    workbook = openpyxl.load_workbook(SAMPLE_DIR / "2019.xlsx")
    sheet = workbook["benefits"]
    column = [cell.value for cell in sheet[1]].index("indicator_code") + 1
    sheet.delete_cols(column)
    path = tmp_path / "2019.xlsx"
    workbook.save(path)
    load_files(warehouse, [path], replace=True)
    ctx = context((2018, 2019), ALL_FIELDS, "both", "en")
    values = ctx.fetch("benefit_values")
    assert values[values["year"] == 2019]["indicator_code"].isna().all()
    assert not values[values["year"] == 2019]["recurs"].any()
    assert charts.outcome_values(ctx, "percent") is not None


def _code_twice_in_2019(warehouse: Warehouse, tmp_path, code: str) -> tuple[str, str]:
    """The sample's 2019 workbook with a second benefit row of indicator ``code`` (another ID and value):
    the two rows' benefit IDs."""
    import openpyxl

    from etl.load import load_files

    workbook = openpyxl.load_workbook(SAMPLE_DIR / "2019.xlsx")
    sheet = workbook["benefits"]
    header = [cell.value for cell in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[header.index("indicator_code")] == code)
    copy = list(row)
    copy[header.index("benefit_id")] = f"{row[header.index('benefit_id')]}-B"
    copy[header.index("value")] = row[header.index("value")] + 1
    sheet.append(copy)
    path = tmp_path / "2019.xlsx"
    workbook.save(path)
    load_files(warehouse, [path], replace=True)
    return row[header.index("benefit_id")], copy[header.index("benefit_id")]


@pytest.mark.parametrize("lang", ["id", "en", "zh"])
def test_a_code_recorded_twice_in_a_year_is_named_not_followed(warehouse: Warehouse, tmp_path, lang: str) -> None:
    """The contract makes IDs unique, not indicator codes: a code measured for two activities in one year is a
    valid workbook. Followed across years, one of its two values would have to be picked (the Benefits page
    failed on it instead): it is left out of the trends, and their caption names it and says why."""
    first, second = _code_twice_in_2019(warehouse, tmp_path, "LOK-NW-03")
    ctx = context((2017, 2018, 2019), ALL_FIELDS, "both", lang)
    trend = charts.outcome_trends(ctx, "count")
    assert trend is not None
    followed = {trace.name for trace in trend.figure.data}
    assert "LOK-NW-03" not in followed and "LOK-NW-01" in followed
    assert "LOK-NW-03" not in trend.data.to_string()
    sentence = {"en": "Not followed: 1 indicator code recorded more than once in a year (LOK-NW-03)",
                "id": "Tidak diikuti: 1 kode indikator yang tercatat lebih dari sekali dalam satu tahun (LOK-NW-03)",
                "zh": "未跟踪：1\u00a0个指标代码在同一年中记录了不止一次（LOK-NW-03）"}[lang]
    assert sentence in trend.caption
    # Both of its 2019 values are still drawn, as that year's achieved values.
    values = charts.outcome_values(ctx, "count")
    assert values is not None
    drawn = {label for trace in values.figure.data for label in trace.y}
    assert {f"2019 · {first}", f"2019 · {second}"} <= drawn


def test_the_benefits_page_shows_a_code_recorded_twice_in_a_year(warehouse: Warehouse, tmp_path) -> None:
    from tests.apptest import open_app, visible_texts

    _code_twice_in_2019(warehouse, tmp_path, "LOK-NW-03")
    at = open_app({"lang": "en"}, "views/benefits.py")
    assert not at.exception
    assert any("Not followed: 1 indicator code recorded more than once in a year (LOK-NW-03)" in text
               for text in visible_texts(at))


def _many_count_values_in_2018(warehouse: Warehouse, tmp_path, extra: int) -> None:
    """The sample's 2018 workbook with ``extra`` more count values, without an indicator code (a year of
    many small indicators), loaded in place of 2018."""
    import openpyxl

    from etl.load import load_files

    workbook = openpyxl.load_workbook(SAMPLE_DIR / "2018.xlsx")
    sheet = workbook["benefits"]
    header = [cell.value for cell in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[header.index("unit")] == "count")
    for number in range(extra):
        copy = list(row)
        copy[header.index("benefit_id")] = f"{row[header.index('benefit_id')]}-{number:04d}"
        copy[header.index("indicator_code")] = None
        copy[header.index("value")] = number + 1
        sheet.append(copy)
    path = tmp_path / "2018.xlsx"
    workbook.save(path)
    load_files(warehouse, [path], replace=True)


def test_a_unit_of_many_values_leaves_the_other_units_and_years_whole(warehouse: Warehouse, tmp_path) -> None:
    """benefit_values reads at most VALUES_LIMIT values per unit and year. Its first limit (ROW_LIMIT, 500)
    ran across units and years: 600 more count values in 2018 filled it, so the rupiah, percentage and score
    charts disappeared and 2019's count chart lost values, without a word. Each unit's chart stays, the
    latest year's values are whole, and a chart that shows part of a year says how much."""
    from dashboard.queries import VALUES_LIMIT

    _many_count_values_in_2018(warehouse, tmp_path, 600)
    expected = duckdb_counts(warehouse)
    ctx = context((2017, 2018, 2019), ALL_FIELDS, "both", "en")
    for unit in schema.UNIT.codes:
        chart = charts.outcome_values(ctx, unit)
        assert chart is not None, unit
        drawn = {label for trace in chart.figure.data for label in trace.y}
        assert len(drawn) == expected[(unit, 2019)], unit
        assert "Drawn:" not in chart.caption, unit
    trend = charts.outcome_trends(ctx, "count")
    assert trend is not None
    assert (f"Years with more than {VALUES_LIMIT} values in this unit (2018) are read through their first "
            f"{VALUES_LIMIT} only") in trend.caption
    percent_trend = charts.outcome_trends(ctx, "percent")
    assert percent_trend is not None and "Years with more than" not in percent_trend.caption
    # 2018 alone: its count chart draws the first VALUES_LIMIT values and says so in its caption; its text
    # alternative counts them as part of the year's (not as if they were all).
    ctx = context((2017, 2018), ALL_FIELDS, "both", "en")
    chart = charts.outcome_values(ctx, "count")
    assert chart is not None
    assert sum(len(trace.y) for trace in chart.figure.data) == VALUES_LIMIT
    count = expected[("count", 2018)]
    sentence = f"Drawn: the first {VALUES_LIMIT} of the year's {count:,} values in this unit, by category, beneficiary"
    assert sentence in chart.caption
    assert chart.alternative.startswith(f"In numbers — Achieved value (Count): {VALUES_LIMIT} of the year's "
                                        f"{count:,} indicators (")
    percent = charts.outcome_values(ctx, "percent")
    assert percent is not None and "Drawn:" not in percent.caption
    # The pandas baseline the bench times against picks the same first values (codes before no code).
    from bench.pandas_baseline import TABLES, compute, load_table, run_query, same_figure
    from dashboard.queries import Scope

    with warehouse.connect_reader() as connection:
        cursor = connection.cursor()
        frames = {table: load_table(cursor, table) for table in TABLES["benefit_values"]}
        for scope in (Scope((2017, 2018, 2019)), Scope((2018,))):
            assert same_figure(run_query(("benefit_values", None), cursor, scope),
                               compute(("benefit_values", None), frames, scope))


def duckdb_counts(warehouse: Warehouse) -> dict[tuple[str, int], int]:
    """Values per unit and year of the partner city Beijing, read from the warehouse itself."""
    import duckdb

    with duckdb.connect(str(warehouse.path), read_only=True) as connection:
        return {(unit, year): count for unit, year, count in connection.execute(
            "SELECT unit, year, count(*) FROM benefits WHERE partner_city = 'beijing' GROUP BY ALL").fetchall()}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_chart_of_every_selected_year_together_is_described_as_one(warehouse: Warehouse, lang: str) -> None:
    """The obstacle heatmap and the indicators by category and beneficiary add every selected year together;
    their text alternative listed the totals per year ("5 (2017), 6 (2018), 7 (2019)"), which neither chart
    shows. It now gives the total and the largest categories, and for obstacles the categories at the highest
    severity recorded, counted here in the warehouse."""
    import duckdb

    with duckdb.connect(str(warehouse.path), read_only=True) as connection:  # before the dashboard's reader
        def counts(sql: str) -> list[tuple[str, int]]:
            return connection.execute(sql).fetchall()
        obstacles = counts("SELECT category, count(*) FROM obstacles WHERE partner_city = 'beijing' GROUP BY ALL")
        (highest,), = connection.execute("SELECT max(severity) FROM obstacles WHERE partner_city = 'beijing'"
                                         ).fetchall()
        severe = counts(f"SELECT category, count(*) FROM obstacles WHERE partner_city = 'beijing' AND severity = "
                        f"{highest} GROUP BY ALL")
        indicators = counts("SELECT category, count(*) FROM benefits WHERE partner_city = 'beijing' GROUP BY ALL")

    def largest(rows: list[tuple[str, int]], vocabulary: schema.Vocabulary) -> str:
        """The three largest, and any equal to the third: equals are never ranked by leaving one out (said_most)."""
        ranked = sorted(rows, key=lambda row: (-row[1], vocabulary.codes.index(row[0])))
        return said_most([(vocabulary.label(code, lang), count) for code, count in ranked], lang)

    ctx = context((2017, 2018, 2019), ALL_FIELDS, "both", lang)
    heatmap = charts.overview_obstacles(ctx)
    categories = charts.benefits_category(ctx)
    assert heatmap is not None and categories is not None
    total, named = sum(count for _, count in obstacles), largest(obstacles, schema.OBSTACLE_CATEGORY)
    severest = largest(severe, schema.OBSTACLE_CATEGORY)
    expected = {"en": (f"In numbers — Obstacles recorded: {total} in all; the most: {named}. At the highest "
                       f"severity recorded, {highest}: {severest}."),
                "zh": (f"数字概要——记录的障碍：共 {total}；最多的是：{named}。"
                       f"所记录的最高严重程度为 {highest}：{severest}。")}
    assert heatmap.alternative == expected[lang]
    total, named = sum(count for _, count in indicators), largest(indicators, schema.BENEFIT_CATEGORY)
    opening = {"en": f"In numbers — Benefit indicators recorded: {total} in all; the most: {named}.",
               "zh": f"数字概要——记录的成效指标：共 {total}；最多的是：{named}。"}[lang]
    assert categories.alternative.startswith(opening)
    for chart in (heatmap, categories):
        assert not any(f"({year})" in chart.alternative or f"（{year}）" in chart.alternative
                       for year in (2017, 2018, 2019))


def test_each_card_metric_counts_the_sheet_the_catalogue_names(warehouse: Warehouse) -> None:
    """The catalogue names the sheet each figure counts, from which the API says which given filters do not
    narrow it. Checked against the queries: a filter that does not narrow that sheet (params.NOT_NARROWING)
    leaves the figure as it is in every year, and each sheet's figures change with a filter that narrows it."""
    reader = db.reader()

    def figures_for(direction: str = "both", fields: tuple[str, ...] = schema.FIELD.codes) -> dict[str, list]:
        rows = PageContext(reader, Filters((2017, 2018, 2019), "beijing", fields, direction, "en")).fetch(
            "yearly_summary").to_dict("records")
        return {metric.key: [summary_value(metric.key, row) for row in rows] for metric in CARD_METRICS}

    every = figures_for()
    narrowed = {params.DIRECTION: [figures_for(direction=way) for way in ("outbound", "inbound")],
                params.FIELD: [figures_for(fields=(field,)) for field in ("tourism", "arts_culture")]}
    for metric in CARD_METRICS:
        assert metric.sheet in {sheet.name for sheet in schema.SHEETS}, metric.key
        for name, views in narrowed.items():
            narrows = name not in params.NOT_NARROWING[metric.sheet]
            changed = any(shown[metric.key] != every[metric.key] for shown in views)
            assert changed == narrows, (metric.key, name, narrows)


@pytest.mark.parametrize("lang", ["id", "en", "zh"])
def test_the_glossary_names_the_filters_that_do_not_narrow_a_figure(shared_app: SharedApp, lang: str) -> None:
    """The API names, beside each figure, the filters given that do not narrow it; the glossary said it
    for obstacles alone, in the definition. Each figure counting activities, benefits or obstacles says
    which filters leave it whole (the direction; the fields too for obstacles); a participant's none."""
    at = shared_app.page("views/glossary.py", {"lang": lang} if lang != "id" else {})
    assert not at.exception
    items = {match[1]: match[2] for block in at.markdown for item in block.value.split("\n- ")
             if (match := re.match(r"(?:- )?\*\*(.+?)\*\*  \n.*?:small\[(.+?)\]$", item, re.S))}
    label = translate(lang, "glossary.col_not_narrowed")
    direction, fields = translate(lang, "filters.direction"), translate(lang, "filters.fields")
    expected = {"participants": None, "activities": direction, "benefits": direction,
                "obstacles": format_list([fields, direction], lang)}
    for metric in CATALOGUE:
        details = items[metric.label(lang, schema.PARTNER_CITY.label("beijing", lang))]
        said = next((part.split(label, 1)[1].lstrip(":： ") for part in details.split(" · ")
                     if part.startswith(label)), None)
        assert said == expected[metric.sheet], (metric.key, details)
