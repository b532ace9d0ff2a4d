"""kg.disk_cache: a value derived once is read back while what it derives from is unchanged, derived again
when anything in its key changes, never half read by concurrent runs, and never in the way when the folder
cannot be written. The ontology, its RDFS closure and the gazetteer read from the cache are those worked
out afresh."""

from __future__ import annotations

import multiprocessing
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from rdflib.compare import isomorphic

from kg import disk_cache
from kg.ontology import ONTOLOGY_DIR, ONTOLOGY_FILE, load_ontology, parse_ontology
from loaders import validation
from loaders.extraction.gazetteer import build_gazetteer
from loaders.extraction.stored import stored_gazetteer
from loaders.inference import _close, closed_ontology
from loaders.resolution import ReferenceTable


def _counting(value: object, calls: list[int]) -> object:
    calls.append(1)
    return value


def test_a_value_is_derived_once_and_read_back_while_its_key_is_the_same(tmp_path: Path) -> None:
    calls: list[int] = []
    first = disk_cache.cached("thing", [b"source", "v1"], lambda: _counting({"a": (1, 2)}, calls), directory=tmp_path)
    again = disk_cache.cached("thing", [b"source", "v1"], lambda: _counting({"a": (1, 2)}, calls), directory=tmp_path)
    assert first == again == {"a": (1, 2)} and len(calls) == 1
    changed = disk_cache.cached("thing", [b"source!", "v1"], lambda: _counting("new", calls), directory=tmp_path)
    assert changed == "new" and len(calls) == 2
    assert len(list(tmp_path.glob("thing-*.pickle"))) == 2 and not list(tmp_path.glob(".*.tmp"))


def test_key_parts_cannot_run_into_each_other() -> None:
    assert disk_cache.digest([b"ab", b"c"]) != disk_cache.digest([b"a", b"bc"])
    assert disk_cache.digest(["x"]) == disk_cache.digest([b"x"])


def test_an_unreadable_entry_is_derived_again_and_replaced(tmp_path: Path) -> None:
    disk_cache.cached("thing", [b"k"], lambda: 1, directory=tmp_path)
    (entry,) = tmp_path.glob("thing-*.pickle")
    entry.write_bytes(b"\x80\x05 half an entry")
    assert disk_cache.cached("thing", [b"k"], lambda: 2, directory=tmp_path) == 2
    assert disk_cache.cached("thing", [b"k"], lambda: 3, directory=tmp_path) == 2


def test_a_folder_that_cannot_be_written_only_means_deriving_again(tmp_path: Path) -> None:
    """A path under a file stands for a read-only checkout (root may write into any folder)."""
    blocker = tmp_path / "cache"
    blocker.write_text("not a folder", encoding="utf-8")
    assert disk_cache.cached("thing", [b"k"], lambda: 1, directory=blocker / "cache") == 1
    assert disk_cache.cached("thing", [b"k"], lambda: 2, directory=blocker / "cache") == 2
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def test_only_the_newest_entries_of_a_kind_are_kept(tmp_path: Path) -> None:
    written = []
    for n in range(disk_cache.KEEP + 3):
        before = set(tmp_path.glob("thing-*.pickle"))
        disk_cache.cached("thing", [str(n)], lambda n=n: n, directory=tmp_path)
        (entry,) = set(tmp_path.glob("thing-*.pickle")) - before
        os.utime(entry, (1_000_000 + n, 1_000_000 + n))  # written in this order, a second apart
        written.append(entry)
    disk_cache.cached("other", [b"k"], lambda: 0, directory=tmp_path)
    assert set(tmp_path.glob("thing-*.pickle")) == set(written[-disk_cache.KEEP:])
    assert len(list(tmp_path.glob("other-*.pickle"))) == 1


def _derive_in_a_process(folder: str) -> list[int]:
    return [len(disk_cache.cached("big", [b"same"], lambda: list(range(200_000)), directory=Path(folder)))
            for _ in range(20)]


def test_concurrent_runs_read_whole_entries(tmp_path: Path) -> None:
    """Processes that miss at once all derive and write the same entry; every read gets the whole value."""
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        lengths = pool.map(_derive_in_a_process, [str(tmp_path)] * 4)
    assert lengths == [[200_000] * 20] * 4
    assert len(list(tmp_path.glob("big-*.pickle"))) == 1 and not list(tmp_path.glob(".*.tmp"))


def _written_then_read(load: Any) -> tuple[Any, Any]:
    """``load()`` twice, its in-process cache cleared before each: derived and written to the disk cache, then read back."""
    load.cache_clear()
    try:
        written = load()
        load.cache_clear()
        return written, load()
    finally:
        load.cache_clear()


def test_the_ontology_and_its_closure_read_back_are_those_worked_out_afresh(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(disk_cache, "CACHE_DIR", tmp_path)
    fresh = parse_ontology()
    written, read = _written_then_read(load_ontology)
    assert written is not read and len(list(tmp_path.glob("ontology-*.pickle"))) == 1
    # The same triples, blank nodes and all; a parse of its own names its blank nodes afresh.
    assert set(read.graph) == set(written.graph) and set(read.shapes) == set(written.shapes)
    assert isomorphic(read.graph, fresh.graph) and isomorphic(read.shapes, fresh.shapes)
    assert (read.classes, read.object_properties, read.datatype_properties, read.digest) == (
        fresh.classes, fresh.object_properties, fresh.datatype_properties, fresh.digest)
    closed_ontology(written)  # worked out, and written to the cache
    assert closed_ontology(read) == _close(written) and len(list(tmp_path.glob("rdfs-schema-*.pickle"))) == 1


def test_an_edited_ontology_is_parsed_and_closed_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(disk_cache, "CACHE_DIR", tmp_path / "cache")
    copy = tmp_path / "ontology"
    shutil.copytree(ONTOLOGY_DIR, copy)
    before = load_ontology(copy)
    closed_ontology(before)
    with (copy / ONTOLOGY_FILE).open("a", encoding="utf-8") as ttl:
        ttl.write("\nakg:Frigate a owl:Class ; rdfs:subClassOf akg:WeaponSystem ; rdfs:label \"Frigate\"@en .\n")
    load_ontology.cache_clear()
    try:
        after = load_ontology(copy)
    finally:
        load_ontology.cache_clear()
    assert "Frigate" in after.classes and "Frigate" not in before.classes and after.digest != before.digest
    frigate = after.cls("Frigate").iri
    assert closed_ontology(after).super_classes[frigate] > {frigate}
    assert len(list((tmp_path / "cache").glob("ontology-*.pickle"))) == 2
    assert len(list((tmp_path / "cache").glob("rdfs-schema-*.pickle"))) == 2


def test_the_stored_gazetteer_is_the_one_built_afresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(disk_cache, "CACHE_DIR", tmp_path)
    written, read = _written_then_read(stored_gazetteer)
    fresh = build_gazetteer()
    assert written is not read and read == fresh and read._pattern is None
    assert len(list(tmp_path.glob("gazetteer-*.pickle"))) == 1
    assert read.find("Poland signed with Hyundai Rotem") == fresh.find("Poland signed with Hyundai Rotem")


def test_an_edit_to_the_projects_code_or_data_changes_its_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for package in ("kg", "loaders"):
        (tmp_path / package / "sub").mkdir(parents=True)
        (tmp_path / package / "sub" / "a.py").write_text("x = 1\n", encoding="utf-8")
    (tmp_path / "loaders" / "sub" / "b.yaml").write_text("names: [a]\n", encoding="utf-8")
    monkeypatch.setattr(disk_cache, "PROJECT_ROOT", tmp_path)

    def key() -> str:
        disk_cache.project_code.cache_clear()  # worked out once per process: here, once per edit
        return disk_cache.project_code()

    try:
        before = key()
        (tmp_path / "loaders" / "sub" / "b.yaml").write_text("names: [b]\n", encoding="utf-8")
        after_data = key()
        (tmp_path / "kg" / "sub" / "c.py").write_text("", encoding="utf-8")
        after_new_module = key()
        (tmp_path / "kg" / "notes.txt").write_text("not code", encoding="utf-8")
        assert len({before, after_data, after_new_module}) == 3 and key() == after_new_module
    finally:
        disk_cache.project_code.cache_clear()


def test_the_resolvers_reference_table_read_back_is_the_one_built_afresh(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(disk_cache, "CACHE_DIR", tmp_path)
    onto = load_ontology()
    monkeypatch.setattr(validation, "_RESOLVERS", {})
    written = validation.reference_resolver(onto).reference
    monkeypatch.setattr(validation, "_RESOLVERS", {})
    read = validation.reference_resolver(onto).reference
    fresh = ReferenceTable.load()
    assert written is not read and len(list(tmp_path.glob("reference-table-*.pickle"))) == 1
    assert (read.entities, read.by_id, read.by_name, read.by_iso, read.by_wikidata) == (
        fresh.entities, fresh.by_id, fresh.by_name, fresh.by_iso, fresh.by_wikidata)
