"""The Django admin, for superusers (everything) and administrators (their own municipalities only).

Administrators (staff in the Administratörer group) see and change only what belongs to their
municipalities: every admin below narrows its list to them, the choices of its relations and
their autocomplete too, and treats anything else as if it did not exist.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path, unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from . import audit, audit_signals, people, roles, totals
from .models import (
    AuditEvent,
    Department,
    DiaryDay,
    Municipality,
    Participant,
    SentEmail,
    Survey,
    Task,
    TaskCategory,
    Unit,
)
from .services import survey_copy_tasks, survey_copy_template

User = get_user_model()
Membership = Municipality.members.through

# Models edited only inline have no admin to ask what is visible; their way to Municipality.
INLINE_MODEL_PATHS = {Task: "survey__municipality"}


def visible_choices(admin_site: admin.AdminSite, request, model) -> QuerySet | None:
    """What a non-superuser may pick for a relation to `model`: what that model's admin lists for them,
    the same rows as its autocomplete. None means no narrowing (a superuser, or a model of no municipality)."""
    if roles.municipality_ids(request.user) is None:
        return None
    if admin_site.is_registered(model):
        return admin_site.get_model_admin(model).get_queryset(request)
    if model in INLINE_MODEL_PATHS:
        return roles.scope(model._default_manager.all(), request.user, field=INLINE_MODEL_PATHS[model])
    return None


def participant_label(participant: Participant) -> str:
    """A participant named with their round, "Manager no. 1 · Nollmätning 2025": every round has a number 1."""
    return f"{participant.pseudonym} · {participant.survey.name}"


class ScopedChoices:
    """Relation fields (select boxes and autocomplete) offer only the user's municipalities' objects,
    and name a participant with their round."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs = self._narrowed(db_field, request, kwargs)
        if db_field.related_model is not Participant:
            return super().formfield_for_foreignkey(db_field, request, **kwargs)
        kwargs["queryset"] = kwargs.get("queryset", Participant.objects.all()).select_related("survey")
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if formfield is not None:
            formfield.label_from_instance = participant_label
        return formfield

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return super().formfield_for_manytomany(db_field, request, **self._narrowed(db_field, request, kwargs))

    def _narrowed(self, db_field, request, kwargs: dict) -> dict:
        if "queryset" not in kwargs:
            queryset = visible_choices(self.admin_site, request, db_field.related_model)
            if queryset is not None:
                kwargs["queryset"] = queryset
        return kwargs


class MunicipalityScopedAdmin(ScopedChoices):
    """A ModelAdmin mixin: non-superusers see only objects of their own municipalities.

    `municipality_path` is the lookup from the model to Municipality ("pk" for Municipality itself).
    Objects outside it are missing from the list, the change and delete pages (which redirect to the
    admin index, as Django does for an object that does not exist) and from history pages.
    """

    municipality_path = "municipality"

    def get_queryset(self, request):
        return roles.scope(super().get_queryset(request), request.user, field=self.municipality_path)

    def get_list_filter(self, request):
        # A plain related filter lists every row of the related table, other municipalities' too.
        return [self._related_only(entry) for entry in super().get_list_filter(request)]

    def _related_only(self, entry):
        if isinstance(entry, str) and get_fields_from_path(self.model, entry)[-1].is_relation:
            return (entry, admin.RelatedOnlyFieldListFilter)
        return entry

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        ids = roles.municipality_ids(request.user)
        if ids and len(ids) == 1 and self.municipality_path != "pk" and "__" not in self.municipality_path:
            initial.setdefault(self.municipality_path, next(iter(ids)))
        return initial

    # Views that do not look the object up through get_queryset (simple_history's history pages) ask these.
    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self.is_visible(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.is_visible(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.is_visible(request, obj)

    def is_visible(self, request, obj) -> bool:
        if obj is None or roles.municipality_ids(request.user) is None:
            return True
        return self.get_queryset(request).filter(pk=obj.pk).exists()


class DepartmentInline(admin.TabularInline):
    model = Department
    extra = 0


@admin.register(Municipality)
class MunicipalityAdmin(MunicipalityScopedAdmin, admin.ModelAdmin):
    municipality_path = "pk"
    search_fields = ["name"]
    inlines = [DepartmentInline]

    # Municipalities are made and removed by the installation's operators: one an administrator
    # made would not be theirs, and removing one would take all of its data along.
    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def get_exclude(self, request, obj=None):
        # Administrators set membership on the user's page, where only their own people and
        # municipalities are offered; here the list would hold other municipalities' members.
        return None if request.user.is_superuser else ["members"]


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0


@admin.register(Department)
class DepartmentAdmin(MunicipalityScopedAdmin, admin.ModelAdmin):
    list_display = ["name", "municipality"]
    list_filter = ["municipality"]
    search_fields = ["name"]
    inlines = [UnitInline]


@admin.register(Unit)
class UnitAdmin(MunicipalityScopedAdmin, admin.ModelAdmin):
    municipality_path = "department__municipality"
    list_display = ["name", "department"]
    list_filter = ["department__municipality", "department"]
    search_fields = ["name"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "department" in form.changed_data:
            # Figures per department count the unit's participants under its new department.
            for survey in Survey.objects.filter(participants__unit=obj).distinct():
                survey.touch()


class TaskInline(ScopedChoices, admin.TabularInline):
    model = Task
    extra = 0
    fields = ["order", "category", "code", "label", "label_en", "area", "asks_to_specify"]
    ordering = ["order"]


# What a follow-up takes over from the round it starts from, besides the tasks (`survey_copy_tasks`).
COPIED_SETTINGS = [
    "municipality",
    "first_hour",
    "hours_per_day",
    "hourly_cost",
    "working_days_per_year",
    "reminder_interval_days",
    "max_reminders",
    "unlink_after_months",
]


class SurveyForm(forms.ModelForm):
    """A round; a new one may take its task rows from an earlier round instead of the paper form's."""

    copy_from = forms.ModelChoiceField(
        queryset=Survey.objects.none(),  # the user's visible rounds, set by SurveyAdmin.get_form
        required=False,
        label=_("Tasks from"),
        empty_label=_("The paper form's rows"),
        help_text=_(
            "A follow-up is compared with its baseline task by task: choose the baseline, and the new round gets "
            "its tasks as you edited them. Otherwise it gets the paper form's rows."
        ),
    )


@admin.register(Survey)
class SurveyAdmin(MunicipalityScopedAdmin, admin.ModelAdmin):
    form = SurveyForm
    list_display = ["name", "slug", "municipality", "start_date", "end_date", "working_hours", "status"]
    list_filter = ["status", "municipality"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [TaskInline]
    # Shown, not changed here: Öppna/Stäng mätomgången on the round's page also record when it closed
    # (unlink_people counts its months from then) and write the audit trail. A new round is a draft.
    readonly_fields = ["status"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "municipality", "status"]}),
        (_("Days"), {"fields": ["start_date", "end_date", "first_hour", "hours_per_day"]}),
        (_("What friction costs"), {"fields": ["hourly_cost", "working_days_per_year"]}),
        # What send_reminders and "Skicka N påminnelser nu" follow for this round (README, step 2).
        (_("Reminders"), {"fields": ["reminder_interval_days", "max_reminders"]}),
        (_("Personal data"), {"fields": ["unlink_after_months"]}),
    ]

    @admin.display(description=_("working hours"), ordering="first_hour")
    def working_hours(self, survey: Survey) -> str:
        """The day the form covers as clock times, "08–16"."""
        return f"{survey.first_hour:02d}–{survey.first_hour + survey.hours_per_day:02d}"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "slug":
            # Short names are unique in the whole installation, which municipalities share: Django's "Survey
            # round with this Short name already exists" read as a round of one's own that one cannot find.
            field.error_messages["unique"] = _(
                "This short name is taken in the installation, which several municipalities share. Choose "
                "another, for instance with your municipality's name in it."
            )
        return field

    def get_inlines(self, request, obj):
        # A new round gets the paper form's rows or an earlier round's; they can be edited once it exists.
        return self.inlines if obj else []

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None:
            return fieldsets
        (name, first), *rest = fieldsets
        return [(name, {**first, "fields": [*first["fields"], "copy_from"]}), *rest]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None:  # "Tasks from" is on the add form only
            return form
        rounds = self.get_queryset(request).select_related("municipality").order_by("-start_date")

        class ScopedSurveyForm(form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.fields["copy_from"].queryset = rounds  # per form: the class's field is shared

        return ScopedSurveyForm

    def get_changeform_initial_data(self, request):
        """With ?copy_from=<id> (the round page's "New round from this one"): that round's settings and tasks."""
        initial = {
            "hours_per_day": 8,
            "hourly_cost": 450,
            "working_days_per_year": 200,
            **super().get_changeform_initial_data(request),
        }
        raw = initial.pop("copy_from", "")  # Django takes every GET parameter as initial: only a visible round
        source = self.get_queryset(request).filter(pk=int(raw)).first() if raw.isascii() and raw.isdigit() else None
        if source is not None:
            initial.update({name: getattr(source, name) for name in COPIED_SETTINGS}, copy_from=source.pk)
        return initial

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        if change:
            # As closing a round does: wait for diary writes in flight (they hold the round FOR KEY SHARE).
            Survey.objects.select_for_update().filter(pk=obj.pk).first()
        super().save_model(request, obj, form, change)
        if not change:
            source = form.cleaned_data.get("copy_from")
            if source is None:
                survey_copy_template(survey=obj)
            else:
                survey_copy_tasks(survey=obj, source=source)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.touch()  # task labels and order show in cached analysis


@admin.register(TaskCategory)
class TaskCategoryAdmin(MunicipalityScopedAdmin, admin.ModelAdmin):
    municipality_path = "survey__municipality"
    list_display = ["name", "survey", "order"]
    list_filter = ["survey"]


@admin.register(Participant)
class ParticipantAdmin(MunicipalityScopedAdmin, admin.ModelAdmin):
    municipality_path = "survey__municipality"
    list_display = ["number", "survey", "unit", "user"]
    list_display_links = ["number"]
    list_filter = ["survey", "unit__department"]
    ordering = ["survey", "number"]
    search_fields = ["number", "user__username"]
    autocomplete_fields = ["user", "unit"]

    def changelist_view(self, request, extra_context=None):
        # Number beside account is the pseudonym key here as on the participants page: log who looked.
        survey_id = request.GET.get("survey__id__exact", "")
        survey = roles.visible_surveys(request.user).filter(pk=survey_id).first() if survey_id.isdigit() else None
        # Unfiltered, the list holds every municipality of the user's: name it when there is only one.
        ids = roles.municipality_ids(request.user) or set()
        audit.record(
            audit.Action.KEY_VIEWED,
            user=request.user,
            survey=survey,
            municipality=next(iter(ids)) if survey is None and len(ids) == 1 else None,
            detail="admin: participant list",
        )
        return super().changelist_view(request, extra_context)

    def get_readonly_fields(self, request, obj=None):
        # Once a participant has diary days, their round and number are what the days and every comparison
        # between rounds hang on (a person keeps their number in every round): no longer changed here.
        if obj is not None and obj.days.exists():
            return ["survey", "number"]
        return []

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "unit" in form.changed_data:
            obj.survey.touch()  # figures per department and unit count the participant where they are now
        if obj.user_id:
            # As enrolment does: a participant is a member of the round's municipality, so a new
            # account linked here becomes one of the municipality's people.
            obj.survey.municipality.members.add(obj.user_id)


class NamesParticipantsRound:
    """A ModelAdmin mixin for models with a `participant`: lists and read-only pages name them with their
    round, as the select boxes do (ScopedChoices); a read-only relation would show only "Manager no. 1"."""

    @admin.display(description=_("participant"), ordering="participant__number")
    def participant_and_round(self, obj) -> str:
        return participant_label(obj.participant) if obj.participant_id else self.get_empty_value_display()

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is not None and not self.has_change_permission(request, obj):
            return ["participant_and_round" if name == "participant" else name for name in fields]
        return fields


@admin.register(DiaryDay)
class DiaryDayAdmin(NamesParticipantsRound, MunicipalityScopedAdmin, admin.ModelAdmin):
    """Diary days, to look at and to delete; nobody adds or changes them here, superusers neither.

    They are changed on the keying page, which keeps every rule of the manager's form (minutes per
    hour, ratings, the round's hours), marks the day as keyed in and refreshes the round's figures.
    An admin form would skip all three.
    """

    municipality_path = "participant__survey__municipality"
    list_display = ["participant_and_round", "date", "status", "minutes", "updated_at"]
    list_filter = ["status", "participant__survey"]
    date_hierarchy = "date"
    ordering = ["participant__survey", "participant__number", "date"]
    list_select_related = ["participant__survey"]
    fields = [
        "keying_page",
        "participant_and_round",
        "date",
        "status",
        "reopened",
        "lines",
        "minutes",
        "submitted_at",
        "updated_at",
        "keyed_in_by",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("participant__survey", "keyed_in_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        day = self.get_object(request, object_id)
        if day is not None:
            # The page's heading is the day's __str__ otherwise, which leaves the round out.
            extra_context = {
                "subtitle": f"{participant_label(day.participant)} {day.date.isoformat()}",
                **(extra_context or {}),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("keying page"))
    def keying_page(self, day: DiaryDay) -> str:
        url = reverse(
            "surveys:key_day", args=[day.participant.survey.slug, day.participant.number, day.date.isoformat()]
        )
        return format_html(
            '<p><a class="button" href="{}">{}</a></p><p>{}</p>',
            url,
            _("Change on the keying page"),
            _("Diary days are changed on the keying page: it checks the day as the manager's form does."),
        )

    @admin.display(description=_("diary lines"))
    def lines(self, day: DiaryDay) -> str:
        """The day's grid as on the form: only the round's hours, headed by their clock times."""
        survey = day.participant.survey
        lines = list(day.lines.select_related("task").order_by("task__order", "task__id"))
        if not lines:
            return _("No lines.")
        hours = survey.hours_per_day
        language = (get_language() or "")[:2]
        totals = [sum(column) for column in zip(*(line.hour_minutes(hours) for line in lines), strict=True)]
        after_hours = [_("Minutes"), _("Value (1–4)"), _("Function (1–4)"), capfirst(_("specify"))]
        rows = [
            [
                line.task.display_label(language),
                *line.hour_minutes(hours),
                line.minutes,
                line.value or "",
                line.function or "",
                line.note,
            ]
            for line in lines
        ]
        return format_html(
            '<table class="diary-lines"><thead><tr><th scope="col">{}</th>{}{}</tr></thead><tbody>{}</tbody>'
            "<tfoot><tr><th>{}</th>{}<th>{}</th><td colspan=3></td></tr></tfoot></table>",
            _("Task"),
            format_html_join("", '<th scope="col" class="nowrap">{}</th>', ([hour] for hour in survey.hour_labels)),
            format_html_join("", '<th scope="col">{}</th>', ([heading] for heading in after_hours)),
            format_html_join(
                "",
                "<tr>{}</tr>",
                ([format_html_join("", "<td>{}</td>", ([cell] for cell in row))] for row in rows),
            ),
            _("All tasks"),
            format_html_join("", "<th>{}</th>", ([total] for total in totals)),
            day.minutes,
        )

    @transaction.atomic
    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        totals.refresh([obj.participant_id])
        obj.participant.survey.touch()

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        surveys = list(Survey.objects.filter(participants__days__in=queryset).distinct())
        participants = list(queryset.values_list("participant_id", flat=True).distinct())
        super().delete_queryset(request, queryset)
        totals.refresh(participants)
        for survey in surveys:
            survey.touch()


# --- Records: read, never rewritten (except by the installation's operators) ---------------------


class RecordAdmin(MunicipalityScopedAdmin, admin.ModelAdmin):
    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)


@admin.register(SentEmail)
class SentEmailAdmin(NamesParticipantsRound, RecordAdmin):
    municipality_path = "participant__survey__municipality"
    list_display = ["sent_at", "kind", "participant_and_round", "to"]
    list_filter = ["kind", "participant__survey"]
    date_hierarchy = "sent_at"
    search_fields = ["to"]
    list_select_related = ["participant__survey"]


@admin.register(AuditEvent)
class AuditEventAdmin(NamesParticipantsRound, RecordAdmin):
    list_display = ["at", "user", "action", "municipality", "survey", "date"]
    list_filter = ["action", "municipality", "survey", "user"]
    date_hierarchy = "at"
    search_fields = ["detail"]
    list_select_related = ["user", "municipality", "survey"]


# --- Accounts ----------------------------------------------------------------------------------


class MembershipInline(ScopedChoices, admin.TabularInline):
    """The user's municipalities; an administrator sees and sets only their own."""

    model = Membership
    extra = 0
    verbose_name = _("municipality")
    verbose_name_plural = _("municipalities")

    def get_queryset(self, request):
        return roles.scope(super().get_queryset(request), request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # The through model Django makes has no verbose names; the column would read "Municipality".
        kwargs.setdefault("label", capfirst(_("municipality")))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Accounts, for administrators limited to the people of their municipalities.

    An administrator sees the members of their municipalities and the accounts of no municipality
    yet: a new account (made here, or by a superuser) must be findable to be linked to a participant
    or given a municipality; linking or adding it makes it a member. Superusers are never listed for
    them, and the fields that grant more than the three roles (is_superuser, user_permissions,
    is_staff) are not theirs to set.
    """

    inlines = [MembershipInline]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        ids = roles.municipality_ids(request.user)
        if ids is None:
            return queryset
        # Subqueries rather than a join, so that a member of two municipalities is one row.
        members = Membership.objects.filter(municipality__in=ids).values("user")
        return queryset.filter(Q(pk__in=members) | ~Q(pk__in=Membership.objects.values("user")), is_superuser=False)

    def get_inlines(self, request, obj):
        # On the add page the one municipality is set by save_model; the rest once the account exists.
        return self.inlines if obj else []

    def get_fieldsets(self, request, obj=None):
        if obj is None or request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        return [
            (None, {"fields": ["username", "password"]}),
            (_("Personal info"), {"fields": ["first_name", "last_name", "email"]}),
            (_("Permissions"), {"fields": ["is_active", "is_staff", "groups"]}),
            (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        if not self._own(request, obj):
            return [
                "username",
                "first_name",
                "last_name",
                "email",
                "is_active",
                "is_staff",
                "groups",
                "last_login",
                "date_joined",
            ]
        return ["is_staff", "last_login", "date_joined"]

    def get_list_filter(self, request):
        if request.user.is_superuser:
            return super().get_list_filter(request)
        return ["is_staff", "is_active", "groups"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.filter(name__in=roles.ALL_GROUPS)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._not_above(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._not_above(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._not_above(request, obj) and self._own(request, obj)

    @staticmethod
    def _not_above(request, obj) -> bool:
        return obj is None or request.user.is_superuser or not obj.is_superuser

    @staticmethod
    def _own(request, obj) -> bool:
        """Not a person who also belongs to a municipality the administrator does not administer: their
        name, e-mail, password, roles and active flag act there too, so only their own municipality's
        membership is the administrator's to change (as on /konton/)."""
        return obj is None or not people.municipalities_outside(obj, by=request.user)

    def user_change_password(self, request, id, form_url=""):
        user = self.get_object(request, unquote(id))
        if user is not None and not self._own(request, user):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            return  # roles, flags and memberships changed here are recorded by surveys/audit_signals.py
        ids = roles.municipality_ids(request.user)
        municipality = next(iter(ids)) if ids is not None and len(ids) == 1 else None
        with audit.quietly():  # the new account's municipality is part of its one event
            if municipality is not None:
                obj.municipalities.add(municipality)
        audit.record(
            audit.Action.ACCOUNT_CREATED, user=request.user, account=obj, municipality=municipality, detail="admin"
        )

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Membership:
            audit_signals.membership_inline_saved(formset)

    def save_related(self, request, form, formsets, change):
        # The form offers administrators only the three role groups; any other group stays. Kept in the
        # form's choice rather than added back afterwards, so that the audit trail sees no change to it.
        if not request.user.is_superuser and "groups" in form.cleaned_data:
            kept = list(form.instance.groups.exclude(name__in=roles.ALL_GROUPS))
            form.cleaned_data["groups"] = [*form.cleaned_data["groups"], *kept]
        super().save_related(request, form, formsets, change)
