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
  through :func:`kg.cli.common._open_graph`, which checks the connection first and turns the
  driver's connection and credential errors into one line naming the URI and
  the exit code ``UNREACHABLE``, instead of a traceback.

One module per command group (engine, load, extract, evaluate, query, schema,
viz, bench, deals); :mod:`kg.cli.common` holds what they share.
"""

from __future__ import annotations

# Importing a group's module registers its commands and subgroups on ``app``.
from kg.cli import bench, deals, engine, evaluate, extract, load, query, schema, viz
from kg.cli.common import app

#: The order of the commands and groups in ``kg --help``: the workflow's, not the modules' import order.
#: A name not listed keeps its place after the listed ones.
COMMAND_ORDER = ("doctor", "validate", "load", "unload", "duplicates", "extract", "synth", "export", "query", "viz",
                 "eval", "serve", "up")
GROUP_ORDER = ("engine", "ontology", "schema", "browser", "candidates", "deals", "bench")


def _rank(order: tuple[str, ...], name: str | None) -> int:
    return order.index(name) if name in order else len(order)


app.registered_commands.sort(key=lambda c: _rank(COMMAND_ORDER, c.name or getattr(c.callback, "__name__", None)))
app.registered_groups.sort(key=lambda g: _rank(GROUP_ORDER, g.name))

__all__ = ["app", "bench", "deals", "engine", "evaluate", "extract", "load", "query", "schema", "viz"]
