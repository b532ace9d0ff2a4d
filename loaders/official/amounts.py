"""Sums of money and counts as notices write them: "$1.16 billion", "three (3) fire units", and the
notice's estimated cost ("The estimated total cost is $X", "valued at $X" ...)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from loaders.official.paragraphs import Sentence

_SCALE = {"thousand": Decimal(1000), "million": Decimal(10**6), "billion": Decimal(10**9)}
MONEY = r"\$\s?(?P<num>\d[\d,]*(?:\.\d+)?|\.\d+)(?:\s*(?P<scale>thousand|million|billion)\b)?"


def money(number: str, scale: str | None) -> Decimal:
    amount = Decimal(number.replace(",", "")) * _SCALE.get((scale or "").lower(), Decimal(1))
    return amount.quantize(Decimal(1)) if amount == amount.to_integral_value() else amount


def money_text(amount: Decimal) -> str:
    """``N million`` as transmittals write it (details lines)."""
    millions = amount / Decimal(10**6)
    return f"{millions.normalize():f} million"


_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                 "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
_QUANTITY = re.compile(
    r"^(?:(?:up\s+to|a\s+total\s+of|approximately)\s+)?"
    r"(?:(?:[A-Za-z]+[- ]?){0,6}\((?P<paren>\d[\d,]*)\)|(?P<digits>\d[\d,]*)(?![\d.,]*\s*(?:[-/]|percent))"
    r"|(?P<word>one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)(?=\s))\s+",
    re.IGNORECASE)


def split_quantity(phrase: str) -> tuple[int | None, str]:
    """"three (3) NASAMS fire units" -> (3, "NASAMS fire units"); "up to 84 AIM-120C-8 ..." -> (84, ...)."""
    match = _QUANTITY.match(phrase)
    if not match:
        return None, phrase
    if match.group("paren") or match.group("digits"):
        return int((match.group("paren") or match.group("digits")).replace(",", "")), phrase[match.end():]
    return _NUMBER_WORDS[match.group("word").lower()], phrase[match.end():]


# --- the estimated cost ---------------------------------------------------------------------

_UP_TO = r"(?P<upto>up\s+to\s+|as\s+high\s+as\s+|not\s+to\s+exceed\s+)?"
# Best first: (pattern, how sure the value is the notice's total cost).
_COSTS: tuple[tuple[re.Pattern[str], float], ...] = tuple((re.compile(p, re.IGNORECASE), c) for p, c in (
    (rf"\b(?:estimated\s+total|total\s+estimated)\s+(?:program\s+|case\s+)?(?:cost|value)\s+(?:is|of|will\s+be)\s+"
     rf"{_UP_TO}{MONEY}", 1.0),
    (rf"\bestimated\s+(?:cost|sale\s+price)\s+(?:is\s+|of\s+){_UP_TO}{MONEY}", 1.0),
    (rf"\bestimated\s+value\s+(?:is|of)\s+{_UP_TO}{MONEY}", 0.95),
    (rf"\bestimated\s+to\s+cost\s+{_UP_TO}{MONEY}", 0.95),
    (rf"\btotal\s+value,?\s+if\s+all\s+options\s+are\s+exercised,?\s+could\s+be\s+{_UP_TO}{MONEY}", 0.95),
    (rf"\bvalued\s+at\s+{_UP_TO}{MONEY}", 0.85),
))


@dataclass(frozen=True)
class Cost:
    amount: Decimal
    up_to: bool
    sentence: Sentence
    sureness: float


def cost(sents: list[Sentence]) -> Cost | None:
    """The estimated (total) cost: the best pattern that any sentence matches. A prior case's value ("The
    original FMS case, valued at $41.6 million") is not the notice's cost."""
    for pattern, sureness in _COSTS:
        for sentence in sents:
            if re.search(r"\b(?:original|previously\s+implemented|prior)\b", sentence.text, re.IGNORECASE) \
                    and "valued" in pattern.pattern:
                continue
            match = pattern.search(sentence.text)
            if match:
                return Cost(money(match.group("num"), match.group("scale")), bool(match.group("upto")), sentence,
                            sureness)
    return None
