"""Who reaches what, over two municipalities side by side: every URL of the analysis, the action
plan, the diary and the round administration, for municipality A's objects and B's, as anonymous,
A's manager, A's project member, A's administrator and a superuser.

A's staff get 200 (302 after a valid POST) on A's objects and 404 on B's: no read or write crosses
municipalities. Roles keep their 403 where a role may not do something at all.

HOW TO ADD A PAGE: add one `Row(...)` to the list of its app below (`LIST_ROWS`, `ANALYSIS_ROWS`,
`PLAN_ROWS`, `ROUND_ROWS`, `ROUND_LIST_ROWS`, `PEOPLE_ROWS`). A row is plain data:

    Row("participant", "surveys:participant", "followup", ROUND_ADMINISTER, extra=(1,)),
    Row("rounds-pair", "analysis:rounds", "none", ANALYSIS, query="pair"),
    Row("close-post", "surveys:round_close", "followup", ROUND_WRITE, method="post", data={"confirm": "yes"}),

- an id (shown in the test name), the URL name to `reverse()`;
- the name of a path-argument builder in `ARGS` (what of the side goes into the path: "none",
  "followup", "baseline", "followup-from-baseline", "plan", "item", "administrator"), then `extra=`:
  literal path arguments after it;
- the expectation per role: one of the dicts under "What each role gets", or a new one
  (`{role: (status on A's object, status on B's object)}`; `same_on_both(...)` for pages of no one side);
- optionally `query=` (a builder name in `QUERIES`), `params=` (a literal query dict), `method="post"`
  and `data=` (a literal POST dict, or a builder name in `BODIES` when the body needs the side's objects).

A new builder is one line in `ARGS`, `QUERIES` or `BODIES`: a function of the `Side`.
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
from analysis.comparison import COMPARISON_CHARTS
from analysis.dashboard import DASHBOARD_CHARTS, DASHBOARD_TABLES
from surveys import roles
from surveys.models import Department, DiaryDay, Municipality, Participant, SentEmail, Survey, Unit
from surveys.services import survey_create
from tests.actionplan.conftest import item_post
from tests.analysis.conftest import save_day
from tests.surveys.helpers import day_post

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
            # Done between the rounds, so the effect page's plan figure (and its chart) has a task.
            done_on=dt.date(2025, 6, 30),
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


def same_on_both(**statuses: int) -> dict[str, tuple[int, int]]:
    """Pages of no one municipality: the same answer whichever side."""
    return {role: (status, status) for role, status in statuses.items()}


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
# A person's data (surveys/views_people.py), about each side's administrator: A's administrator may
# export their own data but not erase themselves (403); a superuser may erase either.
PERSON_EXPORT = {
    "anonymous": (302, 302),
    "manager": (403, 403),
    "project_member": (403, 403),
    "administrator": (200, 404),
    "superuser": (200, 200),
}
PERSON_ERASE_PAGE = {**PERSON_EXPORT, "administrator": (403, 404)}
PERSON_ERASE_POST = {**PERSON_ERASE_PAGE, "superuser": (302, 302)}
STAFF_ONLY = same_on_both(anonymous=302, manager=403, project_member=200, administrator=200, superuser=200)
ADMINISTRATORS_ONLY = same_on_both(anonymous=302, manager=403, project_member=403, administrator=200, superuser=200)
SIGNED_IN = same_on_both(anonymous=302, manager=200, project_member=200, administrator=200, superuser=200)
PUBLIC = same_on_both(anonymous=200, manager=200, project_member=200, administrator=200, superuser=200)


# --- Builders: what of a side goes into a path, a query string and a POST body -----------------------


def stored_version(item: ActionItem) -> int:
    """The item's version as stored now: an earlier write of the same run may have raised it."""
    return ActionItem.objects.values_list("version", flat=True).get(pk=item.pk)


ARGS: dict[str, Callable[[Side], list[object]]] = {
    "none": lambda s: [],
    "followup": lambda s: [s.followup.slug],
    "baseline": lambda s: [s.baseline.slug],
    "followup-from-baseline": lambda s: [s.followup.slug, s.baseline.slug],
    "plan": lambda s: [s.plan.pk],
    "item": lambda s: [s.item.pk],
    "administrator": lambda s: [s.administrator.pk],
}
QUERIES: dict[str, Callable[[Side], dict[str, object]]] = {
    "none": lambda s: {},
    "department": lambda s: {"department": s.department.pk},
    "followup": lambda s: {"followup": s.followup.slug},
    "pair": lambda s: {"baseline": s.baseline.slug, "followup": s.followup.slug},
    "plan": lambda s: {"plan": s.plan.pk},
    "task": lambda s: {"task": "invoices", "survey": s.baseline.slug},
}
BODIES: dict[str, Callable[[Side], dict[str, object]]] = {
    "new-item": lambda s: item_post(number="2", title="Smuggled"),
    "new-item-in-round": lambda s: item_post(number="2", title="Smuggled", survey=s.baseline.pk),
    "item-edit": lambda s: item_post(number="1", title="Smuggled", status="dropped", version=stored_version(s.item)),
    "progress-update": lambda s: {"text": "Smuggled", "status": "in_progress", "version": stored_version(s.item)},
    "unit": lambda s: {"unit": s.unit.pk},
    "participant": lambda s: {"name": "Smuggled Person", "email": "smuggled@example.se", "unit": s.unit.pk},
    "account-create": lambda s: {
        "first_name": "Smuggled",
        "email": "smuggled-account@example.se",
        "role": roles.MANAGERS,
        "municipality": s.municipality.pk,
    },
    "erase-confirm": lambda s: {"confirm": s.administrator.username},
    # The whole grid, as the keying page posts it (a post without it is refused, whoever sends it).
    "key-day": lambda s: day_post(s.followup, {"planning-h1": "30"}, date=dt.date(2025, 9, 2), number=1),
}


@dataclass
class Row:
    """One URL of the matrix, as plain data (see the module docstring for how to add one)."""

    id: str
    url: str  # the URL name, for reverse()
    args: str  # a key of ARGS
    expected: dict[str, tuple[int, int]]
    extra: tuple[object, ...] = ()  # literal path arguments after the builder's
    query: str = "none"  # a key of QUERIES
    params: dict[str, object] = field(default_factory=dict)  # a literal query
    method: str = "get"
    data: str | dict[str, object] | None = None  # a key of BODIES, or a literal POST body

    def __post_init__(self) -> None:
        assert self.args in ARGS and self.query in QUERIES, self.id
        assert isinstance(self.data, dict) or self.data in BODIES or (self.data is None and not self.writes), self.id

    @property
    def writes(self) -> bool:
        return self.method == "post"

    def build(self, side: Side) -> str:
        path = reverse(self.url, args=[*ARGS[self.args](side), *self.extra])
        query = {**QUERIES[self.query](side), **self.params}
        return f"{path}?{urlencode(query, doseq=True)}" if query else path

    def body(self, side: Side) -> dict[str, object]:
        return dict(self.data) if isinstance(self.data, dict) else BODIES[self.data](side)


def _q(url: str, **params: object) -> str:
    return f"{url}?{urlencode(params, doseq=True)}"


# --- The rows --------------------------------------------------------------------------------------

# Pages of no one municipality: the same answer whichever side; what they list is checked below and,
# for A's people, that they name nothing of B's.
LIST_ROWS = [
    Row(  # the day page's script while typing: no login page for a script, a 401
        "keep-alive",
        "keep_alive",
        "none",
        same_on_both(anonymous=401, manager=204, project_member=204, administrator=204, superuser=204),
        method="post",
        data={},
    ),
    Row("analysis-index", "analysis:index", "none", STAFF_ONLY),
    Row("rounds-latest-pair", "analysis:rounds", "none", STAFF_ONLY),
    Row("my-profiles", "analysis:my_profiles", "none", SIGNED_IN),
    Row(  # one plan visible: straight to it; the superuser sees both listed
        "plan-index",
        "actionplan:index",
        "none",
        same_on_both(anonymous=302, manager=302, project_member=302, administrator=302, superuser=200),
    ),
    Row(  # the user's only municipality; the superuser has two
        "new-item-page-bare",
        "actionplan:item_new",
        "none",
        same_on_both(anonymous=302, manager=403, project_member=403, administrator=200, superuser=404),
    ),
]

ANALYSIS_ROWS = [
    Row("dashboard", "analysis:dashboard", "followup", ANALYSIS),
    Row("dashboard-department", "analysis:dashboard", "followup", ANALYSIS, query="department"),
    Row("compare", "analysis:compare", "followup", ANALYSIS, params={"m": [1, 2]}),
    Row("compare-search", "analysis:compare", "followup", ANALYSIS, params={"q": "1", "m": [2]}),
    Row("compare-search-json", "analysis:compare_search", "followup", ANALYSIS, params={"q": "1"}),
    Row("dashboard-unit-search", "analysis:dashboard", "followup", ANALYSIS, params={"unit_q": "a"}),
    Row("unit-search-json", "analysis:unit_search", "followup", ANALYSIS, params={"q": "a"}),
    Row("unit-search-json-department", "analysis:unit_search", "followup", ANALYSIS, query="department"),
    Row("rounds-followup", "analysis:rounds", "none", ANALYSIS, query="followup"),
    Row("rounds-pair", "analysis:rounds", "none", ANALYSIS, query="pair"),
    Row("profile", "analysis:profile", "followup", OWN_PROFILE),
    # Each chart is an image of its own, with its page's access check and query.
    *[
        Row(f"dashboard-chart-{chart}", "analysis:dashboard_chart", "followup", ANALYSIS, extra=(chart,))
        for chart in DASHBOARD_CHARTS
    ],
    Row(
        "dashboard-chart-department",
        "analysis:dashboard_chart",
        "followup",
        ANALYSIS,
        extra=("tasks",),
        query="department",
    ),
    *[
        Row(
            f"compare-chart-{chart}",
            "analysis:compare_chart",
            "followup",
            ANALYSIS,
            extra=(chart,),
            params={"m": [1, 2]},
        )
        for chart in COMPARISON_CHARTS
    ],
    Row("rounds-chart", "analysis:rounds_chart", "none", ANALYSIS, query="pair"),
    Row("profile-chart", "analysis:profile_chart", "followup", OWN_PROFILE),
    *[
        Row(f"export-{table}-{fmt}", "analysis:export", "followup", ANALYSIS, extra=(table, fmt))
        for table in DASHBOARD_TABLES
        for fmt in ["csv", "xlsx", *(["json"] if table == "ranking" else [])]
    ],
    *[
        row
        for fmt in ["json", "csv", "xlsx"]
        for row in (
            Row(
                f"compare-export-{fmt}",
                "analysis:compare_export",
                "followup",
                ANALYSIS,
                extra=(fmt,),
                params={"m": [1, 2]},
            ),
            Row(f"rounds-export-{fmt}", "analysis:rounds_export", "none", ANALYSIS, extra=(fmt,), query="pair"),
        )
    ],
]

PLAN_ROWS = [
    Row("plan", "actionplan:plan", "plan", PLAN_READ),
    Row("board", "actionplan:board", "plan", PLAN_READ),
    Row("overview", "actionplan:overview", "plan", PLAN_READ),
    Row("effect", "actionplan:effect", "plan", PLAN_READ),
    # The pages' charts, each an image of its own with its page's access check.
    Row("overview-chart", "actionplan:overview_chart", "plan", PLAN_READ),
    Row("effect-chart", "actionplan:effect_chart", "plan", PLAN_READ),
    Row(  # the item has one task, so its page draws no forest plot of tasks: no one gets one
        "item-chart",
        "actionplan:item_chart",
        "item",
        same_on_both(anonymous=302, manager=404, project_member=404, administrator=404, superuser=404),
    ),
    Row("item", "actionplan:item", "item", PLAN_READ),
    Row("task", "actionplan:task", "baseline", PLAN_READ, extra=("invoices",)),
    Row("item-edit-page", "actionplan:item_edit", "item", ITEM_EDIT_PAGE),
    Row("new-item-page-plan", "actionplan:item_new", "none", NEW_ITEM_PAGE, query="plan"),
    Row("new-item-page-task", "actionplan:item_new", "none", NEW_ITEM_PAGE, query="task"),
    Row(
        "new-item-post-plan",
        "actionplan:item_new",
        "none",
        NEW_ITEM_WRITE,
        query="plan",
        method="post",
        data="new-item",
    ),
    Row(
        "new-item-post-task",
        "actionplan:item_new",
        "none",
        NEW_ITEM_WRITE,
        query="task",
        method="post",
        data="new-item-in-round",
    ),
    Row("item-edit-post", "actionplan:item_edit", "item", ITEM_WRITE, method="post", data="item-edit"),
    Row("progress-update-post", "actionplan:update_add", "item", ITEM_WRITE, method="post", data="progress-update"),
]

ROUND_ROWS = [
    Row("diary-day", "surveys:day", "followup", DIARY_DAY, extra=("2025-09-02",)),
    Row("round", "surveys:round", "followup", ROUND_FOLLOW),
    Row("paper-form", "surveys:paper_form", "followup", ROUND_FOLLOW),
    Row("participants", "surveys:participants", "followup", ROUND_ADMINISTER),
    Row("participants-behind", "surveys:participants", "followup", ROUND_ADMINISTER, params={"show": "behind"}),
    Row("participant", "surveys:participant", "followup", ROUND_ADMINISTER, extra=(1,)),
    Row("participant-add-page", "surveys:participant_add", "followup", ROUND_ADMINISTER),
    Row("enrol-page", "surveys:enrol", "followup", ROUND_ADMINISTER),
    Row("enrol-template", "surveys:enrol_template", "followup", ROUND_ADMINISTER),
    Row("enrol-earlier", "surveys:enrol_earlier", "followup-from-baseline", ROUND_ADMINISTER),
    Row("key-pick-page", "surveys:key_pick", "followup", ROUND_ADMINISTER),
    Row("key-day-page", "surveys:key_day", "followup", ROUND_ADMINISTER, extra=(1, "2025-09-02")),
    Row(
        "key-day-post",
        "surveys:key_day",
        "followup",
        ROUND_WRITE,
        extra=(1, "2025-09-02"),
        method="post",
        data="key-day",
    ),
    Row("diary-upload-page", "surveys:diary_upload", "followup", ROUND_ADMINISTER),
    Row("diary-upload-example", "surveys:diary_upload", "followup", ROUND_ADMINISTER, params={"mall": "csv"}),
    Row(  # without a preview: "expired", back to the form
        "diary-upload-confirm-post",
        "surveys:diary_upload",
        "followup",
        ROUND_WRITE,
        method="post",
        data={"confirm": "yes"},
    ),
    Row("account-edit-page", "surveys:account_edit", "administrator", ROUND_ADMINISTER),
    Row("participant-add-post", "surveys:participant_add", "followup", ROUND_WRITE, method="post", data="participant"),
    Row("close-post", "surveys:round_close", "followup", ROUND_WRITE, method="post", data={"confirm": "yes"}),
    Row("reopen-post", "surveys:round_reopen", "followup", ROUND_WRITE, method="post", data={}),
    Row("invitations-post", "surveys:invitations_send", "followup", ROUND_WRITE, method="post", data={}),
    Row("reminders-post", "surveys:reminders_send", "followup", ROUND_WRITE, method="post", data={}),
    Row(
        "day-reopen-post",
        "surveys:day_reopen",
        "followup",
        ROUND_WRITE,
        extra=(1,),
        method="post",
        data={"date": "2025-09-01", "reason": "Smuggled"},
    ),
    Row(
        "participant-remove-post",
        "surveys:participant_remove",
        "followup",
        ROUND_WRITE,
        extra=(2,),
        method="post",
        data={},
    ),
    Row("unit-post", "surveys:participant", "followup", ROUND_WRITE, extra=(1,), method="post", data="unit"),
    Row(
        "account-edit-post",
        "surveys:account_edit",
        "administrator",
        ROUND_WRITE,
        method="post",
        data={"roles": [roles.ADMINISTRATORS, roles.MANAGERS], "is_active": "on"},
    ),
    Row(  # the account is not locked: "was not locked out", back to its page
        "account-unlock-post", "surveys:account_unlock", "administrator", ROUND_WRITE, method="post", data={}
    ),
    Row(
        "account-create-post",
        "surveys:account_create",
        "none",
        ACCOUNT_CREATE_WRITE,
        method="post",
        data="account-create",
    ),
]

ROUND_LIST_ROWS = [
    Row("rounds", "surveys:rounds", "none", STAFF_ONLY),
    Row("accounts", "surveys:accounts", "none", ADMINISTRATORS_ONLY),
    Row("account-create-page", "surveys:account_create", "none", ADMINISTRATORS_ONLY),
    # The trail of the administrator's own municipalities (B's events are not listed).
    Row("audit-log", "surveys:audit_log", "none", ADMINISTRATORS_ONLY),
    Row("audit-log-download", "surveys:audit_log", "none", ADMINISTRATORS_ONLY, params={"download": "csv"}),
]

# The privacy notice and the accessibility statement are for everyone, signed in or not.
PEOPLE_ROWS = [
    Row("person-export", "surveys:person_export", "administrator", PERSON_EXPORT),
    Row("person-erase-page", "surveys:person_erase", "administrator", PERSON_ERASE_PAGE),
    Row(
        "person-erase-post",
        "surveys:person_erase",
        "administrator",
        PERSON_ERASE_POST,
        method="post",
        data="erase-confirm",
    ),
    Row("privacy", "privacy", "none", PUBLIC),
    Row("accessibility", "accessibility", "none", PUBLIC),
]

URLS: list[Row] = [*LIST_ROWS, *ANALYSIS_ROWS, *PLAN_ROWS, *ROUND_LIST_ROWS, *ROUND_ROWS, *PEOPLE_ROWS]
assert len({row.id for row in URLS}) == len(URLS), "each row needs an id of its own"


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
@pytest.mark.parametrize("url", URLS, ids=[url.id for url in URLS])
def test_access_matrix(client, world, url: Row, role: str, side: str):
    target = world.side(side)
    expected = url.expected[role][0 if side == "A" else 1]
    before = _stored()
    path = url.build(target)
    _client_as(client, world, role)

    response = client.post(path, url.body(target)) if url.writes else client.get(path)

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
        data = url.body(world.a)
        if "number" in data and data["number"] != "1":  # each new item gets a number of its own
            data["number"] = str(number)
        assert client.post(url.build(world.a), data).status_code == 302, url.id

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
