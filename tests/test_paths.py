"""GET /paths searches from both ends (kg.paths) and gives exactly the named query's rows."""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest

from kg.graph import Graph
from kg.ontology import load_ontology
from kg.paths import path_relationship_types, shortest_connections
from kg.queries import get_query

#: Ends of every kind, by id and by name: contractors, states, systems, a person.
ENDS = ["contractor:rtx", "Taiwan", "Sweden", "China", "system:nasams", "system:excalibur", "state:US", "Wellington Koo"]

#: None: the near end grows level by level; 0: every length is probed from the far end; 2: a mix of both.
BUDGETS = [None, 0, 2, 3000]


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
