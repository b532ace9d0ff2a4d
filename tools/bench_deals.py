"""Time linking deals through the graph, source by source, on a fresh engine of either kind.

    .venv/bin/python tools/bench_deals.py --events 10000 --engines arcadedb,neo4j --reps 3

For each size: a synthetic corpus (``kg synth``, ``--seed``), checked once (``Loader.prepared``, as
``kg load`` checks), then written into a fresh engine of each kind through ``Loader.write`` with
linking on (``--link-every``: after every batch, as ``kg load`` links, or in fewer, larger steps), all
but two sources held out:

- a **quiet** source: it tells deals of a recipient with few claims in the corpus;
- a **busy** source: it tells deals of the corpus's busiest recipient.

Then, after one untimed round of the quiet source (a fresh engine's first runs of each statement are
slow), ``--reps`` times each, on that graph: the held-out source loaded (``Loader.load`` of its file, as
``kg load FILE`` does) and unloaded, with linking on, then the same with ``Loader(graph,
link_deals=False)``; and a judgement (``loaders.deals.relink.judge``, "not the same deal") about two
claims of the busy recipient's largest deal, then forgotten, against saving and deleting the judgement
node alone. Each row gives the medians (and the slowest) of the wall time, of the linking time the
loader reports (``LoadSummary.deals.seconds``, ``Loader.deal_changes.seconds``, ``DealChanges.seconds``)
and of the same step without linking, so linking's share is visible. ``--profile`` runs the busy load
once more under cProfile and prints where its time went. ``--corpora DIR`` keeps the corpora and their
checked rows for the next run (checking 100k events takes most of an hour on 2 cores).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import logging
import os
import pickle
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.bench import ENGINES, engine_version, fresh_engine, machine
from kg.cypher import Cypher
from kg.deal_store import DealStore
from kg.graph import Graph
from kg.property_graph import SourceRows
from loaders.deals.claims import Claim, claims_from_rows, recipient_keys
from loaders.deals.relink import DealChanges, forget, judge
from loaders.pipeline import Loader, Rejected, expand
from loaders.synthetic import synthesize

#: The deals in the graph and their claims' links.
COUNT_DEALS = Cypher("MATCH (d:Deal) OPTIONAL MATCH (d)<-[r:TELLS_DEAL]-() RETURN count(DISTINCT d) AS deals, count(r) AS links")
#: Fewest claims the quiet source's recipient has in the corpus (so that there is something to link against).
QUIET_AT_LEAST = 3


@dataclass
class Held:
    """A source kept out of the bulk load, to be loaded and unloaded one at a time."""

    kind: str  # quiet | busy
    path: Path
    source_id: str
    recipient: str
    recipient_claims: int  # the recipient's claims in the whole corpus
    claims: int  # the source's own deal claims


@dataclass
class Corpus:
    events: int
    files: list[Path]
    sources: list[SourceRows]  # checked, in file order, the held-out ones left out
    held: list[Held]
    claims: int
    rejected: int
    check_seconds: float
    busiest: str


@dataclass
class Timings:
    """One step's figures over the repetitions."""

    wall: list[float] = field(default_factory=list)
    linking: list[float] = field(default_factory=list)
    plain: list[float] = field(default_factory=list)  # the same step without linking
    written: list[int] = field(default_factory=list)  # deals written by linking
    claims: list[int] = field(default_factory=list)  # claims in the deals written


def _median(values: Sequence[float]) -> float | None:
    return round(statistics.median(values), 3) if values else None


def _max(values: Sequence[float]) -> float | None:
    return round(max(values), 3) if values else None


@contextmanager
def _timed(into: list[float]) -> Iterator[None]:
    started = time.perf_counter()
    yield
    into.append(time.perf_counter() - started)


def _load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


# -- the corpus ----------------------------------------------------------------------------------------


def corpus_dir(root: Path, events: int, seed: int) -> Path:
    """The ``kg synth`` output for a size, made once under ``root`` and reused."""
    out = root / f"synth-{events}-seed{seed}"
    done = out / ".complete"
    if not done.exists():
        shutil.rmtree(out, ignore_errors=True)
        synthesize(events, seed, out)
        done.write_text("", encoding="utf-8")
    return out


def check(loader: Loader, folder: Path, events: int, workers: int, keep: bool) -> Corpus:
    """Every file of the corpus checked once (``keep``: the rows kept beside the corpus and read from there
    next time); the quiet and busy sources chosen and held out."""
    files = expand([folder])
    kept = folder.parent / f"{folder.name}.checked.pickle"
    started = time.perf_counter()
    if keep and kept.exists():
        checked, rejected, check_seconds = pickle.loads(kept.read_bytes())
    else:
        checked, rejected = [], 0
        for path, (prepared, _) in loader.prepared(files, workers):
            if isinstance(prepared, Rejected):
                rejected += 1
            else:
                checked.extend((path, rows) for rows in prepared)
        check_seconds = time.perf_counter() - started
        if keep:
            kept.write_bytes(pickle.dumps((checked, rejected, check_seconds)))
    claims_of = {rows.source_id: claims_from_rows([rows]) for _, rows in checked}
    per_recipient: Counter[str] = Counter(k for cs in claims_of.values() for c in cs for k in recipient_keys(c.recipients))
    busiest = per_recipient.most_common(1)[0][0]
    held = [_quiet(checked, claims_of, per_recipient), _busy(checked, claims_of, per_recipient, busiest)]
    out = {h.source_id for h in held}
    return Corpus(events, files, [rows for _, rows in checked if rows.source_id not in out], held,
                  sum(map(len, claims_of.values())), rejected, check_seconds, busiest)


def _keys(claims: Sequence[Claim]) -> set[str]:
    return {k for c in claims for k in recipient_keys(c.recipients)}


def _quiet(checked: Sequence[tuple[Path, SourceRows]], claims_of: dict[str, list[Claim]],
           per_recipient: Counter[str]) -> Held:
    """The source whose busiest recipient has the fewest claims, at least QUIET_AT_LEAST (ties: file order)."""
    best: tuple[int, Path, SourceRows, str] | None = None
    for path, rows in checked:
        keys = _keys(claims_of[rows.source_id])
        if not keys:
            continue
        top = max(keys, key=lambda k: (per_recipient[k], k))
        if per_recipient[top] >= QUIET_AT_LEAST and (best is None or per_recipient[top] < best[0]):
            best = (per_recipient[top], path, rows, top)
    if best is None:
        raise SystemExit("the corpus has no recipient with at least 3 claims: make it larger (--events)")
    count, path, rows, top = best
    return Held("quiet", path, rows.source_id, top, count, len(claims_of[rows.source_id]))


def _busy(checked: Sequence[tuple[Path, SourceRows]], claims_of: dict[str, list[Claim]],
          per_recipient: Counter[str], busiest: str) -> Held:
    """The first source (file order) that tells a claim of the busiest recipient, in the middle of the corpus."""
    middle = checked[len(checked) // 2:] + checked[:len(checked) // 2]
    path, rows = next((p, r) for p, r in middle if busiest in _keys(claims_of[r.source_id]))
    return Held("busy", path, rows.source_id, busiest, per_recipient[busiest], len(claims_of[rows.source_id]))


# -- on one engine ---------------------------------------------------------------------------------------


def build(loader: Loader, corpus: Corpus, batch: int, link_every: int) -> dict[str, Any]:
    """The corpus but the held-out sources written with linking on: ``batch`` new sources a transaction,
    linked every ``link_every`` sources (``kg load`` links every batch: ``link_every`` = ``batch``)."""
    started, load_before = time.perf_counter(), _load_average()
    linking = DealChanges()
    step = max(link_every, len(corpus.sources) // 20 // link_every * link_every)  # progress every 5% or so
    for i in range(0, len(corpus.sources), link_every):
        loader.deal_changes = DealChanges()
        loader.write(corpus.sources[i:i + link_every], batch)
        linking.add(loader.deal_changes)
        if (i + link_every) % step == 0:
            print(f"setup: {min(i + link_every, len(corpus.sources)):,} of {len(corpus.sources):,} sources written in "
                  f"{time.perf_counter() - started:.0f} s (linking {linking.seconds:.0f} s), load average "
                  f"{_load_average()}", file=sys.stderr, flush=True)
    counts = loader.graph.counts()
    deals = loader.graph.read(COUNT_DEALS)[0]
    return {"sources_written": len(corpus.sources), "setup_seconds": round(time.perf_counter() - started, 1),
            "setup_linking_seconds": round(linking.seconds, 1), "nodes": counts.nodes,
            "relationships": counts.relationships, "deals": deals["deals"], "claims_linked": deals["links"],
            "load_average_setup": [load_before, _load_average()]}


def time_source(linked: Loader, plain: Loader, held: Held, reps: int) -> tuple[Timings, Timings]:
    """Load and unload the held-out source ``reps`` times with linking, then without; (load, unload)."""
    load, unload = Timings(), Timings()
    for _ in range(reps):
        with _timed(load.wall):
            summary = linked.load([held.path])
        _expect_one(summary.reports, held)
        load.linking.append(summary.deals.seconds)
        load.written.append(summary.deals.written)
        load.claims.append(summary.deals.claims)
        with _timed(unload.wall):
            linked.unload(held.source_id)
        unload.linking.append(linked.deal_changes.seconds)
        unload.written.append(linked.deal_changes.written)
        unload.claims.append(linked.deal_changes.claims)
        with _timed(load.plain):
            _expect_one(plain.load([held.path]).reports, held)
        with _timed(unload.plain):
            plain.unload(held.source_id)
    return load, unload


def _expect_one(reports: Sequence[Any], held: Held) -> None:
    if [(r.source_id, r.action) for r in reports] != [(held.source_id, "created")]:
        raise RuntimeError(f"{held.path}: expected {held.source_id} created, got {[(r.source_id, r.action) for r in reports]}")


def time_judgement(store: DealStore, recipient: str, reps: int) -> tuple[Timings, Timings, dict[str, Any]]:
    """"Not the same deal" about two claims of the recipient's largest deal, then forgotten, ``reps`` times;
    against saving and deleting the judgement node alone. (judge, forget, the deal judged)."""
    by_deal: dict[str, list[str]] = defaultdict(list)
    for x in store.links(store.deals_of_recipients([recipient])):
        by_deal[x.deal].append(x.claim)
    deal, claims = max(by_deal.items(), key=lambda kv: (len(kv[1]), kv[0]))
    if len(claims) < 2:
        raise RuntimeError(f"no deal of {recipient} has two claims to judge")
    a, b = sorted(claims)[:2]
    judged, forgotten = Timings(), Timings()
    for _ in range(reps):
        with _timed(judged.wall):
            changes = judge(store, a, b, same=False, by="bench")
        judged.linking.append(changes.seconds)
        judged.written.append(changes.written)
        judged.claims.append(changes.claims)
        with _timed(forgotten.wall):
            if not forget(store, a, b):
                raise RuntimeError(f"the judgement about {a} and {b} was not found")
        props = {"id": f"judgement:{a}|{b}", "claimA": a, "claimB": b, "sameDeal": False, "judgedBy": "bench"}
        with _timed(judged.plain):
            store.save_judgement(props)
        with _timed(forgotten.plain):
            store.delete_judgement(props["id"])
    return judged, forgotten, {"deal": deal, "deal_claims": len(claims)}


def profile(loader: Loader, held: Held, top: int) -> str:
    """Where one more load of the source spends its time (cProfile, cumulative)."""
    profiler = cProfile.Profile()
    profiler.enable()
    loader.load([held.path])
    profiler.disable()
    loader.unload(held.source_id)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def on_engine(engine_name: str, corpus: Corpus | None, folder: Path, events: int, args: argparse.Namespace,
              workdir: Path) -> tuple[Corpus, dict[str, Any]]:
    """Everything measured on one fresh engine; the corpus is checked on the first engine and kept."""
    with fresh_engine(workdir, args.heap, engine_name) as settings, Graph.open(settings) as graph:
        linked, plain = Loader(graph), Loader(graph, link_deals=False)
        corpus = corpus or check(linked, folder, events, args.workers, keep=args.corpora is not None)
        figures: dict[str, Any] = {"engine": engine_name, "events": corpus.events, "files": len(corpus.files),
                                   "rejected": corpus.rejected, "deal_claims": corpus.claims,
                                   "check_seconds": round(corpus.check_seconds, 1), "busiest": corpus.busiest}
        figures.update(build(linked, corpus, args.batch, args.link_every or args.batch))
        figures["held"] = [{"kind": h.kind, "source": h.source_id, "recipient": h.recipient,
                            "recipient_claims": h.recipient_claims, "claims": h.claims} for h in corpus.held]
        steps: dict[str, Timings] = {}
        time_source(linked, plain, corpus.held[0], 1)  # a first load pays the engine's first runs of the statements
        before = _load_average()
        for held in corpus.held:
            steps[f"load {held.kind}"], steps[f"unload {held.kind}"] = time_source(linked, plain, held, args.reps)
        store = DealStore(graph)
        steps["judge (busy)"], steps["forget (busy)"], figures["judged"] = time_judgement(store, corpus.busiest, args.reps)
        figures["load_average_steps"] = [before, _load_average()]
        figures["steps"] = {name: _summary(t) for name, t in steps.items()}
        if args.profile:
            figures["profile_busy_load"] = profile(linked, next(h for h in corpus.held if h.kind == "busy"), args.profile)
        figures["machine"] = machine(engine_name)
        figures["machine"]["engine"] = engine_version(settings) or figures["machine"]["engine"]
    return corpus, figures


def _summary(t: Timings) -> dict[str, Any]:
    wall, linking = _median(t.wall), _median(t.linking)
    return {"reps": len(t.wall), "wall_s": wall, "wall_max_s": _max(t.wall), "linking_s": linking,
            "linking_max_s": _max(t.linking), "without_linking_s": _median(t.plain),
            "linking_share": round(linking / wall, 2) if wall and linking is not None else None,
            "deals_written": int(statistics.median(t.written)) if t.written else None,
            "claims_in_deals_written": int(statistics.median(t.claims)) if t.claims else None}


# -- output --------------------------------------------------------------------------------------------------

def table(results: Sequence[dict[str, Any]]) -> str:
    lines = []
    for r in results:
        quiet, busy = r["held"]
        lines += [
            f"## {r['engine']}, {r['events']:,} events: {r['files']:,} files, {r['deal_claims']:,} deal claims; "
            f"{r['deals']:,} deals, {r['claims_linked']:,} claims linked, {r['nodes']:,} nodes, "
            f"{r['relationships']:,} relationships",
            f"setup: checked in {r['check_seconds']} s; written with linking in {r['setup_seconds']} s "
            f"(linking {r['setup_linking_seconds']} s); load average {r['load_average_setup']}",
            f"quiet source {quiet['source']} ({quiet['claims']} claims; recipient {quiet['recipient']}, "
            f"{quiet['recipient_claims']} claims); busy source {busy['source']} ({busy['claims']} claims; recipient "
            f"{busy['recipient']}, {busy['recipient_claims']} claims); judged: {r['judged']['deal']} "
            f"({r['judged']['deal_claims']} claims)",
            f"steps: load average {r['load_average_steps']}",
            "step | reps | wall s (median, max) | linking s (median, max) | share | without linking s | deals written | claims in them",
            "---|---:|---:|---:|---:|---:|---:|---:",
        ]
        for name, s in r["steps"].items():
            lines.append(f"{name} | {s['reps']} | {s['wall_s']}, {s['wall_max_s']} | {s['linking_s']}, "
                         f"{s['linking_max_s']} | {s['linking_share']} | {s['without_linking_s']} | "
                         f"{s['deals_written']} | {s['claims_in_deals_written']}")
        lines.append("")
        if r.get("profile_busy_load"):
            lines += ["profile of one more busy load (cumulative):", r["profile_busy_load"]]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", default="10000", help="comma-separated corpus sizes, in events")
    parser.add_argument("--engines", default="arcadedb", help="comma-separated: arcadedb, neo4j")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--heap", default="4g")
    parser.add_argument("--workers", type=int, default=2, help="checking processes")
    parser.add_argument("--batch", type=int, default=100, help="new sources a transaction in the setup")
    parser.add_argument("--link-every", type=int, default=0,
                        help="sources written between linking steps in the setup (default: --batch, as kg load "
                             "links; more than the corpus holds: linked once, after everything is written)")
    parser.add_argument("--corpora", type=Path,
                        help="keep the kg synth corpora and their checked rows here and reuse them (delete them when "
                             "the loader's checks change)")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="profile one more busy load; print N lines")
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    args = parser.parse_args()
    # A fresh Neo4j warns of every property key and type it has not seen yet: noise here.
    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)
    try:
        sizes = [int(x) for x in args.events.split(",")]
    except ValueError:
        parser.error(f"--events {args.events!r}: a comma-separated list of whole numbers")
    engines = args.engines.split(",")
    unknown = [e for e in engines if e not in ENGINES]
    if unknown:
        parser.error(f"--engines: unknown engine {unknown[0]!r} (one of {', '.join(ENGINES)})")
    if any(n < 10 for n in sizes) or args.reps < 1:
        parser.error("--events needs at least 10 events and --reps at least 1")
    workdir = Path(tempfile.mkdtemp(prefix="bench-deals-"))
    results = []
    try:
        for events in sizes:
            folder = corpus_dir(args.corpora or workdir, events, args.seed)
            corpus: Corpus | None = None
            for engine_name in engines:
                corpus, figures = on_engine(engine_name, corpus, folder, events, args, workdir)
                results.append(figures)
                if not args.json:
                    print(table([figures]), flush=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if args.json:
        print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
