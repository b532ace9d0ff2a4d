"""The read layer (kg.reads) called directly on the session's graph, as ``kg viz`` and the CLI call it:
plain arguments in, plain data out, refusals as plain exceptions naming the input."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from kg import reads
from kg.cypher import Cypher
from kg.graph import Graph
from kg.reads.fulltext import FulltextNames
from kg.reads.lookup import NameLookup, name_lookup
from kg.reads.name_index import NameIndex

ROOT = Path(__file__).resolve().parent.parent
TW, RTX = "state:TW", "contractor:rtx"
CONTRACT = "event:2025-11-19-nasams-taiwan:nasams-contract"
ARTICLE = "source:2025-11-19-nasams-taiwan"


@pytest.fixture
def index(graph: Graph) -> NameLookup:
    """The engine's own lookup: the full-text index on Neo4j, the in-memory names on the embedded engine."""
    return name_lookup(graph.dialect, max_age=3600)


def test_each_engine_finds_names_its_own_way(graph: Graph, index: NameLookup) -> None:
    expected = FulltextNames if graph.dialect.name == "neo4j" else NameIndex
    assert type(index) is expected


def test_entity_detail_and_its_evidence_pages(graph: Graph, sample: None) -> None:
    detail = reads.entity_detail(graph, TW, evidence_limit=1)
    assert detail.name == "Taiwan" and detail.types[0] == "State" and len(detail.evidence) == 1
    assert detail.evidence_total > 1 and detail.links.evidence == f"/entities/{TW}/evidence"
    whole = reads.entity_evidence(graph, TW, limit=200)
    assert not whole.more and len(whole.items) == detail.evidence_total
    seen, after = [], None
    while True:
        page = reads.entity_evidence(graph, TW, after=after, limit=3)
        seen += [e.id for e in page.items]
        if not page.more:
            break
        after = page.items[-1].id
    assert seen == sorted(e.id for e in whole.items) and seen[0] == detail.evidence[0].id


def test_an_unknown_entity_is_refused_with_the_closest_names(graph: Graph, sample: None, index: NameLookup) -> None:
    with pytest.raises(reads.UnknownEntity) as refused:
        reads.entity_detail(graph, "state:TWN", index=index)
    assert refused.value.entity_id == "state:TWN" and TW in [s.id for s in refused.value.suggestions]
    assert "state:TWN" in str(refused.value)
    with pytest.raises(reads.UnknownEntity) as bare:
        reads.entity_evidence(graph, "state:XX")
    assert bare.value.suggestions == []
    with pytest.raises(reads.UnknownEntity):
        reads.timeline(graph, CONTRACT)  # an event is not an entity


def test_a_subgraph_is_centred_on_the_node_asked_for(graph: Graph, sample: None) -> None:
    drawn = reads.subgraph(graph, TW, depth=2, limit=1000)
    assert drawn.center == TW and not drawn.truncated
    ids = {n.id for n in drawn.nodes}
    assert TW in ids and CONTRACT in ids
    assert all(n.label for n in drawn.nodes if "Event" in n.types)
    assert {(e.source, e.target) for e in drawn.edges} and all(e.source in ids and e.target in ids for e in drawn.edges)
    around_event = reads.event_neighbourhood(graph, CONTRACT, depth=1)
    assert around_event.center == CONTRACT and RTX in {n.id for n in around_event.nodes}


def test_a_neighbourhood_follows_only_the_types_asked_for(graph: Graph, sample: None) -> None:
    only = reads.entity_neighbourhood(graph, RTX, depth=1, types="CONTRACTOR")
    assert only.edges and {e.type for e in only.edges} == {"CONTRACTOR"}
    with pytest.raises(reads.InvalidArgument) as refused:
        reads.entity_neighbourhood(graph, RTX, types="CONTRACTOR,SOLD_BY_MISTAKE")
    assert refused.value.argument == "types" and "SOLD_BY_MISTAKE" in str(refused.value)
    with pytest.raises(reads.InvalidArgument):
        reads.subgraph(graph, RTX, depth=4)


def test_event_detail(graph: Graph, sample: None) -> None:
    event = reads.event_detail(graph, CONTRACT)
    assert event.types[0] == "ContractAward" and event.source_id == ARTICLE
    assert RTX in {p.id for p in event.participants} and event.evidence
    with pytest.raises(reads.UnknownEvent):
        reads.event_detail(graph, "event:nothing:here")
    with pytest.raises(reads.UnknownEvent):
        reads.event_neighbourhood(graph, TW)  # an entity is not an event


def test_timeline_pages_and_refuses_an_unknown_event_type(graph: Graph, sample: None) -> None:
    first = reads.timeline(graph, TW, limit=4)
    assert len(first.items) == 4 and first.more and all(r["actor"] == TW for r in first.items)
    halves = reads.timeline(graph, TW, limit=2).items + reads.timeline(graph, TW, offset=2, limit=2).items
    assert [r["event"] for r in halves] == [r["event"] for r in first.items]
    sales = reads.timeline(graph, TW, type="ArmsSale", limit=200).items
    assert sales and all(r["type"] == "ArmsSale" for r in sales)
    with pytest.raises(reads.InvalidArgument) as refused:
        reads.timeline(graph, TW, type="Picnic")
    assert refused.value.argument == "type"


def test_search_ranks_names_and_refuses_what_it_cannot_search(graph: Graph, sample: None, index: NameLookup) -> None:
    hits = reads.search_entities(graph, index, "taipei").items
    assert hits[0].id == TW and hits[0].match == "exact"
    states = reads.search_entities(graph, index, None, "State", limit=1000).items
    assert TW in {h.id for h in states} and all("State" in h.types for h in states)
    page = reads.search_entities(graph, index, None, "State", offset=1, limit=1)
    assert page.more and page.items[0].id == states[1].id
    for q, type_, argument in (("!!!", None, "q"), ("taipei", "Planet", "type")):
        with pytest.raises(reads.InvalidArgument) as refused:
            reads.search_entities(graph, index, q, type_)
        assert refused.value.argument == argument


def test_sales_filter_by_name_and_refuse_a_misspelt_one(graph: Graph, sample: None, index: NameLookup) -> None:
    sold = reads.arms_sales(graph, index, buyer="Taiwan", limit=200).items
    assert sold and all(TW in {b["id"] for b in row["buyers"]} for row in sold)
    assert [r["sale"] for r in reads.arms_sales(graph, index, buyer=TW, limit=200).items] == [r["sale"] for r in sold]
    with pytest.raises(reads.UnknownNames) as refused:
        reads.arms_sales(graph, index, buyer="Taiwn", seller="United States")
    [missing] = refused.value.missing
    assert (missing.argument, missing.value) == ("buyer", "Taiwn") and missing.suggestions[0].id == TW


def test_connections_between_two_named_actors(graph: Graph, sample: None, index: NameLookup) -> None:
    rows = reads.connections(graph, index, "RTX", "Taiwan", max_hops=2).items
    assert rows and all(r["fromId"] == RTX and r["toId"] == TW and r["hops"] <= 2 for r in rows)
    with pytest.raises(reads.UnknownNames) as refused:
        reads.connections(graph, index, "RTX", "Atlantis")
    assert [m.argument for m in refused.value.missing] == ["to"]


def test_sources_list_and_detail(graph: Graph, sample: None) -> None:
    listed = reads.list_sources(graph, limit=1000)
    assert ARTICLE in {s.id for s in listed.items} and not listed.more
    facts = reads.source_facts(graph, ARTICLE.removeprefix("source:"))
    assert facts.id == ARTICLE and CONTRACT in {e["id"] for e in facts.events}
    with pytest.raises(reads.UnknownSource) as refused:
        reads.source_facts(graph, "no-such-article")
    assert refused.value.source_id == "source:no-such-article"


def test_named_queries_check_their_parameters(graph: Graph, sample: None, index: NameLookup) -> None:
    answer = reads.run_query(graph, index, "arms_sales", {"buyer": "Taiwan"})
    assert answer.params["buyer"] == "Taiwan" and answer.rows
    with pytest.raises(reads.UnknownQuery):
        reads.run_query(graph, index, "no_such_query", {})
    with pytest.raises(reads.InvalidArgument) as bad:
        reads.run_query(graph, index, "arms_sales", {"from": "2025-02-30"})
    assert bad.value.argument == "params"
    with pytest.raises(reads.UnknownNames) as unknown:
        reads.run_query(graph, index, "arms_sales", {"buyer": "Taiwn"})
    assert unknown.value.missing[0].argument == "params.buyer"


# -- what the read layer and kg viz may import ----------------------------------------------------

APP_FRAMEWORKS = {"fastapi", "starlette", "typer", "uvicorn"}


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at any depth of its code (a function-local import counts too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_the_read_layer_imports_no_web_or_cli_framework() -> None:
    files = sorted((ROOT / "kg" / "reads").glob("*.py"))
    assert len(files) > 5
    for path in files:
        bad = {m for m in imported_modules(path) if m.split(".")[0] in APP_FRAMEWORKS or m.startswith(("kg.api", "kg.cli"))}
        assert not bad, f"{path.name} imports {sorted(bad)}"
    # and not through anything it imports either
    loaded = subprocess.run([sys.executable, "-c", "import sys, kg.reads, kg.viz; print(' '.join(sys.modules))"],
                            capture_output=True, text=True, cwd=ROOT, check=True).stdout.split()
    assert not {m for m in loaded if m.split(".")[0] in APP_FRAMEWORKS or m.startswith("kg.api")}


def test_kg_viz_calls_no_route() -> None:
    for name in ("viz.py", "captions.py"):
        bad = {m for m in imported_modules(ROOT / "kg" / name) if m.startswith("kg.api")}
        assert not bad, f"kg/{name} imports {sorted(bad)}"


def test_a_sources_relations_are_every_relationship_that_names_it(graph: Graph, sample: None) -> None:
    """Found from the source's own evidence, they are exactly what a scan of every relationship finds."""
    scan = Cypher("MATCH (a)-[r]->(b) UNWIND coalesce(r.sourceIds, []) AS source "
                  "RETURN source, type(r) AS type, a.id AS start, b.id AS end")
    scanned: dict[str, list[dict[str, str]]] = {}
    for row in graph.read(scan):
        scanned.setdefault(row.pop("source"), []).append(row)
    assert len(scanned) >= 3
    for source, relations in scanned.items():
        facts = reads.source_facts(graph, source)
        assert facts.relations == sorted(relations, key=lambda r: (r["start"], r["type"], r["end"])), source
