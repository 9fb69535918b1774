"""The task totals (`surveys.totals`) stay the sums of each participant's submitted lines through every way
a diary is written: a save, a submit, a resave, clearing a day, an import (new and replacing) and the admin's
deletion of days. The sums are worked out here from the definitions, not read back from the code."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from surveys import totals
from surveys.diaryfile import DiaryRow
from surveys.models import DiaryDay, Participant, Survey, TaskTotal
from surveys.services import LineInput, diaries_import, diary_clear, diary_save

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2025, 3, 3)  # ISO weekday 1
TUESDAY = dt.date(2025, 3, 4)  # ISO weekday 2


def line(tasks, code, minutes, value=None, function=None):
    return LineInput(task=tasks[code], minutes=[*minutes, *[0] * (8 - len(minutes))], value=value, function=function)


def stored(participant) -> dict[str, dict[str, int]]:
    fields = ["minutes", "f_minutes", "f_weighted", "v_minutes", "v_weighted", "weekdays", "hf1", "hf2", "hf3"]
    return {
        row.pop("task__code"): row
        for row in TaskTotal.objects.filter(participant=participant).values("task__code", *fields)
    }


def file_row(number, date, code, minutes, value=None, function=None):
    return DiaryRow(2, number, date, code, [*minutes, *[0] * (8 - len(minutes))], value, function, "")


@pytest.fixture
def tasks(survey):
    return {task.code: task for task in survey.tasks.all()}


def test_a_submitted_day_is_summed_and_a_draft_is_not(survey, participant, tasks):
    # Monday, submitted: budget 20 + 40 min in hours 1–2 rated value 3, function 2; invoices 30 min in
    # hour 3 without ratings. Tuesday, a draft: budget 60 min (not counted).
    diary_save(
        participant=participant,
        date=MONDAY,
        lines=[line(tasks, "budget", [20, 40], value=3, function=2), line(tasks, "invoices", [0, 0, 30])],
        submit=True,
    )
    diary_save(participant=participant, date=TUESDAY, lines=[line(tasks, "budget", [60], value=1, function=1)])
    monday = 1 << 1
    assert stored(participant) == {
        # friction per hour: minutes × (4 − function) = 20 × 2 and 40 × 2
        "budget": {
            "minutes": 60,
            "f_minutes": 60,
            "f_weighted": 60 * 2,
            "v_minutes": 60,
            "v_weighted": 60 * 3,
            "weekdays": monday,
            "hf1": 40,
            "hf2": 80,
            "hf3": 0,
        },
        "invoices": {
            "minutes": 30,
            "f_minutes": 0,
            "f_weighted": 0,
            "v_minutes": 0,
            "v_weighted": 0,
            "weekdays": monday,
            "hf1": 0,
            "hf2": 0,
            "hf3": 0,
        },
    }

    # Submitting Tuesday adds its 60 minutes (function 1: friction 60 × 3) and its weekday.
    diary_save(
        participant=participant, date=TUESDAY, lines=[line(tasks, "budget", [60], value=1, function=1)], submit=True
    )
    budget = stored(participant)["budget"]
    assert (budget["minutes"], budget["f_weighted"], budget["v_weighted"]) == (120, 60 * 2 + 60 * 1, 60 * 3 + 60 * 1)
    assert budget["weekdays"] == (1 << 1) | (1 << 2)
    assert budget["hf1"] == 40 + 60 * 3
    assert totals.stale_participants(survey) == []


def test_a_resave_replaces_and_clearing_removes(survey, participant, other_participant, tasks, administrator):
    diary_save(participant=participant, date=MONDAY, lines=[line(tasks, "budget", [30], 2, 2)], submit=True)
    diary_save(participant=other_participant, date=MONDAY, lines=[line(tasks, "budget", [10], 4, 4)], submit=True)
    diary_save(participant=participant, date=MONDAY, lines=[line(tasks, "invoices", [15], 1, 1)], submit=True)
    assert set(stored(participant)) == {"invoices"}
    assert stored(participant)["invoices"]["minutes"] == 15

    version = DiaryDay.objects.get(participant=participant, date=MONDAY).version
    diary_clear(participant=participant, date=MONDAY, by=administrator, expected_version=version)
    assert stored(participant) == {}
    # The other manager's totals are their own.
    assert stored(other_participant)["budget"]["minutes"] == 10
    assert totals.stale_participants(survey) == []


def test_an_import_sums_new_and_replaced_days(survey, participant, tasks):
    diary_save(participant=participant, date=MONDAY, lines=[line(tasks, "budget", [30], 2, 2)])  # a draft
    diaries_import(
        survey=survey,
        rows=[file_row(7, MONDAY, "invoices", [45], 2, 3), file_row(9, TUESDAY, "budget", [0, 20], 4, 1)],
        replace=True,
    )
    # Number 7's draft Monday is replaced by the file's submitted invoices: 45 min, friction (4 − 3) × 45.
    assert stored(participant) == {
        "invoices": {
            "minutes": 45,
            "f_minutes": 45,
            "f_weighted": 45 * 3,
            "v_minutes": 45,
            "v_weighted": 45 * 2,
            "weekdays": 1 << 1,
            "hf1": 45,
            "hf2": 0,
            "hf3": 0,
        }
    }
    new = Participant.objects.get(survey=survey, number=9)
    assert stored(new)["budget"]["hf2"] == 20 * 3
    assert stored(new)["budget"]["weekdays"] == 1 << 2
    assert totals.stale_participants(survey) == []


def test_deleting_days_in_the_admin_refreshes_the_totals(client, survey, participant, tasks):
    diary_save(participant=participant, date=MONDAY, lines=[line(tasks, "budget", [30], 2, 2)], submit=True)
    diary_save(participant=participant, date=TUESDAY, lines=[line(tasks, "budget", [20], 2, 2)], submit=True)
    root = get_user_model().objects.create_superuser(username="root", password="x")
    client.force_login(root)
    monday = DiaryDay.objects.get(participant=participant, date=MONDAY)
    response = client.post(reverse("admin:surveys_diaryday_delete", args=[monday.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert stored(participant)["budget"]["minutes"] == 20
    tuesday = DiaryDay.objects.get(participant=participant, date=TUESDAY)
    response = client.post(
        reverse("admin:surveys_diaryday_changelist"),
        {"action": "delete_selected", "_selected_action": [tuesday.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert stored(participant) == {}
    assert totals.stale_participants(survey) == []


def test_a_write_that_bypasses_the_refresh_is_found_and_rebuilt(survey, participant, tasks):
    diary_save(participant=participant, date=MONDAY, lines=[line(tasks, "budget", [30], 2, 2)], submit=True)
    TaskTotal.objects.filter(participant=participant).update(minutes=999)
    assert totals.stale_participants(survey) == [participant.pk]
    totals.refresh_round(survey)
    assert totals.stale_participants(survey) == []
    assert stored(participant)["budget"]["minutes"] == 30


def test_the_command_checks_and_rebuilds(survey, participant, tasks):
    diary_save(participant=participant, date=MONDAY, lines=[line(tasks, "budget", [30], 2, 2)], submit=True)
    out = io.StringIO()
    call_command("rebuild_task_totals", "--check", stdout=out)
    assert "test-round: 0 participants" in out.getvalue()
    TaskTotal.objects.filter(participant=participant).delete()
    with pytest.raises(SystemExit) as failed:
        call_command("rebuild_task_totals", "--check", stdout=io.StringIO())
    assert failed.value.code == 1
    version = Survey.objects.get(pk=survey.pk).data_version
    out = io.StringIO()
    call_command("rebuild_task_totals", "--survey", survey.slug, stdout=out)
    assert "1 participant was out of step" in out.getvalue()
    assert stored(participant)["budget"]["minutes"] == 30
    assert Survey.objects.get(pk=survey.pk).data_version == version + 1
    with pytest.raises(CommandError):
        call_command("rebuild_task_totals", "--survey", "no-such-round")


def test_an_import_of_whole_diaries_sums_the_rows_it_holds(survey, tasks):
    # Number 9's whole diary is in the file, so its totals are summed from the file's rows. Monday:
    # budget 30 + 15 min in hours 1 and 3, value 2, function 1; invoices rated (4, 4) with no minutes.
    # Tuesday: budget rated, no minutes anywhere that day (its weekday is not counted).
    diaries_import(
        survey=survey,
        rows=[
            file_row(9, MONDAY, "budget", [30, 0, 15], 2, 1),
            file_row(9, MONDAY, "invoices", [], 4, 4),
            file_row(9, TUESDAY, "budget", [], 3, 3),
        ],
    )
    new = Participant.objects.get(survey=survey, number=9)
    assert stored(new) == {
        "budget": {
            "minutes": 45,
            "f_minutes": 45,
            "f_weighted": 45 * 1,
            "v_minutes": 45,
            "v_weighted": 45 * 2,
            "weekdays": 1 << 1,  # Monday only: Tuesday has no minutes
            "hf1": 30 * (4 - 1),
            "hf2": 0,
            "hf3": 15 * (4 - 1),
        },
        # A line without minutes still makes a (participant, task) total, as it does from the database.
        "invoices": {
            "minutes": 0,
            "f_minutes": 0,
            "f_weighted": 0,
            "v_minutes": 0,
            "v_weighted": 0,
            "weekdays": 0,
            "hf1": 0,
            "hf2": 0,
            "hf3": 0,
        },
    }
    assert totals.stale_participants(survey) == []


def test_an_import_counts_the_submitted_days_outside_the_file(survey, participant, other_participant, tasks):
    # Number 7 has a submitted Monday that the file does not hold: the file's Tuesday adds to it. Number 8 has
    # a draft Monday outside the file, which counts neither before nor after.
    diary_save(participant=participant, date=MONDAY, lines=[line(tasks, "budget", [20], 1, 2)], submit=True)
    diary_save(participant=other_participant, date=MONDAY, lines=[line(tasks, "budget", [50], 1, 1)])
    diaries_import(
        survey=survey,
        rows=[
            file_row(participant.number, TUESDAY, "budget", [10], 3, 4),
            file_row(other_participant.number, TUESDAY, "budget", [40], 2, 2),
        ],
    )
    budget = stored(participant)["budget"]
    assert (budget["minutes"], budget["f_weighted"], budget["v_weighted"]) == (30, 20 * 2 + 10 * 4, 20 * 1 + 10 * 3)
    assert budget["weekdays"] == (1 << 1) | (1 << 2)
    assert budget["hf1"] == 20 * (4 - 2) + 10 * (4 - 4)
    other = stored(other_participant)["budget"]
    assert (other["minutes"], other["f_weighted"], other["weekdays"], other["hf1"]) == (40, 40 * 2, 1 << 2, 40 * 2)
    assert totals.stale_participants(survey) == []
