"""The embedded engine: ArcadeDB's server with its Bolt plugin (:mod:`.server`), and the both-ends
path search the API runs on it (:mod:`.paths`)."""

from __future__ import annotations

from kg.engines.dialect import Dialect

DIALECT = Dialect(name="arcadedb", fulltext_index=False, shortest_paths=False, lowers_path_bounds=True,
                  relabel_in_transaction=False)
