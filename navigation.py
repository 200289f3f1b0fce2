"""The script every browser session runs: language, filters (in the URL), navigation per role.

app.py serves it (with the HTTP API beside it); the page scripts in views/
only compose parts of the dashboard package. AppTest-driven tests run this
file, as the server does for each session.

The page scripts live in views/, not pages/: Streamlit 1.67 treats a folder
named pages/ beside the entry file as a legacy multipage app on every run,
so a shared deep link (/participation?...) would run the page script
without this file (no filters, no context). Measured with a browser test.
"""

from __future__ import annotations

import streamlit as st

from dashboard import db, presentation, theme, warmup
from dashboard.auth import current_analyst, notes_slot, sign_in_notes
from dashboard.components import framed_chart
from dashboard.context import PageContext, set_context
from dashboard.filters import Available, current_language, render_sidebar
from dashboard.missing_pages import missing_page_notice
from dashboard.queries import fetch
from translations import translate

warmup.settle_between_runs()  # first: the run's own objects are not made yet
lang = current_language()
st.set_page_config(page_title=translate(lang, "app.title"), page_icon="🤝", layout="wide")
theme.apply(lang)

try:
    reader = db.reader()  # read-only: app.py builds or upgrades the warehouse when the server starts
except Exception as error:  # a broken or missing warehouse must not show a traceback to readers
    st.error(translate(lang, "app.warehouse_unavailable", detail=type(error).__name__))
    st.stop()

available = Available.of(fetch(reader, "available"))
presenting = presentation.is_presenting()
framed = presentation.frame_target()  # shown in another site's <iframe>: content only
pages = [
    # The Overview is the app's root; "/overview" (its name in download file names) opens it too,
    # through a hidden page of the same script (the default page answers only at the root).
    st.Page("views/overview.py", title=translate(lang, "nav.overview"), icon=":material/dashboard:",
            url_path="home", default=True),
    st.Page("views/participation.py", title=translate(lang, "nav.participation"), icon=":material/groups:",
            url_path="participation"),
    st.Page("views/activities.py", title=translate(lang, "nav.activities"), icon=":material/event:",
            url_path="activities"),
    st.Page("views/benefits.py", title=translate(lang, "nav.benefits"), icon=":material/trending_up:",
            url_path="benefits"),
    st.Page("views/data.py", title=translate(lang, "nav.data"), icon=":material/table:", url_path="data"),
    st.Page("views/glossary.py", title=translate(lang, "nav.glossary"), icon=":material/menu_book:",
            url_path="glossary"),
]
# The navigation is built per role: only analysts see Upload. Its URL still resolves
# for everyone (hidden page), and the page checks the role itself before showing anything.
aliases = [st.Page("views/overview.py", title=translate(lang, "nav.overview"), url_path="overview",
                   visibility="hidden")]
signed_in = current_analyst(renew=not presentation.turned_by_slideshow()) is not None
analyst_pages = [
    st.Page("views/upload.py", title=translate(lang, "nav.upload"), icon=":material/upload_file:",
            url_path="upload", visibility="visible" if signed_in else "hidden"),
    # Signed in, the same page is the account's (who, and the way out): named so, not "sign-in" again.
    st.Page("views/signin.py", title=translate(lang, "auth.account" if signed_in else "nav.signin"),
            icon=":material/account_circle:" if signed_in else ":material/login:", url_path="signin"),
]
page = st.navigation({translate(lang, "nav.section_dashboard"): pages + aliases,
                      translate(lang, "nav.section_analysts"): analyst_pages},
                     position="hidden" if presenting or framed else "sidebar")
dashboard_page = page in pages or page in aliases
account_notes = notes_slot(signed_in)  # under the navigation, for an analyst's session only
# Drawn below the navigation whenever they are drawn. Upload and sign-in get the language alone.
filters = render_sidebar(available, with_filters=dashboard_page)
context = PageContext(reader, filters, presenting, framed=framed is not None)
missing_page_notice(filters.lang)
set_context(context)
page_name = page.url_path or "overview"  # the default page's path is the root
if account_notes is not None and not (presenting or framed):  # nothing of it on a projector or another site
    with account_notes:
        sign_in_notes(context, signed_in=signed_in, page=page_name)
if framed:
    presentation.frame_style()
    if framed != presentation.FRAME_PAGE and dashboard_page:
        framed_chart(context, page_name, framed)
        st.stop()
elif dashboard_page:  # presenter tools belong to the dashboard pages, not to sign-in and upload
    presentation.render_tools(context, available, page.url_path)
if presenting:
    presentation.presentation_bar(context, filtered=dashboard_page)
    if presentation.slideshow_running() and dashboard_page:
        position = pages.index(page) if page in pages else 0  # the "/overview" alias is the first page
        presentation.advance_slides(presentation.slideshow_seconds(), pages[(position + 1) % len(pages)])
page.run()
