"""Counts as people read them: one place for what the pages, their messages and the commands write."""

from django.utils import formats


def grouped(count: int) -> str:
    """A count in the active language's number format: "20 000" in Swedish, "20,000" in English."""
    return formats.number_format(count, force_grouping=True)
