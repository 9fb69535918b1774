import json

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from mio.numbers import grouped
from surveys.commands import date_argument, survey_from_slug
from surveys.progress import RoundProgress, round_progress

COLUMNS = ["number", "expected", "submitted", "draft", "missing", "invited", "reminders"]


def _headings() -> list[str]:
    """The table's column headings in the active language (the JSON keeps COLUMNS)."""
    return [
        pgettext("round status column", "number"),
        pgettext("round status column", "expected"),
        pgettext("round status column", "submitted"),
        pgettext("round status column", "draft"),
        pgettext("round status column", "missing"),
        pgettext("round status column", "invited"),
        pgettext("round status column", "reminders"),
    ]


def _cell(value: object) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def as_table(progress: RoundProgress) -> str:
    """The participants as an aligned text table, right-aligned like the numbers, a line under the header."""
    headings = _headings()
    rows = [[_cell(row[name]) for name in COLUMNS] for row in progress.as_dict()["participants"]]
    widths = [max(len(cell) for cell in column) for column in zip(headings, *rows, strict=False)]
    lines = [
        "  ".join(name.rjust(width) for name, width in zip(headings, widths, strict=True)),
        "  ".join("-" * width for width in widths),
    ]
    for row in rows:
        lines.append("  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)))
    return "\n".join(lines) + "\n"


def summary(slug: str, progress: RoundProgress) -> str:
    """The line above the table: the round's participants and days by status, up to its day."""
    participants = len(progress.participants)
    return _("%(survey)s as of %(date)s: %(participants)s, %(expected)s, %(submitted)s, %(drafts)s, %(missing)s") % {
        "survey": slug,
        "date": progress.today.isoformat(),
        "participants": ngettext("%(count)s participant", "%(count)s participants", participants)
        % {"count": grouped(participants)},
        "expected": ngettext("%(count)s day expected", "%(count)s days expected", progress.expected_days)
        % {"count": grouped(progress.expected_days)},
        "submitted": ngettext("%(count)s submitted", "%(count)s submitted", progress.submitted_days)
        % {"count": grouped(progress.submitted_days)},
        "drafts": ngettext("%(count)s draft", "%(count)s drafts", progress.draft_days)
        % {"count": grouped(progress.draft_days)},
        "missing": ngettext("%(count)s missing", "%(count)s missing", progress.missing_days)
        % {"count": grouped(progress.missing_days)},
    }


class Command(BaseCommand):
    help = (
        "How far a round has come: per participant the weekdays due so far (expected) and how many are "
        "submitted, drafts or missing, whether they were invited and how many reminders they got."
    )

    def add_arguments(self, parser):
        parser.add_argument("--survey", required=True, help="the round's short name (slug)")
        parser.add_argument("--format", choices=["json", "table"], default="json")
        parser.add_argument("--as-of", type=date_argument, help="count the days due up to this date (default: today)")

    def handle(self, *args, survey, format, as_of, **options):
        the_survey = survey_from_slug(survey)
        progress = round_progress(survey=the_survey, today=as_of)
        if format == "json":
            self.stdout.write(json.dumps(progress.as_dict(), ensure_ascii=False, indent=2))
            return
        self.stdout.write(summary(the_survey.slug, progress) + "\n")
        self.stdout.write(as_table(progress), ending="")
