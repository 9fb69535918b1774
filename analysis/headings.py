"""The analysis tables as people read them in a download: headings and words instead of codes.

The tables (`dashboard.dashboard_table`, `reports.comparison_rows`, `rounds.rounds_table`) have column
codes and code-valued cells, which the JSON endpoints and the commands keep. A CSV or xlsx for
people gets the page's headings, task labels and category names in the reader's language, support
areas and row kinds as words (`mio.downloads` then writes numbers the way that language's Excel
reads them).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .labels import area_label, category_name, task_labels

# The same words as the pages' table headings, so that a file reads like the page it came from.
HEADINGS: dict[str, Any] = {
    "task": gettext_lazy("Task code"),
    "label": gettext_lazy("Task"),
    "category": gettext_lazy("Category"),
    "area": gettext_lazy("Area"),
    "minutes": gettext_lazy("Minutes"),
    "share": gettext_lazy("Share"),
    "minutes_per_manager_day": gettext_lazy("Minutes per manager-day"),
    "function_mean": gettext_lazy("Function (1–4)"),
    "value_mean": gettext_lazy("Value (1–4)"),
    "friction_minutes_per_manager_day": gettext_lazy("Friction minutes per manager-day"),
    "low_value_minutes_per_manager_day": gettext_lazy("Low-value minutes per manager-day"),
    "managers": gettext_lazy("Managers"),
    "rank": gettext_lazy("Rank"),
    "minimum": gettext_lazy("Minimum"),
    "median": gettext_lazy("Median"),
    "maximum": gettext_lazy("Maximum"),
    "mean": gettext_lazy("Mean"),
    "cv": gettext_lazy("Coefficient of variation"),
    "number": gettext_lazy("Participant number"),
    "days": gettext_lazy("Days"),
    "kind": gettext_lazy("Kind"),
    "name": gettext_lazy("Task or category"),
    "minutes_per_day": gettext_lazy("Minutes per day"),
    "hours_per_manager_year": gettext_lazy("Hours per manager and year"),
    "sek_per_manager_year": gettext_lazy("SEK per manager and year"),
    "hours_all_year": gettext_lazy("Hours a year, all managers"),
    "sek_all_year": gettext_lazy("SEK a year, all managers"),
    "fte": gettext_lazy("Full-time equivalents"),
    # Why a row of a dashboard table is withheld (analysis.disclosure), in the last column.
    "withheld": gettext_lazy("Withheld"),
}

# A figure of both rounds (`rounds.rounds_table`): "<figure>_baseline", "_followup", "_change".
ROUND_PARTS: dict[str, Any] = {
    "baseline": gettext_lazy("baseline"),
    "followup": gettext_lazy("follow-up"),
    "change": gettext_lazy("change"),
}

# xlsx display formats of the float columns that one decimal would not show well (all others: "0.0"):
# as the page shows them, so that a cell reads as the page's figure (hours and kronor whole, grouped).
WHOLE_GROUPED = "#,##0"
NUMBER_FORMATS = {
    "share": "0.0%",
    "cv": "0.00",
    "fte": "0.00",
    "hours_per_manager_year": WHOLE_GROUPED,
    "sek_per_manager_year": WHOLE_GROUPED,
    "hours_all_year": WHOLE_GROUPED,
    "sek_all_year": WHOLE_GROUPED,
}

HOUR = re.compile(r"h(\d+)")


def heading(code: str, *, tasks: Mapping[str, str] | None = None, hours: Sequence[str] = ()) -> str:
    """The heading of a column code; a task code (the managers × tasks grid) is headed by its label,
    an hour slot "h1" by its clock times `hours[0]` ("08–09") when the round's are given."""
    if code in HEADINGS:
        return str(HEADINGS[code])
    if tasks and code in tasks:
        return tasks[code]
    if hour := HOUR.fullmatch(code):
        number = int(hour.group(1))
        if 1 <= number <= len(hours):
            return hours[number - 1]
        return _("Hour %(hour)s") % {"hour": number}
    figure, _sep, part = code.rpartition("_")
    if figure in HEADINGS and part in ROUND_PARTS:
        return f"{HEADINGS[figure]}, {ROUND_PARTS[part]}"
    return code


def number_format(code: str) -> str | None:
    figure, _sep, part = code.rpartition("_")
    return NUMBER_FORMATS.get(code) or (NUMBER_FORMATS.get(figure) if part in ROUND_PARTS else None)


def readable(
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    tasks: Iterable[Mapping[str, Any]] = (),
    hours: Sequence[str] = (),
    language: str,
) -> tuple[dict[str, str], dict[str, str], list[list[Any]]]:
    """Headings, xlsx number formats and rows of a table for people, in `language` ("sv"/"en").

    `tasks` are the round's task rows (code, label, label_en, category, category_en), for labels and
    category names in the reader's language; `hours` the round's hour slots as clock times
    (`Survey.hour_labels`), heading the columns h1..hN. Code columns ("task") and numbers are left
    as they are.
    """
    tasks = list(tasks)
    labels = task_labels(tasks, language) if tasks else {}
    categories = {task["category"]: category_name(task, language) for task in tasks}
    columns = {code: index for index, code in enumerate(header)}
    kinds = {"task": _("Task"), "category": _("Category")}

    def cell(code: str, value: Any, row: Sequence[Any]) -> Any:
        if not isinstance(value, str):
            return value
        if code == "area":
            return area_label(value)
        if code == "category":
            return categories.get(value, value)
        if code == "kind":
            return kinds.get(value, value)
        if code == "label" and "task" in columns:
            task = row[columns["task"]]
            return _("All tasks") if task == "all" else labels.get(task, value)
        if code == "name" and "kind" in columns:
            found = labels if row[columns["kind"]] == "task" else categories
            return found.get(value, value)
        return value

    headings = {code: heading(code, tasks=labels, hours=hours) for code in header}
    formats = {code: found for code in header if (found := number_format(code))}
    table = [[cell(code, value, row) for code, value in zip(header, row, strict=True)] for row in rows]
    return headings, formats, table
