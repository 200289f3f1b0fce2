"""For presenters: the link of the current view, presentation mode and the slideshow.

Presentation mode lives in the URL as ``present=1`` (the issue's form, so it
is handled here rather than by widget binding, which would write "true"),
and the slideshow interval as ``slideshow=<seconds>``. Both are kept in the
link that "Share this view" shows, with the page, the filters and the language.
"""

from __future__ import annotations

import html
import math
import time
from urllib.parse import urlencode

import streamlit as st

from dashboard import framing
from dashboard.charts import Chart, page_charts
from dashboard.components import SMALLEST_PROJECTOR_SCREEN, embed_source_lines, framed_caption
from dashboard.context import PageContext
from dashboard.filters import Available, Filters, filter_line, labelled, link_query
from dashboard.framing import FRAME_PAGE, FRAME_PARAM
from dashboard.params import whole_number
from dashboard.report import build_report, report_file_name
from dashboard.theme import CHART_KEY, PRESENTING_FONT_PX, SCREEN_CHART_KEY
from translations import display_width

PRESENT_PARAM = "present"
SLIDESHOW_PARAM = "slideshow"
# frame=page shows a page, frame=<chart name> one chart, without sidebar or controls, for another site's
# <iframe> ("embed" itself is Streamlit's own parameter and cannot be read by the app): FRAME_PARAM,
# FRAME_PAGE (dashboard.framing, which lets only these forms be framed).
# Fixed style, no user data: nothing but the content, nothing to click that leaves the frame.
FRAME_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stExpander"], [data-testid="stDecoration"] { display: none !important; }
.stMainBlockContainer, [data-testid="stMainBlockContainer"] { max-width: 100% !important;
    padding: 0.5rem 1rem !important; }
</style>
"""
SLIDESHOW_CHOICES = (0, 15, 30, 60, 120)
TURNED_BY_SLIDESHOW = "turned_by_slideshow"  # set by a page turn, read by the run it starts
SLIDE_STARTED = "_slide_started"
SLIDESHOW_PAUSED = "slideshow-paused"  # the session's pause (the presentation bar's button); not in the link
# Fixed style, no user data: hide the controls and enlarge everything for a projector.
PRESENTATION_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"],
[data-testid="stExpander"], [data-testid="stToolbar"] { display: none !important; }
.stMainBlockContainer, [data-testid="stMainBlockContainer"] { max-width: 100% !important;
    padding-top: 1.5rem !important; }
html, [data-testid="stAppViewContainer"] { font-size: PRESENTING_FONT_PXpx; }
[data-testid="stMetric"] { container-type: inline-size; }
/* Large, but never wider than its card: "100.0%" in a quarter of a 1280-pixel projector was cut. */
[data-testid="stMetricValue"] { font-size: min(3.2rem, 26cqi) !important; }
h1 { font-size: 2.6rem !important; }
/* Below the smallest projector it is made for, a screen (a phone opening the presenter's link) keeps the
   page's text size and draws the page's figure of each chart; the projector's figure is hidden. */
@media (max-width: NARROWER_PXpx) {
  html, [data-testid="stAppViewContainer"] { font-size: 16px; }
  [class*="st-key-PROJECTOR_CHART_KEY"] { display: none !important; }
}
@media (min-width: SMALLEST_PROJECTOR_PXpx) { [class*="st-key-SCREEN_CHART_KEY"] { display: none !important; } }
</style>
"""
PRESENTATION_CSS = (PRESENTATION_CSS.replace("PRESENTING_FONT_PX", str(PRESENTING_FONT_PX))
                    .replace("NARROWER_PX", str(SMALLEST_PROJECTOR_SCREEN - 0.02))  # no gap between the two
                    .replace("SMALLEST_PROJECTOR_PX", str(SMALLEST_PROJECTOR_SCREEN))
                    .replace("PROJECTOR_CHART_KEY", CHART_KEY).replace("SCREEN_CHART_KEY", SCREEN_CHART_KEY))


FRAME_PAGE_HEIGHT = 900  # px of the suggested <iframe> of a whole page (it scrolls inside)
FRAME_CHART_EXTRA = 260  # px above and below a framed chart: heading, notices, source, paddings
# The caption, which grows with the chart's text alternative: its lines at a frame's text width, counted in
# character cells (a Chinese character takes two), with room for a frame narrower than the page.
FRAME_CAPTION_CELLS = 100
FRAME_CAPTION_LINE_PX = 23
PRESENTING_KEY = "present-toggle"  # the toggle's own state is the mode
SHARE_KEY = "share-popover"
SLIDESHOW_KEY = "slideshow-choice"


def is_presenting() -> bool:
    """From the link on a session's first run, then from the session (the toggle, "Leave")."""
    if PRESENTING_KEY not in st.session_state:
        st.session_state[PRESENTING_KEY] = st.query_params.get(PRESENT_PARAM) in ("1", "true")
    return bool(st.session_state[PRESENTING_KEY])


def slideshow_seconds() -> int:
    if st.session_state.get(SLIDESHOW_KEY) not in SLIDESHOW_CHOICES:
        value = st.query_params.get(SLIDESHOW_PARAM, "0")
        seconds = whole_number(value)
        st.session_state[SLIDESHOW_KEY] = seconds if seconds in SLIDESHOW_CHOICES else 0
    return int(st.session_state[SLIDESHOW_KEY])


def turned_by_slideshow() -> bool:
    """Whether this run is a slideshow's page turn rather than a reader's action; asked once a run (by the
    navigation: an analyst's sign-in is not kept alive by a slideshow left running, dashboard.auth)."""
    return bool(st.session_state.pop(TURNED_BY_SLIDESHOW, False))


def slideshow_running() -> bool:
    """A slideshow was chosen (slideshow_seconds) and is not paused."""
    return bool(slideshow_seconds()) and not st.session_state.get(SLIDESHOW_PAUSED, False)


def _pause_slideshow() -> None:
    st.session_state[SLIDESHOW_PAUSED] = True


def _resume_slideshow() -> None:
    st.session_state[SLIDESHOW_PAUSED] = False
    st.session_state.pop(SLIDE_STARTED, None)  # the page it resumes on is shown a whole interval


def frame_target() -> str | None:
    """None, FRAME_PAGE or a chart's name: what an embedding site asked for (framing.frame_target)."""
    return framing.frame_target(st.query_params.get_all(FRAME_PARAM))


def frame_style() -> None:
    st.markdown(FRAME_CSS, unsafe_allow_html=True)  # constant CSS only, never user data


def frame_url(base_url: str, page_path: str, filters: Filters, available: Available, target: str) -> str:
    """The address an <iframe> shows: this view's filters and language, one page or one chart."""
    query = [*link_query(filters, available), (FRAME_PARAM, target)]
    return base_url.rstrip("/") + "/" + page_path.strip("/") + "?" + urlencode(query)


def iframe_snippet(url: str, title: str, height: int) -> str:
    """HTML another site pastes; the title is escaped (it is a label of ours, but stays text)."""
    return (f'<iframe src="{html.escape(url, quote=True)}" title="{html.escape(title, quote=True)}" '
            f'width="100%" height="{height}" loading="lazy" style="border:0"></iframe>')


def _sync_url() -> None:
    """Keep present=1 and slideshow=N in the URL in step with the session, so a copied link carries them.
    A slideshow chosen again, or presentation mode left, is no longer paused."""
    st.session_state.pop(SLIDESHOW_PAUSED, None)
    if st.session_state.get(PRESENTING_KEY):
        st.query_params[PRESENT_PARAM] = "1"
    else:
        st.query_params.pop(PRESENT_PARAM, None)
    seconds = st.session_state.get(SLIDESHOW_KEY, 0)
    if seconds:
        st.query_params[SLIDESHOW_PARAM] = str(seconds)
    else:
        st.query_params.pop(SLIDESHOW_PARAM, None)


def leave_presentation() -> None:
    st.session_state[PRESENTING_KEY] = False
    _sync_url()


def share_url(base_url: str, page_path: str, filters: Filters, available: Available, presenting: bool,
              slideshow: int = 0) -> str:
    """The link that reopens this view: same page, filters, language (and presentation mode)."""
    query = link_query(filters, available)
    if presenting:
        query.append((PRESENT_PARAM, "1"))
        if slideshow:
            query.append((SLIDESHOW_PARAM, str(slideshow)))
    url = base_url.rstrip("/") + "/" + page_path.strip("/")
    return url + ("?" + urlencode(query) if query else "")


def app_base_url(browser_url: str | None, page_path: str) -> str:
    """The app's root URL (with any server.baseUrlPath), from the URL the browser shows."""
    url = (browser_url or "http://localhost:8501").rstrip("/")
    suffix = "/" + page_path.strip("/")
    return url[: -len(suffix)] if page_path and url.endswith(suffix) else url


def advance_slides(seconds: int, next_page: st.Page) -> None:
    """Switch to the next page every ``seconds`` (a fragment re-run by a timer)."""
    started = st.session_state.setdefault(SLIDE_STARTED, time.monotonic())

    @st.fragment(run_every=max(seconds, 1))
    def tick() -> None:
        if time.monotonic() - started >= seconds:
            st.session_state.pop(SLIDE_STARTED, None)
            st.session_state[TURNED_BY_SLIDESHOW] = True  # not a reader's action (turned_by_slideshow)
            # Only the unbound parameters are passed: the filters (bound to widgets) keep
            # their values through the switch, and Streamlit refuses to clear them.
            st.switch_page(next_page, query_params={PRESENT_PARAM: "1", SLIDESHOW_PARAM: str(seconds)})

    tick()


def render_tools(ctx: PageContext, available: Available, page_path: str) -> None:
    """Sidebar tools for presenters: share link, presentation mode, slideshow, offline report."""

    with st.sidebar:
        st.markdown(f"**{ctx.t('present.title')}**")  # not a heading: the page's h1 comes first
        base = app_base_url(st.context.url, page_path)
        seconds = slideshow_seconds()  # seeded from the link before its selectbox is drawn
        # Filled only when opened (a rerun): the embed list builds the page's charts, which must not
        # delay a page's first chart for every visitor.
        share = st.popover(ctx.t("present.share"), icon=":material/share:", width="stretch", key=SHARE_KEY,
                           on_change="rerun")
        if share.open:
            with share:
                st.caption(ctx.t("present.share_help"))
                st.code(share_url(base, page_path, ctx.filters, available, ctx.presenting, seconds),
                        language=None, wrap_lines=True)
                _embed_snippet(ctx, available, base, page_path)
        st.toggle(ctx.t("present.mode"), key=PRESENTING_KEY, help=ctx.t("present.mode_help"), on_change=_sync_url)
        st.selectbox(ctx.t("present.slideshow"), SLIDESHOW_CHOICES, key=labelled(SLIDESHOW_KEY), on_change=_sync_url,
                     format_func=lambda s: ctx.t("present.slideshow_off") if s == 0
                     else ctx.t("present.seconds", seconds=s))
        st.download_button(ctx.t("present.report"), data=lambda: build_report(ctx, available).encode("utf-8"),
                           file_name=report_file_name(ctx), mime="text/html", on_click="ignore",
                           icon=":material/summarize:", key="report", help=ctx.t("present.report_help"),
                           width="stretch")


def _embed_snippet(ctx: PageContext, available: Available, base: str, page_path: str) -> None:
    """An <iframe> of this page, or of one of its charts, for another site."""
    charts = page_charts(ctx, page_path or "overview")  # the default page answers at the root
    titles = {FRAME_PAGE: ctx.t("present.embed_page")} | {
        chart.name: chart.heading or chart.name for chart in charts}
    target = st.selectbox(ctx.t("present.embed"), list(titles), format_func=lambda name: titles[name],
                          key=labelled("embed-target"), help=ctx.t("present.embed_help"))
    url = frame_url(base, page_path, ctx.filters, available, target or FRAME_PAGE)
    chart = next((c for c in charts if c.name == target), None)
    height = framed_chart_height(ctx, chart) if chart else FRAME_PAGE_HEIGHT
    st.code(iframe_snippet(url, titles.get(target or FRAME_PAGE, ""), height), language="html",
            wrap_lines=True)


def framed_chart_height(ctx: PageContext, chart: Chart) -> int:
    """The suggested <iframe> height of one chart: its heading, the chart at its own height, its caption,
    notices and source, without a scroll bar inside the frame."""
    caption_lines = math.ceil(display_width(framed_caption(ctx, chart)) / FRAME_CAPTION_CELLS)
    # FRAME_CHART_EXTRA holds the source's first line; the others, and its wrapped lines, are added.
    source_lines = sum(math.ceil(display_width(line) / FRAME_CAPTION_CELLS) for line in embed_source_lines(ctx)) - 1
    return (int(chart.figure.layout.height or 450) + FRAME_CHART_EXTRA
            + (caption_lines + source_lines) * FRAME_CAPTION_LINE_PX)


def presentation_bar(ctx: PageContext, filtered: bool = True) -> None:
    """While presenting: the projector style, the active filters in one line and as of when the data is below
    it (the page's intro, which says it on a screen, is left out), the slideshow's pause, and the way out. A
    page no filter acts on (``filtered`` false: sign-in, upload) names none."""
    st.markdown(PRESENTATION_CSS, unsafe_allow_html=True)  # constant CSS only, never user data
    seconds = slideshow_seconds() if filtered else 0  # a slideshow walks the dashboard's pages only
    # The buttons side by side at their own width, to the right (wrapping on a phone): in a column each, a
    # projector's "Keluar" was cut to "Kel…" beside "Lanjutkan tayangan slide".
    line, controls = st.columns([1, 1] if seconds else [6, 1], vertical_alignment="center")
    said = [filter_line(ctx.filters), ctx.data_updated()] if filtered else [ctx.data_updated()]
    with controls.container(horizontal=True, horizontal_alignment="right"):
        if seconds:
            # A reader who opened a slideshow's link can stop it without leaving the presentation (WCAG
            # 2.2.2), and a presenter hold a page while a question is answered; the line says which it is.
            running = slideshow_running()
            said.append(ctx.t("present.seconds", seconds=seconds) if running
                        else ctx.t("present.slideshow_paused"))
            st.button(ctx.t("present.pause") if running else ctx.t("present.resume"),
                      icon=":material/pause:" if running else ":material/play_arrow:", key="slideshow-pause",
                      on_click=_pause_slideshow if running else _resume_slideshow)
        st.button(ctx.t("present.leave"), icon=":material/close_fullscreen:", key="present-leave",
                  on_click=leave_presentation)
    line.caption("  \n".join(said))
