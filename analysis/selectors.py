"""The only place the analysis queries: SQL aggregates over a round's diary lines, as DataFrames.

Only submitted days count: a draft is work in progress, which the manager may still change or
abandon, so no figure reads it (the dashboard shows how many there are, as a data-quality figure).

Sums are taken in the database (GROUP BY), and only the aggregates come back: a round of 15 000
managers has ~1.6M lines, which pandas should never see one by one.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.db import connection, transaction

from mio import cache
from surveys.models import DiaryDay, DiaryLine, Participant, Survey, Task, TaskCategory

from .filters import NO_FILTERS, Filters

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

    One statement: a GROUP BY task joined to the one-row day counts (a second round trip for the
    counts cost a millisecond more at 300 managers × 10 days). On PostgreSQL the grouping streams the
    covering index (surveys_line_analysis, ordered by task and participant), so the distinct count
    of participants is cheap; without a weekday no line is joined to its day (`_round_totals_rows`).
    """
    tasks = task_frame(survey=survey)
    task_ids = tasks["task_id"].tolist() or [0]
    if filters.weekday is None:
        rows = _round_totals_rows(survey, filters, task_ids)
    else:
        rows = _round_totals_rows_joined(survey, filters, task_ids)
    counts = {"manager_days": rows[0][0], "managers": rows[0][1]}
    # Sixteen-odd aggregate rows: aligning them by hand is ten times cheaper than a pandas merge.
    by_task = {row[2]: row[3:] for row in rows if row[2] is not None}
    empty = (0,) * (len(SUM_COLUMNS) + 1)
    aligned = np.array([by_task.get(task_id, empty) for task_id in tasks["task_id"]], dtype="int64")
    aligned = aligned.reshape(len(tasks), len(SUM_COLUMNS) + 1)
    return counts, tasks.assign(**{name: aligned[:, index] for index, name in enumerate([*SUM_COLUMNS, "managers"])})


def _round_totals_rows(survey: Survey, filters: Filters, task_ids: list[int]) -> list[tuple]:
    """round_totals() without a weekday: every line of the round's tasks grouped by task straight
    from the covering index (an index-only scan, no join: as fast as the bare GROUP BY), less the
    lines of days not submitted, which are few and found through the round's participants. A
    participant counts in a task's `managers` unless all their minutes in it are in such days.

    Joining every line to its day instead made the ranking 5–10 times the bare GROUP BY at
    300 × 10 in a database that also holds a national round (the join read the other round's days)."""
    in_tasks = ", ".join(["%s"] * len(task_ids))
    where, params = filters.sql(survey=survey.pk, participant="l.participant_id")
    day_where, day_params = filters.sql(survey=survey.pk, participant="d.participant_id")
    sql = f"""
        WITH unsubmitted AS (
            SELECT l.task_id, l.participant_id, l.minutes, l.function, l.value
            FROM {Participant._meta.db_table} up
            JOIN {DiaryDay._meta.db_table} ud ON ud.participant_id = up.id
            JOIN {DiaryLine._meta.db_table} l ON l.day_id = ud.id
            WHERE up.survey_id = %s AND ud.status <> '{SUBMITTED}' AND l.task_id IN ({in_tasks}){where}
        )
        SELECT c.manager_days, c.managers, a.task_id,
               a.minutes - COALESCE(b.minutes, 0),
               a.f_minutes - COALESCE(b.f_minutes, 0),
               a.f_weighted - COALESCE(b.f_weighted, 0),
               a.v_minutes - COALESCE(b.v_minutes, 0),
               a.v_weighted - COALESCE(b.v_weighted, 0),
               a.managers - COALESCE(e.managers, 0)
        FROM ({DAY_COUNTS_SQL.format(where=day_where)}) c
        LEFT JOIN (
            SELECT l.task_id, {TASK_SUMS_SQL},
                   COUNT(DISTINCT CASE WHEN l.minutes > 0 THEN l.participant_id END) AS managers
            FROM {DiaryLine._meta.db_table} l
            WHERE l.task_id IN ({in_tasks}){where}
            GROUP BY l.task_id
        ) a ON 1 = 1
        LEFT JOIN (SELECT l.task_id, {TASK_SUMS_SQL} FROM unsubmitted l GROUP BY l.task_id) b ON b.task_id = a.task_id
        LEFT JOIN (
            SELECT l.task_id, COUNT(DISTINCT l.participant_id) AS managers
            FROM unsubmitted l
            WHERE l.minutes > 0 AND NOT EXISTS (
                SELECT 1 FROM {DiaryLine._meta.db_table} s
                JOIN {DiaryDay._meta.db_table} sd ON sd.id = s.day_id AND sd.status = '{SUBMITTED}'
                WHERE s.task_id = l.task_id AND s.participant_id = l.participant_id AND s.minutes > 0
            )
            GROUP BY l.task_id
        ) e ON e.task_id = a.task_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [survey.pk, *task_ids, *params, survey.pk, *day_params, *task_ids, *params])
        return cursor.fetchall()


def _round_totals_rows_joined(survey: Survey, filters: Filters, task_ids: list[int]) -> list[tuple]:
    """round_totals() of a weekday: the lines joined to their days, of the round's participants only."""
    line_where, line_params = filters.sql(survey=survey.pk, participant="l.participant_id", date="ld.date")
    day_where, day_params = filters.sql(survey=survey.pk, participant="d.participant_id", date="d.date")
    sql = f"""
        SELECT c.manager_days, c.managers, t.*
        FROM ({DAY_COUNTS_SQL.format(where=day_where)}) c
        LEFT JOIN (
            SELECT l.task_id, {TASK_SUMS_SQL},
                   COUNT(DISTINCT CASE WHEN l.minutes > 0 THEN l.participant_id END)
            FROM {Participant._meta.db_table} lp
            JOIN {DiaryDay._meta.db_table} ld ON ld.participant_id = lp.id AND ld.status = '{SUBMITTED}'
            JOIN {DiaryLine._meta.db_table} l ON l.day_id = ld.id
            WHERE lp.survey_id = %s AND l.task_id IN ({", ".join(["%s"] * len(task_ids))}){line_where}
            GROUP BY l.task_id
        ) t ON 1 = 1
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [survey.pk, *day_params, survey.pk, *task_ids, *line_params])
        return cursor.fetchall()


# The friction sums of a group of lines, named, in SUM_COLUMNS order.
TASK_SUMS_SQL = """
    SUM(l.minutes) AS minutes,
    SUM(CASE WHEN l.function IS NOT NULL THEN l.minutes ELSE 0 END) AS f_minutes,
    SUM(COALESCE(l.minutes * l.function, 0)) AS f_weighted,
    SUM(CASE WHEN l.value IS NOT NULL THEN l.minutes ELSE 0 END) AS v_minutes,
    SUM(COALESCE(l.minutes * l.value, 0)) AS v_weighted
"""


# The five friction sums of a group of lines, in SUM_COLUMNS order, after the lines counted.
LINE_SUMS_SQL = f"""
    COUNT(*) AS lines,
    {TASK_SUMS_SQL}
"""


@contextmanager
def _large_statements(work_mem: str = "4MB") -> Iterator[None]:
    """On PostgreSQL, statements without JIT (compiling the sums cost 0.17 s at 15 000 managers and
    saved nothing) and, for those that hash a national round's groups, with a `work_mem` that holds
    them (the default spilled ~63 MB to disk): SET LOCAL, in a transaction of their own."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL work_mem = '{work_mem}'; SET LOCAL jit = off")
        yield


def _fetch_ints(sql: str, params: list[object], columns: int) -> np.ndarray:
    """The rows of an all-integer statement as an int64 array of `columns` columns."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    # fromiter over the flattened rows: a third of the time of np.array() on a list of tuples.
    flat = np.fromiter(itertools.chain.from_iterable(rows), dtype="int64", count=len(rows) * columns)
    return flat.reshape(len(rows), columns)


def _manager_task_sums(survey: Survey, filters: Filters) -> np.ndarray:
    """Rows of (participant number, task id, lines, *SUM_COLUMNS) over the selection's submitted lines.

    Without a weekday: all the round's lines grouped by (task, participant) straight from the
    covering index surveys_line_analysis (an index-only scan in its order, no join, no sort), less
    the same sums over the lines of days not submitted, which are few (groups of only such lines
    are left out). A weekday needs each line's day, so it joins the days of the round's participants."""
    task_ids = task_frame(survey=survey)["task_id"].tolist() or [0]
    in_tasks = ", ".join(["%s"] * len(task_ids))
    columns = 3 + len(SUM_COLUMNS)
    if filters.weekday is not None:
        where, params = filters.sql(survey=survey.pk, participant="l.participant_id", date="d.date")
        sql = f"""
            SELECT p.number, l.task_id, {LINE_SUMS_SQL}
            FROM {Participant._meta.db_table} p
            JOIN {DiaryDay._meta.db_table} d ON d.participant_id = p.id AND d.status = '{SUBMITTED}'
            JOIN {DiaryLine._meta.db_table} l ON l.day_id = d.id
            WHERE p.survey_id = %s AND l.task_id IN ({in_tasks}){where}
            GROUP BY l.task_id, p.number
        """
        with _large_statements(work_mem="64MB"):
            return _fetch_ints(sql, [survey.pk, *task_ids, *params], columns)
    where, params = filters.sql(survey=survey.pk, participant="l.participant_id")
    less = ", ".join(f"g.{name} - COALESCE(u.{name}, 0)" for name in ["lines", *SUM_COLUMNS])
    sql = f"""
        SELECT p.number, g.task_id, {less}
        FROM (
            SELECT l.participant_id, l.task_id, {LINE_SUMS_SQL}
            FROM {DiaryLine._meta.db_table} l
            WHERE l.task_id IN ({in_tasks}){where}
            GROUP BY l.task_id, l.participant_id
        ) g
        JOIN {Participant._meta.db_table} p ON p.id = g.participant_id
        LEFT JOIN (
            SELECT l.participant_id, l.task_id, {LINE_SUMS_SQL}
            FROM {Participant._meta.db_table} up
            JOIN {DiaryDay._meta.db_table} d ON d.participant_id = up.id
            JOIN {DiaryLine._meta.db_table} l ON l.day_id = d.id
            WHERE up.survey_id = %s AND d.status <> '{SUBMITTED}' AND l.task_id IN ({in_tasks}){where}
            GROUP BY l.task_id, l.participant_id
        ) u ON u.participant_id = g.participant_id AND u.task_id = g.task_id
        WHERE g.lines > COALESCE(u.lines, 0)
    """
    with _large_statements():
        return _fetch_ints(sql, [*task_ids, *params, survey.pk, *task_ids, *params], columns)


def manager_task_totals(*, survey: Survey, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Sums per participant and task, for each (number, task_id) with submitted lines: the basis of
    comparing managers and their variation."""
    rows = _manager_task_sums(survey, filters)
    return pd.DataFrame(
        {
            "number": rows[:, 0],
            "task_id": rows[:, 1],
            **{name: rows[:, 3 + index] for index, name in enumerate(SUM_COLUMNS)},
        }
    )


MANAGER_DAYS_SQL = f"""
    SELECT p.number, COUNT(*)
    FROM {DiaryDay._meta.db_table} d JOIN {Participant._meta.db_table} p ON p.id = d.participant_id
    WHERE p.survey_id = %s AND d.status = '{SUBMITTED}' AND d.minutes > 0{{where}}
    GROUP BY p.number
    ORDER BY p.number
"""


def manager_day_counts(*, survey: Survey, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Each participant's manager-days in the selection (participants without any are left out),
    by number."""
    where, params = filters.sql(survey=survey.pk, participant="d.participant_id", date="d.date")
    rows = _fetch_ints(MANAGER_DAYS_SQL.format(where=where), [survey.pk, *params], 2)
    return pd.DataFrame({"number": rows[:, 0], "days": rows[:, 1]})


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
    return _manager_totals(survey, filters)


def round_manager_totals(*, survey: Survey) -> ManagerTotals:
    """The whole round's `ManagerTotals`, computed once per data version and shared by the
    dashboard, its downloads, the comparison and the profiles."""
    return cache.for_round(
        "analysis:manager-totals", survey=survey, compute=lambda: _manager_totals(survey, NO_FILTERS)
    )


def _manager_totals(survey: Survey, filters: Filters) -> ManagerTotals:
    task_ids = task_frame(survey=survey)["task_id"].to_numpy(dtype="int64")
    days = manager_day_counts(survey=survey, filters=filters)
    numbers = days["number"].to_numpy(dtype="int64")
    rows = _manager_task_sums(survey, filters)
    sums = np.zeros((len(numbers), len(task_ids), len(SUM_COLUMNS)), dtype="int64")
    if len(rows) and len(numbers):
        row_numbers = rows[:, 0]
        manager = np.searchsorted(numbers, row_numbers).clip(max=len(numbers) - 1)
        order = np.argsort(task_ids)
        task = order[np.searchsorted(task_ids[order], rows[:, 1]).clip(max=len(task_ids) - 1)]
        # Participants without a manager-day (lines of days without minutes) are left out.
        keep = numbers[manager] == row_numbers
        sums[manager[keep], task[keep]] = rows[keep, 3:]
    # Half the bytes to cache and read back (a national round: 4.8 MB instead of 9.6); a manager's
    # sums stay far below 2³¹ (Σ minutes × rating ≤ 2 880 a day).
    if sums.size and sums.max() < 2**31:
        sums = sums.astype("int32")
    return ManagerTotals(numbers=numbers, days=days["days"].to_numpy(dtype="int64"), sums=sums)


def hour_friction_totals(*, survey: Survey, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Per task, the friction sum Σ minutes × (4 − function) of each hour slot, over rated lines.

    The round's lines are found by its task ids; days not submitted are left out by id (a handful,
    found through the round's participants), and a weekday joins the days of the round's
    participants only, never every day of the database."""
    hours = survey.hour_fields
    hour_columns = [f"h{n}" for n in range(1, len(hours) + 1)]
    tasks = task_frame(survey=survey)
    task_ids = tasks["task_id"].tolist() or [0]
    in_tasks = ", ".join(["%s"] * len(task_ids))
    sums = ", ".join(f"SUM(l.{name} * (4 - l.function))" for name in hours)
    if filters.weekday is None:
        where, params = filters.sql(survey=survey.pk, participant="l.participant_id")
        sql = f"""
            SELECT l.task_id, {sums}
            FROM {DiaryLine._meta.db_table} l
            WHERE l.task_id IN ({in_tasks}) AND l.function IS NOT NULL{where} AND l.day_id NOT IN (
                SELECT ud.id FROM {Participant._meta.db_table} up
                JOIN {DiaryDay._meta.db_table} ud ON ud.participant_id = up.id
                WHERE up.survey_id = %s AND ud.status <> '{SUBMITTED}'
            )
            GROUP BY l.task_id
        """
        params = [*task_ids, *params, survey.pk]
    else:
        where, params = filters.sql(survey=survey.pk, participant="l.participant_id", date="d.date")
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
