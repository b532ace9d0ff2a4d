"""Likely duplicate entities: two ids whose names suggest they are one entity ("K9" and "K9 Thunder").

Resolution gives a name the canonical id of a reference entity, or a new id
made from the name; a source naming an entity the reference set does not know,
in a form another source did not use, makes a second entity. Such pairs are
found by three rules, each comparing entities of the same type only:

* ``same name``: a name or alias of one is a name or alias of the other
  (normalised: case, accents, punctuation, a leading "the"; three letters or more);
* ``token containment``: one entity's name is a run of whole words of the
  other's ("Hanwha" in "Hanwha Aerospace", "K9" in "K9 Thunder");
* ``fuzzy ratio``: the two names are nearly the same string (rapidfuzz's ratio
  of at least :data:`FUZZY_MIN`) and differ like a misspelling ("Lockheed
  Martin" and "Lockheed Martn"), not like two members of a series ("Su-24" and
  "Su-25") or two countries' agencies.

Two entries of the reference set are never a pair: they are curated as distinct
(Raytheon and RTX, BAE Systems and BAE Systems Bofors).

A load compares only the entities it creates, against an index of the graph's
names read once per load, so checking costs little next to writing; ``kg
duplicates`` compares every entity of the graph.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rapidfuzz import fuzz, process

from kg.names import normalise_name

if TYPE_CHECKING:
    from kg.graph import Graph
    from kg.ontology import Ontology
    from kg.property_graph import SourceRows

#: Least rapidfuzz ratio (0-100) of two normalised names for the fuzzy rule.
FUZZY_MIN = 90.0
#: Shortest normalised name the fuzzy rule looks at: short names differ by a letter and are distinct (F-15 and F-16).
FUZZY_MIN_LENGTH = 6
#: Words that never make a containment on their own.
_STOP = frozenset({"of", "the", "and", "for", "de", "la", "le", "du", "des", "der", "die", "und", "in", "on", "at", "to"})
#: Most names containing a word that the containment rule looks at: a word in more names is common
#: ("defence", "ministry") and says nothing about identity.
_MAX_POSTING = 200

@dataclass(frozen=True)
class Named:
    """An entity as the rules see it: id, most specific type, name and every other name."""

    id: str
    type: str
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Pair:
    """Two entities that may be one, and why."""

    first: Named  # the entity already there (in the graph, or earlier in the scan)
    second: Named  # the entity compared with it
    rule: str  # "same name", "token containment" or "fuzzy ratio"
    names: tuple[str, str]  # the two names the rule compared
    score: float  # 100 for the exact rules, the ratio for the fuzzy one

    def reason(self) -> str:
        a, b = self.names
        if self.rule == "same name":
            return f"both are named {a!r}"
        if self.rule == "token containment":
            return f"{a!r} is part of {b!r}" if len(a) < len(b) else f"{b!r} is part of {a!r}"
        return f"{a!r} and {b!r} are {self.score:.0f}% alike"

    def message(self) -> str:
        """One line for a load report."""
        return (f"{self.second.id} ({self.second.name!r}) may be the same {self.second.type} as {self.first.id} "
                f"({self.first.name!r}): {self.rule}, {self.reason()}; `kg duplicates` lists such pairs")

    def as_dict(self) -> dict[str, Any]:
        return {"type": self.first.type, "rule": self.rule, "reason": self.reason(), "score": round(self.score, 1),
                "names": list(self.names),
                "entities": [{"id": e.id, "name": e.name} for e in (self.first, self.second)]}


def _tokens(name: str) -> tuple[str, ...]:
    return tuple(normalise_name(name).split())


def _meaningful(tokens: tuple[str, ...]) -> bool:
    return any(len(t) >= 2 and t not in _STOP for t in tokens)


def _runs(tokens: tuple[str, ...]) -> Iterable[tuple[str, ...]]:
    """Every run of consecutive words shorter than the whole (contiguous sub-phrases)."""
    n = len(tokens)
    for size in range(1, n):
        for start in range(n - size + 1):
            yield tokens[start:start + size]


class NameIndex:
    """The names of entities by type, indexed for the three rules; entities are added one by one."""

    def __init__(self, reference_ids: Iterable[str] = ()) -> None:
        self.reference_ids = frozenset(reference_ids)
        self.entities: dict[str, Named] = {}
        self._by_name: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))  # type -> normalised name -> ids
        self._by_phrase: dict[str, dict[tuple[str, ...], set[str]]] = defaultdict(lambda: defaultdict(set))  # whole main names
        self._by_word: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))  # word of a main name -> ids
        self._by_block: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))  # first/last 3 letters -> ids
        self._main: dict[str, str] = {}  # id -> normalised main name

    def __contains__(self, entity_id: str) -> bool:
        return entity_id in self.entities

    def add(self, entity: Named) -> None:
        if entity.id in self.entities:
            return
        self.entities[entity.id] = entity
        for name in {normalise_name(n) for n in (entity.name, *entity.aliases)} - {""}:
            self._by_name[entity.type][name].add(entity.id)
        main = normalise_name(entity.name)
        self._main[entity.id] = main
        tokens = tuple(main.split())
        self._by_phrase[entity.type][tokens].add(entity.id)
        for token in set(tokens):
            self._by_word[entity.type][token].add(entity.id)
        for block in _blocks(main):
            self._by_block[entity.type][block].add(entity.id)

    def matches(self, entity: Named) -> list[Pair]:
        """Pairs of ``entity`` with indexed entities of its type, the strongest rule per other entity."""
        found: dict[str, Pair] = {}
        kind = entity.type
        reference = entity.id in self.reference_ids

        def keep(other_id: str, rule: str, names: tuple[str, str], score: float) -> None:
            if other_id == entity.id or other_id in found or (reference and other_id in self.reference_ids):
                return
            found[other_id] = Pair(self.entities[other_id], entity, rule, names, score)

        names = {normalise_name(n): n for n in (entity.name, *entity.aliases)}
        names.pop("", None)
        for norm, original in names.items():
            if len(norm.replace(" ", "")) < 3:
                continue  # two-letter acronyms name many things
            for other_id in sorted(self._by_name[kind].get(norm, ())):
                keep(other_id, "same name", (original, original), 100.0)
        main = normalise_name(entity.name)
        tokens = tuple(main.split())
        if tokens:
            # Its name inside a longer one: every indexed name holding all its words, checked for the run.
            if _meaningful(tokens):
                postings = [self._by_word[kind].get(t, set()) for t in set(tokens)]
                if all(postings) and min(len(p) for p in postings) <= _MAX_POSTING:
                    for other_id in sorted(set.intersection(*postings)):
                        other_tokens = tuple(self._main[other_id].split())
                        if len(other_tokens) > len(tokens) and _contains(other_tokens, tokens):
                            keep(other_id, "token containment", (self.entities[other_id].name, entity.name), 100.0)
            # A shorter name inside its own: each run of its words looked up as a whole name.
            for run in _runs(tokens):
                if _meaningful(run):
                    for other_id in sorted(self._by_phrase[kind].get(run, ())):
                        keep(other_id, "token containment", (self.entities[other_id].name, entity.name), 100.0)
        if len(main) >= FUZZY_MIN_LENGTH:
            candidates = sorted(set().union(*(self._by_block[kind].get(b, set()) for b in _blocks(main))) - {entity.id})
            choices = [self._main[c] for c in candidates]
            for _, score, i in process.extract(main, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN, limit=None):
                if len(choices[i]) >= FUZZY_MIN_LENGTH and _typo(main, choices[i]):
                    keep(candidates[i], "fuzzy ratio", (self.entities[candidates[i]].name, entity.name), float(score))
        return list(found.values())


def _typo(a: str, b: str) -> bool:
    """True when two nearly equal names differ like a misspelling, not like two names of a series:
    word for word, each differing word close to its counterpart, without digits and not a longer form
    of it ("Lockheed Martn"; not "Su-24" and "Su-25", "... of Algeria" and "... of Albania", "Niger" and "Nigeria")."""
    ta, tb = a.split(), b.split()
    if len(ta) != len(tb):
        return "".join(ta) == "".join(tb)  # "Rafael" vs "Raf ael": only the spacing differs
    differing = [(x, y) for x, y in zip(ta, tb) if x != y]
    return bool(differing) and all(
        not any(c.isdigit() for c in x + y) and not (x.startswith(y) or y.startswith(x))  # Niger / Nigeria
        and fuzz.ratio(x, y) >= 80 for x, y in differing)


def _blocks(main: str) -> set[str]:
    """Keys that two nearly equal names share unless both ends differ: first and last three letters."""
    return {"^" + main[:3], "$" + main[-3:]} if main else set()


def _contains(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    n = len(shorter)
    return any(longer[i:i + n] == shorter for i in range(len(longer) - n + 1))


def graph_entities(graph: Graph, onto: Ontology) -> list[Named]:
    """Every entity of the graph, with its most specific type and every name it is known by."""
    from kg import cypher

    out = []
    for row in graph.read(cypher.GAZETTEER_ENTITIES):  # id, name, labels, aliases and the names sources used
        cls = onto.most_specific(row["labels"])
        if cls is not None and row["id"] and row["name"]:
            out.append(Named(row["id"], cls.name, row["name"], tuple(dict.fromkeys(a for a in row["aliases"] if a))))
    return out


def find_duplicates(entities: Iterable[Named], reference_ids: Iterable[str] = ()) -> list[Pair]:
    """Every likely duplicate pair among ``entities`` (each pair once), strongest rules first."""
    index = NameIndex(reference_ids)
    pairs: list[Pair] = []
    for entity in sorted(entities, key=lambda e: e.id):
        pairs.extend(index.matches(entity))
        index.add(entity)
    order = {"same name": 0, "token containment": 1, "fuzzy ratio": 2}
    return sorted(pairs, key=lambda p: (order[p.rule], -p.score, p.first.type, p.first.id, p.second.id))


def new_entities(rows: SourceRows, index: NameIndex) -> list[Named]:
    """The entities a source names that ``index`` does not hold, with the names its mentions use."""
    new = [node for node in rows.entities if node.id not in index]
    if not new:
        return []  # the common case in a bulk load: every entity already known
    used: dict[str, list[str]] = defaultdict(list)
    for rel in rows.claim_rels:
        if rel.type == "MENTIONS":
            used[rel.end].extend(dict(rel.props).get("names") or [])
    return [Named(node.id, node.labels[0], str(node.props.get("name") or node.id),
                  tuple(dict.fromkeys(str(n) for n in used.get(node.id, ()))))
            for node in new]


def load_warnings(index: NameIndex, batch: Iterable[SourceRows]) -> dict[str, list[str]]:
    """For each source, a warning per entity it creates whose name is close to one of the graph's (or of
    an earlier source of the batch); the created entities join ``index``."""
    out: dict[str, list[str]] = {}
    for rows in batch:
        for entity in new_entities(rows, index):
            if entity.id in index:  # named twice by the source
                continue
            out.setdefault(rows.source_id, []).extend(pair.message() for pair in index.matches(entity))
            index.add(entity)
    return out
