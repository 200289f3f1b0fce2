"""Text inside a Markdown element (st.caption, st.warning, ...) shown as it was typed.

Streamlit renders those elements as GitHub-flavoured Markdown, which turns marks into emphasis, code, links
and maths, and bare addresses ("www.…", "https://…", "name@host") into links even where their marks are
escaped (checked in Chromium). Two ways out, each for its kind of text:

- ``markdown_text`` for sentences that may hold workbook codes (letters, digits, "-", "_", "."): marks are
  escaped, and an address-like word is written as code, which is never linked ("www.evil.example" is a
  valid indicator code);
- ``code_span`` for a value from outside read as a value (a link's parameter): written as code, whatever it
  holds, on one line.
"""

from __future__ import annotations

import re

# Each inline mark written as itself: "_KC_KT_" would turn italic. None occurs in the catalogue's own
# sentences, which read the same either way.
_MARKDOWN_MARKS = str.maketrans({mark: "\\" + mark for mark in "\\`*_[]$~"})
# What GitHub's Markdown links by itself (its "autolink literals"): a word starting "www.", an address with a
# scheme, an e-mail address.
_ADDRESS = re.compile(r"(?i)(?:\bwww\.|\b[a-z][a-z0-9+.-]*://|[\w.+-]+@)\S*?(?=[.,;:!?)\]。，；）]*(?:\s|$))")
_BACKTICKS = re.compile(r"`+")


def code_span(text: object) -> str:
    """``text`` as one Markdown code span: shown as typed, never a link, emphasis or heading. Line breaks
    become spaces (a code span cannot hold one); the fence is longer than any run of backticks inside."""
    line = " ".join(str(text).split())
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(line)), default=0) + 1)
    return f"{fence} {line} {fence}"  # one space inside each fence, which Markdown removes


def markdown_text(text: str) -> str:
    """``text`` for a Markdown element, shown as it is: emphasis, code, links and maths marks escaped, and
    each address-like word written as code."""
    parts, start = [], 0
    for found in _ADDRESS.finditer(text):
        parts += [text[start:found.start()].translate(_MARKDOWN_MARKS), code_span(found.group())]
        start = found.end()
    parts.append(text[start:].translate(_MARKDOWN_MARKS))
    return "".join(parts)
