from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import ExpoEdition, Registration, Session, Track


class TrackInline(admin.TabularInline):
    model = Track
    extra = 0
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ExpoEdition)
class ExpoEditionAdmin(admin.ModelAdmin):
    list_display = ["name", "starts_at", "ends_at", "time_zone", "is_current", "open_override"]
    list_filter = ["is_current"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [TrackInline]
    fieldsets = (
        (None, {"fields": ("name", "slug", "tagline", "organiser", "is_current")}),
        ("Dates", {"fields": ("starts_at", "ends_at", "time_zone")}),
        ("Brand", {"fields": ("logo", "primary_colour", "accent_colour")}),
        ("Opening", {"fields": ("open_override",)}),
    )


@admin.register(Track)
class TrackAdmin(admin.ModelAdmin):
    list_display = ["name", "edition", "position"]
    list_filter = ["edition"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "kind",
        "track",
        "host_booth",
        "starts_at",
        "ends_at",
        "capacity",
        "certificate_bearing",
        "is_cancelled",
    ]
    list_filter = ["kind", "edition", "track", "certificate_bearing", "is_cancelled"]
    search_fields = ["title", "speakers", "host_booth__company__name"]
    list_select_related = ["track", "host_booth__company"]
    autocomplete_fields = ["host_booth"]
    date_hierarchy = "starts_at"
    actions = ["cancel_and_notify"]

    @admin.action(
        description=_("Cancel the selected sessions and email their registrants"),
        permissions=["change"],
    )
    def cancel_and_notify(self, request, queryset):
        from .schedule.services import cancel_session

        told = sum(cancel_session(pk) for pk in queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext(
                "Cancelled; %(count)d person was emailed.",
                "Cancelled; %(count)d people were emailed.",
                told,
            )
            % {"count": told},
            messages.SUCCESS,
        )


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["user", "session", "status", "created_at"]
    list_filter = ["status", "session__track", "session__kind"]
    search_fields = ["user__email", "user__full_name", "session__title"]
    list_select_related = ["user", "session"]
    autocomplete_fields = ["user", "session"]
    date_hierarchy = "created_at"


@admin.register(LogEntry)
class AuditLogAdmin(admin.ModelAdmin):
    """Who changed what and when in the admin: read-only, for staff with `admin.view_logentry`
    (every staff role has it, see expo/roles.py)."""

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


from .announcements import admin as announcements_admin  # noqa: E402,F401  (registers it)
from .imports import admin as imports_admin  # noqa: E402,F401  (registers it)

# --- The schedule ----------------------------------------------------------------------------
from .models import (  # noqa: E402
    Attendance,
    CalendarFeed,
    Certificate,
    Notice,
    Question,
    QuestionVote,
    Slide,
    Stage,
    StageEvent,
)


class SlideInline(admin.TabularInline):
    model = Slide
    extra = 0
    ordering = ["position"]


SessionAdmin.inlines = [*getattr(SessionAdmin, "inlines", []), SlideInline]


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    list_display = ["session", "status", "went_live_at", "ended_at", "slide"]
    list_filter = ["status"]
    list_select_related = ["session"]
    search_fields = ["session__title"]
    readonly_fields = ["last_seq"]
    autocomplete_fields = ["session"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["body", "session", "author", "votes", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["session", "author"]
    search_fields = ["body", "session__title", "author__email"]
    autocomplete_fields = ["session", "author"]


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["user", "session", "joined_at", "left_at"]
    list_select_related = ["user", "session"]
    search_fields = ["user__email", "session__title"]
    autocomplete_fields = ["session", "user"]
    date_hierarchy = "joined_at"


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "session", "issued_at"]
    list_select_related = ["session"]
    search_fields = ["code", "name", "user__email", "session__title"]
    readonly_fields = ["code", "issued_at", "attended_seconds"]
    autocomplete_fields = ["session", "user"]


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["kind", "user", "session", "sent_at"]
    list_filter = ["kind"]
    list_select_related = ["user", "session"]
    search_fields = ["user__email", "session__title"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at"]
    search_fields = ["user__email"]
    readonly_fields = ["token"]


@admin.register(Slide)
class SlideAdmin(admin.ModelAdmin):
    list_display = ["session", "position"]
    list_select_related = ["session"]
    search_fields = ["session__title"]
    autocomplete_fields = ["session"]


@admin.register(StageEvent)
class StageEventAdmin(admin.ModelAdmin):
    """The live rooms' event log, read-only (kept for replay to reconnecting clients)."""

    list_display = ["session", "seq", "kind", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["session"]
    search_fields = ["session__title", "kind"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(QuestionVote)
class QuestionVoteAdmin(admin.ModelAdmin):
    list_display = ["question", "user"]
    list_select_related = ["question", "user"]
    search_fields = ["question__body", "user__email"]
    autocomplete_fields = ["question", "user"]
