"""Checking a diary file's rows against a round, and storing them all or nothing: what
`services.diaries_check` (the upload page's preview) and `services.diaries_import` (the command and the
upload's confirmation) do.

A file may hold a whole round, some 100 000 rows, so nothing here goes row by row through the ORM. Rules
that only a file can break (an unknown task code, a row twice, a day that has a diary) take one lean pass
over the rows. The rules of a day are `diaryrules.check_day`'s, the form's: they are tested for every
row at once with numpy, and `check_day` itself is run on the days that break one, so that its messages
are the ones given. A row that belongs to no day of the round (its task code unknown, or its participant,
date or task unreadable: `diaryfile.UnplacedRow`) gets the rules of a row on its own in the same pass
(`diaryrules.row_problems`, named by its task code as written), so that one import names all that is wrong
with it. The lines are written with COPY on PostgreSQL and one executemany on SQLite, the
days changed with one UPDATE … FROM (VALUES …) per few thousand.

An import (`check_and_store`) writes before it checks the rules, in a savepoint: the rules are checked,
and the task totals summed, while the server checks the keys of the lines it was given, which takes it
longer. A file that breaks a rule is refused with the same messages as the preview's, and nothing stays.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import DatabaseError, connection, transaction
from django.db.models import Exists, Model, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from mio.tablefiles import control_character_message, shown

from . import bulkwrite, totals
from .diaryfile import DiaryRow, RowError, UnplacedRow
from .diaryrules import NOTE_LIMIT, RATINGS, check_day, date_message, row_problems
from .models import HOUR_FIELDS, MAX_HOURS, MAX_MINUTES_PER_HOUR, DiaryDay, DiaryLine, Participant, Survey, Task

if TYPE_CHECKING:
    import numpy as np

DayKey = tuple[int, dt.date]  # participant number, date


@dataclass
class ImportResult:
    participants_created: int
    days: int
    lines: int


@dataclass(frozen=True)
class ImportDay:
    """One participant's day in a diary file, as the import will store it."""

    participant: int
    date: dt.date
    lines: int  # the rows with something in them: empty rows are not stored
    minutes: int
    status: str | None  # of the day already stored, None for a new day
    replaces: bool  # the stored day has lines, which the file's rows take the place of
    new_participant: bool


@dataclass
class ImportPlan:
    """What a diary file will store in a round, or every reason it cannot (`errors`: then nothing is)."""

    days: list[ImportDay] = field(default_factory=list)
    participants_created: list[int] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def lines(self) -> int:
        return sum(day.lines for day in self.days)

    @property
    def minutes(self) -> int:
        return sum(day.minutes for day in self.days)

    @property
    def replaced(self) -> int:
        return sum(1 for day in self.days if day.replaces)

    @property
    def participants(self) -> int:
        return len({day.participant for day in self.days})


@dataclass
class _StoredDay:
    id: int
    status: str
    has_lines: bool


@dataclass
class _Checked:
    """A plan with what storing it needs: the round's tasks and stored days, each row's day (an index into
    `keys`), whether the row has anything in it and its minutes (rows × hours), and each day's minutes."""

    plan: ImportPlan
    tasks: dict[str, Task]
    stored: dict[DayKey, _StoredDay]
    keys: list[DayKey] = field(default_factory=list)
    day_of_row: list[int] = field(default_factory=list)
    filled: list[bool] = field(default_factory=list)
    minutes: np.ndarray | None = None
    day_minutes: list[int] = field(default_factory=list)


def _stored_days(survey: Survey) -> dict[DayKey, _StoredDay]:
    days = (
        DiaryDay.objects.filter(participant__survey=survey)
        .annotate(has_lines=Exists(DiaryLine.objects.filter(day=OuterRef("pk"))))
        .values_list("participant__number", "date", "id", "status", "has_lines")
    )
    return {(number, date): _StoredDay(pk, status, has_lines) for number, date, pk, status, has_lines in days}


def _problem_column(problem) -> str:
    """The file's column for a broken rule of the day: the hour's h-column, or the rating's or note's."""
    return f"h{problem.hour}" if problem.field in ("minutes", "hour") else problem.field


@dataclass
class _Round:
    """What an import reads of the round before it writes: its tasks by code, its stored days, and the
    numbers of its participants."""

    tasks: dict[str, Task]
    stored: dict[DayKey, _StoredDay]
    numbers: set[int]


def _read_round(survey: Survey) -> _Round:
    # With their categories: a message about a task whose label is shared names its category.
    tasks = {task.code: task for task in survey.tasks.select_related("category")}
    return _Round(tasks, _stored_days(survey), set(survey.participants.values_list("number", flat=True)))


@dataclass
class _Layout:
    """The rows with a known task, grouped in days: each row's day (an index into `keys`) and the rows'
    minutes (rows × hours; None when they do not fit such a matrix)."""

    known: list[DiaryRow]
    keys: list[DayKey]
    day_of_row: list[int]
    minutes: np.ndarray | None


def _layout(rows: Sequence[DiaryRow], tasks: dict[str, Task], hours: int) -> _Layout:
    known = [row for row in rows if row.task in tasks]
    index: dict[DayKey, int] = {}
    day_of_row = [index.setdefault((row.participant, row.date), len(index)) for row in known]
    return _Layout(known, list(index), day_of_row, _minutes(known, hours))


def check(
    *,
    survey: Survey,
    rows: Sequence[DiaryRow],
    replace: bool,
    replace_hint: str,
    unplaced: Sequence[UnplacedRow] = (),
) -> _Checked:
    """Every rule of a diary import, storing nothing; see `services.diaries_check`."""
    round_ = _read_round(survey)
    layout = _layout(rows, round_.tasks, survey.hours_per_day)
    errors = _errors(survey, rows, round_, layout, replace=replace, replace_hint=replace_hint, unplaced=unplaced)
    return _checked(survey, rows, round_, layout, errors)


def _checked(
    survey: Survey, rows: Sequence[DiaryRow], round_: _Round, layout: _Layout, errors: list[RowError]
) -> _Checked:
    """The plan of rows whose `errors` are found: those errors, or what storing them writes."""
    import numpy as np  # here, not at the top: the URLconf (and so every diary page) loads this module

    if errors:
        return _Checked(ImportPlan(errors=errors), round_.tasks, round_.stored)
    if layout.minutes is None:  # rows of other lengths, which the rules allow: shorter ones end in empty hours
        hours = survey.hours_per_day
        layout.minutes = np.array([[*row.minutes[:hours], *[0] * (hours - len(row.minutes))] for row in layout.known])
    return _planned(rows, round_, layout)


def _errors(
    survey: Survey,
    rows: Sequence[DiaryRow],
    round_: _Round,
    layout: _Layout,
    *,
    replace: bool,
    replace_hint: str,
    unplaced: Sequence[UnplacedRow] = (),
) -> list[RowError]:
    """Every problem of the rows, in row order: the file's rules row by row, the day's rules, which
    `check_day` names on the days that break one (every day, when the minutes are no matrix), and the rules
    of a row on its own for the rows on no day: those of unknown tasks, and `unplaced`. No database."""
    import numpy as np

    tasks, known, day_of_row = round_.tasks, layout.known, layout.day_of_row
    errors = _row_errors(survey, rows, tasks, round_.stored, replace=replace, replace_hint=replace_hint)
    minutes = layout.minutes
    if minutes is None:  # numbers past what numpy holds, or rows of other lengths: every day by the rules
        errors.extend(_day_errors(survey, known, day_of_row, set(range(len(layout.keys))), tasks))
    else:
        allowed, bad_rows = _breaking_a_row_rule(known, minutes)
        totals = _day_sums(np.where(allowed, minutes, 0), day_of_row, len(layout.keys))
        bad_days = {day_of_row[position] for position in np.flatnonzero(bad_rows).tolist()}
        bad_days.update(np.flatnonzero((totals > MAX_MINUTES_PER_HOUR).any(axis=1)).tolist())
        errors.extend(_day_errors(survey, known, day_of_row, bad_days, tasks))
    if len(known) < len(rows):  # only then a pass over the rows for those of unknown tasks
        errors.extend(_dayless_errors(survey, [row for row in rows if row.task not in tasks]))
    errors.extend(_dayless_errors(survey, unplaced))
    return sorted(errors, key=lambda error: error.row)


def _breaking_a_row_rule(rows: Sequence[DiaryRow | UnplacedRow], minutes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which minute boxes are allowed (rows × hours), and which rows break a rule of a row on its own: a box,
    a rating or the note's length (`diaryrules.row_problems`)."""
    import numpy as np

    allowed = (minutes >= 0) & (minutes <= MAX_MINUTES_PER_HOUR)
    ratings = {None, *RATINGS}
    other = np.fromiter(
        (
            row.value not in ratings
            or row.function not in ratings
            or (len(row.note) > NOTE_LIMIT and len(row.note.strip()) > NOTE_LIMIT)
            for row in rows
        ),
        dtype=bool,
        count=len(rows),
    )
    return allowed, ~allowed.all(axis=1) | other


def _dayless_errors(survey: Survey, rows: Sequence[DiaryRow | UnplacedRow]) -> list[RowError]:
    """The rules of a row on its own for rows that belong to no day of the round, which `check_day` cannot
    see: with the form's messages, the task named by its code as the file writes it (the row's other errors
    say what is wrong with the code, the participant or the date). Tested with numpy first, as the days are."""
    import numpy as np

    if not rows:
        return []
    minutes = _minutes(rows, survey.hours_per_day)
    if minutes is not None:
        _allowed, bad_rows = _breaking_a_row_rule(rows, minutes)
        rows = [rows[position] for position in np.flatnonzero(bad_rows).tolist()]
    errors = []
    for row in rows:
        label = shown(row.task) if row.task else _("(no task code)")
        problems = row_problems(
            survey, minutes=row.minutes, value=row.value, function=row.function, note=row.note, label=label
        )
        errors.extend(RowError(row.row, _problem_column(problem), problem.message) for problem in problems)
    return errors


def _planned(rows: Sequence[DiaryRow], round_: _Round, layout: _Layout) -> _Checked:
    """What the rows store, the rules aside: each day's lines (the rows with anything in them) and minutes,
    whether it is stored already, and the participants to create."""
    import numpy as np

    known, keys, day_of_row, minutes = layout.known, layout.keys, layout.day_of_row, layout.minutes
    totals = _day_sums(minutes, day_of_row, len(keys))
    filled = minutes.any(axis=1) | np.fromiter(
        (row.value is not None or row.function is not None or bool(row.note.strip()) for row in known),
        dtype=bool,
        count=len(known),
    )
    lines = np.bincount(np.asarray(day_of_row, dtype=np.int64), weights=filled, minlength=len(keys)).astype(int)
    day_minutes = totals.sum(axis=1).tolist()
    plan_days = []
    for position in sorted(range(len(keys)), key=keys.__getitem__):
        number, date = keys[position]
        stored_day = round_.stored.get((number, date))
        plan_days.append(
            ImportDay(
                participant=number,
                date=date,
                lines=int(lines[position]),
                minutes=int(day_minutes[position]),
                status=stored_day.status if stored_day else None,
                replaces=bool(stored_day and stored_day.has_lines),
                new_participant=number not in round_.numbers,
            )
        )
    participants_created = sorted({row.participant for row in rows} - round_.numbers)
    plan = ImportPlan(days=plan_days, participants_created=participants_created)
    return _Checked(plan, round_.tasks, round_.stored, keys, day_of_row, filled.tolist(), minutes, day_minutes)


def _row_errors(
    survey: Survey,
    rows: Sequence[DiaryRow],
    tasks: dict[str, Task],
    stored: dict[DayKey, _StoredDay],
    *,
    replace: bool,
    replace_hint: str,
) -> list[RowError]:
    """What only a file can get wrong, row by row in one pass."""
    errors: list[RowError] = []
    seen: dict[tuple[int, dt.date, str], int] = {}
    outside: dict[dt.date, str | None] = {}
    codes = ", ".join(tasks)
    for row in rows:
        key = (row.participant, row.date)
        if row.task not in tasks:
            errors.append(
                RowError(
                    row.row,
                    "task",
                    _("unknown task code %(code)s; this round has: %(codes)s")
                    % {"code": shown(row.task), "codes": codes},
                )
            )
        if row.date not in outside:
            outside[row.date] = date_message(survey=survey, date=row.date)
        if outside[row.date]:
            errors.append(RowError(row.row, "date", outside[row.date]))
        duplicate_of = seen.setdefault((*key, row.task), row.row)
        if duplicate_of != row.row:
            errors.append(
                RowError(
                    row.row,
                    "task",
                    _("repeats row %(row)d: each participant, date and task only once") % {"row": duplicate_of},
                )
            )
        # A file's cells are checked for control characters as it is read; rows from elsewhere are checked here.
        if row.note and (message := control_character_message(row.note)):
            errors.append(RowError(row.row, "note", message))
        if not replace and (day := stored.get(key)) is not None and day.has_lines:
            errors.append(
                RowError(
                    row.row,
                    "date",
                    _("participant %(number)d already has a diary for %(date)s; import with %(hint)s to overwrite it")
                    % {"number": row.participant, "date": row.date.isoformat(), "hint": replace_hint},
                )
            )
    return errors


def _minutes(rows: Sequence[DiaryRow | UnplacedRow], hours: int) -> np.ndarray | None:
    """The rows' minutes as a rows × hours matrix; None when they do not fit one."""
    import numpy as np

    if not rows:
        return np.zeros((0, hours), dtype=np.int64)
    try:
        minutes = np.array([row.minutes for row in rows], dtype=np.int64)
    except (OverflowError, ValueError):
        return None
    return minutes if minutes.shape == (len(rows), hours) else None


def _day_sums(minutes: np.ndarray, day_of_row: list[int], days: int) -> np.ndarray:
    """Each day's minutes per hour: a days × hours matrix."""
    import numpy as np

    totals = np.zeros((days, minutes.shape[1]), dtype=np.int64)
    np.add.at(totals, np.asarray(day_of_row, dtype=np.int64), minutes)
    return totals


def _day_errors(
    survey: Survey, rows: Sequence[DiaryRow], day_of_row: list[int], days: set[int], tasks: dict[str, Task]
) -> list[RowError]:
    """`check_day` on each of `days`, its problems named by the file's row and column."""
    if not days:
        return []
    grouped: dict[int, list[DiaryRow]] = defaultdict(list)
    for row, day in zip(rows, day_of_row, strict=True):
        if day in days:
            grouped[day].append(row)
    errors = []
    for day in sorted(grouped):
        day_rows = grouped[day]
        lines = [row.line(tasks[row.task]) for row in day_rows]
        errors.extend(
            RowError(day_rows[problem.line].row, _problem_column(problem), problem.message)
            for problem in check_day(survey, lines)
        )
    return errors


# --- Storing -------------------------------------------------------------------------------------

LINE_COLUMNS = ["day_id", "task_id", *HOUR_FIELDS, "value", "function", "note"]


class Refused(Exception):
    """The rows break rules: nothing is stored. `errors`: every problem, one RowError each, in row order."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__(f"{len(errors)} problem(s)")


def check_and_store(*, survey: Survey, rows: Sequence[DiaryRow], replace: bool, replace_hint: str) -> ImportResult:
    """`check`, then `store`, for rows expected to pass, in less time: the rows are written first, in a
    savepoint, and the rules checked while the server checks the keys of what was written
    (`bulkwrite.keys_checked_meanwhile`), which keeps it busy for longer (0.6 s against 0.3 s at 100 000
    rows). Rows that break a rule raise Refused with the errors `check` gives, and the savepoint undoes every
    write, also when the database refused a value first. The caller holds the transaction and the round's lock."""
    round_ = _read_round(survey)
    layout = _layout(rows, round_.tasks, survey.hours_per_day)

    def rules() -> list[RowError]:
        return _errors(survey, rows, round_, layout, replace=replace, replace_hint=replace_hint)

    if layout.minutes is None:  # rows that are no matrix: the careful order
        checked = _checked(survey, rows, round_, layout, rules())
        if checked.plan.errors:
            raise Refused(checked.plan.errors)
        return store(survey=survey, rows=rows, checked=checked, replace=replace)
    try:
        with transaction.atomic():
            return store(survey=survey, rows=rows, checked=_planned(rows, round_, layout), replace=replace, rules=rules)
    except DatabaseError:  # a value the rules refuse too (a minute of 61, a NUL), refused by the database first
        errors = rules()
        if errors:
            raise Refused(errors) from None
        raise


def store(
    *,
    survey: Survey,
    rows: Sequence[DiaryRow],
    checked: _Checked,
    replace: bool,
    rules: Callable[[], list[RowError]] | None = None,
) -> ImportResult:
    """Store a plan; the caller holds the transaction and the round's lock. Without `rules`, the plan was
    checked and has no errors; with them, they are checked after the lines are written (`check_and_store`),
    and Refused is raised when they find any, for the caller's savepoint to undo the writes."""
    plan = checked.plan
    if plan.participants_created:
        insert_alike(
            Participant(survey=survey, number=0), ["number"], [(number,) for number in plan.participants_created]
        )
    participant_ids = dict(survey.participants.values_list("number", "id"))

    now = timezone.now()
    new_days = [(participant_ids[day.participant], day.date, day.minutes) for day in plan.days if day.status is None]
    if new_days:
        template = DiaryDay(participant_id=0, date=now.date(), status=DiaryDay.Status.SUBMITTED, submitted_at=now)
        insert_alike(template, ["participant_id", "date", "minutes"], new_days)
    day_ids = {
        (number, date): pk
        for number, date, pk in DiaryDay.objects.filter(participant__survey=survey).values_list(
            "participant__number", "date", "id"
        )
    }

    # An imported day is a submitted paper form, also when it replaces a draft; a page open on a day the file
    # replaces is now out of date (its version is raised): its save is refused, not silently lost.
    _update_days(
        [(day_ids[(day.participant, day.date)], day.minutes) for day in plan.days if day.status is not None], now
    )
    if replace:
        _delete_lines([day_ids[(day.participant, day.date)] for day in plan.days if day.replaces])

    hours = survey.hours_per_day
    padding = (0,) * (MAX_HOURS - hours)
    ids_of_day = [day_ids[key] for key in checked.keys]
    task_ids = {code: task.pk for code, task in checked.tasks.items()}
    known = [row for row in rows if row.task in task_ids]
    lines = [
        (
            ids_of_day[day],
            task_ids[row.task],
            *row.minutes,
            *padding,
            row.value,
            row.function,
            row.note.strip(),
        )
        for row, day, filled in zip(known, checked.day_of_row, checked.filled, strict=True)
        if filled
    ]
    insert_lines(lines)
    # The server checks the 200 000 keys of the lines just written while the rules are checked and the task
    # totals summed here.
    with bulkwrite.keys_checked_meanwhile():
        errors = rules() if rules else []
        if not errors:
            whole, sums = _sums(known, checked, participant_ids, task_ids)
    if errors:
        raise Refused(errors)
    _store_totals(checked, participant_ids, whole, sums)
    survey.touch()
    return ImportResult(participants_created=len(plan.participants_created), days=len(plan.days), lines=len(lines))


def _elsewhere(checked: _Checked) -> set[int]:
    """The participants with a day in the file and a submitted day with lines outside it."""
    in_file = set(checked.keys)
    return {
        number
        for (number, date), day in checked.stored.items()
        if day.has_lines and day.status == DiaryDay.Status.SUBMITTED and (number, date) not in in_file
    }


def _sums(known: list[DiaryRow], checked: _Checked, participant_ids: dict[int, int], task_ids: dict[str, int]):
    """The participants whose every submitted line is now the file's, and their task totals summed from the
    rows in hand (no database: it runs while the server checks the lines' keys)."""
    import numpy as np

    whole = {number for number, _date in checked.keys} - _elsewhere(checked)
    if not whole:
        return whole, None
    day_of_row = np.asarray(checked.day_of_row, dtype=np.int64)
    day_whole = np.array([number in whole for number, _date in checked.keys])
    take = np.asarray(checked.filled, dtype=bool) & day_whole[day_of_row]
    days = day_of_row[take]
    rows = totals.sums_of_lines(
        participant=np.array([participant_ids[number] for number, _date in checked.keys], dtype=np.int64)[days],
        task=np.array([task_ids[row.task] for row in known], dtype=np.int64)[take],
        minutes=checked.minutes[take],
        value=np.array([row.value or 0 for row in known], dtype=np.int64)[take],
        function=np.array([row.function or 0 for row in known], dtype=np.int64)[take],
        weekday=np.array([date.isoweekday() for _number, date in checked.keys], dtype=np.int64)[days],
        day_minutes=np.asarray(checked.day_minutes, dtype=np.int64)[days],
    )
    return whole, rows


def _store_totals(checked: _Checked, participant_ids: dict[int, int], whole: set[int], sums) -> None:
    """The task totals of every participant with a day in the file (new lines, replaced lines or a day now
    submitted). Those whose every submitted line is now the file's are stored from `sums`; those
    with a submitted day outside the file are recomputed from the database."""
    numbers = {number for number, _date in checked.keys}
    totals.refresh(participant_ids[number] for number in numbers - whole)
    if whole:
        totals.replace_with((participant_ids[number] for number in whole), sums)


def insert_alike(template: Model, varying: list[str], rows: list[tuple]) -> None:
    """Insert rows of `template`'s model that differ from it only in the fields `varying` (by attname), in one
    COPY on PostgreSQL (a multi-row INSERT took 0.23 s for 10 000 days, COPY 0.05 s). The other columns are
    prepared once, as the ORM would save `template` (its defaults, auto_now, choices), and each varying value
    once per distinct value: bulk_create would make and prepare a model instance per row, which was most of an
    import's time for 10 000 days."""
    model = type(template)
    fields = [field for field in model._meta.concrete_fields if not field.primary_key and not field.generated]
    by_name = {field.attname: field for field in fields}
    constant = [field for field in fields if field.attname not in varying]
    constants = tuple(field.get_db_prep_save(field.pre_save(template, add=True), connection) for field in constant)
    prepared: list[dict[object, object]] = [{} for _name in varying]

    def prepare(position: int, value: object) -> object:
        cache = prepared[position]
        if value not in cache:
            cache[value] = by_name[varying[position]].get_db_prep_save(value, connection)
        return cache[value]

    values = [(*(prepare(position, value) for position, value in enumerate(row)), *constants) for row in rows]
    ordered = [by_name[name] for name in varying] + constant
    names = [field.column for field in ordered]
    if all(_copyable(field) for field in fields):
        texts = [field.column for field in ordered if _kind(field) in _TEXTS]
        bulkwrite.write_rows(model._meta.db_table, names, values, texts=texts)
    else:
        bulkwrite.insert_rows(model._meta.db_table, names, values)


# Field types whose prepared values COPY's CSV reads back as they were (str() of an int, a date, an aware
# datetime, a bool); texts only where NULL is not allowed, since CSV writes None and "" alike.
_TEXTS = {"CharField", "TextField"}
_COPYABLE = {
    "AutoField",
    "BigAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
    "DateField",
    "DateTimeField",
    "BooleanField",
    *_TEXTS,
}


def _kind(field) -> str:
    return (field.target_field if field.is_relation else field).get_internal_type()


def _copyable(field) -> bool:
    return _kind(field) in _COPYABLE and not (field.null and _kind(field) in _TEXTS)


def _delete_lines(day_ids: list[int]) -> None:
    """Delete the lines of these days. On PostgreSQL one statement with the ids as an array: an IN list of
    thousands of ids, weighed by the column's statistics, made it read the whole table (1.5 million lines
    and their dead versions) once per batch, 0.25 s each, where the index finds them in 0.07 s in all."""
    table = connection.ops.quote_name(DiaryLine._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DELETE FROM {table} WHERE day_id = ANY(%s)", [day_ids])
            return
        for start in range(0, len(day_ids), bulkwrite.BATCH):
            batch = day_ids[start : start + bulkwrite.BATCH]
            cursor.execute(f"DELETE FROM {table} WHERE day_id IN ({', '.join(['%s'] * len(batch))})", batch)


def _update_days(minutes_of_day: list[tuple[int, int]], now: dt.datetime) -> None:
    """Set the stored days' minutes, submit them (keeping when they were first submitted) and raise their
    versions: one UPDATE … FROM (VALUES …) per batch, which PostgreSQL and SQLite 3.33 or later run (the
    SQLite of Python 3.11 builds; older ones, which Django still allows, set the minutes by a subquery)."""
    table = connection.ops.quote_name(DiaryDay._meta.db_table)
    when = connection.ops.adapt_datetimefield_value(now)
    update_from = connection.vendor != "sqlite" or connection.Database.sqlite_version_info >= (3, 33)
    with connection.cursor() as cursor:
        for start in range(0, len(minutes_of_day), bulkwrite.BATCH):
            batch = minutes_of_day[start : start + bulkwrite.BATCH]
            values = ", ".join(["(%s, %s)"] * len(batch))
            if update_from:
                minutes, where = "v.minutes", f"FROM v WHERE {table}.id = v.id"
            else:
                minutes = f"(SELECT v.minutes FROM v WHERE v.id = {table}.id)"
                where = "WHERE id IN (SELECT id FROM v)"
            cursor.execute(
                f"WITH v (id, minutes) AS (VALUES {values}) "
                f"UPDATE {table} SET minutes = {minutes}, status = %s, "
                f"submitted_at = COALESCE(submitted_at, %s), version = version + 1 {where}",
                [*[value for pair in batch for value in pair], DiaryDay.Status.SUBMITTED.value, when],
            )


def insert_lines(lines: list[tuple]) -> None:
    """Insert diary lines given as tuples of LINE_COLUMNS: with COPY on PostgreSQL (psycopg2), else INSERTs."""
    bulkwrite.write_rows(DiaryLine._meta.db_table, LINE_COLUMNS, lines, texts=["note"])
