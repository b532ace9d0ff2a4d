"""Names and ids a read is given must name something the graph holds, or the read says which do not.

A filter such as ``buyer=Taiwn`` matches no entity, and the named query then
answers with no rows, which reads as "no sales". So every actor, weapon system
or place a read is given (the filters of sales, the ends of a connection, an
entity id, a named query's ``entity`` parameters) is looked up first, as the
queries match it: its canonical id, or a name, alias or name a source used, in
any case. The engine's :class:`~kg.reads.lookup.NameLookup` answers, and
suggests the closest names for a value it refuses.
"""

from __future__ import annotations

from collections.abc import Mapping

from kg import cypher
from kg.graph import Graph
from kg.property_graph import ENTITY_ROOTS
from kg.reads.errors import MissingName, UnknownEntity, UnknownNames
from kg.reads.lookup import NameLookup

#: How many close entities a refusal suggests.
SUGGESTIONS = 5


def require_named(graph: Graph, names: NameLookup, values: Mapping[str, str | None]) -> None:
    """UnknownNames for every value (by the argument that gave it, such as ``buyer``) that names no entity."""
    given = {argument: value for argument, value in values.items() if value is not None}
    if not given:
        return
    unknown = names.unknown(graph, set(given.values()))
    missing = [MissingName(argument, value, names.closest(graph, value, SUGGESTIONS))
               for argument, value in given.items() if value in unknown]
    if missing:
        raise UnknownNames(missing)


def unknown_entity(graph: Graph, names: NameLookup | None, entity_id: str) -> UnknownEntity:
    """The refusal of an entity id, with the closest entities (none without a lookup)."""
    return UnknownEntity(entity_id, names.closest(graph, entity_id, SUGGESTIONS) if names is not None else [])


def require_entity(graph: Graph, entity_id: str, index: NameLookup | None = None) -> None:
    """UnknownEntity unless ``entity_id`` is an entity's (not an event's or a source's)."""
    rows = graph.read(cypher.EXISTS_NODE, id=entity_id)
    if not rows or not set(rows[0]["labels"]) & set(ENTITY_ROOTS):
        raise unknown_entity(graph, index, entity_id)
