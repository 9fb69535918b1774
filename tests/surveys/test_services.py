"""The write services: saving a day checks every rule first and changes nothing when one is broken."""

from __future__ import annotations

import datetime as dt

import pytest

from surveys.models import DiaryDay, DiaryLine, Survey
from surveys.services import (
    DiaryError,
    LineInput,
    RoundError,
    WithdrawUnconfirmed,
    diary_save,
    survey_create,
)

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2025, 3, 3)
NO_MINUTES = "A day with no minutes cannot be submitted. Enter the minutes you spent, or save the day as a draft."


def test_diary_save_stores_rows_and_strips_notes(participant, tasks):
    day = diary_save(
        participant=participant,
        date=MONDAY,
        lines=[
            LineInput(task=tasks["other"], minutes=[15], note="  Brandövning "),
            LineInput(task=tasks["budget"]),
        ],
        submit=True,
    )

    assert day.status == DiaryDay.Status.SUBMITTED
    assert day.submitted_at is not None
    assert list(day.lines.values_list("task__code", "h1", "minutes", "note")) == [("other", 15, 15, "Brandövning")]


def test_diary_save_refuses_every_broken_rule_and_stores_nothing(participant, tasks):
    with pytest.raises(DiaryError) as refused:
        diary_save(
            participant=participant,
            date=MONDAY,
            lines=[LineInput(task=tasks["invoices"], minutes=[70]), LineInput(task=tasks["budget"], function=5)],
        )

    # 70 minutes and rating 5; the 70 is wrong on its own, so hour 1 is not also over 60 in total.
    assert refused.value.errors == [
        "Finance: invoice handling, 08–09: 70 minutes is not allowed; an hour has at most 60.",
        "Finance: budget, follow-up, how well the task worked: the rating 5 is not allowed; choose 1, 2, 3 or 4.",
    ]
    assert DiaryDay.objects.count() == 0


def test_diary_save_refuses_a_date_outside_the_round(participant, tasks):
    with pytest.raises(DiaryError, match=r"^2025-03-10 is outside the round \(2025-03-03 to 2025-03-07\)$"):
        diary_save(participant=participant, date=dt.date(2025, 3, 10), lines=[])

    assert DiaryDay.objects.count() == 0


def test_diary_save_refuses_a_round_that_is_not_open(participant, tasks):
    Survey.objects.filter(pk=participant.survey_id).update(status=Survey.Status.CLOSED)
    participant.refresh_from_db()

    with pytest.raises(DiaryError, match="The survey round is not open"):
        diary_save(participant=participant, date=MONDAY, lines=[LineInput(task=tasks["invoices"], minutes=[10])])

    assert DiaryLine.objects.count() == 0


def test_diary_save_refuses_a_task_of_another_round(participant, survey):
    other = survey_create(
        slug="other",
        name="Other",
        municipality=survey.municipality,
        start_date=survey.start_date,
        end_date=survey.end_date,
        status=Survey.Status.OPEN,
    )
    foreign = other.tasks.get(code="invoices")

    with pytest.raises(DiaryError, match="A task does not belong to this survey round."):
        diary_save(participant=participant, date=MONDAY, lines=[LineInput(task=foreign, minutes=[10])])

    assert DiaryDay.objects.count() == 0


# --- Submitting -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lines",
    [
        pytest.param([], id="no rows"),
        pytest.param([("documentation", [0, 0], 2, 2, "")], id="ratings only"),
        pytest.param([("other", [], None, None, "Brandövning")], id="a note only"),
    ],
)
def test_a_day_without_minutes_cannot_be_submitted(participant, tasks, lines):
    entered = [
        LineInput(task=tasks[code], minutes=minutes, value=value, function=function, note=note)
        for code, minutes, value, function, note in lines
    ]

    with pytest.raises(DiaryError) as refused:
        diary_save(participant=participant, date=MONDAY, lines=entered, submit=True)

    assert refused.value.errors == [NO_MINUTES]
    assert DiaryDay.objects.count() == 0
    assert DiaryLine.objects.count() == 0


def test_refusing_a_submit_without_minutes_leaves_the_draft_as_it_was(participant, tasks):
    draft = diary_save(
        participant=participant, date=MONDAY, lines=[LineInput(task=tasks["invoices"], minutes=[20], value=2)]
    )
    survey = participant.survey
    survey.refresh_from_db()
    version = survey.data_version

    with pytest.raises(DiaryError, match="A day with no minutes cannot be submitted."):
        diary_save(
            participant=participant,
            date=MONDAY,
            lines=[LineInput(task=tasks["invoices"], minutes=[0], value=3, function=3)],
            submit=True,
        )

    day = DiaryDay.objects.get()
    assert (day.pk, day.status, day.submitted_at, day.minutes) == (draft.pk, DiaryDay.Status.DRAFT, None, 20)
    assert list(day.lines.values_list("task__code", "h1", "value", "function")) == [("invoices", 20, 2, None)]
    survey.refresh_from_db()
    assert survey.data_version == version


def test_a_day_without_minutes_can_be_saved_as_a_draft(participant, tasks):
    day = diary_save(
        participant=participant,
        date=MONDAY,
        lines=[LineInput(task=tasks["documentation"], value=2, function=2)],
        submit=False,
    )

    assert (day.status, day.minutes) == (DiaryDay.Status.DRAFT, 0)
    assert list(day.lines.values_list("task__code", "value", "function")) == [("documentation", 2, 2)]


def test_a_submitted_day_cannot_be_submitted_again_without_minutes(participant, tasks):
    diary_save(participant=participant, date=MONDAY, lines=[LineInput(task=tasks["budget"], minutes=[30])], submit=True)

    with pytest.raises(DiaryError, match="A day with no minutes cannot be submitted."):
        diary_save(participant=participant, date=MONDAY, lines=[], submit=True)

    day = DiaryDay.objects.get()
    assert (day.status, day.minutes, day.lines.count()) == (DiaryDay.Status.SUBMITTED, 30, 1)


def test_rows_without_ratings_may_be_submitted(participant, tasks):
    day = diary_save(
        participant=participant, date=MONDAY, lines=[LineInput(task=tasks["budget"], minutes=[30])], submit=True
    )

    assert day.status == DiaryDay.Status.SUBMITTED
    assert list(day.lines.values_list("task__code", "minutes", "value", "function")) == [("budget", 30, None, None)]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"end_date": dt.date(2025, 3, 2)}, "The last day must not be before the first day."),
        ({"hours_per_day": 13}, "Hours per day must be from 1 to 12."),
        ({"slug": "test-round"}, "A survey round with the short name “test-round” already exists."),
    ],
)
def test_survey_create_refuses_what_a_round_cannot_be(survey, changes, message):
    fields = {
        "slug": "new",
        "name": "Ny",
        "municipality": survey.municipality,
        "start_date": dt.date(2025, 3, 3),
        "end_date": dt.date(2025, 3, 7),
    }

    with pytest.raises(RoundError, match=message):
        survey_create(**{**fields, **changes})

    assert Survey.objects.count() == 1


def test_a_draft_save_of_a_submitted_day_is_refused_unless_it_withdraws(tasks, participant):
    rated = [LineInput(task=tasks["invoices"], minutes=[20], value=2, function=3)]
    diary_save(participant=participant, date=MONDAY, lines=rated, submit=True)

    with pytest.raises(WithdrawUnconfirmed):
        diary_save(participant=participant, date=MONDAY, lines=rated, withdraw=False)
    day = DiaryDay.objects.get()
    assert (day.status, day.version) == (DiaryDay.Status.SUBMITTED, 1)

    diary_save(participant=participant, date=MONDAY, lines=rated, submit=True, withdraw=False)
    assert DiaryDay.objects.get().status == DiaryDay.Status.SUBMITTED
    diary_save(participant=participant, date=MONDAY, lines=rated, withdraw=True)
    assert DiaryDay.objects.get().status == DiaryDay.Status.DRAFT
    diary_save(participant=participant, date=MONDAY, lines=rated, withdraw=False)  # a draft again: nothing to ask
    assert DiaryDay.objects.get().version == 4
