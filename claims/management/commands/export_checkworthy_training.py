"""manage.py export_checkworthy_training --output DECISIONS.jsonl [--since YYYY-MM-DD]

Writes the desk's decisions on check-worthy statements as training data for the
check-worthiness model, one ``{id, text, label}`` a line (the format of
../shared/eval/checkworthy): a confirmed check-worthy candidate is label 1, a rejected one
label 0; pending ones are left out. Retrain with them:

    .venv/bin/python bench/train_checkworthy.py --extra DECISIONS.jsonl
"""
import datetime
import json

from django.core.management.base import BaseCommand, CommandError

from claims.models import Candidate, CandidateStatus, ClaimKind

LABELS = {CandidateStatus.CONFIRMED: 1, CandidateStatus.REJECTED: 0}


class Command(BaseCommand):
    help = "Export confirmed and rejected check-worthy candidates as {id, text, label} JSON lines."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="Where to write the JSON lines.")
        parser.add_argument("--since", help="Only decisions made on or after this date (YYYY-MM-DD).")

    def handle(self, *args, output, since, verbosity, **options):
        decisions = Candidate.objects.reviewed().filter(kind=ClaimKind.CHECKWORTHY).order_by("pk")
        if since:
            try:
                day = datetime.date.fromisoformat(since)
            except ValueError as exc:
                raise CommandError("--since must be a date, YYYY-MM-DD.") from exc
            decisions = decisions.filter(reviewed_at__date__gte=day)
        try:
            out = open(output, "w", encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"cannot write {output}: {exc.strerror}") from exc
        counts = {0: 0, 1: 0}
        with out:
            for pk, text, status in decisions.values_list("pk", "text", "status").iterator():
                label = LABELS[status]
                counts[label] += 1
                out.write(json.dumps({"id": f"factdesk-candidate-{pk}", "text": text, "label": label}) + "\n")
        if verbosity:
            self.stdout.write(f"{counts[1]} confirmed and {counts[0]} rejected check-worthy statements -> {output}")
