"""Data derived from the project's own files, kept on disk between runs so a short command does not derive it again.

A command such as ``kg extract ARTICLE`` runs for about a second, and before
this cache a tenth of it went to working out the ontology's RDFS closure, the
same for every run until the ontology changes (BENCHMARKS.md, "Extraction
speed"). :func:`cached` keeps such a value in ``.kg/cache`` under the project
root (git-ignored):

* **Keyed by content.** An entry's name is the SHA-256 of everything it is
  derived from: the bytes of the source files, the bytes of the code that
  derives it and the versions of Python and of the libraries whose objects it
  holds. An edit to any of them makes another name, so a stale entry is never
  read; the oldest entries of a kind beyond :data:`KEEP` are removed.
* **Safe under concurrent runs.** An entry is written to a temporary file in
  the same folder and renamed into place (atomic on POSIX and Windows), so a
  reader finds a whole entry or none; two runs that miss at once both derive
  the value and both write the same entry.
* **Never in the way.** A folder that cannot be written (a read-only
  checkout), an entry that cannot be read (a half-copied folder) or any other
  failure only means deriving the value again.

Entries are pickles, read only from the project's own folder: whoever can
write there can change the code as well.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Iterable
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TypeVar

from kg import PROJECT_ROOT

CACHE_DIR = PROJECT_ROOT / ".kg" / "cache"
#: Entries kept per kind: enough for a few ontologies in use at once (branches, a test's copy).
KEEP = 4
#: Raised to make every entry of every kind stale at once (a change to how entries are written).
FORMAT = "1"

T = TypeVar("T")


def digest(parts: Iterable[bytes | str]) -> str:
    """SHA-256 over ``parts``, each length-prefixed so that no two different lists give the same bytes."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def library_versions(*distributions: str) -> str:
    """``python 3.11.7 ...; rdflib 7.6.0; ...``: what a pickled value of these libraries' classes depends on.

    Read from the installed distributions' metadata, whether or not the library is imported yet
    (rdflib reads its own metadata, so the lookup costs a few milliseconds once it is imported)."""
    found = [f"python {sys.version}"]
    for name in distributions:
        try:
            found.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            found.append(f"{name} ?")
    return "; ".join(found)


@cache
def project_code() -> str:
    """SHA-256 of every ``.py`` and ``.yaml`` file of the packages (``kg/``, ``loaders/``), names and bytes.

    The key of a value derived by the project's code from the project's data when it is not worth
    naming which modules and files it depends on: an edit to any of them derives it again, which
    costs the first run afterwards what the cache saves (a few milliseconds to hash them all).
    Worked out once per process, like the imports and reads it stands for."""
    files = sorted(path for package in ("kg", "loaders") for path in (PROJECT_ROOT / package).rglob("*")
                   if path.suffix in (".py", ".yaml") and "__pycache__" not in path.parts)
    return digest(part for path in files for part in (path.relative_to(PROJECT_ROOT).as_posix(), path.read_bytes()))


def cached(kind: str, key_parts: Iterable[bytes | str], derive: Callable[[], T], *, directory: Path | None = None) -> T:
    """The value ``derive()`` returns, read from the cache when an entry of ``kind`` has the same key.

    ``key_parts`` must hold everything the value depends on (see the module docstring);
    ``kind`` is a short file-name-safe word naming what is kept.
    """
    folder = directory or CACHE_DIR
    path = folder / f"{kind}-{digest([FORMAT, kind, *key_parts])}.pickle"
    try:
        value: T = pickle.loads(path.read_bytes())  # noqa: S301 - the project's own folder, see the module docstring
        return value
    except Exception:  # noqa: BLE001 - missing, unreadable or written by another version: derive it again
        pass
    value = derive()
    try:
        _write(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        _prune(folder, kind)
    except Exception:  # noqa: BLE001 - a cache that cannot be written is only slower
        pass
    return value


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _prune(folder: Path, kind: str) -> None:
    """Remove the entries of ``kind`` beyond the :data:`KEEP` most recently written."""
    entries = sorted(folder.glob(f"{kind}-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP:]:
        old.unlink(missing_ok=True)
