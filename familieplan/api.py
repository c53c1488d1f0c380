"""The family plan's API (v1): plans, versions, activities, follow-ups, stafetlog.

Thin, over the same selectors and services as the pages; access is decided by kerne.adgang
(a hidden object answers 404). A save over a newer revision answers 409 with the current one.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response

from familieplan import selectors, services
from familieplan.models import (
    Aftale,
    Aktoer,
    Art,
    Indsats,
    Kadence,
    Maal,
    Opfoelgning,
    Planversion,
    Sektorplan,
    Stafetmoede,
)
from kerne import adgang, audit
from kerne.api import (
    DETAIL,
    ID_PARAMETER,
    ID_PATTERN,
    LIST_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    PersonRefSerializer,
    _id_field,
    _validated,
)
from kerne.models import Familie, Person, Sektor


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Conflict"
    default_code = "konflikt"


CONFLICT = {409: OpenApiResponse(description="Changed by someone else: reload and retry.")}


# --- Output ---------------------------------------------------------------------------------


class GoalSerializer(serializers.ModelSerializer):
    class Meta:
        model = Maal
        fields = ["id", "noegle", "titel", "maalopfyldelse", "raekkefoelge", "revision"]


class ActivitySerializer(serializers.ModelSerializer):
    sektor = serializers.CharField(source="sagsdel.sektor")
    version = serializers.IntegerField(source="version_id")
    personer = PersonRefSerializer(many=True)
    faelles_maal = serializers.IntegerField(source="faelles_maal_id", allow_null=True)

    class Meta:
        model = Indsats
        fields = [
            "id",
            "version",
            "noegle",
            "sektor",
            "titel",
            "art",
            "personer",
            "faelles_maal",
            "maal",
            "maalopfyldelse",
            "tilbud",
            "leverandoer",
            "startdato",
            "slutdato",
            "timer_pr_uge",
            "lovgrundlag",
            "kadence",
            "opfoelgningsform",
            "konsekvens_ved_udeblivelse",
            "ansvarlig",
            "synlig_for_familien",
            "raekkefoelge",
            "revision",
        ]


class SectorPlanSerializer(serializers.ModelSerializer):
    sektor = serializers.CharField(source="sagsdel.sektor")

    class Meta:
        model = Sektorplan
        fields = ["id", "noegle", "sektor", "type", "dato", "ejer", "reference", "revision"]


class CollisionSerializer(serializers.Serializer):
    kind = serializers.CharField(source="kollision.kind")
    person = serializers.IntegerField(source="kollision.person_id")
    activities = serializers.ListField(child=serializers.IntegerField(), source="kollision.keys")
    fra = serializers.DateField(source="kollision.fra")
    til = serializers.DateField(source="kollision.til")
    timer = serializers.DecimalField(max_digits=5, decimal_places=1, source="kollision.timer")
    budget = serializers.DecimalField(max_digits=5, decimal_places=1, source="kollision.budget")


class VersionSerializer(serializers.ModelSerializer):
    familie = serializers.IntegerField(source="familie_id")
    aftalt_med = serializers.SerializerMethodField()

    class Meta:
        model = Planversion
        fields = [
            "id",
            "familie",
            "nummer",
            "status",
            "revision",
            "aftalt_dato",
            "aftalt_form",
            "aftalt_med",
            "aftalt_registreret",
        ]

    def get_aftalt_med(self, version: Planversion) -> list[int]:
        return [p.pk for p in version.aftalt_med.all()]


class VersionDetailSerializer(serializers.Serializer):
    version = VersionSerializer()
    maal = GoalSerializer(many=True)
    indsatser = ActivitySerializer(many=True)
    sektorplaner = SectorPlanSerializer(many=True)
    kollisioner = CollisionSerializer(many=True, source="advarsler")


class PlanSerializer(serializers.ModelSerializer):
    seneste_aftalte = serializers.IntegerField(allow_null=True, source="seneste_aftalte_nummer")
    kladde = serializers.IntegerField(allow_null=True, source="kladde_nummer")

    class Meta:
        model = Familie
        fields = ["id", "betegnelse", "status", "seneste_aftalte", "kladde"]


class FollowUpSerializer(serializers.ModelSerializer):
    sektor = serializers.CharField(source="sagsdel.sektor")

    class Meta:
        model = Opfoelgning
        fields = [
            "id",
            "indsats",
            "noegle",
            "sektor",
            "dato",
            "form",
            "vurdering",
            "notat",
            "registreret",
        ]


class StafetActorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Aktoer
        fields = ["id", "navn", "rolle", "organisation", "kontakt", "er_stafetholder"]


class StafetAgreementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Aftale
        fields = ["id", "hvad", "hvem", "frist", "status", "moede"]


class StafetMeetingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Stafetmoede
        fields = ["id", "tidspunkt", "sted"]


class StafetlogSerializer(serializers.Serializer):
    familie = serializers.IntegerField(source="familie.pk")
    aktoerer = StafetActorSerializer(many=True)
    aftaler = StafetAgreementSerializer(many=True)
    naeste_moede = StafetMeetingSerializer(allow_null=True)
    seneste_moede = StafetMeetingSerializer(allow_null=True)


# --- Input ----------------------------------------------------------------------------------


class ActivityInSerializer(serializers.Serializer):
    version = _id_field(help_text="The draft the activity belongs to (on create).", required=False)
    revision = serializers.IntegerField(
        min_value=0, required=False, help_text="On update: the revision read."
    )
    sektor = serializers.ChoiceField(choices=Sektor.choices)
    titel = serializers.CharField(max_length=200)
    art = serializers.ChoiceField(choices=Art.choices)
    personer = serializers.ListField(child=_id_field(), allow_empty=False)
    faelles_maal = _id_field(required=False, allow_null=True)
    maal = serializers.CharField(max_length=2000)
    maalopfyldelse = serializers.CharField(max_length=2000)
    tilbud = serializers.CharField(max_length=2000)
    leverandoer = serializers.CharField(max_length=200)
    startdato = serializers.DateField()
    slutdato = serializers.DateField()
    timer_pr_uge = serializers.DecimalField(
        max_digits=4, decimal_places=1, min_value=0, max_value=60
    )
    lovgrundlag = serializers.CharField(max_length=200, required=False, allow_blank=True)
    kadence = serializers.ChoiceField(choices=Kadence.choices)
    opfoelgningsform = serializers.CharField(max_length=300)
    konsekvens_ved_udeblivelse = serializers.CharField(max_length=2000)
    ansvarlig = serializers.CharField(max_length=200)
    synlig_for_familien = serializers.BooleanField(default=True)
    raekkefoelge = serializers.IntegerField(min_value=0, max_value=999, default=0)


class ActivityFilterSerializer(serializers.Serializer):
    version = _id_field(help_text="Only this version's activities.")


class DeleteSerializer(serializers.Serializer):
    revision = serializers.IntegerField(min_value=0)


class AgreeSerializer(serializers.Serializer):
    revision = serializers.IntegerField(min_value=0)
    aftalt_dato = serializers.DateField()
    aftalt_form = serializers.ChoiceField(choices=Planversion.Form.choices)
    aftalt_med = serializers.ListField(child=_id_field(), allow_empty=False)


class VersionFilterSerializer(serializers.Serializer):
    familie = _id_field(help_text="Only this family's versions.")


class FollowUpInSerializer(serializers.Serializer):
    indsats = _id_field()
    dato = serializers.DateField()
    form = serializers.CharField(max_length=200)
    vurdering = serializers.ChoiceField(choices=Opfoelgning.Vurdering.choices)
    notat = serializers.CharField(max_length=4000, required=False, allow_blank=True)


class FollowUpFilterSerializer(serializers.Serializer):
    indsats = _id_field(help_text="Follow-ups of this activity (and its earlier versions).")


# --- Views ----------------------------------------------------------------------------------


def _conflict_to_409(call):
    try:
        return call()
    except services.KonfliktError as error:
        raise Conflict(detail=" ".join(error.messages)) from None


@extend_schema(tags=["family plans"])
@extend_schema_view(
    list=extend_schema(
        summary="Families the user may see, with their plan's state",
        responses={200: PlanSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One family's plan state",
        parameters=[ID_PARAMETER],
        responses={200: PlanSerializer, **READ_ERRORS},
    ),
)
class PlanViewSet(viewsets.GenericViewSet):
    serializer_class = PlanSerializer
    filter_backends = ()
    lookup_value_regex = ID_PATTERN

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(selectors.plans_for_all(request.user))
        audit.log_reads(
            user=request.user,
            formaal=audit.Formaal.SAGSBEHANDLING,
            familie_ids=[f.pk for f in page],
        )
        return self.get_paginated_response(PlanSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        familie = adgang.get_visible_or_404(
            request.user, selectors.plans_for_all(request.user), pk=int(pk)
        )
        audit.log(
            user=request.user,
            handling=audit.Handling.READ,
            formaal=audit.Formaal.SAGSBEHANDLING,
            familie=familie,
            objekt=familie,
        )
        return Response(PlanSerializer(familie).data)


@extend_schema(tags=["family plans"])
@extend_schema_view(
    list=extend_schema(
        summary="A family's plan versions",
        parameters=[VersionFilterSerializer],
        responses={200: VersionSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One version: goals, activities and sector plans the user may see, and collisions",
        parameters=[ID_PARAMETER],
        responses={200: VersionDetailSerializer, **READ_ERRORS},
    ),
    agree=extend_schema(
        summary="Agree the draft with the family; it is frozen afterwards",
        parameters=[ID_PARAMETER],
        request=AgreeSerializer,
        responses={200: VersionSerializer, **WRITE_ERRORS, **CONFLICT},
    ),
)
class VersionViewSet(viewsets.GenericViewSet):
    serializer_class = VersionSerializer
    filter_backends = ()
    lookup_value_regex = ID_PATTERN

    def list(self, request: Request) -> Response:
        filters = _validated(VersionFilterSerializer, request.query_params)
        familie = selectors.family_for_plan(request.user, filters["familie"])
        versions = (
            adgang.visible(request.user, adgang.VIEW, Planversion.objects.filter(familie=familie))
            .prefetch_related("aftalt_med")
            .order_by("-nummer")
        )
        page = self.paginate_queryset(versions)
        audit.log_reads(
            user=request.user, formaal=audit.Formaal.SAGSBEHANDLING, familie_ids=[familie.pk]
        )
        return self.get_paginated_response(VersionSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        version = selectors.version_for(request.user, int(pk))
        visning = selectors.version_view(request.user, version)
        return Response(VersionDetailSerializer(visning).data)

    @action(detail=True, methods=["post"])
    def agree(self, request: Request, pk: str) -> Response:
        version = selectors.version_for(request.user, int(pk))
        if not adgang.may_change_family(request.user, version.familie):
            raise PermissionDenied
        data = _validated(AgreeSerializer, request.data)
        # Only the family's own members are looked up: an id from elsewhere answers exactly as a
        # missing one does, so the endpoint cannot be used to probe for persons.
        personer = list(
            Person.objects.filter(
                pk__in=data["aftalt_med"], medlemskaber__familie_id=version.familie_id
            ).distinct()
        )
        if len(personer) != len(set(data["aftalt_med"])):
            raise serializers.ValidationError({"aftalt_med": ["Personen findes ikke."]})
        version = _conflict_to_409(
            lambda: services.version_aftal(
                acting_user=request.user,
                version=version,
                revision=data["revision"],
                aftalt_dato=data["aftalt_dato"],
                aftalt_form=data["aftalt_form"],
                aftalt_med=personer,
            )
        )
        return Response(VersionSerializer(version).data)


def _activity_data(version: Planversion, data: dict[str, Any]) -> services.IndsatsData:
    members = Person.objects.filter(medlemskaber__familie_id=version.familie_id).distinct()
    personer = list(members.filter(pk__in=data["personer"]))
    if len(personer) != len(set(data["personer"])):
        raise serializers.ValidationError(
            {"personer": ["Indsatsen kan kun handle om familiens medlemmer."]}
        )
    maal = None
    if data.get("faelles_maal"):
        maal = Maal.objects.filter(version=version, pk=data["faelles_maal"]).first()
        if maal is None:
            raise serializers.ValidationError({"faelles_maal": ["Vælg et af planens fælles mål."]})
    fields = {
        k: v
        for k, v in data.items()
        if k not in {"version", "revision", "personer", "faelles_maal"}
    }
    return services.IndsatsData(personer=personer, faelles_maal=maal, **fields)


@extend_schema(tags=["family plans"])
@extend_schema_view(
    list=extend_schema(
        summary="A version's activities in the user's sectors",
        parameters=[ActivityFilterSerializer],
        responses={200: ActivitySerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One activity",
        parameters=[ID_PARAMETER],
        responses={200: ActivitySerializer, **READ_ERRORS},
    ),
    create=extend_schema(
        summary="Add an activity to a draft",
        request=ActivityInSerializer,
        responses={201: ActivitySerializer, **WRITE_ERRORS},
    ),
    update=extend_schema(
        summary="Change an activity of a draft (send the revision you read)",
        parameters=[ID_PARAMETER],
        request=ActivityInSerializer,
        responses={200: ActivitySerializer, **WRITE_ERRORS, **CONFLICT},
    ),
    destroy=extend_schema(
        summary="Remove an activity from a draft (`?revision=` the revision you read)",
        parameters=[ID_PARAMETER, DeleteSerializer],
        responses={204: None, **WRITE_ERRORS, **CONFLICT},
    ),
)
class ActivityViewSet(viewsets.GenericViewSet):
    serializer_class = ActivitySerializer
    filter_backends = ()
    lookup_value_regex = ID_PATTERN
    http_method_names = ["get", "post", "put", "delete", "head", "options"]

    def list(self, request: Request) -> Response:
        filters = _validated(ActivityFilterSerializer, request.query_params)
        version = selectors.version_for(request.user, filters["version"])
        page = self.paginate_queryset(selectors.activities_of(request.user, version))
        audit.log(
            user=request.user,
            handling=audit.Handling.READ,
            formaal=audit.Formaal.SAGSBEHANDLING,
            familie=version.familie,
            objekt=version,
            detaljer={"sektorer": sorted({i.sagsdel.sektor for i in page})},
        )
        return self.get_paginated_response(ActivitySerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        indsats = selectors.activity_for(request.user, int(pk))
        audit.log(
            user=request.user,
            handling=audit.Handling.READ,
            formaal=audit.Formaal.SAGSBEHANDLING,
            familie=indsats.version.familie,
            sektor=indsats.sagsdel.sektor,
            objekt=indsats,
        )
        return Response(ActivitySerializer(indsats).data)

    def create(self, request: Request) -> Response:
        data = _validated(ActivityInSerializer, request.data)
        if not data.get("version"):
            raise serializers.ValidationError({"version": ["Angiv kladden, indsatsen hører til."]})
        version = selectors.version_for(request.user, data["version"])
        indsats = services.indsats_gem(
            acting_user=request.user, version=version, data=_activity_data(version, data)
        )
        return Response(ActivitySerializer(indsats).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, pk: str) -> Response:
        indsats = selectors.activity_for(request.user, int(pk), adgang.CHANGE)
        data = _validated(ActivityInSerializer, request.data)
        if data.get("revision") is None:
            raise serializers.ValidationError({"revision": ["Angiv den revision, du har læst."]})
        version = indsats.version
        saved = _conflict_to_409(
            lambda: services.indsats_gem(
                acting_user=request.user,
                version=version,
                indsats=indsats,
                data=_activity_data(version, data),
                revision=data["revision"],
            )
        )
        return Response(ActivitySerializer(saved).data)

    def destroy(self, request: Request, pk: str) -> Response:
        indsats = selectors.activity_for(request.user, int(pk), adgang.CHANGE)
        data = _validated(DeleteSerializer, request.query_params)
        _conflict_to_409(
            lambda: services.indsats_slet(
                acting_user=request.user, indsats=indsats, revision=data["revision"]
            )
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["family plans"])
@extend_schema_view(
    list=extend_schema(
        summary="An activity's follow-ups (across versions)",
        parameters=[FollowUpFilterSerializer],
        responses={200: FollowUpSerializer(many=True), **LIST_ERRORS},
    ),
    create=extend_schema(
        summary="Record a follow-up of an agreed activity",
        request=FollowUpInSerializer,
        responses={201: FollowUpSerializer, **WRITE_ERRORS},
    ),
)
class FollowUpViewSet(viewsets.GenericViewSet):
    serializer_class = FollowUpSerializer
    filter_backends = ()

    def list(self, request: Request) -> Response:
        filters = _validated(FollowUpFilterSerializer, request.query_params)
        indsats = selectors.activity_for(request.user, filters["indsats"])
        page = self.paginate_queryset(
            selectors.followups_of_activity(request.user, indsats).select_related("sagsdel")
        )
        audit.log(
            user=request.user,
            handling=audit.Handling.READ,
            formaal=audit.Formaal.SAGSBEHANDLING,
            familie=indsats.version.familie,
            sektor=indsats.sagsdel.sektor,
            objekt=indsats,
            detaljer={"opfoelgninger": True},
        )
        return self.get_paginated_response(FollowUpSerializer(page, many=True).data)

    def create(self, request: Request) -> Response:
        data = _validated(FollowUpInSerializer, request.data)
        indsats = selectors.activity_for(request.user, data["indsats"])
        if not adgang.can(request.user, adgang.CHANGE, indsats.sagsdel):
            raise PermissionDenied
        opfoelgning = services.opfoelgning_registrer(
            acting_user=request.user,
            indsats=indsats,
            dato=data["dato"],
            form=data["form"],
            vurdering=data["vurdering"],
            notat=data.get("notat", ""),
        )
        return Response(FollowUpSerializer(opfoelgning).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["family plans"])
@extend_schema_view(
    retrieve=extend_schema(
        summary="A family's stafetlog (for staff who see the family and named professionals)",
        parameters=[ID_PARAMETER],
        responses={200: StafetlogSerializer, 401: DETAIL, 404: DETAIL},
    ),
)
class StafetlogViewSet(viewsets.GenericViewSet):
    serializer_class = StafetlogSerializer
    filter_backends = ()
    lookup_value_regex = ID_PATTERN

    def retrieve(self, request: Request, pk: str) -> Response:
        visning = selectors.stafetlog_for(request.user, int(pk))
        return Response(StafetlogSerializer(visning).data)
