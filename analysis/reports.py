"""Figures as plain data (dicts of numbers and strings): what commands print as JSON/CSV and what the
pages and JSON endpoints show, so that every channel gives the same numbers.

Numbers are unrounded; rounding is for display only. A missing mean is None (JSON null).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from surveys.models import Survey

from . import friction, selectors
from .disclosure import Withheld, is_withheld
from .filters import NO_FILTERS, Filters


def _number(value: Any) -> float | int | None:
    """A JSON-safe number: NaN becomes None, numpy scalars become Python ones."""
    if value is None:
        return None
    if isinstance(value, (int,)) and not isinstance(value, bool):
        return value
    number = float(value)
    if math.isnan(number):
        return None
    return int(number) if hasattr(value, "dtype") and value.dtype.kind in "iu" else number


class UnknownParticipant(ValueError):
    pass


# --- Friction report ------------------------------------------------------------------------------

TASK_FIELDS = [
    "task",
    "label",
    "category",
    "area",
    "minutes",
    "share",
    "minutes_per_manager_day",
    "function_mean",
    "value_mean",
    "friction_minutes_per_manager_day",
    "low_value_minutes_per_manager_day",
    "managers",
    "rank",
]


def ranking(*, survey: Survey, filters: Filters = NO_FILTERS) -> tuple[dict[str, int], Any]:
    """Counts and the friction ranking frame of a selection (not withheld: callers decide)."""
    counts, totals = selectors.round_totals(survey=survey, filters=filters)
    return counts, friction.friction_ranking(totals, manager_days=counts["manager_days"])


def friction_report(*, survey: Survey, filters: Filters = NO_FILTERS, baseline: Survey | None = None) -> dict:
    """The friction ranking as JSON-ready data; raises Withheld for a too small selection."""
    counts, frame = ranking(survey=survey, filters=filters)
    if is_withheld(counts["managers"]):
        raise Withheld(counts["managers"])
    report = ranking_report(survey=survey, counts=counts, frame=frame)
    if baseline is not None:
        report["baseline"] = rounds_comparison(baseline=baseline, followup=survey, filters=filters)
    return report


def ranking_report(*, survey: Survey, counts: dict[str, int], frame: Any) -> dict:
    """The friction report's data from counts and a ranking frame already at hand (the dashboard has
    them, and computing them twice would repeat the round's heaviest query)."""
    return {
        "survey": survey.slug,
        "managers": counts["managers"],
        "manager_days": counts["manager_days"],
        "tasks": [
            {
                name: _number(row[name]) if name not in ("task", "label", "category", "area") else row[name]
                for name in TASK_FIELDS
            }
            for row in frame.to_dict("records")
        ],
    }


def rounds_comparison(*, baseline: Survey, followup: Survey, filters: Filters = NO_FILTERS) -> dict:
    """Per task code in both rounds: the change in minutes, ratings and friction from baseline to follow-up."""
    base_counts, base = ranking(survey=baseline, filters=filters)
    follow_counts, follow = ranking(survey=followup, filters=filters)
    for counts in (base_counts, follow_counts):
        if is_withheld(counts["managers"]):
            raise Withheld(counts["managers"])
    frame = friction.compare_rounds(base, follow)
    numbers = [column for column in frame.columns if column.endswith(("_baseline", "_followup", "_change"))]
    return {
        "baseline": baseline.slug,
        "followup": followup.slug,
        "baseline_managers": base_counts["managers"],
        "followup_managers": follow_counts["managers"],
        "baseline_manager_days": base_counts["manager_days"],
        "followup_manager_days": follow_counts["manager_days"],
        "tasks": [
            {
                "task": row["task"],
                "label": row["label"],
                "category": row["category"],
                "area": row["area"],
                **{name: _number(row[name]) for name in numbers},
            }
            for row in frame.to_dict("records")
        ],
    }


# --- Managers side by side ------------------------------------------------------------------------


def manager_figures(*, survey: Survey, filters: Filters = NO_FILTERS) -> Any:
    """Per manager and task figures for every manager with a manager-day in the selection."""
    return friction.manager_task_figures(
        selectors.manager_task_totals(survey=survey, filters=filters),
        selectors.manager_day_counts(survey=survey, filters=filters),
        selectors.task_frame(survey=survey),
    )


def compare_managers(*, survey: Survey, numbers: Sequence[int]) -> dict:
    """Chosen managers side by side, in the order asked; every task and category of the round."""
    known = set(selectors.participant_numbers(survey=survey))
    unknown = [number for number in numbers if number not in known]
    if unknown:
        raise UnknownParticipant(", ".join(str(number) for number in unknown))
    figures = manager_figures(survey=survey)
    if is_withheld(figures["number"].nunique()):
        raise Withheld(int(figures["number"].nunique()))
    tasks = selectors.task_frame(survey=survey)
    categories = tasks.drop_duplicates("category_order")[["category_order", "category"]]
    by_category = friction.manager_category_figures(figures)
    managers = []
    for number in numbers:
        own = figures[figures["number"] == number]
        days = int(own["days"].iloc[0]) if len(own) else 0
        own_tasks = own.set_index("task")
        own_categories = by_category[by_category["number"] == number].set_index("category")
        managers.append(
            {
                "number": number,
                "days": days,
                "minutes_per_day": _number(own["minutes"].sum() / days) if days else 0.0,
                "tasks": [
                    {
                        "task": code,
                        "minutes_per_day": _number(own_tasks.at[code, "minutes_per_day"]) if days else 0.0,
                        "share": _number(own_tasks.at[code, "share"]) if days else 0.0,
                        "function_mean": _number(own_tasks.at[code, "function_mean"]) if days else None,
                        "value_mean": _number(own_tasks.at[code, "value_mean"]) if days else None,
                    }
                    for code in tasks["task"]
                ],
                "categories": [
                    {
                        "category": name,
                        "minutes_per_day": _number(own_categories.at[name, "minutes_per_day"]) if days else 0.0,
                        "share": _number(own_categories.at[name, "share"]) if days else 0.0,
                    }
                    for name in categories["category"]
                ],
            }
        )
    return {"survey": survey.slug, "managers": managers}


# --- Flat rows for CSV and text tables ------------------------------------------------------------


def friction_rows(report: dict) -> tuple[list[str], list[list[Any]]]:
    return TASK_FIELDS, [[task[name] for name in TASK_FIELDS] for task in report["tasks"]]


def comparison_rows(report: dict) -> tuple[list[str], list[list[Any]]]:
    header = ["number", "days", "kind", "name", "minutes_per_day", "share", "function_mean", "value_mean"]
    rows = []
    for manager in report["managers"]:
        for task in manager["tasks"]:
            rows.append(
                [
                    manager["number"],
                    manager["days"],
                    "task",
                    task["task"],
                    task["minutes_per_day"],
                    task["share"],
                    task["function_mean"],
                    task["value_mean"],
                ]
            )
        for category in manager["categories"]:
            rows.append(
                [
                    manager["number"],
                    manager["days"],
                    "category",
                    category["category"],
                    category["minutes_per_day"],
                    category["share"],
                    None,
                    None,
                ]
            )
    return header, rows
