"""Deals: the claims of many sources that tell one arms transfer, listed and shown stage by stage (read by
:mod:`kg.reads.deals`), and analysts' judgements on the linker's links (keyed writes through
:mod:`loaders.deals.relink`, as ``kg deals link|unlink|forget`` make them)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Response

from kg import reads
from kg.api.deps import (
    AsOfDate,
    Buyer,
    Contractor,
    Cursor,
    FromDate,
    PageSize,
    Seller,
    System,
    ToDate,
    decode_cursor,
    encode_cursor,
    entity_query,
    get_graph,
    get_name_index,
    require_read_access,
    require_write_access,
)
from kg.api.models import DealDetail, DealPage, JudgementIn, JudgementOut
from kg.api.problems import ERROR_RESPONSES, PROBLEM_JSON, InvalidInput, NotFound, Problem
from kg.api.read_errors import read_errors
from kg.deal_store import DealStore
from kg.graph import Graph
from kg.reads.deals import STAGES
from kg.reads.lookup import NameLookup
from loaders.deals.relink import UnknownClaim, forget, judge

router = APIRouter(prefix="/deals", tags=["deals"], responses=ERROR_RESPONSES)
WRITES_OFF = {403: {"model": Problem, "content": {PROBLEM_JSON: {}}, "description": "Writes are off (no KG_API_KEY)"}}

#: The stages, as the OpenAPI document lists them (an enum: a client need not guess them).
Stage = Literal[STAGES]  # type: ignore[valid-type]
DealId = Annotated[str, Path(max_length=300, description="Deal id", examples=["deal:2024-10-25-dsca-taiwan-nasams:sale-of-sale-approval"])]


@router.get("", response_model=DealPage, summary="Deals: the claims of many sources that tell one arms transfer",
            dependencies=[Depends(require_read_access)])
def list_deals(
    graph: Annotated[Graph, Depends(get_graph)],
    index: Annotated[NameLookup, Depends(get_name_index)],
    buyer: Buyer = None,
    seller: Seller = None,
    system: System = None,
    contractor: Contractor = None,
    party: Annotated[str | None, entity_query("Any of recipient, supplier, contractor or system", "state:TW")] = None,
    from_: FromDate = None,
    to: ToDate = None,
    stage: Annotated[Stage | None, Query(description="Only deals that reached this stage (order: a sale that states "
                                                     "no stage, such as a register row)", examples=["contracted"])] = None,
    as_of: AsOfDate = None,
    limit: PageSize = 50,
    cursor: Cursor = None,
) -> DealPage:
    """Each deal with its stages, dates, counts of claims and sources, parties and systems, newest first
    (by its last date; undated last). Parties and systems are ids or names (404 naming one the graph does
    not hold, with the closest names); from/to keep deals whose dates overlap the period.

    as_of is reported time: only claims whose source was published on or before it count (a partial
    publication date is the interval it covers, so a source dated 2025-06 counts from as_of=2025-06-30 on),
    and a claim whose source has no publication date is left out, since nothing says it was known by then.
    The stages, dates and counts are then those of the claims published by then; a deal with none is left out.
    """
    offset = decode_cursor(cursor)
    with read_errors():
        found = reads.list_deals(graph, index, buyer=buyer, seller=seller, system=system, contractor=contractor, party=party,
                                 from_=from_, to=to, stage=stage, as_of=as_of, offset=offset, limit=limit)
    return DealPage(count=found.count, deals=found.deals, next=encode_cursor(offset + limit) if found.more else None)


@router.get("/{deal_id}", response_model=DealDetail, summary="A deal stage by stage: claims, sources, corroboration, contradictions",
            dependencies=[Depends(require_read_access)])
def get_deal(deal_id: DealId, graph: Annotated[Graph, Depends(get_graph)], as_of: AsOfDate = None) -> DealDetail:
    """The deal's timeline: each stage with its claims (the evidence sentence, the source, the linker's
    score and reasons), how many sources back it and how many independently (a source that relays an
    outlet, "Reuters reported", counts once with it), and where its claims disagree (amounts more than 1%
    apart, quantities of the same systems, dates that cannot overlap, parties with none in common: a
    company, its parent and its former names are one party).

    as_of is reported time, as for GET /deals: only claims whose source was published on or before it count,
    and a claim whose source has no publication date is left out. A deal none of whose claims was published
    by then has an empty timeline. The judgements are those about any of its claims, whatever as_of says."""
    with read_errors():
        return reads.deal_detail(graph, deal_id, as_of)


@router.post("/judgements", response_model=JudgementOut, summary="Judge whether two claims tell the same deal; needs the API key",
             dependencies=[Depends(require_write_access)], responses=WRITES_OFF)
def post_judgement(body: JudgementIn, graph: Annotated[Graph, Depends(get_graph)]) -> JudgementOut:
    """Record the judgement (kept by the two claims' ids, so it survives reloads; a second one about the
    same pair replaces the first) and relink the deals it touches. 404, with nothing recorded, for a claim
    the graph does not hold or one that tells no deal."""
    if body.a == body.b:
        raise InvalidInput("a and b are the same claim: a judgement is about two", [{"where": "body.b", "message": "same as a"}])
    store = DealStore(graph)
    try:
        judge(store, body.a, body.b, body.same, body.by, body.note)
    except UnknownClaim as exc:
        raise NotFound(str(exc)) from None
    deals = store.claims_and_deals((body.a, body.b))
    return JudgementOut(claims=[body.a, body.b], sameDeal=body.same, deals={c: deals.get(c) for c in (body.a, body.b)},
                        together=deals.get(body.a) == deals.get(body.b))


@router.delete("/judgements", status_code=204, response_class=Response, summary="Remove a judgement; needs the API key",
               dependencies=[Depends(require_write_access)], responses=WRITES_OFF)
def delete_judgement(
    graph: Annotated[Graph, Depends(get_graph)],
    a: Annotated[str, Query(min_length=1, max_length=300, description="One claim's id", examples=["event:2025-11-17-dod-contracts:award-1"])],
    b: Annotated[str, Query(min_length=1, max_length=300, description="The other's",
                            examples=["event:2024-10-25-dsca-taiwan-nasams:sale-approval"])],
) -> Response:
    """The linker's rules decide again for the two claims' deals. 404 when there is no judgement about them."""
    if not forget(DealStore(graph), a, b):
        raise NotFound(f"no judgement about {a!r} and {b!r}")
    return Response(status_code=204)
