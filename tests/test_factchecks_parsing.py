"""Reading fact-checks (no database): ClaimReview in JSON-LD, microdata and RDFa pages, a page with
two reviews, a DataFeed, plain JSON lines, and the clear refusals of bad records and bad inputs."""
import datetime as dt
import json
from pathlib import Path

import pytest

from articles.importers.base import ImportRejected, ParseFailure
from claims.factchecks.parsing import ParsedFactCheck, parse_factchecks

FIXTURES = Path(__file__).parent / "fixtures" / "factchecks"
TODAY = dt.date(2026, 1, 1)


def parsed(name: str):
    return parse_factchecks((FIXTURES / name).read_bytes(), name=name, today=TODAY)


def test_a_json_ld_page_gives_its_review_with_rating_checker_claimant_and_scale():
    [review] = parsed("jsonld_page.html")
    assert review.claim_reviewed == "The governor cut the state's school budget in half last year."
    assert review.rating == "False"
    assert review.rating_score == 0.0  # 1 on a 1–5 scale
    assert review.fact_checker == "Harbour Fact Check"
    assert review.claimant == "Dana Whitfield"
    assert review.headline == "No, the state did not cut its school budget by half"
    assert review.url == "https://factcheck.example.org/2024/03/school-budget-cut-in-half"
    assert review.published == dt.date(2024, 3, 14)
    assert review.language == "en"


def test_a_microdata_page_reads_the_same_fields():
    [review] = parsed("microdata_page.html")
    assert review.claim_reviewed == "Unemployment fell to its lowest level in fifty years this autumn."
    assert (review.rating, review.rating_score) == ("Mostly true", 0.75)
    assert review.fact_checker == "Riverside Truth Desk"
    assert review.claimant == "Marcus Oyelaran"
    assert review.published == dt.date(2023, 11, 8)


def test_a_page_with_two_reviews_gives_two_records():
    first, second = parsed("two_reviews_page.html")
    assert first.claim_reviewed.startswith("Crime in the capital")
    assert (first.rating, first.rating_score) == ("Pants on fire", None)  # no numbers published: no scale
    assert second.claim_reviewed == "The new bridge was finished under budget."
    assert second.rating_score == 0.5


def test_rdfa_markup_is_read_too():
    page = b"""<html><body vocab="https://schema.org/"><div typeof="ClaimReview">
      <a property="url" href="https://checks.example.org/river">x</a>
      <span property="claimReviewed">The river is the longest in the country.</span>
      <div property="reviewRating" typeof="Rating"><span property="alternateName">True</span></div>
      <div property="author" typeof="Organization"><span property="name">RDFa Checks</span></div>
    </div></body></html>"""
    [review] = parse_factchecks(page, name="page.html", today=TODAY)
    assert (review.claim_reviewed, review.rating, review.fact_checker) == (
        "The river is the longest in the country.", "True", "RDFa Checks")


def test_a_data_feed_gives_each_review_and_names_the_one_without_a_claim():
    first, second, bad = parsed("datafeed.json")
    assert first.claim_reviewed == "The vaccines contain microchips that track people."
    assert first.rating_score == 0.0
    assert second.rating == "Misleading"
    assert isinstance(bad, ParseFailure) and bad.where == "review 3" and "claimReviewed is missing" in bad.reason


def test_plain_json_lines_read_id_text_and_title():
    data = b'{"id": "7", "text": "Bridges cost more.", "title": "Do bridges cost more?", "rating": "True"}\n' \
           b'{"id": 8, "title": "no text"}\n'
    good, bad = parse_factchecks(data, name="library.jsonl", today=TODAY)
    assert (good.external_id, good.claim_reviewed, good.headline, good.rating) == ("7", "Bridges cost more.",
                                                                                  "Do bridges cost more?", "True")
    assert bad.where == "line 2" and '"text" is missing' in bad.reason


@pytest.mark.parametrize("review, reason", [
    ({"claimReviewed": "x", "datePublished": "1850-01-01"}, "before 1990"),
    ({"claimReviewed": "x", "datePublished": "2999-01-01"}, "in the future"),
    ({"claimReviewed": "x", "datePublished": "last Tuesday"}, "is not a date"),
    ({"claimReviewed": {"@type": "Claim"}}, "must be text"),
    ({"claimReviewed": "x", "reviewRating": {"ratingValue": "high"}}, "ratingValue must be a number"),
    ({"claimReviewed": "x", "reviewRating": 5}, "reviewRating must be a Rating"),
    ({"claimReviewed": "x", "url": "javascript:alert(1)"}, "not an http(s) URL"),
    ({"claimReviewed": "x" * 30_000}, "over 20,000 characters"),
])
def test_bad_reviews_are_refused_one_by_one_with_the_reason(review, reason):
    document = [{"@type": "ClaimReview", "claimReviewed": "A good one."}, {"@type": "ClaimReview", **review}]
    good, bad = parse_factchecks(json.dumps(document).encode(), name="reviews.json", today=TODAY)
    assert isinstance(good, ParsedFactCheck)
    assert isinstance(bad, ParseFailure) and bad.where == "review 2" and reason in bad.reason


@pytest.mark.parametrize("data, name, reason", [
    (b"<html><body><p>An article without markup.</p></body></html>", "page.html", "no schema.org ClaimReview"),
    (b'<html><script type="application/ld+json">{"@type": "ClaimReview", </script></html>', "p.html", "malformed"),
    (b'{"@type": "ClaimReview", "claimReviewed": ', "feed.json", "not valid JSON"),
    (b'{"@type": "NewsArticle", "headline": "x"}', "feed.json", "no ClaimReview"),
    (b"", "feed.json", "empty"),
])
def test_an_input_with_nothing_usable_is_refused_with_the_reason(data, name, reason):
    with pytest.raises(ImportRejected, match=reason):
        parse_factchecks(data, name=name, today=TODAY)


def test_a_huge_document_is_refused_before_it_is_parsed():
    with pytest.raises(ImportRejected, match="over the"):
        parse_factchecks(b"[" + b'{"id": 1, "text": "x"},' * 100_000 + b"{}]", name="big.json", max_bytes=1_000_000)


