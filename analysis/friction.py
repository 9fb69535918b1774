"""The friction figures, as pure functions over the aggregate frames of `selectors`.

Definitions (for a selection of diary lines):
- manager-day: a diary day with at least one minute; `manager_days` counts them.
- share(t) = minutes(t) / minutes of all tasks; minutes_per_manager_day(t) = minutes(t) / manager_days.
- function_mean(t): mean function rating weighted by minutes over lines with minutes and a rating
  (None when there are none); value_mean likewise.
- friction_minutes_per_manager_day(t) = Σ minutes × (4 − function) / 3 / manager_days over rated lines:
  time each day on work that does not work well (0 when all rated 4, all of it when rated 1).
  low_value_minutes_per_manager_day(t) likewise with value.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

RANKING_COLUMNS = [
    "task",
    "label",
    "label_en",
    "category",
    "category_en",
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


def _ratio(numerator: pd.Series, denominator: pd.Series | float) -> pd.Series:
    """numerator / denominator, None (NaN) where the denominator is 0."""
    denominator = pd.Series(denominator, index=numerator.index, dtype="float64")
    return (numerator.astype("float64") / denominator.where(denominator != 0)).astype("float64")


def _figures(sums: pd.DataFrame, manager_days: int) -> dict[str, np.ndarray]:
    """The per-task figures as arrays (numpy directly: this runs on every dashboard view)."""
    minutes = sums["minutes"].to_numpy(dtype="float64")
    f_minutes = sums["f_minutes"].to_numpy(dtype="float64")
    f_weighted = sums["f_weighted"].to_numpy(dtype="float64")
    v_minutes = sums["v_minutes"].to_numpy(dtype="float64")
    v_weighted = sums["v_weighted"].to_numpy(dtype="float64")
    total = minutes.sum()
    days = float(manager_days)
    with np.errstate(divide="ignore", invalid="ignore"):
        return {
            "share": minutes / total if total else np.zeros_like(minutes),
            "minutes_per_manager_day": minutes / days if days else np.zeros_like(minutes),
            "function_mean": np.where(f_minutes > 0, f_weighted / f_minutes, np.nan),
            "value_mean": np.where(v_minutes > 0, v_weighted / v_minutes, np.nan),
            "friction_minutes_per_manager_day": (4 * f_minutes - f_weighted) / 3 / days
            if days
            else np.zeros_like(minutes),
            "low_value_minutes_per_manager_day": (4 * v_minutes - v_weighted) / 3 / days
            if days
            else np.zeros_like(minutes),
        }


def with_figures(sums: pd.DataFrame, *, manager_days: int) -> pd.DataFrame:
    """Add the per-task figures to a frame of sums (minutes, f_minutes, f_weighted, v_minutes, v_weighted)."""
    return sums.assign(**_figures(sums, manager_days))


def friction_ranking(totals: pd.DataFrame, *, manager_days: int) -> pd.DataFrame:
    """Every task of the round, highest friction minutes per manager-day first, ties in the round's order.

    `totals` is the task frame of `selectors.round_totals()`: one row per task in the round's order.
    """
    figures = _figures(totals, manager_days)
    # lexsort sorts by the last key first: friction descending, then position in the round.
    order = np.lexsort((np.arange(len(totals)), -figures["friction_minutes_per_manager_day"]))
    columns = {name: totals[name].to_numpy()[order] for name in RANKING_COLUMNS if name in totals.columns}
    columns.update({name: values[order] for name, values in figures.items()})
    columns["rank"] = np.arange(1, len(totals) + 1)
    columns["order"] = totals["order"].to_numpy()[order]
    return pd.DataFrame(columns, columns=[*RANKING_COLUMNS, "order"])


def category_figures(totals: pd.DataFrame, *, manager_days: int) -> pd.DataFrame:
    """Minutes per manager-day and share by category, in the round's order."""
    grouped = (
        totals.groupby(["category_order", "category", "category_en"], sort=True)[
            ["minutes", "f_minutes", "f_weighted", "v_minutes", "v_weighted"]
        ]
        .sum()
        .reset_index()
    )
    return with_figures(grouped, manager_days=manager_days)


# --- Managers side by side ------------------------------------------------------------------------


def manager_task_figures(manager_sums: pd.DataFrame, manager_days: pd.DataFrame, tasks: pd.DataFrame) -> pd.DataFrame:
    """Per manager (with at least one manager-day) and task of the round: minutes per day, share, ratings.

    Every task appears for every manager, with 0 minutes where the manager did none of it.
    """
    numbers = manager_days["number"].to_numpy()
    grid = pd.MultiIndex.from_product([numbers, tasks["task_id"].to_numpy()], names=["number", "task_id"])
    sums = (
        manager_sums.set_index(["number", "task_id"])
        .reindex(grid, fill_value=0)
        .reset_index()
        .merge(manager_days, on="number")
        .merge(tasks, on="task_id")
    )
    own_total = sums.groupby("number")["minutes"].transform("sum").astype("float64")
    sums["minutes_per_day"] = sums["minutes"] / sums["days"]
    sums["share"] = (sums["minutes"] / own_total.where(own_total != 0)).fillna(0.0)
    sums["function_mean"] = _ratio(sums["f_weighted"], sums["f_minutes"])
    sums["value_mean"] = _ratio(sums["v_weighted"], sums["v_minutes"])
    sums["friction_minutes_per_day"] = (4 * sums["f_minutes"] - sums["f_weighted"]) / 3 / sums["days"]
    return sums.sort_values(["number", "order"], kind="stable").reset_index(drop=True)


def manager_category_figures(figures: pd.DataFrame) -> pd.DataFrame:
    """Per manager and category: minutes per day and share of the manager's own total."""
    grouped = (
        figures.groupby(["number", "category_order", "category", "category_en"], sort=True)
        .agg(minutes=("minutes", "sum"), days=("days", "first"))
        .reset_index()
    )
    own_total = grouped.groupby("number")["minutes"].transform("sum").astype("float64")
    grouped["minutes_per_day"] = grouped["minutes"] / grouped["days"]
    grouped["share"] = (grouped["minutes"] / own_total.where(own_total != 0)).fillna(0.0)
    return grouped


def variation(figures: pd.DataFrame) -> pd.DataFrame:
    """Per task: min, median, max and coefficient of variation of the managers' minutes per day."""
    stats = figures.groupby(["order", "task"], sort=True)["minutes_per_day"].agg(
        minimum="min", median="median", maximum="max", mean="mean", std=lambda s: s.std(ddof=0)
    )
    stats["cv"] = (stats["std"] / stats["mean"].where(stats["mean"] != 0)).astype("float64")
    return stats.reset_index()


def differences_from_median(figures: pd.DataFrame, *, number: int, top: int = 3) -> pd.DataFrame:
    """The tasks where one manager's minutes per day differ most from the median manager's."""
    medians = figures.groupby("task")["minutes_per_day"].median().rename("median")
    own = figures[figures["number"] == number].set_index("task")
    frame = own[["label", "label_en", "order", "minutes_per_day"]].join(medians)
    frame["difference"] = frame["minutes_per_day"] - frame["median"]
    frame["size"] = frame["difference"].abs()
    frame = frame[frame["size"] > 0]
    return frame.sort_values(["size", "order"], ascending=[False, True]).head(top).reset_index()


# --- Rounds and money -----------------------------------------------------------------------------

CHANGE_FIGURES = [
    "minutes_per_manager_day",
    "function_mean",
    "value_mean",
    "friction_minutes_per_manager_day",
]


def compare_rounds(baseline: pd.DataFrame, followup: pd.DataFrame) -> pd.DataFrame:
    """Per task code in both rankings: the baseline and follow-up figures and their change.

    Rows keep the follow-up round's task order; tasks only in one round are left out.
    """
    keep = ["task", *CHANGE_FIGURES]
    merged = followup[["task", "label", "label_en", "category", "area", "order", *CHANGE_FIGURES]].merge(
        baseline[keep], on="task", suffixes=("_followup", "_baseline")
    )
    for name in CHANGE_FIGURES:
        merged[f"{name}_change"] = merged[f"{name}_followup"] - merged[f"{name}_baseline"]
    return merged.sort_values("order", kind="stable").reset_index(drop=True)


def withhold_rounds(frame: pd.DataFrame, *, baseline: Mapping[str, str], followup: Mapping[str, str]) -> pd.DataFrame:
    """`compare_rounds`' frame with each round's withheld rows (task code → reason) emptied (NaN) and
    the reason in `withheld_reason_baseline` / `withheld_reason_followup` (None: shown). A change is
    emptied when either round's row is withheld: the change and the other round's figure would give
    the withheld one back."""
    frame = frame.copy()
    hidden = np.zeros(len(frame), dtype=bool)
    for part, reasons in (("baseline", baseline), ("followup", followup)):
        why = frame["task"].map(reasons)
        withheld = why.notna().to_numpy()
        frame[f"withheld_reason_{part}"] = why.astype(object).where(withheld, None)
        frame.loc[withheld, [f"{name}_{part}" for name in CHANGE_FIGURES]] = np.nan
        hidden |= withheld
    frame.loc[hidden, [f"{name}_change" for name in CHANGE_FIGURES]] = np.nan
    return frame


def friction_cost(
    friction_minutes_per_manager_day: float,
    *,
    managers: int,
    hourly_cost: float,
    working_days_per_year: int,
    hours_per_day: int,
) -> dict[str, float]:
    """What friction costs: hours and SEK per manager and year, and for all managers, also in FTE."""
    hours_per_manager = friction_minutes_per_manager_day / 60 * working_days_per_year
    hours_all = hours_per_manager * managers
    return {
        "hours_per_manager_year": hours_per_manager,
        "sek_per_manager_year": hours_per_manager * hourly_cost,
        "hours_all_year": hours_all,
        "sek_all_year": hours_all * hourly_cost,
        "fte": hours_all / (working_days_per_year * hours_per_day) if working_days_per_year else 0.0,
    }


def hour_friction(hour_totals: pd.DataFrame, *, manager_days: int, hours: int) -> pd.DataFrame:
    """Friction minutes per manager-day by task (rows, round order) and hour slot (columns 1..hours)."""
    columns = [f"h{n}" for n in range(1, hours + 1)]
    grid = hour_totals.set_index("task")[columns].astype("float64") / 3
    grid = grid / manager_days if manager_days else grid * 0
    grid.columns = list(range(1, hours + 1))
    return grid
