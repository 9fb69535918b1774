"""The only place the analysis queries: SQL aggregates over a round's diary lines, as DataFrames.

Only submitted days count: a draft is work in progress, which the manager may still change or
abandon, so no figure reads it (the dashboard shows how many there are, as a data-quality figure).

Sums are taken in the database (GROUP BY), and only the aggregates come back: a round of 15 000
managers has ~1.6M lines, which pandas should never see one by one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from django.db import connection
from django.db.models import Count, F, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from mio import cache
from surveys.models import DiaryDay, DiaryLine, Participant, Survey, Task, TaskCategory

from .filters import NO_FILTERS, Filters, manager_days

SUBMITTED = DiaryDay.Status.SUBMITTED

TASK_COLUMNS = ["task", "label", "label_en", "category", "category_en", "category_order", "area", "order"]
SUM_COLUMNS = ["minutes", "f_minutes", "f_weighted", "v_minutes", "v_weighted"]


def _lines(survey: Survey, filters: Filters, task_ids: list[int] | None = None) -> QuerySet[DiaryLine]:
    # The round's task ids as literals rather than a join on tasks: the planner then estimates the
    # rows from the lines' own statistics (tiny task tables are seldom analysed) and scans the table
    # once instead of once per task.
    if task_ids is None:
        task_ids = list(Task.objects.filter(survey_id=survey.pk).values_list("id", flat=True))
    return DiaryLine.objects.filter(task_id__in=task_ids, day__status=SUBMITTED).filter(filters.line_q())


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
    rows = cache.for_round("analysis:tasks", survey=survey, compute=lambda: _task_rows(survey))
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


# Manager-days (submitted days with at least one minute) and the managers who have one; `where`
# is a filter from Filters.sql() on d.participant_id and d.id.
DAY_COUNTS_SQL = f"""
    SELECT COUNT(*) AS manager_days, COUNT(DISTINCT d.participant_id) AS managers
    FROM {DiaryDay._meta.db_table} d JOIN {Participant._meta.db_table} p ON p.id = d.participant_id
    WHERE p.survey_id = %s AND d.status = '{DiaryDay.Status.SUBMITTED}' AND d.minutes > 0{{where}}
"""


def day_counts(*, survey: Survey, filters: Filters = NO_FILTERS) -> dict[str, int]:
    """Manager-days (submitted days with at least one minute) and the managers who have one."""
    where, params = filters.sql(participant="d.participant_id", day="d.id")
    with connection.cursor() as cursor:
        cursor.execute(DAY_COUNTS_SQL.format(where=where), [survey.pk, *params])
        manager_days, managers = cursor.fetchone()
    return {"manager_days": manager_days, "managers": managers}


def round_totals(*, survey: Survey, filters: Filters = NO_FILTERS) -> tuple[dict[str, int], pd.DataFrame]:
    """The selection's `day_counts()` and, per task of the round in the round's order (tasks without
    lines too), the sums the friction figures need; `managers` counts the participants with minutes
    in the task.

    One statement: a GROUP BY task joined to the one-row day counts (a second round trip for the
    counts cost a millisecond more at 300 managers × 10 days). On PostgreSQL the grouping streams the
    covering index (surveys_line_analysis, ordered by task and participant), so the distinct count
    of participants is cheap: 6–7 ms against 8–11 ms for grouping by (task, participant) first and
    then by task at 300 × 10, and 0.31 s against 0.35 s at 15 000 × 10 (README, measured figures).
    """
    tasks = task_frame(survey=survey)
    task_ids = tasks["task_id"].tolist() or [0]
    line_where, line_params = filters.sql(participant="l.participant_id", day="l.day_id")
    day_where, day_params = filters.sql(participant="d.participant_id", day="d.id")
    sql = f"""
        SELECT c.manager_days, c.managers, t.*
        FROM ({DAY_COUNTS_SQL.format(where=day_where)}) c
        LEFT JOIN (
            SELECT l.task_id,
                   SUM(l.minutes),
                   SUM(CASE WHEN l.function IS NOT NULL THEN l.minutes ELSE 0 END),
                   SUM(COALESCE(l.minutes * l.function, 0)),
                   SUM(CASE WHEN l.value IS NOT NULL THEN l.minutes ELSE 0 END),
                   SUM(COALESCE(l.minutes * l.value, 0)),
                   COUNT(DISTINCT CASE WHEN l.minutes > 0 THEN l.participant_id END)
            FROM {DiaryLine._meta.db_table} l
            JOIN {DiaryDay._meta.db_table} ld ON ld.id = l.day_id AND ld.status = '{DiaryDay.Status.SUBMITTED}'
            WHERE l.task_id IN ({", ".join(["%s"] * len(task_ids))}){line_where}
            GROUP BY l.task_id
        ) t ON 1 = 1
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [survey.pk, *day_params, *task_ids, *line_params])
        rows = cursor.fetchall()
    counts = {"manager_days": rows[0][0], "managers": rows[0][1]}
    # Sixteen-odd aggregate rows: aligning them by hand is ten times cheaper than a pandas merge.
    by_task = {row[2]: row[3:] for row in rows if row[2] is not None}
    empty = (0,) * (len(SUM_COLUMNS) + 1)
    aligned = np.array([by_task.get(task_id, empty) for task_id in tasks["task_id"]], dtype="int64")
    aligned = aligned.reshape(len(tasks), len(SUM_COLUMNS) + 1)
    return counts, tasks.assign(**{name: aligned[:, index] for index, name in enumerate([*SUM_COLUMNS, "managers"])})


def manager_task_totals(*, survey: Survey, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Sums per participant and task: the basis of comparing managers and their variation."""
    sums = (
        _lines(survey, filters).values("task_id", number=F("participant__number")).order_by().annotate(**_rating_sums())
    )
    return _frame(sums, ["number", "task_id"])


def manager_day_counts(*, survey: Survey, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Each participant's manager-days in the selection (participants without any are left out)."""
    rows = (
        manager_days(survey=survey, filters=filters)
        .values(number=F("participant__number"))
        .order_by()
        .annotate(days=Count("id"))
        .values_list("number", "days")
    )
    return pd.DataFrame(list(rows), columns=["number", "days"])


def hour_friction_totals(*, survey: Survey, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Per task, the friction sum Σ minutes × (4 − function) of each hour slot, over rated lines."""
    hours = survey.hour_fields
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


def participant_numbers(*, survey: Survey) -> list[int]:
    return list(survey.participants.order_by("number").values_list("number", flat=True))


# --- Data quality ---------------------------------------------------------------------------------


def day_quality_counts(*, survey: Survey, filters: Filters = NO_FILTERS) -> dict[str, int]:
    """The selection's participants and how their days stand, in one statement:

    - participants: the selection's participants (a weekday does not narrow who takes part);
    - submitted: submitted days on the round's weekdays (Monday–Friday from its first to its last day);
    - drafts: draft days with at least one minute, which no figure counts (a draft without minutes
      is an opened form, not work left out of the figures).

    The minutes without ratings come from `round_totals()`, which sums the lines anyway.
    """
    by_unit = Filters(department=filters.department, unit=filters.unit)
    participant_where, participant_params = by_unit.sql(participant="p.id", day="NULL")
    day_where, day_params = filters.sql(participant="d.participant_id", day="d.id")
    weekdays = survey.weekdays()
    on_weekdays = f"d.date IN ({', '.join(['%s'] * len(weekdays))})" if weekdays else "1 = 0"
    sql = f"""
        SELECT
            (SELECT COUNT(*) FROM {Participant._meta.db_table} p WHERE p.survey_id = %s{participant_where}),
            COALESCE(SUM(CASE WHEN d.status = '{DiaryDay.Status.SUBMITTED}' AND {on_weekdays} THEN 1 ELSE 0 END), 0),
            COALESCE(SUM(CASE WHEN d.status = '{DiaryDay.Status.DRAFT}' AND d.minutes > 0 THEN 1 ELSE 0 END), 0)
        FROM {DiaryDay._meta.db_table} d JOIN {Participant._meta.db_table} dp ON dp.id = d.participant_id
        WHERE dp.survey_id = %s{day_where}
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [survey.pk, *participant_params, *weekdays, survey.pk, *day_params])
        participants, submitted, drafts = cursor.fetchone()
    return {"participants": participants, "submitted": int(submitted), "drafts": int(drafts)}
