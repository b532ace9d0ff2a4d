"""One award of a DoD contract announcement: its sentences, its awardees ("Company,* City, State (PIID)"),
the amount and its qualifier, the contract type and numbers, the purpose; and a CORRECTION's restated award.
The other clauses are read by :mod:`.dod_clauses`, the systems of the purpose by :mod:`.dod_systems`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from loaders.official.dod_clauses import (
    DATE,
    FMS,
    MONEY,
    PIID,
    Activity,
    Customer,
    contracting_activity,
    dollars,
    fms_customers,
    other_clauses,
)
from loaders.official.dod_systems import System, purpose_systems
from loaders.official.paragraphs import announcement_sentences
from loaders.official.state_names import TECRO

# --- the award sentence -----------------------------------------------------------------------------------

_AWARDED = re.compile(
    r",?\s*\b(?:(?:is|are|was|were|has|have|had|will\s+be)\s+(?:been\s+|being\s+)?(?:each\s+|jointly\s+|also\s+)?"
    r"awarded|(?:will|shall|may)\s+(?:each\s+)?compete\s+for|(?:has|have)\s+been\s+added\s+as\s+(?:an?\s+)?awardees?"
    r"|(?:is|are|was|were)\s+(?:being\s+)?issued)\b")
_QUALIFIERS = r"not[- ]to[- ]exceed|ceiling|maximum|estimated|combined|cumulative|total|potential|approximately|initial"
_AMOUNT = re.compile(rf"(?:\b(?:an?|the)\s+|^\s*)(?P<qual>(?:(?:{_QUALIFIERS})\s+)*){MONEY}")
_AMOUNT_WEAK = re.compile(rf"\b(?P<qual>maximum\s+value|ceiling|not[- ]to[- ]exceed|(?:combined\s+|total\s+)?value|"
                          rf"valued\s+at|worth)\s+(?:of\s+)?(?:up\s+to\s+)?{MONEY}")
_NOUN = re.compile(r"(?<![\w-])(?:(?:task|delivery)\s+orders?|contract\s+modifications?|modifications?|contracts?|"
                   r"orders?|agreements?)(?![\w-])")
_MOD_NUMBER = re.compile(r"^\s*(?:number\s+|No\.\s*)?\(?\s*([A-Z][A-Z0-9]\d{3,4})\b\s*\)?")
_REF_CONTRACT = re.compile(rf"\b(?:contract|agreement|vehicle)\s*(?:number\s+|No\.\s*)?\(?\s*({PIID.pattern})")
_REF_ORDER = re.compile(rf"\border\s*(?:number\s+|No\.\s*)?\(?\s*({PIID.pattern})")
_PURPOSE = re.compile(r"\b(for|to)\s+(?!(?:a\s+|an\s+|the\s+)?(?:previously|existing|contracts?\b|basic\s+ordering|"
                      r"(?:task\s+|delivery\s+)?orders?\b|indefinite|firm|cost|fixed|exceed)\b)")
_SUFFIX = re.compile(r"^(?:Inc|LLC|L\.L\.C|Corp|Co|Ltd|LP|L\.P|LLP|PLC|N\.V|S\.A|GmbH|AG|PBC|P\.C|JV|Limited|"
                     r"Incorporated|Company)\.?$", re.I)
_CONNECTORS = {"and", "of", "the", "for", "de", "du", "des", "da", "von", "van", "und", "&", "y", "et"}


@dataclass
class _Awardee:
    name: str
    location: str | None
    aliases: list[str] = field(default_factory=list)
    piids: list[str] = field(default_factory=list)
    amount: re.Match[str] | None = None  # "(SPE2DF-26-D-0020, $49,500,000)": an awardee added to a contract
    small: bool = False


def _awardee(chunk: str) -> _Awardee | None:
    """``Company[,*] City, State[ (PIID)]`` as name, location, PIIDs; None when it does not read as one."""
    chunk = re.sub(r"^(?:and|&)\s+", "", chunk.strip(" ,;"))
    small = "*" in chunk
    chunk = chunk.replace("*", "")
    piids: list[str] = []
    aliases: list[str] = []
    amounts: list[re.Match[str]] = []

    def paren(match: re.Match[str]) -> str:
        inner = match.group(1)
        if PIID.search(inner):
            piids.extend(PIID.findall(inner))
            amounts.extend(re.finditer(MONEY, inner))
            return ""
        if re.fullmatch(r"[A-Z][A-Za-z0-9&/.-]{1,15}", inner):  # "(GA-ASI)": the company's short name
            aliases.append(inner)
            return ""
        other = re.match(r"(?:doing\s+business\s+as|d/b/a|dba|formerly(?:\s+known\s+as)?)\s+(.+)$", inner, re.I)
        if other:
            aliases.append(other.group(1).strip())
            return ""
        return match.group(0)

    chunk = re.sub(r"\s*\(([^()]*)\)", paren, chunk)
    dba = re.search(r",?\s*\b(?:doing\s+business\s+as|d/b/a|dba)\s+([^,]+)", chunk)
    if dba:
        aliases.append(dba.group(1).strip())
        chunk = chunk[:dba.start()] + chunk[dba.end():]
    parts = [p.strip() for p in chunk.split(",") if p.strip()]
    if not parts:
        return None
    name, rest = parts[0], parts[1:]
    full = name
    while rest and _SUFFIX.match(rest[0]):  # "Kratos Defense & Security Solutions, Inc.": the name before the comma
        full += ", " + rest.pop(0)
    if full != name:
        aliases.insert(0, full)
    words = name.split()
    if (not re.match(r"[A-Z0-9]", name) or len(words) > 12
            or any(w[0].islower() and w not in _CONNECTORS for w in words[1:])):
        return None
    if not rest and not piids:
        return None
    location = ", ".join(rest[-2:]) if rest else None
    return _Awardee(name, location, aliases, piids, amounts[0] if amounts else None, small)


def _awardee_chunks(head: str) -> list[str]:
    """The awardees of a head: ';'-separated, or each closed by its PIID, or "A, City, ST, and B, City, ST"."""
    if ";" in head:
        return [p for p in re.split(r"\s*;\s*", head) if p.strip(" ,")]
    cuts = [m.end() for m in re.finditer(r"\(([^()]*)\)\s*,?\s*(?:and\s+)?", head)
            if PIID.search(m.group(1)) and m.end() < len(head)]
    if cuts:
        bounds = [0, *cuts, len(head)]
        return [head[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
    parts = re.split(r",\s+and\s+(?=[A-Z0-9])", head)
    if len(parts) > 1 and all(p.count(",") >= 2 for p in parts):
        return parts
    return [head]


# --- an award -------------------------------------------------------------------------------------------------


@dataclass
class Award:
    awardees: list[_Awardee]
    amount: int | float
    evidence: str  # the sentence that states the award
    purpose_sentence: str  # the sentence that names what is bought (the same but in corrections)
    end_date: str | None
    activity: Activity | None
    customers: list[Customer]
    systems: list[System]
    details: dict[str, str]
    confidence: float


def award_chunks(text: str) -> list[list[str]]:
    """The sentences of each award in a paragraph: an award opens with its "is awarded" sentence; a paragraph
    that runs several awards together starts the next one after the contracting-activity sentence."""
    chunks: list[list[str]] = []
    closed = True
    for sentence in announcement_sentences(text):
        opens = _AWARDED.search(sentence)
        if (opens and opens.start() > 0 and closed  # a later award needs a readable awardee, not "Each awardee"
                and (not chunks or all(map(_awardee, _awardee_chunks(sentence[:opens.start()]))))):
            chunks.append([sentence])
            closed = False
        elif chunks:
            chunks[-1].append(sentence)
            if re.search(r"\bcontracting\s+(?:activity|agency|authority)\b", sentence):
                closed = True
    return chunks


def _one_line(text: str) -> str:
    return " ".join(text.split())


def read_award(chunk: list[str]) -> Award | str:
    """The award its sentences state, or the reason it cannot be read (no awardee, no amount)."""
    first = chunk[0]
    verb = _AWARDED.search(first)
    assert verb is not None  # award_chunks opens a chunk only on such a sentence
    return _read(chunk, first[:verb.start()].strip(" ,"), first[verb.end():], first, verb.group(0).strip(" ,"))


# "CORRECTION: The contract announced on Nov. 14, 2025, for Company, City, State (PIID), was announced with an
# incorrect amount. The correct amount is a $N <type> modification (P000NN) to contract <PIID> for <purpose>."
_ANNOUNCED = re.compile(r"^The\s+(?:[\w-]+\s+){0,3}?(?:contract|modification|order|award)\s+(?:\w+\s+){0,2}?announced"
                        r"\s+(?:on\s+)?(?:" + DATE + r")?,?\s+(?:for|to)\s+(?P<head>.+?),?\s+(?:was|has\s+been|is)\s+"
                        r"(?:announced|corrected|issued|published)\b")
_CORRECT = re.compile(r"^The\s+correct\s+[\w /-]+?\s+(?:is|was|should\s+(?:have\s+)?be(?:en)?)\s+(?P<tail>.+)$")


def read_correction(text: str) -> Award | str | None:
    """The award a correction restates (None when it is not worded as one), or why it cannot be read."""
    chunk = announcement_sentences(text)
    announced = _ANNOUNCED.match(chunk[0]) if chunk else None
    if not announced:
        return None
    head = announced["head"]
    original = re.search(r",?\s+for\s+(?=\$)", head)  # "for Company, City, State, for $N": the amount announced
    tail = head[original.end():] if original else ""
    head = head[:original.start()] if original else head
    correct = next((m for m in map(_CORRECT.match, chunk[1:]) if m and "$" in m["tail"]), None)
    if correct:
        return _read(chunk, head, " " + correct["tail"], correct.string, "announced", evidence=chunk[0])
    return _read(chunk, head, " " + tail, chunk[0], "announced")


def _read(chunk: list[str], head: str, tail: str, stated_in: str, verb: str, evidence: str | None = None
          ) -> Award | str:
    """An award from its awardees (``head``), what follows the verb (``tail``, in sentence ``stated_in``) and
    the paragraph's other sentences (``chunk``); ``evidence`` is the sentence stating it when not ``stated_in``."""
    awardees = [_awardee(c) for c in _awardee_chunks(head)]
    if not awardees or any(a is None for a in awardees):
        return f"cannot read the awardee before {verb!r} (expected 'Company, City, State')"
    readers = [a for a in awardees if a is not None]
    amount = _award_amount(tail, readers)
    if amount is None:
        return "cannot read the amount (no '$N' in the award sentence)"
    value, weak, details = amount
    after, terms = _terms(tail, weak)
    details.update(terms)
    activity = next((a for a in map(contracting_activity, chunk[1:]) if a), None)
    details.update(_numbers(tail, readers, activity))
    purpose_at = _PURPOSE.search(after)
    purpose = ""
    if purpose_at:  # "for <purpose>" without its "for"; "to exercise options ..." with its "to"
        purpose = after[purpose_at.end():] if purpose_at.group(1) == "for" else after[purpose_at.start():]
        details["purpose"] = purpose = purpose.strip().rstrip(".")
    clauses, end_date = other_clauses(chunk)
    details.update(clauses)
    small = [a.name for a in readers if a.small]
    if small:
        details["small_business"] = "; ".join(small)
    scopes = [(stated_in, tail)] + [(s, s) for s in chunk if s not in (stated_in, evidence)]
    customers = fms_customers(scopes)
    if customers:
        details["fms_customers"] = "; ".join(c.name for c in customers)
    elif FMS.search(" ".join(s for _, s in scopes)):
        details["fms_customers"] = "not named"
    if any(c.as_named for c in customers):
        details["purchaser_as_named"] = TECRO
    # How sure: every clause the announcements normally state and this one does not, or read by a weaker pattern.
    missing = [weak and 0.15, "contract_type" not in details and 0.05, "contract" not in details and 0.05,
               not purpose and 0.05, end_date is None and 0.05, activity is None and 0.1,
               any(a.location is None for a in readers) and 0.1]
    return Award(
        awardees=readers, amount=value, evidence=evidence or stated_in, purpose_sentence=stated_in,
        end_date=end_date, activity=activity, customers=customers, systems=purpose_systems(purpose),
        details={k: _one_line(v) for k, v in details.items() if v},
        confidence=round(max(0.95 - sum(m or 0 for m in missing), 0.3), 2),
    )


def _award_amount(tail: str, readers: list[_Awardee]) -> tuple[int | float, bool, dict[str, str]] | None:
    """The award's dollars, whether a weaker pattern found them, and the qualifier ("ceiling" ...) as details."""
    amount = _AMOUNT.search(tail)
    weak = amount is None
    own = [a.amount for a in readers if a.amount]  # "(SPE603-25-D-0001, $18,000,000)" after each awardee
    if amount is None:
        amount = _AMOUNT_WEAK.search(tail) or (own[0] if own else None)
    if amount is None:
        return None
    qualifier = " ".join((amount.groupdict().get("qual") or "").split()).lower()
    qualifier = re.sub(r"^(?:value|valued at|worth)$", "", qualifier).replace(" value", "")
    if own and amount is own[0]:
        return sum(dollars(m) for m in own), weak, {"amount_qualifier": "combined"} if len(own) > 1 else {}
    return dollars(amount), weak, {"amount_qualifier": qualifier} if qualifier else {}


def _terms(tail: str, weak: bool) -> tuple[str, dict[str, str]]:
    """The contract type and modification number around the award's noun, and the text after the noun."""
    amount = None if weak else _AMOUNT.search(tail)
    lead = re.match(r"\s*(?:an?|the)\s+", tail)
    if amount:
        rest = tail[amount.end():]
    elif lead:  # "a firm-fixed-price contract with a combined value of $N"
        rest = tail[lead.end():]
    else:  # "has been added as an awardee to the ... contract": no type to read
        rest = tail
    noun = _NOUN.search(rest)
    if not noun:
        return rest, {}
    details: dict[str, str] = {}
    kind = rest[:noun.start()].strip(" ,")
    if kind and "$" not in kind and len(kind) < 150 and not re.search(r"\b(?:for|to|under|of|as)\b", kind):
        details["contract_type"] = kind
    after = rest[noun.end():]
    if "modification" in noun.group(0):
        number = _MOD_NUMBER.match(after)
        details["modification"] = number.group(1) if number else "yes (number not stated)"
    return after, details


def _numbers(tail: str, readers: list[_Awardee], activity: Activity | None) -> dict[str, str]:
    """The contract number: the one modified or ordered against, else the awardees', else the activity's."""
    reference_contract = _REF_CONTRACT.search(tail)
    order = _REF_ORDER.search(tail)
    piids = [p for a in readers for p in a.piids]
    details: dict[str, str] = {}
    if reference_contract:
        details["contract"] = reference_contract.group(1)
    elif piids:
        details["contract"] = "; ".join(dict.fromkeys(piids))
    elif activity and activity.piids:
        details["contract"] = "; ".join(activity.piids)
    elif order:
        details["contract"] = order.group(1)
    if order:
        details["order"] = order.group(1)
    return details
