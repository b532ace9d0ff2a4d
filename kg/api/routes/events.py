"""Events: one claim with its participants, systems, stages, evidence and source."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from kg import cypher
from kg.api.deps import get_graph, require_read_access
from kg.api.models import EventDetail, EvidenceOut, Participant, Ref, Subgraph
from kg.api.problems import ERROR_RESPONSES, NotFound
from kg.api.routes.entities import build_subgraph, ordered_types
from kg.graph import Graph

EventId = Annotated[str, Path(max_length=300, description="Event id", examples=["event:2025-11-19-nasams-taiwan:nasams-contract"])]
router = APIRouter(prefix="/events", tags=["events"], dependencies=[Depends(require_read_access)], responses=ERROR_RESPONSES)


def _refs(items: list[dict | None]) -> list[Ref]:
    return [Ref(id=i["id"], name=i.get("name"), types=ordered_types(i["labels"]) if i.get("labels") else None,
                date=i.get("date"), amount=i.get("amount"), currency=i.get("currency")) for i in items if i]


@router.get("/{event_id}", response_model=EventDetail, summary="An event: participants with roles, systems, value, date, evidence")
def get_event(
    event_id: EventId,
    graph: Annotated[Graph, Depends(get_graph)],
) -> EventDetail:
    rows = graph.read(cypher.EVENT_DETAIL, id=event_id)
    if not rows:
        raise NotFound(f"no event with id {event_id!r}")
    row = rows[0]
    p = row["props"]
    return EventDetail(
        id=row["id"], types=ordered_types(row["labels"]), date=p.get("date"), date_precision=p.get("datePrecision"),
        end_date=p.get("endDate"), amount=p.get("amount"), currency=p.get("currency"), quantity=p.get("quantity"),
        status=p.get("status"), modality=p.get("modality"), quote=p.get("quote"), description=p.get("description"),
        source_id=p["sourceId"],
        participants=sorted((Participant(role=x["role"], id=x["id"], name=x.get("name"), types=ordered_types(x["labels"]))
                             for x in row["participants"] if x), key=lambda x: (x.role, x.id)),
        systems=_refs(row["systems"]), places=_refs(row["places"]), part_of=_refs(row["partOf"]), stages=_refs(row["stages"]),
        evidence=EvidenceOut.from_rows(row["evidence"]),
    )


@router.get("/{event_id}/neighbors", response_model=Subgraph, summary="The subgraph around an event")
def event_neighbors(
    event_id: EventId,
    graph: Annotated[Graph, Depends(get_graph)],
    depth: Annotated[int, Query(ge=1, le=3, description="Hops from the event", examples=[1])] = 1,
    limit: Annotated[int, Query(ge=1, le=1000, description="At most this many edges", examples=[200])] = 200,
) -> Subgraph:
    """Participants, systems, places and linked stages of an event as nodes and edges (the explorer expands events with it)."""
    rows = graph.read(cypher.EXISTS_NODE, id=event_id)
    if not rows or "Event" not in rows[0]["labels"]:
        raise NotFound(f"no event with id {event_id!r}")
    return build_subgraph(graph, event_id, depth=depth, limit=limit)
