from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mio.numbers import grouped
from mio.tablefiles import FileRefused
from surveys.commands import nothing_imported, survey_from_slug
from surveys.diaryfile import read_file
from surveys.services import DiaryError, diaries_check, diaries_import


class Command(BaseCommand):
    help = "Import diary rows from a .csv or .xlsx file into a survey round, all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--survey", required=True, help="the round's short name (slug)")
        parser.add_argument("--replace", action="store_true", help="overwrite days that already have lines")

    def handle(self, *args, file, survey, replace, **options):
        the_survey = survey_from_slug(survey)
        try:
            parsed = read_file(file, hours=the_survey.hours_per_day)
        except (FileRefused, OSError) as error:  # a file of another type, or too large
            raise CommandError(str(error)) from None
        errors = list(parsed.errors)
        if errors and (parsed.rows or parsed.unplaced):
            # The rows that could be read are checked too, so that one run names every problem.
            checked = diaries_check(
                survey=the_survey, rows=parsed.rows, replace=replace, unplaced=parsed.unplaced
            ).errors
            errors = sorted([*errors, *checked], key=lambda error: error.row)
        if not errors:
            try:
                result = diaries_import(survey=the_survey, rows=parsed.rows, replace=replace)
            except DiaryError as error:
                errors = error.errors
        if errors:
            for error in errors:
                self.stderr.write(str(error))
            raise nothing_imported(len(errors), file)
        lines = ngettext("%(count)s line", "%(count)s lines", result.lines) % {"count": grouped(result.lines)}
        days = ngettext("%(count)s day", "%(count)s days", result.days) % {"count": grouped(result.days)}
        created = result.participants_created
        participants = ngettext("%(count)s new participant", "%(count)s new participants", created) % {
            "count": grouped(created)
        }
        self.stdout.write(
            _("Imported %(lines)s on %(days)s into %(survey)s (%(participants)s).")
            % {"lines": lines, "days": days, "survey": the_survey.slug, "participants": participants}
        )
