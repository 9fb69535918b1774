"""What the diary import stores, day by day: statuses, versions, totals and notes exactly as the file has them,
on SQLite (executemany) and PostgreSQL (COPY) alike; and the import benchmark's figures."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from surveys import bulkwrite
from surveys.diaryfile import DiaryRow
from surveys.diaryimport import insert_lines
from surveys.models import HOUR_FIELDS, DiaryDay, DiaryLine, Participant, TaskTotal
from surveys.services import DiaryError, LineInput, diaries_check, diaries_import, diary_save

from .helpers import emptied_day, row, write_diary_csv

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2025, 3, 3)
TUESDAY = dt.date(2025, 3, 4)
WEDNESDAY = dt.date(2025, 3, 5)


def diary_row(number: int, date: dt.date, task: str, minutes=(), value=None, function=None, note="", *, at=2):
    return DiaryRow(at, number, date, task, [*minutes, *[0] * (8 - len(minutes))], value, function, note)


@pytest.fixture
def stored(survey, participant):
    """Number 7: a draft Monday with lines (saved twice: version 2) and a submitted Tuesday; number 8: a
    Wednesday saved with a row and then emptied (a day, version 2, no lines)."""
    tasks = {task.code: task for task in survey.tasks.all()}
    diary_save(participant=participant, date=MONDAY, lines=[LineInput(task=tasks["budget"], minutes=[10])])
    diary_save(participant=participant, date=MONDAY, lines=[LineInput(task=tasks["budget"], minutes=[20])])
    diary_save(
        participant=participant, date=TUESDAY, lines=[LineInput(task=tasks["invoices"], minutes=[30])], submit=True
    )
    eight = Participant.objects.create(survey=survey, number=8)
    emptied_day(eight, WEDNESDAY)
    return survey


def day_of(number: int, date: dt.date) -> DiaryDay:
    return DiaryDay.objects.get(participant__number=number, date=date)


def test_replacing_submits_the_day_raises_its_version_and_keeps_the_other_days(stored):
    tuesday = day_of(7, TUESDAY)

    result = diaries_import(
        survey=stored,
        rows=[
            diary_row(7, MONDAY, "planning", [30, 45], 3, 2, at=2),
            diary_row(7, MONDAY, "budget", [15], at=3),
            diary_row(8, WEDNESDAY, "invoices", [0, 0, 5], at=4),
            diary_row(9, WEDNESDAY, "information", [60, 60, 60], 4, 4, "Intranätet", at=5),
        ],
        replace=True,
    )

    assert (result.participants_created, result.days, result.lines) == (1, 3, 4)
    monday = day_of(7, MONDAY)
    assert (monday.status, monday.version, monday.minutes) == (DiaryDay.Status.SUBMITTED, 3, 30 + 45 + 15)
    assert monday.submitted_at is not None
    assert sorted(monday.lines.values_list("task__code", "h1", "h2")) == [("budget", 15, 0), ("planning", 30, 45)]
    # A stored day without lines is filled in; its version is raised like any stored day's.
    wednesday = day_of(8, WEDNESDAY)
    assert (wednesday.status, wednesday.version, wednesday.minutes) == (DiaryDay.Status.SUBMITTED, 3, 5)
    new = day_of(9, WEDNESDAY)
    assert (new.status, new.version, new.minutes) == (DiaryDay.Status.SUBMITTED, 1, 180)
    assert new.lines.count() == 1 and new.participant_id == Participant.objects.get(number=9).pk
    # The day not in the file is as it was.
    untouched = day_of(7, TUESDAY)
    assert (untouched.version, untouched.submitted_at, untouched.minutes) == (
        tuesday.version,
        tuesday.submitted_at,
        30,
    )
    assert list(untouched.lines.values_list("task__code", "h1")) == [("invoices", 30)]


def test_a_submitted_day_keeps_when_it_was_first_submitted(stored):
    first = day_of(7, TUESDAY).submitted_at

    diaries_import(survey=stored, rows=[diary_row(7, TUESDAY, "budget", [40])], replace=True)

    tuesday = day_of(7, TUESDAY)
    assert (tuesday.submitted_at, tuesday.minutes, tuesday.version) == (first, 40, 2)


def test_a_refused_import_stores_nothing(stored):
    before = (
        list(DiaryDay.objects.order_by("id").values_list("id", "version", "status", "minutes", "submitted_at")),
        list(DiaryLine.objects.order_by("id").values_list("id", "day_id", "h1")),
        Participant.objects.count(),
    )

    with pytest.raises(DiaryError) as refused:
        diaries_import(
            survey=stored,
            rows=[diary_row(9, MONDAY, "planning", [30], at=2), diary_row(7, MONDAY, "budget", [61], at=3)],
            replace=True,
        )

    assert [str(error) for error in refused.value.errors] == [
        "Row 3, column h1: Finance: budget, follow-up, 08–09: 61 minutes is not allowed; an hour has at most 60."
    ]
    after = (
        list(DiaryDay.objects.order_by("id").values_list("id", "version", "status", "minutes", "submitted_at")),
        list(DiaryLine.objects.order_by("id").values_list("id", "day_id", "h1")),
        Participant.objects.count(),
    )
    assert after == before


NOTES = [
    'Möte "Ängen"; kväll, sent',
    "två\nrader",
    "rad\n\\.\nefter",  # what COPY's CSV would read as the end of the data, were it a line of its own
    "a\\b\\N",  # backslashes, and what COPY's text format would read as NULL
    "=SUM(A1)",
    "x" * 500,
]


@pytest.mark.parametrize("note", NOTES, ids=range(len(NOTES)))
def test_notes_are_stored_exactly(survey, note):
    diaries_import(survey=survey, rows=[diary_row(7, MONDAY, "other", [10], note=note)])

    assert DiaryLine.objects.get().note == note


def test_empty_ratings_are_stored_as_none_and_an_empty_note_as_empty_text(survey):
    diaries_import(survey=survey, rows=[diary_row(7, MONDAY, "budget", [10])])

    assert DiaryLine.objects.values_list("value", "function", "note").get() == (None, None, "")


def test_a_large_file_stores_what_it_says(survey, tmp_path):
    """Every weekday of the round for 60 participants, 5 tasks a day: the days' totals and the lines'
    minutes are what the file's rows add up to."""
    codes = ["planning", "budget", "invoices", "information", "other"]
    rows = []
    expected_minutes: dict[tuple[int, str], int] = {}
    for number in range(1, 61):
        for date in survey.weekdays():
            for position, code in enumerate(codes):
                minutes = [(number + position + hour) % 12 for hour in range(8)]
                note = f"Rad {number}; {code}" if code == "other" else ""
                rows.append(row(number, date.isoformat(), code, minutes, position % 4 + 1, "", note))
                key = (number, date.isoformat())
                expected_minutes[key] = expected_minutes.get(key, 0) + sum(minutes)
    path = write_diary_csv(tmp_path / "days.csv", rows)

    out = io.StringIO()
    call_command("import_diaries", str(path), survey=survey.slug, stdout=out)

    days = len(expected_minutes)
    # Counts are grouped as the language writes them: English with a comma.
    assert (
        out.getvalue().strip()
        == f"Imported {len(rows):,} lines on {days:,} days into {survey.slug} (60 new participants)."
    )
    stored = {
        (number, date.isoformat()): minutes
        for number, date, minutes in DiaryDay.objects.values_list("participant__number", "date", "minutes")
    }
    assert stored == expected_minutes
    assert DiaryLine.objects.filter(note="Rad 60; other").count() == len(survey.weekdays())
    line = DiaryLine.objects.get(day__participant__number=3, day__date=survey.start_date, task__code="budget")
    assert [line.h1, line.h2, line.h8, line.minutes, line.value, line.function] == [4, 5, 11, 60, 2, None]


def test_the_preview_counts_what_the_import_stores(stored):
    rows = [
        diary_row(7, MONDAY, "planning", [30, 45], 3, 2, at=2),
        diary_row(7, MONDAY, "budget", at=3),  # empty: not stored
        diary_row(9, WEDNESDAY, "information", [60, 60, 60], at=4),
    ]

    plan = diaries_check(survey=stored, rows=rows, replace=True)

    assert [
        (d.participant, d.date, d.lines, d.minutes, d.status, d.replaces, d.new_participant) for d in plan.days
    ] == [
        (7, MONDAY, 1, 75, DiaryDay.Status.DRAFT, True, False),
        (9, WEDNESDAY, 1, 180, None, False, True),
    ]
    assert (plan.lines, plan.minutes, plan.replaced, plan.participants_created) == (2, 255, 1, [9])


def test_the_import_benchmark_prints_its_figures_as_json(db):
    out = io.StringIO()

    call_command("benchmark_import", lines=300, stdout=out)

    figures = json.loads(out.getvalue())
    assert figures["lines"] >= 250
    # Worked from the printed seconds, which are rounded to milliseconds: the rate and the ratio must lie
    # within what the unrounded times allow.
    seconds = figures["import_new_seconds"]
    low, high = figures["lines"] / (seconds + 0.0005), figures["lines"] / max(seconds - 0.0005, 1e-9)
    assert low * 0.99 <= figures["import_new_lines_per_second"] <= high * 1.01
    slowest = max(figures["import_new_seconds"], figures["import_replace_seconds"])
    export = figures["export_seconds"]
    assert (slowest - 0.0005) / (export + 0.0005) * 0.99 <= figures["ratio_import_to_export"]
    assert figures["ratio_import_to_export"] <= (slowest + 0.0005) / max(export - 0.0005, 1e-9) * 1.01
    assert figures["import_peak_python_memory_mb"] > 0
    assert not DiaryLine.objects.exists()  # the benchmark's round is gone


def test_a_control_character_in_rows_not_read_from_a_file_is_refused_too(survey):
    with pytest.raises(DiaryError) as refused:
        diaries_import(survey=survey, rows=[diary_row(7, MONDAY, "other", [10], note="a\x00b", at=4)])

    assert [str(error) for error in refused.value.errors] == [
        "Row 4, column note: holds the invisible control character U+0000, which is not allowed; remove it"
    ]
    assert not DiaryDay.objects.exists()


def test_an_xlsx_file_with_values_past_the_model_s_limits_is_named_and_nothing_is_stored(survey, tmp_path):
    from openpyxl import Workbook

    from surveys.diaryfile import header

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header(8))
    sheet.append([7, "2025-03-03", "planning", 30, None, None, None, None, None, None, None, 3, 3, None])
    sheet.append([99999999999, "2025-03-03", "budget", 10, None, None, None, None, None, None, None, None, None, None])
    sheet.append([7, "2025-03-04", "other", 1e6, None, None, None, None, None, None, None, 2.0, None, "n" * 600])
    sheet.append([7, "2025-03-05", "b" * 60, 10, None, None, None, None, None, None, None, None, None, None])
    path = tmp_path / "days.xlsx"
    workbook.save(path)

    err = io.StringIO()
    with pytest.raises(Exception, match=r"^4 errors in .*; nothing was imported\.$"):
        call_command("import_diaries", str(path), survey=survey.slug, stdout=io.StringIO(), stderr=err)

    assert err.getvalue().splitlines() == [
        "Row 3, column participant: “99999999999” is not a participant number; use a whole number from 1 to 99999",
        "Row 4, column h1: Other (specify), 08–09: 1000000 minutes is not allowed; an hour has at most 60.",
        "Row 4, column note: Other (specify), specify: at most 500 characters (now 600).",
        "Row 5, column task: must be a task code of at most 50 characters (now 60)",
    ]
    assert not DiaryDay.objects.exists()
    assert not Participant.objects.exists()


def test_an_sqlite_without_update_from_replaces_days_the_same(stored, monkeypatch):
    if connection.vendor != "sqlite":
        pytest.skip("a fallback for SQLite before 3.33")
    monkeypatch.setattr(connection.Database, "sqlite_version_info", (3, 31, 0))

    diaries_import(survey=stored, rows=[diary_row(7, MONDAY, "planning", [30, 45])], replace=True)

    monday = day_of(7, MONDAY)
    assert (monday.status, monday.version, monday.minutes) == (DiaryDay.Status.SUBMITTED, 3, 75)
    assert day_of(7, TUESDAY).minutes == 30


def test_new_participants_and_days_are_stored_as_the_orm_stores_them(survey):
    """On PostgreSQL they are written with COPY, as text: each column must read back as the ORM's save."""
    before = timezone.now()

    diaries_import(survey=survey, rows=[diary_row(9, MONDAY, "planning", [30, 45], 3, 2)])

    after = timezone.now()
    participant = Participant.objects.get(survey=survey, number=9)
    assert (participant.user, participant.unit, participant.invited_at) == (None, None, None)
    day = participant.days.get()
    assert (day.date, day.status, day.minutes, day.reopened, day.keyed_in_by, day.version) == (
        MONDAY,
        DiaryDay.Status.SUBMITTED,
        75,
        False,
        None,
        1,
    )
    assert before <= day.submitted_at <= day.updated_at <= after


def a_line(day: DiaryDay, task_id: int) -> tuple:
    return (day.pk, task_id, 30, *[0] * (len(HOUR_FIELDS) - 1), None, None, "")


def test_the_keys_written_are_checked_beside_the_block_and_a_missing_one_raises_after_it(survey, participant):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL defers the keys to the commit; elsewhere the block only runs")
    day = DiaryDay.objects.create(participant=participant, date=MONDAY)
    ran = []

    with pytest.raises(IntegrityError), transaction.atomic():
        insert_lines([a_line(day, 999_999)])
        with bulkwrite.keys_checked_meanwhile():
            ran.append("block")

    assert ran == ["block"]
    assert not DiaryLine.objects.exists()


def test_after_the_block_the_keys_are_deferred_to_the_commit_again(survey, participant):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL defers the keys to the commit; elsewhere the block only runs")
    day = DiaryDay.objects.create(participant=participant, date=MONDAY)
    task = survey.tasks.first()

    with transaction.atomic():
        insert_lines([a_line(day, task.pk)])
        with bulkwrite.keys_checked_meanwhile():
            pass
        insert_lines([a_line(DiaryDay.objects.create(participant=participant, date=TUESDAY), 999_999)])  # no error yet
        with pytest.raises(IntegrityError):
            connection.check_constraints()
        transaction.set_rollback(True)


def everything_stored():
    return (
        list(DiaryDay.objects.order_by("id").values_list("id", "version", "status", "minutes", "submitted_at")),
        list(DiaryLine.objects.order_by("id").values_list("id", "day_id", "task_id", "h1", "h2", "note")),
        list(Participant.objects.order_by("id").values_list("id", "number")),
        list(TaskTotal.objects.order_by("id").values_list("id", "participant_id", "minutes")),
    )


def test_rows_that_break_a_rule_the_database_accepts_are_refused_after_writing_and_nothing_stays(stored):
    """The import writes first and checks while the server checks the keys: a date outside the round and a
    day that has a diary (without replacing) pass the database, and must still leave nothing behind."""
    rows = [
        diary_row(9, MONDAY, "planning", [30], at=2),
        diary_row(9, dt.date(2030, 1, 7), "planning", [30], at=3),
        diary_row(7, TUESDAY, "budget", [20], at=4),
    ]
    before = everything_stored()
    expected = [str(error) for error in diaries_check(survey=stored, rows=rows).errors]

    with pytest.raises(DiaryError) as refused:
        diaries_import(survey=stored, rows=rows)

    assert [str(error) for error in refused.value.errors] == expected
    assert [(error.row, error.column) for error in refused.value.errors] == [(3, "date"), (4, "date")]
    assert everything_stored() == before


def test_a_database_error_that_no_rule_explains_is_raised_as_it_is_and_nothing_stays(stored, monkeypatch):
    from surveys import diaryimport

    def refuse(lines):
        raise IntegrityError("the disk said no")

    monkeypatch.setattr(diaryimport, "insert_lines", refuse)
    before = everything_stored()

    with pytest.raises(IntegrityError, match="the disk said no"):
        diaries_import(survey=stored, rows=[diary_row(9, MONDAY, "planning", [30])])

    assert everything_stored() == before
