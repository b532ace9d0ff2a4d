"""The graph as a store of sources: load, replace and retract one source atomically.

A source's load runs in one managed write transaction: its previous claims are
retracted and its new ones written, so a reader sees the old version or the new
one, never half of each (the loader never commits a partial source). Loading an
unchanged source (same content hash) writes nothing at all.

Entities are shared: they exist while at least one source mentions them. Their
``sourceIds``, ``sourceName`` (every name a source used) and ``alias`` are
derived from the mentions that remain, so retracting a source also retracts
what it said about names. Entity relationships (``MANUFACTURER``...) keep the
ids of the sources and evidence that state them, and go when none is left.

Entity labels are fixed when the entity is created: the embedded engine cannot
relabel a node inside the transaction that writes it (see :mod:`kg.graph`), and
an entity's class is stable per canonical id anyway. A source that types an
existing entity differently gets a warning, not a relabel.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from kg import cypher
from kg.cypher import Cypher
from kg.graph import Graph, Tx
from kg.names import normalise_name
from kg.ontology import Ontology, load_ontology
from kg.property_graph import CLAIM_ROOTS, ENTITY_ROOTS, Node, Rel, SourceRows

#: What the load summary counts.
KINDS = ("sources", "entities", "events", "relationships")


def source_node_id(value: str) -> str:
    """A source's node id from what a user types: ``2025-11-19-nasams-taiwan`` or ``source:2025-...``."""
    return value if value.startswith("source:") else f"source:{value}"


class UnknownSource(LookupError):
    """No source with that id is in the graph."""


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    retracted: int = 0

    def add(self, other: "Tally") -> None:
        for key in ("created", "updated", "unchanged", "retracted"):
            setattr(self, key, getattr(self, key) + getattr(other, key))

    @classmethod
    def diff(cls, old: dict[Any, Any], new: dict[Any, Any]) -> "Tally":
        common = old.keys() & new.keys()
        changed = sum(1 for k in common if old[k] != new[k])
        return cls(created=len(new.keys() - old.keys()), updated=changed,
                   unchanged=len(common) - changed, retracted=len(old.keys() - new.keys()))


@dataclass
class SourceReport:
    """What one load or unload did to the graph."""

    source_id: str
    action: str  # "created", "updated", "unchanged" or "retracted"
    tallies: dict[str, Tally] = field(default_factory=lambda: {k: Tally() for k in KINDS})
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Footprint:
    """Everything in the graph that one source accounts for."""

    source: dict[str, Any] | None
    claims: dict[str, Any]
    entities: dict[str, Any]
    rels: dict[tuple[Any, ...], Any]

    @property
    def events(self) -> dict[str, Any]:
        return {k: v for k, v in self.claims.items() if "Event" in v[0]}

    def tallies(self, before: "_Footprint") -> dict[str, Tally]:
        return {
            "sources": Tally.diff({0: before.source} if before.source else {}, {0: self.source} if self.source else {}),
            "entities": Tally.diff(before.entities, self.entities),
            "events": Tally.diff(before.events, self.events),
            "relationships": Tally.diff(before.rels, self.rels),
        }


def _t(template: str, **names: str) -> Cypher:
    return Cypher.template(template, **names)


def _frozen(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(sorted(map(_frozen, value), key=repr))
    return value


class Store:
    """Loads and retracts sources in the graph."""

    def __init__(self, graph: Graph, onto: Ontology | None = None,
                 reference_aliases: Callable[[str], Iterable[str]] = lambda _id: ()) -> None:
        self.graph = graph
        self.onto = onto or load_ontology()
        self.reference_aliases = reference_aliases

    # -- reading -----------------------------------------------------------

    def stored_hash(self, source_id: str) -> str | None:
        rows = self.graph.read(cypher.SOURCE_HASH, sourceId=source_id)
        return rows[0]["contentHash"] if rows else None

    def _footprint(self, tx: Tx, source_id: str, also: Iterable[Node] = (), named: SourceRows | None = None) -> _Footprint:
        """What the source accounts for now; ``also``: entities it is about to back.

        ``named``: for a source the graph did not hold when this transaction
        began, the rows written for it so far (none before its write). It backs
        exactly the entities and entity relationships they name, so those are
        looked up by id instead of found by scanning every entity backing and
        relationship: a scan grows with the graph, and paying it on every first
        load would make bulk loads quadratic.
        """
        source_rows = tx.run(cypher.SOURCE_PROPS, sourceId=source_id)
        source = _frozen(source_rows[0]) if source_rows else None
        claims: dict[str, Any] = {}
        rels: dict[tuple[Any, ...], Any] = {}
        for root in CLAIM_ROOTS:
            for row in tx.run(_t(cypher.CLAIMS_OF_SOURCE, root=root), sourceId=source_id):
                claims[row["id"]] = (tuple(sorted(row["labels"])), _frozen(row["props"]))
            for row in tx.run(_t(cypher.CLAIM_RELS_OF_SOURCE, root=root), sourceId=source_id):
                rels[(row["start"], row["type"], row["end"], _frozen(row["props"]))] = True
        if named is None:
            for row in tx.run(cypher.ENTITY_RELS_OF_SOURCE, sourceId=source_id):
                rels[(row["start"], row["type"], row["end"])] = _frozen(row["props"])
        else:
            rels.update({(r.start, r.type, r.end): True for r in named.entity_rels})
        entities: dict[str, Any] = {}
        extra: dict[str, set[str]] = defaultdict(set)
        for node in (*also, *(named.entities if named is not None else ())):
            extra[node.root].add(node.id)
        for root in ENTITY_ROOTS:
            backed = set() if named is not None else {r["id"] for r in tx.run(_t(cypher.ENTITIES_BACKED_BY, root=root), sourceId=source_id)}
            if ids := backed | extra[root]:
                for row in tx.run(_t(cypher.ENTITIES_BY_ID, root=root), ids=sorted(ids)):
                    entities[row["id"]] = (tuple(sorted(row["labels"])), _frozen(row["props"]))
        return _Footprint(source, claims, entities, rels)

    def _backed_entities(self, tx: Tx, source_id: str) -> dict[str, list[str]]:
        return {root: [r["id"] for r in tx.run(_t(cypher.ENTITIES_BACKED_BY, root=root), sourceId=source_id)]
                for root in ENTITY_ROOTS}

    # -- writing -------------------------------------------------------------

    def _retract(self, tx: Tx, source_id: str) -> None:
        for root in CLAIM_ROOTS:
            tx.run(_t(cypher.DELETE_CLAIMS, root=root), sourceId=source_id)
        tx.run(cypher.RETRACT_ENTITY_RELS, sourceId=source_id, evidencePrefix=f"evidence:{source_id}:")
        tx.run(cypher.DELETE_UNBACKED_RELS)
        tx.run(cypher.DELETE_SOURCE, sourceId=source_id)

    def _write(self, tx: Tx, rows: SourceRows, warnings: list[str]) -> None:
        sid = rows.source_id
        tx.run(_t(cypher.CREATE_SOURCE, labels=":".join(rows.source.labels[::-1])), props=rows.source.props)
        for labels, nodes in _grouped(rows.vocabulary, lambda n: n.labels):
            tx.run(_t(cypher.MERGE_VOCABULARY, labels=":".join(labels[::-1])),
                   rows=[{"id": n.id, "name": n.props.get("name")} for n in nodes])
        for root, nodes in _grouped(rows.entities, lambda n: n.root):
            stored = {r["id"]: set(r["labels"]) for r in tx.run(_t(cypher.ENTITIES_BY_ID, root=root), ids=[n.id for n in nodes])}
            for node in nodes:
                if node.id in stored and not set(node.labels) <= stored[node.id]:
                    warnings.append(f"{node.id} is stored as {':'.join(sorted(stored[node.id]))}; "
                                    f"{sid} says {node.labels[0]}: the stored type is kept")
            for labels, group in _grouped(nodes, lambda n: n.labels):
                tx.run(_t(cypher.CREATE_MISSING_ENTITIES, root=root, labels=":".join(labels[::-1])),
                       rows=[{"id": n.id} for n in group])
            tx.run(_t(cypher.UPDATE_ENTITIES, root=root), rows=[{"id": n.id, "props": n.props} for n in nodes])
        for labels, nodes in _grouped(rows.claims, lambda n: n.labels):
            tx.run(_t(cypher.CREATE_CLAIMS, labels=":".join(labels[::-1])), rows=[{"props": n.props} for n in nodes])
        for (start, type_, end), rels in _grouped(rows.claim_rels, lambda r: (r.start_root, r.type, r.end_root)):
            tx.run(_t(cypher.CREATE_CLAIM_RELS, start=start, type=type_, end=end),
                   rows=[{"start": r.start, "end": r.end, "props": dict(r.props)} for r in rels])
        for (start, type_, end), rels in _grouped(rows.entity_rels, lambda r: (r.start_root, r.type, r.end_root)):
            tx.run(_t(cypher.MERGE_ENTITY_RELS, start=start, type=type_, end=end), sourceId=sid,
                   rows=[{"start": r.start, "end": r.end, "evidenceIds": dict(r.props).get("evidenceIds", [])} for r in rels])

    def _rederive_entities(self, tx: Tx, ids_by_root: dict[str, set[str]]) -> None:
        """Recompute each entity's backing from the mentions left; remove the unbacked."""
        for root, ids in ids_by_root.items():
            if not ids:
                continue
            updates, orphans = [], []
            for row in tx.run(_t(cypher.ENTITY_MENTIONS, root=root), ids=sorted(ids)):
                sources = sorted(set(row["sources"]))
                if not sources:
                    orphans.append(row["id"])
                    continue
                used = sorted({name for names in row["names"] for name in (names or [])})
                aliases = sorted((set(self.reference_aliases(row["id"])) | set(used)) - {row["name"]})
                search = sorted({normalise_name(n) for n in [row["name"] or "", *aliases]} - {""})
                updates.append({"id": row["id"], "sourceIds": sources, "sourceName": used, "alias": aliases, "searchName": search})
            if updates:
                tx.run(_t(cypher.SET_ENTITY_BACKING, root=root), rows=updates)
            if orphans:
                tx.run(_t(cypher.DELETE_ENTITIES, root=root), ids=orphans)

    # -- public --------------------------------------------------------------

    def load(self, rows: SourceRows) -> SourceReport:
        """Load (or replace) one source in one transaction."""
        sid = rows.source_id
        if rows.content_hash and self.stored_hash(sid) == rows.content_hash:
            footprint = self.graph.read_transaction(lambda tx: self._footprint(tx, sid))
            report = SourceReport(sid, "unchanged")
            report.tallies = {k: Tally(unchanged=len(v)) for k, v in {
                "sources": [1], "entities": footprint.entities, "events": footprint.events, "relationships": footprint.rels,
            }.items()}
            return report

        def work(tx: Tx) -> SourceReport:
            warnings: list[str] = []
            new = not tx.run(cypher.SOURCE_PROPS, sourceId=sid)  # a new source backs nothing yet: no scans, no retraction
            before = self._footprint(tx, sid, also=rows.entities, named=SourceRows(rows.source) if new else None)
            touched = {} if new else {root: set(ids) for root, ids in self._backed_entities(tx, sid).items()}
            if not new:
                self._retract(tx, sid)
            self._write(tx, rows, warnings)
            for node in rows.entities:
                touched.setdefault(node.root, set()).add(node.id)
            self._rederive_entities(tx, touched)
            after = self._footprint(tx, sid, named=rows if new else None)
            return SourceReport(sid, "created" if new else "updated", after.tallies(before), warnings)

        return self.graph.write_transaction(work)

    def unload(self, source_id: str) -> SourceReport:
        """Retract a source: its claims go, and entities no other source backs."""

        def work(tx: Tx) -> SourceReport:
            before = self._footprint(tx, source_id)
            if before.source is None:
                raise UnknownSource(f"no source {source_id!r} in the graph")
            touched = {root: set(ids) for root, ids in self._backed_entities(tx, source_id).items()}
            self._retract(tx, source_id)
            self._rederive_entities(tx, touched)
            after = self._footprint(tx, source_id)
            return SourceReport(source_id, "retracted", after.tallies(before))

        return self.graph.write_transaction(work)

    def dump(self) -> tuple[list[Node], list[Rel]]:
        """Every node and relationship, for export and comparison."""
        def work(tx: Tx) -> tuple[list[Node], list[Rel]]:
            nodes = [Node(r["id"], ordered_labels(self.onto, r["labels"]), r["props"]) for r in tx.run(cypher.DUMP_NODES)]
            rels = [Rel(r["start"], r["type"], r["end"], ordered_labels(self.onto, r["startLabels"])[-1],
                        ordered_labels(self.onto, r["endLabels"])[-1], tuple(sorted(r["props"].items())))
                    for r in tx.run(cypher.DUMP_RELATIONSHIPS)]
            return nodes, rels
        return self.graph.read_transaction(work)


def ordered_labels(onto: Ontology, labels: Iterable[str]) -> tuple[str, ...]:
    """A node's labels most specific first, as the ontology orders them (sorted when none is known)."""
    cls = onto.most_specific(labels)
    return cls.labels if cls else tuple(sorted(labels))


def _grouped(items: Iterable[Any], key: Callable[[Any], Any]) -> list[tuple[Any, list[Any]]]:
    groups: dict[Any, list[Any]] = defaultdict(list)
    for item in items:
        groups[key(item)].append(item)
    return sorted(groups.items(), key=lambda kv: repr(kv[0]))


def cypher_statements() -> list[Cypher]:
    """Every statement this module can run, instantiated for every ontology name (for the linter)."""
    onto = load_ontology()
    out: list[Cypher] = []
    roots_all = sorted(onto.roots)
    for root in CLAIM_ROOTS:
        for template in (cypher.CLAIMS_OF_SOURCE, cypher.CLAIM_RELS_OF_SOURCE, cypher.DELETE_CLAIMS):
            out.append(_t(template, root=root))
    for root in ENTITY_ROOTS:
        for template in (cypher.ENTITIES_BACKED_BY, cypher.ENTITIES_BY_ID, cypher.UPDATE_ENTITIES,
                         cypher.ENTITY_MENTIONS, cypher.SET_ENTITY_BACKING, cypher.DELETE_ENTITIES):
            out.append(_t(template, root=root))
    for name, cls in sorted(onto.classes.items()):
        labels = ":".join(cls.labels[::-1])
        if cls.root == "Source":
            out.append(_t(cypher.CREATE_SOURCE, labels=labels))
        elif cls.root in CLAIM_ROOTS:
            out.append(_t(cypher.CREATE_CLAIMS, labels=labels))
        elif cls.root in ENTITY_ROOTS:
            out.append(_t(cypher.CREATE_MISSING_ENTITIES, root=cls.root, labels=labels))
        else:
            out.append(_t(cypher.MERGE_VOCABULARY, labels=labels))
    for prop in sorted(onto.object_properties.values(), key=lambda p: p.name):
        starts = [onto.cls(prop.domain).root] if prop.domain else roots_all
        ends = [onto.cls(prop.range).root] if prop.range else roots_all
        for start in starts:
            for end in ends:
                template = cypher.CREATE_CLAIM_RELS if start in CLAIM_ROOTS else cypher.MERGE_ENTITY_RELS
                out.append(_t(template, start=start, type=prop.rel_type, end=end))
    return out
