"""Endpoints answered by a named query from queries/: run it, page its rows."""

from __future__ import annotations

from typing import Any

from kg.api.deps import encode_cursor
from kg.api.models import Page
from kg.api.problems import InvalidInput
from kg.graph import Graph
from kg.queries import QueryError, get_query


def run_named(graph: Graph, name: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    named = get_query(name)
    try:
        return named.run(graph, {k: v for k, v in params.items() if v is not None})
    except QueryError as exc:
        raise InvalidInput(str(exc), [{"where": "query", "message": str(exc)}]) from None


def paged(rows: list[dict[str, Any]], offset: int, limit: int) -> Page[dict[str, Any]]:
    more = len(rows) > offset + limit
    return Page[dict[str, Any]](items=rows[offset:offset + limit], next_cursor=encode_cursor(offset + limit) if more else None)
