"""The framework's floor: a bare Streamlit page with a single Plotly chart and nothing else.

`python -m bench` serves it beside the dashboard and measures both the same way in the same run,
so the dashboard's figures are ratios to what Streamlit and Plotly cost on this machine.
"""

import plotly.graph_objects as go
import streamlit as st

st.set_page_config(page_title="bare", layout="wide")
st.title("Bare page")
st.plotly_chart(go.Figure(go.Bar(x=["2017", "2018", "2019"], y=[96, 118, 131])), key="bare")
