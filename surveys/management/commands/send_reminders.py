import argparse
import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mio.numbers import grouped
from surveys import mailings
from surveys.commands import no_such_round
from surveys.models import Survey


def _moment(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        # The parser's error, which names the argument (as surveys.commands.date_argument's).
        raise argparse.ArgumentTypeError(
            _("“%(text)s” is not a moment written YYYY-MM-DDTHH:MM[+01:00]") % {"text": text}
        ) from None
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=mailings.STOCKHOLM)


class Command(BaseCommand):
    help = (
        "Send the reminders that are due in every open round (or the one named): to invited participants "
        "with weekdays up to yesterday not submitted, never on the day they were invited, respecting each "
        "round's interval and maximum. "
        "Reminders go out only on weekdays 08:00-17:00 Stockholm time unless --force (which never "
        "bypasses the interval or the maximum). Meant for cron: exits 0 when nothing is due."
    )

    def add_arguments(self, parser):
        parser.add_argument("--survey", help="only this round (short name); default: every open round")
        parser.add_argument("--dry-run", action="store_true", help="show who would get a reminder; send nothing")
        parser.add_argument("--force", action="store_true", help="send outside weekdays 08:00-17:00 too")
        parser.add_argument(
            "--now",
            type=_moment,
            help="for tests: act as if it were this moment (ISO 8601; without an offset, Stockholm time)",
        )

    def handle(self, *args, survey, dry_run, force, now, **options):
        now = now or timezone.now()
        if survey:
            rounds = list(Survey.objects.filter(slug=survey))
            if not rounds:
                raise no_such_round(survey)
        else:
            rounds = list(Survey.objects.open().order_by("start_date", "slug"))
        if not force and not mailings.is_daytime(now):
            local = now.astimezone(mailings.STOCKHOLM)
            self.stdout.write(
                _(
                    "Nothing sent: reminders go out on weekdays 08:00-17:00 Stockholm time and it is %(now)s. "
                    "Use --force to send anyway."
                )
                % {"now": formats.date_format(local, "l Y-m-d H:i")}
            )
            return
        if not rounds:
            self.stdout.write(_("No open survey rounds: nothing to send."))
            return
        for the_survey in rounds:
            if the_survey.status != Survey.Status.OPEN:
                self.stdout.write(_("%(survey)s: not open, no reminders.") % {"survey": the_survey.slug})
                continue
            mailout = mailings.send_reminders(
                survey=the_survey, now=now, force=force, dry_run=dry_run, base_url=settings.SITE_URL
            )
            line = (
                _("Would remind no. %(number)s <%(email)s>: %(days)s")
                if dry_run
                else _("Reminded no. %(number)s <%(email)s>: %(days)s")
            )
            for participant, days in mailout.recipients:
                listed = ", ".join(day.isoformat() for day in days)
                self.stdout.write(
                    line % {"number": participant.number, "email": participant.user.email, "days": listed}
                )
            for participant in mailout.unreachable:
                self.stdout.write(
                    _("Cannot reach no. %(number)s: %(reason)s")
                    % {"number": participant.number, "reason": mailings.unreachable_reason(participant)}
                )
            for participant in mailout.invited_today:
                self.stdout.write(
                    _("Not yet no. %(number)s: invited today, reminded from tomorrow") % {"number": participant.number}
                )
            if dry_run:
                outcome = ngettext(
                    "%(survey)s: %(count)s reminder would go out (dry run, nothing sent).",
                    "%(survey)s: %(count)s reminders would go out (dry run, nothing sent).",
                    mailout.count,
                ) % {"survey": the_survey.slug, "count": grouped(mailout.count)}
            else:
                outcome = ngettext(
                    "%(survey)s: %(count)s reminder sent.", "%(survey)s: %(count)s reminders sent.", mailout.sent
                ) % {"survey": the_survey.slug, "count": grouped(mailout.sent)}
            self.stdout.write(outcome)
