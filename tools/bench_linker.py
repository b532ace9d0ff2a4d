"""Time the deal linker (``loaders.deals.linker.link``) on synthetic corpora: at once and source by source.

    .venv/bin/kg synth --events 10000 --out /tmp/me/c10k
    .venv/bin/python tools/bench_linker.py /tmp/me/c10k [/tmp/me/c100k ...] [--last 20] [--json]

For each corpus folder (``kg synth`` output): the claims of its files, then ``link()`` over all of
them (one run), then the last ``--last`` sources linked one at a time, each with ``existing`` = the
links of all the sources before it (ms per source). It measures the library only: no engine, no
graph writes.

Claims are read straight from the synthetic YAML (:func:`claims_from_synthetic`), not with
``claims_from_files``: that checks each file as a load does (RDF, resolution, SHACL), about 0.1 s a
file, which at 100k events would take hours and measure the checker, not the linker. The fields are
the same ones the pipeline gives, with ids that keep the synthetic keys (``state:<ISO>`` for states);
``--pipeline`` reads them with ``claims_from_files`` instead (small corpora only). ``--exhaustive``
times the candidate search that compares every pair within a recipient instead of the indexed one.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from loaders.deals import blocking, linker
from loaders.deals.claims import DEAL_TYPES, RECIPIENT_ROLES, SUPPLIER_ROLES, Claim, claims_from_files, stage_of
from loaders.deals.linker import Link, link

#: Synthetic entity types as the canonical id kinds the resolver gives them.
KINDS = {"State": "state", "Contractor": "contractor", "GovernmentAgency": "agency", "WeaponSystem": "system",
         "Official": "person", "MilitaryUnit": "unit"}
#: libyaml's safe loader when PyYAML has it: the pure-Python one takes most of a minute for 10k events.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _entity_id(entity: dict[str, Any]) -> str:
    if entity["type"] == "State" and entity.get("iso_code"):
        return f"state:{entity['iso_code']}"
    return f"{KINDS.get(entity['type'], 'entity')}:{entity['id']}"


def claims_from_synthetic(path: Path) -> list[Claim]:
    """The deal claims of one ``kg synth`` file (an article): one source, its events in file order."""
    doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    article = doc["article"]
    source = f"source:{article['id']}"
    entities = {e["id"]: e for e in doc.get("entities", [])}
    out: list[Claim] = []
    for event in doc.get("events", []):
        if event["type"] not in DEAL_TYPES:
            continue
        roles: dict[str, set[str]] = defaultdict(set)
        for p in event.get("participants", []):
            roles[p["role"].upper()].add(_entity_id(entities[p["entity"]]))
        systems = [entities[s] for s in event.get("systems", [])]
        value = event.get("value") or {}
        out.append(Claim(
            id=f"event:{article['id']}:{event['id']}", source=source, type=event["type"],
            stage=stage_of(event["type"], event.get("status")), date=str(event["date"]) if event.get("date") else None,
            published=str(article.get("date")) if article.get("date") else None,
            recipients=frozenset(x for r in RECIPIENT_ROLES for x in roles[r]),
            suppliers=frozenset(x for r in SUPPLIER_ROLES for x in roles[r]),
            systems=frozenset(_entity_id(s) for s in systems),
            system_names=frozenset(n.lower() for s in systems for n in [s["name"], *s.get("aliases", [])]),
            contractors=frozenset(roles["CONTRACTOR"]), amount=value.get("amount"), currency=value.get("currency"),
            quantity=event.get("quantity"), part_of=None))
    return out


def read_claims(corpus: Path, pipeline: bool) -> list[list[Claim]]:
    """The corpus's claims grouped by source, sources in file-name order."""
    files = sorted(corpus.glob("*.yaml"))
    if pipeline:
        by_source: dict[str, list[Claim]] = defaultdict(list)
        for c in claims_from_files(files):
            by_source[c.source].append(c)
        return list(by_source.values())
    return [claims for claims in map(claims_from_synthetic, files) if claims]


def bench(corpus: Path, last: int, pipeline: bool) -> dict[str, Any]:
    t0 = time.perf_counter()
    sources = read_claims(corpus, pipeline)
    read_s = time.perf_counter() - t0
    everything = [c for claims in sources for c in claims]
    t0, c0 = time.perf_counter(), time.process_time()
    links = link(everything)
    once_s, once_cpu = time.perf_counter() - t0, time.process_time() - c0
    # Source by source: the links of all sources but the last ``last``, then one more source at a time.
    split = max(0, len(sources) - last)
    known = [c for claims in sources[:split] for c in claims]
    existing: Sequence[Link] = link(known)
    per_source_ms: list[float] = []
    for claims in sources[split:]:
        known.extend(claims)
        t0 = time.perf_counter()
        existing = link(known, existing=existing)
        per_source_ms.append((time.perf_counter() - t0) * 1000)
    same = {x.claim: x.deal for x in existing} == {x.claim: x.deal for x in links}
    return {"corpus": str(corpus), "files": len(list(corpus.glob("*.yaml"))), "sources": len(sources),
            "claims": len(everything), "deals": len({x.deal for x in links}),
            "read_s": round(read_s, 2), "link_s": round(once_s, 2), "link_cpu_s": round(once_cpu, 2),
            "incremental_sources": len(per_source_ms),
            "ms_per_source_median": round(statistics.median(per_source_ms), 1) if per_source_ms else None,
            "ms_per_source_max": round(max(per_source_ms), 1) if per_source_ms else None,
            "incremental_same_as_at_once": same,
            "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "load_average": [round(x, 2) for x in os.getloadavg()]}


COLUMNS = ("corpus", "sources", "claims", "deals", "read_s", "link_s", "link_cpu_s", "ms_per_source_median",
           "ms_per_source_max", "incremental_same_as_at_once", "load_average")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpora", nargs="+", type=Path, help="kg synth output folders")
    parser.add_argument("--last", type=int, default=20, help="sources linked one at a time at the end")
    parser.add_argument("--pipeline", action="store_true", help="read claims with claims_from_files (slow)")
    parser.add_argument("--exhaustive", action="store_true",
                        help="compare every pair within a recipient (the search before blocking), for comparison")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args()
    if args.exhaustive:
        linker.candidate_pairs = blocking.recipient_pairs  # type: ignore[assignment]
    for corpus in args.corpora:
        if not corpus.is_dir() or not any(corpus.glob("*.yaml")):
            parser.error(f"{corpus}: not a folder of kg synth files (*.yaml)")
    rows = [bench(corpus, args.last, args.pipeline) for corpus in args.corpora]
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    print(" | ".join(COLUMNS))
    for row in rows:
        print(" | ".join(str(row[c]) for c in COLUMNS))


if __name__ == "__main__":
    main()
