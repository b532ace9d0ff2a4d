"""The ontology parses, defines what the product needs, and the graph mapping follows from it."""

from __future__ import annotations

import pyshacl
import pytest
from rdflib import OWL, RDF, SH, SKOS, Graph

from kg.ontology import AKG, load_ontology, upper_snake
from kg.ontology_docs import DOCS_FILE, render

ACTORS = ["Actor", "State", "Person", "Official", "Organization", "GovernmentAgency", "Contractor",
          "ResearchOrganization", "MediaOutlet", "MilitaryUnit", "IndustryAssociation"]
EVENTS = ["Event", "ArmsSale", "SaleApproval", "ContractAward", "Delivery", "Delay", "ExportBlock", "Visit",
          "Statement", "MilitaryActivity", "CoProduction"]
OTHERS = ["Place", "WeaponSystem", "Post", "Source", "Article", "PressRelease", "Report", "Evidence"]
ROLES = ["seller", "buyer", "supplier", "recipient", "contractor", "approver", "blocker", "speaker", "addressee",
         "visitor", "host", "leader", "actor", "target", "partner", "subject"]


@pytest.fixture(scope="module")
def onto():
    return load_ontology()


def test_header_has_stable_namespace_and_version(onto) -> None:
    assert str(onto.iri) == "https://w3id.org/arms-kg/ontology"
    assert onto.version and onto.version[0].isdigit()


def test_required_classes_and_roles_exist(onto) -> None:
    assert set(ACTORS + EVENTS + OTHERS) <= set(onto.classes)
    assert set(ROLES) == set(onto.roles)
    assert {"Actor", "Event", "Source"} <= {c.name for c in onto.classes.values() if c.abstract}
    for prop in ["manufacturer", "coDeveloper", "partOf", "subsidiaryOf", "renamedTo", "subOrganizationOf",
                 "holder", "postIn", "evidencedBy", "fromSource", "involvesSystem"]:
        assert prop in onto.object_properties
    for prop in ["name", "alias", "isoCode", "wikidataId", "date", "datePrecision", "endDate", "amount", "currency",
                 "quantity", "status", "startDate", "sentence", "startOffset", "endOffset", "confidence", "method"]:
        assert prop in onto.datatype_properties


def test_mapping_derives_labels_types_and_keys(onto) -> None:
    assert onto.cls("Official").labels == ("Official", "Person", "Actor")
    assert onto.cls("Contractor").labels == ("Contractor", "Organization", "Actor")
    assert onto.cls("ArmsSale").labels == ("ArmsSale", "Event")
    assert onto.object_property("evidencedBy").rel_type == "EVIDENCED_BY"
    assert onto.object_property("coDeveloper").rel_type == "CO_DEVELOPER"
    assert onto.roles["seller"].rel_type == "SELLER"
    assert onto.datatype_properties["publicationDate"].key == "publicationDate"
    assert upper_snake("subOrganizationOf") == "SUB_ORGANIZATION_OF"
    # Every role is a participation: a sub-property of akg:participant.
    assert all(p.parents == ("participant",) for p in onto.roles.values())


def test_constraints_and_indexes_follow_the_ontology(onto) -> None:
    constrained = {c.label for c in onto.constraints()}
    assert constrained == set(onto.roots) >= {"Actor", "Event", "Evidence", "Source", "WeaponSystem"}
    indexed = {(i.label, i.property) for i in onto.indexes()}
    assert ("Event", "date") in indexed and ("Actor", "name") in indexed


def test_every_class_has_a_shape_and_every_shape_a_known_class(onto) -> None:
    targets = {str(t) for t in onto.shapes.objects(None, SH.targetClass)}
    classes = {str(c.iri) for c in onto.classes.values()}
    assert classes - targets == set(), "classes without a shape"
    assert {t for t in targets if t.startswith(str(AKG))} - classes == set(), "shapes targeting unknown classes"


def test_every_shape_speaks_to_the_analyst(onto) -> None:
    shapes = onto.shapes
    every = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.objects(None, SH.property))
    assert every and [str(n) for n in every if shapes.value(n, SH.message) is None] == []
    messages = [str(shapes.value(n, SH.message)) for n in every]
    assert len(messages) == len(set(messages)), "two shapes share a message: make each one say which rule it is"


def test_alignments_to_external_vocabularies(onto) -> None:
    text = onto.graph.serialize(format="nt")
    for base in ["https://schema.org/", "http://www.w3.org/ns/org#", "http://semanticweb.cs.vu.nl/2009/11/sem/",
                 "http://www.w3.org/ns/prov#", "https://schema.followthemoney.tech/#"]:
        assert base in text, base


def test_weapon_categories_are_a_skos_scheme(onto) -> None:
    concepts = set(onto.graph.subjects(SKOS.inScheme, AKG.WeaponCategories))
    names = {str(c).rsplit("#", 1)[1] for c in concepts}
    assert {"AirDefence", "AntiTank", "Artillery", "Munition", "CombatAircraft", "AircraftParts", "UAV", "Naval", "Submarine"} <= names
    assert all((c, RDF.type, AKG.WeaponCategory) in onto.graph for c in concepts)


def test_the_ontology_and_shapes_are_valid_shacl_with_rdfs_inference(onto) -> None:
    conforms, _, text = pyshacl.validate(Graph(), shacl_graph=onto.shapes, ont_graph=onto.graph, inference="rdfs", meta_shacl=True)
    assert conforms, text
    assert (onto.iri, RDF.type, OWL.Ontology) in onto.graph


def test_committed_reference_docs_are_current(onto) -> None:
    assert DOCS_FILE.exists(), "run: kg ontology docs"
    assert DOCS_FILE.read_text(encoding="utf-8") == render(onto), "docs/ontology.md is stale: run  kg ontology docs"
