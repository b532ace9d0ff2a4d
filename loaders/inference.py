"""RDFS entailment for one source's data, with the ontology's part worked out once.

The shapes are written against inferred types: an Official is a Person is an
Actor, the subject of ``akg:seller`` is an event with a participant. pyshacl
can infer those itself (``inference="rdfs"``), but it does so by computing the
RDFS closure of the data *and the whole ontology* on every call, which is
about nine tenths of the time it takes to validate a source. Validation time
would then grow with the ontology instead of the source.

Here the ontology is closed once (:func:`closed_ontology`) and each
source's data gets only the consequences of its own triples under the
ontology's schema (:func:`entail`): the RDFS rules rdfs2 (domain), rdfs3
(range, for resources), rdfs7 (sub-property) and rdfs9 (sub-class). Data never
declares schema (classes or properties), so no other RDFS rule can fire on
it; the axiomatic triples (``rdf:type rdfs:Resource`` and the like) are left
out, as no shape mentions them. ``tests/test_shapes.py`` checks, over every
shape case, that this gives exactly the results of pyshacl's own RDFS mode.

Closing the ontology (owlrl) takes a tenth of a second, a tenth of a whole
``kg extract`` of one article: what it gives is kept in :mod:`kg.disk_cache`,
keyed by the ontology files and this module's code, and worked out again only
when one of them changes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef

from kg.disk_cache import cached, library_versions
from kg.ontology import Ontology


@dataclass(frozen=True)
class Schema:
    """What the ontology entails about any triple: super-properties, domains, ranges, super-classes."""

    about: dict[URIRef, tuple[tuple[Any, Any, Any], ...]]  # individual -> the closure's triples with it as subject
    super_properties: dict[URIRef, frozenset[URIRef]]
    domains: dict[URIRef, frozenset[URIRef]]
    ranges: dict[URIRef, frozenset[URIRef]]
    super_classes: dict[URIRef, frozenset[URIRef]]
    individuals: frozenset[URIRef]


def _transitive(pairs: Graph, predicate: URIRef) -> dict[URIRef, frozenset[URIRef]]:
    direct: dict[URIRef, set[URIRef]] = defaultdict(set)
    for sub, sup in pairs.subject_objects(predicate):
        if isinstance(sub, URIRef) and isinstance(sup, URIRef):
            direct[sub].add(sup)
    closed: dict[URIRef, frozenset[URIRef]] = {}
    for start in list(direct):
        seen, todo = {start}, [start]
        while todo:
            for sup in direct.get(todo.pop(), ()):
                if sup not in seen:
                    seen.add(sup)
                    todo.append(sup)
        closed[start] = frozenset(seen)
    return closed


def closed_ontology(onto: Ontology) -> Schema:
    """The lookups :func:`entail` needs from the ontology's RDFS closure (worked out once per ontology,
    and read from :mod:`kg.disk_cache` when the ontology files and this code are those it was worked out for)."""
    found = onto.__dict__.get("_rdfs_schema")
    if found is None:
        key: list[bytes | str] = [onto.digest, Path(__file__).read_bytes(), library_versions("rdflib", "owlrl")]
        found = cached("rdfs-schema", key, lambda: _close(onto)) if onto.digest else _close(onto)
        onto.__dict__["_rdfs_schema"] = found
    return found


def _close(onto: Ontology) -> Schema:
    import owlrl  # imported here, not at the top: only a closure missing from the cache needs it

    closed = Graph()
    for triple in onto.graph:
        closed.add(triple)
    owlrl.DeductiveClosure(owlrl.RDFS_Semantics).expand(closed)
    super_properties = _transitive(closed, RDFS.subPropertyOf)
    super_classes = _transitive(closed, RDFS.subClassOf)

    def with_supers(classes: set[URIRef]) -> frozenset[URIRef]:
        return frozenset(c for cls in classes for c in super_classes.get(cls, frozenset({cls})))

    domains: dict[URIRef, frozenset[URIRef]] = {}
    ranges: dict[URIRef, frozenset[URIRef]] = {}
    for prop in set(closed.subjects(RDFS.domain, None)) | set(closed.subjects(RDFS.range, None)) | set(super_properties):
        if not isinstance(prop, URIRef):
            continue
        props = super_properties.get(prop, frozenset({prop}))
        domains[prop] = with_supers({d for p in props for d in closed.objects(p, RDFS.domain) if isinstance(d, URIRef)})
        ranges[prop] = with_supers({r for p in props for r in closed.objects(p, RDFS.range) if isinstance(r, URIRef)})
    schema_terms = {OWL.Class, RDFS.Class, RDF.Property, OWL.ObjectProperty, OWL.DatatypeProperty,
                    OWL.AnnotationProperty, OWL.Ontology, RDFS.Datatype}
    individuals = frozenset(s for s, t in closed.subject_objects(RDF.type)
                            if isinstance(s, URIRef) and not set(closed.objects(s, RDF.type)) & schema_terms)
    about = {term: tuple(closed.triples((term, None, None))) for term in individuals}
    return Schema(about, super_properties, domains, ranges, super_classes, individuals)


def entail(data: Graph, onto: Ontology) -> Graph:
    """A new graph: ``data``, its RDFS consequences under the ontology, and what the
    ontology says about the individuals it names (weapon categories, their scheme).

    The classes and properties themselves are left out: with every type
    materialised, the shapes need no class hierarchy in the data graph.
    """
    out = Graph()
    for prefix, namespace in data.namespaces():
        out.bind(prefix, namespace, override=False)
    out.addN((s, p, o, out) for s, p, o in entailed_triples(data, onto))
    return out


def entail_in_place(data: Graph, onto: Ontology, triples: set[tuple[Any, Any, Any]] | None = None) -> Graph:
    """``data`` itself, with the triples :func:`entail` adds to it (``triples``: :func:`entailed_triples` of
    ``data``, when the caller has them): for a graph made only to be checked, adding the consequences
    costs a third of copying the data with them."""
    found = entailed_triples(data, onto) if triples is None else triples
    data.addN((s, p, o, data) for s, p, o in found.difference(data))
    return data


def entailed_triples(data: Graph, onto: Ontology) -> set[tuple[Any, Any, Any]]:
    """The triples of :func:`entail`, as a set (for a graph that holds several sources)."""
    schema = closed_ontology(onto)
    # Collected in a set first: the same type follows from many triples, and an
    # rdflib add costs far more than a set's.
    triples: set[tuple[Any, Any, Any]] = set()
    types: set[tuple[object, URIRef]] = set()
    for s, p, o in data:
        triples.add((s, p, o))
        if p == RDF.type and isinstance(o, URIRef):
            types.add((s, o))
            continue
        if not isinstance(p, URIRef):
            continue
        for sup in schema.super_properties.get(p, ()):
            triples.add((s, sup, o))
        for cls in schema.domains.get(p, ()):
            triples.add((s, RDF.type, cls))
        if not isinstance(o, Literal):
            for cls in schema.ranges.get(p, ()):
                triples.add((o, RDF.type, cls))
    for node, cls in types:
        for sup in schema.super_classes.get(cls, frozenset({cls})):
            triples.add((node, RDF.type, sup))
    for term in {o for o in data.objects() if isinstance(o, URIRef)} & schema.individuals:
        triples.update(schema.about[term])
    return triples
