"""Factories for the shared kernel; every app's tests build on these."""

import datetime

import factory
from django.contrib.auth import get_user_model

from kerne import adgang
from kerne import cpr as cpr_module
from kerne.models import (
    Familie,
    Familiemedlemskab,
    Forvaltning,
    Kommune,
    Medarbejder,
    Person,
    Projekt,
    Projektrolle,
    Rolle,
    Sektor,
)

TEST_PASSWORD = "Korrekt-Hest-Batteri-42"


class KommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kommune
        django_get_or_create = ("navn",)

    navn = factory.Sequence(lambda n: f"Testkommune {n}")
    kode = factory.Sequence(lambda n: f"{n % 1000:03d}")


class ProjektFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Projekt

    kommune = factory.SubFactory(KommuneFactory)
    navn = factory.Sequence(lambda n: f"Testprojekt {n}")
    kode = factory.Sequence(lambda n: f"test-{n}")
    # Off, like the demo projects: most tests sign in with a password to test something else.
    # The model's default (on) and the code step are tested in tests/kerne/test_totp.py.
    kraev_totp = False


class ForvaltningFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Forvaltning

    kommune = factory.SubFactory(KommuneFactory)
    navn = factory.Sequence(lambda n: f"Afdeling {n}")
    sektor = Sektor.BESKAEFTIGELSE


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"bruger{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Bruger {n}")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy signature
        if create:
            obj.save()


class MedarbejderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Medarbejder

    bruger = factory.SubFactory(UserFactory)
    kommune = factory.SubFactory(KommuneFactory)


class ProjektrolleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Projektrolle

    bruger = factory.SubFactory(UserFactory)
    projekt = factory.SubFactory(ProjektFactory)
    rolle = Rolle.KOORDINATOR


def user_with_role(rolle: str, projekt: Projekt | None = None, **user_fields):
    """A user holding one role in a project (a new project unless given)."""
    projekt = projekt or ProjektFactory()
    user = UserFactory(**user_fields)
    if rolle != Rolle.BORGER:
        MedarbejderFactory(bruger=user, kommune=projekt.kommune)
    ProjektrolleFactory(bruger=user, projekt=projekt, rolle=rolle)
    return user


class PersonFactory(factory.django.DjangoModelFactory):
    """A person with a fictitious but valid CPR number (born in the 1980s, 7th digit 0–3)."""

    class Meta:
        model = Person

    kommune = factory.SubFactory(KommuneFactory)
    fornavn = factory.Sequence(lambda n: f"Fornavn{n}")
    efternavn = factory.Sequence(lambda n: f"Efternavn{n}")
    cpr = factory.Sequence(
        lambda n: f"{(n % 28) + 1:02d}{(n // 28) % 12 + 1:02d}8{n % 10}{n % 4}{n % 1000:03d}"
    )
    foedselsdato = factory.LazyAttribute(lambda o: cpr_module.birth_date(o.cpr) if o.cpr else None)
    koen = factory.LazyAttribute(lambda o: cpr_module.sex(o.cpr) if o.cpr else "")


class FamilieFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Familie

    projekt = factory.SubFactory(ProjektFactory)
    betegnelse = factory.Sequence(lambda n: f"Familien Test{n}")
    status = Familie.Status.AKTIV


def add_member(familie, person=None, *, rolle="voksen", relation="mor", **fields):
    """Put a person (a new one unless given) into a family."""
    person = person or PersonFactory(kommune=familie.projekt.kommune)
    return Familiemedlemskab.objects.create(
        familie=familie,
        person=person,
        rolle=rolle,
        relation=relation,
        fra=fields.pop("fra", datetime.date(2026, 1, 1)),
        **fields,
    )


def family_of(koordinator, projekt, *, members=2, sync=True, **fields):
    """An active family in the project, with members, its case manager, grants derived."""
    familie = FamilieFactory(projekt=projekt, koordinator=koordinator, **fields)
    for index in range(members):
        add_member(
            familie,
            rolle="voksen" if index == 0 else "barn",
            relation="mor" if index == 0 else "barn",
            foraeldremyndighed=index == 0,
        )
    if sync:
        adgang.sync_family_grants(familie, reason="test")
    return familie
