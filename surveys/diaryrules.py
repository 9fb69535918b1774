"""The rules of one diary day and their messages, in one place for every way a day comes in: the day form (and
so the keying page, which is the same form), the diary file import (upload page and command) and `diary_save`.

Reading what was typed, text into whole numbers, stays with each medium (the form's fields, the file's reader);
whether a number is allowed, and whether a day's hours add up, is decided here, so a rule that fails says the
same thing wherever it fails. A file's row and column are put in front by the import.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import accumulate

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .models import MAX_MINUTES_PER_HOUR, DiaryLine, Survey, Task
from .tasknames import diary_labels

RATINGS = (1, 2, 3, 4)
NOTE_LIMIT = DiaryLine._meta.get_field("note").max_length
# The two ratings of a row, as `LineInput` attributes and as the file's and the form's names.
SCALES = ("value", "function")


@dataclass
class LineInput:
    """One row of a day: a task's minutes per hour (hour 1 first), its two ratings and its note."""

    task: Task
    minutes: list[int] = field(default_factory=list)
    value: int | None = None
    function: int | None = None
    note: str = ""

    def is_empty(self) -> bool:
        """Empty rows are allowed on the form and in files, but never stored."""
        return not any(self.minutes) and self.value is None and self.function is None and not self.note.strip()


@dataclass(frozen=True)
class Problem:
    """A broken rule. `line` is the index of the row it is about (None: the day as a whole); `hour` counts from
    1; `field` is "minutes", "value", "function", "note", "hour" (an hour's total over all rows; `line` is
    then the row whose minutes took it over 60) or "" (the day)."""

    message: str
    line: int | None = None
    hour: int | None = None
    field: str = ""

    def __str__(self) -> str:
        return self.message


def scale_title(scale: str) -> str:
    """A rating's name in messages and on the form."""
    return _("value for the operation") if scale == "value" else _("how well the task worked")


def _fill(message: str, names: dict[str, str], values: dict[str, object]) -> str:
    # These messages were first written as a Django field's error messages, which Django %-formats a second
    # time with the value: the names go in first (a % in a task label escaped), then the value.
    return message % {key: name.replace("%", "%%") for key, name in names.items()} % values


def hour_place(
    *, survey: Survey, task: Task | None = None, hour: int, language: str | None = None, label: str | None = None
) -> str:
    """A minute box, as messages name it: the task and the hour's clock time, e.g. "Budget, 08–09". `label`: the
    task's name among the day's rows (`tasknames.diary_labels`), which tells the "Annat (specificera)" rows apart;
    for a file's row whose task is not the round's, the code as the file writes it (`row_problems`). The
    messages below name the task the same way: `label`, else `task` in `language`."""
    return _("%(task)s, %(time)s") % {"task": label or task.display_label(language), "time": survey.hour_label(hour)}


def minutes_allowed(amount: int) -> bool:
    return 0 <= amount <= MAX_MINUTES_PER_HOUR


def minutes_message(
    *,
    survey: Survey,
    task: Task | None = None,
    hour: int,
    amount: int,
    language: str | None = None,
    label: str | None = None,
) -> str:
    where = {"where": hour_place(survey=survey, task=task, hour=hour, language=language, label=label)}
    if amount < 0:
        return _fill(_("%(where)s: %%(value)s minutes is not allowed; enter 0 to 60."), where, {"value": amount})
    return _fill(_("%(where)s: %%(value)s minutes is not allowed; an hour has at most 60."), where, {"value": amount})


def rating_message(
    *, task: Task | None = None, scale: str, rating: object, language: str | None = None, label: str | None = None
) -> str:
    """Also for a rating that is not a number at all, as the form received it."""
    return _fill(
        _("%(task)s, %(scale)s: the rating %%(value)s is not allowed; choose 1, 2, 3 or 4."),
        {"task": label or task.display_label(language), "scale": scale_title(scale)},
        {"value": rating},
    )


def note_message(
    *, task: Task | None = None, length: int, language: str | None = None, label: str | None = None
) -> str:
    return _fill(
        _("%(task)s, specify: at most %%(limit_value)d characters (now %%(show_value)d)."),
        {"task": label or task.display_label(language)},
        {"limit_value": NOTE_LIMIT, "show_value": length},
    )


def hour_over_message(*, survey: Survey, hour: int, total: int) -> str:
    """What is wrong with an hour whose tasks add up to more than an hour holds, named by its clock time."""
    return _("%(time)s: the tasks add up to %(total)d minutes, but an hour has at most 60.") % {
        "time": survey.hour_label(hour),
        "total": total,
    }


def date_message(*, survey: Survey, date: dt.date) -> str | None:
    """None for a date inside the round."""
    if survey.contains(date):
        return None
    return _("%(date)s is outside the round (%(start)s to %(end)s)") % {
        "date": date.isoformat(),
        "start": survey.start_date.isoformat(),
        "end": survey.end_date.isoformat(),
    }


def hour_totals(lines: Sequence[LineInput], hours: int) -> list[int]:
    """Each hour's minutes over all rows, counting only the boxes that are allowed: a wrong box is reported on
    its own, and correcting it never brings a new kind of error."""
    totals = [0] * hours
    for line in lines:
        for index, amount in enumerate(line.minutes[:hours]):
            if amount and minutes_allowed(amount):
                totals[index] += amount
    return totals


def row_problems(
    survey: Survey,
    *,
    minutes: Sequence[int],
    value: object,
    function: object,
    note: str,
    label: str,
    line: int | None = None,
) -> list[Problem]:
    """The rules of one row on its own: each minute box, each rating and the note, named by `label` (`line`:
    the row's index among the day's, for its Problems). `check_day` runs them on every row of a day, and then
    adds the hours' totals. A diary file's row that belongs to no day of the round (its task code unknown, or
    its participant, date or task unreadable) gets only these, named by the task code as the file writes it,
    so that one import names everything wrong with the row (`diaryimport`)."""
    hours = survey.hours_per_day
    problems = []
    for hour, amount in enumerate(minutes, start=1):
        if hour > hours and amount:
            message = _("%(task)s: this round has %(hours)d hours, so hour %(hour)d must be empty.") % {
                "task": label,
                "hours": hours,
                "hour": hour,
            }
            problems.append(Problem(message, line, hour, "minutes"))
        elif not minutes_allowed(amount):
            message = minutes_message(survey=survey, hour=hour, amount=amount, label=label)
            problems.append(Problem(message, line, hour, "minutes"))
    for scale, rating in zip(SCALES, (value, function), strict=True):
        if rating is not None and rating not in RATINGS:
            message = rating_message(scale=scale, rating=rating, label=label)
            problems.append(Problem(message, line, None, scale))
    length = len(note.strip())
    if length > NOTE_LIMIT:
        problems.append(Problem(note_message(length=length, label=label), line, None, "note"))
    return problems


def _line_problems(survey: Survey, index: int, line: LineInput, labels: Mapping[str, str]) -> list[Problem]:
    return row_problems(
        survey,
        minutes=line.minutes,
        value=line.value,
        function=line.function,
        note=line.note,
        label=labels[line.task.code],
        line=index,
    )


def _allowed_minutes(line: LineInput, hour: int) -> int:
    amount = line.minutes[hour - 1] if hour <= len(line.minutes) else 0
    return amount if amount and minutes_allowed(amount) else 0


def _hour_problems(survey: Survey, lines: Sequence[LineInput]) -> list[Problem]:
    problems = []
    for hour, total in enumerate(hour_totals(lines, survey.hours_per_day), start=1):
        if total > MAX_MINUTES_PER_HOUR:
            # The row whose minutes take the hour over 60, for a file to name by its row number.
            running = accumulate(_allowed_minutes(line, hour) for line in lines)
            over = next(index for index, so_far in enumerate(running) if so_far > MAX_MINUTES_PER_HOUR)
            problems.append(Problem(hour_over_message(survey=survey, hour=hour, total=total), over, hour, "hour"))
    return problems


@dataclass(frozen=True)
class Unrated:
    """A row with minutes and a rating left empty. Not a broken rule (such a day may be submitted, and files may
    hold such rows), but asked about before submitting: the figures leave the minutes out, friction without "how
    well it worked" and low value without "value". `scales` are the empty ones, in the order of SCALES."""

    line: int
    task: Task
    label: str  # the task's name in the page's language
    scales: tuple[str, ...]

    def missing(self) -> str:
        """Which rating is missing, as the question lists it after the task's name."""
        if len(self.scales) == len(SCALES):
            return _("missing: both ratings")
        return _("missing: %(scale)s") % {"scale": scale_title(self.scales[0])}


def unrated(lines: Sequence[LineInput], *, language: str | None = None) -> list[Unrated]:
    """The rows with minutes but without one or both ratings, in their order."""
    rows = []
    labels = diary_labels((line.task for line in lines), language)
    for index, line in enumerate(lines):
        missing = tuple(scale for scale in SCALES if getattr(line, scale) is None)
        if any(line.minutes) and missing:
            rows.append(Unrated(index, line.task, labels[line.task.code], missing))
    return rows


def check_day(
    survey: Survey, lines: Sequence[LineInput], *, submit: bool = False, language: str | None = None
) -> list[Problem]:
    """Every rule of one day's rows, row by row in their order, then the hours' totals, then the day.

    `submit`: the day is handed in, which needs some minutes (a submitted day counts as done in progress)."""
    if language is None:
        language = get_language()
    labels = diary_labels((line.task for line in lines), language)
    problems = [problem for index, line in enumerate(lines) for problem in _line_problems(survey, index, line, labels)]
    problems.extend(_hour_problems(survey, lines))
    if submit and not any(hour_totals(lines, survey.hours_per_day)):
        problems.append(
            Problem(
                _("A day with no minutes cannot be submitted. Enter the minutes you spent, or save the day as a draft.")
            )
        )
    return problems
