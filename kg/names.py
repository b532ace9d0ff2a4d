"""Name normalisation, shared by entity resolution, the store and search."""

from __future__ import annotations

import re
import unicodedata

_DOTTED = re.compile(r"(?<![\w.])(?:\w\.){2,}")  # a dotted abbreviation: U.S., U.K., N.A.T.O.
#: A company's legal form at the end of its name: "Lockheed Martin Corp." is Lockheed Martin.
_LEGAL_FORM = re.compile(r"(?:,?\s+(?:inc|incorporated|corp|corporation|co|company|llc|l\.l\.c|ltd|limited|plc|lp|"
                         r"l\.p|gmbh|ag|s\.?a|s\.?p\.?a|n\.?v|b\.?v|a\.?s|asa|ab|oyj)\.?)+$", re.IGNORECASE)


def without_legal_form(name: str) -> str:
    """The name without a trailing legal form (``Raytheon Co.`` -> ``Raytheon``); the name itself when
    nothing would be left."""
    stripped = _LEGAL_FORM.sub("", name.strip()).strip(" ,")
    return stripped or name


def normalise_name(name: str) -> str:
    """Case-, accent- and punctuation-insensitive form of a name; a leading "the" is dropped.

    ``"The Pentagon"`` -> ``"pentagon"``; ``"Taiwan’s military"`` -> ``"taiwans military"``;
    ``"Raytheon Missiles & Defense"`` -> ``"raytheon missiles and defense"``.
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = _DOTTED.sub(lambda m: m.group(0).replace(".", ""), text)  # "U.S." is "us", as "US" is
    text = text.replace("&", " and ").replace("’", "'").replace("'s ", "s ")
    text = re.sub(r"[^\w\s]", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text.removeprefix("the ")
