"""Response models: the typed contract the OpenAPI document publishes.

Every item carries its ``id`` (and, where useful, ``links``) so a client can make
the next call without building URLs from guesses.
"""

from __future__ import annotations

from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class Links(BaseModel):
    self: str = Field(examples=["/entities/state:TW"])
    events: str | None = Field(None, examples=["/entities/state:TW/events"])
    neighbors: str | None = Field(None, examples=["/entities/state:TW/neighbors"])
    evidence: str | None = Field(None, examples=["/entities/state:TW/evidence"])


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


class EntityHit(BaseModel):
    id: str = Field(examples=["state:TW"])
    name: str = Field(examples=["Taiwan"])
    types: list[str] = Field(examples=[["State", "Actor"]])
    match: Literal["exact", "prefix", "contains", "fuzzy", "all"] = Field(examples=["exact"])
    score: float = Field(ge=0, le=1, examples=[1.0])
    links: Links


class Post(BaseModel):
    id: str = Field(examples=["post:2025-11-19-nasams-taiwan:koo"])
    title: str = Field(examples=["Defence Minister"])
    start_date: str | None = Field(None, examples=["2024-05-20"])
    end_date: str | None = None
    organization: str | None = Field(None, examples=["state:TW"])
    organization_name: str | None = Field(None, examples=["Taiwan"])
    source_id: str = Field(examples=["source:2025-11-19-nasams-taiwan"])


class Relation(BaseModel):
    type: str = Field(examples=["MANUFACTURER"])
    direction: Literal["out", "in"]
    id: str = Field(examples=["contractor:rtx"])
    name: str | None = Field(None, examples=["RTX"])
    source_ids: list[str] = Field(examples=[["source:2025-11-19-nasams-taiwan"]])


class EvidenceOut(BaseModel):
    id: str = Field(examples=["evidence:2025-11-19-nasams-taiwan:nasams-contract"])
    sentence: str = Field(examples=["The Pentagon said on Monday the company was given a firm fixed-price contract ..."])
    start_offset: int | None = Field(None, examples=[520])
    end_offset: int | None = Field(None, examples=[760])
    method: str | None = Field(None, examples=["curated"])
    confidence: float | None = None
    source_id: str = Field(examples=["source:2025-11-19-nasams-taiwan"])
    source_title: str | None = None
    publication_date: str | None = Field(None, examples=["2025-11-19"])
    url: str | None = None

    @classmethod
    def from_rows(cls, rows: list[dict[str, Any] | None]) -> list["EvidenceOut"]:
        """Evidence maps as the detail queries collect them (nulls from optional matches dropped)."""
        return [cls(id=e["id"], sentence=e["sentence"], start_offset=e.get("startOffset"), end_offset=e.get("endOffset"),
                    method=e.get("method"), confidence=e.get("confidence"), source_id=e["sourceId"],
                    source_title=e.get("sourceTitle"), publication_date=e.get("publicationDate"), url=e.get("url"))
                for e in rows if e and e.get("id")]


class EntityDetail(BaseModel):
    id: str = Field(examples=["state:TW"])
    name: str = Field(examples=["Taiwan"])
    types: list[str] = Field(examples=[["State", "Actor"]])
    properties: dict[str, Any] = Field(examples=[{"isoCode": "TW", "wikidataId": "Q865"}])
    aliases: list[str] = Field(examples=[["Taipei", "Republic of China"]])
    source_names: list[str] = Field(description="Every name a source used for this entity", examples=[["Taipei", "Taiwan"]])
    sources: list[str] = Field(description="The sources whose sentences name this entity: the first ones by id "
                               "(as many as the evidence preview holds)", examples=[["source:2025-11-19-nasams-taiwan"]])
    source_total: int = Field(description="How many sources name this entity", examples=[2])
    posts: list[Post]
    relations: list[Relation]
    evidence: list[EvidenceOut] = Field(description="The first sentences that name this entity (by evidence id), each with "
                                        "its source; links.evidence pages through all of them")
    evidence_total: int = Field(description="How many sentences name this entity", examples=[12])
    links: Links


class GraphNode(BaseModel):
    id: str = Field(examples=["event:2025-11-19-nasams-taiwan:nasams-contract"])
    name: str | None = Field(None, examples=["RTX"])
    types: list[str] = Field(examples=[["ContractAward", "Event"]])
    date: str | None = Field(None, examples=["2025-11-17"])
    label: str | None = Field(None, description="Caption for pictures: an event's what, who, value and when, a post's "
                              "holder and title; null for other nodes (their name is their caption)",
                              examples=["NASAMS contract to RTX · $699m · Nov 2025"])


class GraphEdge(BaseModel):
    source: str = Field(examples=["event:2025-11-19-nasams-taiwan:nasams-contract"])
    target: str = Field(examples=["contractor:rtx"])
    type: str = Field(examples=["CONTRACTOR"])


class Subgraph(BaseModel):
    center: str = Field(examples=["contractor:rtx"])
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    truncated: bool = Field(description="True when the limit cut the subgraph short")


class Participant(BaseModel):
    role: str = Field(examples=["contractor"])
    id: str = Field(examples=["contractor:rtx"])
    name: str | None = Field(None, examples=["RTX"])
    types: list[str] = Field(examples=[["Contractor", "Organization", "Actor"]])


class Ref(BaseModel):
    id: str
    name: str | None = None
    types: list[str] | None = None
    date: str | None = None
    amount: float | None = None
    currency: str | None = None


class EventDetail(BaseModel):
    id: str = Field(examples=["event:2025-11-19-nasams-taiwan:nasams-contract"])
    types: list[str] = Field(examples=[["ContractAward", "Event"]])
    date: str | None = Field(None, examples=["2025-11-17"])
    date_precision: str | None = Field(None, examples=["day"])
    end_date: str | None = Field(None, examples=["2031-02"])
    amount: float | None = Field(None, examples=[698948760])
    currency: str | None = Field(None, examples=["USD"])
    quantity: int | None = None
    status: str | None = None
    modality: str | None = Field(None, examples=["reported"])
    quote: str | None = None
    description: str | None = None
    source_id: str = Field(examples=["source:2025-11-19-nasams-taiwan"])
    participants: list[Participant]
    systems: list[Ref]
    places: list[Ref]
    part_of: list[Ref]
    stages: list[Ref]
    evidence: list[EvidenceOut]


class SourceSummary(BaseModel):
    id: str = Field(examples=["source:2025-11-19-nasams-taiwan"])
    types: list[str] = Field(examples=[["Article", "Source"]])
    title: str | None = None
    publication_date: str | None = Field(None, examples=["2025-11-19"])
    outlet: str | None = None
    url: str | None = None
    events: int = Field(examples=[16])
    links: Links


class SourceFacts(BaseModel):
    id: str = Field(examples=["source:2025-11-19-nasams-taiwan"])
    types: list[str]
    properties: dict[str, Any]
    events: list[dict[str, Any]] = Field(description="Each event the source states: id, types, date, amount, sentence")
    posts: list[dict[str, Any]]
    relations: list[dict[str, Any]] = Field(description="Relations between entities the source backs")
    entities: list[dict[str, Any]] = Field(description="Entities the source mentions")


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


class QueryResult(BaseModel):
    name: str = Field(examples=["arms_sales"])
    params: dict[str, str | int | float | bool | None] = Field(description="The values actually used, defaults filled in")
    rows: list[dict[str, Any]]


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
