"""The deals in the graph: reading the links the deal linker made and writing the deals it changes.

The linker itself (:mod:`loaders.deals`) knows no engine; this module knows no linking rules. Deals are
derived data: a ``Deal`` node, each claim's ``TELLS_DEAL`` link to it (score, reasons, stage and the fields
the linker compared, so that later loads link against the graph without reading the claims' sources
again) and the deal's parties and systems. Analysts' judgements are ``DealJudgement`` nodes kept by the two
claims' ids, tied to no source, so that they survive reloads.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kg import cypher
from kg.graph import Graph, Tx

#: The relationship written for each kind of deal party, by the name :class:`DealRow` gives it.
PARTY_STATEMENTS = {"recipients": cypher.DEAL_RECIPIENTS, "suppliers": cypher.DEAL_SUPPLIERS,
                    "contractors": cypher.DEAL_CONTRACTORS, "systems": cypher.DEAL_SYSTEMS}


@dataclass(frozen=True)
class StoredLink:
    claim: str
    deal: str
    score: float
    reasons: tuple[str, ...]
    stage: str | None
    features: str  # the claim's fields as JSON (loaders.deals.claims.Claim.to_json)


@dataclass
class DealRow:
    """One deal as written: its node's properties, its claims' links and its parties by kind."""

    id: str
    props: dict[str, Any]
    links: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (claim id, TELLS_DEAL properties)
    parties: dict[str, list[str]] = field(default_factory=dict)  # kind (PARTY_STATEMENTS) -> ids


def judgement_id(a: str, b: str) -> str:
    """A judgement's id: both claims' ids in order, so that one pair has one judgement."""
    first, second = sorted((a, b))
    return f"judgement:{first}|{second}"


class DealStore:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def _ids(self, query: cypher.Cypher, ids: Iterable[str]) -> set[str]:
        wanted = sorted(set(ids))
        return {row["id"] for row in self.graph.read(query, ids=wanted)} if wanted else set()

    def deals_of_sources(self, source_ids: Iterable[str]) -> dict[str, set[str]]:
        """The deals each of these sources' claims tell, by source."""
        out: dict[str, set[str]] = {}
        wanted = sorted(set(source_ids))
        for row in self.graph.read(cypher.DEALS_OF_SOURCES, ids=wanted) if wanted else []:
            out.setdefault(row["source"], set()).add(row["id"])
        return out

    def deals_of_claims(self, claim_ids: Iterable[str]) -> set[str]:
        return self._ids(cypher.DEALS_OF_CLAIMS, claim_ids)

    def deals_of_recipients(self, actor_ids: Iterable[str]) -> set[str]:
        return self._ids(cypher.DEALS_OF_RECIPIENTS, actor_ids)

    def links(self, deal_ids: Iterable[str]) -> list[StoredLink]:
        wanted = sorted(set(deal_ids))
        if not wanted:
            return []
        return [StoredLink(r["claim"], r["deal"], float(r["score"]), tuple(r["reasons"] or ()), r["stage"], r["features"])
                for r in self.graph.read(cypher.LINKS_OF_DEALS, ids=wanted)]

    def claims_and_deals(self, claim_ids: Iterable[str]) -> dict[str, str | None]:
        """Each of these claims the graph holds, with the deal it tells (None: it tells none)."""
        rows = self.graph.read(cypher.CLAIMS_AND_DEALS, ids=sorted(set(claim_ids)))
        return {row["claim"]: row["deal"] for row in rows}

    def names(self, ids: Iterable[str]) -> dict[str, str]:
        wanted = sorted(set(ids))
        return {r["id"]: r["name"] for r in self.graph.read(cypher.NAMES_OF, ids=wanted) if r["name"]} if wanted else {}

    def judgements(self, claim_ids: Iterable[str] | None = None) -> list[dict[str, Any]]:
        """Every judgement, or those about any of these claims."""
        if claim_ids is None:
            return [row["props"] for row in self.graph.read(cypher.ALL_JUDGEMENTS)]
        wanted = sorted(set(claim_ids))
        rows = self.graph.read(cypher.JUDGEMENTS_OF_CLAIMS, ids=wanted) if wanted else []
        return sorted((row["props"] for row in rows), key=lambda j: (j["claimA"], j["claimB"]))

    def save_judgement(self, props: dict[str, Any]) -> None:
        self.graph.write(cypher.SAVE_JUDGEMENT, id=props["id"], props=props)

    def delete_judgement(self, judgement: str) -> None:
        self.graph.write(cypher.DELETE_JUDGEMENT, id=judgement)

    def replace(self, gone: Sequence[str], deals: Sequence[DealRow]) -> None:
        """In one transaction: remove the deals ``gone`` (their links go with them) and write ``deals``."""
        def work(tx: Tx) -> None:
            if gone:
                tx.run(cypher.DELETE_DEALS, ids=sorted(gone))
            if not deals:
                return
            tx.run(cypher.CREATE_DEALS, rows=[{"props": d.props} for d in deals])
            tx.run(cypher.LINK_CLAIMS, rows=[{"claim": claim, "deal": d.id, "props": props}
                                            for d in deals for claim, props in d.links])
            for kind, statement in PARTY_STATEMENTS.items():
                rows = [{"deal": d.id, "end": end} for d in deals for end in d.parties.get(kind, ())]
                if rows:
                    tx.run(statement, rows=rows)
        self.graph.write_transaction(work)
