"""The secure messages' API (v1): threads and messages, for staff and for the family.

Thin, over the same selectors and services as the pages: a thread the user may not read
answers 404; sending needs the portal's rule or change on the family (403 otherwise).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from familieplan import selectors as plan_selectors
from kerne import audit
from kerne.api import (
    ID_PARAMETER,
    ID_PATTERN,
    LIST_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    _id_field,
    _validated,
)
from kerne.models import Familie
from kontakt import selectors, services
from kontakt.models import Besked, Traad, Vedhaeftning

TAGS = ["messages"]


class ThreadSerializer(serializers.ModelSerializer):
    familie = serializers.IntegerField(source="familie_id")
    betegnelse = serializers.CharField(source="familie.betegnelse")

    class Meta:
        model = Traad
        fields = ["id", "familie", "betegnelse", "seneste_besked", "ubesvaret_siden"]


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Vedhaeftning
        fields = ["id", "filnavn", "mimetype", "stoerrelse", "url"]

    def get_url(self, obj: Vedhaeftning) -> str:
        return reverse("kontakt:vedhaeftning", args=[obj.pk])


class MessageSerializer(serializers.ModelSerializer):
    afsender = serializers.SerializerMethodField()
    vedhaeftninger = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Besked
        fields = [
            "id",
            "traad",
            "familie",
            "fra_familien",
            "afsender",
            "tekst",
            "sendt",
            "laest",
            "besvaret",
            "opfoelgning",
            "aftale",
            "vedhaeftninger",
        ]

    def get_afsender(self, obj: Besked) -> str:
        return obj.afsender.get_full_name() or obj.afsender.get_username()


class MessageFilterSerializer(serializers.Serializer):
    familie = _id_field(help_text="The family whose thread to list.")


class MessageInSerializer(serializers.Serializer):
    familie = _id_field(help_text="The family whose thread to write in.")
    tekst = serializers.CharField(max_length=services.MAX_TEXT)
    vedhaeftninger = serializers.ListField(
        child=serializers.FileField(), required=False, help_text="PDF, PNG or JPEG (multipart)."
    )


def _family(user: Any, pk: int) -> tuple[Familie, bool]:
    """A family whose thread the user may read, and whether as its member; else 404."""
    own = next((f for f in plan_selectors.portal_families(user) if f.pk == pk), None)
    return (own, True) if own is not None else (selectors.staff_family(user, pk), False)


@extend_schema(tags=TAGS)
@extend_schema_view(
    list=extend_schema(
        summary="Threads the user may read (their own family's, for a citizen)",
        responses={200: ThreadSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One thread",
        parameters=[ID_PARAMETER],
        responses={200: ThreadSerializer, **READ_ERRORS},
    ),
)
class ThreadViewSet(viewsets.GenericViewSet):
    serializer_class = ThreadSerializer
    filter_backends = ()
    lookup_value_regex = ID_PATTERN

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(selectors.threads_for(request.user))
        audit.log_reads(
            user=request.user,
            formaal=audit.Formaal.SAGSBEHANDLING,
            familie_ids=[t.familie_id for t in page],
        )
        return self.get_paginated_response(ThreadSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        traad = selectors.thread_for(request.user, int(pk))
        selectors.log_thread_read(request.user, traad.familie, portal=False)
        return Response(ThreadSerializer(traad).data)


@extend_schema(tags=TAGS)
@extend_schema_view(
    list=extend_schema(
        summary="The messages of a family's thread, oldest first (marks the other side's read)",
        parameters=[OpenApiParameter("familie", int, required=True)],
        responses={200: MessageSerializer(many=True), **LIST_ERRORS},
    ),
    create=extend_schema(
        summary="Send a message in a family's thread (JSON, or multipart with attachments)",
        request=MessageInSerializer,
        responses={201: MessageSerializer, **WRITE_ERRORS},
    ),
)
class MessageViewSet(viewsets.GenericViewSet):
    serializer_class = MessageSerializer
    filter_backends = ()
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def list(self, request: Request) -> Response:
        filters = _validated(MessageFilterSerializer, request.query_params)
        familie, portal = _family(request.user, filters["familie"])
        services.traad_laest(acting_user=request.user, familie=familie)
        selectors.log_thread_read(request.user, familie, portal=portal)
        page = self.paginate_queryset(selectors.messages_of(familie))
        return self.get_paginated_response(MessageSerializer(page, many=True).data)

    def create(self, request: Request) -> Response:
        data = _validated(MessageInSerializer, request.data)
        familie, _portal = _family(request.user, data["familie"])
        filer = request.FILES.getlist("vedhaeftninger") if request.FILES else []
        besked = services.besked_send(
            acting_user=request.user, familie=familie, tekst=data["tekst"], filer=filer
        )
        besked = selectors.messages_of(familie).get(pk=besked.pk)
        return Response(MessageSerializer(besked).data, status=status.HTTP_201_CREATED)
