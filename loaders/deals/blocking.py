"""Candidate pairs for the linker: the pairs of units that may score a link, found through indexes.

A pair can reach the linker's threshold only when the two units share a recipient key (the linker's
blocks) and either a canonical system, a reference, or a system family (see the cap at the end of
``compare``). So instead of comparing every pair within a recipient, each unit looks up, within each
of its recipients, the units that share one of those: a system id, a reference, or, for each of its
system names, what :func:`loaders.deals.names.family` could accept (the same name; its acronym among
the other's words or initials; one of its distinctive words among the other's words). The lookups
find a superset of the pairs ``family`` accepts (each of its tests has a side whose key the other
must hold), so the linker, which scores every pair found, makes exactly the links it made comparing
every pair within a recipient (:func:`recipient_pairs`, kept for the tests and the benchmark).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from loaders.deals.names import distinctive, initials, tokens, words

if TYPE_CHECKING:
    from loaders.deals.linker import Unit

Pair = tuple[str, str]


def recipient_pairs(units: Mapping[str, Unit]) -> set[Pair]:
    """Every pair of units that share a recipient key: the exhaustive search (quadratic in a busy
    recipient)."""
    blocks: dict[str, list[str]] = defaultdict(list)
    for unit in sorted(units):
        for key in units[unit].recipient_keys():
            blocks[key].append(unit)
    return {(x, y) for block in blocks.values() for i, x in enumerate(block) for y in block[i + 1:]}


class _Index:
    """Units by (recipient key, kind, value)."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str, str], set[str]] = defaultdict(set)

    def add(self, unit: str, recipient: str, kind: str, values: Iterable[str]) -> None:
        for value in values:
            self.rows[(recipient, kind, value)].add(unit)

    def get(self, recipient: str, kind: str, value: str) -> set[str]:
        return self.rows.get((recipient, kind, value), set())


def _acronym(name: str) -> str | None:
    found = initials(name)
    return found if len(found) >= 3 else None  # family() ignores shorter acronyms


def candidate_pairs(units: Mapping[str, Unit]) -> set[Pair]:
    """The pairs of units that share a recipient key and a system, a reference or a system family
    name key: every pair :func:`recipient_pairs` gives that can reach the threshold."""
    index = _Index()
    names_of: dict[str, frozenset[str]] = {}
    for unit_id, unit in units.items():
        names = names_of[unit_id] = unit.union("system_names")
        for key in unit.recipient_keys():
            index.add(unit_id, key, "system", unit.union("systems"))
            index.add(unit_id, key, "reference", unit.union("references"))
            index.add(unit_id, key, "name", names)
            index.add(unit_id, key, "token", (t for n in names for t in tokens(n)))
            index.add(unit_id, key, "initials", filter(None, map(_acronym, names)))
    pairs: set[Pair] = set()
    for unit_id, unit in units.items():
        found: set[str] = set()
        for key in unit.recipient_keys():
            for system in unit.union("systems"):
                found |= index.get(key, "system", system)
            for ref in unit.union("references"):
                found |= index.get(key, "reference", ref)
            for name in names_of[unit_id]:
                found |= index.get(key, "name", name)
                acronym = _acronym(name)
                if acronym:  # its acronym among the other's words, or the same acronym
                    found |= index.get(key, "token", acronym) | index.get(key, "initials", acronym)
                core = distinctive(set(words(name)))
                if core:  # all its distinctive words within the other's: look up the rarest one
                    found |= min((index.get(key, "token", w) for w in sorted(core)), key=len)
        pairs.update((min(unit_id, other), max(unit_id, other)) for other in found if other != unit_id)
    return pairs
