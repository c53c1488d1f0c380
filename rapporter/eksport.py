"""The evaluator export (DOMAIN.md §8): pseudonymised monthly data written straight into a zip.

No names, CPR numbers, addresses or free text leave here: every column is listed in
`DICTIONARY`, and each is an id turned into a keyed-hash pseudonym, a code, a number or a date.
Rows are read with `iterator()` and written one by one into the zip entry, so memory stays
flat whatever the number of projects.

Pseudonyms: HMAC-SHA256 over a typed id ("person:<pk>", "familie:<pk>") with the key from the
environment (`EVALUATOR_PSEUDONYM_KEY`), cut to 20 hex characters (80 bits). The same key gives
the same pseudonym every month; another key gives unrelated ones (see docs/rapporter.md on key
rotation). The key never enters the export or the database.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import hmac
import io
import zipfile
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, Q, Sum

from familieplan.models import Indsats, Planversion
from investering import beregning
from investering.models import Omkostningslinje
from kerne.models import Familie, Familiemedlemskab, Forvaltning, Projekt
from rapporter.models import Maanedsrapport, Tilstand
from registrering import rules
from registrering.models import Spoergeskema, Vaerdi
from visitation.models import Forloeb

CHUNK = 5000
PSEUDONYM_LENGTH = 20

# file -> [(column, description)]: the data dictionary, and the only columns written.
DICTIONARY: dict[str, list[tuple[str, str]]] = {
    "personer.csv": [
        ("person", "Personens pseudonym (nøglebaseret hash; stabilt fra måned til måned)."),
        ("familie", "Familiens pseudonym."),
        ("kommune", "Kommunekode (tre cifre)."),
        ("projekt", "Projektkode."),
        ("maaned", "Måneden udtrækket gælder (ÅÅÅÅ-MM)."),
        ("foedselsaar", "Fødselsår (tomt hvis ukendt)."),
        ("koen", "Køn: K, M eller tomt."),
        ("rolle", "Rolle i familien: voksen eller barn."),
    ],
    "registreringer.csv": [
        ("person", "Personens pseudonym."),
        ("familie", "Familiens pseudonym."),
        ("projekt", "Projektkode."),
        ("maaned", "Registreringens måned (ÅÅÅÅ-MM)."),
        ("indikator", "Indikatorens kode (DOMAIN §6.1–6.2, fx trivsel, forsoergelse)."),
        ("gaelder_for", "voksen eller barn."),
        ("vaerdi", "Tal (skala 0–4, timer, procent; ja/nej som 1/0) eller svarkode."),
    ],
    "spoergeskemaer.csv": [
        ("person", "Personens pseudonym."),
        ("familie", "Familiens pseudonym."),
        ("projekt", "Projektkode."),
        ("type", "sdq eller who5."),
        ("version", "Spørgeskemaets version (fx foraelder, who5)."),
        ("maalepunkt", "start, midtvejs, slut eller andet."),
        ("dato", "Besvarelsens dato."),
        ("score", "SDQ: samlede vanskeligheder 0–40; WHO-5: procentscore 0–100; tom = mangler."),
    ],
    "aktiviteter.csv": [
        ("familie", "Familiens pseudonym."),
        ("projekt", "Projektkode."),
        ("maaned", "Måneden (ÅÅÅÅ-MM)."),
        ("sektor", "Sektorkode."),
        ("antal_aktiviteter", "Aktiviteter i den senest aftalte plan, der løber i måneden."),
        ("timer_pr_uge", "Summen af aktiviteternes timer pr. uge."),
    ],
    "omkostninger.csv": [
        ("familie", "Familiens pseudonym."),
        ("projekt", "Projektkode."),
        ("maaned", "Måneden (ÅÅÅÅ-MM)."),
        ("forvaltning", "Den betalende forvaltning."),
        ("sektor", "Sektorkode."),
        ("beloeb", "Månedens omkostning i kr. (to decimaler)."),
    ],
}


def pseudonym_key() -> bytes:
    """The export key, or a clear refusal: an export without it could not be followed over
    months, and a made-up key would silently break the evaluator's time series."""
    key = getattr(settings, "EVALUATOR_PSEUDONYM_KEY", "")
    if not key:
        raise ImproperlyConfigured(
            "EVALUATOR_PSEUDONYM_KEY is not set: the evaluator export needs the municipality's "
            "pseudonym key in the environment (see docs/rapporter.md)."
        )
    return key.encode()


class Pseudonymiser:
    """Keyed-hash pseudonyms, cached per id for the length of one export."""

    def __init__(self, key: bytes) -> None:
        self.key = key
        self.cache: dict[str, str] = {}

    def __call__(self, kind: str, pk: int) -> str:
        text = f"{kind}:{pk}"
        value = self.cache.get(text)
        if value is None:
            value = hmac.new(self.key, text.encode(), hashlib.sha256).hexdigest()[:PSEUDONYM_LENGTH]
            self.cache[text] = value
        return value


def _writer(archive: zipfile.ZipFile, name: str):
    raw = archive.open(name, "w", force_zip64=True)
    text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
    writer = csv.writer(text, delimiter=";")
    writer.writerow([column for column, _d in DICTIONARY[name]])
    return text, writer


def _write(archive: zipfile.ZipFile, name: str, rows: Iterable[list]) -> int:
    text, writer = _writer(archive, name)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    text.close()
    return count


def _number(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        value = value.normalize()
        return f"{value:f}"
    return str(value)


def _families_in_month(projekt_ids: list[int], maaned: datetime.date):
    """Families with a stay covering part of the month (the report's population)."""
    return (
        Forloeb.objects.filter(
            familie__projekt_id__in=projekt_ids, optaget__lte=rules.month_end(maaned)
        )
        .filter(Q(afsluttet__isnull=True) | Q(afsluttet__gte=maaned))
        .values("familie_id")
    )


def _persons(pseudo, codes, projekt_ids, maaned, month_text, counts) -> Iterator[list]:
    rows = (
        Familiemedlemskab.objects.filter(
            familie__in=_families_in_month(projekt_ids, maaned), fra__lte=rules.month_end(maaned)
        )
        .filter(Q(til__isnull=True) | Q(til__gte=maaned))
        .values_list(
            "person_id",
            "familie_id",
            "familie__projekt_id",
            "person__foedselsdato",
            "person__koen",
            "rolle",
        )
        .order_by("familie__projekt_id", "familie_id", "person_id")
        .distinct()
    )
    seen: set[tuple[int, int]] = set()
    for person_id, familie_id, pid, born, koen, rolle in rows.iterator(chunk_size=CHUNK):
        if (person_id, familie_id) in seen:
            continue
        seen.add((person_id, familie_id))
        counts[pid] = counts.get(pid, 0) + 1
        kommune, kode = codes[pid]
        yield [
            pseudo("person", person_id),
            pseudo("familie", familie_id),
            kommune,
            kode,
            month_text,
            born.year if born else "",
            koen,
            rolle,
        ]


def _registrations(pseudo, codes, projekt_ids, maaned, month_text) -> Iterator[list]:
    rows = (
        Vaerdi.objects.filter(
            registrering__maaned=maaned, registrering__familie__projekt_id__in=projekt_ids
        )
        .values_list(
            "registrering__person_id",
            "registrering__familie_id",
            "registrering__familie__projekt_id",
            "indikator__kode",
            "indikator__gaelder_for",
            "indikator__type",
            "tal",
            "tekst",
        )
        .order_by("registrering__familie_id", "registrering__person_id", "indikator_id")
    )
    for person_id, familie_id, pid, kode, gaelder, typ, tal, tekst in rows.iterator(
        chunk_size=CHUNK
    ):
        # Only a choice's answer code is text; any other text is never exported.
        value = tekst if typ == "valg" else _number(tal)
        yield [
            pseudo("person", person_id),
            pseudo("familie", familie_id),
            codes[pid][1],
            month_text,
            kode,
            gaelder,
            value,
        ]


def _questionnaires(pseudo, codes, projekt_ids, maaned) -> Iterator[list]:
    rows = (
        Spoergeskema.objects.filter(
            sagsdel__familie__projekt_id__in=projekt_ids,
            dato__range=(maaned, rules.month_end(maaned)),
        )
        .values_list(
            "person_id",
            "sagsdel__familie_id",
            "sagsdel__familie__projekt_id",
            "type",
            "version",
            "maalepunkt",
            "dato",
            "score",
        )
        .order_by("sagsdel__familie_id", "person_id", "dato", "pk")
    )
    for person_id, familie_id, pid, typ, version, maalepunkt, dato, score in rows.iterator(
        chunk_size=CHUNK
    ):
        yield [
            pseudo("person", person_id),
            pseudo("familie", familie_id),
            codes[pid][1],
            typ,
            version,
            maalepunkt,
            dato.isoformat(),
            "" if score is None else score,
        ]


def _activities(pseudo, codes, projekt_ids, maaned, month_text) -> Iterator[list]:
    """Counts and hours per family and sector in the latest agreed plan: no text at all."""
    latest = (
        Planversion.objects.filter(
            familie_id__in=_families_in_month(projekt_ids, maaned),
            status=Planversion.Status.AFTALT,
        )
        .order_by("familie_id", "-nummer")
        .values_list("familie_id", "pk")
    )
    version_ids = {}
    for familie_id, pk in latest.iterator(chunk_size=CHUNK):
        version_ids.setdefault(familie_id, pk)
    rows = (
        Indsats.objects.filter(
            version_id__in=list(version_ids.values()),
            startdato__lte=rules.month_end(maaned),
            slutdato__gte=maaned,
        )
        .values("sagsdel__familie_id", "sagsdel__familie__projekt_id", "sagsdel__sektor")
        .annotate(antal=Count("pk"), timer=Sum("timer_pr_uge"))
        .order_by("sagsdel__familie_id", "sagsdel__sektor")
    )
    for row in rows.iterator(chunk_size=CHUNK):
        yield [
            pseudo("familie", row["sagsdel__familie_id"]),
            codes[row["sagsdel__familie__projekt_id"]][1],
            month_text,
            row["sagsdel__sektor"],
            row["antal"],
            _number(row["timer"] or Decimal(0)),
        ]


def _costs(pseudo, codes, projekt_ids, maaned, month_text) -> Iterator[list]:
    """The month's costs per family and paying department, from the investment model's one
    statement (prices applied as there), one project at a time."""
    names = dict(Forvaltning.objects.values_list("pk", "navn"))
    as_of = rules.month_end(maaned)
    for pid in projekt_ids:
        figures = beregning.Figures(
            linjer=Omkostningslinje.objects.filter(sagsdel__familie__projekt_id=pid),
            familier=Familie.objects.filter(projekt_id=pid, status__in=beregning.ADMITTED),
            as_of=as_of,
            windows=(beregning.AKTUEL,),
        )
        totals = figures.totals("familie_id", "forvaltning_id", "sektor", "maaned")
        for (_art, familie_id, forvaltning_id, sektor, month), amount in sorted(
            totals.items(), key=lambda item: (item[0][1], item[0][2] or 0, item[0][3])
        ):
            if month != maaned:
                continue
            yield [
                pseudo("familie", familie_id),
                codes[pid][1],
                month_text,
                names.get(forvaltning_id, ""),
                sektor,
                f"{amount.quantize(Decimal('0.01'))}",
            ]


def _dictionary_rows() -> Iterator[list]:
    for name, columns in DICTIONARY.items():
        for column, description in columns:
            yield [name, column, description]


def write_zip(path: str, *, maaned: datetime.date, projekt_ids: list[int]) -> dict:
    """Write the export of one month for these projects to `path`; returns a summary."""
    pseudo = Pseudonymiser(pseudonym_key())
    maaned = rules.month_start(maaned)
    month_text = f"{maaned:%Y-%m}"
    projekter = list(
        Projekt.objects.filter(pk__in=projekt_ids).select_related("kommune").order_by("kode")
    )
    ids = [p.pk for p in projekter]
    codes = {p.pk: (p.kommune.kode, p.kode) for p in projekter}
    counts: dict[int, int] = {}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        _write(archive, "personer.csv", _persons(pseudo, codes, ids, maaned, month_text, counts))
        _write(
            archive,
            "registreringer.csv",
            _registrations(pseudo, codes, ids, maaned, month_text),
        )
        _write(archive, "spoergeskemaer.csv", _questionnaires(pseudo, codes, ids, maaned))
        _write(archive, "aktiviteter.csv", _activities(pseudo, codes, ids, maaned, month_text))
        _write(archive, "omkostninger.csv", _costs(pseudo, codes, ids, maaned, month_text))
        text = io.TextIOWrapper(archive.open("dataordbog.csv", "w"), encoding="utf-8", newline="")
        writer = csv.writer(text, delimiter=";")
        writer.writerow(["fil", "kolonne", "beskrivelse"])
        writer.writerows(_dictionary_rows())
        text.close()
        missing = _add_report_pdfs(archive, projekter, maaned)
        archive.writestr(
            "LAESMIG.txt",
            "Pseudonymiseret udtræk til evaluator, måned "
            f"{month_text}. Projekter: {', '.join(p.kode for p in projekter)}.\n"
            "Se dataordbog.csv for kolonnerne. Ingen navne, CPR-numre, adresser eller fritekst.\n"
            + (
                "Statusrapport mangler (ikke dannet endnu) for: " + ", ".join(missing) + "\n"
                if missing
                else ""
            ),
        )
    return {
        "maaned": month_text,
        "projekt_ids": ids,
        "personer": sum(counts.values()),
        "personer_pr_projekt": counts,
        "mangler_rapport": missing,
    }


def _add_report_pdfs(archive, projekter, maaned) -> list[str]:
    """The current status report's PDF of each project, when it has been built."""
    reports = {
        r.projekt_id: r
        for r in Maanedsrapport.objects.filter(
            projekt__in=projekter, maaned=maaned, aktuel=True, tilstand=Tilstand.FAERDIG
        ).select_related("dokument")
    }
    missing = []
    for projekt in projekter:
        report = reports.get(projekt.pk)
        dokument = report.dokument if report else None
        if dokument is None or not dokument.fil:
            missing.append(projekt.kode)
            continue
        with (
            dokument.fil.open("rb") as source,
            archive.open(f"statusrapport-{projekt.kode}-{maaned:%Y-%m}.pdf", "w") as target,
        ):
            while chunk := source.read(1 << 16):
                target.write(chunk)
    return missing
