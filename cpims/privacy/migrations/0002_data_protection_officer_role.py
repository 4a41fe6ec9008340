"""Create the data protection officer role on installations whose roles were seeded before it
existed (seeding creates missing roles only when load_reference runs again). Mirrors
cpims.accounts.roles; an existing role of that code is left as the administrators set it."""

from django.db import migrations

CODE = "data_protection_officer"
PERMISSIONS = [
    "orgunit.view",
    "child.view",
    "child.access_log",
    "case.view",
    "case.view_sensitive",
    "placement.view",
    "audit.view",
    "privacy.requests",
    "privacy.breaches",
]


def create(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    # Only where roles exist already: a new installation gets it from seed_roles.
    if Role.objects.exists():
        Role.objects.get_or_create(
            code=CODE,
            defaults={
                "name": "Data protection officer",
                "scope": "national",
                "permissions": PERMISSIONS,
                "description": "Data Protection Act 2019: subject access and correction requests, the breach register.",
            },
        )


def remove(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    Role.objects.filter(code=CODE, assignments__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial"), ("accounts", "0003_child_access_log_permission")]

    operations = [migrations.RunPython(create, remove)]
