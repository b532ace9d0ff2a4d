"""Arms sales with their stages, values and sources: the rows of ``queries/arms_sales.cypher``, one
text, so the API, ``kg query`` and Neo4j Browser always agree."""

from __future__ import annotations

from typing import Any

from kg.graph import Graph
from kg.reads.lookup import NameLookup
from kg.reads.named import run_named
from kg.reads.paging import Window, window
from kg.reads.resolve import require_named


def arms_sales(graph: Graph, index: NameLookup, *, seller: str | None = None, buyer: str | None = None,
               system: str | None = None, contractor: str | None = None, from_: str | None = None, to: str | None = None,
               min_value: float | None = None, offset: int = 0, limit: int = 50) -> Window[dict[str, Any]]:
    """Each row is one sale (id, date, value, seller, buyer, systems, stages, sources and sentences).
    Actors and systems are canonical ids (``state:TW``) or names (``Taiwan``); one the graph does not
    hold is UnknownNames naming it, with the closest names, never an empty answer."""
    require_named(graph, index, {"seller": seller, "buyer": buyer, "system": system, "contractor": contractor})
    rows = run_named(graph, "arms_sales", {"seller": seller, "buyer": buyer, "system": system, "contractor": contractor,
                                           "from": from_, "to": to, "min_value": min_value, "limit": offset + limit + 1})
    return window(rows, offset, limit)
