"""Sources checked together in pyshacl runs get exactly what checking each alone gives (loaders.shacl_batch).

Every check here compares with source-by-source checking: the shape cases (which
share entities and describe them differently), the curated and synthetic
annotations, a batch with bad files in it, and the load itself on each engine.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from rdflib import Graph, Literal, URIRef

import loaders.validation as validation
from kg.graph import Graph as KgGraph
from kg.ontology import AKG, load_ontology
from loaders.pipeline import Rejected, _timed_prepare, _timed_prepare_chunk
from loaders.shacl_batch import reach
from loaders.synthetic import synthesize
from loaders.validation import check_source, check_sources, checked_graph, checked_graphs

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted((ROOT / "tests" / "shape_cases").glob("*/*.ttl"))
CURATED = sorted((ROOT / "data" / "annotations").glob("*.yaml")) + [ROOT / "data" / "reference" / "company-lineage.yaml"]


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of triples of each pyshacl run made while the test runs."""
    seen: list[int] = []
    real = validation._pyshacl

    def counted(graph: Graph, onto):  # type: ignore[no-untyped-def]
        seen.append(len(graph))
        return real(graph, onto)

    monkeypatch.setattr(validation, "_pyshacl", counted)
    return seen


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Synthetic sources (entities named by several sources under varying aliases), the curated
    annotations, and bad files: a SHACL violation on shared entities, an unreadable file, a
    file that does not exist, and an RDF file."""
    folder = tmp_path_factory.mktemp("batched")
    synthesize(30, 11, folder / "synth")
    files = sorted((folder / "synth").glob("*.yaml"))
    assert len(files) >= 12
    late = folder / "dated-after-publication.yaml"  # its events after its own article: violations
    text = files[3].read_text(encoding="utf-8")
    late.write_text(re.sub(r"^  date: '[0-9-]+'", "  date: '1900-01-01'", text, count=1, flags=re.M)
                    .replace("id: synth", "id: late-synth", 1), encoding="utf-8")
    broken = folder / "broken.yaml"
    broken.write_text("article:\n  id: broken\nentities:\n- id: x\n  type: Spaceship\n  name: X\n", encoding="utf-8")
    rdf = folder / "case.ttl"
    shutil.copy(ROOT / "tests" / "shape_cases" / "valid" / "official-with-post.ttl", rdf)
    return [*files[:6], late, broken, folder / "missing.yaml", rdf, *files[6:], *CURATED]


def _case(path: Path) -> SimpleNamespace:
    """A shape case as the source check_sources takes (its graph, its file, no places in a file)."""
    return SimpleNamespace(graph=Graph().parse(path), file=SimpleNamespace(path=path), where={})


def test_the_shape_cases_checked_together_give_what_each_gives_alone(runs: list[int]) -> None:
    """The cases name the same entities (Taiwan, RTX, NASAMS) with different names, aliases, posts
    and types, and break every rule: each case keeps exactly its own results, in fewer runs."""
    onto = load_ontology()
    sources = [_case(path) for path in CASES]
    together = check_sources(sources, onto)  # type: ignore[arg-type]
    assert 1 < len(runs) < len(sources), runs
    for path, source, found in zip(CASES, sources, together):
        assert found == check_source(source, onto), path.name  # type: ignore[arg-type]
    assert sum(1 for found in together if any(v.severity == "violation" for v in found)) >= 60


def test_a_value_checked_alone_goes_only_to_the_source_that_states_it() -> None:
    """Two sources name Taiwan; one gives it an empty alias. They share a run (aliases are checked
    value by value), and only that one is told."""
    onto = load_ontology()
    good = ROOT / "tests" / "shape_cases" / "valid" / "full-arms-sale.ttl"
    sources = [_case(good), _case(ROOT / "tests" / "shape_cases" / "invalid" / "official-without-post.ttl")]
    taiwan = URIRef("https://w3id.org/arms-kg/id/state-TW")
    assert all((taiwan, None, None) in source.graph for source in sources)
    sources[1].graph.add((taiwan, AKG.alias, Literal("")))
    together = check_sources(sources, onto)  # type: ignore[arg-type]
    assert together[0] == [] == check_source(sources[0], onto)  # type: ignore[arg-type]
    assert together[1] == check_source(sources[1], onto)  # type: ignore[arg-type]
    assert any(v.field == "alias" and v.where == "state:TW" for v in together[1]), together[1]


def test_files_checked_together_give_what_each_gives_alone(corpus: list[Path], runs: list[int]) -> None:
    onto = load_ontology()
    together = checked_graphs(corpus, onto)
    batched = len(runs)
    alone = [checked_graph(path, onto) for path in corpus]
    assert batched < len(runs) - batched, "the annotation files did not share runs"
    for path, (data, found), (data_alone, found_alone) in zip(corpus, together, alone):
        assert found == found_alone, path.name
        assert (data is None) == (data_alone is None), path.name
        if data is not None and data_alone is not None:
            assert set(data) == set(data_alone), path.name
    late = corpus[6]
    [(_, found)] = [(d, f) for p, (d, f) in zip(corpus, together) if p == late]
    assert found and all(v.file == str(late) for v in found), found


def test_one_bad_file_in_a_chunk_is_rejected_naming_itself_and_the_others_are_prepared(corpus: list[Path]) -> None:
    """The loader's checking: each file's rows or rejection, as when each is prepared alone."""
    from loaders.resolution import ReferenceTable, Resolver

    onto = load_ontology()
    resolver = Resolver(onto, ReferenceTable.load())
    chunk = _timed_prepare_chunk(corpus, onto, resolver)
    rejected = {str(p) for p, (prepared, _) in zip(corpus, chunk) if isinstance(prepared, Rejected)}
    assert rejected == {str(corpus[6]), str(corpus[7]), str(corpus[8])}, rejected
    for path, (prepared, seconds) in zip(corpus, chunk):
        alone, _ = _timed_prepare(path, onto, resolver)
        assert seconds >= 0
        if isinstance(alone, Rejected):
            assert isinstance(prepared, Rejected) and prepared.violations == alone.violations, path.name
            assert all(v.file == str(path) for v in prepared.violations), path.name
        else:
            assert prepared == alone, path.name


@pytest.mark.parametrize("workers", [1, 2])
def test_a_load_with_a_bad_file_loads_the_others_as_source_by_source_checking_does(
        graph: KgGraph, loader, corpus: list[Path], workers: int) -> None:
    """On the engine: the load of the whole batch rejects the bad files with their own reasons and
    writes what checking the files one by one writes."""
    alone = list(loader.prepared(corpus, workers=1, chunk=1))
    summary = loader.load(corpus, workers=workers)
    try:
        by_file = {str(r.path): r.violations for r in summary.rejected}
        assert by_file == {str(p): prepared.violations for p, (prepared, _) in alone if isinstance(prepared, Rejected)}
        loaded = {report.source_id for report in summary.reports}
        assert loaded == {rows.source_id for _, (prepared, _) in alone if not isinstance(prepared, Rejected)
                          for rows in prepared}
    finally:
        for report in summary.reports:
            if report.action == "created":
                loader.unload(report.source_id)


def test_shapes_that_read_across_sources_in_ways_not_followed_are_checked_one_source_a_run() -> None:
    onto = load_ontology()
    ours = reach(onto.shapes)
    assert ours.refused is None
    assert {str(p).rsplit("#", 1)[-1] for p in ours.inverse} == {"holder", "id", "subClassOf"}
    assert AKG.alias in ours.per_value and AKG.name not in ours.per_value  # a name is counted (one at most)

    def shapes(extra: str) -> Graph:
        g = Graph()
        for triple in onto.shapes:
            g.add(triple)
        return g.parse(data="@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix akg: <https://w3id.org/arms-kg/ontology#> .\n"
                       + extra, format="turtle")

    assert reach(shapes("akg:S a sh:NodeShape ; sh:targetNode akg:X .")).refused
    walks_back = reach(shapes('akg:S a sh:NodeShape ; sh:targetClass akg:Event ; sh:sparql [ sh:select """'
                              'PREFIX akg: <https://w3id.org/arms-kg/ontology#> SELECT $this WHERE { ?other akg:partOf $this . }""" ] .'))
    assert walks_back.refused is None and AKG.partOf in walks_back.inverse
    unjoined = reach(shapes('akg:S a sh:NodeShape ; sh:targetClass akg:Event ; sh:sparql [ sh:select """'
                            'PREFIX akg: <https://w3id.org/arms-kg/ontology#> SELECT $this WHERE { $this akg:date ?d . ?x akg:date ?d2 . }""" ] .'))
    assert unjoined.refused
    paired = reach(shapes("akg:S a sh:NodeShape ; sh:targetClass akg:Event ; sh:property [ sh:path akg:alias ; "
                          "sh:lessThan akg:unshapedPredicate ] ."))
    assert AKG.unshapedPredicate in paired.read and AKG.alias not in paired.per_value  # read, and compared


def test_the_tuned_runs_validate_property_and_not_shapes_once_and_leave_pyshacl_as_it_was(monkeypatch: pytest.MonkeyPatch) -> None:
    """loaders.shacl_tuning's one call per sh:property and sh:not: taken, and undone after the run."""
    from pyshacl.constraints.core.logical_constraints import NotConstraintComponent
    from pyshacl.constraints.core.shape_based_constraints import PropertyConstraintComponent
    from pyshacl.shape import Shape

    import loaders.shacl_tuning as tuning

    before = (PropertyConstraintComponent._evaluate_property_shape, NotConstraintComponent._evaluate_not_constraint,
              Shape.__str__)
    calls = {"property": 0, "not": 0}

    def counting(name, original):  # type: ignore[no-untyped-def]
        def count(*args, **kwargs):  # type: ignore[no-untyped-def]
            calls[name] += 1
            return original(*args, **kwargs)
        return count

    monkeypatch.setattr(tuning, "_property_shape_once", counting("property", tuning._property_shape_once))
    monkeypatch.setattr(tuning, "_not_once", counting("not", tuning._not_once))
    data = Graph().parse(ROOT / "tests" / "shape_cases" / "invalid" / "participant-not-actor.ttl")
    found = validation.shacl_violations(data, load_ontology(), file="case")
    assert calls["property"] > 0 and calls["not"] > 0
    assert any("weapon system" in v.message for v in found), found
    assert (PropertyConstraintComponent._evaluate_property_shape, NotConstraintComponent._evaluate_not_constraint,
            Shape.__str__) == before
