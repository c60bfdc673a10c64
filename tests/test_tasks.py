"""Tasks: queued only after commit, run by a real Celery worker on the configured broker."""
import time

import pytest
from django.db import transaction

from articles import services as article_services
from articles.importers import parse_text
from articles.models import Article
from claims.models import ArticleExtraction, Candidate, ExtractionStatus
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
