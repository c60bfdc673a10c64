"""What the admin may not do to editorial records: delete them around the services.

Articles, versions, candidates, claims, citations, matches and audit events are kept: deleting
one would silently drop citations, leave candidates pointing nowhere and bypass the audit log.
Their admins mix in ``KeptRecordAdmin``: no delete button, no "Delete selected" action, and the
delete URL answers 403 with a page naming what to do instead (an audited, undoable decision).
Shared by ``articles`` and ``claims``, so it lives in the project.
"""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse


class KeptRecordAdmin:
    """ModelAdmin mixin: the record cannot be deleted here; ``instead_of_delete`` says what to do."""

    instead_of_delete = "records of this kind are kept."

    def has_delete_permission(self, request, obj=None):
        return False

    def delete_view(self, request, object_id, extra_context=None):
        opts = self.model._meta
        obj = self.get_object(request, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        route = f"admin:{opts.app_label}_{opts.model_name}"
        context = {
            **self.admin_site.each_context(request),
            "opts": opts,
            "title": f"{opts.verbose_name.capitalize()} {object_id} is kept",
            "object_id": object_id,
            "refusal": f"{opts.verbose_name.capitalize()} {object_id} cannot be deleted: {self.instead_of_delete}",
            "change_url": reverse(f"{route}_change", args=[obj.pk], current_app=self.admin_site.name) if obj else "",
            "changelist_url": reverse(f"{route}_changelist", current_app=self.admin_site.name),
        }
        return TemplateResponse(request, "admin/kept_record.html", context, status=403)
