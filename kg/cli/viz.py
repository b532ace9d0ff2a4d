"""`kg viz`: an entity and its surroundings as one interactive HTML page."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from kg.cli.common import JsonFlag, _examples, _fail, _open_graph, _print_json, _working, app, load_settings, out
from kg.exit_codes import ExitCode


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
    from kg.viz import (  # imported here, not at the top: it loads FastAPI, which slows every kg start-up
        UnknownEntity,
        build_picture,
    )

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
