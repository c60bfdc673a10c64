"""manage.py score_checkworthy --input DOCS.jsonl --output SCORES.jsonl [--threshold T]

Scores each ``{doc_id, text}`` line's text as one statement with the production check-worthiness
model (claims.extraction.checkworthy, the same call the extraction pipeline makes) and writes
``{doc_id, score, checkworthy}`` per input line, in input order: ``score`` is the calibrated
probability (0..1, three decimals), ``checkworthy`` whether it reaches the threshold
(FACTDESK_CHECKWORTHY_THRESHOLD unless --threshold is given). No database is touched.
"""
import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from claims.extraction import checkworthy


class Command(BaseCommand):
    help = "Score {doc_id, text} JSON lines for check-worthiness, without a database."

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, help="JSON lines: {doc_id, text} per line.")
        parser.add_argument("--output", required=True, help="Where to write {doc_id, score, checkworthy} (JSON lines).")
        parser.add_argument("--threshold", type=float, default=None,
                            help="Cut-off for 'checkworthy' (0..1; default FACTDESK_CHECKWORTHY_THRESHOLD).")

    def handle(self, *args, input, output, threshold, verbosity, **options):
        if threshold is None:
            threshold = settings.FACTDESK_CHECKWORTHY_THRESHOLD
        if not 0.0 <= threshold <= 1.0:
            raise CommandError("--threshold must be between 0 and 1.")
        docs = list(self._read(input))  # read everything first: a bad line writes nothing
        try:
            out = open(output, "w", encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"cannot write {output}: {exc.strerror}") from exc
        with out:
            for doc_id, text in docs:
                score = checkworthy.score(text)
                out.write(json.dumps({"doc_id": doc_id, "score": score, "checkworthy": score >= threshold}) + "\n")
        if verbosity:
            self.stdout.write(
                f"{len(docs)} statements scored (model {checkworthy.get_scorer().version}, threshold {threshold}) -> {output}"
            )

    def _read(self, path):
        try:
            handle = open(path, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
        with handle:
            try:
                for n, line in enumerate(handle, 1):
                    if not line.strip():
                        continue
                    try:
                        row = json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise CommandError(f"{path}:{n}: not JSON ({exc.msg})") from exc
                    if not isinstance(row, dict) or "doc_id" not in row or not isinstance(row.get("text"), str):
                        raise CommandError(f"{path}:{n}: each line needs a doc_id and a text string")
                    yield row["doc_id"], row["text"]
            except UnicodeDecodeError as exc:
                raise CommandError(f"{path}: not UTF-8 text") from exc
