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
