"""Health: is the graph reachable, what does it hold, which ontology."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from kg.api.deps import get_graph
from kg.api.models import Health
from kg.api.problems import ERROR_RESPONSES, Unavailable
from kg.graph import Graph
from kg.ontology import load_ontology

router = APIRouter(tags=["health"], responses=ERROR_RESPONSES)


@router.get("/health", response_model=Health, summary="Engine reachable, counts, ontology version")
def health(graph: Annotated[Graph, Depends(get_graph)]) -> Health:
    try:
        counts = graph.counts()
        engine = graph.dialect.name
    except Exception as exc:  # the driver raises several kinds; the caller needs one answer
        raise Unavailable(f"the graph at {graph.connection.uri} does not answer: {exc}") from None
    return Health(engine=engine, database=graph.connection.database, nodes=counts.nodes,
                  relationships=counts.relationships, ontology_version=load_ontology().version)
