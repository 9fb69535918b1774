"""The analysis at a national scale (issue 12): per-manager figures built once from the round's
cached totals and equal to their definitions, a weekday filter that stays inside the round, and a
compare page whose size and queries do not grow with the number of managers."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from analysis import benchmark, friction, reports, selectors
from analysis.filters import Filters
from analysis.forms import MAX_MATCHES, CompareForm
from surveys import roles
from surveys.models import DiaryDay, DiaryLine, Participant
from tests.conftest import session_queries

from .conftest import MON
from .test_views import cells, signed_in

ROUND = "test-round"


def defined_totals(survey, *, weekday: int | None = None) -> dict[tuple[int, str], tuple[int, ...]]:
    """Per (number, task code) the sums of the definitions, line by line from the ORM: submitted
    days only; minutes, minutes with a function, Σ minutes × function, the same for value."""
    sums: dict[tuple[int, str], list[int]] = {}
    lines = DiaryLine.objects.filter(task__survey=survey, day__status=DiaryDay.Status.SUBMITTED).select_related(
        "day__participant", "task"
    )
    for line in lines:
        if weekday is not None and line.day.date.isoweekday() != weekday:
            continue
        row = sums.setdefault((line.day.participant.number, line.task.code), [0] * 5)
        row[0] += line.minutes
        if line.function is not None:
            row[1] += line.minutes
            row[2] += line.minutes * line.function
        if line.value is not None:
            row[3] += line.minutes
            row[4] += line.minutes * line.value
    return {key: tuple(value) for key, value in sums.items()}


@pytest.mark.parametrize("weekday", [None, 1])
def test_manager_task_totals_are_the_sums_of_submitted_lines(small_round, weekday):
    survey = small_round.survey
    codes = dict(selectors.task_frame(survey=survey)[["task_id", "task"]].itertuples(index=False))
    frame = selectors.manager_task_totals(survey=survey, filters=Filters(weekday=weekday))
    got = {
        (row.number, codes[row.task_id]): (row.minutes, row.f_minutes, row.f_weighted, row.v_minutes, row.v_weighted)
        for row in frame.itertuples()
    }
    assert got == defined_totals(survey, weekday=weekday)
    # Manager 2's Tuesday is a draft: its documentation line counts nowhere.
    assert (2, "documentation") not in got
    # Worked by hand: manager 1 did invoices 60 (f1 v3) on Monday and 30 (f3 v3) on Tuesday.
    if weekday is None:
        assert got[(1, "invoices")] == (90, 90, 60 + 90, 90, 270)
    else:
        assert got[(1, "invoices")] == (60, 60, 60, 60, 180)


@pytest.mark.parametrize("selection", ["round", "monday", "department", "unit"])
def test_manager_figures_are_the_definition_s_frame(small_round, selection):
    """reports.manager_figures builds from the cached totals what friction.manager_task_figures
    defines from the raw sums, row for row."""
    survey = small_round.survey
    filters = {
        "round": Filters(),
        "monday": Filters(weekday=1),
        "department": Filters(department=small_round.children.pk),
        "unit": Filters(unit=small_round.solrosen.pk),
    }[selection]
    expected = friction.manager_task_figures(
        selectors.manager_task_totals(survey=survey, filters=filters),
        selectors.manager_day_counts(survey=survey, filters=filters),
        selectors.task_frame(survey=survey),
    )
    got = reports.manager_figures(survey=survey, filters=filters)
    pd.testing.assert_frame_equal(got[expected.columns], expected, check_dtype=False)


def test_the_round_s_totals_are_computed_once_per_data_version(small_round):
    survey = small_round.survey
    selectors.round_manager_totals(survey=survey)
    with CaptureQueriesContext(connection) as queries:
        reports.manager_figures(survey=survey)
        reports.manager_figures(survey=survey, filters=Filters(unit=small_round.solrosen.pk))
        reports.compare_managers(survey=survey, numbers=[1, 4])
    # No read of the task totals: only the unit's numbers and the chosen numbers are looked up.
    assert not [query for query in queries.captured_queries if "tasktotal" in query["sql"].lower()]
    survey.touch()
    survey.refresh_from_db()
    with CaptureQueriesContext(connection) as queries:
        reports.manager_figures(survey=survey)
    # A new data version: the totals are read again, from the task totals, never from the lines.
    read = [query["sql"].lower() for query in queries.captured_queries]
    assert [sql for sql in read if "tasktotal" in sql]
    assert not [sql for sql in read if "diaryline" in sql]


def test_a_weekday_s_lines_are_read_once_for_its_figures_per_task_and_per_manager(small_round):
    survey = small_round.survey
    monday = Filters(weekday=MON.isoweekday())
    with CaptureQueriesContext(connection) as queries:
        counts, totals = selectors.round_totals(survey=survey, filters=monday)
        reports.manager_figures(survey=survey, filters=monday)
    assert len([query for query in queries.captured_queries if "diaryline" in query["sql"].lower()]) == 1
    # The per-task sums added up from the managers' are those of the lines themselves.
    lines = DiaryLine.objects.filter(
        day__participant__survey=survey, day__status=DiaryDay.Status.SUBMITTED, day__date__week_day=2
    )
    assert totals["minutes"].sum() > 0
    for task in totals.itertuples():
        of_task = [line for line in lines if line.task_id == task.task_id]
        assert task.minutes == sum(line.minutes for line in of_task), task.task
        assert task.f_weighted == sum(line.minutes * (line.function or 0) for line in of_task), task.task
        assert task.managers == len({line.day.participant_id for line in of_task if line.minutes}), task.task
    assert counts == selectors.day_counts(survey=survey, filters=monday)


def test_a_weekday_is_a_condition_on_the_joined_day_not_a_subquery_of_every_day():
    where, params = Filters(weekday=3).sql(participant="d.participant_id", date="d.date")
    assert "SELECT" not in where.upper() and "d.date" in where and params == [3]
    with pytest.raises(ValueError):
        Filters(weekday=3).sql(participant="d.participant_id")
    # Units and departments outlive rounds: their participants are looked up in the round only.
    where, params = Filters(department=2, unit=3).sql(participant="d.participant_id", survey=9)
    assert where.count("p.survey_id = %s") == 2 and params == [2, 9, 3, 9]


@pytest.mark.parametrize("weekday", [1, 2, 3, 4, 5, 6, 7])
def test_the_weekday_expression_is_iso_on_this_database(small_round, weekday):
    """Manager-days counted per ISO weekday in SQL are those of Python's isoweekday()."""
    survey = small_round.survey
    counts = selectors.day_counts(survey=survey, filters=Filters(weekday=weekday))
    days = DiaryDay.objects.filter(participant__survey=survey, status=DiaryDay.Status.SUBMITTED, minutes__gt=0)
    assert counts["manager_days"] == sum(1 for day in days if day.date.isoweekday() == weekday)


# --- The compare page -----------------------------------------------------------------------------


def test_the_compare_form_looks_up_only_the_chosen_numbers(small_round, english, django_assert_num_queries):
    survey = small_round.survey
    with django_assert_num_queries(1):
        form = CompareForm({"m": ["4", "1", "99", "x"]}, survey=survey)
    assert form.chosen() == [4, 1]
    assert not form.is_valid()
    assert "There is no 99 in this round." in form.errors["m"][0]
    assert CompareForm({"m": ["4", "1"]}, survey=survey).is_valid()
    assert "at least two" in CompareForm({"m": ["4"]}, survey=survey).errors["m"][0]
    huge = CompareForm({"m": ["1", "99999999999999999999"]}, survey=survey)
    assert "There is no 99999999999999999999 in this round." in huge.errors["m"][0]
    too_many = CompareForm({"m": [str(n) for n in range(1, 11)]}, survey=survey)
    assert "at most 8" in too_many.errors["m"][0]


def checkboxes(html: str) -> list[str]:
    form = html[html.index("data-compare-form") :]
    return re.findall(r'type="checkbox" name="m" value="(\d+)"', form)


def test_the_picker_finds_managers_by_number(client, small_round, project_member):
    signed_in(client, project_member)
    url = reverse("analysis:compare", args=[ROUND])
    assert checkboxes(client.get(url).content.decode()) == ["1", "2", "3", "4"]
    html = client.get(url + "?q=Manager+no.+3&m=1").content.decode()
    # The chosen one stays checked and first; the search adds its matches; one chosen is no error yet.
    assert checkboxes(html) == ["1", "3"] and 'value="1" id="id_m_1" checked' in html
    assert "Choose at least two" not in html
    assert "No manager matches" in client.get(url + "?q=9").content.decode()


def test_the_picker_finds_by_unit_only_units_of_three_or_more(client, small_round, project_member):
    signed_in(client, project_member)
    url = reverse("analysis:compare", args=[ROUND])
    search = reverse("analysis:compare_search", args=[ROUND])
    # Solrosen has managers 1 and 2: searching it would tell who they are.
    assert checkboxes(client.get(url + "?q=solros").content.decode()) == []
    assert client.get(search + "?q=solros").json()["managers"] == []
    Participant.objects.create(survey=small_round.survey, number=5, unit=small_round.solrosen)
    html = client.get(url + "?q=solros").content.decode()
    assert checkboxes(html) == ["1", "2", "5"] and "Förskolan Solrosen" in html
    data = client.get(search + "?q=solros&m=2").json()
    assert [manager["number"] for manager in data["managers"]] == [1, 5]
    assert data["managers"][0] == {"number": 1, "name": "Manager no. 1", "unit": "Förskolan Solrosen"}
    # By number, the unit is not shown.
    assert client.get(search + "?q=5").json()["managers"] == [{"number": 5, "name": "Manager no. 5", "unit": None}]


def test_the_search_is_for_the_round_s_analysts_only(client, small_round, manager, project_member):
    search = reverse("analysis:compare_search", args=[ROUND])
    signed_in(client, manager)
    assert client.get(search + "?q=1").status_code == 403
    signed_in(client, project_member)
    assert client.get(reverse("analysis:compare_search", args=["no-such-round"])).status_code == 404


@pytest.fixture
def two_sizes(db, make_user):
    """Two synthetic rounds of 60 and 300 managers (more than a search lists) in one municipality,
    and a project member of it."""
    small = benchmark.build_round(managers=60, days=2)
    large = benchmark.build_round(managers=300, days=2)
    member = make_user("pia", roles.PROJECT_GROUP, municipality=small.municipality)
    return small, large, member


def test_the_compare_page_does_not_grow_with_the_managers(client, two_sizes):
    small, large, member = two_sizes
    signed_in(client, member)
    sizes = {}
    for survey in (small, large):
        url = reverse("analysis:compare", args=[survey.slug])
        empty = client.get(url).content.decode()
        assert len(checkboxes(empty)) == MAX_MATCHES
        html = client.get(url + "?m=1&m=2").content.decode()
        assert len(checkboxes(html)) == MAX_MATCHES + 2
        assert cells(html, "compare-tasks")  # the comparison is there
        sizes[survey.participants.count()] = (len(empty.encode()), len(html.encode()))
    (small_empty, small_html), (large_empty, large_html) = sizes[60], sizes[300]
    # The same 50 checkboxes: only "of 60" / "of 300" and the figures' digits differ.
    assert abs(large_empty - small_empty) < 50
    assert abs(large_html - small_html) < 3000


def test_the_compare_page_and_profile_make_as_many_queries_at_any_size(client, two_sizes, django_assert_num_queries):
    small, large, member = two_sizes
    signed_in(client, member)
    counts = []
    for survey in (small, large):
        Participant.objects.filter(survey=survey, number=1).update(user=member)
        url = reverse("analysis:compare", args=[survey.slug])
        profile = reverse("analysis:profile", args=[survey.slug])
        client.get(url + "?m=1&m=2")
        client.get(profile)
        # Warm: the figures and charts are cached. A new pair reads the round's cached totals.
        with django_assert_num_queries(COMPARE_QUERIES):
            assert client.get(url + "?m=1&m=2").status_code == 200
        with django_assert_num_queries(COMPARE_QUERIES + 1):  # + the UnknownParticipant check
            assert client.get(url + "?m=3&m=5").status_code == 200
        with django_assert_num_queries(PROFILE_QUERIES):
            assert client.get(profile).status_code == 200
        with CaptureQueriesContext(connection) as search:
            client.get(url + "?q=4&m=2")  # 4 and 40–49 in both rounds
        counts.append(len(search))
    assert counts[0] == counts[1]


# Session, user, their groups and municipalities, the round, the chosen numbers, the search's
# matches and their count.
COMPARE_QUERIES = 7 + session_queries()
# Session and user, the round, the participation, the user's groups (the navigation).
PROFILE_QUERIES = 4 + session_queries()
