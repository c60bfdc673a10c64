"""manage.py setup_desk: create the demo accounts (an editor and an admin) if they are missing.

Usernames and passwords come from FACTDESK_EDITOR_USERNAME / FACTDESK_EDITOR_PASSWORD and
FACTDESK_ADMIN_USERNAME / FACTDESK_ADMIN_PASSWORD; without them a random password is generated,
printed once and kept in var/credentials.txt (never committed).
"""
import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the editor and admin accounts for a local desk."

    def handle(self, *args, **options):
        credentials = settings.DATA_DIR / "credentials.txt"
        lines = []
        for role, default_name, superuser in (("editor", "editor", False), ("admin", "admin", True)):
            username = os.environ.get(f"FACTDESK_{role.upper()}_USERNAME", default_name)
            password = os.environ.get(f"FACTDESK_{role.upper()}_PASSWORD", "")
            User = get_user_model()
            user = User.objects.filter(username=username).first()
            if user is not None:
                self.stdout.write(f"{role} account {username!r} exists (password unchanged; see {credentials}).")
                continue
            password = password or secrets.token_urlsafe(12)
            user = User.objects.create_user(username=username, password=password, is_staff=superuser, is_superuser=superuser)
            user.groups.add(Group.objects.get(name=role))
            lines.append(f"{role}: {username} / {password}")
            self.stdout.write(self.style.SUCCESS(f"Created the {role} account: {username} / {password}"))
        if lines:
            with credentials.open("a") as handle:
                handle.write("\n".join(lines) + "\n")
            credentials.chmod(0o600)
