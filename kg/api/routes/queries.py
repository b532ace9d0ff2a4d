"""Named queries: the same files analysts paste into Neo4j Browser, run with validated parameters."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Path

from kg import reads
from kg.api.deps import get_graph, get_name_index, require_read_access
from kg.api.models import Links, QueryInfo, QueryParamOut, QueryResult, QueryRun, QueryText
from kg.api.problems import ERROR_RESPONSES
from kg.api.read_errors import read_errors
from kg.graph import Graph
from kg.queries import NamedQuery
from kg.reads.lookup import NameLookup

router = APIRouter(prefix="/queries", tags=["queries"], dependencies=[Depends(require_read_access)], responses=ERROR_RESPONSES)


def info(q: NamedQuery) -> QueryInfo:
    return QueryInfo(name=q.name, title=q.title, description=q.description, examples=list(q.examples),
                     params=[QueryParamOut(name=p.name, type=p.type, default=p.default, minimum=p.minimum, maximum=p.maximum,
                                           description=p.description) for p in q.params],
                     links=Links(self=f"/queries/{q.name}"))


@router.get("", response_model=list[QueryInfo], summary="The named queries and their parameters")
def list_queries() -> list[QueryInfo]:
    return [info(q) for q in reads.named_queries()]


@router.post("/{name}", response_model=QueryResult, summary="Run a named query")
def run_query(
    name: Annotated[str, Path(max_length=100, description="The query's name (GET /queries lists them)", examples=["arms_sales"])],
    graph: Annotated[Graph, Depends(get_graph)],
    index: Annotated[NameLookup, Depends(get_name_index)],
    body: Annotated[QueryRun, Body()] = QueryRun(),
) -> QueryResult:
    """Parameters are checked against the query's header (types, ranges, real dates: 422 naming the
    parameter); an ``entity`` parameter the graph holds no entity for is a 404 with the closest names."""
    with read_errors(place="body"):
        answer = reads.run_query(graph, index, name, dict(body.params))
    return QueryResult(name=answer.name, params=answer.params, rows=answer.rows,
                       ran=QueryText(engine=answer.engine, as_written=answer.as_written, text=answer.text))
