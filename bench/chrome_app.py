"""The bare page with the dashboard's frame: its navigation, its sidebar's widgets and its headline cards.

`python -m bench` serves it beside the dashboard and the bare page (bench/bare_app.py) and times a new
visitor's first chart on all three, round by round. Its ratio to the bare page is what the frame alone
costs in the browser, before any chart of the dashboard's own: each kind of element is code Streamlit
loads and runs when it first draws one, on the same main thread that then evaluates Plotly's bundle.
The dashboard's first chart ÷ this page's is what the rest of the Overview costs (its headings, findings,
captions, three more charts and its data).

The same kinds of element as the Overview, as many, in the same places, with English labels and fixed
values (no data): tests/test_bench_chrome.py compares its element tree with the dashboard's.
"""

import plotly.graph_objects as go
import streamlit as st

from dashboard import theme
from dashboard.metrics import CARD_METRICS, THEME_NAMES
from etl import schema

YEARS = [2017, 2018, 2019]


def overview() -> None:
    theme.apply("en")  # the dashboard's style and page semantics
    st.title("Jakarta–Beijing youth exchange at a glance")
    st.caption("How many applied and were selected, which activities took place, what stood in the way.")
    st.warning("Sample data: the figures for 2017, 2018, 2019 are illustrative.", icon=":material/science:")
    with st.container(key="headline-heading"):
        st.header("Headline figures for 2019 · change against 2018", anchor=False)
    groups: dict[object, list[str]] = {}
    for metric in CARD_METRICS:
        groups.setdefault(metric.theme, []).append(metric.label("en", "Beijing"))
    with st.container(key="headline"):
        for column, (group, labels) in zip(st.columns(len(groups)), groups.items(), strict=True):
            with column:
                st.subheader(THEME_NAMES[group]("en"), anchor=False)
                for index, label in enumerate(labels):
                    st.metric(label, f"{100 + index}", f"+{index + 1}", help="What the figure counts.", border=True)
    st.plotly_chart(go.Figure(go.Bar(x=[str(year) for year in YEARS], y=[96, 118, 131])), key="bare")


def other_page() -> None:
    theme.apply("en")
    st.title("Another page")


def sidebar() -> None:
    with st.sidebar:
        st.segmented_control("Bahasa · Language · 语言", ["id", "en", "zh"], default="en", key="lang",
                             required=True, help="Bahasa Indonesia · English · 中文")
        st.markdown("**Filters**")
        st.multiselect("Program years", YEARS, default=YEARS, key="year")
        st.multiselect("Fields of cooperation", list(schema.FIELD.codes), default=list(schema.FIELD.codes),
                       format_func=lambda code: schema.FIELD.label(code, "en"), key="field")
        st.radio("Direction of exchange", ["both", "outbound", "inbound"], key="direction",
                 help="Which delegates are counted.")
        st.markdown("**Present and share**")
        st.popover("Share this view", icon=":material/share:", width="stretch", key="share", on_change="rerun")
        st.toggle("Presentation mode", key="present", help="Larger text for a projector.")
        st.selectbox("Slideshow", [0, 15, 30, 60], key="slideshow")
        st.download_button("Download report (HTML)", data=b"", file_name="report.html", mime="text/html",
                           on_click="ignore", icon=":material/summarize:", key="report", width="stretch",
                           help="The page's figures as one file.")


st.set_page_config(page_title="bare with the dashboard's frame", layout="wide")
pages = {"Dashboard": [st.Page(overview, title="Overview", icon=":material/dashboard:", default=True)] + [
    st.Page(other_page, title=title, icon=":material/article:", url_path=title.lower())
    for title in ("Participation", "Activities", "Benefits", "Data", "Glossary")],
    "Analysts": [st.Page(other_page, title="Analyst sign-in", icon=":material/login:", url_path="sign-in")]}
page = st.navigation(pages)
sidebar()
page.run()
