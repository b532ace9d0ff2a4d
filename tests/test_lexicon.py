"""Checks of the extractor's vocabulary: loaders/extraction/lexicon.yaml with the reference set's
states and companies (loaders/reference/), which the extractor reads beside it.

No graph is needed: the files are read with yaml.safe_load and compared with the
ontology (weapon categories); the reference set is viewed in the lexicon's shape,
so names stay unique across all of it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
import yaml
from rdflib import Graph, Namespace
from rdflib.namespace import RDF, SKOS

ROOT = Path(__file__).resolve().parents[1]
LEXICON = ROOT / "loaders" / "extraction" / "lexicon.yaml"
ONTOLOGY = ROOT / "ontology" / "akg.ttl"
ANNOTATION_FORMAT = ROOT / "docs" / "annotation-format.md"
AKG = Namespace("https://w3id.org/arms-kg/ontology#")

SECTIONS = {"states", "organizations", "agencies", "contractors", "military_units", "weapon_systems", "titles"}
# section -> (required keys, optional keys)
KEYS = {
    "states": ({"iso", "name", "aliases", "demonyms"}, {"capital"}),  # territories may have no capital
    "organizations": ({"name", "aliases", "type"}, set()),
    "agencies": ({"name", "aliases", "country"}, set()),
    "contractors": ({"name", "aliases", "country"}, set()),
    "military_units": ({"name", "aliases", "country"}, set()),
    "weapon_systems": ({"name", "aliases"}, {"category", "maker"}),
}
ORGANIZATION_TYPES = {
    "Organization", "GovernmentAgency", "Contractor", "ResearchOrganization",
    "MediaOutlet", "MilitaryUnit", "IndustryAssociation",
}
# Words that must never be an alias or a name on their own: they name a kind,
# not an entity, or they are ambiguous between several entities.
GENERIC = {
    "army", "navy", "air force", "military", "armed forces", "government",
    "ministry of defence", "ministry of defense", "defence ministry", "defense ministry",
    "senate", "house", "parliament", "national assembly", "congo", "congolese",
    "macedonia", "hawk", "lynx", "puma", "leopard", "challenger", "mistral", "tiger",
}


def fold(text: str) -> str:
    return text.casefold().strip()


@pytest.fixture(scope="module")
def lexicon_file() -> dict:
    with LEXICON.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    assert isinstance(data, dict), "the lexicon must be a mapping"
    return data


@pytest.fixture(scope="module")
def lexicon(lexicon_file) -> dict:
    """The extractor's whole vocabulary in the lexicon's shape: the file plus the reference set's states and companies."""
    from loaders import reference

    states = []
    for s in reference.states():
        entry = {"iso": s.iso, "name": s.name, "aliases": [a for a in (s.official_name, *s.aliases) if a],
                 "demonyms": list(s.demonyms)}
        if s.capital:
            entry["capital"] = s.capital
        states.append(entry)
    contractors = [{"name": c.name, "aliases": list(c.names[1:]), "country": c.country} for c in reference.companies()]
    return {**lexicon_file, "states": states, "contractors": contractors}


def test_states_and_companies_only_in_the_reference_set(lexicon_file):
    """One list of states and one of companies: the lexicon no longer has its own."""
    assert not {"states", "contractors"} & set(lexicon_file)


def entries(lexicon: dict):
    """(section, index, entry) for every entity entry (not the titles)."""
    for section in KEYS:
        for index, entry in enumerate(lexicon[section]):
            yield section, index, entry


def surface_forms(section: str, entry: dict) -> list[str]:
    forms = [entry["name"], *entry["aliases"]]
    if section == "states":
        forms += entry["demonyms"]
    return forms


def test_sections(lexicon):
    assert set(lexicon) == SECTIONS
    for section in KEYS:
        assert isinstance(lexicon[section], list) and lexicon[section], section


def test_entry_keys_and_types(lexicon):
    problems = []
    for section, index, entry in entries(lexicon):
        where = f"{section}[{index}] {entry.get('name', entry) if isinstance(entry, dict) else entry!r}"
        if not isinstance(entry, dict):
            problems.append(f"{where}: not a mapping")
            continue
        required, optional = KEYS[section]
        # An unquoted comma in a flow mapping silently creates an extra key.
        if not required <= set(entry) or set(entry) - required - optional:
            problems.append(f"{where}: keys {sorted(entry)}")
            continue
        for key in ("name", "capital", "iso", "country", "type", "category", "maker"):
            if key in entry and not (isinstance(entry[key], str) and entry[key].strip()):
                problems.append(f"{where}: {key} must be a non-empty string, got {entry[key]!r}")
        for key in ("aliases", "demonyms"):
            if key in entry:
                value = entry[key]
                if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                    problems.append(f"{where}: {key} must be a list of non-empty strings, got {value!r}")
                elif len({fold(v) for v in value}) != len(value):
                    problems.append(f"{where}: repeated {key}")
        if section == "organizations" and entry.get("type") not in ORGANIZATION_TYPES:
            problems.append(f"{where}: type {entry.get('type')!r}")
    assert not problems, "\n".join(problems)


def test_counts(lexicon):
    assert len(lexicon["states"]) >= 190
    assert len(lexicon["contractors"]) >= 120
    assert len(lexicon["weapon_systems"]) >= 200
    assert len(lexicon["agencies"]) >= 60
    assert len(lexicon["military_units"]) >= 40


def test_names_and_aliases_unique_across_file(lexicon):
    owners: dict[str, set[tuple[str, int]]] = defaultdict(set)
    labels: dict[tuple[str, int], str] = {}
    for section, index, entry in entries(lexicon):
        labels[(section, index)] = f"{section}:{entry['name']}"
        for form in surface_forms(section, entry):
            owners[fold(form)].add((section, index))
    clashes = {form: sorted(labels[o] for o in who) for form, who in owners.items() if len(who) > 1}
    assert not clashes, f"names/aliases naming more than one entity: {clashes}"


def test_no_generic_aliases(lexicon):
    bad = [
        (entry["name"], form)
        for section, _, entry in entries(lexicon)
        for form in surface_forms(section, entry)
        if fold(form) in GENERIC
    ]
    assert not bad, bad


def test_capitals_are_not_aliases_of_other_entities(lexicon):
    owners: dict[str, set[tuple[str, int]]] = defaultdict(set)
    for section, index, entry in entries(lexicon):
        for form in surface_forms(section, entry):
            owners[fold(form)].add((section, index))
    capitals: dict[str, str] = {}
    problems = []
    for index, state in enumerate(lexicon["states"]):
        if "capital" not in state:
            continue
        capital = fold(state["capital"])
        if capital in capitals:
            problems.append(f"capital {state['capital']} of {state['name']} and {capitals[capital]}")
        capitals[capital] = state["name"]
        if capital in owners and owners[capital] != {("states", index)}:
            problems.append(f"capital {state['capital']} of {state['name']} is a name/alias of {owners[capital]}")
        if capital in {fold(a) for a in state["aliases"]}:
            problems.append(f"capital {state['capital']} listed as an alias of {state['name']}")
    assert not problems, "\n".join(problems)


def test_iso_codes(lexicon):
    codes = [state["iso"] for state in lexicon["states"]]
    assert all(re.fullmatch(r"[A-Z]{2}", code) for code in codes), [c for c in codes if not re.fullmatch(r"[A-Z]{2}", c)]
    assert len(codes) == len(set(codes)), sorted(c for c in codes if codes.count(c) > 1)
    for code in ("PL", "US", "KR", "KP", "TW", "XK", "PS", "VA", "NO", "GB"):
        assert code in codes, code
    by_code = {state["iso"]: state["name"] for state in lexicon["states"]}
    assert by_code["NO"] == "Norway"  # "NO" must stay quoted, not become False


def test_countries_are_known_states(lexicon):
    codes = {state["iso"] for state in lexicon["states"]}
    unknown = [
        (section, entry["name"], entry["country"])
        for section in ("agencies", "contractors", "military_units")
        for entry in lexicon[section]
        if entry["country"] not in codes
    ]
    assert not unknown, unknown


def category_scheme() -> str:
    """The concept scheme whose concepts the annotation format's `category` takes."""
    text = ANNOTATION_FORMAT.read_text(encoding="utf-8")
    match = re.search(r"category:.*?concepts of akg:(\w+)", text)
    assert match, "docs/annotation-format.md no longer names the scheme of `category`"
    return match.group(1)


def weapon_categories() -> set[str]:
    graph = Graph()
    graph.parse(ONTOLOGY, format="turtle")
    scheme = AKG[category_scheme()]
    assert (scheme, RDF.type, SKOS.ConceptScheme) in graph, scheme
    concepts = set(graph.subjects(SKOS.inScheme, scheme))
    names = {str(c).removeprefix(str(AKG)) for c in concepts if str(c).startswith(str(AKG))}
    assert names, f"no concepts in {scheme}"
    return names


def test_weapon_categories_exist_in_ontology(lexicon):
    categories = weapon_categories()
    bad = [
        (entry["name"], entry["category"])
        for entry in lexicon["weapon_systems"]
        if "category" in entry and entry["category"] not in categories
    ]
    assert not bad, f"unknown categories (known: {sorted(categories)}): {bad}"


def test_makers_are_listed_contractors(lexicon):
    contractor_forms = {
        fold(form) for entry in lexicon["contractors"] for form in [entry["name"], *entry["aliases"]]
    }
    bad = [
        (entry["name"], entry["maker"])
        for entry in lexicon["weapon_systems"]
        if "maker" in entry and fold(entry["maker"]) not in contractor_forms
    ]
    assert not bad, bad


def test_titles(lexicon):
    titles = lexicon["titles"]
    assert isinstance(titles, dict) and set(titles) == {"official", "corporate"}
    for kind, words in titles.items():
        assert isinstance(words, list) and words, kind
        assert all(isinstance(w, str) and w.strip() for w in words), kind
        duplicates = sorted({w for w in words if words.count(w) > 1})
        assert not duplicates, f"{kind}: {duplicates}"
    for required in ("President", "Prime Minister", "Defence Minister", "Defense Minister", "General", "Gen.", "Admiral"):
        assert required in titles["official"], required
    for required in ("chief executive", "CEO", "chairman"):
        assert required in titles["corporate"], required
