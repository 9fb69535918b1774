"""The diary in a real browser: typing, live totals, ratings, saving, asking about unrated rows, a phone, the
keyboard, axe."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from surveys.demo import ROUND_SLUG
from surveys.models import DiaryDay, DiaryLine, Task

from .conftest import DESKTOP, PHONE

pytestmark = pytest.mark.django_db(transaction=True)

FRIDAY = dt.date(2026, 11, 20)  # anna's day that is not started
THURSDAY = dt.date(2026, 11, 19)  # anna's draft
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def sv(message: str) -> str:
    """What the page shows for `message`: the tests' browser asks for Swedish."""
    with translation.override("sv"):
        return gettext(message)


def sv_template(message: str) -> str:
    """What the page shows for a `{% translate %}` literal; the tag doubles its % signs for gettext."""
    with translation.override("sv"):
        return Template(f'{{% load i18n %}}{{% translate "{message}" %}}').render(Context())


def day_url(live_server, date: dt.date) -> str:
    return live_server.url + reverse("surveys:day", args=[ROUND_SLUG, date.isoformat()])


def cell(page: Page, task: str, hour: int):
    return page.locator(f"#id_{task}-h{hour}")


def row_total(page: Page, task: str):
    return page.locator("[data-row]", has=cell(page, task, 1)).locator("[data-row-total]")


def hour_total(page: Page, hour: int):
    return page.locator(f"[data-hour-total='{hour}']")


def rate(page: Page, task: str, scale: str, score: int) -> None:
    # Bootstrap's btn-check hides the radio itself; a person clicks its label.
    page.click(f"label[for='id_{task}-{scale}_{score}']")


def rating(page: Page, task: str, scale: str, score: int):
    return page.locator(f"#id_{task}-{scale}_{score}")


def saved_line(task: str) -> DiaryLine:
    return DiaryLine.objects.get(day__participant__user__username="anna", day__date=FRIDAY, task__code=task)


def friday_status() -> str | None:
    day = DiaryDay.objects.filter(participant__user__username="anna", date=FRIDAY).first()
    return day.status if day else None


def test_a_manager_fills_and_submits_a_day_with_live_totals(page: Page, live_server, log_in, screenshot_dir):
    log_in("anna")
    page.click(f"a[href='{reverse('surveys:day', args=[ROUND_SLUG, FRIDAY.isoformat()])}']")
    expect(page.locator("h1")).to_have_text(sv("Time-use diary"))
    expect(page.locator("[data-day-total]")).to_have_text("0")
    # The live server serves the static files: mio.css lays out the paper form's columns.
    expect(page.locator(".diary-head")).to_have_css("display", "grid")

    cell(page, "documentation", 1).press_sequentially("30")
    expect(row_total(page, "documentation")).to_have_text("30")
    expect(hour_total(page, 1)).to_have_text("30")
    cell(page, "invoices", 1).press_sequentially("20")
    cell(page, "invoices", 2).press_sequentially("45")
    expect(row_total(page, "invoices")).to_have_text("65")
    expect(hour_total(page, 1)).to_have_text("50")
    expect(hour_total(page, 2)).to_have_text("45")
    expect(page.locator("[data-day-total]")).to_have_text("95")
    expect(page.locator("[data-live-warning]")).to_be_empty()

    rate(page, "documentation", "value", 3)
    rate(page, "documentation", "function", 2)
    rate(page, "invoices", "value", 2)
    rate(page, "invoices", "function", 1)
    expect(rating(page, "documentation", "value", 3)).to_be_checked()
    expect(rating(page, "invoices", "function", 1)).to_be_checked()
    # Tall enough for the whole day, so the sticky header and buttons sit where a reader expects them.
    page.set_viewport_size({"width": DESKTOP["width"], "height": 1500})
    page.screenshot(path=screenshot_dir / "day-filled-desktop.png", full_page=True)
    page.set_viewport_size(DESKTOP)

    page.click("button[name=submit]")
    expect(page.get_by_role("status").filter(has_text=sv("The day is submitted. Thank you!"))).to_be_visible()

    page.reload()
    expect(cell(page, "documentation", 1)).to_have_value("30")
    expect(cell(page, "invoices", 1)).to_have_value("20")
    expect(cell(page, "invoices", 2)).to_have_value("45")
    expect(cell(page, "invoices", 3)).to_have_value("")
    expect(rating(page, "documentation", "value", 3)).to_be_checked()
    expect(rating(page, "documentation", "function", 2)).to_be_checked()
    expect(rating(page, "invoices", "value", 2)).to_be_checked()
    expect(rating(page, "invoices", "function", 1)).to_be_checked()
    expect(page.locator("[data-day-total]")).to_have_text("95")
    expect(page.locator("main .badge")).to_have_text(sv("Submitted"))

    assert friday_status() == DiaryDay.Status.SUBMITTED
    documentation, invoices = saved_line("documentation"), saved_line("invoices")
    assert (documentation.h1, documentation.minutes, documentation.value, documentation.function) == (30, 30, 3, 2)
    assert (invoices.h1, invoices.h2, invoices.minutes, invoices.value, invoices.function) == (20, 45, 65, 2, 1)
    assert DiaryLine.objects.filter(day__participant__user__username="anna", day__date=FRIDAY).count() == 2

    page.click(f".nav-link[href='{reverse('home')}']")
    friday = page.locator(".list-group-item", has=page.locator(f"a[href$='/{FRIDAY.isoformat()}/']"))
    expect(friday.locator(".badge")).to_have_text(sv("Submitted"))
    page.screenshot(path=screenshot_dir / "home-desktop.png", full_page=True)


def test_an_hour_over_sixty_warns_live_and_the_server_refuses_it(page: Page, live_server, log_in, screenshot_dir):
    log_in("anna")
    page.goto(day_url(live_server, FRIDAY))
    cell(page, "documentation", 3).fill("40")
    cell(page, "invoices", 3).fill("30")

    over = sv_template("Hour %(hour)s: %(total)s minutes in total; an hour has at most 60.")
    warning = over % {"hour": 3, "total": 70}
    expect(page.locator("[data-live-warning]")).to_have_text(warning)
    expect(hour_total(page, 3)).to_have_text("70")
    expect(page.locator(".diary-sum", has=hour_total(page, 3))).to_have_class("diary-sum over")
    expect(page.locator(".diary-sum.over")).to_have_count(1)

    cell(page, "invoices", 3).fill("20")
    expect(page.locator("[data-live-warning]")).to_be_empty()
    expect(page.locator(".diary-sum.over")).to_have_count(0)
    cell(page, "invoices", 3).fill("30")

    page.click("button[name=submit]")
    errors = page.locator("#errors")
    expect(errors).to_contain_text(sv("Nothing was saved. Please correct:"))
    refusal = sv("Hour %(hour)d: the tasks add up to %(total)d minutes, but an hour has at most 60.")
    expect(errors).to_contain_text(refusal % {"hour": 3, "total": 70})
    # What was typed comes back, so nothing has to be typed again.
    expect(cell(page, "documentation", 3)).to_have_value("40")
    expect(cell(page, "invoices", 3)).to_have_value("30")
    expect(page.locator(".diary-sum.over")).to_have_count(1)
    page.screenshot(path=screenshot_dir / "day-refused-desktop.png", full_page=True)

    assert friday_status() is None


def _fill_with_an_unrated_row(page: Page) -> None:
    """Friday with minutes on two rows; documentation has a value but no "how well it worked" rating."""
    cell(page, "documentation", 1).fill("30")
    rate(page, "documentation", "value", 3)
    cell(page, "invoices", 2).fill("45")
    rate(page, "invoices", "value", 2)
    rate(page, "invoices", "function", 1)


def _answer_the_unrated_question(page: Page) -> None:
    """Submit, see the question name the unrated task and nothing stored, then submit anyway."""
    page.click(".diary-actions button[name=submit]")
    question = page.get_by_test_id("unrated")
    expect(question).to_contain_text(sv("Submit anyway?"))
    documentation = Task.objects.get(survey__slug=ROUND_SLUG, code="documentation")
    expect(question.get_by_role("listitem")).to_have_text([documentation.label])
    # The question is at the end of a long form; autofocus brings it into view without a script.
    expect(question).to_be_focused()
    expect(question).to_be_in_viewport()
    expect(cell(page, "documentation", 1)).to_have_value("30")
    expect(rating(page, "invoices", "function", 1)).to_be_checked()
    assert friday_status() is None


def _assert_submitted_anyway(page: Page) -> None:
    expect(page.locator("main .badge")).to_have_text(sv("Submitted"))
    assert friday_status() == DiaryDay.Status.SUBMITTED
    documentation, invoices = saved_line("documentation"), saved_line("invoices")
    assert (documentation.minutes, documentation.value, documentation.function) == (30, 3, None)
    assert (invoices.minutes, invoices.value, invoices.function) == (45, 2, 1)


def test_submitting_an_unrated_row_asks_once_and_can_submit_anyway(page: Page, live_server, log_in, screenshot_dir):
    log_in("anna")
    page.goto(day_url(live_server, FRIDAY))
    _fill_with_an_unrated_row(page)

    _answer_the_unrated_question(page)
    # What the manager sees: the question, above the buttons.
    page.screenshot(path=screenshot_dir / "day-unrated-question-desktop.png")
    _assert_no_violations({"day asking about unrated rows": _axe_violations(page)})

    page.get_by_test_id("submit-anyway").click()
    expect(page.get_by_role("status").filter(has_text=sv("The day is submitted. Thank you!"))).to_be_visible()
    expect(page.get_by_test_id("unrated")).to_have_count(0)
    _assert_submitted_anyway(page)
    page.screenshot(path=screenshot_dir / "day-submitted-anyway-desktop.png")


@pytest.mark.browser_context_args(java_script_enabled=False)
def test_the_unrated_question_works_without_javascript(page: Page, live_server, log_in):
    log_in("anna")
    page.goto(day_url(live_server, FRIDAY))
    _fill_with_an_unrated_row(page)
    expect(page.locator("[data-day-total]")).to_have_text("0")  # no script: the live totals stand still

    _answer_the_unrated_question(page)
    page.get_by_test_id("submit-anyway").click()

    _assert_submitted_anyway(page)


def test_the_day_fits_a_phone_without_sideways_scrolling(page: Page, live_server, log_in, screenshot_dir):
    log_in("anna")
    page.set_viewport_size(PHONE)
    for name, url in (("home", live_server.url + reverse("home")), ("day", day_url(live_server, THURSDAY))):
        page.goto(url)
        page_width = page.evaluate("document.documentElement.scrollWidth")
        assert page_width <= page.evaluate("window.innerWidth"), f"{name} is {page_width}px wide on a 375px phone"
        page.screenshot(path=screenshot_dir / f"{name}-phone.png", full_page=True)

    # The phone shows each row as a card: its hour inputs are big enough to tap.
    box = cell(page, "documentation", 1).bounding_box()
    assert box["width"] >= 44 and box["height"] >= 30, box
    page.goto(day_url(live_server, FRIDAY))
    cell(page, "documentation", 1).fill("30")
    cell(page, "invoices", 1).fill("20")
    cell(page, "invoices", 2).fill("45")
    rate(page, "documentation", "value", 3)
    rate(page, "documentation", "function", 2)
    rate(page, "invoices", "value", 2)
    rate(page, "invoices", "function", 1)
    expect(page.locator("[data-day-total]")).to_have_text("95")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=screenshot_dir / "day-filled-phone.png", full_page=True)
    # What the phone's screen shows around a filled row, with the buttons that stay at hand.
    page.locator(".diary-category").nth(1).evaluate("heading => heading.scrollIntoView()")
    page.screenshot(path=screenshot_dir / "day-filled-phone-screen.png")


FOCUS = """() => {
    const element = document.activeElement;
    // A btn-check radio is hidden; the eye follows its label.
    const shown = element.matches(".btn-check") ? document.querySelector(`label[for="${element.id}"]`) : element;
    const box = shown.getBoundingClientRect();
    const head = document.querySelector(".diary-head");
    const bar = document.querySelector(".diary-actions");
    const top = head.offsetParent ? head.getBoundingClientRect().bottom : 0;
    const bottom = bar.contains(element) ? window.innerHeight : bar.getBoundingClientRect().top;
    return {name: element.id || element.name, hidden: box.top < top - 1 || box.bottom > bottom + 1};
}"""


def _focused(page: Page) -> str:
    return page.evaluate(FOCUS)["name"]


@pytest.mark.parametrize(("viewport", "key"), [(DESKTOP, "Enter"), (PHONE, "Space")], ids=["desktop", "phone"])
def test_a_day_can_be_filled_and_submitted_with_the_keyboard_alone(page: Page, live_server, log_in, viewport, key):
    page.set_viewport_size(viewport)
    log_in("anna")
    page.goto(day_url(live_server, FRIDAY))
    first = page.locator("input[data-hour]").first
    first_task = first.get_attribute("name").removesuffix("-h1")
    first.focus()

    page.keyboard.type("30")
    page.keyboard.press("Tab")
    assert _focused(page) == f"id_{first_task}-h2"
    page.keyboard.type("15")
    expect(row_total(page, first_task)).to_have_text("45")
    for _hour in range(3, 9):
        page.keyboard.press("Tab")
    assert _focused(page) == f"id_{first_task}-h8"

    # Into the value group; the arrows move between the ratings and choose one.
    page.keyboard.press("Tab")
    assert _focused(page).startswith(f"id_{first_task}-value_")
    for _step in range(3):
        page.keyboard.press("ArrowRight")
    expect(rating(page, first_task, "value", 3)).to_be_checked()
    label = page.locator(f"label[for='id_{first_task}-value_3']")
    assert label.evaluate("element => getComputedStyle(element).boxShadow") != "none", "no visible focus"

    page.keyboard.press("Tab")
    assert _focused(page).startswith(f"id_{first_task}-function_")
    for arrow in ("ArrowRight", "ArrowRight", "ArrowRight", "ArrowRight", "ArrowLeft"):
        page.keyboard.press(arrow)
    expect(rating(page, first_task, "function", 3)).to_be_checked()

    # Through every field to the submit button; none may hide under the sticky header or buttons.
    hidden = []
    for _press in range(400):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS)
        if focus["hidden"]:
            hidden.append(focus["name"])
        if focus["name"] == "submit":
            break
    else:
        pytest.fail("the submit button cannot be reached with Tab")
    assert not hidden, f"focused but hidden under a sticky bar: {hidden}"
    page.keyboard.press(key)
    expect(page.locator("main .badge")).to_have_text(sv("Submitted"))

    assert friday_status() == DiaryDay.Status.SUBMITTED
    line = saved_line(first_task)
    assert (line.h1, line.h2, line.minutes, line.value, line.function) == (30, 15, 45, 3, 3)


def _axe_violations(page: Page) -> list[dict]:
    page.add_script_tag(path=AXE)
    options = json.dumps({"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return page.evaluate(f"async () => (await axe.run(document, {options})).violations")


def _describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} {violation['helpUrl']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {' '.join(node['target'])}: {node['failureSummary'].replace(chr(10), ' ')}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    … and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


def _assert_no_violations(pages: dict[str, list[dict]]) -> None:
    found = {name: violations for name, violations in pages.items() if violations}
    assert not found, "\n".join(f"{name}:\n{_describe(violations)}" for name, violations in found.items())


def test_the_diary_pages_pass_axe(page: Page, live_server, log_in):
    page.goto(live_server.url + reverse("login"))
    pages = {"login": _axe_violations(page)}
    log_in("anna")
    pages["my diary"] = _axe_violations(page)
    page.goto(day_url(live_server, THURSDAY))
    pages["draft day"] = _axe_violations(page)

    page.goto(day_url(live_server, FRIDAY))
    cell(page, "documentation", 1).fill("40")
    cell(page, "invoices", 1).fill("30")
    expect(page.locator("[data-live-warning]")).not_to_be_empty()
    pages["day with live warning"] = _axe_violations(page)
    page.click("button[name=submit]")
    expect(page.locator("#errors")).to_be_visible()
    pages["day refused by the server"] = _axe_violations(page)
    _assert_no_violations(pages)


def test_the_diary_pages_pass_axe_on_a_phone(page: Page, live_server, log_in):
    # The phone layout shows what the wide one hides (hour captions, legends) and collapses the menu.
    page.set_viewport_size(PHONE)
    log_in("anna")
    pages = {"my diary": _axe_violations(page)}
    page.goto(day_url(live_server, THURSDAY))
    pages["draft day"] = _axe_violations(page)
    page.goto(day_url(live_server, FRIDAY))
    cell(page, "documentation", 1).fill("40")
    cell(page, "invoices", 1).fill("30")
    page.click("button[name=submit]")
    expect(page.locator("#errors")).to_be_visible()
    pages["day refused by the server"] = _axe_violations(page)
    _assert_no_violations(pages)
