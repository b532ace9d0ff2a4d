"""`kg export --format neo4j-admin --out DIR`: files that `neo4j-admin database import full` reads.

The files are read back the way neo4j-admin reads them (header types, ``;``
arrays, RFC 4180 quoting) and compared with :meth:`Store.dump` of the real
graph: every node once with its labels and properties, every relationship
between exported nodes, and an ``import.sh`` that names every file.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shlex
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from conftest import cli_env, scratch_source
from typer.testing import CliRunner

from kg.admin_import import AdminImportError, write_admin_import
from kg.cli import app
from kg.cypher import Cypher
from kg.engines.neo4j import server as neo4j_engine
from kg.exit_codes import ExitCode
from kg.graph import Graph, local_neo4j_connection
from kg.property_graph import Node, Rel
from kg.settings import Settings
from kg.store import Store

runner = CliRunner()

#: Property types of the neo4j-admin header format (each may end in [] for an array).
PROPERTY_TYPES = {"int", "long", "float", "double", "boolean", "byte", "short", "char", "string", "point",
                  "date", "localtime", "time", "localdatetime", "datetime", "duration"}
SCALARS: dict[str, Any] = {"int": int, "long": int, "float": float, "double": float, "string": str,
                           "boolean": lambda text: {"true": True, "false": False}[text]}


def _decode(cell: str, type_: str) -> Any:
    """A field as neo4j-admin reads it: arrays split on ';', numbers and booleans parsed."""
    if type_.endswith("[]"):
        return [SCALARS[type_[:-2]](part) for part in cell.split(";")]
    return SCALARS[type_](cell)


def _read_group(header: Path, data: Path, fixed: list[str]) -> list[tuple[list[str], dict[str, Any]]]:
    """Rows of one file group: the fixed leading fields and the properties decoded by the header's types."""
    with header.open(encoding="utf-8", newline="") as f:
        (columns,) = list(csv.reader(f))
    assert columns[: len(fixed)] == fixed, (header.name, columns)
    props = [column.split(":") for column in columns[len(fixed):]]
    for name, type_ in props:
        assert name and type_.removesuffix("[]") in PROPERTY_TYPES, (header.name, name, type_)
    with data.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert all(len(row) == len(columns) for row in rows), data.name
    return [(row[: len(fixed)], {name: _decode(cell, type_) for (name, type_), cell in zip(props, row[len(fixed):]) if cell != ""})
            for row in rows]


def _groups(out: Path) -> dict[str, list[tuple[Path, Path]]]:
    """The folder's file groups by kind, checking it holds nothing but groups and import.sh."""
    groups: dict[str, list[tuple[Path, Path]]] = {"nodes": [], "relationships": []}
    headers = sorted(out.glob("*.header.csv"))
    for header in headers:
        kind = header.name.split("-", 1)[0]
        groups[kind].append((header, header.with_name(header.name.replace(".header.csv", ".csv"))))
    assert {p.name for p in out.iterdir()} == {p.name for pairs in groups.values() for pair in pairs for p in pair} | {"import.sh"}
    return groups


def _expected(props: dict[str, Any]) -> dict[str, Any]:
    """What neo4j-admin stores: the id is the :ID column, and an empty list is no property."""
    return {k: v for k, v in props.items() if k != "id" and v != []}


def _check_export(out: Path, nodes: list[Node], rels: list[Rel]) -> dict[str, list[str]]:
    """Compare the files in ``out`` with the dump; return the rows of node files by id."""
    groups = _groups(out)
    seen: Counter[str] = Counter()
    rows_by_id: dict[str, list[str]] = {}
    by_id = {n.id: n for n in nodes}
    for header, data in groups["nodes"]:
        for (node_id, labels), props in _read_group(header, data, ["id:ID", ":LABEL"]):
            seen[node_id] += 1
            assert node_id in by_id, node_id
            assert tuple(labels.split(";")) == by_id[node_id].labels, node_id
            assert props == _expected(by_id[node_id].props), node_id
            rows_by_id[node_id] = props
    assert seen == Counter(by_id.keys()), "every node exactly once"

    written: Counter[tuple[str, str, str, str]] = Counter()
    for header, data in groups["relationships"]:
        for (start, end, type_), props in _read_group(header, data, [":START_ID", ":END_ID", ":TYPE"]):
            assert start in seen and end in seen, (start, type_, end)
            assert data.name == f"relationships-{type_}.csv"
            written[(start, type_, end, repr(sorted(props.items())))] += 1
    assert written == Counter((r.start, r.type, r.end, repr(sorted(_expected(dict(r.props)).items()))) for r in rels)
    assert sum(written.values()) == len(rels) and {k[1] for k in written} == {r.type for r in rels}

    script = (out / "import.sh").read_text(encoding="utf-8")
    assert "exec neo4j-admin database import full neo4j " in script and "'--array-delimiter=;'" in script
    named = re.findall(r'"--(nodes|relationships)=\$DIR/([^,"]+),\$DIR/([^,"]+)"', script)
    assert sorted(named) == sorted((kind, h.name, d.name) for kind, pairs in groups.items() for h, d in pairs)
    texts = [v for props in [*(n.props for n in nodes), *(dict(r.props) for r in rels)] for value in props.values()
             for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)]
    multiline = any("\n" in v or "\r" in v for v in texts)
    assert ("--multiline-fields=true" in script) == multiline
    return rows_by_id


def _run_script(out: Path, tmp_path: Path) -> list[str]:
    """Run import.sh with a neo4j-admin stand-in that records its arguments: what the shell really passes."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    stand_in = bin_dir / "neo4j-admin"
    stand_in.write_text('#!/bin/sh\nprintf "%s\\n" "$@" > "$ARGS_OUT"\n', encoding="utf-8")
    stand_in.chmod(0o755)
    args_out = tmp_path / "args.txt"
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "ARGS_OUT": str(args_out)}
    subprocess.run(["sh", str(out / "import.sh"), "--verbose"], env=env, check=True, timeout=30)
    return args_out.read_text(encoding="utf-8").splitlines()


def test_the_export_holds_every_node_and_relationship_of_the_graph(settings: Settings, loader, corpus, tmp_path: Path) -> None:
    out = tmp_path / "neo4j-import"
    kg = Path(sys.executable).with_name("kg")  # the installed console script, as people run it
    result = subprocess.run([str(kg), "export", "--format", "neo4j-admin", "--out", str(out)], check=False, capture_output=True,
                            text=True, env={**os.environ, **cli_env(settings)}, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    nodes, rels = loader.store.dump()
    assert len(nodes) > 100 and len(rels) > 100
    _check_export(out, nodes, rels)
    for path in out.iterdir():  # the command printed on stderr names every file too
        assert path.name == "import.sh" or str(path) in result.stderr, path
    assert "neo4j-admin database import full neo4j" in result.stderr and str(out / "import.sh") in result.stderr

    again = runner.invoke(app, ["export", "--format", "neo4j-admin", "--out", str(tmp_path / "again"), "--json"], env=cli_env(settings))
    assert again.exit_code == 0, again.output
    report = json.loads(again.stdout)
    assert (report["nodes"], report["relationships"]) == (len(nodes), len(rels))
    assert sorted(report["files"]) == sorted(str(p) for p in (tmp_path / "again").iterdir())
    argv = shlex.split(report["command"])
    assert argv[:5] == ["neo4j-admin", "database", "import", "full", "neo4j"]
    assert _run_script(tmp_path / "again", tmp_path) == [*argv[1:], "--verbose"]


SCRATCH = r'''article: {id: test-neo4j-admin-export, date: 2025-11-21, title: neo4j-admin export scratch source}
entities:
  - id: gadget
    type: WeaponSystem
    name: 'Admin Export Gadget "Mk 2", export model'
    aliases: ['Gadget, the "quoted" one']
    description: "Made by \"Acme, Inc.\"; a line break follows.\nSecond line, with a comma, and a back\\slash."
    evidence: 'Acme showed the Admin Export Gadget "Mk 2", export model, at the fair.'
'''


def test_commas_quotes_and_newlines_round_trip(settings: Settings, loader, corpus, tmp_path: Path) -> None:
    with scratch_source(loader, tmp_path / "test-neo4j-admin-export.yaml", SCRATCH):
        out = tmp_path / "out"
        result = runner.invoke(app, ["export", "--format", "neo4j-admin", "--out", str(out), "--json"], env=cli_env(settings))
        assert result.exit_code == 0, result.output
        nodes, rels = loader.store.dump()
        rows = _check_export(out, nodes, rels)
    (gadget,) = [n for n in nodes if str(n.props.get("name", "")).startswith("Admin Export Gadget")]
    assert rows[gadget.id]["description"] == 'Made by "Acme, Inc."; a line break follows.\nSecond line, with a comma, and a back\\slash.'
    assert 'Gadget, the "quoted" one' in rows[gadget.id]["alias"]
    assert "--multiline-fields=true" in json.loads(result.stdout)["command"]


# -- values neo4j-admin could not read back, and usage errors -------------------------------


def _node(node_id: str, **props: Any) -> Node:
    return Node(node_id, ("Thing",), {"id": node_id, **props})


def test_empty_strings_missing_values_and_numbers_are_told_apart(tmp_path: Path) -> None:
    nodes = [_node("a", name="", amount=5, share=1.5, flag=True, counts=[1, 2], mixed=[1, 2.5], alias=[]),
             _node("b", amount=2.0, alias=["  padded ", "x"])]
    written = write_admin_import(nodes, [Rel("a", "LINKS", "b", "Thing", "Thing", (("weight", 3),))], tmp_path / "out")
    out = tmp_path / "out"
    assert (out / "nodes-Thing.header.csv").read_text() == \
        "id:ID,:LABEL,alias:string[],amount:double,counts:long[],flag:boolean,mixed:double[],name:string,share:double\n"
    # Quoted "" is the empty string, an unquoted empty field no property; numbers are unquoted;
    # strings are quoted, so neo4j-admin keeps their spaces.
    assert (out / "nodes-Thing.csv").read_text() == '"a","Thing",,5,"1;2","true","1;2.5","",1.5\n"b","Thing","  padded ;x",2.0,,,,,\n'
    assert (out / "relationships-LINKS.header.csv").read_text() == ":START_ID,:END_ID,:TYPE,weight:long\n"
    assert (written.nodes, written.relationships) == (2, 1)
    assert "--multiline-fields=true" not in written.argv


@pytest.mark.parametrize("props,fragment", [
    ({"alias": ["Smith; Jones"]}, "contains ';'"),
    ({"alias": ["x", ""]}, "empty string in a list"),
    ({"amount": 2**70}, "does not fit a 64-bit long"),
    ({"when": {"year": 2025}}, "is a dict"),
    ({"alias": ["x", 1]}, "mixes long and string"),
])
def test_values_that_would_not_round_trip_are_refused_before_writing(props: dict[str, Any], fragment: str, tmp_path: Path) -> None:
    with pytest.raises(AdminImportError) as refused:
        write_admin_import([_node("ok", name="fine"), _node("bad", **props)], [], tmp_path / "out")
    assert fragment in str(refused.value) and "bad" in str(refused.value)
    assert not (tmp_path / "out").exists()


def test_duplicate_ids_and_non_finite_numbers(tmp_path: Path) -> None:
    with pytest.raises(AdminImportError, match="'twice' is on two nodes"):
        write_admin_import([_node("twice"), Node("twice", ("Other",), {"id": "twice"})], [], tmp_path / "refused")
    write_admin_import([_node("a", x=float("nan")), _node("b", x=float("-inf")), _node("c", x=2**70, y=[2**70, 0.5])], [], tmp_path / "out")
    assert (tmp_path / "out" / "nodes-Thing.csv").read_text() == \
        f'"a","Thing","NaN",\n"b","Thing","-Infinity",\n"c","Thing",{2**70},"{2**70};0.5"\n'  # Java's Double.parseDouble reads them


def test_usage_errors_exit_2_before_touching_the_graph(tmp_path: Path) -> None:
    full = tmp_path / "full"
    full.mkdir()
    (full / "old.csv").write_text("x\n")
    a_file = tmp_path / "a-file"
    a_file.write_text("x\n")
    env = {"NEO4J_URI": "", "KG_DATA_DIR": "/nonexistent"}  # no graph answers: a usage error must come first
    for args, fragment in [
        (["export", "--format", "neo4j-admin"], "needs --out DIR"),
        (["export", "--format", "neo4j-admin", "--json"], "needs --out DIR"),
        (["export", "--format", "neo4j-admin", "--out", str(full)], f"--out {full} is not empty"),
        (["export", "--format", "neo4j-admin", "--out", str(a_file)], "is a file, not a folder"),
        (["export", "--format", "neo4j-admin", "-o", str(tmp_path / "x.csv")], "give --out DIR, not -o FILE"),
        (["export", "--out", str(tmp_path / "new")], "--out DIR is for --format neo4j-admin"),
        (["export", "--format", "csv"], "turtle, jsonld, neo4j-admin"),
    ]:
        result = runner.invoke(app, args, env=env)
        assert result.exit_code == ExitCode.USAGE and result.stdout == "", (args, result.output)
        assert fragment in " ".join(result.stderr.split()), (args, result.stderr)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "full"]


def _neo4j_admin_on_path(kg, bin_dir: Path) -> dict[str, str]:
    """An environment whose PATH has a ``neo4j-admin``: Neo4j's own AdminTool, from the jars Maven fetched,
    working on the local Neo4j of ``kg`` (what import.sh expects to find where Neo4j is installed)."""
    bin_dir.mkdir()
    script = bin_dir / "neo4j-admin"
    lib = neo4j_engine.ensure_runtime()
    script.write_text("#!/bin/sh\n" + "".join(f"export {k}={shlex.quote(v)}\n" for k, v in neo4j_engine.admin_environment(kg).items())
                      + f"exec {shlex.quote(str(neo4j_engine.java_executable()))} -cp {shlex.quote(str(lib) + '/*')} "
                      "org.neo4j.cli.AdminTool \"$@\"\n", encoding="utf-8")
    script.chmod(0o755)
    return {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}


def test_neo4j_admin_imports_the_export_into_the_same_graph(settings: Settings, loader, sample, tmp_path: Path) -> None:
    """The export of the loaded graph (on either engine), imported by Neo4j's own offline import tool into a
    fresh Neo4j with import.sh as written, is the graph `kg load` gave: same nodes, labels, relationships and
    properties (an empty list comes back as no property, which the queries read alike)."""
    out = tmp_path / "export"
    exported = runner.invoke(app, ["export", "--format", "neo4j-admin", "--out", str(out), "--json"], env=cli_env(settings))
    assert exported.exit_code == 0, exported.output
    nodes, rels = loader.store.dump()

    target = neo4j_engine.scratch_settings(tmp_path / "target", engine_start_timeout=180)
    neo4j_engine.prepare_home(target)
    imported = subprocess.run(["sh", str(out / "import.sh")], env=_neo4j_admin_on_path(target, tmp_path / "bin"),
                              cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False)
    assert imported.returncode == 0, imported.stdout[-3000:] + imported.stderr[-3000:]
    assert "IMPORT DONE" in imported.stdout + imported.stderr

    neo4j_engine.start(target)
    try:
        with Graph(local_neo4j_connection(target)) as graph:
            got_nodes, got_rels = Store(graph).dump()
            counts = graph.read(Cypher("MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS n"))
            types = graph.read(Cypher("MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n"))
    finally:
        neo4j_engine.stop(target)

    def without_empty_lists(props: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in props.items() if v != []}

    label_counts = Counter(label for n in nodes for label in n.labels)
    assert {row["label"]: row["n"] for row in counts} == dict(label_counts)
    assert {row["type"]: row["n"] for row in types} == dict(Counter(r.type for r in rels))
    want_nodes = {n.id: (n.labels, without_empty_lists(n.props)) for n in nodes}
    assert {n.id: (n.labels, without_empty_lists(n.props)) for n in got_nodes} == want_nodes
    key = lambda r: (r.start, r.type, r.end, repr(sorted(without_empty_lists(dict(r.props)).items())))  # noqa: E731
    assert Counter(map(key, got_rels)) == Counter(map(key, rels))
    assert len(got_nodes) > 100 and len(got_rels) > 300
