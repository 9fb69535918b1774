"""Did it help? A change in friction from a baseline round to a follow-up, manager by manager.

Repeated days of one manager are not independent, so the unit is the manager, followed across the
two rounds by participant number (stable per person within a municipality). Definitions, for a set
of tasks T (one task, an action item's tasks, or every task the plan addresses):

- A paired manager has at least one manager-day (a submitted day with minutes) in both rounds.
- f(n, R) = Σ minutes × (4 − function) / 3 over n's lines of T in round R that have minutes and a
  function rating, divided by n's manager-days in R (0 when n had none of T). For several tasks the
  per-task figures are summed per manager first: one difference per manager, not a sum of changes.
- delta(n) = f(n, F) − f(n, B); change = mean of delta over the k paired managers; baseline and
  follow-up are the means of f(n, B) and f(n, F) over the same managers.
- 95 % interval: change ± t(0.975, k − 1) × sd(delta) / √k (sample sd, Student's t).
- Verdict: less when the whole interval is below 0, more when it is above 0, else unclear; withheld
  (every figure None) when k < 3, as for any group of fewer than MIN_GROUP managers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd
from scipy import stats

from mio import cache
from surveys.models import Survey

from . import selectors
from .disclosure import is_withheld

LESS = "less"
MORE = "more"
UNCLEAR = "unclear"
WITHHELD = "withheld"
VERDICTS = (LESS, MORE, UNCLEAR, WITHHELD)

CONFIDENCE = 0.95


@dataclass(frozen=True)
class Change:
    """The change of friction minutes per manager-day over k paired managers, with its interval."""

    paired_managers: int
    baseline: float | None = None
    followup: float | None = None
    change: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    verdict: str = WITHHELD

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def in_sek(self, *, hourly_cost: float, working_days_per_year: int) -> dict[str, float | None]:
        """The figures as SEK per manager and year (minutes per day × working days / 60 × hourly cost)."""
        factor = working_days_per_year / 60 * hourly_cost
        return {
            name: None if value is None else value * factor
            for name, value in (
                ("baseline", self.baseline),
                ("followup", self.followup),
                ("change", self.change),
                ("ci_low", self.ci_low),
                ("ci_high", self.ci_high),
            )
        }


def change(baseline: pd.Series, followup: pd.Series) -> Change:
    """The change from f(n, B) to f(n, F), each a Series by participant number holding every manager
    with a manager-day in that round; managers in only one round are not paired and left out."""
    paired = baseline.index.intersection(followup.index)
    k = len(paired)
    if is_withheld(k):
        return Change(paired_managers=k)
    before = baseline.loc[paired].astype("float64")
    after = followup.loc[paired].astype("float64")
    deltas = after - before
    mean = float(deltas.mean())
    half_width = float(stats.t.ppf(0.5 + CONFIDENCE / 2, k - 1)) * float(deltas.std(ddof=1)) / math.sqrt(k)
    low, high = mean - half_width, mean + half_width
    verdict = LESS if high < 0 else MORE if low > 0 else UNCLEAR
    return Change(
        paired_managers=k,
        baseline=float(before.mean()),
        followup=float(after.mean()),
        change=mean,
        ci_low=low,
        ci_high=high,
        verdict=verdict,
    )


def manager_friction(*, survey: Survey) -> pd.DataFrame:
    """f(n, R) for one task at a time: a row per manager with a manager-day in the round (index:
    participant number), a column per task of the round (by code, in the round's order)."""
    return cache.for_round("analysis:manager-friction", survey=survey, compute=lambda: _manager_friction(survey))


def _manager_friction(survey: Survey) -> pd.DataFrame:
    tasks = selectors.task_frame(survey=survey)
    days = selectors.manager_day_counts(survey=survey).set_index("number")["days"]
    sums = selectors.manager_task_totals(survey=survey)
    sums["friction"] = (4 * sums["f_minutes"] - sums["f_weighted"]) / 3
    grid = (
        sums.pivot_table(index="number", columns="task_id", values="friction", aggfunc="sum")
        .reindex(index=days.index, columns=tasks["task_id"])
        .fillna(0.0)
    )
    grid.columns = list(tasks["task"])
    return grid.div(days.astype("float64"), axis=0)


def tasks_change(*, baseline: Survey, followup: Survey, codes: Sequence[str]) -> Change:
    """The change of the tasks `codes` together: f summed over them per manager, then compared."""
    return change(_summed(baseline, codes), _summed(followup, codes))


def _summed(survey: Survey, codes: Sequence[str]) -> pd.Series:
    frame = manager_friction(survey=survey)
    return frame[[code for code in codes if code in frame.columns]].sum(axis=1)


def paired_managers(*, baseline: Survey, followup: Survey) -> int:
    """The managers with a manager-day in both rounds."""
    return len(manager_friction(survey=baseline).index.intersection(manager_friction(survey=followup).index))


class NotComparable(ValueError):
    """Two rounds that cannot be compared task by task; the message says why."""


def check_comparable(*, baseline: Survey, followup: Survey) -> None:
    """Raise NotComparable unless the rounds are two of one municipality with the same task codes,
    the follow-up starting after the baseline."""
    from django.utils.translation import gettext as _

    if baseline.pk == followup.pk:
        raise NotComparable(_("Choose two different rounds."))
    if baseline.municipality_id != followup.municipality_id:
        raise NotComparable(_("Choose two rounds of the same municipality."))
    if followup.start_date <= baseline.start_date:
        raise NotComparable(_("The follow-up must start after the baseline."))
    codes = [set(survey.tasks.values_list("code", flat=True)) for survey in (baseline, followup)]
    if codes[0] != codes[1]:
        raise NotComparable(_("The rounds do not have the same tasks, so they cannot be compared task by task."))


def effect_report(*, baseline: Survey, followup: Survey, plan_codes: Sequence[str] | None = None) -> dict[str, Any]:
    """Every task of the rounds in the follow-up's order, and, when given, the plan's tasks together.

    Numbers unrounded; None (JSON null) where withheld."""
    codes = list(selectors.task_frame(survey=followup)["task"])
    report: dict[str, Any] = {
        "baseline": baseline.slug,
        "followup": followup.slug,
        "paired_managers": paired_managers(baseline=baseline, followup=followup),
        "tasks": [
            {"task": code, **tasks_change(baseline=baseline, followup=followup, codes=[code]).as_dict()}
            for code in codes
        ],
    }
    if plan_codes is not None:
        report["plan"] = tasks_change(
            baseline=baseline, followup=followup, codes=[code for code in codes if code in set(plan_codes)]
        ).as_dict()
    return report


REPORT_FIELDS = ["task", "paired_managers", "baseline", "followup", "change", "ci_low", "ci_high", "verdict"]


def report_rows(report: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """The report as flat rows (the plan's row last, named "plan"), for CSV and text tables."""
    rows = [[task[name] for name in REPORT_FIELDS] for task in report["tasks"]]
    if "plan" in report:
        rows.append(["plan", *[report["plan"][name] for name in REPORT_FIELDS[1:]]])
    return REPORT_FIELDS, rows
