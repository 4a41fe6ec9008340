"""Give the default roles that hold them in a new installation the bulk import and task queue
permissions.

Seeding never overwrites an existing role, so installations whose roles already exist would not get
``data.import`` (cpims/imports) or ``task.manage`` (the background task queue) otherwise. Only these
default roles are touched, and only by adding the permission they lack, so any other change made to
a role on the roles page is kept; reversing removes only these permissions again.
"""

from django.db import migrations

GRANTS = {
    "system_admin": ("data.import", "task.manage"),
    "county_coordinator": ("data.import",),
    "subcounty_officer": ("data.import",),
}


def grant(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for role in Role.objects.filter(code__in=GRANTS):
        missing = [p for p in GRANTS[role.code] if p not in role.permissions]
        if missing:
            role.permissions = [*role.permissions, *missing]
            role.save(update_fields=["permissions"])


def revoke(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for role in Role.objects.filter(code__in=GRANTS):
        kept = [p for p in role.permissions if p not in GRANTS[role.code]]
        if kept != role.permissions:
            role.permissions = kept
            role.save(update_fields=["permissions"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_child_access_log_permission")]

    operations = [migrations.RunPython(grant, revoke)]
