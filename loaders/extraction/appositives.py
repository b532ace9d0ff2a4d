"""People a text introduces by what they are rather than by a title before the name.

* an appositive after the name: "Micael Johansson, chief executive of Saab, said",
  "Raymond Greene, the de facto US ambassador in Taipei";
* an appositive before it: "Saab's chief executive, Micael Johansson, said",
  "his Polish counterpart, Wladyslaw Kosiniak-Kamysz";
* a lower-case title with its nationality: "German defence minister Boris Pistorius".

A public post makes the person an Official (the post as written); a company post
a Person. Names are two to four capitalised words, the way news first names people.
"""

from __future__ import annotations

import re
from typing import NamedTuple

NAME_WORD = r"[A-ZÀ-ÖØ-ÞĀ-Ž][\w'’\-]*\.?"
NAME = rf"{NAME_WORD}(?:\s{NAME_WORD}){{1,3}}"
#: Nouns for a post, in any case; the company ones make a Person.
PUBLIC_POSTS = ("prime minister", "minister", "secretary", "ambassador", "spokesperson", "spokesman", "spokeswoman",
                "president", "vice president", "chancellor", "premier", "senator", "lawmaker", "congressman",
                "congresswoman", "envoy", "general", "admiral", "commander", "chief of staff", "undersecretary",
                "under secretary", "counterpart", "head of state", "adviser", "advisor", "official", "governor",
                "director", "chief", "head", "deputy", "army chief", "military chief")
COMPANY_POSTS = ("chief executive officer", "chief executive", "ceo", "chairman", "chairwoman", "chairperson",
                 "managing director", "executive vice president", "vice president", "founder", "executive",
                 "chief operating officer", "chief financial officer")
POSTS = "|".join(re.escape(p) for p in sorted(PUBLIC_POSTS + COMPANY_POSTS, key=len, reverse=True))
#: A short description ending in a post: "the de facto US ambassador", "chairman and chief executive".
DESCRIPTION = rf"(?:(?:the|a|an|its|his|her|their)\s+)?(?:[\w'’\-]+\s+){{0,5}}?(?:{POSTS})\b(?:\s+(?:of|at|for|in|to)\s+[^,;]{{1,60}})?"
AFTER = re.compile(rf"(?<![\w\-'’])(?P<name>{NAME}),\s+(?P<post>{DESCRIPTION})\s*(?=[,;.]|\s+(?:said|says|told|added)\b)",
                   re.IGNORECASE)
BEFORE = re.compile(rf"(?P<post>{DESCRIPTION}),\s+(?P<name>{NAME})\s*(?=[,;.])", re.IGNORECASE)
#: "German defence minister Boris Pistorius": nationality, lower-case post, name.
LOWER_TITLE = re.compile(rf"\b(?P<post>(?:[A-Z][a-z]+\s+)?(?:defen[cs]e|foreign|prime|interior|finance|deputy|vice)?\s?"
                         rf"(?:minister|secretary|president|chancellor|premier|ambassador|spokesperson|spokesman|"
                         rf"spokeswoman|chief executive|chairman|envoy|chief|head|commander|boss))\s+(?P<name>{NAME})")
NOT_NAME_WORDS = {"The", "A", "An", "He", "She", "It", "They", "In", "On", "At", "And", "But", "For", "Of", "Said", "Told",
                  "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}


class Person(NamedTuple):
    start: int
    end: int
    name: str
    type: str  # Official | Person
    post: str


def _is_name(name: str) -> bool:
    words = name.split()
    return 2 <= len(words) <= 4 and not any(w.rstrip(".,") in NOT_NAME_WORDS for w in words) \
        and all(w[0].isupper() for w in words) and not any(w.isupper() and len(w) > 3 for w in words)


def _type(post: str) -> str:
    lower = post.lower()
    if any(re.search(rf"\b{re.escape(p)}\b", lower) for p in COMPANY_POSTS) and \
            not re.search(r"\b(?:minister|secretary|ambassador|senator|general|admiral|state)\b", lower):
        return "Person"
    return "Official"


def described_people(sentence: str) -> list[Person]:
    """People the sentence introduces by an appositive or a lower-case title."""
    out = []
    for pattern in (AFTER, BEFORE, LOWER_TITLE):
        for m in pattern.finditer(sentence):
            name = m.group("name").rstrip(".")
            if not name.endswith(("Jr", "Sr")):
                name = name.rstrip(".")
            if not _is_name(name):
                continue
            post = re.sub(r"^(?:the|a|an|its|his|her|their)\s+", "", m.group("post").strip(), flags=re.IGNORECASE)
            if pattern is LOWER_TITLE and post[0].isupper() and not post.split()[0][0].isupper():
                continue
            out.append(Person(m.start("name"), m.start("name") + len(name), name, _type(post), post))
    return out
