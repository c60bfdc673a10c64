"""The "For me" page's data: checks assigned to an editor, what they were told, and what they have read.

Read state is the reader's own bookmark (``InboxState.read_until``), not an editorial record:
marking read is not audited, and never touches a notification that undoing a note removes.
"""
from __future__ import annotations

from django.utils import timezone

from claims.checking.models import DeskCheck, InboxState, Notification

INBOX_LENGTH = 100


def read_until(user):
    return InboxState.objects.filter(user=user).values_list("read_until", flat=True).first()


def unread_count(user) -> int:
    since = read_until(user)
    notifications = Notification.objects.for_user(user)
    return (notifications.filter(created_at__gt=since) if since else notifications).count()


def for_me(user) -> dict:
    """Open checks assigned to ``user`` and their latest notifications, each marked read or unread."""
    since = read_until(user)
    notifications = list(
        Notification.objects.for_user(user).select_related("claim", "note", "actor").defer("claim__embedding")[:INBOX_LENGTH]
    )
    for item in notifications:
        item.unread = since is None or item.created_at > since
    checks = list(DeskCheck.objects.assigned_to(user).open().select_related("claim").defer("claim__embedding")
                  .order_by("state", "-updated_at"))
    return {"checks": checks, "notifications": notifications, "unread": sum(1 for item in notifications if item.unread)}


def mark_all_read(user) -> None:
    """Everything the user was told until now is read."""
    InboxState.objects.update_or_create(user=user, defaults={"read_until": timezone.now()})
