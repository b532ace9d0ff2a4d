"""What a read refuses (:mod:`kg.reads.errors`) as the API says it: problem+json naming where the
input came from (``query.buyer``, ``path.entity_id``, ``body.params``) and the closest names."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from kg.api.problems import ApiError, InvalidInput, NotFound
from kg.reads.errors import (
    InvalidArgument,
    ReadError,
    UnknownDeal,
    UnknownEntity,
    UnknownEvent,
    UnknownNames,
    UnknownQuery,
    UnknownSource,
    said,
)


def problem(exc: ReadError, place: str = "query") -> ApiError:
    """The API's error for ``exc``; ``place`` is where the request's arguments are (``query`` or ``body``)."""
    if isinstance(exc, UnknownEntity):
        return NotFound(f"no entity with id {exc.entity_id!r}{said(exc.suggestions)}; search with GET /entities?q=",
                        [{"where": "path.entity_id", "message": "unknown entity id", "value": exc.entity_id}],
                        exc.suggestions or None)
    if isinstance(exc, UnknownEvent):
        return NotFound(f"no event with id {exc.event_id!r}")
    if isinstance(exc, UnknownDeal):
        return NotFound(f"no deal with id {exc.deal_id!r}; GET /deals lists them",
                        [{"where": "path.deal_id", "message": "unknown deal id", "value": exc.deal_id}])
    if isinstance(exc, UnknownSource):
        return NotFound(f"no source with id {exc.source_id!r}; GET /sources lists them")
    if isinstance(exc, UnknownQuery):
        return NotFound(f"no query named {exc.name!r}; GET /queries lists them")
    if isinstance(exc, UnknownNames):
        parts, errors = [], []
        for m in exc.missing:
            where = f"{place}.{m.argument}"
            parts.append(f"{m.value!r} ({where}{said(m.suggestions).replace(';', ',', 1)})")
            errors.append({"where": where, "message": f"no actor, weapon system or place is named {m.value!r}", "value": m.value,
                           "suggestions": [s.model_dump() for s in m.suggestions]})
        return NotFound(f"no actor, weapon system or place is named {'; nor '.join(parts)}; GET /entities?q= searches the names",
                        errors, exc.missing[0].suggestions or None)
    if isinstance(exc, InvalidArgument):
        errors_: list[dict[str, Any]] = [{"where": f"{place}.{exc.argument}" if exc.argument else place, "message": exc.reason}]
        return InvalidInput(exc.detail, errors_)
    return InvalidInput(str(exc))


@contextmanager
def read_errors(place: str = "query") -> Iterator[None]:
    """Around a call of :mod:`kg.reads`: its refusals become the API's errors."""
    try:
        yield
    except ReadError as exc:
        raise problem(exc, place) from None
