"""Django admin for claims: the review models, declarative; actions and saves call claims.services.

What the pipeline produced (offsets, texts, scores, evidence, hashes) is read-only here; every
change of state goes through the same service functions as the review screens, and each
action reports what it did and what was refused. Saving a form calls a service too (a claim's
rating, a speaker with its aliases and roles, an article's metadata), so admin edits are
audited and undoable like any decision; editorial records have no delete (``KeptRecordAdmin``
says what to do instead). Changelists select their related rows up front
(``list_select_related`` and annotated counts), so a page costs the same number of queries
whatever its length. The article admin gets the article's candidates and extraction state as
inlines, and its metadata edits, by extending the articles app's own ``ArticleAdmin``.
Shared action helpers are in ``admin_actions``; speakers have their own module, ``admin_speakers``.
"""
from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Count

from articles.admin import ArticleAdmin
from articles.models import Article
from claims import admin_speakers, admin_webhooks  # noqa: F401  (register the speaker and webhook admins)
from claims import services
from claims.factchecks import admin as factcheck_admin  # noqa: F401  (register the fact-check admins)
from claims.admin_actions import DeskAdminMedia, merge_into_oldest, requeue_extraction, run_decisions, selected_ids, short
from claims.admin_filters import SpeakerNameFilter
from claims.models import (
    ArticleExtraction,
    Candidate,
    Citation,
    Claim,
    ClaimShingle,
    Match,
    ReviewEvent,
)
from factdesk.admin_policy import KeptRecordAdmin
from factdesk.auth import ThrottledAdminAuthenticationForm


# --------------------------------------------------------------------------- extraction


@admin.register(ArticleExtraction)
class ArticleExtractionAdmin(KeptRecordAdmin, admin.ModelAdmin):
    instead_of_delete = "re-run the extraction with the \"Re-run extraction\" action instead."
    list_display = ["article_title", "outlet", "status", "candidate_count", "attempts", "extractor_version",
                    "finished_at", "short_error"]
    list_filter = ["status", "article__outlet", "extractor_version", "finished_at"]
    search_fields = ["article__title", "error"]
    list_select_related = ["article__outlet"]
    readonly_fields = ["article", "status", "extractor_version", "content_hash", "candidate_count", "error", "attempts",
                       "queued_at", "finished_at", "updated_at"]
    actions = ["rerun_extraction"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("article__text")

    def has_add_permission(self, request):
        return False  # extraction state is written by the pipeline

    @admin.display(description="article", ordering="article__title")
    def article_title(self, obj):
        return short(obj.article.display_title if obj.article.title else f"article {obj.article_id}", 70)

    @admin.display(description="outlet", ordering="article__outlet__name")
    def outlet(self, obj):
        return obj.article.outlet

    @admin.display(description="error")
    def short_error(self, obj):
        return short(obj.error, 80)

    @admin.action(description="Re-run extraction for the selected articles")
    def rerun_extraction(self, request, queryset):
        requeue_extraction(self, request, queryset.values_list("article_id", flat=True))


class CandidateInline(admin.TabularInline):
    model = Candidate
    fields = ["kind", "status", "short_text", "speaker", "cue", "confidence", "start", "end"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = ["start"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("speaker")

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="text")
    def short_text(self, obj):
        return short(obj.text, 120)


class ArticleExtractionInline(admin.StackedInline):
    model = ArticleExtraction
    fields = ["status", "extractor_version", "candidate_count", "attempts", "error", "queued_at", "finished_at"]
    readonly_fields = fields
    can_delete = False
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False


# --------------------------------------------------------------------------- candidates


@admin.register(Candidate)
class CandidateAdmin(KeptRecordAdmin, admin.ModelAdmin):
    Media = DeskAdminMedia
    instead_of_delete = "reject it with the \"Reject selected candidates\" action instead (audited, undoable)."
    list_display = ["short_text", "kind", "status", "speaker_name", "outlet", "confidence", "claim", "created_at"]
    list_filter = ["status", "kind", "article__outlet", ("speaker", admin.RelatedOnlyFieldListFilter), "speaker_resolved",
                   "created_at"]
    search_fields = ["text", "speaker_text", "speaker__name", "cue"]
    list_select_related = ["speaker", "article__outlet", "claim"]
    raw_id_fields = ["article", "speaker", "claim", "reviewed_by"]
    readonly_fields = ["article", "content_hash", "kind", "start", "end", "text", "speaker", "speaker_text", "speaker_start",
                       "speaker_end", "speaker_resolved", "cue", "cue_start", "cue_end", "confidence", "checkworthiness",
                       "floating", "extractor_version", "status", "claim", "reviewed_by", "reviewed_at", "matched_at",
                       "revision", "created_at"]
    actions = ["confirm", "reject"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("article__text", "claim__embedding")

    def has_add_permission(self, request):
        return False  # candidates come from extraction

    def save_model(self, request, obj, form, change):
        pass  # every field is what extraction produced; decisions are the actions (and the review screens)

    @admin.display(description="text", ordering="text")
    def short_text(self, obj):
        return short(obj.text)

    @admin.display(description="speaker", ordering="speaker__name")
    def speaker_name(self, obj):
        return obj.speaker_label

    @admin.display(description="outlet", ordering="article__outlet__name")
    def outlet(self, obj):
        return obj.article.outlet

    @admin.action(description="Confirm selected candidates")
    def confirm(self, request, queryset):
        run_decisions(self, request, selected_ids(queryset),
                      lambda pk: services.confirm_candidate(candidate_id=pk, actor=request.user),
                      "Confirmed {n} candidate(s).")

    @admin.action(description="Reject selected candidates")
    def reject(self, request, queryset):
        run_decisions(self, request, selected_ids(queryset),
                      lambda pk: services.reject_candidate(candidate_id=pk, actor=request.user),
                      "Rejected {n} candidate(s).")


# --------------------------------------------------------------------------- claims


class CitationInline(admin.TabularInline):
    model = Citation
    fk_name = "claim"
    fields = ["article", "short_quote", "start", "end", "anchor_state", "article_version", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("article__outlet").defer("article__text")

    def has_add_permission(self, request, obj=None):
        return False  # cite through the screens (services.cite_span)

    @admin.display(description="quote")
    def short_quote(self, obj):
        return short(obj.quote, 120)


class ReviewEventInline(admin.TabularInline):
    model = ReviewEvent
    fk_name = "claim"
    fields = ["created_at", "actor", "action", "summary", "undone_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["-created_at", "-id"]
    verbose_name = "audit event"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Claim)
class ClaimAdmin(KeptRecordAdmin, admin.ModelAdmin):
    Media = DeskAdminMedia
    instead_of_delete = ("reject it, or merge it into the claim it repeats, with the claim list's actions instead "
                         "(audited, undoable).")
    list_display = ["pk", "short_text", "speaker", "kind", "status", "first_outlet", "first_reported_at", "citation_total",
                    "rating"]
    list_display_links = ["pk", "short_text"]
    list_filter = ["status", "kind", "first_article__outlet", SpeakerNameFilter,
                   "first_reported_at", "created_at"]
    search_fields = ["text", "speaker__name", "rating"]
    list_select_related = ["speaker", "first_article__outlet"]
    raw_id_fields = ["speaker", "merged_into", "first_article", "confirmed_by"]
    readonly_fields = ["text", "speaker", "kind", "status", "merged_into", "first_article", "first_reported_at",
                       "confirmed_by", "confirmed_at", "revision", "created_at", "updated_at"]
    fields = readonly_fields[:3] + ["rating", "rating_explanation"] + readonly_fields[3:]
    inlines = [CitationInline, ReviewEventInline]
    actions = ["confirm", "reject", "merge_into_oldest"]

    def get_queryset(self, request):
        return (
            super().get_queryset(request)
            .defer("embedding", "first_article__text")
            .annotate(citation_count=Count("citations", distinct=True))
        )

    def has_add_permission(self, request):
        return False  # claims come from candidates (confirm, match) or a split

    def save_model(self, request, obj, form, change):
        # The rating is an editorial decision too: record it through the service, not a bare save.
        changed = {name: form.cleaned_data[name] for name in ("rating", "rating_explanation") if name in form.changed_data}
        if not changed:
            return
        try:
            services.edit_claim(claim_id=obj.pk, actor=request.user, **changed)
        except services.DecisionError as exc:
            self.message_user(request, str(exc), messages.ERROR)

    @admin.display(description="text", ordering="text")
    def short_text(self, obj):
        return short(obj.text)

    @admin.display(description="first reported in", ordering="first_article__outlet__name")
    def first_outlet(self, obj):
        return obj.first_article.outlet if obj.first_article_id else "—"

    @admin.display(description="citations", ordering="citation_count")
    def citation_total(self, obj):
        return obj.citation_count

    @admin.action(description="Confirm selected claims")
    def confirm(self, request, queryset):
        run_decisions(self, request, selected_ids(queryset), lambda pk: services.confirm_claim(claim_id=pk, actor=request.user),
                      "Confirmed {n} claim(s).")

    @admin.action(description="Reject selected claims")
    def reject(self, request, queryset):
        run_decisions(self, request, selected_ids(queryset), lambda pk: services.reject_claim(claim_id=pk, actor=request.user),
                      "Rejected {n} claim(s).")

    @admin.action(description="Merge selected claims into the oldest")
    def merge_into_oldest(self, request, queryset):
        merge_into_oldest(self, request, queryset, "claim",
                          lambda source, target: services.merge_claims(source_id=source, target_id=target, actor=request.user))


@admin.register(ClaimShingle)
class ClaimShingleAdmin(KeptRecordAdmin, admin.ModelAdmin):
    """The retrieval index of matching: inspectable, never edited by hand."""

    instead_of_delete = "it is matching's index of its claim, and goes with the claim."
    list_display = ["claim_id", "value"]
    search_fields = ["=claim__id", "=value"]
    readonly_fields = ["claim", "value"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Citation)
class CitationAdmin(KeptRecordAdmin, admin.ModelAdmin):
    Media = DeskAdminMedia
    instead_of_delete = ("split it off into a claim of its own, reject its candidate, or undo the decision that made it "
                         "in the audit log instead.")
    list_display = ["pk", "claim_link", "outlet", "short_quote", "anchor_state", "article_version", "created_by", "created_at"]
    list_filter = ["anchor_state", "article__outlet", "created_at"]
    search_fields = ["quote", "claim__text"]
    list_select_related = ["claim", "article__outlet", "created_by"]
    raw_id_fields = ["claim", "article", "candidate", "created_by"]
    readonly_fields = ["claim", "article", "candidate", "start", "end", "quote", "prefix", "suffix", "content_hash",
                       "article_version", "anchor_state", "anchor_score", "created_by", "created_at"]
    actions = ["split_off"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("article__text", "claim__embedding")

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        pass  # every field is read-only: citations change through decisions (split, cite, undo)

    @admin.display(description="claim", ordering="claim_id")
    def claim_link(self, obj):
        return f"{obj.claim_id}: {short(obj.claim.text, 50)}"

    @admin.display(description="outlet", ordering="article__outlet__name")
    def outlet(self, obj):
        return obj.article.outlet

    @admin.display(description="quote")
    def short_quote(self, obj):
        return short(obj.quote)

    @admin.action(description="Split selected citations off into claims of their own")
    def split_off(self, request, queryset):
        run_decisions(self, request, selected_ids(queryset),
                      lambda pk: services.split_citation(citation_id=pk, actor=request.user),
                      "Split {n} citation(s) off into new claims.")


@admin.register(Match)
class MatchAdmin(KeptRecordAdmin, admin.ModelAdmin):
    Media = DeskAdminMedia
    instead_of_delete = "reject it with the \"Reject selected matches\" action instead (audited, undoable)."
    list_display = ["pk", "candidate_text", "candidate_outlet", "claim_text", "relation", "score", "state", "automatic",
                    "created_at"]
    list_filter = ["state", "relation", "automatic", "candidate__article__outlet", "candidate__kind", "created_at"]
    search_fields = ["candidate__text", "claim__text"]
    list_select_related = ["candidate__article__outlet", "claim"]
    raw_id_fields = ["candidate", "claim", "decided_by"]
    readonly_fields = ["candidate", "claim", "score", "lexical", "semantic", "relation", "evidence", "state", "automatic",
                       "decided_by", "decided_at", "created_at"]
    actions = ["accept", "reject"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("candidate__article__text", "claim__embedding")

    def has_add_permission(self, request):
        return False  # matches are proposed by matching

    def save_model(self, request, obj, form, change):
        pass  # every field is read-only: matches are accepted or rejected with the actions

    @admin.display(description="reported wording")
    def candidate_text(self, obj):
        return short(obj.candidate.text, 70)

    @admin.display(description="outlet", ordering="candidate__article__outlet__name")
    def candidate_outlet(self, obj):
        return obj.candidate.article.outlet

    @admin.display(description="claim")
    def claim_text(self, obj):
        return f"{obj.claim_id}: {short(obj.claim.text, 60)}"

    @admin.action(description="Accept selected matches")
    def accept(self, request, queryset):
        run_decisions(self, request, selected_ids(queryset), lambda pk: services.accept_match(match_id=pk, actor=request.user),
                      "Accepted {n} match(es).")

    @admin.action(description="Reject selected matches")
    def reject(self, request, queryset):
        run_decisions(self, request, selected_ids(queryset), lambda pk: services.reject_match(match_id=pk, actor=request.user),
                      "Rejected {n} match(es).")


@admin.register(ReviewEvent)
class ReviewEventAdmin(KeptRecordAdmin, admin.ModelAdmin):
    """The audit log: read-only; undo is the one thing done with it."""

    Media = DeskAdminMedia
    instead_of_delete = "the audit log is kept; undo the decision with the \"Undo selected decisions\" action instead."

    list_display = ["created_at", "actor", "action", "target_type", "target_id", "claim_id", "short_summary", "undone_at"]
    list_filter = ["action", "target_type", "created_at", ("undone_at", admin.EmptyFieldListFilter)]
    search_fields = ["summary", "action", "actor__username"]
    list_select_related = ["actor"]
    readonly_fields = ["actor", "action", "target_type", "target_id", "claim", "summary", "changes", "undo_of", "undone_at",
                       "created_at"]
    actions = ["undo"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="summary")
    def short_summary(self, obj):
        return short(obj.summary, 100)

    @admin.action(description="Undo selected decisions (newest first)", permissions=["view"])
    def undo(self, request, queryset):
        if not request.user.has_perm("claims.review_claims"):
            self.message_user(request, "Only editors can undo decisions.", messages.ERROR)
            return
        ids = list(queryset.order_by("-created_at", "-pk").values_list("pk", flat=True))
        run_decisions(self, request, ids, lambda pk: services.undo(event_id=pk, actor=request.user), "Undid {n} decision(s).")


# --------------------------------------------------------------------------- articles


class ArticleWithClaimsAdmin(ArticleAdmin):
    """The articles app's admin plus what claims knows about an article: extraction state and candidates.

    Its metadata (title, byline, publication time, language) is editable here, and saved through
    ``services.edit_article``: audited, undoable, and "first reported" follows a new date.
    """

    inlines = [*ArticleAdmin.inlines, ArticleExtractionInline, CandidateInline]
    actions = [*(ArticleAdmin.actions or []), "rerun_extraction"]
    readonly_fields = ArticleAdmin.import_fields

    def save_model(self, request, obj, form, change):
        edits = {name: form.cleaned_data[name] for name in ArticleAdmin.metadata_fields if name in form.changed_data}
        if not edits:
            return
        try:
            services.edit_article(article_id=obj.pk, actor=request.user, **edits)
        except services.DecisionError as exc:
            self.message_user(request, f"Not saved: {exc}", messages.ERROR)

    @admin.action(description="Re-run extraction for the selected articles")
    def rerun_extraction(self, request, queryset):
        requeue_extraction(self, request, selected_ids(queryset))


# The admin's own sign-in is throttled like the desk's.
admin.site.login_form = ThrottledAdminAuthenticationForm

admin.site.unregister(Article)
admin.site.register(Article, ArticleWithClaimsAdmin)
