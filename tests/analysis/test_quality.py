"""Data quality on the dashboard, worked out by hand from the definitions on `small_round`
(conftest.py): 4 participants, Monday–Friday (5 weekdays), 5 submitted days, and participant 2's
Tuesday a draft without minutes.

- completion: submitted days on the round's weekdays / (participants × weekdays);
- drafts: draft days with at least one minute (counted in no figure);
- unrated function / value: the minutes of submitted days' lines without that rating, as a share of
  all their minutes. Submitted minutes: 1 Mon 90, 1 Tue 60, 2 Mon 60, 3 Wed 120, 4 Mon 150 = 480;
  unrated (both ratings): 1 Tue it-services 30.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import translation

from analysis import filters, selectors
from analysis.dashboard import dashboard_figures
from analysis.filters import Filters
from analysis.forms import FilterForm
from surveys.models import Participant, Unit
from surveys.services import survey_close

from .conftest import TUE, WED, save_day

pytestmark = pytest.mark.django_db

ROUND = "test-round"
THU = dt.date(2025, 3, 6)
SUBMITTED_MINUTES = 90 + 60 + 60 + 120 + 150


def dashboard(client, query: str = "") -> str:
    return client.get(reverse("analysis:dashboard", args=[ROUND]) + query).content.decode()


def quality_shown(html: str) -> dict[str, str]:
    """The data-quality panel's figures as the page writes them, by name."""
    return dict(re.findall(r'data-quality="(\w+)"(?:(?!data-quality).)*?data-value>([^<]*)<', html, flags=re.DOTALL))


def percent(share: float, decimals: int = 1) -> str:
    """As English writes a percentage: no space before the sign (Swedish has one)."""
    with translation.override("en"):
        return f"{floatformat(share * 100, decimals)}%"


# --- The figures ----------------------------------------------------------------------------------


def test_the_whole_round_s_quality_follows_the_definitions(small_round):
    quality = dashboard_figures(survey=small_round.survey)["quality"]
    assert quality["participants"] == 4
    assert quality["expected"] == 4 * 5
    assert quality["submitted"] == 5  # 1 Mon, 1 Tue, 2 Mon, 3 Wed, 4 Mon; 2 Tue is a draft
    assert quality["completion"] == pytest.approx(5 / 20)
    assert quality["drafts"] == 0  # 2 Tue is a draft, but without minutes: an opened form
    assert quality["minutes"] == SUBMITTED_MINUTES
    assert quality["unrated_function"] == pytest.approx(30 / 480)
    assert quality["unrated_value"] == pytest.approx(30 / 480)


def test_a_selection_s_quality_counts_only_its_participants_and_days(tripled_round):
    # tripled_round: small_round's diaries each written by three managers, so that the department and
    # the weekday are shown (the round minus the department is 3 managers, not small_round's 1).
    children = dashboard_figures(survey=tripled_round.survey, filters=Filters(department=tripled_round.children.pk))
    quality = children["quality"]
    # Managers 1, 2 and 3 three times: 1 Mon, 1 Tue, 2 Mon, 3 Wed submitted; minutes 90 + 60 + 60 + 120.
    assert (quality["participants"], quality["submitted"], quality["expected"]) == (3 * 3, 3 * 4, 3 * 3 * 5)
    assert quality["completion"] == pytest.approx(4 / 15)
    assert quality["unrated_function"] == pytest.approx(3 * 30 / (3 * 330))

    monday = dashboard_figures(survey=tripled_round.survey, filters=Filters(weekday=1))["quality"]
    # Every participant could fill the round's one Monday; 1, 2 and 4 did (90 + 60 + 150 minutes, all rated).
    assert (monday["participants"], monday["submitted"], monday["expected"]) == (3 * 4, 3 * 3, 3 * 4)
    assert monday["completion"] == pytest.approx(3 / 4)
    assert monday["unrated_function"] == 0 and monday["unrated_value"] == 0


def test_the_two_ratings_are_counted_apart(small_round):
    # Manager 4's Tuesday: budget 40 minutes rated for how well it worked but not for value.
    save_day(small_round.participants[4], TUE, {"budget": ({1: 40}, None, 3)})
    quality = dashboard_figures(survey=small_round.survey)["quality"]
    minutes = SUBMITTED_MINUTES + 40
    assert quality["submitted"] == 6
    assert quality["unrated_function"] == pytest.approx(30 / minutes)
    assert quality["unrated_value"] == pytest.approx((30 + 40) / minutes)


def test_a_draft_with_minutes_is_shown_and_counted_in_no_figure(analyst, small_round):
    before = dashboard_figures(survey=small_round.survey)
    save_day(small_round.participants[3], TUE, {"invoices": ({1: 45}, 2, 1)}, submit=False)
    small_round.survey.refresh_from_db()
    after = dashboard_figures(survey=small_round.survey)
    assert after["quality"]["drafts"] == 1
    assert after["quality"]["submitted"] == 5 and after["quality"]["minutes"] == SUBMITTED_MINUTES
    assert after["key"] == before["key"]  # manager-days, minutes and friction per manager-day
    assert after["report"] == before["report"]

    html = dashboard(analyst)
    assert 'data-key="manager_days">5<' in html
    assert 'data-key="friction_minutes_per_manager_day">38<' in html  # as without the draft
    shown = quality_shown(html)
    assert shown["drafts"] == "1"
    assert "draft day with minutes, not counted in any figure" in html


def test_the_panel_shows_the_figures_in_the_reader_s_number_format(analyst, small_round, project_member):
    html = dashboard(analyst)
    assert 'data-testid="quality"' in html
    assert quality_shown(html) == {
        "completion": percent(5 / 20, 0),
        "drafts": "0",
        "unrated_function": percent(30 / 480),  # 6.25 % → "6.3 %"
        "unrated_value": percent(30 / 480),
    }
    assert "5 days submitted of 20 weekdays expected" in html
    # Swedish by default: a decimal comma, and a space before the sign.
    analyst.cookies["django_language"] = "sv"
    assert quality_shown(dashboard(analyst))["unrated_function"] == "6,3\u00a0%"


# --- The round is still open ----------------------------------------------------------------------


def test_the_open_round_note_is_there_while_the_round_is_open(analyst, small_round, administrator):
    note = "The round is still open: figures change as days are submitted."
    html = dashboard(analyst)
    assert 'data-quality="open"' in html and note in html
    survey_close(survey=small_round.survey, by=administrator)
    # The figures are cached (closing leaves the round's data version alone); the note is not.
    html = dashboard(analyst)
    assert 'data-testid="quality"' in html
    assert 'data-quality="open"' not in html and note not in html


def test_a_withheld_selection_shows_the_open_note_but_not_its_quality(analyst, small_round):
    # Förskolan Solrosen: managers 1 and 2. Their drafts and completion are their own behaviour.
    save_day(small_round.participants[2], WED, {"invoices": ({1: 45}, 2, 1)}, submit=False)
    html = dashboard(analyst, f"?unit={small_round.solrosen.pk}")
    assert "data-withheld" in html and "fewer than 3 managers" in html
    assert 'data-testid="quality"' not in html and "draft day" not in html
    assert 'data-quality="open"' in html


# --- The weekday filter ---------------------------------------------------------------------------


def test_the_weekday_filter_offers_only_weekdays_with_manager_days(analyst, small_round):
    # A draft with minutes on Thursday does not make Thursday a day with data.
    save_day(small_round.participants[4], THU, {"invoices": ({1: 45}, 2, 1)}, submit=False)
    small_round.survey.refresh_from_db()
    form = FilterForm(survey=small_round.survey)
    assert [value for value, _label in form.fields["weekday"].widget.choices] == ["", 1, 2, 3]
    assert filters.data_weekdays(survey=small_round.survey) == [1, 2, 3]
    html = dashboard(analyst)
    options = re.search(r'<select name="weekday".*?</select>', html, flags=re.DOTALL).group()
    assert re.findall(r'<option value="(\d*)"', options) == ["", "1", "2", "3"]
    assert ">Monday<" in options and ">Thursday<" not in options


@pytest.mark.parametrize(("weekday", "name"), [(4, "Thursday"), (6, "Saturday")])
def test_a_weekday_without_data_says_so(analyst, small_round, weekday, name):
    message = f"No diary days fall on {name} in this round."
    html = dashboard(analyst, f"?weekday={weekday}")
    assert "data-invalid-selection" in html and message in html
    assert "fewer than 3 managers" not in html and "<svg" not in html
    response = analyst.get(reverse("analysis:export", args=[ROUND, "ranking", "csv"]) + f"?weekday={weekday}")
    assert response.status_code == 400 and message in response.content.decode()


def test_the_weekdays_with_data_follow_new_diaries(small_round):
    assert filters.data_weekdays(survey=small_round.survey) == [1, 2, 3]
    save_day(small_round.participants[4], THU, {"invoices": ({1: 45}, 2, 1)})
    small_round.survey.refresh_from_db()
    assert filters.data_weekdays(survey=small_round.survey) == [1, 2, 3, 4]


# --- Empty selections -----------------------------------------------------------------------------


@pytest.fixture
def tallen(small_round) -> Unit:
    """A unit whose one participant has not written a diary."""
    unit = Unit.objects.create(department=small_round.children, name="Förskolan Tallen")
    Participant.objects.create(survey=small_round.survey, number=5, unit=unit)
    return unit


def test_a_selection_without_diary_days_says_so_and_not_anonymity(analyst, small_round, tallen):
    for query in (f"?unit={tallen.pk}", f"?department={small_round.social.pk}&weekday=3"):
        html = dashboard(analyst, query)
        assert "No diary days match this selection." in html, query
        assert "data-empty-selection" in html
        assert "fewer than 3 managers" not in html and "data-withheld" not in html
        assert 'data-testid="quality"' not in html and "<table" not in html and "<svg" not in html
        assert 'data-quality="open"' in html


def test_downloads_of_an_empty_selection_say_so(analyst, small_round, tallen):
    query = f"?unit={tallen.pk}"
    response = analyst.get(reverse("analysis:export", args=[ROUND, "ranking", "json"]) + query)
    assert response.status_code == 409
    assert response.json() == {"error": "No diary days match this selection."}
    response = analyst.get(reverse("analysis:export", args=[ROUND, "cost", "csv"]) + query)
    assert response.status_code == 409 and response.content.decode() == "No diary days match this selection."


def test_one_or_two_managers_are_still_withheld_for_anonymity(analyst, small_round, tallen):
    # Förskolan Ekorren: manager 3 alone; Förskolan Solrosen: managers 1 and 2.
    for unit in (small_round.ekorren, small_round.solrosen):
        html = dashboard(analyst, f"?unit={unit.pk}")
        assert "fewer than 3 managers" in html and "data-withheld" in html
        assert "No diary days match" not in html
        response = analyst.get(reverse("analysis:export", args=[ROUND, "ranking", "json"]) + f"?unit={unit.pk}")
        assert response.status_code == 409 and "fewer than 3 managers" in response.json()["error"]
    # The department is withheld too, but for another reason: the round minus it is manager 4 alone.
    html = dashboard(analyst, f"?department={small_round.children.pk}")
    assert "leaves fewer than 3 managers outside it" in html and 'data-table="ranking"' not in html
    # With two more managers in Hemtjänst Norr that complement is 3: the department is shown, its
    # managers 1, 2 and 3, as Tallen's participant without days is no manager of it.
    for number in (6, 7):
        participant = Participant.objects.create(survey=small_round.survey, number=number, unit=small_round.norr)
        save_day(participant, WED, {"invoices": ({1: 30}, 2, 2)})
    html = dashboard(analyst, f"?department={small_round.children.pk}")
    assert 'data-testid="quality"' in html and 'data-table="ranking"' in html
    assert "leaves fewer than 3 managers outside it" not in html
    assert 'data-key="managers">3<' in html


def test_the_quality_counts_come_in_one_query(small_round, django_assert_num_queries):
    with django_assert_num_queries(1):
        counts = selectors.day_quality_counts(survey=small_round.survey, filters=Filters(weekday=2))
    # Tuesday: 1 Tue submitted; 2 Tue a draft without minutes.
    assert counts == {"participants": 4, "submitted": 1, "drafts": 0}


def test_a_saturday_is_no_expected_weekday_so_completion_leaves_it_out(small_round):
    survey = small_round.survey
    survey.end_date = dt.date(2025, 3, 8)  # the round now ends on a Saturday
    survey.save()
    save_day(small_round.participants[1], survey.end_date, {"invoices": ({1: 30}, 3, 3)})
    survey.refresh_from_db()
    figures = dashboard_figures(survey=survey)
    assert figures["key"]["manager_days"] == 6  # a manager-day like any other
    assert (figures["quality"]["submitted"], figures["quality"]["expected"]) == (5, 4 * 5)
