"""The explorer's deal view, driven in real headless Chromium over the real API.

The sample corpus with the official sources links the Taiwan NASAMS approval, contract award and news
reports into one deal. The page opens it by id, from the event panel of the contract award and from
Taiwan's entity panel; what it shows is read from the rendered DOM and checked against the sources
themselves (the files and the graph's Source nodes), not against what the API returned.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import headless_chromium, running_api
from playwright.sync_api import Browser, Page
from test_deals_graph import APPROVAL, AWARD, DOD
from test_explorer import TIMEOUT_MS, Recorder, assert_clean, wait_idle

from kg.cypher import Cypher
from kg.deal_store import DealStore
from kg.graph import Graph
from kg.settings import Settings
from loaders.deals.relink import STAGE_ORDER

SOURCE = Cypher("MATCH (s:Source {id: $id}) RETURN s.title AS title, s.url AS url, s.publicationDate AS published")
DOD_SOURCE = "source:2025-11-17-dod-contracts"
DSCA_SOURCE = "source:2024-10-25-dsca-taiwan-nasams"


@pytest.fixture(scope="module")
def deal(graph: Graph, official: list[str]) -> str:
    """The Taiwan NASAMS deal's id, as the graph holds it."""
    found = DealStore(graph).claims_and_deals([APPROVAL]).get(APPROVAL)
    assert found, "the NASAMS approval tells no deal"
    return found


@pytest.fixture(scope="module")
def api_url(settings: Settings, graph: Graph, official: list[str]) -> Iterator[str]:
    with running_api(settings, graph) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with headless_chromium() as launched:
        yield launched


def open_page(browser: Browser, url: str) -> tuple[Page, Recorder]:
    page = browser.new_page(viewport={"width": 1500, "height": 950})
    seen = Recorder(page)
    page.goto(url, timeout=TIMEOUT_MS)
    return page, seen


def wait_deal_view(page: Page, deal: str) -> None:
    page.locator(f'#panel .deal-view[data-deal="{deal}"] h2.deal-name').wait_for(timeout=TIMEOUT_MS)
    wait_idle(page)


def stages_shown(page: Page) -> list[str]:
    return page.eval_on_selector_all("#panel ol.deal-timeline > li.stage", "els => els.map(e => e.dataset.stage)")


def test_a_deal_opens_by_id_with_its_stages_claims_sources_and_reasons(browser: Browser, graph: Graph, deal: str,
                                                                       api_url: str) -> None:
    page, seen = open_page(browser, f"{api_url}/explore?id={deal}")
    wait_deal_view(page, deal)
    name = page.locator("#panel h2.deal-name").inner_text()
    assert "Taiwan" in name and "Surface-to-Air Missile System" in name, name
    assert page.locator('#panel dl.parties dd[data-role="recipients"] button.node-link', has_text="Taiwan").count() == 1

    stages = stages_shown(page)
    assert {"approved", "contracted"} <= set(stages), stages
    assert stages == sorted(stages, key=STAGE_ORDER.index), f"stages out of order: {stages}"
    headings = [" ".join(t.split()) for t in page.locator("#panel li.stage h4.stage-name").all_text_contents()]
    assert headings.index("Approved") < headings.index("Contracted"), headings

    # The contract award: its date, value, source (linked to its page), publication date and sentence.
    award = page.locator(f'#panel li.stage[data-stage="contracted"] li.claim[data-claim="{AWARD}"]')
    facts = award.locator(".claim-facts").inner_text()
    assert facts.startswith("2025-11-17") and "$698,948,760" in facts, facts
    [dod] = graph.read(SOURCE, id=DOD_SOURCE)
    link = award.locator("a.source-link")
    assert link.inner_text() == dod["title"] == "Contracts For Nov. 17, 2025"
    assert link.get_attribute("href") == dod["url"]
    assert f"published {dod['published']}" in award.locator(".claim-source").inner_text()
    sentence = " ".join(award.locator("blockquote.evidence-sentence").inner_text().split())
    assert "$698,948,760" in sentence and sentence in " ".join(DOD.read_text(encoding="utf-8").split()), sentence

    # Why it was linked: folded away until asked for.
    why = award.locator("details.why-linked")
    assert why.get_attribute("open") is None
    assert why.locator("summary").inner_text().startswith("why linked")
    reason = why.locator("ul.reasons li", has_text="recipient state state:TW").first
    assert not reason.is_visible()
    why.locator("summary").click()
    assert reason.is_visible()

    # The approval stage: the DSCA release, corroboration counted, judgements listed (none yet).
    [dsca] = graph.read(SOURCE, id=DSCA_SOURCE)
    approved = page.locator('#panel li.stage[data-stage="approved"]')
    assert approved.locator(f'li.claim[data-claim="{APPROVAL}"] .claim-source', has_text=dsca["title"]).count() == 1
    assert " independent" in approved.locator(".corroboration").inner_text()
    # The DSCA release says $1.16 billion, the news report a $2bn sale: the page says they disagree.
    disagreement = approved.locator("ul.contradictions li", has_text="amount").inner_text()
    assert "$1,160,000,000" in disagreement and "$2,000,000,000" in disagreement, disagreement
    assert page.locator("#panel h3", has_text="Judgements").count() == 1
    assert_clean(page.inner_text("#panel"), "the deal view")

    # The graph beside the view draws the deal's claims; the view stays.
    page.locator("#panel button.draw-deal").click()
    page.wait_for_function("ids => ids.every(id => window.kgExplorer.cy.getElementById(id).nonempty())", arg=[APPROVAL, AWARD],
                           timeout=TIMEOUT_MS)
    wait_idle(page)
    assert page.locator(f'#panel .deal-view[data-deal="{deal}"]').count() == 1
    assert not seen.errors, seen.errors
    page.close()


def test_the_deal_as_reported_before_the_contract(browser: Browser, deal: str, api_url: str) -> None:
    """Reported time: before the DoD announced the award, the deal had been approved, not contracted."""
    page, seen = open_page(browser, f"{api_url}/explore?id={deal}&as_of=2025-01-01")
    wait_deal_view(page, deal)
    stages = stages_shown(page)
    assert "approved" in stages and "contracted" not in stages, stages
    assert page.locator(f'#panel li.claim[data-claim="{AWARD}"]').count() == 0
    assert "as reported by 2025-01-01" in page.locator("#panel .deal-view .kind").text_content()
    page.locator("#panel form.as-of button", has_text="Latest").click()
    page.locator('#panel li.stage[data-stage="contracted"]').wait_for(timeout=TIMEOUT_MS)
    assert not seen.errors, seen.errors
    page.close()


def test_the_event_panel_links_to_its_deal(browser: Browser, deal: str, api_url: str) -> None:
    page, seen = open_page(browser, f"{api_url}/explore?id={AWARD}")
    link = page.locator("#panel a.deal-link")
    link.wait_for(timeout=TIMEOUT_MS)
    wait_idle(page)
    assert link.get_attribute("data-deal") == deal
    assert "Taiwan" in link.inner_text()
    # The event's deal is drawn beside it, named as the link names it.
    drawn = page.evaluate("id => window.kgExplorer.cy.getElementById(id).data('label')", deal)
    assert drawn == link.inner_text(), drawn
    link.click()
    wait_deal_view(page, deal)
    assert page.locator(f'#panel li.claim[data-claim="{AWARD}"]').count() == 1
    # A claim of the deal leads back to its event in the graph.
    page.locator(f'#panel li.claim[data-claim="{APPROVAL}"] button.node-link').click()
    page.wait_for_function("id => window.kgExplorer.cy.$(':selected').map(n => n.id()).includes(id)", arg=APPROVAL,
                           timeout=TIMEOUT_MS)
    page.locator(f'#panel a.deal-link[data-deal="{deal}"]').wait_for(timeout=TIMEOUT_MS)
    # The deal's node in the graph opens the deal view too.
    page.evaluate("id => window.kgExplorer.focus(id)", deal)
    wait_deal_view(page, deal)
    assert page.evaluate("id => window.kgExplorer.cy.getElementById(id).selected()", deal)
    assert not seen.errors, seen.errors
    page.close()


def test_the_entity_panel_lists_its_deals(browser: Browser, deal: str, api_url: str) -> None:
    page, seen = open_page(browser, f"{api_url}/explore?id=state:TW")
    page.locator("#panel h2", has_text="Taiwan").wait_for(timeout=TIMEOUT_MS)
    wait_idle(page)
    listed = page.locator(f'#panel ul.deals a.deal-link[data-deal="{deal}"]')
    assert listed.count() == 1
    entries = page.locator("#panel ul.deals > li").all_inner_texts()
    assert len(entries) >= 2, entries
    for entry in entries:
        assert_clean(entry, "a deal of Taiwan")
    listed.click()
    wait_deal_view(page, deal)
    assert {"approved", "contracted"} <= set(stages_shown(page))
    assert not seen.errors, seen.errors
    page.close()


def test_an_unknown_deal_reads_as_not_found(browser: Browser, api_url: str) -> None:
    page, seen = open_page(browser, f"{api_url}/explore?id=deal:nowhere")
    message = page.locator("#panel .deal-view.missing")
    message.wait_for(timeout=TIMEOUT_MS)
    wait_idle(page)
    assert page.locator("#panel h2").inner_text() == "Deal not found"
    assert "deal:nowhere" in message.inner_text()
    assert_clean(page.inner_text("#panel"), "the not-found message")
    assert seen.errors and all("404" in e for e in seen.errors), "only the API's 404 for the deal: " + repr(seen.errors)
    page.close()
