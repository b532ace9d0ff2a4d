"""The DoD's daily contract announcements ("Contracts For Nov. 17, 2025"): one ``ContractAward`` per award paragraph.

A day's page is a title, agency headings (ARMY, NAVY, DEFENSE LOGISTICS AGENCY ...), award paragraphs
and footnotes (``*Small business``). An award paragraph opens with its awardee(s) and the award:
``Company,* City, State (PIID), is awarded a [ceiling] $N <type> {contract|modification (P000NN) to
previously awarded contract <PIID>|order (<PIID>)} for <purpose>.``, then where the work is done and
when it ends, the funds obligated, any Foreign Military Sales customers, and the contracting activity.
The clauses are read one by one, so one missing clause costs confidence, not
the award; only an award whose awardee or amount cannot be read is a problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

import yaml

from loaders import reference
from loaders.extraction.gazetteer import LEXICON_FILE
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


@dataclass(frozen=True)
class _Paragraph:
    number: int  # 1-based among the body's paragraphs
    line: int  # the file's line where it starts
    text: str  # its words, runs of white space as one space

    @property
    def where(self) -> str:
        return f"paragraph {self.number} (line {self.line})"


def paragraphs(text: OfficialText) -> list[_Paragraph]:
    """The body's paragraphs (blank-line separated) with their position in the file."""
    out: list[_Paragraph] = []
    lines: list[str] = []
    start = 0
    for index, line in enumerate([*text.body.split("\n"), ""]):
        if line.strip():
            if not lines:
                start = index
            lines.append(line)
        elif lines:
            out.append(_Paragraph(len(out) + 1, start + 1 + text.line_offset, " ".join(" ".join(lines).split())))
            lines = []
    return out


# --- words: dates, money, names ---------------------------------------------------------------------

_MONTHS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10,
           "nov": 11, "dec": 12}
_DATE = (r"(?P<mon>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?"
         r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?\s+(?:(?P<day>\d{1,2}),?\s+)?(?P<year>(?:19|20)\d\d)\b")
_MONEY = r"\$\s?(?P<num>\d[\d,]*(?:\.\d+)?)(?:\s+(?P<scale>thousand|million|billion))?"
# A contract number (PIID): a 6-character office code, the fiscal year, the instrument letter, a serial:
# W31P4Q-19-C-0097, N0001925F0123, FA8106-25-D-B001, HDTRA1-24-D-0001.
_PIID = re.compile(r"\b[A-Z][A-Z0-9]{5}-?\d{2}-?[A-Z]-?[A-Z0-9]{4}\b")


def fold(name: str) -> str:
    """A name's comparison key: case, punctuation and a leading "the" ignored."""
    words = re.sub(r"[^\w]+", " ", name.casefold()).split()
    return " ".join(words[1:] if words[:1] == ["the"] and len(words) > 1 else words)


def iso_date(text: str) -> str | None:
    """The first "Nov. 17, 2025" / "November 2028" in ``text`` as ISO, or None."""
    match = re.search(_DATE, text)
    if not match:
        return None
    month, year = _MONTHS[match["mon"][:3].lower()], int(match["year"])
    if match["day"] is None:
        return f"{year:04d}-{month:02d}"
    try:
        return date(year, month, int(match["day"])).isoformat()
    except ValueError:
        return None


def _amount(match: re.Match[str]) -> int | float:
    """Dollars: "$698,948,760" -> 698948760, "$32.5 million" -> 32500000."""
    value = Decimal(match["num"].replace(",", ""))
    value *= {"thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000}.get(match["scale"] or "", 1)
    return int(value) if value == value.to_integral_value() else float(value)


# --- sentences ------------------------------------------------------------------------------------------

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


def sentences(text: str) -> list[str]:
    """A paragraph's sentences (``text`` with single spaces); every one is a substring of it."""
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


# --- the award sentence -----------------------------------------------------------------------------------

_AWARDED = re.compile(
    r",?\s*\b(?:(?:is|are|was|were|has|have|had|will\s+be)\s+(?:been\s+|being\s+)?(?:each\s+|jointly\s+|also\s+)?"
    r"awarded|(?:will|shall|may)\s+(?:each\s+)?compete\s+for|(?:has|have)\s+been\s+added\s+as\s+(?:an?\s+)?awardees?"
    r"|(?:is|are|was|were)\s+(?:being\s+)?issued)\b")
_QUALIFIERS = r"not[- ]to[- ]exceed|ceiling|maximum|estimated|combined|cumulative|total|potential|approximately|initial"
_AMOUNT = re.compile(rf"(?:\b(?:an?|the)\s+|^\s*)(?P<qual>(?:(?:{_QUALIFIERS})\s+)*){_MONEY}")
_AMOUNT_WEAK = re.compile(rf"\b(?P<qual>maximum\s+value|ceiling|not[- ]to[- ]exceed|(?:combined\s+|total\s+)?value|"
                          rf"valued\s+at|worth)\s+(?:of\s+)?(?:up\s+to\s+)?{_MONEY}")
_NOUN = re.compile(r"(?<![\w-])(?:(?:task|delivery)\s+orders?|contract\s+modifications?|modifications?|contracts?|"
                   r"orders?|agreements?)(?![\w-])")
_MOD_NUMBER = re.compile(r"^\s*(?:number\s+|No\.\s*)?\(?\s*([A-Z][A-Z0-9]\d{3,4})\b\s*\)?")
_REF_CONTRACT = re.compile(rf"\b(?:contract|agreement|vehicle)\s*(?:number\s+|No\.\s*)?\(?\s*({_PIID.pattern})")
_REF_ORDER = re.compile(rf"\border\s*(?:number\s+|No\.\s*)?\(?\s*({_PIID.pattern})")
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
        if _PIID.search(inner):
            piids.extend(_PIID.findall(inner))
            amounts.extend(re.finditer(_MONEY, inner))
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
            if _PIID.search(m.group(1)) and m.end() < len(head)]
    if cuts:
        bounds = [0, *cuts, len(head)]
        return [head[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
    parts = re.split(r",\s+and\s+(?=[A-Z0-9])", head)
    if len(parts) > 1 and all(p.count(",") >= 2 for p in parts):
        return parts
    return [head]


# --- the other clauses ------------------------------------------------------------------------------------

_END = re.compile(r"(?:expected\s+to\s+be\s+complete[d]?|completion\s+date\s+(?:of|is)|to\s+be\s+completed|"
                  r"will\s+be\s+completed|work\s+will\s+continue\s+through|ordering\s+period\s+end\s+date\s+(?:of|is)|"
                  r"performance\s+period\s+end\s+date\s+(?:of|is))\s+(?:by\s+|in\s+|on\s+|through\s+)?" + _DATE, re.I)
# The Defense Logistics Agency's order: "with a Nov. 17, 2030, ordering period end date".
_END_BEFORE = re.compile(r"\bwith\s+an?\s+" + _DATE + r",?\s+(?:ordering\s+period\s+end|performance\s+completion|"
                         r"completion|performance\s+period\s+end)\s+date\b", re.I)
_PERFORMED = re.compile(r"\bWork\s+(?:will\s+be|is\s+being|is\s+to\s+be|is|was)\s+performed\s+(?:in|at)\s+", re.I)
_LOCATION = re.compile(r"\bLocations?\s+of\s+performance\s+(?:is|are)\s+", re.I)  # the DLA's wording
_PERFORMED_END = re.compile(r",?\s+(?:and\s+)?(?:is|are|work\s+is)\s+(?:expected|estimated|scheduled|anticipated)\b|"
                            r",?\s+with\s+an?\s+(?:estimated\s+)?completion\b|,?\s+with\s+an?\s+\w+\.?\s+\d|\.$")
_OBLIGATED = re.compile(r"\s+(?:is|are|was|were|will\s+be|have\s+been|has\s+been)\s+(?:being\s+)?obligated\b", re.I)
_ACTIVITY = re.compile(r"^(?:The\s+)?(?P<who>.+?),?\s+(?:is|was|are|will\s+be)\s+the\s+contracting\s+"
                       r"(?:activity|agency|authority|office)\b(?P<after>.*)$")
_ACTIVITY_FIRST = re.compile(r"^The\s+contracting\s+(?:activity|agency|authority)\s+is\s+(?:the\s+)?(?P<who>.+)$")
_FMS = re.compile(r"foreign\s+military\s+(?:sales?|financing)|\bFMS\b|\bFMF\b|\bgovernments?\s+of\b|"
                  r"\bon\s+behalf\s+of\b|\bTaipei\s+Economic", re.I)
_FOR_STATE = re.compile(r"\b(?:for|to)\s+(?:the\s+)?$")
_TECRO = "Taipei Economic and Cultural Representative Office in the United States"


@dataclass(frozen=True)
class _Activity:
    name: str
    location: str | None
    sentence: str
    piids: tuple[str, ...]


def _activity(sentence: str) -> _Activity | None:
    match = _ACTIVITY.match(sentence) or _ACTIVITY_FIRST.match(sentence)
    if not match:
        return None
    piids = tuple(_PIID.findall(sentence))
    who = re.sub(r"\s*\([^()]*\)", "", match["who"]).strip(" ,")
    who = re.sub(r"(?<![A-Z]\.[A-Z])\.$", "", who)  # the sentence's period, not the one of "D.C."
    parts = [p.strip() for p in who.split(",") if p.strip()]
    if not parts:
        return None
    name = re.sub(r"^the\s+", "", parts[0], flags=re.I)
    return _Activity(name, ", ".join(parts[1:]) or None, sentence, piids)


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
class _Customer:
    name: str  # the reference name of the state
    aliases: tuple[str, ...]
    sentence: str
    confidence: float
    as_named: str | None = None  # TECRO


@cache
def _state_names() -> tuple[re.Pattern[str], dict[str, tuple[str, bool]]]:
    """Every name of a state but the United States (the buyer, never an FMS customer) -> (reference name, proper?)."""
    surfaces: dict[str, tuple[str, bool]] = {}
    for state in reference.states():
        if state.iso == "US":
            continue
        for name in (state.name, state.official_name, *state.aliases):
            if name:
                surfaces.setdefault(name, (state.name, not name.startswith("The ")))
    for name in (_TECRO, "Taipei Economic and Cultural Representative Office", "TECRO"):
        surfaces[name] = ("Taiwan", False)
    alternatives = "|".join(re.escape(n) for n in sorted(surfaces, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])"), surfaces


def _customers(scopes: list[tuple[str, str]]) -> list[_Customer]:
    """The FMS customer states named in sentences that speak of foreign military sales or a government
    (``scopes``: each sentence and the part of it to search: the award sentence after its awardees)."""
    pattern, surfaces = _state_names()
    found: dict[str, _Customer] = {}
    for sentence, scope in scopes:
        if _PERFORMED.match(scope) or "contracting activity" in scope:
            continue
        speaks = bool(_FMS.search(scope))
        explicit = bool(re.search(r"foreign\s+military|\bFMS\b|\bFMF\b", scope, re.I))
        for match in pattern.finditer(scope):
            if scope[max(0, match.start() - 4):match.start()] == "New ":  # "New Mexico" is not Mexico
                continue
            if match.group(0) == "Georgia" and re.search(r"[a-z.], $", scope[:match.start()]):
                continue  # "Robins Air Force Base, Georgia": the US state
            if not speaks and not (sentence is scopes[0][0] and _FOR_STATE.search(scope[:match.start()])):
                continue  # outside FMS wording only the purpose's "for the Kingdom of Saudi Arabia" counts
            name, proper = surfaces[match.group(0)]
            alias = (match.group(0),) if proper and match.group(0) != name else ()
            as_named = match.group(0) if name == "Taiwan" and "Taipei" in match.group(0) else None
            old = found.get(name)
            confidence = 0.9 if explicit else 0.8 if speaks else 0.75
            if old is None:
                found[name] = _Customer(name, alias, sentence, confidence, as_named)
            else:
                aliases = old.aliases + tuple(a for a in alias if a not in old.aliases)
                found[name] = _Customer(name, aliases, old.sentence, max(old.confidence, confidence),
                                        old.as_named or as_named)
    return list(found.values())


# --- systems named in the purpose ---------------------------------------------------------------------------

# Designations: F-35, AIM-120C-8, MQ-9B, F/A-18E/F, AN/TPY-2, M1A2, M109A7, F110-GE-129 ...
_DESIGNATION = re.compile(r"(?<![\w/-])(?:AN/[A-Z]{3}-\d{1,3}[A-Z]?(?:/[A-Z]{1,3})?(?:\(V\)\d*)?|(?:[A-Z]{1,2}/)?[A-Z]{1,4}-\d{1,3}"
                          r"[A-Z]{0,2}(?:/[A-Z])?(?:-\d{1,2}[A-Z]?)?|M\d{1,4}A\d(?:E\d)?|[A-Z]\d{2,3}-[A-Z]{2}-\d{2,4}[A-Z]?)"
                          r"(?![\w-])")
# After a designation, its proper name ("F-35 Lightning II", "AH-64E Apache"), not the generic words that follow.
_GENERIC = {"Aircraft", "Helicopter", "Helicopters", "Missile", "Missiles", "Radar", "Radars", "System", "Systems",
            "Program", "Programs", "Lot", "Lots", "Full", "Rate", "Production", "Low", "Initial", "Joint", "Foreign",
            "Military", "Sales", "Engine", "Engines", "Vehicle", "Vehicles", "Combat", "Strike", "Fighter", "Tank",
            "Family", "Training", "Trainer", "Support", "Weapon", "Weapons", "Air", "Defense", "Mission", "Depot",
            "Maintenance", "Sustainment", "Services", "Spare", "Spares", "Parts", "Test", "Development", "Phase",
            "Contractor", "Logistics", "Engineering", "Integration", "Modernization", "Upgrade", "Kits", "Kit"}
_EXTENSION = re.compile(r"\s+(?:Block\s+[IVX\d]+[A-Z]?|[IVX]{1,4}\b|[A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*)")
# A defined name ending in a system's head noun: "National Advanced Surface-to-Air Missile System (NASAMS)".
_HEADS = {"System", "Systems", "Missile", "Missiles", "Radar", "Rocket", "Rockets", "Interceptor", "Interceptors",
          "Launcher", "Launchers", "Vehicle", "Vehicles", "Munition", "Munitions", "Aircraft", "Helicopter",
          "Torpedo", "Torpedoes", "Bomb", "Bombs", "Sensor", "Projectile", "Projectiles", "Drone", "Tank"}
_DEFINED = re.compile(r"\s*\(([A-Z][A-Za-z0-9/-]{1,14}(?:\s[A-Z0-9]{2,5})?)\)")
_WORD = r"[A-Z0-9][\w/]*(?:-[\w/]+)*"
_RUN = re.compile(rf"(?<![\w/-]){_WORD}(?:\s+(?:(?:and|of|to)\s+)?{_WORD})*")
_NOT_SYSTEMS = {"Foreign", "Military", "Sales", "Agency", "Office", "Department", "Force", "Corps"}
# A run cut at its head noun may be the start of an organisation's name ("Naval Air Systems Command"), of a
# programme's ("Taiwan Surveillance Radar Program") or of an activity's ("Fighter Systems Development"): none is a
# weapon system's designation.
_NOT_AFTER = {"Command", "Center", "Centre", "Agency", "Office", "Department", "Division", "Directorate",
              "Activity", "Group", "Wing", "Squadron", "Laboratory", "Inc.", "Inc", "LLC", "Co.", "Corp.", "Program",
              "Programme", "Project", "Development", "Demonstration", "Production", "Support", "Sustainment",
              "Services", "Integration", "Engineering", "Modernization"}


@dataclass(frozen=True)
class _System:
    name: str
    aliases: tuple[str, ...]
    confidence: float


@cache
def _known_systems() -> tuple[re.Pattern[str] | None, dict[str, str]]:
    """Names of the well-known weapon systems (the extractor's lexicon, the reference set) -> their entry name."""
    names: dict[str, str] = {}
    lexicon = yaml.safe_load(LEXICON_FILE.read_text(encoding="utf-8")) if LEXICON_FILE.exists() else {}
    for item in (lexicon or {}).get("weapon_systems", []):
        for surface in (item["name"], *(item.get("aliases") or ())):
            names.setdefault(str(surface), str(item["name"]))
    for other in reference.other_entities():
        if other.type == "WeaponSystem":
            for surface in (other.name, *other.aliases):
                names.setdefault(surface, other.name)
    if not names:
        return None, {}
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w/-])(?:{alternatives})(?![\w/-])"), names


def _named_systems(text: str) -> list[tuple[int, int, str, tuple[str, ...]]]:
    """Runs of capitalised words that end in a system's head noun ("Guided Multiple Launch Rocket System",
    "Evolved SeaSparrow Missile Block 2"), with the acronym in parentheses after them if any."""
    out = []
    for run in _RUN.finditer(text):
        tokens = list(re.finditer(r"\S+", run.group(0)))
        heads = [i for i, t in enumerate(tokens) if re.sub(r"-\d+[A-Z]?$", "", t.group(0)) in _HEADS]
        if not heads:
            continue
        last = heads[-1] + 1
        while last < len(tokens) and (tokens[last].group(0) == "Block" or re.fullmatch(r"[IVX]+[A-Z]*|\d+[A-Z]?",
                                                                                        tokens[last].group(0))):
            last += 1
        first = 1 if tokens[0].group(0) == "The" else 0
        words = [t.group(0) for t in tokens[first:last]]
        if (len(words) < 2 or _NOT_SYSTEMS & set(words) or words[-1] == "Block"
                or (last < len(tokens) and tokens[last].group(0).strip(",") in _NOT_AFTER)):
            continue
        start, end = run.start() + tokens[first].start(), run.start() + tokens[last - 1].end()
        acronym = _DEFINED.match(text, end)
        out.append((start, acronym.end() if acronym else end, text[start:end], (acronym.group(1),) if acronym else ()))
    return out


def _systems(purpose: str) -> list[_System]:
    """WeaponSystems the purpose names by a proper designation or name (never "aircraft", "missiles")."""
    spans: list[tuple[int, int, str, tuple[str, ...], float]] = []
    for match in _DESIGNATION.finditer(purpose):
        end, extensions = match.end(), []
        while len(extensions) < 3 and (ext := _EXTENSION.match(purpose, end)):
            extensions.append(ext)
            end = ext.end()
        # Up to two capitalised words name the designation ("F-35 Lightning II", "UH-60M Black Hawk"); a longer
        # run is a name of its own ("AN/ARC-231/A Multi-mode Aviation Radio Suite"), left to the other readers.
        end = match.end()
        if len(extensions) <= 2:
            for ext in extensions:
                if ext.group(0).strip() in _GENERIC or ext.group(0).strip().split()[0] in _GENERIC:
                    break
                end = ext.end()
        alias = (match.group(0),) if end > match.end() else ()
        spans.append((match.start(), end, purpose[match.start():end], alias, 0.8))
    for start, end, name, aliases in _named_systems(purpose):
        spans.append((start, end, name, aliases, 0.75))
    pattern, known = _known_systems()
    if pattern is not None:
        for match in pattern.finditer(purpose):
            spans.append((match.start(), match.end(), match.group(0), (), 0.85))
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    out: dict[str, _System] = {}
    taken_until = -1
    by_entry: dict[str, str] = {}  # a well-known system named twice ("F-35 ... Joint Strike Fighter") is one
    for start, end, name, aliases, confidence in spans:
        if start < taken_until:
            continue
        taken_until = end
        entry = known.get(name) or next((known[a] for a in aliases if a in known), None)
        if entry and entry in by_entry:
            first = out[by_entry[entry]]
            out[by_entry[entry]] = _System(first.name, tuple(dict.fromkeys((*first.aliases, name, *aliases))),
                                           first.confidence)
            continue
        if entry:
            by_entry[entry] = name
        out.setdefault(name, _System(name, aliases, confidence))
    return list(out.values())


# --- an award -------------------------------------------------------------------------------------------------


@dataclass
class _Award:
    awardees: list[_Awardee]
    amount: int | float
    evidence: str  # the sentence that states the award
    purpose_sentence: str  # the sentence that names what is bought (the same but in corrections)
    end_date: str | None
    activity: _Activity | None
    customers: list[_Customer]
    systems: list[_System]
    details: dict[str, str]
    confidence: float


def award_chunks(text: str) -> list[list[str]]:
    """The sentences of each award in a paragraph: an award opens with its "is awarded" sentence; a paragraph
    that runs several awards together starts the next one after the contracting-activity sentence."""
    chunks: list[list[str]] = []
    closed = True
    for sentence in sentences(text):
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


def read_award(chunk: list[str]) -> _Award | str:
    """The award its sentences state, or the reason it cannot be read (no awardee, no amount)."""
    first = chunk[0]
    verb = _AWARDED.search(first)
    assert verb is not None  # award_chunks opens a chunk only on such a sentence
    return _read(chunk, first[:verb.start()].strip(" ,"), first[verb.end():], first, verb.group(0).strip(" ,"))


# "CORRECTION: The contract announced on Nov. 14, 2025, for Company, City, State (PIID), was announced with an
# incorrect amount. The correct amount is a $N <type> modification (P000NN) to contract <PIID> for <purpose>."
_ANNOUNCED = re.compile(r"^The\s+(?:[\w-]+\s+){0,3}?(?:contract|modification|order|award)\s+(?:\w+\s+){0,2}?announced"
                        r"\s+(?:on\s+)?(?:" + _DATE + r")?,?\s+(?:for|to)\s+(?P<head>.+?),?\s+(?:was|has\s+been|is)\s+"
                        r"(?:announced|corrected|issued|published)\b")
_CORRECT = re.compile(r"^The\s+correct\s+[\w /-]+?\s+(?:is|was|should\s+(?:have\s+)?be(?:en)?)\s+(?P<tail>.+)$")


def read_correction(text: str) -> _Award | str | None:
    """The award a correction restates (None when it is not worded as one), or why it cannot be read."""
    chunk = sentences(text)
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
          ) -> _Award | str:
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
    activity = next((a for a in map(_activity, chunk[1:]) if a), None)
    details.update(_numbers(tail, readers, activity))
    purpose_at = _PURPOSE.search(after)
    purpose = ""
    if purpose_at:  # "for <purpose>" without its "for"; "to exercise options ..." with its "to"
        purpose = after[purpose_at.end():] if purpose_at.group(1) == "for" else after[purpose_at.start():]
        details["purpose"] = purpose = purpose.strip().rstrip(".")
    clauses, end_date = _clauses(chunk)
    details.update(clauses)
    small = [a.name for a in readers if a.small]
    if small:
        details["small_business"] = "; ".join(small)
    scopes = [(stated_in, tail)] + [(s, s) for s in chunk if s not in (stated_in, evidence)]
    customers = _customers(scopes)
    if customers:
        details["fms_customers"] = "; ".join(c.name for c in customers)
    elif _FMS.search(" ".join(s for _, s in scopes)):
        details["fms_customers"] = "not named"
    if any(c.as_named for c in customers):
        details["purchaser_as_named"] = _TECRO
    # How sure: every clause the announcements normally state and this one does not, or read by a weaker pattern.
    missing = [weak and 0.15, "contract_type" not in details and 0.05, "contract" not in details and 0.05,
               not purpose and 0.05, end_date is None and 0.05, activity is None and 0.1,
               any(a.location is None for a in readers) and 0.1]
    return _Award(
        awardees=readers, amount=value, evidence=evidence or stated_in, purpose_sentence=stated_in,
        end_date=end_date, activity=activity, customers=customers, systems=_systems(purpose),
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
        return sum(_amount(m) for m in own), weak, {"amount_qualifier": "combined"} if len(own) > 1 else {}
    return _amount(amount), weak, {"amount_qualifier": qualifier} if qualifier else {}


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


def _numbers(tail: str, readers: list[_Awardee], activity: _Activity | None) -> dict[str, str]:
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


def _clauses(chunk: list[str]) -> tuple[dict[str, str], str | None]:
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
        options = re.search(rf"\bcumulative\s+value\s+of\s+th(?:is|e)\s+contract\s+to\s+({_MONEY})", sentence)
        if options:
            details["cumulative_value"] = f"{options.group(1)} if all options are exercised"
        end = _END.search(sentence) or _END_BEFORE.search(sentence)
        if end and end_date is None:
            end_date = iso_date(end.group(0))
    return details, end_date


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
        key = (type_, fold(name))
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
        known = {fold(a) for a in (found["name"], *found.get("aliases", ()))}
        extra = [a for a in aliases if fold(a) not in known]
        if extra:
            found["aliases"] = [*found.get("aliases", ()), *dict.fromkeys(extra)]
        return str(found["id"])

    def problem(self, para: _Paragraph, reason: str) -> None:
        self.problems.append(ParseProblem(para.where, reason, para.text))

    def read(self, para: _Paragraph) -> None:
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
        for chunk in chunks:  # none: a paragraph that is not an award yields nothing
            self.add(para, read_award(chunk), correction=kind == "CORRECTION", update=kind == "UPDATE")

    def add(self, para: _Paragraph, parsed: _Award | str, *, correction: bool, update: bool) -> None:
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
