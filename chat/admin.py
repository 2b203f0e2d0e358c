from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.admin import UserAdmin
from expo.lib.readonly_admin import ReadOnlyAdmin

from .models import (
    Ban,
    Call,
    Conversation,
    Event,
    Message,
    Mute,
    QueueEntry,
    Report,
    Room,
    TalentNote,
)


@admin.register(Ban)
class BanAdmin(admin.ModelAdmin):
    """Organiser staff ban a user from every chat; their sockets close at once (signals)."""

    list_display = ["user", "reason", "banned_by", "created_at"]
    search_fields = ["user__email", "user__full_name"]
    autocomplete_fields = ["user"]
    exclude = ["banned_by", "created_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.banned_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["message", "reporter", "reason", "created_at", "resolved"]
    list_filter = ["resolved"]
    list_select_related = ["message", "reporter"]
    raw_id_fields = ["message", "reporter"]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["body", "author", "room", "created_at", "deleted_at"]
    list_select_related = ["author", "room"]
    search_fields = ["body", "author__email"]
    raw_id_fields = ["author", "room", "deleted_by"]


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ["talent", "booth", "recruiter", "status", "outcome", "opened_at"]
    list_filter = ["status", "outcome"]
    list_select_related = ["talent", "booth__company", "recruiter"]
    raw_id_fields = ["talent", "booth", "recruiter", "room", "outcome_job"]


@admin.register(Mute)
class MuteAdmin(admin.ModelAdmin):
    list_display = ["user", "booth", "until", "muted_by"]
    raw_id_fields = ["user", "booth", "muted_by"]


@admin.register(QueueEntry)
class QueueEntryAdmin(admin.ModelAdmin):
    list_display = ["talent", "booth", "status", "joined_at", "last_seen_at"]
    list_filter = ["status"]
    raw_id_fields = ["talent", "booth", "conversation"]


@admin.register(Room)
class RoomAdmin(ReadOnlyAdmin):
    list_display = ["key", "last_seq"]
    search_fields = ["key"]


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["room", "seq", "kind", "created_at"]
    list_filter = ["kind"]
    search_fields = ["room__key"]
    list_select_related = ["room"]
    date_hierarchy = "created_at"


@admin.register(TalentNote)
class TalentNoteAdmin(ReadOnlyAdmin):
    list_display = ["talent", "company", "rating", "updated_by", "updated_at"]
    list_filter = ["rating"]
    search_fields = ["talent__email", "company__name", "notes"]
    list_select_related = ["talent", "company", "updated_by"]
    date_hierarchy = "updated_at"


# --- On the user admin (accounts knows no chat) --------------------------------------------
def has_ban_permission(modeladmin, request):
    """A ban is a chat.Ban row: the content moderators' right, not a change to the user."""
    return request.user.has_perm("chat.add_ban")


@admin.action(description=_("Ban the selected users from all chats"), permissions=["ban"])
def ban_from_chats(modeladmin, request, queryset):
    """Their open chat sockets close at once (chat.signals); organiser staff are skipped."""
    banned = 0
    for user in queryset.filter(is_staff=False):
        _ban, created = Ban.objects.get_or_create(
            user=user,
            defaults={
                "banned_by": request.user,
                "reason": "Banned by the organiser from the user list.",
            },
        )
        banned += created
    modeladmin.message_user(
        request,
        ngettext(
            "%(count)d user banned from all chats.",
            "%(count)d users banned from all chats.",
            banned,
        )
        % {"count": banned},
        messages.SUCCESS,
    )


UserAdmin.has_ban_permission = has_ban_permission
UserAdmin.actions = [*UserAdmin.actions, ban_from_chats]


@admin.register(Call)
class CallAdmin(ReadOnlyAdmin):
    """Organiser staff see that a call took place (who, when, how long), never its content:
    nothing of a call's audio or video is recorded."""

    list_display = ["conversation", "caller", "callee", "kind", "status", "rang_at", "talk_time"]
    list_filter = ["kind", "status", "end_reason"]
    search_fields = ["caller__email", "callee__email"]
    list_select_related = [
        "conversation__talent",
        "conversation__booth__company",
        "caller",
        "callee",
    ]
    date_hierarchy = "rang_at"

    @admin.display(description=_("talk time (s)"))
    def talk_time(self, call):
        return call.duration_seconds


from .liveroom.media import admin as media_admin  # noqa: E402,F401  (the live video's records)
