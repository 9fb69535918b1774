from django.core.management.base import BaseCommand, CommandError

from mio.tablefiles import FileRefused
from surveys.diaryfile import read_file
from surveys.models import Survey
from surveys.services import DiaryError, diaries_check, diaries_import


class Command(BaseCommand):
    help = "Import diary rows from a .csv or .xlsx file into a survey round, all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--survey", required=True, help="the round's short name (slug)")
        parser.add_argument("--replace", action="store_true", help="overwrite days that already have lines")

    def handle(self, *args, file, survey, replace, **options):
        try:
            the_survey = Survey.objects.get(slug=survey)
        except Survey.DoesNotExist:
            raise CommandError(f"No survey round {survey!r}") from None
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
            raise CommandError(f"{len(errors)} error(s) in {file}; nothing was imported.")
        self.stdout.write(
            f"Imported {result.lines} lines on {result.days} days into {the_survey.slug} "
            f"({result.participants_created} new participants)."
        )
