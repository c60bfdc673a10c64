"""The queue's matches tab served by an index: suggested matches best first, at any offset."""
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("claims", "0015_claim_proposed_kind_triage_idx"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="match",
            index=models.Index(condition=models.Q(("state", "suggested")), fields=["-score", "-id"],
                               name="match_suggested_score_idx"),
        ),
    ]
