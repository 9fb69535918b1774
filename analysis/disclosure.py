"""Disclosure control: which of a selection's figures may be shown. The rule, with the attack it stops,
is written out in `analysis/README.md` ("Disclosure control"); in short:

1. **Selection rule.** A selection S (department, unit, weekday: `filters.Filters`) is withheld when
   fewer than `MIN_GROUP` (3) managers have a manager-day in it (TOO_FEW), or when for any *parent* P
   of S (S with one or more of its filters relaxed: the weekday dropped, the unit widened to its
   department or to the round, the department widened to the round) the managers of P \\ S are 1 or
   2 (COMPLEMENT): then P's figures minus S's would be theirs; or when its too small siblings (the
   other departments, units or weekdays) come to 1 or 2 managers together and S is the smallest of
   the rest (SECONDARY): then P minus its shown parts would be them.
2. **Cell rule.** Within a shown selection, a task's row is withheld by the same three tests on the
   managers who did the task; then, so that no total minus the shown rows is one withheld row
   (a category's, the selection's), rows with the fewest minutes are withheld with them (SECONDARY).
3. **Listing rule.** Figures per manager (the managers × tasks grid) are listed only when every
   department and every unit with managers in S has at least 3 of them there (LISTING).

One word for it everywhere: *withheld*. A figure function raises `Withheld` for a whole selection;
each view catches it once and shows the message, or answers 409 for a download. Withheld rows carry
the reason.

Without pandas, and numpy only inside the functions that count, so that pages which only need the rule
(the URLconf, the forms, the action plan) do not load the figures' libraries. The counts come from two
SQL statements per round (per manager, and per task and manager, with their unit, department and
weekdays), cached per data version with `mio.cache.for_round` as integer arrays and shared by every
selection, whose verdicts are then worked out here with numpy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from mio import cache
from surveys.totals import bit_or_sql, iso_weekday_sql

if TYPE_CHECKING:
    import numpy as np

    from surveys.models import Survey

    from .filters import Filters

MIN_GROUP = 3

# Why a selection or a row is withheld.
TOO_FEW = "too_few"  # fewer than MIN_GROUP managers
COMPLEMENT = "complement"  # a wider selection minus this one would leave 1 or 2 managers
SECONDARY = "secondary"  # withheld so that a total minus the shown rows does not give another withheld row
LISTING = "listing"  # a unit or department in the selection has too few managers to list them one by one


def reason_text(reason: str | None) -> str:
    """Why a row is withheld, in words (without telling how few managers are behind it)."""
    if reason is None:
        return ""
    return {
        TOO_FEW: _("fewer than %(count)d managers did this task in the selection"),
        COMPLEMENT: _("the wider selection minus this one would show the figures of fewer than %(count)d managers"),
        SECONDARY: _("to protect another withheld task, which the totals would otherwise reveal"),
    }[reason] % {"count": MIN_GROUP}


def is_withheld(managers: int) -> bool:
    """A figure resting on fewer than MIN_GROUP managers is withheld (this also holds for 0: no figure)."""
    return managers < MIN_GROUP


def discloses(managers: int) -> bool:
    """Whether a group of this many managers would be disclosed: 1 or 2 (none is nobody)."""
    return 0 < managers < MIN_GROUP


def cell_withheld(managers: int) -> bool:
    """A task row of a shown selection: withheld when 1 or 2 managers did it (0: a true zero, shown)."""
    return discloses(managers)


class Withheld(Exception):
    """A selection, or a part of it, whose figures are not shown: only why is kept, never its figures.

    `managers` is the selection's number of managers when the reason is TOO_FEW (0: nothing matches);
    for COMPLEMENT and LISTING it is None, as the small group's size is not to be told."""

    def __init__(self, managers: int | None, reason: str = TOO_FEW):
        self.managers = managers
        self.reason = reason
        super().__init__(f"{reason}: {managers} managers")


# --- Parents of a selection -----------------------------------------------------------------------


def parents(filters: Filters, unit_department: int | None = None) -> list[Filters]:
    """Every selection obtained from `filters` by relaxing one or more of its filters (not itself):
    the weekday dropped, the unit widened to its department (`unit_department`) or the round, the
    department widened to the round."""
    weekdays = [filters.weekday, None] if filters.weekday is not None else [None]
    if filters.unit is not None:
        orgs = [(filters.department, filters.unit), (unit_department, None), (None, None)]
    elif filters.department is not None:
        orgs = [(filters.department, None), (None, None)]
    else:
        orgs = [(None, None)]
    found = [
        replace(filters, department=department, unit=unit, weekday=weekday)
        for department, unit in orgs
        for weekday in weekdays
    ]
    return [parent for parent in dict.fromkeys(found) if parent != filters]


def _tables() -> dict[str, str]:
    from surveys.models import DiaryDay, Participant, TaskTotal, Unit

    return {
        "day": DiaryDay._meta.db_table,
        "total": TaskTotal._meta.db_table,
        "participant": Participant._meta.db_table,
        "unit": Unit._meta.db_table,
        "submitted": DiaryDay.Status.SUBMITTED,
    }


# --- Selection rule -------------------------------------------------------------------------------

ALL_WEEKDAYS = 0b11111110  # bits 1..7, ISO weekdays
NO_ORG = -1  # a manager without a unit (and so without a department), as the member arrays hold it
MemberRows = Iterable[tuple[int | None, int | None, int, int]]


def _member_array(members: np.ndarray | MemberRows) -> np.ndarray:
    """Members as an int64 array of rows (unit, department, weekday bits, managers), None as NO_ORG.
    The round's statements give arrays already; tests and callers may give tuples."""
    import numpy as np

    if isinstance(members, np.ndarray):
        return members
    rows = [[NO_ORG if value is None else value for value in row] for row in members]
    return np.array(rows, dtype=np.int64).reshape(len(rows), 4)


def round_members(*, survey: Survey) -> np.ndarray:
    """The managers with a manager-day in the round, grouped by unit, department and weekday bits: rows of
    (unit, department, bits, managers), NO_ORG for a manager without a unit, in one statement over the
    round's manager-days (a national round's 15 000 managers are 1 500 such groups); cached per data
    version and shared by every selection."""
    return cache.for_round("analysis:disclosure-members", survey=survey, compute=lambda: _round_members(survey))


def _round_members(survey: Survey) -> np.ndarray:
    from .introws import fetch_ints

    table = _tables()
    weekday = iso_weekday_sql("d.date")
    sql = f"""
        SELECT unit, department, bits, COUNT(*)
        FROM (
            SELECT COALESCE(u.id, {NO_ORG}) AS unit, COALESCE(u.department_id, {NO_ORG}) AS department,
                   {bit_or_sql(f"1 << CAST({weekday} AS INTEGER)")} AS bits
            FROM {table["day"]} d
            JOIN {table["participant"]} p ON p.id = d.participant_id
            LEFT JOIN {table["unit"]} u ON u.id = p.unit_id
            WHERE p.survey_id = %s AND d.status = '{table["submitted"]}' AND d.minutes > 0
            GROUP BY d.participant_id, u.id, u.department_id
        ) managers
        GROUP BY unit, department, bits
    """
    return fetch_ints(sql, [survey.pk], 4)


def _bits(weekday: int | None) -> int:
    return ALL_WEEKDAYS if weekday is None else 1 << weekday


class _Selections:
    """Counting managers of selections and of their differences over the round's members, held as arrays
    of (unit, department, weekday bits, managers) rows.

    Counts are looked up, not counted member by member: per weekday mask, one pass over the members
    gives the managers of every unit and department. A national round has 15 000 managers in 1 500
    units, and a unit's verdict weighs every other unit of its department and of the round; each of its
    tasks adds some 13 000 rows, so the passes are numpy's."""

    def __init__(self, members: np.ndarray | MemberRows):
        import numpy as np

        table = _member_array(members)
        self.unit, self.department, self.weekdays, self.count = (table[:, column] for column in range(4))
        self._unit_ids, self._unit_first, self._unit_of = np.unique(self.unit, return_index=True, return_inverse=True)
        self._department_ids, self._department_of = np.unique(self.department, return_inverse=True)
        self._by_mask: dict[int, tuple[dict[int, int], dict[int, int], int]] = {}
        self.groups: dict[tuple, list[Filters]] = {}
        self.group_choices: dict[tuple, Filters | None] = {}

    @cached_property
    def _departments(self) -> dict[int, int | None]:
        """Each unit's department (a unit has one: that of any of its rows)."""
        first = self._unit_first[self._unit_ids != NO_ORG]
        return dict(zip(self.unit[first].tolist(), self.department[first].tolist(), strict=True))

    @cached_property
    def keys(self) -> list[tuple[int | None, int | None]]:
        """Every (unit, department) of the members, None for none, in a stable order (None first)."""
        pairs = zip(self.unit[self._unit_first].tolist(), self.department[self._unit_first].tolist(), strict=True)
        return sorted(
            (
                (None if unit == NO_ORG else unit, None if department == NO_ORG else department)
                for unit, department in pairs
            ),
            key=str,
        )

    def _counts(self, mask: int) -> tuple[dict[int, int], dict[int, int], int]:
        """Managers with a manager-day on one of `mask`'s weekdays: per unit, per department, in all."""
        import numpy as np

        if mask not in self._by_mask:
            weights = np.where(self.weekdays & mask, self.count, 0)
            units = np.bincount(self._unit_of, weights=weights, minlength=len(self._unit_ids))
            departments = np.bincount(self._department_of, weights=weights, minlength=len(self._department_ids))
            self._by_mask[mask] = (
                dict(zip(self._unit_ids.tolist(), units.astype(np.int64).tolist(), strict=True)),
                dict(zip(self._department_ids.tolist(), departments.astype(np.int64).tolist(), strict=True)),
                int(weights.sum()),
            )
        return self._by_mask[mask]

    def _count(self, department: int | None, unit: int | None, mask: int) -> int:
        units, departments, total = self._counts(mask)
        if unit is not None:
            if department is not None and self._departments.get(unit) != department:
                return 0
            return units.get(unit, 0)
        return departments.get(department, 0) if department is not None else total

    def days(self, filters: Filters) -> np.ndarray:
        """Each row's weekdays in a selection (0: not in it)."""
        import numpy as np

        inside = np.ones(len(self.count), dtype=bool)
        if filters.unit is not None:
            inside &= self.unit == filters.unit
        if filters.department is not None:
            inside &= self.department == filters.department
        return np.where(inside, self.weekdays & _bits(filters.weekday), 0)

    def managers(self, filters: Filters) -> int:
        return self._count(filters.department, filters.unit, _bits(filters.weekday))

    def outside(self, parent: Filters, filters: Filters) -> int:
        """The managers with a manager-day in `parent` but not in `filters` (a part of it): those of
        the parent's organisation outside the selection's, and those of the selection's organisation
        with a manager-day on a weekday of the parent's and not of the selection's."""
        inner, outer = _bits(filters.weekday), _bits(parent.weekday)
        department = filters.department if filters.department is not None else self._departments.get(filters.unit)
        org_within = (parent.unit is None or parent.unit == filters.unit) and (
            parent.department is None or parent.department == department
        )
        if not org_within or inner & ~outer:
            return int(self.count[(self.days(parent) & ~self.days(filters)) != 0].sum())
        return (
            self._count(parent.department, parent.unit, outer)
            - self._count(filters.department, filters.unit, outer)
            + (self._count(filters.department, filters.unit, outer & ~inner) if outer & ~inner else 0)
        )

    def union(self, selections: Iterable[Filters]) -> int:
        chosen = list(dict.fromkeys(selections))
        orgs = {(one.department, one.unit) for one in chosen}
        if len(orgs) == 1:  # one organisation on several weekdays
            department, unit = orgs.pop()
            mask = 0
            for one in chosen:
                mask |= _bits(one.weekday)
            return self._count(department, unit, mask)
        # Distinct units (or distinct departments) on the same weekdays: no manager is in two of them. (The
        # whole round is no department: it holds them all.)
        same_day = len({one.weekday for one in chosen}) == 1
        one_level = all(one.unit is not None for one in chosen) or all(
            one.unit is None and one.department is not None for one in chosen
        )
        distinct = len({one.unit if one.unit is not None else one.department for one in chosen}) == len(chosen)
        if same_day and one_level and distinct:
            return sum(self.managers(one) for one in chosen)
        inside = self.days(chosen[0]) != 0
        for one in chosen[1:]:
            inside |= self.days(one) != 0
        return int(self.count[inside].sum())

    def listable(self, filters: Filters) -> bool:
        """Whether every unit and every department with managers in the selection has at least
        MIN_GROUP of them there."""
        import numpy as np

        weights = np.where(self.days(filters), self.count, 0)
        for ids, of in ((self._unit_ids, self._unit_of), (self._department_ids, self._department_of)):
            sizes = np.bincount(of, weights=weights, minlength=len(ids))[ids != NO_ORG]
            if ((sizes > 0) & (sizes < MIN_GROUP)).any():
                return False
        return True

    def unit_department(self, unit: int) -> int | None:
        return self._departments.get(unit)


def _siblings(selections: _Selections, filters: Filters) -> list[tuple[tuple, list[Filters]]]:
    """The partitions of S's parents that S is a part of: the departments of the round, the units of
    its department and of the round, its organisation's weekdays (each with S's other filters), each
    with a key. Every unit of a department has the same groups: they are made once and shared."""
    keys = selections.keys

    def group(key: tuple, make: Callable[[], list[Filters]]) -> tuple[tuple, list[Filters]]:
        if key not in selections.groups:
            selections.groups[key] = make()
        return key, selections.groups[key]

    groups = []
    if filters.unit is not None:
        department = selections.unit_department(filters.unit)
        named = filters.department and department
        groups.append(
            group(
                ("units of", named, department, filters.weekday),
                lambda: [
                    replace(filters, department=named, unit=unit)
                    for unit, unit_department in keys
                    if unit is not None and unit_department == department
                ],
            )
        )
        groups.append(
            group(
                ("units", filters.weekday),
                lambda: [
                    replace(filters, department=None, unit=unit)
                    for unit in sorted({unit for unit, _department in keys if unit is not None})
                ],
            )
        )
    elif filters.department is not None:
        departments = sorted({department for _unit, department in keys if department is not None})
        groups.append(
            group(
                ("departments", filters.weekday),
                lambda: [replace(filters, department=d, unit=None) for d in departments],
            )
        )
    if filters.weekday is not None:
        groups.append(
            group(
                ("weekdays", filters.department, filters.unit),
                lambda: [replace(filters, weekday=weekday) for weekday in range(1, 8)],
            )
        )
    return groups


def _selection_verdict(members: np.ndarray | MemberRows | _Selections, filters: Filters) -> tuple[int, str | None]:
    """The selection's managers and why it is withheld (None: shown)."""
    selections = members if isinstance(members, _Selections) else _Selections(members)
    managers = selections.managers(filters)
    if is_withheld(managers):
        return managers, TOO_FEW
    unit_department = selections.unit_department(filters.unit) if filters.unit is not None else None
    for parent in parents(filters, unit_department):
        if discloses(selections.outside(parent, filters)):
            return managers, COMPLEMENT
    # Secondary suppression among siblings: when the parts of a parent that are too small come to 1
    # or 2 managers together, the parent minus its shown parts would be them; the smallest other part
    # is withheld as well. Worked out once per group, which all its parts share.
    for key, group in _siblings(selections, filters):
        if _secondary_choice(selections, key, group) == filters:
            return managers, SECONDARY
    return managers, None


def _secondary_choice(selections: _Selections, key: tuple, group: list[Filters]) -> Filters | None:
    """The part of `group` withheld by secondary suppression (None: none is); once per group."""
    if key not in selections.group_choices:
        sizes = {sibling: selections.managers(sibling) for sibling in group}
        small = [sibling for sibling in group if discloses(sizes[sibling])]
        union = selections.union(small) if small else 0
        selections.group_choices[key] = _smallest_other(group, sizes, small, union)
    return selections.group_choices[key]


def _smallest_other(
    group: list[Filters], sizes: Mapping[Filters, int], hidden: list[Filters], union: int
) -> Filters | None:
    """When the `hidden` parts of `group` come to 1 or 2 managers together (`union`), the part with
    the fewest managers of the others, first in the group's order on a tie: the parent minus its
    shown parts would otherwise be the hidden ones. None when no part needs to be withheld."""
    if not hidden or not discloses(union):
        return None
    hidden_set = set(hidden)
    others = [
        (sizes[sibling], index, sibling)
        for index, sibling in enumerate(group)
        if sizes[sibling] and sibling not in hidden_set
    ]
    return min(others, key=lambda other: other[:2])[2] if others else None


def selection_verdict(*, survey: Survey, filters: Filters) -> tuple[int, str | None]:
    """The selection's managers and why it is withheld (None: shown), cached per data version."""
    return cache.for_round(
        "analysis:disclosure-selection",
        survey=survey,
        params=(filters,),
        compute=lambda: _selection_verdict(round_members(survey=survey), filters),
    )


def check_selection(*, survey: Survey, filters: Filters) -> int:
    """The selection's managers; raises Withheld when the selection rule withholds it."""
    managers, reason = selection_verdict(survey=survey, filters=filters)
    if reason == TOO_FEW:
        raise Withheld(managers, TOO_FEW)
    if reason is not None:
        raise Withheld(None, reason)
    return managers


# --- Cell rule ------------------------------------------------------------------------------------


def round_task_members(*, survey: Survey) -> dict[int, np.ndarray]:
    """Per task id, the round's managers who did it, grouped by unit, department and the weekdays on
    which they did it: rows of (unit, department, weekday bits, managers), as `round_members`. One
    statement over the round's task totals, cached per data version and shared by every selection."""
    return cache.for_round("analysis:disclosure-tasks", survey=survey, compute=lambda: _round_task_members(survey))


def _round_task_members(survey: Survey) -> dict[int, np.ndarray]:
    import numpy as np

    from .introws import fetch_ints, large_statements

    # A task total's weekday bits are those of the manager-days with minutes in the task (none: the
    # participant did not do it); a smallint, cast so that the binary COPY of `fetch_ints` takes them.
    table = _tables()
    sql = f"""
        SELECT t.task_id, COALESCE(u.id, {NO_ORG}), COALESCE(u.department_id, {NO_ORG}),
               CAST(t.weekdays AS INTEGER), COUNT(*)
        FROM {table["total"]} t
        JOIN {table["participant"]} p ON p.id = t.participant_id
        LEFT JOIN {table["unit"]} u ON u.id = p.unit_id
        WHERE p.survey_id = %s AND t.weekdays > 0
        GROUP BY t.task_id, u.id, u.department_id, t.weekdays
    """
    with large_statements(work_mem="64MB"):
        rows = fetch_ints(sql, [survey.pk], 5)
    if not len(rows):
        return {}
    # Sorted here: an ORDER BY makes PostgreSQL sort a national round's 240 000 task totals to group them,
    # where it would hash them (0.34 s against 0.22).
    rows = rows[np.argsort(rows[:, 0], kind="stable")]
    tasks, starts = np.unique(rows[:, 0], return_index=True)
    return dict(zip(tasks.tolist(), np.split(rows[:, 1:], starts[1:]), strict=True))


def task_counts(*, survey: Survey, filters: Filters) -> dict[int, tuple[int, str | None]]:
    """Per task id with lines: its managers in S and why its row is withheld by the selection's
    parents and siblings (None: not for that); cached per data version. The whole round has neither
    parents nor siblings: its rows need only their own managers, which the caller has
    (`managers` of `task_cells`), and no statement is run for it."""
    if filters.is_empty():
        return {}
    return cache.for_round(
        "analysis:disclosure-task-rows",
        survey=survey,
        params=(filters,),
        compute=lambda: _task_counts(round_members(survey=survey), round_task_members(survey=survey), filters),
    )


def _task_counts(members, task_members, filters: Filters) -> dict[int, tuple[int, str | None]]:
    round_selections = _Selections(members)
    unit_department = round_selections.unit_department(filters.unit) if filters.unit is not None else None
    own_parents = parents(filters, unit_department)
    groups = _siblings(round_selections, filters)
    verdicts: dict[Filters, str | None] = {}

    def withheld(selection: Filters) -> bool:
        if selection not in verdicts:
            verdicts[selection] = _selection_verdict(round_selections, selection)[1]
        return verdicts[selection] is not None

    found = {}
    for task_id, rows in task_members.items():
        selections = _Selections(rows)
        own = selections.managers(filters)
        reason = None
        if any(discloses(selections.outside(parent, filters)) for parent in own_parents):
            reason = COMPLEMENT
        else:
            # A parent's row minus its parts' shown rows: when the parts whose row is not shown (too
            # few managers of the task, or the whole part withheld) come to 1 or 2 managers of the
            # task together, the part with the fewest others withholds its row too.
            for _key, group in groups:
                sizes = {sibling: selections.managers(sibling) for sibling in group}
                hidden = [
                    sibling for sibling in group if sizes[sibling] and (discloses(sizes[sibling]) or withheld(sibling))
                ]
                union = selections.union(hidden) if hidden else 0
                if _smallest_other(group, sizes, hidden, union) == filters:
                    reason = SECONDARY
                    break
        found[task_id] = (own, reason)
    return found


@dataclass(frozen=True)
class Cells:
    """Which task rows and category rows of a shown selection are withheld, and why
    (task id → reason, category → reason)."""

    reasons: Mapping[int, str]
    categories: Mapping[object, str]

    def withheld(self, task_id: int) -> bool:
        return task_id in self.reasons

    def reason(self, task_id: int) -> str | None:
        return self.reasons.get(task_id)


def withheld_cells(
    counts: Mapping[int, tuple[int, str | None]],
    minutes: Mapping[int, float],
    order: Sequence[int],
    categories: Mapping[int, object] | None = None,
) -> Cells:
    """The cell rule on per-task counts (`task_counts`), the selection's minutes per task and each
    task's category (`order`: every task id of the round; a task without lines shows its zero).

    The tasks add up to their category and all to the selection's totals, which are shown. So that no
    total minus its shown parts is one withheld row (secondary suppression, as statistics offices do
    it, choosing the rows with the fewest minutes to lose the least):
    - a category with exactly one withheld task of several gets a second one withheld;
    - a category of one task whose task is withheld has its row withheld, and if it is the only such
      category, a second category row is withheld with two of its tasks;
    - exactly one withheld task in all gets a second one."""
    categories = categories or dict.fromkeys(order, None)
    position = {task_id: index for index, task_id in enumerate(order)}
    reasons: dict[int, str] = {}
    for task_id in order:
        own, why = counts.get(task_id, (0, None))
        if cell_withheld(own):
            reasons[task_id] = TOO_FEW
        elif why is not None:
            reasons[task_id] = why

    def smallest(candidates: Iterable[int]) -> int | None:
        # Only a row with minutes protects another: a zero here may be a zero in a wider selection too,
        # which would tell that it is zero here.
        shown = [task_id for task_id in candidates if task_id not in reasons and minutes.get(task_id, 0) > 0]
        return min(shown, key=lambda task_id: (minutes[task_id], position[task_id]), default=None)

    def protect(candidates: Iterable[int]) -> None:
        second = smallest(candidates)
        if second is None:  # nothing left to withhold with it: the selection's totals would tell
            raise Withheld(None, SECONDARY)
        reasons[second] = SECONDARY

    members: dict[object, list[int]] = {}
    for task_id in order:
        members.setdefault(categories[task_id], []).append(task_id)
    category_reasons: dict[object, str] = {}
    for category, tasks in members.items():
        alone = [task_id for task_id in tasks if task_id in reasons]
        if len(alone) != 1:
            continue
        if (second := smallest(tasks)) is not None:
            reasons[second] = SECONDARY
        else:  # a category of one task, or of one withheld task and zeros: its row is that task
            category_reasons[category] = reasons[alone[0]]
    if len(category_reasons) == 1:
        (alone,) = category_reasons
        others = {category: tasks for category, tasks in members.items() if category != alone}
        singles = [tasks[0] for tasks in others.values() if len(tasks) == 1]
        if singles and (second := smallest(singles)) is not None:
            reasons[second] = SECONDARY
            category_reasons[categories[second]] = SECONDARY
        else:
            # The category with the fewest minutes of those with two rows that can be withheld:
            # its row and two of its tasks.
            candidates = {
                category: tasks
                for category, tasks in others.items()
                if sum(task_id in reasons or minutes.get(task_id, 0) > 0 for task_id in tasks) >= 2
            }
            if not candidates:
                raise Withheld(None, SECONDARY)
            category = min(candidates, key=lambda name: sum(minutes.get(task_id, 0) for task_id in candidates[name]))
            while sum(task_id in reasons for task_id in candidates[category]) < 2:
                protect(candidates[category])
            category_reasons[category] = SECONDARY
    if len(reasons) == 1:
        protect(order)
    return Cells(reasons, category_reasons)


def task_cells(
    *,
    survey: Survey,
    filters: Filters,
    minutes: Mapping[int, float],
    order: Iterable[int],
    managers: Mapping[int, int],
    categories: Mapping[int, object] | None = None,
) -> Cells:
    """The cell rule for a selection: its withheld task and category rows and why. `managers` are
    each task's managers in the selection (those of `selectors.round_totals`, the same count)."""
    found = task_counts(survey=survey, filters=filters)
    counts = {task_id: (count, found.get(task_id, (count, None))[1]) for task_id, count in managers.items()}
    return withheld_cells(counts, minutes, list(order), categories)


# --- Listing rule ---------------------------------------------------------------------------------


def listing_allowed(*, survey: Survey, filters: Filters) -> bool:
    """Whether the selection's managers may be listed one by one: every unit and every department
    with managers in S has at least MIN_GROUP of them in S (cached per data version)."""
    return cache.for_round(
        "analysis:disclosure-listing",
        survey=survey,
        params=(filters,),
        compute=lambda: _listing_allowed(survey, filters),
    )


def _listing_allowed(survey: Survey, filters: Filters) -> bool:
    return _Selections(round_members(survey=survey)).listable(filters)
