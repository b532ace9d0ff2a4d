"""The graph as a store of sources: load, replace and retract sources atomically.

Replacing a stored source runs in one managed write transaction: its previous
claims are retracted and its new ones written, so a reader sees the old version
or the new one, never half of each (the loader never commits a partial source).
Sources new to the graph are written many to a transaction (:meth:`Store.load_new`):
each is still whole or absent, and a bulk load pays one transaction's statements
per batch instead of per source. Loading an unchanged source (same content hash)
writes nothing at all.

Entities are shared: they exist while at least one source mentions them. Their
``sourceName`` (every name a source used) and ``alias`` are derived from the
mentions that remain, so retracting a source also retracts what it said about
names. Which sources back an entity is read from those mentions, not kept on the
node: a busy state is named by tens of thousands of sources, and a list of them
on the node would make every read of it (every path or neighbourhood through it)
deserialise the whole list, and every load naming it rewrite the list. Entity
relationships (``MANUFACTURER``...) keep the ids of the sources and evidence that
state them, and go when none is left; a source's Evidence nodes name the entity
relationships they state, so retracting it finds them by index, not by reading
every relationship.

An entity's labels are those of the class its sources give it (each mention
records its source's class; the rule is in :mod:`kg.entity_types`): a later
source can correct the type, and retracting a source derives it again from the
sources left. The embedded engine cannot relabel a node inside the transaction
that writes it, so there the relabel follows the load's transaction
(:meth:`Store._relabel`, kg.graph difference 5).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from neo4j.exceptions import ConstraintError

from kg import cypher
from kg.cypher import Cypher
from kg.entity_types import combine, derive, label_changes
from kg.graph import Graph, Tx
from kg.names import normalise_name
from kg.ontology import Ontology, load_ontology
from kg.property_graph import CLAIM_ROOTS, ENTITY_ROOTS, Node, Rel, SourceRows, parse_relation_key
from kg.source_identity import IDENTITY_PROPS, described, difference

#: What a write transaction of the store returns (one report, or one per source of a batch).
SourceReportT = TypeVar("SourceReportT")

#: What the load summary counts.
KINDS = ("sources", "entities", "events", "relationships")


def source_node_id(value: str) -> str:
    """A source's node id from what a user types: ``2025-11-19-nasams-taiwan`` or ``source:2025-...``."""
    return value if value.startswith("source:") else f"source:{value}"


class UnknownSource(LookupError):
    """No source with that id is in the graph."""


class SourceConflict(Exception):
    """A load would replace a stored source by a different source filed under the same id.

    Nothing of the incoming source is written; ``--replace`` (``?replace=true``) says
    the replacement is meant."""

    def __init__(self, source_id: str, reason: str, stored: str, events: int, entities: int) -> None:
        self.source_id, self.reason, self.stored, self.events, self.entities = source_id, reason, stored, events, entities
        super().__init__(
            f"{source_id} is already in the graph, from {stored}, and this is a different source: {reason}. "
            f"Loading it would retract that source's {events} event(s) and the {entities} entit{'y' if entities == 1 else 'ies'} "
            f"no other source backs. Give it another id (article.id, or rename the file), or replace the stored source "
            f"on purpose with --replace (API: ?replace=true)")

    def __reduce__(self) -> tuple[type[SourceConflict], tuple[str, str, str, int, int]]:
        return SourceConflict, (self.source_id, self.reason, self.stored, self.events, self.entities)


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    retracted: int = 0

    def add(self, other: Tally) -> None:
        for key in ("created", "updated", "unchanged", "retracted"):
            setattr(self, key, getattr(self, key) + getattr(other, key))

    @classmethod
    def diff(cls, old: dict[Any, Any], new: dict[Any, Any]) -> Tally:
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

    def tallies(self, before: _Footprint) -> dict[str, Tally]:
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

    def stored_hashes(self, source_ids: Iterable[str]) -> dict[str, str | None]:
        """The content hash of each of these sources the graph holds (absent ones are left out)."""
        rows = self.graph.read(cypher.SOURCE_HASHES, ids=sorted(set(source_ids)))
        return {row["id"]: row["contentHash"] for row in rows}

    def _footprint(self, tx: Tx, source_id: str, also: Iterable[Node] = ()) -> _Footprint:
        """What a stored source accounts for now; ``also``: entities it is about to back."""
        source_rows = tx.run(cypher.SOURCE_PROPS, sourceId=source_id)
        source = _frozen(source_rows[0]) if source_rows else None
        claims: dict[str, Any] = {}
        rels: dict[tuple[Any, ...], Any] = {}
        for root in CLAIM_ROOTS:
            for row in tx.run(_t(cypher.CLAIMS_OF_SOURCE, root=root), sourceId=source_id):
                claims[row["id"]] = (tuple(sorted(row["labels"])), _frozen(row["props"]))
            for row in tx.run(_t(cypher.CLAIM_RELS_OF_SOURCE, root=root), sourceId=source_id):
                rels[(row["start"], row["type"], row["end"], _frozen(row["props"]))] = True
        for (start, type_, end), group in self._stated_relations(tx, source_id):
            for row in tx.run(_t(cypher.ENTITY_RELS_BY_ENDS, start=start, type=type_, end=end), rows=group):
                rels[(row["start"], row["type"], row["end"])] = _frozen(row["props"])
        extra: dict[str, set[str]] = defaultdict(set)
        for node in also:
            extra[node.root].add(node.id)
        entities: dict[str, Any] = {}
        for root in ENTITY_ROOTS:
            backed = {r["id"] for r in tx.run(_t(cypher.ENTITIES_BACKED_BY, root=root), sourceId=source_id)}
            if ids := backed | extra[root]:
                for row in tx.run(_t(cypher.ENTITIES_BY_ID, root=root), ids=sorted(ids)):
                    entities[row["id"]] = (tuple(sorted(row["labels"])), _frozen(row["props"]))
        return _Footprint(source, claims, entities, rels)

    def _stated_relations(self, tx: Tx, source_id: str) -> list[tuple[tuple[str, str, str], list[dict[str, Any]]]]:
        """The entity relationships the source states, by (start root, type, end root), each with
        the ids of the source's evidence stating it: read from the keys on its own Evidence nodes,
        so no statement reads every relationship."""
        rels = [(parse_relation_key(row["key"]), sorted(row["evidenceIds"]))
                for row in tx.run(cypher.RELATIONS_STATED_BY, sourceId=source_id)]
        return [(group, [{"start": r.start, "end": r.end, "evidenceIds": ids} for r, ids in members])
                for group, members in _grouped(rels, lambda item: (item[0].start_root, item[0].type, item[0].end_root))]

    def _backed_entities(self, tx: Tx, source_id: str) -> dict[str, list[str]]:
        return {root: [r["id"] for r in tx.run(_t(cypher.ENTITIES_BACKED_BY, root=root), sourceId=source_id)]
                for root in ENTITY_ROOTS}

    def _stored_entities(self, tx: Tx, nodes: Iterable[Node]) -> dict[str, dict[str, Any]]:
        """The stored labels and properties of these entities, by id (absent ones are left out)."""
        stored: dict[str, dict[str, Any]] = {}
        for root, group in _grouped(nodes, lambda n: n.root):
            for row in tx.run(_t(cypher.ENTITIES_BY_ID, root=root), ids=sorted({n.id for n in group})):
                stored[row["id"]] = {"labels": set(row["labels"]), "props": row["props"]}
        return stored

    # -- writing -------------------------------------------------------------

    def _retract(self, tx: Tx, source_id: str) -> None:
        stated = self._stated_relations(tx, source_id)  # read before the evidence that holds the keys goes
        for root in CLAIM_ROOTS:
            tx.run(_t(cypher.DELETE_CLAIMS, root=root), sourceId=source_id)
        for (start, type_, end), group in stated:
            tx.run(_t(cypher.RETRACT_ENTITY_RELS, start=start, type=type_, end=end), rows=group, sourceId=source_id)
            tx.run(_t(cypher.DELETE_UNBACKED_RELS, start=start, type=type_, end=end), rows=group)
        tx.run(cypher.DELETE_SOURCE, sourceId=source_id)

    def _write(self, tx: Tx, batch: list[SourceRows], stored: dict[str, dict[str, Any]],
               retypes: dict[str, tuple[str, set[str], str]]) -> dict[str, list[str]]:
        """Write the sources in ``batch``, in order, as that many statements as one source takes.

        Every statement carries the rows of the whole batch, so a batch costs about what one
        source costs. What one source's write does to the next is kept: an entity's class
        is the stored one refined by each source in turn (:func:`kg.entity_types.combine`),
        properties come from the last, and an entity relationship gains each source's id and
        evidence in turn. ``stored``: the entities' labels and properties before the batch.
        Stored entities whose class changes go into ``retypes`` (id -> old class, stored labels,
        new class) for :meth:`_relabel`. Returns warnings per source id.
        """
        warnings: dict[str, list[str]] = {rows.source_id: [] for rows in batch}
        for labels, sources in _grouped([rows.source for rows in batch], lambda n: n.labels):
            tx.run(_t(cypher.CREATE_SOURCES, labels=":".join(labels[::-1])), rows=[{"props": n.props} for n in sources])
        vocabulary = {n.id: n for rows in batch for n in reversed(rows.vocabulary)}
        for labels, nodes in _grouped(vocabulary.values(), lambda n: n.labels):
            tx.run(_t(cypher.MERGE_VOCABULARY, labels=":".join(labels[::-1])),
                   rows=[{"id": n.id, "name": n.props.get("name")} for n in nodes])
        known = {node_id: self._class_of(entry["labels"]) for node_id, entry in stored.items()}
        created: dict[str, Node] = {}
        props: dict[str, dict[str, Any]] = {}
        for rows in batch:
            for node in rows.entities:
                if node.id not in known:
                    known[node.id] = node.labels[0]
                    created[node.id] = node
                else:
                    typing = combine(self.onto, known[node.id], node.labels[0])
                    if typing.conflict:
                        warnings[rows.source_id].append(f"{node.id}: {typing.conflict}")
                    known[node.id] = typing.cls
                props.setdefault(node.id, {}).update(node.props)
        for node_id, entry in stored.items():
            if known[node_id] != self._class_of(entry["labels"]):
                retypes[node_id] = (self._class_of(entry["labels"]), entry["labels"], known[node_id])
        # A new entity gets the class the whole batch gives it at once (no relabel of a node just created).
        created = {i: Node(i, self.onto.cls(known[i]).labels, n.props) for i, n in created.items()}
        for (root, labels), nodes in _grouped(created.values(), lambda n: (n.root, n.labels)):
            tx.run(_t(cypher.CREATE_MISSING_ENTITIES, root=root, labels=":".join(labels[::-1])), rows=[{"id": n.id} for n in nodes])
        roots = {node.id: node.root for rows in batch for node in rows.entities}
        for root, ids in _grouped(props, lambda node_id: roots[node_id]):
            tx.run(_t(cypher.UPDATE_ENTITIES, root=root), rows=[{"id": i, "props": props[i]} for i in ids])
        for labels, nodes in _grouped([n for rows in batch for n in rows.claims], lambda n: n.labels):
            tx.run(_t(cypher.CREATE_CLAIMS, labels=":".join(labels[::-1])), rows=[{"props": n.props} for n in nodes])
        for (start, type_, end), rels in _grouped([r for rows in batch for r in rows.claim_rels], lambda r: (r.start_root, r.type, r.end_root)):
            tx.run(_t(cypher.CREATE_CLAIM_RELS, start=start, type=type_, end=end),
                   rows=[{"start": r.start, "end": r.end, "props": dict(r.props)} for r in rels])
        backing: dict[tuple[str, str, str, str, str], dict[str, list[str]]] = {}
        for rows in batch:
            for r in rows.entity_rels:
                entry = backing.setdefault((r.start_root, r.type, r.end_root, r.start, r.end), {"sourceIds": [], "evidenceIds": []})
                entry["sourceIds"].append(rows.source_id)
                entry["evidenceIds"].extend(dict(r.props).get("evidenceIds", []))
        for (start, type_, end), keys in _grouped(backing, lambda key: key[:3]):
            tx.run(_t(cypher.MERGE_ENTITY_RELS, start=start, type=type_, end=end),
                   rows=[{"start": key[3], "end": key[4], **backing[key]} for key in keys])
        return warnings

    def _backing(self, node_id: str, name: str | None, used: Iterable[str]) -> dict[str, Any]:
        """An entity's derived properties from the names its mentions used."""
        used = sorted(set(used))
        aliases = sorted((set(self.reference_aliases(node_id)) | set(used)) - {name})
        search = sorted({normalise_name(n) for n in [name or "", *aliases]} - {""})
        return {"id": node_id, "sourceName": used, "alias": aliases, "searchName": search}

    def _set_backing(self, tx: Tx, root: str, updates: list[dict[str, Any]], orphans: list[str]) -> None:
        if updates:
            tx.run(_t(cypher.SET_ENTITY_BACKING, root=root), rows=updates)
        if orphans:
            tx.run(_t(cypher.DELETE_ENTITIES, root=root), ids=orphans)

    def _rederive_entities(self, tx: Tx, ids_by_root: dict[str, set[str]],
                           retypes: dict[str, tuple[str, set[str], str]],
                           prefer: dict[str, str] | None = None) -> list[str]:
        """Recompute each entity's backing and class from every mention left; remove the unbacked.

        Reads every mention of the entity: needed after a retraction, and too slow for
        adding sources (a hub has thousands), which :meth:`_extend_backing` does instead.
        Class changes go into ``retypes`` (``prefer``: the class the latest source gives, which
        wins a conflict); returns a warning per conflict left.
        """
        warnings = []
        for root, ids in ids_by_root.items():
            if not ids:
                continue
            updates, orphans = [], []
            for row in tx.run(_t(cypher.ENTITY_MENTIONS, root=root), ids=sorted(ids)):
                if row["mentions"]:
                    used = {name for names in row["names"] for name in (names or [])}
                    updates.append(self._backing(row["id"], row["name"], used))
                    labels = set(row["labels"])
                    # A relabel the batch asked for is the current class here: this pass decides instead.
                    current = retypes.pop(row["id"], (self._class_of(labels), labels, ""))[0]
                    typing = derive(self.onto, current, row["types"], (prefer or {}).get(row["id"]))
                    if typing.conflict:
                        warnings.append(f"{row['id']}: {typing.conflict}")
                    if typing.cls != self._class_of(labels):
                        retypes[row["id"]] = (current, labels, typing.cls)
                else:
                    orphans.append(row["id"])
                    retypes.pop(row["id"], None)
            self._set_backing(tx, root, updates, orphans)
        return warnings

    def _class_of(self, labels: Iterable[str]) -> str:
        cls = self.onto.most_specific(labels)
        assert cls is not None, f"no ontology class among the labels {sorted(labels)}"
        return cls.name

    def _relabel(self, tx: Tx | None, retypes: dict[str, tuple[str, set[str], str]]) -> list[str]:
        """Give retyped entities their new class's labels: in ``tx`` where the engine can relabel
        inside a writing transaction, else (``tx`` None) in transactions of their own after it
        (kg.graph difference 5): one that removes labels, then one that adds them. Returns a
        note per entity retyped."""
        removals: dict[tuple[str, tuple[str, ...]], list[str]] = defaultdict(list)
        additions: dict[tuple[str, tuple[str, ...]], list[str]] = defaultdict(list)
        notes = []
        for node_id, (old, labels, new) in sorted(retypes.items()):
            add, remove = label_changes(self.onto, labels, new)
            root = self.onto.cls(new).root
            if remove:
                removals[(root, remove)].append(node_id)
            if add:
                additions[(root, add)].append(node_id)
            notes.append(f"{node_id} is now {new} (was {old})")

        def run(changes: dict[tuple[str, tuple[str, ...]], list[str]], template: str) -> Callable[[Tx], None]:
            def work(t: Tx) -> None:
                for (root, names), ids in sorted(changes.items()):
                    t.run(_t(template, root=root, labels=":".join(names)), ids=ids)
            return work

        for changes, template in ((removals, cypher.REMOVE_LABELS), (additions, cypher.ADD_LABELS)):
            if not changes:
                continue
            if tx is not None:
                run(changes, template)(tx)
            else:
                self.graph.write_transaction(run(changes, template))
        return notes

    def _write_and_relabel(self, work: Callable[[Tx, dict[str, tuple[str, set[str], str]]], SourceReportT]) -> SourceReportT:
        """Run ``work`` in one write transaction, with the relabels it asks for in it or after it."""
        in_tx = self.graph.dialect.relabel_in_transaction
        pending: dict[str, tuple[str, set[str], str]] = {}

        def transaction(tx: Tx) -> SourceReportT:
            pending.clear()  # a retried transaction starts afresh
            result = work(tx, pending)
            if in_tx:
                _add_notes(result, self._relabel(tx, pending))
            return result

        result = self.graph.write_transaction(transaction)
        if not in_tx and pending:
            _add_notes(result, self._relabel(None, pending))
        return result

    def _extend_backing(self, tx: Tx, batch: list[SourceRows], stored: dict[str, dict[str, Any]]) -> None:
        """Add the mentions of new sources to the backing of the entities they name.

        Only sources the graph did not hold: their mentions add to what is stored and
        take nothing away, so the stored backing plus the batch's mentions is what
        :meth:`_rederive_entities` would read, without reading a hub's every mention.
        """
        mentioned: dict[str, set[str]] = {}  # entity id -> the names the batch's mentions used
        declared: dict[str, str] = {}  # entity id -> root, for every entity the batch writes
        names: dict[str, Any] = {}
        for rows in batch:
            for node in rows.entities:
                declared[node.id] = node.root
                if "name" in node.props:
                    names[node.id] = node.props["name"]
            for rel in rows.claim_rels:
                if rel.type == "MENTIONS" and rel.start_root == "Evidence" and rel.end in declared:
                    mentioned.setdefault(rel.end, set()).update(dict(rel.props).get("names") or [])
        for root, ids in _grouped(declared, lambda node_id: declared[node_id]):
            updates, orphans = [], []
            for node_id in ids:
                # A stored entity is mentioned by a stored source (unmentioned ones are removed).
                if node_id in mentioned or node_id in stored:
                    before = stored.get(node_id, {}).get("props", {})
                    used = mentioned.get(node_id, set()) | set(before.get("sourceName") or [])
                    backing = self._backing(node_id, names.get(node_id, before.get("name")), used)
                    if node_id not in stored or any(before.get(k) != v for k, v in backing.items()):
                        updates.append(backing)  # a hub named again by a name it has is not rewritten
                else:
                    orphans.append(node_id)
            self._set_backing(tx, root, updates, orphans)

    # -- public --------------------------------------------------------------

    def load(self, rows: SourceRows, replace: bool = False) -> SourceReport:
        """Load (or replace) one source in one transaction.

        A stored source of the same id is replaced only when it is the same source
        (:mod:`kg.source_identity`) or ``replace`` is set; otherwise :class:`SourceConflict`
        and nothing is written."""
        sid = rows.source_id
        stored = self._stored_source(sid)
        if stored is None:
            try:
                return self.load_new([rows])[0]
            except ConstraintError:  # another writer stored it in the meantime: replace that
                stored = self._stored_source(sid)
                if stored is None:
                    raise
        if rows.content_hash and stored.get("contentHash") == rows.content_hash:
            # The same content recorded with other identifying properties (found elsewhere, or
            # loaded before they were recorded) is the same source, recorded afresh.
            if any(stored.get(key) != rows.source.props.get(key) for key in IDENTITY_PROPS):
                replace = True
            else:
                footprint = self.graph.read_transaction(lambda tx: self._footprint(tx, sid))
                report = SourceReport(sid, "unchanged")
                report.tallies = {k: Tally(unchanged=len(v)) for k, v in {
                    "sources": [1], "entities": footprint.entities, "events": footprint.events, "relationships": footprint.rels,
                }.items()}
                return report

        def work(tx: Tx, retypes: dict[str, tuple[str, set[str], str]]) -> SourceReport:
            if not replace:
                self._refuse_another_source(tx, rows)
            before = self._footprint(tx, sid, also=rows.entities)
            touched = {root: set(ids) for root, ids in self._backed_entities(tx, sid).items()}
            self._retract(tx, sid)
            self._write(tx, [rows], self._stored_entities(tx, rows.entities), retypes)
            for node in rows.entities:
                touched.setdefault(node.root, set()).add(node.id)
            # Every mention left decides each class; the conflicts it finds replace the batch's.
            warnings = self._rederive_entities(tx, touched, retypes, {n.id: n.labels[0] for n in rows.entities})
            after = self._footprint(tx, sid)
            return SourceReport(sid, "updated", after.tallies(before), warnings)

        return self._write_and_relabel(work)

    def _stored_source(self, source_id: str) -> dict[str, Any] | None:
        """The stored source's properties (its content hash and identifying properties), None when absent."""
        rows = self.graph.read(cypher.SOURCE_PROPS, sourceId=source_id)
        return rows[0]["props"] if rows else None

    def _refuse_another_source(self, tx: Tx, rows: SourceRows) -> None:
        """:class:`SourceConflict` when the stored source of this id is another source."""
        stored = tx.run(cypher.SOURCE_PROPS, sourceId=rows.source_id)
        if not stored:
            return
        reason = difference(stored[0]["labels"], stored[0]["props"], rows.source.labels, rows.source.props)
        if reason is None:
            return
        [events] = tx.run(cypher.SOURCE_EVENT_COUNT, sourceId=rows.source_id)
        [entities] = tx.run(cypher.SOURCE_ONLY_ENTITY_COUNT, sourceId=rows.source_id)
        raise SourceConflict(rows.source_id, reason, described(stored[0]["props"]), events["events"], entities["entities"])

    def load_new(self, batch: list[SourceRows]) -> list[SourceReport]:
        """Load sources the graph does not hold yet, all in one transaction.

        Nothing stored is retracted and no graph-wide scan is needed, so a batch costs
        about one source's statements however large the graph is (bulk loads stay
        linear). The batch commits whole or not at all; each source in it is still
        complete or absent. The sources' ids must be distinct and new to the graph:
        a stored one makes the transaction fail on the Source id constraint.
        """
        ids = [rows.source_id for rows in batch]
        if len(set(ids)) != len(ids):
            raise ValueError(f"a batch of new sources names a source twice: {sorted(i for i in set(ids) if ids.count(i) > 1)}")

        def work(tx: Tx, retypes: dict[str, tuple[str, set[str], str]]) -> list[SourceReport]:
            stored = self._stored_entities(tx, [n for rows in batch for n in rows.entities])
            warnings = self._write(tx, batch, stored, retypes)
            self._extend_backing(tx, batch, stored)
            return _new_source_reports(batch, set(stored), warnings)

        return self._write_and_relabel(work)

    def unload(self, source_id: str) -> SourceReport:
        """Retract a source: its claims go, and entities no other source backs."""

        def work(tx: Tx, retypes: dict[str, tuple[str, set[str], str]]) -> SourceReport:
            before = self._footprint(tx, source_id)
            if before.source is None:
                raise UnknownSource(f"no source {source_id!r} in the graph")
            touched = {root: set(ids) for root, ids in self._backed_entities(tx, source_id).items()}
            self._retract(tx, source_id)
            warnings = self._rederive_entities(tx, touched, retypes)
            after = self._footprint(tx, source_id)
            return SourceReport(source_id, "retracted", after.tallies(before), warnings)

        return self._write_and_relabel(work)

    def dump(self) -> tuple[list[Node], list[Rel]]:
        """Every node and relationship, for export and comparison."""
        def work(tx: Tx) -> tuple[list[Node], list[Rel]]:
            nodes = [Node(r["id"], ordered_labels(self.onto, r["labels"]), r["props"]) for r in tx.run(cypher.DUMP_NODES)]
            rels = [Rel(r["start"], r["type"], r["end"], ordered_labels(self.onto, r["startLabels"])[-1],
                        ordered_labels(self.onto, r["endLabels"])[-1], tuple(sorted(r["props"].items())))
                    for r in tx.run(cypher.DUMP_RELATIONSHIPS)]
            return nodes, rels
        return self.graph.read_transaction(work)


def _add_notes(result: SourceReport | list[SourceReport], notes: list[str]) -> None:
    """Say in the report which entities a load or unload retyped (a batch's first report carries them)."""
    reports = result if isinstance(result, list) else [result]
    if reports and notes:
        reports[0].warnings.extend(notes)


def _new_source_reports(batch: list[SourceRows], stored: set[str], warnings: dict[str, list[str]]) -> list[SourceReport]:
    """What loading each new source did, in order: an entity is created by the first source
    that names it and updated by every later one (each adds itself to its backing)."""
    seen = set(stored)
    reports = []
    for rows in batch:
        named = {node.id for node in rows.entities}
        rels = {(r.start, r.type, r.end, _frozen(dict(r.props))) for r in rows.claim_rels} | {r.key for r in rows.entity_rels}
        report = SourceReport(rows.source_id, "created", warnings=warnings[rows.source_id])
        report.tallies = {
            "sources": Tally(created=1),
            "entities": Tally(created=len(named - seen), updated=len(named & seen)),
            "events": Tally(created=len({n.id for n in rows.claims if "Event" in n.labels})),
            "relationships": Tally(created=len(rels)),
        }
        seen |= named
        reports.append(report)
    return reports


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
        if cls.root in ENTITY_ROOTS and name != cls.root:
            out += [_t(cypher.ADD_LABELS, root=cls.root, labels=name), _t(cypher.REMOVE_LABELS, root=cls.root, labels=name)]
        if cls.root == "Source":
            out.append(_t(cypher.CREATE_SOURCES, labels=labels))
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
        if starts[0] not in CLAIM_ROOTS:
            # Only the names differ between a type's pairs of roots: one pair each keeps the linter's run short.
            for template in (cypher.ENTITY_RELS_BY_ENDS, cypher.RETRACT_ENTITY_RELS, cypher.DELETE_UNBACKED_RELS):
                out.append(_t(template, start=starts[0], type=prop.rel_type, end=ends[0]))
    return out
