from django.core.management.base import BaseCommand, CommandError

from mio.tablefiles import FileRefused
from surveys.enrolment import EnrolmentError, file_problems, participants_enrol, read_file
from surveys.models import Survey


class Command(BaseCommand):
    help = (
        "Enrol the people of a .csv or .xlsx file (columns name,email,unit and optionally number) into a "
        "survey round, all or nothing. An e-mail address with an account links it; otherwise an account "
        "is made that signs in with links. A person keeps their number in every round of the municipality."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--survey", required=True, help="the round's short name (slug)")

    def handle(self, *args, file, survey, **options):
        try:
            the_survey = Survey.objects.select_related("municipality").get(slug=survey)
        except Survey.DoesNotExist:
            raise CommandError(f"No survey round {survey!r}") from None
        try:
            parsed = read_file(file)
        except (FileRefused, OSError) as error:  # a file of another type, or too large
            raise CommandError(str(error)) from None
        errors = file_problems(survey=the_survey, parsed=parsed).errors
        if not errors:
            try:
                result = participants_enrol(survey=the_survey, rows=parsed.rows)
            except EnrolmentError as error:
                errors = error.errors
        if errors:
            for error in errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(errors)} error(s) in {file}; nobody was enrolled.")
        numbers = ", ".join(str(participant.number) for participant in result.participants)
        self.stdout.write(
            f"Enrolled {len(result.participants)} participants into {the_survey.slug} (numbers {numbers}): "
            f"{result.accounts_created} accounts created, {result.accounts_linked} existing accounts linked."
        )
