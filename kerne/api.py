"""The kernel's API (v1): token, families, persons, consents; over the selectors and services.

Views are thin: parse the input with an input serializer, call a selector or service, answer
with an output serializer. Access is decided in kerne.adgang only; a family, person or consent
the user may not see answers 404, as if it did not exist. Errors: kerne.api_errors.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kerne import adgang, api_auth, audit, selectors, services
from kerne.models import (
    Familie,
    Familiemedlemskab,
    Forvaltning,
    Person,
    Samtykke,
    Sektor,
)

# Ids are BIGINT: a longer number in a path or a body names nothing (and must not overflow).
MAX_ID = 2**63 - 1
ID_PATTERN = r"[0-9]{1,18}"


def _validated(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _id_field(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


# --- Documented error bodies -------------------------------------------------------------------


class ErrorDetailSerializer(serializers.Serializer):
    """Every error that is not about a field: 401, 403, 404, 405, 429."""

    detail = serializers.CharField()


VALIDATION_ERROR = OpenApiResponse(
    response={
        "type": "object",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
    },
    description=(
        "Bad input: each field with its messages; errors of no single field under "
        "`non_field_errors`."
    ),
)
DETAIL = OpenApiResponse(ErrorDetailSerializer, description='`{"detail": …}`')
READ_ERRORS = {401: DETAIL, 404: DETAIL}
LIST_ERRORS = {400: VALIDATION_ERROR, 401: DETAIL, 404: DETAIL}
WRITE_ERRORS = {400: VALIDATION_ERROR, 401: DETAIL, 403: DETAIL, 404: DETAIL}
ID_PARAMETER = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)


# --- Token ---------------------------------------------------------------------------------------


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class TokenRequestSerializer(AuthTokenSerializer):
    # DRF's, with lengths bounded: axes stores the username in a 255-character column, and
    # PostgreSQL refuses a longer one with an error (a 500) rather than a 400.

    username = serializers.CharField(
        label=gettext_lazy("Username"), write_only=True, max_length=150
    )
    password = serializers.CharField(
        label=gettext_lazy("Password"),
        style={"input_type": "password"},
        trim_whitespace=False,
        write_only=True,
        max_length=4096,
    )
    kode = serializers.RegexField(
        r"^[0-9]{6}$",
        required=False,
        write_only=True,
        max_length=6,
        help_text=(
            "The 6 digits from the authenticator app; required for an account that must use "
            "TOTP (a role seeing personal data in a project requiring it)."
        ),
        error_messages={"invalid": gettext_lazy("Koden skal være 6 cifre.")},
    )


class TokenObtainView(ObtainAuthToken):
    # DRF's AuthTokenSerializer calls authenticate() with DRF's request, so axes counts the
    # failure and marks that request object (not Django's) as locked out; axes' middleware
    # looks only at Django's request and would let DRF answer a plain 400. The lockout is
    # answered here instead, in the API's format and with axes' status code (429).

    serializer_class = TokenRequestSerializer

    @extend_schema(
        tags=["auth"],
        summary="Obtain an API token",
        description=(
            "Send `username` and `password` (and `kode`, the TOTP code, where the account "
            "needs one); use the token as `Authorization: Token …`. Failed attempts, wrong "
            "codes included, count towards the same lockout as the sign-in page."
        ),
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: VALIDATION_ERROR,
            429: OpenApiResponse(ErrorDetailSerializer, description="Locked out (django-axes)."),
        },
        auth=[],
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        valid = serializer.is_valid()
        if getattr(request, "axes_locked_out", False):
            return self._locked_out()
        if not valid:
            raise serializers.ValidationError(serializer.errors)
        user = serializer.validated_data["user"]
        refused = self._second_factor_refused(request, user, serializer.validated_data)
        if refused is not None:
            return refused
        # A token is a sign-in: it resets the failure count as the sign-in page does.
        AxesProxyHandler.user_logged_in(sender=type(self), request=request, user=user)
        return Response({"token": services.api_token_udsted(acting_user=user).key})

    def _second_factor_refused(self, request: Request, user: Any, data: dict) -> Response | None:
        """The same second factor as the sign-in page; a wrong code counts towards lockout."""
        from django.contrib.auth.signals import user_login_failed
        from django_otp.plugins.otp_totp.models import TOTPDevice

        if not adgang.totp_required(user):
            return None
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            raise serializers.ValidationError(
                {
                    "kode": [
                        _(
                            "Kontoen kræver en kode fra en godkendelses-app. Log ind på "
                            "hjemmesiden først for at opsætte appen."
                        )
                    ]
                }
            )
        if not data.get("kode"):
            raise serializers.ValidationError(
                {"kode": [_("Kontoen kræver en kode: send feltet kode med de 6 cifre fra appen.")]}
            )
        if device.verify_token(data["kode"]):
            return None
        request.auth_step = "kode"
        user_login_failed.send(
            sender=type(self), credentials={"username": user.get_username()}, request=request
        )
        if getattr(request, "axes_locked_out", False):
            return self._locked_out()
        raise serializers.ValidationError({"kode": [_("Koden er forkert eller udløbet.")]})

    @staticmethod
    def _locked_out() -> Response:
        return Response(
            {
                "detail": _(
                    "Kontoen er spærret efter for mange forkerte forsøg på at logge ind. "
                    "Kontakt din projektleder, som kan låse den op."
                )
            },
            status=settings.AXES_HTTP_RESPONSE_CODE,
        )

    # POST signs in with a password and needs no credentials; DELETE revokes the caller's own
    # token and needs that token.
    def initialize_request(self, request: Any, *args: Any, **kwargs: Any) -> Request:
        self._revoking = request.method == "DELETE"
        return super().initialize_request(request, *args, **kwargs)

    def get_authenticators(self) -> list:
        return [api_auth.ExpiringTokenAuthentication()] if getattr(self, "_revoking", False) else []

    @extend_schema(
        tags=["auth"],
        summary="Revoke your API token",
        description="The token sent in `Authorization: Token …` stops working at once.",
        request=None,
        responses={204: None, 401: DETAIL},
    )
    def delete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not request.user.is_authenticated:
            raise exceptions.NotAuthenticated
        services.api_token_tilbagekald(acting_user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class UserTokenRevokeView(APIView):
    """A project leader revokes the API token of a user of a project they lead."""

    @extend_schema(
        tags=["auth"],
        summary="Revoke a project user's API token (project leader)",
        description=(
            "The user's token stops working at once. Only for a user holding a role in a "
            "project the caller leads; anyone else answers 404."
        ),
        request=None,
        parameters=[OpenApiParameter("user_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses={204: None, 401: DETAIL, 404: DETAIL},
    )
    def delete(self, request: Request, user_id: int) -> Response:
        from django.contrib.auth import get_user_model

        from kerne.models import Projekt

        if user_id > MAX_ID:
            raise exceptions.NotFound
        try:
            projekt = selectors.led_project_with_user(request.user, user_id)
            services.api_token_tilbagekald_for(
                acting_user=request.user, projekt=projekt, bruger_id=user_id
            )
        except (Projekt.DoesNotExist, get_user_model().DoesNotExist) as missing:
            raise exceptions.NotFound from missing
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Families ------------------------------------------------------------------------------------


def _masked_cpr(person: Person) -> str | None:
    return selectors.masked_cpr(person) or None


class KoordinatorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    navn = serializers.SerializerMethodField()

    def get_navn(self, user: Any) -> str:
        return user.get_full_name() or user.get_username()


class MemberSerializer(serializers.ModelSerializer):
    person = serializers.IntegerField(source="person_id")
    fornavn = serializers.CharField(source="person.fornavn")
    efternavn = serializers.CharField(source="person.efternavn")
    cpr = serializers.SerializerMethodField(help_text="Masked: DDMMYY-XXXX; null when unknown.")

    class Meta:
        model = Familiemedlemskab
        fields = [
            "person",
            "fornavn",
            "efternavn",
            "cpr",
            "rolle",
            "relation",
            "foraeldremyndighed",
            "fra",
            "til",
        ]

    def get_cpr(self, medlemskab: Familiemedlemskab) -> str | None:
        return _masked_cpr(medlemskab.person)


@extend_schema_field(
    {"type": "array", "items": {"type": "string", "enum": Sektor.values}},
    component_name="Sektorer",
)
class SektorListField(serializers.MultipleChoiceField):
    """A list of sector codes, in the sectors' order; one schema component wherever used.

    A MultipleChoiceField, not a ListField: an unknown code gives a flat list of messages
    under the field, not messages keyed by list index.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Sektor.choices, **kwargs)

    def to_internal_value(self, data: Any) -> list[str]:
        return self._ordered(super().to_internal_value(data))

    def to_representation(self, value: Any) -> list[str]:
        return self._ordered(value)

    @staticmethod
    def _ordered(codes: Any) -> list[str]:
        held = set(codes)
        return [sektor for sektor in Sektor.values if sektor in held]


class FamilySerializer(serializers.ModelSerializer):
    """A family; `sectors` are the sectors whose data the caller may see."""

    # The view puts {familie_id: [sector, …]} in the context under "sectors".

    projekt = serializers.CharField(source="projekt.kode")
    koordinator = KoordinatorSerializer(allow_null=True)
    members = MemberSerializer(source="medlemskaber", many=True)
    sectors = serializers.SerializerMethodField()

    class Meta:
        model = Familie
        fields = ["id", "betegnelse", "status", "projekt", "koordinator", "members", "sectors"]

    @extend_schema_field(SektorListField())
    def get_sectors(self, familie: Familie) -> list[str]:
        return self.context["sectors"].get(familie.pk, [])


class FamilyFilterSerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Words of the family's name or a member's name, or a CPR number.",
    )
    status = serializers.ChoiceField(choices=Familie.Status.choices, required=False)
    koordinator = _id_field(required=False, help_text="The case manager's user id.")


_MEMBERS = Prefetch(
    "medlemskaber",
    queryset=Familiemedlemskab.objects.select_related("person").order_by(
        "-rolle", "person__foedselsdato", "pk"
    ),
)


@extend_schema(tags=["families"])
@extend_schema_view(
    list=extend_schema(
        summary="List the families the user may see",
        parameters=[FamilyFilterSerializer],
        responses={200: FamilySerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One family",
        parameters=[ID_PARAMETER],
        responses={200: FamilySerializer, **READ_ERRORS},
    ),
)
class FamilyViewSet(viewsets.GenericViewSet):
    """The families the user may see. Every family shown is a logged read."""

    serializer_class = FamilySerializer
    filter_backends = ()
    lookup_value_regex = ID_PATTERN

    def list(self, request: Request) -> Response:
        filters = _validated(FamilyFilterSerializer, request.query_params)
        familier = selectors.family_list(
            request.user,
            q=filters.get("q", ""),
            status=filters.get("status", ""),
            koordinator_id=filters.get("koordinator"),
        ).prefetch_related(_MEMBERS)
        page = self.paginate_queryset(familier)
        ids = [familie.pk for familie in page]
        audit.log_reads(user=request.user, familie_ids=ids, formaal=audit.Formaal.SAGSBEHANDLING)
        context = {"sectors": adgang.sectors_by_family(request.user, ids)}
        return self.get_paginated_response(FamilySerializer(page, many=True, context=context).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        familie = selectors.family_detail(request.user, int(pk))
        context = {"sectors": {familie.pk: familie.synlige_sektorer}}
        return Response(FamilySerializer(familie, context=context).data)


# --- Persons -------------------------------------------------------------------------------------


class PersonSerializer(serializers.ModelSerializer):
    cpr = serializers.SerializerMethodField(help_text="Masked: DDMMYY-XXXX; null when unknown.")

    class Meta:
        model = Person
        fields = [
            "id",
            "kommune",
            "fornavn",
            "efternavn",
            "cpr",
            "foedselsdato",
            "koen",
            "adresse",
            "postnummer",
            "by",
        ]

    def get_cpr(self, person: Person) -> str | None:
        return _masked_cpr(person)


class PersonMembershipSerializer(serializers.ModelSerializer):
    familie = serializers.IntegerField(source="familie_id")
    betegnelse = serializers.CharField(source="familie.betegnelse")

    class Meta:
        model = Familiemedlemskab
        fields = ["familie", "betegnelse", "rolle", "relation", "foraeldremyndighed", "fra", "til"]


class PersonDetailSerializer(PersonSerializer):
    """A person with their memberships of the families the user may see (and only those)."""

    familier = PersonMembershipSerializer(source="medlemskaber", many=True)

    class Meta(PersonSerializer.Meta):
        fields = [*PersonSerializer.Meta.fields, "familier"]


class TextOnlyField(serializers.CharField):
    """A CharField that refuses JSON numbers: as a number, a CPR number loses its leading zero."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class PersonInSerializer(serializers.Serializer):
    cpr = TextOnlyField(
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=11,
        help_text="DDMMYYXXXX or DDMMYY-XXXX; empty for a person without a known number.",
    )
    fornavn = serializers.CharField(max_length=100)
    efternavn = serializers.CharField(max_length=100)
    adresse = serializers.CharField(required=False, allow_blank=True, max_length=200)
    postnummer = serializers.RegexField(r"^[0-9]{4}$", required=False, allow_blank=True)
    by = serializers.CharField(required=False, allow_blank=True, max_length=100)


@extend_schema(tags=["persons"])
@extend_schema_view(
    list=extend_schema(
        summary="List the persons of the families the user may see",
        responses={200: PersonSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One person",
        parameters=[ID_PARAMETER],
        responses={200: PersonDetailSerializer, **READ_ERRORS},
    ),
    create=extend_schema(
        summary="Register a person, or find the one registered with that CPR number",
        request=PersonInSerializer,
        responses={
            201: OpenApiResponse(PersonSerializer, description="Registered."),
            200: OpenApiResponse(
                PersonSerializer, description="Already registered with that CPR number."
            ),
            **WRITE_ERRORS,
        },
    ),
)
class PersonViewSet(viewsets.GenericViewSet):
    """Persons of the families the user may see; registering finds before it creates."""

    serializer_class = PersonSerializer
    filter_backends = ()
    lookup_value_regex = ID_PATTERN

    def list(self, request: Request) -> Response:
        personer = selectors.persons_for(request.user).order_by("efternavn", "fornavn", "pk")
        page = self.paginate_queryset(personer)
        audit.log_reads(
            user=request.user,
            person_ids=[person.pk for person in page],
            formaal=audit.Formaal.SAGSBEHANDLING,
        )
        return self.get_paginated_response(PersonSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        person = selectors.person_detail(request.user, int(pk))
        return Response(PersonDetailSerializer(person).data)

    def create(self, request: Request) -> Response:
        data = _validated(PersonInSerializer, request.data)
        projekt = adgang.active_project(request)
        if projekt is None:
            raise PermissionDenied
        person, created = services.person_registrer(
            acting_user=request.user,
            kommune=projekt.kommune,
            cpr_nummer=data.get("cpr") or None,
            fornavn=data["fornavn"],
            efternavn=data["efternavn"],
            adresse=data.get("adresse", ""),
            postnummer=data.get("postnummer", ""),
            by=data.get("by", ""),
        )
        if not created:
            # The existing person's data goes back to the caller: that is a read.
            audit.log(
                user=request.user,
                handling=audit.Handling.READ,
                formaal=audit.Formaal.SAGSBEHANDLING,
                person=person,
                objekt=person,
            )
        return Response(
            PersonSerializer(person).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


# --- Consents ------------------------------------------------------------------------------------


class PersonRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    navn = serializers.CharField(source="fulde_navn")


class ForvaltningRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Forvaltning
        fields = ["id", "navn", "sektor"]


class ConsentSerializer(serializers.ModelSerializer):
    person = PersonRefSerializer()
    sektorer = SektorListField()
    modtagere = ForvaltningRefSerializer(many=True)
    aktiv = serializers.SerializerMethodField(help_text="Valid today and not withdrawn.")

    class Meta:
        model = Samtykke
        fields = [
            "id",
            "familie",
            "person",
            "sektorer",
            "modtagere",
            "formaal",
            "gyldig_fra",
            "gyldig_til",
            "aktiv",
            "registreret",
            "registreret_af",
            "tilbagekaldt",
            "tilbagekaldt_af",
            "tilbagekaldelse_note",
        ]

    def get_aktiv(self, samtykke: Samtykke) -> bool:
        return samtykke.is_valid_on(timezone.localdate())


class ConsentInSerializer(serializers.Serializer):
    familie = _id_field()
    person = _id_field(help_text="A member of the family who gives the consent.")
    sektorer = SektorListField(allow_empty=False)
    modtagere = serializers.PrimaryKeyRelatedField(
        many=True,
        allow_empty=False,
        queryset=Forvaltning.objects.all(),
        help_text="Ids of the departments that may receive the data.",
    )
    formaal = serializers.CharField(max_length=500)
    gyldig_fra = serializers.DateField()
    gyldig_til = serializers.DateField(required=False, allow_null=True)


class ConsentFilterSerializer(serializers.Serializer):
    familie = _id_field(required=False, help_text="Only this family's consents.")


class ConsentWithdrawSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


def _consents() -> QuerySet[Samtykke]:
    return Samtykke.objects.select_related("person", "familie").prefetch_related("modtagere")


@extend_schema(tags=["consents"])
@extend_schema_view(
    list=extend_schema(
        summary="List the consents on the families the user may see",
        parameters=[ConsentFilterSerializer],
        responses={200: ConsentSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One consent",
        parameters=[ID_PARAMETER],
        responses={200: ConsentSerializer, **READ_ERRORS},
    ),
    create=extend_schema(
        summary="Register a consent; the grants it gives take effect at once",
        request=ConsentInSerializer,
        responses={201: ConsentSerializer, **WRITE_ERRORS},
    ),
    withdraw=extend_schema(
        summary="Withdraw a consent; the grants that rested on it go at once",
        parameters=[ID_PARAMETER],
        request=ConsentWithdrawSerializer,
        responses={200: ConsentSerializer, **WRITE_ERRORS},
    ),
)
class ConsentViewSet(viewsets.GenericViewSet):
    """Consents on the families the user may see; registering and withdrawing re-derive grants."""

    serializer_class = ConsentSerializer
    filter_backends = ()
    lookup_value_regex = ID_PATTERN

    def list(self, request: Request) -> Response:
        filters = _validated(ConsentFilterSerializer, request.query_params)
        samtykker = selectors.consents_for(request.user)
        if filters.get("familie"):
            samtykker = samtykker.filter(familie_id=filters["familie"])
        page = self.paginate_queryset(samtykker.order_by("-gyldig_fra", "-pk"))
        audit.log_reads(
            user=request.user,
            familie_ids=sorted({samtykke.familie_id for samtykke in page}),
            formaal=audit.Formaal.SAGSBEHANDLING,
        )
        return self.get_paginated_response(ConsentSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        samtykke = adgang.get_visible_or_404(request.user, _consents(), pk=int(pk))
        audit.log(
            user=request.user,
            handling=audit.Handling.READ,
            formaal=audit.Formaal.SAGSBEHANDLING,
            familie=samtykke.familie,
            person=samtykke.person_id,
            objekt=samtykke,
        )
        return Response(ConsentSerializer(samtykke).data)

    def create(self, request: Request) -> Response:
        data = _validated(ConsentInSerializer, request.data)
        familie = adgang.get_visible_or_404(
            request.user, Familie.objects.select_related("projekt"), pk=data["familie"]
        )
        # Who may consent for the family is the service's rule; here only: is there such a person.
        person = selectors.persons_for(request.user).filter(pk=data["person"]).first()
        if person is None:
            raise serializers.ValidationError({"person": [_("Personen findes ikke.")]})
        samtykke = services.samtykke_registrer(
            acting_user=request.user,
            familie=familie,
            person=person,
            sektorer=data["sektorer"],
            modtagere=data["modtagere"],
            formaal=data["formaal"],
            gyldig_fra=data["gyldig_fra"],
            gyldig_til=data.get("gyldig_til"),
        )
        return Response(ConsentSerializer(samtykke).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        samtykke = adgang.get_visible_or_404(request.user, _consents(), pk=int(pk))
        data = _validated(ConsentWithdrawSerializer, request.data)
        samtykke = services.samtykke_tilbagekald(
            acting_user=request.user, samtykke=samtykke, note=data.get("note", "")
        )
        return Response(ConsentSerializer(samtykke).data)
