"""The fixed cast of every test: a manager, another manager, a project member and an administrator,
all members of the test municipality; and the fixtures several test directories share (English
messages and clients, a neighbouring municipality, a superuser, the round's tasks, the paired rounds of
tests/analysis/test_paired.py). A fixture used by more than one test module belongs here, once."""

from __future__ import annotations

import datetime as dt
import os
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.contrib.auth.models import Group
from django.utils import translation

from surveys import audit, roles
from surveys.models import Department, Municipality, Participant, Survey, Unit
from surveys.services import survey_create

PASSWORD = "a-test-password"


def session_queries() -> int:
    """The queries a signed-in request spends on its session: one, or none when sessions are read
    through the shared cache (cached_db, chosen with CACHE_URL; CI's PostgreSQL run is so)."""
    from django.conf import settings

    return 0 if settings.SESSION_ENGINE.endswith("cached_db") else 1


def sessions_expire_at(when: dt.datetime | None) -> None:
    """Move every session's end to `when` (None: end them now, as the idle timeout does on the server),
    in the database and in the shared cache that cached_db sessions (CACHE_URL) are read from first."""
    from django.conf import settings
    from django.contrib.sessions.backends.cached_db import KEY_PREFIX
    from django.contrib.sessions.models import Session
    from django.core.cache import caches
    from django.utils import timezone

    keys = list(Session.objects.values_list("session_key", flat=True))
    Session.objects.update(expire_date=when or timezone.now() - dt.timedelta(seconds=1))
    if settings.SESSION_ENGINE.endswith("cached_db"):
        caches[settings.SESSION_CACHE_ALIAS].delete_many([KEY_PREFIX + key for key in keys])


@pytest.fixture(scope="session", autouse=True)
def cache_per_worker():
    """With a shared Redis cache (CACHE_URL), each pytest-xdist worker uses a database of its own:
    clearing the cache before a test empties the whole Redis database, which would otherwise take
    figures from under another worker's test."""
    from django.conf import settings
    from django.test import override_settings

    cache = settings.CACHES["default"]
    if not cache["BACKEND"].endswith("RedisCache"):
        yield
        return
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    address = urlsplit(cache["LOCATION"])
    base = int(address.path.strip("/") or 0)
    location = urlunsplit(address._replace(path=f"/{base + worker}"))
    with override_settings(CACHES={"default": {**cache, "LOCATION": location}}):
        yield


@pytest.fixture(autouse=True)
def empty_cache():
    """Figures are cached by round id and data version, and a rolled-back test database hands out
    the same ids again: each test starts with an empty cache so it never reads another's figures."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Every test hashes the cast's passwords; the real hasher would spend most of the run on them, and
    no test is about the hash itself."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def english():
    """Messages are asserted in English, the source language, whatever Swedish catalogue exists.
    tests/actionplan and tests/surveys use it for every test (their conftest); a module elsewhere
    says `pytestmark = pytest.mark.usefixtures("english")`."""
    with translation.override("en"):
        yield


@pytest.fixture
def english_client(client):
    """The test client, asking for English pages."""
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def make_user(django_user_model):
    def make(username: str, group: str | None = None, *, municipality: Municipality | None = None, **extra):
        user = django_user_model.objects.create_user(
            username=username, password=PASSWORD, first_name=username.title(), last_name="Testsson", **extra
        )
        with audit.quietly():  # the cast is set up, not changed: no role or membership event
            if group:
                user.groups.add(Group.objects.get(name=group))
            if municipality is not None:
                municipality.members.add(user)
        return user

    return make


@pytest.fixture
def municipality(db) -> Municipality:
    return Municipality.objects.create(name="Testkommun")


@pytest.fixture
def department(municipality) -> Department:
    return Department.objects.create(municipality=municipality, name="Barn- och utbildningsförvaltningen")


@pytest.fixture
def unit(department) -> Unit:
    return Unit.objects.create(department=department, name="Förskolan Solrosen")


@pytest.fixture
def survey(municipality) -> Survey:
    """An open round, Monday 2025-03-03 to Friday 2025-03-07, with the default template."""
    return survey_create(
        slug="test-round",
        name="Nollmätning 2025",
        municipality=municipality,
        start_date=dt.date(2025, 3, 3),
        end_date=dt.date(2025, 3, 7),
        status=Survey.Status.OPEN,
    )


# The cast belongs to the `municipality`: staff see and change only their own municipalities' data.


@pytest.fixture
def manager(make_user, municipality):
    return make_user("alice", roles.MANAGERS, municipality=municipality)


@pytest.fixture
def other_manager(make_user, municipality):
    return make_user("bob", roles.MANAGERS, municipality=municipality)


@pytest.fixture
def project_member(make_user, municipality):
    return make_user("charlie", roles.PROJECT_GROUP, municipality=municipality)


@pytest.fixture
def administrator(make_user, municipality):
    return make_user("diana", roles.ADMINISTRATORS, is_staff=True, municipality=municipality)


@pytest.fixture
def participant(survey, manager, unit) -> Participant:
    return Participant.objects.create(survey=survey, number=7, user=manager, unit=unit)


@pytest.fixture
def other_participant(survey, other_manager, unit) -> Participant:
    return Participant.objects.create(survey=survey, number=8, user=other_manager, unit=unit)


@pytest.fixture
def admin_client(english_client, administrator):
    """English pages, signed in as the municipality's administrator (not pytest-django's superuser)."""
    english_client.force_login(administrator)
    return english_client


@pytest.fixture
def analyst(english_client, project_member):
    """English pages, signed in as the project member: the analysis pages' reader."""
    english_client.force_login(project_member)
    return english_client


@pytest.fixture
def other_administrator(make_user, other_municipality):
    """The neighbouring municipality's administrator."""
    return make_user("erik", roles.ADMINISTRATORS, is_staff=True, municipality=other_municipality)


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(username="root", email="root@example.se", password="x")


@pytest.fixture
def other_municipality(db) -> Municipality:
    """A neighbouring municipality: the cast sees none of its data."""
    return Municipality.objects.create(name="Grannkommun")


@pytest.fixture
def tasks(survey) -> dict:
    """The round's tasks by code."""
    return {task.code: task for task in survey.tasks.all()}


# The paired rounds of tests/analysis/test_paired.py, whose worked examples define their figures.


@pytest.fixture
def pair(municipality) -> tuple[Survey, Survey]:
    """Four paired managers (1–4) in a baseline and a follow-up round, plus unpaired ones."""
    from tests.analysis.test_paired import BASELINE, BASELINE_START, FOLLOWUP, FOLLOWUP_START, fill, make_round

    baseline = make_round(municipality, "baseline", BASELINE_START)
    followup = make_round(municipality, "followup", FOLLOWUP_START)
    fill(baseline, BASELINE)
    fill(followup, FOLLOWUP)
    return baseline, followup


@pytest.fixture
def small_pair(municipality) -> tuple[Survey, Survey]:
    """Two paired managers (1, 2) and a third in the baseline only: too few to show a change."""
    from tests.analysis.test_paired import (
        BASELINE_START,
        FOLLOWUP_START,
        SMALL_BASELINE,
        SMALL_FOLLOWUP,
        fill,
        make_round,
    )

    baseline = make_round(municipality, "small-baseline", BASELINE_START)
    followup = make_round(municipality, "small-followup", FOLLOWUP_START)
    fill(baseline, SMALL_BASELINE)
    fill(followup, SMALL_FOLLOWUP)
    return baseline, followup
