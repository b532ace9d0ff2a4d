"""Entities: search by name or alias, details, evidence, neighbourhood, timeline (read by :mod:`kg.reads`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from kg import reads
from kg.api.deps import (
    Cursor,
    FromDate,
    Limit,
    ToDate,
    decode_cursor,
    decode_key_cursor,
    encode_cursor,
    encode_key_cursor,
    get_graph,
    get_name_index,
    require_read_access,
)
from kg.api.models import EntityDetail, EntityHit, EvidenceOut, Page, Subgraph, TimelineRow
from kg.api.problems import ERROR_RESPONSES
from kg.api.read_errors import read_errors
from kg.graph import Graph
from kg.reads.labels import entity_types, event_types, known_relationship_types
from kg.reads.lookup import NameLookup

router = APIRouter(prefix="/entities", tags=["entities"], dependencies=[Depends(require_read_access)], responses=ERROR_RESPONSES)

EntityId = Annotated[str, Path(max_length=300, description="Canonical entity id", examples=["state:TW"])]

#: Sentences shown in an entity's detail; a hub is named by tens of thousands, paged by /evidence.
EVIDENCE_PREVIEW = reads.EVIDENCE_PREVIEW
#: The subgraph around any node, as the explorer draws it (kept here for callers of the route module).
build_subgraph = reads.subgraph


def relationship_types_pattern() -> str:
    """The ``types`` parameter as the document states it: known types, separated by commas."""
    alternatives = "|".join(known_relationship_types())
    return rf"^[\s,]*(({alternatives})\s*(,[\s,]*|$))*$"


@router.get("", response_model=Page[EntityHit], summary="Search entities by name or alias")
def search_entities(
    graph: Annotated[Graph, Depends(get_graph)],
    index: Annotated[NameLookup, Depends(get_name_index)],
    # Letters and digits spelt out: "\w" means more in Python (which checks) than in the JSON Schema regex
    # dialect that clients and schema testers read ("º" is a word character to one and not the other).
    q: Annotated[str | None, Query(max_length=200, pattern=r"[0-9A-Za-z\u00C0-\uFFFF]", description="Name or alias; case and accents do not matter "
                                   "(at least one letter or digit)", examples=["taipei"])] = None,
    type: Annotated[str | None, Query(max_length=100, description="Restrict to an entity class", examples=["State"],
                                      json_schema_extra={"enum": entity_types()})] = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[EntityHit]:
    """Exact matches first, then prefix, then substring, then fuzzy (spelling) matches."""
    offset = decode_cursor(cursor)
    with read_errors():
        found = reads.search_entities(graph, index, q, type, offset=offset, limit=limit)
    return Page[EntityHit](items=found.items, next_cursor=encode_cursor(offset + limit) if found.more else None)


@router.get("/{entity_id}", response_model=EntityDetail, summary="An entity: types, properties, aliases, posts, sources")
def get_entity(entity_id: EntityId, graph: Annotated[Graph, Depends(get_graph)],
               index: Annotated[NameLookup | None, Depends(get_name_index)] = None) -> EntityDetail:
    with read_errors():
        return reads.entity_detail(graph, entity_id, evidence_limit=EVIDENCE_PREVIEW, index=index)


@router.get("/{entity_id}/evidence", response_model=Page[EvidenceOut], summary="Every sentence that names the entity, paged")
def entity_evidence(entity_id: EntityId, graph: Annotated[Graph, Depends(get_graph)],
                    index: Annotated[NameLookup, Depends(get_name_index)], limit: Limit = 50,
                    cursor: Cursor = None) -> Page[EvidenceOut]:
    """By evidence id (so grouped by source), each with its source. The cursor carries the last id
    seen, so a page deep into a hub costs what the first one does."""
    after = decode_key_cursor(cursor)
    with read_errors():
        found = reads.entity_evidence(graph, entity_id, after=after, limit=limit, index=index)
    return Page[EvidenceOut](items=found.items, next_cursor=encode_key_cursor(found.items[-1].id) if found.more else None)


@router.get("/{entity_id}/neighbors", response_model=Subgraph, summary="The subgraph around an entity")
def neighbors(
    entity_id: EntityId,
    graph: Annotated[Graph, Depends(get_graph)],
    index: Annotated[NameLookup, Depends(get_name_index)],
    depth: Annotated[int, Query(ge=1, le=3, description="Hops from the entity (events count as a hop)", examples=[1])] = 1,
    types: Annotated[str | None, Query(max_length=500, description="Comma-separated relationship types to follow",
                                       pattern=relationship_types_pattern(), examples=["CONTRACTOR,RECIPIENT"])] = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="At most this many edges", examples=[200])] = 200,
) -> Subgraph:
    """Nodes and edges within ``depth`` hops, leaving out evidence and sources (they would connect everything)."""
    with read_errors():
        return reads.entity_neighbourhood(graph, entity_id, depth=depth, types=types, limit=limit,
                                          index=index)


@router.get("/{entity_id}/events", response_model=Page[TimelineRow], summary="The actor's timeline")
def timeline(
    entity_id: EntityId,
    graph: Annotated[Graph, Depends(get_graph)],
    index: Annotated[NameLookup, Depends(get_name_index)],
    type: Annotated[str | None, Query(max_length=100, description="Event type", examples=["ArmsSale"],
                                      json_schema_extra={"enum": event_types()})] = None,
    from_: FromDate = None,
    to: ToDate = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[dict[str, Any]]:
    """The events the entity takes part in, by date (undated last): roles, type, value, other participants, source.
    Runs ``queries/actor_timeline.cypher``."""
    offset = decode_cursor(cursor)
    with read_errors():
        found = reads.timeline(graph, entity_id, type=type, from_=from_, to=to, offset=offset, limit=limit, index=index)
    return Page[dict[str, Any]](items=found.items, next_cursor=encode_cursor(offset + limit) if found.more else None)
