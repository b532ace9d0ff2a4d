"""The graph access layer against the session's real graph."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from kg.cypher import Cypher
from kg.graph import Graph, path_elements

PREFIX = "test-graph-"


@pytest.fixture(autouse=True)
def _clean(graph: Graph):
    yield
    graph.write(Cypher("MATCH (n:Probe) WHERE n.id STARTS WITH $prefix DETACH DELETE n"), prefix=PREFIX)


def test_write_then_read_round_trip(graph: Graph) -> None:
    name = "O'Brien \"quoted\" — Tsai Ing-wen 蔡英文; MATCH (n) DETACH DELETE n"
    graph.write(
        Cypher("CREATE (p:Probe {id: $id, name: $name, amount: $amount, day: $day, tags: $tags})"),
        id=PREFIX + "1", name=name, amount=698948760, day=date(2025, 11, 19), tags=["a", "b"],
    )
    rows = graph.read(Cypher("MATCH (p:Probe {id: $id}) RETURN p.name AS name, p.amount AS amount, p.day AS day, p.tags AS tags"), id=PREFIX + "1")
    assert len(rows) == 1
    row = rows[0]
    assert row["name"] == name  # a Cypher fragment in a value stays a value
    assert row["amount"] == 698948760
    assert row["day"].to_native() == date(2025, 11, 19)
    assert row["tags"] == ["a", "b"]


def test_only_project_cypher_is_run(graph: Graph) -> None:
    with pytest.raises(TypeError, match="Cypher"):
        graph.read("RETURN 1")  # type: ignore[arg-type]


def test_a_failing_write_transaction_leaves_nothing(graph: Graph) -> None:
    def work(tx):
        tx.run(Cypher("CREATE (:Probe {id: $id})"), id=PREFIX + "rolled-back")
        raise RuntimeError("abort")

    with pytest.raises(RuntimeError):
        graph.write_transaction(work)
    assert graph.read(Cypher("MATCH (p:Probe {id: $id}) RETURN count(p) AS n"), id=PREFIX + "rolled-back") == [{"n": 0}]


def test_transient_conflict_is_retried(graph: Graph) -> None:
    """Two transactions change one node; the loser gets a TransientError and is retried.

    On the embedded engine (optimistic concurrency) the first attempt of the
    slow transaction must fail at commit and be retried; on Neo4j (locks) the
    fast writer waits instead. Either way no update is lost.
    """
    node = PREFIX + "counter"
    graph.write(Cypher("CREATE (:Probe {id: $id, n: 0})"), id=node)
    slow_wrote, fast_committed = threading.Event(), threading.Event()
    attempts: list[int] = []

    def slow(tx):
        attempts.append(1)
        tx.run(Cypher("MATCH (p:Probe {id: $id}) SET p.n = p.n + 1"), id=node)
        if len(attempts) == 1:
            slow_wrote.set()
            fast_committed.wait(5)

    def fast() -> None:
        slow_wrote.wait(10)
        graph.write(Cypher("MATCH (p:Probe {id: $id}) SET p.n = p.n + 10"), id=node)
        fast_committed.set()

    other = threading.Thread(target=fast)
    other.start()
    graph.write_transaction(slow)
    other.join(30)
    assert graph.read(Cypher("MATCH (p:Probe {id: $id}) RETURN p.n AS n"), id=node) == [{"n": 11}]
    if graph.dialect.name == "arcadedb":
        assert len(attempts) == 2


def test_counts_follow_writes(graph: Graph) -> None:
    before = graph.counts()
    graph.write(Cypher("CREATE (:Probe {id: $a})-[:PROBE_LINK]->(:Probe {id: $b})"), a=PREFIX + "a", b=PREFIX + "b")
    after = graph.counts()
    assert (after.nodes - before.nodes, after.relationships - before.relationships) == (2, 1)


def test_returned_paths_read_the_same_on_either_engine(graph: Graph) -> None:
    graph.write(Cypher("CREATE (:Probe {id: $a})-[:PROBE_LINK]->(:Probe {id: $b})"), a=PREFIX + "p1", b=PREFIX + "p2")
    rows = graph.read(
        Cypher("MATCH p = shortestPath((a:Probe {id: $a})-[*..3]-(b:Probe {id: $b})) RETURN p"),
        a=PREFIX + "p1", b=PREFIX + "p2",
    )
    elements = path_elements(rows[0]["p"])
    assert len(elements) == 3
    assert [e["id"] for e in (elements[0], elements[2])] == [PREFIX + "p1", PREFIX + "p2"]


def test_rows_read_as_the_drivers_own_data_gives_them(graph: Graph) -> None:
    """Graph.read skips the driver's conversion for plain rows: every kind of value still reads as data() has it."""
    from neo4j import GraphDatabase

    graph.write(Cypher("CREATE (:Probe {id: $a, day: $day, tags: ['x']})-[:PROBE_LINK {w: 2}]->(:Probe {id: $b})"),
                a=PREFIX + "r1", b=PREFIX + "r2", day=date(2025, 11, 19))
    query = Cypher(
        "MATCH (a:Probe {id: $a})-[r:PROBE_LINK]->(b:Probe) "
        "RETURN a.id AS id, 1 AS one, 2.5 AS half, true AS yes, null AS nothing, [a.id, b.id] AS ids, [[1, 2], []] AS nested, "
        "{k: a.id, n: [1, null]} AS map, a.day AS day, [a.day] AS days, {day: a.day} AS dated, a AS node, r AS rel, "
        "[a, b] AS nodes, {node: b} AS held, elementId(a) AS element"
    )
    plain = Cypher("MATCH (a:Probe {id: $a}) RETURN a.id AS id, [a.id, 'y'] AS ids, {k: [1, 2.5, true, null]} AS map")
    c = graph.connection
    with GraphDatabase.driver(c.uri, auth=(c.user, c.password) if c.password else None) as driver:
        for statement in (query, plain):
            expected = driver.execute_query(statement, {"a": PREFIX + "r1"}, database_=c.database).records
            got = graph.read(statement, a=PREFIX + "r1")
            assert got == [record.data() for record in expected]
            assert [list(map(type, row.values())) for row in got] == [list(map(type, record.data().values())) for record in expected]
