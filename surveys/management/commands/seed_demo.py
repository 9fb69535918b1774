from django.core.management.base import BaseCommand

from surveys.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Create the demo municipality, rounds, managers and diaries (safe to run again)."

    def handle(self, *args, **options):
        logins = seed_demo()
        self.stdout.write(
            self.style.SUCCESS("Demo data is in place. Demo logins (password for all: %s):" % DEMO_PASSWORD)
        )
        for username, group, pseudonym in logins:
            extra = f" ({pseudonym})" if pseudonym else ""
            self.stdout.write(f"  {username:<10} {group}{extra}")
