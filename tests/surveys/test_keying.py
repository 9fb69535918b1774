"""Keying in a paper form: who may, picking the participant and the day, and the same rules as the
manager's own day form, with the day marked as keyed in by the administrator."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from surveys.models import DiaryDay, DiaryLine, Survey
from surveys.services import LineInput, day_reopen, diary_save

from .helpers import day_post

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2025, 3, 3)
TUESDAY = dt.date(2025, 3, 4)
FRIDAY = dt.date(2025, 3, 7)


def pick_url(survey) -> str:
    return reverse("surveys:key_pick", args=[survey.slug])


def key_url(survey, number=7, date=TUESDAY) -> str:
    return reverse("surveys:key_day", args=[survey.slug, number, date.isoformat()])


@pytest.fixture
def admin_client(admin_client, participant):
    """tests/conftest.py's administrator client, with number 7 in the round to key in for."""
    return admin_client


# --- Who may ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["key_pick", "key_day", "diary_upload"])
@pytest.mark.parametrize(
    ("who", "expected"),
    [("administrator", 200), ("project_member", 403), ("manager", 403), ("other_administrator", 404)],
)
def test_only_administrators_of_the_round_s_municipality_key_in(
    english_client, survey, participant, url, who, expected, request
):
    english_client.force_login(request.getfixturevalue(who))
    path = key_url(survey) if url == "key_day" else reverse(f"surveys:{url}", args=[survey.slug])

    assert english_client.get(path).status_code == expected
    if url != "key_pick" and expected != 200:
        assert english_client.post(path, day_post(survey, {"budget-h1": 30})).status_code == expected
    assert DiaryDay.objects.count() == 0


@pytest.mark.parametrize("url", ["key_pick", "key_day", "diary_upload"])
def test_anonymous_visitors_are_sent_to_log_in(client, survey, participant, url):
    path = key_url(survey) if url == "key_day" else reverse(f"surveys:{url}", args=[survey.slug])

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- Picking the form ------------------------------------------------------------------------------


def test_the_picker_offers_participants_by_number_and_never_by_name(admin_client, survey, other_participant):
    response = admin_client.get(pick_url(survey))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Manager no. 7" in content and "Manager no. 8" in content
    assert "Alice" not in content and "Bob" not in content
    assert 'min="2025-03-03"' in content and 'max="2025-03-07"' in content


def test_picking_a_participant_and_a_date_opens_the_form(admin_client, survey):
    response = admin_client.get(pick_url(survey), {"participant": "7", "date": "2025-03-04"})

    assert response.status_code == 302
    assert response["Location"] == key_url(survey)


def test_a_weekend_day_in_the_round_may_be_picked(admin_client, survey):
    Survey.objects.filter(pk=survey.pk).update(end_date=dt.date(2025, 3, 9))

    response = admin_client.get(pick_url(survey), {"participant": "7", "date": "2025-03-08"})

    assert response["Location"] == key_url(survey, date=dt.date(2025, 3, 8))


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"participant": "", "date": "2025-03-04"}, "participant", "Choose the participant whose paper form it is."),
        ({"participant": "99", "date": "2025-03-04"}, "participant", "Choose one of the round's participants."),
        ({"participant": "7", "date": ""}, "date", "Enter the date written on the paper form."),
        ({"participant": "7", "date": "4/3"}, "date", "Enter the date as YYYY-MM-DD, e.g. 2026-11-16."),
        (
            {"participant": "7", "date": "2025-03-10"},
            "date",
            "Monday 10 March 2025 is not in the round, which runs from 3 March 2025 to 7 March 2025.",
        ),
    ],
)
def test_a_bad_pick_is_shown_again_with_its_message(admin_client, survey, query, field, message):
    response = admin_client.get(pick_url(survey), query)

    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert message.replace("'", "&#x27;") in response.content.decode()
    # What was typed stays in the form.
    assert response.context["form"][field].value() == query[field]


def test_the_picker_says_when_the_round_is_closed(admin_client, survey):
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)

    response = admin_client.get(pick_url(survey))

    assert "The round is closed; reopen it or the participant's day to key in." in response.content.decode()


def test_the_picker_lists_recently_keyed_in_days(admin_client, survey, participant, other_participant, administrator):
    task = survey.tasks.get(code="budget")
    diary_save(
        participant=participant, date=TUESDAY, lines=[LineInput(task=task, minutes=[30])], keyed_in_by=administrator
    )
    diary_save(participant=other_participant, date=MONDAY, lines=[LineInput(task=task, minutes=[30])])

    response = admin_client.get(pick_url(survey))

    assert list(response.context["recent"]) == [participant.days.get()]
    assert key_url(survey) in response.content.decode()
    assert key_url(survey, number=8, date=MONDAY) not in response.content.decode()


# --- Keying in the day -----------------------------------------------------------------------------


def test_the_day_page_says_whose_form_it_is_and_links_the_weekdays(admin_client, survey):
    response = admin_client.get(key_url(survey))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Key in a paper form: Manager no. 7, Tuesday 4 March 2025" in content
    assert "marked as keyed in by you" in content
    assert key_url(survey, date=MONDAY) in content
    assert key_url(survey, date=dt.date(2025, 3, 5)) in content
    assert pick_url(survey) in content
    assert response.context["keying"] is True


@pytest.mark.parametrize(("number", "date"), [(99, "2025-03-04"), (7, "2025-03-10"), (7, "2025-02-30"), (7, "idag")])
def test_an_unknown_participant_or_a_date_outside_the_round_is_404(admin_client, survey, number, date):
    path = reverse("surveys:key_day", args=[survey.slug, number, date])

    assert admin_client.get(path).status_code == 404
    assert admin_client.post(path, day_post(survey, {"budget-h1": 30})).status_code == 404
    assert DiaryDay.objects.count() == 0


def test_keying_in_a_day_stores_it_as_the_participant_s_marked_keyed_in(
    admin_client, survey, participant, administrator
):
    entries = {"budget-h1": 30, "budget-h2": 15, "budget-value": 3, "budget-function": 2, "invoices-h1": 30}
    entries["invoices-function"] = 4
    entries["invoices-value"] = 1

    response = admin_client.post(key_url(survey), day_post(survey, entries, action="submit"))

    assert response.status_code == 302
    assert response["Location"] == key_url(survey)
    day = DiaryDay.objects.get()
    assert (day.participant, day.date, day.status, day.minutes) == (participant, TUESDAY, "submitted", 75)
    assert day.keyed_in_by == administrator
    assert sorted(day.lines.values_list("task__code", "h1", "h2", "value", "function")) == [
        ("budget", 30, 15, 3, 2),
        ("invoices", 30, 0, 1, 4),
    ]
    page = admin_client.get(key_url(survey)).content.decode()
    assert "Keyed in by Diana Testsson" in page


def test_keying_in_follows_the_rules_of_the_day_form(admin_client, survey):
    response = admin_client.post(key_url(survey), day_post(survey, {"invoices-h2": 40, "budget-h2": 30}))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Nothing was saved. Please correct:" in content
    assert "70 minutes" in content
    assert DiaryDay.objects.count() == 0
    assert DiaryLine.objects.count() == 0


def test_unrated_rows_are_asked_about_before_submitting_as_for_the_manager(admin_client, survey):
    response = admin_client.post(key_url(survey), day_post(survey, {"budget-h1": 30}, action="submit"))

    assert response.status_code == 200
    assert response.context["unrated"]
    assert DiaryDay.objects.count() == 0


def test_keying_in_says_whose_day_and_which_date_was_stored(admin_client, survey, participant):
    rated = {"budget-h1": 30, "budget-value": 3, "budget-function": 2}

    submitted = admin_client.post(key_url(survey), day_post(survey, rated, action="submit"), follow=True)
    drafted = admin_client.post(key_url(survey), day_post(survey, rated, value="withdraw"), follow=True)
    again = admin_client.post(key_url(survey), day_post(survey, rated), follow=True)

    assert [str(message) for message in submitted.context["messages"]] == [
        "Manager no. 7, Tuesday 4 March 2025: the paper form is stored as submitted."
    ]
    assert [str(message) for message in drafted.context["messages"]] == [
        "Manager no. 7, Tuesday 4 March 2025: the paper form is stored as a draft. The day is no longer submitted "
        "and does not count until it is submitted again."
    ]
    assert [str(message) for message in again.context["messages"]] == [
        "Manager no. 7, Tuesday 4 March 2025: the paper form is stored as a draft."
    ]
    assert "Thank you" not in submitted.content.decode()
    assert DiaryDay.objects.get().keyed_in_by is not None


def test_a_closed_round_refuses_keying_in(admin_client, survey):
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)

    response = admin_client.post(key_url(survey), day_post(survey, {"budget-h1": 30}), follow=True)

    assert "The survey round is closed; the diary can no longer be changed." in response.content.decode()
    assert DiaryDay.objects.count() == 0


def test_a_day_reopened_in_a_closed_round_may_be_keyed_in(admin_client, survey, participant, administrator):
    day_reopen(participant=participant, date=TUESDAY, by=administrator, reason="Pappersblankett")
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)

    response = admin_client.post(key_url(survey), day_post(survey, {"budget-h1": 30}, action="submit", value="anyway"))

    assert response.status_code == 302
    day = DiaryDay.objects.get()
    assert (day.status, day.minutes, day.keyed_in_by) == ("submitted", 30, administrator)


def test_the_manager_saving_the_day_later_clears_the_mark(admin_client, survey, participant, manager, client):
    admin_client.post(key_url(survey), day_post(survey, {"budget-h1": 30}))
    assert DiaryDay.objects.get().keyed_in_by is not None

    client.force_login(manager)
    response = client.post(
        reverse("surveys:day", args=[survey.slug, TUESDAY.isoformat()]), day_post(survey, {"budget-h1": 45})
    )

    assert response.status_code == 302
    day = DiaryDay.objects.get()
    assert (day.keyed_in_by, day.minutes) == (None, 45)


def test_the_participant_page_links_each_day_to_keying_in(admin_client, survey):
    response = admin_client.get(reverse("surveys:participant", args=[survey.slug, 7]))

    assert key_url(survey, date=MONDAY) in response.content.decode()
    assert key_url(survey, date=FRIDAY) in response.content.decode()


def test_the_keying_page_says_that_hour_cells_can_be_pasted_from_excel(admin_client, survey):
    admin_client.cookies["django_language"] = "sv"

    page = admin_client.get(key_url(survey)).content.decode()

    assert "Redan inskrivet i Excel? Kopiera en rads timceller (eller flera rader)" in page
