"""What the extractor finds without a list: state bodies named by a common noun, people introduced by what they
are, places and outlets left out of the file, several events in one sentence, Other events, signed agreements.

Every sentence here was written for the test; none comes from the development set.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders.extraction.appositives import described_people
from loaders.extraction.article import parse_article
from loaders.extraction.bodies import state_bodies, state_posts
from loaders.extraction.extract import extract_article
from loaders.extraction.gazetteer import build_gazetteer
from loaders.extraction.mentions import find_mentions


@pytest.fixture(scope="module")
def gaz():
    return build_gazetteer()


def extract_text(text: str, gaz) -> dict:
    return extract_article(parse_article(text, path=Path("test-article.txt"), date="2025-06-02"), gaz)


def events_of(annotation: dict, type_: str) -> list[dict]:
    names = {e["id"]: e["name"] for e in annotation["entities"]}
    return [{**e, "roles": {(names[p["entity"]], p["role"]) for p in e["participants"]}}
            for e in annotation["events"] if e["type"] == type_]


@pytest.mark.parametrize(("sentence", "body", "type_"), [
    ("The contract was signed with Norway's defence materiel agency on Monday.", "Norway's defence materiel agency",
     "GovernmentAgency"),
    ("The Chilean defence ministry confirmed the order.", "Chilean defence ministry", "GovernmentAgency"),
    ("Ghana’s security cabinet met twice.", "Ghana’s security cabinet", "GovernmentAgency"),
    ("The Peruvian navy will operate the ships.", "Peruvian navy", "MilitaryUnit"),
])
def test_a_state_body_named_by_a_common_noun_spans_the_state_and_the_noun(sentence: str, body: str, type_: str) -> None:
    found = state_bodies(sentence)
    assert [(b.text, b.type) for b in found] == [(body, type_)]
    assert sentence[found[0].start:found[0].end] == body


def test_an_adjective_military_is_not_a_body() -> None:
    assert state_bodies("Chile's imported military equipment is old.") == []


@pytest.mark.parametrize(("sentence", "name", "type_"), [
    ("Anna Lindqvist, chief executive of Nordkust Marin, said the yard was ready.", "Anna Lindqvist", "Person"),
    ("Nordkust Marin's chairman, Erik Holm, said the yard was ready.", "Erik Holm", "Person"),
    ("Tomas Berg, the deputy defence minister, said the yard was ready.", "Tomas Berg", "Official"),
    ("Danish defence minister Lars Nygaard visited the yard.", "Lars Nygaard", "Official"),
    ("A deal with alliance chief Maria Costa was struck.", "Maria Costa", "Official"),
])
def test_people_introduced_by_what_they_are(sentence: str, name: str, type_: str) -> None:
    found = described_people(sentence)
    assert [(p.name, p.type) for p in found] == [(name, type_)]
    assert sentence[found[0].start:found[0].end] == name


def test_a_company_described_by_an_appositive_is_not_a_person() -> None:
    assert described_people("Nordkust Marin, the maker of the corvettes, said it was ready.") == []


def test_a_post_with_its_portfolio_introduces_an_official(gaz) -> None:
    mentions = find_mentions("He met Secretary of National Defense Rodrigo M. Santos Jr. in the capital.", gaz)
    official = next(m for m in mentions if m.type == "Official")
    assert (official.text, official.post) == ("Rodrigo M. Santos Jr.", "Secretary of National Defense")


def test_a_possessive_owner_is_not_part_of_a_company_name(gaz) -> None:
    mentions = find_mentions("Chile's Nordkust Shipyard will build two frigates.", gaz)
    assert ("Nordkust Shipyard", "Contractor") in [(m.text, m.type) for m in mentions]


def test_places_and_outlets_are_not_written_and_a_visited_capital_stands_for_its_state(gaz) -> None:
    annotation = extract_text("Chile's defence minister Ana Rojas visited Lima on Tuesday, Reuters reported. "
                              "Peru and Chile agreed to hold joint drills in Arica.", gaz)
    types = {e["type"] for e in annotation["entities"]}
    assert "Place" not in types and "MediaOutlet" not in types
    [visit] = events_of(annotation, "Visit")
    assert ("Peru", "host") in visit["roles"] and ("Ana Rojas", "visitor") in visit["roles"]
    named = {p["entity"] for e in annotation["events"] for p in e["participants"]}
    assert named <= {e["id"] for e in annotation["entities"]}


def test_a_statement_is_kept_beside_the_sale_a_person_speaks_of_and_statements_are_never_merged(gaz) -> None:
    annotation = extract_text("Chile will buy two frigates from Spain, Defence Minister Ana Rojas said on Monday. "
                              "Rojas said the navy needed them. Rojas said the price was fair.", gaz)
    assert events_of(annotation, "ArmsSale")
    statements = events_of(annotation, "Statement")
    assert len(statements) == 3
    assert all(("Ana Rojas", "speaker") in s["roles"] for s in statements)


def test_sanctions_and_notifications_are_other_events_with_their_kind(gaz) -> None:
    annotation = extract_text("The United States sanctioned Nordkust Marin on Friday for shipping drones to Iran. "
                              "The Defense Security Cooperation Agency notified Congress of the possible sale.", gaz)
    other = {e["description"]: e["roles"] for e in events_of(annotation, "Other")}
    assert ("United States", "actor") in other["sanction"]
    assert ("Congress", "addressee") in other["notification"]
    assert not events_of(annotation, "ExportBlock")


def test_a_signed_agreement_between_states_is_a_sale_with_the_partner_as_seller(gaz) -> None:
    annotation = extract_text("Chile signed an agreement with Spain for two F-110 frigates on Monday.", gaz)
    [sale] = events_of(annotation, "ArmsSale")
    assert {("Chile", "buyer"), ("Spain", "seller")} <= sale["roles"]


def test_names_in_any_latin_letters_keep_their_entity_and_events(gaz) -> None:
    annotation = extract_text("Defence Minister Władysław Nowak said Poland would buy 96 helicopters from the United States.", gaz)
    [official] = [e for e in annotation["entities"] if e["type"] == "Official"]
    assert (official["id"], official["name"]) == ("wladyslaw-nowak", "Władysław Nowak")
    assert {e["type"] for e in annotation["events"]} >= {"ArmsSale", "Statement"}


def test_lower_case_particles_belong_to_a_name(gaz) -> None:
    mentions = find_mentions("President Luiz Inácio Lula da Silva refused the request.", gaz)
    assert ("Luiz Inácio Lula da Silva", "Official") in [(m.text, m.type) for m in mentions]


def test_a_subject_set_off_by_an_appositive_keeps_its_role(gaz) -> None:
    annotation = extract_text("Nordkust Shipyard, the maker of the Kaskad corvettes, won a contract from Chile on Monday.", gaz)
    [award] = events_of(annotation, "ContractAward")
    assert ("Nordkust Shipyard", "contractor") in award["roles"]


def test_a_host_hosts_and_the_one_after_the_verb_visits(gaz) -> None:
    annotation = extract_text("Defence Minister Ana Rojas hosted Defence Minister Lars Nygaard in Santiago on Monday.", gaz)
    [visit] = events_of(annotation, "Visit")
    assert {("Ana Rojas", "host"), ("Lars Nygaard", "visitor")} <= visit["roles"]


def test_a_sale_with_several_sellers_is_one_sale_each_with_its_system(gaz) -> None:
    annotation = extract_text("Chile has ordered 12 Kaskad corvettes from Spain and is weighing 20 F-16V jets from "
                              "the United States.", gaz)
    sales = {frozenset(s["roles"]): s.get("systems", []) for s in events_of(annotation, "ArmsSale")}
    assert len(sales) == 2
    assert {r for roles in sales for r in roles if r[1] == "seller"} == {("Spain", "seller"), ("United States", "seller")}


def test_a_second_clause_states_a_second_transfer(gaz) -> None:
    annotation = extract_text("Spain supplies most of Chile's frigates, and since 2020 Italy has exported guns worth "
                              "€48 million to Chile.", gaz)
    suppliers = {r for s in events_of(annotation, "ArmsSale") for r in s["roles"] if r[1] == "supplier"}
    assert suppliers == {("Spain", "supplier"), ("Italy", "supplier")}


def test_two_states_signing_for_one_states_forces_makes_the_other_the_seller(gaz) -> None:
    annotation = extract_text("India and France on Monday signed a Rs 63,000 crore agreement under which the Indian Navy "
                              "will acquire 26 Rafale M jets.", gaz)
    [sale] = events_of(annotation, "ArmsSale")
    assert {("India", "buyer"), ("France", "seller")} <= sale["roles"]


def test_tellings_with_other_dates_or_quantities_are_other_events(gaz) -> None:
    annotation = extract_text("Chile on Monday signed a contract to buy 20 Kaskad corvettes from Spain. "
                              "Chile bought its first 8 Kaskad corvettes from Spain in 2019.", gaz)
    assert len(events_of(annotation, "ArmsSale")) == 2


def test_an_agreement_that_buys_nothing_is_an_other_event(gaz) -> None:
    annotation = extract_text("Chile signed a defence cooperation agreement with Spain on Monday.", gaz)
    assert not events_of(annotation, "ArmsSale")
    [other] = events_of(annotation, "Other")
    assert other["description"] == "agreement" and ("Chile", "actor") in other["roles"]


def test_the_state_right_after_a_supply_verb_receives(gaz) -> None:
    annotation = extract_text("The United States will replenish Chile's stock of Kaskad interceptors.", gaz)
    [sale] = events_of(annotation, "ArmsSale")
    assert {("United States", "supplier"), ("Chile", "recipient")} <= sale["roles"]


def test_a_system_named_again_by_part_of_its_name_is_one_entity(gaz) -> None:
    annotation = extract_text("Chile received its first KX-9 Sea Condor from Brazil. The Sea Condor replaces "
                              "older jets.", gaz)
    systems = [e for e in annotation["entities"] if e["type"] == "WeaponSystem"]
    assert [(s["name"], s.get("aliases")) for s in systems] == [("KX-9 Sea Condor", ["Sea Condor"])]


def test_welcoming_someone_to_a_place_is_a_visit_not_a_statement(gaz) -> None:
    annotation = extract_text("Defence Minister Ana Rojas welcomed Defence Minister Lars Nygaard to the Moneda Palace "
                              "on Monday.", gaz)
    [visit] = events_of(annotation, "Visit")
    assert {("Ana Rojas", "host"), ("Lars Nygaard", "visitor")} <= visit["roles"]
    assert not events_of(annotation, "Statement")


def test_a_surname_after_a_title_that_takes_one_names_the_person(gaz) -> None:
    annotation = extract_text("Defence Minister Ana Rojas spoke in Lima. Later, Minister Rojas met President Castillo.", gaz)
    officials = sorted(e["name"] for e in annotation["entities"] if e["type"] == "Official")
    assert officials == ["Ana Rojas", "Castillo"]


def test_a_headline_name_and_the_fuller_body_name_are_one_person(gaz) -> None:
    annotation = extract_text("title: Secretary Lloyd Austin's Meeting With Chile's Minister\n\n"
                              "Secretary of Defense Lloyd J. Austin III met Minister Ana Rojas on Monday.", gaz)
    austin = [e for e in annotation["entities"] if "Austin" in e["name"]]
    assert [(e["name"], e.get("aliases")) for e in austin] == [("Lloyd J. Austin III", ["Lloyd Austin"])]


def test_a_states_forces_are_a_unit_but_its_military_equipment_is_not() -> None:
    assert [(b.text, b.type) for b in state_bodies("Chile’s forces are ready, but Peru's military equipment is old.")] == [
        ("Chile’s forces", "MilitaryUnit")]


def test_the_owner_of_an_event_noun_acts_in_it(gaz) -> None:
    annotation = extract_text("Chile's army trains to defend the country against Peru’s invasion of the north.", gaz)
    activity = events_of(annotation, "MilitaryActivity")
    assert any(("Peru", "actor") in a["roles"] for a in activity)


def test_the_first_speech_verb_of_a_sentence_gives_its_speaker(gaz) -> None:
    annotation = extract_text("Minister Ana Rojas stressed the need for frigates, citing the package announced by "
                              "President Castillo.", gaz)
    [statement] = events_of(annotation, "Statement")
    assert ("Ana Rojas", "speaker") in statement["roles"]


def test_sharing_the_building_of_an_order_is_co_production(gaz) -> None:
    annotation = extract_text("Nordkust Shipyard will build 4 of the Kaskad corvettes, while Chile's Astilleros Austral "
                              "Industries will produce the rest.", gaz)
    [coproduction] = events_of(annotation, "CoProduction")
    assert ("Nordkust Shipyard", "partner") in coproduction["roles"]


@pytest.mark.parametrize(("sentence", "post"), [
    ("The Chilean Defence Minister had been due to attend.", "Chilean Defence Minister"),
    ("It was signed by the Peruvian ambassador to Chile on Monday.", "Peruvian ambassador to Chile"),
    ("Ghana's defence minister will visit Lima.", "Ghana's defence minister"),
])
def test_a_post_named_without_its_holder_is_an_official(sentence: str, post: str) -> None:
    assert [(b.text, b.type) for b in state_posts(sentence)] == [(post, "Official")]


@pytest.mark.parametrize("sentence", [
    "Chilean Defence Minister Ana Rojas will attend.",  # the holder is named: the title pattern takes her
    "The Peruvian ambassador to Chile, Luis Paredes, will attend.",  # named by an appositive
    "The Chilean Minister of National Defence will attend.",  # the post goes on past the pattern: no partial span
])
def test_a_post_followed_by_its_holder_is_not_a_second_official(sentence: str) -> None:
    assert state_posts(sentence) == []


def test_the_words_of_a_title_are_not_prepositions_that_give_roles(gaz) -> None:
    annotation = extract_text("Secretary of Defense Ana Rojas hosted Peruvian Minister of Defense Luis Paredes in "
                              "Santiago on Monday.", gaz)
    [visit] = events_of(annotation, "Visit")
    assert {("Ana Rojas", "host"), ("Luis Paredes", "visitor")} <= visit["roles"]


def test_a_post_word_refers_back_to_the_official_who_holds_the_post(gaz) -> None:
    annotation = extract_text("General Marta Ruiz spoke on Monday with Peruvian Defence Minister Luis Paredes about "
                              "the frigates.\n\nShe made clear to the minister that the first ship would sail in May.", gaz)
    statements = [s for s in events_of(annotation, "Statement") if "made clear" in s["evidence"]]
    assert [s["roles"] for s in statements] == [{("Marta Ruiz", "speaker"), ("Luis Paredes", "addressee")}]


def test_the_two_countries_are_both_parties(gaz) -> None:
    annotation = extract_text("Chile and Peru held talks in Lima on Monday.\n\n"
                              "The two countries also signed a memorandum of understanding on naval training.", gaz)
    [agreement] = [e for e in events_of(annotation, "Other") if "memorandum" in e["evidence"]]
    assert {name for name, _ in agreement["roles"]} == {"Chile", "Peru"} and agreement["description"] == "agreement"


def test_an_agreement_to_buy_a_system_is_a_sale_not_an_other_event(gaz) -> None:
    annotation = extract_text("Chile signed a memorandum of understanding with Nordkust Shipyard for two Kaskad-class "
                              "corvettes.", gaz)
    assert events_of(annotation, "Other") == []
    [sale] = events_of(annotation, "ArmsSale")
    assert {("Chile", "buyer"), ("Nordkust Shipyard", "seller")} <= sale["roles"]


def test_a_person_arriving_is_a_visit_not_a_delivery(gaz) -> None:
    annotation = extract_text("Peruvian Defence Minister Luis Paredes arrived in Chile on Monday.", gaz)
    assert events_of(annotation, "Delivery") == []
    [visit] = events_of(annotation, "Visit")
    assert ("Luis Paredes", "visitor") in visit["roles"]


def test_a_person_on_a_visit_set_off_by_commas_is_its_visitor(gaz) -> None:
    annotation = extract_text("Peruvian Defence Minister Luis Paredes, on a two-day visit to Chile, said the talks "
                              "went well.", gaz)
    [visit] = events_of(annotation, "Visit")
    assert {("Luis Paredes", "visitor"), ("Chile", "host")} <= visit["roles"]


@pytest.mark.parametrize(("sentence", "speaker"), [
    ('"We will not wait for anyone," said Defence Minister Lars Nygaard.', "Lars Nygaard"),
    ('The corvettes are a priority, said Anna Lindqvist, chief executive of Nordkust Marin.', "Anna Lindqvist"),
    ("The deal is a milestone, according to Chilean Defence Minister Ana Rojas.", "Ana Rojas"),
])
def test_speech_told_after_its_words_names_its_speaker(sentence: str, speaker: str, gaz) -> None:
    [statement] = events_of(extract_text(sentence, gaz), "Statement")
    assert [name for name, role in statement["roles"] if role == "speaker"] == [speaker]


def test_a_name_after_said_with_no_comma_before_is_not_the_speaker(gaz) -> None:
    annotation = extract_text("Minister Ana Rojas said Luis Paredes would sign the order.", gaz)
    assert all(("Luis Paredes", "speaker") not in s["roles"] for s in events_of(annotation, "Statement"))


def test_a_title_is_neither_a_person_nor_a_place(gaz) -> None:
    found = find_mentions("The corvettes are a priority, according to Chilean Defence Minister Ana Rojas.", gaz)
    assert [(m.text, m.type) for m in found] == [("Ana Rojas", "Official")]


def test_a_designator_and_the_system_name_after_it_are_one_name(gaz) -> None:
    annotation = extract_text("Chile received 12 A-29 Super Tucano aircraft from Brazil in March.", gaz)
    assert [e["name"] for e in annotation["entities"] if e["type"] == "WeaponSystem"] == ["A-29 Super Tucano"]
    [delivery] = events_of(annotation, "Delivery")
    assert {("Chile", "recipient"), ("Brazil", "supplier")} <= delivery["roles"]


def test_receiving_a_call_is_no_delivery(gaz) -> None:
    assert events_of(extract_text("Chile received a call from Brazil on Monday.", gaz), "Delivery") == []


def test_a_meeting_in_one_side_s_country_is_the_other_side_s_visit(gaz) -> None:
    annotation = extract_text("Peruvian Defence Minister Luis Paredes met Chilean Defence Minister Ana Rojas in Santiago "
                              "on Monday.", gaz)
    [visit] = events_of(annotation, "Visit")
    assert {("Luis Paredes", "visitor"), ("Ana Rojas", "host")} <= visit["roles"]


def test_a_meeting_at_a_ministry_is_hosted_by_the_person_of_no_stated_state(gaz) -> None:
    annotation = extract_text("Secretary of Defense Ana Rojas met with Peruvian Minister of Defense Luis Paredes at the "
                              "Pentagon.", gaz)
    [visit] = events_of(annotation, "Visit")
    assert {("Luis Paredes", "visitor"), ("Ana Rojas", "host")} <= visit["roles"]


def test_they_after_a_meeting_are_its_two_people(gaz) -> None:
    annotation = extract_text("Minister Ana Rojas met Minister Luis Paredes on Monday.\n\n"
                              "They discussed the corvette programme.", gaz)
    [statement] = [s for s in events_of(annotation, "Statement") if s["evidence"].startswith("They")]
    assert {name for name, _ in statement["roles"]} == {"Ana Rojas", "Luis Paredes"}


def test_a_state_provided_with_something_receives_it(gaz) -> None:
    annotation = extract_text("Brazil has provided Chile with 40 Guarani armoured vehicles since 2022.", gaz)
    [sale] = events_of(annotation, "ArmsSale")
    assert {("Brazil", "supplier"), ("Chile", "recipient")} <= sale["roles"]


def test_will_supply_is_a_transfer(gaz) -> None:
    annotation = extract_text("Brazil will supply Chile with four more Guarani armoured vehicles, Minister Ana Rojas said.", gaz)
    [sale] = events_of(annotation, "ArmsSale")
    assert {("Brazil", "supplier"), ("Chile", "recipient")} <= sale["roles"]
    assert [s["roles"] for s in events_of(annotation, "Statement")] == [{("Ana Rojas", "speaker")}]


def test_a_spokesperson_for_a_body_makes_the_body_the_speaker(gaz) -> None:
    [statement] = events_of(extract_text("A spokesperson for Nordkust Shipyard said the yard was ready.", gaz), "Statement")
    assert statement["roles"] == {("Nordkust Shipyard", "speaker")}


def test_a_capital_where_something_happens_is_a_place_not_an_addressee(gaz) -> None:
    annotation = extract_text('"This is a good day," Minister Ana Rojas told reporters in Lima on Tuesday.', gaz)
    [statement] = events_of(annotation, "Statement")
    assert statement["roles"] == {("Ana Rojas", "speaker")}
    assert all(e["type"] != "State" for e in annotation["entities"])


@pytest.mark.parametrize(("sentence", "found"), [
    ("Under the agreement the Guarani vehicles will be produced in Chile.", True),
    ("Minister Ana Rojas said the vehicles would be built in Brazil.", False),  # where the seller builds: no partner
])
def test_production_in_a_country_is_co_production_only_under_a_deal(sentence: str, found: bool, gaz) -> None:
    assert bool(events_of(extract_text(sentence, gaz), "CoProduction")) is found


def test_a_class_of_ships_is_named_with_its_noun_in_both_numbers(gaz) -> None:
    annotation = extract_text("Chile signed a memorandum of understanding with Nordkust Shipyard for two Kaskad Austral "
                              "class corvettes.", gaz)
    [system] = [e for e in annotation["entities"] if e["type"] == "WeaponSystem"]
    assert (system["name"], system.get("aliases")) == ("Kaskad Austral class corvettes", ["Kaskad Austral class corvette"])
    [sale] = events_of(annotation, "ArmsSale")  # an agreement for named ships is a purchase
    assert ("Chile", "buyer") in sale["roles"]


def test_a_counteroffensive_is_military_activity(gaz) -> None:
    annotation = extract_text("The package will support Chile's counteroffensive against Peru in the north.", gaz)
    [activity] = events_of(annotation, "MilitaryActivity")
    assert ("Chile", "actor") in activity["roles"]
