"""Who reaches what, over two municipalities side by side: every URL of the analysis and the action
plan, for municipality A's objects and B's, as anonymous, A's manager, A's project member, A's
administrator and a superuser.

A's staff get 200 (302 after a valid POST) on A's objects and 404 on B's: no read or write crosses
municipalities. Roles keep their 403 where a role may not do something at all.

To cover more pages, add `Url(...)` entries to `URLS` below (or extend it from the module that
owns the pages): each names its URL builder, its method and data, and an expectation per role.
`ROUND_ADMINISTRATION_URLS` is the place kept for the round-administration pages (`/omgangar/...`,
`/konton/...` in `surveys/`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.urls import reverse
from django.utils.http import urlencode

from actionplan.models import ActionItem, ActionPlan, ActionUpdate
from actionplan.services import ItemInput, item_create, plan_get_or_create
from analysis.dashboard import DASHBOARD_TABLES
from surveys import roles
from surveys.models import Department, DiaryDay, Municipality, Participant, SentEmail, Survey, Unit
from surveys.services import survey_create
from tests.actionplan.conftest import item_post
from tests.analysis.conftest import save_day

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "manager", "project_member", "administrator", "superuser"]
MANAGERS_PER_ROUND = 3  # analysis.friction.MIN_GROUP: fewer and the figures are withheld (409)


# --- Two municipalities ----------------------------------------------------------------------------


@dataclass
class Side:
    """One municipality's objects: a department and unit, a baseline and an open follow-up round
    with submitted diaries, and an action plan with one done item found in the baseline."""

    municipality: Municipality
    department: Department
    unit: Unit
    baseline: Survey
    followup: Survey
    plan: ActionPlan
    item: ActionItem
    # Text that only this municipality's pages show: the other side's staff must never see it.
    markers: list[str] = field(default_factory=list)
    administrator: object = None


@dataclass
class World:
    a: Side
    b: Side
    users: dict[str, object]

    def side(self, name: str) -> Side:
        return self.a if name == "A" else self.b


def _round(municipality: Municipality, unit: Unit, *, slug: str, name: str, start: dt.date, user=None) -> Survey:
    survey = survey_create(
        slug=slug,
        name=name,
        municipality=municipality,
        start_date=start,
        end_date=start + dt.timedelta(days=4),
        status=Survey.Status.OPEN,
    )
    for number in range(1, MANAGERS_PER_ROUND + 1):
        participant = Participant.objects.create(
            survey=survey, number=number, unit=unit, user=user if number == 1 else None
        )
        save_day(participant, start, {"invoices": ({1: 60}, 3, number), "planning": ({2: 30}, 4, 4)})
    survey.refresh_from_db()
    return survey


def _side(name: str, slug: str, *, administrator, manager=None) -> Side:
    municipality = Municipality.objects.create(name=name)
    municipality.members.add(administrator, *([manager] if manager else []))
    department = Department.objects.create(municipality=municipality, name=f"Barn- och utbildning {name}")
    unit = Unit.objects.create(department=department, name=f"Förskolan {name}")
    baseline = _round(
        municipality, unit, slug=f"{slug}-0", name=f"Nollmätning {name}", start=dt.date(2025, 3, 3), user=manager
    )
    followup = _round(
        municipality, unit, slug=f"{slug}-1", name=f"Uppföljning {name}", start=dt.date(2025, 9, 1), user=manager
    )
    plan = plan_get_or_create(municipality=municipality)
    item = item_create(
        plan=plan,
        data=ItemInput(
            number=1,
            title=f"Åtgärd för {name}",
            owner_level=ActionItem.OwnerLevel.CENTRAL,
            area="finance",
            status=ActionItem.Status.DONE,
            tasks=["invoices"],
            survey=baseline,
        ),
        # With an author: the item page's history names who made each version.
        by=administrator,
    )
    return Side(
        municipality,
        department,
        unit,
        baseline,
        followup,
        plan,
        item,
        markers=[name, baseline.slug, followup.slug],
        administrator=administrator,
    )


@pytest.fixture
def world(make_user, settings) -> World:
    cache.clear()  # figures and charts are cached under round ids that a rolled-back test may reuse
    manager = make_user("mia", roles.MANAGERS)
    administrator = make_user("ada", roles.ADMINISTRATORS, is_staff=True)
    a = _side("Mjölby", "mjolby", administrator=administrator, manager=manager)
    b = _side("Motala", "motala", administrator=make_user("bo", roles.ADMINISTRATORS, is_staff=True))
    users = {
        "anonymous": None,
        "manager": manager,
        "project_member": make_user("pelle", roles.PROJECT_GROUP, municipality=a.municipality),
        "administrator": administrator,
        "superuser": make_user("root", is_staff=True, is_superuser=True),
    }
    yield World(a, b, users)
    cache.clear()


# --- What each role gets ---------------------------------------------------------------------------
# Per role: (status on A's object, status on B's object). 302 for anonymous is the login redirect;
# for a POST it is the redirect after saving.

ANALYSIS = {
    "anonymous": (302, 302),
    "manager": (403, 403),  # the role has no analysis, whichever municipality
    "project_member": (200, 404),
    "administrator": (200, 404),
    "superuser": (200, 200),
}
OWN_PROFILE = {  # a profile is a participant's own
    "anonymous": (302, 302),
    "manager": (200, 404),
    "project_member": (404, 404),
    "administrator": (404, 404),
    "superuser": (404, 404),
}
PLAN_READ = {
    "anonymous": (302, 302),
    "manager": (200, 404),
    "project_member": (200, 404),
    "administrator": (200, 404),
    "superuser": (200, 200),
}
ITEM_EDIT_PAGE = {  # the item is looked up (404) before the role (403)
    "anonymous": (302, 302),
    "manager": (403, 404),
    "project_member": (403, 404),
    "administrator": (200, 404),
    "superuser": (200, 200),
}
NEW_ITEM_PAGE = {  # no object in the path: the role is checked first
    "anonymous": (302, 302),
    "manager": (403, 403),
    "project_member": (403, 403),
    "administrator": (200, 404),
    "superuser": (200, 200),
}
ITEM_WRITE = {
    "anonymous": (302, 302),
    "manager": (403, 404),
    "project_member": (403, 404),
    "administrator": (302, 404),
    "superuser": (302, 302),
}
NEW_ITEM_WRITE = {
    "anonymous": (302, 302),
    "manager": (403, 403),
    "project_member": (403, 403),
    "administrator": (302, 404),
    "superuser": (302, 302),
}


@dataclass(frozen=True)
class Url:
    """A URL of one municipality's object: `build(side)` gives the path, `data(side)` the POST body."""

    name: str
    build: Callable[[Side], str]
    expected: dict[str, tuple[int, int]]
    method: str = "get"
    data: Callable[[Side], dict[str, object]] | None = None

    @property
    def writes(self) -> bool:
        return self.method == "post"


def _q(url: str, **params: object) -> str:
    return f"{url}?{urlencode(params, doseq=True)}"


def _analysis_urls() -> list[Url]:
    urls = [
        Url("dashboard", lambda s: reverse("analysis:dashboard", args=[s.followup.slug]), ANALYSIS),
        Url(
            "dashboard-department",
            lambda s: _q(reverse("analysis:dashboard", args=[s.followup.slug]), department=s.department.pk),
            ANALYSIS,
        ),
        Url("compare", lambda s: _q(reverse("analysis:compare", args=[s.followup.slug]), m=[1, 2]), ANALYSIS),
        Url("rounds-followup", lambda s: _q(reverse("analysis:rounds"), followup=s.followup.slug), ANALYSIS),
        Url(
            "rounds-pair",
            lambda s: _q(reverse("analysis:rounds"), baseline=s.baseline.slug, followup=s.followup.slug),
            ANALYSIS,
        ),
        Url("profile", lambda s: reverse("analysis:profile", args=[s.followup.slug]), OWN_PROFILE),
    ]
    for table in DASHBOARD_TABLES:
        for fmt in ["csv", "xlsx", *(["json"] if table == "ranking" else [])]:
            urls.append(
                Url(
                    f"export-{table}-{fmt}",
                    lambda s, table=table, fmt=fmt: reverse("analysis:export", args=[s.followup.slug, table, fmt]),
                    ANALYSIS,
                )
            )
    for fmt in ["json", "csv", "xlsx"]:
        urls.append(
            Url(
                f"compare-export-{fmt}",
                lambda s, fmt=fmt: _q(reverse("analysis:compare_export", args=[s.followup.slug, fmt]), m=[1, 2]),
                ANALYSIS,
            )
        )
        urls.append(
            Url(
                f"rounds-export-{fmt}",
                lambda s, fmt=fmt: _q(
                    reverse("analysis:rounds_export", args=[fmt]), baseline=s.baseline.slug, followup=s.followup.slug
                ),
                ANALYSIS,
            )
        )
    return urls


def _same_on_both(**statuses: int) -> dict[str, tuple[int, int]]:
    return {role: (status, status) for role, status in statuses.items()}


def _list_urls() -> list[Url]:
    """Pages of no one municipality: the same answer whichever side; what they list is checked
    below and, for A's people, that they name nothing of B's."""
    staff_only = _same_on_both(anonymous=302, manager=403, project_member=200, administrator=200, superuser=200)
    return [
        Url("analysis-index", lambda s: reverse("analysis:index"), staff_only),
        Url("rounds-latest-pair", lambda s: reverse("analysis:rounds"), staff_only),
        Url(
            "my-profiles",
            lambda s: reverse("analysis:my_profiles"),
            _same_on_both(anonymous=302, manager=200, project_member=200, administrator=200, superuser=200),
        ),
        Url(
            "plan-index",  # one plan visible: straight to it; the superuser sees both listed
            lambda s: reverse("actionplan:index"),
            _same_on_both(anonymous=302, manager=302, project_member=302, administrator=302, superuser=200),
        ),
        Url(
            "new-item-page-bare",  # the user's only municipality; the superuser has two
            lambda s: reverse("actionplan:item_new"),
            _same_on_both(anonymous=302, manager=403, project_member=403, administrator=200, superuser=404),
        ),
    ]


def stored_version(item: ActionItem) -> int:
    """The item's version as stored now: an earlier write of the same run may have raised it."""
    return ActionItem.objects.values_list("version", flat=True).get(pk=item.pk)


def _actionplan_urls() -> list[Url]:
    new = reverse("actionplan:item_new")
    return [
        Url("plan", lambda s: reverse("actionplan:plan", args=[s.plan.pk]), PLAN_READ),
        Url("board", lambda s: reverse("actionplan:board", args=[s.plan.pk]), PLAN_READ),
        Url("overview", lambda s: reverse("actionplan:overview", args=[s.plan.pk]), PLAN_READ),
        Url("effect", lambda s: reverse("actionplan:effect", args=[s.plan.pk]), PLAN_READ),
        Url("item", lambda s: reverse("actionplan:item", args=[s.item.pk]), PLAN_READ),
        Url("task", lambda s: reverse("actionplan:task", args=[s.baseline.slug, "invoices"]), PLAN_READ),
        Url("item-edit-page", lambda s: reverse("actionplan:item_edit", args=[s.item.pk]), ITEM_EDIT_PAGE),
        Url("new-item-page-plan", lambda s: _q(new, plan=s.plan.pk), NEW_ITEM_PAGE),
        Url("new-item-page-task", lambda s: _q(new, task="invoices", survey=s.baseline.slug), NEW_ITEM_PAGE),
        Url(
            "new-item-post-plan",
            lambda s: _q(new, plan=s.plan.pk),
            NEW_ITEM_WRITE,
            method="post",
            data=lambda s: item_post(number="2", title="Smuggled"),
        ),
        Url(
            "new-item-post-task",
            lambda s: _q(new, task="invoices", survey=s.baseline.slug),
            NEW_ITEM_WRITE,
            method="post",
            data=lambda s: item_post(number="2", title="Smuggled", survey=s.baseline.pk),
        ),
        Url(
            "item-edit-post",
            lambda s: reverse("actionplan:item_edit", args=[s.item.pk]),
            ITEM_WRITE,
            method="post",
            data=lambda s: item_post(number="1", title="Smuggled", status="dropped", version=stored_version(s.item)),
        ),
        Url(
            "progress-update-post",
            lambda s: reverse("actionplan:update_add", args=[s.item.pk]),
            ITEM_WRITE,
            method="post",
            data=lambda s: {"text": "Smuggled", "status": "in_progress", "version": stored_version(s.item)},
        ),
    ]


# The diary and the round administration of `surveys/`: rounds, participants (the pseudonym key),
# enrolment, invitations, reminders, closing, reopening a day, and the accounts of a municipality.
DIARY_DAY = {  # a manager's own day; nobody else's, whatever the role
    "anonymous": (302, 302),
    "manager": (200, 404),
    "project_member": (404, 404),
    "administrator": (404, 404),
    "superuser": (404, 404),
}
ROUND_FOLLOW = {  # a round's progress in numbers: the project group too
    "anonymous": (302, 302),
    "manager": (403, 403),
    "project_member": (200, 404),
    "administrator": (200, 404),
    "superuser": (200, 200),
}
ROUND_ADMINISTER = {  # names beside numbers, and every change: administrators only
    "anonymous": (302, 302),
    "manager": (403, 403),
    "project_member": (403, 403),
    "administrator": (200, 404),
    "superuser": (200, 200),
}
ROUND_WRITE = {
    "anonymous": (302, 302),
    "manager": (403, 403),
    "project_member": (403, 403),
    "administrator": (302, 404),
    "superuser": (302, 302),
}
ACCOUNT_CREATE_WRITE = {  # another municipality is no choice in the form: the form again, 400
    "anonymous": (302, 302),
    "manager": (403, 403),
    "project_member": (403, 403),
    "administrator": (302, 400),
    "superuser": (302, 302),
}


def _round_urls() -> list[Url]:
    def in_round(name: str, *extra: object) -> Callable[[Side], str]:
        return lambda s: reverse(f"surveys:{name}", args=[s.followup.slug, *extra])

    return [
        Url("diary-day", lambda s: reverse("surveys:day", args=[s.followup.slug, "2025-09-02"]), DIARY_DAY),
        Url("round", in_round("round"), ROUND_FOLLOW),
        Url("paper-form", in_round("paper_form"), ROUND_FOLLOW),
        Url("participants", in_round("participants"), ROUND_ADMINISTER),
        Url("participants-behind", lambda s: in_round("participants")(s) + "?show=behind", ROUND_ADMINISTER),
        Url("participant", in_round("participant", 1), ROUND_ADMINISTER),
        Url("participant-add-page", in_round("participant_add"), ROUND_ADMINISTER),
        Url("enrol-page", in_round("enrol"), ROUND_ADMINISTER),
        Url("enrol-template", in_round("enrol_template"), ROUND_ADMINISTER),
        Url("key-pick-page", in_round("key_pick"), ROUND_ADMINISTER),
        Url("key-day-page", in_round("key_day", 1, "2025-09-02"), ROUND_ADMINISTER),
        Url(
            "key-day-post",
            in_round("key_day", 1, "2025-09-02"),
            ROUND_WRITE,
            method="post",
            data=lambda s: {"planning-h1": "30", "draft": ""},
        ),
        Url("diary-upload-page", in_round("diary_upload"), ROUND_ADMINISTER),
        Url("diary-upload-example", lambda s: in_round("diary_upload")(s) + "?mall=csv", ROUND_ADMINISTER),
        Url(
            "diary-upload-confirm-post",  # without a preview: "expired", back to the form
            in_round("diary_upload"),
            ROUND_WRITE,
            method="post",
            data=lambda s: {"confirm": "yes"},
        ),
        Url(
            "account-edit-page", lambda s: reverse("surveys:account_edit", args=[s.administrator.pk]), ROUND_ADMINISTER
        ),
        Url(
            "participant-add-post",
            in_round("participant_add"),
            ROUND_WRITE,
            method="post",
            data=lambda s: {"name": "Smuggled Person", "email": "smuggled@example.se", "unit": s.unit.pk},
        ),
        Url("close-post", in_round("round_close"), ROUND_WRITE, method="post", data=lambda s: {"confirm": "yes"}),
        Url("reopen-post", in_round("round_reopen"), ROUND_WRITE, method="post", data=lambda s: {}),
        Url("invitations-post", in_round("invitations_send"), ROUND_WRITE, method="post", data=lambda s: {}),
        Url("reminders-post", in_round("reminders_send"), ROUND_WRITE, method="post", data=lambda s: {}),
        Url(
            "day-reopen-post",
            in_round("day_reopen", 1),
            ROUND_WRITE,
            method="post",
            data=lambda s: {"date": "2025-09-01", "reason": "Smuggled"},
        ),
        Url(
            "participant-remove-post", in_round("participant_remove", 2), ROUND_WRITE, method="post", data=lambda s: {}
        ),
        Url(
            "unit-post",
            in_round("participant", 1),
            ROUND_WRITE,
            method="post",
            data=lambda s: {"unit": s.unit.pk},
        ),
        Url(
            "account-edit-post",
            lambda s: reverse("surveys:account_edit", args=[s.administrator.pk]),
            ROUND_WRITE,
            method="post",
            data=lambda s: {"roles": [roles.ADMINISTRATORS, roles.MANAGERS], "is_active": "on"},
        ),
        Url(
            "account-unlock-post",  # the account is not locked: "was not locked out", back to its page
            lambda s: reverse("surveys:account_unlock", args=[s.administrator.pk]),
            ROUND_WRITE,
            method="post",
            data=lambda s: {},
        ),
        Url(
            "account-create-post",
            lambda s: reverse("surveys:account_create"),
            ACCOUNT_CREATE_WRITE,
            method="post",
            data=lambda s: {
                "first_name": "Smuggled",
                "email": "smuggled-account@example.se",
                "role": roles.MANAGERS,
                "municipality": s.municipality.pk,
            },
        ),
    ]


def _round_list_urls() -> list[Url]:
    return [
        Url(
            "rounds",
            lambda s: reverse("surveys:rounds"),
            _same_on_both(anonymous=302, manager=403, project_member=200, administrator=200, superuser=200),
        ),
        Url(
            "accounts",
            lambda s: reverse("surveys:accounts"),
            _same_on_both(anonymous=302, manager=403, project_member=403, administrator=200, superuser=200),
        ),
        Url(
            "account-create-page",
            lambda s: reverse("surveys:account_create"),
            _same_on_both(anonymous=302, manager=403, project_member=403, administrator=200, superuser=200),
        ),
        Url(
            "audit-log",  # the trail of the administrator's own municipalities (B's events are not listed)
            lambda s: reverse("surveys:audit_log"),
            _same_on_both(anonymous=302, manager=403, project_member=403, administrator=200, superuser=200),
        ),
        Url(
            "audit-log-download",
            lambda s: _q(reverse("surveys:audit_log"), download="csv"),
            _same_on_both(anonymous=302, manager=403, project_member=403, administrator=200, superuser=200),
        ),
    ]


ROUND_ADMINISTRATION_URLS: list[Url] = [*_round_list_urls(), *_round_urls()]

URLS: list[Url] = []

URLS: list[Url] = [*_list_urls(), *_analysis_urls(), *_actionplan_urls(), *ROUND_ADMINISTRATION_URLS]


# A person's data (surveys/views_people.py), about each side's administrator: A's administrator may
# export their own data but not erase themselves (403); a superuser may erase either. The privacy notice
# and the accessibility statement are for everyone, signed in or not.
PERSON_EXPORT = {
    "anonymous": (302, 302),
    "manager": (403, 403),
    "project_member": (403, 403),
    "administrator": (200, 404),
    "superuser": (200, 200),
}
PERSON_ERASE_PAGE = {**PERSON_EXPORT, "administrator": (403, 404)}
PERSON_ERASE_POST = {**PERSON_ERASE_PAGE, "superuser": (302, 302)}


def _people_urls() -> list[Url]:
    def about_administrator(name: str) -> Callable[[Side], str]:
        return lambda s: reverse(f"surveys:{name}", args=[s.administrator.pk])

    public = _same_on_both(anonymous=200, manager=200, project_member=200, administrator=200, superuser=200)
    return [
        Url("person-export", about_administrator("person_export"), PERSON_EXPORT),
        Url("person-erase-page", about_administrator("person_erase"), PERSON_ERASE_PAGE),
        Url(
            "person-erase-post",
            about_administrator("person_erase"),
            PERSON_ERASE_POST,
            method="post",
            data=lambda s: {"confirm": s.administrator.username},
        ),
        Url("privacy", lambda s: reverse("privacy"), public),
        Url("accessibility", lambda s: reverse("accessibility"), public),
    ]


URLS += _people_urls()


# --- The matrix ------------------------------------------------------------------------------------


def _stored() -> tuple[object, ...]:
    """Everything a write of the action plan, a diary or a round's administration could change
    (the audit trail aside: looking at the pseudonym key is recorded)."""
    return (
        list(ActionItem.objects.order_by("pk").values_list()),
        list(ActionUpdate.objects.order_by("pk").values_list()),
        ActionItem.history.count(),
        list(ActionPlan.objects.order_by("pk").values_list()),
        list(Survey.objects.order_by("pk").values_list("pk", "status", "closed_at")),
        list(Participant.objects.order_by("pk").values_list()),
        list(DiaryDay.objects.order_by("pk").values_list("pk", "status", "reopened", "minutes")),
        SentEmail.objects.count(),
        list(get_user_model().objects.order_by("pk").values_list("pk", "is_active", "email")),
        list(Group.objects.values_list("user", flat=True).order_by("user")),
        list(Municipality.members.through.objects.order_by("pk").values_list()),
    )


def _client_as(client, world: World, role: str):
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def _text(response) -> str:
    kind = response.get("Content-Type", "")
    if kind.startswith(("text/", "application/json")):
        return response.content.decode()
    return ""


@pytest.mark.parametrize("side", ["A", "B"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", URLS, ids=[url.name for url in URLS])
def test_access_matrix(client, world, url: Url, role: str, side: str):
    target = world.side(side)
    expected = url.expected[role][0 if side == "A" else 1]
    before = _stored()
    path = url.build(target)
    _client_as(client, world, role)

    response = client.post(path, url.data(target)) if url.writes else client.get(path)

    assert response.status_code == expected, f"{role} {url.method.upper()} {path}: {response.status_code}"
    if response.status_code == 302 and role == "anonymous":
        assert response["Location"].startswith(reverse("login"))
    if not (url.writes and expected == 302 and role != "anonymous"):
        assert _stored() == before, "the database changed"
    if role != "superuser" and response.status_code == 200:
        # A's people see none of B's names on A's pages.
        body = _text(response)
        assert not [marker for marker in world.b.markers if marker in body]


def test_a_successful_write_changes_only_the_own_municipality(client, world):
    """The administrator's valid POSTs land in A; B's plan is as it was."""
    b_before = (
        list(ActionItem.objects.filter(plan=world.b.plan).values_list()),
        ActionUpdate.objects.filter(item__plan=world.b.plan).count(),
    )
    _client_as(client, world, "administrator")
    writes = [url for url in URLS if url.writes and url.expected["administrator"][0] == 302]
    for number, url in enumerate(writes, start=10):
        data = url.data(world.a)
        if "number" in data and data["number"] != "1":  # each new item gets a number of its own
            data["number"] = str(number)
        assert client.post(url.build(world.a), data).status_code == 302, url.name

    assert world.a.plan.items.filter(title="Smuggled").exists()
    assert world.a.item.updates.count() == 1
    assert (
        list(ActionItem.objects.filter(plan=world.b.plan).values_list()),
        ActionUpdate.objects.filter(item__plan=world.b.plan).count(),
    ) == b_before


# --- Lists and mixed requests ----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["project_member", "administrator"])
def test_the_analysis_index_and_the_rounds_form_offer_only_the_own_municipality(client, world, role):
    _client_as(client, world, role)
    own = {world.a.baseline.slug, world.a.followup.slug}

    index = client.get(reverse("analysis:index"))
    assert index.status_code == 200
    assert {survey.slug for survey in index.context["rounds"]} == own
    assert not [marker for marker in world.b.markers if marker in index.content.decode()]

    rounds = client.get(reverse("analysis:rounds"))
    form = rounds.context["form"]
    for name in ("baseline", "followup"):
        assert {survey.slug for survey in form.fields[name].queryset} == own
    # It opens on A's own pair, not on B's (B's rounds start on the same days).
    assert (form.cleaned_data["baseline"], form.cleaned_data["followup"]) == (world.a.baseline, world.a.followup)
    assert not [marker for marker in world.b.markers if marker in rounds.content.decode()]


@pytest.mark.parametrize("role", ["manager", "project_member", "administrator"])
def test_the_plan_index_leads_to_the_own_plan_only(client, world, role):
    _client_as(client, world, role)

    response = client.get(reverse("actionplan:index"))

    # One visible plan: straight to it.
    assert response.status_code == 302
    assert response["Location"] == reverse("actionplan:plan", args=[world.a.plan.pk])


def test_a_superuser_sees_both_municipalities(client, world):
    _client_as(client, world, "superuser")

    plans = client.get(reverse("actionplan:index"))
    rounds = client.get(reverse("analysis:index"))

    assert plans.status_code == 200 and set(plans.context["plans"]) == {world.a.plan, world.b.plan}
    assert len(rounds.context["rounds"]) == 4


@pytest.mark.parametrize("role", ["project_member", "administrator", "superuser"])
@pytest.mark.parametrize("fmt", [None, "json"])
def test_a_baseline_and_follow_up_of_two_municipalities_are_not_compared(client, world, role, fmt):
    """For A's staff B's round does not exist (404); even a superuser gets no mixed comparison."""
    _client_as(client, world, role)
    url = reverse("analysis:rounds") if fmt is None else reverse("analysis:rounds_export", args=[fmt])
    query = _q(url, baseline=world.a.baseline.slug, followup=world.b.followup.slug)

    response = client.get(query)

    if role != "superuser":
        assert response.status_code == 404
    elif fmt is None:
        assert response.status_code == 200 and "same municipality" in response.content.decode()
        assert "withheld" not in response.context and "chart" not in response.context
    else:
        assert response.status_code == 400


@pytest.mark.parametrize("role", ["administrator", "superuser"])
def test_a_new_item_takes_no_round_and_plan_of_two_municipalities(client, world, role):
    _client_as(client, world, role)
    before = _stored()
    mixed = _q(reverse("actionplan:item_new"), plan=world.a.plan.pk, survey=world.b.baseline.slug, task="invoices")

    assert client.get(mixed).status_code == 404
    assert client.post(mixed, item_post(number="2", title="Smuggled")).status_code == 404
    assert _stored() == before


def test_a_new_item_does_not_take_another_municipality_s_round_in_the_form(client, world):
    """The form's round must be the plan's municipality's: B's round is not a choice for A's plan."""
    _client_as(client, world, "administrator")
    before = _stored()

    response = client.post(
        _q(reverse("actionplan:item_new"), plan=world.a.plan.pk),
        item_post(number="2", title="Smuggled", survey=world.b.baseline.pk),
    )

    assert response.status_code == 200 and response.context["form"].errors.get("survey")
    assert _stored() == before


def test_an_administrator_without_a_municipality_cannot_start_a_plan(client, world, make_user):
    """`/atgardsplan/ny/` without a plan or round falls back to the user's only municipality."""
    _client_as(client, world, "administrator")
    assert client.get(reverse("actionplan:item_new")).status_code == 200

    client.force_login(make_user("nomad", roles.ADMINISTRATORS))
    assert client.get(reverse("actionplan:item_new")).status_code == 404
