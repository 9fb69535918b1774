"""The audit trail's one entry point: every event is written through `record`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from . import roles
from .models import AuditEvent, Municipality, Participant, Survey

Action = AuditEvent.Action


def record(
    action: str,
    *,
    user: AbstractBaseUser | AnonymousUser | None,
    municipality: Municipality | int | None = None,
    survey: Survey | None = None,
    participant: Participant | None = None,
    account: AbstractBaseUser | None = None,
    date: dt.date | None = None,
    detail: str = "",
) -> AuditEvent:
    """Write one audit event. `user` is who acted (None for the system, e.g. cron or a lockout);
    `account` whose account it concerned. The municipality defaults to the round's.

    `detail` must not hold a name or an e-mail address (see AuditEvent)."""
    if municipality is None and survey is not None:
        municipality = survey.municipality_id
    municipality_id = municipality.pk if isinstance(municipality, Municipality) else municipality
    acting = user if user is not None and user.is_authenticated else None
    return AuditEvent.objects.create(
        action=action,
        user=acting,
        municipality_id=municipality_id,
        survey=survey,
        participant=participant,
        account=account,
        date=date,
        detail=detail,
    )


# --- Who is acting, and when the caller records for itself ---------------------------------------

_quiet: ContextVar[bool] = ContextVar("audit_quiet", default=False)


@contextmanager
def quietly() -> Iterator[None]:
    """Inside, the signal handlers (surveys/audit_signals.py) record no role or membership change: the
    caller records one event of its own that says it better (a new account's role and municipality,
    the accounts page's roles before and after)."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def is_quiet() -> bool:
    return _quiet.get()


def current_user() -> AbstractBaseUser | None:
    """Who is signed in to the request being answered, for changes noticed by signals; None when there is
    no request (a management command, the shell, seeding): the system. simple_history's
    HistoryRequestMiddleware keeps the request for its own "changed by"."""
    from simple_history.models import HistoricalRecords

    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


# --- Downloads -----------------------------------------------------------------------------------


def downloaded(
    request: HttpRequest,
    *,
    table: str,
    fmt: str,
    survey: Survey | None = None,
    municipality: Municipality | int | None = None,
    selection: str = "",
) -> AuditEvent:
    """A table left the app as a file: who, which round, which table ("ranking.csv") and, when it was not
    the whole round, which part (`selection`, e.g. "department=3" or "m=2&m=8"; numbers, never names)."""
    detail = f"{table}.{fmt}" + (f" {selection}" if selection else "")
    return record(Action.DOWNLOADED, user=request.user, survey=survey, municipality=municipality, detail=detail)


# --- Reading the trail ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilters:
    """What the audit page asks for; empty fields mean "all"."""

    action: str = ""
    survey: Survey | None = None
    who: AbstractBaseUser | None = None
    account: AbstractBaseUser | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def visible_events(user: AbstractBaseUser | AnonymousUser) -> QuerySet[AuditEvent]:
    """The events an administrator may read: those of their municipalities, those about the accounts of
    their people (a role is the same in every municipality, a lockout has no municipality), and those
    of no municipality done by their people. Superusers read everything; nobody else reads anything."""
    events = AuditEvent.objects.all()
    if not roles.is_administrator(user):
        return events.none()
    ids = roles.municipality_ids(user)
    if ids is None:
        return events
    people = Municipality.members.through.objects.filter(municipality__in=ids).values("user")
    return events.filter(
        Q(municipality__in=ids) | Q(account__in=people) | Q(municipality__isnull=True, user__in=people)
    )


def events_for(user: AbstractBaseUser | AnonymousUser, *, filters: AuditFilters | None = None) -> QuerySet:
    """The visible events that match `filters`, newest first, with what the page shows joined in."""
    filters = filters or AuditFilters()
    events = visible_events(user)
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.survey is not None:
        events = events.filter(survey=filters.survey)
    if filters.who is not None:
        events = events.filter(user=filters.who)
    if filters.account is not None:
        events = events.filter(account=filters.account)
    if filters.date_from is not None:
        events = events.filter(at__date__gte=filters.date_from)
    if filters.date_to is not None:
        events = events.filter(at__date__lte=filters.date_to)
    return events.select_related("user", "account", "survey", "participant", "municipality").order_by("-at", "-pk")
