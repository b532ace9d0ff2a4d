"""How ``kg query`` shows rows: a table that fits the terminal, and CSV whose cells are flat text.

Named queries return nested values (lists of participants, maps of stages, the
steps of a path), and some rows have twenty columns; printed as JSON in a grid
they made every cell a few characters wide. The rules here, documented in the
README's ``kg query`` row:

* **One cell, one line of text** (CSV, and the summary in a table): ``null`` is
  empty; a list is its items joined by ``; ``; a map is ``ROLE name (id)`` for
  the parts it has (``role``; ``name`` or ``title``; ``id``), then its other
  non-empty fields as ``key: value`` joined by ``, ``; a list inside a map is
  ``[a, b]``. So ``participants`` reads
  ``BUYER Taiwan (state:TW); SELLER United States (state:US)``. The columns are
  the query's own, named as in ``--format json`` (the form to parse).
* **The table** puts each item of a list of maps (or of long texts) on a line
  of its own, and shows at most :data:`MAX_ITEMS` items of a list, saying how
  many more there are. When every column fits the width at its widest
  unbreakable word (an id is never cut), it is a grid whose wide columns are
  folded at spaces; otherwise each row is a block of ``column  value`` lines
  with the value folded (empty fields left out), so no line is wider than the
  terminal.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Sequence
from typing import Any

from rich.cells import cell_len
from rich.console import Console, Group, RenderableType
from rich.markup import escape
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

#: Items of one list a table cell shows; the rest are counted (``--format json`` has them all).
MAX_ITEMS = 20
#: A column of prose is folded down to this width (or its longest word, when longer) before
#: the table gives up the grid for one block per row.
MIN_FOLDED = 16
#: Below this the grid's columns are too narrow to read whatever they hold.
MIN_WIDTH = 40
#: A list item longer than this gets a line of its own in a table (as does every item of a list
#: that holds a map, a list or any text of several words: a sentence, a path's step, a name).
LONG_ITEM = 40
_HEAD_KEYS = ("role", "name", "title", "id")


def terminal_width(fallback: int) -> int:
    """The width to fit: ``COLUMNS`` when set (read now, as a script or test sets it), else ``fallback``."""
    columns = os.environ.get("COLUMNS", "").strip()
    return max(int(columns), MIN_WIDTH) if columns.isdigit() and int(columns) > 0 else max(fallback, MIN_WIDTH)


# -- one value as text -------------------------------------------------------------------------


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    return str(value)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _inner(value: Any) -> str:
    """A value inside a map: lists bracketed, so their commas do not read as the map's."""
    if isinstance(value, list):
        return "[" + ", ".join(_inner(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + summarise_map(value) + "}"
    return _scalar(value)


def summarise_map(item: dict[str, Any]) -> str:
    """``ROLE name (id)``, then the other non-empty fields as ``key: value``."""
    label = item.get("name") if not _empty(item.get("name")) else item.get("title")
    head = " ".join(_scalar(v) for v in (item.get("role"), label) if not _empty(v))
    if not _empty(item.get("id")):
        head = f"{head} ({_scalar(item['id'])})" if head else _scalar(item["id"])
    rest = [f"{key}: {_inner(value)}" for key, value in item.items()
            if key not in _HEAD_KEYS and not _empty(value)]
    return ", ".join([head, *rest] if head else rest)


def _item(value: Any) -> str:
    if isinstance(value, dict):
        return summarise_map(value)
    if isinstance(value, list):
        return _inner(value)
    return _scalar(value)


def flat(value: Any) -> str:
    """A value as one line of text: a CSV cell (the rules in the module docstring)."""
    if isinstance(value, list):
        return "; ".join(_item(v) for v in value)
    return _item(value)


def _cell_lines(value: Any) -> list[str]:
    """A value as a table shows it: long or map items one per line, at most MAX_ITEMS of them."""
    if not isinstance(value, list):
        return [_item(value)] if not _empty(value) else [""]
    shown = [_item(v) for v in value[:MAX_ITEMS]]
    more = [f"… {len(value) - MAX_ITEMS} more (--format json shows all)"] if len(value) > MAX_ITEMS else []
    if any(isinstance(v, (dict, list)) for v in value) or any(len(s) > LONG_ITEM or " " in s for s in shown):
        return [*shown, *more] if shown else [""]
    return ["; ".join(shown) + (f" {more[0]}" if more else "")]


# -- CSV ---------------------------------------------------------------------------------------


def csv_rows(rows: Sequence[dict[str, Any]]) -> tuple[list[str], list[dict[str, str]]]:
    """The CSV header (the query's columns) and its rows, every cell flat text."""
    columns = list(rows[0]) if rows else []
    return columns, [{column: flat(row.get(column)) for column in columns} for row in rows]


# -- the table ---------------------------------------------------------------------------------


def _longest_word(text: str) -> int:
    return max((cell_len(word) for word in text.split()), default=0)


def _grid_widths(header: list[str], cells: list[list[str]], width: int) -> list[int] | None:
    """Column widths of a grid of ``width`` that cuts no word, or None when there is none."""
    available = width - (3 * len(header) + 1)  # a border before each column and after the last, padding 1 + 1
    natural, minimum = [], []
    for index, name in enumerate(header):
        texts = [name, *(cell for row in cells for cell in row[index].splitlines())]
        widest = max(cell_len(text) for text in texts)
        natural.append(widest)
        minimum.append(min(widest, max(max(_longest_word(text) for text in texts), MIN_FOLDED)))
    if sum(minimum) > available:
        return None
    widths = natural[:]
    while sum(widths) > available:  # fold the widest column that can still give, one cell at a time
        index = max((i for i in range(len(widths)) if widths[i] > minimum[i]), key=lambda i: widths[i])
        widths[index] -= 1
    return widths


def text(renderable: RenderableType, width: int, *, styled: bool, color_system: str | None = None) -> str:
    """``renderable`` as the text a terminal of ``width`` shows, without the spaces Rich pads each
    line with (a table's cells are padded to the column width: noise in a pipe or a diff)."""
    console = Console(file=io.StringIO(), width=width, force_terminal=styled, color_system=color_system if styled else None,
                      highlight=False, soft_wrap=False, legacy_windows=False, emoji=False)
    console.print(renderable)
    output = console.file.getvalue()  # type: ignore[attr-defined]
    return "\n".join(line.rstrip(" ") for line in output.split("\n"))


def render(rows: Sequence[dict[str, Any]], title: str, width: int) -> RenderableType:
    """The rows as a table no wider than ``width`` (see the module docstring for the layout)."""
    columns = list(rows[0]) if rows else []
    cells = [["\n".join(_cell_lines(row.get(column))) for column in columns] for row in rows]
    footer = Text(f"{len(rows)} row{'s' if len(rows) != 1 else ''}")
    widths = _grid_widths(columns, cells, width) if columns else None
    if not columns:
        return Group(Text(title, style="bold"), footer)
    if widths is not None:
        table = Table(title=escape(title), title_justify="left")
        for column, column_width in zip(columns, widths):
            table.add_column(escape(column), width=column_width, overflow="fold")
        for row in cells:
            table.add_row(*(Text(cell) for cell in row))
        return Group(table, footer)
    parts: list[RenderableType] = [Text(title, style="bold")]
    key_width = max(cell_len(column) for column in columns)  # the same for every block, so they align
    for number, (row, texts) in enumerate(zip(rows, cells), start=1):
        parts.append(Rule(f"{number} of {len(rows)}", align="left", style="dim"))
        block = Table.grid(padding=(0, 2))
        block.add_column(style="bold", no_wrap=True, min_width=key_width)
        block.add_column(overflow="fold")
        for column, text in zip(columns, texts):
            if not _empty(row.get(column)):
                block.add_row(Text(column), Text(text))
        parts.append(block)
    parts.append(footer)
    return Group(*parts)
