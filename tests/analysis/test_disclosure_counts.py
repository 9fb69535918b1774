"""The disclosure rule's counts are looked up per unit and department (a national round has 1 500 units);
here they are checked against the definition, member by member, on random rounds: managers of a selection,
of a parent outside it, and of a union of siblings."""

from __future__ import annotations

import itertools
import random
from typing import NamedTuple

import pytest

from analysis.disclosure import MIN_GROUP, _Selections, _siblings, parents
from analysis.filters import Filters

DEPARTMENT_OF = {1: 10, 2: 10, 3: 10, 4: 20, 5: 20, None: None}
EVERY_WEEKDAY = sum(1 << day for day in range(1, 8))


class Member(NamedTuple):
    """A group of managers alike in unit, department and the ISO weekdays (bits) of their manager-days."""

    unit: int | None
    department: int | None
    weekdays: int
    count: int


def brute_days(member: Member, filters: Filters) -> int:
    """The member's weekdays in the selection, by the definition: its organisation, then its weekday."""
    if filters.unit is not None and member.unit != filters.unit:
        return 0
    if filters.department is not None and member.department != filters.department:
        return 0
    return member.weekdays & (EVERY_WEEKDAY if filters.weekday is None else 1 << filters.weekday)


def random_rows(rng: random.Random) -> list[tuple]:
    rows = []
    for _manager in range(rng.randint(5, 40)):
        unit = rng.choice([1, 2, 3, 4, 5, None])
        bits = sum(1 << day for day in range(1, 8) if rng.random() < 0.3) or 1 << rng.randint(1, 7)
        rows.append((unit, DEPARTMENT_OF[unit], bits, rng.choice([1, 1, 2])))
    return rows


def every_selection() -> list[Filters]:
    orgs = [(None, None), (10, None), (20, None), *[(DEPARTMENT_OF[unit], unit) for unit in range(1, 6)]]
    orgs += [(None, unit) for unit in range(1, 6)]
    return [Filters(department=d, unit=u, weekday=w) for (d, u), w in itertools.product(orgs, [None, *range(1, 8)])]


@pytest.mark.parametrize("seed", range(6))
def test_looked_up_counts_are_the_definition_s(seed):
    rows = random_rows(random.Random(seed))
    selections = _Selections(rows)
    members = [Member(*row) for row in rows]

    for filters in every_selection():
        expected = sum(member.count for member in members if brute_days(member, filters))
        assert selections.managers(filters) == expected, filters
        for parent in parents(filters, selections.unit_department(filters.unit) if filters.unit else None):
            outside = sum(
                member.count for member in members if brute_days(member, parent) & ~brute_days(member, filters)
            )
            assert selections.outside(parent, filters) == outside, (parent, filters)
        for _key, group in _siblings(selections, filters):
            for size in (1, 2, 3):
                for chosen in itertools.islice(itertools.combinations(group, size), 20):
                    union = sum(member.count for member in members if any(brute_days(member, one) for one in chosen))
                    assert selections.union(chosen) == union, chosen


def test_a_listing_counts_the_managers_of_a_group_of_alike_ones(monkeypatch):
    """The round's managers come grouped by unit, department and weekdays: a group of three managers in a
    unit is enough to list them, a group of two in another is not."""
    from analysis import disclosure

    monday = 1 << 1
    three_alike = [(1, 10, monday, 3), (4, 20, monday, 3)]
    monkeypatch.setattr(disclosure, "round_members", lambda survey: three_alike)
    assert disclosure._listing_allowed(None, Filters())

    monkeypatch.setattr(disclosure, "round_members", lambda survey: [*three_alike, (5, 20, monday, 2)])
    assert not disclosure._listing_allowed(None, Filters())


@pytest.mark.parametrize("seed", range(6))
def test_counts_of_any_two_selections_are_the_definition_s(seed):
    """Beyond parents and siblings: the differences and unions that are not looked up but counted row by
    row (another organisation, a weekday the other lacks, parts of different levels)."""
    rng = random.Random(200 + seed)
    rows = random_rows(rng)
    selections = _Selections(rows)
    members = [Member(*row) for row in rows]
    every = every_selection()
    for _pair in range(300):
        first, second = rng.sample(every, 2)
        outside = sum(member.count for member in members if brute_days(member, first) & ~brute_days(member, second))
        assert selections.outside(first, second) == outside, (first, second)
        chosen = rng.sample(every, rng.randint(2, 4))
        union = sum(member.count for member in members if any(brute_days(member, one) for one in chosen))
        assert selections.union(chosen) == union, chosen


@pytest.mark.parametrize("seed", range(6))
def test_a_listing_is_allowed_by_the_definition(seed):
    """Listed only when every unit and every department with managers in the selection has at least 3."""
    rows = random_rows(random.Random(100 + seed))
    selections = _Selections(rows)
    members = [Member(*row) for row in rows]
    for filters in every_selection():
        sizes: dict[tuple, int] = {}
        for member in members:
            if brute_days(member, filters):
                for key in (("unit", member.unit), ("department", member.department)):
                    if key[1] is not None:
                        sizes[key] = sizes.get(key, 0) + member.count
        assert selections.listable(filters) == all(size >= MIN_GROUP for size in sizes.values()), filters


def test_a_round_without_members_counts_nobody():
    selections = _Selections([])
    assert selections.managers(Filters()) == 0
    assert selections.managers(Filters(unit=1, weekday=3)) == 0
    assert selections.outside(Filters(), Filters(department=10)) == 0
    assert selections.union([Filters(unit=1), Filters(department=20, weekday=2)]) == 0
    assert selections.listable(Filters())
    assert selections.keys == []
