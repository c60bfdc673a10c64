"""manage.py import_factchecks PATH|URL... [--no-link]

Imports fact-checks into the library: HTML pages with ClaimReview markup, ClaimReview JSON /
JSON-LD (an object, a list, a DataFeed), JSON Lines, and plain ``{id, text, title?, rating?,
url?, fact_checker?, published?}`` lines; folders of such files; and URLs, fetched here with
the SSRF-safe fetcher. Prints one line per failed record with its reason and a summary
(created / new version / unchanged / failed); exits non-zero when anything failed. New and
changed fact-checks are then queued for linking with the desk's claims (``--link-now`` links
them in this process; ``--no-link`` leaves them for ``manage.py link_factchecks``).
"""
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from claims.factchecks import library

SUFFIXES = {".html", ".htm", ".xhtml", ".json", ".jsonld", ".jsonl", ".ndjson"}


class Command(BaseCommand):
    help = "Import fact-checks (ClaimReview pages, JSON-LD, DataFeeds, JSON Lines) from files, folders or URLs."

    def add_arguments(self, parser):
        parser.add_argument("sources", nargs="+", help="Files, folders or http(s) URLs.")
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--no-link", action="store_true", help="Do not compare the new fact-checks with claims.")
        group.add_argument("--link-now", action="store_true", help="Link the new fact-checks here instead of queueing.")

    def handle(self, *args, sources, no_link, link_now, verbosity, **options):
        outcomes = []
        for source in sources:
            if source.startswith(("http://", "https://")):
                outcomes.extend(library.fetch_and_import_factchecks(source))
                continue
            for path in self._files(source):
                try:
                    data = path.read_bytes()
                except OSError as exc:
                    outcomes.append(library.FactCheckOutcome(str(path), library.FAILED, reason=exc.strerror or str(exc)))
                    continue
                for outcome in library.import_factcheck_bytes(data, name=str(path), max_bytes=library.default_max_bytes()):
                    where = outcome.where if outcome.where == str(path) else f"{path}, {outcome.where}"
                    outcomes.append(library.FactCheckOutcome(where, outcome.status, outcome.reason, outcome.factcheck_id))
        self._report(outcomes)
        changed = [o.factcheck_id for o in outcomes if o.status in (library.CREATED, library.UPDATED)]
        if changed and not no_link:
            self._link(changed, now=link_now)
        failed = sum(o.status == library.FAILED for o in outcomes)
        if failed:
            raise CommandError(f"{failed} record(s) or input(s) failed; see above.")

    def _files(self, source: str) -> list[Path]:
        path = Path(source)
        if path.is_dir():
            return sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
        if path.exists():
            return [path]
        raise CommandError(f"{source}: no such file, folder or URL.")

    def _report(self, outcomes):
        counts = Counter(o.status for o in outcomes)
        for outcome in outcomes:
            if outcome.status == library.FAILED:
                self.stderr.write(f"FAILED {outcome.where}: {outcome.reason}")
        self.stdout.write(
            f"created: {counts[library.CREATED]}, new version: {counts[library.UPDATED]}, "
            f"unchanged: {counts[library.UNCHANGED]}, failed: {counts[library.FAILED]}"
        )

    def _link(self, factcheck_ids, *, now: bool):
        from claims.factchecks import linking, tasks
        from factdesk.queueing import enqueue

        if now:
            suggested = linking.link_factchecks(factcheck_ids=factcheck_ids)
            self.stdout.write(f"linked: {len(factcheck_ids)} fact-check(s) compared with the claims, {suggested} link(s) suggested")
            return
        for start in range(0, len(factcheck_ids), tasks.LINK_BATCH_SIZE):
            if not enqueue(tasks.link_factchecks, factcheck_ids[start:start + tasks.LINK_BATCH_SIZE]):
                self.stderr.write("The task queue is unreachable: run manage.py link_factchecks to link them later.")
                return
        self.stdout.write(f"queued: {len(factcheck_ids)} fact-check(s) to compare with the claims")
