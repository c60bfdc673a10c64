"""The desk's own check in a real browser (Chromium through Playwright): a claim taken from "to check" to a
published verdict with an assignee and a note, an illegal move refused on the page, the mention on the
colleague's "For me" page, and the verdict in the JSON-LD export."""
from __future__ import annotations

import json

import pytest
from django.urls import reverse

from claims.checking.models import CheckState, DeskCheck
from claims.models import ClaimStatus, FactCheck
from tests.conftest import _user
from tests.factories import CitationFactory
from tests.test_browser import chromium, new_page, shoot, sign_in  # noqa: F401  (chromium is a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_claim_is_checked_to_a_published_verdict_that_the_export_carries(live_server, chromium, editor, django_user_model):
    second = _user(django_user_model, "sam-second", "editor")
    claim = CitationFactory(claim__status=ClaimStatus.CONFIRMED).claim
    claim_url = live_server.url + reverse("claims:claim", args=[claim.pk])
    errors: list[str] = []

    page = new_page(chromium, errors)
    sign_in(page, live_server.url, editor)
    page.goto(claim_url)
    panel = page.locator("#desk-check")
    assert "Not taken up for checking" in panel.inner_text()
    panel.locator("select[name=assignee]").select_option("eddie-editor")
    panel.locator("button", has_text="Take up for checking").click()
    page.wait_for_selector(".msg-success")
    assert page.locator("#check-state").inner_text().casefold() == "to check"  # styled in capitals
    assert page.locator("#check-assignee").inner_text() == "eddie-editor"

    page.locator("#desk-check button", has_text="Start checking").click()
    page.wait_for_selector("#check-state:text('In progress')")
    page.fill("#desk-check input[name=verdict]", "False")
    page.fill("#desk-check textarea[name=explanation]", "The plan halves it over eight years, not four.")
    page.locator("#desk-check button", has_text="Draft verdict").click()
    page.wait_for_selector("#check-state:text('Verdict drafted')")

    # The drafter may not sign off their own verdict: refused, with the reason, nothing changed.
    page.locator("#desk-check button", has_text="Approve verdict").click()
    refusal = page.wait_for_selector(".msg-error")
    assert "another editor" in refusal.inner_text().casefold()
    assert page.locator("#check-state").inner_text().casefold() == "verdict drafted"
    shoot(page, "desk-check-refused", full_page=True)

    page.fill("#desk-check textarea[name=text]", "Sources in the 2019 budget; @sam-second please approve <b>today</b>")
    page.locator("#desk-check button", has_text="Add note").click()
    page.wait_for_selector(".msg-success")
    assert "please approve <b>today</b>" in page.locator("#desk-check .notes").inner_text()

    colleague = new_page(chromium, errors)
    sign_in(colleague, live_server.url, second)
    colleague.goto(live_server.url + reverse("claims:for-me"))
    told = colleague.locator("#my-notifications")
    assert "1 unread" in told.inner_text().casefold() and "mentioned you" in told.inner_text().casefold()
    told.locator("a", has_text=f"claim {claim.pk}").click()
    colleague.locator("#desk-check button", has_text="Approve verdict").click()
    colleague.wait_for_selector("#check-state:text('Approved')")
    colleague.locator("#desk-check button", has_text="Publish verdict").click()
    colleague.wait_for_selector("#check-state:text('Published')")
    assert "locked until reopened" in colleague.locator("#desk-check").inner_text().casefold()
    assert colleague.locator("#desk-check input[name=verdict]").count() == 0  # locked: no draft form
    shoot(colleague, "desk-check-published", full_page=True)

    check = DeskCheck.objects.get(claim=claim)
    assert check.state == CheckState.PUBLISHED and check.assignee == editor and check.published_by == second
    assert FactCheck.objects.get(pk=check.factcheck_id).rating == "False"

    export = colleague.request.get(live_server.url + "/api/v1/exports/claims.jsonld")
    assert export.ok
    graph = json.loads(export.text())["@graph"]
    [node] = [n for n in graph if n.get("text") == claim.text or n.get("claimReviewed") == claim.text]
    claim_node = node.get("itemReviewed", node)
    [review] = [r for r in claim_node["review"] if r["author"]["name"] == "FactDesk"]
    assert review["reviewRating"]["alternateName"] == "False" and review["claimReviewed"] == claim.text
    assert not [e for e in errors if "favicon" not in e], errors
