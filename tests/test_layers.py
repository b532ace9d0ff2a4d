"""The layers of kg/ and loaders/: a module imports its own layer and the layers below, never one above.

Layers, top to bottom:

4. apps: the CLI, the API, the explorer page, ``kg viz``, ``kg bench``, doctor, the Browser kit;
3. reads and loaders: what the apps ask of the graph, and what fills it;
2. store, property graph, schema: how facts are written and constrained;
1. graph access, ontology, Cypher: one connection to an engine, the ontology, query texts;
0. settings and the engine's home on disk, exit codes, ports.

Every import counts, at module level or inside a function (a function-local import
hides a dependency from a reader, not from the layering), and so do imports under
``TYPE_CHECKING``. The modules are parsed, not imported, so the test is quick and
sees every branch.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("kg", "loaders")
LAYER_NAMES = ("settings and engine home", "graph access, ontology, Cypher", "store, property graph, schema",
               "reads and loaders", "apps")

#: Where each module belongs, by the longest dotted prefix that names it (a package covers its modules).
LAYERS: dict[str, int] = {
    # 0: what every layer reads: settings, where engines keep their state, exit codes, ports.
    "kg": 0,  # the package itself (its __init__)
    "kg.settings": 0,
    "kg.engine_home": 0,
    "kg.exit_codes": 0,
    "kg.ports": 0,
    # 1: one connection to an engine and what runs on it. The engine lifecycles are here, not in 0:
    # they wait until Bolt answers through kg.graph.
    "kg.graph": 1,
    "kg.liveness": 1,
    "kg.cypher": 1,
    "kg.queries": 1,
    "kg.ontology": 1,
    "kg.names": 1,
    "kg.captions": 1,
    "kg.palette": 1,
    "kg.entity_types": 1,
    "kg.engines": 1,
    # 2: writing facts and the graph's constraints.
    "kg.store": 2,
    "kg.deal_store": 2,
    "kg.property_graph": 2,
    "kg.schema": 2,
    "kg.admin_import": 2,
    "kg.source_identity": 2,
    "kg.ontology_docs": 2,  # renders the ontology and the schema it implies
    # 3: reads (no FastAPI or Typer) and loaders.
    "kg.reads": 3,
    "loaders": 3,
    # 4: apps.
    "kg.cli": 4,
    "kg.api": 4,
    "kg.web": 4,
    "kg.viz": 4,
    "kg.bench": 4,
    "kg.doctor": 4,
    "kg.browser_kit": 4,
    "kg.tables": 4,  # how `kg query` prints rows
}

#: Imports that climb a layer today, as (importer, imported module). Each is a debt: when one is
#: removed, delete its entry here (test_known_violations_still_exist fails until then).
KNOWN_VIOLATIONS: frozenset[tuple[str, str]] = frozenset()


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    return {module_name(p): p for package in PACKAGES for p in sorted((ROOT / package).rglob("*.py"))}


def layer_of(module: str) -> int | None:
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        layer = LAYERS.get(".".join(parts[:end]))
        if layer is not None:
            return layer
    return None


def imported_modules(module: str, source: str, known: set[str], *, is_package: bool = False) -> set[str]:
    """The project modules ``source`` imports anywhere (module level, functions, TYPE_CHECKING blocks).

    ``from kg import tables`` imports the module kg.tables when there is one, else a name of kg."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolved against the importing module's package
                package = module.split(".") if is_package else module.split(".")[:-1]
                base = ".".join(package[:len(package) - node.level + 1] + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in known}
    return {name for name in found if name.split(".")[0] in PACKAGES}


def upward_imports(module: str, source: str, known: set[str], *, is_package: bool = False) -> set[tuple[str, str]]:
    """(module, imported) for each import of a layer above the module's own."""
    own = layer_of(module)
    assert own is not None, module
    climbs = set()
    for imported in imported_modules(module, source, known, is_package=is_package):
        layer = layer_of(imported)
        if layer is not None and layer > own:
            climbs.add((module, imported))
    return climbs


MODULES = project_modules()


def test_every_module_has_a_layer() -> None:
    unplaced = sorted(name for name in MODULES if layer_of(name) is None)
    assert unplaced == [], f"place these modules in LAYERS of tests/test_layers.py: {unplaced}"


def test_no_module_imports_a_layer_above_its_own() -> None:
    known = set(MODULES)
    climbs = set()
    for name, path in MODULES.items():
        if layer_of(name) is not None:
            climbs |= upward_imports(name, path.read_text(encoding="utf-8"), known, is_package=path.name == "__init__.py")
    new = sorted(climbs - KNOWN_VIOLATIONS)
    described = [f"{importer} (layer {layer_of(importer)}, {LAYER_NAMES[layer_of(importer) or 0]}) imports {imported} "
                 f"(layer {layer_of(imported)}, {LAYER_NAMES[layer_of(imported) or 0]})" for importer, imported in new]
    assert described == []


def test_known_violations_still_exist() -> None:
    """A fixed violation is deleted from KNOWN_VIOLATIONS, so the set only shrinks in sight."""
    known = set(MODULES)
    still = {(importer, imported) for importer, imported in KNOWN_VIOLATIONS if importer in MODULES
             and (importer, imported) in upward_imports(importer, MODULES[importer].read_text(encoding="utf-8"), known,
                                                        is_package=MODULES[importer].name == "__init__.py")}
    assert sorted(KNOWN_VIOLATIONS - still) == []


def routes_imported_outside_the_api(modules: dict[str, str], known: set[str]) -> list[tuple[str, str]]:
    """(module, route module) where a module outside kg.api imports an HTTP route: apps share reads (kg.reads), not routes."""
    return sorted((name, imported) for name, source in modules.items() if not name.startswith("kg.api")
                  for imported in imported_modules(name, source, known) if imported.startswith("kg.api.routes"))


def test_no_app_calls_the_apis_routes() -> None:
    """`kg viz` and the CLI call the read layer, as the API's routes do, not the routes themselves."""
    sources = {name: path.read_text(encoding="utf-8") for name, path in MODULES.items()}
    assert routes_imported_outside_the_api(sources, set(MODULES)) == []
    # what kg.viz did before the read layer is caught
    assert routes_imported_outside_the_api({"kg.viz": "from kg.api.routes.entities import get_entity\n"}, set(MODULES)) \
        == [("kg.viz", "kg.api.routes.entities")]


@pytest.mark.parametrize(("module", "source", "expected"), [
    # a function-local import of a higher layer is caught like a module-level one
    ("kg.store", "def load():\n    from loaders.pipeline import Loader\n", {("kg.store", "loaders.pipeline")}),
    ("kg.graph", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from kg.store import Store\n",
     {("kg.graph", "kg.store")}),
    ("kg.viz", "from kg.api.routes import entities\n", set()),  # apps may use each other
    ("kg.reads.search", "from kg import viz\n", {("kg.reads.search", "kg.viz")}),  # a submodule named in `from kg import`
    ("loaders.pipeline", "from kg import store\nfrom kg.graph import Graph\n", set()),  # downwards is fine
    ("kg.settings", "import loaders.pipeline\n", {("kg.settings", "loaders.pipeline")}),
])
def test_the_check_sees_imports_anywhere_in_a_module(module: str, source: str, expected: set[tuple[str, str]]) -> None:
    assert upward_imports(module, source, set(MODULES)) == expected
