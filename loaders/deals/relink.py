"""Linking in the graph: the deals a load, an unload or a judgement changes, relinked and written.

Linking is incremental. A load links its new claims against the deals they could join, the deals its
replaced claims were in, and the deals that judgements tie to those. The deals they could join are read
by recipient (a link needs a shared recipient); of those, only the ones a new claim scores a link with are
linked again (a busy recipient has thousands of deals, and the others cannot change). Only the deals
whose links change are written again. The claims of stored deals are read back from their links' ``claimFeatures``, so no source is
parsed again. An unload relinks the deals its claims were in: the claims left keep their deal (an existing
deal is split only by a judgement, :mod:`loaders.deals.linker`), and a deal left without claims goes.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from kg.deal_store import DealRow, DealStore, StoredLink, judgement_id
from loaders.deals.claims import Claim, recipient_keys
from loaders.deals.linker import THRESHOLD, Judgement, Link, Unit, compare, interval, link, units_of
from loaders.deals.names import distinctive, initials, tokens, words

#: The stages of a deal's life in order; "order" is a sale that states no stage (a register row dated by its order year).
STAGE_ORDER = ("requested", "notified", "approved", "order", "contracted", "delivered", "delayed", "blocked", "cancelled")
NAMED_SYSTEMS = 3  # systems a deal's name lists before "and N more"


class UnknownClaim(LookupError):
    """A judgement names a claim the graph does not hold, or one that tells no deal."""


@dataclass
class DealChanges:
    """What one relinking did: deals written (new or changed), deals removed, claims in the deals written."""

    written: int = 0
    removed: int = 0
    claims: int = 0
    seconds: float = 0.0

    def add(self, other: DealChanges) -> None:
        self.written += other.written
        self.removed += other.removed
        self.claims += other.claims
        self.seconds += other.seconds

    def as_dict(self) -> dict[str, float | int]:
        return {"written": self.written, "removed": self.removed, "claims": self.claims,
                "link_seconds": round(self.seconds, 3)}


def claim_stage(claim: Claim) -> str | None:
    """The stage a claim tells, "order" for a sale that states none."""
    return claim.stage or ("order" if claim.type == "ArmsSale" else None)


def link_claims(store: DealStore, claims: Sequence[Claim] = (), stale: Iterable[str] = ()) -> DealChanges:
    """Link ``claims`` (new or reloaded ones, already in the graph) and relink the deals ``stale`` (deals that
    lost claims or gained a judgement), writing the deals that change, in one transaction."""
    started = time.perf_counter()
    around = store.deals_of_recipients(r for c in claims for r in c.recipients) - set(stale)
    region = set(stale) | around
    old = store.links(region)
    new_ids = {c.id for c in claims}
    judgements = store.judgements({link_.claim for link_ in old} | new_ids)
    partners = {j[k] for j in judgements for k in ("claimA", "claimB")} - {link_.claim for link_ in old} - new_ids
    more = store.deals_of_claims(partners) - region if partners else set()
    if more:  # a judgement ties a claim of the region to a deal outside it: that deal is relinked too
        region |= more
        old += store.links(more)
        judgements = store.judgements({link_.claim for link_ in old} | new_ids)
    judged = [Judgement(j["claimA"], j["claimB"], bool(j["sameDeal"])) for j in judgements]
    kept = [link_ for link_ in old if link_.claim not in new_ids]
    every = {c.id: c for c in (Claim.from_json(link_.features) for link_ in kept)}
    every.update({c.id: c for c in claims})
    # A busy recipient has thousands of deals; those none of the new claims can join stay as they are.
    untouched = around - _joinable(every, kept, judged, around)
    if untouched:
        region -= untouched
        old = [x for x in old if x.deal not in untouched]
        kept = [x for x in kept if x.deal not in untouched]
        every = {c: every[c] for c in [*(x.claim for x in kept), *new_ids]}
    links = link(list(every.values()), judged, [Link(x.claim, x.deal, x.score, x.reasons) for x in kept])
    changes = _write(store, region, old, links, every)
    changes.seconds = time.perf_counter() - started
    return changes


def _joinable(claims: dict[str, Claim], kept: Sequence[StoredLink], judged: Sequence[Judgement],
              around: set[str]) -> set[str]:
    """The deals of ``around`` that linking ``claims`` could change: those with a unit that a *probe* (a unit
    with a new claim, or with a claim of a deal outside ``around``: one that lost claims or that a judgement
    ties in) scores a link with, and those a judgement ties to a probe.

    The others cannot change. Their units were linked against each other before: a pair of them that
    scores a link and is not one deal is vetoed between the two deals, and a deal that only gains units
    keeps its vetoes. So a deal of ``around`` joins another only through a pair with a probe (the
    linker's candidates: a shared recipient key and a score at the threshold), and this finds every such
    pair: it looks them up by the keys :mod:`loaders.deals.blocking` pairs units by, then scores them.
    (Two deals kept apart only by a claim since unloaded stay apart: an unload relinks only the deals its
    claims were in.)"""
    deal_of = {x.claim: x.deal for x in kept}
    units = units_of(list(claims.values()), {frozenset((j.a, j.b)) for j in judged if not j.same})
    probes = {u.id: u for u in units.values() if any(deal_of.get(c.id) not in around for c in u.claims)}
    wanted: dict[tuple[str, str], set[str]] = defaultdict(set)  # (recipient key, key) -> probes that look it up
    offered: dict[tuple[str, str], set[str]] = defaultdict(set)  # (recipient key, key) -> probes that hold it
    for probe in probes.values():
        looks, holds = _pair_keys(probe)
        for r in probe.recipient_keys():
            for k in looks:
                wanted[(r, k)].add(probe.id)
            for k in holds:
                offered[(r, k)].add(probe.id)
    out: set[str] = set()
    for unit in units.values():
        if unit.id in probes:
            continue
        looks, holds = _pair_keys(unit)
        found = {p for r in unit.recipient_keys() for k in holds for p in wanted.get((r, k), ())}
        found |= {p for r in unit.recipient_keys() for k in looks for p in offered.get((r, k), ())}
        for p in found:
            score, _, veto = compare(*sorted((probes[p], unit), key=lambda u: u.id))
            if veto is None and score >= THRESHOLD:
                out.add(deal_of[unit.id])
                break
    probed = {c.id for u in probes.values() for c in u.claims}
    out |= {deal_of[b] for j in judged for a, b in ((j.a, j.b), (j.b, j.a)) if a in probed and b in deal_of}
    return out & around


def _pair_keys(unit: Unit) -> tuple[set[str], set[str]]:
    """What a unit looks a link partner up by (its systems, references, system names, their acronyms and
    distinctive words), and what a partner's look-up can find in it (those, and every word and the
    initials of its system names). Two units that share no key either way cannot score a link: they share
    no system, reference or system family (:func:`loaders.deals.names.family`)."""
    looks, holds = {*unit.union("systems"), *unit.union("references")}, set()
    for name in unit.union("system_names"):
        name_looks, name_holds = _name_keys(name)
        looks |= name_looks
        holds |= name_holds
    return looks, looks | holds


@lru_cache(maxsize=65536)
def _name_keys(name: str) -> tuple[frozenset[str], frozenset[str]]:
    """A system name's part of :func:`_pair_keys` (kept: a busy recipient's deals repeat a few names)."""
    acronym = initials(name)
    looks = {name, *distinctive(set(words(name)))} | ({acronym} if len(acronym) >= 3 else set())
    return frozenset(looks), frozenset({*tokens(name), acronym} - {""})


def _write(store: DealStore, region: set[str], old: Sequence[StoredLink], links: Sequence[Link],
           claims: dict[str, Claim]) -> DealChanges:
    """Write the deals whose links change; remove the region's deals that are gone (a deal whose claims were
    all replaced or unloaded has no links left to read, so the region, not the links, says it exists)."""
    before: dict[str, dict[str, tuple[float, tuple[str, ...]]]] = defaultdict(dict)
    for x in old:
        before[x.deal][x.claim] = (round(x.score, 4), tuple(x.reasons))
    after: dict[str, list[Link]] = defaultdict(list)
    for x in links:
        after[x.deal].append(x)
    changed = [deal for deal, members in sorted(after.items())
               if before.get(deal) != {x.claim: (round(x.score, 4), tuple(x.reasons)) for x in members}]
    gone = sorted((region - set(after)) | (set(changed) & region))
    parties = {p for deal in changed for x in after[deal] for p in _parties(claims[x.claim])}
    names = store.names(parties)
    rows = [deal_row(deal, after[deal], claims, names) for deal in changed]
    if gone or rows:
        store.replace(gone, rows)
    return DealChanges(written=len(rows), removed=len(region - set(after)),
                       claims=sum(len(after[deal]) for deal in changed))


def _parties(claim: Claim) -> set[str]:
    return set(claim.recipients | claim.suppliers | claim.contractors | claim.systems)


def deal_row(deal: str, members: Sequence[Link], claims: dict[str, Claim], names: dict[str, str]) -> DealRow:
    """A deal's node, links and parties from its claims' links."""
    told = [claims[x.claim] for x in members]

    def union(name: str) -> list[str]:
        return sorted({v for c in told for v in getattr(c, name)})

    props: dict[str, object] = {
        "id": deal, "dealName": deal_name(union("recipients"), union("suppliers"), union("systems"), names),
        "stages": ordered_stages(claim_stage(c) for c in told),
        "claimCount": len(told), "sourceCount": len({c.source for c in told}),
    }
    first, last = date_span(c.date for c in told)
    if first and last:
        props["firstDate"], props["lastDate"] = first, last
    links = []
    for x in members:
        link_props: dict[str, object] = {"linkScore": round(x.score, 4), "linkReason": list(x.reasons),
                                         "claimFeatures": claims[x.claim].to_json()}
        stage = claim_stage(claims[x.claim])
        if stage:
            link_props["dealStage"] = stage
        links.append((x.claim, link_props))
    known = set(names)
    return DealRow(deal, props, links, {kind: [v for v in union(kind) if v in known]
                                        for kind in ("recipients", "suppliers", "contractors", "systems")})


def ordered_stages(stages: Iterable[str | None]) -> list[str]:
    """The distinct stages given, in the order of a deal's life."""
    found = set(stages)
    return [s for s in STAGE_ORDER if s in found]


def date_span(dates: Iterable[str | None]) -> tuple[str | None, str | None]:
    """The earliest and the latest of partial ISO dates as written, compared as intervals (2024 starts before
    2024-10-25 and ends after it); (None, None) when none is readable."""
    dated = [(span, d) for d in dates if d and (span := interval(d))]
    if not dated:
        return None, None
    return min(dated, key=lambda x: (x[0][0], x[1]))[1], max(dated, key=lambda x: (x[0][1], x[1]))[1]


def deal_name(recipients: Sequence[str], suppliers: Sequence[str], systems: Sequence[str], names: dict[str, str]) -> str:
    """"United States to Taiwan: NASAMS": supplier side, recipients (states, else organisations), systems."""
    def named(ids: Iterable[str]) -> list[str]:
        return sorted(names.get(i, i.split(":", 1)[-1]) for i in ids)

    to = " and ".join(named(recipient_keys(recipients))) or "an unnamed recipient"
    side = " and ".join(named(suppliers))
    head = f"{side} to {to}" if side else f"To {to}"
    listed = named(systems)
    if not listed:
        return head
    shown = ", ".join(listed[:NAMED_SYSTEMS])
    return f"{head}: {shown}" + (f" and {len(listed) - NAMED_SYSTEMS} more" if len(listed) > NAMED_SYSTEMS else "")


# -- judgements -----------------------------------------------------------------------------------------


def _deals_of(store: DealStore, a: str, b: str) -> set[str]:
    if a == b:
        raise UnknownClaim(f"a judgement is about two different claims; both are {a!r}")
    found = store.claims_and_deals((a, b))
    for claim in (a, b):
        if claim not in found:
            raise UnknownClaim(f"no event {claim!r} in the graph")
        if found[claim] is None:
            raise UnknownClaim(f"event {claim!r} tells no deal: only arms sales and their stages are linked")
    return {deal for deal in found.values() if deal}


def judge(store: DealStore, a: str, b: str, same: bool, by: str | None = None, note: str | None = None) -> DealChanges:
    """Record that claims ``a`` and ``b`` tell the same deal (or not) and relink their deals;
    :class:`UnknownClaim` (nothing recorded) when either is not a claim of a deal."""
    deals = _deals_of(store, a, b)
    first, second = sorted((a, b))
    props: dict[str, object] = {"id": judgement_id(a, b), "claimA": first, "claimB": second, "sameDeal": same,
                                "judgedAt": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
    if by:
        props["judgedBy"] = by
    if note:
        props["judgementNote"] = note
    store.save_judgement(props)
    return link_claims(store, stale=deals)


def forget(store: DealStore, a: str, b: str) -> bool:
    """Remove the judgement about ``a`` and ``b`` and relink their deals; False when there was none."""
    key = judgement_id(a, b)
    if not any(j["id"] == key for j in store.judgements((a, b))):
        return False
    store.delete_judgement(key)
    link_claims(store, stale=store.deals_of_claims((a, b)))
    return True
