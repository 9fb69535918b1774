from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mio.numbers import grouped
from mio.tablefiles import FileRefused
from surveys.commands import no_such_round
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
            raise no_such_round(survey) from None
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
            raise CommandError(
                ngettext(
                    "%(count)s error in %(file)s; nobody was enrolled.",
                    "%(count)s errors in %(file)s; nobody was enrolled.",
                    len(errors),
                )
                % {"count": grouped(len(errors)), "file": file}
            )
        count = len(result.participants)
        # Participant numbers are names ("Chef nr 1234"), not counts: never grouped.
        numbers = ", ".join(str(participant.number) for participant in result.participants)
        self.stdout.write(
            _("Enrolled %(participants)s into %(survey)s (%(numbers)s): %(created)s, %(linked)s.")
            % {
                "participants": ngettext("%(count)s participant", "%(count)s participants", count)
                % {"count": grouped(count)},
                "survey": the_survey.slug,
                "numbers": ngettext("number %(numbers)s", "numbers %(numbers)s", count) % {"numbers": numbers},
                "created": ngettext("%(count)s account created", "%(count)s accounts created", result.accounts_created)
                % {"count": grouped(result.accounts_created)},
                "linked": ngettext(
                    "%(count)s existing account linked", "%(count)s existing accounts linked", result.accounts_linked
                )
                % {"count": grouped(result.accounts_linked)},
            }
        )
