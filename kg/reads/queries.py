"""Any named query of ``queries/``, run with its parameters checked against its header."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kg.graph import Graph
from kg.queries import NamedQuery, QueryError, load_queries
from kg.reads.errors import InvalidArgument, UnknownQuery
from kg.reads.lookup import NameLookup
from kg.reads.resolve import require_named


@dataclass(frozen=True)
class QueryAnswer:
    name: str
    params: dict[str, Any]  # the values used, defaults filled in
    rows: list[dict[str, Any]]
    engine: str  # the dialect's name
    text: str  # the Cypher that ran: the file's own text, or the engine's form of it
    as_written: bool  # whether ``text`` is the file's text, as analysts paste it into Neo4j Browser


def named_queries() -> list[NamedQuery]:
    return list(load_queries().values())


def run_query(graph: Graph, index: NameLookup, name: str, params: dict[str, Any]) -> QueryAnswer:
    """UnknownQuery for a name ``queries/`` lacks; InvalidArgument ``params`` for a value the header
    refuses (type, range, a date the calendar lacks); UnknownNames for an ``entity`` parameter that
    names nothing the graph holds (``params.buyer``)."""
    queries = load_queries()
    if name not in queries:
        raise UnknownQuery(name)
    named = queries[name]
    try:
        bound = named.bind(params)
    except QueryError as exc:
        raise InvalidArgument("params", str(exc), str(exc)) from None
    require_named(graph, index, {f"params.{p.name}": bound[p.name] for p in named.params if p.type == "entity"})
    dialect = graph.dialect
    text = named.statement(dialect, bound)
    return QueryAnswer(name=name, params=bound, rows=graph.read(text, **bound), engine=dialect.name, text=str(text),
                       as_written=text == named.text)
