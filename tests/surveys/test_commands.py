"""create_survey: a round with the default template, and refusals for what the round cannot be."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from surveys.defaults import DEFAULT_TEMPLATE
from surveys.models import Municipality, Survey

pytestmark = pytest.mark.django_db

TEMPLATE_CODES = [task.code for category in DEFAULT_TEMPLATE for task in category.tasks]


def create(*args: str) -> str:
    out = io.StringIO()
    if "--municipality" not in args and not Municipality.objects.exists():
        args = (*args, "--municipality", "Mjölby kommun")
    call_command("create_survey", *args, stdout=out)
    return out.getvalue()


def test_it_creates_the_round_with_the_16_default_tasks_in_order(db):
    out = create("hosten-2025", "--name", "Nollmätning hösten 2025", "--start", "2025-09-01", "--end", "2025-09-12")

    survey = Survey.objects.get(slug="hosten-2025")
    assert (survey.name, survey.start_date, survey.end_date) == (
        "Nollmätning hösten 2025",
        dt.date(2025, 9, 1),
        dt.date(2025, 9, 12),
    )
    assert (survey.hours_per_day, survey.status) == (8, Survey.Status.DRAFT)
    assert survey.municipality.name == "Mjölby kommun"
    tasks = list(survey.tasks.order_by("order"))
    assert len(tasks) == 16
    assert [task.code for task in tasks] == TEMPLATE_CODES
    assert [task.order for task in tasks] == list(range(1, 17))
    assert [task.code for task in survey.tasks.all()] == TEMPLATE_CODES
    assert [c.name for c in survey.categories.all()] == [c.name for c in DEFAULT_TEMPLATE]
    assert [task.code for task in survey.tasks.filter(asks_to_specify=True)] == [
        "direct-other",
        "indirect-other",
        "information",
        "other",
    ]
    assert "Created survey round hosten-2025" in out
    assert "16 tasks, status draft" in out


def test_each_task_belongs_to_its_template_category(db):
    create("r", "--name", "R", "--start", "2025-09-01", "--end", "2025-09-05")

    survey = Survey.objects.get(slug="r")
    for category in DEFAULT_TEMPLATE:
        stored = survey.categories.get(name=category.name)
        assert stored.name_en == category.name_en
        assert [(t.code, t.label, t.label_en, t.area) for t in stored.tasks.order_by("order")] == [
            (t.code, t.label, t.label_en, t.area) for t in category.tasks
        ]


def test_it_may_open_the_round_with_other_hours_and_municipality(municipality):
    create(
        "r",
        "--name",
        "R",
        "--start",
        "2025-09-01",
        "--end",
        "2025-09-05",
        "--hours",
        "10",
        "--municipality",
        municipality.name,
        "--open",
    )

    survey = Survey.objects.get(slug="r")
    assert (survey.hours_per_day, survey.status, survey.municipality) == (10, Survey.Status.OPEN, municipality)
    assert Municipality.objects.count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--start", "2025-09-05", "--end", "2025-09-01"], "The last day must not be before the first day."),
        (["--start", "2025-09-01", "--end", "2025-09-05", "--hours", "13"], "Hours per day must be from 1 to 12."),
        (["--start", "2025-09-01", "--end", "2025-09-05", "--hours", "0"], "Hours per day must be from 1 to 12."),
        (
            ["--start", "1/9 2025", "--end", "2025-09-05"],
            "argument --start: “1/9 2025” is not a date written YYYY-MM-DD$",
        ),
    ],
)
def test_it_refuses_a_round_that_cannot_be(db, args, message):
    with pytest.raises(CommandError, match=message):
        create("r", "--name", "R", *args)

    assert not Survey.objects.exists()


def test_it_refuses_a_short_name_in_use(survey):
    with pytest.raises(CommandError, match="already exists"):
        create(
            survey.slug,
            "--name",
            "Again",
            "--start",
            "2025-09-01",
            "--end",
            "2025-09-05",
            "--municipality",
            survey.municipality.name,
        )

    assert Survey.objects.count() == 1
    assert survey.tasks.count() == 16


def test_it_takes_the_installation_s_only_municipality_when_none_is_named(municipality):
    out = io.StringIO()
    call_command("create_survey", "r", "--name", "R", "--start", "2025-09-01", "--end", "2025-09-05", stdout=out)

    assert Survey.objects.get(slug="r").municipality == municipality
    assert Municipality.objects.count() == 1


def test_it_refuses_a_municipality_that_is_not_there_instead_of_making_one(municipality):
    # A typo (or the old default, "Mjölby kommun") in an installation that has municipalities made a new,
    # empty one: the round was then in nobody's municipality and hidden from its administrators.
    with pytest.raises(CommandError, match=r"No municipality “Testkommunen”; the installation has “Testkommun”\."):
        create("r", "--name", "R", "--start", "2025-09-01", "--end", "2025-09-05", "--municipality", "Testkommunen")

    assert not Survey.objects.exists()
    assert list(Municipality.objects.values_list("name", flat=True)) == ["Testkommun"]


def test_it_asks_which_municipality_when_there_are_several_or_none(db):
    arguments = ("r", "--name", "R", "--start", "2025-09-01", "--end", "2025-09-05")
    with pytest.raises(CommandError, match="has none yet"):
        call_command("create_survey", *arguments, stdout=io.StringIO())
    Municipality.objects.create(name="Mjölby kommun")
    Municipality.objects.create(name="Motala kommun")
    with pytest.raises(CommandError, match=r"one of “Mjölby kommun”, “Motala kommun”\."):
        call_command("create_survey", *arguments, stdout=io.StringIO())

    assert not Survey.objects.exists()


def test_tasks_from_an_earlier_round_gives_the_new_round_those_tasks_as_edited(db):
    from analysis.paired import check_comparable

    create("nollmatning", "--name", "Nollmätning", "--start", "2025-09-01", "--end", "2025-09-12")
    baseline = Survey.objects.get(slug="nollmatning")
    category = baseline.categories.order_by("order").first()
    baseline.tasks.create(category=category, code="proceedo", label="Proceedo", area="finance", order=17)
    baseline.tasks.filter(code="budget").update(label="Budget och prognos")

    out = create(
        "uppfoljning",
        "--name",
        "Uppföljning",
        "--start",
        "2026-09-07",
        "--end",
        "2026-09-18",
        "--tasks-from",
        "nollmatning",
    )

    followup = Survey.objects.get(slug="uppfoljning")
    fields = ("category__name", "code", "label", "label_en", "area", "asks_to_specify", "order")
    assert list(followup.tasks.order_by("order").values_list(*fields)) == list(
        baseline.tasks.order_by("order").values_list(*fields)
    )
    assert followup.tasks.get(code="proceedo").category.survey == followup
    assert "17 tasks from nollmatning, status draft" in out
    check_comparable(baseline=baseline, followup=followup)


def test_tasks_from_a_round_that_does_not_exist_is_refused_and_nothing_is_made(db):
    with pytest.raises(CommandError, match="^No survey round “nope” to take the tasks from$"):
        create("r", "--name", "R", "--start", "2025-09-01", "--end", "2025-09-05", "--tasks-from", "nope")

    assert not Survey.objects.exists()
