import io

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mio.numbers import grouped
from surveys.commands import survey_from_slug
from surveys.diaryfile import write_csv, write_xlsx
from surveys.selectors import draft_days_with_lines, export_rows


class Command(BaseCommand):
    help = "Export the diary lines of a round's submitted days as CSV (to stdout without -o) or xlsx."

    def add_arguments(self, parser):
        parser.add_argument("--survey", required=True, help="the round's short name (slug)")
        parser.add_argument("--format", choices=["csv", "xlsx"], default=None)
        parser.add_argument("-o", "--output", help="file to write; CSV goes to standard output without it")

    def handle(self, *args, survey, format, output, **options):
        the_survey = survey_from_slug(survey)
        if format is None:
            format = "xlsx" if output and output.lower().endswith(".xlsx") else "csv"
        rows = export_rows(survey=the_survey)
        hours = the_survey.hours_per_day
        if format == "xlsx":
            if not output:
                raise CommandError(_("xlsx needs a file: add -o FILE.xlsx"))
            with open(output, "wb") as stream:
                write_xlsx(rows, hours=hours, stream=stream)
        elif output:
            with open(output, "w", encoding="utf-8", newline="") as stream:
                write_csv(rows, hours=hours, stream=stream)
        else:
            buffer = io.StringIO()
            write_csv(rows, hours=hours, stream=buffer)
            self.stdout.write(buffer.getvalue(), ending="")
        if output:
            self.stderr.write(_("Wrote %(file)s") % {"file": output})
        # On stderr, so that CSV on stdout stays a clean file.
        drafts = draft_days_with_lines(survey=the_survey)
        if drafts:
            self.stderr.write(
                ngettext(
                    "Left out %(count)s draft day: only submitted days are exported, as an import stores every "
                    "day as submitted.",
                    "Left out %(count)s draft days: only submitted days are exported, as an import stores every "
                    "day as submitted.",
                    drafts,
                )
                % {"count": grouped(drafts)}
            )
