"""Give the default roles that answer "who saw this child" their new permission.

Seeding never overwrites an existing role, so installations whose roles already exist would not get
``child.access_log`` otherwise. Only the two default roles are touched, and only by adding the one
permission; reversing removes it again.
"""

from django.db import migrations

PERMISSION = "child.access_log"
ROLE_CODES = ("county_coordinator", "national_me")


def grant(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for role in Role.objects.filter(code__in=ROLE_CODES):
        if PERMISSION not in role.permissions:
            role.permissions = [*role.permissions, PERMISSION]
            role.save(update_fields=["permissions"])


def revoke(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for role in Role.objects.filter(code__in=ROLE_CODES):
        if PERMISSION in role.permissions:
            role.permissions = [p for p in role.permissions if p != PERMISSION]
            role.save(update_fields=["permissions"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_initial")]

    operations = [migrations.RunPython(grant, revoke)]
