"""`kg extract`, `kg load ARTICLE.txt` and `kg eval --articles` share one extraction path.

What ``kg eval --articles`` scores is exactly what ``kg extract --out`` writes;
events the shapes refuse are listed in the written file's notes and counted in
the summary. Every sample article extracts without a crash (an official named
without a post crashed it), header keys the reader does not use are kept as the
source's metadata up to ``GET /sources/{id}``, and an unreadable ``date:`` is a
warning, never a guess.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from conftest import cli_env
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from kg.api.app import create_app
from kg.cli import app
from kg.cypher import Cypher
from kg.graph import Graph
from kg.ontology import load_ontology
from kg.settings import PROJECT_ROOT, Settings
from loaders.extraction.document import DROPPED_EVENT, WARNING
from loaders.validation import validate_file

runner = CliRunner()
DATA = PROJECT_ROOT / "data"
SAMPLE_FOLDERS = [DATA / "articles", DATA / "dev" / "articles", DATA / "heldout" / "articles"]
SAMPLES = sorted(p for folder in SAMPLE_FOLDERS for p in folder.glob("*.txt"))


def _notes(path: Path, kind: str) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith(f"# {kind}")]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> dict[Path, tuple[Path, dict]]:
    """`kg extract --out --json` on every sample article: article -> (the file written, the JSON summary)."""
    out = tmp_path_factory.mktemp("extracted")
    done = {}
    for article in SAMPLES:
        folder = out / article.parent.parent.name
        folder.mkdir(exist_ok=True)
        target = folder / f"{article.stem}.yaml"
        result = runner.invoke(app, ["extract", str(article), "--out", str(target), "--json"])
        assert result.exit_code == 0 and result.exception is None, (article, result.output)
        done[article] = (target, json.loads(result.stdout))
    return done


def test_every_sample_article_extracts_into_a_file_that_validates(extracted) -> None:
    assert len(extracted) == len(SAMPLES) >= 13
    onto = load_ontology()
    for article, (written, summary) in extracted.items():
        assert [v for v in validate_file(written, onto) if v.severity == "violation"] == [], article
        data = yaml.safe_load(written.read_text(encoding="utf-8"))
        assert (summary["entities"], summary["events"]) == (len(data["entities"]), len(data["events"])), article
        assert summary["dropped_events"] == len(_notes(written, DROPPED_EVENT)), article
        assert summary["warnings"] == [] and _notes(written, WARNING) == []


def test_eval_of_the_written_files_equals_eval_of_the_articles(extracted) -> None:
    dev = {a: v for a, v in extracted.items() if a.parent == DATA / "dev" / "articles"}
    [pred] = {written.parent for written, _ in dev.values()}
    by_files = runner.invoke(app, ["eval", "--gold", str(DATA / "dev" / "gold"), "--pred", str(pred), "--json"])
    by_articles = runner.invoke(app, ["eval", "--gold", str(DATA / "dev" / "gold"), "--articles", str(DATA / "dev" / "articles"),
                                      "--json"])
    assert by_files.exit_code == by_articles.exit_code == 0, by_files.output + by_articles.output
    files, articles = json.loads(by_files.stdout), json.loads(by_articles.stdout)
    for key in ("entities", "events", "per_type", "unpaired"):
        assert files[key] == articles[key], key
    assert [(f["id"], f["entities"], f["events"]) for f in files["per_file"]] == \
        [(f["id"], f["entities"], f["events"]) for f in articles["per_file"]]
    assert files["events"]["tp"] > 0 and files["entities"]["f1"] >= 0.84 and files["events"]["f1"] >= 0.48
    dropped = sum(summary["dropped_events"] for _, summary in dev.values())
    assert dropped == sum(len(_notes(written, DROPPED_EVENT)) for written, _ in dev.values())
    assert dropped > 0, "the dev set has events the shapes refuse; they must show in the notes"


HEADED = """\
title: Taiwan weighs more NASAMS
date: {date}
author: Jane Doe
section: Defence
language: en

Taiwan will buy three more NASAMS units from the United States, Koo said on Thursday.
"""


def test_header_keys_the_reader_does_not_use_are_kept_and_a_bad_date_is_a_warning(tmp_path: Path) -> None:
    article = tmp_path / "test-headed.txt"
    article.write_text(HEADED.format(date="the day after tomorrow"), encoding="utf-8")
    target = tmp_path / "test-headed.yaml"
    result = runner.invoke(app, ["extract", str(article), "--out", str(target), "--json"])
    assert result.exit_code == 0 and result.exception is None, result.output
    summary = json.loads(result.stdout)
    [warning] = summary["warnings"]
    assert warning.startswith(f"{article}:2: ") and "the day after tomorrow" in warning and "stays unknown" in warning
    assert "warning:" in result.stderr and "the day after tomorrow" in " ".join(result.stderr.split())
    data = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert "date" not in data["article"], "an unreadable date stays unknown: no guess"
    assert data["article"]["metadata"] == {"author": "Jane Doe", "section": "Defence", "language": "en"}
    assert _notes(target, WARNING) == [f"# {WARNING}: {warning}"]
    assert [v for v in validate_file(target, load_ontology()) if v.severity == "violation"] == []

    to_stdout = runner.invoke(app, ["extract", str(article), "--json"])
    assert to_stdout.exit_code == 0 and json.loads(to_stdout.stdout)["notes"] == [f"{WARNING}: {warning}"]


def test_an_official_named_without_a_post_extracts_and_loads(graph: Graph, settings: Settings, corpus: None,
                                                            tmp_path: Path) -> None:
    """"Koo said" names an official the reference knows, with no post in this text: it crashed both commands."""
    article = tmp_path / "test-koo-said.txt"
    article.write_text(HEADED.format(date="2025-11-20"), encoding="utf-8")
    titled = tmp_path / "test-koo-titled.txt"
    titled.write_text(HEADED.format(date="2025-11-20").replace("Koo said", "Defence Minister Wellington Koo said"), encoding="utf-8")
    officials = {}
    for text in (article, titled):
        result = runner.invoke(app, ["extract", str(text), "--out", str(tmp_path / f"{text.stem}.yaml")])
        assert result.exit_code == 0 and result.exception is None, result.output
        data = yaml.safe_load((tmp_path / f"{text.stem}.yaml").read_text(encoding="utf-8"))
        officials[text.stem] = [e for e in data["entities"] if e["type"] == "Official"]
    assert [o.get("post") for o in officials["test-koo-said"]] == [None], officials  # the case that crashed
    assert [o.get("post") for o in officials["test-koo-titled"]] == ["Defence Minister"], officials

    env = {**cli_env(settings), "KG_REVIEW_DIR": str(tmp_path / "review")}
    before = graph.counts()
    try:
        result = runner.invoke(app, ["load", str(article), "--min-confidence", "0", "--json"], env=env)
        assert result.exit_code == 0 and result.exception is None, result.output
        report = json.loads(result.stdout)
        assert report["rejected"] == [] and [s["id"] for s in report["sources"]] == ["source:test-koo-said"]
        mentioned = graph.read(Cypher("MATCH (:Source {id: 'source:test-koo-said'})<-[:FROM_SOURCE]-(:Evidence)-[:MENTIONS]->"
                                      "(o:Official) RETURN DISTINCT o.name AS name"))
        assert [r["name"] for r in mentioned] == ["Wellington Koo"]
        [source] = graph.read(Cypher("MATCH (s:Source {id: 'source:test-koo-said'}) RETURN s.metadata AS metadata"))
        assert sorted(source["metadata"]) == ["author: Jane Doe", "language: en", "section: Defence"]
        with TestClient(create_app(settings, graph=graph)) as client:
            shown = client.get("/sources/source:test-koo-said")
        assert shown.status_code == 200 and sorted(shown.json()["properties"]["metadata"]) == sorted(source["metadata"])
    finally:
        runner.invoke(app, ["unload", "test-koo-said"], env=env)
    assert graph.counts() == before
