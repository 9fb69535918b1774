"""Tables in files, CSV or xlsx, for every app's imports and exports.

Each file format (diaries, actions, figures) names its own columns and rules; what they share is
here: reading a file into rows of cells the way Swedish Excel writes it (semicolons, a BOM), numbering
rows as Excel does (the header is row 1), reading whole numbers and dates from either kind of cell,
and writing a header and rows back.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Generic, TypeVar

from django.utils.translation import gettext as _

Table = list[list[object]]
Row = TypeVar("Row")


@dataclass(frozen=True)
class RowError:
    """What is wrong with one row of a file; `column` is empty when it is the row as a whole."""

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
class ParseResult(Generic[Row]):
    """A file's parsed rows and every error found in it (nothing is imported when there is one)."""

    rows: list[Row] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


class UnsupportedFormat(ValueError):
    pass


class UnreadableFile(ValueError):
    """The file is no table at all (not UTF-8, not a workbook); `error` says so as row 1."""

    def __init__(self, message: str):
        self.error = RowError(1, "", message)
        super().__init__(message)


def format_for(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix == ".xlsx":
        return "xlsx"
    raise UnsupportedFormat(_("Unknown file type %(suffix)r: use .csv or .xlsx") % {"suffix": suffix or path})


def read_table(path: str | Path) -> Table:
    """The rows of a .csv or .xlsx file, chosen by its extension; raises UnreadableFile."""
    kind = format_for(path)
    with open(path, "rb") as stream:
        return xlsx_table(stream) if kind == "xlsx" else csv_table(stream.read())


def csv_table(data: bytes) -> Table:
    """CSV separated by commas or semicolons (Swedish Excel), UTF-8 with or without BOM."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFile(_("the file is not UTF-8 text; save it as CSV UTF-8")) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def xlsx_table(stream: IO[bytes]) -> Table:
    """The first sheet of a workbook, empty cells as ""."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception:  # openpyxl raises several kinds for a broken file
        raise UnreadableFile(_("the file is not a readable .xlsx workbook")) from None
    sheet = workbook.worksheets[0]
    table = [["" if cell is None else cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return table


def parse(read: Callable[[], Table], parse_table: Callable[[Table], ParseResult[Row]]) -> ParseResult[Row]:
    """Read a table and parse it; a file that is no table at all is one error on row 1."""
    try:
        table = read()
    except UnreadableFile as unreadable:
        return ParseResult(errors=[unreadable.error])
    return parse_table(table)


def header_of(table: Table) -> list[str]:
    """The first row as lower-case column names, without the empty cells Excel leaves after them."""
    found = [str(cell).strip().lower() for cell in table[0]] if table else []
    while found and found[-1] == "":
        found.pop()
    return found


def data_rows(table: Table, columns: Sequence[str], errors: list[RowError]) -> Iterator[tuple[int, dict[str, object]]]:
    """Each row after the header as (row number, {column: cell}), short rows padded with "".

    Blank rows are skipped (Excel leaves them at the end); a row with more cells than columns is
    reported in `errors` and skipped.
    """
    for number, cells in enumerate(table[1:], start=2):
        cells = ["" if cell is None else cell for cell in cells]
        if all(str(cell).strip() == "" for cell in cells):
            continue
        if len(cells) > len(columns) and any(str(cell).strip() for cell in cells[len(columns) :]):
            errors.append(
                RowError(
                    number,
                    "",
                    _("has %(found)d cells, expected %(expected)d") % {"found": len(cells), "expected": len(columns)},
                )
            )
            continue
        yield number, dict(zip(columns, [*cells, *[""] * (len(columns) - len(cells))], strict=False))


def is_blank(raw: object) -> bool:
    return str(raw).strip() == ""


def whole_number(raw: object) -> int | None:
    """A whole number from a cell: 30, 30.0 (Excel), "30", "30,0" (Swedish decimals); else None."""
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


def iso_date(raw: object) -> dt.date | None:
    """A date from a date cell or YYYY-MM-DD text; else None."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw).strip())
    except ValueError:
        return None


def write_csv(header: Sequence[str], rows: Iterable[Sequence[object]], stream: IO[str]) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(["" if cell is None else cell for cell in row] for row in rows)


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """`write_csv` into a string: what the commands print."""
    buffer = io.StringIO()
    write_csv(header, rows, buffer)
    return buffer.getvalue()


def write_xlsx(header: Sequence[str], rows: Iterable[Sequence[object]], stream: IO[bytes], *, title: str) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])  # Excel's longest sheet name
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    workbook.save(stream)
