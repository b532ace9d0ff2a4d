"""RDF in ontology terms <-> property-graph rows, both ways, driven by the ontology.

Loading goes RDF -> rows (:func:`source_rows`); export goes rows -> RDF
(:func:`rows_to_rdf`). The two are inverse on everything the graph stores, which
is what makes ``kg export`` followed by ``kg load`` reproduce the graph.

What the rows hold, per source:

* the ``Source`` node;
* **claims** (``Event``, ``Post``, ``Evidence``): owned by one source, carrying
  ``sourceId``; replaced wholesale when the source is re-loaded;
* **entities** (``Actor``, ``WeaponSystem``, ``Place``): canonical nodes shared by
  every source that mentions them;
* **vocabulary** (``WeaponCategory`` concepts of the ontology): shared, permanent;
* relationships from claims (roles, evidence, mentions with the names the source
  used), and **entity relationships** (``MANUFACTURER``, ``OPERATES``,
  ``SUBSIDIARY_OF``...), which carry the ids of the evidence that states them.

In RDF, per-source facts about shared things (the names a source used for an
entity, the evidence for a relation between entities) are reified
``rdf:Statement`` nodes with ``akg:sourceName`` / ``akg:evidencedBy``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from rdflib import RDF, SKOS, XSD, Graph, Literal, URIRef

from kg.ontology import AKG, AKGID, Ontology

CLAIM_ROOTS = ("Event", "Post", "Evidence")
ENTITY_ROOTS = ("Actor", "WeaponSystem", "Place")
VOCABULARY_ROOTS = ("WeaponCategory",)
CATEGORY_PREFIX = "category:"
#: Never taken from RDF for an entity: the loader derives the names from the graph itself, and
#: ``sourceIds`` belongs to relationships between entities (an entity's sources are those of
#: the evidence that mentions it).
RDF_SKIPPED_ENTITY_KEYS = ("sourceName", "alias", "searchName", "sourceIds")
#: On an Evidence node: the entity relationships it states, as :func:`relation_key` strings
#: (derived from the rows, never from RDF: the export states them as reified statements).
STATED_RELATIONS = "statesRelations"
#: On a MENTIONS relationship: the class the mentioning source gives the entity, from which the
#: entity's labels are derived (kg.entity_types) and re-derived when a source is retracted.
TYPED_AS = "typedAs"


def iri(node_id: str) -> URIRef:
    """IRI of a node from its canonical id (``state:TW`` -> ``.../id/state/TW``)."""
    if node_id.startswith(CATEGORY_PREFIX):
        return AKG[node_id[len(CATEGORY_PREFIX):]]
    return AKGID[node_id.replace(":", "/")]


@dataclass
class Node:
    id: str
    labels: tuple[str, ...]
    props: dict[str, Any]

    @property
    def root(self) -> str:
        return self.labels[-1]


@dataclass(frozen=True)
class Rel:
    start: str
    type: str
    end: str
    start_root: str
    end_root: str
    props: tuple[tuple[str, Any], ...] = ()

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.start, self.type, self.end)


@dataclass
class SourceRows:
    """Everything one source puts in the graph."""

    source: Node
    claims: list[Node] = field(default_factory=list)
    entities: list[Node] = field(default_factory=list)
    vocabulary: list[Node] = field(default_factory=list)
    claim_rels: list[Rel] = field(default_factory=list)
    entity_rels: list[Rel] = field(default_factory=list)  # props: evidenceIds
    notes: list[str] = field(default_factory=list)  # what the file's reader could not use (an unparsed paragraph); not written

    @property
    def source_id(self) -> str:
        return self.source.id

    @property
    def content_hash(self) -> str | None:
        return self.source.props.get("contentHash")


# -- RDF -> rows ---------------------------------------------------------------


class _Reader:
    def __init__(self, g: Graph, onto: Ontology) -> None:
        self.g = g
        self.onto = onto
        self.by_rel_type = {p.rel_type: p for p in onto.object_properties.values()}
        self.datatype_iris = frozenset(p.iri for p in onto.datatype_properties.values())

    def node_id(self, term: URIRef) -> str | None:
        value = self.g.value(term, AKG.id)
        if value is not None:
            return str(value)
        if (term, RDF.type, AKG.WeaponCategory) in self.onto.graph:
            return CATEGORY_PREFIX + str(term).rsplit("#", 1)[-1]
        return None

    def cls(self, term: URIRef) -> str | None:
        """The most specific ontology class of a node (the one with most labels)."""
        names = [str(t)[len(str(AKG)):] for t in self.g.objects(term, RDF.type) if str(t).startswith(str(AKG))]
        cls = self.onto.most_specific(names)
        return cls.name if cls else None

    def props(self, term: URIRef, *, skip: tuple[str, ...] = ()) -> dict[str, Any]:
        # One read of the node's triples, not one per datatype property of the ontology.
        found: dict[Any, list[Any]] = {}
        for p, v in self.g.predicate_objects(term):
            if isinstance(v, Literal) and p in self.datatype_iris:
                found.setdefault(p, []).append(_python(v))
        out: dict[str, Any] = {}
        for prop in self.onto.datatype_properties.values():
            values = found.get(prop.iri)
            if not values or prop.key in skip:
                continue
            out[prop.key] = values[0] if prop.functional else sorted(set(values), key=str)
        return out

    def node(self, term: URIRef, **extra: Any) -> Node | None:
        node_id, cls = self.node_id(term), self.cls(term)
        if node_id is None or cls is None:
            return None
        skip = RDF_SKIPPED_ENTITY_KEYS if self.onto.cls(cls).root in ENTITY_ROOTS else ()
        return Node(node_id, self.onto.cls(cls).labels, {**self.props(term, skip=skip), **extra})

    def category_node(self, term: URIRef) -> Node:
        label = self.onto.graph.value(term, SKOS.prefLabel)
        node_id = CATEGORY_PREFIX + str(term).rsplit("#", 1)[-1]
        return Node(node_id, self.onto.cls("WeaponCategory").labels, {"id": node_id, "name": str(label or node_id)})


def source_rows(g: Graph, onto: Ontology) -> list[SourceRows]:
    """Split RDF into one row set per source (one for an annotation, many for an export)."""
    r = _Reader(g, onto)
    source_classes = {onto.cls(c).iri for c in onto.subclasses("Source")}
    sources = sorted({s for c in source_classes for s in g.subjects(RDF.type, c) if isinstance(s, URIRef)}, key=str)
    statements = list(g.subjects(RDF.type, RDF.Statement))
    out = []
    for source in sources:
        src = r.node(source)
        if src is None:
            continue
        sid = src.id
        rows = SourceRows(source=src)
        evidence = set(g.subjects(AKG.fromSource, source))
        claims = set(evidence)
        for ev in evidence:
            claims.update(s for s in g.subjects(AKG.evidencedBy, ev) if r.cls(s) and onto.cls(r.cls(s)).root in CLAIM_ROOTS)  # type: ignore[arg-type]
        entity_terms: set[URIRef] = set()
        for term in sorted(claims, key=str):
            node = r.node(term, sourceId=sid)
            if node is None:
                continue
            rows.claims.append(node)
            for p, o in g.predicate_objects(term):
                prop = _akg_object_property(onto, p)
                if prop is None or not isinstance(o, URIRef):
                    continue
                target_id, target_cls = r.node_id(o), r.cls(o)
                if (o, RDF.type, AKG.WeaponCategory) in onto.graph:
                    target_cls = "WeaponCategory"
                if target_id is None or target_cls is None:
                    continue
                typed: tuple[tuple[str, Any], ...] = ()
                if onto.cls(target_cls).root in ENTITY_ROOTS:
                    entity_terms.add(o)
                    if prop.rel_type == "MENTIONS":
                        typed = ((TYPED_AS, target_cls),)
                rows.claim_rels.append(Rel(node.id, prop.rel_type, target_id, node.root, onto.cls(target_cls).root, typed))
        # Names each mention used, and evidence for relations between entities (reified).
        mention_names: dict[tuple[str, str], list[str]] = defaultdict(list)
        rel_evidence: dict[tuple[URIRef, URIRef, URIRef], list[str]] = defaultdict(list)
        for st in statements:
            subj, pred, obj = g.value(st, RDF.subject), g.value(st, RDF.predicate), g.value(st, RDF.object)
            if pred == AKG.mentions and subj in evidence:
                key = (r.node_id(subj), r.node_id(obj))  # type: ignore[arg-type]
                mention_names[key] += [str(v) for v in g.objects(st, AKG.sourceName)]  # type: ignore[index]
                continue
            for ev in g.objects(st, AKG.evidencedBy):
                if ev in evidence:
                    rel_evidence[(subj, pred, obj)].append(r.node_id(ev))  # type: ignore[arg-type,index]
        rows.claim_rels = [
            Rel(x.start, x.type, x.end, x.start_root, x.end_root,
                (("names", sorted(set(mention_names[(x.start, x.end)]))), *x.props))
            if x.type == "MENTIONS" and mention_names.get((x.start, x.end)) else x
            for x in rows.claim_rels
        ]
        for (subj, pred, obj), ev_ids in sorted(rel_evidence.items(), key=str):
            prop = _akg_object_property(onto, pred)
            s_id, o_id = r.node_id(subj), r.node_id(obj)
            s_cls, o_cls = r.cls(subj), ("WeaponCategory" if (obj, RDF.type, AKG.WeaponCategory) in onto.graph else r.cls(obj))
            if prop is None or not (s_id and o_id and s_cls and o_cls):
                continue
            entity_terms.update(t for t in (subj, obj) if onto.cls(r.cls(t) or "WeaponCategory").root in ENTITY_ROOTS)  # type: ignore[arg-type]
            rows.entity_rels.append(Rel(s_id, prop.rel_type, o_id, onto.cls(s_cls).root, onto.cls(o_cls).root,
                                        (("evidenceIds", sorted(set(ev_ids))),)))
            if o_cls == "WeaponCategory":
                rows.vocabulary.append(r.category_node(obj))  # type: ignore[arg-type]
        _record_stated_relations(rows)
        for term in sorted(entity_terms, key=str):
            node = r.node(term)
            if node is not None:
                rows.entities.append(node)
        rows.vocabulary = list({v.id: v for v in rows.vocabulary}.values())
        out.append(rows)
    return out


def relation_key(rel: Rel) -> str:
    """How an Evidence node names an entity relationship it states (see :data:`STATED_RELATIONS`)."""
    return json.dumps([rel.start_root, rel.type, rel.end_root, rel.start, rel.end])


def parse_relation_key(key: str) -> Rel:
    start_root, type_, end_root, start, end = json.loads(key)
    return Rel(start, type_, end, start_root, end_root)


def _record_stated_relations(rows: SourceRows) -> None:
    """Give each Evidence node the keys of the entity relationships it states.

    Retracting a source then finds its entity relationships from its own Evidence
    nodes (indexed by ``sourceId``) and matches each by its two ends' ids, instead of
    reading every relationship of the graph for ``sourceIds``."""
    stated: dict[str, list[str]] = defaultdict(list)
    for rel in rows.entity_rels:
        for ev_id in dict(rel.props).get("evidenceIds", []):
            stated[ev_id].append(relation_key(rel))
    for node in rows.claims:
        if node.id in stated:
            node.props[STATED_RELATIONS] = sorted(set(stated[node.id]))


def _akg_object_property(onto: Ontology, predicate: object):  # -> ObjectProperty | None
    text = str(predicate)
    if not text.startswith(str(AKG)):
        return None
    return onto.object_properties.get(text[len(str(AKG)):])


def _python(value: Literal) -> Any:
    """A literal as a value the Bolt protocol carries (decimals become int or float)."""
    py = value.toPython()
    if isinstance(py, Decimal):
        return int(py) if py == py.to_integral_value() else float(py)
    if isinstance(py, Literal):  # unknown datatype: keep the text
        return str(py)
    return py if isinstance(py, (int, float, bool)) else str(py)


# -- rows -> RDF -----------------------------------------------------------------


def rows_to_rdf(nodes: list[Node], rels: list[Rel], onto: Ontology) -> Graph:
    """The whole graph as RDF in ontology terms (the inverse of :func:`source_rows`)."""
    g = Graph()
    g.bind("akg", AKG)
    g.bind("akgid", AKGID)
    g.bind("skos", SKOS)
    by_rel_type = {p.rel_type: p for p in onto.object_properties.values()}
    for node in nodes:
        if node.root in VOCABULARY_ROOTS:
            continue  # ontology concepts: their IRIs are the ontology's own
        subject = iri(node.id)
        cls = onto.most_specific(node.labels)
        assert cls is not None, f"{node.id} has no ontology label"
        g.add((subject, RDF.type, cls.iri))
        for key, value in sorted(node.props.items()):
            prop = onto.datatype_properties.get(key)
            if prop is None or value is None:
                continue
            for item in value if isinstance(value, list) else [value]:
                g.add((subject, prop.iri, _literal(item, prop.datatype)))
    for rel in rels:
        prop = by_rel_type.get(rel.type)
        if prop is None:
            continue
        s, o = iri(rel.start), iri(rel.end)
        g.add((s, prop.iri, o))
        props = dict(rel.props)
        if rel.type == "MENTIONS" and props.get("names"):
            st = AKGID[f"statement/{rel.start.replace(':', '/')}/mentions/{rel.end.replace(':', '/')}"]
            reify(g, st, s, prop.iri, o)
            for name in props["names"]:
                g.add((st, AKG.sourceName, Literal(name)))
        for ev_id in props.get("evidenceIds", []):
            st = AKGID[f"statement/{ev_id.replace(':', '/')}/{rel.type.lower()}/{rel.end.replace(':', '/')}"]
            reify(g, st, s, prop.iri, o)
            g.add((st, AKG.evidencedBy, iri(ev_id)))
    return g


def reify(g: Graph, st: URIRef, s: URIRef, p: URIRef, o: URIRef) -> None:
    """Make ``st`` an ``rdf:Statement`` about the triple (s p o), so facts can be attached to the triple."""
    g.add((st, RDF.type, RDF.Statement))
    g.add((st, RDF.subject, s))
    g.add((st, RDF.predicate, p))
    g.add((st, RDF.object, o))


def _literal(value: Any, datatype: str) -> Literal:
    if datatype == "decimal":
        return Literal(Decimal(str(value)), datatype=XSD.decimal)
    if datatype in ("nonNegativeInteger", "integer"):
        return Literal(int(value), datatype=XSD[datatype])
    if datatype == "anyURI":
        return Literal(str(value), datatype=XSD.anyURI)
    return Literal(str(value))
