"""An unexpected failure of a page, told in the reader's language (app.py: ``st.App(on_script_error=…)``).

Streamlit's own display of an uncaught exception is an English box ("This app has encountered an error. The
original error message is redacted…", with "Ask Google" and "Ask ChatGPT" on localhost), whatever the
page's language. The dashboard says instead, where the failure happened, that this part could not be drawn
and what to do, with a short reference that the server's log repeats beside Streamlit's traceback, so the
data team can find it. The exception's own text is never shown: it can hold data or paths.
"""

from __future__ import annotations

import logging
import secrets

import streamlit as st

from dashboard.filters import current_language
from translations import DEFAULT_LANGUAGE, translate

logger = logging.getLogger(__name__)


def show_failure(error: Exception) -> bool:
    """Streamlit's ``on_script_error`` handler: the notice in place of Streamlit's box (True suppresses it)."""
    reference = secrets.token_hex(4)
    # Streamlit has just logged the traceback; this line ties it to what the reader was shown.
    logger.error("The page failed with %s; the reader was given reference %s", type(error).__name__, reference)
    st.error(translate(_language(), "app.failure", reference=reference), icon=":material/error:")
    return True


def _language() -> str:
    try:
        return current_language()
    except Exception:  # the failure may be in reading the language itself
        return DEFAULT_LANGUAGE
