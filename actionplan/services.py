"""Writes: plans, items, progress updates and the import of action files. Each validates first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, fields

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from mio import fieldlimits
from mio.tablefiles import shown
from surveys.diaryfile import RowError
from surveys.models import Department, Municipality, Survey

from . import history, selectors
from .actionfile import FIELD_COLUMNS, ActionRow, number_range, tasks_problem
from .models import ActionItem, ActionPlan, ActionUpdate


@dataclass(frozen=True)
class FieldProblem:
    field: str  # a field of ItemInput, or "" for the item as a whole
    message: str

    def __str__(self) -> str:
        return self.message


class ActionError(ValueError):
    """Raised with every problem found, so that a form or a command can show them all at once."""

    def __init__(self, errors: Sequence[FieldProblem | RowError]):
        self.errors = list(errors)
        super().__init__("; ".join(str(error) for error in self.errors))


@dataclass(frozen=True)
class ItemDifference:
    """A field in which what an administrator entered differs from the stored item (values as stored)."""

    field: str  # a field of ItemInput
    saved: object
    typed: object


class StaleItem(Exception):
    """A change from a page showing another version of the item than the stored one: nothing was stored.

    `item` is the stored item now, `differences` what the refused change would have changed in it."""

    def __init__(self, *, item: ActionItem, differences: Sequence[ItemDifference]):
        self.item = item
        self.version = item.version
        self.differences = list(differences)
        super().__init__(f"item {item.pk} is at version {item.version}")


@dataclass
class ItemInput:
    """Everything an administrator sets on an item; the form and the file both produce one."""

    number: int
    title: str
    owner_level: str
    area: str
    description: str = ""
    department: Department | None = None
    kind: str = ActionItem.Kind.OTHER
    status: str = ActionItem.Status.PROPOSED
    priority: int = ActionItem.Priority.MEDIUM
    responsible: str = ""
    coordinator: str = ""
    start_date: dt.date | None = None
    due_date: dt.date | None = None
    tasks: list[str] = field(default_factory=list)
    survey: Survey | None = None
    # Empty for a done item means "the day it was recorded as done" (kept when already done).
    done_on: dt.date | None = None

    @classmethod
    def from_item(cls, item: ActionItem) -> ItemInput:
        values = {f.name: getattr(item, f.name) for f in fields(cls) if f.name != "tasks"}
        return cls(**values, tasks=item.task_codes)

    def model_values(self) -> dict[str, object]:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values["tasks"] = " ".join(dict.fromkeys(self.tasks))  # keeps the order, drops repeats
        values["title"] = self.title.strip()
        values["responsible"] = self.responsible.strip()
        values["coordinator"] = self.coordinator.strip()
        return values


# --- Plans ---------------------------------------------------------------------------------------


def plan_get_or_create(*, municipality: Municipality) -> ActionPlan:
    plan, _created = ActionPlan.objects.get_or_create(
        municipality=municipality, defaults={"name": f"Åtgärdsplan {municipality.name}"}
    )
    return plan


# --- Items ---------------------------------------------------------------------------------------


def limit_problems(data: ItemInput) -> list[FieldProblem]:
    """Text longer than its field holds, or holding a NUL character, and more task codes than fit."""
    problems = []
    for name in ("title", "description", "responsible", "coordinator"):
        problem = fieldlimits.field_text_problem(getattr(data, name).strip(), model=ActionItem, name=name)
        if problem:
            label = capfirst(ActionItem._meta.get_field(name).verbose_name)
            problems.append(FieldProblem(name, _("%(field)s %(problem)s.") % {"field": label, "problem": problem}))
    problem = tasks_problem(data.tasks)
    if problem:
        problems.append(FieldProblem("tasks", capfirst(problem) + "."))
    return problems


def item_problems(
    *, plan: ActionPlan, data: ItemInput, item: ActionItem | None = None, known_tasks: set[str] | None = None
) -> list[FieldProblem]:
    """Every rule of an item that a single field cannot check, as messages saying what is allowed."""
    problems = limit_problems(data)
    lowest, highest = number_range()
    if data.number is not None and not lowest <= data.number <= highest:
        message = _("The number must be from %(low)d to %(high)d.") % {"low": lowest, "high": highest}
        problems.append(FieldProblem("number", message))
    elif data.number is not None:
        taken = plan.items.filter(number=data.number)
        if item is not None:
            taken = taken.exclude(pk=item.pk)
        if taken.exists():
            problems.append(
                FieldProblem(
                    "number",
                    _("Number %(number)d is already used in this plan; the next free number is %(free)d.")
                    % {"number": data.number, "free": selectors.next_number(plan=plan)},
                )
            )
    if not data.title.strip():
        problems.append(FieldProblem("title", _("Give the item a title.")))
    if data.owner_level == ActionItem.OwnerLevel.DEPARTMENT:
        if data.department is None:
            problems.append(FieldProblem("department", _("A departmental item needs its owning department.")))
        elif data.department.municipality_id != plan.municipality_id:
            problems.append(
                FieldProblem(
                    "department",
                    _("%(department)s is not a department of %(municipality)s.")
                    % {"department": data.department, "municipality": plan.municipality},
                )
            )
    elif data.department is not None:
        problems.append(
            FieldProblem("department", _("A central item has no owning department; leave the department empty."))
        )
    if data.done_on is not None and data.status != ActionItem.Status.DONE:
        problems.append(
            FieldProblem("done_on", _("Only a done item has a date it was done: leave it empty or choose Done."))
        )
    elif data.done_on is not None and data.done_on > timezone.localdate():
        problems.append(FieldProblem("done_on", _("The item cannot be done on a day still to come.")))
    done_on = done_date(status=data.status, asked=data.done_on, recorded=item.done_on if item else None)
    if message := done_before_start(done_on=done_on, start_date=data.start_date):
        problems.append(FieldProblem("done_on", message))
    if data.start_date and data.due_date and data.due_date < data.start_date:
        # Named as the form labels the fields ("Klart senast", "Start"), so that the message points at them.
        due, start = (capfirst(ActionItem._meta.get_field(name).verbose_name) for name in ("due_date", "start_date"))
        message = _("“%(due)s” cannot be before “%(start)s”.") % {"due": due, "start": start}
        problems.append(FieldProblem("due_date", message))
    if data.tasks:
        known = selectors.task_codes(municipality=plan.municipality) if known_tasks is None else known_tasks
        unknown = [code for code in data.tasks if code not in known]
        if unknown:
            problems.append(
                FieldProblem(
                    "tasks",
                    _("Unknown task code(s) %(unknown)s; the rounds of this municipality have: %(known)s.")
                    % {"unknown": ", ".join(unknown), "known": ", ".join(sorted(known)) or "–"},
                )
            )
    if data.survey is not None and data.survey.municipality_id != plan.municipality_id:
        problems.append(
            FieldProblem(
                "survey", _("The survey round must belong to %(municipality)s.") % {"municipality": plan.municipality}
            )
        )
    return problems


def done_before_start(*, done_on: dt.date | None, start_date: dt.date | None) -> str | None:
    """Why an item cannot be done on `done_on`, or None: not before it started, else its effect would be
    measured from a baseline taken after it was done. The day may be one already recorded (a file changing the
    start), today (an empty field) or a progress update's, so the message gives both days."""
    if not (done_on and start_date and done_on < start_date):
        return None
    done, start = (capfirst(ActionItem._meta.get_field(name).verbose_name) for name in ("done_on", "start_date"))
    return _("“%(done)s” (%(done_day)s) cannot be before “%(start)s” (%(start_day)s).") % {
        "done": done,
        "done_day": date_format(done_on, "j F Y"),
        "start": start,
        "start_day": date_format(start_date, "j F Y"),
    }


def done_date(*, status: str, asked: dt.date | None, recorded: dt.date | None) -> dt.date | None:
    """When a done item became done: the day asked for, else the day already recorded, else today.
    An item that is not done has no such day (moving it back from done forgets it)."""
    if status != ActionItem.Status.DONE:
        return None
    return asked or recorded or timezone.localdate()


@transaction.atomic
def item_create(*, plan: ActionPlan, data: ItemInput, by: AbstractBaseUser | None = None) -> ActionItem:
    problems = item_problems(plan=plan, data=data)
    if problems:
        raise ActionError(problems)
    item = ActionItem(plan=plan, **data.model_values())
    item.done_on = done_date(status=item.status, asked=data.done_on, recorded=None)
    history.remember_user(item, by)
    item.save()
    return item


def item_differences(*, item: ActionItem, data: ItemInput) -> list[ItemDifference]:
    """What storing `data` would change in `item`, field by field, in the order of ItemInput."""
    values = data.model_values()
    values["done_on"] = done_date(status=data.status, asked=data.done_on, recorded=item.done_on)
    return [
        ItemDifference(name, getattr(item, name), value)
        for name, value in values.items()
        if getattr(item, name) != value
    ]


def _lock(item: ActionItem) -> None:
    """Re-read the item and lock it to the end of the transaction: a concurrent change waits, then sees this one."""
    item.refresh_from_db(from_queryset=ActionItem.objects.select_for_update())


@transaction.atomic
def item_update(
    *, item: ActionItem, data: ItemInput, by: AbstractBaseUser | None = None, expected_version: int | None = None
) -> ActionItem:
    """Change an item; stores (and so records in the history) only when something changed.

    `expected_version` is the version the editing page was built from: when the item has been changed since
    and this change would alter it, nothing is stored and StaleItem says what differs. None skips the check
    (the file import)."""
    if expected_version is not None:
        _lock(item)
    differences = item_differences(item=item, data=data)
    # Entering exactly what is stored loses nobody's change, however old the page.
    if differences and expected_version is not None and item.version != expected_version:
        raise StaleItem(item=item, differences=differences)
    problems = item_problems(plan=item.plan, data=data, item=item)
    if problems:
        raise ActionError(problems)
    if differences:
        for difference in differences:
            setattr(item, difference.field, difference.typed)
        item.version += 1
        history.remember_user(item, by)
        item.save()
    return item


@transaction.atomic
def update_add(
    *,
    item: ActionItem,
    author: AbstractBaseUser | None,
    text: str,
    status: str = "",
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> ActionUpdate:
    """Write a progress update, moving the item to `status` when given and different.

    `expected_version` is the version of the item the page was built from: a move from a page older than the
    item's last change is refused (StaleItem), since the status may have been changed meanwhile. The text
    alone is always kept; it changes nothing of the item."""
    text = text.strip()
    problems = []
    if not text:
        problems.append(FieldProblem("text", _("Write what has happened.")))
    if status and status not in ActionItem.Status.values:
        problems.append(FieldProblem("status", _("Choose one of the statuses.")))
    at = at or timezone.now()
    # Done as of the update's day, which the item's start must not follow (as on the item's form).
    moving_to_done = status == ActionItem.Status.DONE and status != item.status
    if moving_to_done and (message := done_before_start(done_on=timezone.localdate(at), start_date=item.start_date)):
        problems.append(FieldProblem("status", message))
    if problems:
        raise ActionError(problems)
    moved = ""
    if status:
        _lock(item)
    if status and status != item.status:
        if expected_version is not None and item.version != expected_version:
            raise StaleItem(item=item, differences=[ItemDifference("status", item.status, status)])
        item.status = status
        item.done_on = done_date(status=status, asked=timezone.localdate(at), recorded=None)
        item.version += 1
        history.remember_user(item, author)
        item._history_date = at
        item.save(update_fields=["status", "done_on", "version"])
        moved = status
    return ActionUpdate.objects.create(item=item, author=author, text=text, status=moved, created_at=at)


# --- Import --------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    created: int
    updated: int
    unchanged: int


@transaction.atomic
def items_import(*, plan: ActionPlan, rows: Sequence[ActionRow], survey: Survey | None = None) -> ImportResult:
    """Store parsed file rows in a plan, all or nothing: a row whose number exists updates that item.

    Raises ActionError with one RowError per problem. New items get `survey` as the round that found them.
    """
    departments = {d.name.casefold(): d for d in plan.municipality.departments.all()}
    known = selectors.task_codes(municipality=plan.municipality)
    existing = {item.number: item for item in plan.items.all()}
    errors: list[RowError] = []
    seen: dict[int, int] = {}
    inputs: list[tuple[ActionRow, ItemInput]] = []
    for row in rows:
        first = seen.setdefault(row.number, row.row)
        if first != row.row:
            errors.append(
                RowError(
                    row.row, "number", _("repeats the number of row %(row)d; each number only once") % {"row": first}
                )
            )
        department = None
        if row.department:
            department = departments.get(row.department.casefold())
            if department is None:
                errors.append(
                    RowError(
                        row.row,
                        "department",
                        _("unknown department %(name)s; %(municipality)s has: %(names)s")
                        % {
                            "name": shown(row.department),
                            "municipality": plan.municipality,
                            "names": ", ".join(d.name for d in departments.values()) or "–",
                        },
                    )
                )
                continue
        item = existing.get(row.number)
        data = ItemInput(
            number=row.number,
            title=row.title,
            description=row.description,
            owner_level=row.owner_level,
            department=department,
            area=row.area,
            kind=row.kind,
            status=row.status,
            priority=row.priority,
            responsible=row.responsible,
            coordinator=item.coordinator if item else "",
            start_date=row.start_date,
            due_date=row.due_date,
            tasks=row.tasks,
            survey=item.survey if item else survey,
            done_on=row.done_date,
        )
        for problem in item_problems(plan=plan, data=data, item=item, known_tasks=known):
            errors.append(RowError(row.row, FIELD_COLUMNS.get(problem.field, problem.field), problem.message))
        inputs.append((row, data))
    if errors:
        raise ActionError(sorted(errors, key=lambda error: error.row))

    result = ImportResult(created=0, updated=0, unchanged=0)
    for row, data in inputs:
        item = existing.get(row.number)
        if item is None:
            created = ActionItem(plan=plan, **data.model_values())
            # As the form does: a done item without its day is done as of today.
            created.done_on = done_date(status=created.status, asked=data.done_on, recorded=None)
            created.save()
            result.created += 1
            continue
        before = ItemInput.from_item(item).model_values()
        # A row without a done day keeps the day recorded, as an update does: that is no change.
        after = {
            **data.model_values(),
            "done_on": done_date(status=data.status, asked=data.done_on, recorded=item.done_on),
        }
        if before == after:
            result.unchanged += 1
            continue
        item_update(item=item, data=data)
        result.updated += 1
    return result
