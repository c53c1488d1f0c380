"""The response-time figure against a hand-computed example."""

import datetime

import pytest
from django.utils import timezone

from kerne.models import Rolle
from kontakt import selectors, svartid
from kontakt.models import Besked, Traad
from tests.factories import user_with_role
from tests.kontakt.factories import family_with_citizen

NOW = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=datetime.UTC)


def _at(hours_before: float) -> datetime.datetime:
    return NOW - datetime.timedelta(hours=hours_before)


def test_median_per_case_manager_by_hand():
    # Anne (1): waits of 2 h, 4 h and 9 h → median 4.0.
    # Bo (2): waits of 1 h and 3.5 h answered, one still waiting → median 2.25 → 2.2 shown
    #   (rounded to one decimal), 2 answered, 1 waiting.
    # Cai (3): only one still waiting → no median.
    rows = [
        (1, _at(50), _at(48)),
        (1, _at(30), _at(26)),
        (1, _at(20), _at(11)),
        (2, _at(10), _at(9)),
        (2, _at(8), _at(4.5)),
        (2, _at(3), None),
        (3, _at(2), None),
    ]
    assert svartid.per_case_manager(rows) == [
        svartid.Svartid(bruger_id=1, median_timer=4.0, besvarede=3, ubesvarede=0),
        svartid.Svartid(bruger_id=2, median_timer=2.2, besvarede=2, ubesvarede=1),
        svartid.Svartid(bruger_id=3, median_timer=None, besvarede=0, ubesvarede=1),
    ]


@pytest.mark.django_db
def test_response_times_count_the_last_30_days_per_receiving_case_manager(projekt):
    s = family_with_citizen(projekt)
    vikar = user_with_role(Rolle.KOORDINATOR, projekt)
    traad = Traad.objects.create(familie=s.familie)

    def wait(modtager, sent_hours_before, answered_hours_before=None, starts=True):
        Besked.objects.create(
            traad=traad,
            familie=s.familie,
            afsender=s.borger,
            fra_familien=True,
            modtager=modtager,
            tekst="x",
            sendt=_at(sent_hours_before),
            venter_paa_svar=starts,
            besvaret=_at(answered_hours_before) if answered_hours_before is not None else None,
        )

    wait(s.koordinator, 100, 94)  # 6 h
    wait(s.koordinator, 60, 58)  # 2 h
    wait(s.koordinator, 59, 58, starts=False)  # a second message in the same wait: not counted
    wait(s.koordinator, 24 * 31, 24 * 31 - 1)  # outside the window
    wait(vikar, 10, 7)  # 3 h, answered by the substitute it was routed to
    wait(vikar, 1)  # still waiting
    other_project = family_with_citizen(
        user_with_role(Rolle.KOORDINATOR).projektroller.get().projekt
    )
    Besked.objects.create(
        traad=Traad.objects.create(familie=other_project.familie),
        familie=other_project.familie,
        afsender=other_project.borger,
        fra_familien=True,
        modtager=other_project.koordinator,
        tekst="x",
        sendt=_at(5),
        venter_paa_svar=True,
    )
    figures = {f.bruger_id: f for f in selectors.response_times(projekt, now=NOW)}
    assert figures == {
        s.koordinator.pk: svartid.Svartid(s.koordinator.pk, 4.0, 2, 0),
        vikar.pk: svartid.Svartid(vikar.pk, 3.0, 1, 1),
    }


def test_an_answer_after_now_counts_as_still_waiting():
    assert svartid.hours(_at(5), _at(2)) == 3.0
    assert timezone.is_aware(NOW)
