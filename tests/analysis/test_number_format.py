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
