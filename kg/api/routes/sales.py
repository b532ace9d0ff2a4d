"""Arms sales and connections between actors, answered by the named queries analysts also use.

``GET /sales`` runs ``queries/arms_sales.cypher``: one text, so the API and
Neo4j Browser always agree. ``GET /paths`` gives the rows of
``queries/shortest_connections.cypher`` (:mod:`kg.reads.connections`: Neo4j runs
it, the embedded engine searches from both ends). Both are read by
:mod:`kg.reads`; the routes parse and page.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from kg import reads
from kg.api.deps import (
    Buyer,
    Contractor,
    Cursor,
    FromDate,
    PageSize,
    Seller,
    System,
    ToDate,
    decode_cursor,
    encode_cursor,
    get_graph,
    get_name_index,
    require_read_access,
)
from kg.api.models import Page, PathRow, SaleRow
from kg.api.problems import ERROR_RESPONSES
from kg.api.read_errors import read_errors
from kg.graph import Graph
from kg.reads.lookup import NameLookup

router = APIRouter(tags=["sales and paths"], dependencies=[Depends(require_read_access)], responses=ERROR_RESPONSES)

@router.get("/sales", response_model=Page[SaleRow], summary="Arms sales with their stages, values and sources")
def sales(
    graph: Annotated[Graph, Depends(get_graph)],
    index: Annotated[NameLookup, Depends(get_name_index)],
    seller: Seller = None,
    buyer: Buyer = None,
    system: System = None,
    contractor: Contractor = None,
    from_: FromDate = None,
    to: ToDate = None,
    min_value: Annotated[float | None, Query(ge=0, le=1e15, description="Smallest amount in the sale's currency",
                                             examples=[500000000])] = None,
    limit: PageSize = 50,
    cursor: Cursor = None,
) -> Page[dict[str, Any]]:
    """Each item is one sale (id, date, value, seller, buyer, systems, stages, sources and sentences).
    Actors and systems: a canonical id (``state:TW``) or a name (``Taiwan``); one the graph does not
    hold is a 404 naming it, with the closest names."""
    offset = decode_cursor(cursor)
    with read_errors():
        found = reads.arms_sales(graph, index, seller=seller, buyer=buyer, system=system, contractor=contractor, from_=from_, to=to,
                                 min_value=min_value, offset=offset, limit=limit)
    return Page[dict[str, Any]](items=found.items, next_cursor=encode_cursor(offset + limit) if found.more else None)


@router.get("/paths", response_model=Page[PathRow], summary="The shortest connections between two actors")
def paths(
    graph: Annotated[Graph, Depends(get_graph)],
    index: Annotated[NameLookup, Depends(get_name_index)],
    from_: Annotated[str, Query(alias="from", min_length=1, max_length=200, description="Canonical id or name", examples=["contractor:rtx"])],
    to: Annotated[str, Query(min_length=1, max_length=200, description="Canonical id or name", examples=["state:TW"])],
    max_hops: Annotated[int, Query(ge=1, le=6, description="Longest path, in relationships", examples=[4])] = 4,
    limit: Annotated[int, Query(ge=1, le=100, description="Page size", examples=[25])] = 25,
    cursor: Cursor = None,
) -> Page[dict[str, Any]]:
    """Each item is one path: its nodes (id, name, labels) and each hop's relationship and event.
    An end the graph does not hold is a 404 naming it, with the closest names."""
    offset = decode_cursor(cursor)
    with read_errors():
        found = reads.connections(graph, index, from_, to, max_hops=max_hops, offset=offset, limit=limit)
    return Page[dict[str, Any]](items=found.items, next_cursor=encode_cursor(offset + limit) if found.more else None)
