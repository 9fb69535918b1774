from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, npgettext

from actionplan.actionfile import read_file
from actionplan.services import ActionError, items_import, plan_get_or_create
from mio.numbers import grouped
from mio.tablefiles import FileRefused
from surveys.commands import nothing_imported
from surveys.models import Municipality, Survey


class Command(BaseCommand):
    help = (
        "Import action items from a .csv or .xlsx file into a municipality's action plan, all or nothing. "
        "A row whose number is already in the plan updates that item."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--municipality", required=True, help="the municipality's name")
        parser.add_argument("--survey", help="short name of the round whose finding started the new items")

    def handle(self, *args, file, municipality, survey, **options):
        try:
            the_municipality = Municipality.objects.get(name=municipality)
        except Municipality.DoesNotExist:
            raise CommandError(_("No municipality “%(name)s”") % {"name": municipality}) from None
        the_survey = None
        if survey:
            the_survey = Survey.objects.filter(slug=survey, municipality=the_municipality).first()
            if the_survey is None:
                raise CommandError(
                    _("No survey round “%(slug)s” in %(municipality)s") % {"slug": survey, "municipality": municipality}
                )
        try:
            parsed = read_file(file)
        except (FileRefused, OSError) as error:  # a file of another type, or too large
            raise CommandError(str(error)) from None
        errors = list(parsed.errors)
        if not errors:
            plan = plan_get_or_create(municipality=the_municipality)
            try:
                result = items_import(plan=plan, rows=parsed.rows, survey=the_survey)
            except ActionError as error:
                errors = error.errors
        if errors:
            for error in errors:
                self.stderr.write(str(error))
            raise nothing_imported(len(errors), file)
        count = len(parsed.rows)
        self.stdout.write(
            _("Imported %(items)s into %(plan)s: %(created)s, %(updated)s, %(unchanged)s.")
            % {
                "items": ngettext("%(count)s item", "%(count)s items", count) % {"count": grouped(count)},
                "plan": plan.name,
                "created": npgettext("action items", "%(count)s new", "%(count)s new", result.created)
                % {"count": grouped(result.created)},
                "updated": npgettext("action items", "%(count)s changed", "%(count)s changed", result.updated)
                % {"count": grouped(result.updated)},
                "unchanged": npgettext("action items", "%(count)s unchanged", "%(count)s unchanged", result.unchanged)
                % {"count": grouped(result.unchanged)},
            }
        )
