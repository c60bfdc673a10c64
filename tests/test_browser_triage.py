"""The triage desk in a real browser: claims by editorial value with their reasons, a keyboard
decision that moves the cursor and the counter, and a class decision undone in one step.

Built from factories (no extraction), so it runs in seconds; the sample walk-through is
``test_browser.py``. Screenshots at 1440 px and 390 px go to var/screenshots/.
"""
from __future__ import annotations

import pytest
from django.urls import reverse

from claims.models import Candidate, CandidateStatus, Claim, ClaimStatus, SpeakerRole
from tests.factories import ArticleFactory, CandidateFactory, CitationFactory, ClaimFactory, OutletFactory, SpeakerFactory
from tests.test_browser import chromium, new_page, shoot, sign_in  # noqa: F401  (chromium is a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def proposed(article, speaker, **extra):
    candidate = CandidateFactory(article=article, speaker=speaker, **extra)
    claim = ClaimFactory(speaker=speaker, text=candidate.text)
    CitationFactory(claim=claim, article=article, candidate=candidate, start=candidate.start, end=candidate.end)
    candidate.claim = claim
    candidate.save()
    return candidate, claim


@pytest.fixture
def triage_desk():
    minister = SpeakerFactory(name="Jane Rivers")
    SpeakerRole.objects.create(speaker=minister, role="finance minister", normalized="finance minister")
    ledger, post, wire = (OutletFactory(name=name) for name in ("Morning Ledger", "Evening Post", "Noisy Wire"))
    candidate, widely = proposed(ArticleFactory(outlet=ledger), minister)
    CitationFactory(claim=widely, article=ArticleFactory(outlet=post))
    loose = [proposed(ArticleFactory(outlet=wire), None, speaker_text="", cue="thinks")[0] for _ in range(3)]
    return {"widely": widely, "wire": wire, "loose": loose}


def test_editor_triages_claims_and_undoes_a_class_decision(live_server, chromium, editor, triage_desk):  # noqa: F811
    base = live_server.url
    errors: list[str] = []
    page = new_page(chromium, errors)
    sign_in(page, base, editor)

    page.goto(f"{base}{reverse('claims:queue')}")
    first = page.locator("[data-keyboard-list] [data-row]").first
    assert first.get_attribute("id") == f"claim-row-{triage_desk['widely'].pk}"
    assert "reported by 2 outlets" in first.locator("[data-reasons]").inner_text()
    assert "Morning Ledger" in first.inner_text() and "Evening Post" in first.inner_text()
    assert "unattributed" in page.locator("[data-keyboard-list] [data-row]").last.inner_text()
    shoot(page, "queue-claims")
    phone = page.context.browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1).new_page()
    phone.context.add_cookies(page.context.cookies())
    phone.goto(f"{base}{reverse('claims:queue')}")
    shoot(phone, "queue-claims-phone")
    phone.context.close()

    # A keyboard decision: the row changes in place, the counter drops, the cursor moves on.
    before = int(page.locator("[data-queue-count]").inner_text())
    page.keyboard.press("j")
    page.keyboard.press("c")
    page.wait_for_selector(f"#claim-row-{triage_desk['widely'].pk} .st-confirmed")
    assert Claim.objects.get(pk=triage_desk["widely"].pk).status == ClaimStatus.CONFIRMED
    assert int(page.locator("[data-queue-count]").inner_text()) == before - 1
    assert "is-current" in page.locator("[data-keyboard-list] [data-row]").nth(1).get_attribute("class")

    # A class of noise cleared in one step, and put back in one step.
    page.goto(f"{base}{reverse('claims:queue')}?tab=candidates&outlet={triage_desk['wire'].pk}")
    page.click("[data-class-decision=reject_unattributed]")
    page.wait_for_selector(".msg-success")
    assert "Rejected 3 unattributed candidates in Noisy Wire" in page.locator(".messages").inner_text()
    assert set(Candidate.objects.filter(pk__in=[c.pk for c in triage_desk["loose"]]).values_list("status", flat=True)) == {
        CandidateStatus.REJECTED}
    page.click("[data-undo-bulk]")
    page.wait_for_selector(".msg-success")
    assert page.locator("[data-keyboard-list] [data-row]").count() == 3
    assert set(Candidate.objects.filter(pk__in=[c.pk for c in triage_desk["loose"]]).values_list("status", flat=True)) == {
        CandidateStatus.PENDING}
    assert errors == [], errors
    page.context.close()
