"""Dependencies: settings, graph and loader are injected (tests override them), never global.

The dependencies that only read ``app.state`` or a header are ``async``: FastAPI runs a plain
``def`` dependency in its thread pool, and those hops cost nearly what ranking a search takes
(BENCHMARKS.md, "Search with 8 clients"). They never block: what must ask the engine runs in
the thread pool.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import secrets
from typing import Annotated, Any

from fastapi import Depends, Header, Query, Request
from pydantic import AfterValidator
from starlette.concurrency import run_in_threadpool

from kg.api.problems import Forbidden, InvalidInput, Unauthorized
from kg.graph import Graph
from kg.queries import ISO_PARTIAL_DATE, check_partial_date
from kg.reads.lookup import NameLookup, name_lookup
from kg.settings import Settings

#: Set by ``kg serve`` for its worker processes: the file through which a write in one worker
#: tells the others' in-memory name indexes to re-read (:class:`kg.reads.name_index.NameIndex`).
SHARED_WRITES_ENV = "KG_API_SHARED_WRITES"


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_graph(request: Request) -> Graph:
    return request.app.state.graph


async def get_name_index(request: Request) -> NameLookup:
    """The engine's way of finding entities by name, chosen by its dialect on the first request
    that needs it (learning the dialect asks the engine, in the thread pool)."""
    state = request.app.state
    if state.names is None:
        state.names = await run_in_threadpool(_choose_name_lookup, state)
    return state.names


def _choose_name_lookup(state: Any) -> NameLookup:
    with state.names_lock:  # one lookup per app, however many requests arrive first
        if state.names is None:
            state.names = name_lookup(state.graph.dialect, state.settings.kg.search_max_age,
                                      os.environ.get(SHARED_WRITES_ENV))
        return state.names


async def get_loader(request: Request):  # -> loaders.pipeline.Loader
    return request.app.state.loader


def _key_matches(settings: Settings, given: str | None) -> bool:
    expected = settings.kg.api_key
    return bool(expected and given and secrets.compare_digest(given.encode(), expected.get_secret_value().encode()))


async def require_read_access(settings: Annotated[Settings, Depends(get_settings)],
                        x_api_key: Annotated[str | None, Header(description="API key, when reads are keyed",
                                                                 examples=["change-me-0123456789"])] = None) -> None:
    if settings.kg.api_key_for_reads and not _key_matches(settings, x_api_key):
        raise Unauthorized("this API requires an API key on reads: send it in the X-API-Key header")


async def require_write_access(settings: Annotated[Settings, Depends(get_settings)],
                         x_api_key: Annotated[str | None, Header(description="API key for writes",
                                                                 examples=["change-me-0123456789"])] = None) -> None:
    if settings.kg.api_key is None:
        raise Forbidden("writes are off: the server has no KG_API_KEY configured")
    if not _key_matches(settings, x_api_key):
        raise Unauthorized("a valid API key is required in the X-API-Key header")


# -- query parameters ---------------------------------------------------------------

def _declared_query_parameters(request: Request) -> frozenset[str] | None:
    """The query parameters the OpenAPI document gives the matched operation (None: not documented)."""
    route = request.scope.get("route")
    path = getattr(route, "path_format", None)
    operation = request.app.openapi().get("paths", {}).get(path, {}).get(request.method.lower()) if path else None
    if operation is None:
        return None
    return frozenset(p["name"] for p in operation.get("parameters", []) if p.get("in") == "query")


async def reject_unknown_query_parameters(request: Request) -> None:
    """422 for a query parameter the endpoint does not take: a misspelt filter (``?buyr=Taiwan``)
    would otherwise be ignored and the answer look like the unfiltered one."""
    if not request.query_params:
        return
    declared = _declared_query_parameters(request)
    if declared is None:
        return
    unknown = sorted(set(request.query_params.keys()) - declared)
    if unknown:
        takes = ", ".join(sorted(declared)) or "none"
        raise InvalidInput(f"unknown query parameter{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}; "
                           f"{request.method} {request.scope['route'].path_format} takes: {takes}",
                           [{"where": f"query.{name}", "message": "unknown parameter"} for name in unknown])


# -- cursors ------------------------------------------------------------------------

#: The furthest offset a cursor may carry: far past any page this API serves (a larger one was
#: forged), and small enough that offset + limit stays a 32-bit integer in either engine.
MAX_OFFSET = 100_000_000

def _encode(payload: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


def _decode(cursor: str, field: str) -> Any:
    """The ``field`` of a cursor this API issued; InvalidInput for anything else."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        return json.loads(base64.urlsafe_b64decode(padded.encode()))[field]
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        raise _unknown_cursor() from None


def _unknown_cursor() -> InvalidInput:
    return InvalidInput("cursor is not one this API issued; start again without it",
                        [{"where": "query.cursor", "message": "unknown cursor"}])


def encode_cursor(offset: int) -> str:
    return _encode({"o": offset})


def decode_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    offset = _decode(cursor, "o")
    if not isinstance(offset, int) or isinstance(offset, bool) or not 0 <= offset <= MAX_OFFSET:
        raise _unknown_cursor()
    return offset


def encode_key_cursor(last: str) -> str:
    """A cursor that carries the last key seen (keyset paging) instead of an offset."""
    return _encode({"k": last})


def decode_key_cursor(cursor: str | None) -> str | None:
    if not cursor:
        return None
    key = _decode(cursor, "k")
    if not isinstance(key, str) or not key or len(key) > 300 or "\x00" in key:
        raise _unknown_cursor()
    return key


def _real_date(value: str | None) -> str | None:
    """The pattern admits 2025-13 and 2025-02-30; the calendar does not (ValueError: a 422 naming the value)."""
    return None if value is None else check_partial_date(value)


FromDate = Annotated[str | None, Query(alias="from", max_length=10, pattern=ISO_PARTIAL_DATE,
                                      description="Earliest date: YYYY, YYYY-MM or YYYY-MM-DD", examples=["2025"]),
                     AfterValidator(_real_date)]
ToDate = Annotated[str | None, Query(max_length=10, pattern=ISO_PARTIAL_DATE, description="Latest date: YYYY, YYYY-MM or YYYY-MM-DD",
                                     examples=["2025-12-31"]), AfterValidator(_real_date)]
def entity_query(what: str, example: str) -> Any:
    """A query parameter that names an actor, weapon system or place (``buyer=Taiwan``)."""
    return Query(max_length=200, description=f"{what}: canonical id or name (404 when the graph holds neither)", examples=[example])


Seller = Annotated[str | None, entity_query("Seller or supplier", "United States")]
Buyer = Annotated[str | None, entity_query("Buyer or recipient", "Taiwan")]
System = Annotated[str | None, entity_query("Weapon system", "system:nasams")]
Contractor = Annotated[str | None, entity_query("Contractor", "contractor:rtx")]
PageSize = Annotated[int, Query(ge=1, le=200, description="Page size", examples=[50])]

AsOfDate = Annotated[str | None, Query(max_length=10, pattern=ISO_PARTIAL_DATE, examples=["2024-12-31"],
                                      description="Reported time: only what sources published on or before this date "
                                                  "(YYYY, YYYY-MM or YYYY-MM-DD) say counts"),
                     AfterValidator(_real_date)]
Cursor = Annotated[str | None, Query(max_length=200, description="Opaque cursor from a previous page's next_cursor",
                                     examples=["eyJvIjogMjB9"])]
Limit = Annotated[int, Query(ge=1, le=200, description="Page size", examples=[20])]
