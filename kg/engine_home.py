"""The embedded engine's home directory: where its files live and what they say.

Pure file handling (no process control, no driver), so both the lifecycle
(:mod:`kg.engines.arcadedb.server`) and the graph access layer (:mod:`kg.graph`) can read the
password and the running instance's ports without importing each other.

Layout under ``KG_DATA_DIR``::

    server/            ArcadeDB server root (databases/, config/, log/)
    log/               ArcadeDB's own rolling log (it writes ./log under its cwd)
    engine.log         the JVM's stdout/stderr: the first place to look
    engine.pid         pid of the running JVM
    engine.json        what the running instance listens on (ports, database)
    engine.args        JVM argument file (holds the root password; mode 0600)
    password           the generated root password (mode 0600)
    neo4j/             the local Neo4j's home (``kg engine start --engine neo4j``),
                       laid out like this folder: conf/, data/, logs/, engine.log,
                       engine.pid, engine.json, engine.args, password
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

from kg.settings import KgSettings

#: Written to the engine log before each start, so a failure shows only its own output.
START_MARKER = "=== kg engine start "

#: The engine's administrative user (ArcadeDB's built-in root).
ENGINE_USER = "root"
#: The local Neo4j's administrative user (Neo4j's built-in one).
NEO4J_USER = "neo4j"


@dataclass(frozen=True)
class EngineState:
    """What a started instance listens on, written at start, read by status."""

    pid: int
    bolt_port: int
    http_port: int
    database: str
    started_at: str

    @property
    def bolt_uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"

    @property
    def studio_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/"

    @property
    def browser_url(self) -> str:
        """Neo4j Browser, on a local Neo4j."""
        return f"http://127.0.0.1:{self.http_port}/browser/"


@dataclass(frozen=True)
class EngineHome:
    """Paths and small files of one embedded engine installation."""

    root: Path

    @classmethod
    def from_settings(cls, kg: KgSettings) -> EngineHome:
        return cls(Path(kg.data_dir).expanduser().resolve())

    @classmethod
    def neo4j(cls, kg: KgSettings) -> EngineHome:
        """The local Neo4j's home, inside the data directory."""
        return cls(Path(kg.data_dir).expanduser().resolve() / "neo4j")

    @property
    def server_root(self) -> Path:
        return self.root / "server"

    @property
    def log_file(self) -> Path:
        return self.root / "engine.log"

    @property
    def pid_file(self) -> Path:
        return self.root / "engine.pid"

    @property
    def state_file(self) -> Path:
        return self.root / "engine.json"

    @property
    def args_file(self) -> Path:
        return self.root / "engine.args"

    @property
    def password_file(self) -> Path:
        return self.root / "password"

    def create(self) -> None:
        """Create the home directory, private to the user."""
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)

    # -- password -----------------------------------------------------------

    def read_password(self) -> str | None:
        """The stored root password, or None before the first start."""
        try:
            return self.password_file.read_text(encoding="utf-8").strip() or None
        except FileNotFoundError:
            return None

    def ensure_password(self) -> str:
        """Return the root password, generating it (mode 0600) on first use."""
        existing = self.read_password()
        if existing:
            return existing
        self.create()
        password = secrets.token_urlsafe(24)
        write_private(self.password_file, password + "\n")
        return password

    # -- state of a running instance -----------------------------------------

    def read_pid(self) -> int | None:
        try:
            return int(self.pid_file.read_text(encoding="utf-8").strip())
        except (FileNotFoundError, ValueError):
            return None

    def read_state(self) -> EngineState | None:
        try:
            data = json.loads(self.state_file.read_text(encoding="utf-8"))
            return EngineState(**data)
        except (FileNotFoundError, ValueError, TypeError):
            return None

    def write_state(self, state: EngineState) -> None:
        self.pid_file.write_text(f"{state.pid}\n", encoding="utf-8")
        self.state_file.write_text(json.dumps(asdict(state), indent=2) + "\n", encoding="utf-8")

    def clear_state(self) -> None:
        for path in (self.pid_file, self.state_file):
            path.unlink(missing_ok=True)

    def log_tail(self, lines: int = 40) -> str:
        """Last lines the JVM printed since the latest start, for error messages."""
        try:
            text = self.log_file.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return "(no engine log yet)"
        latest = text.rsplit(START_MARKER, 1)[-1]
        return "\n".join(latest.strip("\n").splitlines()[-lines:]) or "(the engine printed nothing)"


def write_private(path: Path, text: str) -> None:
    """Write a file readable by its owner only (created 0600, never wider)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, text.encode("utf-8"))
    finally:
        os.close(fd)
