"""The ontology's weapon categories a SIPRI weapon description names.

SIPRI's "Weapon description" is a short generic phrase ("SAM system", "fighter aircraft", "ASW
helicopter"). It is matched word by word against the kinds of equipment the ontology's
akg:WeaponCategory concepts define (ontology/akg.ttl: labels and definitions), phrases first: a
matched span is used up, so "aircraft carrier" is not also an aircraft and "anti-tank" not a tank.
SIPRI's abbreviations (SAM, MRL, APC, FGA ...) are spelt out here because the ontology does not
use them; tests check every category named here is a concept of the ontology.
"""

from __future__ import annotations

import re
from functools import cache

CATEGORY_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # a target or role, not a kind of equipment: "ASW helicopter" is a helicopter, "anti-ship missile" a missile
    (r"anti-?(?:submarine|ship|radar|radiation)|asw", ()),
    (r"aircraft carriers?", ("Naval",)),
    (r"tanker(?:/transport)? aircraft", ("Aircraft",)),
    (r"(?:self-propelled |towed |naval )?(?:aa|anti-aircraft) guns?|ciws|air defen[cs]e(?: systems?)?",
     ("AirDefence",)),
    (r"(?:sam|abm)s?(?= systems?\b)", ("AirDefence",)),  # the system; its missiles are also missiles
    (r"(?:sam|abm|manpads)s?", ("AirDefence", "Missile")),
    (r"anti-?tank|atgms?", ("AntiTank",)),
    (r"machine ?guns?|rifles?|pistols?|carbines?|small arms|grenade launchers?", ("SmallArms",)),
    (r"(?:multiple )?rocket launchers?|mrls?|howitzers?|mortars?|guns?|artillery", ("Artillery",)),
    (r"turbo(?:fan|jet|shaft|prop)s?|aero-?engines?|aircraft (?:engines?|turrets?)", ("AircraftParts",)),
    (r"aip (?:engines?|systems?)|submarines?", ("Submarine",)),
    (r"missiles?|s?r?aams?|bvraams?|asms?|ssms?|[as]lcms?|asbms?", ("Missile",)),
    (r"loitering munitions?|munitions?|bombs?|torpedo(?:e?s)?|shells?|ammunition|rockets?|mines?",
     ("Munition",)),
    (r"radars?|sonars?|sensors?|(?:eo|sigint|elint|esm|fire control) systems?", ("Radar",)),
    (r"helicopters?", ("Helicopter",)),
    (r"uavs?|ucavs?|uas|drones?|unmanned (?:aerial vehicles?|aircraft)", ("UAV",)),
    (r"fighters?|fga|bombers?|(?:ground |close air support )?attack aircraft|strike aircraft|combat aircraft",
     ("CombatAircraft",)),
    (r"aircraft|aeroplanes?|airplanes?|aerostats?|airships?|planes?", ("Aircraft",)),
    (r"frigates?|corvettes?|destroyers?|cruisers?|gunboats?|ships?|boats?|craft|hovercraft|vessels?|opvs?|fac"
     r"|lst|lpd|lhd|minesweepers?|minehunters?|mcm[a-z]*|icebreakers?|tankers?|tugs?", ("Naval",)),
    (r"tanks?|tank destroyers?|apcs?|ifvs?|afvs?|apvs?|arvs?|aevs?|mraps?|armou?red|personnel carriers?"
     r"|fighting vehicles?|scout cars?|vehicle turrets?", ("ArmouredVehicle",)),
)
_CATEGORY_PATTERNS = tuple((re.compile(rf"(?<![\w-])(?:{words})(?![\w-])"), cats) for words, cats in CATEGORY_WORDS)


@cache
def _broader() -> dict[str, frozenset[str]]:
    """Each weapon category of the ontology -> the categories it is narrower than (skos:broader)."""
    from rdflib import RDF
    from rdflib.namespace import SKOS

    from kg.ontology import AKG, load_ontology  # read here, not at import: parsing the ontology takes a while

    graph = load_ontology().graph
    out: dict[str, frozenset[str]] = {}
    for concept in graph.subjects(RDF.type, AKG.WeaponCategory):
        name = str(concept).removeprefix(str(AKG))
        out[name] = frozenset(str(b).removeprefix(str(AKG)) for b in graph.objects(concept, SKOS.broader))
    return out


def weapon_categories(description: str) -> list[str]:
    """The ontology's weapon categories a SIPRI weapon description names, most specific only."""
    return list(_categories(" ".join(description.lower().split())))


@cache  # a register repeats a few dozen descriptions over thousands of rows
def _categories(text: str) -> tuple[str, ...]:
    found: list[str] = []
    for pattern, cats in _CATEGORY_PATTERNS:
        if pattern.search(text):
            found.extend(c for c in cats if c not in found)
            text = pattern.sub(" ", text)
    broader = _broader()
    implied = {b for c in found for b in broader.get(c, ())}
    return tuple(c for c in found if c not in implied)
