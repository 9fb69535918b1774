import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from surveys.commands import survey_from_slug
from surveys.progress import RoundProgress, round_progress

COLUMNS = ["number", "expected", "submitted", "draft", "missing", "invited", "reminders"]


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{text!r} is not a date written YYYY-MM-DD") from None


def _cell(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def as_table(progress: RoundProgress) -> str:
    """The participants as an aligned text table, right-aligned like the numbers, a line under the header."""
    rows = [[_cell(row[name]) for name in COLUMNS] for row in progress.as_dict()["participants"]]
    widths = [max(len(cell) for cell in column) for column in zip(COLUMNS, *rows, strict=False)]
    lines = [
        "  ".join(name.rjust(width) for name, width in zip(COLUMNS, widths, strict=True)),
        "  ".join("-" * width for width in widths),
    ]
    for row in rows:
        lines.append("  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)))
    return "\n".join(lines) + "\n"


class Command(BaseCommand):
    help = (
        "How far a round has come: per participant the weekdays due so far (expected) and how many are "
        "submitted, drafts or missing, whether they were invited and how many reminders they got."
    )

    def add_arguments(self, parser):
        parser.add_argument("--survey", required=True, help="the round's short name (slug)")
        parser.add_argument("--format", choices=["json", "table"], default="json")
        parser.add_argument("--as-of", type=_date, help="count the days due up to this date (default: today)")

    def handle(self, *args, survey, format, as_of, **options):
        the_survey = survey_from_slug(survey)
        progress = round_progress(survey=the_survey, today=as_of)
        if format == "json":
            self.stdout.write(json.dumps(progress.as_dict(), ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            f"{the_survey.slug} as of {progress.today.isoformat()}: {len(progress.participants)} participants, "
            f"{progress.expected_days} days expected, {progress.submitted_days} submitted, "
            f"{progress.draft_days} drafts, {progress.missing_days} missing\n"
        )
        self.stdout.write(as_table(progress), ending="")
