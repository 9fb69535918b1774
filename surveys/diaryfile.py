"""The diary file format, CSV and xlsx: one row per participant, date and task, like a row of the form.

    participant,date,task,h1,...,hN,value,function,note

Readers return the parsed rows and a list of row-numbered errors (row 1 is the header, as in Excel),
so that commands and web uploads report the same messages. A reader only reads: whole numbers, dates.
Whether a number is allowed is a rule of the day (`diaryrules.check_day`, which the form shares), and
whether the task and date belong to the round needs the database: both are checked by
`services.diaries_check`, which the import and the browser's preview share.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO

from django.utils.translation import gettext as _

from mio import tablefiles
from mio.tablefiles import ParseResult, RowError, UnsupportedFormat, format_for, is_blank

from .diaryrules import SCALES, LineInput
from .models import Task

__all__ = [
    "DiaryRow",
    "ParseResult",
    "RowError",
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


@dataclass
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


def header(hours: int) -> list[str]:
    return ["participant", "date", "task", *[f"h{n}" for n in range(1, hours + 1)], *SCALES, "note"]


def read_file(path: str | Path, *, hours: int) -> ParseResult[DiaryRow]:
    """Read a .csv or .xlsx diary file, choosing the reader by the file's extension."""
    return tablefiles.parse(lambda: tablefiles.read_table(path), partial(parse_table, hours=hours))


def read_csv(data: bytes, *, hours: int) -> ParseResult[DiaryRow]:
    """Read CSV separated by commas or semicolons (Swedish Excel), UTF-8 or Windows-1252 (`tablefiles.decode_text`)."""
    return tablefiles.parse(lambda: tablefiles.csv_table(data), partial(parse_table, hours=hours))


def read_xlsx(stream: IO[bytes], *, hours: int) -> ParseResult[DiaryRow]:
    return tablefiles.parse(lambda: tablefiles.xlsx_table(stream), partial(parse_table, hours=hours))


def read_upload(data: bytes, *, filename: str, hours: int) -> ParseResult[DiaryRow]:
    """An uploaded file, by its name's extension (.csv or .xlsx); raises UnsupportedFormat for others."""
    if format_for(filename) == "xlsx":
        return read_xlsx(io.BytesIO(data), hours=hours)
    return read_csv(data, hours=hours)


def parse_table(table: Sequence[Sequence[object]], *, hours: int) -> ParseResult[DiaryRow]:
    """Parse rows of cells (header first) into DiaryRows, collecting every error."""
    result: ParseResult[DiaryRow] = ParseResult()
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
                % {"expected": ",".join(expected), "hours": hours, "found": ",".join(found)},
            )
        )
        return result
    for number, values in tablefiles.data_rows(table, expected, result.errors):
        row = _parse_row(number, values, expected, result.errors)
        if row is not None:
            result.rows.append(row)
    return result


def _parse_row(number: int, values: dict[str, object], columns: list[str], errors: list[RowError]) -> DiaryRow | None:
    """The row, or None when it does not say whose day and which task it is. A minute or rating cell that is
    not a whole number is reported and read as empty, as the form reads a box it cannot, so that the day's
    rules still name every other bad cell of the row."""
    count = len(errors)

    participant = tablefiles.whole_number(values["participant"])
    if participant is None or participant < 1:
        errors.append(RowError(number, "participant", _("must be a participant number (1 or more)")))

    date = tablefiles.iso_date(values["date"])
    if date is None:
        errors.append(RowError(number, "date", _("must be a date written YYYY-MM-DD")))

    task = str(values["task"]).strip()
    if not task:
        errors.append(RowError(number, "task", _("must name a task code")))

    minutes = []
    for column in columns[3:-3]:
        raw = values[column]
        amount = 0 if is_blank(raw) else tablefiles.whole_number(raw)
        if amount is None:
            errors.append(
                RowError(
                    number,
                    column,
                    _("%(value)r is not allowed: minutes are whole numbers from 0 to 60 (empty means 0)")
                    % {"value": str(raw)},
                )
            )
            amount = 0
        minutes.append(amount)

    ratings = {}
    for column in SCALES:
        raw = values[column]
        rating = None if is_blank(raw) else tablefiles.whole_number(raw)
        if not is_blank(raw) and rating is None:
            errors.append(
                RowError(
                    number, column, _("%(value)r is not allowed: a rating is 1, 2, 3, 4 or empty") % {"value": str(raw)}
                )
            )
        ratings[column] = rating

    if any(error.column in ("participant", "date", "task") for error in errors[count:]):
        return None
    return DiaryRow(
        row=number,
        participant=participant,
        date=date,
        task=task,
        minutes=minutes,
        value=ratings["value"],
        function=ratings["function"],
        note=str(values["note"]).strip(),
    )


def write_csv(rows: Iterable[Sequence[object]], *, hours: int, stream: IO[str]) -> None:
    tablefiles.write_csv(header(hours), rows, stream)


def write_xlsx(rows: Iterable[Sequence[object]], *, hours: int, stream: IO[bytes]) -> None:
    tablefiles.write_xlsx(header(hours), rows, stream, title="diaries")
