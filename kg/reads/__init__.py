"""The read side of the graph: what an analyst can look up, as plain functions.

Each function takes a :class:`kg.graph.Graph` (and, where names must be resolved
or ranked, the engine's :class:`kg.reads.lookup.NameLookup`) and plain arguments, and
returns plain data: the pydantic models of :mod:`kg.reads.models`, rows of a
named query, or a :class:`kg.reads.paging.Window` of either. The API, ``kg viz``
and the CLI call the same functions, so they answer alike. Nothing here knows
HTTP or the command line: a refused input is an exception of
:mod:`kg.reads.errors`, which each app says in its own way.

One module per concern: entities (detail), evidence, neighbours (subgraphs),
timeline, events, sources, search, connections (paths), sales, deals (with
their corroboration and contradictions, :mod:`kg.reads.deal_checks`), queries
(any named query).
"""

from __future__ import annotations

from kg.reads.connections import connections
from kg.reads.deals import DealList, deal_detail, list_deals
from kg.reads.entities import EVIDENCE_PREVIEW, entity_detail
from kg.reads.errors import (
    InvalidArgument,
    MissingName,
    ReadError,
    UnknownDeal,
    UnknownEntity,
    UnknownEvent,
    UnknownNames,
    UnknownQuery,
    UnknownSource,
)
from kg.reads.events import event_detail
from kg.reads.evidence import entity_evidence
from kg.reads.neighbours import entity_neighbourhood, event_neighbourhood, relationship_types, subgraph
from kg.reads.paging import Window
from kg.reads.queries import QueryAnswer, named_queries, run_query
from kg.reads.sales import arms_sales
from kg.reads.search import search_entities
from kg.reads.sources import list_sources, source_facts
from kg.reads.timeline import timeline

__all__ = ["EVIDENCE_PREVIEW", "DealList", "InvalidArgument", "MissingName", "QueryAnswer", "ReadError", "UnknownDeal",
           "UnknownEntity", "UnknownEvent",
           "UnknownNames", "UnknownQuery", "UnknownSource", "Window", "arms_sales", "connections", "deal_detail", "entity_detail",
           "entity_evidence", "entity_neighbourhood", "event_detail", "event_neighbourhood", "list_deals", "list_sources", "named_queries",
           "relationship_types", "run_query", "search_entities", "source_facts", "subgraph", "timeline"]
