"""The Neo4j Browser kit over HTTP, so analysts load it by URL instead of copying files.

Neo4j Browser (served by Neo4j on :7474) fetches ``:style <url>`` and
``:play <url>`` / ``:guide <url>`` from the analyst's own web browser, i.e.
cross-origin; these two responses therefore carry
``Access-Control-Allow-Origin: *`` (and no other route of the API does). Browser
asks for guides with ``Cache-Control`` and ``Pragma`` request headers, which makes
the web browser send a CORS preflight first: it is answered here too.

The kit holds no graph data (it is rendered from the ontology and the named
queries), so it needs no API key.
"""

from __future__ import annotations

from functools import lru_cache

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, PlainTextResponse

from kg.api.problems import ERROR_RESPONSES
from kg.browser_kit import render_guide, render_style
from kg.ontology import load_ontology
from kg.queries import load_queries

#: The API's error documents are declared like on every router (the OpenAPI document must list them).
router = APIRouter(prefix="/browser", tags=["neo4j browser"], responses=ERROR_RESPONSES)

_CORS = {"Access-Control-Allow-Origin": "*"}
#: Analysts should see a regenerated kit at once, not a cached one.
_FRESH = {"Cache-Control": "no-cache"}
_PREFLIGHT_HEADERS = "Cache-Control, Pragma"


@lru_cache(maxsize=1)
def _style() -> str:
    return render_style(load_ontology())


@lru_cache(maxsize=8)
def _guide(api_url: str) -> str:
    return render_guide(load_ontology(), load_queries(), api_url=api_url)


def _api_url(request: Request) -> str:
    """This API as the analyst's web browser reached it, so the guide's ``:style`` command points back here."""
    return str(request.base_url).rstrip("/")


@router.get("/style.grass", response_class=PlainTextResponse,
            summary="Graph style (GraSS) for Neo4j Browser, derived from the ontology")
def style() -> PlainTextResponse:
    """Load it in Neo4j Browser with ``:style http://localhost:8000/browser/style.grass``."""
    return PlainTextResponse(_style(), headers={**_CORS, **_FRESH})


@router.get("/guide.html", response_class=HTMLResponse,
            summary="Neo4j Browser guide to the named queries")
def guide(request: Request) -> HTMLResponse:
    """Play it in Neo4j Browser with ``:play http://localhost:8000/browser/guide.html`` (or ``:guide``)."""
    return HTMLResponse(_guide(_api_url(request)), headers={**_CORS, **_FRESH})


@router.options("/style.grass", include_in_schema=False)
@router.options("/guide.html", include_in_schema=False)
def preflight(request: Request) -> Response:
    """Answer the CORS preflight Browser's guide request triggers: any origin, GET, the headers it asks for."""
    asked = request.headers.get("access-control-request-headers")
    headers = {**_CORS, "Access-Control-Allow-Methods": "GET, OPTIONS",
               "Access-Control-Allow-Headers": asked or _PREFLIGHT_HEADERS, "Access-Control-Max-Age": "600"}
    if request.headers.get("access-control-request-private-network") == "true":
        headers["Access-Control-Allow-Private-Network"] = "true"
    return Response(status_code=204, headers=headers)
