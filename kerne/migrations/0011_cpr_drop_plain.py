# CPR numbers at rest, step 3 of 3: the plain column goes; uniqueness moves to the keyed hash.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("kerne", "0010_cpr_encrypt"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="person",
            name="person_cpr_unik_pr_kommune",
        ),
        migrations.RemoveField(
            model_name="person",
            name="cpr",
        ),
        migrations.AddConstraint(
            model_name="person",
            constraint=models.UniqueConstraint(
                condition=models.Q(("cpr_hash__isnull", False)),
                fields=("cpr_hash", "kommune"),
                name="person_cpr_unik_pr_kommune",
            ),
        ),
    ]
