"""Graph schema (constraints and indexes) derived from the ontology.

Named, idempotent (``IF NOT EXISTS``) and kept apart from data loading:
``kg schema apply`` runs it, and every load applies it first. Both engines run
these statements (see :mod:`kg.graph` for how they list them differently).
"""

from __future__ import annotations

from kg.cypher import Cypher
from kg.graph import Graph
from kg.ontology import Constraint, Index, Ontology, load_ontology

_CONSTRAINT = "CREATE CONSTRAINT {name} IF NOT EXISTS FOR (n:{label}) REQUIRE n.{prop} IS UNIQUE"
_INDEX = "CREATE INDEX {name} IF NOT EXISTS FOR (n:{label}) ON (n.{prop})"


def constraint_statement(c: Constraint) -> Cypher:
    return Cypher.template(_CONSTRAINT, name=c.name, label=c.label, prop=c.property)


def index_statement(i: Index) -> Cypher:
    return Cypher.template(_INDEX, name=i.name, label=i.label, prop=i.property)


def schema_statements(onto: Ontology) -> list[Cypher]:
    """Every DDL statement the ontology implies, constraints first."""
    return [constraint_statement(c) for c in onto.constraints()] + [index_statement(i) for i in onto.indexes()]


def apply_schema(graph: Graph, onto: Ontology) -> list[str]:
    """Create what is missing (each statement is a no-op when it exists); returns the names."""
    for statement in schema_statements(onto):
        graph.write(statement)
    return [c.name for c in onto.constraints()] + [i.name for i in onto.indexes()]


def cypher_statements() -> list[Cypher]:
    """For the linter test: the statements this module generates."""
    return schema_statements(load_ontology())
