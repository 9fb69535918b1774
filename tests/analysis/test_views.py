"""The analysis pages: who may see what, the same numbers as the JSON, withheld small groups,
downloads, and a bounded number of queries on the dashboard."""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from analysis import disclosure, reports
from analysis.dashboard import dashboard_figures
from analysis.filters import Filters
from surveys import roles
from surveys.models import Municipality, Participant

from .conftest import WED, save_day

pytestmark = pytest.mark.django_db

ROUND = "test-round"


def signed_in(client, user, language: str = "en"):
    client.force_login(user)
    # Assertions read English text; the product's Swedish comes from locale/ (not under test here).
    client.cookies["django_language"] = language
    return client


def page_urls(followup_slug: str | None = None) -> list[str]:
    """Every analysis URL that only the project group and administrators may open."""
    urls = [
        reverse("analysis:index"),
        reverse("analysis:dashboard", args=[ROUND]),
        reverse("analysis:compare", args=[ROUND]) + "?m=1&m=2",
        reverse("analysis:compare_export", args=[ROUND, "json"]) + "?m=1&m=2",
        reverse("analysis:compare_export", args=[ROUND, "csv"]) + "?m=1&m=2",
        reverse("analysis:compare_export", args=[ROUND, "xlsx"]) + "?m=1&m=2",
        reverse("analysis:rounds"),
        reverse("analysis:export", args=[ROUND, "ranking", "json"]),
    ]
    urls += [
        reverse("analysis:export", args=[ROUND, table, fmt])
        for table in ["ranking", "categories", "tasks", "variation", "managers", "cost", "hours"]
        for fmt in ["csv", "xlsx"]
    ]
    if followup_slug:
        query = f"?baseline={ROUND}&followup={followup_slug}"
        urls += [reverse("analysis:rounds") + query]
        urls += [reverse("analysis:rounds_export", args=[fmt]) + query for fmt in ["json", "csv", "xlsx"]]
    return urls


# --- Access -----------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, small_round, followup_round):
    own = [reverse("analysis:my_profiles"), reverse("analysis:profile", args=[ROUND])]
    for url in page_urls(followup_round.slug) + own:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_a_manager_gets_403_on_every_analysis_page(client, small_round, followup_round, manager):
    signed_in(client, manager)
    for url in page_urls(followup_round.slug):
        assert client.get(url).status_code == 403, url


def test_a_manager_sees_their_own_profile_and_404_for_a_round_they_are_not_in(
    client, small_round, followup_round, manager
):
    signed_in(client, manager)
    assert client.get(reverse("analysis:profile", args=[ROUND])).status_code == 200
    assert client.get(reverse("analysis:profile", args=[followup_round.slug])).status_code == 404
    assert client.get(reverse("analysis:profile", args=["no-such-round"])).status_code == 404
    # One round: "My profile" goes straight to it.
    response = client.get(reverse("analysis:my_profiles"))
    assert response.status_code == 302 and response["Location"] == reverse("analysis:profile", args=[ROUND])


@pytest.mark.parametrize("role", ["project_member", "administrator"])
def test_the_project_group_and_administrators_see_every_page(client, tripled_round, followup_round, role, request):
    # tripled_round: every unit has at least 3 managers, so managers.csv is given too.
    signed_in(client, request.getfixturevalue(role))
    for url in page_urls(followup_round.slug):
        assert client.get(url).status_code == 200, url
    # A profile is a participant's own: someone who took no part has none.
    assert client.get(reverse("analysis:profile", args=[ROUND])).status_code == 404
    assert client.get(reverse("analysis:my_profiles")).status_code == 200
    assert client.get(reverse("analysis:dashboard", args=["no-such-round"])).status_code == 404


@pytest.mark.parametrize("group", [roles.PROJECT_GROUP, roles.ADMINISTRATORS])
def test_the_staff_of_another_municipality_get_404_and_are_offered_no_round(
    client, small_round, followup_round, make_user, group
):
    signed_in(client, make_user("erik", group, municipality=Municipality.objects.create(name="Annanstad")))
    lists = {reverse("analysis:index"), reverse("analysis:rounds")}

    for url in page_urls(followup_round.slug):
        if url not in lists:
            assert client.get(url).status_code == 404, url
    assert list(client.get(reverse("analysis:index")).context["rounds"]) == []
    form = client.get(reverse("analysis:rounds")).context["form"]
    assert not form.is_bound and list(form.fields["followup"].queryset) == []


def test_unknown_export_names_are_404(client, small_round, project_member):
    signed_in(client, project_member)
    for url in [
        reverse("analysis:export", args=[ROUND, "ranking", "pdf"]),
        reverse("analysis:export", args=[ROUND, "secrets", "csv"]),
        reverse("analysis:export", args=[ROUND, "cost", "json"]),
        reverse("analysis:compare_export", args=[ROUND, "pdf"]) + "?m=1&m=2",
        reverse("analysis:rounds_export", args=["pdf"]),
    ]:
        assert client.get(url).status_code == 404, url


def test_the_navigation_shows_analysis_to_the_project_group_and_my_profile_to_managers(
    client, small_round, manager, project_member
):
    analysis, profile = reverse("analysis:index"), reverse("analysis:my_profiles")
    # The project group's start page may be another page; the navigation is on every one.
    html = signed_in(client, project_member).get(reverse("home"), follow=True).content.decode()
    assert f'href="{analysis}"' in html and f'href="{profile}"' not in html
    html = signed_in(client, manager).get(reverse("home"), follow=True).content.decode()
    assert f'href="{analysis}"' not in html and f'href="{profile}"' in html


# --- The same numbers as the JSON -------------------------------------------------------------------


class Cells(HTMLParser):
    """Cells marked data-field inside rows marked data-task, of one table marked data-table."""

    def __init__(self, table: str):
        super().__init__()
        self.table, self.depth, self.row, self.field = table, 0, None, None
        self.cells: dict[str, dict[str, list[str]]] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.depth += 1 if (self.depth or attrs.get("data-table") == self.table) else 0
        elif self.depth and tag == "tr" and "data-task" in attrs:
            self.row = self.cells.setdefault(attrs["data-task"], {})
        elif self.depth and self.row is not None and "data-field" in attrs:
            self.field = attrs["data-field"]
            self.row.setdefault(self.field, []).append("")

    def handle_endtag(self, tag):
        if tag == "table" and self.depth:
            self.depth -= 1
        elif tag == "tr":
            self.row = None
        elif tag in ("td", "th"):
            self.field = None

    def handle_data(self, data):
        if self.field and self.row is not None:
            self.row[self.field][-1] += data.strip()


def cells(html: str, table: str) -> dict[str, dict[str, list[str]]]:
    parser = Cells(table)
    parser.feed(html)
    return parser.cells


def shown(value, decimals: int = 1) -> str:
    """How the pages write a figure, in English."""
    if value is None:
        return "–"
    with translation.override("en"):
        return floatformat(value, f"{decimals}g")


def percent(value) -> str:
    """As English writes a percentage: no space before the sign (Swedish has one)."""
    with translation.override("en"):
        return f"{floatformat(value * 100, 1)}%"


def assert_the_ranking_table_shows(html: str, data: dict) -> None:
    """The page's ranking has the JSON's rows in its order, each figure as the page writes it; a
    withheld row "–" in every figure, without a rank."""
    table = cells(html, "ranking")
    assert list(table) == [task["task"] for task in data["tasks"]]  # the ranking's order
    for task in data["tasks"]:
        row = table[task["task"]]
        assert row["rank"] == [shown(task["rank"], 0)]
        assert row["managers"] == [shown(task["managers"], 0)]
        assert row["share"] == [percent(task["share"]) if task["share"] is not None else "–"]
        for field in [
            "minutes_per_manager_day",
            "function_mean",
            "value_mean",
            "friction_minutes_per_manager_day",
            "low_value_minutes_per_manager_day",
        ]:
            assert row[field] == [shown(task[field])], (task["task"], field)


@pytest.mark.parametrize("query", ["", "?weekday=1", "?department={children}"], ids=["round", "monday", "department"])
def test_the_ranking_table_shows_the_json_s_numbers(client, tripled_round, project_member, query):
    signed_in(client, project_member)
    query = query.format(children=tripled_round.children.pk)
    html = client.get(reverse("analysis:dashboard", args=[ROUND]) + query).content.decode()
    data = client.get(reverse("analysis:export", args=[ROUND, "ranking", "json"]) + query).json()
    assert not any(task["withheld"] for task in data["tasks"])
    assert_the_ranking_table_shows(html, data)


def test_the_ranking_table_shows_withheld_rows_as_the_json_does(client, small_round, project_member):
    # small_round: planning and it-services were done by managers 1 and 3, direct-meeting by 4 alone.
    signed_in(client, project_member)
    html = client.get(reverse("analysis:dashboard", args=[ROUND])).content.decode()
    data = client.get(reverse("analysis:export", args=[ROUND, "ranking", "json"])).json()
    withheld = {task["task"] for task in data["tasks"] if task["withheld"]}
    assert {"planning", "it-services", "direct-meeting"} <= withheld
    assert all(task["rank"] is None and task["minutes"] is None for task in data["tasks"] if task["withheld"])
    assert_the_ranking_table_shows(html, data)


def test_the_ranking_json_is_exactly_the_friction_report(client, tripled_round, project_member):
    signed_in(client, project_member)
    url = reverse("analysis:export", args=[ROUND, "ranking", "json"])

    def disclosed(report: dict) -> dict:
        # The download is the report with the disclosure rule applied: in tripled_round it withholds
        # nothing, so every row is the report's with `withheld` false and no reason.
        return {**report, "tasks": [{**task, "withheld": False, "withheld_reason": None} for task in report["tasks"]]}

    assert client.get(url).json() == disclosed(reports.friction_report(survey=tripled_round.survey))
    monday = client.get(url + "?weekday=1").json()
    assert monday == disclosed(reports.friction_report(survey=tripled_round.survey, filters=Filters(weekday=1)))


def test_the_comparison_shows_the_json_s_numbers(client, tripled_round, project_member):
    signed_in(client, project_member)
    html = client.get(reverse("analysis:compare", args=[ROUND]) + "?m=4&m=1").content.decode()
    data = client.get(reverse("analysis:compare_export", args=[ROUND, "json"]) + "?m=4&m=1").json()
    assert data == reports.compare_managers(survey=tripled_round.survey, numbers=[4, 1])
    table = cells(html, "compare-tasks")
    for position, manager in enumerate(data["managers"]):
        for task in manager["tasks"]:
            row = table[task["task"]]
            assert row["minutes_per_day"][position] == shown(task["minutes_per_day"])
            assert row["share"][position] == percent(task["share"])
            assert row["function_mean"][position] == shown(task["function_mean"])
            assert row["value_mean"][position] == shown(task["value_mean"])
    assert "Manager no. 4" in html and "Manager no. 1" in html


def test_the_other_dashboard_tables_show_the_figures(client, tripled_round, project_member):
    signed_in(client, project_member)
    html = client.get(reverse("analysis:dashboard", args=[ROUND])).content.decode()
    variation = cells(html, "variation")["invoices"]
    # Invoices per manager-day of managers 1–4: 45, 60, 0 and 30, each three times: median (30 + 45) / 2.
    assert (variation["minimum"], variation["median"], variation["maximum"]) == (["0.0"], ["37.5"], ["60.0"])
    tasks = cells(html, "tasks")
    assert tasks["invoices"]["minutes_per_manager_day"] == ["36.0"]  # 3 × 180 minutes over 3 × 5 days
    assert 'data-key="manager_days">15<' in html
    assert 'data-key="friction_minutes_per_manager_day">38<' in html  # 26 + 12


def test_the_comparison_withholds_what_the_rounds_dashboard_withholds(client, small_round, project_member):
    # small_round's diaries: planning (managers 1, 3), it-services (1, 3) and direct-meeting (4) were done by
    # fewer than 3 managers, so the dashboard withholds their rows; a few pairs of managers side by side must
    # not give them back.
    signed_in(client, project_member)
    ranking = client.get(reverse("analysis:export", args=[ROUND, "ranking", "json"])).json()
    dashboard_withheld = {task["task"]: task["withheld_reason"] for task in ranking["tasks"] if task["withheld"]}
    assert {code for code, reason in dashboard_withheld.items() if reason == disclosure.TOO_FEW} == {
        "planning",
        "it-services",
        "direct-meeting",
    }
    query = "?m=1&m=3&m=4"

    data = client.get(reverse("analysis:compare_export", args=[ROUND, "json"]) + query).json()
    html = client.get(reverse("analysis:compare", args=[ROUND]) + query).content.decode()
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("analysis:compare_export", args=[ROUND, "csv"]) + query).content.decode("utf-8-sig")
            )
        )
    )

    assert data["withheld"] == dashboard_withheld
    for manager in data["managers"]:
        for task in manager["tasks"]:
            if task["task"] in dashboard_withheld:
                assert [task[name] for name in reports.COMPARED_TASK_FIGURES] == [None] * 4
                assert task["withheld_reason"] == dashboard_withheld[task["task"]]
            else:
                assert task["withheld_reason"] is None
    table = cells(html, "compare-tasks")
    for code in dashboard_withheld:
        assert table[code]["minutes_per_day"] == ["–"] * 3
        assert f'data-withheld-reason="{dashboard_withheld[code]}"' in html
    # Where each differs most from the median: never a withheld task. Here every task with minutes is one
    # (invoices protects the others), so nothing is named.
    assert dashboard_withheld["invoices"] == disclosure.SECONDARY
    assert [row for rows in data_differences(small_round) for row in rows] == []
    # The download: empty cells and the reason in the last column.
    withheld_rows = [row for row in rows[1:] if row[0] == "1" and row[8]]
    assert len(withheld_rows) == len(dashboard_withheld)
    assert all(row[4:8] == ["", "", "", ""] for row in withheld_rows)
    assert sum(row[8] == "fewer than 3 managers did this task in the selection" for row in withheld_rows) == 3
    # The charts leave the withheld tasks out.
    chart = client.get(reverse("analysis:compare_chart", args=[ROUND, "tasks"]) + query).content.decode()
    assert "Finance: invoice handling" not in chart


def data_differences(small_round) -> list[list[dict]]:
    from analysis.comparison import comparison_figures

    return list(comparison_figures(survey=small_round.survey, numbers=[1, 3, 4])["differences"].values())


def test_the_page_is_swedish_by_default(client, tripled_round, project_member):
    client.force_login(project_member)
    html = client.get(reverse("analysis:dashboard", args=[ROUND])).content.decode()
    assert '<html lang="sv"' in html
    assert 'data-field="friction_minutes_per_manager_day">26,0<' in html  # a decimal comma


# --- Withheld selections and invalid choices --------------------------------------------------------


def test_the_tripled_round_withholds_nothing_the_tests_above_look_at(tripled_round):
    """The tests that read figures use tripled_round so that the disclosure rule leaves them whole."""
    selections = [
        Filters(),
        *[Filters(department=department.pk) for department in (tripled_round.children, tripled_round.social)],
        *[Filters(unit=unit.pk) for unit in (tripled_round.solrosen, tripled_round.ekorren, tripled_round.norr)],
        *[Filters(weekday=weekday) for weekday in (1, 2, 3)],
    ]
    for filters in selections:
        figures = dashboard_figures(survey=tripled_round.survey, filters=filters)
        assert figures["withheld"] == {}, filters
        assert disclosure.listing_allowed(survey=tripled_round.survey, filters=filters), filters


def test_a_selection_of_two_managers_is_withheld_on_the_page_and_in_downloads(client, small_round, project_member):
    signed_in(client, project_member)
    query = f"?unit={small_round.solrosen.pk}"
    html = client.get(reverse("analysis:dashboard", args=[ROUND]) + query).content.decode()
    assert "fewer than 3 managers" in html
    assert "<table" not in html and "<svg" not in html
    response = client.get(reverse("analysis:export", args=[ROUND, "ranking", "json"]) + query)
    assert response.status_code == 409 and "fewer than 3 managers" in response.json()["error"]
    response = client.get(reverse("analysis:export", args=[ROUND, "cost", "csv"]) + query)
    assert response.status_code == 409 and b"fewer than 3 managers" in response.content


def test_a_withheld_selection_says_why_once_in_swedish(client, small_round, project_member):
    signed_in(client, project_member)
    client.cookies["django_language"] = "sv"
    html = client.get(reverse("analysis:dashboard", args=[ROUND]) + f"?unit={small_round.solrosen.pk}").content.decode()
    assert "<strong>Siffrorna visas inte.</strong> Urvalet har färre än 3 chefer: för få för att visa" in html
    assert html.lower().count("visas inte") == 1


def test_a_round_of_two_managers_withholds_the_comparison(client, small_round, project_member):
    small_round.participants[3].delete()
    small_round.participants[4].delete()
    signed_in(client, project_member)
    html = client.get(reverse("analysis:compare", args=[ROUND]) + "?m=1&m=2").content.decode()
    assert "fewer than 3 managers" in html and "<svg" not in html
    response = client.get(reverse("analysis:compare_export", args=[ROUND, "json"]) + "?m=1&m=2")
    assert response.status_code == 409


def test_invalid_filters_say_so_and_show_no_figures(client, small_round, project_member):
    signed_in(client, project_member)
    url = reverse("analysis:dashboard", args=[ROUND])
    html = client.get(url + "?weekday=9").content.decode()
    assert "data-invalid-selection" in html and "<svg" not in html
    mismatch = f"?department={small_round.social.pk}&unit={small_round.solrosen.pk}"
    assert "The unit is not part of the chosen department." in client.get(url + mismatch).content.decode()
    assert client.get(reverse("analysis:export", args=[ROUND, "ranking", "csv"]) + "?weekday=x").status_code == 400


def test_comparing_needs_two_known_managers(client, small_round, project_member):
    signed_in(client, project_member)
    url = reverse("analysis:compare", args=[ROUND])
    assert "Choose at least two managers" in client.get(url + "?m=1").content.decode()
    assert "<svg" not in client.get(url + "?m=1&m=99").content.decode()
    assert client.get(reverse("analysis:compare_export", args=[ROUND, "json"]) + "?m=1&m=99").status_code == 400
    assert client.get(reverse("analysis:compare_export", args=[ROUND, "json"])).status_code == 400


def test_compare_rounds_opens_on_a_follow_up_and_its_baseline(client, small_round, followup_round, project_member):
    signed_in(client, project_member)
    url = reverse("analysis:rounds")

    for query in ("", f"?followup={followup_round.slug}"):  # the menu, and a round's own tab
        response = client.get(url + query)
        form = response.context["form"]
        assert form.is_valid(), query
        assert (form.cleaned_data["baseline"], form.cleaned_data["followup"]) == (small_round.survey, followup_round)
        assert "invoices" in cells(response.content.decode(), "rounds")

    # The baseline itself has nothing earlier: the form waits for a choice, without an error.
    response = client.get(url + f"?followup={ROUND}")
    form = response.context["form"]
    assert not form.is_bound and form["followup"].value() == small_round.survey.slug


def test_comparing_rounds_needs_two_rounds_with_the_same_tasks(client, tripled_round, followup_round, project_member):
    signed_in(client, project_member)
    url = reverse("analysis:rounds")
    assert "Choose two different rounds." in client.get(url + f"?baseline={ROUND}&followup={ROUND}").content.decode()
    query = f"?baseline={ROUND}&followup={followup_round.slug}"
    html = client.get(url + query).content.decode()
    data = client.get(reverse("analysis:rounds_export", args=["json"]) + query).json()
    assert data == reports.rounds_comparison(baseline=tripled_round.survey, followup=followup_round)
    invoices = cells(html, "rounds")["invoices"]
    assert invoices["friction_minutes_per_manager_day_change"] == ["\u22126.0"]  # 20 − 26
    assert invoices["minutes_per_manager_day_change"] == ["+24.0"]
    followup_round.tasks.get(code="budget").delete()
    assert "do not have the same tasks" in client.get(url + query).content.decode()


# --- Downloads ----------------------------------------------------------------------------------------


def test_tables_download_as_csv_and_xlsx_with_the_same_rows(client, tripled_round, project_member):
    signed_in(client, project_member)
    report = reports.friction_report(survey=tripled_round.survey)
    response = client.get(reverse("analysis:export", args=[ROUND, "ranking", "csv"]))
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="test-round-ranking-en.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    # An English page's download: commas, dots and the page's English headings (test_downloads.py
    # has the Swedish ones); one column per field of the report, the task codes kept in the first,
    # and a last one for why a row is withheld (empty here: the round withholds nothing).
    assert len(rows[0]) == len(reports.TASK_FIELDS) + 1 and rows[0][-1] == "Withheld"
    assert all(row[-1] == "" for row in rows[1:])
    assert rows[0][:2] == ["Task code", "Task"] and "Friction minutes per manager-day" in rows[0]
    assert [row[0] for row in rows[1:]] == [task["task"] for task in report["tasks"]]
    response = client.get(reverse("analysis:export", args=[ROUND, "cost", "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0][:3] == ("Task code", "Task", "Friction minutes per manager-day")
    assert values[-1][0] == "all" and values[-1][2] == pytest.approx(38.0)
    managers = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("analysis:export", args=[ROUND, "managers", "csv"])).content.decode("utf-8-sig")
            )
        )
    )
    assert [row[0] for row in managers[1:]] == [str(number) for number in range(1, 13)]
    comparison = client.get(reverse("analysis:compare_export", args=[ROUND, "csv"]) + "?m=1&m=2")
    header = comparison.content.decode("utf-8-sig").splitlines()[0]
    assert header == (
        "Participant number,Days,Kind,Task or category,Minutes per day,Share,Function (1–4),Value (1–4),Withheld"
    )


def test_a_download_is_named_for_its_selection_and_language(client, tripled_round, project_member):
    """Excel opens one workbook of a name at a time, and a folder keeps one file of it: the same table
    of another selection or language must have a name of its own."""
    signed_in(client, project_member)
    export = reverse("analysis:export", args=[ROUND, "ranking", "xlsx"])

    def file_name(url: str) -> str:
        response = client.get(url)
        assert response.status_code == 200
        return response["Content-Disposition"]

    assert file_name(export) == f'attachment; filename="{ROUND}-ranking-en.xlsx"'
    unit_monday = f"?unit={tripled_round.solrosen.pk}&weekday=1"
    assert file_name(export + unit_monday) == (
        f'attachment; filename="{ROUND}-ranking-forskolan-solrosen-monday-en.xlsx"'
    )
    social = f"?department={tripled_round.social.pk}"
    assert file_name(export + social) == f'attachment; filename="{ROUND}-ranking-socialforvaltningen-en.xlsx"'
    compare = reverse("analysis:compare_export", args=[ROUND, "csv"]) + "?m=1&m=2"
    assert file_name(compare) == f'attachment; filename="{ROUND}-comparison-1-2-en.csv"'
    signed_in(client, project_member, language="sv")
    assert file_name(export + social) == f'attachment; filename="{ROUND}-ranking-socialforvaltningen-sv.xlsx"'
    assert file_name(export + "?weekday=1").endswith('-ranking-mandag-sv.xlsx"')
    # The sheet keeps the table's name, which fits Excel's 31 characters.
    sheet = load_workbook(io.BytesIO(client.get(export + social).content))
    assert sheet.sheetnames == [f"{ROUND}-ranking"]


# --- My profile -----------------------------------------------------------------------------------


def test_my_profile_shows_my_figures_beside_the_median_and_nobody_else_s(client, small_round, manager):
    signed_in(client, manager)
    html = client.get(reverse("analysis:profile", args=[ROUND])).content.decode()
    mine = cells(html, "profile-tasks")["invoices"]
    assert mine["minutes_per_day"] == ["45.0"]  # 90 minutes over 2 days
    assert mine["function_mean"] == [shown((60 * 1 + 30 * 3) / 90)]
    assert ">37.5<" in html  # the median of 45, 60, 0 and 30
    for number in (2, 3, 4):
        assert f"Manager no. {number}" not in html
    assert "Manager no. 1" in html
    # The ratings in the diary's words and order: value first, then how well the task worked.
    value, function = html.index("Value for the operation (1–4)"), html.index("How well it worked (1–4)")
    assert value < function
    row = html[html.index('data-task="invoices"') :]
    assert row.index('data-field="value_mean"') < row.index('data-field="function_mean"')


def test_my_profile_withholds_the_median_of_a_round_under_three(client, small_round, manager):
    small_round.participants[3].delete()
    small_round.participants[4].delete()
    signed_in(client, manager)
    html = client.get(reverse("analysis:profile", args=[ROUND])).content.decode()
    assert "data-withheld" in html
    assert cells(html, "profile-tasks")["invoices"]["minutes_per_day"] == ["45.0"]
    assert ">52.5<" not in html  # the two managers' median would give the other one away


def test_my_profile_says_that_only_submitted_days_count_and_how_many_of_mine_are_drafts(client, small_round, manager):
    signed_in(client, manager)
    url = reverse("analysis:profile", args=[ROUND])
    html = client.get(url).content.decode()
    assert 'data-drafts="0"' in html and "Only submitted days count in these figures." in html
    # Manager 1 keeps Wednesday as a draft with minutes: still 2 days and 45 invoice minutes a day.
    save_day(small_round.participants[1], WED, {"invoices": ({1: 60}, 3, 1)}, submit=False)
    html = client.get(url).content.decode()
    assert 'data-drafts="1"' in html
    assert "1 of your days with minutes is a draft and does not count until you submit it." in html
    assert cells(html, "profile-tasks")["invoices"]["minutes_per_day"] == ["45.0"]
    # A draft without minutes (manager 2's Tuesday, ratings only) is an opened form, not left-out work.
    signed_in(client, small_round.participants[2].user)
    assert 'data-drafts="0"' in client.get(url).content.decode()


# --- Caching and queries ------------------------------------------------------------------------------


def test_the_dashboard_follows_new_diaries(client, small_round, project_member):
    signed_in(client, project_member)
    url = reverse("analysis:dashboard", args=[ROUND])
    assert 'data-key="manager_days">5<' in client.get(url).content.decode()
    save_day(small_round.participants[3], small_round.survey.start_date, {"budget": ({1: 30}, 3, 3)})
    assert 'data-key="manager_days">6<' in client.get(url).content.decode()


def test_the_dashboard_follows_a_participant_moved_to_another_unit(client, tripled_round, administrator):
    # Social's managers by hand: Hemtjänst Norr holds 4, 8 and 12, each with a submitted day with minutes.
    signed_in(client, administrator)
    url = reverse("analysis:dashboard", args=[ROUND]) + f"?department={tripled_round.social.pk}"
    assert 'data-key="managers">3<' in client.get(url).content.decode()

    # Manager 3 (Ekorren, a submitted day on Wednesday) moves to Hemtjänst Norr: Social has four.
    moved = client.post(reverse("surveys:participant", args=[ROUND, 3]), {"unit": tripled_round.norr.pk})

    assert moved.status_code == 302
    assert 'data-key="managers">4<' in client.get(url).content.decode()


def test_more_managers_do_not_mean_more_queries(client, small_round, project_member, django_assert_num_queries):
    signed_in(client, project_member)
    url = reverse("analysis:dashboard", args=[ROUND])
    cache.clear()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for number in range(5, 15):
        participant = Participant.objects.create(survey=small_round.survey, number=number)
        save_day(participant, small_round.survey.start_date, {"invoices": ({1: 40}, 2, 2)})
    cache.clear()
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)


def test_json_keeps_swedish_letters_readable(client, small_round, project_member):
    signed_in(client, project_member)
    body = client.get(reverse("analysis:export", args=[ROUND, "ranking", "json"])).content.decode()
    assert "Övriga arbetsuppgifter" in body
    assert json.loads(body)["survey"] == ROUND


# A NUL in a query string is refused before any view (mio.middleware.RefuseNulMiddleware): a bad request.
@pytest.mark.parametrize(("slug", "status"), [("a\x00b", 400), ("../x", 404), ("å", 404)])
def test_a_round_that_is_not_a_slug_is_no_round(analyst, slug, status):
    response = analyst.get(reverse("analysis:rounds"), {"baseline": slug})

    assert response.status_code == status
