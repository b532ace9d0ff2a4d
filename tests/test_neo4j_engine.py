"""The local Neo4j's lifecycle, through the `kg engine --engine neo4j` CLI and the library.

Each test runs its own Neo4j in its own directory on free ports (the jars come
from tools/neo4j/lib, fetched by Maven on first use), whatever the rest of the
suite runs on.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
from pathlib import Path

import psutil
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.cypher import Cypher
from kg.engine_home import EngineHome, write_private
from kg.engines.neo4j import server as neo4j_engine
from kg.exit_codes import ExitCode
from kg.graph import Graph, local_neo4j_connection

runner = CliRunner()


def kg_cli(kg, *args: str, **env: str):
    return runner.invoke(app, list(args), env={**neo4j_engine.environment(kg), **env})


def test_start_status_stop_restart_through_the_cli(tmp_path: Path) -> None:
    kg = neo4j_engine.scratch_settings(tmp_path / "home", engine_start_timeout=180)

    stopped = kg_cli(kg, "engine", "status", "--engine", "neo4j", "--json")
    assert stopped.exit_code == ExitCode.NOT_RUNNING
    assert json.loads(stopped.stdout)["running"] is False

    # A password that looks like an option to neo4j-admin (a generated one starts with '-' one time in 64).
    home = EngineHome.neo4j(kg)
    home.create()
    write_private(home.password_file, "-" + "x" * 31 + "\n")
    started = kg_cli(kg, "engine", "start", "--engine", "neo4j", "--json")
    assert started.exit_code == 0, started.output
    first = json.loads(started.stdout)
    try:
        assert first["running"] is True and first["already_running"] is False and first["engine"] == "neo4j"
        assert first["bolt_uri"] == f"bolt://127.0.0.1:{kg.neo4j_bolt_port}"
        assert first["browser_url"] == f"http://127.0.0.1:{kg.neo4j_http_port}/browser/"
        assert first["user"] == "neo4j" and first["password_file"] == str(home.password_file)

        # What a user gets: a real Neo4j 5.26 that takes the generated password, and Neo4j Browser.
        password = home.read_password()
        assert password == "-" + "x" * 31
        with Graph(local_neo4j_connection(kg)) as graph:
            assert graph.dialect.name == "neo4j"
            graph.write(Cypher("CREATE (:Probe {id: $id})"), id="survives-restart")
        import httpx
        browser = httpx.get(first["browser_url"], timeout=30)
        assert browser.status_code == 200 and "Neo4j Browser" in browser.text
        discovery = httpx.get(f"http://127.0.0.1:{kg.neo4j_http_port}/", timeout=30).json()
        assert discovery["neo4j_version"].startswith("5.26.") and discovery["neo4j_edition"] == "community"

        # The password is private and never on a command line; only loopback is bound.
        assert stat.S_IMODE(home.password_file.stat().st_mode) == 0o600
        assert stat.S_IMODE(home.args_file.stat().st_mode) == 0o600
        assert all(password not in part for part in psutil.Process(first["pid"]).cmdline())
        listening = {c.laddr for c in psutil.Process(first["pid"]).net_connections(kind="tcp")
                     if c.status == psutil.CONN_LISTEN}
        assert {addr.port for addr in listening} >= {kg.neo4j_bolt_port, kg.neo4j_http_port}
        assert all(addr.ip in ("127.0.0.1", "::ffff:127.0.0.1") for addr in listening), listening

        # Starting twice is harmless; status counts what the graph holds; the other commands
        # reach it with KG_ENGINE=neo4j (what environment() sets).
        again = json.loads(kg_cli(kg, "engine", "start", "--engine", "neo4j", "--json").stdout)
        assert again["already_running"] is True and again["pid"] == first["pid"]
        report = json.loads(kg_cli(kg, "engine", "status", "--engine", "neo4j", "--json").stdout)
        assert report["nodes"] == 1 and report["relationships"] == 0
        doctor = kg_cli(kg, "doctor", "--json")
        assert doctor.exit_code == 0 and all(check["ok"] for check in json.loads(doctor.stdout)), doctor.stdout
        human = kg_cli(kg, "engine", "status", "--engine", "neo4j")
        assert "Browser URL" in human.stdout and str(kg.neo4j_http_port) in human.stdout

        stop = kg_cli(kg, "engine", "stop", "--engine", "neo4j", "--json")
        assert json.loads(stop.stdout) == {"engine": "neo4j", "stopped": True}
        assert not psutil.pid_exists(first["pid"]) or psutil.Process(first["pid"]).status() == psutil.STATUS_ZOMBIE
        assert kg_cli(kg, "engine", "status", "--engine", "neo4j").exit_code == ExitCode.NOT_RUNNING
        assert "not running" in kg_cli(kg, "engine", "stop", "--engine", "neo4j").stdout

        # A clean stop (SIGTERM): the restart keeps the data and needs no recovery.
        assert kg_cli(kg, "engine", "start", "--engine", "neo4j").exit_code == 0
        with Graph(local_neo4j_connection(kg)) as graph:
            assert graph.read(Cypher("MATCH (p:Probe) RETURN p.id AS id")) == [{"id": "survives-restart"}]
    finally:
        neo4j_engine.stop(kg)


@pytest.mark.parametrize("which", ["neo4j_bolt_port", "neo4j_http_port"])
def test_port_in_use_names_the_port_and_the_setting(tmp_path: Path, which: str) -> None:
    kg = neo4j_engine.scratch_settings(tmp_path / "home")
    port = getattr(kg, which)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", port))
        sock.listen()
        result = kg_cli(kg, "engine", "start", "--engine", "neo4j")
    assert result.exit_code == ExitCode.PORT_TAKEN  # not PROBLEM: a taken port has a code of its own
    message = " ".join(result.stderr.split())
    assert f"Port {port}" in message
    assert ("KG_NEO4J_BOLT_PORT" if which == "neo4j_bolt_port" else "KG_NEO4J_HTTP_PORT") in message
    assert "Traceback" not in result.output
    assert neo4j_engine.status(kg).running is False


def test_without_java_the_error_names_it_and_exits_6(tmp_path: Path) -> None:
    kg = neo4j_engine.scratch_settings(tmp_path / "home")
    # A PATH with no java on it, and no JAVA_HOME.
    bare = tmp_path / "bin"
    bare.mkdir()
    result = kg_cli(kg, "engine", "start", "--engine", "neo4j", PATH=str(bare), JAVA_HOME="")
    assert result.exit_code == ExitCode.MISSING_TOOL == 6, result.output
    assert result.stderr.count("\n") == 1 and "Java is not installed" in result.stderr and "17" in result.stderr
    up = kg_cli(kg, "up", "--engine", "neo4j", "--no-serve", PATH=str(bare), JAVA_HOME="")
    assert up.exit_code == ExitCode.MISSING_TOOL and "Java" in up.stderr


def test_without_maven_the_first_start_names_it_and_exits_6(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A runtime folder not fetched yet (a copy of the pom only), and a PATH with java but no mvn.
    runtime = tmp_path / "runtime"
    runtime.mkdir()
    shutil.copy(neo4j_engine.POM, runtime / "pom.xml")
    monkeypatch.setattr(neo4j_engine, "RUNTIME_DIR", runtime)
    monkeypatch.setattr(neo4j_engine, "POM", runtime / "pom.xml")
    monkeypatch.setattr(neo4j_engine, "LIB", runtime / "lib")
    bare = tmp_path / "bin"
    bare.mkdir()
    java = neo4j_engine.java_executable()
    os.symlink(java, bare / "java")
    kg = neo4j_engine.scratch_settings(tmp_path / "home")
    result = kg_cli(kg, "engine", "start", "--engine", "neo4j", PATH=str(bare), JAVA_HOME="")
    assert result.exit_code == ExitCode.MISSING_TOOL, result.output
    assert "Maven is not installed" in result.stderr and "Traceback" not in result.output
    assert not (runtime / "lib").exists()


def test_the_runtime_is_fetched_again_when_the_pom_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """lib/ remembers the pom it was fetched for: an edited pin is not served by stale jars."""
    neo4j_engine.ensure_runtime()
    assert neo4j_engine.runtime_ready()
    runtime = tmp_path / "runtime"
    runtime.mkdir()
    (runtime / "pom.xml").write_text(neo4j_engine.POM.read_text(encoding="utf-8") + "<!-- changed -->\n", encoding="utf-8")
    shutil.copytree(neo4j_engine.LIB, runtime / "lib", symlinks=True)
    monkeypatch.setattr(neo4j_engine, "RUNTIME_DIR", runtime)
    monkeypatch.setattr(neo4j_engine, "POM", runtime / "pom.xml")
    monkeypatch.setattr(neo4j_engine, "LIB", runtime / "lib")
    assert not neo4j_engine.runtime_ready()
    stale = runtime / "lib" / "stale.jar"
    stale.write_bytes(b"")
    assert neo4j_engine.ensure_runtime() == runtime / "lib"
    assert neo4j_engine.runtime_ready() and not stale.exists()
    assert any((runtime / "lib").glob("neo4j-5.26.*.jar")) and any((runtime / "lib").glob("neo4j-browser-*.jar"))
    assert not list(runtime.glob("lib.*")), "no staging folder is left behind"


def test_kg_up_engine_neo4j_serves_the_api_over_neo4j_and_prints_a_working_browser_url(tmp_path: Path) -> None:
    """The main job on the local Neo4j, as users run it: start it, load the corpus, serve the API."""
    import subprocess
    import sys
    import time

    import httpx
    from conftest import free_port

    kg = neo4j_engine.scratch_settings(tmp_path / "home", engine_start_timeout=180)
    api_port = free_port()
    env = {**os.environ, **neo4j_engine.environment(kg), "KG_API_PORT": str(api_port)}
    del env["KG_ENGINE"]  # --engine alone chooses it, for the load and for the API's workers
    up = subprocess.Popen([sys.executable, "-m", "kg.cli", "up", "--engine", "neo4j"], env=env, cwd=tmp_path,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{api_port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            assert up.poll() is None, up.stdout.read() if up.stdout else "kg up exited"
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "kg up --engine neo4j did not serve the API"
            time.sleep(0.5)
        health = httpx.get(f"{base}/health", timeout=60).json()
        assert health["nodes"] > 100
        taiwan = httpx.get(f"{base}/entities/state:TW", timeout=60)
        assert taiwan.status_code == 200 and taiwan.json()["name"] == "Taiwan"
        # What the API read is what Neo4j holds: the same count, asked of Neo4j directly.
        with Graph(local_neo4j_connection(kg)) as graph:
            assert graph.dialect.name == "neo4j" and graph.counts().nodes == health["nodes"]
        browser_url = f"http://127.0.0.1:{kg.neo4j_http_port}/browser/"
        assert httpx.get(browser_url, timeout=30).status_code == 200
        # Browser applies the project's style and opens its guide on connecting, both served by this API.
        conf = (EngineHome.neo4j(kg).root / "conf" / "neo4j.conf").read_text(encoding="utf-8")
        assert (f"browser.post_connect_cmd=style {base}/browser/style.grass; play {base}/browser/guide.html"
                in conf)
    finally:
        up.terminate()
        output = up.communicate(timeout=30)[0]
        neo4j_engine.stop(kg)
    assert "source:2025-11-19-nasams-taiwan: created" in output
    assert browser_url in output, output
