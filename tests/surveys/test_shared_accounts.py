"""A person of another municipality, at every door of the accounts: enrolment (file and "Add a person")
refuses their address, and an administrator of one of a shared person's municipalities gets only their
own municipality's data and cannot change the account, which acts in the other municipality too.

Municipality A is `municipality` with its manager alice (`manager`, number 7 in A's round, one diary
day); B is `other_municipality` with its administrator erik (`other_administrator`) and its own round.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from surveys import lockouts, people, roles, services
from surveys.enrolment import EnrolmentError, PersonRow, participants_enrol, plan_enrolment
from surveys.models import AuditEvent, Department, DiaryDay, Municipality, Participant, Survey, Unit
from surveys.services import survey_create

from .helpers import people_snapshot

pytestmark = pytest.mark.django_db

User = get_user_model()
ELSEWHERE = (
    "Row 2, column email: “alice@a.se” is in use elsewhere in the installation; ask the operators to share "
    "the account or use another address"
)
SHARED = (
    "The person also belongs to a municipality you do not administer; only the installation's operators "
    "can change their account."
)


@pytest.fixture
def alice(manager, participant):
    """A's manager, with an address and a diary day in A's round."""
    manager.email = "alice@a.se"
    manager.save()
    DiaryDay.objects.create(participant=participant, date=dt.date(2025, 3, 3))
    return manager


@pytest.fixture
def b_round(other_municipality) -> Survey:
    department = Department.objects.create(municipality=other_municipality, name="Socialförvaltningen")
    Unit.objects.create(department=department, name="Hemtjänst Syd")
    return survey_create(
        slug="b-round",
        name="Storby hösten",
        municipality=other_municipality,
        start_date=dt.date(2025, 3, 3),
        end_date=dt.date(2025, 3, 7),
        status=Survey.Status.DRAFT,
    )


@pytest.fixture
def shared_alice(alice, b_round, other_municipality):
    """Alice shared with B by the operators: a member of B and number 1 in B's round."""
    other_municipality.members.add(alice)
    Participant.objects.create(survey=b_round, number=1, user=alice)
    return alice


@pytest.fixture
def b_client(english_client, other_administrator):
    english_client.force_login(other_administrator)
    return english_client


def row(email: str = "alice@a.se") -> PersonRow:
    return PersonRow(row=2, name="Alice Från A", email=email, unit="Hemtjänst Syd")


# --- Enrolment -------------------------------------------------------------------------------------


def test_b_enrolling_as_address_is_a_bad_row_naming_neither_a_nor_the_stored_name(alice, b_round, other_administrator):
    before = people_snapshot()

    plan = plan_enrolment(survey=b_round, rows=[row("ALICE@a.se"), row("new@b.se")], by=other_administrator)
    with pytest.raises(EnrolmentError) as refused:
        participants_enrol(survey=b_round, rows=[row(), row("new@b.se")], by=other_administrator)

    assert [error.column for error in plan.errors] == ["email"]
    assert [str(error) for error in refused.value.errors] == [ELSEWHERE]
    assert "Testkommun" not in ELSEWHERE and alice.get_full_name() not in ELSEWHERE
    assert people_snapshot() == before  # all or nothing: the good row is not enrolled either


def test_the_upload_preview_refuses_as_address(alice, b_round, b_client):
    text = "name,email,unit\nAlice Från A,alice@a.se,Hemtjänst Syd\n"
    before = people_snapshot()

    response = b_client.post(
        reverse("surveys:enrol", args=[b_round.slug]),
        {"file": SimpleUploadedFile("deltagare.csv", text.encode(), content_type="text/csv")},
    )

    assert response.status_code == 400
    assert [str(error) for error in response.context["errors"]] == [ELSEWHERE]
    assert alice.get_full_name() not in response.content.decode()
    assert people_snapshot() == before


def test_add_a_person_refuses_as_address(alice, b_round, b_client):
    before = people_snapshot()

    response = b_client.post(
        reverse("surveys:participant_add", args=[b_round.slug]),
        {"name": "Alice Från A", "email": "alice@a.se", "unit": "", "number": ""},
    )

    assert response.status_code == 400
    assert "is in use elsewhere in the installation" in response.content.decode()
    assert people_snapshot() == before


def test_a_person_the_operators_shared_is_linked_into_a_new_round(shared_alice, b_round, other_administrator):
    follow_up = survey_create(
        slug="b-follow-up",
        name="Storby våren",
        municipality=b_round.municipality,
        start_date=dt.date(2026, 3, 2),
        end_date=dt.date(2026, 3, 6),
    )

    result = participants_enrol(survey=follow_up, rows=[row()], by=other_administrator)

    assert result.accounts_linked == 1
    assert result.participants[0].number == 1


@pytest.mark.parametrize("by", ["superuser", None])
def test_the_operators_may_link_anyone(alice, b_round, request, by):
    result = participants_enrol(survey=b_round, rows=[row()], by=request.getfixturevalue(by) if by else None)

    assert result.accounts_linked == 1


def test_an_administrator_of_both_municipalities_may_link(alice, b_round, administrator):
    b_round.municipality.members.add(administrator)

    result = participants_enrol(survey=b_round, rows=[row()], by=administrator)

    assert result.accounts_linked == 1


# --- Export ----------------------------------------------------------------------------------------


def test_b_exports_only_bs_participations_of_a_shared_person(shared_alice, b_client):
    response = b_client.get(reverse("surveys:person_export", args=[shared_alice.pk]))
    data = json.loads(response.content)

    assert response.status_code == 200
    assert [entry["round_slug"] for entry in data["participations"]] == ["b-round"]
    assert data["account"]["municipalities"] == ["Grannkommun"]
    assert data["sign_in_records"] == {}
    assert all(event["municipality"] == "Grannkommun" for event in data["audit_events"]["about_them"])


def test_an_operator_exports_everything_of_a_shared_person(shared_alice, english_client, superuser):
    english_client.force_login(superuser)

    response = english_client.get(reverse("surveys:person_export", args=[shared_alice.pk]))
    data = json.loads(response.content)

    assert sorted(entry["round_slug"] for entry in data["participations"]) == ["b-round", "test-round"]


def test_as_own_export_is_whole_for_a_person_of_a_alone(alice, admin_client):
    data = json.loads(admin_client.get(reverse("surveys:person_export", args=[alice.pk])).content)

    assert [entry["round_slug"] for entry in data["participations"]] == ["test-round"]
    assert len(data["participations"][0]["days"]) == 1


# --- The account page, the service, the lock --------------------------------------------------------


def test_b_cannot_make_a_shared_person_an_administrator(shared_alice, b_client):
    page = b_client.get(reverse("surveys:account_edit", args=[shared_alice.pk]))
    response = b_client.post(
        reverse("surveys:account_edit", args=[shared_alice.pk]),
        {"roles": [roles.MANAGERS, roles.ADMINISTRATORS], "is_active": ""},
    )

    shared_alice.refresh_from_db()
    assert escape(SHARED) in page.content.decode()
    assert 'type="submit">Save' not in page.content.decode()
    assert response.status_code == 403
    assert shared_alice.is_active
    assert list(shared_alice.groups.values_list("name", flat=True)) == [roles.MANAGERS]


def test_the_account_service_refuses_a_change_of_a_shared_person(shared_alice, other_administrator):
    with pytest.raises(services.AccountError) as refused:
        services.account_update(user=shared_alice, roles_held=[roles.MANAGERS], is_active=False, by=other_administrator)

    shared_alice.refresh_from_db()
    assert [problem.message for problem in refused.value.errors] == [SHARED]
    assert shared_alice.is_active


def test_a_superuser_changes_a_shared_persons_roles(shared_alice, superuser):
    changes = services.account_update(
        user=shared_alice, roles_held=[roles.MANAGERS, roles.PROJECT_GROUP], is_active=True, by=superuser
    )

    assert changes
    assert shared_alice.groups.filter(name=roles.PROJECT_GROUP).exists()


def test_b_cannot_unlock_a_shared_person(shared_alice, b_client, monkeypatch):
    unlocked = []
    monkeypatch.setattr(lockouts, "unlock", lambda person, by: unlocked.append(person) or True)

    response = b_client.post(reverse("surveys:account_unlock", args=[shared_alice.pk]), follow=True)

    assert unlocked == []
    assert escape(SHARED) in response.content.decode()


def test_b_may_still_change_its_own_people(b_round, b_client, make_user, other_municipality):
    own = make_user("berit", roles.MANAGERS, municipality=other_municipality)

    response = b_client.post(reverse("surveys:account_edit", args=[own.pk]), {"roles": [roles.MANAGERS]})

    own.refresh_from_db()
    assert response.status_code == 302
    assert not own.is_active


# --- The Django admin -------------------------------------------------------------------------------


def test_in_the_admin_a_shared_persons_account_fields_are_read_only_for_b(shared_alice, b_client):
    url = reverse("admin:auth_user_change", args=[shared_alice.pk])

    page = b_client.get(url)
    password = b_client.get(reverse("admin:auth_user_password_change", args=[shared_alice.pk]))
    delete = b_client.get(reverse("admin:auth_user_delete", args=[shared_alice.pk]))

    assert page.status_code == 200
    assert {"email", "is_active", "groups", "first_name"} <= set(page.context["adminform"].readonly_fields)
    assert password.status_code == 403
    assert delete.status_code == 403


# --- Lists and the audit trail ----------------------------------------------------------------------


def test_a_person_of_a_alone_is_on_no_list_of_b(alice, b_client):
    accounts = b_client.get(reverse("surveys:accounts")).content.decode()
    account = b_client.get(reverse("surveys:account_edit", args=[alice.pk]))
    export = b_client.get(reverse("surveys:person_export", args=[alice.pk]))

    assert "alice@a.se" not in accounts
    assert account.status_code == 404
    assert export.status_code == 404


def test_bs_export_is_on_bs_record_only(shared_alice, b_client, other_municipality):
    b_client.get(reverse("surveys:person_export", args=[shared_alice.pk]))

    exported = AuditEvent.objects.filter(action=AuditEvent.Action.PERSON_EXPORTED)
    assert [event.municipality for event in exported] == [other_municipality]


def test_the_refusal_helper_is_silent_for_own_people_and_operators(shared_alice, administrator, superuser):
    Municipality.objects.get(name="Grannkommun").members.add(administrator)

    assert people.shared_account_refusal(shared_alice, by=administrator) is None
    assert people.shared_account_refusal(shared_alice, by=superuser) is None
    assert Group.objects.filter(name=roles.MANAGERS).exists()
