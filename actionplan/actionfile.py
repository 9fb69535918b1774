"""The action file format, CSV and xlsx: one row per item of the plan.

    number,title,description,owner_level,department,area,kind,status,priority,responsible,start,due,tasks,done

`owner_level` is central or department, `area`, `kind` and `status` are the codes of their choices,
`priority` is 1 (high), 2 or 3 (low), dates are YYYY-MM-DD, `tasks` is task codes separated by spaces,
`done` the day a done item became done (empty: the day it is imported, or the day already recorded).
Files written before the `done` column, without it, are read as before.
Every value must fit the item's field, read from the model (`mio.fieldlimits`): `number` a whole number
in decimal digits within the field's range, text no longer than its field and without NUL characters.
Readers return the parsed rows and a list of row-numbered errors (row 1 is the header, as in Excel);
rules that need the database (the department, the task codes, numbers in use) are checked by
`services.items_import`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.utils.translation import gettext as _

from mio import fieldlimits, tablefiles
from mio.tablefiles import ParseResult, RowError, UnsupportedFormat, is_blank, shown
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
    "done",
]
# A file of the format before `done`: its done items keep the day already recorded, else get the day of the import.
COLUMNS_WITHOUT_DONE = COLUMNS[:-1]
# Where a file column and the item's field are named differently (for messages about either).
FIELD_COLUMNS = {"start_date": "start", "due_date": "due", "done_on": "done", "survey": "", "coordinator": ""}
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
    done_date: dt.date | None = None


def read_file(path: str | Path) -> ParseResult[ActionRow]:
    """Read a .csv or .xlsx action file, choosing the reader by the file's extension."""
    return tablefiles.parse(lambda: tablefiles.read_table(path), parse_table)


def read_csv(data: bytes) -> ParseResult[ActionRow]:
    """Read CSV separated by commas or semicolons (Swedish Excel), UTF-8 or Windows-1252 (`tablefiles.decode_text`)."""
    return tablefiles.parse(lambda: tablefiles.csv_table(data), parse_table)


def read_xlsx(stream: IO[bytes]) -> ParseResult[ActionRow]:
    return tablefiles.parse(lambda: tablefiles.xlsx_table(stream), parse_table)


def parse_table(table: Sequence[Sequence[object]]) -> ParseResult[ActionRow]:
    """Parse rows of cells (header first) into ActionRows, collecting every error."""
    result: ParseResult[ActionRow] = ParseResult()
    if not table:
        result.errors.append(RowError(1, "", _("the file is empty")))
        return result
    found = tablefiles.header_of(table)
    if found not in (COLUMNS, COLUMNS_WITHOUT_DONE):
        result.errors.append(
            RowError(
                1,
                "",
                _("the header must be %(expected)s, not %(found)s")
                % {"expected": ",".join(COLUMNS), "found": ",".join(found) or _("nothing")},
            )
        )
        return result
    for number, values in tablefiles.data_rows(table, found, result.errors):
        row = _parse_row(number, {"done": "", **values}, result.errors)
        if row is not None:
            result.rows.append(row)
    return result


# Columns of free text, stored as they are in the item's field of the same name.
TEXT_COLUMNS = ("title", "description", "responsible")


def number_range() -> tuple[int, int]:
    """The item numbers the plan holds: from 1 to the largest its field takes."""
    lowest, highest = fieldlimits.integer_range(ActionItem, "number")
    return max(lowest, 1), highest


def tasks_problem(codes: Sequence[str]) -> str | None:
    """Why the task codes do not fit the item's field (stored once each, separated by spaces), or None."""
    stored = " ".join(dict.fromkeys(codes))
    limit = fieldlimits.max_length(ActionItem, "tasks")
    if len(stored) > limit:
        return _(
            "the task codes take %(length)d characters, separated by spaces; at most %(limit)d fit in an item: "
            "split the item or leave some tasks out"
        ) % {"length": len(stored), "limit": limit}
    return None


def _choice(number: int, column: str, raw: object, choices: type, errors: list[RowError]) -> str:
    text = str(raw).strip().lower()
    if text not in choices.values:
        errors.append(
            RowError(
                number,
                column,
                _("%(value)s is not allowed; use one of: %(allowed)s")
                % {"value": shown(raw), "allowed": ", ".join(choices.values)},
            )
        )
    return text


def _parse_row(number: int, values: dict[str, object], errors: list[RowError]) -> ActionRow | None:
    count = len(errors)

    item_number = tablefiles.whole_number(values["number"])
    lowest, highest = number_range()
    if item_number is None or not lowest <= item_number <= highest:
        errors.append(
            RowError(
                number,
                "number",
                _("%(value)s is not an item number; use a whole number from %(low)d to %(high)d")
                % {"value": shown(values["number"]), "low": lowest, "high": highest},
            )
        )

    title = str(values["title"]).strip()
    if not title:
        errors.append(RowError(number, "title", _("must not be empty")))
    for column in TEXT_COLUMNS:
        problem = fieldlimits.field_text_problem(str(values[column]).strip(), model=ActionItem, name=column)
        if problem:
            errors.append(RowError(number, column, problem))

    owner_level = _choice(number, "owner_level", values["owner_level"], ActionItem.OwnerLevel, errors)
    area = _choice(number, "area", values["area"], Area, errors)
    kind = _choice(number, "kind", values["kind"], ActionItem.Kind, errors)
    status = _choice(number, "status", values["status"], ActionItem.Status, errors)

    priority = tablefiles.whole_number(values["priority"])
    if priority not in ActionItem.Priority.values:
        errors.append(
            RowError(
                number,
                "priority",
                _("%(value)s is not allowed; use 1 (high), 2 (medium) or 3 (low)")
                % {"value": shown(values["priority"])},
            )
        )

    dates = {}
    for column in ("start", "due", "done"):
        raw = values[column]
        dates[column] = None if is_blank(raw) else tablefiles.iso_date(raw)
        if not is_blank(raw) and dates[column] is None:
            errors.append(
                RowError(
                    number,
                    column,
                    _("%(value)s is not a date; write YYYY-MM-DD or leave it empty") % {"value": shown(raw)},
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
                % {"codes": ", ".join(shown(code) for code in bad)},
            )
        )
    else:
        problem = tasks_problem(tasks)
        if problem:
            errors.append(RowError(number, "tasks", problem))

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
        done_date=dates["done"],
    )


def write_csv(rows: Iterable[Sequence[object]], *, stream: IO[str]) -> None:
    tablefiles.write_csv(COLUMNS, rows, stream)


def write_xlsx(rows: Iterable[Sequence[object]], *, stream: IO[bytes]) -> None:
    tablefiles.write_xlsx(COLUMNS, rows, stream, title="actions")
