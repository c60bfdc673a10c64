"""The queue's claims tab filtered by kind or outlet, served by indexes.

Proposed claims of one kind in editorial-value order (also counted from the index, without a
scan of the claims table), and the claims cited in an outlet's articles read from the citation
index alone.
"""
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("claims", "0014_claim_triage_value"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(condition=models.Q(("status", "proposed")), fields=["kind", "-triage_value", "-id"],
                               name="claim_proposed_kind_triage_idx"),
        ),
        migrations.AddIndex(
            model_name="citation",
            index=models.Index(fields=["article", "claim"], name="citation_article_claim_idx"),
        ),
    ]
