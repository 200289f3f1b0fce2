"""Who is an analyst: local accounts (etl.accounts), or OIDC through st.login when configured.

Browsing needs no sign-in and no secret. The navigation shows the Upload
page only to analysts, and the page checks the role again itself, because
its URL can be opened directly. A sign-in left unused ends by itself
(idle_minutes), and with it the workbook in hand.
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING

import streamlit as st

from dashboard.context import PageContext
from dashboard.theme import ask_focus, focus_part, withdraw_focus
from etl.accounts import SignInGuard, idle_minutes, read_accounts
from etl.warehouse import Warehouse

if TYPE_CHECKING:
    from streamlit.delta_generator import DeltaGenerator

SESSION_KEY = "analyst"
SIGNED_OUT_KEY = "analyst_signed_out"  # why the last sign-in ended ("asked", "idle"), said once
ACTIVE_KEY = "analyst_active_at"  # time.monotonic() of the signed-in session's last run
# How often a signed-in page looks whether its sign-in runs out: a sixth of the idle time, between 1 s and a
# minute (a sign-in of 30 minutes ends 30 to 31 minutes after its last action) ...
IDLE_CHECKS = 6
IDLE_CHECK_MIN_S, IDLE_CHECK_MAX_S = 1.0, 60.0
# ... and warns, with a button that keeps it, this long before at least (WCAG 2.2.1: 20 s to extend a time
# limit; two checks' time, two minutes for 30): a warning drawn at a check is up for a check's time at least.
IDLE_WARNING_MIN_S = 20.0


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


def current_analyst(*, renew: bool = True) -> str | None:
    """The signed-in analyst's name, or None. A sign-in unused for idle_minutes() ends here. A run of the whole
    page is a reader's action and ``renew``s it; a slideshow's page turn does not (the navigation says which),
    nor does a page's check of the time (end_when_idle), which runs alone."""
    analyst = _signed_in()
    if analyst is None:
        return None
    now = time.monotonic()
    if now - st.session_state.get(ACTIVE_KEY, now) > idle_minutes() * 60:
        sign_out(idle=True)
        return None
    if renew or ACTIVE_KEY not in st.session_state:
        st.session_state[ACTIVE_KEY] = now
    return analyst


def end_when_idle(ctx: PageContext) -> None:
    """A timer on every page of a signed-in session (the Upload page's top, the sidebar elsewhere): a sign-in
    about to run out says so, with a button that keeps it (WCAG 2.2.1, wherever the analyst is); one that runs
    out ends when it does, and the page is drawn again without it, not left on an unattended screen (a year's
    personal data on the Upload page) until the next action."""
    seconds = idle_minutes() * 60
    every = min(max(seconds / IDLE_CHECKS, IDLE_CHECK_MIN_S), IDLE_CHECK_MAX_S)
    warn_within = max(2 * every, IDLE_WARNING_MIN_S + every)

    @st.fragment(run_every=every)
    def check() -> None:
        last = st.session_state.get(ACTIVE_KEY)
        if last is None:
            return
        left = seconds - (time.monotonic() - last)
        if left < 0:
            st.rerun(scope="app")  # the page's run signs out (current_analyst)
        if left <= warn_within:
            period = ctx.minutes(max(1, math.ceil(left / 60)))
            st.warning(ctx.t("auth.idle_warning", period=period), icon=":material/timer:")
            st.button(ctx.t("auth.stay_signed_in"), on_click=_renew, key="stay-signed-in")
            # Said where the analyst is too, in a few words (a longer toast is cut, with an English "view
            # more"): the warning stands at the page's top, above a long preview.
            st.toast(ctx.t("auth.idle_toast", period=period), icon=":material/timer:", duration="long")

    check()


# The pages that time their sign-in themselves (at their top), and those that say in their place that it ended.
PAGES_TIMING_THEMSELVES = frozenset({"upload"})
PAGES_SAYING_THE_END = frozenset({"upload", "signin"})


def notes_slot(signed_in: bool) -> DeltaGenerator | None:
    """A place under the navigation for the sign-in's notes (sign_in_notes), made only in a session that is or
    was signed in: a public reader's has none."""
    if signed_in or SIGNED_OUT_KEY in st.session_state:
        return st.sidebar.container(key="account-notes")
    return None


def sign_in_notes(ctx: PageContext, *, signed_in: bool, page: str) -> None:
    """The sign-in's timer on a page that does not time it itself; or, once signed out, that it ran out, on a page
    that does not say so in its place. ``page`` is the page's URL path."""
    if signed_in:
        if page not in PAGES_TIMING_THEMSELVES:
            end_when_idle(ctx)
    elif page not in PAGES_SAYING_THE_END:
        say_ended_here(ctx)


def say_ended_here(ctx: PageContext) -> None:
    """On a page other than sign-in and Upload (which say it in their place, taking the focus): a sign-in that
    ran out is said once under the navigation, which lost the Upload page, and in a toast where the analyst
    is; the focus stays where the reader has it."""
    if st.session_state.get(SIGNED_OUT_KEY) != "idle":
        return
    del st.session_state[SIGNED_OUT_KEY]
    withdraw_focus("signed-out")
    period = ctx.minutes(idle_minutes())
    st.info(ctx.t("auth.signed_out_idle", period=period), icon=":material/timer_off:")
    st.toast(ctx.t("auth.signed_out_toast", period=period), icon=":material/timer_off:", duration="long")


def _renew() -> None:
    st.session_state[ACTIVE_KEY] = time.monotonic()


def _signed_in() -> str | None:
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


def sign_out(*, idle: bool = False) -> None:
    """End the session's sign-in, asked for or ``idle``, and drop the workbook in hand with it: its check,
    report, preview and load button are not the next analyst's in this browser tab. The next run says so
    (show_signed_out)."""
    from dashboard import upload  # the analysts' module: imported here, not by every page's start

    upload.forget_work()
    if oidc_configured():
        st.logout()
    st.session_state.pop(SESSION_KEY, None)
    st.session_state.pop(ACTIVE_KEY, None)
    st.session_state[SIGNED_OUT_KEY] = "idle" if idle else "asked"
    ask_focus("signed-out")  # the button that had the focus, or the page's content, is gone


def show_signed_out(ctx: PageContext) -> None:
    """After a sign-out, once: that it took place (and why, when it ran out), and that the work in hand is gone
    with it."""
    reason = st.session_state.pop(SIGNED_OUT_KEY, None)
    if reason is None:
        return
    with focus_part("signed-out"):
        if reason == "idle":
            st.info(ctx.t("auth.signed_out_idle", period=ctx.minutes(idle_minutes())), icon=":material/timer_off:")
        else:
            st.success(ctx.t("auth.signed_out"), icon=":material/logout:")
