"""Who answers what, and the diary: organisation, survey rounds, tasks, participants and their days."""

from __future__ import annotations

import datetime as dt
from functools import reduce
from operator import add

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

# The paper form has 8 hour columns; a longer day may be configured, up to 12.
MAX_HOURS = 12
MAX_MINUTES_PER_HOUR = 60
HOUR_FIELDS = [f"h{n}" for n in range(1, MAX_HOURS + 1)]


# Participant numbers beyond this are typing mistakes (a round has tens or hundreds of managers);
# enrolment and the diary file refuse them alike.
MAX_PARTICIPANT_NUMBER = 99_999


class Municipality(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    # Who belongs here: project-group members and administrators see and change only their own
    # municipalities' rounds, figures and plans; enrolled managers are members too.
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="municipalities", verbose_name=_("members")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """A förvaltning, e.g. Barn- och utbildningsförvaltningen."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="departments", verbose_name=_("municipality")
    )
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["municipality__name", "name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="surveys_department_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A workplace a manager leads, e.g. a preschool."""

    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="units", verbose_name=_("department")
    )
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["department__name", "name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(fields=["department", "name"], name="surveys_unit_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Area(models.TextChoices):
    """The support areas of the cross-functional groups."""

    IT = "it", _("IT")
    FINANCE = "finance", _("Finance")
    HR = "hr", _("Payroll and HR")
    OPERATIONS = "operations", _("Operations")


class SurveyQuerySet(models.QuerySet):
    def open(self) -> SurveyQuerySet:
        return self.filter(status=Survey.Status.OPEN)


class Survey(models.Model):
    """A survey round (mätomgång), e.g. a baseline and later a follow-up."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    slug = models.SlugField(_("short name"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="surveys", verbose_name=_("municipality")
    )
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    hours_per_day = models.PositiveSmallIntegerField(_("hours per day"), default=8)
    # Hour 1 of the form is the hour starting here; pages show hours as clock times ("08–09").
    first_hour = models.PositiveSmallIntegerField(
        _("first hour of the working day"), default=8, help_text=_("E.g. 8 for a day whose first hour is 08–09.")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    hourly_cost = models.PositiveIntegerField(
        _("hourly cost (SEK)"), default=450, help_text=_("Employer's cost of one manager hour.")
    )
    working_days_per_year = models.PositiveSmallIntegerField(_("working days per year"), default=200)
    # Personal data is kept no longer than needed: this many months after the round closes, the
    # participants are unlinked from their accounts (`manage.py unlink_people`, run by cron).
    unlink_after_months = models.PositiveSmallIntegerField(
        _("unlink people after (months)"),
        null=True,
        blank=True,
        help_text=_(
            "Months after the round closes when participants are unlinked from their accounts and keep only "
            "their number. Empty keeps the link."
        ),
    )
    reminder_interval_days = models.PositiveSmallIntegerField(
        _("days between reminders"), default=2, help_text=_("At most one reminder per participant this often.")
    )
    max_reminders = models.PositiveSmallIntegerField(
        _("reminders at most"), default=3, help_text=_("How many reminders one participant gets at most.")
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Bumped by every write to the round's diaries; cached figures and charts are keyed on it.
    data_version = models.PositiveIntegerField(_("data version"), default=0, editable=False)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "name"]
        verbose_name = _("survey round")
        verbose_name_plural = _("survey rounds")
        constraints = [
            models.CheckConstraint(
                condition=Q(hours_per_day__gte=1, hours_per_day__lte=MAX_HOURS),
                name="surveys_survey_hours_1_12",
            ),
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="surveys_survey_dates_ordered"),
            models.CheckConstraint(
                condition=Q(first_hour__lte=24 - F("hours_per_day")), name="surveys_survey_day_within_24_hours"
            ),
            models.CheckConstraint(
                condition=Q(working_days_per_year__gte=1, working_days_per_year__lte=366),
                name="surveys_survey_working_days_1_366",
            ),
            models.CheckConstraint(
                condition=Q(reminder_interval_days__gte=1), name="surveys_survey_reminder_interval_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def hour_numbers(self) -> range:
        return range(1, self.hours_per_day + 1)

    @property
    def hour_fields(self) -> list[str]:
        return HOUR_FIELDS[: self.hours_per_day]

    def hour_label(self, number: int) -> str:
        """Hour `number` of the form (1 = the first) as the clock times it covers, e.g. "08–09"."""
        start = self.first_hour + number - 1
        return f"{start:02d}–{start + 1:02d}"

    @property
    def hour_labels(self) -> list[str]:
        return [self.hour_label(number) for number in self.hour_numbers]

    def touch(self) -> None:
        """Mark the round's diary data as changed, so cached analysis is rebuilt."""
        Survey.objects.filter(pk=self.pk).update(data_version=F("data_version") + 1)

    def is_editable(self) -> bool:
        """Diaries may be changed while the round is open."""
        return self.status == self.Status.OPEN

    def contains(self, date: dt.date) -> bool:
        return self.start_date <= date <= self.end_date

    def weekdays(self) -> list[dt.date]:
        """The weekdays (Monday–Friday) of the round: the days a manager is expected to fill."""
        days = []
        date = self.start_date
        while date <= self.end_date:
            if date.isoweekday() <= 5:
                days.append(date)
            date += dt.timedelta(days=1)
        return days

    def expected_days(self, *, until: dt.date) -> list[dt.date]:
        """The weekdays of the round up to and including `until`: the days due so far."""
        return [date for date in self.weekdays() if date <= until]


class TaskCategory(models.Model):
    """A heading of the form, e.g. "Direkt arbete med barn/vårdnadshavare"."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="categories", verbose_name=_("survey round")
    )
    name = models.CharField(_("name (Swedish)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["survey", "order", "id"]
        verbose_name = _("task category")
        verbose_name_plural = _("task categories")
        constraints = [
            models.UniqueConstraint(fields=["survey", "name"], name="surveys_category_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def display_name(self, language: str | None = None) -> str:
        return self.name_en if language == "en" and self.name_en else self.name


class Task(models.Model):
    """A row of the form. `code` is stable across rounds and used in files and comparisons."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("survey round"))
    category = models.ForeignKey(
        TaskCategory, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("task category")
    )
    code = models.SlugField(_("code"), max_length=50)
    label = models.CharField(_("label (Swedish)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200, blank=True)
    area = models.CharField(_("support area"), max_length=12, choices=Area.choices)
    asks_to_specify = models.BooleanField(_("asks to specify"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["survey", "order", "id"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        constraints = [
            models.UniqueConstraint(fields=["survey", "code"], name="surveys_task_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.label}"

    def display_label(self, language: str | None = None) -> str:
        return self.label_en if language == "en" and self.label_en else self.label


class Participant(models.Model):
    """A manager taking part in a round, known in analysis only as "Chef nr {number}"."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="participants", verbose_name=_("survey round")
    )
    number = models.PositiveIntegerField(_("number"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participations",
        verbose_name=_("user"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="participants", verbose_name=_("unit")
    )
    invited_at = models.DateTimeField(_("invited"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["survey", "number"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(fields=["survey", "number"], name="surveys_participant_unique_number"),
            models.UniqueConstraint(
                fields=["survey", "user"],
                condition=Q(user__isnull=False),
                name="surveys_participant_unique_user",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="surveys_participant_number_positive"),
        ]

    def __str__(self) -> str:
        return self.pseudonym

    @property
    def pseudonym(self) -> str:
        return _("Manager no. %(number)s") % {"number": self.number}


class DiaryDay(models.Model):
    """One filled form: a participant's day."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    # No index of its own: the unique (participant, date) starts with it, and an import writes 10 000 days.
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="days", db_index=False, verbose_name=_("participant")
    )
    date = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    # The day's total, kept by the services: a manager-day is a day with minutes, and counting them
    # should not need to look at every line.
    minutes = models.PositiveIntegerField(_("minutes"), default=0, editable=False)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    # An administrator reopened this day of a closed round; the manager may change it until they
    # submit it again.
    reopened = models.BooleanField(_("reopened"), default=False)
    # An administrator typed this day in from the manager's paper form.
    keyed_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("keyed in by"),
    )
    # Raised by every save: a save made from a page showing an older version is refused, so two open
    # copies of the day (a phone and a laptop) cannot silently overwrite each other.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        ordering = ["participant", "date"]
        verbose_name = _("diary day")
        verbose_name_plural = _("diary days")
        constraints = [
            models.UniqueConstraint(fields=["participant", "date"], name="surveys_day_unique_date"),
        ]

    def __str__(self) -> str:
        return f"{self.participant} {self.date.isoformat()}"

    def get_absolute_url(self) -> str:
        return reverse("surveys:day", args=[self.participant.survey.slug, self.date.isoformat()])


def _hour_field(number: int) -> models.PositiveSmallIntegerField:
    # format_lazy: the label must be translated when shown, not once at import time.
    return models.PositiveSmallIntegerField(format_lazy("{} {}", _("hour"), number), default=0)


class DiaryLine(models.Model):
    """One row of the paper form: a task's minutes per hour on one day, and its two ratings."""

    # No index of its own for `day`: the unique (day, task) starts with it, and every index is one more write
    # for each of the lines an import brings. The participant is the day's: the analysis reads the
    # participants' task totals (`TaskTotal`), so a line no longer repeats it.
    day = models.ForeignKey(
        DiaryDay, on_delete=models.CASCADE, related_name="lines", db_index=False, verbose_name=_("diary day")
    )
    # RESTRICT: a task with diary lines cannot be deleted on its own, but its whole round can (the index
    # finds a task's lines for that check without reading every line).
    task = models.ForeignKey(Task, on_delete=models.RESTRICT, related_name="lines", verbose_name=_("task"))
    h1 = _hour_field(1)
    h2 = _hour_field(2)
    h3 = _hour_field(3)
    h4 = _hour_field(4)
    h5 = _hour_field(5)
    h6 = _hour_field(6)
    h7 = _hour_field(7)
    h8 = _hour_field(8)
    h9 = _hour_field(9)
    h10 = _hour_field(10)
    h11 = _hour_field(11)
    h12 = _hour_field(12)
    # Kept by the database so that analysis sums one column instead of twelve.
    minutes = models.GeneratedField(
        expression=reduce(add, (F(name) for name in HOUR_FIELDS)),
        output_field=models.PositiveIntegerField(),
        db_persist=True,
        verbose_name=_("minutes"),
    )
    value = models.PositiveSmallIntegerField(_("value for the operation"), null=True, blank=True)
    function = models.PositiveSmallIntegerField(_("how well the task worked"), null=True, blank=True)
    note = models.CharField(_("specify"), max_length=500, blank=True)

    class Meta:
        ordering = ["day", "task__order"]
        verbose_name = _("diary line")
        verbose_name_plural = _("diary lines")
        constraints = [
            models.UniqueConstraint(fields=["day", "task"], name="surveys_line_unique_task"),
            models.CheckConstraint(condition=Q(value__gte=1, value__lte=4), name="surveys_line_value_1_4"),
            models.CheckConstraint(condition=Q(function__gte=1, function__lte=4), name="surveys_line_function_1_4"),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__gte": 0, f"{name}__lte": MAX_MINUTES_PER_HOUR}),
                    name=f"surveys_line_{name}_0_60",
                )
                for name in HOUR_FIELDS
            ],
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.task.code}"

    def hour_minutes(self, hours: int) -> list[int]:
        return [getattr(self, name) for name in HOUR_FIELDS[:hours]]


def _hour_friction_field(number: int) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(format_lazy("{} {}", _("friction in hour"), number), default=0)


class TaskTotal(models.Model):
    """A participant's sums of one task over their submitted days: what the analysis reads instead of
    the diary lines (a national round has 1.5 million lines and a quarter of a million of these).

    Derived data, never edited: `surveys.totals.refresh()` recomputes a participant's rows from their
    lines in the transaction of every write to their diary, before `Survey.touch()`."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="+", db_index=False, verbose_name=_("participant")
    )
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="+", db_index=False, verbose_name=_("task"))
    minutes = models.PositiveIntegerField(_("minutes"), default=0)
    # The friction sums (analysis/README.md): minutes with a rating, and minutes × rating.
    f_minutes = models.PositiveIntegerField(_("minutes rated for how well the task worked"), default=0)
    f_weighted = models.PositiveIntegerField(_("minutes × how well the task worked"), default=0)
    v_minutes = models.PositiveIntegerField(_("minutes rated for value"), default=0)
    v_weighted = models.PositiveIntegerField(_("minutes × value"), default=0)
    # The ISO weekdays (bit 1 << weekday) of the manager-days with minutes in the task.
    weekdays = models.PositiveSmallIntegerField(_("weekdays"), default=0)
    # Per hour of the form, Σ minutes × (4 − how well it worked) over the rated lines (the hours heatmap).
    hf1 = _hour_friction_field(1)
    hf2 = _hour_friction_field(2)
    hf3 = _hour_friction_field(3)
    hf4 = _hour_friction_field(4)
    hf5 = _hour_friction_field(5)
    hf6 = _hour_friction_field(6)
    hf7 = _hour_friction_field(7)
    hf8 = _hour_friction_field(8)
    hf9 = _hour_friction_field(9)
    hf10 = _hour_friction_field(10)
    hf11 = _hour_friction_field(11)
    hf12 = _hour_friction_field(12)

    class Meta:
        verbose_name = _("task total")
        verbose_name_plural = _("task totals")
        constraints = [
            # Also the index the analysis reads in (task, participant) order, and the refresh by participant.
            models.UniqueConstraint(fields=["task", "participant"], name="surveys_tasktotal_unique"),
        ]
        indexes = [models.Index(fields=["participant"], name="surveys_tasktotal_participant")]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.task_id}"


class SentEmail(models.Model):
    """An invitation or reminder that went out: to whom, when, and which days it asked for."""

    class Kind(models.TextChoices):
        INVITATION = "invitation", _("Invitation")
        REMINDER = "reminder", _("Reminder")

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="emails", verbose_name=_("participant")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    to = models.EmailField(_("to"))
    # ISO dates of the days the e-mail listed (the missing days of a reminder).
    days = models.JSONField(_("days"), default=list, blank=True)

    class Meta:
        ordering = ["participant", "sent_at"]
        verbose_name = _("sent e-mail")
        verbose_name_plural = _("sent e-mails")
        indexes = [models.Index(fields=["participant", "kind", "sent_at"], name="surveys_email_by_participant")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.participant} {self.sent_at:%Y-%m-%d %H:%M}"


class AuditEventQuerySet(models.QuerySet):
    """Audit events are written once and never changed: bulk updates and deletes are refused too."""

    def update(self, **kwargs):
        raise TypeError("Audit events are append-only.")

    def delete(self):
        raise TypeError("Audit events are append-only.")


class AuditEvent(models.Model):
    """Who did or saw what, for the things people must be able to answer for afterwards: views of the
    pseudonym key, downloads, closing and reopening, accounts, roles, lockouts and a person's data.

    Append-only. `detail` never holds a name or an e-mail address: a person is referred to through
    `user` (who acted) and `account` (whose account it concerned), so erasing a person leaves events
    that nobody can tie to them. Write events with `surveys.audit.record`."""

    class Action(models.TextChoices):
        KEY_VIEWED = "key_viewed", _("Viewed the participant list (pseudonym key)")
        DOWNLOADED = "downloaded", _("Downloaded a table")
        ROUND_OPENED = "round_opened", _("Opened the round")
        ROUND_CLOSED = "round_closed", _("Closed the round")
        ROUND_REOPENED = "round_reopened", _("Reopened the round")
        DAY_REOPENED = "day_reopened", _("Reopened a day")
        DAY_CLEARED = "day_cleared", _("Cleared a day")
        ACCOUNT_CREATED = "account_created", _("Created an account")
        ACCOUNT_CHANGED = "account_changed", _("Changed an account")
        ROLES_CHANGED = "roles_changed", _("Changed roles")
        MEMBERSHIP_CHANGED = "membership_changed", _("Changed municipality membership")
        ACCOUNT_LOCKED = "account_locked", _("Account locked after failed sign-ins")
        ACCOUNT_UNLOCKED = "account_unlocked", _("Account unlocked")
        PERSON_EXPORTED = "person_exported", _("Exported a person's data")
        PERSON_ERASED = "person_erased", _("Erased a person")
        PEOPLE_UNLINKED = "people_unlinked", _("Unlinked participants from their accounts")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, null=True, related_name="+", verbose_name=_("municipality")
    )
    # SET_NULL: the trail outlives a deleted round.
    survey = models.ForeignKey(
        Survey, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("survey round")
    )
    participant = models.ForeignKey(
        Participant,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("participant"),
    )
    # The account an event concerns (roles, membership, lockout, export), as opposed to who acted.
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account"),
    )
    date = models.DateField(_("date"), null=True, blank=True)
    detail = models.TextField(_("detail"), blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.get_action_display()}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise TypeError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Audit events are append-only.")
