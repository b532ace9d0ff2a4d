"""Arms sales and connections between actors, answered by the named queries analysts also use.

``GET /sales`` runs ``queries/arms_sales.cypher``: one text, so the API and
Neo4j Browser always agree. ``GET /paths`` gives the rows of
``queries/shortest_connections.cypher``, searched from both ends by
:mod:`kg.paths` (the embedded engine's own search starts from one end and
walks every event of the hubs it meets); ``tests/test_paths.py`` holds the two
equal.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from kg.api.deps import Cursor, FromDate, ToDate, decode_cursor, get_graph, get_name_index, require_read_access
from kg.api.named import paged, run_named
from kg.api.models import Page
from kg.api.problems import ERROR_RESPONSES
from kg.api.search_index import NameIndex
from kg.graph import Graph
from kg.paths import shortest_connections

router = APIRouter(tags=["sales and paths"], dependencies=[Depends(require_read_access)], responses=ERROR_RESPONSES)

Name = Annotated[str | None, Query(max_length=200)]


@router.get("/sales", response_model=Page[dict[str, Any]], summary="Arms sales with their stages, values and sources")
def sales(
    graph: Annotated[Graph, Depends(get_graph)],
    seller: Name = None, buyer: Name = None, system: Name = None, contractor: Name = None,
    from_: FromDate = None,
    to: ToDate = None,
    min_value: Annotated[float | None, Query(ge=0, le=1e15, description="Smallest amount in the sale's currency")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Cursor = None,
) -> Page[dict[str, Any]]:
    """Each item is one sale (id, date, value, seller, buyer, systems, stages, sources and sentences).
    Actors and systems: a canonical id (``state:TW``) or a name (``Taiwan``)."""
    offset = decode_cursor(cursor)
    rows = run_named(graph, "arms_sales", {"seller": seller, "buyer": buyer, "system": system, "contractor": contractor,
                                           "from": from_, "to": to, "min_value": min_value, "limit": offset + limit + 1})
    return paged(rows, offset, limit)


@router.get("/paths", response_model=Page[dict[str, Any]], summary="The shortest connections between two actors")
def paths(
    graph: Annotated[Graph, Depends(get_graph)],
    index: Annotated[NameIndex, Depends(get_name_index)],
    from_: Annotated[str, Query(alias="from", min_length=1, max_length=200, description="Canonical id or name", examples=["contractor:rtx"])],
    to: Annotated[str, Query(min_length=1, max_length=200, description="Canonical id or name", examples=["state:TW"])],
    max_hops: Annotated[int, Query(ge=1, le=6)] = 4,
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
    cursor: Cursor = None,
) -> Page[dict[str, Any]]:
    """Each item is one path: its nodes (id, name, labels) and each hop's relationship and event."""
    offset = decode_cursor(cursor)
    rows = shortest_connections(graph, from_, to, max_hops=max_hops, limit=offset + limit + 1, known=index.names(graph).path_ends)
    return paged(rows, offset, limit)
