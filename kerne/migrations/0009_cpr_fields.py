# CPR numbers at rest, step 1 of 3: the encrypted token and the keyed hash beside the plain column.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("kerne", "0008_auth"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="cpr_cipher",
            field=models.TextField(
                blank=True, editable=False, null=True, verbose_name="CPR-nummer, krypteret"
            ),
        ),
        migrations.AddField(
            model_name="person",
            name="cpr_hash",
            field=models.CharField(
                blank=True,
                editable=False,
                max_length=64,
                null=True,
                verbose_name="CPR-nummer, nøglet hash",
            ),
        ),
    ]
