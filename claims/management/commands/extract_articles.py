"""manage.py extract_articles [--all | --outlet NAME | --since DATE] [--force] [--now]

Queues extraction (and then matching) for articles, in batches, with a progress bar. By
default only articles whose extraction is missing or stale are queued; --force re-extracts
all selected. --now runs extraction and matching in this process instead of the worker.
"""
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from articles.models import Article
from claims import services, tasks
from claims.services import extraction_is_current, processing


class Command(BaseCommand):
    help = "Queue claim extraction for articles."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Every article.")
        parser.add_argument("--outlet", default="", help="Only this outlet's articles (name or slug).")
        parser.add_argument("--since", default="", help="Only articles imported on or after this date (YYYY-MM-DD).")
        parser.add_argument("--force", action="store_true", help="Re-extract even when current.")
        parser.add_argument("--now", action="store_true", help="Run here instead of queueing for the worker.")

    def handle(self, *args, all, outlet, since, force, now, verbosity, **options):
        if not (all or outlet or since):
            raise CommandError("Choose --all, --outlet NAME or --since YYYY-MM-DD.")
        articles = Article.objects.all()
        if outlet:
            articles = articles.filter(outlet__name=outlet) | articles.filter(outlet__slug=outlet)
        if since:
            try:
                day = datetime.strptime(since, "%Y-%m-%d")
            except ValueError:
                raise CommandError(f"--since must be a date like 2025-02-13, got {since!r}") from None
            articles = articles.filter(imported_at__gte=timezone.make_aware(day))
        ids = list(articles.order_by("pk").values_list("pk", flat=True))
        if not force:
            from claims.extraction import EXTRACTOR_VERSION

            current = {a.pk for a in Article.objects.filter(pk__in=ids).only("pk", "content_hash") if extraction_is_current(a, EXTRACTOR_VERSION)}
            ids = [i for i in ids if i not in current]
        batches = processing.extraction_batches(ids)
        # Counted in articles (batches are an implementation detail of the queue).
        progress = tqdm(total=len(ids), desc="Extracting" if now else "Queueing", unit=" articles", file=self.stderr._out,
                        disable=verbosity < 1 or not ids, dynamic_ncols=True)
        for batch in batches:
            if now:
                services.mark_extraction_queued(batch)
                new_ids = processing.extract_and_store(batch, force=force)
                services.propose_matches(candidate_ids=new_ids)
            elif not tasks.queue_extraction_for_articles(batch, force=force):
                progress.close()
                raise CommandError(
                    "The task queue is unreachable. The articles are marked queued and are picked up when it is back "
                    "(or run this again with --now)."
                )
            progress.update(len(batch))
        progress.close()
        self.stdout.write(f"{len(ids)} article(s) {'extracted' if now else 'queued for extraction'}.")
