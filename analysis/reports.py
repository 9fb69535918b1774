"""Figures as plain data (dicts of numbers and strings): what commands print as JSON/CSV and what the
pages and JSON endpoints show, so that every channel gives the same numbers.

Numbers are unrounded; rounding is for display only. A missing mean is None (JSON null).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from surveys.models import Survey

from . import disclosure, friction, selectors
from .disclosure import Withheld, is_withheld, reason_text
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

TASK_TEXT_FIELDS = ["task", "label", "category", "area"]
TASK_FIELDS = [
    *TASK_TEXT_FIELDS,
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
# A task's figures: what a withheld row leaves empty.
TASK_NUMBER_FIELDS = [name for name in TASK_FIELDS if name not in TASK_TEXT_FIELDS]


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
            {name: row[name] if name in TASK_TEXT_FIELDS else _number(row[name]) for name in TASK_FIELDS}
            for row in frame.to_dict("records")
        ],
    }


def disclosed_totals(
    *, survey: Survey, filters: Filters = NO_FILTERS, managers: selectors.ManagerTotals | None = None
) -> tuple[dict[str, int], Any, disclosure.Cells]:
    """A selection's counts, task totals (`selectors.round_totals`) and its withheld task and category
    rows, by the disclosure rule, as every page shows them (the dashboard, the rounds comparison, the
    comparison of managers); raises Withheld for a selection that the selection rule withholds.
    `managers`: the selection's sums per manager when the caller holds them, added up instead of read."""
    if not filters.is_empty():  # the whole round has no parents or siblings: its own count decides
        disclosure.check_selection(survey=survey, filters=filters)
    if managers is None:
        counts, totals = selectors.round_totals(survey=survey, filters=filters)
    else:
        counts, totals = selectors.round_totals_from_managers(managers, selectors.task_frame(survey=survey))
    if is_withheld(counts["managers"]):
        raise Withheld(counts["managers"])
    ids = totals["task_id"].tolist()
    cells = disclosure.task_cells(
        survey=survey,
        filters=filters,
        minutes=dict(zip(ids, totals["minutes"].tolist(), strict=True)),
        order=ids,
        managers=dict(zip(ids, totals["managers"].tolist(), strict=True)),
        categories=dict(zip(ids, totals["category_order"].tolist(), strict=True)),
    )
    return counts, totals, cells


def withheld_tasks(totals: Any, cells: disclosure.Cells) -> dict[str, str]:
    """Task code → why its row is withheld, for the withheld rows of `cells` (of `disclosed_totals`)."""
    return {
        code: cells.reasons[task_id]
        for task_id, code in zip(totals["task_id"].tolist(), totals["task"].tolist(), strict=True)
        if cells.withheld(task_id)
    }


# Each figure of a task in both rounds, in the order the page and the downloads give them.
ROUND_NUMBER_FIELDS = [
    f"{name}_{part}" for name in friction.CHANGE_FIGURES for part in ("baseline", "followup", "change")
]


def rounds_comparison(*, baseline: Survey, followup: Survey, filters: Filters = NO_FILTERS) -> dict:
    """Per task code in both rounds: each round's figures and the change from baseline to follow-up.

    Each round's rows are withheld as its dashboard withholds them (`disclosed_totals`: the same
    cells, reasons and secondary suppression), and a change is withheld when either round's row is,
    as the change and the shown figure would give the other back. Raises Withheld when either round's
    selection is. `paired_managers` are the managers with a manager-day in both rounds: each round's
    figures are of all its own managers, so fewer than either round's count means two different groups.
    """
    sides = {}
    for name, survey in (("baseline", baseline), ("followup", followup)):
        counts, totals, cells = disclosed_totals(survey=survey, filters=filters)
        ranked = friction.friction_ranking(totals, manager_days=counts["manager_days"])
        sides[name] = (counts, ranked, withheld_tasks(totals, cells))
    (base_counts, base, base_withheld), (follow_counts, follow, follow_withheld) = sides.values()
    frame = friction.withhold_rounds(
        friction.compare_rounds(base, follow), baseline=base_withheld, followup=follow_withheld
    )
    return {
        "baseline": baseline.slug,
        "followup": followup.slug,
        "baseline_managers": base_counts["managers"],
        "followup_managers": follow_counts["managers"],
        "paired_managers": managers_in_both(baseline=baseline, followup=followup, filters=filters),
        "baseline_manager_days": base_counts["manager_days"],
        "followup_manager_days": follow_counts["manager_days"],
        "tasks": [
            {
                "task": row["task"],
                "label": row["label"],
                "category": row["category"],
                "area": row["area"],
                **{name: _number(row[name]) for name in ROUND_NUMBER_FIELDS},
                **_withheld_side(row, "baseline"),
                **_withheld_side(row, "followup"),
            }
            for row in frame.to_dict("records")
        ],
    }


def _withheld_side(row: dict[str, Any], part: str) -> dict[str, Any]:
    """Whether one round's row is withheld, and why, as the dashboard's JSON says it (`withheld`,
    `withheld_reason`), named for the round: `withheld_followup`, `withheld_reason_followup`."""
    reason = row[f"withheld_reason_{part}"]
    return {f"withheld_{part}": reason is not None, f"withheld_reason_{part}": reason}


def managers_in_both(*, baseline: Survey, followup: Survey, filters: Filters = NO_FILTERS) -> int:
    """The managers with a manager-day in the selection in both rounds, matched by participant number
    (a person keeps their number in every round of the municipality): the paired managers of
    `paired`, whose "did it help?" compares only them."""
    import numpy as np

    numbers = [
        selectors.manager_day_counts(survey=survey, filters=filters)["number"].to_numpy()
        for survey in (baseline, followup)
    ]
    return int(np.intersect1d(*numbers).size)


# --- Managers side by side ------------------------------------------------------------------------


def manager_figures(*, survey: Survey, filters: Filters = NO_FILTERS) -> Any:
    """Per manager and task figures for every manager with a manager-day in the selection: the
    frame of `friction.manager_task_figures`, built straight from `selectors.manager_totals`
    (the round's cached per-manager totals, selected by department or unit) rather than by merges."""
    import numpy as np
    import pandas as pd

    totals = selectors.manager_totals(survey=survey, filters=filters)
    tasks = selectors.task_frame(survey=survey)
    managers, count = len(totals.numbers), len(tasks)
    flat = totals.sums.reshape(managers * count, len(selectors.SUM_COLUMNS)).astype("int64")
    days = np.repeat(totals.days, count)
    frame = pd.DataFrame(
        {
            "number": np.repeat(totals.numbers, count),
            "task_id": np.tile(tasks["task_id"].to_numpy(dtype="int64"), managers),
            **{name: flat[:, index] for index, name in enumerate(selectors.SUM_COLUMNS)},
            "days": days,
            **{name: np.tile(tasks[name].to_numpy(), managers) for name in selectors.TASK_COLUMNS},
        }
    )
    own_total = np.repeat(totals.sums[:, :, 0].sum(axis=1, dtype="int64"), count).astype("float64")
    minutes = frame["minutes"].to_numpy(dtype="float64")
    f_minutes, v_minutes = frame["f_minutes"].to_numpy(dtype="float64"), frame["v_minutes"].to_numpy(dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["minutes_per_day"] = minutes / days
        frame["share"] = np.where(own_total != 0, minutes / own_total, 0.0)
        frame["function_mean"] = np.where(f_minutes != 0, frame["f_weighted"] / f_minutes, np.nan)
        frame["value_mean"] = np.where(v_minutes != 0, frame["v_weighted"] / v_minutes, np.nan)
    frame["friction_minutes_per_day"] = (4 * frame["f_minutes"] - frame["f_weighted"]) / 3 / frame["days"]
    # Rows by number, then in the round's order (the task frame's order already).
    return frame


COMPARED_TASK_FIGURES = ["minutes_per_day", "share", "function_mean", "value_mean"]


def compare_managers(*, survey: Survey, numbers: Sequence[int], figures: Any = None) -> dict:
    """Chosen managers side by side, in the order asked; every task and category of the round.

    `figures` is the round's `comparison.ManagerFigures` when the caller has it at hand."""
    from .comparison import manager_figures_of

    known = set(survey.participants.filter(number__in=list(numbers)).values_list("number", flat=True))
    unknown = [number for number in numbers if number not in known]
    if unknown:
        raise UnknownParticipant(", ".join(str(number) for number in unknown))
    if figures is None:
        figures = manager_figures_of(survey=survey)
    if is_withheld(figures.managers):
        raise Withheld(figures.managers)
    # The round's dashboard withholds a task that 1 or 2 managers did (and one to protect it): a few pairs of
    # managers side by side would give its row back, so its cells are withheld here too, as in the grid.
    _counts, totals, cells = disclosed_totals(survey=survey, managers=figures.totals)
    withheld = withheld_tasks(totals, cells)
    codes = selectors.task_frame(survey=survey)["task"].tolist()
    managers = []
    for number in numbers:
        row = figures.row(number)
        days = int(figures.totals.days[row]) if row is not None else 0
        managers.append(
            {
                "number": number,
                "days": days,
                "minutes_per_day": _number(figures.total_per_day[row]) if days else 0.0,
                "tasks": [
                    {"task": code, **dict.fromkeys(COMPARED_TASK_FIGURES), "withheld_reason": withheld[code]}
                    if code in withheld
                    else {
                        "task": code,
                        "minutes_per_day": _number(figures.minutes_per_day[row, index]) if days else 0.0,
                        "share": _number(figures.share[row, index]) if days else 0.0,
                        "function_mean": _number(figures.function_mean[row, index]) if days else None,
                        "value_mean": _number(figures.value_mean[row, index]) if days else None,
                        "withheld_reason": None,
                    }
                    for index, code in enumerate(codes)
                ],
                "categories": [
                    {
                        "category": name,
                        "minutes_per_day": _number(figures.category_minutes_per_day[row, index]) if days else 0.0,
                        "share": _number(figures.category_share[row, index]) if days else 0.0,
                    }
                    for index, name in enumerate(figures.category_names)
                ],
            }
        )
    return {"survey": survey.slug, "managers": managers, "withheld": withheld}


# --- Flat rows for CSV and text tables ------------------------------------------------------------


def friction_rows(report: dict) -> tuple[list[str], list[list[Any]]]:
    return TASK_FIELDS, [[task[name] for name in TASK_FIELDS] for task in report["tasks"]]


def comparison_rows(report: dict) -> tuple[list[str], list[list[Any]]]:
    """The comparison as rows; a withheld task's cells are empty with the reason in a last column, as in the
    dashboard's tables."""
    header = ["number", "days", "kind", "name", *COMPARED_TASK_FIGURES, "withheld"]
    rows = []
    for manager in report["managers"]:
        for task in manager["tasks"]:
            rows.append(
                [
                    manager["number"],
                    manager["days"],
                    "task",
                    task["task"],
                    *[task[name] for name in COMPARED_TASK_FIGURES],
                    reason_text(task["withheld_reason"]),
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
                    "",
                ]
            )
    return header, rows
