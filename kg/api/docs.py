"""``GET /docs``: Swagger UI from the package's own files, so the API's documentation opens offline.

FastAPI's default page loads Swagger UI from a CDN (and its favicon from
fastapi.tiangolo.com): on a closed network it stays blank. The assets are the
``swagger-ui-dist`` release pinned in ``tools/web`` and copied by
``npm run vendor`` into ``kg/web/static/vendor`` beside the explorer's graph
library, with Swagger UI's licence and notice; they ship in the package, so
``pip install`` alone serves them. ReDoc is not vendored: ``/redoc`` is off.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

from kg.web.page import ASSETS_PATH

DOCS_PATH = "/docs"
#: The vendored files, under the explorer's static mount (kg.web.routes.install).
SWAGGER_JS = f"{ASSETS_PATH}/vendor/swagger-ui-bundle.js"
SWAGGER_CSS = f"{ASSETS_PATH}/vendor/swagger-ui.css"
SWAGGER_FAVICON = f"{ASSETS_PATH}/vendor/swagger-ui-favicon-32x32.png"
#: No call to the online validator (Swagger UI's default sends the document to validator.swagger.io).
SWAGGER_PARAMETERS = {"validatorUrl": None, "tryItOutEnabled": False}


def install(app: FastAPI) -> None:
    """Serve ``/docs`` from the vendored Swagger UI (build the app with ``docs_url=None, redoc_url=None``)."""

    @app.get(DOCS_PATH, include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url=app.openapi_url or "/openapi.json", title=f"{app.title} · API",
                                   swagger_js_url=SWAGGER_JS, swagger_css_url=SWAGGER_CSS,
                                   swagger_favicon_url=SWAGGER_FAVICON, swagger_ui_parameters=SWAGGER_PARAMETERS)
