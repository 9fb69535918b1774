import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from surveys.models import Municipality
from surveys.services import RoundError, survey_create


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{text!r} is not a date written YYYY-MM-DD") from None


class Command(BaseCommand):
    help = "Create a survey round with the default task template."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--name", required=True)
        parser.add_argument("--start", required=True, type=_date, help="first day, YYYY-MM-DD")
        parser.add_argument("--end", required=True, type=_date, help="last day, YYYY-MM-DD")
        parser.add_argument("--hours", type=int, default=8, help="hour slots per day, 1-12 (default 8)")
        parser.add_argument(
            "--first-hour", type=int, default=8, help="clock hour the first slot starts, 0-23 (default 8: 08-09)"
        )
        parser.add_argument("--municipality", default="Mjölby kommun")
        parser.add_argument(
            "--new-municipality",
            action="store_true",
            help="create the municipality if no municipality has that name (needed once others exist)",
        )
        parser.add_argument("--open", action="store_true", help="open the round for diaries at once")
        parser.add_argument(
            "--unlink-after-months",
            type=int,
            default=None,
            help="unlink participants from their accounts this many months after the round closes (unlink_people)",
        )

    def handle(
        self,
        *args,
        slug,
        name,
        start,
        end,
        hours,
        first_hour,
        municipality,
        new_municipality,
        open,
        unlink_after_months,
        **options,
    ):
        if unlink_after_months is not None and unlink_after_months < 1:
            raise CommandError(f"--unlink-after-months must be at least 1, not {unlink_after_months}")
        place = Municipality.objects.filter(name=municipality).first()
        known = sorted(Municipality.objects.values_list("name", flat=True))
        if place is None and known and not new_municipality:
            # A misspelt or forgotten --municipality would make a municipality of its own, with no units and
            # no administrators, whose round the intended municipality never sees.
            raise CommandError(
                f"No municipality is called {municipality!r}; the installation has {', '.join(map(repr, known))}. "
                "Add --new-municipality to create it."
            )
        if place is None:
            place = Municipality.objects.create(name=municipality)
        try:
            survey = survey_create(
                slug=slug,
                name=name,
                municipality=place,
                start_date=start,
                end_date=end,
                hours_per_day=hours,
                first_hour=first_hour,
                status="open" if open else "draft",
            )
        except RoundError as error:
            raise CommandError(str(error)) from None
        if unlink_after_months is not None:
            survey.unlink_after_months = unlink_after_months
            survey.save(update_fields=["unlink_after_months"])
        self.stdout.write(
            f"Created survey round {survey.slug} ({survey.name}) of {place.name}, "
            f"{survey.start_date} to {survey.end_date}, "
            f"{survey.hours_per_day} hours from {survey.hour_label(1)}, {survey.tasks.count()} tasks, "
            f"status {survey.status}"
            + (
                f", people unlinked {survey.unlink_after_months} months after it closes."
                if unlink_after_months
                else "."
            )
        )
