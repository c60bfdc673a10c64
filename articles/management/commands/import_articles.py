"""manage.py import_articles PATH|URL... [--outlet NAME] [--format FMT] [--manifest FILE]

Imports files (text, HTML, JSON, JSON Lines, RSS/Atom), folders of them, or a manifest of text
files with their metadata; URLs are fetched by the worker (or here with --now). Prints a
progress bar and a summary: created / new version / unchanged / failed, with each failure's
reason. Exits non-zero when anything failed.
"""
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from articles import services
from articles.models import SourceFormat
from articles.tasks import fetch_url
from factdesk.queueing import enqueue

FORMATS = [c for c, _ in SourceFormat.choices if c != "url"]
SUFFIXES = {".txt", ".html", ".htm", ".json", ".jsonl", ".ndjson", ".xml", ".rss", ".atom"}


class Command(BaseCommand):
    help = "Import articles from files, folders, a manifest, or URLs."

    def add_arguments(self, parser):
        parser.add_argument("sources", nargs="*", help="Files, folders or http(s) URLs.")
        parser.add_argument("--outlet", default="", help="Outlet name for articles that don't name one.")
        parser.add_argument("--format", choices=FORMATS, help="Force the input format instead of detecting it.")
        parser.add_argument("--manifest", action="append", default=[], help="A JSON manifest of text files with metadata.")
        parser.add_argument("--now", action="store_true", help="Fetch URLs in this process instead of queueing them.")
        parser.add_argument("--user", default="", help="Username recorded as the importer.")

    def handle(self, *args, sources, outlet, format, manifest, now, user, verbosity, **options):
        if not sources and not manifest:
            raise CommandError("Give at least one file, folder, URL or --manifest.")
        importer = None
        if user:
            from django.contrib.auth import get_user_model

            importer = get_user_model().objects.filter(username=user).first()
            if importer is None:
                raise CommandError(f"No user called {user!r}.")
        outcomes = []
        files, urls = self._expand(sources)
        # Counted in articles (a JSON Lines file or a feed holds many): the total is not known
        # before each file is read, so the bar shows the count, the rate and the files done.
        inputs = len(manifest) + len(files)
        progress = tqdm(desc="Importing", unit=" articles", total=None, file=self.stderr._out, disable=verbosity < 1 or not inputs,
                        dynamic_ncols=True)
        with progress:
            for done, path in enumerate(manifest, start=1):
                found = services.import_manifest(Path(path), user=importer)
                outcomes.extend(found)
                progress.set_postfix_str(f"inputs {done}/{inputs}", refresh=False)
                progress.update(len(found))
            for done, path in enumerate(files, start=len(manifest) + 1):
                found = services.import_path(path, fmt=format, outlet=outlet, user=importer)
                outcomes.extend(found)
                progress.set_postfix_str(f"inputs {done}/{inputs}", refresh=False)
                progress.update(len(found))
        queued = 0
        for url in urls:
            if now:
                outcomes.extend(services.fetch_and_import(url, outlet=outlet, user=importer))
            elif enqueue(fetch_url, url, outlet, importer.pk if importer else None):
                queued += 1
            else:
                reason = "the task queue is unreachable, so it was not queued; try again later, or fetch it here with --now"
                outcomes.append(services.ImportOutcome(url, services.FAILED, reason=reason))
        self._report(outcomes, queued)
        if any(o.failed for o in outcomes):
            raise CommandError(f"{sum(o.failed for o in outcomes)} input(s) failed; see above.")

    def _expand(self, sources):
        files, urls = [], []
        for source in sources:
            if source.startswith(("http://", "https://")):
                urls.append(source)
                continue
            path = Path(source)
            if path.is_dir():
                files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES))
            elif path.exists():
                files.append(path)
            else:
                raise CommandError(f"{source}: no such file, folder or URL.")
        return files, urls

    def _report(self, outcomes, queued):
        counts = Counter(o.status for o in outcomes)
        for outcome in outcomes:
            if outcome.failed:
                self.stderr.write(f"FAILED {outcome.source}: {outcome.reason}")
            elif outcome.warning:
                self.stderr.write(f"CHECK {outcome.source}: {outcome.warning}")
        self.stdout.write(
            f"created: {counts[services.CREATED]}, new version: {counts[services.NEW_VERSION]}, "
            f"unchanged: {counts[services.UNCHANGED]}, failed: {counts[services.FAILED]}"
            + (f", URLs queued for the worker: {queued}" if queued else "")
        )
