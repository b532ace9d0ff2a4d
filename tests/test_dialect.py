"""Each engine answers the way its dialect chooses (kg.engines): Neo4j runs the named queries and its
full-text index, with none of the embedded engine's workarounds; the embedded engine runs its
workarounds; and the API says which query text ran."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from test_api import make_client

from kg import cypher
from kg.engines import ARCADEDB, NEO4J, dialect_for_agent
from kg.engines.arcadedb import paths
from kg.graph import Graph, Tx
from kg.ontology import load_ontology
from kg.queries import get_query
from kg.schema import schema_statements
from kg.settings import Settings

#: What only the embedded engine's workarounds run: the name snapshot and the both-ends path search.
WORKAROUNDS = {str(s) for s in [cypher.ENTITY_NAMES, cypher.GRAPH_SIGNATURE, *paths.cypher_statements()]}
FULLTEXT = {str(cypher.FULLTEXT_CANDIDATES), str(cypher.FULLTEXT_NAMED_VALUES)}


class Spy:
    """Every statement text the graph runs while the spy is on."""

    def __init__(self) -> None:
        self.texts: list[str] = []


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> Iterator[Spy]:
    seen = Spy()
    real_run = Tx.run

    def run(self: Tx, query: cypher.Cypher, **params: Any) -> list[dict[str, Any]]:
        seen.texts.append(str(query))
        return real_run(self, query, **params)

    monkeypatch.setattr(Tx, "run", run)
    yield seen


def test_the_dialect_comes_from_the_engines_agent_string() -> None:
    assert dialect_for_agent("Neo4j/5.x compatible (ArcadeDB 25.10.1)") is ARCADEDB
    assert dialect_for_agent("Neo4j/5.26.0") is NEO4J
    assert NEO4J.fulltext_index and NEO4J.shortest_paths and NEO4J.lowers_path_bounds
    assert not ARCADEDB.fulltext_index and not ARCADEDB.shortest_paths and ARCADEDB.lowers_path_bounds


def test_the_full_text_index_is_part_of_the_schema_only_where_the_engine_has_one() -> None:
    onto = load_ontology()
    assert any("FULLTEXT INDEX entityNames" in s for s in schema_statements(onto, NEO4J))
    assert not any("FULLTEXT" in s for s in schema_statements(onto, ARCADEDB))


def test_each_engine_answers_search_names_and_paths_its_own_way(settings: Settings, graph: Graph, sample: None,
                                                                 spy: Spy) -> None:
    with make_client(settings, graph) as client:
        hits = client.get("/entities", params={"q": "taipei"}).json()["items"]
        assert hits[0]["id"] == "state:TW" and hits[0]["match"] == "exact"
        misspelt = client.get("/sales", params={"buyer": "Taiwn"})
        assert misspelt.status_code == 404 and misspelt.json()["suggestions"][0]["id"] == "state:TW"
        paths_rows = client.get("/paths", params={"from": "contractor:rtx", "to": "Taiwan", "max_hops": 2}).json()["items"]
        assert paths_rows and all(r["hops"] <= 2 for r in paths_rows)
        answer = client.post("/queries/shortest_connections",
                             json={"params": {"from": "contractor:rtx", "to": "state:TW", "max_hops": 2}}).json()
        client_answer = client.post("/queries/graph_overview", json={"params": {}}).json()
    ran = set(spy.texts)
    query = get_query("shortest_connections")
    lowered = str(query.bounded(query.bind({"from": "contractor:rtx", "to": "state:TW", "max_hops": 2})))
    assert answer["rows"] and answer["ran"]["engine"] == graph.dialect.name
    if graph.dialect.name == "neo4j":
        assert not ran & WORKAROUNDS, "Neo4j ran an embedded-engine workaround"
        assert FULLTEXT <= ran and lowered in ran  # the index, and the named query for /paths
    else:
        assert not ran & FULLTEXT
        assert str(cypher.ENTITY_NAMES) in ran and ran & {str(s) for s in paths.cypher_statements()}
    assert answer["ran"] == {"engine": graph.dialect.name, "as_written": False, "text": lowered}
    graph_overview = client_answer["ran"]
    assert graph_overview == {"engine": graph.dialect.name, "as_written": True, "text": str(get_query("graph_overview").text)}


def test_search_finds_prefix_substring_and_misspelt_names_on_both_engines(settings: Settings, graph: Graph,
                                                                           sample: None) -> None:
    with make_client(settings, graph) as client:
        def hits(q: str) -> dict[str, str]:
            items = client.get("/entities", params={"q": q, "limit": 100}).json()["items"]
            assert items, q
            return {item["id"]: item["match"] for item in items}

        assert hits("Taiw")["state:TW"] == "prefix"
        assert hits("aytheon missiles")["contractor:raytheon-missiles-and-defense"] == "contains"
        assert hits("Taiwna")["state:TW"] == "fuzzy"
        assert hits("republic of china")["state:TW"] == "exact"
