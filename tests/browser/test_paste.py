"""Cells copied from a spreadsheet and pasted into an hour box, in a real browser: they spread over the row's
following hours and, a copied row at a time, over the following task rows, as a spreadsheet pastes them; the
totals follow as if typed, what falls outside the grid is named, and saving stores exactly the pasted minutes.

Excel puts the cells on the clipboard as text: a tab between cells, a line break (CR LF) after every row."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext, ngettext
from playwright.sync_api import Page, expect

from surveys.demo import ROUND_SLUG
from surveys.models import DiaryDay, DiaryLine, Survey, Task
from surveys.tasknames import diary_labels

from .conftest import PHONE
from .test_diary import cell, hour_total, open_row, row_total, sv, sv_template

pytestmark = pytest.mark.django_db(transaction=True)

FRIDAY = dt.date(2026, 11, 20)  # not started by anna, nor by the demo's number 5
KEYED = 5  # the participant whose paper form the administrator keys in

# A box's value per (task, hour), as the page should show it; every box not listed is empty.
Boxes = dict[tuple[str, int], str]


def paste(page: Page, task: str, hour: int, text: str) -> None:
    """Put `text` on the clipboard and paste it into a box with Ctrl+V, as a person does."""
    page.evaluate("text => navigator.clipboard.writeText(text)", text)
    cell(page, task, hour).focus()
    page.keyboard.press("Control+V")


@pytest.fixture
def clipboard(context, live_server):
    """The browser lets the tests' pages write the clipboard, as a person copies in Excel."""
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)


def task_order(page: Page) -> list[str]:
    """The task codes of the grid's rows, top to bottom: "the following task row" is the next of these."""
    return page.locator("[data-row]").evaluate_all("rows => rows.map(row => row.id.replace(/^row-/, ''))")


def minutes(value: str) -> int:
    return int(value) if value else 0


def expect_boxes(page: Page, tasks: list[str], hours: int, boxes: Boxes) -> None:
    """Every hour box of the grid holds what `boxes` says, and every total is the sum of the boxes' minutes."""
    for task in tasks:
        for hour in range(1, hours + 1):
            expect(cell(page, task, hour)).to_have_value(boxes.get((task, hour), ""))
    for task in {task for task, _ in boxes}:
        total = sum(minutes(value) for (row, _), value in boxes.items() if row == task and value.isdigit())
        expect(row_total(page, task)).to_have_text(str(total))
    for hour in range(1, hours + 1):
        total = sum(minutes(value) for (_, at), value in boxes.items() if at == hour and value.isdigit())
        expect(hour_total(page, hour)).to_have_text(str(total))
    day = sum(minutes(value) for value in boxes.values() if value.isdigit())
    expect(page.locator("[data-day-total]")).to_have_text(str(day))


def expect_stored(day: DiaryDay, hours: int, boxes: Boxes) -> None:
    """The day's lines are the rows with minutes, hour by hour, an empty box stored as 0."""
    expected = {
        task: [minutes(boxes.get((task, hour), "")) for hour in range(1, hours + 1)]
        for task in {task for task, _ in boxes}
    }
    stored = {
        line.task.code: [getattr(line, f"h{hour}") for hour in range(1, hours + 1)]
        for line in DiaryLine.objects.filter(day=day).select_related("task")
    }
    assert stored == expected
    assert day.minutes == sum(sum(row) for row in expected.values())


def hours_left_out(count: int, time: str) -> str:
    with translation.override("sv"):
        return ngettext(
            "%(count)s copied cell after the day's last hour (%(time)s) was not pasted.",
            "%(count)s copied cells after the day's last hour (%(time)s) were not pasted.",
            count,
        ) % {"count": count, "time": time}


def rows_left_out(count: int, task: str) -> str:
    with translation.override("sv"):
        return ngettext(
            "%(count)s copied row below the last task, “%(task)s”, was not pasted.",
            "%(count)s copied rows below the last task, “%(task)s”, were not pasted.",
            count,
        ) % {"count": count, "task": task}


def test_an_administrator_pastes_rows_of_excel_cells_into_a_paper_form(
    page: Page, live_server, log_in, clipboard, screenshot_dir
):
    survey = Survey.objects.get(slug=ROUND_SLUG)
    hours = survey.hours_per_day
    log_in("admin")
    page.goto(live_server.url + reverse("surveys:key_day", args=[ROUND_SLUG, KEYED, FRIDAY.isoformat()]))
    tasks = task_order(page)
    first = tasks.index("documentation")
    top, second, third, last = tasks[first], tasks[first + 1], tasks[first + 2], tasks[-1]

    # A box typed before the paste: the empty cell pasted over it empties it.
    cell(page, top, 3).press_sequentially("45")
    boxes: Boxes = {(top, 3): "45"}
    expect_boxes(page, tasks, hours, boxes)

    # Two rows copied from Excel, pasted into the second hour: each row's cells from that hour on, the second row
    # in the next task row; Excel's line break after the last row starts no row of its own.
    paste(page, top, 2, "30\t\t15\t0\r\n10\t20\t\t5\r\n")
    boxes = {(top, 2): "30", (top, 3): "", (top, 4): "15", (top, 5): "0"}
    boxes |= {(second, 2): "10", (second, 3): "20", (second, 4): "", (second, 5): "5"}
    expect_boxes(page, tasks, hours, boxes)
    expect(page.locator("[data-paste-note]")).to_have_count(0)
    expect(cell(page, top, 2)).to_be_focused()

    # The page knows the pasted day is not saved: leaving asks first.
    dialogs: list[str] = []

    def stay(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.once("dialog", stay)
    page.click("a[rel=prev]")
    page.wait_for_timeout(300)
    assert dialogs == ["beforeunload"]
    expect(cell(page, second, 5)).to_have_value("5")

    # Cells beyond the last hour and copied rows below the last task are not pasted, and the note says so; the
    # empty copied row at the end loses nothing and is not counted.
    paste(page, last, hours - 1, "5\t6\t7\t8\r\n1\t2\r\n\t\r\n")
    boxes |= {(last, hours - 1): "5", (last, hours): "6"}
    expect_boxes(page, tasks, hours, boxes)
    tasks_of_round = Task.objects.filter(survey=survey).select_related("category")
    last_label = diary_labels(tasks_of_round, "sv")[last]
    note = page.locator(f"#row-{last} [data-paste-note]")
    left_out = [hours_left_out(2, survey.hour_label(hours)), rows_left_out(1, last_label)]
    expect(note.locator("span")).to_have_text(left_out)
    expect(page.locator("[data-live-announce]")).to_have_text(" ".join(left_out))
    note.scroll_into_view_if_needed()
    page.screenshot(path=screenshot_dir / "key-day-pasted.png")

    # Cells that are not allowed minutes go in as they are, and the page's own checks mark them: "1,5" is not a
    # whole number, and 75 takes its hour over 60. Typing or pasting again takes the note away.
    paste(page, third, 1, "1,5\t75")
    boxes |= {(third, 1): "1,5", (third, 2): "75"}
    expect(page.locator("[data-paste-note]")).to_have_count(0)
    expect_boxes(page, tasks, hours, boxes)
    over = sum(minutes(value) for (_, hour), value in boxes.items() if hour == 2)
    invalid = sv_template("%(where)s: enter the minutes as a whole number from 0 to 60.")
    over_message = sv_template("%(time)s: %(total)s min – max 60")
    expect(page.locator(f"#row-{third} [data-row-warning] span")).to_have_text(
        [
            invalid % {"where": survey.hour_label(1)},
            over_message % {"time": survey.hour_label(2), "total": over},
        ]
    )
    expect(cell(page, third, 1)).to_have_attribute("aria-invalid", "true")
    expect(cell(page, third, 2)).to_have_attribute("aria-invalid", "true")

    # Corrected by pasting the right cells over them: the marks go.
    paste(page, third, 1, "15\t5\r\n")
    boxes |= {(third, 1): "15", (third, 2): "5"}
    expect_boxes(page, tasks, hours, boxes)
    expect(page.locator("[data-row-warning]")).to_have_count(0)
    expect(page.locator("[data-row] input.is-invalid")).to_have_count(0)

    page.click(".diary-actions button[name=draft]")
    with translation.override("sv"):
        stored = gettext("%(pseudonym)s, %(day)s: the paper form is stored as a draft.") % {
            "pseudonym": gettext("Manager no. %(number)s") % {"number": KEYED},
            "day": formats.date_format(FRIDAY, "l j F Y"),
        }
    expect(page.get_by_role("status").filter(has_text=stored)).to_be_visible()
    # The saved day shows its stored minutes, and a stored 0 as an empty box.
    expect_boxes(page, tasks, hours, {key: "" if value == "0" else value for key, value in boxes.items()})
    day = DiaryDay.objects.get(participant__survey=survey, participant__number=KEYED, date=FRIDAY)
    assert day.keyed_in_by.username == "admin"
    expect_stored(day, hours, boxes)


def test_a_manager_pastes_two_rows_on_a_phone_and_a_plain_number_pastes_as_usual(
    page: Page, live_server, log_in, clipboard, screenshot_dir
):
    survey = Survey.objects.get(slug=ROUND_SLUG)
    hours = survey.hours_per_day
    page.set_viewport_size(PHONE)
    log_in("anna")
    page.goto(live_server.url + reverse("surveys:day", args=[ROUND_SLUG, FRIDAY.isoformat()]))
    tasks = task_order(page)
    first = tasks.index("invoices")
    top, below = tasks[first], tasks[first + 1]
    open_row(page, top)
    # The next row is folded, as a phone folds a row without minutes.
    expect(cell(page, below, 1)).to_be_hidden()

    # A plain number is the browser's own paste, where the cursor is: after the 1 typed, it makes 15.
    cell(page, top, 1).press_sequentially("1")
    paste(page, top, 1, "5")
    expect(cell(page, top, 1)).to_have_value("15")

    # Cells as a spreadsheet app copies them, lines split by a bare line feed and no break at the end.
    paste(page, top, 1, "20\t10\n30")
    boxes: Boxes = {(top, 1): "20", (top, 2): "10", (below, 1): "30"}
    # The row that got minutes unfolds to show them.
    expect(cell(page, below, 1)).to_be_visible()
    expect_boxes(page, tasks, hours, boxes)

    # A cell beyond the last hour: the note stands under the row's hour boxes, above its ratings.
    paste(page, below, hours, "7\t8")
    boxes |= {(below, hours): "7"}
    expect_boxes(page, tasks, hours, boxes)
    note = page.locator(f"#row-{below} [data-paste-note]")
    expect(note).to_have_text(hours_left_out(1, survey.hour_label(hours)))
    note.scroll_into_view_if_needed()
    expect(note).to_be_in_viewport()
    page.screenshot(path=screenshot_dir / "day-pasted-phone.png")

    page.click("[data-testid=save-draft]")
    expect(page.get_by_role("status").filter(has_text=sv("The day is saved as a draft."))).to_be_visible()
    day = DiaryDay.objects.get(participant__user__username="anna", participant__survey=survey, date=FRIDAY)
    expect_stored(day, hours, boxes)
