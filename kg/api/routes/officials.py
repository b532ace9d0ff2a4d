"""Officials: who held which posts in a state or an organisation, on a day and as of a day
(read by :mod:`kg.reads.officials`; the route parses and hands over)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from pydantic import AfterValidator

from kg import reads
from kg.api.deps import get_graph, get_name_index, require_read_access
from kg.api.models import Officials
from kg.api.problems import ERROR_RESPONSES
from kg.api.read_errors import read_errors
from kg.graph import Graph
from kg.reads.lookup import NameLookup
from kg.reads.officials import DAY_PATTERN, check_day

router = APIRouter(prefix="/entities", tags=["officials"], dependencies=[Depends(require_read_access)], responses=ERROR_RESPONSES)

EntityId = Annotated[str, Path(max_length=300, description="Canonical id of a state or an organisation", examples=["state:TW"])]


def _day(value: str | None) -> str | None:
    """The pattern admits 2025-02-30; the calendar does not (ValueError: a 422 naming the parameter and value)."""
    return None if value is None else check_day(value)


On = Annotated[str | None, Query(max_length=10, pattern=DAY_PATTERN, description="Valid time: only posts held on this day "
                                 "(YYYY-MM-DD)", examples=["2025-06-01"]), AfterValidator(_day)]
AsOf = Annotated[str | None, Query(max_length=10, pattern=DAY_PATTERN, description="Reported time: only claims of sources "
                                   "published on or before this day (YYYY-MM-DD)", examples=["2025-12-31"]), AfterValidator(_day)]

DESCRIPTION = """\
The posts held in the entity or in an organisation inside it (SUB_ORGANIZATION_OF, up to four levels,
as `queries/officials_of_state.cypher` walks): holder, title, organisation, start and end dates where
known, the sources that state each post and their sentences. By start date, undated last.

**`on`** (valid time) keeps the posts held on that day. A post runs from its start to its end, both days
included; with a start and no end it is held from its start on; with an end and no start, up to its end;
with neither it has no known interval and is left out. A start or end known only to the month or year
counts the whole month or year.

**`as_of`** (reported time) keeps only the claims of sources published on or before that day. A source
with no publication date is not counted under `as_of`; one dated only to the month or year counts once
that whole month or year is over.

Claims that state the same holder, title, organisation and dates are one post with all their sources;
claims that differ in any of them (one source gives an end, another none) are listed apart. Both
parameters are optional; without them every post of every source is listed. An unknown id is a 404
with the closest names; a value that is not a calendar day is a 422 naming the parameter.
"""


@router.get("/{entity_id}/officials", response_model=Officials, summary="Who held which posts, on a day, as of a day",
            description=DESCRIPTION)
def officials(entity_id: EntityId, graph: Annotated[Graph, Depends(get_graph)],
              index: Annotated[NameLookup, Depends(get_name_index)],
              on: On = None, as_of: AsOf = None) -> Officials:
    with read_errors():
        return reads.officials(graph, entity_id, on=on, as_of=as_of, index=index)
