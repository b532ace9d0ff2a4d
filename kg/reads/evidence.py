"""Every sentence that names an entity, a page at a time."""

from __future__ import annotations

from kg import cypher
from kg.graph import Graph
from kg.reads.lookup import NameLookup
from kg.reads.models import EvidenceOut
from kg.reads.paging import Window
from kg.reads.resolve import require_entity


def entity_evidence(graph: Graph, entity_id: str, *, after: str | None = None, limit: int = 50,
                    index: NameLookup | None = None) -> Window[EvidenceOut]:
    """The sentences after evidence id ``after``, by evidence id (so grouped by source), each with its
    source. Paging by the last id seen makes a page deep into a hub cost what the first one does."""
    require_entity(graph, entity_id, index)
    rows = graph.read(cypher.ENTITY_EVIDENCE, id=entity_id, after=after, limit=limit + 1)
    return Window(items=EvidenceOut.from_rows([r["evidence"] for r in rows[:limit]]), more=len(rows) > limit)
