"""Reading an official document as text: plain text with an optional header, an HTML page as saved
from the publisher's site, a PDF, or the SIPRI trade register's CSV.

Plain text keeps the article reader's header (``url:``, ``title:``, ``date:``, then any other
``key: value`` such as ``provenance:`` or ``kind:``, and a blank line). An HTML page gives its
visible text, one block element per paragraph, and its ``<title>``; a PDF its pages' text
(pypdf), with the page header a publisher repeats on every page dropped. CSV is read as it is:
UTF-8, else Windows-1252 (older SIPRI exports are not UTF-8).
"""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

from loaders.extraction.article import ArticleError, parse_article
from loaders.official.source import OfficialText

TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
PDF_SUFFIXES = (".pdf",)
CSV_SUFFIXES = (".csv",)
OFFICIAL_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + PDF_SUFFIXES + CSV_SUFFIXES


class InputError(ValueError):
    """A document that cannot be read as text; the message names the file and the problem."""


_BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "header",
           "footer", "table", "ul", "ol", "blockquote", "hr", "dt", "dd", "main"}
_SKIPPED = {"script", "style", "noscript", "template", "nav", "svg", "head"}


class _Text(HTMLParser):
    """Visible text, a blank line between blocks; the page's <title> kept apart."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title: list[str] = []
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        elif tag in _SKIPPED:
            self._skip += 1
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag in _SKIPPED:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title.append(data)
        elif not self._skip:
            self.parts.append(data)


def _tidy(text: str) -> str:
    """Runs of spaces to one, no space at line ends, at most one blank line between paragraphs."""
    text = text.replace("\u00a0", " ")
    lines = [re.sub(r"[ \t\f\v]+", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def html_text(html: str) -> tuple[str, str | None]:
    """The visible text of an HTML page and its title."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    title = " ".join("".join(parser.title).split()) or None
    return _tidy("".join(parser.parts)), title


def pdf_text(path: Path) -> str:
    """The text of a PDF's pages; a line that starts most pages (a running header) is kept once."""
    import logging

    from pypdf import PdfReader  # imported here: only PDF input needs it

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings on a damaged file would say less than our error
    try:
        pages = [page.extract_text() or "" for page in PdfReader(path).pages]
    except Exception as exc:  # pypdf raises many kinds (NotImplementedError for an unknown filter ...): all mean unreadable
        raise InputError(f"{path}: cannot read the PDF ({type(exc).__name__}: {exc})") from None
    if not any(p.strip() for p in pages):
        raise InputError(f"{path}: the PDF holds no text (a scan? run OCR first)")
    firsts = Counter(p.strip().split("\n", 1)[0].strip() for p in pages if p.strip())
    repeated = {line for line, n in firsts.items() if n > 1 and len(pages) > 1}
    out: list[str] = []
    for number, page in enumerate(pages):
        lines = page.strip().split("\n")
        if number and lines and lines[0].strip() in repeated:
            lines = lines[1:]
        out.append("\n".join(lines))
    return _tidy("\n\n".join(out))


def _decoded(path: Path, raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        if path.suffix.lower() in CSV_SUFFIXES:
            return raw.decode("cp1252", errors="replace")
        raise InputError(f"{path}: not UTF-8 text; save it as UTF-8") from None


def read_official(path: Path) -> OfficialText:
    """The document at ``path`` as :class:`OfficialText`, or :class:`InputError` naming the file."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in PDF_SUFFIXES:
        body = pdf_text(path)
        return OfficialText(path=path, id=path.stem, body=body)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file: {exc.strerror or exc}") from None
    text = _decoded(path, raw).replace("\r\n", "\n").replace("\r", "\n")
    if suffix in CSV_SUFFIXES:
        return OfficialText(path=path, id=path.stem, body=text)
    if suffix in HTML_SUFFIXES:
        body, title = html_text(text)
        if not body.strip():
            raise InputError(f"{path}: the page holds no visible text")
        return OfficialText(path=path, id=path.stem, body=body, title=title)
    try:
        article = parse_article(text, path=path)
    except ArticleError as exc:
        raise InputError(str(exc)) from None
    metadata = dict(article.metadata)
    kind = metadata.pop("kind", None)
    header_lines = text[: len(text) - len(article.body)].count("\n") if text.endswith(article.body) else 0
    return OfficialText(path=path, id=article.id, body=article.body, kind=kind, url=article.url, title=article.title,
                        date=article.date, metadata=metadata, line_offset=header_lines, warnings=article.warnings)
