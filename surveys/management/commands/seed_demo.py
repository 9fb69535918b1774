from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from surveys.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Create the demo municipality, rounds, managers and diaries (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even with DEBUG off. The demo accounts have a published password: never on a live site.",
        )

    def handle(self, *args, force: bool = False, **options):
        # The demo logins (admin among them) share a password printed in the README: on a production
        # database they would be an open door.
        if not settings.DEBUG and not force:
            raise CommandError(
                _(
                    "DEBUG is off, so this looks like a production installation: seed_demo would create accounts "
                    "(admin among them) whose password %(password)s is public. Nothing was created. "
                    "Run it with DEBUG=true, or add --force if this database is really only for a demo."
                )
                % {"password": DEMO_PASSWORD}
            )
        logins = seed_demo()
        self.stdout.write(
            self.style.SUCCESS(
                _("Demo data is in place. Demo logins (password for all: %(password)s):") % {"password": DEMO_PASSWORD}
            )
        )
        for username, group, pseudonym in logins:
            extra = f" ({pseudonym})" if pseudonym else ""
            self.stdout.write(f"  {username:<10} {group}{extra}")
