"""Typed settings, read once from the environment (and an optional `.env`).

The standard Neo4j variables (`NEO4J_URI`, `NEO4J_USERNAME`, `NEO4J_PASSWORD`,
`NEO4J_DATABASE`) point the project at a real Neo4j. When `NEO4J_URI` is unset
the embedded ArcadeDB engine is used, configured by the `KG_*` variables.

Settings are passed to the functions that need them (never read from module
globals), so tests construct their own instead of patching the environment.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from kg import PROJECT_ROOT  # noqa: F401 - where it has always been imported from

#: URI schemes the official driver accepts for a Neo4j server.
URI_SCHEMES = ("neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc")


def default_data_dir() -> Path:
    """Per-user data directory for the embedded engine (XDG on Linux)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "arms-kg"


class Neo4jSettings(BaseSettings):
    """Connection to an external Neo4j 5 server; unused while `uri` is unset."""

    model_config = SettingsConfigDict(env_prefix="NEO4J_", env_file=".env", extra="ignore")

    uri: str | None = Field(None, description="Bolt/Neo4j URI of a real Neo4j; unset = embedded engine")
    username: str = Field("neo4j", description="Neo4j user")
    password: SecretStr | None = Field(None, description="Neo4j password")
    database: str = Field("neo4j", description="Neo4j database name")

    @field_validator("uri")
    @classmethod
    def _known_scheme(cls, uri: str | None) -> str | None:
        if not uri:
            return None
        scheme = uri.split("://", 1)[0] if "://" in uri else ""
        if scheme not in URI_SCHEMES:
            raise ValueError(f"{uri!r} is not a Neo4j URI; use one of {', '.join(s + '://' for s in URI_SCHEMES)}")
        return uri


class KgSettings(BaseSettings):
    """The project's own settings (`KG_*`)."""

    model_config = SettingsConfigDict(env_prefix="KG_", env_file=".env", extra="ignore")

    engine: Literal["arcadedb", "neo4j"] = Field("arcadedb", description="The local engine used while NEO4J_URI is unset: "
                                                   "arcadedb (embedded, pip only) or neo4j (a real Neo4j run by "
                                                   "`kg engine start --engine neo4j`; needs Java 17+ and Maven)")
    data_dir: Path = Field(default_factory=default_data_dir, description="Local engines' home: databases, logs, password, pid "
                                                                         "(the local Neo4j in its neo4j/ folder)")
    bolt_port: int = Field(7688, ge=1, le=65535, description="Embedded engine Bolt port (127.0.0.1)")
    http_port: int = Field(2480, ge=1, le=65535, description="Embedded engine HTTP/Studio port (127.0.0.1)")
    database: str = Field("kg", pattern=r"^[A-Za-z][A-Za-z0-9_]*$", description="Embedded engine database name")
    engine_heap: str = Field("1g", pattern=r"^\d+[mMgG]$", description="Embedded engine JVM heap (-Xmx)")
    neo4j_bolt_port: int = Field(7687, ge=1, le=65535, description="Local Neo4j's Bolt port (127.0.0.1)")
    neo4j_http_port: int = Field(7474, ge=1, le=65535, description="Local Neo4j's HTTP port, Neo4j Browser at /browser/ (127.0.0.1)")
    neo4j_heap: str = Field("1g", pattern=r"^\d+[mMgG]$", description="Local Neo4j's JVM heap")
    neo4j_pagecache: str = Field("512m", pattern=r"^\d+[mMgG]$", description="Local Neo4j's page cache (its default takes "
                                                                                "half the machine's memory)")
    engine_start_timeout: float = Field(90.0, gt=0, description="Seconds to wait for Bolt after `kg engine start`")
    transaction_timeout: float = Field(60.0, gt=0, description="Max seconds a transaction keeps retrying transient errors, "
                                                                "and waits for an unreachable or silent (frozen) engine")
    api_read_timeout: float = Field(2.0, gt=0, description="Max seconds an API read waits for an unreachable or silent (frozen) "
                                                            "engine before answering 503 (loads keep KG_TRANSACTION_TIMEOUT)")
    api_host: str = Field("127.0.0.1", description="Address `kg serve` binds")
    api_port: int = Field(8000, ge=1, le=65535, description="Port `kg serve` listens on")
    api_workers: int = Field(2, ge=1, le=64, description="Processes `kg serve` answers requests in (uvicorn workers), so the "
                                                         "API's Python work spreads over cores; 1 serves from its own process")
    api_key: SecretStr | None = Field(None, description="Key (X-API-Key header) for POST/DELETE /sources and /deals/judgements; unset = writes off")
    api_key_for_reads: bool = Field(False, description="Require the API key on read endpoints too")
    api_max_upload_bytes: int = Field(2_000_000, gt=0, description="Largest annotation file POST /sources accepts")
    search_max_age: float = Field(60.0, ge=0, description="Seconds entity search, and /paths' lookup of its ends, may use "
                                                          "names read earlier while the graph's counts stay the same (a "
                                                          "re-load that only renames)")
    review_dir: Path | None = Field(None, description="Where extracted facts below --min-confidence wait for review; "
                                                      "unset = $KG_DATA_DIR/review")
    load_workers: int = Field(2, ge=1, le=64, description="Processes that check files (parse, resolve, SHACL) while `kg load` "
                                                           "writes; 1 checks them in the loading process")
    load_batch: int = Field(100, ge=1, le=10_000, description="Sources new to the graph that `kg load` writes per transaction "
                                                              "(stored ones are replaced one by one); 1 writes each alone")
    min_confidence: float = Field(0.6, ge=0, le=1, description="Default --min-confidence of `kg load` for raw article text")

    @property
    def review_path(self) -> Path:
        return self.review_dir or self.data_dir / "review"


class Settings:
    """Everything the project reads from its environment, in two groups."""

    def __init__(self, neo4j: Neo4jSettings | None = None, kg: KgSettings | None = None) -> None:
        self.neo4j = neo4j if neo4j is not None else Neo4jSettings()
        self.kg = kg if kg is not None else KgSettings()

    @property
    def embedded(self) -> bool:
        """True when the embedded engine is the graph (no `NEO4J_URI`, `KG_ENGINE` arcadedb)."""
        return not self.neo4j.uri and self.kg.engine == "arcadedb"

    @property
    def local_neo4j(self) -> bool:
        """True when the project's own local Neo4j is the graph (no `NEO4J_URI`, `KG_ENGINE` neo4j)."""
        return not self.neo4j.uri and self.kg.engine == "neo4j"

    def __repr__(self) -> str:  # secrets stay masked by SecretStr
        return f"Settings(neo4j={self.neo4j!r}, kg={self.kg!r})"


class SettingsError(ValueError):
    """A setting has an unusable value; the message names the variable."""


def load_settings() -> Settings:
    """Read settings from the environment now (call at command start, not import)."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            field = ".".join(str(part) for part in error["loc"])
            prefix = "NEO4J_" if exc.title == "Neo4jSettings" else "KG_"
            problems.append(f"{prefix}{field.upper()}: {error['msg']}")
        raise SettingsError("invalid settings: " + "; ".join(problems)) from None
