"""The diary in a real browser: typing, live totals, ratings, saving, asking about unrated rows, a phone with
folded rows, the keyboard alone, one-pass errors, unsaved input, printing, axe."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext
from playwright.sync_api import Page, expect

from surveys.demo import DEMO_PASSWORD, ROUND_SLUG
from surveys.models import DiaryDay, DiaryLine, Task

from .conftest import DESKTOP, PHONE, console_problems, watch_console

pytestmark = pytest.mark.django_db(transaction=True)

FRIDAY = dt.date(2026, 11, 20)  # anna's day that is not started
THURSDAY = dt.date(2026, 11, 19)  # anna's draft
WEDNESDAY = dt.date(2026, 11, 18)  # anna's submitted day
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


def problems(count: int) -> str:
    """The sticky bar's count of problems, as the page shows it in Swedish."""
    with translation.override("sv"):
        return ngettext("%(count)s problem", "%(count)s problems", count) % {"count": count}


def day_url(live_server, date: dt.date) -> str:
    return live_server.url + reverse("surveys:day", args=[ROUND_SLUG, date.isoformat()])


def cell(page: Page, task: str, hour: int):
    return page.locator(f"#id_{task}-h{hour}")


def row_total(page: Page, task: str):
    return page.locator("[data-row]", has=cell(page, task, 1)).locator("[data-row-total]")


def hour_total(page: Page, hour: int):
    return page.locator(f"[data-hour-total='{hour}']")


def dismiss_next_dialog(page: Page) -> list[str]:
    """Answer the page's next confirm with Cancel; the list gets its question."""
    asked: list[str] = []

    def cancel(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", cancel)
    return asked


def open_row(page: Page, task: str) -> None:
    """Unfold a phone's folded row, as a person taps it; a wide screen shows every row already."""
    if not cell(page, task, 1).is_visible():
        page.locator(f"#expand-{task}").click()
    expect(cell(page, task, 1)).to_be_visible()


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


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_an_hour_over_sixty_shows_beside_the_field_at_once_and_the_server_refuses_it(
    page: Page, live_server, log_in, screenshot_dir, viewport
):
    page.set_viewport_size(viewport)
    log_in("anna")
    page.goto(day_url(live_server, FRIDAY))
    open_row(page, "documentation")
    cell(page, "documentation", 3).fill("40")
    open_row(page, "invoices")
    typed_in = cell(page, "invoices", 3)
    typed_in.fill("30")

    # The moment the hour goes over: beside the row being typed in, and counted in the sticky bar at the bottom.
    over = sv_template("%(time)s: %(total)s min – max 60") % {"time": "10–11", "total": 70}
    beside = page.locator("#row-invoices [data-row-warning]")
    expect(beside).to_have_text(over)
    expect(beside).to_be_in_viewport()
    expect(page.locator("[data-live-warning]")).to_have_text(problems(1))
    expect(page.locator("[data-live-warning]")).to_be_in_viewport()
    field, warning = typed_in.bounding_box(), beside.bounding_box()
    assert 0 <= warning["y"] - (field["y"] + field["height"]) < 80, (field, warning)
    expect(hour_total(page, 3)).to_have_text("70")
    expect(page.locator(".diary-sum", has=hour_total(page, 3))).to_have_class("diary-sum over")
    expect(page.locator(".diary-sum.over")).to_have_count(1)
    # Only the two boxes that make up the hour are marked, not the column's empty ones.
    expect(page.locator("input[data-hour].is-invalid")).to_have_count(2)
    expect(cell(page, "documentation", 3)).to_have_attribute("aria-invalid", "true")
    page.screenshot(path=screenshot_dir / f"day-over-sixty-{viewport['width']}.png")

    typed_in.fill("20")
    expect(page.locator("[data-live-warning]")).to_be_empty()
    expect(page.locator("[data-row-warning]")).to_have_count(0)
    expect(page.locator(".diary-sum.over")).to_have_count(0)
    expect(page.locator("input[data-hour].is-invalid")).to_have_count(0)
    typed_in.fill("30")

    page.click("button[name=submit]")
    errors = page.locator("#errors")
    expect(errors).to_contain_text(sv("Nothing was saved. Please correct:"))
    refusal = sv("%(time)s: the tasks add up to %(total)d minutes, but an hour has at most 60.")
    expect(errors).to_contain_text(refusal % {"time": "10–11", "total": 70})
    expect(errors).to_be_focused()
    # What was typed comes back, so nothing has to be typed again.
    expect(cell(page, "documentation", 3)).to_have_value("40")
    expect(cell(page, "invoices", 3)).to_have_value("30")
    expect(page.locator(".diary-sum.over")).to_have_count(1)
    expect(page.locator("input[data-hour].is-invalid")).to_have_count(2)
    expect(page.locator("#errors-invoices")).to_contain_text(refusal % {"time": "10–11", "total": 70})
    page.screenshot(path=screenshot_dir / f"day-refused-{viewport['width']}.png", full_page=True)

    assert friday_status() is None


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_live_check_gives_one_message_per_problem_naming_its_hour(page: Page, live_server, log_in, viewport):
    page.set_viewport_size(viewport)
    log_in("anna")
    page.goto(day_url(live_server, FRIDAY))
    open_row(page, "invoices")
    cell(page, "invoices", 1).fill("40")
    open_row(page, "documentation")
    cell(page, "documentation", 1).fill("30")
    cell(page, "documentation", 4).fill("1o")
    cell(page, "documentation", 6).fill("1,5")

    over = sv_template("%(time)s: %(total)s min – max 60") % {"time": "08–09", "total": 70}
    invalid = sv_template("%(where)s: enter the minutes as a whole number from 0 to 60.")
    beside = page.locator("#row-documentation [data-row-warning] > *")
    expect(beside).to_have_text([over, invalid % {"where": "11–12"}, invalid % {"where": "13–14"}])
    expect(page.locator("#row-invoices [data-row-warning] > *")).to_have_text([over])
    # The sticky bar only counts them (two wrong boxes and an hour over 60) and leads to the first marked box.
    expect(page.locator("[data-live-warning]")).to_have_text(problems(3))
    page.locator("[data-live-warning] a").click()
    expect(cell(page, "documentation", 1)).to_be_focused()

    # Each marked box is linked to the messages beside its row, so a screen reader says why it is wrong.
    warning_id = page.locator("#row-documentation [data-row-warning]").get_attribute("id")
    for hour in (1, 4, 6):
        expect(cell(page, "documentation", hour)).to_have_attribute("aria-describedby", warning_id)
    expect(cell(page, "documentation", 2)).not_to_have_attribute("aria-describedby", re.compile("."))

    cell(page, "documentation", 4).fill("10")
    cell(page, "documentation", 6).fill("")
    expect(cell(page, "documentation", 4)).not_to_have_attribute("aria-describedby", re.compile("."))
    expect(beside).to_have_text([over])
    expect(page.locator("[data-live-warning]")).to_have_text(problems(1))
    cell(page, "invoices", 1).fill("30")
    expect(page.locator("[data-row-warning]")).to_have_count(0)
    expect(page.locator("[data-live-warning]")).to_be_empty()


def test_many_wrong_boxes_keep_the_sticky_bar_a_bar_on_a_phone_and_a_focused_box_clear_of_it(
    page: Page, live_server, log_in, screenshot_dir
):
    page.set_viewport_size(PHONE)
    log_in("anna")
    page.goto(day_url(live_server, FRIDAY))
    for task in ("direct-meeting", "direct-phone"):
        open_row(page, task)
        for hour in range(1, 7):
            cell(page, task, hour).fill("1,5")

    bar = page.locator("[data-actions]")
    expect(page.locator("[data-live-warning]")).to_have_text(problems(12))
    assert bar.bounding_box()["height"] < PHONE["height"] / 4
    page.screenshot(path=screenshot_dir / "day-many-errors-phone.png")

    # Every box in error, reached by Tab or by the bar's link, is shown above the bar, not behind it.
    page.evaluate("window.scrollTo(0, 0)")
    page.locator("[data-live-warning] a").click()
    for task, hour in (("direct-meeting", 1), ("direct-phone", 6)):
        box = cell(page, task, hour)
        if task != "direct-meeting":
            box.focus()
        expect(box).to_be_focused()
        field, top = box.bounding_box(), bar.bounding_box()["y"]
        assert field["y"] >= 0 and field["y"] + field["height"] <= top, (task, field, top)
    page.screenshot(path=screenshot_dir / "day-many-errors-focused-phone.png")


def test_the_servers_messages_beside_a_row_go_once_the_row_or_its_full_hour_is_changed(
    page: Page, live_server, log_in, screenshot_dir
):
    page.set_viewport_size(PHONE)
    log_in("anna")
    page.goto(day_url(live_server, FRIDAY))
    open_row(page, "documentation")
    cell(page, "documentation", 1).fill("40")
    cell(page, "documentation", 4).fill("x")
    open_row(page, "invoices")
    cell(page, "invoices", 1).fill("30")
    open_row(page, "budget")
    cell(page, "budget", 2).fill("x")
    page.click("button[name=draft]")
    expect(page.locator("#errors")).to_be_visible()
    expect(page.locator(".diary-row.has-error")).to_have_count(3)
    expect(cell(page, "invoices", 1)).to_have_attribute("aria-describedby", "errors-invoices")

    # Correcting the hour over 60 in one row clears both rows that made it up, with their screen-reader links;
    # the box still wrong in one of them is then named by the live check.
    cell(page, "invoices", 1).fill("20")
    for task in ("invoices", "documentation"):
        expect(page.locator(f"#row-{task}")).not_to_have_class(re.compile(r"\bhas-error\b"))
        expect(page.locator(f"#row-{task} [data-row-errors]")).to_have_count(0)
        expect(cell(page, task, 1)).not_to_have_attribute("aria-describedby", re.compile("errors-"))
        expect(cell(page, task, 1)).not_to_have_attribute("aria-invalid", "true")
    invalid = sv_template("%(where)s: enter the minutes as a whole number from 0 to 60.")
    expect(page.locator("#row-documentation [data-row-warning]")).to_have_text(invalid % {"where": "11–12"})
    expect(cell(page, "documentation", 4)).to_have_attribute("aria-describedby", "live-row-documentation")
    # A row that was not touched keeps the server's message.
    expect(page.locator("#row-budget [data-row-errors]")).to_be_visible()
    page.screenshot(path=screenshot_dir / "day-stale-errors-cleared-phone.png")


def test_the_totals_are_not_read_out_at_every_keystroke_and_one_live_region_names_a_new_problem(
    page: Page, live_server, log_in
):
    log_in("anna")
    page.goto(day_url(live_server, FRIDAY))
    outputs = page.locator("form[data-diary] output")
    assert outputs.count() > 20
    for index in range(outputs.count()):
        expect(outputs.nth(index)).to_have_attribute("aria-live", "off")
    live = page.locator(
        "form[data-diary] [aria-live=polite], form[data-diary] [role=status], form[data-diary] [role=alert]"
    )
    expect(live).to_have_count(1)

    cell(page, "documentation", 1).fill("40")
    cell(page, "invoices", 1).fill("30")
    over = sv_template("%(time)s: %(total)s min – max 60") % {"time": "08–09", "total": 70}
    expect(live).to_have_text(over)
    cell(page, "documentation", 2).fill("x")
    documentation = Task.objects.get(survey__slug=ROUND_SLUG, code="documentation").label
    invalid = sv_template("%(where)s: enter the minutes as a whole number from 0 to 60.")
    expect(live).to_have_text(invalid % {"where": f"{documentation}, 09–10"})
    cell(page, "documentation", 2).fill("")
    cell(page, "documentation", 1).fill("30")
    expect(live).to_be_empty()


def test_the_three_other_rows_are_told_apart_wherever_the_diary_names_a_task(page: Page, live_server, log_in):
    page.set_viewport_size(PHONE)
    log_in("anna")
    page.goto(day_url(live_server, FRIDAY))
    codes = ("direct-other", "indirect-other", "other")
    names = [page.locator(f"#task-{code}").inner_text() for code in codes]
    assert len(set(names)) == 3 and all(name.startswith("Annat (specificera), ") for name in names), names
    # The boxes' and ratings' accessible names and the fold buttons carry the same names.
    for code, name in zip(codes, names, strict=True):
        expect(page.locator(f"#expand-{code}")).to_have_accessible_name(name)
        open_row(page, code)
        expect(cell(page, code, 8)).to_have_accessible_name(f"{name}, 15–16")
        expect(page.locator(f"#id_{code}-value")).to_have_accessible_name(re.compile(re.escape(name) + "$"))
        cell(page, code, 8).fill("x")
    page.click("button[name=draft]")
    invalid = sv("%(where)s: enter the minutes as a whole number from 0 to 60.")
    expect(page.locator("#errors").get_by_role("link")).to_have_text(
        [invalid % {"where": f"{name}, 15–16"} for name in names]
    )


def test_the_live_check_and_the_server_refuse_the_same_boxes_and_a_huge_number_reads_as_digits(
    page: Page, live_server, log_in
):
    log_in("anna")
    page.goto(day_url(live_server, FRIDAY))
    cell(page, "documentation", 1).fill("+5")
    cell(page, "documentation", 2).fill("１０")
    cell(page, "documentation", 3).fill("99999999999999999999999")
    invalid = sv_template("%(where)s: enter the minutes as a whole number from 0 to 60.")
    expect(page.locator("#row-documentation [data-row-warning] > *")).to_have_text(
        [invalid % {"where": "08–09"}, invalid % {"where": "09–10"}, re.compile(r"^10–11: \d+ min")]
    )
    assert "e+" not in page.locator("form[data-diary]").inner_text()

    page.click("button[name=draft]")
    documentation = Task.objects.get(survey__slug=ROUND_SLUG, code="documentation").label
    links = page.locator("#errors").get_by_role("link")
    expect(links.nth(0)).to_have_text(invalid % {"where": f"{documentation}, 08–09"})
    expect(links.nth(1)).to_have_text(invalid % {"where": f"{documentation}, 09–10"})
    assert friday_status() is None


def test_on_a_phone_the_tap_a_task_hint_has_the_width_of_the_page(page: Page, live_server, log_in, screenshot_dir):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in("anna")
    page.goto(day_url(live_server, THURSDAY))
    hint = page.locator("[data-tools] p")
    expect(hint).to_be_visible()
    tools = page.locator("[data-tools]").bounding_box()
    assert hint.bounding_box()["width"] > 0.9 * tools["width"]
    assert hint.bounding_box()["height"] < 80  # two or three lines, not six
    page.locator("[data-tools]").screenshot(path=screenshot_dir / "day-tools-phone.png")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_live_totals_add_a_box_over_sixty_and_mark_its_hour(
    page: Page, live_server, log_in, screenshot_dir, viewport
):
    page.set_viewport_size(viewport)
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    log_in("anna")
    page.goto(day_url(live_server, FRIDAY))
    open_row(page, "direct-meeting")
    cell(page, "direct-meeting", 1).fill("70")
    open_row(page, "direct-phone")
    cell(page, "direct-phone", 2).fill("x")

    expect(row_total(page, "direct-meeting")).to_have_text("70")
    expect(hour_total(page, 1)).to_have_text("70")
    expect(page.locator(".diary-sum", has=hour_total(page, 1))).to_have_class("diary-sum over")
    expect(page.locator(".diary-sum.over")).to_have_count(1)
    expect(page.locator("[data-day-total]")).to_have_text("70")
    expect(cell(page, "direct-meeting", 1)).to_have_attribute("aria-invalid", "true")
    with translation.override("en"):
        over = Template("{% load i18n %}{% translate '%(time)s: %(total)s min – max 60' %}").render(Context())
    expect(page.locator("#row-direct-meeting [data-row-warning] > *")).to_have_text(
        [over % {"time": "08–09", "total": 70}]
    )
    page.screenshot(path=screenshot_dir / f"day-over-sixty-box-{viewport['width']}.png")

    # The server says the same after a save: the row, the hour and the day count the 70, the hour is marked.
    page.click(".diary-actions button[name=draft]")
    expect(page.locator("#errors")).to_be_visible()
    expect(row_total(page, "direct-meeting")).to_have_text("70")
    expect(hour_total(page, 1)).to_have_text("70")
    expect(page.locator(".diary-sum.over")).to_have_count(1)
    expect(page.locator("[data-day-total]")).to_have_text("70")
    page.screenshot(path=screenshot_dir / f"day-over-sixty-box-refused-{viewport['width']}.png")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_one_save_shows_every_error_beside_its_box_and_in_a_list_that_leads_there(
    page: Page, live_server, log_in, screenshot_dir, viewport
):
    page.set_viewport_size(viewport)
    log_in("anna")
    page.goto(day_url(live_server, FRIDAY))
    open_row(page, "invoices")
    cell(page, "invoices", 1).fill("40")
    cell(page, "invoices", 5).fill("75")
    open_row(page, "documentation")
    cell(page, "documentation", 1).fill("30")
    cell(page, "documentation", 2).fill("1,5")

    page.click("button[name=draft]")
    summary = page.locator("#errors")
    expect(summary).to_be_focused()
    invoices = Task.objects.get(survey__slug=ROUND_SLUG, code="invoices").label
    documentation = Task.objects.get(survey__slug=ROUND_SLUG, code="documentation").label
    # In the form's order: rows top to bottom (documentation comes before invoices), then the hours.
    expected = [
        sv("%(where)s: enter the minutes as a whole number from 0 to 60.") % {"where": f"{documentation}, 09–10"},
        sv("%(where)s: %%(value)s minutes is not allowed; an hour has at most 60.")
        % {"where": f"{invoices}, 12–13"}
        % {"value": 75},
        sv("%(time)s: the tasks add up to %(total)d minutes, but an hour has at most 60.")
        % {"time": "08–09", "total": 70},
    ]
    # Every rule in the first save: the wrong boxes, and the hour the valid ones make too full.
    expect(summary.get_by_role("link")).to_have_text(expected)
    for message in expected:
        expect(page.locator(".diary-errors", has_text=message).first).to_be_visible()

    # The typed values stay, wholly visible: no icon over the digits.
    typed = cell(page, "invoices", 5)
    expect(typed).to_have_value("75")
    expect(typed).to_have_css("background-image", "none")
    assert typed.evaluate("input => input.scrollWidth <= input.clientWidth")
    # Marked: the two wrong boxes and the two with minutes in the full hour; nothing else.
    expect(page.locator("input[data-hour][aria-invalid=true]")).to_have_count(4)
    expect(page.locator("input[data-hour].is-invalid")).to_have_count(4)
    page.screenshot(path=screenshot_dir / f"day-every-error-{viewport['width']}.png", full_page=True)

    summary.get_by_role("link", name=expected[0]).click()
    expect(cell(page, "documentation", 2)).to_be_focused()
    expect(cell(page, "documentation", 2)).to_be_in_viewport()
    assert friday_status() is None


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_submit_with_errors_also_lists_missing_ratings_so_one_round_of_corrections_is_enough(
    page: Page, live_server, log_in, screenshot_dir, viewport
):
    page.set_viewport_size(viewport)
    log_in("anna")
    page.goto(day_url(live_server, FRIDAY))
    for task in ("invoices", "documentation", "planning"):
        open_row(page, task)
    cell(page, "invoices", 1).fill("70")
    cell(page, "documentation", 2).fill("abc")
    cell(page, "planning", 3).fill("20")
    rate(page, "planning", "value", 3)

    page.click(".diary-actions button[name=submit]")

    summary = page.locator("#errors")
    expect(summary).to_be_focused()
    labels = {task.code: task.label for task in Task.objects.filter(survey__slug=ROUND_SLUG)}
    expect(summary).to_contain_text(
        sv("%(where)s: %%(value)s minutes is not allowed; an hour has at most 60.")
        % {"where": f"{labels['invoices']}, 08–09"}
        % {"value": 70}
    )
    expect(summary).to_contain_text(
        sv("%(where)s: enter the minutes as a whole number from 0 to 60.")
        % {"where": f"{labels['documentation']}, 09–10"}
    )
    with translation.override("sv"):
        both = gettext("missing: both ratings")
        no_function = gettext("missing: %(scale)s") % {"scale": gettext("how well the task worked")}
    expect(page.get_by_test_id("unrated-with-errors").get_by_role("listitem")).to_have_text(
        [
            f"{labels['documentation']} – {both}",
            f"{labels['planning']} – {no_function}",
            f"{labels['invoices']} – {both}",
        ]
    )
    expect(page.get_by_test_id("submit-anyway")).to_have_count(0)
    page.screenshot(path=screenshot_dir / f"day-errors-and-unrated-{viewport['width']}.png", full_page=True)
    assert friday_status() is None

    # Everything corrected in one go: the next submit goes through without a question.
    cell(page, "invoices", 1).fill("50")
    cell(page, "documentation", 2).fill("10")
    for task in ("invoices", "documentation", "planning"):
        rate(page, task, "value", 2)
        rate(page, task, "function", 3)
    page.click(".diary-actions button[name=submit]")
    expect(page.get_by_role("status").filter(has_text=sv("The day is submitted. Thank you!"))).to_be_visible()
    assert friday_status() == DiaryDay.Status.SUBMITTED


def _fill_with_an_unrated_row(page: Page) -> None:
    """Friday with minutes on three rows: documentation has a value but no "how well it worked" rating, budget
    the other way round, invoices both."""
    cell(page, "documentation", 1).fill("30")
    rate(page, "documentation", "value", 3)
    cell(page, "invoices", 2).fill("45")
    rate(page, "invoices", "value", 2)
    rate(page, "invoices", "function", 1)
    open_row(page, "budget")
    cell(page, "budget", 3).fill("10")
    rate(page, "budget", "function", 2)


def _answer_the_unrated_question(page: Page) -> None:
    """Submit, see the question name each unrated task with the rating it lacks and nothing stored."""
    page.click(".diary-actions button[name=submit]")
    question = page.get_by_test_id("unrated")
    expect(question).to_contain_text(sv("Submit anyway?"))
    documentation = Task.objects.get(survey__slug=ROUND_SLUG, code="documentation")
    budget = Task.objects.get(survey__slug=ROUND_SLUG, code="budget")
    with translation.override("sv"):
        lacks_function = gettext("missing: %(scale)s") % {"scale": gettext("how well the task worked")}
        lacks_value = gettext("missing: %(scale)s") % {"scale": gettext("value for the operation")}
    expect(question.get_by_role("listitem")).to_have_text(
        [f"{documentation.label} – {lacks_function}", f"{budget.label} – {lacks_value}"]
    )
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
    budget = saved_line("budget")
    assert (budget.minutes, budget.value, budget.function) == (10, None, 2)


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


def _withdraw_wednesday(page: Page, live_server) -> None:
    """Anna's submitted Wednesday saved as a draft: the button says it withdraws, and the server asks first."""
    page.goto(day_url(live_server, WEDNESDAY))
    assert DiaryDay.objects.get(participant__user__username="anna", date=WEDNESDAY).status == "submitted"
    draft = page.get_by_test_id("save-draft")
    expect(draft).to_have_text(sv("Withdraw and save as draft"))
    draft.click()
    question = page.get_by_test_id("withdraw")
    expect(question).to_contain_text(sv("Withdraw the submission?"))
    expect(question).to_contain_text(
        sv_template(
            "This day is submitted. Saved as a draft, it no longer counts in any figure until it is submitted again. "
            "Nothing is saved yet."
        )
    )
    expect(question).to_be_focused()
    expect(question).to_be_in_viewport()
    assert DiaryDay.objects.get(participant__user__username="anna", date=WEDNESDAY).status == "submitted"


def _assert_withdrawn(page: Page) -> None:
    message = sv(
        "The day is saved as a draft and is no longer submitted: it does not count in the figures until you submit "
        "it again."
    )
    expect(page.get_by_role("status").filter(has_text=message)).to_be_visible()
    expect(page.locator("main .badge")).to_have_text(sv("Draft"))
    expect(page.get_by_test_id("save-draft")).to_have_text(sv("Save draft"))
    assert DiaryDay.objects.get(participant__user__username="anna", date=WEDNESDAY).status == "draft"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_saving_a_submitted_day_as_a_draft_asks_and_says_it_no_longer_counts(
    page: Page, live_server, log_in, screenshot_dir, viewport
):
    page.set_viewport_size(viewport)
    log_in("anna")
    _withdraw_wednesday(page, live_server)
    page.screenshot(path=screenshot_dir / f"day-withdraw-question-{viewport['width']}.png")

    page.get_by_test_id("withdraw-confirm").click()

    _assert_withdrawn(page)
    page.screenshot(path=screenshot_dir / f"day-withdrawn-{viewport['width']}.png")


@pytest.mark.browser_context_args(java_script_enabled=False)
def test_withdrawing_a_submitted_day_works_without_javascript(page: Page, live_server, log_in):
    log_in("anna")
    _withdraw_wednesday(page, live_server)
    page.get_by_test_id("withdraw-confirm").click()
    _assert_withdrawn(page)


def test_the_day_fits_a_phone_without_sideways_scrolling(page: Page, live_server, log_in, screenshot_dir):
    log_in("anna")
    page.set_viewport_size(PHONE)
    for name, url in (("home", live_server.url + reverse("home")), ("day", day_url(live_server, THURSDAY))):
        page.goto(url)
        page_width = page.evaluate("document.documentElement.scrollWidth")
        assert page_width <= page.evaluate("window.innerWidth"), f"{name} is {page_width}px wide on a 375px phone"
        page.screenshot(path=screenshot_dir / f"{name}-phone.png", full_page=True)

    # The phone shows each row as a card: its boxes are big enough to tap and their text too big to zoom into.
    box = cell(page, "documentation", 1).bounding_box()
    assert box["width"] >= 40 and box["height"] >= 44, box
    expect(cell(page, "documentation", 1)).to_have_css("font-size", "16px")
    expect(cell(page, "documentation", 1)).to_have_attribute("inputmode", "numeric")
    for target in (
        "label[for='id_documentation-value_3']",
        ".diary-actions button[name=submit]",
        "#row-budget [data-expand]",
    ):
        height = page.locator(target).bounding_box()["height"]
        assert height >= 44, f"{target} is {height}px high"
    expect(page.locator(".diary-head")).to_be_hidden()
    expect(page.locator("#row-documentation .hour-caption").first).to_have_text("08–09")

    page.goto(day_url(live_server, FRIDAY))
    for task in ("documentation", "invoices"):
        open_row(page, task)
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


def test_a_phone_folds_the_tasks_without_entries_and_unfolds_them_on_request(
    page: Page, live_server, log_in, screenshot_dir
):
    page.set_viewport_size(PHONE)
    log_in("anna")
    page.goto(day_url(live_server, THURSDAY))
    rows = page.locator("[data-row]")
    filled = DiaryLine.objects.filter(day__participant__user__username="anna", day__date=THURSDAY)
    filled_codes = set(filled.values_list("task__code", flat=True))
    assert 0 < len(filled_codes) < rows.count()
    # The rows with entries are open; the others are one line each, with a button that says so.
    expect(page.locator("[data-row].is-collapsed")).to_have_count(rows.count() - len(filled_codes))
    for code in filled_codes:
        expect(page.locator(f"#row-{code}")).not_to_have_class(re.compile("is-collapsed"))
    folded = page.locator("[data-row].is-collapsed").first
    expect(folded.locator("[data-expand]")).to_have_attribute("aria-expanded", "false")
    assert folded.bounding_box()["height"] < 80
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 4000, f"a filled day is {height}px long on a phone"
    page.screenshot(path=screenshot_dir / "diary-day-phone-full.png", full_page=True)
    # For the README: open rows with their hours on one line, folded ones, and the bar with the day's total.
    page.locator(".diary-category").nth(1).evaluate("heading => heading.scrollIntoView()")
    page.screenshot(path=screenshot_dir / "diary-day-phone.png")

    # Tapping anywhere on a folded line opens it on its first hour box.
    folded.scroll_into_view_if_needed()
    box = folded.bounding_box()
    code = folded.get_attribute("id").removeprefix("row-")
    page.mouse.click(box["x"] + 30, box["y"] + box["height"] / 2)
    expect(cell(page, code, 1)).to_be_focused()
    expect(page.locator(f"#expand-{code}")).to_have_attribute("aria-expanded", "true")

    page.get_by_role("button", name=sv_template("Show all tasks")).click()
    expect(page.locator("[data-row].is-collapsed")).to_have_count(0)
    page.get_by_role("button", name=sv_template("Show only filled tasks")).click()
    expect(page.locator("[data-row].is-collapsed")).to_have_count(rows.count() - len(filled_codes))

    # A wide screen shows the paper form's every row, whatever was folded.
    page.set_viewport_size(DESKTOP)
    expect(page.locator("[data-row] input[data-hour]:visible")).to_have_count(rows.count() * 8)
    expect(page.locator("[data-expand]:visible")).to_have_count(0)
    expect(page.locator(".diary-head")).to_contain_text("08–09")
    # As tall as the day, so the sticky buttons sit below the totals where a reader expects them.
    page.set_viewport_size({"width": DESKTOP["width"], "height": page.evaluate("document.body.scrollHeight")})
    page.screenshot(path=screenshot_dir / "diary-day.png", full_page=True)


@pytest.mark.browser_context_args(java_script_enabled=False)
def test_without_javascript_a_phone_shows_every_row(page: Page, live_server, log_in):
    page.set_viewport_size(PHONE)
    log_in("anna")
    page.goto(day_url(live_server, FRIDAY))
    expect(page.locator("[data-row] input[data-hour]:visible")).to_have_count(page.locator("[data-row]").count() * 8)
    expect(page.locator("[data-expand]:visible")).to_have_count(0)


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
    first_task = page.locator("[data-row]").first.get_attribute("id").removeprefix("row-")

    # The first Tab reaches the skip link, and the skip link the grid's first stop.
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text(sv_template("Skip to the diary"))
    page.keyboard.press("Enter")
    if viewport == PHONE:
        # A day not started is folded on a phone: the first stop is the first task's line; Enter opens it.
        assert _focused(page) == f"expand-{first_task}"
        page.keyboard.press("Enter")
    assert _focused(page) == f"id_{first_task}-h1"

    page.keyboard.type("30")
    page.keyboard.press("Tab")
    assert _focused(page) == f"id_{first_task}-h2"
    page.keyboard.type("15")
    expect(row_total(page, first_task)).to_have_text("45")
    for _hour in range(3, 9):
        page.keyboard.press("Tab")
    assert _focused(page) == f"id_{first_task}-h8"

    # Into the value group: a digit picks its rating, and the focus ring shows where one is.
    page.keyboard.press("Tab")
    assert _focused(page).startswith(f"id_{first_task}-value_")
    page.keyboard.press("3")
    expect(rating(page, first_task, "value", 3)).to_be_checked()
    label = page.locator(f"label[for='id_{first_task}-value_3']")
    assert label.evaluate("element => getComputedStyle(element).boxShadow") != "none", "no visible focus"
    page.keyboard.press("-")
    expect(rating(page, first_task, "value", 0)).to_be_checked()
    page.keyboard.press("4")
    page.keyboard.press("0")
    expect(rating(page, first_task, "value", 0)).to_be_checked()
    page.keyboard.press("3")

    # The arrows stop at the ends: left from "–" stays on "–", right from 4 stays on 4.
    page.keyboard.press("Tab")
    assert _focused(page) == f"id_{first_task}-function_0"
    page.keyboard.press("ArrowLeft")
    expect(rating(page, first_task, "function", 0)).to_be_checked()
    assert _focused(page) == f"id_{first_task}-function_0"
    for arrow in ("ArrowRight", "ArrowRight", "ArrowRight", "ArrowRight", "ArrowRight", "ArrowLeft"):
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
    page.evaluate(AXE.read_text())  # not a <script> tag: the Content-Security-Policy refuses inline ones
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
    pages["day not started, folded"] = _axe_violations(page)
    for task in ("documentation", "invoices"):
        open_row(page, task)
    cell(page, "documentation", 1).fill("40")
    cell(page, "invoices", 1).fill("30")
    expect(page.locator("[data-row-warning]")).to_have_count(2)
    pages["day with live warning"] = _axe_violations(page)
    page.click("button[name=submit]")
    expect(page.locator("#errors")).to_be_visible()
    pages["day refused by the server"] = _axe_violations(page)
    _assert_no_violations(pages)


def test_enter_in_a_field_saves_a_draft(page: Page, live_server, log_in):
    log_in("anna")
    page.goto(day_url(live_server, FRIDAY))
    cell(page, "invoices", 2).fill("45")
    cell(page, "invoices", 2).press("Enter")

    expect(page.get_by_role("status").filter(has_text=sv("The day is saved as a draft."))).to_be_visible()
    assert friday_status() == DiaryDay.Status.DRAFT
    assert saved_line("invoices").h2 == 45


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_starting_from_the_previous_day_over_unsaved_input_asks_first(page: Page, live_server, log_in, viewport):
    page.set_viewport_size(viewport)
    log_in("anna")
    page.goto(day_url(live_server, FRIDAY))
    open_row(page, "budget")
    cell(page, "budget", 4).fill("25")
    asked = dismiss_next_dialog(page)
    page.get_by_test_id("from-previous").click()
    expect(cell(page, "budget", 4)).to_have_value("25")
    assert asked == [
        sv_template(
            "Replace the rows now on this day with the rows of your previous day? Everything on the page, ratings and "
            "notes too, is replaced, and what you have typed is lost."
        )
    ]
    assert "from=previous" not in page.url

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("from-previous").click()
    expect(page.get_by_test_id("prefilled")).to_be_visible()
    assert page.url.endswith("?from=previous")
    # Thursday's minutes replace what was typed (the ratings are left for today).
    for line in DiaryLine.objects.filter(day__participant__user__username="anna", day__date=THURSDAY):
        for hour, minutes in enumerate(line.hour_minutes(8), start=1):
            expect(cell(page, line.task.code, hour)).to_have_value(str(minutes) if minutes else "")
    if not DiaryLine.objects.filter(day__date=THURSDAY, task__code="budget", h4=25).exists():
        expect(cell(page, "budget", 4)).not_to_have_value("25")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_starting_from_the_previous_day_over_a_saved_day_asks_first(page: Page, live_server, log_in, viewport):
    """Thursday is a saved draft: nothing is typed, but its rows and ratings on the page would be replaced."""
    page.set_viewport_size(viewport)
    log_in("anna")
    page.goto(day_url(live_server, THURSDAY))
    thursday = list(DiaryLine.objects.filter(day__participant__user__username="anna", day__date=THURSDAY))
    rated = next(line for line in thursday if line.function)
    asked = dismiss_next_dialog(page)
    page.get_by_test_id("from-previous").click()
    assert asked == [
        sv_template(
            "Replace the rows now on this day with the rows of your previous day? Everything on the page, ratings and "
            "notes too, is replaced. The saved day stays as it is until you save."
        )
    ]
    assert "from=previous" not in page.url
    expect(rating(page, rated.task.code, "function", rated.function)).to_be_checked()

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("from-previous").click()
    expect(page.get_by_test_id("prefilled")).to_contain_text(
        sv("The day you saved before stays as it was until you save.")
    )
    expect(rating(page, rated.task.code, "function", rated.function)).not_to_be_checked()
    # Nothing is stored by filling in: the draft keeps its rows and ratings.
    assert sorted((line.task.code, line.minutes, line.function) for line in thursday) == sorted(
        (line.task.code, line.minutes, line.function)
        for line in DiaryLine.objects.filter(day__participant__user__username="anna", day__date=THURSDAY)
    )


def test_nothing_typed_needs_no_question_and_unsaved_input_asks_before_leaving(page: Page, live_server, log_in):
    log_in("anna")
    page.goto(day_url(live_server, FRIDAY))
    dialogs: list[str] = []
    answer = {"leave": False}

    def respond(dialog):
        dialogs.append(dialog.type)
        dialog.accept() if answer["leave"] else dialog.dismiss()

    page.on("dialog", respond)
    page.get_by_test_id("from-previous").click()
    expect(page.get_by_test_id("prefilled")).to_be_visible()
    assert dialogs == []  # nothing was typed, so nothing could be lost

    # The filled-in rows are not stored either: leaving them asks, and staying keeps them.
    page.click("a[rel=prev]")
    page.wait_for_timeout(300)
    assert dialogs == ["beforeunload"]
    assert page.url.endswith("?from=previous")

    answer["leave"] = True
    page.goto(day_url(live_server, FRIDAY))
    answer["leave"] = False
    dialogs.clear()
    cell(page, "invoices", 1).fill("20")
    page.click("a[rel=prev]")
    page.wait_for_timeout(300)
    assert dialogs == ["beforeunload"]
    assert page.url == day_url(live_server, FRIDAY)
    expect(cell(page, "invoices", 1)).to_have_value("20")

    # Saving is not leaving: no question, and the saved page has nothing unsaved.
    page.click(".diary-actions button[name=draft]")
    expect(page.get_by_role("status").filter(has_text=sv("The day is saved as a draft."))).to_be_visible()
    page.click("a[rel=prev]")
    page.wait_for_url(day_url(live_server, THURSDAY))
    assert dialogs == ["beforeunload"]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_filled_day_prints_on_one_a4_page_without_the_menu(page: Page, live_server, log_in, screenshot_dir, viewport):
    page.set_viewport_size(viewport)
    log_in("anna")
    page.goto(day_url(live_server, THURSDAY))
    page.emulate_media(media="print")
    expect(page.locator("nav.navbar")).to_be_hidden()
    expect(page.locator(".diary-actions")).to_be_hidden()
    expect(page.locator("[data-testid=from-previous]")).to_be_hidden()
    # Every row in the paper form's columns, folded or not.
    expect(page.locator(".diary-head")).to_be_visible()
    expect(page.locator("[data-row] input[data-hour]:visible")).to_have_count(page.locator("[data-row]").count() * 8)

    pdf = page.pdf(prefer_css_page_size=True)
    (screenshot_dir / f"day-print-{viewport['width']}.pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert pages == 1, f"a filled day prints on {pages} pages"


def test_a_save_from_a_second_open_copy_of_the_day_is_refused_and_keeps_what_was_typed(
    page: Page, live_server, log_in, browser, browser_context_args, screenshot_dir
):
    """The same manager with the day open on a phone and a laptop: the laptop's later save shows what the
    phone saved, keeps what the laptop typed, and saving again stores it."""
    log_in("anna")
    page.goto(day_url(live_server, FRIDAY))
    laptop_context = browser.new_context(**browser_context_args)
    laptop = laptop_context.new_page()
    laptop_messages = watch_console(laptop)
    try:
        laptop.goto(live_server.url + reverse("login"))
        laptop.fill("input[name=username]", "anna")
        laptop.fill("input[name=password]", DEMO_PASSWORD)
        laptop.click("main form button[type=submit]")
        laptop.wait_for_url(lambda url: "login" not in url)
        laptop.goto(day_url(live_server, FRIDAY))

        cell(page, "invoices", 1).fill("20")
        page.click("button[name=draft]")
        expect(page.get_by_role("status").filter(has_text=sv("The day is saved as a draft."))).to_be_visible()

        cell(laptop, "invoices", 1).fill("45")
        with laptop.expect_response(lambda response: response.request.method == "POST") as answer:
            laptop.click("button[name=draft]")
        assert answer.value.status == 409
        conflict = laptop.get_by_test_id("conflict")
        expect(conflict).to_be_visible()
        invoices = Task.objects.get(survey__slug=ROUND_SLUG, code="invoices").label
        expect(conflict).to_contain_text(f"{invoices}, 08–09")
        expect(conflict).to_contain_text("20 min")
        expect(conflict).to_contain_text("45 min")
        expect(cell(laptop, "invoices", 1)).to_have_value("45")
        assert saved_line("invoices").h1 == 20
        laptop.screenshot(path=screenshot_dir / "day-changed-elsewhere.png", full_page=True)

        laptop.click("button[name=draft]")
        expect(laptop.get_by_role("status").filter(has_text=sv("The day is saved as a draft."))).to_be_visible()
        assert saved_line("invoices").h1 == 45
        assert console_problems(laptop_messages) == []
    finally:
        laptop_context.close()


def thursday() -> DiaryDay | None:
    return DiaryDay.objects.filter(participant__user__username="anna", date=THURSDAY).first()


def _clear_thursday_after_asking(page: Page, live_server) -> None:
    page.goto(day_url(live_server, THURSDAY))
    before = thursday()
    assert before is not None and before.lines.exists()

    # "No" goes back to the day as it was.
    page.get_by_test_id("clear-day").click()
    expect(page.get_by_test_id("clear-question")).to_be_visible()
    page.get_by_test_id("clear-cancel").click()
    page.wait_for_url(day_url(live_server, THURSDAY))
    assert thursday().version == before.version

    # "Yes" empties it: the day is not started, and nothing is left to clear.
    page.get_by_test_id("clear-day").click()
    page.get_by_test_id("clear-confirm").click()
    page.wait_for_url(day_url(live_server, THURSDAY))
    expect(page.get_by_test_id("clear-day")).to_have_count(0)
    expect(page.locator("[data-day-total]")).to_have_text("0")
    assert thursday() is None


def test_clearing_a_day_asks_first_and_then_empties_it(page: Page, live_server, log_in, screenshot_dir):
    log_in("anna")
    page.goto(day_url(live_server, THURSDAY))
    cell(page, "budget", 2).fill("5")  # typed, not saved: the question page says it is not kept

    page.get_by_test_id("clear-day").click()
    expect(page.get_by_test_id("clear-question")).to_be_visible()
    page.screenshot(path=screenshot_dir / "day-clear-question.png")
    _assert_no_violations({"the question before clearing a day": _axe_violations(page)})

    _clear_thursday_after_asking(page, live_server)


@pytest.mark.browser_context_args(java_script_enabled=False)
def test_clearing_a_day_works_without_javascript(page: Page, live_server, log_in):
    log_in("anna")

    _clear_thursday_after_asking(page, live_server)


@pytest.mark.browser_context_args(java_script_enabled=False)
def test_without_javascript_a_phone_shows_the_menu_open(page: Page, live_server, log_in, screenshot_dir):
    page.set_viewport_size(PHONE)
    log_in("anna")
    page.goto(day_url(live_server, FRIDAY))
    expect(page.locator(".navbar-toggler")).to_be_hidden()
    for name in (sv("Log out"), "English"):
        expect(page.locator("#mainmenu").get_by_role("button", name=name)).to_be_visible()
    page.screenshot(path=screenshot_dir / "menu-without-javascript-phone.png")


def test_with_javascript_a_phone_opens_the_menu_with_its_button(page: Page, live_server, log_in):
    page.set_viewport_size(PHONE)
    log_in("anna")
    page.goto(day_url(live_server, FRIDAY))
    log_out = page.locator("#mainmenu").get_by_role("button", name=sv("Log out"))
    expect(log_out).to_be_hidden()
    page.locator(".navbar-toggler").click()
    expect(log_out).to_be_visible()
