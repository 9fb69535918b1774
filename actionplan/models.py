"""The action plan: what the municipality does about the friction it found, item by item."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from surveys.models import Area, Department, Municipality, Survey


class ActionPlan(models.Model):
    """A municipality's action plan (åtgärdsplan); one per municipality."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="action_plans", verbose_name=_("municipality")
    )
    name = models.CharField(_("name"), max_length=200)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["municipality__name"]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        constraints = [
            models.UniqueConstraint(fields=["municipality"], name="actionplan_plan_one_per_municipality"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("actionplan:plan", args=[self.pk])


class ActionItemQuerySet(models.QuerySet):
    def open(self) -> ActionItemQuerySet:
        """Items still to be finished: neither done nor dropped."""
        return self.exclude(status__in=ActionItem.CLOSED_STATUSES)

    def overdue(self, today: dt.date | None = None) -> ActionItemQuerySet:
        today = today or timezone.localdate()
        return self.open().filter(due_date__lt=today)

    def addressing(self, code: str) -> ActionItemQuerySet:
        """Items whose task codes include `code` (codes are slugs, so a space never occurs inside one)."""
        return self.filter(
            Q(tasks=code)
            | Q(tasks__startswith=f"{code} ")
            | Q(tasks__endswith=f" {code}")
            | Q(tasks__contains=f" {code} ")
        )


class ActionItem(models.Model):
    """One measure of the plan (åtgärd), with who owns it, what it addresses and how far it has come."""

    class OwnerLevel(models.TextChoices):
        CENTRAL = "central", _("Central")
        DEPARTMENT = "department", _("Department")

    class Kind(models.TextChoices):
        PROCESS = "process", _("Process mapping and visualisation")
        FORMS = "forms", _("Forms")
        ROUTINES = "routines", _("Routines")
        INFORMATION = "information", _("Information")
        NOTIFICATIONS = "notifications", _("Notifications and system settings")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    class Priority(models.IntegerChoices):
        HIGH = 1, _("High")
        MEDIUM = 2, _("Medium")
        LOW = 3, _("Low")

    CLOSED_STATUSES = (Status.DONE, Status.DROPPED)

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="items", verbose_name=_("plan"))
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner_level = models.CharField(_("owner level"), max_length=10, choices=OwnerLevel.choices)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("owning department"),
    )
    area = models.CharField(_("support area"), max_length=12, choices=Area.choices)
    kind = models.CharField(_("kind of measure"), max_length=15, choices=Kind.choices, default=Kind.OTHER)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PROPOSED)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.MEDIUM)
    responsible = models.CharField(_("responsible"), max_length=200, blank=True)
    coordinator = models.CharField(_("coordinator"), max_length=200, blank=True)
    start_date = models.DateField(_("start"), null=True, blank=True)
    due_date = models.DateField(_("due"), null=True, blank=True)
    # Task codes separated by single spaces. A field rather than a related table so that the
    # history shows a change of the addressed tasks like any other change.
    tasks = models.CharField(_("tasks addressed"), max_length=500, blank=True)
    # The day the item became done: "did it help?" counts only rounds that started after it.
    done_on = models.DateField(_("done on"), null=True, blank=True)
    survey = models.ForeignKey(
        Survey,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("survey round that found it"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Raised by every save: an edit made from a page showing an older version is refused.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["created_at"])
    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="actionplan_item_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="actionplan_item_number_positive"),
            models.CheckConstraint(
                condition=Q(owner_level="central", department__isnull=True)
                | Q(owner_level="department", department__isnull=False),
                name="actionplan_item_department_iff_departmental",
            ),
            models.CheckConstraint(condition=Q(priority__gte=1, priority__lte=3), name="actionplan_item_priority_1_3"),
            models.CheckConstraint(
                condition=Q(due_date__isnull=True) | Q(start_date__isnull=True) | Q(due_date__gte=F("start_date")),
                name="actionplan_item_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(done_on__isnull=True) | Q(status="done"), name="actionplan_item_done_on_only_when_done"
            ),
            models.CheckConstraint(
                condition=~Q(tasks__startswith=" ") & ~Q(tasks__endswith=" ") & ~Q(tasks__contains="  "),
                name="actionplan_item_tasks_single_spaced",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("actionplan:item", args=[self.pk])

    @property
    def task_codes(self) -> list[str]:
        return self.tasks.split()

    def is_overdue(self, today: dt.date | None = None) -> bool:
        """Past its due date and neither done nor dropped."""
        today = today or timezone.localdate()
        return self.due_date is not None and self.due_date < today and self.status not in self.CLOSED_STATUSES

    def owner_display(self) -> str:
        if self.owner_level == self.OwnerLevel.DEPARTMENT and self.department_id:
            return str(self.department)
        return str(self.get_owner_level_display())


class ActionUpdate(models.Model):
    """A dated progress note (lägesrapport) on an item, by a user; never edited afterwards."""

    item = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="updates", verbose_name=_("item"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="action_updates",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    text = models.TextField(_("progress update"))
    # The status the item was moved to with this update, if it was.
    status = models.CharField(_("new status"), max_length=12, choices=ActionItem.Status.choices, blank=True)

    class Meta:
        ordering = ["item", "-created_at", "-id"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="actionplan_update_text_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.item.number} {self.created_at:%Y-%m-%d}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValueError("A progress update is never changed once written.")
        super().save(*args, **kwargs)
