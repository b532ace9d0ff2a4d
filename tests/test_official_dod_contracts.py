"""The DoD contract announcements parser: one test per wording variant it handles, and its problems.

Every text here is written for these tests in the format of the defense.gov "Contracts For ..." pages.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import scratch_source

from kg.cypher import Cypher
from kg.graph import Graph
from loaders.annotations import parse_annotation_data
from loaders.official import dod_contracts
from loaders.official.document import parse_official
from loaders.official.inputs import read_official
from loaders.official.paragraphs import announcement_sentences
from loaders.official.source import OfficialText, Parsed

NASAMS = """Contracts For Nov. 17, 2025

ARMY

Raytheon Co., Andover, Massachusetts, was awarded a $698,948,760 firm-fixed-price contract for National
Advanced Surface-to-Air Missile System (NASAMS) fire units for the government of Taiwan. Work will be performed
in Andover, Massachusetts (60%); and Tucson, Arizona (40%), with an estimated completion date of Feb. 26, 2031.
Fiscal 2026 foreign military sales (Taiwan) funds in the amount of $698,948,760 were obligated at the time of
the award. Army Contracting Command, Redstone Arsenal, Alabama, is the contracting activity (W31P4Q-26-C-0012).

*Small business
"""


def parse(body: str, **kwargs: Any) -> Parsed:
    return dod_contracts.parse(OfficialText(path=Path("page.txt"), id="page", body=body, **kwargs))


def award(body: str, heading: str = "NAVY") -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The only award of a page holding ``body`` under one heading, and the page's entities by id."""
    parsed = parse(f"Contracts For June 2, 2025\n\n{heading}\n\n{body}\n")
    assert not parsed.problems, parsed.problems
    assert len(parsed.events) == 1, parsed.events
    return parsed.events[0], {e["id"]: e for e in parsed.entities}


def names(event: dict[str, Any], entities: dict[str, dict[str, Any]], role: str) -> list[str]:
    return [entities[p["entity"]]["name"] for p in event["participants"] if p["role"] == role]


def test_the_nasams_award_gives_every_field() -> None:
    parsed = parse(NASAMS)
    assert parsed.problems == []
    assert parsed.article == {"type": "PressRelease", "outlet": "U.S. Department of Defense", "date": "2025-11-17",
                              "title": "Contracts For Nov. 17, 2025"}
    [event] = parsed.events
    entities = {e["id"]: e for e in parsed.entities}
    assert event["type"] == "ContractAward" and event["date"] == "2025-11-17" and event["end_date"] == "2031-02-26"
    assert event["value"] == {"amount": 698948760, "currency": "USD"}
    assert names(event, entities, "contractor") == ["Raytheon Co."]
    assert names(event, entities, "buyer") == ["Army Contracting Command"]
    assert names(event, entities, "recipient") == ["Taiwan"]
    assert [entities[s]["name"] for s in event["systems"]] == ["National Advanced Surface-to-Air Missile System"]
    assert entities[event["systems"][0]]["aliases"] == ["NASAMS"]
    assert entities["raytheon-co"]["description"] == "Andover, Massachusetts"
    assert entities["army-contracting-command"]["description"] == "Redstone Arsenal, Alabama"
    assert event["details"] == {
        "contract_type": "firm-fixed-price",
        "contract": "W31P4Q-26-C-0012",
        "purpose": "National Advanced Surface-to-Air Missile System (NASAMS) fire units for the government of Taiwan",
        "performance": "Andover, Massachusetts (60%); Tucson, Arizona (40%)",
        "obligated": "Fiscal 2026 foreign military sales (Taiwan) funds $698,948,760",
        "fms_customers": "Taiwan",
        "agency_heading": "ARMY",
    }
    assert event["method"] == "parser:dod-contracts" and 0.9 <= event["confidence"] <= 1
    assert event["evidence"].startswith("Raytheon Co., Andover") and event["evidence"].endswith("government of Taiwan.")


def test_evidence_is_quoted_from_the_text_and_the_output_is_a_valid_annotation() -> None:
    parsed = parse(NASAMS)
    flat = " ".join(NASAMS.split())
    for item in [*parsed.entities, *parsed.events]:
        assert item["evidence"] in flat and item["method"] == "parser:dod-contracts"
        assert 0 < item["confidence"] <= 1
    for entity in parsed.entities:
        assert entity["name"] in entity["evidence"] or any(a in entity["evidence"] for a in entity.get("aliases", ()))
    article = {k: v for k, v in parsed.article.items() if k != "metadata"}
    parse_annotation_data({"article": {"id": "page", **article}, "entities": parsed.entities,
                           "events": parsed.events}, "page")


def test_the_same_page_gives_the_same_ids() -> None:
    assert parse(NASAMS) == parse(NASAMS)


@pytest.mark.parametrize("verb", ["is awarded", "was awarded", "has been awarded", "is being awarded"])
def test_award_verbs(verb: str) -> None:
    event, entities = award(f"Leidos Inc., Reston, Virginia, {verb} a $15,000,000 cost-plus-fixed-fee contract "
                            "for engineering services. Naval Information Warfare Systems Command, San Diego, "
                            "California, is the contracting activity (N66001-25-C-0001).")
    assert names(event, entities, "contractor") == ["Leidos Inc."]
    assert event["value"]["amount"] == 15000000
    assert event["details"]["contract_type"] == "cost-plus-fixed-fee"


@pytest.mark.parametrize(("amount", "qualifier", "value"), [
    ("a not-to-exceed $120,000,000", "not-to-exceed", 120000000),
    ("a ceiling $2,180,000,000", "ceiling", 2180000000),
    ("a maximum $75,943,165", "maximum", 75943165),
    ("a maximum ceiling $200,000,000", "maximum ceiling", 200000000),
    ("an estimated $32.5 million", "estimated", 32500000),
    ("a $880,000,000", None, 880000000),
])
def test_amount_and_its_qualifier(amount: str, qualifier: str | None, value: int) -> None:
    event, _ = award(f"BAE Systems Land and Armaments L.P., York, Pennsylvania, was awarded {amount} "
                     "firm-fixed-price contract for M109A7 Paladin howitzers. Army Contracting Command, Detroit "
                     "Arsenal, Michigan, is the contracting activity (W56HZV-25-C-0042).")
    assert event["value"] == {"amount": value, "currency": "USD"}
    assert event["details"].get("amount_qualifier") == qualifier


def test_modification_to_a_previously_awarded_contract() -> None:
    event, _ = award("Lockheed Martin Corp., Grand Prairie, Texas, is awarded a $95,000,000 firm-fixed-price "
                     "modification (P00012) to previously awarded contract W31P4Q-19-C-0097 for Guided Multiple "
                     "Launch Rocket System rockets. Army Contracting Command, Redstone Arsenal, Alabama, is the "
                     "contracting activity.")
    assert event["details"]["modification"] == "P00012"
    assert event["details"]["contract"] == "W31P4Q-19-C-0097"
    assert event["details"]["purpose"] == "Guided Multiple Launch Rocket System rockets"


def test_modification_with_the_contract_in_parentheses_and_no_type() -> None:
    event, _ = award("Amentum Services Inc., Chantilly, Virginia, has been awarded a $67,648,024 modification "
                     "(P00038) to a previously awarded contract (FA489022C0019) for option year four of the aerial "
                     "targets program. Work is expected to be completed by Sept. 30, 2027. Air Combat Command, "
                     "Langley Air Force Base, Virginia, is the contracting activity.")
    assert event["details"]["modification"] == "P00038" and event["details"]["contract"] == "FA489022C0019"
    assert "contract_type" not in event["details"]
    assert event["end_date"] == "2027-09-30"


def test_order_against_a_basic_ordering_agreement() -> None:
    event, _ = award("The Boeing Co., St. Louis, Missouri, is awarded a $32,500,000 firm-fixed-price order "
                     "(N0001925F0123) against previously issued basic ordering agreement N00019-24-G-0007 for "
                     "spares. Naval Air Systems Command, Patuxent River, Maryland, is the contracting activity.")
    assert event["details"]["order"] == "N0001925F0123"
    assert event["details"]["contract"] == "N00019-24-G-0007"


def test_several_awardees_each_with_its_contract_number() -> None:
    event, entities = award(
        "R&M Consultants Inc., Anchorage, Alaska (W911KB-24-D-0008); Shannon and Wilson Inc., Anchorage, Alaska "
        "(W911KB-24-D-0009); and WSP USA Solutions Inc., Washington, D.C. (W911KB-24-D-0010), will compete for "
        "each order of the $25,000,000 firm-fixed-price contract for geotechnical design and related services. "
        "Bids were solicited via the internet with three received. Work locations and funding will be determined "
        "with each order, with an estimated completion date of March 21, 2029. U.S. Army Corps of Engineers, "
        "Anchorage, Alaska, is the contracting activity.", heading="ARMY")
    assert names(event, entities, "contractor") == ["R&M Consultants Inc.", "Shannon and Wilson Inc.",
                                                    "WSP USA Solutions Inc."]
    assert entities["wsp-usa-solutions-inc"]["description"] == "Washington, D.C."
    assert event["details"]["contract"] == "W911KB-24-D-0008; W911KB-24-D-0009; W911KB-24-D-0010"
    assert event["details"]["performance"] == "to be determined with each order"
    assert event["end_date"] == "2029-03-21"
    assert names(event, entities, "buyer") == ["U.S. Army Corps of Engineers"]


def test_several_awardees_joined_by_and() -> None:
    event, entities = award(
        "Huntington Ingalls Inc., Newport News, Virginia, and General Dynamics Electric Boat, Groton, Connecticut, "
        "are each awarded a maximum $100,000,000 contract to provide submarine engineering. Work will be performed "
        "in Newport News, Virginia (50%); and Groton, Connecticut (50%), and is expected to be completed by June "
        "2030. The Naval Sea Systems Command, Washington, D.C., is the contracting activity (N00024-26-D-4100, "
        "N00024-26-D-4101).")
    assert names(event, entities, "contractor") == ["Huntington Ingalls Inc.", "General Dynamics Electric Boat"]
    assert event["details"]["contract"] == "N00024-26-D-4100; N00024-26-D-4101"
    assert event["details"]["performance"] == "Newport News, Virginia (50%); Groton, Connecticut (50%)"
    assert event["end_date"] == "2030-06"
    assert entities["naval-sea-systems-command"]["description"] == "Washington, D.C."


def test_fms_this_contract_involves_foreign_military_sales_to_a_list() -> None:
    event, entities = award(
        "Lockheed Martin Corp., Fort Worth, Texas, is awarded a $1,250,000,000 cost-plus-fixed-fee modification "
        "(P00021) to previously awarded contract N00019-24-C-0010 for F-35 Lightning II sustainment for the Navy, "
        "Air Force and Foreign Military Sales customers. This contract involves Foreign Military Sales to "
        "Australia, Japan and the Netherlands. Fiscal 2026 aircraft procurement (Navy) funds in the amount of "
        "$100,000,000; and FMS funds in the amount of $50,000,000 are being obligated at the time of award, none "
        "of which will expire at the end of the current fiscal year. Naval Air Systems Command, Patuxent River, "
        "Maryland, is the contracting activity.")
    assert names(event, entities, "recipient") == ["Australia", "Japan", "Netherlands"]
    assert event["details"]["obligated"] == ("Fiscal 2026 aircraft procurement (Navy) funds $100,000,000; FMS funds "
                                             "$50,000,000")
    assert [entities[s]["name"] for s in event["systems"]] == ["F-35 Lightning II"]


def test_fms_combined_purchases_for_the_governments_of() -> None:
    event, entities = award(
        "Raytheon Co., Tucson, Arizona, is awarded a $250,000,000 firm-fixed-price contract for Standard Missile-6 "
        "production. This contract combines purchases for the Navy (45%); and the governments of Australia (30%) "
        "and the Republic of Korea (25%) under the Foreign Military Sales program. Naval Sea Systems Command, "
        "Washington, D.C., is the contracting activity (N00024-26-C-5400).")
    assert names(event, entities, "recipient") == ["Australia", "South Korea"]
    assert entities["south-korea"]["aliases"] == ["Republic of Korea"]


def test_fms_customer_only_in_the_funds_clause() -> None:
    event, entities = award(
        "Raytheon Co., Andover, Massachusetts, was awarded a $12,000,000 firm-fixed-price contract for radar "
        "spares. Fiscal 2026 foreign military sales (Poland) funds in the amount of $12,000,000 were obligated at "
        "the time of the award. Army Contracting Command, Redstone Arsenal, Alabama, is the contracting activity "
        "(W31P4Q-26-C-0099).", heading="ARMY")
    assert names(event, entities, "recipient") == ["Poland"]
    assert "systems" not in event  # "radar spares" names no system


def test_tecro_is_taiwan() -> None:
    event, entities = award(
        "Kratos Defense & Security Solutions, Inc., San Diego, California, has been awarded a $12,000,000 "
        "contract for aerial targets for the Taipei Economic and Cultural Representative Office in the United "
        "States (TECRO). Air Force Life Cycle Management Center, Eglin Air Force Base, Florida, is the "
        "contracting activity (FA8682-26-C-0001).", heading="AIR FORCE")
    assert names(event, entities, "recipient") == ["Taiwan"]
    assert event["details"]["purchaser_as_named"] == ("Taipei Economic and Cultural Representative Office in the "
                                                      "United States")


def test_a_state_named_for_in_the_purpose_is_the_customer() -> None:
    event, entities = award(
        "Foster-Miller Inc., doing business as QinetiQ North America, Waltham, Massachusetts, was awarded a "
        "$10,401,796 firm-fixed-price contract for reset of AN/TPY-2 radar components for the Kingdom of Saudi "
        "Arabia. Army Contracting Command, Detroit Arsenal, Michigan, is the contracting activity "
        "(W56HZV-24-C-0010).", heading="ARMY")
    assert names(event, entities, "recipient") == ["Saudi Arabia"]
    assert entities["saudi-arabia"]["aliases"] == ["Kingdom of Saudi Arabia"]
    assert entities["foster-miller-inc"]["aliases"] == ["QinetiQ North America"]
    assert [entities[s]["name"] for s in event["systems"]] == ["AN/TPY-2 radar"]


def test_fms_customers_not_named() -> None:
    event, entities = award(
        "General Atomics Aeronautical Systems Inc. (GA-ASI), Poway, California, has been awarded a ceiling "
        "$45,000,000 cost-plus-fixed-fee contract for MQ-9B SkyGuardian aircraft for Foreign Military Sales "
        "(FMS) customers. Work will be performed in Poway, California, and is expected to be completed by Dec. "
        "31, 2028. The Air Force Life Cycle Management Center, Wright-Patterson Air Force Base, Ohio, is the "
        "contracting activity.", heading="AIR FORCE")
    assert names(event, entities, "recipient") == []
    assert event["details"]["fms_customers"] == "not named"
    assert entities["general-atomics-aeronautical-systems-inc"]["aliases"] == ["GA-ASI"]
    assert names(event, entities, "buyer") == ["Air Force Life Cycle Management Center"]
    assert [entities[s]["name"] for s in event["systems"]] == ["MQ-9B SkyGuardian"]


def test_awardee_name_before_the_first_comma() -> None:
    event, entities = award(
        "Lockheed Martin Corp., Lockheed Martin Aeronautics Co., Fort Worth, Texas, has been awarded a "
        "$45,000,000 cost-plus-fixed-fee contract for aircraft support. Air Force Life Cycle Management Center, "
        "Wright-Patterson Air Force Base, Ohio, is the contracting activity (FA8615-25-C-6058).")
    assert entities["lockheed-martin-corp"]["name"] == "Lockheed Martin Corp."
    assert entities["lockheed-martin-corp"]["description"] == "Fort Worth, Texas"
    event, entities = award(
        "Kratos Defense & Security Solutions, Inc., San Diego, California, is awarded a $9,000,000 contract for "
        "target drones. Naval Air Warfare Center Aircraft Division is the contracting activity (N0042125D0303).")
    kratos = entities["kratos-defense-and-security-solutions"]
    assert kratos["name"] == "Kratos Defense & Security Solutions"
    assert kratos["aliases"] == ["Kratos Defense & Security Solutions, Inc."]
    assert names(event, entities, "buyer") == ["Naval Air Warfare Center Aircraft Division"]


def test_small_business_mark() -> None:
    event, entities = award(
        "Napatree Technology LLC,* McLean, Virginia, was awarded a $499,000,000 firm-fixed-price contract for "
        "counter-drone systems. Army Contracting Command, Aberdeen Proving Ground, Maryland, is the contracting "
        "activity (W91CRB-26-D-0019).", heading="ARMY")
    assert names(event, entities, "contractor") == ["Napatree Technology LLC"]
    assert entities["napatree-technology-llc"]["description"] == "McLean, Virginia"
    assert event["details"]["small_business"] == "Napatree Technology LLC"


@pytest.mark.parametrize(("clause", "end"), [
    ("Work will be performed in Orlando, Florida, and is expected to be completed by Nov. 30, 2028.", "2028-11-30"),
    ("Work will be performed at Fort Worth, Texas, and is expected to be completed in December 2027.", "2027-12"),
    ("Work will be performed in Bethesda, Maryland, with an estimated completion date of Aug. 31, 2025.",
     "2025-08-31"),
    ("This was a competitive acquisition with three offers received. The ordering period end date is Nov. 17, "
     "2030.", "2030-11-17"),
    ("Work is expected to be complete by Oct. 19, 2032.", "2032-10-19"),
])
def test_completion_date(clause: str, end: str) -> None:
    event, _ = award("Leidos Inc., Reston, Virginia, is awarded a $15,000,000 firm-fixed-price contract for "
                     f"logistics services. {clause} Naval Supply Systems Command Fleet Logistics Center Norfolk, "
                     "Norfolk, Virginia, is the contracting activity (N00189-26-C-0001).")
    assert event["end_date"] == end


def test_contracting_activity_named_after_the_verb_and_dla_wording() -> None:
    event, entities = award(
        "Sikorsky Aircraft Corp., Stratford, Connecticut, has been awarded a maximum $86,000,000 firm-fixed-price "
        "contract for UH-60M Black Hawk spare parts. This was a sole-source acquisition. Location of performance "
        "is Connecticut, with a Nov. 17, 2030, ordering period end date. Using military service is Army. Type of "
        "appropriation is fiscal 2026 through 2031 Army working capital funds. The contracting activity is the "
        "Defense Logistics Agency Aviation, Redstone Arsenal, Alabama (SPRRA1-26-D-0007).",
        heading="DEFENSE LOGISTICS AGENCY")
    assert names(event, entities, "buyer") == ["Defense Logistics Agency Aviation"]
    assert event["details"]["contract"] == "SPRRA1-26-D-0007"
    assert event["end_date"] == "2030-11-17" and event["details"]["performance"] == "Connecticut"
    assert event["details"]["appropriation"] == "fiscal 2026 through 2031 Army working capital funds"
    assert event["details"]["agency_heading"] == "DEFENSE LOGISTICS AGENCY"
    assert [entities[s]["name"] for s in event["systems"]] == ["UH-60M Black Hawk"]


def test_no_funds_obligated() -> None:
    event, _ = award("American Electronic Warfare Associates Inc., California, Maryland, is awarded a $466,653,786 "
                     "contract for aircraft research. No funds will be obligated at the time of award. Naval Air "
                     "Warfare Center Aircraft Division is the contracting activity (N0042125D0303).")
    assert event["details"]["obligated"] == "none at the time of award"


def test_update_adds_an_awardee_with_its_amount() -> None:
    event, entities = award(
        "UPDATE: Dentsply North America LLC, Charlotte, North Carolina (SPE2DF-26-D-0020, $49,500,000), has been "
        "added as an awardee to the multiple award contract for dental equipment. The contracting activity is the "
        "Defense Logistics Agency Troop Support, Philadelphia, Pennsylvania.", heading="DEFENSE LOGISTICS AGENCY")
    assert names(event, entities, "contractor") == ["Dentsply North America LLC"]
    assert event["value"]["amount"] == 49500000
    assert event["details"]["contract"] == "SPE2DF-26-D-0020" and event["details"]["update"] == "yes"
    assert "contract_type" not in event["details"]


def test_correction_that_states_an_award_is_parsed() -> None:
    event, entities = award(
        "CORRECTION: Oshkosh Defense LLC, Oshkosh, Wisconsin, was awarded a $208,000,000 firm-fixed-price contract "
        "for Joint Light Tactical Vehicles. Army Contracting Command, Detroit Arsenal, Michigan, is the "
        "contracting activity (W56HZV-25-C-0077). (This contract was announced on Nov. 14, 2025, with an "
        "incorrect amount.)", heading="ARMY")
    assert names(event, entities, "contractor") == ["Oshkosh Defense LLC"]
    assert event["details"]["correction"] == "yes"
    assert event["evidence"].startswith("Oshkosh Defense LLC, Oshkosh")


def test_correction_restating_an_announced_award() -> None:
    parsed = parse("Contracts For Nov. 18, 2025\n\nARMY\n\nCORRECTION: The contract announced on Nov. 14, 2025, "
                   "for Example Vehicle Works Corp., Sterling Heights, Michigan (W56HZV-26-C-0031), was announced "
                   "with an incorrect amount. The correct amount is a $45,120,000 modification (P00004) to contract "
                   "W56HZV-26-C-0031 for M1A2 Abrams tank spare parts for the government of Saudi Arabia. Army "
                   "Contracting Command, Detroit Arsenal, Michigan, is the contracting activity.\n")
    assert parsed.problems == []
    [event] = parsed.events
    entities = {e["id"]: e for e in parsed.entities}
    assert names(event, entities, "contractor") == ["Example Vehicle Works Corp."]
    assert names(event, entities, "recipient") == ["Saudi Arabia"]
    assert event["value"]["amount"] == 45120000
    assert event["details"]["modification"] == "P00004" and event["details"]["correction"] == "yes"
    assert event["evidence"].startswith("The contract announced on Nov. 14, 2025, for Example Vehicle Works")
    [system] = [entities[s] for s in event["systems"]]
    assert system["name"] == "M1A2 Abrams" and system["evidence"].startswith("The correct amount is")
    assert entities["saudi-arabia"]["evidence"].startswith("The correct amount is")


def test_correction_that_states_no_award_is_a_problem() -> None:
    parsed = parse("Contracts For Nov. 17, 2025\n\nARMY\n\nCORRECTION: The contract announced on Nov. 14, 2025, "
                   "for Boeing Co., St. Louis, Missouri (W58RGZ-25-C-0001), was announced with an incorrect "
                   "completion date. The correct completion date is Dec. 31, 2028.\n\nCORRECTION: The Navy's "
                   "announcements of Nov. 13 omitted a footnote.\n")
    assert parsed.events == []
    assert [p.where for p in parsed.problems] == ["paragraph 3 (line 5)", "paragraph 4 (line 7)"]
    assert all("CORRECTION" in p.reason for p in parsed.problems)
    assert "amount" in parsed.problems[0].reason


def test_paragraphs_that_are_not_awards_yield_nothing() -> None:
    parsed = parse("Contracts For Nov. 17, 2025\n\nCONTRACTS\n\nContracts valued at $7.5 million or more are "
                   "announced each business day at 5 p.m.\n\nMISSILE DEFENSE AGENCY\n\n*Small business\n\n"
                   "**Small-disadvantaged business\n")
    assert parsed.events == [] and parsed.entities == [] and parsed.problems == []


def test_an_award_without_amount_is_a_problem_with_its_file_line_and_the_rest_loads(tmp_path: Path) -> None:
    path = tmp_path / "2025-11-17-dod-contracts.txt"
    path.write_text("url: https://www.defense.gov/News/Contracts/\ntitle: Contracts For Nov. 17, 2025\n"
                    "date: 2025-11-17\nprovenance: written for the project\n\n" + NASAMS
                    + "\nNAVY\n\nLeidos Inc., Reston, Virginia, is awarded a firm-fixed-price contract for\n"
                    "engineering services. Naval Information Warfare Systems Command, San Diego, California, is\n"
                    "the contracting activity (N66001-25-C-0001).\n", encoding="utf-8")
    parsed = dod_contracts.parse(read_official(path))
    assert len(parsed.events) == 1 and parsed.events[0]["details"]["contract"] == "W31P4Q-26-C-0012"
    [problem] = parsed.problems
    assert problem.where == "paragraph 6 (line 20)"
    assert "amount" in problem.reason and problem.excerpt.startswith("Leidos Inc.")
    assert path.read_text().split("\n")[19].startswith("Leidos Inc.")


def test_an_award_whose_awardee_cannot_be_read_is_a_problem() -> None:
    parsed = parse("Contracts For Nov. 17, 2025\n\nARMY\n\nThe program office was awarded a $5,000,000 budget "
                   "increase for testing.\n\n" + NASAMS.split("ARMY\n\n")[1])
    assert len(parsed.events) == 1
    [problem] = parsed.problems
    assert problem.where == "paragraph 3 (line 5)" and "awardee" in problem.reason


def test_two_awards_run_together_in_one_paragraph() -> None:
    parsed = parse("Contracts For Nov. 17, 2025\n\nARMY\n\n"
                   "AeroVironment Inc., Simi Valley, California, was awarded a $117,306,232 firm-fixed-price contract "
                   "for Switchblade loitering munitions. Army Contracting Command, Redstone Arsenal, Alabama, is the "
                   "contracting activity (W31P4Q-26-C-0200). BAE Systems Land and Armaments L.P., York, "
                   "Pennsylvania, was awarded a $60,000,000 firm-fixed-price contract for M109A7 self-propelled "
                   "howitzers. Army Contracting Command, Detroit Arsenal, Michigan, is the contracting activity "
                   "(W56HZV-26-C-0011).\n")
    assert [e["value"]["amount"] for e in parsed.events] == [117306232, 60000000]
    assert [e["id"] for e in parsed.events] == ["award-1", "award-2"]
    assert parsed.events[1]["details"]["contract"] == "W56HZV-26-C-0011"


def test_page_date_from_the_header_when_the_body_has_no_title() -> None:
    parsed = parse(NASAMS.split("\n\n", 1)[1], title="Contracts For Nov. 18, 2025", date="2025-11-19")
    assert parsed.events[0]["date"] == "2025-11-18"
    parsed = parse(NASAMS.split("\n\n", 1)[1], date="2025-11-19")
    assert parsed.events[0]["date"] == "2025-11-19"


@pytest.mark.parametrize("purpose", [
    "missile spare parts and aircraft components",  # generic words
    "follow-on sustainment of the Surveillance Radar Program",  # a programme, not a system
    "engineering support to Naval Air Systems Command",  # an organisation
])
def test_systems_only_for_proper_designations(purpose: str) -> None:
    event, _ = award(f"Raytheon Co., Tucson, Arizona, is awarded a $30,000,000 firm-fixed-price contract for {purpose}. "
                     "Naval Sea Systems Command, Washington, D.C., is the contracting activity (N00024-26-C-5401).")
    assert "systems" not in event


def test_html_page_as_saved_from_the_site(tmp_path: Path) -> None:
    path = tmp_path / "contracts.html"
    path.write_text("<html><head><title>Contracts For Nov. 17, 2025</title></head><body><h1>Contracts For Nov. 17, "
                    "2025</h1><p><strong>ARMY</strong></p><p>" + NASAMS.split("ARMY\n\n")[1].split("\n\n")[0]
                    + "</p><p>*Small business</p></body></html>", encoding="utf-8")
    parsed = dod_contracts.parse(read_official(path))
    assert parsed.problems == []
    [event] = parsed.events
    assert event["date"] == "2025-11-17" and event["details"]["agency_heading"] == "ARMY"
    assert event["value"]["amount"] == 698948760


def test_amount_right_after_the_verb_and_fms_of_these_actions() -> None:
    event, entities = award(
        "General Electric Co., Cincinnati, Ohio, has been awarded $707,274,997 for four undefinitized contract "
        "actions under an existing F110 indefinite-delivery/indefinite-quantity contract, for F110-GE-129 engine "
        "production. These actions involve Foreign Military Sales to Slovakia, Bulgaria, Taiwan and Qatar. Air "
        "Force Life Cycle Management Center, Wright-Patterson Air Force Base, Ohio, is the contracting activity "
        "(FA8626-18-D-0029).", heading="AIR FORCE")
    assert event["value"]["amount"] == 707274997
    assert "contract_type" not in event["details"]
    assert event["details"]["purpose"] == "F110-GE-129 engine production"
    assert names(event, entities, "recipient") == ["Slovakia", "Bulgaria", "Taiwan", "Qatar"]
    assert [entities[s]["name"] for s in event["systems"]] == ["F110-GE-129"]


def test_combined_value_stated_after_the_contract() -> None:
    event, entities = award(
        "Example Missile Systems Inc., Tucson, Arizona (N00024-26-C-5401); and Example Ordnance LLC, Camden, "
        "Arkansas (N00024-26-C-5402), are each awarded a firm-fixed-price contract with a combined value of "
        "$84,250,000 for the production of Evolved SeaSparrow Missile Block 2 canisters for the Navy and the "
        "governments of Japan, Australia and the Netherlands. Naval Sea Systems Command, Washington, D.C., is the "
        "contracting activity.")
    assert event["value"]["amount"] == 84250000
    assert event["details"]["amount_qualifier"] == "combined"
    assert event["details"]["contract_type"] == "firm-fixed-price"
    assert names(event, entities, "recipient") == ["Japan", "Australia", "Netherlands"]
    assert [entities[s]["name"] for s in event["systems"]] == ["Evolved SeaSparrow Missile Block 2"]
    assert event["confidence"] < 0.9  # the amount came from a weaker pattern


def test_fms_customers_in_parentheses_after_the_contract_type() -> None:
    event, entities = award(
        "General Dynamics Land Systems, Sterling Heights, Michigan, was awarded a $60,700,000 foreign military "
        "sales contract (Australia, Kuwait, Saudi Arabia) for systems technical support for the Abrams family of "
        "vehicles. Work will be performed in Sterling Heights, Michigan; Killeen, Texas; Germany; and the "
        "Netherlands, with an estimated completion date of Feb. 28, 2018. Army Contracting Command, Warren, "
        "Michigan, is the contracting activity.", heading="ARMY")
    assert names(event, entities, "recipient") == ["Australia", "Kuwait", "Saudi Arabia"]  # not Germany, Netherlands
    assert event["details"]["contract_type"] == "foreign military sales"
    assert [entities[s]["name"] for s in event["systems"]] == ["Abrams"]


def test_system_named_without_designation_or_acronym() -> None:
    event, entities = award(
        "Northrop Grumman, Huntsville, Alabama, was awarded a $349,377,402 firm-fixed-price, Foreign Military "
        "Sales (Poland) contract for two battery sets of Integrated Air and Missile Defense Battle Command System "
        "production hardware. Army Contracting Command, Redstone Arsenal, Alabama, is the contracting activity.",
        heading="ARMY")
    assert names(event, entities, "recipient") == ["Poland"]
    assert [entities[s]["name"] for s in event["systems"]] == ["Integrated Air and Missile Defense Battle Command "
                                                               "System"]


def test_the_page_goes_through_the_official_document_path(tmp_path: Path) -> None:
    path = tmp_path / "2025-11-17-dod-contracts.txt"
    path.write_text("url: https://www.war.gov/News/Contracts/\ndate: 2025-11-17\nkind: dod-contracts\n\n" + NASAMS,
                    encoding="utf-8")
    document = parse_official(path)
    assert document.kind == "dod-contracts" and document.problems == []
    assert document.annotation["article"]["outlet"] == "U.S. Department of Defense"
    document.annotation_file()  # checked as the load pipeline takes it


def test_the_award_loads_with_its_evidence(graph: Graph, loader, tmp_path: Path) -> None:
    text = "kind: dod-contracts\n\n" + NASAMS.replace("$698,948,760 firm", "$698,948,761 firm")
    with scratch_source(loader, tmp_path / "test-dod-contracts-nasams.txt", text):
        rows = graph.read(Cypher("""
            MATCH (a:ContractAward {amount: 698948761})-[:CONTRACTOR]->(c)
            MATCH (a)-[:RECIPIENT]->(r:State)
            MATCH (a)-[:BUYER]->(b)
            MATCH (a)-[:EVIDENCED_BY]->(ev:Evidence)
            RETURN a.date AS date, c.id AS contractor, r.id AS recipient, b.name AS buyer,
                   collect(DISTINCT {sentence: ev.sentence, method: ev.method, start: ev.startOffset}) AS evidence"""))
    assert len(rows) == 1
    assert rows[0]["date"] == "2025-11-17" and rows[0]["recipient"] == "state:TW"
    assert rows[0]["buyer"] == "Army Contracting Command"
    [evidence] = rows[0]["evidence"]
    assert evidence["sentence"].startswith("Raytheon Co., Andover, Massachusetts, was awarded")
    assert evidence["method"] == "parser:dod-contracts" and evidence["start"] is not None


def test_several_awardees_each_with_its_own_amount() -> None:
    event, entities = award(
        "Valero Marketing and Supply Co.,* San Antonio, Texas (SPE603-26-D-0101, $18,000,000); and World Fuel "
        "Services Inc. (doing business as World Kinect), Miami, Florida (SPE603-26-D-0102, $7,500,000), have been "
        "awarded fixed-price with economic-price-adjustment contracts for aviation fuel. The contracting activity "
        "is the Defense Logistics Agency Energy, Fort Belvoir, Virginia.", heading="DEFENSE LOGISTICS AGENCY")
    assert names(event, entities, "contractor") == ["Valero Marketing and Supply Co.", "World Fuel Services Inc."]
    assert entities["world-fuel-services-inc"]["aliases"] == ["World Kinect"]
    assert entities["world-fuel-services-inc"]["description"] == "Miami, Florida"
    assert event["value"]["amount"] == 25500000 and event["details"]["amount_qualifier"] == "combined"
    assert event["details"]["contract_type"] == "fixed-price with economic-price-adjustment"
    assert event["details"]["contract"] == "SPE603-26-D-0101; SPE603-26-D-0102"


def test_amount_worth_up_to_after_the_contract() -> None:
    event, _ = award("Oshkosh Defense LLC, Oshkosh, Wisconsin, was awarded a firm-fixed-price contract worth up to "
                     "$1,500,000,000 for Joint Light Tactical Vehicles. Army Contracting Command, Detroit Arsenal, "
                     "Michigan, is the contracting activity (W56HZV-26-D-0001).", heading="ARMY")
    assert event["value"]["amount"] == 1500000000
    assert event["details"]["contract_type"] == "firm-fixed-price"


def test_a_us_state_named_like_a_country_is_no_customer() -> None:
    event, entities = award(
        "Lockheed Martin Corp., Marietta, Georgia, has been awarded a $40,000,000 firm-fixed-price contract for "
        "C-130J depot support for Foreign Military Sales customers at Robins Air Force Base, Georgia. This "
        "contract involves Foreign Military Sales to Georgia and Israel. Air Force Life Cycle Management Center, "
        "Robins Air Force Base, Georgia, is the contracting activity (FA8504-26-C-0001).", heading="AIR FORCE")
    assert names(event, entities, "recipient") == ["Georgia", "Israel"]
    [customer] = [e for e in entities.values() if e["name"] == "Georgia"]
    assert customer["evidence"].startswith("This contract involves")


def test_hyphenated_contract_type_and_a_designation_before_a_long_name() -> None:
    event, entities = award(
        "BAE Systems Information and Electronic Systems, Fort Wayne, Indiana, was awarded a $459,802,408 "
        "order-dependent contract for AN/ARC-231/A Multi-mode Aviation Radio Suite hardware components. Army "
        "Contracting Command, Aberdeen Proving Ground, Maryland, is the contracting activity (W56JSR-24-D-0002).",
        heading="ARMY")
    assert event["details"]["contract_type"] == "order-dependent"
    assert [entities[s]["name"] for s in event["systems"]] == ["AN/ARC-231/A"]


def test_one_system_named_twice_and_no_system_from_a_programme_phrase() -> None:
    event, entities = award(
        "Lockheed Martin Corp., Fort Worth, Texas, has been awarded a $45,000,000 cost-plus-fixed-fee modification "
        "(P00011) to previously awarded contract FA8615-19-C-6058 for F-35 Lightning II Joint Strike Fighter "
        "Systems Development and Demonstration. Air Force Life Cycle Management Center, Wright-Patterson Air Force "
        "Base, Ohio, is the contracting activity.", heading="AIR FORCE")
    [system] = [entities[s] for s in event["systems"]]
    assert system["name"] == "F-35 Lightning II" and "Joint Strike Fighter" in system["aliases"]


def test_an_award_sentence_after_the_contracting_activity_without_an_awardee_stays_in_its_award() -> None:
    event, _ = award(
        "Alberici Constructors Inc., St. Louis, Missouri; Hensel Phelps Construction Co., Greeley, Colorado; and "
        "Fluor Federal Solutions LLC, Greenville, South Carolina, are awarded a $9,000,000,000 "
        "indefinite-delivery/indefinite-quantity, multiple award construction contract for dry dock work. Naval "
        "Facilities Engineering Systems Command, Norfolk, Virginia, is the contracting activity. Each awardee will "
        "be awarded a $5,000 minimum guarantee.")
    assert event["value"]["amount"] == 9000000000
    assert event["details"]["contract_type"] == "indefinite-delivery/indefinite-quantity, multiple award construction"


def test_funds_options_competition_and_places_without_shares() -> None:
    event, _ = award(
        "Raytheon Co., Tucson, Arizona, is awarded a $258,742,330 cost-plus-incentive-fee contract for the "
        "development of the Standard Missile-2 Block IIICU All Up Round for the Navy and the government of Canada. "
        "This contract includes options which, if exercised, would bring the cumulative value of this contract to "
        "$263,137,090. Work will be performed in Tucson, Arizona; Simsbury, Connecticut; and Wolverhampton, United "
        "Kingdom, and is expected to be completed by September 2031. Fiscal 2025 research, development, test and "
        "evaluation (Navy) funds in the amount of $52,054,849 (65%); and Foreign Military Sales (Canada) funds in "
        "the amount of $18,473,766 (23%) will be obligated at time of award, none of which will expire at the end "
        "of the current fiscal year. This contract was not competitively procured in accordance with 10 U.S. Code "
        "3204(a)(1). Naval Sea Systems Command, Washington, D.C., is the contracting activity.")
    details = event["details"]
    assert details["obligated"] == ("Fiscal 2025 research, development, test and evaluation (Navy) funds $52,054,849 "
                                    "(65%); Foreign Military Sales (Canada) funds $18,473,766 (23%)")
    assert details["cumulative_value"] == "$263,137,090 if all options are exercised"
    assert details["competition"] == "not competitively procured"
    assert details["performance"] == "Tucson, Arizona; Simsbury, Connecticut; Wolverhampton, United Kingdom"
    assert event["value"]["amount"] == 258742330 and event["end_date"] == "2031-09"


@pytest.mark.parametrize(("sentence", "obligated", "competition"), [
    ("Foreign Military Sales (Taiwan) funds are being obligated at the time of award. This award is the result of "
     "country-directed, sole-source acquisitions.", "Foreign Military Sales (Taiwan) funds (amount not stated)",
     "country-directed, sole-source acquisitions"),
    ("Funds will be obligated on individual task orders. Bids were solicited via the internet with three received.",
     "Funds will be obligated on individual task orders", "competitive, three received"),
    ("No funds will be obligated at the time of award. This was a sole-source acquisition.",
     "none at the time of award", "sole source"),
])
def test_funds_and_competition_wordings(sentence: str, obligated: str, competition: str) -> None:
    event, _ = award(f"Leidos Inc., Reston, Virginia, is awarded a $15,000,000 firm-fixed-price contract for radar "
                     f"support. {sentence} Air Force Life Cycle Management Center, Hanscom Air Force Base, "
                     "Massachusetts, is the contracting activity.")
    assert event["details"]["obligated"] == obligated
    assert event["details"]["competition"] == competition


@pytest.mark.parametrize(("text", "expected"), [
    ("Work will be performed in St. Louis, Missouri, and Ft. Worth, Texas. Fiscal 2026 funds are obligated.",
     ["Work will be performed in St. Louis, Missouri, and Ft. Worth, Texas.", "Fiscal 2026 funds are obligated."]),
    ("Work will be performed in Washington, D.C. Fiscal 2026 funds are obligated.",
     ["Work will be performed in Washington, D.C.", "Fiscal 2026 funds are obligated."]),
    ("It ends Nov. 30, 2028. U.S. Army Contracting Command, Warren, Michigan, is the contracting activity.",
     ["It ends Nov. 30, 2028.", "U.S. Army Contracting Command, Warren, Michigan, is the contracting activity."]),
    ("Boeing Co. (N00019-25-C-0001) is awarded $5 for Increment I. Work will be performed in Mesa, Arizona.",
     ["Boeing Co. (N00019-25-C-0001) is awarded $5 for Increment I.", "Work will be performed in Mesa, Arizona."]),
])
def test_sentences_keep_abbreviations_and_end_at_sentence_openers(text: str, expected: list[str]) -> None:
    assert announcement_sentences(text) == expected


def test_an_award_in_a_wording_the_parser_does_not_read_is_reported_not_dropped() -> None:
    parsed = parse("Contracts For Jan. 2, 2031\n\nARMY\n\nAcme Widgets Inc., Huntsville, Alabama, has been selected for a "
                   "$20,000,000 firm-fixed-price contract for spare parts. This contract involves Foreign Military Sales "
                   "to Poland. Army Contracting Command, Redstone Arsenal, Alabama, is the contracting activity.\n\n"
                   "The Army said more awards would follow.\n")
    [problem] = parsed.problems
    assert problem.where == "paragraph 3 (line 5)" and "a wording the parser does not read" in problem.reason
    assert parsed.events == []
