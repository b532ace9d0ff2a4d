"""Linking claims into deals: which claims of which sources tell one arms transfer, and why.

The unit of linking is a claim with the stages its own source made part of it (an ArmsSale and the
approval, award or deliveries ``part_of`` it): one source's reading of one transfer. Two units are
candidates for one deal when an analyst would accept all of:

1. **Recipient.** They name the same recipient states (or, when neither names a state, share a recipient
   organisation, e.g. NSPA). An award funded for several customers (Taiwan and Morocco) is none of them
   alone: it is not linked to one customer's sale, however well the rest matches. A unit that names no
   recipient is never linked automatically.
2. **Supplier side.** They share a supplier, or one side names none. Different known suppliers: never.
3. **System.** They share a canonical system, or a system family: a shared name, acronym or alias (an
   acronym also counts when it is the initials of the other's name: NASAMS = National Advanced
   Surface-to-Air Missile System), or one name's distinctive words all within the other's ("NASAMS" in
   "National Advanced Surface-to-Air Missile System (NASAMS) fire units"). Generic words (system,
   aircraft, missiles, support ...) never make a family on their own.
4. **Dates in stage order.** Stages rank requested < notified = approved < contracted < delivered.
   A later stage may not precede an earlier one by more than ``SLACK_DAYS`` (dates are often rounded,
   e.g. to the year), nor follow it by more than ``STAGE_GAP_YEARS`` (approval -> contract 4 years,
   approval or contract -> delivery 10). Two claims of the same stage must fall within
   ``SAME_STAGE_DAYS`` of each other (a year: the same stage years apart is a repeat buy). A sale that
   states no stage (a SIPRI row: ArmsSale dated by its order year) is an order: within
   ``ORDER_YEARS`` of an approval or a contract. Delays, blocks and cancellations have no rank: within
   ``STAGE_GAP_YEARS`` of the others. Dates are intervals (2024 = the whole year).

Evidence against that forbids a link (a *veto*): different sets of recipient states, different
known suppliers, dates out of stage order, different contract numbers for the same stage, a contract
stage valued above ``VALUE_RATIO_MAX`` x an approval (an approval is "up to": a contract is part of it,
never far above it), two units of one source telling the same stage (the source tells them apart), and an
analyst's "not the same" judgement.

Score of a candidate pair (the weights add; a link needs ``THRESHOLD`` = 0.65):

- recipient state (or organisation): 0.25
- same canonical system: 0.30; a system family only: 0.20
- supplier known on both sides and shared: 0.05
- a shared contractor: 0.10
- dates in stage order (or the same stage within its tolerance): 0.15
- a shared reference (contract number, transmittal, case): 1.00
- value within 10% (same currency): 0.10; same quantity: 0.10

So recipient + system + dates (0.70) links an approval to its contract or a SIPRI row; a family match
alone (0.60) links only with one more agreement (contractor, value, quantity, or a stated supplier),
and a shared reference links whatever else is missing (but a recipient or a veto). Values are not required to match.

Deals are built greedily over the candidate pairs, best score first (ties by claim ids, so the result
does not depend on input order): two deals join when a pair between them scores above the threshold and
no veto holds between any of their units (a deal is one transfer: every pair in it must be possible).
Judgements override the rules: "same" joins two deals first, whatever the rules say against it (only a
"not same" judgement between the two deals refuses it), "not same" is a veto that splits a deal already made. ``existing`` links keep
their claims together; new claims join those deals or start deals; an existing deal is split only by a
judgement, and existing links to claims no longer given (an unloaded source) are dropped.

A deal id is ``deal:`` + the smallest unit id of the deal, without its ``event:`` prefix: a function of
the deal's claims alone, so the same claims give the same ids whatever the order they came in, at once or
source by source. A deal's id changes only when its membership does (a claim with a smaller id joins, or
the claim that named it is unloaded); judgements are kept by claim ids, so they survive that.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date as Date

from loaders.deals.blocking import candidate_pairs
from loaders.deals.claims import DEAL_TYPES, Claim, recipient_keys
from loaders.deals.names import family

THRESHOLD = 0.65
W_RECIPIENT, W_SYSTEM, W_FAMILY, W_SUPPLIER, W_CONTRACTOR = 0.25, 0.30, 0.20, 0.05, 0.10
W_DATES, W_REFERENCE, W_VALUE, W_QUANTITY = 0.15, 1.00, 0.10, 0.10
SLACK_DAYS = 31
SAME_STAGE_DAYS = 366
ORDER_YEARS = 2
STAGE_GAP_YEARS = {("approved", "contracted"): 4, ("requested", "approved"): 3}
DEFAULT_GAP_YEARS = 10
VALUE_RATIO_MAX = 1.5
STAGE_RANK = {"requested": 0, "notified": 1, "approved": 1, "contracted": 2, "delivered": 3}


@dataclass
class Link:
    claim: str
    deal: str
    score: float
    reasons: tuple[str, ...]


@dataclass
class Judgement:
    a: str
    b: str
    same: bool


# -- dates ----------------------------------------------------------------------


def interval(value: str | None) -> tuple[int, int] | None:
    """A partial ISO date as (first day, last day), as ordinals; None when absent or unreadable."""
    if not value:
        return None
    m = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", value.strip()[:10])
    if not m:
        return None
    year, month, day = int(m[1]), int(m[2] or 0), int(m[3] or 0)
    try:
        if day:
            d = Date(year, month, day).toordinal()
            return d, d
        if month:
            end = Date(year + (month == 12), month % 12 + 1, 1).toordinal() - 1
            return Date(year, month, 1).toordinal(), end
        return Date(year, 1, 1).toordinal(), Date(year, 12, 31).toordinal()
    except ValueError:
        return None


def _gap_years(early: str, late: str) -> int:
    return STAGE_GAP_YEARS.get((early, late), DEFAULT_GAP_YEARS)


def dates_fit(a: Claim, b: Claim) -> bool | None:
    """Whether two stages' dates fit their order (None when a date is missing: no evidence either way)."""
    ia, ib = interval(a.date), interval(b.date)
    if ia is None or ib is None:
        return None
    ra, rb = STAGE_RANK.get(a.stage or ""), STAGE_RANK.get(b.stage or "")
    if a.stage is None or b.stage is None:  # an order (SIPRI row): near an approval or a contract
        other = b if a.stage is None else a
        if other.stage is None or other.stage in ("approved", "notified", "contracted"):
            return _distance(ia, ib) <= ORDER_YEARS * 366
        if other.stage == "delivered":  # deliveries come after the order
            order, delivery = (ia, ib) if a.stage is None else (ib, ia)
            return delivery[1] + SLACK_DAYS >= order[0]
        return _distance(ia, ib) <= DEFAULT_GAP_YEARS * 366
    if ra is None or rb is None:  # delay, block, cancellation: some time in the deal's life
        return _distance(ia, ib) <= DEFAULT_GAP_YEARS * 366
    if ra == rb:
        return _distance(ia, ib) <= SAME_STAGE_DAYS if ra < 3 else True  # deliveries span years
    (early, ie), (late, il) = sorted(((a.stage, ia), (b.stage, ib)), key=lambda x: STAGE_RANK[x[0]])
    if il[1] + SLACK_DAYS < ie[0]:
        return False
    return il[0] - ie[1] <= _gap_years(early, late) * 366


def _distance(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Days between two intervals (0 when they overlap)."""
    return max(0, b[0] - a[1], a[0] - b[1])


# -- units: a claim with the stages its own source made part of it -------------------------------


@dataclass
class Unit:
    id: str
    claims: list[Claim] = field(default_factory=list)

    def union(self, name: str) -> frozenset[str]:
        return frozenset(x for c in self.claims for x in getattr(c, name))

    def states(self) -> frozenset[str]:
        return frozenset(r for r in self.union("recipients") if r.startswith("state:"))

    def recipient_keys(self) -> frozenset[str]:
        """What recipient candidates are blocked by: the states, else the organisations."""
        return recipient_keys(self.union("recipients"))


def units_of(claims: Sequence[Claim], apart: set[frozenset[str]]) -> dict[str, Unit]:
    """Deal claims grouped with the sale of the same source they are part of (unless judged apart)."""
    deal_claims = {c.id: c for c in claims if c.type in DEAL_TYPES}
    units: dict[str, Unit] = {}
    for c in sorted(deal_claims.values(), key=lambda c: c.id):
        head = c.id
        parent = deal_claims.get(c.part_of or "")
        if parent is not None and parent.source == c.source and frozenset((c.id, parent.id)) not in apart:
            head = parent.id
        units.setdefault(head, Unit(head)).claims.append(c)
    for u in units.values():
        u.claims.sort(key=lambda c: (c.id != u.id, c.id))
    return units


# -- pairs -----------------------------------------------------------------------------------------


def compare(a: Unit, b: Unit) -> tuple[float, list[str], str | None]:
    """(score, reasons, veto) of two units; a veto names the evidence that they are different deals."""
    reasons: list[str] = []
    score = 0.0
    sa, sb = a.states(), b.states()
    shared = sorted((sa & sb) or ((a.union("recipients") & b.union("recipients")) if not (sa or sb) else set()))
    if sa and sb and sa != sb:  # a contract for several customers is none of them alone
        return 0.0, [], f"recipients {sorted(sa)} vs {sorted(sb)}"
    sup_a, sup_b = a.union("suppliers"), b.union("suppliers")
    if sup_a and sup_b and not sup_a & sup_b:
        return 0.0, [], f"suppliers {sorted(sup_a)} vs {sorted(sup_b)}"
    veto = _stage_veto(a, b)
    if veto:
        return 0.0, [], veto
    if shared:
        score += W_RECIPIENT
        reasons.append("recipient " + ("state " if shared[0].startswith("state:") else "") + shared[0])
    if sup_a & sup_b:
        score += W_SUPPLIER
        reasons.append(f"supplier {sorted(sup_a & sup_b)[0]}")
    systems = sorted(a.union("systems") & b.union("systems"))
    if systems:
        score += W_SYSTEM
        reasons.append(f"system {systems[0]}")
    else:
        fam = family(a.union("system_names"), b.union("system_names"))
        if fam:
            score += W_FAMILY
            reasons.append(f"system family {fam}")
    contractors = sorted(a.union("contractors") & b.union("contractors"))
    if contractors:
        score += W_CONTRACTOR
        reasons.append(f"contractor {contractors[0]}")
    refs = sorted(a.union("references") & b.union("references"))
    if refs:
        score += W_REFERENCE
        reasons.append(" ".join(refs[0].split(":", 1)))
    fit = _dates_reason(a, b)
    if fit:
        score += W_DATES
        reasons.append(fit)
    value = _value_reason(a, b)
    if value:
        score += W_VALUE
        reasons.append(value)
    qa = {c.quantity for c in a.claims if c.quantity} & {c.quantity for c in b.claims if c.quantity}
    if qa:
        score += W_QUANTITY
        reasons.append(f"quantity {min(qa):g}")
    if not shared or not (systems or any(r.startswith("system family") for r in reasons)):
        if not refs:
            score = min(score, THRESHOLD - 0.01)  # recipient and system are required, unless a reference
    return round(score, 4), reasons, None


def _stage_veto(a: Unit, b: Unit) -> str | None:
    for x in a.claims:
        for y in b.claims:
            if dates_fit(x, y) is False:
                return f"dates {x.date} ({x.stage or 'order'}) and {y.date} ({y.stage or 'order'}) out of stage order"
            if x.stage == y.stage:
                cx = {r for r in x.references if r.startswith("contract:")}
                cy = {r for r in y.references if r.startswith("contract:")}
                if cx and cy and not cx & cy:
                    return f"different contracts {sorted(cx)[0]} and {sorted(cy)[0]}"
                if x.source == y.source and x.stage is not None and STAGE_RANK.get(x.stage, 9) < 3:
                    return f"one source ({x.source}) tells two {x.stage} stages apart"
            value = _value_veto(x, y) or _value_veto(y, x)
            if value:
                return value
    return None


def _value_veto(approval: Claim, contract: Claim) -> str | None:
    if approval.stage in ("approved", "notified") and contract.stage == "contracted" and approval.amount and \
            contract.amount and approval.currency == contract.currency and \
            contract.amount > VALUE_RATIO_MAX * approval.amount:
        return f"contract {contract.amount:,.0f} far above approval {approval.amount:,.0f}"
    return None


def _dates_reason(a: Unit, b: Unit) -> str | None:
    pairs = [(x, y) for x in a.claims for y in b.claims if dates_fit(x, y)]
    if not pairs:
        return None
    x, y = min(pairs, key=lambda p: (p[0].id, p[1].id))
    (early, late) = sorted((x, y), key=lambda c: (interval(c.date) or (0, 0), c.id))
    if early.stage == late.stage:
        return f"dates {early.date} and {late.date} same stage"
    return f"dates {early.date} -> {late.date} in stage order"


def _value_reason(a: Unit, b: Unit) -> str | None:
    for x in a.claims:
        for y in b.claims:
            if x.amount and y.amount and x.currency == y.currency and \
                    abs(x.amount - y.amount) <= 0.1 * max(x.amount, y.amount):
                return "value within 10%"
    return None


# -- linking ---------------------------------------------------------------------------------------


def _deal_id(unit_id: str) -> str:
    return "deal:" + unit_id.removeprefix("event:")


class _Partition:
    """Units grouped into deals under internal keys (``old:`` an existing deal, ``new:`` a fresh one, so
    the two can never collide), with the judgements' constraints and a cache of pair comparisons."""

    def __init__(self, units: dict[str, Unit], cannot: set[frozenset[str]]) -> None:
        self.units = units
        self.cannot = cannot
        self.forced: dict[frozenset[str], str] = {}  # unit pairs a "same" judgement joined
        self.deal_of: dict[str, str] = {}
        self.members: dict[str, set[str]] = defaultdict(set)
        self._cache: dict[frozenset[str], tuple[float, list[str], str | None]] = {}

    def put(self, unit: str, key: str) -> None:
        old = self.deal_of.get(unit)
        if old is not None:
            self.members[old].discard(unit)
        self.deal_of[unit] = key
        self.members[key].add(unit)

    def join(self, x: str, y: str, *, judged: bool = False) -> None:
        """Join the deals of units x and y, unless they are one already or a veto holds between them (for
        a "same" judgement, only a "not same" one)."""
        d1, d2 = self.deal_of[x], self.deal_of[y]
        if d1 != d2 and not self.vetoed(d1, d2, judged=judged):
            keep, gone = sorted((d1, d2))
            for u in sorted(self.members.pop(gone)):
                self.put(u, keep)

    def vetoed(self, d1: str, d2: str, *, judged: bool = False) -> bool:
        for x in self.members[d1]:
            for y in self.members[d2]:
                pair = frozenset((x, y))
                if pair in self.cannot or not judged and pair not in self.forced and self.score(x, y)[2]:
                    return True
        return False

    def score(self, x: str, y: str) -> tuple[float, list[str], str | None]:
        key = frozenset((x, y))
        if key not in self._cache:
            a, b = sorted((x, y))  # compare() is symmetric in what it finds; a fixed order keeps reasons stable
            self._cache[key] = compare(self.units[a], self.units[b])
        return self._cache[key]


def link(claims: Sequence[Claim], judgements: Sequence[Judgement] = (),
         existing: Sequence[Link] = ()) -> list[Link]:
    """Every deal claim linked to exactly one deal (see the module docstring for the rules); links sorted
    by deal, then claim."""
    apart = {frozenset((j.a, j.b)) for j in judgements if not j.same}
    units = units_of(claims, apart)
    unit_of = {c.id: u.id for u in units.values() for c in u.claims}
    cannot = {frozenset((unit_of[j.a], unit_of[j.b])) for j in judgements
              if not j.same and j.a in unit_of and j.b in unit_of and unit_of[j.a] != unit_of[j.b]}
    deals = _Partition(units, cannot)
    for old in sorted(existing, key=lambda x: (x.deal, x.claim)):  # claims gone (unloaded) are dropped
        unit = unit_of.get(old.claim)
        if unit is not None and unit not in deals.deal_of:
            deals.put(unit, "old:" + old.deal)
    for unit in sorted(units):
        if unit not in deals.deal_of:
            deals.put(unit, "new:" + unit)
    for pair in sorted(cannot, key=sorted):  # a "not same" given after the deal was made splits it
        x, y = sorted(pair)
        if deals.deal_of[x] == deals.deal_of[y]:
            deals.put(y, "new:" + y)
    for j in sorted((j for j in judgements if j.same), key=lambda j: sorted((j.a, j.b))):
        ux, uy = unit_of.get(j.a), unit_of.get(j.b)
        if ux is not None and uy is not None and ux != uy:
            deals.forced[frozenset((ux, uy))] = "analyst judgement: same deal"
            deals.join(ux, uy, judged=True)
    # Candidate pairs (units sharing a recipient and a system, family name or reference: the only pairs
    # that can reach the threshold), best first; ties by unit ids, so no dependence on input order.
    candidates: dict[tuple[str, str], float] = {}
    for x, y in candidate_pairs(units):
        score, _, veto = deals.score(x, y)
        if veto is None and score >= THRESHOLD:
            candidates[(x, y)] = score
    for (x, y), _ in sorted(candidates.items(), key=lambda kv: (-kv[1], kv[0])):
        deals.join(x, y)
    return _links(deals)


def _links(deals: _Partition) -> list[Link]:
    """Each claim's link: its unit's best pair in the deal (a judgement first), with that pair's reasons;
    a claim alone in its deal has score 1 (nothing to doubt)."""
    out: list[Link] = []
    for unit_ids in deals.members.values():
        if not unit_ids:
            continue
        deal_id = _deal_id(min(unit_ids))
        for u in sorted(unit_ids):
            others = sorted(unit_ids - {u})
            if others:
                best = max(others, key=lambda o: (frozenset((u, o)) in deals.forced, deals.score(u, o)[0], o))
                score, found, _ = deals.score(u, best)
                judged = deals.forced.get(frozenset((u, best)))
                why = [judged] if judged else [] if score >= THRESHOLD else ["kept from an earlier link"]
                reasons = [*why, *found, f"with {best}"]
            else:
                score, reasons = 1.0, ["only claim of its deal so far"]
            for c in deals.units[u].claims:
                extra = [f"part of {u} in the same source"] if c.id != u else []
                out.append(Link(c.id, deal_id, score, tuple(extra + reasons)))
    return sorted(out, key=lambda link_: (link_.deal, link_.claim))
