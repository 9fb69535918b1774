"""The site's own error pages: what happened and a way on, in the user's language, with the navigation.

400, 403 and 404 render with the whole site around them (base.html and its context processors). The
500 page renders without a request context: it must work when the database does not, so it runs no
context processor (the roles' one asks the database for the user's groups) and reads nothing of
`request.user`. Wired in mio/urls.py (handler400 ... handler500) and settings.CSRF_FAILURE_VIEW.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import requires_csrf_token


def back_url(request: HttpRequest) -> str:
    """The page the user came from, when it is on this site and is not the failing page itself."""
    referer = request.META.get("HTTP_REFERER", "")
    try:
        host = request.get_host()
    except Exception:  # a 400 for a disallowed Host header: there is no host to trust
        return ""
    if not url_has_allowed_host_and_scheme(referer, allowed_hosts={host}, require_https=request.is_secure()):
        return ""
    return "" if referer == request.build_absolute_uri() else referer


def _render(request: HttpRequest, template: str, ctx: dict, *, status: int) -> HttpResponse:
    # A request refused before AuthenticationMiddleware ran (a Host header not allowed, by
    # CommonMiddleware) has no user yet; the navigation and its context processors need one.
    if not hasattr(request, "user"):
        request.user = AnonymousUser()
    return render(request, template, {"back_url": back_url(request), **ctx}, status=status)


# The handlers take the exception Django passes but never show its text: it is written for
# developers and could name objects of another municipality.


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, "400.html", {}, status=400)


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, "403.html", {"csrf_failed": False}, status=403)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, "404.html", {}, status=404)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form refused by the CSRF check: almost always a page open so long that its token went stale."""
    return _render(request, "403.html", {"csrf_failed": True}, status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    # A plain context, no request: no context processors, no session, no database.
    return HttpResponseServerError(loader.get_template("500.html").render({"back_url": back_url(request)}))
