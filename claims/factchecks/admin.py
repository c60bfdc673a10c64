"""Admin for the fact-check library: records are read here (imports write them); links are decided with actions;
fact-checkers' feeds are registered here, as article feeds are, and polled by Celery beat."""
from __future__ import annotations

from django.contrib import admin, messages

from articles.admin import FeedUrlForm, PolledFeedAdmin
from claims.admin_actions import DeskAdminMedia, run_decisions, selected_ids, short
from claims.factchecks import linking
from claims.factchecks.models import FactCheck, FactCheckFeed, FactCheckLink
from factdesk.admin_policy import KeptRecordAdmin


@admin.register(FactCheck)
class FactCheckAdmin(KeptRecordAdmin, admin.ModelAdmin):
    Media = DeskAdminMedia
    instead_of_delete = "fact-checks are kept; a publisher's change comes in as a new version on re-import."
    list_display = ["pk", "claim_text", "rating", "fact_checker", "published", "version", "source_format", "imported_at"]
    list_filter = ["source_format", "fact_checker", "published", "language"]
    search_fields = ["claim_reviewed", "headline", "fact_checker", "url"]
    readonly_fields = [field.name for field in FactCheck._meta.fields if field.name != "embedding"]
    exclude = ["embedding"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("embedding")

    def has_add_permission(self, request):
        return False  # fact-checks come in through manage.py import_factchecks

    def save_model(self, request, obj, form, change):
        pass  # every field is read-only

    @admin.display(description="claim reviewed")
    def claim_text(self, obj):
        return short(obj.claim_reviewed, 80)


@admin.register(FactCheckLink)
class FactCheckLinkAdmin(KeptRecordAdmin, admin.ModelAdmin):
    Media = DeskAdminMedia
    instead_of_delete = "reject it with the \"Reject selected links\" action instead (audited, undoable)."
    list_display = ["pk", "claim_text", "factcheck_text", "score", "relation", "state", "created_at"]
    list_filter = ["state", "relation", "factcheck__fact_checker"]
    search_fields = ["claim__text", "factcheck__claim_reviewed"]
    list_select_related = ["claim", "factcheck"]
    raw_id_fields = ["claim", "factcheck", "decided_by"]
    readonly_fields = ["claim", "factcheck", "state", "relation", "score", "lexical", "semantic", "evidence", "decided_by",
                       "decided_at", "created_at"]
    actions = ["confirm", "reject"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("claim__embedding", "factcheck__embedding")

    def has_add_permission(self, request):
        return False  # links are suggested by linking

    def save_model(self, request, obj, form, change):
        pass  # every field is read-only: links are confirmed or rejected with the actions

    @admin.display(description="claim")
    def claim_text(self, obj):
        return f"{obj.claim_id}: {short(obj.claim.text, 60)}"

    @admin.display(description="fact-check")
    def factcheck_text(self, obj):
        return f"{obj.factcheck.fact_checker or '—'}: {short(obj.factcheck.claim_reviewed, 60)} ({obj.factcheck.rating})"

    @admin.action(description="Confirm selected links")
    def confirm(self, request, queryset):
        run_decisions(self, request, selected_ids(queryset),
                      lambda pk: linking.confirm_factcheck_link(link_id=pk, actor=request.user), "Confirmed {n} link(s).")

    @admin.action(description="Reject selected links")
    def reject(self, request, queryset):
        run_decisions(self, request, selected_ids(queryset),
                      lambda pk: linking.reject_factcheck_link(link_id=pk, actor=request.user), "Rejected {n} link(s).")


class FactCheckFeedForm(FeedUrlForm):
    class Meta:
        model = FactCheckFeed
        fields = ("url", "name", "active")


@admin.register(FactCheckFeed)
class FactCheckFeedAdmin(PolledFeedAdmin):
    Media = DeskAdminMedia
    form = FactCheckFeedForm
    list_display = ("url", "name", "active", "last_polled_at", "records_imported", "last_error_short")
    list_filter = ("active",)
    search_fields = ("url", "name")
    readonly_fields = ("etag", "last_modified", "last_polled_at", "last_error", "records_imported", "created_at")

    def poll_task(self):
        from claims.factchecks.tasks import poll_factcheck_feed

        return poll_factcheck_feed
