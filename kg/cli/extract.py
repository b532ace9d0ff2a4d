"""`kg extract`, `kg eval` and `kg validate`: articles to annotations, scores, and the shapes' verdict on files."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from kg.cli.common import (
    PROGRESS_MIN_FILES,
    JsonFlag,
    _examples,
    _fail,
    _open_graph,
    _print_json,
    _progress,
    app,
    err,
    load_settings,
    out,
)
from kg.exit_codes import ExitCode

#: The kinds ``--kind`` takes (loaders.official.kinds.CHOICES, spelt out here: importing it would slow every start-up).
KIND_CHOICES = ("dsca", "transmittal", "dod-contracts", "sipri-csv", "article")
KindOption = Annotated[str | None, typer.Option(
    "--kind", help=f"Read the file as this kind of source ({', '.join(KIND_CHOICES)}); default: recognised from its "
                   "content (an official notice's fixed wording or the SIPRI header, else a news article).")]


def _checked_kind(kind: str | None) -> str | None:
    if kind is not None and kind not in KIND_CHOICES:
        raise _fail(f"--kind {kind!r} is not a kind of source; use one of {', '.join(KIND_CHOICES)}", ExitCode.USAGE)
    return kind


@app.command(epilog=_examples("kg validate data/annotations/2025-11-19-nasams-taiwan.yaml",
                              "kg validate data/annotations/*.yaml --json"))
def validate(
    files: Annotated[list[Path], typer.Argument(help="Annotation files (.yaml/.yml), official sources (.txt, .html, .pdf, "
                                                     ".csv) or RDF files (.ttl, .nt, .jsonld, .rdf).")],
    kind: KindOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Validate annotation, official-source or RDF files against the ontology's shapes. Exit 1 on violations.

    An official source is parsed first (its kind recognised, or --kind); what its parser could not
    read is shown as a warning with its position.
    """
    # imported here, not at the top: pyshacl and rdflib slow every kg start-up
    from kg.ontology import load_ontology
    from loaders.validation import validate_file

    onto = load_ontology()
    report: dict[str, list[Any]] = {}
    with _progress(quiet=as_json or len(files) < PROGRESS_MIN_FILES) as progress:
        task = progress.add_task("validating", total=len(files))
        for path in files:
            progress.update(task, description=path.name)
            report[str(path)] = validate_file(path, onto, _checked_kind(kind))
            progress.advance(task)
    if as_json:
        _print_json({f: [v.as_dict() for v in vs] for f, vs in report.items()})
    else:
        for name, found in report.items():
            violations = [v for v in found if v.severity == "violation"]
            # soft_wrap: a long path stays whole (and copyable) when the report goes to a pipe or a file
            if not violations:
                out.print(f"[green]ok[/]   {escape(name)}", highlight=False, soft_wrap=True)
            else:
                out.print(f"[red]FAIL[/] {escape(name)}: {len(violations)} problem{'s' if len(violations) > 1 else ''}",
                          highlight=False, soft_wrap=True)
            for v in found:  # warnings (an official with no post) are shown but do not fail the file
                field = f" · {v.field}" if v.field else ""
                tag = "" if v.severity == "violation" else f"{v.severity}: "
                out.print(escape(f"       {tag}{v.where}{field}: {v.message}"), highlight=False, soft_wrap=True)
    if any(v.severity == "violation" for found in report.values() for v in found):
        raise typer.Exit(ExitCode.PROBLEM)


def _extract_document(path: Path, *, date: str | None = None, gaz: Any = None) -> Any:
    """The annotation document of one article text (loaders.extraction.document, the one path of
    `kg extract`, `kg load ARTICLE.txt` and `kg eval --articles`); its warnings go to stderr.
    An unreadable article is bad usage (exit 2) and an extractor failure a problem (exit 1),
    each in one line naming the file."""
    # imported here, not at the top: rdflib slows every kg start-up
    from loaders.extraction.article import ArticleError
    from loaders.extraction.document import extract_document

    try:
        document = extract_document(path, date=date, gaz=gaz)
    except ArticleError as exc:
        raise _fail(str(exc), ExitCode.USAGE) from None
    except Exception as exc:  # an extractor bug: name the article, not a traceback
        raise _fail(f"the extractor failed on {path}: {type(exc).__name__}: {exc}") from None
    for warning in document.warnings:
        err.print(f"[yellow]warning:[/] {escape(warning)}", highlight=False, soft_wrap=True)
    return document


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused for the block (as it was before, after it).

    Around the extraction of one news article: its own objects are few and mostly freed as
    they go, while each collection would walk again the long-lived objects read at start-up
    (ontology, gazetteer, the shapes' parsed queries), a tenth of a `kg extract`'s time
    (BENCHMARKS.md, "Extraction speed"). Not around an official source, which can be large.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _annotation_text(document: Any, article: Path, output: Path | None) -> str:
    """The annotation file `kg extract` writes for a news article's ``document``: its ``text_file``
    relative to the folder of ``output`` (the working folder for stdout), then the notes and the YAML."""
    base = (output.parent if output else Path.cwd()).resolve()
    document.annotation["article"]["text_file"] = os.path.relpath(article.resolve(), base)
    return str(document.yaml())


def _official_document(path: Path, kind: str | None) -> Any:
    """The parsed official document (loaders.official.document), or exit naming the file and the problem:
    2 for a file named wrongly (not an official source, an unknown kind), 1 for one read as asked and found
    wanting (nothing to load, a parser failure)."""
    # imported here, not at the top: rdflib slows every kg start-up
    from loaders.official.document import OfficialError, parse_official

    try:
        document = parse_official(path, kind)
    except OfficialError as exc:
        raise _fail(str(exc), ExitCode.PROBLEM if exc.problem else ExitCode.USAGE) from None
    for warning in document.notes():
        err.print(f"[yellow]{escape(warning)}[/]", highlight=False, soft_wrap=True)
    return document


def _text_file_for(document: Any, output: Path | None) -> str | None:
    """What the written annotation's ``article.text_file`` names: the document itself when it is UTF-8 text,
    else (HTML, PDF, a Windows-1252 CSV) its text, written beside the annotation as ``<out>.text`` (a suffix
    `kg load` does not take from a folder, so the text is not loaded as a second source)."""
    path: Path = document.text.path
    base = (output.parent if output else Path.cwd()).resolve()
    if path.suffix.lower() in (".txt", ".csv"):
        try:
            path.read_bytes().decode("utf-8")
            return os.path.relpath(path.resolve(), base)
        except UnicodeDecodeError:
            pass
    if output is None:
        return None
    text_path = output.with_suffix(".text")
    if text_path.resolve() == path.resolve() or (text_path.exists() and
                                                  text_path.read_text(encoding="utf-8", errors="replace") != document.text.body):
        raise _fail(f"{text_path} exists and is not the text of {path}: the annotation's text would replace it; "
                    "choose another --out", ExitCode.USAGE)
    text_path.write_text(document.text.body, encoding="utf-8")
    return os.path.relpath(text_path.resolve(), base)


def _checked_out(output: Path | None, source: Path) -> Path | None:
    """``--out`` as a file to write (None: stdout, as ``-`` is), refused when it is the source itself or its
    folder does not exist."""
    if output is None or str(output) == "-":
        return None
    if output.resolve() == source.resolve():
        raise _fail(f"--out {output} is the file being read; write the annotation to another file", ExitCode.USAGE)
    if not output.parent.is_dir():
        raise _fail(f"--out {output}: the folder {output.parent} does not exist", ExitCode.USAGE)
    if output.is_dir():
        raise _fail(f"--out {output} is a folder; name the annotation file to write", ExitCode.USAGE)
    return output


def _extract_official(path: Path, kind: str | None, output: Path | None, as_json: bool) -> None:
    """`kg extract` of an official document: the parser's annotation, its problems as notes."""
    document = _official_document(path, kind)
    text = document.yaml(_text_file_for(document, output))
    if output is not None:
        output.write_text(text, encoding="utf-8")
    summary = document.summary()
    if as_json:
        _print_json({"out": str(output), **summary} if output is not None else
                    {**document.annotation, "kind": document.kind, "notes": document.notes()})
    elif output is None:
        typer.echo(text, nl=False)
    else:
        problems = f"; {len(summary['problems'])} part(s) not parsed, listed in the file's notes" if summary["problems"] else ""
        err.print(f"wrote {escape(str(output))} ({document.kind}): {summary['entities']} entities, "
                  f"{summary['events']} events{problems}", highlight=False)


@app.command(epilog=_examples("kg extract article.txt", "kg extract article.txt --date 2025-11-19 --out article.yaml",
                              "kg extract data/official/dsca/2024-10-25-dsca-taiwan-nasams.txt --out nasams.yaml",
                              "kg extract register.csv --kind sipri-csv --out register.yaml --json",
                              "kg extract article.txt --use-graph --json"))
def extract(
    article: Annotated[Path, typer.Argument(help="Article text (optional `key: value` header lines (url, title, date, "
                                                 "outlet), a blank line, then the body), or an official source: a DSCA "
                                                 "release, 36(b) transmittal or DoD contracts page (.txt, .html, .pdf) "
                                                 "or a SIPRI trade register (.csv).")],
    kind: KindOption = None,
    date: Annotated[str | None, typer.Option("--date", help="Publication date YYYY-MM-DD (overrides the header's).")] = None,
    output: Annotated[Path | None, typer.Option("--out", "-o", help="Annotation file to write; stdout when omitted.")] = None,
    use_graph: Annotated[bool, typer.Option("--use-graph", help="Also recognise every entity the graph holds.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Extract actors and events from raw news text, or parse an official source, into an annotation file.

    An official source (its kind recognised, or --kind) is read by its parser
    (docs/official-sources.md): every fact with its sentence (for CSV the row), the
    parser as its method and a confidence; parts it could not read are listed in the
    file's notes with their position. Anything else is a news article:

    Every entity and event gets a confidence and the sentence it comes from. Offline and
    CPU-only: a gazetteer (reference set, lexicon, optionally the graph) and rules.
    The file holds what the ontology's shapes accept; events they refuse are listed in
    its notes (YAML comments at the top) and counted in the summary. Header keys other
    than url, title, date, outlet and id are kept as the source's metadata; a date that
    cannot be read is a warning and the date stays unknown.
    """
    from loaders.extraction.gazetteer import (  # imported here, not at the top: rdflib slows every kg start-up
        build_gazetteer,
        graph_entities,
    )
    from loaders.official.document import official_kind

    if not article.is_file():
        raise _fail(f"{article}: no such file" if not article.exists() else f"{article}: not a file", ExitCode.USAGE)
    output = _checked_out(output, article)
    kind = _checked_kind(kind)
    if article.suffix.lower() != ".txt" or official_kind(article, kind) is not None:
        # Not plain text, or an official notice: its parser, which also says why a page or PDF cannot be read.
        if date is not None or use_graph:
            raise _fail(f"{article}: --date and --use-graph are for news articles; an official source's date and "
                        "names are its own", ExitCode.USAGE)
        _extract_official(article, kind, output, as_json)
        return
    gaz = None
    if use_graph:
        with _open_graph(load_settings()) as graph:
            gaz = build_gazetteer(graph_entities(graph))
    with collector_paused():
        document = _extract_document(article, date=date, gaz=gaz)
    text = _annotation_text(document, article, output)
    for event in document.dropped_events:
        err.print(escape(f"left out {event['type']} ({event['evidence'][:60]}...): {event['description']}"), highlight=False)
    if output is not None:
        output.write_text(text, encoding="utf-8")
    summary = document.summary()
    if as_json:
        _print_json({**document.annotation, "notes": document.notes()} if output is None else
                    {"out": str(output), **{k: v for k, v in summary.items() if k != "article"}})
    elif output is None:
        typer.echo(text, nl=False)
    else:
        left_out = f"; {summary['dropped_events']} event(s) left out, listed in the file's notes" if summary["dropped_events"] else ""
        err.print(f"wrote {escape(str(output))}: {summary['entities']} entities, {summary['events']} events{left_out}",
                  highlight=False)
