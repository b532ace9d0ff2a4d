"""Names and ids a request gives must name something the graph holds: otherwise 404 with the closest.

A filter such as ``/sales?buyer=Taiwn`` matches no entity, and the named query
then answers with no rows, which reads as "no sales". So every actor, weapon
system or place a request names (the filters of ``/sales``, the ends of
``/paths``, an entity id in a path, a named query's ``entity`` parameters) is
looked up first, as the queries match it: its canonical id, or a name, alias or
name a source used, in any case. The API's snapshot of the names
(:mod:`kg.api.search_index`) answers almost every lookup; a value it does not
know is asked of the engine before it is refused, since the snapshot may be a
little older than the graph (a re-load elsewhere that only renamed).
"""

from __future__ import annotations

from collections.abc import Mapping

from rapidfuzz import fuzz, process

from kg import cypher
from kg.api.problems import NotFound, Suggestion
from kg.api.search_index import NameIndex, Names
from kg.graph import Graph
from kg.names import normalise_name

#: How many close entities a 404 suggests.
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


def _said(suggestions: list[Suggestion]) -> str:
    return "; closest: " + ", ".join(f"{s.name} ({s.id})" for s in suggestions) if suggestions else ""


def require_named(graph: Graph, index: NameIndex, values: Mapping[str, str | None]) -> None:
    """NotFound naming every value (by where it came from, such as ``query.buyer``) that names no entity."""
    given = {where: value for where, value in values.items() if value is not None}
    if not given:
        return
    names = index.names(graph)
    missing = {where: value for where, value in given.items() if not names.path_ends(value)}
    if missing:
        # the snapshot may be older than the graph: the engine has the last word
        known = {row["value"] for row in graph.read(cypher.NAMED_VALUES, values=sorted(set(missing.values())))}
        missing = {where: value for where, value in missing.items() if value not in known}
    if not missing:
        return
    errors, parts, first = [], [], None
    for where, value in missing.items():
        suggestions = closest(names, value)
        first = first if first is not None else suggestions
        parts.append(f"{value!r} ({where}{_said(suggestions).replace(';', ',', 1)})")
        errors.append({"where": where, "message": f"no actor, weapon system or place is named {value!r}", "value": value,
                       "suggestions": [s.model_dump() for s in suggestions]})
    raise NotFound(f"no actor, weapon system or place is named {'; nor '.join(parts)}; GET /entities?q= searches the names",
                   errors, first or None)


def unknown_entity(graph: Graph, index: NameIndex | None, entity_id: str) -> NotFound:
    """The 404 for an entity id in a path, with the closest entities (none without an index: ``kg viz``)."""
    suggestions = closest(index.names(graph), entity_id) if index is not None else []
    return NotFound(f"no entity with id {entity_id!r}{_said(suggestions)}; search with GET /entities?q=",
                    [{"where": "path.entity_id", "message": "unknown entity id", "value": entity_id}], suggestions or None)
