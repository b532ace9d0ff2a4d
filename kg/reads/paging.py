"""One page of a longer answer: its items and whether more follow. Apps turn ``more`` into their own
cursor (the API's is opaque), so a read never builds one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Window(Generic[T]):
    items: list[T]
    more: bool


def window(rows: list[T], offset: int, limit: int) -> Window[T]:
    """Rows ``offset`` to ``offset + limit`` of a read asked for ``offset + limit + 1`` rows (the extra one says more follow)."""
    return Window(items=rows[offset:offset + limit], more=len(rows) > offset + limit)
