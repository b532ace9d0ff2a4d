"""Article annotation files (YAML): parsing and structural checks.

The format is the project's interchange contract (``docs/annotation-format.md``):
one file describes what one source states. This module turns a file into typed
objects and reports every structural problem with the file, the key path and
what is wrong. Whether a type or role exists is the ontology's business and is
checked against it (:func:`check_against_ontology`), not against a list here.

Optional keys the project adds to the documented format (all optional, so files
using only the documented keys stay valid):

* ``entities[].wikidata``, ``entities[].iso_code``, ``entities[].category``,
  ``entities[].description``, ``entities[].evidence`` (a sentence naming it), ``entities[].confidence``,
  ``entities[].posts`` (posts with title, organisation, start, end, evidence).
* ``article.metadata``: other facts about the source (``author``, ``section``, ``language`` ...), a mapping of
  short keys to one-line values, kept on the source node as ``key: value`` strings.
* ``events[].id`` (file-unique, for ``part_of``), ``events[].part_of``,
  ``events[].end_date``, ``events[].date_basis`` (stated, inferred), ``events[].modality`` (reported, planned, expected),
  ``events[].status``, ``events[].quote``, ``events[].place``,
  ``events[].description``, ``events[].blocked_deal``.
* ``events[].items`` (what an official notice lists: name, quantity, whether major defence
  equipment, the WeaponSystem entity), ``events[].details`` (other facts of the record as short
  ``key: value`` lines: transmittal or contract number, contract type, cost qualifier ...).
* ``entities[].method``, ``events[].method``, ``relations[].method``: how the fact was produced
  (``parser:dsca``); the default is "extracted" when a confidence is given, else "curated".
* ``relations``: statements between entities (``subsidiaryOf``, ``operates``,
  ``coDeveloper`` ...) with their evidence.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

_ISO_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_LOCAL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
#: A source id becomes a node id and a file name (the review folder's ``<id>.accepted.yaml``): a
#: letter or digit, then letters, digits, ``.``, ``_`` and ``-``, at most this long.
SOURCE_ID_MAX = 120


def source_id_problem(value: str) -> str | None:
    """Why ``value`` cannot serve as a source id, or None when it can."""
    if len(value) > SOURCE_ID_MAX:
        return f"{value[:40]!r}... is {len(value)} characters long; a source id has at most {SOURCE_ID_MAX}"
    if not _LOCAL_ID.fullmatch(value):
        return f"{value!r} cannot serve as a source id (a letter or digit, then letters, digits, . _ -)"
    return None


class _TextDatesLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe YAML without implicit timestamps: dates stay text, so partial and
    impossible dates reach our own check (and its clear message).

    It reads with libyaml (which PyYAML's wheels carry) where there is one: it reads far
    faster than PyYAML's Python reader, and every source is read when it is checked
    (BENCHMARKS.md, "Load with checking at half the cost").
    """


_TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class AnnotationError(ValueError):
    """A file that cannot be used, with every problem found in it."""

    def __init__(self, path: Path | str, problems: list[tuple[str, str]]) -> None:
        self.path = str(path)
        self.problems = problems  # (key path, message)
        lines = "\n".join(f"  {where or '(file)'}: {what}" for where, what in problems)
        super().__init__(f"{self.path}:\n{lines}")


def check_partial_date(value: str | date | None) -> str | None:
    """An ISO date that may be partial ("2025", "2025-11", "2025-11-19"); impossible dates are refused."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    match = _ISO_PARTIAL.match(text)
    if not match:
        raise ValueError(f"{text!r} is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = match.groups()
    try:
        date(int(year), int(month or 1), int(day or 1))
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a real date ({exc})") from None
    return text


def precision_of(iso: str) -> str:
    """'year', 'month' or 'day' for a checked partial ISO date."""
    return {4: "year", 7: "month", 10: "day"}[len(iso)]


PartialDate = Annotated[str | None, BeforeValidator(check_partial_date)]
LocalId = Annotated[str, Field(pattern=_LOCAL_ID.pattern, description="file-local id")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _scalar_text(value: Any) -> Any:
    """A metadata value as text: ``page: 3`` is as good as ``page: "3"``."""
    return str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value


#: A source's other metadata (``author``, ``section``, ``language`` ...): a short key and one line of text.
MetadataKey = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_-]{0,39}$")]
MetadataValue = Annotated[str, BeforeValidator(_scalar_text), Field(min_length=1, pattern=r"^[^\n]*$")]
#: How a fact was produced: "curated", "extracted", or the parser that read it ("parser:dsca").
Method = Annotated[str, Field(pattern=r"^[a-z][a-z0-9:_-]{0,39}$")]


class ArticleMeta(_Strict):
    id: LocalId | None = None
    url: str | None = None
    title: str | None = None
    date: PartialDate = None
    outlet: str | None = None
    text_file: str | None = None
    type: str = "Article"  # Article | PressRelease | Report
    metadata: dict[MetadataKey, MetadataValue] = Field(default_factory=dict)  # header lines no other key holds


class PostAnn(_Strict):
    title: str = Field(min_length=1)
    organization: LocalId | None = None  # entity id of the state or organisation
    start: PartialDate = None
    end: PartialDate = None
    evidence: str | None = None


class EntityAnn(_Strict):
    id: LocalId
    type: str
    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    post: str | None = None
    posts: list[PostAnn] = Field(default_factory=list)
    wikidata: str | None = Field(None, pattern=r"^Q[1-9][0-9]*$")
    iso_code: str | None = Field(None, pattern=r"^[A-Z]{2}$")
    category: list[str] = Field(default_factory=list)
    description: str | None = None
    evidence: str | None = None
    confidence: float | None = Field(None, ge=0, le=1)  # machine annotations: how sure the extractor is of the entity
    method: Method | None = None


class Participant(_Strict):
    entity: LocalId
    role: str


class Item(_Strict):
    """One line of what an official notice lists (``three (3) NASAMS fire units``)."""

    name: str = Field(min_length=1)
    quantity: int | None = Field(None, ge=0)
    major: bool = False  # major defence equipment, as the notice classes it
    system: LocalId | None = None  # the WeaponSystem entity it names


class Value(_Strict):
    amount: Decimal = Field(ge=0)
    currency: str = Field(pattern=r"^[A-Z]{3}$")


class EventAnn(_Strict):
    type: str
    id: LocalId | None = None
    date: PartialDate = None
    end_date: PartialDate = None
    date_basis: Literal["stated", "inferred"] | None = None
    participants: list[Participant] = Field(min_length=1)
    systems: list[LocalId] = Field(default_factory=list)
    value: Value | None = None
    quantity: int | None = Field(None, ge=0)
    evidence: str = Field(min_length=1)
    confidence: float | None = Field(None, ge=0, le=1)
    modality: str | None = None
    status: str | None = None
    quote: str | None = None
    place: LocalId | None = None
    part_of: LocalId | None = None
    blocked_deal: LocalId | None = None
    description: str | None = None
    items: list[Item] = Field(default_factory=list)
    details: dict[MetadataKey, MetadataValue] = Field(default_factory=dict)
    method: Method | None = None


class RelationAnn(_Strict):
    subject: LocalId
    predicate: str
    object: LocalId
    evidence: str = Field(min_length=1)
    confidence: float | None = Field(None, ge=0, le=1)
    method: Method | None = None


class Annotation(_Strict):
    article: ArticleMeta = Field(default_factory=ArticleMeta)
    entities: list[EntityAnn] = Field(default_factory=list)
    events: list[EventAnn] = Field(default_factory=list)
    relations: list[RelationAnn] = Field(default_factory=list)


class AnnotationFile(BaseModel):
    """A parsed file: where it came from, its source id, its content and text."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    path: Path
    source_id: str
    annotation: Annotation
    text: str | None = None
    text_path: Path | None = None  # where the text was read from (article.text_file, resolved)
    content_hash: str


def _loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _cross_references(ann: Annotation) -> list[tuple[str, str]]:
    """Ids must be unique and every reference must name something in the file."""
    problems: list[tuple[str, str]] = []
    entity_ids: set[str] = set()
    for i, entity in enumerate(ann.entities):
        if entity.id in entity_ids:
            problems.append((f"entities[{i}].id", f"duplicate entity id {entity.id!r}"))
        entity_ids.add(entity.id)
    event_ids: set[str] = set()
    for i, event in enumerate(ann.events):
        if event.id is not None:
            if event.id in event_ids or event.id in entity_ids:
                problems.append((f"events[{i}].id", f"duplicate id {event.id!r}"))
            event_ids.add(event.id)

    def need(where: str, ref: str, pool: set[str], what: str) -> None:
        if ref not in pool:
            problems.append((where, f"{ref!r} is not the id of any {what} in this file"))

    for i, entity in enumerate(ann.entities):
        for j, post in enumerate(entity.posts):
            if post.organization:
                need(f"entities[{i}].posts[{j}].organization", post.organization, entity_ids, "entity")
    for i, event in enumerate(ann.events):
        for j, participant in enumerate(event.participants):
            need(f"events[{i}].participants[{j}].entity", participant.entity, entity_ids, "entity")
        for j, system in enumerate(event.systems):
            need(f"events[{i}].systems[{j}]", system, entity_ids, "entity")
        for j, item in enumerate(event.items):
            if item.system:
                need(f"events[{i}].items[{j}].system", item.system, entity_ids, "entity")
        if event.place:
            need(f"events[{i}].place", event.place, entity_ids, "entity")
        for key in ("part_of", "blocked_deal"):
            ref = getattr(event, key)
            if ref:
                need(f"events[{i}].{key}", ref, event_ids, "event (give events an `id`)")
    for i, relation in enumerate(ann.relations):
        need(f"relations[{i}].subject", relation.subject, entity_ids, "entity")
        need(f"relations[{i}].object", relation.object, entity_ids, "entity")
    return problems


def parse_annotation_data(data: Any, origin: Path | str, *, check_references: bool = True) -> Annotation:
    """Check an annotation given as plain data (a parsed file, or extractor output) or raise
    :class:`AnnotationError` naming ``origin`` with every problem found."""
    if not isinstance(data, dict):
        raise AnnotationError(origin, [("", "expected a mapping with the keys article, entities, events")])
    try:
        annotation = Annotation.model_validate(data)
    except ValidationError as exc:
        problems = [(_loc(e["loc"]), e["msg"].removeprefix("Value error, ")) for e in exc.errors()]
        raise AnnotationError(origin, problems) from None
    problems = _cross_references(annotation) if check_references else []
    if problems:
        raise AnnotationError(origin, problems)
    return annotation


def parse_annotation(path: Path | str) -> AnnotationFile:
    """Read and structurally check one annotation file, or raise :class:`AnnotationError`."""
    path = Path(path)
    try:
        raw_bytes = path.read_bytes()
    except OSError as exc:
        raise AnnotationError(path, [("", f"cannot read the file: {exc.strerror or exc}")]) from None
    try:
        data = yaml.load(raw_bytes.decode("utf-8"), Loader=_TextDatesLoader)  # noqa: S506 - a SafeLoader
    except UnicodeDecodeError as exc:
        raise AnnotationError(path, [("", f"not UTF-8 text ({exc.reason} at byte {exc.start})")]) from None
    except RecursionError:
        raise AnnotationError(path, [("", "the YAML is nested too deeply to read")]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise AnnotationError(path, [(where, f"malformed YAML: {problem}")]) from None
    return annotation_file(data, path, raw_bytes)


def annotation_file(data: Any, path: Path, raw_bytes: bytes) -> AnnotationFile:
    """The checked file of annotation ``data`` as read from ``path``, whose content is ``raw_bytes``:
    :func:`parse_annotation` after the YAML is read, for data that never was a file (the extractor's,
    checked before it is written). ``article.text_file`` is read relative to ``path``'s folder.
    Raises :class:`AnnotationError` as :func:`parse_annotation` does."""
    annotation = parse_annotation_data(data, path, check_references=False)
    problems = _cross_references(annotation)
    text = text_path = None
    if annotation.article.text_file:
        text_path = (path.parent / annotation.article.text_file).resolve()
        try:
            text = text_path.read_text(encoding="utf-8")
        except OSError as exc:
            problems.append(("article.text_file", f"cannot read {text_path}: {exc.strerror or exc}"))
    if problems:
        raise AnnotationError(path, problems)
    source_id = annotation.article.id or path.stem
    if problem := source_id_problem(source_id):
        raise AnnotationError(path, [("article.id", problem)])
    digest = hashlib.sha256(raw_bytes + (text or "").encode("utf-8")).hexdigest()
    return AnnotationFile(path=path, source_id=source_id, annotation=annotation, text=text,
                          text_path=text_path if text is not None else None, content_hash=digest)
