"""Candidates record whether the speaker asserted the statement (extractor 2026.11.27): a denial
("rejected suggestions that X"), a refusal to comment, negated or supposed speech, a belief or an
intention is stored as such, never as what the speaker asserted. Existing rows are 'asserted'
until the next extraction replaces them (the extractor version changed)."""
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0006_claim_embedding_vector"),
    ]

    operations = [
        migrations.AddField(
            model_name="candidate",
            name="stance",
            field=models.CharField(
                choices=[
                    ("asserted", "Asserted"),
                    ("denied", "Denied by the speaker"),
                    ("declined", "Declined to comment"),
                    ("unasserted", "Not said (negated or supposed)"),
                    ("belief", "Belief, not speech"),
                    ("intention", "Intention, not speech"),
                ],
                db_index=True,
                default="asserted",
                help_text="Whether the speaker asserted it; a denial, a refusal, a belief or an intention is no claim of theirs.",
                max_length=12,
            ),
        ),
    ]
