"""Copy each family's admission date from its latest stay onto the family (kerne 0006)."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def copy_admission_dates(apps, schema_editor):
    Familie = apps.get_model("kerne", "Familie")
    Forloeb = apps.get_model("visitation", "Forloeb")
    latest_stay = Forloeb.objects.filter(familie=OuterRef("pk")).order_by("-optaget", "-pk")
    Familie.objects.filter(forloeb__isnull=False).update(
        optaget=Subquery(latest_stay.values("optaget")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("kerne", "0006_familie_optaget"),
        ("visitation", "0001_initial"),
    ]

    operations = [migrations.RunPython(copy_admission_dates, migrations.RunPython.noop)]
