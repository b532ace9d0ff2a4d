"""`kg extract`, `kg eval` and `kg validate`: articles to annotations, scores, and the shapes' verdict on files."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

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
    document = _extract_document(article, date=date, gaz=gaz)
    annotation = document.annotation
    base = (output.parent if output else Path.cwd()).resolve()
    annotation["article"]["text_file"] = os.path.relpath(article.resolve(), base)
    for event in document.dropped_events:
        err.print(escape(f"left out {event['type']} ({event['evidence'][:60]}...): {event['description']}"), highlight=False)
    if output is not None:
        output.write_text(document.yaml(), encoding="utf-8")
    summary = document.summary()
    if as_json:
        _print_json({**annotation, "notes": document.notes()} if output is None else
                    {"out": str(output), **{k: v for k, v in summary.items() if k != "article"}})
    elif output is None:
        typer.echo(document.yaml(), nl=False)
    else:
        left_out = f"; {summary['dropped_events']} event(s) left out, listed in the file's notes" if summary["dropped_events"] else ""
        err.print(f"wrote {escape(str(output))}: {summary['entities']} entities, {summary['events']} events{left_out}",
                  highlight=False)


# -- evaluation ------------------------------------------------------------------------


def _extract_articles(directory: Path, *, quiet: bool) -> list[Any]:
    """Read every ``*.txt`` of a folder exactly as `kg extract --out` does (one code path, so the
    scores are those of the files it writes: an official source's parse, else the extractor's
    annotation): one AnnotationFile per text."""
    # imported here, not at the top: pyshacl and rdflib slow every kg start-up
    from loaders.annotations import AnnotationError, AnnotationFile
    from loaders.evaluation import annotation_from_data
    from loaders.official.document import official_kind

    articles = sorted(p for p in directory.glob("*.txt") if p.is_file())
    if not articles:
        raise _fail(f"--articles {directory} holds no article texts (*.txt)", ExitCode.USAGE)
    predicted = []
    with _progress(quiet=quiet) as progress:
        task = progress.add_task("extracting", total=len(articles))
        for path in articles:
            progress.update(task, description=path.name)
            kind = official_kind(path)
            data = _official_document(path, kind).annotation if kind else _extract_document(path).annotation
            try:
                annotation = annotation_from_data(data, path)
            except AnnotationError as exc:
                raise _fail(f"the extractor's output for {exc}") from None
            predicted.append(AnnotationFile(path=path, source_id=annotation.article.id or path.stem,
                                            annotation=annotation, content_hash=""))
            progress.advance(task)
    return predicted


def _print_eval(report: Any, *, details: bool) -> None:
    table = Table(title="Extraction scores", title_justify="left")
    table.add_column("")
    for column in ("tp", "fp", "fn", "precision", "recall", "f1"):
        table.add_column(column, justify="right")

    def row(label: str, counts: Any, **style: Any) -> None:
        table.add_row(escape(label), str(counts.tp), str(counts.fp), str(counts.fn),
                      f"{counts.precision:.3f}", f"{counts.recall:.3f}", f"{counts.f1:.3f}", **style)

    row("entities", report.entities, style="bold")
    row("events", report.events, style="bold", end_section=True)
    per_type = report.per_type
    for kind in ("entities", "events"):
        for name, counts in per_type[kind].items():
            row(f"  {kind[:-1] if kind == 'events' else 'entity'} {name}", counts)
    out.print(table)
    for item in report.missing_prediction:
        err.print(f"[yellow]missing prediction:[/] {escape(item)} (its items count as missed)", highlight=False)
    for item in report.without_gold:
        err.print(f"[yellow]no gold for:[/] {escape(item)} (not scored)", highlight=False)
    if not details:
        return
    for score in report.files:
        lines = [(f"{kind[:-1] if kind == 'events' else 'entity'}", tag, item)
                 for kind in ("entities", "events")
                 for tag, items in (("missed", getattr(score, kind).false_negatives),
                                    ("extra ", getattr(score, kind).false_positives))
                 for item in items]
        out.print(f"[bold]{escape(score.id)}[/]: {len(lines)} missed or extra", highlight=False)
        for kind, tag, item in lines:
            label = item.name if kind == "event" else f"{item.type} {item.name!r}"
            out.print(escape(f"  {tag} {kind} {label}"), highlight=False, soft_wrap=True)


def _official_predictions(directory: Path, *, quiet: bool) -> tuple[dict[str, Any], list[str]]:
    """Every official document under ``directory`` parsed exactly as `kg load` and `kg extract --out` read it,
    by source id, and the files that could not be parsed (each named on stderr)."""
    # imported here, not at the top: pyshacl and rdflib slow every kg start-up
    from loaders.official.document import OfficialError, parse_official
    from loaders.pipeline import expand

    found = [p for p in expand([directory]) if p.suffix.lower() not in (".yaml", ".yml")]
    documents: dict[str, Any] = {}
    failed: list[str] = []
    with _progress(quiet=quiet or len(found) < PROGRESS_MIN_FILES) as progress:
        task = progress.add_task("parsing", total=len(found))
        for path in found:
            progress.update(task, description=path.name)
            try:
                document = parse_official(path)
            except OfficialError as exc:
                err.print(f"[red]not parsed:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
                failed.append(str(path))
                continue
            if document.source_id in documents:
                raise _fail(f"--official: {documents[document.source_id].text.path} and {path} are both source "
                            f"{document.source_id!r}", ExitCode.USAGE)
            documents[document.source_id] = document
            progress.advance(task)
    if not documents and not failed:
        raise _fail(f"--official {directory} holds no official sources (DSCA, 36(b), DoD contracts, SIPRI CSV)",
                    ExitCode.USAGE)
    return documents, failed


def _official_eval(gold_dir: Path, directory: Path, *, details: bool, as_json: bool) -> None:
    """`kg eval --official`: field-level scores of the official parsers, per kind. A gold document without
    a parsed one counts as missed (its kind read from its text); a file that does not parse is exit 1."""
    from loaders.annotations import parse_annotation_data
    from loaders.evaluation import read_dir
    from loaders.official.document import official_kind
    from loaders.official.scoring import FIELDS, score_kinds

    gold = {f.source_id: f for f in read_dir(gold_dir)}
    documents, failed = _official_predictions(directory, quiet=as_json)
    pairs = []
    for source_id, g in sorted(gold.items()):
        document = documents.get(source_id)
        if document is not None:
            pairs.append((document.kind, source_id, g.annotation, parse_annotation_data(document.scored(), document.text.path)))
        else:  # missed: scored against nothing, under the kind its gold's text is
            text = g.text_path
            kind = (official_kind(text) if text is not None and text.exists() else None) or "unknown"
            pairs.append((kind, source_id, g.annotation, None))
    missing = sorted(set(gold) - set(documents))
    without_gold = sorted(set(documents) - set(gold))
    scores = score_kinds(pairs)
    if as_json:
        _print_json({"kinds": {k: v.as_dict(details) for k, v in sorted(scores.items())}, "missing_prediction": missing,
                     "without_gold": without_gold, "not_parsed": failed,
                     "problems": {k: [str(p) for p in d.problems] for k, d in sorted(documents.items()) if d.problems}})
        if failed:
            raise typer.Exit(ExitCode.PROBLEM)
        return
    table = Table(title="Official parsers: field-level scores", title_justify="left")
    for column in ("kind", "field", "tp", "fp", "fn", "precision", "recall", "f1"):
        table.add_column(column, justify="left" if column in ("kind", "field") else "right")
    for kind, result in sorted(scores.items(), key=lambda kv: (kv[0] == "all", kv[0])):
        rows = [*((name, result.fields[name]) for name in FIELDS), ("overall", result.overall)]
        for i, (name, c) in enumerate(rows):
            table.add_row(f"{kind} ({result.files} files)" if i == 0 else "", name, str(c.tp), str(c.fp), str(c.fn),
                          f"{c.precision:.3f}", f"{c.recall:.3f}", f"{c.f1:.3f}",
                          style="bold" if name == "overall" else None, end_section=name == "overall")
    out.print(table)
    for source_id in missing:
        err.print(f"[yellow]missing prediction:[/] {escape(source_id)} (no official source with that id; its fields count as missed)",
                  highlight=False)
    for source_id in without_gold:
        err.print(f"[yellow]no gold for:[/] {escape(source_id)} (not scored)", highlight=False)
    if details:
        for kind, result in sorted(scores.items()):
            if kind == "all":
                continue
            for line in result.missed:
                out.print(escape(f"  missed {line}"), highlight=False, soft_wrap=True)
            for line in result.extra:
                out.print(escape(f"  extra  {line}"), highlight=False, soft_wrap=True)
    if failed:
        raise typer.Exit(ExitCode.PROBLEM)


@app.command("eval", epilog=_examples("kg eval --gold data/annotations --pred out/predicted",
                                      "kg eval --gold data/annotations --articles data/articles --details",
                                      "kg eval --gold data/annotations --pred out/predicted --json",
                                      "kg eval --gold data/official/gold --official data/official --details"))
def eval_(
    gold: Annotated[Path, typer.Option("--gold", help="Folder of gold annotation files (*.yaml).")],
    pred: Annotated[Path | None, typer.Option("--pred", help="Folder of predicted annotation files (*.yaml).")] = None,
    articles: Annotated[Path | None, typer.Option("--articles", help="Folder of article texts (*.txt): extract, then score.")] = None,
    official: Annotated[Path | None, typer.Option("--official", help="Folder of official sources (DSCA, 36(b), DoD contracts, "
                                                                      "SIPRI CSV): parse, then score each kind's fields.")] = None,
    details: Annotated[bool, typer.Option("--details", help="Also list, per file, the missed (FN) and extra (FP) items.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Score extraction output against gold annotations: precision, recall and F1 for entities and events.

    Give exactly one of --pred (annotation files), --articles (texts to run the
    extractor on) or --official (official sources to parse: field-level precision and recall
    of purchaser, systems, quantities, value, contractors and dates, per kind;
    loaders/official/scoring.py has the rules). Files pair by article id (else file stem); the rules are in
    docs/annotation-format.md and loaders/evaluation.py. Low scores are not a
    failure (exit 0); a missing or empty folder is bad usage (exit 2), a file
    that does not parse exit 1.
    """
    # imported here, not at the top: pyshacl and rdflib slow every kg start-up
    from loaders.annotations import AnnotationError
    from loaders.evaluation import EvaluationError, annotation_files, read_dir, score_files

    if sum(option is not None for option in (pred, articles, official)) != 1:
        raise _fail("give exactly one of --pred DIR (predicted annotations), --articles DIR (texts to extract) or "
                    "--official DIR (official sources to parse)", ExitCode.USAGE)
    for option, directory in (("--gold", gold), ("--pred", pred), ("--articles", articles), ("--official", official)):
        if directory is not None and not directory.is_dir():
            what = "is not a folder" if directory.exists() else "does not exist"
            raise _fail(f"{option} {directory} {what}", ExitCode.USAGE)
        if directory is not None and option in ("--gold", "--pred"):
            try:
                annotation_files(directory)
            except EvaluationError as exc:
                raise _fail(f"{option} {exc}", ExitCode.USAGE) from None
    if official is not None:
        try:
            _official_eval(gold, official, details=details, as_json=as_json)
        except AnnotationError as exc:
            raise _fail(str(exc)) from None
        return
    try:
        gold_files = read_dir(gold)
        if pred is not None:
            predicted = read_dir(pred)
        else:
            assert articles is not None
            predicted = _extract_articles(articles, quiet=as_json)
        report = score_files(gold_files, predicted)
    except EvaluationError as exc:
        raise _fail(str(exc), ExitCode.USAGE) from None
    except AnnotationError as exc:
        raise _fail(str(exc)) from None
    if as_json:
        _print_json(report.as_dict(details=details))
    else:
        _print_eval(report, details=details)
