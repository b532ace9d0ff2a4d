"""The gazetteer: every name the extractor can recognise by lookup, and what it names.

Built from three sources, so recognition improves as the graph grows without
retraining anything:

1. the reference set (:mod:`loaders.reference`), which entity resolution reads
   too: every state with its codes, names, capital and demonyms, the defence
   companies, and the other canonical entries and metonyms ("the Pentagon"), so
   the extractor and the loader give a name the same id;
2. ``lexicon.yaml`` beside this module: the rest of the domain's vocabulary
   (international organisations, government agencies, armed forces, well-known
   weapon systems, officials' titles), for recognition only;
3. optionally the graph: the names and aliases of every entity already stored.

Lookup is exact on the surface form (news text capitalises names), longest
match first, with an optional plural ``s``. Capitals are recorded apart from
aliases: "Seoul said" names South Korea, "in Seoul" names the city, and the
recogniser decides which from the words before it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from loaders import reference
from loaders.resolution import slug

if TYPE_CHECKING:
    from kg.graph import Graph

LEXICON_FILE = Path(__file__).with_name("lexicon.yaml")

#: Confidence that a lookup hit names the entry, by how the surface relates to it.
SURFACE_CONFIDENCE = {"name": 0.95, "alias": 0.9, "graph": 0.85, "demonym": 0.8, "capital": 0.75}

#: Words that turn a demonym into a name of the state ("the Polish government") ...
STATE_HEADS = ("government", "authorities", "administration", "officials", "cabinet")
#: ... of its defence ministry ...
MINISTRY_HEADS = ("defence ministry", "defense ministry", "Defence Ministry", "Defense Ministry", "ministry of defence",
                  "Ministry of Defence", "Ministry of Defense", "Ministry of National Defence", "Ministry of National Defense")
#: ... or of its armed forces.
FORCES_HEADS = ("military", "armed forces", "Armed Forces", "army", "Army", "navy", "Navy", "air force", "Air Force")


@dataclass(frozen=True)
class Entry:
    """One thing the gazetteer knows: a key stable within a run, its class, names and identifiers."""

    key: str
    type: str
    name: str
    aliases: tuple[str, ...] = ()
    iso_code: str | None = None
    wikidata: str | None = None
    country: str | None = None  # ISO code of the state an agency, company, force or system belongs to
    capital: str | None = None
    category: str | None = None


@dataclass(frozen=True)
class Match:
    """A surface form found in a text, with the entry it names."""

    start: int
    end: int
    text: str
    entry: Entry
    how: str  # name | alias | graph | demonym | capital

    @property
    def confidence(self) -> float:
        return SURFACE_CONFIDENCE[self.how]


@dataclass
class Gazetteer:
    entries: dict[str, Entry] = field(default_factory=dict)
    surfaces: dict[str, tuple[str, str]] = field(default_factory=dict)  # surface -> (entry key, how)
    _pattern: re.Pattern[str] | None = None

    # -- building ---------------------------------------------------------------------

    def add(self, entry: Entry, *, how_alias: str = "alias") -> Entry:
        """Add an entry (or merge its aliases into the known entry of the same key)."""
        known = self.entries.get(entry.key)
        if known is not None:
            merged = tuple(dict.fromkeys([*known.aliases, *entry.aliases]))
            entry = Entry(**{**known.__dict__, "aliases": merged})
        self.entries[entry.key] = entry
        self._surface(entry.name, entry.key, "name")
        for alias in entry.aliases:
            self._surface(alias, entry.key, how_alias)
        self._pattern = None
        return entry

    def _surface(self, text: str, key: str, how: str) -> None:
        text = text.strip()
        if len(text) < 2 or (text in self.surfaces and self._rank(self.surfaces[text][1]) <= self._rank(how)):
            return  # the first, most direct claim on a surface wins: an ambiguous alias keeps its first owner
        self.surfaces[text] = (key, how)
        if text.startswith("the ") or text.startswith("The "):
            self._surface(text[4:], key, how)

    @staticmethod
    def _rank(how: str) -> int:
        return ["name", "alias", "graph", "demonym", "capital"].index(how)

    def add_state_phrases(self, entry: Entry, demonyms: Iterable[str]) -> None:
        """"the Polish government" names Poland; "Polish defence ministry" and "Polish Army" get entries of their own."""
        if entry.capital:
            self._surface(entry.capital, entry.key, "capital")
        for demonym in demonyms:
            if not demonym or not demonym[0].isupper():
                continue
            for head in STATE_HEADS:
                self._surface(f"{demonym} {head}", entry.key, "demonym")
            ministry = Entry(key=f"agency:mod-{entry.iso_code or slug(entry.name)}".lower(), type="GovernmentAgency",
                             name=f"Ministry of Defence ({entry.name})", country=entry.iso_code)
            if not any(e.country == entry.iso_code and e.type == "GovernmentAgency" and "Defen" in e.name
                       for e in self.entries.values() if e.key != ministry.key):
                self.add(ministry)
                for head in MINISTRY_HEADS:
                    self._surface(f"{demonym} {head}", ministry.key, "demonym")
            forces_key = f"org:forces-{(entry.iso_code or slug(entry.name)).lower()}"
            if not any(e.country == entry.iso_code and e.type == "MilitaryUnit" for e in self.entries.values()):
                self.add(Entry(key=forces_key, type="MilitaryUnit", name=f"{demonym} Armed Forces", country=entry.iso_code))
                for head in FORCES_HEADS:
                    self._surface(f"{demonym} {head}", forces_key, "demonym")

    def rekey(self, old: str, new: str) -> None:
        """The lexicon's entry ``old`` is the reference set's ``new``: keep one entry, under the canonical key."""
        entry = self.entries.pop(old)
        known = self.entries.get(new)
        aliases = tuple(dict.fromkeys([*(known.aliases if known else ()), entry.name, *entry.aliases]))
        merged = Entry(**{**entry.__dict__, **(known.__dict__ if known else {}), "key": new, "aliases": aliases})
        self.entries[new] = merged
        self.surfaces = {s: ((new, how) if key == old else (key, how)) for s, (key, how) in self.surfaces.items()}
        self._pattern = None

    # -- lookup -----------------------------------------------------------------------

    @property
    def pattern(self) -> re.Pattern[str]:
        if self._pattern is None:
            alternatives = sorted(self.surfaces, key=len, reverse=True)
            body = "|".join(re.escape(s) for s in alternatives)
            # Not inside a longer word or designator; an optional plural s; a possessive is outside the match.
            self._pattern = re.compile(rf"(?<![\w\-])(?:{body})(?:s|es)?(?![\w\-$])")  # "US$5m" names no state
        return self._pattern

    def find(self, text: str) -> list[Match]:
        """Every known surface in ``text``, longest first, never overlapping."""
        found: list[Match] = []
        for m in self.pattern.finditer(text):
            surface = m.group(0)
            hit = self.surfaces.get(surface) or self.surfaces.get(surface[:-1]) or self.surfaces.get(surface[:-2])
            if hit is None:
                continue
            key, how = hit
            found.append(Match(m.start(), m.end(), surface, self.entries[key], how))
        return found

    def by_name(self, name: str) -> Entry | None:
        hit = self.surfaces.get(name)
        return self.entries[hit[0]] if hit else None


# -- construction -----------------------------------------------------------------------


def _entry(kind: str, item: dict[str, Any], type_: str) -> Entry:
    return Entry(key=f"{kind}:{slug(item['name'])}", type=item.get("type", type_), name=item["name"],
                 aliases=tuple(str(a) for a in item.get("aliases") or ()), country=item.get("country"),
                 category=item.get("category"), wikidata=item.get("wikidata"))


@cache
def _lexicon() -> dict[str, Any]:
    return yaml.safe_load(LEXICON_FILE.read_text(encoding="utf-8")) if LEXICON_FILE.exists() else {}


def build_gazetteer(graph_entities: Iterable[dict[str, Any]] = ()) -> Gazetteer:
    """The gazetteer from the reference set, the lexicon and (optionally) the graph's entities.

    ``graph_entities`` are rows with ``id``, ``name``, ``type`` (most specific class) and ``aliases``.
    """
    gaz = Gazetteer()
    lex = _lexicon()
    demonyms: dict[str, list[str]] = {}
    for state in reference.states():
        names = tuple(n for n in (state.official_name, *state.aliases, *state.metonyms) if n)
        entry = Entry(key=state.id, type="State", name=state.name, iso_code=state.iso, wikidata=state.wikidata,
                      capital=state.capital, aliases=tuple(names))
        gaz.add(entry)
        demonyms[entry.key] = list(state.demonyms)
    for company in reference.companies():
        gaz.add(Entry(key=company.id, type="Contractor", name=company.name, aliases=company.names[1:],
                      country=company.country, wikidata=company.wikidata))
    for section, kind, type_ in (("organizations", "org", "Organization"), ("agencies", "agency", "GovernmentAgency"),
                                 ("military_units", "org", "MilitaryUnit"), ("weapon_systems", "system", "WeaponSystem")):
        for item in lex.get(section, []):
            gaz.add(_entry(kind, item, type_))
    for other in reference.other_entities():  # canonical ids win: the loader links to these
        aliases = other.aliases
        entry = Entry(key=other.id, type=other.type, name=other.name, aliases=aliases, wikidata=other.wikidata)
        same = {gaz.surfaces[n][0] for n in (entry.name, *aliases) if n in gaz.surfaces} - {entry.key}
        for old in same:
            if gaz.entries[old].type == entry.type:
                gaz.rekey(old, entry.key)
        gaz.add(entry)
    for key, names in demonyms.items():
        gaz.add_state_phrases(gaz.entries[key], names)
    for row in graph_entities:
        if row.get("name") and row["id"] not in gaz.entries:
            gaz.add(Entry(key=row["id"], type=row["type"], name=row["name"], aliases=tuple(row.get("aliases") or ())),
                    how_alias="graph")
    return gaz


@cache
def default_gazetteer() -> Gazetteer:
    """The gazetteer without the graph, built once per process: building it and compiling its pattern
    costs far more than extracting an article, and ``kg eval --articles`` extracts many."""
    return build_gazetteer()


def graph_entities(graph: Graph) -> list[dict[str, Any]]:
    """The graph's entities as gazetteer rows: id, name, most specific type, aliases and names sources used."""
    from kg import cypher
    from kg.ontology import load_ontology

    onto = load_ontology()
    rows = []
    for row in graph.read(cypher.GAZETTEER_ENTITIES):
        cls = onto.most_specific(row["labels"])
        if cls is not None:
            rows.append({"id": row["id"], "name": row["name"], "type": cls.name, "aliases": row["aliases"]})
    return rows
