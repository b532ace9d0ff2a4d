"""Rule-based sentence splitting with exact offsets into the article body.

Evidence in annotation files must be a sentence of the text, so every
:class:`Sentence` keeps ``body[start:end] == text``. The splitter works in
three layers:

1. paragraphs: a blank line always ends a sentence;
2. lines: inside a paragraph a single newline ends a sentence only when the
   line looks like a unit of its own (a headline or crosshead without a final
   period, a list item); hard-wrapped prose is joined;
3. punctuation: ``.``, ``!``, ``?`` and ellipses end a sentence when followed
   (after any closing quotes or brackets) by space and a plausible sentence
   start. Abbreviations ("U.S.", "Gen.", "Jan."), initials ("John F.
   Kennedy") and decimals ("$1.2 billion") do not end sentences, except that
   an abbreviation which can close a sentence ("in the U.S. The ...") does so
   before a word that typically opens one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Sentence:
    """A sentence and where it lies in the text it was split from."""

    text: str
    start: int
    end: int


# Abbreviations that are always followed by more of the same sentence (titles, "No. 5").
_NEVER_FINAL = {
    "mr", "mrs", "ms", "dr", "gen", "lt", "col", "maj", "adm", "sen", "rep", "gov", "pres",
    "st", "capt", "cmdr", "cdr", "sgt", "cpl", "pvt", "brig", "prof", "rev",
    "hon", "amb", "supt", "insp", "gens", "vs", "approx", "ca", "cf",
    "ft", "mt", "messrs", "mme", "mlle", "e.g", "i.e", "viz", "incl", "esp", "est",
    "attn", "gov't", "rt", "sens", "reps", "govs",
}
# Numbering words: not final only before a number ("No. 5", "p. 23", "Art. 5").
_NUMBERING = {"no", "nos", "nr", "p", "pp", "art", "para", "vol", "fig", "ref", "op", "sec", "ch"}
# Abbreviations that may also end a sentence ("... Lockheed Martin Corp. The company ...").
_MAYBE_FINAL = {
    "inc", "corp", "ltd", "co", "plc", "llc", "bros", "jr", "sr", "etc", "al", "govt",
    "a.m", "p.m", "u.s", "u.k", "u.n", "u.s.a", "e.u", "n.z", "d.c", "s.a", "a.g", "n.v",
}
# Month and weekday abbreviations: abbreviations only when capitalised ("Jan.", not "sat.").
_CAPITALISED_ONLY = {
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun", "dept",
}
# Words that typically open a sentence; after an ambiguous abbreviation they signal a break.
_STARTERS = {
    "the", "a", "an", "this", "that", "these", "those", "it", "its", "he", "she", "they", "we",
    "i", "you", "his", "her", "their", "our", "my", "there", "here", "in", "on", "at", "for",
    "but", "and", "or", "so", "yet", "if", "when", "while", "after", "before", "as", "since",
    "although", "though", "however", "meanwhile", "also", "according", "under", "with",
    "without", "some", "many", "most", "all", "both", "each", "no", "not", "what", "why",
    "how", "who", "where", "officials", "earlier", "later", "last", "next", "separately",
    "still", "then", "thus", "instead", "because", "despite", "during", "such", "other",
    "one", "two", "three", "asked", "speaking", "previously", "currently", "now", "today",
    "yesterday", "further", "furthermore", "moreover", "analysts", "experts",
}
_CLOSERS = "\"'”’»)]}"
_OPENERS = "\"'“‘«([{"
_TERMINAL = re.compile(r"(?:\.{3,}|…|[.!?]+)")
_BULLET = re.compile(r"\s*(?:[-*•·–—]|\d{1,2}[.)])\s+")
_BLANK_LINE = re.compile(r"\n[ \t\f\v]*\n")
_LINE_FUNCTION_WORDS = {
    "the", "a", "an", "of", "to", "in", "on", "at", "for", "and", "or", "but", "with", "by",
    "from", "as", "that", "which", "who", "its", "their", "his", "her", "is", "are", "was",
    "were", "be", "has", "have", "had", "will", "would", "said", "than", "into", "over",
}


def split_sentences(text: str) -> list[Sentence]:
    """The sentences of `text`, in order, stripped, never empty, with exact offsets."""
    sentences: list[Sentence] = []
    for seg_start, seg_end in _segments(text):
        for start, end in _split_segment(text, seg_start, seg_end):
            sentence = _stripped(text, start, end)
            if sentence is not None:
                sentences.append(sentence)
    return sentences


def _stripped(text: str, start: int, end: int) -> Sentence | None:
    """The span without surrounding whitespace, or None if nothing is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end:
        return None
    return Sentence(text=text[start:end], start=start, end=end)


# --------------------------------------------------------------------------
# Paragraphs and lines
# --------------------------------------------------------------------------


def _paragraphs(text: str) -> Iterator[tuple[int, int]]:
    """Spans between blank lines."""
    start = 0
    for match in _BLANK_LINE.finditer(text):
        yield start, match.start()
        start = match.end()
    yield start, len(text)


def _segments(text: str) -> Iterator[tuple[int, int]]:
    """Spans that no sentence crosses: paragraphs, cut further at lines that stand alone."""
    for para_start, para_end in _paragraphs(text):
        lines = _lines(text, para_start, para_end)
        width = _wrap_width(text, lines)
        seg_start = para_start
        for (line_start, line_end), (next_start, next_end) in zip(lines, lines[1:]):
            if _line_ends_unit(text[line_start:line_end], text[next_start:next_end], width):
                yield seg_start, line_end
                seg_start = next_start
        yield seg_start, para_end


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of each line of text[start:end], without the newline."""
    spans: list[tuple[int, int]] = []
    pos = start
    while True:
        newline = text.find("\n", pos, end)
        if newline == -1:
            spans.append((pos, end))
            return spans
        spans.append((pos, newline))
        pos = newline + 1


def _wrap_width(text: str, lines: list[tuple[int, int]]) -> int | None:
    """The line width of a hard-wrapped paragraph, or None when lines are not wrapped.

    Wrapped prose has most lines (all but the last) close to one width of at
    most ~110 characters; text that puts each paragraph or headline on its own
    line has lines of very different, often much longer, lengths.
    """
    if len(lines) < 2:
        return None
    lengths = [len(text[s:e].rstrip()) for s, e in lines]
    width = max(lengths)
    if width > 110 or lengths[-1] > max(lengths[:-1]) + 5:
        return None
    near = sum(1 for n in lengths[:-1] if n >= 0.75 * width)
    return width if near * 2 >= len(lengths) - 1 else None


def _line_ends_unit(line: str, next_line: str, width: int | None) -> bool:
    """Whether a single newline after `line` ends a sentence.

    It does when the next line is a list item, or when the line is a unit of
    its own: a headline or crosshead without final punctuation, followed by a
    line that opens a sentence, and not itself a wrapped line of a paragraph
    (in wrapped text only a line much shorter than the width stands alone).
    A line ending in punctuation is left to the punctuation rules, which see
    the newline as a space.
    """
    stripped = line.strip()
    following = next_line.strip()
    if not stripped or not following:
        return True
    if _BULLET.match(next_line) or _BULLET.match(line):
        return True
    last = stripped.rstrip(_CLOSERS)
    if last.endswith((".", "?", "!", "…", ",", ";", ":", "-", "–", "—", "/", "(", "&")):
        return False
    if not _opens_sentence(following):
        return False
    words = re.findall(r"[\w’'-]+", stripped)
    if not words or words[-1].lower() in _LINE_FUNCTION_WORDS:
        return False
    return width is None or len(stripped) < 0.6 * width


def _opens_sentence(text: str) -> bool:
    """Whether text begins like a sentence: an opening quote or bracket, then an
    uppercase letter, a digit or a currency sign ("$1bn was ...")."""
    stripped = text.lstrip(_OPENERS + " ")
    return bool(stripped) and (stripped[0].isupper() or stripped[0].isdigit()
                               or stripped[0] in "$€£¥₩₹")


# --------------------------------------------------------------------------
# Punctuation
# --------------------------------------------------------------------------


def _split_segment(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Cut text[start:end] after each punctuation mark that ends a sentence."""
    pos = start
    for match in _TERMINAL.finditer(text, start, end):
        cut = match.end()
        while cut < end and text[cut] in _CLOSERS:
            cut += 1
        if _is_boundary(text, match.start(), match.end(), cut, end):
            yield pos, cut
            pos = cut
    yield pos, end


def _is_boundary(text: str, mark_start: int, mark_end: int, cut: int, end: int) -> bool:
    """Whether the punctuation at text[mark_start:mark_end] (closers up to `cut`) ends a sentence."""
    if cut >= end:
        return False  # the segment end cuts anyway
    if not text[cut].isspace():
        return False  # "1.2", "U.S.-made", "example.org", "?!" run-ons
    rest = text[cut:end].lstrip()
    if not rest:
        return False
    mark = text[mark_start:mark_end]
    next_word = _first_word(rest)
    if mark in {"!", "?"} or (mark.startswith(("!", "?")) and "." not in mark):
        return _opens_sentence(rest)
    if mark == "." and cut == mark_end:
        kind = _abbreviation_kind(text, mark_start)
        if kind == "never":
            return False
        if kind == "maybe":
            return rest[0] in _OPENERS or (next_word[:1].isupper() and next_word.lower() in _STARTERS)
    if mark.startswith("..") or mark == "…":
        return _opens_sentence(rest) and (
            rest[0] in _OPENERS or (next_word[:1].isupper() and next_word.lower() in _STARTERS)
        )
    return _opens_sentence(rest)


def _first_word(text: str) -> str:
    match = re.match(r"[\"'“‘«(\[]*([\w’'-]+)", text)
    return match[1] if match else ""


def _abbreviation_kind(text: str, dot: int) -> str | None:
    """"never" / "maybe" when the period at `dot` closes an abbreviation, else None.

    The token before the period is looked up. Titles ("Gen.") never end a
    sentence; numbering words ("No. 5", "p. 23") only when a number follows;
    month and weekday abbreviations only when capitalised (so "he sat." still
    ends one). A single capital letter is an initial ("John F. Kennedy"),
    treated like "maybe" so that "Plan B. The ..." still splits.
    """
    window = text[max(0, dot - 30):dot]
    match = re.search(r"(?:^|(?<=[\s(\[\"“‘'—–-]))([A-Za-z](?:[A-Za-z’'-]*|(?:\.[A-Za-z])+))$", window)
    if not match or (match.start(1) == 0 and dot > 30):
        return None
    token = match[1]
    key = token.lower()
    if len(token) == 1:
        return "maybe" if token.isupper() else ("never" if key == "v" else None)
    if key in _NUMBERING:
        return "never" if re.match(r"\s*\d", text[dot + 1:dot + 4]) else None
    if key in _NEVER_FINAL:
        return "never"
    if key in _CAPITALISED_ONLY:
        return "maybe" if token[0].isupper() else None
    if key in _MAYBE_FINAL or re.fullmatch(r"[A-Za-z](?:\.[A-Za-z])+", token):
        return "maybe"
    return None
