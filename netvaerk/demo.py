"""Demo data for the family's network (seeder order 35, after plans and registrations).

A catalogue of 20 partners with offers and mentors per demo municipality; a meeting history
per family (the stafetlog's past meeting gets agenda, minutes, participants and decisions, an
earlier stormøde confirmed by a parent); links from activities and from the leisure
indicators to partners. Idempotent: a family with decisions and a municipality with partners
are left as they are.
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from familieplan.models import (
    Aftale,
    Aktoer,
    Art,
    Beslutning,
    Indsats,
    Moededeltager,
    Planversion,
    Stafetmoede,
)
from kerne import adgang
from kerne.models import Familie, Familiemedlemskab, Kommune, Sektor
from netvaerk.models import (
    Fritidstilknytning,
    Indsatspartner,
    Mentor,
    Partner,
    Samarbejdsaftale,
    Tilbud,
)
from registrering.models import Vaerdi
from registrering.rules import YES

F, V, FR, OF = (
    Partner.Art.FORENING,
    Partner.Art.VIRKSOMHED,
    Partner.Art.FRIVILLIG,
    Partner.Art.OFFENTLIG,
)
FA, FJ, ME, NE, JO = (
    Tilbud.Art.FRITIDSAKTIVITET,
    Tilbud.Art.FRITIDSJOB,
    Tilbud.Art.MENTOR,
    Tilbud.Art.NETVAERK,
    Tilbud.Art.JOB,
)
# (name, kind, contact person, offers: (title, kind, age from, age to))
CATALOGUE = [
    ("Demoby Boldklub", F, "Jens Træner", [("Fodbold for 8–12-årige", FA, 8, 12)]),
    ("Demoby Svømmeklub", F, "Lone Hansen", [("Svømning for børn", FA, 6, 14)]),
    ("Demoby Håndbold", F, "Per Nielsen", [("Håndbold for 10–16-årige", FA, 10, 16)]),
    ("Spejderne i Demoby", F, "Karin Spejder", [("Spejder for 7–17-årige", FA, 7, 17)]),
    ("Demoby Musikskole", OF, "Anne Musik", [("Instrumentundervisning", FA, 8, 18)]),
    ("Ungdomsklubben Demoby", OF, "Ali Klub", [("Klubaften for 13–17-årige", FA, 13, 17)]),
    ("Demoby Kampsport", F, "Sara Lee", [("Judo for 6–15-årige", FA, 6, 15)]),
    ("Demoby Rideklub", F, "Mette Hest", [("Ridning og staldarbejde", FA, 9, 17)]),
    ("Netto Demoby", V, "Butikschef Lars", [("Fritidsjob i butik for 15+", FJ, 15, 17)]),
    ("Brugsen Demoby", V, "Uddeler Eva", [("Fritidsjob: varer på hylder", FJ, 15, 17)]),
    ("Demoby Bageri", V, "Bager Jan", [("Fritidsjob i bageriet", FJ, 14, 17)]),
    ("Demoby Avisbud", V, "Kirsten Distribution", [("Avisrute for 13+", FJ, 13, 17)]),
    ("Demoby Byggemarked", V, "Ole Byg", [("Løntimer og praktik for voksne", JO, 18, None)]),
    ("Demoby Plejecenter", OF, "Hanne Pleje", [("Frivilligt job og praktik", JO, 18, None)]),
    (
        "Røde Kors Demoby",
        FR,
        "Birgit Frivillig",
        [("Lektiecafé", NE, 6, 16), ("Mentor", ME, 12, None)],
    ),
    ("Frivilligcentret", FR, "Tom Center", [("Frivillig mentor for voksne", ME, 18, None)]),
    ("Mødrehjælpen", FR, "Sofie Hjælp", [("Netværksgruppe for forældre", NE, 18, None)]),
    ("Foreningen Nydansker", FR, "Amir Mentor", [("Jobmentor", ME, 18, None)]),
    ("Kirkens Korshær", FR, "Poul Kors", [("Familiecafé", NE, None, None)]),
    ("Demoby Bibliotek", OF, "Line Bog", [("Lektiehjælp og læseklub", FA, 7, 15)]),
]
MENTOR_NAMES = ["Ole Olsen", "Fatima Ali", "Hans Jensen", "Birthe Berg", "Kim Larsen"]
AGENDA = "\n".join(
    [
        "Velkommen og runde",
        "Siden sidst",
        "Skole og daginstitution",
        "Arbejde og økonomi",
        "Fritid",
        "Aftaler og næste møde",
    ]
)


def seed(*, families: int, months: int, seed: int) -> list[str]:
    rng = random.Random(f"{seed}:netvaerk")  # noqa: S311
    partnere = 0
    for kommune in Kommune.objects.filter(projekter__familier__isnull=False).distinct():
        partnere += _catalogue(rng, kommune)
    histories = links = leisure = 0
    for familie in (
        Familie.objects.filter(status=Familie.Status.AKTIV, koordinator__isnull=False)
        .select_related("projekt", "koordinator")
        .order_by("pk")
    ):
        if Beslutning.objects.filter(familie=familie).exists():
            continue
        with transaction.atomic():
            histories += _meetings(rng, familie)
            links += _activity_links(familie)
            leisure += _leisure(familie)
    return [
        f"{partnere} partners with offers; meeting histories for {histories} families, "
        f"{links} activity links and {leisure} leisure links to partners."
    ]


def _catalogue(rng, kommune) -> int:
    if Partner.objects.filter(kommune=kommune).exists():
        return 0
    today = timezone.localdate()
    for navn, art, kontakt, tilbud in CATALOGUE:
        partner = Partner.objects.create(
            kommune=kommune,
            navn=navn,
            art=art,
            kontaktperson=kontakt,
            telefon=f"70 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
            email=f"kontakt@{navn.lower().replace(' ', '-').replace('ø', 'oe')}.example",
        )
        Samarbejdsaftale.objects.create(
            partner=partner,
            titel="Samarbejdsaftale om Helhedsindsatsen",
            gyldig_fra=today.replace(month=1, day=1),
            gyldig_til=today.replace(month=12, day=31),
        )
        for titel, tilbudsart, fra, til in tilbud:
            Tilbud.objects.create(
                partner=partner, titel=titel, art=tilbudsart, alder_fra=fra, alder_til=til
            )
        if art == FR:
            for index in range(2):
                Mentor.objects.create(
                    partner=partner,
                    navn=rng.choice(MENTOR_NAMES),
                    kontakt=f"Tlf. 40 {rng.randint(10, 99)} {rng.randint(10, 99)} 0{index}",
                    uddannet=index == 0,
                )
    return len(CATALOGUE)


def _meetings(rng, familie) -> int:
    now = timezone.now()
    moeder = list(Stafetmoede.objects.filter(familie=familie).order_by("tidspunkt"))
    held = [m for m in moeder if m.tidspunkt < now]
    coming = [m for m in moeder if m.tidspunkt >= now]
    if not held:
        return 0
    koordinator = familie.koordinator
    adults = [
        m.person
        for m in Familiemedlemskab.objects.filter(
            familie=familie, til__isnull=True, rolle=Familiemedlemskab.Rolle.VOKSEN
        ).select_related("person")
    ]
    aktoerer = list(Aktoer.objects.filter(familie=familie, ophoert__isnull=True))
    # An earlier stormøde with every professional, confirmed by a parent.
    stormoede = Stafetmoede.objects.create(
        familie=familie,
        art=Stafetmoede.Art.STORMOEDE,
        tidspunkt=held[0].tidspunkt - datetime.timedelta(days=rng.randint(60, 90)),
        sted="Rådhuset, mødelokale 1",
        dagsorden=AGENDA,
        referat=(
            "Alle fagpersoner omkring familien var samlet. Familien fortalte, hvad der fylder, "
            "og vi blev enige om, hvem der gør hvad."
        ),
        intern_note="Skolen har tidligere givet udtryk for bekymring.",
        naeste_moede=held[0],
    )
    Beslutning.objects.create(
        moede=stormoede,
        familie=familie,
        tekst="Familien får én kontaktperson, som samler planerne",
        oprettet_af=koordinator,
    )
    # The stafetlog's last meeting: minutes, participants, and its agreements as decisions.
    last = held[-1]
    last.art = (
        Stafetmoede.Art.STAFETLOGMOEDE if rng.random() < 0.5 else Stafetmoede.Art.NETVAERKSMOEDE
    )
    last.dagsorden = AGENDA
    last.referat = "Vi gennemgik aftalerne fra sidste møde og lavede nye."
    last.naeste_moede = coming[0] if coming else None
    last.save(update_fields=["art", "dagsorden", "referat", "naeste_moede"])
    Beslutning.objects.bulk_create(
        Beslutning(moede=last, familie=familie, tekst=a.hvad, aftale=a, oprettet_af=koordinator)
        for a in Aftale.objects.filter(moede=last)
    )
    deltagere = []
    for moede in (stormoede, last):
        deltagere += [Moededeltager(moede=moede, familie=familie, person=p) for p in adults]
        deltagere += [Moededeltager(moede=moede, familie=familie, aktoer=a) for a in aktoerer]
    Moededeltager.objects.bulk_create(deltagere)
    if adults:
        confirmed = [stormoede]
        # borger1 and every third family leave the last meeting for the family to confirm.
        if adults[0].bruger_id is None and familie.pk % 3:
            confirmed.append(last)
        for moede in confirmed:
            moede.bekraeftet_af = adults[0]
            moede.bekraeftet = moede.tidspunkt + datetime.timedelta(hours=1)
            moede.bekraeftelse_registreret_af = koordinator
            moede.save(update_fields=["bekraeftet_af", "bekraeftet", "bekraeftelse_registreret_af"])
    return 1


PARTNER_FOR_ART = {
    Art.FRITID: "Demoby Boldklub",
    Art.PRAKTIK: "Demoby Byggemarked",
    Art.MENTOR: "Frivilligcentret",
    Art.FYSISK_TRAENING: "Demoby Svømmeklub",
}


def _activity_links(familie) -> int:
    partnere = {p.navn: p for p in Partner.objects.filter(kommune_id=familie.projekt.kommune_id)}
    rows = []
    for indsats in Indsats.objects.filter(
        version__familie=familie,
        version__status=Planversion.Status.AFTALT,
        art__in=list(PARTNER_FOR_ART),
    ).select_related("sagsdel"):
        partner = partnere.get(PARTNER_FOR_ART[indsats.art])
        if partner is not None:
            rows.append(
                Indsatspartner(
                    sagsdel=indsats.sagsdel,
                    noegle=indsats.noegle,
                    partner=partner,
                    oprettet_af=familie.koordinator,
                )
            )
    Indsatspartner.objects.bulk_create(rows, ignore_conflicts=True)
    return len({r.noegle for r in rows})


def _leisure(familie) -> int:
    """Children registered with a leisure activity (or job) in their latest month get a link
    to a club (or a shop) of the catalogue."""
    tilbud = {
        t.partner.navn: t
        for t in Tilbud.objects.filter(
            partner__kommune_id=familie.projekt.kommune_id
        ).select_related("partner")
    }
    club, shop = tilbud.get("Demoby Boldklub"), tilbud.get("Netto Demoby")
    if club is None or shop is None:
        return 0
    sagsdele = adgang.ensure_sagsdele(familie)
    seen: set[tuple[int, str]] = set()
    rows = []
    for vaerdi in (
        Vaerdi.objects.filter(
            registrering__familie=familie,
            indikator__kode__in=["fritidsaktivitet", "fritidsjob"],
            tal=YES,
        )
        .select_related("registrering", "indikator")
        .order_by("registrering__person_id", "-registrering__maaned")
    ):
        kode = vaerdi.indikator.kode
        key = (vaerdi.registrering.person_id, kode)
        if key in seen:
            continue
        seen.add(key)
        offer = club if kode == "fritidsaktivitet" else shop
        rows.append(
            Fritidstilknytning(
                sagsdel=sagsdele[
                    Sektor.BOERN_FAMILIE if kode == "fritidsaktivitet" else Sektor.BESKAEFTIGELSE
                ],
                person_id=vaerdi.registrering.person_id,
                art=kode,
                partner=offer.partner,
                tilbud=offer,
                fra=vaerdi.registrering.maaned - datetime.timedelta(days=90),
                oprettet_af=familie.koordinator,
            )
        )
    Fritidstilknytning.objects.bulk_create(rows)
    return len(rows)
