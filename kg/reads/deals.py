"""Deals: the claims of many sources that tell one arms transfer, as the deal linker joined them
(:mod:`kg.deal_store`), listed and shown stage by stage with their sources, corroboration and
contradictions (:mod:`kg.reads.deal_checks`).

Two times. *Valid time* is when a stage happened: the claims' dates. *Reported time* is when it was
known: ``as_of`` keeps only the claims whose source was published by then (its publication date, a
partial date being the interval it covers, ends on or before ``as_of``'s end), so a deal reads as the
sources of that day told it. A claim whose source has no publication date is left out under ``as_of``:
nothing says it was known by then.

A list reads the deals' nodes and filters, orders and pages them here; under ``as_of`` it reads their
claims too and counts only those published by then (a deal with none is left out).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kg import cypher
from kg.deal_store import DealStore
from kg.graph import Graph
from kg.names import normalise_name
from kg.queries import check_partial_date
from kg.reads import deal_checks
from kg.reads.deal_checks import Told
from kg.reads.errors import InvalidArgument, UnknownDeal
from kg.reads.lookup import NameLookup
from kg.reads.models import ClaimSource, ClaimView, DealDetail, DealJudgement, DealStage, DealSummary, NameRef
from kg.reads.resolve import require_named
from loaders.deals.claims import Claim
from loaders.deals.linker import interval
from loaders.deals.relink import STAGE_ORDER, claim_stage, date_span, ordered_stages

#: The stages a deal's claims tell, in the order of a deal's life ("order": a sale that states no stage).
STAGES = STAGE_ORDER
#: The relationship from a deal to each kind of party, by the filter that asks for it.
FILTER_ROLES = {"buyer": {"DEAL_RECIPIENT"}, "seller": {"DEAL_SUPPLIER"}, "contractor": {"DEAL_CONTRACTOR"},
                "system": {"DEAL_SYSTEM"},
                "party": {"DEAL_RECIPIENT", "DEAL_SUPPLIER", "DEAL_CONTRACTOR", "DEAL_SYSTEM"}}
PARTY_KINDS = {"DEAL_RECIPIENT": "recipients", "DEAL_SUPPLIER": "suppliers", "DEAL_CONTRACTOR": "contractors",
               "DEAL_SYSTEM": "systems"}


@dataclass(frozen=True)
class DealList:
    deals: list[DealSummary]
    count: int  # how many deals match, over every page
    more: bool


@dataclass(frozen=True)
class LinkedClaim:
    """A claim as its deal link and its source give it."""

    claim: Claim
    stage: str
    score: float
    reasons: list[str]
    sentence: str | None
    source: dict[str, Any]  # id, title, publicationDate, url, outlet


# -- arguments ---------------------------------------------------------------------------------------------

def _date(argument: str, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return check_partial_date(value)
    except ValueError as exc:
        raise InvalidArgument(argument, f"{argument}: {exc} (got {value!r})", str(exc)) from None


def _stage(value: str | None) -> str | None:
    if value is not None and value not in STAGES:
        raise InvalidArgument("stage", f"stage: no stage {value!r}; the stages are {', '.join(STAGES)}",
                              f"one of {', '.join(STAGES)}")
    return value


def published_by(published: object, as_of: str) -> bool:
    """Whether a source published on ``published`` (partial ISO) was out by the end of ``as_of``."""
    span, limit = interval(str(published)) if published else None, interval(as_of)
    return bool(span and limit and span[1] <= limit[1])


# -- reads -------------------------------------------------------------------------------------------------

def _resolved(graph: Graph, values: Iterable[str]) -> dict[str, set[str]]:
    """The entity ids each value names (an id, or a name, alias or source name in any case)."""
    out: dict[str, set[str]] = defaultdict(set)
    for row in graph.read(cypher.NAMED_IDS, values=sorted(set(values))):
        out[row["value"]].add(row["id"])
    return out


def _filtered(graph: Graph, filters: Mapping[str, str | None]) -> set[str] | None:
    """The deals that every given filter matches (None: no filter given, every deal)."""
    given = {argument: value for argument, value in filters.items() if value is not None}
    if not given:
        return None
    ids = _resolved(graph, given.values())
    wanted = sorted({i for value in given.values() for i in ids[value]})
    links = [*graph.read(cypher.DEALS_OF_ACTORS, ids=wanted), *graph.read(cypher.DEALS_OF_SYSTEMS, ids=wanted)]
    found: set[str] | None = None
    for argument, value in given.items():
        deals = {r["deal"] for r in links if r["party"] in ids[value] and r["role"] in FILTER_ROLES[argument]}
        found = deals if found is None else found & deals
    return found or set()


def _claims(graph: Graph, deal_ids: Iterable[str], as_of: str | None) -> dict[str, list[LinkedClaim]]:
    """Each deal's claims (those published by ``as_of`` when given), by deal."""
    wanted = sorted(set(deal_ids))
    out: dict[str, list[LinkedClaim]] = defaultdict(list)
    for row in graph.read(cypher.CLAIMS_OF_DEALS, ids=wanted) if wanted else []:
        source = row["sources"][0] if row["sources"] else {}
        if as_of is not None and not published_by(source.get("publicationDate"), as_of):
            continue
        claim = Claim.from_json(row["features"])
        out[row["deal"]].append(LinkedClaim(
            claim=claim, stage=row["stage"] or claim_stage(claim) or "order",  # every transfer type has a stage
            score=float(row["score"] or 0.0), reasons=list(row["reasons"] or []),
            sentence=row["sentences"][0] if row["sentences"] else None, source={**source, "id": source.get("id") or claim.source}))
    return out


def _parties(graph: Graph, deal_ids: Iterable[str]) -> dict[str, dict[str, list[NameRef]]]:
    wanted = sorted(set(deal_ids))
    out: dict[str, dict[str, list[NameRef]]] = defaultdict(lambda: {kind: [] for kind in PARTY_KINDS.values()})
    for row in graph.read(cypher.PARTIES_OF_DEALS, ids=wanted) if wanted else []:
        out[row["deal"]][PARTY_KINDS[row["role"]]].append(NameRef(id=row["id"], name=row["name"]))
    for kinds in out.values():
        for refs in kinds.values():
            refs.sort(key=lambda r: r.id)
    return out


def _as_of_props(props: dict[str, Any], claims: Sequence[LinkedClaim]) -> dict[str, Any]:
    """A deal's node properties as its claims published by then make them."""
    first, last = date_span(c.claim.date for c in claims)
    return {**props, "stages": ordered_stages(c.stage for c in claims), "firstDate": first, "lastDate": last,
            "claimCount": len(claims), "sourceCount": len({c.claim.source for c in claims})}


def _summary(props: dict[str, Any], parties: dict[str, list[NameRef]]) -> dict[str, Any]:
    return {"id": props["id"], "name": props.get("dealName"), "stages": list(props.get("stages") or []),
            "firstDate": props.get("firstDate"), "lastDate": props.get("lastDate"),
            "claimCount": int(props.get("claimCount") or 0), "sourceCount": int(props.get("sourceCount") or 0),
            **{kind: parties.get(kind, []) for kind in PARTY_KINDS.values()}}


def _span(props: Mapping[str, Any]) -> tuple[int, int] | None:
    first, last = interval(props.get("firstDate")), interval(props.get("lastDate"))
    return (first[0], last[1]) if first and last else None


def list_deals(graph: Graph, index: NameLookup, *, buyer: str | None = None, seller: str | None = None,
               system: str | None = None, contractor: str | None = None, party: str | None = None,
               from_: str | None = None, to: str | None = None, stage: str | None = None, as_of: str | None = None,
               offset: int = 0, limit: int = 50) -> DealList:
    """The deals of these parties (each an id or a name: UnknownNames for one that names nothing), whose
    dates overlap ``from_``..``to`` and that reached ``stage``, newest first (by their last date; undated
    last); under ``as_of`` as the sources published by then tell them. InvalidArgument for a date the
    calendar lacks or a stage that is not one of :data:`STAGES`."""
    start, end, as_of, stage = _date("from", from_), _date("to", to), _date("as_of", as_of), _stage(stage)
    filters = {"buyer": buyer, "seller": seller, "system": system, "contractor": contractor, "party": party}
    require_named(graph, index, filters)
    chosen = _filtered(graph, filters)
    rows = graph.read(cypher.ALL_DEALS) if chosen is None else graph.read(cypher.DEALS_BY_ID, ids=sorted(chosen))
    deals = [row["props"] for row in rows]
    if as_of is not None:
        claims = _claims(graph, (d["id"] for d in deals), as_of)
        deals = [_as_of_props(d, claims[d["id"]]) for d in deals if claims.get(d["id"])]
    low, high = interval(start), interval(end)
    kept = []
    for props in deals:
        span = _span(props)
        if (low or high) and (span is None or (low and span[1] < low[0]) or (high and span[0] > high[1])):
            continue
        if stage is not None and stage not in (props.get("stages") or []):
            continue
        kept.append((span, props))
    kept.sort(key=lambda x: (x[0] is None, -(x[0][1] if x[0] else 0), x[1]["id"]))
    page = [props for _, props in kept[offset:offset + limit]]
    parties = _parties(graph, (p["id"] for p in page))
    return DealList(deals=[DealSummary(**_summary(p, parties[p["id"]])) for p in page], count=len(kept),
                    more=len(kept) > offset + limit)


def _outlets(graph: Graph, claims: Sequence[LinkedClaim]) -> set[str]:
    """Those of the names the claims' sentences say "said" something that name a news outlet (normalised)."""
    names = sorted({n for c in claims for n in deal_checks.said_names(c.sentence)})
    return {normalise_name(r["name"]) for r in graph.read(cypher.OUTLET_NAMES, names=names)} if names else set()


def _lineage(graph: Graph, claims: Sequence[LinkedClaim]) -> dict[str, set[str]]:
    parties = sorted({p for c in claims for p in c.claim.recipients | c.claim.suppliers | c.claim.contractors})
    out: dict[str, set[str]] = defaultdict(set)
    for row in graph.read(cypher.LINEAGE_OF, ids=parties) if parties else []:
        out[row["id"]].add(row["up"])
    return out


def _view(c: LinkedClaim, relays: str | None) -> ClaimView:
    s = c.source
    return ClaimView(id=c.claim.id, type=c.claim.type, stage=c.stage, date=c.claim.date, amount=c.claim.amount,
                     currency=c.claim.currency, quantity=c.claim.quantity, score=c.score, reasons=c.reasons,
                     sentence=c.sentence, relays=relays,
                     source=ClaimSource(id=s["id"], title=s.get("title"), url=s.get("url"),
                                        publicationDate=str(s["publicationDate"]) if s.get("publicationDate") else None))


def deal_detail(graph: Graph, deal_id: str, as_of: str | None = None) -> DealDetail:
    """The deal with ``deal_id`` stage by stage (UnknownDeal when there is none); under ``as_of`` as the
    sources published by then tell it (no stage at all when none was)."""
    as_of = _date("as_of", as_of)
    rows = graph.read(cypher.DEALS_BY_ID, ids=[deal_id])
    if not rows:
        raise UnknownDeal(deal_id)
    every = _claims(graph, [deal_id], None)[deal_id]
    claims = [c for c in every if as_of is None or published_by(c.source.get("publicationDate"), as_of)]
    props = rows[0]["props"] if as_of is None else _as_of_props(rows[0]["props"], claims)
    parties = _parties(graph, [deal_id])[deal_id]
    names = {ref.id: ref.name or ref.id for refs in parties.values() for ref in refs}
    outlets, lineage = _outlets(graph, claims), _lineage(graph, claims)
    told = [Told(c.claim, c.source.get("outlet"),
                 deal_checks.relayed_outlet(c.sentence, lambda n: normalise_name(n) in outlets, c.source.get("outlet")))
            for c in claims]
    timeline = []
    for stage in STAGES:
        members = sorted(((c, t) for c, t in zip(claims, told) if c.stage == stage),
                         key=lambda x: ((interval(x[0].claim.date) or (0, 0))[0], x[0].claim.id))
        if not members:
            continue
        first, last = date_span(c.claim.date for c, _ in members)
        mine = [t for _, t in members]
        timeline.append(DealStage(stage=stage, firstDate=first, lastDate=last, claims=[_view(c, t.relays) for c, t in members],
                                  corroboration=deal_checks.corroboration(mine),
                                  contradictions=deal_checks.contradictions(mine, stage, lineage, names)))
    judgements = [DealJudgement(claimA=j["claimA"], claimB=j["claimB"], sameDeal=bool(j["sameDeal"]), judgedBy=j.get("judgedBy"),
                                judgedAt=j.get("judgedAt"), note=j.get("judgementNote"))
                  for j in DealStore(graph).judgements(c.claim.id for c in every)]
    return DealDetail(**_summary(props, parties), asOf=as_of, timeline=timeline, judgements=judgements)
