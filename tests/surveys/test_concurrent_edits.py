"""One day open in two places (a phone and a laptop, or a manager and an administrator keying in): the later
save from an out-of-date page is refused with what differs, keeps what was typed, and goes through when
saved again. On PostgreSQL, concurrent saves of one day never fail with a server error."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.urls import reverse

from surveys.models import DiaryDay, DiaryLine
from surveys.services import UNSAVED_VERSION, LineInput, StaleDay, diary_save

from .helpers import day_post, shown_values, signed_in, version_on_page

MONDAY = dt.date(2025, 3, 3)
CHANGED_ELSEWHERE = "The day was changed elsewhere (in another tab or on another device) after you opened it"


def day_url(survey, date=MONDAY) -> str:
    return reverse("surveys:day", args=[survey.slug, date.isoformat()])


def save_from(client, url, page, survey, entries, *, action="draft", value=""):
    """Post the day form of `page` (a response the client got earlier) with `entries` typed in."""
    return client.post(url, day_post(survey, entries, action=action, value=value, version=version_on_page(page)))


def stored(participant, date=MONDAY) -> list[tuple]:
    return list(
        DiaryLine.objects.filter(day__participant=participant, day__date=date)
        .order_by("task__order")
        .values_list("task__code", "h1", "h2", "value", "function")
    )


@pytest.mark.django_db
def test_a_save_from_the_older_page_is_refused_then_saved_deliberately(survey, participant, manager):
    url = day_url(survey)
    phone, laptop = signed_in(manager), signed_in(manager)
    phone_page, laptop_page = phone.get(url), laptop.get(url)
    assert version_on_page(phone_page) == version_on_page(laptop_page) == str(UNSAVED_VERSION)

    # Submitted without a value rating ("Submit anyway"), as the conflict below lists only how well it worked.
    saved = save_from(
        phone, url, phone_page, survey, {"invoices-h1": 20, "invoices-function": 3}, action="submit", value="anyway"
    )
    assert saved.status_code == 302

    refused = save_from(laptop, url, laptop_page, survey, {"invoices-h1": 45, "budget-h2": 15})

    assert refused.status_code == 409
    content = refused.content.decode()
    assert CHANGED_ELSEWHERE in content and "Your changes are not saved." in content
    # What differs, per task and hour (the hour as the clock time), the rating and the status.
    conflict = content.split('data-testid="conflict"')[1].split("</div>")[0]
    assert "Finance: invoice handling, 08–09: saved <strong>20 min</strong>, you typed <strong>45 min</strong>" in (
        conflict
    )
    assert "Finance: budget, follow-up, 09–10: saved <strong>–</strong>, you typed <strong>15 min</strong>" in conflict
    assert "how well the task worked: saved <strong>3</strong>, you typed <strong>–</strong>" in conflict
    # The status as a sentence: a status is saved or sent, not typed.
    assert "<li>Saved as submitted; you saved a draft.</li>" in conflict
    # "Open the day again" leads to the day as stored.
    assert f'href="{day_url(survey)}" data-testid="conflict-reopen">open the day again</a>' in conflict
    # Nothing of the phone's save is overwritten; the laptop's typing is still in the form, now at the stored version.
    assert stored(participant) == [("invoices", 20, 0, None, 3)]
    assert DiaryDay.objects.get().status == DiaryDay.Status.SUBMITTED
    assert shown_values(refused.content) == {"invoices-h1": "45", "budget-h2": "15"}
    assert version_on_page(refused) == "1"

    # The stored day is submitted: saving it as a draft asks first, and "Withdraw and save as draft" overwrites it.
    asked = save_from(laptop, url, refused, survey, {"invoices-h1": 45, "budget-h2": 15})
    assert 'data-testid="withdraw"' in asked.content.decode()
    assert DiaryDay.objects.get().version == 1
    again = save_from(laptop, url, asked, survey, {"invoices-h1": 45, "budget-h2": 15}, value="withdraw")

    assert again.status_code == 302
    assert stored(participant) == [("invoices", 45, 0, None, None), ("budget", 0, 15, None, None)]
    day = DiaryDay.objects.get()
    assert (day.status, day.version) == (DiaryDay.Status.DRAFT, 2)


@pytest.mark.django_db
def test_an_administrator_keying_in_is_refused_after_the_manager_saved(survey, participant, manager, administrator):
    manager_url = day_url(survey)
    key_url = reverse("surveys:key_day", args=[survey.slug, participant.number, MONDAY.isoformat()])
    diary_save(
        participant=participant,
        date=MONDAY,
        lines=[LineInput(task=survey.tasks.get(code="budget"), minutes=[10])],
    )
    admin, own = signed_in(administrator), signed_in(manager)
    admin_page, own_page = admin.get(key_url), own.get(manager_url)
    assert version_on_page(admin_page) == version_on_page(own_page) == "1"

    assert save_from(own, manager_url, own_page, survey, {"budget-h1": 30}).status_code == 302
    refused = save_from(admin, key_url, admin_page, survey, {"budget-h1": 40})

    assert refused.status_code == 409
    assert CHANGED_ELSEWHERE in refused.content.decode()
    assert stored(participant) == [("budget", 30, 0, None, None)]
    assert DiaryDay.objects.get().keyed_in_by is None
    assert shown_values(refused.content) == {"budget-h1": "40"}

    assert save_from(admin, key_url, refused, survey, {"budget-h1": 40}).status_code == 302
    day = DiaryDay.objects.get()
    assert (stored(participant), day.keyed_in_by, day.version) == ([("budget", 40, 0, None, None)], administrator, 3)


@pytest.mark.django_db
def test_an_invalid_save_from_an_older_page_keeps_the_version_it_was_built_from(survey, participant, manager):
    """A refused 61 must not quietly move the page to the stored version: its next save is still checked."""
    url = day_url(survey)
    phone, laptop = signed_in(manager), signed_in(manager)
    phone_page, laptop_page = phone.get(url), laptop.get(url)
    save_from(phone, url, phone_page, survey, {"invoices-h1": 20})

    wrong = save_from(laptop, url, laptop_page, survey, {"invoices-h1": 61})

    assert wrong.status_code == 200 and version_on_page(wrong) == str(UNSAVED_VERSION)
    assert save_from(laptop, url, wrong, survey, {"invoices-h1": 50}).status_code == 409
    assert stored(participant) == [("invoices", 20, 0, None, None)]


@pytest.mark.django_db
def test_saving_twice_from_one_page_with_the_same_values_is_no_conflict(survey, participant, manager):
    """A double click sends the same form twice: the second finds the first's version, but loses nothing."""
    url = day_url(survey)
    client = signed_in(manager)
    page = client.get(url)

    first = save_from(client, url, page, survey, {"invoices-h1": 20})
    second = save_from(client, url, page, survey, {"invoices-h1": 20})

    assert (first.status_code, second.status_code) == (302, 302)
    assert stored(participant) == [("invoices", 20, 0, None, None)]


# --- Concurrent saves (PostgreSQL) -----------------------------------------------------------------

WRITERS = 6


def run_at_once(work, count: int = WRITERS) -> list[object]:
    """Call `work(index)` in `count` threads released together; each result or exception, by index."""
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as error:  # noqa: BLE001 - the test looks at what each writer got
            results[index] = error
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises writers (one write transaction at a time), so saves cannot overlap there",
)


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_first_saves_of_a_day_let_one_win_and_refuse_the_rest(survey, participant):
    task = survey.tasks.get(code="invoices")

    def first_save(index: int) -> DiaryDay:
        return diary_save(
            participant=participant,
            date=MONDAY,
            lines=[LineInput(task=task, minutes=[index + 1])],
            expected_version=UNSAVED_VERSION,
        )

    results = run_at_once(first_save)

    winners = [index for index, result in enumerate(results) if isinstance(result, DiaryDay)]
    assert len(winners) == 1
    assert all(isinstance(result, StaleDay) for index, result in enumerate(results) if index not in winners)
    day = DiaryDay.objects.get()
    assert day.version == 1
    assert list(day.lines.values_list("h1", flat=True)) == [winners[0] + 1]

    # Then all of them again from version 1: again exactly one goes through.
    def second_save(index: int) -> DiaryDay:
        return diary_save(
            participant=participant, date=MONDAY, lines=[LineInput(task=task, minutes=[index + 11])], expected_version=1
        )

    results = run_at_once(second_save)

    winners = [index for index, result in enumerate(results) if isinstance(result, DiaryDay)]
    assert len(winners) == 1
    assert all(isinstance(result, StaleDay) for index, result in enumerate(results) if index not in winners)
    day.refresh_from_db()
    assert day.version == 2
    assert list(day.lines.values_list("h1", flat=True)) == [winners[0] + 11]
    assert DiaryLine.objects.count() == 1


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_posts_of_a_new_day_never_answer_500(survey, participant, manager):
    url = day_url(survey)
    clients = [signed_in(manager) for _ in range(WRITERS)]
    posts = [day_post(survey, {"invoices-h1": index + 1}, version=UNSAVED_VERSION) for index in range(WRITERS)]

    results = run_at_once(lambda index: clients[index].post(url, posts[index]).status_code)

    assert [result for result in results if result not in (302, 409)] == []  # no 500, no exception
    assert sorted(results) == [302] + [409] * (WRITERS - 1)
    day = DiaryDay.objects.get()
    assert day.version == 1
    assert day.lines.get().h1 == results.index(302) + 1
