"""Which class an entity gets when its sources type it differently.

Every mention records the class its source gives the entity (``typedAs``, see
:mod:`kg.property_graph`). The entity's labels are those of one class, chosen by
this rule:

* the most specific class wins: a source that says Contractor corrects one that
  said Organization, and a later Organization does not undo a Contractor;
* classes that do not refine one another (Contractor and GovernmentAgency) are a
  conflict: the latest source's class wins, and the load report warns;
* a class of another root (an Actor typed as a Place) is never taken: an entity's
  root is fixed by its id (its uniqueness constraint is on the root label).

When a source is retracted the class is derived again from the mentions left,
keeping the current class where the remaining sources still conflict.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kg.ontology import Ontology


@dataclass(frozen=True)
class Typing:
    """The class chosen for an entity, and why it was a conflict (None when the sources agree)."""

    cls: str
    conflict: str | None = None


def combine(onto: Ontology, current: str, incoming: str) -> Typing:
    """The class after a newer source types an entity ``current`` has as ``incoming``."""
    if incoming not in onto.classes or onto.cls(incoming).root != onto.cls(current).root:
        return Typing(current, f"{incoming} is not a kind of {onto.cls(current).root}: the stored {current} is kept")
    if onto.is_a(incoming, current):
        return Typing(incoming)
    if onto.is_a(current, incoming):
        return Typing(current)
    return Typing(incoming, f"{incoming} and {current} are different kinds of {onto.cls(current).root}: the latest, {incoming}, is taken")


def derive(onto: Ontology, current: str, given: Iterable[str | None], prefer: str | None = None) -> Typing:
    """The class from every class the backing sources give (``None``: a mention that recorded none,
    from a graph loaded before mentions did). ``prefer``: the latest source's class, which wins a
    conflict it takes part in; else the current class does, else the first by name."""
    root = onto.cls(current).root
    classes = {c for c in given if c and c in onto.classes and onto.cls(c).root == root}
    if not classes:
        return Typing(current)
    # The most specific: those no other given class refines.
    leaves = sorted(c for c in classes if not any(o != c and onto.is_a(o, c) for o in classes))
    if len(leaves) == 1:
        return Typing(leaves[0])
    chosen = next((c for c in (prefer, current) if c in leaves), leaves[0])
    return Typing(chosen, f"the sources type it as {', '.join(leaves)}: {chosen} is kept")


def label_changes(onto: Ontology, labels: Iterable[str], cls: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The labels to add and to remove so a node with ``labels`` has exactly ``cls``'s labels
    (labels that are no ontology class, if any, are left alone)."""
    have, want = set(labels), set(onto.cls(cls).labels)
    return tuple(sorted(want - have)), tuple(sorted(label for label in have - want if label in onto.classes))
