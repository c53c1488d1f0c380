"""Pages of the family's network: meetings and the meeting screen, partners, links, statistics.

Thin: parse, call a selector or a service, render. Meetings are read and written through
familieplan's selectors and services (the one meeting concept); the partner catalogue and the
links through this app's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from familieplan import selectors as plan_selectors
from familieplan import services as plan_services
from familieplan.forms import IndsatsForm
from kerne import adgang, audit, charts
from kerne.forms import add_service_errors
from kerne.models import Rolle
from kerne.views import STAFF_ROLES
from netvaerk import selectors, services, statistik
from netvaerk.forms import (
    AftaleSkaermForm,
    BekraeftForm,
    BeslutningForm,
    DeltagerForm,
    FritidAfslutForm,
    FritidForm,
    IndsatsPartnerForm,
    KontingentForm,
    MentorForm,
    MentorTilknytForm,
    MoedeForm,
    MoedeRetForm,
    NaesteMoedeForm,
    PartnerForm,
    SamarbejdsaftaleForm,
    TilbudForm,
)
from netvaerk.models import Partner, Tilbud

PARTNERS_PER_PAGE = 25
MEETINGS_PER_PAGE = 20
STATISTICS_MONTHS = 12
STATISTICS_PER_PAGE = 50
ACTIVITIES_SHOWN = 100
# Who works with families; a professional (fagperson) reads only stafetlogs they are named in.
PLAN_ROLES = tuple(r for r in STAFF_ROLES if r != Rolle.FAGPERSON)

staff = adgang.require_role(*PLAN_ROLES)
readers = adgang.require_role(*STAFF_ROLES)


def _form_page(request, form, *, title, back_url, action="", status=200, intro="", **extra):
    return render(
        request,
        "netvaerk/form_side.html",
        {
            "form": form,
            "title": title,
            "back_url": back_url,
            "action": action,
            "intro": intro,
            **extra,
        },
        status=status,
    )


def _handle_form(
    request: HttpRequest,
    form,
    *,
    save: Callable[[Any], object],
    success: str,
    redirect_to: str | Callable[[Any], str],
    title: str,
    back_url: str,
    **extra,
) -> HttpResponse:
    """A form page whose valid POST is one service call. `save` gets the valid form and returns
    what it saved; `redirect_to` is a URL or makes one from that result."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, success)
            return redirect(redirect_to(saved) if callable(redirect_to) else redirect_to)
    return _form_page(
        request,
        form,
        title=title,
        back_url=back_url,
        status=400 if form.is_bound else 200,
        **extra,
    )


def _projekt(request: HttpRequest):
    return adgang.active_project(request)


# --- Partner catalogue --------------------------------------------------------------------------


@login_required
@staff
@never_cache
@require_GET
def partnere(request: HttpRequest) -> HttpResponse:
    projekt = _projekt(request)
    q = request.GET.get("q", "").strip()[:100]
    art = request.GET.get("art", "")
    art = art if art in Partner.Art.values else ""
    tilbudsart = request.GET.get("tilbudsart", "")
    tilbudsart = tilbudsart if tilbudsart in Tilbud.Art.values else ""
    page = Paginator(
        selectors.partners_for(request.user, projekt, q=q, art=art, tilbudsart=tilbudsart),
        PARTNERS_PER_PAGE,
    ).get_page(request.GET.get("side"))
    return render(
        request,
        "netvaerk/partnere.html",
        {
            "page_obj": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "q": q,
            "art": art,
            "tilbudsart": tilbudsart,
            "arter": Partner.Art.choices,
            "tilbudsarter": Tilbud.Art.choices,
            "kan_redigere": services.may_keep_catalogue(request.user, projekt),
        },
    )


def _require_catalogue(request: HttpRequest):
    projekt = _projekt(request)
    if not services.may_keep_catalogue(request.user, projekt):
        raise PermissionDenied
    return projekt


@login_required
@staff
@never_cache
@require_http_methods(["GET", "POST"])
def partner_ny(request: HttpRequest) -> HttpResponse:
    projekt = _require_catalogue(request)
    return _handle_form(
        request,
        PartnerForm(request.POST or None),
        save=lambda form: services.partner_gem(
            acting_user=request.user, projekt=projekt, data=form.data_object()
        ),
        success=_("Partneren er oprettet."),
        redirect_to=lambda partner: reverse("netvaerk:partner", args=[partner.pk]),
        title=_("Ny samarbejdspartner"),
        back_url=reverse("netvaerk:partnere"),
    )


@login_required
@staff
@never_cache
@require_GET
def partner(request: HttpRequest, pk: int) -> HttpResponse:
    projekt = _projekt(request)
    obj = selectors.partner_for(request.user, projekt, pk)
    today = timezone.localdate()
    return render(
        request,
        "netvaerk/partner.html",
        {
            "partner": obj,
            "today": today,
            "kan_redigere": services.may_keep_catalogue(request.user, projekt),
        },
    )


@login_required
@staff
@never_cache
@require_http_methods(["GET", "POST"])
def partner_ret(request: HttpRequest, pk: int) -> HttpResponse:
    projekt = _projekt(request)
    obj = selectors.partner_for(request.user, projekt, pk)
    _require_catalogue(request)
    initial = {
        name: getattr(obj, name)
        for name in ("navn", "art", "kontaktperson", "telefon", "email", "adresse", "beskrivelse")
    }
    initial["aktiv"] = obj.aktiv
    partner_url = reverse("netvaerk:partner", args=[obj.pk])
    return _handle_form(
        request,
        PartnerForm(request.POST or None, initial=initial),
        save=lambda form: services.partner_gem(
            acting_user=request.user, projekt=projekt, data=form.data_object(), partner=obj
        ),
        success=_("Partneren er gemt."),
        redirect_to=partner_url,
        title=_("Ret %(navn)s") % {"navn": obj.navn},
        back_url=partner_url,
    )


@login_required
@staff
@never_cache
@require_http_methods(["GET", "POST"])
def tilbud_ny(request: HttpRequest, pk: int) -> HttpResponse:
    projekt = _projekt(request)
    obj = selectors.partner_for(request.user, projekt, pk)
    _require_catalogue(request)
    partner_url = reverse("netvaerk:partner", args=[obj.pk])
    return _handle_form(
        request,
        TilbudForm(request.POST or None, omkostningstyper=selectors.cost_type_choices(projekt)),
        save=lambda form: services.tilbud_gem(
            acting_user=request.user, projekt=projekt, partner=obj, data=form.data_object()
        ),
        success=_("Tilbuddet er oprettet."),
        redirect_to=partner_url,
        title=_("Nyt tilbud hos %(navn)s") % {"navn": obj.navn},
        back_url=partner_url,
    )


@login_required
@staff
@never_cache
@require_http_methods(["GET", "POST"])
def tilbud_ret(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an offer, or take it off the catalogue (not active: kept for the links to it)."""
    projekt = _projekt(request)
    tilbud = selectors.offer_for(request.user, projekt, pk)
    _require_catalogue(request)
    initial = {
        name: getattr(tilbud, name)
        for name in ("titel", "art", "alder_fra", "alder_til", "beskrivelse", "aktiv")
    }
    initial["omkostningstype"] = tilbud.omkostningstype_id
    partner_url = reverse("netvaerk:partner", args=[tilbud.partner_id])
    return _handle_form(
        request,
        TilbudForm(
            request.POST or None,
            omkostningstyper=selectors.cost_type_choices(projekt),
            initial=initial,
        ),
        save=lambda form: services.tilbud_gem(
            acting_user=request.user,
            projekt=projekt,
            partner=tilbud.partner,
            data=form.data_object(),
            tilbud=tilbud,
        ),
        success=_("Tilbuddet er gemt."),
        redirect_to=partner_url,
        title=_("Ret %(titel)s") % {"titel": tilbud.titel},
        back_url=partner_url,
    )


@login_required
@staff
@never_cache
@require_http_methods(["GET", "POST"])
def samarbejdsaftale_ny(request: HttpRequest, pk: int) -> HttpResponse:
    projekt = _projekt(request)
    obj = selectors.partner_for(request.user, projekt, pk)
    _require_catalogue(request)
    partner_url = reverse("netvaerk:partner", args=[obj.pk])
    return _handle_form(
        request,
        SamarbejdsaftaleForm(request.POST or None),
        save=lambda form: services.samarbejdsaftale_opret(
            acting_user=request.user, projekt=projekt, partner=obj, **form.cleaned_data
        ),
        success=_("Samarbejdsaftalen er gemt."),
        redirect_to=partner_url,
        title=_("Ny samarbejdsaftale med %(navn)s") % {"navn": obj.navn},
        back_url=partner_url,
    )


@login_required
@staff
@never_cache
@require_http_methods(["GET", "POST"])
def mentor_ny(request: HttpRequest, pk: int) -> HttpResponse:
    projekt = _projekt(request)
    obj = selectors.partner_for(request.user, projekt, pk)
    _require_catalogue(request)
    partner_url = reverse("netvaerk:partner", args=[obj.pk])
    return _handle_form(
        request,
        MentorForm(request.POST or None, brugere=selectors.mentor_candidates(projekt)),
        save=lambda form: services.mentor_gem(
            acting_user=request.user, projekt=projekt, partner=obj, **form.cleaned_data
        ),
        success=_("Mentoren er oprettet."),
        redirect_to=partner_url,
        title=_("Ny mentor hos %(navn)s") % {"navn": obj.navn},
        back_url=partner_url,
    )


# --- What the partners achieve ------------------------------------------------------------------


@login_required
@adgang.require_role(Rolle.PROJEKTLEDER)
@never_cache
@require_GET
def statistik_side(request: HttpRequest) -> HttpResponse:
    projekt = _projekt(request)
    today = timezone.localdate()
    rows = selectors.partner_statistics(projekt, today)
    months = statistik.months_back(today, STATISTICS_MONTHS)
    counts = selectors.leisure_counts(projekt, months)
    aktivitet = statistik.shares_by_month(counts, months, "fritidsaktivitet")
    job = statistik.shares_by_month(counts, months, "fritidsjob")
    labels = [m.strftime("%m.%Y") for m in months]
    chart = charts.line_chart(
        title=_("Andel børn med fritidsaktivitet og unge (13+) med fritidsjob"),
        labels=labels,
        series=[
            charts.Series(_("Børn med fritidsaktivitet"), aktivitet),
            charts.Series(_("Unge 13+ med fritidsjob"), job),
        ],
        y_min=0,
        y_max=100,
        unit="%",
    )
    boern, voksne = statistik.served_by_month(selectors.served_periods(projekt, today), months)
    served_over_time = charts.line_chart(
        title=_("Børn og voksne, partnerne betjener, pr. måned"),
        labels=labels,
        series=[charts.Series(_("Børn"), boern), charts.Series(_("Voksne"), voksne)],
        y_min=0,
    )
    top = [r for r in rows if r.tal.boern_i_alt or r.tal.voksne_i_alt][:10]
    served_chart = (
        charts.bar_chart(
            title=_("Børn og voksne, partnerne betjener nu"),
            labels=[r.partner.navn[:14] for r in top],
            series=[
                charts.Series(_("Børn"), [r.tal.boern_nu for r in top]),
                charts.Series(_("Voksne"), [r.tal.voksne_nu for r in top]),
            ],
            stacked=True,
        )
        if top
        else ""
    )
    page = Paginator(rows, STATISTICS_PER_PAGE).get_page(request.GET.get("side"))
    return render(
        request,
        "netvaerk/statistik.html",
        {
            "page_obj": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "chart": chart,
            "served_chart": served_chart,
            "maaneder": list(zip(labels, aktivitet, job, strict=True)),
            "served_over_time": served_over_time,
            "betjent_pr_maaned": list(zip(labels, boern, voksne, strict=True)),
            "today": today,
        },
    )


# --- A family's network: meetings, leisure, mentors ---------------------------------------------


@login_required
@adgang.require_role(Rolle.FAGPERSON)
@never_cache
@require_GET
def mine_moeder(request: HttpRequest) -> HttpResponse:
    """A named professional (a mentor, say): the meetings of the families whose stafetlog the
    parents let them read. Dates and places only; the minutes open on the meeting page."""
    page = Paginator(
        plan_selectors.meetings_for_professional(request.user), MEETINGS_PER_PAGE
    ).get_page(request.GET.get("side"))
    audit.log_reads(
        user=request.user,
        formaal=audit.Formaal.SAGSBEHANDLING,
        familie_ids=sorted({m.familie_id for m in page.object_list}),
    )
    return render(
        request,
        "netvaerk/mine_moeder.html",
        {"page_obj": page, "page_range": page.paginator.get_elided_page_range(page.number)},
    )


@login_required
@readers
@never_cache
@require_GET
def familie(request: HttpRequest, pk: int) -> HttpResponse:
    familie, moeder = plan_selectors.meetings_of_family(request.user, pk)
    page = Paginator(moeder, MEETINGS_PER_PAGE).get_page(request.GET.get("side"))
    ser_familien = adgang.can(request.user, adgang.VIEW, familie)
    fritid = list(selectors.leisure_of_family(request.user, familie)) if ser_familien else []
    # The activities of the newest version (the draft, else the latest agreed) with the
    # partner each names; the link follows the activity into later versions.
    version = selectors.newest_version(familie)
    indsatser = []
    if ser_familien and version is not None:
        links = selectors.activity_links_of(request.user, familie)
        changeable = set(adgang.sectors_for(request.user, familie, adgang.CHANGE))
        indsatser = [
            (i, links.get(i.noegle), i.sagsdel.sektor in changeable)
            for i in plan_selectors.activities_of(request.user, version)[:ACTIVITIES_SHOWN]
        ]
    audit.log(
        user=request.user,
        handling=audit.Handling.READ,
        formaal=audit.Formaal.SAGSBEHANDLING,
        familie=familie,
        objekt=familie,
        detaljer={"netvaerk": True},
    )
    return render(
        request,
        "netvaerk/familie.html",
        {
            "familie": familie,
            "page_obj": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "fritid": fritid,
            "indsatser": indsatser,
            "version": version,
            "ser_familien": ser_familien,
            "kan_aendre": adgang.may_change_family(request.user, familie),
        },
    )


def _family_change(request: HttpRequest, pk: int):
    familie = plan_selectors.family_for_plan(request.user, pk)
    if not adgang.may_change_family(request.user, familie):
        raise PermissionDenied
    return familie


@login_required
@staff
@never_cache
@require_http_methods(["GET", "POST"])
def moede_ny(request: HttpRequest, pk: int) -> HttpResponse:
    familie = _family_change(request, pk)
    return _handle_form(
        request,
        MoedeForm(request.POST or None),
        save=lambda form: plan_services.moede_gem(
            acting_user=request.user, familie=familie, **form.cleaned_data
        ),
        success=_("Mødet er oprettet."),
        redirect_to=lambda moede: _meeting_url(moede.pk),
        title=_("Nyt møde med familien"),
        back_url=reverse("netvaerk:familie", args=[familie.pk]),
    )


@login_required
@staff
@never_cache
@require_http_methods(["GET", "POST"])
def fritid_ny(request: HttpRequest, pk: int) -> HttpResponse:
    familie = plan_selectors.family_for_plan(request.user, pk)
    partnere, tilbud = selectors.catalogue_of(familie)
    family_url = reverse("netvaerk:familie", args=[familie.pk])
    return _handle_form(
        request,
        FritidForm(
            request.POST or None,
            boern=selectors.children_of(familie),
            partnere=partnere,
            tilbud=tilbud,
        ),
        save=lambda form: services.fritid_tilknyt(
            acting_user=request.user, familie=familie, **form.cleaned_data
        ),
        success=_("Fritidsaktiviteten er knyttet til partneren."),
        redirect_to=family_url,
        title=_("Fritidsaktivitet eller fritidsjob hos en partner"),
        back_url=family_url,
    )


@login_required
@staff
@require_http_methods(["GET", "POST"])
def fritid_afslut(request: HttpRequest, pk: int) -> HttpResponse:
    link = selectors.leisure_link_for(request.user, pk)
    familie = link.sagsdel.familie
    family_url = reverse("netvaerk:familie", args=[familie.pk])
    return _handle_form(
        request,
        FritidAfslutForm(request.POST or None, initial={"til": timezone.localdate()}),
        save=lambda form: services.fritid_afslut(
            acting_user=request.user, tilknytning=link, til=form.cleaned_data["til"]
        ),
        success=_("Slutdatoen er gemt."),
        redirect_to=family_url,
        title=_("Afslut %(person)s hos %(partner)s")
        % {"person": link.person.fornavn, "partner": link.partner.navn},
        back_url=family_url,
    )


@login_required
@staff
@never_cache
@require_http_methods(["GET", "POST"])
def kontingent(request: HttpRequest, pk: int) -> HttpResponse:
    link = selectors.leisure_link_for(request.user, pk)
    familie = link.sagsdel.familie
    family_url = reverse("netvaerk:familie", args=[familie.pk])
    return _handle_form(
        request,
        KontingentForm(
            request.POST or None,
            omkostningstyper=selectors.cost_type_choices(familie.projekt),
            initial={"fra": link.fra, "til": link.til},
        ),
        save=lambda form: services.kontingent_registrer(
            acting_user=request.user, tilknytning=link, **form.cleaned_data
        ),
        success=_("Kontingentet er registreret som en omkostning."),
        redirect_to=family_url,
        title=_("Kontingent for %(person)s hos %(partner)s")
        % {"person": link.person.fornavn, "partner": link.partner.navn},
        intro=_(
            "Kommunen betaler kontingentet. Det bliver en omkostningslinje i investeringsmodellen."
        ),
        back_url=family_url,
    )


@login_required
@staff
@never_cache
@require_http_methods(["GET", "POST"])
def mentor_tilknyt(request: HttpRequest, pk: int) -> HttpResponse:
    familie = _family_change(request, pk)
    family_url = reverse("netvaerk:familie", args=[familie.pk])
    return _handle_form(
        request,
        MentorTilknytForm(
            request.POST or None,
            mentorer=selectors.active_mentors_for(familie),
            voksne=plan_selectors.adults_of(familie),
        ),
        save=lambda form: services.mentor_tilknyt(
            acting_user=request.user, familie=familie, **form.cleaned_data
        ),
        success=_("Mentoren er skrevet på familiens stafetlog."),
        redirect_to=family_url,
        title=_("Knyt en mentor til familien"),
        back_url=family_url,
    )


@login_required
@staff
@never_cache
@require_http_methods(["GET", "POST"])
def indsats_partner(request: HttpRequest, pk: int) -> HttpResponse:
    indsats = plan_selectors.activity_for(request.user, pk)
    familie = indsats.version.familie
    if not adgang.can(request.user, adgang.CHANGE, indsats.sagsdel):
        raise PermissionDenied
    link = selectors.activity_link(request.user, indsats)
    partnere, tilbud = selectors.catalogue_of(familie)
    activity_url = reverse("familieplan:indsats", args=[indsats.pk])
    return _handle_form(
        request,
        IndsatsPartnerForm(
            request.POST or None,
            partnere=partnere,
            tilbud=tilbud,
            initial={"partner": link.partner_id, "tilbud": link.tilbud_id} if link else None,
        ),
        save=lambda form: services.indsats_partner_saet(
            acting_user=request.user, indsats=indsats, **form.cleaned_data
        ),
        success=_("Indsatsens partner er gemt."),
        redirect_to=activity_url,
        title=_("Partner for %(titel)s") % {"titel": indsats.titel},
        intro=_("Partneren følger indsatsen ind i planens næste versioner."),
        back_url=activity_url,
    )


# --- One meeting --------------------------------------------------------------------------------


def _meeting_url(pk: int) -> str:
    return reverse("netvaerk:moede", args=[pk])


def _decision_forms(request: HttpRequest, moede, data=None):
    familie = moede.familie
    sektorer = adgang.sectors_for(request.user, familie, adgang.CHANGE)
    draft = selectors.draft_of(familie)
    beslutning = BeslutningForm(data, prefix="b")
    indsats = IndsatsForm(
        data if data is not None and data.get("b-som_indsats") else None,
        prefix="i",
        sektorer=sektorer,
        personer=plan_selectors.members_of(familie),
        maal=plan_selectors.goals_of(draft) if draft else plan_selectors.goals_of(None),
        initial={"synlig_for_familien": True, "revision": 0},
    )
    return beslutning, indsats


@login_required
@readers
@never_cache
@require_GET
def moede(request: HttpRequest, pk: int) -> HttpResponse:
    visning = plan_selectors.meeting_view(request.user, pk)
    return _meeting_page(request, visning)


def _meeting_page(request, visning, *, forms: dict | None = None, status: int = 200):
    moede = visning.moede
    familie = visning.familie
    kan_aendre = adgang.may_change_family(request.user, familie)
    context = {"m": visning, "moede": moede, "familie": familie, "kan_aendre": kan_aendre}
    if kan_aendre and not moede.er_bekraeftet:
        beslutning_form, indsats_form = _decision_forms(request, moede)
        context.update(
            {
                "ret_form": MoedeRetForm(
                    prefix="m",
                    initial={
                        "art": moede.art,
                        "tidspunkt": timezone.localtime(moede.tidspunkt),
                        "sted": moede.sted,
                        "dagsorden": moede.dagsorden,
                        "referat": moede.referat,
                        "intern_note": moede.intern_note,
                    },
                ),
                "deltager_form": DeltagerForm(
                    prefix="d",
                    initial={
                        "personer": [d.person_id for d in visning.deltagere if d.person_id],
                        "aktoerer": [d.aktoer_id for d in visning.deltagere if d.aktoer_id],
                    },
                    personer=plan_selectors.members_of(familie),
                    aktoerer=selectors.active_actors_of(familie),
                ),
                "beslutning_form": beslutning_form,
                "indsats_form": indsats_form,
                "bekraeft_form": BekraeftForm(
                    prefix="k",
                    personer=plan_services.representatives_of(familie).order_by("fornavn"),
                ),
            }
        )
    if kan_aendre:
        naeste = moede.naeste_moede
        context["naeste_form"] = NaesteMoedeForm(
            prefix="n",
            initial={
                "tidspunkt": timezone.localtime(naeste.tidspunkt) if naeste else None,
                "sted": naeste.sted if naeste else moede.sted,
                "art": naeste.art if naeste else moede.art,
            },
        )
    context["dokument"] = plan_selectors.meeting_document(moede)
    context.update(forms or {})
    return render(request, "netvaerk/moede.html", context, status=status)


def _rerender(request, pk: int, forms: dict) -> HttpResponse:
    visning = plan_selectors.meeting_view(request.user, pk)
    return _meeting_page(request, visning, forms=forms, status=400)


@login_required
@staff
@require_POST
def moede_ret(request: HttpRequest, pk: int) -> HttpResponse:
    moede = plan_selectors.meeting_for(request.user, pk, action=adgang.CHANGE)
    form = MoedeRetForm(request.POST, prefix="m")
    if form.is_valid():
        try:
            plan_services.moede_ret(acting_user=request.user, moede=moede, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Mødet er gemt."))
            return redirect(_meeting_url(pk))
    return _rerender(request, pk, {"ret_form": form})


@login_required
@staff
@require_POST
def moede_deltagere(request: HttpRequest, pk: int) -> HttpResponse:
    moede = plan_selectors.meeting_for(request.user, pk, action=adgang.CHANGE)
    form = DeltagerForm(
        request.POST,
        prefix="d",
        personer=plan_selectors.members_of(moede.familie),
        aktoerer=selectors.active_actors_of(moede.familie),
    )
    if form.is_valid():
        try:
            plan_services.deltagere_saet(
                acting_user=request.user,
                moede=moede,
                personer=list(form.cleaned_data["personer"]),
                aktoerer=list(form.cleaned_data["aktoerer"]),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Deltagerne er gemt."))
            return redirect(_meeting_url(pk))
    return _rerender(request, pk, {"deltager_form": form})


@login_required
@staff
@require_POST
def beslutning_ny(request: HttpRequest, pk: int) -> HttpResponse:
    moede = plan_selectors.meeting_for(request.user, pk, action=adgang.CHANGE)
    beslutning_form, indsats_form = _decision_forms(request, moede, request.POST)
    som_indsats = bool(request.POST.get("b-som_indsats"))
    valid = beslutning_form.is_valid() & (not som_indsats or indsats_form.is_valid())
    if valid:
        c = beslutning_form.cleaned_data
        try:
            plan_services.beslutning_opret(
                acting_user=request.user,
                moede=moede,
                tekst=c["tekst"],
                aftale=plan_services.AftaleData(hvem=c["hvem"], frist=c["frist"])
                if c["som_aftale"]
                else None,
                indsats=indsats_form.data_object() if som_indsats else None,
                synlig_for_familien=c["synlig_for_familien"],
            )
        except ValidationError as error:
            target = indsats_form if som_indsats and hasattr(error, "error_dict") else None
            if target is not None and set(error.error_dict) <= set(indsats_form.fields):
                add_service_errors(indsats_form, error)
            else:
                add_service_errors(beslutning_form, error)
        except PermissionDenied:
            beslutning_form.add_error(
                None, _("Du kan ikke lægge indsatser i den sektor i familiens plan.")
            )
        else:
            messages.success(request, _("Beslutningen er gemt."))
            return redirect(_meeting_url(pk))
    return _rerender(
        request, pk, {"beslutning_form": beslutning_form, "indsats_form": indsats_form}
    )


@login_required
@staff
@require_POST
def naeste_moede(request: HttpRequest, pk: int) -> HttpResponse:
    moede = plan_selectors.meeting_for(request.user, pk, action=adgang.CHANGE)
    form = NaesteMoedeForm(request.POST, prefix="n")
    if form.is_valid():
        try:
            plan_services.naeste_moede_saet(
                acting_user=request.user, moede=moede, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Næste møde er sat."))
            return redirect(_meeting_url(pk))
    return _rerender(request, pk, {"naeste_form": form})


@login_required
@staff
@require_POST
def moede_bekraeft(request: HttpRequest, pk: int) -> HttpResponse:
    """The case manager records which adult of the family confirmed the agreements."""
    moede = plan_selectors.meeting_for(request.user, pk, action=adgang.CHANGE)
    form = BekraeftForm(
        request.POST, prefix="k", personer=plan_services.representatives_of(moede.familie)
    )
    back = request.POST.get("tilbage") == "skaerm"
    url = reverse("netvaerk:moedetilstand", args=[pk]) if back else _meeting_url(pk)
    if form.is_valid():
        try:
            plan_services.moede_bekraeft(
                acting_user=request.user, moede=moede, person=form.cleaned_data["person"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Aftalerne er bekræftet."))
        return redirect(url)
    messages.error(request, _("Vælg, hvem i familien der bekræfter."))
    return redirect(url)


@login_required
@readers
@require_POST
def moede_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    moede = plan_selectors.meeting_for(request.user, pk)
    dokument = plan_services.referat_pdf_bestil(acting_user=request.user, moede=moede)
    if request.htmx:
        return render(request, "kerne/dokument_status.html", {"dokument": dokument})
    messages.info(request, _("PDF'en dannes nu. Den kan hentes her på siden, når den er klar."))
    return redirect(_meeting_url(pk))


# --- The meeting screen (meeting mode) ----------------------------------------------------------


def _screen_context(request, visning) -> dict:
    familie = visning.familie
    kan_aendre = adgang.may_change_family(request.user, familie)
    return {
        "m": visning,
        "moede": visning.moede,
        "familie": familie,
        "kan_aendre": kan_aendre and not visning.moede.er_bekraeftet,
    }


@login_required
@readers
@never_cache
@require_GET
def moedetilstand(request: HttpRequest, pk: int) -> HttpResponse:
    """Full screen for the meeting room: only what the family may see, large and plain."""
    visning = plan_selectors.meeting_view(request.user, pk, screen=True)
    context = _screen_context(request, visning)
    if context["kan_aendre"]:
        context["aftale_form"] = AftaleSkaermForm(prefix="a")
        context["bekraeft_form"] = BekraeftForm(
            prefix="k",
            personer=plan_services.representatives_of(visning.familie).order_by("fornavn"),
        )
    return render(request, "netvaerk/moedetilstand.html", context)


@login_required
@readers
@never_cache
@require_GET
def moedetilstand_indhold(request: HttpRequest, pk: int) -> HttpResponse:
    """The screen's live part, polled every 2 s with the revision it shows: 204 while nothing
    changed (nothing read, nothing logged), else the new content (a logged read)."""
    moede = plan_selectors.meeting_for(request.user, pk)
    shown = request.GET.get("rev", "")
    if shown.isdigit() and int(shown) == moede.revision:
        return HttpResponse(status=204)
    visning = plan_selectors.meeting_view(request.user, pk, screen=True)
    return render(
        request, "netvaerk/partials/skaerm_indhold.html", _screen_context(request, visning)
    )


@login_required
@staff
@require_POST
def moedetilstand_aftale(request: HttpRequest, pk: int) -> HttpResponse:
    """An agreement typed on the screen: a decision that becomes a stafetlog agreement."""
    moede = plan_selectors.meeting_for(request.user, pk, action=adgang.CHANGE)
    form = AftaleSkaermForm(request.POST, prefix="a")
    if form.is_valid():
        c = form.cleaned_data
        try:
            plan_services.beslutning_opret(
                acting_user=request.user,
                moede=moede,
                tekst=c["hvad"],
                aftale=plan_services.AftaleData(hvem=c["hvem"], frist=c["frist"]),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            form = AftaleSkaermForm(prefix="a")
            if not request.htmx:
                return redirect("netvaerk:moedetilstand", pk=pk)
            response = render(
                request,
                "netvaerk/partials/skaerm_aftale_form.html",
                {"aftale_form": form, "moede": moede, "gemt": True},
            )
            response["HX-Trigger"] = "moede-opdateret"
            return response
    if not request.htmx:
        visning = plan_selectors.meeting_view(request.user, pk, screen=True)
        context = {**_screen_context(request, visning), "aftale_form": form}
        return render(request, "netvaerk/moedetilstand.html", context, status=400)
    # htmx swaps only 2xx answers: the form with its errors arrives as one.
    return render(
        request,
        "netvaerk/partials/skaerm_aftale_form.html",
        {"aftale_form": form, "moede": moede},
    )
