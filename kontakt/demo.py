"""Demo data for the secure messages (seeder order 60): borger1's thread with their contact
person, the case managers' hours, and an absence with a substitute next month.

Idempotent (a family with a thread is left alone) and written straight to the tables like the
other seeders: demo data is no user's action, so it leaves no audit rows or notifications.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from kerne.models import Fravaer, Medarbejder, Person, Projekt, Rolle
from kontakt.models import Besked, Traad

User = get_user_model()

HOURS = "Mandag–torsdag kl. 9–12 og fredag kl. 9–11"
# (hours ago, from the family?, text); the last one is still waiting for an answer.
THREAD = [
    (24 * 20, True, "Hej Karen. Kan vi flytte mødet på torsdag? Jeg skal til lægen med Oliver."),
    (24 * 20 - 3, False, "Hej Bente. Ja, det kan vi godt. Passer mandag kl. 10?"),
    (24 * 6, True, "Jeg har fået et brev fra jobcentret, som jeg ikke forstår. Kan du hjælpe?"),
    (24 * 5, False, "Ja, tag det med på mandag, så kigger vi på det sammen."),
    (5, True, "Oliver har fået en plads i fodboldklubben. Skal jeg give besked til nogen?"),
]


@transaction.atomic
def seed(*, families: int, months: int, seed: int) -> list[str]:
    Medarbejder.objects.filter(
        bruger__projektroller__rolle=Rolle.KOORDINATOR, traeffetid=""
    ).update(traeffetid=HOURS)
    lines: list[str] = []
    borger = User.objects.filter(username="borger1").first()
    person = Person.objects.filter(bruger=borger).first() if borger else None
    familie = person.familier.filter(koordinator__isnull=False).first() if person else None
    if familie is not None and not Traad.objects.filter(familie=familie).exists():
        now = timezone.now()
        traad = Traad.objects.create(familie=familie)
        ubesvaret = None
        rows = []
        for hours_ago, fra_familien, tekst in THREAD:
            sendt = now - datetime.timedelta(hours=hours_ago)
            besked = Besked(
                traad=traad,
                familie=familie,
                afsender=borger if fra_familien else familie.koordinator,
                fra_familien=fra_familien,
                modtager=familie.koordinator if fra_familien else None,
                tekst=tekst,
                sendt=sendt,
                laest=sendt + datetime.timedelta(hours=1) if hours_ago > 5 else None,
            )
            if fra_familien:
                besked.venter_paa_svar = ubesvaret is None
                ubesvaret = ubesvaret or sendt
            else:
                for waiting in rows:
                    if waiting.fra_familien and waiting.venter_paa_svar and not waiting.besvaret:
                        waiting.besvaret, waiting.besvaret_af = sendt, familie.koordinator
                ubesvaret = None
            rows.append(besked)
        Besked.objects.bulk_create(rows)
        traad.ubesvaret_siden = ubesvaret
        traad.seneste_besked = rows[-1].sendt
        traad.save(update_fields=["ubesvaret_siden", "seneste_besked"])
        lines.append(f"kontakt: a thread of {len(rows)} messages for {familie}")
    projekt = Projekt.objects.filter(kode="demo-helhed").first()
    fraevaerende = User.objects.filter(username="koordinator2").first()
    stedfortraeder = User.objects.filter(username="koordinator3").first()
    if projekt and fraevaerende and stedfortraeder:
        start = timezone.localdate() + datetime.timedelta(days=30)
        _fravaer, created = Fravaer.objects.get_or_create(
            projekt=projekt,
            bruger=fraevaerende,
            defaults={
                "stedfortraeder": stedfortraeder,
                "fra": start,
                "til": start + datetime.timedelta(days=13),
                "registreret_af": User.objects.filter(username="projektleder").first()
                or stedfortraeder,
            },
        )
        if created:
            lines.append("kontakt: an absence with a substitute next month")
    return lines
