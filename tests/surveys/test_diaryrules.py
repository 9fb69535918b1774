"""The rules of one diary day: each message names the task, the hour's clock time and what is allowed."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from surveys.diaryrules import LineInput, Problem, Unrated, check_day, hour_totals, unrated

from .helpers import day_post, row, write_diary_csv

pytestmark = pytest.mark.django_db

INVOICES = "Finance: invoice handling"
BUDGET = "Finance: budget, follow-up"


def test_hour_totals_add_each_hour_across_rows(tasks):
    lines = [
        LineInput(task=tasks["invoices"], minutes=[10, 20, 0]),
        LineInput(task=tasks["budget"], minutes=[50, 0, 5]),
    ]

    assert hour_totals(lines, 3) == [60, 20, 5]


def test_hour_totals_leave_out_boxes_that_are_not_allowed(tasks):
    lines = [
        LineInput(task=tasks["invoices"], minutes=[61, -1, 30]),
        LineInput(task=tasks["budget"], minutes=[40, 20, 30]),
    ]

    assert hour_totals(lines, 3) == [40, 20, 60]


def test_every_rule_of_a_day_names_the_row_hour_and_what_is_allowed(survey, tasks):
    lines = [
        LineInput(task=tasks["invoices"], minutes=[61, 0, 0, 0, 0, 0, 0, 0, 5], value=5),
        LineInput(task=tasks["budget"], minutes=[40, -1], function=0),
        LineInput(task=tasks["planning"], minutes=[30, 40]),
        LineInput(task=tasks["other"], note="n" * 501),
    ]

    assert check_day(survey, lines) == [
        Problem(f"{INVOICES}, 08–09: 61 minutes is not allowed; an hour has at most 60.", 0, 1, "minutes"),
        Problem(f"{INVOICES}: this round has 8 hours, so hour 9 must be empty.", 0, 9, "minutes"),
        Problem(
            f"{INVOICES}, value for the operation: the rating 5 is not allowed; choose 1, 2, 3 or 4.", 0, None, "value"
        ),
        Problem(f"{BUDGET}, 09–10: -1 minutes is not allowed; enter 0 to 60.", 1, 2, "minutes"),
        Problem(
            f"{BUDGET}, how well the task worked: the rating 0 is not allowed; choose 1, 2, 3 or 4.",
            1,
            None,
            "function",
        ),
        Problem("Other (specify), specify: at most 500 characters (now 501).", 3, None, "note"),
        # The 61 is wrong on its own; the allowed 40 and 30 take hour 1 over 60 at the planning row.
        Problem("08–09: the tasks add up to 70 minutes, but an hour has at most 60.", 2, 1, "hour"),
    ]


def test_hours_are_named_by_the_rounds_first_hour(survey, tasks):
    survey.first_hour = 7
    lines = [LineInput(task=tasks["invoices"], minutes=[0, 0, 40]), LineInput(task=tasks["budget"], minutes=[0, 0, 30])]

    assert [problem.message for problem in check_day(survey, lines)] == [
        "09–10: the tasks add up to 70 minutes, but an hour has at most 60."
    ]


def test_a_note_of_500_characters_with_spaces_around_is_allowed(survey, tasks):
    assert check_day(survey, [LineInput(task=tasks["other"], minutes=[10], note=f"  {'n' * 500}  ")]) == []


def test_a_submitted_day_needs_minutes(survey, tasks):
    lines = [LineInput(task=tasks["documentation"], value=2, function=2)]

    assert check_day(survey, lines) == []
    assert [problem.message for problem in check_day(survey, lines, submit=True)] == [
        "A day with no minutes cannot be submitted. Enter the minutes you spent, or save the day as a draft."
    ]


def test_unrated_rows_are_those_with_minutes_and_either_rating_missing(tasks):
    lines = [
        LineInput(task=tasks["invoices"], minutes=[0, 15], value=3),  # how well it worked is missing
        LineInput(task=tasks["budget"], minutes=[20], value=2, function=2),  # rated
        LineInput(task=tasks["planning"], minutes=[10], function=4),  # value is missing
        LineInput(task=tasks["documentation"], minutes=[0, 0], value=2),  # no minutes
        LineInput(task=tasks["other"], note="Brandövning"),  # no minutes
        LineInput(task=tasks["it-services"], minutes=[5]),  # neither
    ]

    rows = unrated(lines, language="en")

    assert rows == [
        Unrated(0, tasks["invoices"], "Finance: invoice handling", ("function",)),
        Unrated(2, tasks["planning"], tasks["planning"].display_label("en"), ("value",)),
        Unrated(5, tasks["it-services"], tasks["it-services"].display_label("en"), ("value", "function")),
    ]
    assert [row.missing() for row in rows] == [
        "missing: how well the task worked",
        "missing: value for the operation",
        "missing: both ratings",
    ]


def test_an_empty_row_is_one_without_minutes_ratings_or_note(tasks):
    assert LineInput(task=tasks["other"], minutes=[0, 0], note="  ").is_empty()
    assert not LineInput(task=tasks["other"], note="Brandövning").is_empty()
    assert not LineInput(task=tasks["other"], value=1).is_empty()
    assert not LineInput(task=tasks["other"], minutes=[0, 1]).is_empty()


# --- One message wherever a rule fails -------------------------------------------------------------


def test_a_bad_line_gets_the_same_messages_on_the_form_the_upload_page_and_the_command(
    english_client, survey, manager, participant, administrator, tmp_path
):
    expected = [
        f"{INVOICES}, 08–09: 70 minutes is not allowed; an hour has at most 60.",
        f"{INVOICES}, value for the operation: the rating 5 is not allowed; choose 1, 2, 3 or 4.",
    ]
    path = write_diary_csv(tmp_path / "days.csv", [row(7, "2025-03-03", "invoices", [70], value=5)])

    english_client.force_login(manager)
    day_url = reverse("surveys:day", args=[survey.slug, "2025-03-03"])
    form = english_client.post(day_url, day_post(survey, {"invoices-h1": 70, "invoices-value": 5}))
    english_client.force_login(administrator)
    upload_url = reverse("surveys:diary_upload", args=[survey.slug])
    upload = SimpleUploadedFile("dagbok.csv", path.read_bytes(), content_type="text/csv")
    page = english_client.post(upload_url, {"file": upload})
    stderr = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_diaries", str(path), survey=survey.slug, stdout=io.StringIO(), stderr=stderr)

    assert [entry.message for entry in form.context["error_summary"]] == expected
    assert [(error.row, error.column, error.message) for error in page.context["errors"]] == [
        (2, "h1", expected[0]),
        (2, "value", expected[1]),
    ]
    assert stderr.getvalue().splitlines() == [f"Row 2, column h1: {expected[0]}", f"Row 2, column value: {expected[1]}"]
