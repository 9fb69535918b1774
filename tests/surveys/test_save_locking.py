"""The round's lock in a diary save (PostgreSQL): saves of a round do not wait for each other except from one's
Survey.touch() to its commit, while closing a round waits for the saves in flight and saves wait for a close.

Each test runs one write in a thread of its own, stopped with its transaction open at a chosen point, and the
other in this thread; `waiting_for_a_lock` asks PostgreSQL whether a session is waiting for a lock."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.db import OperationalError, connection, transaction
from django.utils import translation

from surveys.models import DiaryDay, Participant, Survey
from surveys.services import DiaryError, LineInput, diary_save, survey_close

MONDAY = dt.date(2025, 3, 3)

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite runs one write transaction at a time: there is no lock between saves to test",
    ),
    pytest.mark.django_db(transaction=True),
]


class Stopped:
    """`work()` in a thread of its own, stopped with its transaction open where it calls `stop_here()`."""

    def __init__(self):
        self.reached, self.go = threading.Event(), threading.Event()
        self.result: object = None
        self.thread: threading.Thread | None = None

    def start(self, work, *, until_stopped: bool = True) -> Stopped:
        self.thread = threading.Thread(target=self._run, args=(work,))
        self.thread.start()
        if until_stopped:
            assert self.reached.wait(20), "the write did not get to where it stops"
        return self

    def _run(self, work) -> None:
        try:
            self.result = work()
        except Exception as error:  # noqa: BLE001 - the test looks at what the write got
            self.result = error
        finally:
            self.reached.set()
            connection.close()  # the thread's own connection

    def stop_here(self) -> None:
        self.reached.set()
        assert self.go.wait(20)

    def finish(self) -> object:
        self.go.set()
        self.thread.join(20)
        assert not self.thread.is_alive()
        return self.result


def stop_at_touch(monkeypatch, *, after: bool) -> Stopped:
    """Survey.touch() stops the returned Stopped's thread just before (or after) its UPDATE."""
    touch = Survey.touch
    stopped = Stopped()

    def stopping_touch(survey: Survey) -> None:
        mine = threading.current_thread() is stopped.thread
        if mine and not after:
            stopped.stop_here()
        touch(survey)
        if mine and after:
            stopped.stop_here()

    monkeypatch.setattr(Survey, "touch", stopping_touch)
    return stopped


def save(participant: Participant, minutes: int) -> DiaryDay:
    task = participant.survey.tasks.get(code="invoices")
    with translation.override("en"):  # a thread's language is its own
        return diary_save(participant=participant, date=MONDAY, lines=[LineInput(task=task, minutes=[minutes])])


def with_lock_timeout(work, milliseconds: int = 2000):
    """`work()` in a transaction that gives up on any lock not granted within `milliseconds`."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = '{milliseconds}ms'")
        return work()


def waiting_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def until(condition, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_a_save_does_not_wait_for_another_manager_s_save_in_flight(monkeypatch, participant, other_participant):
    before = Survey.objects.get().data_version
    # The first save has locked the round and its day and stored its rows; it stops before its touch().
    first = stop_at_touch(monkeypatch, after=False).start(lambda: save(participant, 20))

    # The other manager's save runs to its commit meanwhile, without waiting for a lock.
    second = with_lock_timeout(lambda: save(other_participant, 30))

    assert isinstance(second, DiaryDay)
    assert DiaryDay.objects.filter(participant=other_participant).exists()
    assert isinstance(first.finish(), DiaryDay)
    assert DiaryDay.objects.count() == 2
    assert Survey.objects.get().data_version == before + 2


def test_saves_of_a_round_wait_for_each_other_only_from_touch_to_commit(monkeypatch, participant, other_participant):
    first = stop_at_touch(monkeypatch, after=True).start(lambda: save(participant, 20))

    # The first save has touched the round and not committed: the other save waits at its own touch().
    with pytest.raises(OperationalError, match="lock timeout"):
        with_lock_timeout(lambda: save(other_participant, 30), milliseconds=300)

    assert isinstance(first.finish(), DiaryDay)
    assert isinstance(with_lock_timeout(lambda: save(other_participant, 30)), DiaryDay)
    assert DiaryDay.objects.count() == 2


def test_closing_a_round_waits_for_a_save_in_flight(monkeypatch, participant, administrator):
    first = stop_at_touch(monkeypatch, after=False).start(lambda: save(participant, 20))
    survey = Survey.objects.get()

    with pytest.raises(OperationalError, match="lock timeout"):
        with_lock_timeout(lambda: survey_close(survey=survey, by=administrator), milliseconds=300)

    assert isinstance(first.finish(), DiaryDay)
    assert survey_close(survey=survey, by=administrator).status == Survey.Status.CLOSED
    assert DiaryDay.objects.get().lines.get().h1 == 20


def test_a_save_during_a_close_waits_for_it_then_finds_the_round_closed(participant, administrator):
    survey = Survey.objects.get()

    def close_and_stop() -> Survey:
        with transaction.atomic():
            closed = survey_close(survey=survey, by=administrator)
            closing.stop_here()
        return closed

    closing = Stopped()
    closing.start(close_and_stop)
    saving = Stopped().start(lambda: save(participant, 20), until_stopped=False)

    # The save waits for the close's lock on the round (it read the round as open otherwise, and stored the day).
    assert until(waiting_for_a_lock), "the save did not wait for the close"
    assert saving.thread.is_alive()
    assert closing.finish().status == Survey.Status.CLOSED
    result = saving.finish()

    assert isinstance(result, DiaryError)
    assert str(result) == "The survey round is not open, so its diary cannot be changed."
    assert not DiaryDay.objects.exists()


def test_many_saves_of_a_round_at_once_all_go_through(survey, django_user_model):
    participants = [
        Participant.objects.create(
            survey=survey, number=number, user=django_user_model.objects.create(username=f"manager-{number}")
        )
        for number in range(1, 9)
    ]
    before = Survey.objects.get().data_version
    barrier = threading.Barrier(len(participants))
    results: list[object] = [None] * len(participants)

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = with_lock_timeout(lambda: save(participants[index], index + 1), milliseconds=10_000)
        except Exception as error:  # noqa: BLE001
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(participants))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert all(isinstance(result, DiaryDay) for result in results), results
    assert Survey.objects.get().data_version == before + len(participants)
    assert sorted(DiaryDay.objects.values_list("lines__h1", flat=True)) == list(range(1, 9))
