"""Paper forms in a real browser: an administrator keys one in through the picker, and uploads a diary
file, sees its bad row named, then previews and confirms a good one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from surveys.demo import ROUND_SLUG
from surveys.diaryfile import header
from surveys.models import DiaryDay, DiaryLine

from .conftest import console_problems, watch_console
from .test_diary import _assert_no_violations, _axe_violations, cell, rate, sv

pytestmark = pytest.mark.django_db(transaction=True)

FRIDAY = dt.date(2026, 11, 20)  # the demo's number 5 and number 9 have not started it


@pytest.fixture
def page(context, live_server):
    """As conftest's page (script errors and refusals of the Content-Security-Policy fail the test too),
    but a refused upload or pick answers 400 with its problems, as it should."""
    problems: list[str] = []
    page = context.new_page()
    upload = reverse("surveys:diary_upload", args=[ROUND_SLUG])
    picker = reverse("surveys:key_pick", args=[ROUND_SLUG])

    def check(response) -> None:
        refused_upload = response.request.method == "POST" and response.url.endswith(upload)
        refused_pick = picker + "?" in response.url
        expected = response.status == 400 and (refused_upload or refused_pick)
        if response.status >= 400 and not expected:
            problems.append(f"{response.status} {response.url}")

    messages = watch_console(page)
    page.on("response", check)
    page.set_default_timeout(10_000)
    yield page
    problems += console_problems(messages)
    assert not problems, "\n".join(problems)


def test_an_administrator_keys_in_a_paper_form(page: Page, live_server, log_in, screenshot_dir):
    log_in("admin")
    page.goto(live_server.url + reverse("surveys:round", args=[ROUND_SLUG]))
    page.click(f"a[href='{reverse('surveys:key_pick', args=[ROUND_SLUG])}']")

    page.select_option("#id_participant", "5")
    page.fill("#id_date", FRIDAY.isoformat())
    page.press("#id_date", "Enter")
    day_path = reverse("surveys:key_day", args=[ROUND_SLUG, 5, FRIDAY.isoformat()])
    page.wait_for_url(live_server.url + day_path)
    expect(page.get_by_test_id("keying-note")).to_be_visible()

    cell(page, "documentation", 1).press_sequentially("30")
    cell(page, "invoices", 2).press_sequentially("45")
    expect(page.locator("[data-day-total]")).to_have_text("75")
    for task in ("documentation", "invoices"):
        rate(page, task, "value", 3)
        rate(page, task, "function", 2)
    page.click("button[name=submit]")

    with translation.override("sv"):
        stored = gettext("%(pseudonym)s, %(day)s: the paper form is stored as submitted.") % {
            "pseudonym": gettext("Manager no. %(number)s") % {"number": 5},
            "day": formats.date_format(FRIDAY, "l j F Y"),
        }
    expect(page.get_by_role("status").filter(has_text=stored)).to_be_visible()
    expect(page.get_by_role("status").filter(has_text=sv("The day is submitted. Thank you!"))).to_have_count(0)
    expect(page.get_by_test_id("keyed-in-by")).to_contain_text("Thomas Ahl")
    expect(cell(page, "invoices", 2)).to_have_value("45")
    page.screenshot(path=screenshot_dir / "key-day.png", full_page=True)
    day = DiaryDay.objects.get(participant__survey__slug=ROUND_SLUG, participant__number=5, date=FRIDAY)
    assert (day.status, day.minutes, day.keyed_in_by.username) == ("submitted", 75, "admin")

    page.click(f"a[href='{reverse('surveys:key_pick', args=[ROUND_SLUG])}']")
    expect(page.get_by_test_id("recent").locator(f"a[href='{day_path}']")).to_be_visible()
    page.screenshot(path=screenshot_dir / "key-pick.png", full_page=True)


def _diary_file(path, rows) -> str:
    lines = [",".join(header(8)), *(",".join(str(cell) for cell in row) for row in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_an_administrator_uploads_a_diary_file(page: Page, live_server, log_in, tmp_path, screenshot_dir):
    friday = FRIDAY.isoformat()
    good = [
        [9, friday, "documentation", 30, 30, "", "", "", "", "", "", 3, 2, ""],
        [9, friday, "payroll-hr", 30, 15, "", "", "", "", "", "", 2, 1, "Lönesystemet"],
    ]
    bad = [*good, [9, friday, "kaffe", "", "", 10, "", "", "", "", "", "", "", ""]]
    lines_before = DiaryLine.objects.count()
    log_in("admin")
    page.goto(live_server.url + reverse("surveys:round", args=[ROUND_SLUG]))
    page.click(f"a[href='{reverse('surveys:diary_upload', args=[ROUND_SLUG])}']")

    page.set_input_files("input[type=file]", _diary_file(tmp_path / "bad.csv", bad))
    page.click("main form[enctype] button[type=submit]")
    errors = page.get_by_test_id("errors")
    expect(errors.locator("tbody tr")).to_have_count(1)
    expect(errors.locator("tbody tr")).to_contain_text("”kaffe”")
    page.screenshot(path=screenshot_dir / "diary-upload-errors.png", full_page=True)
    assert DiaryLine.objects.count() == lines_before

    page.set_input_files("input[type=file]", _diary_file(tmp_path / "good.csv", good))
    page.click("main form[enctype] button[type=submit]")
    preview = page.get_by_test_id("preview")
    expect(preview.locator("tbody tr")).to_have_count(1)
    expect(preview.locator("tbody td").nth(1)).to_have_text("2")
    expect(preview.locator("tbody td").nth(2)).to_have_text("105")
    page.screenshot(path=screenshot_dir / "diary-upload-preview.png", full_page=True)
    assert DiaryLine.objects.count() == lines_before

    page.click("button[name=confirm]")
    page.wait_for_url(live_server.url + reverse("surveys:round", args=[ROUND_SLUG]))
    expect(page.get_by_role("status").first).to_be_visible()
    day = DiaryDay.objects.get(participant__survey__slug=ROUND_SLUG, participant__number=9, date=FRIDAY)
    assert (day.status, day.minutes, day.lines.count()) == ("submitted", 105, 2)
    assert DiaryLine.objects.count() == lines_before + 2


def test_the_paper_pages_pass_axe(page: Page, live_server, log_in):
    log_in("admin")
    pages = {}
    for name, url in (
        ("blank form", reverse("surveys:paper_form", args=[ROUND_SLUG])),
        ("picker", reverse("surveys:key_pick", args=[ROUND_SLUG])),
        ("keying a day", reverse("surveys:key_day", args=[ROUND_SLUG, 5, FRIDAY.isoformat()])),
        ("upload", reverse("surveys:diary_upload", args=[ROUND_SLUG])),
    ):
        page.goto(live_server.url + url)
        pages[name] = _axe_violations(page)
    page.goto(live_server.url + reverse("surveys:key_pick", args=[ROUND_SLUG]) + "?participant=&date=2020-01-01")
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    pages["picker refused"] = _axe_violations(page)
    _assert_no_violations(pages)
