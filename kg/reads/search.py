"""Entity search by name or alias: exact matches first, then prefix, then substring, then spelling."""

from __future__ import annotations

from kg.graph import Graph
from kg.names import normalise_name
from kg.reads.entities import links
from kg.reads.errors import InvalidArgument
from kg.reads.labels import entity_types, ordered_types
from kg.reads.lookup import NameLookup
from kg.reads.models import EntityHit
from kg.reads.paging import Window, window


def check_entity_type(value: str | None) -> None:
    """InvalidArgument unless ``value`` is None or an entity class of the ontology."""
    if value is not None and value not in entity_types():
        raise InvalidArgument("type", f"type must be one of: {', '.join(entity_types())}", f"unknown type {value!r}")


def search_entities(graph: Graph, names: NameLookup, q: str | None = None, type: str | None = None, *,
                    offset: int = 0, limit: int = 20) -> Window[EntityHit]:
    """Entities of class ``type`` (any when None) whose names match ``q`` (all when None), best first;
    case and accents do not matter."""
    check_entity_type(type)
    needle = normalise_name(q) if q else None
    if q is not None and not needle:
        raise InvalidArgument("q", "q has no letters or digits to search for", "empty after normalisation")
    found = names.search(graph, needle, type, offset, limit)
    hits = [EntityHit(id=m.entity.id, name=m.entity.name, types=ordered_types(m.entity.labels), match=m.kind,
                      score=m.score, links=links(m.entity.id)) for m in found]
    return window(hits, 0, limit)
