"""The commands print the same data as the reports (and the web's JSON)."""

from __future__ import annotations

import csv
import io
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from analysis import reports
from analysis.benchmark import benchmark_slug
from surveys.models import Survey

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]  # messages asserted in English


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_friction_report_prints_the_report_as_json(small_round):
    printed = json.loads(run("friction_report", "--survey", "test-round", "--format", "json"))
    assert printed == reports.friction_report(survey=small_round.survey)
    assert list(printed) == ["survey", "managers", "manager_days", "tasks"]
    assert list(printed["tasks"][0]) == reports.TASK_FIELDS
    assert (printed["managers"], printed["manager_days"], printed["tasks"][0]["task"]) == (4, 5, "invoices")


def test_friction_report_prints_csv_and_a_table(small_round):
    rows = list(csv.reader(io.StringIO(run("friction_report", "--survey", "test-round", "--format", "csv"))))
    assert rows[0] == reports.TASK_FIELDS
    assert len(rows) == 1 + small_round.survey.tasks.count()
    assert rows[1][0] == "invoices" and float(rows[1][9]) == pytest.approx(26.0)
    table = run("friction_report", "--survey", "test-round", "--format", "table")
    assert table.startswith("test-round: 4 managers, 5 manager-days")
    assert "invoices" in table


def test_friction_report_with_a_baseline(small_round, followup_round):
    printed = json.loads(run("friction_report", "--survey", "follow-up", "--baseline", "test-round"))
    assert printed["baseline"] == reports.rounds_comparison(baseline=small_round.survey, followup=followup_round)


def test_compare_managers_prints_the_comparison_as_json(small_round):
    printed = json.loads(run("compare_managers", "--survey", "test-round", "2", "4"))
    assert printed == reports.compare_managers(survey=small_round.survey, numbers=[2, 4])
    assert list(printed) == ["survey", "managers", "withheld"]
    assert list(printed["managers"][0]) == ["number", "days", "minutes_per_day", "tasks", "categories"]


def test_compare_managers_refuses_unknown_numbers_and_small_rounds(small_round, survey):
    with pytest.raises(CommandError, match="No participant number 9"):
        run("compare_managers", "--survey", "test-round", "1", "9")
    small_round.participants[3].delete()
    small_round.participants[4].delete()
    with pytest.raises(CommandError, match="withheld below 3"):
        run("compare_managers", "--survey", "test-round", "1", "2")
    with pytest.raises(CommandError, match="withheld below 3"):
        run("friction_report", "--survey", "test-round")


# Not in a transaction: on PostgreSQL the benchmark vacuums after its bulk load. No serialized
# rollback: its flush at the end skips post_migrate, which would leave the tests that come after on
# this worker without the roles (the groups); a plain flush runs it and so puts them back.
@pytest.mark.django_db(transaction=True)
def test_benchmark_runs_on_a_small_round():
    printed = json.loads(run("benchmark_analysis", "--managers", "5", "--days", "2", "--repeat", "1", "--page"))
    assert printed["managers"] == 5 and printed["days_per_manager"] == 2
    assert printed["dashboard_warm_seconds"] >= 0
    assert not Survey.objects.filter(slug=benchmark_slug(5, 2)).exists()  # dropped without --keep
