"""Admin for speakers, with their aliases and roles: edited only through ``services.edit_speaker``.

The speaker page saves its name, kind, aliases and roles as one audited, undoable decision
(so a new alias gets its lookup key like any other); the alias and role lists are view-only
and point to the speaker page. Speakers are merged, never deleted.
"""
from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Count

from claims import services
from claims.admin_actions import merge_into_oldest
from claims.models import Speaker, SpeakerAlias, SpeakerRole
from factdesk.admin_policy import KeptRecordAdmin


class SpeakerAliasInline(admin.TabularInline):
    """Saved by ``SpeakerAdmin.save_related`` through ``services.edit_speaker``, never by the formset."""

    model = SpeakerAlias
    fields = ["alias", "normalized"]
    readonly_fields = ["normalized"]
    extra = 0


class SpeakerRoleInline(admin.TabularInline):
    """Saved by ``SpeakerAdmin.save_related`` through ``services.edit_speaker``, never by the formset."""

    model = SpeakerRole
    fields = ["role", "first_seen", "last_seen"]
    readonly_fields = ["first_seen", "last_seen"]
    extra = 0


def _inline_edits(formset, field):
    """(added, removed) values of ``field`` in an inline formset: a changed row is one removed and one added."""
    added, removed = [], []
    for form in formset.forms:
        if not form.has_changed() and form not in formset.deleted_forms:
            continue
        existing = form.instance.pk is not None and form in formset.initial_forms
        if existing:
            removed.append(form.initial.get(field, ""))
        if form not in formset.deleted_forms and form.cleaned_data.get(field):
            added.append(form.cleaned_data[field])
    return added, removed


@admin.register(Speaker)
class SpeakerAdmin(KeptRecordAdmin, admin.ModelAdmin):
    instead_of_delete = "merge it into the speaker it duplicates with the \"Merge selected speakers\" action instead."
    list_display = ["name", "kind", "claim_count", "merged_into", "created_at"]
    list_filter = ["kind", ("merged_into", admin.EmptyFieldListFilter), "created_at"]
    search_fields = ["name", "aliases__alias"]
    list_select_related = ["merged_into"]
    readonly_fields = ["merged_into", "created_at"]
    fields = ["name", "kind", "merged_into", "created_at"]
    inlines = [SpeakerAliasInline, SpeakerRoleInline]
    actions = ["merge_into_oldest"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(claim_total=Count("claims", distinct=True))

    def has_add_permission(self, request):
        return False  # speakers come from extraction, or from an editor naming one on a candidate or claim

    def save_model(self, request, obj, form, change):
        pass  # saved with its aliases and roles in save_related: one audited decision

    def save_formset(self, request, form, formset, change):
        # The inlines' rows are written by services.edit_speaker in save_related; the admin's
        # history message reads these lists.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            self.save_formset(request, form, formset, change)
        edits = {name: form.cleaned_data[name] for name in ("name", "kind") if name in form.changed_data}
        for formset in formsets:
            if formset.model is SpeakerAlias:
                edits["add_aliases"], edits["remove_aliases"] = _inline_edits(formset, "alias")
            elif formset.model is SpeakerRole:
                edits["add_roles"], edits["remove_roles"] = _inline_edits(formset, "role")
        if not any(edits.values()):
            return
        try:
            services.edit_speaker(speaker_id=form.instance.pk, actor=request.user, **edits)
        except services.DecisionError as exc:
            self.message_user(request, f"Not saved: {exc}", messages.ERROR)

    @admin.display(description="claims", ordering="claim_total")
    def claim_count(self, obj):
        return obj.claim_total

    @admin.action(description="Merge selected speakers into the oldest (one person)")
    def merge_into_oldest(self, request, queryset):
        merge_into_oldest(self, request, queryset, "speaker",
                          lambda source, target: services.merge_speakers(source_id=source, target_id=target, actor=request.user))


class EditedOnTheSpeakerPage(KeptRecordAdmin):
    """Aliases and roles are looked at here and edited on their speaker's page (one audited decision)."""

    instead_of_delete = "remove it on the speaker's page instead, where the change is audited and undoable."

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="to change it")
    def where_to_edit(self, obj):
        return f"Aliases and roles are edited on the speaker's page ({obj.speaker}), where each change is audited and undoable."


@admin.register(SpeakerAlias)
class SpeakerAliasAdmin(EditedOnTheSpeakerPage, admin.ModelAdmin):
    list_display = ["alias", "speaker", "normalized"]
    search_fields = ["alias", "normalized", "speaker__name"]
    list_filter = ["speaker__kind"]
    list_select_related = ["speaker"]
    fields = ["alias", "speaker", "normalized", "where_to_edit"]


@admin.register(SpeakerRole)
class SpeakerRoleAdmin(EditedOnTheSpeakerPage, admin.ModelAdmin):
    list_display = ["role", "speaker", "first_seen", "last_seen"]
    search_fields = ["role", "speaker__name"]
    list_filter = ["last_seen", "first_seen"]
    list_select_related = ["speaker"]
    fields = ["role", "speaker", "normalized", "first_seen", "last_seen", "where_to_edit"]
