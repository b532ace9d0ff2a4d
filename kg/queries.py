"""Named, parameterised Cypher queries from ``queries/*.cypher``.

Each file is one read query that analysts paste into Neo4j Browser and that the
CLI (``kg query``) and the API (``POST /queries/{name}``) run. Its header is a
block of ``//`` comments, parsed here:

.. code-block:: text

    // Arms sales                               <- title (Neo4j Browser names the saved query after it)
    // description: Arms sales filtered by ...
    // param buyer: string = null -- canonical id or name of the buying state; null for any
    // param limit: integer = 50 -- at most this many rows
    // example: :param buyer => 'state:TW'
    // bound: max_hops                          <- optional, see below
    MATCH ...

Parameter types: ``string``, ``integer``, ``float``, ``boolean``, ``date`` (an
ISO date string, partial allowed). Defaults are JSON literals. Every parameter
is always passed (its default when not given), so the text can test
``$x IS NULL`` for "any".

A variable-length bound cannot be a parameter, so a query that takes a path
length (``max_hops``) spells the longest one it allows (``*..6``) and filters on
``length(p) <= $max_hops``. ``// bound: max_hops`` lets the CLI and API run it
with every ``*..N`` lowered to the parameter's value: the same rows, but the
engine stops searching at that depth instead of going on to N when no shorter
path exists (on the embedded engine, seconds instead of a few hundred ms).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from kg.cypher import Cypher
from kg.graph import Graph
from kg.settings import PROJECT_ROOT

QUERIES_DIR = PROJECT_ROOT / "queries"
PARAM_TYPES = ("string", "integer", "float", "boolean", "date")
_PARAM = re.compile(r"^param\s+(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*:\s*(?P<type>\w+)\s*(?:=\s*(?P<default>.+?))?\s*(?:--\s*(?P<doc>.*))?$")
#: A partial ISO date: YYYY, YYYY-MM or YYYY-MM-DD (dates in the graph are such strings).
ISO_PARTIAL_DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"
_DATE = re.compile(ISO_PARTIAL_DATE)
#: An upper variable-length bound without a lower one, as ``// bound:`` lowers it.
_UPPER_BOUND = re.compile(r"\*\.\.(\d+)\]")
MAX_STRING = 500


class QueryError(ValueError):
    """A named query that does not exist, or parameters it cannot take."""


@dataclass(frozen=True)
class QueryParam:
    name: str
    type: str
    default: Any
    description: str

    def coerce(self, value: Any) -> Any:
        """The value as this parameter's type, from JSON or from CLI text."""
        if value is None:
            return None
        try:
            if self.type == "string":
                if not isinstance(value, str):
                    raise ValueError("expected text")
                if len(value) > MAX_STRING:
                    raise ValueError(f"longer than {MAX_STRING} characters")
                return value
            if self.type == "integer":
                if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                    raise ValueError("expected a whole number")
                return int(value)
            if self.type == "float":
                if isinstance(value, bool):
                    raise ValueError("expected a number")
                return float(value)
            if self.type == "boolean":
                if isinstance(value, bool):
                    return value
                if str(value).lower() in ("true", "1", "yes"):
                    return True
                if str(value).lower() in ("false", "0", "no"):
                    return False
                raise ValueError("expected true or false")
            if self.type == "date":
                if not isinstance(value, str) or not _DATE.match(value):
                    raise ValueError("expected an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)")
                return value
        except (TypeError, ValueError) as exc:
            raise QueryError(f"parameter {self.name!r} ({self.type}): {value!r} is not valid: {exc}") from None
        raise QueryError(f"parameter {self.name!r} has unknown type {self.type!r}")


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    params: tuple[QueryParam, ...]
    examples: tuple[str, ...]
    text: Cypher
    path: Path = field(compare=False)
    bound: str | None = None  # the integer parameter that caps every ``*..N`` (``// bound:``)

    def bind(self, given: dict[str, Any]) -> dict[str, Any]:
        """Every parameter, coerced, defaults filled in; unknown names are refused."""
        known = {p.name: p for p in self.params}
        unknown = sorted(set(given) - set(known))
        if unknown:
            raise QueryError(f"query {self.name!r} has no parameter {', '.join(map(repr, unknown))}; "
                             f"it takes: {', '.join(known) or 'none'}")
        return {name: p.coerce(given[name]) if name in given else p.default for name, p in known.items()}

    def run(self, graph: Graph, given: dict[str, Any]) -> list[dict[str, Any]]:
        params = self.bind(given)
        return graph.read(self.bounded(params), **params)

    def bounded(self, params: dict[str, Any]) -> Cypher:
        """The text with each ``*..N`` lowered to the bound parameter's value (the text itself without one)."""
        if self.bound is None or params.get(self.bound) is None:
            return self.text
        depth = max(1, int(params[self.bound]))
        return Cypher(_UPPER_BOUND.sub(lambda m: f"*..{min(int(m[1]), depth)}]", self.text))


def parse_query(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    header = []
    for line in text.splitlines():
        if not line.startswith("//"):
            break
        header.append(line[2:].strip())
    if not header or not header[0]:
        raise QueryError(f"{path.name}: the first line must be '// <title>'")
    description, params, examples, bound = "", [], [], None
    for line in header[1:]:
        key, _, rest = line.partition(":")
        key = key.strip().lower()
        if key == "description":
            description = rest.strip()
        elif key == "example":
            examples.append(rest.strip())
        elif key == "bound":
            bound = rest.strip()
        elif line.startswith("param "):
            match = _PARAM.match(line)
            if not match or match["type"] not in PARAM_TYPES:
                raise QueryError(f"{path.name}: cannot read parameter line {line!r} (types: {', '.join(PARAM_TYPES)})")
            default = json.loads(match["default"]) if match["default"] else None
            params.append(QueryParam(match["name"], match["type"], default, (match["doc"] or "").strip()))
    if not description:
        raise QueryError(f"{path.name}: the header needs a '// description: ...' line")
    if bound is not None and not any(p.name == bound and p.type == "integer" for p in params):
        raise QueryError(f"{path.name}: '// bound: {bound}' must name one of its integer parameters")
    return NamedQuery(path.stem, header[0], description, tuple(params), tuple(examples), Cypher(text), path, bound)


@lru_cache(maxsize=4)
def load_queries(directory: Path = QUERIES_DIR) -> dict[str, NamedQuery]:
    """Every named query, by name (the file name without ``.cypher``)."""
    return {q.name: q for q in (parse_query(p) for p in sorted(directory.glob("*.cypher")))}


def get_query(name: str, directory: Path = QUERIES_DIR) -> NamedQuery:
    queries = load_queries(directory)
    if name not in queries:
        raise QueryError(f"no query named {name!r}; `kg query --list` shows them")
    return queries[name]


def cypher_statements() -> list[Cypher]:
    """For the linter test: the texts ``// bound:`` derives, at every depth up to the longest bound written."""
    out = []
    for q in load_queries().values():
        if q.bound:
            deepest = max((int(n) for n in _UPPER_BOUND.findall(q.text)), default=0)
            out += [q.bounded({q.bound: depth}) for depth in range(1, deepest)]
    return out
