"""A person's data: export, erasure (figures unchanged, no trace of the name or e-mail address
anywhere in the database afterwards), the retention command, who may do it, and the public pages."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from actionplan.models import ActionItem
from actionplan.services import ItemInput, item_create, plan_get_or_create, update_add
from analysis import reports, selectors
from surveys import audit, people, roles
from surveys.models import AuditEvent, DiaryDay, DiaryLine, Municipality, Participant, SentEmail, Survey, Unit
from surveys.services import passwordless_user_create
from tests.analysis.conftest import save_day

pytestmark = pytest.mark.django_db

MON, TUE, WED = dt.date(2025, 3, 3), dt.date(2025, 3, 4), dt.date(2025, 3, 5)
FIRST, LAST, EMAIL = "Ingrid", "Qvarnström", "Ingrid.Qvarnstrom@Mjolby.se"
# Every way the person could be found: names, the address (the username is the address in lower case).
TRACES = [FIRST, LAST, "Qvarnstrom", EMAIL, "ingrid.qvarnstrom"]


@pytest.fixture
def person(municipality):
    user = passwordless_user_create(email=EMAIL, first_name=FIRST, last_name=LAST)
    user.groups.add(Group.objects.get(name=roles.MANAGERS))
    municipality.members.add(user)
    return user


@pytest.fixture
def round_with_person(survey, unit, person, manager, administrator):
    """Four managers' diaries (enough for figures), the person being no. 1 of Förskolan Solrosen,
    and the person's name, address and username planted wherever the app could keep them."""
    other_unit = Unit.objects.create(department=unit.department, name="Förskolan Ekorren")
    mine = Participant.objects.create(survey=survey, number=1, user=person, unit=unit)
    alice = Participant.objects.create(survey=survey, number=2, user=manager, unit=unit)
    three = Participant.objects.create(survey=survey, number=3, unit=other_unit)
    four = Participant.objects.create(survey=survey, number=4, unit=other_unit)
    save_day(mine, MON, {"invoices": ({1: 60}, 3, 1), "planning": ({2: 30}, 4, 4)})
    save_day(mine, TUE, {"invoices": ({1: 30}, 3, 3)}, submit=False)
    save_day(alice, MON, {"invoices": ({1: 60}, 1, 2)})
    save_day(three, WED, {"it-services": ({3: 60}, 1, 1)})
    save_day(four, MON, {"invoices": ({3: 30}, 2, 2)})
    # Another manager's note that names the person, and a day the person keyed in for no. 3.
    DiaryLine.objects.filter(day__participant=three).update(note=f"Frågade {FIRST} {LAST} om fakturorna")
    DiaryDay.objects.filter(participant=three).update(keyed_in_by=person)

    SentEmail.objects.create(participant=mine, kind=SentEmail.Kind.INVITATION, to=EMAIL)
    SentEmail.objects.create(participant=alice, kind=SentEmail.Kind.INVITATION, to="alice@example.se")
    audit.record(AuditEvent.Action.ROLES_CHANGED, user=administrator, account=person, municipality=survey.municipality)
    audit.record(AuditEvent.Action.KEY_VIEWED, user=person, survey=survey)
    # An event written before details were kept free of names.
    AuditEvent.objects.create(
        action=AuditEvent.Action.ACCOUNT_CREATED,
        user=administrator,
        municipality=survey.municipality,
        detail=f"{FIRST} {LAST} <{EMAIL}>: role Chefer",
    )
    LogEntry.objects.create(
        user=administrator,
        content_type=ContentType.objects.get_for_model(person),
        object_id=str(person.pk),
        object_repr=person.username,
        action_flag=CHANGE,
        change_message=json.dumps([{"changed": {"fields": ["Email address"]}}]),
    )
    failed_sign_in()
    plan = plan_get_or_create(municipality=survey.municipality)
    item = item_create(
        plan=plan,
        data=ItemInput(
            number=1,
            title="Enklare fakturaflöde",
            owner_level=ActionItem.OwnerLevel.CENTRAL,
            area="finance",
            responsible=f"{FIRST} {LAST}, ekonomichef",
            tasks=["invoices"],
            survey=survey,
        ),
        by=person,
    )
    update_add(item=item, author=person, text=f"Klart enligt {EMAIL.lower()}", status=ActionItem.Status.PLANNED)
    return survey


def failed_sign_in() -> AccessAttempt:
    """django-axes' record of failed sign-ins as the person (their address typed as username)."""
    return AccessAttempt.objects.create(
        username=EMAIL.lower(),
        ip_address="10.0.0.7",
        user_agent="Firefox",
        http_accept="*/*",
        path_info="/konto/logga-in/",
        get_data="",
        post_data=f"username={EMAIL.lower()}",
        failures_since_start=2,
    )


def figures(survey: Survey) -> dict[str, object]:
    """What the dashboard and the analysis show of the whole round, and how many take part."""
    survey.refresh_from_db()
    report = reports.friction_report(survey=survey)
    return {
        "report": report,
        "counts": selectors.day_counts(survey=survey),
        "quality": selectors.day_quality_counts(survey=survey),
        "numbers": selectors.participant_numbers(survey=survey),
        "participants": Participant.objects.filter(survey=survey).count(),
        "lines": list(
            DiaryLine.objects.order_by("pk").values_list("day__participant__number", "task__code", "minutes")
        ),
    }


def traces_in_database(needles: list[str]) -> list[str]:
    """Every text, e-mail or JSON value in every table (and every session's decoded data) that
    contains one of `needles`, case-insensitively."""
    lowered = [needle.lower() for needle in needles]
    text_fields = (models.CharField, models.TextField, models.JSONField)
    found = []
    for model in apps.get_models(include_auto_created=True):
        fields = [field.attname for field in model._meta.concrete_fields if isinstance(field, text_fields)]
        if not fields:
            continue
        for row in model._base_manager.values_list("pk", *fields):
            for name, value in zip(fields, row[1:], strict=True):
                text = (json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value).lower()
                if any(needle in text for needle in lowered):
                    found.append(f"{model._meta.label}.{name} #{row[0]}: {value!r}")
    for session in Session.objects.all():
        text = json.dumps(session.get_decoded(), ensure_ascii=False, default=str).lower()
        if any(needle in text for needle in lowered):
            found.append(f"session {session.session_key}: {text}")
    return found


def admin_client(client, administrator):
    client.force_login(administrator)
    client.cookies["django_language"] = "en"
    return client


# --- Export ----------------------------------------------------------------------------------------


def test_the_export_holds_everything_about_the_person_and_nothing_of_others(
    client, round_with_person, person, administrator
):
    response = admin_client(client, administrator).get(reverse("surveys:person_export", args=[person.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="person-{person.pk}.json"'
    data = json.loads(response.content)
    assert data["account"]["email"] == EMAIL and data["account"]["last_name"] == LAST
    assert data["account"]["roles"] == [roles.MANAGERS]
    assert data["account"]["municipalities"] == ["Testkommun"]
    [participation] = data["participations"]
    assert (participation["round_slug"], participation["number"]) == ("test-round", 1)
    assert participation["unit"] == "Förskolan Solrosen"
    assert [day["date"] for day in participation["days"]] == ["2025-03-03", "2025-03-04"]
    assert [day["status"] for day in participation["days"]] == ["submitted", "draft"]
    invoices = next(line for line in participation["days"][0]["lines"] if line["task"] == "invoices")
    assert invoices["value"] == 3 and invoices["function"] == 1 and invoices["label"]
    assert invoices["minutes_per_hour"]["08–09"] == 60 and invoices["minutes"] == 60
    assert [email["to"] for email in participation["emails"]] == [EMAIL]
    assert [event["action"] for event in data["audit_events"]["by_them"]] == ["key_viewed"]
    assert "roles_changed" in [event["action"] for event in data["audit_events"]["about_them"]]
    assert data["days_keyed_in"] == [{"round": "test-round", "participant_number": 3, "date": "2025-03-05"}]
    assert [update["new_status"] for update in data["action_plan"]["progress_updates"]] == ["planned"]
    assert len(data["action_plan"]["item_versions"]) == 2  # created, then moved to planned
    assert [attempt["ip_address"] for attempt in data["sign_in_records"]["accessattempt"]] == ["10.0.0.7"]
    # Nothing of alice, no. 2 of the same round.
    body = response.content.decode()
    assert "alice" not in body.lower()
    assert '"number": 2' not in body


def test_the_export_is_on_record_as_concerning_the_person(client, round_with_person, person, administrator):
    admin_client(client, administrator).get(reverse("surveys:person_export", args=[person.pk]))

    event = AuditEvent.objects.get(action=AuditEvent.Action.PERSON_EXPORTED)
    assert (event.user, event.account, event.municipality) == (administrator, person, round_with_person.municipality)


def test_person_data_is_plain_json(round_with_person, person):
    data = people.person_data(person)

    assert json.loads(json.dumps(data)) == data


# --- Erasure ---------------------------------------------------------------------------------------


def test_erasure_keeps_every_figure_and_leaves_no_trace_of_the_person(client, round_with_person, person, administrator):
    survey = round_with_person
    before = figures(survey)
    # The person is signed in somewhere, and the administrator's enrolment preview names them.
    client.force_login(person)
    admin_session = admin_client(client.__class__(), administrator)
    session = admin_session.session
    session["enrol-test-round"] = [{"row": 2, "name": f"{FIRST} {LAST}", "email": EMAIL, "unit": "Solrosen"}]
    session["kept"] = "an unrelated entry"
    session.save()
    failed_sign_in()  # after the sign-in, which clears earlier failures
    planted = {trace.split(" ")[0].rsplit(".", 1)[0] for trace in traces_in_database(TRACES)}
    assert planted >= {
        "auth.User",
        "session",
        "axes.AccessAttempt",
        "admin.LogEntry",
        "surveys.SentEmail",
        "surveys.AuditEvent",
        "surveys.DiaryLine",
        "actionplan.ActionItem",
        "actionplan.HistoricalActionItem",
        "actionplan.ActionUpdate",
    }

    response = admin_session.post(reverse("surveys:person_erase", args=[person.pk]), {"confirm": person.username})

    assert response.status_code == 302 and response["Location"] == reverse("surveys:accounts")
    assert traces_in_database(TRACES) == []
    assert not AccessAttempt.objects.exists()
    assert str(person.pk) not in [session.get_decoded().get("_auth_user_id") for session in Session.objects.all()]
    assert figures(survey) == before
    assert not get_user_model().objects.filter(pk=person.pk).exists()
    unlinked = Participant.objects.get(survey=survey, number=1)
    assert (unlinked.user, unlinked.unit) == (None, None)
    assert unlinked.days.count() == 2
    assert list(SentEmail.objects.filter(participant=unlinked).values_list("to", flat=True)) == [""]
    # Others keep theirs; the administrator stays signed in with the rest of the session.
    assert SentEmail.objects.get(participant__number=2).to == "alice@example.se"
    assert Participant.objects.get(survey=survey, number=2).unit is not None
    assert admin_session.get(reverse("surveys:accounts")).status_code == 200
    assert admin_session.session.get("kept") == "an unrelated entry"
    assert "enrol-test-round" not in admin_session.session
    assert ActionItem.objects.get().responsible == "–, ekonomichef"


def test_an_erased_persons_participation_is_not_called_imported(client, round_with_person, person, administrator):
    people.erase_person(person, by=administrator)

    page = admin_client(client, administrator).get(reverse("surveys:participant", args=["test-round", 1]))

    body = page.content.decode()
    # The diary was not imported: the person was erased, so the label names both ways to have no account.
    assert "no account (imported)<" not in body
    assert "no account (imported or unlinked from the person)<" in body


def test_erasure_is_on_record_with_counts_only(round_with_person, person, administrator):
    receipt = people.erase_person(person, by=administrator)

    event = AuditEvent.objects.get(action=AuditEvent.Action.PERSON_ERASED)
    assert (event.user, event.municipality, event.account) == (administrator, round_with_person.municipality, None)
    assert event.detail == receipt.describe()
    assert event.detail.startswith("1 participations unlinked, 2 diary days kept, 1 e-mail addresses cleared")
    assert (receipt.sign_in_records, receipt.admin_log_entries) == (1, 1)


def test_the_confirmation_page_says_what_will_happen(client, round_with_person, person, administrator):
    response = admin_client(client, administrator).get(reverse("surveys:person_erase", args=[person.pk]))

    assert response.status_code == 200
    body = response.content.decode()
    assert "1 participation in a survey round is unlinked" in body
    assert "2 diary days stay, so the figures of whole rounds stay the same" in body
    # Not "every figure": the person's participations lose their unit, so departments count them no more.
    assert "every figure stays the same" not in body
    assert "the effect of a department's action items no longer count the unlinked participants" in body
    assert "1 sent e-mail keeps" in body
    assert "Nollmätning 2025: Manager no. 1" in body
    assert f"<code>{person.username}</code>" in body


def test_a_wrong_username_erases_nothing(client, round_with_person, person, administrator):
    response = admin_client(client, administrator).post(
        reverse("surveys:person_erase", args=[person.pk]), {"confirm": "someone-else"}
    )

    assert response.status_code == 400
    assert "Type the username exactly as shown" in response.content.decode()
    assert Participant.objects.get(number=1).user == person
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.PERSON_ERASED).exists()


def test_the_account_page_offers_export_and_erasure(client, round_with_person, person, administrator):
    body = admin_client(client, administrator).get(reverse("surveys:account_edit", args=[person.pk])).content.decode()
    own = client.get(reverse("surveys:account_edit", args=[administrator.pk])).content.decode()

    assert reverse("surveys:person_export", args=[person.pk]) in body
    assert reverse("surveys:person_erase", args=[person.pk]) in body
    assert reverse("surveys:person_erase", args=[administrator.pk]) not in own


# --- Who may ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["person_export", "person_erase"])
@pytest.mark.parametrize("role", ["manager", "project_member"])
def test_managers_and_the_project_group_get_403(client, request, round_with_person, person, name, role):
    client.force_login(request.getfixturevalue(role))

    assert client.get(reverse(f"surveys:{name}", args=[person.pk])).status_code == 403
    assert client.post(reverse(f"surveys:{name}", args=[person.pk]), {"confirm": person.username}).status_code in (
        403,
        405,
    )
    assert get_user_model().objects.filter(pk=person.pk).exists()


@pytest.mark.parametrize("name", ["person_export", "person_erase"])
def test_another_municipality_s_administrator_gets_404(client, make_user, round_with_person, person, name):
    elsewhere = Municipality.objects.create(name="Motala")
    client.force_login(make_user("bo", roles.ADMINISTRATORS, municipality=elsewhere))

    assert client.get(reverse(f"surveys:{name}", args=[person.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.PERSON_EXPORTED).exists()


def test_an_administrator_cannot_erase_themselves(client, administrator):
    admin_client(client, administrator)
    url = reverse("surveys:person_erase", args=[administrator.pk])

    page = client.get(url)
    post = client.post(url, {"confirm": administrator.username})

    assert page.status_code == post.status_code == 403
    assert "You cannot erase your own account." in post.content.decode()
    assert get_user_model().objects.filter(pk=administrator.pk).exists()


def test_a_superuser_is_not_erased_here(client, make_user, municipality, administrator):
    root = make_user("root", is_superuser=True, municipality=municipality)

    post = admin_client(client, administrator).post(
        reverse("surveys:person_erase", args=[root.pk]), {"confirm": "root"}
    )

    assert post.status_code == 403
    assert get_user_model().objects.filter(pk=root.pk).exists()


def test_a_person_of_two_municipalities_is_erased_only_by_a_superuser(
    client, make_user, round_with_person, person, administrator
):
    person.municipalities.add(Municipality.objects.create(name="Motala"))
    url = reverse("surveys:person_erase", args=[person.pk])

    refused = admin_client(client, administrator).post(url, {"confirm": person.username})
    client.force_login(make_user("root", is_superuser=True))
    done = client.post(url, {"confirm": person.username})

    assert refused.status_code == 403 and escape("only the installation's operators") in refused.content.decode()
    assert done.status_code == 302
    assert not get_user_model().objects.filter(pk=person.pk).exists()
    # One event for each municipality the person belonged to.
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PERSON_ERASED).count() == 2


def test_erase_person_refuses_without_http_too(person, manager, administrator):
    with pytest.raises(people.PersonError):
        people.erase_person(person, by=manager)
    with pytest.raises(people.PersonError):
        people.erase_person(administrator, by=administrator)
    assert get_user_model().objects.filter(pk__in=[person.pk, administrator.pk]).count() == 2


# --- Retention -------------------------------------------------------------------------------------


def _close(survey: Survey, *, at: dt.datetime, months: int | None) -> None:
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED, closed_at=at, unlink_after_months=months)


def test_people_are_unlinked_n_months_after_the_round_closes_and_not_before(round_with_person, person):
    survey = round_with_person
    closed = dt.datetime(2025, 3, 31, 18, 0, tzinfo=dt.UTC)
    _close(survey, at=closed, months=6)
    before = figures(survey)

    assert people.unlink_expired(now=dt.datetime(2025, 9, 30, 17, 59, tzinfo=dt.UTC)) == 0
    assert Participant.objects.filter(survey=survey, user__isnull=False).count() == 2

    assert people.unlink_expired(now=dt.datetime(2025, 9, 30, 18, 0, tzinfo=dt.UTC)) == 4
    assert not Participant.objects.filter(survey=survey).exclude(user=None, unit=None).exists()
    assert set(SentEmail.objects.values_list("to", flat=True)) == {""}
    assert figures(survey) == before
    # The accounts stay: retention unlinks, it does not erase.
    assert get_user_model().objects.filter(pk=person.pk).exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.PEOPLE_UNLINKED)
    assert (event.user, event.survey) == (None, survey)
    assert event.detail.startswith("4 participants unlinked and 2 e-mail addresses cleared")


def test_unlinking_again_changes_nothing(round_with_person):
    _close(round_with_person, at=dt.datetime(2024, 1, 31, tzinfo=dt.UTC), months=1)
    people.unlink_expired()

    assert people.unlink_expired() == 0
    assert people.rounds_due() == []
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PEOPLE_UNLINKED).count() == 1


def test_rounds_without_the_setting_or_still_open_keep_their_people(round_with_person):
    _close(round_with_person, at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC), months=None)
    assert people.unlink_expired() == 0
    Survey.objects.filter(pk=round_with_person.pk).update(status=Survey.Status.OPEN, unlink_after_months=1)
    assert people.unlink_expired() == 0
    assert Participant.objects.filter(user__isnull=False).count() == 2


def test_the_command_lists_with_dry_run_and_then_unlinks(round_with_person):
    _close(round_with_person, at=timezone.now() - dt.timedelta(days=400), months=12)
    out = StringIO()

    call_command("unlink_people", "--dry-run", stdout=out)
    assert "test-round: would unlink 4 participants" in out.getvalue()
    assert Participant.objects.filter(user__isnull=False).count() == 2

    call_command("unlink_people", stdout=out)
    assert "test-round: unlinked 4 participants" in out.getvalue()
    assert not Participant.objects.filter(user__isnull=False).exists()

    again = StringIO()
    call_command("unlink_people", stdout=again)
    assert "nothing to unlink" in again.getvalue()


def test_create_survey_takes_the_unlink_setting(db):
    call_command(
        "create_survey",
        "r-2026",
        "--name=Nollmätning 2026",
        "--start=2026-03-02",
        "--end=2026-03-06",
        "--unlink-after-months=18",
        "--municipality=Mjölby kommun",
        stdout=StringIO(),
    )

    assert Survey.objects.get(slug="r-2026").unlink_after_months == 18


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (dt.datetime(2025, 1, 31, 12, tzinfo=dt.UTC), 1, dt.datetime(2025, 2, 28, 12, tzinfo=dt.UTC)),
        (dt.datetime(2024, 1, 31, 12, tzinfo=dt.UTC), 1, dt.datetime(2024, 2, 29, 12, tzinfo=dt.UTC)),
        (dt.datetime(2025, 11, 15, tzinfo=dt.UTC), 14, dt.datetime(2027, 1, 15, tzinfo=dt.UTC)),
    ],
)
def test_add_months_counts_calendar_months(start, months, expected):
    assert people.add_months(start, months) == expected


# --- The public pages ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "heading"),
    [
        ("privacy", "How the time-use diary handles personal data"),
        ("accessibility", "Accessibility statement for MIO Tidsdagbok"),
    ],
)
def test_the_pages_are_for_everyone_and_linked_from_every_page(english_client, municipality, name, heading):
    response = english_client.get(reverse(name))

    assert response.status_code == 200
    body = response.content.decode()
    assert heading in body
    assert "Testkommun" not in body  # no municipality is named to a stranger
    login = english_client.get(reverse("login")).content.decode()
    assert f'href="{reverse(name)}"' in login


@pytest.mark.parametrize("name", ["privacy", "accessibility"])
def test_the_pages_name_the_signed_in_visitor_s_municipality(english_client, manager, name):
    Municipality.objects.create(name="Motala")
    english_client.force_login(manager)

    body = english_client.get(reverse(name)).content.decode()

    assert "Testkommun" in body and "Motala" not in body
    assert f'href="{reverse(name)}"' in english_client.get(reverse("home")).content.decode()


def test_the_pages_show_the_configured_contacts(english_client, settings):
    settings.PRIVACY_CONTACT = "dataskyddsombud@mjolby.se"
    settings.ACCESSIBILITY_CONTACT = "webb@mjolby.se"

    assert "dataskyddsombud@mjolby.se" in english_client.get(reverse("privacy")).content.decode()
    assert "webb@mjolby.se" in english_client.get(reverse("accessibility")).content.decode()


def test_the_privacy_notice_names_the_imy_and_the_legal_basis_to_confirm(english_client):
    body = english_client.get(reverse("privacy")).content.decode()

    assert "https://www.imy.se/" in body
    assert "data protection officer should confirm the legal basis" in body


def test_the_accessibility_statement_follows_digg_s_template(english_client):
    body = english_client.get(reverse("accessibility")).content.decode()

    for heading in (
        "How accessible is the website?",
        "Report shortcomings in the website’s accessibility",
        "Enforcement",
        "Content that is not accessible",
        "How we tested the website",
    ):
        assert heading in body
    assert "https://www.digg.se/tdosanmalan" in body
