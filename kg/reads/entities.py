"""An entity's detail: types, properties, aliases, posts, relations and the first sentences that name it."""

from __future__ import annotations

from typing import Any

from kg import cypher
from kg.graph import Graph
from kg.reads.labels import ordered_types
from kg.reads.lookup import NameLookup
from kg.reads.models import EntityDetail, EvidenceOut, Links, Post, Relation
from kg.reads.resolve import unknown_entity

#: Sentences shown in an entity's detail; a hub is named by tens of thousands, paged by evidence reads.
EVIDENCE_PREVIEW = 50


def links(entity_id: str) -> Links:
    return Links(self=f"/entities/{entity_id}", events=f"/entities/{entity_id}/events", neighbors=f"/entities/{entity_id}/neighbors",
                 evidence=f"/entities/{entity_id}/evidence")


def entity_detail(graph: Graph, entity_id: str, *, evidence_limit: int = EVIDENCE_PREVIEW,
                  index: NameLookup | None = None) -> EntityDetail:
    """The entity with ``entity_id``; UnknownEntity (with the closest names when ``index`` is given) when none has it."""
    rows = graph.read(cypher.ENTITY_DETAIL, id=entity_id, evidence_limit=evidence_limit)
    if not rows:
        raise unknown_entity(graph, index, entity_id)
    row = rows[0]
    props: dict[str, Any] = dict(row["props"])
    derived = {k: props.pop(k, None) for k in ("id", "name", "alias", "sourceName", "searchName")}
    return EntityDetail(
        id=row["id"], name=derived["name"] or row["id"], types=ordered_types(row["labels"]), properties=props,
        aliases=derived["alias"] or [], source_names=derived["sourceName"] or [],
        sources=row["sources"], source_total=row["sourceTotal"],
        posts=[Post(id=p["id"], title=p["title"], start_date=p.get("startDate"), end_date=p.get("endDate"),
                    organization=p.get("organization"), organization_name=p.get("organizationName"), source_id=p["sourceId"])
               for p in row["posts"] if p],
        relations=[Relation(type=r["type"], direction=r["direction"], id=r["id"], name=r.get("name"), source_ids=r["sourceIds"] or [])
                   for r in row["relations"] if r],
        evidence=sorted(EvidenceOut.from_rows(row["evidence"]), key=lambda e: e.id), evidence_total=row["evidenceTotal"],
        links=links(row["id"]),
    )
