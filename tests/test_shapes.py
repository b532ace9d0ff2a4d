"""Each SHACL rule: valid samples pass, and each invalid sample fails with that rule's message alone.

The cases live in tests/shape_cases/: each invalid file's first line says the
message it must produce (`# expect: ...`).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from kg.ontology import load_ontology
from loaders.validation import shacl_violations

CASES = Path(__file__).parent / "shape_cases"
VALID = sorted((CASES / "valid").glob("*.ttl"))
INVALID = sorted((CASES / "invalid").glob("*.ttl"))


def _expected(path: Path) -> str:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect: "), f"{path.name} must start with '# expect: <message>'"
    return first.removeprefix("# expect: ").strip()


def test_there_are_enough_distinct_invalid_cases() -> None:
    assert len(INVALID) >= 25
    assert len({_expected(p) for p in INVALID}) >= 25


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_sample_conforms(path: Path) -> None:
    assert shacl_violations(Graph().parse(path), load_ontology(), file=path.name) == []


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_sample_fails_with_its_message(path: Path) -> None:
    violations = shacl_violations(Graph().parse(path), load_ontology(), file=path.name)
    assert {v.message for v in violations} == {_expected(path)}
