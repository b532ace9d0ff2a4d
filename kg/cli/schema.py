"""`kg ontology docs`, `kg schema show|apply` and `kg browser kit`: what the ontology generates."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from kg.cli.common import JsonFlag, _examples, _fail, _open_graph, _print_json, _working, app, load_settings, out
from kg.exit_codes import ExitCode

ontology_app = typer.Typer(
    help="The ontology: reference docs.", no_args_is_help=True, rich_markup_mode="rich",
    epilog=_examples("kg ontology docs", "kg ontology docs -o - | less"),
)
schema_app = typer.Typer(
    help="Graph constraints and indexes derived from the ontology.", no_args_is_help=True, rich_markup_mode="rich",
    epilog=_examples("kg schema show", "kg schema apply --json"),
)
browser_app = typer.Typer(
    help="Neo4j Browser kit: GraSS style and guide.", no_args_is_help=True, rich_markup_mode="rich",
    epilog=_examples("kg browser kit", "kg browser kit --out /tmp/kit --json"),
)
app.add_typer(ontology_app, name="ontology")
app.add_typer(schema_app, name="schema")
app.add_typer(browser_app, name="browser")


@ontology_app.command("docs", epilog=_examples("kg ontology docs", "kg ontology docs -o /tmp/ontology.md --json",
                                                "kg ontology docs -o -"))
def ontology_docs(
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Where to write (default docs/ontology.md); '-' for stdout.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the path written as JSON (not with -o -).")] = False,
) -> None:
    """Write the ontology reference (classes, roles, properties, shapes, graph names) as Markdown."""
    # imported here, not at the top: rdflib slows every kg start-up
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
    # imported here, not at the top: rdflib slows every kg start-up
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
    # imported here, not at the top: rdflib slows every kg start-up
    from kg.ontology import load_ontology
    from kg.schema import apply_schema

    settings = load_settings()
    with _open_graph(settings) as graph, _working("applying the schema", quiet=as_json):
        names = apply_schema(graph, load_ontology())
    if as_json:
        _print_json({"applied": names})
    else:
        out.print(f"schema applied: {len(names)} constraints and indexes", highlight=False)


@browser_app.command("kit", epilog=_examples("kg browser kit", "kg browser kit --out /tmp/kit --json"))
def browser_kit(
    out_dir: Annotated[Path | None, typer.Option("--out", "-o", help="Folder to write into (default: the project's kit folder).")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Write the Neo4j Browser kit: a GraSS style sheet for the graph's labels and a guide of its queries."""
    from kg.browser_kit import KIT_DIR, write_kit  # imported here, not at the top: rdflib slows every kg start-up

    directory = out_dir or KIT_DIR
    with _working("writing the Browser kit", quiet=as_json):
        written = write_kit(directory)
    if as_json:
        _print_json({"dir": str(directory), "files": [str(p) for p in written]})
        return
    out.print(f"wrote {len(written)} file{'s' if len(written) != 1 else ''} to {escape(str(directory))}:", highlight=False)
    for path in written:
        out.print(f"  {escape(str(path))}", highlight=False)
