"""Running a round in the app: who may see what, the participants page (the pseudonym key), enrolment
from a file, invitations and reminders, closing and reopening, reopening a day, and accounts."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone, translation

from surveys import mailings, roles
from surveys.enrolment import EnrolmentResult, read_upload
from surveys.models import AuditEvent, Department, DiaryDay, Participant, SentEmail, Survey
from surveys.services import LineInput, diary_save, survey_create
from surveys.views_rounds import enrolled_message

from .helpers import day_post

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2025, 3, 3)
TUESDAY = dt.date(2025, 3, 4)


# --- The cast: memberships made here, whatever tests/conftest.py does ------------------------------


@pytest.fixture
def manager(make_user):
    """Alice, as in tests/conftest.py, with the e-mail address an enrolled manager has."""
    return make_user("alice", roles.MANAGERS, email="alice@example.se")


@pytest.fixture
def admin_a(administrator, municipality):
    municipality.members.add(administrator)
    return administrator


@pytest.fixture
def member_a(project_member, municipality):
    municipality.members.add(project_member)
    return project_member


@pytest.fixture
def manager_a(manager, municipality):
    municipality.members.add(manager)
    return manager


@pytest.fixture
def admin_b(make_user, other_municipality):
    user = make_user("erik", roles.ADMINISTRATORS)
    other_municipality.members.add(user)
    return user


@pytest.fixture
def admin_a_client(english_client, admin_a):
    english_client.force_login(admin_a)
    return english_client


def page_urls(survey, number=7) -> dict[str, str]:
    return {
        "rounds": reverse("surveys:rounds"),
        "round": reverse("surveys:round", args=[survey.slug]),
        "participants": reverse("surveys:participants", args=[survey.slug]),
        "participant": reverse("surveys:participant", args=[survey.slug, number]),
        "participant_add": reverse("surveys:participant_add", args=[survey.slug]),
        "enrol": reverse("surveys:enrol", args=[survey.slug]),
        "enrol_template": reverse("surveys:enrol_template", args=[survey.slug]),
        "accounts": reverse("surveys:accounts"),
        "account_create": reverse("surveys:account_create"),
    }


def post_urls(survey, number=7) -> list[str]:
    return [
        reverse("surveys:round_close", args=[survey.slug]),
        reverse("surveys:round_reopen", args=[survey.slug]),
        reverse("surveys:invitations_send", args=[survey.slug]),
        reverse("surveys:reminders_send", args=[survey.slug]),
        reverse("surveys:participant_remove", args=[survey.slug, number]),
        reverse("surveys:day_reopen", args=[survey.slug, number]),
    ]


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def submit_day(participant, date, *, submit=True) -> DiaryDay:
    task = participant.survey.tasks.first()
    return diary_save(participant=participant, date=date, lines=[LineInput(task=task, minutes=[30])], submit=submit)


# --- Access ----------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login_everywhere(english_client, survey, participant):
    for url in [*page_urls(survey).values(), *post_urls(survey)]:
        response = english_client.post(url) if url in post_urls(survey) else english_client.get(url)

        assert response.status_code == 302, url
        assert response.url == f"{reverse('login')}?next={url}"


def test_a_manager_gets_403_everywhere(english_client, survey, participant, manager_a):
    english_client.force_login(manager_a)
    for url in page_urls(survey).values():
        assert english_client.get(url).status_code == 403, url
    for url in post_urls(survey):
        assert english_client.post(url).status_code == 403, url


def test_a_project_member_sees_the_rounds_and_the_figures_but_no_names(english_client, survey, participant, member_a):
    english_client.force_login(member_a)
    urls = page_urls(survey)

    rounds = english_client.get(urls["rounds"])
    summary = english_client.get(urls["round"])

    assert rounds.status_code == 200
    assert survey.name in rounds.content.decode()
    assert summary.status_code == 200
    page = summary.content.decode()
    assert "Days submitted" in page
    assert participant.user.email not in page
    assert participant.user.first_name not in page
    assert "Close the round" not in page
    assert reverse("surveys:participants", args=[survey.slug]) not in page


def test_a_project_member_gets_403_on_the_administration(english_client, survey, participant, member_a):
    english_client.force_login(member_a)
    urls = page_urls(survey)
    for name in ("participants", "participant", "participant_add", "enrol", "enrol_template", "accounts"):
        assert english_client.get(urls[name]).status_code == 403, name
    for url in post_urls(survey):
        assert english_client.post(url).status_code == 403, url
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.KEY_VIEWED).exists()


def test_the_administrator_gets_every_page(admin_a_client, survey, participant):
    for url in page_urls(survey).values():
        assert admin_a_client.get(url).status_code == 200, url


def test_an_administrator_of_another_municipality_gets_404(english_client, survey, participant, admin_b):
    english_client.force_login(admin_b)
    urls = page_urls(survey)

    assert survey.name not in english_client.get(urls["rounds"]).content.decode()
    for name in ("round", "participants", "participant", "participant_add", "enrol", "enrol_template"):
        assert english_client.get(urls[name]).status_code == 404, name
    for url in post_urls(survey):
        assert english_client.post(url).status_code == 404, url
    survey.refresh_from_db()
    assert survey.status == Survey.Status.OPEN


def test_a_superuser_gets_every_page(english_client, survey, participant, superuser):
    english_client.force_login(superuser)
    for url in page_urls(survey).values():
        assert english_client.get(url).status_code == 200, url


def test_an_unknown_round_or_participant_gets_404(admin_a_client, survey, participant):
    assert admin_a_client.get(reverse("surveys:round", args=["no-such-round"])).status_code == 404
    assert admin_a_client.get(reverse("surveys:participant", args=[survey.slug, 99])).status_code == 404


def test_actions_answer_only_post(admin_a_client, survey, participant):
    for url in post_urls(survey):
        assert admin_a_client.get(url).status_code == 405, url


def test_the_menu_shows_rounds_to_the_project_group_and_accounts_to_administrators(
    english_client, survey, member_a, admin_a
):
    english_client.force_login(member_a)
    page = english_client.get(reverse("surveys:rounds")).content.decode()
    assert 'href="/omgangar/"' in page
    assert 'href="/konton/"' not in page

    english_client.force_login(admin_a)
    page = english_client.get(reverse("surveys:rounds")).content.decode()
    assert 'href="/omgangar/"' in page
    assert 'href="/konton/"' in page


# --- Rounds and a round's figures --------------------------------------------------------------------


def test_the_rounds_list_shows_status_dates_and_progress(admin_a_client, survey, participant, other_municipality):
    submit_day(participant, MONDAY)
    survey_create(
        slug="elsewhere",
        name="Grannkommunens mätning",
        municipality=other_municipality,
        start_date=MONDAY,
        end_date=TUESDAY,
    )

    response = admin_a_client.get(reverse("surveys:rounds"))

    page = response.content.decode()
    assert [row["survey"] for row in response.context["rounds"]] == [survey]
    assert "Open" in page
    assert "3 March 2025" in page
    assert "1 of 5 days submitted · 1 participant" in page
    assert reverse("surveys:round", args=[survey.slug]) in page


def test_the_round_page_sums_up_progress(admin_a_client, survey, participant, other_participant):
    submit_day(participant, MONDAY)
    submit_day(participant, TUESDAY, submit=False)

    summary = admin_a_client.get(reverse("surveys:round", args=[survey.slug])).context["summary"]

    # Two participants, each expected on the round's five weekdays (the round is over).
    assert summary == {
        "participants": 2,
        "expected": 10,
        "submitted": 1,
        "draft": 1,
        "missing": 8,
        "invited": 0,
        "reminders": 0,
        "not_started": 1,
        "behind": 2,
    }


# --- Closing and reopening the round -----------------------------------------------------------------


def test_closing_needs_the_box_ticked(admin_a_client, survey):
    response = admin_a_client.post(reverse("surveys:round_close", args=[survey.slug]), follow=True)

    survey.refresh_from_db()
    assert survey.status == Survey.Status.OPEN
    assert "Tick the box to confirm that the round is to be closed." in messages_of(response)


def test_the_round_page_shows_the_figures_beside_the_close_button(admin_a_client, survey, participant):
    page = admin_a_client.get(reverse("surveys:round", args=[survey.slug])).content.decode()

    assert page.index('data-testid="round-summary"') < page.index('data-testid="close-form"')
    assert "Yes, close the round with 0 of 5 days submitted." in page


def test_closing_the_round_records_who_and_when(admin_a_client, survey, admin_a):
    response = admin_a_client.post(reverse("surveys:round_close", args=[survey.slug]), {"confirm": "yes"}, follow=True)

    survey.refresh_from_db()
    assert survey.status == Survey.Status.CLOSED
    assert survey.closed_at is not None
    event = AuditEvent.objects.get(action=AuditEvent.Action.ROUND_CLOSED)
    assert (event.user, event.survey, event.municipality) == (admin_a, survey, survey.municipality)
    assert "The round is closed. Managers can now only read their diaries." in messages_of(response)
    assert "Reopen the round" in response.content.decode()


def test_a_closed_round_is_read_only_for_its_managers(admin_a_client, survey, participant):
    admin_a_client.post(reverse("surveys:round_close", args=[survey.slug]), {"confirm": "yes"})
    survey.refresh_from_db()

    with pytest.raises(ValueError, match="not open"):
        submit_day(participant, MONDAY)


def test_reopening_the_round_opens_it_and_records_it(admin_a_client, survey, admin_a):
    admin_a_client.post(reverse("surveys:round_close", args=[survey.slug]), {"confirm": "yes"})

    response = admin_a_client.post(reverse("surveys:round_reopen", args=[survey.slug]), follow=True)

    survey.refresh_from_db()
    assert survey.status == Survey.Status.OPEN
    assert survey.closed_at is None
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ROUND_REOPENED, user=admin_a, survey=survey).exists()
    assert "The round is open. Managers can fill in and change their diaries." in messages_of(response)


def test_a_draft_round_is_opened_from_its_page(admin_a_client, survey, admin_a):
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.DRAFT)
    assert (
        'data-testid="open-form"' in admin_a_client.get(reverse("surveys:round", args=[survey.slug])).content.decode()
    )

    admin_a_client.post(reverse("surveys:round_reopen", args=[survey.slug]))

    survey.refresh_from_db()
    assert survey.status == Survey.Status.OPEN
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ROUND_OPENED, user=admin_a, survey=survey).exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ROUND_REOPENED).exists()


def test_an_open_round_cannot_be_reopened_nor_a_closed_one_closed(admin_a_client, survey):
    response = admin_a_client.post(reverse("surveys:round_reopen", args=[survey.slug]), follow=True)
    assert "The survey round is already open." in messages_of(response)

    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)
    response = admin_a_client.post(reverse("surveys:round_close", args=[survey.slug]), {"confirm": "yes"}, follow=True)
    assert "Only an open survey round can be closed." in messages_of(response)
    assert not AuditEvent.objects.exclude(user=None).exists()  # the fixtures' roles are the system's


# --- The participants page ---------------------------------------------------------------------------


def test_the_participants_page_shows_the_key_and_progress(admin_a_client, survey, participant, unit):
    participant.invited_at = dt.datetime(2025, 3, 1, 9, 0, tzinfo=mailings.STOCKHOLM)
    participant.save()
    submit_day(participant, MONDAY)
    SentEmail.objects.create(
        participant=participant,
        kind=SentEmail.Kind.REMINDER,
        to="a@example.se",
        sent_at=dt.datetime(2025, 3, 5, 9, 0, tzinfo=mailings.STOCKHOLM),
    )

    response = admin_a_client.get(reverse("surveys:participants", args=[survey.slug]))

    page = response.content.decode()
    row = response.context["rows"][0]
    assert (row.number, row.expected, row.submitted, row.draft, row.missing, row.reminders) == (7, 5, 1, 0, 4, 1)
    assert participant.user.get_full_name() in page
    assert participant.user.email in page
    assert unit.name in page
    assert "1 March 2025" in page  # invited
    assert "5 March 2025" in page  # last reminder


def test_a_round_that_has_ended_counts_its_days_up_to_its_end_not_today(client, survey, participant, admin_a):
    assert survey.end_date < timezone.localdate()
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)
    client.force_login(admin_a)  # Swedish

    round_page = client.get(reverse("surveys:round", args=[survey.slug])).content.decode()
    participants_page = client.get(reverse("surveys:participants", args=[survey.slug])).content.decode()

    today = formats.date_format(timezone.localdate(), "j F Y")
    assert "Förväntat: 5 vardagar per deltagare, hela mätomgången fram till 7 mars 2025." in round_page
    assert "hittills" not in round_page
    assert today not in round_page
    assert "Antalet dagar gäller 5 vardagar fram till 7 mars." in participants_page


def test_a_round_under_way_counts_its_days_up_to_yesterday(admin_a_client, municipality):
    today = timezone.localdate()
    under_way = survey_create(
        slug="under-way",
        name="Pågående",
        municipality=municipality,
        start_date=today - dt.timedelta(days=14),
        end_date=today + dt.timedelta(days=14),
        status=Survey.Status.OPEN,
    )
    yesterday = today - dt.timedelta(days=1)  # a day is due once it is over
    weekdays = len(under_way.expected_days(until=yesterday))

    page = admin_a_client.get(reverse("surveys:round", args=[under_way.slug])).content.decode()

    assert f"Expected so far: {weekdays} weekdays per participant, up to {yesterday:%-d %B %Y}." in page


@pytest.mark.parametrize("starts_in_days", [0, 3])
def test_a_round_that_has_not_started_says_when_it_starts_not_a_date_before_it(
    client, municipality, admin_a, starts_in_days
):
    # A follow-up enrolled and invited ahead of its first day: no day of it is due, and "up to" yesterday
    # named a date before the round.
    today = timezone.localdate()
    ahead = survey_create(
        slug="ahead",
        name="Uppföljning",
        municipality=municipality,
        start_date=today + dt.timedelta(days=starts_in_days),
        end_date=today + dt.timedelta(days=starts_in_days + 11),
    )
    client.force_login(admin_a)  # Swedish

    round_page = client.get(reverse("surveys:round", args=[ahead.slug])).content.decode()
    participants_page = client.get(reverse("surveys:participants", args=[ahead.slug])).content.decode()

    with translation.override("sv"):
        start, start_short = (formats.date_format(ahead.start_date, f) for f in ("j F Y", "j F"))
        yesterday = formats.date_format(today - dt.timedelta(days=1), "j F")
    assert f"Inga dagar förväntas än: mätomgången börjar {start}, och en dag räknas när den är över." in round_page
    assert "hittills" not in round_page
    assert f"Inga dagar räknas än: mätomgången börjar {start_short}." in participants_page
    assert f"fram till {yesterday}" not in round_page + participants_page


def test_a_round_that_started_yesterday_counts_yesterday(admin_a_client, municipality):
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    started = survey_create(
        slug="started",
        name="Startad",
        municipality=municipality,
        start_date=yesterday,
        end_date=today + dt.timedelta(days=10),
        status=Survey.Status.OPEN,
    )
    weekdays = len(started.expected_days(until=yesterday))  # 1, or 0 when yesterday was a weekend day

    page = admin_a_client.get(reverse("surveys:round", args=[started.slug])).content.decode()

    assert "No days are expected yet" not in page
    assert f"Expected so far: {weekdays} weekday" in page


def test_an_empty_round_says_there_is_nobody_to_invite(admin_a_client, survey):
    response = admin_a_client.get(reverse("surveys:participants", args=[survey.slug]))

    page = response.content.decode()
    assert "Nobody is enrolled yet, so there is nobody to invite." in page
    assert "Everyone with an e-mail address has been invited." not in page
    assert "invitation" not in page.split('data-testid="invitations-due"')[1].split("</section>")[0]


def test_every_look_at_the_key_is_logged(admin_a_client, survey, participant, admin_a):
    url = reverse("surveys:participants", args=[survey.slug])

    admin_a_client.get(url)
    admin_a_client.get(url + "?show=behind")

    events = AuditEvent.objects.filter(action=AuditEvent.Action.KEY_VIEWED)
    assert events.count() == 2
    assert {(event.user, event.survey, event.municipality) for event in events} == {
        (admin_a, survey, survey.municipality)
    }


def test_a_look_at_one_participant_is_logged_too(admin_a_client, survey, participant):
    admin_a_client.get(reverse("surveys:participant", args=[survey.slug, 7]))

    event = AuditEvent.objects.get(action=AuditEvent.Action.KEY_VIEWED)
    assert event.participant == participant


@pytest.mark.parametrize(
    ("show", "numbers"),
    [("all", [7, 8, 9]), ("not_started", [9]), ("behind", [8, 9]), ("nonsense", [7, 8, 9])],
)
def test_the_participants_filter(admin_a_client, survey, participant, other_participant, make_user, show, numbers):
    third = Participant.objects.create(survey=survey, number=9, user=make_user("cecilia", roles.MANAGERS))
    for date in survey.weekdays():
        submit_day(participant, date)
    submit_day(other_participant, MONDAY, submit=False)
    assert third.days.count() == 0

    response = admin_a_client.get(reverse("surveys:participants", args=[survey.slug]), {"show": show})

    assert [row.number for row in response.context["rows"]] == numbers


def test_the_participants_page_does_not_query_per_participant(
    admin_a_client, survey, participant, make_user, django_assert_num_queries
):
    url = reverse("surveys:participants", args=[survey.slug])
    with CaptureQueriesContext(connection) as few:
        admin_a_client.get(url)
    for number in range(20, 30):
        person = make_user(f"user{number}", email=f"{number}@example.se")
        Participant.objects.create(survey=survey, number=number, user=person)

    with django_assert_num_queries(len(few.captured_queries)):
        admin_a_client.get(url)


def test_adding_a_person_creates_an_account_with_the_next_number(admin_a_client, survey, participant, unit):
    response = admin_a_client.post(
        reverse("surveys:participant_add", args=[survey.slug]),
        {"name": "Greta Garbo", "email": "greta@example.se", "unit": unit.pk, "number": ""},
        follow=True,
    )

    added = survey.participants.get(user__email="greta@example.se")
    assert (added.number, added.unit, added.user.first_name, added.user.last_name) == (8, unit, "Greta", "Garbo")
    assert not added.user.has_usable_password()
    assert added.user.groups.filter(name=roles.MANAGERS).exists()
    assert survey.municipality.members.filter(pk=added.user.pk).exists()
    assert "Greta Garbo is enrolled as number 8; a new account was created." in messages_of(response)


def test_adding_a_person_with_an_account_links_it(admin_a_client, survey, make_user):
    existing = make_user("helga", email="helga@example.se")

    response = admin_a_client.post(
        reverse("surveys:participant_add", args=[survey.slug]),
        {"name": "Helga H", "email": "HELGA@example.se", "number": "12"},
        follow=True,
    )

    assert survey.participants.get(user=existing).number == 12
    # The account keeps its own name; the message names the person as the participants page will.
    assert "Helga Testsson is enrolled as number 12; their existing account was linked." in messages_of(response)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"email": "not-an-address"},
            "email",
            "“not-an-address” is not a valid e-mail address; write it as name@example.se",
        ),
        ({"email": "alice@example.se"}, "email", "alice@example.se already takes part in this round"),
        ({"number": "7"}, "number", "number 7 belongs to someone else in this municipality"),
        ({"number": "0"}, "number", "Ensure this value is greater than or equal to 1."),
        ({"name": ""}, "name", "This field is required."),
    ],
)
def test_adding_a_person_shows_the_enrolment_rules_on_the_form(
    admin_a_client, survey, participant, data, field, message
):
    values = {"name": "Greta Garbo", "email": "greta@example.se", "unit": "", "number": "", **data}

    response = admin_a_client.post(reverse("surveys:participant_add", args=[survey.slug]), values)

    assert response.status_code == 400
    assert message in response.context["form"].errors[field]
    assert response.context["form"]["email"].value() == values["email"]
    assert survey.participants.count() == 1


def test_changing_a_participants_unit(admin_a_client, survey, participant, department):
    other_unit = department.units.create(name="Förskolan Vitsippan")

    response = admin_a_client.post(
        reverse("surveys:participant", args=[survey.slug, 7]), {"unit": other_unit.pk}, follow=True
    )

    participant.refresh_from_db()
    assert participant.unit == other_unit
    assert "The unit of number 7 is saved." in messages_of(response)


def test_a_closed_rounds_participant_page_says_what_another_unit_changes(admin_a_client, survey, participant):
    url = reverse("surveys:participant", args=[survey.slug, 7])
    note = "The round is closed: another unit changes its figures per department and unit"
    assert note not in admin_a_client.get(url).content.decode()

    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)

    assert note in admin_a_client.get(url).content.decode()


def test_a_unit_of_another_municipality_cannot_be_chosen(admin_a_client, survey, participant, unit, other_municipality):
    foreign = other_municipality.departments.create(name="Skola").units.create(name="Skolan")

    response = admin_a_client.post(reverse("surveys:participant", args=[survey.slug, 7]), {"unit": foreign.pk})

    assert response.status_code == 400
    participant.refresh_from_db()
    assert participant.unit == unit


def test_a_participant_without_days_can_be_removed(admin_a_client, survey, participant):
    page = admin_a_client.get(reverse("surveys:participant", args=[survey.slug, 7])).content.decode()
    assert 'data-testid="remove"' in page

    response = admin_a_client.post(reverse("surveys:participant_remove", args=[survey.slug, 7]), follow=True)

    assert not survey.participants.exists()
    assert "Number 7 is no longer in the round." in messages_of(response)


def test_a_participant_with_days_cannot_be_removed(admin_a_client, survey, participant):
    submit_day(participant, MONDAY, submit=False)

    page = admin_a_client.get(reverse("surveys:participant", args=[survey.slug, 7])).content.decode()
    response = admin_a_client.post(reverse("surveys:participant_remove", args=[survey.slug, 7]), follow=True)

    assert 'data-testid="remove"' not in page
    assert survey.participants.filter(pk=participant.pk).exists()
    assert "Manager no. 7 has diary days and cannot be removed." in messages_of(response)


# --- Invitations and reminders -----------------------------------------------------------------------


def test_the_page_says_how_many_invitations_will_go_out(admin_a_client, survey, participant, make_user):
    Participant.objects.create(survey=survey, number=8, user=make_user("noemail"))
    Participant.objects.create(survey=survey, number=9)

    response = admin_a_client.get(reverse("surveys:participants", args=[survey.slug]))

    page = response.content.decode()
    assert response.context["invitations"].count == 1
    assert "1 participant has not been invited yet" in page
    assert "no. 8, no. 9" in page
    assert "Send 1 invitation" in page


def test_sending_invitations(admin_a_client, survey, participant, mailoutbox):

    response = admin_a_client.post(reverse("surveys:invitations_send", args=[survey.slug]), follow=True)

    assert [message.to for message in mailoutbox] == [["alice@example.se"]]
    assert "http://testserver/konto/lank/?" in mailoutbox[0].body
    participant.refresh_from_db()
    assert participant.invited_at is not None
    assert "1 invitation was sent." in messages_of(response)

    response = admin_a_client.post(reverse("surveys:invitations_send", args=[survey.slug]), follow=True)
    assert len(mailoutbox) == 1
    assert "Everyone who can be reached is already invited; no invitations were sent." in messages_of(response)


def test_a_draft_round_offers_and_sends_no_invitations(admin_a_client, survey, participant, mailoutbox):
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.DRAFT)

    page = admin_a_client.get(reverse("surveys:participants", args=[survey.slug])).content.decode()
    response = admin_a_client.post(reverse("surveys:invitations_send", args=[survey.slug]), follow=True)

    assert "Invitations go out once the round is open" in page
    assert "invitations_send" not in page and "Send 1 invitation" not in page
    assert mailoutbox == []
    participant.refresh_from_db()
    assert participant.invited_at is None
    assert "The round is still a draft; invitations go out once it is open. No invitations were sent." in messages_of(
        response
    )


def test_a_closed_round_sends_no_invitations(admin_a_client, survey, participant, mailoutbox):
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)

    response = admin_a_client.post(reverse("surveys:invitations_send", args=[survey.slug]), follow=True)

    assert mailoutbox == []
    assert "The round is closed; no invitations were sent." in messages_of(response)


@pytest.fixture
def invited(survey, participant):
    """The fixture round is in the past, so all its weekdays are due; alice was invited and submitted none."""
    assert survey.end_date < timezone.localdate()
    participant.invited_at = timezone.now() - dt.timedelta(days=30)
    participant.save()
    return participant


def test_the_page_says_how_many_reminders_are_due_and_when_they_go_out(admin_a_client, survey, invited, monkeypatch):
    monkeypatch.setattr(mailings, "is_daytime", lambda now: False)

    response = admin_a_client.get(reverse("surveys:participants", args=[survey.slug]))

    page = response.content.decode()
    assert response.context["reminders"].count == 1
    assert "1 participant is due a reminder" in page
    assert "Reminders go out on weekdays between 08:00 and 17:00 only, so none would go out now." in page
    assert "Send 1 reminder now" not in page


@pytest.mark.parametrize(
    "interval, rule",
    [
        (1, "Never on the day of the invitation, then at most one a day, 3 in all."),
        (3, "Never on the day of the invitation, then at most one every 3 days, 3 in all."),
    ],
)
def test_the_reminder_rule_is_stated_with_the_rounds_interval(admin_a_client, survey, invited, interval, rule):
    Survey.objects.filter(pk=survey.pk).update(reminder_interval_days=interval, max_reminders=3)

    page = admin_a_client.get(reverse("surveys:participants", args=[survey.slug])).content.decode()

    assert "1 participant is due a reminder of the days not yet submitted." in page
    assert rule in page


def test_sending_reminders_in_daytime(admin_a_client, survey, invited, monkeypatch, mailoutbox):
    monkeypatch.setattr(mailings, "is_daytime", lambda now: True)
    assert (
        "Send 1 reminder now"
        in admin_a_client.get(reverse("surveys:participants", args=[survey.slug])).content.decode()
    )

    response = admin_a_client.post(reverse("surveys:reminders_send", args=[survey.slug]), follow=True)

    assert [message.to for message in mailoutbox] == [["alice@example.se"]]
    assert SentEmail.objects.filter(participant=invited, kind=SentEmail.Kind.REMINDER).count() == 1
    assert "1 reminder was sent." in messages_of(response)

    # The round's interval: no second reminder the same day.
    response = admin_a_client.post(reverse("surveys:reminders_send", args=[survey.slug]), follow=True)
    assert len(mailoutbox) == 1
    assert "No reminders are due right now; none were sent." in messages_of(response)


def test_right_after_the_invitations_no_reminder_is_offered_or_sent(
    admin_a_client, survey, participant, monkeypatch, mailoutbox
):
    monkeypatch.setattr(mailings, "is_daytime", lambda now: True)
    admin_a_client.post(reverse("surveys:invitations_send", args=[survey.slug]))
    mailoutbox.clear()

    response = admin_a_client.get(reverse("surveys:participants", args=[survey.slug]))

    page = response.content.decode()
    assert response.context["reminders"].count == 0
    assert "0 participants are due a reminder" in page
    assert "Never on the day of the invitation" in page
    assert "1 participant with days to submit was invited today and is reminded from tomorrow at the earliest." in page
    assert "reminder now" not in page
    response = admin_a_client.post(reverse("surveys:reminders_send", args=[survey.slug]), follow=True)
    assert mailoutbox == []
    assert "No reminders are due right now; none were sent." in messages_of(response)


def test_no_reminders_go_out_outside_daytime(admin_a_client, survey, invited, monkeypatch, mailoutbox):
    monkeypatch.setattr(mailings, "is_daytime", lambda now: False)

    response = admin_a_client.post(reverse("surveys:reminders_send", args=[survey.slug]), follow=True)

    assert mailoutbox == []
    assert "Reminders go out on weekdays between 08:00 and 17:00 only; none were sent." in messages_of(response)


def test_no_reminders_go_out_in_a_closed_round(admin_a_client, survey, invited, monkeypatch, mailoutbox):
    monkeypatch.setattr(mailings, "is_daytime", lambda now: True)
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)

    response = admin_a_client.post(reverse("surveys:reminders_send", args=[survey.slug]), follow=True)

    assert mailoutbox == []
    assert "Reminders go out only while the round is open; none were sent." in messages_of(response)


# --- Enrolment from a file ---------------------------------------------------------------------------


def csv_upload(text: str, name: str = "deltagare.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def enrol_url(survey) -> str:
    return reverse("surveys:enrol", args=[survey.slug])


def world(survey) -> tuple:
    """What a failed enrolment must leave as it was."""
    return (
        sorted(Participant.objects.values_list("survey_id", "number", "user_id", "unit_id")),
        sorted(get_user_model().objects.values_list("pk", "email")),
        sorted(survey.municipality.members.values_list("pk", flat=True)),
    )


@pytest.fixture
def earlier_round(municipality, make_user):
    """Ingrid was number 4 in the baseline, so she keeps 4 in this round."""
    baseline = survey_create(
        slug="baseline",
        name="Nollmätning 2024",
        municipality=municipality,
        start_date=dt.date(2024, 3, 4),
        end_date=dt.date(2024, 3, 8),
    )
    ingrid = make_user("ingrid", roles.MANAGERS, email="ingrid@example.se")
    Participant.objects.create(survey=baseline, number=4, user=ingrid)
    return baseline


GOOD_FILE = "name,email,unit\nJohan Nilsson,johan@example.se,Förskolan Solrosen\nIngrid I,ingrid@example.se,\n"


def test_an_upload_shows_a_preview_and_changes_nothing(admin_a_client, survey, unit, earlier_round):
    before = world(survey)

    response = admin_a_client.post(enrol_url(survey), {"file": csv_upload(GOOD_FILE)})

    assert response.status_code == 200
    assert world(survey) == before
    page = response.content.decode()
    preview = [(e.number, e.row.email, e.unit, e.new_account, e.kept_number) for e in response.context["plan"].enrolees]
    assert preview == [(5, "johan@example.se", unit, True, False), (4, "ingrid@example.se", None, False, True)]
    for text in ("new account", "existing account linked", "number kept from earlier round", "Johan Nilsson"):
        assert text in page
    assert admin_a_client.session[f"enrol:{survey.pk}"] == [
        {"row": 2, "name": "Johan Nilsson", "email": "johan@example.se", "unit": "Förskolan Solrosen", "number": None},
        {"row": 3, "name": "Ingrid I", "email": "ingrid@example.se", "unit": "", "number": None},
    ]


def test_the_preview_says_a_linked_account_keeps_its_own_name(admin_a_client, survey, unit, earlier_round):
    # The file calls her "Ingrid I"; her account, linked by address, is Ingrid Testsson and stays so.
    response = admin_a_client.post(enrol_url(survey), {"file": csv_upload(GOOD_FILE)})

    assert "The account keeps its name: Ingrid Testsson" in response.content.decode()
    admin_a_client.post(enrol_url(survey), {"confirm": "yes"})
    assert survey.participants.get(number=4).user.get_full_name() == "Ingrid Testsson"


def test_the_preview_says_who_gets_the_days_imported_for_their_number(admin_a_client, survey, unit, earlier_round):
    # Paper diaries imported for number 4 before Ingrid was enrolled: enrolling her links her to them.
    imported = Participant.objects.create(survey=survey, number=4)

    response = admin_a_client.post(enrol_url(survey), {"file": csv_upload(GOOD_FILE)})

    assert "gets the imported days of this number" in response.content.decode()
    admin_a_client.post(enrol_url(survey), {"confirm": "yes"})
    imported.refresh_from_db()
    assert imported.user.email == "ingrid@example.se"


@pytest.mark.parametrize(
    ("created", "linked", "swedish"),
    [
        (1, 9, "10 deltagare inskrivna (1 nytt konto, 9 befintliga konton kopplade)."),
        (2, 1, "3 deltagare inskrivna (2 nya konton, 1 befintligt konto kopplat)."),
        (1, 0, "1 deltagare inskriven (1 nytt konto)."),
        (0, 2, "2 deltagare inskrivna (2 befintliga konton kopplade)."),
    ],
)
def test_the_enrolment_message_has_a_plural_form_for_each_count(created, linked, swedish):
    result = EnrolmentResult(participants=[None] * (created + linked), accounts_created=created, accounts_linked=linked)

    with translation.override("sv"):
        assert enrolled_message(result) == swedish


def test_confirming_enrols_everyone(admin_a_client, survey, unit, earlier_round):
    admin_a_client.post(enrol_url(survey), {"file": csv_upload(GOOD_FILE)})

    response = admin_a_client.post(enrol_url(survey), {"confirm": "yes"}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("surveys:participants", args=[survey.slug])
    assert "2 participants enrolled (1 new account, 1 existing account linked)." in messages_of(response)
    assert sorted(survey.participants.values_list("number", "user__email")) == [
        (4, "ingrid@example.se"),
        (5, "johan@example.se"),
    ]
    assert f"enrol:{survey.pk}" not in admin_a_client.session


def test_an_xlsx_file_works_too(admin_a_client, survey, unit):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["name", "email", "unit", "number"])
    workbook.active.append(["Karin K", "karin@example.se", "Förskolan Solrosen", 20])
    stream = io.BytesIO()
    workbook.save(stream)

    response = admin_a_client.post(enrol_url(survey), {"file": SimpleUploadedFile("people.xlsx", stream.getvalue())})

    assert [(e.number, e.row.email) for e in response.context["plan"].enrolees] == [(20, "karin@example.se")]


def test_confirming_plans_again(admin_a_client, survey, unit, make_user):
    """Someone enrolled the same person between the preview and the confirmation: nothing happens."""
    admin_a_client.post(enrol_url(survey), {"file": csv_upload(GOOD_FILE.replace("Ingrid I,ingrid@example.se,\n", ""))})
    johan = make_user("johan", email="johan@example.se")
    Participant.objects.create(survey=survey, number=30, user=johan)
    before = world(survey)

    response = admin_a_client.post(enrol_url(survey), {"confirm": "yes"})

    assert response.status_code == 400
    assert world(survey) == before
    assert "johan@example.se already takes part in this round" in response.content.decode()


def test_confirming_without_a_preview_asks_for_the_file_again(admin_a_client, survey):
    response = admin_a_client.post(enrol_url(survey), {"confirm": "yes"}, follow=True)

    assert "The preview has expired; upload the file again." in messages_of(response)
    assert not survey.participants.exists()


@pytest.mark.parametrize(
    ("content", "row", "column", "message"),
    [
        ("namn,epost\nA,a@example.se\n", 1, "", "the header must be name,email,unit,number"),
        ("name,email,unit\n,a@example.se,\n", 2, "name", "the name is missing"),
        ("name,email,unit\nA,,\n", 2, "email", "the e-mail address is missing"),
        ("name,email,unit\nA,not-an-address,\n", 2, "email", "“not-an-address” is not a valid e-mail address"),
        ("name,email,unit,number\nA,a@example.se,,x\n", 2, "number", "“x” is not a participant number"),
        ("name,email,unit\nA,a@example.se,Okänd\n", 2, "unit", "unknown unit “Okänd”"),
        ("name,email,unit\nA,a@example.se,\nB,A@example.se,\n", 3, "email", "A@example.se is also on row 2"),
        ("name,email,unit,number\nA,a@example.se,,7\n", 2, "number", "number 7 belongs to someone else"),
        ("name,email,unit\nA,alice@example.se,\n", 2, "email", "alice@example.se already takes part in this round"),
        ("name,email,unit\n", 2, "", "the file has no people in it"),
    ],
)
def test_a_bad_row_enrols_nobody(admin_a_client, survey, participant, unit, content, row, column, message):
    # One good row next to the bad one: all or nothing.
    content = content + "Good Person,good@example.se,\n" if content.count("\n") > 1 else content
    before = world(survey)

    response = admin_a_client.post(enrol_url(survey), {"file": csv_upload(content)})

    assert response.status_code == 400
    assert world(survey) == before
    assert f"enrol:{survey.pk}" not in admin_a_client.session
    errors = [(error.row, error.column) for error in response.context["errors"]]
    assert (row, column) in errors
    assert any(message in error.message for error in response.context["errors"])
    assert 'data-testid="errors"' in response.content.decode()


def test_a_bad_row_quotes_its_values_the_swedish_way(client, admin_a, survey, unit):
    client.force_login(admin_a)  # Swedish pages
    content = "name,email,unit\nLars Lund,lars-at-demokommun,Okänd\n"

    response = client.post(enrol_url(survey), {"file": csv_upload(content)})

    messages = {(error.row, error.column): error.message for error in response.context["errors"]}
    assert messages == {
        (2, "email"): "”lars-at-demokommun” är ingen giltig e-postadress; skriv den som namn@exempel.se",
        (2, "unit"): f"okänd enhet ”Okänd”; kommunen har: {unit.name}",
    }
    page = response.content.decode()
    assert "”lars-at-demokommun”" in page
    assert "&#x27;lars-at-demokommun&#x27;" not in page


def test_a_bad_participant_number_is_quoted_the_swedish_way(client, admin_a, survey, unit):
    client.force_login(admin_a)

    response = client.post(enrol_url(survey), {"file": csv_upload("name,email,unit,number\nLars Lund,lars@x.se,,x\n")})

    [error] = response.context["errors"]
    assert (error.row, error.column, error.message) == (
        2,
        "number",
        "”x” är inget deltagarnummer; använd ett heltal från 1 till 99999 eller lämna tomt",
    )


def test_a_file_that_is_not_text_enrols_nobody(admin_a_client, survey):
    picture = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
    response = admin_a_client.post(enrol_url(survey), {"file": SimpleUploadedFile("x.csv", picture)})

    assert response.status_code == 400
    assert "the file is not CSV text (UTF-8 or Windows-1252)" in response.content.decode()
    assert not survey.participants.exists()


def test_a_file_over_the_size_limit_is_refused(admin_a_client, survey, settings):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    big = "name,email,unit\n" + "A,a@example.se,\n" * 150_000  # 2.3 MB

    response = admin_a_client.post(enrol_url(survey), {"file": csv_upload(big)})

    assert response.status_code == 400
    assert "The file is 2.3 MB; files may be at most 1 MB." in response.content.decode()
    assert not survey.participants.exists()


def test_only_csv_and_xlsx_are_accepted(admin_a_client, survey):
    response = admin_a_client.post(enrol_url(survey), {"file": csv_upload(GOOD_FILE, name="people.txt")})

    assert response.status_code == 400
    assert "Choose a .csv or .xlsx file." in response.content.decode()


def test_a_new_upload_forgets_the_previous_preview(admin_a_client, survey, unit):
    admin_a_client.post(enrol_url(survey), {"file": csv_upload(GOOD_FILE)})
    admin_a_client.post(enrol_url(survey), {"file": csv_upload("name,email,unit\nA,,\n")})

    assert f"enrol:{survey.pk}" not in admin_a_client.session


def test_the_example_file_has_the_columns_and_one_person(admin_a_client, survey, unit):
    response = admin_a_client.get(reverse("surveys:enrol_template", args=[survey.slug]))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines == ["name,email,unit,number", "Anna Andersson,anna.andersson@example.se,Förskolan Solrosen,"]


def test_the_swedish_example_file_is_separated_by_semicolons_as_swedish_excel_opens_it(admin_a_client, survey, unit):
    # Swedish Excel splits a double-clicked CSV at semicolons: commas would put every row in column A.
    admin_a_client.cookies["django_language"] = "sv"

    response = admin_a_client.get(reverse("surveys:enrol_template", args=[survey.slug]))

    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines == ["name;email;unit;number", "Anna Andersson;anna.andersson@example.se;Förskolan Solrosen;"]
    assert read_upload(response.content, filename="mall.csv").errors == []


# --- Reopening one day ------------------------------------------------------------------------------


def reopen(client, survey, number=7, date=MONDAY, reason="Glömde en timme"):
    return client.post(
        reverse("surveys:day_reopen", args=[survey.slug, number]), {"date": date.isoformat(), "reason": reason}
    )


@pytest.fixture
def closed_with_a_submitted_day(survey, participant):
    submit_day(participant, MONDAY)
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)
    survey.refresh_from_db()
    participant.refresh_from_db()
    return survey


def test_reopening_a_day_flags_it_and_records_why(admin_a_client, closed_with_a_submitted_day, participant, admin_a):
    response = reopen(admin_a_client, closed_with_a_submitted_day)

    assert response.status_code == 302
    day = participant.days.get(date=MONDAY)
    assert day.reopened
    assert day.status == DiaryDay.Status.SUBMITTED
    event = AuditEvent.objects.get(action=AuditEvent.Action.DAY_REOPENED)
    assert (event.user, event.participant, event.date, event.detail) == (
        admin_a,
        participant,
        MONDAY,
        "Glömde en timme",
    )


def test_reopening_a_day_never_saved_makes_an_empty_draft(admin_a_client, closed_with_a_submitted_day, participant):
    reopen(admin_a_client, closed_with_a_submitted_day, date=TUESDAY)

    day = participant.days.get(date=TUESDAY)
    assert (day.reopened, day.status, day.lines.count()) == (True, DiaryDay.Status.DRAFT, 0)


def test_the_days_to_reopen_are_named_with_their_status_in_swedish(client, closed_with_a_submitted_day, admin_a):
    client.force_login(admin_a)  # the default language: Swedish

    response = client.get(reverse("surveys:participant", args=[closed_with_a_submitted_day.slug, 7]))

    choices = [label for _value, label in response.context["reopen_form"].fields["date"].widget.choices]
    assert "mån 3 mars · Inskickad" in choices
    assert "tis 4 mars · Inte påbörjad" in choices
    assert "not started" not in response.content.decode().lower()


@pytest.mark.parametrize(
    ("date", "reason", "field", "message"),
    [
        (MONDAY, "  ", "reason", "This field is required."),
        (dt.date(2025, 4, 1), "x", "date", "2025-04-01 is outside the round (2025-03-03 to 2025-03-07)."),
    ],
)
def test_reopening_a_day_needs_a_reason_and_a_day_of_the_round(
    admin_a_client, closed_with_a_submitted_day, participant, date, reason, field, message
):
    response = reopen(admin_a_client, closed_with_a_submitted_day, date=date, reason=reason)

    assert response.status_code == 400
    assert message in response.context["reopen_form"].errors[field]
    assert not participant.days.filter(reopened=True).exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DAY_REOPENED).exists()


def test_the_manager_can_change_a_reopened_day_of_a_closed_round(
    english_client, admin_a_client, closed_with_a_submitted_day, participant, manager
):
    survey = closed_with_a_submitted_day
    reopen(admin_a_client, survey)
    english_client.force_login(manager)
    url = reverse("surveys:day", args=[survey.slug, MONDAY.isoformat()])

    page = english_client.get(url)
    assert page.context["editable"] is True
    assert "An administrator reopened this day." in page.content.decode()

    english_client.post(url, day_post(survey, {"invoices-h1": 45}, action="draft", value="withdraw"))
    day = participant.days.get(date=MONDAY)
    assert (day.status, day.minutes, day.reopened) == (DiaryDay.Status.DRAFT, 45, True)

    english_client.post(
        url, day_post(survey, {"invoices-h1": 50, "invoices-function": 3}, action="submit", value="anyway")
    )
    day.refresh_from_db()
    assert (day.status, day.minutes, day.reopened) == (DiaryDay.Status.SUBMITTED, 50, False)

    # Submitted again: read-only like the rest of the closed round.
    assert english_client.get(url).context["editable"] is False
    english_client.post(url, day_post(survey, {"invoices-h1": 10, "invoices-function": 3}, action="submit"))
    day.refresh_from_db()
    assert day.minutes == 50


def test_other_days_of_a_closed_round_stay_read_only(admin_a_client, closed_with_a_submitted_day, participant):
    reopen(admin_a_client, closed_with_a_submitted_day)

    with pytest.raises(ValueError, match="not open"):
        submit_day(participant, TUESDAY)


def test_submitting_in_an_open_round_clears_the_flag(admin_a_client, survey, participant):
    submit_day(participant, MONDAY)
    reopen(admin_a_client, survey)

    day = submit_day(participant, MONDAY)

    assert not day.reopened


# --- Accounts -------------------------------------------------------------------------------------------


def test_the_accounts_list_shows_the_municipalitys_people(admin_a_client, manager_a, admin_b, make_user):
    outsider = make_user("olle")
    manager_a.last_login = dt.datetime(2025, 3, 3, 8, 15, tzinfo=mailings.STOCKHOLM)
    manager_a.save()

    response = admin_a_client.get(reverse("surveys:accounts"))

    listed = {person["user"] for person in response.context["people"]}
    assert manager_a in listed
    assert admin_b not in listed
    assert outsider not in listed
    page = response.content.decode()
    assert "Alice Testsson" in page
    assert "Manager" in page
    assert "3 March 2025 08:15" in page


def test_the_accounts_list_writes_the_last_login_as_swedish_dates_are_written(admin_a_client, manager_a):
    # Swedish month names are lower-case words, as the account's own page writes them: Django's "M" gave
    # "3 Mar 2025", a capitalised English-looking abbreviation in a Swedish table.
    manager_a.last_login = dt.datetime(2025, 3, 3, 8, 15, tzinfo=mailings.STOCKHOLM)
    manager_a.save()
    admin_a_client.cookies["django_language"] = "sv"

    page = admin_a_client.get(reverse("surveys:accounts")).content.decode()

    assert "3 mars 2025 08:15" in page
    assert "Mar 2025" not in page


def test_creating_an_account(admin_a_client, municipality, admin_a):
    response = admin_a_client.post(
        reverse("surveys:account_create"),
        {
            "first_name": "Petra",
            "last_name": "Persson",
            "email": "petra@example.se",
            "role": roles.PROJECT_GROUP,
            "municipality": municipality.pk,
        },
        follow=True,
    )

    petra = get_user_model().objects.get(email="petra@example.se")
    assert (petra.first_name, petra.last_name, petra.is_active) == ("Petra", "Persson", True)
    assert not petra.has_usable_password()
    assert list(petra.groups.values_list("name", flat=True)) == [roles.PROJECT_GROUP]
    assert list(petra.municipalities.all()) == [municipality]
    event = AuditEvent.objects.get(action=AuditEvent.Action.ACCOUNT_CREATED)
    assert (event.user, event.municipality, event.account) == (admin_a, municipality, petra)
    # The account says whose it is; the detail names no one (an erased person's events tie to nobody).
    assert event.detail == f"role {roles.PROJECT_GROUP}"
    assert "The account for petra@example.se is created." in " ".join(messages_of(response))


def test_an_account_cannot_be_created_twice_or_elsewhere(admin_a_client, municipality, other_municipality, make_user):
    make_user("quinn", email="quinn@example.se")
    data = {"first_name": "Q", "email": "QUINN@example.se", "role": roles.MANAGERS, "municipality": municipality.pk}

    twice = admin_a_client.post(reverse("surveys:account_create"), data)
    elsewhere = admin_a_client.post(
        reverse("surveys:account_create"), {**data, "email": "new@example.se", "municipality": other_municipality.pk}
    )

    assert twice.status_code == 400
    assert (
        "An account with the e-mail address QUINN@example.se already exists." in twice.context["form"].errors["email"]
    )
    assert elsewhere.status_code == 400
    assert "municipality" in elsewhere.context["form"].errors
    assert not AuditEvent.objects.exclude(user=None).exists()  # the fixtures' roles are the system's


def test_deactivating_an_account(admin_a_client, manager_a, admin_a):
    response = admin_a_client.post(
        reverse("surveys:account_edit", args=[manager_a.pk]), {"roles": [roles.MANAGERS]}, follow=True
    )

    manager_a.refresh_from_db()
    assert not manager_a.is_active
    event = AuditEvent.objects.get(action=AuditEvent.Action.ACCOUNT_CHANGED)
    assert (event.user, event.account, event.detail) == (admin_a, manager_a, "deactivated")
    assert "deactivated" in response.content.decode()


def test_changing_a_role(admin_a_client, manager_a):
    admin_a_client.post(
        reverse("surveys:account_edit", args=[manager_a.pk]),
        {"roles": [roles.MANAGERS, roles.PROJECT_GROUP], "is_active": "on"},
    )

    assert set(manager_a.groups.values_list("name", flat=True)) == {roles.MANAGERS, roles.PROJECT_GROUP}
    event = AuditEvent.objects.get(action=AuditEvent.Action.ROLES_CHANGED, user__isnull=False)
    assert event.account == manager_a
    assert event.detail == f"{roles.MANAGERS} → {roles.MANAGERS}, {roles.PROJECT_GROUP}"


def test_the_administrator_role_comes_with_the_django_admin(admin_a_client, manager_a, municipality):
    admin_a_client.post(
        reverse("surveys:account_create"),
        {"first_name": "Ada", "email": "ada@example.se", "role": roles.ADMINISTRATORS, "municipality": municipality.pk},
    )
    edit = reverse("surveys:account_edit", args=[manager_a.pk])
    admin_a_client.post(edit, {"roles": [roles.MANAGERS, roles.ADMINISTRATORS], "is_active": "on"})
    manager_a.refresh_from_db()
    promoted = manager_a.is_staff
    admin_a_client.post(edit, {"roles": [roles.MANAGERS], "is_active": "on"})
    manager_a.refresh_from_db()

    assert get_user_model().objects.get(email="ada@example.se").is_staff
    assert promoted
    assert not manager_a.is_staff


def test_saving_without_a_change_records_nothing(admin_a_client, manager_a):
    response = admin_a_client.post(
        reverse("surveys:account_edit", args=[manager_a.pk]),
        {"roles": [roles.MANAGERS], "is_active": "on"},
        follow=True,
    )

    assert "Nothing was changed." in messages_of(response)
    assert not AuditEvent.objects.exclude(user=None).exists()  # the fixtures' roles are the system's


def test_an_administrator_cannot_lock_themselves_out(admin_a_client, admin_a):
    response = admin_a_client.post(reverse("surveys:account_edit", args=[admin_a.pk]), {"roles": [roles.MANAGERS]})

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "You cannot deactivate your own account." in errors["is_active"]
    assert "You cannot take away your own administrator role." in errors["roles"]
    admin_a.refresh_from_db()
    assert admin_a.is_active
    assert admin_a.groups.filter(name=roles.ADMINISTRATORS).exists()


def test_superusers_cannot_be_changed_here(admin_a_client, superuser, municipality):
    municipality.members.add(superuser)

    page = admin_a_client.get(reverse("surveys:account_edit", args=[superuser.pk]))
    response = admin_a_client.post(reverse("surveys:account_edit", args=[superuser.pk]), {"roles": []})

    assert "Superusers are managed by the installation" in page.content.decode()
    assert response.status_code == 403
    superuser.refresh_from_db()
    assert superuser.is_active


def test_another_municipalitys_account_gets_404(admin_a_client, admin_b):
    url = reverse("surveys:account_edit", args=[admin_b.pk])

    assert admin_a_client.get(url).status_code == 404
    assert admin_a_client.post(url, {"roles": []}).status_code == 404
    admin_b.refresh_from_db()
    assert admin_b.is_active


def test_a_superuser_can_change_any_municipalitys_account(english_client, superuser, admin_b):
    english_client.force_login(superuser)

    english_client.post(reverse("surveys:account_edit", args=[admin_b.pk]), {"roles": [roles.ADMINISTRATORS]})

    admin_b.refresh_from_db()
    assert not admin_b.is_active


def test_a_deactivated_account_cannot_use_its_sign_in_link(admin_a_client, manager_a, english_client, survey):
    link = mailings.signin_url(user=manager_a, base_url="")
    admin_a_client.post(reverse("surveys:account_edit", args=[manager_a.pk]), {"roles": [roles.MANAGERS]})
    admin_a_client.logout()

    response = english_client.get(link)

    assert response.status_code == 400


# --- Starting a round's file from an earlier round's people ---------------------------------------


@pytest.fixture
def spring(survey, unit, make_user):
    """Last spring's round: Ingrid (number 4, in a unit whose name two departments share), Bo (number 9,
    no unit) and an erased person's number 2 (no account any more)."""
    spring = survey_create(
        slug="varen-2024",
        name="Våren 2024",
        municipality=survey.municipality,
        start_date=dt.date(2024, 3, 4),
        end_date=dt.date(2024, 3, 8),
    )
    twin = Department.objects.create(municipality=survey.municipality, name="Socialförvaltningen").units.create(
        name=unit.name
    )
    Participant.objects.create(
        survey=spring, number=4, unit=twin, user=make_user("ingrid", roles.MANAGERS, email="ingrid@example.se")
    )
    Participant.objects.create(survey=spring, number=9, user=make_user("bo", roles.MANAGERS, email="bo@example.se"))
    Participant.objects.create(survey=spring, number=2)
    return spring


def test_an_earlier_rounds_people_come_as_an_enrolment_file_that_enrols_them_again(admin_a_client, survey, spring):
    page = admin_a_client.get(enrol_url(survey)).content.decode()
    link = reverse("surveys:enrol_earlier", args=[survey.slug, spring.slug])
    assert link in page and "The people of Våren 2024 (2 people)" in page

    response = admin_a_client.get(link)

    assert response["Content-Disposition"] == f'attachment; filename="deltagare-{survey.slug}-fran-varen-2024.csv"'
    text = response.content.decode("utf-8")
    assert text.splitlines() == [
        "\ufeffname,email,unit,number",
        "Ingrid Testsson,ingrid@example.se,Socialförvaltningen / Förskolan Solrosen,4",
        "Bo Testsson,bo@example.se,,9",
    ]
    # Uploaded as it came, it enrols the same people under their own numbers and units.
    admin_a_client.post(enrol_url(survey), {"file": csv_upload(text.lstrip("\ufeff"))})
    admin_a_client.post(enrol_url(survey), {"confirm": "yes"})
    enrolled = survey.participants.order_by("number").values_list("number", "user__email", "unit__department__name")
    assert list(enrolled) == [(4, "ingrid@example.se", "Socialförvaltningen"), (9, "bo@example.se", None)]


def test_the_swedish_file_of_an_earlier_rounds_people_is_separated_by_semicolons(admin_a_client, survey, spring):
    admin_a_client.cookies["django_language"] = "sv"  # Swedish Excel splits a double-clicked file at semicolons

    response = admin_a_client.get(reverse("surveys:enrol_earlier", args=[survey.slug, spring.slug]))

    assert response.content.decode("utf-8").splitlines()[0] == "\ufeffname;email;unit;number"


def test_a_later_round_is_not_offered_as_an_earlier_rounds_people(admin_a_client, survey, spring, make_user):
    # The follow-up (survey, March 2025) has people; last spring's round (March 2024) is enrolled later, as a
    # baseline keyed in after the fact: its page offers no round that started after it.
    Participant.objects.create(survey=survey, number=1, user=make_user("karl", roles.MANAGERS, email="karl@example.se"))

    spring_page = admin_a_client.get(enrol_url(spring)).content.decode()
    survey_page = admin_a_client.get(enrol_url(survey)).content.decode()

    assert reverse("surveys:enrol_earlier", args=[spring.slug, survey.slug]) not in spring_page
    assert survey.name not in spring_page
    assert reverse("surveys:enrol_earlier", args=[survey.slug, spring.slug]) in survey_page


def test_no_round_but_an_earlier_one_of_the_municipality_gives_its_people(
    admin_a_client, survey, spring, other_municipality
):
    foreign = survey_create(
        slug="annan-kommun",
        name="Annan",
        municipality=other_municipality,
        start_date=dt.date(2024, 3, 4),
        end_date=dt.date(2024, 3, 8),
    )
    Participant.objects.create(survey=foreign, number=1, user=get_user_model().objects.get(username="bo"))

    assert admin_a_client.get(reverse("surveys:enrol_earlier", args=[survey.slug, foreign.slug])).status_code == 404
    assert admin_a_client.get(reverse("surveys:enrol_earlier", args=[survey.slug, survey.slug])).status_code == 404
    page = admin_a_client.get(enrol_url(survey)).content.decode()
    assert "Annan" not in page and spring.name in page
