"""Every Cypher statement the project ships passes Neo4j's own linter.

The embedded engine proves the Cypher runs; this proves Neo4j 5 accepts it.
Statements are collected from ``queries/*.cypher`` and from the code: every
module-level :class:`kg.cypher.Cypher` constant in the ``kg`` and ``loaders``
packages, plus what each module's ``cypher_statements()`` generates (statements
built from ontology labels). The linter is the npm package pinned in
``tools/cypher-lint`` (installed by the README's test command).
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
import shutil
import subprocess
from collections.abc import Iterator

from kg.cypher import Cypher
from kg.settings import PROJECT_ROOT

LINT_DIR = PROJECT_ROOT / "tools" / "cypher-lint"
PACKAGES = ("kg", "loaders")


def _modules() -> Iterator[object]:
    for package_name in PACKAGES:
        package = importlib.import_module(package_name)
        yield package
        for info in pkgutil.walk_packages(package.__path__, prefix=package_name + "."):
            yield importlib.import_module(info.name)


def shipped_statements() -> dict[str, str]:
    """Statement id (file or module attribute) -> Cypher text, each text once."""
    statements: dict[str, str] = {}
    for path in sorted((PROJECT_ROOT / "queries").glob("*.cypher")):
        statements[f"queries/{path.name}"] = path.read_text(encoding="utf-8")
    for module in _modules():
        found = [(f"{module.__name__}.{name}", value) for name, value in vars(module).items() if isinstance(value, Cypher)]
        generate = getattr(module, "cypher_statements", None)
        if callable(generate):
            found += [(f"{module.__name__}.cypher_statements()[{i}]", s) for i, s in enumerate(generate())]
        for sid, text in found:
            if text not in statements.values():
                statements[sid] = str(text)
    return statements


def lint(statements: dict[str, str]) -> dict[str, list[dict[str, object]]]:
    node = shutil.which("node")
    assert node, "Node.js is required for the Cypher linter test"
    assert (LINT_DIR / "node_modules" / "@neo4j-cypher" / "language-support").is_dir(), (
        f"the Cypher linter is not installed: run  npm ci --prefix {LINT_DIR.relative_to(PROJECT_ROOT)}"
    )
    payload = json.dumps([{"id": k, "text": v} for k, v in statements.items()])
    done = subprocess.run([node, str(LINT_DIR / "lint.mjs")], input=payload, capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stderr
    return {item["id"]: item["diagnostics"] for item in json.loads(done.stdout)}


def test_the_linter_catches_errors_and_ignores_parameters() -> None:
    results = lint({"bad": "MATCH (n) RETURN m", "params": "MATCH (n {id: $id}) RETURN n", "syntax": "MATCH (n RETURN n"})
    assert [d["message"] for d in results["bad"]] == ["Variable `m` not defined"]
    assert results["params"] == []
    assert any(d["severity"] == "error" for d in results["syntax"])


def test_every_shipped_statement_passes_the_neo4j_linter() -> None:
    statements = shipped_statements()
    assert len(statements) >= 3, statements  # the collector finds the code's statements
    problems = {
        sid: [f"{d['severity']}: {d['message']} (at offset {d['offset']})" for d in diagnostics if d["severity"] in ("error", "warning")]
        for sid, diagnostics in lint(statements).items()
    }
    failing = {sid: msgs for sid, msgs in problems.items() if msgs}
    assert not failing, json.dumps(failing, indent=2)


def test_only_the_graph_layer_opens_a_driver() -> None:
    offenders = []
    for package_name in PACKAGES:
        for path in (PROJECT_ROOT / package_name).rglob("*.py"):
            if path == PROJECT_ROOT / "kg" / "graph.py":
                continue
            if re.search(r"\bGraphDatabase\b|neo4j\.(driver|GraphDatabase)", path.read_text(encoding="utf-8")):
                offenders.append(str(path.relative_to(PROJECT_ROOT)))
    assert offenders == []
