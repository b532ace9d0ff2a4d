"""The shortest connections between two entities, searched from both ends.

``queries/shortest_connections.cypher`` gives analysts the answer in one
statement, with ``allShortestPaths``. The embedded engine runs that search
from one end only: from an actor with a handful of events it reaches, within
two hops, the states those events involve, and the third hop then walks every
event of those states. At 100k events that took 1.4 s for two ends with
31 and 95 relationships (difference 9 in :mod:`kg.graph`).

Here the API finds the same paths, in the same order, by meeting in the
middle:

1. Both ends are resolved in one pass, as the named query resolves them, with
   the number of relationships each has. That pass reads every entity (about
   30 ms at 100k events, half of a typical search), so a caller holding a
   snapshot of the names (the API's, :mod:`kg.api.search_index`) passes an
   :data:`EndLookup`: the engine then reads only the entities it names and
   checks them against the ends as the pass would (about 1 ms). A snapshot out
   of date (an entity it names is gone or no longer matches, or it knows no
   entity for an end) sends the search back to the pass.
2. From the end with fewer relationships (the near end), the search grows
   breadth-first levels in Python (exact distances, every parent kept), as
   long as a level stays within ``budget`` relationships to expand.
3. For each length ``L`` up to ``max_hops``, shortest first: with the near end
   grown to depth ``i``, the far end is probed in the engine by one pattern of
   ``L - i`` hops whose last node is one of level ``i``'s nodes. Only the rows
   on a meeting path come back, so a hub at the far end costs engine time
   (tens of milliseconds) and not tens of thousands of rows over the wire.
4. The first length that meets is the shortest. Its paths are enumerated in
   the named query's order (hops, ends' ids, then node ids), lazily, so only
   ``limit`` of them are built however many there are.

At the shortest length every walk the probe finds is a shortest path's half (a
shortcut or a repeated node would make a shorter path, which the earlier
lengths would have found), so nothing has to be filtered after the fact.
``tests/test_paths.py`` holds the result equal to the named query's, with the
near end grown fully, not at all, and in between.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, NamedTuple

from kg import cypher
from kg.cypher import NOT_ON_PATHS, Cypher
from kg.graph import Graph, Tx
from kg.ontology import Ontology, load_ontology

#: Relationships the near end may expand in one level before the far end is probed deeper instead.
#: Measured over 200 bench pairs at 100k events, three samples: 1,000 took 11–15 ms a search,
#: 3,000 took 16–19 (counting a hub's level up to the budget is most of a search), and 300
#: 249 ms (a three-hop probe from a hub's far end).
GROW_BUDGET = 1000

#: The longest connection searched (the API's bound and the named query's ``*..6``).
MAX_HOPS = 6

#: Element ids of the entities a snapshot of the names says an end matches: those whose id is the
#: end, or one of whose lowercased names (name, aliases, source names) is the end lowercased.
EndLookup = Callable[[str], Iterable[str]]


def path_relationship_types(onto: Ontology) -> tuple[str, ...]:
    """Relationship types a connection may use: every object property that joins two
    entities or events (neither end is evidence, a source or a weapon category)."""
    def allowed(cls: str | None) -> bool:
        return cls is None or onto.cls(cls).root not in NOT_ON_PATHS

    return tuple(sorted(p.rel_type for p in onto.object_properties.values() if allowed(p.domain) and allowed(p.range)))


@dataclass(frozen=True)
class _Statements:
    ends: Cypher
    known_ends: Cypher
    grow_size: Cypher
    grow: Cypher
    probes: tuple[Cypher, ...]  # probes[k - 1]: walks of k hops from the far end

    def all(self) -> list[Cypher]:
        return [self.ends, self.known_ends, self.grow_size, self.grow, *self.probes]


@cache
def _statements() -> _Statements:
    types = "|".join(path_relationship_types(load_ontology()))
    return _Statements(
        ends=Cypher.template(cypher.PATH_ENDS, types=types),
        known_ends=Cypher.template(cypher.PATH_KNOWN_ENDS, types=types),
        grow_size=Cypher.template(cypher.PATH_GROW_SIZE, types=types),
        grow=Cypher.template(cypher.PATH_GROW, types=types),
        probes=tuple(Cypher.template(cypher.path_probe(hops), types=types) for hops in range(1, MAX_HOPS + 1)),
    )


def cypher_statements() -> list[Cypher]:
    """Every statement this module runs, with the ontology's relationship types (for the linter)."""
    return _statements().all()


class Step(NamedTuple):
    """One relationship between consecutive nodes of a path, as seen from the earlier node.

    A tuple, compared and hashed at C speed; a search reads thousands of relationships but
    only a few dozen kinds of step, so :func:`_step` hands out one of each."""

    type: str
    forward: bool  # the relationship starts at the earlier node

    def turned(self) -> "Step":
        return _step(self.type, not self.forward)


@cache
def _step(type_: str, forward: bool) -> Step:
    """The one :class:`Step` of this type and direction (a search reads thousands, of a few dozen kinds)."""
    return Step(type_, forward)


@dataclass
class _Levels:
    """Breadth-first levels from one end: for each node, every (parent, step) of a shortest way in."""

    levels: list[dict[str, list[tuple[str, Step]]]] = field(default_factory=list)
    depth_of: dict[str, int] = field(default_factory=dict)

    @classmethod
    def rooted(cls, node: str) -> "_Levels":
        return cls([{node: []}], {node: 0})

    @property
    def depth(self) -> int:
        return len(self.levels) - 1

    def grow(self, found: dict[str, list[Any]]) -> None:
        """The next level, from the columns of ``PATH_GROW``."""
        depth = len(self.levels)
        level: dict[str, list[tuple[str, Step]]] = {}
        for parent, child, type_, forward in zip(found["parents"], found["children"], found["types"], found["forward"]):
            if self.depth_of.setdefault(child, depth) == depth:
                level.setdefault(child, []).append((parent, _step(type_, forward)))
        self.levels.append(level)


#: A walk from the far end: the nodes after each hop, and each hop's step as seen from the far end.
Walk = tuple[list[str], list[Step]]

#: A path: its sort key (the named query's ORDER BY, then relationship types), nodes and steps.
Found = tuple[tuple[Any, ...], list[str], list[Step]]


def shortest_connections(graph: Graph, from_: str, to: str, max_hops: int = 4, limit: int = 25,
                         budget: int | None = GROW_BUDGET, known: EndLookup | None = None) -> list[dict[str, Any]]:
    """The rows ``queries/shortest_connections.cypher`` returns for these parameters, searched from both ends.

    ``budget`` caps the relationships one level of the near end may expand
    (``None``: no cap, a plain breadth-first search from the near end; ``0``:
    none, every length is probed from the far end). ``known`` saves the pass
    over every entity that resolves the ends (step 1 above).
    """
    return graph.read_transaction(lambda tx: _search(tx, from_, to, max(1, min(MAX_HOPS, max_hops)), limit, budget, known))


def _search(tx: Tx, from_: str, to: str, max_hops: int, limit: int, budget: int | None,
            known: EndLookup | None) -> list[dict[str, Any]]:
    """:func:`shortest_connections` inside one read transaction: its reads (up to a dozen)
    then cost one transaction, not one each."""
    ends = _ends(tx, from_, to, known)
    info: dict[str, dict[str, Any]] = {}
    found: list[Found] = []
    for a in (e for e in ends if e["isFrom"]):
        for b in (e for e in ends if e["isTo"]):
            if a["node"] != b["node"]:
                found += _between(tx, a, b, max_hops, limit, budget, info)
    found.sort(key=lambda f: f[0])
    return [_describe(path, steps, info) for _, path, steps in found[:limit]]


def _ends(tx: Tx, from_: str, to: str, known: EndLookup | None) -> list[dict[str, Any]]:
    """Every entity either end names (``node``, ``isFrom``, ``isTo``), with its relationship count.

    The snapshot's entities are taken only when the engine confirms each of them
    for the end the snapshot gave it; an entity the snapshot does not know at
    all can still be missed, for as long as the snapshot may be out of date
    (``KG_SEARCH_MAX_AGE``, and never after a write through the API).
    """
    parameters = {"from": from_, "to": to}
    if known is not None:
        froms, tos = set(known(from_)), set(known(to))
        if froms and tos:
            rows = tx.run(_statements().known_ends, nodes=sorted(froms | tos), **parameters)
            confirmed = {row["node"]: row for row in rows}
            if all(confirmed.get(node, {}).get("isFrom") for node in froms) \
                    and all(confirmed.get(node, {}).get("isTo") for node in tos):
                return [row for row in rows if row["isFrom"] or row["isTo"]]
    return tx.run(_statements().ends, **parameters)


def _between(tx: Tx, a: dict[str, Any], b: dict[str, Any], max_hops: int, limit: int, budget: int | None,
             info: dict[str, dict[str, Any]]) -> list[Found]:
    """Up to ``limit`` shortest paths from ``a`` to ``b``, in order."""
    statements = _statements()
    near, far = (a, b) if a["degree"] <= b["degree"] else (b, a)
    levels = _Levels.rooted(near["node"])
    growing = True
    for length in range(1, max_hops + 1):
        while growing and levels.depth < length:
            frontier = list(levels.levels[-1])
            if not frontier:
                return []  # every node connected to the near end is known, and the far end is not one of them
            if budget is not None:  # the near end's own count is known from the ends; a level's, from the engine
                size = near["degree"] if levels.depth == 0 else \
                    tx.run(statements.grow_size, nodes=frontier, cap=budget + 1)[0]["relationships"]
                growing = size <= budget
            if growing:
                levels.grow(tx.run(statements.grow, nodes=frontier)[0])
        depth = min(length, levels.depth)
        walks: list[Walk] = []
        if depth == length:
            walks = [([], [])] if far["node"] in levels.levels[depth] else []
        elif levels.levels[depth]:
            probed = tx.run(statements.probes[length - depth - 1], seed=far["node"], targets=list(levels.levels[depth]))[0]
            walks = [([column[j] for column in probed["nodes"]],
                      [_step(types[j], forward[j]) for types, forward in zip(probed["types"], probed["forward"])])
                     for j in range(len(probed["nodes"][0]))]
        if walks:
            edges = _meeting_edges(levels, depth, far["node"], walks)
            if near is b:  # the edges run from b to a: turn them round
                edges = [(length - 1 - position, later, earlier, step.turned()) for position, earlier, later, step in edges]
            return _in_order(tx, edges, a["node"], length, limit, info)
    return []


Edge = tuple[int, str, str, Step]  # position of the earlier node, earlier node, later node, step


def _meeting_edges(levels: _Levels, depth: int, far: str, walks: list[Walk]) -> list[Edge]:
    """Every relationship of every shortest path, from the near end (position 0) to the far end.

    The near end's part is each meeting node's parents back to the end; the
    far end's part is the walks, each from the far end to a meeting node.
    """
    edges: list[Edge] = []
    todo = {nodes[-1] if nodes else far for nodes, _ in walks}
    for position in range(depth, 0, -1):
        parents: set[str] = set()
        for node in todo:
            for parent, step in levels.levels[position][node]:
                edges.append((position - 1, parent, node, step))
                parents.add(parent)
        todo = parents
    for nodes, steps in walks:
        chain = [far, *nodes]
        hops = len(nodes)
        for k in range(hops, 0, -1):  # chain[k] sits at position depth + hops - k, chain[k - 1] one further
            edges.append((depth + hops - k, chain[k], chain[k - 1], steps[k - 1].turned()))
    return edges


def _in_order(tx: Tx, edges: list[Edge], start: str, hops: int, limit: int,
              info: dict[str, dict[str, Any]]) -> list[Found]:
    """The first ``limit`` paths from ``start`` through these edges, in the named query's order.

    Every edge lies on a complete path, so a depth-first walk taking the next
    nodes in id order meets the paths in order and can stop after ``limit``.
    """
    ahead: dict[tuple[int, str], set[tuple[str, Step]]] = {}
    for position, earlier, later, step in edges:
        ahead.setdefault((position, earlier), set()).add((later, step))
    unknown = sorted({n for _, earlier, later, _ in edges for n in (earlier, later)} - info.keys())
    if unknown:
        found = tx.run(cypher.PATH_NODES, nodes=unknown)[0]
        info.update((node, {"id": id_, "labels": labels, "name": name})
                    for node, id_, labels, name in zip(found["nodes"], found["ids"], found["labels"], found["names"]))
    out: list[Found] = []
    stack: list[tuple[list[str], list[Step]]] = [([start], [])]
    while stack and len(out) < limit:
        nodes, steps = stack.pop()
        if len(steps) == hops:
            ids = [info[n]["id"] for n in nodes]
            out.append(((hops, ids[0], ids[-1], "".join(i + " " for i in ids), *steps), nodes, steps))
            continue
        nexts = sorted(ahead[(len(steps), nodes[-1])], key=lambda pair: (info[pair[0]]["id"], pair[1]), reverse=True)
        stack += [([*nodes, later], [*steps, step]) for later, step in nexts]
    return out


def _describe(path: list[str], steps: list[Step], info: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The named query's columns for one path."""
    names = [info[n]["name"] for n in path]
    return {
        "fromId": info[path[0]]["id"],
        "toId": info[path[-1]]["id"],
        "hops": len(steps),
        "nodeIds": [info[n]["id"] for n in path],
        "nodeNames": names,
        "nodeLabels": [info[n]["labels"] for n in path],
        "relationships": [s.type for s in steps],
        "steps": [f"{names[i]} -[{s.type}]-> {names[i + 1]}" if s.forward else f"{names[i]} <-[{s.type}]- {names[i + 1]}"
                  for i, s in enumerate(steps)],
    }
