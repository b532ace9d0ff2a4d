"""Extracted facts below the confidence threshold wait here for a person to review them.

``kg load ARTICLE.txt --min-confidence 0.7`` splits an extraction in two:
what is sure enough is written to ``<article>.accepted.yaml`` and loaded like
any curated annotation; the rest goes to ``<article>.candidates.yaml`` and is
never loaded as fact. ``kg candidates list`` shows the candidates with their
confidence and sentence; ``kg candidates accept`` moves chosen ones (with the
entities they need) into the accepted file, which is then loaded again, so the
source is replaced atomically as for any edited annotation. Both files are
ordinary annotation files, so a reviewer may also edit them by hand.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ACCEPTED = ".accepted.yaml"
NOT_LOADED = "not loaded: "  # how a refused event's description starts
CANDIDATES = ".candidates.yaml"


class ReviewError(LookupError):
    """An unknown article or candidate id (the message says which and what exists)."""


@dataclass(frozen=True)
class Candidate:
    article: str
    id: str
    kind: str  # entity | event
    type: str
    label: str  # the entity's name, or the event's participants
    confidence: float | None
    evidence: str | None
    problem: str | None = None  # why the shapes refused it, when they did: accept it only after editing the file

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _referenced(event: dict[str, Any]) -> set[str]:
    refs = {p["entity"] for p in event.get("participants", [])} | set(event.get("systems", []))
    return refs | ({event["place"]} if event.get("place") else set())


def split_by_confidence(annotation: dict[str, Any], threshold: float) -> tuple[dict[str, Any], dict[str, Any]]:
    """(accepted, candidates): events at or above ``threshold`` with every entity they name, entities at or above it;
    the candidates file holds the other events and entities, plus the accepted entities they refer to (so it is valid)."""
    def sure(item: dict[str, Any]) -> bool:
        return item.get("confidence") is None or item["confidence"] >= threshold

    events_ok = [e for e in annotation["events"] if sure(e)]
    events_doubt = [e for e in annotation["events"] if not sure(e)]
    needed = set().union(*(_referenced(e) for e in events_ok)) if events_ok else set()
    entities_ok = [x for x in annotation["entities"] if sure(x) or x["id"] in needed]
    ok_ids = {x["id"] for x in entities_ok}
    needed_doubt = set().union(*(_referenced(e) for e in events_doubt)) if events_doubt else set()
    entities_doubt = [x for x in annotation["entities"] if x["id"] not in ok_ids or x["id"] in needed_doubt]
    accepted = {**copy.deepcopy(annotation), "entities": entities_ok, "events": events_ok}
    candidates = {**copy.deepcopy(annotation), "entities": entities_doubt, "events": events_doubt}
    return accepted, candidates


class ReviewStore:
    """The review folder (``KG_REVIEW_DIR``): one accepted and one candidates file per extracted article."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def accepted_path(self, article: str) -> Path:
        return self.directory / f"{article}{ACCEPTED}"

    def candidates_path(self, article: str) -> Path:
        return self.directory / f"{article}{CANDIDATES}"

    def save(self, annotation: dict[str, Any], threshold: float, rejected: list[dict[str, Any]] = ()) -> tuple[Path, int]:
        """Split and write an extraction; returns the accepted file (to load) and the number of candidates.

        ``rejected`` are events the shapes refused (see ``extract.conforming``): they wait for review whatever
        their confidence, with the reason in their description."""
        accepted, candidates = split_by_confidence(annotation, threshold)
        if rejected:
            candidates["events"] += copy.deepcopy(list(rejected))
            have = {x["id"] for x in candidates["entities"]}
            needed = set().union(*(_referenced(e) for e in rejected))
            candidates["entities"] += [copy.deepcopy(x) for x in annotation["entities"] if x["id"] in needed - have]
        article = annotation["article"]["id"]
        self.directory.mkdir(parents=True, exist_ok=True)
        _write(self.accepted_path(article), accepted)
        accepted_ids = {x["id"] for x in accepted["entities"]}
        pending = len(candidates["events"]) + sum(1 for x in candidates["entities"] if x["id"] not in accepted_ids)
        _write(self.candidates_path(article), candidates)
        return self.accepted_path(article), pending

    def articles(self) -> list[str]:
        return sorted(p.name[: -len(CANDIDATES)] for p in self.directory.glob(f"*{CANDIDATES}"))

    def candidates(self, article: str | None = None) -> list[Candidate]:
        out: list[Candidate] = []
        for name in [article] if article else self.articles():
            cand, acc = self._read(name)
            accepted_ids = {x["id"] for x in acc["entities"]}
            names = {x["id"]: x["name"] for x in cand["entities"] + acc["entities"]}
            for x in cand["entities"]:
                if x["id"] not in accepted_ids:
                    out.append(Candidate(name, x["id"], "entity", x["type"], x["name"], x.get("confidence"), x.get("evidence")))
            for e in cand["events"]:
                label = ", ".join(f"{p['role']}: {names.get(p['entity'], p['entity'])}" for p in e["participants"])
                problem = e["description"][len(NOT_LOADED):] if str(e.get("description", "")).startswith(NOT_LOADED) else None
                out.append(Candidate(name, e["id"], "event", e["type"], label, e.get("confidence"), e.get("evidence"), problem))
        return out

    def accept(self, article: str, ids: list[str] | None = None) -> Path:
        """Move the candidates ``ids`` (all when None) into the accepted file; returns it, for loading."""
        cand, acc = self._read(article)
        known = {x["id"] for x in cand["entities"]} | {e["id"] for e in cand["events"]}
        unknown = sorted(set(ids or []) - known)
        if unknown:
            raise ReviewError(f"no candidate {', '.join(map(repr, unknown))} for article {article!r}; "
                              f"`kg candidates list {article}` shows them")
        chosen = known if ids is None else set(ids)
        moved_events = [e for e in cand["events"] if e["id"] in chosen]
        needed = chosen | set().union(*(_referenced(e) for e in moved_events)) if moved_events else chosen
        acc_ids = {x["id"] for x in acc["entities"]}
        acc["entities"] += [x for x in cand["entities"] if x["id"] in needed and x["id"] not in acc_ids]
        acc["events"] += moved_events
        cand["events"] = [e for e in cand["events"] if e["id"] not in chosen]
        still = set().union(*(_referenced(e) for e in cand["events"])) if cand["events"] else set()
        cand["entities"] = [x for x in cand["entities"] if x["id"] not in needed or x["id"] in still]
        _write(self.accepted_path(article), acc)
        _write(self.candidates_path(article), cand)
        return self.accepted_path(article)

    def snapshot(self, article: str) -> dict[Path, str]:
        """The article's two files as they are, to put back if loading what was accepted fails."""
        return {p: p.read_text(encoding="utf-8") for p in (self.accepted_path(article), self.candidates_path(article)) if p.exists()}

    @staticmethod
    def restore(snapshot: dict[Path, str]) -> None:
        for path, text in snapshot.items():
            path.write_text(text, encoding="utf-8")

    def _read(self, article: str) -> tuple[dict[str, Any], dict[str, Any]]:
        path = self.candidates_path(article)
        if not path.exists():
            known = ", ".join(self.articles()) or "none"
            raise ReviewError(f"no candidates for article {article!r} in {self.directory} (articles with candidates: {known})")
        return yaml.safe_load(path.read_text(encoding="utf-8")), yaml.safe_load(self.accepted_path(article).read_text(encoding="utf-8"))


def _write(path: Path, annotation: dict[str, Any]) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(dump_annotation(annotation), encoding="utf-8")
    tmp.replace(path)  # a reviewer's file is never left half written


def dump_annotation(annotation: dict[str, Any]) -> str:
    """YAML in the format's key order, readable by people (block style, unicode kept)."""
    return yaml.safe_dump(annotation, sort_keys=False, allow_unicode=True, width=120)
