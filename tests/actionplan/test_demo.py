"""The demo plan: 28 items from a spring baseline, and an autumn follow-up where some of it helped."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command

from actionplan import demo, selectors
from actionplan.models import ActionItem, ActionPlan, ActionUpdate
from surveys.models import DiaryLine, Survey

pytestmark = pytest.mark.django_db


def seed() -> None:
    call_command("seed_demo", stdout=io.StringIO())


def exported() -> list[dict[str, str]]:
    out = io.StringIO()
    call_command("export_actions", municipality="Demokommun", stdout=out)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def everything() -> tuple:
    return (
        exported(),
        list(ActionItem.history.order_by("history_id").values_list("number", "status", "history_user__username")),
        list(ActionUpdate.objects.order_by("id").values_list("item__number", "created_at", "status", "text")),
        DiaryLine.objects.filter(day__participant__survey__slug=demo.BASELINE_SLUG).count(),
    )


def test_the_demo_plan_has_28_items_at_both_owner_levels_in_all_four_areas_and_running_it_again_changes_nothing():
    seed()
    first = everything()

    seed()

    assert everything() == first
    rows = first[0]
    assert [int(row["number"]) for row in rows] == list(range(1, 29))
    assert {row["owner_level"] for row in rows} == {"central", "department"}
    assert {row["area"] for row in rows} == {"it", "finance", "hr", "operations"}
    assert {row["status"] for row in rows} == {"proposed", "planned", "in_progress", "done", "dropped"}
    titles = " | ".join(row["title"] for row in rows)
    for example in [
        "Processkartläggning och visualisering av fakturaprocessen",
        "Processkartläggning och visualisering av rekryteringsprocessen",
        "Justera blanketter",
        "Förenkla rutiner",
        "Förtydliga information",
        "Flytta notifieringar från nattetid till dagtid",
    ]:
        assert example in titles


def test_the_baseline_comes_before_the_follow_up_with_the_same_managers_and_is_closed():
    seed()

    baseline = Survey.objects.get(slug=demo.BASELINE_SLUG)
    followup = Survey.objects.get(slug="demo-hosten-2026")
    assert baseline.status == Survey.Status.CLOSED and baseline.end_date < followup.start_date
    assert list(baseline.participants.values_list("number", "user__username", "unit__name")) == list(
        followup.participants.values_list("number", "user__username", "unit__name")
    )
    assert baseline.participants.filter(days__isnull=True).count() == 0


def test_did_it_help_shows_tasks_that_improved_and_tasks_that_did_not():
    seed()
    plan = ActionPlan.objects.get(municipality__name="Demokommun")

    effects = selectors.item_effects(plan=plan, items=list(plan.items.filter(status="done")))

    verdicts = {task.code: task.verdict for entry in effects for task in entry.effect.tasks}
    assert {code: verdicts[code] for code in ["invoices", "it-services", "recruitment", "information"]} == {
        "invoices": "improved",
        "it-services": "improved",
        "recruitment": "improved",
        "information": "improved",
    }
    assert verdicts["payroll-hr"] != "improved" and verdicts["purchasing"] != "improved"
    items = {entry.item.number: entry.effect.verdict for entry in effects}
    assert items[1] == "improved"  # the invoice process map
    assert items[8] != "improved"  # simpler purchasing routines did not take the friction away
