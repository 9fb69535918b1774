"""Managers side by side: the chosen managers' figures (cached), the template's rows, the charts
(cached per language); the download table is `reports.comparison_rows`.

Every manager's figures come from the round's per-manager totals, cached once per data version
(`selectors.round_manager_totals`), so a new pair of managers costs array lookups, not a query.

Fewer than `disclosure.MIN_GROUP` managers in the round raise `Withheld`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from django.utils.translation import gettext as _

from mio import cache
from surveys.models import Survey

from . import charts, reports, selectors
from .disclosure import reason_text
from .labels import category_name, pseudonym, task_labels
from .records import TASK_META, records


class ManagerFigures:
    """Per-manager figures of `selectors.ManagerTotals` as (managers × tasks) and (managers ×
    categories) arrays, by the definitions of `friction.manager_task_figures` and
    `friction.manager_category_figures`: minutes per day, share of the manager's own minutes (0 when
    they have none), minute-weighted mean ratings (NaN without rated minutes)."""

    def __init__(self, totals: selectors.ManagerTotals, tasks: pd.DataFrame):
        self.totals = totals
        sums = totals.sums.astype("float64")
        minutes, f_minutes, f_weighted, v_minutes, v_weighted = (sums[:, :, index] for index in range(5))
        days = totals.days.astype("float64")[:, None]
        own_total = minutes.sum(axis=1)[:, None]
        # The categories in the order of their first task, as the pages list them.
        orders = tasks["category_order"].to_numpy()
        first = np.unique(orders, return_index=True)[1]
        self.category_orders = orders[np.sort(first)]
        self.category_names = tasks["category"].to_numpy()[np.sort(first)]
        one_hot = (orders[:, None] == self.category_orders[None, :]).astype("float64")
        category_minutes = minutes @ one_hot
        with np.errstate(divide="ignore", invalid="ignore"):
            self.minutes_per_day = minutes / days
            self.share = np.where(own_total > 0, minutes / own_total, 0.0)
            self.function_mean = np.where(f_minutes > 0, f_weighted / f_minutes, np.nan)
            self.value_mean = np.where(v_minutes > 0, v_weighted / v_minutes, np.nan)
            self.category_minutes_per_day = category_minutes / days
            self.category_share = np.where(own_total > 0, category_minutes / own_total, 0.0)
            self.total_per_day = own_total[:, 0] / days[:, 0]

    @property
    def managers(self) -> int:
        return len(self.totals.numbers)

    def row(self, number: int) -> int | None:
        return self.totals.index_of(number)


def manager_figures_of(*, survey: Survey) -> ManagerFigures:
    """The whole round's `ManagerFigures` from its cached totals (computed once per data version)."""
    return ManagerFigures(selectors.round_manager_totals(survey=survey), selectors.task_frame(survey=survey))


def comparison_figures(*, survey: Survey, numbers: Sequence[int]) -> dict[str, Any]:
    """reports.compare_managers for the chosen numbers, the round's tasks, and where each chosen
    manager differs most from the median manager. Raises Withheld and UnknownParticipant."""
    return cache.for_round(
        "analysis:comparison", survey=survey, params=tuple(numbers), compute=lambda: _comparison(survey, list(numbers))
    )


def _comparison(survey: Survey, numbers: list[int]) -> dict[str, Any]:
    figures = manager_figures_of(survey=survey)
    report = reports.compare_managers(survey=survey, numbers=numbers, figures=figures)
    tasks = selectors.task_frame(survey=survey)
    medians = np.median(figures.minutes_per_day, axis=0)
    shown = ~tasks["task"].isin(list(report["withheld"])).to_numpy()
    differences = {number: _differences(figures, tasks, medians, number=number, shown=shown) for number in numbers}
    return {
        "report": report,
        "tasks": records(tasks, TASK_META),
        "categories": records(tasks.drop_duplicates("category_order"), ["category", "category_en"]),
        "differences": differences,
    }


def _differences(
    figures: ManagerFigures,
    tasks: pd.DataFrame,
    medians: np.ndarray,
    *,
    number: int,
    shown: np.ndarray,
    top: int = 3,
) -> list[dict[str, Any]]:
    """The tasks where one manager's minutes per day differ most from the median manager's, as
    `friction.differences_from_median`: largest difference first, ties in the round's order; among the
    `shown` tasks only (not withheld)."""
    row = figures.row(number)
    if row is None:
        return []
    own = figures.minutes_per_day[row]
    difference = own - medians
    size = np.where(shown, np.abs(difference), 0.0)
    order = tasks["order"].to_numpy()
    chosen = [index for index in np.lexsort((np.arange(len(size)), order, -size)) if size[index] > 0][:top]
    codes = tasks["task"].to_numpy()
    return [
        {
            "task": codes[index],
            "minutes_per_day": float(own[index]),
            "median": float(medians[index]),
            "difference": float(difference[index]),
        }
        for index in chosen
    ]


def comparison_rows(data: dict[str, Any], *, language: str) -> dict[str, Any]:
    """Managers side by side for the template: one row per task and category, a cell per manager."""
    labels = task_labels(data["tasks"], language)
    managers = [{**manager, "name": pseudonym(manager["number"])} for manager in data["report"]["managers"]]
    return {
        "report": data["report"],
        "managers": managers,
        "task_rows": [
            {
                "task": task["task"],
                "display": labels[task["task"]],
                "category_display": category_name(task, language),
                "cells": [manager["tasks"][index] for manager in managers],
                "withheld_reason": data["report"]["withheld"].get(task["task"]),
                "reason": reason_text(data["report"]["withheld"].get(task["task"])),
            }
            for index, task in enumerate(data["tasks"])
        ],
        "category_rows": [
            {
                "display": category_name(category, language),
                "cells": [manager["categories"][index] for manager in managers],
            }
            for index, category in enumerate(data["categories"])
        ],
        "differences": [
            {
                "name": manager["name"],
                "rows": [{**row, "display": labels[row["task"]]} for row in data["differences"][manager["number"]]],
            }
            for manager in managers
        ],
    }


# The comparison's charts, each served as its own image (`views.compare_chart`), in the page's order.
COMPARISON_CHARTS = ["categories", "tasks", "function"]


def chart_titles() -> dict[str, str]:
    """Each chart's title in the active language: drawn in the chart and its image's alt text."""
    return {
        "categories": _("Minutes per day by category, managers side by side"),
        "tasks": _("Minutes per day by task, managers side by side"),
        "function": _("How well each task worked, managers side by side"),
    }


def comparison_chart(
    *,
    survey: Survey,
    numbers: Sequence[int],
    name: str,
    language: str,
    decimal: str,
    data: dict[str, Any] | None = None,
) -> str:
    """One chart's SVG of the chosen managers, cached per managers, language and decimal sign: a warm
    chart is one cache read. Their figures are read only to draw it; raises Withheld as
    `comparison_figures` does."""

    def draw() -> str:
        figures = data or comparison_figures(survey=survey, numbers=numbers)
        return _comparison_chart(name, figures, language=language, decimal=decimal)

    return cache.for_round(
        f"analysis:comparison-chart-{name}",
        survey=survey,
        params=(tuple(numbers), language, decimal),
        compute=draw,
    )


def comparison_charts(*, survey: Survey, data: dict[str, Any], language: str, decimal: str) -> dict[str, str]:
    """Every chart of the chosen managers, by name."""
    return {
        name: comparison_chart(
            survey=survey,
            numbers=[manager["number"] for manager in data["report"]["managers"]],
            name=name,
            data=data,
            language=language,
            decimal=decimal,
        )
        for name in COMPARISON_CHARTS
    }


def _comparison_chart(name: str, data: dict[str, Any], *, language: str, decimal: str) -> str:
    managers = data["report"]["managers"]
    named = list(zip([pseudonym(manager["number"]) for manager in managers], managers, strict=True))
    title = chart_titles()[name]
    if name == "categories":
        categories = pd.DataFrame(
            {name: [row["minutes_per_day"] for row in manager["categories"]] for name, manager in named},
            index=[category_name(row, language) for row in data["categories"]],
        )
        return charts.grouped_bars(categories, title=title, xlabel=_("Minutes per day"), decimal=decimal, decimals=0)
    labels = task_labels(data["tasks"], language)
    # Withheld tasks are left out of the charts, as the dashboard's charts leave out its withheld rows.
    shown = [index for index, task in enumerate(data["tasks"]) if task["task"] not in data["report"]["withheld"]]
    task_index = [labels[data["tasks"][index]["task"]] for index in shown]
    if name == "tasks":
        minutes = pd.DataFrame(
            {name: [manager["tasks"][index]["minutes_per_day"] for index in shown] for name, manager in named},
            index=task_index,
        )
        return charts.grouped_bars(minutes, title=title, xlabel=_("Minutes per day"), decimal=decimal, decimals=0)
    function = pd.DataFrame(
        {name: [manager["tasks"][index]["function_mean"] for index in shown] for name, manager in named},
        index=task_index,
        dtype="float64",
    )
    return charts.dots(
        function, title=title, xlabel=_("How well the task worked (1 very poorly – 4 very well)"), decimal=decimal
    )
