"""The project's own contracts: README commands, CI entry point, settings docs."""

from __future__ import annotations

import re

from kg.settings import PROJECT_ROOT, KgSettings, Neo4jSettings

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def _setup_commands() -> list[str]:
    section = README.split("## Set up", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section, flags=re.S)


def test_readme_has_exactly_two_setup_commands() -> None:
    commands = _setup_commands()
    assert len(commands) == 2
    assert all("\n" not in c for c in commands)
    run, test = commands
    assert run.startswith("python3 -m venv .venv") and run.endswith("kg up")
    assert test.startswith("tools/install-test-deps && python3 -m venv .venv") and test.endswith("pytest")
    assert (PROJECT_ROOT / "tools" / "install-test-deps").stat().st_mode & 0o111, "the install script is executable"


def test_ci_runs_the_readme_test_command() -> None:
    ci = (PROJECT_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert _setup_commands()[1] in ci.splitlines()


def test_every_setting_is_documented_in_the_readme() -> None:
    names = [f"NEO4J_{f.upper()}" for f in Neo4jSettings.model_fields] + [f"KG_{f.upper()}" for f in KgSettings.model_fields]
    missing = [n for n in names if f"| `{n}` |" not in README]
    assert missing == []


def test_neo4j_is_pinned_fetched_into_an_ignored_folder_and_never_committed() -> None:
    """tools/neo4j pins Neo4j Community 5.26 (LTS), Neo4j Browser and the import tool; their jars (GPLv3)
    land in tools/neo4j/lib/, which git ignores, and no jar is tracked anywhere."""
    import subprocess

    pom = (PROJECT_ROOT / "tools" / "neo4j" / "pom.xml").read_text(encoding="utf-8")
    assert re.search(r"<neo4j.version>5\.26\.\d+</neo4j.version>", pom)
    assert re.search(r"<neo4j-browser.version>5\.\d+\.\d+</neo4j-browser.version>", pom)
    for artifact in ("<artifactId>neo4j</artifactId>", "<artifactId>neo4j-browser</artifactId>",
                     "<artifactId>neo4j-import-tool</artifactId>"):
        assert artifact in pom
    ignored = subprocess.run(["git", "check-ignore", "-q", "tools/neo4j/lib/neo4j-5.26.0.jar"], cwd=PROJECT_ROOT, check=False)
    assert ignored.returncode == 0, "tools/neo4j/lib/ must be ignored by git"
    tracked = subprocess.run(["git", "ls-files", "*.jar", "**/*.jar"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
    assert tracked.stdout == ""
