"""A synthetic corpus of annotation files, shaped like the real thing, for scale tests and benchmarks.

Real arms-trade reporting is lopsided: a few states and prime contractors
appear in most stories while thousands of small firms, agencies and officials
appear once or twice; the same deal is told by several outlets; a company is
"Lockheed Martin" in one article and "Lockheed" in the next. Benchmarks on a
uniform random graph would miss the hubs that make neighbourhood and path
queries expensive, so the generator reproduces those traits:

* actors (real states and contractors from the reference set, weapon systems
  from the extraction lexicon, plus generated companies, agencies, officials, units
  and systems) picked with Zipf weights, giving a power-law degree
  distribution;
* every event type of the ontology, with the roles its shape requires;
* each event told by one to four sources (a geometric number), each source
  an article of a few events close in date, written by a different outlet;
* each mention naming the entity by its canonical name, with a different
  subset of its aliases per source;
* dates spread over decades (1990 to 2025), publication dates after the
  events they report.

The output is deterministic for a given ``events`` and ``seed``, and every
file passes the SHACL shapes (:func:`loaders.validation.checked_graph`).
"""

from __future__ import annotations

import itertools
import random
from bisect import bisect
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from loaders import reference
from loaders.extraction.gazetteer import LEXICON_FILE

#: Event types and the roles of their participants: (role, actor kinds it can take).
EVENT_ROLES: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "ArmsSale": [("seller", ("State", "Contractor")), ("buyer", ("State",))],
    "SaleApproval": [("approver", ("State", "GovernmentAgency")), ("buyer", ("State",))],
    "ContractAward": [("contractor", ("Contractor",)), ("buyer", ("State", "GovernmentAgency"))],
    "Delivery": [("supplier", ("State", "Contractor")), ("recipient", ("State",))],
    "Delay": [("supplier", ("Contractor",)), ("recipient", ("State",))],
    "ExportBlock": [("blocker", ("State", "GovernmentAgency")), ("target", ("State",))],
    "Visit": [("visitor", ("Official",)), ("host", ("State",))],
    "Statement": [("speaker", ("Official", "GovernmentAgency")), ("subject", ("State", "Contractor"))],
    "MilitaryActivity": [("actor", ("MilitaryUnit", "State")), ("target", ("State",))],
    "CoProduction": [("partner", ("Contractor",)), ("partner", ("Contractor",))],
    "Other": [("subject", ("State", "Contractor", "GovernmentAgency"))],
}
#: How often each type occurs, roughly as in the curated corpus (sales and statements dominate).
EVENT_WEIGHTS = {"ArmsSale": 18, "SaleApproval": 10, "ContractAward": 14, "Delivery": 10, "Delay": 5, "ExportBlock": 4,
                 "Visit": 8, "Statement": 16, "MilitaryActivity": 8, "CoProduction": 4, "Other": 3}
#: Types whose events carry systems, values and quantities.
_DEALS = {"ArmsSale", "SaleApproval", "ContractAward", "Delivery", "Delay", "ExportBlock", "CoProduction"}

_SYLLABLES = ["nor", "va", "kes", "trel", "ar", "den", "lu", "mar", "sol", "tek", "vin", "qua", "ris", "tor", "el",
              "dra", "zen", "cor", "bal", "ith", "mon", "fal", "gra", "vex", "oda", "pyr", "sen", "tal", "ur", "wy"]
_COMPANY_TAILS = ["Dynamics", "Aerospace", "Defence Systems", "Industries", "Munitions", "Electronics", "Shipyards",
                  "Avionics", "Armaments", "Technologies"]
_AGENCY_FORMS = ["Ministry of Defence of {}", "Defence Procurement Agency of {}", "Export Control Office of {}",
                 "Armaments Directorate of {}"]
_UNIT_FORMS = ["{} Air Defence Brigade", "{} Naval Task Group", "{} Rapid Reaction Force"]
_POSTS = ["Defence Minister", "Foreign Minister", "Chief of Defence", "Procurement Chief", "National Security Adviser"]
_SYSTEM_FORMS = ["{}-{} missile system", "{} {} armoured vehicle", "{}-{} patrol aircraft", "{} {} radar"]
_CURRENCIES = ["USD", "USD", "USD", "EUR", "GBP", "JPY", "KRW"]


@dataclass
class Actor:
    """One entity of the synthetic world: canonical name and the other names outlets use."""

    key: str
    type: str
    name: str
    aliases: list[str] = field(default_factory=list)
    iso: str | None = None
    post: str | None = None


@dataclass
class Event:
    key: str
    type: str
    day: date
    roles: list[tuple[str, Actor]]
    systems: list[Actor]
    value: int | None
    currency: str | None
    quantity: int | None


def _made_up_name(rng: random.Random, parts: int = 2) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(parts)).capitalize()


def _acronym(name: str) -> str:
    return "".join(word[0] for word in name.split() if word[0].isupper())


class World:
    """The actors and weapon systems events are drawn from, each kind with Zipf weights."""

    def __init__(self, rng: random.Random, n_actors: int, exponent: float = 1.1) -> None:
        lexicon = yaml.safe_load(LEXICON_FILE.read_text(encoding="utf-8"))
        self.rng = rng
        self.by_type: dict[str, list[Actor]] = {}
        # Real states and companies from the reference set; the states' first other name, as the extractor's list had it.
        states = [Actor(f"st-{s.iso.lower()}", "State", s.name, [s.capital, *s.names[1:2]], iso=s.iso)
                  for s in reference.states() if s.capital]
        rng.shuffle(states)
        self.by_type["State"] = states
        share = max(1, n_actors - len(states))
        used: set[str] = {a.name for a in states}
        self.by_type["Contractor"] = self._fill(
            [Actor(f"co-{i}", "Contractor", c.name, list(c.names[1:3])) for i, c in enumerate(reference.companies())],
            share * 40 // 100, lambda i: self._company(i), used)
        self.by_type["GovernmentAgency"] = self._fill(
            [], share * 15 // 100, lambda i: self._agency(i, states, used), used)
        self.by_type["Official"] = self._fill([], share * 30 // 100, lambda i: self._official(i, states), used)
        self.by_type["MilitaryUnit"] = self._fill([], share * 15 // 100, lambda i: self._unit(i, states), used)
        self.by_type["WeaponSystem"] = self._fill(
            [Actor(f"ws-{i}", "WeaponSystem", w["name"], list(w.get("aliases", [])[:2])) for i, w in enumerate(lexicon["weapon_systems"])],
            max(50, share // 4), lambda i: self._system(i), used)
        self._cumulative = {kind: list(itertools.accumulate(1.0 / (rank + 1) ** exponent for rank in range(len(actors))))
                            for kind, actors in self.by_type.items()}

    def _fill(self, known: list[Actor], total: int, make: Any, used: set[str]) -> list[Actor]:
        actors = [a for a in known if a.name not in used][:total]
        used.update(a.name for a in actors)
        i = 0
        while len(actors) < total:
            actor = make(i)
            i += 1
            if actor.name not in used:
                used.add(actor.name)
                actors.append(actor)
        self.rng.shuffle(actors)
        return actors

    def _company(self, i: int) -> Actor:
        stem = _made_up_name(self.rng, self.rng.choice((2, 3)))
        name = f"{stem} {self.rng.choice(_COMPANY_TAILS)}"
        return Actor(f"gc-{i}", "Contractor", name, [stem, _acronym(name)] if len(_acronym(name)) > 1 else [stem])

    def _agency(self, i: int, states: list[Actor], used: set[str]) -> Actor:
        state = self.rng.choice(states)
        form = self.rng.choice(_AGENCY_FORMS)
        name = form.format(state.name)
        if name in used:  # every form and state taken (large worlds): a directorate of one of them
            name = f"{_made_up_name(self.rng)} Directorate, {name}"
        return Actor(f"ga-{i}", "GovernmentAgency", name, [f"{state.name}'s {form.split(' of ')[0].lower()}"])

    def _official(self, i: int, states: list[Actor]) -> Actor:
        state = self.rng.choice(states)
        first, last = _made_up_name(self.rng, 2), _made_up_name(self.rng, self.rng.choice((2, 3)))
        post = f"{self.rng.choice(_POSTS)} of {state.name}"
        return Actor(f"of-{i}", "Official", f"{first} {last}", [last], post=post)

    def _unit(self, i: int, states: list[Actor]) -> Actor:
        state = self.rng.choice(states)
        name = self.rng.choice(_UNIT_FORMS).format(f"{_made_up_name(self.rng)} {state.name}")
        return Actor(f"mu-{i}", "MilitaryUnit", name, [])

    def _system(self, i: int) -> Actor:
        code = f"{_made_up_name(self.rng, 1).upper()}{self.rng.randint(2, 99)}"
        name = self.rng.choice(_SYSTEM_FORMS).format(code, _made_up_name(self.rng))
        return Actor(f"gs-{i}", "WeaponSystem", name, [code])

    def pick(self, kind: str) -> Actor:
        weights = self._cumulative[kind]
        return self.by_type[kind][bisect(weights, self.rng.random() * weights[-1])]

    @property
    def size(self) -> int:
        return sum(len(actors) for actors in self.by_type.values())


def _events(world: World, rng: random.Random, n: int) -> list[Event]:
    types, weights = zip(*EVENT_WEIGHTS.items())
    start, span = date(1990, 1, 1), (date(2025, 12, 31) - date(1990, 1, 1)).days
    out = []
    for i in range(n):
        type_ = rng.choices(types, weights)[0]
        roles: list[tuple[str, Actor]] = []
        for role, kinds in EVENT_ROLES[type_]:
            for _ in range(5):
                actor = world.pick(rng.choice(kinds))
                if all(actor is not other for _, other in roles):
                    roles.append((role, actor))
                    break
        deal = type_ in _DEALS
        systems = [world.pick("WeaponSystem") for _ in range(rng.choice((1, 1, 1, 2)))] if deal else []
        systems = list({s.key: s for s in systems}.values())
        valued = deal and rng.random() < 0.6
        out.append(Event(
            key=f"e{i}", type=type_, day=start + timedelta(days=rng.randrange(span)), roles=roles, systems=systems,
            value=int(10 ** rng.uniform(5, 10)) if valued else None, currency=rng.choice(_CURRENCIES) if valued else None,
            quantity=rng.randint(1, 200) if deal and rng.random() < 0.5 else None,
        ))
    return out


def _named(actor: Actor, rng: random.Random) -> str:
    """The name one sentence uses: usually the canonical one, sometimes an alias."""
    return rng.choice(actor.aliases) if actor.aliases and rng.random() < 0.35 else actor.name


def _sentence(event: Event, rng: random.Random) -> str:
    names = ", ".join(f"{_named(actor, rng)} ({role})" for role, actor in event.roles)
    what = f" involving {', '.join(_named(s, rng) for s in event.systems)}" if event.systems else ""
    worth = f" worth {event.value:,} {event.currency}" if event.value else ""
    return f"On {event.day.isoformat()}, a {event.type} took place between {names}{what}{worth}."


def _entity(actor: Actor, rng: random.Random) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": actor.key, "type": actor.type, "name": actor.name}
    aliases = [a for a in actor.aliases if rng.random() < 0.6]
    if aliases:
        entry["aliases"] = aliases
    if actor.iso:
        entry["iso_code"] = actor.iso
    if actor.post:
        entry["post"] = actor.post
    return entry


def _article(source_id: str, outlet: str, events: list[Event], rng: random.Random) -> dict[str, Any]:
    published = max(e.day for e in events) + timedelta(days=rng.randint(0, 10))
    entities: dict[str, Actor] = {}
    annotated = []
    for event in events:
        for _, actor in event.roles:
            entities[actor.key] = actor
        for system in event.systems:
            entities[system.key] = system
        item: dict[str, Any] = {
            "type": event.type, "id": event.key, "date": event.day.isoformat(),
            "participants": [{"entity": actor.key, "role": role} for role, actor in event.roles],
            "evidence": _sentence(event, rng),
        }
        if event.systems:
            item["systems"] = [s.key for s in event.systems]
        if event.value:
            item["value"] = {"amount": event.value, "currency": event.currency}
        if event.quantity is not None:
            item["quantity"] = event.quantity
        if event.type == "Statement":
            item["quote"] = f"We are watching {event.roles[-1][1].name} closely."
            item["evidence"] = f"{item['evidence'][:-1]}: \"{item['quote']}\""  # a quote is words of its sentence
        annotated.append(item)
    return {
        "article": {"id": source_id, "title": f"{outlet}: {len(events)} developments", "date": published.isoformat(),
                    "outlet": outlet, "url": f"https://news.example/{source_id}"},
        "entities": [_entity(actor, rng) for actor in sorted(entities.values(), key=lambda a: a.key)],
        "events": annotated,
    }


@dataclass(frozen=True)
class SynthReport:
    events: int
    sources: int
    actors: int
    mentions: int
    files: list[Path]


def synthesize(events: int, seed: int, out: Path, *, actors: int | None = None, max_sources: int = 4) -> SynthReport:
    """Write ``events`` events, told by one to ``max_sources`` sources each, as annotation files in ``out``."""
    rng = random.Random(seed)
    world = World(rng, actors or min(20000, max(1000, events // 2)))
    story = _events(world, rng, events)
    tellings = [min(max_sources, 1 + int(rng.expovariate(1.2))) for _ in story]
    out.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    mentions = 0
    for copy in range(max_sources):
        told = sorted((e for e, k in zip(story, tellings) if k > copy), key=lambda e: e.day)
        outlet = f"Synthetic Wire {copy + 1}"
        i = 0
        while i < len(told):
            size = rng.randint(1, 6)
            chunk, i = told[i:i + size], i + size
            source_id = f"synth-{seed}-{copy + 1}-{len(files):07d}"
            path = out / f"{source_id}.yaml"
            path.write_text(yaml.safe_dump(_article(source_id, outlet, chunk, rng), sort_keys=False, allow_unicode=True),
                            encoding="utf-8")
            files.append(path)
            mentions += len(chunk)
    return SynthReport(events=events, sources=len(files), actors=world.size, mentions=mentions, files=files)
