"""What `kg query` prints for every named query, on the sample corpus: a table that a 100-column
terminal shows whole (no line wider, every id uncut) and CSV whose cells are flat text in the
query's own columns, by the rules the README's `kg query` row documents (kg/tables.py).

Each query runs through the real CLI with the parameters of its header's `:param` examples.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import pytest
from conftest import cli_env
from test_queries import _example_params
from typer.testing import CliRunner

from kg import tables
from kg.cli import app
from kg.queries import get_query, load_queries
from kg.settings import Settings

runner = CliRunner()
QUERY_NAMES = sorted(load_queries())
WIDTH = 100
#: A canonical id as the graph writes them: `state:TW`, `event:<source>:<key>`, `source:...`.
ID = re.compile(r"^[a-z][a-z0-9_-]*:\S+$")


def _cli_params(params: dict[str, Any]) -> list[str]:
    """``-p key=value`` for each parameter an example sets (null is the default: left out)."""
    args: list[str] = []
    for key, value in params.items():
        if value is not None:
            args += ["-p", f"{key}={str(value).lower() if isinstance(value, bool) else value}"]
    return args


def _examples(name: str) -> list[list[str]]:
    found = [_cli_params(p) for p in map(_example_params, get_query(name).examples) if p is not None]
    return found or [[]]


def _run(settings: Settings, name: str, args: list[str], *fmt: str) -> str:
    result = runner.invoke(app, ["query", name, *args, *fmt], env={**cli_env(settings), "COLUMNS": str(WIDTH)})
    assert result.exit_code == 0, (name, args, fmt, result.output)
    return result.stdout


def _ids_shown(value: Any) -> set[str]:
    """Every id in a value, as far as a table shows it (lists up to tables.MAX_ITEMS items)."""
    if isinstance(value, dict):
        return set().union(*(_ids_shown(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(_ids_shown(v) for v in value[: tables.MAX_ITEMS]))
    return {value} if isinstance(value, str) and ID.match(value) else set()


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_the_table_fits_100_columns_and_keeps_every_id_whole(settings: Settings, sample, name: str) -> None:
    for args in _examples(name):
        rows = json.loads(_run(settings, name, args, "--format", "json"))
        table = _run(settings, name, args)
        lines = table.splitlines()
        too_wide = [line for line in lines if len(line) > WIDTH]
        assert not too_wide, f"{name} {args}: {len(too_wide)} lines over {WIDTH} columns:\n" + "\n".join(too_wide[:5])
        assert lines[0].strip() == get_query(name).title
        assert lines[-1] == f"{len(rows)} row{'s' if len(rows) != 1 else ''}"
        # No JSON in a cell: nested values are summarised, not dumped.
        assert '{"' not in table and '["' not in table, f"{name} {args}: a cell holds JSON"
        ids = set().union(*(_ids_shown(row) for row in rows)) if rows else set()
        for id_ in ids:  # whole, on one line, not glued to another word
            assert re.search(rf"(?<![\w:-]){re.escape(id_)}(?![\w:-])", table), f"{name} {args}: {id_} is cut or missing"
        if name in ("arms_sales", "actor_timeline", "event_details"):
            assert ids, f"{name} {args}: the sample corpus should answer with ids"


def _flat_scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value) if isinstance(value, (int, float)) else str(value)


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_csv_has_the_query_columns_and_flat_text_cells(settings: Settings, sample, name: str) -> None:
    for args in _examples(name):
        rows = json.loads(_run(settings, name, args, "--format", "json"))
        reader = csv.DictReader(io.StringIO(_run(settings, name, args, "--format", "csv")))
        flat = list(reader)
        assert (reader.fieldnames or []) == (list(rows[0]) if rows else [])
        assert len(flat) == len(rows)
        for row, cells in zip(rows, flat):
            for column, value in row.items():
                cell = cells[column]
                assert isinstance(cell, str)
                with_json = None
                try:
                    with_json = json.loads(cell)
                except ValueError:
                    pass
                assert not isinstance(with_json, (list, dict)), f"{name}.{column}: JSON in a CSV cell: {cell[:80]}"
                if not isinstance(value, (list, dict)):
                    assert cell == _flat_scalar(value), (name, column)
                elif isinstance(value, list) and all(not isinstance(v, (list, dict)) for v in value):
                    assert cell == "; ".join(_flat_scalar(v) for v in value), (name, column)  # documented: `a; b; c`
                else:
                    items = value if isinstance(value, list) else [value]
                    for item in items:  # documented: `ROLE name (id)` for the parts a map has
                        if isinstance(item, dict) and item.get("id") and item.get("name"):
                            head = f"{item['name']} ({item['id']})"
                            assert (f"{item['role']} {head}" if item.get("role") else head) in cell, (name, column, item)
                    assert len(cell.split("; ")) >= len(items) or not items


def test_participants_read_as_the_readme_says(settings: Settings, sample) -> None:
    """The README's example of a flattened column, on the sample corpus's NASAMS sale."""
    text = _run(settings, "event_details", ["-p", "event=event:2025-11-19-nasams-taiwan:nasams-sale"], "--format", "csv")
    (row,) = list(csv.DictReader(io.StringIO(text)))
    assert row["participants"] == "BUYER Taiwan (state:TW); SELLER United States (state:US)"
    assert row["systems"] == "National Advanced Surface-to-Air Missile System (system:nasams)"


# -- the layout itself, on rows made up here (no graph) --------------------------------------------


LONG_ID = "event:2025-11-19-nasams-taiwan:nasams-sale"
PROSE = "Sale of NASAMS, a new weapon for Taiwan, worth almost 700m; the value is the USD 698,948,760 of fiscal 2026."


@pytest.mark.parametrize("width", [60, 80, 100, 200])
def test_layout_fits_the_width_and_never_cuts_an_id(width: int) -> None:
    rows = [{"id": LONG_ID, "n": 3, "description": PROSE, "participants": [{"role": "BUYER", "id": "state:TW", "name": "Taiwan"}]},
            {"id": "state:TW", "n": None, "description": "x", "participants": []}]
    text = tables.text(tables.render(rows, "Made-up rows", width), width, styled=False)
    assert max(len(line) for line in text.splitlines()) <= width
    assert LONG_ID in text and "(state:TW)" in text
    grid = "┃" in text
    assert grid == (width >= 100), text  # a grid once every column fits at its longest word, blocks before
    if not grid:  # a block per row: the value folded at spaces, nothing lost
        assert "BUYER Taiwan (state:TW)" in text
        assert " ".join(text.split()).count(PROSE) == 1


def test_a_long_list_in_a_table_says_how_many_more() -> None:
    rows = [{"items": [f"source:s{i}" for i in range(tables.MAX_ITEMS + 5)]}]
    text = tables.text(tables.render(rows, "Long", 100), 100, styled=False)
    assert f"source:s{tables.MAX_ITEMS - 1}" in text and f"source:s{tables.MAX_ITEMS};" not in text
    assert "5 more (--format json shows all)" in text
    assert tables.flat(rows[0]["items"]).count("; ") == tables.MAX_ITEMS + 4  # CSV keeps them all
