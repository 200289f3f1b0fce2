"""Global filters and language, bound to the URL so a copied link reopens the same view.

Streamlit's widget query-param binding does the binding (``bind="query-params"``):
parameter names are lang, year (repeated), partner, field (repeated) and
direction; a value equal to the default stays out of the URL, and an
unknown value is dropped by Streamlit. Before the widgets are drawn, the
raw parameters are compared with the accepted values so the reader is told
when part of a link could not be applied, instead of silently seeing
something else.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from etl import schema
from translations import DEFAULT_LANGUAGE, LANGUAGE_NAMES, LANGUAGES, translate

DIRECTIONS = ("both", *schema.DIRECTION.codes)
PARAMS = ("lang", "year", "partner", "field", "direction")


@dataclass(frozen=True)
class Filters:
    """What the reader chose; every query takes one of these."""

    years: tuple[int, ...]
    partner: str
    fields: tuple[str, ...]
    direction: str
    lang: str

    @property
    def all_fields(self) -> bool:
        """No field narrowing (rows without a field, e.g. some benefits, stay in)."""
        return set(self.fields) == set(schema.FIELD.codes)

    @property
    def latest_year(self) -> int | None:
        return max(self.years) if self.years else None


@dataclass(frozen=True)
class Available:
    """What the warehouse holds, offered as filter options."""

    years: tuple[int, ...]
    partners: tuple[str, ...]


def current_language() -> str:
    """The language of this run (before the sidebar is drawn, from the URL)."""
    lang = st.session_state.get("lang") or st.query_params.get("lang")
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def _unknown_values(key: str, accepted: list[str]) -> list[str]:
    return [value for value in st.query_params.get_all(key) if value and value not in accepted]


def _labels(vocabulary: schema.Vocabulary, codes: list[str] | tuple[str, ...], languages: list[str]) -> list[str]:
    """Labels a link may hold: the current language's, and right after a switch the previous one's
    (the binding writes the new labels only when the widgets register)."""
    return [vocabulary.label(code, lang) for lang in languages for code in codes]


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


def render_sidebar(available: Available) -> Filters:
    """Draw the filter widgets in the sidebar and return the chosen filters."""
    ignored: list[str] = []
    ignored += _unknown_values("lang", list(LANGUAGES))
    with st.sidebar:
        lang = st.segmented_control(
            "Bahasa · Language · 语言", options=list(LANGUAGES), default=DEFAULT_LANGUAGE, key="lang",
            bind="query-params", required=True, help=" · ".join(LANGUAGE_NAMES.values())) or DEFAULT_LANGUAGE

        languages = [lang, *([previous] if (previous := st.session_state.get(_LAST_LANGUAGE)) else [])]
        _relabel_on_language_change(lang)

        def label(vocabulary: schema.Vocabulary):
            return lambda code: vocabulary.label(code, lang)

        st.header(translate(lang, "filters.title"))
        years = list(available.years)
        _follow_new_years(years)
        ignored += _unknown_values("year", [str(year) for year in years])
        chosen_years = st.multiselect(translate(lang, "filters.years"), years, default=years, key="year",
                                      bind="query-params", placeholder=translate(lang, "filters.none"))

        partners = list(available.partners) or [schema.DEFAULT_PARTNER_CITY]
        default_partner = (schema.DEFAULT_PARTNER_CITY if schema.DEFAULT_PARTNER_CITY in partners
                           else partners[0])
        unknown_partner = _unknown_values("partner", _labels(schema.PARTNER_CITY, partners, languages))
        ignored += unknown_partner
        if len(partners) > 1:
            partner = st.selectbox(translate(lang, "filters.partner"), partners,
                                   index=partners.index(default_partner), key="partner", bind="query-params",
                                   format_func=label(schema.PARTNER_CITY)) or default_partner
        else:
            partner = default_partner
            if unknown_partner:  # not bound while there is one partner: drop it from the link here
                st.query_params.pop("partner", None)

        ignored += _unknown_values("field", _labels(schema.FIELD, schema.FIELD.codes, languages))
        fields = st.multiselect(translate(lang, "filters.fields"), list(schema.FIELD.codes),
                                default=list(schema.FIELD.codes), key="field", bind="query-params",
                                format_func=label(schema.FIELD), placeholder=translate(lang, "filters.none"))

        direction_labels = {"both": translate(lang, "filters.direction_both")} | schema.DIRECTION.labels(lang)
        ignored += _unknown_values("direction", [translate(each, "filters.direction_both") for each in languages]
                                   + _labels(schema.DIRECTION, schema.DIRECTION.codes, languages))
        direction = st.radio(translate(lang, "filters.direction"), list(DIRECTIONS), index=0, key="direction",
                             bind="query-params", format_func=direction_labels.__getitem__,
                             help=translate(lang, "filters.direction_help")) or "both"
    if ignored:
        st.warning(translate(lang, "filters.ignored", values=", ".join(sorted(set(ignored)))), icon="🔗")
    return Filters(tuple(sorted(chosen_years)), partner, tuple(fields), direction, lang)
