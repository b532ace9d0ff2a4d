"""Many sources checked in one pyshacl run, each result given back to the source it belongs to.

A pyshacl run pays for every shape whatever the data holds (finding its focus
nodes, setting up its constraints), so checking sources one run each pays it
once per source. Here the RDF of several sources (each with its RDFS
consequences) goes into one graph and one run, and each result goes to every
source that holds its focus node.

That gives each source exactly what a run over its own graph would give, on
two conditions, checked for every batch rather than assumed:

* **The shapes read across nodes only in ways this module can follow**
  (:func:`reach`): they choose focus nodes by class alone (``sh:targetClass``),
  and from a focus node follow predicates forwards, or backwards only along
  predicates listed in :attr:`Reach.inverse` (``sh:inversePath`` anywhere in
  the shapes, ``rdfs:subClassOf``, which ``sh:class`` climbs, and whatever a
  SPARQL constraint walks into ``$this`` from the far end). Shapes that do
  anything else (other targets, rules, a SPARQL pattern not joined to
  ``$this``) are checked one source a run.
* **Sources in one run agree on every node they share** (:func:`batches`):
  an entity named by two sources has the same triples out of it in both, and
  the same triples into it along the predicates followed backwards, as far as
  any shape reads them (:func:`signatures`). Then whatever a shape reads from
  any focus node of a source is the same in the merged graph as in the
  source's own. Sources that disagree (one gives an official a post, the
  other does not) go to different runs; the private nodes of a source (its
  events, evidence, posts: their ids carry the source id) never disagree.

  Two kinds of triples are left out of that agreement. Those of predicates no
  shape reads (``schema:alternateName``, ``akg:mentions``). And those of
  predicates that shapes check only value by value, each value alone
  (:attr:`Reach.per_value`: an alias must be a non-empty string): sources may
  name a state by different aliases and still share a run, and a result about
  one value goes only to the sources that state that value.

So one bad file is reported with its own results and blocks no other file,
and no file needs checking again alone. ``tests/test_batched_validation.py``
holds the results equal to checking source by source.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from rdflib import RDF, RDFS, SH, BNode, Graph, Literal, URIRef, Variable
from rdflib.paths import AlternativePath, InvPath, MulPath, NegatedPath, Path, SequencePath
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue

Triple = tuple[Any, Any, Any]
Signature = tuple[frozenset[tuple[Any, Any]], frozenset[tuple[Any, Any]]]  # (predicate, object) out, (subject, predicate) in

# Ways of choosing focus nodes or changing the data that results cannot be attributed through.
_UNFOLLOWED = (SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target, SH.rule, SH.js, SH.jsFunctionName,
               SH.closed, SH.expression, SH.validator, SH.nodeValidator, SH.propertyValidator, SH.parameter)
_THIS = Variable("this")
# Property pair constraints: each names a second predicate, read from the same focus node.
_PAIRED = (SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals)
# What a property shape may say and still check each value apart from the others.
_PER_VALUE = {SH.path, SH.datatype, SH.nodeKind, SH.minLength, SH.maxLength, SH.pattern, SH.flags, SH.languageIn,
              SH["in"], SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive, SH["class"],
              SH.message, SH.severity, SH.name, SH.description, SH.order, SH.group, RDF.type, RDFS.comment}


@dataclass(frozen=True)
class Reach:
    """What the shapes read beyond a focus node's own triples."""

    inverse: frozenset[URIRef]  # predicates followed from object to subject
    read: frozenset[URIRef] = frozenset()  # predicates any shape reads at all
    per_value: frozenset[URIRef] = frozenset()  # predicates whose values are only ever checked one by one
    refused: str | None = None  # why sources cannot share a run, if they cannot


def _path_predicates(path: Any) -> Iterator[tuple[URIRef, bool]]:
    """Each predicate of a SPARQL property path, and whether it is followed backwards."""
    if isinstance(path, URIRef):
        yield path, False
    elif isinstance(path, InvPath):
        yield from ((p, not back) for p, back in _path_predicates(path.arg))
    elif isinstance(path, (SequencePath, AlternativePath)):
        for arg in path.args:
            yield from _path_predicates(arg)
    elif isinstance(path, MulPath):
        yield from _path_predicates(path.path)
    elif isinstance(path, NegatedPath):  # any predicate but these: nothing to follow by name
        raise ValueError("a negated property path")
    else:
        raise ValueError(f"an unknown property path {path!r}")


def _patterns(node: Any) -> Iterator[Triple]:
    """Every triple pattern of a translated query, inside FILTER EXISTS and OPTIONAL too."""
    if isinstance(node, CompValue):
        if node.name == "BGP":
            yield from node.triples
        for value in node.values():
            yield from _patterns(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from _patterns(value)


def _sparql_reads(text: str, namespaces: dict[str, Any]) -> tuple[set[URIRef], set[URIRef]]:
    """The predicates a SPARQL constraint reads, and those it follows backwards from what ``$this``
    reaches; ValueError for a pattern that reads the graph apart from ``$this`` (a node named in
    the query, or an unjoined variable), which attribution by focus node cannot follow."""
    patterns = list(_patterns(translateQuery(parseQuery(text), None, namespaces).algebra))
    reached: set[Any] = {_THIS}
    inverse: set[URIRef] = set()
    read: set[URIRef] = set()
    todo = list(patterns)
    while todo:
        left = []
        for s, p, o in todo:
            steps = list(_path_predicates(p)) if isinstance(p, (URIRef, Path)) else None
            if steps is None:
                raise ValueError(f"a variable predicate in {s} {p} {o}")
            read.update(q for q, _ in steps)
            if s in reached:
                inverse.update(q for q, back in steps if back)
                if isinstance(o, Variable):
                    reached.add(o)
            elif o in reached and isinstance(s, Variable):
                inverse.update(q for q, back in steps if not back)  # walked from the object back
                reached.add(s)
            else:
                left.append((s, p, o))
        if len(left) == len(todo):
            raise ValueError(f"a pattern not joined to $this: {left[0]}")
        todo = left
    return read, inverse


def _shacl_path_predicates(shapes: Graph, path: Any) -> Iterator[URIRef]:
    """Every predicate a SHACL property path names."""
    if isinstance(path, URIRef):
        yield path
    elif isinstance(path, BNode):
        for step in (shapes.items(path) if shapes.value(path, RDF.first) is not None else shapes.objects(path, None)):
            if step == RDF.nil:
                continue
            yield from _shacl_path_predicates(shapes, step)


def _per_value(shapes: Graph, counted: set[URIRef]) -> set[URIRef]:
    """Predicates every property shape of which checks its values one by one, each found from a focus node.

    Such a shape is a simple path, says only what :data:`_PER_VALUE` allows, and hangs by ``sh:property``
    from node shapes with class targets that nothing else refers to: inside ``sh:or`` or ``sh:not``, or
    behind ``sh:node``, the values would decide together whether a node conforms.
    """
    def targeted(node_shape: Any) -> bool:
        return (node_shape, SH.targetClass, None) in shapes and next(shapes.subjects(None, node_shape), None) is None

    by_predicate: dict[URIRef, bool] = {}
    for shape, path in shapes.subject_objects(SH.path):
        if not isinstance(path, URIRef):
            continue
        alone = (all(p in _PER_VALUE for p in shapes.predicates(shape))
                 and all(p == SH.property and targeted(s) for s, p in shapes.subject_predicates(shape)))
        by_predicate[path] = by_predicate.get(path, True) and alone
    return {p for p, alone in by_predicate.items() if alone and p not in counted}


def reach(shapes: Graph) -> Reach:
    """What the shapes read across nodes (see the module docstring)."""
    for predicate in _UNFOLLOWED:
        if (None, predicate, None) in shapes:
            return Reach(frozenset(), refused=f"the shapes use {shapes.namespace_manager.normalizeUri(predicate)}")
    inverse = {p for p in shapes.objects(None, SH.inversePath) if isinstance(p, URIRef)}
    inverse.add(RDFS.subClassOf)  # sh:class and class targets take the instances of subclasses too
    read = {RDF.type, RDFS.subClassOf}
    in_paths: set[URIRef] = set()  # predicates of paths other than a single predicate
    for path in shapes.objects(None, SH.path):
        found = set(_shacl_path_predicates(shapes, path))
        read |= found
        if not isinstance(path, URIRef):
            in_paths |= found
    # A property pair constraint reads a second predicate of the focus node, whose values it compares
    # with the path's: read, and never checked value by value.
    paired = {q for p in _PAIRED for q in shapes.objects(None, p) if isinstance(q, URIRef)}
    read |= paired
    in_paths |= paired
    namespaces = {str(d.value(SH.prefix)): URIRef(str(d.value(SH.namespace)))
                  for d in (shapes.resource(n) for n in shapes.objects(None, SH.declare))}
    in_sparql: set[URIRef] = set()
    for text in shapes.objects(None, SH.select):
        try:
            sparql_read, sparql_inverse = _sparql_reads(str(text), namespaces)
        except Exception as exc:  # a parse error, or a pattern this module cannot follow
            return Reach(frozenset(), refused=f"a SPARQL constraint has {exc}")
        in_sparql |= sparql_read
        inverse |= sparql_inverse
    if any(shapes.objects(None, SH.ask)) or any(shapes.objects(None, SH.construct)):
        return Reach(frozenset(), refused="the shapes hold SPARQL other than SELECT constraints")
    read |= in_sparql
    per_value = _per_value(shapes, in_paths | in_sparql | inverse | {RDF.type})
    return Reach(frozenset(inverse), frozenset(read), frozenset(per_value))


_REACH: dict[int, tuple[Graph, Reach]] = {}


def reach_of(shapes: Graph) -> Reach:
    """:func:`reach`, worked out once per shapes graph."""
    found = _REACH.get(id(shapes))
    if found is None:
        found = _REACH[id(shapes)] = (shapes, reach(shapes))  # holding the graph keeps its id from being reused
    return found[1]


def signatures(triples: Iterable[Triple], reach: Reach) -> dict[Any, Signature]:
    """Every node of one source's graph, with what the shapes read of it that other sources could
    say otherwise: its triples out, and its triples in along ``reach.inverse``, leaving out the
    predicates no shape reads and those checked value by value. Literals count only as objects
    of ``reach.inverse``."""
    out: dict[Any, set[tuple[Any, Any]]] = defaultdict(set)
    into: dict[Any, set[tuple[Any, Any]]] = defaultdict(set)
    read, per_value, inverse = reach.read, reach.per_value, reach.inverse
    for s, p, o in triples:
        if p in read and p not in per_value:
            out[s].add((p, o))
        else:
            out.setdefault(s, set())
        if p in inverse:
            into[o].add((s, p))
        elif not isinstance(o, Literal):
            out.setdefault(o, set())
    empty: frozenset[tuple[Any, Any]] = frozenset()
    return {node: (frozenset(out.get(node, empty)), frozenset(into.get(node, empty))) for node in out.keys() | into.keys()}


@dataclass
class Batch:
    """Sources that agree on every node they share, to be checked in one run."""

    members: list[int] = field(default_factory=list)  # the sources' positions in the caller's list
    nodes: dict[Any, Signature] = field(default_factory=dict)

    def agrees(self, source: dict[Any, Signature]) -> bool:
        nodes = self.nodes
        return all(nodes.get(node, seen) == seen for node, seen in source.items())

    def add(self, position: int, source: dict[Any, Signature]) -> None:
        self.members.append(position)
        self.nodes.update(source)


def batches(sources: list[dict[Any, Signature]]) -> list[Batch]:
    """The sources in as few runs as first fit gives, each run's sources agreeing on what they share."""
    out: list[Batch] = []
    for position, source in enumerate(sources):
        for batch in out:
            if batch.agrees(source):
                batch.add(position, source)
                break
        else:
            out.append(Batch())
            out[-1].add(position, source)
    return out
