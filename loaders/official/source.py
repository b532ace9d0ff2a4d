"""What a parser reads and what it gives back."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class OfficialText:
    """An official document as text: read from plain text, HTML, PDF or CSV by :mod:`.inputs`.

    ``body`` is the text the evidence sentences are quoted from, with ``\\n`` line ends;
    ``line_offset`` is the number of lines before it in the file (a header), so that
    ``body``'s line n is the file's line ``n + line_offset``.
    """

    path: Path
    id: str
    body: str
    kind: str | None = None  # what the file's header says it is (``kind: dsca``), if anything
    url: str | None = None
    title: str | None = None
    date: str | None = None  # publication date from the header, ISO
    metadata: dict[str, str] = field(default_factory=dict)  # other header lines (provenance, retrieved-from ...)
    line_offset: int = 0
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParseProblem:
    """A part of the document (a paragraph, a row) that could not be parsed; the rest still loads."""

    where: str  # "paragraph 4 (line 23)", "row 17"
    reason: str
    excerpt: str = ""

    def __str__(self) -> str:
        excerpt = f": {self.excerpt[:80]!r}" if self.excerpt else ""
        return f"{self.where}: {self.reason}{excerpt}"


@dataclass
class Parsed:
    """A parser's output: annotation-format entities and events (plain dicts), and what it could not parse.

    ``article`` holds what the parser learnt about the source itself (``type``, ``outlet``,
    ``date`` or ``title`` found in the text, ``metadata`` such as ``transmittal``); the header's
    values win over it.
    """

    article: dict[str, Any] = field(default_factory=dict)
    entities: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    problems: list[ParseProblem] = field(default_factory=list)
