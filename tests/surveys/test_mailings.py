"""Invitations, reminders and sign-in links: who gets what and when, what the e-mails say, that their
links work (and only where and as long as they should), and the send_invitations/send_reminders commands."""

from __future__ import annotations

import datetime as dt
import io
import re
import time
import types
from urllib.parse import parse_qs, urlsplit

import pytest
import sesame.tokens_v2
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from surveys import mailings
from surveys.mailings import STOCKHOLM
from surveys.models import DiaryDay, Participant, SentEmail, Survey
from surveys.services import survey_create

pytestmark = pytest.mark.django_db

S, D = DiaryDay.Status.SUBMITTED, DiaryDay.Status.DRAFT
MON, TUE, WED, THU, FRI = (dt.date(2025, 3, day) for day in range(3, 8))
WEEKDAYS = [MON, TUE, WED, THU, FRI]
SWEDISH_WEEKDAYS = ["måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"]
URL = re.compile(r"https?://\S+")


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=STOCKHOLM)


def links(body: str) -> list[str]:
    return URL.findall(body)


def local(url: str) -> str:
    """The path and query of a link, for the test client (which serves any host)."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def signed_in_as(client) -> int | None:
    value = client.session.get(SESSION_KEY)
    return int(value) if value is not None else None


def day_url(survey: Survey, date: dt.date) -> str:
    return reverse("surveys:day", args=[survey.slug, date.isoformat()])


@pytest.fixture(autouse=True)
def empty_cache():
    """The rate limits count in the default cache; every test starts with none used."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def alice(participant: Participant) -> Participant:
    participant.user.email = "alice@kommun.se"
    participant.user.save()
    return participant


@pytest.fixture
def bob(other_participant: Participant) -> Participant:
    other_participant.user.email = "bob@kommun.se"
    other_participant.user.save()
    return other_participant


# --- Invitations ---------------------------------------------------------------------------------


def test_invitations_go_to_participants_not_yet_invited_and_only_once(survey, alice, bob, mailoutbox):
    bob.invited_at = timezone.now()
    bob.save()

    first = mailings.send_invitations(survey=survey)
    second = mailings.send_invitations(survey=survey)

    assert [message.to for message in mailoutbox] == [["alice@kommun.se"]]
    assert (first.sent, second.sent) == (1, 0)
    alice.refresh_from_db()
    assert alice.invited_at is not None
    sent = SentEmail.objects.get()
    assert (sent.participant, sent.kind, sent.to, sent.days) == (
        alice,
        SentEmail.Kind.INVITATION,
        "alice@kommun.se",
        [],
    )
    assert sent.sent_at == alice.invited_at


def test_the_invitation_names_the_round_its_dates_and_the_minutes_a_day(survey, alice, mailoutbox):
    mailings.send_invitations(survey=survey)

    message = mailoutbox[0]
    assert survey.name in message.subject
    assert survey.name in message.body
    # Swedish dates, "j F" and "j F Y": 3 mars … 7 mars 2025.
    assert f"{survey.start_date.day} mars" in message.body
    assert f"{survey.end_date.day} mars {survey.end_date.year}" in message.body
    assert re.search(rf"\b{mailings.MINUTES_TO_FILL_A_DAY} minut", message.body)
    assert len(links(message.body)) == 1


def test_the_invitation_link_signs_in_and_opens_the_first_day_not_submitted(survey, alice, client, mailoutbox):
    DiaryDay.objects.create(participant=alice, date=MON, status=S)
    DiaryDay.objects.create(participant=alice, date=TUE, status=D)
    mailings.send_invitations(survey=survey)
    (link,) = links(mailoutbox[0].body)

    response = client.get(local(link))

    # Monday is submitted; Tuesday is only a draft, so it is the first day still to fill.
    assert response.status_code == 302
    assert response.url == day_url(survey, TUE)
    assert signed_in_as(client) == alice.user.pk
    assert client.get(response.url).status_code == 200


def test_participants_without_an_address_are_reported_and_not_marked_invited(survey, alice, bob, make_user):
    bob.user.email = ""
    bob.user.save()
    nobody = Participant.objects.create(survey=survey, number=9)  # from a diary import: no account
    gone = Participant.objects.create(survey=survey, number=10, user=make_user("gone", email="gone@kommun.se"))
    gone.user.is_active = False
    gone.user.save()

    mailout = mailings.send_invitations(survey=survey)

    assert [participant for participant, _days in mailout.recipients] == [alice]
    assert mailout.unreachable == [bob, nobody, gone]
    assert Participant.objects.filter(invited_at__isnull=False).get() == alice


def test_a_dry_run_sends_and_records_nothing(survey, alice, mailoutbox):
    mailout = mailings.send_invitations(survey=survey, dry_run=True)

    assert [participant for participant, _days in mailout.recipients] == [alice]
    assert mailoutbox == []
    assert not SentEmail.objects.exists()
    alice.refresh_from_db()
    assert alice.invited_at is None


def invite(*args: str) -> str:
    out = io.StringIO()
    call_command("send_invitations", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("status", [Survey.Status.DRAFT, Survey.Status.CLOSED])
def test_invitations_go_out_only_while_the_round_is_open(survey, alice, mailoutbox, status, english):
    Survey.objects.filter(pk=survey.pk).update(status=status)
    survey.refresh_from_db()

    with pytest.raises(mailings.MailingError):
        mailings.send_invitations(survey=survey)
    with pytest.raises(CommandError, match=survey.slug):
        invite("--survey", survey.slug)

    alice.refresh_from_db()
    assert mailoutbox == []
    assert alice.invited_at is None


def test_the_command_invites_with_links_to_the_site(survey, alice, bob, settings, mailoutbox, client):
    settings.SITE_URL = "https://tidsdagbok.example.se"
    bob.user.email = ""
    bob.user.save()

    out = invite("--survey", survey.slug)

    assert f"Invited no. {alice.number} <alice@kommun.se>" in out
    assert f"Cannot reach no. {bob.number}: no e-mail address" in out
    assert "1 invitation sent" in out
    (link,) = links(mailoutbox[0].body)
    assert link.startswith("https://tidsdagbok.example.se/konto/lank/?")
    assert client.get(local(link)).status_code == 302
    assert signed_in_as(client) == alice.user.pk


def test_the_command_dry_run_lists_and_sends_nothing(survey, alice, mailoutbox):
    out = invite("--survey", survey.slug, "--dry-run")

    assert f"Would invite no. {alice.number} <alice@kommun.se>" in out
    assert "dry run" in out
    assert mailoutbox == []
    assert not SentEmail.objects.exists()
    assert Participant.objects.get(pk=alice.pk).invited_at is None


def test_the_command_refuses_an_unknown_round(db):
    with pytest.raises(CommandError, match="^No survey round “nope”$"):
        invite("--survey", "nope")


# --- Reminders -----------------------------------------------------------------------------------

# Who has done what in the reminder example: number -> ({date: status}, invited).
EXAMPLE = {
    7: ({MON: S, TUE: D, THU: S}, True),  # Tuesday is a draft, Wednesday missing
    8: ({MON: S, TUE: S, WED: S}, True),  # done up to Wednesday
    9: ({}, False),  # never invited
    10: ({}, True),  # nothing at all
}


def unsubmitted_until(number: int, yesterday: dt.date) -> list[dt.date]:
    """The reminder rule: weekdays of the round up to yesterday that are not submitted."""
    statuses, _invited = EXAMPLE[number]
    return [day for day in WEEKDAYS if day <= yesterday and statuses.get(day) != S]


@pytest.fixture
def example(survey, make_user) -> dict[int, Participant]:
    participants = {}
    for number, (statuses, invited) in EXAMPLE.items():
        user = make_user(f"chef{number}", email=f"chef{number}@kommun.se")
        participant = Participant.objects.create(
            survey=survey, number=number, user=user, invited_at=at(MON, 7) if invited else None
        )
        for date, status in statuses.items():
            DiaryDay.objects.create(participant=participant, date=date, status=status)
        participants[number] = participant
    return participants


def reminded(mailoutbox) -> dict[str, list]:
    return {message.to[0]: message for message in mailoutbox}


def listed_days(body: str) -> list[tuple[str, dt.date]]:
    """The days a reminder lists: each "- <weekday> <day> <month>:" line, and the date its link opens."""
    found = re.findall(r"^- (.+):\n\s+(https?://\S+)$", body, flags=re.MULTILINE)
    return [(label, dt.date.fromisoformat(parse_qs(urlsplit(link).query)["dag"][0])) for label, link in found]


def test_reminders_list_exactly_the_unsubmitted_weekdays_up_to_yesterday(survey, example, mailoutbox):
    now = at(THU, 10)
    yesterday = WED

    mailout = mailings.send_reminders(survey=survey, now=now)

    # 8 is done up to yesterday and 9 was never invited: only 7 and 10.
    due = {number: unsubmitted_until(number, yesterday) for number in (7, 10)}
    assert due == {7: [TUE, WED], 10: [MON, TUE, WED]}
    assert mailout.sent == 2
    messages = reminded(mailoutbox)
    assert set(messages) == {"chef7@kommun.se", "chef10@kommun.se"}
    for number, days in due.items():
        message = messages[f"chef{number}@kommun.se"]
        assert survey.name in message.subject
        assert listed_days(message.body) == [(f"{SWEDISH_WEEKDAYS[day.weekday()]} {day.day} mars", day) for day in days]
        assert len(links(message.body)) == len(days)


def test_each_day_of_a_reminder_has_its_own_working_link(survey, example, mailoutbox, client):
    mailings.send_reminders(survey=survey, now=at(THU, 10))
    body = reminded(mailoutbox)["chef10@kommun.se"].body

    for link, day in zip(links(body), [MON, TUE, WED], strict=True):
        client.logout()
        response = client.get(local(link))
        assert response.status_code == 302
        assert response.url == day_url(survey, day)
        assert signed_in_as(client) == example[10].user.pk


def test_every_reminder_is_recorded_with_its_days(survey, example, mailoutbox):
    now = at(THU, 10)

    mailings.send_reminders(survey=survey, now=now)

    records = {record.participant.number: record for record in SentEmail.objects.filter(kind=SentEmail.Kind.REMINDER)}
    assert set(records) == {7, 10}
    for number, record in records.items():
        assert record.to == f"chef{number}@kommun.se"
        assert record.days == [day.isoformat() for day in unsubmitted_until(number, WED)]
        assert record.sent_at == now


def test_a_reminder_counts_drafts_as_not_submitted(survey, alice, mailoutbox):
    alice.invited_at = at(MON, 7)
    alice.save()
    DiaryDay.objects.create(participant=alice, date=MON, status=D)

    mailings.send_reminders(survey=survey, now=at(TUE, 9))

    assert [day for _label, day in listed_days(mailoutbox[0].body)] == [MON]


def test_nothing_goes_to_a_participant_who_submitted_every_day_due(survey, example, mailoutbox):
    # On Tuesday only Monday is due; 7 and 8 submitted it.
    mailings.send_reminders(survey=survey, now=at(TUE, 10))

    assert set(reminded(mailoutbox)) == {"chef10@kommun.se"}


def test_nothing_is_due_on_the_first_day_of_the_round(survey, example, mailoutbox):
    mailout = mailings.send_reminders(survey=survey, now=at(MON, 10))

    assert (mailout.sent, mailoutbox) == (0, [])


def reminders_to(number: int) -> int:
    return SentEmail.objects.filter(participant__number=number, kind=SentEmail.Kind.REMINDER).count()


def test_nobody_is_reminded_on_the_day_they_were_invited(survey, example, mailoutbox):
    invited_now = example[10]
    invited_now.invited_at = at(WED, 9)
    invited_now.save()

    same_day = mailings.send_reminders(survey=survey, now=at(WED, 9, 1))

    # 7 was invited on Monday and is reminded; 10, invited a minute ago, waits although days are due.
    assert set(reminded(mailoutbox)) == {"chef7@kommun.se"}
    assert same_day.invited_today == [invited_now]
    mailoutbox.clear()

    next_day = mailings.send_reminders(survey=survey, now=at(THU, 8))

    assert set(reminded(mailoutbox)) == {"chef10@kommun.se"}
    assert next_day.invited_today == []


def test_the_day_of_the_invitation_is_a_day_in_stockholm(survey, example, mailoutbox):
    # 23:30 UTC on Tuesday is 00:30 on Wednesday in Stockholm: the invitation is Wednesday's.
    example[10].invited_at = dt.datetime.combine(TUE, dt.time(23, 30), tzinfo=dt.UTC)
    example[10].save()

    mailings.send_reminders(survey=survey, now=at(WED, 10))

    assert "chef10@kommun.se" not in reminded(mailoutbox)


def test_the_interval_is_counted_in_calendar_days(survey, example, mailoutbox):
    assert survey.reminder_interval_days == 2
    runs = [
        (at(TUE, 16, 59), 1),  # the first
        (at(TUE, 16, 59) + dt.timedelta(minutes=1, seconds=-1), 0),  # again the same day
        (at(WED, 10), 0),  # one calendar day later
        (at(THU, 8), 1),  # two calendar days later, though only 39 hours
        (at(THU, 9), 0),
    ]
    for now, expected in runs:
        before = reminders_to(10)
        mailings.send_reminders(survey=survey, now=now)
        assert reminders_to(10) - before == expected, now


def test_the_interval_counts_days_in_stockholm_not_utc(survey, example, mailoutbox):
    # 00:30 on Wednesday in Stockholm is still Tuesday in UTC.
    mailings.send_reminders(survey=survey, now=at(WED, 0, 30), force=True)
    assert reminders_to(10) == 1

    mailings.send_reminders(survey=survey, now=at(THU, 10))

    # Wednesday to Thursday is one day in Stockholm: not yet.
    assert reminders_to(10) == 1


def test_no_participant_gets_more_than_the_maximum(survey, example, mailoutbox):
    survey.reminder_interval_days = 1
    survey.max_reminders = 2
    survey.save()

    for day in (TUE, WED, THU, FRI):
        mailings.send_reminders(survey=survey, now=at(day, 10))
        mailings.send_reminders(survey=survey, now=at(day, 11), force=True)

    assert reminders_to(10) == survey.max_reminders


@pytest.mark.parametrize(
    ("now", "sent"),
    [
        (at(dt.date(2025, 3, 8), 12), False),  # Saturday noon
        (at(dt.date(2025, 3, 9), 12), False),  # Sunday noon
        (at(dt.date(2025, 3, 10), 7, 59), False),  # Monday, a minute early
        (at(dt.date(2025, 3, 10), 17, 0), False),  # Monday, closed
        (at(dt.date(2025, 3, 10), 8, 0), True),
        (at(dt.date(2025, 3, 10), 16, 59), True),
        (dt.datetime(2025, 3, 10, 7, 30, tzinfo=dt.UTC), True),  # 08:30 in Stockholm
        (dt.datetime(2025, 3, 10, 16, 30, tzinfo=dt.UTC), False),  # 17:30 in Stockholm
    ],
)
def test_reminders_go_out_only_on_weekdays_in_office_hours(survey, example, mailoutbox, now, sent):
    mailout = mailings.send_reminders(survey=survey, now=now)

    assert (len(mailoutbox) > 0) is sent
    assert (mailout.sent > 0) is sent
    assert SentEmail.objects.exists() is sent


def test_force_sends_outside_office_hours_but_keeps_the_interval_and_the_maximum(survey, example, mailoutbox):
    saturday = at(dt.date(2025, 3, 8), 12)
    survey.max_reminders = 1
    survey.save()

    mailings.send_reminders(survey=survey, now=saturday, force=True)
    assert reminders_to(10) == 1
    mailings.send_reminders(survey=survey, now=saturday + dt.timedelta(hours=1), force=True)
    assert reminders_to(10) == 1  # the interval
    mailings.send_reminders(survey=survey, now=saturday + dt.timedelta(days=5), force=True)
    assert reminders_to(10) == 1  # the maximum


@pytest.mark.parametrize("status", [Survey.Status.CLOSED, Survey.Status.DRAFT])
def test_a_round_that_is_not_open_gets_no_reminders(survey, example, mailoutbox, status):
    survey.status = status
    survey.save()

    mailout = mailings.send_reminders(survey=survey, now=at(THU, 10), force=True)

    assert (mailout.sent, mailoutbox) == (0, [])


def test_a_reminder_dry_run_sends_nothing(survey, example, mailoutbox):
    mailout = mailings.send_reminders(survey=survey, now=at(THU, 10), dry_run=True)

    assert [participant.number for participant, _days in mailout.recipients] == [7, 10]
    assert (mailoutbox, SentEmail.objects.exists()) == ([], False)


# --- The send_reminders command ------------------------------------------------------------------


def remind(*args: str) -> str:
    out = io.StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def second_round(municipality, make_user) -> Survey:
    other = survey_create(
        slug="andra-omgangen",
        name="Uppföljning 2025",
        municipality=municipality,
        start_date=MON,
        end_date=FRI,
        status=Survey.Status.OPEN,
    )
    Participant.objects.create(
        survey=other, number=1, user=make_user("erik", email="erik@kommun.se"), invited_at=at(MON, 7)
    )
    return other


def test_the_command_reminds_in_every_open_round(survey, example, second_round, mailoutbox, municipality):
    closed = survey_create(
        slug="stangd", name="Stängd", municipality=municipality, start_date=MON, end_date=FRI, status="closed"
    )

    out = remind("--now", "2025-03-06T10:00")

    assert f"{survey.slug}: 2 reminders sent." in out
    assert f"{second_round.slug}: 1 reminder sent." in out
    assert closed.slug not in out
    assert "Reminded no. 10 <chef10@kommun.se>: 2025-03-03, 2025-03-04, 2025-03-05" in out
    assert {message.to[0] for message in mailoutbox} == {"chef7@kommun.se", "chef10@kommun.se", "erik@kommun.se"}


def test_the_command_reminds_in_the_round_named(survey, example, second_round, mailoutbox):
    out = remind("--survey", second_round.slug, "--now", "2025-03-06T10:00+01:00")

    assert f"{second_round.slug}: 1 reminder sent." in out
    assert survey.slug not in out
    assert [message.to for message in mailoutbox] == [["erik@kommun.se"]]


def test_the_command_says_nothing_was_sent_because_of_the_clock(survey, example, mailoutbox):
    out = remind("--now", "2025-03-08T12:00")

    assert "Nothing sent" in out
    assert "08:00-17:00" in out
    assert mailoutbox == []


def test_the_command_forces_outside_office_hours(survey, example, mailoutbox):
    out = remind("--now", "2025-03-08T12:00", "--force")

    # On Saturday every weekday up to Friday is due: 8 has not submitted Thursday and Friday either.
    due = {number for number, (_days, invited) in EXAMPLE.items() if invited and unsubmitted_until(number, FRI)}
    assert due == {7, 8, 10}
    assert f"{survey.slug}: {len(due)} reminders sent." in out
    assert {message.to[0] for message in mailoutbox} == {f"chef{number}@kommun.se" for number in due}


def test_the_command_takes_the_time_from_the_clock(survey, example, mailoutbox, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: at(THU, 10))

    out = remind()

    assert f"{survey.slug}: 2 reminders sent." in out
    assert SentEmail.objects.filter(sent_at=at(THU, 10)).count() == 2


def test_the_command_exits_quietly_when_nothing_is_due(survey, example, mailoutbox):
    remind("--now", "2025-03-06T10:00")
    mailoutbox.clear()

    out = remind("--now", "2025-03-06T11:00")

    assert f"{survey.slug}: 0 reminders sent." in out
    assert mailoutbox == []


def test_the_reminders_dry_run_lists_and_sends_nothing(survey, example, mailoutbox):
    out = remind("--now", "2025-03-06T10:00", "--dry-run")

    assert "Would remind no. 7 <chef7@kommun.se>: 2025-03-04, 2025-03-05" in out
    assert f"{survey.slug}: 2 reminders would go out" in out
    assert (mailoutbox, SentEmail.objects.exists()) == ([], False)


def test_the_command_says_who_waits_because_they_were_invited_today(survey, example, mailoutbox):
    example[10].invited_at = at(THU, 9)
    example[10].save()

    out = remind("--now", "2025-03-06T10:00")

    assert "Not yet no. 10: invited today, reminded from tomorrow" in out
    assert f"{survey.slug}: 1 reminder sent." in out
    assert set(reminded(mailoutbox)) == {"chef7@kommun.se"}


def test_the_command_refuses_an_unknown_round_and_a_bad_moment(db):
    with pytest.raises(CommandError, match="^No survey round “nope”$"):
        remind("--survey", "nope", "--now", "2025-03-06T10:00")
    with pytest.raises(CommandError, match="not a moment"):
        remind("--now", "torsdag")


# --- Sign-in links -------------------------------------------------------------------------------


def later(monkeypatch, delta: dt.timedelta) -> None:
    """Move sesame's clock (it reads time.time() when it checks a token's age) forward by `delta`."""
    real = time.time
    monkeypatch.setattr(sesame.tokens_v2, "time", types.SimpleNamespace(time=lambda: real() + delta.total_seconds()))


def assert_refused(response, client) -> None:
    assert response.status_code == 400
    assert "registration/link_invalid.html" in [template.name for template in response.templates]
    assert signed_in_as(client) is None


@pytest.fixture
def follow_up(municipality, alice) -> Survey:
    """A second round in which Alice also takes part."""
    other = survey_create(
        slug="uppfoljning",
        name="Uppföljning 2025",
        municipality=municipality,
        start_date=MON,
        end_date=FRI,
        status=Survey.Status.OPEN,
    )
    Participant.objects.create(survey=other, number=alice.number, user=alice.user)
    return other


def test_a_round_link_does_not_sign_in_to_another_round(survey, follow_up, alice, client):
    link = mailings.signin_url(user=alice.user, survey=survey)
    query = parse_qs(urlsplit(link).query)

    response = client.get(reverse("signin_link"), {"lank": query["lank"][0], "omgang": follow_up.slug})

    assert_refused(response, client)


def test_a_round_link_is_no_plain_login_link_and_the_reverse(survey, alice, client):
    round_token = parse_qs(urlsplit(mailings.signin_url(user=alice.user, survey=survey)).query)["lank"][0]
    login_token = parse_qs(urlsplit(mailings.signin_url(user=alice.user)).query)["lank"][0]

    assert_refused(client.get(reverse("signin_link"), {"lank": round_token}), client)
    assert_refused(client.get(reverse("signin_link"), {"lank": login_token, "omgang": survey.slug}), client)


def test_a_link_that_is_cut_short_does_not_work(survey, alice, client):
    link = mailings.signin_url(user=alice.user, survey=survey)

    assert_refused(client.get(local(link).replace("&omgang", "x&omgang")), client)
    assert_refused(client.get(reverse("signin_link"), {"omgang": survey.slug}), client)


def test_a_round_link_works_for_fourteen_days(survey, alice, client, monkeypatch):
    link = mailings.signin_url(user=alice.user, survey=survey, date=WED)

    later(monkeypatch, dt.timedelta(days=13, hours=23))
    response = client.get(local(link))

    assert response.status_code == 302
    assert response.url == day_url(survey, WED)
    assert signed_in_as(client) == alice.user.pk


def test_a_round_link_no_longer_works_after_fifteen_days(survey, alice, english_client, monkeypatch):
    client = english_client
    link = mailings.signin_url(user=alice.user, survey=survey)

    later(monkeypatch, dt.timedelta(days=15))
    response = client.get(local(link))

    assert_refused(response, client)
    assert "The link does not work" in response.content.decode()


def test_a_deactivated_account_cannot_sign_in_with_its_link(survey, alice, client):
    link = mailings.signin_url(user=alice.user, survey=survey)
    alice.user.is_active = False
    alice.user.save()

    assert_refused(client.get(local(link)), client)


def test_a_link_for_a_day_outside_the_round_opens_the_start_page(survey, alice, client):
    link = mailings.signin_url(user=alice.user, survey=survey, date=FRI + dt.timedelta(days=3))

    response = client.get(local(link))

    assert (response.status_code, response.url) == (302, reverse("home"))
    assert signed_in_as(client) == alice.user.pk


def test_the_login_page_link_works_for_an_hour_only(alice, client, mailoutbox, monkeypatch):
    assert mailings.send_signin_link(email="ALICE@kommun.se") is True
    (link,) = links(mailoutbox[0].body)
    assert mailoutbox[0].to == ["alice@kommun.se"]

    later(monkeypatch, dt.timedelta(minutes=59))
    response = client.get(local(link))
    assert (response.status_code, response.url) == (302, reverse("home"))
    assert signed_in_as(client) == alice.user.pk

    client.logout()
    later(monkeypatch, dt.timedelta(minutes=61))
    assert_refused(client.get(local(link)), client)


def test_no_login_link_goes_to_an_unknown_or_deactivated_address(alice, mailoutbox):
    assert mailings.send_signin_link(email="nobody@kommun.se") is False
    alice.user.is_active = False
    alice.user.save()
    assert mailings.send_signin_link(email="alice@kommun.se") is False
    assert mailoutbox == []


def ask_for_link(client, email: str):
    return client.post(reverse("signin_request"), {"email": email}, follow=True)


def answer(response, email: str) -> tuple[int, list, list[str]]:
    """What the person asking sees (where they land, the messages shown there), with their own address
    taken out so that the answers to different addresses can be compared."""
    return (
        response.status_code,
        response.redirect_chain,
        [str(message).replace(email, "ADDRESS") for message in response.context["messages"]],
    )


def test_asking_for_a_link_answers_the_same_whether_or_not_the_address_has_an_account(
    alice, english_client, mailoutbox
):
    client = english_client
    known = ask_for_link(client, "alice@kommun.se")
    assert len(mailoutbox) == 1
    unknown = ask_for_link(client, "nobody@kommun.se")

    assert len(mailoutbox) == 1
    assert answer(known, "alice@kommun.se") == answer(unknown, "nobody@kommun.se")
    assert answer(known, "alice@kommun.se")[:2] == (200, [(reverse("login"), 302)])
    assert "a sign-in link is on its way" in answer(known, "alice@kommun.se")[2][0]
    assert mailoutbox[0].to == ["alice@kommun.se"]
    (link,) = links(mailoutbox[0].body)
    assert client.get(local(link)).status_code == 302
    assert signed_in_as(client) == alice.user.pk


def test_the_fourth_request_for_an_address_within_the_hour_sends_nothing(alice, client, mailoutbox):
    answers = [answer(ask_for_link(client, "alice@kommun.se"), "alice@kommun.se") for _ in range(4)]

    assert len(mailoutbox) == 3
    assert all(each == answers[0] for each in answers)


def test_the_limit_per_address_ignores_the_case_of_the_address(alice, client, mailoutbox):
    for email in ("alice@kommun.se", "Alice@kommun.se", "ALICE@kommun.se", "alice@KOMMUN.se"):
        ask_for_link(client, email)

    assert len(mailoutbox) == 3


def test_one_client_may_ask_twenty_times_an_hour(alice, client, mailoutbox):
    for number in range(20):
        ask_for_link(client, f"someone{number}@kommun.se")

    response = ask_for_link(client, "alice@kommun.se")

    assert mailoutbox == []
    assert answer(response, "alice@kommun.se")[:2] == (200, [(reverse("login"), 302)])


def test_an_invalid_address_shows_the_login_page_again(client, mailoutbox):
    response = client.post(reverse("signin_request"), {"email": "not an address"})

    assert response.status_code == 400
    assert mailoutbox == []
