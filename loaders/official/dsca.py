"""DSCA "Major Arms Sales" news releases: one ``SaleApproval`` per release.

The release's frame is a transmittal number, a title ("<Purchaser> – <Description>") and a
dateline; its body (the approval sentence, the request, the cost, the contractors ...) is read by
:mod:`.notice`, which :mod:`.transmittal` shares.
"""

from __future__ import annotations

import re
from dataclasses import replace

from loaders.official import notice
from loaders.official.paragraphs import Paragraph, paragraphs, sentences
from loaders.official.source import OfficialText, Parsed, ParseProblem

KIND = "dsca"
METHOD = "parser:dsca"
OUTLET = "Defense Security Cooperation Agency"


def _title(paras: list[Paragraph], before: int) -> str | None:
    """The "<Purchaser> – <Description of Sale>" line before the dateline."""
    for para in reversed(paras[:before]):
        for line in para.lines:
            if re.search(r"\s[–—-]\s", line) and not line.upper().startswith("WASHINGTON"):
                return line
    return None


def parse(text: OfficialText) -> Parsed:
    paras = paragraphs(text)
    parsed = Parsed(article={"type": "PressRelease", "outlet": OUTLET})
    if not paras:
        parsed.problems.append(ParseProblem("document", "the text is empty"))
        return parsed
    dateline = notice.dateline(paras)
    if dateline:  # the first sentence starts after "WASHINGTON, October 25, 2024 –"
        paras = [replace(p, text=dateline.rest) if p.number == dateline.paragraph.number else p for p in paras]
    sents = sentences(paras)
    sale = notice.body_sale(METHOD, sents, parsed.problems, paras=paras)
    if dateline:
        sale.date = dateline.date
        parsed.article["date"] = dateline.date
    else:
        sale.date = text.date
        sale.doubts.append(0.1)
        parsed.problems.append(ParseProblem(sale.evidence.where, "no dateline (\"WASHINGTON, <date> –\", \"On <date>\","
                                            " \"Date: <date>\"); the header's date is used" if text.date else
                                            "no dateline and no header date: the approval has no date"))
    notice.note_transmittal(sale, parsed.article, text.body)
    title = _title(paras, dateline.paragraph.number - 1 if dateline else 3)
    if title:
        parsed.article["title"] = title
    parsed.entities, event = notice.build_sale(sale)
    parsed.events = [event]
    return parsed
