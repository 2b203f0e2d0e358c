from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from expo.lib.readonly_admin import ReadOnlyAdmin

from .models import (
    Attendance,
    Booking,
    CalendarFeed,
    Certificate,
    InterviewOffer,
    MeetingSlot,
    Notice,
    Question,
    QuestionVote,
    Registration,
    Session,
    Slide,
    Stage,
    StageEvent,
    certificate_code,
)
from .services import cancel_session


class SlideInline(admin.TabularInline):
    model = Slide
    extra = 0
    ordering = ["position"]


@admin.register(Session)
class SessionAdmin(TranslationAdmin):
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
    inlines = [SlideInline]

    @admin.action(
        description=_("Cancel the selected sessions and email their registrants"),
        permissions=["change"],
    )
    def cancel_and_notify(self, request, queryset):
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
    autocomplete_fields = ["session", "user"]

    def get_readonly_fields(self, request, obj=None):
        """An organiser issuing a certificate by hand states the time attended; once issued,
        the code, time and date are the record and stay as they are."""
        if obj is None:
            return ["code", "issued_at"]
        return ["code", "issued_at", "attended_seconds"]

    def save_model(self, request, obj, form, change):
        if not obj.code:
            obj.code = certificate_code()
        super().save_model(request, obj, form, change)


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


# --- 1:1 times and interviews: written by expo.schedule.meetings, read here ----------------------
@admin.register(MeetingSlot)
class MeetingSlotAdmin(ReadOnlyAdmin):
    list_display = ["booth", "recruiter", "starts_at", "ends_at", "cancelled_at", "offer"]
    list_filter = ["booth__edition"]
    list_select_related = ["booth__company", "recruiter", "offer"]
    search_fields = ["booth__company__name", "recruiter__email"]
    date_hierarchy = "starts_at"


@admin.register(Booking)
class BookingAdmin(ReadOnlyAdmin):
    list_display = ["talent", "booth", "kind", "status", "slot", "created_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["talent", "booth__company", "slot__recruiter"]
    search_fields = ["talent__email", "booth__company__name"]
    date_hierarchy = "created_at"


@admin.register(InterviewOffer)
class InterviewOfferAdmin(ReadOnlyAdmin):
    list_display = ["application", "recruiter", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["application__job", "application__talent", "recruiter"]
    search_fields = ["application__job__title", "application__talent__email"]
