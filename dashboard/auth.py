"""Who is an analyst: local accounts (etl.accounts), or OIDC through st.login when configured.

Browsing needs no sign-in and no secret. The navigation shows the Upload
page only to analysts, and the page checks the role again itself, because
its URL can be opened directly.
"""

from __future__ import annotations

import streamlit as st

from dashboard.context import PageContext
from dashboard.theme import ask_focus, focus_part
from etl.accounts import SignInGuard, read_accounts
from etl.warehouse import Warehouse

SESSION_KEY = "analyst"
SIGNED_OUT_KEY = "analyst_signed_out"


def _secrets() -> dict:
    try:
        return st.secrets.to_dict()
    except Exception:  # no secrets file: browsing works without one
        return {}


def oidc_configured() -> bool:
    """An [auth] section in the secrets turns on sign-in with the organisation's identity provider."""
    return bool(_secrets().get("auth"))


def guard() -> SignInGuard:
    """The sign-in guard beside the warehouse. It keeps nothing in memory: the count lives in
    data/signins.state.json, so a new tab, another server process or a restart does not reset it."""
    return SignInGuard(log_path=Warehouse().directory / "signins.log")


def current_analyst() -> str | None:
    """The signed-in analyst's name, or None."""
    if oidc_configured():
        user = st.user
        if not user.is_logged_in:
            return None
        allowed = {str(email).lower() for email in _secrets().get("analyst_emails", [])}
        email = str(user.get("email", "")).lower()
        return email if email in allowed else None
    return st.session_state.get(SESSION_KEY)


def sign_in_form(ctx: PageContext) -> None:
    """Local accounts: name and password; OIDC: the provider's sign-in button."""
    if oidc_configured():
        if st.button(ctx.t("auth.sign_in_oidc"), type="primary"):
            st.login()
        if st.user.is_logged_in and current_analyst() is None:
            st.error(ctx.t("auth.not_an_analyst"))
        return
    accounts = read_accounts()
    if not accounts:
        st.info(ctx.t("auth.no_accounts"))
    with st.form("sign-in"):
        name = st.text_input(ctx.t("auth.name"), key="sign-in-name").strip().lower()
        password = st.text_input(ctx.t("auth.password"), type="password", key="sign-in-password")
        submitted = st.form_submit_button(ctx.t("auth.sign_in"), type="primary")
    if not submitted:
        return
    with st.spinner(ctx.t("auth.checking")):
        attempt = guard().attempt(name, password, accounts)  # a locked name is refused before any check
    if attempt.ok:
        st.session_state[SESSION_KEY] = name
        ask_focus("signed-in")  # the form it replaces had the focus
        st.rerun()
    if attempt.status == "unavailable":
        st.error(ctx.t("auth.unavailable"))
        return
    if attempt.status == "failed":
        st.error(ctx.t("auth.failed", count=attempt.failures))
    if attempt.locked_for > 0:
        st.error(ctx.t("auth.locked", minutes=max(1, round(attempt.locked_for / 60))))


def sign_out() -> None:
    """Sign the session out; the next run says so (show_signed_out). What the session holds of an upload is
    dropped by the caller (dashboard.upload.forget_work: that module is not imported by every page's start)."""
    if oidc_configured():
        st.logout()
    st.session_state.pop(SESSION_KEY, None)
    st.session_state[SIGNED_OUT_KEY] = True
    ask_focus("signed-out")  # the button that had the focus is gone


def show_signed_out(ctx: PageContext) -> None:
    """After a sign-out, once: that it took place, and that the work in hand is gone with it."""
    if st.session_state.pop(SIGNED_OUT_KEY, False):
        with focus_part("signed-out"):
            st.success(ctx.t("auth.signed_out"), icon=":material/logout:")
