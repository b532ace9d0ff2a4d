"""The exit codes of the `kg` command line, in one place.

Scripts and CI jobs branch on a command's exit status, so each status must mean
one thing everywhere: a script that runs ``kg load`` has to tell "a file was
rejected" (fix the data) from "the graph did not answer" (start the engine,
retry later) from "no such source" (nothing to do) without parsing messages.
Every ``typer.Exit`` in :mod:`kg.cli` takes a member of :class:`ExitCode`, never
a bare number; the exit-code list at the end of ``kg --help`` is generated
from this enum, and a test checks the README's table against it, so the
documentation cannot drift from the code.

``2`` is also what Click itself returns for a usage error (unknown option,
missing argument), which is why bad usage and invalid settings share it.
"""

from __future__ import annotations

import textwrap
from enum import IntEnum


class ExitCode(IntEnum):
    """An exit status of ``kg`` and what it means, in one line."""

    meaning: str

    def __new__(cls, value: int, meaning: str) -> ExitCode:
        member = int.__new__(cls, value)
        member._value_ = value
        member.meaning = meaning
        return member

    OK = 0, "success"
    PROBLEM = 1, ("the command ran and found a problem: the engine failed to start, doctor found a fault, "
                  "validation found violations, a file was rejected")
    USAGE = 2, "bad usage or an invalid setting (unknown option, bad parameter value, malformed NEO4J_URI)"
    NOT_RUNNING = 3, "kg engine status only: the engine is not running (like pg_ctl status)"
    UNREACHABLE = 4, ("cannot reach the graph: nothing answers at the Bolt URI or it refused the credentials "
                      "(run kg doctor)")
    NOT_FOUND = 5, "no such id in the graph: unknown source (kg unload) or entity or event (kg viz)"
    MISSING_TOOL = 6, ("a program the command needs is not installed: Java 17+ or Maven, for the local Neo4j "
                       "(kg engine start --engine neo4j, kg up --engine neo4j)")
    PORT_TAKEN = 7, ("a port the command needs is taken by another program: the API's (kg up, kg serve) or a local "
                     "engine's (kg up, kg engine start); the message names the port and the setting that moves it")
    REPLACE_REFUSED = 8, ("kg load only: a file's source id is taken by a different stored source (another URL, text "
                          "or file); it was not loaded and the stored source is unchanged (rename it, or kg load --replace)")


def markdown_table() -> str:
    """The README's exit-code table (a test checks the README holds exactly this)."""
    rows = [f"| `{code.value}` | {code.meaning} |" for code in ExitCode]
    return "\n".join(["| code | meaning |", "| --- | --- |", *rows])


def help_lines(width: int = 74) -> list[str]:
    """``code  meaning`` per exit code for the epilog of ``kg --help``, wrapped
    with a hanging indent so the codes stay a readable column."""
    lines: list[str] = []
    for code in ExitCode:
        lines.extend(textwrap.wrap(code.meaning, width=width, initial_indent=f"{code.value}  ", subsequent_indent="   "))
    return lines
