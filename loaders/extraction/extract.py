"""Raw article text in, an annotation (``docs/annotation-format.md``) out.

The pipeline, one step per module: read the header and body
(:mod:`~loaders.extraction.article`), split sentences (:mod:`.sentences`),
recognise and link mentions (:mod:`.mentions`, :mod:`.gazetteer`), gather the
mentions of one entity across the article (aliases, acronyms defined in
brackets, a person's surname after the full name), detect events with their
roles (:mod:`.events`), attach money, quantities and dates normalised against
the publication date (:mod:`.money`, :mod:`.dates`), and merge the events that
several sentences tell. Every entity and event carries a confidence and the
sentence it comes from, so a reviewer can accept or reject it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.names import normalise_name
from loaders.extraction.article import RawArticle, read_article
from loaders.extraction.dates import find_dates
from loaders.extraction.events import PLACE_ROLES, detect_events, other_kind
from loaders.extraction.gazetteer import Entry, Gazetteer, default_gazetteer
from loaders.extraction.mentions import UPPER, WEAPON_NOUNS, Mention, find_mentions
from loaders.extraction.money import find_money, find_quantities
from loaders.extraction.sentences import Sentence, split_sentences
from loaders.resolution import slug

FUTURE_CUES = re.compile(r"\b(will|would|plans? to|planned|is expected to|are expected to|expects? to|intends? to|"
                         r"aims? to|is set to|are set to|scheduled to|to be delivered)\b", re.IGNORECASE)
PERSON_TYPES = ("Official", "Person")
#: Parts of a name that are never used alone: "Lloyd J. Austin III" is later "Austin", not "III".
GENERATION_SUFFIXES = {"Jr", "Sr", "II", "III", "IV"}
#: Recognised (a place keeps "in Seoul" from naming the state) but never written: the annotation contract
#: annotates actors and systems, not places or the outlets a text cites.
NOT_ANNOTATED = ("Place", "MediaOutlet")


@dataclass
class EntityDraft:
    """One entity of the article: every mention of it, and what they say together."""

    key: str
    type: str
    entry: Entry | None
    surfaces: dict[str, int] = field(default_factory=dict)  # surface -> count
    first_sentence: int = 10**9
    confidence: float = 0.0
    post: str | None = None

    @property
    def name(self) -> str:
        """The fullest name the text gives (longest surface), as the format asks."""
        return max(self.surfaces, key=lambda s: (len(s.split()), len(s), self.surfaces[s]))

    def add(self, mention: Mention, sentence: int) -> None:
        surface = _without_article(mention.text)
        if mention.type == "WeaponSystem" and mention.how != "designator" and re.search(r"[a-z0-9]s$", surface) \
                and surface[:-1] in self.surfaces:
            surface = surface[:-1]  # "Gripens" after "Gripen" is the same name
        self.surfaces[surface] = self.surfaces.get(surface, 0) + 1
        if mention.how == "weapon-noun" and surface.endswith("s") and surface.split()[-1][:-1] in WEAPON_NOUNS:
            self.surfaces.setdefault(surface[:-1], 0)  # "Milgem Istif class frigates" names the class, in the singular too
        self.first_sentence = min(self.first_sentence, sentence)
        # several independent mentions make an entity surer than its best single mention
        self.confidence = min(0.99, max(self.confidence, mention.confidence) + (0.03 if self.confidence else 0))
        if mention.type == "Official" and self.type == "Person":
            self.type = "Official"
        if mention.post and not self.post:
            self.post = mention.post


def _without_article(text: str) -> str:
    return re.sub(r"^(the|The) ", "", text)


def _key(mention: Mention) -> str:
    """The entity a mention names before the article's own aliases apply: the linked entry, else the name."""
    if mention.entry is not None:
        return mention.entry.key
    return f"name:{normalise_name(_without_article(mention.text))}"


class ArticleEntities:
    """The article's entities, filled sentence by sentence; resolves surnames and bracketed acronyms."""

    def __init__(self) -> None:
        self.by_key: dict[str, EntityDraft] = {}
        self.short_names: dict[str, str] = {}  # surname or acronym -> entity key
        self.key_at: dict[tuple[int, int], str] = {}  # (sentence, start) of a mention -> its entity key

    def key_of(self, sentence: int, mention: Mention) -> str:
        return self.key_at[(sentence, mention.start)]

    def _same_system(self, mention: Mention) -> str | None:
        """A system named again by part of its name ("Super Tucano" after "A-29 Super Tucano"): the earlier entity."""
        if mention.type != "WeaponSystem" or mention.entry is not None:
            return None
        words = _without_article(mention.text).split()
        for key, draft in self.by_key.items():
            if draft.type != "WeaponSystem":
                continue
            for surface in draft.surfaces:
                known = surface.split()
                if len(known) > len(words) and (known[:len(words)] == words or known[-len(words):] == words):
                    return key
        return None

    def _same_person(self, mention: Mention) -> str | None:
        """"Lloyd Austin" after "Lloyd J. Austin III": a person named again by given and family name."""
        words = [w for w in mention.text.split() if w.rstrip(".,") not in GENERATION_SUFFIXES]
        if mention.type not in PERSON_TYPES or len(words) < 2 or mention.entry is not None:
            return None
        key = self.short_names.get(words[-1])
        draft = self.by_key.get(key) if key else None
        if draft is not None and draft.type in PERSON_TYPES and draft.name.split()[0] == words[0]:
            return key
        return None

    def add(self, mention: Mention, sentence: int) -> EntityDraft:
        key = self.short_names.get(mention.text) or self._same_system(mention) or self._same_person(mention) or _key(mention)
        draft = self.by_key.get(key)
        if draft is None:
            draft = self.by_key[key] = EntityDraft(key=key, type=mention.type, entry=mention.entry)
        draft.add(mention, sentence)
        self.key_at[(sentence, mention.start)] = key
        words = [w for w in mention.text.split() if len(w.rstrip(".")) > 1 and w.rstrip(".,") not in GENERATION_SUFFIXES]
        if mention.type == "WeaponSystem" and mention.how == "designator" and len(words) >= 2 \
                and len(rest := " ".join(words[1:])) >= 4:
            self.short_names.setdefault(rest, key)  # "Super Tucano" after "A-29 Super Tucano"
        if mention.type in PERSON_TYPES and len(words) >= 2:
            # "Kosiniak-Kamysz said", and family name first: "Ahn Gyu-back" is later "Ahn"
            self.short_names.setdefault(words[-1], key)
            self.short_names.setdefault(words[0], key)
        return draft

    def extra_mentions(self, text: str, found: list[Mention]) -> list[Mention]:
        """Surnames and acronyms this article defined earlier, where no other mention covers them."""
        extra = []
        for short, key in self.short_names.items():
            for m in re.finditer(rf"(?<![\w\-]){re.escape(short)}(?![\w\-])", text):
                if _taken(m.start(), m.end(), found + extra):
                    continue
                draft = self.by_key[key]
                extra.append(Mention(m.start(), m.end(), short, draft.type, draft.entry, 0.7, "short-name"))
        return extra

    def define_acronyms(self, sentence: int, text: str, mentions: list[Mention]) -> None:
        """"National Advanced Surface-to-Air Missile System (NASAMS)": the bracket names the same entity."""
        for m in mentions:
            bracket = re.match(rf"\s*\(({UPPER}[A-Za-z0-9\-]{{1,9}})\)", text[m.end:])
            if bracket:
                key = self.key_of(sentence, m)
                self.short_names.setdefault(bracket.group(1), key)
                self.by_key[key].surfaces.setdefault(bracket.group(1), 1)


SPEECH = (r"(?=,?\s+(?:said|says|added|told|warned|urged|called|described|stressed|noted|insisted|argued|promised|pledged|"
          r"vowed|informed|announced|confirmed)\b)")
#: Where a sentence's subject starts: at the start, or after a conjunction or adverb that opens it.
OPENING = r"^(?:(?:But|And|However|Meanwhile|Separately|Instead|Earlier|Later|Last year|This year),?\s+)?"
#: The key in ``last`` of the first person of the last sentence that named one.
FIRST_PERSON = "first-person"
#: "he said", "the chancellor added", "according to the ministry": a narrow, common coreference. Each pattern refers
#: to the last entity of the listed types named before it.
REFERENCES = [
    (re.compile(r"\b(?:[Hh]e|[Ss]he|[Tt]he (?:chancellor|minister|president|prime minister|premier|secretary|spokesperson|"
                r"spokesman|spokeswoman|ambassador|general|admiral|chief executive))" + SPEECH), PERSON_TYPES),
    (re.compile(r"(?<=[Aa]ccording to )the (?:spokesperson|spokesman|spokeswoman|minister|chancellor|president|ambassador)\b"),
     PERSON_TYPES),
    (re.compile(r"(?:\b[Tt]he (?:agency|department|ministry|government|administration)" + SPEECH +
                r"|(?<=[Aa]ccording to )the (?:agency|department|ministry|government|administration)\b)"),
     ("GovernmentAgency", "State")),
    (re.compile(r"(?:\b[Tt]he (?:company|firm|manufacturer|group|contractor)" + SPEECH +
                r"|(?<=[Aa]ccording to )the (?:company|firm|manufacturer|group)\b)"), ("Contractor",)),
    # the subject of a sentence that names its actor by a pronoun or a generic noun: "It will deliver ...",
    # "The company won ...": the last entity of the kind (for "it", the last actor that is not a person)
    # "He" or "She" opening a sentence is the person the last sentence that named one was about: its first person
    (re.compile(rf"{OPENING}(?:He|She)\b"), (FIRST_PERSON,)),
    (re.compile(rf"{OPENING}[Tt]he (?:company|firm|manufacturer|contractor|shipyard|group)(?![\w\-])"), ("Contractor",)),
    (re.compile(rf"{OPENING}[Tt]he (?:ministry|department|agency)(?![\w\-])"), ("GovernmentAgency",)),
    (re.compile(rf"{OPENING}[Tt]he (?:government|country)(?![\w\-])"), ("State",)),
    (re.compile(rf"{OPENING}(?:It|it)\b(?!\s+(?:is|was|will be|has been|would be)\s+(?:not\s+)?(?:unclear|clear|likely|"
                r"expected|possible|understood|reported|thought|believed|important|necessary|too|also)\b)"), ("actor",)),
]


def _taken(start: int, end: int, mentions: list[Mention]) -> bool:
    """True when a mention already covers part of the span."""
    return any(m.start < end and start < m.end for m in mentions)


#: "He made clear to the minister", "talks with the president": an official named again by the word of the post
#: the text gave them, after a preposition or a verb; the last person whose post has that word.
POST_REFERENCE = re.compile(r"\b(?:to|with|told|and|by|met|thanked|urged|asked|informed) (?P<ref>the (?P<word>minister|"
                            r"secretary|president|chancellor|premier|ambassador|general|admiral|envoy))(?![\w\-])"
                            r"(?!\s+(?:of|for|[A-Z]))")


#: "The two countries signed ...", "both ministers said": the last two entities of the kind, each a participant.
PAIR_REFERENCE = re.compile(r"\b(?:[Tt]he two|[Bb]oth)(?: \w+)? (?P<noun>countries|nations|governments|states|sides|"
                            r"ministers|leaders|officials|men|women|secretaries|companies|firms|manufacturers)\b"
                            r"|^(?:(?:Together|Later|Earlier|Also|Separately),?\s+)?(?P<noun2>They)\b(?=\s+(?:also\s+)?[a-z]+ed\b)")
PAIR_KINDS = {"countries": "State", "nations": "State", "governments": "State", "states": "State", "sides": "State",
              "companies": "Contractor", "firms": "Contractor", "manufacturers": "Contractor"}


def _post_key(word: str) -> str:
    return f"post:{word}"


def _references(sentence: int, text: str, found: list[Mention], entities: ArticleEntities,
                last: dict[str, str], pairs: dict[str, list[str]]) -> list[Mention]:
    """Mentions for the references in ``text``, each to the last entity of its kind (``last``: type -> key, or
    post word -> key; ``pairs``: type -> the keys of the last two entities of the type)."""
    out: list[Mention] = []
    for m in PAIR_REFERENCE.finditer(text):
        keys = pairs.get(PAIR_KINDS.get(m.group("noun") or "", "Person"), [])  # "They discussed": two people
        if len(keys) == 2 and not _taken(m.start(), m.end(), found):
            for offset, key in enumerate(keys):  # two mentions on one phrase, one per entity it stands for
                draft = entities.by_key[key]
                entities.key_at[(sentence, m.start() + offset)] = key
                out.append(Mention(m.start() + offset, m.end(), m.group(0), draft.type, draft.entry, 0.6, "reference"))
    for m in POST_REFERENCE.finditer(text):
        start, end = m.span("ref")
        if (key := last.get(_post_key(m.group("word")))) is not None and \
                not _taken(start, end, found):
            draft = entities.by_key[key]
            entities.key_at[(sentence, start)] = key
            out.append(Mention(start, end, m.group("ref"), draft.type, draft.entry, 0.6, "reference"))
    for pattern, types in REFERENCES:
        key = next((last[t] for t in types if t in last), None)
        if key is None:
            continue
        for m in pattern.finditer(text):
            if _taken(m.start(), m.end(), found + out):
                continue
            draft = entities.by_key[key]
            entities.key_at[(sentence, m.start())] = key  # refers to the entity; adds no name to it
            out.append(Mention(m.start(), m.end(), m.group(0), draft.type, draft.entry, 0.6, "reference"))
    return out


#: Letters that Unicode does not decompose into a base letter and a mark, spelt the way English text spells them.
LATIN_LETTERS = str.maketrans({"ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ð": "d", "þ": "th", "ß": "ss",
                               "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ı": "i", "ħ": "h"})


def local_id(name: str) -> str:
    """A file-local id for a name, within the format's id alphabet whatever letters the name uses
    ("Władysław Kosiniak-Kamysz" is ``wladyslaw-kosiniak-kamysz``)."""
    ascii_slug = slug(name.translate(LATIN_LETTERS)).encode("ascii", "ignore").decode()
    return re.sub(r"-{2,}", "-", ascii_slug).strip("-._")[:60]


def _ids(entities: Iterable[EntityDraft]) -> dict[str, str]:
    """File-local ids, readable and unique: ``poland``, ``hyundai-rotem``."""
    ids: dict[str, str] = {}
    used: set[str] = set()
    for draft in entities:
        base = local_id(draft.name) or "entity"
        local, n = base, 2
        while local in used:
            local, n = f"{base}-{n}", n + 1
        used.add(local)
        ids[draft.key] = local
    return ids


def _event_value(sentence: str) -> dict[str, Any] | None:
    money = find_money(sentence)
    if not money:
        return None
    best = max(money, key=lambda m: (not m.approximate, m.amount))
    amount = int(best.amount) if float(best.amount).is_integer() else round(best.amount, 2)
    return {"amount": amount, "currency": best.currency}


def _event_quantity(sentence: str, systems: list[Mention]) -> int | None:
    for q in find_quantities(sentence):
        noun = q.noun.lower()
        if any(s.text.lower().split()[0] in noun or noun.split()[0] in s.text.lower() for s in systems):
            return q.value
    return None


def _dates(sentence: str, published: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for d in find_dates(sentence, published):
        if d.relation in ("at", "since", "from") and "date" not in out:
            out["date"] = d.value
            if d.basis == "inferred":
                out["date_basis"] = "inferred"
        elif d.relation == "by" and "end_date" not in out:
            out["end_date"] = d.value
    return out


def _later(a: str, b: str) -> bool:
    """True when partial date ``a`` is certainly after ``b``."""
    n = min(len(a), len(b))
    return a[:n] > b[:n]


@dataclass
class Event:
    """An event as the article tells it: participants and systems by entity key, the sentence that states it."""

    type: str
    sentence: int
    weight: float
    participants: list[tuple[str, str]]  # (entity key, role)
    systems: list[str]
    extra: dict[str, Any]

    def merge(self, other: Event) -> None:
        keys = {k for k, _ in self.participants}
        self.participants += [(k, r) for k, r in other.participants if k not in keys]
        self.systems += [s for s in other.systems if s not in self.systems]
        for k, v in other.extra.items():
            self.extra.setdefault(k, v)
        self.weight = min(0.95, self.weight + 0.05)


def _same_event(a: Event, b: Event) -> bool:
    """Two tellings of one event: same type, and the same system with no contradicting roles, or
    (no systems) the same actors in the same roles."""
    if a.type != b.type or a.type == "Statement":
        return False  # each thing said is a statement of its own, however often the speaker speaks
    if a.extra.get("description") != b.extra.get("description"):
        return False  # a meeting and an agreement of the same two states are two Other events
    for key in ("date", "quantity", "value"):
        x, y = a.extra.get(key), b.extra.get(key)
        if x is not None and y is not None and x != y and not (key == "date" and (x.startswith(y) or y.startswith(x))):
            return False  # "180 K2 in 2022" and "a second batch in 2025" are two sales of one system
    roles_a, roles_b = set(a.participants), set(b.participants)
    if a.systems and b.systems:
        return bool(set(a.systems) & set(b.systems)) and (not roles_a or not roles_b or bool(roles_a & roles_b))
    if not a.systems and not b.systems:
        return roles_b <= roles_a or roles_a <= roles_b
    return False


def _merge(events: list[Event]) -> list[Event]:
    """Events that several sentences tell (the lead, then the detail) become one; the first telling keeps its evidence."""
    merged: list[Event] = []
    for event in events:
        for kept in merged:
            if _same_event(kept, event):
                kept.merge(event)
                break
        else:
            merged.append(event)
    return merged


def _sentences(article: RawArticle) -> list[Sentence]:
    """The headline (when the header gives one) and the body's sentences: names in a headline count too."""
    body = split_sentences(article.body)
    if article.title:
        return [Sentence(article.title, -1, -1), *body]
    return body


def extract_article(article: RawArticle, gaz: Gazetteer | None = None) -> dict[str, Any]:
    """The annotation of one article as a plain dict in the interchange format."""
    gaz = gaz or default_gazetteer()
    sentences = _sentences(article)
    entities = ArticleEntities()
    per_sentence: list[list[Mention]] = []
    for i, sentence in enumerate(sentences):
        found = find_mentions(sentence.text, gaz)
        found += entities.extra_mentions(sentence.text, found)
        found.sort(key=lambda m: m.start)
        for mention in found:
            entities.add(mention, i)
        entities.define_acronyms(i, sentence.text, found)
        per_sentence.append(found)

    events: list[Event] = []
    last: dict[str, str] = {}  # entity type -> the key of the last entity of that type named so far
    pairs: dict[str, list[str]] = {}  # entity type -> the keys of the last two, for "the two countries"
    for i, (sentence, found) in enumerate(zip(sentences, per_sentence)):
        found = sorted(found + _references(i, sentence.text, found, entities, last, pairs), key=lambda m: m.start)
        if person := next((m for m in found if m.type in PERSON_TYPES), None):
            last[FIRST_PERSON] = entities.key_of(i, person)
        for mention in found:
            key = entities.key_of(i, mention)
            kind = "Person" if mention.type in PERSON_TYPES else mention.type
            last[kind] = key
            pairs[kind] = [k for k in pairs.get(kind, []) if k != key][-1:] + [key]
            if mention.type in PERSON_TYPES:
                last["Official"] = key
                for word in re.findall(r"[a-z]+", (entities.by_key[key].post or "").lower()):
                    last[_post_key(word)] = key
            elif mention.type not in ("WeaponSystem", *NOT_ANNOTATED):
                last["actor"] = key  # what "it" refers to
        if sentence.start < 0:
            continue  # a headline names entities, but its events are told (with evidence) in the body
        for draft in detect_events(i, sentence.text, found):
            extra: dict[str, Any] = _dates(sentence.text, article.date)
            if (value := _event_value(sentence.text)) is not None and draft.type in VALUED_EVENTS:
                extra["value"] = value
            if (quantity := _event_quantity(sentence.text, draft.systems)) is not None:
                extra["quantity"] = quantity
            if draft.type == "Other":
                extra["description"] = other_kind(draft.trigger)
            if FUTURE_CUES.search(sentence.text) or (article.date and extra.get("date") and _later(extra["date"], article.date)):
                extra["modality"] = "planned" if draft.type != "Delivery" else "expected"
            roles = list({entities.key_of(i, m): r for m, r in reversed(draft.participants)}.items())[::-1]  # an entity once
            events.append(Event(draft.type, i, draft.weight, roles,
                                list(dict.fromkeys(entities.key_of(i, s) for s in draft.systems)), extra))
    events = _merge([e for e in (_without_places(e, entities) for e in events) if e.participants])
    return {"article": _article_meta(article), "entities": _entities_out(entities, sentences, events, ids := _ids(
        sorted(entities.by_key.values(), key=lambda d: d.first_sentence))), "events": _events_out(events, sentences, ids)}


def _without_places(event: Event, entities: ArticleEntities) -> Event:
    """The event without participants the contract does not annotate; a visit's host city stands for its state
    when the article names that state ("visited Manila" in an article on the Philippines)."""
    kept: list[tuple[str, str]] = []
    for key, role in event.participants:
        draft = entities.by_key[key]
        if draft.type not in NOT_ANNOTATED:
            kept.append((key, role))
            continue
        country = draft.entry.country if draft.entry is not None else None
        state = next((k for k, d in entities.by_key.items() if country and d.type == "State" and d.entry is not None
                      and d.entry.iso_code == country), None)
        if PLACE_ROLES.get(event.type) == role and state is not None:
            kept.append((state, role))
    event.participants = list(dict.fromkeys(kept))
    return event


#: Words in quotation marks: a statement's quote, when the sentence gives the words themselves.
QUOTED = re.compile(r"[“\"]([^”“\"]{8,})[”\"]")
VALUED_EVENTS = ("ArmsSale", "SaleApproval", "ContractAward", "Delivery", "CoProduction")


def _article_meta(article: RawArticle) -> dict[str, Any]:
    meta: dict[str, Any] = {"id": article.id}
    for k in ("url", "title", "date", "outlet"):
        if getattr(article, k):
            meta[k] = getattr(article, k)
    meta["text_file"] = str(article.path.resolve())
    if article.metadata:  # header lines the reader does not use (author, section ...): kept, not lost
        meta["metadata"] = dict(article.metadata)
    return meta


def _entities_out(entities: ArticleEntities, sentences: list[Sentence], events: list[Event], ids: dict[str, str]) -> list[dict[str, Any]]:
    used = {k for e in events for k, _ in e.participants} | {k for e in events for k in e.systems}
    out = []
    for draft in sorted(entities.by_key.values(), key=lambda d: d.first_sentence):
        if draft.type in NOT_ANNOTATED:
            continue
        entity: dict[str, Any] = {"id": ids[draft.key], "type": draft.type, "name": draft.name}
        aliases = [s for s in draft.surfaces if s != entity["name"]]
        if aliases:
            entity["aliases"] = aliases
        if draft.entry is not None and draft.entry.iso_code and draft.type == "State":
            entity["iso_code"] = draft.entry.iso_code
        if draft.entry is not None and draft.entry.wikidata:
            entity["wikidata"] = draft.entry.wikidata
        if draft.type == "Official" and draft.post:
            entity["post"] = draft.post
        entity["evidence"] = sentences[draft.first_sentence].text
        confidence = draft.confidence if draft.key in used else draft.confidence * 0.9
        entity["confidence"] = round(confidence, 2)
        out.append(entity)
    return out


def _events_out(events: list[Event], sentences: list[Sentence], ids: dict[str, str]) -> list[dict[str, Any]]:
    out = []
    for n, ev in enumerate(events, start=1):
        filled = len({r for _, r in ev.participants})
        confidence = min(0.95, ev.weight * (0.75 + 0.1 * min(filled, 2)) + (0.05 if ev.systems else 0))
        event: dict[str, Any] = {"id": f"{slug(ev.type)}-{n}", "type": ev.type}
        event.update({k: ev.extra[k] for k in ("date", "end_date", "date_basis") if k in ev.extra})
        event["participants"] = [{"entity": ids[k], "role": r} for k, r in ev.participants]
        if ev.systems:
            event["systems"] = [ids[k] for k in ev.systems]
        event.update({k: ev.extra[k] for k in ("value", "quantity", "modality", "description") if k in ev.extra})
        event["evidence"] = sentences[ev.sentence].text
        if ev.type == "Statement" and (quoted := QUOTED.search(event["evidence"])):
            event["quote"] = quoted.group(1).strip(" ,")  # words of the evidence sentence, as the shapes require
        event["confidence"] = round(confidence, 2)
        out.append(event)
    return out


def extract_file(path: Path, date: str | None = None, gaz: Gazetteer | None = None) -> dict[str, Any]:
    """Read ``path`` (header lines, a blank line, the body) and extract its annotation."""
    return extract_article(read_article(path, date=date), gaz)


def conforming(annotation: dict[str, Any], *, check: Callable[..., list[Any]] | None = None,
               ) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """The annotation without what the ontology's shapes reject: (annotation, refused events, refused entities).

    Rules can find an event without everything its type requires (a delivery with no
    recipient). The SHACL shapes, not a copy of them here, decide; a refused event goes
    to review with the shape's message as its description, never into the graph. An
    entity the shapes refuse goes with the events that name it. Warnings (an official
    with no post) refuse nothing.

    ``check(annotation, onto, path)`` gives the problems of the annotation as a file at
    ``path``; by default a :class:`loaders.validation.AnnotationChecker`, which checks the
    data without writing it, and each round's data only where the shapes could find
    something new (tests compare it with validating the written file every round).
    """
    from kg.ontology import load_ontology
    from loaders.extraction.review import NOT_LOADED
    from loaders.validation import AnnotationChecker

    check = check or AnnotationChecker()
    onto = load_ontology()
    annotation = {**annotation, "events": list(annotation["events"]), "entities": list(annotation["entities"])}
    refused_events: list[dict[str, Any]] = []
    refused_entities: list[dict[str, Any]] = []
    path = Path(f"{annotation['article']['id']}.yaml")  # the file it becomes; its text_file is absolute
    for _ in range(5):  # removing an event can make an entity unused: a few rounds settle it
        events: dict[int, list[str]] = {}
        entities: dict[int, list[str]] = {}
        for v in check(annotation, onto, path):
            if v.severity != "violation":
                continue
            where = re.match(r"(events|entities)\[(\d+)\]", v.where)
            if where is None:  # the article itself: nothing of it can be left out
                raise ExtractionError(f"extraction of {annotation['article']['id']} is invalid: {v.where}: {v.message}")
            (events if where.group(1) == "events" else entities).setdefault(int(where.group(2)), []).append(v.message)
        if not events and not entities:
            break
        gone = {annotation["entities"][i]["id"]: messages for i, messages in entities.items()}
        for i, event in enumerate(annotation["events"]):
            named = _referenced_ids(event) & gone.keys()
            if named and i not in events:
                events[i] = [f"names {', '.join(sorted(named))}, which is left out: " + " ".join(gone[sorted(named)[0]])]
        for i, messages in sorted(entities.items()):
            refused_entities.append({**annotation["entities"][i], "description": NOT_LOADED + " ".join(messages)})
        for i, messages in sorted(events.items()):
            refused_events.append({**annotation["events"][i], "description": NOT_LOADED + " ".join(messages)})
        annotation["events"] = [e for i, e in enumerate(annotation["events"]) if i not in events]
        annotation["entities"] = [e for i, e in enumerate(annotation["entities"]) if i not in entities]
    return annotation, refused_events, refused_entities


class ExtractionError(ValueError):
    """Extractor output that cannot be made valid by leaving events out (the message names the article)."""


def _referenced_ids(event: dict[str, Any]) -> set[str]:
    return {p["entity"] for p in event.get("participants", [])} | set(event.get("systems", [])) | (
        {event["place"]} if event.get("place") else set())
