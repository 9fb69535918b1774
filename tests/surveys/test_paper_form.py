"""The blank paper form of a round: who may print it, and that it carries the round's rows, hours and scales."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils.html import escape

from surveys import roles
from surveys.defaults import DEFAULT_TEMPLATE
from surveys.forms import FUNCTION_SCALE, VALUE_SCALE
from surveys.models import Municipality, Survey
from surveys.services import survey_create

pytestmark = pytest.mark.django_db


def paper_url(survey: Survey) -> str:
    return reverse("surveys:paper_form", args=[survey.slug])


def body(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


# --- Who may print it ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["administrator", "project_member"])
def test_the_round_s_followers_get_the_form(english_client, survey, who, request):
    english_client.force_login(request.getfixturevalue(who))

    response = english_client.get(paper_url(survey))

    assert response.status_code == 200
    assert response.templates[0].name == "surveys/paper_form.html"


def test_the_round_page_links_to_the_form(english_client, survey, project_member):
    english_client.force_login(project_member)

    assert paper_url(survey) in body(english_client.get(reverse("surveys:round", args=[survey.slug])))


def test_a_manager_gets_403(english_client, survey, manager):
    english_client.force_login(manager)

    assert english_client.get(paper_url(survey)).status_code == 403


def test_another_municipality_s_administrator_gets_404(english_client, survey, make_user):
    elsewhere = Municipality.objects.create(name="Grannkommun")
    english_client.force_login(make_user("erik", roles.ADMINISTRATORS, municipality=elsewhere))

    assert english_client.get(paper_url(survey)).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(client, survey):
    response = client.get(paper_url(survey))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- What is on it ---------------------------------------------------------------------------------


def test_it_has_every_task_under_its_heading_in_english(english_client, survey, administrator):
    english_client.force_login(administrator)

    html = body(english_client.get(paper_url(survey)))

    position = 0
    for category in DEFAULT_TEMPLATE:
        # Each heading comes before its own rows, and the rows in the template's order.
        position = html.index(escape(category.name_en), position)
        for task in category.tasks:
            position = html.index(escape(task.label_en), position)
    assert html.count('scope="row"') == sum(len(category.tasks) for category in DEFAULT_TEMPLATE)
    assert html.count('class="paper-specify"') == sum(
        task.asks_to_specify for category in DEFAULT_TEMPLATE for task in category.tasks
    )


def test_it_is_in_swedish_by_default(client, survey, administrator):
    client.force_login(administrator)

    html = body(client.get(paper_url(survey)))

    for category in DEFAULT_TEMPLATE:
        assert escape(category.name) in html
        for task in category.tasks:
            assert escape(task.label) in html


def test_it_heads_the_round_s_hours_with_clock_times(english_client, survey, administrator):
    english_client.force_login(administrator)

    html = body(english_client.get(paper_url(survey)))

    for start in range(8, 16):
        assert f"{start:02d}–{start + 1:02d}" in html
    assert "07–08" not in html and "16–17" not in html
    assert "Total" in html


def test_a_round_from_seven_for_ten_hours_has_ten_hour_columns(english_client, municipality, administrator):
    long_day = survey_create(
        slug="long-day",
        name="Long days",
        municipality=municipality,
        start_date=dt.date(2025, 3, 3),
        end_date=dt.date(2025, 3, 7),
        hours_per_day=10,
        first_hour=7,
    )
    english_client.force_login(administrator)

    html = body(english_client.get(paper_url(long_day)))

    expected = [f"{start:02d}–{start + 1:02d}" for start in range(7, 17)]
    assert expected[0] == "07–08" and expected[-1] == "16–17"
    positions = [html.index(label) for label in expected]
    assert positions == sorted(positions)
    assert "17–18" not in html and "06–07" not in html
    assert html.count('class="paper-hour"') == 10


def test_it_shows_the_title_round_fields_and_scales(english_client, survey, administrator):
    english_client.force_login(administrator)

    html = body(english_client.get(paper_url(survey)))

    for text in ("Time-use diary", survey.name, survey.municipality.name, "Participant no.", "Date", "Weekday"):
        assert escape(text) in html
    assert "Value for the operation I am responsible for" in html
    assert "How well the task worked (e.g. speed, simplicity)" in html
    for value, meaning in [*VALUE_SCALE, *FUNCTION_SCALE]:
        assert f"{value} = {meaning}" in html
    assert "at most 60 minutes" in html
    assert "css/paper.css" in html
