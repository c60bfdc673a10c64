"""The fact-checks linked to exported claims, as schema.org ``ClaimReview`` nodes for the JSON-LD export."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from claims.factchecks.models import FactCheckLink


def claim_review_node(factcheck) -> dict:
    """One fact-check as schema.org ``ClaimReview`` (without ``@context``), empty values left out."""
    rating = {
        "@type": "Rating", "alternateName": factcheck.rating, "ratingValue": factcheck.rating_value,
        "bestRating": factcheck.best_rating, "worstRating": factcheck.worst_rating,
    }
    author = {"@type": "Organization", "name": factcheck.fact_checker, "url": factcheck.fact_checker_url}
    node = {
        "@type": "ClaimReview",
        "url": factcheck.url,
        "headline": factcheck.headline,
        "claimReviewed": factcheck.claim_reviewed,
        "datePublished": factcheck.published.isoformat() if factcheck.published else None,
        "inLanguage": factcheck.language,
        "author": _drop_empty(author) if factcheck.fact_checker else None,
        "reviewRating": _drop_empty(rating) if factcheck.rating or factcheck.rating_value is not None else None,
    }
    return _drop_empty(node)


def linked_claim_reviews(claim_ids: Sequence[int]) -> dict[int, list[dict]]:
    """Each claim's confirmed fact-checks as ClaimReview nodes (one query for the whole batch)."""
    reviews: dict[int, list[dict]] = defaultdict(list)
    links = (FactCheckLink.objects.filter(claim_id__in=list(claim_ids)).confirmed().select_related("factcheck")
             .defer("factcheck__embedding").order_by("claim_id", "-score", "id"))
    for link in links:
        reviews[link.claim_id].append(claim_review_node(link.factcheck))
    return reviews


def _drop_empty(node: dict) -> dict:
    return {key: value for key, value in node.items() if value not in (None, "", [])}
