"""The live video's records in the organiser's admin: read only (services write them)."""

from django.contrib import admin

from expo.lib.readonly_admin import ReadOnlyAdmin

from .models import MediaGrant, MediaRoom, Replay, StageSeat


@admin.register(MediaRoom)
class MediaRoomAdmin(ReadOnlyAdmin):
    list_display = ["session", "server", "janus_room", "stage_max", "opened_at", "closed_at"]
    list_filter = ["server"]
    search_fields = ["session__title"]
    list_select_related = ["session"]
    exclude = ["secret", "pin"]


@admin.register(MediaGrant)
class MediaGrantAdmin(ReadOnlyAdmin):
    list_display = ["user", "session", "role", "publishing", "created_at", "revoked_at"]
    list_filter = ["role", "publishing"]
    search_fields = ["user__email", "session__title"]
    list_select_related = ["user", "session"]
    exclude = ["token"]


@admin.register(StageSeat)
class StageSeatAdmin(ReadOnlyAdmin):
    list_display = ["user", "session", "status", "raised_at", "changed_at"]
    list_filter = ["status"]
    search_fields = ["user__email", "session__title"]
    list_select_related = ["user", "session"]


@admin.register(Replay)
class ReplayAdmin(ReadOnlyAdmin):
    list_display = ["session", "status", "progress", "duration", "live_seconds", "updated_at"]
    list_filter = ["status"]
    search_fields = ["session__title"]
    list_select_related = ["session"]
