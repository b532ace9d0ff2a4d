"""The commands the issues name, run as an analyst runs them: kg query, kg serve, kg up."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
import pytest
from conftest import cli_env, engine_settings, free_port, renamed_source, settings_env
from typer.testing import CliRunner

from kg.cli import app
from kg.engines.arcadedb import server as engine
from kg.settings import Settings
from kg.store import UnknownSource

runner = CliRunner()


def test_query_list_and_run_in_every_format(settings: Settings, corpus) -> None:
    env = cli_env(settings)
    listing = runner.invoke(app, ["query", "--list"], env=env)
    assert listing.exit_code == 0 and "arms_sales" in listing.stdout and "--param buyer=<entity>" in listing.stdout

    as_json = runner.invoke(app, ["query", "arms_sales", "--param", "buyer=state:TW", "--param", "min_value=500000000", "--format", "json"], env=env)
    assert as_json.exit_code == 0, as_json.output
    rows = json.loads(as_json.stdout)
    assert rows and all((r["value"] or 0) >= 500_000_000 for r in rows)
    assert any(r["value"] == 698948760 for r in rows)

    as_csv = runner.invoke(app, ["query", "arms_sales", "-p", "buyer=Taiwan", "-f", "csv"], env=env)
    assert as_csv.exit_code == 0
    table = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert table and "sale" in table[0]

    as_table = runner.invoke(app, ["query", "graph_overview"], env=env)
    assert as_table.exit_code == 0 and "Evidence" in as_table.stdout and "rows" in as_table.stdout


def test_query_runs_a_bounded_query_at_the_depth_asked(settings: Settings, corpus, monkeypatch) -> None:
    """kg query runs shortest_connections as the API does: its `*..6` lowered to max_hops (`// bound:`)."""
    from kg.graph import Graph

    texts: list[str] = []
    real_read = Graph.read
    monkeypatch.setattr(Graph, "read", lambda self, text, **params: texts.append(str(text)) or real_read(self, text, **params))
    result = runner.invoke(app, ["query", "shortest_connections", "-p", "from=contractor:rtx", "-p", "to=state:TW",
                                 "-p", "max_hops=2", "-f", "json"], env=cli_env(settings))
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows and all(r["hops"] <= 2 for r in rows)
    ran = [t for t in texts if "allShortestPaths" in t]
    assert ran and all("*..2]" in t and "*..6]" not in t for t in ran)


def test_query_refuses_bad_names_and_parameters(settings: Settings) -> None:
    env = cli_env(settings)
    for args, fragment in [
        (["query", "no_such_query"], "no query named 'no_such_query'"),
        (["query", "arms_sales", "--param", "limit=many"], "parameter 'limit' (integer)"),
        (["query", "arms_sales", "--param", "colour=red"], "has no parameter 'colour'"),
        (["query", "arms_sales", "--param", "buyer"], "key=value"),
        (["query", "arms_sales", "--format", "xml"], "table, json or csv"),
    ]:
        result = runner.invoke(app, args, env=env)
        assert result.exit_code == 2, (args, result.output)
        assert fragment in " ".join(result.stderr.split()), (args, result.stderr)


def _serving(settings: Settings, *args: str, **env: str) -> tuple[subprocess.Popen, str]:
    """``kg serve ARGS`` on a free port with ``env``, once it answers /health."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", *args], env={**os.environ, **cli_env(settings), "KG_API_PORT": str(port), **env},
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while True:
        if server.poll() is not None:
            raise AssertionError(server.stdout.read().decode() if server.stdout else "kg serve exited")
        try:
            httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
            return server, f"http://127.0.0.1:{port}"
        except httpx.TransportError:
            if time.monotonic() > deadline:
                server.kill()
                raise AssertionError("kg serve did not answer") from None
            time.sleep(0.2)


def _workers(server: subprocess.Popen) -> list[psutil.Process]:
    return [p for p in psutil.Process(server.pid).children(recursive=True) if "spawn_main" in " ".join(p.cmdline())]


@pytest.mark.parametrize(("workers", "args"), [(1, []), (2, []), (3, ["--workers", "3"])])
def test_kg_serve_answers_on_its_port(settings: Settings, corpus, workers: int, args: list[str]) -> None:
    """KG_API_WORKERS (or --workers, which wins) processes answer (none beside kg serve's own for 1),
    and all stop with it."""
    server, base = _serving(settings, *args, KG_API_WORKERS=str(1 if args else workers))
    children = _workers(server)
    try:
        assert len(children) == (workers if workers > 1 else 0)
        health = httpx.get(f"{base}/health")
        assert health.status_code == 200 and health.json()["nodes"] > 0
        assert httpx.get(f"{base}/openapi.json").json()["info"]["title"]
        assert httpx.get(f"{base}/entities", params={"q": "taiwan"}).json()["items"][0]["id"] == "state:TW"
    finally:
        server.terminate()
        server.wait(20)
    assert psutil.wait_procs(children, timeout=20)[1] == []


def test_kg_serve_workers_see_a_write_through_any_of_them_at_once(settings: Settings, loader, corpus) -> None:
    """A re-load through the API that only renames (same counts, so the same graph signature) is
    seen at once by every worker's search, not after KG_SEARCH_MAX_AGE: they share a write marker."""
    key = "test-cli-workers-key-0123456789"
    server, base = _serving(settings, KG_API_WORKERS="2", KG_API_KEY=key, KG_SEARCH_MAX_AGE="3600")
    headers = {"X-API-Key": key, "content-type": "application/yaml"}

    def exact(q: str) -> set[tuple[str, ...]]:
        # a new connection each time, so the requests spread over the workers
        found = [httpx.get(f"{base}/entities", params={"q": q}, timeout=60).json()["items"] for _ in range(16)]
        return {tuple(item["id"] for item in items if item["match"] == "exact") for items in found}

    try:
        created = httpx.post(f"{base}/sources", content=renamed_source("test-cli-workers", "Q Alpha"), headers=headers,
                             timeout=60)
        assert created.status_code == 201, created.text
        assert exact("q alpha") == {("contractor:quillon-dynamics",)}  # every worker has read the names
        updated = httpx.post(f"{base}/sources", content=renamed_source("test-cli-workers", "Q Beta"), headers=headers,
                             timeout=60)
        assert updated.status_code == 200 and updated.json()["action"] == "updated", updated.text
        assert exact("q beta") == {("contractor:quillon-dynamics",)}
        assert exact("q alpha") == {()}
    finally:
        server.terminate()
        server.wait(20)
        # Retracted whatever happened above, so no later test meets this source in the shared graph.
        with contextlib.suppress(UnknownSource):
            loader.unload("source:test-cli-workers")


def test_kg_up_starts_an_engine_and_loads_the_sample_corpus(tmp_path: Path) -> None:
    kg = engine_settings(tmp_path / "home")
    try:
        result = runner.invoke(app, ["up", "--no-serve"], env=settings_env(kg))
        assert result.exit_code == 0, result.output
        assert "source:2025-11-19-nasams-taiwan: created" in result.stdout
        sources = result.stdout.count(": created")
        assert sources > 3, "the official sources of data/official load with the articles and the reference source"
        status = json.loads(runner.invoke(app, ["engine", "status", "--json"], env=settings_env(kg)).stdout)
        assert status["running"] and status["nodes"] > 100 and status["relationships"] > 300
        again = runner.invoke(app, ["up", "--no-serve"], env=settings_env(kg))
        assert again.exit_code == 0 and again.stdout.count(": unchanged") == sources and ": created" not in again.stdout
        scripted = runner.invoke(app, ["up", "--no-serve", "--json"], env=settings_env(kg))
        assert scripted.exit_code == 0, scripted.output
        report = json.loads(scripted.stdout)  # the JSON is all of stdout
        assert report["engine"]["running"] and report["engine"]["bolt_uri"] == f"bolt://127.0.0.1:{kg.bolt_port}"
        assert [s["action"] for s in report["load"]["sources"]] == ["unchanged"] * sources and report["load"]["rejected"] == []
        assert report["api"] is None
    finally:
        engine.stop(kg)
