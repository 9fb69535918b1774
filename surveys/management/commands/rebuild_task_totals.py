from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import ngettext

from mio.numbers import grouped
from surveys import totals
from surveys.commands import no_such_round
from surveys.models import Survey


class Command(BaseCommand):
    help = (
        "Recompute the participants' task totals (what the analysis reads) from their diary lines, for one "
        "round or all; with --check, only list the participants whose totals differ (exit status 1 if any)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--survey", help="the round's short name (slug); every round without it")
        parser.add_argument("--check", action="store_true", help="change nothing; report what differs")

    def handle(self, *args, survey, check, **options):
        rounds = Survey.objects.order_by("pk")
        if survey is not None:
            rounds = rounds.filter(slug=survey)
            if not rounds.exists():
                raise no_such_round(survey)
        differing = 0
        for the_round in rounds:
            stale = totals.stale_participants(the_round)
            differing += len(stale)
            if check:
                self.stdout.write(
                    ngettext(
                        "%(survey)s: %(count)s participant with totals out of step",
                        "%(survey)s: %(count)s participants with totals out of step",
                        len(stale),
                    )
                    % {"survey": the_round.slug, "count": grouped(len(stale))}
                )
                continue
            with transaction.atomic():
                totals.refresh_round(the_round)
                if stale:
                    the_round.touch()  # cached figures were built from the old totals
            self.stdout.write(
                ngettext(
                    "%(survey)s: rebuilt (%(count)s participant was out of step)",
                    "%(survey)s: rebuilt (%(count)s participants were out of step)",
                    len(stale),
                )
                % {"survey": the_round.slug, "count": grouped(len(stale))}
            )
        if check and differing:
            raise SystemExit(1)
