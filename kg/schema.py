"""Graph schema (constraints and indexes) derived from the ontology.

Named, idempotent (``IF NOT EXISTS``) and kept apart from data loading:
``kg schema apply`` runs it, and every load applies it first. Both engines run
the constraints and indexes (see :mod:`kg.graph` for how they list them
differently); the full-text index of entity names, which search and name
checks read on Neo4j (:mod:`kg.reads.fulltext`), only on an engine whose
dialect has full-text indexes.
"""

from __future__ import annotations

from kg.cypher import NAME_INDEX, Cypher
from kg.engines import NEO4J, Dialect
from kg.graph import Graph
from kg.ontology import Constraint, Index, Ontology, load_ontology
from kg.property_graph import ENTITY_ROOTS

_CONSTRAINT = "CREATE CONSTRAINT {name} IF NOT EXISTS FOR (n:{label}) REQUIRE n.{prop} IS UNIQUE"
_INDEX = "CREATE INDEX {name} IF NOT EXISTS FOR (n:{label}) ON (n.{prop})"
# no stop words: "of" and "the" are part of the names a phrase must match ("republic of china")
_FULLTEXT = ("CREATE FULLTEXT INDEX {name} IF NOT EXISTS FOR (n:{labels}) ON EACH [n.searchName] "
             "OPTIONS {{indexConfig: {{`fulltext.analyzer`: 'standard-no-stop-words'}}}}")
#: A new full-text index fills in the background: a load or ``kg schema apply`` waits for it.
AWAIT_NAME_INDEX = Cypher(f"CALL db.awaitIndex('{NAME_INDEX}', 300)")


def constraint_statement(c: Constraint) -> Cypher:
    return Cypher.template(_CONSTRAINT, name=c.name, label=c.label, prop=c.property)


def index_statement(i: Index) -> Cypher:
    return Cypher.template(_INDEX, name=i.name, label=i.label, prop=i.property)


def fulltext_statement() -> Cypher:
    return Cypher.template(_FULLTEXT, name=NAME_INDEX, labels="|".join(ENTITY_ROOTS))


def schema_statements(onto: Ontology, dialect: Dialect = NEO4J) -> list[Cypher]:
    """Every DDL statement the ontology implies on an engine of ``dialect`` (Neo4j's, which
    ``kg schema show`` prints), constraints first."""
    fulltext = [fulltext_statement()] if dialect.fulltext_index else []
    return [constraint_statement(c) for c in onto.constraints()] + [index_statement(i) for i in onto.indexes()] + fulltext


def apply_schema(graph: Graph, onto: Ontology) -> list[str]:
    """Create what is missing (each statement is a no-op when it exists); returns the names."""
    dialect = graph.dialect
    for statement in schema_statements(onto, dialect):
        graph.write(statement)
    if dialect.fulltext_index:
        graph.read(AWAIT_NAME_INDEX)
    fulltext = [NAME_INDEX] if dialect.fulltext_index else []
    return [c.name for c in onto.constraints()] + [i.name for i in onto.indexes()] + fulltext


def cypher_statements() -> list[Cypher]:
    """For the linter test: the statements this module generates."""
    return schema_statements(load_ontology())
