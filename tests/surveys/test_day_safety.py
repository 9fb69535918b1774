"""A day is never erased by accident: a save without the grid's boxes is refused and changes nothing; clearing a
day is its own action that asks first and leaves an audit record. And the day page stays cheap: its queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse

from surveys import services
from surveys.models import AuditEvent, DiaryDay, DiaryLine, Survey
from surveys.services import LineInput, diary_save
from tests.conftest import session_queries

from .helpers import day_post, form_inputs, shown_values

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2025, 3, 3)


def day_url(survey, date=MONDAY) -> str:
    return reverse("surveys:day", args=[survey.slug, date.isoformat()])


@pytest.fixture
def submitted(survey, participant) -> DiaryDay:
    """Monday, submitted: 30 minutes of invoices (rated 2 and 3) and 20 of budget."""
    tasks = {task.code: task for task in survey.tasks.all()}
    return diary_save(
        participant=participant,
        date=MONDAY,
        lines=[
            LineInput(task=tasks["invoices"], minutes=[30, 0, 0, 0, 0, 0, 0, 0], value=2, function=3),
            LineInput(task=tasks["budget"], minutes=[20, 0, 0, 0, 0, 0, 0, 0], value=3, function=3),
        ],
        submit=True,
    )


def stored(day: DiaryDay) -> tuple[str, int, int, list[tuple[str, int, int | None]]]:
    day.refresh_from_db()
    lines = [(line.task.code, line.h1, line.function) for line in day.lines.order_by("task__order")]
    return day.status, day.version, day.minutes, lines


# --- A save without the grid is refused ----------------------------------------------------------


@pytest.mark.parametrize("action", ["draft", "submit"])
def test_a_save_without_any_of_the_grids_boxes_is_refused_and_changes_nothing(
    manager_client, survey, submitted, action
):
    before = stored(submitted)

    response = manager_client.post(day_url(survey), {action: ""})

    assert response.status_code == 400
    assert "Nothing was saved: the form arrived without any of the day&#x27;s boxes." in response.content.decode()
    assert stored(submitted) == before == ("submitted", 1, 50, [("invoices", 30, 3), ("budget", 20, 3)])


def test_an_empty_post_is_refused_too(manager_client, survey, submitted):
    response = manager_client.post(day_url(survey), {})

    assert response.status_code == 400
    assert stored(submitted)[0] == "submitted"


def test_a_truncated_save_is_refused_saying_how_many_boxes_were_missing(manager_client, survey, submitted):
    data = day_post(survey, {"invoices-h1": "45"})
    # The request was cut off after the first half of its fields, as a broken connection can.
    names = list(data)
    kept = dict(list(data.items())[: len(names) // 2])
    kept["draft"] = ""
    # The boxes a browser always sends: every hour box, every note, and the version.
    tasks = list(survey.tasks.all())
    boxes = {"version", *(f"{t.code}-h{hour}" for t in tasks for hour in range(1, 9))}
    boxes |= {f"{t.code}-note" for t in tasks if t.asks_to_specify}
    expected, missing = len(boxes), len(boxes - kept.keys())
    assert 0 < missing < expected

    response = manager_client.post(day_url(survey), kept)

    assert response.status_code == 400
    assert (
        f"Nothing was saved: the form arrived incomplete ({missing} of its {expected} boxes were missing)"
        in response.content.decode()
    )
    assert stored(submitted) == ("submitted", 1, 50, [("invoices", 30, 3), ("budget", 20, 3)])


def test_the_refused_page_shows_the_saved_day_not_an_empty_grid(manager_client, survey, submitted):
    response = manager_client.post(day_url(survey), {"draft": ""})

    form = response.context["form"]
    assert not form.is_bound
    assert form["invoices-h1"].value() == 30
    assert not response.context["unsaved"]


def test_a_save_without_the_version_is_refused(manager_client, survey, submitted):
    data = day_post(survey, {"invoices-h1": "45"})
    del data["version"]

    response = manager_client.post(day_url(survey), data)

    assert response.status_code == 400
    assert "(1 of its" in response.content.decode()
    assert stored(submitted)[1] == 1


def test_a_whole_form_of_empty_boxes_is_still_a_save(manager_client, survey, submitted):
    """Emptying every box and saving a draft is a choice the manager made on the page, not an accident."""
    response = manager_client.post(day_url(survey), day_post(survey, value="withdraw"))

    assert response.status_code == 302
    assert stored(submitted) == ("draft", 2, 0, [])


# --- The day form's limits -----------------------------------------------------------------------


def test_a_note_with_a_null_character_is_refused_naming_the_task(manager_client, survey, participant):
    response = manager_client.post(day_url(survey), day_post(survey, {"other-h1": "10", "other-note": "a\x00b"}))

    assert response.status_code == 200
    content = response.content.decode()
    assert (
        "Other (specify), other tasks, specify: the text holds an invisible null character, which cannot be stored."
        in content
    )
    assert 'href="#id_other-note"' in content
    assert DiaryDay.objects.count() == 0


def test_a_version_that_is_no_number_is_read_as_a_page_of_no_stored_day(manager_client, survey, participant):
    response = manager_client.post(day_url(survey), day_post(survey, {"budget-h1": "10"}, version="x\x00"))

    assert response.status_code == 302
    assert DiaryLine.objects.get().h1 == 10


def test_the_note_box_says_its_limit(manager_client, survey):
    content = manager_client.get(day_url(survey)).content.decode()

    assert 'name="other-note" id="id_other-note" value="" maxlength="500"' in content


# --- Clearing a day on purpose -------------------------------------------------------------------


def test_clear_asks_first_and_changes_nothing(manager_client, survey, submitted):
    response = manager_client.post(day_url(survey), {**day_post(survey, {"invoices-h1": "5"}), "clear": "ask"})

    assert response.status_code == 200
    assert response.templates[0].name == "surveys/day_clear.html"
    content = response.content.decode()
    assert "Clear the day?" in content
    assert "Everything saved for this day goes: 2 tasks with 50 minutes in all, their ratings and notes." in content
    assert "The day will no longer count as submitted." in content
    assert 'name="version" value="1"' in content
    assert stored(submitted) == ("submitted", 1, 50, [("invoices", 30, 3), ("budget", 20, 3)])
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DAY_CLEARED).exists()


def test_no_keep_the_day_brings_back_what_was_typed_unsaved(manager_client, survey, submitted):
    question = manager_client.post(day_url(survey), {**day_post(survey, {"invoices-h1": "5"}), "clear": "ask"})
    kept = {name: value for name, value in form_inputs(question.content)[0].items() if name != "csrfmiddlewaretoken"}
    assert kept["invoices-h1"]["value"] == "5"  # carried as a hidden field of the "No" form

    response = manager_client.post(
        day_url(survey), {**day_post(survey, {"invoices-h1": "5", "invoices-value": "2"}), "clear": "keep"}
    )

    assert response.status_code == 200
    assert response.templates[0].name == "surveys/day.html"
    shown = shown_values(response.content)
    assert shown["invoices-h1"] == "5" and shown["invoices-value"] == "2"
    assert "data-unsaved" in response.content.decode()
    assert "Nothing was saved. Please correct:" not in response.content.decode()  # shown, not checked
    assert stored(submitted) == ("submitted", 1, 50, [("invoices", 30, 3), ("budget", 20, 3)])


def test_the_day_page_offers_clear_only_for_a_saved_day(manager_client, survey, participant):
    assert 'data-testid="clear-day"' not in manager_client.get(day_url(survey)).content.decode()
    manager_client.post(day_url(survey), day_post(survey, {"budget-h1": "10"}))
    assert 'data-testid="clear-day"' in manager_client.get(day_url(survey)).content.decode()


def test_confirming_clears_the_day_and_records_it(manager_client, survey, submitted, manager, participant):
    response = manager_client.post(day_url(survey), {"clear": "confirm", "version": "1"})

    assert response.status_code == 302
    assert response["Location"] == day_url(survey)
    assert not DiaryDay.objects.exists()
    assert not DiaryLine.objects.exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.DAY_CLEARED)
    assert (event.user, event.survey, event.participant, event.date) == (manager, survey, participant, MONDAY)
    assert event.detail == "2 rows, 50 min, was submitted"
    page = manager_client.get(response["Location"])
    assert "The day is cleared: nothing is saved for it now." in page.content.decode()
    assert "Not started" in page.content.decode()


def test_clearing_bumps_the_rounds_data_version(manager_client, survey, submitted):
    before = Survey.objects.get(pk=survey.pk).data_version

    manager_client.post(day_url(survey), {"clear": "confirm", "version": "1"})

    assert Survey.objects.get(pk=survey.pk).data_version == before + 1


def test_a_confirmation_from_an_older_page_clears_nothing(manager_client, survey, submitted):
    # The day was saved again elsewhere after the question was shown for version 1.
    manager_client.post(day_url(survey), day_post(survey, {"invoices-h1": "40"}, action="submit", value="anyway"))

    response = manager_client.post(day_url(survey), {"clear": "confirm", "version": "1"}, follow=True)

    assert "changed elsewhere after you asked to clear it, so nothing was cleared" in response.content.decode()
    assert stored(submitted) == ("submitted", 2, 40, [("invoices", 40, None)])
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DAY_CLEARED).exists()


def test_a_confirmation_without_a_version_clears_nothing(manager_client, survey, submitted):
    manager_client.post(day_url(survey), {"clear": "confirm"})

    assert stored(submitted)[0] == "submitted"


def test_there_is_nothing_to_clear_on_a_day_not_started(manager_client, survey, participant):
    response = manager_client.post(day_url(survey), {"clear": "confirm", "version": "0"}, follow=True)

    assert "Nothing is saved for this day, so there is nothing to clear." in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DAY_CLEARED).exists()


def test_a_closed_rounds_day_cannot_be_cleared(manager_client, survey, submitted):
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)

    response = manager_client.post(day_url(survey), {"clear": "confirm", "version": "1"}, follow=True)

    assert "The survey round is closed; the diary can no longer be changed." in response.content.decode()
    assert stored(submitted)[0] == "submitted"


def test_a_reopened_day_of_a_closed_round_is_emptied_and_stays_open(
    manager_client, survey, submitted, administrator, participant
):
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)
    services.day_reopen(participant=participant, date=MONDAY, by=administrator, reason="wrong day")
    version = DiaryDay.objects.get().version

    manager_client.post(day_url(survey), {"clear": "confirm", "version": str(version)})

    day = DiaryDay.objects.get()
    assert (day.status, day.minutes, day.reopened, day.lines.count()) == ("draft", 0, True, 0)
    assert day.version == version + 1


def test_another_manager_cannot_clear_the_day(english_client, other_manager, other_participant, survey, submitted):
    english_client.force_login(other_manager)

    response = english_client.post(day_url(survey), {"clear": "confirm", "version": "1"})

    # Bob's own Monday is not stored: nothing of Alice's is touched.
    assert response.status_code == 302
    assert stored(submitted)[0] == "submitted"


def test_an_administrator_keying_in_clears_the_paper_day_with_a_record(
    admin_client, survey, submitted, administrator, participant
):
    url = reverse("surveys:key_day", args=[survey.slug, participant.number, MONDAY.isoformat()])

    question = admin_client.post(url, {"clear": "ask"})
    assert "Manager no. 7" in question.content.decode()
    admin_client.post(url, {"clear": "confirm", "version": "1"})

    assert not DiaryDay.objects.exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.DAY_CLEARED)
    assert (event.user, event.participant) == (administrator, participant)


# --- The hot pages' queries ----------------------------------------------------------------------


def test_the_day_page_of_a_day_not_started_takes_five_queries(manager_client, survey, django_assert_num_queries):
    manager_client.get(day_url(survey))  # the session's first renewal is not the page's cost

    # The session (none when the shared cache holds it), the user, the participation with its round and the user's
    # groups (the menu's), the manager's days, the tasks.
    with django_assert_num_queries(4 + session_queries()):
        response = manager_client.get(day_url(survey))
    assert response.status_code == 200


def test_the_day_page_of_a_saved_day_takes_five_queries(manager_client, survey, submitted, django_assert_num_queries):
    manager_client.get(day_url(survey))

    # The tasks come with the day's rows joined in: no query per row, none for the rows on their own.
    with django_assert_num_queries(4 + session_queries()):
        response = manager_client.get(day_url(survey))
    assert response.context["form"]["invoices-h1"].value() == 30
    assert response.context["form"]["budget-function"].value() == 3


def test_a_save_takes_a_fixed_number_of_queries(manager_client, survey, submitted, django_assert_num_queries):
    manager_client.get(day_url(survey))
    data = day_post(survey, {"invoices-h1": "45", "budget-h2": "15", "it-services-h3": "5"}, value="withdraw")

    # Session (none when the shared cache holds it), user, participation, tasks; then in one transaction (here a
    # savepoint, two statements more): lock the round, lock the day, update it, delete and insert its rows, refresh
    # the manager's task totals (delete and insert, after locking the participant on PostgreSQL), mark the round's
    # data changed. The message for the next page travels in a cookie.
    postgresql = 1 if connection.vendor == "postgresql" else 0
    with django_assert_num_queries(SAVE_QUERIES + session_queries() + postgresql):
        response = manager_client.post(day_url(survey), data)
    assert response.status_code == 302
    assert stored(submitted)[2] == 65


SAVE_QUERIES = 13  # besides the session's (session_queries)


# --- An empty draft ------------------------------------------------------------------------------


def test_an_empty_draft_of_a_day_never_saved_is_refused_and_nothing_stored(manager_client, survey, participant):
    response = manager_client.post(day_url(survey), day_post(survey))

    assert response.status_code == 200
    content = response.content.decode()
    assert "There is nothing to save: the day is empty." in content
    assert not DiaryDay.objects.filter(participant=participant).exists()


def test_an_empty_draft_of_a_saved_day_is_stored_as_before(manager_client, survey, participant):
    manager_client.post(day_url(survey), day_post(survey, {"budget-h1": "10"}))

    response = manager_client.post(day_url(survey), day_post(survey))

    assert response.status_code == 302
    day = DiaryDay.objects.get(participant=participant)
    assert (day.status, day.minutes, day.lines.count()) == ("draft", 0, 0)


def test_the_service_refuses_an_empty_first_draft(survey, participant):
    tasks = list(survey.tasks.all())
    with pytest.raises(services.DiaryError) as refused:
        diary_save(participant=participant, date=MONDAY, lines=[LineInput(task=tasks[0], minutes=[0] * 8)])

    assert refused.value.errors == ["There is nothing to save: the day is empty."]
    assert not DiaryDay.objects.exists()
