"""The in-memory index of entity names the API keeps on the embedded engine, and how a search ranks them.

Entity search ranks exact, prefix, substring and misspelt matches of a name or
alias. The embedded engine has no full-text index (difference 1 in
:mod:`kg.graph`), and a substring or spelling match would scan every name on
every search; the names are small (one row per entity), so the API keeps them
in memory and ranks there. Neo4j answers from its full-text index instead
(:mod:`kg.reads.fulltext`), ranked by the same :func:`rank`.

Staying current costs one cheap read per search: the graph's *signature*, the
counts of sources, evidence and entities (count-store lookups on both engines),
shared by concurrent searches but never taken from a read that began before
the search did (:meth:`NameIndex.signature`). A load or retraction of a source
changes it, so the next search re-reads the names. A source re-loaded with
changed names but the same counts leaves the signature as it was; for that case
the names are re-read anyway once they are older than ``KG_SEARCH_MAX_AGE``
seconds, and at once after a write through this API
(:meth:`NameIndex.invalidate`), whichever of its worker processes took the
write: the workers share a file that grows by a byte with every write.

The same snapshot tells ``GET /paths`` which entities its ends name
(:meth:`Names.path_ends`), so the engine need not read every entity to resolve
them; :mod:`kg.engines.arcadedb.paths` has the engine confirm each one, and
resolves the ends the long way when the snapshot turns out to be out of date.

One request re-reads at a time; the others meanwhile rank on the names they
have (a search racing a load may miss what that load adds, as it would with
the graph).
"""

from __future__ import annotations

import bisect
import difflib
import itertools
import math
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from rapidfuzz import fuzz, process

from kg import cypher
from kg.engines.arcadedb.paths import EndLookup
from kg.graph import Graph
from kg.names import normalise_name
from kg.reads.models import Suggestion

T = TypeVar("T")

FUZZY_CUTOFF = 0.72
#: How close (rapidfuzz ratio, 0-100) a mistyped id must be to an entity's id to be suggested.
ID_CUTOFF = 60
RANK = {"exact": 0, "prefix": 1, "contains": 2, "fuzzy": 3, "all": 4}


@dataclass(frozen=True)
class Named:
    """One entity as search sees it: id, display name, labels and normalised names; and as a
    path's end does: its element id and its names lowercased by the engine."""

    id: str
    name: str
    labels: tuple[str, ...]
    search_names: tuple[str, ...]
    node: str
    end_names: tuple[str, ...]


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

    def __init__(self, entities: list[Named], signature: dict[str, int], writes: int = 0) -> None:
        self.entities = entities
        self.signature = signature
        self.writes = writes
        self.read_at = time.monotonic()
        # every name once, with the entities that bear it: the screens below run over this list,
        # shortest first, so the names long enough to pass the fuzzy screen are one slice of it
        owners: dict[str, list[int]] = {}
        for i, entity in enumerate(entities):
            for name in entity.search_names:
                owners.setdefault(name, []).append(i)
        self._names = sorted(owners, key=len)
        self._owners = [owners[name] for name in self._names]
        self._lengths = [len(name) for name in self._names]
        # the names as one text, for str.find to scan in C: normalised names hold no newline
        self._text = "\n".join(self._names)
        self._starts = list(itertools.accumulate((length + 1 for length in self._lengths[:-1]), initial=0))
        self._by_id: dict[str, list[str]] = {}
        self._by_end_name: dict[str, list[str]] = {}
        for entity in entities:
            self._by_id.setdefault(entity.id, []).append(entity.node)
            for name in set(entity.end_names):
                self._by_end_name.setdefault(name, []).append(entity.node)

    def path_ends(self, end: str) -> list[str]:
        """Element ids of the entities a path's end names, as queries/shortest_connections.cypher
        matches them: by id, or by a name, alias or source name, case-insensitively.

        The names were lowercased by the engine; ``end`` is lowercased here, by Python, which
        agrees with it on every letter but a few special cases (none in the ontology's data):
        an end they disagree on finds nothing here, and :mod:`kg.engines.arcadedb.paths` then asks the engine.
        """
        return list(dict.fromkeys(self._by_id.get(end, []) + self._by_end_name.get(end.lower(), [])))

    def _containing(self, q: str) -> Iterator[int]:
        """The positions in ``_names`` of the names that contain ``q``."""
        at = self._text.find(q) if self._names else -1
        while at != -1:
            k = bisect.bisect_right(self._starts, at) - 1
            if at + len(q) <= self._starts[k] + self._lengths[k]:
                yield k
            at = self._text.find(q, self._starts[k + 1]) if k + 1 < len(self._starts) else -1

    def _screened(self, q: str) -> Iterator[int]:
        """The positions in ``_names`` of the names that pass the fuzzy screen of :func:`rank`.

        rapidfuzz's ratio is 2·LCS/(len(q) + len(name)), and LCS ≤ the shorter length, so a
        name shorter than ``FUZZY_CUTOFF/(2 - FUZZY_CUTOFF)`` of q, or longer than
        ``(2 - FUZZY_CUTOFF)/FUZZY_CUTOFF`` of it, can never pass: only the slice of names
        between those lengths (one wider each side, against rounding) is screened.
        """
        shortest = math.floor(len(q) * FUZZY_CUTOFF / (2 - FUZZY_CUTOFF)) - 1
        longest = math.ceil(len(q) * (2 - FUZZY_CUTOFF) / FUZZY_CUTOFF) + 1
        lo = bisect.bisect_left(self._lengths, shortest)
        hi = bisect.bisect_right(self._lengths, longest)
        for _, _, at in process.extract(q, self._names[lo:hi], scorer=fuzz.ratio, score_cutoff=100 * FUZZY_CUTOFF, limit=None):
            yield lo + at

    def search(self, q: str | None, type_: str | None) -> list[Match]:
        """Every entity of ``type_`` (any, when None) that matches ``q`` (all, when None), best first."""
        if q is None:
            found = [Match(e, "all", 1.0) for e in self.entities if type_ is None or type_ in e.labels]
        else:
            # an entity matches only through a name that contains q or passes the fuzzy screen
            # (see rank), so only those entities are ranked, with the same rank as always
            candidates = {i for at in itertools.chain(self._containing(q), self._screened(q)) for i in self._owners[at]}
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

    def __init__(self, max_age: float, shared: Path | None = None) -> None:
        self.max_age = max_age
        self.shared = shared
        self._names: Names | None = None
        self._lock = threading.Lock()
        self._signature: dict[str, int] | None = None
        self._signature_started = float("-inf")
        self._signature_lock = threading.Lock()

    def invalidate(self) -> None:
        """Forget the names: this process just changed the graph (and tell the other workers)."""
        self._names = None
        if self.shared is not None:
            with self.shared.open("ab") as marks:
                marks.write(b".")

    def _writes(self) -> int:
        """Writes the API's workers have made so far: the shared file grows a byte with each."""
        try:
            return self.shared.stat().st_size if self.shared is not None else 0
        except FileNotFoundError:
            return 0

    def signature(self, graph: Graph) -> dict[str, int]:
        """The graph's signature, read after this call began: by this request, or shared.

        Concurrent searches share reads. One read runs at a time; a request that waited for
        another's read takes the answer of a read that *started after it arrived* (that read saw
        every change committed before the request came), and otherwise reads itself. So
        concurrent searches share reads, and none misses an earlier change.
        """
        arrived = time.monotonic()
        with self._signature_lock:
            if self._signature is not None and self._signature_started > arrived:
                return self._signature
            started = time.monotonic()
            self._signature = graph.read(cypher.GRAPH_SIGNATURE)[0]
            self._signature_started = started
            return self._signature

    def names(self, graph: Graph) -> Names:
        current = self._names
        if current is not None and time.monotonic() - current.read_at <= self.max_age \
                and self._writes() == current.writes and self.signature(graph) == current.signature:
            return current
        if current is None:
            self._lock.acquire()  # nothing to rank on yet: wait for the names
        elif not self._lock.acquire(blocking=False):
            return current  # another request is re-reading them
        try:
            if self._names is not current and self._names is not None:
                return self._names  # re-read while this request waited
            writes = self._writes()  # counted first, so a write during the read is never missed
            self._names = read_names(graph, writes)
            return self._names
        finally:
            self._lock.release()

    # -- kg.reads.lookup.NameLookup ------------------------------------------------

    def search(self, graph: Graph, needle: str | None, type_: str | None, offset: int, limit: int) -> list[Match]:
        return self.names(graph).search(needle, type_)[offset:offset + limit + 1]

    def closest(self, graph: Graph, value: str, limit: int) -> list[Suggestion]:
        names = self.names(graph)
        needle = normalise_name(value)
        found = [m.entity for m in names.search(needle, None)[:limit]] if needle else []
        if not found:
            found = closest_ids(value, {e.id: e for e in names.entities}, limit)
        return [Suggestion(id=e.id, name=e.name) for e in found]

    def unknown(self, graph: Graph, values: set[str]) -> set[str]:
        names = self.names(graph)
        missing = {value for value in values if not names.path_ends(value)}
        if missing:  # the snapshot may be older than the graph: the engine has the last word
            missing -= {row["value"] for row in graph.read(cypher.NAMED_VALUES, values=sorted(missing))}
        return missing

    def path_ends(self, graph: Graph) -> EndLookup | None:
        return self.names(graph).path_ends


def closest_ids(value: str, by_id: dict[str, T], limit: int) -> list[T]:
    """The entities whose ids are closest to ``value``: a mistyped id (state:TWN) rarely spells a name."""
    picked = process.extract(value, list(by_id), scorer=fuzz.ratio, score_cutoff=ID_CUTOFF, limit=limit)
    return [by_id[choice] for choice, _, _ in picked]


def read_names(graph: Graph, writes: int = 0) -> Names:
    """Every entity's names, with the signature read first (so a later change is never missed)."""
    signature = graph.read(cypher.GRAPH_SIGNATURE)[0]
    found = graph.read(cypher.ENTITY_NAMES)[0]
    entities = [Named(id=id_, name=name or id_, labels=tuple(labels), search_names=tuple(search_names or ()), node=node,
                      end_names=tuple(end for end in end_names if end is not None))
                for id_, name, labels, search_names, node, end_names
                in zip(found["ids"], found["names"], found["labels"], found["searchNames"], found["nodes"], found["endNames"])]
    return Names(entities, signature, writes)
