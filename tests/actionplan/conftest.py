"""Fixtures for the action plan tests: English messages, a plan and a way to make its items."""

from __future__ import annotations

import datetime as dt

import pytest

from actionplan.models import ActionItem, ActionPlan
from actionplan.services import ItemInput, item_create, plan_get_or_create


@pytest.fixture(autouse=True)
def english(english):
    """Every test here asserts messages in English (tests/conftest.py's `english`)."""
    return english


@pytest.fixture
def plan(municipality, survey) -> ActionPlan:
    return plan_get_or_create(municipality=municipality)


@pytest.fixture
def make_item(plan):
    """Create an item through the service; only what a test cares about needs to be given."""

    def make(number: int = 1, *, by=None, **fields) -> ActionItem:
        values = {
            "number": number,
            "title": f"Åtgärd {number}",
            "owner_level": ActionItem.OwnerLevel.CENTRAL,
            "area": "finance",
            **fields,
        }
        return item_create(plan=plan, data=ItemInput(**values), by=by)

    return make


@pytest.fixture
def item(make_item, administrator) -> ActionItem:
    """Item 1, planned, addressing invoices, written by the administrator."""
    return make_item(1, title="Förenkla rutiner", tasks=["invoices"], status="planned", by=administrator)


def item_post(**overrides) -> dict[str, object]:
    """What the browser posts from the item form for a central finance item addressing invoices.

    Editing, the form also sends the version of the item it was built from: without `version`, that of the
    one stored item with the number (as a page opened just now would); none when no item or several have it."""
    data = {
        "number": "1",
        "title": "Förenkla rutiner för attest av fakturor",
        "description": "En attestant per kostnadsställe.",
        "owner_level": "central",
        "department": "",
        "area": "finance",
        "kind": "routines",
        "status": "planned",
        "priority": "1",
        "responsible": "Per Sand",
        "coordinator": "Lars Nilsson",
        "start_date": "2025-04-01",
        "due_date": "2025-06-30",
        "tasks": ["invoices"],
        "survey": "",
    }
    data.update(overrides)
    if "version" not in data:
        versions = list(ActionItem.objects.filter(number=data["number"]).values_list("version", flat=True)[:2])
        if len(versions) == 1:
            data["version"] = str(versions[0])
    return {key: value for key, value in data.items() if value is not None}


MONDAY = dt.date(2025, 3, 3)
