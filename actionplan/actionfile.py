"""The action file format, CSV and xlsx: one row per item of the plan.

    number,title,description,owner_level,department,area,kind,status,priority,responsible,start,due,tasks

`owner_level` is central or department, `area`, `kind` and `status` are the codes of their choices,
`priority` is 1 (high), 2 or 3 (low), dates are YYYY-MM-DD, `tasks` is task codes separated by spaces.
Readers return the parsed rows and a list of row-numbered errors (row 1 is the header, as in Excel);
rules that need the database (the department, the task codes, numbers in use) are checked by
`services.items_import`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.utils.translation import gettext as _

from surveys.diaryfile import RowError, UnsupportedFormat, format_for
from surveys.models import Area

from .models import ActionItem

COLUMNS = [
    "number",
    "title",
    "description",
    "owner_level",
    "department",
    "area",
    "kind",
    "status",
    "priority",
    "responsible",
    "start",
    "due",
    "tasks",
]
# Where a file column and the item's field are named differently (for messages about either).
FIELD_COLUMNS = {"start_date": "start", "due_date": "due", "survey": "", "coordinator": ""}
TASK_CODE = re.compile(r"^[-a-zA-Z0-9_]+$")

__all__ = ["COLUMNS", "ActionRow", "ParseResult", "UnsupportedFormat", "read_file", "write_csv", "write_xlsx"]


@dataclass
class ActionRow:
    row: int
    number: int
    title: str
    owner_level: str
    area: str
    kind: str
    status: str
    priority: int
    description: str = ""
    department: str = ""
    responsible: str = ""
    start_date: dt.date | None = None
    due_date: dt.date | None = None
    tasks: list[str] = field(default_factory=list)


@dataclass
class ParseResult:
    rows: list[ActionRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def read_file(path: str | Path) -> ParseResult:
    """Read a .csv or .xlsx action file, choosing the reader by the file's extension."""
    if format_for(path) == "xlsx":
        with open(path, "rb") as stream:
            return read_xlsx(stream)
    with open(path, "rb") as stream:
        return read_csv(stream.read())


def read_csv(data: bytes) -> ParseResult:
    """Read CSV separated by commas or semicolons (Swedish Excel), UTF-8 with or without BOM."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return ParseResult(errors=[RowError(1, "", _("the file is not UTF-8 text; save it as CSV UTF-8"))])
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    return parse_table(list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)))


def read_xlsx(stream: IO[bytes]) -> ParseResult:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception:  # openpyxl raises several kinds for a broken file
        return ParseResult(errors=[RowError(1, "", _("the file is not a readable .xlsx workbook"))])
    sheet = workbook.worksheets[0]
    table = [["" if cell is None else cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return parse_table(table)


def parse_table(table: Sequence[Sequence[object]]) -> ParseResult:
    """Parse rows of cells (header first) into ActionRows, collecting every error."""
    result = ParseResult()
    if not table:
        result.errors.append(RowError(1, "", _("the file is empty")))
        return result
    found = [str(cell).strip().lower() for cell in table[0]]
    while found and found[-1] == "":
        found.pop()
    if found != COLUMNS:
        result.errors.append(
            RowError(
                1,
                "",
                _("the header must be %(expected)s, not %(found)s")
                % {"expected": ",".join(COLUMNS), "found": ",".join(found)},
            )
        )
        return result
    for number, cells in enumerate(table[1:], start=2):
        cells = ["" if cell is None else cell for cell in cells]
        if all(str(cell).strip() == "" for cell in cells):
            continue  # blank lines are common at the end of Excel files
        row = _parse_row(number, cells, result.errors)
        if row is not None:
            result.rows.append(row)
    return result


def _choice(number: int, column: str, raw: object, choices: type, errors: list[RowError]) -> str:
    text = str(raw).strip().lower()
    if text not in choices.values:
        errors.append(
            RowError(
                number,
                column,
                _("%(value)r is not allowed; use one of: %(allowed)s")
                % {"value": str(raw), "allowed": ", ".join(choices.values)},
            )
        )
    return text


def _parse_row(number: int, cells: Sequence[object], errors: list[RowError]) -> ActionRow | None:
    if len(cells) > len(COLUMNS) and any(str(cell).strip() for cell in cells[len(COLUMNS) :]):
        errors.append(
            RowError(
                number,
                "",
                _("has %(found)d cells, expected %(expected)d") % {"found": len(cells), "expected": len(COLUMNS)},
            )
        )
        return None
    values = dict(zip(COLUMNS, [*cells, *[""] * (len(COLUMNS) - len(cells))], strict=False))
    count = len(errors)

    item_number = _whole_number(values["number"])
    if item_number is None or item_number < 1:
        errors.append(RowError(number, "number", _("must be the item's number (1 or more)")))

    title = str(values["title"]).strip()
    if not title:
        errors.append(RowError(number, "title", _("must not be empty")))

    owner_level = _choice(number, "owner_level", values["owner_level"], ActionItem.OwnerLevel, errors)
    area = _choice(number, "area", values["area"], Area, errors)
    kind = _choice(number, "kind", values["kind"], ActionItem.Kind, errors)
    status = _choice(number, "status", values["status"], ActionItem.Status, errors)

    priority = _whole_number(values["priority"])
    if priority not in ActionItem.Priority.values:
        errors.append(
            RowError(
                number,
                "priority",
                _("%(value)r is not allowed; use 1 (high), 2 (medium) or 3 (low)") % {"value": str(values["priority"])},
            )
        )

    dates = {}
    for column in ("start", "due"):
        raw = values[column]
        dates[column] = None if str(raw).strip() == "" else _date(raw)
        if str(raw).strip() != "" and dates[column] is None:
            errors.append(
                RowError(
                    number,
                    column,
                    _("%(value)r is not a date; write YYYY-MM-DD or leave it empty") % {"value": str(raw)},
                )
            )

    tasks = str(values["tasks"]).split()
    bad = [code for code in tasks if not TASK_CODE.match(code)]
    if bad:
        errors.append(
            RowError(
                number,
                "tasks",
                _("%(codes)s: task codes are letters, digits and hyphens, separated by spaces")
                % {"codes": ", ".join(repr(code) for code in bad)},
            )
        )

    if len(errors) > count:
        return None
    return ActionRow(
        row=number,
        number=item_number,
        title=title,
        description=str(values["description"]).strip(),
        owner_level=owner_level,
        department=str(values["department"]).strip(),
        area=area,
        kind=kind,
        status=status,
        priority=priority,
        responsible=str(values["responsible"]).strip(),
        start_date=dates["start"],
        due_date=dates["due"],
        tasks=tasks,
    )


def _whole_number(raw: object) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        return int(raw) if raw.is_integer() else None
    try:
        return int(str(raw).strip())
    except ValueError:
        return None


def _date(raw: object) -> dt.date | None:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw).strip())
    except ValueError:
        return None


def write_csv(rows: Iterable[Sequence[object]], *, stream: IO[str]) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)


def write_xlsx(rows: Iterable[Sequence[object]], *, stream: IO[bytes]) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("actions")
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append(["" if cell is None else cell for cell in row])
    workbook.save(stream)
