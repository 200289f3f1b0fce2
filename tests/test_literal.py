"""Text from outside in a Markdown element: the rules dashboard.literal writes it by (the browser tests
tests/e2e/test_browse.py and test_chart_markup.py read the result in Chromium)."""

from __future__ import annotations

import json

import pytest

from dashboard.literal import code_span, markdown_text
from dashboard.theme import FRAMEWORK_PREFIXES, FRAMEWORK_WORDS, css_string, framework_words, widget_words
from translations import LANGUAGES


@pytest.mark.parametrize(("typed", "written"), [
    ("1900", "` 1900 `"),
    ("[Klik](https://evil.example)", "` [Klik](https://evil.example) `"),
    ("x\n# Judul", "` x # Judul `"),  # a line break would end the span and start a heading
    ("a `b` c", "`` a `b` c ``"),  # the fence is longer than any run of backticks inside
    ("``", "``` `` ```"),
])
def test_a_value_is_one_code_span_whatever_it_holds(typed: str, written: str) -> None:
    assert code_span(typed) == written


@pytest.mark.parametrize(("text", "written"), [
    ("_KC_KT_ 66.7% (2017)", "\\_KC\\_KT\\_ 66.7% (2017)"),
    ("www.evil.example 37 (2017).", "` www.evil.example ` 37 (2017)."),  # the sentence's full stop stays out
    ("see https://evil.example/login), then", "see ` https://evil.example/login `), then"),
    ("ask siti@evil.example.", "ask ` siti@evil.example `."),
    ("LOK-KT-01 3.8 x.y", "LOK-KT-01 3.8 x.y"),  # codes and decimals that link nothing are left as they are
])
def test_marks_are_escaped_and_addresses_written_as_code(text: str, written: str) -> None:
    assert markdown_text(text) == written


def test_catalogue_words_written_into_css_stay_one_string() -> None:
    """The words that replace Streamlit's English ones are written into a <style> element (dashboard.theme):
    a quote, a backslash or "</style>" in a translation must stay inside its CSS string."""
    assert css_string('a "b" \\ </style>') == '"a \\"b\\" \\\\ \\3c /style>"'
    for lang in LANGUAGES:
        style = widget_words(lang)
        assert style.count("<") == 2 and style.count('content: "') == 2, lang


def test_streamlits_own_words_are_given_in_every_language() -> None:
    """The words the page's script says in place of Streamlit's English ones (dashboard.theme): one for each
    word and prefix in every language, English saying Streamlit's own, each prefix keeping its label."""
    for lang in LANGUAGES:
        words = json.loads(framework_words(lang))
        assert set(words["exact"]) == set(FRAMEWORK_WORDS), lang
        assert [prefix for prefix, _ in words["prefixed"]] == list(FRAMEWORK_PREFIXES), lang
        assert all(said.count("{label}") == 1 for _, said in words["prefixed"]), lang
    english = json.loads(framework_words("en"))
    assert all(said == word for word, said in english["exact"].items())
    assert [said.replace("{label}", "") for _, said in english["prefixed"]] == list(FRAMEWORK_PREFIXES)
