from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from surveys import mailings
from surveys.commands import counted, survey_from_slug


class Command(BaseCommand):
    help = (
        "E-mail an invitation with a personal sign-in link (valid 14 days, for this round only) to every "
        "participant of a round not yet invited. Links point at SITE_URL."
    )

    def add_arguments(self, parser):
        parser.add_argument("--survey", required=True, help="the round's short name (slug)")
        parser.add_argument("--dry-run", action="store_true", help="show who would be invited; send nothing")

    def handle(self, *args, survey, dry_run, **options):
        the_survey = survey_from_slug(survey)
        try:
            mailout = mailings.send_invitations(survey=the_survey, dry_run=dry_run, base_url=settings.SITE_URL)
        except mailings.MailingError as refusal:
            raise CommandError(f"{the_survey.slug}: {refusal}") from None
        verb = "Would invite" if dry_run else "Invited"
        for participant, _days in mailout.recipients:
            self.stdout.write(f"{verb} no. {participant.number} <{participant.user.email}>")
        for participant in mailout.unreachable:
            self.stdout.write(f"Cannot reach no. {participant.number}: {mailings.unreachable_reason(participant)}")
        if dry_run:
            summary = f"{the_survey.slug}: {counted(mailout.count, 'invitation')} would go out (dry run, nothing sent)"
        else:
            summary = f"{the_survey.slug}: {counted(mailout.sent, 'invitation')} sent"
        self.stdout.write(f"{summary}, {counted(len(mailout.unreachable), 'participant')} cannot be reached.")
