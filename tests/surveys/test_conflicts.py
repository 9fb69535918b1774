"""Two open copies of one day, without HTTP: the stale check of `diary_save`, what raises a day's version,
and the differences a refused save is shown (a worked example)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from surveys.conflicts import Difference, changed_when, day_differences, diary_save_from_page, stale_differences
from surveys.diaryfile import DiaryRow
from surveys.models import DiaryDay, Survey
from surveys.services import (
    UNSAVED_VERSION,
    DiaryError,
    LineInput,
    StaleDay,
    day_reopen,
    diaries_import,
    diary_save,
    survey_close,
)

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2025, 3, 3)


def lines(survey, rows: dict[str, tuple]) -> list[LineInput]:
    """Every task of the round as the form sends it; `rows` maps codes to (minutes, value, function, note)."""
    result = []
    for task in survey.tasks.order_by("order", "id"):
        minutes, value, function, note = rows.get(task.code, ([], None, None, ""))
        result.append(LineInput(task=task, minutes=list(minutes), value=value, function=function, note=note))
    return result


def save(participant, rows, *, version, submit=False) -> DiaryDay:
    return diary_save(
        participant=participant,
        date=MONDAY,
        lines=lines(participant.survey, rows),
        submit=submit,
        expected_version=version,
    )


# --- The stale check ---------------------------------------------------------------------------------


def test_a_first_save_makes_version_1_and_each_save_raises_it_by_one(participant):
    assert save(participant, {"invoices": ([10], None, None, "")}, version=UNSAVED_VERSION).version == 1
    assert save(participant, {"invoices": ([20], None, None, "")}, version=1).version == 2
    assert DiaryDay.objects.get().version == 2


def test_a_save_from_an_older_page_is_refused_with_what_is_stored(participant):
    save(participant, {"invoices": ([10], 3, 2, "")}, version=UNSAVED_VERSION)  # the laptop, version 1
    save(participant, {"invoices": ([20], 3, 2, "")}, version=1)  # the phone, version 2

    with pytest.raises(StaleDay) as refused:
        save(participant, {"budget": ([30], None, None, "")}, version=1)  # the laptop again, from version 1

    assert refused.value.version == 2
    assert [(line.task.code, line.minutes[0], line.value) for line in refused.value.lines] == [("invoices", 20, 3)]
    day = DiaryDay.objects.get()
    assert day.version == 2
    assert list(day.lines.values_list("task__code", "h1")) == [("invoices", 20)]


def test_a_first_save_of_a_day_stored_meanwhile_is_refused_not_a_crash(participant):
    save(participant, {"invoices": ([10], None, None, "")}, version=UNSAVED_VERSION)

    with pytest.raises(StaleDay) as refused:
        save(participant, {"budget": ([30], None, None, "")}, version=UNSAVED_VERSION)

    assert refused.value.version == 1
    assert DiaryDay.objects.count() == 1


def test_a_page_that_saw_a_day_since_removed_is_refused_with_no_day(participant):
    save(participant, {"invoices": ([10], None, None, "")}, version=UNSAVED_VERSION)
    DiaryDay.objects.all().delete()

    with pytest.raises(StaleDay) as refused:
        save(participant, {"invoices": ([20], None, None, "")}, version=1)

    assert (refused.value.day, refused.value.version, refused.value.lines) == (None, UNSAVED_VERSION, [])


def test_without_an_expected_version_there_is_no_check(participant):
    save(participant, {"invoices": ([10], None, None, "")}, version=None)
    day = save(participant, {"invoices": ([20], None, None, "")}, version=None)

    assert day.version == 2


def test_a_save_in_a_closed_round_is_refused_as_closed_not_as_stale(participant, administrator):
    save(participant, {"invoices": ([10], None, None, "")}, version=UNSAVED_VERSION)
    survey_close(survey=participant.survey, by=administrator)
    participant.survey.refresh_from_db()

    with pytest.raises(DiaryError):
        save(participant, {"invoices": ([20], None, None, "")}, version=0)


def test_a_stale_page_that_sends_what_is_stored_is_saved(participant):
    """A double click, or the same save from two tabs: nothing of the other save would be lost."""
    rows = {"invoices": ([10], 3, 2, "")}
    save(participant, rows, version=UNSAVED_VERSION)

    day = diary_save_from_page(
        participant=participant,
        date=MONDAY,
        lines=lines(participant.survey, rows),
        submit=False,
        keyed_in_by=None,
        expected_version=UNSAVED_VERSION,
    )

    assert day.version == 2


def test_a_stale_page_that_sends_something_else_is_refused(participant):
    save(participant, {"invoices": ([10], 3, 2, "")}, version=UNSAVED_VERSION)

    with pytest.raises(StaleDay):
        diary_save_from_page(
            participant=participant,
            date=MONDAY,
            lines=lines(participant.survey, {"invoices": ([10], 3, 2, "")}),
            submit=True,  # the same rows, but submitting a draft
            keyed_in_by=None,
            expected_version=UNSAVED_VERSION,
        )
    assert DiaryDay.objects.get().status == DiaryDay.Status.DRAFT


# --- What else makes an open page out of date --------------------------------------------------------


def test_reopening_a_day_raises_its_version(participant, administrator):
    save(participant, {"invoices": ([10], 3, 2, "")}, version=UNSAVED_VERSION, submit=True)
    survey_close(survey=participant.survey, by=administrator)

    day_reopen(participant=participant, date=MONDAY, by=administrator, reason="Fel timme")

    assert DiaryDay.objects.get().version == 2


def test_an_import_raises_the_version_of_the_days_it_replaces_only(participant, survey):
    save(participant, {"invoices": ([10], 3, 2, "")}, version=UNSAVED_VERSION)  # version 1
    save(participant, {"invoices": ([15], 3, 2, "")}, version=1)  # version 2
    tuesday = MONDAY + dt.timedelta(days=1)
    rows = [
        DiaryRow(row=2, participant=7, date=MONDAY, task="budget", minutes=[30, 0, 0, 0, 0, 0, 0, 0]),
        DiaryRow(row=3, participant=7, date=tuesday, task="budget", minutes=[40, 0, 0, 0, 0, 0, 0, 0]),
    ]

    diaries_import(survey=survey, rows=rows, replace=True)

    assert dict(DiaryDay.objects.values_list("date", "version")) == {MONDAY: 3, tuesday: 1}
    with pytest.raises(StaleDay):
        save(participant, {"invoices": ([20], None, None, "")}, version=2)


# --- The differences: a worked example ---------------------------------------------------------------


def test_the_differences_name_task_hour_ratings_note_and_status(survey):
    saved = lines(survey, {"invoices": ([10, 20], 3, 2, ""), "other": ([0, 0, 15], None, None, "Möte")})
    typed = lines(survey, {"invoices": ([10, 25], 3, 4, ""), "budget": ([30], 2, None, "")})

    differences = day_differences(
        survey,
        saved,
        typed,
        saved_status=DiaryDay.Status.SUBMITTED,
        typed_status=DiaryDay.Status.DRAFT,
        language="en",
    )

    # Worked out by hand: invoices differs at 09–10 and in "how well"; budget is new (08–09 and its value);
    # "other" (asked to specify) was stored with 15 minutes at 10–11 and a note, and is now empty; it is named
    # with its category, as two other tasks are also "Other (specify)".
    assert differences == [
        Difference("Finance: invoice handling", "09–10", "20 min", "25 min"),
        Difference("Finance: invoice handling", "how well the task worked", "2", "4"),
        Difference("Finance: budget, follow-up", "08–09", "–", "30 min"),
        Difference("Finance: budget, follow-up", "value for the operation", "–", "2"),
        Difference("Other (specify), other tasks", "10–11", "15 min", "–"),
        Difference("Other (specify), other tasks", "specify", "Möte", "–"),
        Difference("", "status", "Submitted", "Draft", sentence="Saved as submitted; you saved a draft."),
    ]


def test_identical_days_have_no_differences(survey):
    rows = {"invoices": ([10, 20], 3, 2, "")}
    saved = [line for line in lines(survey, rows) if not line.is_empty()]  # stored days keep filled rows only

    assert day_differences(survey, saved, lines(survey, rows)) == []


def test_the_differences_of_a_refused_save_use_the_round_s_clock_times(participant, survey):
    Survey.objects.filter(pk=survey.pk).update(first_hour=7)
    survey.refresh_from_db()
    participant.survey = survey
    save(participant, {"invoices": ([10], None, None, "")}, version=UNSAVED_VERSION)
    with pytest.raises(StaleDay) as refused:
        save(participant, {"invoices": ([20], None, None, "")}, version=UNSAVED_VERSION)

    typed = lines(survey, {"invoices": ([20], None, None, "")})
    assert stale_differences(refused.value, typed, survey=survey, submit=False, language="en") == [
        Difference("Finance: invoice handling", "07–08", "10 min", "20 min")
    ]


def test_the_time_of_the_other_save_is_the_local_clock_and_the_date_when_not_today():
    moment = dt.datetime(2025, 3, 3, 9, 42, tzinfo=dt.UTC)  # 10:42 in Stockholm

    assert changed_when(moment, now=moment + dt.timedelta(hours=1)) == "at 10:42"
    assert changed_when(moment, now=moment + dt.timedelta(days=1)) == "on 3 March at 10:42"
    assert "10:42" in changed_when(moment, now=timezone.now())
