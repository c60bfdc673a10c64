"""Serializers for outlets and articles: explicit fields; lists leave the text out."""
import datetime as dt

from django.conf import settings
from rest_framework import serializers

from articles.fetching import FetchRefused, check_url
from articles.models import Article, ArticleVersion, Outlet


class OutletSerializer(serializers.ModelSerializer):
    class Meta:
        model = Outlet
        fields = ["id", "name", "slug", "domain"]


class OutletBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Outlet
        fields = ["id", "name"]


class ArticleVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ArticleVersion
        fields = ["number", "title", "content_hash", "created_at"]


def article_url_field():
    """An article's address as stored: a URL, or empty when the import had none (so not ``format: uri``)."""
    return serializers.CharField(read_only=True, help_text="The article's address; empty when it has none.")


class ArticleListSerializer(serializers.ModelSerializer):
    outlet = OutletBriefSerializer(read_only=True)
    url = article_url_field()

    class Meta:
        model = Article
        fields = [
            "id", "outlet", "url", "external_id", "title", "byline", "published_at", "language", "version",
            "content_hash", "source_format", "imported_at", "updated_at",
        ]
        read_only_fields = fields


class ArticleDetailSerializer(ArticleListSerializer):
    versions = ArticleVersionSerializer(many=True, read_only=True)

    class Meta(ArticleListSerializer.Meta):
        fields = ArticleListSerializer.Meta.fields + ["text", "versions", "import_warning"]
        read_only_fields = fields


class ArticleImportSerializer(serializers.Serializer):
    """Either an article's text with its metadata (imported at once) or a URL to fetch (queued)."""

    source_url = serializers.URLField(
        required=False, max_length=2000, help_text="Fetch this page or feed in the worker and import it (answers 202)."
    )
    text = serializers.CharField(required=False, trim_whitespace=False, help_text="The article's plain text.")
    title = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")
    url = serializers.URLField(required=False, allow_blank=True, max_length=2000, default="")
    outlet = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    byline = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")
    # Stored in UTC: PostgreSQL refuses offsets past ±15:59 that ISO 8601 allows.
    published_at = serializers.DateTimeField(required=False, allow_null=True, default=None, default_timezone=dt.timezone.utc)
    language = serializers.CharField(required=False, max_length=20, default="en")
    external_id = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")

    def validate_source_url(self, url):
        # The Import screen's check, before anything is queued: the worker would refuse the same
        # URL later, where only its log would say so. It checks again on every hop.
        try:
            check_url(url, allow_private=settings.FACTDESK_FETCH_ALLOW_PRIVATE)
        except FetchRefused as exc:
            raise serializers.ValidationError(str(exc)) from None
        return url

    def validate(self, attrs):
        has_text = bool((attrs.get("text") or "").strip())
        if bool(attrs.get("source_url")) == has_text:
            raise serializers.ValidationError("Send either 'text' (with its metadata) or 'source_url', not both or neither.")
        max_bytes = self.context.get("max_bytes", settings.FACTDESK_MAX_ARTICLE_BYTES)
        if len((attrs.get("text") or "").encode("utf-8", "surrogatepass")) > max_bytes:
            raise serializers.ValidationError({"text": f"The text is longer than the import limit of {max_bytes:,} bytes (UTF-8)."})
        return attrs


class ImportResultSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="created, new_version, unchanged or queued.")
    detail = serializers.CharField()
    article = ArticleDetailSerializer(required=False)
