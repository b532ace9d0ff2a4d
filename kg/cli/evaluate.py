"""`kg eval`: scores of the extractor (entities and events), of the official parsers (fields per kind) and of
the deal linker (pairs of claims), each against gold annotations."""

from __future__ import annotations

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
    _print_json,
    _progress,
    app,
    err,
    out,
)
from kg.cli.extract import _extract_document, _official_document
from kg.exit_codes import ExitCode


def _cells(counts: Any) -> tuple[str, ...]:
    """The tp, fp, fn, precision, recall and f1 columns every score table of `kg eval` shows."""
    return (str(counts.tp), str(counts.fp), str(counts.fn), f"{counts.precision:.3f}", f"{counts.recall:.3f}",
            f"{counts.f1:.3f}")


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


def _print_eval(report: Any, categories: Any | None) -> None:
    table = Table(title="Extraction scores", title_justify="left")
    table.add_column("")
    for column in ("tp", "fp", "fn", "precision", "recall", "f1"):
        table.add_column(column, justify="right")

    def row(label: str, counts: Any, **style: Any) -> None:
        table.add_row(escape(label), *_cells(counts), **style)

    roles = report.roles
    row("entities", report.entities, style="bold")
    row("events", report.events, style="bold")
    row("roles (matched events)", roles.total, style="bold", end_section=True)
    per_type = report.per_type
    for kind in ("entities", "events"):
        for name, counts in per_type[kind].items():
            row(f"  {kind[:-1] if kind == 'events' else 'entity'} {name}", counts)
    for name, counts in roles.per_role.items():
        row(f"  role {name}", counts)
    out.print(table)
    accuracy = "n/a" if roles.accuracy is None else f"{roles.accuracy:.3f}"
    out.print(f"role accuracy on matched events: {accuracy} ({roles.right} gold participants in the right role, "
              f"{roles.wrong_role} in a wrong one, {roles.absent} not named by the prediction)", highlight=False)
    for item in report.missing_prediction:
        err.print(f"[yellow]missing prediction:[/] {escape(item)} (its items count as missed)", highlight=False)
    for item in report.without_gold:
        err.print(f"[yellow]no gold for:[/] {escape(item)} (not scored)", highlight=False)
    if categories is not None:
        _print_categories(categories)


def _print_categories(categories: Any) -> None:
    """--details: per list (missed or extra entities and events, matched events with other participants),
    the count of each category, then its items."""
    from loaders.evaluation_details import IN_REFERENCE

    for (kind, group), by_category in categories.groups.items():
        noun = "entity" if kind == "entities" else "event"
        heading = f"{group} {noun}" if group != "matched" else "matched event"
        total = sum(len(entries) for entries in by_category.values())
        out.print(f"[bold]{escape(heading)}[/]: {total}", highlight=False)
        for category, entries in by_category.items():
            if not entries:
                continue
            out.print(escape(f"  {heading}, {category}: {len(entries)}"), highlight=False, soft_wrap=True)
            for entry in entries:
                label = entry.item.name if kind == "events" else f"{entry.item.type} {entry.item.name!r}"
                note = f" ({entry.note})" if entry.note else ""
                out.print(escape(f"    {entry.file}: {label}{note}"), highlight=False, soft_wrap=True)
    parts = [f"{'in' if name == IN_REFERENCE else 'not in'} the reference lists {c.recall:.3f} ({c.tp} of {c.tp + c.fn})"
             for name, c in categories.reference_recall.items()]
    out.print("entity recall by name: " + "; ".join(parts), highlight=False)


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
            table.add_row(f"{kind} ({result.files} files)" if i == 0 else "", name, *_cells(c),
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


def _deals_eval(gold_file: Path | None, *, details: bool, as_json: bool) -> None:
    """`kg eval --deals`: the linker's links over the sample corpus against the gold deal links."""
    # imported here, not at the top: pyshacl and rdflib slow every kg start-up
    from kg.cli.engine import SAMPLE_CORPUS
    from loaders.deals.claims import claims_from_files
    from loaders.deals.gold import GOLD_FILE, GoldError, read_gold
    from loaders.deals.linker import link
    from loaders.deals.scoring import score
    from loaders.pipeline import Rejected

    gold_file = gold_file or GOLD_FILE
    if not gold_file.is_file():
        what = "is not a file" if gold_file.exists() else "does not exist"
        raise _fail(f"--gold {gold_file} {what} (with --deals: the gold deal links, a YAML file)", ExitCode.USAGE)
    try:
        claims = claims_from_files(SAMPLE_CORPUS)
        gold = read_gold(gold_file, known={c.id for c in claims})
    except Rejected as exc:
        raise _fail(f"the sample corpus does not load: {exc}") from None
    except GoldError as exc:
        raise _fail(str(exc)) from None
    try:
        result = score(link(claims), gold)
    except ValueError as exc:  # the linker gave a claim two deals
        raise _fail(f"the linker's links: {exc}") from None
    if as_json:
        _print_json(result.as_dict(details=details))
        return
    table = Table(title=f"Deal links: pairwise \"same deal\" scores ({result.claims} claims, {result.gold_deals} gold deals, "
                        f"{result.linked_deals} linked)", title_justify="left")
    for column in ("pairs", "tp", "fp", "fn", "precision", "recall", "f1"):
        table.add_column(column, justify="left" if column == "pairs" else "right")
    for label, c in (("all", result.pairs), ("cross-source", result.cross_source)):
        table.add_row(label, *_cells(c))
    out.print(table)
    for claim in result.not_linked:
        err.print(f"[yellow]not linked:[/] {escape(claim)} (in the gold; its gold pairs count as missed)", highlight=False)
    for claim in result.without_gold:
        err.print(f"[yellow]no gold for:[/] {escape(claim)} (not scored)", highlight=False)
    if not details:
        return
    # One heading per pair of deals the errors fall between (a split deal gives many pairs), then each claim once.
    groups: dict[str, dict[str, tuple[str, ...]]] = {}
    for e in result.wrong_merges:
        heading = f"wrong merge: linked deal {e.linked[0]} joins gold deals {e.gold[0]} and {e.gold[1]}"
        groups.setdefault(heading, {}).update({e.a: e.reasons[0], e.b: e.reasons[1]})
    for e in result.missed_links:
        heading = f"missed link: gold deal {e.gold[0]} split between linked deals {e.linked[0] or '(none)'} and {e.linked[1] or '(none)'}"
        groups.setdefault(heading, {}).update({e.a: e.reasons[0], e.b: e.reasons[1]})
    for heading, claims in groups.items():
        out.print(escape(f"  {heading}"), highlight=False, soft_wrap=True)
        for claim, why in sorted(claims.items()):
            out.print(escape(f"    {claim}: {'; '.join(why) or '(not linked)'}"), highlight=False, soft_wrap=True)


@app.command("eval", epilog=_examples("kg eval --gold data/annotations --pred out/predicted",
                                      "kg eval --gold data/annotations --articles data/articles --details",
                                      "kg eval --gold data/annotations --pred out/predicted --json",
                                      "kg eval --gold data/official/gold --official data/official --details",
                                      "kg eval --deals --details"))
def eval_(
    gold: Annotated[Path | None, typer.Option("--gold", help="Folder of gold annotation files (*.yaml); with --deals, "
                                                              "the gold deal links (default data/deals/gold.yaml).")] = None,
    pred: Annotated[Path | None, typer.Option("--pred", help="Folder of predicted annotation files (*.yaml).")] = None,
    articles: Annotated[Path | None, typer.Option("--articles", help="Folder of article texts (*.txt): extract, then score.")] = None,
    official: Annotated[Path | None, typer.Option("--official", help="Folder of official sources (DSCA, 36(b), DoD contracts, "
                                                                      "SIPRI CSV): parse, then score each kind's fields.")] = None,
    deals: Annotated[bool, typer.Option("--deals", help="Link the claims of the sample corpus into deals and score the "
                                                        "links against the gold deal links: pairwise precision and recall.")] = False,
    details: Annotated[bool, typer.Option("--details", help="Also list the missed (FN) and extra (FP) items and the "
                                                            "matched events with other participants, by category "
                                                            "(wrong type, span, name not in the reference lists, wrong "
                                                            "roles ...); with --deals, the wrong merges and missed links.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Score extraction output against gold annotations: precision, recall and F1 for entities, events and the roles of matched events.

    Give exactly one of --pred (annotation files), --articles (texts to run the
    extractor on) or --official (official sources to parse: field-level precision and recall
    of purchaser, systems, quantities, value, contractors and dates, per kind;
    loaders/official/scoring.py has the rules). Files pair by article id (else file stem); the rules are in
    docs/annotation-format.md and loaders/evaluation.py. --deals needs none of them: it links the
    claims of the sample corpus and scores the links against data/deals/gold.yaml (docs/deals.md).
    Low scores are not a failure (exit 0); a missing or empty folder is bad usage (exit 2), a file
    that does not parse exit 1.
    """
    # imported here, not at the top: pyshacl and rdflib slow every kg start-up
    from loaders.annotations import AnnotationError
    from loaders.evaluation import EvaluationError, annotation_files, read_dir, score_files
    from loaders.evaluation_details import categorise

    if deals:
        if any(option is not None for option in (pred, articles, official)):
            raise _fail("--deals scores the linker on the sample corpus: give no --pred, --articles or --official with it",
                        ExitCode.USAGE)
        _deals_eval(gold, details=details, as_json=as_json)
        return
    if gold is None:
        raise _fail("give --gold DIR (gold annotations), or --deals", ExitCode.USAGE)
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
    categories = categorise(report) if details else None
    if as_json:
        data = report.as_dict(details=details)
        if categories is not None:
            data["details"] = categories.as_dict()
        _print_json(data)
    else:
        _print_eval(report, categories)
