"""Cypher text the code runs, kept apart from the code that runs it.

Every statement the package executes is a :class:`Cypher` value: the graph
access layer (:mod:`kg.graph`) refuses plain strings, and the linter test
collects every :class:`Cypher` defined in the project's modules and every file
in ``queries/`` and checks them with Neo4j's own Cypher linter. Values always
travel as parameters; the only text ever built is from labels and relationship
types that come from the ontology (see :func:`Cypher.template`).
"""

from __future__ import annotations

import re

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(:[A-Za-z][A-Za-z0-9_]*)*$")  # a name, or labels joined by ':'


class Cypher(str):
    """A Cypher statement the project ships (a ``str`` tagged for the linter)."""

    __slots__ = ()

    @classmethod
    def template(cls, text: str, **names: str) -> "Cypher":
        """Fill ``{placeholders}`` with label or relationship-type names only
        (``Actor:Organization:Contractor`` is accepted for a set of labels).

        Names are checked against a strict identifier pattern, so a value can
        never become Cypher: values go through parameters, always.
        """
        for key, name in names.items():
            if not _NAME.match(name):
                raise ValueError(f"not a Cypher identifier for {{{key}}}: {name!r}")
        return cls(text.format(**names))


# -- health and counts ------------------------------------------------------

PING = Cypher("RETURN 1 AS ok")

COUNT_NODES = Cypher("MATCH (n) RETURN count(n) AS nodes")

COUNT_RELATIONSHIPS = Cypher("MATCH ()-[r]->() RETURN count(r) AS relationships")


# -- whole-graph reads (export, status, tests) ---------------------------------

DUMP_NODES = Cypher("MATCH (n) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props")

DUMP_RELATIONSHIPS = Cypher(
    "MATCH (a)-[r]->(b) "
    "RETURN a.id AS start, labels(a) AS startLabels, type(r) AS type, b.id AS end, labels(b) AS endLabels, "
    "properties(r) AS props"
)

# -- sources: load and retract (kg.store) ----------------------------------------
# Templates take label and relationship-type names from the ontology only
# (Cypher.template checks them); every value is a parameter.

SOURCE_HASH = Cypher("MATCH (s:Source {id: $sourceId}) RETURN s.contentHash AS contentHash")

SOURCE_PROPS = Cypher("MATCH (s:Source {id: $sourceId}) RETURN labels(s) AS labels, properties(s) AS props")

DELETE_SOURCE = Cypher("MATCH (s:Source {id: $sourceId}) DETACH DELETE s")

CREATE_SOURCE = "CREATE (s:{labels}) SET s = $props"

CLAIMS_OF_SOURCE = "MATCH (n:{root} {{sourceId: $sourceId}}) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props"

CLAIM_RELS_OF_SOURCE = (
    "MATCH (n:{root} {{sourceId: $sourceId}})-[r]->(m) "
    "RETURN n.id AS start, type(r) AS type, m.id AS end, properties(r) AS props"
)

DELETE_CLAIMS = "MATCH (n:{root} {{sourceId: $sourceId}}) DETACH DELETE n"

ENTITIES_BACKED_BY = "MATCH (n:{root}) WHERE $sourceId IN n.sourceIds RETURN n.id AS id"

ENTITIES_BY_ID = "UNWIND $ids AS id MATCH (n:{root} {{id: id}}) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props"

ENTITY_RELS_OF_SOURCE = Cypher(
    "MATCH (a)-[r]->(b) WHERE $sourceId IN r.sourceIds "
    "RETURN a.id AS start, type(r) AS type, b.id AS end, properties(r) AS props"
)

RETRACT_ENTITY_RELS = Cypher(
    "MATCH ()-[r]->() WHERE $sourceId IN r.sourceIds "
    "SET r.sourceIds = [s IN r.sourceIds WHERE s <> $sourceId], "
    "r.evidenceIds = [e IN r.evidenceIds WHERE NOT e STARTS WITH $evidencePrefix]"
)

DELETE_UNBACKED_RELS = Cypher("MATCH ()-[r]->() WHERE r.sourceIds = [] DELETE r")

CREATE_CLAIMS = "UNWIND $rows AS row CREATE (n:{labels}) SET n = row.props"

CREATE_MISSING_ENTITIES = (
    "UNWIND $rows AS row OPTIONAL MATCH (existing:{root} {{id: row.id}}) "
    "WITH row, existing WHERE existing IS NULL CREATE (n:{labels}) SET n.id = row.id"
)

UPDATE_ENTITIES = "UNWIND $rows AS row MATCH (n:{root} {{id: row.id}}) SET n += row.props"

MERGE_VOCABULARY = "UNWIND $rows AS row MERGE (n:{labels} {{id: row.id}}) ON CREATE SET n.name = row.name"

CREATE_CLAIM_RELS = (
    "UNWIND $rows AS row MATCH (a:{start} {{id: row.start}}) MATCH (b:{end} {{id: row.end}}) "
    "CREATE (a)-[r:{type}]->(b) SET r = row.props"
)

MERGE_ENTITY_RELS = (
    "UNWIND $rows AS row MATCH (a:{start} {{id: row.start}}) MATCH (b:{end} {{id: row.end}}) "
    "MERGE (a)-[r:{type}]->(b) ON CREATE SET r.sourceIds = [], r.evidenceIds = [] "
    "SET r.sourceIds = r.sourceIds + $sourceId, r.evidenceIds = r.evidenceIds + row.evidenceIds"
)

ENTITY_MENTIONS = (
    "UNWIND $ids AS id MATCH (n:{root} {{id: id}}) "
    "OPTIONAL MATCH (e:Evidence)-[m:MENTIONS]->(n) "
    "RETURN n.id AS id, n.name AS name, collect(e.sourceId) AS sources, collect(m.names) AS names"
)

SET_ENTITY_BACKING = (
    "UNWIND $rows AS row MATCH (n:{root} {{id: row.id}}) "
    "SET n.sourceIds = row.sourceIds, n.sourceName = row.sourceName, n.alias = row.alias"
)

DELETE_ENTITIES = "UNWIND $ids AS id MATCH (n:{root} {{id: id}}) DETACH DELETE n"
