"""Copy each discharged family's discharge date onto the family (kerne 0012), from its latest
closed stay, or else from the day it last moved to `afsluttet`."""

from django.db import migrations
from django.db.models import OuterRef, Subquery
from django.db.models.functions import TruncDate


def copy_discharge_dates(apps, schema_editor):
    Familie = apps.get_model("kerne", "Familie")
    Forloeb = apps.get_model("visitation", "Forloeb")
    Statusskift = apps.get_model("visitation", "Statusskift")
    discharged = Familie.objects.filter(status="afsluttet")
    closed_stay = Forloeb.objects.filter(familie=OuterRef("pk"), afsluttet__isnull=False).order_by(
        "-afsluttet", "-pk"
    )
    discharged.filter(forloeb__afsluttet__isnull=False).update(
        afsluttet=Subquery(closed_stay.values("afsluttet")[:1])
    )
    last_move = Statusskift.objects.filter(familie=OuterRef("pk"), til="afsluttet").order_by(
        "-tidspunkt", "-pk"
    )
    discharged.filter(afsluttet__isnull=True, statusskift__til="afsluttet").update(
        afsluttet=Subquery(last_move.annotate(dag=TruncDate("tidspunkt")).values("dag")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("kerne", "0012_opbevaring"),
        ("visitation", "0002_familie_optaget_fra_forloeb"),
    ]

    operations = [migrations.RunPython(copy_discharge_dates, migrations.RunPython.noop)]
