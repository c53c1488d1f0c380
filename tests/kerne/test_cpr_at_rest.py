"""CPR numbers at rest: encrypted with keys from the environment, found by a keyed hash."""

import hashlib
import io
import pickle
import re

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from kerne import cpr_crypto, selectors, services
from kerne.models import Person
from tests.factories import KommuneFactory, PersonFactory, ProjektFactory, family_of, user_with_role

pytestmark = pytest.mark.django_db

NUMBER = "1203854321"
HYPHENATED = "120385-4321"
OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()
OLD_HASH_KEY = "old-hash-key-for-the-rotation-test-0123456789"
NEW_HASH_KEY = "new-hash-key-for-the-rotation-test-9876543210"


def person_rows() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, cpr_cipher, cpr_hash FROM kerne_person ORDER BY id")
        return cursor.fetchall()


def every_table_as_text() -> str:
    """Every row of every table of the project, as PostgreSQL prints it."""
    texts = []
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"SELECT t::text FROM {table} t")  # noqa: S608 (names from the models)
            texts += [row[0] for row in cursor.fetchall()]
    return "\n".join(texts)


# --- What the database holds ------------------------------------------------------------------


@pytest.mark.postgres
def test_no_table_holds_a_cpr_number_in_clear(client):
    projekt = ProjektFactory()
    koordinator = user_with_role("koordinator", projekt)
    familie = family_of(koordinator, projekt)
    services.person_registrer(
        acting_user=koordinator,
        kommune=projekt.kommune,
        cpr_nummer=HYPHENATED,
        fornavn="Hanne",
        efternavn="Holm",
    )
    # Shown and revealed: the audit trail of those holds no number either.
    client.force_login(koordinator)
    page = client.get(reverse("kerne:familie_detalje", kwargs={"pk": familie.pk}))
    assert page.status_code == 200
    person = familie.medlemskaber.first().person
    services.cpr_reveal(acting_user=koordinator, person=person, familie=familie)
    numbers = [p.cpr for p in Person.objects.all()]
    assert NUMBER in numbers
    assert len(numbers) == 3

    dump = every_table_as_text()
    assert dump.count("gAAAAA") >= 3  # the Fernet tokens (version byte 0x80) are there
    for number in numbers:
        assert number not in dump
        assert f"{number[:6]}-{number[6:]}" not in dump


def test_the_stored_token_is_authenticated_encryption_and_the_hash_is_keyed():
    person = PersonFactory(cpr=NUMBER)
    [(_id, token, hashed)] = person_rows()
    assert NUMBER not in token
    assert cpr_crypto.keyring().fernet.decrypt(token.encode()).decode() == NUMBER
    assert re.fullmatch(r"[0-9a-f]{64}", hashed)
    # Keyed: not the plain SHA-256 of the digits, which anyone could compute for every number.
    assert hashed != hashlib.sha256(NUMBER.encode()).hexdigest()
    # A fresh IV each time: the same number twice gives two tokens and one hash.
    other = PersonFactory(cpr=NUMBER, kommune=KommuneFactory())
    [_first, (_other_id, other_token, other_hash)] = person_rows()
    assert other_token != token
    assert other_hash == hashed
    assert other.cpr == person.cpr == NUMBER


def test_reading_gives_the_digits_and_assigning_sets_both_columns():
    person = PersonFactory(cpr=HYPHENATED)
    assert Person.objects.get(pk=person.pk).cpr == NUMBER
    person.cpr = "0101801235"
    person.save(update_fields=["cpr"])
    fresh = Person.objects.get(pk=person.pk)
    assert fresh.cpr == "0101801235"
    assert list(Person.objects.with_cpr("010180-1235")) == [fresh]
    assert not Person.objects.with_cpr(NUMBER).exists()


def test_an_invalid_number_is_refused_naming_the_field():
    with pytest.raises(ValidationError) as excinfo:
        Person(cpr="310285-1234")
    assert excinfo.value.message_dict == {"cpr": ["Datoen 31.02.1985 i CPR-nummeret findes ikke."]}


@pytest.mark.parametrize("update_fields", [None, ["cpr"]], ids=["save", "update_fields"])
def test_clearing_the_number_clears_token_and_hash(update_fields):
    person = PersonFactory(cpr=NUMBER)
    person.cpr = None
    person.save(update_fields=update_fields)
    assert person_rows() == [(person.pk, None, None)]
    assert Person.objects.get(pk=person.pk).cpr is None
    assert not Person.objects.with_cpr(NUMBER).exists()
    # The number is free again in the municipality.
    assert PersonFactory(cpr=NUMBER, kommune=person.kommune).cpr == NUMBER


def test_with_cpr_matches_exactly_and_a_malformed_number_matches_nobody():
    kommune = KommuneFactory()
    wanted = PersonFactory(cpr=NUMBER, kommune=kommune)
    PersonFactory(cpr="1203854323", kommune=kommune)
    PersonFactory(cpr=None, kommune=kommune)
    assert list(Person.objects.with_cpr(NUMBER)) == [wanted]
    assert list(Person.objects.with_cpr(f" {HYPHENATED} ")) == [wanted]
    assert Person.objects.with_cpr(NUMBER, "1203854323").count() == 2
    for nothing in ("120385432", "12038543210", "abc", "", NUMBER[:6]):
        assert not Person.objects.with_cpr(nothing).exists()
    assert not Person.objects.with_cpr().exists()


def test_a_number_is_unique_per_municipality():
    kommune = KommuneFactory()
    PersonFactory(cpr=NUMBER, kommune=kommune)
    PersonFactory(cpr=NUMBER, kommune=KommuneFactory())  # another municipality: allowed
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonFactory(cpr=HYPHENATED, kommune=kommune)


def test_a_pickled_person_carries_no_digits():
    person = PersonFactory(cpr=NUMBER)
    assert person.cpr == NUMBER  # opened, so the instance holds the digits in memory
    pickled = pickle.dumps(person)
    assert NUMBER.encode() not in pickled
    assert pickle.loads(pickled).cpr == NUMBER  # noqa: S301 (our own bytes)


def test_family_search_by_number_finds_through_the_hash():
    projekt = ProjektFactory()
    koordinator = user_with_role("koordinator", projekt)
    familie = family_of(koordinator, projekt)
    family_of(koordinator, projekt)
    number = familie.medlemskaber.first().person.cpr
    for query in (number, f"{number[:6]}-{number[6:]}"):
        assert list(selectors.family_list(koordinator, q=query)) == [familie]


# --- Keys from the environment ----------------------------------------------------------------


@pytest.mark.parametrize("missing", ["CPR_KEYS", "CPR_HASH_KEY"])
def test_without_debug_a_missing_key_is_improperly_configured(settings, missing):
    person = PersonFactory(cpr=NUMBER)
    settings.DEBUG = False
    setattr(settings, missing, [] if missing == "CPR_KEYS" else "")
    with pytest.raises(ImproperlyConfigured, match=missing):
        Person(cpr=NUMBER)
    with pytest.raises(ImproperlyConfigured, match=missing):
        Person.objects.get(pk=person.pk).cpr  # noqa: B018
    with pytest.raises(ImproperlyConfigured, match=missing):
        Person.objects.with_cpr(NUMBER)
    errors = [e for e in run_checks(include_deployment_checks=True) if e.id == "kerne.E010"]
    assert len(errors) == 1
    assert missing in errors[0].msg


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("CPR_KEYS", ["not-a-fernet-key"], "CPR_KEYS must be Fernet keys"),
        ("CPR_HASH_KEY", "too-short", "CPR_HASH_KEY must be at least 32"),
        ("CPR_HASH_KEY_PREVIOUS", "too-short", "CPR_HASH_KEY_PREVIOUS must be at least 32"),
    ],
)
def test_a_malformed_key_is_improperly_configured_without_echoing_it(
    settings, name, value, message
):
    setattr(settings, name, value)
    with pytest.raises(ImproperlyConfigured, match=message) as excinfo:
        Person(cpr=NUMBER)
    assert "not-a-fernet-key" not in str(excinfo.value)
    assert "too-short" not in str(excinfo.value)


def test_with_debug_unset_keys_derive_from_secret_key(settings):
    settings.DEBUG = True
    settings.CPR_KEYS, settings.CPR_HASH_KEY = [], ""
    person = PersonFactory(cpr=NUMBER)
    assert Person.objects.with_cpr(NUMBER).get().cpr == NUMBER
    settings.SECRET_KEY = "another-secret-key-gives-other-cpr-keys-0123456789abcdef"
    assert not Person.objects.with_cpr(NUMBER).exists()
    with pytest.raises(cpr_crypto.CprKeyError, match="rotate_cpr_keys"):
        Person.objects.get(pk=person.pk).cpr  # noqa: B018


def test_the_deploy_check_is_quiet_with_keys_set():
    assert not [e for e in run_checks(include_deployment_checks=True) if e.id == "kerne.E010"]


# --- Key rotation -----------------------------------------------------------------------------


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("rotate_cpr_keys", *args, stdout=out)
    return out.getvalue()


def test_rotation_moves_every_number_to_the_new_keys_and_the_old_ones_can_go(settings):
    settings.CPR_KEYS, settings.CPR_HASH_KEY = [OLD_KEY], OLD_HASH_KEY
    kommune = KommuneFactory()
    numbers = [f"0{day}0185432{day}" for day in range(1, 8)]
    persons = [PersonFactory(cpr=number, kommune=kommune) for number in numbers]
    PersonFactory(cpr=None, kommune=kommune)

    # Step 1: the new keys in front, the old ones kept for reading and finding.
    settings.CPR_KEYS = [NEW_KEY, OLD_KEY]
    settings.CPR_HASH_KEY, settings.CPR_HASH_KEY_PREVIOUS = NEW_HASH_KEY, OLD_HASH_KEY
    assert Person.objects.with_cpr(*numbers).count() == 7  # found during the rotation
    with pytest.raises(SystemExit):
        _run("--check")
    # Step 2: rotate, in batches.
    out = _run("--batch-size", "3")
    assert "7 of 7 CPR numbers rotated" in out
    assert out.count("up to person id") == 3
    assert "0 of 7 CPR numbers to rotate." in _run("--check")

    # Step 3: the old keys removed; everything still reads and is found.
    settings.CPR_KEYS, settings.CPR_HASH_KEY_PREVIOUS = [NEW_KEY], ""
    for person, number in zip(persons, numbers, strict=True):
        assert Person.objects.get(pk=person.pk).cpr == number
        assert list(Person.objects.with_cpr(number)) == [person]
    new = Fernet(NEW_KEY)
    for _id, token, hashed in person_rows():
        if token is not None:
            digits = new.decrypt(token.encode()).decode()
            assert hashed == cpr_crypto.digest(digits, key=NEW_HASH_KEY.encode())
    # And a second run has nothing left to do.
    assert "0 of 7 CPR numbers rotated" in _run()


def test_removing_the_old_key_before_rotating_loses_the_numbers_loudly(settings):
    settings.CPR_KEYS = [OLD_KEY]
    person = PersonFactory(cpr=NUMBER)
    settings.CPR_KEYS = [NEW_KEY]
    with pytest.raises(cpr_crypto.CprKeyError, match="rotate_cpr_keys"):
        Person.objects.get(pk=person.pk).cpr  # noqa: B018
    with pytest.raises(CommandError, match="none of the keys"):
        _run()


def _opens(fernet: Fernet, token: str) -> bool:
    try:
        fernet.decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def test_a_stopped_rotation_resumes_where_it_stopped(settings):
    settings.CPR_KEYS = [OLD_KEY]
    persons = [PersonFactory(cpr=f"0{day}0185432{day}") for day in range(1, 6)]
    settings.CPR_KEYS = [NEW_KEY, OLD_KEY]

    class StopError(Exception):
        pass

    def stop_after_first_batch(result):
        raise StopError

    with pytest.raises(StopError):
        services.cpr_keys_rotate(batch_size=2, on_batch=stop_after_first_batch)
    # The first batch is committed under the new key, the rest not yet.
    new = Fernet(NEW_KEY)
    done = [pk for pk, token, _hash in person_rows() if _opens(new, token)]
    assert done == [persons[0].pk, persons[1].pk]
    again = services.cpr_keys_rotate(batch_size=2)
    assert (again.examined, again.changed) == (5, 3)
    resumed = services.cpr_keys_rotate(batch_size=2, after_id=persons[3].pk)
    assert (resumed.examined, resumed.changed) == (1, 0)


# --- Migrations on a database with data -------------------------------------------------------


@pytest.mark.postgres
# Transactional, like the other tests that need real commits: pytest-django runs them after the
# others, and each that needs a data migration's rows brings them back itself
# (restore_national_indicators). Not serialized_rollback: its restore inserts the content types
# of the database's creation, and fails on the (app, model) pairs that the flush after an
# earlier transactional test had already created again under new ids.
@pytest.mark.django_db(transaction=True)
def test_the_migrations_encrypt_existing_numbers_and_drop_the_plain_column():
    executor = MigrationExecutor(connection)
    # The kernel migration before ours, whatever it is after the branches are merged.
    first = executor.loader.graph.node_map[("kerne", "0009_cpr_fields")]
    before = [next(parent.key for parent in first.parents if parent.key[0] == "kerne")]
    after = [("kerne", "0011_cpr_drop_plain")]
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    old_kommune = old_apps.get_model("kerne", "Kommune")
    old_person = old_apps.get_model("kerne", "Person")
    kommune = old_kommune.objects.create(navn="Migreret Kommune", kode="998")
    numbers = [NUMBER, "0101801235", "2902041000"]
    for index, number in enumerate(numbers):
        old_person.objects.create(kommune=kommune, cpr=number, fornavn=f"P{index}", efternavn="M")
    old_person.objects.create(kommune=kommune, cpr=None, fornavn="Uden", efternavn="M")

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'kerne_person'"
        )
        columns = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT t::text FROM kerne_person t")
        raw = "\n".join(row[0] for row in cursor.fetchall())
    assert "cpr" not in columns
    assert {"cpr_cipher", "cpr_hash"} <= columns
    for number in numbers:
        assert number not in raw
    assert sorted(p.cpr for p in Person.objects.exclude(cpr_cipher=None)) == sorted(numbers)
    for number in numbers:
        assert Person.objects.with_cpr(number).get().fornavn.startswith("P")
    assert Person.objects.get(fornavn="Uden").cpr is None
    # Uniqueness holds on the hash after the move.
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(kommune_id=kommune.pk, cpr=NUMBER, fornavn="X", efternavn="Y")

    # And back: the plain numbers return, for an operator who must roll back.
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    with connection.cursor() as cursor:
        cursor.execute("SELECT cpr FROM kerne_person WHERE cpr IS NOT NULL ORDER BY cpr")
        assert [row[0] for row in cursor.fetchall()] == sorted(numbers)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
