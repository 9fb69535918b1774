"""Did it help? A hand-made baseline and follow-up whose figures are worked out here from the definitions.

friction minutes per manager-day = Σ minutes × (4 − function) / 3 / manager-days
minutes per manager-day          = Σ minutes / manager-days
function_mean                    = Σ minutes × function / Σ minutes
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from actionplan import effect, selectors
from surveys.models import Participant, Survey
from surveys.services import LineInput, diary_save, survey_create

pytestmark = pytest.mark.django_db

# One diary day per manager in each round: {manager: {task: (minutes, function)}}.
BASELINE = {
    1: {"invoices": (60, 1), "payroll-hr": (30, 2), "budget": (20, 3)},
    2: {"invoices": (30, 2), "payroll-hr": (30, 3), "budget": (10, 2)},
    3: {"invoices": (15, 1), "payroll-hr": (45, 2)},
}
FOLLOWUP = {
    1: {"invoices": (30, 3), "payroll-hr": (30, 1)},
    2: {"invoices": (30, 3), "payroll-hr": (30, 2), "budget": (10, 3)},
    3: {"invoices": (15, 4), "payroll-hr": (45, 2), "budget": (10, 3)},
}
DAYS = 3  # manager-days in each round


def fill(survey: Survey, diaries: dict[int, dict[str, tuple[int, int]]]) -> None:
    tasks = {task.code: task for task in survey.tasks.all()}
    for number, lines in diaries.items():
        participant = Participant.objects.create(survey=survey, number=number)
        diary_save(
            participant=participant,
            date=survey.start_date,
            lines=[
                # Spread over hours of at most 60 minutes, each task in its own hour.
                LineInput(task=tasks[code], minutes=[0] * index + [minutes], function=function, value=3)
                for index, (code, (minutes, function)) in enumerate(lines.items())
            ],
            submit=True,
        )


@pytest.fixture
def rounds(municipality):
    baseline = survey_create(
        slug="baseline", name="Nollmätning", municipality=municipality,
        start_date=dt.date(2025, 3, 3), end_date=dt.date(2025, 3, 7), status=Survey.Status.OPEN,
    )  # fmt: skip
    followup = survey_create(
        slug="followup", name="Uppföljning", municipality=municipality,
        start_date=dt.date(2025, 10, 6), end_date=dt.date(2025, 10, 10), status=Survey.Status.OPEN,
    )  # fmt: skip
    fill(baseline, BASELINE)
    fill(followup, FOLLOWUP)
    return baseline, followup


# Worked out by hand from the tables above:
# invoices  before: friction (60·3 + 30·2 + 15·3)/3/3 = 285/9; minutes 105/3 = 35; function (60 + 60 + 15)/105 = 135/105
#           after:  friction (30·1 + 30·1 + 15·0)/3/3 = 60/9;  minutes 75/3 = 25;  function (90 + 90 + 60)/75 = 240/75
# payroll   before: friction (30·2 + 30·1 + 45·2)/3/3 = 180/9; minutes 105/3 = 35; function (60 + 90 + 90)/105 = 240/105
#           after:  friction (30·3 + 30·2 + 45·2)/3/3 = 240/9; minutes 105/3 = 35; function (30 + 60 + 90)/105 = 180/105
# budget: done by two managers in the baseline, fewer than three, so it is not shown.
INVOICES = {"friction": (285 / 9, 60 / 9), "minutes": (35, 25), "function": (135 / 105, 240 / 75)}
PAYROLL = {"friction": (180 / 9, 240 / 9), "minutes": (35, 35), "function": (240 / 105, 180 / 105)}


def assert_figures(task: effect.TaskEffect, expected: dict[str, tuple[float, float]]) -> None:
    for name, (before, after) in expected.items():
        assert getattr(task, f"{name}_baseline") == pytest.approx(before)
        assert getattr(task, f"{name}_followup") == pytest.approx(after)
        assert getattr(task, f"{name}_change") == pytest.approx(after - before)


def test_it_gives_each_addressed_tasks_figures_before_and_after(plan, make_item, rounds):
    baseline, followup = rounds
    item = make_item(1, status="done", tasks=["invoices", "payroll-hr", "budget"], survey=baseline)

    (found,) = selectors.item_effects(plan=plan, items=[item])

    assert (found.baseline, found.followup) == (baseline, followup)
    invoices, payroll, budget = found.effect.tasks
    assert_figures(invoices, INVOICES)
    assert_figures(payroll, PAYROLL)
    assert (invoices.verdict, payroll.verdict) == ("improved", "worse")
    assert budget.suppressed and budget.verdict is None and budget.friction_baseline is None


def test_the_items_friction_is_the_sum_over_its_shown_tasks(plan, make_item, rounds):
    item = make_item(1, status="done", tasks=["invoices", "payroll-hr", "budget"], survey=rounds[0])

    (found,) = selectors.item_effects(plan=plan, items=[item])

    # (60 + 240)/9 − (285 + 180)/9 = −165/9: less friction in all, though payroll got worse.
    assert found.effect.friction_baseline == pytest.approx(465 / 9)
    assert found.effect.friction_followup == pytest.approx(300 / 9)
    assert found.effect.friction_change == pytest.approx(-165 / 9)
    assert found.effect.verdict == "improved"


def test_an_item_without_a_later_round_has_no_effect_yet(plan, make_item, rounds):
    item = make_item(1, tasks=["invoices"], survey=rounds[1])

    (found,) = selectors.item_effects(plan=plan, items=[item])

    assert found.followup is None and found.effect is None


def test_an_item_without_tasks_is_left_out(plan, make_item, rounds):
    assert selectors.item_effects(plan=plan, items=[make_item(1, survey=rounds[0])]) == []


def test_the_summary_page_lists_done_items_with_the_change_they_came_with(
    english_client, administrator, plan, make_item, rounds
):
    make_item(1, title="Attestrutin", status="done", tasks=["invoices"], survey=rounds[0])
    make_item(2, title="Lönefrågor", status="done", tasks=["payroll-hr"], survey=rounds[0])
    make_item(3, title="Pågår", status="in_progress", tasks=["invoices"], survey=rounds[0])
    english_client.force_login(administrator)

    page = english_client.get(reverse("actionplan:effect", args=[plan.pk])).content.decode()

    done, others = page.split('id="others-heading"')
    assert "Less friction after 1, no clear change after 0, more friction after 1." in done
    assert "Attestrutin" in done and "Lönefrågor" in done and "Pågår" in others
    # −225/9 = −25.0 and +60/9 = +6.7 friction minutes per manager-day, with a true minus sign.
    assert "−25.0" in done and "+6.7" in done


@pytest.mark.parametrize(
    ("change", "expected"),
    [(-0.5, "improved"), (-0.49, "unchanged"), (0.49, "unchanged"), (0.5, "worse"), (None, None)],
)
def test_a_change_of_half_a_minute_a_day_is_the_line_between_no_clear_change_and_a_change(change, expected):
    assert effect.verdict(change) == expected
