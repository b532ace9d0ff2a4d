"""One error envelope: every 4xx/5xx is RFC 9457 ``application/problem+json``.

Each error class knows its status; one handler per family turns it into the
same shape (``type``, ``title``, ``status``, ``detail``, ``instance`` and, for
invalid input, ``errors``). A contract test pins the shape.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from neo4j.exceptions import ServiceUnavailable, SessionExpired
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from kg.graph import GraphUnavailable
from kg.reads.models import Suggestion

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger(__name__)


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = Field("about:blank", examples=["https://w3id.org/arms-kg/problems/not-found"])
    title: str = Field(examples=["Not found"])
    status: int = Field(examples=[404])
    detail: str = Field(examples=["no entity with id 'state:XX'"])
    instance: str | None = Field(None, examples=["/entities/state:XX"])
    errors: list[dict[str, Any]] | None = Field(None, description="Each invalid input: where and what is wrong")
    suggestions: list[Suggestion] | None = Field(None, description="For an unknown id or name: the closest the graph holds, "
                                                 "closest first")


class ApiError(Exception):
    status = 400
    title = "Bad request"
    slug = "bad-request"

    def __init__(self, detail: str, errors: list[dict[str, Any]] | None = None,
                 suggestions: list[Suggestion] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        self.suggestions = suggestions


class NotFound(ApiError):
    status, title, slug = 404, "Not found", "not-found"


class InvalidInput(ApiError):
    status, title, slug = 422, "Invalid input", "invalid-input"


class Unauthorized(ApiError):
    status, title, slug = 401, "Unauthorized", "unauthorized"


class Forbidden(ApiError):
    status, title, slug = 403, "Forbidden", "forbidden"


class TooLarge(ApiError):
    status, title, slug = 413, "Content too large", "too-large"


class Conflict(ApiError):
    status, title, slug = 409, "Conflict", "conflict"


class Unavailable(ApiError):
    status, title, slug = 503, "Graph unavailable", "graph-unavailable"


def problem_response(request: Request, status: int, title: str, detail: str, slug: str,
                     errors: list[dict[str, Any]] | None = None, headers: dict[str, str] | None = None,
                     suggestions: list[Suggestion] | None = None) -> JSONResponse:
    body = Problem(type=f"https://w3id.org/arms-kg/problems/{slug}", title=title, status=status, detail=detail,
                   instance=str(request.url.path), errors=errors, suggestions=suggestions)
    return JSONResponse(body.model_dump(exclude_none=True), status_code=status, media_type=PROBLEM_JSON, headers=headers)


def install(app: FastAPI) -> None:
    """Register the handlers that give every error the same shape."""

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        headers = {"WWW-Authenticate": "ApiKey"} if isinstance(exc, Unauthorized) else None
        return problem_response(request, exc.status, exc.title, exc.detail, exc.slug, exc.errors, headers, exc.suggestions)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"where": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", ""),
                   **({"value": _shown(e["input"])} if isinstance(e.get("input"), (str, int, float)) else {})}
                  for e in exc.errors()]
        detail = "; ".join(f"{e['where']}: {e['message']}" + (f" (got {e['value']})" if "value" in e else "")
                           for e in errors) or "invalid request"
        return problem_response(request, 422, "Invalid input", detail, "invalid-input", errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        title = {400: "Bad request", 404: "Not found", 405: "Method not allowed"}.get(exc.status_code, "Error")
        return problem_response(request, exc.status_code, title, str(exc.detail), title.lower().replace(" ", "-"))

    async def _unreachable(request: Request, exc: Exception) -> JSONResponse:
        # Any endpoint, when the driver gave up on the graph (engine down, connection lost):
        # 503, not 500; the driver reconnects by itself once the graph is back.
        return problem_response(request, Unavailable.status, Unavailable.title,
                                f"the graph does not answer: {exc}; try again shortly", Unavailable.slug)

    for unreachable in (ServiceUnavailable, SessionExpired, GraphUnavailable):
        app.add_exception_handler(unreachable, _unreachable)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s", request.url.path)
        return problem_response(request, 500, "Internal error", f"{type(exc).__name__}: the server could not answer", "internal")


def _shown(value: str | int | float) -> str:
    """An invalid value as a message quotes it: cut short when long (a 5,000-character name)."""
    text = repr(value)
    return text if len(text) <= 80 else f"{text[:70]}... ({len(text)} characters)"


#: For route decorators: the error responses every endpoint documents.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "content": {PROBLEM_JSON: {}}, "description": title}
    for status, title in ((400, "Malformed request (a body that cannot be parsed)"), (401, "Missing or wrong API key"), (404, "Unknown id"), (422, "Invalid parameters"),
                          (503, "The graph cannot be reached"))
}
