"""Case access rests on a recorded basis and may expire (Data Protection Act 2019, issue 15).

Existing grants: those given for a referral rest on the consent the referral recorded (they end
when the child's consent to share with that unit is withdrawn), the others on the case's own
handling (a transfer under review). The default roles that run cases get the break-the-glass
permission ``case.emergency_access`` (seeding never overwrites an existing role).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


PERMISSION = "case.emergency_access"
ROLE_CODES = ("county_coordinator", "subcounty_officer")


def forwards(apps, schema_editor):
    CaseAccess = apps.get_model("cases", "CaseAccess")
    CaseAccess.objects.filter(reason="referral").update(basis="consent")
    Role = apps.get_model("accounts", "Role")
    for role in Role.objects.filter(code__in=ROLE_CODES):
        if PERMISSION not in role.permissions:
            role.permissions = [*role.permissions, PERMISSION]
            role.save(update_fields=["permissions"])


def backwards(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for role in Role.objects.filter(code__in=ROLE_CODES):
        if PERMISSION in role.permissions:
            role.permissions = [p for p in role.permissions if p != PERMISSION]
            role.save(update_fields=["permissions"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_child_access_log_permission"),
        ("cases", "0007_caseevent_message_params"),
        ("geo", "0003_area_region"),
        ("registry", "0002_trigram_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="caseaccess",
            name="basis",
            field=models.CharField(
                choices=[
                    ("consent", "Consent"),
                    ("court_order", "Court order"),
                    ("best_interest", "The child's best interest"),
                    ("assignment", "Case assignment or transfer"),
                    ("emergency", "Emergency access"),
                ],
                default="assignment",
                max_length=14,
                verbose_name="basis",
            ),
        ),
        migrations.AddField(
            model_name="caseaccess",
            name="basis_note",
            field=models.CharField(blank=True, max_length=300, verbose_name="reason"),
        ),
        migrations.AddField(
            model_name="caseaccess",
            name="consent",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="case_access",
                to="registry.consent",
            ),
        ),
        migrations.AddField(
            model_name="caseaccess",
            name="ended_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("revoked", "Ended by an officer"),
                    ("consent_withdrawn", "Consent withdrawn"),
                    ("expired", "Expired"),
                ],
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="caseaccess",
            name="expires_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="until"),
        ),
        migrations.AddField(
            model_name="caseaccess",
            name="user",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddIndex(
            model_name="caseaccess",
            index=models.Index(fields=["basis", "granted_at"], name="caseaccess_basis"),
        ),
        migrations.AddConstraint(
            model_name="caseaccess",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("basis", "emergency"), _negated=True),
                    models.Q(("user__isnull", False), ("expires_at__isnull", False)),
                    _connector="OR",
                ),
                name="caseaccess_emergency_user",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
