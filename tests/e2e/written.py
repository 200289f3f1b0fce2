"""What a reader can read of the numbers written on a page's charts (the dashboard's or the report's): each
keeps its size, stays inside its figure and stands clear of the others."""

from __future__ import annotations

import itertools

from playwright.sync_api import Page

from .harness import SHOWN_CHARTS_JS

# Every text Plotly writes over bars, beside points (the trends) or as an annotation (a stack's total, a panel's
# title), with the scale it was drawn at: a rotation keeps a box's area, a shrunk text's area is its scale squared.
WRITTEN_JS = """() => """ + SHOWN_CHARTS_JS + """.map(plot => {
  const holder = plot.closest('[class*="st-key-figure-"]');  // a page's chart; the report's has data-chart
  const name = holder ? [...holder.classList].find(c => c.startsWith('st-key-figure-'))
                      : plot.closest('[data-chart]')?.dataset.chart ?? '';
  const figure = plot.getBoundingClientRect();
  const texts = [...plot.querySelectorAll('.bartext, .annotation-text, .textpoint text')]
    .filter(t => t.textContent.trim()).map(t => {
      const drawn = t.getBoundingClientRect(), own = t.getBBox();
      return {text: t.textContent, box: [drawn.left, drawn.top, drawn.right, drawn.bottom],
              scale: Math.sqrt((drawn.width * drawn.height) / Math.max(own.width * own.height, 1e-6))};
    });
  return {name: name.replace('st-key-figure-', ''), figure: [figure.left, figure.top, figure.right, figure.bottom],
          texts};
})"""


def overlap(one: list[float], other: list[float]) -> float:
    """The px by which two boxes overlap in the direction they overlap least (0 when apart)."""
    across = min(one[2], other[2]) - max(one[0], other[0])
    down = min(one[3], other[3]) - max(one[1], other[1])
    return max(0.0, min(across, down))


def check_written_numbers(page: Page, path: str) -> dict[str, int]:
    """Every number written on the page's charts keeps its size, stays inside its figure and clear of the
    others; returns how many each chart wrote."""
    checked: dict[str, int] = {}
    for chart in page.evaluate(WRITTEN_JS):
        texts = chart["texts"]
        shrunk = [(t["text"], round(t["scale"], 2)) for t in texts if t["scale"] < 0.95]
        assert not shrunk, f"{path} {chart['name']}: written smaller than its size: {shrunk}"
        left, top, right, bottom = chart["figure"]
        outside = [t["text"] for t in texts if t["box"][0] < left - 1 or t["box"][2] > right + 1
                   or t["box"][1] < top - 1 or t["box"][3] > bottom + 1]
        assert not outside, f"{path} {chart['name']}: written past the figure's edge: {outside}"
        touching = [(a["text"], b["text"]) for a, b in itertools.combinations(texts, 2)
                    if overlap(a["box"], b["box"]) > 1]
        assert not touching, f"{path} {chart['name']}: written over each other: {touching[:5]}"
        checked[f"{path} {chart['name']}"] = len(texts)
    return checked
