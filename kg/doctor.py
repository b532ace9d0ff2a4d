"""`kg doctor`: check the graph the settings point at and explain what is wrong.

Each check says in plain words what it found and, when it fails, what to do.
Checks stop at the first failure that makes the later ones meaningless (no
point testing credentials when nothing listens).
"""

from __future__ import annotations

import os
import stat
from dataclasses import asdict, dataclass

from neo4j.exceptions import AuthError, ClientError, ServiceUnavailable

from kg.engine_home import EngineHome
from kg.engines.arcadedb import server as engine
from kg.engines.neo4j import server as neo4j_engine
from kg.graph import Graph, GraphUnavailable, connection_for
from kg.settings import Settings


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str | None = None

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def run_checks(settings: Settings) -> list[Check]:
    """All checks, in order; the list ends at the first blocking failure."""
    checks: list[Check] = []
    if settings.embedded or settings.local_neo4j:
        checks.extend(_embedded_checks(settings) if settings.embedded else _local_neo4j_checks(settings))
        if not all(c.ok for c in checks):
            return checks
    checks.extend(_connection_checks(settings))
    return checks


def _embedded_checks(settings: Settings) -> list[Check]:
    kg = settings.kg
    home = EngineHome.from_settings(kg)
    checks: list[Check] = [Check("mode", True, f"NEO4J_URI is unset: using the embedded engine in {home.root}")]
    try:
        engine.distribution()
        checks.append(Check("engine package", True, "arcadedb-embedded with its JRE is installed"))
    except engine.EngineError as exc:
        return [*checks, Check("engine package", False, str(exc), "pip install -e . in the project's environment")]
    if home.root.exists() and not os.access(home.root, os.W_OK):
        return [*checks, Check("data directory", False, f"{home.root} is not writable", "set KG_DATA_DIR to a directory you own")]
    checks.append(Check("data directory", True, f"{home.root}"))
    st = engine.status(kg)
    if not st.running:
        return [*checks, Check("engine", False, "the embedded engine is not running", "run: kg engine start")]
    checks.append(Check("engine", True, f"running (pid {st.pid}), Bolt at {st.bolt_uri}"))
    return [*checks, *_password_checks(home)]


def _local_neo4j_checks(settings: Settings) -> list[Check]:
    kg = settings.kg
    home = EngineHome.neo4j(kg)
    checks = [Check("mode", True, f"NEO4J_URI is unset and KG_ENGINE is neo4j: using the local Neo4j in {home.root}")]
    try:
        java = neo4j_engine.java_executable()
        checks.append(Check("java", True, f"{java} (Java {neo4j_engine.java_version(java)})"))
    except neo4j_engine.ToolMissing as exc:
        return [*checks, Check("java", False, str(exc), "install Java 17 or newer, or set JAVA_HOME")]
    if neo4j_engine.runtime_ready():
        checks.append(Check("neo4j jars", True, f"fetched into {neo4j_engine.LIB}"))
    else:
        return [*checks, Check("neo4j jars", False, f"not fetched yet into {neo4j_engine.LIB}",
                               "run: kg engine start --engine neo4j (fetches them with Maven, once)")]
    st = neo4j_engine.status(kg)
    if not st.running:
        return [*checks, Check("engine", False, "the local Neo4j is not running", "run: kg engine start --engine neo4j")]
    checks.append(Check("engine", True, f"running (pid {st.pid}), Bolt at {st.bolt_uri}, Browser at {st.studio_url}"))
    return [*checks, *_password_checks(home)]


def _password_checks(home: EngineHome) -> list[Check]:
    """The generated password's file: present and private."""
    checks: list[Check] = []
    mode = stat.S_IMODE(home.password_file.stat().st_mode) if home.password_file.exists() else None
    if mode is None:
        return [*checks, Check("password file", False, f"{home.password_file} is missing",
                               "restore it, or stop the engine and start it with a fresh KG_DATA_DIR")]
    if mode & 0o077:
        return [*checks, Check("password file", False, f"{home.password_file} has mode {mode:o}; others can read it",
                               f"chmod 600 {home.password_file}")]
    checks.append(Check("password file", True, f"{home.password_file} (mode 600)"))
    return checks


def _connection_checks(settings: Settings) -> list[Check]:
    connection = connection_for(settings)
    where = connection.describe()
    if connection.embedded:
        unreachable_fix = "run: kg engine status, then kg engine stop && kg engine start"
        auth_fix = f"the password in {EngineHome.from_settings(settings.kg).password_file} does not match the engine's; restore it"
        db_fix = "stop the engine and start it again: it creates the database KG_DATABASE names"
    elif connection.local_neo4j:
        unreachable_fix = "run: kg engine status --engine neo4j, then kg engine stop --engine neo4j && kg engine start --engine neo4j"
        auth_fix = f"the password in {EngineHome.neo4j(settings.kg).password_file} does not match Neo4j's; restore it"
        db_fix = "the local Neo4j serves the database 'neo4j'; stop it and start it again"
    else:
        unreachable_fix = "start Neo4j (docker compose up -d neo4j) or correct NEO4J_URI"
        auth_fix = "set NEO4J_USERNAME and NEO4J_PASSWORD to a valid Neo4j user"
        db_fix = "set NEO4J_DATABASE to an existing database (Neo4j Community has 'neo4j')"
    if connection.local_neo4j and not connection.password:
        return [Check("credentials", False, f"{EngineHome.neo4j(settings.kg).password_file} is missing",
                      "restore it, or stop Neo4j and start it with a fresh KG_DATA_DIR")]
    if not connection.embedded and not connection.password:
        return [Check("credentials", False, "NEO4J_URI is set but NEO4J_PASSWORD is not", "set NEO4J_PASSWORD")]
    try:
        with Graph.open(settings) as graph:
            graph.verify()
            counts = graph.counts()
            agent = graph.dialect.name
    except (ServiceUnavailable, GraphUnavailable) as exc:  # refused, or accepting but silent (a frozen engine)
        return [Check("connection", False, f"nothing answers at {connection.uri}: {exc}", unreachable_fix)]
    except AuthError:
        return [Check("connection", True, f"{connection.uri} answers"),
                Check("credentials", False, f"user {connection.user!r} was refused at {connection.uri}", auth_fix)]
    except ClientError as exc:
        if "database" in (exc.code or "").lower() or "database" in (exc.message or "").lower():
            return [Check("connection", True, f"{connection.uri} answers"),
                    Check("credentials", True, f"user {connection.user!r} accepted"),
                    Check("database", False, f"database {connection.database!r}: {exc.message}", db_fix)]
        return [Check("query", False, f"a test query failed on {where}: {exc.message}", "read the message above")]
    except ValueError as exc:  # malformed URI and the like
        return [Check("connection", False, f"cannot use {connection.uri!r}: {exc}", "correct NEO4J_URI (for example neo4j://localhost:7687)")]
    return [
        Check("connection", True, f"{connection.uri} answers ({agent})"),
        Check("credentials", True, f"user {connection.user!r} accepted"),
        Check("database", True, f"{connection.database!r} holds {counts.nodes} nodes and {counts.relationships} relationships"),
    ]
