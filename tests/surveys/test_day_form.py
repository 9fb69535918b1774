"""The day form refuses what the paper form cannot hold, says where, keeps what was typed and stores nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from surveys.models import Area, DiaryDay, DiaryLine, Task
from surveys.services import LineInput, diary_save

from .helpers import day_post, shown_values

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2025, 3, 3)
INVOICES = "Finance: invoice handling"


def day_url(survey, date=MONDAY) -> str:
    return reverse("surveys:day", args=[survey.slug, date.isoformat()])


def post(client, survey, entries, *, action="draft"):
    return client.post(day_url(survey), day_post(survey, entries, action=action))


def assert_refused(response, message: str) -> None:
    assert response.status_code == 200
    content = response.content.decode()
    assert "Nothing was saved. Please correct:" in content
    assert message in content
    assert DiaryDay.objects.count() == 0
    assert DiaryLine.objects.count() == 0


@pytest.mark.parametrize("action", ["draft", "submit"])
def test_61_minutes_is_refused_naming_the_task_and_hour(manager_client, survey, action):
    response = post(manager_client, survey, {"invoices-h3": 61, "budget-h1": 20}, action=action)

    assert_refused(response, f"{INVOICES}, hour 3: 61 minutes is not allowed; an hour has at most 60.")
    assert shown_values(response.content) == {"invoices-h3": "61", "budget-h1": "20"}


def test_an_hour_over_60_minutes_across_tasks_is_refused_naming_the_hour(manager_client, survey):
    response = post(manager_client, survey, {"invoices-h2": 40, "it-services-h2": 30, "budget-h1": 60})

    assert_refused(response, "Hour 2: the tasks add up to 70 minutes, but an hour has at most 60.")
    assert shown_values(response.content) == {"invoices-h2": "40", "it-services-h2": "30", "budget-h1": "60"}
    assert response.context["hour_totals"][:2] == [60, 70]


def test_exactly_60_minutes_in_an_hour_across_tasks_is_accepted(manager_client, survey):
    response = post(manager_client, survey, {"invoices-h2": 40, "it-services-h2": 20})

    assert response.status_code == 302
    assert DiaryLine.objects.count() == 2


@pytest.mark.parametrize("scale", ["value", "function"])
def test_a_rating_of_5_is_refused_naming_the_task(manager_client, survey, scale):
    response = post(manager_client, survey, {"invoices-h1": 30, f"invoices-{scale}": 5})

    assert_refused(response, f"{INVOICES}: the rating 5 is not allowed; choose 1, 2, 3 or 4.")
    assert shown_values(response.content) == {"invoices-h1": "30"}


def test_negative_minutes_are_refused_naming_the_task_and_hour(manager_client, survey):
    response = post(manager_client, survey, {"invoices-h1": -5, "budget-h1": 10})

    assert_refused(response, f"{INVOICES}, hour 1: -5 minutes is not allowed; enter 0 to 60.")
    assert shown_values(response.content) == {"invoices-h1": "-5", "budget-h1": "10"}


@pytest.mark.parametrize("typed", ["abc", "1.5", "1,5", "30 min"])
def test_non_numeric_minutes_are_refused_naming_the_task_and_hour(manager_client, survey, typed):
    response = post(manager_client, survey, {"invoices-h4": typed, "budget-h1": 10})

    assert_refused(response, f"{INVOICES}, hour 4: enter the minutes as a whole number from 0 to 60.")
    assert shown_values(response.content) == {"invoices-h4": typed, "budget-h1": "10"}


def test_every_mistake_is_listed_at_once(manager_client, survey):
    response = post(
        manager_client,
        survey,
        {"invoices-h1": 61, "budget-h2": "x", "planning-value": 7, "documentation-h8": -1},
    )

    assert_refused(response, f"{INVOICES}, hour 1: 61 minutes is not allowed; an hour has at most 60.")
    content = response.content.decode()
    assert "Finance: budget, follow-up, hour 2: enter the minutes as a whole number from 0 to 60." in content
    assert "Planning and follow-up of the operation: the rating 7 is not allowed; choose 1, 2, 3 or 4." in content
    assert "Documentation, hour 8: -1 minutes is not allowed; enter 0 to 60." in content


def test_a_refused_form_marks_the_wrong_boxes(manager_client, survey):
    response = post(manager_client, survey, {"invoices-h3": 61, "budget-h1": 20})

    form = response.context["form"]
    assert set(form.errors) == {"invoices-h3"}
    assert 'id="id_invoices-h3"' in response.content.decode()
    row = next(row for category in response.context["grid"] for row in category.rows if row.task.code == "invoices")
    assert row.has_errors


def test_a_refused_form_leaves_the_saved_day_as_it_was(manager_client, survey, participant):
    invoices = survey.tasks.get(code="invoices")
    diary_save(
        participant=participant, date=MONDAY, lines=[LineInput(task=invoices, minutes=[15], value=2)], submit=True
    )

    response = post(manager_client, survey, {"invoices-h1": 61})

    assert response.status_code == 200
    day = DiaryDay.objects.get()
    assert day.status == DiaryDay.Status.SUBMITTED
    assert list(day.lines.values_list("task__code", "h1", "value")) == [("invoices", 15, 2)]


def test_a_percent_sign_in_a_task_label_is_shown_as_typed(manager_client, survey):
    category = survey.categories.last()
    Task.objects.create(
        survey=survey, category=category, code="half", label="Halvtid 50%", label_en="Half time 50%", area=Area.HR
    )

    response = post(manager_client, survey, {"half-h1": "abc", "half-h2": 61, "half-value": 9})

    content = response.content.decode()
    assert "Half time 50%, hour 1: enter the minutes as a whole number from 0 to 60." in content
    assert "Half time 50%, hour 2: 61 minutes is not allowed; an hour has at most 60." in content
    assert "Half time 50%: the rating 9 is not allowed; choose 1, 2, 3 or 4." in content
    assert "%%" not in content
