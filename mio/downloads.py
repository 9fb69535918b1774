"""Tables for people to open in Excel: a CSV or xlsx download in the page's language.

Swedish Excel reads a CSV by the computer's regional settings: fields separated by semicolons and
numbers with a decimal comma. So a Swedish page's CSV has `;`, `0,375` and Swedish headings; an
English page's has `,`, `0.375` and English headings. An xlsx has real numeric cells, whatever the
language, shown with one decimal unless a column asks for another display format.

These files are for reading, not for reading back: the import/export round trips (diaries, action
plans, participant lists) and the management commands keep column codes and dots, through
`mio.tablefiles`.

An app passes its own headings, a mapping from column code to a (lazy) translated heading:

    table_response(["task", "minutes"], rows, fmt="csv", name="round-tasks",
                   headings={"task": _("Task"), "minutes": _("Minutes")})

A column without a heading is headed by its code.

Cells of text can come from people (a note, a unit's name). Excel would run one that starts with
"=" as a formula, and also one that starts with "+", "-" or "@" in a CSV; so an xlsx writes text as
text cells, and a CSV puts an apostrophe before such text (OWASP's advice on CSV injection).
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import IO, Any

from django.http import HttpResponse
from django.utils.translation import get_language

from mio.tablefiles import xlsx_cell

FORMATS = ("csv", "xlsx")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The display format of a float cell in xlsx; the value itself keeps every digit.
DEFAULT_NUMBER_FORMAT = "0.0"
# Excel keeps 15 significant digits; more would only show binary noise (0.30000000000000004).
SIGNIFICANT_DIGITS = 15
MAX_COLUMN_WIDTH = 60
# What Excel starts a formula with, when it opens a CSV (tab and carriage return, too, per OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Text that is just a negative number, "-3" or "-3,5": Excel reads it as that number and runs nothing.
NEGATIVE_NUMBER = re.compile(r"-\d+(?:[.,]\d+)?")


def is_swedish(language: str | None = None) -> bool:
    """Whether a download is for Swedish Excel: every language but English (Swedish is the default)."""
    return not (language or get_language() or "").startswith("en")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _is_decimal_number(value: Any) -> bool:
    return isinstance(value, (float, Decimal))


def number_text(value: float | Decimal, *, decimal: str = ".") -> str:
    """A number as Excel reads it: plain digits (never 1e-05), no thousands separator, the given
    decimal separator, at most 15 significant digits; "" for NaN and infinities."""
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    if isinstance(value, Decimal) and not value.is_finite():
        return ""
    if value == 0:
        return "0"
    text = format(Decimal(format(value, f".{SIGNIFICANT_DIGITS}g")), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", decimal)


def inert_text(text: str) -> str:
    """Text that Excel shows as it is rather than running it: "'=SUM(A1)" for "=SUM(A1)"."""
    if text.startswith(FORMULA_STARTS) and not NEGATIVE_NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_cell(value: Any, *, decimal: str) -> Any:
    """None → empty; ints as they are; floats and Decimals as plain decimals; text made inert.

    Only text is made inert: numbers, negative ones too, are written after this check and stay
    numbers that Excel can sum."""
    if value is None:
        return ""
    if _is_decimal_number(value):
        return number_text(value, decimal=decimal)
    if isinstance(value, str):
        return inert_text(value)
    return value


def write_csv(headings: Sequence[str], rows: Iterable[Sequence[Any]], stream: IO[str], *, swedish: bool) -> None:
    """Headings and rows as CSV, with a BOM so that Excel reads UTF-8 (å, ä, ö)."""
    decimal = "," if swedish else "."
    stream.write("\ufeff")
    writer = csv.writer(stream, delimiter=";" if swedish else ",", lineterminator="\r\n")
    writer.writerow([inert_text(str(heading)) for heading in headings])
    writer.writerows([csv_cell(value, decimal=decimal) for value in row] for row in rows)


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Decimal):
        return float(value) if value.is_finite() else None
    return value


def _width(value: Any, number_format: str) -> int:
    if value is None:
        return 0
    if _is_decimal_number(value):
        decimals = len(number_format.rsplit(".", 1)[1].rstrip("%")) if "." in number_format else 0
        return len(f"{float(value):,.{decimals}f}") + (1 if number_format.endswith("%") else 0)
    return len(str(value))


def write_xlsx(
    headings: Sequence[str],
    rows: Iterable[Sequence[Any]],
    stream: IO[bytes],
    *,
    title: str,
    number_formats: Sequence[str | None] = (),
) -> None:
    """Headings (bold, frozen) and rows as a workbook: numbers are numeric cells, floats shown with
    `number_formats[column]` (one decimal when None), columns about as wide as their contents."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    rows = [[_xlsx_value(value) for value in row] for row in rows]
    formats = [
        (number_formats[index] if index < len(number_formats) else None) or DEFAULT_NUMBER_FORMAT
        for index in range(len(headings))
    ]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])  # Excel's longest sheet name
    for index, heading in enumerate(headings):
        widest = max([len(str(heading)), *(_width(row[index], formats[index]) for row in rows if index < len(row))])
        sheet.column_dimensions[get_column_letter(index + 1)].width = min(widest + 2, MAX_COLUMN_WIDTH)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for heading in headings:
        cell = xlsx_cell(sheet, str(heading))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        cells = []
        for index, value in enumerate(row):
            if _is_decimal_number(value) and index < len(formats):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = formats[index]
            else:
                cell = xlsx_cell(sheet, value)
            cells.append(cell)
        sheet.append(cells)
    workbook.save(stream)


def table_response(
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    fmt: str,
    name: str,
    headings: Mapping[str, Any] | None = None,
    number_formats: Mapping[str, str] | None = None,
    sheet: str | None = None,
) -> HttpResponse:
    """A table of column codes `header` and `rows` as an attachment `<name>.<fmt>` (csv or xlsx) in
    the active language: each code headed by `headings[code]` (itself when missing), and in xlsx
    each float column shown with `number_formats[code]` ("0.0" when missing), on a sheet named
    `sheet` (`name` when not given)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown table format {fmt!r}")
    headings = headings or {}
    number_formats = number_formats or {}
    titles = [str(headings.get(code, code)) for code in header]
    if fmt == "csv":
        text = io.StringIO()
        write_csv(titles, rows, text, swedish=is_swedish())
        response = HttpResponse(text.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        stream = io.BytesIO()
        write_xlsx(
            titles, rows, stream, title=sheet or name, number_formats=[number_formats.get(code) for code in header]
        )
        response = HttpResponse(stream.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
