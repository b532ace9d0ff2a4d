"""``kg viz``: a self-contained HTML picture of an entity's neighbourhood.

The picture is the explorer page with its data embedded: the subgraph, and for
every node in it the same entity or event details (properties, timeline,
evidence sentences and sources) the API would answer. Building it through the
API's own read functions keeps one definition of what an analyst sees; the
file then opens offline, from disk or an e-mail attachment, with no server.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kg.api.named import run_named
from kg.api.problems import NotFound
from kg.api.routes.entities import build_subgraph, get_entity, require_entity
from kg.api.routes.events import get_event
from kg.graph import Graph
from kg.property_graph import ENTITY_ROOTS
from kg.web.page import boot_data, render_page

MAX_DEPTH = 3
EDGE_LIMIT = 1000  # a picture larger than this is unreadable; the page says when it was cut
TIMELINE_LIMIT = 200


class UnknownEntity(LookupError):
    """The id names no entity in the graph."""


@dataclass(frozen=True)
class Picture:
    html: str
    nodes: int
    edges: int
    truncated: bool


def build_picture(graph: Graph, entity_id: str, *, depth: int = 2) -> Picture:
    """The neighbourhood of ``entity_id`` within ``depth`` hops (1 to 3; events count as a hop) as one HTML file."""
    if not 1 <= depth <= MAX_DEPTH:
        raise ValueError(f"depth must be between 1 and {MAX_DEPTH}, not {depth}")
    try:
        require_entity(graph, entity_id)
    except NotFound as exc:
        raise UnknownEntity(f"{exc.detail}; find ids with `kg query find_entities --param q=NAME`") from None
    subgraph = build_subgraph(graph, entity_id, depth=depth, limit=EDGE_LIMIT)
    details: dict[str, Any] = {}
    timelines: dict[str, list[dict[str, Any]]] = {}
    for node in subgraph.nodes:
        if "Event" in node.types:
            details[node.id] = get_event(node.id, graph).model_dump(mode="json")
        elif set(node.types) & set(ENTITY_ROOTS):
            details[node.id] = get_entity(node.id, graph).model_dump(mode="json")
            timelines[node.id] = run_named(graph, "actor_timeline", {"actor": node.id, "limit": TIMELINE_LIMIT})
    name = next((n.name for n in subgraph.nodes if n.id == entity_id and n.name), entity_id)
    boot = boot_data("embedded", center=entity_id, subgraph=subgraph.model_dump(mode="json"), details=details, timelines=timelines)
    page = render_page(title=f"{name} · neighbourhood (depth {depth})", boot=boot, inline=True)
    return Picture(html=page, nodes=len(subgraph.nodes), edges=len(subgraph.edges), truncated=subgraph.truncated)

