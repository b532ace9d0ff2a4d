"""The 36(b)(1) transmittal parser (loaders/official/transmittal.py): cover letter, fields (i)-(viii), policy
justification. The texts are written for these tests in the Congressional Record / Federal Register form."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import scratch_source
from official_helpers import checked_sale, role

from kg.cypher import Cypher
from kg.graph import Graph
from loaders.official import transmittal
from loaders.official.document import parse_official
from loaders.official.source import OfficialText
from loaders.official.state_names import TECRO

LETTER = """\
Dear Mr. Speaker: Pursuant to the reporting requirements of Section 36(b)(1) of the Arms Export Control Act, as
amended, we are forwarding herewith Transmittal No. 24-90, concerning the Army's proposed Letter(s) of Offer and
Acceptance to the Taipei Economic and Cultural Representative Office in the United States for defense articles and
services estimated to cost $1.16 billion. After this letter is delivered to your office, we plan to issue a news
release to notify the public of this proposed sale.

Transmittal No. 24-90

Notice of Proposed Issuance of Letter of Offer Pursuant to Section 36(b)(1) of the Arms Export Control Act, as amended

(i) Prospective Purchaser: Taipei Economic and Cultural Representative Office in the United States (TECRO)

(ii) Total Estimated Value:
Major Defense Equipment* $1.0 billion
Other $160 million
TOTAL $1.16 billion
* As defined in Section 47(6) of the Arms Export Control Act.

(iii) Description and Quantity or Quantities of Articles or Services under Consideration for Purchase:
Major Defense Equipment (MDE):
Three (3) National Advanced Surface-to-Air Missile System (NASAMS) fire units
One hundred twenty-three (123) AIM-120C-8 Advanced Medium Range Air-to-Air Missiles (AMRAAM)
Non-MDE:
Also included are spare and repair parts; support and test equipment; and other related elements of logistics
and program support.

(iv) Military Department: Army (TW-B-ZAB)

(v) Prior Related Cases, if any: None known at this time

(vi) Sales Commission, Fee, etc., Paid, Offered, or Agreed to be Paid: None

(vii) Sensitivity of Technology Contained in the Defense Article or Defense Services Proposed to be Sold: See
Attached Annex

(viii) Date Report Delivered to Congress: October 25, 2024

POLICY JUSTIFICATION

Taipei Economic and Cultural Representative Office in the United States – National Advanced Surface-to-Air Missile System

The Taipei Economic and Cultural Representative Office in the United States (TECRO) has requested to buy three (3)
National Advanced Surface-to-Air Missile System (NASAMS) fire units; and one hundred twenty-three (123) AIM-120C-8
Advanced Medium Range Air-to-Air Missiles (AMRAAM). The estimated total cost is $1.16 billion.

The principal contractors will be RTX Corporation, Andover, MA; and Kongsberg Defence, Kongsberg, Norway.

There are no known offset agreements proposed in connection with this potential sale.
"""


def parse(body: str, header_lines: int = 0, url: str | None = None) -> tuple[dict, dict, list, dict]:
    parsed = transmittal.parse(OfficialText(path=Path("x.txt"), id="x", body=body, line_offset=header_lines, url=url))
    return checked_sale(parsed, body, "parser:transmittal")


def test_cover_letter_and_fields() -> None:
    entities, event, problems, article = parse(LETTER)
    assert problems == []
    assert article["type"] == "Report" and article["outlet"] == "Congressional Record"
    assert event["type"] == "SaleApproval"
    assert event["date"] == "2024-10-25"  # (viii)
    assert event["evidence"].startswith("Pursuant to the reporting requirements")
    assert role(entities, event, "buyer") == ["Taiwan"]
    assert role(entities, event, "approver") == ["U.S. Department of State"]
    assert role(entities, event, "seller") == ["United States"]
    assert role(entities, event, "contractor") == ["RTX Corporation", "Kongsberg Defence"]
    assert event["value"] == {"amount": 1160000000, "currency": "USD"}
    details = event["details"]
    assert details["transmittal"] == "24-90"
    assert details["mde_value"] == "1000 million" and details["other_value"] == "160 million"  # $1.0 billion
    assert details["military_department"] == "Army" and details["case"] == "TW-B-ZAB"
    assert details["prior_cases"] == "None known at this time"
    assert details["commissions"] == "None"
    assert details["sensitivity"] == "See Attached Annex"
    assert details["delivered_to_congress"] == "2024-10-25"
    assert details["purchaser_as_named"] == TECRO
    assert details["offsets"] == "no known offset agreements proposed"
    items = event["items"]
    assert [(i["name"], i.get("quantity"), i["major"]) for i in items] == [
        ("National Advanced Surface-to-Air Missile System", 3, True),
        ("AIM-120C-8 Advanced Medium Range Air-to-Air Missiles", 123, True),
        ("spare and repair parts", None, False), ("support and test equipment", None, False),
        ("other related elements of logistics and program support", None, False)]
    assert [(entities[s]["name"], entities[s]["aliases"]) for s in event["systems"]] == [
        ("National Advanced Surface-to-Air Missile System", ["NASAMS"]),
        ("AIM-120C-8 Advanced Medium Range Air-to-Air Missiles", ["AMRAAM"])]
    # the system's evidence is its line in field (iii)
    nasams = entities[event["systems"][0]]
    assert nasams["evidence"] == "Three (3) National Advanced Surface-to-Air Missile System (NASAMS) fire units"


FEDERAL = """\
AGENCY: Defense Security Cooperation Agency, Department of Defense.

ACTION: Arms sales notice.

Dear Madam Speaker: Pursuant to the reporting requirements of Section 36(b)(1) of the Arms Export Control Act, as
amended, we are forwarding herewith Transmittal No. 20-76 concerning the Air Force's proposed Letter(s) of Offer and
Acceptance to the Government of France for defense articles and services estimated to cost $160 million.

Transmittal No. 20-76

(i) Prospective Purchaser: Government of France

(ii) Total Estimated Value:
Major Defense Equipment * .......... $0.0 million
Sustainment .......... $160 million
Total .......... $160 million
Funding Source: National Funds

(iii) Description and Quantity or Quantities of Articles or Services under Consideration for Purchase: follow-on
sustainment support for E-3F Airborne Warning and Control System aircraft; spare and repair parts; and technical
support.

(iv) Military Department: Air Force (FR-D-QEX)

(viii) Date Report Delivered to Congress: 21 May 2020

POLICY JUSTIFICATION

The Government of France has requested to buy follow-on sustainment support. The estimated total cost is $160
million.

The principal contractor will be determined from approved vendors.
"""


def test_federal_register_form_dotted_values_and_prose_description() -> None:
    entities, event, problems, article = parse(FEDERAL)
    assert article["outlet"] == "Federal Register"
    assert role(entities, event, "buyer") == ["France"]
    assert event["value"]["amount"] == 160_000_000
    assert event["details"]["mde_value"] == "0.0 million" and event["details"]["other_value"] == "160 million"
    assert event["details"]["funding_source"] == "National Funds"
    assert event["details"]["military_department"] == "Air Force" and event["details"]["case"] == "FR-D-QEX"
    assert event["details"]["contractors"] == "to be determined"
    assert event["date"] == "2020-05-21"
    assert "systems" not in event and [i["major"] for i in event["items"]] == [False, False, False]
    # (v)-(vii) are missing: not required; (i)-(iii) and (viii) are there
    assert problems == []


def test_values_as_a_table_split_over_lines() -> None:
    body = LETTER.replace("Major Defense Equipment* $1.0 billion\nOther $160 million\nTOTAL $1.16 billion",
                          "Major Defense Equipment *\n$1.0 billion\nOther\n$.16 billion\nTOTAL\n$1.16 billion")
    _, event, problems, _ = parse(body)
    assert problems == []
    assert event["details"]["mde_value"] == "1000 million" and event["details"]["other_value"] == "160 million"
    assert event["value"]["amount"] == 1_160_000_000


def test_missing_fields_fall_back_to_the_cover_letter_and_are_reported() -> None:
    body = LETTER.split("(i) Prospective")[0] + "POLICY JUSTIFICATION\n\nThe principal contractor will be RTX " \
        "Corporation, Andover, MA.\n"
    entities, event, problems, _ = parse(body, header_lines=7)
    assert role(entities, event, "buyer") == ["Taiwan"]  # from the cover letter
    assert event["value"]["amount"] == 1_160_000_000  # "estimated to cost $1.16 billion"
    assert event["details"]["military_department"] == "Army"  # "the Army's proposed Letter(s)"
    assert {p.reason for p in problems} >= {"field (i) purchaser not found", "field (viii) date delivered to "
                                            "Congress not found"}
    assert event["confidence"] < 0.95


def test_unreadable_field_is_reported_with_its_position() -> None:
    body = LETTER.replace("(viii) Date Report Delivered to Congress: October 25, 2024",
                          "(viii) Date Report Delivered to Congress: to follow")
    _, event, problems, _ = parse(body, header_lines=6)
    where = {p.reason: p.where for p in problems}
    line = LETTER.split("\n").index("(viii) Date Report Delivered to Congress: October 25, 2024") + 1 + 6
    assert where["cannot read the date in field (viii)"] == f"paragraph 11 (line {line})"
    assert "date" not in event or event["date"] != "2024-10-25"
    assert event["value"]["amount"] == 1_160_000_000  # the rest is still read


def test_nothing_to_read_is_reported_and_the_approval_still_returned() -> None:
    body = "Transmittal No. 24-90\n\n(i) Prospective Purchaser: the Government of Atlantis\n"
    parsed = transmittal.parse(OfficialText(path=Path("x.txt"), id="x", body=body))
    reasons = {p.reason for p in parsed.problems}
    assert "cannot read the purchaser in field (i)" in reasons
    assert any(r.startswith("no estimated value") for r in reasons)
    [event] = parsed.events
    assert event["details"]["transmittal"] == "24-90" and event["confidence"] < 0.5


def test_the_sensitivity_annex_is_not_the_sale() -> None:
    body = LETTER + ("\nAnnex\nItem No. vii\n\n1. The AIM-120C-8 is a radar guided missile. The principal contractor for "
                     "its seeker will be Seeker Works, Tucson, AZ.\n")
    entities, event, problems, _ = parse(body)
    assert problems == []
    assert role(entities, event, "contractor") == ["RTX Corporation", "Kongsberg Defence"]


@pytest.mark.parametrize(("field", "name"), [
    ("Government of the Kingdom of Saudi Arabia", "Saudi Arabia"),
    ("Government of the Republic of Korea", "South Korea"),
    ("Poland", "Poland"),
])
def test_purchaser_field_wordings(field: str, name: str) -> None:
    body = LETTER.replace("Taipei Economic and Cultural Representative Office in the United States (TECRO)\n",
                          f"{field}\n", 1)
    entities, event, _, _ = parse(body)
    assert role(entities, event, "buyer") == [name]
    assert event["details"].get("purchaser_as_named") == (field if field != name else None)


def test_through_the_official_document_path(tmp_path: Path) -> None:
    path = tmp_path / "2024-10-25-36b-24-90-taiwan.txt"
    path.write_text("url: https://www.congress.gov/x\ndate: 2024-10-25\n\n" + LETTER, encoding="utf-8")
    document = parse_official(path, "transmittal")
    assert document.kind == "transmittal" and document.problems == []
    document.annotation_file()


def test_the_transmittal_loads_with_its_evidence(graph: Graph, loader, tmp_path: Path) -> None:
    text = "kind: transmittal\n\n" + LETTER.replace("TOTAL $1.16 billion", "TOTAL $1.18 billion")
    with scratch_source(loader, tmp_path / "test-36b-24-90-taiwan.txt", text):
        rows = graph.read(Cypher("""
            MATCH (a:SaleApproval {amount: 1180000000})-[:BUYER]->(b:State)
            MATCH (a)-[:EVIDENCED_BY]->(ev:Evidence)
            RETURN a.date AS date, b.id AS buyer, collect(DISTINCT ev.method) AS methods"""))
    assert len(rows) == 1
    assert rows[0]["date"] == "2024-10-25" and rows[0]["buyer"] == "state:TW"
    assert rows[0]["methods"] == ["parser:transmittal"]
