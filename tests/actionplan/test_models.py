"""The rules the database holds for plans, items and progress updates, and the item queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from actionplan.models import ActionItem, ActionPlan, ActionUpdate

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 5, 15)


def stored_item(plan, **fields) -> ActionItem:
    """An item saved directly, past the services, to see what the database itself refuses."""
    values = {"number": 1, "title": "Åtgärd", "owner_level": "central", "area": "finance", **fields}
    return ActionItem.objects.create(plan=plan, **values)


def refused(create) -> bool:
    try:
        with transaction.atomic():
            create()
    except IntegrityError:
        return True
    return False


def test_a_municipality_has_one_plan(plan, municipality):
    assert refused(lambda: ActionPlan.objects.create(municipality=municipality, name="En till"))


def test_a_number_is_used_once_in_a_plan(plan):
    stored_item(plan, number=3)

    assert refused(lambda: stored_item(plan, number=3))


def test_a_number_is_one_or_more(plan):
    assert refused(lambda: stored_item(plan, number=0))


def test_a_departmental_item_needs_its_department(plan):
    assert refused(lambda: stored_item(plan, owner_level="department"))


def test_a_central_item_has_no_department(plan, department):
    assert refused(lambda: stored_item(plan, owner_level="central", department=department))


def test_a_departmental_item_with_its_department_is_stored(plan, department):
    assert stored_item(plan, owner_level="department", department=department).pk


def test_priority_is_1_to_3(plan):
    assert refused(lambda: stored_item(plan, priority=4))


def test_the_due_date_is_not_before_the_start(plan):
    assert refused(lambda: stored_item(plan, start_date=dt.date(2025, 5, 2), due_date=dt.date(2025, 5, 1)))


@pytest.mark.parametrize("tasks", [" invoices", "invoices ", "invoices  budget"])
def test_task_codes_are_separated_by_single_spaces(plan, tasks):
    assert refused(lambda: stored_item(plan, tasks=tasks))


def test_a_progress_update_has_text(plan):
    item = stored_item(plan)

    assert refused(lambda: ActionUpdate.objects.create(item=item, text=""))


def test_a_progress_update_is_never_changed(plan):
    update = ActionUpdate.objects.create(item=stored_item(plan), text="Startat.")
    update.text = "Något annat."

    with pytest.raises(ValueError):
        update.save()

    update.refresh_from_db()
    assert update.text == "Startat."


def test_addressing_finds_a_code_anywhere_in_the_list_and_only_whole_codes(plan):
    alone = stored_item(plan, number=1, tasks="invoices")
    first = stored_item(plan, number=2, tasks="invoices budget")
    middle = stored_item(plan, number=3, tasks="budget invoices purchasing")
    last = stored_item(plan, number=4, tasks="budget invoices")
    stored_item(plan, number=5, tasks="budget purchasing")
    stored_item(plan, number=6, tasks="")

    assert set(plan.items.addressing("invoices")) == {alone, first, middle, last}
    assert set(plan.items.addressing("invoice")) == set()


def test_overdue_items_are_open_and_past_their_due_date(plan):
    late = stored_item(plan, number=1, status="in_progress", due_date=TODAY - dt.timedelta(days=1))
    stored_item(plan, number=2, status="done", due_date=TODAY - dt.timedelta(days=1))
    stored_item(plan, number=3, status="dropped", due_date=TODAY - dt.timedelta(days=1))
    stored_item(plan, number=4, status="planned", due_date=TODAY)
    stored_item(plan, number=5, status="planned")

    assert list(plan.items.overdue(TODAY)) == [late]
    assert late.is_overdue(TODAY)
    assert [item.number for item in plan.items.order_by("number") if item.is_overdue(TODAY)] == [1]


def test_open_leaves_out_done_and_dropped_items(plan, department):
    stored_item(plan, number=1, status="done")
    stored_item(plan, number=2, status="dropped")
    stored_item(plan, number=3, owner_level="department", department=department)
    stored_item(plan, number=4)

    assert [item.number for item in plan.items.open()] == [3, 4]
