"""SHACL validation of RDF in ontology terms, reported in an analyst's words.

Validation runs pyshacl over the data with its RDFS consequences under the
ontology (so an Official is a Person is an Actor, and a seller is a
participant), worked out by :mod:`loaders.inference` with the ontology's part
computed once. pyshacl toggles rdflib globals while it works, so calls are
serialised with a lock and are meant for the loader, never for concurrent
request handlers.

The shapes' SPARQL constraints are run once per focus node, and rdflib parses a
query given as text on every run: parsing was most of what remained of a
source's validation time. :class:`PreparingSPARQLProcessor`, registered as
rdflib's ``sparql`` processor when this module is imported, parses each
distinct query text once; a prepared query is rdflib's own way to run the
same query many times with different bindings.

pyshacl also builds its view of the shapes (a ``ShapesGraph``: every shape and
constraint, read from the shapes' triples) on every call, about a tenth of a
source's validation. :func:`shacl_report` builds it once per shapes graph and
hands it to each run; ``tests/test_shapes.py`` holds its results equal to a
fresh ``pyshacl.validate`` with pyshacl's own RDFS inference on every case.
:mod:`loaders.shacl_tuning` takes out what else pyshacl works out again for
every focus node from the shapes alone.

The loader checks many files at once (:func:`checked_graphs`): their sources
share pyshacl runs as far as :mod:`loaders.shacl_batch` shows each gets exactly
the results of a run of its own.
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from pyshacl import Validator
from pyshacl.graph_abstraction import DataGraph
from pyshacl.shapes_graph import ShapesGraph
from rdflib import RDF, SH, Graph, URIRef
from rdflib.plugin import register
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.processor import SPARQLProcessor
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Processor
from rdflib.util import guess_format

from kg.disk_cache import cached, library_versions, project_code
from kg.ontology import AKG, Ontology, shacl_path_text
from loaders import shacl_batch
from loaders.annotation_rdf import BuiltSource, build_rdf
from loaders.annotations import AnnotationError, annotation_file, parse_annotation
from loaders.inference import entail, entail_in_place, entailed_triples
from loaders.official.document import NOT_PARSED, OfficialError, parse_official
from loaders.official.inputs import OFFICIAL_SUFFIXES
from loaders.resolution import ReferenceTable, Resolver
from loaders.shacl_batch import Reach, Signature, batches, reach_of, signatures
from loaders.shacl_tuning import tuned

_SHACL_LOCK = threading.Lock()


@lru_cache(maxsize=512)
def _prepared(text: str, base: str | None, namespaces: tuple[tuple[str, Any], ...]) -> Query:
    return translateQuery(parseQuery(text), base, dict(namespaces) or None)


class PreparingSPARQLProcessor(SPARQLProcessor):
    """rdflib's SPARQL processor, parsing each distinct query text once (see the module docstring)."""

    def query(self, strOrQuery: str | Query, initBindings: Mapping[str, Any] | None = None,  # noqa: N803
              initNs: Mapping[str, Any] | None = None, base: str | None = None, DEBUG: bool = False) -> Any:  # noqa: N803
        if isinstance(strOrQuery, str):
            strOrQuery = _prepared(strOrQuery, base, tuple(sorted((initNs or {}).items())))
        return super().query(strOrQuery, initBindings, initNs, base, DEBUG)


register("sparql", Processor, __name__, PreparingSPARQLProcessor.__name__)
ANNOTATION_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Violation:
    """One problem: in which file, on which entity or event, which field, and why."""

    file: str
    where: str
    field: str
    message: str
    severity: str = "violation"

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


_SHAPES_GRAPHS: dict[int, tuple[Graph, tuple[Graph, ShapesGraph]]] = {}  # id(shapes) -> (shapes, _shapes_view's)
_OPTIONS = {
    "inference": "none",  # entail() has added the RDFS consequences already
    "advanced": True,  # SHACL-AF: the shapes' SPARQL constraints
    "allow_warnings": True,
    "inplace": True,  # entail() made a new graph for this call: pyshacl need not clone it again
}


def _shapes_view(shapes: Graph) -> tuple[Graph, ShapesGraph]:
    """The shapes in rdflib's SimpleMemory store, and pyshacl's view of them, made once per shapes graph.

    pyshacl reads the shapes graph for every shape and focus node. The
    SimpleMemory store answers those reads without the named-graph bookkeeping
    of rdflib's default store, which shapes have no use for: about a tenth of a
    source's check.
    """
    found = _SHAPES_GRAPHS.get(id(shapes))
    if found is None:
        plain = Graph(store="SimpleMemory")
        for prefix, namespace in shapes.namespaces():
            plain.bind(prefix, namespace)
        for triple in shapes:
            plain.add(triple)
        # Holding the shapes graph keeps its id from being reused by another graph.
        found = _SHAPES_GRAPHS[id(shapes)] = (shapes, (plain, ShapesGraph(plain)))
    return found[1]


def _pyshacl(entailed: Graph, onto: Ontology) -> tuple[bool, Graph]:
    """One pyshacl run over a graph that already holds its RDFS consequences."""
    with _SHACL_LOCK, tuned():
        shapes, view = _shapes_view(onto.shapes)
        validator = Validator(DataGraph.from_rdflib(entailed), shacl_graph=shapes, options=dict(_OPTIONS))
        validator.shacl_graph = view
        conforms, results, _ = validator.run()
    return conforms, results


def shacl_report(data: Graph, onto: Ontology) -> tuple[bool, Graph]:
    """pyshacl's verdict and report graph for ``data`` and its RDFS consequences under the ontology."""
    return _pyshacl(entail(data, onto), onto)


def shacl_violations(data: Graph, onto: Ontology, *, file: str, where: dict[URIRef, str] | None = None) -> list[Violation]:
    """Validate ``data``; each result names the node (by its place in the file, or its id)."""
    _, results = shacl_report(data, onto)
    return _violations(results, results.subjects(RDF.type, SH.ValidationResult), data, file=file, where=where)


def _violations(results: Graph, found: Iterable[Any], data: Graph, *, file: str,
                where: dict[URIRef, str] | None = None, ids: Mapping[Any, Any] | None = None) -> list[Violation]:
    """The report's results ``found`` as violations of the file whose graph is ``data`` (``ids``: its nodes'
    ids, read before ``data`` took its RDFS consequences, when it did)."""
    out: list[Violation] = []  # warnings too: a conforming graph may carry them (an official with no post)
    for result in found:
        focus = results.value(result, SH.focusNode)
        node_id = None if focus is None else ids.get(focus) if ids is not None else data.value(focus, AKG.id)
        place = (where or {}).get(focus) if isinstance(focus, URIRef) else None  # type: ignore[arg-type]
        severity = results.value(result, SH.resultSeverity)
        out.append(Violation(
            file=file,
            where=place or (str(node_id) if node_id else str(focus)),
            field=shacl_path_text(results, results.value(result, SH.resultPath)),
            message=str(results.value(result, SH.resultMessage) or "does not conform"),
            severity=str(severity).rsplit("#", 1)[-1].lower() if severity else "violation",
        ))
    return sorted(set(out), key=lambda v: (v.where, v.field, v.message))


def check_source(built: BuiltSource, onto: Ontology) -> list[Violation]:
    return shacl_violations(built.graph, onto, file=str(built.file.path), where=built.where)


def check_sources(built: Sequence[BuiltSource], onto: Ontology) -> list[list[Violation]]:
    """What :func:`check_source` gives each source, from as few pyshacl runs as :mod:`loaders.shacl_batch` allows."""
    reach = reach_of(onto.shapes)
    if reach.refused or len(built) < 2:
        return [check_source(source, onto) for source in built]
    triples = [entailed_triples(source.graph, onto) for source in built]
    nodes = [signatures(source_triples, reach) for source_triples in triples]
    out: list[list[Violation]] = [[] for _ in built]
    for batch in batches(nodes):
        graph = Graph()
        for position in batch.members:
            for prefix, namespace in built[position].graph.namespaces():
                graph.bind(prefix, namespace, override=False)
            graph.addN((s, p, o, graph) for s, p, o in triples[position])
        _, results = _pyshacl(graph, onto)
        found: dict[int, list[Any]] = defaultdict(list)
        for result in results.subjects(RDF.type, SH.ValidationResult):
            focus = results.value(result, SH.focusNode)
            path = results.value(result, SH.resultPath)
            # A value checked alone goes to the sources that state it; anything else to every source
            # holding the focus node, which they agree on.
            value = results.value(result, SH.value) if path in reach.per_value else None
            stated = (focus, path, value) if value is not None else None
            for position in batch.members:
                if focus in nodes[position] and (stated is None or stated in triples[position]):
                    found[position].append(result)
        for position in batch.members:
            source = built[position]
            out[position] = _violations(results, found[position], source.graph, file=str(source.file.path), where=source.where)
    return out


def checked_graph(path: Path, onto: Ontology, resolver: Resolver | None = None,
                  kind: str | None = None) -> tuple[Graph | None, list[Violation]]:
    """An annotation file (YAML), an official document (``kind``, else recognised) or an RDF file as RDF in
    ontology terms, with every problem found in it.

    The graph is None when the file cannot be read at all; otherwise the problems
    are its SHACL results (an empty list means it conforms) and, for an official
    document, what its parser could not read (warnings). ``kg validate`` reports
    them; the loader loads only a file without violations.
    """
    def unreadable(message: str) -> tuple[None, list[Violation]]:
        return None, [Violation(file=str(path), where="(file)", field="", message=message)]

    if not path.exists():
        return unreadable("no such file")
    if _annotated(path):
        built = _built(path, onto, resolver, kind)
        if isinstance(built, list):
            return None, built
        return built.graph, _noted(built) + check_source(built, onto)
    fmt = guess_format(str(path)) or ("json-ld" if path.suffix.lower() == ".jsonld" else None)
    if fmt is None:
        return unreadable("unknown file type: use .yaml/.yml annotations, official sources (.txt, .html, .pdf, .csv) "
                          "or RDF (.ttl, .nt, .jsonld, .rdf)")
    try:
        data = Graph().parse(path, format=fmt)
    except Exception as exc:  # rdflib raises many parser-specific types
        return unreadable(f"cannot parse as {fmt}: {exc}")
    return data, shacl_violations(data, onto, file=str(path))


def _annotated(path: Path) -> bool:
    """Whether the file becomes an annotation before it becomes RDF: an annotation file or an official document."""
    return path.suffix.lower() in ANNOTATION_SUFFIXES + OFFICIAL_SUFFIXES


def _built(path: Path, onto: Ontology, resolver: Resolver | None, kind: str | None = None) -> BuiltSource | list[Violation]:
    """An annotation file or official document as RDF, or every problem that stops it being read."""
    notes: list[tuple[str, str]] = []
    try:
        if path.suffix.lower() in ANNOTATION_SUFFIXES:
            file = parse_annotation(path)
        else:
            document = parse_official(path, kind)
            file = document.annotation_file()
            notes = [(problem.where, f"{NOT_PARSED}: {problem.reason}") for problem in document.problems]
        built = build_rdf(file, onto, resolver or reference_resolver(onto))
    except AnnotationError as exc:
        return [Violation(file=exc.path, where=where or "(file)", field="", message=what) for where, what in exc.problems]
    except OfficialError as exc:
        return [Violation(file=str(path), where="(file)", field="", message=str(exc).removeprefix(f"{path}: "))]
    built.warnings.extend(notes)
    return built


def _noted(built: BuiltSource) -> list[Violation]:
    return [Violation(file=str(built.file.path), where=where, field="", message=what, severity="warning")
            for where, what in built.warnings]


def checked_graphs(paths: Sequence[Path], onto: Ontology, resolver: Resolver | None = None,
                   kind: str | None = None) -> list[tuple[Graph | None, list[Violation]]]:
    """:func:`checked_graph` of each file, the annotated files' sources checked together (:func:`check_sources`)."""
    out: list[tuple[Graph | None, list[Violation]]] = [(None, []) for _ in paths]
    together: list[tuple[int, BuiltSource]] = []
    for position, path in enumerate(paths):
        built = _built(path, onto, resolver, kind) if _annotated(path) and path.exists() else None
        if isinstance(built, BuiltSource):
            together.append((position, built))
        elif built is not None:
            out[position] = (None, built)
        else:
            out[position] = checked_graph(path, onto, resolver, kind)
    for (position, built), found in zip(together, check_sources([built for _, built in together], onto)):
        out[position] = (built.graph, _noted(built) + found)
    return out


_RESOLVERS: dict[int, tuple[Ontology, Resolver]] = {}  # id(onto) -> (onto, its resolver over the reference set)


def reference_resolver(onto: Ontology) -> Resolver:
    """The resolver over the reference set, made once per ontology: it only reads its table, and
    indexing the table's ten thousand names is a fifth of checking an extracted article. The table
    itself is read back from kg.disk_cache while the project's code and YAML files are unchanged:
    reading the reference set and indexing it were a twentieth of a `kg extract`."""
    found = _RESOLVERS.get(id(onto))
    if found is None:
        table = cached("reference-table", [project_code(), library_versions("PyYAML")], ReferenceTable.load)
        # Holding the ontology keeps its id from being reused by another one.
        found = _RESOLVERS[id(onto)] = (onto, Resolver(onto, table))
    return found[1]


def annotation_violations(data: dict[str, Any], onto: Ontology, path: Path) -> list[Violation]:
    """What :func:`validate_file` reports for an annotation file at ``path`` holding ``data``, without
    writing the file: the extractor checks its output this way before it writes it.

    ``data`` is plain data as YAML reads it back from the file (``dump_annotation`` writes what
    ``parse_annotation`` reads as the same data); its content hash is that of its JSON text.
    """
    return AnnotationChecker(warnings=True)(data, onto, path)


class AnnotationChecker:
    """Checks successive versions of one annotation, each with events or entities left out of the
    one before (``conforming`` in :mod:`loaders.extraction.extract`), as :func:`annotation_violations`
    checks one, and runs pyshacl on a version only when the shapes could say something new of it.

    Each version's graph, with its RDFS consequences, is compared with the last one pyshacl
    checked. When every node of the new graph reads to the shapes exactly as it did there (the
    same triples out along the predicates any shape reads, and in along those a shape follows
    backwards: :func:`loaders.shacl_batch.signatures`, no predicate left out) and none of them was
    the focus of a violation there, pyshacl would give each of them the results it gave it then,
    none a violation: this is the argument by which :mod:`loaders.shacl_batch` lets sources share a
    run, and it holds only where :func:`loaders.shacl_batch.reach` finds that shapes read no
    further. The version then has no violations, and its run is left out: after the events
    the shapes refuse are left out of an extracted article, the second run found nothing in
    every sample article, and was a third of the check.

    Every version gets the content hash of the first (that of its JSON text): the shapes check
    only that it is one SHA-256 digest, and a hash of each version's own would make every
    version's source node read differently.

    Only violations are reported, unless ``warnings`` (then every version is run).
    """

    def __init__(self, *, warnings: bool = False) -> None:
        self.warnings = warnings
        self.runs = 0  # pyshacl runs made (tests count them)
        self._raw: bytes | None = None  # what the content hash is worked out from: the first version's JSON
        self._last: tuple[dict[Any, Signature], set[Any]] | None = None  # the last run's nodes, and its violations' focus

    def __call__(self, data: dict[str, Any], onto: Ontology, path: Path) -> list[Violation]:
        if self._raw is None:
            self._raw = json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")
        raw = self._raw
        try:
            built = build_rdf(annotation_file(data, path, raw), onto, reference_resolver(onto))
        except AnnotationError as exc:
            self._last = None
            return [Violation(file=exc.path, where=where or "(file)", field="", message=what) for where, what in exc.problems]
        triples = entailed_triples(built.graph, onto)
        reach = _strict_reach(onto)
        nodes = signatures(triples, reach) if reach is not None and not self.warnings else None
        if nodes is not None and self._last is not None and _reads_as_before(nodes, *self._last):
            return []
        ids: dict[Any, Any] = {}  # read before the graph takes its consequences
        for node, node_id in built.graph.subject_objects(AKG.id):
            ids.setdefault(node, node_id)
        # What check_source does, but the graph, made for this check alone, takes its RDFS consequences itself:
        # a third of the cost of copying it with them (entail), which was a quarter of the check.
        _, results = _pyshacl(entail_in_place(built.graph, onto, triples), onto)
        self.runs += 1
        found = list(results.subjects(RDF.type, SH.ValidationResult))
        failing = {results.value(r, SH.focusNode) for r in found if results.value(r, SH.resultSeverity) == SH.Violation}
        self._last = (nodes, failing) if nodes is not None else None
        problems = _noted(built) + _violations(results, found, built.graph, file=str(path), where=built.where, ids=ids)
        return problems if self.warnings else [v for v in problems if v.severity == "violation"]


def _reads_as_before(nodes: dict[Any, Signature], before: dict[Any, Signature], failing: set[Any]) -> bool:
    """Whether every node of ``nodes`` has the signature it had ``before`` and none was the focus of a violation."""
    return all(before.get(node) == signature for node, signature in nodes.items()) and not failing & nodes.keys()


_STRICT_REACHES: dict[int, tuple[Graph, Reach | None]] = {}  # id(shapes) -> (shapes, what shapes read, per-value too)


def _strict_reach(onto: Ontology) -> Reach | None:
    """:func:`loaders.shacl_batch.reach_of` with no predicate left out as checked value by value; None when
    the shapes read in ways it cannot follow. Read back from kg.disk_cache while the ontology files and
    loaders/shacl_batch.py are unchanged: working it out parses the shapes' SPARQL, a sixth of a `kg extract`."""
    found = _STRICT_REACHES.get(id(onto.shapes))
    if found is None:
        key: list[bytes | str] = [onto.digest, Path(shacl_batch.__file__).read_bytes(), library_versions("rdflib")]
        reach = cached("shapes-reach", key, lambda: reach_of(onto.shapes)) if onto.digest else reach_of(onto.shapes)
        # Holding the shapes graph keeps its id from being reused by another one.
        found = _STRICT_REACHES[id(onto.shapes)] = (onto.shapes, None if reach.refused else replace(reach, per_value=frozenset()))
    return found[1]


def validate_file(path: Path, onto: Ontology, kind: str | None = None) -> list[Violation]:
    """Every problem in an annotation, official or RDF file; an empty list means it conforms."""
    return checked_graph(path, onto, kind=kind)[1]
