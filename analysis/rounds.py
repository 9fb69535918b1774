"""Two rounds compared task by task: the figures (cached under both rounds' data versions), the
template's rows, the chart (cached per language) and the table for download.

Fewer than `disclosure.MIN_GROUP` managers in either round raise `Withheld`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from django.utils.translation import gettext as _

from mio import cache
from surveys.models import Survey

from . import charts, reports, selectors
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
    labels = task_labels(data["tasks"], language)
    return {
        "report": data["report"],
        "rows": [{**row, "display": labels.get(row["task"], row["label"])} for row in data["report"]["tasks"]],
    }


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
        title=chart_title(),
        xlabel=_("Friction minutes per manager-day"),
        decimal=decimal,
        colours=["#9aa5b1", charts.FRICTION_COLOUR],
    )


def rounds_table(data: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    rows = data["report"]["tasks"]
    header = list(rows[0]) if rows else ["task"]
    return header, [[row[column] for column in header] for row in rows]
