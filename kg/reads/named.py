"""Reads answered by a named query from ``queries/``: the same text analysts paste into Neo4j Browser."""

from __future__ import annotations

from typing import Any

from kg.graph import Graph
from kg.queries import QueryError, get_query
from kg.reads.errors import InvalidArgument


def run_named(graph: Graph, name: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of query ``name`` for ``params`` (None values take the query's defaults);
    InvalidArgument naming the parameter the query refuses."""
    try:
        return get_query(name).run(graph, {k: v for k, v in params.items() if v is not None})
    except QueryError as exc:
        raise InvalidArgument(None, str(exc), str(exc)) from None
