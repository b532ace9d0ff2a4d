"""What DSCA releases and 36(b)(1) transmittals share: the notice of a possible Foreign Military Sale.

Both kinds state the same facts in the same sentences (a transmittal's POLICY JUSTIFICATION is the
release's body): the purchaser, the items (major defense equipment and the rest), the estimated
cost and its qualifier, the principal contractors, offsets, the dateline, the transmittal number.
:mod:`.dsca` and :mod:`.transmittal` read their own framing and build the annotation with
:func:`build_sale` from what this module finds.

Patterns are written for the wording DSCA has used over the years (``../shared/official-formats.md``),
not for particular notices; what a pattern cannot read is left out and lowers the confidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from loaders.extraction.dates import normalise_date
from loaders.official.source import OfficialText, ParseProblem
from loaders.reference import State, states

TECRO = "Taipei Economic and Cultural Representative Office in the United States"
STATE_DEPARTMENT = "U.S. Department of State"
DSCA = "Defense Security Cooperation Agency"

# --- text structure -------------------------------------------------------------------------


@dataclass(frozen=True)
class Sentence:
    text: str  # whitespace collapsed; a substring of the body up to whitespace
    paragraph: int  # 1-based
    line: int  # the file's line where the sentence starts

    @property
    def where(self) -> str:
        return f"paragraph {self.paragraph} (line {self.line})"


@dataclass(frozen=True)
class Paragraph:
    number: int
    line: int  # file line of its first line
    text: str  # whitespace collapsed
    lines: tuple[str, ...]  # as on the page, stripped

    @property
    def where(self) -> str:
        return f"paragraph {self.number} (line {self.line})"


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


# Words ending in a full stop that do not end a sentence ("U.S. Government", "Transmittal No. 24-90").
_ABBREVIATIONS = {"u.s.", "no.", "st.", "mt.", "ft.", "e.g.", "i.e.", "mr.", "dr.", "gen.", "jan.", "feb.", "mar.",
                  "apr.", "aug.", "sep.", "sept.", "oct.", "nov.", "dec.", "vs.", "approx."}
_BREAK = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[A-Z0-9“\"(])")


def split_sentences(paragraph: str) -> list[str]:
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
    """The paragraphs' sentences, each with the file line it starts on (a PDF's paragraph may be its whole page)."""
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
    for sentence in sents:
        match = pattern.search(sentence.text)
        if match:
            return sentence, match
    return None


# --- numbers, money, dates, numbers of record -----------------------------------------------

_SCALE = {"thousand": Decimal(1000), "million": Decimal(10**6), "billion": Decimal(10**9)}
MONEY = r"\$\s?(?P<num>\d[\d,]*(?:\.\d+)?|\.\d+)(?:\s*(?P<scale>thousand|million|billion)\b)?"


def money(number: str, scale: str | None) -> Decimal:
    amount = Decimal(number.replace(",", "")) * _SCALE.get((scale or "").lower(), Decimal(1))
    return amount.quantize(Decimal(1)) if amount == amount.to_integral_value() else amount


def money_text(amount: Decimal) -> str:
    """``N million`` as transmittals write it (details lines)."""
    millions = amount / Decimal(10**6)
    return f"{millions.normalize():f} million"


_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
DATE = rf"(?:{_MONTH}\s+\d{{1,2}},\s*\d{{4}}|\d{{1,2}}\s+{_MONTH}\s+\d{{4}})"
_DATELINE = re.compile(
    rf"^(?:WASHINGTON(?:,\s*D\.\s?C\.)?,?\s+(?P<d1>{DATE})\s*[–—-]+\s*"
    rf"|On\s+(?P<d2>{DATE}),?\s+"
    rf"|Date:\s*(?P<d3>{DATE})\s*)")


@dataclass(frozen=True)
class Dateline:
    date: str
    paragraph: Paragraph
    rest: str  # the paragraph's text after the dateline (where the first sentence starts)


def dateline(paras: list[Paragraph]) -> Dateline | None:
    """The release's dateline: "WASHINGTON, October 25, 2024 –", "WASHINGTON, D.C., ...", "On 21 May 2004", "Date: ...".

    It starts a paragraph, or a line of one: a PDF's text has no blank line between the title, the
    transmittal number and the first paragraph. ``rest`` is the text from there on.
    """
    for para in paras:
        for index in range(len(para.lines)):
            text = " ".join(" ".join(para.lines[index:]).split())
            match = _DATELINE.match(text)
            if not match:
                continue
            written = match.group("d1") or match.group("d2") or match.group("d3")
            try:
                return Dateline(normalise_date(written), para, text if match.group("d2") else text[match.end():])
            except ValueError:
                continue
    return None


_TRANSMITTAL = re.compile(r"\bTransmittal\s+(?:No\.?|Number|#)?\s*:?\s*(?P<no>[0-9][0-9A-Z]-[0-9A-Z]{1,3})\b")


def transmittal_number(body: str) -> str | None:
    """"Transmittal No. 25-38", "Transmittal No\\n25-04" (the web page's layout), amendments "0G-23", "24-0J"."""
    match = _TRANSMITTAL.search(" ".join(body.split()))
    return match.group("no") if match else None


_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                 "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
_QUANTITY = re.compile(
    r"^(?:(?:up\s+to|a\s+total\s+of|approximately)\s+)?"
    r"(?:(?:[A-Za-z]+[- ]?){0,6}\((?P<paren>\d[\d,]*)\)|(?P<digits>\d[\d,]*)(?![\d.,]*\s*(?:[-/]|percent))"
    r"|(?P<word>one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)(?=\s))\s+",
    re.IGNORECASE)


def split_quantity(phrase: str) -> tuple[int | None, str]:
    """"three (3) NASAMS fire units" -> (3, "NASAMS fire units"); "up to 84 AIM-120C-8 ..." -> (84, ...)."""
    match = _QUANTITY.match(phrase)
    if not match:
        return None, phrase
    if match.group("paren") or match.group("digits"):
        return int((match.group("paren") or match.group("digits")).replace(",", "")), phrase[match.end():]
    return _NUMBER_WORDS[match.group("word").lower()], phrase[match.end():]


# --- states and purchasers ------------------------------------------------------------------


@cache
def _state_names() -> tuple[dict[str, State], re.Pattern[str]]:
    by_name: dict[str, State] = {}
    for state in states():
        for name in (state.name, state.official_name, *state.aliases):
            if name and len(name) > 3:  # "ROC", "ROK": too short to find safely in running text
                by_name.setdefault(name.lower(), state)
    names = sorted(by_name, key=len, reverse=True)
    return by_name, re.compile(r"\b(?:the\s+)?(" + "|".join(re.escape(n) for n in names) + r")\b", re.IGNORECASE)


def state_at(text: str) -> tuple[State, str] | None:
    """The state whose name starts ``text`` (after "the Government(s) of (the)"), and the name as written."""
    text = re.sub(r"^(?:the\s+)?(?:Governments?\s+of\s+)?", "", text.strip(), flags=re.IGNORECASE)
    by_name, pattern = _state_names()
    match = pattern.match(text)
    return (by_name[match.group(1).lower()], match.group(1)) if match else None


def states_in(text: str) -> list[tuple[State, str]]:
    """Every state named in ``text``, in order, once each."""
    by_name, pattern = _state_names()
    out: dict[str, tuple[State, str]] = {}
    for match in pattern.finditer(text):
        state = by_name[match.group(1).lower()]
        out.setdefault(state.iso, (state, match.group(1)))
    return list(out.values())


@dataclass
class Purchaser:
    name: str  # the reference name of the state, or the organisation's name
    type: str  # State | Organization
    as_named: str  # as the text writes it
    aliases: list[str] = field(default_factory=list)
    recipients: list[tuple[State, str]] = field(default_factory=list)  # states an agency buys for


_TECRO = re.compile(r"Taipei\s+Economic\s+and\s+Cultural\s+Representative\s+Office(?:\s+\(TECRO\))?"
                    r"(?:\s+in\s+the\s+United\s+States)?(?:\s+\(TECRO\))?")
_ACRONYM_END = re.compile(r"\s*\((?P<acr>[A-Z][A-Za-z&-]+)\)(?=\s+(?:of|has|have|for|on|to|as)\b|\s*[,.;:]|\s*$)")
# without an acronym: capitalised words, "of"/"for" only inside a name ("Organisation for Joint Armament ...")
_ORG_WORDS = re.compile(r"^(?P<name>[A-Z][\w.'’&-]*(?:\s+(?:[A-Z][\w.'’&-]*|\([A-Z][A-Za-z&-]+\)|and|the|"
                        r"(?:of|for)(?=\s+(?:the\s+)?[A-Z][a-z]+\s+[A-Z])))*)")


def purchaser_at(text: str) -> Purchaser | None:
    """The purchaser named at the start of ``text`` ("the Government of Poland of ...", "the NATO Support
    and Procurement Agency (NSPA) of ...", "the Taipei Economic and Cultural Representative Office ...")."""
    text = text.strip()
    tecro = _TECRO.match(re.sub(r"^the\s+", "", text, flags=re.IGNORECASE))
    if tecro:
        return Purchaser("Taiwan", "State", TECRO)
    found = state_at(text)
    if found:
        state, written = found
        aliases = [written] if written.lower() not in {state.name.lower(), f"the {state.name.lower()}"} else []
        return Purchaser(state.name, "State", written, aliases)
    # an organisation: its name up to the acronym that ends it ("... Agency (NSPA) of"), else its capitalised words
    text = re.sub(r"^the\s+", "", text, flags=re.IGNORECASE)
    if re.match(r"Governments?\b", text):
        return None  # a government whose state the reference does not know: reported, not guessed
    ending = _ACRONYM_END.search(text)
    if ending and re.fullmatch(r"[A-Z][\w.'’&(), -]*", text[:ending.start()]):
        name = text[:ending.start()].strip()
        return Purchaser(name, "Organization", text[:ending.end()].strip(), [ending.group("acr")])
    words = _ORG_WORDS.match(text)
    if not words:
        return None
    name = re.sub(r"\s+(?:of|and|for|the)$", "", words.group("name").strip())
    return Purchaser(name, "Organization", name, [])


_ON_BEHALF = re.compile(r"\b(?:on\s+behalf\s+of|for\s+the\s+benefit\s+of|for\s+the\s+use\s+of|"
                        r"acting\s+as\s+(?:the\s+)?agent\s+for)\s+(?P<who>[^.;:]+)")


def recipients_for(purchaser: Purchaser, sents: list[Sentence]) -> None:
    """States an organisation buys for ("on behalf of the Governments of Belgium, Norway and the Netherlands")."""
    if purchaser.type != "Organization":
        return
    for sentence in sents:
        for match in _ON_BEHALF.finditer(sentence.text):
            for state, written in states_in(match.group("who")):
                if all(s.iso != state.iso for s, _ in purchaser.recipients):
                    purchaser.recipients.append((state, written))


# --- cost -----------------------------------------------------------------------------------

_UP_TO = r"(?P<upto>up\s+to\s+|as\s+high\s+as\s+|not\s+to\s+exceed\s+)?"
# Best first: (pattern, how sure the value is the notice's total cost).
_COSTS: tuple[tuple[re.Pattern[str], float], ...] = tuple((re.compile(p, re.IGNORECASE), c) for p, c in (
    (rf"\b(?:estimated\s+total|total\s+estimated)\s+(?:program\s+|case\s+)?(?:cost|value)\s+(?:is|of|will\s+be)\s+"
     rf"{_UP_TO}{MONEY}", 1.0),
    (rf"\bestimated\s+(?:cost|sale\s+price)\s+(?:is\s+|of\s+){_UP_TO}{MONEY}", 1.0),
    (rf"\bestimated\s+value\s+(?:is|of)\s+{_UP_TO}{MONEY}", 0.95),
    (rf"\bestimated\s+to\s+cost\s+{_UP_TO}{MONEY}", 0.95),
    (rf"\btotal\s+value,?\s+if\s+all\s+options\s+are\s+exercised,?\s+could\s+be\s+{_UP_TO}{MONEY}", 0.95),
    (rf"\bvalued\s+at\s+{_UP_TO}{MONEY}", 0.85),
))


@dataclass(frozen=True)
class Cost:
    amount: Decimal
    up_to: bool
    sentence: Sentence
    sureness: float


def cost(sents: list[Sentence]) -> Cost | None:
    """The estimated (total) cost: the best pattern that any sentence matches. A prior case's value ("The
    original FMS case, valued at $41.6 million") is not the notice's cost."""
    for pattern, sureness in _COSTS:
        for sentence in sents:
            if re.search(r"\b(?:original|previously\s+implemented|prior)\b", sentence.text, re.IGNORECASE) \
                    and "valued" in pattern.pattern:
                continue
            match = pattern.search(sentence.text)
            if match:
                return Cost(money(match.group("num"), match.group("scale")), bool(match.group("upto")), sentence,
                            sureness)
    return None


# --- items ----------------------------------------------------------------------------------


@dataclass
class ItemFound:
    name: str  # the phrase without its quantity
    quantity: int | None
    major: bool
    system_name: str | None = None  # MDE only: the designation without quantity and trailing acronym
    acronym: str | None = None
    sentence: Sentence | None = None
    up_to: bool = False  # "up to 84 AIM-120C-8 ..."


_REQUEST = re.compile(r"\b(?:has\s+)?requested\s+(?:to\s+buy|to\s+purchase|a\s+possible\s+sale\s+(?:of|for)|the\s+"
                      r"(?:possible\s+)?(?:sale|purchase)\s+of)\s*:?\s*", re.IGNORECASE)
_MDE_HEAD = re.compile(r"\bMajor\s+Defense\s+Equipment\s*(?:\(MDE\))?\s*:\s*", re.IGNORECASE)
_NON_MDE_HEAD = re.compile(
    r"(?:\bNon-MDE(?:\s+items)?\s*:\s*(?:Also\s+included\s+(?:are|is)\s*:?\s*)?"
    r"|\bAlso\s+included\s+(?:are|is|in\s+this\s+request\s+(?:are|is))\s*:?\s*"
    r"|\b(?:The\s+following\s+non-MDE\s+items\s+will\s+also\s+be\s+included|This\s+request\s+also\s+includes\s+"
    r"the\s+following\s+non-MDE(?:\s+items)?|The\s+request\s+also\s+includes)\s*:?\s*)", re.IGNORECASE)
_LIST_END = re.compile(r"\s*(?:\bNon-MDE\b|\bAlso\s+included\b|\bThe\s+following\s+non-MDE\b|\bThis\s+request\s+also\b"
                       r"|\bThe\s+(?:estimated|total)\b|\bThe\s+request\s+also\b)", re.IGNORECASE)
_ACRONYM = re.compile(r"\s*\((?P<acr>[A-Z][A-Za-z0-9/&\- ]*[A-Z0-9][A-Za-z0-9/&\-]*)\)")


#: A request that extends or amends an earlier case: it describes services in prose and lists nothing.
AMENDMENT = re.compile(r"\s*(?:extended\s+services|an?\s+(?:amendment|extension)|additional\s+services\s+"
                       r"(?:under|to)\s+a\s+previously)", re.IGNORECASE)
_NO_MDE = re.compile(r"\b(?:There\s+is|There\s+are|contains|includes)\s+no\s+(?:Major\s+Defense\s+Equipment|MDE)\b",
                     re.IGNORECASE)


def _without_beneficiaries(segment: str) -> str:
    """A request list without its ", on behalf of Germany, Italy, and the Netherlands," clause."""
    match = re.match(r"\s*,?\s*(?:on\s+behalf\s+of|for\s+the\s+benefit\s+of)\s+", segment, re.IGNORECASE)
    if not match:
        return segment
    _, names = _state_names()
    end = match.end()
    while True:
        step = re.match(r",?\s*(?:and\s+)?(?:the\s+)?(?:Governments?\s+of\s+)?", segment[end:], re.IGNORECASE)
        name = names.match(segment, end + step.end()) if step else None
        if not name:
            break
        end = name.end()
    return segment[end:].lstrip(" ,")


def list_parts(segment: str) -> list[str]:
    """A listed segment split into its phrases: by ';' when it has any, else by top-level ','."""
    separator = ";" if ";" in segment else ","
    parts, depth, current = [], 0, ""
    for char in segment:
        depth += char == "("
        depth -= char == ")"
        if char == separator and depth <= 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    if separator == ",":  # "engineering, logistics, and technical support services" is one phrase
        merged: list[str] = []
        pending = False  # after a one-word part, the next part closes the series
        for part in parts:
            single = bool(re.fullmatch(r"\s*[a-z]+\s*", part))
            if merged and (single or pending):
                merged[-1] = f"{merged[-1]},{part}"
                pending = single
            else:
                merged.append(part)
                pending = False
        parts = merged
    out = []
    for part in parts:
        part = re.sub(r"^\s*(?:and|as\s+well\s+as)\s+", "", part.strip()).rstrip(" .;:,").strip()
        if part and re.search(r"[A-Za-z]", part):
            out.append(part)
    return out


def _system_name(phrase: str) -> tuple[str, str | None]:
    """The designation without a trailing acronym: "National Advanced Surface-to-Air Missile System (NASAMS)
    fire units" -> ("National Advanced Surface-to-Air Missile System", "NASAMS")."""
    match = _ACRONYM.search(phrase)
    if match and match.start() > 0 and sum(c.isupper() for c in match.group("acr")) >= 2:
        return phrase[:match.start()].strip(" ,"), match.group("acr")
    # a lower-case remark in parentheses ("F135 engines (includes 5 spares)") is not part of the designation;
    # a capitalised one is ("APX-119 Identification Friend or Foe (Mode 4)")
    return re.sub(r"\s*\([a-z][^()]*\)\s*$", "", phrase).strip(" ,") or phrase, None


def item_from(phrase: str, major: bool, sentence: Sentence) -> ItemFound:
    quantity, rest = split_quantity(phrase)
    rest = rest.strip()
    item = ItemFound(rest, quantity, major, sentence=sentence,
                     up_to=quantity is not None and bool(re.match(r"up\s+to\b", phrase, re.IGNORECASE)))
    if major:
        item.system_name, item.acronym = _system_name(re.sub(r"^(?:the|an?)\s+", "", rest))
    return item


def items(sents: list[Sentence]) -> list[ItemFound]:
    """Every listed item in text order: the requested list (MDE), then the non-MDE list.

    With a "Major Defense Equipment (MDE):" heading every item under it is MDE; an older single list
    ("has requested to buy twelve (12) MH-60R helicopters, spare parts, ...") counts the items with a
    quantity as MDE and the rest as support, which is how DSCA classes them.
    """
    out: list[ItemFound] = []
    seen_request = False
    no_mde = any(_NO_MDE.search(s.text) for s in sents)
    for sentence in sents:
        text = sentence.text
        head = _MDE_HEAD.search(text)
        request = _REQUEST.search(text)
        if (head or request) and not seen_request:
            start = (head or request).end()  # type: ignore[union-attr]
            if head and request and request.start() < head.start():
                start = head.end()
            end = _LIST_END.search(text, start)
            segment = text[start:end.start() if end else len(text)]
            if AMENDMENT.match(segment):
                segment = ""  # a case amendment: what it buys is described in prose, no list
            segment = re.sub(r"^\s*the\s+following(?:\s+items)?\s*:?\s*", "", _without_beneficiaries(segment),
                             flags=re.IGNORECASE)
            # prose without ';' or any quantity is one requested thing ("continued participation, technical
            # assistance, and support in ..."), not a list
            prose = ";" not in segment and not re.search(r"\(\d[\d,]*\)|\b\d+\s+[A-Z]", segment)
            phrases = [segment.strip().rstrip(".")] if prose and segment.strip() else list_parts(segment)
            listed = [item_from(phrase, True, sentence) for phrase in phrases]
            if not listed:
                continue  # "has requested to buy:" with the list below it (headed lists are read by lines)
            # Beside a separate non-MDE list, the request list is the MDE, quantified or not ("and GMLRS rockets")
            all_major = bool(head) or (any(i.quantity is not None for i in listed)
                                         and any(_NON_MDE_HEAD.search(s.text) for s in sents
                                                 if s.paragraph == sentence.paragraph))
            for item in listed:
                item.major = not no_mde and (all_major or item.quantity is not None)
                if not item.major:
                    item.system_name = item.acronym = None
                out.append(item)
            seen_request = True
        non = _NON_MDE_HEAD.search(text)
        if non:
            for phrase in list_parts(text[non.end():]):
                out.append(item_from(phrase, False, sentence))
    return out


MDE_LINE = re.compile(r"^\s*Major\s+Defense\s+Equipment\s*(?:\(MDE\))?\s*:\s*", re.IGNORECASE)
NON_MDE_LINE = re.compile(r"^\s*Non-MDE(?:\s+items)?\s*:\s*", re.IGNORECASE)
# A line that is prose again after a headed list ("The estimated total cost is ...").
_PROSE_LINE = re.compile(r"^(?:The\s+(?:estimated|total|proposed|principal)|This\s+(?:proposed|notice|sale)|There\s|"
                         r"POLICY\s+JUSTIFICATION)", re.IGNORECASE)


def items_by_line(chunks: list[tuple[Paragraph, list[str]]]) -> list[ItemFound]:
    """Lists under "Major Defense Equipment (MDE):" and "Non-MDE:" heading lines, as newer releases and
    transmittals' field (iii) print them: an MDE item a line (a wrapped line joins the one before unless it
    starts with a quantity), the non-MDE list as one text split by ';'. Reading stops at prose."""
    sections: list[tuple[bool, list[tuple[Paragraph, str]]]] = []
    for para, lines in chunks:
        for line in lines:
            heading = False
            for head, major in ((MDE_LINE, True), (NON_MDE_LINE, False)):
                match = head.match(line)
                if match:
                    sections.append((major, []))
                    line, heading = line[match.end():], True
                    break
            if not sections or not line.strip():
                continue
            if not heading and _PROSE_LINE.match(line):
                return _section_items(sections)
            major, entries = sections[-1]
            starts = not entries or entries[-1][1].rstrip().endswith((";", ".")) \
                or split_quantity(line)[0] is not None or entries[-1][0] is not para
            if major and starts or not entries:
                entries.append((para, line.strip()))
            else:
                entries[-1] = (entries[-1][0], f"{entries[-1][1]} {line.strip()}")
    return _section_items(sections)


def _section_items(sections: list[tuple[bool, list[tuple[Paragraph, str]]]]) -> list[ItemFound]:
    out: list[ItemFound] = []
    for major, entries in sections:
        for para, entry in entries:
            sentence = Sentence(" ".join(entry.split()), para.number, para.line)
            entry = re.sub(r"^Also\s+included\s+(?:are|is)\s*:?\s*", "", entry, flags=re.IGNORECASE)
            for phrase in list_parts(entry):
                if not re.fullmatch(r"(?:none|n/?a)\.?", phrase, re.IGNORECASE):  # "Major Defense Equipment (MDE): None"
                    out.append(item_from(phrase, major, sentence))
    return out


def headed_items(paras: list[Paragraph]) -> list[ItemFound]:
    """The items of a release that prints its lists under heading lines; [] when it does not."""
    for index, para in enumerate(paras):
        if any(MDE_LINE.match(line) or NON_MDE_LINE.match(line) for line in para.lines):
            return items_by_line([(p, list(p.lines)) for p in paras[index:]])
    return []


# --- contractors, offsets -------------------------------------------------------------------

_CONTRACTOR = re.compile(r"\b(?:principal|prime)\s+contractors?\b(?:\s+for\s+(?:the\s+)?[^,]+?)?\s+"
                         r"(?:will\s+be|is|are|would\s+be)\s*:?\s*(?P<who>.+?)\.?$", re.IGNORECASE)
_NO_CONTRACTOR = re.compile(r"\b(?:(?:many|multiple|various|several)\s+(?:U\.S\.\s+)?contractors|will\s+be\s+determined"
                            r"|to\s+be\s+determined|not\s+(?:yet\s+)?(?:been\s+)?(?:determined|selected|identified)"
                            r"|no\s+(?:principal|prime)\s+contractor|approved\s+vendors|competitive(?:ly)?\s|competition)",
                            re.IGNORECASE)
_US_STATES = ("Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|Hawaii|Idaho|"
              "Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|Minnesota|"
              "Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey|New Mexico|New York|"
              "North Carolina|North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|Rhode Island|South Carolina|"
              "South Dakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington|West Virginia|Wisconsin|Wyoming")
_PLACE_END = rf"(?:[A-Z]{{2}}|D\.C\.|{_US_STATES})"
_COMPANY_END = r"(?:Corporation|Company|Incorporated|Inc\.?|LLC|Corp\.?|Co\.|Ltd\.?|Limited|Technologies|Industries|Group)"
_SUFFIXES = re.compile(r"^(?:Inc\.?|LLC|L\.L\.C\.|Ltd\.?|Co\.|Corp\.?|L\.P\.|LP|PLC|N\.V\.|S\.A\.|GmbH|AG)$")


@dataclass(frozen=True)
class ContractorFound:
    name: str
    location: str | None
    sentence: Sentence


@dataclass
class Contractors:
    found: list[ContractorFound] = field(default_factory=list)
    to_be_determined: Sentence | None = None
    problems: list[ParseProblem] = field(default_factory=list)


def _contractor(entry: str) -> tuple[str, str | None] | None:
    entry = re.sub(r"^\s*(?:and\s+)?(?:the\s+(?=[A-Z]))?", "", entry).strip(" .;,")
    located = re.match(r"(?P<name>.+?),?\s+(?:located|headquartered|based)\s+in\s+(?P<loc>.+)$", entry)
    if located:
        return located.group("name").strip(" ,"), located.group("loc").strip()
    of = re.match(rf"(?P<name>.+?)\s+of\s+(?P<loc>[A-Z][\w. ]+,\s*{_PLACE_END})$", entry)
    if of:
        return of.group("name"), of.group("loc")
    parts = [p.strip() for p in entry.split(",")]
    cut = 1
    while cut < len(parts) and _SUFFIXES.match(parts[cut]):
        cut += 1
    name = ", ".join(parts[:cut])
    if not re.search(r"[A-Za-z]", name) or len(name.split()) > 10:
        return None
    return name, ", ".join(parts[cut:]) or None


def _split_after_places(who: str) -> list[str]:
    """"A, City, ST and B, City, ST" -> two entries; an "and" inside a name ("Missiles and Fire Control") stays."""
    out, start = [], 0
    for match in re.finditer(r",?\s+and\s+", who):
        before = who[start:match.start()]
        # after a place ("..., Tucson, AZ and B"), or between names without places ("A Corporation and B Company")
        if re.search(rf",\s*{_PLACE_END}$", before) or re.search(rf"\b{_COMPANY_END}$", before) and "," not in before:
            out.append(who[start:match.start()])
            start = match.end()
    return [*out, who[start:]]


def contractors(sents: list[Sentence]) -> Contractors:
    """"The principal contractor will be Leidos, located in Reston, VA.", "The principal contractors will be
    A, City, ST; and B, City, ST.", "The principal contractor for the X will be ...", "... will be determined
    from approved vendors", "there is no principal contractor"."""
    out = Contractors()
    for sentence in sents:
        match = _CONTRACTOR.search(sentence.text)
        if not match and re.search(r"\b(?:principal|prime)\s+contractor|\bcontractors\b", sentence.text,
                                   re.IGNORECASE) \
                and _NO_CONTRACTOR.search(sentence.text):  # "A principal contractor has not yet been determined."
            out.to_be_determined = out.to_be_determined or sentence
            continue
        if not match:
            continue
        who = match.group("who")
        if _NO_CONTRACTOR.search(who) or _NO_CONTRACTOR.search(sentence.text[:match.start("who")]):
            out.to_be_determined = out.to_be_determined or sentence
            continue
        entries = [e for e in re.split(r";", who) if e.strip()]
        if len(entries) == 1:  # "A, City, ST and B, City, ST"
            entries = _split_after_places(who)
        for entry in entries:
            place_only = re.fullmatch(rf"\s*(?:and\s+)?([A-Z][A-Za-z. ]+,\s*{_PLACE_END})[\s.]*", entry)
            last = out.found[-1] if out.found and out.found[-1].sentence is sentence else None
            if place_only and last:  # "Javelin Joint Venture, Orlando, FL and Tucson, AZ": a second place
                out.found[-1] = ContractorFound(last.name, f"{last.location} and {place_only.group(1)}"
                                                if last.location else place_only.group(1), sentence)
                continue
            parsed = _contractor(entry)
            if parsed:
                out.found.append(ContractorFound(parsed[0], parsed[1], sentence))
            else:
                out.problems.append(ParseProblem(sentence.where, "cannot tell the contractor's name from its place",
                                                 entry.strip()))
    return out


_OFFSETS = re.compile(r"\boffsets?\b", re.IGNORECASE)


def offsets(sents: list[Sentence]) -> tuple[str, Sentence] | None:
    """One line on offsets: "no known offset agreements proposed" for the usual sentence, else the sentence."""
    found = first(sents, _OFFSETS)
    if not found:
        return None
    sentence = found[0]
    if re.search(r"\bno\s+known\s+offset\s+agreements?\s+proposed", sentence.text, re.IGNORECASE):
        return "no known offset agreements proposed", sentence
    return sentence.text[:300], sentence


# --- the annotation -------------------------------------------------------------------------


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "x"


class Ids:
    """File-local ids from names: stable for the same input, unique within the file."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def __call__(self, name: str) -> str:
        base = slug(name)[:60]
        candidate, n = base, 2
        while candidate in self.used:
            candidate, n = f"{base}-{n}", n + 1
        self.used.add(candidate)
        return candidate


@dataclass
class Sale:
    """What a notice states about the sale, gathered by a kind's parser and turned into the annotation."""

    method: str
    evidence: Sentence  # the sentence stating the approval / the notice's core
    sents: list[Sentence]
    purchaser: Purchaser | None = None
    purchaser_sentence: Sentence | None = None
    date: str | None = None
    cost: Cost | None = None
    items: list[ItemFound] = field(default_factory=list)
    contractors: Contractors = field(default_factory=Contractors)
    details: dict[str, str] = field(default_factory=dict)
    doubts: list[float] = field(default_factory=list)  # how much each missing or weakly found field costs


def _naming(sents: list[Sentence], pattern: str, fallback: Sentence) -> Sentence:
    found = first(sents, re.compile(pattern))
    return found[0] if found else fallback


def _entity(ids: Ids, type_: str, name: str, evidence: Sentence, method: str, confidence: float,
            aliases: list[str] | None = None, description: str | None = None) -> dict[str, Any]:
    entity: dict[str, Any] = {"id": ids(name), "type": type_, "name": name}
    aliases = [a for a in dict.fromkeys(aliases or []) if a.lower() != name.lower()]
    if aliases:
        entity["aliases"] = aliases
    if description:
        entity["description"] = description
    entity.update(evidence=evidence.text, method=method, confidence=round(confidence, 2))
    return entity


def build_sale(sale: Sale) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The entities and the one ``SaleApproval`` event of a notice."""
    ids, m, sents = Ids(), sale.method, sale.sents
    entities: list[dict[str, Any]] = []
    participants: list[dict[str, str]] = []

    def add(entity: dict[str, Any], role: str | None) -> str:
        for existing in entities:  # one entity per name: a contractor named twice, a repeated system
            if existing["type"] == entity["type"] and existing["name"] == entity["name"]:
                ids.used.discard(entity["id"])
                entity = existing
                break
        else:
            entities.append(entity)
        if role and {"entity": entity["id"], "role": role} not in participants:
            participants.append({"entity": entity["id"], "role": role})
        return entity["id"]

    us = _naming(sents, r"(?<!Office in )\bthe United States\b", sale.evidence)
    if us is sale.evidence and "United States" not in us.text:
        us = _naming(sents, r"\bU\.S\.\s", sale.evidence)
    add(_entity(ids, "GovernmentAgency", STATE_DEPARTMENT,
                _naming(sents, r"\bState Department\b|\bDepartment of State\b", sale.evidence), m, 0.95,
                ["State Department"] if "State Department" in sale.evidence.text else None), "approver")
    add(_entity(ids, "State", "United States", us, m, 0.95), "seller")
    if sale.purchaser:
        p = sale.purchaser
        add(_entity(ids, p.type, p.name, sale.purchaser_sentence or sale.evidence, m,
                    0.95 if p.type == "State" else 0.85, p.aliases), "buyer")
        for state, written in p.recipients:
            aliases = [written] if written.lower() != state.name.lower() else []
            add(_entity(ids, "State", state.name, _naming(sents, re.escape(written), sale.evidence), m, 0.85,
                        aliases), "recipient")
    dsca = first(sents, re.compile(r"\bDefense Security Cooperation Agency\s+(?:\(DSCA\)\s+)?[a-z]")) \
        or first(sents, re.compile(r"\bDefense Security Cooperation Agency\b"))
    if dsca:
        add(_entity(ids, "GovernmentAgency", DSCA, dsca[0], m, 0.95), None)
    for c in sale.contractors.found:
        add(_entity(ids, "Contractor", c.name, c.sentence, m, 0.9 if c.location else 0.75,
                    description=c.location), "contractor")
    items_out: list[dict[str, Any]] = []
    systems: list[str] = []
    for item in sale.items:
        # an MDE item is named by its designation, as its WeaponSystem is
        row: dict[str, Any] = {"name": item.system_name if item.major and item.system_name else item.name}
        if item.quantity is not None:
            row["quantity"] = item.quantity
        row["major"] = item.major
        if item.major and item.system_name:
            system = add(_entity(ids, "WeaponSystem", item.system_name, item.sentence or sale.evidence, m,
                                 0.9 if item.acronym else 0.8, [item.acronym] if item.acronym else None), None)
            row["system"] = system
            if system not in systems:
                systems.append(system)
        items_out.append(row)

    event: dict[str, Any] = {"type": "SaleApproval", "id": "sale-approval"}
    if sale.date:
        event["date"] = sale.date
    event["participants"] = participants
    if systems:
        event["systems"] = systems
    if sale.cost:
        amount = sale.cost.amount  # plain numbers, so the annotation dumps as YAML
        event["value"] = {"amount": int(amount) if amount == amount.to_integral_value() else float(amount),
                          "currency": "USD"}
    quantities = [i.quantity for i in sale.items if i.major and i.quantity is not None]
    if len(quantities) == 1:  # the spec's rule: exactly one MDE item with a quantity
        event["quantity"] = quantities[0]
    event["evidence"] = sale.evidence.text
    if items_out:
        event["items"] = items_out
    details = dict(sale.details)
    if sale.cost and sale.cost.up_to:
        details["cost_qualifier"] = "up to"
    if any(i.up_to for i in sale.items if i.major):
        details["quantity_qualifier"] = "up to"
    text = " ".join(s.text for s in sents)
    notified = re.search(rf"\bnotified\s+Congress\s+(?:on\s+)?(?P<date>{DATE}|{_MONTH}\s+\d{{1,2}}\b)", text)
    if notified:  # "notified Congress Dec. 16": the year is the release's
        written = notified.group("date")
        if not re.search(r"\d{4}$", written) and sale.date:
            written = f"{written}, {sale.date[:4]}"
        try:
            details["notified_on"] = normalise_date(written)
        except ValueError:
            pass
    prior = re.search(rf"\bpreviously\s+implemented\s+(?P<case>[^.;]*?\bcase,?\s+valued\s+at\s+{MONEY})", text,
                      re.IGNORECASE)
    if prior:
        details.setdefault("prior_case", prior.group("case"))
    if not sale.contractors.found and sale.contractors.to_be_determined:
        details["contractors"] = "to be determined"
    found_offsets = offsets(sents)
    if found_offsets:
        details["offsets"] = found_offsets[0]
    if re.search(r"\bnotif(?:y|ying|ied)\s+(?:the\s+)?Congress\b", text, re.IGNORECASE):
        details["notified"] = "Congress"
    if sale.purchaser:  # the text's form when it is not a name of the entity (TECRO for Taiwan)
        p = sale.purchaser
        named = re.sub(r"\s*\([A-Z][A-Za-z&-]+\)$", "", p.as_named).lower()
        if named not in {n.lower() for n in (p.name, *p.aliases)}:
            details["purchaser_as_named"] = p.as_named
    if details:
        event["details"] = {k: " ".join(v.split()) for k, v in details.items() if v and v.strip()}
    event["method"] = m
    doubts = list(sale.doubts)
    if sale.cost:
        doubts.append(1.0 - sale.cost.sureness)
    event["confidence"] = round(max(0.1, 0.95 - sum(doubts)), 2)
    return entities, event


_APPROVAL = re.compile(r"\bpossible\s+Foreign\s+Military\s+Sales?\s+(?:\(FMS\)\s+)?to\s+(?P<rest>.+)", re.IGNORECASE)
_APPROVAL_ANY = re.compile(r"\bpossible\s+Foreign\s+Military\s+Sale|\bproposed\s+sale\b", re.IGNORECASE)
_SUBJECT = re.compile(r"^(?:The\s+)?(?P<who>.+?)\s+(?:(?:has|have)\s+)?requested\b")


def body_sale(method: str, sents: list[Sentence], problems: list[ParseProblem],
              purchaser_hint: str | None = None, paras: list[Paragraph] | None = None) -> Sale:
    """The sale a notice's body states: approval sentence, purchaser, cost, items, contractors.

    ``purchaser_hint`` is text that starts with the purchaser's name when the body does not name it
    in an approval sentence (a transmittal's field (i)).
    """
    approval = first(sents, _APPROVAL)
    request = first(sents, _SUBJECT)
    stated = approval or first(sents, _APPROVAL_ANY)
    evidence = stated[0] if stated else request[0] if request else sents[0]
    sale = Sale(method, evidence, sents)
    candidates = [(approval[0], approval[1].group("rest"))] if approval else []
    if request:
        candidates.append((request[0], request[1].group("who")))
    for sentence, text in candidates:
        purchaser = purchaser_at(text)
        if purchaser:
            sale.purchaser, sale.purchaser_sentence = purchaser, sentence
            break
    if not sale.purchaser and purchaser_hint:
        sale.purchaser = purchaser_at(purchaser_hint)
        sale.purchaser_sentence = None
    if not sale.purchaser:
        problems.append(ParseProblem(evidence.where, "no purchaser found in the approval or request sentence",
                                     evidence.text))
        sale.doubts.append(0.3)
    else:
        recipients_for(sale.purchaser, sents)
        if not approval and not purchaser_hint:
            sale.doubts.append(0.1)  # purchaser only from "X has requested to buy"
    sale.cost = cost(sents)
    if not sale.cost:
        problems.append(ParseProblem(evidence.where, "no estimated cost found (\"estimated cost of $X\", "
                                     "\"estimated total cost is $X\", \"valued at $X\" ...)", evidence.text))
        sale.doubts.append(0.2)
    sale.items = headed_items(paras) if paras else []
    sale.items = sale.items or items(sents)
    asked = _REQUEST.search(request[0].text) if request else None
    amendment = bool(request and asked and AMENDMENT.match(request[0].text[asked.end():]))
    if not sale.items and not amendment:
        where = request[0] if request else evidence
        problems.append(ParseProblem(where.where, "no list of requested items found", where.text))
        sale.doubts.append(0.1)
    sale.contractors = contractors(sents)
    problems.extend(sale.contractors.problems)
    if not sale.contractors.found and not sale.contractors.to_be_determined:
        sale.doubts.append(0.05)  # contractors not stated in a way we read
    return sale
