"""Each SHACL rule: valid samples pass, and each invalid sample fails with that rule's message alone.

The cases live in tests/shape_cases/: each invalid file's first line says the
message it must produce (`# expect: ...`).
"""

from __future__ import annotations

from pathlib import Path

import pyshacl
import pytest
from rdflib import RDF, SH, Graph

from kg.ontology import load_ontology
from loaders.annotation_rdf import build_rdf
from loaders.annotations import parse_annotation
from loaders.validation import shacl_report, shacl_violations

CASES = Path(__file__).parent / "shape_cases"
VALID = sorted((CASES / "valid").glob("*.ttl"))
INVALID = sorted((CASES / "invalid").glob("*.ttl"))


def _expected(path: Path) -> str:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect: "), f"{path.name} must start with '# expect: <message>'"
    return first.removeprefix("# expect: ").strip()


def test_there_are_enough_distinct_invalid_cases() -> None:
    assert len(INVALID) >= 25
    assert len({_expected(p) for p in INVALID}) >= 25


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_sample_conforms(path: Path) -> None:
    assert shacl_violations(Graph().parse(path), load_ontology(), file=path.name) == []


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_sample_fails_with_its_message(path: Path) -> None:
    violations = shacl_violations(Graph().parse(path), load_ontology(), file=path.name)
    assert {v.message for v in violations} == {_expected(path)}


def _results(report: Graph) -> set[tuple[str, str, str]]:
    return {(str(report.value(r, SH.focusNode)), str(report.value(r, SH.sourceShape)), str(report.value(r, SH.resultMessage)))
            for r in report.subjects(RDF.type, SH.ValidationResult)}


@pytest.mark.parametrize("path", VALID + INVALID + sorted(Path("data/annotations").glob("*.yaml")), ids=lambda p: p.stem)
def test_precomputed_entailment_gives_exactly_pyshacls_rdfs_results(path: Path) -> None:
    """The loader's validation (loaders.inference's precomputed closure, one pyshacl view of the shapes
    reused by every run) gives exactly what a fresh pyshacl run with its own RDFS inference gives."""
    onto = load_ontology()
    data = build_rdf(parse_annotation(path), onto).graph if path.suffix == ".yaml" else Graph().parse(path)
    _, ours = shacl_report(data, onto)
    _, reference, _ = pyshacl.validate(data, shacl_graph=onto.shapes, ont_graph=onto.graph, inference="rdfs",
                                     advanced=True, allow_warnings=True)
    assert _results(ours) == _results(reference)


def test_a_shared_id_is_reported_on_the_id_with_the_path_that_found_it() -> None:
    """The uniqueness rule is a SHACL-core path (id, then back to every node with that id): the report
    names the id and writes the path as SPARQL does."""
    violations = shacl_violations(Graph().parse(CASES / "invalid" / "duplicate-id.ttl"), load_ontology(), file="f")
    assert {(v.where, v.field) for v in violations} == {("state:TW", "id/^id")}
