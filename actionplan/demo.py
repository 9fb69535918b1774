"""The demo's action plan and the baseline round it came from, added when `seed_demo` runs.

The demo's open autumn round plays the follow-up. Its baseline, in the spring, was worse on the
tasks the plan went after: invoices, recruitment and information clearly improved by the autumn;
IT services and payroll/HR changed too little to tell; and purchasing, whose new ordering routine
was done in October, clearly got worse. So "did it help?" has every answer to show.
Everything is fixed data or fixed seeds: running the demo twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.utils import timezone

from mio import tablefiles
from mio.tablefiles import RowError
from surveys.demo import demo_lines
from surveys.models import Municipality, Participant, Survey
from surveys.services import diary_save, survey_create

from . import actionfile
from .actionfile import ActionRow
from .models import ActionItem
from .services import ActionError, items_import, plan_get_or_create, update_add

# The plan as drawn up in April, every item proposed, in the action file format (`actionfile`), and
# its progress updates (number,date,status,text), which move the items on to where they are now.
DEMO_FILES = Path(__file__).resolve().parent / "demo"
PLAN_FILE = DEMO_FILES / "plan.csv"
UPDATES_FILE = DEMO_FILES / "updates.csv"
UPDATE_COLUMNS = ["number", "date", "status", "text"]

BASELINE_SLUG = "demo-varen-2026"
BASELINE_NAME = "Nollmätning våren 2026"
BASELINE_START = dt.date(2026, 3, 16)

# How much more time (factor) and how much worse (shift of the mean function rating) each task was
# in the baseline than in the follow-up. Payroll/HR was about as bad as now; purchasing took half
# the time and worked a good deal better before.
BASELINE_TIME = {
    "invoices": 1.7,
    "it-services": 1.5,
    "recruitment": 1.6,
    "information": 1.3,
    "payroll-hr": 0.8,
    "purchasing": 0.45,
}
BASELINE_FUNCTION = {
    "invoices": -0.9,
    "it-services": -0.8,
    "recruitment": -0.9,
    "information": -0.5,
    "payroll-hr": 0.15,
    "purchasing": 1.0,
}

# The cross-functional groups and their coordinators, by support area.
COORDINATORS = {
    "it": "Karin Öberg (samordnare, IT-gruppen)",
    "finance": "Lars Nilsson (samordnare, Ekonomigruppen)",
    "hr": "Sara Lund (samordnare, Lön- och HR-gruppen)",
    "operations": "Mats Alm (samordnare, Verksamhetsgruppen)",
}


def _at(date: str, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(dt.date.fromisoformat(date), dt.time(hour)))


def _baseline_round(municipality: Municipality, followup: Survey) -> Survey:
    """The spring round, with the same managers as the autumn one and all their days submitted."""
    baseline = Survey.objects.filter(slug=BASELINE_SLUG).first()
    if baseline is not None:
        return baseline
    baseline = survey_create(
        slug=BASELINE_SLUG,
        name=BASELINE_NAME,
        municipality=municipality,
        start_date=BASELINE_START,
        end_date=BASELINE_START + dt.timedelta(days=4),
        status=Survey.Status.OPEN,  # diaries are written while a round is open
    )
    tasks = {task.code: task for task in baseline.tasks.order_by("order")}
    for source in followup.participants.order_by("number"):
        participant = Participant.objects.create(
            survey=baseline, number=source.number, user=source.user, unit=source.unit
        )
        for index, date in enumerate(baseline.weekdays()):
            lines = demo_lines(
                source.number,
                index,
                tasks,
                baseline.hours_per_day,
                seed="baseline-",
                time_factors=BASELINE_TIME,
                function_shifts=BASELINE_FUNCTION,
            )
            diary_save(participant=participant, date=date, lines=lines, submit=True)
    baseline.status = Survey.Status.CLOSED
    baseline.save(update_fields=["status"])
    return baseline


def _plan_rows() -> list[ActionRow]:
    parsed = actionfile.read_file(PLAN_FILE)
    if parsed.errors:
        raise ActionError(parsed.errors)
    return parsed.rows


class DemoUpdate(NamedTuple):
    number: int
    date: str
    status: str  # the status the item moves to, or ""
    text: str


def _updates() -> list[DemoUpdate]:
    """The progress updates, oldest first within an item; the action format has no place for them."""
    table = tablefiles.read_table(UPDATES_FILE)
    if tablefiles.header_of(table) != UPDATE_COLUMNS:
        raise ValueError(f"{UPDATES_FILE}: the header must be {','.join(UPDATE_COLUMNS)}")
    errors: list[RowError] = []
    updates = [
        DemoUpdate(int(values["number"]), str(values["date"]), str(values["status"]), str(values["text"]))
        for _row, values in tablefiles.data_rows(table, UPDATE_COLUMNS, errors)
    ]
    if errors:
        raise ActionError(errors)
    return updates


def seed_action_plan(sender, *, municipality: Municipality, survey: Survey, **kwargs) -> None:
    """Receiver of `surveys.demo.demo_seeded`: the baseline round and the plan that came from it."""
    baseline = _baseline_round(municipality, survey)
    plan = plan_get_or_create(municipality=municipality)
    admin = get_user_model().objects.filter(username="admin").first()
    existing = set(plan.items.values_list("number", flat=True))
    rows = [row for row in _plan_rows() if row.number not in existing]
    items_import(plan=plan, rows=rows, survey=baseline)
    new = plan.items.filter(number__in=[row.number for row in rows])
    # The file has no coordinator and an import no user: the demo's items were entered by admin, with the
    # coordinator of their area's group, when the plan was drawn up after the baseline's report in early April.
    history = ActionItem.history.filter(id__in=new.values("pk"))
    for area, coordinator in COORDINATORS.items():
        new.filter(area=area).update(coordinator=coordinator)
        history.filter(area=area).update(coordinator=coordinator)
    history.update(history_user=admin, history_date=_at("2026-04-02", 9))
    items = {item.number: item for item in new}
    for update in _updates():
        if update.number in items:
            update_add(
                item=items[update.number], author=admin, text=update.text, status=update.status, at=_at(update.date)
            )
