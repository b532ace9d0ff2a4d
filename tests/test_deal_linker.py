"""The deal linker: one test per linking rule, the judgements, stable ids, order independence and
incrementality. Pure tests: claims are built here (one test reads real corpus files, no engine)."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

from loaders.deals.claims import Claim, claims_from_files, stage_of
from loaders.deals.linker import THRESHOLD, Judgement, Link, family, interval, link

ROOT = Path(__file__).resolve().parent.parent
NASAMS_NAMES = frozenset({"national advanced surface-to-air missile system", "nasams"})


def claim(key: str, source: str, kind: str = "ArmsSale", **fields: object) -> Claim:
    """A claim of ``source`` with the NASAMS-to-Taiwan defaults an approval and its contract share."""
    stage = fields.pop("stage", stage_of(kind, "approved" if kind == "ArmsSale" else None))
    values: dict[str, object] = {"recipients": frozenset({"state:TW"}), "suppliers": frozenset({"state:US"}),
                                 "systems": frozenset({"system:nasams"}), "system_names": NASAMS_NAMES,
                                 "date": "2024-10-25", "currency": "USD", **fields}
    return Claim(id=f"event:{source}:{key}", source=f"source:{source}", type=kind, stage=stage,  # type: ignore[arg-type]
                 **values)  # type: ignore[arg-type]


APPROVAL = claim("sale-approval", "dsca", "SaleApproval", amount=1.16e9, contractors=frozenset({"contractor:rtx"}))
APPROVAL_SALE = claim("sale-of-sale-approval", "dsca", amount=1.16e9, part_of=None)
APPROVAL = replace(APPROVAL, part_of=APPROVAL_SALE.id)
AWARD = claim("award-1", "dod", "ContractAward", date="2025-11-17", amount=698_948_760.0,
              recipients=frozenset({"state:TW", "agency:army-contracting-command"}), suppliers=frozenset(),
              system_names=frozenset({"national advanced surface-to-air missile system"}),
              contractors=frozenset({"contractor:rtx"}), part_of="event:dod:sale-of-award-1")
AWARD_SALE = claim("sale-of-award-1", "dod", stage="contracted", date="2025-11-17", amount=698_948_760.0)
NASAMS = [APPROVAL, APPROVAL_SALE, AWARD, AWARD_SALE]


def deals(links: list[Link]) -> set[frozenset[str]]:
    """The partition the links make: each deal as the set of its claim ids."""
    out: dict[str, set[str]] = defaultdict(set)
    for x in links:
        out[x.deal].add(x.claim)
    return {frozenset(v) for v in out.values()}


def together(links: list[Link], a: Claim, b: Claim) -> bool:
    deal = {x.claim: x.deal for x in links}
    return deal[a.id] == deal[b.id]


def reasons_of(links: list[Link], c: Claim) -> tuple[str, ...]:
    return next(x.reasons for x in links if x.claim == c.id)


# -- units, ids, order -------------------------------------------------------------------------------


def test_every_deal_claim_gets_exactly_one_link_and_stages_go_with_their_sale() -> None:
    visit = claim("visit", "article", "Visit")
    links = link([*NASAMS, visit])
    assert sorted(x.claim for x in links) == sorted(c.id for c in NASAMS)  # a visit tells no transfer
    assert together(links, APPROVAL, APPROVAL_SALE) and together(links, AWARD, AWARD_SALE)
    assert any(r.startswith("part of event:dsca:sale-of-sale-approval") for r in reasons_of(links, APPROVAL))


def test_the_approval_and_its_contract_are_one_deal_with_the_reasons_shown() -> None:
    links = link(NASAMS)
    assert deals(links) == {frozenset(c.id for c in NASAMS)}
    why = reasons_of(links, APPROVAL_SALE)
    assert "recipient state state:TW" in why and "system system:nasams" in why
    assert "dates 2024-10-25 -> 2025-11-17 in stage order" in why
    assert all(x.score >= THRESHOLD for x in links)


def test_deal_ids_are_stable_and_do_not_depend_on_the_order_of_the_claims() -> None:
    others = [claim("sale", "sipri", date="2019", stage=None, recipients=frozenset({"state:PL"}),
                    systems=frozenset({"system:patriot"}), system_names=frozenset({"patriot"}))]
    first = link([*NASAMS, *others])
    assert {x.deal for x in first} == {"deal:dod:sale-of-award-1", "deal:sipri:sale"}  # the smallest unit id
    for seed in range(5):
        shuffled = [*NASAMS, *others]
        random.Random(seed).shuffle(shuffled)
        assert link(shuffled) == first


# -- the rules -----------------------------------------------------------------------------------


def test_recipient_states_must_be_the_same() -> None:
    other = replace(AWARD_SALE, recipients=frozenset({"state:JP"}))
    assert not together(link([APPROVAL_SALE, other]), APPROVAL_SALE, other)
    # An award for two customers is neither one's deal alone.
    shared = replace(AWARD_SALE, recipients=frozenset({"state:TW", "state:MA"}))
    assert not together(link([APPROVAL_SALE, shared]), APPROVAL_SALE, shared)


def test_no_recipient_no_automatic_link() -> None:
    blank = replace(AWARD_SALE, recipients=frozenset())
    assert not together(link([APPROVAL_SALE, blank]), APPROVAL_SALE, blank)


def test_supplier_side_shared_or_unknown() -> None:
    unknown = replace(AWARD_SALE, suppliers=frozenset())
    assert together(link([APPROVAL_SALE, unknown]), APPROVAL_SALE, unknown)
    norway = replace(AWARD_SALE, suppliers=frozenset({"state:NO"}))
    assert not together(link([APPROVAL_SALE, norway]), APPROVAL_SALE, norway)


def test_system_must_match_by_id_or_family() -> None:
    other = replace(AWARD_SALE, systems=frozenset({"system:patriot"}), system_names=frozenset({"patriot"}))
    assert not together(link([APPROVAL_SALE, other]), APPROVAL_SALE, other)


def test_system_family_by_acronym_or_words_within_the_other_name() -> None:
    assert family({"nasams"}, {"national advanced surface-to-air missile system (nasams) fire units"}) == "nasams"
    assert family({"national advanced surface-to-air missile system"}, {"nasams"}) == "NASAMS"
    assert family({"ah-64e apache"}, {"ah-64e apache attack helicopters"}) == "ah-64e apache"
    assert family({"c-130j-30 aircraft"}, {"c-17a globemaster iii aircraft"}) is None  # "aircraft" is generic
    assert family({"aircraft parts"}, {"c-130j-30 aircraft spare parts"}) is None
    assert family({"f-35a"}, {"f-16 block 70"}) is None
    # A family match with one more agreement (here the contractor) links two claims with different ids.
    renamed = replace(AWARD_SALE, systems=frozenset({"system:nasams-fire-units"}),
                      system_names=frozenset({"national advanced surface-to-air missile system (nasams) fire units"}),
                      contractors=frozenset({"contractor:rtx"}))
    links = link([APPROVAL_SALE, APPROVAL, renamed])
    assert together(links, APPROVAL_SALE, renamed)
    assert "system family nasams" in reasons_of(links, renamed)


def test_dates_must_follow_stage_order_within_the_tolerance() -> None:
    early = replace(AWARD_SALE, date="2023-01-10")  # a contract well before its approval
    assert not together(link([APPROVAL_SALE, early]), APPROVAL_SALE, early)
    late = replace(AWARD_SALE, date="2030-01-10")  # more than 4 years after the approval
    assert not together(link([APPROVAL_SALE, late]), APPROVAL_SALE, late)
    rounded = replace(AWARD_SALE, date="2024-10")  # the month of the approval: within the slack
    assert together(link([APPROVAL_SALE, rounded]), APPROVAL_SALE, rounded)
    repeat = claim("sale", "dsca-2021", date="2021-03-01")  # the same stage years apart: a repeat buy
    assert not together(link([APPROVAL_SALE, repeat]), APPROVAL_SALE, repeat)
    assert interval("2024") == (interval("2024-01-01")[0], interval("2024-12-31")[1])  # type: ignore[index]


def test_a_shared_reference_is_strong_evidence() -> None:
    release = claim("sale", "dsca-21-66", systems=frozenset(), system_names=frozenset(),
                    references=frozenset({"transmittal:21-66"}))
    transmittal = claim("sale", "36b-21-66", systems=frozenset({"system:patriot"}), system_names=frozenset(),
                        references=frozenset({"transmittal:21-66"}))
    links = link([release, transmittal])
    assert together(links, release, transmittal)
    assert "transmittal 21-66" in reasons_of(links, release)


def test_different_contract_numbers_for_the_same_stage_are_evidence_against() -> None:
    a = replace(AWARD_SALE, references=frozenset({"contract:W31P4Q-26-C-0011"}))
    b = claim("sale", "article", stage="contracted", date="2025-11-17", amount=698_948_760.0,
              references=frozenset({"contract:W31P4Q-26-C-0099"}))
    assert not together(link([a, b]), a, b)
    same = replace(b, references=a.references)
    links = link([a, same])
    assert together(links, a, same) and "contract W31P4Q-26-C-0011" in reasons_of(links, a)


def test_values_need_not_match_but_a_contract_far_above_the_approval_is_evidence_against() -> None:
    part = replace(AWARD_SALE, amount=0.4e9)  # a contract for part of the approved "up to" value
    assert together(link([APPROVAL_SALE, part]), APPROVAL_SALE, part)
    above = replace(AWARD_SALE, amount=5e9)
    assert not together(link([APPROVAL_SALE, above]), APPROVAL_SALE, above)


def test_sipri_rows_join_by_recipient_supplier_system_and_order_year() -> None:
    row = claim("sale-row15", "sipri", date="2024", stage=None, quantity=3.0)
    delivery = claim("delivery-row15-2026", "sipri", "Delivery", date="2026", part_of=row.id)
    links = link([*NASAMS, row, delivery])
    assert deals(links) == {frozenset(c.id for c in [*NASAMS, row, delivery])}
    old = replace(row, id="event:sipri:sale-row9", date="2015")  # an order years before the approval
    assert not together(link([*NASAMS, old]), APPROVAL_SALE, old)


def test_one_source_telling_two_sales_of_one_stage_keeps_them_apart() -> None:
    a = claim("award-1", "dod", stage="contracted", date="2025-11-17")
    b = claim("award-2", "dod", stage="contracted", date="2025-11-17")
    assert not together(link([a, b]), a, b)


# -- judgements and incrementality ---------------------------------------------------------------


def test_judgement_same_merges_two_deals() -> None:
    other = replace(AWARD_SALE, systems=frozenset({"system:patriot"}), system_names=frozenset({"patriot"}))
    links = link([APPROVAL_SALE, other], [Judgement(APPROVAL_SALE.id, other.id, same=True)])
    assert together(links, APPROVAL_SALE, other)
    assert reasons_of(links, other)[0] == "analyst judgement: same deal"
    # Even against a veto (here different suppliers); the rest of the deal stays apart from the vetoed one.
    norway = claim("sale", "kongsberg", stage="contracted", date="2025-11-17", suppliers=frozenset({"state:NO"}))
    links = link([*NASAMS, norway], [Judgement(APPROVAL.id, norway.id, same=True)])
    assert deals(links) == {frozenset({APPROVAL.id, APPROVAL_SALE.id, norway.id}), frozenset({AWARD.id, AWARD_SALE.id})}
    # But not across a "not same" judgement.
    links = link(NASAMS, [Judgement(APPROVAL.id, AWARD.id, same=True), Judgement(APPROVAL.id, AWARD.id, same=False)])
    assert not together(links, APPROVAL, AWARD)


def test_judgement_not_same_splits_a_deal() -> None:
    links = link(NASAMS, [Judgement(AWARD.id, APPROVAL.id, same=False)])
    assert deals(links) == {frozenset({APPROVAL.id, APPROVAL_SALE.id}), frozenset({AWARD.id, AWARD_SALE.id})}
    # Even between a stage and the sale of its own source.
    links = link(NASAMS, [Judgement(AWARD.id, AWARD_SALE.id, same=False)])
    assert not together(links, AWARD, AWARD_SALE)


def test_judgements_survive_a_relink_with_existing_links() -> None:
    apart = [Judgement(AWARD.id, APPROVAL.id, same=False)]
    first = link(NASAMS, apart)
    article = claim("nasams-sale", "article", stage="contracted", date="2025-11-17", amount=698_948_760.0)
    again = link([*NASAMS, article], apart, existing=first)
    assert not together(again, AWARD, APPROVAL)
    assert together(again, article, AWARD)
    # A judgement given after the deal was made splits the existing deal.
    merged = link(NASAMS)
    split = link(NASAMS, apart, existing=merged)
    assert not together(split, AWARD, APPROVAL)
    # And "same" survives too.
    other = replace(AWARD_SALE, systems=frozenset({"system:patriot"}), system_names=frozenset({"patriot"}))
    same = [Judgement(APPROVAL_SALE.id, other.id, same=True)]
    kept = link([APPROVAL_SALE, other], same, existing=link([APPROVAL_SALE, other], same))
    assert together(kept, APPROVAL_SALE, other)


def test_linking_new_claims_with_existing_links_gives_the_deals_of_linking_all_at_once() -> None:
    row = claim("sale-row15", "sipri", date="2024", stage=None, quantity=3.0)
    article = claim("nasams-sale", "article", stage="contracted", date="2025-11-17", amount=698_948_760.0)
    other = claim("sale", "dsca-pl", recipients=frozenset({"state:PL"}), date="2023-02-07")
    everything = [*NASAMS, row, article, other]
    at_once = link(everything)
    step = link([APPROVAL, APPROVAL_SALE, other])
    step = link([APPROVAL, APPROVAL_SALE, other, AWARD, AWARD_SALE], existing=step)
    step = link(everything, existing=step)
    assert deals(step) == deals(at_once)
    assert {x.deal for x in step} == {x.deal for x in at_once}


def test_existing_links_to_claims_no_longer_given_are_dropped() -> None:
    links = link(NASAMS)
    without_award = link([APPROVAL, APPROVAL_SALE], existing=links)
    assert {x.claim for x in without_award} == {APPROVAL.id, APPROVAL_SALE.id}
    assert {x.deal for x in without_award} == {"deal:dsca:sale-of-sale-approval"}  # named by what is left
    assert link(NASAMS, existing=without_award) == links  # reloading the source links it as before


# -- the sample corpus ---------------------------------------------------------------------------


def test_claims_from_the_sample_corpus_files() -> None:
    official = ROOT / "data" / "official"
    claims = {c.id: c for c in claims_from_files([official / "dsca" / "2024-10-25-dsca-taiwan-nasams.txt",
                                                  official / "dod-contracts" / "2025-11-17-dod-contracts.txt"])}
    approval = claims["event:2024-10-25-dsca-taiwan-nasams:sale-approval"]
    award = claims["event:2025-11-17-dod-contracts:award-1"]
    for c in (approval, award):
        assert "state:TW" in c.recipients and "system:nasams" in c.systems
    assert approval.stage == "approved" and approval.date == "2024-10-25" and approval.amount == 1.16e9
    assert approval.part_of == "event:2024-10-25-dsca-taiwan-nasams:sale-of-sale-approval"
    assert award.stage == "contracted" and award.amount == 698_948_760.0
    assert "nasams" in approval.system_names
    assert together(link(list(claims.values())), approval, award)


# -- the indexed candidate search ------------------------------------------------------------------

#: System names that make families in every way family() knows: the same name, an acronym among the other's
#: words or the same initials, distinctive words within the other's name, and generic words that make none.
RANDOM_NAMES = ["nasams", "national advanced surface-to-air missile system", "nasams fire units",
                "national advanced surface-to-air missile system (nasams)", "patriot", "patriot pac-3 mse",
                "mim-104 patriot", "pac-3", "c-130j-30", "c-130j", "super hercules", "f-16 block 70", "f-16v",
                "fighting falcon", "missile system", "radar", "air defense radar", "tal80 dengra radar", "tal80",
                "high mobility artillery rocket system", "heavy mobile artillery rocket system", "himars", "hmars",
                "amraam-er"]


def random_claims(seed: int, n: int = 160) -> list[Claim]:
    """Claims drawn from small pools, so recipients, systems, family names, references and dates collide
    often; some are stages of a sale of their own source."""
    rnd = random.Random(seed)
    kinds = ["ArmsSale", "SaleApproval", "ContractAward", "Delivery", "Delay"]
    recipients = [frozenset({"state:TW"}), frozenset({"state:PL"}), frozenset({"state:TW", "state:MA"}),
                  frozenset({"org:nspa"}), frozenset({"state:TW", "agency:acc"}), frozenset()]
    out: list[Claim] = []
    for i in range(n):
        source = f"s{rnd.randrange(n // 3)}"
        kind = rnd.choice(kinds)
        names = frozenset(rnd.sample(RANDOM_NAMES, rnd.choice((0, 1, 1, 2))))
        parent = next((c.id for c in reversed(out) if c.source == f"source:{source}" and c.type == "ArmsSale"), None)
        out.append(claim(
            f"e{i}", source, kind, stage=rnd.choice((stage_of(kind, None), None, "approved")),
            date=rnd.choice((None, "2019", "2024", "2024-10", "2024-10-25", "2025-11-17", "2031")),
            recipients=rnd.choice(recipients), suppliers=rnd.choice((frozenset(), frozenset({"state:US"}),
                                                                     frozenset({"state:FR"}))),
            systems=frozenset(rnd.sample(["system:nasams", "system:patriot", "system:f-16"], rnd.choice((0, 0, 1)))),
            system_names=names, contractors=frozenset(rnd.sample(["contractor:rtx", "contractor:lm"], rnd.randrange(2))),
            amount=rnd.choice((None, 1e9, 1.05e9, 2e9)), quantity=rnd.choice((None, 4.0, 8.0)),
            references=frozenset(rnd.sample(["contract:W1", "contract:W2", "transmittal:21-66"], rnd.choice((0, 0, 0, 1)))),
            part_of=parent if kind != "ArmsSale" and rnd.random() < 0.5 else None))
    return out


def test_the_indexed_candidate_search_gives_the_links_of_comparing_every_pair_within_a_recipient(monkeypatch) -> None:
    from loaders.deals import blocking, linker
    from loaders.deals.linker import _Partition, units_of

    for seed in range(12):
        claims = random_claims(seed)
        units = units_of(claims, set())
        found = blocking.candidate_pairs(units)
        every = blocking.recipient_pairs(units)
        assert found <= every
        scores = _Partition(units, set())
        linkable = {p for p in every if scores.score(*p)[2] is None and scores.score(*p)[0] >= THRESHOLD}
        assert linkable <= found, f"seed {seed}: pairs the index misses: {sorted(linkable - found)[:3]}"
        indexed = link(claims)
        with monkeypatch.context() as patched:
            patched.setattr(linker, "candidate_pairs", blocking.recipient_pairs)
            exhaustive = link(claims)
        assert indexed == exhaustive, f"seed {seed}"
        assert len(deals(indexed)) < len(units), f"seed {seed}: the random claims should make some links"


def test_a_claims_system_names_are_those_its_own_sentence_uses() -> None:
    # The Abrams text gives its one tank entity the names "M1A2 SEPv3" and "M1A1"; each claim's sentence says
    # which it means, so the delivery of new tanks does not carry the used tanks' name.
    text = ROOT / "data" / "deals" / "texts" / "2025-01-20-poland-first-abrams-sepv3.yaml"
    claims = {c.id.rsplit(":", 1)[1]: c for c in claims_from_files([text])}
    assert "m1a2 sepv3" in claims["delivery-1"].system_names and "m1a1" not in claims["delivery-1"].system_names
    assert "abrams tanks" in claims["delivery-1"].system_names  # the canonical name always counts
    assert "m1a1" not in claims["armssale-3"].system_names


def test_a_load_relinks_only_the_deals_its_claims_can_join_and_gets_the_links_of_relinking_them_all() -> None:
    """What the graph does per load (loaders.deals.relink): of the stored deals, only those a new claim
    scores a link with (or a judgement ties to one) are linked again; the result is that of linking the
    new claims with every stored deal."""
    from kg.deal_store import StoredLink
    from loaders.deals.relink import _joinable

    narrowed = 0
    for seed in range(12):
        claims = random_claims(seed)
        sources = sorted({c.source for c in claims})
        late = set(random.Random(seed).sample(sources, 3))
        old_claims = [c for c in claims if c.source not in late]
        new = [c for c in claims if c.source in late]
        judged = [Judgement(old_claims[0].id, new[0].id, True), Judgement(old_claims[1].id, new[-1].id, False)]
        stored = link(old_claims)
        kept = [StoredLink(x.claim, x.deal, x.score, x.reasons, None, "") for x in stored]
        everything = {c.id: c for c in claims}
        around = {x.deal for x in stored}
        joinable = _joinable(everything, kept, judged, around)
        assert joinable <= around and {x.deal for x in stored if x.claim == old_claims[0].id} <= joinable
        narrowed += len(around - joinable)
        relinked = [x for x in stored if x.deal in joinable]
        part = link([*new, *(c for c in old_claims if any(x.claim == c.id for x in relinked))], judged, relinked)
        full = link(claims, judged, stored)
        assert deals([*part, *(x for x in stored if x.deal not in joinable)]) == deals(full), f"seed {seed}"
    assert narrowed > 0, "some stored deals are left out"
