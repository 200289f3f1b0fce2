"""The public HTTP API, served by the same process as the dashboard (app.py mounts these routes).

Read-only, GET only, open to other sites (CORS), under the server's base path:

- ``/api/v1/{participants,activities,benefits,obstacles}.{csv,json}``: the rows
  of a table for the filters, with the same columns as the Data page's
  downloads (no name, birth date or pseudonym), ``limit`` (at most
  MAX_LIMIT rows) and ``offset`` to page through them;
- ``/api/v1/summary.json``: the headline figures for the filters, named and
  defined as the dashboard names them (the metric catalogue), in ``lang``;
- ``/api/v1/datapackage.json``: the Frictionless descriptor of the whole
  published data (etl.package); it takes no parameters;
- ``/api/v1``: the index: every endpoint, what it answers and takes, and each
  parameter's accepted codes with their labels in ``lang``.

Any other path under ``/api`` is answered with a 404 in JSON pointing at the
index (Streamlit would otherwise answer it with its page's HTML and a 200, and
a script asking for ``summary`` instead of ``summary.json`` would read HTML).

Filters are the dashboard's own vocabulary of codes (dashboard.params): the
API takes codes only and answers a label, an unknown parameter or value with
400 and a message naming it. Every message and the index's prose are written in
the request's ``lang`` (Indonesian by default, as the dashboard; the catalogue's
``api`` section); parameter names, codes and JSON keys are the same in every
language. Responses are cached per data version (a load publishes a new
version, so nothing stale is served) and carry it, with the years whose figures
are provisional.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from dashboard import params
from dashboard.metrics import PERIOD_NAMES, Metric, Period
from dashboard.params import (
    DEFAULT_DIRECTION,
    DIRECTION,
    DIRECTIONS,
    FIELD,
    FILTER_HELP,
    FILTER_PARAMS,
    LANG,
    NOT_NARROWING,
    PARTNER,
    YEAR,
    ApiError,
    BadParameter,
    View,
    parse_api,
    request_language,
    whole_number,
)
from etl import schema
from etl.problems import LocalList
from etl.warehouse import Warehouse
from translations import LANGUAGE_NAMES, format_list, format_number, translate

if TYPE_CHECKING:
    import pandas as pd

    from dashboard.queries import Scope

ROOT = "api"  # below the base path: every path under it is the API's (dashboard.missing_pages leaves it alone)
INDEX_PATH = f"{ROOT}/v1"  # the index, and the folder of every endpoint
TABLES = tuple(sheet.name for sheet in schema.SHEETS)
DEFAULT_LIMIT = 10_000
MAX_LIMIT = 50_000
CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET, OPTIONS",
        "Access-Control-Allow-Headers": "Accept, Content-Type", "Access-Control-Max-Age": "86400",
        # A script on another site reads only the headers listed here: without them it could not page on.
        "Access-Control-Expose-Headers": "Link, X-Data-Version, X-Total-Count, X-Not-Applied"}
CACHE = {"Cache-Control": "public, max-age=60"}
WRITES = ("POST", "PUT", "PATCH", "DELETE")
# The parameters a table's endpoint takes beside the filters, and what each means (catalogue keys).
PAGING = {"limit": "api.means_limit", "offset": "api.means_offset"}
CSV_OPTIONS = {**PAGING, "header": "api.means_header"}


def _queries() -> ModuleType:
    """dashboard.queries, imported when first asked: app.py imports this module before Streamlit's runtime
    starts, and a module-level @st.cache_data would then be set up against a temporary store (and warn)."""
    from dashboard import queries

    return queries


def routes(base_path: str | None) -> list[BaseRoute]:
    """The API's routes under the server's base path (custom routes do not get it by themselves)."""
    prefix = "/" + (base_path or "").strip("/") if (base_path or "").strip("/") else ""
    api = f"{prefix}/{INDEX_PATH}"
    methods = ["GET", "OPTIONS", *WRITES]  # a write is answered, in JSON, that the API is read-only
    return [
        Route(f"{api}/summary.json", _endpoint(_summary), methods=methods),
        Route(f"{api}/datapackage.json", _endpoint(_datapackage), methods=methods),
        Route(api + "/{table}.{extension}", _endpoint(_table), methods=methods),
        Route(api, _endpoint(_index), methods=methods),
        Route(f"{api}/", _endpoint(_index), methods=methods),
        # Last: any other path under /api is no endpoint, not a page of Streamlit's (HTML and a 200).
        Route(f"{prefix}/{ROOT}", _no_endpoint(api), methods=methods),
        Route(f"{prefix}/{ROOT}/" + "{rest:path}", _no_endpoint(api), methods=methods),
    ]


class NotFound(ApiError, LookupError):
    """A path that is no endpoint (a 404)."""


Handler = Callable[[Request, "_Data"], Response]


def _endpoint(handler: Handler) -> Callable[[Request], Response]:
    """Common to every endpoint: preflight, the published version, errors as JSON, CORS and caching headers."""

    def endpoint(request: Request) -> Response:
        answered = _not_a_read(request)
        if answered is not None:
            return answered
        lang = _language(request)
        try:
            response = handler(request, _Data.current())
        except BadParameter as bad:
            response = _error(400, bad.message(lang), parameter=bad.parameter, value=bad.value)
        except NotFound as missing:
            response = _error(404, missing.message(lang))
        except FileNotFoundError:
            response = _error(503, translate(lang, "api.not_built"))
        response.headers.update(CORS)
        return response

    return endpoint


def _no_endpoint(index: str) -> Callable[[Request], Response]:
    """A path under /api that is no endpoint: a 404 naming the index (``index``, its path on this server).
    The warehouse is not asked: a mistyped path is answered alike whether it is built or not."""

    def endpoint(request: Request) -> Response:
        answered = _not_a_read(request)
        if answered is not None:
            return answered
        lang = _language(request)
        response = _error(404, translate(lang, "api.no_endpoint", path=request.url.path, index=index,
                                         tables=format_list(TABLES, lang)), index=index)
        response.headers.update(CORS)
        return response

    return endpoint


def _not_a_read(request: Request) -> Response | None:
    """The answer to a preflight (204) or a write (405: the API is read-only), common to every route; None
    for a read."""
    if request.method == "OPTIONS":
        return Response(status_code=204, headers=CORS)
    if request.method in WRITES:
        response = _error(405, translate(_language(request), "api.read_only", method=request.method))
        response.headers.update({**CORS, "Allow": "GET, HEAD, OPTIONS"})
        return response
    return None


def _language(request: Request) -> str:
    """The language of a request's messages: its lang, if the dashboard speaks it, else Indonesian (the API's
    default, as the dashboard's)."""
    return request_language(request.query_params.multi_items())


def _error(status: int, message: str, **details: object) -> JSONResponse:
    return JSONResponse({"error": {"status": status, "message": message, **details}}, status_code=status)


class _Data:
    """The published version a request reads: cursor, version name and what it holds."""

    def __init__(self, warehouse: Warehouse):
        self.cursor, current = warehouse.shared_cursor()
        self.version = current.stem
        self.key = f"{current}@{current.stat().st_mtime_ns}"
        self.warehouse = warehouse

    @classmethod
    def current(cls) -> _Data:
        return cls(Warehouse())

    def available(self) -> tuple[list[int], list[str]]:
        options = _cached(self, "available", None)
        years = [int(value) for value in options.loc[options["kind"] == "year", "value"]]
        partners = list(options.loc[options["kind"] == "partner", "value"]) or [schema.DEFAULT_PARTNER_CITY]
        return years, partners

    def provisional(self) -> list[int]:
        return sorted(int(year) for year in _cached(self, "provisional_years", None)["year"])

    def updated_at(self) -> str | None:
        """When the published data last changed (the pages' "data updated"), ISO 8601 in UTC; None before
        any load."""
        from pandas import isna  # see _queries: pandas is imported when first asked

        moment = _cached(self, "last_update", None)["updated_at"].iloc[0]
        return None if isna(moment) else moment.strftime("%Y-%m-%dT%H:%M:%SZ")

    def scope(self, view: View) -> Scope:
        years, _ = self.available()
        return _queries().Scope(view.years or tuple(years), view.partner, view.fields or schema.FIELD.codes,
                                view.direction)


# Answers and pages kept per (data version, request): a load publishes a new version, so an old
# answer is never served again and drops out as new ones come in (oldest first).
ANSWERS_KEPT = 256
PAGES_KEPT = 64
_ANSWERS: dict[tuple[str, str, Scope | None], pd.DataFrame] = {}
_PAGES: dict[tuple[str, str, Scope, int, int, str, bool], tuple[bytes, int, int]] = {}


def _remember(cache: dict, entry: tuple, kept: int, compute: Callable[[], Any]) -> Any:
    if entry not in cache:
        if len(cache) >= kept:
            cache.pop(next(iter(cache)))
        cache[entry] = compute()
    return cache[entry]


def _cached(data: _Data, query: str, scope: Scope | None) -> pd.DataFrame:
    """A query's answer, cached per (data version, query, the filters it reads), as the pages cache theirs."""
    narrowed = _queries().answer_scope(query, scope)
    return _remember(_ANSWERS, (data.key, query, narrowed), ANSWERS_KEPT,
                     lambda: _queries().QUERIES[query](data.cursor, narrowed))  # type: ignore[arg-type]


def _view(request: Request, data: _Data, extra: dict[str, str] | None = None) -> tuple[View, dict[str, str]]:
    years, partners = data.available()
    return parse_api(request.query_params.multi_items(), years, partners, extra)


def _filters(view: View, scope: Scope) -> dict[str, object]:
    return {"lang": view.lang, "year": list(scope.years), "partner": scope.partner, "field": list(scope.fields),
            "direction": scope.direction}


# -- /{table}.{csv,json} --------------------------------------------------------------

def _table(request: Request, data: _Data) -> Response:
    table, extension = request.path_params["table"], request.path_params["extension"]
    if table not in TABLES or extension not in ("csv", "json"):
        raise NotFound("api.no_table", table=table, extension=extension, tables=LocalList(TABLES))
    view, options = _view(request, data, CSV_OPTIONS if extension == "csv" else PAGING)
    limit = _whole(options, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    offset = _whole(options, "offset", 0, 0, None)
    header = options.get("header", "true")
    if header not in ("true", "false"):
        raise BadParameter("header", header, "api.true_or_false", name="header", value=header)
    scope = data.scope(view)
    body, total, shown = _page(data, table, scope, limit, offset, extension, header == "true")
    not_applied = params.not_applied(table, view.fields, view.direction)
    headers = {**CACHE, "X-Data-Version": data.version, "X-Total-Count": str(total)}
    if not_applied:
        headers["X-Not-Applied"] = ", ".join(not_applied)
    next_url = _next(request, view, data, offset + shown, limit) if offset + shown < total else None
    if next_url:
        headers["Link"] = f'<{next_url}>; rel="next"'
    if extension == "csv":
        return Response(body, media_type="text/csv; charset=utf-8", headers=headers)
    payload = {"data_version": data.version, "updated_at": data.updated_at(),
               "provisional_years": data.provisional(), "table": table,
               "filters": {name: value for name, value in _filters(view, scope).items()
                           if name not in NOT_NARROWING[table]},
               "not_applied": not_applied, "total": total, "offset": offset, "limit": limit,
               "next": next_url, "columns": _queries().export_columns(table), "rows": json.loads(body)}
    return JSONResponse(payload, headers=headers)


def _whole(values: dict[str, str], name: str, default: int, low: int, high: int | None) -> int:
    text = values.get(name)
    if text is None:
        return default
    number = whole_number(text)
    if number is None or number < low or (high is not None and number > high):
        if high is None:
            raise BadParameter(name, text, "api.whole_from", name=name, value=text, low=low)
        raise BadParameter(name, text, "api.whole_between", name=name, value=text, low=low, high=high)
    return number


def _next(request: Request, view: View, data: _Data, offset: int, limit: int) -> str:
    years, _ = data.available()
    query = [*view.query(years), ("limit", str(limit)), ("offset", str(offset))]
    return str(request.url.replace(query=urlencode(query)))


def _page(data: _Data, table: str, scope: Scope, limit: int, offset: int, extension: str,
          header: bool) -> tuple[bytes, int, int]:
    """(body, total rows, rows in this page), cached per data version and request."""

    def compute() -> tuple[bytes, int, int]:
        counts = _cached(data, "export_counts", scope)
        total = int(counts.loc[counts["table"] == table, "rows"].iloc[0])
        # Past the last row there are none: DuckDB is not asked (its OFFSET is a BIGINT, which a larger
        # number given in a link would overflow).
        rows = _queries().export_rows(data.cursor, table, scope, limit=limit, offset=min(offset, total))
        if extension == "csv":
            # Machine-readable: values exactly as stored (as in the open data package), no byte-order mark;
            # the page's downloads, meant for spreadsheets, are the ones guarded against formulas.
            body = rows.to_csv(index=False, header=header, lineterminator="\r\n").encode("utf-8")
        else:
            body = _json_records(rows, table)
        return body, total, len(rows)

    return _remember(_PAGES, (data.key, table, scope, limit, offset, extension, header), PAGES_KEPT, compute)


def _json_records(rows: Any, table: str) -> bytes:
    """The rows as JSON records, a date written as the CSV and the data package's "date" field write it
    ("2019-07-15"; pandas wrote a moment at midnight, "2019-07-15T00:00:00.000")."""
    dates = {column.name: rows[column.name].dt.strftime("%Y-%m-%d")
             for column in schema.SHEETS_BY_NAME[table].published_columns
             if column.kind is schema.Kind.DATE and column.name in rows}
    return rows.assign(**dates).to_json(orient="records", force_ascii=False).encode("utf-8")


# -- /summary.json ----------------------------------------------------------------------

def _summary(request: Request, data: _Data) -> Response:
    view, _ = _view(request, data)
    scope = data.scope(view)
    from dashboard.headline import headline_figures  # see _queries

    year, compared_with, cards = headline_figures(_cached(data, "yearly_summary", scope), scope.years,
                                                  view.direction)
    partner = schema.PARTNER_CITY.label(scope.partner, view.lang)
    figures: list[dict[str, Any]] = []
    for card in cards:
        metric, value, before = card.metric, card.value, card.previous
        figures.append({
            "key": metric.key, "name": metric.label(view.lang, partner),
            "definition": metric.explain(view.lang, partner), "theme": metric.theme.value,
            "unit": metric.unit.value, "not_applied": params.not_applied(metric.sheet, view.fields, view.direction),
            "value": _number(metric, value), "previous": _number(metric, before),
            "change": None if value is None or before is None else _number(metric, value - before),
            "formatted": metric.format(value, view.lang)})
    return JSONResponse({
        "data_version": data.version, "updated_at": data.updated_at(), "provisional_years": data.provisional(),
        "provisional": year in data.provisional(), "filters": _filters(view, scope), "year": year,
        "compared_with": compared_with,
        "period": PERIOD_NAMES[Period.LATEST_YEAR](view.lang), "figures": figures}, headers=CACHE)


def _number(metric: Metric, value: float | None) -> float | int | None:
    """A count as a whole number (131, not 131.0, which a program reads as a fraction); a share as it is."""
    return None if value is None else round(value) if metric.unit.counted else value


# -- the index: /api/v1 ----------------------------------------------------------------------

def _index(request: Request, data: _Data) -> Response:
    """What a program can ask, and with which codes: every endpoint, and each parameter's accepted values
    with their labels in ``lang`` (the years and partner cities as loaded now)."""
    for name, value in request.query_params.multi_items():
        if name != LANG:
            raise BadParameter(name, value, "api.index_takes_lang", name=name)
    view, _ = _view(request, data)
    lang = view.lang
    base = str(request.url.replace(query="")).rstrip("/")
    years, partners = data.available()
    filters = list(FILTER_PARAMS)
    endpoints = [
        {"url": f"{base}/summary.json", "parameters": filters, "answers": translate(lang, "api.answers_summary")},
        *({"url": f"{base}/{sheet.name}.{extension}", "parameters": [*filters, *options],
           "not_applied": list(NOT_NARROWING[sheet.name]),
           "answers": translate(lang, "api.answers_table_csv" if extension == "csv" else "api.answers_table",
                                description=sheet.description(lang))}
          for sheet in schema.SHEETS for extension, options in (("json", PAGING), ("csv", CSV_OPTIONS))),
        {"url": f"{base}/datapackage.json", "parameters": [], "answers": translate(lang, "api.answers_package")},
    ]
    values = {
        LANG: [{"code": code, "label": name} for code, name in LANGUAGE_NAMES.items()],
        YEAR: [{"code": year, "label": str(year)} for year in years],
        PARTNER: [{"code": code, "label": schema.PARTNER_CITY.label(code, lang)} for code in partners],
        FIELD: [{"code": code, "label": label} for code, label in schema.FIELD.labels(lang).items()],
        DIRECTION: [{"code": code, "label": _direction_label(code, lang)} for code in DIRECTIONS],
    }
    parameters = {name: {"means": translate(lang, FILTER_HELP[name]), "values": values[name]} for name in filters}
    limits = {"default": format_number(DEFAULT_LIMIT, lang), "most": format_number(MAX_LIMIT, lang)}
    parameters.update({name: {"means": translate(lang, key, **limits)} for name, key in CSV_OPTIONS.items()})
    return JSONResponse({
        "title": translate(lang, "app.title"), "api": "v1", "lang": lang, "data_version": data.version,
        "updated_at": data.updated_at(), "provisional_years": data.provisional(), "endpoints": endpoints,
        "parameters": parameters,
        "not_applied": translate(lang, "api.not_applied"), "errors": translate(lang, "api.errors")},
        headers=CACHE)


def _direction_label(code: str, lang: str) -> str:
    if code == DEFAULT_DIRECTION:  # "both" is the filter's, not a participant's direction
        return translate(lang, "filters.direction_both")
    return schema.DIRECTION.label(code, lang)


# -- /datapackage.json ---------------------------------------------------------------------

def _datapackage(request: Request, data: _Data) -> Response:
    """The whole published data, unfiltered: each table's path is its CSV endpoint, every year and field,
    one partner city after the other, in parts of at most MAX_LIMIT rows (a multipart resource when there
    is more than one part; every part after the first comes without its header row)."""
    from etl import package  # imported when asked for: the descriptor is built rarely

    _no_parameters(request)
    base = str(request.url.replace(query="")).rsplit("/", 1)[0]
    years, partners = data.available()
    paths: dict[str, str | list[str]] = {}
    for table in TABLES:
        parts: list[str] = []
        for partner in partners:
            counts = _cached(data, "export_counts", _queries().Scope(tuple(years), partner))
            total = int(counts.loc[counts["table"] == table, "rows"].iloc[0])
            for offset in range(0, total, MAX_LIMIT):
                query = [*(("year", year) for year in years), ("partner", partner), ("limit", MAX_LIMIT),
                         ("offset", offset), *([("header", "false")] if parts else [])]
                parts.append(f"{base}/{table}.csv?{urlencode(query)}")
        if not parts:  # an empty table: its header alone
            parts.append(f"{base}/{table}.csv")
        paths[table] = parts[0] if len(parts) == 1 else parts
    return JSONResponse(package.descriptor(data.warehouse, paths), headers=CACHE)


def _no_parameters(request: Request) -> None:
    """The package is the whole published data in every language: a filter given to it is refused, never
    silently ignored (a reader asking for year=2018 would take every year for 2018's)."""
    for name, value in request.query_params.multi_items():
        if name in FILTER_PARAMS:
            raise BadParameter(name, value, "api.package_takes_no_filter", name=name, value=value,
                               query=urlencode({name: value}))
        raise BadParameter(name, value, "api.package_takes_nothing", name=name)
