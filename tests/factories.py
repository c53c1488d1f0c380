"""Factories for the shared kernel; every app's tests build on these."""

import factory
from django.contrib.auth import get_user_model

from kerne.models import Forvaltning, Kommune, Medarbejder, Projekt, Projektrolle, Rolle, Sektor

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
