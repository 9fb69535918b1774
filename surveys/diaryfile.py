"""The diary file format, CSV and xlsx: one row per participant, date and task, like a row of the form.

    participant,date,task,h1,...,hN,value,function,note

Readers return the parsed rows and a list of row-numbered errors (row 1 is the header, as in Excel),
so that commands and web uploads report the same messages. A reader only reads: whole decimal numbers,
dates, and the limits of the model's fields that a row cannot be stored beyond (a participant number
from 1 to 99 999, as enrolment allows, a task code of at most 50 characters); a cell with a control character (a NUL)
is refused with the table (`tablefiles.check_cells`). Each column is read once per distinct value, which
is what makes a file of a whole round (100 000 rows) quick to read.
Whether a number is allowed is a rule of the day (`diaryrules.check_day`, which the form shares), and
whether the task and date belong to the round needs the database: both are checked by
`services.diaries_check`, which the import and the browser's preview share. A row whose participant, date
or task cannot be read belongs to no day and is left out of the rows, but kept aside (`UnplacedRow`) for
`diaries_check` to check its minutes, ratings and note on their own: one import names all that is wrong with it.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import IO

from django.utils.translation import gettext as _

from mio import tablefiles
from mio.tablefiles import ParseResult, RowError, UnsupportedFormat, format_for, is_blank

from .diaryrules import SCALES, LineInput
from .models import MAX_PARTICIPANT_NUMBER, Task

__all__ = [
    "DiaryParseResult",
    "DiaryRow",
    "ParseResult",
    "RowError",
    "UnplacedRow",
    "UnsupportedFormat",
    "format_for",
    "header",
    "read_csv",
    "read_file",
    "read_upload",
    "read_xlsx",
    "write_csv",
    "write_xlsx",
]


@dataclass(slots=True)
class DiaryRow:
    """One row of a file: where it stands (its row number, whose day) and the line as read, naming its task by
    code until the round's tasks are looked up."""

    row: int
    participant: int
    date: dt.date
    task: str
    minutes: list[int]
    value: int | None = None
    function: int | None = None
    note: str = ""

    def line(self, task: Task) -> LineInput:
        """The row as a line of the day, once its task code is known to be the round's `task`."""
        return LineInput(task=task, minutes=self.minutes, value=self.value, function=self.function, note=self.note)

    def as_list(self) -> list[object]:
        """The row as JSON values, compact enough to wait in the session between preview and confirmation."""
        return [
            self.row,
            self.participant,
            self.date.isoformat(),
            self.task,
            self.minutes,
            self.value,
            self.function,
            self.note,
        ]

    @classmethod
    def from_list(cls, values: Sequence[object]) -> DiaryRow:
        row, participant, date, task, minutes, value, function, note = values
        return cls(row, participant, dt.date.fromisoformat(date), task, list(minutes), value, function, note)


@dataclass(slots=True)
class UnplacedRow:
    """A row whose participant, date or task cell cannot be read (the reader reports which): it is on no day
    and never stored, but its minutes, ratings and note are checked on their own. `task`: the task cell's
    text as the file writes it, which names the row in those messages."""

    row: int
    task: str
    minutes: list[int]
    value: int | None = None
    function: int | None = None
    note: str = ""


@dataclass
class DiaryParseResult(ParseResult[DiaryRow]):
    """A diary file's rows and errors, and the rows left out because they belong to no day (`unplaced`), for
    `services.diaries_check` to check what can be checked of them."""

    unplaced: list[UnplacedRow] = field(default_factory=list)


def header(hours: int) -> list[str]:
    return ["participant", "date", "task", *[f"h{n}" for n in range(1, hours + 1)], *SCALES, "note"]


def read_file(path: str | Path, *, hours: int) -> DiaryParseResult:
    """Read a .csv or .xlsx diary file, choosing the reader by the file's extension."""
    return _parse(lambda: tablefiles.read_table(path), hours=hours)


def read_csv(data: bytes, *, hours: int) -> DiaryParseResult:
    """Read CSV separated by commas or semicolons (Swedish Excel), UTF-8 or Windows-1252 (`tablefiles.decode_text`)."""
    return _parse(lambda: tablefiles.csv_table(data), hours=hours)


def read_xlsx(stream: IO[bytes], *, hours: int) -> DiaryParseResult:
    return _parse(lambda: tablefiles.xlsx_table(stream), hours=hours)


def _parse(read: Callable[[], tablefiles.Table], *, hours: int) -> DiaryParseResult:
    result = tablefiles.parse(read, partial(parse_table, hours=hours))
    # A file that is no table at all comes back as tablefiles' result: its one error, no rows.
    return result if isinstance(result, DiaryParseResult) else DiaryParseResult(errors=result.errors)


def read_upload(data: bytes, *, filename: str, hours: int) -> DiaryParseResult:
    """An uploaded file, by its name's extension (.csv or .xlsx); raises UnsupportedFormat for others."""
    if format_for(filename) == "xlsx":
        return read_xlsx(io.BytesIO(data), hours=hours)
    return read_csv(data, hours=hours)


PARTICIPANT_LOW = 1  # the model's check constraint
PARTICIPANT_HIGH = MAX_PARTICIPANT_NUMBER  # as enrolment: a larger number is a typing mistake
TASK_CODE_LIMIT = Task._meta.get_field("code").max_length


def parse_table(table: Sequence[Sequence[object]], *, hours: int) -> DiaryParseResult:
    """Parse rows of cells (header first) into DiaryRows, collecting every error; a row without a readable
    participant, date or task goes to `unplaced` instead."""
    result = DiaryParseResult()
    if not table:
        result.errors.append(RowError(1, "", _("the file is empty")))
        return result
    expected = header(hours)
    found = tablefiles.header_of(table)
    if found != expected:
        result.errors.append(
            RowError(
                1,
                "",
                _("the header must be %(expected)s (this round has %(hours)d hours), not %(found)s")
                % {"expected": ",".join(expected), "hours": hours, "found": ",".join(found) or _("nothing")},
            )
        )
        return result
    width = len(expected)
    numbered = list(tablefiles.data_cells(table, width, result.errors))
    if not numbered:
        return result
    numbers = [number for number, _cells in numbered]
    columns = list(zip(*(cells for _number, cells in numbered), strict=True))
    del numbered
    # Files repeat the same few values in a column (the minutes 0 to 60, a few dates and task codes), so each
    # column is read once per distinct value, and the rows are put together from the columns.
    read: dict[str, list] = {}
    errors: list[tuple[int, int, RowError]] = [(error.row, -1, error) for error in result.errors]
    for position, column in enumerate(expected):
        reader = _COLUMN_READERS.get(column, _read_minutes if column.startswith("h") else _read_rating)
        values, any_bad = column_values(columns[position], reader)
        read[column] = values
        if any_bad:
            for index, value in enumerate(values):
                if isinstance(value, _Bad):
                    errors.append((numbers[index], position, RowError(numbers[index], column, value.message)))
                    values[index] = value.read_as
    result.errors = [error for _row, _position, error in sorted(errors, key=lambda item: item[:2])]
    unusable = {row for row, position, _error in errors if 0 <= position <= 2}
    minutes = list(map(list, zip(*(read[f"h{n}"] for n in range(1, hours + 1)), strict=True)))
    result.rows = [
        DiaryRow(number, participant, date, task, row_minutes, value, function, note)
        for number, participant, date, task, row_minutes, value, function, note in zip(
            numbers,
            read["participant"],
            read["date"],
            read["task"],
            minutes,
            read["value"],
            read["function"],
            read["note"],
            strict=True,
        )
        if number not in unusable
    ]
    if unusable:
        tasks = columns[2]
        result.unplaced = [
            UnplacedRow(
                number,
                str(tasks[index]).strip(),
                minutes[index],
                read["value"][index],
                read["function"][index],
                read["note"][index],
            )
            for index, number in enumerate(numbers)
            if number in unusable
        ]
    return result


@dataclass(frozen=True)
class _Bad:
    """A cell that cannot be read: its message, and what the row holds instead (None: the row is unusable)."""

    message: str
    read_as: object = None


def column_values(cells: Sequence[object], reader) -> tuple[list, bool]:
    """`reader` of every cell, called once per distinct cell (of one type: 1, 1.0 and True are equal keys),
    and whether any of them is `_Bad`."""
    distinct = dict.fromkeys(cells)
    if all(type(cell) is str for cell in distinct):  # a text never equals a cell of another type
        distinct = {cell: reader(cell) for cell in distinct}
        values = list(map(distinct.__getitem__, cells))
    else:
        distinct = {(type(cell), cell): None for cell in cells}
        distinct = {key: reader(key[1]) for key in distinct}
        values = [distinct[(type(cell), cell)] for cell in cells]
    return values, any(isinstance(value, _Bad) for value in distinct.values())


def _read_participant(raw: object) -> int | _Bad:
    number = tablefiles.whole_number(raw)
    if number is None or not PARTICIPANT_LOW <= number <= PARTICIPANT_HIGH:
        # Enrolment's wording, with the value quoted, like the other columns' messages.
        return _Bad(
            _("%(value)s is not a participant number; use a whole number from 1 to %(max)d")
            % {"value": tablefiles.shown(raw), "max": PARTICIPANT_HIGH}
        )
    return number


def _read_date(raw: object) -> dt.date | _Bad:
    date = tablefiles.iso_date(raw)
    if date is None:
        return _Bad(_("%(value)s is not a date; write YYYY-MM-DD") % {"value": tablefiles.shown(raw)})
    return date


def _read_task(raw: object) -> str | _Bad:
    task = str(raw).strip()
    if not task:
        return _Bad(_("must name a task code"))
    if len(task) > TASK_CODE_LIMIT:
        return _Bad(
            _("must be a task code of at most %(limit)d characters (now %(length)d)")
            % {"limit": TASK_CODE_LIMIT, "length": len(task)}
        )
    return task


def _read_minutes(raw: object) -> int | _Bad:
    """A minute cell that is not a whole number is reported and read as empty, as the form reads a box it
    cannot, so that the day's rules still name every other bad cell of the row."""
    if is_blank(raw):
        return 0
    amount = tablefiles.whole_number(raw)
    if amount is None:
        return _Bad(
            _("%(value)s is not allowed: minutes are whole numbers from 0 to 60 (empty means 0)")
            % {"value": tablefiles.shown(raw)},
            0,
        )
    return amount


def _read_rating(raw: object) -> int | None | _Bad:
    if is_blank(raw):
        return None
    rating = tablefiles.whole_number(raw)
    if rating is None:
        return _Bad(
            _("%(value)s is not allowed: a rating is 1, 2, 3, 4 or empty") % {"value": tablefiles.shown(raw)}, None
        )
    return rating


def _read_note(raw: object) -> str:
    """Its length is a rule of the day (`diaryrules.check_day`), and control characters are refused with the
    table (`tablefiles.check_cells`)."""
    return str(raw).strip()


_COLUMN_READERS = {
    "participant": _read_participant,
    "date": _read_date,
    "task": _read_task,
    "note": _read_note,
}


def write_csv(rows: Iterable[Sequence[object]], *, hours: int, stream: IO[str], delimiter: str = ",") -> None:
    tablefiles.write_csv(header(hours), rows, stream, delimiter=delimiter)


def write_xlsx(rows: Iterable[Sequence[object]], *, hours: int, stream: IO[bytes]) -> None:
    tablefiles.write_xlsx(header(hours), rows, stream, title="diaries")
