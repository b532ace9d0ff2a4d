"""Entity resolution: one canonical, stable, readable id per real-world entity.

A canonical id is ``<kind>:<key>``: ``state:TW`` (ISO 3166 code),
``contractor:rtx``, ``system:nasams``, ``person:wellington-koo``. It never
depends on a database id or on which file mentioned the entity first, so every
source that names the same entity lands on the same node.

Resolution order for what a source says about an entity (type, name, aliases,
ISO code, Wikidata id):

1. a state's ISO 3166 code, or a Wikidata id, found in the reference set
   (:mod:`loaders.reference`, which the extractor's gazetteer reads too);
2. the name, then each alias, normalised (case, accents, punctuation, a leading
   "the": "Türkiye", "turkiye" and "TURKEY" are one name), matched against the
   names of reference entries of a compatible type (equal, or one a subclass of
   the other): official, common, former and local names, and metonyms. "Taipei"
   typed as a State is Taiwan; typed as a Place it is not, and stays the city;
3. otherwise a new id from the kind and the normalised name.

Company lineage is never merged by aliasing: Raytheon Technologies, RTX,
Raytheon and Raytheon Missiles & Defense are distinct reference entries joined
by relations that a curated source states.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from kg.names import normalise_name, without_legal_form
from kg.ontology import Ontology
from loaders import reference

#: Id prefix per class; a class takes the first of its labels (most specific first) listed here.
_KIND = {
    "State": "state",
    "Person": "person",
    "GovernmentAgency": "agency",
    "Contractor": "contractor",
    "Organization": "org",
    "WeaponSystem": "system",
    "Place": "place",
}


def slug(name: str) -> str:
    """Readable id key: ``Raytheon Missiles & Defense`` -> ``raytheon-missiles-and-defense``."""
    return normalise_name(name).replace(" ", "-") or "unnamed"


def kind_of(onto: Ontology, class_name: str) -> str:
    for label in onto.cls(class_name).labels:
        if label in _KIND:
            return _KIND[label]
    raise ValueError(f"{class_name} is not a kind of entity that gets a canonical id")


@dataclass(frozen=True)
class ReferenceEntity:
    id: str
    type: str
    name: str
    aliases: tuple[str, ...] = ()
    iso_code: str | None = None
    wikidata: str | None = None


@dataclass(frozen=True)
class Resolution:
    """What an entity resolved to, and how (for the load report and tests)."""

    id: str
    cls: str
    name: str
    aliases: tuple[str, ...]
    iso_code: str | None
    wikidata: str | None
    via: str  # "iso", "wikidata", "name", "alias" or "new"


@dataclass
class ReferenceTable:
    entities: list[ReferenceEntity] = field(default_factory=list)

    @classmethod
    def load(cls, items: Iterable[dict[str, Any]] | None = None) -> ReferenceTable:
        """The table of ``items`` (id, type, name, aliases, iso_code, wikidata); by default the reference set."""
        entries = []
        for item in reference.resolution_entries() if items is None else items:
            entries.append(ReferenceEntity(**{**item, "aliases": tuple(item.get("aliases") or ())}))
        return cls(entries)

    def __post_init__(self) -> None:
        self.by_id = {e.id: e for e in self.entities}
        self.by_name: dict[str, list[ReferenceEntity]] = defaultdict(list)
        # Indexed, not scanned: a bulk load resolves hundreds of thousands of mentions.
        self.by_iso: dict[str, list[ReferenceEntity]] = defaultdict(list)
        self.by_wikidata: dict[str, list[ReferenceEntity]] = defaultdict(list)
        for entry in self.entities:
            for name in dict.fromkeys(normalise_name(n) for n in (entry.name, *entry.aliases)):
                self.by_name[name].append(entry)
            if entry.iso_code:
                self.by_iso[entry.iso_code.upper()].append(entry)
            if entry.wikidata:
                self.by_wikidata[entry.wikidata.upper()].append(entry)


@dataclass
class Resolver:
    """Turns what a source says about an entity into its canonical entity."""

    onto: Ontology
    reference: ReferenceTable = field(default_factory=ReferenceTable)

    @classmethod
    def with_reference(cls, onto: Ontology) -> Resolver:
        return cls(onto, ReferenceTable.load())

    def _compatible(self, a: str, b: str) -> bool:
        return self.onto.is_a(a, b) or self.onto.is_a(b, a)

    def _known(self, entry: ReferenceEntity, via: str) -> Resolution:
        return Resolution(entry.id, entry.type, entry.name, entry.aliases, entry.iso_code, entry.wikidata, via)

    def resolve(self, cls: str, name: str, aliases: tuple[str, ...] = (), *,
                iso_code: str | None = None, wikidata: str | None = None) -> Resolution:
        for via, key, index in (("iso", iso_code, self.reference.by_iso), ("wikidata", wikidata, self.reference.by_wikidata)):
            for entry in index.get(key.strip().upper(), []) if key else []:
                if self._compatible(cls, entry.type):
                    return self._known(entry, via)
        candidates = [("name", name), *(("alias", a) for a in aliases)]
        kind = kind_of(self.onto, cls)
        if kind == "contractor":  # "Raytheon Co." is Raytheon (the reference names companies without their legal form)
            candidates += [(via, without_legal_form(c)) for via, c in candidates if without_legal_form(c) != c]
        for via, candidate in candidates:
            matches = [e for e in self.reference.by_name.get(normalise_name(candidate), []) if self._compatible(cls, e.type)]
            if matches:
                return self._known(matches[0], via)
        key = without_legal_form(name) if kind == "contractor" else name
        node_id = f"state:{iso_code}" if kind == "state" and iso_code else f"{kind}:{slug(key)}"
        return Resolution(node_id, cls, name, (), iso_code, wikidata, "new")
