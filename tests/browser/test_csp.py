"""Every kind of page under the Content-Security-Policy, in a real browser: nothing is refused (no inline
script or style slipped back in, the SVG chart images included) and the pages' own scripts still run.

Refusals are caught twice: the browser's `securitypolicyviolation` events, read after each page, and
the console messages that conftest's `page` fixture reads at teardown."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import Page, expect

from actionplan.models import ActionItem, ActionPlan
from surveys.demo import DEMO_PASSWORD, ROUND_SLUG
from surveys.models import DiaryDay, Survey

from .conftest import DESKTOP, PHONE, console_problems, watch_console
from .test_diary import cell, open_row

pytestmark = pytest.mark.django_db(transaction=True)

FRIDAY = dt.date(2026, 11, 20)  # anna's day that is not started

# Runs before any of the page's own scripts: keeps what the policy refused for the test to read.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} refused ${event.blockedURI || "inline"}`
    + (event.sample ? `: ${event.sample}` : ""));
});
"""


@pytest.fixture
def watched(page: Page) -> Page:
    page.add_init_script(RECORD_VIOLATIONS)
    return page


def visit(page: Page, url: str) -> None:
    """Open `url` and fail, naming the page, if the policy refused anything on it."""
    page.goto(url)
    page.wait_for_load_state("load")
    refused = page.evaluate("window.__cspViolations")
    assert refused == [], f"{url}: the Content-Security-Policy refused {refused}"


def test_the_manager_s_pages_are_not_refused_anything_and_their_scripts_run(watched: Page, live_server, log_in):
    page = watched
    page.set_viewport_size(PHONE)
    log_in("anna")
    visit(page, live_server.url + reverse("home"))
    # The open round's and the closed baseline's: each round shows how far the manager came.
    expect(page.locator("progress.mio-progress")).to_have_count(2)
    expect(page.locator("progress.mio-progress").first).to_be_visible()

    # Bootstrap's script opens the menu at phone width.
    menu = page.locator("#mainmenu")
    expect(menu).to_be_hidden()
    page.locator(".navbar-toggler").click()
    expect(menu).to_be_visible()

    # The diary's script folds the empty rows on a phone and unfolds one on request; the grid's
    # columns come from the stylesheet (diary-hours-8), not from an inline style.
    visit(page, live_server.url + reverse("surveys:day", args=[ROUND_SLUG, FRIDAY.isoformat()]))
    expect(page.locator("[data-row].is-collapsed").first).to_be_visible()
    open_row(page, "invoices")
    cell(page, "invoices", 1).fill("30")
    expect(page.locator("[data-day-total]")).to_have_text("30")
    columns = page.locator("#row-invoices").evaluate(
        "row => getComputedStyle(row).gridTemplateColumns.split(' ').length"
    )
    assert columns == 8

    plan = ActionPlan.objects.get()
    item = ActionItem.objects.filter(plan=plan).exclude(description="").first()
    for url in (
        reverse("analysis:my_profiles"),
        reverse("actionplan:plan", args=[plan.pk]),
        reverse("actionplan:effect", args=[plan.pk]),
        reverse("actionplan:item", args=[item.pk]),
        reverse("privacy"),
        reverse("accessibility"),
    ):
        visit(page, live_server.url + url)


def test_the_analysis_pages_draw_their_charts_without_refusals(watched: Page, live_server, log_in):
    page = watched
    log_in("projekt")
    for url in (
        reverse("analysis:index"),
        reverse("analysis:compare", args=[ROUND_SLUG]) + "?m=2&m=8",
        reverse("analysis:rounds"),
        reverse("surveys:round", args=[ROUND_SLUG]),
        reverse("analysis:dashboard", args=[ROUND_SLUG]),
    ):
        visit(page, live_server.url + url)
    # The dashboard's charts are images of their own (image/svg+xml, img-src 'self'): every one loaded.
    images = page.locator("figure.chart img")
    expect(images).to_have_count(6)
    expect(images.first).to_be_visible()
    assert page.evaluate(
        "[...document.querySelectorAll('figure.chart img')].every(img => img.complete && img.naturalWidth > 0)"
    )
    # Opened on its own, a chart draws its colours and fonts as presentation attributes, refused nothing.
    tasks = page.locator("figure.chart img[src*='/tasks.svg']").get_attribute("src")
    visit(page, live_server.url + tasks)
    assert page.locator("svg.chart-svg [style], svg.chart-svg style").count() == 0
    bar = page.locator('svg.chart-svg path[fill="#1d4f6e"]').first  # analysis.charts.BAR_COLOUR
    assert bar.evaluate("bar => getComputedStyle(bar).fill") == "rgb(29, 79, 110)"
    label = page.locator("svg.chart-svg text[font-size='8.5px']").first  # a tick label
    assert label.evaluate("text => getComputedStyle(text).fontSize") == "8.5px"


def test_the_administrator_s_pages_are_not_refused_anything_and_their_scripts_run(watched: Page, live_server, log_in):
    page = watched
    log_in("admin")
    plan = ActionPlan.objects.get()
    item = ActionItem.objects.filter(plan=plan).exclude(description="").first()
    for url in (
        reverse("surveys:rounds"),
        reverse("surveys:round", args=[ROUND_SLUG]),
        reverse("surveys:participants", args=[ROUND_SLUG]),
        reverse("surveys:participant", args=[ROUND_SLUG, 1]),
        reverse("surveys:participant_add", args=[ROUND_SLUG]),
        reverse("surveys:enrol", args=[ROUND_SLUG]),
        reverse("surveys:key_pick", args=[ROUND_SLUG]),
        reverse("surveys:key_day", args=[ROUND_SLUG, 5, FRIDAY.isoformat()]),
        reverse("surveys:diary_upload", args=[ROUND_SLUG]),
        reverse("surveys:accounts"),
        reverse("actionplan:plan", args=[plan.pk]),
        reverse("actionplan:board", args=[plan.pk]),
        reverse("actionplan:overview", args=[plan.pk]),
        reverse("actionplan:item", args=[item.pk]),
        reverse("actionplan:item_edit", args=[item.pk]),
        reverse("actionplan:item_new"),
    ):
        visit(page, live_server.url + url)

    # The action's description keeps its line breaks through a class, not a style attribute.
    visit(page, live_server.url + reverse("actionplan:item", args=[item.pk]))
    assert page.locator(".text-pre-line").first.evaluate("p => getComputedStyle(p).whiteSpace") == "pre-line"

    # The paper form's Print button is shown by its script, now a file of its own.
    visit(page, live_server.url + reverse("surveys:paper_form", args=[ROUND_SLUG]))
    expect(page.locator("[data-print]")).to_be_visible()


def test_django_admin_is_not_refused_anything_and_its_scripts_run(watched: Page, live_server, log_in):
    """The installation's operators (superusers) work in Django's admin, under the same policy."""
    page = watched
    get_user_model().objects.create_superuser("operator", "operator@example.org", DEMO_PASSWORD)
    log_in("operator")
    survey = Survey.objects.get(slug=ROUND_SLUG)
    day = DiaryDay.objects.filter(participant__survey=survey).first()
    for url in (
        reverse("admin:index"),
        reverse("admin:surveys_survey_changelist"),
        reverse("admin:surveys_diaryday_change", args=[day.pk]),  # its grid of lines is HTML built in Python
        reverse("admin:actionplan_actionitem_changelist"),
    ):
        visit(page, live_server.url + url)
    # Django admin's scripts run: the change form's date fields get their calendar shortcuts.
    visit(page, live_server.url + reverse("admin:surveys_survey_change", args=[survey.pk]))
    expect(page.locator(".datetimeshortcuts").first).to_be_visible()
    date_field = page.locator("input.vDateField").first
    date_field.fill("")
    page.locator(".datetimeshortcuts a").first.click()  # "Today" fills the field
    expect(date_field).not_to_have_value("")


def test_the_login_page_at_phone_width(watched: Page, live_server, demo):
    page = watched
    page.set_viewport_size(PHONE)
    visit(page, live_server.url + reverse("login"))
    expect(page.locator("input[name=username]")).to_be_visible()
    page.set_viewport_size(DESKTOP)
    visit(page, live_server.url + reverse("admin:login"))


def test_a_refused_inline_style_is_caught(context, live_server, demo):
    """The watch itself: an inline style put into a page is refused, reported and would fail a test."""
    page = context.new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    messages = watch_console(page)
    page.goto(live_server.url + reverse("login"))
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p id=\"painted\" style=\"color: red\">x</p>')")
    expect(page.locator("#painted")).to_be_attached()
    page.wait_for_function("window.__cspViolations.length > 0")

    assert page.evaluate("getComputedStyle(document.getElementById('painted')).color") != "rgb(255, 0, 0)"
    assert page.evaluate("window.__cspViolations")[0].startswith("style-src")
    page.wait_for_timeout(100)  # the console message follows the event
    assert console_problems(messages), messages
    page.close()


def test_the_browser_reads_every_security_header_without_complaint(page: Page, live_server):
    # Chromium names every Permissions-Policy feature it does not know in the console, on every page.
    messages = watch_console(page)
    page.goto(live_server.url + reverse("login"))
    page.wait_for_load_state("load")
    assert console_problems(messages) == []
