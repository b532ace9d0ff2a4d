"""One article text in, the annotation document ``kg extract`` writes: the one code path of extraction.

``kg extract --out``, ``kg load ARTICLE.txt`` and ``kg eval --articles`` all
call :func:`extract_document`, so what is scored is exactly what is written and
loaded. The document is the extractor's annotation (:mod:`.extract`) without
what the ontology's shapes refuse (an arms sale with no buyer): those events
are not silently lost but listed in the document's notes, with the reason and
the sentence, and counted in every summary. The annotation format has no key
for notes, so the YAML carries them as comments above the annotation: a reader
of the format ignores them, a person reviewing the file sees them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from loaders.extraction.article import read_article
from loaders.extraction.extract import conforming, extract_article
from loaders.extraction.gazetteer import Gazetteer
from loaders.extraction.review import NOT_LOADED, dump_annotation
from loaders.extraction.stored import stored_gazetteer

#: How each kind of note starts in the YAML comments (tests and reviewers count them by it).
DROPPED_EVENT = "dropped event"
DROPPED_ENTITY = "dropped entity"
WARNING = "warning"


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", str(text)).strip()


@dataclass
class ExtractedDocument:
    """An article's annotation as written, and what did not make it into it."""

    annotation: dict[str, Any]
    dropped_events: list[dict[str, Any]] = field(default_factory=list)  # refused by the shapes; description says why
    dropped_entities: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # header problems (a date that cannot be read)

    @property
    def article_id(self) -> str:
        return str(self.annotation["article"]["id"])

    def notes(self) -> list[str]:
        """One line per warning and per left-out event or entity, with the reason and the sentence."""
        names = {e["id"]: e["name"] for e in self.annotation["entities"] + self.dropped_entities}
        out = [f"{WARNING}: {_one_line(w)}" for w in self.warnings]
        for event in self.dropped_events:
            roles = ", ".join(f"{p['role']}: {names.get(p['entity'], p['entity'])}" for p in event.get("participants", []))
            why = str(event.get("description", "")).removeprefix(NOT_LOADED)
            out.append(_one_line(f"{DROPPED_EVENT} {event.get('id', '?')} ({event['type']}; {roles}): {why} "
                                 f"Evidence: \"{event.get('evidence', '')}\""))
        for entity in self.dropped_entities:
            why = str(entity.get("description", "")).removeprefix(NOT_LOADED)
            out.append(_one_line(f"{DROPPED_ENTITY} {entity['id']} ({entity['type']} {entity['name']!r}): {why}"))
        return out

    def yaml(self) -> str:
        """The annotation file: the notes as YAML comments, then the annotation."""
        notes = self.notes()
        head = ""
        if notes:
            head = "# Notes of the extraction (comments: not part of the annotation)\n" + "".join(f"# {n}\n" for n in notes)
        return head + dump_annotation(self.annotation)

    def summary(self) -> dict[str, Any]:
        """Counts for `kg extract`'s summary (text and --json)."""
        return {"article": self.article_id, "entities": len(self.annotation["entities"]),
                "events": len(self.annotation["events"]), "dropped_events": len(self.dropped_events),
                "dropped_entities": len(self.dropped_entities), "warnings": list(self.warnings)}


def extract_document(path: Path, *, date: str | None = None, gaz: Gazetteer | None = None) -> ExtractedDocument:
    """Read ``path`` (header lines, a blank line, the body), extract it and keep what the shapes accept.

    Raises :class:`~loaders.extraction.article.ArticleError` for a file that cannot be read and
    :class:`~loaders.extraction.extract.ExtractionError` for output the shapes refuse outside its
    events and entities. ``article.text_file`` is the text's absolute path; a caller writing the
    file elsewhere may make it relative. Without ``gaz``, the gazetteer without the graph
    (:mod:`loaders.extraction.stored`).
    """
    article = read_article(path, date=date)
    annotation = extract_article(article, gaz or stored_gazetteer())
    annotation["article"]["text_file"] = str(Path(path).resolve())  # evidence sentences are checked against the text
    annotation, events, entities = conforming(annotation)
    return ExtractedDocument(annotation, events, entities, list(article.warnings))
