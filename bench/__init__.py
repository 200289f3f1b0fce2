"""The benchmark: `python -m bench` (full) or `python -m bench --quick` (smoke run, ~2–3 min).

Measures, and prints next to each figure the target from the Speed quality bar
(SPEC.md); it never asserts a timing. Sections:

(a) ETL throughput of the real validate+load path on a 100k-row workbook, against
    the bare fastexcel read ("the limit") and a naive pandas/openpyxl/executemany path.
(b) Every page's full script run (AppTest), cold and warm, and its queries alone,
    against a pandas baseline, at sample size and at 1M and 10M participant rows.
(c) Peak memory (VmHWM) of the `streamlit run` server after opening every page.
(d) From `streamlit run` to a healthy server and to the first chart drawn.

Results: the terminal, artifacts/bench/results.md (same tables) and results.json.
Generated inputs (workbooks, big warehouses) are cached under artifacts/bench/cache/.
"""
