"""Linking in the graph: the deals a load, an unload or a judgement changes, relinked and written.

Linking is incremental. A load links its new claims against the deals they could join (the deals of
their recipients: a link needs a shared recipient), the deals its replaced claims were in, and the deals
that judgements tie to those; nothing else is read, and only the deals whose links change are written
again. The claims of stored deals are read back from their links' ``claimFeatures``, so no source is
parsed again. An unload relinks the deals its claims were in: the claims left keep their deal (an existing
deal is split only by a judgement, :mod:`loaders.deals.linker`), and a deal left without claims goes.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from kg.deal_store import DealRow, DealStore, StoredLink, judgement_id
from loaders.deals.claims import Claim, recipient_keys
from loaders.deals.linker import Judgement, Link, interval, link

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
    region = set(stale) | store.deals_of_recipients(r for c in claims for r in c.recipients)
    old = store.links(region)
    new_ids = {c.id for c in claims}
    judgements = store.judgements({link_.claim for link_ in old} | new_ids)
    partners = {j[k] for j in judgements for k in ("claimA", "claimB")} - {link_.claim for link_ in old} - new_ids
    more = store.deals_of_claims(partners) - region if partners else set()
    if more:  # a judgement ties a claim of the region to a deal outside it: that deal is relinked too
        region |= more
        old += store.links(more)
        judgements = store.judgements({link_.claim for link_ in old} | new_ids)
    kept = [link_ for link_ in old if link_.claim not in new_ids]
    every = {c.id: c for c in (Claim.from_json(link_.features) for link_ in kept)}
    every.update({c.id: c for c in claims})
    links = link(list(every.values()), [Judgement(j["claimA"], j["claimB"], bool(j["sameDeal"])) for j in judgements],
                 [Link(x.claim, x.deal, x.score, x.reasons) for x in kept])
    changes = _write(store, region, old, links, every)
    changes.seconds = time.perf_counter() - started
    return changes


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
