"""DRF permission that applies the desk's roles: viewers read, editors change."""
from rest_framework.permissions import SAFE_METHODS, BasePermission

from factdesk import roles


class DeskRolePermission(BasePermission):
    message = "Your role does not allow this."

    def has_permission(self, request, view):
        user = request.user
        if request.method in SAFE_METHODS:
            return roles.can_view(user)
        return roles.can_review(user)
