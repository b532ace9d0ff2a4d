"""Text primitives of the extractor: article files, sentences, dates, money, quantities.

Pure functions, so no graph is needed. The cases mix the notations of wire
services, defence trade press, government releases and European and Asian
outlets, with negatives for the numbers that must not be read as dates, money
or counts ("F-16", "PAC-3", "2,000 missiles", "10 years").
"""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders.extraction.article import ArticleError, parse_article, read_article
from loaders.extraction.dates import DateMention, find_dates, normalise_date
from loaders.extraction.money import find_money, find_quantities
from loaders.extraction.sentences import split_sentences

ARTICLES = sorted((Path(__file__).resolve().parent.parent / "data" / "articles").glob("*.txt"))
P = Path("news/sample.txt")

# ---------------------------------------------------------------------------
# Articles
# ---------------------------------------------------------------------------


def test_header_fields_and_body() -> None:
    text = (
        "URL: https://example.org/a?b=c:d\n"
        "Title: Pentagon approves: NASAMS deal\n"
        "date: Nov. 19, 2025\n"
        "outlet: Example News\n"
        "id: nasams-1\n"
        "\n"
        "The United States has announced the sale.\n"
    )
    art = parse_article(text, path=P)
    assert art.url == "https://example.org/a?b=c:d"
    assert art.title == "Pentagon approves: NASAMS deal"
    assert art.date == "2025-11-19"
    assert art.outlet == "Example News"
    assert art.id == "nasams-1"
    assert art.body == "The United States has announced the sale.\n"
    assert art.path == P


def test_no_header_means_whole_file_is_body_and_id_from_file_name() -> None:
    text = "WASHINGTON: The State Department has approved a possible sale.\n\nMore text."
    art = parse_article(text, path=Path("x/2025-dsca-poland.txt"))
    assert art.body == text
    assert art.id == "2025-dsca-poland"
    assert (art.url, art.title, art.date, art.outlet) == (None, None, None, None)


@pytest.mark.parametrize(
    "first_line",
    [
        "Note: the figures below are estimates.",
        " date 2025-11-19 The Pentagon approves NASAMS deal.",
        "https://example.org/article",
        "Headline without colon",
    ],
)
def test_first_line_that_is_not_a_known_key_is_body(first_line: str) -> None:
    art = parse_article(first_line + "\nBody text.", path=P)
    assert art.body.startswith(first_line)
    assert art.date is None


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("2025-11-19", "2025-11-19"),
        ("2025-11", "2025-11"),
        ("2025", "2025"),
        ("19 November 2025", "2025-11-19"),
        ("November 19, 2025", "2025-11-19"),
        ("Nov. 19, 2025", "2025-11-19"),
        ("Nov 19 2025", "2025-11-19"),
        ("19th Nov 2025", "2025-11-19"),
        ("Wednesday, 19 November 2025", "2025-11-19"),
        ("November 2025", "2025-11"),
        ("2025-11-19T08:30:00Z", "2025-11-19"),
        ("19 November 2025 08:30 GMT", "2025-11-19"),
        ("Sept. 3, 2024", "2024-09-03"),
        ("2024/02/29", "2024-02-29"),
    ],
)
def test_header_dates_normalised(written: str, iso: str) -> None:
    assert normalise_date(written) == iso
    art = parse_article(f"date: {written}\n\nBody.", path=P)
    assert art.date == iso


@pytest.mark.parametrize("bad", ["yesterday", "2025-13-01", "2025-02-30", "31 June 2025", "19/11/25"])
def test_unparseable_header_date_is_a_warning_naming_file_and_line_and_the_date_stays_unknown(bad: str) -> None:
    art = parse_article(f"title: T\ndate: {bad}\n\nBody.", path=P)
    assert art.date is None and art.title == "T" and art.body == "Body."
    [warning] = art.warnings
    assert warning.startswith(f"{P}:2:") and bad in warning and "stays unknown" in warning


def test_duplicate_key_is_an_error_with_line() -> None:
    with pytest.raises(ArticleError, match=r"sample\.txt:3: header key 'title' is given twice"):
        parse_article("title: A\nurl: u\nTITLE: B\n\nBody.", path=P)


def test_header_keys_the_reader_does_not_use_are_kept_as_metadata() -> None:
    art = parse_article("title: A\nautor: Someone\nSection: Defence\nlanguage:\n\nBody.", path=P)
    assert (art.title, art.body, art.warnings) == ("A", "Body.", ())
    assert art.metadata == {"autor": "Someone", "section": "Defence"}  # an empty value means unknown


@pytest.mark.parametrize("text", ["author: Jane Doe\nsection: Defence\n\nBody.", "Author: Jane Doe\nURL: u\n\nBody."])
def test_a_header_may_start_with_any_key(text: str) -> None:
    art = parse_article(text, path=P)
    assert art.body == "Body." and art.metadata["author"] == "Jane Doe"


def test_a_dateline_with_a_colon_is_body_not_a_header() -> None:
    text = "WASHINGTON: The State Department has approved a possible sale.\n\nMore text."
    art = parse_article(text, path=P)
    assert art.body == text and art.metadata == {}


def test_header_without_blank_line_ends_at_first_prose_line() -> None:
    art = parse_article("title: A\nThe body starts here, without a blank line.", path=P)
    assert art.title == "A"
    assert art.body == "The body starts here, without a blank line."


def test_date_argument_overrides_and_is_validated() -> None:
    art = parse_article("date: 2025-11-19\n\nBody.", path=P, date="17 November 2025")
    assert art.date == "2025-11-17"
    assert parse_article("Body.", path=P, date="2025-11").date == "2025-11"
    with pytest.raises(ArticleError, match="--date"):
        parse_article("Body.", path=P, date="someday")


@pytest.mark.parametrize("text", ["", "   \n\n", "title: Only a header\n\n", "title: T\n"])
def test_empty_body_is_an_error(text: str) -> None:
    with pytest.raises(ArticleError, match="no body"):
        parse_article(text, path=P)


def test_bom_and_crlf_are_normalised(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes("\ufefftitle: T\r\ndate: 2025\r\n\r\nLine one.\r\nLine two.\r\n".encode())
    art = read_article(path)
    assert art.title == "T" and art.date == "2025"
    assert art.body == "Line one.\nLine two.\n"
    assert art.id == "crlf"


def test_undecodable_file_is_an_article_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("title: T\n\nDéfense".encode("latin-1"))
    with pytest.raises(ArticleError, match=r"latin1\.txt:3: not UTF-8"):
        read_article(path)


def test_missing_file_is_an_article_error(tmp_path: Path) -> None:
    with pytest.raises(ArticleError, match="cannot read"):
        read_article(tmp_path / "absent.txt")


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.name)
def test_sample_articles_read(path: Path) -> None:
    art = read_article(path)
    assert art.id == path.stem
    assert art.body.strip()


# ---------------------------------------------------------------------------
# Sentences
# ---------------------------------------------------------------------------


def texts(text: str) -> list[str]:
    sentences = split_sentences(text)
    for s in sentences:
        assert text[s.start:s.end] == s.text
        assert s.text == s.text.strip() and s.text
    return [s.text for s in sentences]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One. Two! Three? Four.", ["One.", "Two!", "Three?", "Four."]),
        (
            "The U.S. Army and the U.K. agreed. The U.N. was not asked.",
            ["The U.S. Army and the U.K. agreed.", "The U.N. was not asked."],
        ),
        ("It was sold to the U.S. The deal closed.", ["It was sold to the U.S.", "The deal closed."]),
        (
            "Mr. Smith met Gen. Jones and Lt. Col. Brown. Dr. Lee spoke.",
            ["Mr. Smith met Gen. Jones and Lt. Col. Brown.", "Dr. Lee spoke."],
        ),
        (
            "Sen. Warren, Rep. Smith and Gov. Abbott met Adm. Paparo and Maj. Gen. Ho.",
            ["Sen. Warren, Rep. Smith and Gov. Abbott met Adm. Paparo and Maj. Gen. Ho."],
        ),
        ("The deal is worth $1.2 billion. It rose 3.5% in 2024.", ["The deal is worth $1.2 billion.", "It rose 3.5% in 2024."]),
        ("John F. Kennedy spoke. George W. Bush listened.", ["John F. Kennedy spoke.", "George W. Bush listened."]),
        (
            "“We are committed,” he said in a statement. “Rock-solid.” Next came the vote.",
            ["“We are committed,” he said in a statement.", "“Rock-solid.”", "Next came the vote."],
        ),
        ("He said: “It is final.” Then he left.", ["He said: “It is final.”", "Then he left."]),
        ("(The figure was revised.) Officials agreed.", ["(The figure was revised.)", "Officials agreed."]),
        ("The talks stalled... Then they resumed.", ["The talks stalled...", "Then they resumed."]),
        ("It was, he said… a good deal.", ["It was, he said… a good deal."]),
        ("Signed on Jan. 5 by Lockheed Martin Corp. and BAE Systems Inc. in London.",
         ["Signed on Jan. 5 by Lockheed Martin Corp. and BAE Systems Inc. in London."]),
        ("Shares of Lockheed Martin Corp. rose. The company declined to comment.",
         ["Shares of Lockheed Martin Corp. rose.", "The company declined to comment."]),
        ("The meeting is at 10 a.m. on Monday. It will last an hour.",
         ["The meeting is at 10 a.m. on Monday.", "It will last an hour."]),
        ("Allies, e.g. Japan, and partners, i.e. Taiwan, vs. rivals. No. 5 was approved.",
         ["Allies, e.g. Japan, and partners, i.e. Taiwan, vs. rivals.", "No. 5 was approved."]),
        ("He said no. The deal died.", ["He said no.", "The deal died."]),
        ("The Sept. 11 attacks changed policy. Approx. 3,000 died.",
         ["The Sept. 11 attacks changed policy.", "Approx. 3,000 died."]),
        ("Was it approved? Yes! The sale went ahead.", ["Was it approved?", "Yes!", "The sale went ahead."]),
        ("“Why now?” he asked.", ["“Why now?” he asked."]),
        ("See example.org/deal.html for details.", ["See example.org/deal.html for details."]),
        ("Under Plan B. The army moved.", ["Under Plan B.", "The army moved."]),
        ("It cost $5m. $2m was paid upfront.", ["It cost $5m.", "$2m was paid upfront."]),
        ("St. Petersburg hosted it. Prices rose.", ["St. Petersburg hosted it.", "Prices rose."]),
    ],
)
def test_split_punctuation(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A blank line always ends a sentence, even without punctuation.
        ("First part without period\n\nsecond part.", ["First part without period", "second part."]),
        # Headline / crosshead lines on their own, paragraphs one per line.
        (
            "Taiwan Faces Arms Supply Delay\nThe development comes as Taiwan faces a delay in US arms supply of $19 billion, including Javelin anti-tank weapons.\n‘Rock-solid’ US support\nThursday’s approval was the first.",
            [
                "Taiwan Faces Arms Supply Delay",
                "The development comes as Taiwan faces a delay in US arms supply of $19 billion, including Javelin anti-tank weapons.",
                "‘Rock-solid’ US support",
                "Thursday’s approval was the first.",
            ],
        ),
        # Sentence-case headline followed by a long paragraph line.
        (
            "Poland signs deal for 96 Apache helicopters worth $10 billion\nPoland signed a contract on Wednesday for 96 AH-64E Apache helicopters, the defence ministry in Warsaw said in a statement.",
            [
                "Poland signs deal for 96 Apache helicopters worth $10 billion",
                "Poland signed a contract on Wednesday for 96 AH-64E Apache helicopters, the defence ministry in Warsaw said in a statement.",
            ],
        ),
        # Hard-wrapped prose is joined, even before a capitalised word.
        (
            "A delegation of around 25 US defense contractors plans to visit\nTaiwan in early May to discuss the joint production of drones and\nammunition, Nikkei reported. It would be the first such visit.",
            [
                "A delegation of around 25 US defense contractors plans to visit\nTaiwan in early May to discuss the joint production of drones and\nammunition, Nikkei reported.",
                "It would be the first such visit.",
            ],
        ),
        # A short title above wrapped prose stands alone.
        (
            "NASAMS for Taiwan\nThe United States has announced the sale of an advanced missile\nSystem worth almost $700m to Taiwan, reaffirming its support for\nTaipei.",
            [
                "NASAMS for Taiwan",
                "The United States has announced the sale of an advanced missile\nSystem worth almost $700m to Taiwan, reaffirming its support for\nTaipei.",
            ],
        ),
        # List items are sentences of their own.
        (
            "The package includes:\n- 24 Patriot missiles\n- three NASAMS units\n• spare parts",
            ["The package includes:", "- 24 Patriot missiles", "- three NASAMS units", "• spare parts"],
        ),
        # A line ending in a comma continues.
        ("The ministry said,\nThe deal is done.", ["The ministry said,\nThe deal is done."]),
        ("   \n\n  Leading and trailing space.  \n\n\n", ["Leading and trailing space."]),
        ("", []),
        ("\n\n\n", []),
    ],
)
def test_split_lines_and_paragraphs(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


def test_dsca_release_sentences() -> None:
    text = (
        "WASHINGTON – The State Department has made a determination approving a possible Foreign "
        "Military Sale to the Government of Poland of AIM-120D Advanced Medium Range Air-to-Air "
        "Missiles and related equipment for an estimated cost of $1.69 billion. The Defense "
        "Security Cooperation Agency delivered the required certification notifying Congress of "
        "this possible sale today.\n\nThe principal contractor will be RTX Corporation, Tucson, AZ. "
        "The estimated total cost is $1.2 billion."
    )
    assert texts(text) == [
        text[: text.index("$1.69 billion.") + len("$1.69 billion.")],
        "The Defense Security Cooperation Agency delivered the required certification notifying "
        "Congress of this possible sale today.",
        "The principal contractor will be RTX Corporation, Tucson, AZ.",
        "The estimated total cost is $1.2 billion.",
    ]


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.name)
def test_sample_article_sentence_offsets_exact(path: Path) -> None:
    body = read_article(path).body
    sentences = split_sentences(body)
    assert len(sentences) >= 10
    previous_end = 0
    for s in sentences:
        assert body[s.start:s.end] == s.text
        assert s.text.strip() == s.text and s.text
        assert s.start >= previous_end
        previous_end = s.end
    # Nothing but whitespace is left out.
    covered = "".join(body[a.end:b.start] for a, b in zip(sentences, sentences[1:]))
    assert not covered.strip()


def test_sample_article_headlines_are_their_own_sentences() -> None:
    path = next(p for p in ARTICLES if "delegation" in p.name)
    found = texts(read_article(path).body)
    assert "Tawan Faces Arms Supply Delay" in found
    assert "Sweden Blocked Excalibur Supply" in found


# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------

PUB = "2025-11-19"  # a Wednesday


def dates(sentence: str, published: str | None = PUB) -> list[tuple[str, str, str, str, str]]:
    found = find_dates(sentence, published)
    for m in found:
        assert sentence[m.start:m.end] == m.text
        assert isinstance(m, DateMention)
    return [(m.text, m.value, m.precision, m.basis, m.relation) for m in found]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The Pentagon said on Monday the contract was signed.",
         [("Monday", "2025-11-17", "day", "inferred", "at")]),
        ("Asked about the tension on Wednesday, he said no.",
         [("Wednesday", "2025-11-19", "day", "inferred", "at")]),
        ("Thursday’s US approval of the sale was the first.",
         [("Thursday", "2025-11-13", "day", "inferred", "at")]),
        ("They met last Tuesday.", [("last Tuesday", "2025-11-18", "day", "inferred", "at")]),
        ("They met last Wednesday.", [("last Wednesday", "2025-11-12", "day", "inferred", "at")]),
        ("They will meet next Monday.", [("next Monday", "2025-11-24", "day", "inferred", "at")]),
        ("The minister will visit Tokyo on Friday.", [("Friday", "2025-11-21", "day", "inferred", "at")]),
        ("It was approved today.", [("today", "2025-11-19", "day", "inferred", "at")]),
        ("It was approved yesterday.", [("yesterday", "2025-11-18", "day", "inferred", "at")]),
        ("Talks resume tomorrow.", [("tomorrow", "2025-11-20", "day", "inferred", "at")]),
        ("It was signed this week.", [("this week", "2025-11", "month", "inferred", "at")]),
        ("It was signed last week.", [("last week", "2025-11", "month", "inferred", "at")]),
        ("It was signed this month.", [("this month", "2025-11", "month", "inferred", "at")]),
        ("It was signed last month.", [("last month", "2025-10", "month", "inferred", "at")]),
        ("Deliveries start next month.", [("next month", "2025-12", "month", "inferred", "at")]),
        ("It was signed earlier this year.", [("earlier this year", "2025", "year", "inferred", "at")]),
        ("The US said last year Taiwan would receive three.", [("last year", "2024", "year", "inferred", "at")]),
        ("Deliveries start next year.", [("next year", "2026", "year", "inferred", "at")]),
        ("The deal was struck two weeks ago.", [("two weeks ago", "2025-11", "month", "inferred", "at")]),
        ("The deal was struck three years ago.", [("three years ago", "2022", "year", "inferred", "at")]),
        ("It was approved in 2024.", [("2024", "2024", "year", "stated", "at")]),
        ("2024 saw record arms sales.", [("2024", "2024", "year", "stated", "at")]),
        ("Trump took office in January.", [("January", "2025-01", "month", "inferred", "at")]),
        ("The delegation plans to visit Taiwan in early May.",
         [("early May", "2026-05", "month", "inferred", "at")]),
        ("Sales fell in late May.", [("late May", "2025-05", "month", "inferred", "at")]),
        ("Deliveries are expected in mid-2026.", [("mid-2026", "2026", "year", "stated", "at")]),
        ("It was signed in May 2025.", [("May 2025", "2025-05", "month", "stated", "at")]),
        ("It was signed on May 17.", [("May 17", "2025-05-17", "day", "inferred", "at")]),
        ("It was signed on 17 May.", [("17 May", "2025-05-17", "day", "inferred", "at")]),
        ("It was signed on May 17, 2025.", [("May 17, 2025", "2025-05-17", "day", "stated", "at")]),
        ("It was signed on 17 May 2025.", [("17 May 2025", "2025-05-17", "day", "stated", "at")]),
        ("It was signed on November 17th.", [("November 17th", "2025-11-17", "day", "inferred", "at")]),
        ("Takaichi suggested on November 7 that Japan could intervene.",
         [("November 7", "2025-11-07", "day", "inferred", "at")]),
        ("It was signed on Monday, Nov. 17, 2025.",
         [("Monday, Nov. 17, 2025", "2025-11-17", "day", "stated", "at")]),
        ("Fiscal 2026 funds were obligated.", [("Fiscal 2026", "2026", "year", "stated", "at")]),
        ("The FY2026 budget request.", [("FY2026", "2026", "year", "stated", "at")]),
        ("The FY26 budget request.", [("FY26", "2026", "year", "stated", "at")]),
        ("Funds for fiscal year 2025 were cut.", [("fiscal year 2025", "2025", "year", "stated", "at")]),
        ("Deliveries begin in the first quarter of 2026.",
         [("the first quarter of 2026", "2026-01", "month", "stated", "at")]),
        ("Revenue rose in Q3 2025.", [("Q3 2025", "2025-07", "month", "stated", "at")]),
        ("Output rises in the second half of 2026.",
         [("the second half of 2026", "2026-07", "month", "stated", "at")]),
        ("Work will be completed by February 2031.",
         [("February 2031", "2031-02", "month", "stated", "by")]),
        ("Work will be completed by 2030.", [("2030", "2030", "year", "stated", "by")]),
        ("Work continues until 2027.", [("2027", "2027", "year", "stated", "by")]),
        ("Work continues through 2027.", [("2027", "2027", "year", "stated", "by")]),
        ("The first visit since 2019, the outlet added.", [("2019", "2019", "year", "stated", "since")]),
        ("Production runs from 2026.", [("2026", "2026", "year", "stated", "from")]),
        ("Done by the end of 2026.", [("the end of 2026", "2026", "year", "stated", "by")]),
        ("The 2023-2025 plan.", [("2023", "2023", "year", "stated", "from"), ("2025", "2025", "year", "stated", "by")]),
        ("The 2023–25 plan.", [("2023", "2023", "year", "stated", "from"), ("25", "2025", "year", "stated", "by")]),
        ("Deliveries from 2027 to 2029.", [("2027", "2027", "year", "stated", "from"), ("2029", "2029", "year", "stated", "by")]),
        ("Sales between 2019 and 2021 fell.", [("2019", "2019", "year", "stated", "from"), ("2021", "2021", "year", "stated", "by")]),
        ("The deal was announced on 2025-11-17.", [("2025-11-17", "2025-11-17", "day", "stated", "at")]),
        ("It first flew in February last year.", [("February last year", "2024-02", "month", "inferred", "at")]),
        ("A step could be taken as early as Thursday, he said.",
         [("Thursday", "2025-11-20", "day", "inferred", "at")]),
        ("Sales rose in 2023 and 2024.", [("2023", "2023", "year", "stated", "at"), ("2024", "2024", "year", "stated", "at")]),
    ],
)
def test_find_dates(sentence: str, expected: list[tuple[str, ...]]) -> None:
    assert dates(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "It costs $2024 million.",
        "Taiwan ordered 66 F-16 jets and PAC-3 missiles.",
        "A total of 2,000 missiles were sent.",
        "A total of 2000 missiles were sent.",
        "The M1A2 tanks use 2024-grade armour.",
        "Troops numbered 1950.",
        "The 2026 budget grew.",
        "Prime Minister Theresa May said the deal was fine.",
        "It may be approved.",
        "The price rose to 2030.5 points.",
        "Room 2024 was booked.",
        "Mondays are busy.",
        "A march on Washington.",
    ],
)
def test_not_dates(sentence: str) -> None:
    assert dates(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "published", "expected"),
    [
        # A month without year takes the year closest to publication...
        ("It happened in December.", "2025-01-05", [("December", "2024-12", "month", "inferred", "at")]),
        ("Deliveries happen in February.", "2025-12-20", [("February", "2026-02", "month", "inferred", "at")]),
        # ... unless the tense says otherwise.
        ("Trump took office in January.", "2025-11-19", [("January", "2025-01", "month", "inferred", "at")]),
        ("The talks will be held in January.", "2025-03-10", [("January", "2026-01", "month", "inferred", "at")]),
        ("It was signed on December 30.", "2026-01-02", [("December 30", "2025-12-30", "day", "inferred", "at")]),
        ("last March", "2025-11-19", [("last March", "2025-03", "month", "inferred", "at")]),
        ("next March", "2025-11-19", [("next March", "2026-03", "month", "inferred", "at")]),
        # Partial publication dates: never more precise than what is known.
        ("It was signed on Monday.", "2025-11", [("Monday", "2025-11", "month", "inferred", "at")]),
        ("It was signed yesterday.", "2025", [("yesterday", "2025", "year", "inferred", "at")]),
        ("It was signed last year.", "2025-11", [("last year", "2024", "year", "inferred", "at")]),
        ("It was signed in May.", "2025", [("May", "2025-05", "month", "inferred", "at")]),
        # Sunday publication, "on Sunday" is the same day.
        ("On Sunday, ships sailed through.", "2025-11-16", [("Sunday", "2025-11-16", "day", "inferred", "at")]),
    ],
)
def test_dates_relative_to_publication(sentence: str, published: str, expected: list[tuple[str, ...]]) -> None:
    assert dates(sentence, published) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("It was signed on Monday, in May, yesterday and last year.", []),
        ("It was signed in 2024.", [("2024", "2024", "year", "stated", "at")]),
        ("It was signed on May 17, 2025.", [("May 17, 2025", "2025-05-17", "day", "stated", "at")]),
        ("Delivery by February 2031.", [("February 2031", "2031-02", "month", "stated", "by")]),
    ],
)
def test_without_publication_date_relative_dates_are_skipped(sentence: str, expected: list[tuple[str, ...]]) -> None:
    assert dates(sentence, None) == expected


def test_invalid_publication_date_is_rejected() -> None:
    with pytest.raises(ValueError, match="ISO"):
        find_dates("in May", "19 November 2025")


def test_impossible_stated_date_is_skipped() -> None:
    assert dates("It was signed on February 30, 2025.") == []


# ---------------------------------------------------------------------------
# Money
# ---------------------------------------------------------------------------


def money(text: str) -> list[tuple[str, float, str, bool]]:
    found = find_money(text)
    for m in found:
        assert text[m.start:m.end] == m.text
    return [(m.text, m.amount, m.currency, m.approximate) for m in found]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("funds in the amount of $698,948,760 were obligated", [("$698,948,760", 698_948_760, "USD", False)]),
        ("a system worth almost $700m", [("$700m", 700e6, "USD", True)]),
        ("bringing the total to $1bn", [("$1bn", 1e9, "USD", False)]),
        ("an estimated cost of $1.2 billion", [("$1.2 billion", 1.2e9, "USD", False)]),
        ("The estimated total cost is $1.2 billion.", [("$1.2 billion", 1.2e9, "USD", False)]),
        ("worth an estimated $1.2 billion", [("$1.2 billion", 1.2e9, "USD", True)]),
        ("a US$500 million deal", [("US$500 million", 500e6, "USD", False)]),
        ("USD 330 million", [("USD 330 million", 330e6, "USD", False)]),
        ("sold for 330 million dollars", [("330 million dollars", 330e6, "USD", False)]),
        ("sold for 330 million US dollars", [("330 million US dollars", 330e6, "USD", False)]),
        ("a €2.5bn order", [("€2.5bn", 2.5e9, "EUR", False)]),
        ("EUR 2.5 billion", [("EUR 2.5 billion", 2.5e9, "EUR", False)]),
        ("2.5 billion euros", [("2.5 billion euros", 2.5e9, "EUR", False)]),
        ("a £1bn contract", [("£1bn", 1e9, "GBP", False)]),
        ("NT$8.9 billion", [("NT$8.9 billion", 8.9e9, "TWD", False)]),
        ("8.9 billion New Taiwan dollars", [("8.9 billion New Taiwan dollars", 8.9e9, "TWD", False)]),
        ("A$1.3 billion", [("A$1.3 billion", 1.3e9, "AUD", False)]),
        ("1.3 billion Australian dollars", [("1.3 billion Australian dollars", 1.3e9, "AUD", False)]),
        ("C$2 billion", [("C$2 billion", 2e9, "CAD", False)]),
        ("S$500m", [("S$500m", 500e6, "SGD", False)]),
        ("HK$1bn", [("HK$1bn", 1e9, "HKD", False)]),
        ("₩1 trillion", [("₩1 trillion", 1e12, "KRW", False)]),
        ("1 trillion won", [("1 trillion won", 1e12, "KRW", False)]),
        ("¥500 billion", [("¥500 billion", 500e9, "JPY", False)]),
        ("¥5 billion yuan", [("¥5 billion yuan", 5e9, "CNY", False)]),
        ("RMB 3 billion", [("RMB 3 billion", 3e9, "CNY", False)]),
        ("10 billion yuan", [("10 billion yuan", 10e9, "CNY", False)]),
        ("Rs 5,000 crore", [("Rs 5,000 crore", 5e10, "INR", False)]),
        ("Rs. 500 crore", [("Rs. 500 crore", 5e9, "INR", False)]),
        ("₹300 crore", [("₹300 crore", 3e9, "INR", False)]),
        ("20 lakh rupees", [("20 lakh rupees", 2e6, "INR", False)]),
        ("7.5 billion kronor", [("7.5 billion kronor", 7.5e9, "SEK", False)]),
        ("4 billion kroner", [("4 billion kroner", 4e9, "NOK", False)]),
        ("3 billion Danish kroner", [("3 billion Danish kroner", 3e9, "DKK", False)]),
        ("1.2 billion zloty", [("1.2 billion zloty", 1.2e9, "PLN", False)]),
        ("CHF 1.5 billion", [("CHF 1.5 billion", 1.5e9, "CHF", False)]),
        ("a $2.5-billion deal", [("$2.5-billion", 2.5e9, "USD", False)]),
        ("a $3 billion-plus programme", [("$3 billion-plus", 3e9, "USD", True)]),
        ("a $1 billion deal", [("$1 billion", 1e9, "USD", False)]),
        ("more than $19 billion", [("$19 billion", 19e9, "USD", True)]),
        ("about $5m", [("$5m", 5e6, "USD", True)]),
        ("up to $50 million", [("$50 million", 50e6, "USD", True)]),
        ("roughly £200m", [("£200m", 200e6, "GBP", True)]),
        ("$1.2-1.5 billion", [("$1.2-1.5 billion", 1.2e9, "USD", True)]),
        ("NT$8.9 billion (US$290 million)",
         [("NT$8.9 billion", 8.9e9, "TWD", False), ("US$290 million", 290e6, "USD", False)]),
        ("$50k", [("$50k", 50e3, "USD", False)]),
        ("under a $1bn contract", [("$1bn", 1e9, "USD", False)]),
    ],
)
def test_find_money(text: str, expected: list[tuple[str, float, str, bool]]) -> None:
    assert money(text) == [(t, pytest.approx(a), c, ap) for t, a, c, ap in expected]


@pytest.mark.parametrize(
    "text",
    [
        "the F-35 and PAC-3",
        "a 5% rise and 3.5 percent",
        "in 2024",
        "the $ sign",
        "500 pounds of explosives",
        "2,000-pound bombs",
        "Hanwha won 3 contracts",
        "it cost us 5 billion",
        "try 5 times",
        "a multibillion-dollar deal",
    ],
)
def test_not_money(text: str) -> None:
    assert money(text) == []


# ---------------------------------------------------------------------------
# Quantities
# ---------------------------------------------------------------------------


def quantities(text: str) -> list[tuple[str, int, str]]:
    found = find_quantities(text)
    for q in found:
        assert text[q.start:q.end] == q.text
        assert q.text.endswith(q.noun)
    return [(q.text, q.value, q.noun) for q in found]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the procurement of three NASAMS units", [("three NASAMS units", 3, "NASAMS units")]),
        ("approved 66 F-16V fighter jets for Taiwan", [("66 F-16V fighter jets", 66, "F-16V fighter jets")]),
        ("24 Patriot missiles were sent", [("24 Patriot missiles", 24, "Patriot missiles")]),
        ("two squadrons were formed", [("two squadrons", 2, "squadrons")]),
        ("around 25 US defense contractors plans to visit",
         [("25 US defense contractors", 25, "US defense contractors")]),
        ("2,000 missiles", [("2,000 missiles", 2000, "missiles")]),
        ("a total of 2000 missiles", [("2000 missiles", 2000, "missiles")]),
        ("31 Abrams tanks arrived", [("31 Abrams tanks", 31, "Abrams tanks")]),
        ("a dozen drones", [("a dozen drones", 12, "drones")]),
        ("two dozen helicopters", [("two dozen helicopters", 24, "helicopters")]),
        ("Twenty-five HIMARS launchers", [("Twenty-five HIMARS launchers", 25, "HIMARS launchers")]),
        ("1.5 million rounds of ammunition", [("1.5 million rounds", 1_500_000, "rounds")]),
        ("12 Gripen E aircraft for Thailand", [("12 Gripen E aircraft", 12, "Gripen E aircraft")]),
        ("Three armed drones crashed", [("Three armed drones", 3, "armed drones")]),
        ("sell Taiwan 108 M1A2T tanks", [("108 M1A2T tanks", 108, "M1A2T tanks")]),
        ("four Type 212CD submarines", [("four Type 212CD submarines", 4, "Type 212CD submarines")]),
        ("its second weapons package", []),
        ("two weapons packages were approved", [("two weapons packages", 2, "weapons packages")]),
        ("one hundred Stinger missiles", [("one hundred Stinger missiles", 100, "Stinger missiles")]),
    ],
)
def test_find_quantities(text: str, expected: list[tuple[str, int, str]]) -> None:
    assert quantities(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "in 2025",
        "the 2026 budget",
        "over 10 years",
        "a 10-year contract",
        "a deal worth $1bn",
        "5 percent of sales",
        "5 per cent of sales",
        "330 million dollars",
        "Rs 5,000 crore",
        "the F-16 and PAC-3",
        "three of which",
        "hundreds of drones",
        "dozens of missiles",
        "Type 26 frigates",
        "Leopard 2 tanks",
        "on May 17 missiles struck",
        "on 17 May",
        "a range of 300 km",
        "155 mm shells",
        "at 10 am",
        "the M109A6 Paladin",
        "3.5 missiles",
    ],
)
def test_not_quantities(text: str) -> None:
    assert quantities(text) == []


# ---------------------------------------------------------------------------
# Robustness: random mixtures of tricky tokens never break the invariants
# ---------------------------------------------------------------------------

_PIECES = [
    "The", "U.S.", "Gen.", "said", "on", "Monday", "in", "May", "2024", "$1.2", "billion", "€2.5bn",
    "NT$8.9", "three", "NASAMS", "units", "F-16V", "PAC-3", ".", "!", "?", "…", "...", "“", "”",
    "‘", "’", "(", ")", ",", ";", ":", "—", "-", "\n", "\n\n", " ", "  ", "\t", "Rs", "5,000", "crore",
    "by", "February", "2031", "since", "2019", "2023-2025", "mid-2026", "FY26", "Q3", "a.m.",
    "John", "F.", "Kennedy", "No.", "5", "Inc.", "e.g.", "2,000", "missiles", "10", "years", "%",
    "last", "year", "next", "week", "yesterday", "17", "Nov.", "the", "first", "quarter", "of",
    "\ufeff", "\r\n", "won", "1", "trillion", "kronor", "a", "dozen", "drones", "- ", "• ",
]


@pytest.mark.parametrize("seed", range(40))
def test_random_text_keeps_invariants(seed: int) -> None:
    import random

    rng = random.Random(seed)
    text = "".join(rng.choice(_PIECES) + rng.choice(["", " ", " ", "\n"]) for _ in range(300))
    sentences = split_sentences(text)
    end = 0
    for s in sentences:
        assert text[s.start:s.end] == s.text and s.text.strip() == s.text and s.text
        assert s.start >= end
        end = s.end
        for published in (None, "2025", "2025-11", "2025-11-19"):
            previous = -1
            for d in find_dates(s.text, published):
                assert s.text[d.start:d.end] == d.text and d.start >= previous
                assert d.precision in {"year", "month", "day"}
                assert d.basis in {"stated", "inferred"}
                assert d.relation in {"at", "by", "since", "from"}
                assert len(d.value) == {"year": 4, "month": 7, "day": 10}[d.precision]
                previous = d.end
    for m in find_money(text):
        assert text[m.start:m.end] == m.text and m.amount >= 0 and len(m.currency) == 3
    for q in find_quantities(text):
        assert text[q.start:q.end] == q.text and q.value > 0 and q.noun
