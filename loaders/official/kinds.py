"""Which kind of official document a file is: read from its header (``kind: dsca``) or recognised by
the wording every document of a kind carries.

The signatures are the fixed formulae of each format (docs/official-sources.md): the SIPRI
header row, the 36(b)(1) cover letter and numbered fields, the DSCA release's approval and
notification sentences, a DoD award paragraph's "is awarded ... is the contracting activity". A news
article quoting one such sentence carries no second one, so it stays an article.
"""

from __future__ import annotations

import importlib
import re
from types import ModuleType

from loaders.official.source import OfficialText

ARTICLE = "article"
#: The kinds, in the order they are tried; the module that parses each.
KINDS: dict[str, str] = {
    "sipri-csv": "loaders.official.sipri_csv",
    "transmittal": "loaders.official.transmittal",
    "dod-contracts": "loaders.official.dod_contracts",
    "dsca": "loaders.official.dsca",
}
CHOICES = (*KINDS, ARTICLE)

_SIPRI_HEADER = re.compile(r"^\s*\"?Recipient\"?\s*,\s*\"?Supplier\"?\s*,", re.IGNORECASE | re.MULTILINE)


def _phrases(*phrases: str) -> re.Pattern[str]:
    """Any of the phrases, their words separated by any white space (a PDF breaks lines anywhere)."""
    return re.compile("|".join(r"\s+".join(word for word in phrase.split()) for phrase in phrases),
                      re.IGNORECASE | re.MULTILINE)


_TRANSMITTAL = (_phrases(r"\(i\) Prospective Purchaser"),
                _phrases(r"Section 36\(b\)\(1\)", r"\(viii\) Date Report Delivered", "Total Estimated Value"))
#: The formulae of a DSCA release, each its own sentence in every release for decades; a news story about
#: one quotes one or two of them, a release (even the part of one a copy keeps) carries three or more.
_DSCA_FORMULAE = (
    _phrases("determination approving a possible Foreign Military Sale", "approved a possible Foreign Military Sale",
             "notified Congress of a possible Foreign Military Sale", "notified Congress on"),
    _phrases("delivered the required certification notifying Congress"),
    _phrases(r"principal contractors? (?:will|for)", r"principal contractors? will be determined", "no principal contractor",
             "will be determined from approved vendors"),
    _phrases("will not alter the basic military balance"),
    _phrases("no adverse impact on U.S. defense readiness"),
    _phrases("This notice of a potential sale is required by law"),
    _phrases("There are no known offset agreements", "offset agreements"),
    _phrases(r"^\s*Transmittal No\.?"),
    _phrases("The estimated total cost is", r"estimated (?:total )?cost of", "estimated sale price of",
             "The estimated value is"),
)
_DSCA_SALE = _phrases("possible Foreign Military Sale", "proposed sale", "potential sale")
_AWARD = re.compile(r"\b(?:is|was|are|were|has\s+been|have\s+been|is\s+being)\s+(?:each\s+)?awarded\b", re.IGNORECASE)
_ACTIVITY = _phrases("is the contracting activity", "are the contracting activities")


def detect(text: OfficialText) -> str | None:
    """The document's kind, or None for a news article (or anything else)."""
    if text.kind:
        kind = text.kind.lower()
        return None if kind == ARTICLE else kind
    body = text.body
    if _SIPRI_HEADER.search(body[:20000]):
        return "sipri-csv"
    if all(p.search(body) for p in _TRANSMITTAL):
        return "transmittal"
    if _ACTIVITY.search(body) and _AWARD.search(body) and not _DSCA_SALE.search(body):
        return "dod-contracts"
    if sum(1 for formula in _DSCA_FORMULAE if formula.search(body)) >= 3:
        return "dsca"
    return None


def parser(kind: str) -> ModuleType:
    """The module that parses ``kind`` (``parse(text) -> Parsed``); ValueError for an unknown kind."""
    if kind not in KINDS:
        raise ValueError(f"{kind!r} is not a kind of official source; use one of {', '.join(CHOICES)}")
    return importlib.import_module(KINDS[kind])
