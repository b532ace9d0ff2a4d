"""Events: one claim with its participants, systems, stages, evidence and source (read by :mod:`kg.reads`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from kg import reads
from kg.api.deps import get_graph, require_read_access
from kg.api.models import EventDetail, Subgraph
from kg.api.problems import ERROR_RESPONSES
from kg.api.read_errors import read_errors
from kg.graph import Graph

EventId = Annotated[str, Path(max_length=300, description="Event id", examples=["event:2025-11-19-nasams-taiwan:nasams-contract"])]
router = APIRouter(prefix="/events", tags=["events"], dependencies=[Depends(require_read_access)], responses=ERROR_RESPONSES)


@router.get("/{event_id}", response_model=EventDetail, summary="An event: participants with roles, systems, value, date, evidence")
def get_event(
    event_id: EventId,
    graph: Annotated[Graph, Depends(get_graph)],
) -> EventDetail:
    with read_errors():
        return reads.event_detail(graph, event_id)


@router.get("/{event_id}/neighbors", response_model=Subgraph, summary="The subgraph around an event")
def event_neighbors(
    event_id: EventId,
    graph: Annotated[Graph, Depends(get_graph)],
    depth: Annotated[int, Query(ge=1, le=3, description="Hops from the event", examples=[1])] = 1,
    limit: Annotated[int, Query(ge=1, le=1000, description="At most this many edges", examples=[200])] = 200,
) -> Subgraph:
    """Participants, systems, places and linked stages of an event as nodes and edges (the explorer expands events with it)."""
    with read_errors():
        return reads.event_neighbourhood(graph, event_id, depth=depth, limit=limit)
