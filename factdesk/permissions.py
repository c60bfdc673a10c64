"""DRF permissions that apply the desk's roles: viewers read, editors review, importers import.

Every endpoint needs a role, reads included: anonymous callers and signed-in users outside the
desk's groups get nothing, since the API exposes unpublished review work.
"""
from rest_framework.permissions import SAFE_METHODS, BasePermission

from factdesk import roles


class DeskRolePermission(BasePermission):
    message = "Your role does not allow this."

    def has_permission(self, request, view):
        user = request.user
        if request.method in SAFE_METHODS:
            return roles.can_view(user)
        return roles.can_review(user)


class CanImportArticles(BasePermission):
    """Creating articles: the import permission (editors and admins)."""

    message = "Your role does not allow importing articles."

    def has_permission(self, request, view):
        return roles.can_view(request.user) and roles.can_import(request.user)
