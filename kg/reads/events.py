"""An event: one claim with its participants, systems, places, stages, evidence, source and the deal it tells."""

from __future__ import annotations

from typing import Any

from kg import cypher
from kg.graph import Graph
from kg.reads.errors import UnknownEvent
from kg.reads.labels import ordered_types
from kg.reads.models import EventDetail, EvidenceOut, NameRef, Participant, Ref


def _refs(items: list[dict[str, Any] | None]) -> list[Ref]:
    return [Ref(id=i["id"], name=i.get("name"), types=ordered_types(i["labels"]) if i.get("labels") else None,
                date=i.get("date"), amount=i.get("amount"), currency=i.get("currency")) for i in items if i]


def event_detail(graph: Graph, event_id: str) -> EventDetail:
    """The event with ``event_id``; UnknownEvent when none has it."""
    rows = graph.read(cypher.EVENT_DETAIL, id=event_id)
    if not rows:
        raise UnknownEvent(event_id)
    row = rows[0]
    p = row["props"]
    return EventDetail(
        id=row["id"], types=ordered_types(row["labels"]), date=p.get("date"), date_precision=p.get("datePrecision"),
        end_date=p.get("endDate"), amount=p.get("amount"), currency=p.get("currency"), quantity=p.get("quantity"),
        status=p.get("status"), modality=p.get("modality"), quote=p.get("quote"), description=p.get("description"),
        line_items=list(p.get("item") or []), details=list(p.get("detail") or []), source_id=p["sourceId"],
        participants=sorted((Participant(role=x["role"], id=x["id"], name=x.get("name"), types=ordered_types(x["labels"]))
                             for x in row["participants"] if x), key=lambda x: (x.role, x.id)),
        systems=_refs(row["systems"]), places=_refs(row["places"]), part_of=_refs(row["partOf"]), stages=_refs(row["stages"]),
        evidence=EvidenceOut.from_rows(row["evidence"]),
        deal=next((NameRef(id=d["id"], name=d.get("name")) for d in row["deals"] if d), None),
    )
