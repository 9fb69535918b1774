"""Did it help? The addressed tasks' figures in the round that found the friction and in a later one.

Pure functions over the analysis app's frames: `friction.compare_rounds()` gives, per task code in
both rounds, the baseline and follow-up figures and their change. A task counts as improved when its
friction minutes per manager-day fell by at least NOTABLE_CHANGE, as worse when they rose by as
much, and as unchanged in between: differences below half a minute a day are within the noise of
a week's diaries.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas loads only where figures are drawn, not with every page
    import pandas as pd

NOTABLE_CHANGE = 0.5  # friction minutes per manager-day

IMPROVED = "improved"
WORSE = "worse"
UNCHANGED = "unchanged"


def verdict(change: float | None) -> str | None:
    if change is None:
        return None
    if change <= -NOTABLE_CHANGE:
        return IMPROVED
    if change >= NOTABLE_CHANGE:
        return WORSE
    return UNCHANGED


def _number(value: object) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


@dataclass(frozen=True)
class TaskEffect:
    """One addressed task: its figures before and after. `suppressed` hides groups under MIN_GROUP managers."""

    code: str
    label: str
    label_en: str
    friction_baseline: float | None = None
    friction_followup: float | None = None
    friction_change: float | None = None
    minutes_baseline: float | None = None
    minutes_followup: float | None = None
    minutes_change: float | None = None
    function_baseline: float | None = None
    function_followup: float | None = None
    function_change: float | None = None
    suppressed: bool = False
    missing: bool = False  # not a task of both rounds

    @property
    def verdict(self) -> str | None:
        if self.suppressed or self.missing:
            return None
        return verdict(self.friction_change)


@dataclass(frozen=True)
class ItemEffect:
    """The addressed tasks of one item, and their friction together."""

    tasks: list[TaskEffect]

    def _total(self, name: str) -> float | None:
        shown = [task for task in self.tasks if task.verdict is not None]
        if not shown:
            return None
        return sum(getattr(task, name) for task in shown)

    @property
    def friction_baseline(self) -> float | None:
        return self._total("friction_baseline")

    @property
    def friction_followup(self) -> float | None:
        return self._total("friction_followup")

    @property
    def friction_change(self) -> float | None:
        return self._total("friction_change")

    @property
    def verdict(self) -> str | None:
        return verdict(self.friction_change)


def comparison(baseline_ranking: pd.DataFrame, followup_ranking: pd.DataFrame) -> pd.DataFrame:
    """`compare_rounds` with the smaller of the two rounds' manager counts, for suppressing small groups."""
    from analysis import friction

    compared = friction.compare_rounds(baseline_ranking, followup_ranking)
    managers = baseline_ranking[["task", "managers"]].merge(
        followup_ranking[["task", "managers"]], on="task", suffixes=("_baseline", "_followup")
    )
    managers["managers"] = managers[["managers_baseline", "managers_followup"]].min(axis=1)
    return compared.merge(managers[["task", "managers"]], on="task", how="left")


def task_effects(
    compared: pd.DataFrame, codes: Sequence[str], *, labels: dict[str, str] | None = None, language: str | None = None
) -> list[TaskEffect]:
    """The effect on each code, in the order given; codes missing from either round are marked so.

    `label` is the task's label in `language` (English when "en" and there is one, else Swedish).
    """
    from analysis.friction import is_suppressed

    rows = {row["task"]: row for row in compared.to_dict("records")}
    for row in rows.values():
        if language == "en" and row["label_en"]:
            row["label"] = row["label_en"]
    effects = []
    for code in codes:
        row = rows.get(code)
        if row is None:
            effects.append(TaskEffect(code=code, label=(labels or {}).get(code, code), label_en="", missing=True))
            continue
        if is_suppressed(int(row["managers"])):
            effects.append(TaskEffect(code=code, label=row["label"], label_en=row["label_en"], suppressed=True))
            continue
        effects.append(
            TaskEffect(
                code=code,
                label=row["label"],
                label_en=row["label_en"],
                **{
                    f"{short}_{part}": _number(row[f"{name}_{part}"])
                    for short, name in (
                        ("friction", "friction_minutes_per_manager_day"),
                        ("minutes", "minutes_per_manager_day"),
                        ("function", "function_mean"),
                    )
                    for part in ("baseline", "followup", "change")
                },
            )
        )
    return effects
