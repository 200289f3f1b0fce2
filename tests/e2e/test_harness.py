"""The harness's sign that an interaction made the app run: messages from the server, counted in the page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page

from .harness import RunningApp, after_interaction, open_page, server_messages, wait_for_app


def test_a_rerun_that_draws_nothing_is_still_seen(page: Page, dashboard: RunningApp) -> None:
    """Clearing every field is a fast run with nothing to draw: the run the bench once failed to notice."""
    open_page(page, dashboard.url("/", "lang=en"))
    before = server_messages(page)
    assert before > 0, "the first run's messages were not counted"
    fields = page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").nth(1)
    after_interaction(page, fields.get_by_role("button", name=re.compile("clear all", re.I)).first.click)
    assert server_messages(page) > before
    assert "field=" in page.url  # the run wrote the empty choice into the link


def test_what_is_not_a_rerun_sends_nothing(page: Page, dashboard: RunningApp) -> None:
    open_page(page, dashboard.url("/", "lang=en"))
    before = server_messages(page)
    page.get_by_role("heading", level=1).click()  # no widget: nothing for the server to do
    page.wait_for_timeout(1000)
    wait_for_app(page)
    assert server_messages(page) == before


def test_a_page_the_harness_did_not_open_is_refused(browser: Browser, dashboard: RunningApp) -> None:
    context = browser.new_context()
    try:
        plain = context.new_page()
        plain.goto(dashboard.url("/"))
        with pytest.raises(AssertionError, match=r"harness\.new_context"):
            server_messages(plain)
    finally:
        context.close()
