"""manage.py extract_jsonl --input DOCS.jsonl --output PRED.jsonl [--checkworthy] [--threshold T]

Runs exactly the production extraction pipeline (claims.extraction.extract_many) over a JSON
lines file of ``{doc_id, text}`` and writes one line per candidate:
``{doc_id, kind, quote_text, start, end, speaker, verb, confidence}`` plus the speaker and cue
offsets. No database is touched. This is how quality is measured:

    python ../shared/tools/score_quotes.py --gold G.jsonl --docs DOCS.jsonl --pred PRED.jsonl

Attributed statements (direct, mixed, indirect) are written by default; check-worthy
sentences are not attributed statements, so they are added only with --checkworthy.
"""
import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from claims.extraction import EXTRACTOR_VERSION, extract_many

BATCH = 64  # articles per extract_many call: bounded memory, still batched through spaCy


class Command(BaseCommand):
    help = "Extract candidate claims from a JSON lines file of {doc_id, text}, without a database."

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, help="JSON lines: {doc_id, text} per line.")
        parser.add_argument("--output", required=True, help="Where to write the candidates (JSON lines).")
        parser.add_argument("--checkworthy", action="store_true", help="Also write check-worthy statements.")
        parser.add_argument("--threshold", type=float, default=None,
                            help="Least check-worthiness for an unattributed sentence (0..1; default FACTDESK_CHECKWORTHY_CANDIDATE_MIN).")

    def handle(self, *args, input, output, checkworthy, threshold, verbosity, **options):
        if threshold is None:
            threshold = settings.FACTDESK_CHECKWORTHY_CANDIDATE_MIN
        if not 0.0 <= threshold <= 1.0:
            raise CommandError("--threshold must be between 0 and 1.")
        docs = list(self._read(input))
        written = 0
        with open(output, "w", encoding="utf-8") as out:
            for i in range(0, len(docs), BATCH):
                batch = docs[i:i + BATCH]
                results = extract_many([text for _, text in batch], checkworthy_threshold=threshold)
                for (doc_id, text), extracted in zip(batch, results):
                    for x in extracted:
                        if x.kind == "checkworthy" and not checkworthy:
                            continue
                        out.write(json.dumps(self._row(doc_id, text, x), ensure_ascii=False) + "\n")
                        written += 1
        if verbosity:
            self.stdout.write(f"{written} candidates from {len(docs)} documents (extractor {EXTRACTOR_VERSION}) -> {output}")

    def _read(self, path):
        try:
            handle = open(path, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
        with handle:
            for n, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise CommandError(f"{path}:{n}: not JSON ({exc.msg})") from exc
                if not isinstance(row, dict) or "doc_id" not in row or not isinstance(row.get("text"), str):
                    raise CommandError(f"{path}:{n}: each line needs a doc_id and a text string")
                yield str(row["doc_id"]), row["text"]

    @staticmethod
    def _row(doc_id, text, x):
        return {
            "doc_id": doc_id,
            "kind": x.kind,
            "quote_text": text[x.start:x.end],
            "start": x.start,
            "end": x.end,
            "speaker": x.speaker,
            "verb": x.verb,
            "confidence": x.confidence,
            "speaker_kind": x.speaker_kind,
            "speaker_resolved": x.speaker_resolved,
            "speaker_mention": x.speaker_mention,
            "speaker_start": x.speaker_start,
            "speaker_end": x.speaker_end,
            "verb_start": x.verb_start,
            "verb_end": x.verb_end,
            "checkworthiness": x.checkworthiness,
            "floating": x.floating,
            "is_floating_quote": x.floating,
        }
