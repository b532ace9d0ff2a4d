"""``kg viz``: a self-contained HTML picture of an entity's neighbourhood.

The picture is the explorer page with its data embedded: the subgraph, and for
every node in it the same entity or event details (properties, timeline,
evidence sentences and sources) the API would answer. Building it from the
same read functions as the API (:mod:`kg.reads`) keeps one definition of what
an analyst sees; the file then opens offline, from disk or an e-mail
attachment, with no server.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kg import cypher, reads
from kg.captions import captions
from kg.graph import Graph
from kg.property_graph import ENTITY_ROOTS
from kg.reads.models import GraphNode
from kg.reads.named import run_named
from kg.web.page import boot_data, render_page

MAX_DEPTH = 3
EDGE_LIMIT = 1000  # a picture larger than this is unreadable; the page says when it was cut
TIMELINE_LIMIT = 200


class UnknownEntity(reads.UnknownEntity):
    """The id names no entity (and no event) in the graph."""

    def __str__(self) -> str:
        return f"no entity or event with id {self.entity_id!r}; find ids with `kg query find_entities --param q=NAME`"


@dataclass(frozen=True)
class Picture:
    html: str
    nodes: int
    edges: int
    truncated: bool


def build_picture(graph: Graph, entity_id: str, *, depth: int = 2) -> Picture:
    """The neighbourhood of ``entity_id`` (an entity or an event) within ``depth`` hops (1 to 3; events count
    as a hop) as one HTML file."""
    if not 1 <= depth <= MAX_DEPTH:
        raise ValueError(f"depth must be between 1 and {MAX_DEPTH}, not {depth}")
    found = graph.read(cypher.EXISTS_NODE, id=entity_id)
    labels = set(found[0]["labels"]) if found else set()
    if not labels & {*ENTITY_ROOTS, "Event"}:
        raise UnknownEntity(entity_id)
    subgraph = reads.subgraph(graph, entity_id, depth=depth, limit=EDGE_LIMIT)
    if not any(n.id == entity_id for n in subgraph.nodes):
        # Nothing links to it: the picture still draws it, alone, and says so (not a blank canvas).
        if "Event" in labels:
            event = reads.event_detail(graph, entity_id)
            label = captions(graph, [(entity_id, event.types)]).get(entity_id)
            subgraph.nodes.append(GraphNode(id=entity_id, types=event.types, date=event.date, label=label))
        else:
            entity = reads.entity_detail(graph, entity_id)
            subgraph.nodes.append(GraphNode(id=entity_id, name=entity.name, types=entity.types))
    details: dict[str, Any] = {}
    timelines: dict[str, list[dict[str, Any]]] = {}
    for node in subgraph.nodes:
        if "Event" in node.types:
            details[node.id] = reads.event_detail(graph, node.id).model_dump(mode="json")
        elif set(node.types) & set(ENTITY_ROOTS):
            details[node.id] = reads.entity_detail(graph, node.id).model_dump(mode="json")
            timelines[node.id] = run_named(graph, "actor_timeline", {"actor": node.id, "limit": TIMELINE_LIMIT})
    center = next(n for n in subgraph.nodes if n.id == entity_id)
    name = center.label or center.name or entity_id
    boot = boot_data("embedded", center=entity_id, subgraph=subgraph.model_dump(mode="json"), details=details, timelines=timelines)
    page = render_page(title=f"{name} · neighbourhood (depth {depth})", boot=boot, inline=True)
    return Picture(html=page, nodes=len(subgraph.nodes), edges=len(subgraph.edges), truncated=subgraph.truncated)
