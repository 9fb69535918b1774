"""What the management commands of every app share.

A command runs in the installation's language (LANGUAGE_CODE, Swedish here), as the row messages of the
services it calls do, so everything it writes for people is translated too, and counts are grouped as
the pages group them ("20 000" in Swedish). Machine-readable output (JSON, CSV) is not."""

from __future__ import annotations

import argparse
import datetime as dt

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mio.numbers import grouped

from .models import Survey


def no_such_round(slug: str) -> CommandError:
    """The refusal of a round's short name that no round has."""
    return CommandError(_("No survey round “%(slug)s”") % {"slug": slug})


def survey_from_slug(slug: str) -> Survey:
    """The round with this short name; a CommandError naming it when there is none."""
    try:
        return Survey.objects.get(slug=slug)
    except Survey.DoesNotExist:
        raise no_such_round(slug) from None


def date_argument(text: str) -> dt.date:
    """An argument's date, written YYYY-MM-DD (the argument parser's `type`). A bad one is the parser's
    error, which names the argument: on the command line a usage message rather than a traceback."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("“%(text)s” is not a date written YYYY-MM-DD") % {"text": text}) from None


def nothing_imported(count: int, file: str) -> CommandError:
    """The refusal of an all-or-nothing file with `count` bad rows, each already written on stderr."""
    return CommandError(
        ngettext(
            "%(count)s error in %(file)s; nothing was imported.",
            "%(count)s errors in %(file)s; nothing was imported.",
            count,
        )
        % {"count": grouped(count), "file": file}
    )
