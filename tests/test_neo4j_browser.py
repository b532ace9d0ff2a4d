"""The real Neo4j Browser 5, served by the session's real Neo4j, draws our graph in our style.

Debian's Chromium (``/usr/bin/chromium``, driven by Playwright, no browser
downloaded) opens the Browser that the local Neo4j serves at ``/browser/``,
connects with the test credentials, applies the style with ``:style`` and opens
the guide with ``:play``, both fetched from the project's API as it serves them.
From the guide's first query slide it clicks the ``:param`` block and the query
block and runs each, then draws Taiwan's neighbourhood and opens a node's
properties panel. The checks read the rendered SVG: each drawn node's fill
colour and caption must be what the GraSS the API serves gives its labels.

Browser wants to reach the internet (fonts, telemetry, feedback widgets): every
request off the loopback is aborted at once, so nothing waits on a closed
network. Screenshots of the guide, the graph and the properties panel go to
``test-artifacts/`` (or ``$KG_TEST_ARTIFACTS``); with ``KG_DOCS_SCREENSHOTS=1``
they also replace the copies ``docs/neo4j-browser.md`` shows (``docs/img/``).
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest
from conftest import headless_chromium, running_api
from playwright.sync_api import Browser, Locator, Page
from test_browser_kit import browser_parse_grass

from kg.cypher import Cypher
from kg.engines.neo4j import server as neo4j_engine
from kg.graph import Graph, local_neo4j_connection
from kg.queries import load_queries
from kg.settings import PROJECT_ROOT, Settings

pytestmark = pytest.mark.engines("neo4j")

ARTIFACTS = Path(os.environ.get("KG_TEST_ARTIFACTS") or PROJECT_ROOT / "test-artifacts")
DOCS_IMG = PROJECT_ROOT / "docs" / "img"
SCREENSHOTS = {"guide": "neo4j-browser-guide.png", "taiwan": "neo4j-browser-taiwan.png",
               "properties": "neo4j-browser-properties.png"}
TIMEOUT_MS = 30_000
VIEWPORT = {"width": 1400, "height": 1000}
LOOPBACK = {"127.0.0.1", "localhost", "::1"}

TAIWAN = "state:TW"
#: Taiwan and what it touches directly, without the evidence sentences that mention it (those are many and
#: say little in a picture): states, agencies, events, posts.
TAIWAN_QUERY = f"MATCH (t:State {{id: '{TAIWAN}'}})-[r]-(n) WHERE NOT n:Evidence RETURN t, r, n"

#: Every drawn node as Browser's renderer bound it (d3 keeps the datum on the element) and as it drew it.
DRAWN_NODES_JS = """frame => Array.from(frame.querySelectorAll('svg g.node')).map(g => ({
  key: g.getAttribute('aria-label'),
  labels: g.__data__.labels,
  properties: Object.fromEntries(Object.entries(g.__data__.propertyMap || {}).map(([k, v]) => [k, String(v)])),
  fill: g.querySelector('circle.b-outline').getAttribute('fill'),
  caption: Array.from(g.querySelectorAll('text.caption')).map(t => t.textContent.trim()),
}))"""

#: True once nothing has moved for a few animation frames: the force layout and the zoom have settled.
SETTLED_JS = """frame => new Promise(resolve => {
  const where = () => Array.from(frame.querySelectorAll('svg g')).map(g => g.getAttribute('transform')).join('|');
  let last = where(), still = 0;
  const tick = () => {
    const now = where();
    still = now === last ? still + 1 : 0;
    last = now;
    if (still >= 10) resolve(true); else requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})"""


# -- the style as Browser applies it ------------------------------------------------------------


def node_style(rules: dict[str, dict[str, str]], labels: list[str]) -> dict[str, str]:
    """What Browser gives a node with these labels: every ``node`` rule it matches, in file order, later winning."""
    style: dict[str, str] = {}
    for selector, declarations in rules.items():
        kind, _, label = selector.partition(".")
        if kind == "node" and (not label or label in labels):
            style.update(declarations)
    return style


def caption_text(template: str, properties: dict[str, str]) -> str:
    """A GraSS caption template filled in: ``{name}`` becomes the node's name (empty when it has none)."""
    return " ".join(re.sub(r"\{(\w+)\}", lambda m: properties.get(m.group(1), ""), template).split())


def shown_as(expected: str, lines: list[str]) -> bool:
    """Whether Browser's caption lines show ``expected``: it wraps a caption on spaces to fit the circle
    and ends it with an ellipsis when it runs out of room."""
    shown = " ".join(" ".join(lines).split())
    if shown == expected:
        return True
    cut = shown.rstrip("…").rstrip()
    return shown.endswith("…") and bool(cut) and expected.startswith(cut)


# -- driving Browser ----------------------------------------------------------------------------


@dataclass
class Neo4jBrowser:
    """One Browser tab on the local Neo4j."""

    page: Page

    def command(self, text: str) -> None:
        """Type ``text`` into Browser's main editor and run it."""
        self.page.locator("#monaco-main-editor").click()
        self.page.keyboard.press("Control+A")
        self.page.keyboard.press("Backspace")
        self.page.keyboard.insert_text(text)
        self.run_editor()

    def run_editor(self) -> None:
        self.page.locator('[data-testid="editor-Run"]').click()

    def frame(self, command_start: str) -> Locator:
        """The newest result frame of a command whose text starts like this."""
        return (self.page.locator('[data-testid="frame"]')
                .filter(has=self.page.locator('[data-testid="frameCommand"]', has_text=command_start)).first)

    def connect(self, bolt_uri: str, user: str, password: str) -> None:
        page = self.page
        address = page.locator('input[data-testid="boltaddress"]')
        address.wait_for()
        address.fill(bolt_uri)
        page.locator('input[data-testid="username"]').fill(user)
        page.locator('input[data-testid="password"]').fill(password)
        page.locator('button[data-testid="connect"]').click()
        page.get_by_text("You are connected as user").wait_for()

    def fetch(self, command: str, expect: str) -> Locator:
        """Run a command that fetches a URL (``:style URL``, ``:play URL``) and return its frame once it shows ``expect``.

        Until Browser has read the server's settings it checks URLs against its built-in host allowlist
        (``guides.neo4j.com, localhost``), which refuses 127.0.0.1: such a refusal is run again.
        """
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while True:
            self.command(command)
            frame = self.frame(command)
            shown = frame.locator('[data-testid="frameContents"]', has_text=expect)
            refused = frame.get_by_text("not allowed according to server allowlist")
            shown.or_(refused).first.wait_for()
            if shown.count():
                return frame
            assert time.monotonic() < deadline, f"Browser still refuses {command!r}: {frame.inner_text()}"
            self.clear()

    def clear(self) -> None:
        self.command(":clear")
        self.page.locator('[data-testid="frame"]').first.wait_for(state="detached")


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    with headless_chromium() as launched:
        yield launched


def open_browser(chromium: Browser) -> Neo4jBrowser:
    page = chromium.new_page(viewport=VIEWPORT, device_scale_factor=1)
    page.set_default_timeout(TIMEOUT_MS)

    def only_loopback(route) -> None:
        url = route.request.url
        if url.startswith(("data:", "blob:")) or urlparse(url).hostname in LOOPBACK:
            route.continue_()
        else:  # fonts, telemetry, feedback widgets: refused at once rather than left to time out
            route.abort("blockedbyclient")

    page.route("**/*", only_loopback)
    # Browser asks for consent to telemetry unless the server turns outgoing connections off; dismiss it
    # whenever it gets in the way.
    banner = page.locator('[data-testid="main"] > div').filter(has_text="we collect information on product usage")
    page.add_locator_handler(banner, lambda: banner.locator("> span").last.click())
    return Neo4jBrowser(page)


def save(shot: str, locator: Locator) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / SCREENSHOTS[shot]
    locator.screenshot(path=str(path), animations="disabled")
    assert path.stat().st_size > 10_000, f"{path} is nearly empty"
    if os.environ.get("KG_DOCS_SCREENSHOTS") == "1":
        DOCS_IMG.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS_IMG / path.name)
    return path


# -- the test ------------------------------------------------------------------------------------


def test_browser_draws_the_graph_with_our_style_and_guide(chromium: Browser, settings: Settings, graph: Graph,
                                                         sample: None) -> None:
    if not settings.local_neo4j:
        pytest.skip("needs the local Neo4j, which serves Browser (NEO4J_URI points elsewhere)")
    server = neo4j_engine.status(settings.kg)
    assert server.running and server.studio_url and server.bolt_uri
    password = local_neo4j_connection(settings.kg).password

    with running_api(settings, graph) as api:
        drive_browser(chromium, server.studio_url, server.bolt_uri, password, api, taiwan_name_in(graph))


def drive_browser(chromium: Browser, browser_url: str, bolt_uri: str, password: str, api: str, taiwan_name: str) -> None:
    """The analyst's way through Browser, checked at each step (also run by hand against a running Neo4j and API)."""
    first = next(iter(load_queries().values()))
    grass = httpx.get(f"{api}/browser/style.grass").text
    rules = browser_parse_grass(grass)
    browser = open_browser(chromium)
    page = browser.page
    page.goto(browser_url)
    browser.connect(bolt_uri, "neo4j", password)

    # The style, as the API serves it; Browser prints the rules it now uses.
    browser.fetch(f":style {api}/browser/style.grass", "node.State")
    browser.clear()

    # The guide: its first slide introduces the graph, the next is the first named query.
    guide = browser.fetch(f":play {api}/browser/guide.html", "Arms-trade knowledge graph")
    carousel = guide.locator('[data-testid="carousel"]')
    carousel.get_by_role("heading", name="Arms-trade knowledge graph").wait_for()
    carousel.locator('[data-testid="nextSlide"]').click()
    carousel.get_by_role("heading", name=first.title, exact=True).wait_for()
    blocks = carousel.locator("pre.runnable")
    param_block, query_block = blocks.first, blocks.last
    assert param_block.inner_text().strip().startswith(":param {")
    assert query_block.inner_text().strip().startswith(f"// {first.title}")
    save("guide", guide)

    # Clicking a block copies it into the editor; the editor runs it.
    param_block.click()
    browser.run_editor()
    params = browser.frame(":param")
    params.locator('[data-testid="frameContents"]', has_text='"limit"').wait_for()
    query_block.click()
    browser.run_editor()
    result = browser.frame(f"// {first.title}")
    result.get_by_text(re.compile(r"Started streaming \d+ records")).wait_for()
    streamed = int(re.search(r"Started streaming (\d+) records", result.inner_text()).group(1))
    assert 0 < streamed <= 200, f"{streamed} rows: the query ran without its :param defaults (limit 200)"
    first_columns = re.findall(r"\bAS (\w+)", str(first.text))[:2]
    for column in first_columns:
        result.locator('[data-testid="frameContents"]', has_text=column).first.wait_for()
    browser.clear()

    # Taiwan's neighbourhood, drawn, in a frame as large as the window and zoomed to fit it.
    browser.command(TAIWAN_QUERY)
    frame = browser.frame("MATCH (t:State")
    frame.locator("svg g.node").nth(2).wait_for()
    svg = frame.locator("svg").filter(has=page.locator("g.node")).first
    svg.evaluate(SETTLED_JS)
    frame.get_by_title("Fullscreen").click()
    frame.get_by_label("zoom-to-fit").click()
    svg.evaluate(SETTLED_JS)
    frame.get_by_label("zoom-out").click()  # a margin: zoom-to-fit lets the legend panel cover the outermost nodes
    svg.evaluate(SETTLED_JS)
    drawn = frame.evaluate(DRAWN_NODES_JS)

    by_label: dict[str, str] = {}
    for node in drawn:
        style = node_style(rules, node["labels"])
        assert node["fill"].lower() == style["color"].lower(), (node["labels"], node["fill"], style["color"])
        expected = caption_text(style["caption"], node["properties"])
        assert shown_as(expected, node["caption"]), (node["labels"], node["caption"], expected)
        if "Event" in node["labels"]:  # the style sizes an event's circle for its whole caption: type and date
            assert " ".join(node["caption"]) == expected, (node["labels"], node["caption"], expected)
        assert not any(line.strip() == node["properties"].get("id") for line in node["caption"]), \
            f"{node['labels']} is captioned with its id"
        specific = max(node["labels"], key=lambda label: list(rules).index(f"node.{label}")
                       if f"node.{label}" in rules else -1)
        by_label[specific] = node["fill"].lower()
    taiwan = next(n for n in drawn if n["properties"].get("id") == TAIWAN)
    assert taiwan["caption"] == [taiwan_name], "a State is captioned with its name"
    assert by_label["State"] == rules["node.State"]["color"].lower()
    assert len(by_label) >= 2, f"only {sorted(by_label)} drawn"
    event_labels = [label for label in by_label if "Event" in node_labels(drawn, label)]
    assert event_labels, "Taiwan's events are drawn"
    assert by_label[event_labels[0]] == rules[f"node.{event_labels[0]}"]["color"].lower()
    assert by_label["State"] != by_label[event_labels[0]], "a state and an event look different"
    save("taiwan", frame)

    # A node's properties panel: click Taiwan.
    frame.locator(f'svg g.node[aria-label="{taiwan["key"]}"]').click()
    table = frame.locator('[data-testid="viz-details-pane-properties-table"]')
    table.get_by_text(taiwan_name, exact=True).first.wait_for()
    assert TAIWAN in table.inner_text()
    save("properties", frame)
    page.close()


def taiwan_name_in(graph: Graph) -> str:
    """Taiwan's name as the graph holds it: the caption the style must give the node."""
    return graph.read(Cypher("MATCH (n:State {id: $id}) RETURN n.name AS name"), id=TAIWAN)[0]["name"]


def node_labels(drawn: list[dict], specific: str) -> list[str]:
    """The labels of a drawn node whose most specific label is ``specific``."""
    return next(n["labels"] for n in drawn if specific in n["labels"])
