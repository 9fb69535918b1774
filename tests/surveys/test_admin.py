"""The Django admin for administrators: it works, and only with their own municipality.

Two municipalities share the installation: A (the cast's `municipality`, with `administrator` diana)
and B, whose round, people, days and plan diana must never see or change."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from actionplan.services import ItemInput, item_create, plan_get_or_create
from surveys import roles
from surveys.models import AuditEvent, Department, DiaryDay, Municipality, Participant, SentEmail, Survey, Unit
from surveys.services import survey_create

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2025, 3, 3)


# --- The two municipalities ----------------------------------------------------------------------


@pytest.fixture
def admin_client(english_client, administrator, municipality):
    municipality.members.add(administrator)
    english_client.force_login(administrator)
    return english_client


@pytest.fixture
def a(municipality, survey, unit, participant, make_user):
    """A's round, a manager's day, a plan with an item, an e-mail and an audit event."""
    day = DiaryDay.objects.create(participant=participant, date=MONDAY)
    plan = plan_get_or_create(municipality=municipality)
    item = item_create(plan=plan, data=ItemInput(number=1, title="Attest i A", owner_level="central", area="finance"))
    email = SentEmail.objects.create(participant=participant, kind=SentEmail.Kind.INVITATION, to="alice@a.se")
    event = AuditEvent.objects.create(
        action=AuditEvent.Action.ROUND_CLOSED, municipality=municipality, survey=survey, detail="stängd i A"
    )
    return {
        "municipality": municipality,
        "survey": survey,
        "unit": unit,
        "participant": participant,
        "day": day,
        "plan": plan,
        "item": item,
        "email": email,
        "event": event,
    }


@pytest.fixture
def b(make_user):
    """The same things of B, with names that appear nowhere in A."""
    municipality = Municipality.objects.create(name="Bstad")
    department = Department.objects.create(municipality=municipality, name="Bstads förvaltning")
    unit = Unit.objects.create(department=department, name="Förskolan Bäcken")
    survey = survey_create(
        slug="b-round",
        name="Bstads mätning",
        municipality=municipality,
        start_date=MONDAY,
        end_date=MONDAY + dt.timedelta(days=4),
        status=Survey.Status.OPEN,
    )
    manager = make_user("erik", roles.MANAGERS)
    municipality.members.add(manager)
    participant = Participant.objects.create(survey=survey, number=9, user=manager, unit=unit)
    plan = plan_get_or_create(municipality=municipality)
    item = item_create(plan=plan, data=ItemInput(number=1, title="Attest i B", owner_level="central", area="finance"))
    return {
        "municipality": municipality,
        "department": department,
        "unit": unit,
        "survey": survey,
        "manager": manager,
        "participant": participant,
        "day": DiaryDay.objects.create(participant=participant, date=MONDAY),
        "plan": plan,
        "item": item,
        "email": SentEmail.objects.create(participant=participant, kind=SentEmail.Kind.REMINDER, to="erik@b.se"),
        "event": AuditEvent.objects.create(
            action=AuditEvent.Action.ROUND_CLOSED, municipality=municipality, survey=survey, detail="stängd i B"
        ),
    }


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(username="root", password="x", last_name="Testsson")


@pytest.fixture
def newcomer(make_user):
    """An account of no municipality yet, as a superuser or the add page leaves it."""
    return make_user("nyanstalld")


def changelist(client, model: str):
    response = client.get(reverse(f"admin:{model.replace('.', '_')}_changelist"))
    assert response.status_code == 200
    return response


def shown(response) -> set:
    return set(response.context["cl"].queryset)


def change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def form_data(response) -> dict[str, object]:
    """What the browser would post back from a change page left as it is (form and inlines)."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for name, field in form.fields.items():
            if field.disabled:
                continue
            value = form[name].value()
            if value is True:
                data[form.add_prefix(name)] = "on"
            elif value not in (None, False):
                data[form.add_prefix(name)] = value
    return data


# --- The group and the pages ---------------------------------------------------------------------


def test_the_administrators_group_holds_what_the_admin_needs():
    held = {
        f"{app}.{codename}"
        for app, codename in Group.objects.get(name=roles.ADMINISTRATORS).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }

    assert {"surveys.change_survey", "actionplan.change_actionitem", "auth.add_user", "auth.change_user"} <= held
    assert {"surveys.view_auditevent", "surveys.view_sentemail"} <= held
    assert not {"surveys.change_auditevent", "surveys.delete_sentemail", "auth.delete_user"} & held


@pytest.mark.parametrize(
    ("model", "key"),
    [
        ("surveys.municipality", "municipality"),
        ("surveys.unit", "unit"),
        ("surveys.survey", "survey"),
        ("surveys.participant", "participant"),
        ("surveys.diaryday", "day"),
        ("surveys.sentemail", "email"),
        ("surveys.auditevent", "event"),
        ("actionplan.actionplan", "plan"),
        ("actionplan.actionitem", "item"),
    ],
)
def test_administrator_sees_only_their_municipality_in_the_lists(admin_client, a, b, model, key):
    response = changelist(admin_client, model)

    assert shown(response) == {a[key]}
    assert b[key] not in shown(response)


def test_list_filters_do_not_name_other_municipalities(admin_client, a, b):
    for model in ["surveys.participant", "surveys.diaryday", "surveys.survey", "surveys.unit", "surveys.sentemail"]:
        page = changelist(admin_client, model).content.decode()

        assert "Bstad" not in page, model


def test_departments_and_task_categories_are_their_own(admin_client, a, b):
    departments = shown(changelist(admin_client, "surveys.department"))
    categories = shown(changelist(admin_client, "surveys.taskcategory"))

    assert departments == {a["unit"].department}
    assert categories and {category.survey for category in categories} == {a["survey"]}


@pytest.mark.parametrize("key", ["municipality", "survey", "participant", "day", "plan", "item", "email", "event"])
def test_another_municipalitys_change_page_redirects_to_the_admin_index(admin_client, a, b, key):
    response = admin_client.get(change_url(b[key]))

    assert response.status_code == 302
    assert response.url == reverse("admin:index")


def test_own_change_pages_open(admin_client, a):
    for key in ["municipality", "survey", "participant", "day", "plan", "item"]:
        assert admin_client.get(change_url(a[key])).status_code == 200, key


def test_another_municipalitys_item_history_is_forbidden(admin_client, a, b):
    own = admin_client.get(reverse("admin:actionplan_actionitem_history", args=[a["item"].pk]))
    other = admin_client.get(reverse("admin:actionplan_actionitem_history", args=[b["item"].pk]))

    assert own.status_code == 200
    assert other.status_code == 403


def test_another_municipalitys_round_cannot_be_deleted(admin_client, a, b):
    response = admin_client.post(reverse("admin:surveys_survey_delete", args=[b["survey"].pk]), {"post": "yes"})

    assert response.status_code == 302
    assert Survey.objects.filter(pk=b["survey"].pk).exists()


def test_administrator_cannot_add_a_municipality(admin_client):
    assert admin_client.get(reverse("admin:surveys_municipality_add")).status_code == 403


def test_superuser_still_sees_every_municipality(client, superuser, a, b):
    client.force_login(superuser)

    assert shown(changelist(client, "surveys.survey")) == {a["survey"], b["survey"]}
    assert shown(changelist(client, "actionplan.actionitem")) == {a["item"], b["item"]}


# --- Choices and autocomplete --------------------------------------------------------------------


def test_relation_choices_are_the_municipalitys_own(admin_client, a, b):
    participant_form = admin_client.get(reverse("admin:surveys_participant_add")).context["adminform"].form
    survey_page = admin_client.get(reverse("admin:surveys_survey_add"))
    item_form = admin_client.get(reverse("admin:actionplan_actionitem_add")).context["adminform"].form

    assert set(participant_form.fields["survey"].queryset) == {a["survey"]}
    assert set(participant_form.fields["unit"].queryset) == {a["unit"]}
    assert set(survey_page.context["adminform"].form.fields["municipality"].queryset) == {a["municipality"]}
    assert survey_page.context["adminform"].form.initial["municipality"] == a["municipality"].pk
    assert set(item_form.fields["plan"].queryset) == {a["plan"]}
    assert set(item_form.fields["department"].queryset) == {a["unit"].department}


def test_diary_lines_offer_only_the_municipalitys_tasks(admin_client, a, b):
    response = admin_client.get(change_url(a["day"]))
    tasks = response.context["inline_admin_formsets"][0].formset.empty_form.fields["task"].queryset

    assert tasks.exists()
    assert not tasks.filter(survey=b["survey"]).exists()


def test_a_participant_cannot_be_put_in_another_municipalitys_round(admin_client, a, b):
    response = admin_client.post(
        reverse("admin:surveys_participant_add"), {"survey": b["survey"].pk, "number": 12, "_save": "Save"}
    )

    assert response.status_code == 200
    assert "survey" in response.context["adminform"].form.errors
    assert not Participant.objects.filter(number=12).exists()


def autocomplete(client, term: str, field: str = "user") -> set[str]:
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "surveys", "model_name": "participant", "field_name": field, "term": term},
    )
    assert response.status_code == 200
    return {result["text"] for result in response.json()["results"]}


def test_user_autocomplete_offers_the_municipalitys_people_and_new_accounts(admin_client, a, b, newcomer, superuser):
    found = autocomplete(admin_client, "Testsson")

    assert {"alice", "diana", "nyanstalld"} <= found
    assert "erik" not in found
    assert "root" not in found


def test_unit_autocomplete_offers_the_municipalitys_units(admin_client, a, b):
    assert autocomplete(admin_client, "Förskolan", field="unit") == {a["unit"].name}


def test_linking_a_new_account_to_a_participant_makes_it_a_member(admin_client, a, newcomer):
    data = {"survey": a["survey"].pk, "number": 12, "user": newcomer.pk, "unit": a["unit"].pk, "_save": "Save"}
    response = admin_client.post(reverse("admin:surveys_participant_add"), data)

    assert response.status_code == 302
    assert set(newcomer.municipalities.all()) == {a["municipality"]}


# --- Accounts ------------------------------------------------------------------------------------


def test_user_list_holds_the_municipalitys_people_and_new_accounts(admin_client, a, b, newcomer, superuser):
    names = {user.username for user in shown(changelist(admin_client, "auth.user"))}

    assert names == {"alice", "diana", "nyanstalld"}


def test_administrator_adds_a_user_who_joins_their_municipality(admin_client, municipality, django_user_model):
    assert admin_client.get(reverse("admin:auth_user_add")).status_code == 200

    response = admin_client.post(
        reverse("admin:auth_user_add"), {"username": "greta", "usable_password": "false", "_save": "Save"}
    )

    greta = django_user_model.objects.get(username="greta")
    assert response.status_code == 302
    assert response.url == change_url(greta)
    assert set(greta.municipalities.all()) == {municipality}
    assert not greta.has_usable_password()


def test_change_page_offers_the_three_roles_and_hides_what_grants_more(admin_client, manager):
    response = admin_client.get(change_url(manager))
    form = response.context["adminform"].form

    assert response.status_code == 200
    assert set(form.fields["groups"].queryset.values_list("name", flat=True)) == set(roles.ALL_GROUPS)
    assert not {"is_superuser", "user_permissions", "is_staff"} & set(form.fields)


def test_administrator_cannot_make_anyone_a_superuser(admin_client, manager):
    data = form_data(admin_client.get(change_url(manager)))
    data.update({"is_superuser": "on", "is_staff": "on", "first_name": "Alicia", "_save": "Save"})

    response = admin_client.post(change_url(manager), data)

    manager.refresh_from_db()
    assert response.status_code == 302
    assert manager.first_name == "Alicia"  # the post was taken, only without what is not theirs
    assert not manager.is_superuser
    assert not manager.is_staff


def test_administrator_cannot_open_a_superusers_pages(admin_client, superuser, municipality):
    municipality.members.add(superuser)

    change = admin_client.get(change_url(superuser))
    password = admin_client.get(reverse("admin:auth_user_password_change", args=[superuser.pk]))

    assert change.status_code == 302
    assert change.url == reverse("admin:index")
    assert password.status_code == 404


def test_another_municipalitys_user_is_not_found(admin_client, b):
    response = admin_client.get(change_url(b["manager"]))

    assert response.status_code == 302
    assert response.url == reverse("admin:index")


def test_membership_shows_and_offers_only_own_municipalities(admin_client, a, b, manager):
    b["municipality"].members.add(manager)

    formset = admin_client.get(change_url(manager)).context["inline_admin_formsets"][0].formset

    assert [form.instance.municipality for form in formset.forms] == [a["municipality"]]
    assert set(formset.empty_form.fields["municipality"].queryset) == {a["municipality"]}


def test_administrator_removes_a_membership_and_keeps_the_other_municipalitys(admin_client, a, b, manager):
    b["municipality"].members.add(manager)
    data = form_data(admin_client.get(change_url(manager)))
    prefix = next(key for key in data if key.endswith("-0-id")).removesuffix("-0-id")
    data.update({f"{prefix}-0-DELETE": "on", "_save": "Save"})

    response = admin_client.post(change_url(manager), data)

    assert response.status_code == 302
    assert set(manager.municipalities.all()) == {b["municipality"]}


def test_groups_outside_the_roles_stay_when_an_administrator_saves(admin_client, manager):
    other = Group.objects.create(name="Nyhetsbrev")
    manager.groups.add(other)
    data = form_data(admin_client.get(change_url(manager)))
    data["_save"] = "Save"

    admin_client.post(change_url(manager), data)

    assert set(manager.groups.values_list("name", flat=True)) == {roles.MANAGERS, "Nyhetsbrev"}


# --- Records -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("model", "key"), [("surveys.sentemail", "email"), ("surveys.auditevent", "event")])
def test_records_are_read_only(admin_client, a, model, key):
    app_label, model_name = model.split(".")
    record = a[key]

    view = admin_client.get(change_url(record))
    add = admin_client.get(reverse(f"admin:{app_label}_{model_name}_add"))
    change = admin_client.post(change_url(record), {"to": "x@y.se", "detail": "ändrad"})
    delete = admin_client.post(reverse(f"admin:{app_label}_{model_name}_delete", args=[record.pk]), {"post": "yes"})

    assert view.status_code == 200
    assert not view.context["has_change_permission"]
    assert add.status_code == 403
    assert change.status_code == 403
    assert delete.status_code == 403
    assert type(record).objects.filter(pk=record.pk).exists()


def test_membership_column_is_labelled_in_swedish(english_client, administrator, manager):
    english_client.cookies["django_language"] = "sv"
    english_client.force_login(administrator)

    page = english_client.get(change_url(manager)).content.decode()

    assert '<th class="column-municipality required">Kommun' in page


def test_the_admin_participant_list_is_the_pseudonym_key_and_each_view_is_logged(admin_client, administrator, a, b):
    response = admin_client.get(reverse("admin:surveys_participant_changelist"), {"survey__id__exact": a["survey"].pk})
    assert response.status_code == 200
    # A round of another municipality in the filter is not recorded as seen (nor shown).
    admin_client.get(reverse("admin:surveys_participant_changelist"), {"survey__id__exact": b["survey"].pk})

    views = AuditEvent.objects.filter(action=AuditEvent.Action.KEY_VIEWED).order_by("at")
    assert [(event.user, event.survey) for event in views] == [(administrator, a["survey"]), (administrator, None)]
