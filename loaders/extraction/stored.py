"""The gazetteer without the graph, read back from :mod:`kg.disk_cache` while what it is built from is unchanged.

Building it (reading ``lexicon.yaml`` and the reference set, adding some ten thousand
surface forms) took a fifth of a ``kg extract`` of one article, the same work on every
run (BENCHMARKS.md, "Extraction speed"). It is built from the project's code (the
gazetteer, the reference set, resolution's slugs, name normalisation and whatever they
import) and YAML files, so the cache key is all of them (:func:`kg.disk_cache.project_code`)
and PyYAML's version: an edit anywhere in ``kg/`` or ``loaders/`` builds it afresh once.
What is kept is the gazetteer before its pattern is compiled: a compiled pattern would be
compiled again as it is read back.
"""

from __future__ import annotations

from functools import cache

from kg.disk_cache import cached, library_versions, project_code
from loaders.extraction.gazetteer import Gazetteer, build_gazetteer


@cache
def stored_gazetteer() -> Gazetteer:
    """What :func:`loaders.extraction.gazetteer.default_gazetteer` gives, built once per code and data."""
    return cached("gazetteer", [project_code(), library_versions("PyYAML")], build_gazetteer)
