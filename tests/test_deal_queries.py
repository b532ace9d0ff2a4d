"""The deal queries of queries/ (deal_lifecycle, deals_of_state, deal_contradictions, what_we_knew) on the
sample corpus with the official sources, on both engines: the Taiwan NASAMS deal joins the DSCA approval
(2024-10-25), the DoD award (2025-11-17) and the reports of both; what the sources published by a day told
of it; and the amounts, quantities and dates its sources disagree on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import scratch_source

from kg.cypher import Cypher
from kg.deal_store import DealStore
from kg.graph import Graph
from kg.queries import get_query

APPROVAL = "event:2024-10-25-dsca-taiwan-nasams:sale-approval"
APPROVAL_SALE = "event:2024-10-25-dsca-taiwan-nasams:sale-of-sale-approval"
AWARD = "event:2025-11-17-dod-contracts:award-1"
AWARD_SALE = "event:2025-11-17-dod-contracts:sale-of-award-1"
ARTICLE = "event:2025-11-19-nasams-taiwan:nasams-contract"
ARTICLE_SALE = "event:2025-11-19-nasams-taiwan:nasams-sale"
ARTICLE_2024 = "event:2025-11-19-nasams-taiwan:nasams-sale-2024"
DSCA = "source:2024-10-25-dsca-taiwan-nasams"
DOD = "source:2025-11-17-dod-contracts"
NEWS = "source:2025-11-19-nasams-taiwan"

DEAL_PROPS = Cypher("MATCH (d:Deal) RETURN d.id AS id, properties(d) AS props")


def run(graph: Graph, query: str, **params: Any) -> list[dict[str, Any]]:
    return get_query(query).run(graph, params)


@pytest.fixture(scope="module")
def nasams(graph: Graph, official: list[str]) -> str:
    """The id of the Taiwan NASAMS deal."""
    deal = DealStore(graph).claims_and_deals([APPROVAL])[APPROVAL]
    assert deal is not None
    return deal


def _claims_of(graph: Graph, deal: str) -> set[str]:
    return {link.claim for link in DealStore(graph).links([deal])}


# -- deal_lifecycle ------------------------------------------------------------------------------


def test_the_lifecycle_of_the_nasams_deal_goes_stage_by_stage_with_sources_and_reasons(graph: Graph, nasams: str) -> None:
    rows = run(graph, "deal_lifecycle", deal=AWARD)
    assert run(graph, "deal_lifecycle", deal=nasams) == rows == run(graph, "deal_lifecycle", deal=ARTICLE)
    assert {r["deal"] for r in rows} == {nasams}
    assert {r["claim"] for r in rows} == _claims_of(graph, nasams)
    stages = [r["stage"] for r in rows]
    assert list(dict.fromkeys(stages)) == ["approved", "order", "contracted"]  # in the deal's stage order
    assert [r["step"] for r in rows] == sorted(r["step"] for r in rows)

    by_claim = {r["claim"]: r for r in rows}
    award = by_claim[AWARD]
    assert (award["stage"], award["type"], award["date"], award["amount"], award["currency"]) == (
        "contracted", "ContractAward", "2025-11-17", 698948760, "USD")
    assert (award["sourceId"], award["sourceTitle"], award["publicationDate"]) == (DOD, "Contracts For Nov. 17, 2025", "2025-11-17")
    assert "$698,948,760" in award["sentence"]
    assert 0 < award["score"] <= 1 and "recipient state state:TW" in award["reasons"]
    approval = by_claim[APPROVAL]
    assert (approval["stage"], approval["date"], approval["sourceId"], approval["publicationDate"]) == (
        "approved", "2024-10-25", DSCA, "2024-10-25")
    assert "$1.16 billion" in approval["sentence"]
    assert by_claim[ARTICLE]["publicationDate"] == "2025-11-19"
    assert run(graph, "deal_lifecycle", deal="deal:no-such-deal") == []


def test_every_deal_has_a_lifecycle_the_latest_first(graph: Graph, official: list[str]) -> None:
    props = {r["id"]: r["props"] for r in graph.read(DEAL_PROPS)}
    rows = run(graph, "deal_lifecycle", limit=len(props))
    deals = list(dict.fromkeys(r["deal"] for r in rows))
    assert set(deals) == set(props)
    assert [props[d].get("lastDate") or "" for d in deals] == sorted((props[d].get("lastDate") or "" for d in deals), reverse=True)
    for deal in deals:  # every stage the deal lists, and only those
        assert list(dict.fromkeys(r["stage"] for r in rows if r["deal"] == deal)) == props[deal]["stages"]
    assert [r["deal"] for r in run(graph, "deal_lifecycle", limit=1)] == [deals[0]] * props[deals[0]]["claimCount"]


# -- deals_of_state ------------------------------------------------------------------------------


def test_the_deals_of_taiwan_and_of_the_united_states(graph: Graph, nasams: str) -> None:
    rows = run(graph, "deals_of_state", state="Taiwan")
    assert rows == run(graph, "deals_of_state", state="state:TW") == run(graph, "deals_of_state", state="taipei")
    assert {r["state"] for r in rows} == {"state:TW"}
    by_deal = {r["deal"]: r for r in rows}
    row = by_deal[nasams]
    assert row["roles"] == ["recipient"] and {"approved", "contracted"} <= set(row["stages"])
    assert (row["firstDate"], row["lastDate"]) == ("2024", "2025-11-17")
    assert row["claimCount"] == len(_claims_of(graph, nasams)) and row["sourceCount"] >= 4
    assert [s["id"] for s in row["suppliers"]] == ["state:US"]
    assert "system:nasams" in {s["id"] for s in row["systems"]}
    assert "contractor:rtx" in {c["id"] for c in row["contractors"]}
    assert "state:TW" not in {r["id"] for r in row["recipients"]}  # the other side only
    last = [r["lastDate"] or "" for r in rows]
    assert last == sorted(last, reverse=True)

    us = {r["deal"]: r for r in run(graph, "deals_of_state", state="United States", limit=1000)}
    assert us[nasams]["roles"] == ["supplier"] and "state:TW" in {r["id"] for r in us[nasams]["recipients"]}
    assert set(by_deal) <= set(us)  # Taiwan's suppliers in the corpus are all the United States


def test_deals_of_state_keep_the_deals_that_overlap_the_period(graph: Graph, nasams: str) -> None:
    late = run(graph, "deals_of_state", state="state:TW", **{"from": "2025-11-14"})
    assert late[0]["deal"] == nasams  # 2024 to 2025-11-17
    assert {r["lastDate"] for r in late[1:]} == {"2025"}  # deliveries SIPRI dates to the year: they may be later
    assert "deal:2025-11-19-nasams-taiwan:aircraft-parts-sale" not in {r["deal"] for r in late}  # 2025-11-13
    early = {r["deal"] for r in run(graph, "deals_of_state", state="state:TW", to="2024")}
    assert nasams in early and "deal:2025-11-19-nasams-taiwan:aircraft-parts-sale" not in early
    assert run(graph, "deals_of_state", state="state:TW", **{"from": "2026"}) == []
    assert run(graph, "deals_of_state", state="Atlantis") == []


# -- deal_contradictions -------------------------------------------------------------------------

SECOND_ACCOUNT = """\
article: {id: test-nasams-second-account, date: 2025-11-20, title: A second account of the NASAMS deal}
entities:
  - {id: tw, type: State, name: Taiwan, iso_code: TW}
  - {id: us, type: State, name: United States, iso_code: US}
  - {id: rtx, type: Contractor, name: RTX}
  - {id: nasams, type: WeaponSystem, name: NASAMS}
events:
  - type: ArmsSale
    id: nasams-approval
    date: 2024-10
    status: approved
    participants: [{entity: us, role: seller}, {entity: tw, role: recipient}]
    systems: [nasams]
    quantity: 4
    value: {amount: 1160000000, currency: USD}
    evidence: In October 2024 Washington approved four NASAMS for Taiwan, a sale worth $1.16bn.
  - type: ContractAward
    id: nasams-contract
    date: 2025-11-16
    participants: [{entity: rtx, role: contractor}, {entity: tw, role: recipient}]
    systems: [nasams]
    value: {amount: 750000000, currency: USD}
    evidence: RTX won a contract worth $750m on 16 November for NASAMS units for Taiwan.
"""
SECOND = "source:test-nasams-second-account"
SECOND_APPROVAL = "event:test-nasams-second-account:nasams-approval"
SECOND_CONTRACT = "event:test-nasams-second-account:nasams-contract"


def _sides(row: dict[str, Any]) -> tuple[Any, ...]:
    return (row["stage"], row["field"], row["valueA"], row["claimsA"], [s["id"] for s in row["sourcesA"]],
            row["valueB"], row["claimsB"], [s["id"] for s in row["sourcesB"]])


def test_the_nasams_sources_disagree_on_the_approved_amount(graph: Graph, nasams: str) -> None:
    rows = [r for r in run(graph, "deal_contradictions", state="Taiwan") if r["deal"] == nasams]
    [row] = rows
    assert _sides(row) == ("approved", "amount", 1160000000, sorted([APPROVAL, APPROVAL_SALE]), [DSCA],
                           2000000000, [ARTICLE_2024], [NEWS])
    assert row["currency"] == "USD" and row["dealName"].startswith("United States to Taiwan")
    assert row["sourcesA"][0]["publicationDate"] == "2024-10-25" and row["sourcesB"][0]["title"].startswith("The Pentagon")
    assert any("$1.16 billion" in s for s in row["sentencesA"]) and any("$2bn" in s for s in row["sentencesB"])
    assert run(graph, "deal_contradictions") == run(graph, "deal_contradictions", state="state:TW") == rows
    assert run(graph, "deal_contradictions", state="state:US") == rows
    assert run(graph, "deal_contradictions", state="Poland") == []


def test_a_second_account_adds_quantity_amount_and_date_disagreements(graph: Graph, loader, nasams: str,
                                                                    tmp_path: Path) -> None:
    with scratch_source(loader, tmp_path / "test-nasams-second-account.yaml", SECOND_ACCOUNT):
        assert DealStore(graph).claims_and_deals([SECOND_APPROVAL, SECOND_CONTRACT]) == {
            SECOND_APPROVAL: nasams, SECOND_CONTRACT: nasams}
        rows = run(graph, "deal_contradictions", state="Taiwan")
        contracted = sorted([AWARD, AWARD_SALE, ARTICLE, ARTICLE_SALE])
        assert [_sides(r) for r in rows] == [
            # the second account gives the DSCA amount: one side, two sources
            ("approved", "amount", 1160000000, sorted([APPROVAL, APPROVAL_SALE, SECOND_APPROVAL]), [DSCA, SECOND],
             2000000000, [ARTICLE_2024], [NEWS]),
            # three NASAMS or four (the DSCA release counts none, so it is no side)
            ("approved", "quantity", 3, [ARTICLE_2024], [NEWS], 4, [SECOND_APPROVAL], [SECOND]),
            ("contracted", "amount", 698948760, contracted, [DOD, NEWS], 750000000, [SECOND_CONTRACT], [SECOND]),
            ("contracted", "date", "2025-11-16", [SECOND_CONTRACT], [SECOND], "2025-11-17", contracted, [DOD, NEWS]),
        ]
        assert rows[2]["currency"] == "USD" and rows[1]["currency"] is None
        assert run(graph, "deal_contradictions", state="Taiwan", limit=1) == rows[:1]
    assert len(run(graph, "deal_contradictions", state="Taiwan")) == 1
    assert DealStore(graph).claims_and_deals([APPROVAL])[APPROVAL] == nasams


# -- what_we_knew --------------------------------------------------------------------------------


def test_at_the_end_of_2024_the_sources_told_the_approval_and_not_the_contract(graph: Graph, nasams: str) -> None:
    [row] = run(graph, "what_we_knew", state="Taiwan", system="NASAMS", as_of="2024-12-31")
    assert row["deal"] == nasams and row["asOf"] == "2024-12-31"
    assert row["stages"] == ["approved"]
    assert [c["id"] for c in row["claims"]] == [APPROVAL, APPROVAL_SALE]
    assert {c["source"] for c in row["claims"]} == {DSCA} and row["sourceCount"] == 1
    assert all(c["date"] != "2025-11-17" and c["publicationDate"] <= "2024-12-31" for c in row["claims"])
    assert (row["firstDate"], row["lastDate"], row["claimCount"]) == ("2024-10-25", "2024-10-25", 2)
    assert row["laterClaims"] == len(_claims_of(graph, nasams)) - 2
    # a month or a year means its last day
    for as_of in ("2024-12", "2024"):
        assert [{**r, "asOf": None} for r in run(graph, "what_we_knew", state="state:TW", system="system:nasams",
                                                  as_of=as_of)] == [{**row, "asOf": None}]
    assert run(graph, "what_we_knew", state="Taiwan", system="NASAMS", as_of="2024-10-24") == []


def test_the_contract_is_known_from_the_day_its_page_is_published(graph: Graph, nasams: str) -> None:
    [award_day] = run(graph, "what_we_knew", state="Taiwan", system="NASAMS", as_of="2025-11-17")
    assert award_day["stages"] == ["approved", "contracted"]
    assert {c["id"] for c in award_day["claims"]} == {APPROVAL, APPROVAL_SALE, AWARD, AWARD_SALE}
    assert [c["stage"] for c in award_day["claims"]] == ["approved", "approved", "contracted", "contracted"]
    assert award_day["lastDate"] == "2025-11-17"
    [news_day] = run(graph, "what_we_knew", state="Taiwan", system="NASAMS", as_of="2025-11-19")
    assert {ARTICLE, ARTICLE_SALE, ARTICLE_2024} <= {c["id"] for c in news_day["claims"]}
    assert news_day["firstDate"] == "2024"  # the report's "last year"


def test_without_as_of_every_deal_reads_as_the_linker_wrote_it(graph: Graph, official: list[str]) -> None:
    props = {r["id"]: r["props"] for r in graph.read(DEAL_PROPS)}
    rows = run(graph, "what_we_knew", limit=len(props))
    assert {r["deal"] for r in rows} == set(props)
    for row in rows:
        p = props[row["deal"]]
        assert (row["stages"], row["firstDate"], row["lastDate"], row["claimCount"], row["sourceCount"], row["laterClaims"]) == (
            p["stages"], p.get("firstDate"), p.get("lastDate"), p["claimCount"], p["sourceCount"], 0), row["deal"]


LEAP_MONTH_REPORT = """\
article: {id: test-nasams-leap-month, date: 2024-02, title: A report published in February 2024}
entities:
  - {id: tw, type: State, name: Taiwan, iso_code: TW}
  - {id: us, type: State, name: United States, iso_code: US}
  - {id: nasams, type: WeaponSystem, name: NASAMS}
events:
  - type: ArmsSale
    id: nasams-request
    date: 2024-02
    status: proposed
    participants: [{entity: us, role: seller}, {entity: tw, role: recipient}]
    systems: [nasams]
    evidence: Taiwan has asked the United States for NASAMS.
"""


def test_a_source_dated_to_the_month_counts_once_the_month_is_over(graph: Graph, loader, nasams: str,
                                                                   tmp_path: Path) -> None:
    request = "event:test-nasams-leap-month:nasams-request"

    def known(as_of: str) -> bool:
        rows = run(graph, "what_we_knew", state="Taiwan", system="NASAMS", as_of=as_of)
        return request in {c["id"] for r in rows for c in r["claims"]}

    with scratch_source(loader, tmp_path / "test-nasams-leap-month.yaml", LEAP_MONTH_REPORT):
        assert not known("2024-02-01") and not known("2024-02-28")
        assert known("2024-02-29") and known("2024-02") and known("2024-03-01")  # 2024 is a leap year
    assert not known("2025")
    assert DealStore(graph).claims_and_deals([APPROVAL])[APPROVAL] == nasams
