from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from post_office import admin as post_office_admin  # noqa: F401  (registered first, replaced)
from post_office.models import STATUS as OUTBOX_STATUS
from post_office.models import Email, EmailTemplate, Log

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


# --- The email outbox (django-post-office's rows, sent by expo/lib/outbox.py) -------------------
# post-office's own admin is replaced: it shows and re-renders bodies (which may hold sign-in
# and password-reset links) and offers pages and actions that declare no permission. This one
# shows what an operator needs: who, what, status, attempts, when due, the Message-ID, the log.
for _model in (Email, Log, EmailTemplate):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


class OutboxLogInline(admin.TabularInline):
    model = Log
    fields = ["date", "status", "exception_type", "message"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["date"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Email)
class OutboxEmailAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "recipients",
        "subject",
        "status",
        "number_of_retries",
        "scheduled_time",
        "created",
        "last_updated",
    ]
    list_filter = ["status", "created"]
    search_fields = ["to", "subject", "message_id"]
    date_hierarchy = "created"
    fields = [
        "from_email",
        "to",
        "cc",
        "bcc",
        "subject",
        "status",
        "number_of_retries",
        "scheduled_time",
        "expires_at",
        "created",
        "last_updated",
        "message_id",
    ]
    readonly_fields = fields
    inlines = [OutboxLogInline]
    actions = ["requeue_failed"]
    show_full_result_count = False  # a large outbox: no COUNT(*) over every row per page
    change_form_template = "admin/change_form.html"  # not post-office's (it links its pages)

    @admin.display(description=_("To"))
    def recipients(self, obj):
        return ", ".join(obj.to)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the outbox is the record of what was sent

    @admin.action(description=_("Send the failed emails again"), permissions=["change"])
    def requeue_failed(self, request, queryset):
        from expo.lib.outbox import kick_after_commit

        count = queryset.filter(status=OUTBOX_STATUS.failed).update(
            status=OUTBOX_STATUS.queued, scheduled_time=None, number_of_retries=0
        )
        if count:
            kick_after_commit()
        self.message_user(
            request,
            ngettext("%(count)d email queued again.", "%(count)d emails queued again.", count)
            % {"count": count},
            messages.SUCCESS,
        )
