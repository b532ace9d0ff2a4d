"""The texts written for the deal gold (data/deals/texts): each is loaded as the extractor's annotation beside it.
No engine needed."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.cli.engine import DEAL_TEXTS, SAMPLE_CORPUS
from loaders.extraction.article import read_article
from loaders.extraction.document import extract_document
from loaders.pipeline import expand

TEXTS = sorted(DEAL_TEXTS.glob("*.txt"))


def test_the_sample_corpus_loads_the_annotations_of_the_texts_not_the_texts() -> None:
    assert len(TEXTS) == 6 and DEAL_TEXTS in SAMPLE_CORPUS
    # a .txt in a folder loads only when it is an official document: these are news-like texts, as data/articles
    assert expand([DEAL_TEXTS]) == [text.with_suffix(".yaml") for text in TEXTS]


@pytest.mark.parametrize("text", TEXTS, ids=lambda path: path.stem)
def test_each_annotation_is_what_the_extractor_makes_of_its_text(text: Path) -> None:
    annotation = text.with_suffix(".yaml")
    document = extract_document(text)
    document.annotation["article"]["text_file"] = text.name  # as `kg extract TEXT --out ANNOTATION` writes it, beside
    assert document.yaml() == annotation.read_text(encoding="utf-8"), (
        f"{annotation} is not the extractor's output for {text}: run `kg extract {text} --out {annotation}`, "
        "then check the text's claims in data/deals/gold.yaml")


@pytest.mark.parametrize("text", TEXTS, ids=lambda path: path.stem)
def test_each_text_is_short_dated_and_says_where_its_facts_come_from(text: Path) -> None:
    article = read_article(text)
    assert 150 <= len(article.body.split()) <= 400, f"{text}: {len(article.body.split())} words"
    assert article.date and article.title
    assert article.metadata["provenance"].startswith("written for the project")
    assert "http" in article.metadata["retrieved-from"]
