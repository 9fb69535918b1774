"""The compare page's picker in a real browser: managers found as one types, ticked ones kept."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from surveys.demo import ROUND_SLUG

pytestmark = pytest.mark.django_db(transaction=True)


def test_typing_a_number_finds_managers_and_keeps_the_ticked_ones(page: Page, live_server, log_in):
    log_in("projekt")
    page.goto(live_server.url + reverse("analysis:compare", args=[ROUND_SLUG]))
    choices = page.locator("[data-compare-form] [data-matches] input[name=m]")
    expect(choices.first).to_be_visible()
    page.fill("#compare-q", "2")
    expect(choices).to_have_count(1)  # Chef nr 2 (the demo has ten managers)
    page.check("[data-compare-form] [data-matches] input[value='2']")
    page.fill("#compare-q", "8")
    # Chef nr 2 moved to the chosen ones; the matches are now Chef nr 8.
    expect(page.locator("[data-chosen] input[value='2']")).to_be_checked()
    expect(choices).to_have_count(1)
    page.check("[data-compare-form] [data-matches] input[value='8']")
    page.locator("[data-compare-form] button[type=submit]").click()
    page.wait_for_url("**/jamfor/?m=2&m=8")
    expect(page.locator("[data-compared] [data-number]")).to_have_count(2)
    page.fill("#compare-q", "99")
    expect(page.locator("[data-no-match]")).to_be_visible()
