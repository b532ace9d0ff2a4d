"""kg bench on a tiny corpus: every figure is there and measures what it says (no speed is asserted here)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
import rdflib_neo4j
from neo4j.exceptions import TransientError
from typer.testing import CliRunner

from kg.bench import ENDPOINTS, _peak_mb_of_pid, _peak_mb_of_tree, _run_measured, neo4j_pagecache
from kg.bench import rdflib_neo4j as write_with_rdflib_neo4j
from kg.cli import app
from kg.engines.arcadedb import server as engine
from kg.engines.neo4j import server as neo4j_engine
from kg.exit_codes import ExitCode
from kg.graph import Graph
from kg.settings import PROJECT_ROOT, Settings
from kg.store import Store
from loaders import pipeline
from loaders.synthetic import synthesize

runner = CliRunner()


@pytest.mark.parametrize("engine_name", ["arcadedb", "neo4j"])
def test_kg_bench_measures_every_writer_and_endpoint(engine_name: str, tmp_path: Path) -> None:
    """Every step's fresh graphs are engines of the kind --engine names: on Neo4j, the engine
    rdflib-neo4j was made for, the raw ceiling and rdflib-neo4j write the same graph as our load.
    On Neo4j one size (each fresh graph is a server to start), on ArcadeDB two."""
    out = tmp_path / "bench.json"
    sizes = "600" if engine_name == "neo4j" else "600,1200"
    result = runner.invoke(app, ["bench", "--engine", engine_name, "--facts", sizes, "--requests", "3",
                                 "--clients", "1,2", "--heap", "1g", "--workdir", str(tmp_path / "work"),
                                 "--out", str(out), "--json"])
    assert result.exit_code == ExitCode.OK, result.output
    data = json.loads(result.stdout)
    assert data == json.loads(out.read_text(encoding="utf-8"))
    assert data["machine"]["cpus"] >= 1 and data["command"].startswith(f"kg bench --engine {engine_name} --facts {sizes} ")
    assert data["machine"]["engine_name"] == engine_name and data["machine"]["engine_heap"] == "1g"
    if engine_name == "neo4j":  # the version the server itself reports
        assert data["machine"]["engine"].startswith("neo4j kernel 5.") and data["machine"]["engine_pagecache"] == "512m"
    else:
        assert data["machine"]["engine"].startswith("arcadedb-embedded ")
    loads = data["loads"]
    assert [load["target_facts"] for load in loads] == [int(size) for size in sizes.split(",")]
    for load in loads:
        assert load["facts"] == load["nodes"] + load["relationships"] > 0
        # The raw ceiling wrote exactly the graph the loader built, so the ratio compares like with like.
        assert (load["raw_nodes"], load["raw_relationships"]) == (load["nodes"], load["relationships"])
        assert 0 < load["check_seconds"] < load["seconds"] and 0 < load["write_seconds"] < load["seconds"]
        # The loader's CPU holds its checking; with the engine's it fits the machine's cores.
        assert load["check_seconds"] < load["loader_cpu_seconds"] and load["engine_cpu_seconds"] > 0
        assert 0 < load["cores_busy"] <= data["machine"]["cpus"] + 0.1 and 0 < load["check_share_of_cpu"] < 1
        assert 0 < load["validation_share"] < 1 and load["ratio_to_raw"] > 0
        assert load["loader_peak_mb"] > 20 and load["engine_peak_mb"] > 50
        assert load["rdflib_neo4j_note"].startswith(("complete", "incomplete")), load["rdflib_neo4j_note"]
        if engine_name == "neo4j":  # made for Neo4j: there it writes every resource, at the first attempt
            assert load["rdflib_neo4j_note"].startswith("complete: ") and "attempt" not in load["rdflib_neo4j_note"]
            assert load["rdflib_neo4j_seconds"] > 0 and load["ratio_to_rdflib_neo4j"] > 0
    if len(loads) == 2:
        small, large = loads
        assert large["sources"] > small["sources"] and large["facts"] > small["facts"]
    assert data["api_graph"]["events"] > 0 and data["api_peak_mb"] > 20
    timed = {(x["endpoint"], x["clients"]) for x in data["latencies"]}
    assert timed == {(e, n) for e in ENDPOINTS for n in (1, 2)}
    for x in data["latencies"]:
        assert x["errors"] == 0 and x["requests"] == 3 * x["clients"]
        assert 0 < x["p50_ms"] <= x["p95_ms"] <= x["p99_ms"]
    assert not list((tmp_path / "work").glob("engine-*")), "engines are stopped and removed"


def _store_refused_on_close(times: int) -> type:
    """rdflib-neo4j's store, whose first ``times`` runs write everything and then meet the engine's refusal."""
    runs: list[int] = []

    class Refused(rdflib_neo4j.Neo4jStore):
        def close(self, commit_pending_transaction: bool = True) -> None:
            super().close(commit_pending_transaction)
            runs.append(1)
            if len(runs) <= times:
                raise TransientError("Record #1:153 was modified by a concurrent transaction between its read and its update")

    return Refused


# The refusal is injected, so what this proves (another attempt on a fresh engine, the figure of
# the attempt that completed) does not depend on the engine; rdflib-neo4j on Neo4j itself is run
# by test_kg_bench_measures_every_writer_and_endpoint[neo4j].
@pytest.mark.engines("arcadedb")
@pytest.mark.usefixtures("corpus")
def test_rdflib_neo4j_is_run_again_on_a_fresh_engine_when_the_engine_refuses_a_write(
        settings: Settings, graph: Graph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On fresh engines of the session graph's kind (rdflib-neo4j writes in auto-commit and does not
    retry; a refusal, even on Neo4j, says nothing about its speed)."""
    kind = "neo4j" if settings.local_neo4j else "arcadedb"
    nodes, rels = Store(graph).dump()
    monkeypatch.setattr(rdflib_neo4j, "Neo4jStore", _store_refused_on_close(1))
    seconds, note = write_with_rdflib_neo4j(nodes, rels, tmp_path, "1g", attempts=2, engine_name=kind)
    # The figure is the second run's, which wrote every resource into an engine of its own.
    assert seconds and seconds > 0
    assert note.startswith("complete: ") and note.endswith(")"), note
    assert "(attempt 2; refused before: attempt 1: TransientError: Record #1:153 was modified" in note
    assert not list(tmp_path.glob("engine-*")), "every attempt's engine is stopped and removed"

    monkeypatch.setattr(rdflib_neo4j, "Neo4jStore", _store_refused_on_close(2))
    seconds, note = write_with_rdflib_neo4j(nodes, rels, tmp_path, "1g", attempts=2, engine_name=kind)
    assert seconds is None
    against = "Neo4j" if kind == "neo4j" else "the embedded engine"
    assert note.startswith(f"failed against {against} 2 times: attempt 1: TransientError"), note
    assert "; attempt 2: TransientError" in note


def test_a_measured_childs_peak_memory_is_its_own_not_the_bench_processes() -> None:
    """Linux counts a parent's memory at exec in its child's ru_maxrss; the loader's peak must not
    include what the bench process holds (its graph dumps)."""
    ballast = b"\x01" * (400 << 20)  # 400 MB the bench process holds, touched
    child = "import sys; block = b'x' * (60 << 20); sys.stdout.write('done'); sys.exit(1)"
    measured = _run_measured([sys.executable, "-c", child], dict(os.environ))
    assert measured.stdout == "done" and measured.seconds > 0
    assert 60 < measured.peak_mb < 200, measured.peak_mb  # the child's 60 MB block and its interpreter, not the 400 MB
    assert len(ballast) == 400 << 20
    with pytest.raises(RuntimeError, match=r"failed \(3\)"):
        _run_measured([sys.executable, "-c", "import sys; sys.exit(3)"], dict(os.environ))


def test_a_measured_childs_cpu_counts_the_processes_it_waited_for() -> None:
    """The loader checks in worker processes: its CPU must include theirs, and not count waiting."""
    burn = "import time; end = time.process_time() + 0.6\nwhile time.process_time() < end: pass"
    child = f"import subprocess, sys, time; subprocess.run([sys.executable, '-c', {burn!r}]); time.sleep(1.5)"
    measured = _run_measured([sys.executable, "-c", child], dict(os.environ))
    assert 0.6 <= measured.cpu_seconds < measured.seconds - 1.0, measured


def test_the_loaders_checking_time_is_cpu_not_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    """The checking processes share the cores with the writer and the engine: time spent waiting
    for a core (here, asleep) is not checking, or checking's share of the load would be overstated."""
    def waits(path: Path, onto: object, resolver: object, kind: str | None = None) -> list[object]:
        time.sleep(0.3)
        return []

    monkeypatch.setattr(pipeline, "prepare_file", waits)
    result, seconds = pipeline._timed_prepare(Path("waits.yaml"), None, None)  # type: ignore[arg-type]
    assert result == [] and 0 <= seconds < 0.1, seconds


def test_the_apis_peak_memory_counts_its_worker_processes() -> None:
    """kg serve with workers is a small supervisor over the processes doing the work: the API's
    peak is theirs too, summed."""
    child = "import time; block = b'x' * (60 << 20); print('ready', flush=True); time.sleep(60)"
    parent = subprocess.Popen([sys.executable, "-c", f"import subprocess, sys; subprocess.run([sys.executable, '-c', {child!r}])"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout is not None and parent.stdout.readline().strip() == "ready"
        alone, tree = _peak_mb_of_pid(parent.pid), _peak_mb_of_tree(parent.pid)
        assert alone < 60 and tree > alone + 60, (alone, tree)
    finally:
        for process in [*psutil.Process(parent.pid).children(recursive=True), psutil.Process(parent.pid)]:
            process.kill()
        parent.wait(10)


def test_kg_bench_refuses_bad_sizes() -> None:
    result = runner.invoke(app, ["bench", "--facts", "ten"])
    assert result.exit_code == ExitCode.USAGE and "comma-separated list of whole numbers" in result.output


def test_kg_bench_refuses_an_unknown_engine() -> None:
    for args in (["bench", "--engine", "sqlite"], ["bench", "api", "--engine", "sqlite"]):
        result = runner.invoke(app, args)
        assert result.exit_code == ExitCode.USAGE and "sqlite" in result.output, result.output


def test_kg_bench_extract_does_the_work_of_kg_extract_out() -> None:
    """Every article measured is read, extracted, checked against the shapes (what they refuse left out, as
    `kg extract --out` leaves it out) and written; the first one, before the clock, pays for the start."""
    from loaders.extraction.document import extract_document

    folder = PROJECT_ROOT / "data" / "articles"
    result = runner.invoke(app, ["bench", "extract", str(folder), "--repeat", "2", "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    articles = sorted(folder.glob("*.txt"))
    assert figures["articles"] == 2 * len(articles) >= 2
    assert figures["events_left_out"] == sum(len(extract_document(a).dropped_events) for a in articles) > 0
    assert figures["warm_up_seconds"] > 0 and figures["articles_per_second"] > 0 and figures["articles_per_cpu_second"] > 0
    assert figures["cpu_seconds"] <= figures["seconds"] * 1.1  # one process on one core


def test_a_benchmarks_neo4j_gets_half_its_heap_as_page_cache() -> None:
    assert [neo4j_pagecache(h) for h in ("1g", "4g", "6g", "512m", "1500M")] == ["512m", "2048m", "3072m", "512m", "750m"]


@pytest.mark.parametrize("engine_name", ["arcadedb", "neo4j"])
def test_kg_bench_api_times_every_endpoint_on_the_graph_the_engine_holds(engine_name: str, tmp_path: Path) -> None:
    """On the running local engine KG_ENGINE names (arcadedb), or the one --engine names (neo4j)."""
    corpus = tmp_path / "corpus"
    synthesize(40, 1, corpus)
    if engine_name == "neo4j":
        server, environment, chosen = neo4j_engine.scratch_server(tmp_path / "engine", engine_start_timeout=180), \
            neo4j_engine.environment, ["--engine", "neo4j"]
    else:
        server, environment, chosen = engine.scratch_engine(tmp_path / "engine"), engine.environment, []
    with server as kg:
        env = environment(kg)
        assert runner.invoke(app, ["load", str(corpus), "--json"], env=env).exit_code == ExitCode.OK
        result = runner.invoke(app, ["bench", "api", *chosen, "--requests", "2", "--clients", "1,2", "--json"], env=env)
    assert result.exit_code == ExitCode.OK, result.output
    data = json.loads(result.stdout)
    assert data["command"] == f"kg bench api --engine {engine_name} --seed 1 --requests 2 --clients 1,2"
    assert data["loads"] == [] and data["machine"]["engine_name"] == engine_name
    assert data["machine"]["engine"].startswith("neo4j kernel 5." if engine_name == "neo4j" else "arcadedb-embedded ")
    assert data["api_graph"]["events"] > 0 and data["api_peak_mb"] > 20
    assert data["api_workers"] == int(os.environ.get("KG_API_WORKERS", "2"))
    assert {(x["endpoint"], x["clients"]) for x in data["latencies"]} == {(e, n) for e in ENDPOINTS for n in (1, 2)}
    assert all(x["errors"] == 0 and x["requests"] == 2 * x["clients"] for x in data["latencies"])
    stopped = runner.invoke(app, ["bench", "api", *chosen], env=env)
    assert stopped.exit_code == ExitCode.UNREACHABLE and "kg engine start" in stopped.output
    assert f"no {engine_name} engine runs" in stopped.output
