"""ruff, with the rules in pyproject.toml (``[tool.ruff]``), over the project's Python: a finding fails
the suite with ruff's own line for it."""

from __future__ import annotations

import subprocess
import sys

from kg.settings import PROJECT_ROOT


def test_ruff_finds_nothing() -> None:
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise",
                           "kg", "loaders", "tests", "tools"], cwd=PROJECT_ROOT, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
