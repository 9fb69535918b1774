"""Typing on the day page survives what used to throw it away: a session that ran out before the save, and
"No, keep the day" on the clearing question. On a phone, as the managers fill their diary."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from surveys.demo import DEMO_PASSWORD, ROUND_SLUG
from surveys.models import DiaryLine
from tests.conftest import sessions_expire_at

from .conftest import PHONE

pytestmark = pytest.mark.django_db(transaction=True)

FRIDAY = dt.date(2026, 11, 20)  # anna's day that is not started
THURSDAY = dt.date(2026, 11, 19)  # anna's draft


def sv(message: str) -> str:
    with translation.override("sv"):
        return gettext(message)


def day_path(date: dt.date) -> str:
    return reverse("surveys:day", args=[ROUND_SLUG, date.isoformat()])


def test_a_day_typed_after_the_session_ran_out_comes_back_unsaved_after_signing_in(
    page: Page, live_server, log_in, screenshot_dir
):
    page.set_viewport_size(PHONE)
    log_in("anna")
    page.goto(live_server.url + day_path(FRIDAY))
    page.click("[data-toggle-all]")
    page.locator("#id_documentation-h1").press_sequentially("30")
    # What the idle timeout does on the server: the session is gone, the browser still names it.
    sessions_expire_at(None)

    page.click("[data-testid=save-draft]")

    page.wait_for_url(lambda url: reverse("login") in url)
    page.fill("input[name=username]", "anna")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(live_server.url + day_path(FRIDAY))
    expect(page.locator("#id_documentation-h1")).to_have_value("30")
    expect(
        page.get_by_text(
            sv(
                "You were logged out before the day was saved. What you typed is filled in again but not saved "
                "– save now."
            )
        )
    ).to_be_visible()
    expect(page.locator("[data-day-total]")).to_have_text("30")
    page.screenshot(path=str(screenshot_dir / "day-restored-after-timeout-phone.png"), full_page=False)
    assert not DiaryLine.objects.filter(day__date=FRIDAY, day__participant__user__username="anna").exists()

    # Saved now, by the manager.
    page.click("[data-testid=save-draft]")
    expect(page.locator("#id_documentation-h1")).to_have_value("30")
    assert DiaryLine.objects.filter(day__date=FRIDAY, day__participant__user__username="anna").exists()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_no_keep_the_day_brings_back_the_typing(browser, browser_context_args, live_server, demo, javascript):
    context = browser.new_context(**{**browser_context_args, "viewport": PHONE, "java_script_enabled": javascript})
    page = context.new_page()
    try:
        page.goto(live_server.url + reverse("login"))
        page.fill("input[name=username]", "anna")
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("main form button[type=submit]")
        page.goto(live_server.url + day_path(THURSDAY))
        box = page.locator("#id_direct-meeting-h1")
        stored_before = DiaryLine.objects.get(
            day__date=THURSDAY, day__participant__user__username="anna", task__code="direct-meeting"
        ).h1
        assert stored_before != 10
        box.fill("10")

        page.get_by_test_id("clear-day").click()
        expect(page.get_by_test_id("clear-question")).to_be_visible()
        page.get_by_test_id("clear-cancel").click()

        expect(page.locator("#id_direct-meeting-h1")).to_have_value("10")
        assert (
            DiaryLine.objects.get(
                day__date=THURSDAY, day__participant__user__username="anna", task__code="direct-meeting"
            ).h1
            == stored_before
        )
        # What was typed is still only on the page: leaving it would ask first.
        assert page.locator("form[data-diary][data-unsaved]").count() == 1
    finally:
        context.close()


def test_switching_language_with_unsaved_typing_asks_in_the_app_s_own_words(page: Page, live_server, log_in):
    log_in("anna")
    page.goto(live_server.url + day_path(FRIDAY))
    page.locator("#id_documentation-h1").press_sequentially("15")
    asked: list[str] = []

    def answer(dialog, accept: bool):
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, False))
    page.locator("form[data-language-form] button[name=language]").click()

    assert asked == [sv("Switch the language? What you have typed on this day and not saved is lost.")]
    expect(page.locator("#id_documentation-h1")).to_have_value("15")
    expect(page.locator("html")).to_have_attribute("lang", "sv")

    page.once("dialog", lambda dialog: answer(dialog, True))
    page.locator("form[data-language-form] button[name=language]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert len(asked) == 2


def test_switching_language_without_typing_asks_nothing(page: Page, live_server, log_in):
    log_in("anna")
    page.goto(live_server.url + day_path(FRIDAY))
    asked: list[str] = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))

    page.locator("form[data-language-form] button[name=language]").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert asked == []


def test_a_phone_has_its_own_way_back_after_a_page_rendered_from_a_post(
    page: Page, live_server, log_in, screenshot_dir
):
    page.set_viewport_size(PHONE)
    log_in("anna")
    page.goto(live_server.url + day_path(FRIDAY))
    back = page.get_by_test_id("back-to-diary")
    expect(back).to_be_hidden()  # the bar stays one line where Back works
    page.click("[data-toggle-all]")
    page.locator("#id_documentation-h1").press_sequentially("x")

    page.click("[data-testid=save-draft]")

    expect(page.locator("[data-error-summary]")).to_be_visible()
    expect(back).to_be_visible()
    expect(back).to_have_text(sv("My diary"), use_inner_text=True)
    back.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / "day-refused-bar-phone.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.once("dialog", lambda dialog: dialog.accept())  # the unsaved typing: leaving asks first
    back.click()
    page.wait_for_url(live_server.url + reverse("home"))
