"""A small hand-made round whose figures the tests work out by hand from the definitions.

Round "test-round": Monday 2025-03-03 to Friday 2025-03-07. Organisation:
  Barn- och utbildningsförvaltningen: Förskolan Solrosen (managers 1, 2), Förskolan Ekorren (3)
  Socialförvaltningen: Hemtjänst Norr (4)

Diaries, submitted unless said otherwise (minutes in hour slots; v = value, f = function):
  1 Mon  invoices h1 60 (v3 f1)     planning h2 30 (v4 f4)
  1 Tue  invoices h1 30 (v3 f3)     it-services h2 30 (no ratings)
  2 Mon  invoices h1 60 (v1 f2)
  2 Tue  documentation: ratings only, no minutes, kept as a draft (a day without minutes cannot be
         submitted; it is not a manager-day either way)
  3 Wed  it-services h3 60 (v1 f1)  planning h4 60 (v3 f4)
  4 Mon  direct-meeting h1 60 + h2 60 (v4 f4)   invoices h3 30 (v2 f2)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import pytest

from surveys import totals
from surveys.models import Department, Participant, Survey, Unit
from surveys.services import LineInput, diary_save, survey_create

MON, TUE, WED = dt.date(2025, 3, 3), dt.date(2025, 3, 4), dt.date(2025, 3, 5)

# code: ({hour: minutes}, value, function)
Lines = Mapping[str, tuple[Mapping[int, int], int | None, int | None]]


def save_day(participant: Participant, date: dt.date, lines: Lines, *, submit: bool = True) -> None:
    tasks = {task.code: task for task in participant.survey.tasks.all()}
    hours = participant.survey.hours_per_day
    diary_save(
        participant=participant,
        date=date,
        lines=[
            LineInput(
                task=tasks[code],
                minutes=[minutes.get(hour, 0) for hour in range(1, hours + 1)],
                value=value,
                function=function,
            )
            for code, (minutes, value, function) in lines.items()
        ],
        submit=submit,
    )


# The docstring's diaries: (participant, date, lines, submitted).
DIARIES: list[tuple[int, dt.date, Lines, bool]] = [
    (1, MON, {"invoices": ({1: 60}, 3, 1), "planning": ({2: 30}, 4, 4)}, True),
    (1, TUE, {"invoices": ({1: 30}, 3, 3), "it-services": ({2: 30}, None, None)}, True),
    (2, MON, {"invoices": ({1: 60}, 1, 2)}, True),
    (2, TUE, {"documentation": ({}, 2, 2)}, False),
    (3, WED, {"it-services": ({3: 60}, 1, 1), "planning": ({4: 60}, 3, 4)}, True),
    (4, MON, {"direct-meeting": ({1: 60, 2: 60}, 4, 4), "invoices": ({3: 30}, 2, 2)}, True),
]


@pytest.fixture(autouse=True)
def task_totals_match_the_lines(request):
    """Every analysis test that writes diaries ends with each round's task totals (what the figures
    read) equal to the sums of its submitted lines: a write that skipped `surveys.totals.refresh()`
    fails the test that made it, not only the figure that happens to read it."""
    names = set(request.fixturenames)
    if not ({"db", "transactional_db"} & names or request.node.get_closest_marker("django_db")):
        yield
        return
    request.getfixturevalue("transactional_db" if "transactional_db" in names else "db")
    yield
    stale = {survey.slug: totals.stale_participants(survey) for survey in Survey.objects.all()}
    assert not any(stale.values()), f"task totals out of step with the lines: {stale}"


@dataclass
class SmallRound:
    survey: Survey
    participants: dict[int, Participant]
    solrosen: Unit
    ekorren: Unit
    norr: Unit
    children: Department
    social: Department


@pytest.fixture
def small_round(survey, department, unit, manager, other_manager) -> SmallRound:
    ekorren = Unit.objects.create(department=department, name="Förskolan Ekorren")
    social = Department.objects.create(municipality=survey.municipality, name="Socialförvaltningen")
    norr = Unit.objects.create(department=social, name="Hemtjänst Norr")
    participants = {
        1: Participant.objects.create(survey=survey, number=1, user=manager, unit=unit),
        2: Participant.objects.create(survey=survey, number=2, user=other_manager, unit=unit),
        3: Participant.objects.create(survey=survey, number=3, unit=ekorren),
        4: Participant.objects.create(survey=survey, number=4, unit=norr),
    }
    for number, date, lines, submit in DIARIES:
        save_day(participants[number], date, lines, submit=submit)
    survey.refresh_from_db()
    return SmallRound(survey, participants, unit, ekorren, norr, department, social)


# Each of small_round's managers and the two who write the same diary in the same unit.
CLONES = {number: (number, number + 4, number + 8) for number in (1, 2, 3, 4)}


@pytest.fixture
def tripled_round(small_round) -> SmallRound:
    """small_round with each manager's diary written by two more managers of the same unit: manager k
    is joined by k + 4 and k + 8 (Solrosen 1, 2, 5, 6, 9, 10; Ekorren 3, 7, 11; Norr 4, 8, 12).

    So every unit, department and weekday of the round, every complement within a wider selection,
    and every task of them has 0 or at least 3 managers: the disclosure rule withholds nothing there.
    Every share, mean, median, minimum, maximum and figure per manager-day is small_round's (a
    multiset of each value three times has the same median); counts of managers, manager-days,
    participants, days and minutes are three times small_round's.
    """
    for number, participant in list(small_round.participants.items()):
        for clone in CLONES[number][1:]:
            small_round.participants[clone] = Participant.objects.create(
                survey=small_round.survey, number=clone, unit=participant.unit
            )
    for number, date, lines, submit in DIARIES:
        for clone in CLONES[number][1:]:
            save_day(small_round.participants[clone], date, lines, submit=submit)
    small_round.survey.refresh_from_db()
    return small_round


@pytest.fixture
def followup_round(small_round) -> Survey:
    """A follow-up with the same tasks: three managers, one day each, invoices h1 60 (v3 f3)."""
    followup = survey_create(
        slug="follow-up",
        name="Uppföljning 2025",
        municipality=small_round.survey.municipality,
        start_date=dt.date(2025, 9, 1),
        end_date=dt.date(2025, 9, 5),
        status=Survey.Status.OPEN,
    )
    for number in (1, 2, 3):
        participant = Participant.objects.create(survey=followup, number=number)
        save_day(participant, dt.date(2025, 9, 1), {"invoices": ({1: 60}, 3, 3)})
    followup.refresh_from_db()
    return followup
