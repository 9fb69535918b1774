"""The write services: saving a day checks every rule first and changes nothing when one is broken."""

from __future__ import annotations

import datetime as dt

import pytest

from surveys.models import DiaryDay, DiaryLine, Survey
from surveys.services import DiaryError, LineInput, diary_save, hour_totals, survey_create, validate_lines

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2025, 3, 3)


@pytest.fixture
def tasks(survey) -> dict:
    return {task.code: task for task in survey.tasks.all()}


def test_hour_totals_add_each_hour_across_rows(tasks):
    lines = [
        LineInput(task=tasks["invoices"], minutes=[10, 20, 0]),
        LineInput(task=tasks["budget"], minutes=[50, 0, 5]),
    ]

    assert hour_totals(lines, 3) == [60, 20, 5]


def test_validate_lines_names_the_task_hour_and_limit(tasks):
    lines = [
        LineInput(task=tasks["invoices"], minutes=[61, 0, 0, 0, 0, 0, 0, 0, 5], value=5),
        LineInput(task=tasks["budget"], minutes=[0, -1], function=0),
        LineInput(task=tasks["planning"], minutes=[30, 40]),
    ]

    errors = validate_lines(lines, hours=8)

    invoices, budget = tasks["invoices"], tasks["budget"]
    named = [
        (invoices, ", hour 1: 61 minutes is not allowed; enter 0 to 60."),
        (invoices, ": this round has 8 hours, so hour 9 must be empty."),
        (invoices, ", value: the rating 5 is not allowed; choose 1, 2, 3 or 4."),
        (budget, ", hour 2: -1 minutes is not allowed; enter 0 to 60."),
        (budget, ", how well it worked: the rating 0 is not allowed; choose 1, 2, 3 or 4."),
    ]
    assert len(errors) == len(named) + 1
    for error, (task, rest) in zip(errors, named, strict=False):
        assert error.endswith(rest)
        assert error.removesuffix(rest) in {task.label, task.label_en}
    assert errors[-1] == "Hour 1: the tasks add up to 91 minutes, but an hour has at most 60."


def test_an_empty_row_is_one_without_minutes_ratings_or_note(tasks):
    assert LineInput(task=tasks["other"], minutes=[0, 0], note="  ").is_empty()
    assert not LineInput(task=tasks["other"], note="Brandövning").is_empty()
    assert not LineInput(task=tasks["other"], value=1).is_empty()
    assert not LineInput(task=tasks["other"], minutes=[0, 1]).is_empty()


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

    assert len(refused.value.errors) == 3  # 70 minutes, rating 5, and hour 1 over 60 in total
    assert DiaryDay.objects.count() == 0


def test_diary_save_refuses_a_date_outside_the_round(participant, tasks):
    with pytest.raises(DiaryError, match="The date is outside the survey round."):
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


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"end_date": dt.date(2025, 3, 2)}, "The last day must not be before the first day."),
        ({"hours_per_day": 13}, "Hours per day must be from 1 to 12."),
        ({"slug": "test-round"}, "A survey round with the short name 'test-round' already exists."),
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

    with pytest.raises(DiaryError, match=message):
        survey_create(**{**fields, **changes})

    assert Survey.objects.count() == 1
