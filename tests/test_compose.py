"""The docker-compose deployment: docker-compose.yml, Dockerfile and .dockerignore.

No Docker engine is needed: `docker-compose config` validates and interpolates
the file (Debian's docker-compose 1.29 prints YAML; Compose v2's long forms are
read too), the `kg` commands the files run are run with --help, and the
Dockerfile's COPY sources are checked against the work tree and .dockerignore.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from typer.testing import CliRunner

from kg.cli import app
from kg.settings import PROJECT_ROOT

COMPOSE_FILE = PROJECT_ROOT / "docker-compose.yml"
DOCKERFILE = PROJECT_ROOT / "Dockerfile"
DOCKERIGNORE = PROJECT_ROOT / ".dockerignore"
DEPLOYMENT_DOC = PROJECT_ROOT / "docs" / "deployment.md"

PASSWORD = "compose-test-password"

#: Neo4j 5 settings the neo4j service may set through NEO4J_* variables. Neo4j 5
#: refuses to start on a setting it does not know (server.config.strict_validation),
#: so a name goes here only once checked against Neo4j 5's own declarations.
#: browser.*: org.neo4j.server.configuration.ServerSettings (note: "whitelist";
#: "browser.remote_content_hostname_allowlist" is Browser's internal name, not a setting).
KNOWN_NEO4J_SETTINGS = {
    "browser.post_connect_cmd",
    "browser.remote_content_hostname_whitelist",
    "browser.retain_connection_credentials",
    "browser.credential_timeout",
    "server.memory.heap.initial_size",
    "server.memory.heap.max_size",
    "server.memory.pagecache.size",
}

#: NEO4J_* variables the image's entrypoint reads itself instead of writing them to neo4j.conf.
NEO4J_IMAGE_CONTROLS = {"NEO4J_AUTH", "NEO4J_AUTH_PATH", "NEO4J_PLUGINS", "NEO4J_ACCEPT_LICENSE_AGREEMENT", "NEO4J_DEBUG"}

#: Folders beside the kg package that the code names but the image does not need: developers'
#: commands write there (`kg ontology docs` -> docs/, `kg browser kit` -> browser/; the API renders
#: the Browser kit from ontology/ and queries/ itself; tools/ holds the test and local-Neo4j tooling,
#: and the image talks to the compose file's Neo4j service; .kg/ is the cache of derived data, which a
#: container fills itself and .dockerignore keeps out).
NOT_IN_IMAGE = {"docs", "browser", "tools", ".kg"}


# -- running docker-compose ------------------------------------------------------------

def docker_compose() -> str:
    path = shutil.which("docker-compose")
    if path is None:
        pytest.fail("docker-compose is not installed; these tests need it (not a Docker engine): install "
                    "Debian's docker-compose with tools/install-test-deps or apt-get install --no-install-recommends docker-compose")
    return path


def run_config(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`docker-compose config` in an environment holding only PATH and ``env``, ignoring any .env file."""
    empty_env_file = tmp_path / "empty.env"
    empty_env_file.write_text("")
    return subprocess.run(
        [docker_compose(), "--env-file", str(empty_env_file), "-f", str(COMPOSE_FILE),
         "--project-directory", str(PROJECT_ROOT), "config"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path), **env},
    )


def load_config(tmp_path: Path, **env: str) -> dict[str, Any]:
    result = run_config(tmp_path, **env)
    assert result.returncode == 0, f"docker-compose config failed:\n{result.stderr}"
    return yaml.safe_load(result.stdout)


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return load_config(tmp_path_factory.mktemp("compose"), NEO4J_PASSWORD=PASSWORD)


@pytest.fixture(scope="module")
def services(config: dict[str, Any]) -> dict[str, Any]:
    return config["services"]


# -- reading both Compose output dialects ---------------------------------------------

def ports(service: dict[str, Any]) -> set[tuple[str, int, int]]:
    """(host address, published port, container port) of each published port."""
    found = set()
    for port in service.get("ports", []):
        if isinstance(port, dict):
            found.add((port.get("host_ip", ""), int(port["published"]), int(port["target"])))
        else:
            parts = str(port).split("/")[0].split(":")
            host = parts[0] if len(parts) == 3 else ""
            found.add((host, int(parts[-2]), int(parts[-1])))
    return found


def volume_mounts(service: dict[str, Any]) -> dict[str, str]:
    """Container path -> source of each volume mount."""
    mounts = {}
    for volume in service.get("volumes", []):
        if isinstance(volume, dict):
            mounts[volume["target"]] = volume["source"]
        else:
            source, target = str(volume).split(":")[:2]
            mounts[target] = source
    return mounts


def environment(service: dict[str, Any]) -> dict[str, Any]:
    env = service.get("environment", {})
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    return env


def condition(service: dict[str, Any], dependency: str) -> str | None:
    depends = service.get("depends_on", {})
    if isinstance(depends, list):
        return "service_started" if dependency in depends else None
    return (depends.get(dependency) or {}).get("condition")


def command(service: dict[str, Any]) -> list[str]:
    cmd = service.get("command")
    return shlex.split(cmd) if isinstance(cmd, str) else list(cmd or [])


def neo4j_setting(variable: str) -> str:
    """The neo4j.conf setting the Neo4j 5 image writes for a NEO4J_* variable ('_' -> '.', '__' -> '_')."""
    return variable.removeprefix("NEO4J_").replace("_", ".").replace("..", "_")


# -- the Dockerfile -------------------------------------------------------------------------

def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    joined, current = [], ""
    for line in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line.rstrip().endswith("\\"):
            current += line.rstrip()[:-1] + " "
            continue
        joined.append(current + line)
        current = ""
    out = []
    for line in joined:
        instruction, _, args = line.strip().partition(" ")
        out.append((instruction.upper(), " ".join(args.split())))
    return out


def instruction_args(name: str) -> list[str]:
    return [args for instruction, args in dockerfile_instructions() if instruction == name]


def exec_form(args: str) -> list[str]:
    assert args.startswith("["), f"use the exec (JSON) form: {args}"
    return json.loads(args)


def copy_sources() -> list[str]:
    sources = []
    for args in instruction_args("COPY"):
        parts = shlex.split(args)
        assert not any(p.startswith("--from") for p in parts), "only copies from the build context are checked"
        sources.extend([p for p in parts if not p.startswith("--")][:-1])
    return sources


def image_cmd() -> list[str]:
    [cmd] = instruction_args("CMD")
    return exec_form(cmd)


def dockerignore_patterns() -> list[str]:
    return [line.strip() for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def dockerignored(path: str) -> bool:
    """Whether the build context leaves out ``path`` (Docker's rules: the last matching line wins; a
    pattern matches a path or any of its parents; ``**`` matches any number of folders)."""
    parts = Path(path).parts
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    ignored = False
    for raw in dockerignore_patterns():
        negate = raw.startswith("!")
        pattern = raw.lstrip("!").strip("/")
        regex = re.escape(pattern).replace(r"\*\*/", "(?:.*/)?").replace(r"\*\*", ".*").replace(r"\*", "[^/]*").replace(r"\?", "[^/]")
        if any(re.fullmatch(regex, c) for c in candidates):
            ignored = not negate
    return ignored


# -- kg commands ----------------------------------------------------------------------------

def assert_real_kg_command(argv: list[str], where: str) -> None:
    """``argv`` (starting with kg) names an existing command with existing options: `... --help` succeeds."""
    assert argv and argv[0] == "kg", f"{where}: not a kg command: {argv}"
    result = CliRunner().invoke(app, [*argv[1:], "--help"])
    assert result.exit_code == 0 and "Usage" in result.output, f"{where}: `{shlex.join(argv)}` is not a kg command:\n{result.output}"


REDIRECTIONS = (">", ">>", "<", ">&", "<&", "&>")


def kg_commands_in_shell(text: str) -> list[list[str]]:
    """Every `kg ...` invocation in a shell command line (commands split on && || ; |, redirections dropped)."""
    lexer = shlex.shlex(text, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    commands, words, tokens = [], [], list(lexer)
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token in ("&&", "||", ";", "|", "&"):
            commands.append(words)
            words = []
        elif token in REDIRECTIONS:
            i += 1  # and its target
        elif not (words and token.isdigit() and i + 1 < len(tokens) and tokens[i + 1] in REDIRECTIONS):
            words.append(token)
        i += 1
    commands.append(words)
    return [c for c in commands if c and c[0] == "kg"]


# == the contract =================================================================================

def test_three_services(services: dict[str, Any]) -> None:
    assert set(services) == {"neo4j", "loader", "api"}


def test_neo4j_is_neo4j_5_community_with_browser_and_bolt_on_loopback(services: dict[str, Any]) -> None:
    neo4j = services["neo4j"]
    image, _, tag = neo4j["image"].partition(":")
    assert image == "neo4j" and tag.endswith("-community")
    major, minor = (int(x) for x in tag.split("-")[0].split(".")[:2])
    assert (major, minor) >= (5, 23), "the queries use Neo4j 5.23+ syntax (COLLECT {}, CALL (x) {})"
    assert major == 5
    assert ports(neo4j) == {("127.0.0.1", 7474, 7474), ("127.0.0.1", 7687, 7687)}


def test_neo4j_image_is_the_version_the_tests_run(services: dict[str, Any]) -> None:
    """The deployment's Neo4j is the exact release the test suite proves the project on (tools/neo4j/pom.xml)."""
    pinned = re.search(r"<neo4j.version>([^<]+)</neo4j.version>", (PROJECT_ROOT / "tools" / "neo4j" / "pom.xml").read_text())
    assert pinned and services["neo4j"]["image"] == f"neo4j:{pinned.group(1)}-community"


def test_neo4j_password_comes_from_the_environment(services: dict[str, Any]) -> None:
    assert environment(services["neo4j"])["NEO4J_AUTH"] == f"neo4j/{PASSWORD}"


def test_neo4j_environment_holds_only_real_settings(services: dict[str, Any]) -> None:
    # The image writes every other NEO4J_* variable to neo4j.conf, and Neo4j 5 stops on an unknown
    # setting: NEO4J_PASSWORD or NEO4J_URI here would keep the database from starting.
    for name in environment(services["neo4j"]):
        if name in NEO4J_IMAGE_CONTROLS:
            continue
        assert name.startswith("NEO4J_"), name
        assert neo4j_setting(name) in KNOWN_NEO4J_SETTINGS, f"{name} sets {neo4j_setting(name)!r}, not a known Neo4j 5 setting"


def test_browser_may_fetch_what_it_runs_after_connecting(services: dict[str, Any]) -> None:
    env = environment(services["neo4j"])
    allowed = {h.strip() for h in env.get("NEO4J_browser_remote__content__hostname__whitelist", "guides.neo4j.com,localhost").split(",")}
    for cmd in filter(None, (c.strip() for c in env.get("NEO4J_browser_post__connect__cmd", "").split(";"))):
        assert not cmd.startswith(":"), "browser.post_connect_cmd entries have no leading ':'"
        for url in re.findall(r"https?://\S+", cmd):
            assert urlsplit(url).hostname in allowed or "*" in allowed, f"{url} is not in browser.remote_content_hostname_whitelist"
            if urlsplit(url).port is not None:
                assert ("127.0.0.1", urlsplit(url).port, 8000) in ports(services["api"]), f"{url}: not the API's published port"


def test_neo4j_keeps_data_and_logs_in_named_volumes(config: dict[str, Any], services: dict[str, Any]) -> None:
    mounts = volume_mounts(services["neo4j"])
    for path in ("/data", "/logs"):
        assert path in mounts, f"no volume on {path}"
        assert mounts[path] in config["volumes"], f"{path} is not on a named volume: {mounts[path]}"


def test_neo4j_healthcheck_asks_bolt_with_the_containers_password(services: dict[str, Any]) -> None:
    check = services["neo4j"]["healthcheck"]
    test = check["test"]
    assert test[0] == "CMD-SHELL"
    shell = test[1]
    assert "cypher-shell" in shell and "RETURN 1" in shell
    # Compose leaves $$ to the container's shell (printed back as $$): the password is read
    # there, from NEO4J_AUTH, and never written into the container's configuration.
    assert "$${NEO4J_AUTH" in shell or "$$NEO4J_AUTH" in shell
    assert PASSWORD not in shell
    assert int(check.get("retries", 3)) >= 3


def test_api_is_built_from_the_repository_dockerfile(services: dict[str, Any]) -> None:
    build = services["api"]["build"]
    build = {"context": build} if isinstance(build, str) else build
    assert Path(build["context"]).resolve() == PROJECT_ROOT.resolve()
    assert build.get("dockerfile", "Dockerfile") == "Dockerfile" and DOCKERFILE.is_file()


@pytest.mark.parametrize("name", ["api", "loader"])
def test_kg_services_use_the_neo4j_service(services: dict[str, Any], name: str) -> None:
    service = services[name]
    env = environment(service)
    uri = urlsplit(env["NEO4J_URI"])
    assert uri.scheme in ("neo4j", "bolt") and uri.hostname == "neo4j" and (uri.port or 7687) == 7687
    assert env["NEO4J_USERNAME"] == "neo4j" and env["NEO4J_PASSWORD"] == PASSWORD
    assert condition(service, "neo4j") == "service_healthy"


def test_api_on_loopback_port_8000(services: dict[str, Any]) -> None:
    assert ports(services["api"]) == {("127.0.0.1", 8000, 8000)}


def test_api_key_is_passed_through_only_when_set(tmp_path: Path, services: dict[str, Any]) -> None:
    # Unset on the host: unset in the container (writes off). An empty KG_API_KEY would
    # switch writes on with a key nobody can send.
    assert environment(services["api"]).get("KG_API_KEY") is None
    keyed = load_config(tmp_path, NEO4J_PASSWORD=PASSWORD, KG_API_KEY="k-123")
    assert environment(keyed["services"]["api"])["KG_API_KEY"] == "k-123"


def test_api_starts_on_a_loaded_graph(services: dict[str, Any]) -> None:
    assert condition(services["api"], "loader") == "service_completed_successfully"


def test_loader_is_one_shot_and_loads_the_corpus(services: dict[str, Any]) -> None:
    loader = services["loader"]
    assert loader.get("restart") in ("no", False)
    assert loader["build"] == services["api"]["build"], "the loader runs the API's image"
    assert command(loader)[:2] == ["kg", "up"] and "--no-serve" in command(loader)
    check = loader.get("healthcheck") or {}
    assert check.get("disable") or check.get("test") == ["NONE"], "the image's API healthcheck does not apply to the loader"
    assert "ports" not in loader


def test_config_fails_clearly_without_a_password(tmp_path: Path) -> None:
    result = run_config(tmp_path)
    assert result.returncode != 0
    assert "set NEO4J_PASSWORD" in result.stderr + result.stdout


def test_every_kg_command_the_deployment_runs_exists(services: dict[str, Any]) -> None:
    found: list[tuple[list[str], str]] = [(image_cmd(), "Dockerfile CMD")]
    for args in instruction_args("RUN"):
        found.extend((argv, "Dockerfile RUN") for argv in kg_commands_in_shell(args))
    for name, service in services.items():
        if command(service):
            found.append((command(service), f"service {name}"))
    if DEPLOYMENT_DOC.exists():
        for line in DEPLOYMENT_DOC.read_text(encoding="utf-8").splitlines():
            # in a container (`docker compose run ... loader kg ...`) or on the host (`.venv/bin/kg ...`)
            for m in re.finditer(r"(?:docker compose (?:run|exec)\b[^`]*?\b(?:loader|api) |\.venv/bin/)(kg\b[^`#]*)", line):
                found.extend((argv, "docs/deployment.md") for argv in kg_commands_in_shell(m.group(1)))
    assert len(found) >= 3
    for argv, where in found:
        assert_real_kg_command(argv, where)


def test_image_serves_the_api_on_port_8000_with_a_health_check() -> None:
    [base] = instruction_args("FROM")
    assert base.startswith("python:3.11-slim")
    cmd = image_cmd()
    assert cmd[:2] == ["kg", "serve"]
    assert cmd[cmd.index("--host") + 1] == "0.0.0.0" and cmd[cmd.index("--port") + 1] == "8000"
    assert "8000" in instruction_args("EXPOSE")
    [health] = instruction_args("HEALTHCHECK")
    probe = exec_form(health.split(" CMD ", 1)[1])
    assert probe[:2] == ["python", "-c"] and "urllib" in probe[2] and "http://127.0.0.1:8000/health" in probe[2]


def test_image_runs_as_a_user_other_than_root() -> None:
    instructions = dockerfile_instructions()
    users = [args for name, args in instructions if name == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    last_user = max(i for i, (name, _) in enumerate(instructions) if name == "USER")
    assert last_user < max(i for i, (name, _) in enumerate(instructions) if name == "CMD")


def test_image_installs_the_project_editable_where_its_folders_are() -> None:
    # kg/settings.py: PROJECT_ROOT is the kg package's parent, where ontology/, queries/ and data/ are.
    assert any(re.search(r"pip install\b.*\s-e \.(\s|$)", run) for run in instruction_args("RUN"))
    assert "pyproject.toml" in copy_sources()


def test_files_the_dockerfile_copies_exist_and_reach_the_build() -> None:
    for source in copy_sources():
        assert (PROJECT_ROOT / source).exists(), f"COPY {source}: no such file"
        assert not dockerignored(source), f"COPY {source}: .dockerignore leaves it out of the build context"


def test_image_holds_every_project_folder_the_code_names() -> None:
    named = set()
    for path in [*PROJECT_ROOT.joinpath("kg").rglob("*.py"), *PROJECT_ROOT.joinpath("loaders").rglob("*.py")]:
        named.update(re.findall(r'PROJECT_ROOT\s*/\s*"([^"/]+)', path.read_text(encoding="utf-8")))
    copied = {Path(s).parts[0] for s in copy_sources()}
    assert {"ontology", "queries", "data"} <= named
    missing = named - copied - NOT_IN_IMAGE
    assert not missing, f"the code names {sorted(missing)} beside the kg package but the Dockerfile does not COPY them (or list them in NOT_IN_IMAGE)"


@pytest.mark.parametrize("path", [".venv", ".venv/bin/python", ".git", ".git/config", "node_modules",
                                  "tools/cypher-lint/node_modules/x.js", ".env", ".pytest_cache", ".hypothesis",
                                  ".kg", "kg/__pycache__/cli.cpython-311.pyc", "tests"])
def test_dockerignore_keeps_local_state_out(path: str) -> None:
    assert dockerignored(path), f".dockerignore lets {path} into the build context"
