"""Recognising the actors and weapon systems a sentence names.

Two complementary recognisers, both offline and explainable:

* **lookup** in the gazetteer (states, capitals used as metonyms, agencies,
  companies, armed forces, known systems), which also links the mention to a
  canonical entry;
* **patterns** for what no list can hold: people introduced by a title ("Defence
  Minister Wellington Koo", "said John Smith"), organisations by their form
  ("... Heavy Industries", "Ministry of ...", "... Agency"), weapon systems by
  designator ("F-16V", "AH-64E Apache", "Su-35") or by a capitalised name before
  a weapon noun ("Gripen fighters", "Leopard 2 tanks").

A lookup hit wins over a pattern hit on the same characters; among pattern
hits the longer wins. Each mention carries the confidence of how it was found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from loaders.extraction.appositives import described_people
from loaders.extraction.bodies import state_bodies, state_posts
from loaders.extraction.gazetteer import Entry, Gazetteer

UPPER = r"[A-ZÀ-ÖØ-ÞĀ-Ž]"
NAME_WORD = rf"{UPPER}[\w'’\-]*\.?"
#: Lower-case parts of personal names: "Luiz Inácio Lula da Silva", "Ursula von der Leyen".
PARTICLES = r"(?:da|de|do|dos|das|di|du|del|della|van|von|der|den|ter|bin|ibn|al|el|la|le)(?:\s(?:der|den|la|los))?"
#: Words that start a capitalised run but are not names.
STOPWORDS = {
    "The", "A", "An", "This", "That", "These", "Those", "It", "Its", "In", "On", "At", "By", "For", "From", "With", "And",
    "But", "Or", "As", "After", "Before", "During", "Under", "Over", "Since", "While", "When", "If", "According", "Meanwhile",
    "However", "Also", "He", "She", "They", "We", "I", "His", "Her", "Their", "Our", "Monday", "Tuesday", "Wednesday",
    "Thursday", "Friday", "Saturday", "Sunday", "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December", "Mr", "Mrs", "Ms", "Mr.", "Mrs.", "Ms.", "Dr.", "Dr",
}

#: Titles that introduce an official (the post) or a person.
OFFICIAL_TITLES = [
    "Prime Minister", "Deputy Prime Minister", "Defence Minister", "Defense Minister", "Minister of Defence",
    "Minister of Defense", "Minister of National Defence", "Minister of National Defense", "Foreign Minister",
    "Foreign Secretary", "Secretary of State", "Secretary of Defense", "Defense Secretary", "Defence Secretary",
    "Deputy Defence Minister", "Deputy Defense Minister", "Vice Defence Minister", "Vice Defense Minister",
    "Deputy Minister", "Vice Minister", "Minister", "President", "Vice President", "Chancellor", "Premier", "Senator",
    "Sen.", "Rep.", "Representative", "Congressman", "Congresswoman", "Ambassador", "ambassador", "General", "Gen.",
    "Lt. Gen.", "Maj. Gen.", "Brig. Gen.", "Admiral", "Adm.", "Vice Admiral", "Rear Admiral", "Colonel", "Col.",
    "Lieutenant General", "Major General", "Air Marshal", "Secretary-General", "Secretary General", "Director",
    "spokesperson", "spokesman", "spokeswoman", "Spokesperson", "Spokesman", "Spokeswoman", "King", "Crown Prince",
    "Emir", "Sultan", "Chief of Staff", "Chairman", "Governor", "Mayor", "Commander", "counterpart,", "counterpart",
    "Press Secretary", "press secretary", "Secretary", "Deputy Secretary", "Under Secretary", "Assistant Secretary",
]
#: Titles that news puts before a surname alone: "President Biden", "Chancellor Merz", "Secretary Austin".
SURNAME_TITLES = {"President", "Vice President", "Prime Minister", "Chancellor", "Premier", "Secretary", "Minister",
                  "Defence Minister", "Defense Minister", "Foreign Minister", "Defense Secretary", "Defence Secretary",
                  "Senator", "Sen.", "Rep.", "Ambassador", "Admiral", "Adm.", "Gen.", "King", "Crown Prince", "Emir"}
CORPORATE_TITLES = ["chief executive", "Chief Executive", "CEO", "chairman", "chief operating officer", "COO", "president"]

COMPANY_SUFFIXES = ("Corporation", "Corp.", "Corp", "Inc.", "Inc", "Ltd.", "Ltd", "Limited", "Group", "Industries",
                    "Aerospace", "Dynamics", "Technologies", "Electronics", "Shipbuilding", "Shipyard", "Shipyards",
                    "Motors", "Systems", "Holdings", "plc", "AG", "GmbH", "SA", "S.A.", "SpA", "AB", "ASA", "Co.")
AGENCY_PATTERNS = (
    rf"Ministry of (?:{NAME_WORD}\s?)+", rf"Department of (?:{NAME_WORD}\s?)+", rf"(?:{NAME_WORD}\s){{1,4}}Agency",
    rf"(?:{NAME_WORD}\s){{1,4}}Administration", rf"(?:{NAME_WORD}\s){{1,4}}Command", rf"(?:{NAME_WORD}\s){{1,4}}Ministry",
    rf"(?:{NAME_WORD}\s){{1,3}}Coast Guard", rf"(?:{NAME_WORD}\s){{1,4}}Office",
)
RESEARCH_PATTERNS = (rf"(?:{NAME_WORD}\s){{1,5}}Institute(?: (?:of|for) (?:{NAME_WORD}\s?)+)?",
                     rf"(?:Center|Centre) for (?:{NAME_WORD}\s?(?:and\s)?)+")
FORCES_PATTERNS = (rf"(?:{NAME_WORD}\s){{1,3}}(?:Army|Navy|Air Force|Armed Forces|Marine Corps|Marines|Guard)",)

#: Nouns for weapons: a capitalised name before one of them is a weapon system's name.
WEAPON_NOUNS = (
    "missile", "missiles", "missile system", "missile systems", "air defence system", "air defense system",
    "air defence systems", "air defense systems", "system", "systems", "tank", "tanks", "jet", "jets", "fighter", "fighters",
    "fighter jet", "fighter jets", "aircraft", "helicopter", "helicopters", "howitzer", "howitzers", "frigate", "frigates",
    "submarine", "submarines", "drone", "drones", "corvette", "corvettes", "launcher", "launchers", "radar", "radars",
    "destroyer", "destroyers", "rocket", "rockets", "warship", "warships", "vessel", "vessels", "interceptor",
    "interceptors", "armoured vehicles", "armored vehicles", "vehicles", "guns", "rifles",
)
#: Designators: F-16V, AH-64E, Su-35, K2, KF-21, MQ-9B, PAC-3, T-90, J-20, HQ-9, S-400, M1A2, M109A6.
DESIGNATOR = re.compile(
    r"(?<![\w\-])(?:[A-Z]{1,4}|[A-Z][a-z])-?\d{1,4}[A-Z]{0,4}(?:/[A-Z]{1,3})?(?:\s(?:Block|Mk\.?|Mark)\s?[IVX\d]+(?:/\d+)?)?(?![\w\-])"
)
NOT_DESIGNATORS = {"COVID-19", "G7", "G20", "P5", "A4", "B2B", "Q1", "Q2", "Q3", "Q4", "H1", "H2", "FY", "US", "UK", "EU"}


@dataclass(frozen=True)
class Mention:
    """Where a sentence names an entity, what type it is, and how sure the recogniser is."""

    start: int
    end: int
    text: str
    type: str
    entry: Entry | None  # the gazetteer entry, when the mention was linked
    confidence: float
    how: str
    post: str | None = None  # for officials: the post a title gave ("Defence Minister")


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _strip(text: str, start: int) -> tuple[str, int]:
    """A run without leading stopwords and trailing punctuation, with its adjusted start."""
    words = text.split(" ")
    while words and words[0] in STOPWORDS:
        start += len(words[0]) + 1
        words = words[1:]
    run = re.sub(r"['’]s$", "", " ".join(words)).rstrip(",;:’'")  # "Donald Trump's" names Donald Trump
    if run.endswith(".") and not re.search(r"\b(?:Jr|Sr|Inc|Corp|Co|Ltd|[A-Z])\.$", run):
        run = run[:-1]
    return run, start


def _capital_context(sentence: str, start: int) -> bool:
    """True when a capital is a place ("in Seoul", "to Warsaw"), not the government ("Seoul said")."""
    before = sentence[max(0, start - 12):start].lower()
    return bool(re.search(r"\b(in|at|to|near|from|outside|around|visit|visited|visiting|into)\s+(the\s+)?$", before))


def lookup_mentions(sentence: str, gaz: Gazetteer) -> list[Mention]:
    found = []
    for match in gaz.find(sentence):
        capital = match.how == "capital" or (match.entry.capital is not None and match.text == match.entry.capital)
        if capital and _capital_context(sentence, match.start):  # "in Tokyo" is a place even where Tokyo is a metonym
            place = Entry(key=f"place:{match.entry.capital}", type="Place", name=match.entry.capital or match.text,
                          country=match.entry.iso_code)
            found.append(Mention(match.start, match.end, match.text, "Place", place, 0.7, "capital-place"))
            continue
        found.append(Mention(match.start, match.end, match.text, match.entry.type, match.entry, match.confidence, match.how))
    return found


#: "Secretary of National Defense", "Minister for Foreign Affairs": a post with its portfolio, whose words are these.
PORTFOLIO_TITLE = (r"(?:(?:Deputy|Vice|Under|Assistant|Principal Deputy)\s)?(?:Secretary|Minister|Undersecretary|Commissioner)"
                   r"(?:\s(?:of|for|of the|for the|and)\s(?:National|Foreign|Home|Internal|External|Defen[cs]e|Affairs|State|"
                   r"Interior|Security|Homeland|Trade|Industry|Finance|Economy|Armed|Forces|Army|Navy|Air|Force|Procurement|"
                   r"Acquisition|Production|Strategic|Planning|Policy|Cooperation)(?:\s(?:National|Foreign|Defen[cs]e|Affairs|"
                   r"Security|Industry|Forces|Force|Production|and|Trade|Procurement|Cooperation|Policy))*)")


def _person_after_title(sentence: str) -> list[Mention]:
    titles = "|".join([PORTFOLIO_TITLE] + [re.escape(t) for t in sorted(OFFICIAL_TITLES + CORPORATE_TITLES, key=len, reverse=True)])
    pattern = re.compile(rf"(?<![\w])(?P<title>{titles})\s+(?P<name>{NAME_WORD}(?:\s(?:{PARTICLES}\s)?{NAME_WORD}){{0,4}})")
    out = []
    for m in pattern.finditer(sentence):
        raw = m.group("name").strip()
        if owner := re.search(r"['’]s\b", raw):  # "Lloyd J. Austin III's Meeting With ...": the name ends at the possessive
            raw = raw[:owner.start()]
        name, start = _strip(raw, m.start("name"))
        words = name.split()
        while words and (words[-1] in STOPWORDS or words[-1].lower() in {"said", "told"}):
            words.pop()
        if any(w in STOPWORDS for w in words) or not words:
            continue
        if len(words) < 2 and not (m.group("title") in SURNAME_TITLES and len(words[0]) >= 3 and not words[0].isupper()):
            continue  # one word after a title is a surname only after a title that takes one ("President Biden")
        name = " ".join(words)
        title = m.group("title")
        corporate = title in CORPORATE_TITLES
        out.append(Mention(start, start + len(name), name, "Person" if corporate else "Official", None,
                           0.8, "title", post=None if corporate else title.rstrip(".")))
    return out


#: Words of titles, never of a person's name.
TITLE_WORDS = {w.lower() for t in OFFICIAL_TITLES + CORPORATE_TITLES for w in t.replace(",", "").split() if len(w) > 3} | {
    "defence", "defense", "foreign", "minister", "secretary"}


def _person_near_said(sentence: str) -> list[Mention]:
    """"said Jane Doe" and "Jane Doe said": a name of two or three capitalised words next to a speech verb."""
    out = []
    for m in re.finditer(rf"(?:said|says|told|according to)\s+(?P<name>{NAME_WORD}(?:\s{NAME_WORD}){{1,2}})", sentence):
        out.append(("after", m.start("name"), m.group("name")))
    for m in re.finditer(rf"(?P<name>{NAME_WORD}(?:\s{NAME_WORD}){{1,2}}),?\s+(?:said|says|told)\b", sentence):
        out.append(("before", m.start("name"), m.group("name")))
    mentions = []
    for _, start, raw in out:
        name, start = _strip(raw, start)
        words = name.split()
        if len(words) < 2 or any(w in STOPWORDS for w in words) or any(w.isupper() and len(w) > 1 for w in words) \
                or any(w.lower() in TITLE_WORDS for w in words):
            continue  # "according to Swedish Defence Minister Pal Jonson": a title is not a name
        mentions.append(Mention(start, start + len(name), name, "Person", None, 0.6, "speech"))
    return mentions


def _organisations(sentence: str) -> list[Mention]:
    out = []
    suffixes = "|".join(re.escape(s) for s in COMPANY_SUFFIXES)
    for m in re.finditer(rf"(?:{NAME_WORD}\s){{1,4}}(?:{suffixes})(?![\w])", sentence):
        name, start = _strip(m.group(0), m.start())
        if owner := re.match(rf"(?:{NAME_WORD}\s)*?{NAME_WORD}['’]s\s", name):  # "Turkey's TAIS Shipyard": the owner is not in the name
            name, start = name[owner.end():], start + owner.end()
        if len(name.split()) >= 2:
            out.append(Mention(start, start + len(name), name, "Contractor", None, 0.65, "company-form"))
    for patterns, type_, confidence in ((AGENCY_PATTERNS, "GovernmentAgency", 0.6), (RESEARCH_PATTERNS, "ResearchOrganization", 0.6),
                                        (FORCES_PATTERNS, "MilitaryUnit", 0.55)):
        for pattern in patterns:
            for m in re.finditer(pattern, sentence):
                name, start = _strip(m.group(0).strip(), m.start())
                if len(name.split()) >= 2:
                    out.append(Mention(start, start + len(name), name, type_, None, confidence, "org-form"))
    return out


def _systems(sentence: str) -> list[Mention]:
    out = []
    for m in DESIGNATOR.finditer(sentence):
        text = m.group(0)
        if text in NOT_DESIGNATORS or re.fullmatch(r"(19|20)\d\d", text) or not re.search(r"\d", text):
            continue
        if re.fullmatch(r"[A-Z]{2,4}\d{4}", text):  # FY2026
            continue
        end = m.end()
        for _ in range(2):  # "AH-64E Apache", "PAC-3 MSE", "A-29 Super Tucano"
            follow = re.match(rf"\s({UPPER}[a-z]+|[A-Z]{{2,4}})(?![\w\-])", sentence[end:])
            if not follow or follow.group(1) in STOPWORDS or follow.group(1) in NOT_DESIGNATORS:
                break
            end += follow.end()
        out.append(Mention(m.start(), end, sentence[m.start():end], "WeaponSystem", None, 0.65, "designator"))
    nouns = "|".join(re.escape(n) for n in sorted(WEAPON_NOUNS, key=len, reverse=True))
    for m in re.finditer(rf"(?P<name>(?:{NAME_WORD}\s(?:\d+[A-Z]*\s)?){{1,3}})(?:{nouns})\b", sentence):
        name, start = _strip(m.group("name").strip(), m.start("name"))
        if not name or name.split()[0] in STOPWORDS:
            continue
        out.append(Mention(start, start + len(name), name, "WeaponSystem", None, 0.55, "weapon-noun"))
    # "Milgem Istif class frigates", "Mogami-class frigate": a class of ships or craft is named with its noun
    for m in re.finditer(rf"(?:{NAME_WORD}[\s\-]){{1,3}}class\s(?:{nouns})\b", sentence):
        name, start = _strip(m.group(0), m.start())
        if name and name.split()[0] not in STOPWORDS:
            out.append(Mention(start, start + len(name), name, "WeaponSystem", None, 0.6, "weapon-noun"))
    return out


PLACE_WORDS = ("Sea", "Strait", "Ocean", "Gulf", "Bay", "Peninsula", "Island", "Islands", "Strip", "Bank", "City", "Province",
               "Region", "Base", "Air Base", "Naval Base", "Port", "Harbour", "Harbor", "Asia", "Pacific", "Europe", "Africa")


def _places(sentence: str) -> list[Mention]:
    """"in Gliwice", "near the Taiwan Strait", "at Ramstein Air Base": a capitalised name after a preposition of place,
    or a name ending in a geographic word."""
    out = []
    for m in re.finditer(rf"\b(?:in|at|near|to|from|off|across|over|around)\s+(?:the\s+)?(?P<name>{NAME_WORD}(?:\s{NAME_WORD}){{0,2}})",
                         sentence):
        name, start = _strip(m.group("name"), m.start("name"))
        words = name.split()
        if not words or any(w in STOPWORDS for w in words) or any(w.isupper() and len(w) > 1 for w in words) \
                or any(w.lower() in TITLE_WORDS for w in words):
            continue
        geographic = words[-1] in PLACE_WORDS
        out.append(Mention(start, start + len(name), name, "Place", None, 0.6 if geographic else 0.5, "place"))
    geo = "|".join(re.escape(w) for w in PLACE_WORDS)
    for m in re.finditer(rf"(?:{NAME_WORD}\s){{1,3}}(?:{geo})(?![\w-])", sentence):
        name, start = _strip(m.group(0), m.start())
        if len(name.split()) >= 2:
            out.append(Mention(start, start + len(name), name, "Place", None, 0.6, "place"))
    return out


def _described(sentence: str) -> list[Mention]:
    """People introduced by an appositive or a lower-case title, and state bodies named by a common noun."""
    people = [Mention(p.start, p.end, p.name, p.type, None, 0.7, "appositive", post=p.post if p.type == "Official" else None)
              for p in described_people(sentence) if p.name.split()[-1] not in COMPANY_SUFFIXES]
    bodies = [Mention(b.start, b.end, b.text, b.type, None, 0.6, "org-form") for b in state_bodies(sentence)]
    posts = [Mention(b.start, b.end, b.text, b.type, None, 0.6, "post", post=b.text) for b in state_posts(sentence)]
    return people + bodies + posts


def find_mentions(sentence: str, gaz: Gazetteer) -> list[Mention]:
    """The entities a sentence names, without overlaps: lookups first, then longer pattern hits."""
    chosen = lookup_mentions(sentence, gaz)
    patterned = (_person_after_title(sentence) + _organisations(sentence) + _systems(sentence) + _person_near_said(sentence)
                 + _places(sentence) + _described(sentence))
    for mention in sorted(patterned, key=lambda m: (-(m.end - m.start), -m.confidence)):
        clash = [c for c in chosen if _overlaps((c.start, c.end), (mention.start, mention.end))]
        if not clash:
            chosen.append(mention)
        elif mention.how == "title" and all(c.type in ("Person", "Official") for c in clash) or \
                mention.how == "appositive" and all(c.how in ("speech", "place") for c in clash):
            chosen = [c for c in chosen if c not in clash] + [mention]
        elif mention.how in ("company-form", "org-form", "post") and all(
                c.start >= mention.start and c.end <= mention.end and c.type in ("State", "Place") for c in clash):
            # "Korea Aerospace Industries" or "Taiwan's Ministry of National Defense": the organisation wins
            chosen = [c for c in chosen if c not in clash] + [mention]
    return _joined_systems(sentence, sorted(chosen, key=lambda m: m.start))


def _joined_systems(sentence: str, mentions: list[Mention]) -> list[Mention]:
    """"A-29 Super Tucano", "AH-64E Apache": a designator right before a system's name is one name with it."""
    out: list[Mention] = []
    for mention in mentions:
        prev = out[-1] if out else None
        if prev is not None and prev.type == mention.type == "WeaponSystem" and sentence[prev.end:mention.start] == " " \
                and re.search(r"\d", prev.text) and not re.search(r"\d", mention.text):
            out[-1] = Mention(prev.start, mention.end, sentence[prev.start:mention.end], "WeaponSystem",
                              mention.entry or prev.entry, max(prev.confidence, mention.confidence), prev.how)
            continue
        out.append(mention)
    return out
