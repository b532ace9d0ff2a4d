"""The `kg` command line: thin wrappers over library functions.

Conventions every command keeps, so people and scripts can rely on them:

* **Exit codes** come from :class:`kg.exit_codes.ExitCode` (never a bare
  number); ``kg --help`` ends with the list, generated from the enum.
* **``--json``** on every command that reports something prints one JSON
  document on stdout and nothing else there; errors, warnings and progress go
  to stderr, so ``kg load --json ... | jq`` always parses.
* **Progress** (bars and spinners on long work) goes to stderr, is transient,
  shows only when stderr is a terminal, and is off with ``--json``.
* **``--help``** of every command and group ends with examples; a test parses
  each example against the command it documents.
* **Cannot reach the graph**: every command that talks to the graph opens it
  through :func:`_open_graph`, which checks the connection first and turns the
  driver's connection and credential errors into one line naming the URI and
  the exit code ``UNREACHABLE``, instead of a traceback.
"""

from __future__ import annotations

import json
import os
import sys
from enum import Enum
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from neo4j.exceptions import AuthError, ClientError, ServiceUnavailable, SessionExpired
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from kg import doctor as doctor_checks
from kg import engine as engine_lifecycle
from kg import neo4j_engine
from kg.exit_codes import ExitCode, help_lines
from kg.graph import Connection, Graph, GraphUnavailable, connection_for, embedded_connection, local_neo4j_connection
from kg.ports import CannotListen, PortTaken, require_listenable
from kg.settings import PROJECT_ROOT, Settings, SettingsError
from kg.settings import load_settings as _load_settings

if TYPE_CHECKING:
    from kg.store import SourceReport
    from loaders.pipeline import LoadSummary


def _examples(*lines: str) -> str:
    """The ``Examples`` block that ends a command's ``--help``.

    In Typer's rich markup mode the epilog keeps its line breaks, so each
    example shows on its own line; brackets are escaped so an example is never
    read as Rich markup.
    """
    # The leading newline keeps the indentation: Typer runs the epilog through
    # inspect.cleandoc, which strips the margin shared by all lines but the first.
    return "\n".join(["", "Examples:", *(f"  {escape(line)}" for line in lines)])


ROOT_EPILOG = "\n\n".join([
    _examples("kg up", "kg doctor", "kg query arms_sales --param buyer=Taiwan --format csv",
              "kg load data/annotations --json", "kg viz state:TW --out taiwan.html"),
    "\n".join(["Exit codes:", *(f"  {escape(line)}" for line in help_lines())]),
])

app = typer.Typer(
    help="Knowledge graph of actors and events in the arms trade and defence industry.",
    epilog=ROOT_EPILOG,
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)
ontology_app = typer.Typer(
    help="The ontology: reference docs.", no_args_is_help=True, rich_markup_mode="rich",
    epilog=_examples("kg ontology docs", "kg ontology docs -o - | less"),
)
schema_app = typer.Typer(
    help="Graph constraints and indexes derived from the ontology.", no_args_is_help=True, rich_markup_mode="rich",
    epilog=_examples("kg schema show", "kg schema apply --json"),
)
engine_app = typer.Typer(
    help="Run a local graph engine on 127.0.0.1: the embedded one (ArcadeDB with Bolt, the default) or a real Neo4j "
         "(--engine neo4j, fetched from Maven Central on first use; needs Java 17+ and Maven).",
    no_args_is_help=True, rich_markup_mode="rich",
    epilog=_examples("kg engine start", "kg engine status --json", "kg engine stop",
                     "kg engine start --engine neo4j --json"),
)
browser_app = typer.Typer(
    help="Neo4j Browser kit: GraSS style and guide.", no_args_is_help=True, rich_markup_mode="rich",
    epilog=_examples("kg browser kit", "kg browser kit --out /tmp/kit --json"),
)
app.add_typer(engine_app, name="engine")
app.add_typer(ontology_app, name="ontology")
app.add_typer(schema_app, name="schema")
candidates_app = typer.Typer(
    help="Extracted facts below --min-confidence, waiting for review.", no_args_is_help=True, rich_markup_mode="rich",
    epilog=_examples("kg candidates list", "kg candidates accept reuters-2025-poland-k2 contractaward-3",
                     "kg candidates accept reuters-2025-poland-k2 --all"),
)
bench_app = typer.Typer(
    help="Benchmarks that print figures.", invoke_without_command=True, rich_markup_mode="rich",
    epilog=_examples("kg bench", "kg bench --facts 10000,100000 --out bench.json",
                     "kg bench --facts 2000 --requests 20 --json", "kg bench api --requests 100",
                     "kg bench extract data/dev/articles"),
)
app.add_typer(browser_app, name="browser")
app.add_typer(candidates_app, name="candidates")
app.add_typer(bench_app, name="bench")

out = Console()
err = Console(stderr=True)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON for scripts (stdout holds only the JSON).")]
class Engine(str, Enum):
    arcadedb = "arcadedb"
    neo4j = "neo4j"


EngineOption = Annotated[Engine | None, typer.Option(
    "--engine", case_sensitive=False,
    help="Local engine: arcadedb (embedded) or neo4j (a real Neo4j 5 run from tools/neo4j); default KG_ENGINE, arcadedb.")]

#: Fewer files than this validate without a progress bar: it would only flicker.
PROGRESS_MIN_FILES = 3


def _fail(message: str, code: ExitCode = ExitCode.PROBLEM) -> typer.Exit:
    """Print one error line on stderr and return the Exit to raise.

    The message is escaped (driver and library messages contain brackets Rich
    would read as markup) and soft-wrapped, so it stays one line when piped.
    """
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def _print_json(data: Any) -> None:
    """The one JSON document of a ``--json`` run, on stdout.

    Written by the json module, not Rich: Rich highlights every token of the
    document as it renders it, which held about 100 KB per loaded source at
    once (370 MB more at the end of a 4,000-source ``kg load --json``)."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _working(message: str, *, quiet: bool) -> AbstractContextManager[object]:
    """A transient spinner on stderr while something slow runs without steps to count."""
    return nullcontext() if quiet or not err.is_terminal else err.status(message)


def _progress(*, quiet: bool) -> Progress:
    """A transient progress bar on stderr (Rich draws nothing when stderr is not a terminal)."""
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=err, transient=True, disable=quiet)


def load_settings(engine: "Engine | None" = None) -> Settings:
    """Settings for this command; an unusable value ends it with exit code USAGE.

    ``engine`` (a command's ``--engine``) overrides ``KG_ENGINE``."""
    try:
        settings = _load_settings()
    except SettingsError as exc:
        raise _fail(str(exc), ExitCode.USAGE) from None
    if engine is not None:
        settings = Settings(neo4j=settings.neo4j, kg=settings.kg.model_copy(update={"engine": engine.value}))
    return settings


def _where(connection: Connection) -> str:
    if connection.embedded:
        return f"the embedded engine at {connection.uri}"
    return f"the local Neo4j at {connection.uri}" if connection.local_neo4j else f"Neo4j at {connection.uri}"


def _next_step(connection: Connection) -> str:
    # "Does not answer" is also a running engine that is paused or stuck, which starting cannot fix.
    if connection.embedded:
        return "if it is stopped, start it with `kg engine start`; run `kg doctor` to see why"
    if connection.local_neo4j:
        return "if it is stopped, start it with `kg engine start --engine neo4j`; run `kg doctor` to see why"
    return "run `kg doctor` to see why (is the server up, is NEO4J_URI right?)"


@contextmanager
def _open_graph(settings: Settings) -> Iterator[Graph]:
    """The graph for one command, checked before use; an unreachable graph ends the command.

    The connection is verified first because managed transactions retry an
    unreachable server for ``KG_TRANSACTION_TIMEOUT`` seconds (60 by default),
    logging each retry, which looks like a hang; the check fails at once.
    Connection and credential errors anywhere in the command's work become one
    error line naming the URI, with exit code UNREACHABLE. Other driver errors
    (a Cypher error is a bug) still raise.
    """
    connection = connection_for(settings)
    try:
        with Graph.open(settings) as graph:
            try:
                graph.verify()
            except ClientError as exc:
                if isinstance(exc, AuthError) or "database" not in f"{exc.code} {exc.message}".lower():
                    raise
                raise _fail(f"cannot use database {connection.database!r} on {_where(connection)}: {exc.message}; "
                            "run `kg doctor` to see why", ExitCode.UNREACHABLE) from None
            yield graph
    except (ServiceUnavailable, SessionExpired, GraphUnavailable):
        raise _fail(f"cannot reach the graph: {_where(connection)} does not answer; {_next_step(connection)}",
                    ExitCode.UNREACHABLE) from None
    except AuthError:
        raise _fail(f"cannot reach the graph: {_where(connection)} refused user {connection.user!r} "
                    "(wrong password?); run `kg doctor` to see why", ExitCode.UNREACHABLE) from None


def _local_status(settings: Settings) -> engine_lifecycle.EngineStatus:
    if settings.kg.engine == "neo4j":
        return neo4j_engine.status(settings.kg)
    return engine_lifecycle.status(settings.kg)


def _start_engine(settings: Settings, *, quiet: bool = False) -> engine_lifecycle.EngineStatus:
    """Start the local engine ``KG_ENGINE`` (or ``--engine``) names."""
    try:
        if settings.kg.engine == "neo4j":
            if not quiet and not neo4j_engine.runtime_ready():
                err.print("Fetching Neo4j from Maven Central into tools/neo4j/lib/ (once) ...", highlight=False)
            with _working("starting the local Neo4j", quiet=quiet or not neo4j_engine.runtime_ready()):
                return neo4j_engine.start(settings.kg, api_base=f"http://127.0.0.1:{settings.kg.api_port}",
                                          progress=None if quiet else sys.stderr)
        with _working("starting the embedded engine", quiet=quiet):
            return engine_lifecycle.start(settings.kg)
    except neo4j_engine.ToolMissing as exc:
        raise _fail(str(exc), ExitCode.MISSING_TOOL) from None
    except PortTaken as exc:
        raise _fail(str(exc), ExitCode.PORT_TAKEN) from None
    except engine_lifecycle.EngineError as exc:
        raise _fail(str(exc)) from None


def _engine_line(st: engine_lifecycle.EngineStatus, verb: str) -> str:
    if st.engine == "neo4j":
        return (f"Neo4j {verb}: Bolt {st.bolt_uri}, Browser {st.studio_url} (user {st.user}, password in "
                f"{st.password_file}), data {st.data_dir}")
    return f"Engine {verb}: Bolt {st.bolt_uri}, Studio {st.studio_url}, data {st.data_dir}"


# -- engine ----------------------------------------------------------------------------


@engine_app.command("start", epilog=_examples("kg engine start", "kg engine start --json",
                                              "kg engine start --engine neo4j"))
def engine_start(engine: EngineOption = None, as_json: JsonFlag = False) -> None:
    """Start the local engine in the background and wait until Bolt answers.

    With --engine neo4j the first start fetches Neo4j Community and Neo4j Browser from Maven Central (Java 17+ and Maven needed; exit 6 without them). The other commands use that Neo4j when KG_ENGINE=neo4j is set."""
    settings = load_settings(engine)
    st = _start_engine(settings, quiet=as_json)
    if as_json:
        _print_json({**st.as_dict(), "already_running": st.already_running})
        return
    out.print(_engine_line(st, "already running" if st.already_running else "started"), highlight=False)
    if st.engine == "neo4j" and settings.kg.engine != load_settings().kg.engine:
        out.print("Other kg commands use it with KG_ENGINE=neo4j in the environment (or in .env).", highlight=False)


@engine_app.command("stop", epilog=_examples("kg engine stop", "kg engine stop --json", "kg engine stop --engine neo4j"))
def engine_stop(engine: EngineOption = None, as_json: JsonFlag = False) -> None:
    """Stop the local engine cleanly (harmless when it is not running)."""
    settings = load_settings(engine)
    local_neo4j = settings.kg.engine == "neo4j"
    with _working("stopping the local Neo4j" if local_neo4j else "stopping the embedded engine", quiet=as_json):
        stopped = (neo4j_engine if local_neo4j else engine_lifecycle).stop(settings.kg)
    if as_json:
        _print_json({"engine": settings.kg.engine, "stopped": stopped})
    else:
        name = "Neo4j" if local_neo4j else "Engine"
        out.print(f"{name} stopped." if stopped else f"{name} was not running.")


@engine_app.command("status", epilog=_examples("kg engine status", "kg engine status --json",
                                               "kg engine status --engine neo4j"))
def engine_status(engine: EngineOption = None, as_json: JsonFlag = False) -> None:
    """Whether the local engine runs, where, and what it holds. Exit code 3 when it is not running."""
    settings = load_settings(engine)
    st = _local_status(settings)
    report: dict[str, object] = st.as_dict()
    if st.running:
        try:
            connection = local_neo4j_connection(settings.kg) if st.engine == "neo4j" else embedded_connection(settings.kg)
            with Graph(connection) as graph:
                counts = graph.counts()
            report.update(nodes=counts.nodes, relationships=counts.relationships)
        except Exception as exc:  # the process runs but does not answer: say so, do not crash
            report.update(nodes=None, relationships=None, error=f"engine does not answer: {exc}")
    if settings.neo4j.uri:
        report["note"] = f"NEO4J_URI is set: the project uses {settings.neo4j.uri}, not this engine"
    if as_json:
        _print_json(report)
    else:
        _print_status(report)
    if not st.running:
        raise typer.Exit(ExitCode.NOT_RUNNING)


def _print_status(report: dict[str, object]) -> None:
    table = Table(show_header=False, box=None)
    table.add_column(style="bold")
    table.add_column()
    labels = {
        "engine": "engine", "running": "running", "pid": "pid", "bolt_uri": "Bolt URI", "browser_url": "Browser URL",
        "studio_url": "Studio URL", "user": "user", "password_file": "password file",
        "database": "database", "data_dir": "data dir", "started_at": "started at",
        "nodes": "nodes", "relationships": "relationships", "error": "error", "note": "note",
    }
    for key, label in labels.items():
        if key == "studio_url" and "browser_url" in report:
            continue
        if key in report and report[key] is not None:
            value = report[key]
            table.add_row(label, ("yes" if value else "no") if isinstance(value, bool) else str(value))
    out.print(table)


# -- checks ----------------------------------------------------------------------------


@app.command(epilog=_examples("kg doctor", "kg doctor --json"))
def doctor(as_json: JsonFlag = False) -> None:
    """Check the engine or the configured Neo4j, the connection and credentials.

    Exit 1 when a check fails: doctor's job is to report the fault, which it did.
    """
    checks = doctor_checks.run_checks(load_settings())
    if as_json:
        _print_json([c.as_dict() for c in checks])
    else:
        for check in checks:
            mark = "[green]ok[/]  " if check.ok else "[red]FAIL[/]"
            out.print(f"{mark} {escape(check.name)}: {escape(check.detail)}", highlight=False)
            if check.fix:
                out.print(f"       fix: {escape(check.fix)}", highlight=False)
    if not all(c.ok for c in checks):
        raise typer.Exit(ExitCode.PROBLEM)


@app.command(epilog=_examples("kg validate data/annotations/2025-11-19-nasams-taiwan.yaml",
                              "kg validate data/annotations/*.yaml --json"))
def validate(
    files: Annotated[list[Path], typer.Argument(help="Annotation files (.yaml/.yml) or RDF files (.ttl, .nt, .jsonld, .rdf).")],
    as_json: JsonFlag = False,
) -> None:
    """Validate annotation or RDF files against the ontology's shapes. Exit 1 on violations."""
    from kg.ontology import load_ontology
    from loaders.validation import validate_file

    onto = load_ontology()
    report: dict[str, list[Any]] = {}
    with _progress(quiet=as_json or len(files) < PROGRESS_MIN_FILES) as progress:
        task = progress.add_task("validating", total=len(files))
        for path in files:
            progress.update(task, description=path.name)
            report[str(path)] = validate_file(path, onto)
            progress.advance(task)
    if as_json:
        _print_json({f: [v.as_dict() for v in vs] for f, vs in report.items()})
    else:
        for name, found in report.items():
            violations = [v for v in found if v.severity == "violation"]
            # soft_wrap: a long path stays whole (and copyable) when the report goes to a pipe or a file
            if not violations:
                out.print(f"[green]ok[/]   {escape(name)}", highlight=False, soft_wrap=True)
            else:
                out.print(f"[red]FAIL[/] {escape(name)}: {len(violations)} problem{'s' if len(violations) > 1 else ''}",
                          highlight=False, soft_wrap=True)
            for v in found:  # warnings (an official with no post) are shown but do not fail the file
                field = f" · {v.field}" if v.field else ""
                tag = "" if v.severity == "violation" else f"{v.severity}: "
                out.print(escape(f"       {tag}{v.where}{field}: {v.message}"), highlight=False, soft_wrap=True)
    if any(v.severity == "violation" for found in report.values() for v in found):
        raise typer.Exit(ExitCode.PROBLEM)


# -- ontology and schema ---------------------------------------------------------------


@ontology_app.command("docs", epilog=_examples("kg ontology docs", "kg ontology docs -o /tmp/ontology.md --json",
                                                "kg ontology docs -o -"))
def ontology_docs(
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Where to write (default docs/ontology.md); '-' for stdout.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the path written as JSON (not with -o -).")] = False,
) -> None:
    """Write the ontology reference (classes, roles, properties, shapes, graph names) as Markdown."""
    from kg.ontology import load_ontology
    from kg.ontology_docs import DOCS_FILE, render

    to_stdout = output is not None and str(output) == "-"
    if to_stdout and as_json:
        raise _fail("--json reports the file written; with -o - the Markdown itself is the output", ExitCode.USAGE)
    text = render(load_ontology())
    if to_stdout:
        typer.echo(text, nl=False)
        return
    target = output or DOCS_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    if as_json:
        _print_json({"out": str(target)})
    else:
        out.print(f"wrote {escape(str(target))}", highlight=False)


@schema_app.command("show", epilog=_examples("kg schema show", "kg schema show --json"))
def schema_show(as_json: JsonFlag = False) -> None:
    """Print the constraint and index statements the ontology implies."""
    from kg.ontology import load_ontology
    from kg.schema import schema_statements

    statements = schema_statements(load_ontology())
    if as_json:
        _print_json({"statements": [str(s) for s in statements]})
        return
    for statement in statements:
        typer.echo(f"{statement};")


@schema_app.command("apply", epilog=_examples("kg schema apply", "kg schema apply --json"))
def schema_apply(as_json: JsonFlag = False) -> None:
    """Create the constraints and indexes in the graph (idempotent)."""
    from kg.ontology import load_ontology
    from kg.schema import apply_schema

    settings = load_settings()
    with _open_graph(settings) as graph, _working("applying the schema", quiet=as_json):
        names = apply_schema(graph, load_ontology())
    if as_json:
        _print_json({"applied": names})
    else:
        out.print(f"schema applied: {len(names)} constraints and indexes", highlight=False)


# -- loading and export ----------------------------------------------------------------

SAMPLE_CORPUS = [PROJECT_ROOT / "data" / "reference" / "company-lineage.yaml", PROJECT_ROOT / "data" / "annotations"]


def _report_json(report: "SourceReport") -> dict[str, object]:
    return {"id": report.source_id, "action": report.action, "warnings": report.warnings,
            "tallies": {k: vars(t) for k, t in report.tallies.items()}}


def _summary_json(summary: "LoadSummary") -> dict[str, object]:
    return {
        "totals": {k: vars(t) for k, t in summary.totals().items()},
        "sources": [_report_json(r) for r in summary.reports],
        "rejected": [{"file": str(r.path), "problems": [v.as_dict() for v in r.violations]} for r in summary.rejected],
        "refused_replacements": [{"id": c.source_id, "reason": c.reason, "stored": c.stored, "would_retract_events": c.events,
                                  "would_retract_entities": c.entities, "message": str(c)} for c in summary.conflicts],
        "timings": {"check_seconds": round(summary.check_seconds, 3), "write_seconds": round(summary.write_seconds, 3)},
    }


def _print_load_summary(summary: "LoadSummary") -> None:
    table = Table(title="Load summary", title_justify="left")
    table.add_column("")
    for column in ("created", "updated", "unchanged", "retracted"):
        table.add_column(column, justify="right")
    for kind, tally in summary.totals().items():
        table.add_row(kind, str(tally.created), str(tally.updated), str(tally.unchanged), str(tally.retracted))
    out.print(table)
    for report in summary.reports:
        out.print(f"  {escape(report.source_id)}: {report.action}", highlight=False)
        for warning in report.warnings:
            out.print(f"    [yellow]warning:[/] {escape(warning)}", highlight=False)
    for rejected in summary.rejected:
        err.print(f"[red]rejected[/] {escape(str(rejected.path))}:", highlight=False)
        for v in rejected.violations:
            field = f" · {v.field}" if v.field else ""
            err.print(escape(f"    {v.where}{field}: {v.message}"), highlight=False, soft_wrap=True)
    for conflict in summary.conflicts:
        err.print(f"[red]not loaded[/] {escape(str(conflict))}", highlight=False, soft_wrap=True)


def _load(settings: Settings, paths: list[Path], *, quiet: bool = False, replace: bool = False) -> "LoadSummary":
    from loaders.pipeline import Loader, expand

    files = expand(paths)
    with _open_graph(settings) as graph:
        loader = Loader(graph)
        with _progress(quiet=quiet) as progress:
            task = progress.add_task("loading", total=len(files))
            summary = loader.load(files, progress=lambda path: progress.update(task, advance=1, description=path.name),
                                  workers=settings.kg.load_workers, batch=settings.kg.load_batch, replace=replace)
    return summary


@app.command(epilog=_examples("kg load data/annotations", "kg load data/annotations/2025-11-19-nasams-taiwan.yaml --json",
                              "kg load export.ttl", "kg load new-article.txt --min-confidence 0.7"))
def load(
    paths: Annotated[list[Path], typer.Argument(help="Annotation files (.yaml), RDF files (.ttl, .jsonld, an export), folders of "
                                                     "them, or raw article text files (.txt, extracted first).")],
    min_confidence: Annotated[float | None, typer.Option("--min-confidence", min=0.0, max=1.0,
                                                         help="For .txt files: facts extracted with less confidence are kept as "
                                                              "candidates for review (kg candidates), not loaded "
                                                              "(default KG_MIN_CONFIDENCE, 0.6).")] = None,
    replace: Annotated[bool, typer.Option("--replace", help="Replace a stored source of the same id even when it is "
                                                            "a different source (another URL, text or file).")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Load sources into the graph: each file atomically; re-loading an unchanged file changes nothing.

    A changed file replaces what its source said before. Rejected files are listed
    with their reasons (exit 1); the valid files in the same call still load.
    A file whose source id is taken by a different stored source (another URL, text or
    file) is not loaded and the stored source stays (exit 8) unless --replace is given.
    A raw article (.txt named on the command line) is extracted first; what is at or above
    --min-confidence is loaded, the rest waits in KG_REVIEW_DIR for `kg candidates`.
    """
    settings = load_settings()
    texts = [p for p in paths if p.is_file() and p.suffix.lower() == ".txt"]
    others = [p for p in paths if p not in texts]
    extracted: list[dict[str, Any]] = []
    reviewed: dict[str, dict[Path, str | None]] = {}
    if texts:
        extracted = _extract_for_review(settings, texts, settings.kg.min_confidence if min_confidence is None else min_confidence,
                                        reviewed)
        others += [Path(e["accepted"]) for e in extracted]
    summary = _load(settings, others, quiet=as_json, replace=replace)
    for conflict in summary.conflicts:  # a refused article leaves the review folder as it was
        for path, text in reviewed.get(conflict.source_id.removeprefix("source:"), {}).items():
            path.write_text(text, encoding="utf-8") if text is not None else path.unlink(missing_ok=True)
    if as_json:
        _print_json({**_summary_json(summary), "extracted": extracted})
    else:
        _print_load_summary(summary)
        for e in extracted:
            out.print(f"  {escape(e['article'])}: extracted from {escape(e['file'])}; {e['candidates']} candidate(s) below "
                      f"{e['min_confidence']} wait for review (kg candidates list {escape(e['article'])})", highlight=False)
    if summary.conflicts:
        raise typer.Exit(ExitCode.REPLACE_REFUSED)
    if summary.rejected:
        raise typer.Exit(ExitCode.PROBLEM)


def _extract_for_review(settings: Settings, texts: list[Path], threshold: float,
                        previous: dict[str, dict[Path, str | None]]) -> list[dict[str, Any]]:
    """Extract each article with the graph's entities in the gazetteer; split at ``threshold`` into the review folder.

    ``previous`` receives each article's review files as they were (None: absent), to put back if its load is refused."""
    from loaders.extraction.gazetteer import build_gazetteer, graph_entities
    from loaders.extraction.review import ReviewStore

    with _open_graph(settings) as graph:
        gaz = build_gazetteer(graph_entities(graph))
    store = ReviewStore(settings.kg.review_path)
    done = []
    for path in texts:
        document = _extract_document(path, gaz=gaz)  # what `kg extract` writes; refused events become candidates
        annotation, rejected = document.annotation, document.dropped_events
        article = annotation["article"]["id"]
        previous[article] = {kept: (kept.read_text(encoding="utf-8") if kept.exists() else None)
                             for kept in (store.accepted_path(article), store.candidates_path(article))}
        accepted, pending = store.save(annotation, threshold, rejected)
        done.append({"file": str(path), "article": annotation["article"]["id"], "accepted": str(accepted),
                     "candidates": pending, "min_confidence": threshold, "warnings": document.warnings,
                     "dropped_events": len(document.dropped_events)})
    return done


def _extract_document(path: Path, *, date: str | None = None, gaz: Any = None) -> Any:
    """The annotation document of one article text (loaders.extraction.document, the one path of
    `kg extract`, `kg load ARTICLE.txt` and `kg eval --articles`); its warnings go to stderr.
    An unreadable article is bad usage (exit 2) and an extractor failure a problem (exit 1),
    each in one line naming the file."""
    from loaders.extraction.article import ArticleError
    from loaders.extraction.document import extract_document

    try:
        document = extract_document(path, date=date, gaz=gaz)
    except ArticleError as exc:
        raise _fail(str(exc), ExitCode.USAGE) from None
    except Exception as exc:  # an extractor bug: name the article, not a traceback
        raise _fail(f"the extractor failed on {path}: {type(exc).__name__}: {exc}") from None
    for warning in document.warnings:
        err.print(f"[yellow]warning:[/] {escape(warning)}", highlight=False, soft_wrap=True)
    return document


@app.command(epilog=_examples("kg unload 2025-11-19-nasams-taiwan", "kg unload source:2025-11-19-nasams-taiwan --json"))
def unload(
    source_id: Annotated[str, typer.Argument(help="The source's id, e.g. 2025-11-19-nasams-taiwan (or source:...).")],
    as_json: JsonFlag = False,
) -> None:
    """Retract a source: its events, posts and evidence go, and entities no other source backs.

    An id no source has ends with exit code 5 (not found).
    """
    from kg.store import UnknownSource, source_node_id
    from loaders.pipeline import Loader

    settings = load_settings()
    with _open_graph(settings) as graph:
        try:
            report = Loader(graph).unload(source_node_id(source_id))
        except UnknownSource as exc:
            raise _fail(str(exc), ExitCode.NOT_FOUND) from None
    if as_json:
        _print_json(_report_json(report))
        return
    tallies = ", ".join(f"{t.retracted} {k}" for k, t in report.tallies.items())
    out.print(f"retracted {escape(report.source_id)}: {tallies}", highlight=False)


@app.command(epilog=_examples("kg duplicates", "kg duplicates --json"))
def duplicates(as_json: JsonFlag = False) -> None:
    """List likely duplicate entities: pairs of the same type whose names suggest one entity.

    Rules: same name (a name or alias of both), token containment ("K9" in "K9 Thunder"),
    fuzzy ratio (nearly the same name). Two reference entities are never a pair.
    """
    from kg.ontology import load_ontology
    from loaders.duplicates import find_duplicates, graph_entities
    from loaders.resolution import ReferenceTable

    with _open_graph(load_settings()) as graph:
        pairs = find_duplicates(graph_entities(graph, load_ontology()), ReferenceTable.load().by_id)
    if as_json:
        _print_json({"count": len(pairs), "pairs": [p.as_dict() for p in pairs]})
        return
    if not pairs:
        out.print("no likely duplicates", highlight=False)
        return
    table = Table(title=f"{len(pairs)} likely duplicate pair(s)", title_justify="left")
    for column in ("type", "entity", "entity"):
        table.add_column(column, no_wrap=True)  # ids are what one copies: whole, on one line
    table.add_column("rule")
    table.add_column("reason")
    for p in pairs:
        table.add_row(p.first.type, escape(p.first.id), escape(p.second.id), p.rule, escape(p.reason()))
    out.print(table)


@app.command(epilog=_examples("kg extract article.txt", "kg extract article.txt --date 2025-11-19 --out article.yaml",
                              "kg extract article.txt --use-graph --json"))
def extract(
    article: Annotated[Path, typer.Argument(help="Article text: optional `key: value` header lines (url, title, date, outlet), "
                                                 "a blank line, then the body.")],
    date: Annotated[str | None, typer.Option("--date", help="Publication date YYYY-MM-DD (overrides the header's).")] = None,
    output: Annotated[Path | None, typer.Option("--out", "-o", help="Annotation file to write; stdout when omitted.")] = None,
    use_graph: Annotated[bool, typer.Option("--use-graph", help="Also recognise every entity the graph holds.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Extract actors and events from raw news text into an annotation file (docs/annotation-format.md).

    Every entity and event gets a confidence and the sentence it comes from. Offline and
    CPU-only: a gazetteer (reference set, lexicon, optionally the graph) and rules.
    The file holds what the ontology's shapes accept; events they refuse are listed in
    its notes (YAML comments at the top) and counted in the summary. Header keys other
    than url, title, date, outlet and id are kept as the source's metadata; a date that
    cannot be read is a warning and the date stays unknown.
    """
    from loaders.extraction.gazetteer import build_gazetteer, graph_entities

    gaz = None
    if use_graph:
        with _open_graph(load_settings()) as graph:
            gaz = build_gazetteer(graph_entities(graph))
    document = _extract_document(article, date=date, gaz=gaz)
    annotation = document.annotation
    base = (output.parent if output else Path.cwd()).resolve()
    annotation["article"]["text_file"] = os.path.relpath(article.resolve(), base)
    for event in document.dropped_events:
        err.print(escape(f"left out {event['type']} ({event['evidence'][:60]}...): {event['description']}"), highlight=False)
    if output is not None:
        output.write_text(document.yaml(), encoding="utf-8")
    summary = document.summary()
    if as_json:
        _print_json({**annotation, "notes": document.notes()} if output is None else
                    {"out": str(output), **{k: v for k, v in summary.items() if k != "article"}})
    elif output is None:
        typer.echo(document.yaml(), nl=False)
    else:
        left_out = f"; {summary['dropped_events']} event(s) left out, listed in the file's notes" if summary["dropped_events"] else ""
        err.print(f"wrote {escape(str(output))}: {summary['entities']} entities, {summary['events']} events{left_out}",
                  highlight=False)


@candidates_app.command("list", epilog=_examples("kg candidates list", "kg candidates list reuters-2025-poland-k2 --json"))
def candidates_list(
    article: Annotated[str | None, typer.Argument(help="Only this article's candidates.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """The extracted entities and events that were below --min-confidence, with their sentence."""
    from loaders.extraction.review import ReviewError, ReviewStore

    store = ReviewStore(load_settings().kg.review_path)
    try:
        items = store.candidates(article)
    except ReviewError as exc:
        raise _fail(str(exc), ExitCode.NOT_FOUND) from None
    if as_json:
        _print_json([c.as_dict() for c in items])
        return
    table = Table(title=f"Candidates in {store.directory}", title_justify="left")
    for column in ("article", "id", "kind", "type", "what", "confidence", "sentence", "problem"):
        table.add_column(column, overflow="fold")
    for c in items:
        table.add_row(c.article, c.id, c.kind, c.type, c.label, "" if c.confidence is None else f"{c.confidence:.2f}",
                      c.evidence or "", c.problem or "")
    out.print(table)
    out.print(f"{len(items)} candidate{'s' if len(items) != 1 else ''}", highlight=False)


@candidates_app.command("accept", epilog=_examples("kg candidates accept reuters-2025-poland-k2 contractaward-3 poland",
                                                   "kg candidates accept reuters-2025-poland-k2 --all --json"))
def candidates_accept(
    article: Annotated[str, typer.Argument(help="The article's id (kg candidates list shows it).")],
    ids: Annotated[list[str] | None, typer.Argument(help="Candidate ids to accept (entities or events).")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Accept every candidate of the article.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Accept candidates: they join the article's accepted facts, and the article is loaded again (atomically)."""
    from loaders.extraction.review import ReviewError, ReviewStore

    if not ids and not all_:
        raise _fail("name the candidates to accept, or give --all", ExitCode.USAGE)
    settings = load_settings()
    store = ReviewStore(settings.kg.review_path)
    before = store.snapshot(article)
    try:
        accepted = store.accept(article, None if all_ else list(ids or []))
    except ReviewError as exc:
        raise _fail(str(exc), ExitCode.NOT_FOUND) from None
    summary = _load(settings, [accepted], quiet=as_json)
    if summary.rejected:
        store.restore(before)  # nothing accepted that the graph refused: the review files are as they were
    if as_json:
        _print_json(_summary_json(summary))
    else:
        _print_load_summary(summary)
    if summary.rejected:
        raise typer.Exit(ExitCode.PROBLEM)


@app.command(epilog=_examples("kg synth --events 1000 --seed 1 --out /tmp/corpus", "kg synth --events 50000 --out corpus --json"))
def synth(
    events: Annotated[int, typer.Option("--events", min=1, help="How many events the corpus tells.")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write the annotation files into (created if missing).")],
    seed: Annotated[int, typer.Option("--seed", help="Same seed and events, same files.")] = 1,
    as_json: JsonFlag = False,
) -> None:
    """Write a synthetic corpus of annotation files shaped like real reporting, for scale tests and benchmarks.

    Thousands of actors with a power-law degree distribution, events of every type
    over decades, each told by one to four sources under varying aliases. Every file
    passes the shapes, so `kg load DIR` loads all of it.
    """
    from loaders.synthetic import synthesize

    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise _fail(f"--out {out_dir} must be a new or empty folder", ExitCode.USAGE)
    with _working(f"writing {events:,} events", quiet=as_json):
        made = synthesize(events, seed, out_dir)
    report = {"folder": str(out_dir), "events": made.events, "sources": made.sources, "actors": made.actors,
              "event_mentions": made.mentions, "seed": seed}
    if as_json:
        _print_json(report)
    else:
        out.print(f"wrote {made.sources:,} sources telling {made.events:,} events ({made.mentions:,} mentions) "
                  f"about {made.actors:,} actors to {escape(str(out_dir))}", highlight=False)


def _csv_ints(value: str) -> list[int]:
    try:
        numbers = [int(v.replace("_", "")) for v in value.split(",") if v.strip()]
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a comma-separated list of whole numbers") from None
    if not numbers or min(numbers) < 1:
        raise typer.BadParameter(f"{value!r}: give one or more positive numbers")
    return numbers


@bench_app.callback()
def bench(
    ctx: typer.Context,
    facts: Annotated[str, typer.Option("--facts", help="Corpus sizes in facts (nodes + relationships), comma-separated; "
                                                       "the largest graph also serves the API latencies.")] = "10000,100000,1000000",
    seed: Annotated[int, typer.Option("--seed", help="Seed of the synthetic corpora.")] = 1,
    requests: Annotated[int, typer.Option("--requests", min=1, help="Requests per client per endpoint.")] = 200,
    clients: Annotated[str, typer.Option("--clients", help="Concurrent API clients to try, comma-separated.")] = "1,8",
    heap: Annotated[str, typer.Option("--heap", help="JVM heap of the engines the benchmark starts.")] = "4g",
    rdflib_max: Annotated[int, typer.Option("--rdflib-max", min=0, help="Largest corpus (facts) also written with "
                                                                         "rdflib-neo4j, which is slow.")] = 200_000,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64, help="Checking processes of the load (KG_LOAD_WORKERS).")] = 2,
    batch: Annotated[int, typer.Option("--batch", min=1, max=10_000, help="New sources per transaction (KG_LOAD_BATCH).")] = 100,
    workdir: Annotated[Path | None, typer.Option("--workdir", help="Scratch folder for corpora and engines (default: a temporary one).")] = None,
    json_out: Annotated[Path | None, typer.Option("--out", help="Also write the figures as JSON to this file.")] = None,
    as_json: JsonFlag = False,
    engine: Annotated[Engine, typer.Option("--engine", case_sensitive=False,
                                           help="Engine of every fresh graph: arcadedb (embedded) or neo4j (a Neo4j "
                                                "server each; --heap sizes its heap, and its page cache is half that).")
                      ] = Engine.arcadedb,
) -> None:
    """Load, validation and API benchmarks on fresh engines (--engine): prints a table (see BENCHMARKS.md).

    For each size: a synthetic corpus loaded end to end (kg load), the same graph written
    by plain UNWIND CREATE (the raw ceiling) and, when installed, by rdflib-neo4j; the
    validation share of the load; peak memory. On the largest graph: API latency
    p50/p95/p99 per endpoint with 1 and 8 concurrent clients.
    """
    if ctx.invoked_subcommand is not None:
        return
    import shlex
    import tempfile

    from kg.bench import run

    sizes, client_counts = _csv_ints(facts), tuple(_csv_ints(clients))
    command = shlex.join(["kg", "bench", "--engine", engine.value, "--facts", facts, "--seed", str(seed),
                          "--requests", str(requests), "--clients", clients, "--heap", heap, "--rdflib-max", str(rdflib_max),
                          "--workers", str(workers), "--batch", str(batch)])
    scratch = workdir or Path(tempfile.mkdtemp(prefix="kg-bench-"))
    report = run(sizes, seed, scratch, heap, requests, client_counts, command, rdflib_max,
                 progress=None if as_json else lambda what: err.print(f"[dim]{escape(what)}[/]", highlight=False),
                 workers=workers, batch=batch, engine_name=engine.value)
    if workdir is None:
        import shutil

        shutil.rmtree(scratch, ignore_errors=True)
    _show_bench(report.as_dict(), json_out, as_json, _print_bench)


def _fmt(value: Any, digits: int = 0) -> str:
    if value is None:
        return "n/a"
    return f"{value:,.{digits}f}" if isinstance(value, float) else f"{value:,}"


def _show_bench(data: dict[str, Any], json_out: Path | None, as_json: bool, tables: Callable[[dict[str, Any]], None]) -> None:
    """Figures of `kg bench` and `kg bench api`: to --out, then as JSON or as the machine line and ``tables``."""
    if json_out:
        json_out.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    if as_json:
        _print_json(data)
        return
    m = data["machine"]
    out.print(f"{m['cpus']} CPUs, {m['memory_gb']} GiB, Python {m['python']}, {m['engine']}", highlight=False)
    tables(data)


def _print_bench(data: dict[str, Any]) -> None:
    load = Table(title="Load (facts = nodes + relationships)", title_justify="left")
    load.add_column("")
    for f in data["loads"]:
        load.add_column(f"{f['target_facts']:,}", justify="right")
    rows = [("facts", "facts", 0), ("sources", "sources", 0), ("checking processes", "workers", 0),
            ("sources per transaction", "batch", 0), ("seconds", "seconds", 1), ("of which checking (CPU, summed)", "check_seconds", 1),
            ("of which writing", "write_seconds", 1), ("facts/s", "facts_per_s", 0),
            ("relationships/s", "relationships_per_s", 0), ("raw ceiling facts/s", "raw_facts_per_s", 0),
            ("ours / raw", "ratio_to_raw", 3), ("rdflib-neo4j facts/s", "rdflib_neo4j_facts_per_s", 0),
            ("ours / rdflib-neo4j", "ratio_to_rdflib_neo4j", 3), ("SHACL share of loader work", "validation_share", 2),
            ("SHACL ms per source", "validation_ms_per_source", 1), ("SHACL facts/s", "validation_facts_per_s", 0),
            ("loader CPU s (all its processes)", "loader_cpu_seconds", 1), ("engine CPU s", "engine_cpu_seconds", 1),
            ("cores busy", "cores_busy", 2), ("checking share of that CPU", "check_share_of_cpu", 2),
            ("loader peak MB", "loader_peak_mb", 0), ("engine peak MB", "engine_peak_mb", 0)]
    for label, key, digits in rows:
        load.add_row(label, *(_fmt(f[key], digits) for f in data["loads"]))
    out.print(load)
    for f in data["loads"]:
        out.print(f"rdflib-neo4j at {f['target_facts']:,}: {escape(f['rdflib_neo4j_note'])}", highlight=False)
    _print_latencies(data)


def _print_latencies(data: dict[str, Any]) -> None:
    graph = data["api_graph"]
    api = Table(title=f"API latency, ms ({_fmt(graph.get('events'))} events, {_fmt(graph.get('actors'))} actors; "
                      f"API with {data.get('api_workers', 1)} workers, peak {_fmt(data['api_peak_mb'])} MB in all)", title_justify="left")
    for column in ("endpoint", "clients", "requests", "errors", "p50", "p95", "p99"):
        api.add_column(column, justify="right")
    for x in data["latencies"]:
        api.add_row(x["endpoint"], str(x["clients"]), str(x["requests"]), str(x["errors"]), _fmt(x["p50_ms"], 1),
                    _fmt(x["p95_ms"], 1), _fmt(x["p99_ms"], 1))
    out.print(api)


@bench_app.command("api", epilog=_examples("kg bench api", "kg bench api --requests 100 --clients 1,8 --out api.json"))
def bench_api(
    seed: Annotated[int, typer.Option("--seed", help="Seed of the request mix (which entities are asked for).")] = 1,
    requests: Annotated[int, typer.Option("--requests", min=1, help="Requests per client per endpoint.")] = 200,
    clients: Annotated[str, typer.Option("--clients", help="Concurrent API clients to try, comma-separated.")] = "1,8",
    json_out: Annotated[Path | None, typer.Option("--out", help="Also write the figures as JSON to this file.")] = None,
    as_json: JsonFlag = False,
    engine: EngineOption = None,
) -> None:
    """API latency p50/p95/p99 per endpoint on the graph the local engine holds now (start it and load first).

    The same requests and clients as the API part of ``kg bench``, without loading a corpus:
    for re-measuring the API after a change, on a graph loaded once (kg synth, kg load).
    """
    import shlex

    from kg.bench import run_api

    settings = load_settings(engine)
    if settings.neo4j.uri:
        raise _fail("kg bench api measures a local engine (the embedded one or the local Neo4j); unset NEO4J_URI",
                    ExitCode.USAGE)
    name = settings.kg.engine
    if not _local_status(settings).running:
        start = "kg engine start --engine neo4j" if name == "neo4j" else "kg engine start"
        raise _fail(f"no {name} engine runs for {settings.kg.data_dir}; start it with `{start}` and load a corpus",
                    ExitCode.UNREACHABLE)
    command = shlex.join(["kg", "bench", "api", "--engine", name, "--seed", str(seed), "--requests", str(requests),
                          "--clients", clients])
    _show_bench(run_api(settings, requests, tuple(_csv_ints(clients)), seed, command).as_dict(), json_out, as_json,
                _print_latencies)


@bench_app.command("extract", epilog=_examples("kg bench extract data/dev/articles", "kg bench extract data/articles --repeat 20"))
def bench_extract(
    folder: Annotated[Path, typer.Argument(help="A folder of article .txt files.")] = PROJECT_ROOT / "data" / "dev" / "articles",
    repeat: Annotated[int, typer.Option("--repeat", min=1, help="Extract every article this many times.")] = 5,
    as_json: JsonFlag = False,
) -> None:
    """Extraction speed: articles per second and characters per second on this machine (one process, one core)."""
    import platform
    import time

    from loaders.extraction.article import read_article
    from loaders.extraction.extract import extract_article
    from loaders.extraction.gazetteer import build_gazetteer

    files = sorted(folder.glob("*.txt")) if folder.is_dir() else []
    if not files:
        raise _fail(f"{folder} is not a folder of .txt articles", ExitCode.USAGE)
    started = time.perf_counter()
    gaz = build_gazetteer()
    setup = time.perf_counter() - started
    articles = [read_article(f) for f in files]
    extract_article(articles[0], gaz)  # warm-up: compiles the gazetteer's pattern
    started = time.perf_counter()
    for _ in range(repeat):
        for a in articles:
            extract_article(a, gaz)
    elapsed = time.perf_counter() - started
    n = len(articles) * repeat
    chars = sum(len(a.body) for a in articles) * repeat
    report = {"articles": n, "seconds": round(elapsed, 3), "articles_per_second": round(n / elapsed, 1),
              "chars_per_second": round(chars / elapsed), "gazetteer_build_seconds": round(setup, 3),
              "gazetteer_surfaces": len(gaz.surfaces), "machine": f"{platform.machine()} {os.cpu_count()} cpu, Python {platform.python_version()}"}
    if as_json:
        _print_json(report)
        return
    table = Table(title="Extraction benchmark", title_justify="left", show_header=False)
    for k, v in report.items():
        table.add_row(k.replace("_", " "), str(v))
    out.print(table)


def _export_neo4j_admin(output: Path | None, out_dir: Path | None, *, as_json: bool) -> None:
    """``kg export --format neo4j-admin --out DIR``: CSV files for Neo4j's offline bulk import (kg.admin_import)."""
    from kg.admin_import import AdminImportError, unusable_directory, write_admin_import
    from loaders.pipeline import Loader

    if output is not None:
        raise _fail("--format neo4j-admin writes a folder of files: give --out DIR, not -o FILE", ExitCode.USAGE)
    if out_dir is None:
        raise _fail("--format neo4j-admin needs --out DIR, a new or empty folder for the import files", ExitCode.USAGE)
    if problem := unusable_directory(out_dir):
        raise _fail(problem, ExitCode.USAGE)
    with _open_graph(load_settings()) as graph, _working("reading the graph", quiet=as_json):
        nodes, rels = Loader(graph).store.dump()
    try:
        written = write_admin_import(nodes, rels, out_dir)
    except AdminImportError as exc:
        raise _fail(f"cannot export for neo4j-admin: {exc}") from None
    if as_json:
        _print_json(written.as_dict())
        return
    err.print(f"wrote {len(written.files)} files to {escape(str(out_dir))}: {written.nodes} nodes, "
              f"{written.relationships} relationships; with Neo4j stopped, import them with "
              f"{escape(str(written.script))}, which runs:", highlight=False, soft_wrap=True)
    err.print(escape(written.command()), highlight=False, soft_wrap=True)


@app.command(epilog=_examples("kg export > graph.ttl", "kg export --format jsonld -o graph.jsonld",
                              "kg export -o graph.ttl --json", "kg export --format neo4j-admin --out neo4j-import --json"))
def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help="turtle, jsonld or neo4j-admin")] = "turtle",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write; stdout when omitted.")] = None,
    out_dir: Annotated[Path | None, typer.Option("--out", help="With --format neo4j-admin: the folder to write (new or empty).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="With -o or --out: print what was written as JSON (without -o the RDF is the output).")] = False,
) -> None:
    """Write the whole graph as RDF in ontology terms (loadable again with kg load), or as neo4j-admin CSV.

    Without -o the RDF itself goes to stdout; with -o FILE a line 'wrote FILE'
    goes to stderr, or with --json a JSON report to stdout. --format neo4j-admin
    --out DIR writes the header and data files of `neo4j-admin database import
    full` and an import.sh with that command (printed on stderr, or in the JSON).
    """
    from loaders.pipeline import EXPORT_FORMATS, Loader

    if fmt == "neo4j-admin":
        _export_neo4j_admin(output, out_dir, as_json=as_json)
        return
    if out_dir is not None:
        raise _fail("--out DIR is for --format neo4j-admin; RDF goes to stdout or to -o FILE", ExitCode.USAGE)
    if fmt not in EXPORT_FORMATS:
        raise _fail(f"--format must be one of {', '.join([*EXPORT_FORMATS, 'neo4j-admin'])}, not {fmt!r}", ExitCode.USAGE)
    if as_json and output is None:
        raise _fail("--json reports the file written, so it needs -o FILE; without -o the RDF itself is the output "
                    "(use --format jsonld for RDF as JSON)", ExitCode.USAGE)
    settings = load_settings()
    with _open_graph(settings) as graph, _working("reading the graph", quiet=as_json):
        text = Loader(graph).export(fmt)
    if output is None:
        typer.echo(text, nl=False)
        return
    data = text.encode("utf-8")
    output.write_bytes(data)
    if as_json:
        _print_json({"out": str(output), "format": fmt, "bytes": len(data)})
    else:
        err.print(f"wrote {escape(str(output))}", highlight=False)


# -- questions -------------------------------------------------------------------------


def _jsonable(value: object) -> object:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    iso = getattr(value, "iso_format", None)
    return iso() if callable(iso) else str(value)


@app.command(epilog=_examples("kg query --list", "kg query arms_sales --param buyer=Taiwan --param from=2025",
                              "kg query arms_sales -p buyer=state:TW --format csv", "kg query graph_overview --json"))
def query(
    name: Annotated[str | None, typer.Argument(help="The query's name (file name in queries/ without .cypher).")] = None,
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="key=value (repeat); values are typed by the query's header.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, json or csv")] = "table",
    list_: Annotated[bool, typer.Option("--list", help="List the named queries and their parameters.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Same as --format json (with --list: the queries as JSON).")] = False,
) -> None:
    """Run a named query from queries/ (or list them with --list)."""
    import csv

    from kg import tables
    from kg.queries import QueryError, get_query, load_queries

    if as_json:
        if fmt not in ("table", "json"):
            raise _fail(f"--json is --format json; it contradicts --format {fmt}", ExitCode.USAGE)
        fmt = "json"
    if list_ or name is None:
        queries = load_queries().values()
        if fmt == "json":
            _print_json([{"name": q.name, "title": q.title, "description": q.description,
                          "params": [{"name": p.name, "type": p.type, "default": _jsonable(p.default), "description": p.description}
                                     for p in q.params]} for q in queries])
            return
        for q in queries:
            out.print(f"[bold]{escape(q.name)}[/]  {escape(q.title)}: {escape(q.description)}", highlight=False, soft_wrap=True)
            for p in q.params:
                out.print(escape(f"    --param {p.name}=<{p.type}>  (default {json.dumps(p.default)}) {p.description}"),
                          highlight=False, soft_wrap=True)
        return
    if fmt not in ("table", "json", "csv"):
        raise _fail(f"--format must be table, json or csv, not {fmt!r}", ExitCode.USAGE)
    given: dict[str, object] = {}
    for item in param or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise _fail(f"--param takes key=value, not {item!r}", ExitCode.USAGE)
        given[key.strip()] = value
    try:
        named = get_query(name)
        named.bind(given)  # refuse bad parameters before connecting
    except QueryError as exc:
        raise _fail(str(exc), ExitCode.USAGE) from None
    settings = load_settings()
    with _open_graph(settings) as graph:
        rows = [_jsonable(r) for r in named.run(graph, given)]  # as the API runs it: with its `// bound:` applied
    if fmt == "json":
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    elif fmt == "csv":  # nested values flattened into the query's own columns (kg.tables)
        columns, flat_rows = tables.csv_rows(rows)
        writer = csv.DictWriter(sys.stdout, fieldnames=columns)
        writer.writeheader()
        writer.writerows(flat_rows)
    else:  # fits the terminal: a folded grid, or one block per row (kg.tables)
        width = tables.terminal_width(out.width)
        sys.stdout.write(tables.text(tables.render(rows, named.title, width), width, styled=out.is_terminal,
                                     color_system=out.color_system))
        sys.stdout.flush()


@app.command(epilog=_examples("kg viz state:TW --out taiwan.html", "kg viz contractor:rtx --depth 1 --out rtx.html --json"))
def viz(
    entity_id: Annotated[str, typer.Argument(help="The entity's id, e.g. state:TW, contractor:rtx or system:nasams, or an event's.")],
    out_file: Annotated[Path, typer.Option("--out", "-o", help="The HTML file to write (one self-contained page).")],
    depth: Annotated[int, typer.Option("--depth", min=1, max=3, help="Hops around the entity, 1 to 3.")] = 2,
    as_json: JsonFlag = False,
) -> None:
    """Draw an entity (or an event) and its surroundings as an interactive graph picture in one HTML file.

    An id no entity or event has ends with exit code 5 (not found).
    """
    from kg.viz import UnknownEntity, build_picture

    settings = load_settings()
    with _open_graph(settings) as graph, _working(f"drawing {entity_id}", quiet=as_json):
        try:
            picture = build_picture(graph, entity_id, depth=depth)
        except UnknownEntity as exc:
            raise _fail(str(exc), ExitCode.NOT_FOUND) from None
    out_file.parent.mkdir(parents=True, exist_ok=True)
    out_file.write_text(picture.html, encoding="utf-8")
    if as_json:
        _print_json({"out": str(out_file), "entity": entity_id, "depth": depth, "nodes": picture.nodes, "edges": picture.edges})
    else:
        out.print(f"wrote {escape(str(out_file))}: {picture.nodes} nodes, {picture.edges} edges", highlight=False)


@browser_app.command("kit", epilog=_examples("kg browser kit", "kg browser kit --out /tmp/kit --json"))
def browser_kit(
    out_dir: Annotated[Path | None, typer.Option("--out", "-o", help="Folder to write into (default: the project's kit folder).")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Write the Neo4j Browser kit: a GraSS style sheet for the graph's labels and a guide of its queries."""
    from kg.browser_kit import KIT_DIR, write_kit

    directory = out_dir or KIT_DIR
    with _working("writing the Browser kit", quiet=as_json):
        written = write_kit(directory)
    if as_json:
        _print_json({"dir": str(directory), "files": [str(p) for p in written]})
        return
    out.print(f"wrote {len(written)} file{'s' if len(written) != 1 else ''} to {escape(str(directory))}:", highlight=False)
    for path in written:
        out.print(f"  {escape(str(path))}", highlight=False)


# -- evaluation ------------------------------------------------------------------------


def _extract_articles(directory: Path, *, quiet: bool) -> list[Any]:
    """Extract every ``*.txt`` of a folder exactly as `kg extract --out` does (one code path, so the
    scores are those of the files it writes): one AnnotationFile per text."""
    from loaders.annotations import AnnotationError, AnnotationFile
    from loaders.evaluation import annotation_from_data

    articles = sorted(p for p in directory.glob("*.txt") if p.is_file())
    if not articles:
        raise _fail(f"--articles {directory} holds no article texts (*.txt)", ExitCode.USAGE)
    predicted = []
    with _progress(quiet=quiet) as progress:
        task = progress.add_task("extracting", total=len(articles))
        for path in articles:
            progress.update(task, description=path.name)
            data = _extract_document(path).annotation
            try:
                annotation = annotation_from_data(data, path)
            except AnnotationError as exc:
                raise _fail(f"the extractor's output for {exc}") from None
            predicted.append(AnnotationFile(path=path, source_id=annotation.article.id or path.stem,
                                            annotation=annotation, content_hash=""))
            progress.advance(task)
    return predicted


def _print_eval(report: Any, *, details: bool) -> None:
    table = Table(title="Extraction scores", title_justify="left")
    table.add_column("")
    for column in ("tp", "fp", "fn", "precision", "recall", "f1"):
        table.add_column(column, justify="right")

    def row(label: str, counts: Any, **style: Any) -> None:
        table.add_row(escape(label), str(counts.tp), str(counts.fp), str(counts.fn),
                      f"{counts.precision:.3f}", f"{counts.recall:.3f}", f"{counts.f1:.3f}", **style)

    row("entities", report.entities, style="bold")
    row("events", report.events, style="bold", end_section=True)
    per_type = report.per_type
    for kind in ("entities", "events"):
        for name, counts in per_type[kind].items():
            row(f"  {kind[:-1] if kind == 'events' else 'entity'} {name}", counts)
    out.print(table)
    for item in report.missing_prediction:
        err.print(f"[yellow]missing prediction:[/] {escape(item)} (its items count as missed)", highlight=False)
    for item in report.without_gold:
        err.print(f"[yellow]no gold for:[/] {escape(item)} (not scored)", highlight=False)
    if not details:
        return
    for score in report.files:
        lines = [(f"{kind[:-1] if kind == 'events' else 'entity'}", tag, item)
                 for kind in ("entities", "events")
                 for tag, items in (("missed", getattr(score, kind).false_negatives),
                                    ("extra ", getattr(score, kind).false_positives))
                 for item in items]
        out.print(f"[bold]{escape(score.id)}[/]: {len(lines)} missed or extra", highlight=False)
        for kind, tag, item in lines:
            label = item.name if kind == "event" else f"{item.type} {item.name!r}"
            out.print(escape(f"  {tag} {kind} {label}"), highlight=False, soft_wrap=True)


@app.command("eval", epilog=_examples("kg eval --gold data/annotations --pred out/predicted",
                                      "kg eval --gold data/annotations --articles data/articles --details",
                                      "kg eval --gold data/annotations --pred out/predicted --json"))
def eval_(
    gold: Annotated[Path, typer.Option("--gold", help="Folder of gold annotation files (*.yaml).")],
    pred: Annotated[Path | None, typer.Option("--pred", help="Folder of predicted annotation files (*.yaml).")] = None,
    articles: Annotated[Path | None, typer.Option("--articles", help="Folder of article texts (*.txt): extract, then score.")] = None,
    details: Annotated[bool, typer.Option("--details", help="Also list, per file, the missed (FN) and extra (FP) items.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Score extraction output against gold annotations: precision, recall and F1 for entities and events.

    Give exactly one of --pred (annotation files) or --articles (texts to run the
    extractor on). Files pair by article id (else file stem); the rules are in
    docs/annotation-format.md and loaders/evaluation.py. Low scores are not a
    failure (exit 0); a missing or empty folder is bad usage (exit 2), a file
    that does not parse exit 1.
    """
    from loaders.annotations import AnnotationError
    from loaders.evaluation import EvaluationError, annotation_files, read_dir, score_files

    if (pred is None) == (articles is None):
        raise _fail("give exactly one of --pred DIR (predicted annotations) or --articles DIR (texts to extract)",
                    ExitCode.USAGE)
    for option, directory in (("--gold", gold), ("--pred", pred), ("--articles", articles)):
        if directory is not None and not directory.is_dir():
            what = "is not a folder" if directory.exists() else "does not exist"
            raise _fail(f"{option} {directory} {what}", ExitCode.USAGE)
        if directory is not None and option != "--articles":
            try:
                annotation_files(directory)
            except EvaluationError as exc:
                raise _fail(f"{option} {exc}", ExitCode.USAGE) from None
    try:
        gold_files = read_dir(gold)
        if pred is not None:
            predicted = read_dir(pred)
        else:
            assert articles is not None
            predicted = _extract_articles(articles, quiet=as_json)
        report = score_files(gold_files, predicted)
    except EvaluationError as exc:
        raise _fail(str(exc), ExitCode.USAGE) from None
    except AnnotationError as exc:
        raise _fail(str(exc)) from None
    if as_json:
        _print_json(report.as_dict(details=details))
    else:
        _print_eval(report, details=details)


# -- serving ---------------------------------------------------------------------------


#: How to move the API's port, as ``kg serve`` (which has --port) and ``kg up`` (which has not) say it.
SERVE_PORT_REMEDY = "give --port or set KG_API_PORT to a free port"
UP_PORT_REMEDY = "set KG_API_PORT to a free port"


def _api_address(settings: Settings, host: str | None, port: int | None, *, remedy: str) -> tuple[str, int]:
    """Where the API will listen, checked before anything slow runs: a port another program holds
    ends the command with PORT_TAKEN in one line naming the port and ``remedy``; an address that
    cannot be listened on at all (unknown host, no permission) is bad usage."""
    host = host or settings.kg.api_host
    port = port or settings.kg.api_port
    try:
        require_listenable(host, port, what="the API's port", remedy=remedy)
    except PortTaken as exc:
        raise _fail(str(exc), ExitCode.PORT_TAKEN) from None
    except CannotListen as exc:
        raise _fail(f"{exc}; check KG_API_HOST and KG_API_PORT (kg serve: --host, --port)", ExitCode.USAGE) from None
    return host, port


def _serve(settings: Settings, host: str | None, port: int | None, *, announce: Console, workers: int | None = None,
           remedy: str = SERVE_PORT_REMEDY) -> None:
    """Serve the API; with more than one worker, uvicorn runs each in a process of its own.

    Requests are Python work between engine calls, so one process keeps one core busy and
    queues the rest; with 2 workers the engine and Python run at once (8 clients on 2 cores:
    neighbours p95 46–63 ms instead of 84–97, BENCHMARKS.md). Workers build the app from the
    environment (``create_app()``), as the settings here were read, and share one file that
    carries writes to each other's search.
    """
    import tempfile

    import uvicorn

    from kg.api.app import SHARED_WRITES_ENV, create_app

    host, port = _api_address(settings, host, port, remedy=remedy)
    workers = workers or settings.kg.api_workers
    announce.print(f"API on http://{host}:{port}/docs" + (f" ({workers} workers)" if workers > 1 else ""), highlight=False)
    try:
        if workers == 1:
            uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
            return
        with tempfile.TemporaryDirectory(prefix="kg-api-") as shared:
            os.environ[SHARED_WRITES_ENV] = str(Path(shared) / "writes")
            os.environ["KG_ENGINE"] = settings.kg.engine  # a command's --engine reaches the workers too
            uvicorn.run("kg.api.app:create_app", factory=True, host=host, port=port, workers=workers, log_level="info")
    except SystemExit as exc:
        # uvicorn exits 3 (its STARTUP_FAILURE) or 1 when it cannot start, which scripts would read as
        # NOT_RUNNING or PROBLEM; a port taken since the check above is reported as PORT_TAKEN instead.
        if exc.code in (0, None):
            raise
        _api_address(settings, host, port, remedy=remedy)
        raise _fail(f"the API did not start on http://{host}:{port} (its log above says why)") from None


@app.command(epilog=_examples("kg serve", "kg serve --host 0.0.0.0 --port 8080", "kg serve --workers 4"))
def serve(
    host: Annotated[str | None, typer.Option(help="Address to bind (default KG_API_HOST, 127.0.0.1)")] = None,
    port: Annotated[int | None, typer.Option(min=1, max=65535, help="Port (default KG_API_PORT, 8000)")] = None,
    workers: Annotated[int | None, typer.Option(min=1, max=64, help="Processes answering requests (default KG_API_WORKERS, 2)")] = None,
) -> None:
    """Serve the REST API (OpenAPI docs at /docs) on the graph the settings point at.

    A port another program holds ends with exit code 7, naming the port."""
    _serve(load_settings(), host, port, announce=out, workers=workers)


@app.command(epilog=_examples("kg up", "kg up --no-serve", "kg up --no-serve --json", "kg up --engine neo4j"))
def up(
    serve_api: Annotated[bool, typer.Option("--serve/--no-serve", help="Serve the API when the corpus is loaded.")] = True,
    engine: EngineOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the engine and the load summary as JSON (the API's address then goes to stderr).")] = False,
) -> None:
    """The main job: start the local engine (unless NEO4J_URI is set), load the sample corpus, serve the API.

    With --engine neo4j the local engine is a real Neo4j (see kg engine start), and the Neo4j Browser URL is printed: it opens with the project's style and guide.
    A port another program holds (the API's KG_API_PORT, or the engine's) ends with exit code 7, naming the port, before anything is loaded."""
    settings = load_settings(engine)
    local = not settings.neo4j.uri
    if serve_api:  # a taken API port fails now, not after the engine start and the load
        _api_address(settings, None, None, remedy=UP_PORT_REMEDY)
    if local:
        _start_engine(settings, quiet=as_json)
    summary = _load(settings, SAMPLE_CORPUS, quiet=as_json)
    engine_report = _local_status(settings) if local else None
    if as_json:
        api = f"http://{settings.kg.api_host}:{settings.kg.api_port}/docs" if serve_api and not summary.rejected else None
        _print_json({"engine": engine_report.as_dict() if engine_report else None,
                     "graph": connection_for(settings).uri, "load": _summary_json(summary), "api": api})
        sys.stdout.flush()  # a script reading the JSON must get it before the server blocks
    else:
        _print_load_summary(summary)
    if summary.rejected:
        raise typer.Exit(ExitCode.PROBLEM)
    if engine_report and not as_json:
        out.print(_engine_line(engine_report, "running"), highlight=False)
    if serve_api:
        _serve(settings, None, None, announce=err if as_json else out, remedy=UP_PORT_REMEDY)


if __name__ == "__main__":  # pragma: no cover
    app()
