"""Each participant's sums per task over their submitted days (`TaskTotal`), kept in step with the diary.

The analysis reads these instead of the diary lines: a national round of 15 000 managers × 10 days has
1.5 million lines, which every cold page had to scan three times (the ranking, the sums per manager and the
hours), and a quarter of a million task totals, ten times fewer and already summed.

Every write to a diary calls `refresh()` for the participants it changed, in its own transaction and before
`Survey.touch()`; a participant's rows are recomputed from their lines, never adjusted by a difference, so a
refresh is right whatever was written before it. `rebuild_task_totals` recomputes a whole installation.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import connection

from . import bulkwrite
from .models import HOUR_FIELDS, DiaryDay, DiaryLine, Participant, Survey, TaskTotal

if TYPE_CHECKING:
    import numpy as np

# Participants per statement: an IN list PostgreSQL and SQLite (at most 32 766 parameters) both take.
BATCH = 2000


def iso_weekday_sql(column: str) -> str:
    """The ISO weekday (1 Monday … 7 Sunday) of a date column, in the connection's SQL."""
    if connection.vendor == "postgresql":
        return f"CAST(EXTRACT(ISODOW FROM {column}) AS INTEGER)"
    # SQLite: %w counts from Sunday = 0. Percent signs doubled: the statement is run with parameters.
    return f"((CAST(strftime('%%w', {column}) AS INTEGER) + 6) %% 7 + 1)"


def bit_or_sql(expression: str) -> str:
    """The bitwise or of an integer expression over a group: BIT_OR on PostgreSQL, elsewhere the sum of
    its distinct values (the same for powers of two and zero)."""
    if connection.vendor == "postgresql":
        return f"BIT_OR({expression})"
    return f"SUM(DISTINCT {expression})"


# The stored columns, in the model's order, which `_totals_sql()` selects in.
COLUMNS = [field.column for field in TaskTotal._meta.concrete_fields if not field.primary_key]


def _totals_sql(in_participants: str) -> str:
    """The COLUMNS of the participants' task totals as their lines give them now."""
    hour_friction = ", ".join(f"SUM(COALESCE(l.{name} * (4 - l.function), 0))" for name in HOUR_FIELDS)
    weekday_bit = f"1 << CAST({iso_weekday_sql('d.date')} AS INTEGER)"
    # A manager-day's weekday counts in a task where the line has minutes (as a manager-day has minutes).
    return f"""
        SELECT d.participant_id, l.task_id,
               SUM(l.minutes),
               SUM(CASE WHEN l.function IS NOT NULL THEN l.minutes ELSE 0 END),
               SUM(COALESCE(l.minutes * l.function, 0)),
               SUM(CASE WHEN l.value IS NOT NULL THEN l.minutes ELSE 0 END),
               SUM(COALESCE(l.minutes * l.value, 0)),
               {bit_or_sql(f"CASE WHEN l.minutes > 0 AND d.minutes > 0 THEN {weekday_bit} ELSE 0 END")},
               {hour_friction}
        FROM {DiaryDay._meta.db_table} d
        JOIN {DiaryLine._meta.db_table} l ON l.day_id = d.id
        WHERE d.participant_id IN ({in_participants}) AND d.status = '{DiaryDay.Status.SUBMITTED}'
        GROUP BY d.participant_id, l.task_id
    """


def _delete(cursor, in_participants: str, params: list[object]) -> None:
    cursor.execute(f"DELETE FROM {TaskTotal._meta.db_table} WHERE participant_id IN ({in_participants})", params)


def _replace(cursor, in_participants: str, params: list[object]) -> None:
    _delete(cursor, in_participants, params)
    cursor.execute(
        f"INSERT INTO {TaskTotal._meta.db_table} ({', '.join(COLUMNS)}) {_totals_sql(in_participants)}", params
    )


def refresh(participant_ids: Iterable[int]) -> None:
    """Recompute the task totals of these participants from their submitted lines (in the caller's
    transaction, which has written their diaries).

    On PostgreSQL the participants' rows are locked first (FOR NO KEY UPDATE, which diary lines'
    foreign-key checks do not wait for): two saves of one manager's days then refresh one after the
    other, the second seeing the first's lines, instead of both inserting the same (task, participant)."""
    ids = sorted(set(participant_ids))
    with connection.cursor() as cursor:
        for start in range(0, len(ids), BATCH):
            batch = ids[start : start + BATCH]
            marks = _lock(cursor, batch)
            _replace(cursor, marks, batch)


def _lock(cursor, participant_ids: list[int]) -> str:
    """Lock the participants (see `refresh`); their id placeholders, for the statements that follow."""
    marks = ", ".join(["%s"] * len(participant_ids))
    if connection.vendor == "postgresql":
        cursor.execute(
            f"SELECT id FROM {Participant._meta.db_table} WHERE id IN ({marks}) ORDER BY id FOR NO KEY UPDATE",
            participant_ids,
        )
    return marks


def sums_of_lines(
    *,
    participant: np.ndarray,
    task: np.ndarray,
    minutes: np.ndarray,
    value: np.ndarray,
    function: np.ndarray,
    weekday: np.ndarray,
    day_minutes: np.ndarray,
) -> np.ndarray:
    """The task totals (rows of COLUMNS) of lines held in memory, the same sums `_totals_sql` makes of
    stored ones: one entry per line of the participant and task ids, the minutes per hour (lines × hours),
    the ratings (0 for none), the ISO weekday of the line's day and that day's minutes. For a writer that
    holds every submitted line of its participants (an import of their whole diaries): reading back what
    it has just written costs as much as writing it."""
    import numpy as np  # here, not at the top: every diary page loads this module

    if not len(participant):
        return np.zeros((0, len(COLUMNS)), dtype=np.int64)
    pairs, group = np.unique(np.stack([participant, task], axis=1), axis=0, return_inverse=True)
    group = group.reshape(-1)

    def total(per_line: np.ndarray) -> np.ndarray:
        return np.bincount(group, weights=per_line, minlength=len(pairs)).astype(np.int64)

    line_minutes = minutes.sum(axis=1)
    rated, valued = function > 0, value > 0
    counted_day = (line_minutes > 0) & (day_minutes > 0)
    weekdays = np.zeros(len(pairs), dtype=np.int64)
    np.bitwise_or.at(weekdays, group, np.where(counted_day, np.left_shift(1, weekday), 0))
    hour_friction = minutes * np.where(rated, 4 - function, 0)[:, None]
    padding = np.zeros((len(pairs), len(HOUR_FIELDS) - minutes.shape[1]), dtype=np.int64)
    by_name = {
        "participant_id": pairs[:, 0],
        "task_id": pairs[:, 1],
        "minutes": total(line_minutes),
        "f_minutes": total(np.where(rated, line_minutes, 0)),
        "f_weighted": total(line_minutes * function),
        "v_minutes": total(np.where(valued, line_minutes, 0)),
        "v_weighted": total(line_minutes * value),
        "weekdays": weekdays,
    }
    hours = np.column_stack([total(hour_friction[:, hour]) for hour in range(minutes.shape[1])] + [padding])
    by_name.update({f"hf{number}": hours[:, number - 1] for number in range(1, len(HOUR_FIELDS) + 1)})
    return np.column_stack([by_name[name] for name in COLUMNS])


def replace_with(participant_ids: Iterable[int], rows: np.ndarray) -> None:
    """Store `rows` (of COLUMNS, from `sums_of_lines`) as the whole task totals of these participants,
    locked as `refresh` locks them."""
    ids = sorted(set(participant_ids))
    with connection.cursor() as cursor:
        for start in range(0, len(ids), BATCH):
            batch = ids[start : start + BATCH]
            _delete(cursor, _lock(cursor, batch), batch)
    bulkwrite.write_rows(TaskTotal._meta.db_table, COLUMNS, [tuple(row) for row in rows.tolist()])


def refresh_round(survey: Survey) -> None:
    """Recompute the task totals of every participant of a round (after a bulk write to it)."""
    with connection.cursor() as cursor:
        _replace(cursor, f"SELECT id FROM {Participant._meta.db_table} WHERE survey_id = %s", [survey.pk])


def stale_participants(survey: Survey) -> list[int]:
    """The participants of the round whose stored task totals differ from their lines (none, unless a
    write bypassed `refresh()`): the tests' check, and `rebuild_task_totals --check`."""
    in_round = f"SELECT id FROM {Participant._meta.db_table} WHERE survey_id = %s"
    fresh = _totals_sql(in_round)
    stored = f"SELECT {', '.join(COLUMNS)} FROM {TaskTotal._meta.db_table} WHERE participant_id IN ({in_round})"
    sql = f"""
        SELECT participant_id FROM ({fresh} EXCEPT {stored}) missing
        UNION
        SELECT participant_id FROM ({stored} EXCEPT {fresh}) extra
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [survey.pk] * 4)
        return sorted(row[0] for row in cursor.fetchall())
