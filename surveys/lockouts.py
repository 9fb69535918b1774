"""Sign-in lockouts (django-axes): whether an account is locked and until when, lifting a lock, the
page a locked sign-in gets, and the audit events and log lines a lock leaves.

axes counts failed passwords per username (settings: AXES_LOCKOUT_PARAMETERS = ["username"]) in
AccessAttempt rows, one per username, address and browser, each with its failure count and the time of
its latest failure. A username is locked while the failures of its rows whose latest failure lies
within the cool-off add up to AXES_FAILURE_LIMIT; a row stops counting one cool-off after its latest
failure. The functions below read the same rows by the same rule."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable

from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from axes.utils import reset
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from . import audit
from .forms import SigninLinkForm
from .models import AuditEvent

log = logging.getLogger("mio.security")


def locked_until_by_username(usernames: Iterable[str], *, now: dt.datetime | None = None) -> dict[str, dt.datetime]:
    """When the lock of each username that is locked now lifts (one query; unlocked usernames are left out)."""
    now = now or timezone.now()
    cool_off = get_cool_off()
    limit = get_failure_limit(None, None)
    attempts: dict[str, list[tuple[dt.datetime, int]]] = defaultdict(list)
    rows = (
        AccessAttempt.objects.filter(username__in=list(usernames), attempt_time__gte=now - cool_off)
        .order_by("attempt_time")
        .values_list("username", "attempt_time", "failures_since_start")
    )
    for username, at, failures in rows:
        attempts[username].append((at, failures))
    locked = {}
    for username, rows_of_user in attempts.items():
        remaining = sum(failures for _, failures in rows_of_user)
        if remaining < limit:
            continue
        # Rows stop counting oldest first; the lock lifts when the rest no longer reach the limit.
        for at, failures in rows_of_user:
            remaining -= failures
            if remaining < limit:
                locked[username] = at + cool_off
                break
    return locked


def locked_until(user: AbstractBaseUser, *, now: dt.datetime | None = None) -> dt.datetime | None:
    """When the account's lock lifts; None if it is not locked."""
    return locked_until_by_username([user.get_username()], now=now).get(user.get_username())


def is_locked(user: AbstractBaseUser, *, now: dt.datetime | None = None) -> bool:
    return locked_until(user, now=now) is not None


def _record_for_account(action: str, *, account: AbstractBaseUser, by: AbstractBaseUser | None) -> None:
    # One event of no municipality: a lock is the account's, whichever municipalities it belongs to, and
    # the audit page shows events about an account to the administrators of each of them
    # (audit.visible_events), so nothing is written twice or shown twice.
    audit.record(action, user=by, account=account)


def unlock(user: AbstractBaseUser, *, by: AbstractBaseUser) -> bool:
    """Lift the account's lock with axes' own reset and record who did it. False if it was not locked."""
    if not is_locked(user):
        return False
    reset(username=user.get_username())
    _record_for_account(AuditEvent.Action.ACCOUNT_UNLOCKED, account=user, by=by)
    log.warning("Sign-in lock of account %s lifted by account %s", user.pk, by.pk)
    return True


def record_lockout(sender, request: HttpRequest, username: str | None, ip_address: str | None, **kwargs) -> None:
    """axes' `user_locked_out` signal: log the lock, and write it to the audit trail when the username is
    an account's. The attempted username itself is never written (it may be a mistyped name or address)."""
    # axes sends the signal again for every attempt it refuses during the lock; only the failure that
    # locked was counted, and only then has it set axes_failures_since_start.
    if getattr(request, "axes_failures_since_start", None) is None:
        return
    User = get_user_model()
    account = User.objects.filter(**{User.USERNAME_FIELD: username}).first() if username else None
    log.warning(
        "Sign-in locked for an hour after %s failed attempts: %s, last attempt from %s",
        request.axes_failures_since_start,
        f"account {account.pk}" if account else "a username that is no account",
        ip_address,
    )
    if account is not None:
        _record_for_account(AuditEvent.Action.ACCOUNT_LOCKED, account=account, by=None)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """The page a sign-in to a locked username gets (AXES_LOCKOUT_CALLABLE). The same for a username that
    is no account, so that it tells no more than the login form does."""
    username = get_client_username(request, credentials)
    until = locked_until_by_username([username]).get(username) if username else None
    ctx = {"locked_until": until, "link_form": SigninLinkForm()}
    return render(request, "registration/locked.html", ctx, status=429)
