"""A diary file's row is checked in full in one import, also when it belongs to no day of the round: its task
code unknown, or its participant, date or task unreadable. Its minutes, ratings and note get the rules of a
row on its own, in the form's words, naming the task by its code as the file writes it; nothing is stored."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from surveys.diaryfile import UnplacedRow, read_file
from surveys.services import DiaryError, diaries_check, diaries_import

from .helpers import row, snapshot, write_diary_csv

pytestmark = pytest.mark.django_db

GOOD = row(9, "2025-03-04", "planning", [30, 30], 3, 3)
NOTE_LIMIT = 500  # the form's "specify" box


def clock(survey, hour: int) -> str:
    """Hour `hour` of the form as its clock times: hour 1 starts at the round's first hour."""
    start = survey.first_hour + hour - 1
    return f"{start:02d}–{start + 1:02d}"


def codes(survey) -> str:
    return ", ".join(survey.tasks.values_list("code", flat=True))


def failed_import(path, survey) -> list[str]:
    """Run import_diaries, which must fail; the lines it wrote to stderr."""
    err = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("import_diaries", str(path), survey=survey.slug, stdout=io.StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    # The closing line counts the messages and names the file, in the installation's language.
    assert str(refused.value).startswith(f"{len(lines)} ") and str(path) in str(refused.value)
    return lines


def preview(client, survey, path):
    with open(path, "rb") as file:
        return client.post(reverse("surveys:diary_upload", args=[survey.slug]), {"file": file})


def checked(survey, path) -> list[str]:
    """What the reader and `diaries_check` say of a file, as the command puts them together."""
    parsed = read_file(path, hours=survey.hours_per_day)
    plan = diaries_check(survey=survey, rows=parsed.rows, unplaced=parsed.unplaced)
    return [str(error) for error in sorted([*parsed.errors, *plan.errors], key=lambda error: error.row)]


# --- An unknown task code and 75 minutes in the same row ------------------------------------------------


@pytest.fixture
def coffee_file(tmp_path):
    return write_diary_csv(tmp_path / "days.csv", [GOOD, row(9, "2025-03-05", "coffee", [0, 0, 75])])


def coffee_errors(survey) -> list[str]:
    return [
        f"Row 3, column task: unknown task code “coffee”; this round has: {codes(survey)}",
        f"Row 3, column h3: “coffee”, {clock(survey, 3)}: 75 minutes is not allowed; an hour has at most 60.",
    ]


def test_the_command_names_an_unknown_task_and_its_75_minutes_in_one_run(survey, coffee_file):
    before = snapshot(survey)

    errors = failed_import(coffee_file, survey)

    assert errors == coffee_errors(survey)
    assert snapshot(survey) == before


def test_the_check_names_both_and_the_import_refuses_both(survey, coffee_file):
    before = snapshot(survey)
    parsed = read_file(coffee_file, hours=survey.hours_per_day)

    plan = diaries_check(survey=survey, rows=parsed.rows)
    with pytest.raises(DiaryError) as refused:
        diaries_import(survey=survey, rows=parsed.rows)

    assert parsed.errors == []
    assert [str(error) for error in plan.errors] == coffee_errors(survey)
    # The import checks again while it writes (the known rows first, in a savepoint): the same two, nothing kept.
    assert [str(error) for error in refused.value.errors] == coffee_errors(survey)
    assert snapshot(survey) == before


def test_the_upload_preview_names_both_and_stores_nothing(admin_client, survey, coffee_file):
    before = snapshot(survey)

    response = preview(admin_client, survey, coffee_file)

    assert response.status_code == 400
    assert [str(error) for error in response.context["errors"]] == coffee_errors(survey)
    content = response.content.decode()
    assert "Nothing was stored: the file has 2 problems." in content
    assert f"“coffee”, {clock(survey, 3)}: 75 minutes is not allowed; an hour has at most 60." in content
    assert snapshot(survey) == before


def test_the_row_is_named_by_the_clock_times_of_the_round(survey, tmp_path):
    survey.first_hour = 7
    survey.save()
    path = write_diary_csv(tmp_path / "days.csv", [GOOD, row(9, "2025-03-05", "coffee", [0, 0, 75])])

    assert failed_import(path, survey)[1].startswith("Row 3, column h3: “coffee”, 09–10: 75 minutes")


def test_the_swedish_messages_use_the_form_s_words(survey, coffee_file):
    with translation.override("sv"):
        errors = failed_import(coffee_file, survey)

    assert errors == [
        f"Rad 3, kolumn task: okänd uppgiftskod ”coffee”; mätomgången har: {codes(survey)}",
        f"Rad 3, kolumn h3: ”coffee”, {clock(survey, 3)}: 75 minuter går inte; en timme har högst 60.",
    ]


# --- A date that cannot be read and a rating of 5 ---------------------------------------------------------


@pytest.fixture
def undated_file(tmp_path):
    return write_diary_csv(tmp_path / "days.csv", [GOOD, row(9, "4/3", "planning", [10], value=5)])


UNDATED_ERRORS = [
    "Row 3, column date: “4/3” is not a date; write YYYY-MM-DD",
    "Row 3, column value: “planning”, value for the operation: the rating 5 is not allowed; choose 1, 2, 3 or 4.",
]


def test_the_command_names_an_unreadable_date_and_its_rating_in_one_run(survey, undated_file):
    before = snapshot(survey)

    errors = failed_import(undated_file, survey)

    assert errors == UNDATED_ERRORS
    assert snapshot(survey) == before


def test_the_check_names_the_rating_of_the_row_without_a_day(survey, undated_file):
    parsed = read_file(undated_file, hours=survey.hours_per_day)

    plan = diaries_check(survey=survey, rows=parsed.rows, unplaced=parsed.unplaced)

    # The reader names the date; the check the rest of the row, which it can only see when given it.
    assert [str(error) for error in parsed.errors] == UNDATED_ERRORS[:1]
    assert [str(error) for error in plan.errors] == UNDATED_ERRORS[1:]
    assert diaries_check(survey=survey, rows=parsed.rows).errors == []


def test_the_upload_preview_names_the_date_and_the_rating_and_stores_nothing(admin_client, survey, undated_file):
    before = snapshot(survey)

    response = preview(admin_client, survey, undated_file)

    assert response.status_code == 400
    assert [str(error) for error in response.context["errors"]] == UNDATED_ERRORS
    assert "Nothing was stored: the file has 2 problems." in response.content.decode()
    assert snapshot(survey) == before


def test_the_swedish_upload_preview_uses_the_form_s_words(admin_client, survey, undated_file):
    admin_client.cookies["django_language"] = "sv"

    response = preview(admin_client, survey, undated_file)

    assert [str(error) for error in response.context["errors"]] == [
        "Rad 3, kolumn date: ”4/3” är inget datum; skriv ÅÅÅÅ-MM-DD",
        "Rad 3, kolumn value: ”planning”, nytta för verksamheten: betyget 5 går inte; välj 1, 2, 3 eller 4.",
    ]
    assert "Inget sparades" in response.content.decode()


# --- Every rule of a row on its own, and only those --------------------------------------------------------


def test_every_problem_is_named_in_row_order(survey, tmp_path):
    rows = [
        GOOD,
        row("nio", "2025-03-05", "budget", [61], function=0),  # no participant
        row(9, "2025-03-05", "planning", [0, -1]),  # a known row: the day's rules
        row(9, "2025-03-06", "coffee", [10], value=7),  # an unknown task
        row(9, "2025-03-06", "", [0, 0, 0, 90]),  # no task
    ]
    path = write_diary_csv(tmp_path / "days.csv", rows)
    before = snapshot(survey)

    errors = failed_import(path, survey)

    assert [error.split(": ")[0] for error in errors] == [
        "Row 3, column participant",
        "Row 3, column h1",
        "Row 3, column function",
        "Row 4, column h2",
        "Row 5, column task",
        "Row 5, column value",
        "Row 6, column task",
        "Row 6, column h4",
    ]
    assert errors[-1] == (
        f"Row 6, column h4: (no task code), {clock(survey, 4)}: 90 minutes is not allowed; an hour has at most 60."
    )
    assert errors == checked(survey, path)
    assert snapshot(survey) == before


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        (
            {"minutes": [0, -1]},
            "h2",
            "“{task}”, {clock2}: -1 minutes is not allowed; enter 0 to 60.",
        ),
        (
            {"minutes": [0, 10**20]},  # past what numpy holds: each row by itself
            "h2",
            "“{task}”, {clock2}: 100000000000000000000 minutes is not allowed; an hour has at most 60.",
        ),
        (
            {"function": 0},
            "function",
            "“{task}”, how well the task worked: the rating 0 is not allowed; choose 1, 2, 3 or 4.",
        ),
        (
            {"note": "n" * (NOTE_LIMIT + 1)},
            "note",
            f"“{{task}}”, specify: at most {NOTE_LIMIT} characters (now {NOTE_LIMIT + 1}).",
        ),
    ],
    ids=["negative minutes", "minutes past 64 bits", "a rating of 0", "a note over the limit"],
)
def test_a_row_of_an_unknown_task_gets_each_rule_of_a_row(survey, tmp_path, cells, column, message):
    path = write_diary_csv(tmp_path / "days.csv", [GOOD, row(9, "2025-03-05", "coffee", **cells)])

    errors = failed_import(path, survey)

    assert errors[1:] == [f"Row 3, column {column}: " + message.format(task="coffee", clock2=clock(survey, 2))]


def test_a_task_code_too_long_to_be_one_is_named_as_the_messages_quote_cells(survey, tmp_path):
    code = "p" * 51
    path = write_diary_csv(tmp_path / "days.csv", [GOOD, row(9, "2025-03-05", code, [75])])

    errors = failed_import(path, survey)

    assert errors == [
        "Row 3, column task: must be a task code of at most 50 characters (now 51)",
        f"Row 3, column h1: “{'p' * 40}…”, {clock(survey, 1)}: 75 minutes is not allowed; an hour has at most 60.",
    ]


def test_a_row_without_a_day_is_not_counted_in_any_hour(survey, tmp_path):
    # Its hours belong to no day: 40 + 30 minutes beside GOOD's 30 in hour 1 of the same date is no hour over 60.
    rows = [GOOD, row(9, "2025-03-04", "coffee", [40]), row("x", "2025-03-04", "budget", [30])]
    path = write_diary_csv(tmp_path / "days.csv", rows)

    errors = failed_import(path, survey)

    assert [error.split(": ")[0] for error in errors] == ["Row 3, column task", "Row 4, column participant"]


def test_unplaced_rows_are_checked_but_never_stored(survey):
    plan = diaries_check(survey=survey, rows=[], unplaced=[UnplacedRow(2, "budget", [10], 2, 3, "")])

    # Nothing wrong with its cells: no error from the check (the reader has named its day), and nothing planned.
    assert (plan.errors, plan.days) == ([], [])
