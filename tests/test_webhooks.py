"""Webhooks: events from decisions, signed POSTs checked by a real loopback receiver, retries with
backoff, URL refusals, the admin, and delivery by a real Celery worker."""
from __future__ import annotations

import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from claims import services, webhooks
from claims.models import ClaimStatus, DeliveryStatus, Webhook, WebhookDelivery
from tests.factories import ArticleFactory, CitationFactory

SECRET = "a-shared-secret-of-some-length"


class Receiver:
    """An HTTP endpoint on 127.0.0.1 that answers with scripted status codes and checks signatures."""

    def __init__(self, codes=(200,), secret=SECRET):
        self.codes = list(codes)
        self.secret = secret
        self.requests: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append(
                    {
                        "path": self.path,
                        "headers": dict(self.headers),
                        "body": body,
                        # What an integrator does: recompute the HMAC from the raw body.
                        "signature_ok": webhooks.verify(body, receiver.secret, self.headers.get(webhooks.SIGNATURE_HEADER)),
                    }
                )
                code = receiver.codes.pop(0) if len(receiver.codes) > 1 else receiver.codes[0]
                self.send_response(code)
                if 300 <= code < 400:
                    self.send_header("Location", f"http://127.0.0.1:{receiver.port}/elsewhere")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def loopback_allowed(settings):
    settings.FACTDESK_FETCH_ALLOW_PRIVATE = True
    settings.FACTDESK_WEBHOOK_BACKOFF_SECONDS = 30
    return settings


def make_webhook(url, **kwargs):
    return Webhook.objects.create(name="CMS", url=url, secret=SECRET, **kwargs)


def proposed_claim():
    return CitationFactory(claim__status=ClaimStatus.PROPOSED).claim


def confirmed_claim(**kwargs):
    return CitationFactory(claim__status=ClaimStatus.CONFIRMED, **kwargs).claim


@pytest.mark.django_db
def test_a_confirmed_claim_is_posted_signed(loopback_allowed, editor, django_capture_on_commit_callbacks):
    claim = proposed_claim()
    with Receiver() as receiver:
        make_webhook(receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            services.confirm_claim(claim_id=claim.pk, actor=editor)
        delivery = WebhookDelivery.objects.get()
        assert delivery.event == "claim.confirmed" and delivery.status == DeliveryStatus.PENDING
        webhooks.attempt_delivery(delivery.pk)
    [request] = receiver.requests
    assert request["signature_ok"]
    assert request["headers"][webhooks.SIGNATURE_HEADER].startswith("sha256=")
    assert request["headers"][webhooks.EVENT_HEADER] == "claim.confirmed"
    assert request["headers"][webhooks.DELIVERY_HEADER] == str(delivery.pk)
    assert abs(int(request["headers"][webhooks.TIMESTAMP_HEADER]) - time.time()) < 300
    payload = json.loads(request["body"])
    assert payload["event"] == "claim.confirmed"
    assert payload["claim"]["id"] == claim.pk and payload["claim"]["status"] == "confirmed"
    assert payload["claim"]["speaker"]["name"] == claim.speaker.name
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.response_code == 200 and delivery.attempts == 1


@pytest.mark.django_db
def test_a_wrong_secret_does_not_verify(loopback_allowed, editor, django_capture_on_commit_callbacks):
    claim = proposed_claim()
    with Receiver(secret="not-the-secret-they-share") as receiver:
        make_webhook(receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            services.confirm_claim(claim_id=claim.pk, actor=editor)
        webhooks.attempt_delivery(WebhookDelivery.objects.get().pk)
    assert receiver.requests and not receiver.requests[0]["signature_ok"]


@pytest.mark.django_db
def test_merges_and_citations_are_events_too(loopback_allowed, editor, django_capture_on_commit_callbacks):
    make_webhook("http://127.0.0.1:9/never-called")
    source = confirmed_claim()
    target = confirmed_claim(claim__speaker=source.speaker)
    with django_capture_on_commit_callbacks(execute=True):
        services.merge_claims(source_id=source.pk, target_id=target.pk, actor=editor)
    merged = WebhookDelivery.objects.get(event="claim.merged")
    assert merged.payload["claim"]["id"] == target.pk and merged.payload["merged_claim_id"] == source.pk
    article = ArticleFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.cite_span(claim_id=target.pk, article_id=article.pk, start=0, end=12, actor=editor)
    cited = WebhookDelivery.objects.get(event="claim.cited")
    assert cited.payload["claim"]["id"] == target.pk and cited.payload["claim"]["citation_count"] == 3


@pytest.mark.django_db
def test_nothing_is_sent_for_unpublished_work_or_unsubscribed_events(loopback_allowed, editor, django_capture_on_commit_callbacks):
    make_webhook("http://127.0.0.1:9/never-called", on_confirmed=False)
    make_webhook("http://127.0.0.1:9/off", active=False)
    claim = proposed_claim()
    article = ArticleFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.cite_span(claim_id=claim.pk, article_id=article.pk, start=0, end=12, actor=editor)  # proposed: not news
        services.confirm_claim(claim_id=claim.pk, actor=editor)  # nobody listens for confirmations
    assert callbacks == [] and not WebhookDelivery.objects.exists()


@pytest.mark.django_db
def test_without_webhooks_a_decision_costs_one_cheap_query(editor, django_capture_on_commit_callbacks):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    claim = proposed_claim()
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.confirm_claim(claim_id=claim.pk, actor=editor)
    assert callbacks == []
    assert len([q for q in queries if "claims_webhook" in q["sql"]]) == 1


@pytest.mark.django_db
def test_a_failing_endpoint_is_retried_with_backoff_and_logged(loopback_allowed, editor, django_capture_on_commit_callbacks):
    claim = proposed_claim()
    with Receiver(codes=[500, 503, 200]) as receiver:
        make_webhook(receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            services.confirm_claim(claim_id=claim.pk, actor=editor)
        delivery = WebhookDelivery.objects.get()
        before = timezone.now()
        first = webhooks.attempt_delivery(delivery.pk)
        assert first.status == DeliveryStatus.RETRYING and first.response_code == 500
        assert "HTTP 500" in first.last_error
        wait_1 = first.next_attempt_at - before
        second = webhooks.attempt_delivery(delivery.pk)
        assert second.status == DeliveryStatus.RETRYING and second.attempts == 2
        wait_2 = second.next_attempt_at - timezone.now()
        # Exponential: the second wait is about twice the first (30 s, then 60 s).
        assert timedelta(seconds=29) <= wait_1 <= timedelta(seconds=31)
        assert timedelta(seconds=59) <= wait_2 <= timedelta(seconds=61)
        third = webhooks.attempt_delivery(delivery.pk)
    assert third.status == DeliveryStatus.DELIVERED and third.attempts == 3 and third.last_error == ""
    assert len(receiver.requests) == 3 and all(r["signature_ok"] for r in receiver.requests)
    # Delivered rows are left alone: running the task again sends nothing.
    webhooks.attempt_delivery(delivery.pk)
    assert len(receiver.requests) == 3


@pytest.mark.django_db
def test_delivery_gives_up_after_the_last_attempt(loopback_allowed, editor, django_capture_on_commit_callbacks):
    loopback_allowed.FACTDESK_WEBHOOK_MAX_ATTEMPTS = 2
    claim = proposed_claim()
    with Receiver(codes=[500]) as receiver:
        make_webhook(receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            services.confirm_claim(claim_id=claim.pk, actor=editor)
        delivery = WebhookDelivery.objects.get()
        webhooks.attempt_delivery(delivery.pk)
        final = webhooks.attempt_delivery(delivery.pk)
        webhooks.attempt_delivery(delivery.pk)
    assert final.status == DeliveryStatus.FAILED and final.next_attempt_at is None
    assert len(receiver.requests) == 2


@pytest.mark.django_db
def test_redirects_are_not_followed(loopback_allowed, editor, django_capture_on_commit_callbacks):
    claim = proposed_claim()
    with Receiver(codes=[302]) as receiver:
        make_webhook(receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            services.confirm_claim(claim_id=claim.pk, actor=editor)
        delivery = webhooks.attempt_delivery(WebhookDelivery.objects.get().pk)
    assert [r["path"] for r in receiver.requests] == ["/hook"]
    assert delivery.status == DeliveryStatus.RETRYING and "redirects are not followed" in delivery.last_error


@pytest.mark.django_db
def test_private_and_plain_http_urls_are_refused_when_not_allowed(settings, editor, django_capture_on_commit_callbacks):
    settings.FACTDESK_FETCH_ALLOW_PRIVATE = False
    for url, reason in [("https://127.0.0.1/hook", "loopback"), ("https://10.1.2.3/hook", "private"),
                        ("https://[::1]/hook", "loopback"), ("http://example.com/hook", "must use https")]:
        with pytest.raises(ValidationError, match=reason):
            Webhook(name="x", url=url, secret=SECRET).full_clean()
    # A webhook registered while private addresses were allowed is refused again at delivery.
    with Receiver() as receiver:
        settings.FACTDESK_FETCH_ALLOW_PRIVATE = True
        make_webhook(receiver.url)
        claim = proposed_claim()
        with django_capture_on_commit_callbacks(execute=True):
            services.confirm_claim(claim_id=claim.pk, actor=editor)
        settings.FACTDESK_FETCH_ALLOW_PRIVATE = False
        delivery = webhooks.attempt_delivery(WebhookDelivery.objects.get().pk)
    assert receiver.requests == []
    assert delivery.status == DeliveryStatus.RETRYING and "will not send" in delivery.last_error


@pytest.mark.django_db
def test_the_admin_registers_webhooks_with_a_write_only_secret(client, desk_admin, loopback_allowed):
    client.force_login(desk_admin)
    form = {"name": "CMS", "url": "http://127.0.0.1:8999/hook", "secret": SECRET, "on_confirmed": "on", "active": "on"}
    response = client.post("/admin/claims/webhook/add/", form)
    assert response.status_code == 302, response.content[:2000]
    hook = Webhook.objects.get()
    assert hook.secret == SECRET and hook.created_by == desk_admin and hook.events == ["claim.confirmed"]
    page = client.get(f"/admin/claims/webhook/{hook.pk}/change/").content.decode()
    assert SECRET not in page
    # Saving without a new secret keeps the old one.
    client.post(f"/admin/claims/webhook/{hook.pk}/change/", {**form, "secret": "", "name": "CMS 2"})
    hook.refresh_from_db()
    assert hook.name == "CMS 2" and hook.secret == SECRET
    loopback_allowed.FACTDESK_FETCH_ALLOW_PRIVATE = False
    refused = client.post("/admin/claims/webhook/add/", {**form, "name": "Inside"})
    assert refused.status_code == 200 and "FactDesk will not send" in refused.content.decode()
    assert client.get("/admin/claims/webhookdelivery/").status_code == 200


@pytest.mark.django_db
def test_editors_cannot_manage_webhooks_in_the_admin(client, editor):
    client.force_login(editor)
    assert client.get("/admin/claims/webhook/").status_code == 302  # not staff: sent to the admin login


@pytest.mark.worker
def test_a_real_worker_delivers_and_retries(celery_worker, loopback_allowed, django_user_model):
    """End to end: a decision commits, the worker POSTs, the 500 is retried after the backoff, then 200."""
    loopback_allowed.FACTDESK_WEBHOOK_BACKOFF_SECONDS = 0.5
    editor = django_user_model.objects.create_user(username="worker-editor")
    claim = proposed_claim()
    with Receiver(codes=[500, 200]) as receiver:
        make_webhook(receiver.url)
        services.confirm_claim(claim_id=claim.pk, actor=editor)  # commits: deliveries are made and queued
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            delivery = WebhookDelivery.objects.first()
            if delivery and delivery.status == DeliveryStatus.DELIVERED:
                break
            time.sleep(0.2)
    assert delivery is not None and delivery.status == DeliveryStatus.DELIVERED, delivery and delivery.last_error
    assert delivery.attempts == 2
    assert len(receiver.requests) == 2
    assert all(r["signature_ok"] for r in receiver.requests)
    assert {r["headers"][webhooks.DELIVERY_HEADER] for r in receiver.requests} == {str(delivery.pk)}


@pytest.mark.django_db
def test_a_delivery_over_the_pinned_connection_keeps_the_host_name(loopback_allowed, editor,
                                                                    django_capture_on_commit_callbacks):
    # Deliveries go through the importer's pinned connection (to the address that was checked);
    # this checks that the endpoint still sees its own name as Host. The rebinding case itself
    # needs a resolver that changes its answer, which these machines cannot run for real.
    claim = proposed_claim()
    with Receiver() as receiver:
        make_webhook(f"http://localhost:{receiver.port}/hook")
        with django_capture_on_commit_callbacks(execute=True):
            services.confirm_claim(claim_id=claim.pk, actor=editor)
        delivery = webhooks.attempt_delivery(WebhookDelivery.objects.get().pk)
    assert delivery.status == DeliveryStatus.DELIVERED, delivery.last_error
    [request] = receiver.requests
    assert request["headers"]["Host"] == f"localhost:{receiver.port}" and request["signature_ok"]


@pytest.mark.django_db
def test_a_claim_that_gets_a_fact_check_link_is_announced_when_suggested_and_when_confirmed(
    loopback_allowed, editor, django_capture_on_commit_callbacks
):
    from claims.factchecks import linking
    from claims.models import FactCheckLink
    from tests.test_factchecks import _library_with_budget_check, desk_claim

    make_webhook("http://127.0.0.1:9/never-called")
    make_webhook("http://127.0.0.1:9/not-this-one", on_factcheck_linked=False)
    _library_with_budget_check()
    claim = desk_claim(text="The governor cut the state's school budget in half last year", status=ClaimStatus.CONFIRMED)
    with django_capture_on_commit_callbacks(execute=True):
        assert linking.link_claims(claim_ids=[claim.pk]) == 1
    suggested = WebhookDelivery.objects.get(event="claim.factcheck_linked")
    link = FactCheckLink.objects.get()
    assert suggested.payload["claim"]["id"] == claim.pk
    [announced] = suggested.payload["factcheck_links"]
    assert announced["id"] == link.pk and announced["state"] == "suggested"
    assert announced["factcheck"]["rating"] == "False" and announced["factcheck"]["url"] == link.factcheck.url
    with django_capture_on_commit_callbacks(execute=True):
        linking.confirm_factcheck_link(link_id=link.pk, actor=editor)
    confirmed = WebhookDelivery.objects.filter(event="claim.factcheck_linked").latest("pk")
    assert confirmed.pk != suggested.pk and confirmed.payload["factcheck_links"][0]["state"] == "confirmed"
    assert WebhookDelivery.objects.count() == 2  # the unsubscribed webhook got neither
    with django_capture_on_commit_callbacks(execute=True):
        linking.reject_factcheck_link(link_id=link.pk, actor=editor)  # a rejection is not a new link
    assert WebhookDelivery.objects.count() == 2
