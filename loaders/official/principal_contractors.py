"""The principal contractors a notice names ("The principal contractor will be RTX Corporation, located
in Andover, MA."), each with its place, or that they are still to be determined."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from loaders.official.paragraphs import Sentence
from loaders.official.source import ParseProblem

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
