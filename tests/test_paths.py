"""GET /paths searches from both ends (kg.engines.arcadedb.paths) and gives exactly the named query's rows."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import renamed_source, scratch_source

from kg.cypher import Cypher
from kg.engines.arcadedb import paths
from kg.engines.arcadedb.paths import Budget, path_relationship_types, shortest_connections
from kg.graph import Graph, Tx
from kg.ontology import load_ontology
from kg.queries import get_query
from kg.reads.name_index import read_names

#: Ends of every kind, by id and by name: contractors, states, systems, a person.
ENDS = ["contractor:rtx", "Taiwan", "Sweden", "China", "system:nasams", "system:excalibur", "state:US", "Wellington Koo"]

#: Every way the ends can meet: a plain breadth-first search from one end (grow=None); levels grown
#: only when the ends are two hops apart or more (grow=0), and then the far end walked two hops
#: whatever its size (walk=None); and mixes of these.
BUDGETS = [Budget(grow=None), Budget(grow=0, walk=0), Budget(grow=0, walk=None), Budget(grow=2, walk=2),
           Budget(grow=3000, walk=3000)]


def named(graph: Graph, **params: Any) -> list[dict[str, Any]]:
    return get_query("shortest_connections").run(graph, params)


def canonical(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """The rows in one order: the named query leaves paths over the same nodes (by other relationships) unordered."""
    return sorted(tuple(tuple(map(tuple, v)) if k == "nodeLabels" else tuple(v) if isinstance(v, list) else v
                        for k, v in sorted(row.items())) for row in rows)


def key(row: dict[str, Any]) -> tuple[Any, ...]:
    return row["hops"], row["fromId"], row["toId"], row["nodeIds"]


def test_paths_use_the_relationship_types_the_named_query_lists() -> None:
    text = get_query("shortest_connections").text
    listed = re.search(r"allShortestPaths\(\(a\)-\[:([A-Z_|]+)\*", text)
    assert listed, "the named query's relationship list"
    assert sorted(listed[1].split("|")) == list(path_relationship_types(load_ontology()))


@pytest.mark.usefixtures("sample")
def test_every_pair_gives_the_named_query_rows_however_the_search_is_split(graph: Graph) -> None:
    compared = 0
    for a, b in itertools.permutations(ENDS, 2):
        expected = named(graph, **{"from": a, "to": b, "max_hops": 6, "limit": 10_000})
        for budget in BUDGETS:
            got = shortest_connections(graph, a, b, max_hops=6, limit=10_000, budget=budget)
            assert canonical(got) == canonical(expected), (a, b, budget)
            assert [key(r) for r in got] == sorted(key(r) for r in expected), (a, b, budget)
        compared += bool(expected)
    assert compared >= 40, "most pairs are connected, so the comparison is about paths, not empty lists"


@pytest.mark.usefixtures("sample")
def test_the_comparisons_above_take_every_way_the_ends_can_meet(graph: Graph) -> None:
    """Growing either end, probing one hop or two: the budgets the comparisons use run every statement."""
    spy = Passes(graph)
    names = read_names(graph)
    for a, b in itertools.permutations(ENDS, 2):
        for budget in BUDGETS:
            shortest_connections(spy, a, b, max_hops=6, limit=10_000, budget=budget, known=names.path_ends)
    shortest_connections(spy, "Atlantis", "Taiwan", known=names.path_ends)  # an end the names do not know: the pass
    missing = [i for i, statement in enumerate(paths.cypher_statements()) if statement not in spy.statements]
    assert missing == [], "statements of paths.cypher_statements() no comparison ran"


@pytest.mark.usefixtures("sample")
def test_limit_and_max_hops_cut_where_the_named_query_does(graph: Graph) -> None:
    cut = 0
    for a, b in itertools.permutations(ENDS, 2):
        everything = named(graph, **{"from": a, "to": b, "max_hops": 6, "limit": 10_000})
        if len(everything) <= 3:
            continue
        cut += 1
        shortest = everything[0]["hops"]
        for budget in BUDGETS:
            first = shortest_connections(graph, a, b, max_hops=6, limit=3, budget=budget)
            assert [key(r) for r in first] == [key(r) for r in everything[:3]], (a, b, budget)
            assert shortest_connections(graph, a, b, max_hops=shortest - 1, budget=budget) == []
        assert named(graph, **{"from": a, "to": b, "max_hops": shortest - 1}) == []
    assert cut >= 5, "pairs with more paths than the limit"


@pytest.mark.usefixtures("sample")
def test_a_name_with_no_entity_or_the_same_end_twice_gives_no_paths(graph: Graph) -> None:
    assert shortest_connections(graph, "Atlantis", "Taiwan") == named(graph, **{"from": "Atlantis", "to": "Taiwan"}) == []
    assert shortest_connections(graph, "Taiwan", "state:TW") == named(graph, **{"from": "Taiwan", "to": "state:TW"}) == []


class Passes:
    """The session's graph, counting the reads of the pass over every entity that resolves the ends
    (and keeping every statement read)."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.passes = 0
        self.statements: set[str] = set()

    def read_transaction(self, work: Callable[[Any], Any]) -> Any:
        return self.graph.read_transaction(lambda tx: work(self._Counting(tx, self)))

    class _Counting:
        def __init__(self, tx: Tx, spy: Passes) -> None:
            self.tx, self.spy = tx, spy

        def run(self, query: Cypher, **params: Any) -> list[dict[str, Any]]:
            self.spy.passes += query == paths.cypher_statements()[0]
            self.spy.statements.add(query)
            return self.tx.run(query, **params)


def test_the_pass_is_the_first_statement_the_passes_counter_looks_for() -> None:
    assert paths.cypher_statements()[0].startswith("CALL () { MATCH (x:Actor|WeaponSystem|Place)")


@pytest.mark.usefixtures("sample")
def test_a_snapshot_of_the_names_resolves_the_ends_without_the_pass_and_to_the_same_paths(graph: Graph) -> None:
    names = read_names(graph)
    spy = Passes(graph)
    ends = [*ENDS, "TAIWAN", "contractor:RTX", "nasams", "Beijing"]  # any case of a name or alias; an id only as written
    for a, b in itertools.permutations(ends, 2):
        expected = named(graph, **{"from": a, "to": b, "max_hops": 6, "limit": 10_000})
        got = shortest_connections(spy, a, b, max_hops=6, limit=10_000, known=names.path_ends)
        assert [key(r) for r in got] == sorted(key(r) for r in expected), (a, b)
        assert canonical(got) == canonical(expected), (a, b)
    assert names.path_ends("contractor:RTX") == []
    # only the ends the snapshot does not know (an id in another case names no entity) took the pass
    assert spy.passes == sum(1 for a, b in itertools.permutations(ends, 2) if "contractor:RTX" in (a, b))


def test_a_snapshot_out_of_date_never_gives_other_paths_than_the_graph(graph: Graph, loader, tmp_path: Path) -> None:
    """Renamed, re-created or gone since the snapshot: the engine's check catches each, and the pass answers."""
    def both(spy: Passes, snapshot, a: str, b: str) -> list[dict[str, Any]]:
        got = shortest_connections(spy, a, b, known=snapshot.path_ends)
        assert [key(r) for r in got] == [key(r) for r in named(graph, **{"from": a, "to": b, "max_hops": 4})], (a, b)
        return got

    path = tmp_path / "test-paths-renamed.yaml"
    with scratch_source(loader, path, renamed_source("test-paths-renamed", "Q Alpha")):
        snapshot = read_names(graph)
        spy = Passes(graph)
        assert both(spy, snapshot, "q alpha", "Taiwan") and spy.passes == 0
        path.write_text(renamed_source("test-paths-renamed", "Q Beta"), encoding="utf-8")
        assert loader.load([path]).reports[0].action == "updated"
        assert both(spy, snapshot, "q alpha", "Taiwan") == [] and spy.passes == 1  # the snapshot's entity no longer matches
        assert both(spy, snapshot, "Q Beta", "Taiwan") and spy.passes == 2  # the snapshot knows no entity by that name
        assert both(spy, snapshot, "Quillon Dynamics", "Taiwan")
    gone = Passes(graph)
    assert both(gone, snapshot, "contractor:quillon-dynamics", "Taiwan") == [] and gone.passes == 1  # gone from the graph


def test_the_names_snapshot_finds_ends_as_the_named_query_matches_them(graph: Graph, loader, tmp_path: Path) -> None:
    with scratch_source(loader, tmp_path / "test-paths-ends.yaml", renamed_source("test-paths-ends", "Q Älpha")):
        names = read_names(graph)
        quillon = names.path_ends("contractor:quillon-dynamics")
        assert len(quillon) == 1
        for end in ("Quillon Dynamics", "QUILLON DYNAMICS", "q älpha", "Q ÄLPHA"):
            assert names.path_ends(end) == quillon, end
        for end in ("Contractor:Quillon-Dynamics", "Quillon", "quillon  dynamics", "q alpha"):
            assert names.path_ends(end) == [], end
