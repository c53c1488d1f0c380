"""The visitation's API (v1): referrals, meetings, decisions, assignments, discharges.

Thin, in the kernel's style: an input serializer parses, a selector or service acts, an output
serializer answers. Objects on families the user may not see answer 404; errors in the one
format of kerne.api_errors.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from kerne import adgang, audit
from kerne.api import (
    ID_PARAMETER,
    ID_PATTERN,
    LIST_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    KoordinatorSerializer,
    PersonInSerializer,
    _id_field,
    _validated,
)
from kerne.models import Familie, Familiemedlemskab, Person, Rolle
from visitation import regler, selectors, services
from visitation.models import Dagsordenspunkt, Forloeb, Indstilling, Tildeling, Visitationsmoede


def _project(request: Request):
    projekt = adgang.active_project(request)
    if projekt is None:
        raise PermissionDenied
    return projekt


# --- Referrals -------------------------------------------------------------------------------


class ReferralSerializer(serializers.ModelSerializer):
    familie = serializers.IntegerField(source="familie_id")
    betegnelse = serializers.CharField(source="familie.betegnelse")
    status = serializers.SerializerMethodField(
        help_text="`kladde` for a draft, else the family's status."
    )
    forvaltning = serializers.CharField(source="forvaltning.navn", allow_null=True)
    oprettet_af = KoordinatorSerializer()
    kriterier = serializers.SerializerMethodField()
    samtykke_givet_af = serializers.IntegerField(source="samtykke_givet_af_id", allow_null=True)

    class Meta:
        model = Indstilling
        fields = [
            "id",
            "familie",
            "betegnelse",
            "status",
            "forvaltning",
            "oprettet_af",
            "oprettet",
            "indsendt",
            "lukket",
            "begrundelse",
            "kriterier",
            "samtykke_givet_af",
            "samtykke_dato",
            "samtykke_form",
        ]

    def get_status(self, indstilling: Indstilling) -> str:
        return "kladde" if indstilling.er_kladde else indstilling.familie.status

    @extend_schema_field(
        {
            "type": "object",
            "description": "The five criteria of DOMAIN.md §3, by field name.",
            "properties": {
                felt: {
                    "type": "object",
                    "properties": {
                        "svar": {"type": "boolean", "nullable": True},
                        "note": {"type": "string"},
                    },
                }
                for felt in regler.KRITERIE_FELTER
            },
        }
    )
    def get_kriterier(self, indstilling: Indstilling) -> dict:
        return {
            felt: {
                "svar": getattr(indstilling, felt),
                "note": getattr(indstilling, f"{felt}_note"),
            }
            for felt in regler.KRITERIE_FELTER
        }


class MemberInSerializer(PersonInSerializer):
    rolle = serializers.ChoiceField(choices=Familiemedlemskab.Rolle.choices)
    relation = serializers.ChoiceField(choices=Familiemedlemskab.Relation.choices)
    foraeldremyndighed = serializers.BooleanField(required=False, default=False)


def _answer() -> serializers.BooleanField:
    return serializers.BooleanField(required=False, allow_null=True, default=None)


def _note() -> serializers.CharField:
    return serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class ReferralContentSerializer(serializers.Serializer):
    """A referral's content; the five criteria of DOMAIN.md §3 are yes/no (null: open)."""

    begrundelse = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    kendt_begge = _answer()
    kendt_begge_note = _note()
    ydelse = _answer()
    ydelse_note = _note()
    genovervejes = _answer()
    genovervejes_note = _note()
    tvaerfaglig = _answer()
    tvaerfaglig_note = _note()
    motivation = _answer()
    motivation_note = _note()
    samtykke_givet_af = _id_field(
        required=False, allow_null=True, help_text="An adult of the family (not for a new one)."
    )
    samtykke_dato = serializers.DateField(required=False, allow_null=True)
    samtykke_form = serializers.ChoiceField(
        choices=Indstilling.SamtykkeForm.choices, required=False, allow_blank=True
    )


class ReferralInSerializer(ReferralContentSerializer):
    """A new draft: an existing family (`familie`), or a new one (`betegnelse`, `personer`)."""

    familie = _id_field(
        required=False, help_text="An existing family; leave out to register a new one."
    )
    betegnelse = serializers.CharField(required=False, allow_blank=True, max_length=200)
    personer = serializers.ListField(
        child=MemberInSerializer(),
        required=False,
        max_length=10,
        help_text="A new family's persons.",
    )

    def validate(self, attrs: dict) -> dict:
        if not attrs.get("familie") and not (attrs.get("betegnelse") or "").strip():
            raise serializers.ValidationError(
                {"betegnelse": ["Skriv den nye families betegnelse, eller angiv en familie."]}
            )
        return attrs


class ReferralFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[("kladde", "kladde"), *Familie.Status.choices], required=False
    )
    mine = serializers.BooleanField(required=False, default=False)


def _referral_data(
    request: Request, data: dict, familie: Familie | None
) -> services.IndstillingData:
    giver = None
    if data.get("samtykke_givet_af"):
        # Looked up among the family's members only: a person from elsewhere answers exactly as a
        # missing one does, so the endpoint cannot be used to probe for persons.
        giver = (
            Person.objects.filter(
                pk=data["samtykke_givet_af"], medlemskaber__familie=familie
            ).first()
            if familie is not None
            else None
        )
        if giver is None:
            raise serializers.ValidationError({"samtykke_givet_af": ["Personen findes ikke."]})
    return services.IndstillingData(
        begrundelse=data.get("begrundelse", ""),
        kriterier={
            key: data.get(key, "" if key.endswith("_note") else None)
            for felt in regler.KRITERIE_FELTER
            for key in (felt, f"{felt}_note")
        },
        samtykke_givet_af=giver,
        samtykke_dato=data.get("samtykke_dato"),
        samtykke_form=data.get("samtykke_form", ""),
    )


def _log_read(request: Request, indstilling: Indstilling) -> None:
    audit.log(
        user=request.user,
        handling=audit.Handling.READ,
        formaal=audit.Formaal.VISITATION,
        familie=indstilling.familie,
        objekt=indstilling,
    )


@extend_schema(tags=["visitation"])
@extend_schema_view(
    list=extend_schema(
        summary="List the referrals on families the user may see",
        parameters=[ReferralFilterSerializer],
        responses={200: ReferralSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One referral",
        parameters=[ID_PARAMETER],
        responses={200: ReferralSerializer, **READ_ERRORS},
    ),
    create=extend_schema(
        summary="Create a draft referral (an existing family, or a new one with its persons)",
        request=ReferralInSerializer,
        responses={201: ReferralSerializer, **WRITE_ERRORS},
    ),
    partial_update=extend_schema(
        summary="Change a draft referral",
        parameters=[ID_PARAMETER],
        request=ReferralContentSerializer,
        responses={200: ReferralSerializer, **WRITE_ERRORS},
    ),
    submit=extend_schema(
        summary="Submit a draft: the family is referred and goes on the next meeting's agenda",
        parameters=[ID_PARAMETER],
        request=None,
        responses={200: ReferralSerializer, **WRITE_ERRORS},
    ),
)
class ReferralViewSet(viewsets.GenericViewSet):
    serializer_class = ReferralSerializer
    filter_backends = ()
    lookup_value_regex = ID_PATTERN

    def list(self, request: Request) -> Response:
        filters = _validated(ReferralFilterSerializer, request.query_params)
        rows = selectors.referrals_for(
            request.user,
            adgang.active_project(request),
            status=filters.get("status", ""),
            mine=filters.get("mine", False),
        )
        page = self.paginate_queryset(rows)
        audit.log_reads(
            user=request.user,
            formaal=audit.Formaal.VISITATION,
            familie_ids=sorted({i.familie_id for i in page}),
        )
        return self.get_paginated_response(ReferralSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(ReferralSerializer(selectors.referral_detail(request.user, int(pk))).data)

    def create(self, request: Request) -> Response:
        data = _validated(ReferralInSerializer, request.data)
        if data.get("familie"):
            familie = adgang.get_visible_or_404(
                request.user, Familie.objects.select_related("projekt"), pk=data["familie"]
            )
            indstilling = services.indstilling_opret(
                acting_user=request.user,
                familie=familie,
                data=_referral_data(request, data, familie),
            )
        else:
            indstilling = services.indstilling_opret_ny_familie(
                acting_user=request.user,
                projekt=_project(request),
                betegnelse=data["betegnelse"],
                personer=[
                    services.PersonData(
                        cpr=p.get("cpr") or "",
                        fornavn=p["fornavn"],
                        efternavn=p["efternavn"],
                        rolle=p["rolle"],
                        relation=p["relation"],
                        foraeldremyndighed=p.get("foraeldremyndighed", False),
                    )
                    for p in data.get("personer", [])
                ],
                data=_referral_data(request, {**data, "samtykke_givet_af": None}, None),
            )
        indstilling = selectors.referral_detail(request.user, indstilling.pk)
        return Response(ReferralSerializer(indstilling).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        indstilling = selectors.referral_detail(request.user, int(pk))
        serializer = ReferralContentSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        # PATCH: what is not sent stays as it is.
        current = {
            "begrundelse": indstilling.begrundelse,
            "samtykke_givet_af": indstilling.samtykke_givet_af_id,
            "samtykke_dato": indstilling.samtykke_dato,
            "samtykke_form": indstilling.samtykke_form,
            **{
                key: getattr(indstilling, key)
                for felt in regler.KRITERIE_FELTER
                for key in (felt, f"{felt}_note")
            },
        }
        data = {**current, **serializer.validated_data}
        services.indstilling_opdater(
            acting_user=request.user,
            indstilling=indstilling,
            data=_referral_data(request, data, indstilling.familie),
        )
        return Response(ReferralSerializer(selectors.referral_detail(request.user, int(pk))).data)

    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        indstilling = selectors.referral_detail(request.user, int(pk))
        services.indstilling_indsend(acting_user=request.user, indstilling=indstilling)
        return Response(ReferralSerializer(selectors.referral_detail(request.user, int(pk))).data)


# --- Meetings ----------------------------------------------------------------------------------


class ItemSerializer(serializers.ModelSerializer):
    """An agenda item; the family is named only where the user may see it."""

    indstilling = serializers.IntegerField(source="indstilling_id")
    familie = serializers.SerializerMethodField()
    betegnelse = serializers.SerializerMethodField()
    begrundelse = serializers.SerializerMethodField()
    besluttet_af = KoordinatorSerializer(allow_null=True)

    class Meta:
        model = Dagsordenspunkt
        fields = [
            "id",
            "raekkefoelge",
            "indstilling",
            "familie",
            "betegnelse",
            "beslutning",
            "begrundelse",
            "besluttet_af",
            "besluttet",
        ]

    def _visible(self, punkt: Dagsordenspunkt) -> bool:
        return punkt.pk in self.context.get("synlige", set())

    def get_familie(self, punkt: Dagsordenspunkt) -> int | None:
        return punkt.familie_id if self._visible(punkt) else None

    def get_betegnelse(self, punkt: Dagsordenspunkt) -> str | None:
        return punkt.familie.betegnelse if self._visible(punkt) else None

    def get_begrundelse(self, punkt: Dagsordenspunkt) -> str | None:
        return punkt.begrundelse if self._visible(punkt) else None


class MeetingSerializer(serializers.ModelSerializer):
    medlemmer = KoordinatorSerializer(many=True)

    class Meta:
        model = Visitationsmoede
        fields = ["id", "dato", "tidspunkt", "sted", "medlemmer", "afsluttet", "version"]


class MeetingDetailSerializer(MeetingSerializer):
    punkter = serializers.SerializerMethodField()

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "referat", "punkter"]

    def get_punkter(self, moede: Visitationsmoede) -> ItemSerializer(many=True):
        return ItemSerializer(
            [row.punkt for row in self.context["rows"]],
            many=True,
            context={"synlige": {row.punkt.pk for row in self.context["rows"] if row.synlig}},
        ).data


class MeetingInSerializer(serializers.Serializer):
    dato = serializers.DateField()
    tidspunkt = serializers.TimeField(required=False, allow_null=True)
    sted = serializers.CharField(max_length=200)
    medlemmer = serializers.ListField(child=_id_field(), allow_empty=False, max_length=50)


@extend_schema(tags=["visitation"])
@extend_schema_view(
    list=extend_schema(
        summary="The board meetings the user takes part in (all, for the project leader)",
        responses={200: MeetingSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One meeting with its agenda and decisions",
        parameters=[ID_PARAMETER],
        responses={200: MeetingDetailSerializer, **READ_ERRORS},
    ),
    create=extend_schema(
        summary="Plan a meeting (project leader); a coming meeting takes the waiting referrals",
        request=MeetingInSerializer,
        responses={201: MeetingDetailSerializer, **WRITE_ERRORS},
    ),
)
class MeetingViewSet(viewsets.GenericViewSet):
    serializer_class = MeetingSerializer
    filter_backends = ()
    lookup_value_regex = ID_PATTERN

    def list(self, request: Request) -> Response:
        rows = selectors.meetings_for(request.user, adgang.active_project(request))
        page = self.paginate_queryset(rows.prefetch_related("medlemmer"))
        return self.get_paginated_response(MeetingSerializer(page, many=True).data)

    def _detail(self, request: Request, pk: int) -> Response:
        moede, rows = selectors.meeting_detail(request.user, adgang.active_project(request), pk)
        return MeetingDetailSerializer(moede, context={"rows": rows}).data

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self._detail(request, int(pk)))

    def create(self, request: Request) -> Response:
        projekt = _project(request)
        # Who may plan comes before what they sent: a 403 does not depend on the body.
        if Rolle.PROJEKTLEDER not in adgang.roles_in(request.user, projekt):
            raise PermissionDenied
        data = _validated(MeetingInSerializer, request.data)
        candidates = {u.pk: u for u in services.board_candidates(projekt)}
        unknown = [pk for pk in data["medlemmer"] if pk not in candidates]
        if unknown:
            raise serializers.ValidationError(
                {
                    "medlemmer": [
                        "Medlemmer skal være afdelingsledere eller projektleder i projektet."
                    ]
                }
            )
        moede = services.moede_opret(
            acting_user=request.user,
            projekt=projekt,
            dato=data["dato"],
            tidspunkt=data.get("tidspunkt"),
            sted=data["sted"],
            medlemmer=[candidates[pk] for pk in data["medlemmer"]],
        )
        return Response(self._detail(request, moede.pk), status=status.HTTP_201_CREATED)


# --- Decisions -----------------------------------------------------------------------------------


class DecisionInSerializer(serializers.Serializer):
    punkt = _id_field(help_text="The agenda item.")
    beslutning = serializers.ChoiceField(choices=Dagsordenspunkt.Beslutning.choices)
    begrundelse = serializers.CharField(
        required=False, allow_blank=True, max_length=5000, help_text="Required to reject."
    )


@extend_schema(tags=["visitation"])
@extend_schema_view(
    list=extend_schema(
        summary="Decided agenda items on families the user may see",
        responses={200: ItemSerializer(many=True), **LIST_ERRORS},
    ),
    create=extend_schema(
        summary="Record the board's decision on an agenda item",
        request=DecisionInSerializer,
        responses={201: ItemSerializer, **WRITE_ERRORS},
    ),
)
class DecisionViewSet(viewsets.GenericViewSet):
    serializer_class = ItemSerializer
    filter_backends = ()

    def list(self, request: Request) -> Response:
        rows = (
            adgang.visible(
                request.user,
                adgang.VIEW,
                Dagsordenspunkt.objects.select_related("familie", "besluttet_af"),
            )
            .exclude(beslutning="")
            .order_by("-besluttet", "-pk")
        )
        page = self.paginate_queryset(rows)
        audit.log_reads(
            user=request.user,
            formaal=audit.Formaal.VISITATION,
            familie_ids=sorted({p.familie_id for p in page}),
        )
        context = {"synlige": {p.pk for p in page}}
        return self.get_paginated_response(ItemSerializer(page, many=True, context=context).data)

    def create(self, request: Request) -> Response:
        data = _validated(DecisionInSerializer, request.data)
        punkt = selectors.item_for(
            request.user, data["punkt"], projekt=adgang.active_project(request)
        )
        punkt = services.beslutning_registrer(
            acting_user=request.user,
            punkt=punkt,
            beslutning=data["beslutning"],
            begrundelse=data.get("begrundelse", ""),
        )
        visible = adgang.can(request.user, adgang.VIEW, punkt.familie)
        context = {"synlige": {punkt.pk} if visible else set()}
        return Response(ItemSerializer(punkt, context=context).data, status=status.HTTP_201_CREATED)


# --- Assignments ---------------------------------------------------------------------------------


class AssignmentSerializer(serializers.ModelSerializer):
    familie = serializers.IntegerField(source="familie_id")
    koordinator = KoordinatorSerializer()
    tildelt_af = KoordinatorSerializer()

    class Meta:
        model = Tildeling
        fields = [
            "id",
            "familie",
            "koordinator",
            "tildelt_af",
            "tidspunkt",
            "aktive_foer",
            "kapacitet",
            "over_kapacitet",
            "begrundelse",
        ]


class AssignmentInSerializer(serializers.Serializer):
    familie = _id_field()
    koordinator = _id_field(help_text="The case manager's user id.")
    bekraeft_over_kapacitet = serializers.BooleanField(required=False, default=False)
    begrundelse = serializers.CharField(required=False, allow_blank=True, max_length=2000)


@extend_schema(tags=["visitation"])
@extend_schema_view(
    list=extend_schema(
        summary="Assignments of case managers on families the user may see",
        responses={200: AssignmentSerializer(many=True), **LIST_ERRORS},
    ),
    create=extend_schema(
        summary="Assign a case manager (project leader); beyond capacity needs confirmation",
        request=AssignmentInSerializer,
        responses={201: AssignmentSerializer, **WRITE_ERRORS},
    ),
)
class AssignmentViewSet(viewsets.GenericViewSet):
    serializer_class = AssignmentSerializer
    filter_backends = ()

    def list(self, request: Request) -> Response:
        rows = adgang.visible(
            request.user,
            adgang.VIEW,
            Tildeling.objects.select_related("koordinator", "tildelt_af"),
        ).order_by("-tidspunkt", "-pk")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(AssignmentSerializer(page, many=True).data)

    def create(self, request: Request) -> Response:
        data = _validated(AssignmentInSerializer, request.data)
        familie = selectors.family_for_visitation(request.user, data["familie"])
        koordinator = services.User.objects.filter(pk=data["koordinator"]).first()
        if koordinator is None:
            raise serializers.ValidationError({"koordinator": ["Brugeren findes ikke."]})
        tildeling = services.koordinator_tildel(
            acting_user=request.user,
            familie=familie,
            koordinator=koordinator,
            bekraeft_over_kapacitet=data["bekraeft_over_kapacitet"],
            begrundelse=data.get("begrundelse", ""),
        )
        return Response(AssignmentSerializer(tildeling).data, status=status.HTTP_201_CREATED)


# --- Discharges ----------------------------------------------------------------------------------


class DischargeSerializer(serializers.ModelSerializer):
    familie = serializers.IntegerField(source="familie_id")
    afsluttet_af = KoordinatorSerializer(allow_null=True)

    class Meta:
        model = Forloeb
        fields = [
            "id",
            "familie",
            "optaget",
            "udredningsfrist",
            "udredning_afsluttet",
            "afsluttet",
            "aarsag",
            "aarsag_tekst",
            "overdragelsesnote",
            "afsluttet_af",
        ]


class DischargeInSerializer(serializers.Serializer):
    familie = _id_field()
    aarsag = serializers.ChoiceField(choices=Forloeb.Aarsag.choices)
    aarsag_tekst = serializers.CharField(required=False, allow_blank=True, max_length=300)
    dato = serializers.DateField()
    overdragelsesnote = serializers.CharField(max_length=10000)


def _discharges(user: Any) -> QuerySet[Forloeb]:
    return adgang.visible(user, adgang.VIEW, Forloeb.objects.select_related("afsluttet_af")).filter(
        afsluttet__isnull=False
    )


@extend_schema(tags=["visitation"])
@extend_schema_view(
    list=extend_schema(
        summary="Discharges of families the user may see",
        responses={200: DischargeSerializer(many=True), **LIST_ERRORS},
    ),
    create=extend_schema(
        summary="Discharge an active family (its case manager or the project leader)",
        request=DischargeInSerializer,
        responses={
            201: OpenApiResponse(DischargeSerializer, description="Discharged."),
            **WRITE_ERRORS,
        },
    ),
)
class DischargeViewSet(viewsets.GenericViewSet):
    serializer_class = DischargeSerializer
    filter_backends = ()

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(_discharges(request.user).order_by("-afsluttet", "-pk"))
        audit.log_reads(
            user=request.user,
            formaal=audit.Formaal.VISITATION,
            familie_ids=sorted({f.familie_id for f in page}),
        )
        return self.get_paginated_response(DischargeSerializer(page, many=True).data)

    def create(self, request: Request) -> Response:
        data = _validated(DischargeInSerializer, request.data)
        familie = selectors.family_for_visitation(request.user, data["familie"])
        forloeb = services.udslus(
            acting_user=request.user,
            familie=familie,
            aarsag=data["aarsag"],
            aarsag_tekst=data.get("aarsag_tekst", ""),
            dato=data["dato"],
            overdragelsesnote=data["overdragelsesnote"],
        )
        return Response(DischargeSerializer(forloeb).data, status=status.HTTP_201_CREATED)
