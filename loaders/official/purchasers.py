"""Who buys in a notice: the state or organisation a possible sale is to ("the Government of Poland",
"the NATO Support and Procurement Agency (NSPA)", TECRO for Taiwan) and the states it buys for."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from loaders.official.paragraphs import Sentence
from loaders.official.state_names import TECRO, StateName, alternatives, names_by, reference_names
from loaders.reference import State


@cache
def state_names() -> tuple[dict[str, StateName], re.Pattern[str]]:
    """The reference states' names by their lower case, and a pattern that finds those names in any case."""
    # "ROC", "ROK": too short to find safely in running text
    by_name = names_by(str.lower, (name for name in reference_names() if len(name.text) > 3))
    return by_name, re.compile(r"\b(?:the\s+)?(" + alternatives(by_name) + r")\b", re.IGNORECASE)


def state_at(text: str) -> tuple[State, str] | None:
    """The state whose name starts ``text`` (after "the Government(s) of (the)"), and the name as written."""
    text = re.sub(r"^(?:the\s+)?(?:Governments?\s+of\s+)?", "", text.strip(), flags=re.IGNORECASE)
    by_name, pattern = state_names()
    match = pattern.match(text)
    return (by_name[match.group(1).lower()].state, match.group(1)) if match else None


def states_in(text: str) -> list[tuple[State, str]]:
    """Every state named in ``text``, in order, once each."""
    by_name, pattern = state_names()
    out: dict[str, tuple[State, str]] = {}
    for match in pattern.finditer(text):
        state = by_name[match.group(1).lower()].state
        out.setdefault(state.iso, (state, match.group(1)))
    return list(out.values())


@dataclass
class Purchaser:
    name: str  # the reference name of the state, or the organisation's name
    type: str  # State | Organization
    as_named: str  # as the text writes it
    aliases: list[str] = field(default_factory=list)
    recipients: list[tuple[State, str]] = field(default_factory=list)  # states an agency buys for


_TECRO = re.compile(r"Taipei\s+Economic\s+and\s+Cultural\s+Representative\s+Office(?:\s+\(TECRO\))?"
                    r"(?:\s+in\s+the\s+United\s+States)?(?:\s+\(TECRO\))?")
_ACRONYM_END = re.compile(r"\s*\((?P<acr>[A-Z][A-Za-z&-]+)\)(?=\s+(?:of|has|have|for|on|to|as)\b|\s*[,.;:]|\s*$)")
# without an acronym: capitalised words, "of"/"for" only inside a name ("Organisation for Joint Armament ...")
_ORG_WORDS = re.compile(r"^(?P<name>[A-Z][\w.'’&-]*(?:\s+(?:[A-Z][\w.'’&-]*|\([A-Z][A-Za-z&-]+\)|and|the|"
                        r"(?:of|for)(?=\s+(?:the\s+)?[A-Z][a-z]+\s+[A-Z])))*)")


def purchaser_at(text: str) -> Purchaser | None:
    """The purchaser named at the start of ``text`` ("the Government of Poland of ...", "the NATO Support
    and Procurement Agency (NSPA) of ...", "the Taipei Economic and Cultural Representative Office ...")."""
    text = text.strip()
    tecro = _TECRO.match(re.sub(r"^the\s+", "", text, flags=re.IGNORECASE))
    if tecro:
        return Purchaser("Taiwan", "State", TECRO)
    found = state_at(text)
    if found:
        state, written = found
        aliases = [written] if written.lower() not in {state.name.lower(), f"the {state.name.lower()}"} else []
        return Purchaser(state.name, "State", written, aliases)
    # an organisation: its name up to the acronym that ends it ("... Agency (NSPA) of"), else its capitalised words
    text = re.sub(r"^the\s+", "", text, flags=re.IGNORECASE)
    if re.match(r"Governments?\b", text):
        return None  # a government whose state the reference does not know: reported, not guessed
    ending = _ACRONYM_END.search(text)
    if ending and re.fullmatch(r"[A-Z][\w.'’&(), -]*", text[:ending.start()]):
        name = text[:ending.start()].strip()
        return Purchaser(name, "Organization", text[:ending.end()].strip(), [ending.group("acr")])
    words = _ORG_WORDS.match(text)
    if not words:
        return None
    name = re.sub(r"\s+(?:of|and|for|the)$", "", words.group("name").strip())
    return Purchaser(name, "Organization", name, [])


_ON_BEHALF = re.compile(r"\b(?:on\s+behalf\s+of|for\s+the\s+benefit\s+of|for\s+the\s+use\s+of|"
                        r"acting\s+as\s+(?:the\s+)?agent\s+for)\s+(?P<who>[^.;:]+)")


def recipients_for(purchaser: Purchaser, sents: list[Sentence]) -> None:
    """States an organisation buys for ("on behalf of the Governments of Belgium, Norway and the Netherlands")."""
    if purchaser.type != "Organization":
        return
    for sentence in sents:
        for match in _ON_BEHALF.finditer(sentence.text):
            for state, written in states_in(match.group("who")):
                if all(s.iso != state.iso for s, _ in purchaser.recipients):
                    purchaser.recipients.append((state, written))
