"""The ontology, read from ``ontology/*.ttl``, and the property-graph mapping derived from it.

The ontology is the single source of truth for what the graph can hold. This
module reads it once per process and derives, with no second hand-kept list:

* class -> node labels: its local name plus those of its superclasses
  (``Contractor`` -> ``Contractor``, ``Organization``, ``Actor``);
* object property -> relationship type in UPPER_SNAKE_CASE
  (``evidencedBy`` -> ``EVIDENCED_BY``);
* datatype property -> node property (its camelCase local name);
* the roles of event participation (properties marked ``akg:role true``);
* uniqueness constraints (``id`` on every root class) and indexes (properties
  marked ``akg:indexed true``, on their domain's root label).

Loaders, the API and the generated docs all ask this module.

Parsing the two Turtle files takes rdflib longer than reading back what it
parsed them into, so :func:`load_ontology` keeps the parsed ontology in
:mod:`kg.disk_cache`, keyed by the files' bytes, this module's code and the
rdflib version: a short command (``kg extract``) starts faster.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from rdflib import OWL, RDF, RDFS, SH, BNode, Graph, Literal, Namespace, URIRef

from kg import PROJECT_ROOT
from kg.disk_cache import cached, digest, library_versions

ONTOLOGY_DIR = PROJECT_ROOT / "ontology"
ONTOLOGY_FILE = "akg.ttl"
SHAPES_FILE = "shapes.ttl"

AKG = Namespace("https://w3id.org/arms-kg/ontology#")
#: Where instance data (canonical entities, claims, evidence) gets its IRIs.
AKGID = Namespace("https://w3id.org/arms-kg/id/")


class UnknownTerm(KeyError):
    """A class, property or role that the ontology does not define."""

    def __str__(self) -> str:  # KeyError quotes its argument; we want the sentence
        return str(self.args[0])


def upper_snake(name: str) -> str:
    """``coDeveloper`` -> ``CO_DEVELOPER``: the relationship type of an object property."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).upper()


@dataclass(frozen=True)
class OntClass:
    name: str
    iri: URIRef
    label: str
    comment: str
    parents: tuple[str, ...]
    ancestors: tuple[str, ...]  # nearest first, transitive, in the akg namespace
    abstract: bool

    @property
    def labels(self) -> tuple[str, ...]:
        """Node labels: the class and its superclasses, most general last."""
        return (self.name, *self.ancestors)

    @property
    def root(self) -> str:
        return self.labels[-1]


@dataclass(frozen=True)
class ObjectProperty:
    name: str
    iri: URIRef
    label: str
    comment: str
    domain: str | None
    range: str | None
    role: bool
    parents: tuple[str, ...]

    @property
    def rel_type(self) -> str:
        return upper_snake(self.name)


@dataclass(frozen=True)
class DatatypeProperty:
    name: str
    iri: URIRef
    label: str
    comment: str
    domains: tuple[str, ...]  # empty: any node; several: an owl:unionOf domain
    datatype: str  # xsd local name
    functional: bool
    indexed: bool

    @property
    def key(self) -> str:
        """Node property name in the graph."""
        return self.name


@dataclass(frozen=True)
class Constraint:
    name: str
    label: str
    property: str


@dataclass(frozen=True)
class Index:
    name: str
    label: str
    property: str


@dataclass
class Ontology:
    """The parsed ontology and shapes, with the derived graph mapping."""

    directory: Path
    graph: Graph
    shapes: Graph
    classes: dict[str, OntClass] = field(default_factory=dict)
    object_properties: dict[str, ObjectProperty] = field(default_factory=dict)
    datatype_properties: dict[str, DatatypeProperty] = field(default_factory=dict)
    #: SHA-256 of the ontology and shapes files as parsed: what data derived from them is keyed by (kg.disk_cache).
    digest: str = ""

    # -- lookups ------------------------------------------------------------

    @cached_property
    def iri(self) -> URIRef:
        return next(iter(self.graph.subjects(RDF.type, OWL.Ontology)))

    @cached_property
    def version(self) -> str:
        return str(self.graph.value(self.iri, OWL.versionInfo))

    def cls(self, name: str) -> OntClass:
        try:
            return self.classes[name]
        except KeyError:
            raise UnknownTerm(f"{name!r} is not a class of the ontology") from None

    def object_property(self, name: str) -> ObjectProperty:
        try:
            return self.object_properties[name]
        except KeyError:
            raise UnknownTerm(f"{name!r} is not a relationship of the ontology") from None

    def most_specific(self, names: Iterable[str]) -> OntClass | None:
        """Of the given class names (a node's labels), the most specific ontology class; None if none is known."""
        known = [self.classes[n] for n in names if n in self.classes]
        return max(known, key=lambda c: len(c.labels)) if known else None

    def is_a(self, name: str, ancestor: str) -> bool:
        return ancestor in self.cls(name).labels

    def subclasses(self, name: str, *, concrete: bool = False) -> list[str]:
        """``name`` and every class below it (only non-abstract ones when ``concrete``)."""
        self.cls(name)
        return sorted(c.name for c in self.classes.values() if name in c.labels and not (concrete and c.abstract))

    @cached_property
    def roles(self) -> dict[str, ObjectProperty]:
        """Role name -> property: seller, buyer, ... (properties marked ``akg:role true``)."""
        return {p.name: p for p in self.object_properties.values() if p.role}

    def role(self, name: str) -> ObjectProperty:
        if name not in self.roles:
            raise UnknownTerm(f"{name!r} is not a role of the ontology (roles: {', '.join(sorted(self.roles))})")
        return self.roles[name]

    # -- schema -------------------------------------------------------------

    @cached_property
    def roots(self) -> list[str]:
        """Classes with no superclass in the ontology: each node has exactly one root label."""
        return sorted(c.name for c in self.classes.values() if not c.ancestors)

    def constraints(self) -> list[Constraint]:
        return [Constraint(f"{upper_snake(r).lower()}_id_unique", r, "id") for r in self.roots]

    def indexes(self) -> list[Index]:
        out = []
        for prop in sorted(self.datatype_properties.values(), key=lambda p: p.name):
            if not prop.indexed:
                continue
            roots = sorted({self.cls(d).root for d in prop.domains}) if prop.domains else self.roots
            for root in roots:
                out.append(Index(f"{upper_snake(root).lower()}_{upper_snake(prop.name).lower()}", root, prop.key))
        return out


def _local(term: object) -> str | None:
    text = str(term)
    return text[len(str(AKG)):] if text.startswith(str(AKG)) else None


def _text(graph: Graph, subject: URIRef, predicate: URIRef) -> str:
    values = [v for v in graph.objects(subject, predicate) if isinstance(v, Literal)]
    english = [v for v in values if v.language in (None, "en")]
    return str((english or values or [""])[0])


def _flag(graph: Graph, subject: URIRef, predicate: URIRef) -> bool:
    return any(bool(v.toPython()) for v in graph.objects(subject, predicate) if isinstance(v, Literal))


def _akg_parents(graph: Graph, subject: URIRef, predicate: URIRef) -> tuple[str, ...]:
    return tuple(sorted(n for n in (_local(o) for o in graph.objects(subject, predicate)) if n))


def _classes_of(graph: Graph, term: object) -> tuple[str, ...]:
    """Akg class names of a domain or range: a class, or the members of an owl:unionOf."""
    if term is None:
        return ()
    name = _local(term)
    if name:
        return (name,)
    members = graph.value(term, OWL.unionOf)  # type: ignore[arg-type]
    if members is None:
        return ()
    return tuple(sorted(n for n in (_local(m) for m in graph.items(members)) if n))


def _ancestors(name: str, parents: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """Breadth-first: nearest superclass first, each once."""
    seen: list[str] = []
    frontier = list(parents.get(name, ()))
    while frontier:
        current = frontier.pop(0)
        if current not in seen:
            seen.append(current)
            frontier.extend(parents.get(current, ()))
    return tuple(seen)


def parse_ontology(directory: Path = ONTOLOGY_DIR) -> Ontology:
    """Parse the ontology and shapes files and derive the mapping (uncached)."""
    graph = Graph().parse(directory / ONTOLOGY_FILE, format="turtle")
    shapes = Graph().parse(directory / SHAPES_FILE, format="turtle")
    onto = Ontology(directory=directory, graph=graph, shapes=shapes, digest=_digest(directory))

    class_iris = [s for s in graph.subjects(RDF.type, OWL.Class) if _local(s)]
    parents = {_local(s): _akg_parents(graph, s, RDFS.subClassOf) for s in class_iris}
    for iri in class_iris:
        name = _local(iri)
        assert name
        onto.classes[name] = OntClass(
            name=name, iri=iri, label=_text(graph, iri, RDFS.label), comment=_text(graph, iri, RDFS.comment),
            parents=parents[name], ancestors=_ancestors(name, parents), abstract=_flag(graph, iri, AKG.abstract),
        )
    for iri in graph.subjects(RDF.type, OWL.ObjectProperty):
        name = _local(iri)
        if name:
            onto.object_properties[name] = ObjectProperty(
                name=name, iri=iri, label=_text(graph, iri, RDFS.label), comment=_text(graph, iri, RDFS.comment),
                domain=_local(graph.value(iri, RDFS.domain)), range=_local(graph.value(iri, RDFS.range)),
                role=_flag(graph, iri, AKG.role), parents=_akg_parents(graph, iri, RDFS.subPropertyOf),
            )
    for iri in graph.subjects(RDF.type, OWL.DatatypeProperty):
        name = _local(iri)
        if name:
            datatype = graph.value(iri, RDFS.range)
            onto.datatype_properties[name] = DatatypeProperty(
                name=name, iri=iri, label=_text(graph, iri, RDFS.label), comment=_text(graph, iri, RDFS.comment),
                domains=_classes_of(graph, graph.value(iri, RDFS.domain)),
                datatype=str(datatype).rsplit("#", 1)[-1] if datatype else "string",
                functional=(iri, RDF.type, OWL.FunctionalProperty) in graph,
                indexed=_flag(graph, iri, AKG.indexed),
            )
    return onto


@lru_cache(maxsize=4)
def load_ontology(directory: Path = ONTOLOGY_DIR) -> Ontology:
    """The ontology, parsed once per process (it is read-only), or read back from :mod:`kg.disk_cache` as
    parsed by an earlier process from the same files."""
    key: list[bytes | str] = [str(directory.resolve()), _digest(directory), Path(__file__).read_bytes(), library_versions("rdflib")]
    return cached("ontology", key, lambda: parse_ontology(directory))


def _digest(directory: Path) -> str:
    """SHA-256 of the ontology and shapes files in ``directory``."""
    return digest((directory / name).read_bytes() for name in (ONTOLOGY_FILE, SHAPES_FILE))


def shacl_path_text(graph: Graph, path: object) -> str:
    """A SHACL property path as a field name, written as in SPARQL: ``seller``,
    ``seller|supplier``, ``^holder``, ``id/^id``."""
    if isinstance(path, URIRef):
        text = str(path)
        return text.rsplit("#", 1)[-1] if "#" in text else text
    if isinstance(path, BNode):
        if graph.value(path, RDF.first) is not None:  # a sequence path is an RDF list
            return "/".join(shacl_path_text(graph, p) for p in graph.items(path))
        inverse = graph.value(path, SH.inversePath)
        if inverse is not None:
            return "^" + shacl_path_text(graph, inverse)
        alternatives = graph.value(path, SH.alternativePath)
        if alternatives is not None:
            return "|".join(shacl_path_text(graph, p) for p in graph.items(alternatives))
    return "" if path is None else str(path)
