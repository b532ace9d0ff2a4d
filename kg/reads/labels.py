"""The ontology's vocabulary as reads use it: entity and event types, relationship types, label order."""

from __future__ import annotations

from collections.abc import Iterable

from kg.ontology import load_ontology
from kg.property_graph import ENTITY_ROOTS
from kg.store import ordered_labels


def entity_types() -> list[str]:
    onto = load_ontology()
    return sorted({c for root in ENTITY_ROOTS for c in onto.subclasses(root)})


def event_types() -> list[str]:
    return list(load_ontology().subclasses("Event", concrete=True))


def ordered_types(labels: Iterable[str]) -> list[str]:
    """A node's labels most specific first (``State, Actor``), as every answer lists them."""
    return list(ordered_labels(load_ontology(), labels))


def known_relationship_types() -> list[str]:
    return sorted({p.rel_type for p in load_ontology().object_properties.values()})
