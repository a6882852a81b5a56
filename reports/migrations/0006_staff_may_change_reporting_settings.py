"""The "Sở KH&CN" group may now change its province's and plans' reporting settings in the admin (the
group is brought up to date when a staff user is added; this brings existing databases there at once)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

WANTED = {"reportingpolicy": ("view", "add", "change"), "planreportingpolicy": ("view", "add", "change", "delete"),
          "deadlinechange": ("view",)}


def grant(apps, schema_editor):
    # Permissions are made after migrations (post_migrate): make this app's now, as Django's own recipe does.
    app_config = apps.get_app_config("reports")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="Sở KH&CN").first()
    if group is None:
        return
    codenames = [f"{action}_{model}" for model, actions in WANTED.items() for action in actions]
    group.permissions.add(*Permission.objects.filter(content_type__app_label="reports", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0005_reporting_settings_and_deadline_changes"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
