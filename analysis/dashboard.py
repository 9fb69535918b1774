"""The round's dashboard: its figures for a selection (cached), the template's rows, the charts
(each an image of its own, cached per language) and every table for download.

Figures are cached per selection and each chart per selection and language, with `mio.cache.for_round`,
under a key that changes with the round's data. A warm page is then a handful of cache reads: nothing here
loops over diary lines, and the figures come from a few SQL aggregates when they are built.
Every figure here follows `analysis.disclosure`: a withheld selection raises `Withheld` and has no
figures at all; a shown one has its withheld task and category rows emptied (None, with
`withheld` and `withheld_reason`), its ranks given to the shown rows only, its managers × tasks grid
only where the listing rule allows it, and its charts drawn without the withheld rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
from django.utils.translation import gettext as _

from mio import cache
from surveys.models import Survey

from . import charts, disclosure, friction, reports, selectors
from .disclosure import Withheld, reason_text
from .filters import NO_FILTERS, Filters
from .labels import area_label, category_name, task_labels
from .records import TASK_META, records

# The dashboard's figures come in parts, each cached on its own, so that a download computes only
# what it shows: the ranking, time and cost tables need only "core"; the managers × tasks grid and
# the spread between managers "managers"; the hours heatmap "hours".
PARTS = ("core", "managers", "hours")
TABLE_PARTS = {
    "ranking": ("core",),
    "categories": ("core",),
    "tasks": ("core",),
    "cost": ("core",),
    "variation": ("core", "managers"),
    "managers": ("core", "managers"),
    "hours": ("core", "hours"),
}


def dashboard_figures(*, survey: Survey, filters: Filters = NO_FILTERS, parts: Sequence[str] = PARTS) -> dict[str, Any]:
    """The dashboard's figures of a selection, those of `parts` (and always "core"); raises Withheld
    for a selection that the disclosure rule withholds (never cached)."""
    figures = dict(_part("core", survey, filters))
    for name in parts:
        if name != "core":
            figures.update(_part(name, survey, filters, figures))
    return figures


def _part(name: str, survey: Survey, filters: Filters, core: dict[str, Any] | None = None) -> dict[str, Any]:
    compute = {
        "core": lambda: _core_figures(survey, filters),
        "managers": lambda: _manager_figures(survey, filters, core),
        "hours": lambda: _hour_figures(survey, filters, core),
    }[name]
    # The first hour is in the key as the hours' clock times are part of the figures.
    return cache.for_round(
        f"analysis:dashboard-{name}", survey=survey, params=(filters, survey.first_hour), compute=compute
    )


def _core_figures(survey: Survey, filters: Filters) -> dict[str, Any]:
    """Counts, time, ranking, categories and cost, with the disclosure rule applied."""
    counts, totals, cells = reports.disclosed_totals(survey=survey, filters=filters)
    reasons = reports.withheld_tasks(totals, cells)
    days = selectors.day_quality_counts(survey=survey, filters=filters)
    weekdays = [day for day in survey.weekdays() if filters.weekday in (None, day.isoweekday())]
    expected = days["participants"] * len(weekdays)
    minutes = int(totals["minutes"].sum())

    ranking = friction.friction_ranking(totals, manager_days=counts["manager_days"])
    report = _disclosed_report(
        reports.ranking_report(survey=survey, counts=counts, frame=ranking), reasons, totals["task"].tolist()
    )
    in_order = ranking.sort_values("order", kind="stable")
    categories = friction.category_figures(totals, manager_days=counts["manager_days"])

    cost_of = {
        "managers": counts["managers"],
        "hourly_cost": survey.hourly_cost,
        "working_days_per_year": survey.working_days_per_year,
        "hours_per_day": survey.hours_per_day,
    }
    # Totals are of every task, withheld ones too: secondary suppression leaves at least two
    # withheld rows, so a total minus the shown rows is never one withheld row.
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
        "withheld": reasons,
        "report": report,
        "tasks": [
            _disclosed(
                row,
                reasons.get(row["task"]),
                ["minutes", "minutes_per_manager_day", "share", "function_mean", "value_mean"],
            )
            for row in records(
                in_order,
                [*TASK_META, "minutes", "minutes_per_manager_day", "share", "function_mean", "value_mean"],
            )
        ],
        "categories": [
            _disclosed(
                {
                    name: row[name]
                    for name in ["category", "category_en", "minutes", "minutes_per_manager_day", "share"]
                },
                cells.categories.get(row["category_order"]),
                ["minutes", "minutes_per_manager_day", "share"],
            )
            for row in records(
                categories, ["category_order", "category", "category_en", "minutes", "minutes_per_manager_day", "share"]
            )
        ],
        "cost": {
            **cost_of,
            "total": {
                "friction_minutes_per_manager_day": friction_total,
                **friction.friction_cost(friction_total, **cost_of),
            },
            "tasks": [
                _disclosed(
                    {
                        "task": task["task"],
                        "friction_minutes_per_manager_day": task["friction_minutes_per_manager_day"],
                        **friction.friction_cost(task["friction_minutes_per_manager_day"] or 0.0, **cost_of),
                    },
                    task["withheld_reason"],
                    COST_NUMBERS,
                )
                for task in report["tasks"]
            ],
        },
    }


COST_NUMBERS = [
    "friction_minutes_per_manager_day",
    "hours_per_manager_year",
    "sek_per_manager_year",
    "hours_all_year",
    "sek_all_year",
    "fte",
]


def _disclosed(row: dict[str, Any], reason: str | None, numbers: Sequence[str]) -> dict[str, Any]:
    """A row with `withheld` and `withheld_reason`, and its numbers None when withheld."""
    if reason is None:
        return {**row, "withheld": False, "withheld_reason": None}
    return {**row, **dict.fromkeys(numbers), "withheld": True, "withheld_reason": reason}


def _disclosed_report(report: dict[str, Any], reasons: dict[str, str], order: Sequence[str]) -> dict[str, Any]:
    """The ranking with its withheld rows emptied: the shown rows ranked 1, 2, … in friction order
    (a gap in the ranks would tell where a withheld row stood), the withheld rows after them, unranked,
    in the round's order."""
    shown = [row for row in report["tasks"] if row["task"] not in reasons]
    hidden = [row for row in report["tasks"] if row["task"] in reasons]
    position = {code: index for index, code in enumerate(order)}
    hidden.sort(key=lambda row: position[row["task"]])
    tasks = [{**row, "rank": rank, "withheld": False, "withheld_reason": None} for rank, row in enumerate(shown, 1)]
    tasks += [_disclosed(row, reasons[row["task"]], reports.TASK_NUMBER_FIELDS) for row in hidden]
    return {**report, "tasks": tasks}


def _manager_figures(survey: Survey, filters: Filters, core: dict[str, Any]) -> dict[str, Any]:
    """The managers × tasks grid (only where the listing rule allows it) and the spread per task."""
    reasons = core["withheld"]
    per_manager = reports.manager_figures(survey=survey, filters=filters)
    variation = friction.variation(per_manager)
    shown = [task["task"] for task in core["tasks"] if task["task"] not in reasons]
    matrix = None
    if disclosure.listing_allowed(survey=survey, filters=filters):
        grid = per_manager.pivot(index="number", columns="task", values="minutes_per_day")[shown]
        matrix = {
            "numbers": [int(number) for number in grid.index],
            "tasks": shown,
            # An array, not lists of floats: a national round's grid (15 000 × 16) is read back from
            # the cache on every page, and unpickling an array is a copy.
            "values": grid.to_numpy(dtype="float64"),
        }
    return {
        "variation": [
            _disclosed(row, reasons.get(row["task"]), ["minimum", "median", "maximum", "mean", "cv"])
            for row in records(variation, ["task", "minimum", "median", "maximum", "mean", "cv"])
        ],
        "matrix": matrix,
    }


def _hour_figures(survey: Survey, filters: Filters, core: dict[str, Any]) -> dict[str, Any]:
    reasons = core["withheld"]
    hours = friction.hour_friction(
        selectors.hour_friction_totals(survey=survey, filters=filters),
        manager_days=core["key"]["manager_days"],
        hours=survey.hours_per_day,
    )
    values = [[float(value) for value in row] for row in hours.to_numpy()]
    return {
        "hours": {
            "hours": list(hours.columns),
            # Hour slots as people read them: clock times from the round's first hour, "08–09".
            "labels": [survey.hour_label(number) for number in hours.columns],
            "tasks": list(hours.index),
            "values": [None if code in reasons else row for code, row in zip(hours.index, values, strict=True)],
            "withheld": [reasons.get(code) for code in hours.index],
            # Of every task: at least two rows are withheld when any is, so a column total minus the
            # shown rows is never one task's.
            "totals": [float(total) for total in hours.sum(axis=0).to_numpy()],
        }
    }


# The dashboard's charts, each served as its own image (`views.dashboard_chart`), and the parts of
# the figures each is drawn from.
CHART_PARTS = {
    "categories": ("core",),
    "tasks": ("core",),
    "ranking": ("core",),
    "map": ("core",),
    "managers": ("core", "managers"),
    "hours": ("core", "hours"),
}
DASHBOARD_CHARTS = list(CHART_PARTS)


def chart_titles() -> dict[str, str]:
    """Each chart's title in the active language: drawn in the chart and its image's alt text."""
    return {
        "categories": _("Minutes per manager-day, by category"),
        "tasks": _("Minutes per manager-day, by task"),
        "ranking": _("Friction minutes per manager-day, by task"),
        "map": _("Value × function map: each task at its mean ratings, its area by minutes"),
        "managers": _("Minutes per day by manager and task"),
        "hours": _("Friction minutes per manager-day by hour of the day and task"),
    }


def managers_chart_drawn(figures: dict[str, Any]) -> bool:
    """The managers × tasks heatmap is drawn only where the managers may be listed one by one and are
    few enough to read (MATRIX_TABLE_LIMIT)."""
    matrix = figures.get("matrix")
    return matrix is not None and len(matrix["numbers"]) <= MATRIX_TABLE_LIMIT


def dashboard_chart_names(figures: dict[str, Any]) -> list[str]:
    """The charts a shown selection has, in the page's order."""
    return [name for name in DASHBOARD_CHARTS if name != "managers" or managers_chart_drawn(figures)]


def dashboard_chart(
    *,
    survey: Survey,
    filters: Filters,
    name: str,
    language: str,
    decimal: str,
    figures: dict[str, Any] | None = None,
) -> str:
    """One chart's SVG of a selection, cached per selection, language and decimal sign: a warm chart
    is one cache read. "" for the managers heatmap where it is not drawn. The figures (those of
    `CHART_PARTS[name]`) are read only to draw it; raises Withheld for a withheld selection."""

    def draw() -> str:
        shown = figures or dashboard_figures(survey=survey, filters=filters, parts=CHART_PARTS[name])
        if name == "managers" and not managers_chart_drawn(shown):
            return ""
        return _DRAW[name](shown, language=language, decimal=decimal)

    return cache.for_round(
        f"analysis:dashboard-chart-{name}",
        survey=survey,
        params=(filters, survey.first_hour, language, decimal),
        compute=draw,
    )


def dashboard_charts(
    *, survey: Survey, filters: Filters, figures: dict[str, Any], language: str, decimal: str
) -> dict[str, str]:
    """Every chart of a shown selection (`figures` with all parts), by name; "" for one not drawn."""
    return {
        name: dashboard_chart(
            survey=survey, filters=filters, name=name, figures=figures, language=language, decimal=decimal
        )
        for name in DASHBOARD_CHARTS
    }


def _shown(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The rows that are not withheld, as a frame (with its columns even when none is shown)."""
    return pd.DataFrame([row for row in rows if not row["withheld"]], columns=list(rows[0]) if rows else None)


# Withheld rows are left out of every chart (a bar of no length would still tell its place).


def _shown_tasks(figures: dict[str, Any], language: str) -> pd.DataFrame:
    tasks = _shown(figures["tasks"])
    tasks["label"] = tasks["task"].map(task_labels(figures["tasks"], language))
    return tasks


def _ranking_chart(figures: dict[str, Any], *, language: str, decimal: str) -> str:
    ranking = _shown(figures["report"]["tasks"])
    ranking["label"] = ranking["task"].map(task_labels(figures["tasks"], language))
    return charts.bars(
        ranking,
        value="friction_minutes_per_manager_day",
        title=chart_titles()["ranking"],
        xlabel=_("Friction minutes per manager-day"),
        decimal=decimal,
        colour=charts.FRICTION_COLOUR,
    )


def _categories_chart(figures: dict[str, Any], *, language: str, decimal: str) -> str:
    categories = _shown(figures["categories"])
    categories["label"] = [category_name(row, language) for row in categories.to_dict("records")]
    return charts.bars(
        categories,
        value="minutes_per_manager_day",
        title=chart_titles()["categories"],
        xlabel=_("Minutes per manager-day"),
        decimal=decimal,
        decimals=0,
        width=5.0,
    )


def _tasks_chart(figures: dict[str, Any], *, language: str, decimal: str) -> str:
    return charts.bars(
        _shown_tasks(figures, language),
        value="minutes_per_manager_day",
        title=chart_titles()["tasks"],
        xlabel=_("Minutes per manager-day"),
        decimal=decimal,
    )


def _map_chart(figures: dict[str, Any], *, language: str, decimal: str) -> str:
    return charts.bubble_map(
        _shown_tasks(figures, language),
        title=chart_titles()["map"],
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
    )


def _managers_chart(figures: dict[str, Any], *, language: str, decimal: str) -> str:
    labels = task_labels(figures["tasks"], language)
    matrix = figures["matrix"]
    return charts.heatmap(
        pd.DataFrame(matrix["values"], index=matrix["numbers"], columns=[labels[code] for code in matrix["tasks"]]).T,
        title=chart_titles()["managers"],
        xlabel=_("Participant number"),
        colour_label=_("Minutes per day"),
        decimal=decimal,
    )


def _hours_chart(figures: dict[str, Any], *, language: str, decimal: str) -> str:
    labels = task_labels(figures["tasks"], language)
    shown_hours = [
        (code, values)
        for code, values in zip(figures["hours"]["tasks"], figures["hours"]["values"], strict=True)
        if values is not None
    ]
    hours = pd.DataFrame(
        [values for _code, values in shown_hours],
        index=[labels[code] for code, _values in shown_hours],
        columns=figures["hours"]["labels"],
    )
    return charts.heatmap(
        hours,
        title=chart_titles()["hours"],
        xlabel=_("Hour of the day"),
        colour_label=_("Friction minutes per manager-day"),
        decimal=decimal,
        cmap="OrRd",
        annotate=True,
    )


_DRAW = {
    "categories": _categories_chart,
    "tasks": _tasks_chart,
    "ranking": _ranking_chart,
    "map": _map_chart,
    "managers": _managers_chart,
    "hours": _hours_chart,
}


def dashboard_table(figures: dict[str, Any], name: str) -> tuple[list[str], list[list[Any]]]:
    """One of the dashboard's tables for download: the same figures, unrounded, with codes as headers.

    A withheld row keeps its task and label, with empty figures and the reason in a last column
    "withheld"; the managers × tasks grid raises Withheld where the listing rule withholds it."""
    meta = {task["task"]: task for task in figures["tasks"]}

    def why(row: dict[str, Any]) -> str:
        return reason_text(row["withheld_reason"])

    if name == "ranking":
        header, rows = reports.friction_rows(figures["report"])
        return [*header, "withheld"], [
            [*row, why(task)] for row, task in zip(rows, figures["report"]["tasks"], strict=True)
        ]
    if name == "categories":
        header = ["category", "minutes", "minutes_per_manager_day", "share"]
        return [*header, "withheld"], [[*[row[column] for column in header], why(row)] for row in figures["categories"]]
    if name == "tasks":
        header = ["task", "label", "category", "minutes", "minutes_per_manager_day", "share"]
        return [*header, "withheld"], [[*[row[column] for column in header], why(row)] for row in figures["tasks"]]
    if name == "variation":
        header = ["task", "label", "minimum", "median", "maximum", "mean", "cv"]
        return [*header, "withheld"], [
            [row["task"], meta[row["task"]]["label"], *[row[column] for column in header[2:]], why(row)]
            for row in figures["variation"]
        ]
    if name == "managers":
        matrix = figures["matrix"]
        if matrix is None:
            raise Withheld(None, disclosure.LISTING)
        return ["number", *matrix["tasks"]], [
            [number, *values] for number, values in zip(matrix["numbers"], matrix["values"].tolist(), strict=True)
        ]
    if name == "cost":
        cost = figures["cost"]
        rows = [
            [row["task"], meta[row["task"]]["label"], *[row[column] for column in COST_NUMBERS], why(row)]
            for row in cost["tasks"]
        ]
        rows.append(["all", "", *[cost["total"][column] for column in COST_NUMBERS], ""])
        return ["task", "label", *COST_NUMBERS, "withheld"], rows
    if name == "hours":
        hours = figures["hours"]
        width = len(hours["hours"])
        return ["task", "label", *[f"h{hour}" for hour in hours["hours"]], "withheld"], [
            [code, meta[code]["label"], *(values if values is not None else [None] * width), reason_text(reason)]
            for code, values, reason in zip(hours["tasks"], hours["values"], hours["withheld"], strict=True)
        ]
    raise KeyError(name)


DASHBOARD_TABLES = list(TABLE_PARTS)

# Beyond this many managers the managers × tasks grid is offered as a download instead of a table
# (and not drawn: a heatmap of thousands of columns says nothing and takes seconds).
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
            "reason": reason_text(row.get("withheld_reason")),
        }

    matrix = figures["matrix"]
    hours = figures["hours"]
    grid = None
    if matrix is not None and len(matrix["numbers"]) <= MATRIX_TABLE_LIMIT:
        grid = [
            {"display": labels[code], "values": values}
            for code, values in zip(matrix["tasks"], matrix["values"].T.tolist(), strict=True)
        ]
    return {
        "key": figures["key"],
        "quality": figures["quality"],
        "report": figures["report"],
        "withheld_rows": bool(figures["withheld"]),
        "ranking": [described(row) for row in figures["report"]["tasks"]],
        "tasks": [described(row) for row in figures["tasks"]],
        "categories": [
            {**row, "display": category_name(row, language), "reason": reason_text(row["withheld_reason"])}
            for row in figures["categories"]
        ],
        "variation": [described(row) for row in figures["variation"]],
        "matrix": {
            "listed": matrix is not None,
            "numbers": matrix["numbers"] if matrix is not None else [],
            "count": figures["key"]["managers"],
            "rows": grid,
        },
        "hours": {
            "hours": hours["hours"],
            "labels": hours["labels"],
            "rows": [
                {"display": labels[code], "values": values, "reason": reason_text(reason)}
                for code, values, reason in zip(hours["tasks"], hours["values"], hours["withheld"], strict=True)
            ],
            "totals": hours["totals"],
        },
        "cost": {**figures["cost"], "tasks": [described(row) for row in figures["cost"]["tasks"]]},
    }
