"""pyshacl without the per-node work that only the shapes decide, for the loader's runs.

pyshacl 0.40 checks every focus node against every shape by working out again,
on each call, things that depend on the shapes alone. Profiled over 200
synthetic sources, these were 40% of a source's SHACL time:

- **Which of a shape's predicates are constraint parameters.** A list of about
  forty IRIs is scanned for every predicate of the shape, with rdflib's
  equality written in Python: 1.8 million comparisons for 200 sources.
- **The constraint components.** Each is rebuilt from the shapes' triples for
  every focus node (a property shape is validated once per node).
- **Whether a SPARQL constraint's text is allowed** (no MINUS, VALUES, SERVICE,
  nested SELECT without $this, or AS $this). Five regular expressions run over
  the query text for every focus node, and the MINUS and SERVICE ones backtrack
  across lines: 5 ms a source for our three SPARQL constraints.
- **The readable description of every result.** It is written even for the
  results that ``sh:not`` and ``sh:or`` expect and throw away (70 a
  conforming source). The loader reads the report graph, never that text.
- **A property shape is validated once per focus node.** ``sh:property``
  calls the property shape's whole ``validate`` for each focus node in turn,
  and that call's own work (finding its parameters, building its debug log
  lines, naming the shape with two reads of the shapes graph) costs more than
  the checks themselves. ``validate`` takes a list of focus nodes and gives the
  same results for it; one call for all of them matters most when one run
  checks many sources (:mod:`loaders.shacl_batch`).
- **An ``sh:not`` shape is validated once per value node**, for the same
  reason. Here it is validated once for all of them, and a value node conforms
  to it when no result of that one call is about it.
- **A SPARQL constraint's query is run once per focus node**, with ``$this``
  bound to it. A query whose first pattern starts from ``$this`` finds, run
  once unbound, every focus node's rows at once, each row holding its
  ``$this``; they are handed out by it.
- **A shape's name**, read from the shapes graph for every debug line pyshacl
  builds, logged or not.

:func:`tuned` makes the first three and the last work done once per shape or
query text, the fourth no work and the fifth to seventh one call, for the
duration of one run; afterwards pyshacl is as it was, so a plain ``pyshacl.validate`` elsewhere (the test suite's reference)
is untouched. It is not safe while another thread runs pyshacl:
:mod:`loaders.validation` holds its lock around it. ``tests/test_shapes.py``
holds the tuned results equal to a fresh pyshacl run on every shape case and
curated annotation, and checks that each shortcut is taken, so that a pyshacl
release that moves these internals fails a test instead of silently slowing
down (pyproject pins pyshacl to 0.40).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import pyshacl.shape as shape_module
from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP
from pyshacl.constraints.constraint_component import ConstraintComponent
from pyshacl.constraints.core.logical_constraints import NotConstraintComponent
from pyshacl.constraints.core.shape_based_constraints import PropertyConstraintComponent
from pyshacl.constraints.sparql.sparql_based_constraints import SPARQLBasedConstraint
from pyshacl.consts import SH_focusNode, SH_Info, SH_resultSeverity, SH_Warning
from pyshacl.helper.sparql_query_helper import SPARQLQueryHelper
from pyshacl.shape import Shape


class _Parameters(list):  # type: ignore[type-arg]
    """pyshacl's list of constraint parameters, answering ``in`` from a set.

    ``Shape.validate`` copies it and appends SHACL-AF's ``sh:expression`` to the
    copy, so both keep the set in step; pyshacl changes it in no other way.
    """

    def __init__(self, items: Iterable[Any] = ()) -> None:
        super().__init__(items)
        self._members = set(self)

    def __contains__(self, item: object) -> bool:
        return item in self._members

    def copy(self) -> _Parameters:
        return _Parameters(self)

    def append(self, item: Any) -> None:
        super().append(item)
        self._members.add(item)


class _BuiltOnce:
    """A constraint component class that gives the same object for the same shape.

    A component reads its parameters from the shapes graph when it is built
    and keeps nothing from one evaluation to the next. The objects live on the
    shapes' ``ShapesGraph`` (a shape has ``__slots__``), and go with it.
    """

    def __init__(self, component: type[ConstraintComponent]) -> None:
        self.component = component

    def __call__(self, shape: Any) -> ConstraintComponent:
        built: dict[tuple[Any, type], ConstraintComponent] = shape.sg.__dict__.setdefault("_components_built_once", {})
        key = (shape, self.component)
        found = built.get(key)
        if found is None:
            found = built[key] = self.component(shape)  # a refusal (ConstraintLoadWarning) is raised each time, as before
        return found


class _Components(dict):  # type: ignore[type-arg]
    """pyshacl's map of constraint parameter to component, whose copy stays this type."""

    def copy(self) -> _Components:
        return _Components(self)


_BUILDERS: dict[type, _BuiltOnce] = {}
_TUNED_PARAMETERS = (
    _Parameters(ALL_CONSTRAINT_PARAMETERS),
    # One builder per component class: a shape's loop skips a class it has done by the builder's identity.
    _Components({p: _BUILDERS.setdefault(c, _BuiltOnce(c)) for p, c in CONSTRAINT_PARAMETERS_MAP.items()}),
)
_PARAMETERS_ATTRIBUTE = "CONSTRAINT_PARAMS"  # where Shape.validate keeps its parameters between calls
_check_sparql = SPARQLQueryHelper.check_invalid_sparql
_ALLOWED_SPARQL: set[tuple[type, str, bool, frozenset[str]]] = set()


def _check_sparql_once(self: SPARQLQueryHelper, sparql_text: str, valuenode: Any = None,
                       extravars: Iterable[str] | None = None) -> bool:
    """pyshacl's check of a SPARQL constraint's text, run once per text; a refused text is checked (and refused) each time."""
    key = (type(self), sparql_text, valuenode is not None, frozenset(extravars or ()))
    if key not in _ALLOWED_SPARQL:
        _check_sparql(self, sparql_text, valuenode=valuenode, extravars=extravars)
        _ALLOWED_SPARQL.add(key)
    return True


def _no_description(self: ConstraintComponent, *args: Any, **kwargs: Any) -> str:
    return ""


_evaluate_property_shape = PropertyConstraintComponent._evaluate_property_shape
_shape_text = Shape.__str__


def _property_shape_once(self: PropertyConstraintComponent, executor: Any, prop_shape: Any, target_graph: Any,
                         focus_value_nodes: dict[Any, Any], potentially_recursive: Any, _evaluation_path: list[Any]) -> Any:
    """pyshacl's evaluation of one ``sh:property``, with one ``validate`` call for every value node at once.

    A node shape's value node is its focus node, and ``validate`` checks a list
    of focus nodes as it checks each alone: the same results, and not conforming
    when any one does not. Anything else (a missing or recursive shape) goes
    through pyshacl's own code, which reports it.
    """
    found = self.shape.get_other_shape(prop_shape)
    if not found or not found.is_property_shape or (potentially_recursive and found in potentially_recursive):
        return _evaluate_property_shape(self, executor, prop_shape, target_graph, focus_value_nodes,
                                        potentially_recursive, _evaluation_path)
    values = list(dict.fromkeys(v for nodes in focus_value_nodes.values() for v in nodes))
    conforms, reports = found.validate(executor, target_graph, focus=values, _evaluation_path=_evaluation_path[:])
    return not conforms, reports


_evaluate_not = NotConstraintComponent._evaluate_not_constraint


def _not_once(self: NotConstraintComponent, executor: Any, not_c: Any, datagraph: Any, focus_value_nodes: dict[Any, Any],
              potentially_recursive: Any, _evaluation_path: list[Any]) -> Any:
    """pyshacl's evaluation of one ``sh:not``, with one ``validate`` call for every value node at once.

    A value node conforms to the shape alone when no result of the call is about it with a severity
    that fails the run. A shape whose own severity lets everything conform, a call that fails without
    saying on which node, a missing or recursive shape: pyshacl's own code.
    """
    found = self.shape.get_other_shape(not_c)
    allowed = ({SH_Info} if executor.allow_infos else set()) | ({SH_Info, SH_Warning} if executor.allow_warnings else set())
    if not found or (potentially_recursive and found in potentially_recursive) or found.severity in allowed:
        return _evaluate_not(self, executor, not_c, datagraph, focus_value_nodes, potentially_recursive, _evaluation_path)
    values = list(dict.fromkeys(v for nodes in focus_value_nodes.values() for v in nodes))
    if not values:
        return False, []
    conforms, reports = found.validate(executor, datagraph, focus=values, _evaluation_path=_evaluation_path[:])
    failing: set[Any] = set()
    for _, node, parts in reports:
        about = {p: o for s, p, o in parts if s == node and p in (SH_focusNode, SH_resultSeverity)}
        focus = about.get(SH_focusNode)
        if about.get(SH_resultSeverity) not in allowed:
            failing.add(focus[1] if isinstance(focus, tuple) else focus)
    if not conforms and not failing:
        return _evaluate_not(self, executor, not_c, datagraph, focus_value_nodes, potentially_recursive, _evaluation_path)
    out = [self.make_v_result(datagraph, f, value_node=v) for f, nodes in focus_value_nodes.items() for v in nodes
           if v not in failing]
    return bool(out), out


_evaluate_sparql = SPARQLBasedConstraint._evaluate_sparql_constraint
# The query's first pattern has $this as its subject, so every row binds $this from the data, as
# binding it beforehand would (pyshacl has refused VALUES, MINUS and sub-selects already).
_STARTS_FROM_THIS = re.compile(r"^\s*SELECT\s+(DISTINCT\s+)?\$this\b[^{]*\bWHERE\s*\{\s*\$this\s", re.I)


def _violations_in(rows: list[Any]) -> list[Any]:
    """pyshacl's reading of a query's rows (``SPARQLBasedConstraint._validate_sparql_query``), for given rows."""
    violations: list[Any] = []
    failed = False
    for row in rows:
        found = row.asdict()
        if found.pop("failure", None) is not None:
            if not failed:
                violations.append((True, found))
                failed = True
            continue
        path, value, this = found.pop("path", None), found.pop("value", None), found.pop("this", None)
        if (path is not None or value is not None or this is not None) and (this, path, value, found) not in violations:
            violations.append((this, path, value, found))
    return violations


def _sparql_once(self: SPARQLBasedConstraint, sparql_constraint: Any, target_graph: Any, f_v_dict: dict[Any, Any]) -> Any:
    """pyshacl's evaluation of one SPARQL constraint, its query run once for every focus node.

    pyshacl's own loop over the focus nodes runs as it is; only its query for
    each focus node is answered from that one run's rows. A property shape's
    query, one whose first pattern does not start from ``$this``, or a single
    focus node: pyshacl's own code.
    """
    if self.shape.is_property_shape or len(f_v_dict) < 2 or not _STARTS_FROM_THIS.match(sparql_constraint.select_text):
        return _evaluate_sparql(self, sparql_constraint, target_graph, f_v_dict)
    binds, text = sparql_constraint.pre_bind_variables(next(iter(f_v_dict)))
    binds.pop("this", None)
    rows: dict[Any, list[Any]] = defaultdict(list)
    for row in target_graph.query(sparql_constraint.apply_prefixes(text), initBindings=binds):
        rows[row.asdict().get("this")].append(row)
    self._validate_sparql_query = (  # type: ignore[method-assign]
        lambda query, init_binds, graph: _violations_in(rows.get(init_binds.get("this"), [])))
    try:
        return _evaluate_sparql(self, sparql_constraint, target_graph, f_v_dict)
    finally:
        del self._validate_sparql_query


def _shape_text_once(self: Shape) -> str:
    """A shape's name for pyshacl's debug lines, read from the shapes graph once per shape."""
    names: dict[Any, str] = self.sg.__dict__.setdefault("_shape_texts", {})
    found = names.get(self)
    if found is None:
        found = names[self] = _shape_text(self)
    return found


@contextmanager
def tuned() -> Iterator[None]:
    """pyshacl with the shortcuts above for the duration of the block, and as it was afterwards."""
    saved = (shape_module.__dict__.get(_PARAMETERS_ATTRIBUTE), SPARQLQueryHelper.__dict__["check_invalid_sparql"],
             ConstraintComponent.__dict__["make_v_result_description"],
             PropertyConstraintComponent.__dict__["_evaluate_property_shape"], Shape.__dict__["__str__"],
             NotConstraintComponent.__dict__["_evaluate_not_constraint"],
             SPARQLBasedConstraint.__dict__["_evaluate_sparql_constraint"])
    setattr(shape_module, _PARAMETERS_ATTRIBUTE, _TUNED_PARAMETERS)
    SPARQLQueryHelper.check_invalid_sparql = _check_sparql_once  # type: ignore[method-assign]
    ConstraintComponent.make_v_result_description = _no_description  # type: ignore[method-assign]
    PropertyConstraintComponent._evaluate_property_shape = _property_shape_once  # type: ignore[method-assign]
    Shape.__str__ = _shape_text_once  # type: ignore[method-assign]
    NotConstraintComponent._evaluate_not_constraint = _not_once  # type: ignore[method-assign]
    SPARQLBasedConstraint._evaluate_sparql_constraint = _sparql_once  # type: ignore[method-assign]
    try:
        yield
    finally:
        (parameters, SPARQLQueryHelper.check_invalid_sparql,  # type: ignore[method-assign]
         ConstraintComponent.make_v_result_description,  # type: ignore[method-assign]
         PropertyConstraintComponent._evaluate_property_shape, Shape.__str__,  # type: ignore[method-assign]
         NotConstraintComponent._evaluate_not_constraint,  # type: ignore[method-assign]
         SPARQLBasedConstraint._evaluate_sparql_constraint) = saved  # type: ignore[method-assign]
        if parameters is None:
            shape_module.__dict__.pop(_PARAMETERS_ATTRIBUTE, None)
        else:
            setattr(shape_module, _PARAMETERS_ATTRIBUTE, parameters)
