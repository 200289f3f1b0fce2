"""Presenters: the share link, presentation mode and the offline report (AppTest and unit level)."""

from __future__ import annotations

import re
from html import escape, unescape
from urllib.parse import parse_qsl, urlencode, urlsplit

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import charts, db, framing, glossary
from dashboard.components import SCREEN_CHART_KEY, WIDE_SCREEN_CHART_KEY
from dashboard.context import CONTEXT_KEY, PageContext
from dashboard.dictionary import dictionary
from dashboard.filters import Available, Filters
from dashboard.literal import code_span
from dashboard.metrics import CARD_METRICS, METRICS
from dashboard.presentation import app_base_url, share_url
from dashboard.report import build_report
from etl import schema
from etl.load import load_files, restore
from etl.warehouse import Warehouse
from tests.apptest import drawn_charts, open_app, toml_catalogue
from tests.paths import REPO_ROOT, SAMPLE_FILES
from translations import format_list, translate

AVAILABLE = Available(years=(2017, 2018, 2019), partners=("beijing",))
ALL_FIELDS = schema.FIELD.codes


def run_app(params: list[tuple[str, str]]) -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / "navigation.py"), default_timeout=90)
    grouped: dict[str, list[str]] = {}
    for key, value in params:
        grouped.setdefault(key, []).append(value)
    for key, values in grouped.items():
        at.query_params[key] = values if len(values) > 1 else values[0]
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_default_view_has_a_bare_link() -> None:
    filters = Filters((2017, 2018, 2019), "beijing", ALL_FIELDS, "both", "id")
    assert share_url("https://x.go.id/dash", "overview", filters, AVAILABLE, False) == "https://x.go.id/dash/overview"


def test_app_base_url_drops_the_page_but_keeps_a_path_prefix() -> None:
    assert app_base_url("https://x.go.id/dashboard/participation", "participation") == "https://x.go.id/dashboard"
    assert app_base_url("https://x.go.id/dashboard", "") == "https://x.go.id/dashboard"
    assert app_base_url(None, "overview") == "http://localhost:8501"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_share_link_reopens_the_same_view(warehouse: Warehouse, lang: str) -> None:
    """The link's parameters, fed back to the app, give the same widget values and presentation mode."""
    filters = Filters((2018,), "beijing", ("arts_culture", "tourism"), "outbound", lang)
    url = share_url("http://localhost:8501", "participation", filters, AVAILABLE, True)
    parts = urlsplit(url)
    assert parts.path == "/participation"
    params = parse_qsl(parts.query, keep_blank_values=True)
    assert ("present", "1") in params and ("lang", lang) in params
    at = run_app(params)
    assert at.multiselect(key="year").value == [2018]
    assert sorted(at.multiselect(key="field").value) == ["arts_culture", "tourism"]
    assert at.radio(key="direction").value == "outbound"
    assert at.segmented_control(key="lang").value == lang
    # Presentation mode: the compact filter line and the way out instead of the sidebar.
    assert any(schema.FIELD.label("arts_culture", lang) in c.value for c in at.caption)
    assert any(b.key == "present-leave" for b in at.button)


def test_presentation_mode_enlarges_charts_and_hides_tables(warehouse: Warehouse) -> None:
    """Each chart is sent in the projector's figure and, for a screen narrower than the smallest projector
    (a phone opening the presenter's link), in the page's own; the presentation style shows one of them."""
    at = run_app([("lang", "en"), ("present", "1")])
    projector, screen = drawn_charts(at), drawn_charts(at, SCREEN_CHART_KEY)
    assert len(projector) >= 4, "charts are shown while presenting"
    assert list(screen) == list(projector)
    for chart in at.get("plotly_chart"):
        size = re.search(r'"font":\{[^}]*"size":(\d+)', chart.proto.spec)
        assert size and int(size[1]) == (14 if f"-{SCREEN_CHART_KEY}" in chart.proto.id else 20), chart.proto.id
    assert not at.expander, "no data-table expanders on a projector"
    # The activities' single ones are blank parts: a projector's caption says so, and names no table it hides.
    table = translate("en", "chart.data_table")
    assert any(translate("en", "chart.parts_blank") in c.value for c in at.caption)
    assert not any(table in c.value for c in at.caption)
    leave = next(b for b in at.button if b.key == "present-leave")
    leave.click().run()
    assert at.expander, "leaving restores the normal view"
    assert not any(b.key == "present-leave" for b in at.button)
    assert any(translate("en", "chart.parts_left_blank", data=table) in c.value for c in at.caption), \
        "the page's caption says its data table gives every count"
    assert drawn_charts(at) == screen, "a narrow screen was shown the page's own figures"
    assert not drawn_charts(at, SCREEN_CHART_KEY)


def test_the_glossary_lists_every_category_open_while_presenting(warehouse: Warehouse) -> None:
    """Presentation mode hides expanders, so on a projector the category lists must not be inside one."""
    at = run_app([("lang", "en"), ("present", "1")])
    at.switch_page("views/glossary.py").run()
    assert not at.exception and not at.expander
    titles = [s.value for s in at.subheader]
    shown = "\n".join(block.value for block in at.markdown)
    for vocabulary in schema.VOCABULARIES:
        assert glossary.vocabulary_title(vocabulary, "en") in titles, vocabulary.name
        assert glossary.category_list(vocabulary, "en") in shown, vocabulary.name
    at.button(key="present-leave").click().run()
    assert len(at.expander) == len(schema.VOCABULARIES), "leaving folds them again"


@pytest.mark.parametrize("view", [("present", "1"), ("frame", "page")], ids=["presenting", "framed"])
def test_the_data_dictionary_stands_open_where_expanders_are_hidden(warehouse: Warehouse,
                                                                     view: tuple[str, str]) -> None:
    """Presentation mode and another site's frame hide every expander, and the dictionary was one expander
    per sheet: the Data page showed "Kamus data" with nothing under it on a projector. There each sheet
    is its own heading with its description and its table; the glossary's category lists likewise."""
    at = run_app([("lang", "en"), view])
    at.switch_page("views/data.py").run()
    assert not at.exception and not at.expander
    titles = [s.value for s in at.subheader]
    captions = [c.value for c in at.caption]
    tables = [table.value.map(lambda cell: re.sub(r"\\(.)", r"\1", cell) if isinstance(cell, str) else cell)
              for table in at.table]  # as typed (the load history beside them holds numbers)
    for sheet in schema.SHEETS:
        assert any(sheet.label("en") in title for title in titles), sheet.name
        assert sheet.description("en") in captions, sheet.name
        assert any(table.equals(dictionary(sheet, "en")) for table in tables), sheet.name
    glossary_page = at.switch_page("views/glossary.py").run()
    assert not glossary_page.exception and not glossary_page.expander
    assert {glossary.vocabulary_title(v, "en") for v in schema.VOCABULARIES} <= {
        s.value for s in glossary_page.subheader}


def test_the_load_history_stands_whole_on_a_projector(warehouse: Warehouse) -> None:
    """The history was a grid of thirteen columns: on a 1280 px projector every column from "Replaced load"
    on lay past the page's edge, out of an audience's reach. Presenting, it is a static table of the columns
    that say which load made each year what it is, those no load fills left out, and its caption names them;
    outside presentation mode the grid holds every column."""
    def history(at: AppTest) -> pd.DataFrame:
        return next(table.value for table in at.table if t["history.load_id"] in table.value.columns)

    t = toml_catalogue("en")
    at = run_app([("lang", "en"), ("present", "1")])
    at.switch_page("views/data.py").run()
    shown = [t[f"history.{c}"] for c in ("load_id", "year", "loaded_at", "provisional", "is_sample")]
    assert list(history(at).columns) == shown, "the sample replaced and restored nothing: those columns left out"
    assert history(at)[t["history.load_id"]].tolist() == [3, 2, 1]
    assert t["present.table_columns"].format(columns=format_list(shown, "en")) in [c.value for c in at.caption]
    assert not [frame for frame in at.dataframe if t["history.load_id"] in frame.value.columns]

    load_files(warehouse, [SAMPLE_FILES[2]], replace=True, loaded_by="test")
    restore(warehouse, 3, loaded_by="test")
    at = run_app([("lang", "en"), ("present", "1")])
    at.switch_page("views/data.py").run()
    projected = history(at)
    assert list(projected.columns) == [*shown, t["history.replaced_load_id"], t["history.restored_from_load_id"]]
    # Load numbers, as the Load column's (the browser test reads them written, an empty cell for none).
    assert projected[t["history.replaced_load_id"]].tolist()[:2] == [4, 3]
    assert projected[t["history.restored_from_load_id"]].isna().tolist()[:2] == [False, True]
    assert projected[t["history.restored_from_load_id"]].iloc[0] == 3

    at.button(key="present-leave").click().run()
    grid = next(frame.value for frame in at.dataframe if t["history.load_id"] in frame.value.columns)
    assert len(grid.columns) == 13 and t["history.sha256"] in grid.columns
    assert not [table for table in at.table if t["history.load_id"] in table.value.columns]


def test_the_data_dictionary_folds_on_a_screen(warehouse: Warehouse) -> None:
    at = run_app([("lang", "en")])
    at.switch_page("views/data.py").run()
    assert [e.label for e in at.expander][:len(schema.SHEETS)] == [
        f"{sheet.label('en')} · sheet `{sheet.name}`" for sheet in schema.SHEETS]


def test_toggle_enters_presentation_mode(warehouse: Warehouse) -> None:
    at = run_app([("lang", "en"), ("year", "2018")])
    at.toggle(key="present-toggle").set_value(True).run()
    assert any(b.key == "present-leave" for b in at.button)
    assert not at.expander
    assert at.multiselect(key="year").value == [2018], "the filters stay as they were"


def test_a_slideshow_link_starts_the_slideshow(warehouse: Warehouse) -> None:
    """slideshow=15 in a shared link is the slideshow's setting from the first run (the share popover,
    filled only when opened, used to be what read it first)."""
    at = run_app([("lang", "en"), ("present", "1"), ("slideshow", "15")])
    assert at.selectbox(key="slideshow-choice").value == 15
    assert at.query_params["slideshow"] in ("15", ["15"])
    still = run_app([("lang", "en"), ("present", "1")])
    assert still.selectbox(key="slideshow-choice").value == 0


def test_a_slideshow_pauses_without_leaving_the_presentation(warehouse: Warehouse) -> None:
    """The sidebar is hidden while presenting, and "Leave" was the only way to stop a slideshow. The
    presentation bar pauses and resumes it and says which it is doing; the link keeps the slideshow."""
    at = run_app([("lang", "en"), ("present", "1"), ("slideshow", "15")])
    assert at.button(key="slideshow-pause").label == translate("en", "present.pause")
    assert any(translate("en", "present.seconds", seconds=15) in c.value for c in at.caption)
    at.button(key="slideshow-pause").click().run()
    assert at.button(key="slideshow-pause").label == translate("en", "present.resume")
    assert any(translate("en", "present.slideshow_paused") in c.value for c in at.caption)
    assert not any(translate("en", "present.seconds", seconds=15) in c.value for c in at.caption)
    assert at.query_params["slideshow"] in ("15", ["15"]) and at.selectbox(key="slideshow-choice").value == 15
    at.button(key="slideshow-pause").click().run()
    assert at.button(key="slideshow-pause").label == translate("en", "present.pause")
    at.button(key="slideshow-pause").click().run()  # paused again, then out of the presentation and back
    at.button(key="present-leave").click().run()
    at.toggle(key="present-toggle").set_value(True).run()
    assert at.button(key="slideshow-pause").label == translate("en", "present.pause"), "left, no longer paused"
    without = run_app([("lang", "en"), ("present", "1")])
    assert not [b for b in without.button if b.key == "slideshow-pause"]


@pytest.mark.parametrize("seconds", ["²", "１５", "7", "15.0"])
def test_a_slideshow_link_with_another_number_leaves_it_off(warehouse: Warehouse, seconds: str) -> None:
    """Only a choice written in ASCII digits starts the slideshow; "²" passed str.isdigit and then failed
    int() (the page showed an exception), and the full-width "１５" was read as 15."""
    at = run_app([("lang", "en"), ("present", "1"), ("slideshow", seconds)])
    assert at.selectbox(key="slideshow-choice").value == 0


def _context(lang: str, years: tuple[int, ...]) -> PageContext:
    return PageContext(db.reader(), Filters(years, "beijing", ALL_FIELDS, "both", lang))


@pytest.mark.parametrize("lang", ["id", "en", "zh"])
def test_report_holds_every_chart_finding_and_note(warehouse: Warehouse, lang: str) -> None:
    html = build_report(_context(lang, (2017, 2018, 2019)), AVAILABLE)
    assert html.startswith("<!DOCTYPE html>") and f"<html lang='{lang}'>" in html
    charts = re.findall(r"data-chart='([^']+)'", html)
    # participation 8 (selection, funnel, five profiles, repeat), activities 5, benefits 5, and the outcome
    # charts: one per unit measured in 2019, one per unit with an indicator code in two years; the Overview's
    # four are among them (the cover is the Overview: test_pages.test_the_printed_report_prints_each_chart_once)
    with warehouse.connect_reader() as connection:
        (outcomes,), = connection.execute("""
            SELECT (SELECT count(DISTINCT unit) FROM benefits WHERE year = 2019)
                 + (SELECT count(DISTINCT unit) FROM (SELECT unit FROM benefits WHERE indicator_code IS NOT NULL
                    GROUP BY unit, indicator_code HAVING count(DISTINCT year) > 1))""").fetchall()
    assert outcomes > 0
    assert len(charts) == 18 + outcomes and len(set(charts)) == len(charts)
    assert html.count("<div class='figure paper'>") == len(charts)
    assert html.count("<div class='figure narrow'>") == html.count("<div class='chart has-narrow'") > 0
    # Offline: Plotly's JavaScript is inlined, nothing is fetched from the network.
    assert "Plotly" in html and not re.search(r"<script[^>]+src=", html)
    assert not re.search(r"https?://(?!www\.w3\.org)", html.split("</script>", 1)[1])
    from translations import translate

    assert translate(lang, "report.title", partner=schema.PARTNER_CITY.label("beijing", lang)) in html
    assert html.count("class='finding'") == 4
    assert translate(lang, "data.note_sample").split("**")[2].strip()[:20] in html
    # The privacy note printed as the Data page shows it: a heading, then a list of what is kept (it printed
    # as one paragraph with the list's dashes and without its headings).
    notes = html.split("<section class='notes'>", 1)[1]
    assert f"<h3>{escape(translate(lang, 'data.privacy_title'))}</h3><ul><li><strong>" in notes.replace("\n", "")
    assert notes.count("<li>") == translate(lang, "data.note_privacy").count("- **") == 5
    assert "- <strong>" not in notes and "**" not in notes


@pytest.mark.parametrize(("direction", "with_card", "without_card"), [
    ("outbound", "delegates_outbound", "delegates_inbound"), ("inbound", "delegates_inbound", "delegates_outbound"),
    ("both", "delegates_outbound", None)])
def test_the_reports_headline_figures_leave_out_the_other_directions_delegates(
        warehouse: Warehouse, direction: str, with_card: str, without_card: str | None) -> None:
    """Only Jakarta's delegates chosen, the cover's table wrote "Delegates Beijing → Jakarta 0 0", as if
    none had come: the direction leaves that figure nothing to count, and the cover leaves it out."""
    context = PageContext(db.reader(), Filters((2018, 2019), "beijing", ALL_FIELDS, direction, "en"))
    cover = build_report(context, AVAILABLE).split("<table class='headline'>", 1)[1].split("</table>", 1)[0]
    beijing = schema.PARTNER_CITY.label("beijing", "en")
    assert f"<td>{escape(METRICS[with_card].label('en', beijing))}</td>" in cover
    if without_card:
        assert METRICS[without_card].label("en", beijing) not in unescape(cover)
    assert cover.count("<tr>") == len(CARD_METRICS) + (0 if without_card is None else -1) + 1  # and the header


@pytest.mark.parametrize(("lang", "years", "direction"), [
    ("id", ("2017", "2018"), "both"), ("en", ("2019",), "outbound"), ("zh", ("2017",), "inbound")])
def test_the_reports_headline_table_says_what_the_cards_say(warehouse: Warehouse, lang: str,
                                                            years: tuple[str, ...], direction: str) -> None:
    """The printed cover's table gave each figure and its value the year before under "Headline figures for
    2018", where the Overview's cards above the same figures say "· change against 2017" and the change
    ("+22", "+0.3 pp"): a reader briefing from paper had to work out what the screen says. The table has the
    Overview's heading and, per card, its label, value and change; in a partner city's first year, compared
    with none, its label and value alone (it had a column of dashes for the year before, another for the
    change)."""
    at = run_app([("lang", lang), ("direction", direction)] + [("year", year) for year in years])
    cards = [(card.label, card.value, card.delta or "–") for card in at.metric]
    context = PageContext(db.reader(), Filters(tuple(map(int, years)), "beijing", ALL_FIELDS, direction, lang))
    report = build_report(context, AVAILABLE)
    cover = report.split("<table class='headline'>", 1)[1].split("</table>", 1)[0]
    rows = [[unescape(cell) for cell in re.findall(r"<td>(.*?)</td>", row)]
            for row in re.findall(r"<tr>(.*?)</tr>", cover)[1:]]
    heading = at.header[0].value
    assert f"<h2>{escape(heading)}</h2><table class='headline'>" in report
    compared = translate(lang, "metric.compared", previous=int(years[-1]) - 1) in heading
    assert compared == (years != ("2017",))
    if compared:
        assert cards and [(label, value, change) for label, value, _previous, change in rows] == cards
    else:  # the first loaded year: no change on a card, no columns of dashes in the table
        assert cards and all(change == "–" for _label, _value, change in cards)
        assert [(label, value, "–") for label, value in rows] == cards


def test_report_escapes_text_from_the_data(warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch) -> None:
    """A hostile caption (here through the catalogue) is shown as text, never run."""
    from dashboard import context

    original = context.PageContext.t

    def hostile(self: PageContext, key: str, quantity: float | None = None, **params: object) -> str:
        text = original(self, key, quantity, **params)
        return text + "<script>alert(1)</script>" if key == "participation.caption_selection" else text

    monkeypatch.setattr(context.PageContext, "t", hostile)
    html = build_report(_context("en", (2019,)), AVAILABLE)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_every_chart_saves_a_sharp_png_named_after_page_chart_and_filters(warehouse: Warehouse) -> None:
    """The camera icon of each chart saves a PNG at 3x screen size, named page_chart_years_partner_fields_lang."""
    import json

    at = run_app([("lang", "en"), ("year", "2018"), ("field", "Tourism")])
    charts = at.get("plotly_chart")
    assert charts
    for chart in charts:
        options = json.loads(chart.proto.config)["toImageButtonOptions"]
        assert options["format"] == "png" and options["scale"] == 3
        assert re.fullmatch(r"overview_[a-z-]+_2018_beijing_tourism_en", options["filename"]), options


def test_a_framed_chart_shows_that_chart_alone(warehouse: Warehouse) -> None:
    """frame=<chart> (for another site's <iframe>): the one chart, its caption and source, no navigation
    and no presenter tools; frame=page: the page without them."""
    at = open_app({"lang": "en", "year": "2018", "frame": "funnel"}, "views/participation.py")
    assert not at.exception
    assert list(drawn_charts(at)) == ["funnel"]
    assert not at.get("download_button") and not at.title
    assert any("data version" in caption.value for caption in at.caption)
    page = open_app({"lang": "en", "frame": "page"}, "views/activities.py")
    assert not page.exception and len(drawn_charts(page)) >= 4
    assert not [b for b in page.get("download_button") if b.label == translate("en", "present.report")]
    # The timeline framed alone or with its page is sent in the wide figure as well, for a frame as wide as a
    # laptop's chart (its titles were cut to a phone's width in every frame).
    timeline = open_app({"lang": "en", "frame": "timeline"}, "views/activities.py")
    assert not timeline.exception and list(drawn_charts(timeline)) == ["timeline"]
    assert list(drawn_charts(timeline, WIDE_SCREEN_CHART_KEY)) == list(drawn_charts(page, WIDE_SCREEN_CHART_KEY)) \
        == ["timeline"]
    missing = open_app({"lang": "id", "frame": "no-such-chart"}, "views/overview.py")
    # The link's name, as typed: a chart renamed since an embed was made is told apart from an empty one.
    assert [info.value for info in missing.info] == [translate("id", "empty.no_chart",
                                                               chart=code_span("no-such-chart"))]


@pytest.mark.parametrize("lang", ["id", "en", "zh"])
def test_a_framed_chart_the_filters_leave_empty_says_why_as_its_page_does(warehouse: Warehouse, lang: str) -> None:
    """2018, arts and culture, Jakarta to partner city: the Benefits page says "No benefit indicators match
    the chosen filters." where its charts by level would be. The same chart framed said "This page draws no
    chart by-level for the chosen filters: the filters may leave it empty, or the chart was renamed", a
    guess between two causes the page can tell apart, and without the filters it spoke of. A chart the page
    draws with every year and field says the page's sentence for it (a chart without one, that it has
    nothing to draw), under it the filters and the source; a name the page has no chart by, that."""
    partner = schema.PARTNER_CITY.label("beijing", lang)
    # 2017 is the first year loaded: no applicant of it can have applied before.
    for year, frame, page, key in (("2018", "level", "views/benefits.py", "empty.no_benefits"),
                                   ("2017", "repeat-applicants", "views/participation.py", "empty.no_returning"),
                                   ("2018", "values-idr", "views/benefits.py", "empty.chart_empty"),
                                   ("2018", "by-levels", "views/benefits.py", "empty.no_chart")):
        query = {"lang": lang, "year": year, "field": "arts_culture", "direction": "outbound"}
        shown = translate(lang, "filters.shown", filters=" · ".join([
            year, partner, schema.FIELD.label("arts_culture", lang), schema.DIRECTION.label("outbound", lang)]))
        at = open_app({**query, "frame": frame}, page)
        assert not at.exception and not drawn_charts(at)
        said = translate(lang, key, partner=partner, chart=code_span(frame))
        assert [info.value for info in at.info] == [said], (frame, [info.value for info in at.info])
        lines = [line for caption in at.caption for line in caption.value.split("  \n")]
        assert shown in lines, (frame, lines)


@pytest.mark.parametrize(("page", "name"), [("views/participation.py", "funnel"),
                                           ("views/benefits.py", "obstacle-severity")])
def test_a_framed_chart_says_what_the_framed_page_says_of_it(warehouse: Warehouse, page: str, name: str) -> None:
    """An embedded chart had its caption without the text alternative the page gives it (the chart's one
    sentence for a reader who cannot see it); an embedded page's captions sent readers to data tables its
    frame hides. Both frames now say the same of a chart, and neither mentions a table it does not show."""
    one = open_app({"lang": "en", "year": "2018", "frame": name}, page)
    whole = open_app({"lang": "en", "year": "2018", "frame": "page"}, page)
    assert not one.exception and not whole.exception
    assert not whole.expander, "no data table (nor any fold) the frame would hide"
    framed_caption = one.caption[0].value
    assert framed_caption in [caption.value for caption in whole.caption]
    table = translate("en", "chart.data_table")
    assert not [c.value for c in whole.caption if table in c.value], "a caption points to a hidden table"
    on_screen = open_app({"lang": "en", "year": "2018"}, page)
    chart_captions = [c.value for c in on_screen.caption if c.value.startswith(framed_caption.split(". ")[0])]
    assert chart_captions, "the framed caption opens with the page's own text alternative"
    # Another site's reader has no Upload page to load the real workbooks on; the app's reader has.
    upload = translate("en", "notice.sample_upload")
    assert [w.value for w in one.warning] and not [w.value for w in [*one.warning, *whole.warning] if upload in w.value]
    assert [w.value for w in on_screen.warning if upload in w.value]


@pytest.mark.parametrize("lang", ["id", "en", "zh"])
def test_an_embedded_chart_or_page_says_which_filters_it_shows(warehouse: Warehouse, lang: str) -> None:
    """Another site's reader has no sidebar. The Activities timeline embedded for 2019 and tourism said
    "Activities: 1" with nothing saying that one field was chosen, and an embedded page named neither its
    filters nor its source. Both frames say the filters (as the printed report's cover and the presentation
    bar write them) and the source. The app's own pages say them once, under their intro: a phone hides the
    sidebar, and a shared link's reader did not choose them."""
    query = {"lang": lang, "year": "2019", "field": "tourism", "direction": "outbound"}
    shown = translate(lang, "filters.shown", filters=" · ".join([
        "2019", schema.PARTNER_CITY.label("beijing", lang), schema.FIELD.label("tourism", lang),
        schema.DIRECTION.label("outbound", lang)]))
    source = translate(lang, "present.embed_source", updated="").split("·")[0].strip()
    for frame, page in (("timeline", "views/activities.py"), ("page", "views/activities.py"),
                        ("page", "views/benefits.py")):
        at = open_app({**query, "frame": frame}, page)
        assert not at.exception
        lines = [line for caption in at.caption for line in caption.value.split("  \n")]
        assert shown in lines and any(line.startswith(source) for line in lines), (frame, page, lines)
    for page in ("views/overview.py", "views/participation.py", "views/activities.py", "views/benefits.py"):
        on_screen = open_app(query, page)
        header = on_screen.caption[0].value.split("  \n")
        assert header[0] == translate(lang, page.removeprefix("views/").removesuffix(".py") + ".intro"), header
        assert header[1] == shown, (page, header)
        assert [c.value for c in on_screen.caption if shown in c.value] == [on_screen.caption[0].value], "once"
    # The Data page's notes and dictionary do not depend on them: its downloads say them.
    data = open_app(query, "views/data.py")
    assert [c.value for c in data.caption if shown in c.value] == [
        f"{translate(lang, 'data.downloads_intro')}  \n{shown}"]


def test_share_offers_an_iframe_of_the_page_or_a_chart(warehouse: Warehouse) -> None:
    at = open_app({"lang": "zh", "year": "2018", "field": "Seni dan budaya"}, "views/participation.py")
    assert not at.code, "the share popover is filled only when opened"
    at.session_state["share-popover"] = True  # as a reader opening it
    at.run()
    codes = [block.value for block in at.code]
    snippet = next(code for code in codes if code.startswith("<iframe"))
    assert "frame=page" in snippet and "field=arts_culture" in snippet and "lang=zh" in snippet
    assert 'loading="lazy"' in snippet and "title=" in snippet
    at.selectbox(key="embed-target").set_value("funnel").run()
    snippet = next(block.value for block in at.code if block.value.startswith("<iframe"))
    assert "frame=funnel" in snippet


def test_report_prints_on_a4_with_a_cover_and_charts_sized_for_paper(warehouse: Warehouse) -> None:
    """Print CSS and sizes: A4 portrait, the cover its own page, each chart numbered and drawn to fit a page."""
    import datetime as dt

    import plotly.graph_objects as go

    from dashboard import report
    from translations import LANGUAGE_NAMES, format_day

    ctx = _context("en", (2018, 2019))
    html = build_report(ctx, AVAILABLE, generated=dt.datetime(2026, 3, 5, 2, 30, tzinfo=dt.UTC))
    assert "@page { size: A4 portrait;" in html and "@media print" in html
    assert translate("en", "notice.sample", years="2018, 2019") in html
    assert translate("en", "notice.sample_upload") not in html, "paper has no Upload page"
    assert ".cover { break-after: page;" in html and "thead { display: table-header-group; }" in html
    assert report.PRINT_WIDTH_PX == 680 and abs(report.DRAW_WIDTH_PX * report.PRINT_ZOOM - 680) <= 1
    cover = html.split("<header class='cover'>", 1)[1].split("</header>", 1)[0]
    for text in (ctx.t("report.title", partner="Beijing"), format_day(dt.date(2026, 3, 5), "en"),
                 ctx.reader.data_version,
                 "2018–2019 · Beijing · All fields · Both directions", LANGUAGE_NAMES["en"],
                 "lang=en&amp;year=2018&amp;year=2019"):
        assert text in cover, text
    # Figures numbered in order; each drawn for print no taller than fits a page with its caption.
    labels = re.findall(r"<span class='figure-label'>Figure (\d+)\.</span>", html)
    heights = [int(h) for h in re.findall(r"data-draw-height='(\d+)'", html)]
    assert labels == [str(n) for n in range(1, len(labels) + 1)] and len(heights) == len(labels) > 22
    assert all(0 < h * report.PRINT_ZOOM <= report.PRINT_MAX_HEIGHT_PX for h in heights)
    assert report.draw_height(go.Figure(layout={"height": 3000})) * report.PRINT_ZOOM == report.PRINT_MAX_HEIGHT_PX
    assert report.draw_height(go.Figure()) == report.SCREEN_HEIGHT_PX
    assert "addEventListener('beforeprint'" in html and f"const WIDTH = {report.DRAW_WIDTH_PX};" in html
    # The Benefits page's tables, whole, with a header row that repeats on every printed page.
    tables = html.split("<section class='tables'>", 1)[1].split("</section>", 1)[0]
    assert tables.count("<table class='data'><thead>") == 2
    assert ctx.t("benefits.indicator_table") in tables and ctx.t("benefits.mitigation_table") in tables


@pytest.mark.parametrize("lang", ["id", "zh"])
def test_a_reports_caption_says_where_a_blank_parts_count_is_on_screen_and_only_that_it_is_blank_on_paper(
        warehouse: Warehouse, lang: str) -> None:
    """On screen the report folds each chart's data below it, and its caption says that table gives every
    count a blank part leaves out; paper does not print the table, and its caption names none."""
    ctx = _context(lang, (2017, 2018, 2019))
    html = build_report(ctx, AVAILABLE)
    captions = dict(re.findall(r"<div class='chart[^']*' data-chart='([^']+)'.*?<p class='caption'>(.*?)</p>", html,
                               flags=re.S))
    gap = "" if lang == "zh" else " "
    table = translate(lang, "chart.data_table")
    on_screen = f"<span class='screen-only'>{gap}{translate(lang, 'chart.parts_left_blank', data=table)}</span>"
    on_paper = f"<span class='print-only'>{gap}{translate(lang, 'chart.parts_blank')}</span>"
    assert on_screen in captions["activities/by-type"] and on_paper in captions["activities/by-type"]
    assert "<span" not in captions["participation/by-gender"].split("</span>", 1)[1], "every part written"
    assert ".print-only { display: none; }" in html
    printing = html.split("@media print {", 1)[1]
    assert ".screen-only { display: none; } .print-only { display: inline; }" in printing


def test_report_carries_the_printed_figure_and_the_pages_own_for_a_narrow_screen(warehouse: Warehouse) -> None:
    """Each chart's printed figure, and for a chart laid out for its width (its wide builder) the page's own
    figure as well, the one the dashboard draws on a phone; each in JSON no text can break out of, with the
    chart's config; and its data, folded. The pages' font is inlined, the one the charts' margins are measured
    in."""
    import base64
    import html as html_module
    import json

    from dashboard import report

    ctx = _context("id", (2017, 2018, 2019))
    html = build_report(ctx, AVAILABLE)
    blocks = {match[1]: match[0] for match in
              re.finditer(r"<div class='chart[^']*' data-chart='([^']+)'.*?</details></div>", html, flags=re.S)}
    built = report.printed_charts(ctx)
    assert len(blocks) == len(built)
    for chart in built:
        block = blocks[f"{chart.page}/{chart.name}"]
        specs = re.findall(r"<div class='figure (\w+)'>.*?<script type='application/json'>(.*?)</script>", block,
                           flags=re.S)
        expected = [("paper", chart.printed_figure(report.DRAW_WIDTH_PX))]
        if chart.wide is not None:
            expected.append(("narrow", chart.figure))
        assert [variant for variant, _ in specs] == [variant for variant, _ in expected], chart.name
        for (_, text), (_, figure) in zip(specs, expected, strict=True):
            assert "<" not in text and ">" not in text
            spec = json.loads(text)
            assert spec["layout"] == json.loads(figure.to_json())["layout"], chart.name
            assert spec["config"]["responsive"] and spec["config"]["locale"] == "id"
        # Its data, folded below it: the page's table, header and rows.
        folded = re.search(r"<details class='chart-data'><summary>(.*?)</summary>(.*?)</details>", block, flags=re.S)
        assert folded is not None and folded[1] == ctx.t("chart.data_table"), chart.name
        headers = re.findall(r"<th scope='col'>(.*?)</th>", folded[2])
        assert headers == [html_module.escape(str(header)) for header in chart.data.columns], chart.name
        assert folded[2].count("<tr>") == len(chart.data) + 1, chart.name
    face = re.search(r"font-family: \"Source Sans\".*?base64,([A-Za-z0-9+/=]+)\) format\(\"woff2\"\)", html)
    assert face is not None and base64.b64decode(face[1])[:4] == b"wOF2"
    assert 'body { font-family: "Source Sans",' in html


def test_report_draws_the_timeline_at_its_printed_height(warehouse: Warehouse) -> None:
    """Printed, the timeline's titles stand beside its rows, which are thinner than the page's (titles
    above): the report draws it at the printed figure's height, not the page's, which left a one-year
    timeline a band of empty rows."""
    from dashboard import report

    ctx = _context("en", (2019,))
    chart = charts.activities_timeline(ctx)
    assert chart is not None
    printed = chart.printed_figure(report.DRAW_WIDTH_PX)
    assert printed.layout.height < chart.figure.layout.height
    html = build_report(ctx, AVAILABLE)
    drawn = re.search(r"data-chart='activities/timeline' data-draw-height='(\d+)'", html)
    assert drawn is not None and int(drawn.group(1)) == report.draw_height(printed) < report.draw_height(chart.figure)


def test_report_data_table_shows_numbers_as_the_dashboard_does() -> None:
    """Each value in its own unit (a PerRow column), codes kept whole, text escaped."""
    import pandas as pd

    from dashboard.charts import PerRow
    from dashboard.report import data_table

    data = pd.DataFrame({"Code": ["LOK-CI-01", "KC-SK-01"], "Value": [83.3, 76_000_000.0],
                         "Text": ["<b>" + "x" * 45, None]})
    html = data_table(data, {"Value": PerRow(("percent", "idr"), "id")})
    assert "<thead><tr><th scope='col'>Code</th><th scope='col'>Value</th><th scope='col'>Text</th></tr>" in html
    assert "<td class='code'>LOK-CI-01</td><td class='number'>83,3%</td>" in html
    assert "<td class='number'>Rp 76.000.000</td><td class='text'></td>" in html
    assert "&lt;b&gt;xxx" in html and "<b>" not in html


@pytest.mark.parametrize(("path", "query", "framable"), [
    ("/participation", "frame=page", True),
    ("/", "lang=zh&frame=selection", True),
    ("/sister-city/benefits", "frame=page", True),
    ("/participation", "", False),  # the plain page: its sidebar leads to the sign-in inside the frame
    ("/participation", "frame=", False),
    ("/participation", "frame=" + "x" * 61, False),  # drawn plain by the page script, so not framed either
    ("/participation", "frame=page&frame=", False),  # the last value counts, as in st.query_params.get
    ("/sister-city/upload", "frame=page", False),
    ("/sister-city/signin/", "frame=funnel", False),
])
def test_only_a_public_pages_embed_form_may_be_framed(path: str, query: str, framable: bool) -> None:
    policy = framing.EmbedFormsOnly(app=None, base_url="sister-city" if "sister-city" in path else "")  # type: ignore[arg-type]
    assert policy.may_be_framed(path, query) is framable


@pytest.mark.parametrize("values", [["page"], ["x" * 61], ["page", ""], ["", "funnel"]])
def test_the_page_script_and_the_policy_read_frame_alike(warehouse: Warehouse, values: list[str]) -> None:
    """What the page draws as an embed (no sidebar) and what the server lets be framed are one rule."""
    at = run_app([("lang", "en"), *(("frame", value) for value in values)])
    drawn_as_embed = at.session_state[CONTEXT_KEY].framed
    assert drawn_as_embed is (framing.frame_target(values) is not None)
    assert framing.EmbedFormsOnly(app=None).may_be_framed(  # type: ignore[arg-type]
        "/participation", urlencode([("frame", value) for value in values])) is drawn_as_embed
