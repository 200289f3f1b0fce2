"""Translations: message catalogues and locale-aware number formatting.

UI strings and validator messages live in one TOML catalogue per language
(``id.toml``, ``en.toml``, ``zh.toml``), flattened to dotted keys. Category
and column labels are not here: they come from ``etl.schema``. Numbers and
dates are formatted by Babel (CLDR data), so Indonesian gets ``1.234,5``.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_skeleton, format_time, get_month_names
from babel.lists import format_list as babel_format_list
from babel.numbers import format_compact_currency, format_currency, format_decimal, format_percent

LANGUAGES: tuple[str, ...] = ("id", "en", "zh")
DEFAULT_LANGUAGE = "id"
LANGUAGE_NAMES: dict[str, str] = {"id": "Bahasa Indonesia", "en": "English", "zh": "简体中文"}
BABEL_LOCALES: dict[str, str] = {"id": "id_ID", "en": "en_GB", "zh": "zh_Hans_CN"}

CATALOGUE_DIR = Path(__file__).parent


def _flatten(table: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, dotted + "."))
        else:
            flat[dotted] = str(value)
    return flat


# Chinese keeps a number with the word after it, as Chinese typesetting does (2020 年, 26 项, 30 天, 第 1 行): the
# space its catalogue, the schema and the metrics (etl.schema.Text) write after a placeholder or a digit, before
# a Han character, is a no-break one. A phone broke "4. 2020" from "年将发生的变化" in the Upload page's heading.
_SPACE_BEFORE_HAN = re.compile(r"(?<=[}\d]) (?=[\u3400-\u4dbf\u4e00-\u9fff])")


@cache
def catalogue(lang: str) -> dict[str, str]:
    """All messages of one language, by dotted key."""
    with open(CATALOGUE_DIR / f"{lang}.toml", "rb") as handle:
        messages = _flatten(tomllib.load(handle))
    return {key: typeset(text, lang) for key, text in messages.items()}


def typeset(text: str, lang: str) -> str:
    """Text as its language is set: Chinese keeps a number with the word after it (a no-break space)."""
    return _SPACE_BEFORE_HAN.sub("\u00a0", text) if lang == "zh" else text


def resolve_language(lang: str | None) -> str:
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def translate(lang: str, key: str, quantity: float | None = None, **params: object) -> str:
    """The message ``key`` in ``lang`` with ``{name}`` placeholders filled.

    A message about a number of things has plural forms: a table of the CLDR plural categories its
    language uses (English ``one`` and ``other``: "1 problem", "2 problems"; Indonesian and Chinese
    only ``other``). ``quantity`` is that number; the form is chosen by Babel's plural rules.

    A key missing from a catalogue falls back to English, then to the key
    itself; tests/test_translations.py keeps every catalogue complete.
    """
    lang = resolve_language(lang)
    text = _message(lang, key, quantity) or _message("en", key, quantity) or key
    return text.format(**params) if params else text


def plural_forms(lang: str) -> frozenset[str]:
    """The CLDR plural categories of a language: {"one", "other"} for English, {"other"} for Indonesian."""
    return frozenset(_locale(lang).plural_form.tags | {"other"})


def _message(lang: str, key: str, quantity: float | None) -> str | None:
    messages = catalogue(lang)
    if key in messages:
        return messages[key]
    form = "other" if quantity is None else _locale(lang).plural_form(abs(quantity))
    return messages.get(f"{key}.{form}") or messages.get(f"{key}.other")


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(BABEL_LOCALES[resolve_language(lang)])


def no_value(value: object) -> bool:
    """None, or NaN: what pandas holds for a missing number (a rate of a year without applicants, 0 ÷ 0),
    which Babel wrote as "NaN,0%" in a chart's sentence; or NaT, a missing date (NaN and NaT are unequal
    to themselves)."""
    return value is None or value != value


def format_number(value: float | int | None, lang: str, decimals: int = 0) -> str:
    """A number with the language's grouping and decimal marks (id: 1.234,5); "–" for no value."""
    if no_value(value):
        return "–"
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=BABEL_LOCALES[resolve_language(lang)])


def format_days(days: float, lang: str) -> str:
    """A period in days as the language says it: "1 day", "30 days", "0.5 days" in English, "0,5 hari" in
    Indonesian; whole days without decimals, a part of a day to two decimals at most (a retention of half a
    day read "0 days" on the pages)."""
    return _format_period(days, "duration.days", lang)


def format_minutes(minutes: float, lang: str) -> str:
    """A period in minutes, as format_days writes days: "1 minute", "30 minutes", "30 menit", "30 分钟"."""
    return _format_period(minutes, "duration.minutes", lang)


def _format_period(amount: float, key: str, lang: str) -> str:
    count = format_decimal(amount, format="#,##0.##", locale=BABEL_LOCALES[resolve_language(lang)])
    return translate(lang, key, quantity=amount, count=count)


def format_percentage(fraction: float | None, lang: str, decimals: int = 1) -> str:
    """0.034 -> '3,4%' in Indonesian, '3.4%' in English; "–" for no value."""
    if no_value(fraction):
        return "–"
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + "%"
    return format_percent(fraction, format=pattern, locale=BABEL_LOCALES[resolve_language(lang)])


def format_rupiah(value: float | int | None, lang: str) -> str:
    """An amount in rupiah without decimals: 'Rp 76.000.000' in Indonesian, 'IDR 76,000,000' in English;
    "–" for no value."""
    if no_value(value):
        return "–"
    return format_currency(value, "IDR", format="¤ #,##0", currency_digits=False,
                           locale=BABEL_LOCALES[resolve_language(lang)])


_SIGN_AGAINST_DIGIT = re.compile(r"^(-?)([^\d\s-]+)(?=\d)")  # "Rp" or "IDR" written against the first digit


def compact_rupiah(value: float, lang: str) -> str:
    """An amount abbreviated the language's way (CLDR), at most two decimals: 'Rp 174,5 jt', 'IDR 174.5m',
    'IDR 1.74亿'. Babel writes the sign against the digits ('IDR174.5m'), where CLDR's currency spacing, and
    format_rupiah beside it on the same screen, leave a space; here it is a no-break one (a tick label or a
    bar's text never breaks there)."""
    if no_value(value):
        return "–"
    text = format_compact_currency(value, "IDR", fraction_digits=2, locale=BABEL_LOCALES[resolve_language(lang)])
    return _SIGN_AGAINST_DIGIT.sub("\\1\\2\u00a0", text)


def format_measure(value: float | int | None, unit: str, lang: str, compact: bool = False) -> str:
    """A value in one of the workbooks' units (the schema's UNIT codes), as every table and chart shows it:
    83,3% · 3,8 · 6 · Rp 76.000.000 in Indonesian for percent, score, count and idr.

    ``compact`` shortens rupiah to the language's own abbreviation, with at most two decimals
    (Rp174 jt, IDR174m, IDR1.74亿): for a label on a bar, where the whole amount would not fit a phone.
    """
    if no_value(value):
        return "–"
    number = float(value)
    if unit == "percent":
        return format_percentage(number / 100, lang, 1)
    if unit == "score":
        return format_number(number, lang, 1)
    if unit == "idr" and compact:
        return compact_rupiah(number, lang)
    if unit == "idr":
        return format_rupiah(number, lang)
    return format_number(number, lang, 0 if number.is_integer() else 1)


def format_day(day: dt.date | None, lang: str) -> str:
    if day is None:
        return "–"
    return babel_format_date(day, format="medium", locale=BABEL_LOCALES[resolve_language(lang)])


# Jakarta keeps Western Indonesia Time (WIB), UTC+7 all year (no daylight saving since 1964): a fixed offset,
# which needs no time-zone database on the server. The warehouse keeps its moments in UTC.
JAKARTA_TIME = dt.timezone(dt.timedelta(hours=7), "WIB")


def jakarta_time(moment_utc: dt.datetime, seconds: bool = True) -> str:
    """A moment the warehouse keeps in UTC (without a zone) as Jakarta's clock read it: 2026-12-03 21:42:04.
    The reader is told the zone by the text around it (a column's name, ``history.moment``)."""
    local = moment_utc.replace(tzinfo=dt.UTC).astimezone(JAKARTA_TIME)
    return local.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def jakarta_moment(moment_utc: dt.datetime, lang: str) -> str:
    """A moment the warehouse keeps in UTC as a reader's own language writes Jakarta's day and time: 4 Des
    2026 20.29, 4 Dec 2026 20:29, 2026年12月4日 20:29. The text around it names the zone (WIB)."""
    local = moment_utc.replace(tzinfo=dt.UTC).astimezone(JAKARTA_TIME)
    clock = format_time(local.time(), format="short", locale=BABEL_LOCALES[resolve_language(lang)])
    return f"{format_day(local.date(), lang)} {clock}"


def format_date_part(day: dt.date, skeleton: str, lang: str) -> str:
    """A date by a CLDR skeleton, in the language's own order and month names: "MMMd" gives 6 Agu,
    6 Aug, 8月6日; "yMMM" gives Agu 2019, Aug 2019, 2019年8月."""
    return format_skeleton(skeleton, day, locale=BABEL_LOCALES[resolve_language(lang)])


def month_names(lang: str, width: str = "abbreviated") -> list[str]:
    """January to December as the language names them (CLDR): Agu, Aug, 8月 abbreviated."""
    names = get_month_names(width, locale=_locale(lang))
    return [names[month] for month in range(1, 13)]


def month_name(month: int, lang: str) -> str:
    """A month's name as running text writes it: April, April, 4月 (CLDR's wide Chinese names, 四月, are a
    calendar's)."""
    return month_names(lang, "abbreviated" if resolve_language(lang) == "zh" else "wide")[month - 1]


def joined_with_and(items: Sequence[object], lang: str) -> str:
    """A few items joined as the language writes "and" (CLDR): 'April and July', 'April dan Juli',
    '4月和7月'. For items within a bracketed note, where format_list's commas would run into the note's."""
    return babel_format_list([str(item) for item in items], locale=BABEL_LOCALES[resolve_language(lang)])


def display_width(text: str) -> int:
    """Width in character cells: a Chinese (wide or full-width) character takes two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def format_list(items: Iterable[object], lang: str) -> str:
    """An enumeration as the language writes it: '2019、2020' in Chinese (the enumeration comma),
    '2019, 2020' in Indonesian and English."""
    separator = "、" if resolve_language(lang) == "zh" else ", "
    return separator.join(str(item) for item in items)


def year_span(years: Iterable[int], lang: str) -> str:
    """Years as a heading, a caption and the line of filters write them: a run as its ends (2017–2026: ten
    years listed made a phone's caption three lines), others listed (2017, 2019)."""
    ordered = sorted(years)
    if len(ordered) > 1 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{ordered[0]}–{ordered[-1]}"
    return format_list(ordered, lang)


def colon_of(lang: str) -> str:
    """The colon between a label and its value: Chinese writes the full-width one, with no space."""
    return "：" if resolve_language(lang) == "zh" else ": "


# Brackets within brackets become square ones, as each language's style guide has it (EYD's tanda kurung
# siku, GB/T 15834's 方括号): "Achieved value (Score [1–5])", not "(Score (1–5))".
_INNER_BRACKETS = {"zh": str.maketrans("（）()", "［］［］"), "other": str.maketrans("()", "[]")}


def with_note(text: object, note: object, lang: str) -> str:
    """Text followed by a note in brackets, as the language writes it: '96（2017）' in Chinese (full-width
    brackets, no space), '96 (2017)' in Indonesian and English; a bracket within the note becomes square."""
    if resolve_language(lang) == "zh":
        return f"{text}（{str(note).translate(_INNER_BRACKETS['zh'])}）"
    return f"{text} ({str(note).translate(_INNER_BRACKETS['other'])})"


def sentences(*texts: str, lang: str) -> str:
    """Sentences one after another, as the language writes them (sentence_gap). Empty texts are left out."""
    return sentence_gap(lang).join(text for text in texts if text)


def sentence_gap(lang: str) -> str:
    """What stands between two sentences: after "。" Chinese needs no space ("。时期：…"), Indonesian and
    English one."""
    return "" if resolve_language(lang) == "zh" else " "


def label_value(label: str, value: object, lang: str) -> str:
    """'Label: value' as the language writes it ('单位：人' in Chinese)."""
    return f"{label}{colon_of(lang)}{value}"
