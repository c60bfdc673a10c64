"""The import and extraction commands print progress bars counted in articles, not files or batches."""
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from articles.models import Article
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"


def test_import_counts_articles_across_files(tmp_path):
    (tmp_path / "feed.xml").write_bytes((FIXTURES / "feed_rss.xml").read_bytes())  # three articles
    (tmp_path / "one.txt").write_text("Mayor promises a bridge\n\nThe mayor said the bridge would open in spring.")
    err = StringIO()
    call_command("import_articles", str(tmp_path), stdout=StringIO(), stderr=err)
    assert Article.objects.count() == 4
    bar = err.getvalue()
    assert "Importing: 4 articles" in bar and "inputs 2/2" in bar, bar


def test_extraction_counts_articles_not_batches():
    for _ in range(20):  # more than one batch of 16
        ArticleFactory()
    err = StringIO()
    call_command("extract_articles", "--all", stdout=StringIO(), stderr=err)
    bar = err.getvalue()
    assert "20/20" in bar and "articles" in bar and "batch" not in bar, bar
