"""Two open copies of one day: what the saved day and a refused save differ in, for the page to show.

A save from a page built from an older version of the day is refused (`services.StaleDay`); the manager
(or the administrator keying in) then sees, per task and hour, what is stored and what they typed, and
decides whether to save their values over it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from .diaryrules import LineInput
from .models import DiaryDay, Participant, Survey
from .services import StaleDay, diary_save
from .tasknames import diary_labels

EMPTY = "–"


@dataclass(frozen=True)
class Difference:
    """One place where the saved day and what was typed differ."""

    task: str  # the task's label; "" for the day as a whole (its status)
    where: str  # the hour as clock times ("09–10"), the rating's scale, the note, or the status
    saved: str
    typed: str
    sentence: str = ""  # the status's difference, said as a sentence instead of "saved X, you typed Y"


def _minutes(amount: int) -> str:
    return f"{amount} min" if amount else EMPTY


def _rating(rating: int | None) -> str:
    return EMPTY if rating is None else str(rating)


def _status(status: str | None) -> str:
    return str(DiaryDay.Status(status).label) if status else _("not saved")


def _status_sentence(saved: str | None, typed: str) -> str:
    """The day's status as stored and what the refused save asked for: a status is saved or done, not typed."""
    saved_part = {
        DiaryDay.Status.DRAFT: _("Saved as a draft"),
        DiaryDay.Status.SUBMITTED: _("Saved as submitted"),
    }.get(saved, _("Not saved"))
    typed_part = _("you submitted the day") if typed == DiaryDay.Status.SUBMITTED else _("you saved a draft")
    return _("%(saved)s; %(typed)s.") % {"saved": saved_part, "typed": typed_part}


def _padded(minutes: Sequence[int], hours: int) -> list[int]:
    return [*(amount or 0 for amount in minutes[:hours]), *[0] * (hours - len(minutes[:hours]))]


def day_differences(
    survey: Survey,
    saved_lines: Sequence[LineInput],
    typed_lines: Sequence[LineInput],
    *,
    saved_status: str | None = None,
    typed_status: str | None = None,
    language: str | None = None,
) -> list[Difference]:
    """Every hour, rating and note that differs, task by task in the order typed (then tasks only saved),
    and the day's status when both are given and differ. A row that is missing counts as empty."""
    saved_by_task = {line.task.pk: line for line in saved_lines}
    typed_by_task = {line.task.pk: line for line in typed_lines}
    tasks = [line.task for line in typed_lines]
    tasks += [line.task for line in saved_lines if line.task.pk not in typed_by_task]
    hours = survey.hours_per_day
    labels = diary_labels(tasks, language)
    differences = []
    for task in tasks:
        saved = saved_by_task.get(task.pk) or LineInput(task=task)
        typed = typed_by_task.get(task.pk) or LineInput(task=task)
        label = labels[task.code]
        hour_pairs = zip(_padded(saved.minutes, hours), _padded(typed.minutes, hours), strict=True)
        for hour, (was, now) in enumerate(hour_pairs, start=1):
            if was != now:
                differences.append(Difference(label, survey.hour_label(hour), _minutes(was), _minutes(now)))
        for scale, was, now in (
            (_("value for the operation"), saved.value, typed.value),
            (_("how well the task worked"), saved.function, typed.function),
        ):
            if was != now:
                differences.append(Difference(label, scale, _rating(was), _rating(now)))
        if saved.note.strip() != typed.note.strip():
            differences.append(
                Difference(label, _("specify"), saved.note.strip() or EMPTY, typed.note.strip() or EMPTY)
            )
    if saved_status is not None and typed_status is not None and saved_status != typed_status:
        differences.append(
            Difference(
                "",
                _("status"),
                _status(saved_status),
                _status(typed_status),
                sentence=_status_sentence(saved_status, typed_status),
            )
        )
    return differences


def stale_differences(
    stale: StaleDay, typed_lines: Sequence[LineInput], *, survey: Survey, submit: bool, language: str | None = None
) -> list[Difference]:
    """What a refused save (a draft, or `submit`) differs in from the day stored now."""
    return day_differences(
        survey,
        stale.lines,
        typed_lines,
        saved_status=stale.day.status if stale.day else None,
        typed_status=DiaryDay.Status.SUBMITTED if submit else DiaryDay.Status.DRAFT,
        language=language,
    )


def diary_save_from_page(
    *,
    participant: Participant,
    date: dt.date,
    lines: Sequence[LineInput],
    submit: bool,
    keyed_in_by: AbstractBaseUser | None,
    expected_version: int,
    withdraw: bool = True,
    language: str | None = None,
) -> DiaryDay:
    """`diary_save` from a page built from `expected_version` of the day.

    A stale page is refused (StaleDay) unless what it sends is exactly what is stored: then nothing of the
    other save is lost (a double click, or the same save from two tabs) and it is saved over it."""
    save = {
        "participant": participant,
        "date": date,
        "lines": lines,
        "submit": submit,
        "keyed_in_by": keyed_in_by,
        "withdraw": withdraw,
    }
    try:
        return diary_save(**save, expected_version=expected_version)
    except StaleDay as stale:
        if stale_differences(stale, lines, survey=participant.survey, submit=submit, language=language):
            raise
        return diary_save(**save, expected_version=stale.version)


def changed_when(moment: dt.datetime, *, now: dt.datetime | None = None) -> str:
    """When the stored day was saved, as the message says it: the time today, else the date and time."""
    local = timezone.localtime(moment)
    today = timezone.localtime(now).date() if now else timezone.localdate()
    time = formats.time_format(local, "H:i")
    if local.date() == today:
        return _("at %(time)s") % {"time": time}
    return _("on %(date)s at %(time)s") % {"date": formats.date_format(local, "j F"), "time": time}
