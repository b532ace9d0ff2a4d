"""Sources: what each source is and every fact it backs; upload and retraction (keyed)."""

from __future__ import annotations

import tempfile
from pathlib import Path as FsPath
from typing import Annotated

import yaml
from fastapi import APIRouter, Depends, Path, Query, Request, Response

from kg import reads
from kg.api.deps import (
    Cursor,
    Limit,
    decode_cursor,
    encode_cursor,
    get_graph,
    get_loader,
    get_name_index,
    get_settings,
    require_read_access,
    require_write_access,
)
from kg.api.models import LoadReport, Page, SourceFacts, SourceSummary, Tally
from kg.api.problems import ERROR_RESPONSES, PROBLEM_JSON, Conflict, InvalidInput, NotFound, Problem, TooLarge
from kg.api.read_errors import read_errors
from kg.graph import Graph
from kg.reads.sources import links as _links
from kg.settings import Settings
from kg.store import SourceConflict, SourceReport, UnknownSource, source_node_id
from loaders.annotations import SOURCE_ID_MAX, source_id_problem
from loaders.pipeline import Rejected

router = APIRouter(prefix="/sources", tags=["sources"], responses=ERROR_RESPONSES)
SourceId = Annotated[str, Path(max_length=300, description="Source id, with or without the 'source:' prefix",
                               examples=["source:2025-11-19-nasams-taiwan"])]


def _report(report: SourceReport) -> LoadReport:
    return LoadReport(source_id=report.source_id, action=report.action, warnings=report.warnings, links=_links(report.source_id),
                      tallies={k: Tally(**vars(t)) for k, t in report.tallies.items()})


@router.get("", response_model=Page[SourceSummary], summary="Every source, with how many events it states",
            dependencies=[Depends(require_read_access)])
def list_sources(graph: Annotated[Graph, Depends(get_graph)], limit: Limit = 50, cursor: Cursor = None) -> Page[SourceSummary]:
    offset = decode_cursor(cursor)
    found = reads.list_sources(graph, offset=offset, limit=limit)
    return Page[SourceSummary](items=found.items, next_cursor=encode_cursor(offset + limit) if found.more else None)


@router.get("/{source_id}", response_model=SourceFacts, summary="A source and every fact it backs",
            dependencies=[Depends(require_read_access)])
def get_source(source_id: SourceId, graph: Annotated[Graph, Depends(get_graph)]) -> SourceFacts:
    with read_errors():
        return reads.source_facts(graph, source_id)


async def read_limited_body(request: Request, settings: Annotated[Settings, Depends(get_settings)]) -> bytes:
    """Read an upload, refusing it as soon as it passes the configured size."""
    cap = settings.kg.api_max_upload_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > cap:
        raise TooLarge(f"the file is larger than {cap} bytes (KG_API_MAX_UPLOAD_BYTES)")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > cap:
            raise TooLarge(f"the file is larger than {cap} bytes (KG_API_MAX_UPLOAD_BYTES)")
    return bytes(body)


@router.post(
    "", response_model=LoadReport, status_code=201, summary="Upload one annotation file (YAML); needs the API key",
    dependencies=[Depends(require_write_access)],
    responses={200: {"model": LoadReport, "description": "The source existed: updated or unchanged"},
               403: {"model": Problem, "content": {PROBLEM_JSON: {}}, "description": "Writes are off (no KG_API_KEY)"},
               409: {"model": Problem, "content": {PROBLEM_JSON: {}},
                     "description": "Another source is stored under this id (use ?replace=true to replace it)"},
               413: {"model": Problem, "content": {PROBLEM_JSON: {}}, "description": "File too large or nested too deeply"}},
    openapi_extra={"requestBody": {"required": True, "content": {
        "application/yaml": {"schema": {"type": "string"}, "example": "article: {id: example, date: 2025-11-19}\nentities: []\nevents: []\n"}}}},
)
def upload_source(
    request_body: Annotated[bytes, Depends(read_limited_body)],
    response: Response,
    loader=Depends(get_loader),
    names=Depends(get_name_index),
    source_id: Annotated[str | None, Query(max_length=SOURCE_ID_MAX, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$",
                                           description="Source id when the file has no article.id",
                                           examples=["2025-11-19-nasams-taiwan"])] = None,
    replace: Annotated[bool, Query(description="Replace a stored source of the same id even when it is a different "
                                               "source (another URL, text or kind); without it such an upload is "
                                               "refused with 409 and nothing changes", examples=[False])] = False,
) -> LoadReport:
    """Validated and loaded by the same pipeline as ``kg load``, in one transaction: all of it or nothing."""
    data = _parsed_upload(request_body)
    if isinstance(data, dict) and isinstance(data.get("article"), dict) and data["article"].get("text_file"):
        raise InvalidInput("article.text_file cannot be used in an upload: the server has no access to your files",
                           [{"where": "article.text_file", "message": "not allowed in uploads"}])
    article_id = data["article"].get("id") if isinstance(data, dict) and isinstance(data.get("article"), dict) else None
    name = source_id or article_id
    if not name:
        raise InvalidInput("give the source an id: article.id in the file, or ?source_id=",
                           [{"where": "article.id", "message": "missing"}])
    # The id is checked before it goes near a path; the file is written under a fixed name in a
    # private temporary folder that is removed whatever happens, so nothing of a refused upload stays.
    where = "source_id" if source_id else "article.id"
    if problem := source_id_problem(str(name)):
        raise InvalidInput(f"{where}: {problem}", [{"where": where, "message": problem}])
    with tempfile.TemporaryDirectory(prefix="kg-upload-") as tmp:
        path = FsPath(tmp) / ("upload.yaml" if article_id else f"{name}.yaml")
        path.write_bytes(request_body)
        try:
            [rows] = loader.prepare(path)
        except Rejected as exc:
            errors = [{"where": f"{v.where}{' · ' + v.field if v.field else ''}", "message": v.message} for v in exc.violations]
            raise InvalidInput("the annotation file was rejected; nothing was loaded: "
                               + "; ".join(f"{e['where']}: {e['message']}" for e in errors), errors) from None
    rows.source.props.pop("loadedFrom", None)  # the temporary file says nothing about the source
    try:
        report = loader.load_rows(rows, replace=replace)
    except SourceConflict as exc:
        raise Conflict(str(exc).replace("--replace (API: ?replace=true)", "?replace=true"),
                       [{"where": "article.id", "message": exc.reason}]) from None
    finally:
        names.invalidate()
    if report.action != "created":
        response.status_code = 200
    response.headers["Location"] = f"/sources/{report.source_id}"
    return _report(report)


def _parsed_upload(body: bytes) -> object:
    """The upload as YAML data, or None when it is not YAML (the loader then reports it precisely).

    YAML nested thousands deep exhausts the parser's recursion: that is refused as too large."""
    try:
        return yaml.safe_load(body.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError):
        return None
    except RecursionError:
        raise TooLarge("the YAML is nested too deeply to read") from None


@router.delete("/{source_id}", response_model=LoadReport, summary="Retract a source; needs the API key",
               dependencies=[Depends(require_write_access)],
               responses={403: {"model": Problem, "content": {PROBLEM_JSON: {}}, "description": "Writes are off (no KG_API_KEY)"}})
def delete_source(source_id: SourceId, loader=Depends(get_loader), names=Depends(get_name_index)) -> LoadReport:
    try:
        return _report(loader.unload(source_node_id(source_id)))
    except UnknownSource as exc:
        raise NotFound(str(exc)) from None
    finally:
        names.invalidate()
