"""Two rounds compared task by task: the figures (cached under both rounds' data versions), the
template's rows, the chart (cached per language) and the table for download.

Each round's task rows are withheld as its dashboard withholds them, and a change where either
round's row is (`reports.rounds_comparison`); the chart leaves out every task with a withheld
side, and a withheld selection in either round raises `Withheld`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from django.utils.translation import gettext as _

from mio import cache
from surveys.models import Survey

from . import charts, reports, selectors
from .disclosure import reason_text
from .labels import task_labels
from .records import TASK_META, records


def rounds_figures(*, baseline: Survey, followup: Survey) -> dict[str, Any]:
    """reports.rounds_comparison; its key carries both rounds' data versions. Raises Withheld."""
    return cache.for_round(
        "analysis:rounds",
        survey=followup,
        params=(baseline.pk, baseline.data_version),
        compute=lambda: _rounds(baseline, followup),
    )


def _rounds(baseline: Survey, followup: Survey) -> dict[str, Any]:
    report = reports.rounds_comparison(baseline=baseline, followup=followup)
    tasks = selectors.task_frame(survey=followup)
    return {"report": report, "tasks": records(tasks, TASK_META)}


def rounds_rows(data: dict[str, Any], *, language: str) -> dict[str, Any]:
    """The page's rows (task labels in the reader's language, each withheld side's reason in words)
    and whether the two rounds have the same managers."""
    labels = task_labels(data["tasks"], language)
    report = data["report"]
    rows = [
        {
            **row,
            "display": labels.get(row["task"], row["label"]),
            "reason_baseline": reason_text(row["withheld_reason_baseline"]),
            "reason_followup": reason_text(row["withheld_reason_followup"]),
        }
        for row in report["tasks"]
    ]
    return {
        "report": report,
        "rows": rows,
        "withheld_rows": any(row["withheld_baseline"] or row["withheld_followup"] for row in rows),
        "same_managers": same_managers(report),
    }


def same_managers(report: dict[str, Any]) -> bool:
    """Whether every manager of either round is in both (then the rounds compare one group)."""
    paired = report["paired_managers"]
    return paired == report["baseline_managers"] == report["followup_managers"]


def rounds_chart(*, baseline: Survey, followup: Survey, data: dict[str, Any], language: str, decimal: str) -> str:
    return cache.for_round(
        "analysis:rounds-chart",
        survey=followup,
        params=(baseline.pk, baseline.data_version, language, decimal),
        compute=lambda: _rounds_chart(baseline, followup, data, language=language, decimal=decimal),
    )


def chart_title() -> str:
    """The chart's title in the active language: drawn in the chart and its image's alt text."""
    return _("Friction minutes per manager-day in the baseline and the follow-up")


def _rounds_chart(baseline: Survey, followup: Survey, data: dict[str, Any], *, language: str, decimal: str) -> str:
    labels = task_labels(data["tasks"], language)
    # A task withheld in either round is left out: a bar of no length would still tell its place.
    rows = [row for row in data["report"]["tasks"] if not (row["withheld_baseline"] or row["withheld_followup"])]
    frame = pd.DataFrame(
        {
            baseline.name: [row["friction_minutes_per_manager_day_baseline"] for row in rows],
            followup.name: [row["friction_minutes_per_manager_day_followup"] for row in rows],
        },
        index=[labels.get(row["task"], row["label"]) for row in rows],
    )
    return charts.grouped_bars(
        frame,
        title=chart_title(),
        xlabel=_("Friction minutes per manager-day"),
        decimal=decimal,
        colours=["#9aa5b1", charts.FRICTION_COLOUR],
    )


ROUNDS_TABLE_COLUMNS = ["task", "label", "category", "area", *reports.ROUND_NUMBER_FIELDS]


def rounds_table(data: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """The comparison for download: each figure of both rounds and its change, withheld cells empty,
    and why each round's row is withheld in the last two columns (as the dashboard's "withheld")."""
    header = [*ROUNDS_TABLE_COLUMNS, "withheld_baseline", "withheld_followup"]
    return header, [
        [
            *[row[column] for column in ROUNDS_TABLE_COLUMNS],
            reason_text(row["withheld_reason_baseline"]),
            reason_text(row["withheld_reason_followup"]),
        ]
        for row in data["report"]["tasks"]
    ]
