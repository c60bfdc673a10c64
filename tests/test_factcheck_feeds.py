"""Fact-checkers' feeds, polled like the article feeds: a DataFeed, an RSS feed of fact-check pages,
conditional GETs, idempotent and versioned re-import, the same SSRF refusals, failures recorded on
the feed, the beat schedule and a real worker.

A real HTTP server on loopback serves the fixtures; loopback is private, so fetches that should
succeed run with ``FACTDESK_FETCH_ALLOW_PRIVATE`` (as tests/test_fetching.py does).
"""
import http.server
import json
import threading
import time
from pathlib import Path

import pytest
from django.urls import reverse

from claims.factchecks import feeds, tasks
from claims.factchecks.models import FactCheck, FactCheckFeed
from claims.factchecks.parsing import feed_entries
from articles.importers.base import ImportRejected

FIXTURES = Path(__file__).parent / "fixtures" / "factchecks"
DATAFEED = json.loads((FIXTURES / "datafeed.json").read_text())


def rss(*paths, updated="Thu, 14 Mar 2024 10:00:00 GMT") -> bytes:
    """An RSS feed listing the site's pages, newest first, as fact-checkers publish them."""
    items = "".join(
        f"<item><title>Check {number}</title><link>{{site}}{path}</link><guid>{{site}}{path}</guid>"
        f"<pubDate>{updated}</pubDate></item>"
        for number, path in enumerate(reversed(paths), 1)
    )
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Harbour Fact Check</title>'
            f"<link>{{site}}/</link>{items}</channel></rss>").encode()


class CheckerSite(http.server.BaseHTTPRequestHandler):
    """A fact-checker's site: review pages, a DataFeed, an RSS feed of its checks, and some breakage."""

    datafeed = DATAFEED
    rss_body = b""
    etag = '"v1"'
    seen: list = []

    def do_GET(self):
        type(self).seen.append((self.path, self.headers.get("If-None-Match")))
        site = f"http://127.0.0.1:{self.server.server_address[1]}"
        pages = {
            "/checks/budget": "jsonld_page.html",
            "/checks/microdata": "microdata_page.html",
            "/checks/two": "two_reviews_page.html",
        }
        if self.path in ("/datafeed.json", "/rss.xml") and self.headers.get("If-None-Match") == self.etag:
            self.send_response(304)
            self.send_header("ETag", self.etag)
            self.end_headers()
        elif self.path == "/datafeed.json":
            self.reply(json.dumps(self.datafeed).encode(), "application/ld+json", {"ETag": self.etag})
        elif self.path == "/rss.xml":
            self.reply(self.rss_body.replace(b"{site}", site.encode()), "application/rss+xml", {"ETag": self.etag})
        elif self.path in pages:
            self.reply((FIXTURES / pages[self.path]).read_bytes(), "text/html; charset=utf-8")
        elif self.path == "/checks/about-us":
            self.reply(b"<html><body><h1>About us</h1><p>We check claims.</p></body></html>", "text/html")
        elif self.path == "/broken.xml":
            self.reply(b'<?xml version="1.0"?><rss version="2.0"><channel><item><title>Cut', "application/rss+xml")
        elif self.path == "/photo.jpg":
            self.reply(b"\xff\xd8\xff\xe0" + b"\x00" * 100, "image/jpeg")
        else:
            self.reply(b"not found", "text/plain", status=404)

    def reply(self, body, content_type, headers=None, status=200):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def site():
    CheckerSite.datafeed, CheckerSite.rss_body, CheckerSite.etag, CheckerSite.seen = DATAFEED, b"", '"v1"', []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), CheckerSite)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def fetched(path):
    return [seen for seen in CheckerSite.seen if seen[0] == path]


# --- reading a feed (pure) --------------------------------------------------------------------------

def test_an_rss_or_atom_feed_gives_its_pages_oldest_first_and_anything_else_is_read_for_records():
    body = rss("/a", "/b").replace(b"{site}", b"https://checker.example")
    assert [entry.url for entry in feed_entries(body, content_type="application/rss+xml")] == [
        "https://checker.example/a", "https://checker.example/b"]
    atom = (b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Checks</title>'
            b'<entry><title>One</title><link href="https://checker.example/one"/><updated>2024-03-14T10:00:00Z</updated>'
            b"<id>1</id></entry></feed>")
    [entry] = feed_entries(atom, content_type="application/atom+xml")
    assert entry.url == "https://checker.example/one" and "2024-03-14" in entry.key
    assert feed_entries(json.dumps(DATAFEED).encode(), content_type="application/json") is None
    assert feed_entries((FIXTURES / "jsonld_page.html").read_bytes(), content_type="text/html") is None
    with pytest.raises(ImportRejected, match="cut off"):
        feed_entries(b'<?xml version="1.0"?><rss version="2.0"><channel><item><title>Cut', content_type="text/xml")


# --- polling ------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_datafeed_is_imported_then_a_304_changes_nothing_and_a_changed_rating_is_a_new_version(site, settings):
    settings.FACTDESK_FETCH_ALLOW_PRIVATE = True
    feed = FactCheckFeed.objects.create(url=f"{site}/datafeed.json", name="Harbour Fact Check")

    first = feeds.poll_factcheck_feed(feed)
    assert sorted(o.status for o in first) == ["created", "created", "failed"]  # one review has no claimReviewed
    feed.refresh_from_db()
    assert feed.records_imported == 2 and feed.etag == '"v1"' and feed.last_polled_at
    assert "datafeed.json, review 3: claimReviewed is missing" in feed.last_error

    assert feeds.poll_factcheck_feed(feed) == []  # 304
    assert fetched("/datafeed.json")[-1] == ("/datafeed.json", '"v1"')
    feed.refresh_from_db()
    assert feed.last_error == ""

    changed = json.loads(json.dumps(DATAFEED))
    next(_reviews(changed))["reviewRating"]["alternateName"] = "Pants on fire"
    CheckerSite.datafeed, CheckerSite.etag = changed, '"v2"'
    third = feeds.poll_factcheck_feed(feed)
    assert sorted(o.status for o in third) == ["failed", "unchanged", "updated"]
    updated = FactCheck.objects.get(pk=next(o.factcheck_id for o in third if o.status == "updated"))
    assert updated.rating == "Pants on fire" and updated.version == 2 and updated.history[0]["rating"] == "False"
    assert FactCheck.objects.count() == 2
    feed.refresh_from_db()
    assert feed.records_imported == 3 and feed.etag == '"v2"'


def _reviews(node):
    if isinstance(node, dict):
        if node.get("@type") == "ClaimReview":
            yield node
        for value in node.values():
            yield from _reviews(value)
    elif isinstance(node, list):
        for value in node:
            yield from _reviews(value)


@pytest.mark.django_db
def test_an_rss_feed_of_fact_check_pages_reads_each_new_page_once_and_retries_what_failed(site, settings):
    settings.FACTDESK_FETCH_ALLOW_PRIVATE = True
    CheckerSite.rss_body = rss("/checks/budget", "/checks/microdata", "/checks/about-us", "/checks/gone", "/checks/two")
    feed = FactCheckFeed.objects.create(url=f"{site}/rss.xml")

    outcomes = feeds.poll_factcheck_feed(feed)
    assert sum(o.status == "created" for o in outcomes) == 4  # one review, one in microdata, a page with two
    assert sorted(FactCheck.objects.values_list("source_format", flat=True)) == ["html"] * 4
    feed.refresh_from_db()
    assert "/checks/gone" in feed.last_error and "404" in feed.last_error
    assert "/checks/about-us" in feed.last_error and "ClaimReview" in feed.last_error
    assert feed.records_imported == 4 and feed.etag == ""  # a page is owed: the next poll asks in full

    CheckerSite.seen = []
    assert [o.status for o in feeds.poll_factcheck_feed(feed)] == ["failed"]
    assert [path for path, _ in CheckerSite.seen] == ["/rss.xml", "/checks/gone"]  # only the page that failed
    feed.refresh_from_db()
    assert "/checks/about-us" not in feed.last_error and FactCheck.objects.count() == 4

    CheckerSite.rss_body = rss("/checks/budget", "/checks/microdata", "/checks/two")
    CheckerSite.seen = []
    assert feeds.poll_factcheck_feed(feed) == []  # every entry read before: no page fetched
    assert [path for path, _ in CheckerSite.seen] == ["/rss.xml"]
    feed.refresh_from_db()
    assert feed.etag == '"v1"' and feed.last_error == ""
    CheckerSite.rss_body = rss("/checks/budget", "/checks/microdata", "/checks/two", updated="Fri, 15 Mar 2024 09:00:00 GMT")
    CheckerSite.etag = '"v2"'
    assert sorted(o.status for o in feeds.poll_factcheck_feed(feed)) == ["unchanged"] * 4  # re-dated: read, idempotent


@pytest.mark.django_db
def test_loopback_is_refused_unless_configured_and_the_refusal_is_recorded(site):
    feed = FactCheckFeed.objects.create(url=f"{site}/datafeed.json")
    [outcome] = feeds.poll_factcheck_feed(feed)
    feed.refresh_from_db()
    assert outcome.status == "failed" and "loopback" in feed.last_error and feed.last_polled_at is not None
    assert not FactCheck.objects.exists() and CheckerSite.seen == []


@pytest.mark.django_db
@pytest.mark.parametrize("path, reason", [
    ("/broken.xml", "cut off"),
    ("/photo.jpg", "image/jpeg"),
    ("/nothing-here", "404"),
])
def test_a_bad_feed_is_recorded_on_the_feed_and_the_task_returns(site, settings, path, reason):
    settings.FACTDESK_FETCH_ALLOW_PRIVATE = True
    feed = FactCheckFeed.objects.create(url=f"{site}{path}")
    assert tasks.poll_factcheck_feed(feed.pk) == {"records": 1, "stored": 0}
    feed.refresh_from_db()
    assert reason in feed.last_error and feed.last_polled_at is not None and not FactCheck.objects.exists()


@pytest.mark.django_db
def test_a_server_that_is_gone_is_recorded_and_an_inactive_feed_is_not_polled(settings):
    settings.FACTDESK_FETCH_ALLOW_PRIVATE = True
    server = http.server.HTTPServer(("127.0.0.1", 0), CheckerSite)
    port = server.server_address[1]
    server.server_close()  # nothing listens there any more
    feed = FactCheckFeed.objects.create(url=f"http://127.0.0.1:{port}/datafeed.json")
    paused = FactCheckFeed.objects.create(url=f"http://127.0.0.1:{port}/other.json", active=False)
    tasks.poll_factcheck_feed(feed.pk)
    assert tasks.poll_factcheck_feed(paused.pk) == {"records": 0}
    feed.refresh_from_db()
    paused.refresh_from_db()
    assert feed.last_error and feed.last_polled_at is not None and paused.last_polled_at is None


# --- registration, schedule, worker -----------------------------------------------------------------

def test_beat_polls_the_fact_check_feeds_on_the_fetch_queue(settings):
    from factdesk.celery import app

    scheduled = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled["claims.poll_due_factcheck_feeds"] == float(settings.FACTDESK_FEED_POLL_SECONDS)
    app.loader.import_default_modules()
    assert {"claims.poll_due_factcheck_feeds", "claims.poll_factcheck_feed"} <= set(app.tasks)
    for name in ("claims.poll_due_factcheck_feeds", "claims.poll_factcheck_feed"):
        assert settings.CELERY_TASK_ROUTES[name] == {"queue": "fetch"}


@pytest.mark.django_db
def test_only_active_feeds_not_polled_lately_are_due(settings):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    every = settings.FACTDESK_FEED_POLL_SECONDS
    never = FactCheckFeed.objects.create(url="https://a.example/feed.json")
    long_ago = FactCheckFeed.objects.create(url="https://b.example/feed.json", last_polled_at=now - timedelta(seconds=every))
    FactCheckFeed.objects.create(url="https://c.example/feed.json", last_polled_at=now - timedelta(seconds=5))
    FactCheckFeed.objects.create(url="https://d.example/feed.json", active=False)
    assert set(FactCheckFeed.objects.due(now=now, every_seconds=every)) == {never, long_ago}


@pytest.mark.django_db
def test_the_admin_registers_a_feed_refusing_private_addresses(client, desk_admin, settings):
    settings.FACTDESK_FETCH_ALLOW_PRIVATE = False
    client.force_login(desk_admin)
    url = reverse("admin:claims_factcheckfeed_add")
    refused = client.post(url, {"url": "http://127.0.0.1:8000/feed.json", "name": "Local", "active": "on"})
    assert refused.status_code == 200 and "loopback" in refused.content.decode()
    assert not FactCheckFeed.objects.exists()
    # A public name that does not resolve here is refused too, so register by a literal public address.
    client.post(url, {"url": "https://93.184.215.14/feed.json", "name": "Harbour Fact Check", "active": "on"})
    assert FactCheckFeed.objects.get().name == "Harbour Fact Check"
    changelist = client.get(reverse("admin:claims_factcheckfeed_changelist")).content.decode()
    assert "Harbour Fact Check" in changelist and "Poll now" in changelist


@pytest.mark.worker
def test_beat_task_polls_a_registered_feed_through_the_worker_and_links_what_it_stored(celery_worker, site, settings):
    """What Celery beat runs every FACTDESK_FEED_POLL_SECONDS: a poll of each due feed, then linking."""
    settings.FACTDESK_FETCH_ALLOW_PRIVATE = True  # only tests may reach loopback
    CheckerSite.rss_body = rss("/checks/budget", "/checks/two")
    FactCheckFeed.objects.create(url=f"{site}/rss.xml")
    FactCheckFeed.objects.create(url=f"{site}/paused.xml", active=False)
    assert tasks.poll_due_factcheck_feeds.delay() is not None
    deadline = time.monotonic() + 90
    while FactCheck.objects.filter(linked_at__isnull=False).count() < 3 and time.monotonic() < deadline:
        time.sleep(0.25)
    assert FactCheck.objects.filter(linked_at__isnull=False).count() == 3  # stored, then compared with the claims
    assert "/paused.xml" not in [path for path, _ in CheckerSite.seen]
    feed = FactCheckFeed.objects.get(url=f"{site}/rss.xml")
    assert feed.records_imported == 3 and feed.last_error == ""
