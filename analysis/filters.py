"""A selection of a round's diaries (department, unit, weekday) and the weekdays one may choose.

Without pandas: the selection form, and so the URLconf that loads it, builds these on every diary
page's import without paying for the figures' libraries (`tests/analysis/test_imports.py`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from mio import cache
from surveys.models import DiaryDay, Participant, Survey, Unit
from surveys.totals import iso_weekday_sql


@dataclass(frozen=True)
class Filters:
    """A selection of a round's diaries. Weekday is ISO: 1 Monday … 7 Sunday."""

    department: int | None = None
    unit: int | None = None
    weekday: int | None = None

    def is_empty(self) -> bool:
        return self.department is None and self.unit is None and self.weekday is None

    def day_q(self) -> Q:
        return self._q(participant="participant__", day="")

    def sql(self, *, participant: str, date: str | None = None, survey: int | None = None) -> tuple[str, list[object]]:
        """The filter as SQL on a participant id column and the date column of a day joined to the
        lines or days being filtered, for hand-written aggregates (compiling an ORM query costs more
        than running it on a municipality's round).

        A weekday filters on the joined day's own date, so it never looks beyond the round: a subquery
        of every day of the database on that weekday made a filtered page of a small round as slow as
        the largest round. With `survey` (a round's id) a department or unit selects among that round's
        participants only, not those of every round of the municipality (units and departments outlive
        rounds)."""
        clauses: list[str] = []
        params: list[object] = []
        in_round = " AND p.survey_id = %s" if survey is not None else ""
        round_params = [survey] if survey is not None else []
        if self.department is not None:
            clauses.append(
                f"{participant} IN (SELECT p.id FROM {Participant._meta.db_table} p"
                f" JOIN {Unit._meta.db_table} u ON u.id = p.unit_id WHERE u.department_id = %s{in_round})"
            )
            params.extend([self.department, *round_params])
        if self.unit is not None:
            clauses.append(
                f"{participant} IN (SELECT p.id FROM {Participant._meta.db_table} p WHERE p.unit_id = %s{in_round})"
            )
            params.extend([self.unit, *round_params])
        if self.weekday is not None:
            if date is None:
                raise ValueError("a weekday filter needs the date column of the joined day")
            clauses.append(f"{iso_weekday_sql(date)} = %s")
            params.append(self.weekday)
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


SUBMITTED = DiaryDay.Status.SUBMITTED


def manager_days(*, survey: Survey, filters: Filters = NO_FILTERS) -> QuerySet[DiaryDay]:
    """The selection's manager-days: submitted diary days with at least one minute."""
    return DiaryDay.objects.filter(participant__survey=survey, status=SUBMITTED, minutes__gt=0).filter(filters.day_q())


def data_weekdays(*, survey: Survey) -> list[int]:
    """The ISO weekdays (1 Monday … 7 Sunday) on which the round has manager-days, in order.

    Cached until the round's diaries change: every dashboard view and download builds the filter."""
    return cache.for_round("analysis:weekdays", survey=survey, compute=lambda: _weekdays(survey))


def _weekdays(survey: Survey) -> list[int]:
    return sorted(manager_days(survey=survey).order_by().values_list("date__iso_week_day", flat=True).distinct())
