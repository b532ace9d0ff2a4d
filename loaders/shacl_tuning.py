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

:func:`tuned` makes the first three work done once per shape or query text,
and the fourth no work, for the duration of one run; afterwards pyshacl is as
it was, so a plain ``pyshacl.validate`` elsewhere (the test suite's reference)
is untouched. It is not safe while another thread runs pyshacl:
:mod:`loaders.validation` holds its lock around it. ``tests/test_shapes.py``
holds the tuned results equal to a fresh pyshacl run on every shape case and
curated annotation, and checks that each shortcut is taken, so that a pyshacl
release that moves these internals fails a test instead of silently slowing
down (pyproject pins pyshacl to 0.40).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import pyshacl.shape as shape_module
from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP
from pyshacl.constraints.constraint_component import ConstraintComponent
from pyshacl.helper.sparql_query_helper import SPARQLQueryHelper


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


@contextmanager
def tuned() -> Iterator[None]:
    """pyshacl with the shortcuts above for the duration of the block, and as it was afterwards."""
    saved = (shape_module.__dict__.get(_PARAMETERS_ATTRIBUTE), SPARQLQueryHelper.__dict__["check_invalid_sparql"],
             ConstraintComponent.__dict__["make_v_result_description"])
    setattr(shape_module, _PARAMETERS_ATTRIBUTE, _TUNED_PARAMETERS)
    SPARQLQueryHelper.check_invalid_sparql = _check_sparql_once  # type: ignore[method-assign]
    ConstraintComponent.make_v_result_description = _no_description  # type: ignore[method-assign]
    try:
        yield
    finally:
        parameters, SPARQLQueryHelper.check_invalid_sparql, ConstraintComponent.make_v_result_description = saved
        if parameters is None:
            shape_module.__dict__.pop(_PARAMETERS_ATTRIBUTE, None)
        else:
            setattr(shape_module, _PARAMETERS_ATTRIBUTE, parameters)
