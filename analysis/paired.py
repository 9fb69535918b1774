"""Did it help? A change in friction from a baseline round to a follow-up, manager by manager.

Repeated days of one manager are not independent, so the unit is the manager, followed across the
two rounds by participant number (stable per person within a municipality). Definitions, for a set
of tasks T (one task, an action item's tasks, or the tasks of the items done between the rounds):

- A paired manager has at least one manager-day (a submitted day with minutes) in both rounds.
- f(n, R) = Σ minutes × (4 − function) / 3 over n's lines of T in round R that have minutes and a
  function rating, divided by n's manager-days in R (0 when n had none of T). For several tasks the
  per-task figures are summed per manager first: one difference per manager, not a sum of changes.
- delta(n) = f(n, F) − f(n, B); change = mean of delta over the k paired managers; baseline and
  follow-up are the means of f(n, B) and f(n, F) over the same managers.
- 95 % interval: change ± t(0.975, k − 1) × sd(delta) / √k (sample sd, Student's t).
- Verdict: less when the whole interval is below 0, more when it is above 0, else unclear; withheld
  (every figure None) when k < 3, as for any group of fewer than MIN_GROUP managers.
- Scope: every manager, or a department's (a departmental action item): the managers whose unit
  belongs to the department in both rounds, as the dashboard's department filter selects them. A
  department's figure is withheld when 1 or 2 paired managers are outside it (COMPLEMENT), since the
  figure of every manager minus the department's would be theirs.
- A task is left out (DID_TOO_FEW) when, in either round, 1 or 2 of the scope's managers did it (had
  minutes on it on submitted days), as the dashboard withholds its row: their f would be the figure.
  In a department also (DID_COMPLEMENT) when 1 or 2 of the paired managers outside it did it.
- Secondary suppression among the departments, as the dashboard's: the paired managers in no shown
  department's figure (in no one department in both rounds, e.g. moved between departments or
  unlinked, or in a department withheld for too few) are hidden; when they come to 1 or 2, every
  manager's figure minus the shown departments' would be theirs, so the department with the fewest
  paired managers (first by id on a tie) is withheld too (SECONDARY). Per task likewise: when the
  hidden managers who did a task come to 1 or 2, the shown department with the fewest who did it leaves
  it out (DID_SECONDARY). Nobody
  (0) is a true zero and shown. Figures over several tasks leave such tasks out and name them
  (`left_out`), so that no difference of shown figures gives one back; when every task is left out
  the change is withheld (TASKS_WITHHELD).
- What a round's dashboard withholds stays withheld here: a task whose row the dashboard of either
  round withholds for the scope's selection (every manager, or the department) is left out
  (DID_DASHBOARD), whatever the dashboard's reason. The dashboard withholds a row with too few
  managers and, so that its totals minus its shown rows do not give that row back, a second row with
  it (secondary suppression); this task's figure beside the dashboard's totals would give that row
  back too. When a round's dashboard withholds the department's selection as a whole, so is the
  change (DASHBOARD_WITHHELD).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import pandas as pd
from scipy import stats

from mio import cache
from surveys.models import Survey

from . import selectors
from .dashboard import dashboard_figures
from .disclosure import MIN_GROUP, Withheld, discloses, is_withheld
from .filters import NO_FILTERS, Filters

LESS = "less"
MORE = "more"
UNCLEAR = "unclear"
WITHHELD = "withheld"
NOTHING = "nothing"  # no task to measure (a plan without items done between the rounds)
VERDICTS = (LESS, MORE, UNCLEAR, WITHHELD, NOTHING)

CONFIDENCE = 0.95

# Why a change is withheld.
TOO_FEW_PAIRED = "too_few_paired"  # fewer than MIN_GROUP managers of the scope in both rounds
COMPLEMENT = "complement"  # 1 or 2 paired managers outside the department
SECONDARY = "secondary"  # everyone minus the shown departments would be 1 or 2 managers
TASKS_WITHHELD = "tasks_withheld"  # every task of the set left out
DASHBOARD_WITHHELD = "dashboard_withheld"  # a round's dashboard withholds the department as a whole
NO_TASKS = "no_tasks"  # an empty set of tasks: nothing to measure (verdict NOTHING)

# Why a task is left out of a change.
DID_TOO_FEW = "did_too_few"  # 1 or 2 of the scope's managers did the task in a round
DID_COMPLEMENT = "did_complement"  # 1 or 2 paired managers outside the department did it in a round
DID_SECONDARY = "did_secondary"  # the hidden managers who did it in a round are 1 or 2 (see the module)
DID_DASHBOARD = "did_dashboard"  # a round's dashboard withholds the task's row for the scope's selection


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
    reason: str = ""  # why no figure: one of the reasons above (TOO_FEW_PAIRED … NO_TASKS)
    left_out: dict[str, str] = field(default_factory=dict)  # task code: why it is not in the figure

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
        return Change(paired_managers=k, reason=TOO_FEW_PAIRED)
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
    return _manager_frames(survey)[0]


def managers_who_did(*, survey: Survey) -> pd.DataFrame:
    """Whether each manager of `manager_friction` had minutes on each task on submitted days (bool)."""
    return _manager_frames(survey)[1]


def _manager_frames(survey: Survey) -> tuple[pd.DataFrame, pd.DataFrame]:
    return cache.for_round("analysis:manager-frames", survey=survey, compute=lambda: _compute_frames(survey))


def _compute_frames(survey: Survey) -> tuple[pd.DataFrame, pd.DataFrame]:
    tasks = selectors.task_frame(survey=survey)
    days = selectors.manager_day_counts(survey=survey).set_index("number")["days"]
    sums = selectors.manager_task_totals(survey=survey)
    sums["friction"] = (4 * sums["f_minutes"] - sums["f_weighted"]) / 3

    def grid(values: str, fill: object) -> pd.DataFrame:
        frame = sums.pivot_table(index="number", columns="task_id", values=values, aggfunc="sum").reindex(
            index=days.index, columns=tasks["task_id"]
        )
        frame = frame.fillna(fill)
        frame.columns = list(tasks["task"])
        return frame

    friction = grid("friction", 0.0).div(days.astype("float64"), axis=0)
    return friction, grid("minutes", 0) > 0


def _departments_in_both(baseline: Survey, followup: Survey, numbers: pd.Index) -> pd.Series:
    """Each of `numbers`' department when it is the same in both rounds, else NaN (moved, or no unit)."""
    before = selectors.participant_departments(survey=baseline).reindex(numbers)
    after = selectors.participant_departments(survey=followup).reindex(numbers)
    return before.where(before == after)


def _smallest_shown(sizes: pd.Series, hidden: int) -> object | None:
    """The group that secondary suppression withholds: when the `hidden` managers are 1 or 2, the group
    of `sizes` (only groups with a shown figure, by department id) with the fewest, first on a tie."""
    if not discloses(hidden) or sizes.empty:
        return None
    return min(sizes.index, key=lambda group: (sizes[group], group))


def _secondary_department(departments: pd.Series) -> object | None:
    """The department withheld by secondary suppression among the paired managers' departments."""
    sizes = departments.dropna().value_counts()
    hidden = int(departments.isna().sum()) + int(sizes[sizes.map(discloses)].sum())
    return _smallest_shown(sizes[sizes >= MIN_GROUP].sort_index(), hidden)


def tasks_change(*, baseline: Survey, followup: Survey, codes: Sequence[str], department: int | None = None) -> Change:
    """The change of the tasks `codes` together, over every paired manager or a department's: f summed
    over the tasks not left out, per manager, then compared (see the module's definitions)."""
    before, after = manager_friction(survey=baseline), manager_friction(survey=followup)
    paired = before.index.intersection(after.index)
    scope = paired
    departments = None
    if department is not None:
        departments = _departments_in_both(baseline, followup, paired)
        scope = paired[(departments == department).to_numpy()]
    k = len(scope)
    if is_withheld(k):
        return Change(paired_managers=k, reason=TOO_FEW_PAIRED)
    outside = paired.difference(scope)
    if discloses(len(outside)):
        return Change(paired_managers=k, reason=COMPLEMENT)
    if departments is not None and _secondary_department(departments) == department:
        return Change(paired_managers=k, reason=SECONDARY)
    dashboards = [dashboard_withheld(survey=survey, department=department) for survey in (baseline, followup)]
    if None in dashboards:
        return Change(paired_managers=k, reason=DASHBOARD_WITHHELD)
    codes = [code for code in codes if code in before.columns]
    if not codes:
        return Change(paired_managers=k, verdict=NOTHING, reason=NO_TASKS)
    left_out = _left_out(baseline, followup, codes, scope=scope, outside=outside)
    if departments is not None:
        for code in _secondary_tasks(baseline, followup, codes, departments=departments, department=department):
            left_out.setdefault(code, DID_SECONDARY)
    for code in codes:
        if any(code in withheld for withheld in dashboards):
            left_out.setdefault(code, DID_DASHBOARD)
    left_out = {code: left_out[code] for code in codes if code in left_out}
    kept = [code for code in codes if code not in left_out]
    if not kept:
        return Change(paired_managers=k, reason=TASKS_WITHHELD, left_out=left_out)
    found = change(before.loc[scope, kept].sum(axis=1), after.loc[scope, kept].sum(axis=1))
    return replace(found, left_out=left_out)


def dashboard_withheld(*, survey: Survey, department: int | None = None) -> dict[str, str] | None:
    """Task code → why the round's dashboard withholds its row for every manager, or for `department`:
    its own cached figures, read rather than worked out again; None when it withholds the selection."""
    filters = NO_FILTERS if department is None else Filters(department=department)
    try:
        return dashboard_figures(survey=survey, filters=filters, parts=("core",))["withheld"]
    except Withheld:
        return None


def _left_out(
    baseline: Survey, followup: Survey, codes: list[str], *, scope: pd.Index, outside: pd.Index
) -> dict[str, str]:
    """The tasks whose figure would be 1 or 2 managers' in either round, with why (in `codes` order)."""

    def disclosed(managers: pd.Index) -> pd.Series:
        counts = [managers_who_did(survey=survey).loc[managers, codes].sum() for survey in (baseline, followup)]
        return counts[0].map(discloses) | counts[1].map(discloses)

    too_few = disclosed(scope)
    complement = disclosed(outside) if len(outside) else pd.Series(False, index=too_few.index)
    return {
        code: DID_TOO_FEW if too_few[code] else DID_COMPLEMENT for code in codes if too_few[code] or complement[code]
    }


def _secondary_tasks(
    baseline: Survey, followup: Survey, codes: list[str], *, departments: pd.Series, department: int
) -> list[str]:
    """The tasks that `department` leaves out by secondary suppression: in either round, the paired
    managers who did the task and are in no shown department's row of it come to 1 or 2, and of the
    departments showing it, this one has the fewest who did it (first by id on a tie)."""
    sizes = departments.dropna().value_counts()
    withheld_department = _secondary_department(departments)
    shown = [group for group in sorted(sizes.index) if sizes[group] >= MIN_GROUP and group != withheld_department]
    found = []
    for survey in (baseline, followup):
        did = managers_who_did(survey=survey).loc[departments.index, codes]
        by_department = did.groupby(departments).sum()  # rows without a department in both are dropped
        everyone = did.sum()
        for code in codes:
            doers = by_department[code].reindex(shown, fill_value=0)
            showing = doers[doers >= MIN_GROUP]  # a department's row of 1 or 2 who did it is left out
            hidden = int(everyone[code] - showing.sum())
            if _smallest_shown(showing, hidden) == department and code not in found:
                found.append(code)
    return found


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
    """Every task of the rounds in the follow-up's order, and, when given, the plan's tasks together
    (the tasks of the items done between the rounds: `actionplan.effect`), over every paired manager.

    Numbers unrounded; None (JSON null) where withheld, with `reason`; a task left out of the plan's
    figure is in its `left_out` with why."""
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
        chosen = [code for code in codes if code in set(plan_codes)]
        report["plan"] = {"tasks": chosen, **tasks_change(baseline=baseline, followup=followup, codes=chosen).as_dict()}
    return report


REPORT_FIELDS = [
    "task",
    "paired_managers",
    "baseline",
    "followup",
    "change",
    "ci_low",
    "ci_high",
    "verdict",
    "reason",
    "left_out",
]


def report_rows(report: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """The report as flat rows (the plan's row last, named "plan"), for CSV and text tables; a task
    left out of the plan's figure is named in its `left_out` cell as "code: why", space-separated."""

    def cells(entry: dict[str, Any]) -> list[Any]:
        left_out = " ".join(f"{code}:{why}" for code, why in entry["left_out"].items())
        # Empty as the withheld figures are: blank in CSV, "–" in a table.
        values = {**entry, "reason": entry["reason"] or None, "left_out": left_out or None}
        return [values[name] for name in REPORT_FIELDS[1:]]

    rows = [[task["task"], *cells(task)] for task in report["tasks"]]
    if "plan" in report:
        rows.append(["plan", *cells(report["plan"])])
    return REPORT_FIELDS, rows
