"""The registration's API (v1): indicators, registrations, questionnaires, risks, milestones.

Thin, in the kernel's style (kerne.api): an input serializer parses, a selector or service does
the work, an output serializer answers. Registrations are family-level; their values are
filtered by sector, so a caller sees only the values of the sectors it may see. A hidden or
missing object answers 404.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from kerne import adgang, audit
from kerne import selectors as kerne_selectors
from kerne.api import (
    ID_PARAMETER,
    ID_PATTERN,
    LIST_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    _id_field,
    _validated,
)
from kerne.models import Familie, Rolle, Sektor
from registrering import rules, scoring, selectors, services
from registrering.models import Indikator, Milepael, Registrering, Risiko, Spoergeskema


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2026-03"})
class MonthField(serializers.Field):
    """A calendar month as "YYYY-MM"."""

    default_error_messages = {"invalid": _("Skriv måneden som ÅÅÅÅ-MM, fx 2026-03.")}

    def to_internal_value(self, data: Any):
        month = rules.parse_month(data) if isinstance(data, str) else None
        if month is None or len(data.strip()) != 7:
            self.fail("invalid")
        return month

    def to_representation(self, value) -> str:
        return f"{value:%Y-%m}"


# --- Indicators -------------------------------------------------------------------------------


class IndicatorSerializer(serializers.ModelSerializer):
    forudsaetning = serializers.SlugRelatedField(slug_field="kode", read_only=True, allow_null=True)

    class Meta:
        model = Indikator
        fields = [
            "id",
            "kode",
            "navn",
            "hjaelpetekst",
            "gaelder_for",
            "type",
            "min_vaerdi",
            "max_vaerdi",
            "min_alder",
            "max_alder",
            "sektor",
            "paakraevet",
            "valg",
            "forudsaetning",
        ]


@extend_schema(tags=["registrations"])
@extend_schema_view(
    list=extend_schema(
        summary="The indicator definitions of the user's municipality",
        responses={200: IndicatorSerializer(many=True), **LIST_ERRORS},
    )
)
class IndicatorViewSet(viewsets.GenericViewSet):
    serializer_class = IndicatorSerializer
    filter_backends = ()

    def list(self, request: Request) -> Response:
        projekt = adgang.active_project(request)
        indikatorer = Indikator.objects.filter(aktiv=True).select_related("forudsaetning")
        if projekt is None:
            indikatorer = indikatorer.filter(kommune__isnull=True)
        else:
            indikatorer = indikatorer.filter(
                Q(kommune__isnull=True) | Q(kommune_id=projekt.kommune_id)
            )
        page = self.paginate_queryset(indikatorer.order_by("gaelder_for", "raekkefoelge", "pk"))
        return self.get_paginated_response(IndicatorSerializer(page, many=True).data)


# --- Registrations ----------------------------------------------------------------------------


class ValueSerializer(serializers.Serializer):
    indikator = serializers.CharField(source="indikator_kode")
    navn = serializers.CharField(source="indikator_navn")
    sektor = serializers.ChoiceField(choices=Sektor.choices)
    tal = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    tekst = serializers.CharField(help_text="The chosen answer's code, for choice indicators.")


class RegistrationSerializer(serializers.ModelSerializer):
    """A registration; `vaerdier` holds only the values of sectors the caller may see."""

    maaned = MonthField()
    vaerdier = serializers.SerializerMethodField()

    class Meta:
        model = Registrering
        fields = ["id", "person", "familie", "maaned", "komplet", "mangler", "vaerdier", "aendret"]

    @extend_schema_field(ValueSerializer(many=True))
    def get_vaerdier(self, registrering: Registrering) -> list[dict]:
        # One value serializer for the whole page: a new one per registration copies its
        # fields each time, which cost more than the values themselves.
        single = self.context.setdefault("value_serializer", ValueSerializer())
        return [single.to_representation(row) for row in self.context["values"][registrering.pk]]


class RegistrationFilterSerializer(serializers.Serializer):
    familie = _id_field(required=False)
    person = _id_field(required=False)
    maaned = MonthField(required=False)


class RegistrationInSerializer(serializers.Serializer):
    familie = _id_field()
    person = _id_field()
    maaned = MonthField()
    vaerdier = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=40),
        help_text='Indicator code → value as text ("12,5", "ja", "kontanthjaelp"); '
        '"" clears the value. Codes not sent are left as they are.',
    )


def _registration_response(request: Request, registreringer: list[Registrering]) -> list[dict]:
    values = selectors.visible_values(request.user, [r.pk for r in registreringer])
    return RegistrationSerializer(registreringer, many=True, context={"values": values}).data


@extend_schema(tags=["registrations"])
@extend_schema_view(
    list=extend_schema(
        summary="Monthly registrations of the families the user may see",
        parameters=[RegistrationFilterSerializer],
        responses={200: RegistrationSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One monthly registration",
        parameters=[ID_PARAMETER],
        responses={200: RegistrationSerializer, **READ_ERRORS},
    ),
    create=extend_schema(
        summary="Register (or correct) one person's month; refused for a locked or future month",
        request=RegistrationInSerializer,
        responses={
            201: OpenApiResponse(RegistrationSerializer, description="Registered."),
            200: OpenApiResponse(RegistrationSerializer, description="Corrected."),
            **WRITE_ERRORS,
        },
    ),
)
class RegistrationViewSet(viewsets.GenericViewSet):
    serializer_class = RegistrationSerializer
    filter_backends = ()
    lookup_value_regex = ID_PATTERN

    def list(self, request: Request) -> Response:
        filters = _validated(RegistrationFilterSerializer, request.query_params)
        registreringer = selectors.registrations_for(request.user)
        if filters.get("familie"):
            registreringer = registreringer.filter(familie_id=filters["familie"])
        if filters.get("person"):
            registreringer = registreringer.filter(person_id=filters["person"])
        if filters.get("maaned"):
            registreringer = registreringer.filter(maaned=filters["maaned"])
        page = self.paginate_queryset(registreringer.order_by("-maaned", "pk"))
        audit.log_reads(
            user=request.user,
            formaal=audit.Formaal.REGISTRERING,
            person_ids=sorted({r.person_id for r in page}),
        )
        return self.get_paginated_response(_registration_response(request, page))

    def retrieve(self, request: Request, pk: str) -> Response:
        registrering = adgang.get_visible_or_404(
            request.user, Registrering.objects.all(), formaal=audit.Formaal.REGISTRERING, pk=int(pk)
        )
        audit.log(
            user=request.user,
            handling=audit.Handling.READ,
            formaal=audit.Formaal.REGISTRERING,
            familie=registrering.familie_id,
            person=registrering.person_id,
            objekt=registrering,
        )
        return Response(_registration_response(request, [registrering])[0])

    def create(self, request: Request) -> Response:
        data = _validated(RegistrationInSerializer, request.data)
        familie = adgang.get_visible_or_404(
            request.user, Familie.objects.select_related("projekt"), pk=data["familie"]
        )
        existed = Registrering.objects.filter(
            person_id=data["person"], maaned=data["maaned"]
        ).exists()
        services.maaned_registrer(
            acting_user=request.user,
            familie=familie,
            maaned=data["maaned"],
            indtastning={data["person"]: data["vaerdier"]},
        )
        registrering = Registrering.objects.filter(
            person_id=data["person"], maaned=data["maaned"]
        ).first()
        if registrering is None:
            raise serializers.ValidationError(
                {"vaerdier": [_("Angiv mindst én værdi for en ny registrering.")]}
            )
        return Response(
            _registration_response(request, [registrering])[0],
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )


# --- Questionnaires ---------------------------------------------------------------------------


class QuestionnaireSerializer(serializers.ModelSerializer):
    familie = serializers.IntegerField(source="sagsdel.familie_id")
    skalaer = serializers.SerializerMethodField(
        help_text="SDQ: score and band (0–3) per scale; WHO-5: raw, percentage and flags."
    )

    class Meta:
        model = Spoergeskema
        fields = [
            "id",
            "familie",
            "person",
            "type",
            "version",
            "maalepunkt",
            "dato",
            "svar",
            "score",
            "skalaer",
        ]

    def get_skalaer(self, skema: Spoergeskema) -> dict:
        answers = {k: (int(v) if v is not None else None) for k, v in skema.svar.items()}
        if skema.type == Spoergeskema.Type.SDQ:
            result = scoring.score_sdq(skema.version, answers)
            return {
                scale: {"score": result.scores[scale], "baand": result.bands[scale]}
                for scale in result.scores
            }
        who5 = scoring.score_who5(answers)
        return {
            "raw": who5.raw,
            "percentage": who5.percentage,
            "poor_wellbeing": who5.poor_wellbeing,
            "likely_depression": who5.likely_depression,
        }


class QuestionnaireFilterSerializer(serializers.Serializer):
    familie = _id_field(required=False)
    person = _id_field(required=False)
    type = serializers.ChoiceField(choices=Spoergeskema.Type.choices, required=False)


class QuestionnaireInSerializer(serializers.Serializer):
    familie = _id_field()
    person = _id_field()
    type = serializers.ChoiceField(choices=Spoergeskema.Type.choices)
    version = serializers.ChoiceField(
        choices=[*scoring.SDQ_VERSIONS, "who5"], required=False, default="foraelder"
    )
    maalepunkt = serializers.ChoiceField(choices=Spoergeskema.Maalepunkt.choices)
    dato = serializers.DateField()
    svar = serializers.DictField(
        child=serializers.IntegerField(allow_null=True, min_value=0, max_value=5),
        help_text='Item key ("1"–"25", "impact_…" for the SDQ; "1"–"5" for WHO-5) → answer.',
    )


@extend_schema(tags=["questionnaires"])
@extend_schema_view(
    list=extend_schema(
        summary="SDQ and WHO-5 questionnaires the user may see",
        parameters=[QuestionnaireFilterSerializer],
        responses={200: QuestionnaireSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One questionnaire with its scores",
        parameters=[ID_PARAMETER],
        responses={200: QuestionnaireSerializer, **READ_ERRORS},
    ),
    create=extend_schema(
        summary="Register an answered SDQ or WHO-5",
        request=QuestionnaireInSerializer,
        responses={201: QuestionnaireSerializer, **WRITE_ERRORS},
    ),
)
class QuestionnaireViewSet(viewsets.GenericViewSet):
    serializer_class = QuestionnaireSerializer
    filter_backends = ()
    lookup_value_regex = ID_PATTERN

    def list(self, request: Request) -> Response:
        filters = _validated(QuestionnaireFilterSerializer, request.query_params)
        skemaer = selectors.questionnaires_for(request.user)
        if filters.get("familie"):
            skemaer = skemaer.filter(sagsdel__familie_id=filters["familie"])
        if filters.get("person"):
            skemaer = skemaer.filter(person_id=filters["person"])
        if filters.get("type"):
            skemaer = skemaer.filter(type=filters["type"])
        page = self.paginate_queryset(skemaer.order_by("-dato", "-pk"))
        audit.log_reads(
            user=request.user,
            formaal=audit.Formaal.REGISTRERING,
            person_ids=sorted({s.person_id for s in page}),
        )
        return self.get_paginated_response(QuestionnaireSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        skema = adgang.get_visible_or_404(
            request.user,
            Spoergeskema.objects.select_related("sagsdel"),
            formaal=audit.Formaal.REGISTRERING,
            pk=int(pk),
        )
        audit.log(
            user=request.user,
            handling=audit.Handling.READ,
            formaal=audit.Formaal.REGISTRERING,
            familie=skema.sagsdel.familie_id,
            person=skema.person_id,
            sektor=skema.sagsdel.sektor,
            objekt=skema,
        )
        return Response(QuestionnaireSerializer(skema).data)

    def create(self, request: Request) -> Response:
        data = _validated(QuestionnaireInSerializer, request.data)
        familie = adgang.get_visible_or_404(
            request.user, Familie.objects.select_related("projekt"), pk=data["familie"]
        )
        person = (
            kerne_selectors.current_members(request.user, familie).filter(pk=data["person"]).first()
        )
        if person is None:
            raise serializers.ValidationError(
                {"person": [_("Personen er ikke medlem af familien.")]}
            )
        skema = services.spoergeskema_registrer(
            acting_user=request.user,
            familie=familie,
            person=person,
            type=data["type"],
            version=data.get("version", ""),
            maalepunkt=data["maalepunkt"],
            dato=data["dato"],
            svar={str(k): v for k, v in data["svar"].items()},
        )
        return Response(QuestionnaireSerializer(skema).data, status=status.HTTP_201_CREATED)


# --- Risks and milestones ---------------------------------------------------------------------


def _plan_projects(user: Any):
    """Projects whose plan the user may read: as their project leader or administration."""
    from kerne.models import Projekt

    return Projekt.objects.filter(
        roller__bruger=user, roller__rolle__in=[Rolle.PROJEKTLEDER, Rolle.ADMINISTRATIV]
    )


def _require_leader(request: Request):
    projekt = adgang.active_project(request)
    if projekt is None or Rolle.PROJEKTLEDER not in adgang.roles_in(request.user, projekt):
        raise PermissionDenied
    return projekt


class RiskSerializer(serializers.ModelSerializer):
    projekt = serializers.CharField(source="projekt.kode", read_only=True)
    maaned = MonthField()

    class Meta:
        model = Risiko
        fields = [
            "id",
            "projekt",
            "beskrivelse",
            "sandsynlighed",
            "konsekvens",
            "afhjaelpning",
            "ejer",
            "status",
            "maaned",
        ]


class RiskInSerializer(serializers.Serializer):
    beskrivelse = serializers.CharField(max_length=300)
    sandsynlighed = serializers.IntegerField(min_value=1, max_value=5)
    konsekvens = serializers.IntegerField(min_value=1, max_value=5)
    afhjaelpning = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    ejer = serializers.CharField(max_length=150)
    status = serializers.ChoiceField(choices=Risiko.Status.choices, required=False)
    maaned = MonthField(required=False, help_text="The month assessed; default this month.")
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class MilestoneSerializer(serializers.ModelSerializer):
    projekt = serializers.CharField(source="projekt.kode", read_only=True)
    maaned = MonthField()

    class Meta:
        model = Milepael
        fields = ["id", "projekt", "titel", "frist", "status", "note", "maaned"]


class MilestoneInSerializer(serializers.Serializer):
    titel = serializers.CharField(max_length=200)
    frist = serializers.DateField()
    status = serializers.ChoiceField(choices=Milepael.Status.choices, required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    maaned = MonthField(required=False, help_text="The month assessed; default this month.")
    bemaerkning = serializers.CharField(required=False, allow_blank=True, max_length=500)


class _PlanViewSet(viewsets.GenericViewSet):
    """Project-level rows: read by the project's leader and administration, written by its
    leader; each write is a history row (see services.risiko_gem / milepael_gem)."""

    filter_backends = ()
    lookup_value_regex = ID_PATTERN
    model: type = Risiko
    out: type = RiskSerializer
    inp: type = RiskInSerializer
    extra = "note"

    def _rows(self):
        return self.model.objects.filter(
            projekt__in=_plan_projects(self.request.user)
        ).select_related("projekt")

    def _save(self, request: Request, obj=None, partial=False) -> Any:
        projekt = _require_leader(request) if obj is None else obj.projekt
        if obj is not None and Rolle.PROJEKTLEDER not in adgang.roles_in(request.user, projekt):
            raise PermissionDenied
        serializer = self.inp(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        maaned = data.pop("maaned", None) or rules.month_start(timezone.localdate())
        extra = data.pop(self.extra, "")
        service = services.risiko_gem if self.model is Risiko else services.milepael_gem
        return service(
            acting_user=request.user,
            projekt=projekt,
            data=data,
            maaned=maaned,
            **{self.model._meta.model_name: obj, self.extra: extra},
        )

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self._rows().order_by("pk"))
        return self.get_paginated_response(self.out(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        obj = self._rows().filter(pk=int(pk)).first()
        if obj is None:
            raise_not_found()
        return Response(self.out(obj).data)

    def create(self, request: Request) -> Response:
        return Response(self.out(self._save(request)).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        obj = self._rows().filter(pk=int(pk)).first()
        if obj is None:
            raise_not_found()
        return Response(self.out(self._save(request, obj, partial=True)).data)


def raise_not_found() -> None:
    from django.http import Http404

    raise Http404


def _plan_schema(tag: str, out, inp, noun: str):
    return extend_schema_view(
        list=extend_schema(
            tags=[tag],
            summary=f"The {noun}s of the projects the user leads or administers",
            responses={200: out(many=True), **LIST_ERRORS},
        ),
        retrieve=extend_schema(
            tags=[tag],
            summary=f"One {noun}",
            parameters=[ID_PARAMETER],
            responses={200: out, **READ_ERRORS},
        ),
        create=extend_schema(
            tags=[tag],
            summary=f"Create a {noun} in the active project (project leader)",
            request=inp,
            responses={201: out, **WRITE_ERRORS},
        ),
        partial_update=extend_schema(
            tags=[tag],
            summary=f"Record this month's assessment of a {noun} (project leader)",
            parameters=[ID_PARAMETER],
            request=inp,
            responses={200: out, **WRITE_ERRORS},
        ),
    )


@_plan_schema("risks", RiskSerializer, RiskInSerializer, "risk")
class RiskViewSet(_PlanViewSet):
    serializer_class = RiskSerializer
    model = Risiko
    out = RiskSerializer
    inp = RiskInSerializer
    extra = "note"


@_plan_schema("milestones", MilestoneSerializer, MilestoneInSerializer, "milestone")
class MilestoneViewSet(_PlanViewSet):
    serializer_class = MilestoneSerializer
    model = Milepael
    out = MilestoneSerializer
    inp = MilestoneInSerializer
    extra = "bemaerkning"
