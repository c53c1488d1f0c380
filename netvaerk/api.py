"""The family network's API (v1): meetings, agreements, partners and offers.

Thin, over the same selectors and services as the pages. Meetings and agreements are the
stafetlog's (familieplan); reading a meeting's minutes is logged like any personal data.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_serializer, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from familieplan import selectors as plan_selectors
from familieplan import services as plan_services
from familieplan.models import Aftale, Beslutning, Moededeltager, Stafetmoede
from kerne import adgang
from kerne.api import (
    DETAIL,
    ID_PARAMETER,
    ID_PATTERN,
    LIST_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    _id_field,
    _validated,
)
from kerne.models import Projekt
from netvaerk import selectors, services
from netvaerk.models import Partner, Tilbud

# --- Meetings and agreements --------------------------------------------------------------------


class AgreementSerializer(serializers.ModelSerializer):
    moede = serializers.IntegerField(source="moede_id", allow_null=True)
    familie = serializers.IntegerField(source="familie_id")

    class Meta:
        model = Aftale
        fields = ["id", "familie", "moede", "hvad", "hvem", "frist", "status"]


class ParticipantSerializer(serializers.ModelSerializer):
    navn = serializers.SerializerMethodField()
    rolle = serializers.SerializerMethodField()

    class Meta:
        model = Moededeltager
        fields = ["id", "person", "aktoer", "navn", "rolle"]

    def get_navn(self, obj: Moededeltager) -> str:
        return obj.person.fulde_navn if obj.person_id else obj.aktoer.navn

    def get_rolle(self, obj: Moededeltager) -> str:
        return "" if obj.person_id else obj.aktoer.rolle


class DecisionSerializer(serializers.ModelSerializer):
    aftale = serializers.IntegerField(source="aftale_id", allow_null=True)
    indsats = serializers.IntegerField(source="indsats_id", allow_null=True)

    class Meta:
        model = Beslutning
        fields = ["id", "tekst", "aftale", "indsats", "indsats_noegle", "synlig_for_familien"]


# visitation has board meetings of its own; one component name each.
@extend_schema_serializer(component_name="NetworkMeeting")
class MeetingSerializer(serializers.ModelSerializer):
    familie = serializers.IntegerField(source="familie_id")
    naeste_moede = serializers.IntegerField(source="naeste_moede_id", allow_null=True)
    bekraeftet_af = serializers.IntegerField(source="bekraeftet_af_id", allow_null=True)

    class Meta:
        model = Stafetmoede
        fields = [
            "id",
            "familie",
            "art",
            "tidspunkt",
            "sted",
            "naeste_moede",
            "bekraeftet_af",
            "bekraeftet",
            "revision",
        ]


@extend_schema_serializer(component_name="NetworkMeetingDetail")
class MeetingDetailSerializer(MeetingSerializer):
    """The minutes. `intern_note` is blank for readers who do not see the family (named
    professionals): they read what the family reads."""

    dagsorden = serializers.CharField()
    referat = serializers.CharField()
    intern_note = serializers.CharField()
    deltagere = ParticipantSerializer(many=True)
    beslutninger = DecisionSerializer(many=True)
    aftaler = AgreementSerializer(many=True)

    class Meta(MeetingSerializer.Meta):
        fields = [
            *MeetingSerializer.Meta.fields,
            "dagsorden",
            "referat",
            "intern_note",
            "deltagere",
            "beslutninger",
            "aftaler",
        ]


def _detail(visning) -> dict:
    moede = visning.moede
    data = MeetingSerializer(moede).data
    data.update(
        {
            "dagsorden": moede.dagsorden,
            "referat": moede.referat,
            "intern_note": moede.intern_note,
            "deltagere": ParticipantSerializer(visning.deltagere, many=True).data,
            "beslutninger": DecisionSerializer(visning.beslutninger, many=True).data,
            "aftaler": AgreementSerializer(visning.aftaler, many=True).data,
        }
    )
    return data


class FamilyFilterSerializer(serializers.Serializer):
    familie = _id_field()


@extend_schema_serializer(component_name="NetworkMeetingIn")
class MeetingInSerializer(serializers.Serializer):
    familie = _id_field()
    art = serializers.ChoiceField(choices=Stafetmoede.Art.choices)
    tidspunkt = serializers.DateTimeField()
    sted = serializers.CharField(max_length=200)
    dagsorden = serializers.CharField(max_length=4000, required=False, allow_blank=True)


class AgreementPartSerializer(serializers.Serializer):
    hvem = serializers.CharField(max_length=200)
    frist = serializers.DateField()


@extend_schema_serializer(component_name="NetworkDecisionIn")
class DecisionInSerializer(serializers.Serializer):
    tekst = serializers.CharField(max_length=1000)
    aftale = AgreementPartSerializer(required=False, allow_null=True)
    synlig_for_familien = serializers.BooleanField(required=False, default=True)


class ConfirmInSerializer(serializers.Serializer):
    person = _id_field()


@extend_schema(tags=["network"])
@extend_schema_view(
    list=extend_schema(
        summary="A family's meetings (staff who see it; named professionals)",
        parameters=[FamilyFilterSerializer],
        responses={200: MeetingSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One meeting with its minutes (the read is logged)",
        parameters=[ID_PARAMETER],
        responses={200: MeetingDetailSerializer, **READ_ERRORS},
    ),
    create=extend_schema(
        summary="Plan a meeting with the family",
        request=MeetingInSerializer,
        responses={201: MeetingSerializer, **WRITE_ERRORS},
    ),
    decisions=extend_schema(
        summary="Record a decision, optionally as a stafetlog agreement in the same step",
        parameters=[ID_PARAMETER],
        request=DecisionInSerializer,
        responses={201: DecisionSerializer, **WRITE_ERRORS},
    ),
    confirm=extend_schema(
        summary="Record that the family's representative confirmed the agreements",
        parameters=[ID_PARAMETER],
        request=ConfirmInSerializer,
        responses={200: MeetingSerializer, **WRITE_ERRORS},
    ),
)
class MeetingViewSet(viewsets.GenericViewSet):
    serializer_class = MeetingSerializer
    filter_backends = ()
    lookup_value_regex = ID_PATTERN

    def list(self, request: Request) -> Response:
        filters = _validated(FamilyFilterSerializer, request.query_params)
        _familie, moeder = plan_selectors.meetings_of_family(request.user, filters["familie"])
        page = self.paginate_queryset(moeder)
        return self.get_paginated_response(MeetingSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(_detail(plan_selectors.meeting_view(request.user, int(pk))))

    def create(self, request: Request) -> Response:
        data = _validated(MeetingInSerializer, request.data)
        familie = plan_selectors.family_for_plan(request.user, data.pop("familie"))
        moede = plan_services.moede_gem(acting_user=request.user, familie=familie, **data)
        return Response(MeetingSerializer(moede).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def decisions(self, request: Request, pk: str) -> Response:
        moede = plan_selectors.meeting_for(request.user, int(pk), action=adgang.CHANGE)
        data = _validated(DecisionInSerializer, request.data)
        aftale = data.get("aftale")
        beslutning = plan_services.beslutning_opret(
            acting_user=request.user,
            moede=moede,
            tekst=data["tekst"],
            aftale=plan_services.AftaleData(**aftale) if aftale else None,
            synlig_for_familien=data["synlig_for_familien"],
        )
        return Response(DecisionSerializer(beslutning).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str) -> Response:
        moede = plan_selectors.meeting_for(request.user, int(pk), action=adgang.CHANGE)
        data = _validated(ConfirmInSerializer, request.data)
        person = plan_services.representatives_of(moede.familie).filter(pk=data["person"]).first()
        if person is None:
            raise ValidationError({"person": [_("Vælg en voksen i familien.")]})
        moede = plan_services.moede_bekraeft(acting_user=request.user, moede=moede, person=person)
        return Response(MeetingSerializer(moede).data)


class AgreementFilterSerializer(serializers.Serializer):
    moede = _id_field()


class AgreementInSerializer(serializers.Serializer):
    moede = _id_field()
    hvad = serializers.CharField(max_length=500)
    hvem = serializers.CharField(max_length=200)
    frist = serializers.DateField()


@extend_schema(tags=["network"])
@extend_schema_view(
    list=extend_schema(
        summary="The agreements made at a meeting",
        parameters=[AgreementFilterSerializer],
        responses={200: AgreementSerializer(many=True), **LIST_ERRORS},
    ),
    create=extend_schema(
        summary="Write an agreement at a meeting (recorded as a decision that became it)",
        request=AgreementInSerializer,
        responses={201: AgreementSerializer, **WRITE_ERRORS},
    ),
)
class AgreementViewSet(viewsets.GenericViewSet):
    serializer_class = AgreementSerializer
    filter_backends = ()

    def list(self, request: Request) -> Response:
        filters = _validated(AgreementFilterSerializer, request.query_params)
        visning = plan_selectors.meeting_view(request.user, filters["moede"])
        page = self.paginate_queryset(visning.aftaler)
        return self.get_paginated_response(AgreementSerializer(page, many=True).data)

    def create(self, request: Request) -> Response:
        data = _validated(AgreementInSerializer, request.data)
        moede = plan_selectors.meeting_for(request.user, data["moede"], action=adgang.CHANGE)
        beslutning = plan_services.beslutning_opret(
            acting_user=request.user,
            moede=moede,
            tekst=data["hvad"],
            aftale=plan_services.AftaleData(hvem=data["hvem"], frist=data["frist"]),
        )
        return Response(AgreementSerializer(beslutning.aftale).data, status=status.HTTP_201_CREATED)


# --- Partners and offers ------------------------------------------------------------------------


class OfferSerializer(serializers.ModelSerializer):
    partner = serializers.IntegerField(source="partner_id")
    omkostningstype = serializers.IntegerField(source="omkostningstype_id", allow_null=True)

    class Meta:
        model = Tilbud
        fields = [
            "id",
            "partner",
            "titel",
            "art",
            "alder_fra",
            "alder_til",
            "beskrivelse",
            "omkostningstype",
            "aktiv",
        ]


class PartnerSerializer(serializers.ModelSerializer):
    kommune = serializers.IntegerField(source="kommune_id")

    class Meta:
        model = Partner
        fields = [
            "id",
            "kommune",
            "navn",
            "art",
            "kontaktperson",
            "telefon",
            "email",
            "adresse",
            "beskrivelse",
            "aktiv",
        ]


class PartnerDetailSerializer(PartnerSerializer):
    tilbud = OfferSerializer(many=True)

    class Meta(PartnerSerializer.Meta):
        fields = [*PartnerSerializer.Meta.fields, "tilbud"]


class ProjectFilterSerializer(serializers.Serializer):
    projekt = _id_field()


class PartnerInSerializer(serializers.Serializer):
    projekt = _id_field()
    navn = serializers.CharField(max_length=200)
    art = serializers.ChoiceField(choices=Partner.Art.choices)
    kontaktperson = serializers.CharField(max_length=200, required=False, allow_blank=True)
    telefon = serializers.CharField(max_length=20, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    adresse = serializers.CharField(max_length=200, required=False, allow_blank=True)
    beskrivelse = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    aktiv = serializers.BooleanField(required=False, default=True)


def _project(user, pk: int) -> Projekt:
    """A project the user holds a role in; 404 for any other (no probing for projects)."""
    projekt = next((p for p in adgang.projects_for(user) if p.pk == pk), None)
    if projekt is None:
        raise Http404
    return projekt


@extend_schema(tags=["network"])
@extend_schema_view(
    list=extend_schema(
        summary="The partner catalogue of a project's municipality",
        parameters=[ProjectFilterSerializer],
        responses={200: PartnerSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One partner with its offers",
        parameters=[ID_PARAMETER, ProjectFilterSerializer],
        responses={200: PartnerDetailSerializer, **LIST_ERRORS},
    ),
    create=extend_schema(
        summary="Add a partner to the municipality's catalogue",
        request=PartnerInSerializer,
        responses={201: PartnerSerializer, **WRITE_ERRORS},
    ),
)
class PartnerViewSet(viewsets.GenericViewSet):
    serializer_class = PartnerSerializer
    filter_backends = ()
    lookup_value_regex = ID_PATTERN

    def list(self, request: Request) -> Response:
        filters = _validated(ProjectFilterSerializer, request.query_params)
        projekt = _project(request.user, filters["projekt"])
        page = self.paginate_queryset(selectors.partners_for(request.user, projekt))
        return self.get_paginated_response(PartnerSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        filters = _validated(ProjectFilterSerializer, request.query_params)
        projekt = _project(request.user, filters["projekt"])
        return Response(
            PartnerDetailSerializer(selectors.partner_for(request.user, projekt, int(pk))).data
        )

    def create(self, request: Request) -> Response:
        data = _validated(PartnerInSerializer, request.data)
        projekt = _project(request.user, data.pop("projekt"))
        partner = services.partner_gem(
            acting_user=request.user, projekt=projekt, data=services.PartnerData(**data)
        )
        return Response(PartnerSerializer(partner).data, status=status.HTTP_201_CREATED)


class OfferFilterSerializer(serializers.Serializer):
    projekt = _id_field()
    partner = _id_field(required=False)


class OfferInSerializer(serializers.Serializer):
    projekt = _id_field()
    partner = _id_field()
    titel = serializers.CharField(max_length=200)
    art = serializers.ChoiceField(choices=Tilbud.Art.choices)
    alder_fra = serializers.IntegerField(
        min_value=0, max_value=120, required=False, allow_null=True
    )
    alder_til = serializers.IntegerField(
        min_value=0, max_value=120, required=False, allow_null=True
    )
    beskrivelse = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    aktiv = serializers.BooleanField(required=False, default=True)


@extend_schema(tags=["network"])
@extend_schema_view(
    list=extend_schema(
        summary="Offers of the municipality's partners (of one partner with ?partner=)",
        parameters=[OfferFilterSerializer],
        responses={200: OfferSerializer(many=True), **LIST_ERRORS},
    ),
    create=extend_schema(
        summary="Add an offer to a partner",
        request=OfferInSerializer,
        responses={201: OfferSerializer, 401: DETAIL, **WRITE_ERRORS},
    ),
)
class OfferViewSet(viewsets.GenericViewSet):
    serializer_class = OfferSerializer
    filter_backends = ()

    def list(self, request: Request) -> Response:
        filters = _validated(OfferFilterSerializer, request.query_params)
        projekt = _project(request.user, filters["projekt"])
        tilbud = selectors.offers_for(request.user, projekt).order_by("partner__navn", "titel")
        if filters.get("partner"):
            tilbud = tilbud.filter(partner_id=filters["partner"])
        page = self.paginate_queryset(tilbud)
        return self.get_paginated_response(OfferSerializer(page, many=True).data)

    def create(self, request: Request) -> Response:
        data = _validated(OfferInSerializer, request.data)
        projekt = _project(request.user, data.pop("projekt"))
        partner = selectors.partner_for(request.user, projekt, data.pop("partner"))
        if not services.may_keep_catalogue(request.user, projekt):
            raise PermissionDenied
        tilbud = services.tilbud_gem(
            acting_user=request.user,
            projekt=projekt,
            partner=partner,
            data=services.TilbudData(**data),
        )
        return Response(OfferSerializer(tilbud).data, status=status.HTTP_201_CREATED)
