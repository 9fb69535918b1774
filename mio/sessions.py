"""How long a sign-in lasts: an idle timeout and an absolute lifetime, each ending on the login page
with a message that says why, and returning to the page the user was on after signing in again.

The idle timeout is Django's own session expiry: a session lives SESSION_COOKIE_AGE seconds from its
last save. Django's SESSION_SAVE_EVERY_REQUEST would save it on every request, a database write per
page (and three more queries on every page in the tests' query budgets); the middleware below marks
the session changed at most once a minute instead, so a session ends 59 to 60 minutes after the last
activity. The cookie lasts until the browser closes (SESSION_EXPIRE_AT_BROWSER_CLOSE), so a browser
that comes back after the timeout still sends it and the server can tell "your session ran out" from
"you never signed in". The absolute lifetime needs the time of sign-in in the session;
`SessionLifetimeMiddleware` ends the session when it is too old.

django-session-timeout (LabD) does much of this, but its last release is from 2020 and says nothing of
Django 5, and it has neither the message nor the return to the page; this is a few lines of our own.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.utils.translation import ngettext_lazy
from django.views.decorators.http import require_POST

# Seconds since the epoch (ints, so the session serialises them as JSON): when the user signed in, and
# when the session's expiry was last pushed forward.
SIGNED_IN_AT = "mio_signed_in_at"
RENEWED_AT = "mio_renewed_at"
RENEW_EVERY_SECONDS = 60


def idle_message() -> str:
    minutes = settings.SESSION_IDLE_MINUTES
    return ngettext_lazy(
        "You were logged out after %(minutes)d minute without activity. Log in again to continue.",
        "You were logged out after %(minutes)d minutes without activity. Log in again to continue.",
        "minutes",
    ) % {"minutes": minutes}


def lifetime_message() -> str:
    hours = settings.SESSION_MAX_HOURS
    return ngettext_lazy(
        "You were logged out because you had been logged in for %(hours)d hour. Log in again to continue.",
        "You were logged out because you had been logged in for %(hours)d hours. Log in again to continue.",
        "hours",
    ) % {"hours": hours}


def session_is_too_old(signed_in_at: float, *, now: float, max_hours: int) -> bool:
    """True when a sign-in at `signed_in_at` has outlived the absolute lifetime of `max_hours`."""
    return now - signed_in_at >= max_hours * 3600


@receiver(user_logged_in, dispatch_uid="mio_sessions_signed_in_at")
def remember_sign_in(sender, request: HttpRequest | None, user, **kwargs) -> None:
    """Every sign-in (password, personal link, admin) starts the absolute lifetime afresh."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SIGNED_IN_AT] = now
        request.session[RENEWED_AT] = now


def _session_ran_out(request: HttpRequest) -> bool:
    """The browser sent a session cookie the server no longer has a live session for.

    Called after `request.user` was evaluated, which loaded the session: a session that expired on
    the server leaves the store's key empty although the cookie named one.
    """
    return bool(request.COOKIES.get(settings.SESSION_COOKIE_NAME)) and request.session.session_key is None


def _redirects_to_login(response: HttpResponse) -> bool:
    location = response.get("Location", "") if 300 <= response.status_code < 400 else ""
    return location.split("?")[0] == resolve_url(settings.LOGIN_URL)


class SessionLifetimeMiddleware:
    """Ends a sign-in older than SESSION_MAX_HOURS and explains an idle timeout on the login page.

    Placed after AuthenticationMiddleware (it reads `request.user`) and MessageMiddleware (it leaves
    a message, which MessageMiddleware stores on the way out).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            signed_in_at = request.session.setdefault(SIGNED_IN_AT, now)
            if session_is_too_old(signed_in_at, now=now, max_hours=settings.SESSION_MAX_HOURS):
                logout(request)
                messages.info(request, lifetime_message())
                if request.method == "POST":
                    # Signed out, the page answers the post as it answers anyone's who is not signed in: the
                    # diary day keeps what was typed for the manager to sign in again (surveys/keptday.py),
                    # the others send to the login page.
                    return self.get_response(request)
                return redirect_to_login(request.get_full_path())
            if now - request.session.get(RENEWED_AT, 0) >= RENEW_EVERY_SECONDS:
                # A changed session is saved, and saving sets its expiry SESSION_COOKIE_AGE ahead.
                request.session[RENEWED_AT] = now
            return self.get_response(request)

        ran_out = _session_ran_out(request)
        response = self.get_response(request)
        # Only where the request ends on the login page: a personal sign-in link that logs the user
        # in again, or a public page, has nothing to explain.
        if ran_out and not request.user.is_authenticated and _redirects_to_login(response):
            messages.info(request, idle_message())
        return response


@require_POST
def keep_alive(request: HttpRequest) -> HttpResponse:
    """Typing on the day page counts as activity: its script calls this at most every few minutes while the
    manager fills the day, and the middleware above pushes the session's expiry forward as for any page.
    No redirect to the login page for a script: 401 says the session is gone."""
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    return HttpResponse(status=204)
