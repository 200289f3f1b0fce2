"""Query answers are cached by the parts of the scope their statements read, and only by those.

Run on the sample warehouse with DuckDB itself: the statements a query runs are read off a cursor that passes
them on to DuckDB (and keeps their text).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

import duckdb
import pandas as pd
import pytest

from dashboard import db, queries
from dashboard.queries import QUERIES, READS, Scope
from etl.warehouse import Warehouse

# The parameters Scope.params gives a statement, by the part of the scope each comes from.
SCOPE_PARAMETERS = {"years": "years", "partner": "partner", "fields": "fields", "all_fields": "fields",
                    "direction": "direction"}


class StatementsKept:
    """A DuckDB cursor that keeps the text of every statement it runs."""

    def __init__(self, cursor: duckdb.DuckDBPyConnection) -> None:
        self.cursor = cursor
        self.statements: list[str] = []

    def execute(self, sql: str, parameters: object = None) -> duckdb.DuckDBPyConnection:
        self.statements.append(sql)
        return self.cursor.execute(sql, parameters)


@pytest.fixture
def connection(warehouse: Warehouse) -> Iterator[duckdb.DuckDBPyConnection]:
    with warehouse.connect_reader() as connection:
        yield connection


def scopes() -> list[Scope]:
    """Scopes that differ in every part: years, partner, fields and direction."""
    years = [(2017, 2018, 2019), (2018,), (2017, 2019)]
    fields = [Scope((2017,)).fields, ("tourism",), ("arts_culture", "youth_sports")]
    directions = ["both", "outbound", "inbound"]
    partners = ["beijing", "tokyo"]  # a partner with no rows answers too (empty or zero)
    return [Scope(*choice) for choice in itertools.product(years, partners, fields, directions)]


def test_every_query_says_which_parts_of_the_scope_it_reads() -> None:
    assert set(READS) == set(QUERIES)


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_a_query_reads_the_parts_its_statements_name(connection: duckdb.DuckDBPyConnection, name: str) -> None:
    named: set[str] = set()
    for scope in scopes()[::7]:
        kept = StatementsKept(connection.cursor())
        QUERIES[name](kept, scope)  # type: ignore[arg-type]
        named |= {SCOPE_PARAMETERS[parameter] for sql in kept.statements
                  for parameter in re.findall(r"\$(\w+)", sql) if parameter in SCOPE_PARAMETERS}
    assert named == READS[name]


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_a_narrowed_scope_gives_the_same_answer(connection: duckdb.DuckDBPyConnection, name: str) -> None:
    """Caching by the narrowed scope never changes what a reader sees: the answers are equal."""
    cursor = connection.cursor()
    for scope in scopes():
        narrowed = queries.answer_scope(name, scope)
        pd.testing.assert_frame_equal(in_order(QUERIES[name](cursor, narrowed)),  # type: ignore[arg-type]
                                      in_order(QUERIES[name](cursor, scope)))


def in_order(answer: pd.DataFrame) -> pd.DataFrame:
    """The rows sorted by every column: a breakdown's GROUPING SETS come back in any order, run to run."""
    return answer.sort_values(list(answer.columns), na_position="first", ignore_index=True)


def test_narrowed_sets_each_unread_part_to_one_value() -> None:
    scope = Scope((2018,), "tokyo", ("tourism",), "inbound")
    assert scope.narrowed(frozenset()) == Scope(())
    assert scope.narrowed(frozenset({"partner", "fields", "direction"})) == Scope((), "tokyo", ("tourism",), "inbound")
    assert scope.narrowed(frozenset({"years", "partner", "fields", "direction"})) == scope


def test_a_year_removed_reuses_the_summary_of_every_year(warehouse: Warehouse,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The per-year summary reads every loaded year whatever is selected: removing a year chip reads it from the
    cache, where the participation breakdown, which reads the selected years, is asked of DuckDB again."""
    runs: list[str] = []
    for name in ("yearly_summary", "participation_breakdown"):
        query = QUERIES[name]
        monkeypatch.setitem(QUERIES, name, lambda cursor, scope, query=query, name=name:
                            runs.append(name) or query(cursor, scope))
    queries._cached.clear()
    reader = db.reader()
    every_year, one_removed = Scope((2017, 2018, 2019)), Scope((2017, 2018))
    for scope in (every_year, one_removed):
        summary = queries.fetch(reader, "yearly_summary", scope)
        queries.fetch(reader, "participation_breakdown", scope)
    assert runs == ["yearly_summary", "participation_breakdown", "participation_breakdown"]
    assert list(summary["year"]) == [2017, 2018, 2019]
    inbound = Scope((2017, 2018), direction="inbound")
    queries.fetch(reader, "yearly_summary", inbound)  # the direction is read: asked again
    assert runs[-1] == "yearly_summary"
