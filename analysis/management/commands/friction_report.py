import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from analysis import reports, tabular
from analysis.disclosure import MIN_GROUP, Withheld
from mio import tablefiles
from mio.numbers import grouped
from surveys.commands import survey_from_slug


class Command(BaseCommand):
    help = "Print a round's friction ranking (JSON, CSV or a table), optionally with the change from a baseline."

    def add_arguments(self, parser):
        parser.add_argument("--survey", required=True, help="the round's short name (slug)")
        parser.add_argument("--format", choices=["json", "csv", "table"], default="json")
        parser.add_argument("--baseline", help="an earlier round to compare with (same task codes)")

    def handle(self, *args, survey, format, baseline, **options):
        the_survey = survey_from_slug(survey)
        the_baseline = survey_from_slug(baseline) if baseline else None
        try:
            report = reports.friction_report(survey=the_survey, baseline=the_baseline)
        except Withheld as error:
            raise CommandError(
                ngettext(
                    "%(survey)s has %(count)s manager with diaries; figures are withheld below %(least)s",
                    "%(survey)s has %(count)s managers with diaries; figures are withheld below %(least)s",
                    error.managers,
                )
                % {"survey": the_survey.slug, "count": grouped(error.managers), "least": MIN_GROUP}
            ) from None
        if format == "json":
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        header, rows = reports.friction_rows(report)
        if format == "csv":
            self.stdout.write(tablefiles.csv_text(header, rows), ending="")
        else:
            managers, days = report["managers"], report["manager_days"]
            self.stdout.write(
                _("%(survey)s: %(managers)s, %(days)s")
                % {
                    "survey": report["survey"],
                    "managers": ngettext("%(count)s manager", "%(count)s managers", managers)
                    % {"count": grouped(managers)},
                    "days": ngettext("%(count)s manager-day", "%(count)s manager-days", days)
                    % {"count": grouped(days)},
                }
                + "\n"
            )
            self.stdout.write(tabular.to_table(header, rows), ending="")
        if the_baseline is not None and format != "json":
            comparison = report["baseline"]
            names = [
                "task",
                "friction_minutes_per_manager_day_baseline",
                "friction_minutes_per_manager_day_followup",
                "friction_minutes_per_manager_day_change",
                "minutes_per_manager_day_change",
                "function_mean_change",
            ]
            rows = [[task[name] for name in names] for task in comparison["tasks"]]
            if format == "csv":
                self.stdout.write("\n" + tablefiles.csv_text(names, rows), ending="")
            else:
                self.stdout.write(
                    "\n"
                    + _("Change from %(baseline)s:") % {"baseline": comparison["baseline"]}
                    + "\n"
                    + tabular.to_table(names, rows),
                    ending="",
                )
