"""The shortest connections between two actors: the rows of ``queries/shortest_connections.cypher``,
searched from both ends by :mod:`kg.paths` (``tests/test_paths.py`` holds the two equal)."""

from __future__ import annotations

from typing import Any

from kg.graph import Graph
from kg.paths import shortest_connections
from kg.reads.name_index import NameIndex
from kg.reads.paging import Window, window
from kg.reads.resolve import require_named


def connections(graph: Graph, index: NameIndex, from_: str, to: str, *, max_hops: int = 4, offset: int = 0,
                limit: int = 25) -> Window[dict[str, Any]]:
    """Each row is one path: its nodes (id, name, labels) and each hop's relationship and event.
    Ends are canonical ids or names; UnknownNames for an end the graph does not hold."""
    require_named(graph, index, {"from": from_, "to": to})
    rows = shortest_connections(graph, from_, to, max_hops=max_hops, limit=offset + limit + 1, known=index.names(graph).path_ends)
    return window(rows, offset, limit)
