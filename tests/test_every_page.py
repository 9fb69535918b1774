"""Every page of the project, rendered as the user who may see it, with DEBUG off and templates strict:
a variable a template names but the view does not give renders a marker, and the test fails on it,
instead of a user seeing an empty gap.

The data are the demo's (`seed_demo`: an open autumn round with drafts, submitted and unfilled days,
a closed spring round, an action plan with updates), seeded once for the module inside a transaction
that is rolled back at the end, plus an action item whose history names no user (as `import_actions`
stores them).

Django's admin templates use missing variables on purpose (e.g. `is_popup`), so the admin pages are
checked for their status only, not for the marker.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass
from io import StringIO
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from actionplan.models import ActionItem, ActionPlan
from actionplan.services import ItemInput, item_create, item_update, plan_get_or_create
from mio import errors
from surveys.demo import ROUND_SLUG
from surveys.models import Municipality, Survey
from tests.surveys.helpers import day_post

MARKER = "INVALID{%s}"
FOUND = re.compile(r"INVALID\{[^}]*\}")


# --- The demo, once for the module ----------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo data and the objects the pages need, rolled back after the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        # The demo's dozen users would take seconds with the real hasher; passwords are not under test.
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            call_command("seed_demo", "--force", stdout=StringIO())
        users = {user.username: user for user in get_user_model().objects.all()}
        users["root"] = get_user_model().objects.create_superuser("root", "root@demokommun.example", "x")
        survey = Survey.objects.get(slug=ROUND_SLUG)
        baseline = Survey.objects.exclude(pk=survey.pk).get(municipality=survey.municipality)
        plan = ActionPlan.objects.get(municipality=survey.municipality)
        item = plan.items.order_by("number").first()
        plan_get_or_create(municipality=Municipality.objects.create(name="Grannkommun"))
        # As `import_actions` stores an item: created and changed with no user in its history.
        anonymous_item = item_create(
            plan=plan,
            data=ItemInput(
                number=99, title="Importerad åtgärd", owner_level=ActionItem.OwnerLevel.CENTRAL, area="finance"
            ),
        )
        item_update(
            item=anonymous_item,
            data=ItemInput(
                number=99,
                title="Importerad åtgärd",
                owner_level=ActionItem.OwnerLevel.CENTRAL,
                area="finance",
                status=ActionItem.Status.PLANNED,
            ),
        )
        dates = survey.weekdays()
        yield SimpleNamespace(
            users=users,
            survey=survey,
            baseline=baseline,
            plan=plan,
            item=item,
            anonymous_item=anonymous_item,
            # Chef nr 1 (anna): Monday submitted, Thursday a draft, Friday not filled (surveys/demo.py).
            submitted_day=dates[0],
            draft_day=dates[3],
            empty_day=dates[4],
        )
        transaction.set_rollback(True)


@pytest.fixture
def strict_templates(settings):
    """DEBUG off, and a marker for every missing variable. Changing TEMPLATES rebuilds the engines."""
    settings.DEBUG = False
    templates = copy.deepcopy(django_settings.TEMPLATES)
    templates[0]["OPTIONS"]["string_if_invalid"] = MARKER
    settings.TEMPLATES = templates


# --- The pages --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    name: str
    user: str | None  # a demo username: anna (manager, Chef nr 1), projekt (project group), admin
    url: Callable[[SimpleNamespace], str]
    status: int = 200
    post: dict | Callable[[SimpleNamespace], dict] | None = None  # a callable builds it from the demo
    strict: bool = True  # False: status only (Django's admin)

    def __str__(self) -> str:
        return self.name


def day(attr: str) -> Callable[[SimpleNamespace], str]:
    return lambda d: reverse("surveys:day", args=[d.survey.slug, getattr(d, attr).isoformat()])


def key_day(attr: str) -> Callable[[SimpleNamespace], str]:
    return lambda d: reverse("surveys:key_day", args=[d.survey.slug, 1, getattr(d, attr).isoformat()])


def in_round(name: str, *args) -> Callable[[SimpleNamespace], str]:
    return lambda d: reverse(name, args=[d.survey.slug, *args])


def in_plan(name: str) -> Callable[[SimpleNamespace], str]:
    return lambda d: reverse(name, args=[d.plan.pk])


def fixed(name: str, query: str = "") -> Callable[[SimpleNamespace], str]:
    return lambda d: reverse(name) + query


BAD_EMAIL = {"email": "not an address"}

PAGES = [
    # The manager's diary
    Page("home", "anna", fixed("home")),
    Page("day submitted", "anna", day("submitted_day")),
    Page("day draft", "anna", day("draft_day")),
    Page("day not filled", "anna", day("empty_day")),
    # The day page answers its own form errors with 200 (the grid shows them); a whole grid is posted,
    # as a post without it is refused (tests/surveys/test_day_safety.py).
    Page(
        "day with errors",
        "anna",
        day("empty_day"),
        post=lambda d: day_post(
            d.survey, {"invoices-h1": "75"}, action="submit", value="1", date=d.empty_day, number=1
        ),
    ),
    Page("my profiles", "anna", fixed("analysis:my_profiles")),
    Page("profile", "anna", in_round("analysis:profile")),
    Page("action plan as manager", "anna", in_plan("actionplan:plan")),
    # Rounds
    Page("rounds", "admin", fixed("surveys:rounds")),
    Page("rounds as project group", "projekt", fixed("surveys:rounds")),
    Page("round", "admin", in_round("surveys:round")),
    Page("round closed", "admin", lambda d: reverse("surveys:round", args=[d.baseline.slug])),
    Page("round as project group", "projekt", in_round("surveys:round")),
    Page("participants", "admin", in_round("surveys:participants")),
    Page(
        "participants behind", "admin", lambda d: reverse("surveys:participants", args=[d.survey.slug]) + "?show=behind"
    ),
    Page("participant", "admin", in_round("surveys:participant", 1)),
    Page("participant add", "admin", in_round("surveys:participant_add")),
    Page("participant add with errors", "admin", in_round("surveys:participant_add"), status=400, post=BAD_EMAIL),
    Page("enrol", "admin", in_round("surveys:enrol")),
    Page("key pick", "admin", in_round("surveys:key_pick")),
    Page("key day submitted", "admin", key_day("submitted_day")),
    Page("key day not filled", "admin", key_day("empty_day")),
    Page("diary upload", "admin", in_round("surveys:diary_upload")),
    Page("paper form", "admin", in_round("surveys:paper_form")),
    # Accounts
    Page("accounts", "admin", fixed("surveys:accounts")),
    Page("account new", "admin", fixed("surveys:account_create")),
    Page("account new with errors", "admin", fixed("surveys:account_create"), status=400, post=BAD_EMAIL),
    Page("account edit", "admin", lambda d: reverse("surveys:account_edit", args=[d.users["anna"].pk])),
    Page("audit log", "admin", fixed("surveys:audit_log")),
    Page("person erase", "admin", lambda d: reverse("surveys:person_erase", args=[d.users["anna"].pk])),
    # Analysis
    Page("analysis index", "projekt", fixed("analysis:index")),
    Page("dashboard", "projekt", in_round("analysis:dashboard")),
    Page("dashboard closed round", "projekt", lambda d: reverse("analysis:dashboard", args=[d.baseline.slug])),
    Page(
        "dashboard invalid unit",
        "projekt",
        lambda d: reverse("analysis:dashboard", args=[d.survey.slug]) + "?unit=999999&unit_q=x",
    ),
    Page("compare", "projekt", in_round("analysis:compare")),
    Page("compare chosen", "projekt", lambda d: reverse("analysis:compare", args=[d.survey.slug]) + "?m=1&m=2&m=3"),
    Page("compare search", "projekt", lambda d: reverse("analysis:compare", args=[d.survey.slug]) + "?q=1&m=2"),
    Page("compare rounds", "projekt", fixed("analysis:rounds")),
    # Action plan
    # The superuser sees two municipalities' plans: with one, the index goes straight to it.
    Page("action plan index", "root", fixed("actionplan:index")),
    Page("action plan", "admin", in_plan("actionplan:plan")),
    Page("action plan board", "admin", in_plan("actionplan:board")),
    Page("action plan overview", "admin", in_plan("actionplan:overview")),
    Page("action plan effect", "admin", in_plan("actionplan:effect")),
    Page("action item", "admin", lambda d: reverse("actionplan:item", args=[d.item.pk])),
    Page("action item imported", "admin", lambda d: reverse("actionplan:item", args=[d.anonymous_item.pk])),
    Page("action item edit", "admin", lambda d: reverse("actionplan:item_edit", args=[d.item.pk])),
    Page("action item new", "admin", fixed("actionplan:item_new")),
    Page("action task", "admin", in_round("actionplan:task", "invoices")),
    Page("action task as project group", "projekt", in_round("actionplan:task", "invoices")),
    # Signing in, and the pages every visitor may read
    Page("login", None, fixed("login")),
    Page("login with next", None, fixed("login", "?next=/omgangar/")),
    Page("login wrong password", None, fixed("login"), post={"username": "anna", "password": "wrong"}),
    Page("sign-in link invalid", None, fixed("signin_link", "?lank=nonsense"), status=400),
    Page("privacy", None, fixed("privacy")),
    Page("accessibility", None, fixed("accessibility")),
    # Error pages (the 500 and the refused form have tests of their own below)
    Page("404 anonymous", None, lambda d: "/finns-inte/", status=404),
    Page("404 signed in", "admin", lambda d: "/finns-inte/", status=404),
    Page("403", "anna", fixed("analysis:index"), status=403),
    # Django's admin: status only
    Page("admin index", "root", fixed("admin:index"), strict=False),
    Page("admin rounds", "root", fixed("admin:surveys_survey_changelist"), strict=False),
]


def markers(response) -> list[str]:
    return sorted(set(FOUND.findall(response.content.decode())))


# Not named `page`: pytest-playwright's fixture of that name would parametrize the test by browser.
@pytest.mark.parametrize("entry", PAGES, ids=str)
def test_page_renders_every_variable(entry, demo, db, strict_templates, client):
    if entry.user:
        client.force_login(demo.users[entry.user])
    url = entry.url(demo)
    data = entry.post(demo) if callable(entry.post) else entry.post
    response = client.post(url, data) if data is not None else client.get(url)

    assert response.status_code == entry.status, url
    if entry.strict:
        assert markers(response) == [], f"{url} names variables it is not given"


@pytest.mark.parametrize(
    "query",
    ["", "?unit_q=f%C3%B6rskolan", "?unit_q=nothing", "?unit_q=norr&unit=999999", "?department={department}"],
    ids=["first-units", "search", "no-match", "invalid-unit", "department"],
)
def test_the_dashboard_s_unit_search_renders_every_variable(demo, db, strict_templates, client, monkeypatch, query):
    """The unit search of a round with more units than the dashboard lists: the demo's three, with
    the list cut to two."""
    from surveys.models import Department

    monkeypatch.setattr("analysis.forms.UNIT_CHOICES", 2)
    client.force_login(demo.users["projekt"])
    department = Department.objects.get(name="Socialförvaltningen", municipality=demo.survey.municipality)
    url = reverse("analysis:dashboard", args=[demo.survey.slug]) + query.format(department=department.pk)
    response = client.get(url)

    assert response.status_code == 200
    assert 'name="unit_q"' in response.content.decode()
    assert markers(response) == []


def test_the_marker_shows_a_missing_variable(demo, db, strict_templates, client):
    """The check itself works: a template naming a variable nobody gives renders the marker."""
    from django.template import engines

    html = engines["django"].from_string("{{ nobody_gives_this }}").render({})

    assert markers(SimpleNamespace(content=html.encode())) == ["INVALID{nobody_gives_this}"]


def test_the_refused_form_page_renders_every_variable(demo, db, strict_templates):
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("login"), {"username": "anna", "password": "x"})

    assert response.status_code == 403
    assert markers(response) == []


def test_the_bad_request_page_renders_every_variable(demo, db, strict_templates, client):
    response = client.get("/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert markers(response) == []


def test_the_server_error_page_renders_every_variable(demo, db, strict_templates, rf):
    response = errors.server_error(rf.get("/dagbok/"))

    assert response.status_code == 500
    assert markers(response) == []


def test_every_named_page_is_listed():
    """A new GET page of ours without an entry here fails, so that it is added to PAGES."""
    from django.urls import get_resolver

    listed = {
        "home", "surveys:day", "analysis:my_profiles", "analysis:profile", "actionplan:plan", "surveys:rounds",
        "surveys:round", "surveys:participants", "surveys:participant", "surveys:participant_add", "surveys:enrol",
        "surveys:key_pick", "surveys:key_day", "surveys:diary_upload", "surveys:paper_form", "surveys:accounts",
        "surveys:account_create", "surveys:account_edit", "surveys:audit_log", "surveys:person_erase",
        "analysis:index", "analysis:dashboard", "analysis:compare", "analysis:rounds", "actionplan:index",
        "actionplan:board", "actionplan:overview", "actionplan:effect", "actionplan:item", "actionplan:item_edit",
        "actionplan:item_new", "actionplan:task", "login", "signin_link", "privacy", "accessibility",
    }  # fmt: skip
    # POST-only actions, downloads (no template) and Django's own views.
    not_pages = {
        "logout", "signin_request", "keep_alive", "set_language", "surveys:round_close", "surveys:round_reopen",
        "surveys:participant_remove", "surveys:day_reopen", "surveys:invitations_send", "surveys:reminders_send",
        "surveys:enrol_template", "surveys:enrol_earlier",
        "surveys:account_unlock", "surveys:person_export", "analysis:rounds_export",
        "analysis:export", "analysis:compare_export", "analysis:compare_search", "analysis:unit_search",
        "actionplan:update_add", "favicon",
        # Chart images (SVG, no template): their pages above show them.
        "analysis:dashboard_chart", "analysis:compare_chart", "analysis:profile_chart", "analysis:rounds_chart",
        "actionplan:overview_chart", "actionplan:effect_chart", "actionplan:item_chart",
    }  # fmt: skip
    names = set()
    resolver = get_resolver()
    for namespace, (_prefix, sub) in resolver.namespace_dict.items():
        if namespace == "admin":
            continue
        names |= {f"{namespace}:{name}" for name in sub.reverse_dict if isinstance(name, str)}
    names |= {name for name in resolver.reverse_dict if isinstance(name, str)}
    assert names - listed - not_pages == set()
