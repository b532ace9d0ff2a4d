"""Entity names through Neo4j's full-text index (``entityNames``, created by ``kg schema apply``
and by every load): :class:`kg.reads.lookup.NameLookup` for engines that have one.

The index finds candidates, in Lucene's order: the whole text as a phrase first, then
names with words that start with each word of the text, then words that contain them,
then words within two edits of them. The candidates are ranked as the in-memory index
ranks every name (:func:`kg.reads.name_index.rank`), so both engines give the same kinds
of match in the same order; only the first :data:`CANDIDATES` are ranked.
"""

from __future__ import annotations

from typing import Any

from neo4j.exceptions import ClientError

from kg import cypher
from kg.engines.arcadedb.paths import EndLookup
from kg.graph import Graph, GraphUnavailable
from kg.names import normalise_name
from kg.reads.models import Suggestion
from kg.reads.name_index import RANK, Match, Named, closest_ids, rank

#: How many of the index's best hits are ranked: more than any page, and every exact or prefix
#: match of all but the shortest texts.
CANDIDATES = 1000
#: Words shorter than this are not matched within two edits (every two-letter word is).
FUZZY_MIN = 4


def lucene_query(needle: str) -> str:
    """The Lucene query for a normalised text (letters, digits and single spaces: nothing to escape)."""
    words = needle.split()
    fuzzy = [f"{w}~" for w in words if len(w) >= FUZZY_MIN]
    clauses = [f'"{needle}"^8', "(" + " AND ".join(f"{w}*" for w in words) + ")^4",
               "(" + " AND ".join(f"*{w}*" for w in words) + ")^2"]
    if fuzzy:
        clauses.append("(" + " OR ".join(fuzzy) + ")")
    return " OR ".join(clauses)


def _named(row: dict[str, Any]) -> Named:
    return Named(id=row["id"], name=row["name"] or row["id"], labels=tuple(row["labels"]),
                 search_names=tuple(row["searchNames"] or ()), node="", end_names=())


class FulltextNames:
    """Search, suggestions and name checks answered by the engine's full-text index."""

    def _read(self, graph: Graph, statement: cypher.Cypher, **params: Any) -> list[dict[str, Any]]:
        try:
            return graph.read(statement, **params)
        except ClientError as exc:
            if "no such fulltext schema index" in (exc.message or "").lower():
                raise GraphUnavailable(f"the graph has no full-text index {cypher.NAME_INDEX!r} of entity names: "
                                       "run `kg schema apply` (every `kg load` creates it)") from exc
            raise

    def search(self, graph: Graph, needle: str | None, type_: str | None, offset: int, limit: int) -> list[Match]:
        if needle is None:
            rows = self._read(graph, cypher.ENTITIES_BY_NAME, type=type_, offset=offset, limit=limit + 1)
            return [Match(_named(row), "all", 1.0) for row in rows]
        found = []
        for row in self._read(graph, cypher.FULLTEXT_CANDIDATES, lucene=lucene_query(needle), type=type_,
                              candidates=CANDIDATES):
            entity = _named(row)
            ranked = rank(needle, entity.search_names)
            if ranked is not None:
                found.append(Match(entity, *ranked))
        found.sort(key=lambda m: (RANK[m.kind], -m.score, m.entity.name.casefold(), m.entity.id))
        return found[offset:offset + limit + 1]

    def closest(self, graph: Graph, value: str, limit: int) -> list[Suggestion]:
        needle = normalise_name(value)
        found = [m.entity for m in self.search(graph, needle, None, 0, limit)[:limit]] if needle else []
        if not found:  # a mistyped id: compare it with the ids of its kind (state:, contractor:, ...)
            prefix = value[:value.index(":") + 1] if ":" in value else ""
            rows = self._read(graph, cypher.ENTITY_IDS_FROM, prefix=prefix)
            found = closest_ids(value, {row["id"]: _named({**row, "labels": (), "searchNames": ()}) for row in rows}, limit)
        return [Suggestion(id=e.id, name=e.name) for e in found]

    def unknown(self, graph: Graph, values: set[str]) -> set[str]:
        asked = [{"value": v, "phrase": f'"{normalise_name(v)}"' if normalise_name(v) else None} for v in sorted(values)]
        known = {row["value"] for row in self._read(graph, cypher.FULLTEXT_NAMED_VALUES, values=asked,
                                                    candidates=CANDIDATES)}
        return values - known

    def path_ends(self, graph: Graph) -> EndLookup | None:
        return None  # Neo4j resolves a path's ends in the named query itself

    def invalidate(self) -> None:
        pass  # the index is part of the graph: it is current when the write commits
