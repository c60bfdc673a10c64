"""manage.py refresh_triage

Recomputes every claim's stored editorial value and reasons (``Claim.triage_value``, the queue's
order) from its signals now. The services keep the value current on every decision; run this
after rows were written around them (a bulk load, fixtures, a restored dump) or after the
weights in ``claims.triage`` changed. Derived data, not audited; safe to stop and run again.
"""
from django.core.management.base import BaseCommand

from claims.models import Claim
from claims.services.triage import refresh_all


class Command(BaseCommand):
    help = "Recompute every claim's stored editorial value (the review queue's order)."

    def handle(self, *args, **options):
        total = Claim.objects.count()
        done = 0

        def progress(count):
            nonlocal done
            done += count
            self.stdout.write(f"{done}/{total} claims scored", ending="\r")
            self.stdout.flush()

        changed = refresh_all(progress=progress)
        self.stdout.write(f"Scored {total} claims; {changed} had a stale editorial value.")
