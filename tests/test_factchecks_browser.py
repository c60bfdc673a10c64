"""The claim page's "Previously fact-checked" panel in a real browser (Chromium through Playwright).

A sample article goes through the real extraction and matching; a fact-checker's page reviewing
one of its claims is imported with ``import_factchecks`` and linked; the editor sees the panel on
the claim page (checker, rating, date, link) and confirms the link from it.
"""
from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles import services as article_services
from claims import services
from claims.models import Claim, FactCheckLink, LinkState
from claims.tasks import extract_and_store
from tests.test_browser import chromium, new_page, shoot, sign_in  # noqa: F401  (chromium is a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.needs_shared, pytest.mark.django_db(transaction=True)]


def review_page(*, claim_text: str) -> str:
    review = {
        "@context": "https://schema.org", "@type": "ClaimReview",
        "url": "https://checks.example.org/2025/02/reviewed", "datePublished": "2025-02-14",
        "headline": "What the record shows", "claimReviewed": claim_text,
        "author": {"@type": "Organization", "name": "Example Fact Check"},
        "reviewRating": {"@type": "Rating", "alternateName": "Misleading", "ratingValue": 2, "bestRating": 5},
    }
    return f"""<!doctype html><html><head><title>Fact check</title>
<script type="application/ld+json">{json.dumps(review)}</script></head><body><p>Our check.</p></body></html>"""


def test_an_imported_and_linked_fact_check_shows_on_the_claim_page(live_server, shared_dir, chromium, editor, tmp_path):
    manifest = json.loads((shared_dir / "samples" / "manifest.json").read_text())
    entry = manifest["articles"][0]
    [outcome] = article_services.import_path(shared_dir / "samples" / entry["file"], outlet=entry["outlet"])
    new_ids = extract_and_store([outcome.article_id], force=True)
    services.propose_matches(candidate_ids=new_ids)
    claim = Claim.objects.filter(citations__isnull=False).order_by("id").first()
    assert claim is not None

    page_file = tmp_path / "review.html"
    page_file.write_text(review_page(claim_text=claim.text), encoding="utf-8")
    call_command("import_factchecks", str(page_file), "--link-now")
    link = FactCheckLink.objects.get(claim=claim)
    assert link.state == LinkState.SUGGESTED

    errors: list[str] = []
    page = new_page(chromium, errors)
    sign_in(page, live_server.url, editor)
    page.goto(live_server.url + reverse("claims:claim", args=[claim.pk]))
    panel = page.locator("#factchecks")
    assert panel.is_visible(), page.content()[:2000]
    text = panel.inner_text().casefold()  # the page's style sets some of it in capitals
    assert "previously fact-checked" in text and "example fact check" in text and "misleading" in text
    assert "14 feb 2025" in text and "suggested" in text
    assert panel.locator("a", has_text="Read the check").get_attribute("href") == "https://checks.example.org/2025/02/reviewed"
    shoot(page, "claim-factchecked", full_page=True)
    panel.locator("button", has_text="Confirm").click()
    page.wait_for_selector(".msg-success")
    assert "confirmed" in page.locator("#factchecks").inner_text().casefold()
    link.refresh_from_db()
    assert link.state == LinkState.CONFIRMED and link.decided_by == editor
    assert not [e for e in errors if "favicon" not in e], errors
