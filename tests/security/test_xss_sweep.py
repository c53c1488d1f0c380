"""Stored XSS sweep (ASVS V5.3.3, issue 10 §3): a script payload in every free-text field of
every model of our apps is inert on every page, fragment, PDF, e-mail and API answer.

The world is the demo data (every app seeds it), then every free-text field of every row is
overwritten with a payload naming the field. The fields are found by introspection, so a new
field is swept without anyone remembering to add it; the only fields left out are listed in
NOT_FREE_TEXT with the reason. Each demo user then crawls every link and htmx fragment it can
reach, and every answer is checked: the payload may appear only escaped.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.db import models, transaction
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from pypdf import PdfReader
from rest_framework.test import APIClient

from kerne import pdf
from kerne import services as kerne_services
from kerne.models import Dokument
from tests.factories import user_with_role
from tests.test_permission_matrix import MATRIX

# The module's tests share one poisoned world (see `poisoned`); the mark makes pytest-django set
# up the test database and wrap each test in a savepoint of its own.
pytestmark = pytest.mark.django_db

OUR_APPS = (
    "kerne",
    "visitation",
    "familieplan",
    "registrering",
    "investering",
    "netvaerk",
    "kontakt",
    "rapporter",
)

# CharFields that hold no text a person writes: codes, keys and values the system sets or a
# validator restricts to harmless characters. Everything else is swept.
NOT_FREE_TEXT = {
    "kerne.Kommune.kode": "three-digit municipality code, validated",
    "kerne.Projekt.kode": "slug (letters, digits, hyphens)",
    "kerne.OidcIdentitet.issuer": "the identity provider's URL from a signed ID token; unshown",
    "kerne.OidcIdentitet.subject": "the provider's opaque id from a signed ID token; unshown",
    "kerne.Person.cpr_cipher": "a Fernet token of ten validated digits, never shown",
    "kerne.Person.cpr_hash": "a keyed hash (hex) for lookup, never shown",
    "kerne.Person.postnummer": "four digits, validated",
    "kerne.Adgangslog.brugernavn": "append-only (a trigger refuses UPDATE); Django usernames",
    "kerne.Adgangslog.objekt_type": "append-only; the model label, set by the code",
    "kerne.Adgangslog.objekt_id": "append-only; a primary key, set by the code",
    "kerne.Adgangslog.request_id": "append-only; a UUID, set by the middleware",
    "kerne.Dokument.kind": "a registered document kind, set by the code",
    "kerne.Dokument.noegle": "the document's cache key, set by the code",
    "kerne.Notifikation.url": "a reverse()d path, set by the code",
    "kerne.Notifikation.noegle": "the notification's dedup key, set by the code",
    "familieplan.Statusskift.objekt_type": "a model name, set by the code",
    "familieplan.Statusskift.fra": "a status value from a declared transition table",
    "familieplan.Statusskift.til": "a status value from a declared transition table",
    "registrering.Indikator.kode": "slug; the code looks indicators up by it",
    "registrering.Spoergeskema.version": "questionnaire version key from scoring.py",
    "registrering.SdqItemtekst.version": "questionnaire version key from scoring.py",
    "registrering.SdqItemtekst.punkt": "SDQ item number, seeded from the instrument",
    "kontakt.Vedhaeftning.mimetype": "one of three types, found from the file's content",
    "rapporter.Maanedsrapport.opgave": "a Celery task id, set by the code",
}

# Raw forms that would run in a browser. Escaped output shows them as &lt;script&gt; etc.
ACTIVE = re.compile(r"<script>alert\(\d+\)|<img src=x onerror=alert\(\d+\)|<u>\d+")


def payload(number: int, max_length: int | None) -> str | None:
    """The longest payload that fits the column, tagged with the field's number."""
    for candidate in (
        f'<script>alert({number})</script>"><img src=x onerror=alert({number})>',
        f'"><img src=x onerror=alert({number})>',
        f"<script>alert({number})</script>",
        f'"<u>{number}',
    ):
        if max_length is None or len(candidate) <= max_length:
            return candidate
    return None


def free_text_fields() -> list[tuple[type[models.Model], models.Field]]:
    found = []
    for label in OUR_APPS:
        for model in apps.get_app_config(label).get_models():
            for field in model._meta.concrete_fields:
                if not isinstance(field, (models.CharField, models.TextField)) or field.choices:
                    continue
                if f"{model._meta.label}.{field.name}" not in NOT_FREE_TEXT:
                    found.append((model, field))
    return found


def _unique(model: type[models.Model], field: models.Field) -> bool:
    if field.unique:
        return True
    together = [set(group) for group in model._meta.unique_together]
    together += [
        set(constraint.fields)
        for constraint in model._meta.constraints
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields
    ]
    return any(field.name in group for group in together)


def poison() -> dict[int, str]:
    """Overwrite every free-text field of every row; returns field number → field label."""
    labels = {}
    empty = []
    for number, (model, field) in enumerate(free_text_fields(), start=1):
        label = f"{model._meta.label}.{field.name}"
        text = payload(number, field.max_length)
        assert text, f"{label} is too short for any payload: add it to NOT_FREE_TEXT"
        labels[number] = label
        rows = model._base_manager.all()
        if not rows.exists():
            empty.append(model._meta.label)
            continue
        if _unique(model, field):
            for pk in rows.values_list("pk", flat=True):
                suffix = f"#{pk}"
                model._base_manager.filter(pk=pk).update(
                    **{field.name: text[: (field.max_length or 10**6) - len(suffix)] + suffix}
                )
        else:
            rows.update(**{field.name: text})
    missing = sorted(set(empty))
    assert not missing, (
        f"the demo data has no rows of {missing}: seed them (the app's demo.py) so the "
        "sweep covers their free text"
    )
    return labels


class _ActiveContent(HTMLParser):
    """Finds elements a browser would run: scripts and event-handler attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self._in_script = True
        for name, value in attrs:
            if name.startswith("on") and "alert(" in (value or ""):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}={value!r}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and "alert(" in data:
            self.found.append(f"<script>{data[:60]}")


def active_content(html: str) -> list[str]:
    parser = _ActiveContent()
    parser.feed(html)
    return [m.group(0) for m in ACTIVE.finditer(html)] + parser.found


# The payload as a page shows it when escaped (the field's number in it).
SHOWN = re.compile(r"alert\((\d+)\)|&lt;u&gt;(\d+)")
# Pages of the matrix no link leads to (reached by a form or a typed address); see their rows.
NOT_LINKED = {
    "start",  # only redirects to the user's own start page, which is crawled
    "kerne:dokument_hent",  # a PDF: test_every_kind_of_pdf_shows_the_payload_only_as_text
    "rapporter:udtraek_hent",  # a zip of CSV files for the evaluator, no HTML
    "rapporter:udtraek_liste",  # the export list's poll, linked only while one is queued
    "kontakt:portal",  # a citizen in one family is sent straight on to the thread (crawled)
    "kerne:person_flet",  # linked only from a pair of found duplicates
    "registrering:genaabn",  # linked only from a locked month
    # The sign-in steps show no stored text: the code and set-up pages exist only between the
    # password and the code, and the OpenID pages answer 404 while their client is off.
    "login_kode",
    "totp_opsaet",
    "oidc_login",
    "oidc_callback",
    "mitid_login",
    "mitid_callback",
}
# Fields the pages must show, so the sweep cannot pass by showing nothing.
MUST_BE_SHOWN = {
    "kerne.Projekt.navn",
    "kerne.Familie.betegnelse",
    "kerne.Person.fornavn",
    "kerne.Samtykke.formaal",
    "visitation.Indstilling.begrundelse",
    "familieplan.Indsats.titel",
    "familieplan.Indsats.tilbud",
    "familieplan.Stafetmoede.referat",
    "registrering.Risiko.beskrivelse",
    "investering.Omkostningstype.navn",
    "netvaerk.Partner.navn",
    "netvaerk.Partner.email",
    "kontakt.Besked.tekst",
    "kontakt.Vedhaeftning.filnavn",
}
LINK = re.compile(r'\b(?:href|hx-get)="([^"]+)"')
SKIP = ("/static/", "/media/", "/admin/", "/api/docs", "/api/schema", "/accounts/logout")
PER_URL_NAME = 3  # distinct URLs of one pattern each user visits: the pattern, not the data
MAX_REQUESTS = 4000


def crawl(client: Client, start: str, seen_names: Counter, problems: list, shown: set) -> int:
    queue = [(start, False)]
    visited: set[str] = set()
    per_name: Counter = Counter()
    requests = 0
    while queue and requests < MAX_REQUESTS:
        url, fragment = queue.pop(0)
        path = url.split("#")[0]
        if not path.startswith("/") or path.startswith("//") or path in visited:
            continue
        if path.startswith(SKIP):
            continue
        try:
            name = resolve(urlsplit(path).path).view_name
        except Resolver404:
            problems.append(f"link to an unknown URL: {path}")
            continue
        if per_name[name] >= PER_URL_NAME:
            continue
        visited.add(path)
        per_name[name] += 1
        headers = {"HTTP_HX_REQUEST": "true"} if fragment else {}
        # A poll carries the revision it shows and gets 204 while nothing changed: ask
        # without it, as a first poll does, to get the content.
        response = client.get(path.split("?")[0] if fragment else path, **headers)
        requests += 1
        if response.status_code >= 500:
            problems.append(f"{path}: HTTP {response.status_code}")
            continue
        if response.status_code in (301, 302) and "Location" in response:
            queue.append((response["Location"], False))
            continue
        if response.status_code != 200:
            continue
        seen_names[name] += 1
        content_type = response.get("Content-Type", "")
        if "text/html" not in content_type:
            continue
        html = response.content.decode()
        for found in active_content(html):
            problems.append(f"{path}: active payload {found!r}")
        shown.update(int(a or b) for a, b in SHOWN.findall(html))
        for match in LINK.finditer(html):
            target = match.group(1).replace("&amp;", "&")
            queue.append((target, match.group(0).startswith("hx-get")))
    return requests


def complete_world() -> None:
    """Rows the demo data does not make, so every model with free text has one, and one
    ordered document of every PDF kind (built by the PDF test, after the poisoning)."""
    import datetime

    from django.core.files.base import ContentFile

    from familieplan import services as plan_services
    from familieplan.models import Maal, Maalopfoelgning, Opfoelgning, Planversion, Stafetmoede
    from familieplan.models import Statusskift as PlanStatusskift
    from kerne.models import (
        EksplicitAdgang,
        Familie,
        Forvaltning,
        Hjemmel,
        Notifikationsvalg,
        Projektrolle,
        Rolle,
        Sektor,
    )
    from kontakt.models import Besked, Vedhaeftning
    from rapporter import services as rapport_services
    from rapporter.models import Maanedsrapport, Udtraek
    from registrering.models import Indlaesning, Maanedsaabning, SdqItemtekst
    from visitation import services as visitation_services
    from visitation.models import Visitationsmoede

    users = {u.username: u for u in get_user_model().objects.all()}
    leder = users["projektleder"]
    # The demo has no data protection officer; the sweep crawls as one too.
    user_with_role(Rolle.DATABESKYTTELSE, leder.projektroller.first().projekt)
    today = datetime.date.today()
    familie = Familie.objects.filter(koordinator__isnull=False, status="aktiv").order_by("pk")[0]
    koordinator = familie.koordinator
    maal = Maal.objects.filter(version__familie__projekt=familie.projekt).order_by("pk")[0]
    Maalopfoelgning.objects.create(
        maal=maal,
        familie=maal.version.familie,
        noegle=maal.noegle,
        dato=today,
        form="Samtale",
        vurdering=Opfoelgning.Vurdering.choices[0][0],
        registreret_af=koordinator,
    )
    PlanStatusskift.objects.create(
        familie=familie, objekt_type="indsats", objekt_id=1, fra="a", til="b", bruger=koordinator
    )
    modtager = Forvaltning.objects.filter(kommune=familie.projekt.kommune).order_by("pk")[0]
    Hjemmel.objects.create(
        familie=familie,
        sektor=Sektor.SUNDHED,
        modtager=modtager,
        paragraf="SEL § 49 b",
        gyldig_fra=today,
        registreret_af=leder,
    )
    EksplicitAdgang.objects.create(
        familie=familie,
        bruger=users["jobcenter"],
        tilladelse=EksplicitAdgang.Tilladelse.choices[0][0],
        begrundelse="Sagsbehandling",
        gyldig_til=today + datetime.timedelta(days=30),
        givet_af=leder,
    )
    Notifikationsvalg.objects.update_or_create(bruger=koordinator, defaults={"mobil": "12345678"})
    besked = Besked.objects.order_by("pk")[0]
    vedhaeftning = Vedhaeftning(
        besked=besked, familie=besked.familie, filnavn="a.pdf", mimetype="application/pdf"
    )
    vedhaeftning.stoerrelse = 9
    vedhaeftning.fil.save("a.pdf", ContentFile(b"%PDF-1.7\n"), save=False)
    vedhaeftning.save()
    Udtraek.objects.create(maaned=today.replace(day=1), projekt=familie.projekt, bestilt_af=leder)
    Indlaesning.objects.create(projekt=familie.projekt, filnavn="fravaer.csv", oprettet_af=leder)
    Maanedsaabning.objects.create(
        familie=familie,
        maaned=today.replace(day=1),
        aaben_til=today,
        begrundelse="Rettelse",
        aabnet_af=leder,
    )
    SdqItemtekst.objects.create(
        kommune=familie.projekt.kommune, version="foraelder", punkt="1", tekst="Hensynsfuld"
    )
    # One ordered document of every kind.
    version = Planversion.objects.filter(familie=familie, status="aftalt").order_by("pk").last()
    version = version or Planversion.objects.filter(status="aftalt").order_by("pk")[0]
    plan_owner = version.familie.koordinator
    for familiens_kopi in (False, True):
        plan_services.plan_pdf_bestil(
            acting_user=plan_owner, version=version, familiens_kopi=familiens_kopi
        )
    stafetmoede = Stafetmoede.objects.order_by("pk")[0]
    plan_services.referat_pdf_bestil(acting_user=stafetmoede.familie.koordinator, moede=stafetmoede)
    visitationsmoede = Visitationsmoede.objects.order_by("pk")[0]
    visitation_services.referat_pdf_bestil(
        acting_user=Projektrolle.objects.filter(
            projekt=visitationsmoede.projekt, rolle=Rolle.PROJEKTLEDER
        )[0].bruger,
        moede=visitationsmoede,
    )
    # The demo's report was ordered on commit, which this transaction never reaches: build it
    # (which orders its PDF).
    report = Maanedsrapport.objects.order_by("pk")[0]
    assert rapport_services.rapport_byg(report_id=report.pk)


@pytest.fixture(scope="module")
def poisoned(django_db_setup, django_db_blocker):
    """The demo world with every free-text field poisoned, rolled back after the module."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("seed_demo", families=4, months=2, allow_demo_users=True, verbosity=0)
            complete_world()
            labels = poison()
            yield labels
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def within(poisoned, django_db_blocker):
    """Each test runs in a savepoint of the module's transaction."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield poisoned
        transaction.set_rollback(True)


def test_every_free_text_field_is_swept_or_declared_not_free_text():
    labels = {f"{m._meta.label}.{f.name}" for m, f in free_text_fields()}
    # The declared exceptions must exist, or a renamed field would escape the sweep silently.
    every = {
        f"{m._meta.label}.{f.name}"
        for app in OUR_APPS
        for m in apps.get_app_config(app).get_models()
        for f in m._meta.concrete_fields
    }
    assert set(NOT_FREE_TEXT) <= every, set(NOT_FREE_TEXT) - every
    assert len(labels) > 80


def test_the_payload_is_inert_on_every_page_and_fragment(within):
    labels = within
    problems: list[str] = []
    seen_names: Counter = Counter()
    shown: set[int] = set()
    requests = 0
    for user in get_user_model().objects.filter(is_active=True).order_by("username"):
        client = Client()
        client.force_login(user)
        requests += crawl(client, "/", seen_names, problems, shown)
    assert not problems, "\n".join(problems[:50])
    # The sweep must have reached the pages: every HTML page of the permission matrix.
    pages = {row.url_name for row in MATRIX if not row.api and row.method == "get"}
    unreached = sorted(pages - set(seen_names) - NOT_LINKED)
    assert not unreached, f"pages the crawl never reached with a 200: {unreached}"
    # And the poisoned text was shown: the fields people read on the pages.
    never_shown = sorted(labels[n] for n in set(labels) - shown)
    assert not set(never_shown) & MUST_BE_SHOWN, sorted(set(never_shown) & MUST_BE_SHOWN)
    assert len(shown) >= 0.8 * len(labels), f"{requests} requests; never shown: {never_shown}"


def _pdf_text(content: bytes) -> str:
    return "".join((page.extract_text() or "") for page in PdfReader(io.BytesIO(content)).pages)


# PDF objects that would make a reader run or open something.
PDF_ACTIVE = (b"/JavaScript", b"/JS ", b"/JS(", b"/Launch", b"/EmbeddedFile", b"/SubmitForm")


def test_every_kind_of_pdf_shows_the_payload_only_as_text(
    within, django_capture_on_commit_callbacks
):
    kinds = set(pdf._KINDS) - {"test-familie", "test-broken"}
    documents = {}
    for kind in sorted(kinds):
        dokument = Dokument.objects.filter(kind=kind).order_by("pk").first()
        assert dokument is not None, f"the demo data orders no PDF of kind {kind!r}"
        documents[kind] = dokument
    problems = []
    for kind, dokument in documents.items():
        Dokument.objects.filter(pk=dokument.pk).update(tilstand=Dokument.Tilstand.VENTENDE)
        kerne_services.dokument_byg(dokument_id=dokument.pk)
        dokument.refresh_from_db()
        if dokument.tilstand != Dokument.Tilstand.FAERDIG:
            problems.append(f"{kind}: not built ({dokument.fejl})")
            continue
        with dokument.fil.open("rb") as handle:
            content = handle.read()
        problems += [f"{kind}: {marker!r} in the PDF" for marker in PDF_ACTIVE if marker in content]
        if "alert(" not in "".join(_pdf_text(content).split()):
            problems.append(f"{kind}: no poisoned text in the PDF, so nothing was proved")
    assert not problems, problems


def test_api_answers_are_json_with_nosniff(within):
    from django.urls import get_resolver

    names = sorted(
        name
        for name in get_resolver().reverse_dict
        if isinstance(name, str) and name.endswith("-list")
    )
    client = APIClient()
    problems = []
    checked = 0
    for username in ("projektleder", "koordinator1", "jobcenter", "borger1"):
        client.force_authenticate(get_user_model().objects.get(username=username))
        for name in {row.url_name for row in MATRIX if row.api and not row.kwargs}:
            response = client.get(reverse(name))
            if response.status_code >= 500:
                problems.append(f"{username} {name}: HTTP {response.status_code}")
            if response.status_code != 200:
                continue
            checked += 1
            if not response["Content-Type"].startswith("application/json"):
                problems.append(f"{username} {name}: {response['Content-Type']}")
            if response.get("X-Content-Type-Options") != "nosniff":
                problems.append(f"{username} {name}: no nosniff")
    assert not problems, problems
    assert checked > 20, names


def test_e_mails_carry_the_payload_only_as_plain_text(within, django_capture_on_commit_callbacks):
    from kerne import notifikationer
    from kerne.models import Notifikation
    from rapporter import services as rapport_services
    from rapporter.models import Maanedsrapport

    mail.outbox.clear()
    for notifikation_id in Notifikation.objects.values_list("pk", flat=True)[:50]:
        notifikationer.lever(notifikation_id=notifikation_id)
    report = Maanedsrapport.objects.filter(tilstand="faerdig").order_by("pk").first()
    assert report is not None
    with django_capture_on_commit_callbacks(execute=True):
        rapport_services.rapport_bestil(
            projekt=report.projekt,
            maaned=report.maaned,
            udloeser=Maanedsrapport.Udloeser.KOMMANDO,
            ny_revision=True,
        )
    assert mail.outbox
    for message in mail.outbox:
        assert message.content_subtype == "plain", message.subject
        assert not getattr(message, "alternatives", None), message.subject
        assert "\n" not in message.subject
    assert any("alert(" in message.body for message in mail.outbox), "no poisoned text mailed"
