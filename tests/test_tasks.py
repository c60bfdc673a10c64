"""Tasks: queued only after commit, run by a real Celery worker on the configured broker; one
article that is too long, too slow or kills its worker holds up no other; webhook retries."""
import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from articles import services as article_services
from articles.importers import parse_text
from articles.models import Article
from claims import services
from claims.models import ArticleExtraction, Candidate, ExtractionStatus
from claims.tasks import extract_and_store
from factdesk.celery import app
from tests.conftest import serving_page

NEWS = (
    "The mayor, Ann Cole, opened the new bridge on Friday.\n"
    "\u201cThis bridge will carry 40,000 cars a day,\u201d Cole said. \u201cIt was finished on time.\u201d\n"
    "She added that the city would build two more bridges by 2030.\n"
)


def queue_length(name):
    with app.connection_for_write() as conn:
        return conn.default_channel.queue_declare(queue=name, durable=True, auto_delete=False).message_count


def purge(name):
    with app.connection_for_write() as conn:
        conn.default_channel.queue_declare(queue=name, durable=True, auto_delete=False)
        conn.default_channel.queue_purge(name)


def wait_for(condition, timeout=120, interval=0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return False


@pytest.mark.django_db
def test_extraction_is_queued_only_after_the_import_commits(django_capture_on_commit_callbacks):
    purge("extract")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            outcomes = article_services.import_articles([parse_text(NEWS, name="bridge.txt")], source="bridge.txt")
        # Inside the test's transaction nothing is on the broker yet.
        assert queue_length("extract") == 0
    assert outcomes[0].status == "created"
    assert len(callbacks) == 1
    assert queue_length("extract") == 1
    assert ArticleExtraction.objects.get(article_id=outcomes[0].article_id).status == ExtractionStatus.QUEUED
    purge("extract")


@pytest.mark.django_db
def test_unchanged_reimport_queues_nothing(django_capture_on_commit_callbacks):
    article_services.import_articles([parse_text(NEWS, name="bridge.txt")], source="bridge.txt")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        outcomes = article_services.import_articles([parse_text(NEWS, name="bridge.txt")], source="bridge.txt")
    assert outcomes[0].status == "unchanged"
    assert callbacks == []


@pytest.mark.worker
def test_worker_extracts_and_matches_an_imported_article(celery_worker):
    outcomes = article_services.import_articles([parse_text(NEWS, name="bridge.txt", outlet="City Times")], source="bridge.txt")
    article_id = outcomes[0].article_id
    assert wait_for(lambda: ArticleExtraction.objects.filter(article_id=article_id, status=ExtractionStatus.DONE).exists())
    assert wait_for(lambda: not Candidate.objects.filter(article_id=article_id, matched_at__isnull=True).exists())
    quotes = Candidate.objects.filter(article_id=article_id, kind="direct")
    assert quotes.count() >= 2
    assert {c.speaker.name for c in quotes if c.speaker} == {"Ann Cole"}
    assert all(c.claim_id for c in quotes)


@pytest.mark.worker
def test_running_extraction_twice_gives_the_same_rows(celery_worker):
    from claims.tasks import extract_articles

    outcomes = article_services.import_articles([parse_text(NEWS, name="bridge.txt")], source="bridge.txt")
    article_id = outcomes[0].article_id
    assert wait_for(lambda: ArticleExtraction.objects.filter(article_id=article_id, status=ExtractionStatus.DONE).exists())
    assert wait_for(lambda: not Candidate.objects.filter(article_id=article_id, matched_at__isnull=True).exists())
    before = sorted(Candidate.objects.filter(article_id=article_id).values_list("pk", "kind", "start", "end"))
    extract_articles.delay([article_id], force=True)
    time.sleep(0.5)
    assert wait_for(lambda: ArticleExtraction.objects.filter(article_id=article_id, status=ExtractionStatus.DONE).exists())
    after = sorted(Candidate.objects.filter(article_id=article_id).values_list("pk", "kind", "start", "end"))
    assert before == after


BRIDGE_PAGE = (
    "<html><head><title>Bridge opens</title></head><body><article><h1>Bridge opens</h1>"
    + "".join(f"<p>{line}</p>" for line in NEWS.splitlines())
    + "</article></body></html>"
).encode()


@pytest.fixture
def loopback_page():
    with serving_page(BRIDGE_PAGE) as url:
        yield f"{url}/news/bridge"


@pytest.mark.worker
def test_worker_fetches_a_url_from_a_loopback_server_when_allowed(celery_worker, loopback_page, settings):
    from articles.tasks import fetch_url

    settings.FACTDESK_FETCH_ALLOW_PRIVATE = True  # only tests may reach loopback
    fetch_url.delay(loopback_page, "Loopback News")
    assert wait_for(lambda: Article.objects.filter(url=loopback_page).exists(), timeout=60)
    article = Article.objects.get(url=loopback_page)
    assert "40,000 cars" in article.text and article.outlet.name == "Loopback News"


def test_fetching_loopback_is_refused_by_default(db, loopback_page):
    outcomes = article_services.fetch_and_import(loopback_page)
    assert outcomes[0].failed
    assert not Article.objects.exists()


def import_quietly(*texts):
    """Import articles without queueing anything (outside a committed transaction); return their ids."""
    parsed = [parse_text(text, name=f"article-{n}.txt", outlet="City Times") for n, text in enumerate(texts)]
    return [o.article_id for o in article_services.import_articles(parsed, source="test")]


def bridge_story(number):
    return NEWS.replace("bridge", f"bridge number {number}")


@pytest.mark.django_db
def test_an_article_too_long_to_extract_is_refused_with_the_reason_and_its_batch_is_extracted(settings):
    settings.FACTDESK_EXTRACTION_MAX_CHARS = 5000
    long_text = "\n".join(NEWS.replace("Cole", f"Cole{i}") for i in range(40))  # ~9,000 characters
    short_id, long_id = import_quietly(bridge_story(1), long_text)
    extract_and_store([short_id, long_id])
    refused = ArticleExtraction.objects.get(article_id=long_id)
    assert refused.status == ExtractionStatus.FAILED
    length = len(Article.objects.get(pk=long_id).text)
    assert f"{length:,} characters long" in refused.error and "5,000" in refused.error
    assert not Candidate.objects.filter(article_id=long_id).exists()
    assert ArticleExtraction.objects.get(article_id=short_id).status == ExtractionStatus.DONE
    assert Candidate.objects.filter(article_id=short_id, kind="direct").exists()


@pytest.mark.django_db
def test_an_article_whose_runs_were_cut_short_too_often_fails_with_the_reason_and_its_batch_is_extracted(settings):
    """What a worker killed by its hard time or memory limit leaves: rows still "running". The
    batch comes again; the article cut short FACTDESK_EXTRACTION_MAX_ATTEMPTS times is not tried
    again but fails with the reason, and the others are extracted."""
    ids = import_quietly(bridge_story(1), bridge_story(2), bridge_story(3))
    services.mark_extraction_queued(ids)
    ArticleExtraction.objects.filter(article_id__in=ids).update(status=ExtractionStatus.RUNNING, attempts=1)
    poison = ids[1]
    ArticleExtraction.objects.filter(article_id=poison).update(attempts=settings.FACTDESK_EXTRACTION_MAX_ATTEMPTS)
    extract_and_store(ids)
    failed = ArticleExtraction.objects.get(article_id=poison)
    assert failed.status == ExtractionStatus.FAILED and "3 runs were cut short" in failed.error
    for article_id in set(ids) - {poison}:
        extraction = ArticleExtraction.objects.get(article_id=article_id)
        assert extraction.status == ExtractionStatus.DONE and extraction.attempts == 2
    assert not Candidate.objects.filter(article_id=poison).exists()


@pytest.mark.django_db
def test_reconcile_queues_stuck_articles_one_by_one_and_once():
    """Articles left "running" by a killed worker come back each in its own message (so the one
    that killed it cannot take the others down again), and not again on the next reconcile."""
    from claims.tasks import reconcile_extraction

    ids = import_quietly(bridge_story(1), bridge_story(2), bridge_story(3))
    services.mark_extraction_queued(ids)
    long_ago = timezone.now() - timedelta(minutes=20)
    ArticleExtraction.objects.filter(article_id__in=ids).update(status=ExtractionStatus.RUNNING, attempts=1, updated_at=long_ago)
    purge("extract")
    assert reconcile_extraction.run() == 3
    assert queue_length("extract") == 3
    assert reconcile_extraction.run() == 0
    assert queue_length("extract") == 3
    purge("extract")


@pytest.mark.django_db
def test_imported_articles_are_queued_for_extraction_whatever_the_settings_say(settings, django_capture_on_commit_callbacks):
    """Import leads to extraction in code (ClaimsConfig.ready), not through a setting an operator could empty or re-route."""
    settings.FACTDESK_ARTICLE_CHANGED_HOOKS = []
    purge("extract")
    with django_capture_on_commit_callbacks(execute=True):
        (article_id,) = import_quietly(NEWS)
    assert ArticleExtraction.objects.get(article_id=article_id).status == ExtractionStatus.QUEUED
    assert queue_length("extract") == 1
    purge("extract")


@pytest.mark.django_db
def test_a_webhook_retry_longer_than_the_visibility_timeout_allows_is_sent_by_beat_not_held_as_a_countdown(
    settings, editor, django_capture_on_commit_callbacks
):
    """Redis hands a message held past its visibility timeout to a second worker, and a countdown
    message is held from the start: a long retry wait is left to deliver_due_webhooks instead."""
    from claims import webhooks
    from claims.models import ClaimStatus, DeliveryStatus, Webhook, WebhookDelivery
    from claims.tasks import deliver_due_webhooks
    from tests.factories import CitationFactory
    from tests.test_webhooks import SECRET, Receiver

    settings.FACTDESK_FETCH_ALLOW_PRIVATE = True
    settings.FACTDESK_WEBHOOK_BACKOFF_SECONDS = 3600
    claim = CitationFactory(claim__status=ClaimStatus.PROPOSED).claim
    with Receiver(codes=[500]) as receiver:
        Webhook.objects.create(name="CMS", url=receiver.url, secret=SECRET)
        with django_capture_on_commit_callbacks(execute=False):
            services.confirm_claim(claim_id=claim.pk, actor=editor)
        delivery = webhooks.create_deliveries("claim.confirmed", claim.pk)[0]
        purge("default")
        assert webhooks.deliver(delivery) == DeliveryStatus.RETRYING
    assert queue_length("default") == 0, "the hour-long wait must not be a countdown message"
    assert deliver_due_webhooks.run() == 0  # not due yet
    due_at = timezone.now() - timedelta(seconds=webhooks.longest_countdown() + 1)  # and no countdown message could be waiting
    WebhookDelivery.objects.filter(pk=delivery).update(next_attempt_at=due_at)
    assert deliver_due_webhooks.run() == 1
    assert queue_length("default") == 1
    purge("default")


def test_every_route_and_beat_entry_names_a_task_that_exists():
    from fnmatch import fnmatch

    from django.conf import settings

    app.loader.import_default_modules()
    tasks = {name for name in app.tasks if not name.startswith("celery.")}
    for pattern in settings.CELERY_TASK_ROUTES:
        assert any(fnmatch(name, pattern) for name in tasks), f"route {pattern!r} matches no task"
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in tasks, f"beat runs {entry['task']!r}, which is no task"
