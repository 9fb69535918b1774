"""The day page's reads, written as SQL: the page every manager opens every day, where building the querysets
through the ORM cost more than the database's answers (`loadtest/bench.py`: the page's CPU fell by about a
third). Each reads exactly what the ORM query it replaces read, into model instances."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection

from .models import DiaryDay, DiaryLine, Participant, Survey, Task, TaskCategory


class _Rows:
    """One model's columns in a hand-written query, read into instances as the ORM reads them (its database
    converters applied, e.g. SQLite's dates): the day page's queries without building them through the ORM each
    request, which cost more of the page's time than the database's answers (see `loadtest/bench.py`)."""

    def __init__(self, model, alias: str):
        self.model = model
        self.alias = alias
        self.fields = model._meta.concrete_fields
        self.names = [field.attname for field in self.fields]
        self._converters: dict[str, list[tuple[int, list]]] = {}  # per database alias

    def __len__(self) -> int:
        return len(self.fields)

    def select(self) -> str:
        quote = connection.ops.quote_name
        return ", ".join(f"{self.alias}.{quote(field.column)}" for field in self.fields)

    def _converters_of(self) -> list[tuple[int, list, object]]:
        known = self._converters.get(connection.alias)
        if known is None:
            known = []
            for index, field in enumerate(self.fields):
                column = field.get_col(self.alias)
                functions = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
                if functions:
                    known.append((index, functions, column))
            self._converters[connection.alias] = known
        return known

    def read(self, row: Sequence, start: int = 0):
        """The instance in `row` from column `start`; None when its key is NULL (an outer join without a match)."""
        values = list(row[start : start + len(self.fields)])
        if values[0] is None:
            return None
        for index, functions, column in self._converters_of():
            for function in functions:
                values[index] = function(values[index], column, connection)
        return self.model.from_db(connection.alias, self.names, values)


_PARTICIPANT = _Rows(Participant, "p")
_SURVEY = _Rows(Survey, "s")
_DAY = _Rows(DiaryDay, "d")
_USER = _Rows(get_user_model(), "u")
_TASK = _Rows(Task, "t")
_CATEGORY = _Rows(TaskCategory, "c")
_LINE = _Rows(DiaryLine, "l")


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def own_participation(user, slug: str) -> Participant | None:
    """The signed-in user's participation in the round, with the round, in one query; None for a round they do
    not take part in or that does not exist.

    The same query reads the user's groups (a row per group), which every page's menu asks about
    (`roles._groups`): one query fewer per page."""
    groups = get_user_model()._meta.get_field("groups")
    quote = connection.ops.quote_name
    sql = (
        f"SELECT {_PARTICIPANT.select()}, {_SURVEY.select()}, g.{quote('name')} "
        f"FROM {_table(Participant)} p JOIN {_table(Survey)} s ON s.{quote('id')} = p.{quote('survey_id')} "
        f"LEFT JOIN {quote(groups.m2m_db_table())} ug ON ug.{quote(groups.m2m_column_name())} = p.{quote('user_id')} "
        f"LEFT JOIN {_table(Group)} g ON g.{quote('id')} = ug.{quote(groups.m2m_reverse_name())} "
        f"WHERE s.{quote('slug')} = %s AND p.{quote('user_id')} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [slug, user.pk])
        rows = cursor.fetchall()
    if not rows:
        return None
    participant = _PARTICIPANT.read(rows[0])
    participant.survey = _SURVEY.read(rows[0], len(_PARTICIPANT))
    if getattr(user, "_mio_groups", None) is None:
        user._mio_groups = {row[-1] for row in rows if row[-1] is not None}
    return participant


def days_of(participant: Participant) -> list[DiaryDay]:
    """Every saved day of the manager by date, each with who keyed it in, in one query (as
    `participant.days.select_related("keyed_in_by").order_by("date")` reads them)."""
    quote = connection.ops.quote_name
    sql = (
        f"SELECT {_DAY.select()}, {_USER.select()} FROM {_table(DiaryDay)} d "
        f"LEFT JOIN {_table(get_user_model())} u ON u.{quote('id')} = d.{quote('keyed_in_by_id')} "
        f"WHERE d.{quote('participant_id')} = %s ORDER BY d.{quote('date')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [participant.pk])
        rows = cursor.fetchall()
    days = []
    for row in rows:
        day = _DAY.read(row)
        day.participant = participant
        day.keyed_in_by = _USER.read(row, len(_DAY))
        days.append(day)
    return days


def tasks_and_lines(survey: Survey, saved: DiaryDay | None) -> tuple[list[Task], list[DiaryLine]]:
    """The round's tasks in the form's order, each with its category, and the stored day's rows, in one query:
    each task with its row of the day joined in (a task has at most one row a day)."""
    quote = connection.ops.quote_name
    select = f"{_TASK.select()}, {_CATEGORY.select()}"
    joins = f"JOIN {_table(TaskCategory)} c ON c.{quote('id')} = t.{quote('category_id')}"
    params: list[object] = []
    if saved is not None:
        select += f", {_LINE.select()}"
        joins += (
            f" LEFT JOIN {_table(DiaryLine)} l ON l.{quote('task_id')} = t.{quote('id')} AND l.{quote('day_id')} = %s"
        )
        params.append(saved.pk)
    sql = (
        f"SELECT {select} FROM {_table(Task)} t {joins} WHERE t.{quote('survey_id')} = %s "
        f"ORDER BY t.{quote('order')}, t.{quote('id')}"
    )
    params.append(survey.pk)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    tasks, lines = [], []
    for row in rows:
        task = _TASK.read(row)
        task.survey = survey
        task.category = _CATEGORY.read(row, len(_TASK))
        tasks.append(task)
        line = _LINE.read(row, len(_TASK) + len(_CATEGORY)) if saved is not None else None
        if line is not None:
            line.day = saved
            line.task = task
            lines.append(line)
    return tasks, lines
