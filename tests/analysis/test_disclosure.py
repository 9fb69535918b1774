"""Disclosure control (analysis/README.md, "Disclosure control"): the differencing attack of issue 13,
played through every download and page on a round with a 1-manager department, a 2-manager unit and a
1-manager weekday, finds nothing.

Every expectation here is worked out from the diaries and the definitions (a manager-day, a task's
managers), never from the code under test: which answers are given is read from the responses, and
what they would reveal together is computed from the diaries.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
from collections import defaultdict
from dataclasses import dataclass
from html import unescape

import pytest
from django.core.cache import cache
from django.urls import reverse
from openpyxl import load_workbook

from analysis import disclosure
from analysis.filters import Filters
from surveys.models import Department, Participant, Unit
from tests.conftest import session_queries

from .conftest import save_day

pytestmark = pytest.mark.django_db

MON, TUE, WED, THU = (dt.date(2025, 3, 3) + dt.timedelta(days=n) for n in range(4))

# Department: {unit: participant numbers}. B has one manager, A2 two.
ORGANISATION = {
    "A": {"A1": [1, 2, 3], "A2": [4, 5]},
    "B": {"B1": [6]},
    "C": {"C1": [7, 8, 9, 10, 11]},
    "D": {"D1": [12, 13, 14], "D2": [15, 16, 17]},
}
SMALL = {4, 5, 6}  # the managers of the 2-manager unit and the 1-manager department

# Who does what, beyond invoices and planning, which everybody does every day.
TASKS = {
    "direct-mail": {6, 7},  # two managers in the round
    "budget": {1, 2, 3, 4, 7, 8, 9, 10, 11},
    "it-services": set(range(1, 18)) - {6},
    "documentation": {6, 7, 8, 9, 10, 11},
    "letters": {4, 5},  # only the 2-manager unit
    "purchasing": {12, 13, 14},
    "recruitment": {12, 15, 16},
    "payroll-hr": {1, 7, 8, 9, 10},  # the round minus C is manager 1 alone
}


def days_of(number: int) -> list[dt.date]:
    days = [MON, TUE]
    if number in {1, 2, 3, 7, 8, 9, 12, 13, 15, 16}:
        days.append(WED)
    if number == 6:
        days.append(THU)  # the only manager with a Thursday
    return days


def minutes_of(number: int, date: dt.date, code: str) -> int:
    """A deterministic, distinct-looking number of minutes."""
    return 5 + (number * 7 + date.day * 3 + len(code) * 11) % 50


@dataclass(frozen=True)
class Line:
    number: int
    unit: str
    department: str
    date: dt.date
    task: str
    minutes: int


@pytest.fixture
def attack_round(survey):
    units = {}
    lines = []
    for department_name, department_units in ORGANISATION.items():
        department = Department.objects.create(municipality=survey.municipality, name=f"Förvaltning {department_name}")
        for unit_name, numbers in department_units.items():
            unit = Unit.objects.create(department=department, name=f"Enhet {unit_name}")
            units[unit_name] = unit
            for number in numbers:
                participant = Participant.objects.create(survey=survey, number=number, unit=unit)
                for date in days_of(number):
                    codes = ["invoices", "planning"] + [
                        code
                        for code, who in TASKS.items()
                        if number in who and not (code == "direct-mail" and date != (MON if number == 6 else TUE))
                    ]
                    day = {}
                    for index, code in enumerate(codes):
                        minutes = minutes_of(number, date, code)
                        day[code] = ({1 + index % 8: minutes}, 1 + (number + index) % 4, 1 + (number * index) % 4)
                        lines.append(Line(number, unit_name, department_name, date, code, minutes))
                    save_day(participant, date, day)
    survey.refresh_from_db()
    cache.clear()
    return survey, units, lines


def selections(units: dict[str, Unit]) -> list[tuple[dict[str, int], frozenset]]:
    """Every selection the form accepts, as query parameters and the (unit, department, weekday)
    predicate of its lines."""
    orgs: list[tuple[dict[str, int], str | None, str | None]] = [({}, None, None)]
    for department_name, department_units in ORGANISATION.items():
        department = units[next(iter(department_units))].department
        orgs.append(({"department": department.pk}, department_name, None))
        for unit_name in department_units:
            orgs.append(({"unit": units[unit_name].pk}, None, unit_name))
            orgs.append(({"department": department.pk, "unit": units[unit_name].pk}, department_name, unit_name))
    found = []
    for (params, department, unit), weekday in itertools.product(orgs, [None, 1, 2, 3, 4]):
        query = dict(params, **({"weekday": weekday} if weekday else {}))
        found.append((query, (department, unit, weekday)))
    return found


def select(lines: list[Line], key: tuple[str | None, str | None, int | None]) -> list[Line]:
    department, unit, weekday = key
    return [
        line
        for line in lines
        if department in (None, line.department)
        and unit in (None, line.unit)
        and weekday in (None, line.date.isoweekday())
    ]


def managers(lines) -> int:
    return len({line.number for line in lines})


def url(survey, table: str, fmt: str, query: dict) -> str:
    return reverse("analysis:export", args=[survey.slug, table, fmt]) + (
        "?" + "&".join(f"{name}={value}" for name, value in query.items()) if query else ""
    )


def is_number(cell: object) -> bool:
    if isinstance(cell, (int, float)):
        return True
    try:
        float(str(cell))
    except ValueError:
        return False
    return True


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=","))


def read_xlsx(response) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def answers(client, attack_round, project_member):
    """Every answer of every channel for every selection: (query, key) → JSON report or None."""
    survey, units, lines = attack_round
    client.force_login(project_member)
    client.cookies["django_language"] = "en"
    found = {}
    for query, key in selections(units):
        response = client.get(url(survey, "ranking", "json", query))
        assert response.status_code in (200, 409), (query, response.status_code)
        found[tuple(sorted(query.items()))] = (key, response.json() if response.status_code == 200 else None)
    return found


@pytest.fixture
def pages(client, answers, attack_round, monkeypatch):
    """Every dashboard page with its chart images as a browser asks for them, the charts' frames
    recorded instead of drawn (drawing six charts for each of some forty selections would take
    minutes; what goes into them is what matters), and what a chart image of the selection answers."""
    from analysis import charts

    drawn: dict[str, list] = {}
    for name in ["bars", "bubble_map", "heatmap"]:

        def record(frame, *args, name=name, **kwargs):
            drawn.setdefault(name, []).append(frame)
            return f"<svg data-chart='{name}'></svg>"

        monkeypatch.setattr(charts, name, record)
    survey, units, lines = attack_round
    found = {}
    for query_items in answers:
        drawn.clear()
        html = client.get(reverse("analysis:dashboard", args=[survey.slug]), dict(query_items)).content.decode()
        for src in re.findall(r'<img src="([^"]+)"', html):
            assert client.get(unescape(src)).status_code == 200, src
        # Asked for directly, as by a page of a selection shown before the data changed.
        chart = client.get(reverse("analysis:dashboard_chart", args=[survey.slug, "ranking"]), dict(query_items))
        found[query_items] = (html, {name: list(frames) for name, frames in drawn.items()}, chart.status_code)
    return found


def test_the_rule_shows_what_is_safe_and_withholds_the_small_groups(answers, attack_round):
    survey, units, lines = attack_round
    shown = {key for key, report in answers.values() if report is not None}
    assert (None, None, None) in shown  # the round
    assert ("C", None, None) in shown and ("D", "D1", None) in shown
    assert ("B", None, None) not in shown and (None, "B1", None) not in shown  # 1 manager
    assert (None, "A2", None) not in shown  # 2 managers
    assert (None, "A1", None) not in shown  # A minus A1 would be A2
    assert (None, None, 4) not in shown  # Thursday: manager 6 alone
    # The round minus Monday, Tuesday and Wednesday would be Thursday: one of them is withheld too.
    assert sum((None, None, weekday) in shown for weekday in (1, 2, 3)) == 2
    # The round minus A, C and D would be B: one of them is withheld too.
    assert sum((department, None, None) in shown for department in "ACD") == 2


def test_no_two_answers_differ_by_one_or_two_managers(answers, attack_round):
    """Subtract every pair of given answers, both ways: the difference of their manager-days, and of
    each task given in both, rests on no or at least 3 managers."""
    survey, units, lines = attack_round
    given = [(key, report) for key, report in answers.values() if report is not None]
    assert len(given) > 10
    for (key1, report1), (key2, report2) in itertools.permutations(given, 2):
        lines1, lines2 = select(lines, key1), select(lines, key2)
        days1 = {(line.number, line.date) for line in lines1}
        days2 = {(line.number, line.date) for line in lines2}
        difference = days1 ^ days2
        assert not disclosure.discloses(len({number for number, _date in difference})), (key1, key2)
        tasks1 = {task["task"]: task for task in report1["tasks"] if not task["withheld"]}
        tasks2 = {task["task"]: task for task in report2["tasks"] if not task["withheld"]}
        for code in tasks1.keys() & tasks2.keys():
            in1 = {(line.number, line.date) for line in lines1 if line.task == code}
            in2 = {(line.number, line.date) for line in lines2 if line.task == code}
            only = {number for number, _date in in1 ^ in2}
            assert not disclosure.discloses(len(only)), (key1, key2, code)


def test_no_parent_minus_its_given_parts_leaves_one_or_two_managers(answers, attack_round):
    """Also with more than two answers: a given selection minus all its given parts (departments of
    the round, units of a department or the round, weekdays) does not leave 1 or 2 managers, in its
    totals or in any task's row."""
    survey, units, lines = attack_round
    given = {key for key, report in answers.values() if report is not None}
    partitions = []
    for weekday in [None, 1, 2, 3, 4]:
        partitions.append(((None, None, weekday), [(d, None, weekday) for d in ORGANISATION]))
        partitions.append(((None, None, weekday), [(None, u, weekday) for d in ORGANISATION for u in ORGANISATION[d]]))
        for department, department_units in ORGANISATION.items():
            partitions.append(((department, None, weekday), [(None, u, weekday) for u in department_units]))
    for department, unit in [(None, None), *[(d, None) for d in ORGANISATION]]:
        partitions.append(((department, unit, None), [(department, unit, weekday) for weekday in [1, 2, 3, 4]]))
    reports = {key: report for key, report in answers.values() if report is not None}

    def shows(key, code) -> bool:
        return key in reports and any(t["task"] == code and not t["withheld"] for t in reports[key]["tasks"])

    for parent, parts in partitions:
        if parent not in given:
            continue
        hidden = [line for part in parts if part not in given for line in select(lines, part)]
        hidden = [line for line in hidden if line in select(lines, parent)]
        assert not disclosure.discloses(managers(hidden)), (parent, parts)
        # And per task: the parent's row minus the parts' shown rows.
        for code in {line.task for line in lines}:
            if not shows(parent, code):
                continue
            hidden = [
                line
                for part in parts
                if not shows(part, code)
                for line in select(lines, part)
                if line.task == code and line in select(lines, parent)
            ]
            assert not disclosure.discloses(managers(hidden)), (parent, parts, code)


def test_given_figures_are_the_diaries_and_withheld_rows_rest_on_no_small_group(answers, attack_round):
    survey, units, lines = attack_round
    for key, report in answers.values():
        if report is None:
            continue
        chosen = select(lines, key)
        assert report["managers"] == managers(chosen) >= 3
        withheld = [task for task in report["tasks"] if task["withheld"]]
        # Never exactly one withheld row: the totals minus the shown rows would be it.
        assert len(withheld) != 1, key
        for task in report["tasks"]:
            own = [line for line in chosen if line.task == task["task"]]
            if task["withheld"]:
                assert task["minutes"] is None and task["rank"] is None and task["managers"] is None
                assert task["withheld_reason"] in (disclosure.TOO_FEW, disclosure.COMPLEMENT, disclosure.SECONDARY)
            else:
                assert task["minutes"] == sum(line.minutes for line in own), (key, task["task"])
                assert not disclosure.discloses(managers(own)), (key, task["task"])
        # The shown rows are ranked 1, 2, … without gaps.
        ranks = [task["rank"] for task in report["tasks"] if not task["withheld"]]
        assert ranks == list(range(1, len(ranks) + 1))


def test_every_download_and_page_withholds_the_same_rows(client, answers, attack_round, project_member):
    """CSV and xlsx give the JSON's figures and withhold the same rows (empty cells, the reason in a
    last column); a withheld selection answers 409 in every table."""
    survey, units, lines = attack_round
    for query_items, (key, report) in answers.items():
        query = dict(query_items)
        for table in ["ranking", "tasks", "categories", "cost", "variation", "hours"]:
            for fmt in ["csv", "xlsx"]:
                response = client.get(url(survey, table, fmt, query))
                if report is None:
                    assert response.status_code == 409, (key, table, fmt)
                    continue
                assert response.status_code == 200, (key, table, fmt)
                rows = read_csv(response) if fmt == "csv" else read_xlsx(response)
                header, body = rows[0], rows[1:]
                assert header[-1] == "Withheld"
                if table == "categories":
                    continue
                withheld = {row[0] for row in body if row[-1] not in ("", None) and row[0] != "all"}
                assert withheld == {task["task"] for task in report["tasks"] if task["withheld"]}, (key, table)
                for row in body:
                    if row[0] in withheld:
                        assert not any(is_number(cell) for cell in row[2:-1]), (key, table, row)
                if table == "ranking":
                    minutes = header.index("Minutes")
                    for row in body:
                        task = next(task for task in report["tasks"] if task["task"] == row[0])
                        if not task["withheld"]:
                            assert float(row[minutes]) == task["minutes"]


def test_every_page_and_chart_withholds_the_same_rows(answers, pages):
    """On the page a withheld row shows "–" in every figure, with its reason; no chart draws it; the
    page of a withheld selection shows no table and no chart."""
    for query_items, (key, report) in answers.items():
        page, drawn, chart_status = pages[query_items]
        if report is None:
            assert ("data-withheld" in page or "data-empty-selection" in page) and "<table" not in page, key
            assert not drawn and "<img" not in page and chart_status == 409, key
            continue
        assert chart_status == 200, key
        withheld = {task["task"] for task in report["tasks"] if task["withheld"]}
        ranking = page[page.index('data-table="ranking"') :]
        ranking = ranking[: ranking.index("</table>")]
        for task in report["tasks"]:
            row = re.search(rf'<tr data-task="{re.escape(task["task"])}"[^>]*>(.*?)</tr>', ranking, re.S)
            assert row is not None
            cells = re.findall(r'data-field="[a-z_]+">([^<]*)<', row.group(1))
            if task["withheld"]:
                assert "data-withheld-row" in row.group(0) and "Withheld:" in row.group(1)
                assert cells and all(cell == "–" for cell in cells), (key, task["task"], cells)
            else:
                assert "data-withheld-row" not in row.group(0)
        bars = [frame for frame in drawn["bars"] + drawn["bubble_map"] if "task" in frame]
        assert len(bars) == 3, key  # the ranking, the tasks and the map
        for frame in bars:
            assert not set(frame["task"]) & withheld, key
        hours = [frame for frame in drawn["heatmap"] if "08–09" in frame.columns]
        assert len(hours) == 1 and len(hours[0]) == len(report["tasks"]) - len(withheld), key


def test_managers_are_listed_only_where_every_unit_has_three(client, answers, pages, attack_round):
    """The grid of managers × tasks (CSV, xlsx, page) names managers only in selections whose every
    unit and department has at least 3 of them; the small unit's and department's never appear."""
    survey, units, lines = attack_round
    listed_somewhere = set()
    for query_items, (key, report) in answers.items():
        query = dict(query_items)
        chosen = select(lines, key)
        groups = defaultdict(set)
        for line in chosen:
            groups[("unit", line.unit)].add(line.number)
            groups[("department", line.department)].add(line.number)
        allowed = report is not None and all(len(numbers) >= 3 for numbers in groups.values())
        for fmt in ["csv", "xlsx"]:
            response = client.get(url(survey, "managers", fmt, query))
            if not allowed:
                assert response.status_code == 409, (key, fmt)
                continue
            assert response.status_code == 200, (key, fmt)
            rows = read_csv(response) if fmt == "csv" else read_xlsx(response)
            numbers = {int(row[0]) for row in rows[1:]}
            assert numbers == {line.number for line in chosen}
            listed_somewhere |= numbers
        page = pages[query_items][0]
        for number in SMALL:
            assert f"Manager no. {number}<" not in page, (key, number)
        if report is not None and not allowed:
            assert "data-listing-withheld" in page and 'data-table="managers"' not in page
    assert listed_somewhere and not listed_somewhere & SMALL


def test_the_cell_rule_with_secondary_suppression():
    """One task of a category withheld: the next smallest of that category goes with it; the totals
    minus the shown rows are then two rows."""
    order = [1, 2, 3, 4, 5]
    categories = {1: "x", 2: "x", 3: "x", 4: "y", 5: "y"}
    counts = {1: (5, None), 2: (2, None), 3: (7, None), 4: (4, None), 5: (9, None)}
    minutes = {1: 100, 2: 10, 3: 50, 4: 30, 5: 90}
    cells = disclosure.withheld_cells(counts, minutes, order, categories)
    assert dict(cells.reasons) == {2: disclosure.TOO_FEW, 3: disclosure.SECONDARY}
    # A complement of 1 or 2 in a parent withholds the row too; none withheld, none added.
    complement = disclosure.COMPLEMENT
    cells = disclosure.withheld_cells({1: (5, complement), 2: (5, None), 3: (5, complement)}, minutes, [1, 2, 3])
    assert dict(cells.reasons) == {1: disclosure.COMPLEMENT, 3: disclosure.COMPLEMENT}
    assert not disclosure.withheld_cells({1: (5, None), 2: (0, None)}, minutes, [1, 2]).reasons
    # Only a row with minutes can protect another (a zero may be known to be zero): none, no figures.
    with pytest.raises(disclosure.Withheld):
        disclosure.withheld_cells({1: (2, None), 2: (0, None)}, {1: 40, 2: 0}, [1, 2])


def test_parents_relax_every_filter():
    assert set(disclosure.parents(Filters(unit=7, weekday=2), unit_department=3)) == {
        Filters(unit=7),
        Filters(department=3, weekday=2),
        Filters(department=3),
        Filters(weekday=2),
        Filters(),
    }
    assert disclosure.parents(Filters()) == []


def test_a_warm_dashboard_costs_the_same_queries_whatever_the_selection(
    client, attack_round, project_member, django_assert_num_queries, django_assert_max_num_queries
):
    """Warm, the page and a download are cache reads: the queries are the request's own (session,
    user, groups, municipalities, the round, the filter's units), the same for every selection (and
    the action plan's column of actions per task on a page with a ranking, the audit of a download)."""
    survey, units, lines = attack_round
    client.force_login(project_member)
    client.get(reverse("analysis:index"))  # the session's renewal is no page's own cost
    page = reverse("analysis:dashboard", args=[survey.slug])
    for query in [{}, {"department": units["C1"].department.pk}, {"weekday": 2}, {"unit": units["A2"].pk}]:
        client.get(page, query)
        client.get(url(survey, "ranking", "json", query))
        with django_assert_max_num_queries(6 + session_queries()):
            client.get(page, query)
        given = client.get(url(survey, "ranking", "json", query)).status_code == 200
        # A download given is audited: one insert.
        with django_assert_num_queries((6 if given else 5) + session_queries()):
            client.get(url(survey, "ranking", "json", query))
