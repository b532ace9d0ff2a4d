"""What the read layer returns: entities, events, sources, subgraphs, each as a plain pydantic model.

The API publishes these models as they are (its OpenAPI document is built from
them), and ``kg viz`` embeds them in its pages, so both show an analyst the same
fields. Nothing here knows about HTTP; ``links`` are the API paths of the next
calls, which are part of what an item is.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class Suggestion(BaseModel):
    """An entity whose id or name is close to one the graph does not hold."""

    id: str = Field(examples=["state:TW"])
    name: str = Field(examples=["Taiwan"])


class Links(BaseModel):
    self: str = Field(examples=["/entities/state:TW"])
    events: str | None = Field(None, examples=["/entities/state:TW/events"])
    neighbors: str | None = Field(None, examples=["/entities/state:TW/neighbors"])
    evidence: str | None = Field(None, examples=["/entities/state:TW/evidence"])



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
    def from_rows(cls, rows: list[dict[str, Any] | None]) -> list[EvidenceOut]:
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



class NameRef(BaseModel):
    """An id with its name: a deal's party or system, the deal an event tells."""

    id: str = Field(examples=["state:TW"])
    name: str | None = Field(None, examples=["Taiwan"])


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
    line_items: list[str] = Field(default_factory=list, examples=[["3 × National Advanced Surface-to-Air Missile System "
                                                               "(NASAMS) fire units (major defense equipment)"]])
    details: list[str] = Field(default_factory=list, examples=[["transmittal: 24-90", "cost_qualifier: up to"]])
    source_id: str = Field(examples=["source:2025-11-19-nasams-taiwan"])
    participants: list[Participant]
    systems: list[Ref]
    places: list[Ref]
    part_of: list[Ref]
    stages: list[Ref]
    evidence: list[EvidenceOut]
    deal: NameRef | None = Field(None, description="The deal the event tells (arms sales and their stages; "
                                 "GET /deals/{id} shows it); null for other events")



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



# -- deals: the claims of many sources that tell one arms transfer (kg.reads.deals) ---------------
# Field names are the contract with the explorer (camelCase, as the graph's properties are).

class DealSummary(BaseModel):
    id: str = Field(examples=["deal:2024-10-25-dsca-taiwan-nasams:sale-of-sale-approval"])
    name: str | None = Field(None, examples=["United States to Taiwan: National Advanced Surface-to-Air Missile System"])
    stages: list[str] = Field(description="The stages its claims tell, in the order of a deal's life",
                              examples=[["approved", "order", "contracted"]])
    firstDate: str | None = Field(None, examples=["2024"])
    lastDate: str | None = Field(None, examples=["2025-11-17"])
    claimCount: int = Field(examples=[9])
    sourceCount: int = Field(examples=[4])
    recipients: list[NameRef]
    suppliers: list[NameRef]
    contractors: list[NameRef]
    systems: list[NameRef]


class ClaimSource(BaseModel):
    id: str = Field(examples=["source:2024-10-25-dsca-taiwan-nasams"])
    title: str | None = None
    publicationDate: str | None = Field(None, examples=["2024-10-25"])
    url: str | None = None


class ClaimView(BaseModel):
    """One source's claim about the deal, with why the linker put it there."""

    id: str = Field(examples=["event:2025-11-17-dod-contracts:award-1"])
    type: str = Field(examples=["ContractAward"])
    stage: str = Field(examples=["contracted"])
    date: str | None = Field(None, examples=["2025-11-17"])
    amount: float | None = Field(None, examples=[698948760])
    currency: str | None = Field(None, examples=["USD"])
    quantity: float | None = None
    score: float = Field(description="How sure the link is, 0..1", examples=[0.95])
    reasons: list[str] = Field(examples=[["recipient state state:TW", "system system:nasams"]])
    sentence: str | None = Field(None, description="The evidence sentence that states the claim")
    source: ClaimSource
    relays: str | None = Field(None, description="The outlet the sentence says it relays (\"Reuters reported\", "
                               "\"according to Reuters\", \"citing Reuters\")", examples=["Reuters"])


class Relay(BaseModel):
    source: str = Field(examples=["source:2025-11-18-nasams-wire"])
    outlet: str = Field(examples=["Reuters"])


class Corroboration(BaseModel):
    sources: int = Field(description="Distinct sources that tell the stage", examples=[3])
    independent: int = Field(description="Distinct outlets or sources once a source that relays an outlet counts with it",
                             examples=[2])
    relayed: list[Relay]


class Side(BaseModel):
    value: str = Field(examples=["1160000000 USD"])
    claims: list[str]
    sources: list[str]


class Contradiction(BaseModel):
    field: Literal["amount", "quantity", "date", "recipient", "supplier", "contractor"]
    sides: list[Side]


class DealStage(BaseModel):
    stage: str = Field(examples=["approved"])
    firstDate: str | None = Field(None, examples=["2024"])
    lastDate: str | None = Field(None, examples=["2024-10-25"])
    claims: list[ClaimView]
    corroboration: Corroboration
    contradictions: list[Contradiction]


class DealJudgement(BaseModel):
    claimA: str
    claimB: str
    sameDeal: bool
    judgedBy: str | None = None
    judgedAt: str | None = Field(None, examples=["2026-12-07T10:00:00Z"])
    note: str | None = None


class DealDetail(DealSummary):
    asOf: str | None = Field(None, description="The reported time asked for: only claims of sources published by then count")
    timeline: list[DealStage]
    judgements: list[DealJudgement]
