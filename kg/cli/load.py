"""`kg load`, `kg unload`, `kg export`, `kg duplicates` and `kg candidates`: what goes into the graph and out of it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from kg.cli.common import JsonFlag, _examples, _fail, _open_graph, _print_json, _progress, _working, app, err, load_settings, out
from kg.cli.extract import KindOption, _checked_kind, _extract_document
from kg.exit_codes import ExitCode
from loaders.extraction.review import ReviewError, ReviewStore

if TYPE_CHECKING:
    from kg.settings import Settings
    from kg.store import SourceReport
    from loaders.pipeline import LoadSummary

candidates_app = typer.Typer(
    help="Extracted facts below --min-confidence, waiting for review.", no_args_is_help=True, rich_markup_mode="rich",
    epilog=_examples("kg candidates list", "kg candidates accept reuters-2025-poland-k2 contractaward-3",
                     "kg candidates accept reuters-2025-poland-k2 --all"),
)
app.add_typer(candidates_app, name="candidates")


def _report_json(report: SourceReport) -> dict[str, object]:
    return {"id": report.source_id, "action": report.action, "warnings": report.warnings,
            "tallies": {k: vars(t) for k, t in report.tallies.items()}}


def _summary_json(summary: LoadSummary) -> dict[str, object]:
    return {
        "totals": {k: vars(t) for k, t in summary.totals().items()},
        "sources": [_report_json(r) for r in summary.reports],
        "rejected": [{"file": str(r.path), "problems": [v.as_dict() for v in r.violations]} for r in summary.rejected],
        "refused_replacements": [{"id": c.source_id, "reason": c.reason, "stored": c.stored, "would_retract_events": c.events,
                                  "would_retract_entities": c.entities, "message": str(c)} for c in summary.conflicts],
        "deals": {"written": summary.deals.written, "removed": summary.deals.removed, "claims": summary.deals.claims},
        "timings": {"check_seconds": round(summary.check_seconds, 3), "write_seconds": round(summary.write_seconds, 3),
                    "link_seconds": round(summary.deals.seconds, 3)},
    }


def _print_load_summary(summary: LoadSummary) -> None:
    table = Table(title="Load summary", title_justify="left")
    table.add_column("")
    for column in ("created", "updated", "unchanged", "retracted"):
        table.add_column(column, justify="right")
    for kind, tally in summary.totals().items():
        table.add_row(kind, str(tally.created), str(tally.updated), str(tally.unchanged), str(tally.retracted))
    out.print(table)
    for report in summary.reports:
        out.print(f"  {escape(report.source_id)}: {report.action}", highlight=False)
        for warning in report.warnings:
            out.print(f"    [yellow]warning:[/] {escape(warning)}", highlight=False)
    for rejected in summary.rejected:
        err.print(f"[red]rejected[/] {escape(str(rejected.path))}:", highlight=False)
        for v in rejected.violations:
            field = f" · {v.field}" if v.field else ""
            err.print(escape(f"    {v.where}{field}: {v.message}"), highlight=False, soft_wrap=True)
    for conflict in summary.conflicts:
        err.print(f"[red]not loaded[/] {escape(str(conflict))}", highlight=False, soft_wrap=True)


def _load(settings: Settings, paths: list[Path], *, quiet: bool = False, replace: bool = False,
          kind: str | None = None) -> LoadSummary:
    from loaders.pipeline import Loader, expand  # imported here, not at the top: pyshacl and rdflib slow every kg start-up

    files = expand(paths, kind)
    with _open_graph(settings) as graph:
        loader = Loader(graph)
        with _progress(quiet=quiet) as progress:
            task = progress.add_task("loading", total=len(files))
            summary = loader.load(files, progress=lambda path: progress.update(task, advance=1, description=path.name),
                                  workers=settings.kg.load_workers, batch=settings.kg.load_batch, replace=replace,
                                  kind=kind)
    return summary


@app.command(epilog=_examples("kg load data/annotations", "kg load data/annotations/2025-11-19-nasams-taiwan.yaml --json",
                              "kg load data/official/dsca", "kg load contracts-2025-11-17.html --kind dod-contracts",
                              "kg load export.ttl", "kg load new-article.txt --min-confidence 0.7"))
def load(
    paths: Annotated[list[Path], typer.Argument(help="Annotation files (.yaml), official sources (DSCA releases, 36(b) "
                                                     "transmittals, DoD contracts pages as .txt/.html/.pdf, SIPRI CSV), "
                                                     "RDF files (.ttl, .jsonld, an export), folders of them, or raw "
                                                     "article text files (.txt, extracted first).")],
    min_confidence: Annotated[float | None, typer.Option("--min-confidence", min=0.0, max=1.0,
                                                         help="For .txt files: facts extracted with less confidence are kept as "
                                                              "candidates for review (kg candidates), not loaded "
                                                              "(default KG_MIN_CONFIDENCE, 0.6).")] = None,
    replace: Annotated[bool, typer.Option("--replace", help="Replace a stored source of the same id even when it is "
                                                            "a different source (another URL, text or file).")] = False,
    kind: KindOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Load sources into the graph: each file atomically; re-loading an unchanged file changes nothing.

    A changed file replaces what its source said before. Rejected files are listed
    with their reasons (exit 1); the valid files in the same call still load.
    A file whose source id is taken by a different stored source (another URL, text or
    file) is not loaded and the stored source stays (exit 8) unless --replace is given.
    An official source (a DSCA release, a 36(b) transmittal, a DoD contracts page, a SIPRI
    trade register; its kind recognised, or --kind) is parsed and loaded like any source;
    a paragraph or row its parser cannot read is reported with its position, the rest loads.
    A raw article (.txt named on the command line) is extracted first; what is at or above
    --min-confidence is loaded, the rest waits in KG_REVIEW_DIR for `kg candidates`.
    """
    from loaders.official.document import official_kind  # imported here: rdflib slows every kg start-up

    settings = load_settings()
    kind = _checked_kind(kind)
    texts = [p for p in paths if p.is_file() and p.suffix.lower() == ".txt" and official_kind(p, kind) is None]
    others = [p for p in paths if p not in texts]
    extracted: list[dict[str, Any]] = []
    reviewed: dict[str, dict[Path, str | None]] = {}
    if texts:
        extracted = _extract_for_review(settings, texts, settings.kg.min_confidence if min_confidence is None else min_confidence,
                                        reviewed)
        others += [Path(e["accepted"]) for e in extracted]
    summary = _load(settings, others, quiet=as_json, replace=replace, kind=kind)
    for conflict in summary.conflicts:  # a refused article leaves the review folder as it was
        for path, text in reviewed.get(conflict.source_id.removeprefix("source:"), {}).items():
            path.write_text(text, encoding="utf-8") if text is not None else path.unlink(missing_ok=True)
    if as_json:
        _print_json({**_summary_json(summary), "extracted": extracted})
    else:
        _print_load_summary(summary)
        for e in extracted:
            out.print(f"  {escape(e['article'])}: extracted from {escape(e['file'])}; {e['candidates']} candidate(s) below "
                      f"{e['min_confidence']} wait for review (kg candidates list {escape(e['article'])})", highlight=False)
    if summary.conflicts:
        raise typer.Exit(ExitCode.REPLACE_REFUSED)
    if summary.rejected:
        raise typer.Exit(ExitCode.PROBLEM)


def _extract_for_review(settings: Settings, texts: list[Path], threshold: float,
                        previous: dict[str, dict[Path, str | None]]) -> list[dict[str, Any]]:
    """Extract each article with the graph's entities in the gazetteer; split at ``threshold`` into the review folder.

    ``previous`` receives each article's review files as they were (None: absent), to put back if its load is refused."""
    from loaders.extraction.gazetteer import (  # imported here, not at the top: rdflib slows every kg start-up
        build_gazetteer,
        graph_entities,
    )

    with _open_graph(settings) as graph:
        gaz = build_gazetteer(graph_entities(graph))
    store = ReviewStore(settings.kg.review_path)
    done = []
    for path in texts:
        document = _extract_document(path, gaz=gaz)  # what `kg extract` writes; refused events become candidates
        annotation, rejected = document.annotation, document.dropped_events
        article = annotation["article"]["id"]
        previous[article] = {kept: (kept.read_text(encoding="utf-8") if kept.exists() else None)
                             for kept in (store.accepted_path(article), store.candidates_path(article))}
        accepted, pending = store.save(annotation, threshold, rejected)
        done.append({"file": str(path), "article": annotation["article"]["id"], "accepted": str(accepted),
                     "candidates": pending, "min_confidence": threshold, "warnings": document.warnings,
                     "dropped_events": len(document.dropped_events)})
    return done


@app.command(epilog=_examples("kg unload 2025-11-19-nasams-taiwan", "kg unload source:2025-11-19-nasams-taiwan --json"))
def unload(
    source_id: Annotated[str, typer.Argument(help="The source's id, e.g. 2025-11-19-nasams-taiwan (or source:...).")],
    as_json: JsonFlag = False,
) -> None:
    """Retract a source: its events, posts and evidence go, and entities no other source backs.

    An id no source has ends with exit code 5 (not found).
    """
    # imported here, not at the top: pyshacl and rdflib slow every kg start-up
    from kg.store import UnknownSource, source_node_id
    from loaders.pipeline import Loader

    settings = load_settings()
    with _open_graph(settings) as graph:
        try:
            report = Loader(graph).unload(source_node_id(source_id))
        except UnknownSource as exc:
            raise _fail(str(exc), ExitCode.NOT_FOUND) from None
    if as_json:
        _print_json(_report_json(report))
        return
    tallies = ", ".join(f"{t.retracted} {k}" for k, t in report.tallies.items())
    out.print(f"retracted {escape(report.source_id)}: {tallies}", highlight=False)


@app.command(epilog=_examples("kg duplicates", "kg duplicates --json"))
def duplicates(as_json: JsonFlag = False) -> None:
    """List likely duplicate entities: pairs of the same type whose names suggest one entity.

    Rules: same name (a name or alias of both), token containment ("K9" in "K9 Thunder"),
    fuzzy ratio (nearly the same name). Two reference entities are never a pair.
    """
    # imported here, not at the top: rdflib slows every kg start-up
    from kg.ontology import load_ontology
    from loaders.duplicates import find_duplicates, graph_entities
    from loaders.resolution import ReferenceTable

    with _open_graph(load_settings()) as graph:
        pairs = find_duplicates(graph_entities(graph, load_ontology()), ReferenceTable.load().by_id)
    if as_json:
        _print_json({"count": len(pairs), "pairs": [p.as_dict() for p in pairs]})
        return
    if not pairs:
        out.print("no likely duplicates", highlight=False)
        return
    table = Table(title=f"{len(pairs)} likely duplicate pair(s)", title_justify="left")
    for column in ("type", "entity", "entity"):
        table.add_column(column, no_wrap=True)  # ids are what one copies: whole, on one line
    table.add_column("rule")
    table.add_column("reason")
    for p in pairs:
        table.add_row(p.first.type, escape(p.first.id), escape(p.second.id), p.rule, escape(p.reason()))
    out.print(table)


@candidates_app.command("list", epilog=_examples("kg candidates list", "kg candidates list reuters-2025-poland-k2 --json"))
def candidates_list(
    article: Annotated[str | None, typer.Argument(help="Only this article's candidates.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """The extracted entities and events that were below --min-confidence, with their sentence."""
    store = ReviewStore(load_settings().kg.review_path)
    try:
        items = store.candidates(article)
    except ReviewError as exc:
        raise _fail(str(exc), ExitCode.NOT_FOUND) from None
    if as_json:
        _print_json([c.as_dict() for c in items])
        return
    table = Table(title=f"Candidates in {store.directory}", title_justify="left")
    for column in ("article", "id", "kind", "type", "what", "confidence", "sentence", "problem"):
        table.add_column(column, overflow="fold")
    for c in items:
        table.add_row(c.article, c.id, c.kind, c.type, c.label, "" if c.confidence is None else f"{c.confidence:.2f}",
                      c.evidence or "", c.problem or "")
    out.print(table)
    out.print(f"{len(items)} candidate{'s' if len(items) != 1 else ''}", highlight=False)


@candidates_app.command("accept", epilog=_examples("kg candidates accept reuters-2025-poland-k2 contractaward-3 poland",
                                                   "kg candidates accept reuters-2025-poland-k2 --all --json"))
def candidates_accept(
    article: Annotated[str, typer.Argument(help="The article's id (kg candidates list shows it).")],
    ids: Annotated[list[str] | None, typer.Argument(help="Candidate ids to accept (entities or events).")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Accept every candidate of the article.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Accept candidates: they join the article's accepted facts, and the article is loaded again (atomically)."""
    if not ids and not all_:
        raise _fail("name the candidates to accept, or give --all", ExitCode.USAGE)
    settings = load_settings()
    store = ReviewStore(settings.kg.review_path)
    before = store.snapshot(article)
    try:
        accepted = store.accept(article, None if all_ else list(ids or []))
    except ReviewError as exc:
        raise _fail(str(exc), ExitCode.NOT_FOUND) from None
    summary = _load(settings, [accepted], quiet=as_json)
    if summary.rejected:
        store.restore(before)  # nothing accepted that the graph refused: the review files are as they were
    if as_json:
        _print_json(_summary_json(summary))
    else:
        _print_load_summary(summary)
    if summary.rejected:
        raise typer.Exit(ExitCode.PROBLEM)


def _export_neo4j_admin(output: Path | None, out_dir: Path | None, *, as_json: bool) -> None:
    """``kg export --format neo4j-admin --out DIR``: CSV files for Neo4j's offline bulk import (kg.admin_import)."""
    # imported here, not at the top: pyshacl and rdflib slow every kg start-up
    from kg.admin_import import AdminImportError, unusable_directory, write_admin_import
    from loaders.pipeline import Loader

    if output is not None:
        raise _fail("--format neo4j-admin writes a folder of files: give --out DIR, not -o FILE", ExitCode.USAGE)
    if out_dir is None:
        raise _fail("--format neo4j-admin needs --out DIR, a new or empty folder for the import files", ExitCode.USAGE)
    if problem := unusable_directory(out_dir):
        raise _fail(problem, ExitCode.USAGE)
    with _open_graph(load_settings()) as graph, _working("reading the graph", quiet=as_json):
        nodes, rels = Loader(graph).store.dump()
    try:
        written = write_admin_import(nodes, rels, out_dir)
    except AdminImportError as exc:
        raise _fail(f"cannot export for neo4j-admin: {exc}") from None
    if as_json:
        _print_json(written.as_dict())
        return
    err.print(f"wrote {len(written.files)} files to {escape(str(out_dir))}: {written.nodes} nodes, "
              f"{written.relationships} relationships; with Neo4j stopped, import them with "
              f"{escape(str(written.script))}, which runs:", highlight=False, soft_wrap=True)
    err.print(escape(written.command()), highlight=False, soft_wrap=True)


@app.command(epilog=_examples("kg export > graph.ttl", "kg export --format jsonld -o graph.jsonld",
                              "kg export -o graph.ttl --json", "kg export --format neo4j-admin --out neo4j-import --json"))
def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help="turtle, jsonld or neo4j-admin")] = "turtle",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write; stdout when omitted.")] = None,
    out_dir: Annotated[Path | None, typer.Option("--out", help="With --format neo4j-admin: the folder to write (new or empty).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="With -o or --out: print what was written as JSON (without -o the RDF is the output).")] = False,
) -> None:
    """Write the whole graph as RDF in ontology terms (loadable again with kg load), or as neo4j-admin CSV.

    Without -o the RDF itself goes to stdout; with -o FILE a line 'wrote FILE'
    goes to stderr, or with --json a JSON report to stdout. --format neo4j-admin
    --out DIR writes the header and data files of `neo4j-admin database import
    full` and an import.sh with that command (printed on stderr, or in the JSON).
    """
    from loaders.pipeline import (  # imported here, not at the top: pyshacl and rdflib slow every kg start-up
        EXPORT_FORMATS,
        Loader,
    )

    if fmt == "neo4j-admin":
        _export_neo4j_admin(output, out_dir, as_json=as_json)
        return
    if out_dir is not None:
        raise _fail("--out DIR is for --format neo4j-admin; RDF goes to stdout or to -o FILE", ExitCode.USAGE)
    if fmt not in EXPORT_FORMATS:
        raise _fail(f"--format must be one of {', '.join([*EXPORT_FORMATS, 'neo4j-admin'])}, not {fmt!r}", ExitCode.USAGE)
    if as_json and output is None:
        raise _fail("--json reports the file written, so it needs -o FILE; without -o the RDF itself is the output "
                    "(use --format jsonld for RDF as JSON)", ExitCode.USAGE)
    settings = load_settings()
    with _open_graph(settings) as graph, _working("reading the graph", quiet=as_json):
        text = Loader(graph).export(fmt)
    if output is None:
        typer.echo(text, nl=False)
        return
    data = text.encode("utf-8")
    output.write_bytes(data)
    if as_json:
        _print_json({"out": str(output), "format": fmt, "bytes": len(data)})
    else:
        err.print(f"wrote {escape(str(output))}", highlight=False)
