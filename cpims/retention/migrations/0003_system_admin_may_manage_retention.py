"""Give the existing system administrator role the new permission retention.manage (new
installations get it from cpims.accounts.roles). Only adds it; removing it later stays possible."""

from django.db import migrations

PERM = "retention.manage"


def grant(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for role in Role.objects.filter(code="system_admin"):
        if PERM not in role.permissions:
            role.permissions = [*role.permissions, PERM]
            role.save(update_fields=["permissions"])


class Migration(migrations.Migration):
    dependencies = [("retention", "0002_audit_retention_delete"), ("accounts", "0001_initial")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop, elidable=False)]
