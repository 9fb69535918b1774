"""Apply every round's "unlink people N months after the round closes" setting. For cron, e.g. nightly:

15 3 * * *  cd /srv/mio && .venv/bin/python manage.py unlink_people
"""

from django.core.management.base import BaseCommand

from surveys import people


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
            self.stdout.write("No round is due: nothing to unlink.")
            return
        total = 0
        for survey, linked in due:
            if dry_run:
                self.stdout.write(
                    f"{survey.slug}: would unlink {linked} participants "
                    f"(closed {survey.closed_at:%Y-%m-%d}, unlink after {survey.unlink_after_months} months)"
                )
                total += linked
            else:
                unlinked = people.unlink_round(survey)
                self.stdout.write(f"{survey.slug}: unlinked {unlinked} participants")
                total += unlinked
        verb = "would unlink" if dry_run else "unlinked"
        self.stdout.write(f"{len(due)} rounds, {verb} {total} participants in all.")
