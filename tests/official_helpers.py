"""What the DSCA release and 36(b) transmittal tests check of every parse: a notice is one valid
annotation whose facts each quote the text and carry the parser's method."""

from __future__ import annotations

from loaders.annotations import parse_annotation_data
from loaders.official.source import Parsed


def checked_sale(parsed: Parsed, body: str, method: str) -> tuple[dict, dict, list, dict]:
    """The parse's entities by id, its one event, its problems and its article, after the checks."""
    article = {k: v for k, v in parsed.article.items() if k != "metadata"}
    parse_annotation_data({"article": {"id": "x", **article}, "entities": parsed.entities,
                           "events": parsed.events}, "x")
    flat = " ".join(body.split())
    for fact in [*parsed.entities, *parsed.events]:
        assert fact["evidence"] in flat
        assert fact["method"] == method and 0 <= fact["confidence"] <= 1
    assert len(parsed.events) == 1
    return {e["id"]: e for e in parsed.entities}, parsed.events[0], parsed.problems, parsed.article


def role(entities: dict, event: dict, name: str) -> list[str]:
    """The names of the event's participants in ``name``'s role."""
    return [entities[p["entity"]]["name"] for p in event["participants"] if p["role"] == name]
