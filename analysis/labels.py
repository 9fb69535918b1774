"""What the analysis pages call things: pseudonyms and task labels in the reader's language."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from surveys.models import Area


def pseudonym(number: int) -> str:
    """ "Chef nr 7": the only name a manager has on an analysis page (the msgid of Participant.pseudonym)."""
    return _("Manager no. %(number)s") % {"number": number}


def signed_number(value: float, decimals: int) -> str:
    """A change with its sign, grouped by thousands, in the reader's number format: "+1,5", "−2,0" (a
    real minus). Halves are rounded up, as the templates' floatformat does; a change that rounds to
    zero has no sign."""
    rounded = Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = formats.number_format(abs(rounded), decimals, force_grouping=True)
    if rounded == 0:
        return text
    return f"+{text}" if rounded > 0 else f"\u2212{text}"


def category_name(row: Mapping[str, Any], language: str) -> str:
    return row["category_en"] if language == "en" and row.get("category_en") else row["category"]


def task_labels(tasks: Iterable[Mapping[str, Any]], language: str) -> dict[str, str]:
    """Task code → its label in `language`; a label used by several tasks ("Annat (specificera)")
    gets the start of its category, so that rows of a chart or table can be told apart."""
    tasks = list(tasks)
    chosen = {
        task["task"]: task["label_en"] if language == "en" and task.get("label_en") else task["label"] for task in tasks
    }
    repeated = {label for label, count in Counter(chosen.values()).items() if count > 1}
    for task in tasks:
        if chosen[task["task"]] in repeated:
            words = category_name(task, language).split()
            chosen[task["task"]] = f"{chosen[task['task']]}, {' '.join(words[:2]).lower()}"
    return chosen


def area_label(area: str) -> str:
    try:
        return str(Area(area).label)
    except ValueError:
        return area
