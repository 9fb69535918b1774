"""Writing items and progress updates: every rule checked first, and a history of who changed what."""

from __future__ import annotations

import datetime as dt

import pytest

from actionplan.models import ActionItem, ActionUpdate
from actionplan.services import ActionError, ItemInput, item_create, item_update, update_add
from surveys.models import Department, Municipality

pytestmark = pytest.mark.django_db


def problems(create) -> dict[str, str]:
    with pytest.raises(ActionError) as raised:
        create()
    return {problem.field: problem.message for problem in raised.value.errors}


def data(**fields) -> ItemInput:
    return ItemInput(**{"number": 1, "title": "Åtgärd", "owner_level": "central", "area": "finance", **fields})


def test_it_creates_an_item_with_its_tasks_in_the_order_given_without_repeats(plan):
    item = item_create(plan=plan, data=data(tasks=["recruitment", "invoices", "recruitment"]))

    item.refresh_from_db()
    assert item.tasks == "recruitment invoices"
    assert item.task_codes == ["recruitment", "invoices"]


def test_a_used_number_is_refused_with_the_next_free_one(plan, make_item):
    make_item(1)
    make_item(2)

    found = problems(lambda: item_create(plan=plan, data=data(number=2)))

    assert found["number"] == "Number 2 is already used in this plan; the next free number is 3."


def test_unknown_task_codes_are_refused_naming_the_known_ones(plan):
    found = problems(lambda: item_create(plan=plan, data=data(tasks=["invoices", "lunch"])))

    assert found["tasks"].startswith("Unknown task code(s) lunch; the rounds of this municipality have: budget,")
    assert ActionItem.objects.count() == 0


def test_a_departmental_item_without_a_department_is_refused(plan):
    found = problems(lambda: item_create(plan=plan, data=data(owner_level="department")))

    assert found["department"] == "A departmental item needs its owning department."


def test_another_municipalitys_department_is_refused(plan):
    elsewhere = Department.objects.create(municipality=Municipality.objects.create(name="Annanstad"), name="Skola")

    found = problems(lambda: item_create(plan=plan, data=data(owner_level="department", department=elsewhere)))

    assert found["department"] == "Skola is not a department of Testkommun."


def test_a_central_item_with_a_department_is_refused(plan, department):
    found = problems(lambda: item_create(plan=plan, data=data(department=department)))

    assert "leave the department empty" in found["department"]


def test_a_due_date_before_the_start_is_refused(plan):
    found = problems(
        lambda: item_create(plan=plan, data=data(start_date=dt.date(2025, 5, 2), due_date=dt.date(2025, 5, 1)))
    )

    assert found["due_date"] == "“Due” cannot be before “Start”."


def test_a_done_date_before_the_start_is_refused(plan):
    found = problems(
        lambda: item_create(
            plan=plan, data=data(status="done", start_date=dt.date(2025, 5, 2), done_on=dt.date(2025, 5, 1))
        )
    )

    assert found["done_on"] == "“Done on” (1 May 2025) cannot be before “Start” (2 May 2025)."
    assert not ActionItem.objects.exists()


def test_a_start_moved_after_the_recorded_done_date_is_refused(plan, make_item):
    item = make_item(1, status="done", start_date=dt.date(2025, 5, 1), done_on=dt.date(2025, 5, 20))
    moved = data(status="done", start_date=dt.date(2025, 6, 1))  # the form's empty "Done on" keeps 20 May

    found = problems(lambda: item_update(item=item, data=moved))

    assert found["done_on"] == "“Done on” (20 May 2025) cannot be before “Start” (1 June 2025)."
    item.refresh_from_db()
    assert item.start_date == dt.date(2025, 5, 1)


def test_the_history_records_who_changed_which_fields(plan, make_item, administrator, project_member):
    item = make_item(1, by=administrator, status="proposed")
    changed = ItemInput.from_item(item)
    changed.status = ActionItem.Status.PLANNED
    changed.tasks = ["invoices", "budget"]

    item_update(item=item, data=changed, by=project_member)

    newest, created = item.history.order_by("-history_id")
    assert (created.history_type, created.history_user) == ("+", administrator)
    assert newest.history_user == project_member
    delta = newest.diff_against(created)
    assert {(change.field, change.old, change.new) for change in delta.changes} == {
        ("status", "proposed", "planned"),
        ("tasks", "", "invoices budget"),
    }


def test_saving_an_unchanged_item_adds_no_history(make_item):
    item = make_item(1)

    item_update(item=item, data=ItemInput.from_item(item))

    assert item.history.count() == 1


def test_a_progress_update_can_move_the_item_and_says_so(make_item, administrator):
    item = make_item(1, status="planned")

    update = update_add(item=item, author=administrator, text="  Arbetet har börjat.  ", status="in_progress")

    item.refresh_from_db()
    assert item.status == "in_progress"
    assert (update.text, update.status, update.author) == ("Arbetet har börjat.", "in_progress", administrator)
    assert item.history.latest().history_user == administrator


def test_a_progress_update_in_the_same_status_records_no_move(make_item, administrator):
    item = make_item(1, status="planned")

    update = update_add(item=item, author=administrator, text="Inget nytt.", status="planned")

    assert update.status == ""
    assert item.history.count() == 1


def test_a_progress_update_cannot_make_an_item_done_before_it_started(make_item, administrator):
    item = make_item(1, status="in_progress", start_date=dt.date(2025, 6, 1))
    may = dt.datetime(2025, 5, 20, 10, 0, tzinfo=dt.UTC)

    found = problems(lambda: update_add(item=item, author=administrator, text="Klart!", status="done", at=may))

    assert found == {"status": "“Done on” (20 May 2025) cannot be before “Start” (1 June 2025)."}
    item.refresh_from_db()
    assert (item.status, item.done_on, item.version) == ("in_progress", None, 1)
    assert ActionUpdate.objects.count() == 0
    # From its start on, the update moves it: done as of the update's day.
    june = dt.datetime(2025, 6, 2, 10, 0, tzinfo=dt.UTC)
    update_add(item=item, author=administrator, text="Klart!", status="done", at=june)
    item.refresh_from_db()
    assert (item.status, item.done_on) == ("done", dt.date(2025, 6, 2))


def test_an_empty_progress_update_is_refused(make_item, administrator):
    item = make_item(1)

    found = problems(lambda: update_add(item=item, author=administrator, text="   "))

    assert found == {"text": "Write what has happened."}
    assert ActionUpdate.objects.count() == 0
