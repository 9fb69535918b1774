"""Did the actions help? Worked examples of the paired change, from hand-made pairs of rounds.

Definitions (product owner), for a task t, a baseline round B and a follow-up F:

- only submitted days count; a manager-day is a submitted day with at least one minute;
- a paired manager has a manager-day in both B and F (matched by participant number);
- f(n, R) = Σ minutes × (4 − function) / 3 over n's lines of t in R with minutes and a function
  rating, divided by n's manager-days in R (0 when n had none of t);
- delta(n) = f(n, F) − f(n, B); change = mean delta over the k paired managers; baseline and
  follow-up are the means of f(n, B) and f(n, F) over the same managers;
- 95 % interval: change ± t(0.975, k − 1) × sd(delta) / √k (sample sd);
- verdict: less (interval below 0), more (above 0), else unclear; withheld (all None) when k < 3;
- an item (several tasks): f summed over its tasks per manager before the difference;
- a task that 1 or 2 of the managers in scope did (minutes on submitted days) in either round is
  left out (its own figure withheld, a figure over several tasks without it, naming it); nobody (0)
  is a true zero;
- a department's figure: the managers whose unit is in the department in both rounds; withheld when
  1 or 2 paired managers are outside it, and a task left out when 1 or 2 of those did it in a round.

Every expected f below is worked out by hand in a comment; means, standard deviations and the t
quantile are computed here with `statistics` and `scipy.stats.t.ppf`, never read from the code.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
import pytest
from scipy import stats

from analysis import paired
from surveys.models import Department, Municipality, Participant, Survey, Unit
from surveys.services import LineInput, diary_save, survey_create

pytestmark = pytest.mark.django_db

# --- Writing diaries ---------------------------------------------------------------------------------

# A day: {task code: (minutes, function rating or None)}; each line in an hour of its own.
Day = Mapping[str, tuple[int, int | None]]


@dataclass(frozen=True)
class Draft:
    """A day saved but not submitted: it counts in no figure."""

    lines: Day


def fill(survey: Survey, diaries: Mapping[int, Sequence[Day | Draft]]) -> None:
    """Store each manager's days on the round's first, second, … day (value rating 3 throughout)."""
    tasks = {task.code: task for task in survey.tasks.all()}
    for number, days in diaries.items():
        participant, _ = Participant.objects.get_or_create(survey=survey, number=number)
        for offset, day in enumerate(days):
            draft = isinstance(day, Draft)
            lines = day.lines if draft else day
            diary_save(
                participant=participant,
                date=survey.start_date + dt.timedelta(days=offset),
                lines=[
                    LineInput(task=tasks[code], minutes=[0] * hour + [minutes], value=3, function=function)
                    for hour, (code, (minutes, function)) in enumerate(lines.items())
                ],
                submit=not draft,
            )
    survey.refresh_from_db()  # the round's data version moved on: cached figures are rebuilt


def make_round(municipality: Municipality, slug: str, start: dt.date) -> Survey:
    return survey_create(
        slug=slug,
        name=slug,
        municipality=municipality,
        start_date=start,
        end_date=start + dt.timedelta(days=4),
        status=Survey.Status.OPEN,
    )


BASELINE_START = dt.date(2025, 3, 3)  # a Monday
FOLLOWUP_START = dt.date(2025, 10, 6)  # a Monday


# --- The main pair --------------------------------------------------------------------------------

BASELINE: dict[int, list[Day | Draft]] = {
    1: [
        {"invoices": (60, 1), "payroll-hr": (30, 3)},
        {"invoices": (30, 2), "budget": (20, None)},  # budget without a rating: in no f, the day still counts
    ],
    2: [{"invoices": (45, 1), "payroll-hr": (30, 2), "budget": (15, 1)}],
    3: [{"invoices": (30, 1), "payroll-hr": (15, 3), "budget": (30, 2)}],
    4: [{"invoices": (60, 2)}],
    5: [{"invoices": (60, 1)}],  # only in the baseline: not paired
    7: [{"invoices": (60, 1)}],  # in the follow-up only a draft: not paired
}
FOLLOWUP: dict[int, list[Day | Draft]] = {
    1: [{"invoices": (15, 2), "payroll-hr": (60, 1), "budget": (30, 2)}],
    2: [{"invoices": (30, 3), "payroll-hr": (45, 1)}, {"payroll-hr": (30, 2)}],
    3: [
        {"invoices": (30, 3), "payroll-hr": (30, 1), "budget": (15, 1)},
        Draft({"invoices": (60, 1)}),  # a draft with minutes: counts nowhere
    ],
    4: [{"payroll-hr": (60, 1)}, {"invoices": (30, None)}],  # the second day has only an unrated line
    # Only in the follow-up: not paired. Its budget line makes budget's third in the follow-up: with two,
    # the dashboard would withhold budget and, to protect it, invoices (secondary suppression), and
    # "did it help?" leaves out what a dashboard withholds.
    6: [{"invoices": (60, 1), "budget": (10, 3)}],
    7: [Draft({"invoices": (60, 1)})],
}
PAIRED = [1, 2, 3, 4]  # 5 and 6 are in one round only, 7's only follow-up day is a draft

# f(n, R) by hand, per paired manager 1, 2, 3, 4 (manager-days in B: 2, 1, 1, 1; in F: 1, 2, 1, 2).
F_BASELINE = {
    # 1: (60·3 + 30·2)/3 / 2 days = 240/6 = 40;  2: 45·3/3 = 45;  3: 30·3/3 = 30;  4: 60·2/3 = 40
    "invoices": [40, 45, 30, 40],
    # 1: 30·1/3 / 2 days = 5;  2: 30·2/3 = 20;  3: 15·1/3 = 5;  4: none of it, 0
    "payroll-hr": [5, 20, 5, 0],
    # 1: 20 minutes without a rating, 0;  2: 15·3/3 = 15;  3: 30·2/3 = 20;  4: none, 0
    "budget": [0, 15, 20, 0],
}
F_FOLLOWUP = {
    # 1: 15·2/3 = 10;  2: 30·1/3 / 2 days = 5;  3: 30·1/3 = 10 (the draft not counted);  4: unrated, 0
    "invoices": [10, 5, 10, 0],
    # 1: 60·3/3 = 60;  2: (45·3 + 30·2)/3 / 2 days = 195/6 = 32.5;  3: 30·3/3 = 30;  4: 60·3/3 / 2 days = 30
    "payroll-hr": [60, 32.5, 30, 30],
    # 1: 30·2/3 = 20;  2: none, 0;  3: 15·3/3 = 15;  4: none, 0
    "budget": [20, 0, 15, 0],
}
# Deltas: invoices −30, −40, −20, −40 (mean −32.5); payroll-hr 55, 12.5, 25, 30 (mean 30.625);
# budget 20, −15, −5, 0 (mean 0).


def t_quantile(k: int) -> float:
    return float(stats.t.ppf(0.975, k - 1))


def expected(before: Sequence[float], after: Sequence[float]) -> dict[str, object]:
    """The definition, with plain Python: the figures of one set of per-manager f values."""
    deltas = [a - b for b, a in zip(before, after, strict=True)]
    k = len(deltas)
    mean = statistics.mean(deltas)
    half = t_quantile(k) * statistics.stdev(deltas) / math.sqrt(k)
    low, high = mean - half, mean + half
    return {
        "paired_managers": k,
        "baseline": statistics.mean(before),
        "followup": statistics.mean(after),
        "change": mean,
        "ci_low": low,
        "ci_high": high,
        "verdict": "less" if high < 0 else "more" if low > 0 else "unclear",
    }


def summed(values: Mapping[str, Sequence[float]], codes: Sequence[str]) -> list[float]:
    """f summed over tasks, manager by manager."""
    return [sum(values[code][index] for code in codes) for index in range(len(PAIRED))]


def assert_change(found: paired.Change, want: Mapping[str, object]) -> None:
    assert found.paired_managers == want["paired_managers"]
    assert found.verdict == want["verdict"]
    for name in ("baseline", "followup", "change", "ci_low", "ci_high"):
        assert getattr(found, name) == pytest.approx(want[name], abs=1e-9), name


# pair (these rounds, in a municipality): tests/conftest.py.


def test_f_per_manager_and_task_is_friction_minutes_per_manager_day(pair):
    baseline, followup = pair

    before = paired.manager_friction(survey=baseline)
    after = paired.manager_friction(survey=followup)

    # Every manager with a manager-day in the round, and only those: 7's draft makes no row.
    assert sorted(before.index) == [1, 2, 3, 4, 5, 7]
    assert sorted(after.index) == [1, 2, 3, 4, 6]
    for code in ("invoices", "payroll-hr", "budget"):
        assert list(before.loc[PAIRED, code]) == pytest.approx(F_BASELINE[code]), code
        assert list(after.loc[PAIRED, code]) == pytest.approx(F_FOLLOWUP[code]), code
    # Manager 5 in B: 60·3/3 = 60; manager 6 in F: the same.
    assert before.loc[5, "invoices"] == pytest.approx(60)
    assert after.loc[6, "invoices"] == pytest.approx(60)
    # A task nobody did is 0 for every manager; the columns are the round's tasks in its order.
    assert (before["it-services"] == 0).all()
    assert list(before.columns) == list(baseline.tasks.order_by("order", "id").values_list("code", flat=True))


def test_a_clear_decrease_is_less(pair):
    found = paired.tasks_change(baseline=pair[0], followup=pair[1], codes=["invoices"])

    want = expected(F_BASELINE["invoices"], F_FOLLOWUP["invoices"])
    # Deltas −30, −40, −20, −40: mean −32.5, sd √(275/3) ≈ 9.574, t(0.975, 3) ≈ 3.182,
    # half-width ≈ 3.182 × 9.574 / 2 ≈ 15.23: about −47.7 to −17.3, all below 0.
    assert want["baseline"] == 38.75  # (40 + 45 + 30 + 40)/4
    assert want["followup"] == 6.25  # (10 + 5 + 10 + 0)/4
    assert want["change"] == -32.5
    assert want["ci_high"] == pytest.approx(-32.5 + t_quantile(4) * math.sqrt(275 / 3) / 2)
    assert want["ci_high"] < 0
    assert_change(found, want)
    assert found.verdict == "less"


def test_a_clear_increase_is_more(pair):
    found = paired.tasks_change(baseline=pair[0], followup=pair[1], codes=["payroll-hr"])

    want = expected(F_BASELINE["payroll-hr"], F_FOLLOWUP["payroll-hr"])
    # Deltas 55, 12.5, 25, 30: mean 30.625; sd ≈ 17.84; half-width ≈ 3.182 × 17.84 / 2 ≈ 28.4:
    # about 2.2 to 59.0, all above 0.
    assert want["change"] == 30.625
    assert want["ci_low"] > 0
    assert_change(found, want)
    assert found.verdict == "more"


def test_an_interval_across_zero_is_unclear():
    # budget's f in the main pair, given straight to change(): deltas 20, −15, −5, 0, mean 0, baseline
    # (0 + 15 + 20 + 0)/4 = 8.75, follow-up 35/4 = 8.75. (From the rounds budget is withheld: in the
    # follow-up only managers 1 and 3 did it; see the test after next.)
    before = pd.Series(dict(zip(PAIRED, F_BASELINE["budget"], strict=True)), dtype="float64")
    after = pd.Series(dict(zip(PAIRED, F_FOLLOWUP["budget"], strict=True)), dtype="float64")

    found = paired.change(before, after)

    want = expected(F_BASELINE["budget"], F_FOLLOWUP["budget"])
    assert (want["baseline"], want["followup"], want["change"]) == (8.75, 8.75, 0)
    assert want["ci_low"] < 0 < want["ci_high"]
    assert_change(found, want)
    assert found.verdict == "unclear"


def test_a_task_that_two_paired_managers_did_in_a_round_is_withheld(pair):
    # budget: in B managers 1 (20 minutes, unrated: minutes, so did it), 2 and 3 did it; in F only 1 and 3.
    # Its follow-up figure (20 + 0 + 15 + 0)/4 would be managers 1 and 3's friction.
    found = paired.tasks_change(baseline=pair[0], followup=pair[1], codes=["budget"])

    assert found == paired.Change(
        paired_managers=4, reason=paired.TASKS_WITHHELD, left_out={"budget": paired.DID_TOO_FEW}
    )
    assert (found.baseline, found.followup, found.change, found.verdict) == (None, None, None, "withheld")


def test_a_task_nobody_did_shows_no_change(pair):
    found = paired.tasks_change(baseline=pair[0], followup=pair[1], codes=["it-services"])

    # Every f is 0, so every delta is 0: sd 0, the interval is the point 0, which is not below 0.
    assert found == paired.Change(
        paired_managers=4, baseline=0.0, followup=0.0, change=0.0, ci_low=0.0, ci_high=0.0, verdict="unclear"
    )


def test_managers_in_one_round_only_or_with_only_a_draft_are_not_paired(pair):
    assert paired.paired_managers(baseline=pair[0], followup=pair[1]) == 4  # 1–4; not 5, 6 or 7
    assert paired.tasks_change(baseline=pair[0], followup=pair[1], codes=["invoices"]).paired_managers == 4


def test_a_manager_without_the_task_in_one_round_is_still_paired_with_f_zero(pair):
    # Manager 4 had no payroll-hr in B (f = 0) and 60·3/3 / 2 days = 30 in F: delta 30, part of the
    # mean. Leaving 4 out would give the mean of 55, 12.5, 25 = 30.833…, not 30.625.
    found = paired.tasks_change(baseline=pair[0], followup=pair[1], codes=["payroll-hr"])

    assert found.paired_managers == 4
    assert found.baseline == pytest.approx((5 + 20 + 5 + 0) / 4)
    assert found.change == pytest.approx((55 + 12.5 + 25 + 30) / 4)


def test_an_unrated_line_is_not_friction_but_its_day_is_a_manager_day(pair):
    frame = paired.manager_friction(survey=pair[1])

    # Manager 4 in F: day 1 payroll-hr 60 min, function 1; day 2 only invoices 30 min, unrated.
    # payroll-hr: 60·3/3 = 60 over 2 manager-days = 30 (60 if the unrated day were not counted);
    # invoices: the unrated minutes give 0.
    assert frame.loc[4, "payroll-hr"] == pytest.approx(30)
    assert frame.loc[4, "invoices"] == 0
    # Manager 1 in B: day 2 has budget 20 min unrated; budget f = 0 and invoices divide by 2 days.
    assert paired.manager_friction(survey=pair[0]).loc[1, ["budget", "invoices"]].tolist() == [0, 40]


def test_an_item_sums_f_over_its_tasks_per_manager_before_the_difference(pair):
    codes = ["invoices", "payroll-hr"]

    item = paired.tasks_change(baseline=pair[0], followup=pair[1], codes=codes)

    # f summed per manager: B 45, 65, 35, 40; F 70, 37.5, 40, 30; deltas 25, −27.5, 5, −10.
    before, after = summed(F_BASELINE, codes), summed(F_FOLLOWUP, codes)
    assert before == [45, 65, 35, 40] and after == [70, 37.5, 40, 30]
    want = expected(before, after)
    # Mean −7.5/4 = −1.875; sd of (26.875, −25.625, 6.875, −8.125) = √(1492.1875/3) ≈ 22.30;
    # half-width ≈ 3.182 × 22.30 / 2 ≈ 35.5: about −37.4 to 33.6, unclear.
    assert want["change"] == -1.875
    assert want["ci_low"] == pytest.approx(-1.875 - t_quantile(4) * math.sqrt(1492.1875 / 3) / 2)
    assert_change(item, want)
    assert item.verdict == "unclear"

    # Means add up, so the change is the sum of the task changes (−32.5 + 30.625) ...
    invoices = paired.tasks_change(baseline=pair[0], followup=pair[1], codes=["invoices"])
    payroll = paired.tasks_change(baseline=pair[0], followup=pair[1], codes=["payroll-hr"])
    assert item.change == pytest.approx(invoices.change + payroll.change)
    # ... but the interval is not the sum of the two intervals (about −45.5 to 41.7): the managers'
    # deltas on the two tasks offset each other.
    assert item.ci_low != pytest.approx(invoices.ci_low + payroll.ci_low)
    assert item.ci_high != pytest.approx(invoices.ci_high + payroll.ci_high)
    assert item.ci_high - item.ci_low < (invoices.ci_high - invoices.ci_low) + (payroll.ci_high - payroll.ci_low)


def test_several_tasks_leave_out_a_withheld_task_and_name_it(pair):
    codes = ["budget", "invoices", "payroll-hr"]

    plan = paired.tasks_change(baseline=pair[0], followup=pair[1], codes=codes)

    # budget is withheld (2 managers did it in F), so the figure is invoices and payroll-hr's: per manager
    # B 45, 65, 35, 40; F 70, 37.5, 40, 30; deltas 25, −27.5, 5, −10 (mean −1.875). With budget it would
    # be deltas 45, −42.5, 0, −10, whose difference from these (20, −15, −5, 0) is budget's, withheld.
    kept = ["invoices", "payroll-hr"]
    before, after = summed(F_BASELINE, kept), summed(F_FOLLOWUP, kept)
    assert before == [45, 65, 35, 40] and after == [70, 37.5, 40, 30]
    assert_change(plan, expected(before, after))
    assert plan.change == pytest.approx(-1.875)
    assert plan.left_out == {"budget": paired.DID_TOO_FEW}


def test_effect_report_gives_every_task_in_the_rounds_order_and_the_plan(pair):
    baseline, followup = pair

    report = paired.effect_report(baseline=baseline, followup=followup, plan_codes=["payroll-hr", "invoices"])

    codes = list(followup.tasks.order_by("order", "id").values_list("code", flat=True))
    assert [task["task"] for task in report["tasks"]] == codes
    assert (report["baseline"], report["followup"], report["paired_managers"]) == ("baseline", "followup", 4)
    by_code = {task.pop("task"): task for task in report["tasks"]}
    for code in ("invoices", "payroll-hr"):
        assert by_code[code].pop("left_out") == {}
        want = {**expected(F_BASELINE[code], F_FOLLOWUP[code]), "reason": ""}
        assert by_code[code] == pytest.approx(want, abs=1e-9), code
    assert by_code["budget"]["verdict"] == "withheld" and by_code["budget"]["followup"] is None
    plan = report["plan"]
    assert (plan.pop("tasks"), plan.pop("left_out"), plan.pop("reason")) == (["invoices", "payroll-hr"], {}, "")
    kept = ["invoices", "payroll-hr"]
    assert plan == pytest.approx(expected(summed(F_BASELINE, kept), summed(F_FOLLOWUP, kept)))
    assert "plan" not in paired.effect_report(baseline=baseline, followup=followup)


# --- Drafts -----------------------------------------------------------------------------------------


def test_a_draft_with_minutes_in_the_follow_up_changes_nothing(pair):
    baseline, followup = pair
    before = paired.effect_report(baseline=baseline, followup=followup, plan_codes=["invoices"])

    # Manager 1 starts a second follow-up day with much invoice friction but does not submit it;
    # manager 5 (only in B) saves a follow-up draft.
    fill(followup, {1: [FOLLOWUP[1][0], Draft({"invoices": (60, 1), "budget": (60, 1)})]})
    fill(followup, {5: [Draft({"invoices": (60, 1)})]})

    assert paired.effect_report(baseline=baseline, followup=followup, plan_codes=["invoices"]) == before
    found = paired.tasks_change(baseline=baseline, followup=followup, codes=["invoices"])
    assert_change(found, expected(F_BASELINE["invoices"], F_FOLLOWUP["invoices"]))


def test_submitting_the_draft_makes_the_manager_paired(pair):
    # The control for the test above: manager 7's follow-up day, submitted, pairs 7 (k = 5).
    baseline, followup = pair
    fill(followup, {7: [{"invoices": (60, 1)}]})

    found = paired.tasks_change(baseline=baseline, followup=followup, codes=["invoices"])

    # Manager 7: B 60·3/3 = 60, F 60·3/3 = 60, delta 0.
    assert_change(found, expected([*F_BASELINE["invoices"], 60], [*F_FOLLOWUP["invoices"], 60]))
    assert found.paired_managers == 5


# --- Two and three paired managers ------------------------------------------------------------------

SMALL_BASELINE: dict[int, list[Day | Draft]] = {
    1: [{"invoices": (60, 1)}],  # 60·3/3 = 60
    2: [{"invoices": (30, 1)}],  # 30·3/3 = 30
    3: [{"invoices": (60, 2)}],  # 60·2/3 = 40
}
SMALL_FOLLOWUP: dict[int, list[Day | Draft]] = {
    1: [{"invoices": (30, 2)}],  # 30·2/3 = 20
    2: [{"invoices": (30, 3)}],  # 30·1/3 = 10
}


# small_pair (these rounds): tests/conftest.py.


def test_two_paired_managers_are_withheld(small_pair):
    found = paired.tasks_change(baseline=small_pair[0], followup=small_pair[1], codes=["invoices"])

    assert found == paired.Change(paired_managers=2, reason=paired.TOO_FEW_PAIRED)
    assert found.as_dict() == {
        "paired_managers": 2,
        "baseline": None,
        "followup": None,
        "change": None,
        "ci_low": None,
        "ci_high": None,
        "verdict": "withheld",
        "reason": "too_few_paired",
        "left_out": {},
    }
    report = paired.effect_report(baseline=small_pair[0], followup=small_pair[1], plan_codes=["invoices"])
    assert report["paired_managers"] == 2
    assert all(task["verdict"] == "withheld" and task["change"] is None for task in report["tasks"])
    assert report["plan"]["verdict"] == "withheld" and report["plan"]["baseline"] is None


def test_three_paired_managers_are_shown(small_pair):
    baseline, followup = small_pair
    fill(followup, {3: [{"invoices": (30, 1)}]})  # 30·3/3 = 30

    found = paired.tasks_change(baseline=baseline, followup=followup, codes=["invoices"])

    # B 60, 30, 40 (mean 130/3); F 20, 10, 30 (mean 20); deltas −40, −20, −10 (mean −70/3);
    # deviations −50/3, 10/3, 40/3: sd √((2500 + 100 + 1600)/9 / 2) = √(700/3) ≈ 15.28;
    # t(0.975, 2) ≈ 4.303, half-width ≈ 4.303 × 15.28 / √3 ≈ 37.9: about −61.3 to 14.6.
    want = expected([60, 30, 40], [20, 10, 30])
    assert want["baseline"] == pytest.approx(130 / 3) and want["change"] == pytest.approx(-70 / 3)
    assert want["ci_low"] == pytest.approx(-70 / 3 - t_quantile(3) * math.sqrt(700 / 3) / math.sqrt(3))
    assert_change(found, want)
    assert found.verdict == "unclear"


# --- Tasks done by one or two managers --------------------------------------------------------------

# Five paired managers, one day each. Who did what (minutes on a submitted day):
# invoices B 1–5, F 1–5; payroll-hr B 1, 2, 4 and F 1, 3, 5 (three each: shown); budget B 1, 3, 5 but
# F only 2 (one manager: withheld).
FEW_BASELINE: dict[int, list[Day | Draft]] = {
    1: [{"invoices": (60, 1), "payroll-hr": (30, 2), "budget": (30, 1)}],  # f 60, 20, 30
    2: [{"invoices": (30, 1), "payroll-hr": (60, 1)}],  # f 30, 60, 0
    3: [{"invoices": (45, 2), "budget": (15, 1)}],  # f 30, 0, 15
    4: [{"invoices": (30, 2), "payroll-hr": (30, 1)}],  # f 20, 30, 0
    5: [{"invoices": (60, 2), "budget": (30, 2)}],  # f 40, 0, 20
}
FEW_FOLLOWUP: dict[int, list[Day | Draft]] = {
    1: [{"invoices": (30, 2), "payroll-hr": (15, 1)}],  # f 20, 15, 0
    2: [{"invoices": (15, 1), "budget": (60, 1)}],  # f 15, 0, 60
    3: [{"invoices": (30, 3), "payroll-hr": (30, 2)}],  # f 10, 20, 0
    # Information, one manager's too: with budget alone withheld in its category, the follow-up's dashboard
    # would withhold payroll-hr as well, to protect it, and "did it help?" leaves out what it withholds.
    4: [{"invoices": (30, 3), "information": (10, 3)}],  # f 10, 0, 0
    5: [{"invoices": (60, 3), "payroll-hr": (45, 1)}],  # f 20, 45, 0
}


@pytest.fixture
def few_pair(municipality) -> tuple[Survey, Survey]:
    baseline = make_round(municipality, "few-baseline", BASELINE_START)
    followup = make_round(municipality, "few-followup", FOLLOWUP_START)
    fill(baseline, FEW_BASELINE)
    fill(followup, FEW_FOLLOWUP)
    return baseline, followup


def test_a_task_done_by_three_managers_in_each_round_is_shown(few_pair):
    found = paired.tasks_change(baseline=few_pair[0], followup=few_pair[1], codes=["payroll-hr"])

    # B 20, 60, 0, 30, 0 (mean 22); F 15, 0, 20, 0, 45 (mean 16); deltas −5, −60, 20, −30, 45.
    assert_change(found, expected([20, 60, 0, 30, 0], [15, 0, 20, 0, 45]))
    assert found.change == pytest.approx(-6) and found.left_out == {}


def test_a_task_done_by_one_manager_in_the_follow_up_is_withheld_with_why(few_pair):
    found = paired.tasks_change(baseline=few_pair[0], followup=few_pair[1], codes=["budget"])

    # Its follow-up mean, 60/5 = 12, would be manager 2's own friction times 1/5.
    assert found == paired.Change(paired_managers=5, reason=paired.TASKS_WITHHELD, left_out={"budget": "did_too_few"})


def test_an_items_figure_leaves_the_withheld_task_out_so_no_difference_gives_it_back(few_pair):
    codes = ["invoices", "payroll-hr", "budget"]

    found = paired.tasks_change(baseline=few_pair[0], followup=few_pair[1], codes=codes)

    # invoices + payroll-hr per manager: B 80, 90, 30, 50, 40; F 35, 15, 30, 10, 65;
    # deltas −45, −75, 0, −40, 25: mean −135/5 = −27.
    before, after = [60 + 20, 30 + 60, 30 + 0, 20 + 30, 40 + 0], [20 + 15, 15 + 0, 10 + 20, 10 + 0, 20 + 45]
    want = expected(before, after)
    assert want["change"] == -27
    assert_change(found, want)
    assert found.left_out == {"budget": paired.DID_TOO_FEW}
    # The figure is exactly the sum of the shown tasks' figures: nothing of budget's is in it.
    shown = [paired.tasks_change(baseline=few_pair[0], followup=few_pair[1], codes=[code]) for code in codes[:2]]
    assert found.followup == pytest.approx(sum(part.followup for part in shown))


def test_a_task_nobody_did_in_the_follow_up_is_a_true_zero_and_shown(few_pair):
    baseline, followup = few_pair
    # it-services in B by 1, 2 and 3 (60·3/3 = 60, 30·3/3 = 30, 30·2/3 = 20), by nobody in F: the friction
    # is gone, which is what an action hopes for, and a mean of zeros discloses nobody.
    fill(
        baseline,
        {
            number: [{**FEW_BASELINE[number][0], "it-services": minutes}]
            for number, minutes in ((1, (60, 1)), (2, (30, 1)), (3, (30, 2)))
        },
    )

    found = paired.tasks_change(baseline=baseline, followup=followup, codes=["it-services"])

    assert_change(found, expected([60, 30, 20, 0, 0], [0, 0, 0, 0, 0]))
    assert found.change == pytest.approx(-22)


def test_the_audits_case_two_managers_in_ten_give_no_follow_up_figure(municipality):
    # Finding 2: ten managers did "budget" in the baseline, only 5 and 8 in the follow-up (50 and
    # 55 minutes, function 3). Shown, "after" × 10 would be f(5) + f(8) = 50/3 + 55/3 = 35.
    # Everyone's 10 minutes of payroll-hr are the row the follow-up's dashboard withholds with budget (the
    # fewest minutes of its category): without them it would withhold invoices, and so would this figure.
    baseline = make_round(municipality, "audit-baseline", BASELINE_START)
    followup = make_round(municipality, "audit-followup", FOLLOWUP_START)
    fill(
        baseline,
        {number: [{"budget": (30, 2), "invoices": (30, 2), "payroll-hr": (10, 2)}] for number in range(1, 11)},
    )
    fill(
        followup,
        {
            number: [
                {"invoices": (30, 2), "payroll-hr": (10, 2)}
                | ({"budget": (50 if number == 5 else 55, 3)} if number in (5, 8) else {})
            ]
            for number in range(1, 11)
        },
    )

    found = paired.tasks_change(baseline=baseline, followup=followup, codes=["budget"])
    both = paired.tasks_change(baseline=baseline, followup=followup, codes=["budget", "invoices"])
    report = paired.effect_report(baseline=baseline, followup=followup, plan_codes=["budget"])

    assert (found.paired_managers, found.followup, found.verdict) == (10, None, "withheld")
    # Together with invoices: invoices alone (30·(4 − 2)/3 = 20 in both rounds, deltas 0), budget named.
    assert_change(both, expected([20] * 10, [20] * 10))
    assert both.left_out == {"budget": "did_too_few"}
    budget = next(task for task in report["tasks"] if task["task"] == "budget")
    assert (budget["followup"], budget["reason"], report["plan"]["verdict"]) == (None, "tasks_withheld", "withheld")

    # The control: a third manager doing it in the follow-up makes it shown.
    fill(followup, {1: [{"invoices": (30, 2), "budget": (30, 3)}]})
    shown = paired.tasks_change(baseline=baseline, followup=followup, codes=["budget"])
    # B: 30·2/3 = 20 each; F: 1: 10, 5: 50/3, 8: 55/3, the rest 0.
    assert_change(shown, expected([20] * 10, [10, 0, 0, 0, 50 / 3, 0, 0, 55 / 3, 0, 0]))


def test_a_task_a_rounds_dashboard_withholds_to_protect_another_is_left_out(municipality):
    # The audit's case without payroll-hr: in the follow-up only 5 and 8 did budget, so the dashboard
    # withholds budget and, as the one other row with minutes, invoices (secondary suppression): its shown
    # totals minus invoices would be budget's. Shown here, invoices' follow-up figure would do the same:
    # every manager did invoices on their one day, f 30·2/3 = 20, so a total friction per manager-day of
    # (20·10 + 50/3 + 55/3)/10 = 23.5 minus invoices' 20 is 3.5 = (f(5) + f(8))/10.
    baseline = make_round(municipality, "protect-baseline", BASELINE_START)
    followup = make_round(municipality, "protect-followup", FOLLOWUP_START)
    fill(baseline, {number: [{"budget": (30, 2), "invoices": (30, 2)}] for number in range(1, 11)})
    fill(
        followup,
        {
            number: [{"invoices": (30, 2)} | ({"budget": (50 if number == 5 else 55, 3)} if number in (5, 8) else {})]
            for number in range(1, 11)
        },
    )
    from analysis.dashboard import dashboard_figures

    report = dashboard_figures(survey=followup, parts=("core",))["report"]
    rows = {row["task"]: row for row in report["tasks"]}
    assert (rows["budget"]["withheld_reason"], rows["invoices"]["withheld_reason"]) == ("too_few", "secondary")

    invoices = paired.tasks_change(baseline=baseline, followup=followup, codes=["invoices"])
    both = paired.tasks_change(baseline=baseline, followup=followup, codes=["invoices", "budget"])

    assert invoices == paired.Change(
        paired_managers=10, reason=paired.TASKS_WITHHELD, left_out={"invoices": paired.DID_DASHBOARD}
    )
    assert both == paired.Change(
        paired_managers=10,
        reason=paired.TASKS_WITHHELD,
        left_out={"invoices": paired.DID_DASHBOARD, "budget": paired.DID_TOO_FEW},
    )


# --- A department's managers -------------------------------------------------------------------------

# Barn- och utbildningsförvaltningen: managers 1–4; Socialförvaltningen: 5–7. One day each.
# invoices fell in Barn (f 60, 30, 40, 20 → 20, 10, 10, 10) and rose in Social (10, 5, 10 → 60, 45, 30).
# payroll-hr: managers 1, 2, 3 and, in Social, only 5 (both rounds).
DEPT_BASELINE: dict[int, list[Day | Draft]] = {
    1: [{"invoices": (60, 1), "payroll-hr": (30, 1)}],  # f 60, 30
    2: [{"invoices": (30, 1), "payroll-hr": (30, 2)}],  # f 30, 20
    3: [{"invoices": (60, 2), "payroll-hr": (15, 1)}],  # f 40, 15
    4: [{"invoices": (30, 2)}],  # f 20
    5: [{"invoices": (30, 3), "payroll-hr": (30, 1)}],  # f 10, 30
    6: [{"invoices": (15, 3)}],  # f 5
    7: [{"invoices": (30, 3)}],  # f 10
}
DEPT_FOLLOWUP: dict[int, list[Day | Draft]] = {
    1: [{"invoices": (30, 2), "payroll-hr": (15, 1)}],  # f 20, 15
    2: [{"invoices": (15, 2), "payroll-hr": (30, 3)}],  # f 10, 10
    3: [{"invoices": (30, 3), "payroll-hr": (30, 1)}],  # f 10, 30
    4: [{"invoices": (30, 3)}],  # f 10
    5: [{"invoices": (60, 1), "payroll-hr": (60, 1)}],  # f 60, 60
    6: [{"invoices": (45, 1)}],  # f 45
    7: [{"invoices": (30, 1)}],  # f 30
}


@pytest.fixture
def departments(municipality) -> dict[str, Department]:
    return {
        name: Department.objects.create(municipality=municipality, name=name)
        for name in ("Barn- och utbildningsförvaltningen", "Socialförvaltningen")
    }


def place(survey: Survey, department: Department, numbers: Sequence[int]) -> None:
    unit = Unit.objects.get_or_create(department=department, name=f"Enhet i {department.name}")[0]
    Participant.objects.filter(survey=survey, number__in=numbers).update(unit=unit)


@pytest.fixture
def dept_pair(municipality, departments) -> tuple[Survey, Survey]:
    rounds = (
        make_round(municipality, "dept-baseline", BASELINE_START),
        make_round(municipality, "dept-followup", FOLLOWUP_START),
    )
    for survey, diaries in zip(rounds, (DEPT_BASELINE, DEPT_FOLLOWUP), strict=True):
        # Everyone's 5 minutes of information are the row a department's dashboard withholds with a withheld
        # payroll-hr (the fewest minutes of its category): else it would be invoices, and "did it help?"
        # leaves out what a dashboard withholds.
        fill(survey, {number: [{**day, "information": (5, 3)} for day in days] for number, days in diaries.items()})
        place(survey, departments["Barn- och utbildningsförvaltningen"], [1, 2, 3, 4])
        place(survey, departments["Socialförvaltningen"], [5, 6, 7])
    return rounds


def test_a_departments_change_is_over_its_own_managers(dept_pair, departments):
    barn, social = (departments[name].pk for name in ("Barn- och utbildningsförvaltningen", "Socialförvaltningen"))
    rounds = {"baseline": dept_pair[0], "followup": dept_pair[1]}

    in_barn = paired.tasks_change(**rounds, codes=["invoices"], department=barn)
    in_social = paired.tasks_change(**rounds, codes=["invoices"], department=social)
    everyone = paired.tasks_change(**rounds, codes=["invoices"])

    # Barn: deltas −40, −20, −30, −10, mean −25, clearly less. Everyone: with Social's +50, +40, +20 the
    # mean is 10/7 and the interval crosses 0: the department's action would read as no change.
    assert_change(in_barn, expected([60, 30, 40, 20], [20, 10, 10, 10]))
    assert in_barn.verdict == "less"
    assert_change(in_social, expected([10, 5, 10], [60, 45, 30]))
    assert_change(everyone, expected([60, 30, 40, 20, 10, 5, 10], [20, 10, 10, 10, 60, 45, 30]))
    assert everyone.verdict == "unclear"


def test_a_task_one_manager_outside_the_department_did_is_left_out_of_its_figure(dept_pair, departments):
    barn, social = (departments[name].pk for name in ("Barn- och utbildningsförvaltningen", "Socialförvaltningen"))
    rounds = {"baseline": dept_pair[0], "followup": dept_pair[1]}

    # payroll-hr: Barn's 1, 2, 3 and Social's 5. Everyone's figure (4 did it) is shown; Barn's too would
    # give 5's as 7 × everyone's minus 4 × Barn's, so Barn's leaves it out. In Social only 5 did it.
    everyone = paired.tasks_change(**rounds, codes=["payroll-hr"])
    in_barn = paired.tasks_change(**rounds, codes=["invoices", "payroll-hr"], department=barn)
    in_social = paired.tasks_change(**rounds, codes=["payroll-hr"], department=social)

    assert_change(everyone, expected([30, 20, 15, 0, 30, 0, 0], [15, 10, 30, 0, 60, 0, 0]))
    assert_change(in_barn, expected([60, 30, 40, 20], [20, 10, 10, 10]))
    assert in_barn.left_out == {"payroll-hr": paired.DID_COMPLEMENT}
    assert in_social.left_out == {"payroll-hr": paired.DID_TOO_FEW} and in_social.verdict == "withheld"


def test_a_department_with_one_or_two_paired_managers_outside_it_is_withheld(dept_pair, departments):
    barn, social = (departments[name].pk for name in ("Barn- och utbildningsförvaltningen", "Socialförvaltningen"))
    place(dept_pair[0], departments["Barn- och utbildningsförvaltningen"], [7])
    place(dept_pair[1], departments["Barn- och utbildningsförvaltningen"], [7])
    rounds = {"baseline": dept_pair[0], "followup": dept_pair[1]}

    in_barn = paired.tasks_change(**rounds, codes=["invoices"], department=barn)
    in_social = paired.tasks_change(**rounds, codes=["invoices"], department=social)

    # Barn now has 1–4 and 7; everyone minus Barn would be managers 5 and 6.
    assert in_barn == paired.Change(paired_managers=5, reason=paired.COMPLEMENT)
    assert in_social == paired.Change(paired_managers=2, reason=paired.TOO_FEW_PAIRED)


def test_a_manager_who_moved_is_in_neither_department_so_the_smaller_one_is_withheld(dept_pair, departments):
    barn, social = (departments[name].pk for name in ("Barn- och utbildningsförvaltningen", "Socialförvaltningen"))
    place(dept_pair[1], departments["Socialförvaltningen"], [4])  # moved to Social for the follow-up
    rounds = {"baseline": dept_pair[0], "followup": dept_pair[1]}

    in_barn = paired.tasks_change(**rounds, codes=["invoices"], department=barn)
    in_social = paired.tasks_change(**rounds, codes=["invoices"], department=social)
    everyone = paired.tasks_change(**rounds, codes=["invoices"])

    # Manager 4 is in Barn in one round and Social in the other: in neither figure. Barn (1, 2, 3) and
    # Social (5, 6, 7) both shown, everyone's 7 × mean minus 3 × each department's would be 4's alone;
    # so the smaller department, Barn on the tie (created first), is withheld as well. Everyone minus
    # Social is then 1, 2, 3 and 4.
    assert in_barn == paired.Change(paired_managers=3, reason=paired.SECONDARY)
    assert_change(in_social, expected([10, 5, 10], [60, 45, 30]))  # 4 is not in it, though in Social now
    assert_change(everyone, expected([60, 30, 40, 20, 10, 5, 10], [20, 10, 10, 10, 60, 45, 30]))


def test_a_task_one_manager_in_no_department_did_is_left_out_of_one_department(municipality, departments):
    barn, social = (departments[name] for name in ("Barn- och utbildningsförvaltningen", "Socialförvaltningen"))
    rounds = (make_round(municipality, "b", BASELINE_START), make_round(municipality, "f", FOLLOWUP_START))
    # Everyone does invoices (f 20 in the baseline, 10 in the follow-up); budget: 1, 2, 3 of Barn, 5, 6, 7
    # of Social and 8, one of the three managers without a unit (unlinked people keep no unit).
    for survey, function in zip(rounds, (2, 3), strict=True):
        fill(
            survey,
            {
                number: [{"invoices": (30, function), **({"budget": (30, 1)} if number not in (4, 9, 10) else {})}]
                for number in range(1, 11)
            },
        )
        place(survey, barn, [1, 2, 3, 4])
        place(survey, social, [5, 6, 7])
    codes = ["invoices", "budget"]

    in_barn = paired.tasks_change(baseline=rounds[0], followup=rounds[1], codes=codes, department=barn.pk)
    in_social = paired.tasks_change(baseline=rounds[0], followup=rounds[1], codes=codes, department=social.pk)

    # Budget: everyone's row has 7 managers, Barn's 3 and Social's 3, so everyone's minus both would be
    # manager 8's alone. Barn (first on the tie of 3 who did it) leaves budget out; Social keeps it.
    assert in_barn.left_out == {"budget": paired.DID_SECONDARY}
    assert_change(in_barn, expected([20] * 4, [10] * 4))  # invoices only: 30·2/3 → 30·1/3
    # Social: invoices 20 → 10 and budget 30·3/3 = 30 in both rounds, per manager.
    assert in_social.left_out == {}
    assert_change(in_social, expected([50] * 3, [40] * 3))


# --- change() on its own ----------------------------------------------------------------------------


def test_change_pairs_by_participant_number_and_leaves_out_the_unpaired():
    baseline = pd.Series({1: 10.0, 2: 20.0, 3: 30.0, 9: 100.0})
    followup = pd.Series({3: 24.0, 1: 4.0, 2: 16.0, 8: 0.0})  # another order; 8 and 9 unpaired

    found = paired.change(baseline, followup)

    # Deltas 1: −6, 2: −4, 3: −6; mean −16/3; sd of (−2/3, 4/3, −2/3) = √((4+16+4)/9/2) = √(4/3).
    half = t_quantile(3) * math.sqrt(4 / 3) / math.sqrt(3)
    assert found.paired_managers == 3
    assert found.baseline == pytest.approx(20) and found.followup == pytest.approx(44 / 3)
    assert found.change == pytest.approx(-16 / 3)
    assert (found.ci_low, found.ci_high) == pytest.approx((-16 / 3 - half, -16 / 3 + half))
    assert found.verdict == "less"  # −5.33 + 2.87 < 0


def test_change_with_fewer_than_three_pairs_is_withheld():
    too_few = paired.TOO_FEW_PAIRED
    assert paired.change(pd.Series({1: 1.0, 2: 2.0}), pd.Series({1: 5.0, 2: 9.0, 3: 1.0})) == paired.Change(
        2, reason=too_few
    )
    assert paired.change(pd.Series(dtype="float64"), pd.Series(dtype="float64")) == paired.Change(0, reason=too_few)


def test_a_clear_increase_from_series_is_more():
    # Deltas 2, 3, 4: mean 3, sd 1, half-width t(0.975, 2)/√3 ≈ 2.48: 0.52 to 5.48.
    found = paired.change(pd.Series({1: 0.0, 2: 0.0, 3: 0.0}), pd.Series({1: 2.0, 2: 3.0, 3: 4.0}))

    half = t_quantile(3) * 1 / math.sqrt(3)
    assert (found.change, found.ci_low, found.ci_high) == pytest.approx((3, 3 - half, 3 + half))
    assert found.verdict == "more"


# --- In kronor --------------------------------------------------------------------------------------


def test_in_sek_is_minutes_per_day_times_working_days_over_60_times_the_hourly_cost(pair):
    found = paired.tasks_change(baseline=pair[0], followup=pair[1], codes=["invoices"])

    sek = found.in_sek(hourly_cost=600, working_days_per_year=200)

    # 200 days / 60 minutes × 600 kr = 2 000 kr per friction minute a day; −32.5 → −65 000 kr.
    want = expected(F_BASELINE["invoices"], F_FOLLOWUP["invoices"])
    assert sek == pytest.approx(
        {name: want[name] * 2000 for name in ("baseline", "followup", "change", "ci_low", "ci_high")}
    )
    assert sek["change"] == pytest.approx(-65000)
    assert sek["baseline"] == pytest.approx(38.75 * 2000)  # 77 500 kr a manager and year


def test_in_sek_of_a_withheld_change_is_none():
    assert paired.Change(paired_managers=2).in_sek(hourly_cost=600, working_days_per_year=200) == {
        "baseline": None,
        "followup": None,
        "change": None,
        "ci_low": None,
        "ci_high": None,
    }
