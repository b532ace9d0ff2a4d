"""A real Neo4j 5 Community server fetched from Maven Central (:mod:`.server`): the users' engine."""

from __future__ import annotations

from kg.engines.dialect import Dialect

DIALECT = Dialect(name="neo4j", fulltext_index=True, shortest_paths=True, lowers_path_bounds=True,
                  relabel_in_transaction=True)
