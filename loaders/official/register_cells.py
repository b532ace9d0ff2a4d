"""The cells of a SIPRI trade register row that hold numbers: quantities, years, delivery years, TIV figures,
each with SIPRI's marks of an uncertain value ('?', an estimate in parentheses)."""

from __future__ import annotations

import re

_YEAR_RANGE = (1900, 2100)
_MAX_DELIVERY_SPAN = 40  # a "2019-2022" range wider than this is a typo, not forty years of deliveries


class RowError(ValueError):
    """A row that cannot become a sale; the message is the reason."""


def read_number(cell: str, what: str) -> tuple[int | None, bool]:
    """A whole number (thousands commas allowed) and whether it is flagged uncertain: a trailing '?', or
    the parentheses of SIPRI's older registers ("(10)", an estimate); '' is None."""
    text = cell.strip()
    flagged = text.endswith("?") or (text.startswith("(") and text.endswith(")"))
    text = text.rstrip("?").strip("()").replace(",", "").strip()
    if not text:
        return None, flagged
    if not text.isdigit():
        raise RowError(f"{what} {cell!r} is not a whole number")
    return int(text), flagged


def read_year(cell: str, what: str) -> tuple[int | None, bool]:
    text = cell.strip()
    flagged = text.endswith("?")
    text = text.rstrip("?").strip()
    if not text:
        return None, flagged
    if not re.fullmatch(r"\d{4}", text) or not _YEAR_RANGE[0] <= int(text) <= _YEAR_RANGE[1]:
        raise RowError(f"{what} {cell!r} is not a year")
    return int(text), flagged


def read_delivery_years(cell: str) -> tuple[list[int], bool]:
    """``2004; 2005`` or ``2019-2022`` (each year of the range) -> the years, and whether one has a '?'."""
    years: list[int] = []
    flagged = False
    for token in re.split(r"[;,]", cell):
        token = token.strip()
        if not token:
            continue
        flagged = flagged or token.endswith("?")
        token = token.rstrip("?").strip()
        if span := re.fullmatch(r"(\d{4})\s*[-\u2013]\s*(\d{4})", token):
            first, last = (read_year(g, "year of delivery")[0] for g in span.groups())
            assert first is not None and last is not None
            if not 0 <= last - first <= _MAX_DELIVERY_SPAN:
                raise RowError(f"year(s) of delivery {token!r} is not a range of years")
            years.extend(range(first, last + 1))
        else:
            year, _ = read_year(token, "year of delivery")
            assert year is not None
            years.append(year)
    return sorted(set(years)), flagged


def read_tiv(cell: str, what: str) -> str | None:
    text = cell.strip()
    if not text:
        return None
    if not re.fullmatch(r"\d[\d,]*(?:\.\d+)?|\.\d+", text):
        raise RowError(f"{what} {cell!r} is not a number")
    return text.replace(",", "")
