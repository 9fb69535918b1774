"""A round run in a real browser: enrol from a file, invite, a manager follows the e-mailed link and
submits a day, the participants page shows who is behind, and reminders go to the others only."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from surveys.demo import MUNICIPALITY
from surveys.models import DiaryDay, Municipality, Participant, SentEmail, Survey
from surveys.services import survey_create

from .conftest import PHONE
from .test_diary import cell, open_row, rate

pytestmark = pytest.mark.django_db(transaction=True)

PEOPLE = [
    ("Sara Nilsson", "sara.nilsson@demokommun.example", "Förskolan Ekorren"),
    ("Olof Ström", "olof.strom@demokommun.example", "Hemtjänst Norr"),
    ("Maja Ek", "maja.ek@demokommun.example", ""),
]
LINK = re.compile(r"https?://\S+/konto/lank/\?\S+")


def previous_weekday(date: dt.date) -> dt.date:
    date -= dt.timedelta(days=1)
    while date.isoweekday() > 5:
        date -= dt.timedelta(days=1)
    return date


@pytest.fixture
def follow_up(demo) -> Survey:
    """An open round that began on the last weekday before today: exactly one day is overdue."""
    start = previous_weekday(timezone.localdate())
    return survey_create(
        slug="uppfoljning",
        name="Uppföljning",
        municipality=Municipality.objects.get(name=MUNICIPALITY),
        start_date=start,
        end_date=start + dt.timedelta(days=13),
        status=Survey.Status.OPEN,
    )


def test_an_administrator_runs_a_round_from_enrolment_to_reminders(
    page, browser, live_server, log_in, follow_up, tmp_path, screenshot_dir, monkeypatch
):
    # Reminders go out on weekdays 08-17 only; the test must not depend on when it runs.
    monkeypatch.setattr("surveys.mailings.is_daytime", lambda moment: True)
    people_file = tmp_path / "chefer.csv"
    people_file.write_text(
        "name;email;unit\n" + "".join(f"{name};{email};{unit}\n" for name, email, unit in PEOPLE), encoding="utf-8-sig"
    )

    # The administrator lands on the rounds and enrols three people from a file, after a preview.
    log_in("admin")
    assert page.url == live_server.url + reverse("surveys:rounds")
    page.click(f"a[href='{reverse('surveys:round', args=[follow_up.slug])}']")
    page.goto(live_server.url + reverse("surveys:enrol", args=[follow_up.slug]))
    page.set_input_files("input[type=file]", people_file)
    page.click("main form[enctype] button[type=submit]")
    preview = page.get_by_test_id("preview")
    expect(preview.locator("tbody tr")).to_have_count(3)
    # The demo's managers are nos. 1-10 in this municipality, so new people get 11, 12 and 13.
    expect(preview.locator("tbody th")).to_have_text(
        [re.compile(r"\b11\b"), re.compile(r"\b12\b"), re.compile(r"\b13\b")]
    )
    page.screenshot(path=screenshot_dir / "round-enrol-preview.png", full_page=True)
    page.click("button[name=confirm]")
    page.wait_for_url(live_server.url + reverse("surveys:participants", args=[follow_up.slug]))
    table = page.get_by_test_id("participants")
    expect(table.locator("tbody tr")).to_have_count(3)

    # Invitations: one e-mail each, with a personal link.
    page.get_by_test_id("invitations-due").wait_for()
    page.locator(f"form[action='{reverse('surveys:invitations_send', args=[follow_up.slug])}'] button").click()
    page.wait_for_load_state()
    assert sorted(message.to[0] for message in mail.outbox) == sorted(email for _name, email, _unit in PEOPLE)
    invitation = next(message for message in mail.outbox if message.to == [PEOPLE[0][1]])
    assert follow_up.name in invitation.subject
    link = LINK.search(invitation.body).group(0)

    # Sara opens the link on her phone: signed in, on her first day to fill; she submits it.
    phone = browser.new_context(viewport=PHONE, locale="sv-SE")
    sara = phone.new_page()
    sara.goto(link)
    first_day = follow_up.start_date
    assert sara.url == live_server.url + reverse("surveys:day", args=[follow_up.slug, first_day.isoformat()])
    # An empty day on a phone shows each task folded to one line; she taps the one she did.
    open_row(sara, "planning")
    cell(sara, "planning", 1).fill("45")
    rate(sara, "planning", "value", 3)
    rate(sara, "planning", "function", 4)
    sara.click("button[name=submit]")
    expect(sara.locator(".alert-success")).to_be_visible()
    assert (
        DiaryDay.objects.get(participant__number=11, participant__survey=follow_up).status == DiaryDay.Status.SUBMITTED
    )
    # Her start page leads on to the next day to fill, with today marked on weekdays.
    sara.goto(live_server.url + reverse("home"))
    expect(sara.get_by_test_id("next-day")).to_be_visible()
    expect(sara.locator("[aria-current=date]")).to_have_count(1 if timezone.localdate().isoweekday() <= 5 else 0)
    sara.screenshot(path=screenshot_dir / "round-home-phone.png", full_page=True)
    phone.close()

    # The participants page: Sara has 1 submitted; the two others have not started.
    page.goto(live_server.url + reverse("surveys:participants", args=[follow_up.slug]))
    # Columns after the number: name, unit, invited, submitted "1 / N".
    expect(table.locator("tr[data-number='11'] td").nth(3)).to_have_text(re.compile(r"^\s*1\s*/"))
    page.goto(live_server.url + reverse("surveys:participants", args=[follow_up.slug]) + "?show=not_started")
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table.locator("tbody tr[data-number='12']")).to_have_count(1)
    expect(table.locator("tbody tr[data-number='13']")).to_have_count(1)
    page.screenshot(path=screenshot_dir / "round-participants.png", full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=screenshot_dir / "round-participants-phone.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 1280, "height": 900})

    # No reminder on the day of the invitation: the page says so and offers none.
    expect(page.get_by_test_id("reminders-invited-today")).to_contain_text("2")
    expect(page.locator(f"form[action='{reverse('surveys:reminders_send', args=[follow_up.slug])}']")).to_have_count(0)

    # A day later the page says two reminders will go out, and they go to Olof and Maja only.
    Participant.objects.filter(survey=follow_up).update(invited_at=F("invited_at") - dt.timedelta(days=1))
    mail.outbox.clear()
    page.goto(live_server.url + reverse("surveys:participants", args=[follow_up.slug]))
    button = page.locator(f"form[action='{reverse('surveys:reminders_send', args=[follow_up.slug])}'] button")
    expect(button).to_contain_text("2")
    button.click()
    page.wait_for_load_state()
    assert sorted(message.to[0] for message in mail.outbox) == sorted([PEOPLE[1][1], PEOPLE[2][1]])
    for message in mail.outbox:
        # Exactly the one overdue day, with its own link.
        assert len(LINK.findall(message.body)) == 1
        assert f"dag={first_day.isoformat()}" in message.body
    reminders = SentEmail.objects.filter(kind=SentEmail.Kind.REMINDER, participant__survey=follow_up)
    assert sorted(reminders.values_list("participant__number", flat=True)) == [12, 13]
    expect(page.locator(".alert").first).to_be_visible()
