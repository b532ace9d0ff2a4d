"""The shortest connections between two actors: the rows of ``queries/shortest_connections.cypher``.

Neo4j runs the named query itself; on the embedded engine, whose own search
starts from one end and is slow around hubs, :mod:`kg.engines.arcadedb.paths`
finds the same rows from both ends (``tests/test_paths.py`` holds the two equal).
"""

from __future__ import annotations

from typing import Any

from kg.engines.arcadedb.paths import shortest_connections
from kg.graph import Graph
from kg.reads.lookup import NameLookup
from kg.reads.named import run_named
from kg.reads.paging import Window, window
from kg.reads.resolve import require_named


def connections(graph: Graph, names: NameLookup, from_: str, to: str, *, max_hops: int = 4, offset: int = 0,
                limit: int = 25) -> Window[dict[str, Any]]:
    """Each row is one path: its nodes (id, name, labels) and each hop's relationship and event.
    Ends are canonical ids or names; UnknownNames for an end the graph does not hold."""
    require_named(graph, names, {"from": from_, "to": to})
    if graph.dialect.shortest_paths:
        rows = run_named(graph, "shortest_connections", {"from": from_, "to": to, "max_hops": max_hops,
                                                         "limit": offset + limit + 1})
    else:
        rows = shortest_connections(graph, from_, to, max_hops=max_hops, limit=offset + limit + 1,
                                    known=names.path_ends(graph))
    return window(rows, offset, limit)
