"""The editorial value stored on the claim (``Claim.triage_value`` and its reasons), indexed for the queue.

The queue ordered proposed claims by computing every claim's signals on each request; the value
is now kept by the services (``claims.services.triage``) and this migration fills it in for the
claims already there. The backfill calls that module, not a copy of the formula: the score has
one spelling (``claims.triage``). ``manage.py refresh_triage`` does the same at any time.
"""
from django.db import migrations, models


def backfill(apps, schema_editor):
    from claims.services.triage import refresh_all

    refresh_all()


class Migration(migrations.Migration):

    dependencies = [
        ("claims", "0013_first_report_never_an_import_time"),
    ]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="triage_reasons",
            field=models.JSONField(blank=True, default=list, editable=False,
                                   help_text="The signals behind the editorial value, in words."),
        ),
        migrations.AddField(
            model_name="claim",
            name="triage_value",
            field=models.FloatField(default=0.0, editable=False,
                                    help_text="Editorial value (claims.triage): the queue's order, highest first."),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(condition=models.Q(("status", "proposed")), fields=["-triage_value", "-id"],
                               name="claim_proposed_triage_idx"),
        ),
    ]
