"""Time retracting sources (``kg unload``) on a synthetic graph, on a fresh engine of either kind.

    .venv/bin/python tools/bench_unload.py --engine arcadedb --facts 100000 --unloads 10

Synthesises a corpus of about ``--facts`` facts (``kg synth``), loads it into a fresh engine
(``kg.bench.fresh_engine``), then retracts ``--unloads`` sources spread over the corpus one by one
(each its own transaction, as ``kg unload`` runs it) and prints the seconds of each and their
median as JSON. The figures in BENCHMARKS.md ("Retraction by index") come from this script.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from kg import cypher
from kg.bench import FACTS_PER_EVENT, fresh_engine, machine
from kg.graph import Graph
from kg.store import Store
from loaders.pipeline import Loader
from loaders.synthetic import synthesize


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=("arcadedb", "neo4j"), default="arcadedb")
    parser.add_argument("--facts", type=int, default=100_000)
    parser.add_argument("--unloads", type=int, default=10)
    parser.add_argument("--heap", default="4g")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-unload-"))
    try:
        corpus = workdir / "corpus"
        made = synthesize(max(10, round(args.facts / FACTS_PER_EVENT)), args.seed, corpus)
        with fresh_engine(workdir, args.heap, args.engine) as settings, Graph.open(settings) as graph:
            started = time.perf_counter()
            summary = Loader(graph).load([corpus], workers=2, batch=100)
            load_seconds = time.perf_counter() - started
            counts = graph.counts()
            ids = [row["id"] for row in graph.read(cypher.SOURCES_PAGE, skip=0, limit=made.sources)]
            step = max(1, len(ids) // args.unloads)
            chosen = ids[::step][: args.unloads]
            store = Store(graph)
            seconds = []
            for source_id in chosen:
                started = time.perf_counter()
                store.unload(source_id)
                seconds.append(time.perf_counter() - started)
        print(json.dumps({
            "engine": args.engine, "facts": args.facts, "events": made.events, "sources": made.sources,
            "nodes": counts.nodes, "relationships": counts.relationships, "rejected": len(summary.rejected),
            "load_seconds": round(load_seconds, 1), "unload_seconds": [round(s, 3) for s in seconds],
            "unload_median_seconds": round(statistics.median(seconds), 3), "machine": machine(args.engine),
        }, indent=2))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
