"""The load pipeline: file -> RDF in ontology terms -> SHACL -> resolved entities -> graph.

Annotation files (YAML) and RDF files (an earlier ``kg export``, or any RDF in
ontology terms) are accepted, one by one or as folders. Each file is checked
in full before anything of it is written; a rejected file is reported with its
reasons and the other files still load. Each source is written all of it or
nothing (:class:`kg.store.Store`): a source the graph holds is replaced in a
transaction of its own, and sources new to the graph are written many to a
transaction (``batch``), which a bulk load needs to be fast: a transaction
costs about the same for one source as for a hundred.

Checking a file (parse, resolve, SHACL) costs several times as much as writing
it, and needs no graph, so with ``workers > 1`` files are checked in worker
processes while the main process writes: results come back in file order, and
only a few files ahead are kept in memory, however large the load. Files are
checked ``CHECK_CHUNK`` at a time, so that their sources can share pyshacl runs
(:func:`loaders.validation.checked_graphs`).
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from itertools import islice
from multiprocessing import get_context
from pathlib import Path

from neo4j.exceptions import ClientError, DatabaseError
from rdflib import Graph as RDFGraph

from kg.deal_store import DealStore
from kg.graph import Graph
from kg.ontology import Ontology, load_ontology
from kg.property_graph import SourceRows, rows_to_rdf, source_rows
from kg.schema import apply_schema
from kg.store import KINDS, SourceConflict, SourceReport, Store, Tally
from loaders.deals.claims import claims_from_rows
from loaders.deals.relink import DealChanges, link_claims
from loaders.duplicates import NameIndex, graph_entities, load_warnings
from loaders.official.document import NOT_PARSED, official_kind
from loaders.official.inputs import OFFICIAL_SUFFIXES, TEXT_SUFFIXES
from loaders.resolution import ReferenceTable, Resolver
from loaders.validation import ANNOTATION_SUFFIXES, Violation, checked_graph, checked_graphs

RDF_SUFFIXES = (".ttl", ".nt", ".jsonld", ".json", ".rdf", ".xml", ".n3", ".trig", ".nq")
CHECK_CHUNK = 25  # files checked together: more share a pyshacl run's fixed cost, fewer keep the writer fed sooner
EXPORT_FORMATS = {"turtle": "turtle", "jsonld": "json-ld"}


class Rejected(Exception):
    """A file that was not loaded, with every reason."""

    def __init__(self, path: Path, violations: list[Violation]) -> None:
        self.path = path
        self.violations = violations
        super().__init__(f"{path}: " + "; ".join(f"{v.where}{' · ' + v.field if v.field else ''}: {v.message}" for v in violations))

    def __reduce__(self) -> tuple[type[Rejected], tuple[Path, list[Violation]]]:
        return Rejected, (self.path, self.violations)  # crosses from worker processes


def prepare_file(path: Path, onto: Ontology, resolver: Resolver, kind: str | None = None) -> list[SourceRows]:
    """Everything a file would load, fully checked; :class:`Rejected` otherwise."""
    return _rows(path, *checked_graph(path, onto, resolver, kind), onto)


def _rows(path: Path, data: RDFGraph | None, violations: list[Violation], onto: Ontology) -> list[SourceRows]:
    """The rows of a checked file; :class:`Rejected` when it has violations or states no source."""
    errors = [v for v in violations if v.severity == "violation"]
    if data is None or errors:
        raise Rejected(path, errors or violations)
    rows = source_rows(data, onto)
    if not rows:
        raise Rejected(path, [Violation(str(path), "(file)", "", "states no source (an akg:Source with its evidence)")])
    # What an official document's parser could not read goes with the load's report; the rest loads.
    rows[0].notes.extend(f"{v.where}: {v.message}" for v in violations
                         if v.severity == "warning" and v.message.startswith(NOT_PARSED))
    return rows


@cache
def _worker_tools() -> tuple[Ontology, Resolver]:
    onto = load_ontology()
    return onto, Resolver(onto, ReferenceTable.load())


Prepared = list[SourceRows] | Rejected


def _timed_prepare(path: Path, onto: Ontology, resolver: Resolver, kind: str | None = None) -> tuple[Prepared, float]:
    """The file prepared, and the CPU seconds that took in this process.

    CPU, not wall-clock: the checking processes share the cores with the writer
    and the engine, and the time they wait for a core is not checking.
    """
    started = time.process_time()
    try:
        result: Prepared = prepare_file(path, onto, resolver, kind)
    except Rejected as exc:
        result = exc
    return result, time.process_time() - started


def _timed_prepare_chunk(paths: Sequence[Path], onto: Ontology, resolver: Resolver,
                         kind: str | None = None) -> list[tuple[Prepared, float]]:
    """Each file prepared, checked together; the CPU seconds of the chunk are shared out evenly among its files."""
    started = time.process_time()
    out: list[Prepared] = []
    for path, (data, violations) in zip(paths, checked_graphs(paths, onto, resolver, kind)):
        try:
            out.append(_rows(path, data, violations, onto))
        except Rejected as exc:
            out.append(exc)
    seconds = (time.process_time() - started) / max(len(paths), 1)
    return [(prepared, seconds) for prepared in out]


def _prepare_chunk_in_worker(paths: list[Path], kind: str | None) -> list[tuple[Prepared, float]]:
    return _timed_prepare_chunk(paths, *_worker_tools(), kind)


@dataclass
class LoadSummary:
    reports: list[SourceReport] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    conflicts: list[SourceConflict] = field(default_factory=list)  # refused: another source stored under the same id
    check_seconds: float = 0.0  # CPU of parsing, resolving and SHACL, summed over the processes that did it
    write_seconds: float = 0.0  # linking deals included (deals.seconds)
    deals: DealChanges = field(default_factory=DealChanges)

    def totals(self) -> dict[str, Tally]:
        totals = {k: Tally() for k in KINDS}
        for report in self.reports:
            for kind, tally in report.tallies.items():
                totals[kind].add(tally)
        return totals


def expand(paths: Iterable[Path], kind: str | None = None) -> list[Path]:
    """Files named, and inside folders named (sorted, recursive) the annotation and RDF files, the pages,
    PDFs and CSV files (official documents, or rejected with the reason), and the text files read as an
    official document (of ``kind``, else recognised as one): a news article's text beside its annotation
    is not a source of its own."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            for p in sorted(p for p in path.rglob("*") if p.is_file()):
                suffix = p.suffix.lower()
                if suffix in ANNOTATION_SUFFIXES + RDF_SUFFIXES + OFFICIAL_SUFFIXES and (
                        suffix not in TEXT_SUFFIXES or official_kind(p, kind)):
                    out.append(p)
        else:
            out.append(path)
    return out


class Loader:
    """Prepares files into checked source rows and writes them through the store."""

    def __init__(self, graph: Graph, onto: Ontology | None = None, resolver: Resolver | None = None,
                 link_deals: bool = True) -> None:
        self.onto = onto or load_ontology()
        self.resolver = resolver or Resolver(self.onto, ReferenceTable.load())
        reference = self.resolver.reference
        self.store = Store(graph, self.onto, lambda node_id: reference.by_id[node_id].aliases if node_id in reference.by_id else ())
        self.graph = graph
        self._schema_applied = False
        self._names: NameIndex | None = None  # the graph's names by type, read once per load (loaders.duplicates)
        self.deals = DealStore(graph) if link_deals else None
        self.deal_changes = DealChanges()  # what linking did since the last load began

    def prepare(self, path: Path, kind: str | None = None) -> list[SourceRows]:
        """Everything a file would load, fully checked; :class:`Rejected` otherwise."""
        return prepare_file(path, self.onto, self.resolver, kind)

    def prepared(self, files: list[Path], workers: int = 1, chunk: int = CHECK_CHUNK,
                 kind: str | None = None) -> Iterator[tuple[Path, tuple[Prepared, float]]]:
        """Each file with its rows (or why it is rejected) and the CPU seconds that took, in order;
        checked ``chunk`` files together (1: each alone), by ``workers`` processes."""
        parallel = workers > 1 and len(files) >= 2 * workers
        # At least two chunks a worker, so that a small load still keeps every worker busy.
        size = max(1, min(chunk, math.ceil(len(files) / (2 * workers)) if parallel else chunk))
        chunks = [files[i:i + size] for i in range(0, len(files), size)]
        if not parallel:
            for paths in chunks:
                yield from zip(paths, _timed_prepare_chunk(paths, self.onto, self.resolver, kind))
            return
        with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
            todo = iter(chunks)
            ahead: deque[tuple[list[Path], Future[list[tuple[Prepared, float]]]]] = deque(
                (paths, pool.submit(_prepare_chunk_in_worker, paths, kind)) for paths in islice(todo, 2 * workers))
            while ahead:
                paths, future = ahead.popleft()
                ahead.extend((nxt, pool.submit(_prepare_chunk_in_worker, nxt, kind)) for nxt in islice(todo, 1))
                yield from zip(paths, future.result())

    def ensure_schema(self) -> None:
        if not self._schema_applied:
            apply_schema(self.graph, self.onto)
            self._schema_applied = True

    def load_rows(self, rows: SourceRows, replace: bool = False) -> SourceReport:
        """One checked source; :class:`kg.store.SourceConflict` when another source is stored under its id
        (unless ``replace``)."""
        self.ensure_schema()
        self._names = None  # another process may have written since: read the graph's names again
        index = self._name_index()
        stale = self._deals_before([rows])
        report = self.store.load(rows, replace)
        report.warnings.extend(load_warnings(index, [rows]).get(rows.source_id, []))
        self._link([rows], [report], stale)
        return report

    def _deals_before(self, sources: Sequence[SourceRows]) -> dict[str, set[str]]:
        """The deals the stored sources among these tell now (their links go when they are replaced)."""
        return self.deals.deals_of_sources(rows.source_id for rows in sources) if self.deals else {}

    def _link(self, sources: Sequence[SourceRows], reports: Sequence[SourceReport], stale: dict[str, set[str]]) -> None:
        """Link the claims of the sources written anew (created or updated) and relink the deals they left.

        The sources are stored whatever linking does: a failure is a warning on the first report, and
        loading the source again links it."""
        written = {r.source_id for r in reports if r.action in ("created", "updated")}
        if self.deals is None or not written:
            return
        try:
            claims = claims_from_rows(rows for rows in sources if rows.source_id in written)
            self.deal_changes.add(link_claims(self.deals, claims, {d for s in written for d in stale.get(s, ())}))
        except (ClientError, DatabaseError) as exc:
            first = next(r for r in reports if r.source_id in written)
            first.warnings.append(f"deals not linked: the graph refused it ({exc}); unload and load the source again to link it")

    def _name_index(self) -> NameIndex:
        """The graph's entity names, read at the first write of a load and kept up to date by its writes."""
        if self._names is None:
            self._names = NameIndex(self.resolver.reference.by_id)
            for entity in graph_entities(self.graph, self.onto):
                self._names.add(entity)
        return self._names

    def load(self, paths: Iterable[Path], progress: Callable[[Path], None] | None = None, workers: int = 1,
             batch: int = 1, replace: bool = False, kind: str | None = None) -> LoadSummary:
        """Load files and folders; rejected files are reported and do not stop the others.

        ``kind`` reads every official document named or found as that kind (``dsca`` ...)
        instead of recognising each one's kind.

        A file whose source id names a different stored source is refused (``summary.conflicts``)
        unless ``replace``: the stored source stays as it was.

        Up to ``batch`` sources new to the graph are written per transaction
        (:meth:`kg.store.Store.load_new`); stored ones are replaced (or found unchanged)
        one by one, in file order.
        """
        summary = LoadSummary()
        pending: list[tuple[Path, list[SourceRows]]] = []
        self._names = None  # read the graph's names afresh for this load
        self.deal_changes = summary.deals

        def flush() -> None:
            started = time.perf_counter()
            summary.reports.extend(self.write([rows for _, file_rows in pending for rows in file_rows], batch,
                                              replace=replace, conflicts=summary.conflicts))
            summary.write_seconds += time.perf_counter() - started
            if progress:
                for path, _ in pending:
                    progress(path)
            pending.clear()

        for path, (prepared, seconds) in self.prepared(expand(paths, kind), workers, kind=kind):
            summary.check_seconds += seconds
            if isinstance(prepared, Rejected):
                summary.rejected.append(prepared)
                if progress:
                    progress(path)
                continue
            pending.append((path, prepared))
            if sum(len(file_rows) for _, file_rows in pending) >= batch:
                flush()
        if pending:
            flush()
        return summary

    def write(self, sources: list[SourceRows], batch: int = 1, replace: bool = False,
              conflicts: list[SourceConflict] | None = None) -> list[SourceReport]:
        """Write checked sources in order: runs of new ones ``batch`` to a transaction, stored ones alone.

        A stored source replaced by a different one is refused: collected in ``conflicts`` when given,
        raised otherwise."""
        self.ensure_schema()
        reports: list[SourceReport] = []
        index = self._name_index()  # read before these sources are written
        stored = set(self.store.stored_hashes(rows.source_id for rows in sources))
        stale = self._deals_before([rows for rows in sources if rows.source_id in stored])
        run: list[SourceRows] = []

        def write_run() -> None:
            self._write_new(run, reports)
            stored.update(r.source_id for r in run)  # a later file of the same id replaces it, or is refused
            run.clear()

        for rows in sources:
            if rows.source_id in stored or any(rows.source_id == r.source_id for r in run):
                write_run()
                try:
                    reports.append(self.store.load(rows, replace))
                except SourceConflict as exc:
                    if conflicts is None:
                        raise
                    conflicts.append(exc)
            else:
                run.append(rows)
                if len(run) >= batch:
                    write_run()
        write_run()
        # Entities the written sources created whose names are close to the graph's: a warning in the creating source's report.
        by_id = {report.source_id: report for report in reports}
        for rows in sources:
            if rows.notes and rows.source_id in by_id:
                by_id[rows.source_id].warnings.extend(rows.notes)
        for source_id, warnings in load_warnings(index, [rows for rows in sources if rows.source_id in by_id]).items():
            by_id[source_id].warnings.extend(warnings)
        self._link(sources, reports, stale)
        return reports

    def _write_new(self, run: list[SourceRows], reports: list[SourceReport]) -> None:
        """One transaction for the run; if the graph refuses it, each source alone, so the
        refusal names its source and the others still load."""
        if not run:
            return
        try:
            reports.extend(self.store.load_new(run))
        except (ClientError, DatabaseError):
            if len(run) == 1:
                raise
            reports.extend(self.store.load(rows) for rows in run)

    def unload(self, source_id: str) -> SourceReport:
        """Retract a source, then relink the deals its claims were in (a deal left without claims goes)."""
        stale = self._deals_before_unload(source_id)
        report = self.store.unload(source_id)
        self.deal_changes = DealChanges()
        if self.deals is not None and stale:
            try:
                self.deal_changes.add(link_claims(self.deals, (), stale))
            except (ClientError, DatabaseError) as exc:
                report.warnings.append(f"deals not relinked: the graph refused it ({exc})")
        return report

    def _deals_before_unload(self, source_id: str) -> set[str]:
        return self.deals.deals_of_sources([source_id]).get(source_id, set()) if self.deals else set()

    def export(self, fmt: str) -> str:
        """The whole graph as RDF in ontology terms (``turtle`` or ``jsonld``)."""
        nodes, rels = self.store.dump()
        return rows_to_rdf(nodes, rels, self.onto).serialize(format=EXPORT_FORMATS[fmt])
