"""The DoD's daily contract announcements ("Contracts For Nov. 17, 2025"): one ``ContractAward`` per award paragraph.

A day's page is a title, agency headings (ARMY, NAVY, DEFENSE LOGISTICS AGENCY ...), award paragraphs
and footnotes (``*Small business``). An award paragraph opens with its awardee(s) and the award:
``Company,* City, State (PIID), is awarded a [ceiling] $N <type> {contract|modification (P000NN) to
previously awarded contract <PIID>|order (<PIID>)} for <purpose>.``, then where the work is done and
when it ends, the funds obligated, any Foreign Military Sales customers, and the contracting activity.
The clauses are read one by one, so one missing clause costs confidence, not
the award; only an award whose awardee or amount cannot be read is a problem.

This module walks the page (title, headings, footnotes, CORRECTION/UPDATE notices) and turns each award
into entities and an event; :mod:`.dod_awards` reads an award's sentences.
"""

from __future__ import annotations

import re
from typing import Any

from kg.names import normalise_name
from loaders.official.dod_awards import Award, award_chunks, read_award, read_correction
from loaders.official.dod_clauses import iso_date
from loaders.official.paragraphs import Paragraph, paragraphs
from loaders.official.source import OfficialText, Parsed, ParseProblem
from loaders.resolution import slug

KIND = "dod-contracts"
METHOD = "parser:dod-contracts"
OUTLET = "U.S. Department of Defense"

_TITLE = re.compile(r"^Contracts\s+For\s+(?:[A-Z][a-z]+day,?\s+)?(.+?)\s*$", re.I)
# An agency heading is a short line in capitals: "ARMY", "DEFENSE LOGISTICS AGENCY", "U.S. SPECIAL OPERATIONS COMMAND".
_HEADING = re.compile(r"^[A-Z][A-Z0-9 &,.'()/-]{1,80}$")
_FOOTNOTE = re.compile(r"^\*+\s*\S")
_NOTICE = re.compile(r"^\*?\s*(CORRECTION|UPDATE)\s*:\s*", re.I)


class _Page:
    """Entities shared across a page's awards (one entity per name and type), events, problems."""

    def __init__(self, text: OfficialText) -> None:
        self.text = text
        self.entities: dict[tuple[str, str], dict[str, Any]] = {}
        self.ids: set[str] = set()
        self.events: list[dict[str, Any]] = []
        self.problems: list[ParseProblem] = []
        self.date: str | None = None
        self.title: str | None = None
        self.heading: str | None = None

    def entity(self, type_: str, name: str, evidence: str, confidence: float, prefix: str = "",
               description: str | None = None, aliases: list[str] | tuple[str, ...] = ()) -> str:
        key = (type_, normalise_name(name))
        found = self.entities.get(key)
        if found is None:
            base = prefix + slug(name)
            ident, n = base, 2
            while ident in self.ids:
                ident, n = f"{base}-{n}", n + 1
            self.ids.add(ident)
            found = {"id": ident, "type": type_, "name": name, "evidence": evidence, "method": METHOD,
                     "confidence": confidence}
            if description:
                found["description"] = description
            self.entities[key] = found
        known = {normalise_name(a) for a in (found["name"], *found.get("aliases", ()))}
        extra = [a for a in aliases if normalise_name(a) not in known]
        if extra:
            found["aliases"] = [*found.get("aliases", ()), *dict.fromkeys(extra)]
        return str(found["id"])

    def problem(self, para: Paragraph, reason: str) -> None:
        self.problems.append(ParseProblem(para.where, reason, para.text))

    def read(self, para: Paragraph) -> None:
        title = _TITLE.match(para.text)
        if title and len(para.text) < 80:
            self.title = para.text
            self.date = self.date or iso_date(title.group(1))
            return
        notice = _NOTICE.match(para.text)
        if not notice and (_FOOTNOTE.match(para.text) and len(para.text) < 80):
            return
        if not notice and _HEADING.fullmatch(para.text) and re.search(r"[A-Z]{2}", para.text):
            self.heading = para.text.strip(" :")
            return
        body = para.text[notice.end():] if notice else para.text
        kind = notice.group(1).upper() if notice else None
        chunks = award_chunks(body)
        if not chunks and kind == "CORRECTION":
            restated = read_correction(body)
            if restated is None:
                self.problem(para, "a CORRECTION that states no award (not parsed)")
            else:
                self.add(para, restated, correction=True, update=False)
        elif not chunks and _AWARD_LIKE.search(body) and _ACTIVITY_NAMED.search(body):
            # A dollar amount and a contracting activity, but no award wording the parser reads ("has been
            # selected for", "received"): an award all the same, so it is reported, not silently dropped.
            self.problem(para, "an award in a wording the parser does not read (no \"is awarded\" or the like)")
        for chunk in chunks:  # none: a paragraph that is not an award yields nothing
            self.add(para, read_award(chunk), correction=kind == "CORRECTION", update=kind == "UPDATE")

    def add(self, para: Paragraph, parsed: Award | str, *, correction: bool, update: bool) -> None:
        if isinstance(parsed, str):
            if correction:
                self.problem(para, f"a CORRECTION that states no award (not parsed): {parsed}")
            else:
                self.problem(para, parsed)
            return
        award = parsed
        participants = []
        for awardee in award.awardees:
            ident = self.entity("Contractor", awardee.name, award.evidence, 0.9 if awardee.location else 0.7,
                                description=awardee.location, aliases=awardee.aliases)
            participants.append({"entity": ident, "role": "contractor"})
        if award.activity:
            ident = self.entity("GovernmentAgency", award.activity.name, award.activity.sentence, 0.9,
                                description=award.activity.location)
            participants.append({"entity": ident, "role": "buyer"})
        for customer in award.customers:
            ident = self.entity("State", customer.name, customer.sentence, customer.confidence,
                                aliases=customer.aliases)
            participants.append({"entity": ident, "role": "recipient"})
        systems = [self.entity("WeaponSystem", s.name, award.purpose_sentence, s.confidence, prefix="system-",
                               aliases=s.aliases) for s in award.systems]
        details = dict(award.details)
        if self.heading:
            details["agency_heading"] = self.heading
        if correction:
            details["correction"] = "yes"
        if update:
            details["update"] = "yes"
        event: dict[str, Any] = {"id": f"award-{len(self.events) + 1}", "type": "ContractAward"}
        date = self.date or self.text.date
        if date:
            event["date"] = date
        if award.end_date:
            event["end_date"] = award.end_date
        event["participants"] = participants
        if systems:
            event["systems"] = list(dict.fromkeys(systems))
        event["value"] = {"amount": award.amount, "currency": "USD"}
        event.update(evidence=award.evidence, confidence=award.confidence, method=METHOD, details=details)
        self.events.append(event)


_AWARD_LIKE = re.compile(r"\$\s?\d")
_ACTIVITY_NAMED = re.compile(r"contracting\s+activit(?:y|ies)", re.IGNORECASE)


def parse(text: OfficialText) -> Parsed:
    """The awards of a day's contract announcements; paragraphs that are not awards yield nothing."""
    page = _Page(text)
    paras = paragraphs(text)
    # Every award takes the page's date: the title's in the text (it may follow a preamble), else the header
    # title's; else (in _Page.add) the header's date.
    titles = [para.text for para in paras if len(para.text) < 80] + [text.title or ""]
    page.date = next((d for t in titles if (m := _TITLE.match(t)) and (d := iso_date(m.group(1)))), None)
    for para in paras:
        page.read(para)
    article: dict[str, Any] = {"type": "PressRelease", "outlet": OUTLET}
    if page.date:
        article["date"] = page.date
    if page.title:
        article["title"] = page.title
    return Parsed(article=article, entities=list(page.entities.values()), events=page.events,
                  problems=page.problems)
