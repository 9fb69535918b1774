"""Sessions: an idle timeout and an absolute lifetime that end on the login page with a reason and a
way back, logout by POST only, and a new session key at every sign-in (password or personal link)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mio import sessions
from surveys import mailings
from tests.conftest import PASSWORD, sessions_expire_at

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def english(client):
    # The messages are compared in English, so the tests pass before the Swedish catalogue is compiled.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def signed_in_user_id(client: Client) -> str | None:
    return client.session.get(SESSION_KEY)


def session_key(client: Client) -> str | None:
    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    return cookie.value if cookie else None


def an_anonymous_session(client: Client) -> str:
    """A session that exists before sign-in, as one planted by someone fixing the victim's session."""
    session = client.session
    session["planted"] = True
    session.save()
    return session.session_key


def old_key_is_signed_in(old_key: str) -> bool:
    other = Client()
    other.cookies[settings.SESSION_COOKIE_NAME] = old_key
    return other.get(reverse("home")).status_code == 200


# --- Settings --------------------------------------------------------------------------------------


def test_defaults_are_an_hour_idle_and_twelve_hours_in_all():
    # The test environment sets neither variable: these are the defaults of mio/settings.py.
    assert "SESSION_IDLE_MINUTES" not in os.environ and "SESSION_MAX_HOURS" not in os.environ
    assert settings.SESSION_COOKIE_AGE == 60 * 60
    assert settings.SESSION_MAX_HOURS == 12
    # The cookie outlives the session, so that an expired session can be told from no sign-in.
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_the_environment_sets_both_times():
    env = {**os.environ, "DEBUG": "true", "SESSION_IDLE_MINUTES": "15", "SESSION_MAX_HOURS": "8"}
    code = "from django.conf import settings; print(settings.SESSION_COOKIE_AGE, settings.SESSION_MAX_HOURS)"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    # The last line: Django 5.2's shell first reports the objects it imported.
    assert result.stdout.splitlines()[-1].split() == ["900", "8"]


def test_a_time_below_one_is_refused():
    env = {**os.environ, "DEBUG": "true", "SESSION_IDLE_MINUTES": "0"}
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "SESSION_IDLE_MINUTES and SESSION_MAX_HOURS must be at least 1" in result.stderr


def test_a_session_is_too_old_from_the_lifetime_on():
    start = 1_000_000.0
    assert not sessions.session_is_too_old(start, now=start + 12 * 3600 - 1, max_hours=12)
    assert sessions.session_is_too_old(start, now=start + 12 * 3600, max_hours=12)


# --- Idle timeout ----------------------------------------------------------------------------------


def renewed_seconds_ago(client: Client, seconds: int) -> None:
    session = client.session
    session[sessions.RENEWED_AT] = int(time.time()) - seconds
    session.save()
    # Five minutes of the hour left.
    sessions_expire_at(timezone.now() + dt.timedelta(minutes=5))


def expires(client: Client) -> dt.datetime:
    return Session.objects.get(session_key=session_key(client)).expire_date


def test_a_request_pushes_the_idle_timeout_an_hour_ahead(client, manager):
    client.force_login(manager)
    renewed_seconds_ago(client, 60)

    client.get(reverse("home"))

    assert expires(client) > timezone.now() + dt.timedelta(minutes=59)


def test_the_session_is_renewed_at_most_once_a_minute(client, manager):
    client.force_login(manager)
    renewed_seconds_ago(client, 50)
    before = expires(client)

    client.get(reverse("home"))

    assert expires(client) == before


def test_after_the_idle_timeout_the_login_page_says_why_and_leads_back(client, manager):
    client.force_login(manager)
    page = reverse("surveys:rounds") + "?visa=alla"
    # An hour without activity: the session is gone on the server; the browser still names it.
    sessions_expire_at(None)

    response = client.get(page, follow=True)

    login_url, _status = response.redirect_chain[-1]
    assert urlsplit(login_url).path == reverse("login")
    assert parse_qs(urlsplit(login_url).query)["next"] == [page]
    assert "You were logged out after 60 minutes without activity." in response.content.decode()

    response = client.post(login_url, {"username": "alice", "password": PASSWORD, "next": page})

    assert response.status_code == 302
    assert response["Location"] == page


def test_the_idle_message_is_shown_once(client, manager):
    client.force_login(manager)
    sessions_expire_at(None)
    client.get(reverse("home"), follow=True)

    response = client.get(reverse("home"), follow=True)

    assert "without activity" not in response.content.decode()


def test_a_visitor_who_never_signed_in_gets_no_timeout_message(client, manager):
    response = client.get(reverse("home"), follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert "without activity" not in response.content.decode()


def test_the_idle_minutes_in_the_message_follow_the_setting(client, manager, settings):
    settings.SESSION_IDLE_MINUTES = 30
    settings.SESSION_COOKIE_AGE = 30 * 60
    client.force_login(manager)
    sessions_expire_at(None)

    response = client.get(reverse("home"), follow=True)

    assert "You were logged out after 30 minutes without activity." in response.content.decode()


# --- Absolute lifetime -----------------------------------------------------------------------------


def sign_in_hours_ago(client: Client, hours: float) -> None:
    session = client.session
    session[sessions.SIGNED_IN_AT] = int(time.time() - hours * 3600)
    session.save()


def test_signing_in_records_when(client, manager):
    before = int(time.time())
    client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert before <= client.session[sessions.SIGNED_IN_AT] <= time.time()


def test_an_active_session_lasts_until_the_lifetime(client, manager):
    client.force_login(manager)
    sign_in_hours_ago(client, 11.9)

    assert client.get(reverse("home")).status_code == 200


def test_after_the_lifetime_the_user_is_logged_out_with_a_reason_and_a_way_back(client, manager):
    client.force_login(manager)
    sign_in_hours_ago(client, 12)
    page = reverse("surveys:rounds")

    response = client.get(page, follow=True)

    assert signed_in_user_id(client) is None
    login_url, _status = response.redirect_chain[-1]
    assert urlsplit(login_url).path == reverse("login")
    assert parse_qs(urlsplit(login_url).query)["next"] == [page]
    assert "You were logged out because you had been logged in for 12 hours." in response.content.decode()

    response = client.post(login_url, {"username": "alice", "password": PASSWORD, "next": page})

    assert response["Location"] == page
    assert client.session[sessions.SIGNED_IN_AT] >= time.time() - 5


def test_activity_does_not_extend_the_lifetime(client, manager):
    client.force_login(manager)
    sign_in_hours_ago(client, 11.99)
    assert client.get(reverse("home")).status_code == 200
    sign_in_hours_ago(client, 12.01)

    assert client.get(reverse("home")).status_code == 302
    assert signed_in_user_id(client) is None


def test_a_session_from_before_the_lifetime_existed_starts_counting_now(client, manager):
    client.force_login(manager)
    session = client.session
    del session[sessions.SIGNED_IN_AT]
    session.save()

    assert client.get(reverse("home")).status_code == 200
    assert client.session[sessions.SIGNED_IN_AT] >= time.time() - 5


# --- Logout ----------------------------------------------------------------------------------------


def test_logout_refuses_get(client, manager):
    client.force_login(manager)

    response = client.get(reverse("logout"))

    assert response.status_code == 405
    assert signed_in_user_id(client) == str(manager.pk)


def test_logout_by_post_ends_the_session(client, manager):
    client.force_login(manager)
    old_key = session_key(client)

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert signed_in_user_id(client) is None
    assert not old_key_is_signed_in(old_key)
    # Logging out is no timeout: the login page does not claim one.
    assert "without activity" not in client.get(reverse("login")).content.decode()


def test_the_navbar_logs_out_with_a_post_form(client, manager):
    client.force_login(manager)

    html = client.get(reverse("home")).content.decode()

    assert f'<form method="post" action="{reverse("logout")}"' in html
    assert f'href="{reverse("logout")}"' not in html


# --- A new session key at every sign-in ------------------------------------------------------------


def test_password_login_gives_a_new_session_key(client, manager):
    planted = an_anonymous_session(client)

    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})

    assert response.status_code == 302
    assert signed_in_user_id(client) == str(manager.pk)
    assert session_key(client) != planted
    assert not old_key_is_signed_in(planted)
    assert old_key_is_signed_in(session_key(client))


def test_personal_link_gives_a_new_session_key(client, manager, participant, survey):
    planted = an_anonymous_session(client)
    link = mailings.signin_url(user=manager, survey=survey, date=survey.start_date)

    response = client.get(link.removeprefix(settings.SITE_URL))

    assert response.status_code == 302
    assert signed_in_user_id(client) == str(manager.pk)
    assert session_key(client) != planted
    assert not old_key_is_signed_in(planted)
    assert old_key_is_signed_in(session_key(client))
    assert client.session[sessions.SIGNED_IN_AT] >= time.time() - 5


def test_a_personal_link_after_the_idle_timeout_signs_in_without_a_timeout_message(
    client, manager, participant, survey
):
    client.force_login(manager)
    sessions_expire_at(None)
    link = mailings.signin_url(user=manager, survey=survey, date=survey.start_date)

    response = client.get(link.removeprefix(settings.SITE_URL), follow=True)

    assert response.status_code == 200
    assert signed_in_user_id(client) == str(manager.pk)
    assert "without activity" not in response.content.decode()
