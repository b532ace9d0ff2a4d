"""The reference set: the states, companies and other well-known entities the graph gives canonical ids.

One set, read by both paths into the graph, so a name resolves to the same id
whether it comes from an annotation file (:mod:`loaders.resolution`) or from raw
text (:mod:`loaders.extraction.gazetteer`):

* ``states.yaml``: every UN member and observer state, Taiwan, Kosovo and a few
  territories, with ISO 3166 codes, Wikidata ids, names, capitals and demonyms;
* ``companies.yaml``: defence companies with country, parent and former names;
* ``entities.yaml``: agencies, armed forces, organisations, systems, people, places.

The files only say which names mean which entity: they state no facts and are
never loaded as sources.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).parent
STATES_FILE = HERE / "states.yaml"
COMPANIES_FILE = HERE / "companies.yaml"
ENTITIES_FILE = HERE / "entities.yaml"


@dataclass(frozen=True)
class State:
    iso: str
    iso3: str
    wikidata: str
    status: str  # member | observer | non-member | territory
    name: str
    official_name: str | None = None
    aliases: tuple[str, ...] = ()
    capital: str | None = None
    metonyms: tuple[str, ...] = ()  # always the government in text ("arms for Kyiv"); the capital otherwise depends on context
    demonyms: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return f"state:{self.iso}"

    @property
    def names(self) -> tuple[str, ...]:
        """Every name that means the state when a source types it as one (the capital as a metonym)."""
        return tuple(dict.fromkeys(n for n in (self.name, self.official_name, *self.aliases, self.capital, *self.metonyms) if n))


@dataclass(frozen=True)
class Company:
    id: str
    name: str
    country: str
    parent: str | None = None
    renamed_to: str | None = None
    wikidata: str | None = None
    aliases: tuple[str, ...] = ()
    former_names: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((self.name, *self.aliases, *self.former_names)))


@dataclass(frozen=True)
class Entity:
    """Any other reference entity: an agency, an armed force, an organisation, a system, a person, a place."""

    id: str
    type: str
    name: str
    aliases: tuple[str, ...] = ()
    wikidata: str | None = None


#: libyaml's safe loader where PyYAML has it (its wheels do): it reads the same data ten times faster than the
#: Python one, and every `kg extract` reads these files before its first sentence.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read(path: Path, section: str) -> list[dict[str, Any]]:
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER) or {}  # noqa: S506 - a safe loader
    return list(data.get(section) or [])


def _tuples(item: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {**item, **{k: tuple(str(v) for v in item.get(k) or ()) for k in keys if k in item}}


@cache
def states() -> tuple[State, ...]:
    return tuple(State(**_tuples(item, "aliases", "metonyms", "demonyms")) for item in _read(STATES_FILE, "states"))


@cache
def companies() -> tuple[Company, ...]:
    return tuple(Company(**_tuples(item, "aliases", "former_names")) for item in _read(COMPANIES_FILE, "companies"))


@cache
def other_entities() -> tuple[Entity, ...]:
    return tuple(Entity(**_tuples(item, "aliases")) for item in _read(ENTITIES_FILE, "entities"))


def resolution_entries() -> list[dict[str, Any]]:
    """Every reference entity as resolution needs it: id, type, name, aliases (all other names), ISO code, Wikidata id."""
    out: list[dict[str, Any]] = []
    for s in states():
        out.append({"id": s.id, "type": "State", "name": s.name, "aliases": s.names[1:], "iso_code": s.iso,
                    "wikidata": s.wikidata})
    for c in companies():
        out.append({"id": c.id, "type": "Contractor", "name": c.name, "aliases": c.names[1:], "iso_code": None,
                    "wikidata": c.wikidata})
    for e in other_entities():
        out.append({"id": e.id, "type": e.type, "name": e.name, "aliases": e.aliases, "iso_code": None,
                    "wikidata": e.wikidata})
    return out
