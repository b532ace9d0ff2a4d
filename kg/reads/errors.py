"""What a read refuses: plain exceptions, each carrying what an app needs to say it its own way.

The API turns them into problem+json (:mod:`kg.api.read_errors`), the CLI into a
one-line error; neither has to parse a message. Each names the input it refuses.
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.reads.models import Suggestion


class ReadError(Exception):
    """Any input a read refuses."""


class UnknownEntity(ReadError, LookupError):
    """No entity has this id; ``suggestions`` are the closest the graph holds (empty without a name lookup)."""

    def __init__(self, entity_id: str, suggestions: list[Suggestion] | None = None) -> None:
        self.entity_id = entity_id
        self.suggestions = suggestions or []
        super().__init__(f"no entity with id {entity_id!r}{said(self.suggestions)}")


class UnknownEvent(ReadError, LookupError):
    def __init__(self, event_id: str) -> None:
        self.event_id = event_id
        super().__init__(f"no event with id {event_id!r}")


class UnknownSource(ReadError, LookupError):
    def __init__(self, source_id: str) -> None:
        self.source_id = source_id
        super().__init__(f"no source with id {source_id!r}")


class UnknownDeal(ReadError, LookupError):
    def __init__(self, deal_id: str) -> None:
        self.deal_id = deal_id
        super().__init__(f"no deal with id {deal_id!r}")


class UnknownQuery(ReadError, LookupError):
    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"no query named {name!r}")


@dataclass(frozen=True)
class MissingName:
    """One value that names no actor, weapon system or place, under the argument that gave it."""

    argument: str
    value: str
    suggestions: list[Suggestion]


class UnknownNames(ReadError, LookupError):
    """Values given to filter by (a buyer, a path's end) that name nothing: a filter on them would
    answer with no rows, which reads as "none" rather than "misspelt"."""

    def __init__(self, missing: list[MissingName]) -> None:
        self.missing = missing
        super().__init__("no actor, weapon system or place is named "
                         + "; nor ".join(f"{m.value!r} ({m.argument}{said(m.suggestions).replace(';', ',', 1)})" for m in missing))


class InvalidArgument(ReadError, ValueError):
    """An argument a read cannot take: ``argument`` names it (None: the arguments as a whole),
    ``reason`` says what is wrong in a few words, the message in a sentence."""

    def __init__(self, argument: str | None, detail: str, reason: str) -> None:
        self.argument = argument
        self.detail = detail
        self.reason = reason
        super().__init__(detail)


def said(suggestions: list[Suggestion]) -> str:
    """``; closest: Taiwan (state:TW), …`` or nothing."""
    return "; closest: " + ", ".join(f"{s.name} ({s.id})" for s in suggestions) if suggestions else ""
