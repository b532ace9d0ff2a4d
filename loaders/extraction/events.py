"""Detecting the ontology's events in a sentence and giving each participant its role.

An event is found by a trigger (a verb or noun phrase typical of the event
type: "approved the sale", "was awarded a contract", "took delivery of"); the
trigger also says which way the transfer goes, so the roles follow from where
each actor stands: before the trigger (the subject) or after a preposition
("to Poland", "from South Korea", "for Taiwan", "by the Pentagon"). Types of
actors constrain roles too: a contractor is the ``contractor`` of a contract,
a state its ``recipient``. The rules are few and general on purpose: they are
judged on articles no one tuned them to.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from loaders.extraction.bodies import nationality
from loaders.extraction.mentions import Mention

#: Outlets a text cites are not actors of what it reports (the contract leaves them out).
ACTOR_TYPES = {"State", "Official", "Person", "Organization", "GovernmentAgency", "Contractor", "ResearchOrganization",
               "MilitaryUnit", "IndustryAssociation"}
STATE_LIKE = {"State", "GovernmentAgency", "MilitaryUnit"}
COMPANIES = {"Contractor"}
PEOPLE = {"Official", "Person"}


@dataclass(frozen=True)
class Trigger:
    """A phrase that signals an event type; ``direction`` tells who the subject is."""

    type: str
    pattern: re.Pattern[str]
    direction: str  # "give" (subject gives: seller/supplier/approver/blocker/speaker ...) or "get" (subject receives)
    weight: float  # how reliably the phrase means this event type


def _t(type_: str, direction: str, weight: float, *phrases: str) -> list[Trigger]:
    return [Trigger(type_, re.compile(rf"(?<![\w-]){p}(?![\w-])", re.IGNORECASE), direction, weight) for p in phrases]


#: Verbs of signing, in every tense news uses: "signed a deal", "India and France seal deal", "will sign a contract".
SIGN_VERBS = r"(?:sign(?:s|ed)|ink(?:s|ed)?|seal(?:s|ed)?|conclude[sd]?|finali[sz]e[sd]?)"
#: Agreements named as such: an Other event unless the sentence says something is bought under it.
AGREEMENT_WORDS = (r"(?:memorand(?:um|a) of understanding|MoUs?|letters? of intent|(?:framework|cooperation|partnership|security|"
                   r"defen[cs]e) (?:agreement|accord|pact|treaty)s?|treaty|accord|pact)")
AGREEMENT = re.compile(AGREEMENT_WORDS, re.IGNORECASE)

TRIGGERS: list[Trigger] = [
    # approvals come before sales: "approved the sale" is an approval
    *_t("SaleApproval", "give", 0.85, r"approv(?:ed|es|al of|ing)(?: a| the)?(?: possible| potential)?(?: \w+){0,3} sales?",
        r"determination approving", r"cleared the (?:way for|sale|purchase|deal|acquisition|procurement)", r"green-?lit", r"gave (?:the )?green light",
        r"approv(?:ed|es|al)", r"authori[sz]ed the (?:sale|export|transfer)", r"export licen[cs]e"),
    *_t("ContractAward", "win", 0.85, r"(?:was|were|has been|have been|been) awarded", r"was given a (?:[\w-]+ ){0,3}contract",
        r"(?:won|secured|received|clinched|landed|bagged) (?:a |an |the )?(?:[\w$.,-]+ ){0,4}contracts?"),
    *_t("ContractAward", "give", 0.85, r"awarded (?:a|an|the)", r"award(?:ed)? (?:a |an )?(?:\$?[\w.,]+ )?contract"),
    *_t("ContractAward", "sign", 0.8,
        rf"{SIGN_VERBS} (?:a |an |the )?(?:[\w$.,-]+ ){{0,4}}(?:contract|deal|agreement)s?",
        r"contract (?:award|worth|valued|for|to)", r"contracts?"),
    *_t("Delivery", "get", 0.8, r"(?:took|takes|taking|received|receives|receiving|accepted) (?:the )?(?:first )?delivery",
        r"(?:has|have|had) received", r"received (?:its|their|the) (?:first|second|last|final)", r"inducted",
        r"commissioned", r"entered (?:into )?service", r"joined the (?:fleet|navy|air force|army)",
        r"(?:will |would |is to |are to |is due to |are due to |to )?receiv(?:e|es|ed|ing)"),
    *_t("Delivery", "give", 0.8, r"deliver(?:ed|s|ing|y|ies)?", r"handed over", r"hand(?:ed|s)? over", r"handover", r"shipped",
        r"arriv(?:ed|al of)", r"first batch", r"touched down", r"landed in"),
    *_t("Delay", "give", 0.8, r"delay(?:ed|s)?", r"backlog", r"postpone(?:d|ment)", r"behind schedule", r"slipp(?:ed|age)",
        r"held up"),
    *_t("ExportBlock", "give", 0.8, r"block(?:ed|s|ing)", r"ban(?:ned|s)?", r"embargo(?:es)?", r"halt(?:ed|s)?",
        r"suspend(?:ed|s)?", r"veto(?:ed|es)?", r"froze|freez(?:e|es)", r"den(?:ied|y) (?:an )?export",
        r"refus(?:ed|es|ing) (?:to|an?|the)", r"barr(?:ed|ing)", r"prohibit(?:ed|s|ing)?", r"forb(?:id|ade|ids|idden)",
        r"(?:does|did|do|would|will) not (?:allow|permit|authori[sz]e|approve)", r"not to (?:allow|permit|authori[sz]e)",
        r"restrict(?:ed|s|ing)?", r"restrictions? on", r"curbs? on", r"curbed", r"export controls? on", r"withh(?:eld|old|olds|olding)",
        r"stopp(?:ed|ing)", r"paus(?:ed|es|ing)"),
    *_t("CoProduction", "give", 0.8, r"co-?produc(?:e|tion|ing)", r"jointly (?:produce|develop|build|manufacture)",
        r"joint (?:production|venture|development)", r"licen[cs]ed? (?:production|manufacture)", r"produce(?:d)? locally",
        r"local (?:production|assembly)", r"co-?develop(?:ment)?",
        r"(?:will be |to be |are to be |be )?(?:built|produced|assembled|manufactured|made) (?:locally|in-country|under licen[cs]e)",
        r"technology transfer", r"transfer of technology", r"locali[sz](?:ed|ation|e)", r"industrial (?:partnership|cooperation)",
        r"(?:build|produce|make|assemble|manufacture)s? (?:\d+|the rest|the remaining|some|most|part|half) of the",
        # production agreed for the buyer's country: "will be produced in Egypt", "will build the vehicles in Australia"
        r"(?:will|would|to|are to|is to|shall) be (?:\w+ )?(?:built|produced|assembled|manufactured|made) in(?= (?:the )?[A-Z])",
        r"(?:will|would|to|plans to|agreed to) (?:build|produce|assemble|manufacture) (?:[\w-]+ ){0,4}in(?= (?:the )?[A-Z])"),
    *_t("Visit", "give", 0.75, r"visit(?:ed|s|ing)?", r"trip to", r"travell?ed to", r"flew to", r"(?:arrived|arrives) in", r"delegation", r"met with",
        r"toured", r"attended", r"for talks"),
    *_t("Visit", "host", 0.7, r"hosted", r"welcomed (?:his|her|their)? ?(?:\w+ ){0,3}counterpart", r"played host to",
        r"welcomed(?= (?:[\w.'’-]+ ){1,7}to (?:the )?[A-Z])"),
    *_t("MilitaryActivity", "give", 0.75, r"drills?", r"military exercises?", r"exercises", r"war ?games",
        r"(?:unprovoked |full-scale |illegal )?invasion(?: of)?", r"invaded", r"invading", r"defend(?:s|ed|ing)? (?:\w+ ){0,3}against",
        r"(?:the |a )?(?:\d+-(?:month|year|day) )?war (?:with|against)", r"aggression against", r"(?:air ?|missile |drone )?strikes? (?:on|against)", r"attack(?:ed|s)? on",
        r"offensive (?:in|against)", r"war (?:in|on|against)", r"bombard(?:ed|ment)",
        r"patrols?", r"manoeuvres|maneuvers", r"incursions?", r"test-?fired|fired", r"launched (?:a |an )?(?:missile|rocket)s?",
        r"shot down", r"intercepted", r"deployed", r"sorties",
        r"counter-?offensive", r"operations? against", r"struck", r"targeting", r"targeted", r"shell(?:ed|ing)",
        r"clash(?:ed|es) with", r"air ?strikes", r"fighting (?:in|against|with)", r"sank", r"escalated"),
    *_t("ArmsSale", "give", 0.75, r"sales? of", r"(?:to )?sell(?:s|ing)?", r"sold", r"arms (?:sale|package|deal)s?",
        r"weapons? (?:sale|package|deal)s?", r"(?:sale|package|deal) to"),
    *_t("ArmsSale", "supply", 0.7, r"suppl(?:ied|ies|ying)", r"(?:to|will|would|could|shall) supply",
        r"provid(?:e|ed|es|ing) (?:[\w'’-]+ ){1,3}with", r"donat(?:e|ed|es|ing|ion of)", r"gift(?:ed|ing)",
        r"(?:security|military) (?:assistance|aid)(?: package)?", r"(?:aid|weapons|arms) package", r"drawdown", r"replenish(?:ed|es|ing|ment of)?", r"re-?arm(?:ed|ing)?", r"export(?:ed|s|ing)? (?:[\w€$£.,-]+ ){0,6}to",
        r"transfer(?:red|s)? to",
        r"sen(?:d|t|ding) (?:[\w€$£.,-]+ ){0,6}to", r"provid(?:e|ed|es|ing) (?:[\w€$£.,-]+ ){0,6}to"),
    *_t("ArmsSale", "get", 0.75, r"(?:to )?(?:buy|purchase|acquire|procure)(?:s|d|ed|ing)?", r"(?<!in )order(?:s|ed)?", r"bought",
        r"purchas(?:e|es|ed) of", r"acquisition of", r"procurement of", r"orders? for", r"deal (?:to buy|for)"),
    *_t("ArmsSale", "sign", 0.7, rf"{SIGN_VERBS} (?:a |an |the )?(?:[\w$.,-]+ ){{0,5}}"
        r"(?:deal|agreement|contract|memorand(?:um|a) of understanding|MoU|letter of intent|accord|pact)s?"),
    *_t("Statement", "tell", 0.55, r"told", r"called on", r"urged", r"informed", r"assured", r"asked"),
    *_t("Statement", "give", 0.55, r"said", r"says", r"stated", r"warned", r"announced", r"declared",
        r"according to", r"added", r"vowed", r"pledged", r"urged", r"criticised|criticized", r"condemned", r"reiterat(?:ed|ing)",
        r"promised", r"offered", r"stress(?:ed|es)?", r"described", r"reaffirmed", r"welcomed", r"emphasi[sz]ed", r"noted",
        r"insisted", r"argued", r"claimed", r"acknowledged", r"admitted", r"denied", r"expressed", r"highlighted",
        r"praised", r"rejected", r"accused", r"dismissed", r"wrote", r"posted", r"predicted", r"cautioned", r"explained",
        r"pointed out", r"made clear", r"conceded", r"maintained", r"asserted", r"told reporters", r"in a statement",
        r"underscored", r"applauded", r"thanked", r"commended", r"affirmed", r"conveyed", r"recogni[sz]ed", r"discussed",
        # more reporting verbs, in the past and the present tense news uses for them
        r"saying", r"confirm(?:ed|s)", r"reveal(?:ed|s)", r"disclos(?:ed|es)", r"signall?(?:ed|s)", r"indicat(?:ed|es)",
        r"suggest(?:ed|s)", r"propos(?:ed|es)", r"call(?:ed|s) for", r"voic(?:ed|es)", r"remark(?:ed|s)", r"repl(?:ied|ies)",
        r"respond(?:ed|s) (?:that|to)", r"counter(?:ed|s)", r"object(?:ed|s) to", r"protest(?:ed|s)", r"complain(?:ed|s)",
        r"demand(?:ed|s)", r"estimat(?:ed|es)", r"believ(?:ed|es)", r"hop(?:ed|es) (?:that|to)", r"underlin(?:ed|es)",
        r"briefed", r"testified", r"tells", r"warns", r"adds", r"notes", r"stresses", r"insists", r"argues", r"claims",
        r"announces", r"declares", r"reiterates", r"emphasi[sz]es", r"welcomes", r"praises", r"criticis(?:es)|criticizes",
        r"in (?:an? )?(?:interview|speech|address|post|press conference|news conference|briefing|joint statement)"),
    # the catch-all the contract calls Other: what is neither a transfer nor speech but matters to one
    *_t("Other", "give", 0.6, r"sanction(?:ed|s|ing)?", r"blacklist(?:ed|s)?", r"entity list"),
    *_t("Other", "give", 0.6, r"request(?:ed|s)?", r"letters? of request"),
    *_t("Other", "tell", 0.6, r"notif(?:ied|ying|ies|ication)", r"certification"),
    *_t("Other", "meet", 0.55, r"(?:tele)?phone call", r"spoke(?: [\w-]+){0,3} (?:with|to)", r"call with",
        r"talked(?: [\w-]+){0,3} (?:with|to)", r"conferred with", r"video ?(?:call|conference)", r"videoconference",
        r"held (?:bilateral )?talks", r"talks with", r"met(?: with)?", r"meeting with"),
    *_t("Other", "give", 0.55, AGREEMENT_WORDS),
    *_t("Other", "give", 0.5, r"first flight", r"maiden (?:flight|voyage)", r"flew for the first time", r"rolled out", r"roll-?out",
        r"unveil(?:ed|s|ing)", r"(?:serial|series|mass|full-rate) production", r"summit",
        r"gathered", r"invest(?:ed|s|ing|ment)", r"tenders?", r"bids?", r"shortlist(?:ed)?", r"selected", r"chose",
        r"authori[sz](?:ed|ing|es) (?:the |a |an |our )?(?:\w+ ){0,3}(?:drawdown|package|transfer|funding|release)",
        r"delegation of authority"),
    *_t("Other", "give", 0.55, r"cancel(?:l?ed|s|lation of)", r"terminat(?:ed|es|ion of)", r"scrapp(?:ed|ing)",
        r"pulled out of", r"withdr(?:ew|awn) from", r"review(?:ed|ing)? (?:of )?the (?:deal|contract|sale|purchase|programme|program)"),
]

#: The role of an actor by event type, trigger direction and where it stands: (subject, after-preposition) -> role.
PREPOSITION_ROLES: dict[str, dict[str, str]] = {
    "ArmsSale": {"to": "buyer", "for": "buyer", "from": "seller", "by": "seller", "with": "seller"},
    "SaleApproval": {"to": "buyer", "for": "buyer", "by": "approver", "of": "buyer"},
    "ContractAward": {"by": "actor", "from": "actor", "for": "recipient", "to": "contractor", "with": "contractor"},
    "Delivery": {"to": "recipient", "from": "supplier", "by": "supplier", "for": "recipient", "in": "recipient"},
    "Delay": {"to": "recipient", "for": "recipient", "from": "supplier", "by": "supplier"},
    "ExportBlock": {"to": "target", "on": "target", "against": "target", "by": "blocker", "of": "target"},
    "CoProduction": {"with": "partner", "and": "partner", "by": "partner", "in": "partner"},
    "Visit": {"to": "host", "in": "host", "by": "visitor", "with": "host"},
    "MilitaryActivity": {"against": "target", "near": "target", "around": "target", "by": "actor", "with": "partner"},
    "Statement": {"to": "addressee", "with": "addressee", "by": "speaker", "about": "subject", "on": "subject", "of": "subject"},
    "Other": {"on": "target", "against": "target", "to": "addressee", "with": "partner", "by": "actor", "for": "subject",
              "from": "subject"},
}
SUBJECT_ROLES = {
    ("ArmsSale", "give"): "seller", ("ArmsSale", "get"): "buyer", ("SaleApproval", "give"): "approver",
    ("Delivery", "get"): "recipient", ("ContractAward", "give"): "actor", ("ContractAward", "win"): "contractor", ("ContractAward", "sign"): "buyer",
    ("ArmsSale", "supply"): "supplier", ("Delivery", "give"): "supplier", ("Delay", "give"): "actor",
    ("ExportBlock", "give"): "blocker", ("CoProduction", "give"): "partner", ("Visit", "give"): "visitor",
    ("MilitaryActivity", "give"): "actor", ("Statement", "give"): "speaker", ("Statement", "tell"): "speaker",
    ("ArmsSale", "sign"): "buyer", ("Other", "give"): "actor", ("Other", "tell"): "actor",
    ("Other", "meet"): "actor", ("Visit", "host"): "host",
}
#: For the other side of a "get" trigger: "Poland bought ... from South Korea".
GET_PREPOSITIONS = {"from": "seller", "with": "seller", "by": "seller", "for": "buyer"}
#: For a supply trigger: "Germany supplied ... to Israel".
SUPPLY_PREPOSITIONS = {"to": "recipient", "for": "recipient", "from": "supplier", "by": "supplier"}
#: Roles of an actor right after the trigger with no preposition: "Hegseth visited Manila", "invaded Ukraine".
#: "Lisbon hosted Zelensky": after a hosting trigger stands the visitor.
HOST_OBJECT_ROLE = "visitor"
OBJECT_ROLES = {"Visit": "host", "MilitaryActivity": "target", "Statement": "subject", "ExportBlock": "target", "Other": "target"}
#: For the other side of a signed agreement: "Indonesia signed a deal with Turkey".
MEET_ROLES = "actor"  # both sides of a meeting or a call act in it
#: Meeting words that mean the people were together somewhere (a call is not a visit).
MEETING_WORDS = {"met", "met with", "held talks", "held bilateral talks", "talks with", "meeting with"}
SIGN_PREPOSITIONS = {"with": "seller", "from": "seller", "by": "seller", "for": "buyer", "to": "buyer"}


@dataclass
class EventDraft:
    """An event found in one sentence, before merging with the same event told elsewhere."""

    type: str
    sentence: int
    trigger: str
    trigger_start: int
    weight: float
    participants: list[tuple[Mention, str]] = field(default_factory=list)  # (mention, role)
    systems: list[Mention] = field(default_factory=list)


#: Capitalised words joined by "of" or "for" just before a name: a title or a name ("Secretary of Defense Lloyd
#: Austin", "the Government of the Philippines"), whose "of" is not the preposition that gives a role.
TITLE_BEFORE = re.compile(r"(?:(?<![\w'’-])(?-i:[A-Z])[\w.'’-]*\s+)+(?:of|for)\s+(?:the\s+)?(?:(?-i:[A-Z])[\w.'’-]*\s+)*$")


def _preposition_before(sentence: str, start: int) -> str | None:
    before = sentence[max(0, start - 60):start]
    if title := TITLE_BEFORE.search(before):
        before = before[:title.start()]
    before = before[-30:]
    # the nearest preposition: "sale of F-16s to Taiwan" gives Taiwan "to", not "of"
    m = re.search(r".*\b(to|from|for|by|with|in|at|on|against|near|around|about|of|and)\s+(?:the\s+|a\s+|an\s+)?"
                  r"(?:[\w'’-]+\s+){0,2}$", before, re.IGNORECASE | re.DOTALL)
    if m and not re.search(r"[,;:]", before[m.start(1):]):
        return m.group(1).lower()
    return None


#: Words set off by commas between a subject and its verb: "Hanwha, the maker of the K9, won".
APPOSITIVE = re.compile(r",\s[^,;:]{1,80},\s*(?:[\w'’-]+\s+){0,3}")


def _same_clause(sentence: str, mention: Mention, trigger_start: int) -> bool:
    """True when the subject stands in the trigger's clause: nothing but an appositive between them
    ("Hanwha, the maker of the K9, won ..."), or it is itself the appositive of the subject
    ("Ahn and his counterpart, Kosiniak-Kamysz, attended ...")."""
    between = re.sub(r"(?<=\d)[,.](?=\d)", "", sentence[mention.end:trigger_start])  # "Rs 63,000 crore" is one clause
    if not re.search(r"[,;:]", between) or APPOSITIVE.fullmatch(between):
        return True
    return bool(re.fullmatch(r",\s*", between)) and sentence[:mention.start].endswith(", ")


#: Speech told after its words: '"We are ready," said Lars Nygaard', 'the deal is a milestone, according to X'.
INVERTED_SPEECH = re.compile(r"(?:said|says|added|adds|according to|warned|told reporters|noted|stressed|insisted|explained)"
                             r"\s+(?:(?:the\s+)?[\w'’.\-]+\s+){0,6}?$", re.IGNORECASE)


def _inverted_speaker(sentence: str, mention: Mention, trigger_start: int) -> bool:
    """True when ``mention`` speaks the words before an inverted speech verb: the verb follows a quote or a comma
    (or is "according to"), and only the speaker's title stands between it and the name."""
    head = sentence[trigger_start:mention.start]
    opened = re.search(r"[,\"”’]\s*$", sentence[:trigger_start]) or head.lower().startswith("according to")
    return bool(opened) and mention.type in PEOPLE | STATE_LIKE | COMPANIES and bool(INVERTED_SPEECH.match(head))


#: Who speaks for a body the text names next: "a spokesperson for", "officials at", "a representative of".
SPOKESPERSON = re.compile(r"\b(?:spokes(?:person|man|woman)|representatives?|officials?|sources?)\s+(?:for|of|at|from|in)\s+"
                          r"(?:the\s+)?$", re.IGNORECASE)
#: Words that put a production in a deal: "Under the agreement the K9 will be produced in Egypt".
UNDER_A_DEAL = re.compile(r"\b(?:agreement|deal|contract|offset|licen[cs]e|partnership)s?\b", re.IGNORECASE)
#: A supply verb right before a state: "has provided Ukraine with", "will send Poland", "supplying Israel".
SUPPLIED = re.compile(r"\b(?:provid(?:e|ed|es|ing)|suppl(?:y|ied|ies|ying)|sen(?:d|t|ds|ding)|g[ia]ve|giv(?:es|ing|en)|"
                      r"offer(?:ed|s|ing)?|donat(?:e|ed|es|ing)|deliver(?:ed|s|ing)?|arm(?:ed|s|ing)?)\s+$", re.IGNORECASE)
#: "Japan's upgraded Mogami-class frigate": the owner of a system that a sale names sells it.
OWNER = re.compile(r"^['’]s\s+(?:[\w-]+\s+){0,2}$")


def _role(event_type: str, direction: str, mention: Mention, sentence: str, trigger_start: int,
          systems: Sequence[Mention] = ()) -> str | None:
    prep = _preposition_before(sentence, mention.start)
    if event_type == "Statement" and mention.start > trigger_start and _inverted_speaker(sentence, mention, trigger_start):
        role: str | None = "speaker"
    elif event_type == "Statement" and mention.start < trigger_start and SPOKESPERSON.search(sentence[:mention.start]) \
            and not re.search(r"[,;:]", sentence[mention.end:trigger_start]):
        role = "speaker"  # "a spokesperson for Saab said": the body speaks through its spokesperson
    elif event_type in ("ArmsSale", "Delivery") and mention.type in STATE_LIKE and SUPPLIED.search(sentence[:mention.start]):
        role = "recipient" if event_type == "Delivery" or direction == "supply" else "buyer"
    elif event_type == "ArmsSale" and direction == "get" and mention.start > trigger_start and mention.type in STATE_LIKE | COMPANIES and \
            any(OWNER.match(sentence[mention.end:s.start]) for s in systems):
        role = "seller"
    elif mention.start < trigger_start and re.fullmatch(r"['’]s\s+(?:[\w-]+\s+){0,2}", sentence[mention.end:trigger_start]):
        role = SUBJECT_ROLES.get((event_type, direction))  # "Russia's invasion", "Poland's purchase": the owner acts
    elif mention.start < trigger_start and prep in (None, "and"):
        # the subject stands in the trigger's clause: no comma or semicolon between them
        role = SUBJECT_ROLES.get((event_type, direction)) if _same_clause(sentence, mention, trigger_start) else None
    elif direction == "get" and prep in GET_PREPOSITIONS:
        role = GET_PREPOSITIONS[prep]
        if event_type == "Delivery":  # a delivery's sides are its supplier and recipient
            role = {"seller": "supplier", "buyer": "recipient"}[role]
    elif direction == "supply" and prep in SUPPLY_PREPOSITIONS:
        role = SUPPLY_PREPOSITIONS[prep]
    elif direction == "supply" and mention.start > trigger_start and prep is None and mention.start - trigger_start < 40:
        role = "recipient"  # "supplied Ukraine with ...", "replenishing Israel's interceptors"
    elif direction == "host" and mention.start > trigger_start and prep in (None, "and"):
        role = HOST_OBJECT_ROLE
    elif direction == "meet":
        role = MEET_ROLES if mention.type in PEOPLE or mention.type == "State" or prep in (None, "with", "and", "to") else None
    elif direction == "sign" and event_type == "ArmsSale" and prep in SIGN_PREPOSITIONS:
        role = SIGN_PREPOSITIONS[prep]
    elif direction == "tell" and mention.start > trigger_start and prep not in ("in", "at") and \
            (prep is None or mention.start - trigger_start < 25):
        role = "addressee"
    elif prep is None and mention.start > trigger_start:
        role = OBJECT_ROLES.get(event_type)
    elif event_type == "Statement" and mention.start > trigger_start:
        # what a statement is about: the actors its words name; "made clear to the minister" is said to them
        role = "addressee" if prep in ("to", "with") and mention.start - trigger_start < 25 else "subject"
    elif prep is not None:
        role = PREPOSITION_ROLES.get(event_type, {}).get(prep)
    else:
        role = None
    # types constrain roles: a company is a contract's contractor; people speak, visit and approve
    if event_type == "ContractAward" and mention.type in COMPANIES:
        return "contractor"
    if event_type == "ContractAward" and mention.type == "State" and role in ("actor", "contractor") and mention.start > trigger_start:
        return "recipient"
    if event_type == "ContractAward" and role == "contractor" and mention.type not in COMPANIES:
        return "buyer" if mention.start < trigger_start else None
    if event_type == "Statement" and role is None and mention.type in PEOPLE:
        return "speaker"
    if event_type == "CoProduction" and role is None:
        return "partner"
    return role


#: Words one of which must stand in the sentence for these event types: "approved plans", "aid deliveries"
#: and "froze assets" are not arms-trade events.
CONTEXT = {
    "SaleApproval": re.compile(r"\b(sale|sales|export|exports|purchase|deal|licen[cs]e|transfer|arms|weapons?|package|procurement|"
                               r"acquisition|notification|Foreign Military Sale)\b", re.IGNORECASE),
    "ExportBlock": re.compile(r"\b(exports?|arms|weapons?|sales?|deliver\w*|licen[cs]e\w*|shipments?|equipment|transfers?|"
                              r"embargo)\b", re.IGNORECASE),
}
#: Words that make a signed agreement a purchase when it names no system.
PURCHASE = re.compile(r"\b(?:buy|buys|bought|purchas\w*|procur\w*|acqui\w*|order\w*|sale|sales|sell\w*|supply|supplies|"
                      r"deliver\w*|worth|valued|\$|€|£)", re.IGNORECASE)
RECEIVE = re.compile(r"(?:will |would |is to |are to |is due to |are due to |to )?receiv", re.IGNORECASE)
NOT_ARMS_DELIVERY = re.compile(r"\b(aid|humanitarian|food|relief|mail|parcel)\s+(?:\w+\s+)?$", re.IGNORECASE)


#: Where one clause of a sentence ends and another begins: "X supplies 70 per cent; Germany has exported ...".
CLAUSE_BREAK = re.compile(r"[;:]\s|,\s(?:and|but|while|whereas)\s|\s[—–]\s")
#: Roles a place can hold for its state: a visited city hosts, a city deliveries arrive in receives.
PLACE_ROLES = {"Visit": "host", "Delivery": "recipient"}
#: Types whose first trigger in the sentence wins, not the first in the list: speech verbs are all alike.
BY_POSITION = ("Statement",)
#: Types a sentence may state more than once, one per clause.
REPEATABLE = ("ArmsSale", "Delivery", "ContractAward", "SaleApproval")


def _clause(sentence: str, position: int) -> int:
    return sum(1 for b in CLAUSE_BREAK.finditer(sentence) if b.start() < position)


def _draft(trigger: Trigger, hit: re.Match[str], index: int, sentence: str, mentions: list[Mention],
           actors: list[Mention], systems: list[Mention]) -> EventDraft | None:
    """The event one trigger hit states, with its participants' roles, or None when it names no one it needs."""
    draft = EventDraft(trigger.type, index, hit.group(0), hit.start(), trigger.weight, systems=list(systems))
    # a visited city hosts a visit (the extractor writes its state instead, when the article names it)
    for mention in actors + [m for m in mentions if m.type == "Place" and trigger.type in PLACE_ROLES]:
        role = _role(trigger.type, trigger.direction, mention, sentence, hit.start(), systems)
        if role and all(p[0].start != mention.start for p in draft.participants):
            draft.participants.append((mention, role))
    if trigger.type == "CoProduction" and hit.group(0).endswith(" in"):
        # "will be produced in Egypt" is shared production when a deal provides for it or the producer is from
        # another state; "Nakatani said the frigates would be built in Japan" is not
        where = next((m.entry for m in mentions if m.start >= hit.end() and m.type in ("State", "Place") and m.entry), None)
        home = (where.iso_code if where.type == "State" else where.country) if where is not None else None
        foreign = {m.entry.country for m in mentions if m.entry is not None and m.entry.country and m.type == "Contractor"}
        if home is None or not (foreign - {home} or UNDER_A_DEAL.search(sentence)):
            return None
    if trigger.type == "Delivery":  # a delivery's supplier is a state or a company, never the person who speaks of it
        draft.participants = [(m, r) for m, r in draft.participants if not (m.type in PEOPLE and r == "supplier")]
    if trigger.type == "ContractAward" and trigger.direction == "sign" and \
            not any(m.type in COMPANIES for m, _ in draft.participants):
        return None  # states signing an agreement is a sale (found by its own triggers), not a contract award
    if trigger.type == "Other" and AGREEMENT.fullmatch(hit.group(0)) and (systems or PURCHASE.search(sentence)):
        return None  # an agreement to buy something is a sale, which the sale's own triggers find
    if trigger.type == "ArmsSale" and trigger.direction == "sign" and not systems and not PURCHASE.search(sentence):
        # an agreement that names nothing bought (a cooperation accord, a security arrangement) is not a sale
        draft.type = "Other"
        draft.participants = [(m, "actor" if r == "buyer" else "partner") for m, r in draft.participants]
    _complete(draft, actors, trigger.direction)
    _add_states_of_units(draft, actors)
    if draft.participants and (trigger.type != "Statement" or any(r == "speaker" for _, r in draft.participants)):
        return draft
    return None


def _hits(trigger: Trigger, sentence: str, mentions: list[Mention], systems: list[Mention]) -> list[re.Match[str]]:
    inside = [(m.start, m.end) for m in mentions]
    hits = []
    for hit in trigger.pattern.finditer(sentence):
        if any(s <= hit.start() < e for s, e in inside):
            continue  # "Patriot" is not "riot"; a name is never a trigger
        if trigger.type in CONTEXT and not (systems or CONTEXT[trigger.type].search(sentence)):
            continue
        if trigger.type == "Delivery" and NOT_ARMS_DELIVERY.search(sentence[:hit.start()]):
            continue
        if RECEIVE.match(hit.group(0)) and not any(s.start > hit.start() for s in systems):
            continue  # "received a call", "received approval": a delivery receives a system the sentence names
        hits.append(hit)
    return hits


def detect_events(index: int, sentence: str, mentions: list[Mention]) -> list[EventDraft]:
    """The events one sentence states: one per event type, strongest trigger first, and for transfers one more
    per further clause that states one with its own parties."""
    actors = [m for m in mentions if m.type in ACTOR_TYPES]
    systems = [m for m in mentions if m.type == "WeaponSystem"]
    drafts: dict[str, EventDraft] = {}
    for trigger in TRIGGERS:
        if trigger.type in drafts or trigger.type in BY_POSITION:
            continue
        for hit in _hits(trigger, sentence, mentions, systems):
            if (draft := _draft(trigger, hit, index, sentence, mentions, actors, systems)) is not None:
                drafts[trigger.type] = draft
                break
    for type_ in BY_POSITION:  # the first speech verb of the sentence, whichever it is
        hits = sorted(((hit, t) for t in TRIGGERS if t.type == type_ for hit in _hits(t, sentence, mentions, systems)),
                      key=lambda pair: pair[0].start())
        for hit, trigger in hits:
            if (draft := _draft(trigger, hit, index, sentence, mentions, actors, systems)) is not None:
                drafts[type_] = draft
                break
    if "Other" in drafts and (visit := _meeting_visit(drafts["Other"], sentence, mentions)):
        drafts["Visit"] = visit  # where the meeting was and where its people are from say who visited whom
    more: list[EventDraft] = []
    for type_ in REPEATABLE:
        if type_ not in drafts:
            continue
        taken = {_clause(sentence, drafts[type_].trigger_start)}
        for trigger in (t for t in TRIGGERS if t.type == type_):
            for hit in _hits(trigger, sentence, mentions, systems):
                clause = _clause(sentence, hit.start())
                if clause in taken:
                    continue
                own = [m for m in mentions if _clause(sentence, m.start) == clause]
                draft = _draft(trigger, hit, index, sentence, own, [m for m in actors if m in own],
                               [m for m in systems if m in own])
                if draft is not None:
                    more.append(draft)
                    taken.add(clause)
    return _prune([part for d in [*drafts.values(), *more] for part in _split_by_counterpart(d)])


def _meeting_visit(meeting: EventDraft, sentence: str, mentions: list[Mention]) -> EventDraft | None:
    """A meeting held in a state one of its people is not from is that person's visit: "Japanese Defence Minister
    Gen Nakatani met his Australian counterpart in Canberra". Each person's state is the state named just before
    the name (a demonym or a possessive); the place's state hosts, with the people from it."""
    if meeting.trigger.lower() not in MEETING_WORDS:
        return None
    where = next((m for m in mentions if m.start > meeting.trigger_start and m.entry is not None and (
        m.type in ("Place", "State") and re.search(r"\bin\s+(?:the\s+)?$", sentence[max(0, m.start - 8):m.start])
        or m.type == "GovernmentAgency" and re.search(r"\bat\s+(?:the\s+)?$", sentence[max(0, m.start - 8):m.start]))), None)
    if where is None or where.entry is None:
        return None
    host = where.entry.iso_code if where.type == "State" else where.entry.country
    if host is None:
        return None
    people = [m for m, _ in meeting.participants if m.type in PEOPLE]
    # each person's state is named between the mention before and the name: "Philippine Secretary of Defense X"
    ends = [max([0] + [o.end for o in mentions if o.end <= m.start]) for m in people]
    countries = [nationality(sentence[max(end, m.start - 60):m.end]) for m, end in zip(people, ends)]
    if not any(c is not None and c != host for c in countries):
        return None
    # a person of no stated state meets a foreign visitor at home ("Secretary Austin met Japan's minister at the Pentagon")
    visit = EventDraft("Visit", meeting.sentence, meeting.trigger, meeting.trigger_start, 0.6, systems=meeting.systems,
                       participants=[(m, "visitor" if c is not None and c != host else "host") for m, c in zip(people, countries)])
    if where.type != "GovernmentAgency":
        visit.participants.append((where, "host"))
    return visit


#: Roles an event cannot do without (the ontology's shapes refuse it otherwise), each as its alternatives.
NEEDED_ROLES: dict[str, tuple[tuple[str, ...], ...]] = {
    "ArmsSale": (("seller", "supplier"), ("buyer", "recipient")), "Delivery": (("recipient", "buyer"),),
    "Visit": (("visitor",),), "MilitaryActivity": (("actor",),),
}


def _complete(draft: EventDraft, actors: list[Mention], direction: str) -> None:
    """Fill a role the event cannot do without where the sentence gives it less plainly than the rules ask.

    Two readings, both narrow: a visit whose only people stand as hosts was made by the
    first of them ("during a visit to Manila, Hegseth met ..."), and the subject of a sale
    set off by a clause ("Switzerland, which is not a NATO member, ordered ...") is the
    sentence's first actor. An event still without the role is left for the shapes, which
    refuse it (``kg extract`` lists it in the file's notes).
    """
    have = {r for _, r in draft.participants}
    for needed in NEEDED_ROLES.get(draft.type, ()):
        if have & set(needed):
            continue
        if draft.type == "Visit":
            person = next((i for i, (m, r) in enumerate(draft.participants) if m.type in PEOPLE and r == "host"), None)
            if person is not None:
                draft.participants[person] = (draft.participants[person][0], "visitor")
                have.add("visitor")
            elif not any(m.type in PEOPLE for m, _ in draft.participants) and \
                    (visitor := next((m for m in actors if m.type in PEOPLE), None)) is not None:
                # "Nakatani, on a two-day visit to Australia, said": the person the sentence names made the visit
                draft.participants.insert(0, (visitor, "visitor"))
                have.add("visitor")
            continue
        role = SUBJECT_ROLES.get((draft.type, direction))
        if role not in needed:
            continue
        taken = {m.start for m, _ in draft.participants}
        first = next((m for m in actors if m.end <= draft.trigger_start), None)
        if first is not None and first.start not in taken and not any(m.type == first.type and m.text == first.text
                                                                        for m, _ in draft.participants):
            draft.participants.insert(0, (first, role))
            have.add(role)


def other_kind(trigger: str) -> str:
    """What an Other event is, by the words that found it: a sanction, a request or a notification."""
    lower = trigger.lower()
    for kind, words in (("sanction", r"sanction|blacklist|entity list"), ("request", r"request"),
                        ("notification", r"notif|certification"), ("cancellation", r"cancel|terminat|scrapp|pulled out|withdr"),
                        ("review", r"review"), ("agreement", r"sign|ink|seal|conclud|finali|memorand|mou|letter|"
                                                              r"agreement|accord|pact|treaty"),
                        ("milestone", r"flight|flew|roll|unveil|production|voyage"),
                        ("summit", r"summit|gathered"), ("investment", r"invest"),
                        ("competition", r"tender|bid|shortlist|selected|chose"), ("authorisation", r"authori")):
        if re.search(words, lower):
            return kind
    return "meeting"


#: Roles a state's force or agency can hold for the state: "the Indian Navy will acquire" makes India the buyer too.
STATE_ROLES = {"buyer", "recipient", "seller", "supplier"}


def _add_states_of_units(draft: EventDraft, actors: list[Mention]) -> None:
    """Give the state of a force or agency that holds a transfer role the same role, when the sentence names that state."""
    if draft.type not in ("ArmsSale", "Delivery", "SaleApproval", "ContractAward", "Delay"):
        return
    named = {m.start for m, _ in draft.participants}
    for mention, role in list(draft.participants):
        country = mention.entry.country if mention.entry is not None else None
        if role not in STATE_ROLES or mention.type not in ("MilitaryUnit", "GovernmentAgency") or not country:
            continue
        state = next((m for m in actors if m.type == "State" and m.entry is not None and m.entry.iso_code == country
                      and m.start not in named), None)
        if state is not None:
            draft.participants.append((state, "buyer" if role in ("buyer", "recipient") else "seller"))
            named.add(state.start)
    _other_state_sells(draft)


def _other_state_sells(draft: EventDraft) -> None:
    """"India and France signed an agreement under which the Indian Navy will acquire ...": with no seller named,
    of several states on the buying side, those whose forces or agencies are not the buyers are the sellers."""
    if draft.type != "ArmsSale" or any(r in ("seller", "supplier") for _, r in draft.participants):
        return
    buyers = [(i, m) for i, (m, r) in enumerate(draft.participants) if r == "buyer"]
    countries = {m.entry.country for _, m in buyers if m.type != "State" and m.entry is not None and m.entry.country}
    states = [(i, m) for i, m in buyers if m.type == "State" and m.entry is not None]
    if not countries or len({m.entry.iso_code for _, m in states if m.entry}) < 2:
        return
    for i, m in states:
        if m.entry is not None and m.entry.iso_code not in countries:
            draft.participants[i] = (m, "seller")


#: The side of a transfer that a sentence can list several of, each with its own system:
#: "ordered Rafales from France and is weighing J-10s from China".
COUNTERPARTS = {"ArmsSale": ("seller", "supplier"), "Delivery": ("supplier",)}


def _split_by_counterpart(draft: EventDraft) -> list[EventDraft]:
    """One event per seller when a sentence names several, each with the system named just before it."""
    roles = COUNTERPARTS.get(draft.type, ())
    sides = [m for m, r in draft.participants if r in roles and m.type == "State"]
    if len(sides) < 2 or len(draft.systems) < 2:
        return [draft]
    shared = [(m, r) for m, r in draft.participants if r not in roles]
    parts = []
    for side in sides:
        before = [s for s in draft.systems if s.end <= side.start]
        systems = [before[-1]] if before else []
        parts.append(EventDraft(draft.type, draft.sentence, draft.trigger, draft.trigger_start, draft.weight,
                                participants=[*shared, (side, dict(draft.participants)[side])], systems=systems))
    return parts


def _prune(drafts: list[EventDraft]) -> list[EventDraft]:
    """One sentence rarely states many events: keep statements only when nothing else is said, and
    approvals over the sale they approve (the sale is the approval's subject, not a second claim)."""
    types = {d.type for d in drafts}
    triggers = {d.trigger_start for d in drafts if d.type != "Statement"}
    kept = []
    for d in drafts:
        if d.type == "Statement" and d.trigger_start in triggers:
            continue  # one word, one event: "welcomed Gantz to the Pentagon" is the visit, not a statement
        if d.type == "Statement" and types - {"Statement"} and not any(r == "speaker" and m.type in PEOPLE
                                                                       for m, r in d.participants):
            continue
        if d.type == "ArmsSale" and "SaleApproval" in types:
            continue
        if d.type == "Delivery" and any(v.type == "Visit" and v.trigger_start == d.trigger_start for v in drafts):
            continue  # "arrived in Washington" said of a person is a visit
        if d.type == "Visit" and "MilitaryActivity" in types:
            continue
        kept.append(d)
    return kept
