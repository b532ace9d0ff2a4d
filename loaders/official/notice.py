"""What DSCA releases and 36(b)(1) transmittals share: the notice of a possible Foreign Military Sale.

Both kinds state the same facts in the same sentences (a transmittal's POLICY JUSTIFICATION is the
release's body): the purchaser, the items (major defense equipment and the rest), the estimated
cost and its qualifier, the principal contractors, offsets, the dateline, the transmittal number.
:mod:`.dsca` and :mod:`.transmittal` read their own framing; this module reads the body with
:mod:`.purchasers`, :mod:`.amounts`, :mod:`.requested_items` and :mod:`.principal_contractors`
(:func:`body_sale`) and builds the annotation (:func:`build_sale`).

Patterns are written for the wording DSCA has used over the years (``../shared/official-formats.md``),
not for particular notices; what a pattern cannot read is left out and lowers the confidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from loaders.extraction.dates import normalise_date
from loaders.official.amounts import MONEY, Cost, cost
from loaders.official.paragraphs import Paragraph, Sentence, first
from loaders.official.principal_contractors import Contractors, contractors
from loaders.official.purchasers import Purchaser, purchaser_at, recipients_for
from loaders.official.requested_items import AMENDMENT, REQUEST, ItemFound, headed_items, items
from loaders.official.source import ParseProblem
from loaders.resolution import slug

STATE_DEPARTMENT = "U.S. Department of State"
DSCA = "Defense Security Cooperation Agency"


# --- dates and numbers of record -----------------------------------------------------------

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


def note_transmittal(sale: Sale, article: dict[str, Any], body: str) -> None:
    """The notice's transmittal number into the sale's details and the article's metadata; none costs confidence."""
    number = transmittal_number(body)
    if number:
        sale.details["transmittal"] = number
        article["metadata"] = {"transmittal": number}
    else:
        sale.doubts.append(0.05)


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
    asked = REQUEST.search(request[0].text) if request else None
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
