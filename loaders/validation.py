"""SHACL validation of RDF in ontology terms, reported in an analyst's words.

Validation runs pyshacl with RDFS inference over the ontology (so an Official
is a Person is an Actor, and a seller is a participant). pyshacl toggles rdflib
globals while it works, so calls are serialised with a lock and are meant for
the loader, never for concurrent request handlers.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from pathlib import Path

import pyshacl
from rdflib import RDF, SH, Graph, URIRef
from rdflib.util import guess_format

from kg.ontology import AKG, Ontology, shacl_path_text
from loaders.annotation_rdf import BuiltSource, build_rdf
from loaders.annotations import AnnotationError, parse_annotation
from loaders.resolution import Resolver

_SHACL_LOCK = threading.Lock()
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


def shacl_violations(data: Graph, onto: Ontology, *, file: str, where: dict[URIRef, str] | None = None) -> list[Violation]:
    """Validate ``data``; each result names the node (by its place in the file, or its id)."""
    with _SHACL_LOCK:
        conforms, results, _ = pyshacl.validate(
            data, shacl_graph=onto.shapes, ont_graph=onto.graph, inference="rdfs", advanced=True, allow_warnings=True,
        )
    if conforms:
        return []
    out: list[Violation] = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        node_id = data.value(focus, AKG.id) if focus is not None else None
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


def checked_graph(path: Path, onto: Ontology, resolver: Resolver | None = None) -> tuple[Graph | None, list[Violation]]:
    """An annotation file (YAML) or RDF file as RDF in ontology terms, with every problem found in it.

    The graph is None when the file cannot be read at all; otherwise the problems
    are its SHACL results (an empty list means it conforms). ``kg validate`` reports
    them; the loader loads only a file without violations.
    """
    def unreadable(message: str) -> tuple[None, list[Violation]]:
        return None, [Violation(file=str(path), where="(file)", field="", message=message)]

    if not path.exists():
        return unreadable("no such file")
    if path.suffix.lower() in ANNOTATION_SUFFIXES:
        try:
            built = build_rdf(parse_annotation(path), onto, resolver)
        except AnnotationError as exc:
            return None, [Violation(file=exc.path, where=where or "(file)", field="", message=what) for where, what in exc.problems]
        return built.graph, check_source(built, onto)
    fmt = guess_format(str(path)) or ("json-ld" if path.suffix.lower() == ".jsonld" else None)
    if fmt is None:
        return unreadable("unknown file type: use .yaml/.yml annotations or RDF (.ttl, .nt, .jsonld, .rdf)")
    try:
        data = Graph().parse(path, format=fmt)
    except Exception as exc:  # rdflib raises many parser-specific types
        return unreadable(f"cannot parse as {fmt}: {exc}")
    return data, shacl_violations(data, onto, file=str(path))


def validate_file(path: Path, onto: Ontology) -> list[Violation]:
    """Every problem in an annotation or RDF file; an empty list means it conforms."""
    return checked_graph(path, onto)[1]
