"""One package per engine: its lifecycle on this machine and its :class:`~kg.engines.dialect.Dialect`.

* :mod:`kg.engines.arcadedb`: the embedded default (``arcadedb-embedded``), its server
  process and the ways the API works around its planner (both-ends path search).
* :mod:`kg.engines.neo4j`: a real Neo4j 5 fetched from Maven Central for the tests and
  ``kg engine start --engine neo4j``.

Importing this package loads no engine code beyond the two dialect records.
"""

from __future__ import annotations

from kg.engines.arcadedb import DIALECT as ARCADEDB
from kg.engines.dialect import Dialect
from kg.engines.neo4j import DIALECT as NEO4J


def dialect_for_agent(agent: str) -> Dialect:
    """The dialect of an engine that answers with ``agent`` (ArcadeDB says ``Neo4j/5.x compatible (ArcadeDB ...)``)."""
    return ARCADEDB if "arcadedb" in agent.lower() else NEO4J


__all__ = ["ARCADEDB", "NEO4J", "Dialect", "dialect_for_agent"]
