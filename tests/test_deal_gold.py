"""The gold deal links (data/deals/gold.yaml), pairwise deal scoring and `kg eval --deals`. No engine needed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from kg.cli import app
from kg.cli.engine import SAMPLE_CORPUS
from kg.exit_codes import ExitCode
from loaders.deals.claims import Claim, claims_from_files
from loaders.deals.gold import GOLD_FILE, Gold, GoldClaim, GoldDeal, GoldError, read_gold, source_of
from loaders.deals.scoring import score

runner = CliRunner()


@pytest.fixture(scope="module")
def corpus_claims() -> list[Claim]:
    return claims_from_files(SAMPLE_CORPUS)


def test_the_gold_covers_every_transfer_claim_of_the_sample_corpus_once(corpus_claims: list[Claim]) -> None:
    ids = {c.id for c in corpus_claims}
    gold = read_gold(GOLD_FILE, known=ids)  # unknown ids or a claim in two deals would raise
    assert gold.claim_ids == ids, f"not in the gold: {sorted(ids - gold.claim_ids)}"
    assert sum(len(d.claims) for d in gold.deals) == len(ids)
    assert all(c.why for d in gold.deals for c in d.claims), "every claim in the gold has its reason"
    assert all(d.transfer for d in gold.deals)


def test_the_gold_links_the_nasams_sources_into_one_deal() -> None:
    """The seed case of the issue: article, DSCA approval, DoD award and SIPRI rows are one deal."""
    deal_of = read_gold().deal_of()
    nasams = {deal_of[c] for c in ("event:2025-11-19-nasams-taiwan:nasams-contract",
                                   "event:2025-11-19-nasams-taiwan:nasams-sale-2024",
                                   "event:2024-10-25-dsca-taiwan-nasams:sale-approval",
                                   "event:2025-11-17-dod-contracts:award-1",
                                   "event:2026-12-07-sipri-trade-register-year-range:sale-row15")}
    assert len(nasams) == 1
    # a multi-customer award stays apart from either customer's sale (the gold's rule 6)
    assert deal_of["event:2020-08-14-dod-contracts:award-1"] != deal_of[
        "event:2026-12-07-sipri-trade-register-year-range:sale-row17"]


def test_the_gold_joins_the_deal_texts_to_the_records_of_their_transfers_and_keeps_their_traps_apart() -> None:
    """data/deals/texts: the other angles join their transfers; two deals in one text, or one system for two
    buyers, stay apart."""
    deal_of = read_gold().deal_of()
    assert {deal_of[c] for c in ("event:2025-11-20-taiwan-mnd-nasams-contract:armssale-3",
                                 "event:2025-11-20-taiwan-mnd-nasams-contract:contractaward-4",
                                 "event:2024-10-26-taiwan-two-approvals:saleapproval-1",
                                 "event:2024-10-25-dsca-taiwan-nasams:sale-approval")} == {"tw-nasams-2024"}
    assert deal_of["event:2022-02-08-reuters-taiwan-patriot-support:saleapproval-1"] == deal_of[
        "event:2022-02-07-36b-21-66-taiwan:sale-approval"]
    assert deal_of["event:2024-08-14-poland-apache-agreement:armssale-1"] == deal_of[
        "event:2026-12-07-sipri-trade-register-number-delivered:sale-row17"]
    assert deal_of["event:2025-01-20-poland-first-abrams-sepv3:delivery-1"] == deal_of[
        "event:2026-12-07-sipri-trade-register-number-delivered:sale-row18"] != deal_of[
        "event:2026-12-07-sipri-trade-register-number-delivered:sale-row19"]
    apache_week = {deal_of[f"event:2024-08-14-poland-apache-agreement:{c}"] for c in ("armssale-1", "armssale-4",
                                                                                      "contractaward-5")}
    assert len(apache_week) == 3
    assert deal_of["event:2024-10-26-taiwan-two-approvals:saleapproval-2"] != deal_of[
        "event:2024-10-26-taiwan-two-approvals:saleapproval-1"]
    assert deal_of["event:2022-12-01-ukraine-nasams:contractaward-5"] not in (
        deal_of["event:2025-11-17-dod-contracts:award-1"], deal_of["event:2022-12-01-ukraine-nasams:delivery-3"])


def _write(tmp_path: Path, deals: list[dict[str, object]]) -> Path:
    path = tmp_path / "gold.yaml"
    path.write_text(yaml.safe_dump({"deals": deals}), encoding="utf-8")
    return path


def _deal(deal_id: str, *claims: str) -> dict[str, object]:
    return {"id": deal_id, "transfer": "x", "claims": [{"claim": c, "why": "y"} for c in claims]}


@pytest.mark.parametrize(("deals", "known", "fragments"), [
    ([_deal("d1", "event:s:a", "event:s:b"), _deal("d2", "event:s:b")], None,
     ["deal 'd2'", "'event:s:b'", "also in deal 'd1'"]),
    ([_deal("d1", "event:s:a", "event:s:a")], None, ["deal 'd1'", "twice in that deal"]),
    ([_deal("d1", "event:s:a"), _deal("d1", "event:s:b")], None, ["deal 'd1' is given twice"]),
    ([_deal("d1", "event:s:a", "event:s:zz")], {"event:s:a"}, ["deal 'd1'", "'event:s:zz'", "does not have"]),
    ([_deal("d1", "s:a")], None, ["deal 'd1'", "not an event id"]),
    ([{"transfer": "no id", "claims": []}], None, ["deal #1 has no id"]),
])
def test_a_bad_gold_names_the_file_and_the_deal(tmp_path: Path, deals: list[dict[str, object]],
                                                 known: set[str] | None, fragments: list[str]) -> None:
    path = _write(tmp_path, deals)
    with pytest.raises(GoldError) as caught:
        read_gold(path, known=known)
    assert str(path) in str(caught.value)
    for fragment in fragments:
        assert fragment in str(caught.value)


@dataclass
class StandIn:
    """A stand-in for loaders.deals.linker.Link: scoring reads claim, deal and reasons."""

    claim: str
    deal: str
    reasons: tuple[str, ...] = ()


def _gold(*deals: tuple[str, ...]) -> Gold:
    return Gold(Path("gold.yaml"), tuple(GoldDeal(f"g{i}", "", tuple(GoldClaim(c, "") for c in claims))
                                          for i, claims in enumerate(deals)))


def test_scoring_counts_pairs_wrong_merges_and_missed_links() -> None:
    # gold: {a1, a2, b1} one deal (a1, a2 from source a), {c1} alone, {d1, e1} one deal
    gold = _gold(("event:a:1", "event:a:2", "event:b:1"), ("event:c:1",), ("event:d:1", "event:e:1"))
    links = [StandIn("event:a:1", "x"), StandIn("event:a:2", "x"),  # a1-a2 right
             StandIn("event:b:1", "y"),  # b1 missed: a1-b1 and a2-b1 missed
             StandIn("event:c:1", "y", ("recipient state:TW",)),  # c1-b1 wrong merge
             StandIn("event:d:1", "z"),  # e1 not linked: d1-e1 missed
             StandIn("event:f:1", "z")]  # not in the gold: listed, not scored
    result = score(links, gold)
    assert (result.pairs.tp, result.pairs.fp, result.pairs.fn) == (1, 1, 3)
    assert (result.cross_source.tp, result.cross_source.fp, result.cross_source.fn) == (0, 1, 3)
    assert result.pairs.precision == pytest.approx(0.5) and result.pairs.recall == pytest.approx(0.25)
    assert [(e.a, e.b) for e in result.wrong_merges] == [("event:b:1", "event:c:1")]
    assert result.wrong_merges[0].reasons == ((), ("recipient state:TW",))
    assert result.wrong_merges[0].gold == ("g0", "g1")
    assert sorted((e.a, e.b) for e in result.missed_links) == [
        ("event:a:1", "event:b:1"), ("event:a:2", "event:b:1"), ("event:d:1", "event:e:1")]
    assert result.not_linked == ["event:e:1"] and result.without_gold == ["event:f:1"]
    assert (result.claims, result.gold_deals, result.linked_deals) == (6, 3, 3)


def test_scoring_a_perfect_linker_and_one_that_links_nothing() -> None:
    gold = _gold(("event:a:1", "event:b:1", "event:c:1"), ("event:d:1",))
    perfect = score([StandIn(c, d.id) for d in gold.deals for c in d.claim_ids], gold)
    assert (perfect.pairs.tp, perfect.pairs.fp, perfect.pairs.fn) == (3, 0, 0) and perfect.pairs.f1 == 1.0
    alone = score([StandIn(c, c) for d in gold.deals for c in d.claim_ids], gold)
    assert (alone.pairs.tp, alone.pairs.fp, alone.pairs.fn) == (0, 0, 3)
    assert alone.pairs.precision == 1.0 and alone.pairs.recall == 0.0  # no link made, none wrong


def test_scoring_refuses_a_claim_in_two_deals() -> None:
    with pytest.raises(ValueError, match="event:a:1"):
        score([StandIn("event:a:1", "x"), StandIn("event:a:1", "y")], _gold(("event:a:1",)))


def test_source_of_an_event_id() -> None:
    assert source_of("event:2024-10-25-dsca-taiwan-nasams:sale-approval") == "source:2024-10-25-dsca-taiwan-nasams"


def test_kg_eval_deals_prints_the_figures_as_json() -> None:
    result = runner.invoke(app, ["eval", "--deals", "--json", "--details"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["claims"] == len(read_gold().claim_ids)
    for counts in (report["pairs"], report["cross_source"]):
        assert set(counts) == {"tp", "fp", "fn", "precision", "recall", "f1"}
        assert 0.0 <= counts["precision"] <= 1.0 and 0.0 <= counts["recall"] <= 1.0
    assert isinstance(report["wrong_merges"], list) and isinstance(report["missed_links"], list)
    assert report["not_linked"] == [] and report["without_gold"] == []


def test_kg_eval_deals_details_name_the_deals_and_the_reasons(tmp_path: Path) -> None:
    """A gold that joins two transfers the linker keeps apart, and splits one it joins."""
    nasams, f35 = "event:2024-10-25-dsca-taiwan-nasams:sale-approval", "event:2020-07-09-dsca-japan-f-35:sale-approval"
    iesp_dsca, iesp_36b = "event:2022-02-07-dsca-taiwan-patriot-iesp:sale-approval", "event:2022-02-07-36b-21-66-taiwan:sale-approval"
    gold = _write(tmp_path, [_deal("joined", nasams, f35), _deal("iesp-1", iesp_dsca), _deal("iesp-2", iesp_36b)])
    result = runner.invoke(app, ["eval", "--deals", "--gold", str(gold), "--details"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "missed link: gold deal joined split between linked deals" in text
    assert "wrong merge: linked deal" in text and "joins gold deals iesp-2 and iesp-1" in text  # in claim id order
    assert f"{iesp_36b}: " in text and "recipient" in text  # the linker's reasons for the claim it linked
    assert "no gold for:" in result.stderr  # the corpus's other claims: listed, not scored


def test_kg_eval_deals_usage_and_a_bad_gold(tmp_path: Path) -> None:
    both = runner.invoke(app, ["eval", "--deals", "--pred", str(tmp_path)])
    assert both.exit_code == ExitCode.USAGE and "--deals" in both.output
    missing = runner.invoke(app, ["eval", "--deals", "--gold", str(tmp_path / "none.yaml")])
    assert missing.exit_code == ExitCode.USAGE and "does not exist" in missing.output
    neither = runner.invoke(app, ["eval", "--pred", str(tmp_path)])
    assert neither.exit_code == ExitCode.USAGE and "--gold" in neither.output
    bad = _write(tmp_path, [_deal("d1", "event:nowhere:x")])
    result = runner.invoke(app, ["eval", "--deals", "--gold", str(bad)])
    assert result.exit_code == ExitCode.PROBLEM
    assert "event:nowhere:x" in result.output and "deal 'd1'" in result.output
