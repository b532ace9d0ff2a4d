"""The clauses of a DoD award paragraph after its award sentence: where the work is done and when it ends,
the funds obligated, the appropriation, options, how it was competed, the contracting activity and the
Foreign Military Sales customers; and the words they are written in (dates, dollars, contract numbers)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache

from loaders.official.state_names import StateName, alternatives, names_by, reference_names, tecro_names

# --- words: dates, money, contract numbers ------------------------------------------------------------

_MONTHS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10,
           "nov": 11, "dec": 12}
DATE = (r"(?P<mon>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?"
        r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?\s+(?:(?P<day>\d{1,2}),?\s+)?(?P<year>(?:19|20)\d\d)\b")
MONEY = r"\$\s?(?P<num>\d[\d,]*(?:\.\d+)?)(?:\s+(?P<scale>thousand|million|billion))?"
# A contract number (PIID): a 6-character office code, the fiscal year, the instrument letter, a serial:
# W31P4Q-19-C-0097, N0001925F0123, FA8106-25-D-B001, HDTRA1-24-D-0001.
PIID = re.compile(r"\b[A-Z][A-Z0-9]{5}-?\d{2}-?[A-Z]-?[A-Z0-9]{4}\b")


def iso_date(text: str) -> str | None:
    """The first "Nov. 17, 2025" / "November 2028" in ``text`` as ISO, or None."""
    match = re.search(DATE, text)
    if not match:
        return None
    month, year = _MONTHS[match["mon"][:3].lower()], int(match["year"])
    if match["day"] is None:
        return f"{year:04d}-{month:02d}"
    try:
        return date(year, month, int(match["day"])).isoformat()
    except ValueError:
        return None


def dollars(match: re.Match[str]) -> int | float:
    """Dollars: "$698,948,760" -> 698948760, "$32.5 million" -> 32500000."""
    value = Decimal(match["num"].replace(",", ""))
    value *= {"thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000}.get(match["scale"] or "", 1)
    return int(value) if value == value.to_integral_value() else float(value)


# --- the clauses --------------------------------------------------------------------------------------

_END = re.compile(r"(?:expected\s+to\s+be\s+complete[d]?|completion\s+date\s+(?:of|is)|to\s+be\s+completed|"
                  r"will\s+be\s+completed|work\s+will\s+continue\s+through|ordering\s+period\s+end\s+date\s+(?:of|is)|"
                  r"performance\s+period\s+end\s+date\s+(?:of|is))\s+(?:by\s+|in\s+|on\s+|through\s+)?" + DATE, re.I)
# The Defense Logistics Agency's order: "with a Nov. 17, 2030, ordering period end date".
_END_BEFORE = re.compile(r"\bwith\s+an?\s+" + DATE + r",?\s+(?:ordering\s+period\s+end|performance\s+completion|"
                         r"completion|performance\s+period\s+end)\s+date\b", re.I)
_PERFORMED = re.compile(r"\bWork\s+(?:will\s+be|is\s+being|is\s+to\s+be|is|was)\s+performed\s+(?:in|at)\s+", re.I)
_LOCATION = re.compile(r"\bLocations?\s+of\s+performance\s+(?:is|are)\s+", re.I)  # the DLA's wording
_PERFORMED_END = re.compile(r",?\s+(?:and\s+)?(?:is|are|work\s+is)\s+(?:expected|estimated|scheduled|anticipated)\b|"
                            r",?\s+with\s+an?\s+(?:estimated\s+)?completion\b|,?\s+with\s+an?\s+\w+\.?\s+\d|\.$")
_OBLIGATED = re.compile(r"\s+(?:is|are|was|were|will\s+be|have\s+been|has\s+been)\s+(?:being\s+)?obligated\b", re.I)
_ACTIVITY = re.compile(r"^(?:The\s+)?(?P<who>.+?),?\s+(?:is|was|are|will\s+be)\s+the\s+contracting\s+"
                       r"(?:activity|agency|authority|office)\b(?P<after>.*)$")
_ACTIVITY_FIRST = re.compile(r"^The\s+contracting\s+(?:activity|agency|authority)\s+is\s+(?:the\s+)?(?P<who>.+)$")
FMS = re.compile(r"foreign\s+military\s+(?:sales?|financing)|\bFMS\b|\bFMF\b|\bgovernments?\s+of\b|"
                 r"\bon\s+behalf\s+of\b|\bTaipei\s+Economic", re.I)
_FOR_STATE = re.compile(r"\b(?:for|to)\s+(?:the\s+)?$")
@dataclass(frozen=True)
class Activity:
    name: str
    location: str | None
    sentence: str
    piids: tuple[str, ...]


def contracting_activity(sentence: str) -> Activity | None:
    match = _ACTIVITY.match(sentence) or _ACTIVITY_FIRST.match(sentence)
    if not match:
        return None
    piids = tuple(PIID.findall(sentence))
    who = re.sub(r"\s*\([^()]*\)", "", match["who"]).strip(" ,")
    who = re.sub(r"(?<![A-Z]\.[A-Z])\.$", "", who)  # the sentence's period, not the one of "D.C."
    parts = [p.strip() for p in who.split(",") if p.strip()]
    if not parts:
        return None
    name = re.sub(r"^the\s+", "", parts[0], flags=re.I)
    return Activity(name, ", ".join(parts[1:]) or None, sentence, piids)


def _performance(sentence: str) -> str | None:
    """"Tucson, Arizona (45%); Andover, Massachusetts (55%)" from "Work will be performed in ..."."""
    match = _PERFORMED.search(sentence) or _LOCATION.search(sentence)
    if not match:
        if re.search(r"\bWork\s+locations?\b.*\bdetermined\s+with\s+each\s+order", sentence, re.I):
            return "to be determined with each order"
        return None
    rest = sentence[match.end():]
    end = _PERFORMED_END.search(rest)
    places = rest[:end.start()] if end else rest
    shares = re.findall(r"(?:^|[;,])\s*(?:and\s+)?([^;%()]+?)\s*\((\d+(?:\.\d+)?)\s*%\)", places)
    if shares:
        return "; ".join(f"{place.strip()} ({share}%)" for place, share in shares)
    places = " ".join(places.strip(" ,.").split())
    return "; ".join(re.sub(r"^and\s+", "", p) for p in re.split(r"\s*;\s*", places) if p) or None


def _competition(sentence: str) -> str | None:
    """How the award was competed, in a few words, from the sentence that says it."""
    if re.search(r"\bnot\s+(?:been\s+)?competitively\s+procured", sentence, re.I):
        return "not competitively procured"
    result = re.search(r"\bresult\s+of\s+(?:an?\s+)?(.*?(?:sole[- ]source|competitive).*?)\.?$", sentence, re.I)
    if result:
        return result.group(1)
    if re.search(r"\bsole[- ]source\s+acquisition", sentence, re.I):
        return "sole source"
    offers = re.search(r"\b(?:Bids|Proposals|Offers)\s+were\s+solicited\b.*?\bwith\s+(\w+)\s+received", sentence)
    if offers:
        return f"competitive, {offers.group(1)} received"
    offers = re.search(r"\bcompetitive\s+acquisition\b.*?\b(\w+)\s+(?:offers|bids|proposals)\s+(?:were\s+)?received",
                       sentence, re.I)
    return f"competitive, {offers.group(1)} received" if offers else None


def _obligated(sentence: str) -> str | None:
    """The funds clause as one line: "Fiscal 2026 foreign military sales (Taiwan) funds in the amount of $N"."""
    if re.search(r"\bno\s+funds\b", sentence, re.I):
        return "none at the time of award"
    match = _OBLIGATED.search(sentence)
    if not match:
        return None
    before = sentence[:match.start()].strip(" ,;")
    if len(before.split()) < 2:
        return sentence.rstrip(".")  # "Funds will be obligated on individual orders."
    if "$" not in before:
        return f"{before} (amount not stated)"
    # "X funds in the amount of $N (65%); and Y funds in the amount of $M" -> "X funds $N (65%); Y funds $M"
    parts = [re.sub(r"^and\s+", "", p) for p in re.split(r"\s*;\s*", before) if p]
    return "; ".join(re.sub(r"\s+in\s+the\s+amount\s+(?:of\s+)?(?=\$)", " ", p) for p in parts)


@dataclass(frozen=True)
class Customer:
    name: str  # the reference name of the state
    aliases: tuple[str, ...]
    sentence: str
    confidence: float
    as_named: str | None = None  # TECRO


@cache
def _state_names() -> tuple[re.Pattern[str], dict[str, StateName]]:
    """Every name of a state but the United States (the buyer, never an FMS customer), as written, and TECRO's."""
    surfaces = names_by(str, (name for name in reference_names() if name.state.iso != "US"))
    surfaces |= {name.text: name for name in tecro_names()}  # TECRO's forms win
    return re.compile(rf"(?<![\w-])(?:{alternatives(surfaces)})(?![\w-])"), surfaces


def fms_customers(scopes: list[tuple[str, str]]) -> list[Customer]:
    """The FMS customer states named in sentences that speak of foreign military sales or a government
    (``scopes``: each sentence and the part of it to search: the award sentence after its awardees)."""
    pattern, surfaces = _state_names()
    found: dict[str, Customer] = {}
    for sentence, scope in scopes:
        if _PERFORMED.match(scope) or "contracting activity" in scope:
            continue
        speaks = bool(FMS.search(scope))
        explicit = bool(re.search(r"foreign\s+military|\bFMS\b|\bFMF\b", scope, re.I))
        for match in pattern.finditer(scope):
            if scope[max(0, match.start() - 4):match.start()] == "New ":  # "New Mexico" is not Mexico
                continue
            if match.group(0) == "Georgia" and re.search(r"[a-z.], $", scope[:match.start()]):
                continue  # "Robins Air Force Base, Georgia": the US state
            if not speaks and not (sentence is scopes[0][0] and _FOR_STATE.search(scope[:match.start()])):
                continue  # outside FMS wording only the purpose's "for the Kingdom of Saudi Arabia" counts
            surface = surfaces[match.group(0)]
            name = surface.state.name
            alias = (match.group(0),) if surface.proper and match.group(0) != name else ()
            as_named = match.group(0) if name == "Taiwan" and "Taipei" in match.group(0) else None
            old = found.get(name)
            confidence = 0.9 if explicit else 0.8 if speaks else 0.75
            if old is None:
                found[name] = Customer(name, alias, sentence, confidence, as_named)
            else:
                aliases = old.aliases + tuple(a for a in alias if a not in old.aliases)
                found[name] = Customer(name, aliases, old.sentence, max(old.confidence, confidence),
                                        old.as_named or as_named)
    return list(found.values())


def other_clauses(chunk: list[str]) -> tuple[dict[str, str], str | None]:
    """Places of performance, funds, appropriation, options, competition and the completion date."""
    details: dict[str, str] = {}
    end_date = None
    for sentence in chunk:
        readers = {
            "performance": _performance(sentence),
            "obligated": _obligated(sentence) if "obligat" in sentence.lower() else None,
            "competition": _competition(sentence),
        }
        for key, value in readers.items():
            if value and key not in details:
                details[key] = value
        appropriation = re.search(r"\bType\s+of\s+appropriation\s+is\s+(.+?)\.?$", sentence)
        if appropriation:
            details["appropriation"] = appropriation.group(1)
        options = re.search(rf"\bcumulative\s+value\s+of\s+th(?:is|e)\s+contract\s+to\s+({MONEY})", sentence)
        if options:
            details["cumulative_value"] = f"{options.group(1)} if all options are exercised"
        end = _END.search(sentence) or _END_BEFORE.search(sentence)
        if end and end_date is None:
            end_date = iso_date(end.group(0))
    return details, end_date
