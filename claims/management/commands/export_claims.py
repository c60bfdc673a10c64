"""manage.py export_claims --format jsonl --output FILE: confirmed claims with their citations.

The same streaming writers as the API's /api/v1/exports/ (constant memory at any size), with
the claim list's filters as options. Without --output the export goes to standard output.
"""
import sys

from django.core.management.base import BaseCommand, CommandError

from claims import exports
from claims.api.filters import ClaimFilter
from claims.models import Claim

FILTER_OPTIONS = ["kind", "speaker", "outlet", "first_reported_after", "first_reported_before", "published_after",
                  "published_before", "rated", "q"]


class Command(BaseCommand):
    help = "Export confirmed claims and all their citations as JSON, JSON Lines, CSV or ClaimReview JSON-LD."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=exports.FORMATS, default="jsonl", dest="fmt")
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")
        parser.add_argument("--chunk-size", type=int, default=exports.CHUNK_SIZE)
        for name in FILTER_OPTIONS:
            parser.add_argument(f"--{name.replace('_', '-')}", dest=name, help=f"Filter as the API's ?{name}=.")

    def handle(self, *args, fmt, output, chunk_size, **options):
        if chunk_size < 1:
            raise CommandError("--chunk-size must be at least 1.")
        params = {name: options[name] for name in FILTER_OPTIONS if options.get(name) not in (None, "")}
        claim_filter = ClaimFilter(params, queryset=Claim.objects.all())
        if not claim_filter.is_valid():
            problems = "; ".join(f"--{k.replace('_', '-')}: {' '.join(v)}" for k, v in claim_filter.errors.items())
            raise CommandError(f"Invalid filter: {problems}")
        pieces = exports.stream(fmt, claim_filter.qs, chunk_size=chunk_size)
        try:
            # newline="" so the CSV writer's own line endings are kept as they are.
            target = open(output, "w", encoding="utf-8", newline="") if output else sys.stdout
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc.strerror or exc}") from None
        try:
            for piece in pieces:
                target.write(piece)
        finally:
            if output:
                target.close()
        if output:
            self.stderr.write(f"Exported confirmed claims as {fmt} to {output}.")
