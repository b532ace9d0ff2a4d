"""Captions for pictures: an event told in a few words, a post by its holder and title.

A node in a picture of the graph is read from its caption. "ArmsSale 2025-11-17"
or a post's id say nothing an analyst could put in a report; a caption says
what happened, who took part, for how much and when
("NASAMS sale to Taiwan · $699m · Nov 2025"), and a post who holds it
("Wellington Koo · Defence Minister"). The facts come from the graph in one
read per kind of node; the wording per event type is below, and an event type
it does not know (a class added to the ontology) still gets its ontology label,
its systems and its participants.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from kg.cypher import Cypher
from kg.graph import Graph
from kg.ontology import load_ontology

#: The facts an event's caption is made of: participants by role, systems, value, date.
EVENT_FACTS = Cypher(
    "UNWIND $ids AS id MATCH (e:Event {id: id}) "
    "RETURN e.id AS id, labels(e) AS labels, e.date AS date, e.amount AS amount, e.currency AS currency, "
    "e.description AS description, "
    "COLLECT { MATCH (e)-[r]->(a:Actor) RETURN {role: type(r), id: a.id, name: a.name, alias: a.alias} AS p "
    "ORDER BY p.role, p.id } AS participants, "
    "COLLECT { MATCH (e)-[:INVOLVES_SYSTEM]->(s:WeaponSystem) RETURN {id: s.id, name: s.name, alias: s.alias} AS s "
    "ORDER BY s.id } AS systems"
)

#: A post's title with the names of its holder and of the state or organisation it is in.
POST_FACTS = Cypher(
    "UNWIND $ids AS id MATCH (p:Post {id: id}) "
    "RETURN p.id AS id, p.title AS title, "
    "head(COLLECT { MATCH (p)-[:HOLDER]->(h) RETURN h.name AS x ORDER BY x }) AS holder, "
    "head(COLLECT { MATCH (p)-[:POST_IN]->(o) RETURN o.name AS x ORDER BY x }) AS organization"
)

SEPARATOR = " · "
#: Names longer than this are replaced by their shortest alias ("NASAMS" for the full name).
LONG_NAME = 24
#: At most this many names of one role or of systems, then "+N".
MAX_NAMES = 2
#: An event caption's "what and who" part is cut to this many characters.
MAX_HEAD = 60
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
CURRENCY_SIGNS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}

# How each event type reads: a pattern over {systems} and roles (lower case), tried in order,
# the first whose names are all present wins. Roles are the ontology's (SELLER -> {seller}).
PHRASES: dict[str, tuple[str, ...]] = {
    "ArmsSale": ("{systems} sale to {buyer}", "{systems} sale to {recipient}", "{systems} sale by {seller}",
                 "{systems} sale by {supplier}", "{systems} sale", "Arms sale to {buyer}", "Arms sale to {recipient}",
                 "Arms sale by {seller}", "Arms sale by {supplier}"),
    "SaleApproval": ("{systems} sale to {buyer} approved", "{systems} sale to {recipient} approved",
                     "{systems} sale approved by {approver}", "Sale to {buyer} approved", "Sale to {recipient} approved",
                     "Sale approved by {approver}"),
    "ContractAward": ("{systems} contract to {contractor}", "Contract to {contractor}", "{systems} contract"),
    "Delivery": ("{systems} delivered to {recipient}", "{systems} delivered to {buyer}", "Delivery to {recipient}",
                 "Delivery to {buyer}", "{systems} delivery"),
    "Delay": ("{systems} delayed for {recipient}", "{systems} delayed for {buyer}", "Delay for {recipient}",
              "Delay for {buyer}", "{systems} delayed"),
    "ExportBlock": ("{blocker} blocks {systems} to {recipient}", "{blocker} blocks {systems}",
                    "{blocker} blocks export to {recipient}", "{blocker} blocks export", "{systems} export blocked"),
    "Visit": ("{visitor} visits {host}", "Visit to {host}", "{visitor} visit"),
    "Statement": ("{speaker} on {subject}", "{speaker} to {addressee}", "{speaker} statement", "Statement on {subject}"),
    "MilitaryActivity": ("{actor} activity against {target}", "{actor} {systems} activity", "{actor} military activity",
                         "Military activity against {target}"),
    "CoProduction": ("{systems} co-production: {partner}", "Co-production: {partner}", "{systems} co-production"),
}


def short_name(name: str | None, aliases: Iterable[str] | None, fallback: str) -> str:
    """The name, or for a long one its shortest alias of three characters or more."""
    if not name:
        return fallback
    if len(name) <= LONG_NAME:
        return name
    shorter = sorted((a for a in aliases or () if 3 <= len(a) < len(name)), key=lambda a: (len(a), a))
    return shorter[0] if shorter else name


def _names(items: Sequence[Mapping[str, Any]]) -> str:
    names: list[str] = []
    for item in items:
        name = short_name(item.get("name"), item.get("alias"), item["id"])
        if name not in names:
            names.append(name)
    if len(names) > MAX_NAMES:
        return ", ".join(names[:MAX_NAMES]) + f" +{len(names) - MAX_NAMES}"
    return " and ".join(names) if len(names) == 2 else ", ".join(names)


def money(amount: float | int | None, currency: str | None) -> str | None:
    """``$699m``, ``$2bn``, ``€1.25bn``, ``TWD 40bn``: three significant figures at most."""
    if amount is None:
        return None
    value = float(amount)
    for size, unit in ((1e12, "tn"), (1e9, "bn"), (1e6, "m"), (1e3, "k"), (1, "")):  # noqa: B007 (unit: after the break)
        if abs(value) >= size or size == 1:
            scaled = value / size
            break
    digits = 0 if abs(scaled) >= 100 else 1 if abs(scaled) >= 10 else 2
    text = f"{scaled:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{scaled:.0f}"
    sign = CURRENCY_SIGNS.get((currency or "").upper())
    if sign:
        return f"{sign}{text}{unit}"
    return f"{currency} {text}{unit}" if currency else f"{text}{unit}"


def when(date: str | None) -> str | None:
    """``Nov 2025`` for ``2025-11`` or ``2025-11-17``; a year alone stays a year."""
    if not date:
        return None
    parts = str(date).split("-")
    if len(parts) >= 2 and parts[1].isdigit() and 1 <= int(parts[1]) <= 12:
        return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return parts[0]


def _type_of(labels: Iterable[str]) -> str:
    specific = [label for label in labels if label != "Event"]
    return sorted(specific)[0] if specific else "Event"


def _type_label(event_type: str) -> str:
    onto = load_ontology()
    return onto.classes[event_type].label if event_type in onto.classes else event_type


def _first_words(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text.rstrip(".")
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def event_caption(facts: Mapping[str, Any]) -> str:
    """What, who, value and when of one event, from the row :data:`EVENT_FACTS` returns."""
    event_type = _type_of(facts.get("labels") or [])
    by_role: dict[str, list[Mapping[str, Any]]] = {}
    for participant in facts.get("participants") or []:
        by_role.setdefault(str(participant["role"]).lower(), []).append(participant)
    slots = {role: _names(people) for role, people in by_role.items()}
    if facts.get("systems"):
        slots["systems"] = _names(facts["systems"])
    head = None
    for pattern in PHRASES.get(event_type, ()):
        try:
            head = pattern.format(**slots)
            break
        except KeyError:
            continue
    if head is None:
        # A type without a phrase (or whose roles fit none): its label, systems and participants.
        who = ", ".join(slots[r] for r in sorted(by_role))
        if event_type == "OtherEvent" and facts.get("description"):
            head = _first_words(str(facts["description"]), MAX_HEAD)
        else:
            head = " ".join(x for x in (_type_label(event_type), slots.get("systems"), f"({who})" if who else None) if x)
    head = head[0].upper() + head[1:] if head else _type_label(event_type)
    parts = [_first_words(head, MAX_HEAD), money(facts.get("amount"), facts.get("currency")), when(facts.get("date"))]
    return SEPARATOR.join(p for p in parts if p)


def post_caption(facts: Mapping[str, Any]) -> str:
    """``Wellington Koo · Defence Minister``: the holder and the title (and where, without a holder)."""
    title = facts.get("title") or "post"
    if facts.get("holder"):
        return f"{facts['holder']}{SEPARATOR}{title}"
    return f"{title}, {facts['organization']}" if facts.get("organization") else title


def captions(graph: Graph, nodes: Iterable[tuple[str, Sequence[str]]]) -> dict[str, str]:
    """Captions of the events and posts among ``nodes`` (id and labels), by id; other nodes have their names."""
    events, posts = [], []
    for node_id, labels in nodes:
        if "Event" in labels:
            events.append(node_id)
        elif "Post" in labels:
            posts.append(node_id)
    found: dict[str, str] = {}
    if events:
        found.update((row["id"], event_caption(row)) for row in graph.read(EVENT_FACTS, ids=sorted(events)))
    if posts:
        found.update((row["id"], post_caption(row)) for row in graph.read(POST_FACTS, ids=sorted(posts)))
    return found
