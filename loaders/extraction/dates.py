"""Date expressions in news sentences, resolved to partial ISO dates.

News rarely states full dates: it says "on Monday", "last year", "in December"
or "by February 2031". Each :class:`DateMention` records what the text says
(its span), what it resolves to (a partial ISO value with its precision),
whether the year was written (``basis="stated"``) or worked out from the
publication date (``basis="inferred"``), and how the date relates to the event
("at", a deadline "by", a start "since"/"from").

Rules are deliberately conservative: a bare four-digit number is a year only in
a date-like context (after "in", "by", "since" ..., next to a month, at the
start of a sentence), so "2,000 missiles", "$2024 million", "F-16" and
"PAC-3" are never dates. Relative expressions ("yesterday", "last month",
"in May") need a publication date; without one they are skipped, not guessed.

Where the text does not say whether a month without a year lies before or after
publication, the tense of the clause decides ("will", "plans to", "expected"
point forward; "said", "took", "-ed" verbs point back); with no tense cue the
month closest to the publication date is chosen. The span of a mention covers
the date expression and its modifiers ("early May", "last Tuesday",
"the first quarter of 2026") but not the preposition before it ("by", "on",
"in"), which only sets ``relation``.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS: dict[str, int] = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3,
    "april": 4, "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7,
    "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
WEEKDAYS: dict[str, int] = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3,
    "friday": 4, "saturday": 5, "sunday": 6,
}
SMALL_NUMBERS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}

Parts = tuple[int, int | None, int | None]
"""A partial date: (year, month or None, day or None)."""


@dataclass(frozen=True)
class DateMention:
    """A date expression found in a sentence and what it resolves to."""

    text: str
    start: int
    end: int
    value: str
    precision: str
    basis: str
    relation: str


# --------------------------------------------------------------------------
# Normalising a single date value (article headers, --date)
# --------------------------------------------------------------------------

_MONTH_ALT = (
    r"January|February|March|April|May|June|July|August|September|October|November|December"
    r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
_TIME_TAIL = (
    r"(?:,?\s*(?:at\s+)?\d{1,2}[:.]\d\d(?:[:.]\d\d)?\s*(?:[ap]\.?m\.?)?"
    r"(?:\s*(?:[A-Z]{2,5}|UTC[+-]\d{1,2}|[+-]\d\d:?\d\d))?)?"
)
_WEEKDAY_HEAD = r"(?:(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs?)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?,?\s+)?"
_ISO_VALUE = re.compile(
    r"(?P<y>\d{4})(?:[-/.](?P<m>\d{1,2})(?:[-/.](?P<d>\d{1,2}))?)?"
    r"(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)?"
)
_DMY_VALUE = re.compile(
    _WEEKDAY_HEAD + r"(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>" + _MONTH_ALT
    + r"),?\s+(?P<y>\d{4})" + _TIME_TAIL,
    re.IGNORECASE,
)
_MDY_VALUE = re.compile(
    _WEEKDAY_HEAD + r"(?P<mon>" + _MONTH_ALT + r")\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})"
    + _TIME_TAIL,
    re.IGNORECASE,
)
_MY_VALUE = re.compile(r"(?P<mon>" + _MONTH_ALT + r"),?\s+(?P<y>\d{4})", re.IGNORECASE)


def month_number(name: str) -> int:
    """The month number of an English month name or abbreviation ("Sept." -> 9)."""
    return MONTHS[name.rstrip(".").lower()]


def _checked(year: int, month: int | None, day: int | None) -> Parts:
    """The parts, or ValueError when they name no calendar date."""
    if not 1000 <= year <= 9999:
        raise ValueError(f"year {year} is out of range")
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"month {month} is out of range")
    if day is not None:
        assert month is not None
        if not 1 <= day <= calendar.monthrange(year, month)[1]:
            raise ValueError(f"day {day} does not exist in {year:04d}-{month:02d}")
    return year, month, day


def iso(parts: Parts) -> str:
    """Format (year, month, day) as partial ISO: YYYY, YYYY-MM or YYYY-MM-DD."""
    year, month, day = parts
    if month is None:
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


def parse_date_value(value: str) -> Parts:
    """Parse a written date ("2025-11-19", "19 November 2025", "Nov. 19, 2025",
    "November 2025", "2025") into parts; ValueError names what is wrong.

    Used for article headers and ``--date``, where a person or a scraper wrote
    one date on its own; a trailing clock time is tolerated because scraped
    headers often carry one.
    """
    text = value.strip()
    if match := _ISO_VALUE.fullmatch(text):
        month = int(match["m"]) if match["m"] else None
        day = int(match["d"]) if match["d"] else None
        return _checked(int(match["y"]), month, day)
    for pattern in (_DMY_VALUE, _MDY_VALUE):
        if match := pattern.fullmatch(text):
            return _checked(int(match["y"]), month_number(match["mon"]), int(match["d"]))
    if match := _MY_VALUE.fullmatch(text):
        return _checked(int(match["y"]), month_number(match["mon"]), None)
    raise ValueError(
        f"cannot read {value!r} as a date (use 2025-11-19, 2025-11, 2025, "
        "19 November 2025 or November 19, 2025)"
    )


def normalise_date(value: str) -> str:
    """A written date as partial ISO ("Nov. 19, 2025" -> "2025-11-19"); ValueError if unreadable."""
    return iso(parse_date_value(value))


def parse_iso_partial(value: str) -> Parts:
    """Parse a partial ISO date (YYYY, YYYY-MM, YYYY-MM-DD); ValueError otherwise."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value.strip())
    if not match:
        raise ValueError(f"publication date {value!r} is not ISO (YYYY, YYYY-MM or YYYY-MM-DD)")
    return _checked(
        int(match[1]), int(match[2]) if match[2] else None, int(match[3]) if match[3] else None
    )


# --------------------------------------------------------------------------
# Building blocks of the sentence patterns
# --------------------------------------------------------------------------

_YEAR = r"(?:19\d\d|20\d\d|2100)"
_NO_NUM_BEFORE = r"(?<![\w$€£¥₩₹.,/-])"
_NO_NUM_AFTER = r"(?![\w%]|[.,/]\d|[-–—]\d)"
_ORD = r"(?:st|nd|rd|th)?"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_AMBIGUOUS_MONTHS = {"may", "march"}
_PREFIX_CUE = re.compile(
    r"(?:\b(?:in|by|since|until|till|through|thru|from|to|during|before|after|between|of|on"
    r"|around|circa|as\s+of|starting|beginning|throughout|and|or|early|late|mid|end)"
    r"[\s-]*|\(\s*)$",
    re.IGNORECASE,
)
_YEAR_PREFIX_CUE = re.compile(
    r"\b(?:in|by|since|until|till|through|thru|from|to|during|before|after|between|of"
    r"|circa|c\.|as\s+of|starting|beginning|throughout|(?:the\s+)?years?)\s*$"
    r"|(?:19|20)\d\d\s*(?:,|and|or)\s*$",
    re.IGNORECASE,
)
_SENTENCE_START = re.compile(r"^[\s\"“‘'(\[]*$")
# A plural noun after a number means a count ("of 2000 missiles"), not a year.
_YEAR_FOLLOWER_OK = {
    "as", "was", "is", "has", "its", "this", "plus", "levels", "figures", "prices", "terms",
    "his", "hers", "thus", "whereas", "versus", "across", "always", "perhaps", "unless",
}
_COUNT_NOUNS = {
    "aircraft", "million", "billion", "thousand", "hundred", "personnel", "people", "staff",
    "equipment", "km", "miles", "metres", "meters", "feet", "kg", "tonnes", "tons", "dollars",
}
_RELATION_BY = re.compile(
    r"\b(?:by|until|till|til|through|thru|before|(?:no|not)\s+later\s+than|up\s+to)\s+$",
    re.IGNORECASE,
)
_RELATION_SINCE = re.compile(r"\bsince\s+$", re.IGNORECASE)
_RELATION_FROM = re.compile(
    r"\b(?:from|starting(?:\s+(?:in|on|from))?|beginning(?:\s+(?:in|on))?|as\s+from"
    r"|effective(?:\s+from)?)\s+$",
    re.IGNORECASE,
)
_FUTURE = re.compile(
    r"\b(?:will|won't|shall|going\s+to|plans?\s+to|planned|planning|expected|expects?"
    r"|scheduled|slated|(?:is|are)\s+due|due\s+to\s+(?:be|arrive|start|begin|visit|meet|hold|sign)"
    r"|set\s+to|aims?\s+to|intends?\s+to|(?:is|are)\s+to|upcoming|forthcoming"
    r"|as\s+(?:early|soon)\s+as)\b|['’]ll\b",
    re.IGNORECASE,
)
_PAST = re.compile(
    r"\b(?:said|told|was|were|had|did|took|gave|made|met|sold|began|came|went|held|led|left"
    r"|won|saw|got|ran|brought|bought|sent|spent|built|became|fell|rose|struck|flew|paid"
    r"|[a-z]{3,}ed)\b"
)
_AFTER_BE = re.compile(r"\b(?:be|been|being)\s+(?:\w+ly\s+)?$", re.IGNORECASE)
_NOT_PAST = {"need", "feed", "speed", "seed", "breed", "indeed", "proceed", "exceed", "succeed",
             "hundred", "embed", "united", "armed", "advanced", "based", "unmanned", "manned",
             "guided", "limited", "related", "detailed", "combined", "integrated", "expected"}


@dataclass(frozen=True)
class _Pub:
    """The publication date as far as it is known."""

    year: int
    month: int | None
    day: int | None

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    def as_date(self) -> date:
        return date(self.year, self.month or 1, self.day or 1)


@dataclass(frozen=True)
class _Candidate:
    """Mentions produced by one pattern match; the longest non-overlapping win."""

    start: int
    end: int
    mentions: tuple[DateMention, ...]


def _month_group(name: str) -> str:
    return rf"(?P<{name}>{_MONTH_ALT})(?![\w])"


def _mention(
    sentence: str, start: int, end: int, parts: Parts, basis: str, relation: str | None = None
) -> DateMention:
    """Build a mention; the relation comes from the words before it unless given."""
    precision = "day" if parts[2] else "month" if parts[1] else "year"
    return DateMention(
        text=sentence[start:end],
        start=start,
        end=end,
        value=iso(parts),
        precision=precision,
        basis=basis,
        relation=relation or relation_before(sentence, start),
    )


def relation_before(sentence: str, start: int) -> str:
    """How a date relates to its event, from the preposition before it.

    "by", "until", "through", "before" mark deadlines; "since" a continuing
    state; "from", "starting", "beginning" a start; anything else is "at".
    """
    prefix = sentence[:start]
    if _RELATION_BY.search(prefix):
        return "by"
    if _RELATION_SINCE.search(prefix):
        return "since"
    if _RELATION_FROM.search(prefix):
        return "from"
    return "at"


def tense_at(sentence: str, start: int, end: int) -> str | None:
    """"future", "past" or None: the tense cue nearest before the mention in its clause,
    else the first after it in the clause.

    Used to decide whether "in May" or "on Monday" lies before or after
    publication; the clause is cut at ';', ':' and dashes so that cues of a
    neighbouring clause do not leak in.
    """
    left = re.split(r"[;:—–]", sentence[:start])[-1]
    right = re.split(r"[;:—–.,]", sentence[end:])[0]
    cues = _tense_cues(left)
    if cues:
        return cues[-1]
    after = _tense_cues(right)
    return after[0] if after else None


def _tense_cues(text: str) -> list[str]:
    """Tense cues in textual order; a future cue beats a past one at the same place."""
    found: dict[int, str] = {}
    for match in _PAST.finditer(text):
        # "will be held", "is to be delivered": a participle after "be" is not past.
        if match[0] not in _NOT_PAST and not _AFTER_BE.search(text, 0, match.start()):
            found[match.start()] = "past"
    for match in _FUTURE.finditer(text):
        found[match.start()] = "future"
    return [found[pos] for pos in sorted(found)]


# --------------------------------------------------------------------------
# Choosing the year of a month or day written without one
# --------------------------------------------------------------------------


def _pick(candidates: list[tuple[int, ...]], pub_key: tuple[int, ...], tense: str | None,
          distance: Callable[[tuple[int, ...]], int]) -> tuple[int, ...]:
    """The candidate before (past), after (future) or closest to (no cue) publication."""
    if tense == "past":
        before = [c for c in candidates if c <= pub_key]
        if before:
            return max(before)
    if tense == "future":
        after = [c for c in candidates if c >= pub_key]
        if after:
            return min(after)
    # Closest; on a tie the earlier one, because news mostly reports the past.
    return min(candidates, key=lambda c: (distance(c), c))


def _infer_month(month: int, pub: _Pub, tense: str | None) -> Parts:
    """The year of a month named without one (December in a January article -> last year)."""
    if pub.month is None:
        return pub.year, month, None
    cands = [(y, month) for y in (pub.year - 1, pub.year, pub.year + 1)]
    year, _ = _pick(cands, (pub.year, pub.month), tense,
                    lambda c: abs((c[0] - pub.year) * 12 + c[1] - pub.month))
    return year, month, None


def _infer_day(month: int, day: int, pub: _Pub, tense: str | None) -> Parts | None:
    """The year of a day named without one ("November 7"), or None if it cannot exist."""
    if pub.month is None:
        try:
            return _checked(pub.year, month, day)
        except ValueError:
            return None
    cands: list[tuple[int, int, int]] = []
    for year in (pub.year - 1, pub.year, pub.year + 1):
        if day <= calendar.monthrange(year, month)[1]:
            cands.append((year, month, day))
    if not cands:
        return None
    if pub.day is None:
        # Only the publication month is known: compare months, as for a bare month.
        year = _infer_month(month, pub, tense)[0]
        return _checked(year, month, day) if (year, month, day) in cands else None
    pub_date = pub.as_date()
    picked = _pick(cands, (pub.year, pub.month, pub.day), tense,
                   lambda c: abs((date(*c) - pub_date).days))
    return picked[0], picked[1], picked[2]


def _shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _coarsen(parts: Parts, precision: str) -> Parts:
    """Drop the parts finer than `precision`."""
    year, month, day = parts
    if precision == "year":
        return year, None, None
    if precision == "month":
        return year, month, None
    return parts


def _finer(a: str, b: str) -> bool:
    order = {"day": 2, "month": 1, "year": 0}
    return order[a] > order[b]


def _relative(pub: _Pub, unit: str, delta: int, precision: str) -> Parts:
    """The publication date moved by `delta` units, at `precision`, never finer than known.

    A shift in days from a publication date known only to the month keeps the
    month: the best the text allows (the caller marks it inferred).
    """
    wanted = pub.precision if _finer(precision, pub.precision) else precision
    parts: Parts
    if unit == "day":
        if pub.day is not None:
            moved = pub.as_date() + timedelta(days=delta)
            parts = (moved.year, moved.month, moved.day)
        else:
            parts = (pub.year, pub.month, None)
    elif unit == "month":
        if pub.month is not None:
            year, month = _shift_month(pub.year, pub.month, delta)
            parts = (year, month, None)
        else:
            parts = (pub.year, None, None)
    else:
        parts = (pub.year + delta, pub.month, pub.day)
    return _coarsen(parts, wanted)


# --------------------------------------------------------------------------
# The patterns
# --------------------------------------------------------------------------

_ISO_IN_TEXT = re.compile(rf"(?<![\w./-])(?P<y>{_YEAR})-(?P<m>\d\d)-(?P<d>\d\d)(?![\w/-])")
_WD_LEAD = rf"(?:{_WEEKDAY},?\s+)?"
_MDY = re.compile(
    rf"{_WD_LEAD}{_month_group('mon')}\s+(?P<d>[0-3]?\d){_ORD},?\s+(?P<y>{_YEAR}){_NO_NUM_AFTER}"
)
_DMY = re.compile(
    rf"{_WD_LEAD}(?:the\s+)?{_NO_NUM_BEFORE}(?P<d>[0-3]?\d){_ORD}\s+(?:of\s+)?{_month_group('mon')}"
    rf",?\s+(?P<y>{_YEAR}){_NO_NUM_AFTER}"
)
_MD = re.compile(rf"{_WD_LEAD}{_month_group('mon')}\s+(?P<d>[0-3]?\d){_ORD}(?![\w%]|[.,:/-]\d)")
_DM = re.compile(
    rf"{_WD_LEAD}(?:the\s+)?{_NO_NUM_BEFORE}(?P<d>[0-3]?\d){_ORD}\s+(?:of\s+)?{_month_group('mon')}"
)
_MOD = (
    r"(?P<mod>early|late|mid|(?:the\s+)?(?:end|beginning|start|middle|close)\s+of"
    r"|earlier\s+this|later\s+this|early\s+next|late\s+last|last|next|this)"
)
_MY = re.compile(
    rf"(?:(?P<mod>early|late|mid|(?:the\s+)?(?:end|beginning|start|middle|close)\s+of)[\s-]+)?"
    rf"{_month_group('mon')},?\s+(?:of\s+)?(?P<y>{_YEAR}){_NO_NUM_AFTER}",
    re.IGNORECASE,
)
_MONTH_REL_YEAR = re.compile(
    rf"(?:(?i:{_MOD})[\s-]+)?{_month_group('mon')}\s+(?:of\s+)?(?P<rel>(?i:last|this|next))\s+year\b"
)
_MONTH_ONLY = re.compile(rf"(?:(?i:{_MOD})[\s-]+)?{_month_group('mon')}")
_RANGE_DASH = re.compile(
    rf"{_NO_NUM_BEFORE}(?P<y1>{_YEAR})\s*[-–—]\s*(?P<y2>{_YEAR}|\d\d)(?![\w%-]|[.,]\d)"
)
_RANGE_WORDS = re.compile(
    rf"\b(?P<kw>from|between)\s+{_NO_NUM_BEFORE}(?P<y1>{_YEAR})\s+(?P<mid>to|until|till|through|and)"
    rf"\s+(?P<y2>{_YEAR}){_NO_NUM_AFTER}",
    re.IGNORECASE,
)
_QUARTER = re.compile(
    r"(?:\bthe\s+)?\b(?P<ord>first|second|third|fourth|final|1st|2nd|3rd|4th)[\s-]+(?P<unit>quarter|half)"
    rf"(?:\s+of)?(?:\s+(?:the\s+)?(?:(?:(?:fiscal|financial)\s+(?:year\s+)?|FY\s?)(?P<fy>{_YEAR}|\d\d)"
    rf"|(?P<y>{_YEAR}){_NO_NUM_AFTER}|(?P<rel>this|next|last|the)\s+year))?",
    re.IGNORECASE,
)
_Q_SHORT = re.compile(
    rf"\b(?P<q>Q[1-4]|H[12])(?:\s*(?:of\s+)?(?:FY\s?|fiscal\s+)?(?P<y>{_YEAR}|['’]\d\d)(?![\w%]))?"
)
_FISCAL = re.compile(
    rf"\b(?:(?:fiscal|financial)\s+(?:years?\s+)?(?:\(FY\)\s+)?(?P<y>{_YEAR})"
    rf"|FY\s?-?(?P<fy>{_YEAR}|\d\d))(?:\s*[-/–]\s*(?:{_YEAR}|\d\d))?(?![\w%])",
    re.IGNORECASE,
)
_MOD_YEAR = re.compile(
    r"(?P<mod>early|late|mid|(?:the\s+)?(?:end|beginning|start|middle|close)\s+of(?:\s+the\s+year)?"
    r"|end|year-end|(?:the\s+)?(?:spring|summer|autumn|fall|winter)(?:\s+of)?|the\s+year)"
    rf"[\s-]+(?P<y>{_YEAR}){_NO_NUM_AFTER}",
    re.IGNORECASE,
)
_BARE_YEAR = re.compile(rf"{_NO_NUM_BEFORE}(?P<y>{_YEAR}){_NO_NUM_AFTER}")
_DAY_WORDS = re.compile(r"\b(?P<w>today|tonight|yesterday|tomorrow)\b", re.IGNORECASE)
_REL_UNIT = re.compile(
    r"(?<!\bthe\s)\b(?P<mod>earlier\s+this|later\s+this|early\s+next|late\s+last|early\s+this"
    r"|late\s+this|this|last|next)\s+(?P<unit>week|weekend|month|year)\b(?!-)",
    re.IGNORECASE,
)
_AGO = re.compile(
    r"\b(?P<n>a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{1,3})"
    r"\s+(?P<unit>day|week|month|year)s?\s+ago\b",
    re.IGNORECASE,
)
_WEEKDAY_RE = re.compile(
    rf"(?:\b(?i:(?P<mod>this\s+past|this\s+coming|last|next|this|past|coming))\s+)?\b(?P<wd>{_WEEKDAY})\b(?!s\b)"
)


def _year_context_ok(sentence: str, start: int, end: int) -> bool:
    """Whether a bare 1900-2100 number is used as a year: a date cue before it or
    the start of the sentence, and no count noun after it."""
    prefix = sentence[:start]
    if not (_YEAR_PREFIX_CUE.search(prefix) or _SENTENCE_START.match(prefix)):
        return False
    return not _count_noun_follows(sentence, end)


def _count_noun_follows(sentence: str, end: int) -> bool:
    """Whether the number is followed by a plural or unit noun ("2000 missiles")."""
    match = re.match(r"\s+([A-Za-z][\w-]*)", sentence[end:])
    if not match:
        return False
    word = match[1]
    lower = word.lower()
    if lower in _COUNT_NOUNS:
        return True
    return (word == lower and lower.endswith("s") and not lower.endswith("ss")
            and lower not in _YEAR_FOLLOWER_OK)


def _two_digit_year(text: str, century_of: int | None = None) -> int:
    """A year written with two digits ("'26", "FY26", "2023-25")."""
    value = int(text.lstrip("'’"))
    if century_of is not None:
        return century_of // 100 * 100 + value
    return 2000 + value


def _full_dates(sentence: str, pub: _Pub | None) -> Iterator[_Candidate]:
    """Dates with day and month, with or without a year."""
    for match in _ISO_IN_TEXT.finditer(sentence):
        yield from _stated(sentence, match, int(match["y"]), int(match["m"]), int(match["d"]))
    for pattern in (_MDY, _DMY):
        for match in pattern.finditer(sentence):
            yield from _stated(sentence, match, int(match["y"]), month_number(match["mon"]),
                               int(match["d"]))
    if pub is None:
        return
    for pattern in (_MD, _DM):
        for match in pattern.finditer(sentence):
            day = int(match["d"])
            month = month_number(match["mon"])
            if not 1 <= day <= 31:
                continue
            tense = tense_at(sentence, match.start(), match.end())
            parts = _infer_day(month, day, pub, tense)
            if parts is not None:
                yield _single(sentence, match.start(), match.end(), parts, "inferred")


def _stated(sentence: str, match: re.Match[str], year: int, month: int | None,
            day: int | None) -> Iterator[_Candidate]:
    """A candidate for a date written with its year; one that does not exist in the
    calendar ("February 30, 2025") still claims its span, so that no part of it
    is read as a date either."""
    try:
        parts = _checked(year, month, day)
    except ValueError:
        yield _Candidate(match.start(), match.end(), ())
        return
    yield _single(sentence, match.start(), match.end(), parts, "stated")


def _single(sentence: str, start: int, end: int, parts: Parts, basis: str,
            relation: str | None = None) -> _Candidate:
    return _Candidate(start, end, (_mention(sentence, start, end, parts, basis, relation),))


def _months(sentence: str, pub: _Pub | None) -> Iterator[_Candidate]:
    """Months with a year ("February 2031") and, given a publication date, without one."""
    for match in _MY.finditer(sentence):
        if match["mon"][0].islower():
            continue
        yield from _stated(sentence, match, int(match["y"]), month_number(match["mon"]), None)
    if pub is None:
        return
    for match in _MONTH_REL_YEAR.finditer(sentence):
        # "February last year", "in March next year"
        delta = {"last": -1, "this": 0, "next": 1}[match["rel"].lower()]
        parts = (pub.year + delta, month_number(match["mon"]), None)
        yield _single(sentence, match.start(), match.end(), parts, "inferred")
    for match in _MONTH_ONLY.finditer(sentence):
        name = match["mon"]
        mod = (match["mod"] or "").lower()
        if not mod and not _bare_month_ok(sentence, match.start(), match.end(), name):
            continue
        month = month_number(name)
        if mod.endswith("last"):
            parts = _month_before(month, pub)
        elif mod.endswith("next"):
            parts = _month_after(month, pub)
        elif mod.endswith("this"):
            parts = (pub.year, month, None)
        else:
            parts = _infer_month(month, pub, tense_at(sentence, match.start(), match.end()))
        yield _single(sentence, match.start(), match.end(), parts, "inferred")


def _bare_month_ok(sentence: str, start: int, end: int, name: str) -> bool:
    """A month name alone is a month after a date cue ("in May"); an unambiguous full
    name ("January") also elsewhere unless a capitalised word follows (a person's name)."""
    if _PREFIX_CUE.search(sentence[:start]):
        return True
    key = name.rstrip(".").lower()
    if key in _AMBIGUOUS_MONTHS or len(key) <= 4 and key not in {"june", "july"}:
        return False
    return not re.match(r"\s+[A-Z][a-z]", sentence[end:])


def _month_before(month: int, pub: _Pub) -> Parts:
    """"last March": the most recent March strictly before the publication month."""
    if pub.month is None:
        return pub.year - 1, month, None
    return (pub.year if month < pub.month else pub.year - 1), month, None


def _month_after(month: int, pub: _Pub) -> Parts:
    """"next March": the first March strictly after the publication month."""
    if pub.month is None:
        return pub.year + 1, month, None
    return (pub.year if month > pub.month else pub.year + 1), month, None


def _ranges(sentence: str) -> Iterator[_Candidate]:
    """"2023-2025", "2023–25", "from 2023 to 2025", "between 2023 and 2025": a start and an end."""
    for match in _RANGE_DASH.finditer(sentence):
        y1 = int(match["y1"])
        y2_text = match["y2"]
        y2 = int(y2_text) if len(y2_text) == 4 else _two_digit_year(y2_text, y1)
        if y2 <= y1 or y2 - y1 > 100:
            continue
        yield _range(sentence, match, y1, y2)
    for match in _RANGE_WORDS.finditer(sentence):
        y1, y2 = int(match["y1"]), int(match["y2"])
        if match["kw"].lower() == "between" and match["mid"].lower() != "and":
            continue
        if y2 > y1:
            yield _range(sentence, match, y1, y2)


def _range(sentence: str, match: re.Match[str], y1: int, y2: int) -> _Candidate:
    first = _mention(sentence, match.start("y1"), match.end("y1"), (y1, None, None), "stated", "from")
    second = _mention(sentence, match.start("y2"), match.end("y2"), (y2, None, None), "stated", "by")
    return _Candidate(match.start(), match.end(), (first, second))


_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3,
             "fourth": 4, "4th": 4, "final": 4}


def _quarters(sentence: str, pub: _Pub | None) -> Iterator[_Candidate]:
    """Quarters and halves: the month they start in ("Q3 2026" -> 2026-07)."""
    for match in _QUARTER.finditer(sentence):
        index = _ORDINALS[match["ord"].lower()]
        unit = match["unit"].lower()
        if unit == "half" and (index > 2 or not (match["y"] or match["fy"] or match["rel"])):
            continue
        month = (index - 1) * 3 + 1 if unit == "quarter" else (index - 1) * 6 + 1
        yield from _period(sentence, match, month, match["y"] or match["fy"], match["rel"], pub)
    for match in _Q_SHORT.finditer(sentence):
        q = match["q"].upper()
        if q.startswith("H") and not match["y"]:
            continue
        month = (int(q[1]) - 1) * 3 + 1 if q[0] == "Q" else (int(q[1]) - 1) * 6 + 1
        yield from _period(sentence, match, month, match["y"], None, pub)


def _period(sentence: str, match: re.Match[str], month: int, year_text: str | None,
            rel: str | None, pub: _Pub | None) -> Iterator[_Candidate]:
    if year_text:
        digits = year_text.lstrip("'’")
        year = int(digits) if len(digits) == 4 else _two_digit_year(digits)
        yield _single(sentence, match.start(), match.end(), (year, month, None), "stated")
    elif pub is not None:
        if rel:
            delta = {"this": 0, "the": 0, "next": 1, "last": -1}[rel.lower()]
            parts: Parts = (pub.year + delta, month, None)
        else:
            parts = _infer_month(month, pub, tense_at(sentence, match.start(), match.end()))
        yield _single(sentence, match.start(), match.end(), parts, "inferred")


def _years(sentence: str) -> Iterator[_Candidate]:
    """Years: fiscal years, modified years ("mid-2026") and bare years in a date context."""
    for match in _FISCAL.finditer(sentence):
        text = match["y"] or match["fy"]
        year = int(text) if len(text) == 4 else _two_digit_year(text)
        yield _single(sentence, match.start(), match.end(), (year, None, None), "stated")
    for match in _MOD_YEAR.finditer(sentence):
        if _count_noun_follows(sentence, match.end()):
            continue
        yield _single(sentence, match.start(), match.end(), (int(match["y"]), None, None), "stated")
    for match in _BARE_YEAR.finditer(sentence):
        if _year_context_ok(sentence, match.start(), match.end()):
            yield _single(sentence, match.start(), match.end(), (int(match["y"]), None, None),
                          "stated")


def _relatives(sentence: str, pub: _Pub) -> Iterator[_Candidate]:
    """"yesterday", "last month", "this year", "two weeks ago", "on Monday" ..."""
    for match in _DAY_WORDS.finditer(sentence):
        delta = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}[match["w"].lower()]
        parts = _relative(pub, "day", delta, "day")
        yield _single(sentence, match.start(), match.end(), parts, "inferred")
    for match in _REL_UNIT.finditer(sentence):
        mod = match["mod"].lower().split()[-1]
        delta = {"this": 0, "last": -1, "next": 1}[mod]
        unit = match["unit"].lower()
        if unit in {"week", "weekend"}:
            parts = _relative(pub, "day", 7 * delta, "month")
        else:
            parts = _relative(pub, unit, delta, unit)
        yield _single(sentence, match.start(), match.end(), parts, "inferred")
    for match in _AGO.finditer(sentence):
        raw = match["n"].lower()
        count = int(raw) if raw.isdigit() else SMALL_NUMBERS[raw]
        unit = match["unit"].lower()
        if unit == "week":
            parts = _relative(pub, "day", -7 * count, "month")
        else:
            parts = _relative(pub, unit, -count, unit)
        yield _single(sentence, match.start(), match.end(), parts, "inferred")
    for match in _WEEKDAY_RE.finditer(sentence):
        parts = _weekday(sentence, match, pub)
        yield _single(sentence, match.start(), match.end(), parts, "inferred")


def _weekday(sentence: str, match: re.Match[str], pub: _Pub) -> Parts:
    """The date of "Monday" / "last Tuesday" / "next Friday" relative to publication.

    A bare weekday is the most recent one on or before publication, unless the
    clause speaks of the future ("will meet on Monday"); "last" is strictly
    before, "next"/"coming" strictly after.
    """
    if pub.day is None:
        return _coarsen((pub.year, pub.month, None), pub.precision)
    target = WEEKDAYS[match["wd"].lower()]
    published = pub.as_date()
    mod = (match["mod"] or "").lower()
    back = (published.weekday() - target) % 7
    ahead = (target - published.weekday()) % 7
    if mod in {"last", "past", "this past"}:
        moved = published - timedelta(days=back or 7)
    elif mod in {"next", "coming", "this coming"}:
        moved = published + timedelta(days=ahead or 7)
    elif tense_at(sentence, match.start(), match.end()) == "future":
        moved = published + timedelta(days=ahead)
    else:
        moved = published - timedelta(days=back)
    return moved.year, moved.month, moved.day


def _choose(candidates: list[_Candidate]) -> list[DateMention]:
    """Longest candidates first; drop any that overlap one already chosen."""
    chosen: list[_Candidate] = []
    for cand in sorted(candidates, key=lambda c: (-(c.end - c.start), c.start)):
        if all(cand.end <= c.start or cand.start >= c.end for c in chosen):
            chosen.append(cand)
    mentions = [m for c in chosen for m in c.mentions]
    return sorted(mentions, key=lambda m: m.start)


def find_dates(sentence: str, published: str | None) -> list[DateMention]:
    """All date expressions of `sentence`, resolved against the publication date.

    `published` is partial ISO (YYYY, YYYY-MM, YYYY-MM-DD) or None; without it
    only dates that state their year are returned. Mentions come in text order
    and do not overlap.
    """
    pub: _Pub | None = None
    if published:
        pub = _Pub(*parse_iso_partial(published))
    candidates: list[_Candidate] = []
    candidates.extend(_full_dates(sentence, pub))
    candidates.extend(_months(sentence, pub))
    candidates.extend(_ranges(sentence))
    candidates.extend(_quarters(sentence, pub))
    candidates.extend(_years(sentence))
    if pub is not None:
        candidates.extend(_relatives(sentence, pub))
    return _choose(candidates)
