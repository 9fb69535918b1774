"""Which earlier round a follow-up is compared with."""

from __future__ import annotations

import datetime as dt

import pytest

from surveys.models import Municipality
from surveys.selectors import comparable_baseline, latest_comparable_pair
from surveys.services import survey_create

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

    assert comparable_baseline(followup=autumn) == spring
    assert comparable_baseline(followup=spring) == survey
    assert comparable_baseline(followup=survey) is None
    assert comparable_baseline(followup=elsewhere) is None
    assert latest_comparable_pair() == (spring, autumn)


def test_without_two_comparable_rounds_there_is_no_pair(survey):
    assert latest_comparable_pair() is None
