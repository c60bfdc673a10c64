"""Fetching over real HTTP from a loopback server in a thread: pages, feeds, redirects, limits,
SSRF refusals, and feed polling with ETag / Last-Modified.

Loopback is a private address, so every fetch that should succeed passes ``allow_private``
(True, or just the loopback network); the same fetches with the default are refused.
"""
import http.server
import threading
import time
from pathlib import Path

import pytest

from articles import services
from articles.fetching import FetchRefused, check_url, fetch_url, redact_url
from articles.models import Article, Feed, Outlet

FIXTURES = Path(__file__).parent / "fixtures"
PAGE = (FIXTURES / "page_ted-cruz-heckler.html").read_bytes()
FEED = (FIXTURES / "feed_rss.xml").read_text()
LOOPBACK = ["127.0.0.0/8"]
SECRET = "hunter2-s3cret"


def feed_with(entries: int) -> bytes:
    """The RSS fixture with only its first ``entries`` items, as a feed looks before it grows."""
    head, _, rest = FEED.partition("  <item>")
    items = ("  <item>" + rest).split("</item>")[:-1]
    return (head + "</item>".join(items[:entries]) + "</item>\n</channel>\n</rss>\n").encode()


class DeskSite(http.server.BaseHTTPRequestHandler):
    """A small news site with the answers a fetcher meets in the wild."""

    feed_body = feed_with(2)
    feed_etag = '"feed-v1"'
    feed_modified = "Mon, 04 Jul 2016 12:00:00 GMT"
    seen = []

    def do_GET(self):
        type(self).seen.append((self.path, dict(self.headers)))
        path = self.path
        if path == "/news/cruz":
            self.reply(200, PAGE, "text/html; charset=utf-8")
        elif path == "/feed.xml":
            if self.headers.get("If-None-Match") == self.feed_etag:
                self.send_response(304)
                self.send_header("ETag", self.feed_etag)
                self.end_headers()
                return
            self.reply(200, self.feed_body, "application/rss+xml", {"ETag": self.feed_etag, "Last-Modified": self.feed_modified})
        elif path == "/corpus.jsonl":
            self.reply(200, (FIXTURES / "corpus_slice.jsonl").read_bytes(), "application/x-ndjson")
        elif path == "/host":
            self.reply(200, self.headers.get("Host", "").encode(), "text/plain")
        elif path.startswith("/hop/"):
            left = int(path.rsplit("/", 1)[1])
            self.redirect(f"/hop/{left - 1}" if left > 1 else "/news/cruz")
        elif path == "/loop":
            self.redirect("/loop")
        elif path == "/to-metadata":
            self.redirect("http://169.254.169.254/latest/meta-data/")
        elif path == "/to-intranet":
            self.redirect("http://10.20.30.40/admin")
        elif path == "/to-credentials":
            self.redirect(f"http://editor:{SECRET}@127.0.0.1:{self.server.server_address[1]}/news/cruz")
        elif path == "/to-ftp":
            self.redirect("ftp://files.example/article.txt")
        elif path == "/big":
            self.reply(200, PAGE * 50, "text/html")
        elif path == "/big-stream":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()  # no Content-Length: the cap must hold while streaming
            for _ in range(50):
                self.wfile.write(PAGE)
            self.close_connection = True
        elif path == "/drip":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            try:
                for _ in range(200):  # a byte at a time, each well within the read timeout
                    self.wfile.write(b"<")
                    self.wfile.flush()
                    time.sleep(0.1)
            except OSError:
                pass  # the fetcher hung up, as it should
        elif path == "/photo.jpg":
            self.reply(200, b"\xff\xd8\xff\xe0" + b"\x00" * 500, "image/jpeg")
        elif path == "/untyped":
            self.reply(200, PAGE, None)
        else:
            self.reply(404, b"not found", "text/plain")

    def reply(self, status, body, content_type, headers=None):
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location):
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def site():
    DeskSite.feed_body, DeskSite.feed_etag, DeskSite.seen = feed_with(2), '"feed-v1"', []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), DeskSite)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def fetch(url, allow_private=True, max_bytes=1_000_000, **kwargs):
    return fetch_url(url, allow_private=allow_private, timeout=5, max_bytes=max_bytes, **kwargs)


def test_a_page_is_fetched_when_private_addresses_are_allowed(site):
    resource = fetch(f"{site}/news/cruz")
    assert resource.status == 200 and resource.body == PAGE
    assert resource.content_type.startswith("text/html") and not resource.not_modified


def test_allowing_only_the_loopback_network_is_enough(site):
    assert fetch(f"{site}/news/cruz", allow_private=LOOPBACK).body == PAGE


def test_the_same_page_is_refused_by_default(site):
    with pytest.raises(FetchRefused, match="loopback address"):
        fetch(f"{site}/news/cruz", allow_private=False)
    assert DeskSite.seen == []  # refused before any connection


def test_the_host_name_is_kept_on_the_pinned_connection(site):
    port = site.rsplit(":", 1)[1]
    assert fetch(f"http://localhost:{port}/host").body == f"localhost:{port}".encode()


def test_a_redirect_chain_is_followed(site):
    resource = fetch(f"{site}/hop/4")
    assert resource.final_url == f"{site}/news/cruz" and resource.body == PAGE
    assert [p for p, _ in DeskSite.seen] == ["/hop/4", "/hop/3", "/hop/2", "/hop/1", "/news/cruz"]


def test_too_many_redirects_are_refused(site):
    with pytest.raises(FetchRefused, match="too many redirects"):
        fetch(f"{site}/loop")
    assert len(DeskSite.seen) == 6  # the first request and five redirects, no more


@pytest.mark.parametrize(
    "path, reason",
    [("/to-metadata", "169.254.169.254: it is a link-local address"), ("/to-intranet", "10.20.30.40: it is a private address"),
     ("/to-ftp", "only http and https")],
)
def test_a_redirect_into_a_private_address_is_refused(site, path, reason):
    with pytest.raises(FetchRefused, match=reason):
        fetch(f"{site}{path}", allow_private=LOOPBACK)


@pytest.mark.parametrize("path", ["/big", "/big-stream"])
def test_an_oversized_body_is_refused(site, path):
    with pytest.raises(FetchRefused, match="over the 100,000-byte limit"):
        fetch(f"{site}{path}", max_bytes=100_000)


@pytest.mark.parametrize("path, reason", [("/photo.jpg", "image/jpeg, not a web page"), ("/untyped", "did not say what type")])
def test_a_wrong_content_type_is_refused(site, path, reason):
    with pytest.raises(FetchRefused, match=reason):
        fetch(f"{site}{path}")


def test_a_body_dripped_slowly_is_cut_off_at_the_deadline(site):
    with pytest.raises(FetchRefused, match="too slowly"):
        fetch_url(f"{site}/drip", allow_private=True, timeout=0.5, max_bytes=1_000_000)


def test_an_error_status_is_refused(site):
    with pytest.raises(FetchRefused, match="404"):
        fetch(f"{site}/gone")


def test_a_conditional_request_gets_not_modified(site):
    first = fetch(f"{site}/feed.xml")
    assert first.etag == '"feed-v1"' and first.last_modified == DeskSite.feed_modified
    again = fetch(f"{site}/feed.xml", etag=first.etag, last_modified=first.last_modified)
    assert again.not_modified and again.body == b""
    assert DeskSite.seen[-1][1]["If-None-Match"] == '"feed-v1"'


@pytest.mark.parametrize(
    "url, reason",
    [
        ("http://10.0.0.8/", "private"),
        ("http://172.16.5.4/", "private"),
        ("http://192.168.1.1/", "private"),
        ("http://127.0.0.1/", "loopback"),
        ("http://127.8.9.10:8080/", "loopback"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://0.0.0.0/", "unspecified"),
        ("http://100.64.1.1/", "shared"),
        ("http://224.0.0.1/", "multicast"),
        ("http://[::1]/", "loopback"),
        ("http://[::ffff:127.0.0.1]/", "loopback"),
        ("http://[::ffff:10.0.0.1]/", "private"),
        ("http://[fe80::1]/", "link-local"),
        ("http://[fc00::5]/", "private"),
        ("http://[2002:7f00:1::]/", "loopback"),  # 6to4 wrapping 127.0.0.1
        ("http://localhost/", "loopback"),
        ("http://2130706433/", "loopback"),  # 127.0.0.1 written as one number
        ("ftp://example.com/a.txt", "only http and https"),
        ("file:///etc/passwd", "only http and https"),
        ("gopher://example.com/", "only http and https"),
        ("javascript:alert(1)", "only http and https"),
        ("http://user:secret@example.com/", "user name or password"),
        ("http:///no-host", "no host name"),
        ("http://no-such-host.invalid/", "could not be found"),
    ],
)
def test_check_url_refuses(url, reason):
    with pytest.raises(FetchRefused, match=reason):
        check_url(url, allow_private=False)


@pytest.mark.parametrize("url", ["http://93.184.215.14/", "https://[2606:4700:4700::1111]/dns-query", "http://8.8.8.8:8080/feed"])
def test_check_url_accepts_public_addresses(url):
    check_url(url, allow_private=False)


def test_allow_private_lets_private_addresses_through():
    check_url("http://10.0.0.8/", allow_private=True)
    check_url("http://10.1.2.3/", allow_private=["10.1.0.0/16"])
    with pytest.raises(FetchRefused, match="private"):
        check_url("http://10.2.0.1/", allow_private=["10.1.0.0/16"])


# --- URL credentials are never shown or logged ------------------------------------------------


@pytest.mark.parametrize("url, shown", [
    (f"https://editor:{SECRET}@news.example/story", "https://***@news.example/story"),
    (f"http://{SECRET}@news.example:8080/a?b=c@d", "http://***@news.example:8080/a?b=c@d"),
    ("https://news.example/people/@desk", "https://news.example/people/@desk"),  # an @ in the path is no password
])
def test_redact_url_hides_the_user_name_and_password(url, shown):
    assert redact_url(url) == shown


@pytest.mark.parametrize("path", [f"http://editor:{SECRET}@{{host}}/news/cruz", f"http://editor:{SECRET}@{{host}}:99999/news/cruz"])
def test_a_url_with_a_password_is_refused_without_repeating_it(site, caplog, path):
    url = path.format(host=site.removeprefix("http://").split(":")[0])
    caplog.set_level("DEBUG")
    with pytest.raises(FetchRefused) as refused:
        fetch(url)
    assert SECRET not in str(refused.value) and SECRET not in caplog.text
    assert "fetch of http://***@" in caplog.text  # the refusal is logged, with the password hidden


def test_a_redirect_to_a_url_with_a_password_is_refused_without_repeating_it(site, caplog):
    caplog.set_level("DEBUG")
    with pytest.raises(FetchRefused, match="user name or password") as refused:
        fetch(f"{site}/to-credentials")
    assert SECRET not in str(refused.value) and SECRET not in caplog.text
    assert "following a redirect to http://***@127.0.0.1" in caplog.text


@pytest.mark.django_db
def test_the_fetch_task_never_logs_or_returns_the_password(site, settings, caplog):
    from articles.tasks import fetch_url as fetch_task

    settings.FACTDESK_FETCH_ALLOW_PRIVATE = True
    caplog.set_level("DEBUG")
    host = site.removeprefix("http://")
    outcomes = fetch_task(f"http://editor:{SECRET}@{host}/news/cruz") + fetch_task(f"{site}/to-credentials")
    assert [o["status"] for o in outcomes] == ["failed", "failed"]
    assert SECRET not in caplog.text and SECRET not in repr(outcomes)
    assert f"import of http://***@{host}/news/cruz failed" in caplog.text
    assert not Article.objects.exists()


# --- through the service --------------------------------------------------------------------


@pytest.mark.django_db
def test_fetch_and_import_refuses_loopback_by_default_and_imports_when_allowed(site, settings):
    [refused] = services.fetch_and_import(f"{site}/news/cruz")
    assert refused.failed and "loopback" in refused.reason and not Article.objects.exists()
    settings.FACTDESK_FETCH_ALLOW_PRIVATE = True
    [outcome] = services.fetch_and_import(f"{site}/hop/2", outlet="USA Today")
    article = Article.objects.get(pk=outcome.article_id)
    assert outcome.status == "created" and article.outlet.name == "USA Today"
    # The final URL after the redirects; the page's canonical link names another site, so it is not taken.
    assert article.url == f"{site}/news/cruz"
    assert "Texas Sen. Ted Cruz has made no secret" in article.text


@pytest.mark.django_db
def test_a_fetched_json_lines_file_imports_each_article_on_its_own(site, settings):
    settings.FACTDESK_FETCH_ALLOW_PRIVATE = True
    outcomes = services.fetch_and_import(f"{site}/corpus.jsonl")
    assert [o.status for o in outcomes] == ["created"] * 3
    # The file's address is not its articles' address: they keep their own identities.
    assert sorted(Article.objects.values_list("url", flat=True)) == ["", "", ""]
    assert Article.objects.values("external_id").distinct().count() == 3


@pytest.mark.django_db
def test_feed_polling_honours_etag_and_imports_only_new_entries(site, settings):
    settings.FACTDESK_FETCH_ALLOW_PRIVATE = True
    outlet = Outlet.objects.create(name="Campaign Desk")
    feed = Feed.objects.create(url=f"{site}/feed.xml", outlet=outlet)

    first = services.poll_feed(feed)
    assert [o.status for o in first] == ["created", "created"]
    feed.refresh_from_db()
    assert feed.etag == '"feed-v1"' and feed.entries_imported == 2 and feed.last_error == ""

    assert services.poll_feed(feed) == []  # 304: nothing new
    assert DeskSite.seen[-1][1].get("If-None-Match") == '"feed-v1"'
    assert DeskSite.seen[-1][1].get("If-Modified-Since") == DeskSite.feed_modified
    assert Article.objects.count() == 2

    DeskSite.feed_body, DeskSite.feed_etag = feed_with(3), '"feed-v2"'
    feed.refresh_from_db()
    third = services.poll_feed(feed)
    assert [o.status for o in third] == ["created"]
    assert Article.objects.count() == 3
    assert Article.objects.get(pk=third[0].article_id).external_id == "wash-post_2016-07-03_trump-tweet-that-blasts-clinton-"
    feed.refresh_from_db()
    assert feed.etag == '"feed-v2"' and feed.entries_imported == 3


@pytest.mark.django_db
def test_feed_polling_holds_each_entry_to_the_article_size_limit(site, settings):
    settings.FACTDESK_FETCH_ALLOW_PRIVATE = True
    settings.FACTDESK_MAX_ARTICLE_BYTES = 1200  # the first entry's text is 1.5 kB, the second's 1.1 kB
    feed = Feed.objects.create(url=f"{site}/feed.xml", outlet=Outlet.objects.create(name="Campaign Desk"))
    oversized, imported = services.poll_feed(feed)
    assert oversized.failed and "entry 1" in oversized.source and "over the 1.2 kB limit for one article" in oversized.reason
    assert imported.status == "created" and Article.objects.count() == 1
    feed.refresh_from_db()
    assert "over the 1.2 kB limit" in feed.last_error


@pytest.mark.django_db
def test_feed_polling_records_a_refusal(site):
    outlet = Outlet.objects.create(name="Campaign Desk")
    feed = Feed.objects.create(url=f"{site}/feed.xml", outlet=outlet)
    [outcome] = services.poll_feed(feed)
    feed.refresh_from_db()
    assert outcome.failed and "loopback" in feed.last_error and feed.last_polled_at is not None
    assert not Article.objects.exists()


@pytest.mark.worker
def test_beat_task_polls_registered_feeds_through_the_worker(celery_worker, site, settings):
    """What Celery beat runs every FACTDESK_FEED_POLL_SECONDS: queue a poll of each active feed."""
    from articles.tasks import poll_due_feeds

    settings.FACTDESK_FETCH_ALLOW_PRIVATE = True  # only tests may reach loopback
    outlet = Outlet.objects.create(name="Campaign Desk")
    Feed.objects.create(url=f"{site}/feed.xml", outlet=outlet)
    Feed.objects.create(url=f"{site}/paused.xml", outlet=outlet, active=False)
    poll_due_feeds.delay()
    deadline = time.monotonic() + 60
    while Article.objects.count() < 2 and time.monotonic() < deadline:
        time.sleep(0.25)
    assert sorted(Article.objects.values_list("outlet__name", flat=True)) == ["Campaign Desk", "Campaign Desk"]
    assert "/paused.xml" not in [path for path, _ in DeskSite.seen]
    feed = Feed.objects.get(url=f"{site}/feed.xml")
    while feed.last_polled_at is None and time.monotonic() < deadline:
        time.sleep(0.25)
        feed.refresh_from_db()
    assert feed.etag == '"feed-v1"' and feed.entries_imported == 2
