"""Scoring extraction output against gold annotations (loaders/evaluation.py, kg eval). No graph needed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from kg.cli import app
from kg.exit_codes import ExitCode
from kg.settings import PROJECT_ROOT
from loaders.annotations import Annotation, AnnotationError, EventAnn, parse_annotation
from loaders.evaluation import (
    Counts,
    EvaluationError,
    evidence_overlap,
    evidence_words,
    match_name,
    score_annotations,
    score_dirs,
    score_pair,
)
from loaders.evaluation_details import CATEGORIES, categorise

ANNOTATIONS = PROJECT_ROOT / "data" / "annotations"
DEV = PROJECT_ROOT / "data" / "dev"
GOLD_FILES = sorted(ANNOTATIONS.glob("*.yaml"))
runner = CliRunner()


def ann(entities: list[dict[str, Any]] | None = None, events: list[dict[str, Any]] | None = None,
        article_id: str | None = None) -> Annotation:
    data: dict[str, Any] = {"entities": entities or [], "events": events or []}
    if article_id:
        data["article"] = {"id": article_id}
    return Annotation.model_validate(data)


def ent(id_: str, type_: str, name: str, *aliases: str) -> dict[str, Any]:
    return {"id": id_, "type": type_, "name": name, "aliases": list(aliases)}


def ev(type_: str, *participants: tuple[str, str], evidence: str = "The United States sold arms to Taiwan.") -> dict[str, Any]:
    return {"type": type_, "participants": [{"entity": e, "role": r} for e, r in participants], "evidence": evidence}


def pairs(score: Any, kind: str = "entities") -> list[tuple[str, str]]:
    return [(g.id, p.id) for g, p in getattr(score, kind).matched]


def counts(c: Counts) -> tuple[int, int, int]:
    return c.tp, c.fp, c.fn


# -- names and words ----------------------------------------------------------------------


@pytest.mark.parametrize("raw,normal", [
    ("The Pentagon", "pentagon"), ("the  pentagon", "pentagon"), ("U.S.", "us"), ("US", "us"),
    ("Raytheon Missiles & Defense", "raytheon missiles defense"), ("Taiwan’s military", "taiwans military"),
    ("Theodore", "theodore"), ("RTX", "rtx"), ("Tsai Ing-wen", "tsai ingwen"), ("!!!", ""),
])
def test_names_are_case_folded_without_punctuation_or_a_leading_the(raw: str, normal: str) -> None:
    assert match_name(raw) == normal


def test_evidence_words_are_casefolded_alphanumeric_sets() -> None:
    assert evidence_words("The U.S. sold $698,948,760 of NASAMS; the US!") == {"the", "u", "s", "sold", "698", "948", "760", "of", "nasams", "us"}
    assert evidence_overlap("a b c d", "a b x y z") == 0.5  # 2 shared of the shorter's 4
    assert evidence_overlap("a b", None) is None and evidence_overlap("   ", "a") is None


# -- entities -----------------------------------------------------------------------------


def test_an_official_matches_a_person_and_the_gold_type_gets_the_hit() -> None:
    score = score_pair(ann([ent("koo", "Official", "Wellington Koo")]), ann([ent("p1", "Person", "wellington koo")]))
    assert pairs(score) == [("koo", "p1")]
    assert {t: counts(c) for t, c in score.entities.per_type().items()} == {"Official": (1, 0, 0)}
    # and the other way round: a Person in gold, an Official predicted
    score = score_pair(ann([ent("koo", "Person", "Wellington Koo")]), ann([ent("p1", "Official", "Wellington Koo")]))
    assert pairs(score) == [("koo", "p1")]


def test_organisation_subtypes_match_but_unrelated_types_do_not() -> None:
    gold = ann([ent("rtx", "Contractor", "RTX"), ent("tw", "State", "Taiwan")])
    pred = ann([ent("a", "Organization", "RTX"), ent("b", "Contractor", "Taiwan")])
    score = score_pair(gold, pred)
    assert pairs(score) == [("rtx", "a")]
    assert counts(score.entities.counts) == (1, 1, 1)
    assert {t: counts(c) for t, c in score.entities.per_type().items()} == {
        "Contractor": (1, 1, 0), "State": (0, 0, 1)}


def test_unknown_types_match_only_by_equality() -> None:
    assert pairs(score_pair(ann([ent("x", "Gizmo", "Thing")]), ann([ent("y", "Gizmo", "Thing")]))) == [("x", "y")]
    assert pairs(score_pair(ann([ent("x", "Gizmo", "Thing")]), ann([ent("y", "Organization", "Thing")]))) == []


def test_names_match_through_aliases_the_and_punctuation() -> None:
    gold = ann([ent("rtx", "Contractor", "RTX", "Raytheon"), ent("dod", "GovernmentAgency", "Pentagon"),
                ent("us", "State", "United States", "U.S.")])
    pred = ann([ent("a", "Contractor", "raytheon"), ent("b", "GovernmentAgency", "The Pentagon"),
                ent("c", "State", "US")])
    assert pairs(score_pair(gold, pred)) == [("rtx", "a"), ("dod", "b"), ("us", "c")]


def test_matching_is_one_to_one_and_prefers_the_exact_name() -> None:
    # Two gold entities share the alias "Raytheon"; the prediction named exactly like the second
    # must take that one even though the first comes first in the file.
    gold = ann([ent("rtx", "Contractor", "RTX", "Raytheon"), ent("rmd", "Contractor", "Raytheon", "RMD")])
    pred = ann([ent("p", "Contractor", "Raytheon")])
    score = score_pair(gold, pred)
    assert pairs(score) == [("rmd", "p")]
    assert counts(score.entities.counts) == (1, 0, 1) and [i.id for i in score.entities.false_negatives] == ["rtx"]
    # two predictions, each with the shared alias: each gold entity is used once
    pred = ann([ent("p1", "Contractor", "Raytheon Company", "Raytheon"), ent("p2", "Contractor", "RTX")])
    score = score_pair(gold, pred)
    assert sorted(pairs(score)) == [("rmd", "p1"), ("rtx", "p2")]
    assert counts(score.entities.counts) == (2, 0, 0)


def test_equal_type_beats_subtype_when_names_tie() -> None:
    gold = ann([ent("org", "Organization", "Acme"), ent("con", "Contractor", "Acme")])
    pred = ann([ent("p", "Contractor", "Acme")])
    assert pairs(score_pair(gold, pred)) == [("con", "p")]


# -- events -------------------------------------------------------------------------------

ENTITIES = [ent("us", "State", "United States"), ent("tw", "State", "Taiwan")]


def test_events_need_a_shared_participant_in_the_same_role() -> None:
    gold = ann(ENTITIES, [ev("ArmsSale", ("us", "seller"), ("tw", "buyer"))])
    same = ann(ENTITIES, [ev("ArmsSale", ("us", "seller"), ("tw", "recipient"))])
    swapped = ann(ENTITIES, [ev("ArmsSale", ("us", "buyer"), ("tw", "seller"))])
    other_type = ann(ENTITIES, [ev("SaleApproval", ("us", "seller"), ("tw", "buyer"))])
    assert counts(score_pair(gold, same).events.counts) == (1, 0, 0)
    assert counts(score_pair(gold, swapped).events.counts) == (0, 1, 1)
    assert counts(score_pair(gold, other_type).events.counts) == (0, 1, 1)


def test_event_participants_count_only_through_the_entity_matching() -> None:
    gold = ann(ENTITIES, [ev("ArmsSale", ("us", "seller"))])
    # the predicted seller has the same file id but is another entity (no name in common)
    pred = ann([ent("us", "State", "Japan"), ent("tw", "State", "Taiwan")], [ev("ArmsSale", ("us", "seller"))])
    assert counts(score_pair(gold, pred).events.counts) == (0, 1, 1)


def test_the_event_with_more_shared_participants_wins() -> None:
    gold = ann(ENTITIES, [ev("ArmsSale", ("us", "seller")), ev("ArmsSale", ("us", "seller"), ("tw", "buyer"))])
    pred = ann(ENTITIES, [ev("ArmsSale", ("us", "seller"), ("tw", "buyer"))])
    score = score_pair(gold, pred)
    assert pairs(score, "events") == [("events[1]", "events[0]")]


@pytest.mark.parametrize("pred_evidence,matches", [
    ("alpha beta gamma delta", True),          # 4 of 4 shared
    ("alpha beta zulu yankee", True),          # 2 of 4: exactly half
    ("alpha zulu yankee xray", False),         # 1 of 4
    ("Alpha, BETA!", True),                    # the shorter one's 2 words, both shared
    ("alpha zulu yankee xray whisky victor", False),  # 1 of the shorter's 4
    ("alpha beta zulu yankee xray whisky victor uniform", True),  # 2 of the shorter's 4
])
def test_evidence_must_share_half_of_the_shorter_sentences_words(pred_evidence: str, matches: bool) -> None:
    gold = ann(ENTITIES, [ev("ArmsSale", ("us", "seller"), evidence="alpha beta gamma delta")])
    pred = ann(ENTITIES, [ev("ArmsSale", ("us", "seller"), evidence=pred_evidence)])
    assert score_pair(gold, pred).events.counts.tp == int(matches)


def test_evidence_missing_on_one_side_is_not_required() -> None:
    gold = ann(ENTITIES, [ev("ArmsSale", ("us", "seller"), evidence="alpha beta gamma delta")])
    pred = ann(ENTITIES)
    pred.events.append(EventAnn.model_construct(type="ArmsSale", participants=gold.events[0].participants,
                                                evidence=None, id=None, systems=[]))
    assert score_pair(gold, pred).events.counts.tp == 1
    pred.events[0] = EventAnn.model_construct(type="ArmsSale", participants=gold.events[0].participants,
                                              evidence="  ", id=None, systems=[])
    assert score_pair(gold, pred).events.counts.tp == 1


def test_other_and_other_event_are_one_type() -> None:
    gold = ann(ENTITIES, [ev("Other", ("us", "actor"))])
    pred = ann(ENTITIES, [ev("OtherEvent", ("us", "actor"))])
    score = score_pair(gold, pred)
    assert score.events.counts.tp == 1 and list(score.events.per_type()) == ["Other"]


# -- counts and report --------------------------------------------------------------------


def test_counts_and_their_edge_cases() -> None:
    assert (Counts(3, 1, 2).precision, Counts(3, 1, 2).recall) == (0.75, 0.6)
    assert Counts(3, 1, 2).f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)
    assert (Counts(0, 0, 4).precision, Counts(0, 0, 4).recall, Counts(0, 0, 4).f1) == (0.0, 0.0, 0.0)  # nothing predicted
    assert (Counts(0, 2, 0).precision, Counts(0, 2, 0).recall, Counts(0, 2, 0).f1) == (0.0, 0.0, 0.0)  # nothing to find
    assert (Counts().precision, Counts().recall, Counts().f1) == (1.0, 1.0, 1.0)  # nothing at all: perfect agreement


def test_per_type_and_overall_counts_are_micro_averaged_over_files() -> None:
    gold = {
        "a": ann([ent("us", "State", "United States"), ent("koo", "Official", "Wellington Koo"),
                  ent("rtx", "Contractor", "RTX")],
                 [ev("ArmsSale", ("us", "seller")), ev("Statement", ("koo", "speaker"))]),
        "b": ann([ent("tw", "State", "Taiwan")], [ev("Delivery", ("tw", "recipient"))]),
    }
    pred = {
        "a": ann([ent("x", "State", "US", "United States"), ent("y", "Person", "Koo", "Wellington Koo"),
                  ent("z", "WeaponSystem", "NASAMS")],
                 [ev("ArmsSale", ("x", "seller")), ev("Statement", ("x", "speaker"))]),
        "b": ann([ent("t", "State", "Taiwan")], [ev("Delivery", ("t", "recipient"))]),
    }
    report = score_annotations(gold, pred)
    assert counts(report.entities) == (3, 1, 1)
    assert counts(report.events) == (2, 1, 1)
    rows = {kind: {t: counts(c) for t, c in r.items()} for kind, r in report.per_type.items()}
    assert rows == {
        "entities": {"Contractor": (0, 0, 1), "Official": (1, 0, 0), "State": (2, 0, 0), "WeaponSystem": (0, 1, 0)},
        "events": {"ArmsSale": (1, 0, 0), "Delivery": (1, 0, 0), "Statement": (0, 1, 1)},
    }
    data = report.as_dict(details=True)
    json.dumps(data)  # JSON-able
    assert data["entities"] == {"tp": 3, "fp": 1, "fn": 1, "precision": 0.75, "recall": 0.75, "f1": 0.75}
    assert [f["id"] for f in data["per_file"]] == ["a", "b"]
    details = data["per_file"][0]["details"]
    assert [i["name"] for i in details["entities"]["false_negatives"]] == ["RTX"]
    assert [i["name"] for i in details["entities"]["false_positives"]] == ["NASAMS"]
    assert details["events"]["false_negatives"][0]["name"] == "Statement: Wellington Koo (speaker)"


# -- roles of matched events ----------------------------------------------------------------

ROLE_ENTITIES = [ent("us", "State", "United States"), ent("tw", "State", "Taiwan"), ent("rtx", "Contractor", "RTX"),
                 ent("koo", "Official", "Wellington Koo")]
ROLE_PRED_ENTITIES = [ent("a", "State", "United States"), ent("b", "State", "Taiwan"), ent("c", "Contractor", "RTX"),
                      ent("d", "Official", "Wellington Koo"), ent("x", "Contractor", "Lockheed Martin")]
SALE, AWARD = "The United States sold arms to Taiwan.", "RTX won a contract for Taiwan."


def test_roles_of_matched_events_are_scored_per_role_through_the_entity_matching() -> None:
    gold = ann(ROLE_ENTITIES, [ev("ArmsSale", ("us", "seller"), ("tw", "buyer"), evidence=SALE),
                               ev("ContractAward", ("rtx", "contractor"), ("tw", "recipient"), evidence=AWARD)])
    pred = ann(ROLE_PRED_ENTITIES, [
        ev("ArmsSale", ("a", "seller"), ("b", "recipient"), evidence=SALE),  # Taiwan in a wrong role
        ev("ContractAward", ("c", "contractor"), ("x", "recipient"), evidence=AWARD),  # Taiwan absent, an unmatched entity
        ev("Statement", ("d", "speaker"), evidence="Koo said so."),  # not matched: its roles are not scored
    ])
    report = score_annotations({"f": gold}, {"f": pred})
    assert counts(report.events) == (2, 1, 0)
    roles = report.roles
    assert {r: counts(c) for r, c in roles.per_role.items()} == {
        "buyer": (0, 0, 1), "contractor": (1, 0, 0), "recipient": (0, 2, 1), "seller": (1, 0, 0)}
    assert counts(roles.total) == (2, 2, 2)
    assert (roles.right, roles.wrong_role, roles.absent) == (2, 1, 1)
    assert roles.accuracy == pytest.approx(2 / 3)
    data = report.as_dict()
    assert data["roles"]["tp"] == 2 and data["roles"]["accuracy_on_matched_events"] == pytest.approx(0.6667)
    assert data["roles"]["gold_participants"] == {"right": 2, "wrong_role": 1, "absent": 1}
    assert data["per_role"]["recipient"] == {"tp": 0, "fp": 2, "fn": 1, "precision": 0.0, "recall": 0.0, "f1": 0.0}
    assert data["per_file"][0]["roles"]["fp"] == 2
    # a perfect prediction has perfect roles; no matched event leaves the accuracy undefined
    assert score_annotations({"f": gold}, {"f": gold}).roles.accuracy == 1.0
    assert score_annotations({"f": gold}, {"f": ann(ROLE_PRED_ENTITIES)}).roles.accuracy is None


def _categories(details: Any, kind: str, group: str) -> dict[str, list[str]]:
    """category -> ids of the items in it, only the non-empty categories."""
    return {c: [e.item.id for e in entries] for c, entries in details.groups[(kind, group)].items() if entries}


def test_missed_and_extra_entities_fall_into_categories() -> None:
    gold = ann([
        ent("pgz", "Contractor", "PGZ"),  # predicted wider
        ent("swiss", "GovernmentAgency", "Swiss Federal Department of Defence"),  # predicted narrower
        ent("warsaw", "Place", "Warsaw"),  # predicted as a State
        ent("pl", "State", "Poland"),  # missed; in the reference lists
        ent("krab", "WeaponSystem", "Krab Zeta"),  # missed; not in them
        ent("gaza", "Place", "Gaza Strip", "Gaza"),  # matched, and predicted a second time
    ])
    pred = ann([
        ent("p1", "Contractor", "PGZ Group"), ent("p2", "GovernmentAgency", "Department of Defence"),
        ent("p3", "State", "Warsaw"), ent("p4", "Place", "Gaza Strip"), ent("p5", "Place", "Gaza"),
        ent("p6", "Place", "Bern"), ent("p7", "MediaOutlet", "Reuters"), ent("p8", "WeaponSystem", "F-16C Block 70"),
    ])
    report = score_annotations({"f": gold}, {"f": pred})
    details = categorise(report)
    assert _categories(details, "entities", "missed") == {
        "wrong type": ["warsaw"], "span wider": ["pgz"], "span narrower": ["swiss"],
        "name in the reference lists": ["pl"], "name not in the reference lists": ["krab"]}
    assert _categories(details, "entities", "extra") == {
        "wrong type": ["p3"], "span wider": ["p1"], "span narrower": ["p2"], "duplicate of a matched entity": ["p5"],
        "kind the contract leaves out": ["p6", "p7"], "not in the gold": ["p8"]}
    # every missed and extra item is in exactly one category
    assert sum(map(len, _categories(details, "entities", "missed").values())) == report.entities.fn == 5
    assert sum(map(len, _categories(details, "entities", "extra").values())) == report.entities.fp == 7
    wider = details.groups[("entities", "missed")]["span wider"][0]
    assert (wider.file, wider.note) == ("f", "predicted as Contractor 'PGZ Group'")
    # recall by whether the name is listed: PGZ and Poland are, the others are not (Gaza Strip matched)
    by_reference = {c: counts(n) for c, n in details.reference_recall.items()}
    assert by_reference == {"name in the reference lists": (0, 0, 2), "name not in the reference lists": (1, 0, 3)}


def _event(id_: str, type_: str, evidence: str, *participants: tuple[str, str]) -> dict[str, Any]:
    return {**ev(type_, *participants, evidence=evidence), "id": id_}


def test_missed_extra_and_matched_events_fall_into_categories() -> None:
    visit = "Koo toured an air base on Monday."
    delivery, said = "RTX delivered missiles to Taiwan.", "Koo said the deal was good."
    gold = ann([*ROLE_ENTITIES, ent("lin", "Person", "Lin Chia-lung")], [
        _event("g1", "ArmsSale", SALE, ("us", "seller"), ("tw", "buyer")),
        _event("g2", "Delivery", delivery, ("rtx", "supplier"), ("tw", "recipient")),
        _event("g3", "Statement", said, ("koo", "speaker")),
        _event("g4", "Visit", visit, ("koo", "visitor"), ("tw", "host"), ("us", "host")),
        _event("g5", "Other", visit, ("us", "actor")),
        _event("g6", "Delay", "Deliveries were delayed by months.", ("us", "supplier")),
        _event("g7", "ArmsSale", "A second sale followed in March.", ("us", "seller"), ("tw", "buyer")),
    ])
    pred = ann([*ROLE_PRED_ENTITIES, ent("y", "Person", "Hsiao Bi-khim")], [
        _event("p1", "ArmsSale", SALE, ("a", "buyer"), ("b", "seller")),  # roles swapped
        _event("p2", "ContractAward", delivery, ("c", "contractor")),  # RTX's event, another type
        _event("p3", "Statement", said, ("y", "speaker")),  # same sentence and type, nobody matched
        _event("p4", "Visit", visit, ("d", "visitor"), ("a", "addressee"), ("c", "partner")),  # matched to g4
        _event("p5", "Visit", visit, ("d", "visitor")),  # would match g4 too
        _event("p6", "CoProduction", "Joint production was discussed.", ("a", "partner")),
        _event("p7", "Visit", "Another trip was planned.", ("a", "visitor")),
    ])
    report = score_annotations({"f": gold}, {"f": pred})
    assert [(g.id, p.id) for g, p in report.files[0].events.matched] == [("g4", "p4")]
    details = categorise(report)
    assert _categories(details, "events", "missed") == {
        "wrong roles": ["g1"], "wrong type": ["g2"], "participants not matched": ["g3"],
        "another event found in its sentence": ["g5"], "type not predicted in the article": ["g6"],
        "not found": ["g7"]}
    assert _categories(details, "events", "extra") == {
        "wrong roles": ["p1"], "wrong type": ["p2"], "participants not matched": ["p3"],
        "duplicate of a matched event": ["p5"], "type not in the gold of the article": ["p6"], "not in the gold": ["p7"]}
    # g4: the United States named in another role, Taiwan not named, RTX named though not a participant
    assert _categories(details, "events", "matched") == {
        "wrong role": ["g4"], "missing participant": ["g4"], "extra participant": ["g4"]}
    swapped = details.groups[("events", "missed")]["wrong roles"][0]
    assert swapped.note == "predicted ArmsSale: United States (buyer), Taiwan (seller)"
    data = details.as_dict()
    json.dumps(data)
    assert set(data["events"]) == {"missed", "extra", "matched"}
    assert data["events"]["missed"]["wrong type"]["count"] == 1
    assert data["events"]["missed"]["wrong type"]["items"][0]["id"] == "g2"
    assert list(data["entities"]["missed"]) == list(CATEGORIES[("entities", "missed")])


def test_a_missing_prediction_puts_every_gold_item_among_the_misses() -> None:
    gold = ann(ROLE_ENTITIES, [ev("ArmsSale", ("us", "seller"), evidence=SALE)])
    details = categorise(score_annotations({"f": gold}, {}))
    assert _categories(details, "entities", "missed") == {
        "name in the reference lists": ["us", "tw", "rtx", "koo"]}
    assert _categories(details, "events", "missed") == {"type not predicted in the article": ["events[0]"]}


def test_missing_predictions_count_as_false_negatives_and_extra_ones_are_listed() -> None:
    gold = {"a": ann([ent("us", "State", "United States")], [ev("ArmsSale", ("us", "seller"))])}
    pred = {"z": ann([ent("us", "State", "United States")])}
    report = score_annotations(gold, pred)
    assert counts(report.entities) == (0, 0, 1) and counts(report.events) == (0, 0, 1)
    assert report.entities.precision == 0.0
    assert report.missing_prediction == ["a"] and report.without_gold == ["z"]
    assert report.files[0].missing_prediction


# -- folders ------------------------------------------------------------------------------


def _write(path: Path, annotation: dict[str, Any]) -> None:
    path.write_text(yaml.safe_dump(annotation, sort_keys=False), encoding="utf-8")


SMALL = {"entities": [ent("us", "State", "United States")], "events": [ev("ArmsSale", ("us", "seller"))]}


def test_files_pair_by_article_id_then_by_stem(tmp_path: Path) -> None:
    gold, pred = tmp_path / "gold", tmp_path / "pred"
    gold.mkdir()
    pred.mkdir()
    _write(gold / "one.yaml", {"article": {"id": "article-1"}, **SMALL})
    _write(gold / "two.yaml", SMALL)                      # id "two" from the stem
    _write(gold / "three.yaml", {"article": {"id": "article-3"}, **SMALL})
    _write(gold / "four.yaml", SMALL)
    _write(pred / "whatever.yaml", {"article": {"id": "article-1"}, **SMALL})   # by id
    _write(pred / "two.yml", SMALL)                                              # by id (= stem)
    _write(pred / "three.yaml", {"article": {"id": "renamed"}, **SMALL})        # no such id: by stem
    _write(pred / "stray.yaml", SMALL)                                           # no gold
    report = score_dirs(gold, pred)
    by_id = {f.id: f for f in report.files}
    assert by_id["article-1"].pred_file == str(pred / "whatever.yaml")
    assert by_id["two"].pred_file == str(pred / "two.yml")
    assert by_id["article-3"].pred_file == str(pred / "three.yaml")
    assert by_id["four"].pred_file is None and by_id["four"].missing_prediction
    assert report.missing_prediction == [f"four ({gold / 'four.yaml'})"]
    assert report.without_gold == [f"stray ({pred / 'stray.yaml'})"]
    assert counts(report.entities) == (3, 0, 1) and counts(report.events) == (3, 0, 1)


def test_folder_problems(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(EvaluationError, match="empty holds no annotation files"):
        score_dirs(ANNOTATIONS, tmp_path / "empty")
    with pytest.raises(EvaluationError, match="does not exist"):
        score_dirs(tmp_path / "nowhere", ANNOTATIONS)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "broken.yaml").write_text("entities:\n  - {id: x, type: State}\n", encoding="utf-8")
    with pytest.raises(AnnotationError) as caught:
        score_dirs(ANNOTATIONS, bad)
    assert "broken.yaml" in str(caught.value) and "entities[0].name" in str(caught.value)
    dup = tmp_path / "dup"
    dup.mkdir()
    _write(dup / "a.yaml", {"article": {"id": "same"}, **SMALL})
    _write(dup / "b.yaml", {"article": {"id": "same"}, **SMALL})
    with pytest.raises(EvaluationError, match="both article 'same'"):
        score_dirs(dup, dup)


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem)
def test_a_gold_file_against_itself_is_perfect(path: Path) -> None:
    gold = parse_annotation(path).annotation
    report = score_annotations({"x": gold}, {"x": gold})
    for kind in ("entities", "events"):
        c = getattr(report, kind)
        assert (c.precision, c.recall, c.f1) == (1.0, 1.0, 1.0) and c.tp == len(getattr(gold, kind)) > 0
        assert all(r.f1 == 1.0 for r in report.per_type[kind].values())
    # every item is matched to itself, not to a look-alike
    assert [(g.id, p.id) for g, p in report.files[0].entities.matched] == [(e.id, e.id) for e in gold.entities]
    assert all(g == p for g, p in report.files[0].events.matched)


def test_the_gold_folder_against_itself_is_perfect() -> None:
    report = score_dirs(ANNOTATIONS, ANNOTATIONS)
    assert [f.id for f in report.files] == [p.stem for p in GOLD_FILES]
    assert report.entities.f1 == report.events.f1 == 1.0
    assert report.missing_prediction == report.without_gold == []


# -- the command --------------------------------------------------------------------------


def test_kg_eval_with_pred_and_json(tmp_path: Path) -> None:
    pred = tmp_path / "pred"
    pred.mkdir()
    gold = yaml.safe_load((ANNOTATIONS / "2025-11-19-nasams-taiwan.yaml").read_text(encoding="utf-8"))
    del gold["article"]["text_file"]
    kept = gold["entities"][:-1]  # drop one entity (and the events that name it)
    dropped = gold["entities"][-1]["id"]
    gold["entities"] = kept
    gold["events"] = [e for e in gold["events"]
                      if all(p["entity"] != dropped for p in e["participants"]) and dropped not in e.get("systems", [])
                      and e.get("place") != dropped]
    gold.pop("relations", None)
    for e in gold["events"]:
        e.pop("part_of", None)
        e.pop("blocked_deal", None)
    _write(pred / "prediction.yaml", gold)

    result = runner.invoke(app, ["eval", "--gold", str(ANNOTATIONS), "--pred", str(pred), "--json", "--details"])
    assert result.exit_code == ExitCode.OK, result.output
    data = json.loads(result.stdout)
    assert data["entities"]["fp"] == 0 and data["entities"]["fn"] == 1 + next(
        f["entities"]["fn"] for f in data["per_file"] if f["id"] == "2023-us-defence-delegation-taiwan")
    assert data["unpaired"]["missing_prediction"] == [
        f"2023-us-defence-delegation-taiwan ({ANNOTATIONS / '2023-us-defence-delegation-taiwan.yaml'})"]
    nasams = next(f for f in data["per_file"] if f["id"] == "2025-11-19-nasams-taiwan")
    assert [i["id"] for i in nasams["details"]["entities"]["false_negatives"]] == [dropped]

    human = runner.invoke(app, ["eval", "--gold", str(ANNOTATIONS), "--pred", str(pred), "--details"])
    assert human.exit_code == ExitCode.OK, human.output
    assert "entities" in human.stdout and "precision" in human.stdout and "missed entity" in human.stdout
    assert "missing prediction" in human.stderr


@pytest.mark.parametrize("args,fragment", [
    (["--gold", str(ANNOTATIONS)], "exactly one of --pred"),
    (["--gold", str(ANNOTATIONS), "--pred", str(ANNOTATIONS), "--articles", str(ANNOTATIONS)], "exactly one of --pred"),
    (["--gold", "/nonexistent/gold", "--pred", str(ANNOTATIONS)], "--gold /nonexistent/gold does not exist"),
    (["--gold", str(ANNOTATIONS), "--pred", "{tmp}"], "holds no annotation files"),
    (["--gold", str(ANNOTATIONS), "--articles", "{tmp}"], "holds no article texts"),
])
def test_kg_eval_usage_errors(args: list[str], fragment: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["eval", *(a.replace("{tmp}", str(tmp_path)) for a in args), "--json"])
    assert result.exit_code == ExitCode.USAGE, result.output
    assert result.stdout == "" and fragment in " ".join(result.stderr.split())


def test_kg_eval_a_bad_prediction_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "oops.yaml").write_text("entities: [{id: x, type: State, name: X, colour: red}]\n", encoding="utf-8")
    result = runner.invoke(app, ["eval", "--gold", str(ANNOTATIONS), "--pred", str(tmp_path)])
    assert result.exit_code == ExitCode.PROBLEM and "oops.yaml" in result.stderr and "colour" in result.stderr


def test_kg_eval_articles_runs_the_extractor(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Pairing and error reporting of --articles, with a stand-in for the extraction path (the one
    `kg extract` writes through) that returns each article's gold annotation; the real extractor's
    scores are tested in test_extract_document.py."""
    from loaders.extraction import document

    gold_by_stem = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in GOLD_FILES}
    seen: list[str] = []

    def extract_document(path: Path, **_: Any) -> document.ExtractedDocument:
        seen.append(path.name)
        data = gold_by_stem[path.stem]
        data["article"].pop("text_file", None)
        data["article"].pop("id", None)  # paired by the text's name
        return document.ExtractedDocument(data)

    monkeypatch.setattr(document, "extract_document", extract_document)
    articles = tmp_path / "articles"
    articles.mkdir()
    for stem in gold_by_stem:
        (articles / f"{stem}.txt").write_text("text", encoding="utf-8")
    result = runner.invoke(app, ["eval", "--gold", str(ANNOTATIONS), "--articles", str(articles), "--json"])
    assert result.exit_code == ExitCode.OK, result.output
    data = json.loads(result.stdout)
    assert sorted(seen) == sorted(f"{s}.txt" for s in gold_by_stem)
    assert data["entities"]["f1"] == data["events"]["f1"] == 1.0
    assert data["unpaired"] == {"missing_prediction": [], "without_gold": []}

    def broken(path: Path, **_: Any) -> document.ExtractedDocument:
        return document.ExtractedDocument({"entities": [{"id": "x", "type": "State"}]})

    monkeypatch.setattr(document, "extract_document", broken)
    result = runner.invoke(app, ["eval", "--gold", str(ANNOTATIONS), "--articles", str(articles)])
    assert result.exit_code == ExitCode.PROBLEM
    assert "extractor's output" in result.stderr and ".txt" in result.stderr and "entities[0].name" in result.stderr

    def crashing(path: Path, **_: Any) -> document.ExtractedDocument:
        raise KeyError("Official:hegseth")

    monkeypatch.setattr(document, "extract_document", crashing)
    result = runner.invoke(app, ["eval", "--gold", str(ANNOTATIONS), "--articles", str(articles)])
    assert result.exit_code == ExitCode.PROBLEM and isinstance(result.exception, SystemExit)
    assert "the extractor failed on" in result.stderr and "KeyError" in result.stderr


def test_extractor_output_pairs_with_the_gold_file_of_its_text(tmp_path: Path) -> None:
    gold, pred = tmp_path / "gold", tmp_path / "pred"
    gold.mkdir()
    pred.mkdir()
    (tmp_path / "000_nasams.txt").write_text("text", encoding="utf-8")
    _write(gold / "nasams.yaml", {"article": {"id": "nasams-2025", "text_file": "../000_nasams.txt"}, **SMALL})
    _write(pred / "000_nasams.yaml", SMALL)  # named after the text, no article id
    report = score_dirs(gold, pred)
    assert report.files[0].pred_file == str(pred / "000_nasams.yaml") and report.entities.f1 == 1.0


def test_kg_eval_articles_gives_role_figures_and_categories_on_the_dev_set() -> None:
    """The real extractor on data/dev, through the command: per-role figures and --details categories."""
    args = ["eval", "--gold", str(DEV / "gold"), "--articles", str(DEV / "articles"), "--details"]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == ExitCode.OK, result.output
    data = json.loads(result.stdout)
    assert data["per_role"] and {"seller", "buyer", "speaker"} <= set(data["per_role"])
    roles = data["roles"]
    assert roles["tp"] == sum(r["tp"] for r in data["per_role"].values()) > 0
    assert 0 < roles["accuracy_on_matched_events"] <= 1
    assert sum(roles["gold_participants"].values()) == roles["tp"] + roles["fn"]
    for kind in ("entities", "events"):
        for group, tally in (("missed", "fn"), ("extra", "fp")):
            cats = data["details"][kind][group]
            assert list(cats) == list(CATEGORIES[(kind, group)])
            assert sum(c["count"] for c in cats.values()) == data[kind][tally]
    assert sum(data["details"]["entities"]["recall_by_reference"][c]["tp"]
               for c in ("name in the reference lists", "name not in the reference lists")) == data["entities"]["tp"]

    human = runner.invoke(app, args)
    assert human.exit_code == ExitCode.OK, human.output
    text = " ".join(human.stdout.split())
    assert "roles (matched events)" in text and "role seller" in text and "role accuracy on matched events" in text
    assert "missed entity, name not in the reference lists:" in text and "missed event, " in text
    assert "entity recall by name: in the reference lists" in text
