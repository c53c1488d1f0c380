"""Kernel pages: start, project switch, accounts, families, persons, consent, audit log."""

import csv
import secrets

from axes.models import AccessAttempt
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kerne import adgang, audit, health, selectors, services
from kerne.csvfil import FORMULA_PREFIXES
from kerne.forms import (
    AdgangslogFilterForm,
    CprVisForm,
    FamilieSoegForm,
    PersonFletForm,
    SamtykkeForm,
    TilbagekaldForm,
    add_service_errors,
)
from kerne.models import Adgangslog, Dokument, Familie, Person, Rolle, Samtykke, Sektor
from kerne.navigation import FAMILY_LINKS, START_PAGE


@login_required
def start(request: HttpRequest) -> HttpResponse:
    """Send each user to the start page of their highest-priority role."""
    roles = adgang.active_roles(request)
    if not roles:
        return render(request, "kerne/ingen_rolle.html", status=403)
    return redirect(START_PAGE[roles[0]])


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    report = health.check()
    healthy = report["database"] == "ok" and report["broker"] != "down"
    return JsonResponse(report, status=200 if healthy else 503)


@login_required
@require_POST
def project_switch(request: HttpRequest) -> HttpResponse:
    wanted = request.POST.get("projekt", "")
    projekt = next((p for p in adgang.projects_for(request.user) if str(p.pk) == wanted), None)
    if projekt is None:
        messages.error(request, _("Du har ingen rolle i det valgte projekt."))
    else:
        request.session[adgang.ACTIVE_PROJECT_SESSION_KEY] = projekt.pk
    return redirect("start")


@login_required
@adgang.require_role(Rolle.PROJEKTLEDER)
def locked_accounts(request: HttpRequest) -> HttpResponse:
    lockouts = services.lockouts_for_project(projekt=adgang.active_project(request))
    return render(request, "kerne/laaste_konti.html", {"lockouts": lockouts})


@login_required
@adgang.require_role(Rolle.PROJEKTLEDER)
@require_POST
def unlock_account(request: HttpRequest) -> HttpResponse:
    attempt_id = request.POST.get("attempt", "")
    if not attempt_id.isdigit():
        messages.error(request, _("Vælg en låst konto."))
        return redirect("kerne:laaste_konti")
    try:
        username = services.account_unlock(
            acting_user=request.user,
            projekt=adgang.active_project(request),
            attempt_id=int(attempt_id),
        )
    except AccessAttempt.DoesNotExist:
        messages.error(request, _("Kontoen er ikke længere låst."))
    else:
        messages.success(request, _("Kontoen %(username)s er låst op.") % {"username": username})
    return redirect("kerne:laaste_konti")


@login_required
@adgang.require_role(Rolle.PROJEKTLEDER)
def konti(request: HttpRequest) -> HttpResponse:
    """The project's users: reset an authenticator app, revoke an API token."""
    konti = selectors.project_accounts(adgang.active_project(request))
    return render(request, "kerne/konti.html", {"konti": konti})


def _account_action(request: HttpRequest, bruger_id: int, action, done: str) -> HttpResponse:
    try:
        bruger = action(
            acting_user=request.user, projekt=adgang.active_project(request), bruger_id=bruger_id
        )
    except get_user_model().DoesNotExist as missing:
        raise Http404 from missing
    messages.success(request, done % {"username": bruger.username})
    return redirect("kerne:konti")


@login_required
@adgang.require_role(Rolle.PROJEKTLEDER)
@require_POST
def totp_nulstil(request: HttpRequest, bruger_id: int) -> HttpResponse:
    return _account_action(
        request,
        bruger_id,
        services.totp_nulstil,
        _("Godkendelses-appen for %(username)s er nulstillet. Ved næste log ind opsættes en ny."),
    )


@login_required
@adgang.require_role(Rolle.PROJEKTLEDER)
@require_POST
def api_noegle_tilbagekald(request: HttpRequest, bruger_id: int) -> HttpResponse:
    return _account_action(
        request,
        bruger_id,
        services.api_token_tilbagekald_for,
        _("API-nøglen for %(username)s er tilbagekaldt."),
    )


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors: the failure may be in the database they read.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render(), status=500)


# --- Families, persons, consent -----------------------------------------------------------------

# Every role that works with cases; family members and evaluators have their own pages.
STAFF_ROLES = tuple(r for r in Rolle.values if r not in (Rolle.BORGER, Rolle.EVALUATOR))
FAMILIES_PER_PAGE = 25
LOG_ROWS_PER_PAGE = 50
# The session holds a few recent searches with digits, so a CPR number never enters a URL.
HELD_SEARCHES_KEY = "familiesoegninger"
HELD_SEARCHES_KEPT = 5


def _paginate(request: HttpRequest, rows, per_page: int):
    paginator = Paginator(rows, per_page)
    page = paginator.get_page(request.GET.get("side"))
    page_range = paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    return page, list(page_range)


def _hold_search(request: HttpRequest, query: str) -> str:
    token = secrets.token_urlsafe(12)
    held = dict(request.session.get(HELD_SEARCHES_KEY, {}))
    held[token] = query
    request.session[HELD_SEARCHES_KEY] = dict(list(held.items())[-HELD_SEARCHES_KEPT:])
    return token


def _redirect_holding_search(request: HttpRequest, source) -> HttpResponse:
    """Back to the list with the filters in the URL, and a query with digits only as a token."""
    params = QueryDict(mutable=True)
    for name in ("status", "koordinator"):
        if source.get(name):
            params[name] = source[name]
    query = source.get("q", "").strip()
    if query and FamilieSoegForm.must_stay_out_of_urls(query):
        params["soeg"] = _hold_search(request, query)
    elif query:
        params["q"] = query
    return redirect(f"{request.path}?{params.urlencode()}")


@login_required
@adgang.require_role(*STAFF_ROLES)
@never_cache
@require_http_methods(["GET", "POST"])
def familie_liste(request: HttpRequest) -> HttpResponse:
    # app.js posts a query with digits so that it never reaches a URL; without script the
    # GET is redirected at once, so only that first request carries it.
    if request.method == "POST" or FamilieSoegForm.must_stay_out_of_urls(request.GET.get("q", "")):
        return _redirect_holding_search(request, request.POST or request.GET)
    projekt = adgang.active_project(request)
    data = request.GET.copy()
    token = request.GET.get("soeg", "")
    if token:
        data["q"] = request.session.get(HELD_SEARCHES_KEY, {}).get(token, "")
    form = FamilieSoegForm(data, koordinatorer=selectors.case_managers(projekt))
    form.is_valid()
    filters = form.cleaned_data
    koordinator = filters.get("koordinator")
    familier = selectors.family_list(
        request.user,
        projekt=projekt,
        q=filters.get("q", ""),
        status=filters.get("status", ""),
        koordinator_id=koordinator.pk if koordinator else None,
    )
    page, page_range = _paginate(request, familier, FAMILIES_PER_PAGE)
    audit.log_reads(
        user=request.user,
        familie_ids=[familie.pk for familie in page.object_list],
        formaal=audit.Formaal.SAGSBEHANDLING,
    )
    return render(
        request,
        "kerne/familie_liste.html",
        {
            "form": form,
            "page_obj": page,
            "page_range": page_range,
            "expired_search": bool(token) and not data["q"],
        },
    )


@login_required
@adgang.require_role(*STAFF_ROLES)
@never_cache
@require_GET
def familie_detalje(request: HttpRequest, pk: int) -> HttpResponse:
    familie = selectors.family_detail(request.user, pk)
    today = timezone.localdate()
    medlemskaber = list(familie.medlemskaber.all())
    return render(
        request,
        "kerne/familie_detalje.html",
        {
            "familie": familie,
            "medlemmer": [
                {"medlemskab": m, "cpr": selectors.masked_cpr(m.person)}
                for m in medlemskaber
                if m.til is None
            ],
            "tidligere_medlemmer": [m for m in medlemskaber if m.til is not None],
            "sektorer": [(sektor, Sektor(sektor).label) for sektor in familie.synlige_sektorer],
            "afdelingssager": familie.synlige_afdelingssager,
            "familie_links": [
                (item.label, reverse(item.url_name, kwargs={"pk": familie.pk}))
                for item in FAMILY_LINKS
            ],
            "samtykker": [
                {
                    "samtykke": samtykke,
                    "gyldig": samtykke.is_valid_on(today),
                    "udloebet": samtykke.gyldig_til is not None and samtykke.gyldig_til < today,
                }
                for samtykke in familie.samtykker.all()
            ],
            "sektor_choices": Sektor.choices,
            "kan_aendre": adgang.may_change_family(request.user, familie),
        },
    )


def _person_page(request: HttpRequest, person: Person, *, fuldt_cpr: str = "") -> HttpResponse:
    medlemskaber = list(person.medlemskaber.all())
    wanted = request.GET.get("familie", "")
    familie_id = next(
        (m.familie_id for m in medlemskaber if str(m.familie_id) == wanted),
        medlemskaber[0].familie_id if medlemskaber else None,
    )
    return render(
        request,
        "kerne/person_detalje.html",
        {
            "person": person,
            "medlemskaber": medlemskaber,
            "maskeret_cpr": selectors.masked_cpr(person),
            "fuldt_cpr": fuldt_cpr,
            "cpr_familie_id": familie_id,
            "kan_hente_indsigt": adgang.has_role(request, Rolle.PROJEKTLEDER),
        },
    )


@login_required
@adgang.require_role(*STAFF_ROLES)
@never_cache
@require_GET
def person_detalje(request: HttpRequest, pk: int) -> HttpResponse:
    return _person_page(request, selectors.person_detail(request.user, pk))


@login_required
@adgang.require_role(*STAFF_ROLES)
@never_cache
@require_POST
def person_cpr(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the full CPR number once, in this response only: never in a URL or a redirect."""
    form = CprVisForm(request.POST)
    if not form.is_valid():
        raise Http404
    person = selectors.person_detail(request.user, pk)
    familie = adgang.get_visible_or_404(
        request.user, Familie.objects.all(), pk=form.cleaned_data["familie"]
    )
    fuldt_cpr = services.cpr_reveal(acting_user=request.user, person=person, familie=familie)
    return _person_page(request, person, fuldt_cpr=fuldt_cpr)


@login_required
@adgang.require_role(*STAFF_ROLES)
@never_cache
def samtykke_ny(request: HttpRequest, pk: int) -> HttpResponse:
    familie = selectors.family_detail(request.user, pk)
    if not adgang.may_change_family(request.user, familie):
        raise PermissionDenied
    form = SamtykkeForm(
        request.POST or None,
        personer=selectors.current_members(request.user, familie),
        forvaltninger=selectors.departments_of(familie.projekt.kommune),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.samtykke_registrer(
                acting_user=request.user,
                familie=familie,
                person=data["person"],
                sektorer=data["sektorer"],
                modtagere=data["modtagere"],
                formaal=data["formaal"],
                gyldig_fra=data["gyldig_fra"],
                gyldig_til=data["gyldig_til"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Samtykket er registreret."))
            return redirect("kerne:familie_detalje", pk=familie.pk)
    return render(request, "kerne/samtykke_form.html", {"familie": familie, "form": form})


@login_required
@adgang.require_role(*STAFF_ROLES)
@never_cache
def samtykke_tilbagekald(request: HttpRequest, pk: int) -> HttpResponse:
    samtykke = adgang.get_visible_or_404(
        request.user,
        Samtykke.objects.select_related("familie__projekt", "person").prefetch_related("modtagere"),
        pk=pk,
    )
    if not adgang.may_change_family(request.user, samtykke.familie):
        raise PermissionDenied
    if samtykke.tilbagekaldt is not None:
        messages.info(request, _("Samtykket er allerede tilbagekaldt."))
        return redirect("kerne:familie_detalje", pk=samtykke.familie_id)
    form = TilbagekaldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.samtykke_tilbagekald(
                acting_user=request.user, samtykke=samtykke, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Samtykket er tilbagekaldt."))
        return redirect("kerne:familie_detalje", pk=samtykke.familie_id)
    if request.method == "GET":
        # The page shows who gave the consent: a read of the family's data.
        audit.log(
            user=request.user,
            handling=audit.Handling.READ,
            formaal=audit.Formaal.SAGSBEHANDLING,
            familie=samtykke.familie,
            person=samtykke.person_id,
            objekt=samtykke,
        )
    return render(
        request,
        "kerne/samtykke_tilbagekald.html",
        {"samtykke": samtykke, "form": form, "sektor_choices": Sektor.choices},
    )


# --- The audit log and a person's right of access --------------------------------------------


class _Echo:
    """The file-like object csv.writer needs, handing each written line straight back."""

    def write(self, value: str) -> str:
        return value


def _csv_cell(value) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in FORMULA_PREFIXES else text


def _csv_response(filename: str, header: list, rows) -> StreamingHttpResponse:
    """A streamed CSV for Danish Excel: semicolons, and a BOM so it reads UTF-8."""
    writer = csv.writer(_Echo(), delimiter=";")

    def lines():
        yield "\ufeff" + writer.writerow(header)
        for row in rows:
            yield writer.writerow([_csv_cell(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


def _audit_log_rows(request: HttpRequest) -> tuple[AdgangslogFilterForm, object]:
    """The filter form and the rows it selects (none while the filters hold an error)."""
    form = AdgangslogFilterForm(request.GET)
    rows = Adgangslog.objects.none()
    if form.is_valid():
        filters = form.cleaned_data
        bruger_id = None
        if filters["bruger"]:
            bruger_id = selectors.user_id_for_username(filters["bruger"])
            if bruger_id is None:
                form.add_error("bruger", _("Der findes ingen bruger med det brugernavn."))
                return form, rows
        rows = selectors.audit_log_for(
            request.user,
            adgang.active_project(request),
            familie_id=filters["familie"],
            person_id=filters["person"],
            bruger_id=bruger_id,
            fra=filters["fra"],
            til=filters["til"],
        )
    return form, rows


@login_required
@adgang.require_role(Rolle.PROJEKTLEDER, Rolle.DATABESKYTTELSE)
@never_cache
@require_GET
def adgangslog(request: HttpRequest) -> HttpResponse:
    form, rows = _audit_log_rows(request)
    page, page_range = _paginate(request, rows, LOG_ROWS_PER_PAGE)
    return render(
        request,
        "kerne/adgangslog.html",
        {"form": form, "page_obj": page, "page_range": page_range},
    )


@login_required
@adgang.require_role(Rolle.PROJEKTLEDER, Rolle.DATABESKYTTELSE)
@never_cache
@require_GET
def adgangslog_csv(request: HttpRequest) -> HttpResponse:
    form, rows = _audit_log_rows(request)
    if not form.is_valid():
        return adgangslog(request)
    projekt = adgang.active_project(request)
    eksport = audit.log(
        user=request.user,
        handling=audit.Handling.EXPORT,
        formaal=audit.Formaal.TILSYN,
        projekt_id=projekt.pk,
        detaljer={"filters": form.used_filters(), "rows": rows.count()},
    )
    header = [
        _("Tidspunkt"),
        _("Bruger"),
        _("Handling"),
        _("Formål"),
        _("Familie-id"),
        _("Person-id"),
        _("Sektor"),
        _("Objekt"),
        _("IP-adresse"),
    ]
    data = (
        [
            _local(row.tidspunkt),
            row.brugernavn,
            row.get_handling_display(),
            row.get_formaal_display(),
            row.familie_id,
            row.person_id,
            row.get_sektor_display(),
            f"{row.objekt_type} {row.objekt_id}".strip(),
            row.ip,
        ]
        # The export's own row came after the count: it is not part of what was exported.
        for row in rows.exclude(pk=eksport.pk).iterator(chunk_size=2000)
    )
    return _csv_response(f"adgangslog-{timezone.localdate():%Y-%m-%d}.csv", header, data)


@login_required
@adgang.require_role(Rolle.PROJEKTLEDER)
@never_cache
@require_GET
def person_indsigt(request: HttpRequest, pk: int) -> HttpResponse:
    """A citizen's right of access: when and for what purpose their data was used."""
    projekt = adgang.active_project(request)
    person = selectors.person_in_project(request.user, projekt, pk)
    med_medarbejdere = request.GET.get("med_medarbejdere") == "1"
    rows = selectors.accesses_to_person(person)
    eksport = audit.log(
        user=request.user,
        handling=audit.Handling.EXPORT,
        formaal=audit.Formaal.TILSYN,
        person=person,
        objekt=person,
        projekt_id=projekt.pk,
        detaljer={"indsigt": True, "med_medarbejdere": med_medarbejdere, "rows": rows.count()},
    )
    header = [_("Dato og tid"), _("Formål"), _("Handling")]
    if med_medarbejdere:
        header.append(_("Medarbejder"))

    def data():
        for row in rows.exclude(pk=eksport.pk).iterator(chunk_size=2000):
            line = [_local(row.tidspunkt), row.get_formaal_display(), row.get_handling_display()]
            if med_medarbejdere:
                line.append(row.brugernavn)
            yield line

    return _csv_response(f"indsigt-person-{person.pk}.csv", header, data())


# --- Duplicate persons ------------------------------------------------------------------------


def _merge_facts(person: Person) -> dict:
    return {"person": person, "cpr": selectors.masked_cpr(person)}


@login_required
@adgang.require_role(Rolle.PROJEKTLEDER)
@never_cache
@require_GET
def person_dubletter(request: HttpRequest) -> HttpResponse:
    """The project's possible duplicate persons, each pair linking to its merge page."""
    pairs = selectors.duplicate_candidates(request.user, adgang.active_project(request))
    audit.log_reads(
        user=request.user,
        formaal=audit.Formaal.SUPPORT,
        person_ids=sorted({person.pk for pair in pairs for person in pair}),
    )
    return render(
        request,
        "kerne/person_flet_dubletter.html",
        {"par": [(_merge_facts(behold), _merge_facts(dublet)) for behold, dublet in pairs]},
    )


@login_required
@adgang.require_role(Rolle.PROJEKTLEDER)
@never_cache
@require_http_methods(["GET", "POST"])
def person_flet(request: HttpRequest, behold: int, dublet: int) -> HttpResponse:
    """Confirm and merge a duplicate into the person kept; the merge cannot be undone."""
    kept = selectors.person_for_merge(request.user, behold)
    duplicate = selectors.person_for_merge(request.user, dublet)
    form = PersonFletForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_valid():
        try:
            kept = services.person_flet(acting_user=request.user, behold=kept, dublet=duplicate)
        except ValidationError as error:
            add_service_errors(form, error)
            status = 400
        else:
            messages.success(request, _("Personerne er flettet."))
            return redirect("kerne:person_detalje", pk=kept.pk)
    audit.log_reads(
        user=request.user, formaal=audit.Formaal.SUPPORT, person_ids=[kept.pk, duplicate.pk]
    )
    return render(
        request,
        "kerne/person_flet.html",
        {"form": form, "behold": _merge_facts(kept), "dublet": _merge_facts(duplicate)},
        status=status,
    )


# --- Generated documents ----------------------------------------------------------------------


def _readable_document(request: HttpRequest, pk: int) -> Dokument:
    """A document the user may read; 404 for one that is missing or not theirs."""
    from kerne import pdf

    dokument = Dokument.objects.select_related("projekt", "familie").filter(pk=pk).first()
    if dokument is None or not pdf.kind_of(dokument).may_read(request.user, dokument):
        raise Http404
    return dokument


@login_required
@never_cache
@require_GET
def dokument_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The state of a document being built; htmx polls it until the document is ready."""
    dokument = _readable_document(request, pk)
    return render(request, "kerne/dokument_status.html", {"dokument": dokument})


@login_required
@never_cache
@require_GET
def dokument_hent(request: HttpRequest, pk: int) -> HttpResponse:
    dokument = _readable_document(request, pk)
    if dokument.tilstand != Dokument.Tilstand.FAERDIG:
        raise Http404
    audit.log(
        user=request.user,
        handling=audit.Handling.PDF,
        formaal=audit.Formaal.SAGSBEHANDLING if dokument.familie_id else audit.Formaal.RAPPORT,
        familie=dokument.familie,
        projekt_id=dokument.projekt_id,
        objekt=dokument,
        detaljer={"kind": dokument.kind, "downloaded": True},
    )
    return FileResponse(
        dokument.fil.open("rb"),
        as_attachment=True,
        filename=f"{dokument.kind}-{dokument.pk}.pdf",
        content_type="application/pdf",
    )
