"""Editors review people, places and organizations: accept, reject, merge, split, rename and
promote them (never delete: a rejection keeps the entity so that it is not found again)."""

from django.db import migrations

EDITOR_PERMISSIONS = [
    "view_entity",
    "change_entity",
    "view_entityform",
    "change_entityform",
]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Editors")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="archive", codename__in=EDITOR_PERMISSIONS
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Editors"):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="archive", codename__in=EDITOR_PERMISSIONS
            )
        )


class Migration(migrations.Migration):
    dependencies = [("archive", "0019_entities")]

    operations = [migrations.RunPython(grant, revoke)]
