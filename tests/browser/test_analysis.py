"""The analysis pages in a real browser: the dashboard and Chef nr 2 beside Chef nr 8 on the demo data."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from surveys.demo import ROUND_SLUG

from .conftest import DESKTOP, PHONE

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
TASKS = 16  # the default form's rows


def axe_violations(page: Page) -> list[str]:
    page.evaluate(AXE.read_text())  # not a <script> tag: the Content-Security-Policy refuses inline ones
    results = page.evaluate("async () => await axe.run()")
    return [
        f"{violation['id']}: {violation['help']} ({len(violation['nodes'])})"
        for violation in results["violations"]
        if set(violation["tags"]) & set(WCAG_TAGS)
    ]


@pytest.fixture
def page(page: Page) -> Page:
    # A round's first view draws its charts (seconds on a busy CI machine); later views are cached.
    page.set_default_timeout(30_000)
    return page


def charts_loaded(page: Page) -> bool:
    """Every chart image of the page has loaded and drawn (an SVG refused or broken has no width)."""
    page.wait_for_load_state("load")
    return page.evaluate(
        "[...document.querySelectorAll('figure.chart img')].every(img => img.complete && img.naturalWidth > 0)"
    )


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_project_group_sees_the_dashboard_with_charts_and_tables(page: Page, live_server, log_in, screenshot_dir):
    log_in("projekt")
    page.get_by_role("link", name="Analys").or_(page.get_by_role("link", name="Analysis")).first.click()
    page.click(f"a[href='{reverse('analysis:dashboard', args=[ROUND_SLUG])}']")
    page.wait_for_url(live_server.url + reverse("analysis:dashboard", args=[ROUND_SLUG]))

    expect(page.locator("[data-key='managers']")).to_have_text("10")
    for section in ["time", "ranking", "map", "variation", "hours"]:
        expect(page.locator(f"#{section} figure.chart img").first).to_be_visible()
    expect(page.locator("figure.chart img")).to_have_count(6)
    assert charts_loaded(page)
    expect(page.locator("[data-table=ranking] tbody tr")).to_have_count(TASKS)
    expect(page.locator("[data-table=ranking] tbody tr").first).to_have_attribute("data-task", "payroll-hr")
    expect(page.locator("[data-table=variation] tbody tr")).to_have_count(TASKS)
    expect(page.locator("[data-table=cost] tbody tr")).to_have_count(TASKS)
    page.screenshot(path=screenshot_dir / "analysis-dashboard-desktop.png", full_page=True)
    assert axe_violations(page) == []

    # Förskolan Ekorren's Friday (its other two managers left Friday open or as a draft): one
    # manager, withheld, with no chart or table left on the page.
    page.select_option("#id_unit", label="Förskolan Ekorren")
    page.select_option("#id_weekday", value="5")
    page.get_by_role("button", name="Visa").or_(page.get_by_role("button", name="Show")).click()
    expect(page.locator("[data-withheld]")).to_be_visible()
    expect(page.locator("figure.chart")).to_have_count(0)
    expect(page.locator("table")).to_have_count(0)


def test_the_dashboard_shows_data_quality_above_the_figures(page: Page, live_server, log_in, screenshot_dir):
    log_in("projekt")
    page.goto(live_server.url + reverse("analysis:dashboard", args=[ROUND_SLUG]))
    panel = page.get_by_test_id("quality")
    expect(panel).to_be_visible()
    # The demo round is open and has drafts: every figure is there, with a Swedish percent sign.
    expect(panel.locator("[data-quality=open]")).to_be_visible()
    for name in ["completion", "unrated_function", "unrated_value"]:
        expect(panel.locator(f"[data-quality={name}] dd")).to_have_text(re.compile(r"^\d+(,\d)?\u00a0%$"))
    expect(panel.locator("[data-quality=drafts] dd")).to_have_text(re.compile(r"^[1-9]\d*$"))
    assert panel.bounding_box()["y"] < page.locator("[data-key-figures]").bounding_box()["y"]
    page.screenshot(path=screenshot_dir / "analysis-dashboard-quality-desktop.png")
    page.set_viewport_size(PHONE)
    expect(panel).to_be_visible()
    no_sideways_scroll(page)
    panel.screenshot(path=screenshot_dir / "analysis-dashboard-quality-phone.png")
    page.set_viewport_size(DESKTOP)


def test_chef_nr_2_and_chef_nr_8_side_by_side(page: Page, live_server, log_in, screenshot_dir):
    log_in("projekt")
    page.goto(live_server.url + reverse("analysis:compare", args=[ROUND_SLUG]))
    page.check("input[name=m][value='2']")
    page.check("input[name=m][value='8']")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/jamfor/?m=2&m=8")

    expect(page.locator("[data-compared] [data-number]")).to_have_count(2)
    expect(page.locator("figure.chart img")).to_have_count(3)
    assert charts_loaded(page)
    tasks = page.locator("[data-table=compare-tasks] tbody tr")
    expect(tasks).to_have_count(TASKS)
    # Two managers × minutes, share, function and value.
    expect(tasks.first.locator("td")).to_have_count(8)
    expect(page.locator("[data-table=differences]")).to_have_count(2)
    page.screenshot(path=screenshot_dir / "analysis-compare-desktop.png", full_page=True)
    assert axe_violations(page) == []


@pytest.mark.parametrize("name", ["dashboard", "compare"])
def test_the_analysis_fits_a_phone_without_sideways_scrolling(page: Page, live_server, log_in, screenshot_dir, name):
    log_in("projekt")
    page.set_viewport_size(PHONE)
    url = reverse(f"analysis:{name}", args=[ROUND_SLUG])
    page.goto(live_server.url + url + ("?m=2&m=8" if name == "compare" else ""))
    expect(page.locator("figure.chart img").first).to_be_visible()
    assert charts_loaded(page)
    no_sideways_scroll(page)
    page.screenshot(path=screenshot_dir / f"analysis-{name}-phone.png", full_page=True)
    page.set_viewport_size(DESKTOP)


def test_a_manager_sees_only_their_own_profile(page: Page, live_server, log_in, screenshot_dir):
    log_in("hanna")
    page.click(f"nav a[href='{reverse('analysis:my_profiles')}']")
    profile = reverse("analysis:profile", args=[ROUND_SLUG])
    page.wait_for_load_state()
    if not page.url.endswith(profile):  # the demo's managers also took part in a baseline round
        page.click(f"main a[href='{profile}']")
    page.wait_for_url(live_server.url + profile)
    expect(page.locator("[data-table=profile-tasks] tbody tr")).to_have_count(TASKS)
    expect(page.locator("figure.chart img")).to_have_count(1)
    assert charts_loaded(page)
    page.screenshot(path=screenshot_dir / "analysis-profile-desktop.png", full_page=True)
    assert axe_violations(page) == []


def test_compare_rounds_shows_the_friction_change_without_scrolling(page: Page, live_server, log_in, screenshot_dir):
    from actionplan.demo import BASELINE_SLUG

    log_in("projekt")
    page.goto(live_server.url + reverse("analysis:rounds") + f"?baseline={BASELINE_SLUG}&followup={ROUND_SLUG}")
    table = page.locator("[data-table=rounds]")
    expect(table.locator("tbody tr")).to_have_count(TASKS)
    # The friction group is the first after the task: what the chart shows and the comparison is for.
    headings = table.locator("thead tr").first.locator("th")
    expect(headings.first).to_have_text("Skavminuter per chef och dag")
    change = table.locator("tbody tr").first.locator("[data-field=friction_minutes_per_manager_day_change]")
    expect(change).to_have_text(re.compile(r"^([+−]\d+,\d|0,0)$"))
    box = change.bounding_box()
    assert box["x"] + box["width"] <= DESKTOP["width"]
    table.screenshot(path=screenshot_dir / "analysis-rounds-desktop.png")

    # On a phone the figures scroll sideways inside the table, under task names that stay in view.
    page.set_viewport_size(PHONE)
    no_sideways_scroll(page)
    wrapper = page.locator(".table-responsive").filter(has=table)
    wrapper.evaluate("element => { element.scrollLeft = element.scrollWidth; }")
    label = table.locator("tbody tr").first.locator("th")
    label_box = label.bounding_box()
    assert 0 <= label_box["x"] < 20
    wrapper.screenshot(path=screenshot_dir / "analysis-rounds-phone.png")
    page.set_viewport_size(DESKTOP)


def leave_a_task_to_two_managers(code: str, *, kept: tuple[int, int]) -> None:
    """The audit's recipe (finding 1): every submitted follow-up day without `code`'s row except those
    of the two managers `kept`, saved again through the diary's own service (totals kept in step)."""
    from surveys.models import DiaryDay
    from surveys.services import diary_save, stored_lines

    days = DiaryDay.objects.filter(
        participant__survey__slug=ROUND_SLUG, status=DiaryDay.Status.SUBMITTED, lines__task__code=code
    ).exclude(participant__number__in=kept)
    for day in days.select_related("participant"):
        lines = [line for line in stored_lines(day) if line.task.code != code]
        diary_save(participant=day.participant, date=day.date, lines=lines, submit=True)


def withdraw_every_day(number: int) -> None:
    """A manager takes back every submitted follow-up day as a draft (audit finding 7)."""
    from surveys.models import DiaryDay
    from surveys.services import diary_save, stored_lines

    days = DiaryDay.objects.filter(
        participant__survey__slug=ROUND_SLUG, participant__number=number, status=DiaryDay.Status.SUBMITTED
    )
    for day in days.select_related("participant"):
        diary_save(participant=day.participant, date=day.date, lines=stored_lines(day), submit=False)


def test_compare_rounds_withholds_the_dashboard_s_rows_and_says_what_it_compares(
    page: Page, live_server, log_in, screenshot_dir
):
    from actionplan.demo import BASELINE_SLUG

    log_in("projekt")
    leave_a_task_to_two_managers("direct-other", kept=(5, 8))
    withdraw_every_day(1)
    page.goto(live_server.url + reverse("analysis:rounds") + f"?baseline={BASELINE_SLUG}&followup={ROUND_SLUG}")
    # The dashboard's two withheld rows, with its reasons, and no change for them.
    other = page.locator("[data-table=rounds] tr[data-task=direct-other]")
    expect(other).to_have_attribute("data-withheld-row", "")
    expect(other.locator("[data-withheld-reason=too_few]")).to_contain_text("färre än 3 chefer gjorde uppgiften")
    expect(other.locator("[data-field=friction_minutes_per_manager_day_followup]")).to_have_text("–")
    expect(other.locator("[data-field=friction_minutes_per_manager_day_change]")).to_have_text("–")
    mail = page.locator("[data-table=rounds] tr[data-task=direct-mail]")
    expect(mail.locator("[data-withheld-reason=secondary]")).to_be_visible()
    expect(page.locator("[data-withheld-rows]")).to_be_visible()
    # The notices: the follow-up is open; Chef nr 1 has no submitted follow-up day left.
    expect(page.locator(f"[data-rounds-open={ROUND_SLUG}]")).to_contain_text("fortfarande öppen")
    warning = page.locator("[data-groups-differ]")
    expect(warning).to_contain_text("Mätomgångarna har inte samma chefer.")
    expect(warning).to_contain_text("9 chefer finns i båda mätomgångarna, av 10 i")
    expect(warning.locator("[data-effect-link]")).to_have_text("Gav det effekt?")
    assert charts_loaded(page)
    page.screenshot(path=screenshot_dir / "analysis-rounds-withheld-desktop.png", full_page=True)
    assert axe_violations(page) == []

    # On a phone the chart keeps readable text and scrolls inside its box; the page does not.
    page.set_viewport_size(PHONE)
    no_sideways_scroll(page)
    chart = page.locator("figure.chart-scroll").first
    assert chart.locator("img").bounding_box()["width"] >= 640  # 40rem
    assert chart.evaluate("box => box.scrollWidth > box.clientWidth")
    expect(chart).to_have_attribute("tabindex", "0")  # analysis.js: a scrolling box is reachable by keyboard
    page.screenshot(path=screenshot_dir / "analysis-rounds-withheld-phone.png", full_page=True)
    page.set_viewport_size(DESKTOP)
