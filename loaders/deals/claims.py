"""The claims the deal linker compares: one per event that tells an arms transfer or a stage of one.

A :class:`Claim` holds only what linking needs (parties, systems and their names, dates, values and the
references official texts carry), read from the checked rows of the load pipeline
(:class:`kg.property_graph.SourceRows`), so claim ids are exactly the event ids of the graph and no engine
is needed.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from kg.ontology import load_ontology
from kg.property_graph import Node, SourceRows
from loaders.resolution import ReferenceTable, Resolver

#: Event types that tell an arms transfer or one of its stages; the linker gives each a deal.
DEAL_TYPES = ("ArmsSale", "SaleApproval", "ContractAward", "Delivery", "Delay", "ExportBlock")
#: The stage a type tells when its status does not say otherwise.
TYPE_STAGES = {"SaleApproval": "approved", "ContractAward": "contracted", "Delivery": "delivered",
               "Delay": "delayed", "ExportBlock": "blocked"}
#: akg:status values (the ontology's deal stages) as stages; "proposed" is a request not yet approved.
STATUS_STAGES = {"proposed": "requested", "approved": "approved", "contracted": "contracted",
                 "delivered": "delivered", "delayed": "delayed", "blocked": "blocked", "cancelled": "cancelled"}
RECIPIENT_ROLES = ("BUYER", "RECIPIENT")
SUPPLIER_ROLES = ("SELLER", "SUPPLIER")
#: ``details`` keys that identify a deal's paperwork, and the prefix each reference gets.
REFERENCE_KEYS = {"contract": "contract", "transmittal": "transmittal", "case": "case"}
#: Relationships that make an event a stage of another: part of it, or the export block of the deal it blocked.
STAGE_OF = ("PART_OF", "BLOCKED_DEAL")


@dataclass(frozen=True)
class Claim:
    id: str  # the event node id, event:<source>:<key>
    source: str
    type: str
    stage: str | None = None
    date: str | None = None  # partial ISO (2024, 2024-10, 2024-10-25)
    published: str | None = None
    recipients: frozenset[str] = frozenset()
    suppliers: frozenset[str] = frozenset()
    systems: frozenset[str] = frozenset()
    system_names: frozenset[str] = frozenset()  # lower case: the systems' names and the names sources used
    contractors: frozenset[str] = frozenset()
    amount: float | None = None
    currency: str | None = None
    quantity: float | None = None
    references: frozenset[str] = frozenset()
    part_of: str | None = None  # the event it is a stage of (part of it, or the deal an export block blocked)

    def to_json(self) -> str:
        """The claim as compact JSON (sets as sorted lists), what the graph keeps on its deal link."""
        data = {k: sorted(v) if isinstance(v, frozenset) else v for k, v in asdict(self).items()}
        return json.dumps({k: v for k, v in data.items() if v not in (None, [])}, sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Claim:
        data = json.loads(text)
        sets = {f.name for f in fields(cls) if f.type == "frozenset[str]"}
        return cls(**{k: frozenset(v) if k in sets else v for k, v in data.items()})

    def recipient_keys(self) -> frozenset[str]:
        """What the claim's deal is for: its recipient states, else its recipient organisations."""
        return recipient_keys(self.recipients)


def recipient_keys(recipients: Iterable[str]) -> frozenset[str]:
    """A deal is for its recipient states, else (none named) its recipient organisations (NSPA ...)."""
    found = frozenset(recipients)
    return frozenset(r for r in found if r.startswith("state:")) or found


def stage_of(event_type: str, status: str | None) -> str | None:
    """The stage an event tells: its status when it has one, else what its type implies (None for a sale
    that states neither, e.g. a SIPRI row: an order dated by its order year)."""
    if status and status.lower() in STATUS_STAGES:
        return STATUS_STAGES[status.lower()]
    if event_type == "SaleApproval" and status and "notif" in status.lower():
        return "notified"
    return TYPE_STAGES.get(event_type)


def details(node: Node) -> dict[str, str]:
    """An event's ``details`` ("key: value" lines) as a dict."""
    raw = node.props.get("detail") or []
    lines = [raw] if isinstance(raw, str) else list(raw)
    out: dict[str, str] = {}
    for line in lines:
        key, sep, value = str(line).partition(":")
        if sep:
            out.setdefault(key.strip(), value.strip())
    return out


def references(node: Node) -> frozenset[str]:
    found = details(node)
    return frozenset(f"{prefix}:{found[key]}" for key, prefix in REFERENCE_KEYS.items() if found.get(key))


def _number(value: object) -> float | None:
    try:
        return float(value) if value is not None else None  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _system_names(systems: Iterable[str], sentences: Sequence[str], canonical: dict[str, str],
                  names: dict[str, set[str]]) -> frozenset[str]:
    """The names of a claim's systems: the canonical name and the names the source used for them that the
    claim's own sentences contain. A source may give one entity several variants' names (an article's "Abrams
    tanks" that it also calls "M1A1" elsewhere); the sentence says which the claim means. When the sentences
    contain none of them (a pronoun: "they were delivered"), all the source's names count."""
    text = " ".join(sentences).lower()
    out: set[str] = set()
    for system in systems:
        used = names.get(system, set())
        out.update({n for n in used if n in text} or used)
        if system in canonical:
            out.add(canonical[system])
    return frozenset(out)


def claims_from_rows(rows: Iterable[SourceRows]) -> list[Claim]:
    """One claim per deal event of the rows, sources in the order given, events in the rows' order."""
    out: list[Claim] = []
    for source in rows:
        canonical: dict[str, str] = {e.id: str(e.props["name"]).lower() for e in source.entities if e.props.get("name")}
        names: dict[str, set[str]] = defaultdict(set)  # every name the source uses for an entity
        sentence = {n.id: str(n.props["sentence"]) for n in source.claims if n.root == "Evidence" and n.props.get("sentence")}
        evidence_of: dict[str, list[str]] = defaultdict(list)
        by_event: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for rel in source.claim_rels:
            if rel.type == "MENTIONS":
                names[rel.end].update(str(n).lower() for n in dict(rel.props).get("names", ()))
            elif rel.type == "EVIDENCED_BY":
                evidence_of[rel.start].append(rel.end)
            if rel.start_root == "Event":
                by_event[rel.start].append((rel.type, rel.end))
        published = source.source.props.get("publicationDate")
        for node in source.claims:
            kind = node.labels[0]
            if node.root != "Event" or kind not in DEAL_TYPES:
                continue
            rels = by_event[node.id]

            def ends(*types: str, rels: list[tuple[str, str]] = rels) -> frozenset[str]:
                return frozenset(end for t, end in rels if t in types)

            systems = ends("INVOLVES_SYSTEM")
            part_of = sorted(ends(*STAGE_OF))
            out.append(Claim(
                id=node.id, source=source.source_id, type=kind,
                stage=stage_of(kind, node.props.get("status")),
                date=node.props.get("date"), published=str(published) if published else None,
                recipients=ends(*RECIPIENT_ROLES), suppliers=ends(*SUPPLIER_ROLES), systems=systems,
                system_names=_system_names(systems, [sentence[ev] for ev in evidence_of[node.id] if ev in sentence],
                                           canonical, names),
                contractors=ends("CONTRACTOR"), amount=_number(node.props.get("amount")),
                currency=node.props.get("currency"), quantity=_number(node.props.get("quantity")),
                references=references(node), part_of=part_of[0] if part_of else None))
    return out


def claims_from_files(paths: Sequence[Path]) -> list[Claim]:
    """The claims of files and folders as :func:`loaders.pipeline.expand` finds them, checked as a load
    checks them (a rejected file raises :class:`loaders.pipeline.Rejected`); no engine needed."""
    from loaders.pipeline import expand, prepare_file  # here: the pipeline links deals, so it imports this module

    onto = load_ontology()
    resolver = Resolver(onto, ReferenceTable.load())
    rows: list[SourceRows] = []
    for path in expand(paths):
        rows.extend(prepare_file(path, onto, resolver))
    return claims_from_rows(rows)
