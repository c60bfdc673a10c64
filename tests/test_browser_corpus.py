"""The corpus-sized desk in a real browser, as a new user meets it.

../shared/corpus (924 articles, 7 outlets) is imported with the management command while a
real Celery worker extracts and matches it. While the worker runs, the Operations page shows a
rate and an estimate; once the backlog is empty, the first queue page shows claims reported by
several outlets first with their reasons, a class of noise is cleared in one step and put back
in one step, and the charts of the desk, a claim and a speaker render with their text
equivalents. Slow (minutes): it is the whole product on real data.
"""
from __future__ import annotations

import re
import time

import pytest
from django.core.management import call_command
from django.db.models import Count, Q
from django.urls import reverse

from articles.models import Article
from claims.models import ArticleExtraction, Candidate, CandidateStatus, Claim, ExtractionStatus
from tests.test_browser import chromium, new_page, shoot, sign_in  # noqa: F401  (chromium is a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.needs_shared, pytest.mark.django_db(transaction=True)]

WORK_TIMEOUT_SECONDS = 40 * 60
BULK_TIMEOUT_MS = 120_000


def wait_for(condition, *, timeout: float, what: str, every: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def extracted() -> int:
    return ArticleExtraction.objects.filter(status=ExtractionStatus.DONE).count()


def backlog_empty(article_count: int) -> bool:
    settled = ArticleExtraction.objects.filter(status__in=[ExtractionStatus.DONE, ExtractionStatus.FAILED]).count()
    return settled == article_count and not Candidate.objects.filter(matched_at__isnull=True).exists()


def test_a_new_user_works_the_corpus_desk(shared_dir, live_server, chromium, celery_worker, editor):  # noqa: F811
    base = live_server.url
    errors: list[str] = []
    page = new_page(chromium, errors)
    sign_in(page, base, editor)

    corpus = shared_dir / "corpus" / "polnear-articles.jsonl"
    call_command("import_articles", str(corpus), verbosity=0)
    article_count = Article.objects.count()
    assert article_count == len(corpus.read_text(encoding="utf-8").splitlines())

    # While the worker runs: a rate in articles a minute and an estimate to an empty backlog.
    wait_for(lambda: extracted() >= 32, timeout=WORK_TIMEOUT_SECONDS, what="the worker to extract 32 articles")
    page.goto(f"{base}{reverse('claims:operations')}")
    rate = float(page.locator("[data-rate]").inner_text())
    assert rate > 0
    # Still work left after the page was read, so it had a backlog to estimate (924 articles
    # against 32 done: a worker that empties it within one page load fails here, not silently).
    assert extracted() < article_count, "the worker emptied the backlog before the page was read"
    assert re.search(r"about \d+ (minute|hour)", page.locator("[data-eta]").inner_text())
    shoot(page, "operations-corpus")

    wait_for(lambda: backlog_empty(article_count), timeout=WORK_TIMEOUT_SECONDS, what="extraction and matching to finish",
             every=2)

    # The first queue page: claims several outlets reported come first, each with its reason.
    page.goto(f"{base}{reverse('claims:queue')}")
    rows = page.locator("[data-keyboard-list] [data-row]")
    reasons = [rows.nth(i).locator("[data-reasons]").inner_text() for i in range(rows.count())]
    assert all(reasons), "a row without its reason"
    multi = [bool(re.search(r"reported by \d+ outlets", text)) for text in reasons]
    assert multi[0], reasons[:10]
    # Each row leads with its editorial value, and the page follows it.
    values = [float(rows.nth(i).locator("[data-reasons] .value").inner_text()) for i in range(rows.count())]
    assert values == sorted(values, reverse=True)
    first_claim = int(rows.first.get_attribute("id").removeprefix("claim-row-"))
    shoot(page, "queue-corpus")

    # A class of noise cleared in one step, and put back in one step.
    noisiest = (
        Candidate.objects.pending().filter(speaker__isnull=True).values("article__outlet_id", "article__outlet__name")
        .annotate(n=Count("pk")).order_by("-n").first()
    )
    outlet_id, outlet_name = noisiest["article__outlet_id"], noisiest["article__outlet__name"]
    unattributed = Q(article__outlet_id=outlet_id, speaker__isnull=True)
    pending_before = set(Candidate.objects.pending().filter(unattributed).values_list("pk", flat=True))
    page.goto(f"{base}{reverse('claims:queue')}?tab=candidates&outlet={outlet_id}")
    # A class decision and its undo touch thousands of rows at corpus scale (seconds each, in a
    # fixed number of statements: tests/test_bulk_decisions.py); on a loaded CI machine these two
    # requests get more than the pages' 15 s, so a slow run is not mistaken for a broken one.
    page.click("[data-class-decision=reject_unattributed]", timeout=BULK_TIMEOUT_MS)
    page.wait_for_selector(".msg-success", timeout=BULK_TIMEOUT_MS)
    message = page.locator(".messages").inner_text()
    cleared = int(re.search(r"Rejected (\d+) unattributed candidates? in", message).group(1))
    assert outlet_name in message
    assert cleared == len(pending_before) - Candidate.objects.pending().filter(unattributed).count() > 0
    assert Candidate.objects.filter(pk__in=pending_before, status=CandidateStatus.REJECTED).count() == cleared
    page.click("[data-undo-bulk]", timeout=BULK_TIMEOUT_MS)
    page.wait_for_selector(".msg-success", timeout=BULK_TIMEOUT_MS)
    assert set(Candidate.objects.pending().filter(unattributed).values_list("pk", flat=True)) == pending_before

    # The three charts, each with its text equivalent.
    speaker_id = Claim.objects.filter(speaker__isnull=False).annotate(outlets=Count("citations__article__outlet",
                                                                                  distinct=True)).order_by(
        "-outlets", "pk").values_list("speaker_id", flat=True).first()
    for name, url in (("dashboard", reverse("claims:dashboard")), ("claim", reverse("claims:claim", args=[first_claim])),
                      ("speaker", reverse("claims:speaker", args=[speaker_id]))):
        page.goto(f"{base}{url}")
        chart = page.locator("[data-chart]").first
        assert chart.locator("svg").count() == 1, f"no chart on the {name} page"
        assert chart.locator("table").count() == 1, f"the {name} chart has no text equivalent"
        shoot(page, f"chart-{name}-corpus")

    assert errors == [], errors
    page.context.close()
