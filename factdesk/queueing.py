"""Queueing Celery tasks: the one way the web app, commands and tasks put work on the broker.

``enqueue`` sends a task and returns whether the broker took it. A broker outage never fails
the request, import or decision that wanted the work: the failure is logged and ``False`` is
returned, and the work is picked up later from the database (``claims.reconcile_extraction``
re-queues articles whose extraction is queued but has no message, ``claims.deliver_due_webhooks``
sends deliveries that are due). ``enqueue_on_commit`` does the same once the surrounding
transaction commits, so a worker never looks for rows that are not there yet.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def _broker_errors(task) -> tuple[type[BaseException], ...]:
    """What a broker outage raises: kombu's wrapper and the transport client's own errors."""
    connection = task.app.connection_for_write()  # lazy: this does not connect
    try:
        return (OperationalError, OSError, *connection.connection_errors, *connection.channel_errors)
    finally:
        connection.release()


def enqueue(task, *args, countdown: float | None = None, **kwargs) -> bool:
    """Send ``task(*args, **kwargs)`` to the broker now; False (logged) when the broker is unreachable.

    ``countdown``: seconds before a worker may run it. Keep it well under the broker's visibility
    timeout: Redis hands a message held that long to a second worker.
    """
    try:
        task.apply_async(args, kwargs, countdown=countdown)
    except _broker_errors(task) as exc:
        logger.warning("could not queue %s (%s: %s); it is picked up again from the database when the broker is back",
                       task.name, type(exc).__name__, exc)
        return False
    return True


@dataclass
class Queueing:
    """What ``enqueue_on_commit`` did: ``sent`` is None until the transaction commits, then True or False."""

    sent: bool | None = None

    @property
    def failed(self) -> bool:
        return self.sent is False


def enqueue_on_commit(task, *args, **kwargs) -> Queueing:
    """``enqueue`` once the surrounding transaction commits (at once outside a transaction)."""
    queueing = Queueing()

    def send():
        queueing.sent = enqueue(task, *args, **kwargs)

    transaction.on_commit(send)
    return queueing
