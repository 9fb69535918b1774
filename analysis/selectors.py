"""The only place the analysis queries: SQL aggregates over a round's diary lines, as DataFrames.

Only submitted days count: a draft is work in progress, which the manager may still change or
abandon, so no figure reads it (the dashboard shows how many there are, as a data-quality figure).

Sums are taken in the database (GROUP BY), and only the aggregates come back: a round of 15 000
managers has ~1.5M lines, which pandas should never see one by one. Without a weekday they are read
from each participant's task totals (`surveys.totals`, kept by every write to a diary), a sixth as
many rows, already summed over submitted days; a weekday needs the lines and their days.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.db import connection

from mio import cache
from surveys.models import DiaryDay, DiaryLine, Participant, Survey, Task, TaskCategory, TaskTotal

from .filters import NO_FILTERS, Filters
from .introws import fetch_ints, large_statements

SUBMITTED = DiaryDay.Status.SUBMITTED

TASK_COLUMNS = ["task", "label", "label_en", "category", "category_en", "category_order", "area", "order"]
SUM_COLUMNS = ["minutes", "f_minutes", "f_weighted", "v_minutes", "v_weighted"]


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
# is a filter from Filters.sql() on d.participant_id and d.date.
DAY_COUNTS_SQL = f"""
    SELECT COUNT(*) AS manager_days, COUNT(DISTINCT d.participant_id) AS managers
    FROM {DiaryDay._meta.db_table} d JOIN {Participant._meta.db_table} p ON p.id = d.participant_id
    WHERE p.survey_id = %s AND d.status = '{DiaryDay.Status.SUBMITTED}' AND d.minutes > 0{{where}}
"""


def day_counts(*, survey: Survey, filters: Filters = NO_FILTERS) -> dict[str, int]:
    """Manager-days (submitted days with at least one minute) and the managers who have one."""
    where, params = filters.sql(survey=survey.pk, participant="d.participant_id", date="d.date")
    with connection.cursor() as cursor:
        cursor.execute(DAY_COUNTS_SQL.format(where=where), [survey.pk, *params])
        manager_days, managers = cursor.fetchone()
    return {"manager_days": manager_days, "managers": managers}


def round_totals(*, survey: Survey, filters: Filters = NO_FILTERS) -> tuple[dict[str, int], pd.DataFrame]:
    """The selection's `day_counts()` and, per task of the round in the round's order (tasks without
    lines too), the sums the friction figures need; `managers` counts the participants with minutes
    in the task.

    Without a weekday, one statement: the participants' task totals added up per task, joined to the
    one-row day counts (a second round trip for the counts cost a millisecond more at 300 managers ×
    10 days). A weekday needs the lines of its days: their sums per manager (`manager_totals`, which
    the dashboard's per-manager figures read too) are added up here rather than read a second time.
    """
    tasks = task_frame(survey=survey)
    if filters.weekday is not None:
        return round_totals_from_managers(manager_totals(survey=survey, filters=filters), tasks)
    rows = _round_totals_rows(survey, filters, tasks["task_id"].tolist() or [0])
    counts = {"manager_days": rows[0][0], "managers": rows[0][1]}
    # Sixteen-odd aggregate rows: aligning them by hand is ten times cheaper than a pandas merge.
    by_task = {row[2]: row[3:] for row in rows if row[2] is not None}
    empty = (0,) * (len(SUM_COLUMNS) + 1)
    aligned = np.array([by_task.get(task_id, empty) for task_id in tasks["task_id"]], dtype="int64")
    aligned = aligned.reshape(len(tasks), len(SUM_COLUMNS) + 1)
    return counts, tasks.assign(**{name: aligned[:, index] for index, name in enumerate([*SUM_COLUMNS, "managers"])})


def _round_totals_rows(survey: Survey, filters: Filters, task_ids: list[int]) -> list[tuple]:
    """round_totals() without a weekday: the participants' task totals (`surveys.totals`, sums over
    submitted days only) added up per task; a participant counts in a task's `managers` when their
    total has minutes. A national round has a quarter of a million task totals against 1.5 million
    lines: scanning the lines took 0.5–0.7 s cold at 15 000 managers."""
    where, params = filters.sql(survey=survey.pk, participant="t.participant_id")
    day_where, day_params = filters.sql(survey=survey.pk, participant="d.participant_id")
    sql = f"""
        SELECT c.manager_days, c.managers, a.*
        FROM ({DAY_COUNTS_SQL.format(where=day_where)}) c
        LEFT JOIN (
            SELECT t.task_id, {TOTAL_SUMS_SQL}, COUNT(CASE WHEN t.minutes > 0 THEN 1 END)
            FROM {TaskTotal._meta.db_table} t
            WHERE t.task_id IN ({", ".join(["%s"] * len(task_ids))}){where}
            GROUP BY t.task_id
        ) a ON 1 = 1
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [survey.pk, *day_params, *task_ids, *params])
        return cursor.fetchall()


def round_totals_from_managers(totals: ManagerTotals, tasks: pd.DataFrame) -> tuple[dict[str, int], pd.DataFrame]:
    """round_totals() from the selection's sums per manager (a page that holds them reads nothing more): a
    manager counts in a task's `managers` when they have minutes in it, and every manager there has a
    manager-day in the selection."""
    sums = totals.sums.sum(axis=0, dtype="int64").reshape(len(tasks), len(SUM_COLUMNS))
    managers = (totals.sums[:, :, SUM_COLUMNS.index("minutes")] > 0).sum(axis=0, dtype="int64")
    counts = {"manager_days": int(totals.days.sum()), "managers": len(totals.numbers)}
    columns = {name: sums[:, index] for index, name in enumerate(SUM_COLUMNS)}
    return counts, tasks.assign(**columns, managers=managers.reshape(len(tasks)))


# The friction sums of a group of lines, named, in SUM_COLUMNS order.
TASK_SUMS_SQL = """
    SUM(l.minutes) AS minutes,
    SUM(CASE WHEN l.function IS NOT NULL THEN l.minutes ELSE 0 END) AS f_minutes,
    SUM(COALESCE(l.minutes * l.function, 0)) AS f_weighted,
    SUM(CASE WHEN l.value IS NOT NULL THEN l.minutes ELSE 0 END) AS v_minutes,
    SUM(COALESCE(l.minutes * l.value, 0)) AS v_weighted
"""


# The same sums over task totals (surveys.models.TaskTotal), whose columns are named alike.
TOTAL_SUMS_SQL = ", ".join(f"SUM(t.{name})" for name in SUM_COLUMNS)


def _manager_task_sums(survey: Survey, filters: Filters) -> np.ndarray:
    """Rows of (participant id, task id, *SUM_COLUMNS) over the selection's submitted lines, one per
    participant and task with such lines.

    Without a weekday these are the participants' task totals as stored (`surveys.totals`); a weekday
    needs each line's day, so it joins the days of the round's participants to their lines."""
    task_ids = task_frame(survey=survey)["task_id"].tolist() or [0]
    in_tasks = ", ".join(["%s"] * len(task_ids))
    columns = 2 + len(SUM_COLUMNS)
    if filters.weekday is not None:
        where, params = filters.sql(survey=survey.pk, participant="d.participant_id", date="d.date")
        sql = f"""
            SELECT d.participant_id, l.task_id, {TASK_SUMS_SQL}
            FROM {Participant._meta.db_table} p
            JOIN {DiaryDay._meta.db_table} d ON d.participant_id = p.id AND d.status = '{SUBMITTED}'
            JOIN {DiaryLine._meta.db_table} l ON l.day_id = d.id
            WHERE p.survey_id = %s AND l.task_id IN ({in_tasks}){where}
            GROUP BY l.task_id, d.participant_id
        """
        with large_statements(work_mem="64MB"):
            return fetch_ints(sql, [survey.pk, *task_ids, *params], columns)
    where, params = filters.sql(survey=survey.pk, participant="t.participant_id")
    sql = f"""
        SELECT t.participant_id, t.task_id, {", ".join(f"t.{name}" for name in SUM_COLUMNS)}
        FROM {TaskTotal._meta.db_table} t
        WHERE t.task_id IN ({in_tasks}){where}
    """
    with large_statements():
        return fetch_ints(sql, [*task_ids, *params], columns)


def manager_task_totals(*, survey: Survey, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Sums per participant and task, for each (number, task_id) with submitted lines: the basis of
    comparing managers and their variation."""
    rows = _manager_task_sums(survey, filters)
    ids, numbers = _participant_numbers(survey)
    return pd.DataFrame(
        {
            "number": numbers[np.searchsorted(ids, rows[:, 0])] if len(ids) else rows[:, 0],
            "task_id": rows[:, 1],
            **{name: rows[:, 2 + index] for index, name in enumerate(SUM_COLUMNS)},
        }
    )


def _participant_numbers(survey: Survey) -> tuple[np.ndarray, np.ndarray]:
    """The round's participant ids, ascending, and their numbers."""
    sql = f"SELECT id, number FROM {Participant._meta.db_table} WHERE survey_id = %s ORDER BY id"
    rows = fetch_ints(sql, [survey.pk], 2)
    return rows[:, 0], rows[:, 1]


MANAGER_DAYS_SQL = f"""
    SELECT p.number, p.id, COUNT(*)
    FROM {DiaryDay._meta.db_table} d JOIN {Participant._meta.db_table} p ON p.id = d.participant_id
    WHERE p.survey_id = %s AND d.status = '{SUBMITTED}' AND d.minutes > 0{{where}}
    GROUP BY p.number, p.id
    ORDER BY p.number
"""


def manager_day_counts(*, survey: Survey, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Each participant's manager-days in the selection (participants without any are left out),
    by number."""
    rows = _manager_day_rows(survey, filters)
    return pd.DataFrame({"number": rows[:, 0], "days": rows[:, 2]})


def _manager_day_rows(survey: Survey, filters: Filters) -> np.ndarray:
    """manager_day_counts() as rows of (number, participant id, manager-days)."""
    where, params = filters.sql(survey=survey.pk, participant="d.participant_id", date="d.date")
    return fetch_ints(MANAGER_DAYS_SQL.format(where=where), [survey.pk, *params], 3)


@dataclass(frozen=True)
class ManagerTotals:
    """Every manager of a selection with a manager-day, and their sums per task, as arrays: small
    to cache and to pickle (no frame of a quarter of a million rows).

    numbers: participant numbers, ascending (M); days: their manager-days (M);
    sums: (M, T, len(SUM_COLUMNS)) in the order of `task_frame()`'s tasks and of SUM_COLUMNS
    (int32 when they fit: cast before adding managers up)."""

    numbers: np.ndarray
    days: np.ndarray
    sums: np.ndarray

    def select(self, numbers: np.ndarray) -> ManagerTotals:
        keep = np.isin(self.numbers, numbers)
        return ManagerTotals(numbers=self.numbers[keep], days=self.days[keep], sums=self.sums[keep])

    def index_of(self, number: int) -> int | None:
        position = int(np.searchsorted(self.numbers, number))
        found = position < len(self.numbers) and self.numbers[position] == number
        return position if found else None


def manager_totals(*, survey: Survey, filters: Filters = NO_FILTERS) -> ManagerTotals:
    """The selection's `ManagerTotals`. Department and unit select participants from the whole
    round's (cached) totals; a weekday needs sums of its own."""
    if filters.weekday is None:
        totals = round_manager_totals(survey=survey)
        if filters.is_empty():
            return totals
        where, params = filters.sql(survey=survey.pk, participant="p.id")
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT p.number FROM {Participant._meta.db_table} p WHERE p.survey_id = %s{where}",
                [survey.pk, *params],
            )
            numbers = np.array([row[0] for row in cursor.fetchall()], dtype="int64")
        return totals.select(numbers)
    # A weekday's sums read the lines of its days: once per data version, for the figures per task
    # (`round_totals`) and per manager alike.
    return cache.for_round(
        "analysis:weekday-manager-totals",
        survey=survey,
        params=(filters,),
        compute=lambda: _manager_totals(survey, filters),
    )


def round_manager_totals(*, survey: Survey) -> ManagerTotals:
    """The whole round's `ManagerTotals`, computed once per data version and shared by the
    dashboard, its downloads, the comparison and the profiles."""
    return cache.for_round(
        "analysis:manager-totals", survey=survey, compute=lambda: _manager_totals(survey, NO_FILTERS)
    )


def _manager_totals(survey: Survey, filters: Filters) -> ManagerTotals:
    task_ids = task_frame(survey=survey)["task_id"].to_numpy(dtype="int64")
    days = _manager_day_rows(survey, filters)
    numbers = days[:, 0]
    rows = _manager_task_sums(survey, filters)
    sums = np.zeros((len(numbers), len(task_ids), len(SUM_COLUMNS)), dtype="int64")
    if len(rows) and len(numbers):
        ids = days[:, 1]
        by_id = np.argsort(ids)
        manager = by_id[np.searchsorted(ids[by_id], rows[:, 0]).clip(max=len(ids) - 1)]
        order = np.argsort(task_ids)
        task = order[np.searchsorted(task_ids[order], rows[:, 1]).clip(max=len(task_ids) - 1)]
        # Participants without a manager-day (lines of days without minutes) are left out.
        keep = ids[manager] == rows[:, 0]
        sums[manager[keep], task[keep]] = rows[keep, 2:]
    # Half the bytes to cache and read back (a national round: 4.8 MB instead of 9.6); a manager's
    # sums stay far below 2³¹ (Σ minutes × rating ≤ 2 880 a day).
    if sums.size and sums.max() < 2**31:
        sums = sums.astype("int32")
    return ManagerTotals(numbers=numbers, days=days[:, 2], sums=sums)


def hour_friction_totals(*, survey: Survey, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Per task, the friction sum Σ minutes × (4 − function) of each hour slot, over rated lines.

    Without a weekday, the participants' task totals hold these sums per hour (`TaskTotal.hf1` …); a
    weekday joins the days of the round's participants to their lines, never every day of the database."""
    hours = survey.hour_fields
    hour_columns = [f"h{n}" for n in range(1, len(hours) + 1)]
    tasks = task_frame(survey=survey)
    task_ids = tasks["task_id"].tolist() or [0]
    in_tasks = ", ".join(["%s"] * len(task_ids))
    sums = ", ".join(f"SUM(l.{name} * (4 - l.function))" for name in hours)
    if filters.weekday is None:
        where, params = filters.sql(survey=survey.pk, participant="t.participant_id")
        total_sums = ", ".join(f"SUM(t.hf{name[1:]})" for name in hours)
        sql = f"""
            SELECT t.task_id, {total_sums}
            FROM {TaskTotal._meta.db_table} t
            WHERE t.task_id IN ({in_tasks}){where}
            GROUP BY t.task_id
        """
        params = [*task_ids, *params]
    else:
        where, params = filters.sql(survey=survey.pk, participant="d.participant_id", date="d.date")
        sql = f"""
            SELECT l.task_id, {sums}
            FROM {Participant._meta.db_table} p
            JOIN {DiaryDay._meta.db_table} d ON d.participant_id = p.id AND d.status = '{SUBMITTED}'
            JOIN {DiaryLine._meta.db_table} l ON l.day_id = d.id
            WHERE p.survey_id = %s AND l.task_id IN ({in_tasks}) AND l.function IS NOT NULL{where}
            GROUP BY l.task_id
        """
        params = [survey.pk, *task_ids, *params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        by_task = {row[0]: row[1:] for row in cursor.fetchall()}
    empty = (0,) * len(hours)
    values = np.array([by_task.get(task_id, empty) for task_id in tasks["task_id"]], dtype="int64")
    values = values.reshape(len(tasks), len(hours))
    return tasks.assign(**{name: values[:, index] for index, name in enumerate(hour_columns)})


def participant_departments(*, survey: Survey) -> pd.Series:
    """Each participant's department in the round, by number (None without a unit): the department
    a department filter selects them by."""
    rows = survey.participants.order_by("number").values_list("number", "unit__department_id")
    numbers, departments = zip(*rows, strict=True) if rows else ((), ())
    return pd.Series(list(departments), index=pd.Index(list(numbers), name="number"), dtype="object")


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
    participant_where, participant_params = by_unit.sql(survey=survey.pk, participant="p.id")
    day_where, day_params = filters.sql(survey=survey.pk, participant="d.participant_id", date="d.date")
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


def own_draft_days(*, survey: Survey, number: int) -> int:
    """One participant's draft days with at least one minute, which no figure counts (as
    `day_quality_counts`' drafts): what "my profile" tells its manager is left out."""
    return DiaryDay.objects.filter(
        participant__survey=survey, participant__number=number, status=DiaryDay.Status.DRAFT, minutes__gt=0
    ).count()
