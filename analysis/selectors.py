"""The only place the analysis queries: SQL aggregates over a round's diary lines, as DataFrames.

Sums are taken in the database (GROUP BY), and only the aggregates come back: a round of 15 000
managers has ~1.6M lines, which pandas should never see one by one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.core.cache import cache
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import Count, F, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from surveys.models import HOUR_FIELDS, DiaryDay, DiaryLine, Participant, Survey, Task, TaskCategory, Unit


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

    def sql(self, *, participant: str, day: str) -> tuple[str, list[object]]:
        """The filter as SQL on a participant id column and a day id column, for hand-written
        aggregates (compiling an ORM query costs more than running it on a municipality's round)."""
        clauses: list[str] = []
        params: list[object] = []
        if self.department is not None:
            clauses.append(
                f"{participant} IN (SELECT p.id FROM {Participant._meta.db_table} p"
                f" JOIN {Unit._meta.db_table} u ON u.id = p.unit_id WHERE u.department_id = %s)"
            )
            params.append(self.department)
        if self.unit is not None:
            clauses.append(f"{participant} IN (SELECT id FROM {Participant._meta.db_table} WHERE unit_id = %s)")
            params.append(self.unit)
        if self.weekday is not None:
            days, day_params = (
                DiaryDay.objects.filter(date__iso_week_day=self.weekday).values("id").query.sql_with_params()
            )
            clauses.append(f"{day} IN ({days})")
            params.extend(day_params)
        return "".join(f" AND {clause}" for clause in clauses), params

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


# Above this many lines (about 2 000 managers × 10 days) a round gets the planner settings below;
# under it the defaults are faster.
LARGE_ROUND_LINES = 250_000


def _day_estimate(survey: Survey) -> int:
    """An upper bound of a round's diary days: participants × weekdays."""
    return survey.participants.count() * max(len(survey.weekdays()), 1)


@contextmanager
def _analytic_cursor(*, large: bool = True) -> Iterator[CursorWrapper]:
    """A cursor for one large aggregate. On PostgreSQL the grouping by (task, participant) of a
    million lines needs more than the default 4 MB work_mem, JIT compiling costs more than it saves
    at this size, and sorted grouping beats hashing; all are set for this transaction only.
    Smaller rounds run faster with the defaults (and without the extra transaction)."""
    if not (large and connection.vendor == "postgresql"):
        with connection.cursor() as cursor:
            yield cursor
        return
    with transaction.atomic(), connection.cursor() as cursor:
        # enable_hashagg off: stream the covering index (surveys_line_analysis) in order rather
        # than hash a large round's (task, participant) groups (0.39 s against 0.75 s, 1.45M lines).
        cursor.execute("SET LOCAL work_mem = '128MB'; SET LOCAL jit = off; SET LOCAL enable_hashagg = off")
        yield cursor


def _lines(survey: Survey, filters: Filters, task_ids: list[int] | None = None) -> QuerySet[DiaryLine]:
    # The round's task ids as literals rather than a join on tasks: the planner then estimates the
    # rows from the lines' own statistics (tiny task tables are seldom analysed) and scans the table
    # once instead of once per task.
    if task_ids is None:
        task_ids = list(Task.objects.filter(survey_id=survey.pk).values_list("id", flat=True))
    return DiaryLine.objects.filter(task_id__in=task_ids).filter(filters.line_q())


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
    """Every task of the round in the round's order, with its category and area.

    Cached until the round changes (editing tasks in the admin touches the round too)."""
    key = f"analysis:tasks:{survey.pk}:{survey.data_version}"
    rows = cache.get(key)
    if rows is None:
        rows = _task_rows(survey)
        cache.set(key, rows, 60 * 60)
    return pd.DataFrame(rows, columns=["task_id", *TASK_COLUMNS])


def _task_rows(survey: Survey) -> list[tuple]:
    sql = f"""
        SELECT t.id, t.code, t.label, t.label_en, c.name, c.name_en, c."order", t.area, t."order"
        FROM {Task._meta.db_table} t JOIN {TaskCategory._meta.db_table} c ON c.id = t.category_id
        WHERE t.survey_id = %s
        ORDER BY t."order", t.id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [survey.pk])
        return cursor.fetchall()


def _manager_days(survey: Survey, filters: Filters) -> QuerySet[DiaryDay]:
    """The selection's manager-days: diary days with at least one minute."""
    return DiaryDay.objects.filter(participant__survey=survey, minutes__gt=0).filter(filters.day_q())


def day_counts(*, survey: Survey, filters: Filters = NO_FILTERS) -> dict[str, int]:
    """Manager-days (days with at least one minute) and the managers who have one."""
    where, params = filters.sql(participant="d.participant_id", day="d.id")
    sql = f"""
        SELECT COUNT(*), COUNT(DISTINCT d.participant_id)
        FROM {DiaryDay._meta.db_table} d JOIN {Participant._meta.db_table} p ON p.id = d.participant_id
        WHERE p.survey_id = %s AND d.minutes > 0{where}
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [survey.pk, *params])
        manager_days, managers = cursor.fetchone()
    return {"manager_days": manager_days, "managers": managers}


def task_totals(*, survey: Survey, filters: Filters = NO_FILTERS, manager_days: int | None = None) -> pd.DataFrame:
    """One row per task of the round, in the round's order (tasks without lines too), with the sums
    the friction figures need. `managers` counts the participants with minutes in the task.

    Sums per (task, participant) first, then per task, so that counting managers is a count of
    groups instead of a COUNT(DISTINCT) (several times slower on a million lines).
    """
    tasks = task_frame(survey=survey)
    task_ids = tasks["task_id"].tolist()
    if not task_ids:
        return tasks.assign(**{name: pd.Series(dtype="int64") for name in [*SUM_COLUMNS, "managers"]})
    where, params = filters.sql(participant="l.participant_id", day="l.day_id")
    table = DiaryLine._meta.db_table
    sql = f"""
        SELECT per.task_id, {", ".join(f"SUM(per.{name})" for name in SUM_COLUMNS)},
               SUM(CASE WHEN per.minutes > 0 THEN 1 ELSE 0 END)
        FROM (
            SELECT l.task_id, l.participant_id,
                   SUM(l.minutes) AS minutes,
                   SUM(CASE WHEN l.function IS NOT NULL THEN l.minutes ELSE 0 END) AS f_minutes,
                   SUM(COALESCE(l.minutes * l.function, 0)) AS f_weighted,
                   SUM(CASE WHEN l.value IS NOT NULL THEN l.minutes ELSE 0 END) AS v_minutes,
                   SUM(COALESCE(l.minutes * l.value, 0)) AS v_weighted
            FROM {table} l
            WHERE l.task_id IN ({", ".join(["%s"] * len(task_ids))}){where}
            GROUP BY l.task_id, l.participant_id
        ) per
        GROUP BY per.task_id
    """
    days = _day_estimate(survey) if manager_days is None else manager_days
    with _analytic_cursor(large=days * len(task_ids) > LARGE_ROUND_LINES) as cursor:
        cursor.execute(sql, [*task_ids, *params])
        rows = cursor.fetchall()
    # Sixteen-odd aggregate rows: aligning them by hand is ten times cheaper than a pandas merge.
    by_task = {row[0]: row[1:] for row in rows}
    empty = (0,) * (len(SUM_COLUMNS) + 1)
    aligned = np.array([by_task.get(task_id, empty) for task_id in tasks["task_id"]], dtype="int64")
    aligned = aligned.reshape(len(tasks), len(SUM_COLUMNS) + 1)
    return tasks.assign(**{name: aligned[:, index] for index, name in enumerate([*SUM_COLUMNS, "managers"])})


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
