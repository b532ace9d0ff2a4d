"""The analyst query library (queries/*.cypher) on the real graph with the sample corpus.

Every file is checked for a well-formed header (title, description, examples
that set every parameter, parameters declared exactly as the text uses them)
and run with its defaults; then each query is run with real parameters and its
answers are checked against what the corpus says.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from kg.graph import Graph
from kg.queries import QueryError, get_query, load_queries, parse_query

DATA = Path(__file__).resolve().parent.parent / "data"
QUERY_NAMES = sorted(load_queries())

NASAMS_SALE = "event:2025-11-19-nasams-taiwan:nasams-sale"
NASAMS_CONTRACT = "event:2025-11-19-nasams-taiwan:nasams-contract"
AIRCRAFT_PARTS_SALE = "event:2025-11-19-nasams-taiwan:aircraft-parts-sale"
NASAMS_SALE_2024 = "event:2025-11-19-nasams-taiwan:nasams-sale-2024"
EXCALIBUR_TRANSFER = "event:2023-us-defence-delegation-taiwan:excalibur-transfer"
EXCALIBUR_BLOCK = "event:2023-us-defence-delegation-taiwan:sweden-excalibur-block"
RMD = "contractor:raytheon-missiles-and-defense"
BOFORS = "contractor:bae-systems-bofors"


def run(graph: Graph, query: str, **params: Any) -> list[dict[str, Any]]:
    return get_query(query).run(graph, params)


def ids(rows: list[dict[str, Any]], key: str) -> list[Any]:
    return [row[key] for row in rows]


# -- every file: header, parameters, runs with its defaults ---------------------------


def _body(text: str) -> str:
    """The query text without its // comment lines."""
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))


def test_the_library_holds_the_analyst_queries() -> None:
    expected = {
        "arms_sales", "suppliers_of_state", "contractor_portfolio", "officials_of_state", "actor_timeline",
        "shortest_connections", "co_participants", "export_blocks", "fact_provenance", "single_source_facts",
        "source_disagreements", "weapon_system_profile", "event_details",
        "deal_lifecycle", "deals_of_state", "deal_contradictions", "what_we_knew",
    }
    assert expected <= set(QUERY_NAMES)


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_every_query_file_is_documented_and_declares_exactly_the_parameters_it_uses(name: str) -> None:
    query = get_query(name)
    assert query.title and query.description, name
    assert query.examples, f"{name}: needs at least one '// example:' line"
    text = query.path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == f"// {query.title}"
    used = set(re.findall(r"\$([A-Za-z_][A-Za-z0-9_]*)", _body(text)))
    declared = {p.name for p in query.params}
    assert used == declared, f"{name}: used {sorted(used)}, declared {sorted(declared)}"
    if declared:
        assert any(set(_example_params(e) or {}) == declared for e in query.examples), (
            f"{name}: no example sets every parameter {sorted(declared)}: {query.examples}")


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_every_query_runs_with_its_defaults(graph: Graph, sample, name: str) -> None:
    rows = get_query(name).run(graph, {})
    assert isinstance(rows, list)
    for row in rows:  # plain values only: no nodes, relationships or paths
        _assert_plain(row, name)


def _assert_plain(value: Any, name: str) -> None:
    if isinstance(value, dict):
        for v in value.values():
            _assert_plain(v, name)
    elif isinstance(value, list):
        for v in value:
            _assert_plain(v, name)
    else:
        assert value is None or isinstance(value, (str, int, float, bool)), f"{name}: {type(value)} in the result"


def _example_params(example: str) -> dict[str, Any] | None:
    """The parameters of a ':param {a: 'x', b: null, c: 1.5}' example, or None for another form."""
    block = re.match(r"^:params?\s*(\{.*\})\s*$", example)
    if not block:
        return None
    parts = re.split(r"('(?:[^'\\]|\\.)*')", block.group(1))  # odd items are quoted strings
    text = "".join(json.dumps(part[1:-1]) if i % 2 else re.sub(r"(\w+)\s*:", r'"\1":', part) for i, part in enumerate(parts))
    return json.loads(text)


@pytest.mark.parametrize("name", [n for n in QUERY_NAMES if get_query(n).params])
def test_every_browser_example_runs(graph: Graph, sample, name: str) -> None:
    query = get_query(name)
    examples = [p for p in map(_example_params, query.examples) if p is not None]
    assert examples, f"{name}: no ':param {{...}}' example"
    for params in examples:
        assert set(params) == {p.name for p in query.params}
        assert isinstance(query.run(graph, params), list)


# -- arms_sales ------------------------------------------------------------------------------


def test_arms_sales_to_taiwan_with_stages_contractor_and_evidence(graph: Graph, sample) -> None:
    rows = run(graph, "arms_sales", buyer="state:TW")
    by_sale = {r["sale"]: r for r in rows}
    assert {NASAMS_SALE, AIRCRAFT_PARTS_SALE, NASAMS_SALE_2024, EXCALIBUR_TRANSFER} <= set(by_sale)

    nasams = by_sale[NASAMS_SALE]
    assert (nasams["value"], nasams["currency"], nasams["date"]) == (698948760, "USD", "2025-11-17")
    assert [s["id"] for s in nasams["systems"]] == ["system:nasams"]
    assert [(s["role"], s["id"]) for s in nasams["sellers"]] == [("SELLER", "state:US")]
    assert [(b["role"], b["id"]) for b in nasams["buyers"]] == [("BUYER", "state:TW")]
    [stage] = nasams["stages"]
    assert (stage["id"], stage["type"], stage["amount"], stage["contractors"]) == (
        NASAMS_CONTRACT, "ContractAward", 698948760, ["contractor:rtx"])
    assert [c["id"] for c in nasams["contractors"]] == ["contractor:rtx"]
    assert nasams["sourceIds"] == ["source:2025-11-19-nasams-taiwan"]
    assert any("almost $700m" in e["sentence"] for e in nasams["evidence"])

    parts = by_sale[AIRCRAFT_PARTS_SALE]
    assert (parts["date"], parts["value"], parts["currency"]) == ("2025-11-13", 330000000, "USD")
    assert [(s["type"], s["date"]) for s in parts["stages"]] == [("SaleApproval", "2025-11-13")]

    assert by_sale[EXCALIBUR_TRANSFER]["blockedBy"] == [EXCALIBUR_BLOCK]
    # newest first, undated last
    assert ids(rows, "sale") == [NASAMS_SALE, AIRCRAFT_PARTS_SALE, NASAMS_SALE_2024, EXCALIBUR_TRANSFER]


def test_arms_sales_accept_names_and_aliases_case_insensitively(graph: Graph, sample) -> None:
    by_id = run(graph, "arms_sales", buyer="state:TW")
    assert run(graph, "arms_sales", buyer="Taiwan") == by_id
    assert run(graph, "arms_sales", buyer="taipei") == by_id
    assert ids(run(graph, "arms_sales", seller="United States", system="NASAMS"), "sale") == [NASAMS_SALE, NASAMS_SALE_2024]
    assert ids(run(graph, "arms_sales", contractor="RTX"), "sale") == [NASAMS_SALE]
    assert ids(run(graph, "arms_sales", contractor="contractor:rtx", buyer="Taiwan"), "sale") == [NASAMS_SALE]
    assert run(graph, "arms_sales", buyer="state:US") == []
    assert run(graph, "arms_sales", buyer="Atlantis") == []


def test_arms_sales_period_value_and_limit_filters(graph: Graph, sample) -> None:
    def sales(**params: Any) -> list[str]:
        return ids(run(graph, "arms_sales", buyer="state:TW", **params), "sale")

    assert sales(**{"from": "2025"}) == [NASAMS_SALE, AIRCRAFT_PARTS_SALE]
    assert sales(**{"from": "2025-11-14"}) == [NASAMS_SALE]
    assert sales(to="2025-11-13") == [AIRCRAFT_PARTS_SALE, NASAMS_SALE_2024]
    assert sales(to="2024") == [NASAMS_SALE_2024]
    assert sales(**{"from": "2024-06", "to": "2024-06"}) == [NASAMS_SALE_2024]  # a year-precise date overlaps its months
    assert sales(**{"from": "2026"}) == []
    assert sales(min_value=500000000) == [NASAMS_SALE, NASAMS_SALE_2024]
    assert sales(min_value=1000000000.0) == [NASAMS_SALE_2024]
    assert sales(limit=1) == [NASAMS_SALE]


# -- suppliers, contractors, officials, timelines ---------------------------------------------


def test_suppliers_of_taiwan(graph: Graph, sample) -> None:
    rows = run(graph, "suppliers_of_state", state="Taiwan")
    assert {r["state"] for r in rows} == {"state:TW"}
    found = {(r["supplier"], r["event"]): r for r in rows}
    contract = found[("contractor:rtx", NASAMS_CONTRACT)]
    assert contract["roles"] == ["CONTRACTOR"] and contract["type"] == "ContractAward"
    assert [s["id"] for s in contract["systems"]] == ["system:nasams"] and contract["value"] == 698948760
    assert contract["partOf"] == [NASAMS_SALE]
    assert found[("state:US", AIRCRAFT_PARTS_SALE)]["value"] == 330000000
    backlog = found[("state:US", "event:2023-us-defence-delegation-taiwan:arms-backlog")]
    assert backlog["type"] == "Delay" and backlog["roles"] == ["SUPPLIER"]
    assert {"system:javelin", "system:stinger", "system:m109a6-paladin"} == {s["id"] for s in backlog["systems"]}
    assert found[("state:US", EXCALIBUR_TRANSFER)]["status"] == "blocked"
    dated = run(graph, "suppliers_of_state", state="state:TW", **{"from": "2025-11-14"})
    assert sorted(ids(dated, "event")) == [NASAMS_CONTRACT, NASAMS_SALE]


def test_contractor_portfolio_of_rtx_with_and_without_its_group(graph: Graph, sample) -> None:
    rows = run(graph, "contractor_portfolio", contractor="RTX")
    assert {r["contractor"] for r in rows} == {"contractor:rtx"}
    made = [(r["role"], r["systems"][0]["id"], r["via"]) for r in rows if r["event"] is None]
    assert ("MANUFACTURER", "system:nasams", None) in made
    assert ("CO_DEVELOPER", "system:excalibur", RMD) in made  # through Raytheon Missiles & Defense
    [contract] = [r for r in rows if r["event"] == NASAMS_CONTRACT]
    assert contract["role"] == "CONTRACTOR" and contract["value"] == 698948760
    assert "state:TW" in {c["id"] for c in contract["counterparts"]}

    alone = run(graph, "contractor_portfolio", contractor="contractor:rtx", include_group=False)
    assert {r["via"] for r in alone} == {None}
    assert "system:excalibur" not in {s["id"] for r in alone for s in r["systems"]}
    bofors = run(graph, "contractor_portfolio", contractor="BAE Systems Bofors")
    assert [(r["role"], r["systems"][0]["id"]) for r in bofors] == [("CO_DEVELOPER", "system:excalibur")]


def test_officials_of_taiwan_with_posts_and_statements(graph: Graph, sample) -> None:
    rows = run(graph, "officials_of_state", state="state:TW")
    by_person = {r["official"]: r for r in rows}
    assert set(by_person) == {"person:wellington-koo", "person:tsai-ing-wen"}
    koo = by_person["person:wellington-koo"]
    assert koo["name"] == "Wellington Koo"
    assert [(p["title"], p["startDate"], p["endDate"]) for p in koo["posts"]] == [("Defence Minister", "2024-05-20", None)]
    [statement] = koo["statements"]
    assert statement["date"] == "2025-11-19" and "abandon its thinking of using force" in statement["quote"]
    assert statement["sourceId"] == "source:2025-11-19-nasams-taiwan"
    tsai = by_person["person:tsai-ing-wen"]
    assert [(p["title"], p["startDate"], p["endDate"]) for p in tsai["posts"]] == [("President", "2016-05-20", "2024-05-20")]
    assert ids(rows, "official") == ["person:tsai-ing-wen", "person:wellington-koo"]  # by earliest post
    assert run(graph, "officials_of_state", state="taiwan") == rows
    us = {r["official"] for r in run(graph, "officials_of_state", state="United States")}
    assert {"person:donald-trump", "person:raymond-greene"} <= us and "person:wellington-koo" not in us


ARMED_FORCES_CHIEF = """\
article: {id: test-armed-forces-chief, date: 2025-11-21, title: A chief of the armed forces}
entities:
  - id: forces
    type: MilitaryUnit
    name: Republic of China Armed Forces
    evidence: Test General has led the Republic of China Armed Forces as Chief of the General Staff since January.
  - id: chief
    type: Official
    name: Test General
    posts:
      - title: Chief of the General Staff
        organization: forces
        start: 2025-01-01
        evidence: Test General has led the Republic of China Armed Forces as Chief of the General Staff since January.
events:
  - type: Statement
    id: chief-statement
    date: 2025-11-20
    participants: [{entity: chief, role: speaker}]
    quote: "We are ready."
    evidence: "\\"We are ready,\\" Test General said."
"""


def test_officials_of_state_include_posts_in_its_organisations(graph: Graph, loader, sample, tmp_path: Path) -> None:
    # Taiwan's armed forces are SUB_ORGANIZATION_OF Taiwan in the corpus; a post there is a post in Taiwan.
    path = tmp_path / "test-armed-forces-chief.yaml"
    path.write_text(ARMED_FORCES_CHIEF, encoding="utf-8")
    summary = loader.load([path])
    assert not summary.rejected, [str(r) for r in summary.rejected]
    try:
        rows = run(graph, "officials_of_state", state="state:TW")
        chief = next(r for r in rows if r["official"] == "person:test-general")
        [post] = chief["posts"]
        assert (post["title"], post["organization"], post["startDate"]) == (
            "Chief of the General Staff", "org:taiwan-armed-forces", "2025-01-01")
        assert [s["quote"] for s in chief["statements"]] == ["We are ready."]
    finally:
        loader.unload("source:test-armed-forces-chief")
    assert "person:test-general" not in ids(run(graph, "officials_of_state", state="state:TW"), "official")


def test_actor_timeline_in_date_order_with_roles_and_filters(graph: Graph, sample) -> None:
    rows = run(graph, "actor_timeline", actor="state:TW")
    dates = [r["date"] for r in rows]
    dated = [d for d in dates if d is not None]
    assert dated == sorted(dated) and dates[: len(dated)] == dated  # dated in order, undated last
    by_event = {r["event"]: r for r in rows}
    assert by_event[NASAMS_SALE]["roles"] == ["BUYER"] and by_event[NASAMS_SALE]["type"] == "ArmsSale"
    assert by_event[EXCALIBUR_BLOCK]["roles"] == ["RECIPIENT"]
    assert by_event["event:2023-us-defence-delegation-taiwan:delegation-visit"]["roles"] == ["HOST"]
    assert {"role": "SELLER", "id": "state:US", "name": "United States"} in by_event[NASAMS_SALE]["others"]

    sales = run(graph, "actor_timeline", actor="Taiwan", type="armssale", **{"from": "2025"})
    assert ids(sales, "event") == [AIRCRAFT_PARTS_SALE, NASAMS_SALE]
    november = run(graph, "actor_timeline", actor="state:TW", **{"from": "2025-11-15", "to": "2025-11-17"})
    assert {r["date"] for r in november} <= {"2025-11", "2025-11-15", "2025-11-16", "2025-11-17"}
    assert NASAMS_CONTRACT in ids(november, "event") and AIRCRAFT_PARTS_SALE not in ids(november, "event")
    [koo] = run(graph, "actor_timeline", actor="Koo")
    assert koo["actor"] == "person:wellington-koo" and koo["roles"] == ["SPEAKER"] and koo["type"] == "Statement"


# -- connections ----------------------------------------------------------------------------


def test_shortest_connections_between_rtx_and_taiwan(graph: Graph, sample) -> None:
    rows = run(graph, "shortest_connections", **{"from": "contractor:rtx", "to": "state:TW", "max_hops": 4})
    assert rows
    for row in rows:
        assert row["hops"] <= 4 and row["hops"] == len(row["relationships"]) == len(row["nodeIds"]) - 1
        assert row["nodeIds"][0] == "contractor:rtx" and row["nodeIds"][-1] == "state:TW"
        assert not {"Evidence", "Source"} & {label for labels in row["nodeLabels"] for label in labels}
    assert {"nodeIds": ["contractor:rtx", NASAMS_CONTRACT, "state:TW"], "relationships": ["CONTRACTOR", "RECIPIENT"]} in [
        {"nodeIds": r["nodeIds"], "relationships": r["relationships"]} for r in rows]
    assert rows[0]["steps"][0] == "RTX <-[CONTRACTOR]- ContractAward 2025-11-17"
    assert run(graph, "shortest_connections", **{"from": "RTX", "to": "Taiwan", "max_hops": 4}) == rows
    assert run(graph, "shortest_connections", **{"from": "contractor:rtx", "to": "state:TW", "max_hops": 1}) == []


def test_shortest_connections_never_go_through_evidence(graph: Graph, sample) -> None:
    # Sweden and China are named in the same sentence; the connection through events is longer.
    rows = run(graph, "shortest_connections", **{"from": "Sweden", "to": "China", "max_hops": 6})
    assert rows and {r["hops"] for r in rows} == {4}
    assert all(not n.startswith(("evidence:", "source:")) for r in rows for n in r["nodeIds"])
    assert run(graph, "shortest_connections", **{"from": "Sweden", "to": "China", "max_hops": 3}) == []
    # company lineage connects NASAMS (RTX) and Excalibur (Raytheon Missiles & Defense)
    lineage = run(graph, "shortest_connections", **{"from": "system:nasams", "to": "system:excalibur", "max_hops": 6})
    assert any({"RENAMED_TO", "SUBSIDIARY_OF"} <= set(r["relationships"]) for r in lineage)


def test_co_participants_of_taiwan_and_top_pairs(graph: Graph, sample) -> None:
    rows = run(graph, "co_participants", actor="Taiwan")
    assert {r["actor"] for r in rows} == {"state:TW"}
    top = rows[0]
    assert top["other"] == "state:US" and top["sharedEvents"] == len(top["events"]) >= 5
    shared = {e["event"]: e for e in top["events"]}
    assert shared[NASAMS_SALE]["actorRoles"] == ["BUYER"] and shared[NASAMS_SALE]["otherRoles"] == ["SELLER"]
    counts = [r["sharedEvents"] for r in rows]
    assert counts == sorted(counts, reverse=True)
    rtx = next(r for r in rows if r["other"] == "contractor:rtx")
    assert [(e["event"], e["otherRoles"]) for e in rtx["events"]] == [(NASAMS_CONTRACT, ["CONTRACTOR"])]

    pairs = run(graph, "co_participants", limit=100)
    keys = [(r["actor"], r["other"]) for r in pairs]
    assert all(a < b for a, b in keys) and len(set(keys)) == len(keys)
    assert pairs[0]["sharedEvents"] == top["sharedEvents"]
    assert {"actor": "state:CN", "other": "state:JP", "sharedEvents": 3} in [
        {k: r[k] for k in ("actor", "other", "sharedEvents")} for r in pairs]


# -- export blocks ------------------------------------------------------------------------------


def test_export_blocks_sweden_excalibur_with_codevelopers(graph: Graph, sample) -> None:
    [block] = run(graph, "export_blocks")
    assert block["block"] == EXCALIBUR_BLOCK
    assert block["blockers"] == [{"id": "state:SE", "name": "Sweden"}]
    assert [(s["id"], s["via"]) for s in block["systems"]] == [("system:excalibur", ["block", "blocked deal"])]
    assert [d["id"] for d in block["blockedDeals"]] == [EXCALIBUR_TRANSFER]
    assert [s["id"] for s in block["suppliers"]] == ["state:US"]
    assert [r["id"] for r in block["recipients"]] == ["state:TW"]
    assert sorted(c["id"] for c in block["coDevelopers"]) == [BOFORS, RMD]
    assert {c["system"] for c in block["coDevelopers"]} == {"system:excalibur"}
    assert any("Sweden refused the transaction" in e["sentence"] for e in block["evidence"])
    assert run(graph, "export_blocks", blocker="sweden", system="Excalibur") == [block]
    assert run(graph, "export_blocks", system="NASAMS") == []
    assert run(graph, "export_blocks", blocker="state:US") == []


# -- provenance ---------------------------------------------------------------------------------


def test_fact_provenance_of_an_event_points_at_the_sentence_in_the_article(graph: Graph, sample) -> None:
    [row] = run(graph, "fact_provenance", fact=NASAMS_CONTRACT)
    assert row["kind"] == "event" and row["supports"] == ["states the event"]
    assert (row["sourceId"], row["publicationDate"]) == ("source:2025-11-19-nasams-taiwan", "2025-11-19")
    assert row["sourceTitle"].startswith("The Pentagon approves NASAMS deal")
    assert row["method"] == "curated" and "$698,948,760" in row["sentence"]
    text = (DATA / "articles" / "2025-11-19-nasams-taiwan.txt").read_text(encoding="utf-8")
    assert text[row["startOffset"]:row["endOffset"]].split() == row["sentence"].split()


def test_fact_provenance_of_an_entity_and_a_post(graph: Graph, sample) -> None:
    rows = run(graph, "fact_provenance", fact="system:nasams")
    assert {r["kind"] for r in rows} == {"entity"}
    assert all("mentions it" in r["supports"] for r in rows)
    names = {n for r in rows for n in r["namesUsed"]}
    assert {"NASAMS", "National Advanced Surface-to-Air Missile System"} <= names
    supports = {s for r in rows for s in r["supports"]}
    assert "system:nasams MANUFACTURER contractor:rtx" in supports
    assert "state:AU OPERATES system:nasams" in supports

    rtx = run(graph, "fact_provenance", fact="contractor:rtx")
    assert {r["sourceId"] for r in rtx} == {"source:2025-11-19-nasams-taiwan", "source:reference-company-lineage"}
    assert any("contractor:raytheon-technologies RENAMED_TO contractor:rtx" in r["supports"] for r in rtx)

    [post] = run(graph, "fact_provenance", fact="post:2025-11-19-nasams-taiwan:koo")
    assert post["kind"] == "post" and "Defence Minister Wellington Koo" in post["sentence"]
    assert run(graph, "fact_provenance", fact="event:no-such-source:nothing") == []


def test_single_source_facts_include_the_company_lineage(graph: Graph, sample) -> None:
    rows = run(graph, "single_source_facts")
    facts = {(r["kind"], r["id"]): r for r in rows}
    lineage = {
        "contractor:raytheon-technologies RENAMED_TO contractor:rtx",
        "contractor:raytheon-missiles-and-defense SUBSIDIARY_OF contractor:raytheon-technologies",
        "contractor:raytheon-missiles-and-defense RENAMED_TO contractor:raytheon",
        "contractor:raytheon SUBSIDIARY_OF contractor:rtx",
    }
    for fact in lineage:
        row = facts[("relationship", fact)]
        assert row["sourceId"] == "source:reference-company-lineage"
        assert row["sourceTitle"] == "Curated reference: defence company lineage" and row["sentences"]
    assert facts[("relationship", "system:nasams MANUFACTURER contractor:rtx")]["sourceId"] == "source:2025-11-19-nasams-taiwan"
    assert facts[("entity", BOFORS)]["type"] == "Contractor"
    assert facts[("entity", "state:SE")]["sourceId"] == "source:2023-us-defence-delegation-taiwan"
    assert ("entity", "state:TW") not in facts and ("entity", "contractor:rtx") not in facts  # two sources each

    only_lineage = run(graph, "single_source_facts", kind="relationship", source="source:reference-company-lineage")
    assert set(ids(only_lineage, "id")) == lineage
    assert {r["kind"] for r in run(graph, "single_source_facts", kind="entity")} == {"entity"}


OTHER_REPORT = """\
article: {id: test-nasams-other-report, date: 2025-11-20, title: Another report of the NASAMS contract}
entities:
  - {id: tw, type: State, name: Taiwan, iso_code: TW}
  - {id: rtx, type: Contractor, name: RTX}
  - {id: nasams, type: WeaponSystem, name: NASAMS}
events:
  - type: ContractAward
    id: nasams-contract
    date: 2025-11
    participants: [{entity: rtx, role: contractor}, {entity: tw, role: recipient}]
    systems: [nasams]
    value: {amount: 750000000, currency: USD}
    evidence: RTX won a contract worth $750m for NASAMS units for Taiwan.
"""


def test_source_disagreements_find_a_second_source_that_reports_another_value(graph: Graph, loader, sample, tmp_path: Path) -> None:
    assert run(graph, "source_disagreements", system="system:nasams") == []
    path = tmp_path / "test-nasams-other-report.yaml"
    path.write_text(OTHER_REPORT, encoding="utf-8")
    summary = loader.load([path])
    assert not summary.rejected, [str(r) for r in summary.rejected]
    try:
        rows = run(graph, "source_disagreements", system="NASAMS")
        [row] = rows
        assert row["type"] == "ContractAward" and row["disagreesOn"] == ["amount"]  # 2025-11 agrees with 2025-11-17
        assert [s["id"] for s in row["systems"]] == ["system:nasams"] and row["sharedActors"] == ["state:TW"]
        assert (row["eventA"], row["sourceA"], row["amountA"], row["dateA"]) == (
            NASAMS_CONTRACT, "source:2025-11-19-nasams-taiwan", 698948760, "2025-11-17")
        assert (row["eventB"], row["sourceB"], row["amountB"], row["dateB"]) == (
            "event:test-nasams-other-report:nasams-contract", "source:test-nasams-other-report", 750000000, "2025-11")
        assert any("$698,948,760" in s for s in row["sentencesA"])
        assert row["sentencesB"] == ["RTX won a contract worth $750m for NASAMS units for Taiwan."]
        assert run(graph, "source_disagreements", actor="Taiwan", type="contractaward") == rows
        assert run(graph, "source_disagreements", type="ArmsSale") == []
        assert run(graph, "source_disagreements", actor="state:JP") == []
    finally:
        loader.unload("source:test-nasams-other-report")
    assert run(graph, "source_disagreements", system="system:nasams") == []


# -- systems, events, lookups ---------------------------------------------------------------


def test_weapon_system_profile_of_nasams_and_excalibur(graph: Graph, sample) -> None:
    [nasams] = run(graph, "weapon_system_profile", system="NASAMS")
    assert nasams["system"] == "system:nasams" and "NASAMS" in nasams["aliases"]
    assert [m["id"] for m in nasams["manufacturers"]] == ["contractor:rtx"]
    assert [c["id"] for c in nasams["categories"]] == ["category:AirDefence"]
    assert [o["id"] for o in nasams["operators"]] == ["state:AU", "state:ID", "state:UA"]
    events = ids(nasams["events"], "event")
    assert events[0] == NASAMS_SALE_2024 and {NASAMS_SALE, NASAMS_CONTRACT} <= set(events)
    contract = next(e for e in nasams["events"] if e["event"] == NASAMS_CONTRACT)
    assert {"role": "CONTRACTOR", "id": "contractor:rtx", "name": "RTX"} in contract["participants"]

    [excalibur] = run(graph, "weapon_system_profile", system="system:excalibur")
    assert [c["id"] for c in excalibur["coDevelopers"]] == [BOFORS, RMD]
    assert next(c for c in excalibur["coDevelopers"] if c["id"] == RMD)["renamedTo"] == ["contractor:raytheon"]
    assert {e["type"] for e in excalibur["events"]} == {"ArmsSale", "ExportBlock"}


def test_event_details_with_participants_stages_and_source(graph: Graph, sample) -> None:
    [sale] = run(graph, "event_details", event=NASAMS_SALE)
    assert (sale["type"], sale["date"], sale["datePrecision"], sale["value"]) == ("ArmsSale", "2025-11-17", "day", 698948760)
    assert [(p["role"], p["id"]) for p in sale["participants"]] == [("BUYER", "state:TW"), ("SELLER", "state:US")]
    assert [(s["id"], s["type"]) for s in sale["stages"]] == [(NASAMS_CONTRACT, "ContractAward")]
    assert sale["partOf"] == [] and [s["id"] for s in sale["sources"]] == ["source:2025-11-19-nasams-taiwan"]
    assert sale["sources"][0]["publicationDate"] == "2025-11-19"
    [evidence] = sale["evidence"]
    assert evidence["startOffset"] < evidence["endOffset"] and evidence["method"] == "curated"

    [contract] = run(graph, "event_details", event=NASAMS_CONTRACT)
    assert [p["id"] for p in contract["partOf"]] == [NASAMS_SALE] and contract["endDate"] == "2031-02"
    [block] = run(graph, "event_details", event=EXCALIBUR_BLOCK)
    assert [d["id"] for d in block["blocksDeal"]] == [EXCALIBUR_TRANSFER]
    [transfer] = run(graph, "event_details", event=EXCALIBUR_TRANSFER)
    assert [b["id"] for b in transfer["blockedBy"]] == [EXCALIBUR_BLOCK]
    [drone] = run(graph, "event_details", event="event:2025-11-19-nasams-taiwan:chinese-drone-flight")
    assert drone["places"] == [{"id": "place:yonaguni", "name": "Yonaguni"}]


def test_find_entities_by_part_of_a_name(graph: Graph, sample) -> None:
    rows = run(graph, "find_entities", name="raytheon")
    assert ids(rows, "id")[0] == "contractor:raytheon" and rows[0]["exact"]
    assert {"contractor:raytheon-technologies", RMD} <= set(ids(rows, "id"))
    [taiwan] = run(graph, "find_entities", name="taipei", label="state")
    assert taiwan["id"] == "state:TW" and taiwan["isoCode"] == "TW" and len(taiwan["sourceIds"]) == 2


def test_source_contents_list_what_a_source_contributes(graph: Graph, sample) -> None:
    rows = run(graph, "source_contents", source="source:reference-company-lineage")
    assert {r["kind"] for r in rows} == {"entity", "relationship"}
    rtx = next(r for r in rows if r["id"] == "contractor:rtx")
    assert rtx["alsoBackedBy"] == ["source:2025-11-19-nasams-taiwan"] and "RTX" in rtx["namesUsed"]
    renamed = next(r for r in rows if r["id"] == "contractor:raytheon-technologies RENAMED_TO contractor:rtx")
    assert renamed["alsoBackedBy"] == []
    article = run(graph, "source_contents", source="source:2025-11-19-nasams-taiwan")
    kinds = [r["kind"] for r in article]
    assert kinds == sorted(kinds, key=["event", "post", "entity", "relationship"].index)
    assert NASAMS_CONTRACT in ids(article, "id") and "post:2025-11-19-nasams-taiwan:koo" in ids(article, "id")
    pentagon = next(r for r in article if r["id"] == "agency:us-department-of-defense")
    assert pentagon["namesUsed"] == ["Pentagon"]


# -- path-length bound --------------------------------------------------------------------------


@pytest.mark.parametrize("ends", [("contractor:rtx", "state:TW"), ("Sweden", "China"), ("system:nasams", "system:excalibur")])
def test_the_bound_lowers_the_search_depth_and_keeps_the_rows(graph: Graph, sample, ends: tuple[str, str]) -> None:
    query = get_query("shortest_connections")
    assert query.bound == "max_hops" and "*..6]" in query.text
    for hops in range(1, 7):
        params = query.bind({"from": ends[0], "to": ends[1], "max_hops": hops})
        lowered = query.bounded(params)
        assert f"*..{hops}]" in lowered and "*..6]" not in lowered or hops == 6
        assert graph.read(lowered, **params) == graph.read(query.text, **params)


def test_a_bound_must_name_an_integer_parameter(tmp_path: Path) -> None:
    path = tmp_path / "q.cypher"
    path.write_text("// Q\n// description: d\n// param name: string = null -- n\n// bound: name\nMATCH (n) RETURN n.id AS id\n")
    with pytest.raises(QueryError, match="bound: name"):
        parse_query(path)
