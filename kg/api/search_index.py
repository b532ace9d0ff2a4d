"""The API's name index lives with the reads that use it: :mod:`kg.reads.name_index`."""

from __future__ import annotations

from kg.reads.name_index import FUZZY_CUTOFF, RANK, Match, Named, NameIndex, Names, rank, read_names

__all__ = ["FUZZY_CUTOFF", "RANK", "Match", "NameIndex", "Named", "Names", "rank", "read_names"]
