"""manage.py api_token NAME --role viewer|editor: an API token for an integrator.

Creates (or reuses) a user for the integrator, puts it in the role's group — viewer tokens
read, editor tokens can also review — and prints the token. ``--rotate`` replaces the key;
``--revoke`` deletes it. The user gets no password, so it can only use the API.
"""
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from rest_framework.authtoken.models import Token

from factdesk import roles

ROLES = [roles.VIEWER, roles.EDITOR]


class Command(BaseCommand):
    help = "Create, rotate or revoke an integrator's API token (read-only viewer or editor)."

    def add_arguments(self, parser):
        parser.add_argument("username", help="The integrator's user (created if missing).")
        parser.add_argument("--role", choices=ROLES, help="The token's role (required when creating the user).")
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--rotate", action="store_true", help="Replace the existing key with a new one.")
        action.add_argument("--revoke", action="store_true", help="Delete the token.")

    @transaction.atomic
    def handle(self, *args, username, role, rotate, revoke, **options):
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if revoke:
            deleted, _ = Token.objects.filter(user__username=username).delete()
            if not deleted:
                raise CommandError(f"{username} has no token.")
            self.stdout.write(f"Token of {username} revoked.")
            return
        if user is None:
            if not role:
                raise CommandError(f"There is no user {username}; give --role to create one.")
            user = User.objects.create_user(username=username)  # no usable password: API only
        if role:
            group = Group.objects.filter(name=role).first()
            if group is None:
                raise CommandError(f"The {role} group is missing; run manage.py migrate first.")
            user.groups.remove(*Group.objects.filter(name__in=ROLES).exclude(pk=group.pk))
            user.groups.add(group)
        if rotate:
            Token.objects.filter(user=user).delete()
        token, created = Token.objects.get_or_create(user=user)
        groups = ", ".join(user.groups.values_list("name", flat=True)) or "no group: the token can do nothing"
        self.stderr.write(f"{'New' if created else 'Existing'} token for {username} ({groups}):")
        self.stdout.write(token.key)
