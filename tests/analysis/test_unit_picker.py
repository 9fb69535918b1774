"""The dashboard's unit filter: all units of a municipality's round, and a search beyond
`UNIT_CHOICES` (a national round has 1 500 units), so that the page, its chart images and its
downloads cost the same bytes and queries whatever the number of units.

`crowded_round` is small_round (conftest.py: Solrosen and Ekorren of the children's department,
Norr of the social department, four managers with diaries) with 60 more units "Enhet 01" … "Enhet 60"
in the children's department, one participant each and no diaries: 63 units in all.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page, expect

from analysis.forms import UNIT_CHOICES, FilterForm, search_units
from surveys.demo import ROUND_SLUG
from surveys.models import Department, Municipality, Participant, Survey, Unit
from surveys.services import survey_create
from tests.browser import conftest as browser

from .conftest import SmallRound

# The browser tests' fixtures, for the one test in a browser (Debian's chromium, the demo, the login).
browser_type_launch_args = browser.browser_type_launch_args
browser_context_args = browser.browser_context_args
page = browser.page
demo = browser.demo
log_in = browser.log_in

ROUND = "test-round"
EXTRA = 60


def add_units(survey: Survey, department: Department, names: list[str], *, first_number: int) -> list[Unit]:
    """Units with one participant each in the round (no diaries): two bulk inserts."""
    units = Unit.objects.bulk_create(Unit(department=department, name=name) for name in names)
    Participant.objects.bulk_create(
        Participant(survey=survey, number=first_number + index, unit=unit) for index, unit in enumerate(units)
    )
    return units


@pytest.fixture
def crowded_round(small_round) -> SmallRound:
    add_units(
        small_round.survey, small_round.children, [f"Enhet {n:02d}" for n in range(1, EXTRA + 1)], first_number=101
    )
    return small_round


def form(survey: Survey, **data) -> FilterForm:
    with translation.override("en"):
        bound = FilterForm({name: str(value) for name, value in data.items()}, survey=survey)
        bound.is_valid()
        return bound


def listed(bound: FilterForm) -> list[tuple[str, list[str]]]:
    return [(department, [option.label for option in options]) for department, options in bound.unit_picker.groups]


def note(bound: FilterForm) -> str:
    with translation.override("en"):
        return bound.unit_picker.note


# --- The form, without HTTP -----------------------------------------------------------------------


def test_a_round_of_few_units_lists_them_all_by_department(small_round):
    bound = form(small_round.survey)
    assert bound.is_valid()
    assert listed(bound) == [
        ("Barn- och utbildningsförvaltningen", ["Förskolan Ekorren", "Förskolan Solrosen"]),
        ("Socialförvaltningen", ["Hemtjänst Norr"]),
    ]
    assert not bound.unit_picker.searchable and note(bound) == ""
    assert [option.label for option in bound.department_options] == [
        "Barn- och utbildningsförvaltningen",
        "Socialförvaltningen",
    ]
    # A department chosen in a small round changes nothing in the list (as before the search).
    assert listed(form(small_round.survey, department=small_round.social.pk)) == listed(bound)


def test_a_round_of_many_units_lists_its_first_units_and_says_how_to_find_the_others(crowded_round):
    bound = form(crowded_round.survey)
    assert bound.unit_picker.searchable
    [(department, names)] = listed(bound)
    assert department == "Barn- och utbildningsförvaltningen"
    assert names == [f"Enhet {n:02d}" for n in range(1, UNIT_CHOICES + 1)]
    assert note(bound) == f"Type part of the unit's name to find it among {EXTRA + 3} units."


def test_a_search_lists_the_matching_units_in_any_case(crowded_round):
    bound = form(crowded_round.survey, unit_q="  förskolan  ")
    assert listed(bound) == [("Barn- och utbildningsförvaltningen", ["Förskolan Ekorren", "Förskolan Solrosen"])]
    assert note(bound) == "2 units match “förskolan”."
    assert note(form(crowded_round.survey, unit_q="NORR")) == "1 unit matches “NORR”."
    empty = form(crowded_round.survey, unit_q="Tallen")
    assert listed(empty) == [] and note(empty) == "No unit matches “Tallen”."
    assert empty.is_valid()  # the search is no filter


def test_a_search_with_more_matches_than_the_list_says_how_many(crowded_round):
    bound = form(crowded_round.survey, unit_q="enhet")
    assert sum(len(names) for _department, names in listed(bound)) == UNIT_CHOICES
    assert note(bound) == (
        f"Showing {UNIT_CHOICES} of {EXTRA} units matching “enhet”. Type more of the name to narrow the search."
    )


def test_a_department_narrows_the_list_and_the_search(crowded_round):
    # The social department has one unit: all of it, whatever the round's size.
    social = form(crowded_round.survey, department=crowded_round.social.pk)
    assert listed(social) == [("Socialförvaltningen", ["Hemtjänst Norr"])] and note(social) == ""
    children = form(crowded_round.survey, department=crowded_round.children.pk, unit_q="en")
    assert {department for department, _names in listed(children)} == {"Barn- och utbildningsförvaltningen"}
    assert "Hemtjänst Norr" not in str(listed(children))
    assert listed(form(crowded_round.survey, department=crowded_round.social.pk, unit_q="enhet")) == []


def test_the_chosen_unit_is_listed_and_selected_whatever_the_search(crowded_round):
    bound = form(crowded_round.survey, unit=crowded_round.norr.pk, unit_q="Enhet 0")
    assert bound.is_valid() and bound.filters().unit == crowded_round.norr.pk
    groups = bound.unit_picker.groups
    assert groups[0][0] == "Socialförvaltningen"  # first, as the script lists it
    assert [(option.label, option.selected) for option in groups[0][1]] == [("Hemtjänst Norr", True)]
    assert [option.label for option in groups[1][1]] == [f"Enhet {n:02d}" for n in range(1, 10)]
    # Found by the search too, it is listed once.
    again = form(crowded_round.survey, unit=crowded_round.norr.pk, unit_q="norr")
    assert listed(again) == [("Socialförvaltningen", ["Hemtjänst Norr"])]


@pytest.mark.parametrize("crowded", [False, True], ids=["few-units", "many-units"])
def test_unknown_and_mismatched_choices_are_refused(request, crowded):
    round_ = request.getfixturevalue("crowded_round" if crowded else "small_round")
    survey = round_.survey
    stranger = Department.objects.create(
        municipality=Municipality.objects.create(name="Grannkommun"), name="Grannförvaltningen"
    )
    foreign_unit = Unit.objects.create(department=stranger, name="Grannenheten")
    idle_unit = Unit.objects.create(department=round_.children, name="Förskolan Tallen")  # nobody in the round
    with translation.override("en"):  # the messages are read in English below
        for data in (
            {"unit": 999_999},
            {"unit": "x"},
            {"unit": " 1"},
            {"unit": 10**30},
            {"unit": foreign_unit.pk},
            {"unit": idle_unit.pk},
            {"department": stranger.pk},
            {"department": "-1"},
        ):
            bound = form(survey, **data)
            assert not bound.is_valid(), data
            [field] = bound.errors
            assert "is not one of the available choices" in bound.errors[field][0], data
            assert "Grannenheten" not in str(listed(bound))
            assert "Grannförvaltningen" not in str(bound.department_options)
        mismatch = form(survey, department=round_.social.pk, unit=round_.solrosen.pk)
        assert mismatch.errors == {"unit": ["The unit is not part of the chosen department."]}
        assert form(survey, department=round_.children.pk, unit=round_.solrosen.pk).is_valid()
        assert form(survey, weekday=4).errors == {"weekday": ["No diary days fall on Thursday in this round."]}


def test_validation_looks_up_only_the_ids_asked_for(crowded_round, django_assert_num_queries):
    survey = crowded_round.survey
    FilterForm({}, survey=survey).is_valid()  # the weekdays, cached for the round
    enhet_01 = Unit.objects.get(name="Enhet 01")
    # The round's first units (Enhet 01 … 51); beyond them, the unit asked for, and a department
    # that is neither theirs nor the unit's.
    with django_assert_num_queries(1):
        assert FilterForm({"unit": str(enhet_01.pk)}, survey=survey).is_valid()
    with django_assert_num_queries(2):
        assert FilterForm({"unit": str(crowded_round.solrosen.pk)}, survey=survey).is_valid()
    with django_assert_num_queries(2):
        bound = FilterForm(
            {"unit": str(crowded_round.norr.pk), "department": str(crowded_round.children.pk)}, survey=survey
        )
        assert not bound.is_valid()
    with django_assert_num_queries(3):
        bound = FilterForm(
            {"unit": str(crowded_round.solrosen.pk), "department": str(crowded_round.social.pk)}, survey=survey
        )
        with translation.override("en"):
            assert bound.errors == {"unit": ["The unit is not part of the chosen department."]}


def test_search_units_answers_at_most_the_list_and_the_total(crowded_round, django_assert_num_queries):
    with django_assert_num_queries(2):  # the list and, as it is full, the count
        search = search_units(survey=crowded_round.survey, query="ENHET")
    assert len(search.units) == UNIT_CHOICES and search.total == EXTRA and search.truncated
    with django_assert_num_queries(1):
        search = search_units(survey=crowded_round.survey, query="hem")
    assert [(unit.name, unit.department) for unit in search.units] == [("Hemtjänst Norr", "Socialförvaltningen")]
    assert search.total == 1 and not search.truncated


# --- The JSON endpoint ----------------------------------------------------------------------------


def unit_search(client, query: dict[str, object] | None = None, slug: str = ROUND):
    return client.get(reverse("analysis:unit_search", args=[slug]), query or {})


def test_the_endpoint_answers_the_search_of_the_page(analyst, crowded_round):
    data = unit_search(analyst, {"q": "enhet 1"}).json()
    assert data["query"] == "enhet 1" and data["total"] == 10
    assert [unit["name"] for unit in data["units"]] == [f"Enhet {n}" for n in range(10, 20)]
    assert data["units"][0] == {
        "id": Unit.objects.get(name="Enhet 10").pk,
        "name": "Enhet 10",
        "department_id": crowded_round.children.pk,
        "department": "Barn- och utbildningsförvaltningen",
    }
    assert data["note"] == "10 units match “enhet 1”."
    everything = unit_search(analyst).json()
    assert len(everything["units"]) == UNIT_CHOICES and everything["total"] == EXTRA + 3
    assert everything["note"] == f"Type part of the unit's name to find it among {EXTRA + 3} units."
    social = unit_search(analyst, {"q": "", "department": crowded_round.social.pk}).json()
    assert [unit["name"] for unit in social["units"]] == ["Hemtjänst Norr"] and social["note"] == ""
    assert unit_search(analyst, {"department": "x", "q": "norr"}).json()["total"] == 1  # no department
    assert unit_search(analyst, {"q": "x" * 500}).json()["query"] == "x" * 100


def test_the_endpoint_is_the_dashboard_s_users_only(
    client, crowded_round, project_member, manager, other_administrator, administrator
):
    assert unit_search(client).status_code == 302  # to the login
    client.force_login(manager)
    assert unit_search(client).status_code == 403
    client.force_login(other_administrator)
    assert unit_search(client).status_code == 404
    assert client.get(reverse("analysis:dashboard", args=[ROUND])).status_code == 404
    for analyst in (project_member, administrator):
        client.force_login(analyst)
        assert unit_search(client, {"q": "norr"}).json()["total"] == 1
    assert unit_search(client, slug="no-such-round").status_code == 404


# --- The page without a script --------------------------------------------------------------------


def page_html(client, query: dict[str, object] | None = None, slug: str = ROUND) -> str:
    response = client.get(reverse("analysis:dashboard", args=[slug]), query or {})
    assert response.status_code == 200
    return response.content.decode()


def filter_form(html: str) -> str:
    return re.search(r"<form [^>]*data-filter-form.*?</form>", html, flags=re.DOTALL).group()


def unit_options(html: str) -> list[str]:
    select = re.search(r'<select name="unit".*?</select>', html, flags=re.DOTALL).group()
    return re.findall(r"<option [^>]*>([^<]*)</option>", select)


def key_figures(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-key="(\w+)">([^<]*)<', html))


def test_a_small_round_s_page_has_no_search_box(analyst, small_round):
    html = page_html(analyst)
    assert 'name="unit_q"' not in html and "unit_search.js" not in html
    assert unit_options(html) == ["All units", "Förskolan Ekorren", "Förskolan Solrosen", "Hemtjänst Norr"]
    assert html.count("<optgroup") == 2


def test_searching_without_a_script_fills_the_list_and_keeps_the_figures(analyst, crowded_round):
    whole = page_html(analyst)
    assert 'type="search" name="unit_q"' in whole and "unit_search.js" in whole
    assert '<label class="form-label small mb-1" for="id_unit_q">Search unit</label>' in whole
    assert len(unit_options(whole)) == 1 + UNIT_CHOICES
    assert "Type part of the unit&#x27;s name to find it among 63 units." in whole
    html = page_html(analyst, {"unit_q": "förskolan", "unit": "", "department": "", "weekday": ""})
    assert unit_options(html) == ["All units", "Förskolan Ekorren", "Förskolan Solrosen"]
    assert 'value="förskolan"' in html and "2 units match “förskolan”." in html
    # The search is no filter: the figures are the round's, and the downloads carry no unit_q.
    assert key_figures(html) == key_figures(whole) and key_figures(html)["managers"] == "4"
    assert "unit_q" not in "".join(re.findall(r'href="[^"]*\.(?:csv|xlsx|json)[^"]*"', html))
    # The unit chosen among the matches is the selection; the search keeps listing it.
    solrosen = crowded_round.solrosen.pk
    chosen = page_html(analyst, {"unit_q": "förskolan", "unit": solrosen})
    assert f'<option value="{solrosen}" data-department="{crowded_round.children.pk}" selected>' in chosen
    assert "fewer than 3 managers" in chosen  # Solrosen's two managers: withheld, as before
    assert f'<option value="{solrosen}"' in page_html(analyst, {"unit_q": "hemtjänst", "unit": solrosen})


def test_an_invalid_unit_says_so_on_the_page(analyst, crowded_round):
    html = page_html(analyst, {"unit": 999_999, "unit_q": "norr"})
    assert "data-invalid-selection" in html and "is not one of the available choices" in html
    assert unit_options(html) == ["All units", "Hemtjänst Norr"]


# --- Bytes and queries whatever the number of units -----------------------------------------------


def sized_round(municipality: Municipality, units: int) -> Survey:
    """A round of `units` units named "Enhet 0001" … over three departments, one participant each:
    from 150 units up, the first 50 are of the first department."""
    survey = survey_create(
        slug=f"units-{units}",
        name=f"{units} enheter",
        municipality=municipality,
        start_date=dt.date(2025, 3, 3),
        end_date=dt.date(2025, 3, 7),
    )
    departments = [
        Department.objects.get_or_create(municipality=municipality, name=f"Avdelning {n}")[0] for n in (1, 2, 3)
    ]
    for index, department in enumerate(departments):
        names = [f"Enhet {n:04d} ({units})" for n in range(index + 1, units + 1, 3)]
        add_units(survey, department, names, first_number=1 + index * units)
    return survey


def measure(client, url: str) -> tuple[int, str]:
    client.get(url)  # warm: the figures, the weekdays
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return len(queries), response.content.decode()


def test_the_page_charts_and_downloads_cost_the_same_whatever_the_number_of_units(analyst, survey, project_member):
    municipality = survey.municipality
    rounds = {count: sized_round(municipality, count) for count in (30, 150, 1500)}
    costs: dict[int, dict[str, int]] = {}
    forms: dict[int, str] = {}
    for count, sized in rounds.items():
        first = Unit.objects.filter(participants__survey=sized).order_by("pk").first()
        costs[count] = {}
        for name, url, query in [
            ("page", reverse("analysis:dashboard", args=[sized.slug]), ""),
            ("page-unit", reverse("analysis:dashboard", args=[sized.slug]), f"?unit={first.pk}"),
            ("page-search", reverse("analysis:dashboard", args=[sized.slug]), "?unit_q=enhet"),
            ("chart", reverse("analysis:dashboard_chart", args=[sized.slug, "categories"]), f"?unit={first.pk}"),
            ("download", reverse("analysis:export", args=[sized.slug, "ranking", "csv"]), f"?unit={first.pk}"),
        ]:
            costs[count][name], content = measure(analyst, url + query)
            if name == "page":
                forms[count] = filter_form(content)
    assert costs[150] == costs[1500]
    assert all(costs[30][name] <= costs[1500][name] for name in costs[30])
    # The same form, but for the ids and the counts of units.
    digitless = {count: re.sub(r"\d+(?:[,\u00a0]\d{3})*", "0", html) for count, html in forms.items()}
    assert digitless[150] == digitless[1500]
    assert len(forms[30]) < len(forms[1500]) < 6000
    # "All departments" and three, "All units" and the units, "All weekdays" (no diaries: no weekday).
    assert forms[30].count("<option") == 1 + 3 + 1 + 30 + 1
    assert forms[1500].count("<option") == forms[150].count("<option") == 1 + 3 + 1 + UNIT_CHOICES + 1


# --- In a browser ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_typing_in_the_search_finds_a_unit_to_choose(page: Page, live_server, log_in):
    survey = Survey.objects.get(slug=ROUND_SLUG)
    department = Department.objects.create(municipality=survey.municipality, name="Ö-förvaltningen")
    add_units(survey, department, [f"Enhet {n:02d}" for n in range(1, EXTRA + 1)], first_number=1001)
    log_in("projekt")
    page.goto(live_server.url + reverse("analysis:dashboard", args=[ROUND_SLUG]))
    options = page.locator("#id_unit option")
    expect(options).to_have_count(1 + UNIT_CHOICES)
    page.fill("#id_unit_q", "enhet 4")
    expect(options).to_have_count(1 + 10)  # Enhet 40 … 49
    expect(page.locator("[data-unit-note]")).not_to_be_empty()
    page.select_option("#id_unit", label="Enhet 42")
    # A new search keeps the chosen unit.
    page.fill("#id_unit_q", "enhet 5")
    expect(options).to_have_count(1 + 1 + 10)
    expect(page.locator("#id_unit")).to_have_value(str(Unit.objects.get(name="Enhet 42").pk))
    page.locator("[data-filter-form] .btn-primary").click()
    page.wait_for_url(f"**unit={Unit.objects.get(name='Enhet 42').pk}**")
    expect(page.locator("#id_unit option:checked")).to_have_text("Enhet 42")
