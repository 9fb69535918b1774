"""The disclosure rule's counts are looked up per unit and department (a national round has 1 500 units);
here they are checked against the definition, member by member, on random rounds: managers of a selection,
of a parent outside it, and of a union of siblings."""

from __future__ import annotations

import itertools
import random

import pytest

from analysis.disclosure import _bits, _in_org, _Member, _Selections, _siblings, parents
from analysis.filters import Filters

DEPARTMENT_OF = {1: 10, 2: 10, 3: 10, 4: 20, 5: 20, None: None}


def brute_days(member, filters: Filters) -> int:
    if not _in_org(member, filters.department, filters.unit):
        return 0
    return member.weekdays & _bits(filters.weekday)


def every_selection() -> list[Filters]:
    orgs = [(None, None), (10, None), (20, None), *[(DEPARTMENT_OF[unit], unit) for unit in range(1, 6)]]
    orgs += [(None, unit) for unit in range(1, 6)]
    return [Filters(department=d, unit=u, weekday=w) for (d, u), w in itertools.product(orgs, [None, *range(1, 8)])]


@pytest.mark.parametrize("seed", range(6))
def test_looked_up_counts_are_the_definition_s(seed):
    rng = random.Random(seed)
    rows = []
    for _manager in range(rng.randint(5, 40)):
        unit = rng.choice([1, 2, 3, 4, 5, None])
        bits = sum(1 << day for day in range(1, 8) if rng.random() < 0.3) or 1 << rng.randint(1, 7)
        rows.append((unit, DEPARTMENT_OF[unit], bits, rng.choice([1, 1, 2])))
    selections = _Selections(rows)
    members = [_Member(*row) for row in rows]

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
