from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mio.numbers import grouped
from surveys import mailings
from surveys.commands import survey_from_slug


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
        line = _("Would invite no. %(number)s <%(email)s>") if dry_run else _("Invited no. %(number)s <%(email)s>")
        for participant, _days in mailout.recipients:
            self.stdout.write(line % {"number": participant.number, "email": participant.user.email})
        for participant in mailout.unreachable:
            self.stdout.write(
                _("Cannot reach no. %(number)s: %(reason)s")
                % {"number": participant.number, "reason": mailings.unreachable_reason(participant)}
            )
        unreachable = len(mailout.unreachable)
        names = {
            "survey": the_survey.slug,
            "unreachable": ngettext(
                "%(count)s participant cannot be reached", "%(count)s participants cannot be reached", unreachable
            )
            % {"count": grouped(unreachable)},
        }
        if dry_run:
            names["invitations"] = ngettext("%(count)s invitation", "%(count)s invitations", mailout.count) % {
                "count": grouped(mailout.count)
            }
            summary = _("%(survey)s: %(invitations)s would go out (dry run, nothing sent), %(unreachable)s.")
        else:
            names["invitations"] = ngettext("%(count)s invitation sent", "%(count)s invitations sent", mailout.sent) % {
                "count": grouped(mailout.sent)
            }
            summary = _("%(survey)s: %(invitations)s, %(unreachable)s.")
        self.stdout.write(summary % names)
