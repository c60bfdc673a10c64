"""Claims' embeddings become all-MiniLM-L6-v2 vectors (384 values), with the model named beside each.

On PostgreSQL the column is a pgvector ``vector(384)`` with an HNSW index over the live claims
(the semantic branch of retrieval); the ``vector`` extension must be installed on the server
(README, "Matching"). The old 256-value wordllama vectors mean nothing to the new encoder, so
they are dropped: run ``manage.py embed_claims`` after migrating to compute the new ones
(until then a claim without one is embedded when it enters a pool, and is not found by meaning).
"""
from django.db import migrations, models

import claims.fields

HNSW_INDEX = "claim_embedding_hnsw"


def create_vector_extension(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from django.db import DatabaseError

    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'vector'")
        if cursor.fetchone():
            return
        try:
            cursor.execute("SAVEPOINT factdesk_vector")
            cursor.execute("CREATE EXTENSION IF NOT EXISTS vector")
            cursor.execute("RELEASE SAVEPOINT factdesk_vector")
        except DatabaseError as exc:
            raise RuntimeError(
                "FactDesk needs the PostgreSQL extension pgvector (CREATE EXTENSION vector failed: "
                f"{str(exc).strip()}). Install it on the database server - on Debian bookworm run "
                ".ci/install_pgvector as root (it builds Debian's source package), elsewhere install "
                "your distribution's postgresql-<version>-pgvector - then migrate again. See README, 'Matching'."
            ) from None


def create_hnsw_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("claims", "Claim")._meta.db_table)
    # Inner-product order on unit vectors is cosine order, and the cheapest distance. Only live
    # claims are indexed: the semantic branch never looks for merged or rejected ones.
    schema_editor.execute(
        f"CREATE INDEX {HNSW_INDEX} ON {table} USING hnsw (embedding vector_ip_ops) "
        f"WHERE status IN ('proposed', 'confirmed')"
    )


def drop_hnsw_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {HNSW_INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ('claims', '0005_speaker_alias_variant'),
    ]

    operations = [
        migrations.RunPython(create_vector_extension, migrations.RunPython.noop),
        migrations.RemoveField(model_name='claim', name='embedding'),
        migrations.AddField(
            model_name='claim',
            name='embedding',
            field=claims.fields.EmbeddingField(blank=True, dimensions=384, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='claim',
            name='embedding_model',
            field=models.CharField(
                blank=True, editable=False, max_length=80,
                help_text='The encoder (name and version) that computed the embedding; manage.py embed_claims recomputes others.',
            ),
        ),
        migrations.RunPython(create_hnsw_index, drop_hnsw_index),
    ]
