"""Demo data for the family plan (seeder order 25): plans, versions, follow-ups, stafetlogs.

Deterministic (a random generator seeded per family name) and idempotent (a family that has a
plan is left alone). Written straight to the tables like the kernel's seeder: demo data is not
a user's action, so it leaves no audit rows.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from familieplan import services
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
from kerne import adgang
from kerne.demo import DEMO_PASSWORD
from kerne.models import Familie, Familiemedlemskab, Medarbejder, Projektrolle, Rolle, Sektor

User = get_user_model()

S = Sektor
# (title, sector, kind, hours, legal basis, provider, offer, consequence of absence)
ADULT = [
    (
        "Virksomhedspraktik",
        S.BESKAEFTIGELSE,
        Art.PRAKTIK,
        25,
        "LAB § 42",
        "Netto, Demoby",
        "Praktik i butik med fast kontaktperson.",
        "Udeblivelse kan give sanktion i ydelsen.",
    ),
    (
        "Jobsøgningskursus",
        S.BESKAEFTIGELSE,
        Art.KURSUS,
        10,
        "LAB § 32",
        "Jobcenter Demoby",
        "Kursus i at skrive ansøgninger og gå til samtale.",
        "Udeblivelse kan give sanktion i ydelsen.",
    ),
    (
        "Mentor",
        S.BESKAEFTIGELSE,
        Art.MENTOR,
        2,
        "LAB § 31 b",
        "Mentorkorpset",
        "Fast mentor, der hjælper med at komme i gang.",
        "Mentoren ringer og aftaler en ny tid.",
    ),
    (
        "Genoptræning på sundhedscentret",
        S.SUNDHED,
        Art.FYSISK_TRAENING,
        4,
        "SUL § 140",
        "Sundhedscentret",
        "Holdtræning for ryg og skuldre.",
        "Forløbet kan afsluttes efter tre udeblivelser.",
    ),
    (
        "Motionshold via jobcentret",
        S.BESKAEFTIGELSE,
        Art.FYSISK_TRAENING,
        3,
        "LAB § 32",
        "Jobcenter Demoby",
        "Motion to gange om ugen som del af aktiveringen.",
        "Udeblivelse kan give sanktion i ydelsen.",
    ),
    (
        "Samtaler med psykolog",
        S.SUNDHED,
        Art.PSYKOLOG,
        1,
        "",
        "Psykologhuset",
        "Samtaler om stress og søvn.",
        "Aflys senest dagen før, ellers mistes tiden.",
    ),
    (
        "Bostøtte",
        S.VOKSEN_SOCIAL,
        Art.STOETTE_I_HJEMMET,
        3,
        "SEL § 85",
        "Socialafdelingen",
        "Hjælp til post, økonomi og struktur i hverdagen.",
        "Bostøttemedarbejderen kontakter dig.",
    ),
    (
        "Forældrekursus",
        S.BOERN_FAMILIE,
        Art.FORAELDREKURSUS,
        2,
        "Barnets lov § 32, stk. 1, nr. 3",
        "Familiehuset",
        "Kursus i De utrolige år med andre forældre.",
        "Familierådgiveren tager en snak med dig.",
    ),
    (
        "Familiebehandling",
        S.BOERN_FAMILIE,
        Art.FAMILIEBEHANDLING,
        2,
        "Barnets lov § 32, stk. 1, nr. 3",
        "Familiehuset",
        "Samtaler med hele familien om hverdagen.",
        "Familierådgiveren tager en snak med dig.",
    ),
]
CHILD = [
    (
        "Kontaktperson",
        S.BOERN_FAMILIE,
        Art.MENTOR,
        2,
        "Barnets lov § 32, stk. 1, nr. 6",
        "Familiehuset",
        "En fast voksen at tale med hver uge.",
        "Kontaktpersonen ringer til forælderen.",
    ),
    (
        "Fodbold i den lokale klub",
        S.SKOLE_DAGTILBUD,
        Art.FRITID,
        3,
        "",
        "Demoby IF",
        "Træning to gange om ugen, kontingent betalt.",
        "Ingen, men træneren giver besked.",
    ),
    (
        "Lektiecafé",
        S.SKOLE_DAGTILBUD,
        Art.UDDANNELSE,
        2,
        "",
        "Demoby Skole",
        "Hjælp til lektier efter skole.",
        "Skolen kontakter forælderen.",
    ),
    (
        "Samtaler med skolepsykolog",
        S.SUNDHED,
        Art.PSYKOLOG,
        1,
        "",
        "PPR",
        "Samtaler om trivsel i skolen.",
        "PPR aftaler en ny tid med forælderen.",
    ),
]
GOALS = [
    ("Mette kommer i arbejde", "Et job med mindst 15 timer om ugen."),
    ("Børnene trives i skolen", "Fraværet er under 5 %, og lærerne melder om trivsel."),
    (
        "Familien har en rolig hverdag",
        "Morgener og aftener følger en fast plan, familien selv har lavet.",
    ),
]
ACTORS = [
    ("Mentor", "Mentorkorpset", "Mandag–torsdag 9–15"),
    ("Psykolog", "Psykologhuset", "Tlf. 70 00 00 01"),
    ("Klasselærer", "Demoby Skole", "Via Aula"),
    ("Sundhedsplejerske", "Sundhedsafdelingen", "Tlf. 70 00 00 02"),
]
CADENCES = [Kadence.HVER_14_DAG, Kadence.MAANEDLIG, Kadence.MAANEDLIG, Kadence.KVARTALSVIS]


def seed(*, families: int, months: int, seed: int) -> list[str]:
    today = timezone.localdate()
    fagperson = _fagperson()
    planned = 0
    for familie in (
        Familie.objects.filter(status=Familie.Status.AKTIV, koordinator__isnull=False)
        .select_related("projekt", "koordinator")
        .order_by("pk")
    ):
        if familie.planversioner.exists():
            continue
        rng = random.Random(f"{seed}:{familie.projekt.kode}:{familie.betegnelse}")  # noqa: S311
        with transaction.atomic():
            _seed_family(rng, familie, today, fagperson, index=planned)
        planned += 1
    return [f"{planned} family plans with versions, follow-ups and stafetlogs."]


def _fagperson():
    """A demo professional named in stafetlogs, when the demo users exist."""
    koordinator = User.objects.filter(username="koordinator1").first()
    if koordinator is None:
        return None
    projekt_ids = Projektrolle.objects.filter(bruger=koordinator).values_list(
        "projekt_id", flat=True
    )
    user, _created = User.objects.get_or_create(
        username="fagperson1",
        defaults={
            "first_name": "Maja",
            "last_name": "Mentor",
            "email": "fagperson1@example.invalid",
            "password": make_password(DEMO_PASSWORD),
        },
    )
    Medarbejder.objects.get_or_create(
        bruger=user, defaults={"kommune": koordinator.medarbejder.kommune, "titel": "Mentor"}
    )
    for projekt_id in projekt_ids:
        Projektrolle.objects.get_or_create(
            bruger=user, projekt_id=projekt_id, rolle=Rolle.FAGPERSON
        )
    return user


def _seed_family(rng, familie, today, fagperson, *, index: int) -> None:
    koordinator = familie.koordinator
    sagsdele = adgang.ensure_sagsdele(familie)
    medlemskaber = list(
        Familiemedlemskab.objects.filter(familie=familie, til__isnull=True)
        .select_related("person")
        .order_by("pk")
    )
    adults = [m.person for m in medlemskaber if m.rolle == Familiemedlemskab.Rolle.VOKSEN]
    children = [m.person for m in medlemskaber if m.rolle == Familiemedlemskab.Rolle.BARN]
    start = today - datetime.timedelta(days=rng.randint(120, 300))
    agreed_1 = start + datetime.timedelta(days=14)

    v1 = Planversion.objects.create(familie=familie, nummer=1, oprettet_af=koordinator)
    goals = [
        Maal.objects.create(
            version=v1,
            familie=familie,
            titel=t.replace("Mette", adults[0].fornavn),
            maalopfyldelse=m,
            raekkefoelge=i,
        )
        for i, (t, m) in enumerate(rng.sample(GOALS, 2))
    ]
    count = rng.randint(5, 12)
    candidates = [(row, [p]) for p in adults for row in ADULT] + [
        (row, [c]) for c in children for row in CHILD
    ]
    rng.shuffle(candidates)
    chosen = candidates[:count]
    if index % 3 == 0 and adults:
        # Collisions on purpose: physical training in two sectors at once, and too many hours.
        chosen = [
            (ADULT[3], [adults[0]]),
            (ADULT[4], [adults[0]]),
            (ADULT[0], [adults[0]]),
            (ADULT[1], [adults[0]]),
            *chosen,
        ][: max(count, 5)]
    seen = set()
    for position, (row, persons) in enumerate(chosen):
        titel, sektor, art, timer, lov, leverandoer, tilbud, konsekvens = row
        key = (titel, persons[0].pk)
        if key in seen:
            continue
        seen.add(key)
        begin = start + datetime.timedelta(days=rng.randint(0, 40))
        indsats = Indsats.objects.create(
            version=v1,
            sagsdel=sagsdele[sektor],
            titel=f"{titel} ({persons[0].fornavn})",
            art=art,
            faelles_maal=goals[position % len(goals)],
            maal=f"{persons[0].fornavn} gennemfører forløbet og får det bedre i hverdagen.",
            maalopfyldelse="Fremmøde på mindst 80 %, og den ansvarlige vurderer fremgang.",
            tilbud=tilbud,
            leverandoer=leverandoer,
            startdato=begin,
            slutdato=begin + datetime.timedelta(days=rng.choice([90, 180, 270, 365])),
            timer_pr_uge=Decimal(timer),
            lovgrundlag=lov,
            kadence=rng.choice(CADENCES),
            opfoelgningsform="Samtale med familien og den ansvarlige",
            konsekvens_ved_udeblivelse=konsekvens,
            ansvarlig=f"{leverandoer}, kontaktperson",
            synlig_for_familien=position % 6 != 5,
            raekkefoelge=position,
        )
        indsats.personer.set(persons)
    Sektorplan.objects.create(
        version=v1,
        sagsdel=sagsdele[S.BESKAEFTIGELSE],
        type=Sektorplan.Type.JOBPLAN,
        dato=start,
        ejer="Jobcenter Demoby",
        reference=f"JC-{familie.pk:05d}",
    )
    if children:
        Sektorplan.objects.create(
            version=v1,
            sagsdel=sagsdele[S.BOERN_FAMILIE],
            type=Sektorplan.Type.BARNETS_PLAN,
            dato=start,
            ejer="Familiesektionen",
            reference=f"BF-{familie.pk:05d}",
        )
    _agree(v1, koordinator, agreed_1, adults)

    latest = v1
    if index % 2 == 0:
        # A second agreed version: one activity ended early, one added.
        v2 = Planversion.objects.create(familie=familie, nummer=2, oprettet_af=koordinator)
        services._copy_contents(v1, v2)
        first = v2.indsatser.order_by("raekkefoelge", "pk").first()
        first.slutdato = max(first.startdato, agreed_1 + datetime.timedelta(days=60))
        first.timer_pr_uge = first.timer_pr_uge / 2
        first.save(update_fields=["slutdato", "timer_pr_uge"])
        titel, sektor, art, timer, lov, leverandoer, tilbud, konsekvens = ADULT[2]
        added = Indsats.objects.create(
            version=v2,
            sagsdel=sagsdele[sektor],
            titel=f"{titel} ({adults[0].fornavn})",
            art=art,
            maal="Faste rammer for ugen.",
            maalopfyldelse="Mødes hver uge.",
            tilbud=tilbud,
            leverandoer=leverandoer,
            startdato=agreed_1 + datetime.timedelta(days=70),
            slutdato=agreed_1 + datetime.timedelta(days=250),
            timer_pr_uge=Decimal(timer),
            lovgrundlag=lov,
            kadence=Kadence.MAANEDLIG,
            opfoelgningsform="Samtale med mentor",
            konsekvens_ved_udeblivelse=konsekvens,
            ansvarlig="Mentorkorpset",
            raekkefoelge=99,
        )
        added.personer.set(adults[:1])
        _agree(v2, koordinator, agreed_1 + datetime.timedelta(days=75), adults)
        latest = v2

    # Follow-ups on the running activities, as recorded over the past months.
    for indsats in latest.indsatser.all():
        day = indsats.startdato + datetime.timedelta(days=30)
        while day < min(today, indsats.slutdato) and rng.random() < 0.8:
            Opfoelgning.objects.create(
                indsats=indsats,
                sagsdel_id=indsats.sagsdel_id,
                noegle=indsats.noegle,
                dato=day,
                form="Samtale med familien",
                vurdering=rng.choice(["paa_sporet", "paa_sporet", "delvist", "ikke_paa_sporet"]),
                registreret_af=koordinator,
            )
            day += datetime.timedelta(days=45)
    services.frister_opdater(familie=familie)

    if index % 4 == 1:
        # A draft in progress on top of the agreed plan.
        kladde = Planversion.objects.create(
            familie=familie, nummer=latest.nummer + 1, oprettet_af=koordinator
        )
        services._copy_contents(latest, kladde)

    _stafetlog(rng, familie, today, koordinator, adults, fagperson if index < 3 else None)


def _agree(version, koordinator, day, adults) -> None:
    version.status = Planversion.Status.AFTALT
    version.aftalt_dato = day
    version.aftalt_form = Planversion.Form.MOEDE
    version.aftalt_registreret_af = koordinator
    version.aftalt_registreret = timezone.make_aware(
        datetime.datetime.combine(day, datetime.time(12))
    )
    version.save()
    version.aftalt_med.set(adults)


def _stafetlog(rng, familie, today, koordinator, adults, fagperson) -> None:
    telefon = (
        Medarbejder.objects.filter(bruger=koordinator).values_list("telefon", flat=True).first()
    )
    Aktoer.objects.create(
        familie=familie,
        navn=koordinator.get_full_name(),
        rolle="Koordinerende sagsbehandler",
        organisation="Helhedsindsatsteamet",
        kontakt=telefon or koordinator.email,
        er_stafetholder=True,
    )
    Aktoer.objects.create(
        familie=familie, navn=adults[0].fulde_navn, rolle="Forælder", kontakt="Via kontaktpersonen"
    )
    for rolle, organisation, kontakt in rng.sample(ACTORS, 2):
        Aktoer.objects.create(
            familie=familie,
            navn=f"{rng.choice(['Anne', 'Bo', 'Lise', 'Ole'])} {rolle}",
            rolle=rolle,
            organisation=organisation,
            kontakt=kontakt,
        )
    if fagperson is not None:
        Aktoer.objects.create(
            familie=familie,
            navn=fagperson.get_full_name(),
            rolle="Mentor",
            organisation="Mentorkorpset",
            kontakt=fagperson.email,
            bruger=fagperson,
            maa_laese=True,
            laeseadgang_besluttet_af=adults[0],
        )
    now = timezone.now()
    forrige = Stafetmoede.objects.create(
        familie=familie,
        tidspunkt=now - datetime.timedelta(days=rng.randint(7, 30)),
        sted="Familiens hjem",
    )
    Stafetmoede.objects.create(
        familie=familie,
        tidspunkt=timezone.make_aware(
            datetime.datetime.combine(
                today + datetime.timedelta(days=rng.randint(7, 30)), datetime.time(10)
            )
        ),
        sted="Helhedsindsatsteamet, mødelokale 2",
    )
    for hvad, hvem, dage, status in [
        ("Søge om tilskud til fritidsaktivitet", adults[0].fornavn, 14, Aftale.Status.I_GANG),
        ("Aftale tid hos egen læge", adults[0].fornavn, 21, Aftale.Status.AABEN),
        (
            "Sende referat til alle i stafetloggen",
            koordinator.get_full_name(),
            -3,
            Aftale.Status.UDFOERT,
        ),
    ]:
        Aftale.objects.create(
            familie=familie,
            moede=forrige,
            hvad=hvad,
            hvem=hvem,
            frist=today + datetime.timedelta(days=dage),
            status=status,
        )
