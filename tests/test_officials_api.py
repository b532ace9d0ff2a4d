"""GET /entities/{id}/officials: who held which posts, on a day (valid time) and as the sources
published by a day told it (reported time), on the sample corpus.

Taiwan's posts in the corpus: President Tsai Ing-wen, 2016-05-20 to 2024-05-20, stated by an
article with no publication date; Defence Minister Wellington Koo from 2024-05-20, no end,
stated by an article published 2025-11-19. The United States has President Donald Trump from
2025-01-20 and three posts with no dates.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import scratch_source
from fastapi.testclient import TestClient
from test_api_input import problem

from kg import reads
from kg.api.app import create_app
from kg.graph import Graph
from kg.reads.officials import held_on, published_by
from kg.settings import Settings

TSAI = "person:tsai-ing-wen"
KOO = "person:wellington-koo"
TRUMP = "person:donald-trump"
NASAMS = "source:2025-11-19-nasams-taiwan"
DELEGATION = "source:2023-us-defence-delegation-taiwan"

#: A second source on Taiwan's posts, dated only to the month: it repeats Koo's post as the
#: first source states it, and adds a post in Taiwan's armed forces (an organisation inside Taiwan).
LATER = """\
article: {id: test-officials-later, title: Taiwan's defence chiefs, date: 2025-12}
entities:
  - {id: tw, type: State, name: Taiwan, iso_code: TW, evidence: Defence Minister Wellington Koo spoke in Taiwan.}
  - id: forces
    type: MilitaryUnit
    name: Taiwan’s military
    evidence: Mei Chia-shu has led the general staff of Taiwan’s military since July.
  - id: koo
    type: Official
    name: Wellington Koo
    evidence: Defence Minister Wellington Koo spoke in Taiwan.
    posts:
      - {title: Defence Minister, organization: tw, start: 2024-05-20, evidence: Defence Minister Wellington Koo spoke in Taiwan.}
  - id: mei
    type: Official
    name: Mei Chia-shu
    evidence: Mei Chia-shu has led the general staff of Taiwan’s military since July.
    posts:
      - title: Chief of the General Staff
        organization: forces
        start: 2025-07
        evidence: Mei Chia-shu has led the general staff of Taiwan’s military since July.
"""


@pytest.fixture(scope="module")
def client(settings: Settings, graph: Graph, sample):
    with TestClient(create_app(settings, graph=graph)) as c:
        yield c


def officials(client: TestClient, entity_id: str = "state:TW", **params: str) -> dict:
    response = client.get(f"/entities/{entity_id}/officials", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def holders(body: dict) -> list[str]:
    return [p["person"] for p in body["posts"]]


# -- the rules, without a graph ---------------------------------------------------------------


@pytest.mark.parametrize("start,end,day,held", [
    ("2016-05-20", "2024-05-20", "2016-05-20", True),    # both ends are days it was held
    ("2016-05-20", "2024-05-20", "2024-05-20", True),
    ("2016-05-20", "2024-05-20", "2024-05-21", False),
    ("2016-05-20", "2024-05-20", "2016-05-19", False),
    ("2024-05-20", None, "2030-01-01", True),            # a start and no end: held from its start on
    ("2024-05-20", None, "2024-05-19", False),
    (None, "2024-05-20", "1990-01-01", True),            # an end and no start: held up to its end
    (None, "2024-05-20", "2024-05-21", False),
    (None, None, "2025-01-01", False),                   # no interval known: never counted under `on`
    ("2025-07", None, "2025-07-01", True),               # a month counts the whole month
    ("2025-07", None, "2025-06-30", False),
    (None, "2024", "2024-12-31", True),                  # a year counts the whole year
    (None, "2024", "2025-01-01", False),
    ("not a date", None, "2025-01-01", False),           # a stored value that is no date is unknown
])
def test_a_post_is_held_on_a_day_inside_its_known_interval(start: str | None, end: str | None, day: str, held: bool) -> None:
    assert held_on(start, end, date.fromisoformat(day)) is held


@pytest.mark.parametrize("published,day,counted", [
    ("2025-11-19", "2025-11-19", True),
    ("2025-11-19", "2025-11-18", False),
    (None, "2099-12-31", False),                         # no publication date: never counted under `as_of`
    ("2025-12", "2025-12-30", False),                    # a month counts once the whole month is over
    ("2025-12", "2025-12-31", True),
    ("2025", "2025-12-31", True),
])
def test_a_source_counts_as_of_a_day_when_it_was_surely_published_by_then(published: str | None, day: str,
                                                                           counted: bool) -> None:
    assert published_by(published, date.fromisoformat(day)) is counted


# -- on the engines ---------------------------------------------------------------------------


def test_without_on_or_as_of_every_post_is_listed_with_its_source_and_sentence(client: TestClient) -> None:
    body = officials(client)
    assert (body["id"], body["name"], body["on"], body["as_of"]) == ("state:TW", "Taiwan", None, None)
    assert holders(body) == [TSAI, KOO]  # by start date
    tsai, koo = body["posts"]
    assert (tsai["person_name"], tsai["title"], tsai["organization"], tsai["organization_name"], tsai["start_date"],
            tsai["end_date"]) == ("Tsai Ing-wen", "President", "state:TW", "Taiwan", "2016-05-20", "2024-05-20")
    assert tsai["claims"] == ["post:2023-us-defence-delegation-taiwan:tsai"]
    assert tsai["sources"] == [{"id": DELEGATION, "title": None, "publication_date": None}]
    assert [e["sentence"] for e in tsai["evidence"]] == [
        "In addition to meeting Taiwanese defense industry representatives, the delegation plans to meet Taiwanese President Tsai Ing-wen."]
    assert (koo["person_name"], koo["title"], koo["start_date"], koo["end_date"]) == ("Wellington Koo", "Defence Minister", "2024-05-20", None)
    assert [(s["id"], s["publication_date"]) for s in koo["sources"]] == [(NASAMS, "2025-11-19")]
    assert koo["sources"][0]["title"].startswith("The Pentagon approves NASAMS deal")
    assert koo["evidence"][0]["sentence"] == ("Asked about the tension on Wednesday, Taiwanese Defence Minister Wellington Koo "
                                              "said China should not resort to force to resolve disputes.")
    assert koo["evidence"][0]["source_id"] == NASAMS and koo["evidence"][0]["publication_date"] == "2025-11-19"
    assert body["links"]["self"] == "/entities/state:TW/officials"


@pytest.mark.parametrize("on,expected", [
    ("2023-05-01", [TSAI]),          # who held Taiwan's posts on 2023-05-01: the president, no defence minister on record
    ("2024-05-20", [TSAI, KOO]),     # the day one term ended and the other began: both, ends included
    ("2024-05-21", [KOO]),
    ("2030-01-01", [KOO]),           # no end known: held from the start on
    ("2016-05-19", []),
])
def test_on_keeps_the_posts_held_that_day(client: TestClient, on: str, expected: list[str]) -> None:
    body = officials(client, on=on)
    assert body["on"] == on and holders(body) == expected


def test_a_post_with_no_dates_is_listed_but_never_held_on_a_day(client: TestClient) -> None:
    every = officials(client, "state:US")
    assert {TRUMP, "person:raymond-greene", "person:senior-biden-administration-official"} <= set(holders(every))
    assert [p["start_date"] for p in every["posts"]][-1] is None  # undated posts come last
    assert holders(officials(client, "state:US", on="2025-06-01")) == [TRUMP]
    assert holders(officials(client, "state:US", on="2024-06-01")) == []


@pytest.mark.parametrize("as_of,expected", [
    ("2025-12-31", [KOO]),           # Tsai's post comes from a source with no publication date: not counted
    ("2025-11-19", [KOO]),           # published that very day
    ("2025-11-18", []),              # before the only dated source was published
])
def test_as_of_keeps_only_claims_of_sources_published_by_then(client: TestClient, as_of: str, expected: list[str]) -> None:
    body = officials(client, as_of=as_of)
    assert body["as_of"] == as_of and holders(body) == expected
    assert all(s["publication_date"] <= as_of for p in body["posts"] for s in p["sources"])


def test_on_and_as_of_together(client: TestClient) -> None:
    """"Who was Taiwan's defence minister on 2025-06-01, according to sources published by 2025-11-19?"""
    body = officials(client, on="2025-06-01", as_of="2025-11-19")
    assert [(p["person"], p["title"]) for p in body["posts"]] == [(KOO, "Defence Minister")]
    # Tsai held office on 2023-05-01, but only an undated source says so
    assert holders(officials(client, on="2023-05-01", as_of="2025-12-31")) == []


def test_sources_that_agree_are_one_post_and_posts_of_organisations_inside_count(client: TestClient, loader,
                                                                                 tmp_path: Path) -> None:
    with scratch_source(loader, tmp_path / "test-officials-later.yaml", LATER):
        body = officials(client)
        assert holders(body) == [TSAI, KOO, "person:mei-chia-shu"]
        koo, mei = body["posts"][1:]
        assert [s["id"] for s in koo["sources"]] == [NASAMS, "source:test-officials-later"]  # by publication date
        assert koo["claims"] == ["post:2025-11-19-nasams-taiwan:koo", "post:test-officials-later:koo"]
        assert len(koo["evidence"]) == 2
        assert (mei["title"], mei["organization"], mei["start_date"]) == ("Chief of the General Staff", "org:taiwan-armed-forces", "2025-07")
        # the later source is dated December 2025: it counts once December is over
        early = officials(client, as_of="2025-12-30")
        assert holders(early) == [KOO] and [s["id"] for s in early["posts"][0]["sources"]] == [NASAMS]
        assert holders(officials(client, as_of="2025-12-31")) == [KOO, "person:mei-chia-shu"]
        # a start in July 2025 counts the whole of July
        assert holders(officials(client, on="2025-07-01")) == [KOO, "person:mei-chia-shu"]
        assert holders(officials(client, on="2025-06-30")) == [KOO]
        assert holders(officials(client, "org:taiwan-armed-forces")) == ["person:mei-chia-shu"]
    assert holders(officials(client)) == [TSAI, KOO]


def test_an_unknown_entity_is_a_404_with_the_closest_names(client: TestClient) -> None:
    body = problem(client.get("/entities/state:TWN/officials", params={"on": "2025-06-01"}), 404, "'state:TWN'")
    assert body["errors"][0]["where"] == "path.entity_id"
    assert {"id": "state:TW", "name": "Taiwan"} in body["suggestions"]


@pytest.mark.parametrize("value", ["2025-02-30", "2023-02-29", "2025-13-01", "2025", "2025-06", "0000-01-01", "yesterday", "2025-6-1"])
@pytest.mark.parametrize("parameter", ["on", "as_of"])
def test_a_value_that_is_not_a_calendar_day_is_a_422_naming_the_parameter(client: TestClient, parameter: str, value: str) -> None:
    body = problem(client.get("/entities/state:TW/officials", params={parameter: value}), 422, f"query.{parameter}")
    assert [e["where"] for e in body["errors"]] == [f"query.{parameter}"]
    assert client.get("/entities/state:TW/officials", params={parameter: "2024-02-29"}).status_code == 200  # a leap day exists


def test_a_misspelt_parameter_is_a_422_not_an_unfiltered_answer(client: TestClient) -> None:
    problem(client.get("/entities/state:TW/officials", params={"asof": "2025-12-31"}), 422, "'asof'", "as_of")


def test_the_read_refuses_a_bad_day_naming_the_argument(graph: Graph, sample) -> None:
    with pytest.raises(reads.InvalidArgument) as refused:
        reads.officials(graph, "state:TW", as_of="2025-02-30")
    assert refused.value.argument == "as_of" and "does not exist" in str(refused.value)
