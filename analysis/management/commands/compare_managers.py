import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext

from analysis import reports, tabular
from analysis.disclosure import MIN_GROUP, Withheld
from mio import tablefiles
from mio.numbers import grouped
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
            unknown = str(error)  # the numbers not in the round, "9" or "9, 12"
            raise CommandError(
                ngettext(
                    "No participant number %(numbers)s in %(survey)s",
                    "No participant numbers %(numbers)s in %(survey)s",
                    len(unknown.split(",")),
                )
                % {"numbers": unknown, "survey": the_survey.slug}
            ) from None
        except Withheld as error:
            raise CommandError(
                ngettext(
                    "%(survey)s has %(count)s manager with diaries; comparisons are withheld below %(least)s",
                    "%(survey)s has %(count)s managers with diaries; comparisons are withheld below %(least)s",
                    error.managers,
                )
                % {"survey": the_survey.slug, "count": grouped(error.managers), "least": MIN_GROUP}
            ) from None
        if format == "json":
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        header, rows = reports.comparison_rows(report)
        if format == "csv":
            self.stdout.write(tablefiles.csv_text(header, rows), ending="")
        else:
            self.stdout.write(tabular.to_table(header, rows), ending="")
