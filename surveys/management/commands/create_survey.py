from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mio.numbers import grouped
from mio.tablefiles import shown
from surveys.commands import date_argument
from surveys.models import Municipality, Survey
from surveys.services import RoundError, survey_create


def _names(names: list[str]) -> str:
    return ", ".join(shown(name, limit=200) for name in names)


def _municipality(name: str | None) -> Municipality:
    """The round's municipality. Several municipalities share an installation, so a name that is none of
    theirs is refused rather than made into a new, empty municipality that no administrator belongs to
    (a typo, or a forgotten --municipality, would hide the round from the municipality it was for); only
    the installation's first municipality is made here. Without a name, the installation's only one."""
    names = list(Municipality.objects.values_list("name", flat=True))
    if name:
        found = Municipality.objects.filter(name=name).first()
        if found is not None:
            return found
        if not names:
            return Municipality.objects.create(name=name)
        raise CommandError(
            _(
                "No municipality “%(name)s”; the installation has %(names)s. "
                "Add a new one in the Django admin (Kommuner) first."
            )
            % {"name": name, "names": _names(names)}
        )
    if len(names) == 1:
        return Municipality.objects.get()
    if not names:
        raise CommandError(_("Name the round's municipality with --municipality NAME: the installation has none yet."))
    raise CommandError(
        _("Name the round's municipality with --municipality NAME, one of %(names)s.") % {"names": _names(names)}
    )


class Command(BaseCommand):
    help = "Create a survey round with the paper form's tasks, or with an earlier round's (--tasks-from)."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--name", required=True)
        parser.add_argument("--start", required=True, type=date_argument, help="first day, YYYY-MM-DD")
        parser.add_argument("--end", required=True, type=date_argument, help="last day, YYYY-MM-DD")
        parser.add_argument("--hours", type=int, default=8, help="hour slots per day, 1-12 (default 8)")
        parser.add_argument(
            "--first-hour", type=int, default=8, help="clock hour the first slot starts, 0-23 (default 8: 08-09)"
        )
        parser.add_argument(
            "--municipality",
            help="the municipality's name; may be left out when the installation has only one. Made here only "
            "when the installation has none yet",
        )
        parser.add_argument("--open", action="store_true", help="open the round for diaries at once")
        parser.add_argument(
            "--tasks-from",
            metavar="SLUG",
            help="an earlier round whose tasks (as edited) the new one gets, e.g. the baseline of a follow-up, "
            "so that the two can be compared task by task; without it, the paper form's",
        )
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
        open,
        unlink_after_months,
        tasks_from,
        **options,
    ):
        if unlink_after_months is not None and unlink_after_months < 1:
            raise CommandError(
                _("--unlink-after-months must be at least 1, not %(months)s") % {"months": unlink_after_months}
            )
        place = _municipality(municipality)
        source = None
        if tasks_from is not None:
            source = Survey.objects.filter(slug=tasks_from).first()
            if source is None:
                raise CommandError(_("No survey round “%(slug)s” to take the tasks from") % {"slug": tasks_from})
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
                tasks_from=source,
            )
        except RoundError as error:
            raise CommandError(str(error)) from None
        if unlink_after_months is not None:
            survey.unlink_after_months = unlink_after_months
            survey.save(update_fields=["unlink_after_months"])
        count = survey.tasks.count()
        tasks = ngettext("%(count)s task", "%(count)s tasks", count) % {"count": grouped(count)}
        if source is not None:
            tasks = _("%(tasks)s from %(source)s") % {"tasks": tasks, "source": source.slug}
        summary = _(
            "Created survey round %(slug)s (%(name)s) of %(municipality)s, %(start)s to %(end)s, %(hours)s, "
            "%(tasks)s, status %(status)s."
        ) % {
            "slug": survey.slug,
            "name": survey.name,
            "municipality": place.name,
            "start": survey.start_date.isoformat(),
            "end": survey.end_date.isoformat(),
            "hours": ngettext("%(count)s hour from %(first)s", "%(count)s hours from %(first)s", survey.hours_per_day)
            % {"count": survey.hours_per_day, "first": survey.hour_label(1)},
            "tasks": tasks,
            "status": survey.get_status_display().lower(),
        }
        if unlink_after_months:
            summary += " " + ngettext(
                "People are unlinked %(count)s month after it closes.",
                "People are unlinked %(count)s months after it closes.",
                survey.unlink_after_months,
            ) % {"count": survey.unlink_after_months}
        self.stdout.write(summary)
