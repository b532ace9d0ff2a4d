"""An actor's timeline: the events it takes part in, by date (``queries/actor_timeline.cypher``)."""

from __future__ import annotations

from typing import Any

from kg.graph import Graph
from kg.reads.errors import InvalidArgument
from kg.reads.labels import event_types
from kg.reads.lookup import NameLookup
from kg.reads.named import run_named
from kg.reads.paging import Window, window
from kg.reads.resolve import require_entity


def timeline(graph: Graph, entity_id: str, *, type: str | None = None, from_: str | None = None, to: str | None = None,
             offset: int = 0, limit: int = 50, index: NameLookup | None = None) -> Window[dict[str, Any]]:
    """Events by date (undated last): roles, type, value, other participants, source. UnknownEntity
    for an id no entity has, InvalidArgument for an unknown event type or date."""
    require_entity(graph, entity_id, index)
    known = event_types()
    if type is not None and type not in known:
        raise InvalidArgument("type", f"type must be one of: {', '.join(known)}", f"unknown event type {type!r}")
    rows = run_named(graph, "actor_timeline", {"actor": entity_id, "type": type, "from": from_, "to": to, "limit": offset + limit + 1})
    return window(rows, offset, limit)
