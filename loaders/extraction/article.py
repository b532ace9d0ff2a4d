"""Reading a raw article file: an optional ``key: value`` header, then the body.

An article file is plain UTF-8 text as saved from a news site. It may start
with header lines, ``key: value`` each, ended by a blank line. The reader uses
``url``, ``title``, ``date``, ``outlet`` and ``id``; any other key (``author``,
``section``, ``language`` ...) is kept as the source's metadata, not refused.
A run of such lines is a header when one of its keys is a known one or its
first key is written in lower case: an article whose first sentence happens to
contain a colon ("WASHINGTON: The State Department...", "Note: the figures
...") is all body. A repeated key is an error naming the file and the line; a
``date:`` that cannot be read is a warning (naming the file and the line) and
the date stays unknown: no guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from loaders.extraction.dates import normalise_date

HEADER_KEYS = ("url", "title", "date", "outlet", "id")  # the keys the reader uses; others become metadata
_HEADER_LINE = re.compile(r"(?P<key>[A-Za-z][A-Za-z_-]{0,30})[ \t]*:(?:[ \t]+(?P<value>.*?))?[ \t]*")


@dataclass(frozen=True)
class RawArticle:
    """An article as read from disk, before any extraction."""

    id: str
    path: Path
    url: str | None
    title: str | None
    date: str | None
    outlet: str | None
    body: str
    metadata: dict[str, str] = field(default_factory=dict)  # header keys the reader does not use, in file order
    warnings: tuple[str, ...] = ()  # what the header said that could not be used (an unreadable date)


class ArticleError(ValueError):
    """An article file that cannot be read; the message names the file, the line and the problem."""


def read_article(path: Path, date: str | None = None) -> RawArticle:
    """Read and parse an article file; `date` (from ``--date``) overrides the header's."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ArticleError(f"{path}: cannot read the file: {exc.strerror or exc}") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ArticleError(
            f"{path}:{line}: not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            "save the article as UTF-8"
        ) from exc
    return parse_article(text, path=path, date=date)


def parse_article(text: str, *, path: Path, date: str | None = None) -> RawArticle:
    """Split `text` into header fields and body; see the module docstring for the format."""
    path = Path(path)
    text = _normalise_text(text)
    fields, metadata, warnings, body_start = _parse_header(text, path)
    body = text[body_start:]
    if not body.strip():
        line = text.count("\n", 0, body_start) + 1
        raise ArticleError(f"{path}:{line}: the article has no body text")
    published = fields.get("date")
    if date is not None:
        published = _checked_date(date, f"{path}: --date")
    return RawArticle(
        id=fields.get("id") or path.stem,
        path=path,
        url=fields.get("url"),
        title=fields.get("title"),
        date=published,
        outlet=fields.get("outlet"),
        body=body,
        metadata=metadata,
        warnings=tuple(warnings),
    )


def _normalise_text(text: str) -> str:
    """Strip a byte-order mark and turn Windows and old Mac line ends into ``\\n``."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _header_key(line: str) -> tuple[str, str] | None:
    """(key, value) when the line is ``key: value`` with any key, else None."""
    match = _HEADER_LINE.fullmatch(line)
    if not match:
        return None
    return match["key"].lower(), (match["value"] or "").strip()


def _is_header(lines: list[str]) -> bool:
    """Whether the file starts with a header: a run of ``key: value`` lines with a known key, or whose
    first key is lower case (``author: ...``); a dateline such as "WASHINGTON: ..." is body."""
    keys = []
    for line in lines:
        parsed = _HEADER_LINE.fullmatch(line)
        if not line.strip() or parsed is None:
            break
        keys.append(parsed["key"])
    return bool(keys) and (keys[0].islower() or any(k.lower() in HEADER_KEYS for k in keys))


def _parse_header(text: str, path: Path) -> tuple[dict[str, str], dict[str, str], list[str], int]:
    """The fields the reader uses, the other keys (metadata), warnings, and the offset where the body
    starts (0 without a header).

    A header (see :func:`_is_header`) ends at the first blank line (consumed)
    or at the first line that is not ``key: value`` at all (then the body
    starts on that line).
    """
    lines = text.split("\n")
    if not _is_header(lines):
        return {}, {}, [], 0
    fields: dict[str, str] = {}
    metadata: dict[str, str] = {}
    warnings: list[str] = []
    seen: set[str] = set()
    offset = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            return fields, metadata, warnings, offset + len(line) + 1
        parsed = _header_key(line)
        if parsed is None:
            return fields, metadata, warnings, offset
        key, value = parsed
        where = f"{path}:{number}"
        if key in seen:
            raise ArticleError(f"{where}: header key {key!r} is given twice")
        seen.add(key)
        offset += len(line) + 1
        if not value:  # an empty value ("url:") means unknown
            continue
        if key not in HEADER_KEYS:
            metadata[key] = value
        elif key == "date":
            try:
                fields[key] = normalise_date(value)
            except ValueError as exc:  # an unknown date, not a guessed one
                warnings.append(f"{where}: the date {value!r} cannot be used ({exc}); the publication date stays unknown")
        else:
            fields[key] = value
    return fields, metadata, warnings, len(text)


def _checked_date(value: str, where: str) -> str:
    """The date as partial ISO, or an ArticleError that says where it came from."""
    try:
        return normalise_date(value)
    except ValueError as exc:
        raise ArticleError(f"{where}: {exc}") from exc
