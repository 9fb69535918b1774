"""The round's dashboard: its figures for a selection (cached), the template's rows, the charts
(cached per language) and every table for download.

Figures are cached per selection and charts per selection and language, with `mio.cache.for_round`,
under a key that changes with the round's data. A warm page is then a handful of cache reads: nothing here
loops over diary lines, and the figures come from a few SQL aggregates when they are built.
A selection of fewer than `disclosure.MIN_GROUP` managers raises `Withheld` and has no figures at all.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from django.utils.translation import gettext as _

from mio import cache
from surveys.models import Survey

from . import charts, friction, reports, selectors
from .disclosure import Withheld, is_withheld
from .filters import NO_FILTERS, Filters
from .labels import area_label, category_name, task_labels
from .records import TASK_META, records


def dashboard_figures(*, survey: Survey, filters: Filters = NO_FILTERS) -> dict[str, Any]:
    """The dashboard's figures of a selection; raises Withheld for a too small one (never cached)."""
    # The first hour is in the key as the hours' clock times are part of the figures.
    return cache.for_round(
        "analysis:dashboard",
        survey=survey,
        params=(filters, survey.first_hour),
        compute=lambda: _dashboard_figures(survey, filters),
    )


def _dashboard_figures(survey: Survey, filters: Filters) -> dict[str, Any]:
    counts, totals = selectors.round_totals(survey=survey, filters=filters)
    if is_withheld(counts["managers"]):
        raise Withheld(counts["managers"])
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
        "tasks": records(
            in_order, [*TASK_META, "minutes", "minutes_per_manager_day", "share", "function_mean", "value_mean"]
        ),
        "categories": records(categories, ["category", "category_en", "minutes", "minutes_per_manager_day", "share"]),
        "variation": records(variation, ["task", "minimum", "median", "maximum", "mean", "cv"]),
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
    return cache.for_round(
        "analysis:dashboard-charts",
        survey=survey,
        params=(filters, survey.first_hour, language, decimal),
        compute=lambda: _dashboard_charts(figures, language=language, decimal=decimal),
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
