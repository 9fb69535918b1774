"""The rules the database holds, one named constraint at a time, and the models' small helpers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.db.models import RestrictedError

from surveys.models import (
    HOUR_FIELDS,
    Department,
    DiaryDay,
    DiaryLine,
    Participant,
    Survey,
    Task,
    TaskCategory,
    Unit,
)

pytestmark = pytest.mark.django_db


def violates(constraint: str | None = None):
    """Expect the statement to be refused by the database (and, for checks, by the named constraint)."""
    return pytest.raises(IntegrityError, match=constraint) if constraint else pytest.raises(IntegrityError)


def make_survey(municipality, **overrides) -> Survey:
    fields = {
        "slug": "extra",
        "name": "Extra",
        "municipality": municipality,
        "start_date": dt.date(2025, 3, 3),
        "end_date": dt.date(2025, 3, 7),
    }
    return Survey.objects.create(**{**fields, **overrides})


@pytest.fixture
def day(participant) -> DiaryDay:
    return DiaryDay.objects.create(participant=participant, date=dt.date(2025, 3, 3))


@pytest.fixture
def task(survey) -> Task:
    return survey.tasks.get(code="invoices")


# --- Organisation ----------------------------------------------------------------------------------


def test_a_department_name_is_unique_in_its_municipality(department):
    with violates(), transaction.atomic():
        Department.objects.create(municipality=department.municipality, name=department.name)


def test_a_unit_name_is_unique_in_its_department(unit):
    with violates(), transaction.atomic():
        Unit.objects.create(department=unit.department, name=unit.name)


# --- Survey rounds ---------------------------------------------------------------------------------


@pytest.mark.parametrize("hours", [0, 13])
def test_a_round_has_1_to_12_hours_per_day(municipality, hours):
    with violates("surveys_survey_hours_1_12"), transaction.atomic():
        make_survey(municipality, hours_per_day=hours)


@pytest.mark.parametrize("hours", [1, 12])
def test_a_round_may_have_1_or_12_hours_per_day(municipality, hours):
    assert make_survey(municipality, hours_per_day=hours).hour_fields == HOUR_FIELDS[:hours]


def test_a_round_may_not_end_before_it_starts(municipality):
    with violates("surveys_survey_dates_ordered"), transaction.atomic():
        make_survey(municipality, start_date=dt.date(2025, 3, 7), end_date=dt.date(2025, 3, 6))


def test_a_round_may_be_a_single_day(municipality):
    survey = make_survey(municipality, start_date=dt.date(2025, 3, 7), end_date=dt.date(2025, 3, 7))
    assert survey.weekdays() == [dt.date(2025, 3, 7)]


@pytest.mark.parametrize("days", [0, 367])
def test_a_round_has_1_to_366_working_days_per_year(municipality, days):
    with violates("surveys_survey_working_days_1_366"), transaction.atomic():
        make_survey(municipality, working_days_per_year=days)


def test_a_round_short_name_is_unique(survey):
    with violates(), transaction.atomic():
        make_survey(survey.municipality, slug=survey.slug)


def test_a_category_name_is_unique_in_its_round(survey):
    category = survey.categories.first()
    with violates(), transaction.atomic():
        TaskCategory.objects.create(survey=survey, name=category.name)


def test_a_task_code_is_unique_in_its_round(survey, task):
    with violates(), transaction.atomic():
        Task.objects.create(survey=survey, category=task.category, code=task.code, label="Copy", area=task.area)


def test_the_same_task_code_may_be_used_in_another_round(survey, task):
    other = make_survey(survey.municipality)
    category = TaskCategory.objects.create(survey=other, name=task.category.name)
    Task.objects.create(survey=other, category=category, code=task.code, label=task.label, area=task.area)
    assert Task.objects.filter(code=task.code).count() == 2


def test_weekdays_leave_out_the_weekend(municipality):
    # Thursday 2025-03-06 to Tuesday 2025-03-11
    survey = make_survey(municipality, start_date=dt.date(2025, 3, 6), end_date=dt.date(2025, 3, 11))
    assert survey.weekdays() == [dt.date(2025, 3, 6), dt.date(2025, 3, 7), dt.date(2025, 3, 10), dt.date(2025, 3, 11)]


def test_contains_includes_the_first_and_last_day(survey):
    assert survey.contains(dt.date(2025, 3, 3))
    assert survey.contains(dt.date(2025, 3, 7))
    assert not survey.contains(dt.date(2025, 3, 2))
    assert not survey.contains(dt.date(2025, 3, 8))


@pytest.mark.parametrize(
    ("status", "editable"),
    [(Survey.Status.DRAFT, False), (Survey.Status.OPEN, True), (Survey.Status.CLOSED, False)],
)
def test_only_an_open_round_is_editable(survey, status, editable):
    survey.status = status
    assert survey.is_editable() is editable


def test_touch_bumps_the_data_version(survey):
    before = survey.data_version
    survey.touch()
    survey.touch()
    survey.refresh_from_db()
    assert survey.data_version == before + 2


def test_the_open_queryset_lists_only_open_rounds(survey):
    make_survey(survey.municipality, status=Survey.Status.CLOSED)
    assert list(Survey.objects.open()) == [survey]


# --- Participants ----------------------------------------------------------------------------------


def test_a_participant_number_is_unique_in_its_round(participant):
    with violates(), transaction.atomic():
        Participant.objects.create(survey=participant.survey, number=participant.number)


def test_a_user_takes_part_in_a_round_only_once(participant):
    with violates(), transaction.atomic():
        Participant.objects.create(survey=participant.survey, number=99, user=participant.user)


def test_many_participants_may_have_no_user(survey):
    Participant.objects.create(survey=survey, number=1)
    Participant.objects.create(survey=survey, number=2)
    assert survey.participants.filter(user=None).count() == 2


def test_a_participant_number_is_1_or_more(survey):
    with violates("surveys_participant_number_positive"), transaction.atomic():
        Participant.objects.create(survey=survey, number=0)


def test_a_participant_is_known_by_number_only(participant):
    assert str(participant) == "Manager no. 7"
    assert participant.user.username not in str(participant)


# --- Diary days and lines --------------------------------------------------------------------------


def test_a_participant_has_one_diary_per_date(day):
    with violates(), transaction.atomic():
        DiaryDay.objects.create(participant=day.participant, date=day.date)


def test_a_day_links_to_its_form(day):
    assert day.get_absolute_url() == "/dagbok/test-round/2025-03-03/"


def test_a_task_appears_once_a_day(day, task):
    DiaryLine.objects.create(day=day, task=task, h1=10)
    with violates(), transaction.atomic():
        DiaryLine.objects.create(day=day, task=task, h2=10)


@pytest.mark.parametrize("name", HOUR_FIELDS)
def test_an_hour_column_holds_at_most_60_minutes(day, task, name):
    with violates(f"surveys_line_{name}_0_60"), transaction.atomic():
        DiaryLine.objects.create(day=day, task=task, **{name: 61})


@pytest.mark.parametrize("name", ["h1", "h8", "h12"])
def test_an_hour_column_holds_no_negative_minutes(day, task, name):
    with violates(), transaction.atomic():
        DiaryLine.objects.create(day=day, task=task, **{name: -1})


@pytest.mark.parametrize("rating", [0, 5])
def test_the_value_rating_is_1_to_4(day, task, rating):
    with violates("surveys_line_value_1_4"), transaction.atomic():
        DiaryLine.objects.create(day=day, task=task, value=rating)


@pytest.mark.parametrize("rating", [0, 5])
def test_the_function_rating_is_1_to_4(day, task, rating):
    with violates("surveys_line_function_1_4"), transaction.atomic():
        DiaryLine.objects.create(day=day, task=task, function=rating)


def test_a_full_line_at_the_limits_is_stored_with_its_minutes_summed(day, task):
    line = DiaryLine.objects.create(day=day, task=task, value=1, function=4, **dict.fromkeys(HOUR_FIELDS, 60))
    line.refresh_from_db()
    assert line.minutes == 12 * 60
    assert (line.value, line.function) == (1, 4)


def test_the_minutes_column_is_the_sum_of_the_hours(day, task):
    line = DiaryLine.objects.create(day=day, task=task, h1=5, h3=20, h8=35, h12=1)
    line.refresh_from_db()
    assert line.minutes == 61
    assert line.hour_minutes(4) == [5, 0, 20, 0]


def test_ratings_may_be_left_empty(day, task):
    line = DiaryLine.objects.create(day=day, task=task, h1=10)
    line.refresh_from_db()
    assert line.value is None
    assert line.function is None


def test_a_task_with_lines_cannot_be_deleted(day, task):
    DiaryLine.objects.create(day=day, task=task, h1=10)
    with pytest.raises(RestrictedError):
        task.delete()


def test_a_round_with_diaries_can_be_deleted_whole(day, task):
    DiaryLine.objects.create(day=day, task=task, h1=10)
    task.survey.delete()
    assert not DiaryLine.objects.exists()
