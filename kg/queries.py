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
ISO date string, partial allowed, that exists in the calendar) and ``entity``
(text naming an actor, weapon system or place: its canonical id, or a name,
alias or name a source used, case-insensitively, as the queries match them; the
API answers 404 with the closest names for one the graph does not hold).
Defaults are JSON literals. Every parameter is always passed (its default when
not given), so the text can test ``$x IS NULL`` for "any".

Numbers have a range, written after the type (``integer[1..6]``). Without one an
integer is a count or a limit: 1 to 1,000,000,000 (the embedded engine fails on
a LIMIT of 2^31 - 1 and more; 0 and below are refused rather than read as "no
rows"). A float must be finite. :meth:`QueryParam.coerce` is the one check the CLI (``kg query``)
and the API (``POST /queries/{name}``) both use.

A variable-length bound cannot be a parameter, so a query that takes a path
length (``max_hops``) spells the longest one it allows (``*..6``) and filters on
``length(p) <= $max_hops``. ``// bound: max_hops`` lets the CLI and API run it,
on an engine whose dialect asks for it (:attr:`kg.engines.Dialect.lowers_path_bounds`:
both do, since with no path that short each engine goes on searching to N),
with every ``*..N`` lowered to the parameter's value: the same rows.
:meth:`NamedQuery.statement` is the one place that chooses, and the API says
which text ran.
"""

from __future__ import annotations

import calendar
import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from kg.cypher import Cypher
from kg.engines import Dialect
from kg.graph import Graph
from kg.settings import PROJECT_ROOT

QUERIES_DIR = PROJECT_ROOT / "queries"
PARAM_TYPES = ("string", "integer", "float", "boolean", "date", "entity")
_NUMBER = r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?"
_PARAM = re.compile(r"^param\s+(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*:\s*(?P<type>\w+)"
                    rf"(?:\[(?P<low>{_NUMBER})?\.\.(?P<high>{_NUMBER})?\])?"
                    r"\s*(?:=\s*(?P<default>.+?))?\s*(?:--\s*(?P<doc>.*))?$")
#: A partial ISO date: YYYY, YYYY-MM or YYYY-MM-DD (dates in the graph are such strings).
#: ASCII digits only: ``\d`` would also take other scripts' digits.
ISO_PARTIAL_DATE = r"^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$"
_DATE = re.compile(ISO_PARTIAL_DATE)
#: The range of an integer parameter that declares none (see the module docstring).
DEFAULT_INTEGER_RANGE = (1, 1_000_000_000)


def check_partial_date(value: str) -> str:
    """``value`` when it is a partial ISO date that exists (2024-02-29, not 2025-02-30 or 2025-13); ValueError otherwise."""
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise ValueError("expected an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)")
    year, *rest = (int(part) for part in value.split("-"))
    if year == 0:
        raise ValueError("year 0000 does not exist")
    if rest and not 1 <= rest[0] <= 12:
        raise ValueError(f"month {rest[0]:02d} does not exist")
    if len(rest) == 2 and not 1 <= rest[1] <= calendar.monthrange(year, rest[0])[1]:
        raise ValueError(f"day {rest[1]:02d} does not exist in {year}-{rest[0]:02d}")
    return value
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
    minimum: float | None = None  # numbers only: the declared range, or the integers' default one
    maximum: float | None = None

    def coerce(self, value: Any) -> Any:
        """The value as this parameter's type, from JSON or from CLI text; QueryError names the parameter and the problem."""
        if value is None:
            return None
        try:
            if self.type in ("string", "entity"):
                if not isinstance(value, str):
                    raise ValueError("expected text")
                if len(value) > MAX_STRING:
                    raise ValueError(f"longer than {MAX_STRING} characters")
                if "\x00" in value:
                    raise ValueError("contains a NUL character")
                return value
            if self.type == "integer":
                if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()) \
                        or not isinstance(value, (int, float, str)):
                    raise ValueError("expected a whole number")
                try:
                    number = int(value)
                except ValueError:
                    raise ValueError("expected a whole number") from None
                return self._in_range(number)
            if self.type == "float":
                if isinstance(value, bool) or not isinstance(value, (int, float, str)):
                    raise ValueError("expected a number")
                try:
                    number = float(value)
                except ValueError:
                    raise ValueError("expected a number") from None
                if not math.isfinite(number):
                    raise ValueError("expected a finite number")
                return self._in_range(number)
            if self.type == "boolean":
                if isinstance(value, bool):
                    return value
                if str(value).lower() in ("true", "1", "yes"):
                    return True
                if str(value).lower() in ("false", "0", "no"):
                    return False
                raise ValueError("expected true or false")
            if self.type == "date":
                return check_partial_date(value)
        except (TypeError, ValueError, OverflowError) as exc:
            raise QueryError(f"parameter {self.name!r} ({self.type}): {_shown(value)} is not valid: {exc}") from None
        raise QueryError(f"parameter {self.name!r} has unknown type {self.type!r}")

    def _in_range(self, number: int | float) -> int | float:
        if self.minimum is not None and number < self.minimum:
            raise ValueError(f"must be at least {_number(self.minimum)}")
        if self.maximum is not None and number > self.maximum:
            raise ValueError(f"must be at most {_number(self.maximum)}")
        return number


def _number(bound: float) -> str:
    return str(int(bound)) if float(bound).is_integer() else str(bound)


def _shown(value: Any) -> str:
    """The value as an error message quotes it: a 5,000-digit number or text is cut short."""
    text = repr(value)
    return text if len(text) <= 60 else text[:50] + f"... ({len(text)} characters)"


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
        return graph.read(self.statement(graph.dialect, params), **params)

    def statement(self, dialect: Dialect, params: dict[str, Any]) -> Cypher:
        """The text that runs on an engine of ``dialect`` for these (bound) parameters: the file's own,
        or on an engine that needs it, with its ``*..N`` lowered (:meth:`bounded`)."""
        return self.bounded(params) if dialect.lowers_path_bounds else self.text

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
            low, high = (float(match[k]) if match[k] is not None else None for k in ("low", "high"))
            if (low is not None or high is not None) and match["type"] not in ("integer", "float"):
                raise QueryError(f"{path.name}: only numbers take a range, not {match['type']} ({line!r})")
            if match["type"] == "integer":
                low = DEFAULT_INTEGER_RANGE[0] if low is None else max(low, -DEFAULT_INTEGER_RANGE[1])
                high = DEFAULT_INTEGER_RANGE[1] if high is None else min(high, DEFAULT_INTEGER_RANGE[1])
            params.append(QueryParam(match["name"], match["type"], default, (match["doc"] or "").strip(), low, high))
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
