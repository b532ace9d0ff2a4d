"""Scoring annotation files (extraction output) against gold annotations.

Both sides use the annotation format (``docs/annotation-format.md``) and are
read with the project's parser (:func:`loaders.annotations.parse_annotation`);
a bad file raises :class:`~loaders.annotations.AnnotationError` naming it. The
comparison follows the format's section "How two annotation files of the same
article are compared". Where that section is silent this module decides, and
says so here:

Names
    :func:`match_name` normalises a name or alias for comparison: Unicode NFKC,
    case folded, every character that is neither a letter, a digit nor white
    space removed (so ``U.S.`` is ``us`` and ``Raytheon Missiles & Defense`` is
    ``raytheon missiles defense``), white space collapsed, then one leading
    ``the`` word dropped. Accents are kept (the format does not fold them). A
    name that normalises to nothing never matches. This is deliberately not
    :func:`kg.names.normalise_name`, which turns punctuation into spaces, ``&``
    into ``and`` and folds accents: useful for resolution, but not the rule the
    format states.

Entity types
    Types are compatible when equal or when one is a subclass of the other in
    the ontology (``Official`` is a ``Person``; ``Contractor`` and
    ``GovernmentAgency`` are ``Organization``\\ s). A type the ontology does not
    know is compatible only with the same type.

Event types
    Compared by equality; ``Other`` and ``OtherEvent`` (the class the loader
    maps ``Other`` to) are the same type and reported as ``Other``.

Events' participants
    A gold participant and a predicted one are shared when the gold entity is
    matched (under the one-to-one entity matching) to the predicted entity and
    the roles are equal (exact strings). Events need at least one shared
    participant.

Roles
    Scored on matched events only: each pair of matched events contributes its
    (role, entity) pairs, the predicted entity read through the entity matching
    (a predicted entity without a gold match never equals a gold one). A pair in
    both is a true positive for its role, one only predicted a false positive,
    one only in gold a false negative; "roles" sums every role. Role accuracy
    is the share of the gold participants of matched events that the prediction
    names in the event (right or wrong role) and gives the right role; gold
    participants the prediction leaves out are counted apart ("absent"), so a
    missing participant and a wrong role are told apart.

Evidence
    Words are the case-folded runs of letters and digits (``$698,948,760`` gives
    ``698``, ``948``, ``760``), taken as sets. Overlap is ``|A & B| / min(|A|,
    |B|)``; events need an overlap of at least 0.5 when both carry evidence
    (non-blank). When either has none the condition does not apply. Two
    sentences without any word overlap 1.0.

One-to-one, greedy, best first
    Entities are matched first, then events using the entity matching. Every
    compatible pair is a candidate; candidates are taken best first and each
    item is used at most once. Best for entities: the two primary names equal,
    then a name equal to the other's alias, then aliases only; within each,
    equal types before subtype-compatible ones. Best for events: more shared
    participants, then higher evidence overlap (pairs where evidence is missing
    rank as overlap 0). Ties go to file order (gold first, then prediction).

Counts
    A match is a true positive counted for the gold item's type; an unmatched
    prediction a false positive for its type; an unmatched gold item a false
    negative for its type. Overall figures are micro-averaged: counts summed
    over all files, then the ratios. Per-type rows exist only for types that
    occur. ``precision = tp / (tp + fp)`` and ``recall = tp / (tp + fn)``; a
    ratio whose denominator is 0 is 1.0 when there is nothing at all (no gold
    and no prediction: nothing to find, nothing wrongly found) and 0.0
    otherwise (no predictions against some gold: precision 0.0; predictions
    against no gold: recall 0.0). F1 is the harmonic mean, 0.0 when precision
    plus recall is 0.

Pairing files
    :func:`score_dirs` reads ``*.yaml`` and ``*.yml`` directly in each folder and
    pairs files by article id (``article.id``, by default the file name without
    extension); a prediction whose id names no gold file is paired by file stem
    when a still unpaired gold file has the same stem (or its ``article.text_file``
    has: extractor output is named after the article text). A gold file without a
    prediction counts all its items as false negatives ("missing prediction");
    a prediction without gold is listed and not scored.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from loaders.annotations import (
    Annotation,
    AnnotationFile,
    EntityAnn,
    EventAnn,
    parse_annotation,
    parse_annotation_data,
)
from loaders.validation import ANNOTATION_SUFFIXES

EVIDENCE_THRESHOLD = 0.5
#: The loader maps the format's catch-all event type to this ontology class; both spellings are one type here.
_EVENT_TYPE_SPELLINGS = {"OtherEvent": "Other"}

_NOT_WORD_OR_SPACE = re.compile(r"[^\w\s]|_")
_WORD = re.compile(r"[^\W_]+")


class EvaluationError(ValueError):
    """The evaluation cannot run: a folder is missing or empty, or two files claim one article id."""


# -- the comparison rules ---------------------------------------------------------------


def match_name(name: str) -> str:
    """A name as the comparison sees it: case folded, punctuation removed, a leading "the" dropped.

    ``"The Pentagon"`` -> ``"pentagon"``; ``"U.S."`` -> ``"us"``;
    ``"Taiwan’s military"`` -> ``"taiwans military"``;
    ``"Raytheon Missiles & Defense"`` -> ``"raytheon missiles defense"``.
    """
    text = unicodedata.normalize("NFKC", name).casefold()
    text = _NOT_WORD_OR_SPACE.sub("", text)
    text = " ".join(text.split())
    return text.removeprefix("the ")


def evidence_words(sentence: str | None) -> set[str]:
    """The case-folded letter-and-digit tokens of a sentence, as a set."""
    return set(_WORD.findall(unicodedata.normalize("NFKC", sentence or "").casefold()))


def evidence_overlap(a: str | None, b: str | None) -> float | None:
    """Shared words over the shorter sentence's words; None when either sentence is missing or blank."""
    if not (a and a.strip()) or not (b and b.strip()):
        return None
    wa, wb = evidence_words(a), evidence_words(b)
    shorter = min(len(wa), len(wb))
    return 1.0 if shorter == 0 else len(wa & wb) / shorter


def event_type(name: str) -> str:
    return _EVENT_TYPE_SPELLINGS.get(name, name)


TypeCheck = Callable[[str, str], bool]


def ontology_type_check(onto: Any = None) -> TypeCheck:
    """Type compatibility from the ontology's class hierarchy (loaded once when not given)."""
    if onto is None:
        from kg.ontology import load_ontology

        onto = load_ontology()

    def compatible(a: str, b: str) -> bool:
        if a == b:
            return True
        if a not in onto.classes or b not in onto.classes:
            return False
        return onto.is_a(a, b) or onto.is_a(b, a)

    return compatible


# -- scores -----------------------------------------------------------------------------


def _ratio(hits: int, total: int, nothing_at_all: bool) -> float:
    if total:
        return hits / total
    return 1.0 if nothing_at_all else 0.0


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def _empty(self) -> bool:
        return self.tp == self.fp == self.fn == 0

    @property
    def precision(self) -> float:
        return _ratio(self.tp, self.tp + self.fp, self._empty)

    @property
    def recall(self) -> float:
        return _ratio(self.tp, self.tp + self.fn, self._empty)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)

    def as_dict(self) -> dict[str, float | int]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


@dataclass
class Item:
    """One entity or event of a file, as the report shows it."""

    kind: str  # "entity" | "event"
    id: str  # the file's id, or events[i] for an event without one
    type: str
    name: str  # entities: the name; events: "type: entity (role), ..."
    aliases: list[str] = field(default_factory=list)
    evidence: str | None = None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type, "name": self.name}
        if self.kind == "entity":
            data["aliases"] = self.aliases
        else:
            data["evidence"] = self.evidence
        return data


@dataclass
class KindResult:
    """Entities or events of one file: the counts, the matched pairs and what was missed or extra."""

    counts: Counts = field(default_factory=Counts)
    matched: list[tuple[Item, Item]] = field(default_factory=list)
    false_positives: list[Item] = field(default_factory=list)
    false_negatives: list[Item] = field(default_factory=list)

    def per_type(self) -> dict[str, Counts]:
        rows: dict[str, Counts] = defaultdict(Counts)
        for gold, _ in self.matched:
            rows[gold.type].tp += 1
        for item in self.false_positives:
            rows[item.type].fp += 1
        for item in self.false_negatives:
            rows[item.type].fn += 1
        return dict(rows)

    def details(self) -> dict[str, Any]:
        return {
            "matched": [{"gold": g.as_dict(), "pred": p.as_dict()} for g, p in self.matched],
            "false_positives": [i.as_dict() for i in self.false_positives],
            "false_negatives": [i.as_dict() for i in self.false_negatives],
        }


@dataclass
class RoleResult:
    """The roles of matched events: counts per role and how the gold participants fared."""

    per_role: dict[str, Counts] = field(default_factory=dict)
    right: int = 0  # gold participants named in the predicted event in the same role
    wrong_role: int = 0  # named there, in another role only
    absent: int = 0  # not named in the predicted event

    def add(self, other: RoleResult) -> None:
        for role, counts in other.per_role.items():
            self.per_role.setdefault(role, Counts()).add(counts)
        self.right += other.right
        self.wrong_role += other.wrong_role
        self.absent += other.absent

    @property
    def total(self) -> Counts:
        total = Counts()
        for counts in self.per_role.values():
            total.add(counts)
        return total

    @property
    def accuracy(self) -> float | None:
        """Right roles over the gold participants the prediction names; None when it names none."""
        judged = self.right + self.wrong_role
        return self.right / judged if judged else None

    def as_dict(self) -> dict[str, Any]:
        accuracy = self.accuracy
        return {**self.total.as_dict(), "accuracy_on_matched_events": None if accuracy is None else round(accuracy, 4),
                "gold_participants": {"right": self.right, "wrong_role": self.wrong_role, "absent": self.absent}}


def score_roles(gold: list[EventAnn], pred: list[EventAnn], event_pairs: Mapping[int, int],
                entity_match: Mapping[str, str]) -> RoleResult:
    """The roles of the matched events (gold index -> pred index), entities compared through
    ``entity_match`` (gold id -> pred id)."""
    to_gold = {p: g for g, p in entity_match.items()}
    result = RoleResult()
    for gi, pi in sorted(event_pairs.items()):
        gold_pairs: set[tuple[str, Any]] = {(p.role, p.entity) for p in gold[gi].participants}
        # a predicted entity without a gold match stays a ("pred", id) pair: never equal to a gold id
        pred_pairs: set[tuple[str, Any]] = {(p.role, to_gold.get(p.entity, ("pred", p.entity)))
                                            for p in pred[pi].participants}
        for role, _ in gold_pairs & pred_pairs:
            result.per_role.setdefault(role, Counts()).tp += 1
        for role, _ in pred_pairs - gold_pairs:
            result.per_role.setdefault(role, Counts()).fp += 1
        for role, _ in gold_pairs - pred_pairs:
            result.per_role.setdefault(role, Counts()).fn += 1
        named_entities = {e for _, e in pred_pairs}
        right = len(gold_pairs & pred_pairs)
        named = sum(1 for _, entity in gold_pairs if entity in named_entities)
        result.right += right
        result.wrong_role += named - right
        result.absent += len(gold_pairs) - named
    result.per_role = dict(sorted(result.per_role.items()))
    return result


@dataclass
class FileScore:
    id: str
    entities: KindResult
    events: KindResult
    roles: RoleResult = field(default_factory=RoleResult)
    gold_file: str | None = None
    pred_file: str | None = None
    missing_prediction: bool = False
    #: what the score was computed from, for the categories of --details (loaders/evaluation_details.py)
    gold: Annotation = field(default_factory=Annotation, repr=False)
    pred: Annotation = field(default_factory=Annotation, repr=False)
    entity_pairs: dict[int, int] = field(default_factory=dict, repr=False)
    event_pairs: dict[int, int] = field(default_factory=dict, repr=False)

    def as_dict(self, *, details: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "gold": self.gold_file, "pred": self.pred_file,
                                "missing_prediction": self.missing_prediction,
                                "entities": self.entities.counts.as_dict(), "events": self.events.counts.as_dict(),
                                "roles": self.roles.as_dict()}
        if details:
            data["details"] = {"entities": self.entities.details(), "events": self.events.details()}
        return data


@dataclass
class EvaluationReport:
    files: list[FileScore]
    #: ids (and files, with score_dirs) of gold files without a prediction: scored as all false negatives
    missing_prediction: list[str] = field(default_factory=list)
    #: ids (and files) of predictions without gold: listed, not scored
    without_gold: list[str] = field(default_factory=list)

    def _total(self, kind: str) -> Counts:
        total = Counts()
        for f in self.files:
            total.add(getattr(f, kind).counts)
        return total

    def _per_type(self, kind: str) -> dict[str, Counts]:
        rows: dict[str, Counts] = defaultdict(Counts)
        for f in self.files:
            for name, counts in getattr(f, kind).per_type().items():
                rows[name].add(counts)
        return dict(sorted(rows.items()))

    @property
    def entities(self) -> Counts:
        return self._total("entities")

    @property
    def events(self) -> Counts:
        return self._total("events")

    @property
    def per_type(self) -> dict[str, dict[str, Counts]]:
        return {"entities": self._per_type("entities"), "events": self._per_type("events")}

    @property
    def roles(self) -> RoleResult:
        """The roles of matched events over all files (micro-averaged), per role and overall."""
        total = RoleResult()
        for f in self.files:
            total.add(f.roles)
        total.per_role = dict(sorted(total.per_role.items()))
        return total

    def as_dict(self, *, details: bool = False) -> dict[str, Any]:
        """JSON-able: overall, per-type and per-role scores, per file, unpaired files; matched/FP/FN items with ``details``."""
        roles = self.roles
        return {
            "entities": self.entities.as_dict(),
            "events": self.events.as_dict(),
            "roles": roles.as_dict(),
            "per_type": {kind: {name: c.as_dict() for name, c in rows.items()} for kind, rows in self.per_type.items()},
            "per_role": {role: c.as_dict() for role, c in roles.per_role.items()},
            "per_file": [f.as_dict(details=details) for f in self.files],
            "unpaired": {"missing_prediction": self.missing_prediction, "without_gold": self.without_gold},
        }


# -- matching ---------------------------------------------------------------------------


def _entity_item(entity: EntityAnn) -> Item:
    return Item("entity", entity.id, entity.type, entity.name, list(entity.aliases))


def _event_item(event: EventAnn, index: int, names: Mapping[str, str]) -> Item:
    parts = ", ".join(f"{names.get(p.entity, p.entity)} ({p.role})" for p in event.participants)
    return Item("event", event.id or f"events[{index}]", event_type(event.type), f"{event_type(event.type)}: {parts}",
                evidence=event.evidence or None)


def _greedy(candidates: Iterable[tuple[tuple[Any, ...], int, int]]) -> dict[int, int]:
    """One-to-one matching: candidates (rank, gold index, pred index), lower rank first; gold index -> pred index."""
    taken_gold: dict[int, int] = {}
    taken_pred: set[int] = set()
    for _, gi, pi in sorted(candidates, key=lambda c: (c[0], c[1], c[2])):
        if gi not in taken_gold and pi not in taken_pred:
            taken_gold[gi] = pi
            taken_pred.add(pi)
    return taken_gold


def match_entities(gold: list[EntityAnn], pred: list[EntityAnn], compatible: TypeCheck) -> dict[int, int]:
    """The one-to-one entity matching: gold index -> pred index."""
    def names(e: EntityAnn) -> tuple[str, set[str]]:
        primary = match_name(e.name)
        return primary, {n for n in (match_name(a) for a in e.aliases) if n}

    gold_names = [names(e) for e in gold]
    pred_names = [names(e) for e in pred]
    candidates = []
    for gi, g in enumerate(gold):
        g_name, g_aliases = gold_names[gi]
        g_all = ({g_name} if g_name else set()) | g_aliases
        for pi, p in enumerate(pred):
            p_name, p_aliases = pred_names[pi]
            p_all = ({p_name} if p_name else set()) | p_aliases
            if not (g_all & p_all) or not compatible(g.type, p.type):
                continue
            if g_name and g_name == p_name:
                name_rank = 0
            elif (g_name and g_name in p_aliases) or (p_name and p_name in g_aliases):
                name_rank = 1
            else:
                name_rank = 2
            candidates.append(((name_rank, 0 if g.type == p.type else 1), gi, pi))
    return _greedy(candidates)


def _shared_participants(g: EventAnn, p: EventAnn, entity_match: Mapping[str, str]) -> int:
    return len({(gp.entity, gp.role) for gp in g.participants for pp in p.participants
                if gp.role == pp.role and entity_match.get(gp.entity) == pp.entity})


def match_events(gold: list[EventAnn], pred: list[EventAnn], entity_match: Mapping[str, str]) -> dict[int, int]:
    """The one-to-one event matching (gold index -> pred index), given the entity matching by id (gold id -> pred id)."""
    candidates = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            if event_type(g.type) != event_type(p.type):
                continue
            shared = _shared_participants(g, p, entity_match)
            if shared == 0:
                continue
            overlap = evidence_overlap(g.evidence, p.evidence)
            if overlap is not None and overlap < EVIDENCE_THRESHOLD:
                continue
            candidates.append(((-shared, -(overlap or 0.0)), gi, pi))
    return _greedy(candidates)


def score_pair(gold: Annotation, pred: Annotation | None, *, compatible: TypeCheck | None = None,
               article_id: str = "") -> FileScore:
    """Score one prediction against its gold (``pred=None``: a missing prediction, everything a false negative)."""
    compatible = compatible or ontology_type_check()
    empty = Annotation()
    missing = pred is None
    pred = pred or empty
    g_names = {e.id: e.name for e in gold.entities}
    p_names = {e.id: e.name for e in pred.entities}

    entity_pairs = match_entities(gold.entities, pred.entities, compatible)
    entities = _kind_result(
        [_entity_item(e) for e in gold.entities], [_entity_item(e) for e in pred.entities], entity_pairs)
    by_id = {gold.entities[gi].id: pred.entities[pi].id for gi, pi in entity_pairs.items()}
    event_pairs = match_events(gold.events, pred.events, by_id)
    events = _kind_result([_event_item(e, i, g_names) for i, e in enumerate(gold.events)],
                          [_event_item(e, i, p_names) for i, e in enumerate(pred.events)], event_pairs)
    return FileScore(id=article_id, entities=entities, events=events,
                     roles=score_roles(gold.events, pred.events, event_pairs, by_id), missing_prediction=missing,
                     gold=gold, pred=pred, entity_pairs=entity_pairs, event_pairs=event_pairs)


def _kind_result(gold: list[Item], pred: list[Item], pairs: dict[int, int]) -> KindResult:
    matched_pred = set(pairs.values())
    result = KindResult(
        matched=[(gold[gi], pred[pi]) for gi, pi in sorted(pairs.items())],
        false_positives=[item for pi, item in enumerate(pred) if pi not in matched_pred],
        false_negatives=[item for gi, item in enumerate(gold) if gi not in pairs],
    )
    result.counts = Counts(tp=len(result.matched), fp=len(result.false_positives), fn=len(result.false_negatives))
    return result


def score_annotations(gold: Mapping[str, Annotation], pred: Mapping[str, Annotation], *,
                      onto: Any = None) -> EvaluationReport:
    """Score predictions against gold, both keyed by article id; files pair by equal keys.

    A gold id without a prediction is scored as all false negatives and listed in
    ``missing_prediction``; a predicted id without gold is listed in ``without_gold``.
    """
    compatible = ontology_type_check(onto)
    files = [score_pair(ann, pred.get(key), compatible=compatible, article_id=key) for key, ann in sorted(gold.items())]
    return EvaluationReport(
        files=files,
        missing_prediction=sorted(k for k in gold if k not in pred),
        without_gold=sorted(k for k in pred if k not in gold),
    )


# -- folders ----------------------------------------------------------------------------


def annotation_files(directory: Path | str) -> list[Path]:
    """The annotation files (``*.yaml``, ``*.yml``) directly in a folder, sorted; EvaluationError when there are none."""
    directory = Path(directory)
    if not directory.is_dir():
        raise EvaluationError(f"{directory} is not a folder" if directory.exists() else f"{directory} does not exist")
    files = sorted(p for p in directory.iterdir() if p.is_file() and p.suffix in ANNOTATION_SUFFIXES)
    if not files:
        raise EvaluationError(f"{directory} holds no annotation files (*.yaml, *.yml)")
    return files


def read_dir(directory: Path | str) -> list[AnnotationFile]:
    """Parse every annotation file of a folder; the first bad file raises AnnotationError naming it."""
    return [parse_annotation(path) for path in annotation_files(directory)]


def _by_id(files: list[AnnotationFile], side: str) -> dict[str, AnnotationFile]:
    out: dict[str, AnnotationFile] = {}
    for f in files:
        if f.source_id in out:
            raise EvaluationError(f"{side}: {out[f.source_id].path} and {f.path} are both article {f.source_id!r}")
        out[f.source_id] = f
    return out


def _stems(file: AnnotationFile) -> set[str]:
    """The file's stem and that of its article text: the names a prediction may be paired by."""
    text_file = file.annotation.article.text_file
    return {file.path.stem, *([Path(text_file).stem] if text_file else [])}


def pair_files(gold: list[AnnotationFile], pred: list[AnnotationFile]) -> tuple[dict[str, AnnotationFile], list[AnnotationFile]]:
    """Predictions paired to gold ids, and the predictions without gold.

    A prediction pairs with the gold file of its article id; failing that, with
    a still unpaired gold file whose stem, or whose ``article.text_file``'s stem,
    is the prediction file's stem (so extractor output for ``a.txt`` pairs with
    the gold file whose text is ``a.txt``).
    """
    gold_ids = _by_id(gold, "gold")
    _by_id(pred, "predictions")
    paired: dict[str, AnnotationFile] = {}
    leftover: list[AnnotationFile] = []
    for p in pred:
        if p.source_id in gold_ids:
            paired[p.source_id] = p
        else:
            leftover.append(p)
    without_gold: list[AnnotationFile] = []
    for p in leftover:
        stem = next((gid for gid, g in gold_ids.items() if p.path.stem in _stems(g) and gid not in paired), None)
        if stem is None:
            without_gold.append(p)
        else:
            paired[stem] = p
    return paired, without_gold


def score_files(gold: list[AnnotationFile], pred: list[AnnotationFile], *, onto: Any = None) -> EvaluationReport:
    """Score parsed prediction files against parsed gold files (paired by article id, then file stem)."""
    paired, without_gold = pair_files(gold, pred)
    gold_ids = _by_id(gold, "gold")
    report = score_annotations({k: f.annotation for k, f in gold_ids.items()},
                               {k: f.annotation for k, f in paired.items()}, onto=onto)
    for score in report.files:
        score.gold_file = str(gold_ids[score.id].path)
        score.pred_file = str(paired[score.id].path) if score.id in paired else None
    report.missing_prediction = [f"{k} ({gold_ids[k].path})" for k in report.missing_prediction]
    report.without_gold = [f"{p.source_id} ({p.path})" for p in without_gold]
    return report


def score_dirs(gold_dir: Path | str, pred_dir: Path | str, *, onto: Any = None) -> EvaluationReport:
    """Score every annotation file of ``pred_dir`` against its gold file in ``gold_dir``.

    Raises EvaluationError for a missing or empty folder or a duplicate article
    id, AnnotationError (naming the file) for a file that does not parse.
    """
    gold = read_dir(gold_dir)
    pred = read_dir(pred_dir)
    return score_files(gold, pred, onto=onto)


def annotation_from_data(data: Any, origin: Path | str) -> Annotation:
    """Check an annotation given as plain data (extractor output) as the parser checks a file.

    Raises AnnotationError naming ``origin`` with every problem found.
    """
    return parse_annotation_data(data, origin)


__all__ = [
    "Counts", "EvaluationError", "EvaluationReport", "FileScore", "Item", "KindResult", "RoleResult", "annotation_files",
    "annotation_from_data", "evidence_overlap", "evidence_words", "match_entities", "match_events", "match_name",
    "ontology_type_check", "pair_files", "read_dir", "score_annotations", "score_dirs", "score_files", "score_pair", "score_roles",
]
