"""Did it help? Hand-made rounds whose figures are worked out here from the product owner's definitions.

For tasks T, baseline round B and follow-up F:

- a paired manager has a manager-day (a submitted day with minutes) in both rounds;
- f(n, R) = Σ minutes × (4 − function) / 3 over n's lines of T in R with minutes and a function
  rating, divided by n's manager-days in R;
- delta(n) = f(n, F) − f(n, B); change = mean delta over the k paired managers;
- 95 % interval = change ± t(0.975, k − 1) × sd(delta) / √k (sample sd);
- verdict less / more when the whole interval is below / above 0, else unclear; withheld for k < 3.

An item is credited only by a follow-up that started after the item was done (`done_on`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import statistics
import xml.etree.ElementTree as ET
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from scipy.stats import t

from actionplan import effect
from actionplan.models import ActionItem
from actionplan.services import ActionError, ItemInput, item_problems, item_update, update_add
from surveys.models import Participant, Survey
from surveys.services import LineInput, diary_save, survey_create

from .conftest import item_post

pytestmark = pytest.mark.django_db

Diaries = dict[int, list[dict[str, tuple[int, int | None]]]]

# Each manager's submitted days in a round: {participant number: [{task: (minutes, function)}, ...]}.
# Managers 1–4 are in every round; 5 only in the baseline and 6 only in the follow-up (not paired).
# Manager 1 has two baseline days, one of them without any of the measured tasks; manager 3's budget
# line has no function rating (it adds minutes but no friction). Manager 4's information line is the
# second task of its category that only one manager did: with budget alone, each round's dashboard
# would withhold purchasing too, to protect budget (secondary suppression), and so would "did it help?".
BASELINE: Diaries = {
    1: [{"invoices": (60, 1), "payroll-hr": (30, 2), "purchasing": (20, 3)}, {"invoices": (30, 1), "letters": (60, 4)}],
    2: [{"invoices": (48, 2), "payroll-hr": (60, 1), "purchasing": (10, 3)}],
    3: [{"invoices": (60, 1), "payroll-hr": (20, 3), "budget": (30, None)}],
    4: [{"invoices": (30, 2), "payroll-hr": (48, 1), "purchasing": (15, 3), "information": (10, 3)}],
    5: [{"invoices": (60, 1)}],
}
# Saved but never submitted: must not count at all (neither its minutes nor as a manager-day).
BASELINE_DRAFTS: Diaries = {3: [{"invoices": (60, 1), "payroll-hr": (60, 1)}]}
FOLLOWUP: Diaries = {
    1: [{"invoices": (30, 3), "payroll-hr": (30, 1), "purchasing": (30, 2)}],
    2: [{"invoices": (30, 3), "payroll-hr": (30, 2), "purchasing": (30, 1)}, {"budget": (60, 4)}],
    3: [{"invoices": (15, 2), "payroll-hr": (40, 2), "purchasing": (20, 2)}],
    4: [{"invoices": (30, 4), "payroll-hr": (30, 1), "purchasing": (40, 2), "information": (10, 3)}],
    6: [{"invoices": (60, 1)}],
}
# A third round, the spring after, for choosing between baselines.
SPRING: Diaries = {
    1: [{"invoices": (20, 3), "payroll-hr": (20, 2), "purchasing": (30, 1)}],
    2: [{"invoices": (15, 2), "payroll-hr": (30, 2), "purchasing": (20, 2)}],
    3: [{"invoices": (10, 3), "payroll-hr": (60, 2), "purchasing": (20, 1)}],
    4: [{"invoices": (20, 3), "payroll-hr": (30, 3), "purchasing": (50, 2)}],
}

FOLLOWUP_START = dt.date(2025, 10, 6)
DONE_BEFORE = dt.date(2025, 6, 30)  # between the baseline (March 2025) and the follow-up (October 2025)


# --- The definitions, by hand --------------------------------------------------------------------


def f(diaries: Diaries, number: int, codes: list[str]) -> float:
    days = diaries[number]
    friction = sum(
        minutes * (4 - function) / 3
        for day in days
        for code, (minutes, function) in day.items()
        if code in codes and function is not None
    )
    return friction / len(days)


def by_hand(before: Diaries, after: Diaries, codes: list[str]) -> dict[str, object]:
    paired = sorted(set(before) & set(after))
    k = len(paired)
    if k < 3:
        return {"paired_managers": k, "change": None, "ci_low": None, "ci_high": None, "verdict": "withheld"}
    deltas = [f(after, n, codes) - f(before, n, codes) for n in paired]
    mean = sum(deltas) / k
    half = float(t.ppf(0.975, k - 1)) * statistics.stdev(deltas) / math.sqrt(k)
    low, high = mean - half, mean + half
    return {
        "paired_managers": k,
        "baseline": sum(f(before, n, codes) for n in paired) / k,
        "followup": sum(f(after, n, codes) for n in paired) / k,
        "change": mean,
        "ci_low": low,
        "ci_high": high,
        "verdict": "less" if high < 0 else "more" if low > 0 else "unclear",
    }


def assert_figures(change, expected: dict[str, object]) -> None:
    found = change.as_dict()
    for name, value in expected.items():
        if isinstance(value, float):
            assert found[name] == pytest.approx(value), name
        else:
            assert found[name] == value, name


def sv(value: float, sign: bool = True) -> str:
    """A figure as the Swedish page writes it: one decimal, rounded half up, a decimal comma and a
    real minus sign (U+2212)."""
    rounded = Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    text = f"{abs(rounded)}".replace(".", ",")
    if not sign:
        return text
    return f"−{text}" if rounded < 0 else f"+{text}" if rounded > 0 else text


# The worked examples the tests below lean on, checked against the definitions once here.
INVOICES = by_hand(BASELINE, FOLLOWUP, ["invoices"])
PAYROLL = by_hand(BASELINE, FOLLOWUP, ["payroll-hr"])
PURCHASING = by_hand(BASELINE, FOLLOWUP, ["purchasing"])
INVOICES_AND_PAYROLL = by_hand(BASELINE, FOLLOWUP, ["invoices", "payroll-hr"])


def test_the_worked_examples_are_what_the_tables_say():
    # invoices before: manager 1 (60·3 + 30·3)/3 over 2 days = 45; 48·2/3 = 32; 60·3/3 = 60 (the draft
    # day not counted); 30·2/3 = 20. After: 30·1/3 = 10; 30·1/3 over 2 days = 5; 15·2/3 = 10; 30·0/3 = 0.
    # Deltas −35, −27, −50, −20: mean −33, sd √(498/3) = 12.88, t(0.975, 3) = 3.182, so −33 ± 20.5.
    assert [f(BASELINE, n, ["invoices"]) for n in (1, 2, 3, 4)] == pytest.approx([45, 32, 60, 20])
    assert [f(FOLLOWUP, n, ["invoices"]) for n in (1, 2, 3, 4)] == pytest.approx([10, 5, 10, 0])
    assert INVOICES["change"] == pytest.approx(-33.0)
    assert (INVOICES["ci_low"], INVOICES["ci_high"]) == pytest.approx((-53.5010, -12.4990), abs=1e-3)
    assert (INVOICES["verdict"], PAYROLL["verdict"], PURCHASING["verdict"]) == ("less", "unclear", "more")
    # Two tasks: the change is the sum of the task changes, the interval is not.
    assert INVOICES_AND_PAYROLL["change"] == pytest.approx(INVOICES["change"] + PAYROLL["change"])
    assert INVOICES_AND_PAYROLL["verdict"] == "unclear"


# --- Rounds --------------------------------------------------------------------------------------


def fill(survey: Survey, diaries: Diaries, *, submit: bool = True) -> None:
    """Each manager's days on the round's first days, each task in an hour of its own."""
    tasks = {task.code: task for task in survey.tasks.all()}
    for number, days in diaries.items():
        participant, _created = Participant.objects.get_or_create(survey=survey, number=number)
        for offset, lines in enumerate(days):
            if not submit:
                offset += len(days) + 1  # after the submitted days
            diary_save(
                participant=participant,
                date=survey.start_date + dt.timedelta(days=offset),
                lines=[
                    LineInput(task=tasks[code], minutes=[0] * hour + [minutes], function=function, value=3)
                    for hour, (code, (minutes, function)) in enumerate(lines.items())
                ],
                submit=submit,
            )


def new_round(municipality, slug: str, start: dt.date, diaries: Diaries | None = None, **extra) -> Survey:
    survey = survey_create(
        slug=slug,
        name=slug.replace("-", " ").title(),
        municipality=municipality,
        start_date=start,
        end_date=start + dt.timedelta(days=4),
        status=Survey.Status.OPEN,
        **extra,
    )
    if diaries:
        fill(survey, diaries)
    return survey


@pytest.fixture
def baseline(survey) -> Survey:
    """The `survey` fixture (3–7 March 2025) with the baseline diaries."""
    fill(survey, BASELINE)
    fill(survey, BASELINE_DRAFTS, submit=False)
    return survey


@pytest.fixture
def followup(municipality, baseline) -> Survey:
    return new_round(municipality, "uppfoljning-hosten-2025", FOLLOWUP_START, FOLLOWUP)


def done(make_item, number: int, tasks: list[str], done_on: dt.date = DONE_BEFORE, **fields) -> ActionItem:
    return make_item(number, status="done", done_on=done_on, tasks=tasks, **fields)


def the_effect(plan, item: ActionItem) -> effect.ItemEffect:
    (found,) = effect.item_effects(plan=plan, items=[item])
    return found


# --- Measured ------------------------------------------------------------------------------------


def test_an_item_done_before_the_follow_up_started_is_measured_by_it_with_the_figures_by_hand(
    plan, make_item, baseline, followup
):
    item = done(make_item, 1, ["invoices"], survey=baseline)

    found = the_effect(plan, item)

    assert found.measured is not None and (found.reason, found.reason_code) == ("", "")
    assert (found.baseline_round, found.measured.baseline_round, found.measured.followup_round) == (
        baseline,
        baseline,
        followup,
    )
    assert_figures(found.measured.change, INVOICES)
    assert found.verdict == "less"
    # In SEK: minutes per day × working days / 60 × the follow-up's hourly cost.
    per_minute = followup.working_days_per_year / 60 * followup.hourly_cost
    assert found.measured.sek["change"] == pytest.approx(INVOICES["change"] * per_minute)
    # One decimal, as the table beside it writes the change and its interval.
    assert found.measured.sentence == (
        "Friction fell by 33.0 min per manager-day (95 % CI 12.5–53.5), 4 managers in both rounds."
    )


@pytest.mark.parametrize(
    ("tasks", "expected"),
    [(["invoices"], INVOICES), (["payroll-hr"], PAYROLL), (["purchasing"], PURCHASING)],
    ids=["less", "unclear", "more"],
)
def test_each_verdict_comes_from_where_the_interval_lies(plan, make_item, baseline, followup, tasks, expected):
    found = the_effect(plan, done(make_item, 1, tasks, survey=baseline))

    assert_figures(found.measured.change, expected)
    assert found.verdict == expected["verdict"]


def test_an_item_over_two_tasks_sums_each_managers_friction_before_the_difference(plan, make_item, baseline, followup):
    found = the_effect(plan, done(make_item, 1, ["invoices", "payroll-hr"], survey=baseline))

    change = found.measured.change
    assert_figures(change, INVOICES_AND_PAYROLL)
    # Not the task changes added up: invoices alone clearly fell, yet together the interval crosses zero,
    # and it is far narrower than the two intervals added (−114.3 to +34.3).
    assert change.change == pytest.approx(INVOICES["change"] + PAYROLL["change"])
    assert change.ci_low != pytest.approx(INVOICES["ci_low"] + PAYROLL["ci_low"])
    assert change.ci_high != pytest.approx(INVOICES["ci_high"] + PAYROLL["ci_high"])
    assert (INVOICES["verdict"], found.verdict) == ("less", "unclear")


# --- Not measurable (yet) ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "done_on",
    [FOLLOWUP_START, FOLLOWUP_START + dt.timedelta(days=1), dt.date(2025, 11, 1)],
    ids=["the day it started", "while it ran", "after it ended"],
)
def test_an_item_done_after_the_follow_up_started_is_not_measurable_yet(plan, make_item, baseline, followup, done_on):
    found = the_effect(plan, done(make_item, 1, ["invoices"], done_on=done_on, survey=baseline))

    assert found.measured is None and found.verdict is None
    assert found.reason_code == effect.NO_FOLLOWUP
    assert found.baseline_round == baseline
    day = f"{done_on.day} {done_on:%B %Y}"
    assert found.reason == f"Not measurable yet: no survey round has started since the item was done on {day}."


def test_an_item_moved_to_done_with_a_progress_update_after_the_follow_up_started_is_not_credited(
    plan, make_item, administrator, baseline, followup
):
    item = make_item(1, status="in_progress", tasks=["invoices"], survey=baseline)
    at = timezone.make_aware(dt.datetime.combine(FOLLOWUP_START + dt.timedelta(days=2), dt.time(14)))

    update_add(item=item, author=administrator, text="Klart.", status="done", at=at)

    assert item.done_on == FOLLOWUP_START + dt.timedelta(days=2)
    assert the_effect(plan, item).reason_code == effect.NO_FOLLOWUP


@pytest.mark.parametrize("status", ["proposed", "planned", "in_progress", "dropped"])
def test_an_item_not_done_is_not_measured(plan, make_item, baseline, followup, status):
    item = make_item(1, status=status, tasks=["invoices"], survey=baseline)

    found = the_effect(plan, item)

    assert (found.measured, found.reason_code) == (None, effect.NOT_DONE)
    assert found.reason == (f"Not measurable yet: the item is not done ({item.get_status_display().lower()}).")


@pytest.mark.parametrize(
    "dates",
    [{"start_date": dt.date(2025, 1, 13), "done_on": dt.date(2025, 2, 28)}, {"done_on": dt.date(2025, 3, 5)}],
    ids=["started before any round ended", "done during the first round"],
)
def test_an_item_without_a_round_ended_before_it_started_has_no_baseline(plan, make_item, baseline, followup, dates):
    found = the_effect(plan, make_item(1, status="done", tasks=["invoices"], **dates))

    assert (found.measured, found.baseline_round, found.reason_code) == (None, None, effect.NO_BASELINE)


def test_a_follow_up_with_only_two_paired_managers_is_too_few(plan, make_item, municipality, baseline):
    # Four managers wrote follow-up diaries, but only 1 and 2 were in the baseline.
    new_round(
        municipality,
        "tunn-uppfoljning",
        FOLLOWUP_START,
        {number: FOLLOWUP[number] for number in (1, 2, 6)} | {7: FOLLOWUP[4]},
    )
    item = done(make_item, 1, ["invoices"], survey=baseline)

    found = the_effect(plan, item)

    assert (found.measured, found.baseline_round, found.reason_code) == (None, baseline, effect.TOO_FEW)
    assert "at least 3 of the managers in Nollmätning 2025" in found.reason
    assert effect.plan_effect(plan=plan) is None
    assert effect.task_effect(municipality_id=plan.municipality_id, code="invoices") is None


# --- Which baseline ------------------------------------------------------------------------------


@pytest.fixture
def spring(municipality, followup) -> Survey:
    return new_round(municipality, "varen-2026", dt.date(2026, 3, 2), SPRING)


def test_the_baseline_is_the_round_that_found_the_item_else_the_latest_round_ended_before_it_started(
    plan, make_item, baseline, followup, spring
):
    after_autumn = dt.date(2025, 11, 15)
    found_in_spring = done(make_item, 1, ["invoices"], done_on=after_autumn, survey=baseline)
    started_after_autumn = done(make_item, 2, ["invoices"], done_on=after_autumn, start_date=dt.date(2025, 11, 1))
    only_done_on = done(make_item, 3, ["invoices"], done_on=after_autumn)
    # The autumn round ends on 10 October: an item starting that day started before it ended.
    started_on_last_day = done(make_item, 4, ["invoices"], done_on=after_autumn, start_date=dt.date(2025, 10, 10))
    done_long_ago = done(make_item, 5, ["invoices"], survey=baseline)

    found = {entry.item.number: entry for entry in effect.item_effects(plan=plan)}

    rounds = {number: (entry.measured.baseline_round, entry.measured.followup_round) for number, entry in found.items()}
    assert rounds == {
        found_in_spring.number: (baseline, spring),
        started_after_autumn.number: (followup, spring),
        only_done_on.number: (followup, spring),
        started_on_last_day.number: (baseline, spring),
        # Done before the autumn round: the latest follow-up with enough managers answers.
        done_long_ago.number: (baseline, spring),
    }
    assert_figures(found[1].measured.change, by_hand(BASELINE, SPRING, ["invoices"]))
    assert_figures(found[2].measured.change, by_hand(FOLLOWUP, SPRING, ["invoices"]))
    assert found[1].verdict == "less" and found[2].verdict == "unclear"


def test_the_plan_and_a_task_compare_the_latest_pair_of_rounds(plan, make_item, baseline, followup, spring):
    done(make_item, 1, ["invoices"], done_on=dt.date(2025, 11, 15))  # between autumn and spring

    total = effect.plan_effect(plan=plan)

    assert (total.baseline_round, total.followup_round, total.numbers) == (followup, spring, [1])
    assert_figures(total.measured.change, by_hand(FOLLOWUP, SPRING, ["invoices"]))
    task = effect.task_effect(municipality_id=plan.municipality_id, code="purchasing")
    assert_figures(task.change, by_hand(FOLLOWUP, SPRING, ["purchasing"]))


# --- Sharing and the plan total ------------------------------------------------------------------


def test_items_that_share_a_task_each_name_the_others(plan, make_item, baseline, followup):
    done(make_item, 1, ["invoices"], survey=baseline)
    done(make_item, 2, ["invoices", "payroll-hr"], survey=baseline)
    done(make_item, 3, ["payroll-hr"], survey=baseline)
    done(make_item, 4, ["purchasing"], survey=baseline)
    make_item(5, status="planned", tasks=["invoices"])

    found = {entry.item.number: entry for entry in effect.item_effects(plan=plan)}

    assert {number: entry.shares_with for number, entry in found.items()} == {
        1: [2, 5],
        2: [1, 3, 5],
        3: [2],
        4: [],
        5: [1, 2],
    }
    note = "Shares its tasks with {}: their effects cannot be told apart."
    assert found[1].sharing_note == note.format("items 2 and 5")
    assert found[2].sharing_note == note.format("items 1, 3 and 5")
    assert found[3].sharing_note == note.format("item 2")
    assert found[4].sharing_note == ""
    # Sharing changes nothing in the figures: each is its own tasks' change.
    assert_figures(found[1].measured.change, INVOICES)
    assert_figures(found[2].measured.change, INVOICES_AND_PAYROLL)


def test_the_plan_total_takes_the_tasks_of_the_items_done_between_the_rounds(plan, make_item, baseline, followup):
    done(make_item, 1, ["invoices"], survey=baseline)
    done(make_item, 2, ["payroll-hr"], done_on=dt.date(2025, 3, 7))  # the baseline's last day: not between
    done(make_item, 3, ["purchasing"], done_on=FOLLOWUP_START)  # the follow-up's first day: not between
    make_item(4, status="in_progress", tasks=["payroll-hr"])
    make_item(5, status="proposed", tasks=["purchasing", "invoices"])
    make_item(6, status="proposed")  # no tasks

    total = effect.plan_effect(plan=plan)

    assert (total.baseline_round, total.followup_round, total.numbers) == (baseline, followup, [1])
    assert_figures(total.measured.change, INVOICES)
    # Not every task some item addresses (invoices, payroll-hr, purchasing: unclear, not less).
    assert by_hand(BASELINE, FOLLOWUP, ["invoices", "payroll-hr", "purchasing"])["verdict"] == "unclear"


def test_without_an_item_done_between_the_rounds_the_plan_has_nothing_to_measure(
    client, administrator, plan, make_item, baseline, followup
):
    make_item(1, status="in_progress", tasks=["invoices"])
    client.force_login(administrator)

    total = effect.plan_effect(plan=plan)
    page = client.get(reverse("actionplan:effect", args=[plan.pk])).content.decode()

    assert (total.baseline_round, total.followup_round, total.items, total.measured) == (baseline, followup, [], None)
    assert "Inget att mäta än: ingen åtgärd blev klar" in section(page, "plan-total")


# --- A new round never replaces an answer (acceptance) -------------------------------------------


def figures(plan) -> list[object]:
    """Everything "Did it help?" shows as figures, for comparing before and after."""
    entries = [
        (
            entry.item.number,
            entry.verdict,
            entry.baseline_round and entry.baseline_round.slug,
            entry.measured and (entry.measured.followup_round.slug, entry.measured.change.as_dict()),
        )
        for entry in effect.item_effects(plan=plan)
    ]
    total = effect.plan_effect(plan=plan)
    codes = effect.plan_codes(plan.items.all())
    tasks = [effect.task_effect(municipality_id=plan.municipality_id, code=code) for code in codes]
    return [
        entries,
        (total.baseline_round.slug, total.followup_round.slug, total.numbers, total.measured.change.as_dict()),
        [(task.followup_round.slug, task.change.as_dict()) for task in tasks],
    ]


def page_figures(client, plan) -> str:
    page = client.get(reverse("actionplan:effect", args=[plan.pk])).content.decode()
    return section(page, "plan-total") + table(page, "effect-table")


NEWCOMERS = {
    "an empty open round": lambda municipality: new_round(municipality, "ny-omgang", dt.date(2026, 3, 2)),
    "a draft round with diaries": lambda municipality: Survey.objects.filter(
        pk=new_round(municipality, "ny-omgang", dt.date(2026, 3, 2), SPRING).pk
    ).update(status=Survey.Status.DRAFT),
    "a round with only unsubmitted days": lambda municipality: fill(
        new_round(municipality, "ny-omgang", dt.date(2026, 3, 2)), SPRING, submit=False
    ),
    "a round with two paired managers": lambda municipality: new_round(
        municipality, "ny-omgang", dt.date(2026, 3, 2), {1: SPRING[1], 2: SPRING[2], 8: SPRING[3], 9: SPRING[4]}
    ),
}


@pytest.mark.parametrize("newcomer", NEWCOMERS)
def test_a_new_round_without_three_paired_managers_leaves_every_figure_exactly_as_it_was(
    client, administrator, plan, make_item, municipality, baseline, followup, newcomer
):
    done(make_item, 1, ["invoices"], survey=baseline)
    done(make_item, 2, ["invoices", "payroll-hr"])
    done(make_item, 3, ["purchasing"], survey=baseline)
    done(make_item, 4, ["payroll-hr"], done_on=FOLLOWUP_START + dt.timedelta(days=3), survey=baseline)
    make_item(5, status="planned", tasks=["budget"])
    client.force_login(administrator)
    before, shown = figures(plan), page_figures(client, plan)

    NEWCOMERS[newcomer](municipality)

    assert figures(plan) == before
    assert page_figures(client, plan) == shown
    assert [entry[1] for entry in before[0]] == ["less", "unclear", "more", None, None]


# --- done_on through the services ----------------------------------------------------------------


def test_an_item_created_as_done_is_done_today_unless_another_day_is_given(make_item):
    assert make_item(1, status="done").done_on == timezone.localdate()
    assert make_item(2, status="done", done_on=DONE_BEFORE).done_on == DONE_BEFORE
    assert make_item(3, status="in_progress").done_on is None


def test_a_progress_update_to_done_records_the_day_of_the_update(make_item, administrator):
    item = make_item(1, status="in_progress")
    # 23:30 UTC on 30 June is already 1 July in Stockholm: the municipality's day counts.
    late = dt.datetime(2025, 6, 30, 23, 30, tzinfo=dt.UTC)

    update_add(item=item, author=administrator, text="Klart.", status="done", at=late)

    item.refresh_from_db()
    assert (item.status, item.done_on) == ("done", dt.date(2025, 7, 1))
    # Another update that keeps it done does not move the day.
    update_add(item=item, author=administrator, text="Följt upp.", status="done", at=late + dt.timedelta(days=30))
    item.refresh_from_db()
    assert item.done_on == dt.date(2025, 7, 1)


def test_moving_an_item_back_from_done_forgets_the_day(make_item, administrator):
    by_update = make_item(1, status="done", done_on=DONE_BEFORE)
    by_edit = make_item(2, status="done", done_on=DONE_BEFORE)

    update_add(item=by_update, author=administrator, text="Öppnad igen.", status="in_progress")
    data = ItemInput.from_item(by_edit)
    data.status, data.done_on = "planned", None
    item_update(item=by_edit, data=data)

    for item in (by_update, by_edit):
        item.refresh_from_db()
        assert item.done_on is None


def test_editing_a_done_item_keeps_its_day_unless_another_is_asked(make_item):
    item = make_item(1, status="done", done_on=DONE_BEFORE)
    data = ItemInput.from_item(item)
    data.title, data.done_on = "Ny titel", None  # the form left empty

    item_update(item=item, data=data)
    item.refresh_from_db()
    assert (item.title, item.done_on) == ("Ny titel", DONE_BEFORE)

    data.done_on = dt.date(2025, 5, 15)
    item_update(item=item, data=data)
    item.refresh_from_db()
    assert item.done_on == dt.date(2025, 5, 15)


def test_a_done_day_is_refused_for_an_item_not_done_and_for_a_day_to_come(plan, make_item):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    base = {"number": 1, "title": "Åtgärd", "owner_level": "central", "area": "finance"}

    not_done = item_problems(plan=plan, data=ItemInput(**base, status="planned", done_on=DONE_BEFORE))
    to_come = item_problems(plan=plan, data=ItemInput(**base, status="done", done_on=tomorrow))
    today = item_problems(plan=plan, data=ItemInput(**base, status="done", done_on=timezone.localdate()))

    assert [(p.field, p.message) for p in not_done] == [
        ("done_on", "Only a done item has a date it was done: leave it empty or choose Done.")
    ]
    assert [(p.field, p.message) for p in to_come] == [("done_on", "The item cannot be done on a day still to come.")]
    assert today == []
    with pytest.raises(ActionError):
        make_item(2, status="in_progress", done_on=DONE_BEFORE)
    assert not ActionItem.objects.filter(number=2).exists()


def test_the_item_form_saves_the_day_it_was_done(english_client, administrator, plan, make_item):
    item = make_item(1, status="planned", tasks=["invoices"])
    english_client.force_login(administrator)
    url = reverse("actionplan:item_edit", args=[item.pk])

    refused = english_client.post(url, item_post(status="planned", done_on="2025-06-30"))
    english_client.post(url, item_post(status="done", done_on="2025-06-30"))

    assert "Only a done item has a date it was done" in refused.content.decode()
    item.refresh_from_db()
    assert (item.status, item.done_on) == ("done", DONE_BEFORE)


# --- The pages -----------------------------------------------------------------------------------


def section(page: str, testid: str) -> str:
    match = re.search(rf'<section[^>]*data-testid="{testid}".*?</section>', page, re.S)
    assert match, testid
    return match.group(0)


def table(page: str, testid: str) -> str:
    match = re.search(rf'<table[^>]*data-testid="{testid}".*?</table>', page, re.S)
    assert match, testid
    return match.group(0)


def rows(page: str, attribute: str) -> dict[int, tuple[str, str]]:
    """The table rows `<tr data-item=… data-<attribute>=…>`: {item number: (attribute, the row's html)}."""
    found = re.findall(rf'<tr data-item="(\d+)" data-{attribute}="([\w-]*)">(.*?)</tr>', page, re.S)
    return {int(number): (value, html) for number, value, html in found}


@pytest.fixture
def the_plan_items(plan, make_item, administrator, baseline, followup):
    late = FOLLOWUP_START + dt.timedelta(days=3)
    by = administrator
    return {
        1: done(make_item, 1, ["invoices"], survey=baseline, title="Fakturaflöde", by=by),
        2: done(make_item, 2, ["invoices", "payroll-hr"], survey=baseline, title="Attest och lön", by=by),
        3: done(make_item, 3, ["purchasing"], survey=baseline, title="Inköpsrutin", by=by),
        4: done(make_item, 4, ["payroll-hr"], done_on=late, title="Sen lönerutin", by=by),
        5: make_item(5, status="planned", tasks=["budget"], title="Budgetmall", by=by),
    }


def test_the_effect_page_shows_the_figures_in_swedish(client, administrator, plan, the_plan_items):
    client.force_login(administrator)

    page = client.get(reverse("actionplan:effect", args=[plan.pk])).content.decode()

    measured = rows(table(page, "effect-table"), "verdict")
    assert {number: verdict for number, (verdict, _html) in measured.items()} == {1: "less", 2: "unclear", 3: "more"}
    invoices = measured[1][1]
    for figure in (sv(INVOICES["baseline"], sign=False), sv(INVOICES["followup"], sign=False), "−33,0"):
        assert figure in invoices
    assert "−53,5" in invoices and "−12,5" in invoices  # the interval
    assert "+15,8" in measured[3][1] and "+8,8" in measured[3][1] and "+22,8" in measured[3][1]
    assert 'data-testid="shares"' in measured[2][1]
    waiting = rows(table(page, "waiting-table"), "reason")
    assert {number: reason for number, (reason, _html) in waiting.items()} == {4: "no_followup", 5: "not_done"}
    total = section(page, "plan-total")
    # The tasks of items 1–3, done between the rounds (4 was done after the follow-up started, 5 is planned).
    expected = by_hand(BASELINE, FOLLOWUP, ["invoices", "payroll-hr", "purchasing"])
    assert "nr 1, 2, 3" in total
    assert f'data-verdict="{expected["verdict"]}"' in total
    assert sv(expected["change"]) in total
    assert sv(expected["ci_low"]) in total and sv(expected["ci_high"]) in total
    # The forest plot is an image of its own: the items and the plan's tasks together, each a point.
    src, alt = re.search(r'<figure class="chart[^"]*" id="forest">\s*<img src="([^"]+)" alt="([^"]+)"', page).groups()
    assert src == reverse("actionplan:effect_chart", args=[plan.pk])
    chart = client.get(src)
    assert chart.status_code == 200 and chart["Content-Type"] == "image/svg+xml; charset=utf-8"
    svg = chart.content.decode()
    assert svg.startswith("<svg ") and f'aria-label="{alt}"' in svg
    texts = [text.text or "" for text in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]
    for number in (1, 2, 3):  # the three measured items' points, labelled "number. title"
        assert [text for text in texts if text.startswith(f"{number}. ")], (number, texts)


def test_the_effect_page_says_it_in_english_words(english_client, administrator, plan, the_plan_items):
    english_client.force_login(administrator)

    page = english_client.get(reverse("actionplan:effect", args=[plan.pk])).content.decode()

    assert "Less friction after 1 item, no clear change after 1 item, more friction after 1 item." in page
    assert "Friction fell by 33.0 min per manager-day (95 % CI 12.5–53.5), 4 managers in both rounds." in page
    assert "Friction rose by 15.8 min per manager-day (95 % CI 8.8–22.8), 4 managers in both rounds." in page
    assert "Shares its tasks with items 1 and 4: their effects cannot be told apart." in page
    assert "Not measurable yet: no survey round has started since the item was done on 9 October 2025." in page


CAUSE_CAVEAT = (
    "A change between two rounds does not by itself show that the items caused it: there is no comparison "
    "group, and the season, the workload and other things can differ between the rounds."
)


def open_notice(survey: Survey) -> str:
    return f"{survey.name} is still open: the figures and the verdicts change as more days are submitted."


def test_the_effect_page_warns_that_a_change_is_no_proof_and_that_the_follow_up_is_open(
    english_client, administrator, plan, the_plan_items, baseline, followup
):
    english_client.force_login(administrator)
    url = reverse("actionplan:effect", args=[plan.pk])
    Survey.objects.filter(pk=baseline.pk).update(status=Survey.Status.CLOSED)

    page = english_client.get(url).content.decode()

    assert CAUSE_CAVEAT in page
    assert page.count('data-testid="open-round"') == 1 and open_notice(followup) in page
    # Items 1 and 2 share invoices but item 2 also has payroll: three measurements for three items.
    assert 'data-testid="measurements-note"' not in page

    Survey.objects.filter(pk=followup.pk).update(status=Survey.Status.CLOSED)
    closed = english_client.get(url).content.decode()
    assert 'data-testid="open-round"' not in closed and CAUSE_CAVEAT in closed


def test_the_effect_page_counts_items_over_the_same_tasks_as_one_measurement(
    english_client, administrator, plan, the_plan_items, make_item, baseline
):
    done(make_item, 6, ["invoices"], survey=baseline, title="Fakturor igen")
    english_client.force_login(administrator)

    page = english_client.get(reverse("actionplan:effect", args=[plan.pk])).content.decode()

    assert (
        "Less friction after 2 items (1 measurement), no clear change after 1 item, more friction after 1 item." in page
    )
    assert "The 4 items rest on 3 distinct measurements: items addressing the same tasks share one." in page


def test_the_item_page_says_its_change_is_the_sum_of_its_rows_but_its_interval_is_not(
    english_client, administrator, the_plan_items, followup
):
    english_client.force_login(administrator)

    page = english_client.get(reverse("actionplan:item", args=[the_plan_items[2].pk])).content.decode()

    assert (
        "The item's change is the sum of the task rows' changes (the same managers in both rounds), "
        "give or take rounding; its interval is not the sum of theirs, since it comes from each manager's "
        "change over all the tasks together."
    ) in page
    assert "so it is not the sum of the task rows" not in page
    assert open_notice(followup) in page
    # By hand: the change of the two tasks together is the sum of their changes.
    assert INVOICES_AND_PAYROLL["change"] == pytest.approx(INVOICES["change"] + PAYROLL["change"])


def test_the_task_page_tells_the_paired_figure_from_the_rounds_figure(
    english_client, administrator, plan, the_plan_items, followup
):
    english_client.force_login(administrator)

    page = english_client.get(reverse("actionplan:task", args=[followup.slug, "invoices"])).content.decode()

    assert "Friction minutes per manager-day (managers in both rounds)" in page
    assert "Friction minutes per manager-day (all manager-days of the round)" in page
    assert (
        "The figure for the managers in both rounds is the mean of each manager's own average, so every "
        "manager weighs the same; the figure for all manager-days of the round pools every day of every "
        "manager, so the two can differ."
    ) in page
    assert open_notice(followup) in page
    # The function rating as every analysis page names and rounds it.
    assert "Function (1–4)" in page and "How well it worked" not in page
    functions = re.findall(r'data-field="function_mean">([^<]*)<', page)
    assert len(functions) == 2 and all(re.fullmatch(r"\d\.\d", value) for value in functions), functions


def test_the_item_page_shows_its_change_its_tasks_and_why_not(client, administrator, plan, the_plan_items):
    client.force_login(administrator)

    def item_page(number: int) -> str:
        return client.get(reverse("actionplan:item", args=[the_plan_items[number].pk])).content.decode()

    single = item_page(1)
    assert re.search(r'data-testid="measured" data-verdict="less"', single)
    assert "−33,0" in single and "−53,5" in single and "−12,5" in single
    assert "task-parts" not in single
    # One task: no forest plot of its tasks, on the page or as an image.
    assert "<img" not in single
    assert client.get(reverse("actionplan:item_chart", args=[the_plan_items[1].pk])).status_code == 404

    double = item_page(2)
    parts = table(double, "task-parts")
    src = reverse("actionplan:item_chart", args=[the_plan_items[2].pk])
    assert f'<img src="{src}"' in double
    chart = client.get(src)
    assert chart.status_code == 200 and chart["Content-Type"] == "image/svg+xml; charset=utf-8"
    for expected in (INVOICES, PAYROLL, INVOICES_AND_PAYROLL):
        assert sv(expected["change"]) in parts
    assert sv(INVOICES_AND_PAYROLL["ci_low"]) in double and sv(INVOICES_AND_PAYROLL["ci_high"]) in double
    assert 'data-testid="shares"' in double

    late = item_page(4)
    assert 'data-testid="not-measurable" data-reason="no_followup"' in late
    assert 'data-testid="measured"' not in late


def test_the_task_page_shows_the_tasks_change_between_the_latest_pair(client, administrator, plan, the_plan_items):
    client.force_login(administrator)

    page = client.get(reverse("actionplan:task", args=["uppfoljning-hosten-2025", "purchasing"])).content.decode()

    measured = re.search(r'data-testid="measured" data-verdict="(\w+)".*?</table>', page, re.S)
    assert measured and measured.group(1) == "more"
    for figure in ("+15,8", "+8,8", "+22,8", sv(PURCHASING["baseline"], sign=False)):
        assert figure in measured.group(0)


def test_the_item_page_shows_an_item_whose_history_has_no_user(client, administrator, make_item, baseline, followup):
    # Items written outside a request (seed_demo, import_actions, the done_on migration) have history
    # records without a user; the history list says "unknown (file or system)" for them.
    item = done(make_item, 1, ["invoices"], survey=baseline)
    client.force_login(administrator)

    response = client.get(reverse("actionplan:item", args=[item.pk]))

    assert response.status_code == 200
    assert 'data-testid="measured" data-verdict="less"' in response.content.decode()


# --- Done before the baseline ended (audit B, finding 9) ------------------------------------------


@pytest.mark.parametrize(
    "done_on",
    [dt.date(2025, 2, 1), dt.date(2025, 3, 3), dt.date(2025, 3, 7)],
    ids=["before the baseline started", "on its first day", "on its last day"],
)
def test_an_item_done_before_its_baseline_ended_is_not_measurable_with_it(plan, make_item, baseline, followup, done_on):
    # The baseline (3–7 March) found the item; the item being done by then, the baseline's friction
    # already has (some of) its effect, so baseline → follow-up cannot be its change.
    found = the_effect(plan, done(make_item, 1, ["invoices"], done_on=done_on, survey=baseline))

    assert (found.measured, found.baseline_round, found.reason_code) == (None, baseline, effect.DONE_BEFORE_BASELINE)
    day = f"{done_on.day} {done_on:%B %Y}"
    assert found.reason == (
        f"Not measurable: the item was done on {day}, before the baseline Nollmätning 2025 ended (7 March 2025), "
        "so the baseline already holds its effect."
    )


def test_an_item_done_the_day_after_its_baseline_ended_is_measured(plan, make_item, baseline, followup):
    found = the_effect(plan, done(make_item, 1, ["invoices"], done_on=dt.date(2025, 3, 8), survey=baseline))

    assert_figures(found.measured.change, INVOICES)


# --- A task that one or two managers did (audit B, finding 2) --------------------------------------

# budget: in the baseline only manager 3 had minutes on it (unrated), in the follow-up only manager 2.
# Shown, its follow-up figure would be manager 2's friction (60·0/3 = 0) divided by 4.


def did(diaries: Diaries, code: str, numbers: list[int]) -> int:
    return sum(any(code in day for day in diaries[n]) for n in numbers)


def test_an_item_leaves_out_a_task_that_one_manager_did_and_says_so(
    client, administrator, plan, make_item, baseline, followup
):
    paired = [1, 2, 3, 4]
    assert (did(BASELINE, "budget", paired), did(FOLLOWUP, "budget", paired)) == (1, 1)
    item = done(make_item, 6, ["invoices", "budget"], survey=baseline)

    found = the_effect(plan, item)

    # The item's figure is invoices' alone, and names budget as left out.
    assert_figures(found.measured.change, INVOICES)
    assert found.measured.change.left_out == {"budget": "did_too_few"}
    assert found.measured.note.startswith("Without ")
    assert found.measured.note.endswith(": fewer than 3 managers did the task in one of the rounds.")
    client.force_login(administrator)
    page = client.get(reverse("actionplan:item", args=[item.pk])).content.decode()
    parts = table(page, "task-parts")
    withheld = 'data-testid="withheld-part">Visas inte: färre än 3 chefer gjorde uppgiften i någon av omgångarna.'
    assert withheld in parts
    assert 'data-testid="left-out">Utan ' in page
    assert client.get(reverse("actionplan:item_chart", args=[item.pk])).status_code == 200


def test_an_item_whose_every_task_is_withheld_shows_no_figure_and_why(
    english_client, administrator, plan, make_item, baseline, followup
):
    item = done(make_item, 7, ["budget", "letters"], survey=baseline)  # letters: manager 1 in B, nobody in F

    found = the_effect(plan, item)

    assert (found.verdict, found.measured.change.change) == ("withheld", None)
    assert found.measured.sentence == "Not shown: fewer than 3 managers did the task in one of the rounds."
    english_client.force_login(administrator)
    page = english_client.get(reverse("actionplan:effect", args=[plan.pk])).content.decode()
    row = rows(table(page, "effect-table"), "verdict")[7][1]
    assert "fewer than 3 managers did the task in one of the rounds" in row and "−" not in row


def test_the_task_page_withholds_a_task_one_manager_did(english_client, administrator, plan, baseline, followup):
    english_client.force_login(administrator)

    page = english_client.get(reverse("actionplan:task", args=["uppfoljning-hosten-2025", "budget"])).content.decode()

    assert 'data-testid="measured" data-verdict="withheld"' in page
    assert "Not shown: fewer than 3 managers did the task in one of the rounds." in page
    report = effect.plan_report(baseline=baseline, followup=followup)
    budget = next(task for task in report["tasks"] if task["task"] == "budget")
    assert (budget["followup"], budget["reason"]) == (None, "tasks_withheld")


# --- A departmental item (audit B, finding 4) --------------------------------------------------------


@pytest.fixture
def barn(municipality, baseline, followup):
    """Every manager in Barn- och utbildningsförvaltningen (1–4 in both rounds, 5 and 6 in one each);
    Socialförvaltningen has a unit and nobody in it. With 5 and 6 in Socialförvaltningen, each round's
    dashboard would withhold Barn (everyone's figures minus Barn's would be theirs), and so would "did
    it help?"."""
    from surveys.models import Department, Unit

    departments = {
        name: Department.objects.create(municipality=municipality, name=name)
        for name in ("Barn- och utbildningsförvaltningen", "Socialförvaltningen")
    }
    for name, numbers in (("Barn- och utbildningsförvaltningen", [1, 2, 3, 4, 5, 6]), ("Socialförvaltningen", [])):
        unit = Unit.objects.create(department=departments[name], name=f"Enhet i {name}")
        Participant.objects.filter(number__in=numbers).update(unit=unit)
    return departments


def test_a_departmental_item_is_measured_on_its_departments_managers(
    english_client, administrator, plan, make_item, baseline, followup, barn
):
    department = barn["Barn- och utbildningsförvaltningen"]
    item = done(make_item, 1, ["invoices"], survey=baseline, owner_level="department", department=department)

    found = the_effect(plan, item)

    assert found.measured.department == "Barn- och utbildningsförvaltningen"
    assert_figures(found.measured.change, INVOICES)  # the four paired managers are all Barn's
    assert found.measured.sentence == (
        # −33 ± 20.5 (test_the_worked_examples_are_what_the_tables_say), with the tables' one decimal.
        "Friction fell by 33.0 min per manager-day (95 % CI 12.5–53.5), "
        "4 managers of Barn- och utbildningsförvaltningen in both rounds."
    )
    english_client.force_login(administrator)
    page = english_client.get(reverse("actionplan:item", args=[item.pk])).content.decode()
    assert "4 managers of Barn- och utbildningsförvaltningen in both rounds" in page


def test_a_department_that_a_rounds_dashboard_withholds_is_withheld_here_too(
    english_client, administrator, plan, make_item, baseline, followup, barn
):
    # 5 (baseline only) and 6 (follow-up only) in Socialförvaltningen: each round's dashboard withholds
    # Barn, since everyone's figures minus Barn's would be 5's, and 6's. Every manager in both rounds is
    # in Barn, so none of this rule's own tests would withhold it: Barn's figure would be everyone's in
    # both rounds but 5 and 6.
    Participant.objects.filter(number__in=[5, 6]).update(unit=barn["Socialförvaltningen"].units.get())
    department = barn["Barn- och utbildningsförvaltningen"]
    item = done(make_item, 1, ["invoices"], survey=baseline, owner_level="department", department=department)

    found = the_effect(plan, item)

    assert (found.verdict, found.measured.change.reason) == ("withheld", "dashboard_withheld")
    assert found.measured.sentence == (
        "Not shown: the dashboard of one of the rounds withholds the figures of Barn- och "
        "utbildningsförvaltningen, and this figure would give them away."
    )
    english_client.force_login(administrator)
    page = english_client.get(reverse("actionplan:item", args=[item.pk])).content.decode()
    assert "the dashboard of one of the rounds withholds the figures of Barn" in page
    assert "Friction fell" not in page


def test_a_task_a_rounds_dashboard_withholds_is_named_as_left_out(municipality):
    from analysis import paired

    left_out = paired.Change(paired_managers=4, left_out={"purchasing": paired.DID_DASHBOARD})

    assert effect.left_out_note(left_out, municipality=municipality) == (
        "Without purchasing: the dashboard of one of the rounds withholds the task's row, and this figure "
        "beside the dashboard's totals would give away what it withholds."
    )


def test_a_departmental_item_with_too_few_of_its_managers_in_a_follow_up_is_not_measurable(
    plan, make_item, baseline, followup, barn
):
    # Managers 3 and 4 move to Socialförvaltningen: Barn keeps 1 and 2 in both rounds.
    social_unit = barn["Socialförvaltningen"].units.get()
    Participant.objects.filter(number__in=[3, 4]).update(unit=social_unit)
    department = barn["Barn- och utbildningsförvaltningen"]

    found = the_effect(
        plan, done(make_item, 1, ["invoices"], survey=baseline, owner_level="department", department=department)
    )

    assert (found.measured, found.reason_code) == (None, effect.TOO_FEW)
    assert "at least 3 of the managers of Barn- och utbildningsförvaltningen in Nollmätning 2025" in found.reason


def test_a_department_withheld_by_secondary_suppression_says_why(municipality):
    from analysis import paired

    withheld = paired.Change(paired_managers=3, reason=paired.SECONDARY)
    # No round of the municipality names the task, so the note names its code.
    left_out = paired.Change(paired_managers=4, left_out={"budget": paired.DID_SECONDARY})

    assert effect.withheld_sentence(withheld, managers="3 managers", department="Barn") == (
        "Not shown: fewer than 3 of the managers in both rounds are in no department's figure (they changed "
        "department or have no unit), and every manager's figure minus the departments' would give theirs away; "
        "the department with the fewest managers is withheld."
    )
    assert effect.left_out_note(left_out, municipality=municipality, department="Barn") == (
        "Without budget: the managers who did the task in one of the rounds and are in no "
        "other department's figure are fewer than 3, and every manager's figure minus the departments' would give "
        "theirs away."
    )


def test_a_departmental_figure_that_would_give_away_the_managers_outside_it_is_withheld(
    plan, make_item, baseline, followup, barn
):
    # Barn keeps managers 1–3 of those in both rounds; 4 moves to Social: everyone's figure minus Barn's
    # would be manager 4's.
    Participant.objects.filter(number=4).update(unit=barn["Socialförvaltningen"].units.get())
    department = barn["Barn- och utbildningsförvaltningen"]

    found = the_effect(
        plan, done(make_item, 1, ["invoices"], survey=baseline, owner_level="department", department=department)
    )

    assert (found.verdict, found.measured.change.reason) == ("withheld", "complement")
    assert found.measured.sentence == (
        "Not shown: fewer than 3 of the managers in both rounds are outside Barn- och utbildningsförvaltningen, "
        "and the figure for every manager would give theirs away."
    )
