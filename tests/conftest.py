"""Shared fixtures: users for each role, the shared data folder, a real Celery worker."""
from __future__ import annotations

import http.server
import os
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FACTDESK_SHARED_DIR", PROJECT_ROOT.parent / "shared"))
NEEDS_SHARED = "needs ../shared (sample articles, gold annotations, corpus), which is not beside this checkout"


@pytest.fixture
def shared_dir() -> Path:
    if not (SHARED / "samples" / "manifest.json").exists():
        pytest.skip(NEEDS_SHARED)
    return SHARED


def _user(django_user_model, username, group=None, **extra):
    if group and not Group.objects.filter(name=group).exists():
        # Transactional tests flush the tables, groups made by the migration included.
        from django.contrib.auth.models import Permission

        from factdesk.roles import sync_groups

        sync_groups(Group, Permission)
    user = django_user_model.objects.create_user(username=username, password="desk-pass-123", **extra)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def viewer(django_user_model):
    return _user(django_user_model, "vera-viewer", "viewer")


@pytest.fixture
def editor(django_user_model):
    return _user(django_user_model, "eddie-editor", "editor")


@pytest.fixture
def desk_admin(django_user_model):
    return _user(django_user_model, "ada-admin", "admin", is_staff=True)


@pytest.fixture
def outsider(django_user_model):
    """Signed in, but in no desk group: sees nothing."""
    return _user(django_user_model, "olly-outsider")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def viewer_client(client, viewer):
    client.force_login(viewer)
    return client


@pytest.fixture(scope="session")
def celery_app_for_tests():
    from factdesk.celery import app

    return app


@pytest.fixture
def celery_worker(celery_app_for_tests, transactional_db):
    """A real Celery worker (in a thread of this process) consuming the configured broker.

    Tests using it must use ``transactional_db`` so the worker's own database connection sees
    committed rows. Queues are purged first so nothing left from an earlier run is delivered.
    """
    from celery.contrib.testing.worker import start_worker

    app = celery_app_for_tests
    queues = ["default", "fetch", "extract", "match"]
    with app.connection_for_write() as conn:
        channel = conn.default_channel
        for name in queues:
            channel.queue_declare(queue=name, durable=True, auto_delete=False)
            channel.queue_purge(name)
    with start_worker(app, perform_ping_check=False, queues=queues, shutdown_timeout=30) as worker:
        yield worker


@contextmanager
def serving_page(body: bytes, content_type: str = "text/html; charset=utf-8"):
    """A real HTTP server on loopback answering every GET with ``body``; yields its base URL."""

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
