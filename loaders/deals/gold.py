"""The gold deal links: which claims of the sample corpus tell the same arms transfer (``data/deals/gold.yaml``).

The file's header states the rules its links follow; ``docs/deals.md`` says how they are scored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kg.settings import PROJECT_ROOT

#: Every claim of a type in loaders.deals.claims.DEAL_TYPES (the sale and its stages) is in one of its deals.
GOLD_FILE = PROJECT_ROOT / "data" / "deals" / "gold.yaml"


class GoldError(ValueError):
    """A gold file that cannot be read as deal links; the message names the file and the deal."""


@dataclass(frozen=True)
class GoldClaim:
    id: str  # the event node id, ``event:<source>:<key>``
    why: str  # the annotator's reason for putting it in this deal


@dataclass(frozen=True)
class GoldDeal:
    id: str
    transfer: str  # one line: who to whom, what, when
    claims: tuple[GoldClaim, ...]

    @property
    def claim_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.claims)


@dataclass(frozen=True)
class Gold:
    path: Path
    deals: tuple[GoldDeal, ...]

    def deal_of(self) -> dict[str, str]:
        """Each claim id -> the id of its gold deal."""
        return {claim: deal.id for deal in self.deals for claim in deal.claim_ids}

    @property
    def claim_ids(self) -> frozenset[str]:
        return frozenset(self.deal_of())


def source_of(claim_id: str) -> str:
    """``event:<source>:<key>`` -> ``source:<source>`` (event ids carry their source's id)."""
    parts = claim_id.split(":")
    return f"source:{parts[1]}" if len(parts) >= 3 and parts[0] == "event" else ""


def read_gold(path: Path = GOLD_FILE, known: Iterable[str] | None = None) -> Gold:
    """The gold deals of ``path``; :class:`GoldError` naming the file and the deal when a deal has no id,
    two deals share an id, a claim is in two deals (or twice in one), or (with ``known``, the claim ids
    of the corpus) a claim id is unknown."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise GoldError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except yaml.YAMLError as exc:
        raise GoldError(f"{path}: not YAML ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("deals"), list):
        raise GoldError(f"{path}: expected a mapping with a 'deals' list")
    deals: list[GoldDeal] = []
    where: dict[str, str] = {}  # claim id -> the deal that has it
    for n, item in enumerate(data["deals"], start=1):
        deal = _deal(path, n, item)
        if any(d.id == deal.id for d in deals):
            raise GoldError(f"{path}: deal {deal.id!r} is given twice")
        for claim in deal.claim_ids:
            if claim in where:
                other = "twice in that deal" if where[claim] == deal.id else f"also in deal {where[claim]!r}"
                raise GoldError(f"{path}: deal {deal.id!r}: claim {claim!r} is {other}; a claim is in exactly one deal")
            where[claim] = deal.id
        deals.append(deal)
    if known is not None:
        known = frozenset(known)
        unknown = [(deal.id, c) for deal in deals for c in deal.claim_ids if c not in known]
        if unknown:
            listed = "; ".join(f"deal {d!r}: {c!r}" for d, c in unknown)
            raise GoldError(f"{path}: {len(unknown)} claim id(s) the corpus does not have: {listed}")
    return Gold(path, tuple(deals))


def _deal(path: Path, n: int, item: Any) -> GoldDeal:
    if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not item["id"].strip():
        raise GoldError(f"{path}: deal #{n} has no id (each deal is a mapping with id, transfer and claims)")
    deal_id = item["id"]
    claims = item.get("claims")
    if not isinstance(claims, list) or not claims:
        raise GoldError(f"{path}: deal {deal_id!r}: 'claims' must be a non-empty list")
    out: list[GoldClaim] = []
    for claim in claims:
        if not isinstance(claim, dict) or not isinstance(claim.get("claim"), str):
            raise GoldError(f"{path}: deal {deal_id!r}: each claim is a mapping {{claim: event:<source>:<key>, why: ...}}, "
                            f"not {claim!r}")
        if not claim["claim"].startswith("event:"):
            raise GoldError(f"{path}: deal {deal_id!r}: {claim['claim']!r} is not an event id (event:<source>:<key>)")
        out.append(GoldClaim(claim["claim"], str(claim.get("why") or "")))
    return GoldDeal(deal_id, str(item.get("transfer") or ""), tuple(out))
