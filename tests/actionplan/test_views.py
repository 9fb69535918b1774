"""The plan's pages: who may see and change what, the item form, filters, the overview and the task page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from actionplan.models import ActionItem, ActionUpdate
from actionplan.services import ItemInput, item_create, plan_get_or_create
from analysis.labels import task_labels
from analysis.selectors import task_frame
from surveys.models import Municipality, Participant, Survey
from surveys.services import LineInput, diary_save, survey_create

from .conftest import item_post

pytestmark = pytest.mark.django_db


def read_urls(plan, item, survey) -> list[str]:
    return [
        reverse("actionplan:index"),
        reverse("actionplan:plan", args=[plan.pk]),
        reverse("actionplan:board", args=[plan.pk]),
        reverse("actionplan:overview", args=[plan.pk]),
        reverse("actionplan:effect", args=[plan.pk]),
        reverse("actionplan:item", args=[item.pk]),
        reverse("actionplan:task", args=[survey.slug, "invoices"]),
    ]


def edit_urls(plan, item) -> list[str]:
    return [
        f"{reverse('actionplan:item_new')}?plan={plan.pk}",
        reverse("actionplan:item_edit", args=[item.pk]),
    ]


# --- Access ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_is_sent_to_login(english_client, plan, item, survey, method):
    for url in [*read_urls(plan, item, survey), *edit_urls(plan, item)]:
        response = getattr(english_client, method)(url)

        assert response.status_code == 302, url
        assert response.url.startswith(f"{reverse('login')}?next="), url


def test_someone_in_none_of_the_groups_gets_403(english_client, make_user, plan, item, survey):
    english_client.force_login(make_user("outsider"))

    for url in read_urls(plan, item, survey):
        assert english_client.get(url).status_code == 403, url


@pytest.mark.parametrize("who", ["manager", "project_member", "administrator"])
def test_every_group_reads_the_plan(english_client, request, participant, plan, item, survey, who):
    english_client.force_login(request.getfixturevalue(who))

    for url in read_urls(plan, item, survey):
        response = english_client.get(url, follow=True)
        assert response.status_code == 200, url
        assert "Förenkla rutiner" in response.content.decode(), url


@pytest.mark.parametrize("who", ["manager", "project_member"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_managers_and_the_project_group_may_not_change_the_plan(
    english_client, request, participant, plan, item, who, method
):
    english_client.force_login(request.getfixturevalue(who))
    before = list(ActionItem.history.values_list("history_id", flat=True))

    for url in [*edit_urls(plan, item), reverse("actionplan:update_add", args=[item.pk])]:
        response = getattr(english_client, method)(url, item_post(number="9", title="Smuggled"))
        assert response.status_code in (403, 405) if method == "get" else response.status_code == 403, url

    assert list(ActionItem.history.values_list("history_id", flat=True)) == before
    assert ActionItem.objects.count() == 1 and ActionUpdate.objects.count() == 0


@pytest.mark.parametrize("who", ["manager", "project_member"])
def test_managers_and_the_project_group_get_403_on_the_edit_pages(
    english_client, request, participant, plan, item, who
):
    english_client.force_login(request.getfixturevalue(who))

    for url in edit_urls(plan, item):
        assert english_client.get(url).status_code == 403, url
    assert english_client.get(reverse("actionplan:update_add", args=[item.pk])).status_code == 405


def test_read_only_pages_offer_no_edit_buttons_to_others(english_client, project_member, item):
    english_client.force_login(project_member)

    page = english_client.get(reverse("actionplan:item", args=[item.pk])).content.decode()

    assert reverse("actionplan:item_edit", args=[item.pk]) not in page
    assert reverse("actionplan:update_add", args=[item.pk]) not in page


def test_a_manager_of_another_municipality_gets_404(english_client, make_user, plan, item):
    elsewhere = survey_create(
        slug="elsewhere",
        name="Annanstad 2025",
        municipality=Municipality.objects.create(name="Annanstad"),
        start_date=plan.municipality.surveys.get().start_date,
        end_date=plan.municipality.surveys.get().end_date,
    )
    stranger = make_user("erik", "Chefer")
    Participant.objects.create(survey=elsewhere, number=1, user=stranger)
    english_client.force_login(stranger)

    assert english_client.get(reverse("actionplan:plan", args=[plan.pk])).status_code == 404
    assert english_client.get(reverse("actionplan:item", args=[item.pk])).status_code == 404


def _elsewhere(plan) -> Survey:
    """A round of another municipality, Annanstad, on the same dates as the plan's."""
    own = plan.municipality.surveys.get()
    return survey_create(
        slug="elsewhere",
        name="Annanstad 2025",
        municipality=Municipality.objects.create(name="Annanstad"),
        start_date=own.start_date,
        end_date=own.end_date,
    )


@pytest.mark.parametrize("group", ["Projektgrupp", "Administratörer"])
def test_the_staff_of_another_municipality_get_404(english_client, make_user, plan, item, survey, group):
    stranger = make_user("erik", group, municipality=_elsewhere(plan).municipality)
    english_client.force_login(stranger)

    for url in read_urls(plan, item, survey)[1:]:  # the index is everyone's; it lists no plan here
        assert english_client.get(url).status_code == 404, url
    assert list(english_client.get(reverse("actionplan:index")).context["plans"]) == []


def test_a_manager_reads_the_plan_of_a_round_they_take_part_in_without_being_a_member(
    english_client, make_user, plan, item, survey
):
    enrolled = make_user("erik", "Chefer")
    Participant.objects.create(survey=survey, number=1, user=enrolled)
    english_client.force_login(enrolled)

    for url in read_urls(plan, item, survey):
        assert english_client.get(url, follow=True).status_code == 200, url


def test_an_administrator_taking_part_elsewhere_reads_that_plan_but_does_not_change_it(
    english_client, make_user, plan, item, survey
):
    """Taking part in a round as a manager shows its plan; changing it needs membership."""
    both = make_user("erik", "Administratörer", municipality=_elsewhere(plan).municipality)
    both.groups.add(*Group.objects.filter(name="Chefer"))
    Participant.objects.create(survey=survey, number=1, user=both)
    english_client.force_login(both)

    page = english_client.get(reverse("actionplan:item", args=[item.pk]))
    assert page.status_code == 200
    assert reverse("actionplan:item_edit", args=[item.pk]) not in page.content.decode()
    for url in edit_urls(plan, item):
        assert english_client.get(url).status_code == 404, url
    assert english_client.post(edit_urls(plan, item)[1], item_post(title="Smuggled")).status_code == 404
    update = english_client.post(reverse("actionplan:update_add", args=[item.pk]), {"text": "Smuggled"})
    assert update.status_code == 404
    item.refresh_from_db()
    assert item.title == "Förenkla rutiner" and ActionUpdate.objects.count() == 0


def test_the_menu_shows_the_plan_to_the_groups_only(english_client, make_user, manager, participant, plan):
    link = f'href="{reverse("actionplan:index")}"'
    english_client.force_login(manager)
    assert link in english_client.get(reverse("home")).content.decode()

    english_client.force_login(make_user("outsider"))
    assert link not in english_client.get(reverse("home")).content.decode()


# --- Creating and editing ----------------------------------------------------------------------------


def test_an_administrator_adds_an_item_and_the_history_says_who(english_client, administrator, plan, survey):
    english_client.force_login(administrator)

    response = english_client.post(f"{reverse('actionplan:item_new')}?plan={plan.pk}", item_post(survey=str(survey.pk)))

    item = ActionItem.objects.get()
    assert response.status_code == 302 and response.url == reverse("actionplan:item", args=[item.pk])
    assert (item.title, item.status, item.tasks, item.survey) == (
        "Förenkla rutiner för attest av fakturor", "planned", "invoices", survey
    )  # fmt: skip
    assert item.history.get().history_user == administrator


def test_the_form_for_a_ranking_row_is_filled_in_for_its_task_and_round(
    english_client, administrator, plan, survey, make_item
):
    make_item(1)
    make_item(2)
    english_client.force_login(administrator)

    response = english_client.get(reverse("actionplan:item_new"), {"task": "invoices", "survey": survey.slug})

    form = response.context["form"]
    assert form["tasks"].value() == ["invoices"]
    assert form["survey"].value() == survey.pk
    assert form["number"].value() == 3
    assert form["area"].value() == "finance"  # the task's support area
    assert "For the task “Finance: invoice handling” in Nollmätning 2025." in response.content.decode()


def test_the_first_item_from_a_ranking_row_starts_the_plan(english_client, administrator, survey):
    english_client.force_login(administrator)
    url = f"{reverse('actionplan:item_new')}?task=invoices&survey={survey.slug}"

    response = english_client.post(url, item_post(survey=str(survey.pk)))

    item = ActionItem.objects.get()
    assert response.status_code == 302
    assert item.plan.municipality == survey.municipality


def ranking_cell(rf, user, survey, code: str) -> str:
    """The action plan's cell of one friction-ranking row, as the dashboard includes it."""
    request = rf.get("/")
    request.user = user
    row = {"task": code, "display": code}
    return render_to_string("analysis/_ranking_row_actions.html", {"survey": survey, "row": row}, request=request)


def test_a_ranking_row_counts_the_items_addressing_its_task(rf, plan, survey, make_item, project_member):
    make_item(1, tasks=["invoices", "budget"])
    make_item(2, tasks=["invoices"])
    make_item(3, tasks=["budget"])
    make_item(4, tasks=["invoices"], status="dropped")
    # Another municipality's plan is not this round's.
    annanstad = Municipality.objects.create(name="Annanstad")
    survey_create(
        slug="annan", name="Annan", municipality=annanstad,
        start_date=dt.date(2025, 3, 3), end_date=dt.date(2025, 3, 7),
    )  # fmt: skip
    elsewhere = ItemInput(number=1, title="Annat", owner_level="central", area="finance", tasks=["invoices"])
    item_create(plan=plan_get_or_create(municipality=annanstad), data=elsewhere)

    invoices = ranking_cell(rf, project_member, survey, "invoices")
    purchasing = ranking_cell(rf, project_member, survey, "purchasing")

    assert "3 actions" in invoices
    assert reverse("actionplan:task", args=[survey.slug, "invoices"]) in invoices
    assert "No actions" in purchasing
    assert "New action" not in invoices  # the project group reads the plan only


def test_administrators_start_a_new_action_from_a_ranking_row(rf, plan, survey, administrator):
    cell = ranking_cell(rf, administrator, survey, "invoices")

    assert "New action" in cell
    assert f"{reverse('actionplan:item_new')}?task=invoices&amp;survey={survey.slug}" in cell


def test_the_dashboard_s_action_plan_column_costs_one_query_when_warm(
    english_client, plan, survey, make_item, project_member, django_assert_max_num_queries
):
    invoices = survey.tasks.get(code="invoices")
    for number in (1, 2, 3):  # enough managers for the ranking to be shown
        diary_save(
            participant=Participant.objects.create(survey=survey, number=number),
            date=survey.start_date,
            lines=[LineInput(task=invoices, minutes=[60], value=3, function=2)],
            submit=True,
        )
    make_item(1, tasks=["invoices"])
    english_client.force_login(project_member)
    url = reverse("analysis:dashboard", args=[survey.slug])
    english_client.get(reverse("analysis:index"))  # the session's once-a-minute renewal is no page's own cost
    # On PostgreSQL the per-manager sums run with their own work_mem and without JIT: SET LOCAL in a
    # transaction of their own (analysis.introws.large_statements), inside the test's transaction
    # a savepoint and its release, 3 statements that SQLite does not run.
    with django_assert_max_num_queries(16 + (3 if connection.vendor == "postgresql" else 0)):
        assert 'data-testid="actions-invoices"' in english_client.get(url).content.decode()
    # Warm: the analysis's own six (tests/analysis/test_without_actionplan.py) and the action plan's
    # counts per task (the ranking's last column); the figures come from the cache.
    with django_assert_max_num_queries(7):
        assert "1 action<" in english_client.get(url).content.decode()


def test_a_due_date_before_the_start_is_named_as_its_field_is_labelled(client, administrator, plan):
    client.force_login(administrator)  # Swedish pages

    response = client.post(
        f"{reverse('actionplan:item_new')}?plan={plan.pk}",
        item_post(start_date="2025-03-10", due_date="2025-03-01"),
    )

    form = response.context["form"]
    assert (str(form.fields["start_date"].label), str(form.fields["due_date"].label)) == ("Start", "Klart senast")
    assert form.errors["due_date"] == ["”Klart senast” kan inte vara före ”Start”."]
    assert "Slutdatum" not in response.content.decode()


def test_a_done_date_before_the_start_is_refused_naming_both_fields_and_nothing_is_saved(client, administrator, plan):
    client.force_login(administrator)  # Swedish pages, as the form labels the fields

    response = client.post(
        f"{reverse('actionplan:item_new')}?plan={plan.pk}",
        item_post(status="done", start_date="2025-06-01", due_date="2025-06-30", done_on="2025-02-01"),
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert (str(form.fields["done_on"].label), str(form.fields["start_date"].label)) == ("Klar den", "Start")
    assert form.errors["done_on"] == ["”Klar den” (1 februari 2025) kan inte vara före ”Start” (1 juni 2025)."]
    page = response.content.decode()
    assert 'value="2025-02-01"' in page and 'value="2025-06-01"' in page
    assert ActionItem.objects.count() == 0


def test_editing_a_done_date_before_the_start_changes_nothing(english_client, administrator, make_item):
    item = make_item(1, status="done", start_date=dt.date(2025, 6, 1), done_on=dt.date(2025, 9, 1), tasks=["invoices"])
    english_client.force_login(administrator)

    response = english_client.post(
        reverse("actionplan:item_edit", args=[item.pk]),
        item_post(status="done", start_date="2025-06-01", due_date="2025-06-30", done_on="2025-02-01"),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["done_on"] == [
        "“Done on” (1 February 2025) cannot be before “Start” (1 June 2025)."
    ]
    item.refresh_from_db()
    assert (item.done_on, item.version, item.history.count()) == (dt.date(2025, 9, 1), 1, 1)


def test_bad_input_is_shown_with_the_values_kept(english_client, administrator, plan, make_item):
    make_item(1)
    english_client.force_login(administrator)

    response = english_client.post(
        f"{reverse('actionplan:item_new')}?plan={plan.pk}",
        item_post(owner_level="department", due_date="2025-03-01", title="Min titel"),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was saved. Please correct:" in page
    assert "Number 1 is already used in this plan; the next free number is 2." in page
    assert "A departmental item needs its owning department." in page
    assert "“Due” cannot be before “Start”." in page
    assert 'value="Min titel"' in page
    assert ActionItem.objects.count() == 1


def test_an_administrator_edits_and_the_item_page_shows_who_changed_what(english_client, administrator, item):
    english_client.force_login(administrator)

    english_client.post(
        reverse("actionplan:item_edit", args=[item.pk]),
        item_post(title="Förenkla rutiner", status="in_progress", tasks=["invoices", "budget"], due_date="2025-09-30"),
    )

    page = english_client.get(reverse("actionplan:item", args=[item.pk])).content.decode()
    history = re.sub(r"\s+", " ", page.split('data-testid="history"')[1])
    history = re.sub(r"</?span[^>]*>", "", history)
    assert "Diana Testsson" in history
    assert "Status: <del>Planned</del> → <ins>In progress</ins>" in history
    assert "Tasks addressed: <del>invoices</del> → <ins>invoices budget</ins>" in history
    assert "Due: <del>–</del> → <ins>30 September 2025</ins>" in history  # as the details read dates
    assert "Created the item." in history


def test_a_progress_update_moves_the_item_and_is_listed(english_client, administrator, item):
    english_client.force_login(administrator)

    response = english_client.post(
        reverse("actionplan:update_add", args=[item.pk]),
        {"text": "Workshop hållen.", "status": "in_progress", "version": item.version},
    )

    item.refresh_from_db()
    assert response.status_code == 302 and item.status == "in_progress"
    page = english_client.get(reverse("actionplan:item", args=[item.pk])).content.decode()
    updates = page.split('data-testid="updates"')[1].split("</ol>")[0]
    assert "Workshop hållen." in updates and "moved to" in updates and "In progress" in updates


def test_a_progress_update_that_would_make_the_item_done_before_its_start_is_refused(
    english_client, administrator, make_item
):
    later = timezone.localdate() + dt.timedelta(days=30)
    item = make_item(2, status="in_progress", start_date=later)
    english_client.force_login(administrator)

    response = english_client.post(
        reverse("actionplan:update_add", args=[item.pk]),
        {"text": "Klart!", "status": "done", "version": item.version},
    )

    assert response.status_code == 400
    assert "cannot be before “Start”" in response.content.decode()
    item.refresh_from_db()
    assert item.status == "in_progress" and ActionUpdate.objects.count() == 0


def test_an_empty_progress_update_is_refused(english_client, administrator, item):
    english_client.force_login(administrator)

    response = english_client.post(reverse("actionplan:update_add", args=[item.pk]), {"text": "", "status": ""})

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert ActionUpdate.objects.count() == 0


# --- Reading -----------------------------------------------------------------------------------------


@pytest.fixture
def mixed(make_item, department):
    make_item(1, title="Central IT", area="it", status="done", tasks=["it-services"])
    make_item(
        2, title="Förvaltningens HR", owner_level="department", department=department, area="hr", status="planned"
    )
    make_item(3, title="Försenad", area="finance", status="in_progress", due_date=dt.date(2020, 1, 1))
    make_item(4, title="Avbruten", area="operations", status="dropped", tasks=["invoices"])


def titles(response) -> list[str]:
    return [item.title for item in response.context["items"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["Central IT", "Förvaltningens HR", "Försenad", "Avbruten"]),
        ({"owner_level": "department"}, ["Förvaltningens HR"]),
        ({"area": "it"}, ["Central IT"]),
        ({"status": "dropped"}, ["Avbruten"]),
        ({"overdue": "on"}, ["Försenad"]),
        ({"task": "invoices"}, ["Avbruten"]),
    ],
)
def test_the_table_filters_the_items(english_client, project_member, plan, mixed, query, expected):
    english_client.force_login(project_member)

    assert titles(english_client.get(reverse("actionplan:plan", args=[plan.pk]), query)) == expected


def test_the_table_filters_by_department(english_client, project_member, plan, mixed, department):
    english_client.force_login(project_member)

    response = english_client.get(reverse("actionplan:plan", args=[plan.pk]), {"department": department.pk})

    assert titles(response) == ["Förvaltningens HR"]


def test_the_board_has_a_column_per_status(english_client, manager, participant, plan, mixed):
    english_client.force_login(manager)

    columns = english_client.get(reverse("actionplan:board", args=[plan.pk])).context["columns"]

    assert [(status.value, [item.number for item in items]) for status, items in columns] == [
        ("proposed", []),
        ("planned", [2]),
        ("in_progress", [3]),
        ("done", [1]),
        ("dropped", [4]),
    ]


def test_the_overview_counts_items_by_status_owner_level_and_area(english_client, project_member, plan, mixed):
    english_client.force_login(project_member)

    response = english_client.get(reverse("actionplan:overview", args=[plan.pk]))

    ctx = response.context
    assert [(str(row["label"]), row["counts"]) for row in ctx["level_rows"]] == [
        ("Central", [0, 0, 1, 1, 1]),
        ("Department", [0, 1, 0, 0, 0]),
    ]
    assert [row["total"] for row in ctx["area_rows"]] == [1, 1, 1, 1]
    assert ctx["counts"]["share_done"] == pytest.approx(1 / 3)  # the dropped item does not count
    assert [item.title for item in ctx["counts"]["overdue"]] == ["Försenad"]
    page = response.content.decode()
    src = reverse("actionplan:overview_chart", args=[plan.pk])
    assert f'<img src="{src}" alt="Items per support area, by status"' in page and "The chart as a table" in page
    chart = english_client.get(src)
    assert chart.status_code == 200 and chart["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert chart.content.startswith(b"<svg ") and b"<style" not in chart.content


def test_the_task_page_lists_the_actions_addressing_it(english_client, administrator, survey, mixed):
    english_client.force_login(administrator)

    response = english_client.get(reverse("actionplan:task", args=[survey.slug, "invoices"]))

    assert [item.title for item in response.context["items"]] == ["Avbruten"]
    page = response.content.decode()
    assert f"{reverse('actionplan:item_new')}?task=invoices&amp;survey={survey.slug}" in page


def test_the_task_page_names_the_tasks_category_in_the_readers_language(english_client, administrator, survey):
    invoices = survey.tasks.select_related("category").get(code="invoices")
    english_client.force_login(administrator)

    page = english_client.get(reverse("actionplan:task", args=[survey.slug, "invoices"])).content.decode()

    assert invoices.category.name_en and invoices.category.name_en != invoices.category.name
    assert f"{invoices.category.name_en} · Finance" in page
    assert invoices.category.name not in page


def test_an_unknown_task_or_round_gets_404(english_client, administrator, survey):
    english_client.force_login(administrator)

    assert english_client.get(reverse("actionplan:task", args=[survey.slug, "lunch"])).status_code == 404
    assert english_client.get(reverse("actionplan:task", args=["no-round", "invoices"])).status_code == 404


def test_the_plan_table_takes_a_fixed_number_of_queries(
    english_client, project_member, plan, mixed, make_item, django_assert_max_num_queries
):
    english_client.force_login(project_member)
    english_client.get(reverse("actionplan:plan", args=[plan.pk]))
    for number in range(5, 25):
        make_item(number, area="it")

    with django_assert_max_num_queries(12):
        english_client.get(reverse("actionplan:plan", args=[plan.pk]))


def test_a_draft_round_is_not_compared(english_client, plan, survey):
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.DRAFT)

    from actionplan.selectors import rounds_of

    assert rounds_of(municipality=plan.municipality) == []


# --- Tasks that share a label -------------------------------------------------------------------------

OTHER_TASKS = ("direct-other", "indirect-other", "other")  # all "Other (specify)" in the default template


def other_names(survey) -> dict[str, str]:
    """By the dashboard's rule: the shared label, then the first two words of the task's category."""
    tasks = survey.tasks.select_related("category").filter(code__in=OTHER_TASKS)
    return {task.code: f"{task.label_en}, {' '.join(task.category.name_en.split()[:2]).lower()}" for task in tasks}


def test_tasks_that_share_a_label_are_told_apart_by_their_category_in_the_filter(
    english_client, project_member, plan, survey
):
    english_client.force_login(project_member)

    response = english_client.get(reverse("actionplan:plan", args=[plan.pk]))

    choices = dict(response.context["form"].fields["task"].choices)
    names = other_names(survey)
    assert {code: choices[code] for code in OTHER_TASKS} == names
    assert len(set(names.values())) == len(OTHER_TASKS)
    page = response.content.decode()
    assert all(f">{name}</option>" in page for name in names.values())


def test_the_plan_names_tasks_as_the_dashboard_does(english_client, administrator, plan, survey, make_item):
    english_client.force_login(administrator)
    dashboard = task_labels(task_frame(survey=survey).to_dict("records"), "en")
    item = make_item(2, tasks=["indirect-other"])

    form = english_client.get(reverse("actionplan:item_edit", args=[item.pk])).context["form"]
    item_page = english_client.get(reverse("actionplan:item", args=[item.pk])).content.decode()
    task_page = english_client.get(reverse("actionplan:task", args=[survey.slug, "indirect-other"]))

    assert dict(form.fields["tasks"].choices)["indirect-other"] == f"{dashboard['indirect-other']} (indirect-other)"
    assert dashboard["indirect-other"] in item_page
    assert task_page.context["label"] == dashboard["indirect-other"]
