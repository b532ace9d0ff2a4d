"""Lifecycle of a real local Neo4j 5: fetched from Maven Central, run as a background JVM.

For users with Java 17+ and Maven but no Docker, and for the test suite, which
runs every graph test on it. ``tools/neo4j/pom.xml`` pins Neo4j Community,
Neo4j Browser and Neo4j's import tool; Maven copies their jars into
``tools/neo4j/lib/`` (ignored by git: Neo4j is GPLv3) on first use, and the
server's own entry point runs from there with ``java -cp``.

The same guarantees as the embedded engine (:mod:`kg.engines.arcadedb.server`): ``start`` is
idempotent and returns once Bolt answers a query; a stale pid file is cleaned
up; a busy port fails fast, naming the port and the setting; a JVM that dies
while starting is reported with the tail of its log; the password is generated
on first start and kept mode 0600. Bolt and HTTP bind to 127.0.0.1 only.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import psutil

from kg.engine_home import NEO4J_USER, START_MARKER, EngineHome, EngineState, write_private
from kg.engines.arcadedb.server import (
    EngineError,
    EnginePortTaken,
    EngineStatus,
    await_bolt,
    await_release,
    free_ports,
    port_free,
    recorded_process,
    stop_recorded,
    terminate,
)
from kg.graph import local_neo4j_connection
from kg.settings import PROJECT_ROOT, KgSettings

RUNTIME_DIR = PROJECT_ROOT / "tools" / "neo4j"
POM = RUNTIME_DIR / "pom.xml"
LIB = RUNTIME_DIR / "lib"
#: Written into ``lib/`` once Maven has copied every jar: the pom's hash, so a changed pin fetches again.
_STAMP = "POM-SHA256"
_SERVER_CLASS = "org.neo4j.server.CommunityEntryPoint"
_ADMIN_CLASS = "org.neo4j.cli.AdminTool"
#: The only database Neo4j Community serves to users.
DATABASE = "neo4j"
#: Neo4j 5.26 runs on Java 17 and 21.
JAVA_MIN = 17


class ToolMissing(EngineError):
    """Java or Maven, which the local Neo4j needs, is missing or too old; the message names what to install."""


# -- the runtime: java, maven, jars ------------------------------------------------------------


def java_executable() -> Path:
    """The ``java`` to run Neo4j with: ``$JAVA_HOME/bin/java`` or the one on PATH, version 17 or newer."""
    home = os.environ.get("JAVA_HOME")
    candidate = Path(home) / "bin" / "java" if home else None
    if candidate is None or not candidate.exists():
        found = shutil.which("java")
        candidate = Path(found) if found else None
    if candidate is None:
        raise ToolMissing("Java is not installed: the local Neo4j needs Java 17 or newer "
                          "(Debian: apt install openjdk-17-jre-headless; or set JAVA_HOME).")
    version = java_version(candidate)
    if version < JAVA_MIN:
        raise ToolMissing(f"{candidate} is Java {version}: the local Neo4j needs Java 17 or newer "
                          "(install it, or set JAVA_HOME to one).")
    return candidate


def java_version(java: Path) -> int:
    """The feature version (17, 21...) ``java -version`` reports."""
    try:
        text = subprocess.run([str(java), "-version"], capture_output=True, text=True, timeout=30).stderr
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ToolMissing(f"{java} does not run ({exc}): install Java 17 or newer, or set JAVA_HOME.") from None
    match = re.search(r'version "(\d+)(?:\.(\d+))?', text)
    if not match:
        raise ToolMissing(f"cannot read the version of {java}: install Java 17 or newer, or set JAVA_HOME.")
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major  # "1.8.0" is Java 8


def _pom_hash() -> str:
    return hashlib.sha256(POM.read_bytes()).hexdigest()


def runtime_ready() -> bool:
    """Whether ``lib/`` holds the jars of the pom as it is now."""
    try:
        return (LIB / _STAMP).read_text(encoding="utf-8").strip() == _pom_hash()
    except FileNotFoundError:
        return False


def ensure_runtime(progress: IO[str] | None = None) -> Path:
    """The folder of Neo4j's jars, fetched by Maven first when missing or pinned differently.

    Maven writes into a fresh folder that replaces ``lib/`` only when complete, so an
    interrupted fetch never leaves a half-filled runtime. ``progress`` receives
    Maven's own output (its downloads) as it goes; None keeps it quiet.
    """
    if runtime_ready():
        return LIB
    RUNTIME_DIR.mkdir(parents=True, exist_ok=True)
    with open(RUNTIME_DIR / ".fetch.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one fetch at a time: a second process waits, then finds lib/ ready
        if not runtime_ready():
            _fetch(progress)
    return LIB


def _fetch(progress: IO[str] | None) -> None:
    """Run Maven into a staging folder, then put it in place of ``lib/`` (under the fetch lock)."""
    mvn = shutil.which("mvn")
    if mvn is None:
        raise ToolMissing("Maven is not installed: the local Neo4j is fetched from Maven Central with it "
                          "(Debian: apt install maven), once.")
    java_executable()
    staging = RUNTIME_DIR / f"lib.fetching-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    command = [mvn, "-B", "-f", str(POM), "dependency:copy-dependencies", f"-DoutputDirectory={staging}"]
    if progress is None:
        command.insert(2, "-q")
    done = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=progress or subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    if done.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        tail = "\n".join((done.stdout or "").strip().splitlines()[-15:])
        raise EngineError(f"Maven could not fetch Neo4j ({' '.join(command[1:])} exited with {done.returncode}); "
                          f"is Maven Central reachable?\n{tail}")
    (staging / _STAMP).write_text(_pom_hash() + "\n", encoding="utf-8")
    old = RUNTIME_DIR / f"lib.old-{os.getpid()}"
    if LIB.exists():
        LIB.rename(old)
    staging.rename(LIB)
    shutil.rmtree(old, ignore_errors=True)


# -- one server -------------------------------------------------------------------------------


def _configuration(kg: KgSettings, home: EngineHome, api_base: str | None) -> str:
    """neo4j.conf: loopback ports, authentication on, the project's Browser style and guide."""
    lines = [
        "# Written by kg at every start; edits here are lost.",
        "server.default_listen_address=127.0.0.1",
        f"server.bolt.listen_address=127.0.0.1:{kg.neo4j_bolt_port}",
        f"server.bolt.advertised_address=127.0.0.1:{kg.neo4j_bolt_port}",
        f"server.http.listen_address=127.0.0.1:{kg.neo4j_http_port}",
        f"server.http.advertised_address=127.0.0.1:{kg.neo4j_http_port}",
        "server.https.enabled=false",
        "server.bolt.tls_level=DISABLED",
        "dbms.security.auth_enabled=true",
        f"server.directories.data={home.root / 'data'}",
        f"server.directories.logs={home.root / 'logs'}",
        f"server.directories.run={home.root / 'run'}",
        f"server.directories.import={home.root / 'import'}",
        f"server.memory.heap.initial_size={kg.neo4j_heap}",
        f"server.memory.heap.max_size={kg.neo4j_heap}",
        f"server.memory.pagecache.size={kg.neo4j_pagecache}",
        "dbms.usage_report.enabled=false",  # no calls home: this machine's network may be closed
        "db.tx_log.rotation.retention_policy=2 files",
        # Browser may fetch guides and styles from these hosts; the project's API is on loopback.
        "browser.remote_content_hostname_whitelist=localhost,127.0.0.1",
        # No usage-data banner in Browser, no telemetry. (Community 5.26 does not declare
        # browser.allow_outgoing_connections, and refuses to start on an undeclared setting.)
        "client.allow_telemetry=false",
    ]
    if api_base:
        # Run on every Browser connection: the project's style and guide, as the API serves them.
        lines.append(f"browser.post_connect_cmd=style {api_base}/browser/style.grass; play {api_base}/browser/guide.html")
    return "\n".join(lines) + "\n"


def _java_arguments(kg: KgSettings, lib: Path, *program: str) -> str:
    """A java argument file (options, class path, main class, arguments), so a password stays out of `ps`."""
    options = [f"-Xmx{kg.neo4j_heap}", "-XX:+UseG1GC", "-XX:-OmitStackTraceInFastThrow",
               "-Djdk.tls.ephemeralDHKeySize=2048", "-Dfile.encoding=UTF-8",
               # what Neo4j's own launcher opens for its off-heap page cache and native access
               "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
               "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
               "-cp", f"{lib}/*", *program]
    return "\n".join('"' + opt.replace("\\", "\\\\").replace('"', '\\"') + '"' for opt in options) + "\n"


def _server_process(home: EngineHome) -> psutil.Process | None:
    """The live Neo4j recorded in the pid file, cleaning up a stale record."""
    return recorded_process(home, f"@{home.args_file}")


def status(kg: KgSettings) -> EngineStatus:
    """Whether the local Neo4j of this data directory runs, and where."""
    home = EngineHome.neo4j(kg)
    proc = _server_process(home)
    state = home.read_state() if proc else None
    if proc is None or state is None:
        return EngineStatus(running=False, data_dir=home.root, engine="neo4j")
    return EngineStatus(running=True, data_dir=home.root, pid=state.pid, bolt_uri=state.bolt_uri,
                        studio_url=state.browser_url, database=state.database, started_at=state.started_at,
                        engine="neo4j", user=NEO4J_USER, password_file=str(home.password_file))


def _check_ports(kg: KgSettings) -> None:
    if kg.neo4j_bolt_port == kg.neo4j_http_port:
        raise EngineError(f"KG_NEO4J_BOLT_PORT and KG_NEO4J_HTTP_PORT are both {kg.neo4j_bolt_port}; give them different ports.")
    for port, what, setting in ((kg.neo4j_bolt_port, "Bolt", "KG_NEO4J_BOLT_PORT"),
                                (kg.neo4j_http_port, "HTTP", "KG_NEO4J_HTTP_PORT")):
        if not port_free(port):
            raise EnginePortTaken(port, f"the local Neo4j's {what} port", f"set {setting} to a free port")


def _admin(java: Path, kg: KgSettings, home: EngineHome, lib: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """Run ``neo4j-admin`` (Neo4j's AdminTool) on this home; arguments go through a private argument file."""
    args_file = home.root / "admin.args"
    write_private(args_file, _java_arguments(kg, lib, _ADMIN_CLASS, *arguments))
    env = {**os.environ, **admin_environment(kg)}
    try:
        return subprocess.run([str(java), f"@{args_file}"], env=env, capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, timeout=600)
    finally:
        args_file.unlink(missing_ok=True)


def prepare_home(kg: KgSettings, api_base: str | None = None) -> EngineHome:
    """The local Neo4j's home with its configuration written: what ``neo4j-admin`` needs to work on it."""
    home = EngineHome.neo4j(kg)
    home.create()
    (home.root / "conf").mkdir(exist_ok=True)
    write_private(home.root / "conf" / "neo4j.conf", _configuration(kg, home, api_base))
    return home


def admin_environment(kg: KgSettings) -> dict[str, str]:
    """The variables ``neo4j-admin`` (``org.neo4j.cli.AdminTool``) reads to find this home and its configuration."""
    home = EngineHome.neo4j(kg)
    return {"NEO4J_HOME": str(home.root), "NEO4J_CONF": str(home.root / "conf")}


def start(kg: KgSettings, *, api_base: str | None = None, progress: IO[str] | None = None) -> EngineStatus:
    """Start the local Neo4j in the background (fetching it first when needed) and wait until Bolt answers.

    ``api_base`` (``http://127.0.0.1:8000``) makes Neo4j Browser apply the project's
    style and open its guide, as the API serves them, on every connection.
    """
    home = EngineHome.neo4j(kg)
    recorded = home.read_pid() is not None
    current = status(kg)
    if current.running:
        return EngineStatus(**{**current.__dict__, "already_running": True})
    java = java_executable()
    lib = ensure_runtime(progress)
    if recorded:
        await_release((kg.neo4j_bolt_port, kg.neo4j_http_port))
    _check_ports(kg)
    prepare_home(kg, api_base)
    # Neo4j takes an initial password only before its system database exists (its first start).
    first_start = not (home.root / "data" / "databases" / "system").exists()
    password = home.ensure_password()
    if first_start:
        done = _admin(java, kg, home, lib, "dbms", "set-initial-password", "--", password)
        if done.returncode != 0:
            raise EngineError(f"neo4j-admin could not set the initial password in {home.root}: "
                              f"{(done.stdout + done.stderr).strip()[-800:]}")
    write_private(home.args_file, _java_arguments(kg, lib, _SERVER_CLASS, f"--home-dir={home.root}",
                                                  f"--config-dir={home.root / 'conf'}"))
    with open(home.log_file, "ab") as log:
        log.write(f"\n{START_MARKER}{datetime.now(UTC).isoformat()} ===\n".encode())
        log.flush()
        proc = subprocess.Popen([str(java), f"@{home.args_file}"], cwd=home.root, stdin=subprocess.DEVNULL,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    home.write_state(EngineState(pid=proc.pid, bolt_port=kg.neo4j_bolt_port, http_port=kg.neo4j_http_port,
                                 database=DATABASE, started_at=datetime.now(UTC).isoformat(timespec="seconds")))
    try:
        _wait_for_bolt(proc, kg, home)
    except BaseException:
        terminate(proc.pid, timeout=30)
        home.clear_state()
        raise
    return status(kg)


def _wait_for_bolt(proc: subprocess.Popen[bytes], kg: KgSettings, home: EngineHome) -> None:
    await_bolt(proc, local_neo4j_connection(kg), home, kg.engine_start_timeout, "Neo4j",
               f"{home.log_file} and {home.root / 'logs' / 'neo4j.log'}")


def stop(kg: KgSettings, timeout: float = 60.0) -> bool:
    """Stop the local Neo4j cleanly; False when it was not running."""
    home = EngineHome.neo4j(kg)
    return stop_recorded(home, _server_process(home), timeout)


# -- servers of their own (the test suite, kg bench) -------------------------------------------


def scratch_settings(data_dir: Path, **overrides: object) -> KgSettings:
    """Settings for a local Neo4j of its own: its own directory and two different free ports."""
    bolt, http = free_ports()
    values: dict[str, object] = {"engine": "neo4j", "data_dir": data_dir, "neo4j_bolt_port": bolt,
                                 "neo4j_http_port": http, **overrides}
    return KgSettings(**values)


@contextmanager
def scratch_server(data_dir: Path, **overrides: object) -> Iterator[KgSettings]:
    """A local Neo4j of its own in ``data_dir`` on free ports, started; stopped on exit."""
    kg = scratch_settings(data_dir, **overrides)
    start(kg, progress=sys.stderr if sys.stderr.isatty() else None)
    try:
        yield kg
    finally:
        stop(kg)


def environment(kg: KgSettings) -> dict[str, str]:
    """The variables that point a `kg` child process at the local Neo4j of ``kg``."""
    return {
        "KG_ENGINE": "neo4j",
        "KG_DATA_DIR": str(kg.data_dir),
        "KG_NEO4J_BOLT_PORT": str(kg.neo4j_bolt_port),
        "KG_NEO4J_HTTP_PORT": str(kg.neo4j_http_port),
        "KG_ENGINE_START_TIMEOUT": str(kg.engine_start_timeout),
        "NEO4J_URI": "",
    }
