"""A day form posted after the session ran out is kept, and shown unsaved after signing in again, for that day
only and within an hour; a sign-in link asked for on the login page returns to the day; typing keeps a
session alive."""

from __future__ import annotations

import datetime as dt
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mio import sessions
from surveys import keptday
from surveys.models import DiaryDay
from tests.conftest import PASSWORD, sessions_expire_at

from .helpers import day_post, shown_values

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2025, 3, 3)
TUESDAY = dt.date(2025, 3, 4)
RESTORED = "You were logged out before the day was saved. What you typed is filled in again but not saved – save now."


@pytest.fixture(autouse=True)
def addressable(manager):
    manager.email = "alice@kommun.se"
    manager.save()


def day_url(survey, date=MONDAY) -> str:
    return reverse("surveys:day", args=[survey.slug, date.isoformat()])


def typed_entries(survey) -> dict[str, str]:
    task = survey.tasks.order_by("order").first()
    return {f"{task.code}-h1": "25", f"{task.code}-value": "3"}


@pytest.fixture
def timed_out(english_client, manager, participant):
    """A manager whose session ran out on the server while the day page was open; the browser still names it."""
    english_client.force_login(manager)
    sessions_expire_at(None)
    return english_client


def post_after_timeout(client, survey, date=MONDAY, *, owner=None):
    """Post the day as the page the manager opened would: its form says whose it is."""
    owner_id = survey.participants.get(number=7).user_id if owner is None else owner
    data = {**day_post(survey, typed_entries(survey)), "owner": keptday.owner_token(owner_id)}
    return client.post(day_url(survey, date), data)


def log_in(client, manager, next_url: str):
    return client.post(
        f"{reverse('login')}?next={next_url}", {"username": manager.username, "password": PASSWORD, "next": next_url}
    )


def test_a_post_after_the_timeout_goes_to_login_with_the_day_to_return_to(timed_out, survey):
    response = post_after_timeout(timed_out, survey)

    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("login")
    assert parse_qs(location.query)["next"] == [day_url(survey)]
    assert not DiaryDay.objects.exists()


def test_after_signing_in_again_the_day_shows_what_was_typed_unsaved_once(timed_out, survey, manager):
    post_after_timeout(timed_out, survey)

    signed_in = log_in(timed_out, manager, day_url(survey))
    assert signed_in["Location"] == day_url(survey)
    page = timed_out.get(day_url(survey))

    task = survey.tasks.order_by("order").first()
    shown = shown_values(page.content)
    assert shown[f"{task.code}-h1"] == "25" and shown[f"{task.code}-value"] == "3"
    assert RESTORED in page.content.decode()
    assert "data-unsaved" in page.content.decode()
    assert not DiaryDay.objects.exists()  # shown, never saved on its own
    again = timed_out.get(day_url(survey))
    assert f"{task.code}-h1" not in shown_values(again.content)
    assert RESTORED not in again.content.decode()


def test_a_day_posted_after_the_twelve_hour_lifetime_is_kept_too(english_client, manager, participant, survey):
    english_client.force_login(manager)
    session = english_client.session
    session[sessions.SIGNED_IN_AT] = int(time.time()) - 12 * 3600
    session.save()

    response = post_after_timeout(english_client, survey)

    assert urlsplit(response["Location"]).path == reverse("login")
    assert not DiaryDay.objects.exists()
    log_in(english_client, manager, day_url(survey))
    page = english_client.get(day_url(survey))
    assert RESTORED in page.content.decode()
    task = survey.tasks.order_by("order").first()
    assert shown_values(page.content)[f"{task.code}-h1"] == "25"


def test_the_kept_input_is_shown_to_its_owner_only(timed_out, survey, manager, other_manager, other_participant):
    # A shared office computer: the next manager signs in on the browser where the first one's session ran out.
    post_after_timeout(timed_out, survey)
    log_in(timed_out, other_manager, day_url(survey))

    page = timed_out.get(day_url(survey))

    assert RESTORED not in page.content.decode()
    assert shown_values(page.content) == {}
    assert keptday.KEPT_DAY not in timed_out.session


def test_a_post_without_a_valid_owner_keeps_nothing(timed_out, survey):
    data = {**day_post(survey, typed_entries(survey)), "owner": keptday.owner_token(1) + "x"}

    timed_out.post(day_url(survey), data)
    timed_out.post(day_url(survey), day_post(survey, typed_entries(survey)))

    assert keptday.KEPT_DAY not in timed_out.session


def test_the_kept_input_is_shown_on_its_own_day_only(timed_out, survey, manager):
    post_after_timeout(timed_out, survey)
    log_in(timed_out, manager, day_url(survey))

    other_day = timed_out.get(day_url(survey, TUESDAY))

    assert RESTORED not in other_day.content.decode()
    assert shown_values(other_day.content) == {}
    # Still there for its own day.
    assert RESTORED in timed_out.get(day_url(survey)).content.decode()


def test_the_kept_input_expires_after_an_hour(timed_out, survey, manager):
    post_after_timeout(timed_out, survey)
    log_in(timed_out, manager, day_url(survey))
    session = timed_out.session
    session[keptday.KEPT_DAY]["at"] -= keptday.KEEP_SECONDS + 1
    session.save()

    page = timed_out.get(day_url(survey))

    assert RESTORED not in page.content.decode()
    assert shown_values(page.content) == {}
    assert keptday.KEPT_DAY not in timed_out.session


def test_signing_in_with_a_link_keeps_the_typed_day(timed_out, survey, manager):
    post_after_timeout(timed_out, survey)

    asked = timed_out.post(reverse("signin_request"), {"email": manager.email, "next": day_url(survey)})
    assert parse_qs(urlsplit(asked["Location"]).query)["next"] == [day_url(survey)]
    link = next(line for line in mail.outbox[0].body.split() if "/konto/lank/" in line)
    opened = timed_out.get(link)

    assert opened.status_code == 302 and opened["Location"] == day_url(survey)
    assert RESTORED in timed_out.get(day_url(survey)).content.decode()


def test_a_sign_in_link_refuses_to_lead_to_another_host(client, manager):
    client.post(reverse("signin_request"), {"email": manager.email, "next": "https://evil.example/dagbok/"})
    link = next(line for line in mail.outbox[0].body.split() if "/konto/lank/" in line)

    assert "evil" not in link
    assert client.get(link)["Location"] == reverse("home")


def test_a_sign_in_link_with_a_foreign_next_added_goes_home(client, manager):
    client.post(reverse("signin_request"), {"email": manager.email})
    link = next(line for line in mail.outbox[0].body.split() if "/konto/lank/" in line)

    assert client.get(link + "&next=https://evil.example/")["Location"] == reverse("home")


def test_the_keep_alive_pushes_the_idle_timeout_ahead(client, manager):
    client.force_login(manager)
    session = client.session
    session["mio_renewed_at"] = int(time.time()) - 120
    session.save()
    sessions_expire_at(timezone.now() + dt.timedelta(minutes=5))

    response = client.post(reverse("keep_alive"))

    assert response.status_code == 204
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert Session.objects.get(session_key=key).expire_date > timezone.now() + dt.timedelta(minutes=59)


def test_the_keep_alive_answers_401_without_a_session():
    assert Client().post(reverse("keep_alive")).status_code == 401


def test_kept_input_of_another_path_stays_and_old_input_goes():
    session = {}
    owner = keptday.owner_token(5)
    posted = {"x-h1": "5", "csrfmiddlewaretoken": "t", "draft": "", "owner": owner}
    keptday.keep_posted_day(session, path="/a/", data=posted, now=100)

    assert keptday.take_kept_day(session, path="/b/", user_id=5, now=200) is None
    assert keptday.take_kept_day(session, path="/a/", user_id=5, now=200) == {"x-h1": "5"}
    assert keptday.take_kept_day(session, path="/a/", user_id=5, now=200) is None
    keptday.keep_posted_day(session, path="/a/", data={"x-h1": "5", "owner": owner}, now=100)
    assert keptday.take_kept_day(session, path="/b/", user_id=5, now=100 + keptday.KEEP_SECONDS + 1) is None
    assert session == {}
    keptday.keep_posted_day(session, path="/a/", data={"x-h1": "5", "owner": owner}, now=100)
    assert keptday.take_kept_day(session, path="/b/", user_id=6, now=200) is None  # someone else's: it goes
    assert session == {}
