"""Every definition on the small round of conftest.py, worked out by hand from the definitions in
analysis/friction.py (the expected numbers are arithmetic on the diary, not the code's output)."""

from __future__ import annotations

import statistics

import pytest

from analysis import friction, reports, selectors
from analysis.disclosure import Withheld
from analysis.filters import Filters

from .conftest import MON, TUE

pytestmark = pytest.mark.django_db

TASK_KEYS = {
    "task",
    "label",
    "category",
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
}
# Manager-days of the whole round: 1 Mon, 1 Tue, 2 Mon, 3 Wed, 4 Mon (2 Tue has no minutes).
DAYS = 5
# All minutes: invoices 60+30+60+30, it-services 30+60, planning 30+60, direct-meeting 120.
TOTAL = 180 + 90 + 90 + 120


def by_task(report: dict) -> dict[str, dict]:
    return {task["task"]: task for task in report["tasks"]}


def test_manager_days_count_only_days_with_minutes(small_round):
    assert selectors.day_counts(survey=small_round.survey) == {"managers": 4, "manager_days": DAYS}


def test_the_ranking_statement_counts_days_as_day_counts_does(small_round):
    survey = small_round.survey
    for filters in (Filters(), Filters(weekday=MON.isoweekday()), Filters(unit=small_round.solrosen.pk)):
        counts, totals = selectors.round_totals(survey=survey, filters=filters)
        assert counts == selectors.day_counts(survey=survey, filters=filters)
        assert list(totals["task"]) == list(survey.tasks.order_by("order").values_list("code", flat=True))


def test_a_selection_without_diaries_has_no_days_and_every_task_at_zero(small_round):
    # No diary falls on a Sunday.
    counts, totals = selectors.round_totals(survey=small_round.survey, filters=Filters(weekday=7))
    assert counts == {"manager_days": 0, "managers": 0}
    assert len(totals) == small_round.survey.tasks.count()
    assert (totals[["minutes", "f_minutes", "f_weighted", "v_minutes", "v_weighted", "managers"]] == 0).all().all()


def test_the_report_has_exactly_the_agreed_keys(small_round):
    report = reports.friction_report(survey=small_round.survey)
    assert set(report) == {"survey", "managers", "manager_days", "tasks"}
    assert report["survey"] == "test-round"
    assert all(set(task) == TASK_KEYS for task in report["tasks"])
    assert len(report["tasks"]) == small_round.survey.tasks.count()


def test_it_ranks_highest_friction_first_with_minute_weighted_ratings(small_round):
    report = reports.friction_report(survey=small_round.survey)
    invoices = report["tasks"][0]
    assert invoices["task"] == "invoices" and invoices["rank"] == 1
    assert invoices["minutes"] == 180
    assert invoices["share"] == pytest.approx(180 / TOTAL)
    assert invoices["minutes_per_manager_day"] == pytest.approx(180 / DAYS)
    # Weighted by minutes: 60×1 + 30×3 + 60×2 + 30×2 over 180 minutes.
    assert invoices["function_mean"] == pytest.approx((60 * 1 + 30 * 3 + 60 * 2 + 30 * 2) / 180)
    assert invoices["value_mean"] == pytest.approx((60 * 3 + 30 * 3 + 60 * 1 + 30 * 2) / 180)
    # Σ minutes × (4 − f) / 3 per manager-day: (60×3 + 30×1 + 60×2 + 30×2) / 3 / 5 = 26.
    assert invoices["friction_minutes_per_manager_day"] == pytest.approx((180 + 30 + 120 + 60) / 3 / DAYS)
    assert invoices["friction_minutes_per_manager_day"] == pytest.approx(26.0)
    # Σ minutes × (4 − v) / 3: (60×1 + 30×1 + 60×3 + 30×2) / 3 / 5 = 22.
    assert invoices["low_value_minutes_per_manager_day"] == pytest.approx(22.0)
    assert invoices["managers"] == 3


def test_unrated_lines_count_as_time_but_not_in_the_means_or_friction(small_round):
    it = by_task(reports.friction_report(survey=small_round.survey))["it-services"]
    assert it["rank"] == 2
    assert it["minutes"] == 90  # manager 1's unrated 30 minutes and manager 3's rated 60
    assert it["minutes_per_manager_day"] == pytest.approx(18.0)
    assert it["function_mean"] == pytest.approx(1.0)  # only the rated 60 minutes
    assert it["value_mean"] == pytest.approx(1.0)
    assert it["friction_minutes_per_manager_day"] == pytest.approx(60 * 3 / 3 / DAYS)
    assert it["managers"] == 2


def test_ties_keep_the_round_order(small_round):
    report = reports.friction_report(survey=small_round.survey)
    tied = [task["task"] for task in report["tasks"][2:]]
    assert all(by_task(report)[code]["friction_minutes_per_manager_day"] == 0 for code in tied)
    round_order = list(small_round.survey.tasks.order_by("order").values_list("code", flat=True))
    assert tied == [code for code in round_order if code not in ("invoices", "it-services")]
    assert [task["rank"] for task in report["tasks"]] == list(range(1, len(round_order) + 1))


def test_a_task_with_no_minutes_has_zeros_and_no_means(small_round):
    tasks = by_task(reports.friction_report(survey=small_round.survey))
    phone = tasks["direct-phone"]
    assert (phone["minutes"], phone["share"], phone["minutes_per_manager_day"], phone["managers"]) == (0, 0, 0, 0)
    assert phone["function_mean"] is None and phone["value_mean"] is None
    assert phone["friction_minutes_per_manager_day"] == 0
    # Ratings without minutes weigh nothing.
    documentation = tasks["documentation"]
    assert documentation["function_mean"] is None and documentation["managers"] == 0


def test_planning_has_low_value_minutes_but_no_friction(small_round):
    planning = by_task(reports.friction_report(survey=small_round.survey))["planning"]
    assert planning["function_mean"] == pytest.approx(4.0)
    assert planning["value_mean"] == pytest.approx((30 * 4 + 60 * 3) / 90)
    assert planning["friction_minutes_per_manager_day"] == 0
    assert planning["low_value_minutes_per_manager_day"] == pytest.approx(60 * 1 / 3 / DAYS)


def test_managers_per_task(small_round):
    tasks = by_task(reports.friction_report(survey=small_round.survey))
    assert {code: tasks[code]["managers"] for code in ("invoices", "it-services", "planning", "direct-meeting")} == {
        "invoices": 3,
        "it-services": 2,
        "planning": 2,
        "direct-meeting": 1,
    }


def test_a_weekday_filter_takes_only_that_weekday(small_round):
    report = reports.friction_report(survey=small_round.survey, filters=Filters(weekday=MON.isoweekday()))
    assert (report["managers"], report["manager_days"]) == (3, 3)
    invoices = by_task(report)["invoices"]
    assert invoices["minutes"] == 60 + 60 + 30
    assert invoices["function_mean"] == pytest.approx((60 * 1 + 60 * 2 + 30 * 2) / 150)
    assert invoices["friction_minutes_per_manager_day"] == pytest.approx((60 * 3 + 60 * 2 + 30 * 2) / 3 / 3)


def test_a_department_filter_takes_its_managers(small_round):
    report = reports.friction_report(survey=small_round.survey, filters=Filters(department=small_round.children.pk))
    assert (report["managers"], report["manager_days"]) == (3, 4)
    invoices = by_task(report)["invoices"]
    assert invoices["friction_minutes_per_manager_day"] == pytest.approx((60 * 3 + 30 * 1 + 60 * 2) / 3 / 4)


def test_a_selection_of_three_managers_is_shown_and_of_two_withheld(small_round):
    assert reports.friction_report(survey=small_round.survey, filters=Filters(department=small_round.children.pk))
    with pytest.raises(Withheld) as two:
        reports.friction_report(survey=small_round.survey, filters=Filters(unit=small_round.solrosen.pk))
    assert two.value.managers == 2
    with pytest.raises(Withheld) as one:
        reports.friction_report(survey=small_round.survey, filters=Filters(weekday=TUE.isoweekday()))
    assert one.value.managers == 1  # manager 2's Tuesday has no minutes


def test_time_by_category(small_round):
    _counts, totals = selectors.round_totals(survey=small_round.survey)
    categories = friction.category_figures(totals, manager_days=DAYS).set_index("category")
    other = categories.loc["Övriga arbetsuppgifter"]  # invoices and it-services
    assert other["minutes_per_manager_day"] == pytest.approx((180 + 90) / DAYS)
    assert other["share"] == pytest.approx(270 / TOTAL)
    assert categories.loc["Direkt arbete med barn/vårdnadshavare", "minutes_per_manager_day"] == pytest.approx(24.0)
    assert categories.loc["Indirekt arbete med barn/vårdnadshavare", "share"] == pytest.approx(90 / TOTAL)


def test_friction_by_hour_adds_up_to_the_task_friction(small_round):
    survey = small_round.survey
    grid = friction.hour_friction(
        selectors.hour_friction_totals(survey=survey), manager_days=DAYS, hours=survey.hours_per_day
    )
    assert list(grid.columns) == list(range(1, 9))
    # Hour 1: 60×(4−1) + 30×(4−3) + 60×(4−2); hour 3: manager 4's 30×(4−2).
    assert grid.loc["invoices", 1] == pytest.approx((180 + 30 + 120) / 3 / DAYS)
    assert grid.loc["invoices", 3] == pytest.approx(60 / 3 / DAYS)
    assert grid.loc["invoices"].sum() == pytest.approx(26.0)
    # The unrated it-services line in hour 2 is no friction; manager 3's hour 3 is.
    assert grid.loc["it-services", 2] == 0
    assert grid.loc["it-services", 3] == pytest.approx(180 / 3 / DAYS)


def test_compare_managers_shape_and_figures(tripled_round):
    # small_round's managers 1 and 4 with two more managers for each diary: the round withholds no task.
    small_round = tripled_round
    report = reports.compare_managers(survey=small_round.survey, numbers=[4, 1])
    assert set(report) == {"survey", "managers", "withheld"} and report["withheld"] == {}
    assert [manager["number"] for manager in report["managers"]] == [4, 1]  # the order asked
    codes = list(small_round.survey.tasks.order_by("order").values_list("code", flat=True))
    categories = list(small_round.survey.categories.order_by("order").values_list("name", flat=True))
    for manager in report["managers"]:
        assert set(manager) == {"number", "days", "minutes_per_day", "tasks", "categories"}
        assert [task["task"] for task in manager["tasks"]] == codes
        assert all(
            set(task) == {"task", "minutes_per_day", "share", "function_mean", "value_mean", "withheld_reason"}
            for task in manager["tasks"]
        )
        assert [category["category"] for category in manager["categories"]] == categories
        assert all(set(category) == {"category", "minutes_per_day", "share"} for category in manager["categories"])
    first = report["managers"][1]
    assert (first["days"], first["minutes_per_day"]) == (2, pytest.approx((90 + 30 + 30) / 2))
    invoices = {task["task"]: task for task in first["tasks"]}["invoices"]
    assert invoices["minutes_per_day"] == pytest.approx(90 / 2)
    assert invoices["share"] == pytest.approx(90 / 150)
    assert invoices["function_mean"] == pytest.approx((60 * 1 + 30 * 3) / 90)
    assert {task["task"]: task for task in first["tasks"]}["it-services"]["function_mean"] is None
    other = {category["category"]: category for category in first["categories"]}["Övriga arbetsuppgifter"]
    assert other["minutes_per_day"] == pytest.approx((90 + 30) / 2)
    assert other["share"] == pytest.approx(120 / 150)


def test_variation_between_managers(small_round):
    stats = friction.variation(reports.manager_figures(survey=small_round.survey)).set_index("task")
    # Invoices per day: manager 1 90/2, manager 2 60/1 (Tuesday has no minutes), 3 none, 4 30/1.
    per_day = [45.0, 60.0, 0.0, 30.0]
    invoices = stats.loc["invoices"]
    assert (invoices["minimum"], invoices["median"], invoices["maximum"]) == (0.0, 37.5, 60.0)
    assert invoices["cv"] == pytest.approx(statistics.pstdev(per_day) / statistics.mean(per_day))
    assert stats.loc["direct-phone", "cv"] != stats.loc["direct-phone", "cv"]  # NaN: nobody did it


def test_where_a_manager_differs_most_from_the_median(small_round):
    figures = reports.manager_figures(survey=small_round.survey)
    top = friction.differences_from_median(figures, number=4).iloc[0]
    # Manager 4: 120 minutes of direct meetings on one day; the median of 120, 0, 0, 0 is 0.
    assert (top["task"], top["minutes_per_day"], top["median"], top["difference"]) == ("direct-meeting", 120, 0, 120)


def test_compare_rounds_per_task_change(tripled_round, followup_round):
    # tripled_round, not small_round: the small round's dashboard withholds invoices (it protects
    # it-services, which only 2 managers did, in its category), and so does the comparison.
    report = reports.rounds_comparison(baseline=tripled_round.survey, followup=followup_round)
    invoices = {task["task"]: task for task in report["tasks"]}["invoices"]
    # Follow-up: 3 managers, 3 days, 180 minutes rated 3 and 3.
    assert invoices["minutes_per_manager_day_followup"] == pytest.approx(60.0)
    assert invoices["minutes_per_manager_day_change"] == pytest.approx(60.0 - 180 / DAYS)
    assert invoices["function_mean_change"] == pytest.approx(3.0 - 330 / 180)
    assert invoices["value_mean_change"] == pytest.approx(3.0 - 390 / 180)
    assert invoices["friction_minutes_per_manager_day_followup"] == pytest.approx(180 * 1 / 3 / 3)
    assert invoices["friction_minutes_per_manager_day_change"] == pytest.approx(20.0 - 26.0)
    assert (report["baseline_managers"], report["followup_managers"]) == (4 * 3, 3)
    # Managers 1, 2 and 3 are in both rounds; the baseline's 4 to 12 are not in the follow-up.
    assert report["paired_managers"] == 3


def test_the_cost_of_the_round_s_friction(small_round):
    survey = small_round.survey
    total = sum(task["friction_minutes_per_manager_day"] for task in reports.friction_report(survey=survey)["tasks"])
    assert total == pytest.approx(26.0 + 12.0)
    cost = friction.friction_cost(
        total, managers=4, hourly_cost=survey.hourly_cost, working_days_per_year=200, hours_per_day=8
    )
    hours = 38 / 60 * 200
    assert cost["hours_per_manager_year"] == pytest.approx(hours)
    assert cost["sek_per_manager_year"] == pytest.approx(hours * 450)
    assert cost["sek_all_year"] == pytest.approx(hours * 450 * 4)
    assert cost["fte"] == pytest.approx(hours * 4 / (200 * 8))
