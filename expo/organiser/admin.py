from django.contrib import admin
from django.contrib.admin.models import LogEntry

from .announcements import admin as announcements_admin  # noqa: F401  (registers it)
from .imports import admin as imports_admin  # noqa: F401  (registers it)


@admin.register(LogEntry)
class AuditLogAdmin(admin.ModelAdmin):
    """Who changed what and when in the admin: read-only, for staff with `admin.view_logentry`
    (every staff role has it, see expo/organiser/roles.py)."""

    list_display = [
        "action_time",
        "user",
        "content_type",
        "object_repr",
        "action_flag",
        "change_message",
    ]
    list_filter = ["action_flag", "content_type", "user"]
    search_fields = ["object_repr", "change_message", "user__email"]
    date_hierarchy = "action_time"
    list_select_related = ["user", "content_type"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
