"""The explorer page and ``kg viz`` pictures, driven in real headless Chromium.

Chromium is Debian's (``/usr/bin/chromium``, installed by ``tools/install-test-deps``),
driven by Playwright without downloading a browser. The page is served by the
real API over the session's real graph with the sample corpus loaded. Every
request the page makes is recorded: all must go to the API itself (nothing from
a CDN), and the ``kg viz`` file must make none at all. Screenshots are kept in
``test-artifacts/`` (or ``$KG_TEST_ARTIFACTS``) for a human to look at.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest
import yaml
from playwright.sync_api import Browser, Page

from kg.graph import Graph
from kg.settings import PROJECT_ROOT, Settings
from kg.viz import UnknownEntity, build_picture

from conftest import headless_chromium, running_api

ARTIFACTS = Path(os.environ.get("KG_TEST_ARTIFACTS") or PROJECT_ROOT / "test-artifacts")
ANNOTATIONS = PROJECT_ROOT / "data" / "annotations"
TIMEOUT_MS = 20_000

#: Picks an event node that no other node covers, and where to click it on the page.
PICK_EVENT_JS = """() => {
  const cy = window.kgExplorer.cy;
  const box = document.getElementById('graph').getBoundingClientRect();
  const inside = (p, bb) => p.x >= bb.x1 && p.x <= bb.x2 && p.y >= bb.y1 && p.y <= bb.y2;
  for (const node of cy.nodes("[kind = 'event']")) {
    const p = node.renderedPosition();
    if (p.x < 10 || p.y < 10 || p.x > box.width - 10 || p.y > box.height - 10) continue;
    const covered = cy.nodes().some(o => o.id() !== node.id() && inside(p, o.renderedBoundingBox({includeLabels: false})));
    if (!covered) return {id: node.id(), x: box.left + p.x, y: box.top + p.y};
  }
  return null;
}"""

#: Cytoscape draws on canvases: count the pixels it painted, so "rendered" means drawn, not only in the model.
PAINTED_PIXELS_JS = """() => {
  let painted = 0;
  for (const canvas of document.querySelectorAll('#graph canvas')) {
    if (!canvas.width || !canvas.height) continue;
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
  }
  return painted;
}"""


def annotated_sentence(event_id: str) -> str:
    """The evidence sentence the curated annotation gives for ``event:<source>:<key>``: the oracle, independent of the API."""
    _, source, key = event_id.split(":", 2)
    annotation = yaml.safe_load((ANNOTATIONS / f"{source}.yaml").read_text(encoding="utf-8"))
    return next(e["evidence"] for e in annotation["events"] if e["id"] == key)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with headless_chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def api_url(settings: Settings, graph: Graph, corpus: None) -> Iterator[str]:
    with running_api(settings, graph) as url:
        yield url


class Recorder:
    """Requests and console errors of one page."""

    def __init__(self, page: Page) -> None:
        self.requests: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("response", lambda response: self.errors.append(f"{response.status} {response.url}") if response.status >= 400 else None)
        page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))


def click_an_event(page: Page) -> str:
    """Click, with the mouse, an event node drawn on the canvas; return its id."""
    target = page.evaluate(PICK_EVENT_JS)
    assert target, "no event node is drawn where it can be clicked"
    page.mouse.click(target["x"], target["y"])
    page.wait_for_function("id => window.kgExplorer.cy.$(':selected').map(n => n.id()).includes(id)", arg=target["id"],
                           timeout=TIMEOUT_MS)
    return target["id"]


def wait_idle(page: Page) -> None:
    page.wait_for_function("() => document.body.dataset.busy === '0'", timeout=TIMEOUT_MS)


def test_explorer_search_graph_and_evidence(browser: Browser, api_url: str) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    seen = Recorder(page)
    page.goto(api_url + "/", timeout=TIMEOUT_MS)
    assert urlparse(page.url).path == "/explore", "/ redirects to the explorer"

    page.fill("#search", "NASAMS")
    first = page.locator("#results button[data-entity]").first
    first.wait_for(timeout=TIMEOUT_MS)
    assert first.get_attribute("data-entity") == "system:nasams"
    assert "National Advanced Surface-to-Air Missile System" in first.inner_text()
    first.click()

    page.wait_for_function("() => window.kgExplorer.cy.nodes().length > 1", timeout=TIMEOUT_MS)
    wait_idle(page)
    drawn = page.evaluate("window.kgExplorer.cy.nodes().map(n => ({id: n.id(), kind: n.data('kind'), visible: n.visible()}))")
    assert "system:nasams" in {n["id"] for n in drawn}
    assert any(n["kind"] == "event" for n in drawn) and any(n["kind"] == "entity" for n in drawn)
    assert all(n["visible"] for n in drawn)
    assert page.evaluate(PAINTED_PIXELS_JS) > 2000, "the graph canvas is blank"
    page.locator("#panel h2", has_text="National Advanced Surface-to-Air Missile System").wait_for(timeout=TIMEOUT_MS)

    event_id = click_an_event(page)
    sentence = annotated_sentence(event_id)
    quote = page.locator("#panel blockquote.evidence-sentence", has_text=sentence[:60])
    quote.wait_for(timeout=TIMEOUT_MS)
    assert sentence in quote.inner_text()
    source_id = f"source:{event_id.split(':')[1]}"
    href = page.locator("#panel a.source-id").first.get_attribute("href")
    assert href and httpx.get(api_url + href).json()["id"] == source_id, "the evidence links to its source"
    wait_idle(page)
    after = page.evaluate("window.kgExplorer.cy.nodes().length")
    assert after >= len(drawn), "expanding an event keeps what was drawn"
    assert page.evaluate(f"window.kgExplorer.cy.getElementById({event_id!r}).data('expanded')") is True

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "explorer.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 20_000
    hosts = {urlparse(u).netloc for u in seen.requests if not u.startswith("data:")}
    assert hosts == {urlparse(api_url).netloc}, f"the page fetched from elsewhere: {hosts}"
    assert not seen.errors, seen.errors
    page.close()


def test_explorer_expands_an_entity_on_click_and_shows_its_timeline(browser: Browser, api_url: str) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    seen = Recorder(page)
    page.goto(f"{api_url}/explore?id=state:TW", timeout=TIMEOUT_MS)
    page.wait_for_function("() => window.kgExplorer.cy.nodes().length > 1", timeout=TIMEOUT_MS)
    wait_idle(page)
    page.locator("#panel h2", has_text="Taiwan").wait_for(timeout=TIMEOUT_MS)
    timeline = page.locator("#panel ul.timeline li")
    assert timeline.count() >= 5, "Taiwan's timeline lists its events"
    before = page.evaluate("window.kgExplorer.cy.nodes().length")
    # An entity two hops away is not drawn yet; following a participant link draws and expands it.
    page.locator("#panel ul.timeline button.node-link").first.click()
    page.wait_for_function(f"() => window.kgExplorer.cy.nodes().length >= {before}", timeout=TIMEOUT_MS)
    wait_idle(page)
    page.locator("#panel blockquote.evidence-sentence").first.wait_for(timeout=TIMEOUT_MS)
    assert not seen.errors, seen.errors
    page.close()


def test_page_is_served_with_its_assets_and_a_strict_policy(api_url: str) -> None:
    page = httpx.get(api_url + "/explore")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "connect-src 'self'" in policy
    assert "http" not in page.text.replace(api_url, "").split("<script id=\"kg-boot\"")[0].lower().replace("http-equiv", "")
    for asset in ("/explore/assets/vendor/cytoscape.min.js", "/explore/assets/explore.js", "/explore/assets/explore.css"):
        assert asset in page.text
        assert httpx.get(api_url + asset).status_code == 200


def test_viz_picture_works_offline(browser: Browser, graph: Graph, corpus: None, tmp_path: Path) -> None:
    picture = build_picture(graph, "contractor:rtx", depth=2)
    assert picture.nodes > 5 and picture.edges >= picture.nodes - 1 and not picture.truncated
    out = tmp_path / "rtx.html"
    out.write_text(picture.html, encoding="utf-8")

    page = browser.new_page(viewport={"width": 1300, "height": 850})
    seen = Recorder(page)
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
    page.goto(out.as_uri(), timeout=TIMEOUT_MS)
    page.wait_for_function(f"() => window.kgExplorer.cy.nodes().length === {picture.nodes}", timeout=TIMEOUT_MS)
    wait_idle(page)
    assert page.evaluate(PAINTED_PIXELS_JS) > 2000, "the picture's canvas is blank"
    page.locator("#panel h2", has_text="RTX").wait_for(timeout=TIMEOUT_MS)

    event_id = click_an_event(page)
    sentence = annotated_sentence(event_id)
    page.locator("#panel blockquote.evidence-sentence", has_text=sentence[:60]).wait_for(timeout=TIMEOUT_MS)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "viz-rtx.png"))
    assert [u for u in seen.requests if not u.startswith("file:")] == [], "the picture fetched something"
    assert not seen.errors, seen.errors
    page.close()


def test_viz_depth_and_unknown_entity(graph: Graph, corpus: None) -> None:
    near = build_picture(graph, "system:nasams", depth=1)
    far = build_picture(graph, "system:nasams", depth=3)
    assert near.nodes < far.nodes
    with pytest.raises(UnknownEntity, match="state:XX"):
        build_picture(graph, "state:XX")
    with pytest.raises(ValueError, match="depth"):
        build_picture(graph, "system:nasams", depth=4)


def test_viz_escapes_graph_text(graph: Graph, corpus: None) -> None:
    """Text from sources lands in a <script> block: no sequence in it may close that block."""
    from kg.web.page import script_json

    hostile = {"name": "</script><script>alert(1)</script> & <!--"}
    embedded = script_json(hostile)
    assert "</" not in embedded and "<!--" not in embedded
    import json

    assert json.loads(embedded) == hostile


def test_vendored_graph_library_is_the_pinned_npm_release() -> None:
    """The page's library is the npm release pinned in tools/web, copied unchanged (npm run vendor)."""
    import json

    web = PROJECT_ROOT / "tools" / "web"
    installed = web / "node_modules" / "cytoscape"
    assert installed.is_dir(), "run  npm ci --prefix tools/web"
    pinned = json.loads((web / "package.json").read_text())["dependencies"]["cytoscape"]
    assert json.loads((installed / "package.json").read_text())["version"] == pinned
    vendor = PROJECT_ROOT / "kg" / "web" / "static" / "vendor"
    assert (vendor / "cytoscape.min.js").read_bytes() == (installed / "dist" / "cytoscape.min.js").read_bytes(), (
        "kg/web/static/vendor is not the pinned release: run  npm run vendor --prefix tools/web")
    assert (vendor / "cytoscape.LICENSE").read_bytes() == (installed / "LICENSE").read_bytes()
