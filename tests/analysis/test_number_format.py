"""Counts on the dashboard are written as Swedish numbers: a national round's 150 000 manager-days read
"150 000" (a no-break space between the thousands), not "150000"."""

from __future__ import annotations

from django.template import Context, Template
from django.utils import translation


def render(value: int, language: str) -> str:
    with translation.override(language):
        return Template("{% load analysis_tags %}{{ value|figure:0 }}").render(Context({"value": value}))


def test_counts_are_grouped_by_thousands_in_swedish_and_english():
    assert render(150000, "sv") == "150\u00a0000"
    assert render(150000, "en") == "150,000"
    assert render(5, "sv") == "5"


# --- Each text made once per value ---------------------------------------------------------------


def made_directly(kind: str, value, decimals) -> str:
    """The filter's text as floatformat and signed_number make it, with nothing kept."""
    from analysis.templatetags import analysis_tags

    return analysis_tags.FORMATS[kind](value, decimals)


def test_a_kept_text_is_the_text_made_afresh_in_each_language_and_for_each_type():
    import random
    from decimal import Decimal

    import numpy as np

    from analysis.templatetags.analysis_tags import change, figure, percent

    rng = random.Random(12)
    values = [rng.uniform(-5000, 5000) for _ in range(300)] + [0.05, 0.15, -0.05, 2.25, 1e-9, -0.0, 1234567.891]
    values += [int(value) for value in values[:50]] + [True, Decimal("2.45"), np.float64(3.35), np.int64(7)]
    for language in ("sv", "en"):
        with translation.override(language):
            for value in values:
                for decimals in (0, 1, 2):
                    # Twice: the second time from what was kept.
                    for _ in range(2):
                        assert figure(value, decimals) == made_directly("figure", value, decimals)
                        assert percent(value, decimals) == made_directly("percent", value, decimals)
                        assert change(value, decimals) == made_directly("change", value, decimals)
    with translation.override("sv"):
        assert figure(1, 1) == figure(1.0, 1) == "1,0"
        assert figure(1234.56, 1) == "1\u00a0234,6"
        assert percent(0.123) == "12,3\u00a0%"
        assert change(-2.05) == "\u22122,1"
    with translation.override("en"):
        assert figure(1234.56, 1) == "1,234.6"
        assert percent(0.123) == "12.3%"


def test_a_kept_text_is_forgotten_when_a_number_format_setting_changes(settings):
    from analysis.templatetags.analysis_tags import _formatted

    render(150000, "en")
    assert _formatted.cache_info().currsize > 0
    settings.THOUSAND_SEPARATOR = "'"
    assert _formatted.cache_info().currsize == 0
