"""Retention: the project's retention setting, the family's discharge and anonymisation dates,
and a narrow path through the audit log's append-only trigger for the retention task only.

The trigger (0003) still refuses every UPDATE, and every DELETE unless the transaction has set
`kerne.adgangslog_opbevaring_maaneder` (SET LOCAL / set_config(..., true): gone at commit) to
at least 6 and the row is older than that many months by the database's own clock. So neither
a bug nor a wrong setting can delete a row younger than 6 months or rewrite one.
"""

import django.core.validators
from django.db import migrations, models

RETENTION_TRIGGER = """
CREATE OR REPLACE FUNCTION kerne_adgangslog_append_only() RETURNS trigger AS $$
DECLARE
    months integer;
BEGIN
    IF TG_OP = 'DELETE' THEN
        months := NULLIF(current_setting('kerne.adgangslog_opbevaring_maaneder', true), '')::integer;
        IF months IS NOT NULL AND months >= 6
           AND OLD.tidspunkt < now() - make_interval(months => months) THEN
            RETURN OLD;
        END IF;
    END IF;
    RAISE EXCEPTION USING
        MESSAGE = 'kerne_adgangslog is append-only: ' || TG_OP || ' refused',
        ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

APPEND_ONLY_TRIGGER = """
CREATE OR REPLACE FUNCTION kerne_adgangslog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING
        MESSAGE = 'kerne_adgangslog is append-only: ' || TG_OP || ' refused',
        ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(RETENTION_TRIGGER)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY_TRIGGER)


class Migration(migrations.Migration):
    dependencies = [("kerne", "0011_cpr_drop_plain")]

    operations = [
        migrations.AddField(
            model_name="familie",
            name="afsluttet",
            field=models.DateField(blank=True, null=True, verbose_name="udsluset"),
        ),
        migrations.AddField(
            model_name="familie",
            name="anonymiseret",
            field=models.DateTimeField(blank=True, null=True, verbose_name="anonymiseret"),
        ),
        migrations.AddField(
            model_name="projekt",
            name="opbevaring_maaneder",
            field=models.PositiveSmallIntegerField(
                default=24,
                help_text="Så mange måneder efter udslusningen anonymiseres familiens "
                "personoplysninger (12–60).",
                validators=[
                    django.core.validators.MinValueValidator(
                        12, "Opbevaringen skal være mindst 12 måneder."
                    ),
                    django.core.validators.MaxValueValidator(
                        60, "Opbevaringen må højst være 60 måneder."
                    ),
                ],
                verbose_name="opbevaring efter udslusning (måneder)",
            ),
        ),
        migrations.AddIndex(
            model_name="familie",
            index=models.Index(
                fields=["status", "afsluttet"], name="kerne_famil_status_2ee7b9_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="projekt",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("opbevaring_maaneder__gte", 12), ("opbevaring_maaneder__lte", 60)
                ),
                name="projekt_opbevaring_12_60",
                violation_error_message="Opbevaringen skal være mellem 12 og 60 måneder.",
            ),
        ),
        migrations.RunPython(install, uninstall),
    ]
