"""Entities: search by name or alias, details, neighbourhood, timeline."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from kg import cypher
from kg.captions import captions
from kg.api.deps import (Cursor, FromDate, Limit, ToDate, decode_cursor, decode_key_cursor, encode_cursor, encode_key_cursor,
                         get_graph, get_name_index, require_read_access)
from kg.api.named import paged, run_named
from kg.api.models import (EntityDetail, EntityHit, EvidenceOut, GraphEdge, GraphNode, Links, Page, Post, Relation, Subgraph,
                           TimelineRow)
from kg.api.problems import ERROR_RESPONSES, InvalidInput
from kg.api.resolve import unknown_entity
from kg.api.search_index import NameIndex
from kg.graph import Graph
from kg.names import normalise_name
from kg.ontology import load_ontology
from kg.property_graph import ENTITY_ROOTS
from kg.store import ordered_labels

router = APIRouter(prefix="/entities", tags=["entities"], dependencies=[Depends(require_read_access)], responses=ERROR_RESPONSES)

EntityId = Annotated[str, Path(max_length=300, description="Canonical entity id", examples=["state:TW"])]


def entity_types() -> list[str]:
    onto = load_ontology()
    return sorted({c for root in ENTITY_ROOTS for c in onto.subclasses(root)})


#: Sentences shown in an entity's detail; a hub is named by tens of thousands, paged by /evidence.
EVIDENCE_PREVIEW = 50


def links(entity_id: str) -> Links:
    return Links(self=f"/entities/{entity_id}", events=f"/entities/{entity_id}/events", neighbors=f"/entities/{entity_id}/neighbors",
                 evidence=f"/entities/{entity_id}/evidence")


def ordered_types(labels: list[str]) -> list[str]:
    return list(ordered_labels(load_ontology(), labels))


def check_type(value: str | None, where: str) -> None:
    if value is not None and value not in entity_types():
        raise InvalidInput(f"{where} must be one of: {', '.join(entity_types())}", [{"where": where, "message": f"unknown type {value!r}"}])


@router.get("", response_model=Page[EntityHit], summary="Search entities by name or alias")
def search_entities(
    graph: Annotated[Graph, Depends(get_graph)],
    index: Annotated[NameIndex, Depends(get_name_index)],
    q: Annotated[str | None, Query(max_length=200, pattern=r"\w", description="Name or alias; case and accents do not matter "
                                   "(at least one letter or digit)", examples=["taipei"])] = None,
    type: Annotated[str | None, Query(max_length=100, description="Restrict to an entity class", examples=["State"],
                                      json_schema_extra={"enum": entity_types()})] = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[EntityHit]:
    """Exact matches first, then prefix, then substring, then fuzzy (spelling) matches."""
    check_type(type, "query.type")
    offset = decode_cursor(cursor)
    needle = normalise_name(q) if q else None
    if q is not None and not needle:
        raise InvalidInput("q has no letters or digits to search for", [{"where": "query.q", "message": "empty after normalisation"}])
    found = index.names(graph).search(needle, type)
    hits = [EntityHit(id=m.entity.id, name=m.entity.name, types=ordered_types(list(m.entity.labels)), match=m.kind,
                      score=m.score, links=links(m.entity.id)) for m in found[offset:offset + limit]]
    more = offset + limit < len(found)
    return Page[EntityHit](items=hits, next_cursor=encode_cursor(offset + limit) if more else None)


@router.get("/{entity_id}", response_model=EntityDetail, summary="An entity: types, properties, aliases, posts, sources")
def get_entity(entity_id: EntityId, graph: Annotated[Graph, Depends(get_graph)],
               index: Annotated[NameIndex | None, Depends(get_name_index)] = None) -> EntityDetail:
    rows = graph.read(cypher.ENTITY_DETAIL, id=entity_id, evidence_limit=EVIDENCE_PREVIEW)
    if not rows:
        raise unknown_entity(graph, index, entity_id)
    row = rows[0]
    props: dict[str, Any] = dict(row["props"])
    derived = {k: props.pop(k, None) for k in ("id", "name", "alias", "sourceName", "searchName")}
    return EntityDetail(
        id=row["id"], name=derived["name"] or row["id"], types=ordered_types(row["labels"]), properties=props,
        aliases=derived["alias"] or [], source_names=derived["sourceName"] or [],
        sources=row["sources"], source_total=row["sourceTotal"],
        posts=[Post(id=p["id"], title=p["title"], start_date=p.get("startDate"), end_date=p.get("endDate"),
                    organization=p.get("organization"), organization_name=p.get("organizationName"), source_id=p["sourceId"])
               for p in row["posts"] if p],
        relations=[Relation(type=r["type"], direction=r["direction"], id=r["id"], name=r.get("name"), source_ids=r["sourceIds"] or [])
                   for r in row["relations"] if r],
        evidence=sorted(EvidenceOut.from_rows(row["evidence"]), key=lambda e: e.id), evidence_total=row["evidenceTotal"],
        links=links(row["id"]),
    )


@router.get("/{entity_id}/evidence", response_model=Page[EvidenceOut], summary="Every sentence that names the entity, paged")
def entity_evidence(entity_id: EntityId, graph: Annotated[Graph, Depends(get_graph)],
                    index: Annotated[NameIndex, Depends(get_name_index)], limit: Limit = 50,
                    cursor: Cursor = None) -> Page[EvidenceOut]:
    """By evidence id (so grouped by source), each with its source. The cursor carries the last id
    seen, so a page deep into a hub costs what the first one does."""
    require_entity(graph, entity_id, index)
    after = decode_key_cursor(cursor)
    rows = graph.read(cypher.ENTITY_EVIDENCE, id=entity_id, after=after, limit=limit + 1)
    items = EvidenceOut.from_rows([r["evidence"] for r in rows[:limit]])
    more = len(rows) > limit
    return Page[EvidenceOut](items=items, next_cursor=encode_key_cursor(items[-1].id) if more else None)


def require_entity(graph: Graph, entity_id: str, index: NameIndex | None = None) -> None:
    rows = graph.read(cypher.EXISTS_NODE, id=entity_id)
    if not rows or not set(rows[0]["labels"]) & set(ENTITY_ROOTS):
        raise unknown_entity(graph, index, entity_id)


def known_relationship_types() -> list[str]:
    return sorted({p.rel_type for p in load_ontology().object_properties.values()})


def relationship_types_pattern() -> str:
    """The ``types`` parameter as the document states it: known types, separated by commas."""
    alternatives = "|".join(known_relationship_types())
    return rf"^[\s,]*(({alternatives})\s*(,[\s,]*|$))*$"


@router.get("/{entity_id}/neighbors", response_model=Subgraph, summary="The subgraph around an entity")
def neighbors(
    entity_id: EntityId,
    graph: Annotated[Graph, Depends(get_graph)],
    index: Annotated[NameIndex, Depends(get_name_index)],
    depth: Annotated[int, Query(ge=1, le=3, description="Hops from the entity (events count as a hop)", examples=[1])] = 1,
    types: Annotated[str | None, Query(max_length=500, description="Comma-separated relationship types to follow",
                                       pattern=relationship_types_pattern(), examples=["CONTRACTOR,RECIPIENT"])] = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="At most this many edges", examples=[200])] = 200,
) -> Subgraph:
    """Nodes and edges within ``depth`` hops, leaving out evidence and sources (they would connect everything)."""
    require_entity(graph, entity_id, index)
    return build_subgraph(graph, entity_id, depth=depth, types=relationship_types(types), limit=limit)


def relationship_types(types: str | None) -> list[str] | None:
    """The comma-separated ``types`` parameter, checked against the ontology's relationship types."""
    if not types:
        return None
    wanted = [t.strip() for t in types.split(",") if t.strip()]
    known = set(known_relationship_types())
    unknown = [t for t in wanted if t not in known]
    if unknown:
        raise InvalidInput(f"unknown relationship type(s) {', '.join(unknown)}",
                           [{"where": "query.types", "message": f"use types from: {', '.join(sorted(known))}"}])
    return wanted


def build_subgraph(graph: Graph, node_id: str, *, depth: int, types: list[str] | None = None, limit: int = 200) -> Subgraph:
    """The subgraph within ``depth`` hops of any node (entity or event): what the explorer and ``kg viz`` draw."""
    rows = graph.read(cypher.NEIGHBORHOOD[depth], id=node_id, types=types, limit=limit + 1)
    truncated = len(rows) > limit
    nodes: dict[str, GraphNode] = {}
    edges: list[GraphEdge] = []
    for row in rows[:limit]:
        for side in ("source", "target"):
            nodes.setdefault(row[side], GraphNode(id=row[side], name=row[f"{side}Name"], types=ordered_types(row[f"{side}Labels"]),
                                                  date=row[f"{side}Date"]))
        edges.append(GraphEdge(source=row["source"], target=row["target"], type=row["type"]))
    for node_id, label in captions(graph, ((n.id, n.types) for n in nodes.values())).items():
        nodes[node_id].label = label
    return Subgraph(center=node_id, nodes=sorted(nodes.values(), key=lambda n: n.id),
                    edges=sorted(edges, key=lambda e: (e.source, e.type, e.target)), truncated=truncated)


@router.get("/{entity_id}/events", response_model=Page[TimelineRow], summary="The actor's timeline")
def timeline(
    entity_id: EntityId,
    graph: Annotated[Graph, Depends(get_graph)],
    index: Annotated[NameIndex, Depends(get_name_index)],
    type: Annotated[str | None, Query(max_length=100, description="Event type", examples=["ArmsSale"],
                                      json_schema_extra={"enum": load_ontology().subclasses("Event", concrete=True)})] = None,
    from_: FromDate = None,
    to: ToDate = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[dict[str, Any]]:
    """The events the entity takes part in, by date (undated last): roles, type, value, other participants, source.
    Runs ``queries/actor_timeline.cypher``."""
    require_entity(graph, entity_id, index)
    event_types = load_ontology().subclasses("Event", concrete=True)
    if type is not None and type not in event_types:
        raise InvalidInput(f"type must be one of: {', '.join(event_types)}", [{"where": "query.type", "message": f"unknown event type {type!r}"}])
    offset = decode_cursor(cursor)
    rows = run_named(graph, "actor_timeline", {"actor": entity_id, "type": type, "from": from_, "to": to, "limit": offset + limit + 1})
    return paged(rows, offset, limit)
