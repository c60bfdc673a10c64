"""manage.py export_all FILE: the whole desk — outlets, articles and versions, feeds, speakers,
candidates, claims, citations, matches, the audit log, users, roles and API tokens — as one
(optionally .gz) JSON file that ``import_all`` restores. Django's dumpdata does the work; this
command fixes which models go in and in which order, so a backup is never partial.
"""
from django.core.management import call_command
from django.core.management.base import BaseCommand

BACKUP_MODELS = [
    "auth.group",
    "auth.user",
    "authtoken.token",
    "articles",
    "claims",
]


class Command(BaseCommand):
    help = "Back up the whole desk to a JSON file (FILE.json or FILE.json.gz)."

    def add_arguments(self, parser):
        parser.add_argument("output")

    def handle(self, *args, output, **options):
        call_command(
            "dumpdata", *BACKUP_MODELS, natural_foreign=True, natural_primary=False, output=output, indent=None, verbosity=0
        )
        self.stdout.write(f"Desk exported to {output}.")
