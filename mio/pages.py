"""Pages every visitor may read, signed in or not: the privacy notice and the accessibility statement.

The contact for each comes from the environment (PRIVACY_CONTACT, ACCESSIBILITY_CONTACT); who stands
behind the site is the signed-in visitor's municipality."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from surveys import roles
from surveys.models import Municipality

# When the accessibility statement was last reviewed against the site: change it with the text.
ACCESSIBILITY_REVIEWED = dt.date(2026, 11, 24)


def _owners(request: HttpRequest) -> str:
    """Who stands behind the service for this visitor: "Mjölby kommun", the municipalities they belong
    to; empty for a visitor who is not signed in, who learns no municipality's name."""
    municipalities = roles.scope(Municipality.objects.order_by("name"), request.user, field="pk")
    names = list(municipalities.values_list("name", flat=True)) if request.user.is_authenticated else []
    return get_text_list(names, _("and")) if names else ""


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    ctx = {
        "owners": _owners(request),
        "contact": settings.PRIVACY_CONTACT,
        "idle_minutes": getattr(settings, "SESSION_IDLE_MINUTES", None),
        "max_hours": getattr(settings, "SESSION_MAX_HOURS", None),
    }
    return render(request, "privacy.html", ctx)


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    ctx = {
        "owners": _owners(request),
        "contact": settings.ACCESSIBILITY_CONTACT,
        "reviewed": ACCESSIBILITY_REVIEWED,
        "idle_minutes": getattr(settings, "SESSION_IDLE_MINUTES", None),
    }
    return render(request, "accessibility.html", ctx)


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers ask for on pages that name no icon (the Django admin's): the site's
    icon, instead of a 404 in the console and the server's log on every admin page. Resolved per
    request, as the hashed name exists only once collectstatic has run."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))
