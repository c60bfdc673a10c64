"""The vocabulary of the desk's own checks: a check's states, notes on claims, and what tells an editor.

A ``DeskCheck`` is one claim taken up by the desk: to check → in progress → verdict drafted →
approved → published (``claims.checking.rules`` says which moves are allowed). A ``Note`` is an
editor's plain-text remark on a claim; its @mentions and the check's assignment become
``Notification`` rows, which the "For me" page lists (unread: newer than the reader's
``InboxState.read_until``, so marking read never touches a row an undo may need to remove).
"""
from django.conf import settings
from django.db import models
from django.db.models import Q


class CheckState(models.TextChoices):
    TO_CHECK = "to_check", "To check"
    IN_PROGRESS = "in_progress", "In progress"
    DRAFTED = "drafted", "Verdict drafted"
    APPROVED = "approved", "Approved"
    PUBLISHED = "published", "Published"


class DeskCheckQuerySet(models.QuerySet):
    def assigned_to(self, user):
        return self.filter(assignee=user)

    def open(self):
        return self.exclude(state=CheckState.PUBLISHED)


class DeskCheck(models.Model):
    claim = models.OneToOneField("claims.Claim", on_delete=models.CASCADE, related_name="desk_check")
    state = models.CharField(max_length=12, choices=CheckState.choices, default=CheckState.TO_CHECK, db_index=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="desk_checks")
    verdict = models.CharField(max_length=100, blank=True, help_text="The rating as the desk will publish it.")
    explanation = models.TextField(blank=True)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    factcheck = models.OneToOneField("claims.FactCheck", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="desk_check", help_text="The library record a published verdict made.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    revision = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DeskCheckQuerySet.as_manager()

    class Meta:
        app_label = "claims"
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["to_check", "in_progress"]) | ~Q(verdict=""),
                name="deskcheck_verdict_once_drafted",
            ),
            models.CheckConstraint(
                condition=~Q(state="published") | Q(factcheck__isnull=False, published_at__isnull=False),
                name="deskcheck_published_has_factcheck",
            ),
        ]

    def __str__(self):
        return f"Check of claim {self.claim_id}: {self.get_state_display()}"


class Note(models.Model):
    claim = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField()
    mentions = models.JSONField(default=list, blank=True, help_text="Usernames the note mentioned, as resolved.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        app_label = "claims"
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"Note on claim {self.claim_id}: {self.text[:60]}"


class NotificationReason(models.TextChoices):
    ASSIGNED = "assigned", "Assigned a check to you"
    MENTIONED = "mentioned", "Mentioned you in a note"
    NOTE_ON_YOUR_CHECK = "note", "Left a note on a check assigned to you"


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(recipient=user)


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="desk_notifications")
    reason = models.CharField(max_length=10, choices=NotificationReason.choices)
    claim = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, related_name="+")
    note = models.ForeignKey(Note, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        app_label = "claims"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "-created_at"], name="notification_inbox_idx")]

    def __str__(self):
        return f"{self.get_reason_display()} → {self.recipient_id} (claim {self.claim_id})"


class InboxState(models.Model):
    """What one editor has read of the "For me" page: everything up to ``read_until``."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="desk_inbox")
    read_until = models.DateTimeField()

    class Meta:
        app_label = "claims"

    def __str__(self):
        return f"{self.user_id} read until {self.read_until:%Y-%m-%d %H:%M}"
