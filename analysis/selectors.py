"""The only place the analysis queries: SQL aggregates over a round's diary lines, as DataFrames.

Sums are taken in the database (GROUP BY), and only the aggregates come back: a round of 15 000
managers has ~1.6M lines, which pandas should never see one by one.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from django.db import connection
from django.db.models import Count, F, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from surveys.models import HOUR_FIELDS, DiaryDay, DiaryLine, Survey, Task, TaskCategory


@dataclass(frozen=True)
class Filters:
    """A selection of a round's diaries. Weekday is ISO: 1 Monday … 7 Sunday."""

    department: int | None = None
    unit: int | None = None
    weekday: int | None = None

    def is_empty(self) -> bool:
        return self.department is None and self.unit is None and self.weekday is None

    def line_q(self) -> Q:
        """The filter on diary lines (which carry their participant, so only weekdays need the day)."""
        return self._q(participant="participant__", day="day__")

    def day_q(self) -> Q:
        return self._q(participant="participant__", day="")

    def _q(self, *, participant: str, day: str) -> Q:
        q = Q()
        if self.department is not None:
            q &= Q(**{f"{participant}unit__department_id": self.department})
        if self.unit is not None:
            q &= Q(**{f"{participant}unit_id": self.unit})
        if self.weekday is not None:
            q &= Q(**{f"{day}date__iso_week_day": self.weekday})
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


def _manager_days(survey: Survey, filters: Filters) -> QuerySet[DiaryDay]:
    """The selection's manager-days: diary days with at least one minute."""
    return DiaryDay.objects.filter(participant__survey=survey, minutes__gt=0).filter(filters.day_q())


def day_counts(*, survey: Survey, filters: Filters = NO_FILTERS) -> dict[str, int]:
    """Manager-days (days with at least one minute) and the managers who have one."""
    counts = _manager_days(survey, filters).aggregate(
        manager_days=Count("id"), managers=Count("participant_id", distinct=True)
    )
    return {"manager_days": counts["manager_days"] or 0, "managers": counts["managers"] or 0}


def task_totals(*, survey: Survey, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """One row per task of the round, in the round's order (tasks without lines too), with the sums
    the friction figures need. `managers` counts the participants with minutes in the task.

    One statement: sums per (task, participant) first, then per task, so that counting managers is
    a count of groups instead of a COUNT(DISTINCT) (several times slower on a million lines).
    """
    per_participant = _lines(survey, filters).values("task_id", "participant_id").order_by().annotate(**_rating_sums())
    inner, params = per_participant.query.sql_with_params()
    sums = ", ".join(f"SUM(per.{name}_sum) AS {name}" for name in SUM_COLUMNS)
    sql = f"""
        SELECT t.id, t.code, t.label, t.label_en, c.name, c.name_en, c."order", t.area, t."order",
               {", ".join(f"COALESCE(a.{name}, 0)" for name in SUM_COLUMNS)}, COALESCE(a.managers, 0)
        FROM {Task._meta.db_table} t
        JOIN {TaskCategory._meta.db_table} c ON c.id = t.category_id
        LEFT JOIN (
            SELECT per.task_id, {sums},
                   SUM(CASE WHEN per.minutes_sum > 0 THEN 1 ELSE 0 END) AS managers
            FROM ({inner}) per
            GROUP BY per.task_id
        ) a ON a.task_id = t.id
        WHERE t.survey_id = %s
        ORDER BY t."order", t.id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, survey.pk])
        rows = cursor.fetchall()
    frame = pd.DataFrame(rows, columns=["task_id", *TASK_COLUMNS, *SUM_COLUMNS, "managers"])
    frame[[*SUM_COLUMNS, "managers"]] = frame[[*SUM_COLUMNS, "managers"]].astype("int64")
    return frame


def manager_task_totals(*, survey: Survey, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Sums per participant and task: the basis of comparing managers and their variation."""
    sums = (
        _lines(survey, filters).values("task_id", number=F("participant__number")).order_by().annotate(**_rating_sums())
    )
    return _frame(sums, ["number", "task_id"])


def manager_day_counts(*, survey: Survey, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Each participant's manager-days in the selection (participants without any are left out)."""
    rows = (
        _manager_days(survey, filters)
        .values(number=F("participant__number"))
        .order_by()
        .annotate(days=Count("id"))
        .values_list("number", "days")
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
        .filter(filters.day_q())
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
