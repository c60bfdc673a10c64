"""manage.py requeue_work [--stale-minutes N]: re-queue extraction that is missing, stale or stuck,
and matching for candidates never matched — what the periodic reconcile task does, on demand."""
from django.core.management.base import BaseCommand, CommandError

from claims.ops import queue_depths
from claims.tasks import reconcile_extraction


class Command(BaseCommand):
    help = "Re-queue stuck or missing extraction and matching work."

    def add_arguments(self, parser):
        parser.add_argument(
            "--stale-minutes", type=float, default=None,
            help="Work queued or running longer than this is stuck (default: the worker's hard time limit and 30 s).",
        )

    def handle(self, *args, stale_minutes, **options):
        if queue_depths()["extract"] is None:
            raise CommandError("The task queue is unreachable (CELERY_BROKER_URL): nothing can be re-queued until it is back.")
        count = reconcile_extraction.run(stale_minutes=stale_minutes)
        self.stdout.write(f"{count} article(s) re-queued for extraction.")
