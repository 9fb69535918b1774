"""Reads of the action plan that views, commands and the demo share."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Max, QuerySet

from surveys import roles, tasknames
from surveys.models import Municipality, Survey, Task

from .models import ActionItem, ActionPlan


@dataclass(frozen=True)
class ItemFilters:
    """A selection of a plan's items; empty values select everything."""

    owner_level: str = ""
    department: int | None = None
    area: str = ""
    status: str = ""
    overdue: bool = False
    task: str = ""

    def is_empty(self) -> bool:
        return self == NO_FILTERS


NO_FILTERS = ItemFilters()


def visible_municipality_ids(*, user: AbstractBaseUser) -> set[int] | None:
    """The municipalities whose plan the user may read; None for a superuser, who reads them all.

    The project group and administrators read their member municipalities' plans; a manager also
    the plan of a municipality whose round they take part in (enrolment may not make them members).
    """
    ids = roles.municipality_ids(user)
    if ids is None:
        return None
    if roles.is_manager(user):
        taken_part = Survey.objects.filter(participants__user=user).values_list("municipality_id", flat=True)
        return ids | set(taken_part)
    return ids


def plans_visible_to(*, user: AbstractBaseUser) -> QuerySet[ActionPlan]:
    """The plans of the municipalities the user may read (see `visible_municipality_ids`)."""
    plans = ActionPlan.objects.select_related("municipality")
    ids = visible_municipality_ids(user=user)
    return plans if ids is None else plans.filter(municipality_id__in=ids)


def plans_editable_by(*, user: AbstractBaseUser) -> QuerySet[ActionPlan]:
    """The plans an administrator changes: their member municipalities' only, whatever else they read."""
    if not roles.is_administrator(user):
        return ActionPlan.objects.none()
    return roles.scope(ActionPlan.objects.select_related("municipality"), user)


def items(*, plan: ActionPlan, filters: ItemFilters = NO_FILTERS) -> QuerySet[ActionItem]:
    selected = plan.items.select_related("department", "survey").order_by("number")
    if filters.owner_level:
        selected = selected.filter(owner_level=filters.owner_level)
    if filters.department is not None:
        selected = selected.filter(department_id=filters.department)
    if filters.area:
        selected = selected.filter(area=filters.area)
    if filters.status:
        selected = selected.filter(status=filters.status)
    if filters.overdue:
        selected = selected.overdue()
    if filters.task:
        selected = selected.addressing(filters.task)
    return selected


def next_number(*, plan: ActionPlan) -> int:
    return (plan.items.aggregate(highest=Max("number"))["highest"] or 0) + 1


def task_codes(*, municipality: Municipality) -> set[str]:
    """The task codes of every round of the municipality: what an item may address."""
    return set(Task.objects.filter(survey__municipality=municipality).values_list("code", flat=True))


def task_labels(*, municipality: Municipality, language: str | None = None) -> dict[str, str]:
    """Each task code's name, from the municipality's latest round that has it, as the analysis names
    it: a label that several tasks share ("Annat (specificera)") gets its category."""
    latest: dict[str, dict[str, str]] = {}
    tasks = Task.objects.filter(survey__municipality=municipality).select_related("category")
    for task in tasks.order_by("survey__start_date", "order"):
        latest[task.code] = {
            "task": task.code,
            "label": task.label,
            "label_en": task.label_en,
            "category": task.category.name,
            "category_en": task.category.name_en,
        }
    return tasknames.task_labels(latest.values(), language or "")


def items_by_task(*, plan: ActionPlan) -> dict[str, list[ActionItem]]:
    """The items addressing each task code, in the plan's order."""
    by_task: dict[str, list[ActionItem]] = {}
    for item in plan.items.exclude(tasks="").order_by("number"):
        for code in item.task_codes:
            by_task.setdefault(code, []).append(item)
    return by_task


def item_counts_by_task(*, municipality: Municipality) -> Counter[str]:
    """How many items of the municipality's plan address each task code (none without a plan)."""
    addressed = ActionItem.objects.filter(plan__municipality=municipality).exclude(tasks="").order_by()
    return Counter(code for tasks in addressed.values_list("tasks", flat=True) for code in tasks.split())


def status_counts(*, plan: ActionPlan) -> dict[str, object]:
    """Items by status × owner level and by area × status, the share done and the overdue items."""
    pairs = list(plan.items.values_list("status", "owner_level", "area"))
    by_level = Counter((status, level) for status, level, _area in pairs)
    by_area = Counter((area, status) for status, _level, area in pairs)
    total = len(pairs)
    done = sum(1 for status, _level, _area in pairs if status == ActionItem.Status.DONE)
    dropped = sum(1 for status, _level, _area in pairs if status == ActionItem.Status.DROPPED)
    return {
        "by_level": by_level,
        "by_area": by_area,
        "total": total,
        "done": done,
        # Dropped items are not counted against the plan: done of those that were kept.
        "share_done": done / (total - dropped) if total - dropped else 0.0,
        "overdue": list(plan.items.overdue().select_related("department").order_by("due_date", "number")),
    }


def export_rows(*, plan: ActionPlan) -> Iterator[list[object]]:
    """The plan's items as file rows, by number."""
    for item in plan.items.select_related("department").order_by("number"):
        yield [
            item.number,
            item.title,
            item.description,
            item.owner_level,
            item.department.name if item.department else "",
            item.area,
            item.kind,
            item.status,
            item.priority,
            item.responsible,
            item.start_date.isoformat() if item.start_date else "",
            item.due_date.isoformat() if item.due_date else "",
            item.tasks,
            item.done_on.isoformat() if item.done_on else "",
        ]


# --- Rounds for "did it help?" ---------------------------------------------------------------------


def rounds_of(*, municipality: Municipality) -> list[Survey]:
    """The municipality's rounds that have been opened, earliest first."""
    return list(
        Survey.objects.filter(municipality=municipality).exclude(status=Survey.Status.DRAFT).order_by("start_date")
    )


def can_see_municipality(*, user: AbstractBaseUser, municipality: Municipality) -> bool:
    """Whether the user reads the municipality's plan and its tasks' figures (`visible_municipality_ids`)."""
    ids = visible_municipality_ids(user=user)
    return ids is None or municipality.pk in ids
