"""Did it help? Which rounds can answer that for an action item, and what they answer.

The figures are `analysis.paired`'s: the change in friction minutes per manager-day over the managers
in both rounds, with a 95 % interval. This module decides when such a change can be credited to an
item at all:

- Only a done item is measured, and only by a follow-up round that started after it was done.
- The baseline is the round that found the item, else the latest round that ended before the item
  started (its start date, else the day it was done). A baseline that had not ended before the item
  was done already holds some of its effect: the item is not measurable with it (DONE_BEFORE_BASELINE).
- A departmental item is measured on the managers of its department (their unit's department in both
  rounds), a central one on every manager.
- A follow-up needs the baseline's task codes and submitted days from at least MIN_GROUP managers
  who are also in the baseline (of the department, for a departmental item); the latest such round
  answers. An empty or draft round never does.
- Items that address a common task cannot be told apart: each is shown with the others named.
- The plan's figure takes the tasks of the items done between the latest comparable pair of rounds
  (after the baseline ended, before the follow-up started), over every manager.

This is the action plan's one door to the `analysis` app (the import contract in pyproject.toml
holds every other module of the app to it): the paired change, the friction ranking a task page
shows per round, the forest plot, and the chart tools the overview's chart is drawn with.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.utils import formats
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from analysis.charts import forest
from analysis.charts import plain_text as plain_text  # for charts.py: area names are text, never mathtext
from analysis.charts import use_svg_settings as use_svg_settings  # for charts.py: the same SVG text
from analysis.charts import without_inline_styles as without_inline_styles  # for charts.py: CSP-safe SVG
from analysis.disclosure import MIN_GROUP
from analysis.labels import signed_number
from mio import cache
from surveys import selectors as survey_selectors
from surveys.models import Department, Municipality, Participant, Survey

from . import selectors
from .models import ActionItem, ActionPlan

if TYPE_CHECKING:
    from analysis import paired

# Why an item's effect is not measurable yet.
NOT_DONE = "not_done"
NO_BASELINE = "no_baseline"
NO_FOLLOWUP = "no_followup"
TOO_FEW = "too_few"
DONE_BEFORE_BASELINE = "done_before_baseline"


@dataclass(frozen=True)
class Rounds:
    """The municipality's opened rounds, earliest first, with their task codes and the participant
    numbers that have a manager-day in each (read once per page)."""

    surveys: list[Survey]
    codes: dict[int, set[str]]
    managers: dict[int, set[int]]
    departments: dict[int, dict[int, int | None]]  # round: participant number: their unit's department

    @classmethod
    def of(cls, *, municipality_id: int) -> Rounds:
        surveys = list(
            Survey.objects.filter(municipality_id=municipality_id)
            .exclude(status=Survey.Status.DRAFT)
            .order_by("start_date", "pk")
        )
        departments: dict[int, dict[int, int | None]] = {survey.pk: {} for survey in surveys}
        rows = Participant.objects.filter(survey__in=surveys).values_list("survey_id", "number", "unit__department_id")
        for survey_id, number, department in rows:
            departments[survey_id][number] = department
        return cls(
            surveys=surveys,
            codes=survey_selectors.task_codes_of(surveys),
            managers=survey_selectors.managers_with_days(surveys),
            departments=departments,
        )

    def paired(self, baseline: Survey, followup: Survey) -> int:
        return len(self.managers[baseline.pk] & self.managers[followup.pk])

    def comparable(self, baseline: Survey, followup: Survey, department: int | None = None) -> bool:
        """Whether `followup` answers for `baseline`; for a department, with MIN_GROUP of its managers."""
        managers = self.managers
        if department is not None:
            managers = {
                survey.pk: {n for n in self.managers[survey.pk] if self.departments[survey.pk].get(n) == department}
                for survey in (baseline, followup)
            }
        return survey_selectors.is_comparable(
            baseline, followup, codes=self.codes, managers=managers, min_paired=MIN_GROUP
        )

    def latest_pair(self) -> tuple[Survey, Survey] | None:
        """The latest follow-up with data and its latest comparable baseline, as on "Compare rounds"."""
        latest_first = sorted(self.surveys, key=lambda survey: survey.start_date, reverse=True)
        return survey_selectors.latest_pair_of(latest_first, self.codes, self.managers, MIN_GROUP)


@dataclass(frozen=True)
class Measured:
    """A change between two rounds for a set of tasks, with its reading in words and in SEK."""

    baseline_round: Survey
    followup_round: Survey
    change: paired.Change
    sek: dict[str, float | None]
    department: str = ""  # the department whose managers are measured; empty: every manager
    note: str = ""  # the tasks left out of the figure and why, e.g. "Without Budget: fewer than 3 …"

    @property
    def verdict(self) -> str:
        return self.change.verdict

    @property
    def sentence(self) -> str:
        return describe(self.change, department=self.department)


@dataclass(frozen=True)
class ItemEffect:
    """One item: its measured effect, or why it is not measurable yet, and the items sharing its tasks."""

    item: ActionItem
    measured: Measured | None = None
    reason: str = ""
    reason_code: str = ""
    baseline_round: Survey | None = None
    shares_with: list[int] = field(default_factory=list)

    @property
    def verdict(self) -> str | None:
        return self.measured.verdict if self.measured else None

    @property
    def sharing_note(self) -> str:
        """E.g. "Shares its tasks with items 1 and 4: their effects cannot be told apart."."""
        if not self.shares_with:
            return ""
        numbers = [str(number) for number in self.shares_with]
        return ngettext(
            "Shares its tasks with item %(numbers)s: their effects cannot be told apart.",
            "Shares its tasks with items %(numbers)s: their effects cannot be told apart.",
            len(numbers),
        ) % {"numbers": joined(numbers)}


def measure(
    *, baseline: Survey, followup: Survey, codes: Sequence[str], department: Department | None = None
) -> Measured:
    """The change of `codes` together, over every paired manager or those of `department`."""
    from analysis import paired

    change = paired.tasks_change(
        baseline=baseline, followup=followup, codes=codes, department=department.pk if department else None
    )
    sek = change.in_sek(hourly_cost=followup.hourly_cost, working_days_per_year=followup.working_days_per_year)
    name = str(department) if department else ""
    # One task withheld says why in the sentence; several tasks name the ones left out.
    note = left_out_note(change, municipality=followup.municipality, department=name) if len(codes) > 1 else ""
    return Measured(
        baseline_round=baseline, followup_round=followup, change=change, sek=sek, department=name, note=note
    )


def left_out_note(change: paired.Change, *, municipality: Municipality, department: str = "") -> str:
    """E.g. "Without Budget and Lön och HR: fewer than 3 managers did the task in one of the rounds."."""
    from analysis import paired

    if not change.left_out:
        return ""
    labels = selectors.task_labels(municipality=municipality, language=get_language())
    notes = []
    for why in (paired.DID_TOO_FEW, paired.DID_COMPLEMENT, paired.DID_SECONDARY, paired.DID_DASHBOARD):
        codes = [code for code, reason in change.left_out.items() if reason == why]
        if codes:
            tasks = joined([labels.get(code, code) for code in codes])
            notes.append(_("Without %(tasks)s: %(why)s.") % {"tasks": tasks, "why": why_left_out(why, department)})
    return " ".join(notes)


def why_left_out(reason: str, department: str = "") -> str:
    """Why a task is left out of a change, as the dashboard says why it withholds a task's row."""
    from analysis import paired

    if reason == paired.DID_COMPLEMENT:
        return _(
            "fewer than %(count)d of the managers outside %(department)s did the task in one of the rounds, "
            "and the figure for every manager would give theirs away"
        ) % {"count": MIN_GROUP, "department": department}
    if reason == paired.DID_DASHBOARD:
        return _(
            "the dashboard of one of the rounds withholds the task's row, and this figure beside the "
            "dashboard's totals would give away what it withholds"
        )
    if reason == paired.DID_SECONDARY:
        return _(
            "the managers who did the task in one of the rounds and are in no other department's figure are "
            "fewer than %(count)d, and every manager's figure minus the departments' would give theirs away"
        ) % {"count": MIN_GROUP}
    return _("fewer than %(count)d managers did the task in one of the rounds") % {"count": MIN_GROUP}


def joined(words: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(words) < 2:
        return "".join(words)
    return _("%(list)s and %(last)s") % {"list": ", ".join(words[:-1]), "last": words[-1]}


def baseline_for(item: ActionItem, rounds: Rounds) -> Survey | None:
    """The round that found the item, else the latest round ended before the item started."""
    if item.survey_id is not None:
        return next((survey for survey in rounds.surveys if survey.pk == item.survey_id), None)
    started = item.start_date or item.done_on
    if started is None:
        return None
    ended = [survey for survey in rounds.surveys if survey.end_date < started]
    return ended[-1] if ended else None


def item_scope(item: ActionItem) -> Department | None:
    """Whose managers measure the item: its department's for a departmental item, else everyone's."""
    return item.department if item.owner_level == ActionItem.OwnerLevel.DEPARTMENT else None


def item_effect(item: ActionItem, rounds: Rounds, shares_with: list[int]) -> ItemEffect:
    common = {"item": item, "shares_with": shares_with}
    if item.status != ActionItem.Status.DONE or item.done_on is None:
        return ItemEffect(
            **common,
            reason_code=NOT_DONE,
            reason=_("Not measurable yet: the item is not done (%(status)s).")
            % {"status": item.get_status_display().lower()},
        )
    baseline = baseline_for(item, rounds)
    if baseline is None:
        return ItemEffect(
            **common,
            reason_code=NO_BASELINE,
            reason=_("Not measurable: no survey round ended before the item started, so there is no baseline."),
        )
    done_on = formats.date_format(item.done_on, "j F Y")
    if item.done_on <= baseline.end_date:
        return ItemEffect(
            **common,
            baseline_round=baseline,
            reason_code=DONE_BEFORE_BASELINE,
            reason=_(
                "Not measurable: the item was done on %(date)s, before the baseline %(baseline)s ended "
                "(%(end)s), so the baseline already holds its effect."
            )
            % {"date": done_on, "baseline": baseline.name, "end": formats.date_format(baseline.end_date, "j F Y")},
        )
    since = [survey for survey in rounds.surveys if survey.start_date > item.done_on]
    if not since:
        return ItemEffect(
            **common,
            baseline_round=baseline,
            reason_code=NO_FOLLOWUP,
            reason=_("Not measurable yet: no survey round has started since the item was done on %(date)s.")
            % {"date": done_on},
        )
    department = item_scope(item)
    followups = [survey for survey in since if rounds.comparable(baseline, survey, department and department.pk)]
    if not followups:
        values = {"date": done_on, "count": MIN_GROUP, "baseline": baseline.name}
        if department is None:
            reason = _(
                "Not measurable yet: since the item was done on %(date)s, no round with the same tasks has "
                "submitted days from at least %(count)d of the managers in %(baseline)s."
            )
        else:
            values["department"] = str(department)
            reason = _(
                "Not measurable yet: since the item was done on %(date)s, no round with the same tasks has "
                "submitted days from at least %(count)d of the managers of %(department)s in %(baseline)s."
            )
        return ItemEffect(**common, baseline_round=baseline, reason_code=TOO_FEW, reason=reason % values)
    measured = measure(baseline=baseline, followup=followups[-1], codes=item.task_codes, department=department)
    return ItemEffect(**common, baseline_round=baseline, measured=measured)


def sharing(items: Sequence[ActionItem]) -> dict[int, list[int]]:
    """For each item, the numbers of the other items that address one of its tasks."""
    return {
        item.pk: [
            other.number for other in items if other.pk != item.pk and set(other.task_codes) & set(item.task_codes)
        ]
        for item in items
    }


def item_effects(*, plan: ActionPlan, items: Sequence[ActionItem] | None = None) -> list[ItemEffect]:
    """Every item of `items` (default: the plan's) that addresses tasks, measured where it can be."""
    every = list(plan.items.exclude(tasks="").select_related("department").order_by("number"))
    shared = sharing(every)
    chosen = every if items is None else [item for item in items if item.task_codes]
    rounds = Rounds.of(municipality_id=plan.municipality_id)
    return [item_effect(item, rounds, shared.get(item.pk, [])) for item in chosen]


@dataclass(frozen=True)
class PlanEffect:
    """The plan's figure: the tasks of the items done between a pair of rounds, together."""

    baseline_round: Survey
    followup_round: Survey
    items: list[ActionItem]  # done after the baseline ended and before the follow-up started
    measured: Measured | None  # None when no item was done between the rounds

    @property
    def numbers(self) -> list[int]:
        return [item.number for item in self.items]


def done_between(plan: ActionPlan, *, baseline: Survey, followup: Survey) -> list[ActionItem]:
    """The items that a pair of rounds can measure: done after the baseline ended and before the
    follow-up started, and addressing tasks."""
    return list(
        plan.items.filter(status=ActionItem.Status.DONE, done_on__gt=baseline.end_date, done_on__lt=followup.start_date)
        .exclude(tasks="")
        .order_by("number")
    )


def plan_codes(items: Sequence[ActionItem]) -> list[str]:
    """Every task code the items address."""
    return sorted({code for item in items for code in item.task_codes})


def plan_effect(*, plan: ActionPlan) -> PlanEffect | None:
    """The change over the tasks of the items done between the latest comparable pair with data;
    None without such a pair."""
    pair = Rounds.of(municipality_id=plan.municipality_id).latest_pair()
    if pair is None:
        return None
    baseline, followup = pair
    items = done_between(plan, baseline=baseline, followup=followup)
    measured = measure(baseline=baseline, followup=followup, codes=plan_codes(items)) if items else None
    return PlanEffect(baseline_round=baseline, followup_round=followup, items=items, measured=measured)


def task_effect(*, municipality_id: int, code: str) -> Measured | None:
    """One task's change between the municipality's latest comparable pair with data."""
    pair = Rounds.of(municipality_id=municipality_id).latest_pair()
    if pair is None:
        return None
    return measure(baseline=pair[0], followup=pair[1], codes=[code])


# --- In words ------------------------------------------------------------------------------------


def _rounded(value: float, places: int) -> Decimal:
    """Halves rounded up, as the templates' floatformat does, so one figure reads the same everywhere."""
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


# One decimal, as the tables beside a sentence write its change and interval: "13,6 (1,7–25,6)", never
# "14 (1,7–26)" beside a row reading −13,6.
PLACES = 1


def minutes(value: float) -> str:
    """Minutes for a sentence, with the tables' one decimal (locale's decimal mark)."""
    return formats.number_format(_rounded(value, PLACES), PLACES)


def describe(change: paired.Change, *, department: str = "") -> str:
    """The verdict in plain words, e.g. "Friction fell by 12.3 min per manager-day (95 % CI 5.1–19.4),
    14 managers in both rounds"; with `department`, "… 6 managers of X in both rounds"."""
    from analysis import paired

    k = change.paired_managers
    if department:
        managers = ngettext(
            "%(k)d manager of %(department)s in both rounds", "%(k)d managers of %(department)s in both rounds", k
        ) % {"k": k, "department": department}
    else:
        managers = ngettext("%(k)d manager in both rounds", "%(k)d managers in both rounds", k) % {"k": k}
    if change.verdict == paired.WITHHELD:
        return withheld_sentence(change, managers=managers, department=department)
    values: dict[str, Any] = {"managers": managers}
    if change.verdict == paired.LESS:
        values.update(by=minutes(-change.change), low=minutes(-change.ci_high), high=minutes(-change.ci_low))
        return _("Friction fell by %(by)s min per manager-day (95 %% CI %(low)s–%(high)s), %(managers)s.") % values
    if change.verdict == paired.MORE:
        values.update(by=minutes(change.change), low=minutes(change.ci_low), high=minutes(change.ci_high))
        return _("Friction rose by %(by)s min per manager-day (95 %% CI %(low)s–%(high)s), %(managers)s.") % values
    values.update(by=signed(change.change), low=signed(change.ci_low), high=signed(change.ci_high))
    return _("No clear change: %(by)s min per manager-day (95 %% CI %(low)s to %(high)s), %(managers)s.") % values


def withheld_sentence(change: paired.Change, *, managers: str, department: str) -> str:
    """Why a change is not shown."""
    from analysis import paired

    if change.reason == paired.COMPLEMENT:
        return _(
            "Not shown: fewer than %(count)d of the managers in both rounds are outside %(department)s, and the "
            "figure for every manager would give theirs away."
        ) % {"count": MIN_GROUP, "department": department}
    if change.reason == paired.SECONDARY:
        return _(
            "Not shown: fewer than %(count)d of the managers in both rounds are in no department's figure (they "
            "changed department or have no unit), and every manager's figure minus the departments' would give "
            "theirs away; the department with the fewest managers is withheld."
        ) % {"count": MIN_GROUP}
    if change.reason == paired.DASHBOARD_WITHHELD:
        return _(
            "Not shown: the dashboard of one of the rounds withholds the figures of %(department)s, and this "
            "figure would give them away."
        ) % {"department": department}
    if change.reason == paired.TASKS_WITHHELD:
        reasons = set(change.left_out.values())
        if len(change.left_out) == 1 or len(reasons) == 1:
            return _("Not shown: %(why)s.") % {"why": why_left_out(reasons.pop(), department)}
        return _("Not shown: no task can be shown.")
    if department:
        return _("Not shown: fewer than %(count)d managers of %(department)s in both rounds (%(managers)s).") % {
            "count": MIN_GROUP,
            "department": department,
            "managers": managers,
        }
    return _("Not shown: fewer than %(count)d managers in both rounds (%(managers)s).") % {
        "count": MIN_GROUP,
        "managers": managers,
    }


def signed(value: float, digits: int | None = None) -> str:
    """A change with its sign (analysis.labels.signed_number, as the `change` filter shows it);
    `digits` decimals, or those of `minutes()` when None."""
    return signed_number(value, PLACES if digits is None else digits)


def forest_label(label: str, measured: Measured) -> str:
    """A forest plot point's label, saying when tasks are left out of its figure (the page names them)."""
    count = len(measured.change.left_out)
    if not count or measured.change.change is None:
        return label
    return ngettext("%(label)s (without %(count)d task)", "%(label)s (without %(count)d tasks)", count) % {
        "label": label,
        "count": count,
    }


def forest_rows(entries: Sequence[tuple[str, Measured]]) -> list[dict[str, Any]]:
    """The forest plot's points: a label and the change with its interval, in the order given."""
    return [
        {
            "label": label,
            "change": entry.change.change,
            "ci_low": entry.change.ci_low,
            "ci_high": entry.change.ci_high,
            "verdict": entry.verdict,
        }
        for label, entry in entries
        if entry.change.change is not None
    ]


def forest_svg(*, rows: Sequence[dict[str, object]], emphasise_last: bool = False) -> str:
    """ "Did it help?" as a forest plot (analysis.charts.forest) in the reader's language; cached by
    its content, which changes whenever a figure, a label or the language does."""
    decimal = formats.get_format("DECIMAL_SEPARATOR")
    return cache.versioned(
        "actionplan:forest",
        params=(rows, emphasise_last, get_language(), decimal),
        compute=lambda: forest(
            rows,
            title=_("Change in friction minutes per manager-day with its %(level)s confidence interval")
            % {"level": "95 %"},
            xlabel=_("Change in friction minutes per manager-day (negative: less friction)"),
            zero_label=_("no change"),
            decimal=decimal,
            interval=_("%(low)s to %(high)s"),
            emphasise_last=emphasise_last,
        ),
    )


# --- A task across rounds, and the effect report -----------------------------------------------------


def task_in_rounds(*, municipality: Municipality, code: str) -> list[dict[str, object]]:
    """One task's friction figures in each round of the municipality, earliest first: the row of the
    round's dashboard, withheld by the same rule (`analysis.disclosure`), from its cached figures."""
    from analysis.dashboard import dashboard_figures
    from analysis.disclosure import Withheld

    rows = []
    for survey in selectors.rounds_of(municipality=municipality):
        try:
            tasks = dashboard_figures(survey=survey, parts=("core",))["report"]["tasks"]
        except Withheld:  # the whole round: too few managers
            tasks = None
        row = next((task for task in tasks if task["task"] == code), None) if tasks is not None else None
        if tasks is not None and row is None:
            continue
        withheld = row is None or row["withheld"]
        rows.append(
            {
                "survey": survey,
                "withheld": withheld,
                "rank": None if withheld else row["rank"],
                "of": sum(not task["withheld"] for task in tasks) if tasks is not None else None,
                "managers": None if withheld else row["managers"],
                "friction": None if withheld else row["friction_minutes_per_manager_day"],
                "minutes": None if withheld else row["minutes_per_manager_day"],
                "function_mean": None if withheld else row["function_mean"],
            }
        )
    return rows


class NotComparable(ValueError):
    """Two rounds whose change cannot be measured: another municipality, other tasks, the same round."""


def plan_report(*, baseline: Survey, followup: Survey) -> dict[str, Any]:
    """`effect_report`'s figures: the paired change per task and for the tasks the follow-up's
    municipality's plan addresses (none without a plan). Raises NotComparable with the reason."""
    from analysis import paired

    try:
        paired.check_comparable(baseline=baseline, followup=followup)
    except paired.NotComparable as problem:
        raise NotComparable(str(problem)) from None
    plan = ActionPlan.objects.filter(municipality_id=followup.municipality_id).first()
    items = [] if plan is None else done_between(plan, baseline=baseline, followup=followup)
    report = paired.effect_report(
        baseline=baseline, followup=followup, plan_codes=plan_codes(items) if plan is not None else None
    )
    if plan is not None:
        report["plan"]["items"] = [item.number for item in items]
    return report


def report_rows(report: dict[str, Any]) -> tuple[list[str], list[list[object]]]:
    """The report as a header and rows, for a file or a table."""
    from analysis import paired

    return paired.report_rows(report)


def text_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Rows as an aligned plain-text table, as the analysis commands print them."""
    from analysis import tabular

    return tabular.to_table(header, rows)
