"""`manage.py effect_report`: the paired change per task and for the action plan, as JSON, CSV or a table.

The pairs of rounds and their hand-worked figures are those of tests/analysis/test_paired.py; every
expected number is computed there from the definitions, here only compared with the command's output.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command

from actionplan.models import ActionItem
from actionplan.services import ItemInput, item_create, plan_get_or_create
from surveys.models import Municipality, Survey
from tests.analysis.test_paired import (
    F_BASELINE,
    F_FOLLOWUP,
    FOLLOWUP_START,
    expected,
    make_round,
    summed,
)

pytestmark = pytest.mark.django_db

FIELDS = ["paired_managers", "baseline", "followup", "change", "ci_low", "ci_high", "verdict", "reason", "left_out"]
# A task no paired manager did: every f is 0, every delta 0, so the interval is the point 0.
NOBODY = {
    "paired_managers": 4,
    "baseline": 0.0,
    "followup": 0.0,
    "change": 0.0,
    "ci_low": 0.0,
    "ci_high": 0.0,
    "verdict": "unclear",
    "reason": "",
    "left_out": {},
}
WITHHELD = {
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


# pair, small_pair: tests/conftest.py.


BETWEEN = dt.date(2025, 6, 30)  # after the baseline (3–7 March 2025), before the follow-up (6 October)


def add_plan(municipality: Municipality) -> None:
    """Items 1 (invoices and payroll-hr) and 2 (budget) done between the rounds, 3 (nothing) done too;
    4 (it-services) proposed and 5 (purchasing) done during the baseline: the plan's figure takes the
    tasks of items 1 and 2."""
    plan = plan_get_or_create(municipality=municipality)
    items = (
        (1, ["invoices", "payroll-hr"], "done", BETWEEN),
        (2, ["budget"], "done", BETWEEN),
        (3, [], "done", BETWEEN),
        (4, ["it-services"], "proposed", None),
        (5, ["purchasing"], "done", dt.date(2025, 3, 5)),
    )
    for number, tasks, status, done_on in items:
        item_create(
            plan=plan,
            data=ItemInput(
                number=number,
                title=f"Åtgärd {number}",
                owner_level=ActionItem.OwnerLevel.CENTRAL,
                area="finance",
                tasks=tasks,
                status=status,
                done_on=done_on,
            ),
        )


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("effect_report", *args, stdout=out)
    return out.getvalue()


def report_of(baseline: str, followup: str) -> dict:
    return json.loads(run("--baseline", baseline, "--followup", followup))


def round_codes(survey: Survey) -> list[str]:
    return list(survey.tasks.order_by("order", "id").values_list("code", flat=True))


def assert_same(found: dict, want: dict) -> None:
    """Every field equal; the numbers to 1e-9 (unrounded: a rounded figure would differ by more)."""
    assert set(found) == set(want)
    for name, value in want.items():
        if isinstance(value, int | float) and name != "paired_managers":
            assert found[name] == pytest.approx(value, abs=1e-9), name
        else:
            assert found[name] == value, name


def test_the_json_is_the_hand_computation_for_every_task_and_the_plan(pair, municipality):
    add_plan(municipality)

    report = report_of("baseline", "followup")

    assert set(report) == {"baseline", "followup", "paired_managers", "tasks", "plan"}
    assert (report["baseline"], report["followup"], report["paired_managers"]) == ("baseline", "followup", 4)
    # Every task of the round, in the round's order.
    assert [task["task"] for task in report["tasks"]] == round_codes(pair[1]) == round_codes(pair[0])
    # budget: managers 1, 2, 3 did it in B, only 1 and 3 in F, so it is withheld.
    budget_withheld = {
        **WITHHELD,
        "paired_managers": 4,
        "reason": "tasks_withheld",
        "left_out": {"budget": "did_too_few"},
    }
    for task in report["tasks"]:
        code = task.pop("task")
        # invoices (less), payroll-hr (more); the rest nobody did.
        if code == "budget":
            assert_same(task, budget_withheld)
        elif code in F_BASELINE:
            assert_same(task, {**expected(F_BASELINE[code], F_FOLLOWUP[code]), "reason": "", "left_out": {}})
        else:
            assert_same(task, NOBODY)
    verdicts = {task["task"]: task["verdict"] for task in report_of("baseline", "followup")["tasks"]}
    assert (verdicts["invoices"], verdicts["payroll-hr"], verdicts["budget"]) == ("less", "more", "withheld")

    # The plan: the tasks of items 1 and 2 (done between the rounds), budget left out: f over invoices and
    # payroll-hr summed per manager, B 45, 65, 35, 40 and F 70, 37.5, 40, 30; deltas 25, −27.5, 5, −10.
    codes = ["invoices", "payroll-hr"]
    assert summed(F_BASELINE, codes) == [45, 65, 35, 40]
    assert summed(F_FOLLOWUP, codes) == [70, 37.5, 40, 30]
    plan = report["plan"]
    assert (plan.pop("items"), plan.pop("tasks")) == ([1, 2], ["invoices", "budget", "payroll-hr"])  # the round's order
    want = {**expected(summed(F_BASELINE, codes), summed(F_FOLLOWUP, codes)), "reason": ""}
    assert_same(plan, {**want, "left_out": {"budget": "did_too_few"}})
    assert plan["change"] == pytest.approx(-1.875)  # −7.5 / 4
    assert plan["verdict"] == "unclear"


def test_without_an_action_plan_there_is_no_plan(pair, municipality):
    # Another municipality's plan (over its own round's tasks) is not this one's.
    elsewhere = Municipality.objects.create(name="Annanstad")
    make_round(elsewhere, "elsewhere", FOLLOWUP_START)
    add_plan(elsewhere)

    report = report_of("baseline", "followup")

    assert "plan" not in report
    assert len(report["tasks"]) == len(round_codes(pair[1]))


def test_with_two_paired_managers_every_figure_is_null_and_withheld(small_pair, municipality):
    add_plan(municipality)

    report = report_of("small-baseline", "small-followup")

    assert report["paired_managers"] == 2
    assert [task["task"] for task in report["tasks"]] == round_codes(small_pair[1])
    for task in report["tasks"]:
        assert {name: task[name] for name in FIELDS} == WITHHELD, task["task"]
    assert {name: report["plan"][name] for name in FIELDS} == WITHHELD


def test_csv_has_a_row_per_task_and_the_plan_last(pair, municipality):
    add_plan(municipality)

    rows = list(csv.reader(io.StringIO(run("--baseline", "baseline", "--followup", "followup", "--format", "csv"))))

    assert rows[0] == ["task", *FIELDS]
    assert [row[0] for row in rows[1:]] == [*round_codes(pair[1]), "plan"]
    by_task = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    want = expected(F_BASELINE["invoices"], F_FOLLOWUP["invoices"])
    invoices = by_task["invoices"]
    assert (invoices["paired_managers"], invoices["verdict"]) == ("4", "less")
    for name in ("baseline", "followup", "change", "ci_low", "ci_high"):
        assert float(invoices[name]) == pytest.approx(want[name], abs=1e-9), name
    codes = ["invoices", "payroll-hr"]
    plan_want = expected(summed(F_BASELINE, codes), summed(F_FOLLOWUP, codes))
    assert float(by_task["plan"]["ci_high"]) == pytest.approx(plan_want["ci_high"], abs=1e-9)
    assert by_task["plan"]["left_out"] == "budget:did_too_few"
    assert (by_task["budget"]["verdict"], by_task["budget"]["reason"]) == ("withheld", "tasks_withheld")


def test_csv_of_a_withheld_pair_leaves_the_figures_empty(small_pair):
    rows = list(
        csv.reader(io.StringIO(run("--baseline", "small-baseline", "--followup", "small-followup", "--format", "csv")))
    )

    assert all(row[1:] == ["2", "", "", "", "", "", "withheld", "too_few_paired", ""] for row in rows[1:])
    assert [row[0] for row in rows[1:]] == round_codes(small_pair[1])  # no plan row without a plan


def test_table_prints_a_heading_and_a_line_per_task(pair, municipality):
    add_plan(municipality)

    text = run("--baseline", "baseline", "--followup", "followup", "--format", "table")

    lines = text.splitlines()
    assert lines[0] == "baseline → followup: 4 managers in both rounds"
    assert lines[1].split() == ["task", *FIELDS]
    by_task = {line.split()[0]: line.split() for line in lines[3:]}
    assert list(by_task) == [*round_codes(pair[1]), "plan"]
    # invoices: baseline 38.75, follow-up 6.25, change −32.5, shown to one decimal.
    assert by_task["invoices"][:5] == ["invoices", "4", f"{38.75:.1f}", f"{6.25:.1f}", "-32.5"]
    assert by_task["invoices"][7] == "less" and by_task["payroll-hr"][7] == "more"
    assert by_task["plan"][7:] == ["unclear", "–", "budget:did_too_few"]
    assert by_task["invoices"][7:] == ["less", "–", "–"]


def test_table_of_a_withheld_pair_shows_dashes(small_pair):
    text = run("--baseline", "small-baseline", "--followup", "small-followup", "--format", "table")

    assert "2 managers in both rounds" in text
    invoices = next(line for line in text.splitlines() if line.startswith("invoices"))
    assert invoices.split() == ["invoices", "2", "–", "–", "–", "–", "–", "withheld", "too_few_paired", "–"]


def test_unknown_rounds_are_errors(pair):
    with pytest.raises(CommandError, match="no-such-round"):
        run("--baseline", "no-such-round", "--followup", "followup")
    with pytest.raises(CommandError, match="no-such-round"):
        run("--baseline", "baseline", "--followup", "no-such-round")


def test_rounds_of_other_municipalities_or_tasks_or_the_same_round_are_errors(pair):
    elsewhere = make_round(Municipality.objects.create(name="Annanstad"), "elsewhere", dt.date(2025, 11, 3))
    with pytest.raises(CommandError, match="same municipality"):
        run("--baseline", "baseline", "--followup", elsewhere.slug)

    with pytest.raises(CommandError, match="different rounds"):
        run("--baseline", "followup", "--followup", "followup")

    pair[1].tasks.get(code="it-services").delete()  # a task without lines
    with pytest.raises(CommandError, match="same tasks"):
        run("--baseline", "baseline", "--followup", "followup")


def test_a_follow_up_that_does_not_start_after_the_baseline_is_an_error(pair):
    # Swapped, the change would read with its sign flipped: "more" friction where it fell.
    with pytest.raises(CommandError, match="start after the baseline"):
        run("--baseline", "followup", "--followup", "baseline")


def test_an_unknown_format_is_refused(pair):
    with pytest.raises(CommandError):
        run("--baseline", "baseline", "--followup", "followup", "--format", "xml")
