"""The action plan in a real browser: from a task's friction to an action in progress, seen in the overview."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from actionplan import effect
from actionplan.models import ActionItem, ActionPlan
from surveys.demo import ROUND_SLUG

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
IN_PROGRESS = list(ActionItem.Status).index(ActionItem.Status.IN_PROGRESS)
PHONE_390 = {"width": 390, "height": 844}


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


def test_the_plan_reads_well_for_a_manager(page, live_server, log_in, screenshot_dir):
    log_in("anna")
    plan = ActionPlan.objects.get(municipality__name="Demokommun")

    page.get_by_role("link", name=re.compile(sv("Action plan"))).first.click()
    page.wait_for_url(live_server.url + reverse("actionplan:plan", args=[plan.pk]))
    expect(page.get_by_test_id("plan-table").locator("tbody tr")).to_have_count(28)
    expect(page.get_by_role("link", name=sv("New action"))).to_have_count(0)
    page.screenshot(path=screenshot_dir / "actionplan-table-manager.png", full_page=True)


def swedish(value: float, digits: int = 1) -> str:
    """A change as a Swedish page writes it: decimal comma, a real minus sign (U+2212)."""
    rounded = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    text = str(abs(rounded)).replace(".", ",")
    return text if rounded == 0 else f"+{text}" if rounded > 0 else f"−{text}"


# "−29,5", "+6,6", "−82,5 till −35,5": a sign, a decimal comma, and "till" between the ends.
FIGURE = r"[−+]?\d+,\d"
INTERVAL = re.compile(rf"^{FIGURE} till {FIGURE}$")
BADGES = {"less": "Mindre skav", "more": "Mer skav", "unclear": "Oklart", "withheld": "Visas inte"}


def forest_loaded(page) -> bool:
    """The forest plot is an image of its own (image/svg+xml): it has loaded and drawn."""
    page.wait_for_load_state("load")
    return page.evaluate("(img => img.complete && img.naturalWidth > 0)(document.querySelector('#forest img'))")


def test_did_it_help_shows_a_forest_plot_intervals_and_verdicts_in_swedish(page, live_server, log_in, screenshot_dir):
    log_in("anna")
    plan = ActionPlan.objects.get(municipality__name="Demokommun")
    total = effect.plan_effect(plan=plan).measured.change

    page.goto(live_server.url + reverse("actionplan:effect", args=[plan.pk]))

    expect(page.locator("#forest img")).to_be_visible()
    assert forest_loaded(page)
    # The plan's tasks together: less friction, spring to autumn, with its interval.
    plan_total = page.get_by_test_id("plan-total")
    expect(plan_total.get_by_test_id("measured")).to_have_attribute("data-verdict", "less")
    expect(plan_total.locator("[data-verdict=less].badge")).to_have_text(BADGES["less"])
    expect(plan_total.get_by_test_id("sentence")).to_contain_text("Skavet minskade med")
    expect(plan_total.get_by_test_id("sentence")).to_contain_text("95 % KI")
    expect(plan_total.get_by_test_id("sentence")).to_contain_text("10 chefer i båda omgångarna")
    minutes = plan_total.locator("tr[data-unit=minutes]")
    expect(minutes).to_contain_text(swedish(total.change))
    expect(minutes.locator("td").nth(3)).to_have_text(f"{swedish(total.ci_low)} till {swedish(total.ci_high)}")

    # Each measured item: its verdict badge in Swedish and its interval with decimal commas.
    rows = page.get_by_test_id("effect-table").locator("tbody tr[data-item]")
    pairs = rows.evaluate_all("rows => rows.map(row => [Number(row.dataset.item), row.dataset.verdict])")
    verdicts = dict(pairs)
    assert verdicts[1] == "less" and verdicts[8] == "more", verdicts
    assert "unclear" in verdicts.values(), verdicts
    # Item 20 (letters, Barn): the spring's dashboard for Barn withholds letters to protect another task.
    assert verdicts[20] == "withheld", verdicts
    for number, verdict in verdicts.items():
        row = page.locator(f"[data-testid=effect-table] tr[data-item='{number}']")
        expect(row.locator("td").last.locator(f".badge[data-verdict={verdict}]")).to_have_text(BADGES[verdict])
        if verdict == "withheld":
            expect(row.locator("td").nth(5)).to_have_text("–")
            expect(row.get_by_test_id("left-out")).to_contain_text("översikten för någon av omgångarna undanhåller")
        else:
            expect(row.locator("td").nth(5)).to_have_text(INTERVAL)
    first = page.locator("[data-testid=effect-table] tr[data-item='1']")
    expect(first).to_contain_text("Skavet minskade med")
    expect(first.get_by_test_id("shares")).to_contain_text("Delar arbetsuppgifter med åtgärderna 4, 15, 16 och 19")
    expect(page.locator("[data-testid=effect-table] tr[data-item='8']")).to_contain_text("Skavet ökade med")
    # Items not done wait with their reason.
    expect(page.locator("[data-testid=waiting-table] tr[data-item='7']")).to_have_attribute("data-reason", "not_done")
    page.screenshot(path=screenshot_dir / "actionplan-effect.png", full_page=True)

    # The item page of an item over two tasks: each task, and the two together.
    item = plan.items.get(number=3)
    page.goto(live_server.url + reverse("actionplan:item", args=[item.pk]))
    measured = page.get_by_test_id("measured").first
    expect(measured).to_have_attribute("data-verdict", "unclear")
    expect(measured.locator(".badge")).to_have_text(BADGES["unclear"])
    expect(measured.get_by_test_id("sentence")).to_contain_text("95 % KI")
    expect(page.get_by_test_id("task-parts").locator("tbody tr")).to_have_count(3)
    expect(page.locator("#forest img")).to_be_visible()
    assert forest_loaded(page)
    page.screenshot(path=screenshot_dir / "actionplan-effect-item.png", full_page=True)

    # On a phone the tables fit or scroll inside their box rather than widening the page.
    page.set_viewport_size(PHONE_390)
    phone_shows_each_change_with_its_interval(page, live_server, plan, screenshot_dir)
    for name, url in [
        ("actionplan-effect-phone.png", reverse("actionplan:effect", args=[plan.pk])),
        ("actionplan-effect-item-phone.png", reverse("actionplan:item", args=[item.pk])),
    ]:
        page.goto(live_server.url + url)
        expect(page.locator("#forest img")).to_be_visible()
        assert forest_loaded(page)
        page.screenshot(path=screenshot_dir / name, full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_390["width"], name


def inside_the_screen(locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE_390["width"]


def phone_shows_each_change_with_its_interval(page: Page, live_server, plan: ActionPlan, screenshot_dir: Path) -> None:
    """At 390 px the effect page writes each interval under its change, in view without a sideways scroll,
    with the caption whole and the verdict under the item's title; the forest plot scrolls in its own box."""
    page.goto(live_server.url + reverse("actionplan:effect", args=[plan.pk]))
    plan_total = page.get_by_test_id("plan-total")
    caption = plan_total.locator("caption")
    expect(caption).to_contain_text("Tidsdagbok hösten 2026")
    assert inside_the_screen(caption)
    minutes = plan_total.locator("tr[data-unit=minutes]")
    expect(minutes.get_by_test_id("interval-below")).to_have_text(INTERVAL)
    assert inside_the_screen(minutes.get_by_test_id("interval-below"))
    plan_total.screenshot(path=screenshot_dir / "actionplan-effect-phone-total.png")

    rows = page.get_by_test_id("effect-table").locator("tbody tr[data-item]")
    for index in range(rows.count()):
        row = rows.nth(index)
        interval = row.get_by_test_id("interval-below")
        expect(interval).to_be_visible()
        expect(interval).to_have_text("–" if row.get_attribute("data-verdict") == "withheld" else INTERVAL)
        assert inside_the_screen(interval), row.get_attribute("data-item")
        verdict = row.get_by_test_id("verdict-below").locator(".badge")
        expect(verdict).to_have_text(BADGES[row.get_attribute("data-verdict")])
        assert inside_the_screen(verdict)
    page.get_by_test_id("effect-table").screenshot(path=screenshot_dir / "actionplan-effect-phone-table.png")

    forest = page.locator("#forest")
    expect(forest.locator("img")).to_be_visible()
    assert forest_loaded(page)
    assert forest.evaluate("box => box.scrollWidth > box.clientWidth")
    expect(forest).to_have_attribute("tabindex", "0")  # analysis.js: a box that scrolls is reachable by keyboard
    forest.screenshot(path=screenshot_dir / "actionplan-effect-phone-forest.png")


def test_an_item_page_names_a_withheld_task_and_its_department(page, live_server, log_in, screenshot_dir):
    # In Barn- och utbildningsförvaltningen 1 or 2 managers did "indirect-other" in a round: a
    # departmental item over it and recruitment shows recruitment's change and says why the other is left out.
    from actionplan.services import ItemInput, item_create
    from surveys.models import Department

    log_in("admin")
    plan = ActionPlan.objects.get(municipality__name="Demokommun")
    barn = Department.objects.get(municipality=plan.municipality, name="Barn- och utbildningsförvaltningen")
    item = item_create(
        plan=plan,
        data=ItemInput(
            number=29,
            title="Samla vikarieärenden på ett ställe",
            owner_level=ActionItem.OwnerLevel.DEPARTMENT,
            department=barn,
            area="hr",
            status=ActionItem.Status.DONE,
            done_on=dt.date(2026, 6, 1),
            tasks=["recruitment", "indirect-other"],
        ),
    )

    page.goto(live_server.url + reverse("actionplan:item", args=[item.pk]))

    measured = page.get_by_test_id("measured").first
    expect(measured.get_by_test_id("sentence")).to_contain_text(
        "chefer i Barn- och utbildningsförvaltningen i båda omgångarna"
    )
    expect(measured.get_by_test_id("left-out")).to_contain_text(
        "färre än 3 chefer gjorde uppgiften i någon av omgångarna"
    )
    withheld = page.get_by_test_id("task-parts").get_by_test_id("withheld-part")
    expect(withheld).to_have_count(1)
    expect(withheld).to_have_text("Visas inte: färre än 3 chefer gjorde uppgiften i någon av omgångarna.")
    expect(page.get_by_test_id("task-parts").locator("tbody tr").nth(1)).to_contain_text("–")
    assert forest_loaded(page)
    page.screenshot(path=screenshot_dir / "actionplan-item-withheld-task.png", full_page=True)


def _axe_violations(page: Page) -> list[dict]:
    page.evaluate(AXE.read_text())  # not a <script> tag: the Content-Security-Policy refuses inline ones
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
