"""seed_demo: a plausible, repeatable demo round with a user for every role."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, ManagementUtility, call_command
from django.db.models import Avg, Sum

from surveys import demo, roles
from surveys.models import DiaryDay, DiaryLine, Participant, Survey

from .helpers import export_csv

pytestmark = pytest.mark.django_db

ADMIN_TASKS = ["invoices", "it-services", "payroll-hr"]


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", "--force", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    """Everything in the database that the demo makes, in every round (other apps may add rounds)."""
    return {
        "users": get_user_model().objects.count(),
        "surveys": Survey.objects.count(),
        "participants": Participant.objects.count(),
        "days": DiaryDay.objects.count(),
        "lines": DiaryLine.objects.count(),
    }


def exports() -> dict[str, str]:
    return {survey.slug: export_csv(survey) for survey in Survey.objects.order_by("slug")}


@pytest.fixture
def demo_round() -> Survey:
    seed()
    return Survey.objects.get(slug=demo.ROUND_SLUG)


def test_it_creates_an_open_round_of_five_weekdays(demo_round):
    assert demo_round.status == Survey.Status.OPEN
    assert demo_round.start_date == dt.date(2026, 11, 16)
    assert demo_round.weekdays() == [dt.date(2026, 11, 16) + dt.timedelta(days=n) for n in range(5)]
    assert demo_round.end_date == dt.date(2026, 11, 20)
    assert demo_round.tasks.count() == 16


def test_it_creates_ten_participants_each_a_manager_with_a_unit(demo_round):
    participants = list(demo_round.participants.select_related("user", "unit"))

    assert [p.number for p in participants] == list(range(1, 11))
    assert all(p.unit is not None for p in participants)
    assert all(p.user.groups.filter(name=roles.MANAGERS).exists() for p in participants)
    assert len({p.user_id for p in participants}) == 10


def test_it_creates_a_login_for_every_role(demo_round):
    User = get_user_model()

    assert User.objects.filter(groups__name=roles.MANAGERS).count() == 10
    project = User.objects.get(username="projekt")
    admin = User.objects.get(username="admin")
    assert roles.is_project_member(project)
    assert roles.can_analyse(project)
    assert roles.is_administrator(admin)
    assert admin.is_staff
    assert not roles.can_analyse(User.objects.get(username="anna"))
    for user in User.objects.all():
        assert user.check_password(demo.DEMO_PASSWORD)


def test_it_lists_the_demo_logins():
    out = seed()

    assert demo.DEMO_PASSWORD in out
    for username in ["anna", "johan", "projekt", "admin"]:
        assert f"  {username} " in out


def test_it_leaves_some_days_unfilled_and_some_as_drafts(demo_round):
    days = DiaryDay.objects.filter(participant__survey=demo_round)

    assert days.count() == 10 * 5 - 4
    assert sorted(days.filter(status=DiaryDay.Status.DRAFT).values_list("participant__number", "date")) == [
        (1, dt.date(2026, 11, 19)),
        (6, dt.date(2026, 11, 20)),
    ]
    assert not days.filter(participant__number=1, date=dt.date(2026, 11, 20)).exists()
    assert days.filter(participant__number=5).count() == 3


def test_every_demo_day_fits_in_its_hours(demo_round):
    for day in DiaryDay.objects.filter(participant__survey=demo_round).prefetch_related("lines"):
        lines = list(day.lines.all())
        assert lines, day
        for hour in range(demo_round.hours_per_day):
            assert sum(line.hour_minutes(demo_round.hours_per_day)[hour] for line in lines) <= 60
        assert all(line.value in {1, 2, 3, 4} and line.function in {1, 2, 3, 4} for line in lines)


def test_manager_2_spends_more_time_on_invoices_it_and_hr_than_manager_8(demo_round):
    def minutes(number: int, code: str) -> int:
        lines = DiaryLine.objects.filter(day__participant__survey=demo_round, day__participant__number=number)
        return lines.filter(task__code=code).aggregate(total=Sum("minutes"))["total"] or 0

    for code in ADMIN_TASKS:
        assert minutes(2, code) > minutes(8, code), code
    assert sum(minutes(2, code) for code in ADMIN_TASKS) > 3 * sum(minutes(8, code) for code in ADMIN_TASKS)


def test_manager_2_rates_invoices_it_and_hr_as_working_worse_than_manager_8(demo_round):
    def function(number: int) -> float:
        lines = DiaryLine.objects.filter(
            day__participant__survey=demo_round, day__participant__number=number, task__code__in=ADMIN_TASKS
        )
        return lines.aggregate(mean=Avg("function"))["mean"]

    assert function(2) < 2
    assert function(8) > 2.5


def test_running_it_twice_gives_the_same_data(demo_round):
    first = (counts(), exports())

    seed()

    assert (counts(), exports()) == first
    assert demo_round.participants.count() == 10


def test_the_diaries_are_the_same_when_seeded_afresh(demo_round):
    first = export_csv(demo_round)
    # Tasks are protected from deletion while lines use them, so the lines go first.
    demo_round.delete()

    seed()

    assert export_csv(Survey.objects.get(slug=demo.ROUND_SLUG)) == first


def test_it_refuses_to_run_with_debug_off_and_creates_nothing(settings):
    settings.DEBUG = False
    before = counts()

    with pytest.raises(CommandError) as refused:
        call_command("seed_demo", stdout=io.StringIO())

    assert "DEBUG" in str(refused.value) and "--force" in str(refused.value)
    assert counts() == before
    assert not get_user_model().objects.filter(username="admin").exists()


def test_run_from_the_shell_with_debug_off_it_exits_non_zero(settings, capsys, monkeypatch):
    settings.DEBUG = False
    # A command run from the shell closes the database connections when it ends: the test's own is kept.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)

    with pytest.raises(SystemExit) as stopped:
        ManagementUtility(["manage.py", "seed_demo"]).execute()

    assert stopped.value.code != 0
    assert "Nothing was created" in capsys.readouterr().err
    assert not get_user_model().objects.filter(username="admin").exists()


def test_with_debug_on_it_needs_no_force(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    assert get_user_model().objects.filter(username="admin").exists()


def test_force_seeds_with_debug_off(settings):
    settings.DEBUG = False
    call_command("seed_demo", "--force", stdout=io.StringIO())
    assert get_user_model().objects.filter(username="admin").exists()
