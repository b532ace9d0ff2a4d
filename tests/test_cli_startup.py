"""What a kg command loads before it does its work: only what that command needs; and the collector paused
while `kg extract` extracts an article.

Every command imports every command group (kg.cli), so a heavy import at the top of any group's module
is paid by all of them. `kg extract ARTICLE --out FILE` needs no graph driver, no settings and no
engine lifecycle; the driver alone took a tenth of its run (BENCHMARKS.md, "Extraction speed"). Run
in a fresh interpreter: the test process has imported everything already.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from kg.settings import PROJECT_ROOT

#: Modules `kg extract` of a news article does without (the driver, the settings, the engines, the API).
NOT_FOR_EXTRACT = ("neo4j", "kg.graph", "kg.settings", "pydantic_settings", "kg.engines.arcadedb.server",
                   "kg.engines.neo4j.server", "kg.doctor", "kg.queries", "fastapi", "uvicorn", "httpx")
ARTICLE = PROJECT_ROOT / "data" / "dev" / "articles" / "01-poland-k2-second-contract.txt"


def _loaded_after(code: str, modules: tuple[str, ...] = NOT_FOR_EXTRACT) -> list[str]:
    """Which of ``modules`` a fresh interpreter has loaded after running ``code``."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps([m for m in {modules!r} if m in sys.modules]))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


def test_importing_the_cli_loads_no_driver_settings_engine_or_rdf_library() -> None:
    assert _loaded_after("import kg.cli", (*NOT_FOR_EXTRACT, "rdflib", "pyshacl", "pydantic")) == []


def test_kg_extract_of_a_news_article_loads_no_driver_settings_or_engine(tmp_path: Path) -> None:
    out = tmp_path / "k2.yaml"
    code = (f"from kg.cli import app\n"
            f"try:\n    app(['extract', {str(ARTICLE)!r}, '--out', {str(out)!r}])\n"
            f"except SystemExit as exc:\n    assert exc.code in (0, None), exc.code")
    assert _loaded_after(code) == []
    assert out.read_text(encoding="utf-8").count("evidence:") > 0


def test_the_commands_that_need_them_still_find_them() -> None:
    """The imports moved into the commands resolve (a misspelt one would fail only when the command runs)."""
    code = ("from kg.cli import engine, query, common\n"
            "from kg.engines.arcadedb import server as engine_lifecycle\n"
            "from kg.engines.neo4j import server as neo4j_engine\n"
            "from kg.ports import CannotListen, PortTaken, require_listenable\n"
            "from kg.graph import Graph, GraphUnavailable, connection_for, embedded_connection, local_neo4j_connection\n"
            "from kg import doctor, tables\n"
            "from kg.queries import QueryError, get_query, load_queries\n"
            "from kg.cli.load import _load, _print_load_summary, _summary_json\n"
            "from neo4j.exceptions import AuthError, ClientError, ServiceUnavailable, SessionExpired\n"
            "from kg.settings import Settings, SettingsError, load_settings\n"
            "engine_lifecycle.EngineStatus, neo4j_engine.ToolMissing, engine_lifecycle.EngineError")
    assert "neo4j" in _loaded_after(code)


def test_the_collector_is_paused_for_the_block_only_and_left_as_it_was() -> None:
    import gc

    from kg.cli.extract import collector_paused

    assert gc.isenabled()
    try:
        with collector_paused():
            assert not gc.isenabled()
            raise ValueError("the extraction failed")
    except ValueError:
        pass
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # a caller that paused it keeps it paused
    finally:
        gc.enable()
