"""The Django admin for administrators: it works, and only with their own municipality.

Two municipalities share the installation: A (the cast's `municipality`, with `administrator` diana)
and B, whose round, people, days and plan diana must never see or change."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils.functional import Promise

from actionplan.services import ItemInput, item_create, plan_get_or_create
from surveys import roles
from surveys.models import AuditEvent, Department, DiaryDay, Municipality, Participant, SentEmail, Survey, Unit
from surveys.services import LineInput, diary_save, survey_create

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2025, 3, 3)


# --- The two municipalities ----------------------------------------------------------------------


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


def test_a_short_name_taken_by_another_municipality_says_the_installation_is_shared(admin_client, a, b):
    page = admin_client.get(reverse("admin:surveys_survey_add"))
    data = {**form_data(page), "name": "Vår mätning", "slug": b["survey"].slug, "_save": "Save"}
    data.update(start_date="2025-03-03", end_date="2025-03-07")

    response = admin_client.post(reverse("admin:surveys_survey_add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["slug"] == [
        "This short name is taken in the installation, which several municipalities share. Choose another, for "
        "instance with your municipality's name in it."
    ]
    assert "Bstad" not in response.content.decode()
    assert not Survey.objects.filter(name="Vår mätning").exists()


def test_a_new_round_takes_its_reminder_settings(admin_client, a, b):
    # The README has the administrator set them when creating the round; the form did not offer them.
    page = admin_client.get(reverse("admin:surveys_survey_add"))
    data = {**form_data(page), "name": "Vår mätning", "slug": "a-var-2026", "_save": "Save"}
    data.update(start_date="2026-03-02", end_date="2026-03-13", reminder_interval_days="3", max_reminders="1")

    response = admin_client.post(reverse("admin:surveys_survey_add"), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    survey = Survey.objects.get(slug="a-var-2026")
    assert (survey.reminder_interval_days, survey.max_reminders) == (3, 1)


def test_a_round_is_opened_and_closed_on_its_page_not_in_the_admin(admin_client, a, b):
    # Closing through the admin's status box set no closing time, so unlink_people never unlinked the
    # round's people, and wrote no audit event; the round page's buttons do both.
    survey = a["survey"]
    survey.unlink_after_months = 1
    survey.save()
    page = admin_client.get(reverse("admin:surveys_survey_change", args=[survey.pk]))
    data = {**form_data(page), "status": Survey.Status.CLOSED, "_save": "Save"}

    response = admin_client.post(reverse("admin:surveys_survey_change", args=[survey.pk]), data)

    assert response.status_code == 302
    survey.refresh_from_db()
    assert survey.status == Survey.Status.OPEN
    assert "status" not in admin_client.get(reverse("admin:surveys_survey_add")).context["adminform"].form.fields


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


# --- Diary days: shown here, changed on the keying page ------------------------------------------

TUESDAY = MONDAY + dt.timedelta(days=1)


@pytest.fixture
def keyed_day(a):
    """Manager 7's Tuesday: invoices 60 minutes in hour 1 and 15 in hour 8, planning 30 in hour 2."""
    tasks = {task.code: task for task in a["survey"].tasks.all()}
    return diary_save(
        participant=a["participant"],
        date=TUESDAY,
        lines=[
            LineInput(task=tasks["invoices"], minutes=[60, 0, 0, 0, 0, 0, 0, 15], value=2, function=1),
            LineInput(task=tasks["planning"], minutes=[0, 30, 0, 0, 0, 0, 0, 0], value=4, function=4),
        ],
        submit=True,
    )


def stored(day: DiaryDay) -> tuple:
    day.refresh_from_db()
    return day.status, day.minutes, sorted(day.lines.values_list("task__code", "h1", "h2", "h8", "value", "function"))


@pytest.fixture(params=["administrator", "superuser"])
def anyone_client(request, administrator, superuser, municipality, english_client):
    if request.param == "administrator":
        municipality.members.add(administrator)
        english_client.force_login(administrator)
    else:
        english_client.force_login(superuser)
    return english_client


def test_nobody_adds_a_diary_day_in_the_admin(anyone_client):
    assert anyone_client.get(reverse("admin:surveys_diaryday_add")).status_code == 403
    assert anyone_client.post(reverse("admin:surveys_diaryday_add"), {"date": TUESDAY}).status_code == 403


def test_a_post_to_a_diary_days_change_page_changes_nothing(anyone_client, keyed_day):
    before = stored(keyed_day)
    # 60 + 60 minutes in hour 1 is what the admin's own form once took.
    line = keyed_day.lines.get(task__code="planning")
    data = {
        "participant": keyed_day.participant_id,
        "date": TUESDAY.isoformat(),
        "status": DiaryDay.Status.DRAFT,
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "2",
        "lines-0-id": line.pk,
        "lines-0-day": keyed_day.pk,
        "lines-0-task": line.task_id,
        "lines-0-h1": "60",
        "_save": "Save",
    }

    response = anyone_client.post(change_url(keyed_day), data)

    assert response.status_code == 403
    assert stored(keyed_day) == before


def test_a_diary_days_page_is_read_only_and_links_to_the_keying_page(anyone_client, keyed_day):
    response = anyone_client.get(change_url(keyed_day))
    page = response.content.decode()

    key_url = reverse("surveys:key_day", args=["test-round", 7, TUESDAY.isoformat()])
    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    assert f'<a class="button" href="{key_url}">Change on the keying page</a>' in page
    assert 'name="_save"' not in page
    assert "Manager no. 7 · Nollmätning 2025 2025-03-04" in page  # the heading names the round


def test_a_diary_day_may_still_be_deleted_and_the_rounds_figures_are_refreshed(admin_client, keyed_day):
    version = Survey.objects.get(pk=keyed_day.participant.survey_id).data_version

    response = admin_client.post(reverse("admin:surveys_diaryday_delete", args=[keyed_day.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not DiaryDay.objects.filter(pk=keyed_day.pk).exists()
    assert Survey.objects.get(pk=keyed_day.participant.survey_id).data_version == version + 1


def lines_table(page: str) -> tuple[list[str], list[list[str]], list[str]]:
    """The diary day page's grid: headings, body rows and the totals row, as text."""
    table = page.split('<table class="diary-lines">', 1)[1].split("</table>", 1)[0]

    def cells(html: str) -> list[str]:
        return re.findall(r"<t[hd](?: [^>]*)?>(.*?)</t[hd]>", html)

    head, rest = table.split("</thead>", 1)
    body, foot = rest.split("</tbody>", 1)
    return cells(head), [cells(row) for row in body.split("</tr>")[:-1]], cells(foot)


def test_a_diary_day_shows_the_rounds_hours_by_clock_time_and_its_totals(admin_client, keyed_day):
    headings, rows, totals = lines_table(admin_client.get(change_url(keyed_day)).content.decode())

    hours = ["08–09", "09–10", "10–11", "11–12", "12–13", "13–14", "14–15", "15–16"]
    assert headings == ["Task", *hours, "Minutes", "Value (1–4)", "Function (1–4)", "Specify"]
    by_task = {row[0]: row[1:] for row in rows}
    assert by_task["Finance: invoice handling"][:10] == ["60", "0", "0", "0", "0", "0", "0", "15", "75", "2"]
    assert totals[:10] == ["All tasks", "60", "30", "0", "0", "0", "0", "0", "15", "105"]


def test_a_round_starting_at_seven_heads_its_hours_from_07(admin_client, a, keyed_day):
    Survey.objects.filter(pk=a["survey"].pk).update(first_hour=7, hours_per_day=6)

    headings, rows, _totals = lines_table(admin_client.get(change_url(keyed_day)).content.decode())

    assert headings[1:7] == ["07–08", "08–09", "09–10", "10–11", "11–12", "12–13"]
    assert headings[7] == "Minutes"  # six hour columns, no more


# --- Participants are named with their round -----------------------------------------------------


@pytest.fixture
def two_number_sevens(a, b):
    """B's round gets a manager no. 7 too."""
    b["participant"].number = 7
    b["participant"].save()
    return a["participant"], b["participant"]


def test_participant_choices_name_the_round(english_client, superuser, two_number_sevens):
    english_client.force_login(superuser)

    for model in ["sentemail", "auditevent"]:
        field = (
            english_client.get(reverse(f"admin:surveys_{model}_add")).context["adminform"].form.fields["participant"]
        )
        labels = {label for _value, label in field.choices}

        assert {"Manager no. 7 · Nollmätning 2025", "Manager no. 7 · Bstads mätning"} <= labels, model


def test_lists_and_read_only_pages_name_the_participants_round(admin_client, a):
    # Audit events are append-only: a new one names the participant.
    event = AuditEvent.objects.create(
        action=AuditEvent.Action.DAY_REOPENED, municipality=a["survey"].municipality, participant=a["participant"]
    )

    for page in [
        changelist(admin_client, "surveys.diaryday"),
        changelist(admin_client, "surveys.sentemail"),
        admin_client.get(change_url(a["email"])),
        admin_client.get(change_url(event)),
    ]:
        assert "Manager no. 7 · Nollmätning 2025" in page.content.decode()


def test_participant_stays_manager_no_7_elsewhere(a):
    assert str(a["participant"]) == "Manager no. 7"


def test_the_rounds_list_shows_its_working_hours(admin_client, a):
    Survey.objects.filter(pk=a["survey"].pk).update(first_hour=7, hours_per_day=9)

    assert '<td class="field-working_hours">07–16</td>' in changelist(admin_client, "surveys.survey").content.decode()


# --- Every label is translated -------------------------------------------------------------------


def own_models():
    return [
        model
        for app in ["surveys", "actionplan"]
        for model in apps.get_app_config(app).get_models()
        if not model.__name__.startswith("Historical")  # simple_history's copies, labelled by it
    ]


@pytest.mark.parametrize("model", own_models(), ids=lambda model: model.__name__)
def test_every_field_has_a_label_for_translation(model):
    untranslated = [
        field.name
        for field in model._meta.get_fields()
        if field.concrete and not field.auto_created and not isinstance(field._verbose_name, Promise)
    ]

    assert untranslated == []
    assert isinstance(model._meta.verbose_name, Promise)
    assert isinstance(model._meta.verbose_name_plural, Promise)


def test_every_admin_column_and_heading_is_labelled_for_translation():
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in {"surveys", "actionplan"}:
            continue
        names = [name for name in [*model_admin.list_display, *model_admin.readonly_fields] if name != "__str__"]
        for name in names:
            method = getattr(model_admin, name, None)
            if callable(method):
                assert isinstance(method.short_description, Promise), (model, name)
            else:
                field = get_fields_from_path(model, name)[-1]
                assert isinstance(field.verbose_name, Promise), (model, name)
        for title, _options in model_admin.fieldsets or []:
            assert title is None or isinstance(title, Promise), (model, title)


def test_the_admin_speaks_swedish(english_client, administrator, a, keyed_day):
    english_client.cookies["django_language"] = "sv"
    english_client.force_login(administrator)

    participant = english_client.get(change_url(a["participant"])).content.decode()
    day = english_client.get(change_url(keyed_day)).content.decode()

    assert "<label>Mätomgång:</label>" in participant  # read-only: the participant has a diary day
    assert ">Survey:<" not in participant
    assert "<label>Deltagare:</label>" in day
    assert "Chef nr 7 · Nollmätning 2025" in day


def test_moving_a_participant_or_a_unit_refreshes_the_rounds_figures(admin_client, survey, participant, department):
    # Cached figures per department and unit are keyed by the round's data version.
    other_department = Department.objects.create(municipality=survey.municipality, name="Socialförvaltningen")
    other_unit = Unit.objects.create(department=department, name="Förskolan Vitsippan")
    version = Survey.objects.get(pk=survey.pk).data_version

    moved = admin_client.post(
        reverse("admin:surveys_participant_change", args=[participant.pk]),
        {"survey": survey.pk, "number": 7, "user": participant.user_id, "unit": other_unit.pk},
    )
    assert moved.status_code == 302
    assert Survey.objects.get(pk=survey.pk).data_version == version + 1

    reorganised = admin_client.post(
        reverse("admin:surveys_unit_change", args=[other_unit.pk]),
        {"department": other_department.pk, "name": other_unit.name},
    )
    assert reorganised.status_code == 302
    assert Survey.objects.get(pk=survey.pk).data_version == version + 2


def test_a_participant_with_diary_days_keeps_round_and_number_in_the_admin(admin_client, survey, participant):
    other = survey_create(
        slug="other-round",
        name="Uppföljning 2025",
        municipality=survey.municipality,
        start_date=dt.date(2025, 9, 1),
        end_date=dt.date(2025, 9, 5),
    )
    DiaryDay.objects.create(participant=participant, date=MONDAY)

    response = admin_client.post(
        reverse("admin:surveys_participant_change", args=[participant.pk]),
        {"survey": other.pk, "number": 70, "user": participant.user_id, "unit": participant.unit_id},
    )

    assert response.status_code == 302
    participant.refresh_from_db()
    # Number 7 of the test round, as its days and the other rounds' number 7 expect.
    assert (participant.survey, participant.number) == (survey, 7)


# --- A follow-up from an earlier round ------------------------------------------------------------


def edited_tasks(survey: Survey) -> list[tuple]:
    return list(
        survey.tasks.order_by("order").values_list(
            "category__name", "category__name_en", "category__order", "code", "label", "label_en", "area", "order"
        )
    )


@pytest.fixture
def edited_baseline(a):
    """A's round with its tasks edited as a municipality does: a row renamed, one added, one removed."""
    survey = a["survey"]
    survey.hourly_cost, survey.working_days_per_year, survey.first_hour = 520, 205, 7
    survey.reminder_interval_days, survey.max_reminders, survey.unlink_after_months = 4, 2, 18
    survey.save()
    first = survey.tasks.order_by("order").first()
    first.label = "Attestera fakturor i Proceedo"
    first.save()
    category = survey.categories.order_by("order").last()
    category.tasks.create(survey=survey, code="proceedo", label="Proceedo-inloggning", area=first.area, order=99)
    survey.tasks.order_by("order")[1].delete()
    return survey


def test_a_new_round_from_an_earlier_one_starts_with_its_settings_and_takes_its_tasks(
    admin_client, a, edited_baseline, b
):
    from analysis.paired import check_comparable

    page = admin_client.get(reverse("admin:surveys_survey_add"), {"copy_from": edited_baseline.pk})
    form = page.context["adminform"].form
    assert {name: form.initial[name] for name in ["hourly_cost", "working_days_per_year", "first_hour"]} == {
        "hourly_cost": 520,
        "working_days_per_year": 205,
        "first_hour": 7,
    }
    assert (form.initial["reminder_interval_days"], form.initial["max_reminders"]) == (4, 2)
    assert form.initial["unlink_after_months"] == 18
    assert form.initial["copy_from"] == edited_baseline.pk
    assert set(form.fields["copy_from"].queryset) == {edited_baseline}  # not B's round
    data = {**form_data(page), "name": "Uppföljning 2026", "slug": "a-uppfoljning-2026", "_save": "Save"}
    data.update(start_date="2026-03-02", end_date="2026-03-13")

    response = admin_client.post(reverse("admin:surveys_survey_add"), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    followup = Survey.objects.get(slug="a-uppfoljning-2026")
    assert (followup.hourly_cost, followup.working_days_per_year, followup.first_hour) == (520, 205, 7)
    assert (followup.status, followup.municipality) == (Survey.Status.DRAFT, a["municipality"])
    assert edited_tasks(followup) == edited_tasks(edited_baseline)
    assert followup.tasks.get(code="proceedo").category.survey == followup
    check_comparable(baseline=edited_baseline, followup=followup)  # raises NotComparable otherwise


def test_a_new_round_without_an_earlier_one_gets_the_paper_forms_rows(admin_client, edited_baseline, b):
    from surveys.defaults import DEFAULT_TEMPLATE

    page = admin_client.get(reverse("admin:surveys_survey_add"))
    assert page.context["adminform"].form.initial.get("copy_from") is None
    data = {**form_data(page), "name": "Ny", "slug": "a-ny", "_save": "Save"}
    data.update(start_date="2026-03-02", end_date="2026-03-13")

    assert admin_client.post(reverse("admin:surveys_survey_add"), data).status_code == 302

    codes = list(Survey.objects.get(slug="a-ny").tasks.order_by("order").values_list("code", flat=True))
    assert codes == [task.code for category in DEFAULT_TEMPLATE for task in category.tasks]


@pytest.mark.parametrize("value", ["abc", "", "99999", "١"])
def test_a_copy_from_that_is_no_visible_round_is_ignored(admin_client, a, value):
    page = admin_client.get(reverse("admin:surveys_survey_add"), {"copy_from": value})

    assert page.status_code == 200
    assert page.context["adminform"].form.initial.get("copy_from") is None


def test_another_municipalitys_round_cannot_be_copied(admin_client, a, b):
    page = admin_client.get(reverse("admin:surveys_survey_add"), {"copy_from": b["survey"].pk})
    assert page.context["adminform"].form.initial.get("copy_from") is None
    data = {**form_data(page), "name": "Ny", "slug": "a-ny", "copy_from": b["survey"].pk, "_save": "Save"}
    data.update(start_date="2026-03-02", end_date="2026-03-13")

    response = admin_client.post(reverse("admin:surveys_survey_add"), data)

    assert response.status_code == 200
    assert "copy_from" in response.context["adminform"].form.errors
    assert not Survey.objects.filter(slug="a-ny").exists()


def test_the_round_pages_link_to_a_new_round_and_to_one_from_this_round(admin_client, a):
    survey = a["survey"]
    add = reverse("admin:surveys_survey_add")

    rounds = admin_client.get(reverse("surveys:rounds")).content.decode()
    page = admin_client.get(reverse("surveys:round", args=[survey.slug])).content.decode()

    assert f'href="{add}"' in rounds
    assert f'href="{add}?copy_from={survey.pk}"' in page


def test_the_round_page_links_to_its_tasks_and_settings_in_the_admin(admin_client, a):
    # A follow-up takes the baseline's tasks "as you edited them": the round's page is where an administrator
    # looks for where to edit them, and the admin's change form is the only place that can.
    survey = a["survey"]
    change = reverse("admin:surveys_survey_change", args=[survey.pk])

    page = admin_client.get(reverse("surveys:round", args=[survey.slug])).content.decode()

    assert f'href="{change}"' in page
    assert admin_client.get(change).status_code == 200


def test_the_project_group_gets_no_link_to_new_rounds(client, a, project_member):
    client.force_login(project_member)

    page = client.get(reverse("surveys:round", args=[a["survey"].slug])).content.decode()

    assert reverse("admin:surveys_survey_add") not in page
    assert reverse("admin:surveys_survey_change", args=[a["survey"].pk]) not in page
