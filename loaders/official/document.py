"""An official document in, an annotation out: the one path of ``kg load``, ``kg extract --kind`` and the
official scores.

The parser of the document's kind (:mod:`.kinds`) gives entities and events; this module adds the
source (id, URL, title, date and the header's other lines as metadata, the kind among them), checks
the result against the annotation model, and hands the load pipeline an
:class:`~loaders.annotations.AnnotationFile` whose text is the document's text, so every evidence
sentence is found in it. What the parser could not read (a paragraph, a row) is kept as the
document's problems: the rest loads, and the problems are reported with their position.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from loaders.annotations import AnnotationError, AnnotationFile, parse_annotation_data, source_id_problem
from loaders.extraction.review import dump_annotation
from loaders.official.inputs import OFFICIAL_SUFFIXES, InputError, read_official
from loaders.official.kinds import ARTICLE, CHOICES, KINDS, detect, parser
from loaders.official.source import OfficialText, ParseProblem

NOT_PARSED = "not parsed"  # how a problem's note starts, in the YAML comments and the load's warnings
_DEFAULTS = {"dsca": ("PressRelease", "Defense Security Cooperation Agency"),
             "transmittal": ("Report", None),
             "dod-contracts": ("PressRelease", "U.S. Department of Defense"),
             "sipri-csv": ("Report", "SIPRI Arms Transfers Database")}


#: Ids of the sales derived from an approval or an award (:func:`with_sales`); the parsers' own ids never start so.
DERIVED_SALE = "sale-of-"
_SELLING_STATE = {"id": "united-states", "type": "State", "name": "United States"}


def with_sales(entities: list[dict[str, Any]], events: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Each US approval or contract award for a foreign buyer as a stage of an arms sale.

    The graph answers "who sold what to whom" from ArmsSale events and their stages
    (``part_of``), as for articles: a DSCA release or a 36(b) transmittal approves a possible
    sale by the United States to its purchaser, and a DoD award involving Foreign Military
    Sales contracts for one to its customers. The sale copies the stage's buyers, systems,
    value, quantity, date, evidence and confidence; it is derived, so it is not scored again
    (:mod:`.scoring` leaves out ids starting with ``DERIVED_SALE``).
    """
    entities, out = list(entities), []
    states = {e["id"] for e in entities if e.get("type") == "State"}
    seller = next((e["id"] for e in entities if e.get("type") == "State" and e.get("name") == "United States"), None)
    for event in events:
        kind = event.get("type")
        buyers = [p for p in event.get("participants", []) if p.get("role") in ("buyer", "recipient")
                  and (kind == "SaleApproval" or p.get("entity") in states)]
        if kind not in ("SaleApproval", "ContractAward") or not buyers or event.get("part_of"):
            out.append(event)
            continue
        if seller is None:
            seller = _SELLING_STATE["id"]
            entities.append(dict(_SELLING_STATE))
        sale_id = f"{DERIVED_SALE}{event.get('id') or len(out)}"
        sale = {"type": "ArmsSale", "id": sale_id, "date": event.get("date"),
                "participants": [{"entity": seller, "role": "seller"},
                                 *({"entity": p["entity"], "role": "buyer" if kind == "SaleApproval" else "recipient"}
                                   for p in buyers)],
                "systems": list(event.get("systems", [])), "value": event.get("value"), "quantity": event.get("quantity"),
                "status": "approved" if kind == "SaleApproval" else "contracted",
                "evidence": event["evidence"], "confidence": event.get("confidence"), "method": event.get("method"),
                "description": f"The sale this {'approval' if kind == 'SaleApproval' else 'contract award'} is a stage of."}
        out.append({k: v for k, v in sale.items() if v not in (None, [], "")})
        out.append({**event, "id": event.get("id") or f"stage-{len(out)}", "part_of": sale_id})
    return entities, out


class OfficialError(ValueError):
    """An official document that cannot be used at all; the message names the file and the reason.

    ``problem``: the file was read as asked and found wanting (nothing to load, a parser failure),
    rather than named wrongly (an unknown kind, a file that is no official source).
    """

    def __init__(self, message: str, *, problem: bool = False) -> None:
        super().__init__(message)
        self.problem = problem

    def __reduce__(self) -> tuple[Any, ...]:
        return _official_error, (str(self), self.problem)  # crosses from worker processes


def _official_error(message: str, problem: bool) -> OfficialError:
    return OfficialError(message, problem=problem)


#: The parties without which a document of the kind states no deal: a notice without a purchaser was not one.
_ESSENTIAL_ROLES = {"dsca": ("buyer", "recipient"), "transmittal": ("buyer", "recipient")}


@dataclass
class OfficialDocument:
    """A parsed official document: its annotation (plain data, as written) and what could not be parsed."""

    kind: str
    text: OfficialText
    annotation: dict[str, Any]
    content_hash: str
    problems: list[ParseProblem] = field(default_factory=list)

    @property
    def source_id(self) -> str:
        return str(self.annotation["article"]["id"])

    def notes(self) -> list[str]:
        return [*(f"warning: {w}" for w in self.text.warnings), *(f"{NOT_PARSED}: {p}" for p in self.problems)]

    def yaml(self, text_file: str | None = None) -> str:
        """The annotation file, the notes as YAML comments above it; ``text_file`` as its article.text_file."""
        annotation = self.annotation
        if text_file is not None:
            annotation = {**annotation, "article": {**annotation["article"], "text_file": text_file}}
        notes = self.notes()
        head = "".join(f"# {' '.join(n.split())}\n" for n in notes)
        if head:
            head = f"# Notes of the {self.kind} parser (comments: not part of the annotation)\n" + head
        return head + dump_annotation(annotation)

    def summary(self) -> dict[str, Any]:
        return {"article": self.source_id, "kind": self.kind, "entities": len(self.annotation["entities"]),
                "events": len(self.annotation["events"]), "problems": [str(p) for p in self.problems],
                "warnings": list(self.text.warnings)}

    def scored(self) -> dict[str, Any]:
        """The annotation as the parser gave it: without the sales derived from its stages."""
        events = [{k: v for k, v in e.items() if k != "part_of" or not str(v).startswith(DERIVED_SALE)}
                  for e in self.annotation["events"] if not str(e.get("id", "")).startswith(DERIVED_SALE)]
        return {**self.annotation, "events": events}

    def annotation_file(self) -> AnnotationFile:
        """The document as the load pipeline takes an annotation file: checked, with its text."""
        annotation = parse_annotation_data(self.annotation, self.text.path)
        text_path = self.text.path.resolve() if self.text.path.suffix.lower() == ".txt" else None
        return AnnotationFile(path=self.text.path, source_id=self.source_id, annotation=annotation,
                              text=self.text.body, text_path=text_path, content_hash=self.content_hash)


def official_kind(path: Path, kind: str | None = None) -> str | None:
    """The kind ``path`` will be read as: ``kind`` when given (``article`` gives None), else recognised;
    None for a news article."""
    if kind == ARTICLE:
        return None
    if kind is not None:
        if kind not in KINDS:
            raise OfficialError(f"--kind {kind!r} is not a kind of source; use one of {', '.join(CHOICES)}")
        return kind
    try:
        return detect(read_official(path))
    except InputError:
        return None


def _metadata(values: dict[str, Any]) -> dict[str, str]:
    """One-line ``key: value`` metadata, keys as the annotation model takes them."""
    out: dict[str, str] = {}
    for key, value in values.items():
        key = re.sub(r"[^A-Za-z0-9_-]", "_", str(key))[:40]
        text = " ".join(str(value).split())
        if key and key[0].isalpha() and text:
            out[key] = text
    return out


def parse_official(path: Path, kind: str | None = None) -> OfficialDocument:
    """Read and parse the official document at ``path`` (its ``kind`` recognised unless given).

    :class:`OfficialError` when the file cannot be read, is not a recognised kind, or the parser's
    output is not a valid annotation (a parser bug, named as such).
    """
    path = Path(path)
    if path.suffix.lower() not in OFFICIAL_SUFFIXES:
        raise OfficialError(f"{path}: unknown file type for an official source; use .txt, .html, .pdf or .csv")
    try:
        text = read_official(path)
        raw = path.read_bytes()
    except (InputError, OSError) as exc:
        raise OfficialError(str(exc)) from None
    if problem := source_id_problem(text.id):
        raise OfficialError(f"{path}: the file name (or its id: header) {problem}; rename the file or give it an id: line")
    if kind == ARTICLE:
        raise OfficialError(f"{path}: --kind article: a news article is extracted, not parsed, and from plain text: "
                            "give its text as a .txt file to kg extract or kg load")
    if text.kind and text.kind.lower() not in (*KINDS, ARTICLE):
        raise OfficialError(f"{path}: its header's kind: {text.kind!r} is not a kind of source; use one of "
                            f"{', '.join(CHOICES)}")
    chosen = kind or detect(text)
    if chosen is None:
        raise OfficialError(f"{path}: not recognised as an official source ({', '.join(KINDS)}); "
                            "name its kind with --kind, or --kind article for a news article")
    try:
        module = parser(chosen)
    except ValueError as exc:
        raise OfficialError(f"{path}: {exc}") from None
    try:
        parsed = module.parse(text)
    except Exception as exc:  # a parser bug must reject this file with its name, not stop a load of many
        raise OfficialError(f"{path}: the {chosen} parser failed on it ({type(exc).__name__}: {exc})", problem=True) from exc
    if not parsed.events and not parsed.entities:
        found = "; ".join(str(p) for p in parsed.problems[:3])
        raise OfficialError(f"{path}: the {chosen} parser found nothing to load in it" + (f" ({found})" if found else ""),
                            problem=True)
    roles = _ESSENTIAL_ROLES.get(chosen)
    if roles and not any(p.get("role") in roles for e in parsed.events for p in e.get("participants", [])):
        raise OfficialError(f"{path}: the {chosen} parser found no purchaser in it: is it a {chosen} at all?", problem=True)
    source_type, outlet = _DEFAULTS[chosen]
    found = dict(parsed.article)
    article: dict[str, Any] = {
        "id": text.id,
        "type": found.get("type") or source_type,
        "url": text.url or found.get("url"),
        "title": text.title or found.get("title"),
        "date": text.date or found.get("date"),
        "outlet": found.get("outlet") or outlet,
        "metadata": _metadata({**found.get("metadata", {}), **text.metadata, "kind": chosen}),
    }
    entities, events = with_sales(parsed.entities, parsed.events)
    annotation = {"article": {k: v for k, v in article.items() if v}, "entities": entities, "events": events}
    try:
        parse_annotation_data(annotation, path)
    except AnnotationError as exc:
        problems = "; ".join(f"{where or '(file)'}: {what}" for where, what in exc.problems[:5])
        raise OfficialError(f"{path}: the {chosen} parser gave an annotation that is not valid ({problems})",
                            problem=True) from None
    # What the parser made of the file, not only the file: a parser that reads more after a fix updates the source.
    made = json.dumps(annotation, sort_keys=True, default=str).encode()
    digest = hashlib.sha256(raw + f"\nkind={chosen}\n".encode() + made).hexdigest()
    return OfficialDocument(chosen, text, annotation, digest, list(parsed.problems))
