"""Pages of the visitation: thin; parse, call a selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kerne import adgang, audit
from kerne import selectors as kerne_selectors
from kerne.forms import add_service_errors
from kerne.models import Familie, Rolle
from kerne.views import STAFF_ROLES
from visitation import regler, selectors, services
from visitation.forms import (
    BeslutningForm,
    FamilieValgForm,
    FlytForm,
    IndstillingFilterForm,
    IndstillingForm,
    MoedeAfslutForm,
    MoedeForm,
    PersonFormSet,
    TildelForm,
    TilfoejForm,
    UdredningForm,
    UdslusForm,
)
from visitation.models import Forloeb

PER_PAGE = 25
LEDER = Rolle.PROJEKTLEDER
BOARD_ROLES = (Rolle.PROJEKTLEDER, Rolle.AFDELINGSLEDER)
REFERRER_ROLES = (Rolle.PROJEKTLEDER, Rolle.SAGSBEHANDLER)


def _paginate(request: HttpRequest, rows, per_page: int = PER_PAGE):
    paginator = Paginator(rows, per_page)
    page = paginator.get_page(request.GET.get("side"))
    return page, list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))


def _project(request: HttpRequest):
    projekt = adgang.active_project(request)
    if projekt is None:
        raise PermissionDenied
    return projekt


def _int_or_404(value: str) -> int:
    if not value or not value.isdigit() or len(value) > 18:
        raise Http404
    return int(value)


# --- The board overview ----------------------------------------------------------------------


@login_required
@adgang.require_role(*BOARD_ROLES)
@never_cache
@require_GET
def oversigt(request: HttpRequest) -> HttpResponse:
    projekt = _project(request)
    data = selectors.board_overview(request.user, projekt)
    return render(request, "visitation/oversigt.html", {**data, "projekt": projekt})


# --- Referrals ---------------------------------------------------------------------------------


@login_required
@adgang.require_role(*REFERRER_ROLES, Rolle.AFDELINGSLEDER)
@never_cache
@require_GET
def indstilling_liste(request: HttpRequest) -> HttpResponse:
    projekt = _project(request)
    form = IndstillingFilterForm(request.GET)
    form.is_valid()
    filters = getattr(form, "cleaned_data", {})
    rows = selectors.referrals_for(
        request.user, projekt, status=filters.get("status", ""), mine=filters.get("mine", False)
    )
    page, page_range = _paginate(request, rows)
    audit.log_reads(
        user=request.user,
        formaal=audit.Formaal.VISITATION,
        familie_ids=sorted({i.familie_id for i in page.object_list}),
    )
    return render(
        request,
        "visitation/indstilling_liste.html",
        {
            "form": form,
            "page_obj": page,
            "page_range": page_range,
            "kan_indstille": adgang.has_role(request, *REFERRER_ROLES),
        },
    )


def _personer(formset) -> list[services.PersonData]:
    return [
        services.PersonData(
            cpr=form.cleaned_data.get("cpr", ""),
            fornavn=form.cleaned_data["fornavn"],
            efternavn=form.cleaned_data["efternavn"],
            rolle=form.cleaned_data["rolle"],
            relation=form.cleaned_data["relation"],
            foraeldremyndighed=form.cleaned_data.get("foraeldremyndighed", False),
        )
        for form in formset.forms
        if form.has_changed() and form.cleaned_data
    ]


def _data(form: IndstillingForm) -> services.IndstillingData:
    cleaned = form.cleaned_data
    return services.IndstillingData(
        begrundelse=cleaned.get("begrundelse", ""),
        kriterier=form.kriterier(),
        samtykke_givet_af=cleaned.get("samtykke_givet_af"),
        samtykke_dato=cleaned.get("samtykke_dato"),
        samtykke_form=cleaned.get("samtykke_form", ""),
    )


def _without_consent(form: IndstillingForm) -> IndstillingForm:
    for name in ("samtykke_givet_af", "samtykke_dato", "samtykke_form"):
        form.fields.pop(name, None)
    return form


@login_required
@adgang.require_role(*REFERRER_ROLES)
@never_cache
@require_http_methods(["GET", "POST"])
def indstilling_ny(request: HttpRequest) -> HttpResponse:
    """Step 1: the family (existing, or new with its persons), the reason and the criteria."""
    projekt = _project(request)
    post = request.POST if request.method == "POST" else None
    valg = FamilieValgForm(post, familier=selectors.referable_families(request.user, projekt))
    personer = PersonFormSet(post, prefix="person")
    form = _without_consent(IndstillingForm(post))
    if post is not None:
        familie = valg.cleaned_data.get("familie") if valg.is_valid() else None
        personer_ok = familie is not None or personer.is_valid()
        if valg.is_valid() and personer_ok and form.is_valid():
            try:
                if familie is not None:
                    indstilling = services.indstilling_opret(
                        acting_user=request.user, familie=familie, data=_data(form)
                    )
                else:
                    indstilling = services.indstilling_opret_ny_familie(
                        acting_user=request.user,
                        projekt=projekt,
                        betegnelse=valg.cleaned_data["betegnelse"],
                        personer=_personer(personer),
                        data=_data(form),
                    )
            except ValidationError as error:
                _service_errors(error, valg=valg, form=form, personer=personer)
            else:
                messages.success(
                    request,
                    _("Kladden er gemt. Registrér familiens samtykke, og indsend indstillingen."),
                )
                return redirect("visitation:indstilling_rediger", pk=indstilling.pk)
    return render(
        request,
        "visitation/indstilling_ny.html",
        {"valg": valg, "personer": personer, "form": form},
    )


def _service_errors(error: ValidationError, *, valg, form, personer) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, field_messages in error.message_dict.items():
        if field in valg.fields:
            valg.add_error(field, field_messages)
        elif field == "personer":
            personer._non_form_errors = personer.error_class(field_messages)
        elif field in form.fields:
            form.add_error(field, field_messages)
        else:
            form.add_error(None, field_messages)


@login_required
@adgang.require_role(*STAFF_ROLES)
@never_cache
@require_GET
def indstilling_detalje(request: HttpRequest, pk: int) -> HttpResponse:
    indstilling = selectors.referral_detail(request.user, pk)
    svar = {felt: getattr(indstilling, felt) for felt in regler.KRITERIE_FELTER}
    return render(
        request,
        "visitation/indstilling_detalje.html",
        {
            "indstilling": indstilling,
            "kriterier": [
                {
                    "spoergsmaal": question,
                    "svar": svar[felt],
                    "note": getattr(indstilling, f"{felt}_note"),
                }
                for felt, question in regler.KRITERIER
            ],
            "medlemmer": [
                {"medlemskab": m, "cpr": kerne_selectors.masked_cpr(m.person)}
                for m in indstilling.familie.medlemskaber.all()
            ],
            "kan_redigere": indstilling.er_kladde
            and services.may_edit_referral(request.user, indstilling),
        },
    )


@login_required
@adgang.require_role(*REFERRER_ROLES)
@never_cache
@require_http_methods(["GET", "POST"])
def indstilling_rediger(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 2: complete the draft (consent) and save it, or save and submit it."""
    indstilling = selectors.referral_detail(request.user, pk)
    if not services.may_edit_referral(request.user, indstilling):
        raise PermissionDenied
    if not indstilling.er_kladde:
        messages.info(request, _("Indstillingen er indsendt og kan ikke længere ændres."))
        return redirect("visitation:indstilling_detalje", pk=indstilling.pk)
    post = request.POST if request.method == "POST" else None
    form = IndstillingForm(
        post, voksne=selectors.adult_members(indstilling.familie), indstilling=indstilling
    )
    if post is not None and form.is_valid():
        try:
            with transaction.atomic():
                services.indstilling_opdater(
                    acting_user=request.user, indstilling=indstilling, data=_data(form)
                )
                if "indsend" in request.POST:
                    services.indstilling_indsend(acting_user=request.user, indstilling=indstilling)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if "indsend" in request.POST:
                messages.success(request, _("Indstillingen er indsendt til visitationsudvalget."))
            else:
                messages.success(request, _("Kladden er gemt."))
            return redirect("visitation:indstilling_detalje", pk=indstilling.pk)
    return render(
        request, "visitation/indstilling_rediger.html", {"indstilling": indstilling, "form": form}
    )


# --- Meetings ----------------------------------------------------------------------------------


@login_required
@adgang.require_role(*BOARD_ROLES)
@never_cache
@require_GET
def moede_liste(request: HttpRequest) -> HttpResponse:
    projekt = _project(request)
    page, page_range = _paginate(request, selectors.meetings_for(request.user, projekt))
    return render(
        request,
        "visitation/moede_liste.html",
        {
            "page_obj": page,
            "page_range": page_range,
            "kan_planlaegge": adgang.has_role(request, LEDER),
            "today": timezone.localdate(),
        },
    )


@login_required
@adgang.require_role(LEDER)
@never_cache
@require_http_methods(["GET", "POST"])
def moede_ny(request: HttpRequest) -> HttpResponse:
    projekt = _project(request)
    kandidater = services.board_candidates(projekt).order_by("first_name", "last_name")
    form = MoedeForm(
        request.POST if request.method == "POST" else None,
        kandidater=kandidater,
        initial={"medlemmer": list(kandidater), "dato": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            moede = services.moede_opret(
                acting_user=request.user,
                projekt=projekt,
                dato=form.cleaned_data["dato"],
                tidspunkt=form.cleaned_data["tidspunkt"],
                sted=form.cleaned_data["sted"],
                medlemmer=form.cleaned_data["medlemmer"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Mødet er oprettet."))
            return redirect("visitation:moede_detalje", pk=moede.pk)
    return render(request, "visitation/moede_ny.html", {"form": form})


def _meeting_context(request: HttpRequest, pk: int, *, bound: tuple | None = None) -> dict:
    projekt = _project(request)
    moede, rows = selectors.meeting_detail(request.user, projekt, pk)
    today = timezone.localdate()
    is_member = services.is_board_member(request.user, moede)
    kan_beslutte = is_member and moede.afsluttet is None and moede.dato <= today
    for row in rows:
        if bound and bound[0] == row.punkt.pk:
            row.form = bound[1]
        elif kan_beslutte and not row.punkt.beslutning and row.synlig:
            row.form = BeslutningForm(prefix=f"punkt{row.punkt.pk}")
        else:
            row.form = None
    leder = adgang.has_role(request, LEDER)
    return {
        "moede": moede,
        "punkter": rows,
        "kan_beslutte": kan_beslutte,
        "er_leder": leder,
        "aaben": moede.afsluttet is None,
        "fremtidigt": moede.dato > today,
        "tilfoej_form": TilfoejForm(
            indstillinger=selectors.agenda_candidates(request.user, projekt)
        )
        if leder and moede.afsluttet is None
        else None,
        "afslut_form": MoedeAfslutForm(initial={"referat": moede.referat})
        if leder and moede.afsluttet is None
        else None,
    }


@login_required
@adgang.require_role(*BOARD_ROLES)
@never_cache
@require_GET
def moede_detalje(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "visitation/moede_detalje.html", _meeting_context(request, pk))


@login_required
@adgang.require_role(LEDER)
@require_POST
def moede_tilfoej(request: HttpRequest, pk: int) -> HttpResponse:
    projekt = _project(request)
    moede = selectors.meetings_for(request.user, projekt).filter(pk=pk).first()
    if moede is None:
        raise Http404
    form = TilfoejForm(
        request.POST, indstillinger=selectors.agenda_candidates(request.user, projekt)
    )
    if not form.is_valid():
        messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
        return redirect("visitation:moede_detalje", pk=moede.pk)
    try:
        services.punkt_tilfoej(
            acting_user=request.user, moede=moede, indstilling=form.cleaned_data["indstilling"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Indstillingen er sat på dagsordenen."))
    return redirect("visitation:moede_detalje", pk=moede.pk)


@login_required
@adgang.require_role(LEDER)
@require_POST
def punkt_flyt(request: HttpRequest, pk: int) -> HttpResponse:
    punkt = selectors.item_for(request.user, pk, projekt=_project(request))
    form = FlytForm(request.POST)
    if form.is_valid():
        try:
            services.punkt_flyt(
                acting_user=request.user, punkt=punkt, retning=form.cleaned_data["retning"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Vælg op eller ned."))
    return redirect("visitation:moede_detalje", pk=punkt.moede_id)


@login_required
@adgang.require_role(LEDER)
@require_POST
def punkt_fjern(request: HttpRequest, pk: int) -> HttpResponse:
    punkt = selectors.item_for(request.user, pk, projekt=_project(request))
    try:
        services.punkt_fjern(acting_user=request.user, punkt=punkt)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Punktet er taget af dagsordenen."))
    return redirect("visitation:moede_detalje", pk=punkt.moede_id)


@login_required
@adgang.require_role(*BOARD_ROLES)
@never_cache
@require_POST
def punkt_beslut(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a decision; with htmx only the item is answered and swapped in place."""
    punkt = selectors.item_for(request.user, pk, projekt=_project(request))
    form = BeslutningForm(request.POST, prefix=f"punkt{punkt.pk}")
    ok = False
    if form.is_valid():
        try:
            services.beslutning_registrer(
                acting_user=request.user,
                punkt=punkt,
                beslutning=form.cleaned_data["beslutning"],
                begrundelse=form.cleaned_data["begrundelse"],
            )
            ok = True
        except ValidationError as error:
            add_service_errors(form, error)
    if ok and not request.htmx:
        messages.success(request, _("Beslutningen er registreret."))
        return redirect("visitation:moede_detalje", pk=punkt.moede_id)
    context = _meeting_context(request, punkt.moede_id, bound=None if ok else (punkt.pk, form))
    if request.htmx:
        row = next(r for r in context["punkter"] if r.punkt.pk == punkt.pk)
        return render(
            request,
            "visitation/_punkt.html",
            {**context, "row": row, "besked": _("Beslutningen er registreret.") if ok else ""},
        )
    return render(request, "visitation/moede_detalje.html", context)


@login_required
@adgang.require_role(LEDER)
@require_POST
def moede_afslut(request: HttpRequest, pk: int) -> HttpResponse:
    projekt = _project(request)
    moede = selectors.meetings_for(request.user, projekt).filter(pk=pk).first()
    if moede is None:
        raise Http404
    form = MoedeAfslutForm(request.POST)
    if form.is_valid():
        try:
            services.moede_afslut(
                acting_user=request.user, moede=moede, referat=form.cleaned_data["referat"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Mødet er afsluttet, og referatet er gemt."))
            return redirect("visitation:referat", pk=moede.pk)
    else:
        messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
    return redirect("visitation:moede_detalje", pk=moede.pk)


@login_required
@adgang.require_role(*BOARD_ROLES)
@never_cache
@require_GET
def referat(request: HttpRequest, pk: int) -> HttpResponse:
    projekt = _project(request)
    moede, rows = selectors.meeting_detail(request.user, projekt, pk)
    return render(
        request,
        "visitation/referat.html",
        {"moede": moede, "punkter": rows, "dokument": _minutes_document(request, moede)},
    )


def _minutes_document(request: HttpRequest, moede):
    """The minutes' PDF for the project leader: the document, "" when not ordered, else None."""
    from visitation import pdf

    if not adgang.has_role(request, LEDER):
        return None
    return pdf.existing(moede) or ""


# --- Capacity, waiting list, assignment ------------------------------------------------------


@login_required
@adgang.require_role(LEDER)
@never_cache
@require_GET
def kapacitet(request: HttpRequest) -> HttpResponse:
    projekt = _project(request)
    today = timezone.localdate()
    venteliste = list(selectors.waiting_list(request.user, projekt)[:200])
    afventer = list(selectors.awaiting_assignment(request.user, projekt)[:200])
    audit.log_reads(
        user=request.user,
        formaal=audit.Formaal.VISITATION,
        familie_ids=[f.pk for f in venteliste + afventer],
    )
    aktive = selectors.active_total(projekt)
    return render(
        request,
        "visitation/kapacitet.html",
        {
            "projekt": projekt,
            "raekker": selectors.capacity(projekt),
            "aktive": aktive,
            "maal": projekt.maal_antal_familier,
            "mangler": max(projekt.maal_antal_familier - aktive, 0),
            "venteliste": [
                {
                    "familie": f,
                    "dage": regler.waiting_days(siden=timezone.localdate(f.indstillet), today=today)
                    if f.indstillet
                    else None,
                }
                for f in venteliste
            ],
            "afventer": afventer,
        },
    )


@login_required
@adgang.require_role(LEDER)
@never_cache
@require_http_methods(["GET", "POST"])
def tildel(request: HttpRequest, pk: int) -> HttpResponse:
    familie = selectors.family_for_visitation(request.user, pk)
    if familie.status not in (Familie.Status.OPTAGET, Familie.Status.AKTIV):
        messages.error(
            request, _("Kun optagne og aktive familier kan få en koordinerende sagsbehandler.")
        )
        return redirect("visitation:forloeb", pk=familie.pk)
    raekker = selectors.capacity(familie.projekt)
    belastning = {r.koordinator.pk: r.belastning for r in raekker}
    form = TildelForm(
        request.POST if request.method == "POST" else None,
        koordinatorer=kerne_selectors.case_managers(familie.projekt),
        belastning=belastning,
    )
    over = False
    if request.method == "POST" and form.is_valid():
        try:
            tildeling = services.koordinator_tildel(
                acting_user=request.user,
                familie=familie,
                koordinator=form.cleaned_data["koordinator"],
                bekraeft_over_kapacitet=form.cleaned_data["bekraeft_over_kapacitet"],
                begrundelse=form.cleaned_data["begrundelse"],
            )
        except ValidationError as error:
            over = "bekraeft_over_kapacitet" in getattr(error, "error_dict", {})
            add_service_errors(form, error)
        else:
            navn = tildeling.koordinator.get_full_name() or tildeling.koordinator.username
            if tildeling.over_kapacitet:
                messages.warning(
                    request,
                    _("%(navn)s er tildelt familien ud over kapaciteten.") % {"navn": navn},
                )
            else:
                messages.success(request, _("%(navn)s er tildelt familien.") % {"navn": navn})
            return redirect("visitation:forloeb", pk=familie.pk)
    return render(
        request,
        "visitation/tildel.html",
        {"familie": familie, "form": form, "raekker": raekker, "over": over},
    )


@login_required
@adgang.require_role(LEDER)
@require_POST
def venteliste_optag(request: HttpRequest, pk: int) -> HttpResponse:
    familie = selectors.family_for_visitation(request.user, pk)
    try:
        services.venteliste_optag(acting_user=request.user, familie=familie)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("visitation:kapacitet")
    messages.success(
        request,
        _("%(familie)s er optaget fra ventelisten. Tildel en koordinerende sagsbehandler.")
        % {"familie": familie.betegnelse},
    )
    return redirect("visitation:tildel", pk=familie.pk)


# --- Assessment deadlines, discharge, timeline -----------------------------------------------


@login_required
@adgang.require_role(LEDER, Rolle.KOORDINATOR)
@never_cache
@require_GET
def frister(request: HttpRequest) -> HttpResponse:
    projekt = _project(request)
    page, page_range = _paginate(request, selectors.deadlines(request.user, projekt))
    audit.log_reads(
        user=request.user,
        formaal=audit.Formaal.SAGSBEHANDLING,
        familie_ids=[f.familie_id for f in page.object_list],
    )
    return render(
        request,
        "visitation/frister.html",
        {
            "page_obj": page,
            "page_range": page_range,
            "raekker": selectors.with_deadline_state(page.object_list, timezone.localdate()),
            "form": UdredningForm(),
        },
    )


@login_required
@adgang.require_role(LEDER, Rolle.KOORDINATOR)
@require_POST
def udredning(request: HttpRequest, pk: int) -> HttpResponse:
    familie = selectors.family_for_visitation(request.user, pk)
    form = UdredningForm(request.POST)
    if form.is_valid():
        try:
            services.udredning_afslut(
                acting_user=request.user, familie=familie, dato=form.cleaned_data["dato"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Udredningen for %(familie)s er registreret som afsluttet.")
                % {"familie": familie.betegnelse},
            )
    else:
        messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
    return redirect("visitation:frister")


@login_required
@adgang.require_role(LEDER, Rolle.KOORDINATOR)
@never_cache
@require_http_methods(["GET", "POST"])
def udslus(request: HttpRequest, pk: int) -> HttpResponse:
    familie = selectors.family_for_visitation(request.user, pk)
    if not services.may_discharge(request.user, familie):
        raise PermissionDenied
    if familie.status != Familie.Status.AKTIV:
        messages.error(request, _("Kun en aktiv familie kan sluses ud."))
        return redirect("visitation:forloeb", pk=familie.pk)
    form = UdslusForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.udslus(
                acting_user=request.user,
                familie=familie,
                aarsag=data["aarsag"],
                aarsag_tekst=data["aarsag_tekst"],
                dato=data["dato"],
                overdragelsesnote=data["overdragelsesnote"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Familien er sluset ud. Teamet har nu kun læseadgang."))
            return redirect("visitation:forloeb", pk=familie.pk)
    return render(request, "visitation/udslus.html", {"familie": familie, "form": form})


@login_required
@adgang.require_role(*STAFF_ROLES)
@never_cache
@require_GET
def forloeb(request: HttpRequest, pk: int) -> HttpResponse:
    data = selectors.timeline(request.user, pk)
    familie = data["familie"]
    leder = adgang.has_role(request, LEDER)
    aktiv = familie.status == Familie.Status.AKTIV
    return render(
        request,
        "visitation/forloeb.html",
        {
            **data,
            "kan_tildele": leder
            and familie.status in (Familie.Status.OPTAGET, Familie.Status.AKTIV),
            "kan_udsluse": aktiv and services.may_discharge(request.user, familie),
            "aarsager": dict(Forloeb.Aarsag.choices),
        },
    )


@login_required
@adgang.require_role(LEDER)
@require_POST
def referat_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Order the minutes as a PDF; the page then shows its progress and the download link."""
    projekt = _project(request)
    moede = selectors.meetings_for(request.user, projekt).filter(pk=pk).first()
    if moede is None:
        raise Http404
    services.referat_pdf_bestil(acting_user=request.user, moede=moede)
    messages.success(request, _("Referatet dannes som PDF."))
    return redirect("visitation:referat", pk=moede.pk)
