"""The REST API against the real engine loaded with the sample corpus."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from conftest import renamed_source, scratch_source
from fastapi.testclient import TestClient
from pydantic import SecretStr

from kg import cypher
from kg.api.app import create_app
from kg.api.routes import entities
from kg.graph import Graph
from kg.settings import Settings

KEY = "test-api-key-0123456789"
CONTRACT = "event:2025-11-19-nasams-taiwan:nasams-contract"


def make_client(settings: Settings, graph: Graph, **kg_updates) -> TestClient:
    custom = Settings(neo4j=settings.neo4j, kg=settings.kg.model_copy(update=kg_updates))
    return TestClient(create_app(custom, graph=graph))


@pytest.fixture(scope="module")
def client(settings: Settings, graph: Graph, corpus):
    with make_client(settings, graph, api_key=SecretStr(KEY)) as c:
        yield c


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"] and body["type"].startswith("https://")
    return body


# -- reads ------------------------------------------------------------------------------


def test_health(client: TestClient, graph: Graph) -> None:
    body = client.get("/health").json()
    counts = graph.counts()
    assert body["status"] == "ok" and body["nodes"] == counts.nodes and body["relationships"] == counts.relationships
    assert body["ontology_version"] == "0.1.0" and body["engine"] in ("arcadedb", "neo4j")


@pytest.mark.parametrize("q,expected,match", [
    ("Taiwan", "state:TW", "exact"),
    ("TAIPEI", "state:TW", "exact"),          # a metonym the corpus used, any case
    ("the pentagon", "agency:us-department-of-defense", "exact"),
    ("Tsai Ing-wén", "person:tsai-ing-wen", "exact"),   # accents do not matter
    ("raythe", "contractor:raytheon", "prefix"),
    ("Stingre", "system:stinger", "fuzzy"),    # a misspelling
])
def test_entity_search_is_case_accent_insensitive_and_ranked(client: TestClient, q: str, expected: str, match: str) -> None:
    body = client.get("/entities", params={"q": q}).json()
    hits = {h["id"]: h for h in body["items"]}
    assert expected in hits, body
    assert hits[expected]["match"] == match
    order = ["exact", "prefix", "contains", "fuzzy"]
    ranks = [order.index(h["match"]) for h in body["items"]]
    assert ranks == sorted(ranks)
    assert body["items"][0]["links"]["self"].startswith("/entities/")


def test_the_fuzzy_screen_never_drops_a_name_difflib_would_keep(client: TestClient) -> None:
    """Fuzzy search screens names with rapidfuzz before difflib scores them: its ratio must
    never be below difflib's, or a spelling match would be lost (misspellings of every
    entity name in the graph, and random strings)."""
    import difflib
    import random

    from rapidfuzz import fuzz

    from kg.names import normalise_name

    names = {normalise_name(n) for item in client.get("/entities", params={"limit": 100}).json()["items"] for n in [item["name"]]}
    rng = random.Random(7)
    pairs = []
    for name in sorted(names):
        for _ in range(5):
            chars = list(name)
            for _ in range(rng.randint(1, 3)):
                chars.insert(rng.randrange(len(chars) + 1), rng.choice("aeiourstln "))
                del chars[rng.randrange(len(chars))]
            pairs.append(("".join(chars), name))
    alphabet = "abcdeilnorst "
    pairs += [("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12))),
               "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30)))) for _ in range(3000)]
    assert len(names) > 20
    for q, name in pairs:
        assert fuzz.ratio(q, name) + 1e-9 >= 100 * difflib.SequenceMatcher(None, q, name).ratio(), (q, name)


def test_entity_search_pages_with_a_cursor(client: TestClient) -> None:
    seen, cursor, pages = [], None, 0
    while True:
        body = client.get("/entities", params={"type": "State", "limit": 3, **({"cursor": cursor} if cursor else {})}).json()
        seen += [h["id"] for h in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert pages > 1 and len(seen) == len(set(seen)) and {"state:TW", "state:SE", "state:US"} <= set(seen)
    problem(client.get("/entities", params={"cursor": "not-a-cursor"}), 422)
    problem(client.get("/entities", params={"type": "Spaceship"}), 422)


def test_entity_detail_and_unknown_id(client: TestClient) -> None:
    body = client.get("/entities/state:TW").json()
    assert body["name"] == "Taiwan" and body["types"] == ["State", "Actor"]
    assert "Taipei" in body["source_names"] and len(body["sources"]) == body["source_total"] == 2
    assert body["sources"] == sorted({e["source_id"] for e in body["evidence"]})
    assert body["properties"]["isoCode"] == "TW"
    koo = client.get("/entities/person:wellington-koo").json()
    assert any(p["title"] == "Defence Minister" and p["organization"] == "state:TW" for p in koo["posts"])
    nasams = client.get("/entities/system:nasams").json()
    assert {"type": "MANUFACTURER", "direction": "out", "id": "contractor:rtx"}.items() <= next(
        r for r in nasams["relations"] if r["type"] == "MANUFACTURER").items()
    assert "state:XX" in problem(client.get("/entities/state:XX"), 404)["detail"]


def test_entity_evidence_pages_by_key_through_every_sentence_once(client: TestClient, graph: Graph) -> None:
    detail = client.get("/entities/state:TW").json()
    total = detail["evidence_total"]
    assert total > 3 and detail["links"]["evidence"] == "/entities/state:TW/evidence"
    assert [e["id"] for e in detail["evidence"]] == sorted(e["id"] for e in detail["evidence"])
    stored = {r["id"] for r in graph.read(cypher.Cypher(
        "MATCH (ev:Evidence)-[:MENTIONS]->(:State {id: 'state:TW'}) RETURN ev.id AS id"))}
    assert len(stored) == total
    seen: list[str] = []
    cursor = None
    while True:
        page = client.get("/entities/state:TW/evidence", params={"limit": 2, **({"cursor": cursor} if cursor else {})}).json()
        assert 0 < len(page["items"]) <= 2 and all(e["sentence"] and e["source_id"] for e in page["items"])
        seen += [e["id"] for e in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == sorted(stored)  # in id order, each once, none left out
    assert [e["id"] for e in detail["evidence"]] == seen[:len(detail["evidence"])]
    problem(client.get("/entities/state:TW/evidence", params={"cursor": "not-a-cursor"}), 422)
    problem(client.get("/entities/state:XX/evidence"), 404)


def test_the_entity_detail_shows_the_first_sentences_of_a_hub_and_counts_them_all(client: TestClient, monkeypatch) -> None:
    monkeypatch.setattr(entities, "EVIDENCE_PREVIEW", 1)
    detail = client.get("/entities/state:TW").json()
    first = client.get("/entities/state:TW/evidence", params={"limit": 1}).json()
    assert [e["id"] for e in detail["evidence"]] == [e["id"] for e in first["items"]]
    assert detail["evidence_total"] > 1
    whole = client.get("/entities/state:TW/evidence", params={"limit": 200}).json()["items"]
    assert detail["sources"] == sorted({e["source_id"] for e in whole})[:1] and detail["source_total"] == 2


def test_a_truncated_neighbourhood_keeps_the_nearest_edges(client: TestClient) -> None:
    one = client.get("/entities/state:TW/neighbors", params={"depth": 1, "limit": 1000}).json()
    assert not one["truncated"]
    near = {(e["source"], e["type"], e["target"]) for e in one["edges"]}
    two = client.get("/entities/state:TW/neighbors", params={"depth": 2, "limit": 1000}).json()
    assert near < {(e["source"], e["type"], e["target"]) for e in two["edges"]}
    cut = client.get("/entities/state:TW/neighbors", params={"depth": 2, "limit": len(near)}).json()
    assert cut["truncated"] and {(e["source"], e["type"], e["target"]) for e in cut["edges"]} == near


def test_neighbors_subgraph(client: TestClient) -> None:
    body = client.get("/entities/contractor:rtx/neighbors", params={"depth": 1}).json()
    ids = {n["id"] for n in body["nodes"]}
    assert CONTRACT in ids and "system:nasams" in ids
    assert all(e["source"] in ids and e["target"] in ids for e in body["edges"])
    assert not any("Evidence" in n["types"] or "Source" in n["types"] for n in body["nodes"])
    two = client.get("/entities/contractor:rtx/neighbors", params={"depth": 2, "types": "CONTRACTOR,RECIPIENT"}).json()
    assert "state:TW" in {n["id"] for n in two["nodes"]}
    assert {e["type"] for e in two["edges"]} <= {"CONTRACTOR", "RECIPIENT"}
    problem(client.get("/entities/contractor:rtx/neighbors", params={"types": "DROP_ALL"}), 422)
    problem(client.get("/entities/contractor:rtx/neighbors", params={"depth": 9}), 422)


def test_timeline(client: TestClient) -> None:
    body = client.get("/entities/state:TW/events").json()
    assert len(body["items"]) >= 10
    sales = client.get("/entities/state:TW/events", params={"type": "ArmsSale", "from": "2025"}).json()["items"]
    assert sales and all("2025" <= str(item.get("date")) for item in sales)
    problem(client.get("/entities/state:TW/events", params={"type": "Picnic"}), 422)
    problem(client.get("/entities/state:XX/events"), 404)


def test_paths(client: TestClient) -> None:
    body = client.get("/paths", params={"from": "contractor:rtx", "to": "state:TW", "max_hops": 2}).json()
    assert body["items"]
    problem(client.get("/paths", params={"from": "contractor:rtx"}), 422)


def test_sales(client: TestClient) -> None:
    items = client.get("/sales", params={"buyer": "state:TW"}).json()["items"]
    text = str(items)
    assert "698948760" in text and "330000000" in text
    big = client.get("/sales", params={"buyer": "Taiwan", "min_value": 500_000_000, "from": "2025"}).json()["items"]
    assert "698948760" in str(big) and "330000000" not in str(big)
    problem(client.get("/sales", params={"from": "last year"}), 422)


def test_event_detail(client: TestClient) -> None:
    body = client.get(f"/events/{CONTRACT}").json()
    roles = {(p["role"], p["id"]) for p in body["participants"]}
    assert ("contractor", "contractor:rtx") in roles and ("recipient", "state:TW") in roles
    assert body["amount"] == 698948760 and body["currency"] == "USD" and body["date"] == "2025-11-17"
    assert body["systems"][0]["id"] == "system:nasams"
    assert body["part_of"] and body["part_of"][0]["types"][0] == "ArmsSale"
    [evidence] = body["evidence"]
    assert "firm fixed-price contract" in evidence["sentence"] and evidence["source_id"] == "source:2025-11-19-nasams-taiwan"
    problem(client.get("/events/event:nope"), 404)


def test_sources(client: TestClient) -> None:
    body = client.get("/sources").json()
    ids = [s["id"] for s in body["items"]]
    assert "source:2025-11-19-nasams-taiwan" in ids and all(s["events"] >= 0 for s in body["items"])
    detail = client.get("/sources/2025-11-19-nasams-taiwan").json()
    assert any(e["id"] == CONTRACT for e in detail["events"])
    assert any(r["type"] == "OPERATES" for r in detail["relations"])
    assert any(x["id"] == "state:TW" for x in detail["entities"])
    problem(client.get("/sources/source:nope"), 404)


def test_named_queries(client: TestClient) -> None:
    listed = {q["name"]: q for q in client.get("/queries").json()}
    assert len(listed) >= 12 and "arms_sales" in listed
    run = client.post("/queries/arms_sales", json={"params": {"buyer": "state:TW"}}).json()
    assert run["params"]["buyer"] == "state:TW" and run["params"]["limit"] == 50 and run["rows"]
    problem(client.post("/queries/arms_sales", json={"params": {"limit": "many"}}), 422)
    problem(client.post("/queries/arms_sales", json={"params": {"nonsense": 1}}), 422)
    problem(client.post("/queries/no_such_query", json={}), 404)


# -- hostile input is inert ----------------------------------------------------------------

HOSTILE = ["') MATCH (n) DETACH DELETE n //", "x'}) DETACH DELETE n RETURN ('", "Actor", ":Actor:State", "`Actor`", "$id", "\\u0000"]


@pytest.mark.parametrize("value", HOSTILE + ["x" * 5000])
def test_cypher_fragments_labels_and_oversized_values_are_inert(client: TestClient, graph: Graph, value: str) -> None:
    before = graph.counts()
    responses = [
        client.get("/entities", params={"q": value}),
        client.get("/entities", params={"type": value}),
        client.get(f"/entities/{value}"),
        client.get(f"/entities/{value}/neighbors", params={"types": value}),
        client.get(f"/entities/{value}/events", params={"type": value}),
        client.get("/paths", params={"from": value, "to": value}),
        client.get("/sales", params={"buyer": value, "seller": value, "system": value, "contractor": value}),
        client.get(f"/events/{value}"),
        client.get(f"/sources/{value}"),
        client.post("/queries/arms_sales", json={"params": {"buyer": value}}),
        client.post(f"/queries/{value}", json={}),
    ]
    for response in responses:
        assert response.status_code in (200, 404, 422), (response.request.url, response.status_code, response.text[:300])
        if response.status_code >= 400:
            problem(response, response.status_code)
    assert graph.counts() == before


# -- the search's name index --------------------------------------------------------------------


def test_the_name_index_ranks_the_same_entities_as_ranking_every_one(graph: Graph, corpus) -> None:
    """Search ranks only entities with a name that contains the query or passes the fuzzy screen
    (run on the names of a length that can pass it): for prefixes, substrings, extensions,
    misspellings and random strings of every name in the graph, that gives exactly the matches,
    kinds and scores of ranking every entity."""
    import random

    from kg.reads.name_index import rank, read_names

    names = read_names(graph)
    all_names = sorted({n for e in names.entities for n in e.search_names})
    assert len(names.entities) > 20 and len(all_names) > len(names.entities)
    rng = random.Random(11)
    queries = set()
    for name in all_names:
        queries |= {name, name[:3], name[1:-1], name[len(name) // 2:]}
        # at the edges of the lengths the fuzzy screen looks at (9/16 and 16/9 of the query's)
        queries |= {name[:len(name) * 9 // 16], name + name[:len(name) * 3 // 4], name + name[:len(name) * 7 // 9]}
        chars = list(name)
        chars[rng.randrange(len(chars))] = rng.choice("aeiourst")
        queries.add("".join(chars))
    queries |= {"".join(rng.choice("abcdeilnorst ") for _ in range(rng.randint(1, 12))) for _ in range(300)}
    queries = {q for q in queries if q.strip()}
    for q in sorted(queries):
        for type_ in (None, "State", "Contractor"):
            found = [(m.entity.id, m.kind, m.score) for m in names.search(q, type_)]
            every = [(e, rank(q, e.search_names)) for e in names.entities if type_ is None or type_ in e.labels]
            expected = {(e.id, r[0], r[1]) for e, r in every if r is not None}
            assert sorted(found) == sorted(expected), q
            assert len(found) == len(set(found))


def _found(client: TestClient, q: str) -> list[str]:
    response = client.get("/entities", params={"q": q})
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"] if item["match"] == "exact"]


def test_search_sees_a_load_and_a_retraction_made_outside_the_api(client: TestClient, loader, tmp_path: Path) -> None:
    """The index re-reads names as soon as the graph's counts change, whoever changed them."""
    assert _found(client, "Quillon Dynamics") == []
    with scratch_source(loader, tmp_path / "test-api-renamed.yaml", renamed_source("test-api-renamed", "Q Alpha")):
        assert _found(client, "quillon dynamics") == _found(client, "q alpha") == ["contractor:quillon-dynamics"]
    assert _found(client, "Quillon Dynamics") == []


def test_a_reload_that_only_renames_is_seen_through_the_api_at_once_and_otherwise_after_max_age(
        settings: Settings, graph: Graph, loader, corpus, tmp_path: Path) -> None:
    """On the embedded engine a re-load with the same counts leaves the signature as it was: names
    read earlier serve until KG_SEARCH_MAX_AGE, unless the re-load came through this API. On Neo4j
    search reads the graph's full-text index, which is current when the write commits."""
    current = graph.dialect.fulltext_index
    path = tmp_path / "test-api-renamed.yaml"
    headers = {"X-API-Key": KEY, "content-type": "application/yaml"}
    with make_client(settings, graph, api_key=SecretStr(KEY), search_max_age=3600) as patient, \
            make_client(settings, graph, search_max_age=0) as eager:
        path.write_text(renamed_source("test-api-renamed", "Q Alpha"), encoding="utf-8")
        loader.load([path])
        try:
            assert _found(patient, "q alpha") == _found(eager, "q alpha") == ["contractor:quillon-dynamics"]
            reloaded = patient.post("/sources", content=renamed_source("test-api-renamed", "Q Beta"), headers=headers)
            assert reloaded.status_code == 200 and reloaded.json()["action"] == "updated", reloaded.text
            assert _found(patient, "q beta") == ["contractor:quillon-dynamics"] and _found(patient, "q alpha") == []
            path.write_text(renamed_source("test-api-renamed", "Q Gamma"), encoding="utf-8")
            assert loader.load([path]).reports[0].action == "updated"
            assert _found(eager, "q gamma") == ["contractor:quillon-dynamics"]
            if current:
                assert _found(patient, "q gamma") == ["contractor:quillon-dynamics"] and _found(patient, "q beta") == []
            else:
                assert _found(patient, "q gamma") == [] and _found(patient, "q beta") == ["contractor:quillon-dynamics"]
        finally:
            loader.unload("source:test-api-renamed")
        assert _found(patient, "quillon dynamics") == _found(eager, "quillon dynamics") == []


def test_paths_find_ends_renamed_outside_the_api_though_its_names_are_older(
        settings: Settings, graph: Graph, loader, corpus, tmp_path: Path) -> None:
    """On the embedded engine /paths resolves its ends on the API's names, read before a re-load that
    only renamed: the engine's check of every end it names sends /paths to the graph's own names
    instead. On Neo4j the named query resolves them, and search is current at once."""
    path = tmp_path / "test-api-paths-renamed.yaml"

    def ends(client: TestClient, name: str) -> list[str]:
        response = client.get("/paths", params={"from": name, "to": "Taiwan", "max_hops": 2})
        assert response.status_code == 200, response.text
        return [item["fromId"] for item in response.json()["items"]]

    with make_client(settings, graph, search_max_age=3600) as patient:
        with scratch_source(loader, path, renamed_source("test-api-paths-renamed", "Q Alpha")):
            assert ends(patient, "q alpha") == ["contractor:quillon-dynamics"]
            path.write_text(renamed_source("test-api-paths-renamed", "Q Beta"), encoding="utf-8")
            assert loader.load([path]).reports[0].action == "updated"
            if graph.dialect.fulltext_index:  # current at once: the old name names nothing
                assert _found(patient, "q alpha") == []
                problem(patient.get("/paths", params={"from": "q alpha", "to": "Taiwan", "max_hops": 2}), 404)
            else:
                assert _found(patient, "q alpha") == ["contractor:quillon-dynamics"]  # the API's names are the older ones
                assert ends(patient, "q alpha") == []
            assert ends(patient, "Q BETA") == ["contractor:quillon-dynamics"]
        # retracted: the end names nothing now, which is a 404 naming it (not an empty list of paths)
        gone = patient.get("/paths", params={"from": "contractor:quillon-dynamics", "to": "Taiwan", "max_hops": 2})
        assert "'contractor:quillon-dynamics'" in problem(gone, 404)["detail"]


class SlowSignatures:
    """The session's graph, with its signature reads counted and, on request, slow to return."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.reads = 0
        self.delay = 0.0
        self.read_done = threading.Event()
        self._lock = threading.Lock()

    def read(self, query, **params):
        rows = self.graph.read(query, **params)
        if query == cypher.GRAPH_SIGNATURE:
            with self._lock:
                self.reads += 1
                delay, self.delay = self.delay, 0.0
            self.read_done.set()
            time.sleep(delay)
        return rows


def test_concurrent_searches_share_the_signature_reads(graph: Graph, corpus) -> None:
    """Eight searches arriving together cost two signature reads (three with a straggler), not eight."""
    from kg.reads.name_index import NameIndex

    slow = SlowSignatures(graph)
    index = NameIndex(max_age=3600)
    names = index.names(slow)
    slow.reads = 0
    start = threading.Barrier(8)
    got = []

    def search() -> None:
        start.wait()
        slow.delay = 0.05
        got.append(index.names(slow))

    threads = [threading.Thread(target=search) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 8 and all(g is names for g in got)
    assert 1 <= slow.reads <= 3


def test_a_search_never_takes_a_signature_read_that_began_before_it(graph: Graph, loader, corpus, tmp_path: Path) -> None:
    """A load committed while another search's signature read is under way is seen by a search that
    arrives after the load: it waits for that read and then reads again instead of taking its answer."""

    from kg.reads.name_index import NameIndex

    slow = SlowSignatures(graph)
    index = NameIndex(max_age=3600)
    before = index.names(slow)
    slow.read_done.clear()
    slow.delay = 1.0
    earlier: list = []
    racing = threading.Thread(target=lambda: earlier.append(index.names(slow)))
    racing.start()
    assert slow.read_done.wait(30)
    with scratch_source(loader, tmp_path / "test-api-renamed.yaml", renamed_source("test-api-renamed", "Q Alpha")):
        later = index.names(slow)
        racing.join()
        assert earlier == [before]  # read before the load: the names as they were
        assert [m.entity.id for m in later.search("q alpha", None) if m.kind == "exact"] == ["contractor:quillon-dynamics"]


def test_a_write_in_one_worker_reaches_the_search_of_another_at_once(graph: Graph, loader, corpus, tmp_path: Path) -> None:
    """Two name indexes sharing a write marker, as kg serve's workers do: a re-load that only renames
    (same signature), made through the first, is seen by the second at once despite a long max age."""
    from kg.reads.name_index import NameIndex

    marker = tmp_path / "writes"
    first, second, alone = (NameIndex(max_age=3600, shared=marker), NameIndex(max_age=3600, shared=marker),
                            NameIndex(max_age=3600))
    path = tmp_path / "test-api-renamed.yaml"
    path.write_text(renamed_source("test-api-renamed", "Q Alpha"), encoding="utf-8")
    loader.load([path])
    try:
        for index in (first, second, alone):
            assert [m.entity.id for m in index.names(graph).search("q alpha", None)] == ["contractor:quillon-dynamics"]
        path.write_text(renamed_source("test-api-renamed", "Q Beta"), encoding="utf-8")
        assert loader.load([path]).reports[0].action == "updated"
        first.invalidate()  # what POST /sources does in the worker that took the write
        assert [m.entity.id for m in second.names(graph).search("q beta", None)] == ["contractor:quillon-dynamics"]
        assert [m.entity.id for m in alone.names(graph).search("q beta", None)] == []  # no marker: max age
    finally:
        loader.unload("source:test-api-renamed")


# -- writes ----------------------------------------------------------------------------------

UPLOAD = """\
article: {id: test-api-upload, date: 2025-11-20, title: API upload}
entities:
  - {id: tw, type: State, name: Taiwan, iso_code: TW}
  - {id: us, type: State, name: United States, iso_code: US}
events:
  - type: ArmsSale
    id: sale
    date: 2025-11
    participants: [{entity: us, role: seller}, {entity: tw, role: buyer}]
    value: {amount: AMOUNT, currency: USD}
    evidence: The United States sold something to Taiwan.
"""


def test_writes_are_off_without_a_key(settings: Settings, graph: Graph, corpus) -> None:
    with make_client(settings, graph, api_key=None) as c:
        problem(c.post("/sources", content=UPLOAD.replace("AMOUNT", "1"), headers={"content-type": "application/yaml"}), 403)
        problem(c.delete("/sources/source:2025-11-19-nasams-taiwan"), 403)
        assert c.get("/health").status_code == 200


def test_reads_can_require_the_key(settings: Settings, graph: Graph, corpus) -> None:
    with make_client(settings, graph, api_key=SecretStr(KEY), api_key_for_reads=True) as c:
        problem(c.get("/entities/state:TW"), 401)
        assert c.get("/entities/state:TW", headers={"X-API-Key": KEY}).status_code == 200


def test_upload_and_delete_go_through_the_loader(client: TestClient, graph: Graph) -> None:
    headers = {"X-API-Key": KEY, "content-type": "application/yaml"}
    problem(client.post("/sources", content=UPLOAD.replace("AMOUNT", "1"), headers={**headers, "X-API-Key": "wrong"}), 401)
    before = graph.counts()
    created = client.post("/sources", content=UPLOAD.replace("AMOUNT", "100"), headers=headers)
    try:
        assert created.status_code == 201, created.text
        assert created.json()["action"] == "created" and created.headers["location"] == "/sources/source:test-api-upload"
        again = client.post("/sources", content=UPLOAD.replace("AMOUNT", "100"), headers=headers)
        assert again.status_code == 200 and again.json()["action"] == "unchanged"
        rejected = problem(client.post("/sources", content=UPLOAD.replace("AMOUNT", "-5"), headers=headers), 422)
        assert "greater than or equal to 0" in rejected["detail"] and rejected["errors"]
        assert client.get("/sources/test-api-upload").json()["events"][0]["amount"] == 100  # the bad version changed nothing
        problem(client.post("/sources", content="article: [", headers=headers), 422)
        problem(client.post("/sources", content=UPLOAD.replace("date: 2025-11-20,", "text_file: x.txt,"), headers=headers), 422)
        problem(client.post("/sources", content="x" * 2_000_001, headers=headers), 413)
    finally:
        deleted = client.delete("/sources/test-api-upload", headers={"X-API-Key": KEY})
    assert deleted.status_code == 200 and deleted.json()["action"] == "retracted"
    assert graph.counts() == before
    problem(client.delete("/sources/test-api-upload", headers={"X-API-Key": KEY}), 404)


def test_readers_see_the_old_or_the_new_source_never_half(client: TestClient, graph: Graph, loader, tmp_path: Path) -> None:
    """A source alternates between two versions while readers fetch it: each read is one whole version."""
    def version(n_events: int, amount: int) -> Path:
        events = "".join(
            f"  - type: ArmsSale\n    id: sale-{i}\n    date: 2025-11\n"
            f"    participants: [{{entity: us, role: seller}}, {{entity: tw, role: buyer}}]\n"
            f"    value: {{amount: {amount}, currency: USD}}\n    evidence: Sale number {i} of version {amount}.\n"
            for i in range(n_events))
        path = tmp_path / f"v{amount}" / "test-api-concurrent.yaml"
        path.parent.mkdir()
        path.write_text("article: {id: test-api-concurrent, date: 2025-11-20}\nentities:\n"
                        "  - {id: tw, type: State, name: Taiwan, iso_code: TW}\n"
                        "  - {id: us, type: State, name: United States, iso_code: US}\n"
                        f"events:\n{events}", encoding="utf-8")
        return path

    old, new = version(3, 111), version(6, 222)
    allowed = {(3, (111,)), (6, (222,))}
    loader.load([old])
    seen: list[tuple[int, tuple[int, ...]]] = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            events = client.get("/sources/test-api-concurrent").json()["events"]
            seen.append((len(events), tuple(sorted({e["amount"] for e in events}))))

    readers = [threading.Thread(target=read) for _ in range(2)]
    for t in readers:
        t.start()
    try:
        for i in range(6):
            summary = loader.load([new if i % 2 == 0 else old])
            assert not summary.rejected
    finally:
        done.set()
        for t in readers:
            t.join(30)
        loader.unload("source:test-api-concurrent")
    assert len(seen) >= 5, "the readers barely ran: the test proves nothing"
    assert set(seen) <= allowed, set(seen) - allowed
