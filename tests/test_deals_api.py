"""The deals API on both engines, over the sample corpus with the official sources: the Taiwan NASAMS deal
found by its buyer and system, its timeline with the sources and sentences of each stage, as of a day
before its contract, its sources' corroboration (a relayed report counted once with the outlet it relays)
and contradictions, analysts' judgements (keyed; an unlink splits the deal and removing it rejoins it), the
deal an event tells, and a 404 or 422 problem for every odd input."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from test_api_input import problem
from test_deals_graph import APPROVAL, ARTICLE, AWARD, OFFICIAL, UNLINKED

from kg.api.app import create_app
from kg.deal_store import DealStore
from kg.graph import Graph
from kg.reads.deal_checks import relayed_outlet
from kg.settings import PROJECT_ROOT, Settings
from loaders.deals.linker import interval

KEY = "test-api-key-0123456789"
FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "deals"
WIRE, RELAY = "source:2025-11-18-nasams-wire", "source:2025-11-18-nasams-relay"
ARTICLE_2024 = "event:2025-11-19-nasams-taiwan:nasams-sale-2024"


@pytest.fixture(scope="module")
def official(loader, sample) -> Iterator[list[str]]:
    """The official folders and the two reports of tests/fixtures/deals on the sample corpus, unloaded after."""
    summary = loader.load([*OFFICIAL, FIXTURES])
    assert not summary.rejected, [str(r) for r in summary.rejected]
    ids = [r.source_id for r in summary.reports]
    yield ids
    for source_id in ids:
        loader.unload(source_id)


@pytest.fixture(scope="module")
def client(settings: Settings, graph: Graph, official) -> Iterator[TestClient]:
    custom = Settings(neo4j=settings.neo4j, kg=settings.kg.model_copy(update={"api_key": SecretStr(KEY)}))
    with TestClient(create_app(custom, graph=graph)) as c:
        yield c


def _deal_of(graph: Graph, claim: str) -> str | None:
    return DealStore(graph).claims_and_deals([claim]).get(claim)


def _stages(body: dict) -> dict[str, dict]:
    return {stage["stage"]: stage for stage in body["timeline"]}


# -- listing --------------------------------------------------------------------------------------------


def test_the_taiwan_nasams_deal_is_found_by_buyer_and_system(client: TestClient, graph: Graph) -> None:
    deal = _deal_of(graph, APPROVAL)
    body = client.get("/deals", params={"buyer": "Taiwan", "system": "NASAMS"}).json()
    assert body["count"] == len(body["deals"]) and body["next"] is None
    [found] = [d for d in body["deals"] if d["id"] == deal]
    assert {"approved", "contracted"} <= set(found["stages"]) and found["sourceCount"] >= 4
    assert found["firstDate"] == "2024" and found["lastDate"] == "2025-11-17"
    assert {"id": "state:TW", "name": "Taiwan"} in found["recipients"]
    assert "system:nasams" in {s["id"] for s in found["systems"]} and "Taiwan" in found["name"]
    # the same deal by ids, by any party, and by a contractor's stage; not by another system
    for params in ({"buyer": "state:TW", "system": "system:nasams"}, {"party": "NASAMS"}, {"contractor": "Raytheon"},
                   {"seller": "United States", "stage": "contracted"}):
        assert deal in {d["id"] for d in client.get("/deals", params=params).json()["deals"]}, params
    assert deal not in {d["id"] for d in client.get("/deals", params={"buyer": "Taiwan", "system": "Stinger"}).json()["deals"]}


def test_the_list_filters_by_dates_and_stage_and_pages(client: TestClient, graph: Graph) -> None:
    deal = _deal_of(graph, APPROVAL)

    def listed(**params: str) -> set[str]:
        return {d["id"] for d in client.get("/deals", params={"buyer": "Taiwan", "limit": 200, **params}).json()["deals"]}

    assert deal in listed(**{"from": "2025-11", "to": "2026"}) and deal in listed(to="2024")
    assert deal not in listed(**{"from": "2026"}) and deal not in listed(to="2023-12-31")
    assert deal in listed(stage="approved") and deal not in listed(stage="cancelled")
    seen, cursor = [], None
    while True:
        page = client.get("/deals", params={"buyer": "Taiwan", "limit": 2, **({"cursor": cursor} if cursor else {})}).json()
        seen += [d["id"] for d in page["deals"]]
        cursor = page["next"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == page["count"] > 2 and set(seen) == listed()
    # newest first by last date, undated last
    ends = [(interval(d["lastDate"]) or (0, 0))[1] for d in client.get("/deals", params={"limit": 200}).json()["deals"]]
    dated = [end for end in ends if end]
    assert dated == sorted(dated, reverse=True) and ends == dated + [0] * (len(ends) - len(dated))


def test_the_list_as_of_a_day_counts_only_what_was_published_by_then(client: TestClient, graph: Graph) -> None:
    deal = _deal_of(graph, APPROVAL)
    [then] = [d for d in client.get("/deals", params={"buyer": "Taiwan", "as_of": "2025-06-01"}).json()["deals"] if d["id"] == deal]
    assert then["stages"] == ["approved"] and then["sourceCount"] == 1 and then["lastDate"] == "2024-10-25"
    assert deal not in {d["id"] for d in client.get("/deals", params={"buyer": "Taiwan", "as_of": "2024-10-24"}).json()["deals"]}
    assert deal not in {d["id"] for d in client.get("/deals", params={"as_of": "2025-06-01", "stage": "contracted"}).json()["deals"]}


# -- one deal -----------------------------------------------------------------------------------------------


def test_the_timeline_shows_each_stage_with_its_sources_and_sentences(client: TestClient, graph: Graph) -> None:
    deal = _deal_of(graph, APPROVAL)
    body = client.get(f"/deals/{deal}").json()
    assert body["id"] == deal and body["asOf"] is None and body["judgements"] == []
    order = [s["stage"] for s in body["timeline"]]
    assert order == [s for s in body["stages"]] and order.index("approved") < order.index("contracted")
    stages = _stages(body)
    for name in ("approved", "contracted"):
        claims = stages[name]["claims"]
        assert len({c["source"]["id"] for c in claims}) >= 2, (name, claims)
        assert stages[name]["corroboration"]["sources"] == len({c["source"]["id"] for c in claims})
        assert all(c["stage"] == name and c["score"] > 0 and c["source"]["publicationDate"] for c in claims)
    award = next(c for c in stages["contracted"]["claims"] if c["id"] == AWARD)
    assert "$698,948,760" in award["sentence"] and award["amount"] == 698948760 and award["reasons"]
    assert award["source"]["id"] == "source:2025-11-17-dod-contracts" and award["type"] == "ContractAward"
    approval = next(c for c in stages["approved"]["claims"] if c["id"] == APPROVAL)
    assert approval["sentence"] and approval["date"] == "2024-10-25" and approval["relays"] is None
    assert ARTICLE in {c["id"] for c in stages["contracted"]["claims"]}


def test_as_of_a_day_before_the_contract_the_deal_is_its_approval(client: TestClient, graph: Graph) -> None:
    body = client.get(f"/deals/{_deal_of(graph, APPROVAL)}", params={"as_of": "2025-06-01"}).json()
    assert body["asOf"] == "2025-06-01" and body["stages"] == ["approved"]
    assert [s["stage"] for s in body["timeline"]] == ["approved"]
    claims = {c["id"] for s in body["timeline"] for c in s["claims"]}
    assert APPROVAL in claims and AWARD not in claims and ARTICLE_2024 not in claims  # the article is of 2025-11-19
    assert body["claimCount"] == len(claims) and body["sourceCount"] == 1
    # a partial as_of is the interval it covers; before the approval was published the deal has no stage
    assert client.get(f"/deals/{_deal_of(graph, APPROVAL)}", params={"as_of": "2024"}).json()["stages"] == ["approved"]
    before = client.get(f"/deals/{_deal_of(graph, APPROVAL)}", params={"as_of": "2024-10-24"}).json()
    assert before["timeline"] == [] and before["stages"] == [] and before["claimCount"] == 0


def test_a_report_that_relays_an_outlet_counts_once_with_it(client: TestClient, graph: Graph) -> None:
    contracted = _stages(client.get(f"/deals/{_deal_of(graph, APPROVAL)}").json())["contracted"]
    sources = {c["source"]["id"] for c in contracted["claims"]}
    assert {WIRE, RELAY} <= sources, "the fixture's reports joined the deal"
    relay = next(c for c in contracted["claims"] if c["source"]["id"] == RELAY)
    wire = next(c for c in contracted["claims"] if c["source"]["id"] == WIRE)
    assert relay["relays"] == "Reuters" and wire["relays"] is None  # "the Pentagon said" names a speaker, not an outlet
    corroboration = contracted["corroboration"]
    assert corroboration["sources"] == len(sources) and corroboration["independent"] == len(sources) - 1
    assert corroboration["relayed"] == [{"source": RELAY, "outlet": "Reuters"}]


def test_the_sources_disagreement_on_the_approved_amount_lists_both_sides(client: TestClient, graph: Graph) -> None:
    stages = _stages(client.get(f"/deals/{_deal_of(graph, APPROVAL)}").json())
    [amount] = [c for c in stages["approved"]["contradictions"] if c["field"] == "amount"]
    sides = {side["value"]: side for side in amount["sides"]}
    assert set(sides) == {"1160000000 USD", "2000000000 USD"}, sides
    assert APPROVAL in sides["1160000000 USD"]["claims"] and "source:2024-10-25-dsca-taiwan-nasams" in sides["1160000000 USD"]["sources"]
    assert sides["2000000000 USD"]["claims"] == [ARTICLE_2024] and sides["2000000000 USD"]["sources"] == ["source:2025-11-19-nasams-taiwan"]
    # 2024 and 2024-10-25 overlap; Raytheon (the DoD's and the reports') is an RTX business (the article's): no contradiction
    assert not [c for c in stages["approved"]["contradictions"] if c["field"] == "date"]
    assert stages["contracted"]["contradictions"] == [], stages["contracted"]["contradictions"]
    # SIPRI's rows for the package's fire units (3) and missiles (123) count different systems
    assert not [c for c in stages["order"]["contradictions"] if c["field"] == "quantity"]


@pytest.mark.parametrize(("sentence", "outlet"), [
    ("The deal was signed, Reuters reported.", "Reuters"),
    ("According to Nikkei, the shells could not be supplied.", "Nikkei"),
    ("The contract was signed, citing the Financial Times.", "Financial Times"),
    ("Reuters said the contract was worth $699m.", "Reuters"),  # "said": Reuters is an outlet
    ("The Pentagon said on Monday the company was given a contract.", None),  # a speaker
    ("According to US officials, the deal is done.", None),  # a name used as an adjective
    ("The US administration urged Sweden to help, the outlet reported, citing a source.", None),
])
def test_what_a_sentence_relays(sentence: str, outlet: str | None) -> None:
    assert relayed_outlet(sentence, lambda name: name in ("Reuters", "Nikkei")) == outlet
    if outlet:
        assert relayed_outlet(sentence, lambda name: True, own=outlet) is None  # an outlet does not relay itself


# -- judgements ------------------------------------------------------------------------------------------------


def test_an_unlink_through_the_api_splits_the_deal_and_removing_it_rejoins_it(client: TestClient, graph: Graph) -> None:
    deal = _deal_of(graph, APPROVAL)
    body = {"a": AWARD, "b": APPROVAL, "same": False, "by": "tester", "note": "another tranche"}
    problem(client.post("/deals/judgements", json=body), 401)
    problem(client.post("/deals/judgements", json=body, headers={"X-API-Key": "wrong"}), 401)
    assert DealStore(graph).judgements() == []
    done = client.post("/deals/judgements", json=body, headers={"X-API-Key": KEY})
    try:
        assert done.status_code == 200, done.text
        answer = done.json()
        assert answer["claims"] == [AWARD, APPROVAL] and answer["sameDeal"] is False and answer["together"] is False
        assert answer["deals"] == {AWARD: _deal_of(graph, AWARD), APPROVAL: _deal_of(graph, APPROVAL)}
        assert _deal_of(graph, AWARD) != _deal_of(graph, APPROVAL)
        detail = client.get(f"/deals/{_deal_of(graph, APPROVAL)}").json()
        assert AWARD not in {c["id"] for s in detail["timeline"] for c in s["claims"]}
        assert [(j["claimA"], j["claimB"], j["sameDeal"], j["judgedBy"], j["note"]) for j in detail["judgements"]] == [
            (APPROVAL, AWARD, False, "tester", "another tranche")]
        problem(client.delete("/deals/judgements", params={"a": AWARD, "b": APPROVAL}), 401)
    finally:
        gone = client.delete("/deals/judgements", params={"a": APPROVAL, "b": AWARD}, headers={"X-API-Key": KEY})
    assert gone.status_code == 204 and gone.content == b""
    assert _deal_of(graph, AWARD) == _deal_of(graph, APPROVAL) == deal
    assert DealStore(graph).judgements() == []
    problem(client.delete("/deals/judgements", params={"a": APPROVAL, "b": AWARD}, headers={"X-API-Key": KEY}), 404,
            "no judgement")


def test_a_judgement_on_an_unknown_claim_or_a_bad_body_records_nothing(client: TestClient, graph: Graph) -> None:
    headers = {"X-API-Key": KEY}
    before = DealStore(graph).claims_and_deals([AWARD, APPROVAL])
    problem(client.post("/deals/judgements", json={"a": AWARD, "b": "event:no-such-source:x", "same": True}, headers=headers),
            404, "event:no-such-source:x")
    visit = next(r["id"] for r in graph.read(UNLINKED))  # an event that tells no transfer
    problem(client.post("/deals/judgements", json={"a": AWARD, "b": visit, "same": True}, headers=headers), 404, "tells no deal")
    for bad in ({"a": AWARD, "b": APPROVAL}, {"a": AWARD, "b": APPROVAL, "same": "perhaps"},
                {"a": AWARD, "b": APPROVAL, "same": False, "same_deal": False}, {"a": "", "b": APPROVAL, "same": False},
                {"a": AWARD, "b": AWARD, "same": False}, [AWARD, APPROVAL]):
        problem(client.post("/deals/judgements", json=bad, headers=headers), 422)
    problem(client.post("/deals/judgements", content=b"{not json", headers={**headers, "content-type": "application/json"}), 422)
    problem(client.delete("/deals/judgements", params={"a": AWARD}, headers=headers), 422, "query.b")
    assert DealStore(graph).judgements() == []
    assert DealStore(graph).claims_and_deals([AWARD, APPROVAL]) == before


def test_judgements_are_refused_when_writes_are_off(settings: Settings, graph: Graph, official) -> None:
    off = Settings(neo4j=settings.neo4j, kg=settings.kg.model_copy(update={"api_key": None}))
    with TestClient(create_app(off, graph=graph)) as c:
        problem(c.post("/deals/judgements", json={"a": AWARD, "b": APPROVAL, "same": False}), 403)
        problem(c.delete("/deals/judgements", params={"a": AWARD, "b": APPROVAL}), 403)
    assert DealStore(graph).judgements() == []


# -- the deal an event tells ------------------------------------------------------------------------------------


def test_an_event_detail_names_the_deal_it_tells(client: TestClient, graph: Graph) -> None:
    deal = _deal_of(graph, AWARD)
    body = client.get(f"/events/{AWARD}").json()
    assert body["deal"]["id"] == deal and "Taiwan" in body["deal"]["name"]
    visit = next(r["id"] for r in graph.read(UNLINKED))
    assert client.get(f"/events/{visit}").json()["deal"] is None


# -- odd input ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "params", "status", "fragment"), [
    ("/deals", {"as_of": "2025-02-30"}, 422, "query.as_of"),
    ("/deals", {"as_of": "last year"}, 422, "query.as_of"),
    ("/deals", {"from": "2025-13"}, 422, "query.from"),
    ("/deals", {"to": "soon"}, 422, "query.to"),
    ("/deals", {"stage": "rumoured"}, 422, "query.stage"),
    ("/deals", {"limit": 0}, 422, "query.limit"),
    ("/deals", {"limit": 201}, 422, "query.limit"),
    ("/deals", {"cursor": "not-a-cursor"}, 422, "cursor is not one this API issued"),
    ("/deals", {"buyr": "Taiwan"}, 422, "'buyr'"),
    ("/deals", {"buyer": "Taiwn"}, 404, "query.buyer"),
    ("/deals", {"system": "Nasamz"}, 404, "query.system"),
    ("/deals", {"party": "nobody at all"}, 404, "query.party"),
    ("/deals/deal:no-such-deal", {}, 404, "deal:no-such-deal"),
    ("/deals/deal:no-such-deal", {"as_of": "2025-02-30"}, 422, "query.as_of"),
])
def test_odd_input_is_a_problem_naming_it(client: TestClient, path: str, params: dict, status: int, fragment: str) -> None:
    body = problem(client.get(path, params=params), status, fragment)
    if fragment == "query.buyer":
        assert body["suggestions"][0] == {"id": "state:TW", "name": "Taiwan"}
