"""Why items were missed or extra: the categories `kg eval --details` groups them in.

Computed from a scored report (:mod:`loaders.evaluation`), never from the text:
each missed (false negative) and extra (false positive) item goes into the
first category of its list that applies, so the counts of a list add up to the
item count. A category that relates a missed item to an extra one compares
the two lists of the same file (an item already matched is no excuse for a
miss). Matched events are listed too when their participants differ, under
every category that applies.

Missed entities
    ``wrong type``: an extra prediction shares a name (as the matching
    normalises it) but its type is incompatible. ``span wider`` / ``span
    narrower``: an extra prediction's name contains the gold name, or lies
    inside it, as whole words. ``name in the reference lists`` / ``name not in
    the reference lists``: the rest, split by whether a name or alias of the
    entity is in the reference set entity resolution uses (:class:`loaders.
    resolution.ReferenceTable`, names as resolution normalises them, types
    compatible): a miss of a listed name is a lookup or typing problem, of an
    unlisted one a recognition problem.

Extra entities
    ``wrong type``, ``span wider``, ``span narrower`` as above, seen from the
    prediction; ``duplicate of a matched entity``: it shares a name with a gold
    entity of compatible type that another prediction matched (one-to-one left
    it over); ``kind the contract leaves out``: a Place or MediaOutlet, which
    the format's list of entity types does not name (where and who reports, not
    parties); ``not in the gold``: the rest.

Missed events, extra events
    ``wrong roles``: an extra event (a missed one, seen from the prediction) of
    the same type and sentence names a matched entity, only in another role;
    ``wrong type``: one of another type names a matched entity; ``participants
    not matched``: one of the same type in the same sentence names none of the
    matched entities. Same sentence: the evidence condition of the matching
    (where both carry evidence); for ``participants not matched`` both must
    carry it. Then, for missed events: ``another event found in its
    sentence`` (a matched prediction's evidence is the same sentence: events of
    one sentence after the first are lost), ``type not predicted in the
    article``, ``not found``; for extra events: ``duplicate of a matched
    event`` (it would match a gold event another prediction took), ``type not
    in the gold of the article``, ``not in the gold``.

Matched events
    ``wrong role`` (a gold participant is named in another role), ``missing
    participant`` (a gold participant is not named), ``extra participant`` (a
    predicted participant is no gold participant of the event).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from kg.names import normalise_name
from loaders.annotations import EntityAnn, EventAnn
from loaders.evaluation import (
    EVIDENCE_THRESHOLD,
    Counts,
    EvaluationReport,
    FileScore,
    Item,
    KindResult,
    TypeCheck,
    event_type,
    evidence_overlap,
    match_name,
    ontology_type_check,
)
from loaders.resolution import ReferenceTable

#: Entity types the format's list leaves out: they say where something happened or who reported it.
LEFT_OUT_TYPES = ("Place", "MediaOutlet")

WRONG_TYPE = "wrong type"
SPAN_WIDER = "span wider"
SPAN_NARROWER = "span narrower"
IN_REFERENCE = "name in the reference lists"
NOT_IN_REFERENCE = "name not in the reference lists"
DUPLICATE_ENTITY = "duplicate of a matched entity"
LEFT_OUT = "kind the contract leaves out"
NOT_IN_GOLD = "not in the gold"
WRONG_ROLES = "wrong roles"
PARTICIPANTS_NOT_MATCHED = "participants not matched"
SENTENCE_TAKEN = "another event found in its sentence"
TYPE_NOT_PREDICTED = "type not predicted in the article"
NOT_FOUND = "not found"
DUPLICATE_EVENT = "duplicate of a matched event"
TYPE_NOT_IN_GOLD = "type not in the gold of the article"
WRONG_ROLE = "wrong role"
MISSING_PARTICIPANT = "missing participant"
EXTRA_PARTICIPANT = "extra participant"

#: The categories of each list in the order they are tried (and printed).
CATEGORIES: dict[tuple[str, str], tuple[str, ...]] = {
    ("entities", "missed"): (WRONG_TYPE, SPAN_WIDER, SPAN_NARROWER, IN_REFERENCE, NOT_IN_REFERENCE),
    ("entities", "extra"): (WRONG_TYPE, SPAN_WIDER, SPAN_NARROWER, DUPLICATE_ENTITY, LEFT_OUT, NOT_IN_GOLD),
    ("events", "missed"): (WRONG_ROLES, WRONG_TYPE, PARTICIPANTS_NOT_MATCHED, SENTENCE_TAKEN, TYPE_NOT_PREDICTED,
                           NOT_FOUND),
    ("events", "extra"): (WRONG_ROLES, WRONG_TYPE, PARTICIPANTS_NOT_MATCHED, DUPLICATE_EVENT, TYPE_NOT_IN_GOLD,
                          NOT_IN_GOLD),
    ("events", "matched"): (WRONG_ROLE, MISSING_PARTICIPANT, EXTRA_PARTICIPANT),
}


@dataclass(frozen=True)
class Entry:
    """One item in a category: the file, the item, and what put it there (the counterpart, when there is one)."""

    file: str
    item: Item
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, **self.item.as_dict(), "note": self.note}


@dataclass
class Details:
    """(kind, list) -> category -> entries, every category of :data:`CATEGORIES` present (possibly empty)."""

    groups: dict[tuple[str, str], dict[str, list[Entry]]] = field(
        default_factory=lambda: {key: {c: [] for c in cats} for key, cats in CATEGORIES.items()})
    #: recall of gold entities whose name is in the reference lists, and of the others
    reference_recall: dict[str, Counts] = field(
        default_factory=lambda: {IN_REFERENCE: Counts(), NOT_IN_REFERENCE: Counts()})

    def add(self, kind: str, group: str, category: str, entry: Entry) -> None:
        self.groups[(kind, group)][category].append(entry)

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"entities": {}, "events": {}}
        for (kind, group), categories in self.groups.items():
            data[kind][group] = {c: {"count": len(entries), "items": [e.as_dict() for e in entries]}
                                 for c, entries in categories.items()}
        data["entities"]["recall_by_reference"] = {
            c: {"tp": n.tp, "fn": n.fn, "recall": round(n.recall, 4)} for c, n in self.reference_recall.items()}
        return data


# -- names ------------------------------------------------------------------------------


def _names(entity: EntityAnn) -> set[str]:
    return {n for n in (match_name(x) for x in (entity.name, *entity.aliases)) if n}


def _inside(inner: str, outer: str) -> bool:
    """``inner``'s words are a run of ``outer``'s words, and the two differ."""
    a, b = inner.split(), outer.split()
    return len(a) < len(b) and any(b[i:i + len(a)] == a for i in range(len(b) - len(a) + 1))


@cache
def _reference() -> ReferenceTable:
    return ReferenceTable.load()


def in_reference(entity: EntityAnn, compatible: TypeCheck, table: ReferenceTable | None = None) -> bool:
    """Whether a name or alias of the entity names a reference entry of a compatible type."""
    table = table or _reference()
    return any(compatible(entity.type, entry.type)
               for n in (entity.name, *entity.aliases) for entry in table.by_name.get(normalise_name(n), []))


def _label(entity: EntityAnn) -> str:
    return f"{entity.type} {entity.name!r}"


# -- entities ---------------------------------------------------------------------------


def _span(names_a: set[str], names_b: set[str]) -> str | None:
    """SPAN_WIDER when a name of b contains a name of a, SPAN_NARROWER when one lies inside it."""
    if any(_inside(a, b) for a in names_a for b in names_b):
        return SPAN_WIDER
    if any(_inside(b, a) for a in names_a for b in names_b):
        return SPAN_NARROWER
    return None


def _missed_entity(g: EntityAnn, extras: list[EntityAnn], compatible: TypeCheck,
                   table: ReferenceTable | None) -> tuple[str, str]:
    names = _names(g)
    for p in extras:
        if names & _names(p) and not compatible(g.type, p.type):
            return WRONG_TYPE, f"predicted as {_label(p)}"
    for p in extras:
        span = _span(names, _names(p))
        if span:
            return span, f"predicted as {_label(p)}"
    if in_reference(g, compatible, table):
        return IN_REFERENCE, ""
    return NOT_IN_REFERENCE, ""


def _extra_entity(p: EntityAnn, missed: list[EntityAnn], matched: list[EntityAnn], compatible: TypeCheck) -> tuple[str, str]:
    names = _names(p)
    for g in missed:
        if names & _names(g) and not compatible(g.type, p.type):
            return WRONG_TYPE, f"gold {_label(g)}"
    for g in missed:
        span = _span(_names(g), names)
        if span:
            return span, f"gold {_label(g)}"
    for g in matched:
        if names & _names(g) and compatible(g.type, p.type):
            return DUPLICATE_ENTITY, f"gold {_label(g)} is matched to another prediction"
    if p.type in LEFT_OUT_TYPES:
        return LEFT_OUT, ""
    return NOT_IN_GOLD, ""


# -- events -----------------------------------------------------------------------------


def _same_sentence(a: EventAnn, b: EventAnn, *, both: bool = False) -> bool:
    overlap = evidence_overlap(a.evidence, b.evidence)
    if overlap is None:
        return not both
    return overlap >= EVIDENCE_THRESHOLD


def _relation(g: EventAnn, p: EventAnn, to_pred: Mapping[str, str]) -> str | None:
    """How an unmatched gold event and an unmatched prediction relate, if they do (see the module's docstring)."""
    if not _same_sentence(g, p):
        return None
    gold_entities = {to_pred[x.entity] for x in g.participants if x.entity in to_pred}
    shared = gold_entities & {x.entity for x in p.participants}
    if event_type(g.type) == event_type(p.type):
        if shared:
            return WRONG_ROLES
        return PARTICIPANTS_NOT_MATCHED if _same_sentence(g, p, both=True) else None
    return WRONG_TYPE if shared else None


def _first_relation(pairs: list[tuple[str | None, Item]]) -> tuple[str, str] | None:
    for wanted in (WRONG_ROLES, WRONG_TYPE, PARTICIPANTS_NOT_MATCHED):
        for relation, other in pairs:
            if relation == wanted:
                return relation, other.name
    return None


def _missed_event(g: EventAnn, extras: list[tuple[EventAnn, Item]], matched: list[EventAnn], pred_types: set[str],
                  to_pred: Mapping[str, str]) -> tuple[str, str]:
    related = _first_relation([(_relation(g, p, to_pred), item) for p, item in extras])
    if related:
        return related[0], f"predicted {related[1]}"
    if any(_same_sentence(g, p, both=True) for p in matched):
        return SENTENCE_TAKEN, ""
    return (NOT_FOUND if event_type(g.type) in pred_types else TYPE_NOT_PREDICTED), ""


def _extra_event(p: EventAnn, missed: list[tuple[EventAnn, Item]], matched: list[EventAnn], gold_types: set[str],
                 to_pred: Mapping[str, str]) -> tuple[str, str]:
    """The category of an extra event, and the missed gold event it relates to (``matched``: gold events)."""
    related = _first_relation([(_relation(g, p, to_pred), item) for g, item in missed])
    if related:
        return related[0], f"gold {related[1]}"
    if any(_would_match(g, p, to_pred) for g in matched):
        return DUPLICATE_EVENT, ""
    return (NOT_IN_GOLD if event_type(p.type) in gold_types else TYPE_NOT_IN_GOLD), ""


def _matched_event_problems(g: EventAnn, p: EventAnn, to_pred: Mapping[str, str]) -> list[str]:
    gold_pairs = {(x.role, to_pred.get(x.entity)) for x in g.participants}
    pred_pairs = {(x.role, x.entity) for x in p.participants}
    problems = []
    if any(e is not None and (r, e) not in pred_pairs and any(pe == e for _, pe in pred_pairs) for r, e in gold_pairs):
        problems.append(WRONG_ROLE)
    if any(e is None or all(pe != e for _, pe in pred_pairs) for _, e in gold_pairs):
        problems.append(MISSING_PARTICIPANT)
    gold_entities = {e for _, e in gold_pairs}
    if any(e not in gold_entities for _, e in pred_pairs):
        problems.append(EXTRA_PARTICIPANT)
    return problems


# -- a file and a report ----------------------------------------------------------------


def _unmatched(n_gold: int, n_pred: int, pairs: Mapping[int, int],
               result: KindResult) -> tuple[dict[int, Item], dict[int, Item]]:
    """The missed gold items and the extra predictions, by their index in the file (both lists in file order)."""
    matched_pred = set(pairs.values())
    missed = [gi for gi in range(n_gold) if gi not in pairs]
    extra = [pi for pi in range(n_pred) if pi not in matched_pred]
    return (dict(zip(missed, result.false_negatives, strict=True)),
            dict(zip(extra, result.false_positives, strict=True)))


def _file_details(score: FileScore, details: Details, compatible: TypeCheck, table: ReferenceTable | None) -> None:
    gold, pred = score.gold, score.pred
    fid = score.id
    e_pairs = score.entity_pairs
    fn_items, fp_items = _unmatched(len(gold.entities), len(pred.entities), e_pairs, score.entities)
    missed_e, extra_e = list(fn_items), list(fp_items)
    extras = [pred.entities[pi] for pi in extra_e]
    missed = [gold.entities[gi] for gi in missed_e]
    matched_gold = [gold.entities[gi] for gi in sorted(e_pairs)]
    for gi, g in enumerate(gold.entities):
        listed = in_reference(g, compatible, table)
        counts = details.reference_recall[IN_REFERENCE if listed else NOT_IN_REFERENCE]
        if gi in e_pairs:
            counts.tp += 1
        else:
            counts.fn += 1
    for gi in missed_e:
        category, note = _missed_entity(gold.entities[gi], extras, compatible, table)
        details.add("entities", "missed", category, Entry(fid, fn_items[gi], note))
    for pi in extra_e:
        category, note = _extra_entity(pred.entities[pi], missed, matched_gold, compatible)
        details.add("entities", "extra", category, Entry(fid, fp_items[pi], note))

    to_pred = {gold.entities[gi].id: pred.entities[pi].id for gi, pi in e_pairs.items()}
    v_pairs = score.event_pairs
    fn_v, fp_v = _unmatched(len(gold.events), len(pred.events), v_pairs, score.events)
    missed_events = [(gold.events[gi], item) for gi, item in fn_v.items()]
    extra_events = [(pred.events[pi], item) for pi, item in fp_v.items()]
    matched_preds = [pred.events[pi] for pi in v_pairs.values()]
    matched_golds = [gold.events[gi] for gi in v_pairs]
    pred_types = {event_type(e.type) for e in pred.events}
    gold_types = {event_type(e.type) for e in gold.events}
    for group, categorised in (
        ("missed", [(_missed_event(g, extra_events, matched_preds, pred_types, to_pred), item)
                    for g, item in missed_events]),
        ("extra", [(_extra_event(p, missed_events, matched_golds, gold_types, to_pred), item)
                   for p, item in extra_events]),
    ):
        for (category, note), item in categorised:
            details.add("events", group, category, Entry(fid, item, note))
    for (g_item, p_item), (gi, pi) in zip(score.events.matched, sorted(v_pairs.items()), strict=True):
        for problem in _matched_event_problems(gold.events[gi], pred.events[pi], to_pred):
            details.add("events", "matched", problem, Entry(fid, g_item, f"predicted {p_item.name}"))


def _would_match(g: EventAnn, p: EventAnn, to_pred: Mapping[str, str]) -> bool:
    """The matching's conditions hold for the pair (same type, a shared participant in its role, evidence)."""
    shared = any(to_pred.get(x.entity) == y.entity and x.role == y.role for x in g.participants for y in p.participants)
    return event_type(g.type) == event_type(p.type) and shared and _same_sentence(g, p)


def categorise(report: EvaluationReport, *, onto: Any = None, reference: ReferenceTable | None = None,
               compatible: TypeCheck | None = None) -> Details:
    """The categories of every missed, extra and imperfectly matched item of a report."""
    compatible = compatible or ontology_type_check(onto)
    details = Details()
    for score in report.files:
        _file_details(score, details, compatible, reference)
    return details


__all__ = ["CATEGORIES", "LEFT_OUT_TYPES", "Details", "Entry", "categorise", "in_reference"]
