"""import_diaries and export_diaries: all or nothing, every bad row named, and a lossless round trip."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from surveys.diaryfile import header
from surveys.models import DiaryDay, DiaryLine, Participant, Survey
from surveys.services import LineInput, diary_save, survey_create

from .helpers import emptied_day, export_csv, row, snapshot, write_diary_csv

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2025, 3, 3)
TUESDAY = dt.date(2025, 3, 4)


@pytest.fixture
def filled(survey, participant, other_participant) -> Survey:
    """A round with varied diaries: notes with separators and quotes, empty ratings, full hours, hour 8."""
    tasks = {task.code: task for task in survey.tasks.all()}
    unlinked = Participant.objects.create(survey=survey, number=3)
    days = {
        (participant, MONDAY): [
            LineInput(task=tasks["invoices"], minutes=[20, 0, 5], value=2, function=1),
            LineInput(task=tasks["other"], minutes=[0, 15], note='Möte "Ängen"; kväll, sent'),
            LineInput(task=tasks["direct-meeting"], minutes=[40, 45, 55, 60, 30, 60, 60, 60], value=4, function=4),
        ],
        (participant, TUESDAY): [LineInput(task=tasks["budget"], minutes=[60, 60], value=3)],
        (other_participant, MONDAY): [
            LineInput(task=tasks["it-services"], minutes=[0, 0, 0, 0, 0, 0, 0, 1], function=2),
            LineInput(task=tasks["information"], minutes=[10], note="Intranätet, igen"),
        ],
        (unlinked, dt.date(2025, 3, 7)): [LineInput(task=tasks["payroll-hr"], minutes=[30, 30], value=1, function=1)],
    }
    for (who, date), lines in days.items():
        diary_save(participant=who, date=date, lines=lines, submit=True)
    return survey


@pytest.fixture
def empty_copy(survey) -> Survey:
    """An empty round with the same template and dates."""
    return survey_create(
        slug="copy",
        name="Kopia",
        municipality=survey.municipality,
        start_date=survey.start_date,
        end_date=survey.end_date,
        status=Survey.Status.OPEN,
    )


def run_import(path, survey, **options) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_diaries", str(path), survey=survey.slug, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def failed_import(path, survey, **options) -> list[str]:
    """Run an import that must fail; returns the lines it wrote to stderr, one per error, which the
    refusal counts."""
    err = io.StringIO()
    with pytest.raises(CommandError) as refusal:
        call_command("import_diaries", str(path), survey=survey.slug, stdout=io.StringIO(), stderr=err, **options)
    lines = err.getvalue().splitlines()
    counted = "1 error" if len(lines) == 1 else f"{len(lines)} errors"
    assert str(refusal.value) == f"{counted} in {path}; nothing was imported."
    return lines


PLANNING = "Planning and follow-up of the operation"
GOOD = row(9, "2025-03-04", "planning", [30, 30], 3, 3)

BAD_ROWS = {
    "unknown task": (
        [GOOD, row(9, "2025-03-05", "coffee", [10])],
        "Row 3, column task: unknown task code “coffee”; this round has: direct-meeting, direct-phone,",
    ),
    "date before the round": (
        [GOOD, row(9, "2025-03-02", "planning", [10])],
        "Row 3, column date: 2025-03-02 is outside the round (2025-03-03 to 2025-03-07)",
    ),
    "date after the round": (
        [GOOD, row(9, "2025-03-10", "planning", [10])],
        "Row 3, column date: 2025-03-10 is outside the round (2025-03-03 to 2025-03-07)",
    ),
    "61 minutes": (
        [GOOD, row(9, "2025-03-05", "planning", [0, 0, 61])],
        f"Row 3, column h3: {PLANNING}, 10–11: 61 minutes is not allowed; an hour has at most 60.",
    ),
    "negative minutes": (
        [GOOD, row(9, "2025-03-05", "planning", [-1])],
        f"Row 3, column h1: {PLANNING}, 08–09: -1 minutes is not allowed; enter 0 to 60.",
    ),
    "non-numeric minutes": (
        [GOOD, row(9, "2025-03-05", "planning", [0, "halv"])],
        "Row 3, column h2: “halv” is not allowed: minutes are whole numbers from 0 to 60 (empty means 0)",
    ),
    "an hour over 60 across rows": (
        [GOOD, row(9, "2025-03-04", "budget", [31])],
        "Row 3, column h1: 08–09: the tasks add up to 61 minutes, but an hour has at most 60.",
    ),
    "value rating 5": (
        [GOOD, row(9, "2025-03-05", "planning", [10], value=5)],
        f"Row 3, column value: {PLANNING}, value for the operation: the rating 5 is not allowed; choose 1, 2, 3 or 4.",
    ),
    "function rating 0": (
        [GOOD, row(9, "2025-03-05", "planning", [10], function=0)],
        f"Row 3, column function: {PLANNING}, how well the task worked: "
        "the rating 0 is not allowed; choose 1, 2, 3 or 4.",
    ),
    "a note over 500 characters": (
        [GOOD, row(9, "2025-03-05", "other", [10], note="n" * 501)],
        "Row 3, column note: Other (specify), specify: at most 500 characters (now 501).",
    ),
    "duplicate row": (
        [GOOD, row(9, "2025-03-04", "planning", [0, 0, 10])],
        "Row 3, column task: repeats row 2: each participant, date and task only once",
    ),
    "participant 99999999999": (
        [GOOD, row(99999999999, "2025-03-05", "planning", [10])],
        "Row 3, column participant: “99999999999” is not a participant number; use a whole number from 1 to 99999",
    ),
    "participant 1e6": (
        [GOOD, row("1e6", "2025-03-05", "planning", [10])],
        "Row 3, column participant: “1e6” is not a participant number; use a whole number from 1 to 99999",
    ),
    "a task code over 50 characters": (
        [GOOD, row(9, "2025-03-05", "p" * 51, [10])],
        "Row 3, column task: must be a task code of at most 50 characters (now 51)",
    ),
    "minutes 1e1": (
        [GOOD, row(9, "2025-03-05", "planning", ["1e1"])],
        "Row 3, column h1: “1e1” is not allowed: minutes are whole numbers from 0 to 60 (empty means 0)",
    ),
    "minutes past what a 64-bit number holds": (
        [GOOD, row(9, "2025-03-05", "planning", [0, 10**20])],
        f"Row 3, column h2: {PLANNING}, 09–10: 100000000000000000000 minutes is not allowed; an hour has at most 60.",
    ),
    "a note over the csv module's field limit of 131 072 characters": (
        [GOOD, row(9, "2025-03-05", "other", [10], note="n" * 200_000)],
        "Row 3, column note: Other (specify), specify: at most 500 characters (now 200000).",
    ),
    "a minutes cell over the csv module's field limit": (
        [GOOD, row(9, "2025-03-05", "planning", ["9" * 200_000])],
        "Row 3, column h1: “" + "9" * 40 + "…” is not allowed: minutes are whole numbers from 0 to 60 (empty means 0)",
    ),
    "a NUL in a note": (
        [GOOD, row(9, "2025-03-05", "other", [10], note="Möte\x00 kväll")],
        "Row 3, column note: holds the invisible control character U+0000, which is not allowed; remove it",
    ),
    "an escape character in a task code": (
        [GOOD, row(9, "2025-03-05", "plan\x1bning", [10])],
        "Row 3, column task: holds the invisible control character U+001B, which is not allowed; remove it",
    ),
    "a day that already has lines": (
        [GOOD, row(7, "2025-03-03", "budget", [0, 0, 0, 10])],
        "Row 3, column date: participant 7 already has a diary for 2025-03-03; import with --replace to overwrite it",
    ),
}


@pytest.mark.parametrize("kind", BAD_ROWS)
def test_a_bad_row_is_named_and_nothing_is_imported(filled, tmp_path, kind):
    rows, message = BAD_ROWS[kind]
    path = write_diary_csv(tmp_path / "days.csv", rows)
    before = snapshot(filled)

    errors = failed_import(path, filled)

    assert len(errors) == 1
    assert errors[0].startswith(message)
    assert snapshot(filled) == before
    assert not Participant.objects.filter(number=9).exists()


@pytest.mark.parametrize(
    "columns",
    [
        header(7),
        header(9),
        ["participant", "date", "task", "h1", "h2", "h3", "h4", "h5", "h6", "h7", "h8", "value", "function"],
        ["deltagare", "datum", "uppgift", *[f"t{n}" for n in range(1, 9)], "nytta", "funktion", "notering"],
    ],
)
def test_a_bad_header_is_named_and_nothing_is_imported(filled, tmp_path, columns):
    path = tmp_path / "days.csv"
    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(columns)
        writer.writerow(GOOD)
    before = snapshot(filled)

    (error,) = failed_import(path, filled)

    assert error.startswith(
        "Row 1: the header must be participant,date,task,h1,h2,h3,h4,h5,h6,h7,h8,value,function,note"
    )
    assert snapshot(filled) == before


def test_every_bad_cell_is_named_on_its_own_line(filled, tmp_path):
    rows = [
        row(9, "2025-03-04", "planning", [61]),
        GOOD,
        row(9, "2025-03-05", "planning", [10], value="fem"),
        row(10, "2025-03-05", "budget", [10, "x"], function=9),
    ]
    path = write_diary_csv(tmp_path / "days.csv", rows)
    before = snapshot(filled)

    errors = failed_import(path, filled)

    # Row 2 is read too (61 is a whole number, just not allowed), so row 3 repeats its task on the same day.
    assert [error.split(":")[0] for error in errors] == [
        "Row 2, column h1",
        "Row 3, column task",
        "Row 4, column value",
        "Row 5, column h2",
        "Row 5, column function",
    ]
    assert snapshot(filled) == before


def test_every_bad_row_is_named_in_row_order(filled, tmp_path):
    rows = [
        GOOD,
        row(9, "2025-03-04", "budget", [40]),
        row(7, "2025-03-03", "planning", [5]),
        row(9, "2025-03-11", "coffee", [5]),
        row(9, "2025-03-04", "planning", [0, 5]),
    ]
    path = write_diary_csv(tmp_path / "days.csv", rows)
    before = snapshot(filled)

    errors = failed_import(path, filled)

    assert [error.split(":")[0] for error in errors] == [
        "Row 3, column h1",
        "Row 4, column date",
        "Row 5, column task",
        "Row 5, column date",
        "Row 6, column task",
    ]
    assert snapshot(filled) == before


def test_unreadable_cells_and_rules_of_the_round_are_named_in_one_run(filled, tmp_path):
    rows = [GOOD, row(9, "2025-03-05", "planning", ["x"]), row(9, "2025-03-11", "coffee", [5])]
    path = write_diary_csv(tmp_path / "days.csv", rows)
    before = snapshot(filled)

    errors = failed_import(path, filled)

    assert [error.split(":")[0] for error in errors] == ["Row 3, column h1", "Row 4, column task", "Row 4, column date"]
    assert snapshot(filled) == before


def test_an_hour_over_60_is_counted_per_participant_and_day(survey, tmp_path):
    rows = [
        row(9, "2025-03-04", "planning", [40]),
        row(10, "2025-03-04", "planning", [40]),
        row(9, "2025-03-05", "planning", [40]),
        row(9, "2025-03-04", "budget", [20, 60]),
    ]

    run_import(write_diary_csv(tmp_path / "days.csv", rows), survey)

    assert DiaryLine.objects.count() == 4


def test_the_import_creates_missing_participants_by_number(survey, participant, tmp_path):
    rows = [
        row(7, "2025-03-03", "planning", [30], 3, 2),
        row(12, "2025-03-03", "invoices", [10, 10], note="Leverantör"),
        row(12, "2025-03-04", "budget", [0, 0, 0, 0, 0, 0, 0, 60], 1, 1),
        row(4, "2025-03-07", "payroll-hr", [15]),
    ]

    out, _err = run_import(write_diary_csv(tmp_path / "days.csv", rows), survey)

    assert out.strip() == "Imported 4 lines on 4 days into test-round (2 new participants)."
    assert sorted(survey.participants.values_list("number", "user__username")) == [(4, None), (7, "alice"), (12, None)]
    assert participant.days.get().lines.get().h1 == 30
    assert set(DiaryDay.objects.values_list("status", flat=True)) == {DiaryDay.Status.SUBMITTED}
    line = DiaryLine.objects.get(day__participant__number=12, task__code="budget")
    assert (line.h8, line.minutes, line.value, line.function) == (60, 60, 1, 1)
    assert DiaryLine.objects.get(task__code="invoices").note == "Leverantör"


def test_the_import_marks_the_round_data_changed(survey, tmp_path):
    before = survey.data_version

    run_import(write_diary_csv(tmp_path / "days.csv", [GOOD]), survey)

    survey.refresh_from_db()
    assert survey.data_version > before


def test_empty_rows_are_not_stored(survey, tmp_path):
    rows = [GOOD, row(9, "2025-03-04", "budget"), row(9, "2025-03-04", "it-services", [0, 0])]

    out, _err = run_import(write_diary_csv(tmp_path / "days.csv", rows), survey)

    assert out.startswith("Imported 1 line on 1 day into test-round (1 new participant).")
    assert list(DiaryLine.objects.values_list("task__code", flat=True)) == ["planning"]


def test_an_imported_day_without_minutes_is_still_submitted(survey, tmp_path):
    # Only the day form refuses to submit a day without minutes; a file is a paper form already handed in.
    rows = [row(9, "2025-03-05", "documentation", [], 2, 2)]

    run_import(write_diary_csv(tmp_path / "days.csv", rows), survey)

    day = DiaryDay.objects.get()
    assert (day.status, day.minutes, day.lines.count()) == (DiaryDay.Status.SUBMITTED, 0, 1)


def test_replace_overwrites_the_days_in_the_file_only(filled, tmp_path):
    others_before = list(
        DiaryLine.objects.exclude(day__participant__number=7, day__date=MONDAY).values_list("day__date", "task__code")
    )
    rows = [row(7, "2025-03-03", "budget", [0, 0, 0, 45], 2, 2), row(7, "2025-03-03", "planning", [50])]

    run_import(write_diary_csv(tmp_path / "days.csv", rows), filled, replace=True)

    assert sorted(
        DiaryLine.objects.filter(day__participant__number=7, day__date=MONDAY).values_list("task__code", "h1", "h4")
    ) == [("budget", 0, 45), ("planning", 50, 0)]
    others_after = list(
        DiaryLine.objects.exclude(day__participant__number=7, day__date=MONDAY).values_list("day__date", "task__code")
    )
    assert others_after == others_before
    assert DiaryDay.objects.filter(participant__number=7, date=MONDAY).count() == 1


def test_a_day_without_lines_may_be_imported_into_without_replace(survey, participant, tmp_path):
    emptied_day(participant, MONDAY)

    run_import(write_diary_csv(tmp_path / "days.csv", [row(7, "2025-03-03", "budget", [10])]), survey)

    assert list(participant.days.get().lines.values_list("task__code", flat=True)) == ["budget"]


def test_an_unknown_round_is_refused(tmp_path):
    path = write_diary_csv(tmp_path / "days.csv", [GOOD])

    with pytest.raises(CommandError, match="^No survey round “nope”$"):
        call_command("import_diaries", str(path), survey="nope")


def test_an_unknown_file_type_is_refused(survey, tmp_path):
    path = tmp_path / "days.txt"
    path.write_text("participant,date\n")

    with pytest.raises(CommandError, match="use .csv or .xlsx"):
        call_command("import_diaries", str(path), survey=survey.slug)


def test_a_missing_file_is_refused(survey, tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_diaries", str(tmp_path / "missing.csv"), survey=survey.slug)


# --- Export ----------------------------------------------------------------------------------------


def test_the_export_lists_lines_by_participant_date_and_task_order(filled):
    lines = export_csv(filled).splitlines()

    assert lines[0] == ",".join(header(8))
    assert lines[1:] == [
        "3,2025-03-07,payroll-hr,30,30,0,0,0,0,0,0,1,1,",
        "7,2025-03-03,direct-meeting,40,45,55,60,30,60,60,60,4,4,",
        "7,2025-03-03,invoices,20,0,5,0,0,0,0,0,2,1,",
        '7,2025-03-03,other,0,15,0,0,0,0,0,0,,,"Möte ""Ängen""; kväll, sent"',
        "7,2025-03-04,budget,60,60,0,0,0,0,0,0,3,,",
        '8,2025-03-03,information,10,0,0,0,0,0,0,0,,,"Intranätet, igen"',
        "8,2025-03-03,it-services,0,0,0,0,0,0,0,1,,2,",
    ]


def test_the_export_leaves_out_draft_days_and_says_how_many(filled, participant, empty_copy, tmp_path):
    # An import stores every day as submitted: a draft exported and imported again would count in the figures.
    tasks = {task.code: task for task in filled.tasks.all()}
    draft = dt.date(2025, 3, 5)
    diary_save(
        participant=participant, date=draft, lines=[LineInput(task=tasks["invoices"], minutes=[45])], submit=False
    )
    before = export_csv(filled)
    stderr = io.StringIO()

    call_command("export_diaries", survey=filled.slug, output=str(tmp_path / "out.csv"), stderr=stderr)

    assert (tmp_path / "out.csv").read_text() == before
    assert draft.isoformat() not in before and len(before.splitlines()) == 1 + 7
    assert "Left out 1 draft day: only submitted days are exported" in stderr.getvalue()
    run_import(tmp_path / "out.csv", empty_copy)
    submitted = DiaryDay.objects.filter(status=DiaryDay.Status.SUBMITTED)
    assert (
        submitted.filter(participant__survey=empty_copy).count() == submitted.filter(participant__survey=filled).count()
    )


def test_an_xlsx_export_needs_a_file(filled):
    with pytest.raises(CommandError, match="xlsx needs a file"):
        call_command("export_diaries", survey=filled.slug, format="xlsx")


def test_the_export_of_an_unknown_round_is_refused(db):
    with pytest.raises(CommandError, match="^No survey round “nope”$"):
        call_command("export_diaries", survey="nope")


# --- Round trip ------------------------------------------------------------------------------------


def export_to(survey, path) -> None:
    call_command("export_diaries", survey=survey.slug, output=str(path), stderr=io.StringIO())


def sheet_values(path) -> list[tuple]:
    workbook = load_workbook(path, read_only=True)
    values = list(workbook.worksheets[0].values)
    workbook.close()
    return values


def test_csv_export_import_export_gives_the_same_file(filled, empty_copy, tmp_path):
    export_to(filled, tmp_path / "first.csv")

    run_import(tmp_path / "first.csv", empty_copy)
    export_to(empty_copy, tmp_path / "second.csv")

    assert (tmp_path / "second.csv").read_bytes() == (tmp_path / "first.csv").read_bytes()
    assert len((tmp_path / "first.csv").read_text().splitlines()) == 1 + 7


def test_semicolon_csv_export_import_export_gives_the_same_file(filled, empty_copy, tmp_path):
    export_to(filled, tmp_path / "first.csv")
    # As Swedish Excel saves it: semicolons, CRLF and a byte order mark.
    with open(tmp_path / "first.csv", encoding="utf-8", newline="") as stream:
        table = list(csv.reader(stream))
    with open(tmp_path / "excel.csv", "w", encoding="utf-8-sig", newline="") as stream:
        csv.writer(stream, delimiter=";", lineterminator="\r\n").writerows(table)
    assert (tmp_path / "excel.csv").read_text(encoding="utf-8-sig").startswith("participant;date;task;h1;")

    run_import(tmp_path / "excel.csv", empty_copy)
    export_to(empty_copy, tmp_path / "second.csv")

    assert (tmp_path / "second.csv").read_bytes() == (tmp_path / "first.csv").read_bytes()


def test_xlsx_export_import_export_gives_the_same_workbook(filled, empty_copy, tmp_path):
    export_to(filled, tmp_path / "first.xlsx")

    run_import(tmp_path / "first.xlsx", empty_copy)
    export_to(empty_copy, tmp_path / "second.xlsx")

    first = sheet_values(tmp_path / "first.xlsx")
    assert sheet_values(tmp_path / "second.xlsx") == first
    assert first[0] == tuple(header(8))
    assert len(first) == 1 + 7
    assert export_csv(empty_copy) == export_csv(filled)


def test_the_round_trip_keeps_participant_days_and_statuses(filled, empty_copy, tmp_path):
    export_to(filled, tmp_path / "first.csv")

    run_import(tmp_path / "first.csv", empty_copy)

    def days(survey):
        return sorted(DiaryDay.objects.filter(participant__survey=survey).values_list("participant__number", "date"))

    assert days(empty_copy) == days(filled)
    assert sorted(empty_copy.participants.values_list("number", flat=True)) == [3, 7, 8]
