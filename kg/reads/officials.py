"""The officials of a state or an organisation, on a day and as the sources published by a day told it.

Two times, kept apart:

* ``on`` is valid time: only posts held on that day. A post's interval is what its
  claim states: from its start to its end, both days included; with a start and no
  end it is held from its start on (no source counted says it ended); with an end
  and no start, up to its end; with neither, its interval is unknown and it is not
  listed under ``on``. A date known only to the month or year (``2024-05``, ``2024``)
  counts its whole month or year: the post may have been held on any day of it.
* ``as_of`` is reported time: only claims of sources published on or before that
  day count. A source with no publication date is not counted under ``as_of``, and
  one dated only to the month or year counts once that whole month or year is
  over by ``as_of``: either might have been published after it.

Posts are claims (one source each, :mod:`kg.property_graph`); claims stating the same
holder, title, organisation and dates are one :class:`~kg.reads.models.OfficialPost`
with all their sources, and claims that differ in any of them stay apart.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from kg import cypher
from kg.graph import Graph
from kg.queries import check_partial_date
from kg.reads.errors import InvalidArgument
from kg.reads.lookup import NameLookup
from kg.reads.models import ClaimSource, EvidenceOut, Links, OfficialPost, Officials
from kg.reads.resolve import unknown_entity

#: A calendar day as ``on`` and ``as_of`` take it (the calendar is checked too: see :func:`check_day`).
DAY_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
_DAY = re.compile(DAY_PATTERN)

#: Where each post sorts when its start is unknown: after every dated one.
_UNDATED = date.max


def check_day(value: str) -> str:
    """``value`` when it is a day the calendar has (YYYY-MM-DD); ValueError saying what is wrong otherwise."""
    if not _DAY.fullmatch(value):
        raise ValueError("expected a day as YYYY-MM-DD")
    return check_partial_date(value)


def period(value: str | None) -> tuple[date, date] | None:
    """The first and last day of a partial ISO date (``2024`` is the whole year); None when unknown or
    not a date (a stored value no shape checked is taken as unknown, never as an error of the read)."""
    if value is None:
        return None
    try:
        check_partial_date(value)
    except ValueError:
        return None
    year, *rest = (int(part) for part in value.split("-"))
    if len(rest) == 2:
        return date(year, rest[0], rest[1]), date(year, rest[0], rest[1])
    if len(rest) == 1:
        return date(year, rest[0], 1), date(year, rest[0], calendar.monthrange(year, rest[0])[1])
    return date(year, 1, 1), date(year, 12, 31)


def held_on(start: str | None, end: str | None, day: date) -> bool:
    """Whether a post from ``start`` to ``end`` was held on ``day`` (the rules of the module docstring)."""
    began, ended = period(start), period(end)
    if began is None and ended is None:
        return False
    return (began is None or began[0] <= day) and (ended is None or day <= ended[1])


def published_by(publication_date: str | None, day: date) -> bool:
    """Whether a source dated ``publication_date`` was surely out on ``day``."""
    published = period(publication_date)
    return published is not None and published[1] <= day


def _day(argument: str, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(check_day(value))
    except ValueError as exc:
        raise InvalidArgument(argument, f"{argument} {value!r} is not a day: {exc}", str(exc)) from None


def officials(graph: Graph, entity_id: str, *, on: str | None = None, as_of: str | None = None,
              index: NameLookup | None = None) -> Officials:
    """The posts held in the entity or in an organisation inside it, filtered by ``on`` and ``as_of``
    (YYYY-MM-DD each, optional), by start date (undated last). UnknownEntity (with the closest names
    when ``index`` is given) for an id no entity has; InvalidArgument naming ``on`` or ``as_of``
    for a value that is not a day."""
    on_day, as_of_day = _day("on", on), _day("as_of", as_of)
    rows = graph.read(cypher.OFFICIALS, id=entity_id)
    if not rows:
        raise unknown_entity(graph, index, entity_id)
    row = rows[0]
    claims = {c["id"]: c for c in row["posts"] if c}  # one claim once, however many rows reached it
    counted = [c for c in claims.values()
               if (on_day is None or held_on(c.get("startDate"), c.get("endDate"), on_day))
               and (as_of_day is None or published_by(c.get("publicationDate"), as_of_day))]
    return Officials(id=row["id"], name=row["name"] or row["id"], on=on, as_of=as_of, posts=grouped(counted),
                     links=Links(self=f"/entities/{row['id']}/officials", events=f"/entities/{row['id']}/events",
                                 neighbors=f"/entities/{row['id']}/neighbors", evidence=f"/entities/{row['id']}/evidence"))


def grouped(claims: Iterable[dict[str, Any]]) -> list[OfficialPost]:
    """One post per holder, title, organisation and dates, with the claims that state it."""
    groups: dict[tuple[str, str, str, str | None, str | None], list[dict[str, Any]]] = {}
    for c in claims:
        groups.setdefault((c["person"], c["title"], c["organization"], c.get("startDate"), c.get("endDate")), []).append(c)
    posts = []
    for (person, title, organization, start, end), members in groups.items():
        first = members[0]
        sources = {m["sourceId"]: ClaimSource(id=m["sourceId"], title=m.get("sourceTitle"), publication_date=m.get("publicationDate"))
                   for m in members}
        evidence = {e.id: e for m in members for e in EvidenceOut.from_rows(m["evidence"] or [])}
        posts.append(OfficialPost(
            person=person, person_name=first.get("personName") or person, title=title, organization=organization,
            organization_name=first.get("organizationName"), start_date=start, end_date=end,
            claims=sorted(m["id"] for m in members),
            sources=sorted(sources.values(), key=lambda s: (s.publication_date or "", s.id)),
            evidence=sorted(evidence.values(), key=lambda e: e.id)))
    return sorted(posts, key=_order)


def _order(post: OfficialPost) -> tuple[date, str, str, str, str]:
    began = period(post.start_date)
    return began[0] if began else _UNDATED, post.person_name.casefold(), post.title, post.organization, post.person
