"""Abuse: SSRF through URL and feed import, XSS in every field a page shows, CSRF on every
POST, sign-in throttling, and the security headers every page carries.

SSRF tests run real HTTP servers on loopback addresses and assert they never received a
request: a refusal must happen before any connection, not after.
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client, override_settings
from django.utils.html import escape
from rest_framework.authtoken.models import Token

from articles import services as article_services
from articles.models import Article, Feed, Outlet
from claims.models import Citation, SpeakerAlias
from tests.factories import CandidateFactory, ClaimFactory, SpeakerFactory
from tests.test_permissions_matrix import (  # noqa: F401 - desk is a fixture used below
    all_endpoints,
    build_url,
    desk,
    desk_rows,
    kwarg_names,
    object_for_kwarg,
    rule_for,
)

ARTICLE_HTML = (
    b"<!doctype html><html><head><title>Bridge opens</title></head><body><article>"
    b"<p>The mayor, Ann Cole, opened the new bridge on Friday after four years of work on the river crossing.</p>"
    b"<p>\xe2\x80\x9cThis bridge will carry 40,000 cars a day,\xe2\x80\x9d Cole said at the opening ceremony.</p>"
    b"<p>She added that the city would build two more bridges by 2030, paid for by the regional fund.</p>"
    b"</article></body></html>"
)
FEED_XML = (
    b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>City</title>'
    b"<item><title>Bridge opens</title><link>https://city.example/bridge</link><guid>bridge-1</guid>"
    b"<description>The mayor opened the bridge. &#8220;It carries 40,000 cars a day,&#8221; Cole said.</description>"
    b"</item></channel></rss>"
)


# --------------------------------------------------------------------------- loopback servers


class Recorder(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address):
        self.hits: list[str] = []
        super().__init__(address, Handler)

    @property
    def base(self):
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the http.server API
        self.server.hits.append(self.path)
        parts = urlsplit(self.path)
        if parts.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", parse_qs(parts.query)["to"][0])
            self.end_headers()
            return
        body, kind = (FEED_XML, "application/rss+xml") if parts.path == "/feed" else (ARTICLE_HTML, "text/html; charset=utf-8")
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@contextmanager
def serving(host="127.0.0.1"):
    server = Recorder((host, 0))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def loopback():
    with serving() as server:
        yield server


def refused_import(url):
    outcomes = article_services.fetch_and_import(url)
    assert len(outcomes) == 1 and outcomes[0].failed, outcomes
    assert not Article.objects.exists()
    return outcomes[0].reason


INTERNAL = [
    ("http://127.0.0.1:{port}/article", "loopback"),
    ("http://localhost:{port}/article", "loopback"),  # a host name that resolves to loopback
    ("http://127.1:{port}/article", "loopback"),
    ("http://2130706433:{port}/article", "loopback"),  # 127.0.0.1 written as one number
    ("http://[::1]:{port}/article", "loopback"),
    ("http://[::ffff:127.0.0.1]:{port}/article", "loopback"),  # IPv4-mapped IPv6
    ("http://[::ffff:7f00:1]:{port}/article", "loopback"),
    ("http://[2002:7f00:1::]:{port}/article", "loopback"),  # 6to4 wrapping 127.0.0.1
    ("http://0.0.0.0:{port}/article", "unspecified"),  # reaches this machine on Linux
    ("http://10.20.30.40/", "private"),
    ("http://172.16.0.1/", "private"),
    ("http://192.168.1.1/", "private"),
    ("http://[fd00::1]/", "private"),
    ("http://[::ffff:10.0.0.1]/", "private"),
    ("http://169.254.169.254/latest/meta-data/", "link-local"),  # cloud metadata service
    ("http://[fe80::1]/", "link-local"),
    ("http://100.64.0.1/", "shared"),
    ("http://224.0.0.1/", "multicast"),
    ("file:///etc/passwd", "only http and https"),
    ("gopher://127.0.0.1:{port}/_GET", "only http and https"),
    ("http://admin:secret@127.0.0.1:{port}/article", "user name or password"),
]


@pytest.mark.django_db
@override_settings(FACTDESK_FETCH_ALLOW_PRIVATE=False)
@pytest.mark.parametrize("template,reason", INTERNAL, ids=[t for t, _ in INTERNAL])
def test_url_import_refuses_internal_addresses_before_connecting(loopback, template, reason):
    url = template.format(port=loopback.server_address[1])
    assert reason in refused_import(url)
    assert loopback.hits == []


@pytest.mark.django_db
@override_settings(FACTDESK_FETCH_ALLOW_PRIVATE=True)
def test_the_same_server_imports_when_private_addresses_are_allowed(loopback):
    """The control for the refusals above: the server works, so they were the address check."""
    outcomes = article_services.fetch_and_import(f"{loopback.base}/article")
    assert [o.status for o in outcomes] == ["created"], outcomes
    assert loopback.hits == ["/article"]


@pytest.mark.django_db
@pytest.mark.parametrize("target", [
    "http://127.0.0.2:{inner}/secret",
    "http://[::1]:{inner}/secret",
    "http://[::ffff:127.0.0.2]:{inner}/secret",
    "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.1/",
])
def test_a_redirect_into_an_internal_address_is_refused(target):
    # Only the first server's own address is allowed: the redirect must be checked on its own.
    with serving("127.0.0.1") as outer, serving("127.0.0.2") as inner:
        with override_settings(FACTDESK_FETCH_ALLOW_PRIVATE=["127.0.0.1/32"]):
            destination = target.format(inner=inner.server_address[1])
            reason = refused_import(f"{outer.base}/redirect?to={destination}")
        assert outer.hits and outer.hits[0].startswith("/redirect"), "the first hop must have happened"
        assert inner.hits == []
        assert "refused to fetch" in reason, reason


@pytest.mark.django_db
@override_settings(FACTDESK_FETCH_ALLOW_PRIVATE=False)
def test_feed_polling_refuses_internal_addresses(loopback):
    outlet = Outlet.objects.create(name="City Times")
    feed = Feed.objects.create(url=f"{loopback.base}/feed", outlet=outlet)
    outcomes = article_services.poll_feed(feed)
    assert len(outcomes) == 1 and outcomes[0].failed
    feed.refresh_from_db()
    assert "loopback" in feed.last_error and feed.last_polled_at is not None
    assert loopback.hits == [] and not Article.objects.exists()


@pytest.mark.django_db
@override_settings(FACTDESK_FETCH_ALLOW_PRIVATE=["127.0.0.1/32"])
def test_a_feed_that_redirects_inside_is_refused_and_recorded():
    with serving("127.0.0.1") as outer, serving("127.0.0.2") as inner:
        outlet = Outlet.objects.create(name="City Times")
        feed = Feed.objects.create(url=f"{outer.base}/redirect?to=http://127.0.0.2:{inner.server_address[1]}/feed", outlet=outlet)
        outcomes = article_services.poll_feed(feed)
        assert len(outcomes) == 1 and outcomes[0].failed
        feed.refresh_from_db()
        assert "127.0.0.2" in feed.last_error and inner.hits == [] and outer.hits
        # The control: the same feed served from the allowed address imports its entry.
        feed.url = f"{outer.base}/feed"
        feed.save()
        assert [o.status for o in article_services.poll_feed(feed)] == ["created"]


def api_import_url(client, url):
    """POST ``url`` to the API's import; return the response and how many fetches it queued."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=False) as queued:
        response = client.post("/api/v1/articles/", {"source_url": url}, content_type="application/json")
    return response, len(queued)


@pytest.mark.django_db
@override_settings(FACTDESK_FETCH_ALLOW_PRIVATE=False)
@pytest.mark.parametrize("template,reason", INTERNAL, ids=[t for t, _ in INTERNAL])
def test_the_api_refuses_internal_addresses_before_queueing(loopback, editor_client, template, reason):
    response, queued = api_import_url(editor_client, template.format(port=loopback.server_address[1]))
    assert response.status_code == 400 and queued == 0
    # The Import screen's check says why; a URL Django cannot even parse is refused as invalid first.
    [message] = response.json()["source_url"]
    assert reason in message or message == "Enter a valid URL.", message
    assert loopback.hits == []


@pytest.mark.django_db
def test_the_api_honours_fetch_allow_private(loopback, editor_client):
    url = f"{loopback.base}/article"
    with override_settings(FACTDESK_FETCH_ALLOW_PRIVATE=["10.1.0.0/16"]):
        response, queued = api_import_url(editor_client, url)
        assert response.status_code == 400 and queued == 0
        assert api_import_url(editor_client, "http://10.1.2.3/news")[0].status_code == 202
    with override_settings(FACTDESK_FETCH_ALLOW_PRIVATE=True):
        response, queued = api_import_url(editor_client, url)
    assert response.status_code == 202 and queued == 1
    assert loopback.hits == []  # queued for the worker, not fetched by the web request


@pytest.mark.django_db
@override_settings(FACTDESK_FETCH_ALLOW_PRIVATE=True)
def test_url_credentials_are_refused_by_the_api_and_never_logged(loopback, editor_client, caplog):
    url = f"http://desk:s3cret-pass@127.0.0.1:{loopback.server_address[1]}/article"
    with caplog.at_level("DEBUG"):
        response, queued = api_import_url(editor_client, url)
    assert response.status_code == 400 and queued == 0
    assert "user name or password" in response.json()["source_url"][0]
    assert "s3cret-pass" not in response.content.decode()
    assert "s3cret-pass" not in caplog.text
    assert loopback.hits == []


# --------------------------------------------------------------------------- XSS


def attack(field: str) -> str:
    return f'<script>alert("{field}")</script><img src=x onerror=alert("{field}")>'


def seen_escaped(field: str) -> str:
    return escape(f'alert("{field}")')


@pytest.fixture
def hostile_desk(db, editor):
    """Every field a screen shows, filled with markup that would run if it were not escaped."""
    outlet = Outlet.objects.create(name=attack("outlet"))
    text = (
        f"{attack('text')} The minister spoke on Monday.\n"
        f"\u201cWe will {attack('quote')} cut the deficit by half,\u201d Rivers said.\n"
        "She added that schools would get more money."
    )
    outcome = article_services.import_articles(
        [article_services.ParsedArticle(text=text, title=attack("title"), byline=attack("byline"), outlet=outlet.name,
                                        url="https://news.example/hostile")],
        source="hostile",
    )[0]
    article = Article.objects.get(pk=outcome.article_id)
    speaker = SpeakerFactory(name=attack("speaker"))
    SpeakerAlias.objects.create(speaker=speaker, alias=attack("alias"), normalized="hostile alias")
    start = article.text.index("\u201cWe will")
    end = article.text.index("half,\u201d") + len("half,\u201d")
    candidate = CandidateFactory(article=article, speaker=speaker, start=start, end=end, speaker_text=attack("mention"))
    claim = ClaimFactory(speaker=speaker, text=attack("claim"), rating=attack("rating"), rating_explanation=attack("explanation"))
    Citation.objects.create(claim=claim, article=article, candidate=candidate, start=start, end=end,
                            quote=article.text[start:end], content_hash=article.content_hash)
    type(candidate).objects.filter(pk=candidate.pk).update(claim=claim)
    return {"article": article, "speaker": speaker, "claim": claim}


FIELDS = ["outlet", "text", "quote", "title", "byline", "speaker", "alias", "claim", "rating", "explanation"]


class ScriptFinder(HTMLParser):
    """What the CSP would block, as a browser's parser sees it: inline scripts and on* handlers."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        names = {name.lower() for name, _ in attrs}
        if tag == "script" and "src" not in names:
            self.found.append("an inline <script>")
        self.found.extend(f"an inline {name}= handler on <{tag}>" for name in names if name.startswith("on"))
        if any(name == "href" and (value or "").strip().lower().startswith("javascript:") for name, value in attrs):
            self.found.append(f"a javascript: link on <{tag}>")


def blocked_by_csp(html: str) -> list[str]:
    finder = ScriptFinder()
    finder.feed(html)
    finder.close()
    return finder.found


def test_every_field_is_escaped_on_every_page(client, hostile_desk, editor):
    client.force_login(editor)
    pages = [
        "/", "/queue/", "/queue/?kind=direct", f"/articles/{hostile_desk['article'].pk}/",
        f"/claims/{hostile_desk['claim'].pk}/", f"/speakers/{hostile_desk['speaker'].pk}/",
        "/search/?q=deficit", "/search/?q=" + attack("search"), "/ops/",
    ]
    shown = ""
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        html = response.content.decode()
        assert "<script>alert" not in html and "<img src=x onerror" not in html, f"unescaped markup on {page}"
        assert blocked_by_csp(html) == [], f"{page} holds what the CSP blocks (and what an injection would add)"
        shown += html
    # Each hostile field is really on some page, escaped: the checks above were not vacuous.
    missing = [field for field in FIELDS if seen_escaped(field) not in shown]
    assert not missing, f"these fields were not shown anywhere: {missing}"


def test_the_admin_escapes_them_too(client, hostile_desk, desk_admin):
    client.force_login(desk_admin)
    for page in ["/admin/claims/claim/", f"/admin/claims/claim/{hostile_desk['claim'].pk}/change/",
                 "/admin/articles/article/", "/admin/claims/speaker/"]:
        response = client.get(page)
        assert response.status_code == 200, page
        html = response.content.decode()
        assert "<script>alert" not in html and "<img src=x onerror" not in html, page
        assert blocked_by_csp(html) == [], page
        if page == "/admin/claims/claim/":
            assert seen_escaped("claim") in html


# --------------------------------------------------------------------------- CSRF


def post_endpoints():
    for endpoint in all_endpoints():
        rule = rule_for(endpoint)
        if rule and "POST" in rule.methods:
            yield pytest.param(endpoint, id=endpoint.key)


@pytest.mark.parametrize("endpoint", list(post_endpoints()))
def test_every_post_needs_a_csrf_token(endpoint, desk):
    rule = rule_for(endpoint)
    url = build_url(endpoint, {name: object_for_kwarg(endpoint, name, rule, desk) for name in kwarg_names(endpoint)})
    client = Client(enforce_csrf_checks=True)
    if endpoint.key != "login":
        client.force_login(desk["users"]["admin"])  # the most powerful session: still refused
    before = desk_rows()
    response = client.post(url, {})
    assert response.status_code == 403, f"{url}: {response.status_code}"
    assert desk_rows() == before


def test_a_post_with_its_csrf_token_is_let_through(desk):
    """The control for the test above: the 403 was the missing token, not the role."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(desk["users"]["editor"])
    client.get("/")
    token = client.cookies["csrftoken"].value
    claim = desk["objects"]["claim"]
    response = client.post(f"/claims/{claim.pk}/confirm/", {}, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == "confirmed"


def test_api_tokens_need_no_csrf_but_api_sessions_do(desk):
    claim = desk["objects"]["claim"]
    session = Client(enforce_csrf_checks=True)
    session.force_login(desk["users"]["editor"])
    assert session.post(f"/api/v1/claims/{claim.pk}/confirm/", {}, content_type="application/json").status_code == 403
    token = Token.objects.get(user=desk["users"]["editor"]).key
    tokened = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Token {token}")
    assert tokened.post(f"/api/v1/claims/{claim.pk}/confirm/", {}, content_type="application/json").status_code == 200


# --------------------------------------------------------------------------- sign-in throttling


def sign_in(client, username, password, address="198.51.100.7"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.fixture
def fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
@override_settings(FACTDESK_LOGIN_MAX_ATTEMPTS=3, FACTDESK_LOGIN_LOCKOUT_SECONDS=900)
def test_repeated_failures_lock_the_account_with_a_clear_page(client, editor, fresh_cache):
    for _ in range(2):
        response = sign_in(client, editor.username, "wrong-password")
        assert response.status_code == 200 and "Please enter a correct username and password" in response.content.decode()
    response = sign_in(client, editor.username, "wrong-password")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed sign-in attempts" in page and "try again in 15 minutes" in page
    assert 890 <= int(response["Retry-After"]) <= 900
    # The right password is not even checked while locked: a guess that lands teaches nothing.
    response = sign_in(client, editor.username, "desk-pass-123")
    assert response.status_code == 429 and "_auth_user_id" not in client.session
    # Other people, from the same address or another, still sign in.
    assert sign_in(Client(), "vera-viewer-other", "x").status_code == 200
    other = type(editor).objects.create_user("other-editor", password="desk-pass-456")
    assert sign_in(Client(), other.username, "desk-pass-456").status_code == 302
    assert sign_in(Client(), other.username, "desk-pass-456", address="203.0.113.50").status_code == 302


@pytest.mark.django_db
@override_settings(FACTDESK_LOGIN_MAX_ATTEMPTS=3)
def test_unknown_usernames_lock_alike_so_the_lock_reveals_nothing(client, fresh_cache):
    statuses = [sign_in(client, "nobody-here", "guess").status_code for _ in range(4)]
    assert statuses == [200, 200, 429, 429]


@pytest.mark.django_db
@override_settings(FACTDESK_LOGIN_MAX_ATTEMPTS=3)
def test_a_success_resets_the_count_but_an_empty_password_does_not(client, editor, fresh_cache):
    sign_in(client, editor.username, "wrong")
    sign_in(client, editor.username, "wrong")
    assert sign_in(client, editor.username, "desk-pass-123").status_code == 302
    client.logout()
    sign_in(client, editor.username, "wrong")
    sign_in(client, editor.username, "wrong")
    client.post("/accounts/login/", {"username": editor.username, "password": ""}, REMOTE_ADDR="198.51.100.7")
    assert sign_in(client, editor.username, "wrong").status_code == 429


@pytest.mark.django_db
@override_settings(FACTDESK_LOGIN_MAX_ATTEMPTS=50, FACTDESK_LOGIN_MAX_ATTEMPTS_PER_IP=4)
def test_one_address_trying_many_accounts_is_locked_out(client, editor, fresh_cache):
    for n in range(4):
        sign_in(client, f"guess-{n}", "guess", address="203.0.113.9")
    assert sign_in(Client(), editor.username, "desk-pass-123", address="203.0.113.9").status_code == 429
    assert sign_in(Client(), editor.username, "desk-pass-123", address="203.0.113.10").status_code == 302


@pytest.mark.django_db
@override_settings(FACTDESK_LOGIN_MAX_ATTEMPTS=2, FACTDESK_LOGIN_LOCKOUT_SECONDS=900)
def test_the_lock_ends_after_the_lockout(client, editor, fresh_cache, monkeypatch):
    sign_in(client, editor.username, "wrong")
    assert sign_in(client, editor.username, "wrong").status_code == 429
    # Move the clock past the lockout (the cache's expiry reads the same clock) instead of waiting.
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 901)
    assert sign_in(client, editor.username, "desk-pass-123").status_code == 302


# --------------------------------------------------------------------------- headers


def test_pages_carry_the_security_headers(client, desk):
    checks = [
        (Client(), "/accounts/login/"),
        (Client(), "/"),
    ]
    viewer = Client()
    viewer.force_login(desk["users"]["viewer"])
    admin = Client()
    admin.force_login(desk["users"]["admin"])
    token = Client(HTTP_AUTHORIZATION=f"Token {desk['tokens']['viewer token'].key}")
    claim = desk["objects"]["claim"]
    checks += [(viewer, "/"), (viewer, f"/claims/{claim.pk}/"), (viewer, "/nowhere/"), (admin, "/admin/"),
               (token, "/api/v1/claims/"), (Client(), "/api/v1/claims/")]
    for who, url in checks:
        response = who.get(url)
        csp = response.get("Content-Security-Policy", "")
        script_src = next((d for d in csp.split(";") if d.strip().startswith("script-src")), "")
        assert script_src and "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src, (url, csp)
        assert "frame-ancestors 'none'" in csp, url
        assert response.get("X-Frame-Options") == "DENY", url
        assert response.get("X-Content-Type-Options") == "nosniff", url
        assert response.get("Referrer-Policy") == "same-origin", url


@pytest.mark.django_db
@override_settings(FACTDESK_LOGIN_MAX_ATTEMPTS=2, FACTDESK_LOGIN_LOCKOUT_SECONDS=900)
def test_the_admin_sign_in_is_throttled_too(client, desk_admin, fresh_cache):
    for _ in range(2):
        client.post("/admin/login/", {"username": desk_admin.username, "password": "wrong"})
    page = client.post("/admin/login/", {"username": desk_admin.username, "password": "desk-pass-123"})
    assert "Too many failed sign-in attempts" in page.content.decode()
    assert "_auth_user_id" not in client.session
