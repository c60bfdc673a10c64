"""Give the desk's groups the permissions of the models 0008 and 0009 added (fact-checks, links, desk checks)."""
from django.db import migrations


def refresh_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    from factdesk.roles import sync_groups

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_groups(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):

    dependencies = [
        ("claims", "0009_desk_checks"),
    ]

    operations = [
        migrations.RunPython(refresh_roles, migrations.RunPython.noop),
    ]
