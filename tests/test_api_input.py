"""Odd input to the API and to `kg query`: unknown names, unknown parameters, impossible dates,
bad integers and forged cursors get a clear 404 / 422 problem+json naming the value (or a one-line
CLI error with exit 2), never a 500, a traceback or an answer that looks like "nothing found"."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys

import pytest
from conftest import cli_env, headless_chromium, running_api
from fastapi.testclient import TestClient

from kg.api.app import create_app
from kg.api.deps import MAX_OFFSET
from kg.graph import Graph
from kg.queries import load_queries
from kg.settings import Settings

QUERIES = load_queries()
BAD_INTEGERS = [-1, 0, 2**31, 2**63]


@pytest.fixture(scope="module")
def client(settings: Settings, graph: Graph, corpus):
    with TestClient(create_app(settings, graph=graph)) as c:
        yield c


def problem(response, status: int, *fragments: str) -> dict:
    """The problem+json body, checked: status, envelope, and every fragment in its detail."""
    assert response.status_code == status, (response.request.url, response.status_code, response.text[:500])
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status and body["title"] and body["type"].startswith("https://")
    for fragment in fragments:
        assert fragment in body["detail"], (fragment, body["detail"])
    return body


def cursor(payload: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


# -- unknown names and ids: 404 with the closest names ------------------------------------------


@pytest.mark.parametrize("parameter", ["buyer", "seller", "contractor"])
def test_a_misspelt_actor_in_sales_is_a_404_naming_it_with_the_closest_names(client: TestClient, parameter: str) -> None:
    body = problem(client.get("/sales", params={parameter: "Taiwn"}), 404, "'Taiwn'", f"query.{parameter}")
    assert body["suggestions"][0] == {"id": "state:TW", "name": "Taiwan"}
    assert body["errors"][0]["where"] == f"query.{parameter}" and body["errors"][0]["value"] == "Taiwn"
    # the same filter, spelt right, still answers (by id, by name and by a name a source used)
    for known in ("state:TW", "Taiwan", "TAIPEI"):
        assert client.get("/sales", params={parameter: known}).status_code == 200


def test_a_misspelt_system_in_sales_and_every_unknown_name_at_once(client: TestClient) -> None:
    body = problem(client.get("/sales", params={"system": "NASMS"}), 404, "'NASMS'")
    assert "system:nasams" in [s["id"] for s in body["suggestions"]]
    both = problem(client.get("/sales", params={"buyer": "Taiwn", "seller": "Untied Stats"}), 404, "'Taiwn'")
    assert {e["value"] for e in both["errors"]} == {"Taiwn", "Untied Stats"}


def test_unknown_path_ends_are_404s_naming_them(client: TestClient) -> None:
    body = problem(client.get("/paths", params={"from": "contractor:rtx", "to": "Taiwn"}), 404, "'Taiwn'", "query.to")
    assert body["suggestions"][0]["id"] == "state:TW"
    problem(client.get("/paths", params={"from": "Raytheon Technologis", "to": "Taiwan"}), 404, "'Raytheon Technologis'")
    assert client.get("/paths", params={"from": "contractor:rtx", "to": "taiwan", "max_hops": 2}).json()["items"]


@pytest.mark.parametrize("path", ["/entities/state:TWN/events", "/entities/state:TWN", "/entities/state:TWN/evidence",
                                  "/entities/state:TWN/neighbors"])
def test_an_unknown_entity_id_is_a_404_with_the_closest_ids(client: TestClient, path: str) -> None:
    body = problem(client.get(path), 404, "'state:TWN'")
    assert "state:TW" in [s["id"] for s in body["suggestions"]]


ENTITY_PARAMETERS = [(q.name, p.name) for q in QUERIES.values() for p in q.params if p.type == "entity"]


def test_every_named_query_parameter_that_names_an_actor_or_system_is_typed_entity() -> None:
    """The check below covers every such parameter only if the headers declare them: each query
    whose description resolves names by id or name declares at least one."""
    assert len(ENTITY_PARAMETERS) >= 15
    for q in QUERIES.values():
        if "canonical id or a name" in q.description or "canonical id or name" in q.description:
            assert any(p.type == "entity" for p in q.params), q.name


@pytest.mark.parametrize("query,parameter", ENTITY_PARAMETERS)
def test_an_unknown_name_in_any_named_query_is_a_404_naming_it(client: TestClient, query: str, parameter: str) -> None:
    body = problem(client.post(f"/queries/{query}", json={"params": {parameter: "Taiwn"}}), 404, "'Taiwn'", parameter)
    assert "state:TW" in [s["id"] for s in body["suggestions"]]
    assert client.post(f"/queries/{query}", json={"params": {parameter: "state:TW"}}).status_code == 200


# -- unknown parameters, impossible dates, bodies of the wrong shape: 422 -------------------------

GETS = ["/health", "/entities", "/entities/state:TW", "/entities/state:TW/evidence", "/entities/state:TW/neighbors",
        "/entities/state:TW/events", "/events/event:2025-11-19-nasams-taiwan:nasams-contract",
        "/events/event:2025-11-19-nasams-taiwan:nasams-contract/neighbors", "/sales", "/paths?from=contractor:rtx&to=state:TW",
        "/sources", "/sources/2025-11-19-nasams-taiwan", "/queries"]


@pytest.mark.parametrize("path", GETS)
def test_an_unknown_query_parameter_is_a_422_naming_it(client: TestClient, path: str) -> None:
    joiner = "&" if "?" in path else "?"
    assert client.get(path).status_code == 200
    body = problem(client.get(f"{path}{joiner}buyr=Taiwan&colour=red"), 422, "'buyr'", "'colour'")
    assert {e["where"] for e in body["errors"]} == {"query.buyr", "query.colour"}


@pytest.mark.parametrize("date", ["2025-13", "2025-02-30", "2025-00", "2023-02-29", "2025-1", "last year", "２０２５"])
@pytest.mark.parametrize("field", ["from", "to"])
def test_an_impossible_date_is_a_422_naming_it(client: TestClient, date: str, field: str) -> None:
    problem(client.get("/sales", params={field: date}), 422, f"query.{field}")
    problem(client.get("/entities/state:TW/events", params={field: date}), 422, f"query.{field}")
    for query in ("arms_sales", "actor_timeline", "suppliers_of_state"):
        problem(client.post(f"/queries/{query}", json={"params": {field: date}}), 422, f"'{field}'", repr(date))
    assert client.get("/sales", params={field: "2024-02-29"}).status_code == 200  # a leap day exists


@pytest.mark.parametrize("body", [{"parms": {"buyer": "state:TW"}}, {"params": {"buyer": "state:TW"}, "limit": 5},
                                  [], "arms_sales", {"params": []}, {"params": {"buyer": {"id": "state:TW"}}},
                                  {"params": {"buyer": ["state:TW"]}}, {"params": {"limit": True}}, {"params": {"buyer": 7}}])
def test_a_query_body_not_shaped_as_documented_is_a_422(client: TestClient, body: object) -> None:
    problem(client.post("/queries/arms_sales", json=body), 422)


def test_a_query_body_that_is_not_json_is_a_422(client: TestClient) -> None:
    problem(client.post("/queries/arms_sales", content=b"{params: ", headers={"content-type": "application/json"}), 422)


# -- integers and cursors: 422 on every endpoint and named query -------------------------------

LIMITED = ["/entities", "/entities/state:TW/evidence", "/entities/state:TW/neighbors", "/entities/state:TW/events",
           "/events/event:2025-11-19-nasams-taiwan:nasams-contract/neighbors", "/sales", "/paths?from=contractor:rtx&to=state:TW",
           "/sources"]


@pytest.mark.parametrize("value", BAD_INTEGERS + ["many", "1.5", "1e3", "-0x1"])
@pytest.mark.parametrize("path", LIMITED)
def test_a_negative_zero_huge_or_wrong_typed_limit_is_a_422_naming_it(client: TestClient, path: str, value: object) -> None:
    joiner = "&" if "?" in path else "?"
    body = problem(client.get(f"{path}{joiner}limit={value}"), 422, "query.limit")
    assert str(value) in body["detail"]
    if "neighbors" in path:
        problem(client.get(f"{path}{joiner}depth={value}"), 422, "query.depth")
    if path.startswith("/paths"):
        problem(client.get(f"{path}{joiner}max_hops={value}"), 422, "query.max_hops")


FORGED_CURSORS = {
    "random base64": base64.urlsafe_b64encode(os.urandom(24)).decode(),
    "not base64": "%%%not-base64!!",
    "json, not an object": cursor([1, 2]),
    "negative offset": cursor({"o": -5}),
    "huge offset": cursor({"o": 2**63}),
    "offset past the limit": cursor({"o": MAX_OFFSET + 1}),
    "offset as text": cursor({"o": "10"}),
    "offset as a float": cursor({"o": 1.5}),
    "key cursor on an offset endpoint": cursor({"k": "evidence:x"}),
    "empty key": cursor({"k": ""}),
}
PAGED = ["/entities", "/entities/state:TW/evidence", "/entities/state:TW/events", "/sales",
         "/paths?from=contractor:rtx&to=state:TW", "/sources"]


@pytest.mark.parametrize("forged", list(FORGED_CURSORS))
@pytest.mark.parametrize("path", PAGED)
def test_a_forged_cursor_is_a_422(client: TestClient, path: str, forged: str) -> None:
    joiner = "&" if "?" in path else "?"
    value = FORGED_CURSORS[forged]
    if path == "/entities/state:TW/evidence" and forged == "offset as text":
        return  # a key cursor carries text: this one is a valid key there (the page after key "10")
    if path == "/entities/state:TW/evidence" and forged == "key cursor on an offset endpoint":
        return  # the right kind of cursor here
    body = problem(client.get(f"{path}{joiner}cursor={value}"), 422, "cursor")
    assert body["errors"][0]["where"] == "query.cursor"


def test_a_cursor_at_the_largest_offset_is_an_empty_page(client: TestClient) -> None:
    for path in ("/entities", "/sales", "/sources", "/entities/state:TW/events"):
        body = client.get(path, params={"cursor": cursor({"o": MAX_OFFSET})}).json()
        assert body["items"] == [] and body["next_cursor"] is None, path


INTEGER_PARAMETERS = [(q.name, p.name) for q in QUERIES.values() for p in q.params if p.type == "integer"]


@pytest.mark.parametrize("value", BAD_INTEGERS + ["many", 1.5])
@pytest.mark.parametrize("query,parameter", INTEGER_PARAMETERS)
def test_a_bad_integer_in_any_named_query_is_a_422_naming_it(client: TestClient, query: str, parameter: str, value: object) -> None:
    body = problem(client.post(f"/queries/{query}", json={"params": {parameter: value}}), 422, f"'{parameter}'")
    assert body["errors"][0]["where"] == "body.params"


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "1e400", "-1"])
def test_a_float_that_is_not_finite_or_out_of_range_is_a_422(client: TestClient, value: str) -> None:
    problem(client.post("/queries/arms_sales", content=f'{{"params": {{"min_value": {value}}}}}',
                        headers={"content-type": "application/json"}), 422, "'min_value'")


def test_the_largest_integers_still_run(client: TestClient) -> None:
    for query, parameter in INTEGER_PARAMETERS:
        maximum = next(p for p in QUERIES[query].params if p.name == parameter).maximum
        response = client.post(f"/queries/{query}", json={"params": {parameter: int(maximum)}})
        assert response.status_code == 200, (query, parameter, response.text[:300])


# -- `kg query`: one line on stderr, exit 2 -----------------------------------------------------


def test_kg_query_refuses_bad_integers_on_every_named_query_in_one_line(settings: Settings) -> None:
    """Every integer parameter of every named query, each with one of the bad values in turn (a CLI
    run costs about a second, so not every value on every parameter: the API tests above do that)."""
    env = {**os.environ, **cli_env(settings), "COLUMNS": "100"}
    bad = ["-1", str(2**31), "many", "0", str(2**63), "1.5"]
    cases = [(query, parameter, bad[i % len(bad)]) for i, (query, parameter) in enumerate(INTEGER_PARAMETERS)]
    assert {value for _, _, value in cases} == set(bad) and {q for q, _, _ in cases} >= {q for q in QUERIES if q != "graph_overview"}
    cases.append(("arms_sales", "cursor", "eyJvIjogLTF9"))  # kg query has no cursor: an unknown parameter
    cases.append(("arms_sales", "from", "2025-02-30"))
    for query, parameter, value in cases:
        result = subprocess.run([sys.executable, "-m", "kg.cli", "query", query, "--param", f"{parameter}={value}"],
                                env=env, capture_output=True, text=True, timeout=60)
        assert result.returncode == 2, (query, parameter, value, result.stdout, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and f"'{parameter}'" in lines[0] and "Traceback" not in result.stderr, (query, parameter, result.stderr)
        assert result.stdout == ""


# -- the document: examples, typed responses, and /docs offline ---------------------------------


def test_every_parameter_has_an_example_and_every_endpoint_a_typed_response(client: TestClient) -> None:
    doc = client.app.openapi()
    schemas = doc["components"]["schemas"]
    operations = 0
    for path, methods in doc["paths"].items():
        for method, op in methods.items():
            operations += 1
            for p in op.get("parameters", []):
                assert p.get("example") is not None or p.get("examples") or p.get("schema", {}).get("examples"), \
                    f"{method} {path}: parameter {p['name']} has no example"
            body = op.get("requestBody", {}).get("content", {})
            for media, content in body.items():
                schema = content.get("schema", {})
                assert content.get("example") or content.get("examples") or "$ref" in schema, f"{method} {path}: {media} body"
            ok = [code for code in op["responses"] if code.startswith("2")]
            assert ok, f"{method} {path}"
            for code in ok:
                if code == "204":  # No Content: nothing to type
                    assert "content" not in op["responses"][code], f"{method} {path} 204 documents a body"
                    continue
                for media, content in op["responses"][code].get("content", {"none": {}}).items():
                    schema = content.get("schema", {})
                    if media.startswith("text/"):
                        assert schema.get("type") == "string", f"{method} {path} {code}"
                        continue
                    ref = schema.get("$ref") or schema.get("items", {}).get("$ref")
                    assert ref, f"{method} {path} {code}: the response has no model"
                    model = schemas[ref.rsplit("/", 1)[1]]
                    assert model.get("properties"), f"{method} {path} {code}: {ref} has no typed properties"
                    items = model["properties"].get("items", {}).get("items", {})
                    if "items" in model["properties"]:  # a page: its items are a model too, not a free-form object
                        assert "$ref" in items, f"{method} {path} {code}: the page's items are untyped"
    assert operations >= 15


def test_the_docs_page_renders_every_operation_offline(settings: Settings, graph: Graph, corpus) -> None:
    """Chromium opens /docs with every request to anything but the server refused: Swagger UI comes
    from the package, and lists every operation of the document."""
    with running_api(settings, graph) as url:
        import httpx

        doc = httpx.get(f"{url}/openapi.json").json()
        expected = sum(1 for methods in doc["paths"].values() for _ in methods)
        outside: list[str] = []
        with headless_chromium() as browser:
            page = browser.new_page()

            def only_the_server(route) -> None:
                if route.request.url.startswith(url):
                    route.continue_()
                else:
                    outside.append(route.request.url)
                    route.abort()

            page.route("**/*", only_the_server)
            page.goto(f"{url}/docs")
            page.wait_for_selector(".opblock", timeout=30_000)
            page.wait_for_function(f"document.querySelectorAll('.opblock').length >= {expected}", timeout=30_000)
            summaries = page.locator(".opblock .opblock-summary-path").all_inner_texts()
            title = page.locator(".information-container .title").inner_text()
            assert page.locator(".opblock").count() == expected
            page.close()
    assert outside == [], outside
    assert "Arms-trade knowledge graph" in title
    assert {"/sales", "/paths", "/queries/{name}"} <= {s.replace("\u200b", "") for s in summaries}


def test_the_docs_page_assets_are_the_pinned_swagger_ui_release_with_its_licence() -> None:
    """/docs is the npm release of swagger-ui-dist pinned in tools/web, copied unchanged into the
    package (npm run vendor), with its Apache-2.0 licence and notice beside it."""
    from kg.settings import PROJECT_ROOT

    web = PROJECT_ROOT / "tools" / "web"
    installed = web / "node_modules" / "swagger-ui-dist"
    assert installed.is_dir(), "run  npm ci --prefix tools/web"
    pinned = json.loads((web / "package.json").read_text())["dependencies"]["swagger-ui-dist"]
    assert json.loads((installed / "package.json").read_text())["version"] == pinned
    vendor = PROJECT_ROOT / "kg" / "web" / "static" / "vendor"
    for source, copy in [("swagger-ui-bundle.js", "swagger-ui-bundle.js"), ("swagger-ui.css", "swagger-ui.css"),
                         ("LICENSE", "swagger-ui.LICENSE"), ("NOTICE", "swagger-ui.NOTICE"),
                         ("swagger-ui-bundle.js.LICENSE.txt", "swagger-ui-bundle.js.LICENSE.txt")]:
        assert (vendor / copy).read_bytes() == (installed / source).read_bytes(), f"run  npm run vendor --prefix tools/web ({copy})"
    assert "Apache License" in (vendor / "swagger-ui.LICENSE").read_text()
