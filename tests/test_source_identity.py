"""A load replaces a stored source only when it is the same source, or when asked to (issue: silent replacement).

An unrelated article saved under a stored source's file name used to replace it
silently. These tests load on both engines and read the graph to show that the
stored source survives a refused load, that the same source still updates, and
that ``--replace`` / ``?replace=true`` replace on purpose. They also cover the
upload's id checks: nothing is written outside a private temporary folder.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import cli_env
from pydantic import SecretStr
from test_api import KEY, make_client, problem

from kg.cypher import Cypher
from kg.graph import Graph
from kg.settings import Settings
from kg.store import SourceConflict

HEADERS = {"X-API-Key": KEY, "content-type": "application/yaml"}

ARTICLE = ("Taiwan will buy NASAMS air defence systems from the United States, the Defense Security Cooperation "
           "Agency said on 19 November 2025. The sale is worth $698.9 million.\n")
OTHER_ARTICLE = ("Romania signed a contract with Hanwha Aerospace for K9 self-propelled howitzers, the Romanian defence "
                 "ministry said on 12 September 2023.\n")
ANNOTATION = """\
article: {{id: {id}, date: {date}, text_file: {id}.txt}}
entities:
  - {{id: us, type: State, name: United States, iso_code: US}}
  - {{id: tw, type: State, name: Taiwan, iso_code: TW}}
  - {{id: nasams, type: WeaponSystem, name: NASAMS}}
events:
  - type: ArmsSale
    id: sale
    participants: [{{entity: us, role: seller}}, {{entity: tw, role: buyer}}]
    systems: [nasams]
    evidence: "{evidence}"
"""
_EVENTS_OF = Cypher("MATCH (e:Event {sourceId: $sourceId}) RETURN e.id AS id")


def annotated(folder: Path, source_id: str, text: str, date: str = "2025-11-19") -> Path:
    """An annotation file and its article text, side by side in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{source_id}.txt").write_text(text, encoding="utf-8")
    path = folder / f"{source_id}.yaml"
    path.write_text(ANNOTATION.format(id=source_id, date=date, evidence=text.split(". ")[0] + "."), encoding="utf-8")
    return path


def _events(graph: Graph, source_id: str) -> list[str]:
    return sorted(r["id"] for r in graph.read(_EVENTS_OF, sourceId=source_id))


def _kg(settings: Settings, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **cli_env(settings), "KG_REVIEW_DIR": str(tmp_path / "review"), "COLUMNS": "200"}
    return subprocess.run([str(Path(sys.executable).parent / "kg"), *args], capture_output=True, text=True, env=env,
                          timeout=300, cwd=tmp_path)


@pytest.fixture
def stored(loader, graph: Graph, tmp_path: Path):
    """A curated source with its text, loaded for one test and retracted after it."""
    folder = tmp_path / "curated"
    path = annotated(folder, "identity-nasams", ARTICLE)
    summary = loader.load([path])
    assert not summary.rejected and not summary.conflicts, [str(r) for r in summary.rejected]
    try:
        yield path
    finally:
        try:
            loader.unload("source:identity-nasams")
        except LookupError:
            pass


def test_an_unrelated_article_under_a_stored_sources_name_is_refused_and_the_stored_source_stays(
        settings: Settings, graph: Graph, stored: Path, tmp_path: Path) -> None:
    before = _events(graph, "source:identity-nasams")
    assert before, "the curated source stated no events"
    other = tmp_path / "downloads" / "identity-nasams.txt"
    other.parent.mkdir()
    other.write_text(OTHER_ARTICLE, encoding="utf-8")

    done = _kg(settings, tmp_path, "load", str(other))
    assert done.returncode == 8, done.stdout + done.stderr
    message = " ".join(done.stderr.split())
    assert "identity-nasams" in message and "different source" in message and "--replace" in message
    assert str(stored.with_suffix(".txt").resolve()) in message, message  # the stored source
    assert str(other) in message, message  # and the refused one
    assert f"{len(before)} event(s)" in message, message  # what replacing would retract
    assert "Traceback" not in done.stderr
    assert _events(graph, "source:identity-nasams") == before
    assert not list((tmp_path / "review").glob("identity-nasams*")), "the refused article's review files stayed"

    as_json = _kg(settings, tmp_path, "load", str(other), "--json")
    assert as_json.returncode == 8
    refused = json.loads(as_json.stdout)["refused_replacements"]
    assert [r["id"] for r in refused] == ["source:identity-nasams"] and refused[0]["would_retract_events"] == len(before)

    replaced = _kg(settings, tmp_path, "load", str(other), "--replace", "--json")
    assert replaced.returncode == 0, replaced.stdout + replaced.stderr
    assert json.loads(replaced.stdout)["sources"][0]["action"] == "updated"
    assert _events(graph, "source:identity-nasams") != before


def test_the_same_source_still_updates_and_an_unchanged_one_stays_unchanged(
        loader, graph: Graph, stored: Path) -> None:
    assert loader.load([stored]).reports[0].action == "unchanged"
    stored.write_text(stored.read_text(encoding="utf-8").replace("date: 2025-11-19", "date: 2025-11-20"), encoding="utf-8")
    assert loader.load([stored]).reports[0].action == "updated"  # the same file, edited
    copy = annotated(stored.parent.parent / "elsewhere", "identity-nasams", ARTICLE, date="2025-11-21")
    summary = loader.load([copy])  # another annotation of the same text, in another folder: the same source
    assert not summary.conflicts and summary.reports[0].action == "updated", [str(c) for c in summary.conflicts]


def test_another_file_without_text_or_url_under_the_same_id_is_a_conflict(loader, graph: Graph, tmp_path: Path) -> None:
    first = tmp_path / "a" / "identity-bare.yaml"
    second = tmp_path / "b" / "identity-bare.yaml"
    for path, system in ((first, "Quillon Lance"), (second, "Quillon Sabre")):
        path.parent.mkdir()
        path.write_text(_BARE.format(system=system), encoding="utf-8")
    assert loader.load([first]).reports[0].action == "created"
    try:
        summary = loader.load([second])
        assert summary.reports == [] and [c.source_id for c in summary.conflicts] == ["source:identity-bare"]
        assert "came from" in summary.conflicts[0].reason and str(first.resolve()) in summary.conflicts[0].reason
        (rows,) = loader.prepare(second)
        with pytest.raises(SourceConflict):
            loader.load_rows(rows)
        systems = graph.read(_SYSTEMS_OF, sourceId="source:identity-bare")
        assert [r["name"] for r in systems] == ["Quillon Lance"]
        assert loader.load([second], replace=True).reports[0].action == "updated"
        assert [r["name"] for r in graph.read(_SYSTEMS_OF, sourceId="source:identity-bare")] == ["Quillon Sabre"]
    finally:
        loader.unload("source:identity-bare")


_SYSTEMS_OF = Cypher("MATCH (e:Event {sourceId: $sourceId})-[:INVOLVES_SYSTEM]->(w) RETURN DISTINCT w.name AS name")

_BARE = """\
article: {{id: identity-bare, date: 2025-11-19}}
entities:
  - {{id: us, type: State, name: United States, iso_code: US}}
  - {{id: tw, type: State, name: Taiwan, iso_code: TW}}
  - {{id: sys, type: WeaponSystem, name: {system}}}
events:
  - type: ArmsSale
    id: sale
    participants: [{{entity: us, role: seller}}, {{entity: tw, role: buyer}}]
    systems: [sys]
    evidence: The United States sold {system} to Taiwan.
"""


def test_an_upload_naming_another_sources_id_is_a_409_and_replace_true_replaces(
        settings: Settings, graph: Graph, stored: Path) -> None:
    before = _events(graph, "source:identity-nasams")
    body = _BARE.replace("identity-bare", "identity-nasams").format(system="Quillon Sabre").replace(
        "date: 2025-11-19}", "date: 2025-11-19, url: 'https://example.org/other'}")
    with make_client(settings, graph, api_key=SecretStr(KEY)) as client:
        refused = client.post("/sources", content=body, headers=HEADERS)
        detail = problem(refused, 409)["detail"]
        assert "identity-nasams" in detail and "https://example.org/other" in detail and "?replace=true" in detail
        assert _events(graph, "source:identity-nasams") == before
        replaced = client.post("/sources", params={"replace": "true"}, content=body, headers=HEADERS)
        assert replaced.status_code == 200 and replaced.json()["action"] == "updated", replaced.text
    assert [r["name"] for r in graph.read(_SYSTEMS_OF, sourceId="source:identity-nasams")] == ["Quillon Sabre"]


@pytest.mark.parametrize("bad_id", ["../../escaped", "/tmp/escaped-absolute", "a\x00b", "x" * 121, "-leading", "new\nline"])
def test_upload_ids_are_checked_before_any_path_is_built_and_nothing_stays(settings: Settings, graph: Graph,
                                                                           bad_id: str) -> None:
    before = set(Path(tempfile.gettempdir()).glob("kg-upload-*"))
    body = _BARE.replace("id: identity-bare", "id: " + json.dumps(bad_id)).format(system="NASAMS")
    with make_client(settings, graph, api_key=SecretStr(KEY)) as client:
        in_body = client.post("/sources", content=body, headers=HEADERS)
        assert problem(in_body, 422)["detail"].startswith("article.id:"), in_body.text
        no_id = body.replace("id: " + json.dumps(bad_id) + ", ", "")
        as_param = client.post("/sources", params={"source_id": bad_id}, content=no_id, headers=HEADERS)
        problem(as_param, 422)
    assert set(Path(tempfile.gettempdir()).glob("kg-upload-*")) == before
    assert not Path("/tmp/escaped-absolute.yaml").exists() and not (Path(tempfile.gettempdir()).parent / "escaped.yaml").exists()


def test_a_refused_upload_leaves_no_file(settings: Settings, graph: Graph) -> None:
    before = set(Path(tempfile.gettempdir()).glob("kg-upload-*"))
    with make_client(settings, graph, api_key=SecretStr(KEY)) as client:
        refused = client.post("/sources", content="article: {id: identity-refused}\nentities: [{id: x, type: Nonsense, name: X}]\n",
                              headers=HEADERS)
        problem(refused, 422)
    assert set(Path(tempfile.gettempdir()).glob("kg-upload-*")) == before


def test_yaml_nested_thousands_deep_is_refused_not_a_500(settings: Settings, graph: Graph, tmp_path: Path) -> None:
    deep = "article: {id: identity-deep}\nentities: " + "[" * 20000 + "]" * 20000 + "\n"
    with make_client(settings, graph, api_key=SecretStr(KEY)) as client:
        response = client.post("/sources", content=deep, headers=HEADERS)
        assert response.status_code in (413, 422), response.text
        problem(response, response.status_code)
    path = tmp_path / "identity-deep.yaml"
    path.write_text(deep, encoding="utf-8")
    done = _kg(settings, tmp_path, "load", str(path))
    assert done.returncode == 1 and "nest" in done.stderr and "Traceback" not in done.stderr, done.stderr
