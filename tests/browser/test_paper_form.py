"""The blank paper form in a real browser: reached from the round's page, printed to PDF by chromium,
it is one A4 page in landscape, for the demo round and for a round of 12 hours."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from surveys.demo import MUNICIPALITY, ROUND_SLUG
from surveys.models import MAX_HOURS, Municipality, Survey
from surveys.services import survey_create

pytestmark = pytest.mark.django_db(transaction=True)

PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?!s)\b")
MEDIA_BOX = re.compile(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]")
A4_LANDSCAPE = (842, 595)  # points


def printed(page) -> bytes:
    page.emulate_media(media="print")
    try:
        return page.pdf(prefer_css_page_size=True, print_background=True)
    finally:
        page.emulate_media(media="screen")


def assert_one_landscape_a4_page(pdf: bytes) -> None:
    assert len(PAGE_OBJECT.findall(pdf)) == 1
    boxes = {(round(float(width)), round(float(height))) for width, height in MEDIA_BOX.findall(pdf)}
    assert boxes and all(abs(w - A4_LANDSCAPE[0]) <= 2 and abs(h - A4_LANDSCAPE[1]) <= 2 for w, h in boxes), boxes


def open_paper_form(page, live_server, slug: str) -> None:
    page.goto(live_server.url + reverse("surveys:round", args=[slug]))
    page.get_by_test_id("paper-form").click()
    page.wait_for_url(live_server.url + reverse("surveys:paper_form", args=[slug]))


def test_the_demo_round_s_blank_form_prints_on_one_landscape_a4_page(page, live_server, log_in, screenshot_dir):
    log_in("admin")
    open_paper_form(page, live_server, ROUND_SLUG)
    survey = Survey.objects.get(slug=ROUND_SLUG)
    grid = page.get_by_test_id("paper-grid")
    expect(grid.locator("tbody th[scope=row]")).to_have_count(survey.tasks.count())
    expect(grid.locator("thead th")).to_have_count(1 + survey.hours_per_day + 3)
    print_button = page.locator("button[data-print]")
    expect(print_button).to_be_visible()

    paper = page.get_by_test_id("paper")
    paper.screenshot(path=screenshot_dir / "paper-form.png")

    pdf = printed(page)
    (screenshot_dir / "paper-form.pdf").write_bytes(pdf)
    assert_one_landscape_a4_page(pdf)

    # On paper: only the form, no menu and no Print button.
    page.emulate_media(media="print")
    expect(print_button).to_be_hidden()
    expect(page.locator("nav.navbar")).to_be_hidden()
    expect(paper).to_be_visible()


def test_a_round_of_twelve_hours_still_prints_on_one_page(page, live_server, log_in, screenshot_dir):
    log_in("projekt")
    long_day = survey_create(
        slug="langa-dagar",
        name="Långa dagar",
        municipality=Municipality.objects.get(name=MUNICIPALITY),
        start_date=Survey.objects.get(slug=ROUND_SLUG).start_date,
        end_date=Survey.objects.get(slug=ROUND_SLUG).end_date,
        hours_per_day=MAX_HOURS,
        first_hour=7,
        status=Survey.Status.OPEN,
    )
    open_paper_form(page, live_server, long_day.slug)
    heads = page.get_by_test_id("paper-grid").locator("thead th.paper-hour")
    expect(heads.first).to_contain_text("07–08")
    expect(heads.nth(MAX_HOURS - 1)).to_contain_text("18–19")

    pdf = printed(page)
    (screenshot_dir / "paper-form-12-hours.pdf").write_bytes(pdf)
    assert_one_landscape_a4_page(pdf)
