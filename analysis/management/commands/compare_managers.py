import json

from django.core.management.base import BaseCommand, CommandError

from analysis import reports, tabular
from analysis.disclosure import Withheld
from mio import tablefiles
from surveys.commands import survey_from_slug


class Command(BaseCommand):
    help = "Print managers side by side by participant number (JSON, CSV or a table)."

    def add_arguments(self, parser):
        parser.add_argument("--survey", required=True, help="the round's short name (slug)")
        parser.add_argument("numbers", nargs="+", type=int, help="participant numbers, e.g. 2 8")
        parser.add_argument("--format", choices=["json", "csv", "table"], default="json")

    def handle(self, *args, survey, numbers, format, **options):
        the_survey = survey_from_slug(survey)
        try:
            report = reports.compare_managers(survey=the_survey, numbers=numbers)
        except reports.UnknownParticipant as error:
            raise CommandError(f"No participant number {error} in {the_survey.slug}") from None
        except Withheld as error:
            raise CommandError(
                f"{the_survey.slug} has {error.managers} managers with diaries; comparisons are withheld below 3"
            ) from None
        if format == "json":
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        header, rows = reports.comparison_rows(report)
        if format == "csv":
            self.stdout.write(tablefiles.csv_text(header, rows), ending="")
        else:
            self.stdout.write(tabular.to_table(header, rows), ending="")
