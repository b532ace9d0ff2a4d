"""Entity resolution: one canonical, stable, readable id per real-world entity.

A canonical id is ``<kind>:<key>``: ``state:TW`` (ISO 3166 code),
``contractor:rtx``, ``system:nasams``, ``person:wellington-koo``. It never
depends on a database id or on which file mentioned the entity first, so every
source that names the same entity lands on the same node.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from kg.ontology import Ontology

#: Id prefix per class, most specific first; a class takes the first of its labels listed here.
_KIND = {
    "State": "state",
    "Person": "person",
    "GovernmentAgency": "agency",
    "Contractor": "contractor",
    "Organization": "org",
    "WeaponSystem": "system",
    "Place": "place",
    "Source": "source",
}


def normalise_name(name: str) -> str:
    """Case-, accent- and punctuation-insensitive form of a name; a leading "the" is dropped."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = text.replace("&", " and ")
    text = re.sub(r"[^\w\s]", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text.removeprefix("the ")


def slug(name: str) -> str:
    """Readable id key: ``Raytheon Missiles & Defense`` -> ``raytheon-missiles-and-defense``."""
    return normalise_name(name).replace(" ", "-") or "unnamed"


def kind_of(onto: Ontology, class_name: str) -> str:
    for label in onto.cls(class_name).labels:
        if label in _KIND:
            return _KIND[label]
    raise ValueError(f"{class_name} is not a kind of entity that gets a canonical id")


@dataclass(frozen=True)
class Resolver:
    """Turns what a source says about an entity into its canonical id."""

    onto: Ontology

    def canonical_id(self, class_name: str, name: str, *, iso_code: str | None = None) -> str:
        kind = kind_of(self.onto, class_name)
        if kind == "state" and iso_code:
            return f"state:{iso_code}"
        return f"{kind}:{slug(name)}"
