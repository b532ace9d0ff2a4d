"""`kg query`: the named queries of queries/ as a table, JSON or CSV."""

from __future__ import annotations

import csv
import json
import sys
from typing import Annotated

import typer
from rich.markup import escape

from kg.cli.common import _examples, _fail, _open_graph, _print_json, app, load_settings, out
from kg.exit_codes import ExitCode


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
    # imported here, not at the top: kg.queries loads the driver, which slows every kg start-up
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
        rows = [_jsonable(r) for r in named.run(graph, given)]  # as the API runs it: the engine's form of the text
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
