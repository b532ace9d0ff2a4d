"""The DSCA release parser (loaders/official/dsca.py, notice.py and the readers it uses): one test per wording variant.

The texts are written for these tests in the releases' format; pure parsing, no engine.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from conftest import scratch_source
from official_helpers import checked_sale, role

from kg.cypher import Cypher
from kg.graph import Graph
from loaders.official import dsca, notice
from loaders.official.amounts import split_quantity
from loaders.official.document import parse_official
from loaders.official.paragraphs import Sentence
from loaders.official.purchasers import purchaser_at
from loaders.official.requested_items import item_from
from loaders.official.source import OfficialText
from loaders.official.state_names import TECRO

NASAMS = """\
Defense Security Cooperation Agency NEWS RELEASE
Transmittal No. 24-90

Taipei Economic and Cultural Representative Office in the United States – National Advanced Surface-to-Air Missile System

WASHINGTON, October 25, 2024 – The State Department has made a determination approving a possible Foreign
Military Sale to the Taipei Economic and Cultural Representative Office in the United States (TECRO) of National
Advanced Surface-to-Air Missile Systems (NASAMS) and related equipment for an estimated cost of $1.16 billion. The
Defense Security Cooperation Agency delivered the required certification notifying Congress of this possible sale today.

The Taipei Economic and Cultural Representative Office in the United States (TECRO) has requested to buy three (3)
National Advanced Surface-to-Air Missile System (NASAMS) fire units; one hundred twenty-three (123) AIM-120C-8
Advanced Medium Range Air-to-Air Missiles (AMRAAM); and up to 4 AN/MPQ-64F1 Sentinel radars. The following non-MDE
items will also be included: spare and repair parts; U.S. Government and contractor engineering, technical, and
logistics support services; and other related elements of logistics and program support. The estimated total cost
is $1.16 billion.

This proposed sale will support the foreign policy goals and national security objectives of the United States.

The principal contractor will be RTX Corporation, located in Andover, MA. There are no known offset agreements
proposed in connection with this potential sale.
"""


def official(body: str, header_lines: int = 0, date: str | None = None) -> OfficialText:
    return OfficialText(path=Path("x.txt"), id="x", body=body, line_offset=header_lines, date=date)


def parse(body: str, **kw: object) -> tuple[dict, dict, list]:
    parsed = dsca.parse(official(body, **kw))  # type: ignore[arg-type]
    entities, event, problems, _ = checked_sale(parsed, body, "parser:dsca")
    return entities, event, problems


def test_tecro_release_gives_taiwan_the_systems_items_cost_and_contractor() -> None:
    entities, event, problems = parse(NASAMS)
    assert problems == []
    assert event["type"] == "SaleApproval" and event["date"] == "2024-10-25"
    assert role(entities, event, "buyer") == ["Taiwan"]
    assert role(entities, event, "approver") == ["U.S. Department of State"]
    assert role(entities, event, "seller") == ["United States"]
    assert role(entities, event, "contractor") == ["RTX Corporation"]
    rtx = next(e for e in entities.values() if e["name"] == "RTX Corporation")
    assert rtx["type"] == "Contractor" and rtx["description"] == "Andover, MA"
    systems = [entities[s] for s in event["systems"]]
    assert [(s["name"], s.get("aliases")) for s in systems] == [
        ("National Advanced Surface-to-Air Missile System", ["NASAMS"]),
        ("AIM-120C-8 Advanced Medium Range Air-to-Air Missiles", ["AMRAAM"]),
        ("AN/MPQ-64F1 Sentinel radars", None)]
    assert [(i.get("quantity"), i["major"]) for i in event["items"]] == [
        (3, True), (123, True), (4, True), (None, False), (None, False), (None, False)]
    assert event["items"][3]["name"] == "spare and repair parts"
    assert "quantity" not in event  # three MDE items
    assert event["value"] == {"amount": 1160000000, "currency": "USD"}
    assert event["details"]["transmittal"] == "24-90"
    assert event["details"]["purchaser_as_named"] == TECRO
    assert event["details"]["offsets"] == "no known offset agreements proposed"
    assert event["details"]["notified"] == "Congress"
    assert "cost_qualifier" not in event["details"]
    assert "Defense Security Cooperation Agency" in {e["name"] for e in entities.values()}
    assert event["evidence"].startswith("The State Department has made a determination approving")


def test_ids_are_stable() -> None:
    one, two = dsca.parse(official(NASAMS)), dsca.parse(official(NASAMS))
    assert [e["id"] for e in one.entities] == [e["id"] for e in two.entities]
    assert len({e["id"] for e in one.entities}) == len(one.entities)


UP_TO = """\
Transmittal No. 23-12

WASHINGTON, February 7, 2023 – The State Department has made a determination approving a possible Foreign Military
Sale to the Government of the Republic of Poland of launchers for an estimated cost of up to $10 billion.

The Government of Poland has requested to buy eighteen (18) M142 High Mobility Artillery Rocket System (HIMARS)
launchers; and Guided Multiple Launch Rocket System (GMLRS) rockets. Also included are spare and repair parts; and
training. The estimated total cost is up to $10 billion.

The principal contractors will be Lockheed Martin Missiles and Fire Control, Grand Prairie, TX; and The Boeing
Company, St. Louis, MO. There are no known offset agreements proposed in connection with this potential sale.
"""


def test_up_to_cost_two_contractors_and_an_unquantified_mde_item() -> None:
    entities, event, _ = parse(UP_TO)
    assert role(entities, event, "buyer") == ["Poland"]
    poland = next(e for e in entities.values() if e["name"] == "Poland")
    assert poland["aliases"] == ["Republic of Poland"]
    assert event["value"]["amount"] == 10_000_000_000
    assert event["details"]["cost_qualifier"] == "up to"
    assert role(entities, event, "contractor") == ["Lockheed Martin Missiles and Fire Control", "The Boeing Company"]
    assert [e.get("description") for e in entities.values() if e["type"] == "Contractor"] == [
        "Grand Prairie, TX", "St. Louis, MO"]
    # beside an "Also included" list, the request list is the MDE even without a quantity
    assert [(i["name"], i["major"]) for i in event["items"][:2]] == [
        ("M142 High Mobility Artillery Rocket System", True),  # an MDE item is named by its designation
        ("Guided Multiple Launch Rocket System", True)]
    assert event["quantity"] == 18  # the one MDE item with a quantity


@pytest.mark.parametrize(("sentence", "amount", "up_to"), [
    ("for an estimated sale price of up to $828 million.", 828_000_000, True),
    ("for an estimated cost of $3.4 million.", 3_400_000, False),
    ("for an estimated cost of $1.16 billion.", 1_160_000_000, False),
])
def test_cost_wordings_in_the_approval_sentence(sentence: str, amount: int, up_to: bool) -> None:
    body = ("WASHINGTON, May 2, 2019 – The State Department has made a determination approving a possible Foreign "
            f"Military Sale to the Kingdom of Saudi Arabia of support {sentence}\n\nThe Kingdom of Saudi Arabia has "
            "requested to buy two (2) radars.\n")
    entities, event, _ = parse(body)
    assert role(entities, event, "buyer") == ["Saudi Arabia"]
    assert event["value"]["amount"] == amount
    assert (event.get("details", {}).get("cost_qualifier") == "up to") is up_to
    assert event["quantity"] == 2


def test_the_estimated_value_is() -> None:
    body = ("WASHINGTON, D.C., March 3, 2017 – The State Department has made a determination approving a possible "
            "Foreign Military Sale to the Republic of Korea of radars.\n\nThe Republic of Korea has requested to buy "
            "four (4) AN/TPQ-53 radars. The estimated value is $95 million.\n")
    entities, event, problems = parse(body)
    assert event["date"] == "2017-03-03"  # "WASHINGTON, D.C., <date>"
    assert role(entities, event, "buyer") == ["South Korea"]
    assert event["value"]["amount"] == 95_000_000
    assert problems == []


OLD = """\
On 21 May 2004, the Defense Security Cooperation Agency notified Congress of a possible Foreign Military Sale to the
Government of Australia of aircraft and associated equipment valued at $828 million.

The Government of Australia has requested a possible sale of 4 C-17A Globemaster III aircraft, 19 F117-PW-100
engines, spare and repair parts, and other related elements of logistics support.

The principal contractor for the C-17A aircraft will be The Boeing Company of Long Beach, California.
"""


def test_pre_2009_dateline_valued_at_and_a_comma_list() -> None:
    entities, event, _ = parse(OLD)
    assert event["date"] == "2004-05-21"
    assert role(entities, event, "buyer") == ["Australia"]
    assert event["value"]["amount"] == 828_000_000
    assert [(i["name"], i.get("quantity"), i["major"]) for i in event["items"]] == [
        ("C-17A Globemaster III aircraft", 4, True), ("F117-PW-100 engines", 19, True),
        ("spare and repair parts", None, False), ("other related elements of logistics support", None, False)]
    assert role(entities, event, "contractor") == ["The Boeing Company"]
    boeing = next(e for e in entities.values() if e["type"] == "Contractor")
    assert boeing["description"] == "Long Beach, California"
    assert event["confidence"] < 0.95  # "valued at" is a weaker cost pattern


def test_older_wordings_up_to_quantities_notification_date_and_a_comma_series() -> None:
    body = ("WASHINGTON, Dec. 19, 2011 – The Defense Security Cooperation Agency notified Congress Dec. 16 of a "
            "possible Foreign Military Sale to the Government of Australia for C-17 aircraft for an estimated cost of "
            "$1.609 billion.\n\nThe Government of Australia has requested a possible sale of up to 4 C-17A Globemaster "
            "III aircraft, spare and repair parts, United States Government and contractor engineering, logistics, and "
            "technical support services, and other related elements of logistics support.\n")
    _, event, _ = parse(body)
    assert event["date"] == "2011-12-19" and event["details"]["notified_on"] == "2011-12-16"
    assert event["details"]["quantity_qualifier"] == "up to" and event["quantity"] == 4
    assert [i["name"] for i in event["items"]] == [
        "C-17A Globemaster III aircraft", "spare and repair parts",
        "United States Government and contractor engineering, logistics, and technical support services",
        "other related elements of logistics support"]


def test_a_request_in_prose_is_one_item_and_many_contractors_are_none_named() -> None:
    body = ("WASHINGTON, January 17, 2018 – The State Department has made a determination approving a possible "
            "Foreign Military Sale to the Kingdom of Saudi Arabia of support services for an estimated cost of $500 "
            "million.\n\nThe Government of the Kingdom of Saudi Arabia has requested a possible sale for continued "
            "participation, technical assistance, and support in the Patriot Field Surveillance Program (FSP). These "
            "items will be added to a previously implemented Patriot support case valued at $50.7 million.\n\n"
            "Procurement of these items will be from many contractors providing similar items to the U.S. forces.\n")
    _, event, problems = parse(body)
    assert problems == []
    assert event["items"] == [{"name": "continued participation, technical assistance, and support in the Patriot "
                                       "Field Surveillance Program (FSP)", "major": False}]
    assert event["details"]["contractors"] == "to be determined"
    assert event["details"]["prior_case"] == "Patriot support case valued at $50.7 million"
    assert event["value"]["amount"] == 500_000_000
    assert "purchaser_as_named" not in event["details"]  # "Kingdom of Saudi Arabia" is a name of the state


def test_date_line_form_and_amendment_transmittal_numbers() -> None:
    body = ("Transmittal No. 0G-23\n\nDate: 21 May 2004\n\nThe State Department has made a determination approving a "
            "possible Foreign Military Sale to the Government of Japan of support for an estimated cost of $40 "
            "million.\n")
    _, event, _ = parse(body)
    assert event["date"] == "2004-05-21"
    assert event["details"]["transmittal"] == "0G-23"
    assert notice.transmittal_number("Transmittal No\n24-0J\n") == "24-0J"
    assert notice.transmittal_number("Transmittal No. 25-38") == "25-38"


@pytest.mark.parametrize("sentence", [
    "The principal contractors will be determined from approved vendors.",
    "The purchaser has requested that there is no principal contractor for this sale.",
    "There is no principal contractor involved in this potential sale.",
    "A principal contractor has not yet been determined.",
    "The prime contractor will be selected by competition.",
])
def test_no_named_contractor(sentence: str) -> None:
    body = ("WASHINGTON, May 2, 2019 – The State Department has made a determination approving a possible Foreign "
            "Military Sale to the Government of Japan of parts for an estimated cost of $10 million.\n\n"
            f"{sentence}\n")
    entities, event, _ = parse(body)
    assert role(entities, event, "contractor") == []
    assert event["details"]["contractors"] == "to be determined"


def test_contractor_for_a_named_item_and_contractors_joined_by_and() -> None:
    body = ("WASHINGTON, May 2, 2019 – The State Department has made a determination approving a possible Foreign "
            "Military Sale to the Government of Japan of targets for an estimated cost of $10 million.\n\n"
            "The principal contractor for the BQM-177A SSATs will be Kratos Defense and Security Solutions, "
            "Sacramento, CA. The principal contractors for the radars will be Raytheon Company, Andover, MA and "
            "Lockheed Martin Corporation, Inc., Moorestown, NJ.\n")
    entities, event, _ = parse(body)
    assert role(entities, event, "contractor") == [
        "Kratos Defense and Security Solutions", "Raytheon Company", "Lockheed Martin Corporation, Inc."]


def test_contractors_named_without_places() -> None:
    body = ("WASHINGTON, May 2, 2019 – The State Department has made a determination approving a possible Foreign "
            "Military Sale to the Government of Japan of support for an estimated cost of $10 million.\n\n"
            "The principal contractors will be Raytheon Technologies Corporation and Lockheed Martin Corporation.\n")
    entities, event, _ = parse(body)
    assert role(entities, event, "contractor") == ["Raytheon Technologies Corporation", "Lockheed Martin Corporation"]


def test_one_contractor_at_two_places() -> None:
    body = ("WASHINGTON, May 2, 2019 – The State Department has made a determination approving a possible Foreign "
            "Military Sale to the Government of Japan of missiles for an estimated cost of $10 million.\n\n"
            "The principal contractor will be Javelin Joint Venture, Orlando, FL and Tucson, AZ.\n")
    entities, event, _ = parse(body)
    assert role(entities, event, "contractor") == ["Javelin Joint Venture"]
    assert entities["javelin-joint-venture"]["description"] == "Orlando, FL and Tucson, AZ"


NSPA = """\
NATO Support and Procurement Agency (NSPA) – Stinger Missiles

WASHINGTON, December 18, 2025 – The State Department has made a determination approving a possible Foreign Military
Sale to the NATO Support and Procurement Agency (NSPA) of Stinger missiles for an estimated cost of $136.1 million.

The NATO Support and Procurement Agency (NSPA) has requested to buy, on behalf of the Governments of Germany, Italy,
and the Netherlands, two hundred (200) FIM-92K Stinger missiles. Also included are flight motors; and other related
elements of logistics support. The estimated total cost is $136.1 million.

The principal contractor will be RTX Corporation, Tucson, AZ.
"""


def test_nato_agency_buys_for_named_states() -> None:
    entities, event, _ = parse(NSPA)
    buyer = entities[next(p["entity"] for p in event["participants"] if p["role"] == "buyer")]
    assert (buyer["type"], buyer["name"], buyer["aliases"]) == (
        "Organization", "NATO Support and Procurement Agency", ["NSPA"])
    assert role(entities, event, "recipient") == ["Germany", "Italy", "Netherlands"]
    assert event["items"][0] == {"name": "FIM-92K Stinger missiles", "quantity": 200, "major": True,
                                 "system": event["systems"][0]}
    assert event["quantity"] == 200
    assert event["value"]["amount"] == Decimal("136100000")


@pytest.mark.parametrize(("written", "name", "alias"), [
    ("the North Atlantic Treaty Organization (NATO) Support and Procurement Agency (NSPA) of Stinger missiles",
     "North Atlantic Treaty Organization (NATO) Support and Procurement Agency", "NSPA"),
    ("the NATO Airborne Early Warning and Control Programme Management Organization (NAPMO) of parts",
     "NATO Airborne Early Warning and Control Programme Management Organization", "NAPMO"),
    ("the Organisation for Joint Armament Cooperation (OCCAR) of Tiger support",
     "Organisation for Joint Armament Cooperation", "OCCAR"),
])
def test_agency_purchasers(written: str, name: str, alias: str) -> None:
    purchaser = purchaser_at(written)
    assert purchaser is not None
    assert (purchaser.type, purchaser.name, purchaser.aliases) == ("Organization", name, [alias])


@pytest.mark.parametrize(("written", "name", "alias"), [
    ("the Government of the Republic of Korea of radars", "South Korea", "Republic of Korea"),
    ("the Kingdom of Saudi Arabia of missiles", "Saudi Arabia", "Kingdom of Saudi Arabia"),
    ("the Government of the Netherlands of F-35 aircraft", "Netherlands", None),
    ("the Government of Türkiye of F-16 aircraft", "Turkey", "Türkiye"),
])
def test_state_purchasers_take_the_reference_name(written: str, name: str, alias: str | None) -> None:
    purchaser = purchaser_at(written)
    assert purchaser is not None and (purchaser.type, purchaser.name) == ("State", name)
    assert purchaser.aliases == ([alias] if alias else [])


def test_an_unknown_government_is_reported_not_guessed() -> None:
    body = ("WASHINGTON, May 2, 2019 – The State Department has made a determination approving a possible Foreign "
            "Military Sale to the Government of Atlantis of parts for an estimated cost of $10 million.\n")
    parsed = dsca.parse(official(body))
    assert any(p.reason.startswith("no purchaser") and p.where == "paragraph 1 (line 1)" for p in parsed.problems)
    assert [p["role"] for p in parsed.events[0]["participants"]] == ["approver", "seller"]
    assert parsed.events[0]["value"]["amount"] == 10_000_000


PAGE = """<html><head><title>Poland – Javelin Missiles | Defense Security Cooperation Agency</title></head>
<body><nav>Home</nav><h1>Poland – Javelin Missiles</h1>
<div><p>Media/Public Contact</p><p>pm-cpa@state.gov</p><p>Transmittal No</p><p>24-113</p></div>
<div><p>WASHINGTON, December 3, 2024 - The State Department has made a determination approving a possible Foreign
Military Sale to the Government of Poland of Javelin missiles and related equipment for an estimated cost of
$49.5 million. The Defense Security Cooperation Agency delivered the required certification notifying Congress of
this possible sale today.</p>
<p>The Government of Poland has requested to buy two hundred (200) FGM-148F Javelin missiles. The following non-MDE
items will also be included: spare parts; and training. The estimated total cost is $49.5 million.</p>
<p>The principal contractor will be Javelin Joint Venture, Orlando, FL and Tucson, AZ.</p></div></body></html>
"""


def test_the_web_page_layout(tmp_path: Path) -> None:
    path = tmp_path / "2024-12-03-dsca-poland-javelin.html"
    path.write_text(PAGE, encoding="utf-8")
    document = parse_official(path, "dsca")
    assert document.problems == []
    [event] = [e for e in document.annotation["events"] if e["type"] == "SaleApproval"]
    assert event["details"]["transmittal"] == "24-113"  # "Transmittal No" and the number in two blocks
    assert event["date"] == "2024-12-03"  # a hyphen after the date
    assert event["quantity"] == 200 and event["value"]["amount"] == 49_500_000
    document.annotation_file()


def test_a_pdf_release_without_blank_lines_between_paragraphs(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    for block in NASAMS.replace("–", "-").split("\n\n"):  # one cell a paragraph: no blank line between them
        pdf.multi_cell(0, 6, " ".join(block.split()), new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "release.pdf"
    pdf.output(str(path))
    document = parse_official(path, "dsca")
    [event] = [e for e in document.annotation["events"] if e["type"] == "SaleApproval"]
    assert event["date"] == "2024-10-25" and event["details"]["transmittal"] == "24-90"
    assert event["value"]["amount"] == 1_160_000_000 and event["evidence"].startswith("The State Department")
    names = {e["name"] for e in document.annotation["entities"]}
    assert {"Taiwan", "RTX Corporation", "National Advanced Surface-to-Air Missile System"} <= names
    assert [i.get("quantity") for i in event["items"] if i["major"]] == [3, 123, 4]
    document.annotation_file()


def test_no_mde_sentence_keeps_every_item_out_of_the_mde() -> None:
    body = NSPA.replace("The estimated total", "There is no Major Defense Equipment (MDE) in this sale. The "
                        "estimated total")
    _, event, _ = parse(body)
    assert not any(i["major"] for i in event["items"]) and "systems" not in event


def test_mde_heading_lists() -> None:
    body = ("WASHINGTON, August 1, 2024 – The State Department has made a determination approving a possible Foreign "
            "Military Sale to the Government of Norway of missiles for an estimated cost of $100 million.\n\n"
            "The Government of Norway has requested to buy: Major Defense Equipment (MDE): Twenty (20) AIM-9X "
            "Sidewinder Block II Tactical Missiles; Six (6) AIM-9X Block II Captive Air Training Missiles (CATM). "
            "Non-MDE: Also included are missile containers; and spare parts.\n")
    entities, event, _ = parse(body)
    assert role(entities, event, "buyer") == ["Norway"]
    assert [(i.get("quantity"), i["major"]) for i in event["items"]] == [(20, True), (6, True), (None, False),
                                                                         (None, False)]
    assert [entities[s]["name"] for s in event["systems"]] == [
        "AIM-9X Sidewinder Block II Tactical Missiles", "AIM-9X Block II Captive Air Training Missiles"]


HEADED = """\
WASHINGTON, June 3, 2019 – The State Department has made a determination approving a possible Foreign Military
Sale to the Government of Bulgaria of F-16 Block 70 aircraft for an estimated cost of $1.673 billion.

The Government of Bulgaria has requested to buy:

Major Defense Equipment (MDE):
Eight (8) F-16 Block 70/72 aircraft;
Nine (9) F100-PW-229EEP engines (includes 1 spare);
Two hundred fifty (250) AIM-9X Sidewinder Block II
Tactical Missiles.

Non-MDE:
Also included are spare and repair parts; personnel training and training
equipment; and other related elements of logistics and program support.

The estimated total cost is $1.673 billion.
"""


def test_lists_under_heading_lines() -> None:
    entities, event, problems = parse(HEADED)
    assert problems == []
    assert [(i["name"], i.get("quantity"), i["major"]) for i in event["items"]] == [
        ("F-16 Block 70/72 aircraft", 8, True),
        ("F100-PW-229EEP engines", 9, True),
        ("AIM-9X Sidewinder Block II Tactical Missiles", 250, True),  # a wrapped line joins its item
        ("spare and repair parts", None, False),
        ("personnel training and training equipment", None, False),
        ("other related elements of logistics and program support", None, False)]
    assert [entities[s]["name"] for s in event["systems"]] == [
        "F-16 Block 70/72 aircraft", "F100-PW-229EEP engines", "AIM-9X Sidewinder Block II Tactical Missiles"]
    assert event["value"]["amount"] == 1_673_000_000


def test_an_extended_case_lists_nothing_and_is_not_a_problem() -> None:
    body = ("WASHINGTON, November 29, 2024 - The State Department has made a determination approving a possible "
            "Foreign Military Sale to the Government of Japan of follow-on support for an estimated cost of $65 "
            "million.\n\nThe Government of Japan has requested to buy extended services provided under a previously "
            "implemented case. The original Foreign Military Sales (FMS) case, valued at $41.6 million, included "
            "services. The estimated total cost is $65 million.\n")
    _, event, problems = parse(body)
    assert problems == [] and "items" not in event
    assert event["value"]["amount"] == 65_000_000  # not the original case's value


def test_unreadable_parts_are_reported_with_their_position_and_the_rest_returned() -> None:
    body = ("Transmittal No. 25-01\n\nWASHINGTON, June 5, 2025 – The State Department has made a determination "
            "approving a possible Foreign Military Sale of equipment.\n\nThe principal contractor will be "
            "Lockheed Martin, Orlando, FL.\n")
    parsed = dsca.parse(official(body, header_lines=4))
    reasons = {p.reason.split(" (")[0]: p.where for p in parsed.problems}
    assert reasons["no purchaser found in the approval or request sentence"] == "paragraph 2 (line 7)"
    assert reasons["no estimated cost found"] == "paragraph 2 (line 7)"
    event = parsed.events[0]
    assert event["date"] == "2025-06-05" and event["details"]["transmittal"] == "25-01"
    assert [e["name"] for e in parsed.entities if e["type"] == "Contractor"] == ["Lockheed Martin"]
    assert event["confidence"] < 0.5


def test_a_problem_names_the_line_its_sentence_starts_on() -> None:
    body = ("WASHINGTON, May 2, 2019 – The State Department has made a determination approving a possible Foreign\n"
            "Military Sale to the Government of Japan of parts for an estimated cost of $10 million. The principal\n"
            "contractor will be 1234, Orlando, FL; and Lockheed Martin, Orlando, FL.\n")
    parsed = dsca.parse(official(body, header_lines=5))
    [problem] = [p for p in parsed.problems if "contractor" in p.reason]
    assert (problem.where, problem.excerpt) == ("paragraph 1 (line 7)", "1234, Orlando, FL")
    assert problem.reason == "cannot tell the contractor's name from its place"
    assert [e["name"] for e in parsed.entities if e["type"] == "Contractor"] == ["Lockheed Martin"]


def test_no_dateline_falls_back_to_the_header_date_and_says_so() -> None:
    body = ("The State Department has made a determination approving a possible Foreign Military Sale to the "
            "Government of Japan of parts for an estimated cost of $10 million.\n")
    parsed = dsca.parse(official(body, date="2014-11-03"))
    assert parsed.events[0]["date"] == "2014-11-03"
    assert any("no dateline" in p.reason and p.where == "paragraph 1 (line 1)" for p in parsed.problems)


@pytest.mark.parametrize(("phrase", "name", "acronym"), [
    ("National Advanced Surface-to-Air Missile System (NASAMS) fire units",
     "National Advanced Surface-to-Air Missile System", "NASAMS"),
    ("Pratt and Whitney F135 engines (includes 5 spares)", "Pratt and Whitney F135 engines", None),
    ("APX-119 Identification Friend or Foe (Mode 4)", "APX-119 Identification Friend or Foe (Mode 4)", None),
    ("M1A2T Abrams Main Battle Tanks", "M1A2T Abrams Main Battle Tanks", None),
])
def test_system_names(phrase: str, name: str, acronym: str | None) -> None:
    item = item_from(phrase, True, Sentence(phrase, 1, 1))
    assert (item.system_name, item.acronym) == (name, acronym)


@pytest.mark.parametrize(("phrase", "quantity", "rest"), [
    ("three (3) NASAMS fire units", 3, "NASAMS fire units"),
    ("one hundred twenty-three (123) AIM-120C-8 missiles", 123, "AIM-120C-8 missiles"),
    ("up to 84 AIM-120C-8 missiles", 84, "AIM-120C-8 missiles"),
    ("1,844 Hellfire missiles", 1844, "Hellfire missiles"),
    ("F-35 aircraft", None, "F-35 aircraft"),
])
def test_quantities(phrase: str, quantity: int | None, rest: str) -> None:
    assert split_quantity(phrase) == (quantity, rest)


def test_the_release_goes_through_the_official_document_path(tmp_path: Path) -> None:
    path = tmp_path / "2024-10-25-dsca-taiwan-nasams.txt"
    path.write_text("url: https://www.dsca.mil/x\ndate: 2024-10-25\nkind: dsca\n\n" + NASAMS, encoding="utf-8")
    document = parse_official(path)
    assert document.kind == "dsca" and document.problems == []
    assert document.annotation["article"]["outlet"] == "Defense Security Cooperation Agency"
    document.annotation_file()  # checked as the load pipeline takes it


def test_the_release_loads_with_its_evidence(graph: Graph, loader, tmp_path: Path) -> None:
    text = "kind: dsca\n\n" + NASAMS.replace("$1.16 billion", "$1.17 billion")
    with scratch_source(loader, tmp_path / "test-dsca-nasams.txt", text):
        rows = graph.read(Cypher("""
            MATCH (a:SaleApproval {amount: 1170000000})-[:BUYER]->(b:State)
            MATCH (a)-[:CONTRACTOR]->(c)
            MATCH (a)-[:EVIDENCED_BY]->(ev:Evidence)
            RETURN a.date AS date, b.id AS buyer, collect(DISTINCT c.id) AS contractors,
                   collect(DISTINCT {sentence: ev.sentence, method: ev.method, start: ev.startOffset}) AS evidence"""))
    assert len(rows) == 1
    assert rows[0]["date"] == "2024-10-25" and rows[0]["buyer"] == "state:TW"
    assert rows[0]["contractors"] == ["contractor:rtx"]  # resolved to the reference's RTX
    [evidence] = rows[0]["evidence"]
    assert evidence["sentence"].startswith("The State Department has made a determination approving")
    assert evidence["method"] == "parser:dsca" and evidence["start"] is not None
