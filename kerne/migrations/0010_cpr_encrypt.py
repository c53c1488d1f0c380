# CPR numbers at rest, step 2 of 3: encrypt every stored number and clear the plain column in
# the same UPDATE, so no live row version keeps the digits (dead versions: docs/operations.md).
# Uses the keys of the running configuration (CPR_KEYS, CPR_HASH_KEY): without DEBUG they must
# be set before migrating a database that holds numbers.

from django.db import migrations

from kerne import cpr_crypto

BATCH = 1000


def _in_batches(queryset, fields, change):
    model = queryset.model
    batch = []
    for person in queryset.only("pk", *fields).iterator(chunk_size=BATCH):
        change(person)
        batch.append(person)
        if len(batch) == BATCH:
            model.objects.bulk_update(batch, fields)
            batch = []
    model.objects.bulk_update(batch, fields)


def encrypt(apps, schema_editor):
    Person = apps.get_model("kerne", "Person")

    def change(person):
        digits = cpr_crypto.canonical(person.cpr) or person.cpr.strip()
        person.cpr_cipher = cpr_crypto.encrypt(digits)
        person.cpr_hash = cpr_crypto.digest(digits)
        person.cpr = None

    _in_batches(Person.objects.filter(cpr__isnull=False), ["cpr", "cpr_cipher", "cpr_hash"], change)


def decrypt(apps, schema_editor):
    Person = apps.get_model("kerne", "Person")

    def change(person):
        person.cpr = cpr_crypto.decrypt(person.cpr_cipher)
        person.cpr_cipher = person.cpr_hash = None

    _in_batches(
        Person.objects.filter(cpr_cipher__isnull=False), ["cpr", "cpr_cipher", "cpr_hash"], change
    )


class Migration(migrations.Migration):
    dependencies = [
        ("kerne", "0009_cpr_fields"),
    ]

    operations = [
        migrations.RunPython(encrypt, decrypt),
    ]
