"""Names and ids a read is given must name something the graph holds, or the read says which do not.

A filter such as ``buyer=Taiwn`` matches no entity, and the named query then
answers with no rows, which reads as "no sales". So every actor, weapon system
or place a read is given (the filters of sales, the ends of a connection, an
entity id, a named query's ``entity`` parameters) is looked up first, as the
queries match it: its canonical id, or a name, alias or name a source used, in
any case. The name index (:mod:`kg.reads.name_index`) answers almost every
lookup; a value it does not know is asked of the engine before it is refused,
since the index may be a little older than the graph (a re-load elsewhere that
only renamed).
"""

from __future__ import annotations

from collections.abc import Mapping

from rapidfuzz import fuzz, process

from kg import cypher
from kg.graph import Graph
from kg.names import normalise_name
from kg.property_graph import ENTITY_ROOTS
from kg.reads.errors import MissingName, UnknownEntity, UnknownNames
from kg.reads.models import Suggestion
from kg.reads.name_index import NameIndex, Names

#: How many close entities a refusal suggests.
SUGGESTIONS = 5
#: How close (rapidfuzz ratio, 0-100) a mistyped id must be to an entity's id to be suggested.
ID_CUTOFF = 60


def closest(names: Names, value: str, limit: int = SUGGESTIONS) -> list[Suggestion]:
    """The entities whose names (or, failing that, ids) are closest to ``value``, closest first."""
    needle = normalise_name(value)
    found = [m.entity for m in names.search(needle, None)[:limit]] if needle else []
    if not found:
        # a mistyped id (state:TWN) rarely spells a name: compare it with the ids
        by_id = {e.id: e for e in names.entities}
        picked = process.extract(value, list(by_id), scorer=fuzz.ratio, score_cutoff=ID_CUTOFF, limit=limit)
        found = [by_id[choice] for choice, _, _ in picked]
    return [Suggestion(id=e.id, name=e.name) for e in found]


def require_named(graph: Graph, index: NameIndex, values: Mapping[str, str | None]) -> None:
    """UnknownNames for every value (by the argument that gave it, such as ``buyer``) that names no entity."""
    given = {argument: value for argument, value in values.items() if value is not None}
    if not given:
        return
    names = index.names(graph)
    missing = {argument: value for argument, value in given.items() if not names.path_ends(value)}
    if missing:
        # the snapshot may be older than the graph: the engine has the last word
        known = {row["value"] for row in graph.read(cypher.NAMED_VALUES, values=sorted(set(missing.values())))}
        missing = {argument: value for argument, value in missing.items() if value not in known}
    if missing:
        raise UnknownNames([MissingName(argument, value, closest(names, value)) for argument, value in missing.items()])


def unknown_entity(graph: Graph, index: NameIndex | None, entity_id: str) -> UnknownEntity:
    """The refusal of an entity id, with the closest entities (none without an index)."""
    return UnknownEntity(entity_id, closest(index.names(graph), entity_id) if index is not None else [])


def require_entity(graph: Graph, entity_id: str, index: NameIndex | None = None) -> None:
    """UnknownEntity unless ``entity_id`` is an entity's (not an event's or a source's)."""
    rows = graph.read(cypher.EXISTS_NODE, id=entity_id)
    if not rows or not set(rows[0]["labels"]) & set(ENTITY_ROOTS):
        raise unknown_entity(graph, index, entity_id)
