"""Analyst sign-in (browsing needs none) and sign-out."""

import streamlit as st

from dashboard.auth import current_analyst, show_signed_out, sign_in_form, sign_out
from dashboard.context import context
from dashboard.literal import markdown_text
from dashboard.theme import focus_part

ctx = context()
analyst = current_analyst()
st.title(ctx.t("auth.title" if analyst is None else "auth.account"))
if analyst is None:
    show_signed_out(ctx)
    st.caption(ctx.t("auth.intro"))
    sign_in_form(ctx)
else:
    with focus_part("signed-in"):  # in the form's place (auth.sign_in_form)
        st.success(ctx.t("auth.signed_in_as", name=markdown_text(analyst)), icon=":material/verified_user:")
    st.page_link("views/upload.py", label=ctx.t("nav.upload"), icon=":material/upload_file:")
    if st.button(ctx.t("auth.sign_out")):
        sign_out()
        st.rerun()
