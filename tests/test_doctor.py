"""`kg doctor` tells what is wrong in plain words, against real servers."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import engine_settings, free_port, settings_env
from typer.testing import CliRunner

from kg.cli import app
from kg.doctor import run_checks
from kg.engines.neo4j import server as neo4j_engine
from kg.graph import connection_for
from kg.settings import Neo4jSettings, Settings

runner = CliRunner()


def test_healthy_graph_passes_every_check(settings: Settings) -> None:
    checks = run_checks(settings)
    assert checks and all(c.ok for c in checks), checks
    assert checks[-1].name == "database" and "nodes" in checks[-1].detail


def test_wrong_password_is_reported_as_credentials(spare_settings: Settings) -> None:
    conn = connection_for(spare_settings)
    bad = Settings(neo4j=Neo4jSettings(uri=conn.uri, username=conn.user, password="not-the-password", database=conn.database),
                   kg=spare_settings.kg)
    checks = run_checks(bad)
    assert [c.name for c in checks if not c.ok] == ["credentials"]
    assert "NEO4J_PASSWORD" in (checks[-1].fix or "")


def test_missing_database_is_reported(settings: Settings) -> None:
    conn = connection_for(settings)
    bad = Settings(neo4j=Neo4jSettings(uri=conn.uri, username=conn.user, password=conn.password, database="nosuchdb"), kg=settings.kg)
    checks = run_checks(bad)
    assert checks[-1].name == "database" and not checks[-1].ok
    assert "NEO4J_DATABASE" in (checks[-1].fix or "")


def test_nothing_listening_is_reported_as_connection(settings: Settings) -> None:
    bad = Settings(neo4j=Neo4jSettings(uri=f"bolt://127.0.0.1:{free_port()}", password="x"), kg=settings.kg)
    checks = run_checks(bad)
    assert [(c.name, c.ok) for c in checks] == [("connection", False)]
    assert "nothing answers" in checks[0].detail


def test_stopped_embedded_engine_says_to_start_it(tmp_path: Path) -> None:
    kg = engine_settings(tmp_path / "home")
    result = runner.invoke(app, ["doctor", "--json"], env=settings_env(kg))
    assert result.exit_code == 1
    failed = [c for c in json.loads(result.stdout) if not c["ok"]]
    assert failed == [{"name": "engine", "ok": False, "detail": "the embedded engine is not running", "fix": "run: kg engine start"}]


def test_stopped_local_neo4j_says_to_start_it(tmp_path: Path) -> None:
    kg = neo4j_engine.scratch_settings(tmp_path / "home")
    result = runner.invoke(app, ["doctor", "--json"], env=neo4j_engine.environment(kg))
    assert result.exit_code == 1
    checks = json.loads(result.stdout)
    assert [c["name"] for c in checks if c["ok"]] == ["mode", "java", "neo4j jars"], checks
    failed = [c for c in checks if not c["ok"]]
    assert failed == [{"name": "engine", "ok": False, "detail": "the local Neo4j is not running",
                       "fix": "run: kg engine start --engine neo4j"}]


def test_malformed_settings_exit_2_naming_the_variable() -> None:
    result = runner.invoke(app, ["doctor"], env={"NEO4J_URI": "http//nope"})
    assert result.exit_code == 2
    assert "NEO4J_URI" in result.stderr
    result = runner.invoke(app, ["engine", "status"], env={"NEO4J_URI": "", "KG_BOLT_PORT": "seventy"})
    assert result.exit_code == 2 and "KG_BOLT_PORT" in result.stderr
