"""The embedded engine's lifecycle, through the library and the `kg engine` CLI.

Each test runs its own engine in its own directory on free ports, so these run
(and test the embedded engine) whether or not NEO4J_URI points elsewhere.
"""

from __future__ import annotations

import json
import socket
import stat
import subprocess
import sys
from pathlib import Path

import psutil
import pytest
from conftest import engine_settings, settings_env
from typer.testing import CliRunner

from kg.cli import app
from kg.cypher import Cypher
from kg.engine_home import EngineHome
from kg.engines.arcadedb import server as engine
from kg.exit_codes import ExitCode
from kg.graph import Graph, embedded_connection

runner = CliRunner()


def kg_cli(kg, *args: str):
    return runner.invoke(app, list(args), env=settings_env(kg))


def test_start_status_stop_restart_through_the_cli(tmp_path: Path) -> None:
    kg = engine_settings(tmp_path / "home")

    stopped = kg_cli(kg, "engine", "status", "--json")
    assert stopped.exit_code == 3
    assert json.loads(stopped.stdout)["running"] is False

    started = kg_cli(kg, "engine", "start", "--json")
    assert started.exit_code == 0, started.output
    first = json.loads(started.stdout)
    assert first["running"] is True and first["already_running"] is False
    assert first["bolt_uri"] == f"bolt://127.0.0.1:{kg.bolt_port}"
    assert first["studio_url"] == f"http://127.0.0.1:{kg.http_port}/"
    try:
        # Starting twice is harmless: same process, reported as already running.
        again = json.loads(kg_cli(kg, "engine", "start", "--json").stdout)
        assert again["already_running"] is True and again["pid"] == first["pid"]

        with Graph(embedded_connection(kg)) as graph:
            graph.write(Cypher("CREATE (:Probe {id: $id})"), id="survives-restart")

        status = kg_cli(kg, "engine", "status", "--json")
        assert status.exit_code == 0
        report = json.loads(status.stdout)
        assert report["nodes"] == 1 and report["relationships"] == 0
        assert report["data_dir"] == str(EngineHome.from_settings(kg).root)

        human = kg_cli(kg, "engine", "status")
        assert "Bolt URI" in human.stdout and str(kg.bolt_port) in human.stdout

        assert kg_cli(kg, "engine", "stop").exit_code == 0
        assert not psutil.pid_exists(first["pid"]) or psutil.Process(first["pid"]).status() == psutil.STATUS_ZOMBIE
        assert kg_cli(kg, "engine", "status").exit_code == 3
        assert "not running" in kg_cli(kg, "engine", "stop").stdout

        # Restart keeps the data.
        assert kg_cli(kg, "engine", "start").exit_code == 0
        with Graph(embedded_connection(kg)) as graph:
            rows = graph.read(Cypher("MATCH (p:Probe) RETURN p.id AS id"))
        assert rows == [{"id": "survives-restart"}]
    finally:
        engine.stop(kg)


def test_password_is_generated_private_and_kept_off_the_command_line(tmp_path: Path) -> None:
    kg = engine_settings(tmp_path / "home")
    st = engine.start(kg)
    try:
        home = EngineHome.from_settings(kg)
        password = home.read_password()
        assert password and len(password) >= 24
        assert stat.S_IMODE(home.password_file.stat().st_mode) == 0o600
        assert stat.S_IMODE(home.args_file.stat().st_mode) == 0o600
        assert all(password not in part for part in psutil.Process(st.pid).cmdline())
        # Only the loopback interface is bound.
        listening = {c.laddr for c in psutil.Process(st.pid).net_connections(kind="tcp") if c.status == psutil.CONN_LISTEN}
        assert {addr.port for addr in listening} >= {kg.bolt_port, kg.http_port}
        assert all(addr.ip in ("127.0.0.1", "::ffff:127.0.0.1") for addr in listening)
    finally:
        engine.stop(kg)


def test_stale_pid_file_is_cleaned_up(tmp_path: Path) -> None:
    kg = engine_settings(tmp_path / "home")
    home = EngineHome.from_settings(kg)
    home.create()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    home.pid_file.write_text(f"{dead.pid}\n")
    home.state_file.write_text(json.dumps({"pid": dead.pid, "bolt_port": 1, "http_port": 2, "database": "kg", "started_at": "x"}))

    assert engine.status(kg).running is False
    assert not home.pid_file.exists() and not home.state_file.exists()

    # A live process that is not our engine is not mistaken for it either.
    home.pid_file.write_text(f"{psutil.Process().pid}\n")
    st = engine.start(kg)
    try:
        assert st.running and st.pid != psutil.Process().pid and not st.already_running
    finally:
        engine.stop(kg)


@pytest.mark.parametrize("which", ["bolt_port", "http_port"])
def test_port_in_use_names_the_port_and_the_setting(tmp_path: Path, which: str) -> None:
    kg = engine_settings(tmp_path / "home")
    port = getattr(kg, which)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", port))
        sock.listen()
        result = kg_cli(kg, "engine", "start")
    assert result.exit_code == ExitCode.PORT_TAKEN  # not PROBLEM: a taken port has a code of its own
    message = " ".join(result.stderr.split())
    assert f"Port {port}" in message
    assert ("KG_BOLT_PORT" if which == "bolt_port" else "KG_HTTP_PORT") in message
    assert engine.status(kg).running is False


def test_jvm_that_dies_at_start_shows_its_log(tmp_path: Path) -> None:
    kg = engine_settings(tmp_path / "home", engine_heap="2m")  # too small a heap: the JVM exits at once
    with pytest.raises(engine.EngineError) as info:
        engine.start(kg)
    message = str(info.value)
    assert "exited with code" in message
    assert "engine.log" in message
    assert "Error" in message.split("engine.log:", 1)[1]  # the JVM's own words, not just our framing
    assert engine.status(kg).running is False
    assert not EngineHome.from_settings(kg).pid_file.exists()
