"""`kg deals link|unlink|forget|judgements`: an analyst's judgements on the deal linker's links."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from kg.cli.common import JsonFlag, _examples, _fail, _open_graph, _print_json, app, load_settings, out
from kg.exit_codes import ExitCode

deals_app = typer.Typer(
    help="Deals: the claims of many sources that tell one arms transfer, and analysts' judgements on them.",
    no_args_is_help=True, rich_markup_mode="rich",
    epilog=_examples("kg deals unlink event:2025-11-17-dod-contracts:award-1 event:2024-10-25-dsca-taiwan-nasams:sale-approval",
                     "kg deals judgements --json"),
)
app.add_typer(deals_app, name="deals")

ClaimA = Annotated[str, typer.Argument(help="An event's id, e.g. event:2025-11-17-dod-contracts:award-1.")]
ClaimB = Annotated[str, typer.Argument(help="Another event's id.")]
By = Annotated[str | None, typer.Option("--by", help="Who judges (kept with the judgement).")]
Note = Annotated[str | None, typer.Option("--note", help="Why, in your words (kept with the judgement).")]


def _judge(a: str, b: str, same: bool, by: str | None, note: str | None, as_json: bool) -> None:
    # imported here, not at the top: the linker's modules slow every kg start-up
    from kg.deal_store import DealStore
    from loaders.deals.relink import UnknownClaim, judge

    with _open_graph(load_settings()) as graph:
        store = DealStore(graph)
        try:
            changes = judge(store, a, b, same, by, note)
        except UnknownClaim as exc:
            raise _fail(str(exc), ExitCode.NOT_FOUND) from None
        deals = store.claims_and_deals((a, b))
    together = deals.get(a) == deals.get(b)
    if as_json:
        _print_json({"claims": [a, b], "sameDeal": same, "deals": {a: deals.get(a), b: deals.get(b)},
                     "together": together, "changes": changes.as_dict()})
        return
    verb = "the same deal" if same else "not the same deal"
    out.print(f"judged {escape(a)} and {escape(b)}: {verb}", highlight=False)
    if same and not together:
        out.print("they stay apart: a \"not the same deal\" judgement keeps another claim of one deal from the other "
                  "(kg deals judgements lists them)", highlight=False)
    else:
        out.print(f"now in {escape(str(deals.get(a)))}" + ("" if together else f" and {escape(str(deals.get(b)))}"),
                  highlight=False)


@deals_app.command("link", epilog=_examples(
    "kg deals link event:2025-11-19-nasams-taiwan:nasams-sale event:2024-10-25-dsca-taiwan-nasams:sale-approval --by analyst"))
def link_cmd(a: ClaimA, b: ClaimB, by: By = None, note: Note = None, as_json: JsonFlag = False) -> None:
    """Record that two claims tell the same deal: their deals join, whatever the linker's rules say.

    The judgement is kept by the claims' ids, so it survives reloads of their sources. An id that is not an
    event of the graph, or an event that tells no deal, ends with exit code 5 and records nothing.
    """
    _judge(a, b, True, by, note, as_json)


@deals_app.command("unlink", epilog=_examples(
    "kg deals unlink event:2025-11-17-dod-contracts:award-1 event:2024-10-25-dsca-taiwan-nasams:sale-approval",
    "kg deals unlink A B --note 'a second tranche' --json"))
def unlink_cmd(a: ClaimA, b: ClaimB, by: By = None, note: Note = None, as_json: JsonFlag = False) -> None:
    """Record that two claims do not tell the same deal: they are split apart and stay apart.

    No claim is deleted. The judgement survives reloads; `kg deals forget` removes it.
    """
    _judge(a, b, False, by, note, as_json)


@deals_app.command("forget", epilog=_examples("kg deals forget A B"))
def forget_cmd(a: ClaimA, b: ClaimB, as_json: JsonFlag = False) -> None:
    """Remove the judgement about two claims: the linker's rules decide again. Exit 5 when there is none."""
    from kg.deal_store import DealStore
    from loaders.deals.relink import forget

    with _open_graph(load_settings()) as graph:
        found = forget(DealStore(graph), a, b)
    if not found:
        raise _fail(f"no judgement about {a!r} and {b!r}", ExitCode.NOT_FOUND)
    if as_json:
        _print_json({"claims": [a, b], "forgotten": True})
        return
    out.print(f"forgot the judgement about {escape(a)} and {escape(b)}", highlight=False)


@deals_app.command("judgements", epilog=_examples("kg deals judgements", "kg deals judgements --json > judgements.json"))
def judgements_cmd(as_json: JsonFlag = False) -> None:
    """List analysts' judgements: the two claims, same deal or not, who, when and why."""
    from kg.deal_store import DealStore

    with _open_graph(load_settings()) as graph:
        found = DealStore(graph).judgements()
    rows = [{"claimA": j["claimA"], "claimB": j["claimB"], "sameDeal": j["sameDeal"], "judgedBy": j.get("judgedBy"),
             "judgedAt": j.get("judgedAt"), "note": j.get("judgementNote")} for j in found]
    if as_json:
        _print_json({"count": len(rows), "judgements": rows})
        return
    if not rows:
        out.print("no judgements", highlight=False)
    for j in rows:
        verdict = "same deal" if j["sameDeal"] else "not the same deal"
        extra = "".join(f" · {v}" for v in (j["judgedBy"], j["judgedAt"], j["note"]) if v)
        out.print(f"{escape(j['claimA'])}  {escape(j['claimB'])}: {verdict}{escape(extra)}", highlight=False)
