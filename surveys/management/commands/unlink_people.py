"""Apply every round's "unlink people N months after the round closes" setting. For cron, e.g. nightly:

15 3 * * *  cd /srv/mio && .venv/bin/python manage.py unlink_people
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mio.numbers import grouped
from surveys import people


def _participants(count: int) -> str:
    return ngettext("%(count)s participant", "%(count)s participants", count) % {"count": grouped(count)}


class Command(BaseCommand):
    help = (
        "Unlink the participants of closed rounds whose unlink period has run out from their accounts and units, "
        "and clear the addresses of the e-mails sent to them. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="list what would be unlinked, change nothing")

    def handle(self, *args, dry_run: bool, **options):
        due = people.rounds_due()
        if not due:
            self.stdout.write(_("No round is due: nothing to unlink."))
            return
        total = 0
        for survey, linked in due:
            if dry_run:
                self.stdout.write(
                    _("%(survey)s: would unlink %(participants)s (closed %(closed)s, unlink after %(months)s)")
                    % {
                        "survey": survey.slug,
                        "participants": _participants(linked),
                        "closed": f"{survey.closed_at:%Y-%m-%d}",
                        "months": ngettext("%(count)s month", "%(count)s months", survey.unlink_after_months)
                        % {"count": survey.unlink_after_months},
                    }
                )
                total += linked
            else:
                unlinked = people.unlink_round(survey)
                self.stdout.write(
                    _("%(survey)s: unlinked %(participants)s")
                    % {"survey": survey.slug, "participants": _participants(unlinked)}
                )
                total += unlinked
        rounds = ngettext("%(count)s round", "%(count)s rounds", len(due)) % {"count": grouped(len(due))}
        if dry_run:
            summary = _("%(rounds)s, would unlink %(participants)s in all.")
        else:
            summary = _("%(rounds)s, unlinked %(participants)s in all.")
        self.stdout.write(summary % {"rounds": rounds, "participants": _participants(total)})
