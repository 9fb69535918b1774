"""Compare rounds ("Jämför mätomgångar") withholds what each round's dashboard withholds, on the page,
in its chart and in every download. The expected figures are worked out here by hand from the
definitions (analysis/friction.py) and the disclosure rule (analysis/README.md, "Disclosure control").

Baseline: `tripled_round` (conftest.py), 12 managers and 15 manager-days, withholding nothing:
  invoices     540 minutes, 18 each of (60 f1 v3, 30 f3 v3, 60 f2 v1, 30 f2 v2) × 3
  it-services  270 minutes, of which 180 rated f1 v1 and 90 unrated
  purchasing   nobody: a true 0
Follow-up `thin_followup`: managers 1, 2 and 3, one day each (Monday 1 September 2025):
  1, 2  invoices 60 (v3 f3), it-services 30 (v2 f1), purchasing 10 (v3 f2)
  3     invoices 60 (v3 f3), purchasing 10 (v3 f2)
In the follow-up only 2 managers did it-services: the cell rule withholds it. The three tasks are all
"Other tasks"; its total (shown on the dashboard) minus invoices would be it-services alone, so the
next smallest task of the category with minutes, purchasing (30 minutes against invoices' 180), is
withheld too (secondary suppression).
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from analysis import disclosure, reports
from analysis.dashboard import dashboard_figures
from analysis.rounds import same_managers
from surveys.models import Participant, Survey
from surveys.services import survey_create

from .conftest import save_day
from .test_chart_images import fetched_svg, images
from .test_downloads import by_code, table
from .test_views import cells, signed_in

pytestmark = pytest.mark.django_db

BASELINE = "test-round"
FOLLOWUP = "thin-follow-up"
BASELINE_DAYS = 15
FOLLOWUP_DAYS = 3
QUERY = f"?baseline={BASELINE}&followup={FOLLOWUP}"
FIGURES = ["minutes_per_manager_day", "function_mean", "value_mean", "friction_minutes_per_manager_day"]


@pytest.fixture
def thin_followup(tripled_round) -> Survey:
    followup = survey_create(
        slug=FOLLOWUP,
        name="Uppföljning 2025",
        municipality=tripled_round.survey.municipality,
        start_date=dt.date(2025, 9, 1),
        end_date=dt.date(2025, 9, 5),
        status=Survey.Status.OPEN,
    )
    for number in (1, 2, 3):
        participant = Participant.objects.create(survey=followup, number=number)
        lines = {"invoices": ({1: 60}, 3, 3), "purchasing": ({3: 10}, 3, 2)}
        if number != 3:
            lines["it-services"] = ({2: 30}, 2, 1)
        save_day(participant, dt.date(2025, 9, 1), lines)
    followup.refresh_from_db()
    return followup


def comparison(tripled_round, thin_followup) -> dict[str, dict]:
    report = reports.rounds_comparison(baseline=tripled_round.survey, followup=thin_followup)
    return {task["task"]: task for task in report["tasks"]}


def friction(minutes_by_function: dict[int, int], days: int) -> float:
    """Σ minutes × (4 − function) / 3 / manager-days (friction.py)."""
    return sum(minutes * (4 - function) / 3 for function, minutes in minutes_by_function.items()) / days


def test_a_task_two_managers_did_is_withheld_in_that_round_and_so_is_its_change(tripled_round, thin_followup):
    it = comparison(tripled_round, thin_followup)["it-services"]
    assert (it["withheld_followup"], it["withheld_reason_followup"]) == (True, disclosure.TOO_FEW)
    assert all(it[f"{name}_followup"] is None and it[f"{name}_change"] is None for name in FIGURES)
    # The baseline's row rests on 6 managers (1 and 3 and their clones) and is shown, as on its dashboard.
    assert (it["withheld_baseline"], it["withheld_reason_baseline"]) == (False, None)
    assert it["minutes_per_manager_day_baseline"] == pytest.approx(270 / BASELINE_DAYS)
    assert it["function_mean_baseline"] == pytest.approx(1.0)
    assert it["friction_minutes_per_manager_day_baseline"] == pytest.approx(friction({1: 180}, BASELINE_DAYS))


def test_the_category_s_next_smallest_task_is_withheld_to_protect_it(tripled_round, thin_followup):
    tasks = comparison(tripled_round, thin_followup)
    purchasing = tasks["purchasing"]
    assert (purchasing["withheld_followup"], purchasing["withheld_reason_followup"]) == (True, disclosure.SECONDARY)
    assert all(purchasing[f"{name}_followup"] is None and purchasing[f"{name}_change"] is None for name in FIGURES)
    # Nobody did purchasing in the baseline: a true zero, shown.
    assert purchasing["minutes_per_manager_day_baseline"] == 0 and purchasing["function_mean_baseline"] is None
    # Invoices, done by all three, is shown in both rounds with its change.
    invoices = tasks["invoices"]
    assert not invoices["withheld_baseline"] and not invoices["withheld_followup"]
    assert invoices["minutes_per_manager_day_followup"] == pytest.approx(180 / FOLLOWUP_DAYS)
    assert invoices["friction_minutes_per_manager_day_followup"] == pytest.approx(friction({3: 180}, FOLLOWUP_DAYS))
    baseline_friction = friction({1: 3 * 60, 3: 3 * 30, 2: 3 * 90}, BASELINE_DAYS)
    assert baseline_friction == pytest.approx(26.0)
    assert invoices["friction_minutes_per_manager_day_change"] == pytest.approx(20.0 - baseline_friction)
    assert invoices["minutes_per_manager_day_change"] == pytest.approx(60.0 - 540 / BASELINE_DAYS)
    # No other row is withheld: nobody did any other task in either round.
    withheld = {code for code, task in tasks.items() if task["withheld_baseline"] or task["withheld_followup"]}
    assert withheld == {"it-services", "purchasing"}


def test_each_side_is_its_round_s_dashboard_row(tripled_round, thin_followup):
    """The comparison shows no figure that its rounds' dashboards withhold, and the same figures
    where they show them: together with the dashboards it tells nothing more."""
    tasks = comparison(tripled_round, thin_followup)
    for part, survey in (("baseline", tripled_round.survey), ("followup", thin_followup)):
        figures = dashboard_figures(survey=survey, parts=("core",))
        assert {code for code, task in tasks.items() if task[f"withheld_{part}"]} == set(figures["withheld"])
        for row in figures["report"]["tasks"]:
            task = tasks[row["task"]]
            assert task[f"withheld_reason_{part}"] == row["withheld_reason"]
            for name in FIGURES:
                assert task[f"{name}_{part}"] == (None if row[name] is None else pytest.approx(row[name]))


def test_no_category_total_minus_its_shown_rows_is_one_withheld_row(tripled_round, thin_followup):
    tasks = comparison(tripled_round, thin_followup)
    figures = dashboard_figures(survey=thin_followup, parts=("core",))
    # The follow-up's dashboard keeps its category total true: "Other tasks" is (180 + 60 + 30) / 3
    # = 90 minutes per manager-day. Minus the comparison's shown row (invoices, 60) it is 30: it-services'
    # 20 and purchasing's 10 together, never it-services' 20 alone.
    other = next(row for row in figures["categories"] if row["category"] == "Övriga arbetsuppgifter")
    assert other["minutes_per_manager_day"] == pytest.approx((180 + 60 + 30) / FOLLOWUP_DAYS)
    shown = sum(
        task["minutes_per_manager_day_followup"]
        for task in tasks.values()
        if task["category"] == "Övriga arbetsuppgifter" and not task["withheld_followup"]
    )
    assert other["minutes_per_manager_day"] - shown == pytest.approx((60 + 30) / FOLLOWUP_DAYS)
    # Every withheld row has minutes (1 or 2 managers did it, or it was chosen among rows with
    # minutes): per category, the withheld rows are none or at least two.
    by_category: dict[str, list[str]] = {}
    for code, task in tasks.items():
        if task["withheld_followup"]:
            by_category.setdefault(task["category"], []).append(code)
    assert by_category == {"Övriga arbetsuppgifter": ["purchasing", "it-services"]}  # the round's order


def test_the_page_shows_a_dash_and_the_dashboard_s_reason(client, tripled_round, thin_followup, project_member):
    html = signed_in(client, project_member).get(reverse("analysis:rounds") + QUERY).content.decode()
    table = cells(html, "rounds")
    it, purchasing, invoices = table["it-services"], table["purchasing"], table["invoices"]
    for part in ("followup", "change"):
        for name in FIGURES:
            assert it[f"{name}_{part}"] == ["–"] and purchasing[f"{name}_{part}"] == ["–"]
    assert it["minutes_per_manager_day_baseline"] == ["18.0"]
    assert invoices["friction_minutes_per_manager_day_change"] == ["\u22126.0"]  # 20 − 26
    assert 'data-withheld-reason="too_few" data-round="followup"' in html
    assert "Withheld in Uppföljning 2025: fewer than 3 managers did this task in the selection" in html
    assert 'data-withheld-reason="secondary" data-round="followup"' in html
    assert "to protect another withheld task, which the totals would otherwise reveal" in html
    assert "data-withheld-rows" in html


def test_the_chart_leaves_out_tasks_withheld_in_either_round(client, tripled_round, thin_followup, project_member):
    html = signed_in(client, project_member).get(reverse("analysis:rounds") + QUERY).content.decode()
    (src, _alt) = next(image for image in images(html) if image[0].startswith(reverse("analysis:rounds_chart")))
    text = " ".join("".join(node.itertext()) for node in fetched_svg(client, src).iter())
    assert "Finance: invoice handling" in text
    assert "IT: orders" not in text and "Finance: purchasing" not in text


def test_every_download_withholds_as_the_page(client, tripled_round, thin_followup, project_member):
    signed_in(client, project_member)
    data = client.get(reverse("analysis:rounds_export", args=["json"]) + QUERY).json()
    assert data == reports.rounds_comparison(baseline=tripled_round.survey, followup=thin_followup)
    rows = by_code(table(client.get(reverse("analysis:rounds_export", args=["csv"]) + QUERY)))
    it = rows["it-services"]
    assert it["Friction minutes per manager-day, follow-up"] == ""
    assert it["Friction minutes per manager-day, change"] == ""
    assert it["Minutes per manager-day, baseline"] == "18"
    assert it["Withheld, follow-up"] == "fewer than 3 managers did this task in the selection"
    assert it["Withheld, baseline"] == ""
    assert rows["purchasing"]["Withheld, follow-up"].startswith("to protect another withheld task")
    sheet = load_workbook(
        io.BytesIO(client.get(reverse("analysis:rounds_export", args=["xlsx"]) + QUERY).content)
    ).active
    header = [cell.value for cell in next(sheet.iter_rows())]
    by_task = {row[0]: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert by_task["it-services"]["Friction minutes per manager-day, follow-up"] is None
    assert by_task["purchasing"]["Minutes per manager-day, follow-up"] is None
    assert by_task["invoices"]["Friction minutes per manager-day, follow-up"] == pytest.approx(20.0)


# --- Which managers are compared ----------------------------------------------------------------------


def test_the_report_counts_the_managers_in_both_rounds(tripled_round, thin_followup):
    report = reports.rounds_comparison(baseline=tripled_round.survey, followup=thin_followup)
    # Baseline managers 1 to 12, follow-up 1, 2 and 3 (matched by participant number).
    assert (report["baseline_managers"], report["followup_managers"], report["paired_managers"]) == (12, 3, 3)
    assert not same_managers(report)
    assert same_managers({"baseline_managers": 3, "followup_managers": 3, "paired_managers": 3})
    # A manager who withdrew every follow-up day is in the baseline only, though in both rounds' lists.
    assert not same_managers({"baseline_managers": 10, "followup_managers": 9, "paired_managers": 9})


def test_the_page_says_when_the_rounds_compare_different_managers(client, tripled_round, thin_followup, project_member):
    from actionplan.models import ActionPlan

    plan = ActionPlan.objects.create(municipality=thin_followup.municipality, name="Åtgärdsplan")
    html = signed_in(client, project_member).get(reverse("analysis:rounds") + QUERY).content.decode()
    assert "data-groups-differ" in html
    assert "The rounds do not have the same managers." in html
    assert "3 managers are in both rounds, of 12 in Nollmätning 2025 and 3 in Uppföljning 2025." in html
    assert f'href="{reverse("actionplan:effect", args=[plan.pk])}" data-effect-link>Did it help?</a>' in html


# --- An open round ------------------------------------------------------------------------------------


def test_the_page_warns_while_a_round_is_open_as_the_dashboard_does(
    client, tripled_round, thin_followup, project_member
):
    signed_in(client, project_member)
    note = "The round is still open: figures change as days are submitted."
    assert note in client.get(reverse("analysis:dashboard", args=[FOLLOWUP])).content.decode()
    html = client.get(reverse("analysis:rounds") + QUERY).content.decode()
    assert f'data-rounds-open="{FOLLOWUP}"' in html and f"<strong>Uppföljning 2025</strong>: {note}" in html
    # The baseline is open too in this fixture; closed rounds have no notice.
    Survey.objects.filter(pk__in=[tripled_round.survey.pk, thin_followup.pk]).update(status=Survey.Status.CLOSED)
    html = client.get(reverse("analysis:rounds") + QUERY).content.decode()
    assert "data-rounds-open" not in html and note not in html
