"""One filter vocabulary for links, the report's notes and the HTTP API.

Every shared form of a view names its filters the same way, with stable codes
that mean the same in every language:

    lang=zh&year=2018&field=arts_culture&direction=outbound&partner=beijing

- ``lang``: id (default), en, zh;
- ``year``: a loaded program year, repeated for several (none: every year);
- ``partner``: a partner city's code (default beijing);
- ``field``: a field's code, repeated (none: every field);
- ``direction``: both (default), outbound, inbound.

A value equal to the default stays out. Links made by earlier releases carried
labels in the sharer's language (``field=Seni+dan+budaya``): the dashboard
still reads them (``dashboard_code``), the API does not: it answers a label
with an error naming the code to use.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from etl import schema
from etl.problems import LocalList
from translations import DEFAULT_LANGUAGE, LANGUAGES, translate

LANG, YEAR, PARTNER, FIELD, DIRECTION = "lang", "year", "partner", "field", "direction"
FILTER_PARAMS = (LANG, YEAR, PARTNER, FIELD, DIRECTION)
# What each filter selects, as the API's index says it (dashboard.api; catalogue keys); the docstring above
# says the same.
FILTER_HELP = {LANG: "api.means_lang", YEAR: "api.means_year", PARTNER: "api.means_partner",
               FIELD: "api.means_field", DIRECTION: "api.means_direction"}
DIRECTIONS = ("both", *schema.DIRECTION.codes)
DEFAULT_DIRECTION = "both"
VOCABULARIES: dict[str, schema.Vocabulary] = {PARTNER: schema.PARTNER_CITY, FIELD: schema.FIELD,
                                              DIRECTION: schema.DIRECTION}
# Filters a table's rows cannot answer: obstacles are recorded without a field, and only participants travel
# in a direction (activities, benefits and obstacles concern both sides). Given, the API names them in its
# answer (not_applied, X-Not-Applied) and the glossary beside each figure, as the dashboard's help names
# them, and the rows are every field's or both sides'. A client may send one set of filters to every table,
# as the Data page's downloads do.
NOT_NARROWING: dict[str, tuple[str, ...]] = {"participants": (), "activities": (DIRECTION,),
                                             "benefits": (DIRECTION,), "obstacles": (FIELD, DIRECTION)}


def not_applied(sheet: str, fields: Sequence[str], direction: str) -> list[str]:
    """The filters given (some fields, not all; a direction) that narrow other sheets but not ``sheet``'s rows:
    what the API names in ``not_applied`` and the pages say beside the figures."""
    given = [FIELD] if fields and not schema.FIELD.covers(fields) else []
    given += [DIRECTION] if direction != DEFAULT_DIRECTION else []
    return [name for name in given if name in NOT_NARROWING[sheet]]


# The pages that draw charts, by their URL path (the Overview's is also the root's).
CHART_PAGES = ("overview", "participation", "activities", "benefits")
PUBLIC_PAGES = (*CHART_PAGES, "data", "glossary")  # the analysts' are dashboard.framing.ANALYST_PAGES


def whole_number(text: str) -> int | None:
    """A link's whole number written in ASCII digits, else None. str.isdigit alone also accepts "²" (which
    int() refuses) and "１" (which int() reads as 1): a link's numbers are written as URLs write them."""
    return int(text) if text.isascii() and text.isdigit() else None


def label_code(parameter: str, text: str) -> str | None:
    """The code a label in any language (or the code itself) stands for, or None."""
    key = schema.normalize_value(text)
    if parameter == DIRECTION and key in {schema.normalize_value(translate(lang, "filters.direction_both"))
                                          for lang in LANGUAGES} | {"both"}:
        return "both"
    vocabulary = VOCABULARIES.get(parameter)
    if vocabulary is None:
        return None
    return dict(schema.category_spellings(vocabulary)).get(key)


def dashboard_code(parameter: str, text: str) -> str | None:
    """A link's value as a code: a code as it is, or a label of an earlier release's link."""
    if parameter == DIRECTION and text in DIRECTIONS:
        return text
    vocabulary = VOCABULARIES.get(parameter)
    if vocabulary is not None and text in vocabulary.codes:
        return text
    return label_code(parameter, text)


@dataclass(frozen=True)
class View:
    """A view's filters as codes: what a link, the report's notes and the API carry."""

    lang: str = DEFAULT_LANGUAGE
    years: tuple[int, ...] = ()  # empty: every loaded year
    partner: str = schema.DEFAULT_PARTNER_CITY
    fields: tuple[str, ...] = ()  # empty: every field
    direction: str = DEFAULT_DIRECTION

    def query(self, all_years: Sequence[int] = ()) -> list[tuple[str, str]]:
        """The link's parameters, defaults left out (every year, every field)."""
        params: list[tuple[str, str]] = []
        if self.lang != DEFAULT_LANGUAGE:
            params.append((LANG, self.lang))
        if self.years and set(self.years) != set(all_years):
            params += [(YEAR, str(year)) for year in sorted(self.years)]
        if self.partner != schema.DEFAULT_PARTNER_CITY:
            params.append((PARTNER, self.partner))
        if self.fields and not schema.FIELD.covers(self.fields):
            params += [(FIELD, code) for code in schema.FIELD.codes if code in self.fields]
        if self.direction != DEFAULT_DIRECTION:
            params.append((DIRECTION, self.direction))
        return params


class ApiError(Exception):
    """An error the API answers with a message in the language the request asked for (``message``): a
    catalogue key and the values it is filled with. ``str()`` of it is the English message, for logs."""

    def __init__(self, key: str, /, **details: object):
        self.key = key
        self.details = details
        super().__init__(self.message("en"))

    def message(self, lang: str) -> str:
        """Details that depend on the language are callables taking it, as a validation problem's parameters
        (``etl.problems.LocalList``: "2017, 2018, 2019" in English, "2017、2018、2019" in Chinese)."""
        details = {name: value(lang) if callable(value) else value for name, value in self.details.items()}
        return translate(lang, self.key, **details)


class BadParameter(ApiError, ValueError):
    """A query parameter the API does not accept; the message names it and says what to use."""

    def __init__(self, parameter: str, value: str | None, key: str, /, **details: object):
        super().__init__(key, **details)
        self.parameter = parameter
        self.value = value


def request_language(query: Iterable[tuple[str, str]]) -> str:
    """The language a request's messages are written in: its lang if the dashboard speaks it (the first given),
    else the default (an error about lang itself too)."""
    lang = next((value for name, value in query if name == LANG), DEFAULT_LANGUAGE)
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def parse_api(query: Iterable[tuple[str, str]], years: Sequence[int], partners: Sequence[str],
              extra: Mapping[str, str] | None = None) -> tuple[View, dict[str, str]]:
    """Strict parsing for the API: codes only, every parameter known, every value valid.

    ``extra`` names the other parameters an endpoint accepts (e.g. limit); their raw
    values are returned for the endpoint to check. Raises BadParameter.
    """
    extra = dict(extra or {})
    values: dict[str, list[str]] = {}
    for name, value in query:
        if name not in FILTER_PARAMS and name not in extra:
            raise BadParameter(name, value, "api.unknown_parameter", name=name,
                               known=LocalList((*FILTER_PARAMS, *extra)))
        values.setdefault(name, []).append(value)
    for name, given in values.items():
        if name in extra or name in (YEAR, FIELD):
            continue
        if len(given) > 1:
            raise BadParameter(name, given[1], "api.repeated", name=name, count=len(given))
    lang = values.get(LANG, [DEFAULT_LANGUAGE])[0]
    if lang not in LANGUAGES:
        raise BadParameter(LANG, lang, "api.not_a_language", value=lang, accepted=LocalList(LANGUAGES))
    chosen_years: list[int] = []
    for text in values.get(YEAR, []):
        year = whole_number(text)
        if year is None or year not in years:
            raise BadParameter(YEAR, text, "api.not_a_year", value=text, accepted=LocalList(tuple(map(str, years))))
        chosen_years.append(year)
    partner = _code(PARTNER, values.get(PARTNER, [schema.DEFAULT_PARTNER_CITY])[0], partners)
    fields = [_code(FIELD, text, schema.FIELD.codes) for text in values.get(FIELD, [])]
    direction = _code(DIRECTION, values.get(DIRECTION, [DEFAULT_DIRECTION])[0], DIRECTIONS)
    view = View(lang, tuple(sorted(set(chosen_years))), partner, tuple(dict.fromkeys(fields)), direction)
    return view, {name: given[-1] for name, given in values.items() if name in extra}


def _code(parameter: str, text: str, accepted: Sequence[str]) -> str:
    if text in accepted:
        return text
    code = label_code(parameter, text)
    if code is not None and code in accepted:
        raise BadParameter(parameter, text, "api.a_label", name=parameter, value=text, code=code)
    raise BadParameter(parameter, text, "api.not_a_code", name=parameter, value=text,
                       accepted=LocalList(tuple(accepted)))
