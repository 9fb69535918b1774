from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .models import Department, DiaryDay, DiaryLine, Municipality, Participant, Survey, Task, TaskCategory, Unit
from .services import survey_copy_template


class DepartmentInline(admin.TabularInline):
    model = Department
    extra = 0


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    search_fields = ["name"]
    inlines = [DepartmentInline]


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "municipality"]
    list_filter = ["municipality"]
    search_fields = ["name"]
    inlines = [UnitInline]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "department"]
    list_filter = ["department__municipality", "department"]
    search_fields = ["name"]


class TaskInline(admin.TabularInline):
    model = Task
    extra = 0
    fields = ["order", "category", "code", "label", "label_en", "area", "asks_to_specify"]
    ordering = ["order"]


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "municipality", "start_date", "end_date", "hours_per_day", "status"]
    list_filter = ["status", "municipality"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [TaskInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "municipality", "status"]}),
        (_("Days"), {"fields": ["start_date", "end_date", "hours_per_day"]}),
        (_("What friction costs"), {"fields": ["hourly_cost", "working_days_per_year"]}),
    ]

    def get_inlines(self, request, obj):
        # A new round gets the default template's rows; they can be edited once it exists.
        return self.inlines if obj else []

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            survey_copy_template(survey=obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.touch()  # task labels and order show in cached analysis

    def get_changeform_initial_data(self, request):
        return {"hours_per_day": 8, "hourly_cost": 450, "working_days_per_year": 200}


@admin.register(TaskCategory)
class TaskCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "survey", "order"]
    list_filter = ["survey"]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["number", "survey", "unit", "user"]
    list_display_links = ["number"]
    list_filter = ["survey", "unit__department"]
    ordering = ["survey", "number"]
    search_fields = ["number", "user__username"]
    autocomplete_fields = ["user", "unit"]


class DiaryLineInline(admin.TabularInline):
    model = DiaryLine
    extra = 0
    readonly_fields = ["minutes"]


@admin.register(DiaryDay)
class DiaryDayAdmin(admin.ModelAdmin):
    list_display = ["participant", "date", "status", "updated_at"]
    list_filter = ["status", "participant__survey"]
    date_hierarchy = "date"
    ordering = ["participant__survey", "participant__number", "date"]
    inlines = [DiaryLineInline]
    list_select_related = ["participant"]

    # Edits here bypass the services, so they must invalidate cached analysis themselves.
    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        day = form.instance
        day.minutes = sum(line.minutes for line in day.lines.all())
        day.save(update_fields=["minutes"])
        day.participant.survey.touch()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        obj.participant.survey.touch()

    def delete_queryset(self, request, queryset):
        surveys = list(Survey.objects.filter(participants__days__in=queryset).distinct())
        super().delete_queryset(request, queryset)
        for survey in surveys:
            survey.touch()
