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
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest
import yaml
from conftest import headless_chromium, running_api, scratch_source
from playwright.sync_api import Browser, Page

from kg.api.routes.entities import build_subgraph
from kg.captions import money, when
from kg.graph import Graph
from kg.ontology import load_ontology
from kg.palette import EVENT_COLOURS, MIN_EVENT_CONTRAST, class_styles, lab
from kg.settings import PROJECT_ROOT, Settings
from kg.viz import UnknownEntity, build_picture

ARTIFACTS = Path(os.environ.get("KG_TEST_ARTIFACTS") or PROJECT_ROOT / "test-artifacts")
ANNOTATIONS = PROJECT_ROOT / "data" / "annotations"
TIMEOUT_MS = 20_000

#: Picks an event node that no other node covers, and where to click it on the page.
PICK_EVENT_JS = """() => {
  const cy = window.kgExplorer.cy;
  const box = document.getElementById('graph').getBoundingClientRect();
  const inside = (p, bb) => p.x >= bb.x1 && p.x <= bb.x2 && p.y >= bb.y1 && p.y <= bb.y2;
  for (const node of cy.nodes("[kind = 'event']:visible")) {
    const p = node.renderedPosition();
    if (p.x < 10 || p.y < 10 || p.x > box.width - 10 || p.y > box.height - 10) continue;
    const covered = cy.nodes(':visible').some(o => o.id() !== node.id() && inside(p, o.renderedBoundingBox({includeLabels: false})));
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


# -- what the pictures say and how they read (issue 22, items 11 and 12) ---------------------------------------

#: Every label drawn in the graph: its text, rendered font size and box in page pixels, node or edge.
DRAWN_LABELS_JS = """() => {
  const cy = window.kgExplorer.cy;
  const out = [];
  cy.elements(':visible').forEach(e => {
    const text = e.isNode() ? e.data('display') : (e.hasClass('labelled') ? e.data('label') : '');
    if (!text) return;
    const b = e.renderedBoundingBox({includeNodes: false, includeEdges: false, includeLabels: true, includeOverlays: false});
    out.push({id: e.id(), node: e.isNode(), text, px: parseFloat(e.style('font-size')) * cy.zoom(),
              box: [b.x1, b.y1, b.x2, b.y2]});
  });
  return out;
}"""
POSITIONS_JS = """() => Object.fromEntries(window.kgExplorer.cy.nodes(':visible').map(n =>
  [n.id(), [Math.round(n.renderedPosition().x), Math.round(n.renderedPosition().y)]]))"""
#: Text that only a bug puts on the page: an object or list printed as a string, a missing or non-numeric value.
BROKEN_TEXT = re.compile(r"\[object |\bundefined\b|\bNaN\b|\bnull\b|, ,|with ,")
LONE_SOURCE = """\
article: {id: viz-lone-entity, date: 2025-11-20}
entities:
  - {id: z, type: Contractor, name: Zephyrine Lone Works, evidence: "Zephyrine Lone Works opened an office."}
events: []
"""


def assert_clean(text: str, where: str) -> None:
    bad = BROKEN_TEXT.search(text)
    assert not bad, f"{where} shows {bad.group()!r}: {text[:300]!r}"


def open_picture(browser: Browser, html: str, path: Path, size: tuple[int, int] = (1400, 900)) -> Page:
    """A kg viz file in Chromium, offline, once its layout is done and its subject's details are shown."""
    path.write_text(html, encoding="utf-8")
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
    page.goto(path.as_uri(), timeout=TIMEOUT_MS)
    page.wait_for_function("() => window.kgExplorer && window.kgExplorer.cy.nodes(':visible').length > 0", timeout=TIMEOUT_MS)
    wait_idle(page)
    page.locator("#panel h2").wait_for(timeout=TIMEOUT_MS)
    return page


def overlap(a: list[float], b: list[float]) -> float:
    """Area two boxes (x1, y1, x2, y2) share."""
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


def test_money_and_dates_read_as_an_analyst_writes_them() -> None:
    assert money(698948760, "USD") == "$699m" and money(2_000_000_000, "USD") == "$2bn"
    assert money(1_250_000_000, "EUR") == "€1.25bn" and money(40_000_000_000, "TWD") == "TWD 40bn"
    assert money(19_500_000, None) == "19.5m" and money(None, "USD") is None
    assert when("2025-11-17") == "Nov 2025" and when("2023-05") == "May 2023" and when("2024") == "2024" and when(None) is None


def test_every_event_type_has_a_clearly_distinct_colour() -> None:
    """Arms sales and contract awards were two shades of one orange; every pair of event types must differ plainly."""
    onto = load_ontology()
    styles = class_styles(onto)
    concrete = onto.subclasses("Event", concrete=True)
    assert set(concrete) <= set(EVENT_COLOURS), "an event type of the ontology has no colour of its own"
    for i, a in enumerate(concrete):
        assert styles[a].colour == EVENT_COLOURS[a]
        for b in concrete[i + 1:]:
            distance = sum((x - y) ** 2 for x, y in zip(lab(styles[a].colour), lab(styles[b].colour))) ** 0.5
            assert distance >= MIN_EVENT_CONTRAST, f"{a} and {b} look alike (ΔE {distance:.0f})"


def test_events_and_posts_are_captioned_by_what_who_value_and_when(graph: Graph, sample: None, api_url: str) -> None:
    labels = {n.id: n.label for n in build_subgraph(graph, "state:TW", depth=2, limit=1000).nodes}
    assert labels["event:2025-11-19-nasams-taiwan:nasams-sale"] == "NASAMS sale to Taiwan · $699m · Nov 2025"
    assert labels["event:2025-11-19-nasams-taiwan:nasams-contract"] == "NASAMS contract to RTX · $699m · Nov 2025"
    assert labels["event:2025-11-19-nasams-taiwan:nasams-sale-2024"] == "NASAMS sale to Taiwan · $2bn · 2024"
    assert labels["event:2023-us-defence-delegation-taiwan:sweden-excalibur-block"] == "Sweden blocks M982 Excalibur to Taiwan"
    assert labels["event:2023-us-defence-delegation-taiwan:delegation-visit"] == "US defense industry delegation visits Taiwan · May 2023"
    assert labels["post:2025-11-19-nasams-taiwan:koo"] == "Wellington Koo · Defence Minister"
    assert labels["state:US"] is None, "an entity's caption is its name"
    events = [i for i in labels if i.startswith("event:")]
    assert len(events) > 10 and all(labels[i] for i in events)
    for caption in filter(None, labels.values()):
        assert_clean(caption, "a caption")
    served = httpx.get(f"{api_url}/entities/contractor:rtx/neighbors").json()
    by_id = {n["id"]: n for n in served["nodes"]}
    assert by_id["event:2025-11-19-nasams-taiwan:nasams-contract"]["label"] == "NASAMS contract to RTX · $699m · Nov 2025"


def test_timeline_entries_read_as_text(browser: Browser, api_url: str) -> None:
    """Every entry once read "with ,leader ,[object HTMLButtonElement]": the nested participant list was printed."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    seen = Recorder(page)
    page.goto(f"{api_url}/explore?id=state:TW", timeout=TIMEOUT_MS)
    page.locator("#panel h2", has_text="Taiwan").wait_for(timeout=TIMEOUT_MS)
    wait_idle(page)
    entries = [" ".join(t.split()) for t in page.locator("#panel ul.timeline li").all_inner_texts()]
    assert len(entries) >= 5
    for entry in entries:
        assert_clean(entry, "a timeline entry")
    visit = next(e for e in entries if e.startswith("2023-05 US defense industry delegation visits Taiwan"))
    assert "as host with Steven Rudder (leader), US defense industry delegation (visitor)" in visit
    sale = next(e for e in entries if e.startswith("2024 NASAMS sale to Taiwan"))
    assert "as recipient · $2,000,000,000 with United States (seller)" in sale
    # The names are links that draw the participant.
    page.locator("#panel ul.timeline .with button.node-link", has_text="Steven Rudder").click()
    page.locator("#panel h2", has_text="Steven Rudder").wait_for(timeout=TIMEOUT_MS)
    assert not seen.errors, seen.errors
    page.close()


def test_no_panel_or_label_shows_broken_text(browser: Browser, graph: Graph, sample: None, tmp_path: Path) -> None:
    """Every node of Taiwan's picture selected in turn: the panel, the labels, the legend and the tools read as text."""
    picture = build_picture(graph, "state:TW", depth=2)
    page = open_picture(browser, picture.html, tmp_path / "taiwan.html")
    seen = Recorder(page)
    ids = page.evaluate("window.kgExplorer.cy.nodes().map(n => n.id())")
    assert len(ids) == picture.nodes
    kinds = set()
    for node_id in ids:
        page.evaluate("id => window.kgExplorer.focus(id)", node_id)
        wait_idle(page)
        kinds.add(page.evaluate("id => window.kgExplorer.cy.getElementById(id).data('kind')", node_id))
        assert page.evaluate("id => window.kgExplorer.cy.getElementById(id).visible()", node_id), f"{node_id} was not drawn"
        assert_clean(page.inner_text("#panel"), f"the panel of {node_id}")
    assert kinds == {"entity", "event", "other"}
    for text in page.evaluate("window.kgExplorer.cy.elements().map(e => e.data('display') || e.data('label') || '')"):
        assert_clean(text, "a graph label")
    assert_clean(page.inner_text("#legend"), "the legend")
    assert_clean(page.inner_text("#graph-tools"), "the tools")
    assert not seen.errors, seen.errors
    page.close()


def test_hub_picture_is_readable(browser: Browser, graph: Graph, sample: None, tmp_path: Path) -> None:
    """Taiwan at depth 2 was 49 nodes in 9 px type with 13 labels over one another."""
    picture = build_picture(graph, "state:TW", depth=2)
    page = open_picture(browser, picture.html, tmp_path / "taiwan.html")
    minimum = page.evaluate("window.kgExplorer.minLabelPx")
    assert minimum >= 11
    labels = page.evaluate(DRAWN_LABELS_JS)
    nodes = [label for label in labels if label["node"]]
    assert 8 <= len(nodes) < picture.nodes, "a hub draws its most relevant nodes first"
    hidden = picture.nodes - len(nodes)
    assert page.inner_text("#more") == f"Show more ({hidden} hidden)"
    assert all(label["px"] >= minimum - 0.01 for label in labels), [(x["text"], x["px"]) for x in labels if x["px"] < minimum]
    crowded = [(a["text"], b["text"]) for i, a in enumerate(nodes) for b in nodes[i + 1:] if overlap(a["box"], b["box"]) > 4]
    assert not crowded, f"labels drawn over one another: {crowded}"
    texts = {label["text"].replace("\n", " · ") for label in nodes}
    assert "NASAMS sale to Taiwan · $699m · Nov 2025" in texts and "NASAMS contract to RTX · $699m · Nov 2025" in texts
    assert not [t for t in texts if t.startswith(("ArmsSale", "ContractAward", "post:"))], texts
    colours = page.evaluate("""() => Object.fromEntries(window.kgExplorer.cy.nodes(':visible').map(n =>
      [n.data('types')[0], n.style('background-color')]))""")
    assert colours["ArmsSale"] != colours["ContractAward"]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "viz-taiwan.png"))

    page.click("#more")
    page.wait_for_function(f"() => window.kgExplorer.cy.nodes(':visible').length > {len(nodes)}", timeout=TIMEOUT_MS)
    more = page.evaluate(DRAWN_LABELS_JS)
    assert all(label["px"] >= minimum - 0.01 for label in more), "labels stay readable when more is drawn"
    page.close()


def test_same_graph_same_picture(browser: Browser, graph: Graph, sample: None, tmp_path: Path) -> None:
    """The layout is seeded from the ids: two openings, and a re-layout, put every node in the same place."""
    picture = build_picture(graph, "contractor:rtx", depth=2)
    positions = []
    for n in range(2):
        page = open_picture(browser, picture.html, tmp_path / f"rtx-{n}.html")
        positions.append(page.evaluate(POSITIONS_JS))
        if n == 1:
            page.click("#relayout")
            positions.append(page.evaluate(POSITIONS_JS))
        page.close()
    assert len(positions[0]) == picture.nodes
    assert positions[0] == positions[1] == positions[2]


def test_lone_entity_is_drawn_alone_with_a_message(browser: Browser, graph: Graph, loader, sample: None, api_url: str,
                                                   tmp_path: Path) -> None:
    """An entity nothing links to was a blank canvas, in the explorer and in kg viz."""
    lone = "contractor:zephyrine-lone-works"
    with scratch_source(loader, tmp_path / "viz-lone-entity.yaml", LONE_SOURCE):
        picture = build_picture(graph, lone, depth=2)
        assert (picture.nodes, picture.edges) == (1, 0)
        offline = open_picture(browser, picture.html, tmp_path / "lone.html")
        served = browser.new_page(viewport={"width": 1400, "height": 900})
        served.goto(f"{api_url}/explore?id={lone}", timeout=TIMEOUT_MS)
        served.locator("#panel h2", has_text="Zephyrine Lone Works").wait_for(timeout=TIMEOUT_MS)
        wait_idle(served)
        for page in (offline, served):
            assert page.evaluate("window.kgExplorer.cy.nodes(':visible').map(n => n.id())") == [lone]
            note = page.locator("#graph-note")
            assert note.is_visible()
            assert "Zephyrine Lone Works has no relationships in the graph" in note.inner_text()
            assert page.evaluate(PAINTED_PIXELS_JS) > 500, "the entity itself is drawn"
            page.close()


def test_viz_draws_an_event(graph: Graph, sample: None) -> None:
    picture = build_picture(graph, "event:2025-11-19-nasams-taiwan:nasams-sale", depth=1)
    assert picture.nodes >= 4
    assert "<title>NASAMS sale to Taiwan · $699m · Nov 2025 · neighbourhood (depth 1)</title>" in picture.html
    with pytest.raises(UnknownEntity, match="event:nowhere"):
        build_picture(graph, "event:nowhere")


def test_an_official_record_shows_its_items_and_details_in_the_event_panel(browser: Browser, loader, api_url: str,
                                                                           tmp_path: Path) -> None:
    """What a DSCA release lists (items with quantities) and records (details) reads in the panel, as text."""
    release = PROJECT_ROOT / "data" / "official" / "dsca" / "2024-10-25-dsca-taiwan-nasams.txt"
    with scratch_source(loader, tmp_path / "explorer-dsca-nasams.txt", release.read_text(encoding="utf-8")):
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        seen = Recorder(page)
        page.goto(f"{api_url}/explore?id=event:explorer-dsca-nasams:sale-approval", timeout=TIMEOUT_MS)
        items = page.locator("#panel ul.items li")
        items.first.wait_for(timeout=TIMEOUT_MS)
        wait_idle(page)
        texts = items.all_inner_texts()
        assert any(t.startswith("3 × National Advanced Surface-to-Air Missile System") and t.endswith("(major defense equipment)")
                   for t in texts), texts
        assert page.locator("#panel h3", has_text="Items").is_visible()
        details = page.locator("#panel ul.details li").all_inner_texts()
        assert "purchaser_as_named: Taipei Economic and Cultural Representative Office in the United States" in details, details
        assert not seen.errors, seen.errors
        page.close()
