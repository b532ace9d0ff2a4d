"""A later source corrects an entity's type, and retracting it gives the type back (issue 23, item 3);
a source's entity relationships are retracted from its own evidence (item 4).

An entity's labels used to be frozen at creation: a source that said Contractor for
an entity first loaded as Organization only got a warning. These tests load real
sources on both engines (an annotation file, and an RDF file that types the same
canonical id differently, as an export or another tool would) and read the graph.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph as RdfGraph

from kg.cypher import Cypher
from kg.graph import Graph
from kg.ontology import load_ontology
from kg.property_graph import SourceRows, source_rows
from kg.store import Store
from loaders.annotation_rdf import build_rdf
from loaders.annotations import parse_annotation
from loaders.resolution import Resolver

ENTITY = "org:acme-retype-works"
TEXT = "Acme Retype Works will build NASAMS launchers for Taiwan, the company said on 3 March 2026.\n"
ANNOTATION = """\
article: {{id: {id}, date: 2026-03-03, text_file: {id}.txt}}
entities:
  - {{id: acme, type: {type}, name: Acme Retype Works}}
  - {{id: tw, type: State, name: Taiwan, iso_code: TW}}
  - {{id: nasams, type: WeaponSystem, name: NASAMS}}
events:
  - type: Other
    id: build
    participants: [{{entity: acme, role: actor}}, {{entity: tw, role: partner}}]
    systems: [nasams]
    evidence: "Acme Retype Works will build NASAMS launchers for Taiwan, the company said on 3 March 2026."
relations:
  - {{subject: nasams, predicate: manufacturer, object: acme, evidence: "Acme Retype Works will build NASAMS launchers for Taiwan, the company said on 3 March 2026."}}
"""

_LABELS = Cypher("MATCH (n:Actor {id: $id}) RETURN labels(n) AS labels")
_CONTRACTORS = Cypher("MATCH (n:Contractor {id: $id}) RETURN n.id AS id")
_MANUFACTURER = Cypher(
    "MATCH (:WeaponSystem {id: 'system:nasams'})-[r:MANUFACTURER]->(:Actor {id: $id}) "
    "RETURN r.sourceIds AS sourceIds, r.evidenceIds AS evidenceIds")


def _source(folder: Path, source_id: str, type_: str) -> Path:
    """An annotation file typing the entity ``type_``; as Turtle under the Organization's canonical id
    when ``type_`` is another class (an annotation file would give it another id: contractor:...)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{source_id}.txt").write_text(TEXT, encoding="utf-8")
    path = folder / f"{source_id}.yaml"
    path.write_text(ANNOTATION.format(id=source_id, type=type_), encoding="utf-8")
    if type_ == "Organization":
        return path
    onto = load_ontology()
    built = build_rdf(parse_annotation(path), onto, Resolver.with_reference(onto))
    turtle = built.graph.serialize(format="turtle")
    kind = {"Contractor": "contractor", "GovernmentAgency": "agency"}[type_]
    turtle = turtle.replace(f"{kind}/acme-retype-works", "org/acme-retype-works").replace(f"{kind}:acme-retype-works", ENTITY)
    path.unlink()
    out = folder / f"{source_id}.ttl"
    out.write_text(turtle, encoding="utf-8")
    return out


def _labels(graph: Graph) -> set[str]:
    rows = graph.read(_LABELS, id=ENTITY)
    assert len(rows) == 1, rows
    return set(rows[0]["labels"])


@pytest.fixture
def store(graph: Graph) -> Store:
    return Store(graph)


def _unload_all(store: Store, *source_ids: str) -> None:
    for source_id in source_ids:
        try:
            store.unload(source_id)
        except LookupError:
            pass


def test_a_later_source_corrects_the_type_and_retracting_it_restores_it(loader, graph: Graph, store: Store,
                                                                         tmp_path: Path) -> None:
    first, second = "source:retype-first", "source:retype-second"
    try:
        summary = loader.load([_source(tmp_path, "retype-first", "Organization")])
        assert not summary.rejected, [str(r) for r in summary.rejected]
        assert _labels(graph) == {"Actor", "Organization"}

        summary = loader.load([second_path := _source(tmp_path, "retype-second", "Contractor")])
        assert not summary.rejected, [str(r) for r in summary.rejected]
        assert _labels(graph) == {"Actor", "Organization", "Contractor"}
        assert graph.read(_CONTRACTORS, id=ENTITY) == [{"id": ENTITY}]
        # One node still, with the relationships both sources state.
        [rel] = graph.read(_MANUFACTURER, id=ENTITY)
        assert sorted(rel["sourceIds"]) == [first, second]
        # A new version of the second source replaces its evidence on the relationship, not adds to it.
        changed = _rows_of(second_path)
        changed.source.props["contentHash"] = "a later version"
        assert store.load(changed).action == "updated"
        [again] = graph.read(_MANUFACTURER, id=ENTITY)
        assert sorted(again["sourceIds"]) == [first, second] and sorted(again["evidenceIds"]) == sorted(rel["evidenceIds"])

        report = store.unload(second)
        assert any(f"{ENTITY} is now Organization" in w for w in report.warnings), report.warnings
        assert _labels(graph) == {"Actor", "Organization"}
        assert graph.read(_CONTRACTORS, id=ENTITY) == []
        [rel] = graph.read(_MANUFACTURER, id=ENTITY)
        assert rel["sourceIds"] == [first]
        # Its evidence goes with it: every id left names evidence of the first source, which the graph holds.
        assert rel["evidenceIds"] and all(e.startswith("evidence:retype-first:") for e in rel["evidenceIds"]), rel
        assert graph.read(Cypher("MATCH (ev:Evidence) WHERE ev.id IN $ids RETURN count(ev) AS n"),
                          ids=rel["evidenceIds"]) == [{"n": len(rel["evidenceIds"])}]

        store.unload(first)
        assert graph.read(_LABELS, id=ENTITY) == []
        assert graph.read(_MANUFACTURER, id=ENTITY) == []
    finally:
        _unload_all(store, second, first)


def test_a_less_specific_source_does_not_undo_a_correction(loader, graph: Graph, store: Store, tmp_path: Path) -> None:
    try:
        loader.load([_source(tmp_path, "retype-contractor", "Contractor")])
        assert _labels(graph) == {"Actor", "Organization", "Contractor"}
        summary = loader.load([_source(tmp_path, "retype-organization", "Organization")])
        assert not summary.rejected, [str(r) for r in summary.rejected]
        assert _labels(graph) == {"Actor", "Organization", "Contractor"}
        # The Contractor's source goes: the Organization left says what the entity is.
        store.unload("source:retype-contractor")
        assert _labels(graph) == {"Actor", "Organization"}
    finally:
        _unload_all(store, "source:retype-contractor", "source:retype-organization")


def test_conflicting_classes_take_the_latest_and_warn(loader, graph: Graph, store: Store, tmp_path: Path) -> None:
    try:
        loader.load([_source(tmp_path, "retype-contractor", "Contractor")])
        report = store.load(_rows_of(_source(tmp_path, "retype-agency", "GovernmentAgency")))
        assert _labels(graph) == {"Actor", "Organization", "GovernmentAgency"}
        assert any("GovernmentAgency and Contractor" in w for w in report.warnings), report.warnings
        store.unload("source:retype-agency")
        assert _labels(graph) == {"Actor", "Organization", "Contractor"}
    finally:
        _unload_all(store, "source:retype-agency", "source:retype-contractor")


def _rows_of(path: Path) -> SourceRows:
    [rows] = source_rows(RdfGraph().parse(path, format="turtle"), load_ontology())
    return rows
