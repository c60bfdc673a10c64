"""Faults that really happen: the broker down during imports, database connections dropped
under a worker, a worker killed in the middle of an extraction, an article too slow for the
worker's time limit. Nothing is lost or duplicated, and one bad article holds up nobody else.
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from articles import services as article_services
from articles.importers import parse_text
from claims.models import ArticleExtraction, Candidate, ExtractionStatus
from claims.tasks import reconcile_extraction
from factdesk.celery import app
from tests.test_tasks import NEWS, wait_for

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.faults


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateRedis:
    """A redis-server of this test's own, so stopping it disturbs nothing else."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        assert wait_for(self._answers, timeout=20)

    def stop(self):
        self.process.terminate()
        self.process.wait(10)
        assert not self._answers()

    def _answers(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False


@pytest.fixture
def private_redis():
    if not shutil.which("redis-server"):
        pytest.skip("needs redis-server on this machine (CI has it)")
    server = PrivateRedis()
    server.start()
    yield server
    if server.process.poll() is None:
        server.process.terminate()


@contextmanager
def broker(url):
    """Point the Celery app at another broker for the duration, with fresh connection pools.

    Celery resolves broker_read_url/broker_write_url from broker_url once, when configured;
    connections use those, so all three must move or the test would talk to the old broker.
    """
    names = ("broker_url", "broker_read_url", "broker_write_url")
    old = {name: app.conf[name] for name in names}
    app.conf.update({name: url for name in names})
    app._pool = None
    app.amqp._producer_pool = None
    try:
        assert app.connection_for_write().as_uri().endswith(url.rsplit(":", 1)[1])
        yield
    finally:
        app.conf.update(old)
        app._pool = None
        app.amqp._producer_pool = None


def queued_messages(queue):
    with app.connection_for_write() as conn:
        return conn.default_channel.queue_declare(queue=queue, durable=True, auto_delete=False).message_count


@pytest.mark.django_db(transaction=True)
def test_imports_commit_while_the_broker_is_down_and_are_queued_when_it_returns(private_redis, caplog):
    private_redis.stop()
    with broker(private_redis.url), caplog.at_level("WARNING", logger="factdesk.queueing"):
        outcomes = article_services.import_articles([parse_text(NEWS, name="bridge.txt")], source="bridge.txt")
    assert outcomes[0].status == "created"
    assert "could not queue claims.extract_articles" in caplog.text, "queueing must have failed (and said so) while the broker was down"
    extraction = ArticleExtraction.objects.get(article_id=outcomes[0].article_id)
    assert extraction.status == ExtractionStatus.QUEUED
    private_redis.start()
    with broker(private_redis.url):
        assert queued_messages("extract") == 0
        assert reconcile_extraction.run(stale_minutes=0) == 1
        assert queued_messages("extract") == 1


@pytest.mark.worker
def test_dropped_database_connections_do_not_lose_work(celery_worker):
    if connection.vendor != "postgresql":
        pytest.skip("terminating server connections is a PostgreSQL test (CI runs it on PostgreSQL)")
    first = article_services.import_articles([parse_text(NEWS, name="one.txt")], source="one.txt")[0]
    assert wait_for(lambda: ArticleExtraction.objects.filter(article_id=first.article_id, status=ExtractionStatus.DONE).exists())
    with connection.cursor() as cursor:  # what a database restart does to every other session
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    second = article_services.import_articles([parse_text(NEWS + "\nA later paragraph.", name="two.txt")], source="two.txt")[0]
    assert wait_for(lambda: ArticleExtraction.objects.filter(article_id=second.article_id, status=ExtractionStatus.DONE).exists())
    assert Candidate.objects.filter(article_id=second.article_id).exists()


@pytest.mark.worker
def test_a_database_restart_in_the_middle_of_tasks_is_retried_and_finishes(celery_worker, caplog):
    """Every server connection is cut again and again while the worker extracts and matches
    (what a PostgreSQL restart does to them); the tasks fail, are retried, and finish once."""
    if connection.vendor != "postgresql":
        pytest.skip("terminating server connections is a PostgreSQL test (CI runs it on PostgreSQL)")
    long_text = "\n".join(NEWS.replace("Cole", f"Cole{i}") for i in range(60))
    outcome = article_services.import_articles([parse_text(long_text, name="restart.txt")], source="restart.txt")[0]
    article_id = outcome.article_id

    def finished():
        done = ArticleExtraction.objects.filter(article_id=article_id, status=ExtractionStatus.DONE).exists()
        return done and not Candidate.objects.filter(article_id=article_id, matched_at__isnull=True).exists()

    assert wait_for(lambda: ArticleExtraction.objects.filter(article_id=article_id, status=ExtractionStatus.RUNNING).exists(),
                    timeout=120, interval=0.05)
    cuts = 0
    with caplog.at_level("INFO", logger="celery"):
        while cuts < 3 and not finished():  # a restart is brief: a few cuts, then the server is back
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
                cuts += cursor.fetchone()[0] > 0
            time.sleep(0.5)
        assert wait_for(finished, timeout=240)
    extraction = ArticleExtraction.objects.get(article_id=article_id)
    assert cuts and (extraction.attempts >= 2 or "Retry" in caplog.text), f"no task was hit ({cuts} cuts): the test proved nothing"
    candidates = Candidate.objects.filter(article_id=article_id)
    spans = list(candidates.values_list("kind", "start", "end"))
    assert spans and len(spans) == len(set(spans)), "a retried task duplicated candidates"
    assert all(c.citations.count() == 1 for c in candidates), "a retried task duplicated citations"


def _database_url_for_subprocess():
    settings_dict = connection.settings_dict
    if connection.vendor == "postgresql":
        return f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}/{settings_dict['NAME']}"
    return f"sqlite:///{settings_dict['NAME']}"


def _start_worker_process(env, *, pool="solo", queues="extract,match,default"):
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "factdesk", "worker", "--pool", pool, "--concurrency", "1", "--queues", queues,
         "--without-mingle", "--without-gossip", "--loglevel", "WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )


def _purge(*queues):
    with app.connection_for_write() as conn:
        for name in queues:
            conn.default_channel.queue_declare(queue=name, durable=True, auto_delete=False)
            conn.default_channel.queue_purge(name)


def _stop(worker):
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(10)


def _needs_acknowledging_broker_and_shared_database():
    if not app.conf.broker_url.startswith(("redis://", "amqp://")):
        pytest.skip("needs a broker with acknowledgements (Redis or RabbitMQ); the filesystem broker drops a message on delivery")
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(":memory:"):
        pytest.skip("needs a database file another process can open")


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_extraction_loses_nothing_and_duplicates_nothing(tmp_path):
    """With the default settings (no test-only timeouts) the work of a killed worker is done again
    within the README's bound: the broker's visibility timeout (hard time limit + 30 s) and 10 s."""
    _needs_acknowledging_broker_and_shared_database()
    long_text = "\n".join(NEWS.replace("Cole", f"Cole{i}") for i in range(150))
    env = {**os.environ, "DATABASE_URL": _database_url_for_subprocess(), "FACTDESK_DATA_DIR": str(tmp_path)}
    for name in ("CELERY_VISIBILITY_TIMEOUT", "CELERY_TASK_TIME_LIMIT", "CELERY_TASK_SOFT_TIME_LIMIT"):
        env.pop(name, None)  # the defaults are what is tested
    _purge("extract", "match")
    worker = _start_worker_process(env)
    try:
        outcome = article_services.import_articles([parse_text(long_text, name="long.txt")], source="long.txt")[0]
        running = lambda: ArticleExtraction.objects.filter(article_id=outcome.article_id, status=ExtractionStatus.RUNNING).exists()  # noqa: E731
        assert wait_for(running, timeout=120, interval=0.05)
        os.killpg(worker.pid, signal.SIGKILL)
        killed_at = time.monotonic()
        worker.wait(10)
        assert not ArticleExtraction.objects.filter(article_id=outcome.article_id, status=ExtractionStatus.DONE).exists()
        worker = _start_worker_process(env)
        done = lambda: ArticleExtraction.objects.filter(article_id=outcome.article_id, status=ExtractionStatus.DONE).exists()  # noqa: E731
        bound = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] + 10
        assert bound <= 130, "the default recovery bound is the one the README promises"
        # The bound, and time for the extraction itself on a busy machine.
        assert wait_for(done, timeout=bound + 60), f"not done again {time.monotonic() - killed_at:.0f} s after the kill"
        assert wait_for(lambda: not Candidate.objects.filter(article_id=outcome.article_id, matched_at__isnull=True).exists(), 180)
    finally:
        _stop(worker)
    candidates = Candidate.objects.filter(article_id=outcome.article_id)
    spans = list(candidates.values_list("kind", "start", "end"))
    assert spans and len(spans) == len(set(spans))
    assert ArticleExtraction.objects.get(article_id=outcome.article_id).attempts >= 2
    # Every candidate became exactly one claim's citation.
    assert all(c.citations.count() == 1 for c in candidates)


@pytest.mark.django_db(transaction=True)
def test_a_slow_article_fails_alone_under_the_workers_own_time_limit_and_the_rest_of_its_batch_finishes(tmp_path, settings):
    """One article too slow for the worker's soft time limit, imported in one batch with three
    short ones. The limit is set on the worker only (this process keeps the defaults): it is the
    one that applies. The batch is split, the slow article fails with the reason, the others finish."""
    _needs_acknowledging_broker_and_shared_database()
    settings.FACTDESK_EXTRACTION_BATCH_CHARS = 10_000_000  # this process packs all four into one batch
    env = {**os.environ, "DATABASE_URL": _database_url_for_subprocess(), "FACTDESK_DATA_DIR": str(tmp_path),
           "CELERY_TASK_SOFT_TIME_LIMIT": "5", "CELERY_TASK_TIME_LIMIT": "15", "FACTDESK_EXTRACTION_MAX_CHARS": "2000000"}
    _purge("extract", "match")
    slow_text = "\n".join(NEWS.replace("Cole", f"Cole{i}") for i in range(2500))  # ~600,000 characters
    worker = _start_worker_process(env, pool="prefork", queues="extract")  # prefork: the pool that enforces limits
    try:
        parsed = [parse_text(NEWS.replace("bridge", f"bridge number {n}"), name=f"short-{n}.txt") for n in range(3)]
        parsed.insert(1, parse_text(slow_text, name="slow.txt"))
        outcomes = article_services.import_articles(parsed, source="batch")
        ids = [o.article_id for o in outcomes]
        slow_id = ids[1]

        def settled():
            return not ArticleExtraction.objects.filter(article_id__in=ids).exclude(
                status__in=[ExtractionStatus.DONE, ExtractionStatus.FAILED]).exists()

        assert wait_for(settled, timeout=150), list(ArticleExtraction.objects.filter(article_id__in=ids).values_list("status", "attempts"))
    finally:
        _stop(worker)
        _purge("extract", "match")
    slow = ArticleExtraction.objects.get(article_id=slow_id)
    assert slow.status == ExtractionStatus.FAILED
    assert "longer than the worker's 5 s limit" in slow.error
    for article_id in ids:
        if article_id != slow_id:
            extraction = ArticleExtraction.objects.get(article_id=article_id)
            assert extraction.status == ExtractionStatus.DONE, extraction.error
            assert Candidate.objects.filter(article_id=article_id, kind="direct").exists()


@pytest.mark.django_db
def test_requeue_work_says_when_the_broker_is_down(private_redis):
    from django.core.management import CommandError, call_command

    private_redis.stop()
    with broker(private_redis.url), pytest.raises(CommandError, match="task queue is unreachable"):
        call_command("requeue_work")


@pytest.mark.django_db(transaction=True)
def test_every_way_of_queueing_a_fetch_says_so_when_the_broker_is_down(private_redis, editor, settings):
    """The Import screen, the API and the command queue through one helper: a broker outage is a
    clear message (a page, a 503, a failed input with the reason), never a 500 or a traceback."""
    from django.core.management import CommandError, call_command
    from django.test import Client
    from rest_framework.test import APIClient

    settings.FACTDESK_FETCH_ALLOW_PRIVATE = True  # the URL is checked before it is queued
    url = "http://127.0.0.1:9/news/bridge"
    private_redis.stop()
    with broker(private_redis.url):
        screen = Client()
        screen.force_login(editor)
        page = screen.post("/import/", {"url": url, "outlet": "Loopback News"})
        assert page.status_code == 200 and "could not be queued: the task queue is unreachable" in page.content.decode()
        api = APIClient()
        api.force_authenticate(editor)
        response = api.post("/api/v1/articles/", {"source_url": url}, format="json")
        assert response.status_code == 503 and "unavailable" in response.json()["detail"]
        with pytest.raises(CommandError, match="1 input"):
            call_command("import_articles", url)
