"""Round progress, worked by hand: three managers, the days they submitted, drafted or left out, counted
in the middle of the round and after its end; and the round_status command."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from surveys.models import DiaryDay, Participant, SentEmail, Survey
from surveys.progress import round_progress, rounds_summary

pytestmark = pytest.mark.django_db

S, D = DiaryDay.Status.SUBMITTED, DiaryDay.Status.DRAFT
MON, TUE, WED, THU, FRI = (dt.date(2025, 3, day) for day in range(3, 8))
THURSDAY, NEXT_MONDAY = THU, dt.date(2025, 3, 10)

# The diaries of the example, per participant number: date -> status; a date not listed has no day.
DIARIES = {
    1: {MON: S, TUE: S, WED: S, THU: D},
    2: {MON: S, TUE: D, THU: S},  # Wednesday left out; Thursday is not due until it is over
    3: {},
}
INVITED = {1}
REMINDERS = {2: 2, 3: 1}


def by_definition(statuses: dict[dt.date, str], today: dt.date) -> dict[str, int]:
    """The module docstring's definitions, written out: expected are the weekdays of the round before
    `today` (a day is due once it is over); submitted and draft count among those; missing is what is left."""
    weekdays = [day for day in (MON, TUE, WED, THU, FRI) if day.isoweekday() <= 5]
    expected = [day for day in weekdays if day < today]
    submitted = sum(1 for day in expected if statuses.get(day) == S)
    draft = sum(1 for day in expected if statuses.get(day) == D)
    return {
        "expected": len(expected),
        "submitted": submitted,
        "draft": draft,
        "missing": len(expected) - submitted - draft,
    }


@pytest.fixture
def example(survey: Survey, make_user) -> Survey:
    for number, statuses in DIARIES.items():
        participant = Participant.objects.create(
            survey=survey,
            number=number,
            user=make_user(f"chef{number}", email=f"chef{number}@x.se"),
            invited_at=timezone.now() if number in INVITED else None,
        )
        for date, status in statuses.items():
            DiaryDay.objects.create(participant=participant, date=date, status=status)
        for _ in range(REMINDERS.get(number, 0)):
            SentEmail.objects.create(
                participant=participant, kind=SentEmail.Kind.REMINDER, to=participant.user.email, days=[]
            )
        SentEmail.objects.create(participant=participant, kind=SentEmail.Kind.INVITATION, to="x@x.se", days=[])
    return survey


def expected_rows(today: dt.date) -> list[dict[str, object]]:
    return [
        {
            "number": number,
            **by_definition(statuses, today),
            "invited": number in INVITED,
            "reminders": REMINDERS.get(number, 0),
        }
        for number, statuses in DIARIES.items()
    ]


def sums(rows: list[dict[str, object]]) -> dict[str, int]:
    return {f"{name}_days": sum(row[name] for row in rows) for name in ("expected", "submitted", "draft", "missing")}


def test_the_hand_worked_figures_agree_with_the_definition():
    # The example by hand, so that the reference above is itself checked: on Thursday three days are
    # due (Thursday itself is not over); manager 2 submitted Monday, drafted Tuesday and left out Wednesday.
    assert by_definition(DIARIES[2], THURSDAY) == {"expected": 3, "submitted": 1, "draft": 1, "missing": 1}
    assert by_definition(DIARIES[1], NEXT_MONDAY) == {"expected": 5, "submitted": 3, "draft": 1, "missing": 1}


@pytest.mark.parametrize("today", [THURSDAY, NEXT_MONDAY], ids=["mid-round", "after the end"])
def test_each_participant_is_counted_by_the_definition(example, today):
    progress = round_progress(survey=example, today=today)

    rows = [row.as_dict() for row in progress.participants]
    assert rows == expected_rows(today)


@pytest.mark.parametrize("today", [THURSDAY, NEXT_MONDAY], ids=["mid-round", "after the end"])
def test_the_round_totals_are_sums_over_participants(example, today):
    progress = round_progress(survey=example, today=today)

    totals = sums(expected_rows(today))
    assert {name: getattr(progress, name) for name in totals} == totals
    assert progress.expected_dates == [day for day in (MON, TUE, WED, THU, FRI) if day < today]


@pytest.mark.parametrize("today", [THURSDAY, NEXT_MONDAY], ids=["mid-round", "after the end"])
def test_the_rounds_list_summary_counts_as_the_definition(example, today):
    totals = sums(expected_rows(today))

    (summary,) = rounds_summary(surveys=[example], today=today).values()

    assert summary == {"participants": 3, "expected": totals["expected_days"], "submitted": totals["submitted_days"]}


def test_before_the_round_nothing_is_expected(example):
    progress = round_progress(survey=example, today=MON - dt.timedelta(days=1))

    assert [(row.expected, row.missing) for row in progress.participants] == [(0, 0)] * 3


@pytest.mark.parametrize(
    ("today", "ended", "until"),
    [
        (dt.date(2025, 3, 5), False, dt.date(2025, 3, 4)),  # Wednesday of the round: up to yesterday
        (dt.date(2025, 3, 7), False, dt.date(2025, 3, 6)),  # its last day: not until it is over
        (dt.date(2025, 3, 8), True, dt.date(2025, 3, 7)),  # the day after: the whole round
        (dt.date(2025, 11, 25), True, dt.date(2025, 3, 7)),  # long after: up to its end, not today
    ],
)
def test_the_expected_days_are_counted_up_to_yesterday_or_the_rounds_end(survey, today, ended, until):
    progress = round_progress(survey=survey, today=today)

    assert (progress.ended, progress.counted_until) == (ended, until)
    assert progress.expected_dates[-1] == min(until, survey.end_date)


def test_days_of_another_round_do_not_count(example, make_user):
    other = Survey.objects.create(
        slug="annan",
        name="Annan",
        municipality=example.municipality,
        start_date=MON,
        end_date=FRI,
        status=Survey.Status.OPEN,
    )
    someone = Participant.objects.create(survey=other, number=1, user=make_user("annan"))
    DiaryDay.objects.create(participant=someone, date=MON, status=S)

    progress = round_progress(survey=example, today=THURSDAY)

    assert progress.submitted_days == sums(expected_rows(THURSDAY))["submitted_days"]


def round_status(*args: str) -> str:
    out = io.StringIO()
    call_command("round_status", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("today", [THURSDAY, NEXT_MONDAY], ids=["mid-round", "after the end"])
def test_round_status_prints_json_by_the_definition(example, today):
    report = json.loads(round_status("--survey", example.slug, "--as-of", today.isoformat()))

    rows = expected_rows(today)
    assert report["survey"] == example.slug
    assert report["participants"] == rows
    assert {name: report[name] for name in sums(rows)} == sums(rows)


def test_round_status_counts_up_to_today_without_a_date(example):
    # Today is long after this 2025 round, so every weekday of it is expected.
    today = timezone.localdate()
    assert today > FRI

    report = json.loads(round_status("--survey", example.slug))

    assert report["participants"] == expected_rows(today)
    assert report["expected_days"] == 3 * 5


def test_round_status_prints_an_aligned_table(example):
    out = round_status("--survey", example.slug, "--as-of", THURSDAY.isoformat(), "--format", "table")

    lines = out.splitlines()
    totals = sums(expected_rows(THURSDAY))
    assert lines[0].startswith(f"{example.slug} as of {THURSDAY.isoformat()}: 3 participants")
    assert f"{totals['missing_days']} missing" in lines[0]
    assert lines[1].split() == ["number", "expected", "submitted", "draft", "missing", "invited", "reminders"]
    assert set(lines[2].replace(" ", "")) == {"-"}
    body = lines[3:]
    assert [line.split() for line in body] == [
        [
            str(row["number"]),
            *(str(row[name]) for name in ("expected", "submitted", "draft", "missing")),
            "yes" if row["invited"] else "no",
            str(row["reminders"]),
        ]
        for row in expected_rows(THURSDAY)
    ]
    assert len({len(line) for line in lines[1:]}) == 1  # every column lines up


def test_a_manager_up_to_date_is_not_behind_during_the_day(example):
    # Manager 1 submitted Monday to Wednesday; on Thursday, Thursday is not over, so nothing is missing.
    progress = round_progress(survey=example, today=THURSDAY)

    (first,) = [row for row in progress.participants if row.number == 1]
    assert (first.behind, first.missing) == (False, 0)
    assert [row.number for row in progress.participants if row.behind] == [2, 3]
