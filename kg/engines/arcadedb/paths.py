"""The shortest connections between two entities, searched from both ends.

``queries/shortest_connections.cypher`` gives analysts the answer in one
statement, with ``allShortestPaths``, and Neo4j runs it so. The embedded engine
runs that search from one end only: from an actor with a handful of events it
reaches, within two hops, the states those events involve, and the third hop
then walks every event of those states (difference 9 in :mod:`kg.graph`;
figures in BENCHMARKS.md, "Paths searched from both ends").

Here the API finds the same paths on the embedded engine, in the same order, by
meeting in the middle:

1. Both ends are resolved in one pass, as the named query resolves them, with
   the number of relationships each has. That pass reads every entity, so a caller holding a
   snapshot of the names (the API's, :mod:`kg.reads.name_index`) passes an
   :data:`EndLookup`: the engine then reads only the entities it names and
   checks them against the ends as the pass would. A snapshot out
   of date (an entity it names is gone or no longer matches, or it knows no
   entity for an end) sends the search back to the pass.
2. Each end grows breadth-first levels in Python (exact distances, every
   parent kept), one level at a time, for each length ``L`` up to
   ``max_hops``, shortest first. The end with fewer relationships (the near
   end) grows as long as a level reads at most ``Budget.grow`` relationships
   (counted in the engine only up to one more than that: a hub's level has
   hundreds of thousands). Its new last level either holds the far end's last
   level's nodes, and the ends meet at length ``L``, or it does not.
3. A level too big to grow is not read: the last levels of the two ends, one
   hop apart, are joined in the engine, which returns only the relationships
   between them. Two hops apart, a far end with at most ``Budget.walk``
   relationships is walked two hops in the engine the same way; otherwise the
   end whose next level reads fewer relationships grows (each counted only as
   far as it takes to tell), so no walk in the engine ever fans out from more
   than one level (a walk of three hops from a hub can take a minute at scale).
4. The first length that meets is the shortest. Every shortest path passes
   both ends' last levels, at one node or by one relationship between them,
   and each end's parents lead from there back to it. The paths are
   enumerated in the named query's order (hops, ends' ids, then node ids),
   lazily, so only ``limit`` of them are built however many there are.

At the shortest length every meeting is a shortest path's middle (a shortcut
or a repeated node would make a shorter path, which the earlier lengths would
have found), so nothing has to be filtered after the fact.
``tests/test_paths.py`` holds the result equal to the named query's, with the
ends grown fully, not at all, and in between, and checks that those searches
take every way of meeting.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields
from functools import cache
from typing import Any, NamedTuple

from kg import cypher
from kg.cypher import NOT_ON_PATHS, Cypher
from kg.graph import Graph, Tx
from kg.ontology import Ontology, load_ontology

#: Relationships a level may read and still be grown before the search needs it (step 2 above).
GROW_BUDGET = 300

#: Relationships a far end may have and still be walked two hops in the engine (step 3 above).
WALK_BUDGET = 5000

#: The furthest a level's relationships are counted: beyond it, both ends are hubs anyway.
LARGEST_COUNT = 1_000_000

#: The longest connection searched (the API's bound and the named query's ``*..6``).
MAX_HOPS = 6


@dataclass(frozen=True)
class Budget:
    """How much a search reads ahead of need (``None``: no limit).

    ``grow``: relationships a level may read and still be grown before it is
    needed; ``walk``: relationships a far end may have and still be walked two
    hops in the engine. The paths found never depend on them, only the cost.
    """

    grow: int | None = GROW_BUDGET
    walk: int | None = WALK_BUDGET


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
    probe: Cypher
    probe_2: Cypher

    def all(self) -> list[Cypher]:
        return [getattr(self, f.name) for f in fields(self)]


@cache
def _statements() -> _Statements:
    types = "|".join(path_relationship_types(load_ontology()))
    return _Statements(
        ends=Cypher.template(cypher.PATH_ENDS, types=types),
        known_ends=Cypher.template(cypher.PATH_KNOWN_ENDS, types=types),
        grow_size=Cypher.template(cypher.PATH_GROW_SIZE, types=types),
        grow=Cypher.template(cypher.PATH_GROW, types=types),
        probe=Cypher.template(cypher.PATH_PROBE, types=types),
        probe_2=Cypher.template(cypher.PATH_PROBE_2, types=types),
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

    def turned(self) -> Step:
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
    def rooted(cls, node: str) -> _Levels:
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


#: A path: its sort key (the named query's ORDER BY, then relationship types), nodes and steps.
Found = tuple[tuple[Any, ...], list[str], list[Step]]

#: Where two ends' last levels meet: (``a``'s node, ``b``'s node, the step between them as seen
#: from ``a``'s node), or (node, node, None) where they share the node.
Crossing = tuple[str, str, Step | None]


def shortest_connections(graph: Graph, from_: str, to: str, max_hops: int = 4, limit: int = 25,
                         budget: Budget = Budget(), known: EndLookup | None = None) -> list[dict[str, Any]]:
    """The rows ``queries/shortest_connections.cypher`` returns for these parameters, searched from both ends.

    ``budget`` says how far the search reads ahead of need (``Budget(grow=None)``:
    a plain breadth-first search from the end with fewer relationships;
    ``Budget(grow=0)``: levels are grown only when the ends are two hops or more
    apart). ``known`` saves the pass over every entity that resolves the ends
    (step 1 above).
    """
    return graph.read_transaction(lambda tx: _search(tx, from_, to, max(1, min(MAX_HOPS, max_hops)), limit, budget, known))


def _search(tx: Tx, from_: str, to: str, max_hops: int, limit: int, budget: Budget,
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


class _Side:
    """One end's breadth-first levels, and what growing its next level would read."""

    def __init__(self, end: dict[str, Any]) -> None:
        self.levels = _Levels.rooted(end["node"])
        self.size: int | None = end["degree"]  # relationships the next level reads; None: not counted yet
        self.exact = True  # False: ``size`` is only a lower bound (the count stopped there)

    @property
    def depth(self) -> int:
        return self.levels.depth

    @property
    def frontier(self) -> list[str]:
        return list(self.levels.levels[-1])

    def count(self, tx: Tx, cap: int) -> None:
        """Count the next level's relationships, up to ``cap``."""
        self.size = tx.run(_statements().grow_size, nodes=self.frontier, cap=cap)[0]["relationships"]
        self.exact = self.size < cap

    def fits(self, tx: Tx, budget: int | None) -> bool:
        """Whether the next level reads at most ``budget`` relationships (None: any number)."""
        if budget is None:
            return True
        if self.size is None or (not self.exact and self.size <= budget):
            self.count(tx, budget + 1)
        return self.size <= budget

    def grow(self, tx: Tx) -> bool:
        """Grow the next level; False when there is none (every node connected to this end is known)."""
        frontier = self.frontier
        if not frontier:
            return False
        self.levels.grow(tx.run(_statements().grow, nodes=frontier)[0])
        self.size, self.exact = None, True
        return True


def _smaller(tx: Tx, a: _Side, b: _Side) -> _Side:
    """The side whose next level reads fewer relationships (``a`` on a tie).

    A side is counted only as far as it takes to tell, up to one more than the
    other's size (twice that when both counts stopped short), so a hub opposite
    a small end costs a count of a few relationships, not of all of its own.
    """
    while True:
        for x, y in ((a, b), (b, a)):
            if x.size is not None and x.exact and y.size is not None and x.size <= y.size:
                return x  # y's size is exact or a lower bound: either way x is no bigger
        if a.size is None or b.size is None:
            x, y = (a, b) if a.size is None else (b, a)
            x.count(tx, y.size + 1 if y.size is not None else LARGEST_COUNT)
        else:  # both counts stopped short: count the smaller further
            x, y = (a, b) if a.size <= b.size else (b, a)
            if x.size >= LARGEST_COUNT:
                return x
            x.count(tx, min(LARGEST_COUNT, 2 * y.size + 1))


def _between(tx: Tx, a: dict[str, Any], b: dict[str, Any], max_hops: int, limit: int, budget: Budget,
             info: dict[str, dict[str, Any]]) -> list[Found]:
    """Up to ``limit`` shortest paths from ``a`` to ``b``, in order (steps 2 to 4 above)."""
    from_a, from_b = _Side(a), _Side(b)
    near, far = (from_a, from_b) if a["degree"] <= b["degree"] else (from_b, from_a)

    def meet(length: int, crossing: list[Crossing]) -> list[Found]:
        return _in_order(tx, _meeting_edges(from_a.levels, from_b.levels, length, crossing), a["node"], length, limit, info)

    for length in range(1, max_hops + 1):
        # the last length left the ends one hop apart, or two
        if length - near.depth - far.depth == 2 and far.depth == 0 and far.fits(tx, budget.walk):
            # two hops from a far end with few relationships: walked in the engine, which returns only
            # the walks that meet, rather than growing its level of (mostly) strangers
            walked = tx.run(_statements().probe_2, seed=far.frontier[0], targets=dict.fromkeys(near.frontier, True))[0]
            if walked["children"]:
                far.levels.grow(walked)  # the far end's first level, as far as the walks go
                return meet(length, _crossing(walked["children"], walked["ends"], walked["types2"], walked["forward2"],
                                              starting_at_b=far is from_b))
            continue
        while length - near.depth - far.depth > 1:  # close the gap to one hop
            if not _smaller(tx, near, far).grow(tx):
                return []
        if near.fits(tx, budget.grow):  # grow the near end to meet the far one's last level
            if not near.grow(tx):
                return []
            cut = [node for node in from_a.levels.levels[-1] if from_b.levels.depth_of.get(node) == from_b.depth]
            if cut:
                return meet(length, [(node, node, None) for node in cut])
            continue
        # or find, from the far end's last level, the relationships that reach the near end's
        probed = tx.run(_statements().probe, seeds=far.frontier, targets=dict.fromkeys(near.frontier, True))[0]
        if probed["parents"]:
            return meet(length, _crossing(probed["parents"], probed["children"], probed["types"], probed["forward"],
                                          starting_at_b=far is from_b))
    return []


def _crossing(starts: list[str], others: list[str], types: list[str], forward: list[bool], *,
              starting_at_b: bool) -> list[Crossing]:
    """The relationships between the two last levels, from columns of relationships read from
    ``starts`` (on ``b``'s side when ``starting_at_b``, else on ``a``'s) to ``others``."""
    if starting_at_b:
        return [(other, start, _step(type_, not out)) for start, other, type_, out in zip(starts, others, types, forward)]
    return [(start, other, _step(type_, out)) for start, other, type_, out in zip(starts, others, types, forward)]


Edge = tuple[int, str, str, Step]  # position of the earlier node, earlier node, later node, step


def _meeting_edges(a: _Levels, b: _Levels, length: int, crossing: list[Crossing]) -> list[Edge]:
    """Every relationship of every shortest path of ``length`` from ``a``'s end (position 0) to ``b``'s.

    Each shortest path passes ``a``'s last level (position ``a.depth``) and
    ``b``'s last level (position ``length - b.depth``), either at the same node
    (``crossing`` holds ``(node, node, None)``) or by one relationship between
    them (``(a's node, b's node, step)``). From there, each side's parents lead
    back to its end, and every such chain is a shortest way.
    """
    a_side = _back_to_end(a, {x for x, _, _ in crossing})
    b_side = _back_to_end(b, {y for _, y, _ in crossing})
    edges: list[Edge] = [(depth - 1, parent, node, step) for depth, parent, node, step in a_side]
    edges += [(a.depth, x, y, step) for x, y, step in crossing if step is not None]
    # b's level ``depth`` sits at position ``length - depth``, and its steps run towards b's end
    edges += [(length - depth, node, parent, step.turned()) for depth, parent, node, step in b_side]
    return edges


def _back_to_end(levels: _Levels, last: set[str]) -> Iterator[tuple[int, str, str, Step]]:
    """Every relationship from the nodes ``last`` of the last level back to the end, through each
    node's parents: (the later node's depth, parent, node, the step from parent to node)."""
    todo = last
    for depth in range(levels.depth, 0, -1):
        parents: set[str] = set()
        for node in todo:
            for parent, step in levels.levels[depth][node]:
                yield depth, parent, node, step
                parents.add(parent)
        todo = parents


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
