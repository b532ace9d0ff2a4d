"""Shared fixtures: one real graph per engine per test session.

Every test that touches the graph runs twice: on the embedded engine
(ArcadeDB) and on a real Neo4j 5 (``tools/neo4j``, fetched from Maven Central
on first use). The suite starts each once, on free loopback ports in a
temporary directory, and stops it at the end. ``KG_TEST_ENGINES`` narrows the
run (``arcadedb`` or ``neo4j``; both by default). With ``NEO4J_URI`` set (plus
``NEO4J_USERNAME``/``NEO4J_PASSWORD``/``NEO4J_DATABASE``) the Neo4j half runs
against that server instead. The database is never mocked.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from kg.engines.arcadedb import server as engine
from kg.engines.neo4j import server as neo4j_engine
from kg.graph import Graph
from kg.settings import KgSettings, Neo4jSettings, Settings

#: A TCP port free on 127.0.0.1 right now.
free_port = engine.free_port
#: Environment for running the `kg` CLI against the engine of the given settings.
settings_env = engine.environment


def engine_settings(data_dir: Path, **overrides: object) -> KgSettings:
    """Settings for a private embedded engine: its own directory and free ports (a slow machine gets 120 s to start it)."""
    return engine.scratch_settings(data_dir, **{"engine_start_timeout": 120, **overrides})


#: The engines the graph tests run on (``KG_TEST_ENGINES``, comma-separated).
ENGINES = [name.strip() for name in os.environ.get("KG_TEST_ENGINES", "arcadedb,neo4j").split(",") if name.strip()]
if not ENGINES or set(ENGINES) - {"arcadedb", "neo4j"}:
    raise pytest.UsageError(f"KG_TEST_ENGINES={os.environ.get('KG_TEST_ENGINES')!r}: name arcadedb, neo4j or both")


def cli_env(settings: Settings) -> dict[str, str]:
    """Environment for running the `kg` CLI against the session's graph, whichever it is."""
    if settings.embedded:
        return settings_env(settings.kg)
    if settings.local_neo4j:
        return neo4j_engine.environment(settings.kg)
    assert settings.neo4j.uri and settings.neo4j.password
    return {"NEO4J_URI": settings.neo4j.uri, "NEO4J_USERNAME": settings.neo4j.username,
            "NEO4J_PASSWORD": settings.neo4j.password.get_secret_value(), "NEO4J_DATABASE": settings.neo4j.database}


@contextmanager
def private_engine(data_dir: Path) -> Iterator[Settings]:
    """An embedded engine of its own in ``data_dir`` on free ports, stopped on exit."""
    with engine.scratch_engine(data_dir, engine_start_timeout=120) as kg:
        yield Settings(neo4j=Neo4jSettings(uri=None), kg=kg)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "engines(*names): run only on these engines (arcadedb, neo4j); the test's "
                                       "other engine runs are deselected, not skipped")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect the engine runs a test's ``engines`` marker leaves out (a Browser test is for Neo4j only),
    and keep each engine's tests on one pytest-xdist worker, which starts that engine once
    (``--dist loadgroup``): the two engines' halves of the suite then run side by side."""
    keep, drop = [], []
    for item in items:
        marker = item.get_closest_marker("engines")
        callspec = getattr(item, "callspec", None)
        engine = callspec.params.get("settings") if callspec else None
        if engine:
            item.add_marker(pytest.mark.xdist_group(engine))
        (drop if marker and engine and engine not in marker.args else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@contextmanager
def private_neo4j(data_dir: Path) -> Iterator[Settings]:
    """A real Neo4j of its own in ``data_dir`` on free ports, stopped on exit."""
    with neo4j_engine.scratch_server(data_dir, engine_start_timeout=180) as kg:
        yield Settings(neo4j=Neo4jSettings(uri=None), kg=kg)


@contextmanager
def private_graph(engine_name: str, data_dir: Path) -> Iterator[Settings]:
    """An engine of its own (``arcadedb`` or ``neo4j``), empty, stopped on exit."""
    with (private_neo4j if engine_name == "neo4j" else private_engine)(data_dir) as own:
        yield own


def engine_name(settings: Settings) -> str:
    """Which engine a test's graph runs on."""
    return "arcadedb" if settings.embedded else "neo4j"


#: Debian's Chromium, as the browser tests run it (the machine's network is closed: no background calls).
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
                  "--no-first-run", "--disable-component-update", "--disable-sync"]


@contextmanager
def headless_chromium():
    """Debian's Chromium, headless, driven by Playwright (which never downloads a browser of its own here)."""
    import shutil

    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    assert executable, "Chromium is needed for the browser tests: run tools/install-test-deps (Debian package chromium)"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_FLAGS)
        try:
            yield launched
        finally:
            launched.close()


@contextmanager
def running_api(settings: Settings, graph: Graph) -> Iterator[str]:
    """The real API served by uvicorn on a free loopback port (in a thread), yielding its base URL."""
    import uvicorn

    from kg.api.app import create_app

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings, graph=graph), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the API server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


RENAMED = """\
article: {{id: {article}, date: 2025-11-20}}
entities:
  - {{id: q, type: Contractor, name: Quillon Dynamics, aliases: [{alias}]}}
  - {{id: tw, type: State, name: Taiwan, iso_code: TW}}
events:
  - type: ContractAward
    id: award
    date: 2025-11
    participants: [{{entity: q, role: contractor}}, {{entity: tw, role: buyer}}]
    evidence: Taiwan awarded a contract to Quillon Dynamics.
"""


def renamed_source(article: str, alias: str) -> str:
    """A source naming contractor:quillon-dynamics with one alias: re-loading it with another
    alias changes names but no counts, so the graph's signature stays as it was."""
    return RENAMED.format(article=article, alias=alias)


@contextmanager
def scratch_source(loader, path: Path, text: str) -> Iterator[Path]:
    """``text`` written to ``path`` and loaded into the graph as a source for the block, unloaded after it."""
    path.write_text(text, encoding="utf-8")
    summary = loader.load([path])
    assert not summary.rejected, [str(r) for r in summary.rejected]
    try:
        yield path
    finally:
        for report in summary.reports:
            loader.unload(report.source_id)


@pytest.fixture(scope="session", params=ENGINES)
def settings(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """Settings of the session's graph on each engine: a fresh embedded engine, a fresh real Neo4j
    (or the Neo4j ``NEO4J_URI`` names)."""
    if request.param == "neo4j" and os.environ.get("NEO4J_URI"):
        yield Settings()
        return
    with private_graph(request.param, tmp_path_factory.mktemp(request.param)) as own:
        yield own


@pytest.fixture(scope="session")
def spare_settings(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """A second engine of the same kind, for tests that log in with a wrong password.

    Both engines lock a user out after a few failed logins (ArcadeDB for about 30 s
    after 5, Neo4j for 5 s after 3), so such tests must not spend the shared
    engine's allowance: a lockout there would fail unrelated tests that happen
    to run next. With ``NEO4J_URI`` set there is only the configured server.
    """
    if not (settings.embedded or settings.local_neo4j):
        yield settings
        return
    with private_graph(engine_name(settings), tmp_path_factory.mktemp("spare-" + engine_name(settings))) as spare:
        yield spare


@pytest.fixture(scope="session")
def graph(settings: Settings) -> Iterator[Graph]:
    with Graph.open(settings) as g:
        yield g


SAMPLE_CORPUS = [Path(__file__).resolve().parent.parent / "data" / "reference" / "company-lineage.yaml",
                 Path(__file__).resolve().parent.parent / "data" / "annotations"]


@pytest.fixture(scope="session")
def loader(graph: Graph):
    from loaders.pipeline import Loader

    return Loader(graph)


@pytest.fixture(scope="session")
def corpus(loader) -> None:
    """The sample corpus, loaded once into the session's graph."""
    summary = loader.load(SAMPLE_CORPUS)
    assert not summary.rejected, [str(r) for r in summary.rejected]


@pytest.fixture(scope="module")
def sample(loader, corpus) -> None:
    """The sample corpus as it is on disk, whatever earlier test modules did to the shared graph
    (loading is idempotent: unchanged sources are skipped, retracted ones come back)."""
    summary = loader.load(SAMPLE_CORPUS)
    assert not summary.rejected, [str(r) for r in summary.rejected]


#: The official-source folders of the sample corpus (DSCA releases, 36(b) transmittals, DoD contract pages, SIPRI rows).
OFFICIAL = [Path(__file__).resolve().parent.parent / "data" / "official" / kind
            for kind in ("dsca", "transmittals", "dod-contracts", "sipri")]


@pytest.fixture(scope="module")
def official(loader, sample) -> Iterator[list[str]]:
    """The official folders loaded on the sample corpus for this module, unloaded after it."""
    summary = loader.load(OFFICIAL)
    assert not summary.rejected, [str(r) for r in summary.rejected]
    ids = [r.source_id for r in summary.reports]
    yield ids
    for source_id in ids:
        loader.unload(source_id)
