"""`kg engine start|stop|status`, `kg doctor`, `kg serve` and `kg up`: running the engine and the API."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from kg import PROJECT_ROOT
from kg.cli.common import EngineOption, JsonFlag, _examples, _fail, _print_json, _working, app, err, load_settings, out
from kg.exit_codes import ExitCode

if TYPE_CHECKING:
    from rich.console import Console

    from kg.engines.arcadedb.server import EngineStatus
    from kg.settings import Settings

# The engines' lifecycles, the driver and the doctor's checks are imported in the commands that use them:
# importing them here would slow every kg start-up, `kg extract` included (kg/cli/common.py says why).

engine_app = typer.Typer(
    help="Run a local graph engine on 127.0.0.1: the embedded one (ArcadeDB with Bolt, the default) or a real Neo4j "
         "(--engine neo4j, fetched from Maven Central on first use; needs Java 17+ and Maven).",
    no_args_is_help=True, rich_markup_mode="rich",
    epilog=_examples("kg engine start", "kg engine status --json", "kg engine stop",
                     "kg engine start --engine neo4j --json"),
)
app.add_typer(engine_app, name="engine")

#: The official sources are loaded from their folders, not from data/official as a whole: its gold/ holds the gold
#: annotations of the same documents, for kg eval.
OFFICIAL_CORPUS = [PROJECT_ROOT / "data" / "official" / kind for kind in ("dsca", "transmittals", "dod-contracts", "sipri")]
#: Texts written for the deal gold (docs/deals.md): each .txt with the extractor's annotation of it beside it; the
#: folder loads the annotations (a news text is not a source of its own, as for data/articles).
DEAL_TEXTS = PROJECT_ROOT / "data" / "deals" / "texts"
SAMPLE_CORPUS = [PROJECT_ROOT / "data" / "reference" / "company-lineage.yaml", PROJECT_ROOT / "data" / "annotations",
                 *(folder for folder in (*OFFICIAL_CORPUS, DEAL_TEXTS) if folder.is_dir())]


def _local_status(settings: Settings) -> EngineStatus:
    from kg.engines.arcadedb import server as engine_lifecycle
    from kg.engines.neo4j import server as neo4j_engine

    if settings.kg.engine == "neo4j":
        return neo4j_engine.status(settings.kg)
    return engine_lifecycle.status(settings.kg)


def _start_engine(settings: Settings, *, quiet: bool = False) -> EngineStatus:
    """Start the local engine ``KG_ENGINE`` (or ``--engine``) names."""
    from kg.engines.arcadedb import server as engine_lifecycle
    from kg.engines.neo4j import server as neo4j_engine
    from kg.ports import PortTaken

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


def _engine_line(st: EngineStatus, verb: str) -> str:
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
    from kg.engines.arcadedb import server as engine_lifecycle
    from kg.engines.neo4j import server as neo4j_engine

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
    from kg.graph import Graph, embedded_connection, local_neo4j_connection

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
    from rich.table import Table

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
    from kg import doctor as doctor_checks

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


# -- serving ---------------------------------------------------------------------------


#: How to move the API's port, as ``kg serve`` (which has --port) and ``kg up`` (which has not) say it.
SERVE_PORT_REMEDY = "give --port or set KG_API_PORT to a free port"
UP_PORT_REMEDY = "set KG_API_PORT to a free port"


def _api_address(settings: Settings, host: str | None, port: int | None, *, remedy: str) -> tuple[str, int]:
    """Where the API will listen, checked before anything slow runs: a port another program holds
    ends the command with PORT_TAKEN in one line naming the port and ``remedy``; an address that
    cannot be listened on at all (unknown host, no permission) is bad usage."""
    from kg.ports import CannotListen, PortTaken, require_listenable

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
    queues the rest; with 2 workers the engine and Python run at once (BENCHMARKS.md, "Search
    with 8 clients, and the API's processes"). Workers build the app from the
    environment (``create_app()``), as the settings here were read, and share one file that
    carries writes to each other's search.
    """
    # imported here, not at the top: FastAPI and uvicorn slow every kg start-up
    import uvicorn

    from kg.api.app import create_app
    from kg.api.deps import SHARED_WRITES_ENV

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
    from kg.cli.load import _load, _print_load_summary, _summary_json
    from kg.graph import connection_for

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
