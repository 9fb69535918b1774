"""Hours as people read them: the small round of conftest.py, its working day starting at 07:00, shows
hour slot 1 as "07–08" in the hour-of-day heatmap, its table and the download's headings, while the
diary file keeps the column codes h1..h8.

Friction of invoices in hour 1, by hand: 60 min rated 1, 30 rated 3, 60 rated 2, weighed by
(4 − function) / 3 = 60 + 10 + 40 friction minutes over 5 manager-days = 22. The round here is
`tripled_round` (each diary written three times, so that nothing is withheld): 3 × 110 / 15 = 22.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from analysis.dashboard import dashboard_charts, dashboard_figures, dashboard_rows
from analysis.filters import NO_FILTERS

pytestmark = pytest.mark.django_db

ROUND = "test-round"
SEVEN_TO_THREE = ["07–08", "08–09", "09–10", "10–11", "11–12", "12–13", "13–14", "14–15"]


@pytest.fixture
def early_round(tripled_round):
    tripled_round.survey.first_hour = 7
    tripled_round.survey.save(update_fields=["first_hour"])
    return tripled_round


def test_the_hours_figures_carry_the_rounds_clock_times(early_round):
    figures = dashboard_figures(survey=early_round.survey)

    assert figures["hours"]["hours"] == list(range(1, 9))
    assert figures["hours"]["labels"] == SEVEN_TO_THREE
    assert dashboard_rows(figures, language="en")["hours"]["labels"] == SEVEN_TO_THREE


def test_the_heatmap_names_its_columns_by_clock_times(early_round):
    figures = dashboard_figures(survey=early_round.survey)

    svg = dashboard_charts(survey=early_round.survey, filters=NO_FILTERS, figures=figures, language="en", decimal=".")[
        "hours"
    ]

    assert ">07–08<" in svg and ">14–15<" in svg
    assert ">15–16<" not in svg  # an 8-hour day from 07:00 ends at 15


def test_the_dashboard_table_of_hours_is_headed_by_clock_times(analyst, early_round):
    html = analyst.get(reverse("analysis:dashboard", args=[ROUND])).content.decode()

    table = html.split('data-table="hours"', 1)[1].split("</thead>", 1)[0]
    assert all(f">{label}</th>" in table for label in SEVEN_TO_THREE)
    assert "Hour 1" not in table


def test_the_download_is_headed_by_clock_times(analyst, early_round):
    response = analyst.get(reverse("analysis:export", args=[ROUND, "hours", "csv"]))

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8").lstrip("\ufeff"))))
    assert rows[0][2:-1] == SEVEN_TO_THREE  # then why a row is withheld
    invoices = dict(zip(rows[0], next(row for row in rows if row[0] == "invoices"), strict=True))
    assert invoices["07–08"] == "22"  # 3 × (60 + 10 + 40) / (3 × 5)


def test_a_changed_first_hour_is_not_served_from_the_cache(analyst, small_round):
    analyst.get(reverse("analysis:dashboard", args=[ROUND]))  # caches the figures with 08–09

    small_round.survey.first_hour = 7
    small_round.survey.save(update_fields=["first_hour"])

    assert dashboard_figures(survey=small_round.survey)["hours"]["labels"][0] == "07–08"


def test_the_diary_file_keeps_the_hour_codes(early_round):
    out = io.StringIO()
    call_command("export_diaries", survey=ROUND, stdout=out)

    header = next(csv.reader(io.StringIO(out.getvalue().lstrip("\ufeff"))))
    assert header[3:11] == [f"h{number}" for number in range(1, 9)]
