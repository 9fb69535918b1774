from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from surveys.admin import MunicipalityScopedAdmin

from .models import ActionItem, ActionPlan, ActionUpdate


@admin.register(ActionPlan)
class ActionPlanAdmin(MunicipalityScopedAdmin, admin.ModelAdmin):
    list_display = ["name", "municipality"]


class ActionUpdateInline(admin.TabularInline):
    model = ActionUpdate
    extra = 0
    readonly_fields = ["created_at", "author", "text", "status"]

    # Progress updates are kept as written.
    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ActionItem)
class ActionItemAdmin(MunicipalityScopedAdmin, SimpleHistoryAdmin):
    municipality_path = "plan__municipality"
    list_display = ["number", "title", "plan", "owner_level", "area", "kind", "status", "due_date"]
    list_display_links = ["number", "title"]
    list_filter = ["plan", "owner_level", "area", "kind", "status"]
    search_fields = ["title", "description", "tasks"]
    ordering = ["plan", "number"]
    inlines = [ActionUpdateInline]
