"""A case's number belongs to the office that issued it: ``numbered_by`` never changes, and the
number is unique per issuing office and year (the owning ``office`` changes on a transfer)."""

import django.db.models.deletion
from django.db import migrations, models


def fill_numbered_by(apps, schema_editor):
    """The issuer is the office whose code starts the number ("<code>/<year>/<serial>"); a case
    already transferred is in another office now. Only offices with a number counter ever issued
    numbers; one UPDATE each (the number's prefix index serves it), the longer codes last so the
    most specific prefix wins. Anything left (no matching code) falls back to the owning office."""
    Case = apps.get_model("cases", "Case")
    CaseNumberCounter = apps.get_model("cases", "CaseNumberCounter")
    issuers = set(CaseNumberCounter.objects.values_list("office_id", "office__code"))
    for office_id, code in sorted(issuers, key=lambda issuer: len(issuer[1])):
        Case.objects.filter(case_number__startswith=f"{code}/").update(numbered_by_id=office_id)
    Case.objects.filter(numbered_by__isnull=True).update(numbered_by_id=models.F("office_id"))


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_followups_end"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="numbered_by",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="geo.orgunit",
                verbose_name="numbered by",
            ),
        ),
        migrations.RunPython(fill_numbered_by, migrations.RunPython.noop),
    ]
