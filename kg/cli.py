"""The `kg` command line: thin wrappers over library functions.

Exit codes: 0 success; 1 the command ran and found a problem (engine failed to
start, doctor found a fault, validation violations); 2 bad usage;
3 `kg engine status` when the engine is not running (like `pg_ctl status`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from kg import doctor as doctor_checks
from kg import engine as engine_lifecycle
from kg.graph import Graph, embedded_connection
from kg.settings import PROJECT_ROOT, Settings, SettingsError
from kg.settings import load_settings as _load_settings

if TYPE_CHECKING:
    from loaders.pipeline import LoadSummary

app = typer.Typer(
    help="Knowledge graph of actors and events in the arms trade and defence industry.",
    no_args_is_help=True,
    add_completion=False,
)
ontology_app = typer.Typer(help="The ontology: reference docs.", no_args_is_help=True)
schema_app = typer.Typer(help="Graph constraints and indexes derived from the ontology.", no_args_is_help=True)
engine_app = typer.Typer(help="Run the embedded graph engine (ArcadeDB with Bolt) on 127.0.0.1.", no_args_is_help=True)
app.add_typer(engine_app, name="engine")
app.add_typer(ontology_app, name="ontology")
app.add_typer(schema_app, name="schema")

out = Console()
err = Console(stderr=True)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code)


def load_settings() -> Settings:
    """Settings for this command; an unusable value ends it with exit code 2."""
    try:
        return _load_settings()
    except SettingsError as exc:
        raise _fail(str(exc), code=2) from None


def _start_engine(settings: Settings) -> engine_lifecycle.EngineStatus:
    try:
        return engine_lifecycle.start(settings.kg)
    except engine_lifecycle.EngineError as exc:
        raise _fail(str(exc)) from None


@engine_app.command("start")
def engine_start(as_json: JsonFlag = False) -> None:
    """Start the embedded engine in the background and wait until Bolt answers."""
    settings = load_settings()
    st = _start_engine(settings)
    if as_json:
        out.print_json(json.dumps({**st.as_dict(), "already_running": st.already_running}))
        return
    verb = "already running" if st.already_running else "started"
    out.print(f"Engine {verb}: Bolt {st.bolt_uri}, Studio {st.studio_url}, data {st.data_dir}", highlight=False)


@engine_app.command("stop")
def engine_stop(as_json: JsonFlag = False) -> None:
    """Stop the embedded engine cleanly (harmless when it is not running)."""
    settings = load_settings()
    stopped = engine_lifecycle.stop(settings.kg)
    if as_json:
        out.print_json(json.dumps({"stopped": stopped}))
    else:
        out.print("Engine stopped." if stopped else "Engine was not running.")


@engine_app.command("status")
def engine_status(as_json: JsonFlag = False) -> None:
    """Whether the engine runs, where, and what it holds. Exit code 3 when it is not running."""
    settings = load_settings()
    st = engine_lifecycle.status(settings.kg)
    report: dict[str, object] = st.as_dict()
    if st.running:
        try:
            with Graph(embedded_connection(settings.kg)) as graph:
                counts = graph.counts()
            report.update(nodes=counts.nodes, relationships=counts.relationships)
        except Exception as exc:  # the process runs but does not answer: say so, do not crash
            report.update(nodes=None, relationships=None, error=f"engine does not answer: {exc}")
    if not settings.embedded:
        report["note"] = f"NEO4J_URI is set: the project uses {settings.neo4j.uri}, not this engine"
    if as_json:
        out.print_json(json.dumps(report))
    else:
        _print_status(report)
    if not st.running:
        raise typer.Exit(3)


def _print_status(report: dict[str, object]) -> None:
    table = Table(show_header=False, box=None)
    table.add_column(style="bold")
    table.add_column()
    labels = {
        "running": "running", "pid": "pid", "bolt_uri": "Bolt URI", "studio_url": "Studio URL",
        "database": "database", "data_dir": "data dir", "started_at": "started at",
        "nodes": "nodes", "relationships": "relationships", "error": "error", "note": "note",
    }
    for key, label in labels.items():
        if key in report and report[key] is not None:
            value = report[key]
            table.add_row(label, ("yes" if value else "no") if isinstance(value, bool) else str(value))
    out.print(table)


@app.command()
def doctor(as_json: JsonFlag = False) -> None:
    """Check the engine or the configured Neo4j, the connection and credentials."""
    checks = doctor_checks.run_checks(load_settings())
    if as_json:
        out.print_json(json.dumps([c.as_dict() for c in checks]))
    else:
        for check in checks:
            mark = "[green]ok[/]  " if check.ok else "[red]FAIL[/]"
            out.print(f"{mark} {check.name}: {check.detail}", highlight=False)
            if check.fix:
                out.print(f"       fix: {check.fix}", highlight=False)
    if not all(c.ok for c in checks):
        raise typer.Exit(1)


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="Annotation files (.yaml/.yml) or RDF files (.ttl, .nt, .jsonld, .rdf).")],
    as_json: JsonFlag = False,
) -> None:
    """Validate annotation or RDF files against the ontology's shapes. Exit 1 on violations."""
    from kg.ontology import load_ontology
    from loaders.validation import validate_file

    onto = load_ontology()
    report = {str(path): validate_file(path, onto) for path in files}
    if as_json:
        out.print_json(json.dumps({f: [v.as_dict() for v in vs] for f, vs in report.items()}))
    else:
        for path, violations in report.items():
            if not violations:
                out.print(f"[green]ok[/]   {path}", highlight=False)
                continue
            out.print(f"[red]FAIL[/] {path}: {len(violations)} problem{'s' if len(violations) > 1 else ''}", highlight=False)
            for v in violations:
                field = f" · {v.field}" if v.field else ""
                out.print(f"       {v.where}{field}: {v.message}", highlight=False, soft_wrap=True)
    if any(report.values()):
        raise typer.Exit(1)


@ontology_app.command("docs")
def ontology_docs(
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Where to write (default docs/ontology.md); '-' for stdout.")] = None,
) -> None:
    """Write the ontology reference (classes, roles, properties, shapes, graph names) as Markdown."""
    from kg.ontology import load_ontology
    from kg.ontology_docs import DOCS_FILE, render

    text = render(load_ontology())
    if output is not None and str(output) == "-":
        typer.echo(text, nl=False)
        return
    target = output or DOCS_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    out.print(f"wrote {target}", highlight=False)


@schema_app.command("show")
def schema_show() -> None:
    """Print the constraint and index statements the ontology implies."""
    from kg.ontology import load_ontology
    from kg.schema import schema_statements

    for statement in schema_statements(load_ontology()):
        typer.echo(f"{statement};")


@schema_app.command("apply")
def schema_apply() -> None:
    """Create the constraints and indexes in the graph (idempotent)."""
    from kg.ontology import load_ontology
    from kg.schema import apply_schema

    settings = load_settings()
    with Graph.open(settings) as graph:
        names = apply_schema(graph, load_ontology())
    out.print(f"schema applied: {len(names)} constraints and indexes", highlight=False)


SAMPLE_CORPUS = [PROJECT_ROOT / "data" / "reference" / "company-lineage.yaml", PROJECT_ROOT / "data" / "annotations"]


def _print_load_summary(summary: "LoadSummary") -> None:
    table = Table(title="Load summary", title_justify="left")
    table.add_column("")
    for column in ("created", "updated", "unchanged", "retracted"):
        table.add_column(column, justify="right")
    for kind, tally in summary.totals().items():
        table.add_row(kind, str(tally.created), str(tally.updated), str(tally.unchanged), str(tally.retracted))
    out.print(table)
    for report in summary.reports:
        out.print(f"  {report.source_id}: {report.action}", highlight=False)
        for warning in report.warnings:
            out.print(f"    [yellow]warning:[/] {warning}", highlight=False)
    for rejected in summary.rejected:
        err.print(f"[red]rejected[/] {rejected.path}:", highlight=False)
        for v in rejected.violations:
            field = f" · {v.field}" if v.field else ""
            err.print(f"    {v.where}{field}: {v.message}", highlight=False, soft_wrap=True)


def _load(settings: Settings, paths: list[Path], *, quiet: bool = False) -> "LoadSummary":
    from rich.progress import Progress

    from loaders.pipeline import Loader, expand

    files = expand(paths)
    with Graph.open(settings) as graph:
        loader = Loader(graph)
        with Progress(console=err, transient=True, disable=quiet) as progress:
            task = progress.add_task("loading", total=len(files))
            summary = loader.load(files, progress=lambda path: progress.update(task, advance=1, description=path.name))
    return summary


@app.command()
def load(
    paths: Annotated[list[Path], typer.Argument(help="Annotation files (.yaml), RDF files (.ttl, .jsonld, an export) or folders of them.")],
    as_json: JsonFlag = False,
) -> None:
    """Load sources into the graph: each file atomically; re-loading an unchanged file changes nothing.

    A changed file replaces what its source said before. Rejected files are listed
    with their reasons (exit 1); the valid files in the same call still load.
    """
    settings = load_settings()
    summary = _load(settings, paths, quiet=as_json)
    if as_json:
        out.print_json(json.dumps({
            "totals": {k: vars(t) for k, t in summary.totals().items()},
            "sources": [{"id": r.source_id, "action": r.action, "warnings": r.warnings,
                         "tallies": {k: vars(t) for k, t in r.tallies.items()}} for r in summary.reports],
            "rejected": [{"file": str(r.path), "problems": [v.as_dict() for v in r.violations]} for r in summary.rejected],
        }))
    else:
        _print_load_summary(summary)
    if summary.rejected:
        raise typer.Exit(1)


@app.command()
def unload(source_id: Annotated[str, typer.Argument(help="The source's id, e.g. 2025-11-19-nasams-taiwan (or source:...).")]) -> None:
    """Retract a source: its events, posts and evidence go, and entities no other source backs."""
    from kg.store import UnknownSource, source_node_id
    from loaders.pipeline import Loader

    settings = load_settings()
    with Graph.open(settings) as graph:
        try:
            report = Loader(graph).unload(source_node_id(source_id))
        except UnknownSource as exc:
            raise _fail(str(exc)) from None
    tallies = ", ".join(f"{t.retracted} {k}" for k, t in report.tallies.items())
    out.print(f"retracted {report.source_id}: {tallies}", highlight=False)


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help="turtle or jsonld")] = "turtle",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write; stdout when omitted.")] = None,
) -> None:
    """Write the whole graph as RDF in ontology terms (loadable again with kg load)."""
    from loaders.pipeline import EXPORT_FORMATS, Loader

    if fmt not in EXPORT_FORMATS:
        raise _fail(f"--format must be one of {', '.join(EXPORT_FORMATS)}, not {fmt!r}", code=2)
    settings = load_settings()
    with Graph.open(settings) as graph:
        text = Loader(graph).export(fmt)
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        err.print(f"wrote {output}", highlight=False)


def _jsonable(value: object) -> object:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    iso = getattr(value, "iso_format", None)
    return iso() if callable(iso) else str(value)


@app.command()
def query(
    name: Annotated[str | None, typer.Argument(help="The query's name (file name in queries/ without .cypher).")] = None,
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="key=value (repeat); values are typed by the query's header.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, json or csv")] = "table",
    list_: Annotated[bool, typer.Option("--list", help="List the named queries and their parameters.")] = False,
) -> None:
    """Run a named query from queries/ (or list them with --list)."""
    import csv
    import sys

    from kg.queries import QueryError, get_query, load_queries

    if list_ or name is None:
        for q in load_queries().values():
            out.print(f"[bold]{q.name}[/]  {q.title}: {q.description}", highlight=False, soft_wrap=True)
            for p in q.params:
                out.print(f"    --param {p.name}=<{p.type}>  (default {json.dumps(p.default)}) {p.description}", highlight=False, soft_wrap=True)
        return
    if fmt not in ("table", "json", "csv"):
        raise _fail(f"--format must be table, json or csv, not {fmt!r}", code=2)
    given: dict[str, object] = {}
    for item in param or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise _fail(f"--param takes key=value, not {item!r}", code=2)
        given[key.strip()] = value
    try:
        named = get_query(name)
        bound = named.bind(given)
    except QueryError as exc:
        raise _fail(str(exc), code=2) from None
    settings = load_settings()
    with Graph.open(settings) as graph:
        rows = [_jsonable(r) for r in graph.read(named.text, **bound)]
    if fmt == "json":
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    elif fmt == "csv":
        columns = list(rows[0]) if rows else []
        writer = csv.DictWriter(sys.stdout, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v for k, v in row.items()})
    else:
        table = Table(title=named.title, title_justify="left")
        for column in (list(rows[0]) if rows else []):
            table.add_column(column)
        for row in rows:
            table.add_row(*(json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else ("" if v is None else str(v)) for v in row.values()))
        out.print(table)
        out.print(f"{len(rows)} row{'s' if len(rows) != 1 else ''}", highlight=False)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to bind (default KG_API_HOST, 127.0.0.1)")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default KG_API_PORT, 8000)")] = None,
) -> None:
    """Serve the REST API (OpenAPI docs at /docs) on the graph the settings point at."""
    import uvicorn

    from kg.api.app import create_app

    settings = load_settings()
    out.print(f"API on http://{host or settings.kg.api_host}:{port or settings.kg.api_port}/docs", highlight=False)
    uvicorn.run(create_app(settings), host=host or settings.kg.api_host, port=port or settings.kg.api_port, log_level="info")


@app.command()
def up(serve_api: Annotated[bool, typer.Option("--serve/--no-serve", help="Serve the API when the corpus is loaded.")] = True) -> None:
    """The main job: start the embedded engine (unless NEO4J_URI is set), load the sample corpus, serve the API."""
    settings = load_settings()
    if settings.embedded:
        _start_engine(settings)
    summary = _load(settings, SAMPLE_CORPUS)
    _print_load_summary(summary)
    if summary.rejected:
        raise typer.Exit(1)
    if settings.embedded:
        report = engine_lifecycle.status(settings.kg)
        out.print(f"Engine: Bolt {report.bolt_uri}, Studio {report.studio_url}, data {report.data_dir}", highlight=False)
    if serve_api:
        serve(host=None, port=None)


if __name__ == "__main__":  # pragma: no cover
    app()
