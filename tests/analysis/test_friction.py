"""The pure friction functions on hand-made frames: no database."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis import disclosure, friction

TASKS = pd.DataFrame(
    {
        "task_id": [1, 2, 3],
        "task": ["a", "b", "c"],
        "label": ["A", "B", "C"],
        "label_en": ["A", "B", "C"],
        "category": ["K1", "K1", "K2"],
        "category_en": ["C1", "C1", "C2"],
        "category_order": [1, 1, 2],
        "area": ["it", "hr", "finance"],
        "order": [1, 2, 3],
    }
)


def totals(rows: dict[str, list[int]]) -> pd.DataFrame:
    """Task sums as selectors.round_totals gives them."""
    return TASKS.assign(**rows)


def test_it_ranks_highest_friction_first_and_ties_in_round_order():
    # a: 60 min rated 4 (no friction); b: 30 min rated 1 (all friction); c: 90 min rated 3 (a third).
    frame = friction.friction_ranking(
        totals(
            {
                "minutes": [60, 30, 90],
                "f_minutes": [60, 30, 90],
                "f_weighted": [240, 30, 270],
                "v_minutes": [60, 30, 90],
                "v_weighted": [240, 60, 90],
                "managers": [2, 1, 3],
            }
        ),
        manager_days=2,
    )
    # b: 30 × 3 / 3 / 2 = 15; c: 90 × 1 / 3 / 2 = 15 (a tie, round order: b first); a: 0.
    assert list(frame["task"]) == ["b", "c", "a"]
    assert list(frame["friction_minutes_per_manager_day"]) == [15.0, 15.0, 0.0]
    assert list(frame["rank"]) == [1, 2, 3]
    assert list(frame["low_value_minutes_per_manager_day"]) == [30 * 2 / 3 / 2, 90 * 3 / 3 / 2, 0.0]
    assert list(frame["share"]) == [30 / 180, 90 / 180, 60 / 180]


def test_means_are_weighted_by_minutes_and_missing_without_rated_minutes():
    frame = friction.friction_ranking(
        totals(
            {
                "minutes": [90, 40, 0],
                "f_minutes": [90, 0, 0],
                "f_weighted": [60 * 1 + 30 * 4, 0, 0],
                "v_minutes": [90, 0, 0],
                "v_weighted": [60 * 2 + 30 * 2, 0, 0],
                "managers": [1, 1, 0],
            }
        ),
        manager_days=3,
    ).set_index("task")
    assert frame.loc["a", "function_mean"] == pytest.approx(180 / 90)  # not (1 + 4) / 2
    assert math.isnan(frame.loc["b", "function_mean"])  # 40 minutes, none rated
    assert frame.loc["b", "friction_minutes_per_manager_day"] == 0
    assert frame.loc["c", "minutes_per_manager_day"] == 0


def test_category_figures_sum_their_tasks():
    frame = friction.category_figures(
        totals(
            {
                "minutes": [60, 30, 90],
                "f_minutes": [0, 0, 0],
                "f_weighted": [0, 0, 0],
                "v_minutes": [0, 0, 0],
                "v_weighted": [0, 0, 0],
                "managers": [1, 1, 1],
            }
        ),
        manager_days=3,
    )
    assert list(frame["category"]) == ["K1", "K2"]
    assert list(frame["minutes_per_manager_day"]) == [30.0, 30.0]
    assert list(frame["share"]) == [0.5, 0.5]


def manager_frames():
    sums = pd.DataFrame(
        {
            "number": [1, 1, 2, 3],
            "task_id": [1, 2, 1, 3],
            "minutes": [60, 60, 30, 120],
            "f_minutes": [60, 60, 30, 120],
            "f_weighted": [60, 240, 90, 480],
            "v_minutes": [60, 60, 0, 120],
            "v_weighted": [120, 240, 0, 480],
        }
    )
    days = pd.DataFrame({"number": [1, 2, 3], "days": [2, 1, 2]})
    return friction.manager_task_figures(sums, days, TASKS)


def test_every_manager_has_every_task():
    figures = manager_frames()
    assert len(figures) == 3 * 3
    one = figures[figures["number"] == 1].set_index("task")
    assert list(one["minutes_per_day"]) == [30.0, 30.0, 0.0]
    assert list(one["share"]) == [0.5, 0.5, 0.0]
    assert one.loc["a", "function_mean"] == pytest.approx(1.0)
    assert one.loc["a", "friction_minutes_per_day"] == pytest.approx(60 * 3 / 3 / 2)
    two = figures[figures["number"] == 2].set_index("task")
    assert math.isnan(two.loc["a", "value_mean"])  # rated for function only
    categories = friction.manager_category_figures(figures).set_index(["number", "category"])
    assert categories.loc[(1, "K1"), "minutes_per_day"] == 60.0
    assert categories.loc[(1, "K1"), "share"] == 1.0


def test_variation_gives_min_median_max_and_coefficient_of_variation():
    stats = friction.variation(manager_frames()).set_index("task")
    # a per day: 30 (1), 30 (2), 0 (3).
    assert (stats.loc["a", "minimum"], stats.loc["a", "median"], stats.loc["a", "maximum"]) == (0.0, 30.0, 30.0)
    mean = 20.0
    std = math.sqrt(((30 - mean) ** 2 * 2 + mean**2) / 3)
    assert stats.loc["a", "cv"] == pytest.approx(std / mean)


def test_differences_from_the_median_manager():
    top = friction.differences_from_median(manager_frames(), number=3, top=2)
    # Manager 3: c 60 per day against a median of 0; a 0 against 30.
    assert list(top["task"]) == ["c", "a"]
    assert list(top["difference"]) == [60.0, -30.0]


def ranking_of(minutes_per_day: float, function: float, friction_minutes: float) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "task": ["a"],
            "label": ["A"],
            "label_en": ["A"],
            "category": ["K1"],
            "area": ["it"],
            "order": [1],
            "minutes_per_manager_day": [minutes_per_day],
            "function_mean": [function],
            "value_mean": [2.0],
            "friction_minutes_per_manager_day": [friction_minutes],
        }
    )


def test_compare_rounds_gives_the_change_per_task():
    frame = friction.compare_rounds(ranking_of(40, 1.5, 20), ranking_of(30, 3.0, 5)).iloc[0]
    assert frame["minutes_per_manager_day_change"] == -10
    assert frame["function_mean_change"] == 1.5
    assert frame["value_mean_change"] == 0
    assert frame["friction_minutes_per_manager_day_change"] == -15


def test_a_withheld_side_empties_its_figures_and_the_change_but_not_the_other_side():
    frame = friction.compare_rounds(ranking_of(40, 1.5, 20), ranking_of(30, 3.0, 5))
    row = friction.withhold_rounds(frame, baseline={}, followup={"a": "too_few"}).iloc[0]
    assert (row["withheld_reason_baseline"], row["withheld_reason_followup"]) == (None, "too_few")
    for name in friction.CHANGE_FIGURES:
        assert pd.isna(row[f"{name}_followup"]) and pd.isna(row[f"{name}_change"])
    assert (row["minutes_per_manager_day_baseline"], row["friction_minutes_per_manager_day_baseline"]) == (40, 20)
    # Shown in both rounds: nothing emptied.
    shown = friction.withhold_rounds(frame, baseline={}, followup={}).iloc[0]
    assert shown["friction_minutes_per_manager_day_change"] == -15 and shown["withheld_reason_followup"] is None


def test_friction_cost_in_hours_money_and_full_time_equivalents():
    cost = friction.friction_cost(30, managers=10, hourly_cost=450, working_days_per_year=200, hours_per_day=8)
    assert cost == {
        "hours_per_manager_year": 100.0,  # half an hour a day, 200 days
        "sek_per_manager_year": 45_000.0,
        "hours_all_year": 1000.0,
        "sek_all_year": 450_000.0,
        "fte": 1000 / 1600,
    }


def test_hour_friction_divides_the_hour_sums_by_three_and_manager_days():
    hours = pd.DataFrame({"task": ["a", "b"], "h1": [90, 0], "h2": [30, 60]})
    grid = friction.hour_friction(hours, manager_days=5, hours=2)
    assert grid.loc["a", 1] == pytest.approx(90 / 3 / 5)
    assert grid.loc["b", 2] == pytest.approx(60 / 3 / 5)


def test_groups_under_three_are_withheld():
    assert disclosure.is_withheld(2)
    assert not disclosure.is_withheld(3)
