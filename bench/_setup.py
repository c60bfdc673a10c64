"""Shared set-up for the bench scripts: Django on the database DATABASE_URL names, ../shared located."""
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FACTDESK_SHARED_DIR", ROOT.parent / "shared"))
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/factdesk_bench")


def django_on(database_url: str | None, data_dir: str):
    """Configure Django for a bench run on ``database_url`` (None = the SQLite default) and migrate."""
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ["FACTDESK_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factdesk.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def require_shared(what: str) -> Path:
    if not SHARED.exists():
        print(f"skipped: {what} needs ../shared beside the checkout")
        sys.exit(0)
    return SHARED


def ensure_postgres_database(url: str) -> None:
    """Create the bench database if it does not exist (trust auth on the local server)."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
