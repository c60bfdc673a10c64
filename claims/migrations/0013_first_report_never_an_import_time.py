"""Claims first reported by an undated article carried its import time as their first report.

Their first report becomes their earliest dated citing article, or, when none is dated, the
undated article with the date unknown (None), as claims.services now decide it.
"""
from django.db import migrations
from django.db.models import F


def date_first_reports(apps, schema_editor):
    Claim = apps.get_model("claims", "Claim")
    Citation = apps.get_model("claims", "Citation")
    undated_first = Claim.objects.filter(first_article__isnull=False, first_article__published_at__isnull=True)
    for claim in undated_first.only("id", "first_article_id", "first_reported_at").iterator():
        first = (
            Citation.objects.filter(claim_id=claim.pk).select_related("article")
            .order_by(F("article__published_at").asc(nulls_last=True), "article__imported_at", "id").first()
        )
        if first is None:  # no citation left: nothing to date it by
            Claim.objects.filter(pk=claim.pk).update(first_reported_at=None)
        else:
            Claim.objects.filter(pk=claim.pk).update(first_article=first.article, first_reported_at=first.article.published_at)


class Migration(migrations.Migration):

    dependencies = [
        ("claims", "0012_factcheck_feeds"),
    ]

    operations = [
        migrations.RunPython(date_first_reports, migrations.RunPython.noop),
    ]
