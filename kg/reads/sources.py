"""Sources: every source with how many events it states, and one source with every fact it backs."""

from __future__ import annotations

from typing import Any

from kg import cypher
from kg.graph import Graph, Tx
from kg.property_graph import parse_relation_key
from kg.reads.errors import UnknownSource
from kg.reads.labels import ordered_types
from kg.reads.models import Links, SourceFacts, SourceSummary
from kg.reads.paging import Window
from kg.store import source_node_id


def links(source_id: str) -> Links:
    return Links(self=f"/sources/{source_id}")


def list_sources(graph: Graph, *, offset: int = 0, limit: int = 50) -> Window[SourceSummary]:
    rows = graph.read(cypher.SOURCES_PAGE, skip=offset, limit=limit + 1)
    items = [SourceSummary(id=r["id"], types=ordered_types(r["labels"]), title=r["title"], publication_date=r["publicationDate"],
                           outlet=r["outlet"], url=r["url"], events=r["events"], links=links(r["id"])) for r in rows[:limit]]
    return Window(items=items, more=len(rows) > limit)


def source_facts(graph: Graph, source_id: str) -> SourceFacts:
    """The source (``2025-11-19-nasams-taiwan`` or ``source:…``) and its facts; UnknownSource when none has the id."""
    node_id = source_node_id(source_id)
    rows = read_one_version(graph, node_id)
    if not rows:
        raise UnknownSource(node_id)
    row = rows[0]
    return SourceFacts(
        id=row["id"], types=ordered_types(row["labels"]), properties=row["props"],
        events=sorted((dict(e, types=ordered_types(e.pop("labels"))) for e in row["events"] if e), key=lambda e: str(e["id"])),
        posts=sorted((p for p in row["posts"] if p), key=lambda p: str(p["id"])),
        relations=sorted(({"type": r.type, "start": r.start, "end": r.end} for r in map(parse_relation_key, row["relationKeys"])),
                         key=lambda r: (r["start"], r["type"], r["end"])),
        entities=sorted((dict(x, types=ordered_types(x.pop("labels"))) for x in row["entities"] if x), key=lambda x: str(x["id"])),
    )


def read_one_version(graph: Graph, source_id: str, attempts: int = 5) -> list[dict[str, Any]]:
    """The source's facts as one stored version, even while it is being reloaded.

    Both engines read committed data statement by statement, so a load that
    commits while the detail statement runs could show part of each version
    (see :mod:`kg.graph`, difference 7). The version is read before and after
    the detail in the same transaction; if it moved, the read is repeated.
    """
    def work(tx: Tx) -> tuple[bool, list[dict[str, Any]]]:
        before = tx.run(cypher.SOURCE_VERSION, sourceId=source_id)
        rows = tx.run(cypher.SOURCE_DETAIL, id=source_id)
        return before == tx.run(cypher.SOURCE_VERSION, sourceId=source_id), rows

    for _ in range(attempts - 1):
        steady, rows = graph.read_transaction(work)
        if steady:
            return rows
    return graph.read_transaction(work)[1]
