"""How reads find entities by name: search, suggestions for a name the graph lacks, and
whether a name names anything. One :class:`NameLookup` per engine, chosen by its dialect:

* Neo4j: the full-text index ``kg schema apply`` creates (:mod:`kg.reads.fulltext`);
* the embedded engine, which has none: a snapshot of the names kept in memory
  (:mod:`kg.reads.name_index`).

Both rank what they find with :func:`kg.reads.name_index.rank`, so a search gives the
same kinds of match, best first, on either engine.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from kg.engines import Dialect
from kg.engines.arcadedb.paths import EndLookup
from kg.graph import Graph
from kg.reads.fulltext import FulltextNames
from kg.reads.models import Suggestion
from kg.reads.name_index import Match, NameIndex


class NameLookup(Protocol):
    def search(self, graph: Graph, needle: str | None, type_: str | None, offset: int, limit: int) -> list[Match]:
        """The entities of ``type_`` (any when None) whose names match the normalised ``needle`` (all
        when None), best first: ``limit`` of them from ``offset``, and one more when there are more."""

    def closest(self, graph: Graph, value: str, limit: int) -> list[Suggestion]:
        """The entities whose names (or, failing that, ids) are closest to ``value``, closest first."""

    def unknown(self, graph: Graph, values: set[str]) -> set[str]:
        """Those of ``values`` that name no entity, as the named queries match one (id, or a name,
        alias or source name, in any case)."""

    def path_ends(self, graph: Graph) -> EndLookup | None:
        """What saves the both-ends path search its pass over every entity, if this lookup has it."""

    def invalidate(self) -> None:
        """This process just changed the graph."""


def name_lookup(dialect: Dialect, max_age: float, shared_marks: str | None = None) -> NameLookup:
    """The lookup for an engine of ``dialect``; ``max_age`` and ``shared_marks`` tune the in-memory one."""
    if dialect.fulltext_index:
        return FulltextNames()
    return NameIndex(max_age, Path(shared_marks) if shared_marks else None)
