"""One page template, rendered two ways: served by the API, or self-contained in one file.

The explorer (``GET /explore``) links its script and styles from the API's
``/explore/assets``. A ``kg viz`` picture inlines the same files and the data it
shows, so it opens offline from disk. Either way nothing is fetched from a CDN:
the graph library is vendored in ``static/vendor`` (pinned in ``tools/web``).
"""

from __future__ import annotations

import html
import json
from functools import cache
from pathlib import Path
from typing import Any, Literal

from kg.ontology import load_ontology
from kg.palette import class_styles
from kg.property_graph import ENTITY_ROOTS

TEMPLATE = Path(__file__).parent / "explore.html"
STATIC_DIR = Path(__file__).parent / "static"
#: Scripts in load order: the graph library, the deal view, then the explorer (which builds the deal view).
SCRIPTS = ("vendor/cytoscape.min.js", "deal-view.js", "explore.js")
STYLES = ("explore.css",)
ASSETS_PATH = "/explore/assets"
#: The served page may load its own scripts and call its own API, nothing else.
SERVED_CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
              "connect-src 'self'; base-uri 'none'; form-action 'self'")
#: A picture file runs its inline code and may not load or send anything.
OFFLINE_CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'"


@cache
def _asset(name: str) -> str:
    return (STATIC_DIR / name).read_text(encoding="utf-8")


def script_json(value: Any) -> str:
    """JSON that is safe inside a <script> element: no sequence in it can close the element."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def boot_data(mode: Literal["api", "embedded"], **extra: Any) -> dict[str, Any]:
    """What the script needs besides data: the ontology's drawing styles and which roots are entities or events."""
    onto = load_ontology()
    return {"mode": mode, "styles": {name: s.as_dict() for name, s in class_styles(onto).items()},
            "entityRoots": list(ENTITY_ROOTS), "eventRoot": "Event", **extra}


def render_page(*, title: str, boot: dict[str, Any], inline: bool) -> str:
    """The page HTML: assets linked from the API (``inline=False``) or embedded (``inline=True``)."""
    if inline:
        styles = "\n".join(f"<style>\n{_asset(n)}\n</style>" for n in STYLES)
        scripts = "\n".join(f"<script>\n{_asset(n)}\n</script>" for n in SCRIPTS)
        styles = f'<meta http-equiv="Content-Security-Policy" content="{OFFLINE_CSP}">\n{styles}'
    else:
        styles = "\n".join(f'<link rel="stylesheet" href="{ASSETS_PATH}/{n}">' for n in STYLES)
        scripts = "\n".join(f'<script src="{ASSETS_PATH}/{n}"></script>' for n in SCRIPTS)
    page = TEMPLATE.read_text(encoding="utf-8")
    for key, value in (("{{TITLE}}", html.escape(title)), ("{{MODE}}", boot["mode"]), ("{{BOOT}}", script_json(boot)),
                       ("{{STYLES}}", styles), ("{{SCRIPTS}}", scripts)):
        page = page.replace(key, value)
    return page
