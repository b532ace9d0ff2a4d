"""Official documents as text (HTML, PDF, CSV, plain text), their kind, and the sale each approval or award is a stage of."""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders.official.document import DERIVED_SALE, OfficialError, official_kind, parse_official, with_sales
from loaders.official.inputs import InputError, html_text, read_official
from loaders.official.kinds import detect, parser
from loaders.official.source import OfficialText

DSCA_BODY = (
    "WASHINGTON, October 25, 2024 – The State Department has made a determination approving a possible Foreign "
    "Military Sale to the Taipei Economic and Cultural Representative Office in the United States (TECRO) of "
    "National Advanced Surface-to-Air Missile Systems (NASAMS) and related equipment for an estimated cost of "
    "$1.16 billion. The Defense Security Cooperation Agency delivered the required certification notifying Congress "
    "of this possible sale today.\n"
)
AWARD = ("Raytheon Co., Andover, Massachusetts, was awarded a $698,948,760 firm-fixed-price contract for the "
         "procurement of National Advanced Surface-to-Air Missile System. Army Contracting Command, Redstone Arsenal, "
         "Alabama, is the contracting activity (W31P4Q-26-C-0011).\n")


def text(body: str, **fields: str) -> OfficialText:
    return OfficialText(path=Path("x.txt"), id="x", body=body, **fields)


def test_html_gives_the_visible_text_block_by_block_and_the_title() -> None:
    page = ("<html><head><title>Contracts For Nov. 17, 2025</title><style>p {color: red}</style></head><body>"
            "<nav>Home | News</nav><h1>Contracts For Nov. 17, 2025</h1><p>ARMY</p>"
            "<p>Raytheon&nbsp;Co., Andover,   Massachusetts, was awarded a contract.</p>"
            "<script>var x = 1;</script><div>*Small business</div></body></html>")
    body, title = html_text(page)
    assert title == "Contracts For Nov. 17, 2025"
    assert body.split("\n\n") == ["Contracts For Nov. 17, 2025", "ARMY",
                                  "Raytheon Co., Andover, Massachusetts, was awarded a contract.", "*Small business\n"]
    assert "var x" not in body and "Home" not in body and "color" not in body


def test_a_saved_page_is_read_from_its_file(tmp_path: Path) -> None:
    page = tmp_path / "release.html"
    page.write_text(f"<html><head><title>TECRO – NASAMS</title></head><body><p>{DSCA_BODY}</p></body></html>",
                    encoding="utf-8")
    read = read_official(page)
    assert read.title == "TECRO – NASAMS" and read.id == "release" and "estimated cost of $1.16 billion" in read.body
    assert detect(read) == "dsca"


def test_pdf_pages_are_read_and_a_running_header_kept_once(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    first, second = DSCA_BODY.replace("–", "-").split("billion. ")
    for part in (first + "billion.", second):
        pdf.add_page()
        pdf.multi_cell(0, 6, "Defense Security Cooperation Agency NEWS RELEASE", new_x="LMARGIN", new_y="NEXT")
        pdf.multi_cell(0, 6, part, new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "release.pdf"
    pdf.output(str(path))
    read = read_official(path)
    assert read.body.count("Defense Security Cooperation Agency NEWS RELEASE") == 1
    assert "estimated cost of" in " ".join(read.body.split()) and detect(read) == "dsca"


def test_a_pdf_without_text_or_a_broken_one_is_refused_by_name(tmp_path: Path) -> None:
    from fpdf import FPDF

    empty = FPDF()
    empty.add_page()
    blank = tmp_path / "scan.pdf"
    empty.output(str(blank))
    with pytest.raises(InputError, match=r"scan\.pdf: the PDF holds no text"):
        read_official(blank)
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 not really")
    with pytest.raises(InputError, match=r"broken\.pdf: cannot read the PDF"):
        read_official(broken)


def test_csv_in_windows_1252_is_read_and_plain_text_must_be_utf8(tmp_path: Path) -> None:
    register = tmp_path / "register.csv"
    register.write_bytes("Recipient,Supplier,Year of order\nCôte d'Ivoire,France,2019\n".encode("cp1252"))
    assert "Côte d'Ivoire" in read_official(register).body
    bad = tmp_path / "release.txt"
    bad.write_bytes("Transmittal No. 24-90 – \xe9".encode("cp1252"))
    with pytest.raises(InputError, match=r"release\.txt.*UTF-8"):
        read_official(bad)


def test_the_header_gives_url_date_kind_and_metadata_and_lines_are_counted(tmp_path: Path) -> None:
    path = tmp_path / "2025-11-17-dod-contracts.txt"
    path.write_text("url: https://www.defense.gov/News/Contracts/\ndate: 2025-11-17\nkind: dod-contracts\n"
                    "provenance: verbatim\n\nARMY\n\n" + AWARD, encoding="utf-8")
    read = read_official(path)
    assert (read.url, read.date, read.kind, read.metadata) == (
        "https://www.defense.gov/News/Contracts/", "2025-11-17", "dod-contracts", {"provenance": "verbatim"})
    assert read.line_offset == 5 and read.body.startswith("ARMY")


@pytest.mark.parametrize(("body", "kind"), [
    ("Data generated: 01 December 2026\nRecipient,Supplier,Year of order, ,Number ordered\n", "sipri-csv"),
    ("Transmittal No. 20-76\n(i) Prospective Purchaser: Government of France\n(ii) Total Estimated Value:\n", "transmittal"),
    (DSCA_BODY, "dsca"),
    ("ARMY\n\n" + AWARD, "dod-contracts"),
    ("Taiwan welcomed the approval, the Defense Security Cooperation Agency said on Friday.\n", None),
    ("The firm was awarded a contract last year, the ministry said.\n", None),
])
def test_each_kind_is_recognised_by_its_fixed_wording_and_news_is_not(body: str, kind: str | None) -> None:
    assert detect(text(body)) == kind


def test_the_header_kind_wins_and_an_unknown_kind_is_named() -> None:
    assert detect(text("anything at all\n", kind="dsca")) == "dsca"
    with pytest.raises(ValueError, match="'nonsense' is not a kind of official source; use one of sipri-csv"):
        parser("nonsense")


def test_files_that_are_not_official_sources_are_refused_with_the_reason(tmp_path: Path) -> None:
    news = tmp_path / "news.txt"
    news.write_text("Taiwan bought missiles, a minister said.\n", encoding="utf-8")
    assert official_kind(news) is None and official_kind(news, "article") is None and official_kind(news, "dsca") == "dsca"
    with pytest.raises(OfficialError, match=r"news\.txt: not recognised as an official source .*--kind"):
        parse_official(news)
    with pytest.raises(OfficialError, match=r"notes\.docx: unknown file type"):
        parse_official(tmp_path / "notes.docx")
    with pytest.raises(OfficialError, match="--kind 'memo' is not a kind of source"):
        official_kind(news, "memo")


def test_an_approval_for_a_foreign_buyer_becomes_the_stage_of_a_sale_and_a_domestic_award_does_not() -> None:
    entities = [{"id": "tw", "type": "State", "name": "Taiwan"}, {"id": "dos", "type": "GovernmentAgency", "name": "U.S. Department of State"},
                {"id": "rtx", "type": "Contractor", "name": "RTX"}, {"id": "army", "type": "GovernmentAgency", "name": "Army Contracting Command"}]
    approval = {"type": "SaleApproval", "id": "approval", "date": "2024-10-25", "evidence": "s1",
                "participants": [{"entity": "dos", "role": "approver"}, {"entity": "tw", "role": "buyer"}],
                "value": {"amount": 1160000000, "currency": "USD"}, "method": "parser:dsca", "confidence": 0.9}
    domestic = {"type": "ContractAward", "id": "award", "evidence": "s2",
                "participants": [{"entity": "rtx", "role": "contractor"}, {"entity": "army", "role": "buyer"}]}
    out_entities, events = with_sales(entities, [approval, domestic])
    sale = next(e for e in events if e["type"] == "ArmsSale")
    assert sale["id"] == f"{DERIVED_SALE}approval" and sale["status"] == "approved" and sale["value"] == approval["value"]
    seller = next(e for e in out_entities if e["name"] == "United States")
    assert {(p["entity"], p["role"]) for p in sale["participants"]} == {(seller["id"], "seller"), ("tw", "buyer")}
    assert next(e for e in events if e["id"] == "approval")["part_of"] == sale["id"]
    assert next(e for e in events if e["id"] == "award").get("part_of") is None  # the Army buys for itself: no sale


def _pdf(path: Path, text: str) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    pdf.add_page()
    pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def test_a_pdf_damaged_in_any_way_is_an_input_error_naming_it(tmp_path: Path) -> None:
    good = _pdf(tmp_path / "good.pdf", DSCA_BODY.replace("–", "-"))
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(good.read_bytes().replace(b"/FlateDecode", b"/FlrteDecode"))  # pypdf: NotImplementedError
    with pytest.raises(InputError, match=r"damaged\.pdf: cannot read the PDF \(NotImplementedError"):
        read_official(damaged)
    assert official_kind(damaged) is None  # recognising a folder's files never stops at a broken one


def test_the_cli_and_the_parsers_offer_the_same_kinds() -> None:
    from kg.cli.extract import KIND_CHOICES
    from loaders.official.kinds import CHOICES

    assert sorted(KIND_CHOICES) == sorted(CHOICES)


def test_a_header_kind_is_read_in_any_case_and_a_wrong_one_is_named_as_the_headers(tmp_path: Path) -> None:
    path = tmp_path / "release.txt"
    path.write_text("kind: DSCA\n\n" + DSCA_BODY, encoding="utf-8")
    assert parse_official(path).kind == "dsca"
    path.write_text("kind: memo\n\n" + DSCA_BODY, encoding="utf-8")
    with pytest.raises(OfficialError, match=r"release\.txt: its header's kind: 'memo' is not a kind of source"):
        parse_official(path)


def test_a_document_forced_into_the_wrong_kind_or_read_as_an_article_is_refused(tmp_path: Path) -> None:
    page = tmp_path / "2031-01-02-dod-contracts.txt"
    page.write_text("Contracts For Jan. 2, 2031\n\nARMY\n\n" + AWARD, encoding="utf-8")
    with pytest.raises(OfficialError, match="the dsca parser found no purchaser in it: is it a dsca at all") as refused:
        parse_official(page, "dsca")
    assert refused.value.problem
    with pytest.raises(OfficialError, match="--kind article: a news article is extracted, not parsed") as usage:
        parse_official(page, "article")
    assert not usage.value.problem


def test_the_content_hash_is_stable_and_follows_what_the_parser_made(tmp_path: Path, monkeypatch) -> None:
    page = tmp_path / "2031-01-02-dod-contracts.txt"
    page.write_text("Contracts For Jan. 2, 2031\n\nARMY\n\n" + AWARD, encoding="utf-8")
    first = parse_official(page).content_hash
    assert parse_official(page).content_hash == first
    from loaders.official import dod_contracts

    real = dod_contracts.parse

    def reads_more(text):  # a parser fixed to read one more detail from the same bytes
        parsed = real(text)
        parsed.events[0]["details"]["contract_type"] = "firm-fixed-price (read better)"
        return parsed

    monkeypatch.setattr(dod_contracts, "parse", reads_more)
    assert parse_official(page).content_hash != first
