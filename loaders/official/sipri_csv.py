"""The SIPRI Arms Transfers Database's trade register, exported as CSV: one ArmsSale per row and one
Delivery per delivery year.

The export starts with a free-text preamble (the query's title, notes, ``Source: ...``,
``Data generated: ...``), then the header row ``Recipient,Supplier,Year of order, ,Number ordered, ,...``.
Columns are found by their header names, not by position, so an export with columns left out or
moved still reads; a blank-headed column right after ``Year of order``, ``Number ordered`` or the
delivered number holds a ``?`` flag for that value. Recipients and suppliers marked ``*``/``**`` are
not states (SIPRI's mark for organisations and non-state actors). TIV figures are SIPRI's own unit
(millions of trend-indicator values), not money: they go in ``details``, never in ``value``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from loaders.extraction.dates import normalise_date
from loaders.official.register_cells import RowError, read_delivery_years, read_number, read_tiv, read_year
from loaders.official.source import OfficialText, Parsed, ParseProblem
from loaders.official.state_names import StateName, names_by, reference_names
from loaders.official.weapon_categories import weapon_categories
from loaders.resolution import slug

KIND = "sipri-csv"
METHOD = "parser:sipri-csv"
OUTLET = "SIPRI Arms Transfers Database"

_HEADER_START = re.compile(r'^\s*"?recipient"?\s*,\s*"?supplier"?\s*,', re.IGNORECASE)
_SOURCE = re.compile(r"^source\s*:\s*(?P<v>.+)$", re.IGNORECASE)
_GENERATED = re.compile(r"^data generated\s*:\s*(?P<v>.+)$", re.IGNORECASE)

#: Header names (lower case, letters and digits only) -> the field each column holds.
_COLUMNS = {
    "recipient": "recipient", "supplier": "supplier", "yearoforder": "order_year",
    "numberordered": "ordered", "weapondesignation": "designation", "weapondescription": "description",
    "numberdelivered": "delivered", "deliveriesintheyearrange": "delivered",
    "yearsofdelivery": "delivery_years", "yearofdelivery": "delivery_years", "status": "status",
    "comments": "comments", "sipritivperunit": "tiv_per_unit", "sipritivfortotalorder": "tiv_total",
    "sipritivofdeliveredweapons": "tiv_delivered",
}
_FLAGGED = ("order_year", "ordered", "delivered")  # a blank-headed column after these holds their '?' flag
_REQUIRED = ("recipient", "supplier", "designation")
_TIV = ("tiv_per_unit", "tiv_total", "tiv_delivered")

_UNKNOWN = re.compile(r"^unknown\b", re.IGNORECASE)  # "unknown supplier(s)", "unknown recipient(s)"


# -- reading the CSV ----------------------------------------------------------------------


@dataclass
class _Header:
    line: int  # index into the body's lines
    names: list[str]
    columns: dict[str, int]  # field -> column index
    flags: dict[str, int]  # field -> index of its '?' column
    width: int  # cells in the header line, a trailing comma's empty one included

    def cell(self, cells: list[str], name: str) -> str:
        index = self.columns.get(name)
        return cells[index].strip() if index is not None else ""


class _Feed:
    """Lines for csv.reader, one at a time, remembering which lines the current record took."""

    def __init__(self, lines: list[str], start: int) -> None:
        self.lines = lines
        self.next = start
        self.taken: list[int] = []

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        if self.next >= len(self.lines):
            raise StopIteration
        self.taken.append(self.next)
        self.next += 1
        return self.lines[self.next - 1] + "\n"


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _header(lines: list[str], index: int) -> _Header:
    names = [c.strip() for c in next(csv.reader([lines[index]], skipinitialspace=True))]
    width = len(names)
    while names and not names[-1]:  # a trailing comma is no column
        names.pop()
    columns: dict[str, int] = {}
    flags: dict[str, int] = {}
    for i, name in enumerate(names):
        if name in ("", "?") and i and _COLUMNS.get(_key(names[i - 1])) in _FLAGGED:
            flags[_COLUMNS[_key(names[i - 1])]] = i
        elif (field_name := _COLUMNS.get(_key(name))) and field_name not in columns:
            columns[field_name] = i
    return _Header(index, names, columns, flags, width)


def _records(lines: list[str], header: _Header) -> Iterator[tuple[int, int, list[str]]]:
    """(first line, last line, cells) of each record after the header; blank lines skipped.

    A record that runs over several lines with the wrong number of cells is an unclosed quote: it
    is given back alone (its first line) and reading starts again on the next line, so one stray
    quote costs one row, not the rest of the file.
    """
    start = header.line + 1
    while start < len(lines):
        feed = _Feed(lines, start)
        restart = None
        for cells in csv.reader(feed, skipinitialspace=True):
            first, last = feed.taken[0], feed.taken[-1]
            feed.taken = []
            if not any(c.strip() for c in cells):
                continue
            if last > first and not _fits(cells, header):
                yield first, first, next(csv.reader([lines[first]], skipinitialspace=True), [])
                restart = first + 1
                break
            yield first, last, cells
        if restart is None:
            return
        start = restart


def _fits(cells: list[str], header: _Header) -> bool:
    """As many cells as the header has columns (counting a trailing comma if the header has one)."""
    return len(cells) in (len(header.names), header.width)


# -- values -------------------------------------------------------------------------------


def _one_line(text: str) -> str:
    return " ".join(text.split())


# -- entities -----------------------------------------------------------------------------


@cache
def _state_names() -> dict[str, StateName]:
    """Every name of a reference state by its case folding."""
    return names_by(str.casefold, reference_names())


def _state(raw: str) -> str | None:
    """The reference name of a state as SIPRI writes it ("Turkiye", "Viet Nam", "Korea, South")."""
    names = _state_names()
    found = names.get(raw.casefold())
    if found is None and "," in raw:  # an inverted name: "Korea, South" -> "South Korea"
        head, _, tail = raw.rpartition(",")
        found = names.get(f"{tail.strip()} {head.strip()}".casefold())
    return found.state.name if found else None


@dataclass
class _Entities:
    items: list[dict[str, Any]] = field(default_factory=list)
    by_key: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    ids: set[str] = field(default_factory=set)

    def _add(self, type_: str, name: str, prefix: str, evidence: str, confidence: float,
             **extra: Any) -> dict[str, Any]:
        key = (type_, name.casefold())
        if key in self.by_key:
            return self.by_key[key]
        base = f"{prefix}{slug(name)}"
        entity_id, n = base, 1
        while entity_id in self.ids:
            n += 1
            entity_id = f"{base}-{n}"
        self.ids.add(entity_id)
        entity = {"id": entity_id, "type": type_, "name": name, **extra, "evidence": evidence,
                  "method": METHOD, "confidence": confidence}
        self.items.append(entity)
        self.by_key[key] = entity
        return entity

    def party(self, raw: str, evidence: str) -> tuple[str, bool]:
        """The entity id of a recipient or supplier, and whether the name was a known one."""
        name = _one_line(raw)
        if name.endswith("*"):  # SIPRI's mark for an organisation or a non-state actor
            return self._add("Organization", name.rstrip("*").strip(), "org-", evidence, 0.9)["id"], True
        ref = _state(name)
        if ref is None:  # a former state ("Soviet Union") or a spelling the reference set lacks
            return self._add("State", name, "", evidence, 0.8)["id"], False
        entity = self._add("State", ref, "", evidence, 0.98)
        if name != ref and name not in entity.setdefault("aliases", []):
            entity["aliases"].append(name)
        return entity["id"], True

    def system(self, designation: str, description: str, evidence: str) -> str:
        categories = weapon_categories(description) if description else []
        extra: dict[str, Any] = {"description": description} if description else {}
        entity = self._add("WeaponSystem", _one_line(designation), "system-", evidence,
                           0.95 if categories else 0.9, **extra, category=categories)
        entity["category"].extend(c for c in categories if c not in entity["category"])
        return entity["id"]


# -- rows -> events -----------------------------------------------------------------------


def _flag(header: _Header, cells: list[str], name: str, row: str, problems: list[ParseProblem]) -> bool:
    """Whether the '?' column after ``name`` flags its value; anything but '?' or blank is reported."""
    index = header.flags.get(name)
    value = cells[index].strip() if index is not None else ""
    if value and value != "?":
        problems.append(ParseProblem(row, f"the flag column after {header.names[header.columns[name]]!r} holds "
                                          f"{value!r}, not '?' or blank; read as uncertain"))
    return bool(value)


def _row_events(header: _Header, cells: list[str], line: int, evidence: str, entities: _Entities,
                problems: list[ParseProblem]) -> list[dict[str, Any]]:
    """The ArmsSale and Deliveries of one row, or :class:`RowError` with the reason."""
    if not _fits(cells, header):
        raise RowError(f"has {len(cells)} columns, the header {len(header.names)}")
    row = f"row {line}"
    get = header.cell
    recipient_raw, supplier_raw = get(cells, "recipient"), get(cells, "supplier")
    for what, raw in (("recipient", recipient_raw), ("supplier", supplier_raw)):
        if not raw.strip("* "):
            raise RowError(f"no {what}")
        if _UNKNOWN.match(raw):
            raise RowError(f"the {what} is {raw!r}: a sale needs a known {what}")
    order_year, year_q = read_year(get(cells, "order_year"), "year of order")
    ordered, ordered_q = read_number(get(cells, "ordered"), "number ordered")
    delivered, delivered_q = read_number(get(cells, "delivered"), "number delivered")
    years, years_q = read_delivery_years(get(cells, "delivery_years"))
    tivs = {name: read_tiv(get(cells, name), header.names[header.columns[name]])
            for name in _TIV if name in header.columns}
    flags_before = len(problems)
    year_q = _flag(header, cells, "order_year", row, problems) or year_q
    ordered_q = _flag(header, cells, "ordered", row, problems) or ordered_q
    delivered_q = _flag(header, cells, "delivered", row, problems) or delivered_q

    recipient, recipient_known = entities.party(recipient_raw, evidence)
    supplier, supplier_known = entities.party(supplier_raw, evidence)
    designation = get(cells, "designation")
    systems = [entities.system(designation, _one_line(get(cells, "description")), evidence)] if designation else []

    confidence = 0.97
    confidence -= 0.15 if order_year is None else 0.0
    confidence -= 0.1 if ordered is None else 0.0
    confidence -= 0.2 if not systems else 0.0
    confidence -= 0.05 * (not recipient_known) + 0.05 * (not supplier_known)
    confidence -= 0.03 * (year_q + ordered_q)  # SIPRI itself is unsure of the value
    confidence -= 0.1 if len(problems) > flags_before else 0.0

    details: dict[str, str] = {"row": str(line)}
    if year_q:
        details["order_year_uncertain"] = "yes"
    if ordered_q:
        details["quantity_uncertain"] = "yes"
    if delivered is not None:
        delivered_key = "delivered" if _key(header.names[header.columns["delivered"]]) == "numberdelivered" \
            else "delivered_in_range"
        details[delivered_key] = str(delivered) + (" (uncertain)" if delivered_q else "")
    if years:
        details["delivery_years"] = "; ".join(map(str, years))
    for name in ("status", "comments"):
        if value := _one_line(get(cells, name)):
            details[name] = value
    details.update({name: value for name, value in tivs.items() if value is not None})

    sale_id = f"sale-row{line}"
    parties = [{"entity": supplier, "role": "supplier"}, {"entity": recipient, "role": "recipient"}]
    sale: dict[str, Any] = {"id": sale_id, "type": "ArmsSale", "participants": parties, "systems": systems,
                            "evidence": evidence, "details": details, "method": METHOD,
                            "confidence": round(max(confidence, 0.3), 2)}
    if order_year is not None:
        sale["date"] = str(order_year)
    if ordered is not None:
        sale["quantity"] = ordered
    events = [sale]
    for year in years:
        delivery: dict[str, Any] = {
            "id": f"delivery-row{line}-{year}", "type": "Delivery", "date": str(year),
            "participants": [{"entity": recipient, "role": "recipient"}, {"entity": supplier, "role": "supplier"}],
            "systems": list(systems), "part_of": sale_id, "evidence": evidence, "details": {"row": str(line)},
            "method": METHOD, "confidence": round(max(confidence - 0.03 * (delivered_q or years_q), 0.3), 2)}
        if len(years) == 1 and delivered is not None:
            delivery["quantity"] = delivered
            if delivered_q:
                delivery["details"]["quantity_uncertain"] = "yes"
        events.append(delivery)
    return events


# -- the document -------------------------------------------------------------------------


def _preamble(lines: list[str], end: int, offset: int, parsed: Parsed) -> None:
    """Title, source and generation date from the lines before the header."""
    metadata: dict[str, str] = {}
    for i in range(end):
        text = lines[i].strip().rstrip(",").strip().strip('"').strip()
        if not text:
            continue
        if "title" not in parsed.article and not _SOURCE.match(text) and not _GENERATED.match(text):
            parsed.article["title"] = _one_line(text)
        if match := _SOURCE.match(text):
            metadata["source"] = _one_line(match["v"])
        elif match := _GENERATED.match(text):
            metadata["data_generated"] = _one_line(match["v"])
            try:
                parsed.article["date"] = normalise_date(match["v"])
            except ValueError as exc:
                parsed.problems.append(ParseProblem(f"line {i + 1 + offset}", f"Data generated: {exc}", text))
    if metadata:
        parsed.article["metadata"] = metadata


def parse(text: OfficialText) -> Parsed:
    """The sales and deliveries of a SIPRI trade register CSV; rows that cannot be read are problems."""
    parsed = Parsed(article={"type": "Report", "outlet": OUTLET})
    lines = text.body.split("\n")
    offset = text.line_offset
    start = next((i for i, line in enumerate(lines) if _HEADER_START.match(line)), None)
    if start is None:
        parsed.problems.append(ParseProblem("file", "no header row starting 'Recipient,Supplier,': "
                                                    "not a SIPRI trade register export?"))
        return parsed
    _preamble(lines, start, offset, parsed)
    header = _header(lines, start)
    metadata = parsed.article.setdefault("metadata", {})
    if "delivered" in header.columns:
        metadata["delivered_column"] = header.names[header.columns["delivered"]]
    if any(name in header.columns for name in _TIV):
        metadata["tiv_unit"] = "millions of SIPRI trend-indicator values (TIV), not money"
    missing = [name for name in _REQUIRED if name not in header.columns]
    if missing:
        parsed.problems.append(ParseProblem(f"header (line {start + 1 + offset})",
                                            f"no column for {', '.join(missing)}", lines[start]))
        return parsed
    entities = _Entities()
    for first, last, cells in _records(lines, header):
        line = first + 1 + offset
        evidence = "\n".join(lines[first:last + 1]).strip()
        try:
            parsed.events.extend(_row_events(header, cells, line, evidence, entities, parsed.problems))
        except RowError as exc:
            parsed.problems.append(ParseProblem(f"row {line}", str(exc), lines[first]))
    parsed.entities = entities.items
    return parsed
