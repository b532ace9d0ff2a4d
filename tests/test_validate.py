"""`kg validate`: readable reports (file, entity or event, field, message) and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from kg.cli import app
from loaders.annotations import _TextDatesLoader

runner = CliRunner()

VALID = """\
article:
  id: sample
  date: 2025-11-19
  text_file: sample.txt
entities:
  - {id: rtx, type: Contractor, name: RTX}
  - {id: tw, type: State, name: Taiwan, iso_code: TW}
  - {id: us, type: State, name: United States, iso_code: US}
  - {id: nasams, type: WeaponSystem, name: NASAMS, category: [AirDefence]}
  - {id: koo, type: Official, name: Wellington Koo, post: Defence Minister of Taiwan}
events:
  - type: ContractAward
    id: contract
    date: 2025-11-17
    participants: [{entity: rtx, role: contractor}, {entity: tw, role: recipient}]
    systems: [nasams]
    value: {amount: 698948760, currency: USD}
    evidence: RTX was awarded a contract for NASAMS for Taiwan.
  - type: ArmsSale
    date: 2025-11
    participants: [{entity: us, role: seller}, {entity: tw, role: buyer}]
    evidence: The United States sold NASAMS to Taiwan.
  - type: Statement
    participants: [{entity: koo, role: speaker}]
    quote: We will keep strengthening our defences.
    evidence: Koo said "We will keep strengthening our defences."
relations:
  - {subject: nasams, predicate: manufacturer, object: rtx, evidence: RTX was awarded a contract for NASAMS for Taiwan.}
"""
TEXT = 'RTX was awarded a contract for NASAMS for Taiwan. The United States sold NASAMS to Taiwan.\nKoo said "We will keep strengthening our defences."\n'


def write(tmp_path: Path, body: str, name: str = "sample.yaml") -> Path:
    (tmp_path / "sample.txt").write_text(TEXT, encoding="utf-8")
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def run(*paths: Path):
    result = runner.invoke(app, ["validate", "--json", *map(str, paths)])
    return result.exit_code, json.loads(result.stdout)


def test_a_valid_annotation_passes(tmp_path: Path) -> None:
    path = write(tmp_path, VALID)
    code, report = run(path)
    assert (code, report) == (0, {str(path): []})
    human = runner.invoke(app, ["validate", str(path)])
    assert human.exit_code == 0 and "ok" in human.stdout


# (replace this, with that) -> (where, field, message fragment)
BROKEN = [
    ("[{entity: us, role: seller}, {entity: tw, role: buyer}]", "[{entity: us, role: seller}]",
     ("events[1] (ArmsSale)", "buyer|recipient", "needs a buyer or recipient")),
    ("type: ContractAward", "type: Contract",
     ("events[0].type", "", "unknown type 'Contract'")),
    ("{entity: rtx, role: contractor}", "{entity: rtx, role: vendor}",
     ("events[0].participants[0].role", "", "'vendor' is not a role")),
    ("date: 2025-11-17", "date: 2025-02-30",
     ("events[0].date", "", "not a real date")),
    ("amount: 698948760", "amount: -5",
     ("events[0].value.amount", "", "greater than or equal to 0")),
    ("{entity: tw, role: recipient}", "{entity: taiwan, role: recipient}",
     ("events[0].participants[1].entity", "", "'taiwan' is not the id of any entity")),
    ("    date: 2025-11\n", "    date: 2026-01\n",
     ("events[1] (ArmsSale)", "", "after the publication date")),
    ("    quote: We will keep strengthening our defences.\n", "    quote: We will never give up.\n",
     ("events[2] (Statement)", "", "does not occur in its evidence sentence")),
    ("evidence: The United States sold NASAMS to Taiwan.", "evidence: The United States sold NASAMS to Japan.",
     ("events[1].evidence", "", "not in the article text")),
    ("currency: USD", "currency: usd",
     ("events[0].value.currency", "", "")),
    ("predicate: manufacturer", "predicate: madeBy",
     ("relations[0].predicate", "", "'madeBy' is not a relation")),
]


@pytest.mark.parametrize("old,new", [
    ("type: Official, name: Wellington Koo, post: Defence Minister of Taiwan", "type: Official, name: Wellington Koo"),
    ("    quote: We will keep strengthening our defences.\n", ""),
])
def test_what_the_format_leaves_optional_passes(tmp_path: Path, old: str, new: str) -> None:
    """An official without a post (a warning, shown but not failing) and a statement without a quote."""
    assert old in VALID
    path = write(tmp_path, VALID.replace(old, new, 1))
    code, report = run(path)
    assert code == 0 and all(v["severity"] == "warning" for v in report[str(path)]), report
    if "post" in old:
        assert [(v["where"], v["field"]) for v in report[str(path)]] == [("entities[4] (koo)", "^holder")]
        human = runner.invoke(app, ["validate", str(path)])
        assert human.exit_code == 0 and "ok" in human.stdout and "warning: entities[4] (koo)" in human.stdout
    else:
        assert report[str(path)] == []


@pytest.mark.parametrize("old,new,expected", BROKEN, ids=[b[2][0] + ":" + (b[2][1] or b[2][2][:20]) for b in BROKEN])
def test_each_problem_is_reported_where_it_is(tmp_path: Path, old: str, new: str, expected: tuple[str, str, str]) -> None:
    assert old in VALID
    path = write(tmp_path, VALID.replace(old, new, 1))
    code, report = run(path)
    assert code == 1
    where, field, fragment = expected
    hits = [v for v in report[str(path)] if v["where"] == where and v["field"] == field and fragment in v["message"]]
    assert hits, report[str(path)]
    assert all(v["file"] == str(path) and v["message"] for v in report[str(path)])


def test_malformed_yaml_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "article:\n  id: [unclosed\nentities: []\n")
    code, report = run(path)
    assert code == 1
    [problem] = report[str(path)]
    assert problem["where"].startswith("line ") and "malformed YAML" in problem["message"]


def test_one_bad_file_does_not_hide_the_good_one(tmp_path: Path) -> None:
    good = write(tmp_path, VALID, "good.yaml")
    bad = write(tmp_path, VALID.replace("role: buyer", "role: purchaser"), "bad.yaml")
    code, report = run(good, bad)
    assert code == 1
    assert report[str(good)] == [] and report[str(bad)]


def test_rdf_files_are_validated_too(tmp_path: Path) -> None:
    cases = Path(__file__).parent / "shape_cases"
    good = sorted((cases / "valid").glob("*.ttl"))[0]
    bad = cases / "invalid" / "actor-empty-name.ttl"
    code, report = run(good, bad)
    assert code == 1 and report[str(good)] == []
    [violation] = report[str(bad)]
    assert violation["where"] == "contractor:rtx" and violation["field"] == "name"
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix : <x> .\n:a :b", encoding="utf-8")
    code, report = run(broken)
    assert code == 1 and "cannot parse" in report[str(broken)][0]["message"]


def test_human_report_lists_file_place_field_and_message(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("{entity: us, role: seller}, ", ""))
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    text = " ".join(result.stdout.split())
    assert str(path) in text
    assert "events[1] (ArmsSale) · seller|supplier: An arms sale needs a seller or supplier" in text


def test_annotations_read_alike_with_libyaml_and_with_pyyamls_python_reader() -> None:
    """The loader reads YAML with libyaml, ten times faster: every annotation must read exactly as with
    PyYAML's Python reader and the same rules, dates still text."""
    class PythonReader(yaml.SafeLoader):
        pass

    PythonReader.yaml_implicit_resolvers = _TextDatesLoader.yaml_implicit_resolvers
    assert issubclass(_TextDatesLoader, yaml.CSafeLoader)
    texts = [VALID] + [p.read_text(encoding="utf-8") for p in sorted(Path("data").rglob("*.yaml"))]
    assert len(texts) > 2
    for text in texts:
        assert yaml.load(text, Loader=_TextDatesLoader) == yaml.load(text, Loader=PythonReader)  # noqa: S506
    assert yaml.load(VALID, Loader=_TextDatesLoader)["article"]["date"] == "2025-11-19"  # noqa: S506
