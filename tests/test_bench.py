"""kg bench on a tiny corpus: every figure is there and measures what it says (no speed is asserted here)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from kg import engine
from kg.bench import ENDPOINTS
from kg.cli import app
from kg.exit_codes import ExitCode
from loaders.synthetic import synthesize

runner = CliRunner()


def test_kg_bench_measures_every_writer_and_endpoint(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    result = runner.invoke(app, ["bench", "--facts", "600,1200", "--requests", "3", "--clients", "1,2", "--heap", "1g",
                                 "--workdir", str(tmp_path / "work"), "--out", str(out), "--json"])
    assert result.exit_code == ExitCode.OK, result.output
    data = json.loads(result.stdout)
    assert data == json.loads(out.read_text(encoding="utf-8"))
    assert data["machine"]["cpus"] >= 1 and data["command"].startswith("kg bench --facts 600,1200")
    small, large = data["loads"]
    for load in (small, large):
        assert load["facts"] == load["nodes"] + load["relationships"] > 0
        # The raw ceiling wrote exactly the graph the loader built, so the ratio compares like with like.
        assert (load["raw_nodes"], load["raw_relationships"]) == (load["nodes"], load["relationships"])
        assert 0 < load["check_seconds"] < load["seconds"] and 0 < load["write_seconds"] < load["seconds"]
        assert 0 < load["validation_share"] < 1 and load["ratio_to_raw"] > 0
        assert load["loader_peak_mb"] > 20 and load["engine_peak_mb"] > 50
        assert load["rdflib_neo4j_note"].startswith(("complete", "incomplete")), load["rdflib_neo4j_note"]
    assert large["sources"] > small["sources"] and large["facts"] > small["facts"]
    assert data["api_graph"]["events"] > 0 and data["api_peak_mb"] > 20
    timed = {(x["endpoint"], x["clients"]) for x in data["latencies"]}
    assert timed == {(e, n) for e in ENDPOINTS for n in (1, 2)}
    for x in data["latencies"]:
        assert x["errors"] == 0 and x["requests"] == 3 * x["clients"]
        assert 0 < x["p50_ms"] <= x["p95_ms"] <= x["p99_ms"]
    assert not list((tmp_path / "work").glob("engine-*")), "engines are stopped and removed"


def test_kg_bench_refuses_bad_sizes() -> None:
    result = runner.invoke(app, ["bench", "--facts", "ten"])
    assert result.exit_code == ExitCode.USAGE and "comma-separated list of whole numbers" in result.output


def test_kg_bench_api_times_every_endpoint_on_the_graph_the_engine_holds(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    synthesize(40, 1, corpus)
    with engine.scratch_engine(tmp_path / "engine") as kg:
        env = engine.environment(kg)
        assert runner.invoke(app, ["load", str(corpus), "--json"], env=env).exit_code == ExitCode.OK
        result = runner.invoke(app, ["bench", "api", "--requests", "2", "--clients", "1,2", "--json"], env=env)
    assert result.exit_code == ExitCode.OK, result.output
    data = json.loads(result.stdout)
    assert data["command"] == "kg bench api --seed 1 --requests 2 --clients 1,2" and data["loads"] == []
    assert data["api_graph"]["events"] > 0 and data["api_peak_mb"] > 20
    assert {(x["endpoint"], x["clients"]) for x in data["latencies"]} == {(e, n) for e in ENDPOINTS for n in (1, 2)}
    assert all(x["errors"] == 0 and x["requests"] == 2 * x["clients"] for x in data["latencies"])
    stopped = runner.invoke(app, ["bench", "api"], env=env)
    assert stopped.exit_code == ExitCode.UNREACHABLE and "kg engine start" in stopped.output
