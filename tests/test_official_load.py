"""Official sources through the CLI and the API, on both engines: the sample corpus loads with evidence on
every fact, Taiwan's sales show the NASAMS approval and contract with their official sources, a paragraph
the parser cannot read is reported with its position while the rest loads, and the parsers score on the
project's gold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from conftest import cli_env, engine_name, private_graph
from test_api import make_client
from test_load import in_use, snapshot
from typer.testing import CliRunner

from kg.cli import app
from kg.cypher import Cypher
from kg.exit_codes import ExitCode
from kg.graph import Graph
from kg.settings import PROJECT_ROOT

runner = CliRunner()
OFFICIAL = PROJECT_ROOT / "data" / "official"
FOLDERS = [OFFICIAL / kind for kind in ("dsca", "transmittals", "dod-contracts", "sipri")]
LAYOUTS = Path(__file__).parent / "fixtures" / "official-layouts"
AWARD = ("Raytheon Co., Andover, Massachusetts, was awarded a $698,948,760 firm-fixed-price contract for the procurement "
         "of National Advanced Surface-to-Air Missile System fire units. Work will be performed in Andover, "
         "Massachusetts, with an estimated completion date of Feb. 28, 2031. Fiscal 2026 foreign military sales "
         "(Taiwan) funds in the amount of $698,948,760 were obligated at the time of the award. Army Contracting "
         "Command, Redstone Arsenal, Alabama, is the contracting activity (W31P4Q-26-C-0011).")
BROKEN = ("Example Widgets Inc., Huntsville, Alabama, was awarded a contract for spare parts. Army Contracting Command, "
          "Redstone Arsenal, Alabama, is the contracting activity.")


def _load(settings, *args: str) -> tuple[int, dict]:
    result = runner.invoke(app, ["load", *args, "--json"], env=cli_env(settings))
    return result.exit_code, (json.loads(result.stdout) if result.stdout.strip().startswith("{") else {"output": result.output})


def _unload(settings, report: dict) -> None:
    for source in report.get("sources", []):
        runner.invoke(app, ["unload", source["id"]], env=cli_env(settings))


@pytest.fixture
def official_corpus(settings):
    """The official corpus loaded through `kg load` for one test, unloaded after it."""
    code, report = _load(settings, *map(str, FOLDERS))
    try:
        yield code, report
    finally:
        _unload(settings, report)


def test_the_official_corpus_loads_with_evidence_on_every_fact_and_again_changes_nothing(settings, graph, official_corpus) -> None:
    code, report = official_corpus
    files = [p for folder in FOLDERS for p in folder.iterdir() if p.suffix in (".txt", ".csv")]
    assert code == ExitCode.OK and report["rejected"] == [], report
    assert len(report["sources"]) == len(files) >= 30 and {s["action"] for s in report["sources"]} == {"created"}
    ids = [s["id"] for s in report["sources"]]
    rows = graph.read(Cypher("""
        MATCH (e:Event) WHERE e.sourceId IN $ids
        OPTIONAL MATCH (e)-[:EVIDENCED_BY]->(ev:Evidence)-[:FROM_SOURCE]->(s:Source)
        RETURN e.id AS id, e.sourceId AS source, ev.method AS method, ev.sentence AS sentence, ev.confidence AS confidence,
               s.id AS from, s.metadata AS metadata"""), ids=ids)
    assert len(rows) > 100
    for row in rows:
        assert row["sentence"] and row["from"] == row["source"], row
        assert row["method"].startswith("parser:") and 0 < row["confidence"] <= 1, row
        assert any(m.startswith("kind: ") for m in row["metadata"]), row
    kinds = {m for row in rows for m in row["metadata"] if m.startswith("kind: ")}
    assert kinds == {"kind: dsca", "kind: transmittal", "kind: dod-contracts", "kind: sipri-csv"}
    code, again = _load(settings, *map(str, FOLDERS))
    assert code == ExitCode.OK and {s["action"] for s in again["sources"]} == {"unchanged"}


def test_taiwan_sales_show_the_nasams_approval_and_contract_with_their_official_sources(settings, graph, official_corpus) -> None:
    with make_client(settings, graph) as client:
        sales = client.get("/sales", params={"buyer": "Taiwan", "system": "NASAMS", "limit": 50})
        approval = next(sale for sale in sales.json()["items"] if "source:2024-10-25-dsca-taiwan-nasams" in sale["sourceIds"])
        stage_id = next(s["id"] for s in approval["stages"] if s["type"] == "SaleApproval")
        detail = client.get(f"/events/{stage_id}").json()
    assert sales.status_code == 200, sales.text
    stages = {(stage["type"], stage["sourceId"]) for sale in sales.json()["items"] for stage in sale["stages"]}
    assert ("SaleApproval", "source:2024-10-25-dsca-taiwan-nasams") in stages
    assert ("ContractAward", "source:2025-11-17-dod-contracts") in stages
    assert approval["status"] == "approved" and approval["value"] == 1160000000 and approval["currency"] == "USD"
    assert {b["id"] for b in approval["buyers"]} == {"state:TW"} and {s["id"] for s in approval["sellers"]} == {"state:US"}
    assert approval["evidence"] and "NASAMS" in " ".join(e["sentence"] for e in approval["evidence"])
    assert "contractor:rtx" in {p["id"] for p in detail["participants"] if p["role"] == "contractor"}
    assert any(item.startswith("3 × National Advanced Surface-to-Air Missile System") for item in detail["line_items"]), detail["line_items"]
    assert "purchaser_as_named: Taipei Economic and Cultural Representative Office in the United States" in detail["details"]
    assert detail["evidence"] and all(e["source_id"] == "source:2024-10-25-dsca-taiwan-nasams" for e in detail["evidence"])


SIPRI = "source:2026-12-07-sipri-trade-register-year-range"
#: Every entry of a relationship's evidenceIds that names evidence the graph does not hold.
DANGLING_EVIDENCE = Cypher("""
    MATCH (a)-[r]->(b) WHERE r.evidenceIds IS NOT NULL UNWIND r.evidenceIds AS id
    OPTIONAL MATCH (ev:Evidence {id: id}) WITH a, r, b, id, ev WHERE ev IS NULL
    RETURN a.id AS start, type(r) AS type, b.id AS end, id""")
NASAMS_CATEGORY = Cypher("MATCH (:WeaponSystem {id: 'system:nasams'})-[r:CATEGORY]->(:WeaponCategory {id: 'category:AirDefence'}) "
                         "RETURN r.sourceIds AS sources, r.evidenceIds AS evidence")


def test_unloading_a_source_takes_its_evidence_off_the_relationships_it_shares_and_the_export_loads(
        settings, graph: Graph, sample, official_corpus, tmp_path: Path) -> None:
    """The SIPRI register and the NASAMS article both say NASAMS is air defence: unloading the register
    leaves the article's statement with the article's evidence only, so the export names no evidence
    the graph has lost and loads into an empty graph as the same graph."""
    code, report = official_corpus
    assert code == ExitCode.OK and SIPRI in {s["id"] for s in report["sources"]}, report
    [shared] = graph.read(NASAMS_CATEGORY)
    assert sorted(shared["sources"]) == ["source:2025-11-19-nasams-taiwan", SIPRI], shared
    assert graph.read(DANGLING_EVIDENCE) == []

    unloaded = runner.invoke(app, ["unload", SIPRI], env=cli_env(settings))
    assert unloaded.exit_code == ExitCode.OK, unloaded.output
    assert graph.read(DANGLING_EVIDENCE) == []
    assert graph.read(NASAMS_CATEGORY) == [{"sources": ["source:2025-11-19-nasams-taiwan"],
                                            "evidence": ["evidence:2025-11-19-nasams-taiwan:mention-nasams"]}]

    exported = tmp_path / "export.ttl"
    result = runner.invoke(app, ["export", "--format", "turtle", "-o", str(exported)], env=cli_env(settings))
    assert result.exit_code == ExitCode.OK, result.output
    from loaders.pipeline import Loader

    with private_graph(engine_name(settings), tmp_path / "empty-engine") as fresh, Graph.open(fresh) as empty:
        summary = Loader(empty).load([exported])
        assert not summary.rejected, [str(r) for r in summary.rejected]
        assert in_use(snapshot(empty)) == in_use(snapshot(graph))


def test_a_paragraph_the_parser_cannot_read_is_reported_with_its_position_and_the_rest_loads(settings, graph, tmp_path) -> None:
    page = tmp_path / "2031-01-02-dod-contracts.txt"
    page.write_text(f"date: 2031-01-02\n\nContracts For Jan. 2, 2031\n\nARMY\n\n{AWARD}\n\n{BROKEN}\n\n*Small business\n",
                    encoding="utf-8")
    code, report = _load(settings, str(page))
    try:
        assert code == ExitCode.OK, report
        [source] = report["sources"]
        assert source["id"] == "source:2031-01-02-dod-contracts" and source["action"] == "created"
        problems = [w for w in source["warnings"] if "not parsed" in w]
        assert len(problems) == 1 and "paragraph 4 (line 9)" in problems[0], source["warnings"]
        awards = graph.read(Cypher("MATCH (e:ContractAward {sourceId: $s})-[:CONTRACTOR]->(c) RETURN c.id AS c, e.amount AS amount"),
                            s=source["id"])
        assert awards == [{"c": "contractor:raytheon", "amount": 698948760}]
    finally:
        _unload(settings, report)


def test_a_kind_that_does_not_exist_or_does_not_fit_is_refused_by_name(settings, tmp_path) -> None:
    news = tmp_path / "news.txt"
    news.write_text("Taiwan bought missiles, a minister said on Monday.\n", encoding="utf-8")
    result = runner.invoke(app, ["load", str(news), "--kind", "memo"], env=cli_env(settings))
    assert result.exit_code == ExitCode.USAGE and "--kind 'memo' is not a kind of source" in result.output
    code, report = _load(settings, str(news), "--kind", "dod-contracts")
    assert code == ExitCode.PROBLEM and report["sources"] == [], report
    [rejected] = report["rejected"]
    assert rejected["file"] == str(news) and "the dod-contracts parser found nothing to load" in rejected["problems"][0]["message"]


def test_extract_writes_the_annotation_and_the_text_of_a_saved_page(tmp_path: Path) -> None:
    source = OFFICIAL / "dsca" / "2024-10-25-dsca-taiwan-nasams.txt"
    body = source.read_text(encoding="utf-8").split("\n\n", 1)[1]
    page = tmp_path / "release.html"
    page.write_text("<html><head><title>TECRO – NASAMS</title></head><body>"
                    + "".join(f"<p>{p}</p>" for p in body.split("\n\n")) + "</body></html>", encoding="utf-8")
    out = tmp_path / "out" / "release.yaml"
    out.parent.mkdir()
    result = runner.invoke(app, ["extract", str(page), "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["kind"] == "dsca" and summary["events"] >= 2 and summary["out"] == str(out)
    assert (out.parent / "release.text").read_text(encoding="utf-8").startswith("Taipei Economic")
    assert "text_file: release.text" in out.read_text(encoding="utf-8")
    validated = runner.invoke(app, ["validate", str(out), "--json"])
    assert validated.exit_code == 0, validated.output
    as_text = runner.invoke(app, ["extract", str(source), "--out", str(tmp_path / "nasams.yaml")])
    assert as_text.exit_code == 0, as_text.output
    written = yaml.safe_load((tmp_path / "nasams.yaml").read_text(encoding="utf-8"))
    assert (tmp_path / written["article"]["text_file"]).resolve() == source.resolve()  # the text itself, no copy
    assert not (tmp_path / "nasams.txt").exists()


@pytest.mark.parametrize("folder", [OFFICIAL, LAYOUTS], ids=["corpus", "layouts"])
def test_each_kind_scores_at_least_095_on_the_fields_of_the_projects_gold(folder: Path) -> None:
    gold = OFFICIAL / "gold" if folder == OFFICIAL else LAYOUTS
    result = runner.invoke(app, ["eval", "--gold", str(gold), "--official", str(folder), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["missing_prediction"] == [] and report["without_gold"] == []
    expected = {"dsca", "transmittal", "dod-contracts", "sipri-csv", "all"} if folder == OFFICIAL else {"dod-contracts", "all"}
    assert set(report["kinds"]) == expected
    for kind, scores in report["kinds"].items():
        assert scores["overall"]["f1"] >= 0.95, (kind, scores)


def test_extract_refuses_to_write_over_its_input_or_into_a_missing_folder_and_writes_to_stdout(tmp_path: Path) -> None:
    source = tmp_path / "2024-10-25-dsca-taiwan-nasams.txt"
    source.write_bytes((OFFICIAL / "dsca" / source.name).read_bytes())
    same = runner.invoke(app, ["extract", str(source), "--out", str(source)])
    assert same.exit_code == ExitCode.USAGE and "is the file being read" in same.output
    assert source.read_bytes() == (OFFICIAL / "dsca" / source.name).read_bytes()
    nowhere = runner.invoke(app, ["extract", str(source), "--out", str(tmp_path / "missing" / "x.yaml")])
    assert nowhere.exit_code == ExitCode.USAGE and "does not exist" in nowhere.output
    stdout = runner.invoke(app, ["extract", str(source), "--out", "-"])
    assert stdout.exit_code == 0 and "SaleApproval" in stdout.stdout and not (Path.cwd() / "-").exists()
    dated = runner.invoke(app, ["extract", str(source), "--date", "2020-01-01"])
    assert dated.exit_code == ExitCode.USAGE and "--date and --use-graph are for news articles" in dated.output


def test_extract_keeps_an_unrelated_text_beside_the_annotation(tmp_path: Path) -> None:
    page = tmp_path / "release.html"
    body = (OFFICIAL / "dsca" / "2024-10-25-dsca-taiwan-nasams.txt").read_text(encoding="utf-8").split("\n\n", 1)[1]
    page.write_text("<html><body>" + "".join(f"<p>{p}</p>" for p in body.split("\n\n")) + "</body></html>", encoding="utf-8")
    mine = tmp_path / "release.text"
    mine.write_text("my own notes\n", encoding="utf-8")
    refused = runner.invoke(app, ["extract", str(page), "--out", str(tmp_path / "release.yaml")])
    assert refused.exit_code == ExitCode.USAGE and "release.text exists and is not the text of" in refused.output
    assert mine.read_text(encoding="utf-8") == "my own notes\n" and not (tmp_path / "release.yaml").exists()
    mine.unlink()
    for _ in range(2):  # writing the same text again is harmless
        assert runner.invoke(app, ["extract", str(page), "--out", str(tmp_path / "release.yaml")]).exit_code == 0


def test_a_broken_pdf_says_why_in_extract_and_eval_counts_what_it_could_not_read(tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 not really a PDF")
    result = runner.invoke(app, ["extract", str(broken)])
    assert result.exit_code == ExitCode.USAGE and "broken.pdf: cannot read the PDF" in result.output
    folder = tmp_path / "official"
    folder.mkdir()
    (folder / "2024-10-25-dsca-taiwan-nasams.txt").write_bytes((OFFICIAL / "dsca" / "2024-10-25-dsca-taiwan-nasams.txt").read_bytes())
    (folder / "broken.pdf").write_bytes(broken.read_bytes())
    scored = runner.invoke(app, ["eval", "--gold", str(OFFICIAL / "gold"), "--official", str(folder), "--json"])
    assert scored.exit_code == ExitCode.PROBLEM, scored.output
    report = json.loads(scored.stdout)
    assert report["not_parsed"] == [str(folder / "broken.pdf")]
    assert len(report["missing_prediction"]) >= 30  # every other gold document counts as missed, not as nothing
    assert report["kinds"]["all"]["overall"]["recall"] < 0.2 and report["kinds"]["dsca"]["files"] == 14


def test_a_folder_with_a_broken_pdf_and_three_sources_of_one_id_loads_the_rest_and_says_why(settings, tmp_path) -> None:
    folder = tmp_path / "in"
    for sub in ("a", "b", "c"):
        (folder / sub).mkdir(parents=True)
        (folder / sub / "test-same-id.yaml").write_text(
            f"article: {{id: test-same-id, title: copy {sub}}}\nentities:\n  - {{id: tw, type: State, name: Taiwan,"
            f" evidence: 'Taiwan {sub}.'}}\nevents: []\n", encoding="utf-8")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 not really a PDF")
    code, report = _load(settings, str(folder))
    try:
        assert code == ExitCode.REPLACE_REFUSED, report  # refusals outrank rejections in the exit code
        assert [s["id"] for s in report["sources"]] == ["source:test-same-id"]
        assert len(report["refused_replacements"]) == 2
        [rejected] = report["rejected"]
        assert rejected["file"].endswith("broken.pdf") and "cannot read the PDF" in rejected["problems"][0]["message"]
    finally:
        _unload(settings, report)
