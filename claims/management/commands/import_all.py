"""manage.py import_all FILE: restore a desk exported by ``export_all`` into a migrated, empty database.

Refuses a database that already holds articles or claims, so a restore never mixes two desks.
The whole restore is one transaction: it lands completely or not at all.
"""
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.models import Article
from claims.models import Claim
from claims.services.triage import refresh_all


class Command(BaseCommand):
    help = "Restore a desk backup made by export_all into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("input")

    def handle(self, *args, input, **options):
        if Article.objects.exists() or Claim.objects.exists():
            raise CommandError("This database already holds articles or claims; restore into an empty, migrated database.")
        with transaction.atomic():
            # Groups made by the migration are replaced by the backup's own.
            from django.contrib.auth.models import Group

            Group.objects.all().delete()
            call_command("loaddata", input, verbosity=0)
            # A backup from before the editorial value was stored holds none: score every claim.
            refresh_all()
        self.stdout.write(f"Desk restored from {input}.")
