"""The synthetic corpus: valid, deterministic, and shaped like real reporting (hubs, retellings, aliases, decades)."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from kg.cli import app
from kg.exit_codes import ExitCode
from kg.ontology import load_ontology
from loaders.synthetic import EVENT_ROLES, synthesize
from loaders.validation import checked_graph

runner = CliRunner()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    folder = tmp_path_factory.mktemp("synth")
    made = synthesize(5000, 7, folder)
    assert made.sources == len(list(folder.glob("*.yaml")))
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.yaml"))]


def test_same_seed_same_files_other_seed_other_files(tmp_path: Path) -> None:
    def texts(seed: int, name: str) -> list[str]:
        synthesize(200, seed, tmp_path / name)
        return [p.read_text(encoding="utf-8") for p in sorted((tmp_path / name).glob("*.yaml"))]
    assert texts(3, "a") == texts(3, "b")
    assert texts(3, "a") != texts(4, "c")


def test_every_file_passes_the_shapes(tmp_path: Path) -> None:
    synthesize(300, 11, tmp_path)
    onto = load_ontology()
    for path in sorted(tmp_path.glob("*.yaml")):
        data, violations = checked_graph(path, onto)
        assert data is not None and violations == [], (path.name, violations[:3])


def test_degrees_follow_a_power_law_with_hubs_and_a_long_tail(corpus: list[dict]) -> None:
    degree: Counter[str] = Counter()
    for article in corpus:
        names = {e["id"]: e["name"] for e in article["entities"]}
        for event in article["events"]:
            degree.update(names[p["entity"]] for p in event["participants"])
    counts = sorted(degree.values(), reverse=True)
    assert len(counts) >= 1000, "thousands of actors"
    assert counts[0] >= 30 * statistics.median(counts), "a few hubs"
    assert sum(1 for c in counts if c <= 2) >= 0.3 * len(counts), "a long tail named once or twice"
    top = counts[: len(counts) // 100]
    assert sum(top) >= 0.2 * sum(counts), "the top 1% of actors take a fifth of all mentions"


def test_events_are_retold_by_several_sources_under_varying_aliases(corpus: list[dict]) -> None:
    tellers: defaultdict[str, set[str]] = defaultdict(set)
    alias_sets: defaultdict[str, set[tuple[str, ...]]] = defaultdict(set)
    for article in corpus:
        for event in article["events"]:
            tellers[event["id"]].add(article["article"]["id"])
        for entity in article["entities"]:
            alias_sets[entity["name"]].add(tuple(entity.get("aliases", [])))
    told = Counter(len(s) for s in tellers.values())
    assert 0.2 <= sum(n for k, n in told.items() if k >= 2) / len(tellers) <= 0.8
    assert max(told) >= 3
    assert sum(1 for sets in alias_sets.values() if len(sets) >= 2) >= 100, "the same actor under different aliases"


def test_every_event_type_over_decades(corpus: list[dict]) -> None:
    events = [e for a in corpus for e in a["events"]]
    assert {e["type"] for e in events} == set(EVENT_ROLES)
    years = [int(e["date"][:4]) for e in events]
    assert max(years) - min(years) >= 30
    for article in corpus:
        assert all(e["date"] <= article["article"]["date"] for e in article["events"]), "published after what it reports"


def test_kg_synth_writes_the_corpus_and_refuses_a_folder_in_use(tmp_path: Path) -> None:
    result = runner.invoke(app, ["synth", "--events", "50", "--seed", "2", "--out", str(tmp_path / "c"), "--json"])
    assert result.exit_code == ExitCode.OK, result.output
    assert len(list((tmp_path / "c").glob("*.yaml"))) == __import__("json").loads(result.stdout)["sources"]
    again = runner.invoke(app, ["synth", "--events", "50", "--out", str(tmp_path / "c")])
    assert again.exit_code == ExitCode.USAGE and "must be a new or empty folder" in again.stderr


def test_a_world_of_the_largest_size_has_distinct_names() -> None:
    """The largest world (a million-fact corpus) needs more agencies than there are forms times
    states; making it must end, with every actor's name distinct."""
    import random

    from loaders.synthetic import World

    world = World(random.Random(1), 20000)
    names = [a.name for actors in world.by_type.values() for a in actors]
    assert len(names) >= 20000 and len(set(names)) == len(names)
    assert len(world.by_type["GovernmentAgency"]) > 4 * len(world.by_type["State"])
