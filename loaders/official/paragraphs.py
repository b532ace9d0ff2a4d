"""A document's paragraphs and sentences, each with where it starts in the file ("paragraph N (line L)").

Paragraphs are the body's blank-line separated blocks. Sentences are split by one of two rule sets:
the notices' (DSCA releases, 36(b) transmittals) and the DoD contract announcements', whose
abbreviations and sentence openers differ. Either way every sentence is a substring of its
paragraph's text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from loaders.official.source import OfficialText


def _where(paragraph: int, line: int) -> str:
    """How a problem names a place in the file."""
    return f"paragraph {paragraph} (line {line})"


@dataclass(frozen=True)
class Sentence:
    text: str  # whitespace collapsed; a substring of the body up to whitespace
    paragraph: int  # 1-based
    line: int  # the file's line where the sentence starts

    @property
    def where(self) -> str:
        return _where(self.paragraph, self.line)


@dataclass(frozen=True)
class Paragraph:
    number: int
    line: int  # file line of its first line
    text: str  # whitespace collapsed
    lines: tuple[str, ...]  # as on the page, stripped

    @property
    def where(self) -> str:
        return _where(self.number, self.line)


def paragraphs(text: OfficialText) -> list[Paragraph]:
    """The body's paragraphs (blank-line separated) with the file line each starts on."""
    out: list[Paragraph] = []
    block: list[str] = []
    start = 0
    for number, line in enumerate([*text.body.split("\n"), ""], start=1):
        if line.strip():
            if not block:
                start = number
            block.append(line.strip())
        elif block:
            out.append(Paragraph(len(out) + 1, start + text.line_offset, " ".join(" ".join(block).split()),
                                 tuple(block)))
            block = []
    return out


# --- the notices' sentences ----------------------------------------------------------------------------

# Words ending in a full stop that do not end a sentence ("U.S. Government", "Transmittal No. 24-90").
_ABBREVIATIONS = {"u.s.", "no.", "st.", "mt.", "ft.", "e.g.", "i.e.", "mr.", "dr.", "gen.", "jan.", "feb.", "mar.",
                  "apr.", "aug.", "sep.", "sept.", "oct.", "nov.", "dec.", "vs.", "approx."}
_BREAK = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[A-Z0-9“\"(])")


def split_sentences(paragraph: str) -> list[str]:
    """A notice paragraph's sentences; every one is a substring of it."""
    out: list[str] = []
    start = 0
    for match in _BREAK.finditer(paragraph):
        before = paragraph[start:match.start()].rsplit(" ", 1)[-1].lower()
        if before in _ABBREVIATIONS or re.fullmatch(r"(?:[a-z]\.){1,3}", before) and before != "d.c.":
            continue
        out.append(paragraph[start:match.start()].strip())
        start = match.end()
    if paragraph[start:].strip():
        out.append(paragraph[start:].strip())
    return out


def sentences(paras: list[Paragraph]) -> list[Sentence]:
    """The paragraphs' sentences by the notices' rules, each with the file line it starts on (a PDF's paragraph
    may be its whole page)."""
    out: list[Sentence] = []
    for para in paras:
        starts, offset = [], 0  # where each line starts in the paragraph's collapsed text
        for line in para.lines:
            starts.append(offset)
            offset += len(" ".join(line.split())) + 1
        full = " ".join(" ".join(para.lines).split())
        base = len(full) - len(para.text) if full.endswith(para.text) else 0  # text may start after a dateline
        cursor = 0
        for sentence in split_sentences(para.text):
            at = para.text.find(sentence, cursor)
            cursor = max(at, cursor)
            line = sum(1 for s in starts if s <= base + cursor) - 1
            out.append(Sentence(sentence, para.number, para.line + max(line, 0)))
    return out


def first(sents: list[Sentence], pattern: re.Pattern[str]) -> tuple[Sentence, re.Match[str]] | None:
    """The first sentence ``pattern`` finds something in, with what it found."""
    for sentence in sents:
        match = pattern.search(sentence.text)
        if match:
            return sentence, match
    return None


# --- the DoD contract announcements' sentences ---------------------------------------------------------

# Abbreviations that never end a sentence here ("St. Louis", "Nov. 30", "No. 5") ...
_NEVER_FINAL = {"st", "ft", "mt", "no", "nos", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
                "nov", "dec", "gen", "lt", "col", "dr", "mr", "ms", "mrs", "vs", "approx", "e.g", "i.e", "inc", "corp",
                "co", "ltd", "bros", "jr", "sr"}
# ... and abbreviations that end one only before a word that opens the announcements' sentences
# ("performed in Washington, D.C. Fiscal 2026 funds ...", but "U.S. Army Contracting Command").
_MAYBE_FINAL = {"u.s", "d.c", "u.k", "s.a", "n.v", "p.c", "l.p", "llc", "l.l.c", "a.g"}
_OPENERS = {"Work", "Fiscal", "This", "The", "These", "Bids", "No", "Funds", "Funding", "Type", "Using", "Location",
            "If", "Each", "One", "Two", "Three", "Option", "Options", "Once", "All", "Under", "Proposals", "Offers"}
_BOUNDARY = re.compile(r"[.!?][\"')\]]*\s+(?=[A-Z(*\"'])")


def announcement_sentences(text: str) -> list[str]:
    """A DoD announcement paragraph's sentences (``text`` with single spaces); every one is a substring of it."""
    out: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        before = re.search(r"([A-Za-z.&]+)\.$", text[start:match.start() + 1])
        word = before.group(1).lower() if before else ""
        if word in _NEVER_FINAL:
            continue
        maybe = word in _MAYBE_FINAL or (len(word) == 1 and word.isalpha())  # an initial, or "Increment I."
        if maybe and text[match.end():].split(" ", 1)[0] not in _OPENERS:
            continue
        out.append(text[start:match.end()].strip())
        start = match.end()
    if text[start:].strip():
        out.append(text[start:].strip())
    return out
