"""The SIPRI trade register CSV parser (loaders/official/sipri_csv.py).

Every CSV here is written for these tests in the export's layout; none holds SIPRI's rows or
figures (TIV numbers are made up).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rdflib import RDF

from kg.ontology import AKG, load_ontology
from loaders.annotations import parse_annotation_data
from loaders.official import sipri_csv
from loaders.official.inputs import read_official
from loaders.official.sipri_csv import parse
from loaders.official.source import OfficialText, Parsed
from loaders.official.weapon_categories import CATEGORY_WORDS, weapon_categories

PREAMBLE = """\
Transfers of major weapons: Deals with deliveries or orders made for 2018 to 2024
"Note: The 'Deliveries in the Year Range' and 'Year(s) of delivery' columns hold deliveries in the selected years only."
A '?' marks uncertain data. Figures in the TIV columns are SIPRI trend-indicator values (millions).
Source: SIPRI Arms Transfers Database (c) SIPRI.
Data generated: 07 December 2026
"""
HEADER = ("Recipient,Supplier,Year of order, ,Number ordered, ,Weapon designation,Weapon description,"
          "Deliveries in the Year Range, ,Year(s) of delivery,status,Comments,SIPRI TIV per unit,"
          "SIPRI TIV for total order,SIPRI TIV of delivered weapons")
SPACED_HEADER = ('Recipient, Supplier, Year of order, "", Number ordered, "", Weapon designation, Weapon description, '
                 'Number delivered, "", Year(s) of delivery, status, Comments, SIPRI TIV per unit, '
                 'SIPRI TIV for total order, SIPRI TIV of delivered weapons')


def _text(body: str, *, offset: int = 0) -> OfficialText:
    return OfficialText(path=Path("register.csv"), id="register", body=body, line_offset=offset)


def _csv(*rows: str, header: str = HEADER, preamble: str = PREAMBLE) -> str:
    return preamble + "\n" + header + "\n" + "\n".join(rows) + "\n"


def _line_of(body: str, row: str) -> int:
    return body.split("\n").index(row) + 1


def _events(parsed: Parsed, type_: str) -> list[dict[str, Any]]:
    return [e for e in parsed.events if e["type"] == type_]


def _entity(parsed: Parsed, entity_id: str) -> dict[str, Any]:
    return next(e for e in parsed.entities if e["id"] == entity_id)


def _names(parsed: Parsed, event: dict[str, Any], role: str) -> list[str]:
    return [_entity(parsed, p["entity"])["name"] for p in event["participants"] if p["role"] == role]


def _valid(parsed: Parsed, body: str) -> None:
    """The output is a well-formed annotation and every evidence line is quoted from the body."""
    article = {k: v for k, v in parsed.article.items() if k != "metadata"}
    parse_annotation_data({"article": {"id": "register", **article, "metadata": parsed.article.get("metadata", {})},
                           "entities": parsed.entities, "events": parsed.events}, "register.csv")
    for item in parsed.entities + parsed.events:
        assert item["evidence"] in body
        assert item["method"] == sipri_csv.METHOD
        assert 0 <= item["confidence"] <= 1


POLAND_K2 = ('Poland,South Korea,2022,,180,,K2,tank,46,,2022; 2023,New,'
             '"Polish designation K2PL; first batch, of 1,000 planned",4.1,738,188.6')


def test_a_row_is_an_arms_sale_with_a_delivery_per_year() -> None:
    body = _csv(POLAND_K2)
    parsed = parse(_text(body))
    assert parsed.problems == []
    _valid(parsed, body)
    (sale,) = _events(parsed, "ArmsSale")
    assert _names(parsed, sale, "supplier") == ["South Korea"]
    assert _names(parsed, sale, "recipient") == ["Poland"]
    assert sale["date"] == "2022" and sale["quantity"] == 180
    assert [_entity(parsed, s)["name"] for s in sale["systems"]] == ["K2"]
    assert sale["evidence"] == POLAND_K2
    row = _line_of(body, POLAND_K2)
    assert sale["id"] == f"sale-row{row}" and sale["details"]["row"] == str(row)
    deliveries = _events(parsed, "Delivery")
    assert [d["date"] for d in deliveries] == ["2022", "2023"]
    assert all(d["part_of"] == sale["id"] and d["evidence"] == POLAND_K2 for d in deliveries)
    assert all("quantity" not in d for d in deliveries)  # 46 over two years: no per-year figure
    assert all(_names(parsed, d, "recipient") == ["Poland"] for d in deliveries)
    assert sale["details"]["delivered_in_range"] == "46"


def test_quoted_comments_keep_commas_and_semicolons_and_tiv_stays_in_details() -> None:
    parsed = parse(_text(_csv(POLAND_K2)))
    (sale,) = _events(parsed, "ArmsSale")
    details = sale["details"]
    assert details["comments"] == "Polish designation K2PL; first batch, of 1,000 planned"
    assert (details["tiv_per_unit"], details["tiv_total"], details["tiv_delivered"]) == ("4.1", "738", "188.6")
    assert details["status"] == "New"
    assert "value" not in sale and all("value" not in e for e in parsed.events)
    assert parsed.article["metadata"]["tiv_unit"].startswith("millions of SIPRI trend-indicator values")


def test_preamble_gives_date_title_and_source() -> None:
    parsed = parse(_text(_csv(POLAND_K2)))
    article = parsed.article
    assert article["type"] == "Report" and article["outlet"] == "SIPRI Arms Transfers Database"
    assert article["date"] == "2026-12-07"
    assert article["title"].startswith("Transfers of major weapons")
    assert article["metadata"]["source"] == "SIPRI Arms Transfers Database (c) SIPRI."
    assert article["metadata"]["data_generated"] == "07 December 2026"
    assert article["metadata"]["delivered_column"] == "Deliveries in the Year Range"


@pytest.mark.parametrize("preamble", [
    "",  # no preamble at all
    "Source: SIPRI Arms Transfers Database (c) SIPRI.\nData generated: March 3, 2025 10:15:02\n",
    "Title\n\nNotes line one,\nNotes line two,,,\n\n\nSource: SIPRI Arms Transfers Database (c) SIPRI.\n"
    "Data generated: 2025-03-03\n\n\n",
])
def test_preamble_of_any_length(preamble: str) -> None:
    body = _csv(POLAND_K2, preamble=preamble)
    parsed = parse(_text(body))
    assert parsed.problems == []
    assert len(_events(parsed, "ArmsSale")) == 1
    assert _events(parsed, "ArmsSale")[0]["details"]["row"] == str(_line_of(body, POLAND_K2))
    assert parsed.article.get("date") == (None if not preamble else "2025-03-03")


def test_unreadable_generation_date_is_a_problem_and_rows_still_parse() -> None:
    body = _csv(POLAND_K2, preamble="Source: SIPRI Arms Transfers Database (c) SIPRI.\nData generated: someday\n")
    parsed = parse(_text(body))
    assert [p.where for p in parsed.problems] == ["line 2"]
    assert "Data generated" in parsed.problems[0].reason
    assert "date" not in parsed.article and len(_events(parsed, "ArmsSale")) == 1


def test_spaced_header_with_number_delivered_and_spaced_rows() -> None:
    row = 'Taiwan, United States, 2024, "", 3, "", NASAMS, SAM system, 1, "", 2025, New, "Fire units; with radars", 50, 150, 50'
    body = _csv(row, header=SPACED_HEADER)
    parsed = parse(_text(body))
    assert parsed.problems == []
    _valid(parsed, body)
    (sale,) = _events(parsed, "ArmsSale")
    assert _names(parsed, sale, "recipient") == ["Taiwan"] and sale["quantity"] == 3
    assert sale["details"]["delivered"] == "1" and sale["details"]["comments"] == "Fire units; with radars"
    (delivery,) = _events(parsed, "Delivery")
    assert delivery["date"] == "2025" and delivery["quantity"] == 1  # one delivery year: the number is its
    assert parsed.article["metadata"]["delivered_column"] == "Number delivered"


def test_question_mark_flags_mark_uncertain_values() -> None:
    row = "Egypt,Germany,2018,?,4,?,MEKO-A200,frigate,2,?,2023,New,,300,1200,600"
    parsed = parse(_text(_csv(row)))
    assert parsed.problems == []
    (sale,) = _events(parsed, "ArmsSale")
    assert sale["details"]["order_year_uncertain"] == "yes"
    assert sale["details"]["quantity_uncertain"] == "yes"
    assert sale["details"]["delivered_in_range"] == "2 (uncertain)"
    (delivery,) = _events(parsed, "Delivery")
    assert delivery["quantity"] == 2 and delivery["details"]["quantity_uncertain"] == "yes"
    clean = parse(_text(_csv(row.replace("?", ""))))
    assert sale["confidence"] < _events(clean, "ArmsSale")[0]["confidence"]


def test_an_estimate_in_parentheses_is_an_uncertain_number() -> None:
    row = "Egypt,Germany,2018,,(4),,MEKO-A200,frigate,(2),,2023,New,,300,1200,600"
    parsed = parse(_text(_csv(row)))
    assert parsed.problems == []
    (sale,) = _events(parsed, "ArmsSale")
    assert sale["quantity"] == 4 and sale["details"]["quantity_uncertain"] == "yes"
    assert _events(parsed, "Delivery")[0]["quantity"] == 2


def test_a_flag_column_holding_something_else_is_reported_and_the_row_kept() -> None:
    row = "Egypt,Germany,2018,x,4,,MEKO-A200,frigate,,,,New,,300,1200,"
    body = _csv(row)
    parsed = parse(_text(body))
    assert [p.where for p in parsed.problems] == [f"row {_line_of(body, row)}"]
    assert "'x'" in parsed.problems[0].reason
    (sale,) = _events(parsed, "ArmsSale")
    assert sale["details"]["order_year_uncertain"] == "yes" and sale["confidence"] < 0.9


def test_delivery_year_range_gives_each_year() -> None:
    row = "Ukraine,Turkiye,2019,,12,,TB2,armed UAV,12,,2019-2022,New,,1.5,18,18"
    parsed = parse(_text(_csv(row)))
    assert [d["date"] for d in _events(parsed, "Delivery")] == ["2019", "2020", "2021", "2022"]
    assert all("quantity" not in d for d in _events(parsed, "Delivery"))


def test_mixed_years_and_ranges_are_merged() -> None:
    row = "Ukraine,Turkiye,2019,,12,,TB2,armed UAV,12,,2019; 2021-2022; 2022,New,,1.5,18,18"
    parsed = parse(_text(_csv(row)))
    assert [d["date"] for d in _events(parsed, "Delivery")] == ["2019", "2021", "2022"]


def test_non_state_recipients_and_suppliers_are_organizations() -> None:
    rows = ("NATO**,United States,2019,,6,,Patriot PAC-3,SAM,,,,New,,12.5,75,",
            "Somalia,African Union**,2021,,4,,Casspir,APC,4,,2021,Second hand,,0.5,2,2")
    body = _csv(*rows)
    parsed = parse(_text(body))
    assert parsed.problems == []
    _valid(parsed, body)
    nato, au = _events(parsed, "ArmsSale")
    (recipient,) = [p["entity"] for p in nato["participants"] if p["role"] == "recipient"]
    assert _entity(parsed, recipient)["type"] == "Organization" and _entity(parsed, recipient)["name"] == "NATO"
    (supplier,) = [p["entity"] for p in au["participants"] if p["role"] == "supplier"]
    assert (_entity(parsed, supplier)["type"], _entity(parsed, supplier)["name"]) == ("Organization", "African Union")


def test_empty_numbers_leave_quantities_out_and_lower_confidence() -> None:
    row = "India,France,2023,,,,Rafale M,fighter aircraft,,,,New,Number not yet known,,,"
    parsed = parse(_text(_csv(row)))
    assert parsed.problems == []
    (sale,) = _events(parsed, "ArmsSale")
    assert "quantity" not in sale and _events(parsed, "Delivery") == []
    assert not {"tiv_per_unit", "tiv_total", "tiv_delivered", "delivered_in_range"} & set(sale["details"])
    full = parse(_text(_csv(POLAND_K2)))
    assert sale["confidence"] < _events(full, "ArmsSale")[0]["confidence"]


@pytest.mark.parametrize(("written", "name", "alias"), [
    ("Turkiye", "Turkey", "Turkiye"),
    ("Viet Nam", "Vietnam", "Viet Nam"),
    ('"Korea, South"', "South Korea", "Korea, South"),
    ("UAE", "United Arab Emirates", "UAE"),
    ("Czechia", "Czech Republic", "Czechia"),
    ("Poland", "Poland", None),
])
def test_state_names_map_to_the_reference_set(written: str, name: str, alias: str | None) -> None:
    row = f"{written},France,2020,,2,,Caesar,self-propelled gun,,,,New,,1,2,"
    parsed = parse(_text(_csv(row)))
    assert parsed.problems == []
    (sale,) = _events(parsed, "ArmsSale")
    (recipient,) = [_entity(parsed, p["entity"]) for p in sale["participants"] if p["role"] == "recipient"]
    assert recipient["type"] == "State" and recipient["name"] == name
    assert recipient.get("aliases", []) == ([alias] if alias else [])


def test_a_state_the_reference_set_lacks_keeps_its_name_with_lower_confidence() -> None:
    row = "Cuba,Soviet Union,1985,,10,,MiG-23,fighter aircraft,10,,1986,New,,10,100,100"
    parsed = parse(_text(_csv(row)))
    (supplier,) = [e for e in parsed.entities if e["name"] == "Soviet Union"]
    assert supplier["type"] == "State" and supplier["confidence"] < _entity(parsed, "cuba")["confidence"]


def test_entities_are_shared_between_rows_and_ids_stable() -> None:
    rows = (POLAND_K2, "Poland,South Korea,2022,,212,,K9,self-propelled gun,,,,New,,3.6,763,",
            "Poland,United States,2018,,2,,Patriot,SAM system,,,,New,,,,")
    body = _csv(*rows)
    first, second = parse(_text(body)), parse(_text(body))
    assert first.entities == second.entities and first.events == second.events
    ids = [e["id"] for e in first.entities] + [e["id"] for e in first.events]
    assert len(ids) == len(set(ids))
    assert [e["name"] for e in first.entities if e["type"] == "State"] == ["Poland", "South Korea", "United States"]
    assert _entity(first, "poland")["evidence"] == POLAND_K2  # the first row naming it


@pytest.mark.parametrize(("description", "categories"), [
    ("SAM system", ["AirDefence"]),
    ("portable SAM", ["AirDefence", "Missile"]),
    ("fighter aircraft", ["CombatAircraft"]),
    ("FGA aircraft", ["CombatAircraft"]),
    ("transport aircraft", ["Aircraft"]),
    ("aircraft carrier", ["Naval"]),
    ("ASW helicopter", ["Helicopter"]),
    ("armed UAV", ["UAV"]),
    ("reconnaissance drone", ["UAV"]),
    ("tank", ["ArmouredVehicle"]),
    ("APC/IFV", ["ArmouredVehicle"]),
    ("frigate", ["Naval"]),
    ("patrol boat", ["Naval"]),
    ("submarine", ["Submarine"]),
    ("self-propelled gun", ["Artillery"]),
    ("self-propelled MRL", ["Artillery"]),
    ("self-propelled AA gun", ["AirDefence"]),
    ("anti-ship missile", ["Missile"]),
    ("anti-radar missile", ["Missile"]),
    ("anti-tank missile", ["AntiTank", "Missile"]),
    ("guided bomb", ["Munition"]),
    ("ASW torpedo", ["Munition"]),
    ("loitering munition", ["Munition"]),
    ("fire control radar", ["Radar"]),
    ("turbofan", ["AircraftParts"]),
    ("machine gun", ["SmallArms"]),
    ("diesel engine", []),
])
def test_weapon_descriptions_map_to_ontology_categories(description: str, categories: list[str]) -> None:
    assert weapon_categories(description) == categories


def test_every_category_named_is_a_weapon_category_of_the_ontology() -> None:
    graph = load_ontology().graph
    named = {c for _, cats in CATEGORY_WORDS for c in cats}
    assert named and all((AKG[c], RDF.type, AKG.WeaponCategory) in graph for c in named)


def test_weapon_system_carries_description_and_category() -> None:
    parsed = parse(_text(_csv(POLAND_K2)))
    system = _entity(parsed, "system-k2")
    assert (system["type"], system["description"], system["category"]) == ("WeaponSystem", "tank", ["ArmouredVehicle"])


BAD_ROWS = [
    ("Egypt,France,2019,,2,,Rafale,fighter aircraft,,,,New,,,", "has 15 columns, the header 16"),
    ("Korea, South,Germany,2021,,1,,Type 214,submarine,,,,New,,,,", "has 17 columns, the header 16"),
    (",France,2019,,2,,Rafale,fighter aircraft,,,,New,,,,", "no recipient"),
    ("Egypt,,2019,,2,,Rafale,fighter aircraft,,,,New,,,,", "no supplier"),
    ("Egypt,France,20l9,,2,,Rafale,fighter aircraft,,,,New,,,,", "year of order '20l9' is not a year"),
    ("Egypt,France,2019,,2,,Rafale,fighter aircraft,2,,2020; 202,New,,,,", "year of delivery '202' is not a year"),
    ("Egypt,France,2019,,2,,Rafale,fighter aircraft,2,,2022-2020,New,,,,", "not a range of years"),
    ("Egypt,France,2019,,two,,Rafale,fighter aircraft,,,,New,,,,", "number ordered 'two' is not a whole number"),
    ("Egypt,France,2019,,2,,Rafale,fighter aircraft,,,,New,,n/a,,", "SIPRI TIV per unit 'n/a' is not a number"),
    ("Saudi Arabia,unknown supplier(s),2018,,10,,Hermes,reconnaissance drone,,,,New,,,,", "a known supplier"),
]


@pytest.mark.parametrize(("row", "reason"), BAD_ROWS)
def test_a_row_that_cannot_be_parsed_is_reported_with_its_file_line(row: str, reason: str) -> None:
    good = "Morocco,Israel,2020,,1,,Heron,reconnaissance UAV,1,,2021,New,,3,3,3"
    body = _csv(POLAND_K2, row, good)
    parsed = parse(_text(body, offset=3))
    (problem,) = parsed.problems
    assert problem.where == f"row {_line_of(body, row) + 3}"
    assert reason in problem.reason
    assert problem.excerpt == row
    assert [e["evidence"] for e in _events(parsed, "ArmsSale")] == [POLAND_K2, good]
    _valid(parsed, body)
    # nothing of the bad row leaks into the output: no entity is evidenced by it
    assert all(e["evidence"] != row for e in parsed.entities)


def test_no_header_row_is_one_problem() -> None:
    parsed = parse(_text("Just some text\nwith no register\n"))
    assert [(p.where, "Recipient,Supplier," in p.reason) for p in parsed.problems] == [("file", True)]
    assert parsed.events == [] and parsed.entities == []


def test_header_without_a_needed_column_is_a_problem() -> None:
    header = HEADER.replace("Weapon designation", "Weapon name")
    body = _csv(POLAND_K2, header=header)
    parsed = parse(_text(body))
    (problem,) = parsed.problems
    assert problem.where == f"header (line {_line_of(body, header)})" and "designation" in problem.reason
    assert parsed.events == []


def test_a_comment_over_two_lines_is_one_row_evidenced_by_both_lines() -> None:
    lines = ('Chile,Netherlands,2020,,2,,Karel Doorman,frigate,2,,2021,Second hand,"Modernised before delivery;',
             'with new radars, sonars",150,300,300')
    body = _csv(*lines, "Morocco,Israel,2020,,1,,Heron,reconnaissance UAV,1,,2021,New,,3,3,3")
    parsed = parse(_text(body))
    assert parsed.problems == []
    sale = _events(parsed, "ArmsSale")[0]
    assert sale["evidence"] == "\n".join(lines) and sale["details"]["row"] == str(_line_of(body, lines[0]))
    assert sale["details"]["comments"] == "Modernised before delivery; with new radars, sonars"
    assert _events(parsed, "ArmsSale")[1]["details"]["row"] == str(_line_of(body, lines[0]) + 2)


def test_an_unclosed_quote_costs_one_row() -> None:
    bad = 'Chile,Netherlands,2020,,2,,Karel Doorman,frigate,2,,2021,Second hand,"Modernised,150,300,300'
    good = "Morocco,Israel,2020,,1,,Heron,reconnaissance UAV,1,,2021,New,,3,3,3"
    body = _csv(POLAND_K2, bad, good)
    parsed = parse(_text(body))
    assert [p.where for p in parsed.problems] == [f"row {_line_of(body, bad)}"]
    assert [e["evidence"] for e in _events(parsed, "ArmsSale")] == [POLAND_K2, good]


def test_a_trailing_comma_on_header_and_rows_is_no_column() -> None:
    body = _csv(POLAND_K2 + ",", header=HEADER + ",")
    parsed = parse(_text(body))
    assert parsed.problems == [] and len(_events(parsed, "ArmsSale")) == 1


def test_windows_1252_export_reads(tmp_path: Path) -> None:
    row = "C\u00f4te d'Ivoire,France,2019,,3,,VAB,APC,3,,2020,Second hand,,0.3,0.9,0.9"
    path = tmp_path / "old-export.csv"
    path.write_bytes(_csv(row).replace("\n", "\r\n").encode("cp1252"))
    parsed = parse(read_official(path))
    assert parsed.problems == []
    (sale,) = _events(parsed, "ArmsSale")
    assert _names(parsed, sale, "recipient") == ["Ivory Coast"]
    assert sale["evidence"] == row


# -- loading (on each engine) --------------------------------------------------------------


def test_a_register_loads_with_its_sales_deliveries_and_row_evidence(loader, graph, tmp_path: Path) -> None:
    from kg.cypher import Cypher

    bad = "Egypt,France,20l9,,2,,Rafale,fighter aircraft,,,,New,,,,"
    body = _csv(POLAND_K2, bad)
    path = tmp_path / "2026-12-07-sipri-test-register.csv"
    path.write_text(body, encoding="utf-8")
    summary = loader.load([path])
    assert not summary.rejected, [str(r) for r in summary.rejected]
    (report,) = summary.reports
    try:
        assert any(f"row {_line_of(body, bad)}" in w for w in report.warnings), report.warnings
        rows = graph.read(Cypher("""
            MATCH (s:ArmsSale)-[:EVIDENCED_BY]->(ev:Evidence)-[:FROM_SOURCE]->(:Source {id: $source}),
                  (s)-[:SUPPLIER]->(sup:State), (s)-[:RECIPIENT]->(rec:State), (s)-[:INVOLVES_SYSTEM]->(w:WeaponSystem)
            OPTIONAL MATCH (d:Delivery)-[:PART_OF]->(s)
            OPTIONAL MATCH (w)-[:CATEGORY]->(c:WeaponCategory)
            RETURN sup.id AS supplier, rec.id AS recipient, w.name AS system, s.quantity AS quantity,
                   ev.sentence AS sentence, collect(DISTINCT d.date) AS deliveries, collect(DISTINCT c.id) AS categories
            """), source=f"source:{path.stem}")
        assert len(rows) == 1, rows
        row = rows[0]
        assert (row["supplier"], row["recipient"], row["system"], row["quantity"]) == ("state:KR", "state:PL", "K2", 180)
        assert row["sentence"].split() == POLAND_K2.split()
        assert sorted(row["deliveries"]) == ["2022", "2023"]
        assert row["categories"] == ["category:ArmouredVehicle"]
    finally:
        loader.unload(report.source_id)
