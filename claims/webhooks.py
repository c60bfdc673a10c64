"""Webhooks: signed JSON events POSTed to integrators when claims are confirmed, merged, cited,
given a desk verdict or linked to a fact-check.

Flow: a decision in ``claims.services`` calls ``queue_event`` inside its transaction. That costs
one cheap ``exists()`` query, and nothing more when no active webhook listens for the event.
Once the decision commits, a ``WebhookDelivery`` row is written per listening webhook (the
delivery log the admin shows) and ``claims.deliver_webhook`` is queued for each. The task POSTs
the payload signed with the webhook's secret:

    X-FactDesk-Signature: sha256=<hex HMAC-SHA256 of the raw body, keyed with the secret>
    X-FactDesk-Event, X-FactDesk-Delivery (the delivery id), X-FactDesk-Timestamp (Unix seconds)

A failure (network error, refused URL, any non-2xx answer, including redirects, which are
never followed) is logged on the row and retried with exponential backoff up to
``FACTDESK_WEBHOOK_MAX_ATTEMPTS``. A short wait is a countdown on the next message; a longer one
is left to ``claims.deliver_due_webhooks`` (Celery beat, every minute), which queues deliveries
that are due, including those whose message was lost (broker down when the decision committed,
worker killed). Redis hands a message held past its visibility timeout to a second worker, and a
countdown message is held from the start, so a countdown never comes near that timeout.
The tasks are in ``claims.tasks``; their bodies are ``deliver`` and ``queue_due_deliveries``.

URL checks are the importer's: ``articles.fetching.check_url`` refuses private, loopback and
link-local addresses unless ``FACTDESK_FETCH_ALLOW_PRIVATE``; on top of that only HTTPS is
accepted unless private addresses are allowed (the test setting for a loopback server).
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from claims.models import Claim, DeliveryStatus, Webhook, WebhookDelivery

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-FactDesk-Signature"
EVENT_HEADER = "X-FactDesk-Event"
DELIVERY_HEADER = "X-FactDesk-Delivery"
TIMESTAMP_HEADER = "X-FactDesk-Timestamp"
USER_AGENT = "FactDesk-Webhooks/1"


def _setting(name: str, default):
    return getattr(settings, name, default)


def max_attempts() -> int:
    return int(_setting("FACTDESK_WEBHOOK_MAX_ATTEMPTS", 8))


def backoff_seconds(attempts: int) -> float:
    """Wait before attempt ``attempts + 1``: base · 2^(attempts-1), capped (30 s, 60 s, 2 min … 6 h)."""
    base = float(_setting("FACTDESK_WEBHOOK_BACKOFF_SECONDS", 30.0))
    return min(base * (2 ** max(0, attempts - 1)), float(_setting("FACTDESK_WEBHOOK_BACKOFF_MAX_SECONDS", 6 * 3600)))


def sign(body: bytes, secret: str) -> str:
    """The signature header's value for ``body``: ``sha256=`` and the hex HMAC-SHA256 digest."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify(body: bytes, secret: str, header: str) -> bool:
    """What a receiver does: recompute the signature and compare in constant time."""
    return hmac.compare_digest(sign(body, secret), header or "")


def check_webhook_scheme(url: str) -> None:
    """Plain http only where private hosts are allowed (a development desk); else https."""
    if urlsplit(url).scheme.lower() != "https" and not settings.FACTDESK_FETCH_ALLOW_PRIVATE:
        raise ValidationError("FactDesk will not send to this URL: it must use https://.", code="insecure")


def check_webhook_url(url: str) -> None:
    """Refuse a URL FactDesk must not POST to; raise ``ValidationError`` with the reason."""
    from articles.fetching import FetchRefused, check_url

    allow_private = settings.FACTDESK_FETCH_ALLOW_PRIVATE
    check_webhook_scheme(url)  # first: it needs no DNS look-up
    try:
        check_url(url, allow_private=allow_private)
    except FetchRefused as exc:
        raise ValidationError(f"FactDesk will not send to this URL: {exc}", code="refused") from None


# --------------------------------------------------------------------------- queueing


def queue_event(event: str, claim_id: int, **details) -> None:
    """Called by a decision inside its transaction: deliver ``event`` about the claim once it commits.

    One ``exists()`` query when no webhook listens; the payload and the delivery rows are made
    only after the commit, so a rolled-back decision never announces anything.
    """
    if not Webhook.objects.active().for_event(event).exists():
        return
    occurred_at = timezone.now()
    transaction.on_commit(lambda: create_deliveries(event, claim_id, occurred_at=occurred_at, details=details))


def queue_events(event: str, details_by_claim: Callable[[], dict[int, dict]]) -> None:
    """``queue_event`` for many claims at once (bulk linking): one ``exists()`` query for all of them.

    ``details_by_claim`` is called only when a webhook listens: it returns each claim's details.
    """
    if not Webhook.objects.active().for_event(event).exists():
        return
    occurred_at = timezone.now()
    for claim_id, details in details_by_claim().items():
        transaction.on_commit(
            lambda claim_id=claim_id, details=details: create_deliveries(event, claim_id, occurred_at=occurred_at, details=details)
        )


def factcheck_link_payload(link) -> dict:
    """What ``claim.factcheck_linked`` says about one link: its state and score, and the fact-check's who, what and where."""
    factcheck = link.factcheck
    return {
        "id": link.pk,
        "state": link.state,
        "score": round(link.score, 4),
        "relation": link.relation,
        "factcheck": {
            "id": factcheck.pk,
            "fact_checker": factcheck.fact_checker,
            "claim_reviewed": factcheck.claim_reviewed,
            "headline": factcheck.headline,
            "rating": factcheck.rating,
            "rating_score": factcheck.rating_score,
            "url": factcheck.url,
            "published": factcheck.published,
            "api_url": f"/api/v1/factchecks/{factcheck.pk}/",
        },
    }


def claim_payload(claim: Claim) -> dict:
    """What an event says about a claim: enough to act on without calling back, ids to call back with."""
    speaker = claim.speaker
    return {
        "id": claim.pk,
        "status": claim.status,
        "kind": claim.kind,
        "text": claim.text,
        "speaker": {"id": speaker.pk, "name": speaker.name, "kind": speaker.kind} if speaker else None,
        "rating": claim.rating,
        "first_reported_at": claim.first_reported_at,
        "revision": claim.revision,
        "citation_count": getattr(claim, "citation_count", None),
        "api_url": f"/api/v1/claims/{claim.pk}/",
    }


def create_deliveries(event: str, claim_id: int, *, occurred_at=None, details: dict | None = None) -> list[int]:
    """Write one delivery row per active webhook listening for ``event`` and queue each; return ids."""
    hooks = list(Webhook.objects.active().for_event(event).values_list("pk", flat=True))
    claim = Claim.objects.with_citation_counts().select_related("speaker").filter(pk=claim_id).first()
    if not hooks or claim is None:
        return []
    occurred_at = occurred_at or timezone.now()
    payload = json.loads(
        json.dumps(
            {"event": event, "occurred_at": occurred_at, "claim": claim_payload(claim), **(details or {})}, cls=DjangoJSONEncoder
        )
    )
    rows = WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(webhook_id=pk, event=event, payload=payload, next_attempt_at=occurred_at) for pk in hooks]
    )
    ids = [row.pk for row in rows if row.pk] or list(
        WebhookDelivery.objects.filter(webhook_id__in=hooks, event=event, next_attempt_at=occurred_at).values_list("pk", flat=True)
    )
    for delivery_id in ids:
        _enqueue(delivery_id)
    return ids


def longest_countdown() -> float:
    """The longest retry wait sent as a countdown: half the broker's visibility timeout (see above)."""
    return settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600) / 2


def _enqueue(delivery_id: int, countdown: float | None = None) -> bool:
    """Queue one delivery; if the broker is down the row stays due and deliver_due_webhooks sends it."""
    from claims.tasks import deliver_webhook
    from factdesk.queueing import enqueue

    return enqueue(deliver_webhook, delivery_id, countdown=countdown)


# --------------------------------------------------------------------------- delivering


def attempt_delivery(delivery_id: int) -> WebhookDelivery | None:
    """POST one delivery once and record the outcome on its row; return the row (None if gone).

    Success is any 2xx answer. On failure the row gets the error, the attempt count and when to
    try next (exponential backoff), or ``failed`` after the last attempt. Safe to run twice:
    a delivered or finally failed row is left alone.
    """
    from articles.fetching import FetchRefused, post_checked

    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update().select_related("webhook").filter(pk=delivery_id).first()
        )
        if delivery is None or delivery.status in (DeliveryStatus.DELIVERED, DeliveryStatus.FAILED):
            return delivery
        delivery.attempts += 1
        delivery.save(update_fields=["attempts"])
    webhook = delivery.webhook
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode("utf-8")
    code, error = None, ""
    if not webhook.active:
        error = "the webhook was deactivated"
    else:
        try:
            check_webhook_scheme(webhook.url)
            response = post_checked(
                webhook.url,
                data=body,
                headers={
                    "Content-Type": "application/json",
                    "User-Agent": USER_AGENT,
                    SIGNATURE_HEADER: sign(body, webhook.secret),
                    EVENT_HEADER: delivery.event,
                    DELIVERY_HEADER: str(delivery.pk),
                    TIMESTAMP_HEADER: str(int(time.time())),
                },
                timeout=float(_setting("FACTDESK_WEBHOOK_TIMEOUT", settings.FACTDESK_FETCH_TIMEOUT)),
                allow_private=settings.FACTDESK_FETCH_ALLOW_PRIVATE,
            )  # to the address that was checked, redirects not followed (they could lead anywhere)
            code = response.status_code
            if not 200 <= code < 300:
                error = f"the endpoint answered HTTP {code}" + (" (redirects are not followed)" if 300 <= code < 400 else "")
        except ValidationError as exc:
            error = " ".join(exc.messages)
        except FetchRefused as exc:
            error = f"FactDesk did not send: {exc}"
    now = timezone.now()
    values = {"response_code": code, "last_error": error[:4000]}
    if not error:
        values.update(status=DeliveryStatus.DELIVERED, delivered_at=now, next_attempt_at=None)
    elif delivery.attempts >= max_attempts() or not webhook.active:
        values.update(status=DeliveryStatus.FAILED, next_attempt_at=None)
    else:
        values.update(status=DeliveryStatus.RETRYING, next_attempt_at=now + timedelta(seconds=backoff_seconds(delivery.attempts)))
    WebhookDelivery.objects.filter(pk=delivery.pk).update(**values)
    for name, value in values.items():
        setattr(delivery, name, value)
    if error:
        logger.warning("webhook delivery %s to %s failed (attempt %s): %s", delivery.pk, webhook.url, delivery.attempts, error)
    return delivery


def deliver(delivery_id: int) -> str | None:
    """The body of ``claims.deliver_webhook``: POST once; on failure queue the retry if its wait is short."""
    delivery = attempt_delivery(delivery_id)
    if delivery is None:
        return None
    if delivery.status == DeliveryStatus.RETRYING:
        wait = max(0.0, (delivery.next_attempt_at - timezone.now()).total_seconds())
        if wait <= longest_countdown():  # a longer wait is left to queue_due_deliveries
            _enqueue(delivery.pk, countdown=wait)
    return delivery.status


def queue_due_deliveries() -> int:
    """The body of ``claims.deliver_due_webhooks``: queue deliveries that are due and have no message waiting."""
    # Leaves alone deliveries whose own (countdown or first) message should still be running.
    cutoff = timezone.now() - timedelta(seconds=longest_countdown())
    ids = list(WebhookDelivery.objects.due(cutoff).values_list("pk", flat=True)[:1000])
    for delivery_id in ids:
        _enqueue(delivery_id)
    return len(ids)
