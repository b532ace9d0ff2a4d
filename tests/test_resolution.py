"""Entity resolution and the reference set: one id per state and company on both paths into the graph.

A state named without its ISO code ("Romania", "Türkiye") once became a second
entity beside the canonical ``state:RO``; the loader's reference knew ten states
while the extractor's list knew 197. Now both read ``loaders/reference/``, and a
load that creates an entity named like one the graph holds says so.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml
from conftest import cli_env
from typer.testing import CliRunner

from kg.cli import app
from kg.cypher import Cypher
from kg.ontology import load_ontology
from loaders import reference
from loaders.duplicates import Named, find_duplicates
from loaders.extraction.extract import extract_file
from loaders.extraction.gazetteer import default_gazetteer
from loaders.resolution import Resolver

ROOT = Path(__file__).resolve().parents[1]
LINEAGE = ROOT / "data" / "reference" / "company-lineage.yaml"
runner = CliRunner()


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return Resolver.with_reference(load_ontology())


# -- the reference set ----------------------------------------------------------------------


def test_reference_set_has_every_un_member_and_observer_with_unique_codes() -> None:
    states = reference.states()
    by_status = Counter(s.status for s in states)
    assert by_status["member"] == 193, by_status
    assert {s.iso for s in states if s.status == "observer"} == {"VA", "PS"}
    assert by_status["member"] + by_status["observer"] >= 195
    assert {"TW", "XK"} <= {s.iso for s in states if s.status == "non-member"}
    for field, pattern in (("iso", r"[A-Z]{2}"), ("iso3", r"[A-Z]{3}"), ("wikidata", r"Q[1-9][0-9]*")):
        values = [getattr(s, field) for s in states]
        assert all(re.fullmatch(pattern, v) for v in values), [v for v in values if not re.fullmatch(pattern, v)]
        assert len(set(values)) == len(values), [v for v, n in Counter(values).items() if n > 1]
    known = {s.iso: (s.iso3, s.wikidata) for s in states}
    # Spot checks against ISO 3166-1 and Wikidata.
    assert known["TW"] == ("TWN", "Q865") and known["US"] == ("USA", "Q30") and known["KR"] == ("KOR", "Q884")
    assert known["TR"] == ("TUR", "Q43") and known["RO"] == ("ROU", "Q218") and known["NO"] == ("NOR", "Q20")
    assert known["XK"][1] == "Q1246" and known["PS"] == ("PSE", "Q219060")


def test_every_company_has_a_known_country_and_its_links_resolve() -> None:
    states = {s.iso for s in reference.states()}
    companies = reference.companies()
    ids = [c.id for c in companies]
    assert len(companies) >= 100
    assert len(set(ids)) == len(ids), [i for i, n in Counter(ids).items() if n > 1]
    assert all(i.startswith("contractor:") for i in ids)
    assert not [c.name for c in companies if c.country not in states]
    assert not [(c.id, c.parent) for c in companies if c.parent and c.parent not in ids]
    assert not [(c.id, c.renamed_to) for c in companies if c.renamed_to and c.renamed_to not in ids]
    # Ids the graph, the tests and the queries already use never change.
    assert {"contractor:rtx", "contractor:lockheed-martin", "contractor:raytheon", "contractor:raytheon-technologies",
            "contractor:raytheon-missiles-and-defense", "contractor:bae-systems", "contractor:bae-systems-bofors",
            "contractor:kongsberg"} <= set(ids)
    wikidata = [e["wikidata"] for e in reference.resolution_entries() if e["wikidata"]]
    assert len(set(wikidata)) == len(wikidata)


def test_company_lineage_source_agrees_with_the_reference_set(resolver: Resolver) -> None:
    """data/reference/company-lineage.yaml states the lineage with evidence; companies.yaml must say the same."""
    lineage = yaml.safe_load(LINEAGE.read_text(encoding="utf-8"))
    ids = {e["id"]: resolver.resolve(e["type"], e["name"], tuple(e.get("aliases") or ())) for e in lineage["entities"]}
    assert all(r.via != "new" for r in ids.values()), {k: r.id for k, r in ids.items() if r.via == "new"}
    companies = {c.id: c for c in reference.companies()}
    for relation in lineage["relations"]:
        subject, target = ids[relation["subject"]].id, ids[relation["object"]].id
        field = {"subsidiaryOf": "parent", "renamedTo": "renamed_to"}[relation["predicate"]]
        if field == "parent" and companies[subject].renamed_to:
            continue  # a former company: its parent then was the renamed one's predecessor
        assert getattr(companies[subject], field) == target, (subject, relation["predicate"], target)


# -- resolution on both paths -----------------------------------------------------------------

NAMES = {"Romania": "state:RO", "South Korea": "state:KR", "Türkiye": "state:TR", "Turkey": "state:TR",
         "TURKIYE": "state:TR", "Republic of Korea": "state:KR", "Seoul": "state:KR", "Ankara": "state:TR",
         "Burma": "state:MM", "Czechia": "state:CZ", "Czech Republic": "state:CZ", "Côte d'Ivoire": "state:CI",
         "Ivory Coast": "state:CI", "Taipei": "state:TW", "Kosovo": "state:XK"}


@pytest.mark.parametrize("name", sorted(NAMES))
def test_resolver_gives_states_named_without_codes_their_canonical_id(resolver: Resolver, name: str) -> None:
    assert resolver.resolve("State", name).id == NAMES[name]


def test_resolver_keeps_type_and_company_lineage_apart(resolver: Resolver) -> None:
    assert resolver.resolve("Place", "Seoul").id == "place:seoul"  # the city, not the state
    assert resolver.resolve("Contractor", "Raytheon").id == "contractor:raytheon"  # not merged into RTX
    assert resolver.resolve("Contractor", "RTX Corporation").id == "contractor:rtx"
    assert resolver.resolve("Contractor", "DCNS").id == "contractor:naval-group"  # a former name
    assert resolver.resolve("Contractor", "Hanwha Aerospace").id == "contractor:hanwha-aerospace"
    assert resolver.resolve("Contractor", "KAI").id == "contractor:korea-aerospace-industries"


def test_gazetteer_and_resolver_give_every_state_and_company_the_same_id(resolver: Resolver) -> None:
    gaz = default_gazetteer()
    problems = []
    for state in reference.states():
        for name in state.names:
            entry = gaz.by_name(name)
            if entry is None or entry.key != state.id or resolver.resolve("State", name).id != state.id:
                problems.append((name, state.id, entry and entry.key))
    for company in reference.companies():
        entry = gaz.by_name(company.name)
        if entry is None or entry.key != company.id or resolver.resolve("Contractor", company.name).id != company.id:
            problems.append((company.name, company.id, entry and entry.key))
    assert not problems, problems


def test_extractor_names_the_same_states_as_the_loader(tmp_path: Path, resolver: Resolver) -> None:
    article = tmp_path / "states.txt"
    article.write_text("title: Howitzers for the Black Sea\ndate: 2025-06-02\n\n"
                       "Romania signed a contract with South Korea for K9 howitzers on Monday. "
                       "Türkiye said it would watch the deal closely. "
                       "Turkey has bought Korean engines before.\n", encoding="utf-8")
    annotation = extract_file(article)
    states = [e for e in annotation["entities"] if e["type"] == "State"]
    resolved = {resolver.resolve("State", e["name"], tuple(e.get("aliases") or ()), iso_code=e.get("iso_code")).id
                for e in states}
    assert {"state:RO", "state:KR", "state:TR"} <= resolved
    assert all(i.startswith("state:") and i[6:].isupper() for i in resolved), resolved  # no state:romania
    assert len([e for e in states if e.get("iso_code") == "TR"]) == 1  # "Türkiye" and "Turkey" are one entity


# -- likely duplicates ---------------------------------------------------------------------------


def test_duplicate_rules_flag_close_names_of_one_type_only() -> None:
    entities = [
        Named("contractor:hanwha", "Contractor", "Hanwha"), Named("contractor:hanwha-aerospace", "Contractor", "Hanwha Aerospace"),
        Named("contractor:lockheed-martn", "Contractor", "Lockheed Martn"),
        Named("contractor:lockheed-martin", "Contractor", "Lockheed Martin"),
        Named("person:jane-doe", "Official", "Jane Doe", ("Minister Doe",)),
        Named("person:j-doe", "Official", "J. Doe", ("Minister Doe",)),
        # Not pairs: a series, two countries, another type, two curated reference entries.
        Named("system:su-24", "WeaponSystem", "Sukhoi Su-24"), Named("system:su-25", "WeaponSystem", "Sukhoi Su-25"),
        Named("agency:mod-niger", "GovernmentAgency", "Ministry of Defence of Niger"),
        Named("agency:mod-nigeria", "GovernmentAgency", "Ministry of Defence of Nigeria"),
        Named("place:hanwha-plant", "Place", "Hanwha"),
        Named("contractor:raytheon", "Contractor", "Raytheon"),
        Named("contractor:raytheon-technologies", "Contractor", "Raytheon Technologies"),
    ]
    pairs = find_duplicates(entities, {"contractor:raytheon", "contractor:raytheon-technologies"})
    found = {frozenset((p.first.id, p.second.id)): p.rule for p in pairs}
    assert found == {
        frozenset({"contractor:hanwha", "contractor:hanwha-aerospace"}): "token containment",
        frozenset({"contractor:lockheed-martin", "contractor:lockheed-martn"}): "fuzzy ratio",
        frozenset({"person:j-doe", "person:jane-doe"}): "same name",
    }


# -- the graph ---------------------------------------------------------------------------------

STATES_SOURCE = """\
article: {{id: {id}, title: Howitzer deal, date: 2025-06}}
entities:
  - {{id: ro, type: State, name: {buyer}}}
  - {{id: kr, type: State, name: South Korea}}
  - {{id: tr, type: State, name: {other}, evidence: "{buyer} bought howitzers from South Korea, {other} said."}}
events:
  - type: ArmsSale
    date: 2025-06
    participants: [{{entity: kr, role: seller}}, {{entity: ro, role: buyer}}]
    evidence: "{buyer} bought howitzers from South Korea, {other} said."
"""

SYSTEM_SOURCE = """\
article: {{id: {id}, title: Howitzers, date: 2025-06}}
entities:
  - {{id: pl, type: State, name: Poland, iso_code: PL}}
  - {{id: gun, type: WeaponSystem, name: {system}}}
events:
  - type: Delivery
    date: 2025-06
    participants: [{{entity: pl, role: recipient}}]
    systems: [gun]
    evidence: "Poland received more {system} howitzers."
"""

COUNT_STATES = Cypher("MATCH (n:State) WHERE n.id IN $ids OR toLower(n.name) IN $names RETURN n.id AS id ORDER BY id")


def test_loaded_states_without_codes_are_the_canonical_entities(loader, graph, tmp_path: Path) -> None:
    files = [tmp_path / "dup-states-a.yaml", tmp_path / "dup-states-b.yaml"]
    files[0].write_text(STATES_SOURCE.format(id="dup-states-a", buyer="Romania", other="Türkiye"), encoding="utf-8")
    files[1].write_text(STATES_SOURCE.format(id="dup-states-b", buyer="romania", other="Turkey"), encoding="utf-8")
    summary = loader.load(files)
    try:
        assert not summary.rejected, [str(r) for r in summary.rejected]
        rows = graph.read(COUNT_STATES, ids=["state:romania", "state:south-korea", "state:turkiye", "state:turkey"],
                          names=["romania", "south korea", "türkiye", "turkey"])
        assert [r["id"] for r in rows] == ["state:KR", "state:RO", "state:TR"]
        names = graph.read(Cypher("MATCH (n:State {id: 'state:TR'}) RETURN n.name AS name, n.isoCode AS iso, "
                                  "n.wikidataId AS wikidata, n.sourceName AS used"))
        assert names[0]["name"] == "Turkey" and names[0]["iso"] == "TR" and names[0]["wikidata"] == "Q43"
        assert {"Türkiye", "Turkey"} <= set(names[0]["used"])
    finally:
        for report in summary.reports:
            loader.unload(report.source_id)


def test_a_load_creating_a_near_duplicate_warns_and_kg_duplicates_lists_it(settings, loader, graph, tmp_path: Path) -> None:
    first, second = tmp_path / "dup-k9.yaml", tmp_path / "dup-k9-thunder.yaml"
    first.write_text(SYSTEM_SOURCE.format(id="dup-k9", system="K9"), encoding="utf-8")
    second.write_text(SYSTEM_SOURCE.format(id="dup-k9-thunder", system="K9 Thunder"), encoding="utf-8")
    loaded = loader.load([first])
    try:
        assert not loaded.rejected and not loaded.reports[0].warnings, loaded.reports[0].warnings
        env = cli_env(settings)
        result = runner.invoke(app, ["load", str(second), "--json"], env=env)
        assert result.exit_code == 0, result.output
        report = {s["id"]: s for s in json.loads(result.stdout)["sources"]}["source:dup-k9-thunder"]
        assert any("system:k9-thunder" in w and "system:k9 " in w and "token containment" in w for w in report["warnings"]), report
        text = runner.invoke(app, ["load", str(second)], env=env)  # unchanged now: no entity created, no warning
        assert text.exit_code == 0 and "warning" not in text.stdout

        listed = runner.invoke(app, ["duplicates", "--json"], env=env)
        assert listed.exit_code == 0, listed.output
        data = json.loads(listed.stdout)
        pairs = [p for p in data["pairs"] if {e["id"] for e in p["entities"]} == {"system:k9", "system:k9-thunder"}]
        assert len(pairs) == 1 and data["count"] == len(data["pairs"])
        assert pairs[0]["rule"] == "token containment" and pairs[0]["type"] == "WeaponSystem"
        assert "'K9' is part of 'K9 Thunder'" in pairs[0]["reason"]
        table = runner.invoke(app, ["duplicates"], env=env)
        assert table.exit_code == 0 and "system:k9-thunder" in table.stdout
    finally:
        for source in ("source:dup-k9", "source:dup-k9-thunder"):
            try:
                loader.unload(source)
            except LookupError:
                pass
    after = runner.invoke(app, ["duplicates", "--json"], env=cli_env(settings))
    assert not [p for p in json.loads(after.stdout)["pairs"] if "system:k9-thunder" in {e["id"] for e in p["entities"]}]


def test_the_api_load_report_warns_of_a_near_duplicate(settings, graph, loader, corpus) -> None:
    from pydantic import SecretStr
    from starlette.testclient import TestClient

    from kg.api.app import create_app
    from kg.settings import Settings

    key = "test-resolution-key-0123456789"
    custom = Settings(neo4j=settings.neo4j, kg=settings.kg.model_copy(update={"api_key": SecretStr(key)}))
    headers = {"X-API-Key": key, "content-type": "application/yaml"}
    with TestClient(create_app(custom, graph=graph)) as client:
        first = client.post("/sources", content=SYSTEM_SOURCE.format(id="dup-api-k9", system="K9"), headers=headers)
        try:
            assert first.status_code == 201, first.text
            second = client.post("/sources", content=SYSTEM_SOURCE.format(id="dup-api-k9-thunder", system="K9 Thunder"),
                                 headers=headers)
            assert second.status_code == 201, second.text
            assert any("system:k9-thunder" in w and "token containment" in w for w in second.json()["warnings"]), second.json()
        finally:
            for source in ("source:dup-api-k9", "source:dup-api-k9-thunder"):
                try:
                    loader.unload(source)
                except LookupError:
                    pass
