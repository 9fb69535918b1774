"""The only place the analysis queries: SQL aggregates over a round's diary lines, as DataFrames.

Sums are taken in the database (GROUP BY), and only the aggregates come back: a round of 15 000
managers has ~1.6M lines, which pandas should never see one by one.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from surveys.models import HOUR_FIELDS, DiaryDay, DiaryLine, Survey, Task


@dataclass(frozen=True)
class Filters:
    """A selection of a round's diaries. Weekday is ISO: 1 Monday … 7 Sunday."""

    department: int | None = None
    unit: int | None = None
    weekday: int | None = None

    def is_empty(self) -> bool:
        return self.department is None and self.unit is None and self.weekday is None

    def line_q(self, prefix: str = "day__") -> Q:
        q = Q()
        if self.department is not None:
            q &= Q(**{f"{prefix}participant__unit__department_id": self.department})
        if self.unit is not None:
            q &= Q(**{f"{prefix}participant__unit_id": self.unit})
        if self.weekday is not None:
            q &= Q(**{f"{prefix}date__iso_week_day": self.weekday})
        return q


NO_FILTERS = Filters()

TASK_COLUMNS = ["task", "label", "label_en", "category", "category_en", "category_order", "area", "order"]
SUM_COLUMNS = ["minutes", "f_minutes", "f_weighted", "v_minutes", "v_weighted"]


def _lines(survey: Survey, filters: Filters) -> QuerySet[DiaryLine]:
    # Tasks belong to one round, so the round needs no join when nothing else is filtered.
    return DiaryLine.objects.filter(task__survey_id=survey.pk).filter(filters.line_q())


def _rating_sums() -> dict[str, object]:
    """Minutes and minute-weighted sums of the two ratings, over the lines that carry them."""
    # Named with a suffix: an annotation may not shadow the `minutes` column it sums.
    return {
        "minutes_sum": Coalesce(Sum("minutes"), 0),
        "f_minutes_sum": Coalesce(Sum("minutes", filter=Q(function__isnull=False)), 0),
        "f_weighted_sum": Coalesce(Sum(F("minutes") * F("function"), output_field=IntegerField()), 0),
        "v_minutes_sum": Coalesce(Sum("minutes", filter=Q(value__isnull=False)), 0),
        "v_weighted_sum": Coalesce(Sum(F("minutes") * F("value"), output_field=IntegerField()), 0),
    }


def _frame(rows: QuerySet, keys: list[str]) -> pd.DataFrame:
    """A frame of aggregate rows with the `_sum` suffixes dropped."""
    columns = [*keys, *[f"{name}_sum" for name in SUM_COLUMNS]]
    extra = [name for name in rows.query.annotation_select if name not in columns and name not in keys]
    frame = pd.DataFrame(list(rows.values_list(*columns, *extra)), columns=[*keys, *SUM_COLUMNS, *extra])
    return frame


def task_frame(*, survey: Survey) -> pd.DataFrame:
    """Every task of the round in the round's order, with its category and area."""
    rows = (
        Task.objects.filter(survey=survey)
        .order_by("order", "id")
        .values_list(
            "id",
            "code",
            "label",
            "label_en",
            "category__name",
            "category__name_en",
            "category__order",
            "area",
            "order",
        )
    )
    return pd.DataFrame(list(rows), columns=["task_id", *TASK_COLUMNS])


def day_counts(*, survey: Survey, filters: Filters = NO_FILTERS) -> dict[str, int]:
    """Manager-days (days with at least one minute) and the managers who have one."""
    with_minutes = DiaryLine.objects.filter(day=OuterRef("pk"), minutes__gt=0)
    days = DiaryDay.objects.filter(participant__survey=survey).filter(filters.line_q(prefix=""))
    counts = days.filter(Exists(with_minutes)).aggregate(
        manager_days=Count("id"), managers=Count("participant_id", distinct=True)
    )
    return {"manager_days": counts["manager_days"] or 0, "managers": counts["managers"] or 0}


def task_totals(*, survey: Survey, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """One row per task of the round (tasks without lines too): the sums the friction figures need.

    `managers` counts the participants with minutes in the task.
    """
    sums = (
        _lines(survey, filters)
        .values("task_id")
        .order_by()
        .annotate(
            **_rating_sums(),
            managers=Count("day__participant_id", distinct=True, filter=Q(minutes__gt=0)),
        )
    )
    frame = _frame(sums, ["task_id"])
    tasks = task_frame(survey=survey)
    merged = tasks.merge(frame, on="task_id", how="left")
    merged[[*SUM_COLUMNS, "managers"]] = merged[[*SUM_COLUMNS, "managers"]].fillna(0).astype("int64")
    return merged


def manager_task_totals(*, survey: Survey, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Sums per participant and task: the basis of comparing managers and their variation."""
    sums = (
        _lines(survey, filters)
        .values("task_id", number=F("day__participant__number"))
        .order_by()
        .annotate(**_rating_sums())
    )
    return _frame(sums, ["number", "task_id"])


def manager_day_counts(*, survey: Survey, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Each participant's manager-days in the selection (participants without any are left out)."""
    with_minutes = DiaryLine.objects.filter(day=OuterRef("pk"), minutes__gt=0)
    rows = (
        DiaryDay.objects.filter(participant__survey=survey)
        .filter(filters.line_q(prefix=""))
        .filter(Exists(with_minutes))
        .values(number=F("participant__number"))
        .order_by()
        .annotate(days=Count("id"))
    )
    return pd.DataFrame(list(rows), columns=["number", "days"])


def hour_friction_totals(*, survey: Survey, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Per task, the friction sum Σ minutes × (4 − function) of each hour slot, over rated lines."""
    hours = HOUR_FIELDS[: survey.hours_per_day]
    sums = (
        _lines(survey, filters)
        .filter(function__isnull=False)
        .values("task_id")
        .order_by()
        .annotate(
            **{
                f"h{number}": Coalesce(Sum(F(name) * (Value(4) - F("function")), output_field=IntegerField()), 0)
                for number, name in enumerate(hours, start=1)
            }
        )
    )
    frame = pd.DataFrame(list(sums), columns=["task_id", *[f"h{n}" for n in range(1, len(hours) + 1)]])
    tasks = task_frame(survey=survey)
    merged = tasks.merge(frame, on="task_id", how="left")
    hour_columns = [f"h{n}" for n in range(1, len(hours) + 1)]
    merged[hour_columns] = merged[hour_columns].fillna(0).astype("int64")
    return merged


def submitted_day_count(*, survey: Survey, filters: Filters = NO_FILTERS) -> int:
    return (
        DiaryDay.objects.filter(participant__survey=survey, status=DiaryDay.Status.SUBMITTED)
        .filter(filters.line_q(prefix=""))
        .count()
    )


def participant_count(*, survey: Survey, filters: Filters = NO_FILTERS) -> int:
    participants = survey.participants.all()
    if filters.department is not None:
        participants = participants.filter(unit__department_id=filters.department)
    if filters.unit is not None:
        participants = participants.filter(unit_id=filters.unit)
    return participants.count()


def participant_numbers(*, survey: Survey) -> list[int]:
    return list(survey.participants.order_by("number").values_list("number", flat=True))
