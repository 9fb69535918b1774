"""My profile: one manager's own figures beside the round's median manager (cached), the template's
rows and the chart (cached per language). A median is withheld when fewer than `disclosure.MIN_GROUP`
managers have the figure.
"""

from __future__ import annotations

import statistics
from typing import Any

import pandas as pd
from django.utils.translation import gettext as _

from mio import cache
from surveys.models import Survey

from . import charts, friction, selectors
from .comparison import round_manager_figures
from .disclosure import is_withheld
from .labels import category_name, task_labels
from .records import TASK_META, records
from .reports import _number


def _median(values: pd.Series) -> float | None:
    """The median manager's figure, withheld when fewer than MIN_GROUP managers have one."""
    values = values.dropna()
    return float(statistics.median(values)) if not is_withheld(len(values)) else None


def profile_figures(*, survey: Survey, number: int) -> dict[str, Any]:
    """One manager's own figures beside the round's median manager, and nobody else's."""
    return cache.for_round("analysis:profile", survey=survey, params=number, compute=lambda: _profile(survey, number))


def _profile(survey: Survey, number: int) -> dict[str, Any]:
    figures = round_manager_figures(survey=survey)
    tasks = selectors.task_frame(survey=survey)
    managers = int(figures["number"].nunique())
    own = figures[figures["number"] == number].set_index("task")
    days = int(own["days"].iloc[0]) if len(own) else 0
    withheld = is_withheld(managers)
    by_task = figures.groupby("task")
    by_category = friction.manager_category_figures(figures) if len(figures) else None
    rows = []
    for task in records(tasks, TASK_META):
        code = task["task"]
        group = None if withheld or code not in by_task.groups else by_task.get_group(code)
        rows.append(
            {
                **task,
                "minutes_per_day": _number(own.at[code, "minutes_per_day"]) if days else None,
                "share": _number(own.at[code, "share"]) if days else None,
                "function_mean": _number(own.at[code, "function_mean"]) if days else None,
                "value_mean": _number(own.at[code, "value_mean"]) if days else None,
                "median_minutes_per_day": None if group is None else _median(group["minutes_per_day"]),
                "median_function_mean": None if group is None else _median(group["function_mean"]),
                "median_value_mean": None if group is None else _median(group["value_mean"]),
            }
        )
    categories = []
    for category in records(tasks.drop_duplicates("category_order"), ["category", "category_en"]):
        mine = theirs = None
        if by_category is not None:
            rows_of = by_category[by_category["category"] == category["category"]]
            mine_rows = rows_of[rows_of["number"] == number]
            mine = _number(mine_rows["minutes_per_day"].iloc[0]) if len(mine_rows) else None
            theirs = None if withheld else _median(rows_of["minutes_per_day"])
        categories.append({**category, "minutes_per_day": mine, "median_minutes_per_day": theirs})
    totals = figures.groupby("number").agg(minutes=("minutes", "sum"), days=("days", "first"))
    per_day = totals["minutes"] / totals["days"]
    return {
        "number": number,
        "days": days,
        "managers": managers,
        "withheld": withheld,
        "minutes_per_day": _number(per_day.get(number)) if days else None,
        "median_minutes_per_day": None if withheld else _median(per_day),
        "tasks": rows,
        "categories": categories,
    }


def profile_rows(data: dict[str, Any], *, language: str) -> dict[str, Any]:
    labels = task_labels(data["tasks"], language)
    return {
        "profile": data,
        "task_rows": [
            {**row, "display": labels[row["task"]], "category_display": category_name(row, language)}
            for row in data["tasks"]
        ],
        "category_rows": [{**row, "display": category_name(row, language)} for row in data["categories"]],
    }


def profile_chart(*, survey: Survey, data: dict[str, Any], language: str, decimal: str) -> str | None:
    if not data["days"] or data["withheld"]:
        return None
    return cache.for_round(
        "analysis:profile-chart",
        survey=survey,
        params=(data["number"], language, decimal),
        compute=lambda: _profile_chart(data, language=language, decimal=decimal),
    )


def _profile_chart(data: dict[str, Any], *, language: str, decimal: str) -> str:
    labels = task_labels(data["tasks"], language)
    frame = pd.DataFrame(
        {
            _("Me"): [task["minutes_per_day"] for task in data["tasks"]],
            _("Median manager"): [task["median_minutes_per_day"] for task in data["tasks"]],
        },
        index=[labels[task["task"]] for task in data["tasks"]],
    )
    return charts.grouped_bars(
        frame,
        title=_("My minutes per day by task beside the median manager's"),
        xlabel=_("Minutes per day"),
        decimal=decimal,
        decimals=0,
        colours=[charts.SERIES_COLOURS[0], "#9aa5b1"],
    )
