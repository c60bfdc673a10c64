"""manage.py embed_claims [--all] [--batch N]

Computes the sentence embedding of every claim that has none or whose vector another model
computed (``Claim.embedding_model`` differs from ``claims.matching.EMBEDDING_MODEL``): after
an upgrade that changes the encoder, and after migration 0006. ``--all`` recomputes every claim.
Embeddings are derived data (not editorial state, so not audited); a claim edited while this
runs keeps the vector of its newest text, because each batch is written only where the text is
still the one embedded. Safe to stop and run again: it resumes where it left off.
"""
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from claims.models import Claim
from claims.services.matching import store_claim_embeddings


class Command(BaseCommand):
    help = "Compute the sentence embeddings of claims that have none or have another model's."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Recompute every claim's embedding.")
        parser.add_argument("--batch", type=int, default=256, help="Claims embedded per batch (default 256).")

    def handle(self, *args, all, batch, **options):
        from claims.matching import EMBEDDING_MODEL, embed

        if batch < 1:
            raise CommandError("--batch must be at least 1.")
        todo = Claim.objects.all()
        if not all:
            todo = todo.filter(Q(embedding__isnull=True) | ~Q(embedding_model=EMBEDDING_MODEL))
        total = todo.count()
        done = 0
        last_pk = 0
        while True:
            rows = list(todo.filter(pk__gt=last_pk).order_by("pk").values_list("pk", "text")[:batch])
            if not rows:
                break
            last_pk = rows[-1][0]
            vectors = embed([text for _, text in rows])
            done += store_claim_embeddings(
                vectors=[(pk, text, vector.astype("<f4").tobytes()) for (pk, text), vector in zip(rows, vectors)],
                model_name=EMBEDDING_MODEL,
            )
            self.stdout.write(f"{done}/{total} claims embedded", ending="\r")
            self.stdout.flush()
        self.stdout.write(f"Embedded {done} claims with {EMBEDDING_MODEL}.")
