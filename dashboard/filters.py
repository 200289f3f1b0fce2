"""Global filters and language, in the URL so a copied link reopens the same view.

The URL speaks the filter vocabulary of dashboard.params: lang, year
(repeated), partner, field (repeated) and direction, with codes that mean
the same in every language; a value equal to the default stays out. The
language and the years are bound by Streamlit (``bind="query-params"``:
their options are codes and numbers already). Partner, fields and direction
show labels, and a bound widget writes the label it shows, so these three
are synced with the URL here: seeded from it on a session's first run (a
code, or a label in any language from a link of an earlier release), and
written back as codes on every run. Before the widgets are drawn, the raw
parameters are compared with the accepted values so the reader is told when
part of a link could not be applied, instead of silently seeing something
else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import streamlit as st

from dashboard import params
from dashboard.literal import code_span
from etl import schema
from translations import DEFAULT_LANGUAGE, LANGUAGE_NAMES, LANGUAGES, format_list, translate, year_span

if TYPE_CHECKING:
    import pandas as pd

DIRECTIONS = params.DIRECTIONS
PARAMS = params.FILTER_PARAMS


@dataclass(frozen=True)
class Filters:
    """What the reader chose; every query takes one of these."""

    years: tuple[int, ...]
    partner: str
    fields: tuple[str, ...]
    direction: str
    lang: str


@dataclass(frozen=True)
class Available:
    """What the warehouse holds, offered as filter options."""

    years: tuple[int, ...]
    partners: tuple[str, ...]

    @staticmethod
    def of(options: pd.DataFrame) -> Available:
        """From the "available" query's answer (kind, value)."""
        return Available(years=tuple(int(v) for v in options.loc[options["kind"] == "year", "value"]),
                         partners=tuple(options.loc[options["kind"] == "partner", "value"]))


def default_partner(available: Available) -> str:
    partners = available.partners or (schema.DEFAULT_PARTNER_CITY,)
    return schema.DEFAULT_PARTNER_CITY if schema.DEFAULT_PARTNER_CITY in partners else partners[0]


def default_filters(available: Available, lang: str = DEFAULT_LANGUAGE) -> Filters:
    """The view of a link that chooses nothing: the sidebar's defaults (every year and field, both ways)."""
    return Filters(tuple(sorted(available.years)), default_partner(available), tuple(schema.FIELD.codes), "both",
                   lang)


def current_language() -> str:
    """The language of this run (before the sidebar is drawn, from the URL)."""
    lang = st.session_state.get("lang") or st.query_params.get("lang")
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


# A value of the link that could not be applied: (its parameter, the value as typed).
Ignored = tuple[str, str]


def _unknown_values(key: str, accepted: list[str]) -> list[Ignored]:
    return [(key, value) for value in st.query_params.get_all(key) if value and value not in accepted]


# Widgets whose options are shown as labels in the current language. Streamlit keeps
# the label shown, so after a language switch each must be set again to its value.
# The filters are here; other widgets register with labelled(key) where they are made.
LABELLED_WIDGETS: set[str] = {"partner", "field", "direction"}


def labelled(key: str) -> str:
    """Mark a widget key as showing language-dependent labels (see _relabel_on_language_change)."""
    LABELLED_WIDGETS.add(key)
    return key
_LAST_LANGUAGE = "_filters_last_language"


def _relabel_on_language_change(lang: str) -> None:
    """Re-set the labelled widgets when the language changes, so the URL carries the new labels.

    The binding writes the label shown (the formatted option) into the URL.
    Without this, a link copied after switching language would hold labels of
    the previous language, which the next visitor's app would not recognise.
    """
    previous = st.session_state.get(_LAST_LANGUAGE)
    if previous is not None and previous != lang:
        for key in sorted(LABELLED_WIDGETS):
            if key in st.session_state:
                value = st.session_state[key]
                st.session_state[key] = list(value) if isinstance(value, list) else value
    st.session_state[_LAST_LANGUAGE] = lang


_LAST_YEARS = "_filters_all_years"


def _follow_new_years(years: list[int]) -> None:
    """A reader who kept "every year" also gets a year loaded while the page was open.

    Set through the Session State API, so the browser's widget follows (dropping
    the state instead is undone by the value the browser sends back). The widget
    keeps its default too, so "every year" stays out of the URL: that pairing is
    deliberate, and .streamlit/config.toml turns off Streamlit's advisory warning
    about it.
    """
    previous = st.session_state.get(_LAST_YEARS)
    if previous is not None and previous != years and "year" in st.session_state \
            and set(st.session_state["year"]) == set(previous):
        st.session_state["year"] = list(years)
    st.session_state[_LAST_YEARS] = list(years)


def _from_link(name: str, accepted: list[str]) -> tuple[list[str], list[Ignored]]:
    """(codes, values that could not be applied) of a parameter of the link; labels become codes."""
    codes: list[str] = []
    ignored: list[Ignored] = []
    for value in st.query_params.get_all(name):
        if not value:
            continue
        code = params.dashboard_code(name, value)
        if code in accepted:
            codes.append(code)
        else:
            ignored.append((name, value))
    return codes, ignored


def _seed(key: str, value: object) -> None:
    """A widget's value on the session's first run (later runs keep what the reader chose)."""
    if key not in st.session_state:
        st.session_state[key] = value


def _seed_from_link(partners: list[str], default_partner: str) -> list[Ignored]:
    """Partner, fields and direction from the link (codes or old labels); what could not be applied."""
    partner, bad_partner = _from_link(params.PARTNER, partners)
    fields, bad_fields = _from_link(params.FIELD, list(schema.FIELD.codes))
    direction, bad_direction = _from_link(params.DIRECTION, list(DIRECTIONS))
    cleared = params.FIELD in st.query_params and not any(st.query_params.get_all(params.FIELD))
    _seed("partner", partner[0] if partner else default_partner)
    _seed("field", [] if cleared else (list(dict.fromkeys(fields)) or list(schema.FIELD.codes)))
    _seed("direction", direction[0] if direction else DIRECTIONS[0])
    return bad_partner + bad_fields + bad_direction


def _write_link(partner: str, default_partner: str, fields: list[str], direction: str) -> None:
    """The three synced filters back into the URL, as codes; a default stays out."""
    def put(name: str, value: str | list[str] | None) -> None:
        if value is None:
            st.query_params.pop(name, None)
        elif st.query_params.get_all(name) != (value if isinstance(value, list) else [value]):
            st.query_params[name] = value

    put(params.PARTNER, None if partner == default_partner else partner)
    chosen = [code for code in schema.FIELD.codes if code in fields] or ""  # "": every field deselected
    put(params.FIELD, None if schema.FIELD.covers(fields) else chosen)
    put(params.DIRECTION, None if direction == DIRECTIONS[0] else direction)


# A filter's choice outlives a page without filters (upload, sign-in), for the next page that has them.
KEEP = "session"


def render_sidebar(available: Available, *, with_filters: bool = True) -> Filters:
    """Draw the language and filter widgets in the sidebar and return the chosen filters.

    Parameters of the link that cannot be applied are collected before the
    widgets are drawn (a bound widget drops them from the URL) and named in
    one warning. A page the filters do not act on (upload, sign-in) gets the
    language alone: filters there would seem to narrow something; the
    reader's choices wait for the next page that has them (each filter
    widget keeps its state for the session: ``persist_state``).
    """
    ignored = _unknown_values("lang", list(LANGUAGES))
    partners = list(available.partners) or [schema.DEFAULT_PARTNER_CITY]
    partner_default = default_partner(available)
    ignored += _seed_from_link(partners, partner_default)
    with st.sidebar:
        lang = _language_widget()
        drawn = _filter_widgets(lang, available, partners, partner_default) if with_filters else None
    if drawn is None:
        _warn_ignored(lang, ignored)  # the link's values are never applied on this page
        return _kept_filters(available, lang)
    filters, unloaded_years = drawn
    _write_link(filters.partner, partner_default, list(filters.fields), filters.direction)
    _warn_ignored(lang, ignored + unloaded_years)
    return filters


def _filter_widgets(lang: str, available: Available, partners: list[str],
                    partner_default: str) -> tuple[Filters, list[Ignored]]:
    """The filter widgets under their heading: (the chosen filters, years of the link that are not loaded)."""
    st.markdown(f"**{translate(lang, 'filters.title')}**")  # not a heading: the page's h1 comes first
    years, unloaded_years = _years_widget(lang, list(available.years))
    partner = _partner_widget(lang, partners) or partner_default
    fields = _fields_widget(lang)
    direction = _direction_widget(lang)
    return Filters(tuple(sorted(years)), partner, tuple(fields), direction, lang), unloaded_years


# The name a parameter of the link goes by in the sidebar, for the notice naming what was left out.
PARAMETER_NAMES = {params.LANG: "filters.language", params.YEAR: "filters.years", params.PARTNER: "filters.partner",
                   params.FIELD: "filters.fields", params.DIRECTION: "filters.direction"}


def ignored_values(lang: str, ignored: list[Ignored]) -> str:
    """What the link asked for and did not get, each value under the filter it was meant for, in the sidebar's
    order ("Program years `1980`; Fields of cooperation `Nonsense`"): "1980, Nonsense" left the reader to
    guess which filter each was. Each value is typed by whoever made the link: shown as typed (a code span),
    never as a link or markup."""
    parts = []
    for parameter in PARAMS:
        values = sorted({value for name, value in ignored if name == parameter})
        if values:
            parts.append(f"{translate(lang, PARAMETER_NAMES[parameter])} {', '.join(map(code_span, values))}")
    return translate(lang, "filters.ignored_join").join(parts)


def _warn_ignored(lang: str, ignored: list[Ignored]) -> None:
    if ignored:
        st.warning(translate(lang, "filters.ignored", values=ignored_values(lang, ignored)),
                   icon=":material/link_off:")


def _kept_filters(available: Available, lang: str) -> Filters:
    """The filters as the reader left them (the defaults on a first visit), for a page without filters."""
    default = default_filters(available, lang)
    return Filters(tuple(sorted(st.session_state.get("year", default.years))),
                   st.session_state.get("partner", default.partner),
                   tuple(st.session_state.get("field", default.fields)),
                   st.session_state.get("direction", default.direction), lang)


def _labels(vocabulary: schema.Vocabulary, lang: str) -> Callable[[str], str]:
    return lambda code: vocabulary.label(code, lang)


def _language_widget() -> str:
    lang = st.segmented_control(
        "Bahasa · Language · 语言", options=list(LANGUAGES), default=DEFAULT_LANGUAGE, key="lang",
        bind="query-params", required=True, help=" · ".join(LANGUAGE_NAMES.values())) or DEFAULT_LANGUAGE
    _relabel_on_language_change(lang)
    return lang


def _years_widget(lang: str, years: list[int]) -> tuple[list[int], list[Ignored]]:
    """(the chosen years, years of the link that are not loaded)."""
    _follow_new_years(years)
    ignored = _unknown_values("year", [str(year) for year in years])
    chosen = st.multiselect(translate(lang, "filters.years"), years, default=years, key="year",
                            bind="query-params", persist_state=KEEP, placeholder=translate(lang, "filters.none"))
    return chosen, ignored


def _partner_widget(lang: str, partners: list[str]) -> str | None:
    """A choice only when the warehouse holds more than one partner city."""
    if len(partners) < 2:
        return None
    return st.selectbox(translate(lang, "filters.partner"), partners, key="partner", persist_state=KEEP,
                        format_func=_labels(schema.PARTNER_CITY, lang))


def _fields_widget(lang: str) -> list[str]:
    return st.multiselect(translate(lang, "filters.fields"), list(schema.FIELD.codes), key="field", persist_state=KEEP,
                          format_func=_labels(schema.FIELD, lang), placeholder=translate(lang, "filters.none"),
                          help=translate(lang, "filters.fields_help"))


def _direction_widget(lang: str) -> str:
    labels = {"both": translate(lang, "filters.direction_both")} | schema.DIRECTION.labels(lang)
    return st.radio(translate(lang, "filters.direction"), list(DIRECTIONS), key="direction", persist_state=KEEP,
                    format_func=labels.__getitem__, help=translate(lang, "filters.direction_help")) or "both"


def _view_of(filters: Filters) -> params.View:
    """The filters as the shared vocabulary of codes (dashboard.params)."""
    return params.View(filters.lang, tuple(filters.years), filters.partner, tuple(filters.fields), filters.direction)


def link_query(filters: Filters, available: Available) -> list[tuple[str, str]]:
    """The parameters of a link to this view: codes, the same in every language; defaults left out."""
    query = _view_of(filters).query(available.years)
    if set(filters.years) != set(available.years) and not filters.years:
        query.append((params.YEAR, ""))  # every year deselected: said explicitly
    if not filters.fields:
        query.append((params.FIELD, ""))
    return query


# Pages whose figures are partly or wholly not narrowed by the direction (only participants travel in one),
# and the sentence saying what it leaves out.
DIRECTION_NOT_APPLIED = {"overview": "filters.direction_not_overview", "activities": "filters.direction_not_activities",
                         "benefits": "filters.direction_not_benefits"}


def direction_note(filters: Filters, page: str) -> str:
    """While a direction is chosen, what it does not narrow on ``page``; "" with both directions or on a page
    it narrows whole. The filter's help says it too, but the 17 activities of "Jakarta to partner city"
    read as Jakarta's visits."""
    if filters.direction == params.DEFAULT_DIRECTION or page not in DIRECTION_NOT_APPLIED:
        return ""
    return translate(filters.lang, DIRECTION_NOT_APPLIED[page],
                     direction=schema.DIRECTION.label(filters.direction, filters.lang))


def filter_line(filters: Filters) -> str:
    """The compact line of active filters shown instead of the sidebar while presenting, on the printed
    report and under an embedded chart: a run of years by its ends (ten years listed ran to a second line)."""
    lang = filters.lang
    years = year_span(filters.years, lang) or "–"
    fields = (translate(lang, "present.all_fields") if schema.FIELD.covers(filters.fields)
              else format_list((schema.FIELD.label(code, lang) for code in filters.fields), lang) or "–")
    direction = (translate(lang, "filters.direction_both") if filters.direction == DIRECTIONS[0]
                 else schema.DIRECTION.label(filters.direction, lang))
    return " · ".join([years, schema.PARTNER_CITY.label(filters.partner, lang), fields, direction])
