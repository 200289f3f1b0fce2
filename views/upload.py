"""Upload (analysts only): template, upload, report, preview, confirm; history and restore."""

import streamlit as st

from dashboard import upload
from dashboard.auth import current_analyst, end_when_idle, show_signed_out
from dashboard.components import show_history
from dashboard.context import context
from dashboard.filters import labelled
from dashboard.literal import markdown_text
from dashboard.theme import ask_focus, focus_part
from etl.uploads import retention_days
from etl.warehouse import Warehouse

ctx = context()
st.title(ctx.t("upload.title"))
analyst = current_analyst()
if analyst is None:
    show_signed_out(ctx)  # a sign-in that ran out here
    # The page is only in the navigation for analysts, but its URL can be opened directly.
    st.error(ctx.t("upload.sign_in_first"), icon=":material/lock:")
    st.page_link("views/signin.py", label=ctx.t("nav.signin"), icon=":material/login:")
    st.stop()

end_when_idle(ctx)
warehouse = Warehouse()
st.caption(ctx.t("upload.intro", analyst=markdown_text(analyst), days=ctx.days(retention_days())))

result = st.session_state.pop(upload.RESULT_KEY, None)
if result is not None:
    # A year made final by a load unticked "provisional" says so: its notice leaves every page.
    done = ("upload.done_provisional" if result.provisional
            else "upload.done_now_final" if result.was_provisional else "upload.done")
    with focus_part("outcome"):  # drawn at the top: the button it answers is gone
        st.success(ctx.t(done, load_id=result.load_id, year=result.year), icon=":material/task_alt:")

st.header(ctx.t("upload.step_template"))
st.download_button(ctx.t("upload.template_button"), data=lambda: upload.template_bytes(ctx.lang),
                   file_name=f"template-{ctx.lang}.xlsx", on_click="ignore", icon=":material/download:",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="template")

st.header(ctx.t("upload.step_upload"))
generation = st.session_state.setdefault(upload.UPLOADER_KEY, 0)
# Any type, and more than the limit: upload.check_upload refuses either in the reader's language.
uploaded = st.file_uploader(ctx.t("upload.uploader", limit=upload.MAX_UPLOAD_MB), type=None,
                            key=f"uploader-{generation}", max_upload_size=upload.UPLOADER_MB)
checked = st.session_state.get(upload.STATE_KEY)
if uploaded is not None:
    content = uploaded.getvalue()
    # Keyed on the name and the content: a corrected file with the same name and size is checked again, and
    # so is the same workbook renamed (its year can come from its name).
    if checked is None or (checked.file_name, checked.sha256) != (uploaded.name, upload.content_sha256(content)):
        checked = upload.check_upload(ctx, warehouse, uploaded.name, content)
        st.session_state[upload.STATE_KEY] = checked

upload.show_refusal(ctx)  # a confirmation the data changed under: said above the file's report checked again
if checked is not None:
    title = ctx.t("upload.step_report_restore", load_id=checked.restore_of) if checked.restore_of else ctx.t(
        "upload.step_report", file=markdown_text(checked.file_name))  # the name as typed, never as markup
    with focus_part("report"):  # a restore's report stands far above the button that asked for it
        st.header(title)
    upload.show_report(ctx, checked)
    if checked.staged.ok:
        upload.show_preview(ctx, checked)
        done = upload.confirm(ctx, warehouse, checked, analyst)
        if done is not None:
            st.session_state.pop(upload.STATE_KEY, None)
            st.session_state[upload.RESULT_KEY] = done
            ask_focus("outcome")
            upload.new_uploader()  # for the next file
            st.rerun()

st.header(ctx.t("upload.step_history"))
history = ctx.fetch("load_history")
show_history(ctx, for_analysts=True)
choices = upload.restore_choices(history, set(warehouse.current_loads().values()))
if choices:
    chosen = st.selectbox(ctx.t("upload.restore_choose"), choices, index=None, key=labelled("restore-choice"),
                          format_func=lambda load_id: upload.describe_load(ctx, history, load_id),
                          placeholder=ctx.t("upload.restore_placeholder"))
    if chosen is not None and st.button(ctx.t("upload.restore_preview"), key="restore-preview"):
        st.session_state[upload.STATE_KEY] = upload.check_restore(ctx, warehouse, int(chosen))
        ask_focus("report")
        upload.new_uploader()  # the restore, not a file left in the uploader
        st.rerun()
elif not history.empty:
    st.caption(ctx.t("upload.restore_none"))
