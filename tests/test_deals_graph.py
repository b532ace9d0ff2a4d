"""Deals in the graph, on both engines: the sample corpus with the official sources links the Taiwan NASAMS
approval, contract and reports into one deal; linking source by source gives the deals linking everything at
once gives; an analyst's unlink survives reloads and `forget` undoes it; unloading a source removes its links
and the deals left without claims; exports leave deals out; the deals the graph holds pass the SHACL shapes."""

from __future__ import annotations

import json
from collections import defaultdict

from conftest import OFFICIAL, SAMPLE_CORPUS, cli_env
from pyshacl import validate
from rdflib import RDF, XSD, Graph, Literal, URIRef
from typer.testing import CliRunner

from kg.cli import app
from kg.cypher import Cypher
from kg.deal_store import DealStore
from kg.exit_codes import ExitCode
from kg.ontology import AKG, AKGID, ONTOLOGY_DIR, SHAPES_FILE, load_ontology
from kg.settings import PROJECT_ROOT
from loaders.deals.claims import DEAL_TYPES, claims_from_files
from loaders.deals.linker import link

runner = CliRunner()
DOD = PROJECT_ROOT / "data" / "official" / "dod-contracts" / "2025-11-17-dod-contracts.txt"
APPROVAL = "event:2024-10-25-dsca-taiwan-nasams:sale-approval"
AWARD = "event:2025-11-17-dod-contracts:award-1"
ARTICLE = "event:2025-11-19-nasams-taiwan:nasams-contract"

DEALS = Cypher("MATCH (e:Event)-[r:TELLS_DEAL]->(d:Deal) RETURN d.id AS deal, e.id AS claim, r.linkScore AS score, "
               "r.linkReason AS reasons, properties(d) AS props")
UNLINKED = Cypher("MATCH (e:Event) WHERE NOT (e)-[:TELLS_DEAL]->(:Deal) RETURN e.id AS id, labels(e) AS labels")
EMPTY_DEALS = Cypher("MATCH (d:Deal) WHERE NOT (d)<-[:TELLS_DEAL]-(:Event) RETURN d.id AS id")
PARTIES = Cypher("MATCH (d:Deal {id: $id})-[r:DEAL_RECIPIENT|DEAL_SUPPLIER|DEAL_CONTRACTOR|DEAL_SYSTEM]->(n) "
                 "RETURN type(r) AS type, n.id AS id")


def _deals(graph) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for row in graph.read(DEALS):
        out[row["deal"]].add(row["claim"])
    return dict(out)


def _deal_of(graph, claim: str) -> str | None:
    return DealStore(graph).claims_and_deals([claim]).get(claim)


def _kg(settings, *args: str):
    return runner.invoke(app, list(args), env=cli_env(settings))


def test_the_taiwan_nasams_deal_joins_approval_contract_and_reports(graph, official) -> None:
    deal = _deal_of(graph, APPROVAL)
    assert deal is not None and _deal_of(graph, AWARD) == deal == _deal_of(graph, ARTICLE)
    [props] = [r["props"] for r in graph.read(DEALS) if r["deal"] == deal][:1]
    assert {"approved", "contracted"} <= set(props["stages"]), props
    assert props["sourceCount"] >= 3 and props["claimCount"] == len(_deals(graph)[deal])
    assert "Taiwan" in props["dealName"] and "Surface-to-Air Missile System" in props["dealName"], props["dealName"]
    parties = {(r["type"], r["id"]) for r in graph.read(PARTIES, id=deal)}
    assert ("DEAL_RECIPIENT", "state:TW") in parties and any(t == "DEAL_SYSTEM" for t, _ in parties), parties
    reasons = {r["claim"]: r["reasons"] for r in graph.read(DEALS) if r["deal"] == deal}
    assert any(reason.startswith("recipient state state:TW") for reason in reasons[AWARD]), reasons[AWARD]


def test_every_transfer_claim_tells_one_deal_and_no_deal_is_empty(graph, official) -> None:
    unlinked = [r["id"] for r in graph.read(UNLINKED) if set(r["labels"]) & set(DEAL_TYPES)]
    assert unlinked == []
    assert graph.read(EMPTY_DEALS) == []
    linked = [r["claim"] for r in graph.read(DEALS)]
    assert len(linked) == len(set(linked)), "a claim tells two deals"


def test_linking_source_by_source_gives_the_deals_of_linking_at_once(graph, official) -> None:
    at_once = link(claims_from_files([*SAMPLE_CORPUS, *OFFICIAL]))
    expected: dict[str, set[str]] = defaultdict(set)
    for x in at_once:
        expected[x.deal].add(x.claim)
    assert _deals(graph) == dict(expected)


def test_loading_again_changes_no_deal(settings, graph, official) -> None:
    before = sorted((r["deal"], r["claim"], r["score"], tuple(r["reasons"])) for r in graph.read(DEALS))
    result = _kg(settings, "load", *map(str, OFFICIAL), "--json")
    assert result.exit_code == ExitCode.OK, result.output
    assert json.loads(result.stdout)["deals"]["written"] == 0
    assert sorted((r["deal"], r["claim"], r["score"], tuple(r["reasons"])) for r in graph.read(DEALS)) == before


def test_an_unlink_survives_reloads_and_forget_undoes_it(settings, graph, official) -> None:
    result = _kg(settings, "deals", "unlink", AWARD, APPROVAL, "--by", "tester", "--note", "another tranche", "--json")
    assert result.exit_code == ExitCode.OK, result.output
    assert json.loads(result.stdout)["together"] is False
    try:
        assert _deal_of(graph, AWARD) != _deal_of(graph, APPROVAL)
        assert _deal_of(graph, APPROVAL) == _deal_of(graph, ARTICLE) or _deal_of(graph, AWARD) == _deal_of(graph, ARTICLE)
        # the same file again (unchanged), then the source unloaded and loaded: still apart
        assert _kg(settings, "load", str(DOD)).exit_code == ExitCode.OK
        assert _deal_of(graph, AWARD) != _deal_of(graph, APPROVAL)
        assert _kg(settings, "unload", "2025-11-17-dod-contracts").exit_code == ExitCode.OK
        assert _deal_of(graph, AWARD) is None
        assert _kg(settings, "load", str(DOD)).exit_code == ExitCode.OK
        assert _deal_of(graph, AWARD) != _deal_of(graph, APPROVAL)
        listed = json.loads(_kg(settings, "deals", "judgements", "--json").stdout)["judgements"]
        assert [(j["claimA"], j["claimB"], j["sameDeal"], j["judgedBy"], j["note"]) for j in listed] == [
            (APPROVAL, AWARD, False, "tester", "another tranche")]
        # an analyst's "same" for two claims that a "not same" keeps apart: they stay apart, and say so
        sale = "event:2024-10-25-dsca-taiwan-nasams:sale-of-sale-approval"
        stay = _kg(settings, "deals", "link", AWARD, sale)
        assert stay.exit_code == ExitCode.OK and "stay apart" in stay.output, stay.output
        stay_json = _kg(settings, "deals", "link", AWARD, sale, "--json")
        assert stay_json.exit_code == ExitCode.OK and json.loads(stay_json.stdout)["together"] is False
        forgot_json = _kg(settings, "deals", "forget", AWARD, sale, "--json")
        assert forgot_json.exit_code == ExitCode.OK and json.loads(forgot_json.stdout) == {"claims": [AWARD, sale], "forgotten": True}
    finally:
        forgot = _kg(settings, "deals", "forget", AWARD, APPROVAL)
    assert forgot.exit_code == ExitCode.OK, forgot.output
    assert _deal_of(graph, AWARD) == _deal_of(graph, APPROVAL)
    assert json.loads(_kg(settings, "deals", "judgements", "--json").stdout)["count"] == 0
    assert _kg(settings, "deals", "forget", AWARD, APPROVAL).exit_code == ExitCode.NOT_FOUND


def test_a_judgement_on_an_unknown_claim_or_one_without_a_deal_is_refused(settings, graph, official) -> None:
    before = _deals(graph)
    missing = _kg(settings, "deals", "unlink", AWARD, "event:no-such-source:x")
    assert missing.exit_code == ExitCode.NOT_FOUND and "event:no-such-source:x" in missing.output
    visit = next(r["id"] for r in graph.read(UNLINKED))  # an event that tells no transfer
    no_deal = _kg(settings, "deals", "link", AWARD, visit)
    assert no_deal.exit_code == ExitCode.NOT_FOUND and "tells no deal" in no_deal.output
    assert _kg(settings, "deals", "unlink", AWARD, AWARD).exit_code == ExitCode.NOT_FOUND
    assert json.loads(_kg(settings, "deals", "judgements", "--json").stdout)["count"] == 0
    assert _deals(graph) == before


def test_unloading_a_source_removes_its_links_and_emptied_deals(settings, graph, loader, official) -> None:
    sipri = "2026-12-07-sipri-trade-register-year-range"
    before = _deals(graph)
    mine = {d for d, claims in before.items() if any(c.startswith(f"event:{sipri}:") for c in claims)}
    assert mine
    loader.unload(f"source:{sipri}")
    try:
        after = _deals(graph)
        assert not any(c.startswith(f"event:{sipri}:") for claims in after.values() for c in claims)
        assert graph.read(EMPTY_DEALS) == []
        for deal, claims in before.items():
            left = {c for c in claims if not c.startswith(f"event:{sipri}:")}
            if deal not in mine:
                assert after[deal] == claims  # deals the source was not in are untouched
            elif left:
                assert any(left == members for members in after.values()), deal
    finally:
        loader.load([p for p in OFFICIAL[3].iterdir() if p.suffix == ".csv"])
    assert _deals(graph) == before


def test_exports_leave_deals_out(loader, official) -> None:
    turtle = loader.export("turtle")
    assert "Deal" not in {line.split()[-1] for line in turtle.splitlines() if line.strip().startswith("a ")}
    assert "tellsDeal" not in turtle and "deal:" not in turtle


def _deals_rdf(graph) -> Graph:
    """The graph's deals and links as RDF in ontology terms (what the shapes check)."""
    g = Graph()
    onto = load_ontology()
    for row in graph.read(DEALS):
        deal, event = URIRef(AKGID + row["deal"]), URIRef(AKGID + row["claim"])
        g.add((deal, RDF.type, AKG.Deal))
        g.add((event, RDF.type, AKG.Event))
        g.add((event, AKG.tellsDeal, deal))
        for key, value in row["props"].items():
            for v in value if isinstance(value, list) else [value]:
                kind = onto.datatype_properties[key].datatype
                g.add((deal, AKG[key], Literal(v, datatype=XSD[kind]) if kind != "string" else Literal(v)))
    return g


def _deal_shapes() -> Graph:
    """The shapes of deals, links and judgements alone: the events here carry only their links, which the
    events' own shapes would refuse."""
    every = Graph().parse(ONTOLOGY_DIR / SHAPES_FILE)
    shapes = Graph()
    for name in ("DealShape", "DealLinkShape", "DealJudgementShape"):
        for triple in every.cbd(URIRef("https://w3id.org/arms-kg/shapes#" + name)):
            shapes.add(triple)
    return shapes


def test_the_graphs_deals_pass_the_shapes_and_a_broken_deal_fails(graph, official) -> None:
    shapes = _deal_shapes()
    data = _deals_rdf(graph)
    ok, _, text = validate(data, shacl_graph=shapes, advanced=True)
    assert ok, text
    some = next(iter(data.subjects(RDF.type, AKG.Deal)))
    data.set((some, AKG.claimCount, Literal(0, datatype=XSD.nonNegativeInteger)))
    data.add((some, AKG.stages, Literal("rumoured")))
    event = next(iter(data.subjects(AKG.tellsDeal, None)))
    data.add((event, AKG.tellsDeal, URIRef(AKGID + "deal:another")))
    ok, _, text = validate(data, shacl_graph=shapes, advanced=True)
    assert not ok and "claim count" in text and "stages" in text and "at most one deal" in text
