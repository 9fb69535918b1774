"""The day form refuses what the paper form cannot hold, says where, keeps what was typed and stores nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from surveys.models import Area, DiaryDay, DiaryLine, Survey, Task
from surveys.services import LineInput, diary_save

from .helpers import day_post, form_inputs, shown_values

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2025, 3, 3)
INVOICES = "Finance: invoice handling"
SCALES = {"value": "value for the operation", "function": "how well the task worked"}


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

    assert_refused(response, f"{INVOICES}, 10–11: 61 minutes is not allowed; an hour has at most 60.")
    assert shown_values(response.content) == {"invoices-h3": "61", "budget-h1": "20"}


def test_an_hour_over_60_minutes_across_tasks_is_refused_naming_the_hour(manager_client, survey):
    response = post(manager_client, survey, {"invoices-h2": 40, "it-services-h2": 30, "budget-h1": 60})

    assert_refused(response, "09–10: the tasks add up to 70 minutes, but an hour has at most 60.")
    assert shown_values(response.content) == {"invoices-h2": "40", "it-services-h2": "30", "budget-h1": "60"}
    assert response.context["hour_totals"][:2] == [60, 70]


def test_exactly_60_minutes_in_an_hour_across_tasks_is_accepted(manager_client, survey):
    response = post(manager_client, survey, {"invoices-h2": 40, "it-services-h2": 20})

    assert response.status_code == 302
    assert DiaryLine.objects.count() == 2


@pytest.mark.parametrize("scale", ["value", "function"])
def test_a_rating_of_5_is_refused_naming_the_task(manager_client, survey, scale):
    response = post(manager_client, survey, {"invoices-h1": 30, f"invoices-{scale}": 5})

    assert_refused(response, f"{INVOICES}, {SCALES[scale]}: the rating 5 is not allowed; choose 1, 2, 3 or 4.")
    assert shown_values(response.content) == {"invoices-h1": "30"}


def test_negative_minutes_are_refused_naming_the_task_and_hour(manager_client, survey):
    response = post(manager_client, survey, {"invoices-h1": -5, "budget-h1": 10})

    # A sign is not a digit: the message the live check gives for it too.
    assert_refused(response, f"{INVOICES}, 08–09: enter the minutes as a whole number from 0 to 60.")
    assert shown_values(response.content) == {"invoices-h1": "-5", "budget-h1": "10"}


# What Python's int() takes and the page's live check refuses: a sign, and digits of other scripts.
@pytest.mark.parametrize("typed", ["abc", "1.5", "1,5", "30 min", "+5", "１０", "٣٠", "1e2", "1_0"])
def test_non_numeric_minutes_are_refused_naming_the_task_and_hour(manager_client, survey, typed):
    response = post(manager_client, survey, {"invoices-h4": typed, "budget-h1": 10})

    assert_refused(response, f"{INVOICES}, 11–12: enter the minutes as a whole number from 0 to 60.")
    assert shown_values(response.content) == {"invoices-h4": typed, "budget-h1": "10"}


def test_every_mistake_is_listed_at_once(manager_client, survey):
    response = post(
        manager_client,
        survey,
        {"invoices-h1": 61, "budget-h2": "x", "planning-value": 7, "documentation-h8": -1},
    )

    assert_refused(response, f"{INVOICES}, 08–09: 61 minutes is not allowed; an hour has at most 60.")
    content = response.content.decode()
    assert "Finance: budget, follow-up, 09–10: enter the minutes as a whole number from 0 to 60." in content
    planning = "Planning and follow-up of the operation"
    assert f"{planning}, value for the operation: the rating 7 is not allowed; choose 1, 2, 3 or 4." in content
    assert "Documentation, 15–16: enter the minutes as a whole number from 0 to 60." in content


def test_full_width_digits_do_not_count_in_an_hours_total(manager_client, survey):
    response = post(manager_client, survey, {"invoices-h1": "１０", "budget-h1": 60})

    assert_refused(response, f"{INVOICES}, 08–09: enter the minutes as a whole number from 0 to 60.")
    assert "08–09: the tasks add up to" not in response.content.decode()
    assert response.context["form"].hour_totals()[0] == 60


def test_spaces_around_plain_digits_are_read(manager_client, survey):
    response = post(manager_client, survey, {"invoices-h1": " 30 ", "invoices-value": 3, "invoices-function": 3})

    assert response.status_code == 302


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
    assert "Half time 50%, 08–09: enter the minutes as a whole number from 0 to 60." in content
    assert "Half time 50%, 09–10: 61 minutes is not allowed; an hour has at most 60." in content
    assert "Half time 50%, value for the operation: the rating 9 is not allowed; choose 1, 2, 3 or 4." in content
    assert "%%" not in content


# --- Every rule in one pass ----------------------------------------------------------------------------


def summary_of(response) -> list[tuple[str, str | None]]:
    return [(entry.message, entry.target) for entry in response.context["error_summary"]]


def row_of(response, code: str):
    return next(row for category in response.context["grid"] for row in category.rows if row.task.code == code)


def test_one_save_reports_boxes_hour_totals_ratings_and_notes_together(manager_client, survey):
    response = post(
        manager_client,
        survey,
        {
            "invoices-h1": 61,
            "budget-h2": 40,
            "planning-h2": 30,
            "documentation-h3": "x",
            "planning-value": 7,
            "other-note": "n" * 501,
        },
    )

    hour_total = "09–10: the tasks add up to 70 minutes, but an hour has at most 60."
    assert_refused(response, hour_total)
    planning = "Planning and follow-up of the operation"
    # In the form's order, rows top to bottom, then the hours; each with the box to go to.
    assert summary_of(response) == [
        ("Documentation, 10–11: enter the minutes as a whole number from 0 to 60.", "id_documentation-h3"),
        (
            f"{planning}, value for the operation: the rating 7 is not allowed; choose 1, 2, 3 or 4.",
            "id_planning-value",
        ),
        (f"{INVOICES}, 08–09: 61 minutes is not allowed; an hour has at most 60.", "id_invoices-h1"),
        ("Other (specify), other tasks, specify: at most 500 characters (now 501).", "id_other-note"),
        (hour_total, "id_planning-h2"),
    ]
    # Beside its row too: the hour's message stands in each row with minutes in that hour.
    assert hour_total in row_of(response, "planning").errors
    assert hour_total in row_of(response, "budget").errors
    assert hour_total not in row_of(response, "invoices").errors


def test_an_hour_total_counts_only_the_valid_boxes(manager_client, survey):
    response = post(manager_client, survey, {"invoices-h2": 61, "budget-h2": 40})

    # 61 is wrong on its own; the valid 40 alone does not make the hour too full.
    assert [message for message, _target in summary_of(response)] == [
        f"{INVOICES}, 09–10: 61 minutes is not allowed; an hour has at most 60."
    ]


def test_the_totals_of_a_refused_save_add_what_was_typed_and_mark_the_full_hour(manager_client, survey):
    """As the live totals do: 70 in a box counts 70, so the hour shows over 60; "abc" counts nothing."""
    response = post(manager_client, survey, {"invoices-h1": 70, "budget-h1": 20, "budget-h2": "abc"})

    assert response.status_code == 200
    assert response.context["hour_totals"][:3] == [90, 0, 0]
    assert response.context["day_total"] == 90
    assert (row_of(response, "invoices").total, row_of(response, "budget").total) == (70, 20)
    content = response.content.decode()
    assert '<div class="diary-sum over"><span class="hour-caption">08–09</span>' in content
    assert '<div class="diary-sum"><span class="hour-caption">09–10</span>' in content
    # The rule still counts only allowed boxes: 70 is refused on its own, and no hour total is reported.
    assert [message for message, _target in summary_of(response)] == [
        f"{INVOICES}, 08–09: 70 minutes is not allowed; an hour has at most 60.",
        "Finance: budget, follow-up, 09–10: enter the minutes as a whole number from 0 to 60.",
    ]


def test_an_hour_over_60_marks_only_the_boxes_with_minutes_in_it(manager_client, survey):
    response = post(manager_client, survey, {"invoices-h2": 40, "it-services-h2": 30, "budget-h2": 0})

    marked = {
        cell.field.html_name
        for category in response.context["grid"]
        for row in category.rows
        for cell in row.cells
        if cell.marked
    }
    assert marked == {"invoices-h2", "it-services-h2"}
    inputs, _checked = form_inputs(response.content)
    invalid = {name for name, attributes in inputs.items() if attributes.get("aria-invalid") == "true"}
    assert invalid == {"invoices-h2", "it-services-h2"}
    assert "is-invalid" in inputs["invoices-h2"]["class"]
    assert "is-invalid" not in inputs["budget-h2"]["class"]
    assert inputs["invoices-h2"]["aria-describedby"] == "errors-invoices"
    assert 'id="errors-invoices"' in response.content.decode()


def test_the_error_list_takes_the_focus_and_links_to_the_boxes(manager_client, survey):
    response = post(manager_client, survey, {"invoices-h3": 61})

    content = response.content.decode()
    assert 'role="alert" id="errors" tabindex="-1" autofocus' in content
    assert 'href="#id_invoices-h3"' in content


def test_the_boxes_are_named_by_task_and_clock_time_from_the_rounds_first_hour(manager_client, survey):
    Survey.objects.filter(pk=survey.pk).update(first_hour=7)

    response = manager_client.get(day_url(survey))

    content = response.content.decode()
    assert "Finance: invoice handling, 07–08" in content
    assert ">14–15<" in content
    # No "H1" column heading or label (a token in the page may hold those two letters by chance).
    assert ">H1<" not in content and "H1," not in content and ", H1" not in content
    inputs, _checked = form_inputs(response.content)
    # Text with a digit keyboard: a mouse wheel or an arrow key cannot change a number box by accident.
    assert inputs["invoices-h1"]["type"] == "text"
    assert inputs["invoices-h1"]["inputmode"] == "numeric"


@pytest.mark.parametrize("typed", ["40000", "99999999999999999999"])
def test_minutes_beyond_what_the_database_holds_are_refused_naming_the_box(manager_client, survey, typed):
    response = post(manager_client, survey, {"invoices-h2": typed, "budget-h1": 10})

    assert_refused(response, f"{INVOICES}, 09–10: {typed} minutes is not allowed; an hour has at most 60.")
    assert shown_values(response.content) == {"invoices-h2": typed, "budget-h1": "10"}


@pytest.mark.parametrize("scale", ["value", "function"])
def test_a_rating_beyond_what_the_database_holds_is_refused_naming_the_task(manager_client, survey, scale):
    response = post(manager_client, survey, {"invoices-h1": 30, f"invoices-{scale}": 70000})

    assert_refused(response, f"{INVOICES}, {SCALES[scale]}: the rating 70000 is not allowed; choose 1, 2, 3 or 4.")


def test_a_day_that_can_only_be_read_shows_no_help_on_filling_it_in(manager_client, survey):
    help_texts = ("How to fill in the day", "Tap a task to enter its minutes.")
    content = manager_client.get(day_url(survey)).content.decode()
    assert all(text in content for text in help_texts)

    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)
    content = manager_client.get(day_url(survey)).content.decode()

    assert "The survey round is not open, so this day can only be read." in content
    assert not any(text in content for text in help_texts)
