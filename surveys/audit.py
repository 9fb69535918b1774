"""The audit trail's one entry point: every event is written through `record`."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

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
