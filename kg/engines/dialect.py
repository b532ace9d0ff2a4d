"""What an engine can do, where Neo4j 5 and the embedded engine (ArcadeDB) differ.

A :class:`Dialect` is chosen once per connection, from the agent string the
engine answers with (:attr:`kg.graph.Graph.dialect`), and read only where
Cypher or a way of answering is chosen. Each engine's package holds its record
(:data:`kg.engines.arcadedb.DIALECT`, :data:`kg.engines.neo4j.DIALECT`); the
differences behind each field are numbered in :mod:`kg.graph`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Dialect:
    name: str  # "neo4j" or "arcadedb"
    #: Entity search and name suggestions from the engine's full-text index (created by
    #: ``kg schema apply``); without one, from a snapshot of the names the API keeps in memory
    #: (:mod:`kg.reads.name_index`). Difference 1.
    fulltext_index: bool
    #: ``allShortestPaths`` runs well from the named query's own text; otherwise the API
    #: searches from both ends (:mod:`kg.engines.arcadedb.paths`). Difference 9.
    shortest_paths: bool
    #: A named query with ``// bound:`` runs with every ``*..N`` lowered to the parameter's value:
    #: with no path as short as the bound, both engines go on searching to N, which on Neo4j
    #: took minutes where the lowered text took a fraction of a second (BENCHMARKS.md, "One
    #: dialect per engine"). The API then says which text it ran.
    lowers_path_bounds: bool
    #: Whether a node's labels can change inside the transaction that writes it. Difference 5.
    relabel_in_transaction: bool
