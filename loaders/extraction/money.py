"""Money amounts and counted quantities in news text.

Arms-trade stories state deal values in many notations: "$698,948,760",
"almost $700m", "US$500 million", "€2.5bn", "NT$8.9 billion", "Rs 5,000 crore",
"7.5 billion kronor". :func:`find_money` turns each into an amount in units of
an ISO 4217 currency, flagging hedged figures ("almost", "more than") as
approximate. :func:`find_quantities` finds counts of things ("three NASAMS
units", "66 F-16V fighter jets") and refuses numbers that are money, years,
durations, percentages, measurements or parts of model names ("F-16", "PAC-3").
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Money:
    """An amount of money as written, and its value in units of `currency`."""

    text: str
    start: int
    end: int
    amount: float
    currency: str
    approximate: bool


@dataclass(frozen=True)
class Quantity:
    """A count of things: the number and the noun phrase counted, as written."""

    text: str
    start: int
    end: int
    value: int
    noun: str


# --------------------------------------------------------------------------
# Money
# --------------------------------------------------------------------------

# Prefixes written before the number, longest first so "US$" wins over "$".
_SYMBOLS: dict[str, str] = {
    "US$": "USD", "U.S.$": "USD", "US $": "USD", "NT$": "TWD", "NT $": "TWD", "A$": "AUD",
    "AU$": "AUD", "C$": "CAD", "CA$": "CAD", "Can$": "CAD", "S$": "SGD", "SG$": "SGD",
    "HK$": "HKD", "NZ$": "NZD", "R$": "BRL", "Mex$": "MXN", "$": "USD", "€": "EUR", "£": "GBP",
    "₩": "KRW", "¥": "JPY", "₹": "INR", "Rs.": "INR", "Rs": "INR", "₪": "ILS", "₽": "RUB",
    "₺": "TRY", "₴": "UAH", "zł": "PLN", "kr": "SEK", "CHF": "CHF", "SFr.": "CHF", "Fr.": "CHF",
    "RM": "MYR", "Rp": "IDR", "R": "ZAR", "RMB": "CNY", "NTD": "TWD", "CN¥": "CNY",
    "JP¥": "JPY", "Kč": "CZK",
}
# Symbols too short or too common to trust without a multiplier or currency word ("R 5").
_WEAK_SYMBOLS = {"R", "kr", "RM", "Rp", "Fr."}
ISO_CODES = {
    "USD", "EUR", "GBP", "JPY", "CNY", "KRW", "TWD", "AUD", "CAD", "SGD", "HKD", "NZD", "INR",
    "CHF", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "RON", "ILS", "TRY", "RUB", "BRL", "ZAR",
    "SAR", "AED", "QAR", "KWD", "EGP", "MXN", "IDR", "MYR", "THB", "PHP", "VND", "PKR", "UAH",
    "BGN", "NGN", "KZT", "CLP", "COP", "ARS", "BDT", "OMR", "BHD", "JOD", "MAD", "DZD",
}
# Currency words written after the number; an adjective before "dollars" etc. refines them.
_WORDS: dict[str, str] = {
    "dollar": "USD", "dollars": "USD", "euro": "EUR", "euros": "EUR", "pound": "GBP",
    "pounds": "GBP", "sterling": "GBP", "yen": "JPY", "yuan": "CNY", "renminbi": "CNY",
    "won": "KRW", "rupee": "INR", "rupees": "INR", "krona": "SEK", "kronor": "SEK",
    "krone": "NOK", "kroner": "NOK", "zloty": "PLN", "zlotys": "PLN", "złoty": "PLN",
    "złotys": "PLN", "zlotych": "PLN", "francs": "CHF", "franc": "CHF", "shekels": "ILS",
    "shekel": "ILS", "lira": "TRY", "liras": "TRY", "roubles": "RUB", "rubles": "RUB",
    "rouble": "RUB", "ruble": "RUB", "rand": "ZAR", "ringgit": "MYR", "rupiah": "IDR",
    "baht": "THB", "riyals": "SAR", "riyal": "SAR", "dirhams": "AED", "dirham": "AED",
    "hryvnias": "UAH", "hryvnia": "UAH", "hryvnia's": "UAH", "reais": "BRL", "real": "BRL",
    "forint": "HUF", "koruna": "CZK", "korunas": "CZK", "lei": "RON", "pesos": "MXN",
    "dong": "VND", "naira": "NGN", "leva": "BGN", "tenge": "KZT",
}
_ADJECTIVES: dict[str, str] = {
    "us": "USD", "u.s.": "USD", "american": "USD", "taiwan": "TWD", "taiwanese": "TWD",
    "new taiwan": "TWD", "nt": "TWD", "australian": "AUD", "canadian": "CAD",
    "singapore": "SGD", "hong kong": "HKD", "new zealand": "NZD", "danish": "DKK",
    "norwegian": "NOK", "swedish": "SEK", "swiss": "CHF", "south korean": "KRW",
    "korean": "KRW", "japanese": "JPY", "chinese": "CNY", "indian": "INR", "pakistani": "PKR",
    "philippine": "PHP", "mexican": "MXN", "brazilian": "BRL", "israeli": "ILS",
    "turkish": "TRY", "russian": "RUB", "saudi": "SAR", "uae": "AED", "emirati": "AED",
    "qatari": "QAR", "egyptian": "EGP", "polish": "PLN", "czech": "CZK", "hungarian": "HUF",
    "romanian": "RON", "british": "GBP", "ukrainian": "UAH", "south african": "ZAR",
    "malaysian": "MYR", "indonesian": "IDR", "thai": "THB", "argentine": "ARS",
    "chilean": "CLP", "colombian": "COP",
}
# Words that only name money when a multiplier or an adjective is there too
# ("500 pounds" may be a weight, "they won" a verb).
_WEAK_WORDS = {"pound", "pounds", "won", "real", "rand", "lei", "dong", "franc", "francs",
               "lira", "pesos", "leva"}
_MULTIPLIERS: dict[str, float] = {
    "k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "mln": 1e6, "mil": 1e6, "million": 1e6,
    "millions": 1e6, "b": 1e9, "bn": 1e9, "bln": 1e9, "billion": 1e9, "billions": 1e9,
    "tn": 1e12, "trn": 1e12, "tr": 1e12, "trillion": 1e12, "crore": 1e7, "crores": 1e7,
    "cr": 1e7, "lakh": 1e5, "lakhs": 1e5, "lac": 1e5,
}
_APPROX_BEFORE = re.compile(
    r"(?:\b(?:almost|about|around|nearly|some|more\s+than|over|up\s+to|roughly|an\s+estimated"
    r"|estimated|approximately|approx\.|close\s+to|just\s+(?:over|under)|upwards\s+of|at\s+least"
    r"|in\s+excess\s+of|less\s+than|fewer\s+than|under|as\s+much\s+as|as\s+little\s+as"
    r"|well\s+over|at\s+most|circa|c\.|potentially|possibly|nearly\s+a|almost\s+a)|~|±)\s*$",
    re.IGNORECASE,
)

_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_MULT_ALT = (
    r"thousand|millions?|billions?|trillion|crores?|lakhs?|lac|mln|mil|bln|trn|mn|bn|tn|tr|cr|k|m|b"
)
_SYMBOL_ALT = "|".join(re.escape(s) for s in sorted(_SYMBOLS, key=len, reverse=True))
_CODE_ALT = "|".join(sorted(ISO_CODES))
_WORD_ALT = "|".join(sorted((re.escape(w) for w in _WORDS), key=len, reverse=True))
_ADJ_ALT = "|".join(sorted((re.escape(a) for a in _ADJECTIVES), key=len, reverse=True))
_AMOUNT = (
    rf"(?P<num>{_NUMBER})(?:\s*(?:-|–|to)\s*(?P<num2>{_NUMBER}))?"
    rf"(?:\s*-?\s*(?P<mult>(?i:{_MULT_ALT}))\b)?(?P<plus>-plus\b|\+)?"
)
# "$1.2 billion", "US$500 million", "€2.5bn", "Rs 5,000 crore", "USD 330 million"
_PREFIXED = re.compile(
    rf"(?<![\w$])(?:(?P<sym>{_SYMBOL_ALT})|(?P<code>{_CODE_ALT})(?![A-Za-z]))\s?{_AMOUNT}"
    rf"(?:\s+(?:(?P<adj2>(?i:{_ADJ_ALT}))\s+)?(?P<word2>(?i:{_WORD_ALT}))\b)?"
)
# "330 million dollars", "8.9 billion New Taiwan dollars", "1 trillion won", "2.5 billion EUR"
_SUFFIXED = re.compile(
    rf"(?<![\w$€£¥₩₹.,])(?P<num>{_NUMBER})(?:\s*(?:-|–|to)\s*(?P<num2>{_NUMBER}))?"
    rf"(?:\s*-?\s*(?P<mult>(?i:{_MULT_ALT}))\b)?"
    rf"\s*(?:(?P<adj>(?i:{_ADJ_ALT}))\s+)?(?:(?P<word>(?i:{_WORD_ALT}))|(?P<code>{_CODE_ALT}))\b"
)
_CNY_NEARBY = re.compile(r"^[^.;]{0,30}?\b(?:yuan|renminbi|RMB|CNY)\b", re.IGNORECASE)


def find_money(text: str) -> list[Money]:
    """All money amounts in `text`, in order, not overlapping."""
    found: list[Money] = []
    for match in _PREFIXED.finditer(text):
        money = _prefixed(text, match)
        if money is not None:
            found.append(money)
    for match in _SUFFIXED.finditer(text):
        if any(match.start() < m.end and m.start < match.end() for m in found):
            continue
        money = _suffixed(text, match)
        if money is not None:
            found.append(money)
    return sorted(found, key=lambda m: m.start)


def _prefixed(text: str, match: re.Match[str]) -> Money | None:
    """Money written with a symbol or code before the number ("$1.2 billion", "EUR 2.5bn")."""
    symbol = match["sym"]
    currency = _SYMBOLS[symbol] if symbol else match["code"]
    if symbol in _WEAK_SYMBOLS and not (match["mult"] or match["word2"]):
        return None
    if match["word2"]:
        word_currency = _word_currency(match["word2"], match["adj2"])
        if currency == "JPY" and word_currency == "CNY":
            currency = "CNY"  # "¥5 billion yuan"
    if currency == "JPY" and _CNY_NEARBY.match(text[match.end():]):
        currency = "CNY"  # "¥5 billion (renminbi)"
    return _money(text, match.start(), match.end(), _amount(match), currency,
                  bool(match["plus"] or match["num2"]))


def _word_currency(word: str, adjective: str | None) -> str:
    """The currency of a currency word, refined by the adjective before it
    ("Australian dollars" -> AUD, "Danish kroner" -> DKK)."""
    currency = _WORDS[word.lower()]
    if adjective:
        currency = _ADJECTIVES.get(adjective.lower(), currency)
    return currency


def _suffixed(text: str, match: re.Match[str]) -> Money | None:
    """Money written with a currency word or code after the number ("330 million dollars")."""
    word = match["word"]
    if word is not None:
        lower = word.lower()
        if lower in _WEAK_WORDS and not (match["mult"] or match["adj"]):
            return None  # "500 pounds" may be a weight, "3 won" a verb
        currency = _word_currency(word, match["adj"])
    else:
        currency = match["code"]
    return _money(text, match.start(), match.end(), _amount(match), currency, bool(match["num2"]))


def _amount(match: re.Match[str]) -> float:
    """The number times its multiplier ("1.2 billion" -> 1.2e9, "5,000 crore" -> 5e10)."""
    number = float(match["num"].replace(",", ""))
    mult = match["mult"]
    if mult:
        number *= _MULTIPLIERS[mult.lower()]
    return number


def _money(text: str, start: int, end: int, amount: float, currency: str, hedged: bool) -> Money:
    """A Money with trailing spaces trimmed and the hedge words before it considered."""
    while end > start and text[end - 1].isspace():
        end -= 1
    approximate = hedged or bool(_APPROX_BEFORE.search(text[max(0, start - 40):start]))
    return Money(text=text[start:end], start=start, end=end, amount=amount, currency=currency,
                 approximate=approximate)


# --------------------------------------------------------------------------
# Quantities
# --------------------------------------------------------------------------

_UNITS_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}
_TENS_WORDS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
_SCALE_WORDS = {"hundred": 100, "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000}
_WORD_NUMBER = (
    r"(?:(?:a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|half\s+a)\s+dozen"
    r"|(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[-\s](?:one|two|three|four"
    r"|five|six|seven|eight|nine))?|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven"
    r"|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|a)"
    r"(?:\s+(?:hundred|thousand|million|billion))?)"
)
_QUANTITY_NUMBER = re.compile(
    rf"(?<![\w$€£¥₩₹.,/#+-])(?:(?P<digits>\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.(?P<frac>\d+))?"
    rf"(?:\s+(?P<scale>million|thousand|billion|hundred))?|(?P<words>{_WORD_NUMBER}))"
    r"(?=\s)",
    re.IGNORECASE,
)
# Units that make a number a measurement, a duration, a share or money, not a count.
_NOT_COUNTED = {
    "year", "years", "yr", "yrs", "month", "months", "week", "weeks", "day", "days", "hour",
    "hours", "minute", "minutes", "second", "seconds", "decade", "decades", "century",
    "centuries", "night", "nights", "times", "time", "percent", "per", "pc", "%", "percentage",
    "points", "point", "am", "pm", "a.m.", "p.m.", "gmt", "utc", "bst", "o'clock", "km",
    "kilometres", "kilometers", "kilometre", "kilometer", "miles", "mile", "metres", "meters",
    "metre", "meter", "m", "mm", "cm", "kg", "kilograms", "kilogram", "tons", "tonnes", "ton",
    "tonne", "knots", "nautical", "feet", "foot", "ft", "inches", "inch", "degrees", "degree",
    "litres", "liters", "hectares", "square", "kph", "mph", "km/h", "mw", "gw", "kw", "ghz",
    "mhz", "lb", "lbs", "kilotons", "megatons", "calibre", "caliber", "mile-range",
    "dollars", "dollar", "euros", "euro", "pounds", "pound", "yen", "yuan", "won", "rupees",
    "crore", "crores", "lakh", "lakhs", "kronor", "kroner", "zloty", "billion", "million",
    "bn", "mn", "per cent", "and", "or", "to", "of", "out", "in", "on", "at", "by", "for",
    "from", "with", "than", "as", "is", "was", "are", "were", "-", "–", "the", "a", "an",
}
# Words that end a counted noun phrase.
_STOP_WORDS = {
    "of", "to", "for", "from", "in", "on", "at", "by", "with", "under", "over", "into", "onto",
    "and", "or", "but", "nor", "as", "than", "that", "which", "who", "whom", "whose", "while",
    "when", "where", "because", "if", "after", "before", "since", "until", "during", "amid",
    "about", "against", "between", "through", "via", "per", "including", "such", "like",
    "is", "are", "was", "were", "be", "been", "being", "will", "would", "can", "could", "may",
    "might", "must", "should", "shall", "has", "have", "had", "do", "does", "did", "said",
    "says", "say", "told", "tell", "the", "a", "an", "this", "these", "those", "its", "their",
    "his", "her", "our", "it", "they", "he", "she", "we", "not", "also", "already", "each",
    "worth", "valued", "costing", "apiece", "so", "too", "very", "then", "there",
    "another", "more", "less", "fewer", "some", "all", "both", "other", "others", "ago",
    "last", "next", "earlier", "later", "now", "only", "just", "still", "up", "down",
}
# Capitalised words before a number that make it part of a model name ("Type 26", "Leopard 2").
_DESIGNATORS = {
    "type", "block", "mk", "mark", "model", "class", "flight", "tranche", "batch", "lot",
    "series", "phase", "increment", "version", "no", "number", "article", "section", "chapter",
    "item", "resolution", "route", "leopard", "challenger", "mirage", "shahed", "switchblade",
    "boeing", "airbus", "falcon", "project", "program", "programme", "group", "unit", "squadron",
    "wing", "division", "brigade", "regiment", "battalion", "corps", "fleet", "army", "level",
    "stage", "tier", "covid", "g", "top", "page", "paragraph", "annex", "table", "figure",
    "windows", "iphone", "f", "su", "mig", "pac", "s", "k", "t",
}
_INVARIANT_PLURALS = {
    "aircraft", "personnel", "people", "staff", "troops", "equipment", "ammunition",
    "artillery", "sheep", "fish", "spacecraft", "hovercraft", "militia", "police", "crew",
    "infantry", "cavalry", "ordnance", "materiel", "munitions", "rounds", "systems",
}
_MODIFIER_PLURALS = {
    "arms", "weapons", "communications", "logistics", "electronics", "avionics", "munitions",
    "operations", "sales", "forces", "missiles", "air-defence", "air-defense",
}
_MONTH_NAMES = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec",
}
_TOKEN = re.compile(r"[A-Za-z0-9][\w’'./-]*[\w]|[A-Za-z0-9]")


def find_quantities(text: str) -> list[Quantity]:
    """Counts of things in `text` ("three NASAMS units"), in order, not overlapping money."""
    money = find_money(text)
    found: list[Quantity] = []
    for match in _QUANTITY_NUMBER.finditer(text):
        if any(match.start() < m.end and m.start < match.end() for m in money):
            continue
        quantity = _quantity(text, match)
        if quantity is not None and not any(quantity.start < q.end for q in found):
            found.append(quantity)
    return found


def _quantity(text: str, match: re.Match[str]) -> Quantity | None:
    value = _number_value(match)
    if value is None or _is_excluded_number(text, match, value):
        return None
    noun = _noun_phrase(text, match.end())
    if noun is None:
        return None
    noun_start, noun_end = noun
    return Quantity(
        text=text[match.start():noun_end], start=match.start(), end=noun_end, value=value,
        noun=text[noun_start:noun_end],
    )


def _number_value(match: re.Match[str]) -> int | None:
    """The integer a number stands for; None for fractions without a scale ("3.5 missiles")."""
    if match["words"]:
        return _words_value(match["words"])
    number = float(match["digits"].replace(",", "") + ("." + match["frac"] if match["frac"] else ""))
    if match["scale"]:
        number *= _SCALE_WORDS[match["scale"].lower()]
    elif match["frac"]:
        return None
    return int(round(number))


def _words_value(words: str) -> int | None:
    """"two dozen" -> 24, "twenty-five" -> 25, "three hundred" -> 300, "a" -> None."""
    parts = re.split(r"[-\s]+", words.lower())
    if parts == ["a"]:
        return None
    if parts[-1] == "dozen":
        head = " ".join(parts[:-1])
        base = {"a": 1, "half a": 0.5}.get(head) or _UNITS_WORDS.get(head, 0)
        return int(base * 12) or None
    total = 0
    for part in parts:
        if part in _UNITS_WORDS:
            total += _UNITS_WORDS[part]
        elif part in _TENS_WORDS:
            total += _TENS_WORDS[part]
        elif part == "a":
            total += 1
        elif part in _SCALE_WORDS:
            total = max(total, 1) * _SCALE_WORDS[part]
    return total


def _is_excluded_number(text: str, match: re.Match[str], value: int) -> bool:
    """Numbers that are not counts: years, dates, model numbers, vague "hundreds of"."""
    before = text[:match.start()]
    after = text[match.end():]
    raw = match[0]
    if match["digits"] and re.fullmatch(r"(?:19|20)\d\d", raw) and _looks_like_year(before, after):
        return True
    previous = re.search(r"([A-Za-z][\w.’'-]*)\s*$", before)
    if previous:
        word = previous[1]
        lower = word.lower().rstrip(".")
        if lower in _MONTH_NAMES and word[0].isupper():
            return True  # "May 17"
        if word[0].isupper() and lower in _DESIGNATORS:
            return True  # "Type 26 frigates", "Block 70"
    if re.match(r"\s+(?:of\s+)?(?:January|February|March|April|May|June|July|August|September"
                r"|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\b",
                after):
        return True  # "17 May"
    return value == 0


def _looks_like_year(before: str, after: str) -> bool:
    """A 1900-2099 number is a year unless a plural noun follows it ("2000 missiles")."""
    next_word = re.match(r"\s+([A-Za-z][\w-]*)", after)
    if next_word is None:
        return True
    word = next_word[1]
    if word.lower() in _INVARIANT_PLURALS:
        return False
    if re.search(r"\b(?:in|by|since|until|till|during|from|through|fiscal|FY|year)\s*$", before,
                 re.IGNORECASE):
        return True
    return not (word.islower() and word.endswith("s") and not word.endswith("ss"))


def _noun_phrase(text: str, pos: int) -> tuple[int, int] | None:
    """(start, end) of the noun phrase counted after a number, or None.

    Up to five tokens; it stops at punctuation, a stop word (preposition,
    determiner, auxiliary or reporting verb) or after the head noun (the first
    plural, unless another plural follows: "31 Abrams tanks"). A first token
    that is a unit of time, money, share or measure means the number is not a
    count at all.
    """
    tokens: list[tuple[int, int]] = []
    cursor = pos
    while len(tokens) < 5:
        gap = re.match(r"[ \t]+", text[cursor:])
        if not gap or "\n" in gap[0]:
            break
        start = cursor + gap.end()
        token = _TOKEN.match(text, start)
        if not token:
            break
        word = token[0]
        lower = word.lower()
        if not tokens and (lower in _NOT_COUNTED or lower.rstrip(".") in _NOT_COUNTED
                           or re.match(r"(?:year|month|week|day|hour|minute)s?-", lower)):
            return None
        if lower in _STOP_WORDS:
            break
        if lower.endswith("ed") and word.islower() and not _next_is_noun(text, token.end()):
            break
        tokens.append((token.start(), token.end()))
        cursor = token.end()
        # After the head noun only a name-like plural ("Abrams tanks") or a modifier
        # plural ("weapons packages") lets another plural follow.
        if _is_plural(word) and not (
            (not word.islower() or lower in _MODIFIER_PLURALS) and _next_is_plural(text, cursor)
        ):
            break
        if text[cursor:cursor + 1] and text[cursor] not in " \t":
            break
    if not tokens:
        return None
    return tokens[0][0], tokens[-1][1]


def _is_plural(word: str) -> bool:
    """A plural head noun: "missiles", "F-16s", "UAVs", "Patriots"; not "NASAMS" (a name)."""
    if word.lower() in _INVARIANT_PLURALS:
        return True
    if len(word) < 3 or not word.endswith("s") or word.endswith(("ss", "us", "is")):
        return False
    return not word.isupper()


def _next_word(text: str, pos: int) -> str | None:
    match = re.match(r"[ \t]+([A-Za-z0-9][\w’'./-]*[\w]|[A-Za-z0-9])", text[pos:])
    return match[1] if match else None


def _next_is_plural(text: str, pos: int) -> bool:
    word = _next_word(text, pos)
    return word is not None and word.lower() not in _STOP_WORDS and word.islower() \
        and _is_plural(word)


def _next_is_noun(text: str, pos: int) -> bool:
    word = _next_word(text, pos)
    return word is not None and word.islower() and word not in _STOP_WORDS \
        and not word.endswith("ed")
