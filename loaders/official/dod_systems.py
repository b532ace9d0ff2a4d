"""The weapon systems a DoD award's purpose names by a proper designation or name ("F-35 Lightning II",
"Guided Multiple Launch Rocket System", a well-known system of the lexicon), never by a generic noun."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import yaml

from loaders import reference
from loaders.extraction.gazetteer import LEXICON_FILE

_DESIGNATION = re.compile(r"(?<![\w/-])(?:AN/[A-Z]{3}-\d{1,3}[A-Z]?(?:/[A-Z]{1,3})?(?:\(V\)\d*)?|(?:[A-Z]{1,2}/)?[A-Z]{1,4}-\d{1,3}"
                          r"[A-Z]{0,2}(?:/[A-Z])?(?:-\d{1,2}[A-Z]?)?|M\d{1,4}A\d(?:E\d)?|[A-Z]\d{2,3}-[A-Z]{2}-\d{2,4}[A-Z]?)"
                          r"(?![\w-])")
# After a designation, its proper name ("F-35 Lightning II", "AH-64E Apache"), not the generic words that follow.
_GENERIC = {"Aircraft", "Helicopter", "Helicopters", "Missile", "Missiles", "Radar", "Radars", "System", "Systems",
            "Program", "Programs", "Lot", "Lots", "Full", "Rate", "Production", "Low", "Initial", "Joint", "Foreign",
            "Military", "Sales", "Engine", "Engines", "Vehicle", "Vehicles", "Combat", "Strike", "Fighter", "Tank",
            "Family", "Training", "Trainer", "Support", "Weapon", "Weapons", "Air", "Defense", "Mission", "Depot",
            "Maintenance", "Sustainment", "Services", "Spare", "Spares", "Parts", "Test", "Development", "Phase",
            "Contractor", "Logistics", "Engineering", "Integration", "Modernization", "Upgrade", "Kits", "Kit"}
_EXTENSION = re.compile(r"\s+(?:Block\s+[IVX\d]+[A-Z]?|[IVX]{1,4}\b|[A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*)")
# A defined name ending in a system's head noun: "National Advanced Surface-to-Air Missile System (NASAMS)".
_HEADS = {"System", "Systems", "Missile", "Missiles", "Radar", "Rocket", "Rockets", "Interceptor", "Interceptors",
          "Launcher", "Launchers", "Vehicle", "Vehicles", "Munition", "Munitions", "Aircraft", "Helicopter",
          "Torpedo", "Torpedoes", "Bomb", "Bombs", "Sensor", "Projectile", "Projectiles", "Drone", "Tank"}
_DEFINED = re.compile(r"\s*\(([A-Z][A-Za-z0-9/-]{1,14}(?:\s[A-Z0-9]{2,5})?)\)")
_WORD = r"[A-Z0-9][\w/]*(?:-[\w/]+)*"
_RUN = re.compile(rf"(?<![\w/-]){_WORD}(?:\s+(?:(?:and|of|to)\s+)?{_WORD})*")
_NOT_SYSTEMS = {"Foreign", "Military", "Sales", "Agency", "Office", "Department", "Force", "Corps"}
# A run cut at its head noun may be the start of an organisation's name ("Naval Air Systems Command"), of a
# programme's ("Taiwan Surveillance Radar Program") or of an activity's ("Fighter Systems Development"): none is a
# weapon system's designation.
_NOT_AFTER = {"Command", "Center", "Centre", "Agency", "Office", "Department", "Division", "Directorate",
              "Activity", "Group", "Wing", "Squadron", "Laboratory", "Inc.", "Inc", "LLC", "Co.", "Corp.", "Program",
              "Programme", "Project", "Development", "Demonstration", "Production", "Support", "Sustainment",
              "Services", "Integration", "Engineering", "Modernization"}


@dataclass(frozen=True)
class System:
    name: str
    aliases: tuple[str, ...]
    confidence: float


@cache
def _known_systems() -> tuple[re.Pattern[str] | None, dict[str, str]]:
    """Names of the well-known weapon systems (the extractor's lexicon, the reference set) -> their entry name."""
    names: dict[str, str] = {}
    lexicon = yaml.safe_load(LEXICON_FILE.read_text(encoding="utf-8")) if LEXICON_FILE.exists() else {}
    for item in (lexicon or {}).get("weapon_systems", []):
        for surface in (item["name"], *(item.get("aliases") or ())):
            names.setdefault(str(surface), str(item["name"]))
    for other in reference.other_entities():
        if other.type == "WeaponSystem":
            for surface in (other.name, *other.aliases):
                names.setdefault(surface, other.name)
    if not names:
        return None, {}
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w/-])(?:{alternatives})(?![\w/-])"), names


def _named_systems(text: str) -> list[tuple[int, int, str, tuple[str, ...]]]:
    """Runs of capitalised words that end in a system's head noun ("Guided Multiple Launch Rocket System",
    "Evolved SeaSparrow Missile Block 2"), with the acronym in parentheses after them if any."""
    out = []
    for run in _RUN.finditer(text):
        tokens = list(re.finditer(r"\S+", run.group(0)))
        heads = [i for i, t in enumerate(tokens) if re.sub(r"-\d+[A-Z]?$", "", t.group(0)) in _HEADS]
        if not heads:
            continue
        last = heads[-1] + 1
        while last < len(tokens) and (tokens[last].group(0) == "Block" or re.fullmatch(r"[IVX]+[A-Z]*|\d+[A-Z]?",
                                                                                        tokens[last].group(0))):
            last += 1
        first = 1 if tokens[0].group(0) == "The" else 0
        words = [t.group(0) for t in tokens[first:last]]
        if (len(words) < 2 or _NOT_SYSTEMS & set(words) or words[-1] == "Block"
                or (last < len(tokens) and tokens[last].group(0).strip(",") in _NOT_AFTER)):
            continue
        start, end = run.start() + tokens[first].start(), run.start() + tokens[last - 1].end()
        acronym = _DEFINED.match(text, end)
        out.append((start, acronym.end() if acronym else end, text[start:end], (acronym.group(1),) if acronym else ()))
    return out


def purpose_systems(purpose: str) -> list[System]:
    """WeaponSystems the purpose names by a proper designation or name (never "aircraft", "missiles")."""
    spans: list[tuple[int, int, str, tuple[str, ...], float]] = []
    for match in _DESIGNATION.finditer(purpose):
        end, extensions = match.end(), []
        while len(extensions) < 3 and (ext := _EXTENSION.match(purpose, end)):
            extensions.append(ext)
            end = ext.end()
        # Up to two capitalised words name the designation ("F-35 Lightning II", "UH-60M Black Hawk"); a longer
        # run is a name of its own ("AN/ARC-231/A Multi-mode Aviation Radio Suite"), left to the other readers.
        end = match.end()
        if len(extensions) <= 2:
            for ext in extensions:
                if ext.group(0).strip() in _GENERIC or ext.group(0).strip().split()[0] in _GENERIC:
                    break
                end = ext.end()
        alias = (match.group(0),) if end > match.end() else ()
        spans.append((match.start(), end, purpose[match.start():end], alias, 0.8))
    for start, end, name, aliases in _named_systems(purpose):
        spans.append((start, end, name, aliases, 0.75))
    pattern, known = _known_systems()
    if pattern is not None:
        for match in pattern.finditer(purpose):
            spans.append((match.start(), match.end(), match.group(0), (), 0.85))
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    out: dict[str, System] = {}
    taken_until = -1
    by_entry: dict[str, str] = {}  # a well-known system named twice ("F-35 ... Joint Strike Fighter") is one
    for start, end, name, aliases, confidence in spans:
        if start < taken_until:
            continue
        taken_until = end
        entry = known.get(name) or next((known[a] for a in aliases if a in known), None)
        if entry and entry in by_entry:
            first = out[by_entry[entry]]
            out[by_entry[entry]] = System(first.name, tuple(dict.fromkeys((*first.aliases, name, *aliases))),
                                           first.confidence)
            continue
        if entry:
            by_entry[entry] = name
        out.setdefault(name, System(name, aliases, confidence))
    return list(out.values())
