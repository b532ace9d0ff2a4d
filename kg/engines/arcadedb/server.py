"""Lifecycle of the embedded graph engine: ArcadeDB's server with its Bolt plugin.

The ``arcadedb-embedded`` wheel ships the ArcadeDB server jars and a JRE. We
run that server as a plain background JVM process (not inside this Python
process), so it outlives ``kg engine start`` and serves any number of clients
(CLI, API, Neo4j drivers) over Bolt on 127.0.0.1.

Guarantees the CLI and tests rely on:

* ``start`` is idempotent: a running engine is reported, not started twice.
* A pid file whose process is gone (or is not our engine) is cleaned up.
* After an engine died (killed, crashed), ``start`` waits briefly for the
  kernel to release its ports, so a restart at once does not report them taken.
* A port already in use fails fast, naming the port and the setting to change.
* A JVM that dies during start is reported with the tail of its log.
* ``start`` returns only once Bolt answers a query on the project database.
"""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psutil

from kg.engine_home import START_MARKER, EngineHome, EngineState, write_private
from kg.graph import Connection, Graph, embedded_connection
from kg.ports import PortTaken
from kg.settings import KgSettings

_SERVER_CLASS = "com.arcadedb.server.ArcadeDBServer"
_BOLT_PLUGIN = "Bolt:com.arcadedb.bolt.BoltProtocolPlugin"
#: Seconds ``start`` waits for the ports of an engine of the same home that died.
_RELEASE_GRACE = 10.0


class EngineError(RuntimeError):
    """The embedded engine could not be started or stopped; the message says why and what to do."""


class EnginePortTaken(EngineError, PortTaken):
    """A port an engine needs is held by another program: an EngineError like every failed start,
    and a PortTaken, which the CLI reports with an exit code of its own."""


@dataclass(frozen=True)
class EngineStatus:
    """What ``kg engine status`` reports."""

    running: bool
    data_dir: Path
    pid: int | None = None
    bolt_uri: str | None = None
    studio_url: str | None = None
    database: str | None = None
    started_at: str | None = None
    already_running: bool = False
    engine: str = "arcadedb"
    user: str | None = None  # the local Neo4j's: the user and the file of its password
    password_file: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "engine": self.engine,
            "running": self.running,
            "pid": self.pid,
            "bolt_uri": self.bolt_uri,
            "studio_url": self.studio_url,
            "database": self.database,
            "data_dir": str(self.data_dir),
            "started_at": self.started_at,
            **({"browser_url": self.studio_url, "user": self.user, "password_file": self.password_file}
               if self.engine == "neo4j" else {}),
        }


def distribution() -> tuple[Path, Path]:
    """The bundled java executable and jar directory of ``arcadedb-embedded``.

    Located through the package's files, not imported: importing it would start
    a JVM inside this process.
    """
    import importlib.util

    spec = importlib.util.find_spec("arcadedb_embedded")
    if spec is None or not spec.submodule_search_locations:
        raise EngineError("The arcadedb-embedded package is not installed; run: pip install -e .")
    base = Path(next(iter(spec.submodule_search_locations)))
    java, jars = base / "jre" / "bin" / "java", base / "jars"
    if not java.exists() or not any(jars.glob("arcadedb-server-*.jar")):
        raise EngineError(f"The arcadedb-embedded package at {base} lacks its JRE or server jars; reinstall it.")
    return java, jars


def recorded_process(home: EngineHome, *markers: str) -> psutil.Process | None:
    """The live process the home's pid file records, if its command line holds every marker;
    a stale record (the process is gone, or the pid was reused by another program) is cleaned up."""
    pid = home.read_pid()
    if pid is None:
        if home.state_file.exists():
            home.clear_state()
        return None
    try:
        proc = psutil.Process(pid)
        cmdline = proc.cmdline()
        if all(marker in cmdline for marker in markers) and proc.status() != psutil.STATUS_ZOMBIE:
            return proc
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        pass
    home.clear_state()
    return None


def _engine_process(home: EngineHome) -> psutil.Process | None:
    """The live engine process recorded in the pid file, cleaning up a stale one."""
    return recorded_process(home, _SERVER_CLASS, f"@{home.args_file}")


def port_free(port: int) -> bool:
    """Whether a TCP port on 127.0.0.1 can be bound now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def await_release(ports: tuple[int, ...], timeout: float = _RELEASE_GRACE) -> None:
    """Wait (briefly) until an engine's ports are free, after an engine of the same home died.

    A SIGKILLed JVM shows as gone (a zombie) while its other threads are still
    being torn down, and its listening sockets close only when the last one
    exits; a restart at that moment found its own old ports "in use by another
    program" in about half of the tries. A port still taken after ``timeout``
    is reported by :func:`_check_ports` as before.
    """
    deadline = time.monotonic() + timeout
    while not all(port_free(port) for port in ports) and time.monotonic() < deadline:
        time.sleep(0.05)


def _check_ports(kg: KgSettings) -> None:
    if kg.bolt_port == kg.http_port:
        raise EngineError(f"KG_BOLT_PORT and KG_HTTP_PORT are both {kg.bolt_port}; give them different ports.")
    for port, what, setting in ((kg.bolt_port, "Bolt", "KG_BOLT_PORT"), (kg.http_port, "HTTP", "KG_HTTP_PORT")):
        if not port_free(port):
            raise EnginePortTaken(port, f"the engine's {what} port", f"set {setting} to a free port")


def _jvm_arguments(kg: KgSettings, home: EngineHome, password: str) -> str:
    """JVM options, written to an argument file so the password stays out of `ps`."""
    options = [
        f"-Xmx{kg.engine_heap}",
        f"-Darcadedb.server.rootPath={home.server_root}",
        f"-Darcadedb.server.rootPassword={password}",
        "-Darcadedb.server.mode=development",
        "-Darcadedb.server.httpIncomingHost=127.0.0.1",
        f"-Darcadedb.server.httpIncomingPort={kg.http_port}",
        "-Darcadedb.bolt.host=127.0.0.1",
        f"-Darcadedb.bolt.port={kg.bolt_port}",
        f"-Darcadedb.server.plugins={_BOLT_PLUGIN}",
        f"-Darcadedb.server.defaultDatabases={kg.database}[root]",
    ]
    # The argument file format treats whitespace and quotes specially: quote every option.
    return "\n".join('"' + opt.replace("\\", "\\\\").replace('"', '\\"') + '"' for opt in options) + "\n"


def status(kg: KgSettings) -> EngineStatus:
    """Whether the engine of this data directory runs, and where."""
    home = EngineHome.from_settings(kg)
    proc = _engine_process(home)
    state = home.read_state() if proc else None
    if proc is None or state is None:
        return EngineStatus(running=False, data_dir=home.root)
    return EngineStatus(
        running=True,
        data_dir=home.root,
        pid=state.pid,
        bolt_uri=state.bolt_uri,
        studio_url=state.studio_url,
        database=state.database,
        started_at=state.started_at,
    )


def start(kg: KgSettings) -> EngineStatus:
    """Start the engine in the background and wait until Bolt answers."""
    home = EngineHome.from_settings(kg)
    recorded = home.read_pid() is not None  # read before status() cleans up a stale record
    current = status(kg)
    if current.running:
        return EngineStatus(**{**current.__dict__, "already_running": True})

    java, jars = distribution()
    if recorded:  # the recorded engine is not running: it died without `kg engine stop`
        await_release((kg.bolt_port, kg.http_port))
    _check_ports(kg)
    home.create()
    password = home.ensure_password()
    write_private(home.args_file, _jvm_arguments(kg, home, password))
    command = [str(java), f"@{home.args_file}", "-cp", f"{jars}/*", _SERVER_CLASS]
    with open(home.log_file, "ab") as log:
        log.write(f"\n{START_MARKER}{datetime.now(UTC).isoformat()} ===\n".encode())
        log.flush()
        proc = subprocess.Popen(
            command,
            cwd=home.root,  # ArcadeDB writes ./log relative to its working directory
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # survives the CLI and its terminal
        )
    state = EngineState(
        pid=proc.pid,
        bolt_port=kg.bolt_port,
        http_port=kg.http_port,
        database=kg.database,
        started_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    home.write_state(state)
    try:
        _wait_for_bolt(proc, kg)
    except BaseException:
        terminate(proc.pid, timeout=10)
        home.clear_state()
        raise
    return status(kg)


def _wait_for_bolt(proc: subprocess.Popen[bytes], kg: KgSettings) -> None:
    home = EngineHome.from_settings(kg)
    await_bolt(proc, embedded_connection(kg), home, kg.engine_start_timeout, "The engine", str(home.log_file))


def await_bolt(proc: subprocess.Popen[bytes], connection: Connection, home: EngineHome, timeout: float,
               name: str, logs: str) -> None:
    """Return once Bolt answers a query at ``connection``; an error naming ``logs`` when the JVM
    exits first or nothing answers within ``timeout`` seconds (either engine: ``name`` says which)."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    with Graph(connection, max_retry_time=2.0) as graph:
        while time.monotonic() < deadline:
            code = proc.poll()
            if code is not None:
                raise EngineError(
                    f"{name}'s JVM exited with code {code} while starting. "
                    f"Last lines of {home.log_file}:\n{home.log_tail()}"
                )
            try:
                graph.verify()
                return
            except Exception as exc:  # not up yet: connection refused, database still being created
                last_error = exc
                time.sleep(0.25)
    raise EngineError(
        f"{name} did not answer on {connection.uri} within {timeout:.0f}s "
        f"(last error: {last_error}). Raise KG_ENGINE_START_TIMEOUT or read {logs}:\n{home.log_tail()}"
    )


def terminate(pid: int, timeout: float) -> None:
    """SIGTERM (the engines' shutdown hooks close their databases cleanly), then SIGKILL."""
    try:
        proc = psutil.Process(pid)
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except psutil.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
    except psutil.NoSuchProcess:
        pass


def stop(kg: KgSettings, timeout: float = 60.0) -> bool:
    """Stop the engine cleanly; False when it was not running."""
    home = EngineHome.from_settings(kg)
    return stop_recorded(home, _engine_process(home), timeout)


def stop_recorded(home: EngineHome, proc: psutil.Process | None, timeout: float) -> bool:
    """Stop the engine process ``home`` records (:func:`recorded_process`) and clear its record;
    False when none runs."""
    if proc is None:
        return False
    terminate(proc.pid, timeout)
    home.clear_state()
    return True


# -- engines of their own (the test suite, kg bench) ----------------------------------------


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def free_ports() -> tuple[int, int]:
    """Two different TCP ports free on 127.0.0.1 right now (an engine's Bolt and HTTP)."""
    bolt = free_port()
    http = free_port()
    while http == bolt:
        http = free_port()
    return bolt, http


def scratch_settings(data_dir: Path, **overrides: object) -> KgSettings:
    """Settings for an engine of its own: its own directory and two different free ports."""
    bolt, http = free_ports()
    values: dict[str, object] = {"data_dir": data_dir, "bolt_port": bolt, "http_port": http, **overrides}
    return KgSettings(**values)


@contextmanager
def scratch_engine(data_dir: Path, **overrides: object) -> Iterator[KgSettings]:
    """An engine of its own in ``data_dir`` on free ports, started; stopped on exit."""
    kg = scratch_settings(data_dir, **overrides)
    start(kg)
    try:
        yield kg
    finally:
        stop(kg)


def environment(kg: KgSettings) -> dict[str, str]:
    """The variables that point a `kg` child process at the engine of ``kg`` (and at no Neo4j)."""
    return {
        "KG_DATA_DIR": str(kg.data_dir),
        "KG_BOLT_PORT": str(kg.bolt_port),
        "KG_HTTP_PORT": str(kg.http_port),
        "KG_ENGINE_START_TIMEOUT": str(kg.engine_start_timeout),
        "NEO4J_URI": "",
    }
