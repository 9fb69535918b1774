"""mio/cache.py: a figure is computed once per round, data version and parameters, and again when
any of them changes."""

from __future__ import annotations

import datetime as dt

import pytest

from mio import cache
from surveys.models import Survey
from surveys.services import survey_create

pytestmark = pytest.mark.django_db


class Counting:
    """A computation that counts how often it ran and returns its run number."""

    def __init__(self):
        self.runs = 0

    def __call__(self) -> int:
        self.runs += 1
        return self.runs


def test_it_computes_a_figure_once_per_round_version_and_parameters(survey):
    compute = Counting()
    first = cache.for_round("test:figure", survey=survey, params=("sv",), compute=compute)
    again = cache.for_round("test:figure", survey=survey, params=("sv",), compute=compute)
    assert (first, again, compute.runs) == (1, 1, 1)


def test_a_touched_round_is_computed_again(survey):
    compute = Counting()
    cache.for_round("test:figure", survey=survey, compute=compute)
    survey.touch()
    survey.refresh_from_db()
    assert cache.for_round("test:figure", survey=survey, compute=compute) == 2


def test_other_parameters_and_languages_are_cached_apart(survey):
    compute = Counting()
    values = [
        cache.for_round("test:chart", survey=survey, params=params, compute=compute)
        for params in [(None, "sv", ","), (1, "sv", ","), (None, "en", "."), (None, "sv", ",")]
    ]
    assert values == [1, 2, 3, 1]


def test_other_rounds_and_names_are_cached_apart(survey, municipality):
    other = survey_create(
        slug="other-round",
        name="Uppföljning 2025",
        municipality=municipality,
        start_date=dt.date(2025, 9, 1),
        end_date=dt.date(2025, 9, 5),
        status=Survey.Status.OPEN,
    )
    assert other.data_version == survey.data_version  # only the round's id tells them apart
    compute = Counting()
    values = [
        cache.for_round("test:figure", survey=survey, compute=compute),
        cache.for_round("test:figure", survey=other, compute=compute),
        cache.for_round("test:other-figure", survey=survey, compute=compute),
    ]
    assert values == [1, 2, 3]


def test_a_new_version_of_other_data_is_computed_again():
    compute = Counting()
    values = [
        cache.versioned("test:chart", version=version, params="sv", compute=compute)
        for version in ["plan-1", "plan-1", "plan-2"]
    ]
    assert values == [1, 1, 2]


def test_a_timeout_of_zero_caches_nothing(survey, settings):
    settings.FIGURE_CACHE_SECONDS = 0
    compute = Counting()
    cache.for_round("test:figure", survey=survey, compute=compute)
    assert cache.for_round("test:figure", survey=survey, compute=compute) == 2


def test_a_figure_of_none_is_cached_too(survey):
    calls = []
    for _ in range(2):
        cache.for_round("test:nothing", survey=survey, compute=lambda: calls.append(1))
    assert len(calls) == 1


def test_a_release_with_other_code_computes_again(survey, monkeypatch):
    """A shared cache outlives a release: what the old code computed or drew is not served by the new."""
    compute = Counting()
    assert cache.for_round("figures", survey=survey, compute=compute) == 1
    assert cache.for_round("figures", survey=survey, compute=compute) == 1
    monkeypatch.setattr(cache, "code_generation", lambda: "another-release")
    assert cache.for_round("figures", survey=survey, compute=compute) == 2


def test_the_code_generation_covers_the_code_and_translations_only(settings, tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "figures.py").write_text("SHARE = 1\n")
    (tmp_path / "locale").mkdir()
    (tmp_path / "locale" / "django.po").write_text('msgid "a"\nmsgstr "b"\n')
    (tmp_path / "venv").mkdir()
    (tmp_path / "venv" / "pyvenv.cfg").write_text("")
    settings.BASE_DIR = tmp_path

    def generation() -> str:
        cache.code_generation.cache_clear()
        return cache.code_generation()

    try:
        first = generation()
        (tmp_path / "venv" / "library.py").write_text("x = 1\n")
        (tmp_path / "tests").mkdir()
        (tmp_path / "tests" / "test_figures.py").write_text("x = 1\n")
        (tmp_path / "app" / "notes.txt").write_text("not code")
        assert generation() == first
        (tmp_path / "app" / "figures.py").write_text("SHARE = 2\n")
        second = generation()
        assert second != first
        (tmp_path / "locale" / "django.po").write_text('msgid "a"\nmsgstr "c"\n')
        assert generation() not in {first, second}
    finally:
        cache.code_generation.cache_clear()
