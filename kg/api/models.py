"""Response models: the typed contract the OpenAPI document publishes.

Every item carries its ``id`` (and, where useful, ``links``) so a client can make
the next call without building URLs from guesses.
"""

from __future__ import annotations

from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

# What the read layer returns is published as it is: the models live with it (kg.reads.models).
from kg.reads.models import (
    ClaimSource,
    ClaimView,
    Contradiction,
    Corroboration,
    DealDetail,
    DealJudgement,
    DealStage,
    DealSummary,
    EntityDetail,
    EntityHit,
    EventDetail,
    EvidenceOut,
    GraphEdge,
    GraphNode,
    Links,
    NameRef,
    Participant,
    Post,
    Ref,
    Relation,
    Relay,
    Side,
    SourceFacts,
    SourceSummary,
    Subgraph,
)

__all__ = ["ClaimSource", "ClaimView", "Contradiction", "Corroboration", "DealDetail", "DealJudgement", "DealPage", "DealStage",
           "DealSummary", "EntityDetail", "EntityHit", "EventDetail", "EvidenceOut", "GraphEdge", "GraphNode", "Health",
           "JudgementIn", "JudgementOut", "Links", "LoadReport", "NameRef", "Page", "Participant", "PathRow", "Post", "QueryInfo",
           "QueryParamOut", "QueryResult", "QueryRun", "QueryText", "Ref", "Relation", "Relay", "RoleRef", "SaleRow", "SaleStage",
           "SentenceRef", "Side", "SourceFacts", "SourceSummary", "Subgraph", "Tally", "TimelineRow"]

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(None, description="Pass as ?cursor= for the next page; null on the last page")


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    engine: str = Field(examples=["arcadedb"])
    database: str = Field(examples=["kg"])
    nodes: int = Field(examples=[192])
    relationships: int = Field(examples=[421])
    ontology_version: str = Field(examples=["0.1.0"])


class QueryParamOut(BaseModel):
    name: str = Field(examples=["buyer"])
    type: str = Field(examples=["entity"], description="string, integer, float, boolean, date (YYYY, YYYY-MM or YYYY-MM-DD) "
                      "or entity (an actor, weapon system or place: canonical id or name)")
    default: str | int | float | bool | None = Field(None, examples=[50])
    minimum: float | None = Field(None, description="Numbers: the smallest value taken", examples=[1])
    maximum: float | None = Field(None, description="Numbers: the largest value taken", examples=[1000000000])
    description: str = ""


class QueryInfo(BaseModel):
    name: str = Field(examples=["arms_sales"])
    title: str = Field(examples=["Arms sales"])
    description: str
    params: list[QueryParamOut]
    examples: list[str]
    links: Links


class QueryRun(BaseModel):
    # extra="forbid": a misspelt key ({"parms": ...}) would otherwise run the query unfiltered
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"params": {"buyer": "state:TW"}}]})

    params: dict[str, str | int | float | bool | None] = Field(
        default_factory=dict, description="Parameter values by name (GET /queries lists each query's, with types and ranges); "
        "omitted ones take their default")


class QueryText(BaseModel):
    """Which Cypher text answered: the query file's own, or the engine's form of it."""

    engine: str = Field(examples=["neo4j"], description="The engine that ran it: neo4j or arcadedb")
    as_written: bool = Field(description="True when the text is the query file's own, as pasted into Neo4j Browser; "
                                         "false when the engine ran its own form (each *..N of a query with a bound "
                                         "lowered to max_hops: the same rows, without searching deeper than asked)")
    text: str = Field(description="The Cypher that ran")


class QueryResult(BaseModel):
    name: str = Field(examples=["arms_sales"])
    params: dict[str, str | int | float | bool | None] = Field(description="The values actually used, defaults filled in")
    rows: list[dict[str, Any]]
    ran: QueryText


class Tally(BaseModel):
    created: int
    updated: int
    unchanged: int
    retracted: int


class LoadReport(BaseModel):
    source_id: str = Field(examples=["source:2025-11-19-nasams-taiwan"])
    action: Literal["created", "updated", "unchanged", "retracted"]
    tallies: dict[str, Tally]
    warnings: list[str]
    links: Links


# -- rows of the named queries the GET endpoints answer with --------------------------------
# Typed so the OpenAPI document says what an item holds; ``extra="allow"`` keeps a column a
# query file gains later instead of dropping it.

class RoleRef(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: str | None = Field(None, examples=["BUYER"])
    id: str = Field(examples=["state:TW"])
    name: str | None = Field(None, examples=["Taiwan"])


class SaleStage(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str = Field(examples=["event:2025-11-19-nasams-taiwan:nasams-contract"])
    type: str | None = Field(None, examples=["ContractAward"])
    date: str | None = Field(None, examples=["2025-11-17"])
    status: str | None = None
    amount: float | None = Field(None, examples=[698948760])
    currency: str | None = Field(None, examples=["USD"])
    contractors: list[str] = Field(default_factory=list, examples=[["contractor:rtx"]])
    sourceId: str | None = Field(None, examples=["source:2025-11-19-nasams-taiwan"])


class SentenceRef(BaseModel):
    model_config = ConfigDict(extra="allow")

    sentence: str | None = None
    sourceId: str | None = Field(None, examples=["source:2025-11-19-nasams-taiwan"])


class SaleRow(BaseModel):
    """One row of queries/arms_sales.cypher."""

    model_config = ConfigDict(extra="allow")

    sale: str = Field(examples=["event:2025-11-19-nasams-taiwan:nasams-sale"])
    date: str | None = Field(None, examples=["2024-10"])
    status: str | None = None
    modality: str | None = Field(None, examples=["reported"])
    value: float | None = Field(None, examples=[1160000000])
    currency: str | None = Field(None, examples=["USD"])
    quantity: float | None = None
    sellers: list[RoleRef] = Field(default_factory=list)
    buyers: list[RoleRef] = Field(default_factory=list)
    contractors: list[RoleRef] = Field(default_factory=list)
    systems: list[RoleRef] = Field(default_factory=list)
    stages: list[SaleStage] = Field(default_factory=list)
    blockedBy: list[str] = Field(default_factory=list)
    description: str | None = None
    sourceIds: list[str] = Field(default_factory=list, examples=[["source:2025-11-19-nasams-taiwan"]])
    evidence: list[SentenceRef] = Field(default_factory=list)


class TimelineRow(BaseModel):
    """One row of queries/actor_timeline.cypher."""

    model_config = ConfigDict(extra="allow")

    actor: str = Field(examples=["state:TW"])
    actorName: str | None = Field(None, examples=["Taiwan"])
    date: str | None = Field(None, examples=["2025-11-17"])
    type: str | None = Field(None, examples=["ContractAward"])
    roles: list[str] = Field(default_factory=list, examples=[["RECIPIENT"]])
    event: str = Field(examples=["event:2025-11-19-nasams-taiwan:nasams-contract"])
    status: str | None = None
    modality: str | None = None
    value: float | None = Field(None, examples=[698948760])
    currency: str | None = Field(None, examples=["USD"])
    others: list[RoleRef] = Field(default_factory=list)
    systems: list[str] = Field(default_factory=list, examples=[["system:nasams"]])
    description: str | None = None
    quote: str | None = None
    sourceId: str | None = Field(None, examples=["source:2025-11-19-nasams-taiwan"])
    sourceTitle: str | None = None


class PathRow(BaseModel):
    """One row of queries/shortest_connections.cypher: a path, node by node and hop by hop."""

    model_config = ConfigDict(extra="allow")

    fromId: str = Field(examples=["contractor:rtx"])
    toId: str = Field(examples=["state:TW"])
    hops: int = Field(examples=[2])
    nodeIds: list[str | None] = Field(examples=[["contractor:rtx", "event:2025-11-19-nasams-taiwan:nasams-contract", "state:TW"]])
    nodeNames: list[str | None] = Field(examples=[["RTX", "ContractAward 2025-11-17", "Taiwan"]])
    nodeLabels: list[list[str]] = Field(examples=[[["Contractor", "Organization", "Actor"], ["ContractAward", "Event"], ["State", "Actor"]]])
    relationships: list[str] = Field(examples=[["CONTRACTOR", "RECIPIENT"]])
    steps: list[str | None] = Field(examples=[["RTX <-[CONTRACTOR]- ContractAward 2025-11-17"]])


# -- deals (GET /deals, the judgements) ----------------------------------------------------------

class DealPage(BaseModel):
    count: int = Field(description="How many deals match, over every page", examples=[1])
    deals: list[DealSummary]
    next: str | None = Field(None, description="Pass as ?cursor= for the next page; null on the last page")


#: A claim's id as a judgement names it: an event id.
ClaimId = Annotated[str, Field(min_length=1, max_length=300, examples=["event:2025-11-17-dod-contracts:award-1"])]


class JudgementIn(BaseModel):
    """An analyst's judgement: two claims tell the same deal, or do not."""

    # extra="forbid": a misspelt key ({"same_deal": false}) would otherwise record the opposite of what was meant
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"a": "event:2025-11-17-dod-contracts:award-1", "b": "event:2024-10-25-dsca-taiwan-nasams:sale-approval",
         "same": False, "by": "analyst", "note": "a second tranche"}]})

    a: ClaimId
    b: ClaimId
    same: bool = Field(description="True: the same deal, whatever the linker's rules say; false: kept apart")
    by: str | None = Field(None, max_length=200, description="Who judges")
    note: str | None = Field(None, max_length=2000, description="Why, in the analyst's words")


class JudgementOut(BaseModel):
    claims: list[str] = Field(examples=[["event:2025-11-17-dod-contracts:award-1", "event:2024-10-25-dsca-taiwan-nasams:sale-approval"]])
    sameDeal: bool
    deals: dict[str, str | None] = Field(description="The deal each claim tells now")
    together: bool = Field(description="Whether the two claims now tell one deal (a \"same\" judgement can be "
                           "outweighed by a \"not the same\" one that keeps another claim of one deal from the other)")
