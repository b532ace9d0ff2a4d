"""Constraints and indexes derived from the ontology, applied to the real graph."""

from __future__ import annotations

import pytest
from neo4j.exceptions import ConstraintError

from kg.cypher import Cypher
from kg.graph import Graph
from kg.ontology import load_ontology
from kg.schema import apply_schema


def test_schema_applies_idempotently_and_enforces_unique_ids(graph: Graph) -> None:
    onto = load_ontology()
    names = apply_schema(graph, onto)
    assert apply_schema(graph, onto) == names  # a second run changes nothing and does not fail
    present = {row["name"] for row in graph.read(Cypher("SHOW CONSTRAINTS YIELD name RETURN name"))}
    assert {c.name for c in onto.constraints()} <= present
    indexed = {row["name"] for row in graph.read(Cypher("SHOW INDEXES YIELD name RETURN name"))}
    assert {i.name for i in onto.indexes()} <= indexed

    # One id per root label, whatever the more specific labels: a State and a Contractor cannot share an id.
    graph.write(Cypher("CREATE (:Actor:State {id: $id})"), id="test-schema:dup")
    try:
        with pytest.raises(ConstraintError):
            graph.write(Cypher("CREATE (:Actor:Organization:Contractor {id: $id})"), id="test-schema:dup")
    finally:
        graph.write(Cypher("MATCH (n:Actor {id: $id}) DETACH DELETE n"), id="test-schema:dup")
