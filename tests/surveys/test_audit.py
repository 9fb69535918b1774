"""The audit trail: every kind of event is written, with who, which round, which table or account, and
never a name or an e-mail address in its detail; the page shows administrators their own
municipalities' events, filtered and paged; nobody can change or remove an event."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode

from analysis.dashboard import DASHBOARD_TABLES
from surveys import audit, roles
from surveys.enrolment import PersonRow, participants_enrol
from surveys.models import AuditEvent, Municipality, Participant, Survey, Unit
from surveys.services import survey_create
from tests.analysis.conftest import save_day

from .test_admin import change_url, form_data

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action
MANAGERS_PER_ROUND = 3  # analysis.friction.MIN_GROUP: fewer and a download is withheld (409)


# --- The cast ---------------------------------------------------------------------------------------


# admin_client, other_municipality, other_administrator (other_municipality's "erik") and superuser:
# tests/conftest.py.


def _round(municipality: Municipality, unit: Unit, *, slug: str, start: dt.date) -> Survey:
    survey = survey_create(
        slug=slug,
        name=f"Mätning {slug}",
        municipality=municipality,
        start_date=start,
        end_date=start + dt.timedelta(days=4),
        status=Survey.Status.OPEN,
    )
    for number in range(1, MANAGERS_PER_ROUND + 1):
        participant = Participant.objects.create(survey=survey, number=number, unit=unit)
        save_day(participant, start, {"invoices": ({1: 60}, 3, number), "planning": ({2: 30}, 4, 4)})
    survey.refresh_from_db()
    return survey


@dataclass
class Pair:
    baseline: Survey
    followup: Survey


@pytest.fixture
def pair(municipality, unit) -> Pair:
    """Two rounds of the municipality with three managers' submitted days each: every download answers."""
    return Pair(
        baseline=_round(municipality, unit, slug="base", start=dt.date(2025, 3, 3)),
        followup=_round(municipality, unit, slug="follow", start=dt.date(2025, 9, 1)),
    )


def events(action: str, **filters) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, **filters).order_by("pk"))


def people_words() -> set[str]:
    """Every name, username and e-mail address of every account: none may be in any event's detail."""
    words = set()
    for user in get_user_model().objects.all():
        words |= {user.first_name, user.last_name, user.username, user.email}
    return {word for word in words if word}


def assert_no_person_in_details() -> None:
    for event in AuditEvent.objects.all():
        named = [word for word in people_words() if word.casefold() in event.detail.casefold()]
        assert not named, f"{event.get_action_display()}: {event.detail!r} names {named}"


# --- Append-only ------------------------------------------------------------------------------------


def test_an_event_cannot_be_changed_or_removed(municipality):
    event = audit.record(Action.ROUND_CLOSED, user=None, municipality=municipality)

    event.detail = "rewritten"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).update(detail="rewritten")
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).detail == ""


# --- The pseudonym key, rounds and days -------------------------------------------------------------


def test_viewing_the_participants_page_is_on_record(admin_client, administrator, survey, participant):
    admin_client.get(reverse("surveys:participants", args=[survey.slug]))
    admin_client.get(reverse("surveys:participant", args=[survey.slug, participant.number]))

    viewed = events(Action.KEY_VIEWED)
    assert [(e.user, e.survey, e.municipality_id, e.participant) for e in viewed] == [
        (administrator, survey, survey.municipality_id, None),
        (administrator, survey, survey.municipality_id, participant),
    ]


def test_closing_and_reopening_a_round_and_a_day_are_on_record(admin_client, administrator, survey, participant):
    admin_client.post(reverse("surveys:round_close", args=[survey.slug]), {"confirm": "yes"})
    admin_client.post(
        reverse("surveys:day_reopen", args=[survey.slug, participant.number]),
        {"date": "2025-03-04", "reason": "Fel dag ifylld"},
    )
    admin_client.post(reverse("surveys:round_reopen", args=[survey.slug]))

    assert [(e.action, e.user, e.survey) for e in AuditEvent.objects.order_by("pk")] == [
        (Action.ROUND_CLOSED, administrator, survey),
        (Action.DAY_REOPENED, administrator, survey),
        (Action.ROUND_REOPENED, administrator, survey),
    ]
    day = AuditEvent.objects.get(action=Action.DAY_REOPENED)
    assert (day.participant, day.date, day.detail) == (participant, dt.date(2025, 3, 4), "Fel dag ifylld")


def test_opening_a_draft_round_is_on_record_as_opened_and_only_a_closed_one_as_reopened(
    admin_client, administrator, survey
):
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.DRAFT)

    admin_client.post(reverse("surveys:round_reopen", args=[survey.slug]))
    admin_client.post(reverse("surveys:round_close", args=[survey.slug]), {"confirm": "yes"})
    admin_client.post(reverse("surveys:round_reopen", args=[survey.slug]))

    assert [(e.action, e.user, e.survey) for e in AuditEvent.objects.order_by("pk")] == [
        (Action.ROUND_OPENED, administrator, survey),
        (Action.ROUND_CLOSED, administrator, survey),
        (Action.ROUND_REOPENED, administrator, survey),
    ]
    page = admin_client.get(reverse("surveys:audit_log")).content.decode()
    table = page[page.index('data-testid="audit-events"') :]
    assert [table.count(f">{text}</td>") for text in ("Opened the round", "Reopened the round")] == [1, 1]
    with translation.override("sv"):
        assert str(Action.ROUND_OPENED.label) == "Öppnade mätomgången"
        assert str(Action.ROUND_REOPENED.label) == "Öppnade mätomgången igen"


# --- Downloads --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Download:
    name: str
    path: object  # Pair -> str
    detail: object  # Pair -> str


def _downloads() -> list[Download]:
    found = []
    for table in DASHBOARD_TABLES:
        for fmt in ["csv", "xlsx", *(["json"] if table == "ranking" else [])]:
            found.append(
                Download(
                    f"{table}.{fmt}",
                    lambda p, table=table, fmt=fmt: reverse("analysis:export", args=[p.followup.slug, table, fmt]),
                    lambda p, table=table, fmt=fmt: f"{table}.{fmt}",
                )
            )
    for fmt in ["csv", "xlsx", "json"]:
        found.append(
            Download(
                f"comparison.{fmt}",
                lambda p, fmt=fmt: reverse("analysis:compare_export", args=[p.followup.slug, fmt]) + "?m=1&m=2",
                lambda p, fmt=fmt: f"comparison.{fmt} m=1&m=2",
            )
        )
        found.append(
            Download(
                f"rounds.{fmt}",
                lambda p, fmt=fmt: (
                    reverse("analysis:rounds_export", args=[fmt])
                    + "?"
                    + urlencode({"baseline": p.baseline.slug, "followup": p.followup.slug})
                ),
                lambda p, fmt=fmt: f"rounds.{fmt} baseline={p.baseline.slug}",
            )
        )
    return found


DOWNLOADS = _downloads()


@pytest.mark.parametrize("download", DOWNLOADS, ids=[download.name for download in DOWNLOADS])
def test_every_download_is_on_record_with_its_round_and_table(admin_client, administrator, pair, download):
    response = admin_client.get(download.path(pair))

    assert response.status_code == 200
    [event] = events(Action.DOWNLOADED)
    assert (event.user, event.survey, event.municipality_id) == (
        administrator,
        pair.followup,
        pair.followup.municipality_id,
    )
    assert event.detail == download.detail(pair)


def test_a_download_of_a_selection_names_the_selection(english_client, project_member, pair, department):
    english_client.force_login(project_member)

    english_client.get(
        reverse("analysis:export", args=[pair.followup.slug, "ranking", "csv"]), {"department": department.pk}
    )

    [event] = events(Action.DOWNLOADED)
    assert event.user == project_member
    assert event.detail == f"ranking.csv department={department.pk}"


def test_a_withheld_download_is_no_download(admin_client, municipality, unit):
    lonely = survey_create(
        slug="lonely",
        name="Liten mätning",
        municipality=municipality,
        start_date=dt.date(2025, 3, 3),
        end_date=dt.date(2025, 3, 7),
        status=Survey.Status.OPEN,
    )
    save_day(
        Participant.objects.create(survey=lonely, number=1, unit=unit),
        dt.date(2025, 3, 3),
        {"invoices": ({1: 60}, 3, 2)},
    )

    response = admin_client.get(reverse("analysis:export", args=[lonely.slug, "ranking", "csv"]))

    assert response.status_code == 409
    assert not events(Action.DOWNLOADED)


@pytest.mark.parametrize(
    "url",
    [
        lambda survey: reverse("surveys:enrol_template", args=[survey.slug]),
        lambda survey: reverse("surveys:diary_upload", args=[survey.slug]) + "?mall=csv",
    ],
    ids=["enrolment-example", "diary-example"],
)
def test_an_example_file_is_no_download_of_data(admin_client, survey, url):
    """The example files hold made-up people and minutes, nothing of the round's: nothing to answer for."""
    response = admin_client.get(url(survey))

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert not events(Action.DOWNLOADED)


# --- Accounts, roles and memberships ----------------------------------------------------------------


def test_creating_an_account_is_one_event(admin_client, administrator, municipality):
    admin_client.post(
        reverse("surveys:account_create"),
        {
            "first_name": "Petra",
            "email": "petra@example.se",
            "role": roles.PROJECT_GROUP,
            "municipality": municipality.pk,
        },
    )

    petra = get_user_model().objects.get(email="petra@example.se")
    [event] = AuditEvent.objects.all()
    assert (event.action, event.user, event.account, event.municipality) == (
        Action.ACCOUNT_CREATED,
        administrator,
        petra,
        municipality,
    )
    assert event.detail == f"role {roles.PROJECT_GROUP}"
    assert_no_person_in_details()


def test_an_account_made_by_enrolling_a_person_is_one_created_event(admin_client, administrator, survey, unit):
    admin_client.post(
        reverse("surveys:participant_add", args=[survey.slug]),
        {"name": "Petra Persson", "email": "petra@example.se", "unit": unit.pk},
    )

    petra = get_user_model().objects.get(email="petra@example.se")
    [event] = AuditEvent.objects.exclude(action=Action.KEY_VIEWED)
    assert (event.action, event.user, event.account, event.survey, event.municipality) == (
        Action.ACCOUNT_CREATED,
        administrator,
        petra,
        survey,
        survey.municipality,
    )
    assert event.detail == f"role {roles.MANAGERS}, enrolment"
    assert_no_person_in_details()


def test_enrolling_from_a_file_records_each_new_account_and_an_existing_ones_new_role(
    administrator, survey, unit, make_user
):
    existing = make_user("olle", email="olle@example.se")  # no role or municipality yet
    rows = [
        PersonRow(row=2, name="Petra Persson", email="petra@example.se", unit=unit.name),
        PersonRow(row=3, name="Olle Testsson", email="olle@example.se", unit=unit.name),
        PersonRow(row=4, name="Rut Ek", email="rut@example.se", unit=unit.name),
    ]

    participants_enrol(survey=survey, rows=rows, by=administrator)

    created = events(Action.ACCOUNT_CREATED)
    assert sorted(event.account.email for event in created) == ["petra@example.se", "rut@example.se"]
    assert {(event.user, event.survey) for event in created} == {(administrator, survey)}
    # The existing account is not created but gets a role and a municipality, heard as before.
    assert [e.account for e in AuditEvent.objects.exclude(action=Action.ACCOUNT_CREATED)] == [existing, existing]
    assert {e.action for e in AuditEvent.objects.filter(account=existing)} == {
        Action.ROLES_CHANGED,
        Action.MEMBERSHIP_CHANGED,
    }


def test_the_enrol_command_records_new_accounts_as_made_by_the_system(survey, unit, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(f"name,email,unit\nPetra Persson,petra@example.se,{unit.name}\n", encoding="utf-8")

    call_command("enrol_participants", str(path), "--survey", survey.slug, stdout=io.StringIO())

    [event] = AuditEvent.objects.all()
    assert (event.action, event.user, event.account.email) == (Action.ACCOUNT_CREATED, None, "petra@example.se")


def test_a_role_change_on_the_accounts_page_is_one_event(admin_client, administrator, manager, municipality):
    admin_client.post(
        reverse("surveys:account_edit", args=[manager.pk]),
        {"roles": [roles.MANAGERS, roles.ADMINISTRATORS]},  # and deactivated: is_active is left out
    )

    assert [(e.action, e.user, e.account, e.municipality, e.detail) for e in AuditEvent.objects.order_by("pk")] == [
        (
            Action.ROLES_CHANGED,
            administrator,
            manager,
            municipality,
            f"{roles.MANAGERS} → {roles.MANAGERS}, {roles.ADMINISTRATORS}",
        ),
        (Action.ACCOUNT_CHANGED, administrator, manager, municipality, "deactivated"),
    ]


def test_a_role_change_in_the_django_admin_is_on_record(admin_client, administrator, manager, municipality):
    data = form_data(admin_client.get(change_url(manager)))
    data["groups"] = list(
        Group.objects.filter(name__in=[roles.MANAGERS, roles.PROJECT_GROUP]).values_list("pk", flat=True)
    )
    data["_save"] = "Save"

    response = admin_client.post(change_url(manager), data)

    assert response.status_code == 302
    [event] = AuditEvent.objects.all()
    assert (event.action, event.user, event.account, event.municipality, event.detail) == (
        Action.ROLES_CHANGED,
        administrator,
        manager,
        municipality,
        f"+{roles.PROJECT_GROUP}",
    )


def test_saving_an_unchanged_account_in_the_admin_records_nothing(admin_client, manager):
    """A group outside the three roles stays on save, and is no change either."""
    manager.groups.add(Group.objects.create(name="Nyhetsbrev"))
    before = AuditEvent.objects.count()
    data = form_data(admin_client.get(change_url(manager)))
    data["_save"] = "Save"

    admin_client.post(change_url(manager), data)

    assert set(manager.groups.values_list("name", flat=True)) == {roles.MANAGERS, "Nyhetsbrev"}
    assert AuditEvent.objects.count() == before


def test_superuser_flags_and_deactivation_in_the_admin_are_on_record(english_client, superuser, manager):
    english_client.force_login(superuser)
    data = form_data(english_client.get(change_url(manager)))
    joined = timezone.localtime(manager.date_joined)
    data.update({"date_joined_0": joined.date().isoformat(), "date_joined_1": joined.strftime("%H:%M:%S")})
    data.update({"is_staff": "on", "is_superuser": "on", "_save": "Save"})
    data.pop("is_active")

    response = english_client.post(change_url(manager), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    recorded = [(e.action, e.user, e.account, e.detail) for e in AuditEvent.objects.order_by("pk")]
    assert recorded == [
        (Action.ROLES_CHANGED, superuser, manager, "+is_superuser, +is_staff"),
        (Action.ACCOUNT_CHANGED, superuser, manager, "deactivated"),
    ]


def test_membership_added_and_removed_in_the_admin_inline(admin_client, administrator, municipality, make_user):
    newcomer = make_user("nina")  # no municipality yet: the administrator finds them to add them
    page = admin_client.get(change_url(newcomer))
    data = form_data(page)
    prefix = page.context["inline_admin_formsets"][0].formset.prefix
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-0-municipality": municipality.pk,
            "_save": "Save",
        }
    )

    assert admin_client.post(change_url(newcomer), data).status_code == 302
    assert list(newcomer.municipalities.all()) == [municipality]
    data = form_data(admin_client.get(change_url(newcomer)))
    data.update({f"{prefix}-0-DELETE": "on", "_save": "Save"})
    assert admin_client.post(change_url(newcomer), data).status_code == 302

    recorded = [(e.action, e.user, e.account, e.municipality, e.detail) for e in AuditEvent.objects.order_by("pk")]
    assert recorded == [
        (Action.MEMBERSHIP_CHANGED, administrator, newcomer, municipality, "+Testkommun"),
        (Action.MEMBERSHIP_CHANGED, administrator, newcomer, municipality, "−Testkommun"),
    ]


def test_members_set_on_the_municipalitys_admin_page_are_on_record(english_client, superuser, municipality, manager):
    english_client.force_login(superuser)
    newcomer = get_user_model().objects.create_user("nina")
    data = form_data(english_client.get(change_url(municipality)))
    # The manager leaves, Nina joins; no departments (form_data leaves out a count of 0).
    data.update({"members": [newcomer.pk], "departments-TOTAL_FORMS": "0", "departments-INITIAL_FORMS": "0"})
    data["_save"] = "Save"

    assert english_client.post(change_url(municipality), data).status_code == 302

    recorded = {(e.user, e.account, e.municipality, e.detail) for e in events(Action.MEMBERSHIP_CHANGED)}
    assert recorded == {
        (superuser, newcomer, municipality, "+Testkommun"),
        (superuser, manager, municipality, "−Testkommun"),
    }


def test_roles_and_memberships_are_heard_from_both_sides_without_a_request(municipality, other_municipality):
    """A management command or the shell: the system's events (no user), whichever side changed them."""
    person = get_user_model().objects.create_user("nina")
    managers, project = Group.objects.get(name=roles.MANAGERS), Group.objects.get(name=roles.PROJECT_GROUP)

    person.groups.add(managers)
    project.user_set.add(person)
    person.groups.remove(project, Group.objects.get(name=roles.ADMINISTRATORS))  # one held, one not
    person.municipalities.add(municipality)
    other_municipality.members.add(person)
    person.groups.clear()
    person.municipalities.clear()

    recorded = [(e.action, e.user, e.account, e.municipality, e.detail) for e in AuditEvent.objects.order_by("pk")]
    roles_changed, membership_changed = Action.ROLES_CHANGED, Action.MEMBERSHIP_CHANGED
    assert recorded == [
        (roles_changed, None, person, None, f"+{roles.MANAGERS}"),
        (roles_changed, None, person, None, f"+{roles.PROJECT_GROUP}"),
        (roles_changed, None, person, None, f"−{roles.PROJECT_GROUP}"),
        (membership_changed, None, person, municipality, "+Testkommun"),
        (membership_changed, None, person, other_municipality, "+Grannkommun"),
        (roles_changed, None, person, None, f"−{roles.MANAGERS}"),
        (membership_changed, None, person, municipality, "−Testkommun"),
        (membership_changed, None, person, other_municipality, "−Grannkommun"),
    ]


def test_a_deleted_account_leaves_no_membership_events(municipality):
    person = get_user_model().objects.create_user("nina")
    with audit.quietly():
        municipality.members.add(person)

    person.delete()

    assert not AuditEvent.objects.exists()


def test_no_event_detail_names_a_person(admin_client, superuser, english_client, municipality, manager, pair):
    admin_client.post(
        reverse("surveys:account_create"),
        {
            "first_name": "Petra",
            "last_name": "Persson",
            "email": "petra@example.se",
            "role": roles.MANAGERS,
            "municipality": municipality.pk,
        },
    )
    admin_client.post(reverse("surveys:account_edit", args=[manager.pk]), {"roles": [roles.PROJECT_GROUP]})
    admin_client.get(reverse("analysis:export", args=[pair.followup.slug, "ranking", "xlsx"]))
    admin_client.get(reverse("surveys:participants", args=[pair.followup.slug]))
    manager.municipalities.clear()

    assert AuditEvent.objects.count() >= 6
    assert_no_person_in_details()


# --- The page ---------------------------------------------------------------------------------------


def _page(client, **params):
    return client.get(reverse("surveys:audit_log"), params)


def _shown(response) -> list[AuditEvent]:
    return list(response.context["page"].object_list)


def test_an_administrator_sees_only_their_own_municipalities_events(
    admin_client, municipality, other_municipality, other_administrator, manager, survey
):
    own = audit.record(Action.ROUND_CLOSED, user=None, survey=survey)
    other = audit.record(Action.ROUND_CLOSED, user=other_administrator, municipality=other_municipality)
    # No municipality: a lockout of one of the own people shows, of someone else's does not.
    own_lockout = audit.record(Action.ACCOUNT_LOCKED, user=None, account=manager)
    other_lockout = audit.record(Action.ACCOUNT_LOCKED, user=None, account=other_administrator)

    response = _page(admin_client)

    assert response.status_code == 200
    assert set(_shown(response)) == {own, own_lockout}
    assert other not in _shown(response) and other_lockout not in _shown(response)


def test_a_superuser_sees_every_event(english_client, superuser, municipality, other_municipality):
    first = audit.record(Action.ROUND_CLOSED, user=None, municipality=municipality)
    second = audit.record(Action.ROUND_CLOSED, user=None, municipality=other_municipality)
    english_client.force_login(superuser)

    assert set(_shown(_page(english_client))) == {first, second}


@pytest.mark.parametrize("role", ["manager", "project_member"])
def test_other_roles_get_403(english_client, request, role):
    english_client.force_login(request.getfixturevalue(role))

    assert _page(english_client).status_code == 403


def test_anonymous_is_sent_to_log_in(client):
    response = _page(client)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_page_shows_each_column_newest_first(admin_client, administrator, survey, participant, manager):
    older = audit.record(
        Action.DAY_REOPENED,
        user=administrator,
        survey=survey,
        participant=participant,
        date=dt.date(2025, 3, 4),
        detail="Fel dag",
    )
    newer = audit.record(Action.ROLES_CHANGED, user=None, account=manager, municipality=survey.municipality_id)

    response = _page(admin_client)
    body = response.content.decode()

    assert _shown(response) == [newer, older]
    row = body[body.index(f'data-event="{older.pk}"') :].split("</tr>")[0]
    for text in [
        timezone.localtime(older.at).strftime("%Y-%m-%d %H:%M"),
        administrator.get_full_name(),
        "Reopened a day",
        survey.name,
        "Manager no. 7",
        "2025-03-04",
        "Fel dag",
    ]:
        assert text in row
    newer_row = body[body.index(f'data-event="{newer.pk}"') :].split("</tr>")[0]
    assert "–" in newer_row and manager.get_full_name() in newer_row


def test_filters_narrow_the_events(admin_client, administrator, municipality, survey, manager, other_manager):
    second = survey_create(
        slug="second",
        name="Uppföljning",
        municipality=municipality,
        start_date=dt.date(2025, 9, 1),
        end_date=dt.date(2025, 9, 5),
    )
    closed = audit.record(Action.ROUND_CLOSED, user=administrator, survey=survey)
    downloaded = audit.record(Action.DOWNLOADED, user=manager, survey=second, detail="ranking.csv")
    roles_of_bob = audit.record(
        Action.ROLES_CHANGED, user=administrator, account=other_manager, municipality=municipality
    )
    long_ago = AuditEvent(  # `record` writes the time of now; an older event is made by hand
        action=Action.ROUND_REOPENED, municipality=municipality, at=timezone.now() - dt.timedelta(days=40)
    )
    long_ago.save()

    today = timezone.localdate()
    assert _shown(_page(admin_client, action=Action.DOWNLOADED)) == [downloaded]
    assert _shown(_page(admin_client, survey=survey.pk)) == [closed]
    assert set(_shown(_page(admin_client, who=administrator.pk))) == {closed, roles_of_bob}
    assert _shown(_page(admin_client, account=other_manager.pk)) == [roles_of_bob]
    assert _shown(_page(admin_client, date_to=(today - dt.timedelta(days=30)).isoformat())) == [long_ago]
    assert long_ago not in _shown(_page(admin_client, date_from=(today - dt.timedelta(days=1)).isoformat()))


def test_who_and_account_offer_only_people_in_the_visible_trail(
    admin_client, administrator, other_administrator, other_municipality, manager
):
    audit.record(Action.ROUND_CLOSED, user=other_administrator, municipality=other_municipality)
    audit.record(Action.ACCOUNT_LOCKED, user=None, account=manager)

    form = _page(admin_client).context["form"]

    assert list(form.fields["who"].queryset) == []
    assert list(form.fields["account"].queryset) == [manager]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "2025-03-07", "date_to": "2025-03-01"}, "“To” cannot be before “From”."),
        ({"date_from": "7 mars"}, "Enter a valid date."),
        ({"action": "nonsense"}, "Select a valid choice."),
        ({"download": "pdf"}, "There is no download as pdf."),
    ],
)
def test_a_bad_filter_is_told_and_shows_nothing(admin_client, survey, params, message):
    audit.record(Action.ROUND_CLOSED, user=None, survey=survey)

    response = _page(admin_client, **params)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert response.context["page"] is None
    assert not events(Action.DOWNLOADED)


def test_a_reversed_date_range_is_told_with_the_fields_swedish_labels(client, administrator):
    client.force_login(administrator)

    response = client.get(reverse("surveys:audit_log"), {"date_from": "2025-03-07", "date_to": "2025-03-01"})

    assert response.context["form"].errors["date_to"] == ["”Till” kan inte vara före ”Från”."]


def test_another_municipalitys_round_is_no_filter(admin_client, other_municipality):
    theirs = survey_create(
        slug="theirs",
        name="Deras mätning",
        municipality=other_municipality,
        start_date=dt.date(2025, 3, 3),
        end_date=dt.date(2025, 3, 7),
    )

    response = _page(admin_client, survey=theirs.pk)

    assert response.status_code == 400
    assert "Deras mätning" not in response.content.decode()


def test_fifty_events_to_a_page_and_the_filters_kept_in_the_links(admin_client, survey):
    for _number in range(51):
        audit.record(Action.KEY_VIEWED, user=None, survey=survey)

    first = _page(admin_client, action=Action.KEY_VIEWED)
    second = _page(admin_client, action=Action.KEY_VIEWED, page=2)

    assert len(_shown(first)) == 50 and len(_shown(second)) == 1
    assert "?action=key_viewed&amp;page=2" in first.content.decode()


def test_the_page_asks_the_same_number_of_queries_for_many_events(admin_client, administrator, survey, participant):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert _page(admin_client).status_code == 200
        return len(captured)

    audit.record(Action.KEY_VIEWED, user=administrator, survey=survey, participant=participant, account=administrator)
    few = queries()
    for _number in range(20):
        audit.record(
            Action.KEY_VIEWED, user=administrator, survey=survey, participant=participant, account=administrator
        )

    assert queries() == few


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_filtered_trail_downloads_and_that_is_on_record(admin_client, administrator, survey, fmt):
    audit.record(Action.ROUND_CLOSED, user=administrator, survey=survey)

    response = admin_client.get(reverse("surveys:audit_log"), {"action": Action.ROUND_CLOSED, "download": fmt})

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="audit.{fmt}"'
    if fmt == "csv":
        body = response.content.decode("utf-8-sig")
        assert administrator.get_full_name() in body and "Closed the round" in body
    [event] = events(Action.DOWNLOADED)
    assert (event.user, event.municipality_id, event.detail) == (
        administrator,
        survey.municipality_id,
        f"audit.{fmt} action=round_closed",
    )


def test_the_accounts_page_links_to_the_trail(admin_client):
    page = admin_client.get(reverse("surveys:accounts")).content.decode()

    assert reverse("surveys:audit_log") in page


def test_an_account_made_in_the_django_admin_is_one_event(admin_client, administrator, municipality):
    response = admin_client.post(
        reverse("admin:auth_user_add"),
        {"username": "nina", "password1": "ett-langt-losenord-9", "password2": "ett-langt-losenord-9", "_save": "Save"},
    )

    nina = get_user_model().objects.get(username="nina")
    assert response.status_code == 302
    assert list(nina.municipalities.all()) == [municipality]
    [event] = AuditEvent.objects.all()
    assert (event.action, event.user, event.account, event.municipality) == (
        Action.ACCOUNT_CREATED,
        administrator,
        nina,
        municipality,
    )
