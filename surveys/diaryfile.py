"""The diary file format, CSV and xlsx: one row per participant, date and task, like a row of the form.

    participant,date,task,h1,...,hN,value,function,note

Readers return the parsed rows and a list of row-numbered errors (row 1 is the header, as in Excel),
so that commands and web uploads report the same messages. Rules that need the database (does the
task exist, is the date in the round) are checked by `services.diaries_import`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.utils.translation import gettext as _

from .models import MAX_MINUTES_PER_HOUR

RATING_COLUMNS = ("value", "function")


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.column:
            return _("Row %(row)d, column %(column)s: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        return _("Row %(row)d: %(message)s") % {"row": self.row, "message": self.message}


@dataclass
class DiaryRow:
    row: int
    participant: int
    date: dt.date
    task: str
    minutes: list[int]
    value: int | None = None
    function: int | None = None
    note: str = ""

    def is_empty(self) -> bool:
        """Rows with nothing in them are allowed in files but never stored."""
        return not any(self.minutes) and self.value is None and self.function is None and not self.note


@dataclass
class ParseResult:
    rows: list[DiaryRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def header(hours: int) -> list[str]:
    return ["participant", "date", "task", *[f"h{n}" for n in range(1, hours + 1)], *RATING_COLUMNS, "note"]


class UnsupportedFormat(ValueError):
    pass


def format_for(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix == ".xlsx":
        return "xlsx"
    raise UnsupportedFormat(_("Unknown file type %(suffix)r: use .csv or .xlsx") % {"suffix": suffix or path})


def read_file(path: str | Path, *, hours: int) -> ParseResult:
    """Read a .csv or .xlsx diary file, choosing the reader by the file's extension."""
    if format_for(path) == "xlsx":
        with open(path, "rb") as stream:
            return read_xlsx(stream, hours=hours)
    with open(path, "rb") as stream:
        return read_csv(stream.read(), hours=hours)


def read_csv(data: bytes, *, hours: int) -> ParseResult:
    """Read CSV separated by commas or semicolons (Swedish Excel), UTF-8 with or without BOM."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return ParseResult(errors=[RowError(1, "", _("the file is not UTF-8 text; save it as CSV UTF-8"))])
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    table = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    return parse_table(table, hours=hours)


def read_xlsx(stream: IO[bytes], *, hours: int) -> ParseResult:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception:  # openpyxl raises several kinds for a broken file
        return ParseResult(errors=[RowError(1, "", _("the file is not a readable .xlsx workbook"))])
    sheet = workbook.worksheets[0]
    table = [["" if cell is None else cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return parse_table(table, hours=hours)


def parse_table(table: Sequence[Sequence[object]], *, hours: int) -> ParseResult:
    """Parse rows of cells (header first) into DiaryRows, collecting every error."""
    result = ParseResult()
    if not table:
        result.errors.append(RowError(1, "", _("the file is empty")))
        return result
    expected = header(hours)
    found = [str(cell).strip().lower() for cell in table[0]]
    while found and found[-1] == "":
        found.pop()
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
    for number, cells in enumerate(table[1:], start=2):
        cells = ["" if cell is None else cell for cell in cells]
        if all(str(cell).strip() == "" for cell in cells):
            continue  # blank lines are common at the end of Excel files
        row = _parse_row(number, cells, expected, result.errors)
        if row is not None:
            result.rows.append(row)
    return result


def _parse_row(number: int, cells: Sequence[object], columns: list[str], errors: list[RowError]) -> DiaryRow | None:
    if len(cells) > len(columns) and any(str(cell).strip() for cell in cells[len(columns) :]):
        errors.append(
            RowError(
                number,
                "",
                _("has %(found)d cells, expected %(expected)d") % {"found": len(cells), "expected": len(columns)},
            )
        )
        return None
    values = dict(zip(columns, [*cells, *[""] * (len(columns) - len(cells))], strict=False))
    count = len(errors)

    participant = _whole_number(values["participant"])
    if participant is None or participant < 1:
        errors.append(RowError(number, "participant", _("must be a participant number (1 or more)")))

    date = _date(values["date"])
    if date is None:
        errors.append(RowError(number, "date", _("must be a date written YYYY-MM-DD")))

    task = str(values["task"]).strip()
    if not task:
        errors.append(RowError(number, "task", _("must name a task code")))

    minutes = []
    for column in columns[3:-3]:
        raw = values[column]
        amount = 0 if str(raw).strip() == "" else _whole_number(raw)
        if amount is None or not 0 <= amount <= MAX_MINUTES_PER_HOUR:
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
    for column in RATING_COLUMNS:
        raw = values[column]
        rating = None if str(raw).strip() == "" else _whole_number(raw)
        if str(raw).strip() != "" and (rating is None or not 1 <= rating <= 4):
            errors.append(
                RowError(
                    number, column, _("%(value)r is not allowed: a rating is 1, 2, 3, 4 or empty") % {"value": str(raw)}
                )
            )
            rating = None
        ratings[column] = rating

    if len(errors) > count:
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


def _whole_number(raw: object) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        return int(raw) if raw.is_integer() else None
    text = str(raw).strip()
    try:
        return int(text)
    except ValueError:
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            return None
        return int(number) if number.is_integer() else None


def _date(raw: object) -> dt.date | None:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw).strip())
    except ValueError:
        return None


def write_csv(rows: Iterable[Sequence[object]], *, hours: int, stream: IO[str]) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(header(hours))
    writer.writerows(rows)


def write_xlsx(rows: Iterable[Sequence[object]], *, hours: int, stream: IO[bytes]) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("diaries")
    sheet.append(header(hours))
    for row in rows:
        sheet.append(["" if cell is None else cell for cell in row])
    workbook.save(stream)
