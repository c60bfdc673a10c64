"""Outlets, articles and their versions, and registered feeds.

An article's ``text`` is plain text with paragraphs kept; every citation points at offsets in
one version of it, so text only ever changes through ``articles.services`` and each change
keeps the previous text as an ``ArticleVersion``.
"""
import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import slugify


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Outlet(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    domain = models.CharField(max_length=253, blank=True, db_index=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:200] or "outlet"
        super().save(*args, **kwargs)


class SourceFormat(models.TextChoices):
    TEXT = "text", "Plain text"
    HTML = "html", "HTML page"
    JSON = "json", "JSON"
    JSONL = "jsonl", "JSON Lines"
    FEED = "feed", "RSS/Atom feed"
    URL = "url", "Fetched URL"


class ArticleQuerySet(models.QuerySet):
    def for_outlet(self, outlet):
        return self.filter(outlet=outlet)

    def published_between(self, start=None, end=None):
        qs = self
        if start:
            qs = qs.filter(published_at__gte=start)
        if end:
            qs = qs.filter(published_at__lte=end)
        return qs

    def recent(self):
        return self.order_by("-imported_at")


class Article(models.Model):
    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="articles")
    url = models.URLField(max_length=2000, blank=True)
    external_id = models.CharField(
        max_length=300, blank=True, help_text="Stable id within the outlet: a JSON doc_id, a feed guid, a file name."
    )
    title = models.CharField(max_length=1000, blank=True)
    byline = models.CharField(max_length=500, blank=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    language = models.CharField(max_length=20, default="en")
    text = models.TextField()
    content_hash = models.CharField(max_length=64, db_index=True)
    version = models.PositiveIntegerField(default=1)
    source_format = models.CharField(max_length=10, choices=SourceFormat.choices)
    imported_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    import_warning = models.TextField(
        blank=True, help_text="What an editor should check about the current text, e.g. a guessed character encoding."
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["outlet", "url"], condition=~Q(url=""), name="article_unique_url_per_outlet"),
            models.UniqueConstraint(
                fields=["outlet", "external_id"], condition=~Q(external_id=""), name="article_unique_external_id_per_outlet"
            ),
            models.CheckConstraint(condition=~Q(text=""), name="article_text_not_empty"),
            models.CheckConstraint(condition=Q(version__gte=1), name="article_version_positive"),
        ]

    def __str__(self):
        return self.title or f"{self.outlet} article {self.pk}"

    def get_absolute_url(self):
        return reverse("claims:article", args=[self.pk])

    @property
    def display_title(self):
        return self.title or self.text[:80]

    @property
    def word_count(self):
        return len(self.text.split())


class ArticleVersion(models.Model):
    """One text an article has had. The current text is also the newest version."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    text = models.TextField()
    content_hash = models.CharField(max_length=64)
    title = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["article", "number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="article_version_unique_number"),
        ]

    def __str__(self):
        return f"{self.article} v{self.number}"


class FeedQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class Feed(models.Model):
    """An RSS/Atom feed polled by Celery beat; only new entries are imported."""

    url = models.URLField(max_length=2000, unique=True)
    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="feeds")
    active = models.BooleanField(default=True)
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    entries_imported = models.PositiveIntegerField(default=0)

    objects = FeedQuerySet.as_manager()

    class Meta:
        ordering = ["url"]

    def __str__(self):
        return self.url
