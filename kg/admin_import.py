"""The graph as files for ``neo4j-admin database import full`` (Neo4j 5's offline bulk import).

Why this exists: ``kg load`` writes through Bolt, one transaction per source,
which is right for keeping a graph current but slow for a first load of a
large corpus into a real Neo4j. ``neo4j-admin database import full`` writes
the store files directly from CSV, with the server stopped, far faster. This
module turns :meth:`kg.store.Store.dump` into the header and data files that
command reads, and an ``import.sh`` holding the exact command.

Each format choice follows from how neo4j-admin reads CSV (its
``org.neo4j.csv.reader.Extractors``), so that every value comes back as it was,
or the export is refused with a message naming the node and the property:

* **One file group per node label set and per relationship type**, the header in
  its own file (``nodes-<Labels>.header.csv`` + ``nodes-<Labels>.csv``), so
  each group's columns are exactly the properties its members have.
* **``id:ID``**: our ids are strings unique across the whole graph, so one ID
  space (``--id-type=string``) serves, and the ``id`` property is stored as
  before. Labels go in ``:LABEL``, types in ``:TYPE``, joined by ``;``.
* **Column types come from the values present**: ``long``, ``double`` (also
  for a column mixing integers and decimals), ``boolean``, ``string``, and
  arrays of them (``string[]``...) joined with ``;`` (``--array-delimiter``).
  Dates stay ``string``: the graph stores partial ISO dates such as
  ``"2025-11"``, which ``:date`` cannot hold, and :meth:`Store.dump` returns no
  temporal value; anything other than these types is refused.
* **Quoting**: every string is quoted and numbers are not, while a missing
  value is an empty *unquoted* field. neo4j-admin reads an unquoted empty field
  as "no property" and a quoted ``""`` as the empty string, so both survive.
  Quotes are doubled (RFC 4180, neo4j-admin's default ``--quote``); a field
  with a line break needs ``--multiline-fields=true``, which slows the import,
  so the command carries it only when some value has one.
* **Arrays**: neo4j-admin splits an array field on every ``;``, quoted or
  not, and reads a zero-length field as an empty array, which it stores as no
  property. So an element holding ``;``, or an empty element, cannot round-trip
  and is refused; an empty list is written as an empty field and imports as a
  missing property. The queries read every list property as
  ``coalesce(x, [])``, so they treat the two alike.
"""

from __future__ import annotations

import csv
import math
import re
import shlex
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.property_graph import Node, Rel

#: neo4j-admin's ``--array-delimiter``: splits array elements and the labels of ``:LABEL``.
ARRAY_DELIMITER = ";"
#: The file in the output folder that runs the import.
SCRIPT_NAME = "import.sh"
#: The database the command imports into (Neo4j's default database).
DATABASE = "neo4j"

#: Python types of property values and the neo4j-admin header type each becomes.
_SCALAR_TYPES: dict[type, str] = {bool: "boolean", int: "long", float: "double", str: "string"}
_LONG_RANGE = range(-(2**63), 2**63)


class AdminImportError(ValueError):
    """A value that neo4j-admin could not read back as it is; nothing has been written."""


class _Absent:
    """A missing value, written as an empty *unquoted* field (neo4j-admin: no property).

    Under ``QUOTE_NONNUMERIC`` the csv module quotes every field that is not a
    number, ``None`` included, and Python 3.11 has no ``QUOTE_NOTNULL``. A
    "number" that prints as nothing is the way to write an unquoted empty field
    while every string, the empty one included, stays quoted.
    """

    def __float__(self) -> float:
        return 0.0

    def __str__(self) -> str:
        return ""


ABSENT = _Absent()


@dataclass(frozen=True)
class FileGroup:
    """One ``--nodes`` or ``--relationships`` argument: a header file and its data file."""

    kind: str  # "nodes" or "relationships"
    name: str  # the label set ("Official:Person:Actor") or the relationship type
    header: Path
    data: Path
    count: int


@dataclass(frozen=True)
class AdminImport:
    """What :func:`write_admin_import` wrote, and the command that imports it."""

    directory: Path
    groups: tuple[FileGroup, ...]
    script: Path
    argv: tuple[str, ...]

    @property
    def nodes(self) -> int:
        return sum(g.count for g in self.groups if g.kind == "nodes")

    @property
    def relationships(self) -> int:
        return sum(g.count for g in self.groups if g.kind == "relationships")

    @property
    def files(self) -> list[Path]:
        return [p for g in self.groups for p in (g.header, g.data)] + [self.script]

    def command(self) -> str:
        """The import command for these files, one argument a line, ready to paste into a shell."""
        return _render(self.argv, shlex.quote)

    def as_dict(self) -> dict[str, object]:
        """The ``--json`` report."""
        return {"out": str(self.directory), "format": "neo4j-admin", "nodes": self.nodes,
                "relationships": self.relationships, "files": [str(p) for p in self.files],
                "groups": [{"kind": g.kind, "name": g.name, "header": str(g.header), "data": str(g.data),
                            "count": g.count} for g in self.groups],
                "script": str(self.script), "command": shlex.join(self.argv)}


def unusable_directory(directory: Path) -> str | None:
    """Why ``directory`` cannot take an export (None when it can): it must be new or empty.

    A leftover file from an earlier export would be imported too when someone
    points neo4j-admin at the folder, so an export never mixes with other files.
    """
    if directory.exists() and not directory.is_dir():
        return f"--out {directory} is a file, not a folder"
    if directory.is_dir() and any(directory.iterdir()):
        return f"--out {directory} is not empty; give a new or empty folder"
    return None


def write_admin_import(nodes: Sequence[Node], rels: Sequence[Rel], directory: Path,
                       *, database: str = DATABASE) -> AdminImport:
    """Write the import files for ``nodes`` and ``rels`` (from :meth:`Store.dump`) into ``directory``.

    Everything is checked before the first file is written, so a refused value
    leaves no half-written export behind.
    """
    tables = _node_tables(nodes) + _relationship_tables(rels)
    directory.mkdir(parents=True, exist_ok=True)
    groups = []
    for table in tables:
        header, data = directory / f"{table.stem}.header.csv", directory / f"{table.stem}.csv"
        with header.open("w", encoding="utf-8", newline="") as f:
            csv.writer(f, lineterminator="\n").writerow(table.header)
        with data.open("w", encoding="utf-8", newline="") as f:
            csv.writer(f, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n").writerows(table.rows)
        groups.append(FileGroup(table.kind, table.name, header, data, len(table.rows)))
    multiline = any(t.multiline for t in tables)
    script = directory / SCRIPT_NAME
    script.write_text(_script(_argv(groups, "$DIR", database, multiline), database), encoding="utf-8")
    script.chmod(0o755)
    return AdminImport(directory, tuple(groups), script, tuple(_argv(groups, str(directory), database, multiline)))


# -- tables ------------------------------------------------------------------


@dataclass
class _Table:
    kind: str
    name: str
    stem: str
    header: list[str]
    rows: list[list[object]]
    multiline: bool


#: One row to encode: its fixed leading fields, its properties and how to name it in a refusal.
_Row = tuple[list[object], dict[str, Any], str]


def _node_tables(nodes: Iterable[Node]) -> list[_Table]:
    by_labels: dict[tuple[str, ...], list[Node]] = defaultdict(list)
    for node in nodes:
        by_labels[tuple(node.labels)].append(node)
    stems: set[str] = set()
    ids: set[str] = set()
    tables = []
    for labels, members in sorted(by_labels.items()):
        for label in labels:
            _check_element(label, f"label {label!r} of {members[0].id}")
        rows: list[_Row] = []
        for node in members:
            if not isinstance(node.id, str) or not node.id:
                raise AdminImportError(f"a node labelled {':'.join(labels)} has no string id ({node.id!r})")
            if node.id in ids:
                raise AdminImportError(f"node id {node.id!r} is on two nodes; neo4j-admin needs every :ID unique")
            ids.add(node.id)
            props = {k: v for k, v in node.props.items() if k != "id"}
            rows.append(([node.id, ARRAY_DELIMITER.join(labels)], props, f"node {node.id}"))
        tables.append(_table("nodes", ":".join(labels), _stem("nodes", labels, stems), ["id:ID", ":LABEL"], rows))
    return tables


def _relationship_tables(rels: Iterable[Rel]) -> list[_Table]:
    by_type: dict[str, list[Rel]] = defaultdict(list)
    for rel in rels:
        by_type[rel.type].append(rel)
    stems: set[str] = set()
    return [_table("relationships", type_, _stem("relationships", [type_], stems), [":START_ID", ":END_ID", ":TYPE"],
                   [([r.start, r.end, r.type], dict(r.props), f"relationship ({r.start})-[:{r.type}]->({r.end})")
                    for r in members])
            for type_, members in sorted(by_type.items())]


def _table(kind: str, name: str, stem: str, fixed: list[str], rows: list[_Row]) -> _Table:
    """The header and encoded rows of one file group: a column per property any member has."""
    names = sorted({key for _, props, _ in rows for key, value in props.items() if value is not None})
    types = {}
    for key in names:
        if not key or ":" in key:
            raise AdminImportError(f"property name {key!r} of {kind} {name} cannot be a neo4j-admin header column")
        types[key] = _column_type(key, [(props[key], where) for _, props, where in rows if props.get(key) is not None])
    encoded = [[*lead, *(_encode(props.get(key), types[key], f"{where}, property {key}") for key in names)]
               for lead, props, where in rows]
    multiline = any(isinstance(v, str) and ("\n" in v or "\r" in v) for row in encoded for v in row)
    return _Table(kind, name, stem, [*fixed, *(f"{key}:{types[key]}" for key in names)], encoded, multiline)


def _stem(kind: str, parts: Iterable[str], taken: set[str]) -> str:
    """A file name stem from labels or a type, safe in a file name and a shell word, unique in the folder."""
    base = f"{kind}-" + "-".join(re.sub(r"[^A-Za-z0-9_]+", "_", part) for part in parts)
    stem, n = base, 1
    while stem in taken:
        n += 1
        stem = f"{base}-{n}"
    taken.add(stem)
    return stem


# -- types and values --------------------------------------------------------


def _scalar_type(value: object, where: str) -> str:
    try:
        return _SCALAR_TYPES[type(value)]
    except KeyError:
        raise AdminImportError(f"{where} is a {type(value).__name__} ({value!r}); the neo4j-admin export writes "
                               "strings, numbers, booleans and lists of them (dates are stored as ISO strings)") from None


def _common_type(types: set[str], where: str) -> str | None:
    if types == {"long", "double"}:
        return "double"  # integers and decimals in one column: all become double, as Cypher compares them
    if len(types) > 1:
        raise AdminImportError(f"{where} mixes {' and '.join(sorted(types))} values, which one neo4j-admin column cannot hold")
    return next(iter(types), None)


def _column_type(key: str, values: list[tuple[Any, str]]) -> str:
    """The neo4j-admin type of a property column, from the values present."""
    more = f" and {len(values) - 1} more" if len(values) > 1 else ""
    where = f"property {key} (on {values[0][1]}{more})"
    scalars = {_scalar_type(v, f"{w}, property {key}") for v, w in values if not isinstance(v, list)}
    elements = {_scalar_type(e, f"{w}, property {key}") for v, w in values if isinstance(v, list) for e in v}
    if scalars and any(isinstance(v, list) for v, _ in values):
        raise AdminImportError(f"{where} holds both lists and single values")
    if scalars:
        return _common_type(scalars, where) or "string"
    return f"{_common_type(elements, where) or 'string'}[]"  # only empty lists: the type does not matter


def _encode(value: Any, type_: str, where: str) -> object:
    """One field: numbers as numbers (unquoted), everything else as a string (quoted)."""
    if value is None or (isinstance(value, list) and not value):
        return ABSENT
    if type_.endswith("[]"):
        return ARRAY_DELIMITER.join(_check_element(str(_encode(e, type_[:-2], where)), where) for e in value)
    if type_ == "boolean":
        return "true" if value else "false"
    if type_ == "long" and value not in _LONG_RANGE:
        raise AdminImportError(f"{where}: {value} does not fit a 64-bit long")
    if type_ == "double" and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")  # Java's spelling
    return value


def _check_element(text: str, where: str) -> str:
    if ARRAY_DELIMITER in text:
        raise AdminImportError(f"{where}: {text!r} contains {ARRAY_DELIMITER!r}, neo4j-admin's array delimiter, "
                               "so it would come back split in two")
    if not text:
        raise AdminImportError(f"{where}: an empty string in a list cannot be told from no element by neo4j-admin")
    return text


# -- the command -------------------------------------------------------------


def _argv(groups: Iterable[FileGroup], base: str, database: str, multiline: bool) -> list[str]:
    """``neo4j-admin database import full`` for the groups, their files under ``base``.

    The database name comes right after ``full``: ``--nodes`` and
    ``--relationships`` take several values, so from Neo4j 5.19 a name at the
    end is read as one more file. ``--overwrite-destination`` because the
    Neo4j container creates the database on its first start; the import then
    replaces it.
    """
    argv = ["neo4j-admin", "database", "import", "full", database, "--overwrite-destination=true",
            f"--array-delimiter={ARRAY_DELIMITER}", "--id-type=string", "--trim-strings=false"]
    if multiline:
        argv.append("--multiline-fields=true")
    argv += [f"--{g.kind}={base}/{g.header.name},{base}/{g.data.name}" for g in groups]
    return argv


def _render(argv: Sequence[str], quote: Callable[[str], str]) -> str:
    """The command on several lines: the command words and database first, then an option a line."""
    return " \\\n  ".join([" ".join(map(quote, argv[:5])), *map(quote, argv[5:])])


def _script_word(arg: str) -> str:
    """Shell-quote an argument, leaving ``$DIR`` to expand (file names are plain: see :func:`_stem`)."""
    return f'"{arg}"' if "$DIR" in arg else shlex.quote(arg)


def _script(argv: Sequence[str], database: str) -> str:
    return "\n".join([
        "#!/bin/sh",
        "# Bulk import of a kg graph export, written by `kg export --format neo4j-admin`.",
        "# Run it where neo4j-admin is, with the Neo4j server stopped (in the Compose deployment:",
        "# see \"Large initial loads into Neo4j\" in docs/deployment.md). It REPLACES the database",
        f"# {database!r}. Extra arguments go to neo4j-admin (e.g. --verbose, --report-file=PATH).",
        "# The import creates no constraints or indexes: start Neo4j, then run `kg schema apply`.",
        "set -eu",
        'DIR=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)',
        "exec " + _render([*argv, "$@"], lambda a: '"$@"' if a == "$@" else _script_word(a)),
        "",
    ])
