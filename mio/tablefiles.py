"""Tables in files, CSV or xlsx, for every app's imports and exports.

Each file format (diaries, actions, figures) names its own columns and rules; what they share is
here: reading a file into rows of cells the way Swedish Excel writes it (semicolons, a BOM, or
Windows-1252 from "CSV (semikolonavgränsad)"), refusing a file over the size limit before reading it,
numbering rows as Excel does (the header is row 1), reading whole numbers and dates from either kind
of cell, and writing a header and rows back.

The writers here are for exchange formats that must come back exactly as they went out (export →
import → export), so they change no cell: a note "=SUM(A1)" stays "=SUM(A1)". What they do ensure is
that an xlsx cell of text is a text cell, never a formula. Tables for people are `mio.downloads`.
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import io
import math
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Generic, TypeVar

from django.conf import settings
from django.utils import formats
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


class FileRefused(ValueError):
    """The file is not read at all: its type is not one we read, or it is too large."""


class UnsupportedFormat(FileRefused):
    pass


class FileTooLarge(FileRefused):
    pass


class UnreadableFile(ValueError):
    """The file is no table at all (not UTF-8, not a workbook); `error` says so as row 1."""

    def __init__(self, message: str):
        self.error = RowError(1, "", message)
        self.errors = [self.error]
        super().__init__(message)


class BadCells(UnreadableFile):
    """Cells that no table of text holds (a NUL or another control character): `errors` names each by its
    row and column, and the table is not parsed further."""

    def __init__(self, errors: list[RowError]):
        super().__init__(str(errors[0]))
        self.error = errors[0]
        self.errors = errors


def format_for(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix == ".xlsx":
        return "xlsx"
    raise UnsupportedFormat(_("Unknown file type %(suffix)s: use .csv or .xlsx") % {"suffix": shown(suffix or path)})


MEGABYTE = 1024 * 1024


def import_limit_text() -> str:
    """IMPORT_MAX_BYTES in megabytes, as the page's language writes numbers: "20", or "0,5"."""
    limit = settings.IMPORT_MAX_BYTES
    return formats.number_format(limit / MEGABYTE, decimal_pos=0 if limit % MEGABYTE == 0 else 1)


def too_large_message(size: int) -> str | None:
    """Why a file of `size` bytes is refused, or None when it is within IMPORT_MAX_BYTES.

    The size is rounded up, so that a file just over the limit never reads as the limit itself."""
    if size <= settings.IMPORT_MAX_BYTES:
        return None
    return _("The file is %(size)s MB; files may be at most %(limit)s MB.") % {
        "size": formats.number_format(math.ceil(size / MEGABYTE * 10) / 10, decimal_pos=1),
        "limit": import_limit_text(),
    }


def read_table(path: str | Path) -> Table:
    """The rows of a .csv or .xlsx file, chosen by its extension; raises UnreadableFile, and
    FileTooLarge (before opening it) for a file over IMPORT_MAX_BYTES."""
    kind = format_for(path)
    message = too_large_message(os.path.getsize(path))
    if message:
        raise FileTooLarge(message)
    with open(path, "rb") as stream:
        return xlsx_table(stream) if kind == "xlsx" else csv_table(stream.read())


UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")  # also the start of UTF-32's
ZIP_SIGNATURE = b"PK\x03\x04"  # an .xlsx is a zip file
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0"  # an old .xls workbook
# Control characters that no table of text holds; tab, line feed and carriage return are fine.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# "å" in UTF-8 read as Windows-1252 is "Ã¥": a file that is UTF-8 in part and Windows-1252 in part.
UTF8_AS_CP1252 = re.compile(rb"\xc3[\x80-\xbf]")


# Excel for Mac's "CSV (kommaavgränsad)" is Mac Roman, whose å, ä and ö Windows-1252 reads as Œ, Š and š.
MAC_ROMAN_LOWER_SWEDISH = re.compile(rb"[\x8a\x8c\x9a]")  # ä, å, ö
CP1252_SWEDISH = re.compile(rb"[\xe4\xe5\xf6\xc4\xc5\xd6]")  # ä, å, ö, Ä, Å, Ö
MAC_ROMAN_EXPECTED = frozenset("åäöÅÄÖéÉüÜ–—“”‘’…•€")


def _mac_roman(data: bytes) -> str | None:
    """The text of a file in Mac Roman, or None: it has a Mac Roman å, ä or ö and none of Windows-1252's, and
    read as Mac Roman, every letter beyond ASCII is one that Swedish text has."""
    if CP1252_SWEDISH.search(data) or not MAC_ROMAN_LOWER_SWEDISH.search(data):
        return None
    text = data.decode("mac_roman")
    return text if set(re.findall(r"[^\x00-\x7f]", text)) <= MAC_ROMAN_EXPECTED else None


def decode_text(data: bytes) -> str:
    """The text of a CSV file in the encodings Excel saves CSV in; raises UnreadableFile for others.

    "CSV UTF-8" is UTF-8 with a BOM, other programs write it without one, and Swedish Excel's
    "CSV (semikolonavgränsad)" is Windows-1252 (Mac Roman on a Mac). The rule is deterministic rather than a
    guess (as charset-normalizer and its kind make): valid UTF-8 is UTF-8, since Windows-1252 text with
    å, ä or ö is practically never valid UTF-8; else Mac Roman when its å, ä or ö are there and Windows-1252's
    are not (`_mac_roman`); else Windows-1252 if every byte is defined there. Text with
    control characters all over it is a program or a picture; a stray one is left for `check_cells` to name
    by row and column. Anything else (UTF-16, a workbook, a program) is refused by name.
    """
    if data.startswith(UTF8_BOM):
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise UnreadableFile(
                _("the file starts as UTF-8 text but has characters that are not UTF-8; save it again as “CSV UTF-8”")
            ) from None
    if data.startswith(UTF16_BOMS) or _looks_like_utf16(data):
        raise UnreadableFile(
            _(
                "the file is UTF-16 text (Excel's “Unicode text”), which cannot be read; "
                "save it in Excel as “CSV UTF-8” or “CSV (Comma delimited)”"
            )
        )
    if data.startswith(ZIP_SIGNATURE):
        raise UnreadableFile(
            _(
                "the file is an Excel workbook, not CSV text; give it the ending .xlsx, "
                "or save it in Excel as “CSV UTF-8” or “CSV (Comma delimited)”"
            )
        )
    if data.startswith(OLE_SIGNATURE):
        raise UnreadableFile(
            _(
                "the file is an old Excel workbook (.xls); save it in Excel as .xlsx, "
                "“CSV UTF-8” or “CSV (Comma delimited)”"
            )
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        if UTF8_AS_CP1252.search(data):
            raise UnreadableFile(
                _("the file is partly UTF-8 and partly Windows-1252 text; save it again as “CSV UTF-8”")
            ) from None
        text = _mac_roman(data)
        if text is None:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                text = None
        if text is None or _looks_binary(text):
            raise UnreadableFile(_not_text_message()) from None
        return text
    if _looks_binary(text):
        raise UnreadableFile(_not_text_message())
    return text


def _looks_binary(text: str) -> bool:
    """Text with control characters all over it is a program or a picture, not a table with a stray NUL in a
    cell (which is then named by its row and column: `check_cells`)."""
    start = text[:1000]
    return len(CONTROL_CHARACTERS.findall(start)) * 20 > len(start)


def _looks_like_utf16(data: bytes) -> bool:
    """UTF-16 without a BOM: every other byte of Latin text is a NUL."""
    start = data[:1000]
    return len(start) >= 2 and start.count(b"\x00") * 3 >= len(start)


def _not_text_message() -> str:
    return _(
        "the file is not CSV text (UTF-8 or Windows-1252); save it in Excel as "
        "“CSV UTF-8” or “CSV (Comma delimited)”, or upload the .xlsx workbook"
    )


CSV_SEPARATORS = (",", ";", "\t")


def csv_table(data: bytes) -> Table:
    """CSV separated by commas, semicolons (Swedish Excel) or tabs, in UTF-8 with or without BOM, or in
    Windows-1252 (`decode_text`). A cell may be as long as the file (the csv module's own limit is
    131 072 characters): how long a cell may be is a rule of its column. Raises BadCells for cells
    with control characters."""
    text = decode_text(data)
    first_line = text.split("\n", 1)[0]
    # Tabs too: cells copied from Excel into Notepad and saved as .csv are separated by tabs.
    counts = {separator: first_line.count(separator) for separator in CSV_SEPARATORS}
    delimiter = max(counts, key=counts.__getitem__)  # a tie, or none at all: a comma
    if len(text) >= csv.field_size_limit():
        csv.field_size_limit(len(text) + 1)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        table = list(reader)
    except csv.Error as error:  # not expected with newline="", but a message beats a traceback
        raise UnreadableFile(
            _("line %(line)d of the file cannot be read as CSV (%(error)s)") % {"line": reader.line_num, "error": error}
        ) from None
    if CONTROL_CHARACTERS.search(text):
        check_cells(table)
    return table


def xlsx_table(stream: IO[bytes]) -> Table:
    """The first sheet of a workbook with anything in it, empty cells as "".

    Empty sheets before it are passed over: Excel's "Data → From Text/CSV" puts the table on a new sheet after
    the workbook's empty "Blad1", which would otherwise read as an empty file."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception:  # openpyxl raises several kinds for a broken file
        raise UnreadableFile(_("the file is not a readable .xlsx workbook")) from None
    table: Table = []
    for sheet in workbook.worksheets:
        table = [["" if cell is None else cell for cell in row] for row in sheet.iter_rows(values_only=True)]
        if any(not is_blank(cell) for row in table for cell in row):
            break
    workbook.close()
    check_cells(table)
    return table


def control_character_message(text: str) -> str | None:
    """Why a text cannot be stored: it holds a control character (a NUL, say); None when it is fine."""
    found = CONTROL_CHARACTERS.search(text)
    if found is None:
        return None
    return _("holds the invisible control character U+%(code)04X, which is not allowed; remove it") % {
        "code": ord(found.group())
    }


def check_cells(table: Table) -> None:
    """Raise BadCells naming every cell (row as Excel numbers it, column by its header) with a control
    character: PostgreSQL cannot store a NUL, and the others are never meant."""
    header = [str(cell).strip().lower() for cell in table[0]] if table else []
    errors = []
    for number, cells in enumerate(table, start=1):
        for position, cell in enumerate(cells):
            if isinstance(cell, str) and (message := control_character_message(cell)):
                column = header[position] if position < len(header) and header[position] else column_letter(position)
                errors.append(RowError(number, column, message))
    if errors:
        raise BadCells(errors)


def column_letter(position: int) -> str:
    """Excel's name for the column at `position` (0: "A", 26: "AA")."""
    name = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        name = chr(ord("A") + rest) + name
    return name


@contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cycle collector paused while a file's hundreds of thousands of cells and rows are made: it
    would walk all of them again and again (doubling the time of a large import), and they hold no cycles."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def parse(read: Callable[[], Table], parse_table: Callable[[Table], ParseResult[Row]]) -> ParseResult[Row]:
    """Read a table and parse it; a file that is no table at all is one error on row 1."""
    with gc_paused():
        try:
            table = read()
        except UnreadableFile as unreadable:
            return ParseResult(errors=list(unreadable.errors))
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
    for number, cells in data_cells(table, len(columns), errors):
        yield number, dict(zip(columns, cells, strict=True))


def data_cells(table: Table, width: int, errors: list[RowError]) -> Iterator[tuple[int, list[object]]]:
    """`data_rows` as lists of exactly `width` cells, for readers of many rows."""
    for number, cells in enumerate(table[1:], start=2):
        if len(cells) == width and type(first := cells[0]) is str and first.strip() and None not in cells:
            yield number, cells  # the usual row, quickly
            continue
        if not any(cell.strip() if isinstance(cell, str) else cell is not None for cell in cells):
            continue
        if len(cells) != width:
            if len(cells) > width and any(not is_blank(cell) for cell in cells[width:] if cell is not None):
                errors.append(
                    RowError(
                        number,
                        "",
                        _("has %(found)d cells, expected %(expected)d") % {"found": len(cells), "expected": width},
                    )
                )
                continue
            cells = [*cells[:width], *[""] * (width - len(cells))]
        if None in cells:
            cells = ["" if cell is None else cell for cell in cells]
        yield number, cells


def is_blank(raw: object) -> bool:
    return str(raw).strip() == ""


def shown(raw: object, *, limit: int = 40) -> str:
    """A cell's text as a message quotes it: in the language's quotation marks (”…” in Swedish), and
    cut after `limit` characters."""
    text = str(raw)
    return _("“%(text)s”") % {"text": text if len(text) <= limit else text[:limit] + "…"}


# Decimal digits only: int() and float() would also take "1e6", "1_000", "inf" and non-ASCII digits.
# Swedish Excel's number format with a thousands separator writes 12345 as "12 345", with a no-break space (or a
# narrow one): groups of exactly three digits, so that "1 5", a slip, is still not a number.
THOUSANDS_SPACES = " \u00a0\u202f"
WHOLE_NUMBER = re.compile(rf"[+-]?(?:[0-9]+|[0-9]{{1,3}}(?:[{THOUSANDS_SPACES}][0-9]{{3}})+)(?:[.,]0*)?")
NO_SPACES = str.maketrans("", "", THOUSANDS_SPACES)


def whole_number(raw: object) -> int | None:
    """A whole decimal number from a cell: 30, 30.0 (Excel), "30", "30,0" (Swedish decimals), "12 345" (Swedish
    thousands); else None ("1e6", "3.5", "1_000" and the like are not whole numbers as people write them)."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        return int(raw) if raw.is_integer() else None
    text = str(raw).strip()
    if not WHOLE_NUMBER.fullmatch(text):
        return None
    try:
        return int(re.split(r"[.,]", text)[0].translate(NO_SPACES))
    except ValueError:  # over Python's 4 300 digits: no field stores it either
        return None


# Excel's serial numbers of the days 2000-01-01 and 2099-12-31: a number cell in a date column in this range is a
# date whose cell lost its date format (pasted as values, or formatted "General"); a smaller number is a mistake
# (a rating or minutes in the wrong column), never a day of 1900.
EXCEL_SERIAL_DAYS = range(36526, 73051)


def iso_date(raw: object) -> dt.date | None:
    """A date from a date cell, an Excel serial number of this century in a number cell, or text written
    YYYY-MM-DD, also with a time after it as Excel writes a date-time cell into CSV ("2026-11-24 00:00");
    else None."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if math.isfinite(raw) and math.floor(raw) in EXCEL_SERIAL_DAYS:
            from openpyxl.utils.datetime import from_excel

            return from_excel(raw).date()
        return None
    text = str(raw).strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    if len(text) > 10 and text[10] in " T":
        try:
            return dt.datetime.fromisoformat(text).date()
        except ValueError:
            return None
    return None


def excel_separator() -> str:
    """The separator Excel splits a double-clicked CSV file at, where numbers are written as the page's language
    writes them: ";" where the decimal separator is a comma (Swedish Excel), else ",". For the example files, which
    people open in Excel to fill in; a file of the wrong one opens with every row in column A."""
    return ";" if formats.get_format("DECIMAL_SEPARATOR") == "," else ","


def write_csv(
    header: Sequence[str], rows: Iterable[Sequence[object]], stream: IO[str], *, delimiter: str = ","
) -> None:
    writer = csv.writer(stream, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(["" if cell is None else cell for cell in row] for row in rows)


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """`write_csv` into a string: what the commands print."""
    buffer = io.StringIO()
    write_csv(header, rows, buffer)
    return buffer.getvalue()


def xlsx_cell(sheet: object, value: object) -> object:
    """`value` for a write-only sheet's row: text as a cell of type text, anything else as it is.

    openpyxl turns a string that starts with "=" into a formula and "#N/A" into an error cell; a
    note "=SUM(A1)" would then be computed by Excel. As a text cell it is shown and read back as it is.
    """
    from openpyxl.cell import WriteOnlyCell

    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def write_xlsx(header: Sequence[str], rows: Iterable[Sequence[object]], stream: IO[bytes], *, title: str) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])  # Excel's longest sheet name
    sheet.append([xlsx_cell(sheet, value) for value in header])
    for row in rows:
        sheet.append([xlsx_cell(sheet, value) for value in row])
    workbook.save(stream)
