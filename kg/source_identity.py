"""Whether a source about to be loaded is the stored source of the same id, or another one.

A source's id comes from ``article.id`` or, failing that, from the file name, so
two unrelated articles saved under the same name get the same id. Loading the
second must not silently retract the first (its events, and the entities only
it backs). A load may replace a stored source only when it is that source
(:func:`difference` finds nothing that tells them apart) or when the user says
so (``kg load --replace``, ``POST /sources?replace=true``).

What tells two sources apart, strongest first: the kind of source; the URL and
the text (the same text, or the same text file even corrected), each compared
when both sides have it, and a source known by its URL is not taken for one
known only by its text; then the annotation or RDF file loaded. A side that
carries none of these (an upload through the API, a graph loaded before these
properties were recorded) is told apart by the kind alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

#: The source properties that identify it (see akg:textHash, akg:textFile, akg:loadedFrom).
IDENTITY_PROPS = ("url", "textHash", "textFile", "loadedFrom")


def difference(stored_labels: Iterable[str], stored: Mapping[str, Any],
               labels: Iterable[str], incoming: Mapping[str, Any]) -> str | None:
    """Why the incoming source is not the stored one (a phrase for a message), or None when it is."""
    old_kinds, new_kinds = set(stored_labels), set(labels)
    if old_kinds != new_kinds:
        return (f"it is {_kind(new_kinds)} where the stored source is {_kind(old_kinds)}")
    if stored.get("url") and incoming.get("url"):
        return None if stored["url"] == incoming["url"] else f"its URL is {incoming['url']} where the stored source's is {stored['url']}"
    if _has_text(stored) and _has_text(incoming):
        same_text = stored.get("textHash") is not None and stored.get("textHash") == incoming.get("textHash")
        same_file = stored.get("textFile") is not None and stored.get("textFile") == incoming.get("textFile")
        if same_text or same_file:
            return None
        return (f"its text ({incoming.get('textFile') or 'given inline'}) is not the stored source's text "
                f"({stored.get('textFile') or 'given inline'})")
    if (stored.get("url") or _has_text(stored)) and (incoming.get("url") or _has_text(incoming)):
        return (f"it is known by {_known_by(incoming)} and the stored source by {_known_by(stored)}, "
                "so nothing shows they are the same")
    if stored.get("loadedFrom") and incoming.get("loadedFrom") and stored["loadedFrom"] != incoming["loadedFrom"]:
        return f"it comes from {incoming['loadedFrom']} where the stored source came from {stored['loadedFrom']}"
    return None


def described(props: Mapping[str, Any]) -> str:
    """A stored source in a few words, for messages: where it came from and its title."""
    origin = props.get("url") or props.get("textFile") or props.get("loadedFrom") or "an upload"
    title = f" \u201c{props['title']}\u201d" if props.get("title") else ""
    return f"{origin}{title}"


def _known_by(props: Mapping[str, Any]) -> str:
    return f"its URL {props['url']}" if props.get("url") else f"its text ({props.get('textFile') or 'given inline'})"


def _has_text(props: Mapping[str, Any]) -> bool:
    return props.get("textHash") is not None or props.get("textFile") is not None


def _kind(labels: set[str]) -> str:
    specific = sorted(labels - {"Source"}) or ["Source"]
    return "an " + "/".join(specific) if specific[0][0] in "AEIOU" else "a " + "/".join(specific)
