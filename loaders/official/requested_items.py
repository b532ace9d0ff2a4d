"""What a notice says the purchaser requested: the listed items, major defense equipment (MDE) or not,
each with its quantity and, for MDE, the system's designation and acronym.

Lists come in running text ("has requested to buy three (3) ...; and ...") or under heading lines
("Major Defense Equipment (MDE):", "Non-MDE:"), as newer releases and transmittals' field (iii) print them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from loaders.official.amounts import split_quantity
from loaders.official.paragraphs import Paragraph, Sentence
from loaders.official.purchasers import state_names


@dataclass
class ItemFound:
    name: str  # the phrase without its quantity
    quantity: int | None
    major: bool
    system_name: str | None = None  # MDE only: the designation without quantity and trailing acronym
    acronym: str | None = None
    sentence: Sentence | None = None
    up_to: bool = False  # "up to 84 AIM-120C-8 ..."


REQUEST = re.compile(r"\b(?:has\s+)?requested\s+(?:to\s+buy|to\s+purchase|a\s+possible\s+sale\s+(?:of|for)|the\s+"
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
    _, names = state_names()
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
        request = REQUEST.search(text)
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
