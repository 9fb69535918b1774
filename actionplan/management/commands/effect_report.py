import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext

from mio import tablefiles
from mio.numbers import grouped
from surveys.commands import survey_from_slug

from ... import effect


class Command(BaseCommand):
    help = (
        "Did it help? Per task, and for the tasks the municipality's action plan addresses, the change in "
        "friction minutes per manager-day from a baseline round to a follow-up, over the managers in both, "
        "with its 95 % interval and verdict (less, more, unclear, withheld)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--baseline", required=True, help="the earlier round's short name (slug)")
        parser.add_argument("--followup", required=True, help="the later round's short name (slug)")
        parser.add_argument("--format", choices=["json", "csv", "table"], default="json")

    def handle(self, *args, baseline, followup, format, **options):
        the_baseline, the_followup = survey_from_slug(baseline), survey_from_slug(followup)
        try:
            report = effect.plan_report(baseline=the_baseline, followup=the_followup)
        except effect.NotComparable as problem:
            raise CommandError(str(problem)) from None
        if format == "json":
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        header, rows = effect.report_rows(report)
        if format == "csv":
            self.stdout.write(tablefiles.csv_text(header, rows), ending="")
            return
        paired = report["paired_managers"]
        self.stdout.write(
            ngettext(
                "%(baseline)s → %(followup)s: %(count)s manager in both rounds",
                "%(baseline)s → %(followup)s: %(count)s managers in both rounds",
                paired,
            )
            % {"baseline": report["baseline"], "followup": report["followup"], "count": grouped(paired)}
            + "\n"
        )
        self.stdout.write(effect.text_table(header, rows), ending="")
