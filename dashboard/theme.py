"""What every page gets around Streamlit's own markup: readable text, page language, figure semantics.

Streamlit 1.67 has no setting for the page's language (``<html lang="en">``
whatever the reader chose), draws captions in a grey that fails WCAG
contrast (#828180 on white, 3.9:1), truncates long card labels, and stacks
columns one under the other on a phone. This module fixes what the project
controls, with constant CSS and one constant script (no text from a
workbook or a reader ever goes into either):

- ``<html lang>`` follows the chosen language (set after load and kept by a
  MutationObserver, which is what assistive technology and axe read);
- the sidebar navigation, a <ul> holding <div> sections, is read as labelled groups of links;
- each chart is a figure: its container gets role="figure", named by the
  chart's heading and described by its caption (which holds the one-sentence
  summary of the data), so the text alternative is tied to the chart;
- Streamlit's own words ("Collapse sidebar", "Help for …", "Remove …", "Clear all", "Fullscreen", "Sort
  ascending", "Connection error") are said in the reader's language, from the catalogues' "framework"
  table (FRAMEWORK_WORDS): accessible names, placeholders and titles, and the text of its tooltips, menus
  and dialogs;
- a collapsed sidebar leaves the tab order (it is moved off screen, not hidden), and a popover's dialog
  ("Share this view") takes the focus when opened and gives it back to its button;
- a part the page asks to be read next (a restore's report, a load's outcome, "Signed in as …") takes the
  focus once drawn (ask_focus, focus_part);
- in forced colours (Windows' high contrast themes) a chosen option, tab or switch, and the page one is on, is
  drawn apart;
- captions and card labels at ≥ 4.5:1, card labels wrap instead of being cut,
  focus stays visible, and the headline cards keep two themes side by side on
  a phone (reading order stays the document order: theme after theme).
"""

from __future__ import annotations

import functools
import json
import secrets
from typing import TYPE_CHECKING

import streamlit as st

from dashboard.margins import WIDE_WIDTH
from translations import LANGUAGES, translate

if TYPE_CHECKING:
    from streamlit.delta_generator import DeltaGenerator

# The key of a table's download line (dashboard.downloads): the script names its buttons for the table.
DOWNLOAD_LINE_KEY = "download-line-"

# The key of a part the page asks to be read next (ask_focus, focus_part): the script moves the focus to it once.
FOCUS_KEY = "take-focus-"
_FOCUS_ASKED = "focus-asked"  # the session's (part asked for, the ask's own token)

# The projector's root font size (dashboard.presentation's style): every rem of the page, its text and its
# tables' rows, is PRESENTING_SCALE times larger than at the browser's 16 px.
PRESENTING_FONT_PX = 22
PRESENTING_SCALE = PRESENTING_FONT_PX / 16

CAPTION_INK = "#4a5561"  # 7.5:1 on white
CHART_KEY = "chart-"  # a chart's figure: "chart-<chart name>"
# While presenting, each chart is also sent in the page's figure ("screen-<name>") beside the projector's
# ("chart-<name>"): the presentation style (dashboard.presentation) shows the one made for the screen's width.
SCREEN_CHART_KEY = "screen-"
# Off a projector, a chart whose page figure is cut to a phone's width (dashboard.charts.Chart.wide_on_screen) is
# sent in both, the page's ("chart-<name>") and the wide one ("wide-<name>"), in a box keyed "widths-<name>"
# (dashboard.components): the style below shows the one made for the box's width.
WIDE_SCREEN_CHART_KEY = "wide-"
CHART_WIDTHS_KEY = "widths-"
STYLE = """
<style>
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p,
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] p,
[data-testid="stWidgetLabel"] p { color: __CAPTION__ !important; opacity: 1 !important; }
[data-testid="stMetricLabel"] p, [data-testid="stMetricLabel"] div { white-space: normal !important;
    overflow: visible !important; text-overflow: clip !important; }
[data-testid="stMetricLabel"] { height: auto !important; }
/* A card's change wraps rather than ending in "…": "+0,4 poin persen" was cut to "+0,4 poin p…" on a 320 px phone. */
[data-testid="stMetricDelta"] [data-testid="stMarkdownContainer"], [data-testid="stMetricDelta"] p {
    white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }
:focus-visible { outline: 3px solid #0b62c4 !important; outline-offset: 2px !important; }
.st-key-page-semantics { display: none !important; }
/* The sign-in's notes under the navigation take no room until they say something (a gap for every analyst).
   Their box stands for its wrapper, so that each :has() looks at one element's children, not at every div's
   descendants (a style pass of every page would pay for it). */
[data-testid="stLayoutWrapper"]:has(> .st-key-account-notes) { display: contents; }
.st-key-account-notes:not(:has([data-testid="stAlert"])) { display: none !important; }
/* A toast is 21rem wide: on a 320 px phone it began off the screen, its icon and first characters cut. */
[data-testid="stToastContainer"] { max-width: 100vw !important; }
[data-testid="stToast"] { width: min(21rem, calc(100vw - 2rem)) !important; }
/* Headings broken into lines of even length: "Sekilas pertukaran pemuda Jakarta–" above "Beijing" (a break
   after the dash, where a 1280 px laptop's line ended) becomes "Sekilas pertukaran" above "pemuda Jakarta–Beijing". */
h1, h2, h3 { text-wrap: balance; }
/* Chinese may break between any two characters: a heading broke inside a word ("数据保护 / 法"), a card's label
   too ("雅加达→北京 代 / 表"), its change on a 320 px phone ("+0.4 个百分 / 点"), a toast ("结 / 束"). They break at
   their punctuation and spaces, and inside a run of characters only where the run alone is wider than the line. */
:lang(zh) :is(h1, h2, h3, h4, [data-testid="stMetricLabel"] p, [data-testid="stMetricDelta"] p,
              [data-testid="stToast"] p) {
    word-break: keep-all; overflow-wrap: anywhere; }
/* A static table's cell breaks its text as the cell's style says (a label only at its spaces, an amount
   nowhere), a heading only at its spaces: Streamlit's block inside each cell set both back to normal, and
   "签证与出行" stood as "签证与出" above "行", "严重程度" as "严重程" above "度". */
[data-testid="stTable"] th { word-break: keep-all; white-space: normal; }
[data-testid="stTable"] :is(td, th) > div, [data-testid="stTable"] :is(td, th) > div * {
    word-break: inherit !important; white-space: inherit !important; }
/* A chart sent in two figures (CHART_WIDTHS_KEY) shows the wide one where its box is at least as wide as that one
   is laid out for, the page's own (cut to a phone's width) where it is narrower. */
[class*="st-key-__WIDTHS__"] { container: chart-widths / inline-size; }
@container chart-widths (min-width: __WIDE__px) { [class*="st-key-__CHART__"] { display: none !important; } }
@container chart-widths (max-width: __NARROWER__px) { [class*="st-key-__WIDE_CHART__"] { display: none !important; } }
/* An h3 heads one chart, table or part of a section (h2): one size for all, charts' and tables' alike. */
[data-testid="stMain"] h3 { font-size: 1.15rem !important; padding-top: 0.5rem !important; }
/* The headline's heading (h2) and its themes' (h3) stand in the size of the bold lines they were, above cards. */
[data-testid="stMain"] .st-key-headline-heading h2, [data-testid="stMain"] .st-key-headline h3 {
    font-size: 1rem !important; font-weight: 600 !important; padding: 0 0 0.25rem 0 !important; }
[data-testid="stMain"] .st-key-headline-heading h2 { padding-bottom: 0.75rem !important; }
/* Windows' high contrast themes (forced colours) drop the background colours Streamlit marks a choice with:
   the chosen direction, language, measure and tab, and the page one is on, looked like the others (the page's
   link only bolder), a switch showed no knob. Each is drawn in the reader's own theme colours: the chosen one
   in Highlight, a box or track outlined. */
@media (forced-colors: active) {
  [data-testid="stRadioOption"] > div > div:first-child, [data-testid="stCheckbox"] label > div:first-of-type {
      forced-color-adjust: none; background: Canvas !important; border: 1px solid CanvasText !important; }
  [data-testid="stRadioOption"][data-selected="true"] > div > div:first-child,
  [data-testid="stCheckbox"] label:has(input:checked) > div:first-of-type {
      background: Highlight !important; border-color: Highlight !important; }
  [data-testid="stRadioOption"][data-selected="true"] > div > div:first-child > div,
  [data-testid="stCheckbox"] label:has(input:checked) > div:first-of-type > div {
      background: HighlightText !important; }
  [data-testid="stCheckbox"] label > div:first-of-type > div { background: CanvasText; }  /* a switch's knob */
  [data-testid="stCheckbox"] label > div:first-of-type svg { stroke: HighlightText !important; }  /* a tick */
  [data-testid="stButtonGroup"] button[aria-checked="true"] { forced-color-adjust: none;
      background: Highlight !important; border-color: Highlight !important; }
  [data-testid="stButtonGroup"] button[aria-checked="true"] p { color: HighlightText !important; }
  /* the page the reader is on, in the sidebar's navigation (Streamlit marks it by a background and bold) */
  [data-testid="stSidebarNavLink"][aria-current="page"] { forced-color-adjust: none;
      background: Highlight !important; }
  [data-testid="stSidebarNavLink"][aria-current="page"] * { color: HighlightText !important; }
  /* the chosen tab's bar (the element after its label) */
  [data-testid="stTab"][aria-selected="true"] > div:not([data-testid]) { forced-color-adjust: none;
      background: Highlight !important; }
}
@media (max-width: 640px) {
  /* Streamlit's heading sizes are a laptop's: on a 320 px phone the Overview's title took five lines (44 px),
     and a Chinese step heading left its number alone above the words ("2." / "上传填好的工作簿"). */
  [data-testid="stMain"] h1 { font-size: 2rem !important; }
  [data-testid="stMain"] h2 { font-size: 1.5rem !important; }
  .st-key-headline [data-testid="stHorizontalBlock"] { flex-wrap: wrap !important; gap: 0.5rem !important; }
  .st-key-headline [data-testid="stColumn"] { min-width: calc(50% - 0.5rem) !important;
      flex: 1 1 calc(50% - 0.5rem) !important; }
  .st-key-headline [data-testid="stMetricValue"] { font-size: 1.6rem !important; }
}
</style>
""".replace("__CAPTION__", CAPTION_INK).replace("__WIDE__", str(WIDE_WIDTH)) \
    .replace("__NARROWER__", str(WIDE_WIDTH - 0.02)).replace("__WIDTHS__", CHART_WIDTHS_KEY) \
    .replace("__CHART__", CHART_KEY).replace("__WIDE_CHART__", WIDE_SCREEN_CHART_KEY)

# Runs once per browser page; a language switch updates window.__dashboardLang and the observer applies it.
SCRIPT = """
<script>
(() => {
  window.__dashboardLang = __LANG__;
  window.__dashboardWords = __WORDS__;
  // Streamlit's own accessible names and placeholders, said in the reader's language. Each pass starts
  // from Streamlit's English word (kept in data-word-*), so a language switch or a re-rendered widget
  // is said again from it.
  // An attribute is written only when its value changes: each write is a DOM mutation, and the pass runs in
  // every frame that adds nodes, over every chart's toolbar, so rewriting the same values kept "changing"
  // every chart for as long as anything on the page was drawn (a data table's grid, 0.3 s after the charts).
  const setAttr = (el, name, value) => { if (el.getAttribute(name) !== value) el.setAttribute(name, value); };
  const sayAgain = (el, name) => {
    const now = el.getAttribute(name);
    if (now === null) return;
    if (now !== el.getAttribute('data-said-' + name)) el.setAttribute('data-word-' + name, now);
    const word = el.getAttribute('data-word-' + name), words = window.__dashboardWords;
    const prefix = words.prefixed.find(([start]) => word.startsWith(start));
    const said = words.exact[word] || (prefix ? prefix[1].replace('{label}', word.slice(prefix[0].length)) : word);
    setAttr(el, name, said);
    setAttr(el, 'data-said-' + name, said);
  };
  // Where Streamlit draws its own words as text: the layers of tooltips, menus and dialogs, its
  // "running" corner, and the link a keyboard or screen reader meets first ("Skip to main content").
  const TEXT_PLACES = '#portal, #stFloatingOverlayPortal, [data-testid="stMainMenuPopover"], ' +
                      '[data-testid="stStatusWidget"], section[role="dialog"], [data-testid="stSkipToContent"]';
  const saidTexts = window.__dashboardSaidTexts = window.__dashboardSaidTexts || new WeakMap();
  const sidebarsCollapsed = window.__dashboardSidebars = window.__dashboardSidebars || new WeakMap();
  const popover = window.__dashboardPopover = window.__dashboardPopover || {opener: null};
  const focusTaken = window.__dashboardFocusTaken = window.__dashboardFocusTaken || new Set();
  const download = window.__dashboardDownload = window.__dashboardDownload || {button: null};
  const apply = () => {
    const root = window.parent && window.parent !== window ? window.parent.document : document;
    for (const doc of new Set([document, root])) {
      if (doc.documentElement.lang !== window.__dashboardLang) doc.documentElement.lang = window.__dashboardLang;
      // Streamlit's sidebar navigation puts div sections inside its ul element (axe: list, listitem):
      // read it as labelled groups of links instead of a broken list. (No angle brackets in this
      // script: st.html reads it as HTML first.)
      doc.querySelectorAll('[data-testid="stSidebarNavItems"]').forEach(list => {
        setAttr(list, 'role', 'none');
        list.querySelectorAll(':scope > div').forEach((section, index) => {
          const header = section.querySelector('header');
          setAttr(section, 'role', 'group');
          if (header) { if (!header.id) header.id = `nav-section-${index}`;
                        setAttr(section, 'aria-labelledby', header.id); }
        });
        list.querySelectorAll('li').forEach(item => setAttr(item, 'role', 'none'));
      });
      // A table's download buttons say their format ("CSV", "XLSX"), their line which table: each button's
      // name says both, its visible word first (WCAG 2.5.3), or a screen reader's list of buttons reads
      // "CSV" four times.
      doc.querySelectorAll(`[class*="st-key-${__DOWNLOAD_LINE__}"]`).forEach(line => {
        const table = line.querySelector('strong');
        if (!table) return;
        line.querySelectorAll('button').forEach(button => {
          const format = button.querySelector('[data-testid="stMarkdownContainer"]');
          const name = format ? `${format.textContent.trim()}, ${table.textContent.trim()}` : null;
          if (name) setAttr(button, 'aria-label', name);
        });
      });
      // Streamlit's toast is an alert dialog named by an element it never draws (axe: aria-dialog-name,
      // serious): it is named by its own text.
      doc.querySelectorAll('[data-testid="stToast"]').forEach(toast => {
        const text = toast.querySelector('[data-testid="stToastText"]');
        if (!text) return;
        if (!text.id) text.id = `toast-text-${window.__dashboardToasts = (window.__dashboardToasts || 0) + 1}`;
        setAttr(toast, 'aria-labelledby', text.id);
      });
      doc.querySelectorAll('[aria-label], [placeholder]').forEach(el => {
        sayAgain(el, 'aria-label');
        sayAgain(el, 'placeholder');
      });
      // The uploader takes any file, so that the page refuses another type in the reader's language
      // (Streamlit's own refusal is an English tooltip); the browser's file chooser still offers
      // workbooks first (its "All files" shows the rest).
      doc.querySelectorAll('[data-testid="stFileUploaderDropzoneInput"]:not([accept])').forEach(input => {
        input.setAttribute('accept', __WORKBOOK_TYPES__);
      });
      // The uploader's button says its word by CSS (WIDGET_WORDS: Streamlit's own is hidden), which axe
      // does not count as a name (button-name, critical): the button is named by the same word.
      // (Only that button: the one that adds a file once one is taken has its own name, "Add files".)
      const browse = window.__dashboardWords.browse;
      const worded = '[data-testid="stFileUploaderDropzone"] button:has([data-testid="stMarkdownContainer"])';
      doc.querySelectorAll(worded).forEach(button => {
        setAttr(button, 'aria-label', browse);
      });
      // What the pointer shows too: a chart's "Fullscreen" (Plotly draws a button's tooltip from its
      // data-title) and the tooltips of the data tables' toolbar, drawn when hovered, each a new element.
      doc.querySelectorAll('.modebar-btn[data-title]').forEach(el => sayAgain(el, 'data-title'));
      doc.querySelectorAll('[title]').forEach(el => sayAgain(el, 'title'));
      // And the words it writes as text in its tooltips, menus (the main menu, a data table's column
      // menu), its "running" corner and the dialog of a lost connection: each drawn anew when shown, so
      // the English word is replaced where it stands (only a whole text that is one of its words).
      // Each text remembers Streamlit's word it was said from, so a language switch says it again.
      doc.querySelectorAll(TEXT_PLACES).forEach(place => {
        const walker = doc.createTreeWalker(place, NodeFilter.SHOW_TEXT);
        for (let text = walker.nextNode(); text; text = walker.nextNode()) {
          const before = saidTexts.get(text);
          const word = before && before.said === text.data ? before.word : text.data.trim();
          const said = window.__dashboardWords.exact[word];
          if (!said) continue;
          if (text.data !== said) text.data = said;
          saidTexts.set(text, {word, said});
        }
      });
      // A static table wider than its page scrolls across in its own box (a phone; a projected table's
      // columns): the box then takes the keyboard's focus, so arrow keys scroll it (WCAG 2.1.1; axe:
      // scrollable-region-focusable), named by its expander's label or else the heading above it (named
      // again at each pass: a language switch keeps the box); a box that fits takes none.
      const headings = doc.querySelectorAll('[data-testid="stMain"] :is(h2, h3)');  // in the page's order
      doc.querySelectorAll('[data-testid="stTable"]').forEach(table => {
        table.querySelectorAll(':scope > div').forEach(box => {
          if (box.scrollWidth - box.clientWidth > 1) {
            const summary = table.closest('details')?.querySelector('summary [data-testid="stMarkdownContainer"]');
            const heading = [...headings].filter(
              h => h.compareDocumentPosition(table) & Node.DOCUMENT_POSITION_FOLLOWING).pop();
            const name = (summary || heading)?.innerText.trim() || '';
            setAttr(box, 'tabindex', '0');
            setAttr(box, 'role', 'region');
            setAttr(box, 'aria-label', name);
          } else if (box.getAttribute('tabindex') === '0') {
            ['tabindex', 'role', 'aria-label'].forEach(name => box.removeAttribute(name));
          }
        });
      });
      // The focus fell to the page's body: its element was drawn again or taken away.
      const focusLost = () => !doc.activeElement || doc.activeElement === doc.body;
      // A collapsed sidebar (a phone's, or one the reader closed) is moved off screen, not hidden: Tab
      // walked through its links, language and filters unseen, nine stops and more before the page
      // (WCAG 2.4.7, 2.4.11). Collapsed, it is inert (out of the tab order and of what a screen reader
      // reads). The button that opened or closed it is gone once it has (Streamlit draws the other one),
      // and the focus with it: the focus moves to the other button, so that the next Tab goes into the
      // opened sidebar, or on from where the closed one was.
      doc.querySelectorAll('[data-testid="stSidebar"]').forEach(bar => {
        const collapsed = bar.getAttribute('data-collapsed') === 'true';
        if (bar.inert !== collapsed) bar.inert = collapsed;
        const before = sidebarsCollapsed.get(bar);
        sidebarsCollapsed.set(bar, collapsed);
        if (before === undefined || before === collapsed || !focusLost()) return;
        const other = collapsed ? doc.querySelector('button[data-testid="stExpandSidebarButton"]')
                                : bar.querySelector('[data-testid="stSidebarCollapseButton"] button');
        if (other) other.focus();
      });
      // Streamlit's popover (the sidebar's "Share this view") opens as a dialog at the end of the page and
      // left the focus on its button: Tab went on down the sidebar, and the link in the dialog came some
      // fifty stops later, after the whole page. Opened from its button, the dialog takes the focus, so
      // Tab walks its content next (also once the page's rerun has drawn it again); closed with Escape,
      // the focus goes back to the button.
      const dialog = [...doc.querySelectorAll('[data-testid="stPopoverBody"]')].pop();
      if (dialog) {
        // (A rerun that draws the dialog again can drop the focus to the page's body: it is given back.)
        const fromOpener = !dialog.hasAttribute('data-focus-taken') &&
                           doc.activeElement?.closest('[data-testid="stPopoverButton"]');
        if (fromOpener) popover.opener = doc.activeElement;
        if (fromOpener || (focusLost() && popover.opener)) {
          dialog.setAttribute('data-focus-taken', '');
          dialog.setAttribute('tabindex', '-1');
          dialog.focus({preventScroll: true});
        }
      } else if (popover.opener) {
        if (focusLost() && popover.opener.isConnected) popover.opener.focus();
        popover.opener = null;
      }
      // The download button that lost the focus while its file was made (below) has it back once enabled,
      // unless the reader has put it elsewhere meanwhile.
      if (download.button && !download.button.disabled) {
        if (focusLost() && download.button.isConnected) download.button.focus({preventScroll: true});
        download.button = null;
      }
      // A part the page asks to be read next (focus_part): a restore's report, drawn far above the button
      // that asked for it, where the focus stayed; a load's outcome and "Signed in as …", drawn where the
      // button or the form was, whose focus fell to the page's body. It takes the focus once (its heading
      // or its message), so Tab and a screen reader go on from there.
      doc.querySelectorAll(`[class*="st-key-${__FOCUS__}"]`).forEach(part => {
        const key = [...part.classList].find(name => name.startsWith(`st-key-${__FOCUS__}`));
        const target = part.querySelector('h1, h2, h3, [data-testid="stAlert"]');
        if (!target || focusTaken.has(key)) return;
        focusTaken.add(key);
        target.setAttribute('tabindex', '-1');
        target.focus();
      });
      doc.querySelectorAll('[class*="st-key-figure-"]').forEach((box, index) => {
        const heading = box.querySelector('h3');
        const caption = box.querySelector('[data-testid="stCaptionContainer"]');
        if (!heading || box.getAttribute('role') === 'figure') return;
        heading.id = heading.id || `figure-title-${index}`;
        box.setAttribute('role', 'figure');
        box.setAttribute('aria-labelledby', heading.id);
        if (caption) { caption.id = caption.id || `figure-caption-${index}`;
                       box.setAttribute('aria-describedby', caption.id); }
      });
    }
  };
  apply();
  let pending = false;  // at most one pass per frame, however many nodes a chart adds
  const schedule = () => { if (!pending) { pending = true;
                                           requestAnimationFrame(() => { pending = false; apply(); }); } };
  if (!window.__dashboardObserver) {
    window.__dashboardObserver = new MutationObserver(schedule);
    window.__dashboardObserver.observe(document.body, {childList: true, subtree: true, attributes: true,
                                                       attributeFilter: ['data-collapsed', 'disabled']});
    window.addEventListener('resize', schedule);  // a table may start or stop scrolling across
    // A download made when asked for (a table's CSV, the open data package, the report) disables its button
    // while the server makes the file, and a disabled button drops the focus to the page's body: the next
    // Tab started again at "Skip to main content". The button is remembered, and given the focus back above.
    document.addEventListener('focusout', event => {
      const button = event.target instanceof Element &&
                     event.target.closest('[data-testid="stDownloadButton"] button');
      if (button && button.disabled && !event.relatedTarget) download.button = button;
    }, true);
    // The dialog stands at the end of the page but belongs after its button: Tab from its last control goes
    // on to what follows the button, Shift+Tab from the dialog itself back to the button.
    document.addEventListener('keydown', event => {
      const dialog = event.target instanceof Element && event.target.closest('[data-testid="stPopoverBody"]');
      if (event.key !== 'Tab' || !dialog || !popover.opener?.isConnected) return;
      const tabbable = root => [...root.querySelectorAll(
          'a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])')]
        .filter(el => el.tabIndex >= 0 && !el.disabled && !el.closest('[inert]') && el.getClientRects().length &&
                      getComputedStyle(el).visibility !== 'hidden');  // a code block's copy button until pointed at
      const inside = tabbable(dialog);
      let next = null;
      if (event.shiftKey && event.target === dialog) next = popover.opener;
      if (!event.shiftKey && event.target === (inside.pop() || dialog)) {
        const page = tabbable(document).filter(el => !dialog.contains(el));
        next = page[page.indexOf(popover.opener) + 1] || null;
      }
      if (next) { event.preventDefault(); next.focus(); }
    }, true);
  }
})();
</script>
"""


# Streamlit 1.67 writes a few words of its own in English whatever the page's language, and has no setting
# for them (streamlit/streamlit#13500): the file uploader's button and its note of size and type, and the
# hint under the sign-in form's fields. Each is hidden; the button's word and the hint are written again in
# the reader's language (CSS generated content is read by screen readers as the button's name); the note
# is not needed, the uploader's label says both ("Workbook (.xlsx, at most 50 MB)").
WIDGET_WORDS = """
<style>
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p { display: none !important; }
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"]::after { content: __BROWSE__; }
[data-testid="stFileUploaderDropzoneInstructions"] { display: none !important; }
[class*="st-key-sign-in-"] [data-testid="InputInstructions"] span { display: none !important; }
[class*="st-key-sign-in-"] [data-testid="InputInstructions"]::after { content: __ENTER__; }
</style>
"""


# Streamlit 1.67's own accessible names and placeholders (English literals of its frontend) and the key of
# each in the catalogues' "framework" table. A screen reader read "Help for Pendaftar", "Remove 2017" and
# "Clear all" in English on an Indonesian page (WCAG 3.1.2, language of parts).
FRAMEWORK_WORDS = {
    "Sidebar": "sidebar", "Collapse sidebar": "collapse_sidebar", "Expand sidebar": "expand_sidebar",
    "App pages": "app_pages", "Selected values": "selected_values", "Clear all": "clear_all",
    "Clear value": "clear_value", "Open": "open", "Close": "close", "Main menu": "main_menu",
    "Link to heading": "link_to_heading",
    "Choose an option": "choose_option", "Show password": "show_password", "Hide password": "hide_password",
    "Download as CSV": "download_csv", "Search": "search", "Fullscreen": "fullscreen",
    "Close fullscreen": "close_fullscreen", "Show/hide columns": "show_hide_columns", "Add files": "add_files",
    "Print": "print", "Record screen": "record_screen", "Copy version to clipboard": "copy_version",
    "Made with Streamlit v": "made_with",  # the main menu's last line; Streamlit's version follows it
    "Running...": "running", "Stop": "stop", "Stopping...": "stopping", "Connecting": "connecting",
    "Connection error": "connection_error", "Notifications": "notifications",  # the toasts' region
    "Streamlit server is not responding. Are you connected to the internet?": "server_not_responding",
    "Dataframe column menu": "column_menu", "Copy column name": "copy_column_name",
    "Sort ascending": "sort_ascending", "Sort descending": "sort_descending", "Statistics": "statistics",
    "Format": "format", "Autosize": "autosize", "Pin column": "pin_column", "Unpin column": "unpin_column",
    "Hide column": "hide_column", "Select all": "select_all", "(index)": "index_column",
    # A column menu's "Format" and "Statistics" lists
    "Automatic": "format_automatic", "Localized": "format_localized", "Plain": "format_plain",
    "Compact": "format_compact", "Dollar": "format_dollar", "Euro": "format_euro", "Yen": "format_yen",
    "Percent": "format_percent", "Scientific": "format_scientific", "Accounting": "format_accounting",
    "Duration": "format_duration", "Values": "stat_values", "Empty": "stat_empty", "Distinct": "stat_distinct",
    "Average": "stat_average", "Standard deviation": "stat_std", "Minimum": "stat_min",
    "25th percentile": "stat_p25", "Median": "stat_median", "75th percentile": "stat_p75", "Maximum": "stat_max",
    "Sum": "stat_sum", "Skip to main content": "skip_to_content", "file upload": "file_upload",
    # A code block's copy button (the share link and the embed snippet)
    "Copy to clipboard": "copy_to_clipboard", "Copied": "copied",
}
FRAMEWORK_PREFIXES = {"Help for ": "help_for", "Remove ": "remove"}  # followed by the widget's own label


@functools.cache  # built on every script run of every session; the same for a language
def framework_words(lang: str) -> str:
    """The catalogue's words for FRAMEWORK_WORDS and FRAMEWORK_PREFIXES in ``lang``, and the uploader
    button's (WIDGET_WORDS), as a script's JSON ("<" escaped: nothing in it can end the script element)."""
    exact = {english: translate(lang, f"framework.{key}") for english, key in FRAMEWORK_WORDS.items()}
    prefixed = [[prefix, translate(lang, f"framework.{key}", label="{label}")]
                for prefix, key in FRAMEWORK_PREFIXES.items()]
    words = {"exact": exact, "prefixed": prefixed, "browse": translate(lang, "upload.browse")}
    return json.dumps(words, ensure_ascii=False).replace("<", "\\u003c")


def css_string(text: str) -> str:
    """``text`` (a catalogue sentence) as a CSS string inside a <style> element: quoted, its quotes and
    backslashes escaped, and "<" written as a CSS escape, so no "</style>" can end the element."""
    if any(ord(char) < 0x20 for char in text):
        raise ValueError(f"a control character in CSS text: {text!r}")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ") + '"'


@functools.cache
def widget_words(lang: str) -> str:
    return (WIDGET_WORDS.replace("__BROWSE__", css_string(translate(lang, "upload.browse")))
            .replace("__ENTER__", css_string(translate(lang, "auth.enter_to_sign_in"))))


# What the browser's file chooser offers first on the Upload page: the suffixes the page reads
# (etl.reader.XLSX_SUFFIXES, not imported here: pyarrow would load with every first page; tested equal).
WORKBOOK_TYPES = ".xlsx"


def apply(lang: str) -> None:
    """The page's style and semantics; call once per run, before anything is drawn."""
    if lang not in LANGUAGES:  # only one of our own codes ever reaches the script
        lang = LANGUAGES[0]
    with st.container(key="page-semantics"):
        # Constant CSS, catalogue words, a constant script and one of our language codes: nothing from a
        # reader or a workbook.
        script = (SCRIPT.replace("__LANG__", json.dumps(lang)).replace("__WORDS__", framework_words(lang))
                  .replace("__WORKBOOK_TYPES__", json.dumps(WORKBOOK_TYPES))
                  .replace("__DOWNLOAD_LINE__", json.dumps(DOWNLOAD_LINE_KEY))
                  .replace("__FOCUS__", json.dumps(FOCUS_KEY)))
        st.html(STYLE + widget_words(lang) + script, unsafe_allow_javascript=True)


def ask_focus(part: str) -> None:
    """Ask that ``part`` take the keyboard's focus once the next run draws it (focus_part): for an action whose
    outcome is drawn away from the control that asked for it, or in its place."""
    # A token of its own each time (the page script moves the focus once per key): a part asked for again
    # takes it again, also in a new session of the same browser page (a reconnection), where a count would
    # start again at a key the script has used.
    st.session_state[_FOCUS_ASKED] = (part, secrets.token_hex(8))


def withdraw_focus(part: str) -> None:
    """Withdraw an ask for ``part`` that the page will not draw (said elsewhere, without taking the focus)."""
    if st.session_state.get(_FOCUS_ASKED, ("", ""))[0] == part:
        del st.session_state[_FOCUS_ASKED]


def focus_part(part: str) -> DeltaGenerator:
    """A container for ``part``; when it was asked for (ask_focus), keyed for the page script to move the focus
    to its heading or message, once."""
    asked, token = st.session_state.get(_FOCUS_ASKED, ("", ""))
    if asked != part:
        return st.container()
    del st.session_state[_FOCUS_ASKED]
    return st.container(key=f"{FOCUS_KEY}{token}")
