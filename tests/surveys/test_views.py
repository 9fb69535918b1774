"""The manager's pages: who may open a day, saving it as a draft or submitted, and starting from a previous day."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from surveys.models import DiaryDay, DiaryLine, Municipality, Participant, Survey
from surveys.services import LineInput, diary_save, survey_create

from .helpers import day_post, emptied_day, form_inputs, shown_values

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2025, 3, 3)
TUESDAY = dt.date(2025, 3, 4)
WEDNESDAY = dt.date(2025, 3, 5)
INVOICES = "Finance: invoice handling"
BUDGET = "Finance: budget, follow-up"
NO_MINUTES = "A day with no minutes cannot be submitted. Enter the minutes you spent, or save the day as a draft."


def day_url(survey, date=MONDAY) -> str:
    return reverse("surveys:day", args=[survey.slug, date.isoformat() if isinstance(date, dt.date) else date])


def save(participant, date, rows=None, *, submit=False) -> DiaryDay:
    """Store a day directly; `rows` maps task codes to (minutes, value, function, note)."""
    tasks = {task.code: task for task in participant.survey.tasks.all()}
    lines = [
        LineInput(task=tasks[code], minutes=minutes, value=value, function=function, note=note)
        for code, (minutes, value, function, note) in (rows or {}).items()
    ]
    if not lines and not submit:
        return emptied_day(participant, date)
    return diary_save(participant=participant, date=date, lines=lines, submit=submit)


def stored(participant, date=MONDAY) -> list[tuple]:
    return list(
        DiaryLine.objects.filter(day__participant=participant, day__date=date)
        .order_by("task__order")
        .values_list("task__code", "h1", "h2", "h3", "value", "function", "note")
    )


# --- Access ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_is_sent_to_login(english_client, survey, method):
    url = day_url(survey)
    response = getattr(english_client, method)(url)

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url}"


def test_anonymous_post_stores_nothing(english_client, survey, participant):
    english_client.post(day_url(survey), day_post(survey, {"invoices-h1": 10}))

    assert DiaryDay.objects.count() == 0


def test_the_participant_gets_their_day(manager_client, survey):
    response = manager_client.get(day_url(survey))

    assert response.status_code == 200
    assert response.context["participant"].number == 7
    assert response.context["date"] == MONDAY


def test_other_manager_gets_404(english_client, survey, participant, other_manager):
    save(participant, MONDAY, {"invoices": ([10], 2, 2, "")})
    english_client.force_login(other_manager)

    assert english_client.get(day_url(survey)).status_code == 404
    response = english_client.post(day_url(survey), day_post(survey, {"invoices-h1": 50}))

    assert response.status_code == 404
    assert not Participant.objects.filter(user=other_manager).exists()
    assert DiaryDay.objects.count() == 1
    assert stored(participant) == [("invoices", 10, 0, 0, 2, 2, "")]


@pytest.mark.parametrize("person", ["project_member", "administrator"])
def test_staff_who_do_not_take_part_get_404(english_client, survey, participant, person, request):
    english_client.force_login(request.getfixturevalue(person))

    assert english_client.get(day_url(survey)).status_code == 404
    assert english_client.post(day_url(survey), day_post(survey, {"invoices-h1": 5})).status_code == 404
    assert DiaryDay.objects.count() == 0


def test_a_manager_sees_and_saves_only_their_own_day(english_client, survey, participant, other_participant):
    save(participant, MONDAY, {"invoices": ([10], 2, 2, "")})
    english_client.force_login(other_participant.user)

    response = english_client.get(day_url(survey))
    assert response.status_code == 200
    assert response.context["saved"] is None
    assert shown_values(response.content) == {}

    english_client.post(day_url(survey), day_post(survey, {"budget-h1": 30}, number=other_participant.number))

    assert stored(other_participant) == [("budget", 30, 0, 0, None, None, "")]
    assert stored(participant) == [("invoices", 10, 0, 0, 2, 2, "")]


def test_a_participant_of_one_round_gets_404_in_another(manager_client, survey, municipality):
    other = survey_create(
        slug="other-round",
        name="Uppföljning",
        municipality=municipality,
        start_date=MONDAY,
        end_date=WEDNESDAY,
        status=Survey.Status.OPEN,
    )

    assert manager_client.get(day_url(other)).status_code == 404


@pytest.mark.parametrize("date", ["2025-03-02", "2025-03-08", "2025-03-10", "2024-03-03"])
def test_a_date_outside_the_round_gets_404(manager_client, survey, date):
    assert manager_client.get(day_url(survey, date)).status_code == 404
    assert manager_client.post(day_url(survey, date), day_post(survey, {"invoices-h1": 10})).status_code == 404
    assert DiaryDay.objects.count() == 0


@pytest.mark.parametrize("date", ["monday", "2025-02-30", "03-03-2025"])
def test_a_date_that_is_not_a_date_gets_404(manager_client, survey, date):
    assert manager_client.get(day_url(survey, date)).status_code == 404


def test_an_unknown_round_gets_404(manager_client, survey):
    assert manager_client.get(reverse("surveys:day", args=["no-such-round", "2025-03-03"])).status_code == 404


def test_the_day_answers_only_get_and_post(manager_client, survey):
    assert manager_client.put(day_url(survey)).status_code == 405


# --- Closed rounds ---------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [Survey.Status.CLOSED, Survey.Status.DRAFT])
def test_a_round_that_is_not_open_refuses_changes(manager_client, survey, participant, status):
    save(participant, MONDAY, {"invoices": ([10], 2, 2, "")}, submit=True)
    Survey.objects.filter(pk=survey.pk).update(status=status)

    response = manager_client.post(day_url(survey), day_post(survey, {"budget-h1": 30}, action="submit"), follow=True)

    assert response.redirect_chain == [(day_url(survey), 302)]
    assert "The survey round is closed; the diary can no longer be changed." in response.content.decode()
    assert stored(participant) == [("invoices", 10, 0, 0, 2, 2, "")]
    assert DiaryDay.objects.get().status == DiaryDay.Status.SUBMITTED


def test_a_closed_round_shows_the_day_read_only(manager_client, survey, participant):
    save(participant, MONDAY, {"invoices": ([10], 2, 2, "")})
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)

    response = manager_client.get(day_url(survey))

    content = response.content.decode()
    assert "The survey round is not open, so this day can only be read." in content
    assert 'name="submit"' not in content
    assert "Start from my previous day" not in content
    inputs, _checked = form_inputs(content)
    assert "disabled" in inputs["invoices-h1"]
    assert shown_values(content) == {"invoices-h1": "10", "invoices-value": "2", "invoices-function": "2"}


# --- Saving ----------------------------------------------------------------------------------------


def test_saving_a_draft_stores_the_filled_rows_only(manager_client, survey, participant):
    entries = {
        "invoices-h1": 20,
        "invoices-h2": 10,
        "invoices-value": 2,
        "invoices-function": 1,
        "other-h3": 15,
        "other-note": "  Brandövning  ",
        "it-services-function": 3,
    }

    response = manager_client.post(day_url(survey), day_post(survey, entries, action="draft"), follow=True)

    assert response.redirect_chain == [(day_url(survey), 302)]
    assert "The day is saved as a draft." in response.content.decode()
    day = DiaryDay.objects.get(participant=participant)
    assert (day.date, day.status, day.submitted_at) == (MONDAY, DiaryDay.Status.DRAFT, None)
    assert stored(participant) == [
        ("invoices", 20, 10, 0, 2, 1, ""),
        ("it-services", 0, 0, 0, None, 3, ""),
        ("other", 0, 0, 15, None, None, "Brandövning"),
    ]
    assert list(day.lines.order_by("task__order").values_list("minutes", flat=True)) == [30, 0, 15]


def test_submitting_marks_the_day_submitted(manager_client, survey, participant):
    response = manager_client.post(
        day_url(survey),
        day_post(survey, {"planning-h1": 45, "planning-value": 4, "planning-function": 3}, action="submit"),
        follow=True,
    )

    assert "The day is submitted. Thank you!" in response.content.decode()
    day = DiaryDay.objects.get(participant=participant)
    assert day.status == DiaryDay.Status.SUBMITTED
    assert day.submitted_at is not None
    assert stored(participant) == [("planning", 45, 0, 0, 4, 3, "")]


def test_an_all_empty_form_of_a_new_day_stores_nothing(manager_client, survey, participant):
    manager_client.post(day_url(survey), day_post(survey))

    assert not DiaryDay.objects.filter(participant=participant, date=MONDAY).exists()


def test_saving_again_replaces_the_rows(manager_client, survey, participant):
    rated = {"invoices-h1": 20, "invoices-value": 3, "invoices-function": 2}
    manager_client.post(day_url(survey), day_post(survey, rated, action="submit"))
    assert DiaryDay.objects.get().status == DiaryDay.Status.SUBMITTED
    manager_client.post(day_url(survey), day_post(survey, {"budget-h2": 25}, action="draft", value="withdraw"))

    assert DiaryDay.objects.count() == 1
    assert DiaryDay.objects.get().status == DiaryDay.Status.DRAFT
    assert stored(participant) == [("budget", 0, 25, 0, None, None, "")]


def test_saving_marks_the_round_data_changed(manager_client, survey):
    before = survey.data_version

    manager_client.post(day_url(survey), day_post(survey, {"invoices-h1": 20}))

    survey.refresh_from_db()
    assert survey.data_version > before


def test_a_saved_day_shows_what_was_stored(manager_client, survey, participant):
    save(
        participant,
        MONDAY,
        {"invoices": ([20, 0, 5], 2, 1, ""), "other": ([0, 15], None, 4, "Brandövning")},
        submit=True,
    )

    response = manager_client.get(day_url(survey))

    assert shown_values(response.content) == {
        "invoices-h1": "20",
        "invoices-h3": "5",
        "invoices-value": "2",
        "invoices-function": "1",
        "other-h2": "15",
        "other-function": "4",
        "other-note": "Brandövning",
    }
    assert response.context["hour_totals"][:3] == [20, 15, 5]
    assert response.context["day_total"] == 40
    assert "Submitted" in response.content.decode()


def test_the_day_page_does_not_query_per_row(manager_client, survey, participant):
    save(participant, MONDAY, {"invoices": ([10], 2, 2, "")})
    with CaptureQueriesContext(connection) as one_row:
        manager_client.get(day_url(survey))
    codes = list(survey.tasks.values_list("code", flat=True))
    save(participant, MONDAY, {code: ([3, 3, 3], 2, 2, "x") for code in codes})
    with CaptureQueriesContext(connection) as every_row:
        manager_client.get(day_url(survey))

    assert len(every_row) == len(one_row)


def test_a_day_keyed_in_from_paper_says_by_whom(manager_client, survey, participant, administrator):
    administrator.first_name, administrator.last_name = "Dana", "Admin"
    administrator.save()
    invoices = survey.tasks.get(code="invoices")
    diary_save(
        participant=participant, date=MONDAY, lines=[LineInput(task=invoices, minutes=[15])], keyed_in_by=administrator
    )

    response = manager_client.get(day_url(survey))

    assert "Keyed in from your paper form by Dana Admin." in response.content.decode()
    assert "Keyed in from your paper form" not in manager_client.get(day_url(survey, TUESDAY)).content.decode()


def test_the_day_page_offers_a_skip_link_to_the_diary_first(manager_client, survey):
    content = manager_client.get(day_url(survey)).content.decode()

    body = content[content.index("<body>") :]
    assert body.index('href="#diary"') < body.index('href="#main"') < body.index("<nav")
    assert 'id="diary" tabindex="-1"' in content


# --- Submitting: a day needs minutes, and unrated rows are asked about once --------------------------


def question(content: str) -> str:
    """The "Submit anyway?" box of a page, or "" when the page does not ask."""
    start = content.find('data-testid="unrated"')
    return content[start : content.index('data-testid="submit-anyway"', start)] if start >= 0 else ""


@pytest.mark.parametrize("value", ["", "anyway"])
def test_submitting_a_day_without_minutes_is_refused_and_stores_nothing(manager_client, survey, value):
    entries = {"documentation-value": 2, "documentation-function": 2, "other-note": "Brandövning"}

    response = manager_client.post(day_url(survey), day_post(survey, entries, action="submit", value=value))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Nothing was saved. Please correct:" in content
    assert NO_MINUTES in content
    assert shown_values(content) == {
        "documentation-value": "2",
        "documentation-function": "2",
        "other-note": "Brandövning",
    }
    assert DiaryDay.objects.count() == 0


def test_submitting_an_emptied_draft_keeps_the_draft(manager_client, survey, participant):
    save(participant, MONDAY, {"invoices": ([20], 2, None, "")})

    response = manager_client.post(day_url(survey), day_post(survey, action="submit"))

    assert NO_MINUTES in response.content.decode()
    day = DiaryDay.objects.get()
    assert (day.status, day.minutes) == (DiaryDay.Status.DRAFT, 20)
    assert stored(participant) == [("invoices", 20, 0, 0, 2, None, "")]


def test_a_day_without_minutes_can_be_saved_as_a_draft(manager_client, survey, participant):
    response = manager_client.post(
        day_url(survey), day_post(survey, {"documentation-value": 2}, action="draft"), follow=True
    )

    assert "The day is saved as a draft." in response.content.decode()
    assert DiaryDay.objects.get().status == DiaryDay.Status.DRAFT
    assert stored(participant) == [("documentation", 0, 0, 0, 2, None, "")]


def test_submitting_an_unrated_row_asks_first_and_stores_nothing(manager_client, survey):
    entries = {"invoices-h1": 30, "invoices-value": 2, "budget-h2": 20, "budget-function": 3}

    response = manager_client.post(day_url(survey), day_post(survey, entries, action="submit"))

    assert response.status_code == 200
    content = response.content.decode()
    asked = question(content)
    assert "Submit anyway?" in asked
    assert "These tasks have minutes but are missing a rating:" in asked
    assert "Minutes without a rating are left out of the figures on friction and low value." in asked
    # Each row once, with the rating it lacks: invoices has its value, budget how well it worked.
    assert f'href="#task-invoices">{INVOICES}</a> – missing: how well the task worked</li>' in asked
    assert f'href="#task-budget">{BUDGET}</a> – missing: value for the operation</li>' in asked
    assert '<button type="submit" name="submit" value="anyway"' in content
    assert "Nothing was saved. Please correct:" not in content
    assert shown_values(content) == {
        "invoices-h1": "30",
        "invoices-value": "2",
        "budget-h2": "20",
        "budget-function": "3",
    }
    assert DiaryDay.objects.count() == 0


def test_the_question_keeps_save_draft_as_the_button_enter_presses(manager_client, survey):
    response = manager_client.post(day_url(survey), day_post(survey, {"invoices-h1": 30}, action="submit"))

    # A browser submits a form with its first submit button when Enter is pressed in a field.
    form = response.content.decode().split("data-diary", 1)[1]
    first_button = form[form.index('<button type="submit"') :].split(">", 1)[0]
    assert 'name="draft"' in first_button


def test_submit_anyway_submits_the_unrated_rows(manager_client, survey, participant):
    entries = {"invoices-h1": 30, "invoices-value": 2, "budget-h2": 20, "budget-function": 3}
    manager_client.post(day_url(survey), day_post(survey, entries, action="submit"))

    response = manager_client.post(
        day_url(survey), day_post(survey, entries, action="submit", value="anyway"), follow=True
    )

    assert response.redirect_chain == [(day_url(survey), 302)]
    assert "The day is submitted. Thank you!" in response.content.decode()
    day = DiaryDay.objects.get()
    assert (day.status, day.minutes) == (DiaryDay.Status.SUBMITTED, 50)
    assert stored(participant) == [("invoices", 30, 0, 0, 2, None, ""), ("budget", 0, 20, 0, None, 3, "")]


def test_a_row_with_neither_rating_is_asked_about_once(manager_client, survey):
    response = manager_client.post(day_url(survey), day_post(survey, {"invoices-h1": 30}, action="submit"))

    asked = question(response.content.decode())
    assert asked.count(INVOICES) == 1
    assert f"{INVOICES}</a> – missing: both ratings</li>" in asked
    assert DiaryDay.objects.count() == 0


def unrated_beside_errors(content: str) -> str:
    start = content.find('data-testid="unrated-with-errors"')
    return content[start : content.index("</ul>", start)] if start >= 0 else ""


def test_a_save_with_errors_also_lists_the_rows_missing_a_rating(manager_client, survey):
    entries = {
        "invoices-h1": 70,  # too many minutes, no ratings
        "budget-h2": "abc",  # not a number, no ratings
        "documentation-h3": 20,  # fine, but how well it worked is missing
        "documentation-value": 2,
        "planning-h4": 10,  # a rating off the scale is an error, not a missing rating
        "planning-value": 5,
        "planning-function": 3,
        "letters-h5": 10,  # fully rated
        "letters-value": 1,
        "letters-function": 1,
    }

    response = manager_client.post(day_url(survey), day_post(survey, entries, action="submit"))

    content = response.content.decode()
    summary = content[
        content.index("data-error-summary") : content.index("</div>", content.index("data-error-summary"))
    ]
    assert "Finance: invoice handling, 08–09: 70 minutes is not allowed; an hour has at most 60." in summary
    assert "Finance: budget, follow-up, 09–10: enter the minutes as a whole number from 0 to 60." in summary
    assert "the rating 5 is not allowed" in summary
    listed = unrated_beside_errors(content)
    assert "These tasks also have minutes but are missing a rating." in listed
    assert f'href="#task-invoices">{INVOICES}</a> – missing: both ratings</li>' in listed
    assert f'href="#task-budget">{BUDGET}</a> – missing: both ratings</li>' in listed
    assert "Documentation</a> – missing: how well the task worked</li>" in listed
    assert "#task-planning" not in listed and "#task-letters" not in listed
    # The question to submit anyway comes only once there are no errors.
    assert question(content) == ""
    assert 'value="anyway"' not in content
    assert DiaryDay.objects.count() == 0


def test_a_draft_with_errors_does_not_list_missing_ratings(manager_client, survey):
    response = manager_client.post(day_url(survey), day_post(survey, {"invoices-h1": 70}, action="draft"))

    assert "Nothing was saved. Please correct:" in response.content.decode()
    assert unrated_beside_errors(response.content.decode()) == ""


def test_after_the_errors_are_corrected_the_question_asks_about_the_same_rows(manager_client, survey):
    response = manager_client.post(
        day_url(survey), day_post(survey, {"invoices-h1": 60, "budget-h2": 30}, action="submit")
    )

    asked = question(response.content.decode())
    assert f"{INVOICES}</a> – missing: both ratings</li>" in asked
    assert f"{BUDGET}</a> – missing: both ratings</li>" in asked


def test_submitting_with_every_row_rated_submits_at_once(manager_client, survey, participant):
    entries = {
        "invoices-h1": 30,
        "invoices-value": 1,
        "invoices-function": 1,
        "budget-h2": 20,
        "budget-function": 3,
        "budget-value": 4,
        "documentation-value": 2,  # no minutes: not asked about
    }

    response = manager_client.post(day_url(survey), day_post(survey, entries, action="submit"), follow=True)

    assert response.redirect_chain == [(day_url(survey), 302)]
    assert question(response.content.decode()) == ""
    assert DiaryDay.objects.get().status == DiaryDay.Status.SUBMITTED
    assert stored(participant) == [
        ("documentation", 0, 0, 0, 2, None, ""),
        ("invoices", 30, 0, 0, 1, 1, ""),
        ("budget", 0, 20, 0, 4, 3, ""),
    ]


def test_a_draft_with_unrated_rows_is_saved_without_asking(manager_client, survey, participant):
    response = manager_client.post(day_url(survey), day_post(survey, {"invoices-h1": 30}, action="draft"))

    assert response.status_code == 302
    assert DiaryDay.objects.get().status == DiaryDay.Status.DRAFT


# --- Saving a submitted day as a draft withdraws it, and asks first -----------------------------------


def withdraw_question(content: str) -> str:
    """The "Withdraw the submission?" box of a page, or "" when the page does not ask."""
    start = content.find('data-testid="withdraw"')
    return (
        content[start : content.index("</div>", content.index('data-testid="withdraw-confirm"'))] if start >= 0 else ""
    )


def test_a_submitted_day_names_its_draft_button_as_withdrawing(manager_client, survey, participant):
    save(participant, MONDAY, {"invoices": ([20], 2, 3, "")}, submit=True)

    content = manager_client.get(day_url(survey)).content.decode()

    assert ">Withdraw and save as draft</button>" in content
    assert ">Save and keep submitted</button>" in content
    assert ">Save draft</button>" not in content
    assert withdraw_question(content) == ""


def test_a_draft_keeps_its_save_draft_button(manager_client, survey, participant):
    save(participant, MONDAY, {"invoices": ([20], 2, 3, "")})

    content = manager_client.get(day_url(survey)).content.decode()

    assert ">Save draft</button>" in content
    assert "Withdraw and save as draft" not in content


def test_saving_a_submitted_day_as_a_draft_asks_first_and_stores_nothing(manager_client, survey, participant):
    save(participant, MONDAY, {"invoices": ([20], 2, 3, "")}, submit=True)

    response = manager_client.post(day_url(survey), day_post(survey, {"invoices-h1": 25}, action="draft"))

    assert response.status_code == 200
    content = response.content.decode()
    asked = withdraw_question(content)
    assert "Withdraw the submission?" in asked
    assert "it no longer counts in any figure until it is submitted again" in asked
    assert '<button type="submit" name="draft" value="withdraw"' in asked
    assert '<button type="submit" name="submit" class="btn btn-outline-primary">Save and keep submitted' in asked
    assert shown_values(content)["invoices-h1"] == "25"
    day = DiaryDay.objects.get()
    assert (day.status, day.minutes) == (DiaryDay.Status.SUBMITTED, 20)
    # Enter in a field sends the form's first button: that asks again, it never withdraws.
    form = content.split("data-diary", 1)[1]
    first_button = form[form.index('<button type="submit"') :].split(">", 1)[0]
    assert 'name="draft"' in first_button and "withdraw" not in first_button


def test_withdrawing_saves_a_draft_and_says_it_no_longer_counts(manager_client, survey, participant):
    save(participant, MONDAY, {"invoices": ([20], 2, 3, "")}, submit=True)

    response = manager_client.post(
        day_url(survey), day_post(survey, {"invoices-h1": 25}, action="draft", value="withdraw"), follow=True
    )

    assert response.redirect_chain == [(day_url(survey), 302)]
    assert (
        "The day is saved as a draft and is no longer submitted: it does not count in the figures until you submit "
        "it again." in response.content.decode()
    )
    day = DiaryDay.objects.get()
    assert (day.status, day.minutes, day.submitted_at) == (DiaryDay.Status.DRAFT, 25, None)


def test_keeping_a_submitted_day_submitted_needs_no_question(manager_client, survey, participant):
    save(participant, MONDAY, {"invoices": ([20], 2, 3, "")}, submit=True)
    entries = {"invoices-h1": 25, "invoices-value": 2, "invoices-function": 3}

    response = manager_client.post(day_url(survey), day_post(survey, entries, action="submit"), follow=True)

    assert "The day is submitted. Thank you!" in response.content.decode()
    assert (DiaryDay.objects.get().status, DiaryDay.objects.get().minutes) == (DiaryDay.Status.SUBMITTED, 25)


def test_a_draft_is_saved_again_without_a_question(manager_client, survey, participant):
    save(participant, MONDAY, {"invoices": ([20], 2, 3, "")})

    response = manager_client.post(day_url(survey), day_post(survey, {"invoices-h1": 25}, action="draft"), follow=True)

    assert "The day is saved as a draft." in response.content.decode()
    assert DiaryDay.objects.get().minutes == 25


# --- Start from my previous day --------------------------------------------------------------------


def test_start_from_previous_day_fills_minutes_and_notes_but_not_ratings(manager_client, survey, participant):
    save(
        participant, MONDAY, {"invoices": ([20, 10], 2, 1, ""), "other": ([0, 0, 15], 3, 3, "Brandövning")}, submit=True
    )

    response = manager_client.get(day_url(survey, TUESDAY) + "?from=previous")

    assert response.status_code == 200
    assert response.context["prefilled_from"] == MONDAY
    assert "The rows are filled in from" in response.content.decode()
    assert shown_values(response.content) == {
        "invoices-h1": "20",
        "invoices-h2": "10",
        "other-h3": "15",
        "other-note": "Brandövning",
    }
    assert not DiaryDay.objects.filter(date=TUESDAY).exists()


def test_start_from_previous_day_takes_the_latest_earlier_day(manager_client, survey, participant):
    save(participant, MONDAY, {"invoices": ([20], None, None, "")})
    save(participant, TUESDAY, {"budget": ([30], None, None, "")})
    save(participant, dt.date(2025, 3, 7), {"planning": ([40], None, None, "")})

    response = manager_client.get(day_url(survey, WEDNESDAY) + "?from=previous")

    assert response.context["prefilled_from"] == TUESDAY
    assert shown_values(response.content) == {"budget-h1": "30"}


def test_start_from_previous_day_skips_days_without_rows(manager_client, survey, participant):
    save(participant, MONDAY, {"invoices": ([20], None, None, "")})
    save(participant, TUESDAY)

    response = manager_client.get(day_url(survey, WEDNESDAY) + "?from=previous")

    assert response.context["prefilled_from"] == MONDAY


def test_start_from_previous_day_on_the_first_day_uses_the_latest_saved_day(manager_client, survey, participant):
    save(participant, WEDNESDAY, {"budget": ([30], 4, 4, "")})

    response = manager_client.get(day_url(survey, MONDAY) + "?from=previous")

    assert response.context["prefilled_from"] == WEDNESDAY
    assert shown_values(response.content) == {"budget-h1": "30"}


def test_start_from_previous_day_without_one_says_so(manager_client, survey, participant, other_participant):
    save(other_participant, MONDAY, {"invoices": ([20], 2, 2, "")})

    response = manager_client.get(day_url(survey, TUESDAY) + "?from=previous")

    assert response.context["prefilled_from"] is None
    assert "There is no earlier saved day to start from." in response.content.decode()
    assert shown_values(response.content) == {}


def test_start_from_previous_day_is_ignored_in_a_closed_round(manager_client, survey, participant):
    save(participant, MONDAY, {"invoices": ([20], 2, 2, "")})
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)

    response = manager_client.get(day_url(survey, TUESDAY) + "?from=previous")

    assert response.context["prefilled_from"] is None
    assert shown_values(response.content) == {}


def earlier_round(survey, user, *, slug="var-2024", start=dt.date(2024, 3, 4), municipality=None) -> Participant:
    """The same person in an earlier round, with its last day saved and the round closed."""
    earlier = survey_create(
        slug=slug,
        name=f"Round {slug}",
        municipality=municipality or survey.municipality,
        start_date=start,
        end_date=start + dt.timedelta(days=4),
        status=Survey.Status.OPEN,
    )
    return Participant.objects.create(survey=earlier, number=3, user=user)


def test_start_from_previous_day_on_a_rounds_first_day_takes_the_last_day_of_my_previous_round(
    manager_client, survey, participant, manager
):
    earlier = earlier_round(survey, manager)
    retired = earlier.survey.tasks.get(code="budget")
    retired.code = "retired"  # a task this round does not have
    retired.save()
    save(earlier, dt.date(2024, 3, 7), {"invoices": ([5], 1, 1, "")})
    save(earlier, dt.date(2024, 3, 8), {"invoices": ([20, 10], 2, 2, ""), "retired": ([30], 3, 3, "")})
    Survey.objects.filter(pk=earlier.survey.pk).update(status=Survey.Status.CLOSED)

    response = manager_client.get(day_url(survey, MONDAY) + "?from=previous")

    assert response.context["prefilled_from"] == dt.date(2024, 3, 8)
    assert response.context["prefilled_round"] == earlier.survey
    assert "your last day in Round var-2024" in response.content.decode()
    assert shown_values(response.content) == {"invoices-h1": "20", "invoices-h2": "10"}


def test_start_from_previous_day_prefers_this_rounds_days_to_an_earlier_round(
    manager_client, survey, participant, manager
):
    earlier = earlier_round(survey, manager)
    save(earlier, dt.date(2024, 3, 8), {"invoices": ([20], 2, 2, "")})
    save(participant, WEDNESDAY, {"budget": ([30], 4, 4, "")})

    response = manager_client.get(day_url(survey, MONDAY) + "?from=previous")

    assert response.context["prefilled_from"] == WEDNESDAY
    assert response.context["prefilled_round"] is None


def test_start_from_previous_day_ignores_other_municipalities_and_other_people(
    manager_client, survey, participant, manager, other_manager
):
    elsewhere = Municipality.objects.create(name="Annanstad")
    save(
        earlier_round(survey, manager, slug="annan", municipality=elsewhere),
        dt.date(2024, 3, 8),
        {"invoices": ([20], 2, 2, "")},
    )
    save(earlier_round(survey, other_manager, slug="hans"), dt.date(2024, 3, 8), {"invoices": ([20], 2, 2, "")})

    response = manager_client.get(day_url(survey, MONDAY) + "?from=previous")

    assert response.context["prefilled_from"] is None
    assert "There is no earlier saved day to start from." in response.content.decode()


def test_a_prefilled_day_is_stored_only_when_saved(manager_client, survey, participant):
    save(participant, MONDAY, {"invoices": ([20], 2, 2, "")})
    manager_client.get(day_url(survey, TUESDAY) + "?from=previous")

    manager_client.post(
        day_url(survey, TUESDAY),
        day_post(
            survey, {"invoices-h1": 20, "invoices-value": 3, "invoices-function": 4}, action="submit", date=TUESDAY
        ),
    )

    assert stored(participant, TUESDAY) == [("invoices", 20, 0, 0, 3, 4, "")]


# --- Home ------------------------------------------------------------------------------------------


def test_home_lists_the_days_of_the_open_round(manager_client, survey, participant):
    save(participant, MONDAY, {"invoices": ([20], 2, 2, "")}, submit=True)
    save(participant, TUESDAY, {"invoices": ([20], 2, 2, "")})

    response = manager_client.get(reverse("home"))

    assert response.status_code == 200
    (entry,) = response.context["rounds"]
    assert entry["survey"] == survey
    assert [(day["date"], day["status"]) for day in entry["days"][:3]] == [
        (MONDAY, DiaryDay.Status.SUBMITTED),
        (TUESDAY, DiaryDay.Status.DRAFT),
        (WEDNESDAY, None),
    ]
    # The next day to fill is the first one that is not submitted: Tuesday's draft.
    assert entry["next_date"] == TUESDAY
    assert "1 of 5 days submitted." in response.content.decode()
    for date in survey.weekdays():
        assert day_url(survey, date) in response.content.decode()


def test_home_marks_today_and_leads_to_the_next_day(manager_client, participant, monkeypatch):
    survey = participant.survey
    save(participant, MONDAY, {"invoices": ([20], 2, 2, "")}, submit=True)
    monkeypatch.setattr("surveys.progress.local_today", lambda: WEDNESDAY)

    response = manager_client.get(reverse("home"))

    (entry,) = response.context["rounds"]
    assert [day["date"] for day in entry["days"] if day["is_today"]] == [WEDNESDAY]
    assert entry["next_date"] == TUESDAY
    assert entry["due"] == 3  # Monday to Wednesday
    assert f'href="{day_url(survey, TUESDAY)}" data-testid="next-day"' in response.content.decode()


def home_entry(content: str, date: dt.date) -> str:
    """The start page's line of one day, from its link or name to its badges."""
    start = content.index(f'<span class="text-capitalize">{date:%A}</span> {date.day} {date:%B}')
    return content[start : content.index("</li>", start)]


def test_home_says_a_closed_round_is_closed_and_shows_its_drafts_as_locked(manager_client, survey, participant):
    save(participant, MONDAY, {"invoices": ([20], 2, 2, "")}, submit=True)
    save(participant, TUESDAY, {"invoices": ([20], 2, 2, "")})  # a draft left when the round closed
    save(participant, WEDNESDAY, {"invoices": ([20], 2, 2, "")}, submit=True)
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)
    # A closed round is listed while one of its days is reopened.
    DiaryDay.objects.filter(participant=participant, date=WEDNESDAY).update(reopened=True)

    content = manager_client.get(reverse("home")).content.decode()

    assert 'data-testid="round-closed">Closed</span>' in content
    assert "The round is closed; only the days an administrator reopened can be changed." in content
    assert ">Draft, locked</span>" in home_entry(content, TUESDAY)
    assert ">Draft</span>" not in home_entry(content, TUESDAY)
    assert ">Reopened</span>" in home_entry(content, WEDNESDAY)
    assert ">Submitted</span>" in home_entry(content, MONDAY)
    thursday = WEDNESDAY + dt.timedelta(days=1)
    assert ">Not filled in</span>" in home_entry(content, thursday)
    assert day_url(survey, thursday) not in content  # nothing to open: it cannot be filled in now


def test_home_lists_a_closed_round_to_read_after_the_open_ones(manager_client, survey, participant, municipality):
    save(participant, MONDAY, {"invoices": ([20], 2, 2, "")}, submit=True)
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)
    follow_up = survey_create(
        slug="follow-up",
        name="Uppföljning 2025",
        municipality=municipality,
        start_date=dt.date(2025, 3, 10),
        end_date=dt.date(2025, 3, 14),
        status=Survey.Status.OPEN,
    )
    Participant.objects.create(survey=follow_up, number=3, user=participant.user)
    planned = survey_create(
        slug="planned",
        name="Planerad 2026",
        municipality=municipality,
        start_date=dt.date(2026, 3, 2),
        end_date=dt.date(2026, 3, 6),
    )
    Participant.objects.create(survey=planned, number=3, user=participant.user)

    response = manager_client.get(reverse("home"))

    content = response.content.decode()
    # The open round to fill first, the closed one to read after it; a round not yet open is not shown.
    assert [entry["survey"].slug for entry in response.context["rounds"]] == ["follow-up", "test-round"]
    assert "You take part in no open survey round right now." not in content
    closed = content[content.index("Nollmätning 2025") :]
    assert 'data-testid="round-closed">Closed</span>' in closed
    assert "The round is closed; the diary can no longer be changed. The days you saved can still be read." in closed
    assert 'data-testid="next-day"' not in closed
    assert day_url(survey, MONDAY) in closed  # a saved day opens, read-only
    assert ">Submitted</span>" in home_entry(closed, MONDAY)
    assert day_url(survey, TUESDAY) not in closed
    assert ">Not filled in</span>" in home_entry(closed, TUESDAY)


def test_home_with_only_a_closed_round_says_none_is_open_and_shows_it(manager_client, survey, participant):
    save(participant, MONDAY, {"invoices": ([20], 2, 2, "")}, submit=True)
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)

    response = manager_client.get(reverse("home"))

    content = response.content.decode()
    assert "You take part in no open survey round right now." in content
    assert "1 of 5 days submitted." in content
    assert day_url(survey, MONDAY) in content


def test_project_members_with_only_a_closed_diary_land_on_their_rounds(client, survey, project_member):
    Participant.objects.create(survey=survey, number=4, user=project_member)
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)
    client.force_login(project_member)

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response.url == reverse("surveys:rounds")


def test_home_of_an_open_round_says_nothing_of_closing(manager_client, survey, participant):
    save(participant, TUESDAY, {"invoices": ([20], 2, 2, "")})

    content = manager_client.get(reverse("home")).content.decode()

    assert 'data-testid="round-closed"' not in content
    assert "The round is closed" not in content
    assert ">Draft</span>" in home_entry(content, TUESDAY)


def test_home_of_a_manager_without_a_round_says_so(english_client, survey, other_manager):
    english_client.force_login(other_manager)

    response = english_client.get(reverse("home"))

    assert response.context["rounds"] == []
    assert "You take part in no open survey round right now." in response.content.decode()


def test_project_members_and_administrators_land_on_their_rounds(client, survey, project_member, administrator):
    for user in (project_member, administrator):
        client.force_login(user)

        response = client.get(reverse("home"))

        assert response.status_code == 302
        assert response.url == reverse("surveys:rounds")


def test_home_sends_anonymous_to_login(english_client):
    response = english_client.get(reverse("home"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
