"""Filters in the URL: a copied link reopens the same view, a broken one says what it dropped.

Links carry codes (dashboard.params), the same in every language; links of earlier releases, with
labels in Indonesian, English or Chinese, still open the same view. How the round trip is checked:
partner, fields and direction are written to the URL by the app on every run, so ``at.query_params``
after a run shows them; the language and the years are bound by Streamlit (``bind="query-params"``),
whose browser half writes them when the reader changes a widget, which AppTest does not run. So
``serialised`` takes the widgets' values as codes, and a new session opened with them must come back
to the same view.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from etl import schema
from etl.warehouse import Warehouse
from tests.apptest import PAGES, open_app, toml_catalogue

ALL_YEARS = [2017, 2018, 2019]


def lang_control(at: AppTest):
    (control,) = [group for group in at.get("button_group") if group.key == "lang"]
    return control


def filters_of(at: AppTest) -> dict[str, object]:
    """The filters a session holds: language, years, fields (codes) and direction (code)."""
    return {"lang": lang_control(at).value, "year": at.multiselect(key="year").value,
            "field": at.multiselect(key="field").value, "direction": at.radio(key="direction").value}


def serialised(at: AppTest) -> dict[str, str | list[str]]:
    """The link of the current widgets: codes, defaults left out."""
    params: dict[str, str | list[str]] = {}
    if lang_control(at).value != "id":
        params["lang"] = lang_control(at).value
    years = at.multiselect(key="year")
    if years.value != [int(option) for option in years.options]:
        params["year"] = [str(year) for year in years.value] or ""
    fields = at.multiselect(key="field")
    if fields.value != list(schema.FIELD.codes):
        params["field"] = [code for code in schema.FIELD.codes if code in fields.value] or ""
    direction = at.radio(key="direction")
    if direction.value != "both":
        params["direction"] = direction.value
    # One value is written as one parameter, as at.query_params shows it.
    return {key: value[0] if isinstance(value, list) and len(value) == 1 else value for key, value in params.items()}


def ignored_notice(at: AppTest, lang: str) -> list[str]:
    """The 'part of the link could not be applied' warnings shown, as Markdown: each value typed in the link
    is written as code, shown as typed (tests/e2e/test_browse.py reads it in Chromium)."""
    before = toml_catalogue(lang)["filters.ignored"].split("{values}")[0]
    return [warning.value for warning in at.warning if warning.value.startswith(before)]


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


LINK = {"lang": "en", "year": "2018", "field": "arts_culture", "direction": "outbound"}
# The same view as links of earlier releases wrote it: labels in the sharer's language.
LABEL_LINKS = {
    "id": {"year": "2018", "field": "Seni dan budaya", "direction": "Jakarta ke kota mitra"},
    "en": {"lang": "en", "year": "2018", "field": "Arts and culture", "direction": "Jakarta to partner city"},
    "zh": {"lang": "zh", "year": "2018", "field": "文化艺术", "direction": "雅加达赴友好城市"},
}


def test_link_sets_the_widgets_and_round_trips(warehouse: Warehouse) -> None:
    """A shared link (English, 2018, arts_culture, outbound) opens with exactly those filters, the server
    keeps the URL as it was, and the widgets serialise back to the same link."""
    at = open_app(dict(LINK))
    no_exception(at)
    assert filters_of(at) == {"lang": "en", "year": [2018], "field": ["arts_culture"], "direction": "outbound"}
    # What the sidebar shows: English labels, the chosen options.
    assert at.multiselect(key="field").values == ["Arts and culture"]
    assert at.radio(key="direction").options[at.radio(key="direction").index] == "Jakarta to partner city"
    assert at.multiselect(key="year").label == "Program years"
    assert not ignored_notice(at, "en")
    assert at.header[0].value == "Headline figures for 2018 · change against 2017"
    # Params in == params out: the server kept them, and the widgets serialise to them.
    assert at.query_params == LINK
    assert serialised(at) == LINK
    again = open_app(serialised(at))
    assert filters_of(again) == filters_of(at)


@pytest.mark.parametrize("lang", ["id", "en", "zh"])
def test_an_old_label_link_and_the_same_link_in_codes_open_the_same_view(warehouse: Warehouse, lang: str) -> None:
    """A link with labels (as earlier releases wrote them) opens the view its codes open, in every
    language; the URL is rewritten with codes, and switching the language keeps the filters."""
    old = open_app(dict(LABEL_LINKS[lang]))
    no_exception(old)
    codes = {**({"lang": lang} if lang != "id" else {}), "year": "2018", "field": "arts_culture",
             "direction": "outbound"}
    new = open_app(codes)
    assert filters_of(old) == filters_of(new) == {"lang": lang, "year": [2018], "field": ["arts_culture"],
                                                  "direction": "outbound"}
    assert not ignored_notice(old, lang)
    assert old.query_params == codes
    for other in ("id", "en", "zh"):
        switched = open_app({**codes, "lang": other})
        assert filters_of(switched)["field"] == ["arts_culture"], other


def test_changed_widgets_serialise_to_a_link_that_reopens_them(warehouse: Warehouse) -> None:
    """After a reader changes every filter, the link the binding would write reopens the same view
    (AppTest does not write widget changes to at.query_params: the browser does, see module doc)."""
    at = open_app({"lang": "zh"})
    at.multiselect(key="year").set_value([2017, 2019]).run()
    at.multiselect(key="field").set_value(["tourism", "environment"]).run()
    at.radio(key="direction").set_value("inbound").run()
    no_exception(at)
    link = serialised(at)
    assert link == {"lang": "zh", "year": ["2017", "2019"], "field": ["tourism", "environment"],
                    "direction": "inbound"}
    # The app writes the synced filters to the URL itself, as codes.
    assert at.query_params["field"] == ["tourism", "environment"] and at.query_params["direction"] == "inbound"
    again = open_app(link)
    no_exception(again)
    assert filters_of(again) == {"lang": "zh", "year": [2017, 2019], "field": ["tourism", "environment"],
                                 "direction": "inbound"}
    assert not ignored_notice(again, "zh")


@pytest.mark.parametrize("page", PAGES)
def test_link_to_each_page_applies_its_filters(warehouse: Warehouse, page: str) -> None:
    """A deep link to any page (not only the Overview) applies the filters of its URL."""
    at = open_app({"lang": "en", "year": "2019", "direction": "Partner city to Jakarta"}, page)
    no_exception(at)
    assert filters_of(at) == {"lang": "en", "year": [2019], "field": list(schema.FIELD.codes),
                              "direction": "inbound"}
    assert at.title[0].value == toml_catalogue("en")[f"{page.removeprefix('views/').removesuffix('.py')}.title"].format(
        partner="Beijing")


def test_values_equal_to_the_default_stay_out_of_the_url(warehouse: Warehouse) -> None:
    """Spelling out the defaults (every year, both directions, Indonesian) gives a clean URL."""
    at = open_app({"year": ["2017", "2018", "2019"], "lang": "id", "direction": "Kedua arah"})
    no_exception(at)
    assert at.query_params == {}
    assert filters_of(at) == {"lang": "id", "year": ALL_YEARS, "field": list(schema.FIELD.codes),
                              "direction": "both"}
    assert not ignored_notice(at, "id")


def test_unknown_values_fall_back_to_the_default_with_a_notice(warehouse: Warehouse) -> None:
    """year=1900, field=Nonsense and lang=xx are dropped; the reader sees the defaults and is told which
    values of the link were not applied, each under the filter it was meant for (in the default language),
    with no error."""
    at = open_app({"year": "1900", "field": "Nonsense", "lang": "xx"})
    no_exception(at)
    assert filters_of(at) == {"lang": "id", "year": ALL_YEARS, "field": list(schema.FIELD.codes),
                              "direction": "both"}
    expected = toml_catalogue("id")["filters.ignored"].format(
        values="Bahasa ` xx `; Tahun program ` 1900 `; Bidang kerja sama ` Nonsense `")
    assert ignored_notice(at, "id") == [expected]
    assert at.query_params == {}
    assert at.get("plotly_chart")


def test_partly_unknown_link_keeps_what_it_can(warehouse: Warehouse) -> None:
    """Of year=2018&year=1900 the 2018 is kept; an Indonesian field label in an English link is still
    a field (links of earlier releases carried labels in any language); an unknown field is reported."""
    at = open_app({"lang": "en", "year": ["2018", "1900"], "field": ["Seni dan budaya", "Nonsense"],
                   "direction": "Partner city to Jakarta"})
    no_exception(at)
    assert filters_of(at) == {"lang": "en", "year": [2018], "field": ["arts_culture"], "direction": "inbound"}
    expected = toml_catalogue("en")["filters.ignored"].format(
        values="Program years ` 1900 `; Fields of cooperation ` Nonsense `")
    assert ignored_notice(at, "en") == [expected]
    assert at.query_params == {"lang": "en", "year": "2018", "field": "arts_culture", "direction": "inbound"}


def test_values_left_out_are_named_under_their_filter_in_the_readers_language(warehouse: Warehouse) -> None:
    """Two years and a direction of a Chinese link that cannot be applied: both years under "项目年份", in
    order, the direction under "交流方向", joined by the Chinese semicolon ("1900, 1980, sideways" left the
    reader to guess which filter each was)."""
    at = open_app({"lang": "zh", "year": ["1980", "2018", "1900"], "direction": "sideways"})
    no_exception(at)
    assert filters_of(at) == {"lang": "zh", "year": [2018], "field": list(schema.FIELD.codes), "direction": "both"}
    values = "项目年份 ` 1900 `, ` 1980 `；交流方向 ` sideways `"
    expected = toml_catalogue("zh")["filters.ignored"].format(values=values)
    assert ignored_notice(at, "zh") == [expected]


def test_unknown_partner_city_in_a_link_is_reported(warehouse: Warehouse) -> None:
    """partner=Tokyo on a warehouse holding only Beijing cannot be applied: the reader must be told
    (filters.py: 'the reader is told when part of a link could not be applied'), not silently shown
    Beijing."""
    at = open_app({"lang": "en", "partner": "Tokyo"})
    no_exception(at)
    assert at.header[0].value.startswith("Headline figures for 2019 ")
    expected = toml_catalogue("en")["filters.ignored"].format(values="Partner city ` Tokyo `")
    assert ignored_notice(at, "en") == [expected]


def test_empty_year_param_clears_the_years(warehouse: Warehouse) -> None:
    """?year= (an empty value) stands for 'no year', not for the default: the link keeps it."""
    at = open_app({"year": ""})
    no_exception(at)
    assert at.multiselect(key="year").value == []
    assert at.query_params == {"year": ""}
    assert serialised(at) == {"year": ""}
    assert not ignored_notice(at, "id")


# -- switching language ---------------------------------------------------------------------------

INDONESIAN_LINK = {"field": ["Seni dan budaya", "Pariwisata"], "direction": "Jakarta ke kota mitra",
                   "year": "2019"}


def switch_to_english(at: AppTest) -> AppTest:
    lang_control(at).set_value("en").run()
    return at


def test_switching_language_keeps_the_filters_and_relabels_them(warehouse: Warehouse) -> None:
    """Switching from Indonesian to English keeps the chosen fields, direction and year (codes), shows
    English labels, and the URL keeps the same codes, so a link copied now means the same view."""
    at = open_app(dict(INDONESIAN_LINK))
    no_exception(at)
    chosen = {"year": [2019], "field": ["arts_culture", "tourism"], "direction": "outbound"}
    assert filters_of(at) == {"lang": "id", **chosen}
    switch_to_english(at)
    no_exception(at)
    assert filters_of(at) == {"lang": "en", **chosen}
    assert at.multiselect(key="field").values == ["Arts and culture", "Tourism"]
    assert at.multiselect(key="field").label == "Fields of cooperation"
    assert at.radio(key="direction").options == ["Both directions", "Jakarta to partner city",
                                                 "Partner city to Jakarta"]
    assert at.title[0].value == toml_catalogue("en")["overview.title"].format(partner="Beijing")
    # The URL holds codes, the same before and after the switch.
    assert at.query_params["field"] == ["arts_culture", "tourism"]
    assert at.query_params["direction"] == "outbound"
    link = serialised(at)
    assert link == {"lang": "en", "year": "2019", "field": ["arts_culture", "tourism"], "direction": "outbound"}
    again = open_app(link)
    assert filters_of(again) == filters_of(at)
    assert not ignored_notice(again, "en")


def test_switching_language_does_not_report_the_link_as_broken(warehouse: Warehouse) -> None:
    """Nothing of the link is dropped when the reader switches language, so no 'could not be applied'
    warning may appear (the fields it would name are still selected)."""
    at = open_app(dict(INDONESIAN_LINK))
    assert not ignored_notice(at, "id")
    switch_to_english(at)
    no_exception(at)
    assert filters_of(at)["field"] == ["arts_culture", "tourism"]
    assert ignored_notice(at, "en") == []


@pytest.mark.parametrize("page", ["views/signin.py", "views/upload.py"])
def test_a_page_the_filters_do_not_act_on_shows_the_language_alone_and_keeps_them(warehouse: Warehouse,
                                                                                  page: str) -> None:
    """Sign-in and upload are not narrowed by years, fields or direction: filters in their sidebar would seem
    to narrow something. They show the language alone; the reader's filters, chosen before, come back on the
    next page that has them, in the language chosen meanwhile, and its link carries them again."""
    at = open_app(dict(INDONESIAN_LINK))
    chosen = {"year": [2019], "field": ["arts_culture", "tourism"], "direction": "outbound"}
    assert filters_of(at) == {"lang": "id", **chosen}

    at.switch_page(page).run()
    no_exception(at)
    assert [widget.key for widget in at.multiselect] == []
    assert [widget.key for widget in at.radio] == []
    assert [widget.key for widget in at.selectbox if widget.key == "partner"] == []
    assert toml_catalogue("id")["filters.title"] not in [text.value.strip("*") for text in at.sidebar.markdown]
    switch_to_english(at)
    no_exception(at)
    assert at.title[0].value in (toml_catalogue("en")["auth.title"], toml_catalogue("en")["upload.title"])

    at.switch_page("views/participation.py").run()
    no_exception(at)
    assert filters_of(at) == {"lang": "en", **chosen}
    assert at.multiselect(key="field").values == ["Arts and culture", "Tourism"]
    assert at.query_params["field"] == ["arts_culture", "tourism"]
    assert at.query_params["direction"] == "outbound"
    assert not ignored_notice(at, "en")
