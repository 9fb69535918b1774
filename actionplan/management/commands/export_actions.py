import io

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from actionplan.actionfile import write_csv, write_xlsx
from actionplan.models import ActionPlan
from actionplan.selectors import export_rows


class Command(BaseCommand):
    help = "Export a municipality's action plan as CSV (to stdout without -o) or xlsx."

    def add_arguments(self, parser):
        parser.add_argument("--municipality", required=True, help="the municipality's name")
        parser.add_argument("--format", choices=["csv", "xlsx"], default=None)
        parser.add_argument("-o", "--output", help="file to write; CSV goes to standard output without it")

    def handle(self, *args, municipality, format, output, **options):
        plan = ActionPlan.objects.filter(municipality__name=municipality).first()
        if plan is None:
            raise CommandError(_("No action plan for the municipality “%(name)s”") % {"name": municipality})
        if format is None:
            format = "xlsx" if output and output.lower().endswith(".xlsx") else "csv"
        rows = export_rows(plan=plan)
        if format == "xlsx":
            if not output:
                raise CommandError(_("xlsx needs a file: add -o FILE.xlsx"))
            with open(output, "wb") as stream:
                write_xlsx(rows, stream=stream)
        elif output:
            with open(output, "w", encoding="utf-8", newline="") as stream:
                write_csv(rows, stream=stream)
        else:
            buffer = io.StringIO()
            write_csv(rows, stream=buffer)
            self.stdout.write(buffer.getvalue(), ending="")
        if output:
            self.stderr.write(_("Wrote %(file)s") % {"file": output})
