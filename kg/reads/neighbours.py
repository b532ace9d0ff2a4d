"""The subgraph around an entity or an event: what the explorer and ``kg viz`` draw."""

from __future__ import annotations

from kg import cypher
from kg.captions import captions
from kg.graph import Graph
from kg.reads.errors import InvalidArgument, UnknownEvent
from kg.reads.labels import known_relationship_types, ordered_types
from kg.reads.lookup import NameLookup
from kg.reads.models import GraphEdge, GraphNode, Subgraph
from kg.reads.resolve import require_entity

MAX_DEPTH = 3


def relationship_types(types: str | None) -> list[str] | None:
    """Comma-separated relationship types, checked against the ontology's (None: follow every type)."""
    if not types:
        return None
    wanted = [t.strip() for t in types.split(",") if t.strip()]
    known = set(known_relationship_types())
    unknown = [t for t in wanted if t not in known]
    if unknown:
        raise InvalidArgument("types", f"unknown relationship type(s) {', '.join(unknown)}",
                              f"use types from: {', '.join(sorted(known))}")
    return wanted


def subgraph(graph: Graph, node_id: str, *, depth: int, types: list[str] | None = None, limit: int = 200) -> Subgraph:
    """Nodes and edges within ``depth`` hops of any node (entity or event), leaving out evidence and
    sources (they would connect everything); the nearest edges first when ``limit`` cuts it."""
    if not 1 <= depth <= MAX_DEPTH:
        raise InvalidArgument("depth", f"depth must be between 1 and {MAX_DEPTH}, not {depth}", "out of range")
    rows = graph.read(cypher.NEIGHBORHOOD[depth], id=node_id, types=types, limit=limit + 1)
    truncated = len(rows) > limit
    nodes: dict[str, GraphNode] = {}
    edges: list[GraphEdge] = []
    for row in rows[:limit]:
        for side in ("source", "target"):
            nodes.setdefault(row[side], GraphNode(id=row[side], name=row[f"{side}Name"], types=ordered_types(row[f"{side}Labels"]),
                                                  date=row[f"{side}Date"]))
        edges.append(GraphEdge(source=row["source"], target=row["target"], type=row["type"]))
    for captioned, label in captions(graph, ((n.id, n.types) for n in nodes.values())).items():
        nodes[captioned].label = label
    return Subgraph(center=node_id, nodes=sorted(nodes.values(), key=lambda n: n.id),
                    edges=sorted(edges, key=lambda e: (e.source, e.type, e.target)), truncated=truncated)


def entity_neighbourhood(graph: Graph, entity_id: str, *, depth: int = 1, types: str | list[str] | None = None, limit: int = 200,
                         index: NameLookup | None = None) -> Subgraph:
    """The subgraph around an entity, following ``types`` (a list, or comma-separated) or every type;
    UnknownEntity when no entity has the id (said before an unknown type is)."""
    require_entity(graph, entity_id, index)
    follow = relationship_types(types) if isinstance(types, str) else types
    return subgraph(graph, entity_id, depth=depth, types=follow, limit=limit)


def event_neighbourhood(graph: Graph, event_id: str, *, depth: int = 1, limit: int = 200) -> Subgraph:
    """Participants, systems, places and linked stages of an event; UnknownEvent when no event has the id."""
    rows = graph.read(cypher.EXISTS_NODE, id=event_id)
    if not rows or "Event" not in rows[0]["labels"]:
        raise UnknownEvent(event_id)
    return subgraph(graph, event_id, depth=depth, limit=limit)
