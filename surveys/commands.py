"""What the management commands of every app share."""

from __future__ import annotations

from django.core.management.base import CommandError

from .models import Survey


def survey_from_slug(slug: str) -> Survey:
    """The round with this short name; a CommandError naming it when there is none."""
    try:
        return Survey.objects.get(slug=slug)
    except Survey.DoesNotExist:
        raise CommandError(f"No survey round {slug!r}") from None


def counted(count: int, noun: str) -> str:
    """A count and its English noun as a command prints it: "1 reminder", "2 reminders"."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
