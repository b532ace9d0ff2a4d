"""The names official texts call the reference states by: one table for the parsers, each of which keys and
filters it by its own rule (case, short names, the United States as buyer, TECRO)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

from loaders.reference import State, states

TECRO = "Taipei Economic and Cultural Representative Office in the United States"


@dataclass(frozen=True)
class StateName:
    text: str  # as the reference set (or the notices, for TECRO) writes it
    state: State
    proper: bool  # a name to keep as an alias: not an article form ("The Netherlands"), not TECRO's office


@cache
def reference_names() -> tuple[StateName, ...]:
    """Each reference state's names in the reference set's order: its name, official name, aliases."""
    return tuple(StateName(name, state, not name.startswith("The "))
                 for state in states() for name in (state.name, state.official_name, *state.aliases) if name)


@cache
def tecro_names() -> tuple[StateName, ...]:
    """TECRO's forms: the office that buys for Taiwan, which contracts and notices name in Taiwan's place."""
    taiwan = next((state for state in states() if state.iso == "TW"), None)
    if taiwan is None:
        raise ValueError("reference states: no state with iso 'TW' for TECRO's names to stand for")
    return tuple(StateName(name, taiwan, False)
                 for name in (TECRO, "Taipei Economic and Cultural Representative Office", "TECRO"))


def names_by(key: Callable[[str], str], names: Iterable[StateName]) -> dict[str, StateName]:
    """``names`` by ``key`` of their text; of names with the same key, the first."""
    out: dict[str, StateName] = {}
    for name in names:
        out.setdefault(key(name.text), name)
    return out


def alternatives(names: Iterable[str]) -> str:
    """A regular expression's alternatives for ``names``, longest first so "Republic of Korea" beats "Korea"."""
    return "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
