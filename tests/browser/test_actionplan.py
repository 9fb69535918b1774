"""The action plan in a real browser: from a task's friction to an action in progress, seen in the overview."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from actionplan.models import ActionItem, ActionPlan
from surveys.demo import ROUND_SLUG

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
IN_PROGRESS = list(ActionItem.Status).index(ActionItem.Status.IN_PROGRESS)


def sv(message: str) -> str:
    """What the page shows for `message`: the tests' browser asks for Swedish."""
    with translation.override("sv"):
        return gettext(message)


def overview_counts(page: Page, live_server, plan: ActionPlan) -> tuple[int, int]:
    """The overview's number of items and of items in progress, as the page shows them."""
    page.goto(live_server.url + reverse("actionplan:overview", args=[plan.pk]))
    total = int(page.get_by_test_id("total").inner_text())
    in_progress = int(page.get_by_test_id(f"total-{IN_PROGRESS}").inner_text())
    return total, in_progress


def test_an_administrator_turns_a_tasks_friction_into_an_action_in_progress(page, live_server, log_in, screenshot_dir):
    log_in("admin")
    plan = ActionPlan.objects.get(municipality__name="Demokommun")
    total_before, in_progress_before = overview_counts(page, live_server, plan)
    page.screenshot(path=screenshot_dir / "actionplan-overview-before.png", full_page=True)

    # The invoices row of the dashboard's friction ranking starts a new action for that task.
    page.goto(live_server.url + reverse("analysis:dashboard", args=[ROUND_SLUG]))
    row = page.locator("#ranking tr[data-task=invoices]")
    addressing_before = ActionItem.objects.filter(plan=plan).addressing("invoices").count()
    expect(row.get_by_test_id("actions-invoices")).to_contain_text(str(addressing_before))
    page.screenshot(path=screenshot_dir / "actionplan-from-ranking.png", full_page=False)
    row.get_by_test_id("new-action-invoices").click()
    expect(page.locator("input[name=tasks][value=invoices]")).to_be_checked()
    expect(page.locator("select[name=area]")).to_have_value("finance")
    page.fill("input[name=title]", "Digital attest av fakturor i mobilen")
    page.fill("textarea[name=description]", "Chefer attesterar fakturor i mobilen mellan möten.")
    page.fill("input[name=responsible]", "Per Sand, ekonomichef")
    page.fill("input[name=due_date]", "2027-03-31")
    page.screenshot(path=screenshot_dir / "actionplan-new-item.png", full_page=True)
    page.locator("main form button[type=submit]").click()

    item = ActionItem.objects.get(plan=plan, title="Digital attest av fakturor i mobilen")
    page.wait_for_url(live_server.url + reverse("actionplan:item", args=[item.pk]))
    assert (item.number, item.tasks, item.survey.slug, item.status) == (29, "invoices", ROUND_SLUG, "proposed")

    # A progress update moves it to "in progress".
    page.fill("textarea[name=text]", "Leverantören har visat en lösning; pilot på tre förskolor.")
    page.select_option("select[name=status]", "in_progress")
    page.locator("form[action$='/lagesrapport/'] button[type=submit]").click()
    page.wait_for_url(live_server.url + reverse("actionplan:item", args=[item.pk]))
    expect(page.locator("h1 + p [data-status=in_progress]")).to_be_visible()
    expect(page.get_by_test_id("updates")).to_contain_text("pilot på tre förskolor")
    expect(page.get_by_test_id("history")).to_contain_text("Thomas Ahl")
    page.screenshot(path=screenshot_dir / "actionplan-item.png", full_page=True)

    assert overview_counts(page, live_server, plan) == (total_before + 1, in_progress_before + 1)
    page.screenshot(path=screenshot_dir / "actionplan-overview-after.png", full_page=True)

    # The task, reached from its ranking row, now lists the action; the board has it in progress.
    page.goto(live_server.url + reverse("analysis:dashboard", args=[ROUND_SLUG]))
    actions_link = page.locator("#ranking tr[data-task=invoices]").get_by_test_id("actions-invoices")
    expect(actions_link).to_contain_text(str(addressing_before + 1))
    actions_link.click()
    page.screenshot(path=screenshot_dir / "actionplan-task.png", full_page=True)
    expect(page.get_by_test_id("task-items")).to_contain_text("Digital attest av fakturor i mobilen")
    page.goto(live_server.url + reverse("actionplan:board", args=[plan.pk]))
    column = page.locator("section[data-status=in_progress]")
    expect(column).to_contain_text("29. Digital attest av fakturor i mobilen")
    page.screenshot(path=screenshot_dir / "actionplan-board.png", full_page=True)


def test_the_plan_reads_well_for_a_manager_and_did_it_help_shows_both_answers(
    page, live_server, log_in, screenshot_dir
):
    log_in("anna")
    plan = ActionPlan.objects.get(municipality__name="Demokommun")

    page.get_by_role("link", name=re.compile(sv("Action plan"))).first.click()
    page.wait_for_url(live_server.url + reverse("actionplan:plan", args=[plan.pk]))
    expect(page.get_by_test_id("plan-table").locator("tbody tr")).to_have_count(28)
    expect(page.get_by_role("link", name=sv("New action"))).to_have_count(0)
    page.screenshot(path=screenshot_dir / "actionplan-table-manager.png", full_page=True)

    page.goto(live_server.url + reverse("actionplan:effect", args=[plan.pk]))
    summary = page.get_by_test_id("verdict-summary").inner_text()
    numbers = [int(n) for n in re.findall(r"\d+", summary)]
    assert numbers[0] > 0 and numbers[2] > 0, summary  # some done items came with less friction, some with more
    page.screenshot(path=screenshot_dir / "actionplan-effect.png", full_page=True)


def _axe_violations(page: Page) -> list[dict]:
    page.add_script_tag(path=AXE)
    options = json.dumps({"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return page.evaluate(f"async () => (await axe.run(document, {options})).violations")


def test_the_plan_pages_pass_axe(page: Page, live_server, log_in):
    log_in("admin")
    plan = ActionPlan.objects.get(municipality__name="Demokommun")
    item = plan.items.get(number=3)
    urls = {
        "table": reverse("actionplan:plan", args=[plan.pk]),
        "board": reverse("actionplan:board", args=[plan.pk]),
        "progress": reverse("actionplan:overview", args=[plan.pk]),
        "did it help": reverse("actionplan:effect", args=[plan.pk]),
        "item": reverse("actionplan:item", args=[item.pk]),
        "edit": reverse("actionplan:item_edit", args=[item.pk]),
        "task": reverse("actionplan:task", args=[ROUND_SLUG, "invoices"]),
    }
    found = {}
    for name, url in urls.items():
        page.goto(live_server.url + url)
        found[name] = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in _axe_violations(page)]

    assert found == {name: [] for name in urls}
