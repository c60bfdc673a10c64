"""JSON-LD appearances: one per citation, with its article's URL and headline, the quoted words and
their offsets, so two appearances in one outlet (even in one article) can be told apart."""
import json

import pytest

from claims import exports
from claims.models import ClaimStatus
from tests.factories import ArticleFactory, CitationFactory, ClaimFactory, OutletFactory

pytestmark = pytest.mark.django_db

TEXT = (
    "\u201cWe will cut the deficit by half,\u201d Rivers said on Monday.\n"
    "Later she repeated: we will cut the deficit by half within four years."
)


def jsonld_graph():
    return json.loads("".join(exports.stream("jsonld")))["@graph"]


def test_two_citations_in_one_article_are_two_appearances_with_their_quotes_and_offsets():
    claim = ClaimFactory(status=ClaimStatus.CONFIRMED, text="We will cut the deficit by half")
    article = ArticleFactory(outlet=OutletFactory(name="Daily Example"), text=TEXT, title="Rivers promises cuts",
                             url="https://daily.example/rivers")
    spans = [(1, 32), (TEXT.index("we will"), TEXT.index(" within"))]
    citations = [CitationFactory(claim=claim, article=article, start=s, end=e, quote=TEXT[s:e]) for s, e in spans]

    (node,) = jsonld_graph()
    appearances = node["appearance"]

    assert len(appearances) == 2
    for appearance, citation, (start, end) in zip(appearances, citations, spans):
        assert appearance["url"] == "https://daily.example/rivers"
        assert appearance["headline"] == "Rivers promises cuts"
        quotation = appearance["hasPart"]
        assert quotation["@type"] == "Quotation" and quotation["text"] == TEXT[start:end]
        assert quotation["url"] == f"https://daily.example/rivers#char={start},{end}"
        identifier, offsets = quotation["identifier"]
        assert identifier == f"factdesk:citation:{citation.pk}"
        assert (offsets["minValue"], offsets["maxValue"]) == (start, end)
    assert appearances[0]["hasPart"] != appearances[1]["hasPart"]
    assert node["firstAppearance"] == appearances[0]
