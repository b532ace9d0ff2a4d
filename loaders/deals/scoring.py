"""Pairwise "same deal" precision and recall of the linker's links against the gold deals.

Every two claims the gold knows form a pair: *gold* when the gold puts them in one deal, *linked* when the
linker does. A linked gold pair is a true positive, a linked pair the gold splits a wrong merge (false
positive), a gold pair the linker splits a missed link (false negative). Only claims the gold knows are
scored; claims the linker left out count as alone (their gold pairs are missed), claims the gold does not know
are listed, not scored. Most pairs join a source's own stages to its sale (an approval and the ``sale-of-...``
it is part of), which any linker gets right, so the pairs of claims from different sources are also scored
on their own (``cross_source``): they are what linking sources is about.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any, Protocol

from loaders.deals.gold import Gold, source_of


class LinkLike(Protocol):
    """What scoring reads of a :class:`loaders.deals.linker.Link`."""

    claim: str
    deal: str
    reasons: tuple[str, ...]


@dataclass
class PairCounts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


@dataclass(frozen=True)
class PairError:
    """A wrong merge or a missed link: two claims, the deals the linker and the gold put them in, and
    the linker's reasons for linking each (empty for a claim it left out)."""

    a: str
    b: str
    linked: tuple[str | None, str | None]  # the linker's deal of a and of b
    gold: tuple[str, str]  # the gold deal of a and of b
    reasons: tuple[tuple[str, ...], tuple[str, ...]]

    def as_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "linked": list(self.linked), "gold": list(self.gold),
                "reasons": {self.a: list(self.reasons[0]), self.b: list(self.reasons[1])}}


@dataclass
class DealScore:
    pairs: PairCounts = field(default_factory=PairCounts)
    cross_source: PairCounts = field(default_factory=PairCounts)
    claims: int = 0  # claims the gold knows
    gold_deals: int = 0
    linked_deals: int = 0  # deals of the linker among the gold's claims
    wrong_merges: list[PairError] = field(default_factory=list)
    missed_links: list[PairError] = field(default_factory=list)
    not_linked: list[str] = field(default_factory=list)  # gold claims the linker gave no deal
    without_gold: list[str] = field(default_factory=list)  # linked claims the gold does not know: not scored

    def as_dict(self, details: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {"pairs": self.pairs.as_dict(), "cross_source": self.cross_source.as_dict(),
                               "claims": self.claims, "gold_deals": self.gold_deals,
                               "linked_deals": self.linked_deals, "not_linked": self.not_linked,
                               "without_gold": self.without_gold}
        if details:
            out["wrong_merges"] = [e.as_dict() for e in self.wrong_merges]
            out["missed_links"] = [e.as_dict() for e in self.missed_links]
        return out


def score(links: Iterable[LinkLike], gold: Gold) -> DealScore:
    """Pairwise "same deal" counts of ``links`` against ``gold``, with every wrong merge and missed link.

    :class:`ValueError` when the links give one claim two deals (a linker must not)."""
    linked: dict[str, str] = {}
    reasons: dict[str, tuple[str, ...]] = {}
    for link in links:
        if linked.setdefault(link.claim, link.deal) != link.deal:
            raise ValueError(f"links put claim {link.claim!r} in two deals: {linked[link.claim]!r} and {link.deal!r}")
        reasons[link.claim] = tuple(link.reasons)
    gold_of = gold.deal_of()
    result = DealScore(claims=len(gold_of), gold_deals=len(gold.deals),
                       linked_deals=len({linked[c] for c in gold_of if c in linked}),
                       not_linked=sorted(c for c in gold_of if c not in linked),
                       without_gold=sorted(c for c in linked if c not in gold_of))
    # Only pairs that share a deal on either side can count; find them by deal rather than over all pairs.
    candidates: set[tuple[str, str]] = set()
    for groups in (_groups(gold_of), _groups({c: d for c, d in linked.items() if c in gold_of})):
        for members in groups.values():
            candidates.update(combinations(sorted(members), 2))
    for a, b in sorted(candidates):
        same_gold = gold_of[a] == gold_of[b]
        same_linked = a in linked and b in linked and linked[a] == linked[b]
        counts = [result.pairs] + ([result.cross_source] if source_of(a) != source_of(b) else [])
        for c in counts:
            if same_gold and same_linked:
                c.tp += 1
            elif same_linked:
                c.fp += 1
            else:
                c.fn += 1
        if same_gold != same_linked:
            error = PairError(a, b, (linked.get(a), linked.get(b)), (gold_of[a], gold_of[b]),
                              (reasons.get(a, ()), reasons.get(b, ())))
            (result.missed_links if same_gold else result.wrong_merges).append(error)
    return result


def _groups(deal_of: dict[str, str]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for claim, deal in deal_of.items():
        groups[deal].append(claim)
    return groups

