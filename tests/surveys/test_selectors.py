"""Which earlier round a follow-up is compared with."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse

from analysis import paired
from surveys.models import Municipality, Participant, Survey
from surveys.selectors import comparable_baseline, latest_comparable_pair, previous_day
from surveys.services import LineInput, diary_save, survey_create
from tests.analysis.test_paired import Draft, fill, make_round
from tests.surveys.helpers import emptied_day

pytestmark = pytest.mark.django_db


def round_starting(slug: str, start: dt.date, municipality: Municipality):
    return survey_create(
        slug=slug, name=slug, municipality=municipality, start_date=start, end_date=start + dt.timedelta(days=4)
    )


def test_the_baseline_is_the_latest_earlier_round_of_the_municipality_with_the_same_tasks(survey, municipality):
    spring = round_starting("var-2026", dt.date(2026, 3, 2), municipality)
    changed = round_starting("sommar-2026", dt.date(2026, 6, 1), municipality)
    changed.tasks.get(code="budget").delete()  # a round with other tasks cannot be compared
    elsewhere = round_starting("annan-kommun", dt.date(2026, 8, 3), Municipality.objects.create(name="Annanstad"))
    autumn = round_starting("host-2026", dt.date(2026, 11, 16), municipality)

    assert comparable_baseline(followup=autumn, min_paired=0) == spring
    assert comparable_baseline(followup=spring, min_paired=0) == survey
    assert comparable_baseline(followup=survey, min_paired=0) is None
    assert comparable_baseline(followup=elsewhere, min_paired=0) is None
    assert latest_comparable_pair(min_paired=0) == (spring, autumn)


def test_without_two_comparable_rounds_there_is_no_pair(survey):
    assert latest_comparable_pair(min_paired=0) is None


# --- A new round never replaces the answer until enough of the same managers have submitted days ------
# The pair: tests/analysis/test_paired.py's baseline (managers 1–5 and 7 with manager-days) and
# follow-up (1, 2, 3, 4 and 6; 7 only a draft), four managers in both.

MIN_PAIRED = 3  # the analysis pages' rule: a pair needs as many managers as any shown figure
NEW_START = dt.date(2026, 3, 2)


def test_the_pair_with_data_is_found(pair):
    assert latest_comparable_pair(min_paired=MIN_PAIRED) == pair
    assert comparable_baseline(followup=pair[1], min_paired=MIN_PAIRED) == pair[0]
    # Four managers in both, so a fifth is too many.
    assert latest_comparable_pair(min_paired=5) is None


def test_a_new_empty_round_does_not_become_the_pair(pair, municipality):
    new = make_round(municipality, "new", NEW_START)

    assert comparable_baseline(followup=new, min_paired=MIN_PAIRED) is None
    assert latest_comparable_pair(min_paired=MIN_PAIRED) == pair


def test_a_new_round_with_only_drafts_does_not_become_the_pair(pair, municipality):
    new = make_round(municipality, "new", NEW_START)
    # Four of the same managers save days with minutes but submit none.
    fill(new, {number: [Draft({"invoices": (60, 1)})] for number in (1, 2, 3, 4)})

    assert comparable_baseline(followup=new, min_paired=MIN_PAIRED) is None
    assert latest_comparable_pair(min_paired=MIN_PAIRED) == pair


def test_a_new_round_with_submitted_days_of_only_two_of_the_same_managers_does_not_become_the_pair(pair, municipality):
    new = make_round(municipality, "new", NEW_START)
    # Four managers submit, but only 1 and 2 took part before; 3 only saves a draft.
    fill(new, {number: [{"invoices": (60, 1)}] for number in (1, 2, 8, 9)})
    fill(new, {3: [Draft({"invoices": (60, 1)})]})

    assert comparable_baseline(followup=new, min_paired=MIN_PAIRED) is None
    assert latest_comparable_pair(min_paired=MIN_PAIRED) == pair

    # The control: once a third of the same managers submits, the new round is compared with the
    # latest earlier round that has three of its managers, the follow-up.
    fill(new, {3: [{"invoices": (60, 1)}]})
    assert comparable_baseline(followup=new, min_paired=MIN_PAIRED) == pair[1]
    assert latest_comparable_pair(min_paired=MIN_PAIRED) == (pair[1], new)


def test_the_rounds_page_opens_on_the_earlier_pair_and_a_new_round_changes_no_figure(
    client, pair, municipality, project_member
):
    baseline, followup = pair
    cache.clear()  # nothing cached by an earlier test
    before = paired.effect_report(baseline=baseline, followup=followup, plan_codes=["invoices", "payroll-hr"])
    client.force_login(project_member)
    client.cookies["django_language"] = "en"
    url = reverse("analysis:rounds")

    new = make_round(municipality, "new", NEW_START)

    response = client.get(url)
    form = response.context["form"]
    assert form.is_valid()
    assert (form.cleaned_data["baseline"], form.cleaned_data["followup"]) == (baseline, followup)
    assert (response.context["baseline"], response.context["followup"]) == (baseline, followup)
    assert "withheld" not in response.context
    # Opening the new round: nothing earlier has enough of its managers, so the form waits for a choice.
    response = client.get(url + f"?followup={new.slug}")
    assert not response.context["form"].is_bound
    assert response.context["form"]["followup"].value() == new.slug
    assert client.get(url + f"?baseline={followup.slug}&followup={new.slug}").status_code == 200

    cache.clear()  # the figures are worked out again, not read from the cache
    baseline.refresh_from_db()
    followup.refresh_from_db()
    after = paired.effect_report(baseline=baseline, followup=followup, plan_codes=["invoices", "payroll-hr"])
    assert after == before
    assert after["paired_managers"] == 4


# --- The day to start from -------------------------------------------------------------------------


def _day(participant, date, minutes=(20,)):
    invoices = participant.survey.tasks.get(code="invoices")
    if not any(minutes):
        return emptied_day(participant, date)
    return diary_save(participant=participant, date=date, lines=[LineInput(task=invoices, minutes=list(minutes))])


def test_previous_day_is_the_latest_earlier_day_then_a_later_one_of_the_round(survey, participant):
    monday, wednesday, friday = dt.date(2025, 3, 3), dt.date(2025, 3, 5), dt.date(2025, 3, 7)
    _day(participant, friday)
    assert previous_day(participant=participant, before=monday).date == friday
    assert previous_day(participant=participant, before=friday) is None  # the day itself is not a start

    _day(participant, monday)
    _day(participant, wednesday, minutes=())  # no lines: nothing to start from
    assert previous_day(participant=participant, before=wednesday).date == monday


def test_previous_day_reaches_into_my_latest_earlier_round_of_the_municipality(survey, participant, manager):
    older = round_starting("host-2024", dt.date(2024, 11, 4), survey.municipality)
    latest = round_starting("var-2024", dt.date(2024, 3, 4), survey.municipality)
    Survey.objects.filter(pk__in=[older.pk, latest.pk]).update(status=Survey.Status.OPEN)
    older.refresh_from_db()
    latest.refresh_from_db()
    in_older = _day(Participant.objects.create(survey=older, number=1, user=manager), dt.date(2024, 11, 8))
    _day(Participant.objects.create(survey=latest, number=1, user=manager), dt.date(2024, 3, 8))

    # 2024-11 is the latest earlier round; its last day is the start.
    assert previous_day(participant=participant, before=dt.date(2025, 3, 3)) == in_older

    # A manager without an account in this round (kept from a file) has no earlier rounds.
    participant.user = None
    assert previous_day(participant=participant, before=dt.date(2025, 3, 3)) is None
