"""A round with many managers, their accounts and signed-in sessions, made in bulk for the benchmark and the
load test: no password is hashed and no sign-in page is loaded, so only the diary itself is measured.

Needs Django set up (`loadtest/bench.py` and `loadtest/run.py` do it)."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth.models import Group
from django.utils.module_loading import import_string

from mio.sessions import RENEWED_AT, SIGNED_IN_AT
from surveys import audit, roles
from surveys.models import Municipality, Participant, Survey
from surveys.services import survey_create

BACKEND = "django.contrib.auth.backends.ModelBackend"


@dataclass(frozen=True)
class Manager:
    username: str
    number: int
    session: str  # the session cookie's value: signed in as this manager


def make_round(*, slug: str, managers: int, start: dt.date, days: int = 5) -> tuple[Survey, list[Manager]]:
    """An open round of `days` days from `start` with `managers` managers, each signed in by a session of
    their own. Replaces an earlier round of the same slug and its managers."""
    User = get_user_model()
    prefix = f"{slug}-"
    Survey.objects.filter(slug=slug).delete()
    User.objects.filter(username__startswith=prefix).delete()
    municipality, _created = Municipality.objects.get_or_create(name=f"Lasttest {slug}")
    survey = survey_create(
        slug=slug,
        name=f"Lasttest {slug}",
        municipality=municipality,
        start_date=start,
        end_date=start + dt.timedelta(days=days - 1),
        status=Survey.Status.OPEN,
    )
    with audit.quietly():
        users = User.objects.bulk_create(
            User(username=f"{prefix}{number:04d}", first_name="Chef", last_name=str(number), password="!")
            for number in range(1, managers + 1)
        )
        group = Group.objects.get(name=roles.MANAGERS)
        User.groups.through.objects.bulk_create(User.groups.through(user=user, group=group) for user in users)
        municipality.members.through.objects.bulk_create(
            municipality.members.through(user=user, municipality=municipality) for user in users
        )
    Participant.objects.bulk_create(
        Participant(survey=survey, number=number, user=user) for number, user in enumerate(users, start=1)
    )
    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    now = int(time.time())
    signed_in = []
    for number, user in enumerate(users, start=1):
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = BACKEND
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session[SIGNED_IN_AT] = now
        session[RENEWED_AT] = now
        session.create()
        signed_in.append(Manager(username=user.username, number=number, session=session.session_key))
    return survey, signed_in
