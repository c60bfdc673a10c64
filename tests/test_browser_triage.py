"""The triage desk in a real browser: claims by editorial value with their reasons, a keyboard
decision that moves the cursor and the counter, and a class decision undone in one step.

Built from factories (no extraction), so it runs in seconds; the sample walk-through is
``test_browser.py``. Screenshots at 1440 px and 390 px go to var/screenshots/.
"""
from __future__ import annotations

import pytest
from django.urls import reverse

from claims.models import Candidate, CandidateStatus, Claim, ClaimStatus, SpeakerRole
from claims.services.triage import refresh_all
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
    refresh_all()  # rows made by factories, around the services: scored as manage.py refresh_triage does
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


def test_feedback_sidebar_and_merge_results_stay_in_view(live_server, chromium, editor):  # noqa: F811
    """Feedback after a decision far down the article is visible, the sticky sidebar starts below
    the top bar, and the speaker-merge results are scrolled into view."""
    from tests.factories import SAMPLE_TEXT

    base = live_server.url
    errors: list[str] = []
    page = new_page(chromium, errors)
    sign_in(page, base, editor)
    filler = "\n".join(f"Paragraph {n} of background that nobody quotes at all." for n in range(80))
    article = ArticleFactory(text=filler + "\n" + SAMPLE_TEXT)
    candidate, _ = proposed(article, SpeakerFactory(name="Jane Rivers"))
    SpeakerFactory(name="Jane Rivers-Smith")
    for n in range(40):
        proposed(ArticleFactory(), SpeakerFactory(name="Jane Rivers"))  # a long speaker page

    page.goto(f"{base}{reverse('claims:article', args=[article.pk])}?c={candidate.pk}#cand-{candidate.pk}")
    page.locator(f"#cand-{candidate.pk}").scroll_into_view_if_needed()
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    topbar = page.locator(".topbar").bounding_box()
    sidebar = page.locator(".sidebar").bounding_box()
    assert sidebar["y"] >= topbar["y"] + topbar["height"], (sidebar, topbar)
    page.locator("[data-cand-panel]:not([hidden]) [data-key=r]").click()
    page.wait_for_selector("#flash .msg")
    box = page.locator("#flash .msg").first.bounding_box()
    assert topbar["height"] <= box["y"] <= 900 - box["height"], box
    assert Candidate.objects.get(pk=candidate.pk).status == CandidateStatus.REJECTED

    page.goto(f"{base}{reverse('claims:speaker', args=[candidate.speaker_id])}")
    page.fill("#merge-q", "Rivers")
    page.click("#merge-q + button")
    page.wait_for_selector("#merge-results")
    box = page.locator("#merge-results").bounding_box()
    assert topbar["height"] <= box["y"] <= 900 - 20, box
    assert errors == [], errors
    page.context.close()


def test_confirmed_and_pending_highlights_differ_and_name_the_speaker(live_server, chromium, editor):  # noqa: F811
    from claims import services

    base = live_server.url
    errors: list[str] = []
    page = new_page(chromium, errors)
    sign_in(page, base, editor)
    rivers = SpeakerFactory(name="Jane Rivers")
    pending, _ = proposed(ArticleFactory(), rivers)
    confirmed, _ = proposed(ArticleFactory(), rivers)
    services.confirm_candidate(candidate_id=confirmed.pk, actor=editor)
    styles = {}
    for candidate in (pending, confirmed):
        page.goto(f"{base}{reverse('claims:article', args=[candidate.article_id])}")
        mark = page.locator(f'mark[data-cand="{candidate.pk}"]').first
        styles[candidate.status if candidate is pending else "confirmed"] = mark.evaluate(
            "m => { const s = getComputedStyle(m); return [s.borderBottomStyle, s.boxShadow, s.backgroundImage] }")
        label = mark.evaluate("m => getComputedStyle(m, '::before').content")
        assert label == '"Jane Rivers"', label
        assert "Jane Rivers" in mark.get_attribute("title")
    assert styles["pending"] != styles["confirmed"], styles
    assert styles["pending"][0] == "dashed" and styles["confirmed"][0] != "dashed"
    # The label is not part of the text a reader selects and cites.
    assert "Jane Rivers" not in page.locator("#article-text").inner_text().split("\n")[1][:12]
    assert errors == [], errors
    page.context.close()
