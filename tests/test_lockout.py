"""Password guessing: ten failed passwords for one account lock it for an hour (django-axes), the lock is
logged, administrators of the account's municipality can lift it; sign-in links are rate limited too."""

from __future__ import annotations

import datetime as dt
import logging
from urllib.parse import urlsplit

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.db.models import F
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from mio.clientip import client_ip
from surveys import lockouts, mailings
from surveys.models import AuditEvent
from surveys.views import SIGNIN_LINK_FAILURES_PER_HOUR
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LIMIT = 10
LOCKED = "Too many failed sign-in attempts for this account."


@pytest.fixture(autouse=True)
def pinned_limit(settings):
    """The limit this file is about, whatever the environment says."""
    settings.AXES_FAILURE_LIMIT = LIMIT


def english() -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    return client


def sign_in(client: Client, username: str, password: str, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def fail(username: str, times: int, **extra) -> None:
    for _ in range(times):
        response = sign_in(english(), username, "wrong-password", **extra)
        assert response.status_code in (200, 429)


def signed_in_as(client: Client) -> int | None:
    value = client.session.get(SESSION_KEY)
    return int(value) if value is not None else None


def back_in_time(username: str, delta: dt.timedelta) -> None:
    AccessAttempt.objects.filter(username=username).update(attempt_time=F("attempt_time") - delta)


# --- Locking -------------------------------------------------------------------------------------


def test_nine_failures_then_the_right_password_signs_in_and_starts_the_count_again(manager):
    fail("alice", LIMIT - 1)
    client = english()

    response = sign_in(client, "alice", PASSWORD)

    assert response.status_code == 302
    assert signed_in_as(client) == manager.pk
    assert not AccessAttempt.objects.filter(username="alice").exists()
    # Nine more: without the reset these would make eighteen and lock the account.
    fail("alice", LIMIT - 1)
    assert not lockouts.is_locked(manager)
    assert sign_in(english(), "alice", PASSWORD).status_code == 302


def test_the_ninth_failure_does_not_lock_and_the_tenth_does(manager):
    fail("alice", LIMIT - 2)
    ninth = sign_in(english(), "alice", "wrong-password")

    assert ninth.status_code == 200
    assert "registration/login.html" in [template.name for template in ninth.templates]
    assert not lockouts.is_locked(manager)

    tenth = sign_in(english(), "alice", "wrong-password")

    assert tenth.status_code == 429
    assert LOCKED in tenth.content.decode()
    assert lockouts.is_locked(manager)


def test_a_locked_account_refuses_even_the_right_password_with_the_time_it_lifts(manager):
    fail("alice", LIMIT)
    until = lockouts.locked_until(manager)
    client = english()

    response = sign_in(client, "alice", PASSWORD)

    assert response.status_code == 429
    assert signed_in_as(client) is None
    body = response.content.decode()
    assert LOCKED in body
    assert f"until {timezone.localtime(until):%H:%M}" in body
    # One hour after the failure that locked it.
    last_failure = AccessAttempt.objects.get(username="alice").attempt_time
    assert until == last_failure + dt.timedelta(hours=1)


def test_the_lockout_page_is_swedish_by_default(manager):
    fail("alice", LIMIT)

    response = sign_in(Client(), "alice", PASSWORD)

    assert response.status_code == 429
    assert response.headers["Content-Language"] == "sv"


def test_refused_attempts_during_the_lock_neither_extend_it_nor_log_it_again(manager):
    fail("alice", LIMIT)
    until = lockouts.locked_until(manager)

    fail("alice", 3)
    sign_in(english(), "alice", PASSWORD)

    assert lockouts.locked_until(manager) == until
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ACCOUNT_LOCKED).count() == 1


def test_another_account_is_unaffected(manager, other_manager):
    fail("alice", LIMIT)
    client = english()

    assert sign_in(client, "bob", PASSWORD).status_code == 302
    assert signed_in_as(client) == other_manager.pk


def test_the_lock_lifts_an_hour_after_the_failure_that_locked(manager):
    fail("alice", LIMIT)

    back_in_time("alice", dt.timedelta(minutes=59))
    assert sign_in(english(), "alice", PASSWORD).status_code == 429

    back_in_time("alice", dt.timedelta(minutes=2))
    client = english()
    assert sign_in(client, "alice", PASSWORD).status_code == 302
    assert signed_in_as(client) == manager.pk


def test_failures_more_than_an_hour_apart_do_not_add_up(manager):
    fail("alice", LIMIT - 1)
    back_in_time("alice", dt.timedelta(hours=1, minutes=1))

    fail("alice", 1)

    assert not lockouts.is_locked(manager)
    assert sign_in(english(), "alice", PASSWORD).status_code == 302


def test_failures_from_several_addresses_add_up_and_the_lock_lifts_as_the_older_ones_expire(manager):
    fail("alice", 5, REMOTE_ADDR="10.0.0.1")
    back_in_time("alice", dt.timedelta(minutes=30))
    fail("alice", 5, REMOTE_ADDR="10.0.0.2")
    older = AccessAttempt.objects.get(username="alice", ip_address="10.0.0.1").attempt_time

    assert lockouts.locked_until(manager) == older + dt.timedelta(hours=1)
    assert sign_in(english(), "alice", PASSWORD, REMOTE_ADDR="10.0.0.3").status_code == 429
    assert not lockouts.is_locked(manager, now=older + dt.timedelta(hours=1, seconds=1))


def test_a_username_without_an_account_gets_the_same_page_and_no_audit_event(manager):
    fail("nobody", LIMIT)
    fail("alice", LIMIT)

    unknown = sign_in(english(), "nobody", "anything")
    known = sign_in(english(), "alice", PASSWORD)

    assert unknown.status_code == known.status_code == 429
    assert LOCKED in unknown.content.decode()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ACCOUNT_LOCKED).count() == 1


def test_a_sign_in_link_works_during_the_lock_and_lifts_it(manager):
    fail("alice", LIMIT)
    link = mailings.signin_url(user=manager)
    parts = urlsplit(link)
    client = english()

    response = client.get(f"{parts.path}?{parts.query}")

    assert response.status_code == 302
    assert signed_in_as(client) == manager.pk
    assert not lockouts.is_locked(manager)


# --- The record of it ----------------------------------------------------------------------------


def test_the_lock_is_audited_with_the_account_and_logged_without_the_username(manager, caplog):
    with caplog.at_level(logging.WARNING, logger="mio.security"):
        fail("alice", LIMIT)

    event = AuditEvent.objects.get(action=AuditEvent.Action.ACCOUNT_LOCKED)
    assert event.account == manager
    assert event.user is None  # the system locked it
    assert event.municipality is None  # shown through the account to each of its municipalities
    assert "alice" not in event.detail
    security = [record.getMessage() for record in caplog.records if record.name == "mio.security"]
    assert security == [
        f"Sign-in locked for an hour after {LIMIT} failed attempts: account {manager.pk}, last attempt from 127.0.0.1"
    ]
    assert "alice" not in security[0]


# --- Lifting it ----------------------------------------------------------------------------------


def admin_client(user) -> Client:
    client = english()
    client.force_login(user)
    return client


def test_unlock_returns_false_and_records_nothing_when_the_account_is_not_locked(manager, administrator):
    fail("alice", LIMIT - 1)

    assert lockouts.unlock(manager, by=administrator) is False
    assert AccessAttempt.objects.filter(username="alice").exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ACCOUNT_UNLOCKED).exists()


def test_the_accounts_pages_show_the_lock_and_an_unlock_button(manager, administrator):
    fail("alice", LIMIT)
    until = f"{timezone.localtime(lockouts.locked_until(manager)):%H:%M}"
    client = admin_client(administrator)
    unlock_url = reverse("surveys:account_unlock", args=[manager.pk])

    for page in (reverse("surveys:accounts"), reverse("surveys:account_edit", args=[manager.pk])):
        body = client.get(page).content.decode()
        assert f"Locked until {until}" in body, page
        assert f'action="{unlock_url}"' in body, page


def test_the_accounts_page_shows_no_lock_for_an_account_that_is_not_locked(manager, administrator):
    fail("alice", LIMIT - 1)

    body = admin_client(administrator).get(reverse("surveys:accounts")).content.decode()

    assert "Locked until" not in body
    assert reverse("surveys:account_unlock", args=[manager.pk]) not in body


def test_an_administrator_unlocks_an_account_of_their_municipality(manager, administrator):
    fail("alice", LIMIT)

    response = admin_client(administrator).post(reverse("surveys:account_unlock", args=[manager.pk]), follow=True)

    assert response.redirect_chain == [(reverse("surveys:account_edit", args=[manager.pk]), 302)]
    assert "can sign in with a password again" in response.content.decode()
    assert not lockouts.is_locked(manager)
    assert sign_in(english(), "alice", PASSWORD).status_code == 302
    event = AuditEvent.objects.get(action=AuditEvent.Action.ACCOUNT_UNLOCKED)
    assert (event.user, event.account, event.detail) == (administrator, manager, "")


def test_unlocking_an_account_that_is_not_locked_says_so(manager, administrator):
    response = admin_client(administrator).post(reverse("surveys:account_unlock", args=[manager.pk]), follow=True)

    assert "was not locked" in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ACCOUNT_UNLOCKED).exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("other_administrator", 404), ("other_manager", 403), ("project_member", 403), ("administrator-get", 405)],
)
def test_others_cannot_unlock(request, manager, administrator, who, status):
    fail("alice", LIMIT)
    user = administrator if who == "administrator-get" else request.getfixturevalue(who)
    client = admin_client(user)
    url = reverse("surveys:account_unlock", args=[manager.pk])

    response = client.get(url) if who == "administrator-get" else client.post(url)

    assert response.status_code == status
    assert lockouts.is_locked(manager)
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ACCOUNT_UNLOCKED).exists()


def test_an_administrator_cannot_unlock_a_superuser_of_their_municipality(make_user, administrator, municipality):
    root = make_user("root", is_superuser=True, is_staff=True, municipality=municipality)
    fail("root", LIMIT)

    response = admin_client(administrator).post(reverse("surveys:account_unlock", args=[root.pk]))

    assert response.status_code == 403
    assert lockouts.is_locked(root)


def test_a_superuser_unlocks_anyone(make_user, other_administrator):
    root = make_user("root", is_superuser=True, is_staff=True)
    fail("erik", LIMIT)

    response = admin_client(root).post(reverse("surveys:account_unlock", args=[other_administrator.pk]))

    assert response.status_code == 302
    assert not lockouts.is_locked(other_administrator)


def test_axes_records_in_the_admin_are_for_superusers_only(make_user, administrator):
    url = reverse("admin:axes_accessattempt_changelist")
    root = make_user("root", is_superuser=True, is_staff=True)

    assert admin_client(administrator).get(url).status_code == 403
    assert admin_client(root).get(url).status_code == 200


# --- Sign-in links -------------------------------------------------------------------------------


def test_broken_sign_in_links_are_limited_per_address(manager):
    good = urlsplit(mailings.signin_url(user=manager))
    good_path = f"{good.path}?{good.query}"
    for _ in range(SIGNIN_LINK_FAILURES_PER_HOUR):
        assert english().get(reverse("signin_link"), {"lank": "guessed"}).status_code == 400

    refused = english().get(good_path)
    elsewhere = english().get(good_path, REMOTE_ADDR="10.9.8.7")

    assert refused.status_code == 429
    assert "Too many sign-in links that did not work" in refused.content.decode()
    assert elsewhere.status_code == 302


def test_sign_in_links_that_work_do_not_count_against_the_limit(manager):
    good = urlsplit(mailings.signin_url(user=manager))
    for _ in range(SIGNIN_LINK_FAILURES_PER_HOUR + 1):
        assert english().get(f"{good.path}?{good.query}").status_code == 302


# --- The client's address ------------------------------------------------------------------------


def test_the_forwarded_address_is_ignored_without_trusted_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")

    assert client_ip(request) == "10.0.0.1"


def test_behind_one_proxy_the_address_it_saw_counts_not_what_the_client_wrote(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    factory = RequestFactory()

    spoofed = factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    garbled = factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="not-an-address")
    missing = factory.get("/", REMOTE_ADDR="10.0.0.1")

    assert client_ip(spoofed) == "203.0.113.9"
    assert client_ip(garbled) == "10.0.0.1"
    assert client_ip(missing) == "10.0.0.1"
