# A document's redelivery claim (issue 10, faults): the task delivery that is building it.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("kerne", "0012_opbevaring"),
    ]

    operations = [
        migrations.AddField(
            model_name="dokument",
            name="opgave",
            field=models.CharField(
                blank=True, editable=False, max_length=64, verbose_name="opgave"
            ),
        ),
    ]
