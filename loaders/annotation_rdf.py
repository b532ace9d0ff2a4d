"""Annotation file -> RDF in ontology terms (the first stage of every load).

What one source states becomes, in RDF:

* a ``Source`` node (``source:<source id>``);
* one canonical node per entity (id from :mod:`loaders.resolution`), with the
  names this source used for it (``akg:sourceName``);
* one node per event *as this source reports it* (``event:<source id>:<key>``,
  the key being the annotation's ``id`` or a hash of what the event says, so a
  re-load yields the same ids), with role properties to entities;
* one ``Evidence`` node per stated fact (sentence, offsets in the article text
  when it is known, confidence, method) pointing at the Source and at the
  entities the sentence mentions;
* ``Post`` nodes for officials' posts, and entity-to-entity relations, each
  with its evidence (relations are also reified as ``rdf:Statement`` so the
  evidence attaches to the triple itself).

Types, roles and relation names are checked against the ontology here, so an
unknown one is reported with its key path; everything else is left to SHACL.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from rdflib import RDF, XSD, Graph, Literal, URIRef

from kg.ontology import AKG, AKGID, Ontology, UnknownTerm
from kg.property_graph import ENTITY_ROOTS, iri, reify
from loaders.annotations import AnnotationError, AnnotationFile, EntityAnn, EventAnn, PostAnn, precision_of
from loaders.resolution import Resolver

#: Annotation event type "Other" (the format's catch-all) is this class.
OTHER_EVENT = "OtherEvent"
_SENTENCE_END = re.compile(r"(?<=[.!?\"”])\s+(?=[A-Z\"“‘(])|\n\s*\n")


@dataclass
class BuiltSource:
    """A source as RDF, with where each node came from in the file (for reports)."""

    file: AnnotationFile
    graph: Graph
    where: dict[URIRef, str] = field(default_factory=dict)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (key path, message): loaded all the same

    @property
    def source_id(self) -> str:
        return self.file.source_id


class _Builder:
    def __init__(self, file: AnnotationFile, onto: Ontology, resolver: Resolver) -> None:
        self.file = file
        self.ann = file.annotation
        self.onto = onto
        self.resolver = resolver
        self.g = Graph()
        self.g.bind("akg", AKG)
        self.g.bind("akgid", AKGID)
        self.where: dict[URIRef, str] = {}
        self.problems: list[tuple[str, str]] = []
        self.warnings: list[tuple[str, str]] = []
        self.source = iri(f"source:{file.source_id}")
        self.entity_iri: dict[str, URIRef] = {}
        self.entity_class: dict[str, str] = {}
        self.entity_names: dict[str, list[str]] = {}
        #: facts about an entity that its mention sentence backs (its categories)
        self.entity_facts: dict[str, list[tuple[URIRef, URIRef]]] = defaultdict(list)
        self.event_iri: dict[str, URIRef] = {}
        self.sentences = _sentences(file.text) if file.text else []

    # -- helpers -------------------------------------------------------------

    def add(self, s: URIRef, p: str, o: URIRef | Literal | str | None) -> None:
        if o is None:
            return
        value = o if isinstance(o, (URIRef, Literal)) else Literal(o)
        self.g.add((s, AKG[p], value))

    def class_of(self, where: str, type_name: str, roots: Iterable[str]) -> str | None:
        try:
            cls = self.onto.cls(type_name)
        except UnknownTerm:
            allowed = sorted({c for r in roots for c in self.onto.subclasses(r, concrete=True)})
            self.problems.append((where, f"unknown type {type_name!r}; use one of: {', '.join(allowed)}"))
            return None
        if cls.abstract or not any(r in cls.labels for r in roots):
            allowed = sorted({c for r in roots for c in self.onto.subclasses(r, concrete=True)})
            self.problems.append((where, f"{type_name!r} cannot be used here; use one of: {', '.join(allowed)}"))
            return None
        return cls.name

    def evidence(self, key: str, sentence: str, where: str, *, confidence: float | None = None,
                 mentions: Iterable[URIRef] = (), method: str | None = None) -> URIRef:
        node = iri(f"evidence:{self.file.source_id}:{key}")
        self.g.add((node, RDF.type, AKG.Evidence))
        self.add(node, "id", f"evidence:{self.file.source_id}:{key}")
        self.add(node, "sentence", sentence)
        self.add(node, "method", method or ("extracted" if confidence is not None else "curated"))
        if confidence is not None:
            self.add(node, "confidence", Literal(Decimal(str(confidence)), datatype=XSD.decimal))
        if self.file.text is not None:
            span = _find(self.file.text, sentence)
            if span is None:
                self.problems.append((where, "this sentence is not in the article text (article.text_file); quote it exactly"))
            else:
                self.add(node, "startOffset", Literal(span[0], datatype=XSD.nonNegativeInteger))
                self.add(node, "endOffset", Literal(span[1], datatype=XSD.nonNegativeInteger))
        self.add(node, "fromSource", self.source)
        for entity in mentions:
            self.add(node, "mentions", entity)
        self.where.setdefault(node, where)
        return node

    def reify(self, key: str, s: URIRef, p: URIRef, o: URIRef, evidence: URIRef) -> URIRef:
        """State (s p o) and attach its evidence to the triple itself (an rdf:Statement)."""
        self.g.add((s, p, o))
        statement = iri(f"statement:{self.file.source_id}:{key}")
        reify(self.g, statement, s, p, o)
        self.add(statement, "evidencedBy", evidence)
        return statement

    # -- parts ---------------------------------------------------------------

    def build_source(self) -> None:
        art = self.ann.article
        cls = self.class_of("article.type", art.type, ("Source",)) or "Article"
        s = self.source
        self.g.add((s, RDF.type, AKG[cls]))
        self.add(s, "id", f"source:{self.file.source_id}")
        self.add(s, "title", art.title)
        if art.url:
            self.add(s, "url", Literal(art.url, datatype=XSD.anyURI))
        self.add(s, "publicationDate", art.date)
        self.add(s, "outletName", art.outlet)
        for key, value in art.metadata.items():  # header lines no other property holds (author, section ...)
            self.add(s, "metadata", f"{key}: {value}")
        self.add(s, "contentHash", self.file.content_hash)
        # What tells this source from another filed under the same id (kg.source_identity).
        if self.file.text is not None:
            self.add(s, "textHash", hashlib.sha256(self.file.text.encode("utf-8")).hexdigest())
        if self.file.text_path is not None:
            self.add(s, "textFile", str(self.file.text_path))
        self.add(s, "loadedFrom", str(self.file.path.resolve()))
        self.where[s] = "article"

    def build_entities(self) -> None:
        for i, ent in enumerate(self.ann.entities):
            where = f"entities[{i}] ({ent.id})"
            cls = self.class_of(f"entities[{i}].type", ent.type, ENTITY_ROOTS)
            if cls is None:
                continue
            res = self.resolver.resolve(cls, ent.name, tuple(ent.aliases), iso_code=ent.iso_code, wikidata=ent.wikidata)
            node = iri(res.id)
            self.entity_iri[ent.id] = node
            self.entity_class[ent.id] = res.cls
            self.entity_names[ent.id] = [ent.name, *ent.aliases]
            self.g.add((node, RDF.type, AKG[res.cls]))
            self.add(node, "id", res.id)
            self.add(node, "name", res.name)
            for alias in dict.fromkeys((*res.aliases, ent.name, *ent.aliases)):
                if alias != res.name:
                    self.add(node, "alias", alias)
            self.add(node, "isoCode", res.iso_code or ent.iso_code)
            self.add(node, "wikidataId", res.wikidata or ent.wikidata)
            self.add(node, "description", ent.description)
            for j, category in enumerate(ent.category):
                concept = AKG[category]
                if (concept, RDF.type, AKG.WeaponCategory) not in self.onto.graph:
                    self.problems.append((f"entities[{i}].category[{j}]", f"{category!r} is not a weapon category of the ontology"))
                self.add(node, "category", concept)
                self.entity_facts[ent.id].append((AKG.category, concept))
            self.where[node] = where

    def mention_evidence(self) -> None:
        """Every entity gets a sentence that names it: its own, one from the text, or one of its facts."""
        for i, ent in enumerate(self.ann.entities):
            node = self.entity_iri.get(ent.id)
            if node is None:
                continue
            sentence = self.sentence_for(ent)
            if sentence is None and self._unstated_can_go(ent, node):
                # The format's own keys give an entity no sentence: one that no fact of the file
                # involves and its text does not name is left out, with a warning, not a refusal.
                self.g.remove((node, None, None))
                self.warnings.append((f"entities[{i}] ({ent.id})", "nothing in the file states this entity, so it is not "
                                      "loaded: add an `evidence:` sentence that names it"))
                continue
            if sentence is None:
                self.problems.append((f"entities[{i}]", "nothing in the file states this entity: add an `evidence:` sentence that names it"))
                continue
            evidence = self.evidence(f"mention-{ent.id}", sentence, f"entities[{i}].evidence", confidence=ent.confidence, method=ent.method,
                                     mentions=[node])
            # The names this source used for the entity, on the mention itself, so they
            # can be retracted with the source and survive an export round trip.
            statement = iri(f"statement:{self.file.source_id}:mention-{ent.id}")
            reify(self.g, statement, evidence, AKG.mentions, node)
            for used in dict.fromkeys(self.entity_names[ent.id]):
                self.add(statement, "sourceName", used)
            for predicate, value in self.entity_facts[ent.id]:
                self.reify(f"{ent.id}-{predicate.rsplit('#', 1)[-1]}-{value.rsplit('#', 1)[-1]}", node, predicate, value, evidence)

    def build_posts(self) -> None:
        for i, ent in enumerate(self.ann.entities):
            holder = self.entity_iri.get(ent.id)
            if holder is None:
                continue
            posts = list(ent.posts)
            if ent.post and not any(p.title == ent.post for p in posts):
                posts.insert(0, PostAnn(title=ent.post))
            for j, post in enumerate(posts):
                key = f"{ent.id}-{j}" if j else ent.id
                node_id = f"post:{self.file.source_id}:{key}"
                node = iri(node_id)
                self.g.add((node, RDF.type, AKG.Post))
                self.add(node, "id", node_id)
                self.add(node, "title", post.title)
                self.add(node, "holder", holder)
                if post.organization:
                    self.add(node, "postIn", self.entity_iri.get(post.organization))
                self.add(node, "startDate", post.start)
                self.add(node, "endDate", post.end)
                sentence = post.evidence or self.sentence_for(ent)
                if sentence:
                    ev = self.evidence(f"post-{key}", sentence, f"entities[{i}].posts[{j}]", mentions=[holder])
                    self.add(node, "evidencedBy", ev)
                self.where[node] = f"entities[{i}] ({ent.id}) post {post.title!r}"

    def build_events(self) -> None:
        for ev in self.ann.events:
            if ev.id:
                self.event_iri[ev.id] = iri(f"event:{self.file.source_id}:{ev.id}")
        for i, ev in enumerate(self.ann.events):
            self.build_event(i, ev)

    def build_event(self, i: int, ev: EventAnn) -> None:
        type_name = OTHER_EVENT if ev.type == "Other" else ev.type
        cls = self.class_of(f"events[{i}].type", type_name, ("Event",))
        key = ev.id or _event_key(ev)
        node_id = f"event:{self.file.source_id}:{key}"
        node = iri(node_id)
        self.where[node] = f"events[{i}] ({ev.type}{' ' + ev.id if ev.id else ''})"
        if cls is None:
            return
        self.g.add((node, RDF.type, AKG[cls]))
        self.add(node, "id", node_id)
        if ev.date:
            self.add(node, "date", ev.date)
            self.add(node, "datePrecision", precision_of(ev.date))
            self.add(node, "dateBasis", ev.date_basis or "stated")
        else:
            self.add(node, "dateBasis", "unknown")
        self.add(node, "endDate", ev.end_date)
        self.add(node, "modality", ev.modality or "reported")
        self.add(node, "status", ev.status)
        self.add(node, "quote", ev.quote)
        self.add(node, "description", ev.description)
        if ev.value is not None:
            self.add(node, "amount", Literal(Decimal(ev.value.amount), datatype=XSD.decimal))
            self.add(node, "currency", ev.value.currency)
        if ev.quantity is not None:
            self.add(node, "quantity", Literal(ev.quantity, datatype=XSD.nonNegativeInteger))
        for item in ev.items:
            count = f"{item.quantity} × " if item.quantity is not None else ""
            self.add(node, "item", f"{count}{item.name}{' (major defense equipment)' if item.major else ''}")
        for detail_key, detail in ev.details.items():
            self.add(node, "detail", f"{detail_key}: {detail}")
        mentioned: list[URIRef] = []
        for j, part in enumerate(ev.participants):
            where = f"events[{i}].participants[{j}]"
            try:
                prop = self.onto.role(part.role)
            except UnknownTerm as exc:
                self.problems.append((f"{where}.role", str(exc)))
                continue
            target = self.entity_iri.get(part.entity)
            if target is not None:
                self.add(node, prop.name, target)
                mentioned.append(target)
        for j, system in enumerate(ev.systems):
            target = self.entity_iri.get(system)
            if target is None:
                continue
            if self.entity_class[system] != "WeaponSystem":
                self.problems.append((f"events[{i}].systems[{j}]", f"{system!r} is a {self.entity_class[system]}, not a WeaponSystem"))
                continue
            self.add(node, "involvesSystem", target)
            mentioned.append(target)
        if ev.place:
            self.add(node, "location", self.entity_iri.get(ev.place))
        if ev.part_of:
            self.add(node, "partOf", self.event_iri.get(ev.part_of))
        if ev.blocked_deal:
            self.add(node, "blockedDeal", self.event_iri.get(ev.blocked_deal))
        evidence = self.evidence(f"{key}", ev.evidence, f"events[{i}].evidence", confidence=ev.confidence, mentions=mentioned,
                                 method=ev.method)
        self.add(node, "evidencedBy", evidence)

    def build_relations(self) -> None:
        for i, rel in enumerate(self.ann.relations):
            where = f"relations[{i}]"
            try:
                prop = self.onto.object_property(rel.predicate)
            except UnknownTerm:
                prop = None
            allowed = self.relation_predicates()
            if prop is None or prop.name not in allowed:
                self.problems.append((f"{where}.predicate", f"{rel.predicate!r} is not a relation between entities; use one of: {', '.join(allowed)}"))
                continue
            s, o = self.entity_iri.get(rel.subject), self.entity_iri.get(rel.object)
            if s is None or o is None:
                continue
            for end, ref, expected in (("subject", rel.subject, prop.domain), ("object", rel.object, prop.range)):
                if expected and not self.onto.is_a(self.entity_class[ref], expected):
                    self.problems.append((f"{where}.{end}", f"{rel.predicate} needs a {expected} as {end}; {ref!r} is a {self.entity_class[ref]}"))
            key = "rel-" + hashlib.sha1(f"{rel.subject}|{rel.predicate}|{rel.object}".encode()).hexdigest()[:10]
            ev = self.evidence(key, rel.evidence, f"{where}.evidence", confidence=rel.confidence, mentions=[s, o], method=rel.method)
            statement = self.reify(key, s, prop.iri, o, ev)
            self.where[statement] = f"{where} ({rel.subject} {rel.predicate} {rel.object})"

    def relation_predicates(self) -> list[str]:
        """Object properties that join two entities (not roles, not provenance)."""
        out = []
        for prop in self.onto.object_properties.values():
            if prop.role or prop.domain is None:
                continue
            range_ok = prop.range is None or self.onto.cls(prop.range).root in ENTITY_ROOTS
            if self.onto.cls(prop.domain).root in ENTITY_ROOTS and range_ok:
                out.append(prop.name)
        return sorted(out)

    # -- sentences -----------------------------------------------------------

    def _unstated_can_go(self, ent: EntityAnn, node: URIRef) -> bool:
        """Whether an entity without a sentence can be left out: it holds no post, is no post's
        organisation and no other entry of the file is the same node."""
        if ent.post or ent.posts or any(p.organization == ent.id for e in self.ann.entities for p in e.posts):
            return False
        return not any(other.id != ent.id and self.entity_iri.get(other.id) == node for other in self.ann.entities)

    def sentence_for(self, ent: EntityAnn) -> str | None:
        """A sentence that names the entity: its own, one from the text, or that of a fact involving it."""
        return ent.evidence or self._sentence_naming(ent) or self._referenced_sentences.get(ent.id)

    def _sentence_naming(self, ent: EntityAnn) -> str | None:
        names = [n for n in (ent.name, *ent.aliases) if n]
        for sentence in self.sentences:
            if any(n in sentence for n in names):
                return sentence
        return None

    @cached_property
    def _referenced_sentences(self) -> dict[str, str]:
        """Entity id -> the first evidence sentence of a fact that involves it."""
        found: dict[str, str] = {}
        for ev in self.ann.events:
            for ref in [p.entity for p in ev.participants] + list(ev.systems) + ([ev.place] if ev.place else []):
                found.setdefault(ref, ev.evidence)
        for rel in self.ann.relations:
            found.setdefault(rel.subject, rel.evidence)
            found.setdefault(rel.object, rel.evidence)
        return found


def _event_key(ev: EventAnn) -> str:
    """A stable key for an event without an id: what it is and what it says."""
    parts = "|".join(sorted(f"{p.role}={p.entity}" for p in ev.participants))
    digest = hashlib.sha1(f"{ev.type}|{ev.date}|{parts}|{ev.evidence}".encode()).hexdigest()[:10]
    return f"{ev.type.lower()}-{digest}"


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def _find(text: str, sentence: str) -> tuple[int, int] | None:
    """Character span of ``sentence`` in ``text``, tolerant of whitespace differences."""
    start = text.find(sentence)
    if start >= 0:
        return start, start + len(sentence)
    pattern = r"\s+".join(re.escape(word) for word in sentence.split())
    match = re.search(pattern, text)
    return (match.start(), match.end()) if match else None


def build_rdf(file: AnnotationFile, onto: Ontology, resolver: Resolver | None = None) -> BuiltSource:
    """RDF for one annotation file, or :class:`AnnotationError` listing every problem."""
    builder = _Builder(file, onto, resolver or Resolver.with_reference(onto))
    builder.build_source()
    builder.build_entities()
    builder.build_events()
    builder.build_posts()
    builder.mention_evidence()
    builder.build_relations()
    if builder.problems:
        raise AnnotationError(file.path, builder.problems)
    return BuiltSource(file=file, graph=builder.g, where=builder.where, warnings=builder.warnings)
