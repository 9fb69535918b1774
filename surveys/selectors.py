"""Reads of the diary that views and commands share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, OuterRef, QuerySet

from .models import DiaryDay, DiaryLine, Participant, Survey, Task


def participations_of(*, user: AbstractBaseUser) -> QuerySet[Participant]:
    """The user's rounds that have started: open ones, to fill, and closed ones, to read (and to fill the days
    an administrator reopened). Newest first."""
    return (
        Participant.objects.filter(user=user, survey__status__in=[Survey.Status.OPEN, Survey.Status.CLOSED])
        .select_related("survey", "unit")
        .order_by("-survey__start_date")
    )


def reopened_dates(*, participant: Participant) -> set[dt.date]:
    return set(participant.days.filter(reopened=True).values_list("date", flat=True))


def day_statuses(*, participant: Participant) -> list[tuple[dt.date, str | None]]:
    """The round's weekdays and any other saved day, with each day's status (None: not started)."""
    saved = dict(participant.days.values_list("date", "status"))
    dates = sorted(set(participant.survey.weekdays()) | saved.keys())
    return [(date, saved.get(date)) for date in dates]


def previous_day(*, participant: Participant, before: dt.date) -> DiaryDay | None:
    """The manager's day to start from: the latest saved day with lines before `before` in this round, else
    the latest other day in this round, else the last day of the same person's latest earlier round of the municipality
    (a follow-up's first day starts from the baseline's last)."""
    days = DiaryDay.objects.filter(lines__isnull=False).distinct().select_related("participant__survey")
    in_round = days.filter(participant=participant).exclude(date=before)
    day = in_round.filter(date__lt=before).order_by("-date").first() or in_round.order_by("-date").first()
    if day is not None or participant.user_id is None:
        return day
    survey = participant.survey
    earlier = days.filter(
        participant__user_id=participant.user_id,
        participant__survey__municipality_id=survey.municipality_id,
        participant__survey__start_date__lt=survey.start_date,
    )
    return earlier.order_by("-participant__survey__start_date", "-date").first()


def export_rows(*, survey: Survey) -> Iterator[list[object]]:
    """The lines of the submitted days as file rows, by participant number, date and the task's order in
    the round. Drafts are left out: an import stores every day as a submitted paper form, so exporting a
    draft and importing the file would count a day its manager never sent in."""
    hours = survey.hours_per_day
    fields = ["day__participant__number", "day__date", "task__code", *[f"h{n}" for n in range(1, hours + 1)]]
    lines = (
        DiaryLine.objects.filter(day__participant__survey=survey, day__status=DiaryDay.Status.SUBMITTED)
        .order_by("day__participant__number", "day__date", "task__order", "task__id")
        .values_list(*fields, "value", "function", "note")
    )
    for number, date, code, *rest in lines.iterator(chunk_size=5000):
        yield [number, date.isoformat(), code, *rest]


def draft_days_with_lines(*, survey: Survey) -> int:
    """The draft days with something in them: what `export_rows` leaves out."""
    return (
        DiaryDay.objects.filter(participant__survey=survey, status=DiaryDay.Status.DRAFT)
        .filter(Exists(DiaryLine.objects.filter(day=OuterRef("pk"))))
        .count()
    )


def comparable_baseline(*, followup: Survey, min_paired: int) -> Survey | None:
    """The latest round of the same municipality that started before `followup`, has the same task
    codes and at least `min_paired` managers with submitted days in both: the baseline a follow-up
    is compared with unless someone picks another."""
    same_municipality = Survey.objects.filter(municipality_id=followup.municipality_id)
    earlier = list(same_municipality.filter(start_date__lt=followup.start_date).order_by("-start_date"))
    rounds = [followup, *earlier]
    return _latest_comparable(followup, earlier, task_codes_of(rounds), managers_with_days(rounds), min_paired)


def latest_comparable_pair(*, surveys: QuerySet[Survey] | None = None, min_paired: int) -> tuple[Survey, Survey] | None:
    """The most recent round that has a comparable baseline (see `comparable_baseline`), with that
    baseline; among `surveys` (e.g. the rounds a user may see) when given, else among every round.
    A new round without submitted days from enough of the same managers never replaces an answer."""
    rounds = list((Survey.objects.all() if surveys is None else surveys).order_by("-start_date"))
    return latest_pair_of(rounds, task_codes_of(rounds), managers_with_days(rounds), min_paired)


def latest_pair_of(
    rounds: list[Survey], codes: dict[int, set[str]], managers: dict[int, set[int]], min_paired: int
) -> tuple[Survey, Survey] | None:
    """`latest_comparable_pair` over rounds already read (latest first) with their `task_codes_of`
    and `managers_with_days`."""
    for position, followup in enumerate(rounds):
        baseline = _latest_comparable(followup, rounds[position + 1 :], codes, managers, min_paired)
        if baseline is not None:
            return baseline, followup
    return None


def task_codes_of(rounds: Iterable[Survey]) -> dict[int, set[str]]:
    """Each round's task codes, in one query."""
    codes: dict[int, set[str]] = {survey.pk: set() for survey in rounds}
    for survey_id, code in Task.objects.filter(survey_id__in=codes).values_list("survey_id", "code"):
        codes[survey_id].add(code)
    return codes


def managers_with_days(rounds: Iterable[Survey]) -> dict[int, set[int]]:
    """Each round's participant numbers with a submitted day with minutes (a manager-day), in one query."""
    numbers: dict[int, set[int]] = {survey.pk: set() for survey in rounds}
    days = DiaryDay.objects.filter(
        participant__survey_id__in=numbers, status=DiaryDay.Status.SUBMITTED, minutes__gt=0
    ).order_by()
    for survey_id, number in days.values_list("participant__survey_id", "participant__number").distinct():
        numbers[survey_id].add(number)
    return numbers


def _latest_comparable(
    followup: Survey,
    candidates: list[Survey],
    codes: dict[int, set[str]],
    managers: dict[int, set[int]],
    min_paired: int,
) -> Survey | None:
    """The first of `candidates` (latest first) that can be the follow-up's baseline."""
    for candidate in candidates:
        if is_comparable(candidate, followup, codes=codes, managers=managers, min_paired=min_paired):
            return candidate
    return None


def is_comparable(
    baseline: Survey,
    followup: Survey,
    *,
    codes: dict[int, set[str]],
    managers: dict[int, set[int]],
    min_paired: int,
) -> bool:
    """Whether `followup` answers for `baseline`: a later round of the same municipality with the same
    task codes and at least `min_paired` managers with a manager-day in both (`task_codes_of`,
    `managers_with_days`)."""
    return (
        baseline.municipality_id == followup.municipality_id
        and baseline.start_date < followup.start_date
        and codes[baseline.pk] == codes[followup.pk]
        and len(managers[baseline.pk] & managers[followup.pk]) >= min_paired
    )
