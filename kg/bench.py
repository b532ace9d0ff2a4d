"""Benchmarks of load, validation and API on either local engine, measured side by side.

``kg bench`` runs everything here in one go and prints a table (and writes
JSON). Each corpus size gets its own synthetic corpus
(:mod:`loaders.synthetic`) and its own fresh engines, so no figure depends on
what an earlier step left behind. The engines are of the kind ``--engine``
names: the embedded ArcadeDB (``arcadedb``, the default) or a real Neo4j
(``neo4j``, :mod:`kg.engines.neo4j.server`; Neo4j Community serves one database, so
each fresh graph is a fresh server):

1. **End-to-end load**: ``kg load DIR --json`` in a child process, as users
   run it (``workers`` checking processes, ``batch`` new sources to a
   transaction), timed from outside; its peak memory is the child's
   ``ru_maxrss`` (taken by a small launcher, so the bench's own memory is not
   counted) and the engine's is its ``VmHWM``. The loader's own timings
   split its work into checking (CPU, summed over the checking processes) and
   writing. The CPU of the loader's processes and of the engine over the load
   says how many cores the load kept busy, and what share of that CPU the
   checking took.
2. **Raw ceiling**: the very nodes and relationships that load produced
   (read back with :meth:`kg.store.Store.dump`) written into a fresh engine by
   plain ``UNWIND ... CREATE`` batches of 5000 (the loader's own claim
   statements, which are exactly that), with the same uniqueness constraints
   and no validation, resolution or provenance bookkeeping.
3. **rdflib-neo4j**, when installed (``pip install -e '.[bench]'``): the same
   graph as RDF (``kg export``) written through its ``Neo4jStore``, up to
   ``rdflib_max`` facts (it is slower than our loader, and the run has to end),
   on a fresh engine again when the engine refuses one of its writes.
4. **Validation**: the SHACL share of the load, from the loader's own
   timings, per source and per triple at every size (flat = linear).
5. **API latency**: ``kg serve`` in a child process on the largest loaded
   graph; search, entity, neighbours at depth 2, paths up to 4 hops and sales
   filters, with 1 and 8 concurrent clients, p50/p95/p99.

Facts are property-graph elements (nodes plus relationships) in the graph
after the load: the unit every writer here produces, so ratios compare like
with like.
"""

from __future__ import annotations

import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stdout
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import httpx
import psutil

from kg import cypher
from kg.cypher import Cypher
from kg.engines.arcadedb import server as engine
from kg.engines.neo4j import server as neo4j_engine
from kg.graph import Graph, GraphCounts, connection_for
from kg.ontology import load_ontology
from kg.schema import apply_schema
from kg.settings import Neo4jSettings, Settings
from kg.store import Store
from loaders.synthetic import synthesize

#: Facts (nodes + relationships) one synthetic event yields on average, measured on seed 1; sizes the corpora.
FACTS_PER_EVENT = 27.0
#: Endpoints timed, with the clients tried for each.
ENDPOINTS = ("search", "entity", "neighbours", "paths", "sales")
RAW_BATCH = 5000
#: The local engines a benchmark can run on.
ENGINES = ("arcadedb", "neo4j")
#: What rdflib-neo4j wrote between its resources (one relationship per object triple, rdf:type aside).
RDFLIB_RELATIONSHIPS = Cypher("MATCH (:Resource)-[r]->(:Resource) RETURN count(r) AS relationships")
#: Neo4j's name and version, for the report (Neo4j only: ArcadeDB's comes from its package).
NEO4J_COMPONENTS = Cypher("CALL dbms.components() YIELD name, versions, edition RETURN name, versions, edition")


@dataclass
class LoadFigures:
    target_facts: int
    events: int
    sources: int
    workers: int = 1
    batch: int = 1
    nodes: int = 0
    relationships: int = 0
    seconds: float = 0.0
    check_seconds: float = 0.0  # CPU, summed over the checking processes
    write_seconds: float = 0.0  # linking the deals included
    link_seconds: float = 0.0  # linking the claims into deals (part of write_seconds)
    loader_cpu_seconds: float = 0.0  # the loader's processes in all: checking, writing, startup
    engine_cpu_seconds: float = 0.0  # the engine's during the load
    loader_peak_mb: float = 0.0
    engine_peak_mb: float = 0.0
    raw_seconds: float = 0.0
    raw_nodes: int = 0  # what the raw writer left in its engine: must equal nodes and relationships
    raw_relationships: int = 0
    rdflib_neo4j_seconds: float | None = None
    rdflib_neo4j_note: str = ""

    @property
    def facts(self) -> int:
        return self.nodes + self.relationships

    def derived(self) -> dict[str, Any]:
        raw_rate = self.facts / self.raw_seconds if self.raw_seconds else None
        rate = self.facts / self.seconds if self.seconds else None
        other = self.facts / self.rdflib_neo4j_seconds if self.rdflib_neo4j_seconds else None
        return {
            "facts": self.facts,
            "facts_per_s": rate,
            "relationships_per_s": self.relationships / self.seconds if self.seconds else None,
            "raw_facts_per_s": raw_rate,
            "ratio_to_raw": rate / raw_rate if rate and raw_rate else None,
            "rdflib_neo4j_facts_per_s": other,
            "ratio_to_rdflib_neo4j": rate / other if rate and other else None,
            # of the loader's work (checking summed over its processes, plus writing): with
            # several checking processes it overlaps the writes, so wall-clock shares would not add up
            "validation_share": self.check_seconds / (self.check_seconds + self.write_seconds) if self.check_seconds else None,
            "validation_ms_per_source": 1000 * self.check_seconds / self.sources if self.sources else None,
            "validation_facts_per_s": self.facts / self.check_seconds if self.check_seconds else None,
            # CPU the load kept busy, in cores: at the machine's core count, the load is bound by CPU
            "cores_busy": (self.loader_cpu_seconds + self.engine_cpu_seconds) / self.seconds if self.seconds else None,
            "check_share_of_cpu": self.check_seconds / (self.loader_cpu_seconds + self.engine_cpu_seconds)
            if self.loader_cpu_seconds else None,
        }


@dataclass
class Latency:
    endpoint: str
    clients: int
    requests: int
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float


@dataclass
class BenchReport:
    machine: dict[str, Any]
    command: str
    loads: list[LoadFigures] = field(default_factory=list)
    api_graph: dict[str, int] = field(default_factory=dict)
    latencies: list[Latency] = field(default_factory=list)
    api_peak_mb: float = 0.0  # summed over the API's processes (the server and its workers)
    api_workers: int = 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "machine": self.machine, "command": self.command,
            "loads": [{**asdict(f), **f.derived()} for f in self.loads],
            "api_graph": self.api_graph, "latencies": [asdict(x) for x in self.latencies], "api_peak_mb": self.api_peak_mb,
            "api_workers": self.api_workers,
        }


def machine(engine_name: str = "arcadedb") -> dict[str, Any]:
    """What the figures were measured on. Neo4j's version is read from a running server
    (:func:`engine_version`), so it is filled in on the graph the API is timed on."""
    mem_kb = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")), 0)
    if engine_name == "neo4j":
        version = "neo4j (version read from the engine the API is timed on)"
    else:
        import arcadedb_embedded  # the engine's version is part of the measurement

        version = f"arcadedb-embedded {getattr(arcadedb_embedded, '__version__', '?')}"
    return {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
            "memory_gb": round(mem_kb / 2**20, 1), "engine_name": engine_name, "engine": version}


def engine_version(settings: Settings) -> str | None:
    """``neo4j 5.26.0 community`` from ``CALL dbms.components()`` on a Neo4j; None on the embedded engine."""
    if not settings.local_neo4j:
        return None
    with Graph.open(settings) as graph:
        rows = graph.read(NEO4J_COMPONENTS)
    return "; ".join(f"{r['name']} {', '.join(r['versions'])} {r['edition']}".lower() for r in rows)


def engine_name_of(settings: Settings) -> str:
    return "neo4j" if settings.local_neo4j else "arcadedb"


def neo4j_pagecache(heap: str) -> str:
    """The page cache a benchmark's Neo4j gets for a ``--heap``: half of it, at least 512m."""
    mb = int(heap[:-1]) * (1024 if heap[-1] in "gG" else 1)
    return f"{max(512, mb // 2)}m"


def engine_pid(settings: Settings) -> int | None:
    """The pid of the engine JVM ``settings`` point at, whichever kind it is."""
    return (neo4j_engine if settings.local_neo4j else engine).status(settings.kg).pid


# -- engines ------------------------------------------------------------------------------


@contextmanager
def fresh_engine(workdir: Path, heap: str, engine_name: str = "arcadedb") -> Iterator[Settings]:
    """An engine of its own (the embedded ArcadeDB, or a Neo4j server with ``heap`` and
    :func:`neo4j_pagecache`), in a new folder on free ports; stopped and deleted on exit."""
    home = Path(tempfile.mkdtemp(prefix="engine-", dir=workdir))
    try:
        if engine_name == "neo4j":
            server = neo4j_engine.scratch_server(home, neo4j_heap=heap, neo4j_pagecache=neo4j_pagecache(heap),
                                                 engine_start_timeout=180)
        else:
            server = engine.scratch_engine(home, engine_heap=heap)
        with server as kg:
            yield Settings(neo4j=Neo4jSettings(uri=None), kg=kg)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def _env(settings: Settings, **extra: str) -> dict[str, str]:
    """This process's environment, pointed at the engine of ``settings`` alone."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "KG_"))}
    pointed = neo4j_engine.environment(settings.kg) if settings.local_neo4j else engine.environment(settings.kg)
    return {**inherited, **pointed, **extra}


def _peak_mb_of_pid(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _peak_mb_of_tree(pid: int) -> float:
    """The peaks of a process and of every process under it (the API's workers and multiprocessing's
    resource tracker), summed."""
    tree = [pid, *(child.pid for child in psutil.Process(pid).children(recursive=True))]
    return sum(_peak_mb_of_pid(p) for p in tree)


# Linux adds a process's memory high-water mark at exec to the ru_maxrss of what it runs:
# a child started straight from the bench would report the bench's own peak (every graph
# dump it holds) as the loader's. This launcher, a fresh interpreter of a few MB, runs the
# measured command and writes the command's ru_maxrss (KB) to the file it is given.
# The usage wait4 reports for a child includes the processes it waited for in turn (the
# loader's checking processes), so its CPU time is the whole load's on the Python side.
_LAUNCHER = """
import os, subprocess, sys
proc = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(proc.pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(f"{usage.ru_maxrss} {usage.ru_utime + usage.ru_stime}")
sys.exit(os.waitstatus_to_exitcode(status) & 0xFF)
"""


class Measured(NamedTuple):
    """A child run to its end, measured from outside."""

    seconds: float
    peak_mb: float  # its ru_maxrss: the largest of it and the processes it waited for
    cpu_seconds: float  # user + system, its own and that of every process it waited for
    stdout: str
    returncode: int = 0
    stderr: str = ""  # its tail


def _run_measured(argv: list[str], env: dict[str, str]) -> Measured:
    """Run a child to the end, timed and measured by a launcher of its own (see above)."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as errors, \
            tempfile.NamedTemporaryFile("r") as usage:
        returncode = subprocess.call([sys.executable, "-c", _LAUNCHER, usage.name, *argv], env=env, stdout=out, stderr=errors)
        seconds = time.perf_counter() - started
        out.seek(0)
        errors.seek(0)
        error_tail = errors.read().decode(errors="replace")[-2000:]
        if returncode not in (0, 1):
            raise RuntimeError(f"{' '.join(argv)} failed ({returncode}): {error_tail}")
        maxrss_kb, cpu = usage.read().split()
        return Measured(seconds, int(maxrss_kb) / 1024, float(cpu), out.read().decode(), returncode, error_tail)


def _cpu_seconds_of_pid(pid: int) -> float:
    times = psutil.Process(pid).cpu_times()
    return times.user + times.system


# -- load, raw ceiling, rdflib-neo4j --------------------------------------------------------


def measure_load(target_facts: int, seed: int, workdir: Path, heap: str, rdflib_max: int = 200_000,
                 then: Callable[[Settings], None] | None = None, workers: int = 2, batch: int = 100,
                 engine_name: str = "arcadedb") -> LoadFigures:
    """Synthesize a corpus of about ``target_facts`` facts and time every writer on it, each
    on a fresh engine of the kind ``engine_name`` names.

    ``then`` runs on the loaded engine before it is stopped (the API latencies).
    """
    corpus = workdir / f"corpus-{target_facts}"
    shutil.rmtree(corpus, ignore_errors=True)
    made = synthesize(max(10, round(target_facts / FACTS_PER_EVENT)), seed, corpus)
    figures = LoadFigures(target_facts=target_facts, events=made.events, sources=made.sources, workers=workers, batch=batch)
    with fresh_engine(workdir, heap, engine_name) as settings:
        pid = engine_pid(settings)
        engine_cpu = _cpu_seconds_of_pid(pid) if pid else 0.0
        load = _run_measured([sys.executable, "-m", "kg.cli", "load", str(corpus), "--json"],
                             _env(settings, KG_LOAD_WORKERS=str(workers), KG_LOAD_BATCH=str(batch)))
        try:
            report = json.loads(load.stdout)
        except json.JSONDecodeError:  # exit code 1 is also a crash's: say what it wrote
            raise RuntimeError(f"kg load {corpus} printed no JSON (exit code {load.returncode}): {load.stderr}") from None
        figures.seconds, figures.loader_peak_mb, figures.loader_cpu_seconds = load.seconds, load.peak_mb, load.cpu_seconds
        figures.check_seconds, figures.write_seconds = report["timings"]["check_seconds"], report["timings"]["write_seconds"]
        figures.link_seconds = report["timings"]["link_seconds"]
        if pid:
            figures.engine_cpu_seconds = _cpu_seconds_of_pid(pid) - engine_cpu
            figures.engine_peak_mb = _peak_mb_of_pid(pid)
        with Graph.open(settings) as graph:
            # The facts the sources state: the deals derived from them are the loader's extra work, not
            # facts the raw writer and rdflib-neo4j are given (kg.cypher.DERIVED_LABELS).
            nodes, rels = Store(graph).dump()
            figures.nodes, figures.relationships = len(nodes), len(rels)
        figures.raw_seconds, raw = raw_ceiling(nodes, rels, workdir, heap, engine_name)
        figures.raw_nodes, figures.raw_relationships = raw.nodes, raw.relationships
        if figures.facts <= rdflib_max:
            figures.rdflib_neo4j_seconds, figures.rdflib_neo4j_note = rdflib_neo4j(nodes, rels, workdir, heap,
                                                                                   engine_name=engine_name)
        else:
            figures.rdflib_neo4j_note = f"not run above {rdflib_max:,} facts (--rdflib-max)"
        del nodes, rels
        if then:
            then(settings)
    shutil.rmtree(corpus, ignore_errors=True)
    return figures


def raw_ceiling(nodes: list[Any], rels: list[Any], workdir: Path, heap: str,
                engine_name: str = "arcadedb") -> tuple[float, GraphCounts]:
    """Seconds to write these nodes and relationships with plain UNWIND CREATE into a fresh engine
    (of the kind ``engine_name`` names), and what it holds then."""
    onto = load_ontology()
    by_labels: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for node in nodes:
        by_labels.setdefault(tuple(node.labels), []).append({"props": node.props})
    by_type: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for rel in rels:
        by_type.setdefault((rel.start_root, rel.type, rel.end_root), []).append(
            {"start": rel.start, "end": rel.end, "props": dict(rel.props)})
    with fresh_engine(workdir, heap, engine_name) as settings, Graph.open(settings) as graph:
        apply_schema(graph, onto)
        started = time.perf_counter()
        for labels, rows in by_labels.items():
            statement = Cypher.template(cypher.CREATE_CLAIMS, labels=":".join(labels[::-1]))
            for i in range(0, len(rows), RAW_BATCH):
                graph.write(statement, rows=rows[i:i + RAW_BATCH])
        for (start, type_, end), rows in by_type.items():
            statement = Cypher.template(cypher.CREATE_CLAIM_RELS, start=start, type=type_, end=end)
            for i in range(0, len(rows), RAW_BATCH):
                graph.write(statement, rows=rows[i:i + RAW_BATCH])
        return time.perf_counter() - started, graph.counts()


#: Fresh-engine attempts for rdflib-neo4j: the engine refuses some of its auto-commit writes.
RDFLIB_NEO4J_ATTEMPTS = 3


def rdflib_neo4j(nodes: list[Any], rels: list[Any], workdir: Path, heap: str,
                 attempts: int = RDFLIB_NEO4J_ATTEMPTS, engine_name: str = "arcadedb") -> tuple[float | None, str]:
    """Seconds for rdflib-neo4j to write the same graph as RDF into a fresh engine of the kind
    ``engine_name`` names, or why it could not.

    It writes with auto-commit statements and does not retry them; the embedded
    engine refuses some as concurrent modifications (``kg.graph`` difference 3)
    and rdflib-neo4j then raises. Such a run says nothing about its speed, so it
    is run again on a fresh engine, up to ``attempts`` times; the note says
    which attempt the figure comes from and what stopped the ones before. On
    Neo4j, the engine it was made for, the same applies should Neo4j refuse one.
    """
    try:
        from neo4j.exceptions import TransientError
        from rdflib import RDF, URIRef
        from rdflib import Graph as RdfGraph
        from rdflib_neo4j import HANDLE_VOCAB_URI_STRATEGY, Neo4jStore, Neo4jStoreConfig
    except ImportError:
        return None, "not installed (pip install -e '.[bench]')"
    from kg.property_graph import rows_to_rdf

    against = "Neo4j" if engine_name == "neo4j" else "the embedded engine"
    data = rows_to_rdf(nodes, rels, load_ontology())
    iris = {t for s, p, o in data for t in (s, o) if isinstance(t, URIRef) and p != RDF.type}
    links = sum(1 for _, p, o in data if isinstance(o, URIRef) and p != RDF.type)
    refused: list[str] = []
    for attempt in range(1, attempts + 1):
        with fresh_engine(workdir, heap, engine_name) as settings:
            conn = connection_for(settings)
            config = Neo4jStoreConfig(
                auth_data={"uri": conn.uri, "database": conn.database, "user": conn.user, "pwd": conn.password},
                handle_vocab_uri_strategy=HANDLE_VOCAB_URI_STRATEGY.IGNORE, batching=True)
            try:
                started = time.perf_counter()
                with redirect_stdout(sys.stderr):  # it prints its progress; stdout may be our JSON
                    store = RdfGraph(store=Neo4jStore(config=config))
                    for triple in data:
                        store.add(triple)
                    store.close(True)
                seconds = time.perf_counter() - started
            except TransientError as exc:
                refused.append(f"attempt {attempt}: {type(exc).__name__}: {str(exc)[:160]}")
                continue
            except Exception as exc:  # a third-party writer against our engine: any failure is a finding, not a crash
                return None, f"failed against {against}: {type(exc).__name__}: {str(exc)[:200]}"
            with Graph.open(settings) as graph:
                written = graph.read(cypher.BENCH_RESOURCES)[0]["resources"]
                linked = graph.read(RDFLIB_RELATIONSHIPS)[0]["relationships"]
        after = f" (attempt {attempt}; refused before: {'; '.join(refused)})" if refused else ""
        if (written, linked) != (len(iris), links):
            return seconds, (f"incomplete: {written:,} of {len(iris):,} resources and {linked:,} of {links:,} "
                             f"relationships written ({len(data):,} triples){after}")
        return seconds, f"complete: {len(iris):,} resources, {links:,} relationships, {len(data):,} triples{after}"
    return None, f"failed against {against} {attempts} times: {'; '.join(refused)}"


# -- API latency ---------------------------------------------------------------------------


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _requests(graph: Graph, rng: random.Random, n: int) -> dict[str, list[str]]:
    """Request paths per endpoint, with ids and names drawn from the graph (hubs and the long tail)."""
    actors = graph.read(cypher.BENCH_ACTORS)
    states = [a for a in actors if "State" in a["labels"]]
    names = [a["name"] for a in actors if a["name"]]

    def pick(pool: list[str]) -> str:
        return pool[rng.randrange(len(pool))]

    return {
        "search": [f"/entities?q={httpx.QueryParams({'q': pick(names)[:6]})['q']}&limit=20" for _ in range(n)],
        "entity": [f"/entities/{pick(actors)['id']}" for _ in range(n)],
        "neighbours": [f"/entities/{pick(actors)['id']}/neighbors?depth=2" for _ in range(n)],
        "paths": [f"/paths?{httpx.QueryParams({'from': pick(actors)['id'], 'to': pick(states)['id'], 'max_hops': 4})}"
                  for _ in range(n)],
        "sales": [f"/sales?{httpx.QueryParams({'buyer': pick(states)['name'], 'from': f'{rng.randint(1990, 2020)}'})}"
                  for _ in range(n)],
    }


def measure_api(settings: Settings, requests_per_client: int, clients: tuple[int, ...], seed: int) -> tuple[list[Latency], float]:
    """Start ``kg serve`` on the graph and time each endpoint with 1..N concurrent clients."""
    port = engine.free_port()
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve"],
                            env=_env(settings, KG_API_PORT=str(port), KG_API_WORKERS=str(settings.kg.api_workers)),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if httpx.get(f"{base}/health", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        with Graph.open(settings) as graph:
            plan = _requests(graph, random.Random(seed), requests_per_client * max(clients))
        out = []
        for endpoint in ENDPOINTS:
            for n in clients:
                out.append(_hammer(base, endpoint, plan[endpoint], n, requests_per_client))
        return out, _peak_mb_of_tree(proc.pid)
    finally:
        proc.terminate()
        proc.wait(30)


def _hammer(base: str, endpoint: str, paths: list[str], clients: int, per_client: int) -> Latency:
    timings: list[float] = []
    errors = 0
    lock = threading.Lock()

    def client(offset: int) -> None:
        nonlocal errors
        with httpx.Client(base_url=base, timeout=120) as http:
            http.get(paths[offset])  # warm the connection; not timed
            for path in paths[offset:offset + per_client]:
                started = time.perf_counter()
                try:
                    status = http.get(path).status_code
                except httpx.HTTPError:  # a timeout (120 s) or a dropped connection: an error, not a time
                    with lock:
                        errors += 1
                    continue
                elapsed = time.perf_counter() - started
                with lock:
                    timings.append(elapsed * 1000)
                    errors += status >= 500
    threads = [threading.Thread(target=client, args=(i * per_client,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return Latency(endpoint, clients, len(timings), errors, _percentile(timings, 0.5), _percentile(timings, 0.95),
                   _percentile(timings, 0.99))


# -- the whole run ---------------------------------------------------------------------------


def measure_api_into(report: BenchReport, settings: Settings, requests_per_client: int, clients: tuple[int, ...],
                     seed: int) -> None:
    """The graph's size and the API latencies on it, into ``report``; Neo4j's version too."""
    version = engine_version(settings)
    if version:
        report.machine["engine"] = version
    with Graph.open(settings) as graph:
        report.api_graph = dict(graph.read(cypher.BENCH_GRAPH_SIZE)[0])
    report.latencies, report.api_peak_mb = measure_api(settings, requests_per_client, clients, seed)
    report.api_workers = settings.kg.api_workers


def run_api(settings: Settings, requests_per_client: int, clients: tuple[int, ...], seed: int, command: str) -> BenchReport:
    """API latencies alone, on the local engine ``settings`` point at (ArcadeDB or Neo4j), as
    loaded: re-measure the API after a change without loading the corpus again (``kg bench api``)."""
    report = BenchReport(machine=machine(engine_name_of(settings)), command=command)
    measure_api_into(report, settings, requests_per_client, clients, seed)
    return report


def run(sizes: list[int], seed: int, workdir: Path, heap: str, requests_per_client: int,
        clients: tuple[int, ...], command: str, rdflib_max: int = 200_000, progress: Any = None,
        workers: int = 2, batch: int = 100, engine_name: str = "arcadedb") -> BenchReport:
    """Every measurement, on fresh engines of the kind ``engine_name`` names; the largest size's
    graph is kept for the API latencies."""
    if engine_name not in ENGINES:
        raise ValueError(f"engine {engine_name!r}: name one of {', '.join(ENGINES)}")
    report = BenchReport(machine=machine(engine_name), command=command)
    report.machine["engine_heap"] = heap
    if engine_name == "neo4j":
        report.machine["engine_pagecache"] = neo4j_pagecache(heap)
    workdir.mkdir(parents=True, exist_ok=True)

    def api(settings: Settings) -> None:
        if progress:
            progress("API latency")
        measure_api_into(report, settings, requests_per_client, clients, seed)

    for size in sorted(sizes):
        if progress:
            progress(f"load {size:,} facts")
        report.loads.append(measure_load(size, seed, workdir, heap, rdflib_max, then=api if size == max(sizes) else None,
                                         workers=workers, batch=batch, engine_name=engine_name))
    return report
