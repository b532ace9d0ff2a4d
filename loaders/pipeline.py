"""The load pipeline: file -> RDF in ontology terms -> SHACL -> resolved entities -> graph.

Annotation files (YAML) and RDF files (an earlier ``kg export``, or any RDF in
ontology terms) are accepted, one by one or as folders. Each file is checked
in full before anything of it is written; a rejected file is reported with its
reasons and the other files still load. Each source is written in its own
transaction (:class:`kg.store.Store`), all of it or nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path


from kg.graph import Graph
from kg.ontology import Ontology, load_ontology
from kg.property_graph import SourceRows, rows_to_rdf, source_rows
from kg.schema import apply_schema
from kg.store import KINDS, SourceReport, Store, Tally
from loaders.resolution import ReferenceTable, Resolver
from loaders.validation import ANNOTATION_SUFFIXES, Violation, checked_graph

RDF_SUFFIXES = (".ttl", ".nt", ".jsonld", ".json", ".rdf", ".xml", ".n3", ".trig", ".nq")
EXPORT_FORMATS = {"turtle": "turtle", "jsonld": "json-ld"}


class Rejected(Exception):
    """A file that was not loaded, with every reason."""

    def __init__(self, path: Path, violations: list[Violation]) -> None:
        self.path = path
        self.violations = violations
        super().__init__(f"{path}: " + "; ".join(f"{v.where}{' · ' + v.field if v.field else ''}: {v.message}" for v in violations))


@dataclass
class LoadSummary:
    reports: list[SourceReport] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)

    def totals(self) -> dict[str, Tally]:
        totals = {k: Tally() for k in KINDS}
        for report in self.reports:
            for kind, tally in report.tallies.items():
                totals[kind].add(tally)
        return totals


def expand(paths: Iterable[Path]) -> list[Path]:
    """Files named, and the annotation/RDF files inside folders named (sorted, recursive)."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in ANNOTATION_SUFFIXES + RDF_SUFFIXES))
        else:
            out.append(path)
    return out


class Loader:
    """Prepares files into checked source rows and writes them through the store."""

    def __init__(self, graph: Graph, onto: Ontology | None = None, resolver: Resolver | None = None) -> None:
        self.onto = onto or load_ontology()
        self.resolver = resolver or Resolver(self.onto, ReferenceTable.load())
        reference = self.resolver.reference
        self.store = Store(graph, self.onto, lambda node_id: reference.by_id[node_id].aliases if node_id in reference.by_id else ())
        self.graph = graph
        self._schema_applied = False

    def prepare(self, path: Path) -> list[SourceRows]:
        """Everything a file would load, fully checked; :class:`Rejected` otherwise."""
        data, violations = checked_graph(path, self.onto, self.resolver)
        errors = [v for v in violations if v.severity == "violation"]
        if data is None or errors:
            raise Rejected(path, errors or violations)
        rows = source_rows(data, self.onto)
        if not rows:
            raise Rejected(path, [Violation(str(path), "(file)", "", "states no source (an akg:Source with its evidence)")])
        return rows

    def ensure_schema(self) -> None:
        if not self._schema_applied:
            apply_schema(self.graph, self.onto)
            self._schema_applied = True

    def load_rows(self, rows: SourceRows) -> SourceReport:
        self.ensure_schema()
        return self.store.load(rows)

    def load(self, paths: Iterable[Path], progress: Callable[[Path], None] | None = None) -> LoadSummary:
        """Load files and folders; rejected files are reported and do not stop the others."""
        summary = LoadSummary()
        for path in expand(paths):
            try:
                prepared = self.prepare(path)
            except Rejected as exc:
                summary.rejected.append(exc)
            else:
                for rows in prepared:
                    summary.reports.append(self.load_rows(rows))
            if progress:
                progress(path)
        return summary

    def unload(self, source_id: str) -> SourceReport:
        return self.store.unload(source_id)

    def export(self, fmt: str) -> str:
        """The whole graph as RDF in ontology terms (``turtle`` or ``jsonld``)."""
        nodes, rels = self.store.dump()
        return rows_to_rdf(nodes, rels, self.onto).serialize(format=EXPORT_FORMATS[fmt])
