"""``GET /explore``: the explorer page, its assets, and ``/`` sending browsers to it."""

from __future__ import annotations

from functools import cache

from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from kg.web.page import ASSETS_PATH, SERVED_CSP, STATIC_DIR, boot_data, render_page

router = APIRouter(include_in_schema=False)
TITLE = "Arms-trade knowledge graph · Explorer"


@router.get("/")
def root() -> RedirectResponse:
    return RedirectResponse("/explore", status_code=307)


@cache
def _page() -> str:
    """The page depends only on the ontology and the assets, so it is rendered once per process."""
    return render_page(title=TITLE, boot=boot_data("api", api=""), inline=False)


@router.get("/explore")
def explore() -> HTMLResponse:
    """The page calls this same API from the browser (same origin), so it needs no configuration."""
    return HTMLResponse(_page(), headers={"Content-Security-Policy": SERVED_CSP, "Cache-Control": "no-cache"})


def install(app: FastAPI) -> None:
    """Add the page and its static assets to ``app``."""
    app.include_router(router)
    app.mount(ASSETS_PATH, StaticFiles(directory=STATIC_DIR), name="explore-assets")
