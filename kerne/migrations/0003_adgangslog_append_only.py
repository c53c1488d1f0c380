"""On PostgreSQL a trigger refuses UPDATE and DELETE on the audit log.

TRUNCATE is left to the database owner: the application never issues it, and the test
runner's flush between transactional tests needs it.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION kerne_adgangslog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING
        MESSAGE = 'kerne_adgangslog is append-only: ' || TG_OP || ' refused',
        ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER kerne_adgangslog_append_only
    BEFORE UPDATE OR DELETE ON kerne_adgangslog
    FOR EACH ROW EXECUTE FUNCTION kerne_adgangslog_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS kerne_adgangslog_append_only ON kerne_adgangslog;
DROP FUNCTION IF EXISTS kerne_adgangslog_append_only();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("kerne", "0002_familier_personer_samtykke_adgang")]

    operations = [migrations.RunPython(install, uninstall)]
