"""A state's bodies and posts named by a common noun: "Poland's armament agency", "the Indonesian defence ministry",
"Israel's security cabinet", "the Philippine army", and a post whose holder the text does not name: "the French
Defence Minister", "Japan's ambassador to Australia".

News names most agencies and forces this way rather than by their official name,
so no list can hold them: the state (its name with a possessive, or its demonym,
from the reference set) followed by up to three lower-case words ending in a noun
for a body of state. The span is the whole phrase, the state included, as the
text gives it.
"""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

from loaders import reference

#: Heads for the armed forces; every other head is an agency of government.
FORCE_HEADS = ("armed forces", "air force", "coast guard", "army", "navy", "marines", "marine corps", "military", "forces")
AGENCY_HEADS = ("ministry", "agency", "cabinet", "department", "council", "parliament", "senate", "directorate",
                "office", "authority", "commission", "secretariat", "general staff", "presidency", "joint chiefs")
#: Lower-case words that may stand between the state and the head ("defence", "state arms procurement").
MODIFIERS = r"(?:[a-z][a-z\-]+\s+){0,3}?"


#: "military" and "forces" are adjectives or parts of a longer noun as often as heads ("Israel's military equipment",
#: "Ukraine's forces commander"): a head is followed by no lower-case word but a verb or a preposition.
ADJECTIVE_HEADS = ("military", "forces")
NOT_AN_ADJECTIVE = (r"(?![\w\-])(?!\s+(?!(?:said|says|has|have|had|is|was|are|were|will|would|could|can|and|or|to|in|on|at|for|of|"
                    r"with|from|as|that|which|who)\b)[a-z])")


#: Posts a state's official holds; a post the text names without a name after it is the person who holds it.
POSTS = ("prime minister", "deputy prime minister", "defence minister", "defense minister", "foreign minister",
         "minister of defence", "minister of defense", "defence secretary", "defense secretary", "foreign secretary",
         "secretary of state", "secretary of defense", "ambassador", "envoy", "president", "vice president", "chancellor",
         "premier", "chief of defence", "chief of defense", "army chief", "navy chief", "defence chief", "defense chief",
         "military chief", "chief of staff", "king", "crown prince", "emir")


class Body(NamedTuple):
    start: int
    end: int
    text: str
    type: str  # GovernmentAgency | MilitaryUnit | Official (a post)


@cache
def _states() -> tuple[str, str]:
    """The reference set's state names (to take a possessive) and demonyms, each as a regex alternation."""
    names: set[str] = set()
    demonyms: set[str] = set()
    for state in reference.states():
        names.update(n for n in (state.name, *state.aliases) if n and len(n) > 2)
        demonyms.update(d for d in state.demonyms if d and not d.endswith("s"))

    def alternatives(words: set[str]) -> str:
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))

    return alternatives(names), alternatives(demonyms)


@cache
def _pattern() -> re.Pattern[str]:
    names, demonyms = _states()
    heads = "|".join(re.escape(h) + (NOT_AN_ADJECTIVE if h in ADJECTIVE_HEADS else "")
                     for h in sorted(FORCE_HEADS + AGENCY_HEADS, key=len, reverse=True))
    return re.compile(rf"(?<![\w\-])(?:(?:{names})['’]s|(?:{demonyms}))\s+{MODIFIERS}(?P<head>{heads})(?![\w\-])")


@cache
def _post_pattern() -> re.Pattern[str]:
    names, demonyms = _states()
    posts = "|".join(re.escape(p) for p in sorted(POSTS, key=len, reverse=True))
    # the post ends the phrase: a capitalised word after it, or an appositive name, is the holder's name, which
    # the title and appositive patterns take
    return re.compile(rf"(?<![\w\-])(?:(?:{names})['’]s|(?:{demonyms}))\s+(?P<post>{posts})"
                      rf"(?:\s+(?:to|in)\s+(?:the\s+)?(?:{names}))?+(?![\w\-])(?!\s+(?:(?-i:[A-Z])|of\b|for\b))"
                      rf"(?!,\s+(?-i:[A-Z])[\w'’.\-]+\s+(?-i:[A-Z]))",
                      re.IGNORECASE)


def state_posts(sentence: str) -> list[Body]:
    """Every post of a state the sentence names without its holder's name: the holder, an Official."""
    return [Body(m.start(), m.end(), m.group(0), "Official") for m in _post_pattern().finditer(sentence)
            if m.group(0)[0].isupper() or not m.group("post")[0].isupper()]


def state_bodies(sentence: str) -> list[Body]:
    """Every state body the sentence names by a common noun, typed by its head."""
    return [Body(m.start(), m.end(), m.group(0), "MilitaryUnit" if m.group("head") in FORCE_HEADS else "GovernmentAgency")
            for m in _pattern().finditer(sentence)]


@cache
def _state_words() -> tuple[re.Pattern[str], dict[str, str]]:
    codes: dict[str, str] = {}
    for state in reference.states():
        for word in (state.name, *state.aliases, *state.demonyms):
            if word and len(word) > 2 and state.iso:
                codes.setdefault(word.lower(), state.iso)
    words = "|".join(re.escape(w) for w in sorted(codes, key=len, reverse=True))
    return re.compile(rf"(?<![\w\-])(?:{words})(?![\w\-])", re.IGNORECASE), codes


def nationality(text: str) -> str | None:
    """The ISO code of the last state ``text`` names by name or demonym ("Japanese Defence Minister" is JP)."""
    pattern, codes = _state_words()
    hits = [m.group(0) for m in pattern.finditer(text)]
    return codes.get(hits[-1].lower()) if hits else None

