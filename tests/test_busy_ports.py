"""A port another program holds: every command that needs one (kg up, kg serve, kg engine start on
either engine) exits with PORT_TAKEN (7), not NOT_RUNNING (3, uvicorn's own startup-failure status,
which `kg up` used to pass on) nor PROBLEM, in one line naming the port and the setting that moves it.

Each test holds a free loopback port with a listening socket and runs the real CLI against engines
of its own (temporary directory, free ports): nothing starts, nothing is loaded.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import ENGINES, engine_settings, free_port, settings_env
from typer.testing import CliRunner, Result

from kg.cli import app
from kg.engines.arcadedb import server as engine
from kg.engines.neo4j import server as neo4j_engine
from kg.exit_codes import ExitCode

runner = CliRunner()


@contextmanager
def held(port: int) -> Iterator[int]:
    """``port`` on 127.0.0.1 held by a listening socket, as another program would hold it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", port))
        sock.listen()
        yield port


def _one_line(result: Result) -> str:
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def _assert_taken(result: Result, port: int, setting: str, what: str) -> None:
    assert result.exit_code == ExitCode.PORT_TAKEN, (result.exit_code, result.output)
    line = _one_line(result)
    assert f"Port {port} on 127.0.0.1 ({what}) is already in use by another program" in line, line
    assert setting in line, line


def _local_env(engine_name: str, tmp_path: Path) -> tuple[dict[str, str], object]:
    """Environment for the CLI against a local engine of its own (not started), and its settings."""
    if engine_name == "neo4j":
        kg = neo4j_engine.scratch_settings(tmp_path / "home")
        return {**neo4j_engine.environment(kg), "KG_ENGINE": "neo4j"}, kg
    kg = engine_settings(tmp_path / "home")
    return {**settings_env(kg), "KG_ENGINE": "arcadedb"}, kg


def _status(engine_name: str, kg: object) -> engine.EngineStatus:
    return (neo4j_engine if engine_name == "neo4j" else engine).status(kg)  # type: ignore[arg-type]


@pytest.mark.parametrize("how", ["--port", "KG_API_PORT"])
def test_kg_serve_on_a_taken_port_exits_7_naming_it(how: str, tmp_path: Path) -> None:
    env, _ = _local_env("arcadedb", tmp_path)
    with held(free_port()) as port:
        args = ["serve", "--port", str(port)] if how == "--port" else ["serve"]
        result = runner.invoke(app, args, env={**env, **({"KG_API_PORT": str(port)} if how == "KG_API_PORT" else {})})
    _assert_taken(result, port, "KG_API_PORT", "the API's port")
    assert "--port" in _one_line(result)


@pytest.mark.parametrize("engine_name", ENGINES)
def test_kg_up_with_the_api_port_taken_exits_7_before_starting_anything(engine_name: str, tmp_path: Path) -> None:
    env, kg = _local_env(engine_name, tmp_path)
    with held(free_port()) as port:
        result = runner.invoke(app, ["up"], env={**env, "KG_API_PORT": str(port)})
    _assert_taken(result, port, "KG_API_PORT", "the API's port")
    assert result.stdout == ""  # nothing loaded, nothing announced
    assert not _status(engine_name, kg).running


ENGINE_PORTS = {"arcadedb": [("bolt_port", "KG_BOLT_PORT", "the engine's Bolt port"),
                             ("http_port", "KG_HTTP_PORT", "the engine's HTTP port")],
                "neo4j": [("neo4j_bolt_port", "KG_NEO4J_BOLT_PORT", "the local Neo4j's Bolt port"),
                          ("neo4j_http_port", "KG_NEO4J_HTTP_PORT", "the local Neo4j's HTTP port")]}


@pytest.mark.parametrize(("engine_name", "field", "setting", "what"),
                         [(name, *port) for name in ENGINES for port in ENGINE_PORTS[name]])
@pytest.mark.parametrize("command", [["up", "--no-serve"], ["engine", "start"]], ids=" ".join)
def test_a_taken_engine_port_exits_7_naming_the_setting(engine_name: str, field: str, setting: str, what: str,
                                                         command: list[str], tmp_path: Path) -> None:
    env, kg = _local_env(engine_name, tmp_path)
    with held(getattr(kg, field)) as port:
        result = runner.invoke(app, [*command, "--engine", engine_name], env=env)
    _assert_taken(result, port, setting, what)
    assert not _status(engine_name, kg).running
