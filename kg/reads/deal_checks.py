"""What the claims of one stage of a deal say together: how many sources back the stage, how many of them
independently, and where they disagree. Plain functions over the claims (no engine): :mod:`kg.reads.deals`
reads what they need (sentences, outlets, the lineage of companies) and passes it in.

Corroboration. A source that says it relays an outlet ("Reuters reported", "according to Reuters",
"citing Reuters"; "Reuters said" when Reuters is known as an outlet, since "the Pentagon said" names a
speaker, not an outlet) repeats that outlet's report: it counts once with the outlet, and so do sources the
outlet published itself. ``independent`` counts what is left: distinct outlets, and sources with none.

Contradictions. Two claims of one stage disagree on
* the amount: more than 1% apart in one currency (amounts in different currencies are not compared);
* the quantity: different numbers of the same systems (a register row for a package's missiles and one for
  its launchers count different things);
* the date: dates that cannot overlap, a partial date being the interval it covers (2024 is the whole year,
  so it agrees with 2024-10-25); not for deliveries and delays, which a deal can have several of;
* the recipients, suppliers or contractors: claims that name no party in common, where a company, its
  parent and its former names are one party (the graph's SUBSIDIARY_OF and RENAMED_TO).
Each contradiction lists every side: the value, the claims that give it and their sources.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from kg.names import normalise_name
from kg.reads.models import Contradiction, Corroboration, Relay, Side
from loaders.deals.claims import Claim
from loaders.deals.linker import interval

#: Relative gap above which two amounts of one currency disagree.
AMOUNT_TOLERANCE = 0.01
#: Stages a deal can go through more than once (tranches of deliveries, repeated delays): their dates differ by nature.
REPEATED_STAGES = frozenset({"delivered", "delayed"})
PartyField = Literal["recipient", "supplier", "contractor"]
#: Each party field of a contradiction, by the claim attribute it compares.
PARTY_FIELDS: dict[PartyField, str] = {"recipient": "recipients", "supplier": "suppliers", "contractor": "contractors"}

# A proper name as a sentence writes an outlet: capitalised words, "of" or "&" between them
# ("Reuters", "The Wall Street Journal", "Financial Times", "Voice of America").
_WORD = r"[A-Z][\w&.'’-]*"
_NAME = rf"(?:[Tt]he\s+)?{_WORD}(?:\s+(?:(?:of|&)\s+)?{_WORD})*"
# After "according to X" / "citing X": not a name used as an adjective ("according to US officials").
_NOT_ADJECTIVE = r"\b(?!\s+(?!(?:and|on|in|that|which|who|as|last|this|earlier|when|to|for|at)\b)[a-z])"
_CITED = re.compile(rf"\b(?:[Aa]ccording to|[Cc]iting)\s+({_NAME}){_NOT_ADJECTIVE}")
_REPORTED = re.compile(rf"\b({_NAME})\s+(?:reported|reports|has reported|had reported)\b")
_SAID = re.compile(rf"\b({_NAME})\s+(?:said|says|has said|had said)\b")


def _outlet(name: str) -> str:
    return re.sub(r"^[Tt]he\s+", "", name.strip())


def said_names(sentence: str | None) -> list[str]:
    """The names a sentence says said something ("Reuters said"): relays only when they name an outlet."""
    return [_outlet(m) for m in _SAID.findall(sentence or "")]


def relayed_outlet(sentence: str | None, is_outlet: Callable[[str], bool], own: str | None = None) -> str | None:
    """The outlet ``sentence`` says it relays, if any; ``is_outlet`` decides whether a name that "said"
    something is an outlet; ``own``, the source's own outlet, is never relayed by it."""
    if not sentence:
        return None
    found = [_outlet(m) for m in _CITED.findall(sentence)] + [_outlet(m) for m in _REPORTED.findall(sentence)]
    found += [name for name in said_names(sentence) if is_outlet(name)]
    mine = normalise_name(own) if own else None
    return next((name for name in found if normalise_name(name) and normalise_name(name) != mine), None)


@dataclass(frozen=True)
class Told:
    """One claim of a stage as the checks see it: the linker's fields, its source's outlet, what it relays."""

    claim: Claim
    outlet: str | None = None  # the outlet that published its source
    relays: str | None = None


def corroboration(told: Sequence[Told]) -> Corroboration:
    relays: dict[str, str] = {}
    for t in sorted(told, key=lambda t: t.claim.id):
        if t.relays:
            relays.setdefault(t.claim.source, t.relays)
    keys = set()
    for t in told:
        voice = relays.get(t.claim.source) or t.outlet
        keys.add(f"outlet:{normalise_name(voice)}" if voice else t.claim.source)
    return Corroboration(sources=len({t.claim.source for t in told}), independent=len(keys),
                         relayed=[Relay(source=s, outlet=o) for s, o in sorted(relays.items())])


def contradictions(told: Sequence[Told], stage: str, lineage: Mapping[str, set[str]],
                   names: Mapping[str, str]) -> list[Contradiction]:
    """Where the claims of ``stage`` disagree. ``lineage`` maps an organisation to those it continues or
    belongs to (at any depth), ``names`` ids to names for the sides' values."""
    found = _amounts(told) + _quantities(told)
    if stage not in REPEATED_STAGES:
        found += _dates(told)
    for field, attribute in PARTY_FIELDS.items():
        found += _parties(told, field, attribute, lineage, names)
    return found


def _side(value: str, members: Iterable[Told]) -> Side:
    members = list(members)
    return Side(value=value, claims=sorted({t.claim.id for t in members}), sources=sorted({t.claim.source for t in members}))


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _groups(items: Sequence[Told], joined: Callable[[Told, Told], bool]) -> list[list[Told]]:
    """The items in groups that ``joined`` connects (directly or through others), each in the items' order."""
    parent = list(range(len(items)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            if joined(items[i], items[j]):
                parent[root(j)] = root(i)
    groups: dict[int, list[Told]] = {}
    for i, item in enumerate(items):
        groups.setdefault(root(i), []).append(item)
    return list(groups.values())


def _amounts(told: Sequence[Told]) -> list[Contradiction]:
    out = []
    currencies = sorted({t.claim.currency for t in told if t.claim.amount is not None and t.claim.currency})
    for currency in currencies:
        priced = [t for t in told if t.claim.amount is not None and t.claim.currency == currency]

        def close(a: Told, b: Told) -> bool:
            x, y = a.claim.amount or 0.0, b.claim.amount or 0.0
            return abs(x - y) <= AMOUNT_TOLERANCE * max(abs(x), abs(y))

        groups = _groups(priced, close)
        if len(groups) > 1:
            sides = [_side(" / ".join(sorted({_number(t.claim.amount or 0.0) for t in g}, key=float)) + f" {currency}", g)
                     for g in sorted(groups, key=lambda g: min(t.claim.amount or 0.0 for t in g))]
            out.append(Contradiction(field="amount", sides=sides))
    return out


def _quantities(told: Sequence[Told]) -> list[Contradiction]:
    out = []
    counted = [t for t in told if t.claim.quantity is not None and t.claim.systems]
    for systems in sorted({t.claim.systems for t in counted}, key=sorted):
        same = [t for t in counted if t.claim.systems == systems]
        values = sorted({t.claim.quantity for t in same if t.claim.quantity is not None})
        if len(values) > 1:
            out.append(Contradiction(field="quantity", sides=[
                _side(_number(v), [t for t in same if t.claim.quantity == v]) for v in values]))
    return out


def _dates(told: Sequence[Told]) -> list[Contradiction]:
    dated = [(t, span) for t in told if (span := interval(t.claim.date))]
    spans = {t.claim.id: span for t, span in dated}

    def overlap(a: Told, b: Told) -> bool:
        x, y = spans[a.claim.id], spans[b.claim.id]
        return x[0] <= y[1] and y[0] <= x[1]

    groups = _groups([t for t, _ in dated], overlap)
    if len(groups) < 2:
        return []
    ordered = sorted(groups, key=lambda g: min(spans[t.claim.id][0] for t in g))
    return [Contradiction(field="date", sides=[_side(", ".join(sorted({t.claim.date or "" for t in g})), g) for g in ordered])]


def _parties(told: Sequence[Told], field: PartyField, attribute: str, lineage: Mapping[str, set[str]],
             names: Mapping[str, str]) -> list[Contradiction]:
    named = [t for t in told if getattr(t.claim, attribute)]

    def one_party(x: str, y: str) -> bool:
        return x == y or y in lineage.get(x, ()) or x in lineage.get(y, ())

    def shared(a: Told, b: Told) -> bool:
        return any(one_party(x, y) for x in getattr(a.claim, attribute) for y in getattr(b.claim, attribute))

    groups = _groups(named, shared)
    if len(groups) < 2:
        return []

    def value(group: list[Told]) -> str:
        return ", ".join(sorted({names.get(p, p) for t in group for p in getattr(t.claim, attribute)}))

    sides = sorted((_side(value(g), g) for g in groups), key=lambda s: s.value)
    return [Contradiction(field=field, sides=sides)]
