"""Reads of the diary that views and commands share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet

from .models import DiaryDay, DiaryLine, Participant, Survey, Task


def participations_open_for(*, user: AbstractBaseUser) -> QuerySet[Participant]:
    """The user's rounds that can be filled: open ones, and closed ones where a day was reopened."""
    return (
        Participant.objects.filter(
            Q(survey__status=Survey.Status.OPEN) | Q(days__reopened=True, survey__status=Survey.Status.CLOSED),
            user=user,
        )
        .distinct()
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
    """The manager's latest saved day with lines, preferring days before `before`."""
    days = participant.days.filter(lines__isnull=False).distinct()
    return days.filter(date__lt=before).order_by("-date").first() or days.order_by("-date").first()


def export_rows(*, survey: Survey) -> Iterator[list[object]]:
    """The stored lines as file rows, by participant number, date and the task's order in the round."""
    hours = survey.hours_per_day
    fields = ["day__participant__number", "day__date", "task__code", *[f"h{n}" for n in range(1, hours + 1)]]
    lines = (
        DiaryLine.objects.filter(day__participant__survey=survey)
        .order_by("day__participant__number", "day__date", "task__order", "task__id")
        .values_list(*fields, "value", "function", "note")
    )
    for number, date, code, *rest in lines.iterator(chunk_size=5000):
        yield [number, date.isoformat(), code, *rest]


def comparable_baseline(*, followup: Survey) -> Survey | None:
    """The latest round of the same municipality that started before `followup` and has the same
    task codes: the baseline a follow-up is compared with unless someone picks another."""
    same_municipality = Survey.objects.filter(municipality_id=followup.municipality_id)
    earlier = list(same_municipality.filter(start_date__lt=followup.start_date).order_by("-start_date"))
    return _latest_comparable(followup, earlier, _task_codes([followup, *earlier]))


def latest_comparable_pair(*, surveys: QuerySet[Survey] | None = None) -> tuple[Survey, Survey] | None:
    """The most recent round that has a comparable baseline, with that baseline; among `surveys`
    (e.g. the rounds a user may see) when given, else among every round."""
    rounds = list((Survey.objects.all() if surveys is None else surveys).order_by("-start_date"))
    codes = _task_codes(rounds)
    for position, followup in enumerate(rounds):
        baseline = _latest_comparable(followup, rounds[position + 1 :], codes)
        if baseline is not None:
            return baseline, followup
    return None


def _task_codes(rounds: Iterable[Survey]) -> dict[int, set[str]]:
    """Each round's task codes, in one query."""
    codes: dict[int, set[str]] = {survey.pk: set() for survey in rounds}
    for survey_id, code in Task.objects.filter(survey_id__in=codes).values_list("survey_id", "code"):
        codes[survey_id].add(code)
    return codes


def _latest_comparable(followup: Survey, candidates: list[Survey], codes: dict[int, set[str]]) -> Survey | None:
    """The first of `candidates` (latest first) that can be the follow-up's baseline."""
    for candidate in candidates:
        if (
            candidate.municipality_id == followup.municipality_id
            and candidate.start_date < followup.start_date
            and codes[candidate.pk] == codes[followup.pk]
        ):
            return candidate
    return None
