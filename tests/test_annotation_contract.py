"""Files that use only the interchange contract's keys load, for every event type the contract lists.

The contract (``docs/annotation-format.md``, first part) says the project must
accept files using only its keys. Here each event type gets two files written
with nothing but those keys: a minimal one (type, the participants the type
cannot do without, evidence; an official without a post, a statement without a
quote) and a full one (every contract key: article metadata, a text file,
aliases, a post, dates, systems, value, quantity, confidence). They are loaded
by ``kg load`` in a subprocess, as a user runs it, and the graph is read back.
A quote, a key the project adds, must be words of the event's evidence.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import cli_env

from kg.cypher import Cypher
from kg.graph import Graph
from kg.store import UnknownSource

#: Every event type the contract lists, with the roles of a minimal telling (those the type cannot do
#: without) and of a full one. Each role names one of the entities of ENTITIES.
EVENT_TYPES: dict[str, tuple[list[tuple[str, str]], list[tuple[str, str]]]] = {
    "ArmsSale": ([("seller", "norvania"), ("buyer", "ostreland")], [("seller", "norvania"), ("buyer", "ostreland")]),
    "SaleApproval": ([("approver", "agency")], [("approver", "agency"), ("buyer", "ostreland")]),
    "ContractAward": ([("contractor", "maker")], [("contractor", "maker"), ("recipient", "ostreland")]),
    "Delivery": ([("recipient", "ostreland")], [("supplier", "maker"), ("recipient", "ostreland")]),
    "Delay": ([("recipient", "ostreland")], [("supplier", "maker"), ("recipient", "ostreland")]),
    "ExportBlock": ([("blocker", "norvania")], [("blocker", "norvania"), ("target", "ostreland")]),
    "Visit": ([("visitor", "minister")], [("visitor", "minister"), ("host", "ostreland")]),
    "Statement": ([("speaker", "minister")], [("speaker", "minister"), ("subject", "ostreland")]),
    "MilitaryActivity": ([("actor", "norvania")], [("actor", "norvania"), ("target", "ostreland")]),
    "CoProduction": ([("partner", "maker")], [("partner", "maker"), ("partner", "norvania")]),
    "Other": ([("subject", "norvania")], [("subject", "norvania"), ("partner", "ostreland")]),
}
#: Types the shapes refuse without a system: the minimal telling names one too (a contract key).
NEEDS_SYSTEM = {"ExportBlock"}
LABEL = {"Other": "OtherEvent"}


def _entities(full: bool) -> list[dict]:
    minister = {"id": "minister", "type": "Official", "name": "Halvard Quist"}
    if full:
        minister |= {"aliases": ["Quist"], "post": "Defence Minister of Norvania"}
    entities = [
        {"id": "norvania", "type": "State", "name": "Norvania"},
        {"id": "ostreland", "type": "State", "name": "Ostreland"},
        {"id": "agency", "type": "GovernmentAgency", "name": "Norvanian Export Control Office"},
        {"id": "maker", "type": "Contractor", "name": "Quillon Aerodyne"},
        minister,
        {"id": "system", "type": "WeaponSystem", "name": "Skarv Air Defence System"},
    ]
    if full:
        entities[3]["aliases"] = ["Quillon"]
        entities[5]["aliases"] = ["Skarv"]
    return entities


def _sentence(event_type: str) -> str:
    return f"Norvania and Ostreland were named in a {event_type} involving Quillon Aerodyne, Halvard Quist and the Skarv Air Defence System."


def _contract_file(folder: Path, event_type: str, full: bool) -> tuple[str, str]:
    """Write one contract-only annotation file (and, for the full telling, its text); (source id, sentence)."""
    minimal_roles, full_roles = EVENT_TYPES[event_type]
    variant = "full" if full else "minimal"
    source = f"test-contract-{variant}-{event_type.lower()}"
    sentence = _sentence(event_type)
    event: dict = {"type": event_type, "participants": [{"entity": e, "role": r} for r, e in (full_roles if full else minimal_roles)]}
    if full:
        event |= {"date": "2025-10", "systems": ["system"], "value": {"amount": 125000000, "currency": "EUR"},
                  "quantity": 4, "evidence": sentence, "confidence": 0.9}
    else:
        if event_type in NEEDS_SYSTEM:
            event["systems"] = ["system"]
        event["evidence"] = sentence
    article: dict = {"id": source}
    if full:
        (folder / f"{source}.txt").write_text(f"Defence desk.\n\n{sentence} Nothing else happened.\n", encoding="utf-8")
        article |= {"url": f"https://example.org/{source}", "title": f"A {event_type} of Norvania",
                    "date": "2025-11-19", "outlet": "Example News", "text_file": f"{source}.txt"}
    (folder / f"{source}.yaml").write_text(yaml.safe_dump({"article": article, "entities": _entities(full), "events": [event]},
                                                          sort_keys=False), encoding="utf-8")
    return source, sentence


def _kg(settings, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kg.cli", *args], env={**os.environ, **cli_env(settings)},
                          capture_output=True, text=True, timeout=300)


def _rows(graph: Graph, query: str, **params) -> list[dict]:
    return graph.read(Cypher(query), **params)


def test_contract_only_files_of_every_event_type_load_through_kg_load(graph: Graph, settings, loader, tmp_path: Path) -> None:
    folder = tmp_path / "contract"
    folder.mkdir()
    written = {(t, full): _contract_file(folder, t, full) for t in EVENT_TYPES for full in (False, True)}
    before = graph.counts()
    result = _kg(settings, "load", "--json", str(folder))
    try:
        assert result.returncode == 0, result.stdout + result.stderr
        report = json.loads(result.stdout)
        assert report["rejected"] == []
        assert sorted(s["id"] for s in report["sources"]) == sorted(f"source:{s}" for s, _ in written.values())
        for (event_type, full), (source, sentence) in written.items():
            events = _rows(graph, "MATCH (e:Event {sourceId: $sid}) RETURN e.id AS id, labels(e) AS labels, properties(e) AS p",
                           sid=f"source:{source}")
            assert len(events) == 1, (source, events)
            [event] = events
            assert LABEL.get(event_type, event_type) in event["labels"], event
            roles = {(r["role"], r["name"]) for r in _rows(
                graph, "MATCH (e:Event {id: $id})-[r]->(x:Actor) RETURN type(r) AS role, x.name AS name", id=event["id"])}
            names = {e["id"]: e["name"] for e in _entities(full)}
            expected = EVENT_TYPES[event_type][1 if full else 0]
            assert roles == {(r.upper(), names[e]) for r, e in expected}, (source, roles)
            [evidence] = _rows(graph, "MATCH (e:Event {id: $id})-[:EVIDENCED_BY]->(ev:Evidence)-[:FROM_SOURCE]->(s:Source) "
                                      "RETURN ev.sentence AS sentence, ev.startOffset AS start, s.id AS source, "
                                      "properties(s) AS sp", id=event["id"])
            assert evidence["sentence"] == sentence and evidence["source"] == f"source:{source}"
            systems = [r["name"] for r in _rows(graph, "MATCH (e:Event {id: $id})-[:INVOLVES_SYSTEM]->(w) RETURN w.name AS name",
                                               id=event["id"])]
            if full:
                p = event["p"]
                assert (p["date"], p["datePrecision"], float(p["amount"]), p["currency"], p["quantity"]) == \
                    ("2025-10", "month", 125000000.0, "EUR", 4), p
                assert systems == ["Skarv Air Defence System"]
                assert evidence["start"] == len("Defence desk.\n\n")  # found in the article's text
                sp = evidence["sp"]
                assert (sp["url"], sp["title"], sp["publicationDate"], sp["outletName"]) == \
                    (f"https://example.org/{source}", f"A {event_type} of Norvania", "2025-11-19", "Example News")
            else:
                assert "date" not in event["p"] and event["p"]["dateBasis"] == "unknown" and "quote" not in event["p"]
                assert systems == (["Skarv Air Defence System"] if event_type in NEEDS_SYSTEM else [])
        # the official: without a post in the minimal files (a warning, not a refusal), with one in the full files
        posts = _rows(graph, "MATCH (o:Official {name: 'Halvard Quist'}) OPTIONAL MATCH (p:Post)-[:HOLDER]->(o) "
                             "RETURN o.id AS id, collect(DISTINCT p.title) AS titles")
        assert len(posts) == 1 and posts[0]["titles"] == ["Defence Minister of Norvania"], posts
    finally:
        for source, _ in written.values():
            with contextlib.suppress(UnknownSource):  # a refused file left nothing to unload
                loader.unload(f"source:{source}")
    assert graph.counts() == before


QUOTED = """\
article: {{id: {id}, date: 2025-11-19}}
entities:
  - {{id: quist, type: Official, name: Halvard Quist, post: Defence Minister}}
events:
  - type: Statement
    participants: [{{entity: quist, role: speaker}}]
    quote: "{quote}"
    evidence: "“We will buy the Skarv system,” Defence Minister Halvard Quist said."
"""


def test_a_quote_must_be_words_of_its_evidence_sentence(graph: Graph, settings, loader, tmp_path: Path) -> None:
    good, bad = tmp_path / "test-quote-good.yaml", tmp_path / "test-quote-bad.yaml"
    good.write_text(QUOTED.format(id="test-quote-good", quote="We will buy the Skarv system"), encoding="utf-8")
    bad.write_text(QUOTED.format(id="test-quote-bad", quote="We will never buy it"), encoding="utf-8")
    before = graph.counts()
    try:
        refused = _kg(settings, "load", str(bad), "--json")
        assert refused.returncode == 1 and "Traceback" not in refused.stderr, refused.stdout + refused.stderr
        [rejected] = json.loads(refused.stdout)["rejected"]
        assert rejected["file"] == str(bad)
        assert [(p["where"], p["message"]) for p in rejected["problems"]] == [(
            "events[0] (Statement)", "A statement's quote (akg:quote) does not occur in its evidence sentence: "
                                     "copy the quoted words exactly as the sentence gives them.")]
        assert _rows(graph, "MATCH (s:Source {id: 'source:test-quote-bad'}) RETURN s.id AS id") == []

        loaded = _kg(settings, "load", str(good))
        assert loaded.returncode == 0, loaded.stdout + loaded.stderr
        rows = _rows(graph, "MATCH (e:Statement {sourceId: 'source:test-quote-good'})-[:SPEAKER]->(o) RETURN e.quote AS quote, o.name AS name")
        assert rows == [{"quote": "We will buy the Skarv system", "name": "Halvard Quist"}]
    finally:
        for source in ("source:test-quote-good", "source:test-quote-bad"):
            with contextlib.suppress(UnknownSource):
                loader.unload(source)
    assert graph.counts() == before


@pytest.mark.parametrize("quote", ["We  will buy\nthe Skarv system"])
def test_a_quote_may_differ_from_its_sentence_in_white_space_only(quote: str, tmp_path: Path) -> None:
    from kg.ontology import load_ontology
    from loaders.validation import validate_file

    path = tmp_path / "test-quote-space.yaml"
    path.write_text(QUOTED.format(id="test-quote-space", quote=quote.replace("\n", "\\n")), encoding="utf-8")
    assert [v for v in validate_file(path, load_ontology()) if v.severity == "violation"] == []
