"""36(b)(1) transmittals (Congressional Record, Federal Register "Arms Sales Notification"): one ``SaleApproval``.

A transmittal is a cover letter ("we are forwarding herewith Transmittal No. 20-76 concerning the Air
Force's proposed Letter(s) of Offer and Acceptance to the Government of X for defense articles and
services estimated to cost $N million"), the numbered fields (i)-(viii) and the POLICY JUSTIFICATION,
which is a DSCA release's body and is read by :mod:`.notice`. The fields win over the body: they are
the notice's own record of purchaser, value, items and date.
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from loaders.extraction.dates import normalise_date
from loaders.official import notice
from loaders.official.amounts import MONEY, Cost, cost, money, money_text
from loaders.official.paragraphs import Paragraph, Sentence, first, paragraphs, sentences
from loaders.official.purchasers import purchaser_at, recipients_for
from loaders.official.requested_items import MDE_LINE, NON_MDE_LINE, ItemFound, item_from, items_by_line, list_parts
from loaders.official.source import OfficialText, Parsed, ParseProblem
from loaders.official.state_names import TECRO

KIND = "transmittal"
METHOD = "parser:transmittal"

_FIELD = re.compile(r"^\((?P<no>viii|vii|vi|v|iv|iii|ii|i)\)\s*(?P<label>[^:]*?)\s*:\s*", re.IGNORECASE)
_POLICY = re.compile(r"^POLICY\s+JUSTIFICATION\b", re.IGNORECASE)
_COVER = re.compile(r"\bforwarding\s+herewith\s+Transmittal\b", re.IGNORECASE)
_COVER_PURCHASER = re.compile(r"\bOffer\s+and\s+Acceptance\s+(?:\(LOA\)\s+)?to\s+(?P<rest>.+)", re.IGNORECASE)
_DEPARTMENT = re.compile(r"\b(?:Department\s+of\s+the\s+)?(?P<d>Army|Navy|Air\s+Force)(?:'s|’s)?\b", re.IGNORECASE)
_CASE = re.compile(r"\((?P<case>[A-Z]{2}-[A-Z]-[A-Z0-9]{2,3})\)")
_VALUE_LINE = re.compile(rf"^(?P<label>[A-Za-z][A-Za-z /&,-]*?)\s*\*?[\s.:]*{MONEY}")


def _fields(paras: list[Paragraph]) -> tuple[dict[str, tuple[Paragraph, str, list[str]]], int | None]:
    """Each numbered field: its paragraph, its text after the label and its lines (the label's line
    first, without the label); and the index of the POLICY JUSTIFICATION paragraph."""
    fields: dict[str, tuple[Paragraph, str, list[str]]] = {}
    current: str | None = None
    for index, para in enumerate(paras):
        if _POLICY.match(para.text):
            return fields, index
        match = _FIELD.match(para.text)
        if match:
            current = match.group("no").lower()
            first_line = _FIELD.sub("", para.lines[0], count=1)
            fields[current] = (para, para.text[match.end():], [first_line, *para.lines[1:]])
        elif current and current in ("ii", "iii"):  # a field's list may run over several paragraphs
            head, text, lines = fields[current]
            fields[current] = (head, f"{text} {para.text}", [*lines, *para.lines])
    return fields, None


def _items(para: Paragraph, lines: list[str]) -> list[ItemFound]:
    """Field (iii): "Major Defense Equipment (MDE):" and "Non-MDE:" lists; without those headings, prose
    whose quantified items are the MDE."""
    if any(MDE_LINE.match(line) or NON_MDE_LINE.match(line) for line in lines):
        return items_by_line([(para, lines)])
    out: list[ItemFound] = []
    text = " ".join(" ".join(lines).split())
    sentence = Sentence(text, para.number, para.line)
    # prose: only ';' separates items (its commas are inside phrases)
    for phrase in list_parts(text) if ";" in text else [text.rstrip(" .")]:
        item = item_from(phrase, True, sentence)
        if item.quantity is None or not re.match(r"^[A-Z0-9]", item.name):
            item.major, item.system_name, item.acronym = False, None, None
        out.append(item)
    return out


def _values(lines: list[str]) -> dict[str, tuple[Decimal, str]]:
    """Field (ii)'s lines: "Major Defense Equipment* $45 million", "Other $155 million" (or "Sustainment",
    "Services" ...: every other line is the other value), "TOTAL $200 million"; each amount with its
    details text, "<N> million" as written ("0.0 million") where the notice writes millions."""
    out: dict[str, tuple[Decimal, str]] = {}
    joined: list[str] = []
    for line in lines:  # a table's label and amount may come out on two lines ("Other" / "$160 million")
        if joined and line.strip().startswith("$") and "$" not in joined[-1]:
            joined[-1] = f"{joined[-1]} {line.strip()}"
        else:
            joined.append(line.strip())
    for line in joined:
        match = _VALUE_LINE.match(line)
        if not match:
            continue
        amount = money(match.group("num"), match.group("scale"))
        label = match.group("label").lower()
        key = "mde" if label.startswith("major defense") else "total" if label.startswith("total") else "other"
        if key in out:  # several "other" lines: their sum
            amount += out[key][0]
            out[key] = (amount, money_text(amount))
        elif (match.group("scale") or "").lower() == "million":
            out[key] = (amount, f"{match.group('num')} million")
        else:
            out[key] = (amount, money_text(amount))
    return out


Fields = dict[str, tuple[Paragraph, str, list[str]]]
_ANNEX = re.compile(r"^(?:Annex\b|Item\s+No\.\s+vii\b)", re.IGNORECASE)


def _purchaser(sale: notice.Sale, fields: Fields, cover: Sentence | None, sents: list[Sentence],
               problems: list[ParseProblem]) -> None:
    """(i), else the cover letter ("... Offer and Acceptance to the Government of X for ..."), else what
    the policy justification names (already in ``sale``)."""
    purchaser, sentence = None, None
    if "i" in fields:
        para, written, _ = fields["i"]
        purchaser = purchaser_at(written)
        if purchaser:
            sentence = Sentence(para.text, para.number, para.line)
            if purchaser.as_named != TECRO:  # the field's own words ("Government of the Kingdom of Saudi Arabia")
                purchaser.as_named = re.split(r"\s+pursuant\s+to\b", written)[0].strip().rstrip(".")
        else:
            problems.append(ParseProblem(para.where, "cannot read the purchaser in field (i)", para.text))
    if not purchaser and cover and _COVER_PURCHASER.search(cover.text):
        purchaser = purchaser_at(_COVER_PURCHASER.search(cover.text).group("rest"))  # type: ignore[union-attr]
        sentence = cover
    if purchaser:
        recipients_for(purchaser, sents)
        sale.purchaser, sale.purchaser_sentence = purchaser, sentence


def _value(sale: notice.Sale, fields: Fields, cover: Sentence | None, problems: list[ParseProblem]) -> None:
    """(ii): MDE, other and total; the total is the event's value. Else the cover letter's "estimated to cost"."""
    if "ii" in fields:
        para, written, lines = fields["ii"]
        values = _values(lines)
        for key, detail in (("mde", "mde_value"), ("other", "other_value")):
            if key in values:
                sale.details[detail] = values[key][1]
        funding = re.search(r"\bFunding\s+Source:\s*(?P<what>[^\n]+)", "\n".join(lines), re.IGNORECASE)
        if funding:
            sale.details["funding_source"] = funding.group("what").strip().rstrip(".")
        if "total" in values:
            sale.cost = Cost(values["total"][0], False, Sentence(para.text, para.number, para.line), 1.0)
            return
        problems.append(ParseProblem(para.where, "no total in field (ii)", written))
    if cover:
        sale.cost = cost([cover]) or sale.cost


def _department(sale: notice.Sale, fields: Fields, cover: Sentence | None) -> None:
    """(iv) "Military Department: Air Force (TW-D-QBA)"; the cover letter names the department too."""
    written = fields["iv"][1] if "iv" in fields else ""
    department = _DEPARTMENT.search(written) or (_DEPARTMENT.search(cover.text) if cover else None)
    if department:
        sale.details["military_department"] = " ".join(w.capitalize() for w in department.group("d").split())
    case = _CASE.search(written)
    if case:
        sale.details["case"] = case.group("case")


def _delivered(fields: Fields, problems: list[ParseProblem]) -> str | None:
    """(viii) "Date Report Delivered to Congress: 26 July 2011"."""
    if "viii" not in fields:
        return None
    para, written, _ = fields["viii"]
    found = re.search(notice.DATE, written)
    try:
        delivered = normalise_date(found.group(0)) if found else None
    except ValueError:
        delivered = None
    if not delivered:
        problems.append(ParseProblem(para.where, "cannot read the date in field (viii)", written))
    return delivered


def parse(text: OfficialText) -> Parsed:
    paras = paragraphs(text)
    federal = bool(re.search(r"federalregister\.gov", text.url or "") or
                   re.search(r"\bFederal\s+Register\b|^AGENCY:|^BILLING\s+CODE", text.body, re.MULTILINE))
    parsed = Parsed(article={"type": "Report", "outlet": "Federal Register" if federal else "Congressional Record"})
    if not paras:
        parsed.problems.append(ParseProblem("document", "the text is empty"))
        return parsed
    fields, policy = _fields(paras)
    sents = sentences(paras)
    justification: list[Paragraph] = []
    if policy is None:
        parsed.problems.append(ParseProblem("document", "no POLICY JUSTIFICATION: contractors and offsets unknown"))
    else:  # up to the sensitivity annex, which describes the technology, not the sale
        for para in paras[policy + 1:]:
            if _ANNEX.match(para.text):
                break
            justification.append(para)
    sale = notice.body_sale(METHOD, sentences(justification) or sents, [],
                            fields["i"][1] if "i" in fields else None, paras=justification or None)
    sale.sents, sale.doubts = sents, []  # the fields decide how sure the parse is, not the body alone
    found = first(sents, _COVER)
    cover = found[0] if found else None
    if cover:  # the letter's sentence without its salutation ("Dear Mr. Speaker:")
        salutation = re.match(r"Dear\s[^:]{1,60}:\s*", cover.text)
        sale.evidence = replace(cover, text=cover.text[salutation.end():]) if salutation else cover
    for no, name in (("i", "purchaser"), ("ii", "estimated value"), ("iii", "description and quantities"),
                     ("viii", "date delivered to Congress")):
        if no not in fields:
            parsed.problems.append(ParseProblem("document", f"field ({no}) {name} not found"))
            sale.doubts.append(0.05)
    _purchaser(sale, fields, cover, sents, parsed.problems)
    _value(sale, fields, cover, parsed.problems)
    if "iii" in fields:
        listed = _items(fields["iii"][0], fields["iii"][2])
        if listed:
            sale.items = listed
        elif not sale.items:
            parsed.problems.append(ParseProblem(fields["iii"][0].where, "no items in field (iii)", fields["iii"][1]))
    _department(sale, fields, cover)
    for no, key in (("v", "prior_cases"), ("vi", "commissions"), ("vii", "sensitivity")):
        if no in fields and fields[no][1].strip():
            sale.details[key] = fields[no][1].strip().rstrip(".")[:300]

    delivered = _delivered(fields, parsed.problems)
    if delivered:
        sale.details["delivered_to_congress"] = sale.date = delivered
    else:  # a date in the cover letter, else the header's
        letter = re.search(notice.DATE, cover.text) if cover else None
        try:
            sale.date = normalise_date(letter.group(0)) if letter else text.date
        except ValueError:
            sale.date = text.date
        sale.doubts.append(0.1)
    notice.note_transmittal(sale, parsed.article, text.body)
    sale.details["notified"] = "Congress"  # a transmittal is the notification to Congress
    for missing, doubt, reason in ((not sale.purchaser, 0.3, "no purchaser in field (i), the cover letter or the "
                                    "policy justification"),
                                   (not sale.cost, 0.2, "no estimated value in field (ii), the cover letter or the "
                                    "policy justification"),
                                   (not sale.items, 0.05, None)):
        if missing:
            sale.doubts.append(doubt)
            if reason:
                parsed.problems.append(ParseProblem(sale.evidence.where, reason, sale.evidence.text))
    if sale.date:
        parsed.article["date"] = sale.date
    parsed.problems.extend(sale.contractors.problems)
    parsed.entities, event = notice.build_sale(sale)
    parsed.events = [event]
    return parsed
