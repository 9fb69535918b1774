"""My profile: one manager's own figures beside the round's median manager (cached), the template's
rows and the chart (cached per language). A median is withheld when fewer than `disclosure.MIN_GROUP`
managers have the figure. Only submitted days count; the page says how many of the manager's days
are drafts, and so left out.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from django.utils.translation import gettext as _

from mio import cache
from surveys.models import Survey

from . import charts, selectors
from .comparison import manager_figures_of
from .disclosure import is_withheld
from .labels import category_name, task_labels
from .records import TASK_META, records
from .reports import _number


def _median(values: np.ndarray) -> float | None:
    """The median manager's figure, withheld when fewer than MIN_GROUP managers have one."""
    values = values[~np.isnan(values)]
    return float(np.median(values)) if not is_withheld(len(values)) else None


def profile_figures(*, survey: Survey, number: int) -> dict[str, Any]:
    """One manager's own figures beside the round's median manager, and nobody else's."""
    return cache.for_round("analysis:profile", survey=survey, params=number, compute=lambda: _profile(survey, number))


def _profile(survey: Survey, number: int) -> dict[str, Any]:
    figures = manager_figures_of(survey=survey)
    tasks = selectors.task_frame(survey=survey)
    managers = figures.managers
    row = figures.row(number)
    days = int(figures.totals.days[row]) if row is not None else 0
    withheld = is_withheld(managers)
    rows = []
    for index, task in enumerate(records(tasks, TASK_META)):
        rows.append(
            {
                **task,
                "minutes_per_day": _number(figures.minutes_per_day[row, index]) if days else None,
                "share": _number(figures.share[row, index]) if days else None,
                "function_mean": _number(figures.function_mean[row, index]) if days else None,
                "value_mean": _number(figures.value_mean[row, index]) if days else None,
                "median_minutes_per_day": None if withheld else _median(figures.minutes_per_day[:, index]),
                "median_function_mean": None if withheld else _median(figures.function_mean[:, index]),
                "median_value_mean": None if withheld else _median(figures.value_mean[:, index]),
            }
        )
    categories = [
        {
            **category,
            "minutes_per_day": _number(figures.category_minutes_per_day[row, index]) if days else None,
            "median_minutes_per_day": None if withheld else _median(figures.category_minutes_per_day[:, index]),
        }
        for index, category in enumerate(records(tasks.drop_duplicates("category_order"), ["category", "category_en"]))
    ]
    return {
        "number": number,
        "days": days,
        # Said on the page: a manager who counts their own days would otherwise miss these.
        "drafts": selectors.own_draft_days(survey=survey, number=number),
        "managers": managers,
        "withheld": withheld,
        "minutes_per_day": _number(figures.total_per_day[row]) if days else None,
        "median_minutes_per_day": None if withheld else _median(figures.total_per_day),
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


def chart_title() -> str:
    """The chart's title in the active language: drawn in the chart and its image's alt text."""
    return _("My minutes per day by task beside the median manager's")


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
        title=chart_title(),
        xlabel=_("Minutes per day"),
        decimal=decimal,
        decimals=0,
        colours=[charts.SERIES_COLOURS[0], "#9aa5b1"],
    )
