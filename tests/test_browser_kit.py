"""The Neo4j Browser kit: style and guide follow the ontology and queries/, read as Browser 5 reads them.

Two small ports of Neo4j Browser 5 code keep the checks honest without a web
browser: its GraSS reader (``parseGrassCSS`` in ``src/shared/services/grassUtils.ts``)
and the sanitiser it runs on remote guides (``cleanHtml`` in
``src/shared/services/remoteUtils.ts``). No database is needed.
"""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kg.api.app import create_app
from kg.browser_kit import (
    GUIDE_FILE,
    GUIDE_PATH,
    KIT_DIR,
    STYLE_FILE,
    STYLE_PATH,
    caption_budget,
    caption_of,
    param_command,
    render_guide,
    render_style,
    runnable_commands,
    write_kit,
)
from kg.cypher import Cypher
from kg.ontology import ONTOLOGY_DIR, ONTOLOGY_FILE, SHAPES_FILE, load_ontology, parse_ontology
from kg.palette import class_styles
from kg.queries import NamedQuery, QueryParam, load_queries

FIX = "run  kg browser kit"


@pytest.fixture(scope="module")
def onto():
    return load_ontology()


@pytest.fixture(scope="module")
def queries():
    return load_queries()


# -- Browser's readers, ported ------------------------------------------------------

def browser_parse_grass(text: str) -> dict[str, dict[str, str]]:
    """Neo4j Browser 5's ``parseGrassCSS``: selector -> declarations, in file order (what ``:style <url>`` and drag-and-drop use)."""
    inside_string = inside_props = False
    keyword, props, raw = "", "", {}
    for c in text:
        skip = True
        if c == "{":
            if inside_string:
                skip = False
            elif not inside_props:
                inside_props = True
        elif c == "}":
            if inside_string:
                skip = False
            elif inside_props:
                inside_props = False
                raw[keyword], keyword, props = props, "", ""
        elif c in "'\"":
            inside_string = not inside_string
        else:
            skip = False
        if skip:
            continue
        if inside_props:
            props += c
        elif not c.isspace():
            keyword += c
    rules: dict[str, dict[str, str]] = {}
    for selector, body in raw.items():
        pairs = [p.split(":") for p in body.split(";")]
        rules[selector] = {kv[0].strip(): kv[1].strip() for kv in pairs if len(kv) == 2}
    return rules


def browser_clean_html(text: str) -> str:
    """Neo4j Browser 5's ``cleanHtml``, run on every remote guide before it is shown."""
    text = re.sub(r"(\s+(on[^\s=]+)[^\s=]*\s*=\s*(\"[^\"]*\"|'[^']*'|[\w\-.:]+\s*))", "", text, flags=re.I)
    text = re.sub(r"<script\b[^<]*(?:(?!</script>)<[^<]*)*(</script>)?", "", text, flags=re.I)
    text = re.sub(r'href=".*javascript:[^"]*"', 'href=""', text, count=1)
    return re.sub(r"href='.*javascript:[^']*'", "href=''", text, count=1)


class GuideReader(HTMLParser):
    """Slides and their runnable blocks (text as the DOM gives it to Browser), and tag balance."""

    VOID = {"meta", "br", "hr", "img", "input", "link"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.slides: list[dict[str, list[str]]] = []
        self.title = ""
        self._pre: list[str] | None = None
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        self.stack.append(tag)
        if tag == "slide":
            self.slides.append({"runnable": [], "text": []})
        if tag == "pre" and "runnable" in (dict(attrs).get("class") or "").split():
            self._pre = []
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()
        if tag == "pre" and self._pre is not None:
            self.slides[-1]["runnable"].append("".join(self._pre).strip())  # Browser takes textContent.trim()
            self._pre = None
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        if self._pre is not None:
            self._pre.append(data)
        elif self.slides:
            self.slides[-1]["text"].append(data)


def read_guide(text: str) -> GuideReader:
    reader = GuideReader()
    reader.feed(text)
    reader.close()
    return reader


# -- committed files ------------------------------------------------------------------

def test_committed_style_is_current(onto) -> None:
    path = KIT_DIR / STYLE_FILE
    assert path.exists(), f"browser/{STYLE_FILE} is missing: {FIX}"
    assert path.read_text(encoding="utf-8") == render_style(onto), f"browser/{STYLE_FILE} is stale: {FIX}"


def test_committed_guide_is_current(onto, queries) -> None:
    path = KIT_DIR / GUIDE_FILE
    assert path.exists(), f"browser/{GUIDE_FILE} is missing: {FIX}"
    assert path.read_text(encoding="utf-8") == render_guide(onto, queries), f"browser/{GUIDE_FILE} is stale: {FIX}"


def test_write_kit_writes_both_files(tmp_path, onto, queries) -> None:
    paths = write_kit(tmp_path / "out")
    assert [p.name for p in paths] == [STYLE_FILE, GUIDE_FILE]
    assert paths[0].read_text(encoding="utf-8") == render_style(onto)
    assert paths[1].read_text(encoding="utf-8") == render_guide(onto, queries)


# -- style ------------------------------------------------------------------------------

def test_every_label_and_relationship_type_has_a_rule_browser_can_read(onto) -> None:
    rules = browser_parse_grass(render_style(onto))
    for cls in onto.classes.values():
        rule = rules.get(f"node.{cls.name}")
        assert rule, f"no style rule for node label {cls.name}"
        assert re.fullmatch(r"#[0-9a-fA-F]{6}", rule["color"]) and re.fullmatch(r"#[0-9a-fA-F]{6}", rule["border-color"])
        assert re.fullmatch(r"\d+px", rule["diameter"]) and rule["caption"] == caption_of(onto, cls)
    for prop in onto.object_properties.values():
        assert rules[f"relationship.{prop.rel_type}"]["caption"] == "<type>"
    assert set(rules) == {"node", "relationship"} | {f"node.{c}" for c in onto.classes} | {
        f"relationship.{p.rel_type}" for p in onto.object_properties.values()}, "a rule Browser would misread"


def test_general_rules_come_before_specific_ones(onto) -> None:
    """Browser applies every rule matching a node's labels in file order, later wins: the most specific must be last."""
    order = list(browser_parse_grass(render_style(onto)))
    assert order[0] == "node"
    for cls in onto.classes.values():
        for ancestor in cls.ancestors:
            assert order.index(f"node.{ancestor}") < order.index(f"node.{cls.name}"), (ancestor, cls.name)


def test_each_label_has_its_own_colour_the_same_as_in_every_other_picture(onto) -> None:
    rules = browser_parse_grass(render_style(onto))
    colours = {c: rules[f"node.{c}"]["color"] for c in onto.classes}
    assert len(set(colours.values())) == len(colours), "two labels share a colour"
    palette = class_styles(onto)
    for name, colour in colours.items():
        assert colour == palette[name].colour, f"{name} is drawn differently in Browser and in the explorer"


def test_circles_keep_the_palettes_proportions_and_hold_their_captions(onto) -> None:
    """Browser keeps only ``caption_budget`` characters of a caption, cut without an ellipsis: Browser's
    circles are the explorer's, enlarged, a family shares one size, and an event's caption is never cut."""
    rules = browser_parse_grass(render_style(onto))
    palette = class_styles(onto)
    diameter = {c: int(rules[f"node.{c}"]["diameter"].removesuffix("px")) for c in onto.classes}
    font = int(rules["node"]["font-size"].removesuffix("px"))
    for cls in onto.classes.values():
        assert diameter[cls.name] == diameter[cls.root], f"{cls.name} is not the size of its family"
        assert diameter[cls.name] >= palette[cls.name].size
        caption = caption_of(onto, cls)
        if caption.endswith("{date}"):
            longest = caption.replace("{date}", "2025-11-13")
            assert caption_budget(diameter[cls.name], font) >= len(longest), f"Browser would cut '{longest}'"
    assert diameter["Actor"] > diameter["Place"] > diameter["Source"] > diameter["Evidence"]


def test_captions_come_from_the_properties_the_ontology_gives(onto) -> None:
    assert caption_of(onto, onto.cls("Contractor")) == "{name}"
    assert caption_of(onto, onto.cls("WeaponSystem")) == "{name}"
    assert caption_of(onto, onto.cls("Evidence")) == "{sentence}"
    assert caption_of(onto, onto.cls("Article")) == "{title}"
    assert caption_of(onto, onto.cls("ArmsSale")) == "Arms sale {date}"
    assert caption_of(onto, onto.cls("WeaponCategory")) == "{name}", "a category shows its name, not its id"
    for cls in onto.classes.values():
        assert not set(caption_of(onto, cls)) & set(";:'\""), "Browser's GraSS reader would cut this caption"


def test_a_class_added_to_the_ontology_gets_a_rule(tmp_path) -> None:
    for name in (ONTOLOGY_FILE, SHAPES_FILE):
        shutil.copy(ONTOLOGY_DIR / name, tmp_path / name)
    with (tmp_path / ONTOLOGY_FILE).open("a", encoding="utf-8") as ttl:
        ttl.write('\nakg:ArmsBroker a owl:Class ; rdfs:subClassOf akg:Contractor ; rdfs:label "Arms broker"@en .\n'
                  'akg:Treaty a owl:Class ; rdfs:label "Treaty"@en .\n')
    grown = parse_ontology(tmp_path)
    rules = browser_parse_grass(render_style(grown))
    order = list(rules)
    assert order.index("node.Contractor") < order.index("node.ArmsBroker")
    assert rules["node.ArmsBroker"]["caption"] == "{name}" and rules["node.Treaty"]["caption"] == "{id}"
    colours = [rules[f"node.{c}"]["color"] for c in grown.classes]
    assert len(set(colours)) == len(colours)


# -- guide --------------------------------------------------------------------------------

def test_every_query_has_a_slide_with_its_param_lines_and_text(onto, queries) -> None:
    guide = read_guide(render_guide(onto, queries))
    assert len(guide.slides) == len(queries) + 1
    assert guide.title.strip()
    for slide, query in zip(guide.slides[1:], queries.values(), strict=True):
        assert query.title in "".join(slide["text"])
        assert slide["runnable"] == runnable_commands(query)
        assert slide["runnable"][-1] == str(query.text).strip()
        if query.params:
            assert slide["runnable"][0] == param_command(query)
            assert all(f"{p.name}: " in param_command(query) for p in query.params)
    assert any(block.startswith(":style http") for block in guide.slides[0]["runnable"])


def test_map_params_work_in_browser(queries) -> None:
    """Browser keeps the numbers of a ``:param {...}`` map as floats, and LIMIT refuses 50.0:
    every query converts its integer parameters where Cypher needs an integer."""
    import re

    sales = queries["arms_sales"]
    assert param_command(sales).startswith(":param {buyer: null, ") and "limit: 50}" in param_command(sales)
    for query in queries.values():
        text = str(query.text)
        assert not re.search(r"\b(LIMIT|SKIP)\s+\$", text), f"{query.name}: use LIMIT toInteger($param) so Browser's floats work"


def test_guide_is_well_formed_html_that_browser_shows_unchanged(onto, queries) -> None:
    text = render_guide(onto, queries)
    guide = read_guide(text)
    assert guide.problems == [] and guide.stack == []
    assert browser_clean_html(text) == text, "Browser's sanitiser would alter the guide"
    for slide in guide.slides:
        for block in slide["runnable"]:
            assert not block.endswith((" null", ":null")), f"Browser ignores a click on a block ending in null: {block}"


def test_guide_escapes_what_it_quotes(onto) -> None:
    hostile = NamedQuery(
        name="odd", title="<script>alert(1)</script> & co", description='Uses "quotes" & <tags>',
        params=(QueryParam("who", "string", "O'Brien <b>", "a name with 'quotes' & <b>"),),
        examples=(":param {who: 'a<b'}",), text=Cypher("// <odd>\nMATCH (n) WHERE n.name <> $who RETURN n"),
        path=Path("odd.cypher"))
    text = render_guide(onto, {"odd": hostile})
    assert "<script>" not in text and "<b>" not in text and "<tags>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in text
    guide = read_guide(text)
    assert guide.problems == []
    assert guide.slides[1]["runnable"] == runnable_commands(hostile)
    assert guide.slides[1]["runnable"][0] == r":param {who: 'O\'Brien <b>'}"


# -- served over HTTP -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def client():
    return TestClient(create_app())  # not entered: the lifespan (and so the graph) is never opened


def test_router_serves_the_kit_to_browser_cross_origin(client, onto, queries) -> None:
    origin = {"Origin": "http://localhost:7474"}
    style = client.get(STYLE_PATH, headers=origin)
    assert style.status_code == 200 and style.headers["content-type"].startswith("text/plain")
    assert style.headers["access-control-allow-origin"] == "*"
    assert style.text == render_style(onto)
    guide = client.get(GUIDE_PATH, headers=origin)
    assert guide.status_code == 200 and guide.headers["content-type"].startswith("text/html")
    assert guide.headers["access-control-allow-origin"] == "*"
    assert guide.text == render_guide(onto, queries, api_url="http://testserver")


def test_router_answers_the_preflight_of_browsers_guide_request(client) -> None:
    """Browser asks for guides with Cache-Control and Pragma headers, which makes the web browser ask first."""
    response = client.options(GUIDE_PATH, headers={
        "Origin": "http://localhost:7474", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "cache-control,pragma"})
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == "*"
    assert "GET" in response.headers["access-control-allow-methods"]
    assert response.headers["access-control-allow-headers"] == "cache-control,pragma"


def test_only_the_kit_is_served_cross_origin(client) -> None:
    response = client.get("/openapi.json", headers={"Origin": "http://localhost:7474"})
    assert response.status_code == 200 and "access-control-allow-origin" not in response.headers
    paths = response.json()["paths"]
    for path in (STYLE_PATH, GUIDE_PATH):  # documented like every operation of the API (see test_api_schema)
        assert set(paths[path]) == {"get"}
        operation = paths[path]["get"]
        assert operation["summary"] and {"200", "404", "422"} <= set(operation["responses"])
