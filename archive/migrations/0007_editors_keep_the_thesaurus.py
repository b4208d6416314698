"""Editors add and change concepts (and remove a wrong label), but never delete a concept."""

from django.db import migrations

EDITOR_PERMISSIONS = [
    "add_concept",
    "change_concept",
    "view_concept",
    "add_conceptlabel",
    "change_conceptlabel",
    "view_conceptlabel",
    "delete_conceptlabel",
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
    dependencies = [("archive", "0006_thesaurus")]

    operations = [migrations.RunPython(grant, revoke)]
