"""Each SHACL rule: valid samples pass, and each invalid sample fails with that rule's message alone.

The cases live in tests/shape_cases/: each invalid file's first line says the
message it must produce (`# expect: ...`).
"""

from __future__ import annotations

from pathlib import Path

import pyshacl
import pytest
from rdflib import RDF, SH, Graph

from kg.ontology import load_ontology, shacl_path_text
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


def _results(report: Graph) -> set[tuple[str, ...]]:
    """Every result by what the loader reads of it: focus node, shape, component, severity, path, value, message."""
    return {tuple(str(report.value(r, p)) for p in (SH.focusNode, SH.sourceShape, SH.sourceConstraintComponent,
                                                   SH.resultSeverity, SH.value, SH.resultMessage))
            + (shacl_path_text(report, report.value(r, SH.resultPath)),)
            for r in report.subjects(RDF.type, SH.ValidationResult)}


@pytest.mark.parametrize("path", VALID + INVALID + sorted(Path("data/annotations").glob("*.yaml")), ids=lambda p: p.stem)
def test_precomputed_entailment_gives_exactly_pyshacls_rdfs_results(path: Path) -> None:
    """The loader's validation (loaders.inference's precomputed closure, one pyshacl view of the shapes
    reused by every run, loaders.shacl_tuning's shortcuts) gives exactly what a fresh pyshacl run with its
    own RDFS inference gives."""
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


def test_the_tuned_runs_take_each_shortcut_and_leave_pyshacl_as_it_was(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pyshacl release that moved what loaders.shacl_tuning replaces would make it a silent no-op: here it fails."""
    import pyshacl.shape as shape_module
    from pyshacl.constraints.constraint_component import ConstraintComponent
    from pyshacl.helper.sparql_query_helper import SPARQLQueryHelper

    import loaders.shacl_tuning as tuning

    onto = load_ontology()
    data = build_rdf(parse_annotation(sorted(Path("data/annotations").glob("*.yaml"))[0]), onto).graph
    calls = {"built": 0, "sparql checked": 0, "described": 0}

    def counting(name, original):
        def count(*args, **kwargs):
            calls[name] += 1
            return original(*args, **kwargs)
        return count

    monkeypatch.setattr(ConstraintComponent, "__init__", counting("built", ConstraintComponent.__init__))
    monkeypatch.setattr(tuning, "_check_sparql", counting("sparql checked", tuning._check_sparql))  # run tuned
    monkeypatch.setattr(SPARQLQueryHelper, "check_invalid_sparql",  # run plain
                        counting("sparql checked", SPARQLQueryHelper.check_invalid_sparql))
    monkeypatch.setattr(ConstraintComponent, "make_v_result_description",
                        counting("described", ConstraintComponent.make_v_result_description))
    before = (shape_module.__dict__.get("CONSTRAINT_PARAMS"), SPARQLQueryHelper.check_invalid_sparql,
              ConstraintComponent.make_v_result_description)

    pyshacl.validate(data, shacl_graph=onto.shapes, ont_graph=onto.graph, inference="rdfs", advanced=True)
    assert calls["built"] > 100 and calls["sparql checked"] > 0 and calls["described"] > 0  # what plain pyshacl does
    shacl_report(data, onto)  # builds what an earlier test has not
    calls.update(dict.fromkeys(calls, 0))
    conforms, report = shacl_report(data, onto)
    assert conforms and _results(report) == set()
    assert calls == {"built": 0, "sparql checked": 0, "described": 0}
    after = (shape_module.__dict__.get("CONSTRAINT_PARAMS"), SPARQLQueryHelper.check_invalid_sparql,
             ConstraintComponent.make_v_result_description)
    assert after == before


def test_a_refused_sparql_text_is_refused_every_time_it_is_run_tuned() -> None:
    from pyshacl.errors import ValidationFailure
    from pyshacl.helper.sparql_query_helper import SPARQLQueryHelper

    from loaders.shacl_tuning import tuned

    helper = SPARQLQueryHelper.__new__(SPARQLQueryHelper)  # the check reads only the class's patterns
    with tuned():
        for _ in range(2):
            assert helper.check_invalid_sparql("SELECT $this WHERE { $this ?p ?o . }") is True
            with pytest.raises(ValidationFailure, match="MINUS"):
                helper.check_invalid_sparql("SELECT $this WHERE { $this ?p ?o . MINUS { $this a ?t } }")
