"""Every issue has a reason code; no other kind of movement has one."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0008_movement_reason_code"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="stockmovement",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("kind", "issue"),
                        ("reason_code__in", ["consumption", "sample", "damage", "scrap", "other"]),
                    ),
                    models.Q(models.Q(("kind", "issue"), _negated=True), ("reason_code", "")),
                    _connector="OR",
                ),
                name="inventory_movement_issue_reason_code",
            ),
        ),
    ]
