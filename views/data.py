"""Data: the data dictionary, downloads of the filtered data, the load history, notes."""

import streamlit as st

from dashboard.components import fold, nothing_selected, page_header, show_history, show_reference_table
from dashboard.context import context
from dashboard.dictionary import dictionary
from dashboard.downloads import api_pointer, downloads_intro, history_download, package_download, table_download
from etl import schema

ctx = context()
page_header(ctx, "data.title", "data.intro")

st.header(ctx.t("data.section_notes"))
st.markdown(ctx.t("data.note_sample"))
st.subheader(ctx.t("data.privacy_title"), anchor=False)
st.markdown(ctx.privacy_note())

st.header(ctx.t("data.section_downloads"))
downloads_intro(ctx)
nothing_selected(ctx)  # says why the downloads hold no row; the rest of the page does not depend on the filters
for sheet in schema.SHEETS:
    table_download(ctx, sheet.name)
package_download(ctx)
api_pointer(ctx)

st.header(ctx.t("data.section_dictionary"))
for sheet in schema.SHEETS:
    # The sheet's name as typed in the workbook, in a code span: in brackets, its padding read "( participants )".
    with fold(ctx, ctx.t("data.dictionary_sheet", label=sheet.label(ctx.lang), sheet=sheet.name)):
        st.caption(sheet.description(ctx.lang))
        show_reference_table(dictionary(sheet, ctx.lang))

st.header(ctx.t("data.section_history"))
show_history(ctx, for_analysts=False)
history_download(ctx)
