"""Loading curated annotations into the real graph: facts, provenance, idempotence, retraction, errors."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from conftest import cli_env, engine_name, private_graph
from typer.testing import CliRunner

from kg.cli import app
from kg.cypher import Cypher
from kg.graph import Graph
from kg.property_graph import CATEGORY_PREFIX, Node, Rel
from kg.store import Store

DATA = Path(__file__).resolve().parent.parent / "data"
runner = CliRunner()


def snapshot(graph: Graph, onto=None) -> tuple[dict[str, object], Counter]:
    """The whole graph, comparable: nodes by id, relationships as a multiset (list order ignored)."""
    nodes, rels = Store(graph, onto).dump()
    return _normal(nodes, rels)


def _normal(nodes: list[Node], rels: list[Rel]) -> tuple[dict[str, object], Counter]:
    def norm(value):
        return tuple(sorted(map(str, value))) if isinstance(value, list) else value

    node_map = {n.id: (tuple(sorted(n.labels)), tuple(sorted((k, norm(v)) for k, v in n.props.items()))) for n in nodes}
    rel_set = Counter((r.start, r.type, r.end, tuple(sorted((k, norm(v)) for k, v in r.props))) for r in rels)
    return node_map, rel_set


def in_use(graph_snapshot: tuple[dict[str, object], Counter]) -> tuple[dict[str, object], Counter]:
    """A snapshot without the WeaponCategory concepts no relationship uses: the graph keeps every concept
    a source ever used (kg.property_graph: vocabulary is permanent), an export carries those in use."""
    nodes, rels = graph_snapshot
    used = {end for (_, _, end, _) in rels} | {start for (start, _, _, _) in rels}
    return {k: v for k, v in nodes.items() if not k.startswith(CATEGORY_PREFIX) or k in used}, rels


def one(graph: Graph, query: str, **params):
    rows = graph.read(Cypher(query), **params)
    assert len(rows) == 1, rows
    return rows[0]


# -- the facts of the sample corpus ---------------------------------------------


def test_nasams_contract_value_contractor_recipient_and_its_sentence(graph: Graph, corpus) -> None:
    row = one(graph, """
        MATCH (e:ContractAward)-[:CONTRACTOR]->(c:Contractor), (e)-[:RECIPIENT]->(r:State),
              (e)-[:INVOLVES_SYSTEM]->(s:WeaponSystem {id: 'system:nasams'}),
              (e)-[:EVIDENCED_BY]->(ev:Evidence)-[:FROM_SOURCE]->(src:Source)
        RETURN e.amount AS amount, e.currency AS currency, c.id AS contractor, r.id AS recipient,
               e.date AS date, e.endDate AS endDate, ev.sentence AS sentence, ev.startOffset AS start,
               ev.endOffset AS end, src.id AS source, src.publicationDate AS published""")
    assert (row["amount"], row["currency"]) == (698948760, "USD")
    assert (row["contractor"], row["recipient"]) == ("contractor:rtx", "state:TW")
    assert (row["date"], row["endDate"]) == ("2025-11-17", "2031-02")
    assert (row["source"], row["published"]) == ("source:2025-11-19-nasams-taiwan", "2025-11-19")
    text = (DATA / "articles" / "2025-11-19-nasams-taiwan.txt").read_text(encoding="utf-8")
    assert text[row["start"]:row["end"]].split() == row["sentence"].split()  # the span, whitespace aside


def test_who_blocked_excalibur_and_who_codeveloped_it(graph: Graph, corpus) -> None:
    row = one(graph, """
        MATCH (b:ExportBlock)-[:BLOCKER]->(blocker)
        OPTIONAL MATCH (b)-[:INVOLVES_SYSTEM]->(direct:WeaponSystem)
        OPTIONAL MATCH (b)-[:BLOCKED_DEAL]->(:Event)-[:INVOLVES_SYSTEM]->(viaDeal:WeaponSystem)
        WITH blocker, coalesce(direct, viaDeal) AS system
        MATCH (system)-[:CO_DEVELOPER]->(co)
        RETURN blocker.id AS blocker, system.id AS system, collect(co.id) AS codevelopers""")
    assert row["blocker"] == "state:SE" and row["system"] == "system:excalibur"
    assert sorted(row["codevelopers"]) == ["contractor:bae-systems-bofors", "contractor:raytheon-missiles-and-defense"]


def test_officials_who_spoke_and_their_posts(graph: Graph, corpus) -> None:
    rows = graph.read(Cypher("""
        MATCH (s:Statement)-[:SPEAKER]->(p:Official)<-[:HOLDER]-(post:Post)
        RETURN p.id AS official, collect(DISTINCT post.title) AS posts, collect(DISTINCT s.quote) AS quotes"""))
    by_official = {r["official"]: r for r in rows}
    assert "Defence Minister" in " ".join(by_official["person:wellington-koo"]["posts"])
    assert any("abandon its thinking of using force" in q for q in by_official["person:wellington-koo"]["quotes"])
    assert "ambassador" in " ".join(by_official["person:raymond-greene"]["posts"])
    assert "Prime Minister" in " ".join(by_official["person:sanae-takaichi"]["posts"])


def test_the_sales_of_the_week_and_the_earlier_package(graph: Graph, corpus) -> None:
    rows = graph.read(Cypher("""
        MATCH (sale:ArmsSale)-[:BUYER|RECIPIENT]->(:State {id: 'state:TW'})
        RETURN sale.date AS date, sale.amount AS amount, sale.quantity AS quantity"""))
    amounts = {(r["date"], r["amount"]) for r in rows}
    assert ("2025-11-13", 330000000) in amounts
    assert ("2024", 2000000000) in amounts
    assert any(r["quantity"] == 3 and r["date"] == "2024" for r in rows)
    approval = one(graph, """
        MATCH (a:SaleApproval)-[:PART_OF]->(s:ArmsSale) WHERE a.amount = 330000000
        RETURN a.date AS date, s.amount AS saleAmount""")
    assert approval["date"] == "2025-11-13"


def test_delay_backlog_systems(graph: Graph, corpus) -> None:
    row = one(graph, """
        MATCH (d:Delay)-[:INVOLVES_SYSTEM]->(s:WeaponSystem)
        RETURN d.amount AS amount, collect(s.id) AS systems""")
    assert row["amount"] == 19000000000
    assert {"system:javelin", "system:stinger", "system:m109a6-paladin"} <= set(row["systems"])


def test_planned_visit_led_by_rudder(graph: Graph, corpus) -> None:
    row = one(graph, """
        MATCH (v:Visit)-[:LEADER]->(l:Person {id: 'person:steven-rudder'}), (v)-[:HOST]->(h)
        RETURN v.modality AS modality, v.date AS date, v.dateBasis AS basis, h.id AS host""")
    assert row["modality"] == "planned" and row["host"] == "state:TW"
    assert row["date"] == "2023-05" and row["basis"] == "inferred"


def test_every_fact_walks_to_a_sentence_and_a_source(graph: Graph, corpus) -> None:
    assert one(graph, """
        MATCH (e) WHERE e:Event OR e:Post
        OPTIONAL MATCH (e)-[:EVIDENCED_BY]->(ev:Evidence)-[:FROM_SOURCE]->(:Source)
        WITH e, count(ev) AS n WHERE n = 0 RETURN count(e) AS missing""")["missing"] == 0
    assert one(graph, """
        MATCH (n) WHERE n:Actor OR n:WeaponSystem OR n:Place
        OPTIONAL MATCH (ev:Evidence)-[:MENTIONS]->(n)
        WITH n, count(ev) AS mentions WHERE mentions = 0 RETURN count(n) AS missing""")["missing"] == 0
    assert one(graph, """
        MATCH ()-[r]->() WHERE r.sourceIds IS NOT NULL AND size(r.evidenceIds) = 0
        RETURN count(r) AS missing""")["missing"] == 0


def test_resolution_metonyms_and_lineage(graph: Graph, corpus) -> None:
    taiwan = one(graph, "MATCH (n:State {id: 'state:TW'}) RETURN n.name AS name, n.sourceName AS used, n.isoCode AS iso, n.wikidataId AS qid")
    assert taiwan["name"] == "Taiwan" and "Taipei" in taiwan["used"] and taiwan["iso"] == "TW" and taiwan["qid"] == "Q865"
    assert len(sources_naming(graph, "state:TW")) == 2  # both articles back the same canonical entity
    dod = one(graph, "MATCH (n:GovernmentAgency {id: 'agency:us-department-of-defense'}) RETURN n.sourceName AS used")
    assert "Pentagon" in dod["used"]
    lineage = {(r["a"], r["t"], r["b"]) for r in graph.read(Cypher(
        "MATCH (a:Contractor)-[r:RENAMED_TO|SUBSIDIARY_OF]->(b:Contractor) RETURN a.id AS a, type(r) AS t, b.id AS b"))}
    assert ("contractor:raytheon-technologies", "RENAMED_TO", "contractor:rtx") in lineage
    assert ("contractor:raytheon-missiles-and-defense", "SUBSIDIARY_OF", "contractor:raytheon-technologies") in lineage
    distinct = one(graph, "MATCH (c:Contractor) WHERE c.id IN $ids RETURN count(c) AS n",
                   ids=["contractor:rtx", "contractor:raytheon", "contractor:raytheon-technologies", "contractor:raytheon-missiles-and-defense"])
    assert distinct["n"] == 4


def test_undated_article_keeps_dates_unknown(graph: Graph, corpus) -> None:
    row = one(graph, "MATCH (s:Source {id: 'source:2023-us-defence-delegation-taiwan'}) RETURN s.publicationDate AS published")
    assert row["published"] is None
    undated = one(graph, """MATCH (e:Delay) RETURN e.date AS date, e.dateBasis AS basis""")
    assert undated == {"date": None, "basis": "unknown"}


# -- idempotence, replacement, retraction ------------------------------------------


def test_loading_the_corpus_again_changes_nothing(graph: Graph, loader, corpus) -> None:
    from conftest import SAMPLE_CORPUS

    before = snapshot(graph)
    summary = loader.load(SAMPLE_CORPUS)
    assert {r.action for r in summary.reports} == {"unchanged"}
    totals = summary.totals()
    assert all(t.created == t.updated == t.retracted == 0 for t in totals.values())
    assert snapshot(graph) == before


SCRATCH = """\
article: {{id: test-scratch, date: 2025-11-20, title: Scratch source}}
entities:
  - {{id: tw, type: State, name: Taiwan, iso_code: TW}}
  - {{id: us, type: State, name: United States, iso_code: US}}
  - {{id: acme, type: Contractor, name: Acme Test Arms}}
  - {{id: widget, type: WeaponSystem, name: Widget Test Launcher}}
events:
  - type: ArmsSale
    id: sale
    date: 2025-11
    participants: [{{entity: us, role: seller}}, {{entity: tw, role: buyer}}]
    systems: [widget]
    value: {{amount: {amount}, currency: USD}}
    evidence: The United States sold Widget Test Launchers to Taiwan.
{extra}relations:
  - {{subject: widget, predicate: manufacturer, object: acme, evidence: Acme Test Arms makes the Widget Test Launcher.}}
"""
EXTRA_EVENT = """\
  - type: ContractAward
    id: contract
    date: 2025-11-18
    part_of: sale
    participants: [{entity: acme, role: contractor}, {entity: tw, role: recipient}]
    evidence: Acme Test Arms won the contract.
"""


def write(path: Path, amount: int = 100, extra: str = EXTRA_EVENT) -> Path:
    path.write_text(SCRATCH.format(amount=amount, extra=extra), encoding="utf-8")
    return path


@pytest.fixture
def scratch(tmp_path: Path, loader, corpus):
    yield tmp_path / "test-scratch.yaml"
    try:
        loader.unload("source:test-scratch")
    except Exception:
        pass


def sources_naming(graph: Graph, entity_id: str) -> list[str]:
    """The sources behind an entity: those of the evidence that mentions it."""
    return sorted(one(graph, "MATCH (n:Actor|WeaponSystem|Place {id: $id}) "
                             "RETURN COLLECT { MATCH (ev:Evidence)-[:MENTIONS]->(n) RETURN DISTINCT ev.sourceId AS s } AS s",
                      id=entity_id)["s"])


def test_a_changed_source_replaces_what_it_said(graph: Graph, loader, scratch: Path) -> None:
    corpus_taiwan = sources_naming(graph, "state:TW")
    stored_taiwan = one(graph, "MATCH (n:State {id: 'state:TW'}) RETURN properties(n) AS p")["p"]
    first = loader.load([write(scratch)])
    assert first.reports[0].action == "created"
    assert one(graph, "MATCH (e:ContractAward {sourceId: 'source:test-scratch'}) RETURN count(e) AS n")["n"] == 1

    second = loader.load([write(scratch, amount=250, extra="")])
    report = second.reports[0]
    assert report.action == "updated"
    assert report.tallies["events"].retracted == 1 and report.tallies["events"].updated == 1
    assert one(graph, "MATCH (e:ContractAward {sourceId: 'source:test-scratch'}) RETURN count(e) AS n")["n"] == 0
    assert one(graph, "MATCH (e:ArmsSale {sourceId: 'source:test-scratch'}) RETURN e.amount AS a")["a"] == 250
    # Entities that other sources back stay, with their backing restored exactly.
    assert sources_naming(graph, "state:TW") == sorted(corpus_taiwan + ["source:test-scratch"])
    # One more source naming Taiwan by a name it already has leaves its node as it was: nothing
    # on an entity grows with the number of sources that name it.
    assert one(graph, "MATCH (n:State {id: 'state:TW'}) RETURN properties(n) AS p")["p"] == stored_taiwan

    loader.unload("source:test-scratch")
    assert one(graph, "MATCH (n) WHERE n.id IN $ids RETURN count(n) AS n",
               ids=["contractor:acme-test-arms", "system:widget-test-launcher", "source:test-scratch"])["n"] == 0
    assert sources_naming(graph, "state:TW") == corpus_taiwan
    assert one(graph, "MATCH ()-[r:MANUFACTURER]->(:Contractor {id: 'contractor:acme-test-arms'}) RETURN count(r) AS n")["n"] == 0


def test_load_and_unload_restore_the_graph_exactly(graph: Graph, loader, scratch: Path) -> None:
    before = snapshot(graph)
    loader.load([write(scratch)])
    assert snapshot(graph) != before
    loader.unload("source:test-scratch")
    assert snapshot(graph) == before


BAD_EDITS = {
    "malformed YAML": ("relations:\n", "relations: [\n", "malformed YAML"),
    "unknown entity id": ("{entity: tw, role: buyer}", "{entity: tww, role: buyer}", "'tww' is not the id of any entity"),
    "unknown type": ("type: ArmsSale", "type: ArmSale", "unknown type 'ArmSale'"),
    "unknown role": ("{entity: us, role: seller}", "{entity: us, role: vendor}", "'vendor' is not a role"),
    "impossible date": ("date: 2025-11\n", "date: 2025-11-31\n", "not a real date"),
    "negative value": ("amount: 100,", "amount: -100,", "greater than or equal to 0"),
    "shape violation": ("[{entity: us, role: seller}, {entity: tw, role: buyer}]", "[{entity: us, role: seller}]", "needs a buyer or recipient"),
}


@pytest.mark.parametrize("case", list(BAD_EDITS))
def test_bad_input_is_refused_with_a_reason_and_changes_nothing(graph: Graph, loader, scratch: Path, case: str) -> None:
    old, new, reason = BAD_EDITS[case]
    loader.load([write(scratch)])  # a stored version that must survive the bad one
    before = snapshot(graph)
    text = scratch.read_text(encoding="utf-8")
    assert old in text
    scratch.write_text(text.replace(old, new, 1), encoding="utf-8")
    summary = loader.load([scratch])
    assert summary.reports == []
    [rejected] = summary.rejected
    assert any(reason in v.message for v in rejected.violations), rejected.violations
    assert snapshot(graph) == before


def test_cli_loads_valid_files_and_lists_rejected_ones(graph: Graph, settings, scratch: Path, tmp_path: Path) -> None:
    write(scratch)
    bad = tmp_path / "test-bad.yaml"
    bad.write_text(SCRATCH.format(amount=-1, extra="").replace("test-scratch", "test-bad"), encoding="utf-8")
    env = cli_env(settings)
    result = runner.invoke(app, ["load", "--json", str(tmp_path)], env=env)
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert [s["id"] for s in report["sources"]] == ["source:test-scratch"]
    assert [r["file"] for r in report["rejected"]] == [str(bad)]
    assert report["totals"]["events"]["created"] == 2
    human = runner.invoke(app, ["load", str(scratch)], env=env)
    assert human.exit_code == 0 and "unchanged" in human.stdout
    assert runner.invoke(app, ["unload", "test-scratch"], env=env).exit_code == 0
    missing = runner.invoke(app, ["unload", "test-scratch"], env=env)
    assert missing.exit_code == 5 and "no source 'source:test-scratch'" in missing.stderr  # ExitCode.NOT_FOUND


# -- export ----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt,suffix", [("turtle", "ttl"), ("jsonld", "jsonld")])
def test_export_then_load_into_an_empty_engine_gives_the_same_graph(  # of the same kind as the session's
    graph: Graph, settings, corpus, tmp_path: Path, fmt: str, suffix: str) -> None:
    from loaders.pipeline import Loader

    original = snapshot(graph)
    exported = tmp_path / f"export.{suffix}"
    result = runner.invoke(app, ["export", "--format", fmt, "-o", str(exported)], env=cli_env(settings))
    assert result.exit_code == 0, result.output
    if fmt == "jsonld":
        assert isinstance(json.loads(exported.read_text(encoding="utf-8")), (list, dict))

    with private_graph(engine_name(settings), tmp_path / "empty-engine") as fresh, Graph.open(fresh) as empty:
        assert empty.counts().nodes == 0
        summary = Loader(empty).load([exported])
        assert not summary.rejected, [str(r) for r in summary.rejected]
        assert len(summary.reports) == 3
        assert in_use(snapshot(empty)) == in_use(original)  # other modules may have unloaded the last user of a category


# -- many new sources to a transaction -------------------------------------------------


def _reports(summary) -> list[tuple[str, str, dict[str, dict[str, int]], list[str]]]:
    return [(r.source_id, r.action, {kind: vars(t) for kind, t in r.tallies.items()}, r.warnings) for r in summary.reports]


def test_batched_loads_give_the_graph_and_reports_of_one_source_at_a_time(graph: Graph, loader, corpus, tmp_path: Path) -> None:
    """Sources new to the graph go many to a transaction: the graph, every source's tallies and
    warnings, and the stored-source cases in the middle of a batch (unchanged, changed, the
    same source twice in one call) come out exactly as when each source is written alone."""
    from loaders.synthetic import synthesize

    synth = tmp_path / "synth"
    synthesize(40, 3, synth)
    files = sorted(synth.glob("*.yaml"))
    assert len(files) > 12
    changed = tmp_path / "changed" / files[2].name
    changed.parent.mkdir()
    changed.write_text(files[2].read_text(encoding="utf-8").replace("title: '", "title: 'Corrected: ", 1), encoding="utf-8")
    steps = [files[: len(files) // 2], [*files, changed]]
    base = snapshot(graph)

    def run(batch: int) -> list[tuple[object, ...]]:
        seen = []
        for step in steps:
            summary = loader.load(step, batch=batch)
            assert not summary.rejected, [str(r) for r in summary.rejected]
            seen.append((_reports(summary), snapshot(graph)))
        for source in {r[0] for r in seen[-1][0]}:
            loader.unload(source)
        assert snapshot(graph) == base, "unloading the synthetic sources did not restore the graph"
        return seen

    alone, batched = run(1), run(7)
    actions = Counter(r[1] for r in alone[1][0])
    assert actions == {"unchanged": len(steps[0]), "created": len(files) - len(steps[0]), "updated": 1}, actions
    assert any(r[2]["entities"]["updated"] for r in alone[0][0]), "no source named an entity an earlier one had"
    for step, (one_by_one, many) in enumerate(zip(alone, batched)):
        assert many[0] == one_by_one[0], f"step {step}: the reports differ"
        assert many[1] == one_by_one[1], f"step {step}: the graphs differ"


def test_a_batch_commits_whole_or_not_at_all_and_a_refused_one_is_retried_source_by_source(
        graph: Graph, loader, corpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A batch with a source another writer stored meanwhile is refused by the graph (Source id
    constraint) and leaves nothing; the loader then writes its sources one by one, replacing the
    one stored meanwhile, so the load completes."""
    from neo4j.exceptions import ConstraintError

    from loaders.synthetic import synthesize

    synth = tmp_path / "synth"
    synthesize(6, 5, synth)
    rows = [r for f in sorted(synth.glob("*.yaml")) for r in loader.prepare(f)]
    assert len(rows) >= 3
    base = snapshot(graph)
    try:
        loader.store.load(rows[1])  # the other writer
        with_one = snapshot(graph)
        with pytest.raises(ConstraintError):
            loader.store.load_new(rows)
        assert snapshot(graph) == with_one, "a refused batch left part of itself behind"

        real = loader.store.stored_hashes
        calls = []

        def before_the_other_writer(ids):  # the loader's first look: the other writer came after it
            calls.append(ids)
            return {} if len(calls) == 1 else real(ids)

        monkeypatch.setattr(loader.store, "stored_hashes", before_the_other_writer)
        reports = loader.write(rows, batch=len(rows))
        assert [r.action for r in reports] == ["created", "unchanged", *["created"] * (len(rows) - 2)]
        monkeypatch.undo()
        assert {r["id"] for r in graph.read(Cypher("MATCH (s:Source) WHERE s.id IN $ids RETURN s.id AS id"),
                                            ids=[r.source_id for r in rows])} == {r.source_id for r in rows}
    finally:
        monkeypatch.undo()
        for r in rows:
            if loader.store.stored_hashes([r.source_id]):
                loader.unload(r.source_id)
    assert snapshot(graph) == base
