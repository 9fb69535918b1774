"""Managers side by side: the chosen managers' figures (cached), the template's rows, the charts
(cached per language); the download table is `reports.comparison_rows`.

Fewer than `disclosure.MIN_GROUP` managers in the round raise `Withheld`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
from django.utils.translation import gettext as _

from mio import cache
from surveys.models import Survey

from . import charts, friction, reports, selectors
from .labels import category_name, pseudonym, task_labels
from .records import TASK_META, records


def round_manager_figures(*, survey: Survey) -> pd.DataFrame:
    """Every manager's figures per task over the whole round (comparisons and profiles share them)."""
    return cache.for_round(
        "analysis:manager-figures", survey=survey, compute=lambda: reports.manager_figures(survey=survey)
    )


def comparison_figures(*, survey: Survey, numbers: Sequence[int]) -> dict[str, Any]:
    """reports.compare_managers for the chosen numbers, the round's tasks, and where each chosen
    manager differs most from the median manager. Raises Withheld and UnknownParticipant."""
    return cache.for_round(
        "analysis:comparison", survey=survey, params=tuple(numbers), compute=lambda: _comparison(survey, list(numbers))
    )


def _comparison(survey: Survey, numbers: list[int]) -> dict[str, Any]:
    report = reports.compare_managers(survey=survey, numbers=numbers)
    figures = round_manager_figures(survey=survey)
    tasks = selectors.task_frame(survey=survey)
    differences = {}
    for number in numbers:
        frame = friction.differences_from_median(figures, number=number)
        differences[number] = records(frame, ["task", "minutes_per_day", "median", "difference"])
    return {
        "report": report,
        "tasks": records(tasks, TASK_META),
        "categories": records(tasks.drop_duplicates("category_order"), ["category", "category_en"]),
        "differences": differences,
    }


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


def comparison_charts(*, survey: Survey, data: dict[str, Any], language: str, decimal: str) -> dict[str, str]:
    numbers = tuple(manager["number"] for manager in data["report"]["managers"])
    return cache.for_round(
        "analysis:comparison-charts",
        survey=survey,
        params=(numbers, language, decimal),
        compute=lambda: _comparison_charts(data, language=language, decimal=decimal),
    )


def _comparison_charts(data: dict[str, Any], *, language: str, decimal: str) -> dict[str, str]:
    labels = task_labels(data["tasks"], language)
    managers = data["report"]["managers"]
    names = [pseudonym(manager["number"]) for manager in managers]
    task_index = [labels[task["task"]] for task in data["tasks"]]
    named = list(zip(names, managers, strict=True))
    minutes = pd.DataFrame(
        {name: [task["minutes_per_day"] for task in manager["tasks"]] for name, manager in named}, index=task_index
    )
    function = pd.DataFrame(
        {name: [task["function_mean"] for task in manager["tasks"]] for name, manager in named},
        index=task_index,
        dtype="float64",
    )
    categories = pd.DataFrame(
        {name: [row["minutes_per_day"] for row in manager["categories"]] for name, manager in named},
        index=[category_name(row, language) for row in data["categories"]],
    )
    return {
        "tasks": charts.grouped_bars(
            minutes,
            title=_("Minutes per day by task, managers side by side"),
            xlabel=_("Minutes per day"),
            decimal=decimal,
            decimals=0,
        ),
        "categories": charts.grouped_bars(
            categories,
            title=_("Minutes per day by category, managers side by side"),
            xlabel=_("Minutes per day"),
            decimal=decimal,
            decimals=0,
        ),
        "function": charts.dots(
            function,
            title=_("How well each task worked, managers side by side"),
            xlabel=_("How well the task worked (1 very poorly – 4 very well)"),
            decimal=decimal,
        ),
    }
