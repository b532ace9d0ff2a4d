"""The CLI's promises to people and scripts, checked against the real app and graph.

* exit codes come from one enum, and the README and ``kg --help`` say the same;
* every command and group has ``--help`` with examples, and each example parses;
* ``--json`` prints one JSON document on stdout and nothing else there;
* an unreachable graph is one error line naming the URI, never a traceback;
* progress goes to stderr only when it is a terminal, never into ``--json`` runs.
"""

from __future__ import annotations

import ast
import io
import json
import re
import shlex
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from conftest import cli_env, engine_name, engine_settings, free_port, settings_env
from rich.console import Console
from typer.testing import CliRunner, Result

import kg.cli
import kg.cli.common
from kg.cli import app
from kg.engines.neo4j import server as neo4j_engine
from kg.exit_codes import ExitCode, markdown_table
from kg.settings import PROJECT_ROOT, Settings

runner = CliRunner()
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
ANNOTATIONS = PROJECT_ROOT / "data" / "annotations"


# Typer builds on its own copy of Click, so commands are told from groups by
# their ``commands`` mapping, not by isinstance checks against click.Group.
Command = Any


def _is_group(command: Command) -> bool:
    return isinstance(getattr(command, "commands", None), dict)


def _walk(command: Command, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Command]]:
    yield path, command
    if _is_group(command):
        for name, sub in sorted(command.commands.items()):
            yield from _walk(sub, (*path, name))


ROOT = typer.main.get_command(app)
COMMANDS = dict(_walk(ROOT))
LEAVES = {path: cmd for path, cmd in COMMANDS.items() if not _is_group(cmd)}
WITH_JSON = sorted(path for path, cmd in LEAVES.items() if any("--json" in p.opts for p in cmd.params))


def _plain(text: str) -> str:
    return ANSI.sub("", text)


def _flat(text: str) -> str:
    return " ".join(_plain(text).split())


# -- exit codes ------------------------------------------------------------------------


def test_exit_codes_are_distinct_and_keep_their_numbers() -> None:
    # Scripts depend on the numbers: changing one is a breaking change, so it must fail here first.
    assert {c.name: c.value for c in ExitCode} == {"OK": 0, "PROBLEM": 1, "USAGE": 2, "NOT_RUNNING": 3, "UNREACHABLE": 4, "NOT_FOUND": 5,
                                                     "MISSING_TOOL": 6, "PORT_TAKEN": 7, "REPLACE_REFUSED": 8}
    assert all(c.meaning and "\n" not in c.meaning for c in ExitCode)


def test_the_cli_exits_only_with_named_codes() -> None:
    modules = sorted(Path(kg.cli.__file__).parent.glob("*.py"))  # every command group's module of the kg.cli package
    assert len(modules) > 2
    bare = []
    for module in modules:
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None)) in ("Exit", "_fail"):
                args = [*node.args, *(k.value for k in node.keywords)]
                bare += [f"{module.name}: {ast.unparse(node)}" for a in args if isinstance(a, ast.Constant) and isinstance(a.value, int)]
    assert bare == []


def test_readme_exit_code_table_is_the_enum() -> None:
    assert markdown_table() in README
    documented = re.findall(r"^\| `(\d+)` \| (.+) \|$", README, flags=re.M)
    assert documented == [(str(c.value), c.meaning) for c in ExitCode]


def test_kg_help_lists_every_exit_code() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    help_text = _flat(result.stdout)
    assert "Exit codes:" in help_text
    for code in ExitCode:
        assert f"{code.value} {' '.join(code.meaning.split())}" in help_text, code


# -- help and examples -----------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(COMMANDS), ids=lambda p: " ".join(("kg", *p)))
def test_every_command_has_help_with_examples_of_itself(path: tuple[str, ...]) -> None:
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    text = _plain(result.stdout)
    assert "Examples:" in text
    own = re.compile(r"^\s*" + r"\s+".join(re.escape(w) for w in ("kg", *path)) + r"(\s|$)", flags=re.M)
    block = text.split("Examples:", 1)[1]
    assert own.search(block), f"no example of kg {' '.join(path)} in:\n{block}"


def _examples(command: Command) -> list[str]:
    lines = (command.epilog or "").splitlines()
    start = lines.index("Examples:") + 1
    examples = []
    for line in lines[start:]:
        if not line.startswith("  "):
            break
        examples.append(line.strip())
    return examples


@pytest.mark.parametrize("path", sorted(COMMANDS), ids=lambda p: " ".join(("kg", *p)))
def test_every_example_parses_as_the_command_it_documents(path: tuple[str, ...]) -> None:
    """An example that names a removed flag or a wrong value type fails here, not in a reader's shell."""
    examples = _examples(COMMANDS[path])
    assert examples
    for example in examples:
        words = shlex.split(example, comments=True)
        cut = next((i for i, w in enumerate(words) if w in ("|", ">", "<", ";", "&&")), len(words))
        words = words[:cut]
        assert words[0] == "kg", example
        command, walked, rest = ROOT, (), words[1:]
        while _is_group(command) and rest and rest[0] in command.commands:
            walked, command, rest = (*walked, rest[0]), command.commands[rest[0]], rest[1:]
        # A group runs on its own only when it says so (kg bench); otherwise a subcommand is missing.
        assert not _is_group(command) or command.invoke_without_command, example
        assert walked[: len(path)] == path, f"{example!r} is not an example of kg {' '.join(path)}"
        command.make_context(" ".join(("kg", *walked)), list(rest))  # raises on unknown flags, bad values, missing arguments


def _readme_commands() -> str:
    return README.split("## Commands", 1)[1].split("\n## ", 1)[0]


def test_readme_documents_every_command_and_its_json_flag() -> None:
    rows = [line for line in _readme_commands().splitlines() if line.startswith("| `kg ")]
    for path in LEAVES:
        name = " ".join(("kg", *path))
        mine = [row for row in rows if re.search(r"`" + re.escape(name) + r"[ `]", row)]
        assert mine, f"{name} is missing from the README's Commands table"
        if path in WITH_JSON:
            assert any("--json" in row for row in mine), f"the README does not mention {name} --json"


# -- --json on stdout alone --------------------------------------------------------------

SCRATCH = """\
article: {id: test-cli-polish, date: 2025-11-21, title: CLI polish scratch source}
entities:
  - {id: us, type: State, name: United States, iso_code: US}
  - {id: tw, type: State, name: Taiwan, iso_code: TW}
  - {id: gadget, type: WeaponSystem, name: Polish Test Gadget}
events:
  - type: ArmsSale
    id: sale
    date: 2025-11
    participants: [{entity: us, role: seller}, {entity: tw, role: buyer}]
    systems: [gadget]
    evidence: The United States sold Polish Test Gadgets to Taiwan.
"""

Check = Callable[[Any], None]
#: One --json run: (arguments, environment, check of the parsed stdout); exit code 0 expected.
Case = tuple[list[str], dict[str, str], Check]


def _local_engine(settings: Settings) -> list[str]:
    """``--engine NAME`` of the session's local engine."""
    if not (settings.embedded or settings.local_neo4j):
        pytest.skip("the session graph is a configured Neo4j, not a local engine")
    return ["--engine", engine_name(settings)]


def _engine_start(settings: Settings, tmp: Path) -> Case:
    engine = _local_engine(settings)

    def check(r: Any) -> None:
        assert r["running"] and r["already_running"] and r["engine"] == engine[1], r
    return ["engine", "start", "--json", *engine], cli_env(settings), check


def _engine_status(settings: Settings, tmp: Path) -> Case:
    engine = _local_engine(settings)

    def check(r: Any) -> None:
        assert r["running"] and r["nodes"] > 0 and r["engine"] == engine[1], r
    return ["engine", "status", "--json", *engine], cli_env(settings), check


def _engine_stop(settings: Settings, tmp: Path) -> Case:
    # A home with no engine: stopping it is harmless and says so (the session engine keeps running).
    def check(r: Any) -> None:
        assert r == {"engine": "arcadedb", "stopped": False}, r
    return ["engine", "stop", "--json"], settings_env(engine_settings(tmp / "idle")), check


def _doctor(settings: Settings, tmp: Path) -> Case:
    def check(r: Any) -> None:
        assert r and all(c["ok"] for c in r), r
    return ["doctor", "--json"], cli_env(settings), check


def _validate(settings: Settings, tmp: Path) -> Case:
    files = sorted(map(str, ANNOTATIONS.glob("*.yaml")))

    def check(r: Any) -> None:
        assert r == {f: [] for f in files}, r
    return ["validate", "--json", *files], {}, check


def _load(settings: Settings, tmp: Path) -> Case:
    def check(r: Any) -> None:
        assert r["rejected"] == [] and {s["action"] for s in r["sources"]} == {"unchanged"}, r
    return ["load", "--json", str(ANNOTATIONS)], cli_env(settings), check


def _unload(settings: Settings, tmp: Path) -> Case:
    scratch = tmp / "test-cli-polish.yaml"
    scratch.write_text(SCRATCH, encoding="utf-8")
    loaded = runner.invoke(app, ["load", "--json", str(scratch)], env=cli_env(settings))
    assert loaded.exit_code == 0, loaded.output
    assert json.loads(loaded.stdout)["sources"][0]["action"] == "created"

    def check(r: Any) -> None:
        assert r["id"] == "source:test-cli-polish" and r["action"] == "retracted" and r["tallies"]["events"]["retracted"] == 1, r
    return ["unload", "test-cli-polish", "--json"], cli_env(settings), check


def _export(settings: Settings, tmp: Path) -> Case:
    target = tmp / "graph.ttl"

    def check(r: Any) -> None:
        assert r == {"out": str(target), "format": "turtle", "bytes": target.stat().st_size} and r["bytes"] > 1000, r
    return ["export", "-o", str(target), "--json"], cli_env(settings), check


def _query(settings: Settings, tmp: Path) -> Case:
    def check(r: Any) -> None:
        assert isinstance(r, list) and "Evidence" in json.dumps(r), r
    return ["query", "graph_overview", "--json"], cli_env(settings), check


def _ontology_docs(settings: Settings, tmp: Path) -> Case:
    target = tmp / "ontology.md"

    def check(r: Any) -> None:
        assert r == {"out": str(target)} and target.read_text(encoding="utf-8").startswith("#"), r
    return ["ontology", "docs", "-o", str(target), "--json"], {}, check


def _schema_show(settings: Settings, tmp: Path) -> Case:
    def check(r: Any) -> None:
        assert len(r["statements"]) > 5 and all("CREATE" in s for s in r["statements"]), r
    return ["schema", "show", "--json"], {}, check


def _schema_apply(settings: Settings, tmp: Path) -> Case:
    def check(r: Any) -> None:
        assert len(r["applied"]) > 5, r
    return ["schema", "apply", "--json"], cli_env(settings), check


def _viz(settings: Settings, tmp: Path) -> Case:
    target = tmp / "pictures" / "taiwan.html"

    def check(r: Any) -> None:
        assert {k: r[k] for k in ("out", "entity", "depth")} == {"out": str(target), "entity": "state:TW", "depth": 1}, r
        assert r["nodes"] > 1 and r["edges"] > 0 and "<html" in target.read_text(encoding="utf-8").lower(), r
    return ["viz", "state:TW", "--depth", "1", "--out", str(target), "--json"], cli_env(settings), check


def _browser_kit(settings: Settings, tmp: Path) -> Case:
    target = tmp / "kit"

    def check(r: Any) -> None:
        assert r["dir"] == str(target) and r["files"] and all(Path(f).is_file() and Path(f).parent == target for f in r["files"]), r
    return ["browser", "kit", "--out", str(target), "--json"], {}, check


def _eval(settings: Settings, tmp: Path) -> Case:
    def check(r: Any) -> None:
        assert r["entities"]["f1"] == r["events"]["f1"] == 1.0 and r["entities"]["tp"] > 0 and r["events"]["tp"] > 0, r
        assert r["unpaired"] == {"missing_prediction": [], "without_gold": []}, r
    return ["eval", "--gold", str(ANNOTATIONS), "--pred", str(ANNOTATIONS), "--json"], {}, check


SCRATCH_ARTICLE = """title: Norway orders more NASAMS launchers
date: 2025-03-04

Norway on Monday signed a contract with Kongsberg to buy twelve NASAMS launchers, the Norwegian defence ministry said.
"""


def _scratch_article(tmp: Path) -> Path:
    path = tmp / "test-cli-scratch-article.txt"
    path.write_text(SCRATCH_ARTICLE, encoding="utf-8")
    return path


def _extract(settings: Settings, tmp: Path) -> Case:
    article = _scratch_article(tmp)

    def check(r: Any) -> None:
        assert r["article"]["id"] == "test-cli-scratch-article" and r["article"]["date"] == "2025-03-04", r
        assert {"Norway", "Kongsberg"} <= {e["name"].split(" Defence")[0] for e in r["entities"]}, r
        assert all(0 < e["confidence"] <= 1 and e["evidence"] for e in r["entities"] + r["events"]), r
    return ["extract", str(article), "--json"], {}, check


def _candidates_list(settings: Settings, tmp: Path) -> Case:
    from loaders.extraction.extract import extract_file
    from loaders.extraction.review import ReviewStore

    ReviewStore(tmp / "review").save(extract_file(_scratch_article(tmp)), threshold=1.0)

    def check(r: Any) -> None:
        assert r and {c["article"] for c in r} == {"test-cli-scratch-article"} and {"entity", "event"} <= {c["kind"] for c in r}, r
    return ["candidates", "list", "--json"], {"KG_REVIEW_DIR": str(tmp / "review")}, check


def _candidates_accept(settings: Settings, tmp: Path) -> Case:
    from loaders.extraction.extract import extract_file
    from loaders.extraction.review import ReviewStore

    ReviewStore(tmp / "review").save(extract_file(_scratch_article(tmp)), threshold=1.0)
    env = {**cli_env(settings), "KG_REVIEW_DIR": str(tmp / "review")}

    def check(r: Any) -> None:
        try:
            assert [s["id"] for s in r["sources"]] == ["source:test-cli-scratch-article"] and r["rejected"] == [], r
            assert r["totals"]["events"]["created"] >= 1, r
        finally:
            assert runner.invoke(app, ["unload", "test-cli-scratch-article"], env=env).exit_code == 0
    return ["candidates", "accept", "test-cli-scratch-article", "--all", "--json"], env, check


def _bench_extract(settings: Settings, tmp: Path) -> Case:
    def check(r: Any) -> None:
        assert r["articles"] == 2 and r["articles_per_second"] > 0 and r["gazetteer_surfaces"] > 1000, r
    return ["bench", "extract", str(ANNOTATIONS.parent / "articles"), "--repeat", "1", "--json"], {}, check


def _duplicates(settings: Settings, tmp: Path) -> Case:
    def check(r: Any) -> None:
        assert r["count"] == len(r["pairs"]) and all({"type", "rule", "reason", "entities"} <= set(p) for p in r["pairs"]), r
    return ["duplicates", "--json"], cli_env(settings), check


JSON_RUNS: dict[tuple[str, ...], Callable[[Settings, Path], Case]] = {
    ("engine", "start"): _engine_start, ("engine", "status"): _engine_status, ("engine", "stop"): _engine_stop,
    ("doctor",): _doctor, ("validate",): _validate, ("load",): _load, ("unload",): _unload, ("export",): _export,
    ("query",): _query, ("ontology", "docs"): _ontology_docs, ("schema", "show"): _schema_show,
    ("schema", "apply"): _schema_apply, ("viz",): _viz, ("browser", "kit"): _browser_kit, ("eval",): _eval,
    ("extract",): _extract, ("candidates", "list"): _candidates_list, ("candidates", "accept"): _candidates_accept,
    ("bench", "extract"): _bench_extract, ("duplicates",): _duplicates,
}
#: Commands whose --json run needs a private engine, tested where that engine is started anyway.
JSON_RUN_ELSEWHERE = {("up",): "tests/test_cli_commands.py::test_kg_up_starts_an_engine_and_loads_the_sample_corpus",
                      ("synth",): "tests/test_synthetic.py::test_kg_synth_writes_the_corpus_and_refuses_a_folder_in_use",
                      ("bench", "api"): "tests/test_bench.py::test_kg_bench_api_times_every_endpoint_on_the_graph_the_engine_holds",
                      # judgements need the official sources' deals, which that module loads
                      **{("deals", name): "tests/test_deals_graph.py::test_an_unlink_survives_reloads_and_forget_undoes_it"
                         for name in ("link", "unlink", "forget", "judgements")}}


def test_every_json_command_is_run_here() -> None:
    assert set(WITH_JSON) == set(JSON_RUNS) | set(JSON_RUN_ELSEWHERE)


@pytest.mark.parametrize("path", sorted(JSON_RUNS), ids=lambda p: " ".join(("kg", *p)))
def test_json_output_is_the_only_stdout(path: tuple[str, ...], settings: Settings, corpus, tmp_path: Path) -> None:
    args, env, check = JSON_RUNS[path](settings, tmp_path)
    result = runner.invoke(app, args, env=env)
    assert result.exit_code == ExitCode.OK, result.output
    check(json.loads(result.stdout))


def test_query_list_and_format_json_agree_with_the_json_flag(settings: Settings, corpus) -> None:
    env = cli_env(settings)
    listing = json.loads(runner.invoke(app, ["query", "--list", "--json"], env=env).stdout)
    sales = next(q for q in listing if q["name"] == "arms_sales")
    assert {"buyer", "limit"} <= {p["name"] for p in sales["params"]}
    args = ["query", "arms_sales", "-p", "buyer=state:TW"]
    assert json.loads(runner.invoke(app, [*args, "--json"], env=env).stdout) == json.loads(runner.invoke(app, [*args, "-f", "json"], env=env).stdout)


@pytest.mark.parametrize("args,fragment", [
    (["export", "--json"], "needs -o FILE"),
    (["ontology", "docs", "-o", "-", "--json"], "with -o - the Markdown itself"),
    (["query", "graph_overview", "-f", "csv", "--json"], "contradicts --format csv"),
])
def test_json_where_the_output_is_already_data_is_bad_usage(args: list[str], fragment: str) -> None:
    result = runner.invoke(app, args, env={"NEO4J_URI": "", "KG_DATA_DIR": "/nonexistent"})
    assert result.exit_code == ExitCode.USAGE and result.stdout == ""
    assert fragment in _flat(result.stderr)


# -- not found and unreachable -----------------------------------------------------------


def test_unknown_ids_exit_not_found(settings: Settings, corpus, tmp_path: Path) -> None:
    env = cli_env(settings)
    result = runner.invoke(app, ["unload", "no-such-source-anywhere", "--json"], env=env)
    assert result.exit_code == ExitCode.NOT_FOUND and result.stdout == ""
    assert "no source 'source:no-such-source-anywhere'" in _flat(result.stderr)
    result = runner.invoke(app, ["viz", "state:XX-NOWHERE", "--out", str(tmp_path / "x.html")], env=env)
    assert result.exit_code == ExitCode.NOT_FOUND, result.output
    assert "state:XX-NOWHERE" in _flat(result.stderr) and not (tmp_path / "x.html").exists()


GRAPH_COMMANDS = [
    ["query", "graph_overview"], ["load", str(ANNOTATIONS)], ["unload", "2025-11-19-nasams-taiwan"],
    ["export"], ["schema", "apply"], ["viz", "state:TW", "--out", "unused.html"],
]


def _assert_one_line_unreachable(result: Result, *fragments: str) -> None:
    assert result.exit_code == ExitCode.UNREACHABLE, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # a clean exit, not a traceback
    assert result.stdout == ""
    message = _plain(result.stderr).strip()
    assert "\n" not in message and message.startswith("error: cannot reach the graph"), message
    for fragment in fragments:
        assert fragment in message, (fragment, message)


@pytest.mark.parametrize("args", GRAPH_COMMANDS, ids=lambda a: a[0])
def test_a_stopped_embedded_engine_is_one_line_and_exit_4(args: list[str], tmp_path: Path) -> None:
    kg_settings = engine_settings(tmp_path / "stopped")
    env = {**settings_env(kg_settings), "KG_TRANSACTION_TIMEOUT": "5"}
    args = [str(tmp_path / a) if a.endswith(".html") else a for a in args]
    result = runner.invoke(app, args, env=env)
    _assert_one_line_unreachable(result, f"bolt://127.0.0.1:{kg_settings.bolt_port}", "kg engine start", "kg doctor")


@pytest.mark.parametrize("args", GRAPH_COMMANDS, ids=lambda a: a[0])
def test_a_stopped_local_neo4j_is_one_line_and_exit_4(args: list[str], tmp_path: Path) -> None:
    kg_settings = neo4j_engine.scratch_settings(tmp_path / "stopped")
    env = {**neo4j_engine.environment(kg_settings), "KG_TRANSACTION_TIMEOUT": "5"}
    args = [str(tmp_path / a) if a.endswith(".html") else a for a in args]
    result = runner.invoke(app, args, env=env)
    _assert_one_line_unreachable(result, f"the local Neo4j at bolt://127.0.0.1:{kg_settings.neo4j_bolt_port}",
                                 "kg engine start --engine neo4j", "kg doctor")


def test_nothing_at_neo4j_uri_is_one_line_and_exit_4() -> None:
    uri = f"bolt://127.0.0.1:{free_port()}"
    result = runner.invoke(app, ["query", "graph_overview"], env={"NEO4J_URI": uri, "NEO4J_PASSWORD": "x", "KG_TRANSACTION_TIMEOUT": "5"})
    _assert_one_line_unreachable(result, f"Neo4j at {uri}", "kg doctor")


def test_refused_credentials_are_one_line_and_exit_4(spare_settings: Settings) -> None:
    from kg.graph import connection_for

    connection = connection_for(spare_settings)
    env = {"NEO4J_URI": connection.uri, "NEO4J_USERNAME": connection.user, "NEO4J_PASSWORD": "certainly-not-the-password",
           "NEO4J_DATABASE": connection.database, "KG_TRANSACTION_TIMEOUT": "5"}
    result = runner.invoke(app, ["schema", "apply"], env=env)
    _assert_one_line_unreachable(result, connection.uri, f"refused user {connection.user!r}")


# -- progress ----------------------------------------------------------------------------


def test_progress_goes_to_a_terminal_stderr_and_stays_out_of_json(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    files = []
    for i in range(kg.cli.common.PROGRESS_MIN_FILES):  # tiny valid files: this is about the bar, not validation
        path = tmp_path / f"tiny-{i}.yaml"
        path.write_text(f"article: {{id: tiny-{i}, date: 2025-11-19, title: Tiny}}\nentities: []\n", encoding="utf-8")
        files.append(str(path))
    terminal = io.StringIO()
    monkeypatch.setattr(kg.cli.common, "err", Console(file=terminal, force_terminal=True, width=100))  # the bars' console
    human = runner.invoke(app, ["validate", *files])
    assert human.exit_code == 0 and "validating" not in human.stdout
    assert ".yaml" in _plain(terminal.getvalue())  # the bar named the file it was on

    terminal.truncate(0)
    terminal.seek(0)
    scripted = runner.invoke(app, ["validate", "--json", *files])
    assert scripted.exit_code == 0 and json.loads(scripted.stdout)
    assert terminal.getvalue() == ""
