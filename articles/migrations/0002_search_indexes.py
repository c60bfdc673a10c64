"""Full-text search indexes on articles (PostgreSQL only; SQLite searches with a plain word match).

The expressions match what claims.search filters on, so PostgreSQL uses them for searches.
"""
from django.db import migrations

INDEXES = {
    "article_title_fts": "articles_article USING gin (to_tsvector('english'::regconfig, COALESCE(title, '')))",
    "article_text_fts": "articles_article USING gin (to_tsvector('english'::regconfig, COALESCE(text, '')))",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, definition in INDEXES.items():
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]
    operations = [migrations.RunPython(create, drop, elidable=False)]
