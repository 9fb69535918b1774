"""What each analysis page shows: the figures (from `reports`, `friction` and `selectors`) as plain
lists and dicts, the charts of them, and the same tables for download.

Figures are cached per selection and charts per selection and language, under `reports.cached`'s
key that changes with the round's data. A warm page is then a handful of cache reads: nothing here
loops over diary lines, and the figures come from a few SQL aggregates when they are built.
A selection of fewer than `friction.MIN_GROUP` managers gives `Withheld` and no figures at all.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.utils.translation import gettext as _

from surveys.models import Survey

from . import charts, friction, reports, selectors
from .labels import area_label, category_name, pseudonym, task_labels
from .reports import TooFewManagers, _number
from .selectors import NO_FILTERS, Filters


@dataclass(frozen=True)
class Withheld:
    """A selection too small to show: only how it came about is kept, never its figures."""

    managers: int


def _records(frame: pd.DataFrame, columns: Sequence[str]) -> list[dict[str, Any]]:
    """Rows as dicts of plain Python values (NaN → None), ready for templates, JSON and the cache."""
    text = frame[list(columns)].select_dtypes(exclude="number").columns
    return [
        {name: (value if name in text else _number(value)) for name, value in zip(columns, row, strict=True)}
        for row in frame[list(columns)].itertuples(index=False, name=None)
    ]


TASK_META = ["task", "label", "label_en", "category", "category_en", "area", "order"]


# --- The round's dashboard ------------------------------------------------------------------------


def dashboard_figures(*, survey: Survey, filters: Filters = NO_FILTERS) -> dict[str, Any] | Withheld:
    # The first hour is in the key as the hours' clock times are part of the figures.
    return reports.cached(
        survey, "dashboard", (filters, survey.first_hour), lambda: _dashboard_figures(survey, filters)
    )


def _dashboard_figures(survey: Survey, filters: Filters) -> dict[str, Any] | Withheld:
    counts, totals = selectors.round_totals(survey=survey, filters=filters)
    if friction.is_suppressed(counts["managers"]):
        return Withheld(managers=counts["managers"])
    days = selectors.day_quality_counts(survey=survey, filters=filters)
    weekdays = [day for day in survey.weekdays() if filters.weekday in (None, day.isoweekday())]
    expected = days["participants"] * len(weekdays)
    minutes = int(totals["minutes"].sum())

    ranking = friction.friction_ranking(totals, manager_days=counts["manager_days"])
    report = reports.ranking_report(survey=survey, counts=counts, frame=ranking)
    in_order = ranking.sort_values("order", kind="stable")
    categories = friction.category_figures(totals, manager_days=counts["manager_days"])

    per_manager = reports.manager_figures(survey=survey, filters=filters)
    variation = friction.variation(per_manager)
    matrix = per_manager.pivot(index="number", columns="task", values="minutes_per_day")[list(totals["task"])]

    hours = friction.hour_friction(
        selectors.hour_friction_totals(survey=survey, filters=filters),
        manager_days=counts["manager_days"],
        hours=survey.hours_per_day,
    )

    cost_of = {
        "managers": counts["managers"],
        "hourly_cost": survey.hourly_cost,
        "working_days_per_year": survey.working_days_per_year,
        "hours_per_day": survey.hours_per_day,
    }
    friction_total = float(ranking["friction_minutes_per_manager_day"].sum())
    return {
        "key": {
            "managers": counts["managers"],
            "manager_days": counts["manager_days"],
            "participants": days["participants"],
            "minutes_per_manager_day": minutes / counts["manager_days"],
            "friction_minutes_per_manager_day": friction_total,
        },
        # Shown above the figures; withheld with them (a selection of one or two managers' drafts and
        # completion are their own behaviour). Whether the round is open is read per request, as
        # closing a round leaves these cached figures as they are.
        "quality": {
            **days,
            "expected": expected,
            # Submitted days on the round's weekdays of all the weekdays the participants could fill.
            "completion": days["submitted"] / expected if expected else None,
            "minutes": minutes,
            # Shares of the minutes of submitted days: those without a rating are in the time figures
            # but not in friction (function) or low value (value).
            "unrated_function": (minutes - int(totals["f_minutes"].sum())) / minutes if minutes else None,
            "unrated_value": (minutes - int(totals["v_minutes"].sum())) / minutes if minutes else None,
        },
        "report": report,
        "tasks": _records(
            in_order, [*TASK_META, "minutes", "minutes_per_manager_day", "share", "function_mean", "value_mean"]
        ),
        "categories": _records(categories, ["category", "category_en", "minutes", "minutes_per_manager_day", "share"]),
        "variation": _records(variation, ["task", "minimum", "median", "maximum", "mean", "cv"]),
        "matrix": {
            "numbers": [int(number) for number in matrix.index],
            "values": [[float(value) for value in row] for row in matrix.to_numpy()],
        },
        "hours": {
            "hours": list(hours.columns),
            # Hour slots as people read them: clock times from the round's first hour, "08–09".
            "labels": [survey.hour_label(number) for number in hours.columns],
            "tasks": list(hours.index),
            "values": [[float(value) for value in row] for row in hours.to_numpy()],
        },
        "cost": {
            **cost_of,
            "total": {
                "friction_minutes_per_manager_day": friction_total,
                **friction.friction_cost(friction_total, **cost_of),
            },
            "tasks": [
                {
                    "task": task["task"],
                    "friction_minutes_per_manager_day": task["friction_minutes_per_manager_day"],
                    **friction.friction_cost(task["friction_minutes_per_manager_day"], **cost_of),
                }
                for task in report["tasks"]
            ],
        },
    }


def dashboard_charts(
    *, survey: Survey, filters: Filters, figures: dict[str, Any], language: str, decimal: str
) -> dict[str, str]:
    return reports.cached(
        survey,
        "dashboard-charts",
        (filters, survey.first_hour, language, decimal),
        lambda: _dashboard_charts(figures, language=language, decimal=decimal),
    )


def _dashboard_charts(figures: dict[str, Any], *, language: str, decimal: str) -> dict[str, str]:
    labels = task_labels(figures["tasks"], language)
    ranking = pd.DataFrame(figures["report"]["tasks"])
    ranking["label"] = ranking["task"].map(labels)
    tasks = pd.DataFrame(figures["tasks"])
    tasks["label"] = tasks["task"].map(labels)
    categories = pd.DataFrame(figures["categories"])
    categories["label"] = [category_name(row, language) for row in figures["categories"]]
    matrix = pd.DataFrame(
        figures["matrix"]["values"],
        index=figures["matrix"]["numbers"],
        columns=[labels[task["task"]] for task in figures["tasks"]],
    ).T
    hours = pd.DataFrame(
        figures["hours"]["values"],
        index=[labels[code] for code in figures["hours"]["tasks"]],
        columns=figures["hours"]["labels"],
    )
    minutes_per_day = _("Minutes per manager-day")
    return {
        "ranking": charts.bars(
            ranking,
            value="friction_minutes_per_manager_day",
            title=_("Friction minutes per manager-day, by task"),
            xlabel=_("Friction minutes per manager-day"),
            decimal=decimal,
            colour=charts.FRICTION_COLOUR,
        ),
        "categories": charts.bars(
            categories,
            value="minutes_per_manager_day",
            title=_("Minutes per manager-day, by category"),
            xlabel=minutes_per_day,
            decimal=decimal,
            decimals=0,
            width=5.0,
        ),
        "tasks": charts.bars(
            tasks,
            value="minutes_per_manager_day",
            title=_("Minutes per manager-day, by task"),
            xlabel=minutes_per_day,
            decimal=decimal,
        ),
        "map": charts.bubble_map(
            tasks,
            title=_("Value × function map: each task at its mean ratings, its area by minutes"),
            xlabel=_("How well the task worked (1 very poorly – 4 very well)"),
            ylabel=_("Value for the operation (1 very low – 4 very high)"),
            size_label=_("Bubble area: minutes"),
            quadrants={
                "low_function_high_value": _("Works poorly, high value"),
                "low_function_low_value": _("Works poorly, low value"),
                "high_function_high_value": _("Works well, high value"),
                "high_function_low_value": _("Works well, low value"),
            },
            decimal=decimal,
        ),
        "managers": charts.heatmap(
            matrix,
            title=_("Minutes per day by manager and task"),
            xlabel=_("Participant number"),
            colour_label=_("Minutes per day"),
            decimal=decimal,
        ),
        "hours": charts.heatmap(
            hours,
            title=_("Friction minutes per manager-day by hour of the day and task"),
            xlabel=_("Hour of the day"),
            colour_label=_("Friction minutes per manager-day"),
            decimal=decimal,
            cmap="OrRd",
            annotate=True,
        ),
    }


def dashboard_table(figures: dict[str, Any], name: str) -> tuple[list[str], list[list[Any]]]:
    """One of the dashboard's tables for download: the same figures, unrounded, with codes as headers."""
    meta = {task["task"]: task for task in figures["tasks"]}
    if name == "ranking":
        return reports.friction_rows(figures["report"])
    if name == "categories":
        header = ["category", "minutes", "minutes_per_manager_day", "share"]
        return header, [[row[column] for column in header] for row in figures["categories"]]
    if name == "tasks":
        header = ["task", "label", "category", "minutes", "minutes_per_manager_day", "share"]
        return header, [[row[column] for column in header] for row in figures["tasks"]]
    if name == "variation":
        header = ["task", "label", "minimum", "median", "maximum", "mean", "cv"]
        return header, [
            [row["task"], meta[row["task"]]["label"], *[row[column] for column in header[2:]]]
            for row in figures["variation"]
        ]
    if name == "managers":
        codes = [task["task"] for task in figures["tasks"]]
        matrix = figures["matrix"]
        return ["number", *codes], [
            [number, *values] for number, values in zip(matrix["numbers"], matrix["values"], strict=True)
        ]
    if name == "cost":
        columns = [
            "friction_minutes_per_manager_day",
            "hours_per_manager_year",
            "sek_per_manager_year",
            "hours_all_year",
            "sek_all_year",
            "fte",
        ]
        cost = figures["cost"]
        rows = [
            [row["task"], meta[row["task"]]["label"], *[row[column] for column in columns]] for row in cost["tasks"]
        ]
        rows.append(["all", "", *[cost["total"][column] for column in columns]])
        return ["task", "label", *columns], rows
    if name == "hours":
        hours = figures["hours"]
        return ["task", "label", *[f"h{hour}" for hour in hours["hours"]]], [
            [code, meta[code]["label"], *values] for code, values in zip(hours["tasks"], hours["values"], strict=True)
        ]
    raise KeyError(name)


DASHBOARD_TABLES = ["ranking", "categories", "tasks", "variation", "managers", "cost", "hours"]

# Beyond this many managers the managers × tasks grid is offered as a download instead of a table.
MATRIX_TABLE_LIMIT = 30


def dashboard_rows(figures: dict[str, Any], *, language: str) -> dict[str, Any]:
    """The dashboard's tables for the template: the figures with labels in the reader's language."""
    labels = task_labels(figures["tasks"], language)
    meta = {task["task"]: task for task in figures["tasks"]}

    def described(row: dict[str, Any]) -> dict[str, Any]:
        task = meta[row["task"]]
        return {
            **row,
            "display": labels[row["task"]],
            "category_display": category_name(task, language),
            "area_display": area_label(task["area"]),
        }

    matrix = figures["matrix"]
    hours = figures["hours"]
    grid = None
    if len(matrix["numbers"]) <= MATRIX_TABLE_LIMIT:
        columns = list(zip(*matrix["values"], strict=True)) if matrix["values"] else []
        grid = [
            {"display": labels[task["task"]], "values": list(values)}
            for task, values in zip(figures["tasks"], columns, strict=True)
        ]
    return {
        "key": figures["key"],
        "quality": figures["quality"],
        "report": figures["report"],
        "ranking": [described(row) for row in figures["report"]["tasks"]],
        "tasks": [described(row) for row in figures["tasks"]],
        "categories": [{**row, "display": category_name(row, language)} for row in figures["categories"]],
        "variation": [described(row) for row in figures["variation"]],
        "matrix": {"numbers": matrix["numbers"], "rows": grid},
        "hours": {
            "hours": hours["hours"],
            "labels": hours["labels"],
            "rows": [
                {"display": labels[code], "values": values}
                for code, values in zip(hours["tasks"], hours["values"], strict=True)
            ],
            "totals": [sum(column) for column in zip(*hours["values"], strict=True)] if hours["values"] else [],
        },
        "cost": {**figures["cost"], "tasks": [described(row) for row in figures["cost"]["tasks"]]},
    }


# --- Managers side by side ------------------------------------------------------------------------


def round_manager_figures(*, survey: Survey) -> pd.DataFrame:
    """Every manager's figures per task over the whole round (comparisons and profiles share them)."""
    return reports.cached(survey, "manager-figures", NO_FILTERS, lambda: reports.manager_figures(survey=survey))


def comparison(*, survey: Survey, numbers: Sequence[int]) -> dict[str, Any]:
    """reports.compare_managers for the chosen numbers, the round's tasks, and where each chosen
    manager differs most from the median manager. Raises TooFewManagers and UnknownParticipant."""
    return reports.cached(survey, "comparison", tuple(numbers), lambda: _comparison(survey, list(numbers)))


def _comparison(survey: Survey, numbers: list[int]) -> dict[str, Any]:
    report = reports.compare_managers(survey=survey, numbers=numbers)
    figures = round_manager_figures(survey=survey)
    tasks = selectors.task_frame(survey=survey)
    differences = {}
    for number in numbers:
        frame = friction.differences_from_median(figures, number=number)
        differences[number] = _records(frame, ["task", "minutes_per_day", "median", "difference"])
    return {
        "report": report,
        "tasks": _records(tasks, TASK_META),
        "categories": _records(tasks.drop_duplicates("category_order"), ["category", "category_en"]),
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
    return reports.cached(
        survey,
        "comparison-charts",
        (numbers, language, decimal),
        lambda: _comparison_charts(data, language=language, decimal=decimal),
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


# --- My profile -----------------------------------------------------------------------------------


def _median(values: pd.Series) -> float | None:
    """The median manager's figure, withheld when fewer than MIN_GROUP managers have one."""
    values = values.dropna()
    return float(statistics.median(values)) if len(values) >= friction.MIN_GROUP else None


def profile(*, survey: Survey, number: int) -> dict[str, Any]:
    """One manager's own figures beside the round's median manager, and nobody else's."""
    return reports.cached(survey, "profile", number, lambda: _profile(survey, number))


def _profile(survey: Survey, number: int) -> dict[str, Any]:
    figures = round_manager_figures(survey=survey)
    tasks = selectors.task_frame(survey=survey)
    managers = int(figures["number"].nunique())
    own = figures[figures["number"] == number].set_index("task")
    days = int(own["days"].iloc[0]) if len(own) else 0
    withheld = friction.is_suppressed(managers)
    by_task = figures.groupby("task")
    by_category = friction.manager_category_figures(figures) if len(figures) else None
    rows = []
    for task in _records(tasks, TASK_META):
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
    for category in _records(tasks.drop_duplicates("category_order"), ["category", "category_en"]):
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
    return reports.cached(
        survey,
        "profile-chart",
        (data["number"], language, decimal),
        lambda: _profile_chart(data, language=language, decimal=decimal),
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


# --- Rounds ---------------------------------------------------------------------------------------


def rounds(*, baseline: Survey, followup: Survey) -> dict[str, Any]:
    """reports.rounds_comparison; its key carries both rounds' data versions. Raises TooFewManagers."""
    return reports.cached(
        followup,
        "rounds",
        (baseline.pk, baseline.data_version),
        lambda: _rounds(baseline, followup),
    )


def _rounds(baseline: Survey, followup: Survey) -> dict[str, Any]:
    report = reports.rounds_comparison(baseline=baseline, followup=followup)
    tasks = selectors.task_frame(survey=followup)
    return {"report": report, "tasks": _records(tasks, TASK_META)}


def rounds_rows(data: dict[str, Any], *, language: str) -> dict[str, Any]:
    labels = task_labels(data["tasks"], language)
    return {
        "report": data["report"],
        "rows": [{**row, "display": labels.get(row["task"], row["label"])} for row in data["report"]["tasks"]],
    }


def rounds_chart(*, baseline: Survey, followup: Survey, data: dict[str, Any], language: str, decimal: str) -> str:
    return reports.cached(
        followup,
        "rounds-chart",
        (baseline.pk, baseline.data_version, language, decimal),
        lambda: _rounds_chart(baseline, followup, data, language=language, decimal=decimal),
    )


def _rounds_chart(baseline: Survey, followup: Survey, data: dict[str, Any], *, language: str, decimal: str) -> str:
    labels = task_labels(data["tasks"], language)
    rows = data["report"]["tasks"]
    frame = pd.DataFrame(
        {
            baseline.name: [row["friction_minutes_per_manager_day_baseline"] for row in rows],
            followup.name: [row["friction_minutes_per_manager_day_followup"] for row in rows],
        },
        index=[labels.get(row["task"], row["label"]) for row in rows],
    )
    return charts.grouped_bars(
        frame,
        title=_("Friction minutes per manager-day in the baseline and the follow-up"),
        xlabel=_("Friction minutes per manager-day"),
        decimal=decimal,
        colours=["#9aa5b1", charts.FRICTION_COLOUR],
    )


def rounds_table(data: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    rows = data["report"]["tasks"]
    header = list(rows[0]) if rows else ["task"]
    return header, [[row[column] for column in header] for row in rows]


__all__ = ["TooFewManagers", "Withheld"]
