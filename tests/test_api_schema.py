"""Schemathesis over the published OpenAPI document, against a real server on loopback.

Every operation is called with generated valid and invalid input and every
check schemathesis has (``--checks all``): no response may be a server error,
every response must match the documented status codes, content types, headers
and schemas, invalid input must be refused and valid input accepted.

One narrowing, explained where it is made: a request the document cannot tell
from a valid one may be refused with 422 when the problem names one of the
things JSON Schema cannot say (a cursor this API did not issue, a day the
calendar does not have, a named query's parameter of the wrong type: the
parameters differ per query), and only then.
"""

from __future__ import annotations

import pytest
import schemathesis
from conftest import running_api
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.specs.openapi.checks import positive_data_acceptance

from kg.graph import Graph
from kg.settings import Settings


@pytest.fixture(scope="module")
def api_url(settings: Settings, graph: Graph, corpus):
    # Writes stay off here (403, documented): generated input must not change the shared corpus.
    # Uploads and deletions are exercised, keyed, in test_api.py.
    custom = Settings(neo4j=settings.neo4j, kg=settings.kg.model_copy(update={"api_key": None}))
    with running_api(custom, graph) as url:
        yield url


#: What a 422 may be about when the request was valid by the document: the document cannot say it.
UNSAYABLE = ("cursor is not one this API issued", "does not exist", "is not valid:", "has no parameter",
             # q matches \w, but a few letters are combining marks (U+0345) that the search's normalisation drops
             "q has no letters or digits")


def accepts_valid_data_or_names_what_the_schema_cannot_say(ctx, response, case):
    """``positive_data_acceptance``, except for a 422 whose problem is one JSON Schema cannot express
    (see the module docstring): a forged cursor, 2025-02-30, a named query's parameter of the wrong type."""
    if response.status_code == 422:
        detail = response.json().get("detail", "")
        if any(reason in detail for reason in UNSAYABLE):
            return None
    return positive_data_acceptance(ctx, response, case)


def test_no_server_error_and_responses_match_the_document(api_url: str, graph: Graph) -> None:
    """Every operation, positive and negative generated input; failures are collected, then reported together."""
    before = graph.counts()
    schema = schemathesis.openapi.from_url(f"{api_url}/openapi.json")
    load_all_checks()
    checks = [c for c in CHECKS.get_all() if c is not positive_data_acceptance]  # `--checks all`, one narrowed:
    checks.append(accepts_valid_data_or_names_what_the_schema_cannot_say)
    assert len(checks) >= 14
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy(generation_mode=GenerationMode.POSITIVE) | operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))
        @hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def exercise(case) -> None:
            case.call_and_validate(checks=checks)

        try:
            exercise()
        except Exception as exc:  # schemathesis raises a group of check failures
            failures.append(f"{operation.label}: {exc}"[:2000])
    assert operations >= 12
    assert not failures, "\n\n".join(failures)
    assert graph.counts() == before


def test_the_document_is_complete(api_url: str) -> None:
    import httpx

    doc = httpx.get(f"{api_url}/openapi.json").json()
    ids = [op["operationId"] for operations in doc["paths"].values() for op in operations.values()]
    assert len(ids) == len(set(ids)), "client generators name their methods by operationId: each must be unique"
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            assert op.get("summary"), f"{method} {path} has no summary"
            assert {"200", "201", "204"} & set(op["responses"]), f"{method} {path}"
            assert "422" in op["responses"] and "404" in op["responses"], f"{method} {path} does not document its errors"
    problem = doc["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail"} <= set(problem["properties"])
