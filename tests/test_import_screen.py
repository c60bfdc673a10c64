"""The Import screen and the admin upload page: roles, per-file results, limits, CSRF, URL queueing.

Uploads are the real fixture files (tests/fixtures/); the URL import goes through a real Celery
worker to a loopback server.
"""
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from articles.models import Article, Feed, Outlet
from tests.conftest import serving_page

FIXTURES = Path(__file__).parent / "fixtures"
IMPORT = "/import/"
UPLOAD_LIMITS = "articles.middleware.UploadLimitsMiddleware"

pytestmark = pytest.mark.django_db


def upload(name, data=None):
    return SimpleUploadedFile(name, data if data is not None else (FIXTURES / name).read_bytes())


@pytest.fixture
def upload_limits(settings):
    """The middleware that explains refused uploads, placed before the CSRF check that would parse first."""
    if UPLOAD_LIMITS not in settings.MIDDLEWARE:
        middleware = list(settings.MIDDLEWARE)
        middleware.insert(middleware.index("django.middleware.csrf.CsrfViewMiddleware"), UPLOAD_LIMITS)
        settings.MIDDLEWARE = middleware
    return settings


def test_the_import_url_is_named():
    assert reverse("articles:import") == IMPORT


def test_anonymous_users_are_sent_to_sign_in(client):
    response = client.get(IMPORT)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.post(IMPORT, {"files": upload("feed_rss.xml")}).status_code == 302
    assert not Article.objects.exists()


@pytest.mark.parametrize("role", ["viewer", "outsider"])
def test_viewers_and_outsiders_are_refused(client, role, request):
    client.force_login(request.getfixturevalue(role))
    assert client.get(IMPORT).status_code == 403
    assert client.post(IMPORT, {"files": upload("feed_rss.xml")}).status_code == 403
    assert not Article.objects.exists()


def test_editor_sees_the_form_with_its_limits(editor_client, settings):
    response = editor_client.get(IMPORT)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'enctype="multipart/form-data"' in page and 'name="files"' in page and "multiple" in page
    assert f"At most {settings.DATA_UPLOAD_MAX_NUMBER_FILES} files" in page
    assert "<script>" not in page and "style=" not in page  # the CSP forbids inline script and style


def test_editor_uploads_several_files_and_gets_a_result_per_file(editor_client, editor):
    page = (FIXTURES / "page_ted-cruz-heckler.html").read_bytes()
    response = editor_client.post(
        IMPORT,
        {"files": [upload("feed_rss.xml"), upload("article_cp1252.txt"), upload("cut.html", page[: len(page) // 2]),
                   upload("empty.txt", b"")]},
    )
    assert response.status_code == 200
    rows = {r.name: r for r in response.context["results"]}
    assert rows["feed_rss.xml"].summary == "3 created"
    assert rows["article_cp1252.txt"].summary == "1 created"
    assert rows["cut.html"].status == "failed" and "cut off" in rows["cut.html"].failures[0].reason
    assert rows["empty.txt"].status == "failed" and "empty" in rows["empty.txt"].failures[0].reason
    text = response.content.decode()
    assert "cut off" in text and "3 created" in text
    assert Article.objects.count() == 4
    assert set(Article.objects.values_list("imported_by__username", flat=True)) == {editor.username}


def test_uploading_the_same_files_again_changes_nothing(editor_client):
    editor_client.post(IMPORT, {"files": [upload("articles.json")]})
    hashes = sorted(Article.objects.values_list("content_hash", flat=True))
    response = editor_client.post(IMPORT, {"files": [upload("articles.json")]})
    assert response.context["results"][0].summary == "3 unchanged"
    assert sorted(Article.objects.values_list("content_hash", flat=True)) == hashes


def test_the_outlet_field_names_the_outlet(editor_client):
    editor_client.post(IMPORT, {"files": [upload("article_utf16.txt")], "outlet": "Desk Wire"})
    assert Article.objects.get().outlet.name == "Desk Wire"


def test_an_empty_form_says_what_is_missing(editor_client):
    response = editor_client.post(IMPORT, {})
    assert response.status_code == 400
    assert "Choose at least one file, or give a web address." in response.content.decode()


def test_an_oversized_file_is_refused_with_the_limit(editor_client, settings):
    settings.FACTDESK_MAX_UPLOAD_BYTES = 2000
    response = editor_client.post(IMPORT, {"files": [upload("article_cp1252.txt"), upload("feed_rss.xml")]})
    assert response.status_code == 400
    assert "feed_rss.xml is 7.4 kB; each file may be at most 2.0 kB." in response.content.decode()
    assert not Article.objects.exists()  # nothing from the batch is imported


def test_too_many_files_get_a_clear_page_not_a_bare_error(editor_client, upload_limits):
    upload_limits.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    response = editor_client.post(IMPORT, {"files": [upload("articles.json"), upload("feed_rss.xml"), upload("feed_atom.xml")]})
    assert response.status_code == 400
    assert "Too many files: at most 2 can be sent at once." in response.content.decode()
    assert not Article.objects.exists()


def test_a_request_larger_than_any_upload_is_refused_unread(editor_client, upload_limits):
    upload_limits.DATA_UPLOAD_MAX_NUMBER_FILES = 1
    upload_limits.FACTDESK_MAX_UPLOAD_BYTES = 1000
    upload_limits.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = editor_client.post(IMPORT, {"files": [upload("feed_rss.xml")]})
    assert response.status_code == 413
    assert "more than the 2.0 kB an import can be" in response.content.decode()


def test_oversized_form_data_gets_a_clear_page(editor_client, upload_limits):
    upload_limits.DATA_UPLOAD_MAX_MEMORY_SIZE = 500
    response = editor_client.post(IMPORT, {"outlet": "x" * 5000, "files": [upload("feed_atom.xml")]})
    assert response.status_code == 413 and "form data is larger" in response.content.decode()


def test_csrf_is_enforced(editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert client.post(IMPORT, {"files": [upload("feed_atom.xml")]}).status_code == 403
    assert not Article.objects.exists()
    client.get(IMPORT)
    token = client.cookies["csrftoken"].value
    response = client.post(IMPORT, {"files": [upload("feed_atom.xml")], "csrfmiddlewaretoken": token})
    assert response.status_code == 200 and Article.objects.count() == 1


def test_a_private_url_is_refused_on_the_form(editor_client):
    response = editor_client.post(IMPORT, {"url": "http://127.0.0.1:8000/admin/"})
    assert response.status_code == 400 and "loopback address" in response.content.decode()
    response = editor_client.post(IMPORT, {"url": "ftp://files.example/a.txt"})
    assert response.status_code == 400


def test_uploaded_text_is_escaped_on_the_results_page(editor_client):
    hostile = '<script>alert("x")</script> The council said it would repair the bridge by spring, officials confirmed.'
    response = editor_client.post(IMPORT, {"files": [upload("<img src=x onerror=alert(1)>.txt", hostile.encode())]})
    page = response.content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page


# --- a URL goes to the worker --------------------------------------------------------------------


@pytest.fixture
def loopback_site():
    with serving_page((FIXTURES / "page_dnc-chair-dismisses-sanders.html").read_bytes()) as url:
        yield url


@pytest.mark.worker
def test_a_url_is_queued_and_the_worker_imports_it(celery_worker, loopback_site, editor, settings):
    settings.FACTDESK_FETCH_ALLOW_PRIVATE = True  # only tests may reach loopback
    client = Client()
    client.force_login(editor)
    response = client.post(IMPORT, {"url": f"{loopback_site}/story/dnc", "outlet": "Politico"})
    assert response.status_code == 200
    assert "was queued" in response.content.decode()
    deadline = time.monotonic() + 60
    while not Article.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.25)
    article = Article.objects.get()
    assert article.outlet.name == "Politico" and article.imported_by == editor
    assert "Debbie Wasserman Schultz" in article.text and article.source_format == "html"


# --- the admin -------------------------------------------------------------------------------------


def test_admin_upload_page_gives_a_row_per_file(client, desk_admin):
    client.force_login(desk_admin)
    url = reverse("admin:articles_article_upload")
    assert client.get(url).status_code == 200
    client.post(url, {"files": [upload("articles.json")]})
    response = client.post(url, {"files": [upload("articles.json"), upload("corpus_slice.jsonl"), upload("x.bin", b"\x00\x01\x02")]})
    assert response.status_code == 200
    rows = {r.name: r.summary for r in response.context["results"]}
    # The corpus lines are the same articles (same doc_id, same text) for "politico" and "usa-today",
    # which are the JSON file's "Politico" and "USA Today"; "wash-post" is a different outlet name.
    assert rows == {"articles.json": "3 unchanged", "corpus_slice.jsonl": "1 created, 2 unchanged", "x.bin": "1 failed"}
    assert "binary file" in response.content.decode()


def test_admin_upload_needs_staff(editor_client):
    response = editor_client.get(reverse("admin:articles_article_upload"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_admin_article_pages_show_versions_read_only(client, desk_admin, django_assert_max_num_queries):
    client.force_login(desk_admin)
    client.post(reverse("admin:articles_article_upload"), {"files": [upload("corpus_slice.jsonl"), upload("articles.json")]})
    with django_assert_max_num_queries(15):
        listing = client.get(reverse("admin:articles_article_changelist"))
    assert listing.status_code == 200 and "Upload articles" in listing.content.decode()
    article = Article.objects.get(external_id="politico_2016-04-20_dnc-chair-dismisses-sanders-accu", outlet__slug="politico")
    page = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert 'name="text"' not in page  # the text is shown, never editable
    assert "Wasserman Schultz" in page
    assert client.get(reverse("admin:articles_article_add")).status_code == 403


def test_admin_poll_now_queues_the_feeds(client, desk_admin, django_capture_on_commit_callbacks):
    client.force_login(desk_admin)
    outlet = Outlet.objects.create(name="Campaign Desk")
    active = Feed.objects.create(url="https://campaigndesk.example/feed.xml", outlet=outlet)
    Feed.objects.create(url="https://campaigndesk.example/old.xml", outlet=outlet, active=False)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("admin:articles_feed_changelist"),
            {"action": "poll_now", "_selected_action": list(Feed.objects.values_list("pk", flat=True))},
            follow=True,
        )
    assert "1 feed(s) queued for polling. 1 inactive skipped." in response.content.decode()
    assert len(callbacks) == 1 and active.pk


def test_admin_refuses_a_feed_on_a_private_address(client, desk_admin):
    client.force_login(desk_admin)
    outlet = Outlet.objects.create(name="Campaign Desk")
    response = client.post(reverse("admin:articles_feed_add"), {"url": "http://192.168.1.10/feed.xml", "outlet": outlet.pk, "active": "on"})
    assert response.status_code == 200 and "private address" in response.content.decode()
    assert not Feed.objects.exists()
