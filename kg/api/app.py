"""The FastAPI application: ``create_app(settings)``; ``kg serve`` runs it with uvicorn.

With ``KG_API_WORKERS`` above 1, uvicorn starts that many processes, each calling
``create_app()`` and reading the settings from the environment as ``kg serve`` did.

The graph, loader and settings live on ``app.state`` and reach handlers through
dependencies (:mod:`kg.api.deps`), so tests inject their own. Nothing connects
at import time: the lifespan opens the driver and closes it.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI

from kg.api import docs, problems
from kg.api.deps import reject_unknown_query_parameters
from kg.api.routes import browser, deals, entities, events, health, queries, sales, sources
from kg.graph import Graph
from kg.ontology import load_ontology
from kg.settings import Settings, load_settings
from kg.web import routes as web

DESCRIPTION = """\
Lookups in a knowledge graph of the arms trade and the defence industry: who sold
what to whom, when, for how much, and who said so. Every fact links to the
sentence and the source that state it.

Ids are canonical and readable (`state:TW`, `contractor:rtx`, `system:nasams`,
`event:<source>:<key>`, `source:<id>`); every response carries the ids for the
next call. Lists page with `next_cursor`. Errors are RFC 9457 problem+json.
"""


def create_app(settings: Settings | None = None, graph: Graph | None = None) -> FastAPI:
    """The API for ``settings`` (read from the environment when omitted); ``graph`` to share an open one."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from loaders.pipeline import Loader

        app.state.settings = settings or load_settings()
        opened = graph or Graph.open(app.state.settings)
        # Handlers read through a fail-fast view: with the engine down they answer 503
        # within KG_API_READ_TIMEOUT instead of retrying for KG_TRANSACTION_TIMEOUT.
        app.state.graph = opened.fail_fast(app.state.settings.kg.api_read_timeout)
        app.state.loader = Loader(app.state.graph)
        app.state.names = None  # kg.api.deps.get_name_index: once the engine has said what it is
        app.state.names_lock = threading.Lock()
        try:
            yield
        finally:
            if graph is None:
                opened.close()

    app = FastAPI(title="Arms-trade knowledge graph", version=load_ontology().version, description=DESCRIPTION,
                  lifespan=lifespan, docs_url=None, redoc_url=None)
    problems.install(app)
    for module in (health, entities, events, sales, deals, sources, queries):
        app.include_router(module.router, dependencies=[Depends(reject_unknown_query_parameters)])
    # Neo4j Browser may add its own query parameters to the kit's URLs: those stay lenient.
    app.include_router(browser.router)
    web.install(app)
    docs.install(app)
    return app
