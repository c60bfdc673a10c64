"""Django admin for outlets, articles (read-only, with their versions), feeds, and an upload page.

Article text and everything the import produced are read-only here: text only changes through
``articles.services`` (which keeps versions). The upload page and the "poll now" action call
the same services and tasks as the Import screen and Celery beat. ``ArticleAdmin`` is meant to
be subclassed (claims/admin.py adds candidate inlines), so keep it importable by that name.

Articles are never deleted here (their citations would go with them), and their metadata is
read-only in this app: a corrected title, byline or publication time is an audited decision
that moves "first reported" of claims, so the ``claims`` admin's subclass makes those fields
editable and saves them through its service (``articles`` does not import ``claims``).
"""
from __future__ import annotations

import logging
from collections import Counter

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.text import Truncator

from articles import services
from articles.fetching import FetchRefused, check_url
from articles.forms import ImportForm
from articles.models import Article, ArticleVersion, Feed, Outlet
from articles.views import FileResult, _limits, queue_fetch_after_commit
from factdesk.admin_policy import KeptRecordAdmin

logger = logging.getLogger(__name__)


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "domain", "article_count")
    search_fields = ("name", "domain")
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_articles=Count("articles"))

    @admin.display(description="Articles", ordering="n_articles")
    def article_count(self, outlet):
        return outlet.n_articles


class ArticleVersionInline(admin.TabularInline):
    model = ArticleVersion
    extra = 0
    can_delete = False
    fields = ("number", "title", "content_hash", "created_at", "excerpt")
    readonly_fields = fields
    ordering = ("-number",)
    show_change_link = False

    @admin.display(description="Text")
    def excerpt(self, version):
        return Truncator(version.text).chars(160)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Article)
class ArticleAdmin(KeptRecordAdmin, admin.ModelAdmin):
    instead_of_delete = ("articles are kept with every version, so the claims citing them stay valid; import a "
                         "corrected version instead.")
    change_list_template = "articles/admin_change_list.html"
    list_display = ("display_title", "outlet", "published_at", "language", "source_format", "version", "imported_at")
    list_filter = ("outlet", "source_format", "published_at", "language")
    search_fields = ("title", "url", "text")
    list_select_related = ("outlet", "imported_by")
    date_hierarchy = "published_at"
    inlines = [ArticleVersionInline]
    # What the import produced; text never changes here (a change would move every citation).
    import_fields = (
        "outlet", "url", "external_id", "text", "content_hash", "version", "source_format",
        "imported_at", "updated_at", "imported_by",
    )
    # Editable only where the edit is audited (the claims admin's subclass).
    metadata_fields = ("title", "byline", "published_at", "language")
    readonly_fields = metadata_fields + import_fields
    fields = metadata_fields + import_fields

    def has_add_permission(self, request):
        return False  # articles come in through the upload page, the Import screen or the command

    def save_model(self, request, obj, form, change):
        pass  # nothing is editable here (see the module docstring)

    def get_urls(self):
        upload = path("upload/", self.admin_site.admin_view(self.upload_view), name="articles_article_upload")
        return [upload] + super().get_urls()

    def upload_view(self, request):
        """Several files at once, with a result row per file (created / new version / unchanged / failed)."""
        if not request.user.has_perm("articles.add_article"):
            raise PermissionDenied
        results, queued_url = [], ""
        if request.method == "POST":
            form = ImportForm(request.POST, request.FILES)
            if form.is_valid():
                data = form.cleaned_data
                for upload in data["files"]:
                    outcomes = services.import_bytes(
                        upload.read(), name=upload.name, fmt=data["format"] or None, outlet=data["outlet"],
                        user=request.user, content_type=upload.content_type or "",
                    )
                    results.append(FileResult(upload.name, outcomes))
                queued_url = data["url"]
                if queued_url and queue_fetch_after_commit(queued_url, data["outlet"], request.user.pk)["queued"] is False:
                    messages.error(request, f"{queued_url} could not be queued: the task queue is unreachable. Try again later.")
                    queued_url = ""
                form = ImportForm()
        else:
            form = ImportForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Upload articles",
            "form": form,
            "results": results,
            "queued_url": queued_url,
            "totals": Counter(o.status for r in results for o in r.outcomes),
            **_limits(),
        }
        return TemplateResponse(request, "articles/admin_upload.html", context, status=400 if form.errors else 200)


class FeedUrlForm(forms.ModelForm):
    """A feed's URL, refused when it points inside the network (unless configured): for every kind of feed."""

    url = forms.URLField(max_length=2000, assume_scheme="https")

    def clean_url(self):
        url = self.cleaned_data["url"]
        try:
            check_url(url, allow_private=settings.FACTDESK_FETCH_ALLOW_PRIVATE)
        except FetchRefused as exc:
            raise forms.ValidationError(str(exc)) from None
        return url


class FeedForm(FeedUrlForm):
    class Meta:
        model = Feed
        fields = ("url", "outlet", "active")


class PolledFeedAdmin(admin.ModelAdmin):
    """What every polled feed's admin shares: its last error, and "Poll now" queueing ``poll_task``.

    Subclasses name the task polling one feed by id (``poll_task``, a Celery task).
    """

    actions = ["poll_now"]

    def poll_task(self):
        raise NotImplementedError

    @admin.display(description="Last error")
    def last_error_short(self, feed):
        return Truncator(feed.last_error).chars(80)

    @admin.action(description="Poll now (queued for the worker)")
    def poll_now(self, request, queryset):
        from factdesk.queueing import enqueue

        task = self.poll_task()
        ids = list(queryset.filter(active=True).values_list("pk", flat=True))
        failed = []

        def queue(feed_id):
            if not enqueue(task, feed_id):
                failed.append(feed_id)

        for feed_id in ids:
            transaction.on_commit(lambda feed_id=feed_id: queue(feed_id))
        if failed:
            self.message_user(request, "The task queue is unreachable; no feed was queued. Try again later.", messages.ERROR)
            return
        skipped = queryset.count() - len(ids)
        self.message_user(request, f"{len(ids)} feed(s) queued for polling." + (f" {skipped} inactive skipped." if skipped else ""),
                          messages.SUCCESS)


@admin.register(Feed)
class FeedAdmin(PolledFeedAdmin):
    form = FeedForm
    list_display = ("url", "outlet", "active", "last_polled_at", "entries_imported", "last_error_short")
    list_filter = ("active", "outlet")
    search_fields = ("url", "outlet__name")
    list_select_related = ("outlet",)
    readonly_fields = ("etag", "last_modified", "last_polled_at", "last_error", "entries_imported")

    def poll_task(self):
        from articles.tasks import poll_feed

        return poll_feed
