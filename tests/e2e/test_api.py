"""The HTTP API, asked over HTTP of the very server that serves the dashboard (`streamlit run app.py`).

Every figure is compared with this file's own SQL on the file the server reads.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import shutil
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import frictionless
import pytest
from playwright.sync_api import Page, expect

from dashboard.bundles import (
    CACHE_ENV,
    QUIET_SECONDS,
    STATIC_ROOT,
    BundleCache,
    compressible_files,
    fill_cache,
    versioned,
)
from dashboard.metrics import CARD_METRICS
from etl import schema
from tests.open_data import unexpected
from translations import translate

from .harness import LOGS, RunningApp, open_page, start_app, stop_app

TABLES = ("participants", "activities", "benefits", "obstacles")
PRIVATE = {"full_name", "birth_date", "person_key"}


def get(app: RunningApp, path: str, query: str = "") -> tuple[int, dict[str, str], bytes]:
    """An endpoint of the API (``path`` below /api/v1), as a script asks."""
    return fetch(app, f"/api/v1/{path}" + (f"?{query}" if query else ""))


def sql(app: RunningApp, statement: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(app.database_file()), read_only=True) as connection:
        return connection.execute(statement, params or []).fetchall()


FILTERS = [
    ("", "TRUE", "TRUE"),
    ("year=2018", "year = 2018", "year = 2018"),
    ("year=2017&year=2019&field=tourism&field=youth_sports",
     "year IN (2017, 2019) AND field IN ('tourism', 'youth_sports')", "year IN (2017, 2019)"),
    ("direction=inbound&field=arts_culture", "field = 'arts_culture' AND direction = 'inbound'", "TRUE"),
]


@pytest.mark.parametrize(("query", "participants_where", "obstacles_where"), FILTERS)
@pytest.mark.parametrize("table", TABLES)
def test_table_endpoints_equal_sql(dashboard: RunningApp, table: str, query: str, participants_where: str,
                                   obstacles_where: str) -> None:
    where = {"participants": participants_where, "obstacles": obstacles_where}.get(
        table, participants_where.replace(" AND direction = 'inbound'", ""))
    ids = [row[0] for row in sql(dashboard, f"SELECT {schema.SHEETS_BY_NAME[table].id_column.name} FROM {table} "
                                            f"WHERE partner_city = 'beijing' AND {where} ORDER BY year, 1")]
    status, headers, body = get(dashboard, f"{table}.json", query)
    assert status == 200, body
    payload = json.loads(body)
    assert payload["total"] == len(ids) and [row[schema.SHEETS_BY_NAME[table].id_column.name]
                                              for row in payload["rows"]] == ids
    assert payload["data_version"] == dashboard.database_file().stem == headers["x-data-version"]
    assert payload["provisional_years"] == []
    # A filter the table's rows cannot answer is named, in the answer and its headers, not echoed as applied.
    not_applied = [name for name, given in (("field", "field=" in query), ("direction", "direction=" in query))
                   if given and (table == "obstacles" or (name == "direction" and table != "participants"))]
    assert payload["not_applied"] == not_applied and headers.get("x-not-applied") == (", ".join(not_applied) or None)
    assert not set(not_applied) & set(payload["filters"])
    assert not PRIVATE & set(payload["columns"]) and not PRIVATE & set(payload["rows"][0] if ids else {})
    assert headers["access-control-allow-origin"] == "*"
    status, headers, body = get(dashboard, f"{table}.csv", query)
    assert status == 200 and headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    assert rows[0] == payload["columns"] and len(rows) - 1 == len(ids)


def test_a_script_on_another_site_can_page_through_a_table(dashboard: RunningApp, page: Page) -> None:
    """CORS let another site's script fetch the rows but not read the headers it pages and checks by (the
    browser hides every header not exposed): Link, X-Total-Count, X-Data-Version, X-Not-Applied. Fetched in
    Chromium from the dashboard at 127.0.0.1 to the API at localhost, another origin."""
    open_page(page, dashboard.url("/glossary"))
    api = dashboard.url("/api/v1/obstacles.csv", "limit=5&field=tourism").replace("127.0.0.1", "localhost")
    seen = page.evaluate("""async url => {
        const response = await fetch(url, {mode: 'cors'});
        return Object.fromEntries(['link', 'x-total-count', 'x-data-version', 'x-not-applied']
            .map(name => [name, response.headers.get(name)]));
    }""", api)
    (total,), = sql(dashboard, "SELECT count(*) FROM obstacles")
    assert seen["x-total-count"] == str(total) and seen["x-data-version"] == dashboard.database_file().stem
    assert seen["link"] and "offset=5" in seen["link"] and seen["x-not-applied"] == "field", seen


def test_pages_are_bounded_and_linked(dashboard: RunningApp) -> None:
    (total,), = sql(dashboard, "SELECT count(*) FROM participants")
    seen: list[str] = []
    query = "limit=100"
    while query:
        status, _, body = get(dashboard, "participants.json", query)
        payload = json.loads(body)
        assert status == 200 and len(payload["rows"]) <= 100
        seen += [row["participant_id"] + str(row["year"]) for row in payload["rows"]]
        query = payload["next"].split("?", 1)[1] if payload["next"] else ""
    assert len(seen) == len(set(seen)) == total
    assert get(dashboard, "participants.json", "limit=50001")[0] == 400


def test_an_offset_past_the_last_row_gives_no_rows(dashboard: RunningApp) -> None:
    """However large: 2**64 overflowed DuckDB's BIGINT OFFSET (a 500)."""
    (total,), = sql(dashboard, "SELECT count(*) FROM participants WHERE partner_city = 'beijing'")
    for offset in (total, 2**64):
        status, headers, body = get(dashboard, "participants.json", f"offset={offset}")
        payload = json.loads(body)
        assert status == 200 and payload["rows"] == [] and payload["next"] is None, body[:300]
        assert payload["total"] == total and payload["offset"] == offset and "link" not in headers
        status, _, body = get(dashboard, "participants.csv", f"offset={offset}")
        assert status == 200 and body.decode("utf-8").splitlines() == [",".join(payload["columns"])]
    assert get(dashboard, "summary.json", "year=%C2%B2")[0] == 400


def test_summary_names_figures_as_the_dashboard(dashboard: RunningApp) -> None:
    status, _, body = get(dashboard, "summary.json", "lang=en&year=2018&direction=outbound")
    assert status == 200
    summary = json.loads(body)
    assert summary["year"] == 2018 and summary["compared_with"] == 2017
    figures = {figure["key"]: figure for figure in summary["figures"]}
    assert [figure["key"] for figure in summary["figures"]] == [metric.key for metric in CARD_METRICS]
    assert figures["applicants"]["name"] == "Applicants"
    (applicants, delegates, activities), = sql(dashboard, """
        SELECT (SELECT count(*) FROM participants WHERE year = 2018 AND direction = 'outbound'),
               (SELECT count(*) FROM participants WHERE year = 2018 AND direction = 'outbound'
                AND status = 'delegate'),
               (SELECT count(*) FROM activities WHERE year = 2018)""")
    assert figures["applicants"]["value"] == applicants
    assert figures["selection_rate"]["value"] == pytest.approx(delegates / applicants)
    assert figures["activities"]["value"] == activities
    # Only Jakarta's delegates chosen, Beijing's have nothing to count: no value, not a 0 read as "none came".
    (outbound,), = sql(dashboard, "SELECT count(*) FROM participants WHERE year = 2018 AND direction = 'outbound' "
                                  "AND status = 'delegate'")
    assert figures["delegates_outbound"]["value"] == outbound > 0
    assert {key: figures["delegates_inbound"][key] for key in ("value", "previous", "change", "formatted")} == {
        "value": None, "previous": None, "change": None, "formatted": "–"}
    # Each figure names the filters given that do not narrow it, as the pages say (only participants travel).
    assert {key: figure["not_applied"] for key, figure in figures.items()} == {
        metric.key: [] if metric.sheet == "participants" else ["direction"] for metric in CARD_METRICS}
    fields = json.loads(get(dashboard, "summary.json", "year=2018&field=tourism&direction=inbound")[2])
    assert {figure["key"]: figure["not_applied"] for figure in fields["figures"]}["obstacles"] == ["field", "direction"]
    # As of when, as the pages say it: the latest load or status change (own SQL), in UTC.
    (updated,), = sql(dashboard, """SELECT strftime(greatest((SELECT max(loaded_at) FROM loads),
        coalesce((SELECT max(changed_at) FROM year_status), '-infinity'::TIMESTAMP)), '%Y-%m-%dT%H:%M:%SZ')""")
    assert summary["updated_at"] == updated
    for path in ("participants.json", "", "activities.json?limit=1"):
        assert json.loads(fetch(dashboard, f"/api/v1/{path}".rstrip("/"))[2])["updated_at"] == updated, path
    chinese = json.loads(get(dashboard, "summary.json", "lang=zh&year=2018")[2])
    assert chinese["figures"][0]["name"] == "申请人" and chinese["figures"][0]["value"] is not None


@pytest.mark.parametrize(("query", "parameter", "says"), [
    ("lang=en&field=Seni+dan+budaya", "field", "is a label; the API takes codes: use field=arts_culture"),
    ("lang=en&field=Arts+and+culture", "field", "use field=arts_culture"),
    ("lang=en&direction=Jakarta+ke+kota+mitra", "direction", "use direction=outbound"),
    ("lang=en&partner=Beijing", "partner", "use partner=beijing"),
    ("lang=en&year=2031", "year", "not a loaded program year"),
    ("lang=en&colour=red", "colour", "Unknown parameter 'colour'"),
    ("lang=en&limit=ten", "limit", "must be a whole number from 1 to 50000"),
    # str.isdigit accepts both; int() refused the first (a 500) and read the second as 1
    ("lang=en&limit=%C2%B2", "limit", "whole number"),
    ("lang=en&offset=%EF%BC%91", "offset", "must be a whole number, 0 or more"),
    ("lang=en&year=%C2%B2", "year", "not a loaded program year"),
    # In the language the request asks for: Indonesian by default, as the dashboard, and for a lang it lacks.
    ("field=Arts+and+culture", "field", "adalah label; API menerima kode: gunakan field=arts_culture"),
    ("year=2031", "year", "bukan tahun program yang dimuat: gunakan salah satu dari 2017, 2018, 2019"),
    ("lang=fr", "lang", "lang='fr' bukan bahasa dasbor: gunakan salah satu dari id, en, zh"),
    ("lang=zh&partner=Beijing", "partner", "是标签；API 只接受代码：请使用 partner=beijing"),
    ("lang=zh&colour=red", "colour", "未知参数“colour”"),
    # A list as the message's language writes one: Chinese with 、, as its catalogue ("csv、json"), not ", ".
    ("lang=zh&year=2031", "year", "请使用 2017、2018、2019\u00a0之一。"),
    ("lang=zh&direction=up", "direction", "请使用 both、outbound、inbound\u00a0之一。"),
    ("lang=zh&colour=red", "colour", "可用参数：lang、year、partner、field、direction、limit、offset。"),
    ("lang=en&direction=up", "direction", "use one of both, outbound, inbound."),
    ("lang=zh&lang=en", "lang", "参数“lang”给出了 2\u00a0次"),
])
def test_bad_parameters_get_a_400_naming_them(dashboard: RunningApp, query: str, parameter: str, says: str) -> None:
    """A 400 names the parameter and the value refused and says what to use, in the request's language (the
    messages were English whatever the lang: an Indonesian reuser asking for lang=id read English)."""
    status, headers, body = get(dashboard, "activities.json", query)
    error = json.loads(body)["error"]
    assert status == 400 and error["parameter"] == parameter and says in error["message"], error
    assert headers["access-control-allow-origin"] == "*"


def test_the_data_package_served_is_valid_and_whole(dashboard: RunningApp) -> None:
    """frictionless reads the descriptor and every CSV endpoint it points at from the running server, as a
    reuser would: valid (but for benefits measured for no single activity, as for the package file), and
    every published row of every table in it."""
    status, _, body = get(dashboard, "datapackage.json")
    assert status == 200, body
    resources = {resource["name"]: resource for resource in json.loads(body)["resources"]}
    assert set(resources) == set(TABLES)
    assert all(resource["path"].startswith(dashboard.url("/api/v1/")) for resource in resources.values())
    report = frictionless.validate(dashboard.url("/api/v1/datapackage.json"))
    assert unexpected(report) == []
    rows = {task.name: task.stats["rows"] for task in report.tasks}
    assert rows == {table: sql(dashboard, f"SELECT count(*) FROM {table}")[0][0] for table in TABLES}


FIELD_TYPES: dict[str, Callable[[Any], bool]] = {
    "date": lambda value: isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) is not None,
    "integer": lambda value: type(value) is int, "number": lambda value: type(value) in (int, float),
    "boolean": lambda value: type(value) is bool, "string": lambda value: type(value) is str}


def test_json_values_have_the_types_the_data_package_gives_their_fields(dashboard: RunningApp) -> None:
    """A program reads the JSON rows by the data package's field types: a date as the CSV writes it,
    "2019-07-15" (it was "2019-07-15T00:00:00.000", a moment at midnight), an integer as a whole number. The
    summary's counts are whole numbers too (131, where it sent 131.0), its shares fractions."""
    for resource in json.loads(get(dashboard, "datapackage.json")[2])["resources"]:
        table = resource["name"]
        rows = json.loads(get(dashboard, f"{table}.json", "limit=1000")[2])["rows"]
        written = list(csv.DictReader(io.StringIO(get(dashboard, f"{table}.csv", "limit=1000")[2].decode("utf-8"))))
        assert rows and len(written) == len(rows)
        for field in resource["schema"]["fields"]:
            values = [row[field["name"]] for row in rows]
            wrong = [value for value in values if value is not None and not FIELD_TYPES[field["type"]](value)]
            assert wrong == [], (table, field["name"], wrong[:3])
            if field["type"] == "date":
                assert values == [row[field["name"]] or None for row in written], (table, field["name"])
    figures = json.loads(get(dashboard, "summary.json", "lang=en&year=2018")[2])["figures"]
    typed = {(figure["key"], key): type(figure[key]) for figure in figures for key in ("value", "previous", "change")}
    assert typed == {(figure["key"], key): float if figure["unit"] == "percent" else int
                     for figure in figures for key in ("value", "previous", "change")}


@pytest.mark.parametrize(("query", "parameter", "says"), [
    ("year=2018", "year", "tidak menerima filter: untuk year=2018, mintalah endpoint suatu tabel, misalnya "
                          "participants.csv?year=2018"),
    ("lang=en", "lang", "takes no filter: for lang=en, ask a table's endpoint, as participants.csv?lang=en"),
    ("lang=zh", "lang", "不接受筛选条件"),
    ("limit=10", "limit", "Parameter 'limit' tidak dikenal"),
])
def test_the_data_package_refuses_a_filter(dashboard: RunningApp, query: str, parameter: str, says: str) -> None:
    """It is always the whole published data: year=2018 used to be ignored, and every year served as 2018's."""
    status, _, body = get(dashboard, "datapackage.json", query)
    error = json.loads(body)["error"]
    assert status == 400 and error["parameter"] == parameter and says in error["message"], error


def test_unknown_endpoint_is_404(dashboard: RunningApp) -> None:
    assert get(dashboard, "people.json")[0] == 404
    tables = "participants、activities、benefits、obstacles"  # listed as Chinese lists them
    status, _, body = get(dashboard, "people.json", "lang=zh")
    assert status == 404 and f"表：{tables}，" in json.loads(body)["error"]["message"]
    # The summary is JSON alone: asked as CSV, the answer names the JSON (it named the tables only).
    status, _, body = get(dashboard, "summary.csv")
    assert status == 404 and "summary.json" in json.loads(body)["error"]["message"]
    status, _, body = fetch(dashboard, "/api/v1/summary?lang=zh")
    assert status == 404 and f"以及 {tables}（" in json.loads(body)["error"]["message"]


def fetch(app: RunningApp, path: str, accept: str = "*/*") -> tuple[int, dict[str, str], bytes]:
    """A GET of any path of the app, as a script (``*/*``) or a browser's address bar (text/html) asks."""
    request = urllib.request.Request(app.url(path), headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.mark.parametrize("lang", ["id", "zh"])
def test_the_index_lists_every_endpoint_and_the_codes_it_takes(dashboard: RunningApp, lang: str) -> None:
    """/api/v1 was Streamlit's page (HTML): a program had no way to learn the endpoints and codes but the
    README. Every endpoint it lists answers; every code it offers is accepted, and labelled in ``lang``."""
    status, headers, body = fetch(dashboard, f"/api/v1?lang={lang}")
    assert status == 200 and headers["content-type"] == "application/json", body[:200]
    index = json.loads(body)
    assert index["lang"] == lang and index["title"] == translate(lang, "app.title")
    assert index["data_version"] == json.loads(get(dashboard, "summary.json")[2])["data_version"]
    years = [year for (year,) in sql(dashboard, "SELECT DISTINCT year FROM participants ORDER BY year")]
    parameters = index["parameters"]
    assert [value["code"] for value in parameters["year"]["values"]] == years
    assert {value["code"]: value["label"] for value in parameters["field"]["values"]} == schema.FIELD.labels(lang)
    assert [value["code"] for value in parameters["direction"]["values"]] == ["both", *schema.DIRECTION.codes]
    assert [value["code"] for value in parameters["lang"]["values"]] == ["id", "en", "zh"]
    urls = [endpoint["url"] for endpoint in index["endpoints"]]
    assert urls == [dashboard.url("/api/v1/summary.json"),
                    *(dashboard.url(f"/api/v1/{table}.{form}") for table in TABLES for form in ("json", "csv")),
                    dashboard.url("/api/v1/datapackage.json")]
    for endpoint in index["endpoints"]:
        assert set(endpoint["parameters"]) <= set(parameters), endpoint
        # Every parameter it names, with a value the index offers, is accepted.
        query = urllib.parse.urlencode([(name, _offered(parameters[name])) for name in endpoint["parameters"]
                                        if "values" in parameters[name]])
        with urllib.request.urlopen(endpoint["url"] + (f"?{query}" if query else ""), timeout=60) as response:
            assert response.status == 200, endpoint["url"]
    obstacles = next(endpoint for endpoint in index["endpoints"] if endpoint["url"].endswith("obstacles.json"))
    assert obstacles["not_applied"] == ["field", "direction"]
    # What each endpoint answers and each parameter means is written in lang too (it was English in every lang).
    assert obstacles["answers"].startswith(schema.OBSTACLES.description(lang)), obstacles
    limit = {"id": "baris per jawaban (bawaan 10.000, paling banyak 50.000)",
             "zh": "每次响应的行数（默认 10,000，最多 50,000）"}[lang]
    assert parameters["limit"]["means"] == limit
    assert parameters["field"]["means"] == {"id": "bidang kerja sama; ulangi untuk beberapa bidang; tanpa bidang: "
                                                   "semua bidang",
                                            "zh": "合作领域；多个领域可重复此参数；不给：全部领域"}[lang]
    assert fetch(dashboard, "/api/v1/")[2] == fetch(dashboard, "/api/v1")[2]  # the slash changes nothing


@pytest.mark.parametrize("lang", ["id", "zh"])
def test_the_data_page_leads_programs_to_the_index(dashboard: RunningApp, page: Page, lang: str) -> None:
    """The Data page offered files only: a program's author had to find the API in the README."""
    open_page(page, dashboard.url("/data", f"lang={lang}"))
    link = page.get_by_role("link", name=re.sub(r".*\[(.+?)\].*", r"\1", translate(lang, "data.api_intro")))
    expect(link).to_have_count(1)
    href = link.get_attribute("href")
    resolved = page.evaluate("href => new URL(href, document.baseURI).href", href)
    assert resolved == dashboard.url("/api/v1", f"lang={lang}"), resolved
    with urllib.request.urlopen(resolved, timeout=60) as response:
        assert json.loads(response.read())["lang"] == lang


def _offered(parameter: dict[str, Any]) -> str:
    """The last code the index offers for a parameter (not the default, where it has one)."""
    return str(parameter["values"][-1]["code"])


@pytest.mark.parametrize(("query", "says"), [("year=2018", "indeks hanya menerima lang"),
                                             ("lang=en&year=2018", "the index takes only lang")])
def test_the_index_refuses_a_filter(dashboard: RunningApp, query: str, says: str) -> None:
    status, _, body = fetch(dashboard, f"/api/v1?{query}")
    error = json.loads(body)["error"]
    assert status == 400 and error["parameter"] == "year" and says in error["message"], error


@pytest.mark.parametrize("path", ["/api", "/api/", "/api/v1/summary", "/api/v1/participants",
                                  "/api/v2/summary.json", "/api/v1/summary.json/extra"])
@pytest.mark.parametrize("accept", ["*/*", "text/html,application/xhtml+xml"])
def test_any_other_path_under_api_is_a_json_404_pointing_at_the_index(dashboard: RunningApp, path: str,
                                                                      accept: str) -> None:
    """Was Streamlit's page, HTML with a 200 (a script asking for `summary` read HTML as if it had worked),
    and a browser asking for /api was sent to the Overview."""
    status, headers, body = fetch(dashboard, path, accept)
    assert status == 404 and headers["content-type"] == "application/json", (path, status, body[:120])
    error = json.loads(body)["error"]
    assert error["index"] == "/api/v1" and path in error["message"], error
    assert headers["access-control-allow-origin"] == "*"


@pytest.mark.parametrize("path", ["/", "/participation?lang=zh&frame=page", "/api/v1/summary.json",
                                  "/api/v1/participants.csv", "/api/v1", "/api/v1/nope", "/_stcore/health",
                                  "/favicon.png", "SCRIPT"])
def test_every_response_is_taken_as_the_type_it_is_sent_as(dashboard: RunningApp, path: str) -> None:
    """No header said so: a browser guessing types could run a workbook's text in the API's CSV as a page."""
    if path == "SCRIPT":  # Streamlit's own bundle, as the page names it (nosniff refuses a script of another type)
        page = fetch(dashboard, "/", "text/html")[2].decode()
        path = "/" + re.search(r'<script[^>]+src="\./([^"]+\.js)"', page).group(1)
    status, headers, _ = fetch(dashboard, path, "text/html" if "?" in path or path == "/" else "*/*")
    assert headers["x-content-type-options"] == "nosniff", (path, status, headers)
    if path.endswith(".js"):
        assert headers["content-type"] in ("application/javascript", "text/javascript"), headers


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
@pytest.mark.parametrize("path", ["/api/v1/summary.json", "/api/v1/participants.csv?lang=en", "/api/v1",
                                  "/api/nope?lang=zh"])
def test_a_write_is_told_the_api_is_read_only(dashboard: RunningApp, method: str, path: str) -> None:
    """Was Starlette's plain-text "Method Not Allowed" (or Streamlit's page), where every other error is JSON;
    said in the request's language (Indonesian by default)."""
    request = urllib.request.Request(dashboard.url(path), data=b"{}", method=method)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 405 and refused.value.headers["allow"] == "GET, HEAD, OPTIONS"
    error = json.loads(refused.value.read())["error"]
    says = "read-only" if "lang=en" in path else "只读" if "lang=zh" in path else "hanya-baca"
    assert error["status"] == 405 and method in error["message"] and says in error["message"], error


def test_preflight_allows_get_from_other_sites(dashboard: RunningApp) -> None:
    request = urllib.request.Request(dashboard.url("/api/v1/summary.json"), method="OPTIONS")
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 204
        assert "GET" in response.headers["access-control-allow-methods"]


def _bundle(app: RunningApp, path: str, encoding: str) -> tuple[dict[str, str], bytes]:
    request = urllib.request.Request(app.url(path), headers={"Accept-Encoding": encoding})
    with urllib.request.urlopen(request, timeout=30) as response:
        return dict(response.headers), response.read()


def test_streamlits_bundles_are_sent_compressed(dashboard: RunningApp) -> None:
    """Plotly's bundle (4.7 MB, the largest of a first visit): compressed once the server is quiet, then gzipped."""
    name = next(name for name in compressible_files() if name.startswith("static/js/PlotlyChart"))
    original = (STATIC_ROOT / name).read_bytes()
    deadline = time.monotonic() + 90
    while True:  # each request restarts the server's quiet time: ask again only after it
        headers, body = _bundle(dashboard, "/" + name, "gzip, deflate, br")
        if headers.get("content-encoding") == "gzip" or time.monotonic() > deadline:
            break
        assert body == original and headers["vary"] == "Accept-Encoding"  # whole, as Streamlit sends it
        time.sleep(QUIET_SECONDS + 1)
    assert headers.get("content-encoding") == "gzip"
    assert len(body) < len(original) / 2 and gzip.decompress(body) == original
    headers, body = _bundle(dashboard, "/" + name, "identity")
    assert "content-encoding" not in {key.lower() for key in headers} and body == original
    kept = BundleCache(versioned(dashboard.bundle_cache)).path(name)
    assert gzip.decompress(kept.read_bytes()) == original  # for the server's next start


def test_a_restarted_server_sends_bundles_compressed_at_once(sample_warehouse_dir: Path, tmp_path: Path) -> None:
    """With the copies the set-up (python -m dashboard.bundles) or a previous start kept, the first
    request already gets Plotly's bundle compressed; a copy that does not match is not sent."""
    name = next(name for name in compressible_files() if name.startswith("static/js/PlotlyChart"))
    stale = next(other for other in sorted(compressible_files()) if other.endswith(".js") and other != name)
    original = (STATIC_ROOT / name).read_bytes()
    cache = BundleCache(versioned(tmp_path / "cache"))
    assert fill_cache(cache, {name: STATIC_ROOT / name}) == (1, 0)
    cache.save(stale, gzip.compress(b"not the file Streamlit has"))
    shutil.copytree(sample_warehouse_dir, tmp_path / "data", symlinks=True)
    app = start_app(tmp_path / "data" / "warehouse.duckdb", LOGS / "streamlit-restarted.log",
                    extra_env={CACHE_ENV: str(tmp_path / "cache")})
    try:
        # The copies are read beside the start. Asked every 0.2 s, the server is never quiet long
        # enough to compress anything itself: a compressed answer can only be the kept copy.
        deadline = time.monotonic() + QUIET_SECONDS - 1
        while True:
            headers, body = _bundle(app, "/" + name, "gzip, deflate, br")
            assert gzip.decompress(body) == original if headers.get("content-encoding") else body == original
            if headers.get("content-encoding") == "gzip" or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert headers.get("content-encoding") == "gzip"
        headers, body = _bundle(app, "/" + stale, "gzip, deflate, br")
        assert "content-encoding" not in {key.lower() for key in headers}
        assert body == (STATIC_ROOT / stale).read_bytes()
    finally:
        stop_app(app)


@pytest.mark.parametrize("page, relation", [
    ("/", "rel=modulepreload; crossorigin"), ("/participation", "rel=modulepreload; crossorigin"),
    # Without charts: fetched at the lowest priority for the next page; a preload would compete with this one.
    ("/glossary", "rel=prefetch"), ("/signin", "rel=prefetch"),
])
def test_pages_ask_for_plotlys_bundle_early(dashboard: RunningApp, page: str, relation: str) -> None:
    """Every page names Plotly's bundle in a Link header, at a path the server answers."""
    with urllib.request.urlopen(dashboard.url(page), timeout=30) as response:
        link = response.headers["link"]
        assert response.headers["content-type"].startswith("text/html")
    target = link.split(">")[0].removeprefix("<")
    assert "/static/js/PlotlyChart." in target and link.endswith(f"; {relation}")
    with urllib.request.urlopen(urllib.parse.urljoin(dashboard.url(page), target), timeout=30) as response:
        assert response.status == 200 and len(response.read()) > 1_000_000


def test_streamlits_agent_api_stays_off(dashboard: RunningApp) -> None:
    """Streamlit 1.67 can serve an app to programs over HTTP without a browser (its experimental agent
    API): it would reach the Upload page's controls without the browser's protections. Off in the
    configuration, whatever a later release defaults to; programs use /api/v1."""
    request = urllib.request.Request(dashboard.url("/_stcore/agent/interact"), data=b"{}", method="POST",
                                     headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 403
    assert json.loads(refused.value.read())["error"]["code"] == "not_available"
