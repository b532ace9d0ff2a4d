"""Field-level scores of the official parsers: for each kind, precision and recall of purchaser, systems,
quantities, value, contractors and dates against gold annotations.

Entities pair by the annotation contract's rules (:func:`loaders.evaluation.match_entities`: a
compatible type and an equal normalised name or alias), then, among those still unpaired, by
containment: a name whose words (at least two, or one with a digit) are a run of the other's words
("NASAMS fire units" and "NASAMS"; "AIM-120C-8 AMRAAM" and "AIM-120C-8 Advanced ... (AMRAAM)" do not).
Events pair by the contract's rules (type, a shared participant in the same role, evidence overlap).

Each paired event's fields are sets of values compared element by element; an element of an
unpaired gold event is missed, one of an unpaired predicted event is extra:

* purchaser: the buyer and recipient participants; contractors: the contractor participants;
  systems: the systems (all entity-valued, equal when their entities are paired);
* quantities: (item, quantity) for each listed item with a quantity, the item known by its system
  when it names one, else by its normalised name (equal when one contains the other's words), and
  the event's own quantity;
* value: (amount, currency); dates: the date and the end date.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from loaders.annotations import Annotation, EntityAnn, EventAnn
from loaders.evaluation import Counts, match_entities, match_events, match_name, ontology_type_check

FIELDS = ("purchaser", "systems", "quantities", "value", "contractors", "dates")
_PURCHASER_ROLES = {"buyer", "recipient"}


def _words(name: str) -> list[str]:
    return match_name(name).replace("-", " ").split()


def _contains(a: str, b: str) -> bool:
    """Whether the shorter name's words are a run of the longer's (two words at least, or one with a digit)."""
    wa, wb = _words(a), _words(b)
    short, long_ = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    if not short or (len(short) < 2 and not any(ch.isdigit() for ch in short[0])):
        return False
    return any(long_[i:i + len(short)] == short for i in range(len(long_) - len(short) + 1))


def _names(entity: EntityAnn) -> list[str]:
    return [entity.name, *entity.aliases]


def pair_entities(gold: list[EntityAnn], pred: list[EntityAnn]) -> dict[str, str]:
    """Gold entity id -> predicted entity id: the contract's matching, then containment among the rest."""
    compatible = ontology_type_check()
    pairs = {gold[gi].id: pred[pi].id for gi, pi in match_entities(gold, pred, compatible).items()}
    taken = set(pairs.values())
    for g in gold:
        if g.id in pairs:
            continue
        for p in pred:
            if p.id not in taken and compatible(g.type, p.type) and any(
                    _contains(a, b) for a in _names(g) for b in _names(p)):
                pairs[g.id] = p.id
                taken.add(p.id)
                break
    return pairs


def _field_values(event: EventAnn, entities: Mapping[str, EntityAnn]) -> dict[str, set[Any]]:
    roles: dict[str, set[Any]] = defaultdict(set)
    for part in event.participants:
        roles[part.role].add(("entity", part.entity))
    quantities: set[Any] = set()
    for item in event.items:
        if item.quantity is not None:
            key = ("entity", item.system) if item.system else ("name", item.name)
            quantities.add((key, item.quantity))
    if event.quantity is not None:
        quantities.add((("event",), event.quantity))
    return {
        "purchaser": set().union(*(roles[r] for r in _PURCHASER_ROLES)),
        "systems": {("entity", s) for s in event.systems},
        "quantities": quantities,
        "value": {(Decimal(event.value.amount).normalize(), event.value.currency)} if event.value else set(),
        "contractors": set(roles["contractor"]),
        "dates": {(key, value) for key, value in (("date", event.date), ("end_date", event.end_date)) if value},
    }


def _same(gold: Any, pred: Any, entity_pairs: Mapping[str, str]) -> bool:
    """Whether a gold field element equals a predicted one (entities through the pairing)."""
    if isinstance(gold, tuple) and gold and gold[0] == "entity":
        return entity_pairs.get(gold[1]) == pred[1] if isinstance(pred, tuple) and pred and pred[0] == "entity" else False
    if isinstance(gold, tuple) and len(gold) == 2 and isinstance(gold[0], tuple):  # (item key, quantity)
        if not (isinstance(pred, tuple) and len(pred) == 2 and isinstance(pred[0], tuple)) or gold[1] != pred[1]:
            return False
        g_key, p_key = gold[0], pred[0]
        if g_key[0] == "name" and p_key[0] == "name":
            return match_name(g_key[1]) == match_name(p_key[1]) or _contains(g_key[1], p_key[1])
        return _same(g_key, p_key, entity_pairs) if g_key[0] == "entity" else g_key == p_key
    return bool(gold == pred)


def _count(gold: set[Any], pred: set[Any], entity_pairs: Mapping[str, str], counts: Counts,
           missed: Callable[[Any], None], extra: Callable[[Any], None]) -> None:
    left = list(pred)
    for g in sorted(gold, key=repr):
        hit = next((p for p in left if _same(g, p, entity_pairs)), None)
        if hit is None:
            counts.fn += 1
            missed(g)
        else:
            counts.tp += 1
            left.remove(hit)
    counts.fp += len(left)
    for p in left:
        extra(p)


@dataclass
class FieldScores:
    """Counts per field for one kind (or all), with the misses and extras for ``--details``."""

    fields: dict[str, Counts] = field(default_factory=lambda: {f: Counts() for f in FIELDS})
    files: int = 0
    missed: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    @property
    def overall(self) -> Counts:
        return Counts(tp=sum(c.tp for c in self.fields.values()), fp=sum(c.fp for c in self.fields.values()),
                      fn=sum(c.fn for c in self.fields.values()))

    def as_dict(self, details: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {"files": self.files, "overall": self.overall.as_dict(),
                               "fields": {name: c.as_dict() for name, c in self.fields.items()}}
        if details:
            out["missed"], out["extra"] = self.missed, self.extra
        return out


def _shown(value: Any, entities: Mapping[str, EntityAnn]) -> str:
    if isinstance(value, tuple) and value and value[0] == "entity":
        entity = entities.get(value[1])
        return entity.name if entity else str(value[1])
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], tuple):
        return f"{value[1]} × {_shown(value[0], entities) if value[0][0] == 'entity' else value[0][-1]}"
    return " ".join(str(v) for v in value) if isinstance(value, tuple) else str(value)


def score_document(gold: Annotation, pred: Annotation | None, into: FieldScores, label: str = "") -> None:
    """Add one document's field counts to ``into``."""
    pred = pred or Annotation()
    gold_entities = {e.id: e for e in gold.entities}
    pred_entities = {e.id: e for e in pred.entities}
    entity_pairs = pair_entities(gold.entities, pred.entities)
    event_pairs = match_events(gold.events, pred.events, entity_pairs)
    into.files += 1
    paired_pred = set(event_pairs.values())

    def note(kind: list[str], name: str, entities: Mapping[str, EntityAnn], where: str) -> Callable[[Any], None]:
        return lambda value: kind.append(f"{label}: {where} {name} {_shown(value, entities)}")

    for gi, event in enumerate(gold.events):
        g_values = _field_values(event, gold_entities)
        pi = event_pairs.get(gi)
        p_values = _field_values(pred.events[pi], pred_entities) if pi is not None else {f: set() for f in FIELDS}
        where = f"{event.type} {event.id or gi}"
        for name in FIELDS:
            _count(g_values[name], p_values[name], entity_pairs, into.fields[name],
                   note(into.missed, name, gold_entities, where), note(into.extra, name, pred_entities, where))
    for pi, event in enumerate(pred.events):
        if pi in paired_pred:
            continue
        for name, values in _field_values(event, pred_entities).items():
            _count(set(), values, entity_pairs, into.fields[name], lambda _: None,
                   note(into.extra, name, pred_entities, f"{event.type} {event.id or pi} (no gold event)"))


def score_kinds(pairs: Iterable[tuple[str, str, Annotation, Annotation | None]]) -> dict[str, FieldScores]:
    """Field scores per kind, and over all kinds under ``all``: pairs of (kind, id, gold, prediction or None)."""
    out: dict[str, FieldScores] = defaultdict(FieldScores)
    for kind, source_id, gold, pred in pairs:
        score_document(gold, pred, out[kind], source_id)
        score_document(gold, pred, out["all"], source_id)
    return dict(out)
