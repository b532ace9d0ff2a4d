"""The API's in-memory index of entity names, and how a search ranks them.

Entity search ranks exact, prefix, substring and misspelt matches of a name or
alias. Neither engine can answer that from an index (a substring or spelling
match scans every name, and the embedded engine has no full-text index), so
asking the graph on every search cost two scans of every entity: hundreds of
milliseconds on a graph of tens of thousands of events. The names are small
(one row per entity), so the API keeps them in memory and ranks there.

Staying current costs one cheap read per search: the graph's *signature*, the
counts of sources, evidence and entities (count-store lookups on both engines,
about a millisecond). A load or retraction of a source changes it, so the next
search re-reads the names. A source re-loaded with changed names but the same
counts leaves the signature as it was; for that case the names are re-read
anyway once they are older than ``KG_SEARCH_MAX_AGE`` seconds, and at once
after a write through this API (:meth:`NameIndex.invalidate`).

One request re-reads at a time; the others meanwhile rank on the names they
have (a search racing a load may miss what that load adds, as it would with
the graph).
"""

from __future__ import annotations

import difflib
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from kg import cypher
from kg.graph import Graph

FUZZY_CUTOFF = 0.72
RANK = {"exact": 0, "prefix": 1, "contains": 2, "fuzzy": 3, "all": 4}


@dataclass(frozen=True)
class Named:
    """One entity as search sees it: id, display name, labels and normalised names."""

    id: str
    name: str
    labels: tuple[str, ...]
    search_names: tuple[str, ...]


@dataclass(frozen=True)
class Match:
    entity: Named
    kind: str
    score: float


def rank(q: str, names: Iterable[str]) -> tuple[str, float] | None:
    """How well the best of ``names`` matches ``q``: exact, prefix (of a word), substring or fuzzy."""
    best: tuple[str, float] | None = None
    for name in names:
        if name == q:
            return "exact", 1.0
        if name.startswith(q) or any(word.startswith(q) for word in name.split()):
            kind, score = "prefix", 0.9
        elif q in name:
            kind, score = "contains", 0.7
        elif fuzz.ratio(q, name, score_cutoff=100 * FUZZY_CUTOFF):
            # rapidfuzz's ratio (from the longest common subsequence) is never below difflib's
            # (from greedy matching blocks), so this C-speed test drops only names difflib would
            # drop too; difflib then scores the few left, as it always has
            ratio = difflib.SequenceMatcher(None, q, name).ratio()
            kind, score = ("fuzzy", round(ratio * 0.6, 3)) if ratio >= FUZZY_CUTOFF else ("", 0.0)
        else:
            kind, score = "", 0.0
        if kind and (best is None or RANK[kind] < RANK[best[0]] or (kind == best[0] and score > best[1])):
            best = (kind, score)
    return best


class Names:
    """A snapshot of every entity's names, and the graph signature it was read at."""

    def __init__(self, entities: list[Named], signature: dict[str, int]) -> None:
        self.entities = entities
        self.signature = signature
        self.read_at = time.monotonic()
        # every name once, with the entities that bear it: the screens below run over this list
        owners: dict[str, list[int]] = {}
        for i, entity in enumerate(entities):
            for name in entity.search_names:
                owners.setdefault(name, []).append(i)
        self._names = list(owners)
        self._owners = [owners[name] for name in self._names]

    def search(self, q: str | None, type_: str | None) -> list[Match]:
        """Every entity of ``type_`` (any, when None) that matches ``q`` (all, when None), best first."""
        if q is None:
            found = [Match(e, "all", 1.0) for e in self.entities if type_ is None or type_ in e.labels]
        else:
            # an entity matches only through a name that contains q or passes the fuzzy screen
            # (see rank), so only those entities are ranked, with the same rank as always
            candidates = {i for name, owners in zip(self._names, self._owners) if q in name for i in owners}
            for _, _, at in process.extract(q, self._names, scorer=fuzz.ratio, score_cutoff=100 * FUZZY_CUTOFF, limit=None):
                candidates.update(self._owners[at])
            found = []
            for i in candidates:
                entity = self.entities[i]
                if type_ is not None and type_ not in entity.labels:
                    continue
                ranked = rank(q, entity.search_names)
                if ranked is not None:
                    found.append(Match(entity, *ranked))
        found.sort(key=lambda m: (RANK[m.kind], -m.score, m.entity.name.casefold(), m.entity.id))
        return found


class NameIndex:
    """The names search ranks, re-read from the graph when it changed (see the module docstring)."""

    def __init__(self, max_age: float) -> None:
        self.max_age = max_age
        self._names: Names | None = None
        self._lock = threading.Lock()

    def invalidate(self) -> None:
        """Forget the names: this process just changed the graph."""
        self._names = None

    def names(self, graph: Graph) -> Names:
        current = self._names
        if current is not None and time.monotonic() - current.read_at <= self.max_age \
                and graph.read(cypher.GRAPH_SIGNATURE)[0] == current.signature:
            return current
        if current is None:
            self._lock.acquire()  # nothing to rank on yet: wait for the names
        elif not self._lock.acquire(blocking=False):
            return current  # another request is re-reading them
        try:
            if self._names is not current and self._names is not None:
                return self._names  # re-read while this request waited
            self._names = read_names(graph)
            return self._names
        finally:
            self._lock.release()


def read_names(graph: Graph) -> Names:
    """Every entity's names, with the signature read first (so a later change is never missed)."""
    signature = graph.read(cypher.GRAPH_SIGNATURE)[0]
    entities = [Named(id=r["id"], name=r["name"] or r["id"], labels=tuple(r["labels"]), search_names=tuple(r["searchName"] or ()))
                for r in graph.read(cypher.ENTITY_NAMES)]
    return Names(entities, signature)
