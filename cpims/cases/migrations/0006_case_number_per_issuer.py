"""Second step of 0005, in its own transaction: PostgreSQL refuses to ALTER a table whose rows
were just updated with foreign keys checked at commit ("pending trigger events")."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_case_numbered_by"),
    ]

    operations = [
        migrations.AlterField(
            model_name="case",
            name="numbered_by",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="geo.orgunit",
                verbose_name="numbered by",
            ),
        ),
        migrations.RemoveConstraint(
            model_name="case",
            name="case_number_per_office_year",
        ),
        migrations.AddConstraint(
            model_name="case",
            constraint=models.UniqueConstraint(
                fields=("numbered_by", "year", "serial"), name="case_number_per_issuer_year"
            ),
        ),
    ]
