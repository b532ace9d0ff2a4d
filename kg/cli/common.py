"""What every command group shares: the root app, the consoles, errors, JSON output, progress and opening the graph."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from kg.exit_codes import ExitCode, help_lines

if TYPE_CHECKING:
    from rich.progress import Progress

    from kg.graph import Connection, Graph
    from kg.settings import Settings

# The driver, the settings and Rich's progress bars are imported where they are used, not here: every command
# imports this module, and `kg extract` (which needs none of them) starts measurably faster without them
# (BENCHMARKS.md, "Extraction speed"). tests/test_cli_startup.py keeps it so.


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

# No emoji codes: ":ok:" in a source id named after a file would print as an emoji.
out = Console(emoji=False)
err = Console(stderr=True, emoji=False)

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
    document at once as it renders it, so its memory grew with the sources
    loaded (BENCHMARKS.md, "Load after cheaper checking and the memory fixes")."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _working(message: str, *, quiet: bool) -> AbstractContextManager[object]:
    """A transient spinner on stderr while something slow runs without steps to count."""
    return nullcontext() if quiet or not err.is_terminal else err.status(message)


def _progress(*, quiet: bool) -> Progress:
    """A transient progress bar on stderr (Rich draws nothing when stderr is not a terminal)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=err, transient=True, disable=quiet)


def load_settings(engine: Engine | None = None) -> Settings:
    """Settings for this command; an unusable value ends it with exit code USAGE.

    ``engine`` (a command's ``--engine``) overrides ``KG_ENGINE``."""
    from kg.settings import Settings, SettingsError
    from kg.settings import load_settings as _load_settings

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
    from neo4j.exceptions import AuthError, ClientError, ServiceUnavailable, SessionExpired

    from kg.graph import Graph, GraphUnavailable, connection_for

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
