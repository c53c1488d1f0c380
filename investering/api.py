"""The investment model's API (v1): catalogue, prices, cost lines and the computed figures.

Thin views over investering.selectors and investering.services; access is decided by
kerne.adgang (a cost line the user may not see answers 404), errors by kerne.api_errors.
Amounts are decimal strings rounded to øre.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from investering import selectors, services
from investering.beregning import Hypotese
from investering.businesscase import round_kr
from investering.models import Enhed, Omkostningslinje, Omkostningstype, Pris
from investering.services import LinjeData
from kerne import adgang, audit
from kerne.api import (
    ID_PARAMETER,
    ID_PATTERN,
    LIST_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    _id_field,
    _validated,
)
from kerne.models import Familie, Forvaltning, Person, Sektor
from kerne.views import STAFF_ROLES


def _project(request: Request):
    projekt = adgang.active_project(request)
    if projekt is None:
        raise PermissionDenied
    return projekt


def _catalogue_project(request: Request):
    """The project whose price catalogue the user may read: staff only. The catalogue is
    internal (the HTML price list is for leaders; case workers need the types for cost lines),
    so a family member or an evaluator reads none of it."""
    projekt = adgang.active_project(request)
    if projekt is None or not adgang.has_role(request, *STAFF_ROLES):
        return None
    return projekt


class AmountField(serializers.DecimalField):
    """An amount in kroner, rounded to øre (half up) on the way out."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_digits=16, decimal_places=2, **kwargs)

    def to_representation(self, value: Any) -> str:
        return super().to_representation(round_kr(value))


# --- Catalogue ---------------------------------------------------------------------------------


class PriceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Pris
        fields = ["id", "omkostningstype", "gyldig_fra", "beloeb"]


class CostTypeSerializer(serializers.ModelSerializer):
    forvaltning_navn = serializers.CharField(source="forvaltning.navn")
    priser = PriceSerializer(many=True)

    class Meta:
        model = Omkostningstype
        fields = [
            "id",
            "navn",
            "enhed",
            "sektor",
            "forvaltning",
            "forvaltning_navn",
            "eksempel",
            "priser",
        ]


class CostTypeInSerializer(serializers.Serializer):
    navn = serializers.CharField(max_length=100)
    enhed = serializers.ChoiceField(choices=Enhed.choices)
    sektor = serializers.ChoiceField(choices=Sektor.choices)
    forvaltning = serializers.PrimaryKeyRelatedField(queryset=Forvaltning.objects.all())
    eksempel = serializers.BooleanField(required=False, default=False)


class PriceInSerializer(serializers.Serializer):
    omkostningstype = _id_field()
    gyldig_fra = serializers.DateField()
    beloeb = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)


class PriceFilterSerializer(serializers.Serializer):
    omkostningstype = _id_field(required=False)


@extend_schema(tags=["investering"])
@extend_schema_view(
    list=extend_schema(
        summary="The price catalogue of the active project's municipality",
        responses={200: CostTypeSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One cost type with its prices",
        parameters=[ID_PARAMETER],
        responses={200: CostTypeSerializer, **READ_ERRORS},
    ),
    create=extend_schema(
        summary="Add a cost type (project leader, administration)",
        request=CostTypeInSerializer,
        responses={201: CostTypeSerializer, **WRITE_ERRORS},
    ),
)
class CostTypeViewSet(viewsets.GenericViewSet):
    serializer_class = CostTypeSerializer
    filter_backends = ()
    lookup_value_regex = ID_PATTERN

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(selectors.cost_types(_catalogue_project(request)))
        return self.get_paginated_response(CostTypeSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        omkostningstype = selectors.cost_types(_catalogue_project(request)).filter(pk=pk).first()
        if omkostningstype is None:
            from django.http import Http404

            raise Http404
        return Response(CostTypeSerializer(omkostningstype).data)

    def create(self, request: Request) -> Response:
        projekt = _project(request)
        if not services.may_keep_catalogue(request.user, projekt):
            raise PermissionDenied
        data = _validated(CostTypeInSerializer, request.data)
        omkostningstype = services.omkostningstype_opret(
            acting_user=request.user, projekt=projekt, **data
        )
        return Response(CostTypeSerializer(omkostningstype).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["investering"])
@extend_schema_view(
    list=extend_schema(
        summary="Unit prices of the catalogue, each valid from a date",
        parameters=[PriceFilterSerializer],
        responses={200: PriceSerializer(many=True), **LIST_ERRORS},
    ),
    create=extend_schema(
        summary="Add a unit price from a date (project leader, administration)",
        request=PriceInSerializer,
        responses={201: PriceSerializer, **WRITE_ERRORS},
    ),
)
class PriceViewSet(viewsets.GenericViewSet):
    serializer_class = PriceSerializer
    filter_backends = ()

    def list(self, request: Request) -> Response:
        filters = _validated(PriceFilterSerializer, request.query_params)
        projekt = _catalogue_project(request)
        priser = Pris.objects.none()
        if projekt is not None:
            priser = Pris.objects.filter(omkostningstype__kommune_id=projekt.kommune_id)
            if filters.get("omkostningstype"):
                priser = priser.filter(omkostningstype_id=filters["omkostningstype"])
        page = self.paginate_queryset(priser.order_by("omkostningstype_id", "gyldig_fra"))
        return self.get_paginated_response(PriceSerializer(page, many=True).data)

    def create(self, request: Request) -> Response:
        projekt = _project(request)
        if not services.may_keep_catalogue(request.user, projekt):
            raise PermissionDenied
        data = _validated(PriceInSerializer, request.data)
        omkostningstype = Omkostningstype.objects.filter(
            pk=data["omkostningstype"], kommune_id=projekt.kommune_id
        ).first()
        if omkostningstype is None:
            raise serializers.ValidationError(
                {"omkostningstype": ["Omkostningstypen findes ikke i kommunens prisliste."]}
            )
        pris = services.pris_opret(
            acting_user=request.user,
            projekt=projekt,
            omkostningstype=omkostningstype,
            gyldig_fra=data["gyldig_fra"],
            beloeb=data["beloeb"],
        )
        return Response(PriceSerializer(pris).data, status=status.HTTP_201_CREATED)


# --- Cost lines ----------------------------------------------------------------------------------


class CostLineSerializer(serializers.ModelSerializer):
    familie = serializers.IntegerField(source="sagsdel.familie_id")
    sektor = serializers.CharField(source="sagsdel.sektor")

    class Meta:
        model = Omkostningslinje
        fields = [
            "id",
            "familie",
            "sektor",
            "person",
            "omkostningstype",
            "antal",
            "fra",
            "til",
            "pris_override",
            "override_begrundelse",
            "kilde",
        ]


class CostLineInSerializer(serializers.Serializer):
    familie = _id_field()
    omkostningstype = _id_field()
    person = _id_field(required=False, allow_null=True, help_text="Blank: the whole family.")
    antal = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0)
    fra = serializers.DateField()
    til = serializers.DateField(required=False, allow_null=True)
    pris_override = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    override_begrundelse = serializers.CharField(max_length=300, required=False, allow_blank=True)

    def validate(self, data: dict) -> dict:
        if data.get("til") and data["til"] < data["fra"]:
            raise serializers.ValidationError({"til": ["Til skal ligge på eller efter fra."]})
        return data


class CostLineFilterSerializer(serializers.Serializer):
    familie = _id_field(required=False)


def _line_data(user: Any, familie: Familie, data: dict) -> LinjeData:
    omkostningstype = Omkostningstype.objects.filter(
        pk=data["omkostningstype"], kommune_id=familie.projekt.kommune_id
    ).first()
    if omkostningstype is None:
        raise serializers.ValidationError(
            {"omkostningstype": ["Omkostningstypen findes ikke i kommunens prisliste."]}
        )
    person = None
    if data.get("person"):
        person = adgang.visible(user, adgang.VIEW, Person.objects.filter(pk=data["person"])).first()
        if person is None:
            raise serializers.ValidationError({"person": ["Personen findes ikke."]})
    return LinjeData(
        omkostningstype=omkostningstype,
        person=person,
        antal=data["antal"],
        fra=data["fra"],
        til=data.get("til"),
        pris_override=data.get("pris_override"),
        override_begrundelse=data.get("override_begrundelse", ""),
    )


@extend_schema(tags=["investering"])
@extend_schema_view(
    list=extend_schema(
        summary="Cost lines in the sectors the user may see",
        parameters=[CostLineFilterSerializer],
        responses={200: CostLineSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One cost line",
        parameters=[ID_PARAMETER],
        responses={200: CostLineSerializer, **READ_ERRORS},
    ),
    create=extend_schema(
        summary="Record a cost line in the cost type's sector of the family",
        request=CostLineInSerializer,
        responses={201: CostLineSerializer, **WRITE_ERRORS},
    ),
    update=extend_schema(
        summary="Change a cost line",
        parameters=[ID_PARAMETER],
        request=CostLineInSerializer,
        responses={200: CostLineSerializer, **WRITE_ERRORS},
    ),
    destroy=extend_schema(
        summary="Delete a cost line",
        parameters=[ID_PARAMETER],
        responses={204: None, **WRITE_ERRORS},
    ),
)
class CostLineViewSet(viewsets.GenericViewSet):
    serializer_class = CostLineSerializer
    filter_backends = ()
    lookup_value_regex = ID_PATTERN
    http_method_names = ["get", "post", "put", "delete", "head", "options"]

    def list(self, request: Request) -> Response:
        filters = _validated(CostLineFilterSerializer, request.query_params)
        linjer = selectors.lines_for(request.user)
        if filters.get("familie"):
            linjer = linjer.filter(sagsdel__familie_id=filters["familie"])
        page = self.paginate_queryset(linjer.order_by("-fra", "pk"))
        audit.log_reads(
            user=request.user,
            familie_ids=sorted({linje.sagsdel.familie_id for linje in page}),
            formaal=audit.Formaal.SAGSBEHANDLING,
        )
        return self.get_paginated_response(CostLineSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        linje = selectors.line_for(request.user, int(pk))
        audit.log(
            user=request.user,
            handling=audit.Handling.READ,
            formaal=audit.Formaal.SAGSBEHANDLING,
            familie=linje.sagsdel.familie,
            person=linje.person_id,
            sektor=linje.sagsdel.sektor,
            objekt=linje,
        )
        return Response(CostLineSerializer(linje).data)

    def create(self, request: Request) -> Response:
        data = _validated(CostLineInSerializer, request.data)
        familie = adgang.get_visible_or_404(
            request.user, Familie.objects.select_related("projekt"), pk=data["familie"]
        )
        linje = services.linje_opret(
            acting_user=request.user, familie=familie, data=_line_data(request.user, familie, data)
        )
        return Response(CostLineSerializer(linje).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, pk: str) -> Response:
        linje = selectors.line_for(request.user, int(pk))
        data = _validated(CostLineInSerializer, request.data)
        familie = linje.sagsdel.familie
        if data["familie"] != familie.pk:
            raise serializers.ValidationError({"familie": ["En linje kan ikke flytte familie."]})
        linje = services.linje_ret(
            acting_user=request.user, linje=linje, data=_line_data(request.user, familie, data)
        )
        return Response(CostLineSerializer(linje).data)

    def destroy(self, request: Request, pk: str) -> Response:
        linje = selectors.line_for(request.user, int(pk))
        services.linje_slet(acting_user=request.user, linje=linje)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Figures -------------------------------------------------------------------------------------


class GroupAmountSerializer(serializers.Serializer):
    forvaltning = serializers.IntegerField()
    forvaltning_navn = serializers.CharField()
    sektor = serializers.CharField()
    beloeb = AmountField()


class QuarterAmountSerializer(GroupAmountSerializer):
    kvartal = serializers.CharField()


class MonthSerializer(serializers.Serializer):
    maaned = serializers.DateField()
    baseline = AmountField()
    aktuel = AmountField()
    investering = AmountField()
    netto = AmountField()
    akk_besparelse = AmountField()
    akk_investering = AmountField()
    nutidsvaerdi = AmountField()


class FiguresSerializer(serializers.Serializer):
    """Baseline, current, quarters and the business case of a family or the project."""

    beregnet_til = serializers.DateField(help_text="The last day of the last complete month.")
    diskonteringsrente = serializers.DecimalField(max_digits=5, decimal_places=2)
    familier = serializers.IntegerField()
    baseline = GroupAmountSerializer(many=True)
    aktuel = GroupAmountSerializer(many=True, help_text="The rolling 12 complete months.")
    kvartaler = QuarterAmountSerializer(many=True)
    maaneder = MonthSerializer(many=True)
    break_even = serializers.DateField(allow_null=True, help_text="Null: not yet.")
    break_even_tilbagediskonteret = serializers.DateField(
        allow_null=True, help_text="Present values compared at the discount rate; null: not yet."
    )
    nutidsvaerdi = AmountField()
    baseline_i_alt = AmountField()
    aktuel_i_alt = AmountField()
    investering_i_alt = AmountField()
    netto_i_alt = AmountField()


def _figures_payload(figures) -> dict:
    def groups(amounts: dict) -> list[dict]:
        return [
            {
                "forvaltning": key[0],
                "forvaltning_navn": figures.afdelinger.get(key[0], ""),
                "sektor": key[1],
                "beloeb": amount,
            }
            for key, amount in sorted(amounts.items(), key=lambda item: (item[0][0], item[0][1]))
        ]

    result = figures.resultat
    return {
        "beregnet_til": figures.as_of,
        "diskonteringsrente": figures.rate_pct,
        "familier": figures.familier,
        "baseline": groups(figures.baseline),
        "aktuel": groups(figures.aktuel),
        "kvartaler": [
            {"kvartal": quarter, **row}
            for quarter, amounts in figures.kvartaler.items()
            for row in groups(amounts)
        ],
        "maaneder": [
            {
                "maaned": row.month.maaned,
                "baseline": row.month.baseline,
                "aktuel": row.month.aktuel,
                "investering": row.month.investering,
                "netto": row.month.netto,
                "akk_besparelse": row.akk_besparelse,
                "akk_investering": row.akk_investering,
                "nutidsvaerdi": row.nutidsvaerdi,
            }
            for row in result.rows
        ],
        "break_even": result.break_even,
        "break_even_tilbagediskonteret": result.break_even_nv,
        "nutidsvaerdi": result.npv,
        "baseline_i_alt": figures.baseline_total,
        "aktuel_i_alt": figures.aktuel_total,
        "investering_i_alt": result.totals["investering"],
        "netto_i_alt": result.totals["netto"],
    }


class WhatIfSerializer(serializers.Serializer):
    rente = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False
    )
    omkostningstype = _id_field(required=False)
    ny_pris = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False)
    gyldig_fra = serializers.DateField(required=False)

    def validate(self, data: dict) -> dict:
        parts = [name in data for name in ("omkostningstype", "ny_pris", "gyldig_fra")]
        if any(parts) and not all(parts):
            raise serializers.ValidationError(
                {
                    "non_field_errors": [
                        "En prisændring kræver omkostningstype, ny_pris og gyldig_fra."
                    ]
                }
            )
        return data


class BusinessCaseView(APIView):
    @extend_schema(
        tags=["investering"],
        summary="The project's business case (what-if parameters recompute without saving)",
        parameters=[WhatIfSerializer],
        responses={200: FiguresSerializer, 400: LIST_ERRORS[400], **READ_ERRORS},
    )
    def get(self, request: Request) -> Response:
        projekt = _project(request)
        if not services.may_keep_catalogue(request.user, projekt):
            raise PermissionDenied
        data = _validated(WhatIfSerializer, request.query_params)
        hypotese = None
        if "omkostningstype" in data:
            if not Omkostningstype.objects.filter(
                pk=data["omkostningstype"], kommune_id=projekt.kommune_id
            ).exists():
                raise serializers.ValidationError(
                    {"omkostningstype": ["Omkostningstypen findes ikke i kommunens prisliste."]}
                )
            hypotese = Hypotese(data["omkostningstype"], data["ny_pris"], data["gyldig_fra"])
        figures = selectors.project_figures(
            request.user, projekt, rate_pct=data.get("rente"), hypotese=hypotese
        )
        selectors.log_project_read(request.user, projekt, "api_business_case")
        return Response(FiguresSerializer(_figures_payload(figures)).data)


class FamilyEconomyView(APIView):
    @extend_schema(
        tags=["investering"],
        summary="One family's economy in the sectors the user may see",
        parameters=[
            OpenApiParameter("id", int, OpenApiParameter.PATH),
        ],
        responses={200: FiguresSerializer, **READ_ERRORS},
    )
    def get(self, request: Request, pk: str) -> Response:
        familie = selectors.economy_family(request.user, int(pk))
        figures = selectors.family_figures(request.user, familie)
        audit.log(
            user=request.user,
            handling=audit.Handling.READ,
            formaal=audit.Formaal.SAGSBEHANDLING,
            familie=familie,
            objekt=familie,
            detaljer={"side": "api_oekonomi", "sektorer": figures.sektorer},
        )
        return Response(FiguresSerializer(_figures_payload(figures)).data)
