"""The desk's roles, as Django groups with permissions (created by a claims migration).

- viewer: reads everything, changes nothing
- editor: reviews (``claims.review_claims``) and imports articles
- admin: an editor who also configures (feeds, webhooks, users) and uses the Django admin
"""
VIEWER = "viewer"
EDITOR = "editor"
ADMIN = "admin"

VIEW_PERMISSION = "claims.view_claim"
REVIEW_PERMISSION = "claims.review_claims"
IMPORT_PERMISSION = "articles.add_article"


def can_view(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.has_perm(VIEW_PERMISSION))


def can_review(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.has_perm(REVIEW_PERMISSION))


def can_import(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.has_perm(IMPORT_PERMISSION))

ROLE_APPS = ("articles", "claims")


def sync_groups(Group, Permission) -> None:
    """Create or refresh the three groups. Takes the models so a migration can pass its own."""
    viewing = list(Permission.objects.filter(content_type__app_label__in=ROLE_APPS, codename__startswith="view_"))
    reviewing = list(
        Permission.objects.filter(content_type__app_label="claims", codename__in=["review_claims", "export_claims"])
    ) + list(Permission.objects.filter(content_type__app_label="articles", codename__in=["add_article", "change_article"]))
    everything = list(Permission.objects.filter(content_type__app_label__in=ROLE_APPS + ("auth", "authtoken")))
    for name, permissions in ((VIEWER, viewing), (EDITOR, viewing + reviewing), (ADMIN, everything)):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions)
