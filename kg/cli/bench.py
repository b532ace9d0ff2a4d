"""`kg synth` and `kg bench [api|extract]`: synthetic corpora and the figures measured on them."""

from __future__ import annotations

import json
import os
import platform
import shlex
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from kg import PROJECT_ROOT
from kg.cli.common import Engine, EngineOption, JsonFlag, _examples, _fail, _print_json, _working, app, err, load_settings, out
from kg.cli.engine import _local_status
from kg.exit_codes import ExitCode

bench_app = typer.Typer(
    help="Benchmarks that print figures.", invoke_without_command=True, rich_markup_mode="rich",
    epilog=_examples("kg bench", "kg bench --facts 10000,100000 --out bench.json",
                     "kg bench --facts 2000 --requests 20 --json", "kg bench api --requests 100",
                     "kg bench extract data/dev/articles"),
)
app.add_typer(bench_app, name="bench")


@app.command(epilog=_examples("kg synth --events 1000 --seed 1 --out /tmp/corpus", "kg synth --events 50000 --out corpus --json"))
def synth(
    events: Annotated[int, typer.Option("--events", min=1, help="How many events the corpus tells.")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write the annotation files into (created if missing).")],
    seed: Annotated[int, typer.Option("--seed", help="Same seed and events, same files.")] = 1,
    as_json: JsonFlag = False,
) -> None:
    """Write a synthetic corpus of annotation files shaped like real reporting, for scale tests and benchmarks.

    Thousands of actors with a power-law degree distribution, events of every type
    over decades, each told by one to four sources under varying aliases. Every file
    passes the shapes, so `kg load DIR` loads all of it.
    """
    from loaders.synthetic import synthesize  # imported here, not at the top: rdflib slows every kg start-up

    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise _fail(f"--out {out_dir} must be a new or empty folder", ExitCode.USAGE)
    with _working(f"writing {events:,} events", quiet=as_json):
        made = synthesize(events, seed, out_dir)
    report = {"folder": str(out_dir), "events": made.events, "sources": made.sources, "actors": made.actors,
              "event_mentions": made.mentions, "seed": seed}
    if as_json:
        _print_json(report)
    else:
        out.print(f"wrote {made.sources:,} sources telling {made.events:,} events ({made.mentions:,} mentions) "
                  f"about {made.actors:,} actors to {escape(str(out_dir))}", highlight=False)


def _csv_ints(value: str) -> list[int]:
    try:
        numbers = [int(v.replace("_", "")) for v in value.split(",") if v.strip()]
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a comma-separated list of whole numbers") from None
    if not numbers or min(numbers) < 1:
        raise typer.BadParameter(f"{value!r}: give one or more positive numbers")
    return numbers


@bench_app.callback()
def bench(
    ctx: typer.Context,
    facts: Annotated[str, typer.Option("--facts", help="Corpus sizes in facts (nodes + relationships), comma-separated; "
                                                       "the largest graph also serves the API latencies.")] = "10000,100000,1000000",
    seed: Annotated[int, typer.Option("--seed", help="Seed of the synthetic corpora.")] = 1,
    requests: Annotated[int, typer.Option("--requests", min=1, help="Requests per client per endpoint.")] = 200,
    clients: Annotated[str, typer.Option("--clients", help="Concurrent API clients to try, comma-separated.")] = "1,8",
    heap: Annotated[str, typer.Option("--heap", help="JVM heap of the engines the benchmark starts.")] = "4g",
    rdflib_max: Annotated[int, typer.Option("--rdflib-max", min=0, help="Largest corpus (facts) also written with "
                                                                         "rdflib-neo4j, which is slow.")] = 200_000,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64, help="Checking processes of the load (KG_LOAD_WORKERS).")] = 2,
    batch: Annotated[int, typer.Option("--batch", min=1, max=10_000, help="New sources per transaction (KG_LOAD_BATCH).")] = 100,
    workdir: Annotated[Path | None, typer.Option("--workdir", help="Scratch folder for corpora and engines (default: a temporary one).")] = None,
    json_out: Annotated[Path | None, typer.Option("--out", help="Also write the figures as JSON to this file.")] = None,
    as_json: JsonFlag = False,
    engine: Annotated[Engine, typer.Option("--engine", case_sensitive=False,
                                           help="Engine of every fresh graph: arcadedb (embedded) or neo4j (a Neo4j "
                                                "server each; --heap sizes its heap, and its page cache is half that).")
                      ] = Engine.arcadedb,
) -> None:
    """Load, validation and API benchmarks on fresh engines (--engine): prints a table (see BENCHMARKS.md).

    For each size: a synthetic corpus loaded end to end (kg load), the same graph written
    by plain UNWIND CREATE (the raw ceiling) and, when installed, by rdflib-neo4j; the
    validation share of the load; peak memory. On the largest graph: API latency
    p50/p95/p99 per endpoint with 1 and 8 concurrent clients.
    """
    if ctx.invoked_subcommand is not None:
        return
    from kg.bench import run  # imported here, not at the top: rdflib and httpx slow every kg start-up

    sizes, client_counts = _csv_ints(facts), tuple(_csv_ints(clients))
    command = shlex.join(["kg", "bench", "--engine", engine.value, "--facts", facts, "--seed", str(seed),
                          "--requests", str(requests), "--clients", clients, "--heap", heap, "--rdflib-max", str(rdflib_max),
                          "--workers", str(workers), "--batch", str(batch)])
    scratch = workdir or Path(tempfile.mkdtemp(prefix="kg-bench-"))
    report = run(sizes, seed, scratch, heap, requests, client_counts, command, rdflib_max,
                 progress=None if as_json else lambda what: err.print(f"[dim]{escape(what)}[/]", highlight=False),
                 workers=workers, batch=batch, engine_name=engine.value)
    if workdir is None:
        shutil.rmtree(scratch, ignore_errors=True)
    _show_bench(report.as_dict(), json_out, as_json, _print_bench)


def _fmt(value: Any, digits: int = 0) -> str:
    if value is None:
        return "n/a"
    return f"{value:,.{digits}f}" if isinstance(value, float) else f"{value:,}"


def _show_bench(data: dict[str, Any], json_out: Path | None, as_json: bool, tables: Callable[[dict[str, Any]], None]) -> None:
    """Figures of `kg bench` and `kg bench api`: to --out, then as JSON or as the machine line and ``tables``."""
    if json_out:
        json_out.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    if as_json:
        _print_json(data)
        return
    m = data["machine"]
    out.print(f"{m['cpus']} CPUs, {m['memory_gb']} GiB, Python {m['python']}, {m['engine']}", highlight=False)
    tables(data)


def _print_bench(data: dict[str, Any]) -> None:
    load = Table(title="Load (facts = nodes + relationships)", title_justify="left")
    load.add_column("")
    for f in data["loads"]:
        load.add_column(f"{f['target_facts']:,}", justify="right")
    rows = [("facts", "facts", 0), ("sources", "sources", 0), ("checking processes", "workers", 0),
            ("sources per transaction", "batch", 0), ("seconds", "seconds", 1), ("of which checking (CPU, summed)", "check_seconds", 1),
            ("of which writing", "write_seconds", 1), ("facts/s", "facts_per_s", 0),
            ("relationships/s", "relationships_per_s", 0), ("raw ceiling facts/s", "raw_facts_per_s", 0),
            ("ours / raw", "ratio_to_raw", 3), ("rdflib-neo4j facts/s", "rdflib_neo4j_facts_per_s", 0),
            ("ours / rdflib-neo4j", "ratio_to_rdflib_neo4j", 3), ("SHACL share of loader work", "validation_share", 2),
            ("SHACL ms per source", "validation_ms_per_source", 1), ("SHACL facts/s", "validation_facts_per_s", 0),
            ("loader CPU s (all its processes)", "loader_cpu_seconds", 1), ("engine CPU s", "engine_cpu_seconds", 1),
            ("cores busy", "cores_busy", 2), ("checking share of that CPU", "check_share_of_cpu", 2),
            ("loader peak MB", "loader_peak_mb", 0), ("engine peak MB", "engine_peak_mb", 0)]
    for label, key, digits in rows:
        load.add_row(label, *(_fmt(f[key], digits) for f in data["loads"]))
    out.print(load)
    for f in data["loads"]:
        out.print(f"rdflib-neo4j at {f['target_facts']:,}: {escape(f['rdflib_neo4j_note'])}", highlight=False)
    _print_latencies(data)


def _print_latencies(data: dict[str, Any]) -> None:
    graph = data["api_graph"]
    api = Table(title=f"API latency, ms ({_fmt(graph.get('events'))} events, {_fmt(graph.get('actors'))} actors; "
                      f"API with {data.get('api_workers', 1)} workers, peak {_fmt(data['api_peak_mb'])} MB in all)", title_justify="left")
    for column in ("endpoint", "clients", "requests", "errors", "p50", "p95", "p99"):
        api.add_column(column, justify="right")
    for x in data["latencies"]:
        api.add_row(x["endpoint"], str(x["clients"]), str(x["requests"]), str(x["errors"]), _fmt(x["p50_ms"], 1),
                    _fmt(x["p95_ms"], 1), _fmt(x["p99_ms"], 1))
    out.print(api)


@bench_app.command("api", epilog=_examples("kg bench api", "kg bench api --requests 100 --clients 1,8 --out api.json"))
def bench_api(
    seed: Annotated[int, typer.Option("--seed", help="Seed of the request mix (which entities are asked for).")] = 1,
    requests: Annotated[int, typer.Option("--requests", min=1, help="Requests per client per endpoint.")] = 200,
    clients: Annotated[str, typer.Option("--clients", help="Concurrent API clients to try, comma-separated.")] = "1,8",
    json_out: Annotated[Path | None, typer.Option("--out", help="Also write the figures as JSON to this file.")] = None,
    as_json: JsonFlag = False,
    engine: EngineOption = None,
) -> None:
    """API latency p50/p95/p99 per endpoint on the graph the local engine holds now (start it and load first).

    The same requests and clients as the API part of ``kg bench``, without loading a corpus:
    for re-measuring the API after a change, on a graph loaded once (kg synth, kg load).
    """
    from kg.bench import run_api  # imported here, not at the top: rdflib and httpx slow every kg start-up

    settings = load_settings(engine)
    if settings.neo4j.uri:
        raise _fail("kg bench api measures a local engine (the embedded one or the local Neo4j); unset NEO4J_URI",
                    ExitCode.USAGE)
    name = settings.kg.engine
    if not _local_status(settings).running:
        start = "kg engine start --engine neo4j" if name == "neo4j" else "kg engine start"
        raise _fail(f"no {name} engine runs for {settings.kg.data_dir}; start it with `{start}` and load a corpus",
                    ExitCode.UNREACHABLE)
    command = shlex.join(["kg", "bench", "api", "--engine", name, "--seed", str(seed), "--requests", str(requests),
                          "--clients", clients])
    _show_bench(run_api(settings, requests, tuple(_csv_ints(clients)), seed, command).as_dict(), json_out, as_json,
                _print_latencies)


@bench_app.command("extract", epilog=_examples("kg bench extract data/dev/articles", "kg bench extract data/articles --repeat 20"))
def bench_extract(
    folder: Annotated[Path, typer.Argument(help="A folder of article .txt files.")] = PROJECT_ROOT / "data" / "dev" / "articles",
    repeat: Annotated[int, typer.Option("--repeat", min=1, help="Extract every article this many times.")] = 5,
    as_json: JsonFlag = False,
) -> None:
    """Extraction speed: articles per second and characters per second on this machine (one process, one core).

    Each article goes through what `kg extract ARTICLE --out FILE` does: read, extract, leave
    out what the ontology's shapes refuse (a pyshacl run per round), write the annotation file
    (to a temporary folder). The first article, extracted once before the clock starts, pays
    for what a process does once: building the gazetteer, parsing the ontology and preparing
    the shapes' queries (``warm_up_seconds``).
    """
    # imported here, not at the top: the gazetteer loads rdflib, which slows every kg start-up
    from kg.cli.extract import _annotation_text, collector_paused
    from loaders.extraction.document import extract_document
    from loaders.extraction.gazetteer import build_gazetteer

    files = sorted(folder.glob("*.txt")) if folder.is_dir() else []
    if not files:
        raise _fail(f"{folder} is not a folder of .txt articles", ExitCode.USAGE)
    started = time.perf_counter()
    gaz = build_gazetteer()
    setup = time.perf_counter() - started
    with tempfile.TemporaryDirectory(prefix="kg-bench-extract-") as scratch:
        def extract(path: Path) -> tuple[int, int]:
            """`kg extract path --out <scratch>/<name>.yaml`, without its messages: (characters read, events left out)."""
            with collector_paused():  # as `kg extract` extracts an article
                document = _extract_document_quietly(extract_document, path, gaz)
            output = Path(scratch) / f"{path.stem}.yaml"
            output.write_text(_annotation_text(document, path, output), encoding="utf-8")
            return len(path.read_text(encoding="utf-8")), len(document.dropped_events)

        started = time.perf_counter()
        extract(files[0])  # warm-up: the gazetteer's pattern, the ontology, the shapes' queries
        warm_up = time.perf_counter() - started
        chars = left_out = 0
        started, cpu_started = time.perf_counter(), time.process_time()
        for _ in range(repeat):
            for path in files:
                read, dropped = extract(path)
                chars, left_out = chars + read, left_out + dropped
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    n = len(files) * repeat
    # Per CPU second too: on a shared machine the wall clock also counts the time other programs had the core.
    report = {"articles": n, "seconds": round(elapsed, 3), "articles_per_second": round(n / elapsed, 1),
              "cpu_seconds": round(cpu, 3), "articles_per_cpu_second": round(n / cpu, 1),
              "chars_per_second": round(chars / elapsed), "events_left_out": left_out // repeat,
              "gazetteer_build_seconds": round(setup, 3), "warm_up_seconds": round(warm_up, 3),
              "gazetteer_surfaces": len(gaz.surfaces),
              "machine": f"{platform.machine()} {os.cpu_count()} cpu, Python {platform.python_version()}"}
    if as_json:
        _print_json(report)
        return
    table = Table(title="Extraction benchmark", title_justify="left", show_header=False)
    for k, v in report.items():
        table.add_row(k.replace("_", " "), str(v))
    out.print(table)


def _extract_document_quietly(extract_document: Callable[..., Any], path: Path, gaz: Any) -> Any:
    """``extract_document`` of one article, an error naming the article ending the benchmark (exit 1)."""
    try:
        return extract_document(path, gaz=gaz)
    except Exception as exc:  # an unreadable article or an extractor bug: name the article, not a traceback
        raise _fail(f"the extractor failed on {path}: {type(exc).__name__}: {exc}") from None
