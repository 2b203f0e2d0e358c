from django.contrib import admin

from .models import ExpoEdition, Registration, Session, Track


class TrackInline(admin.TabularInline):
    model = Track
    extra = 0
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ExpoEdition)
class ExpoEditionAdmin(admin.ModelAdmin):
    list_display = ["name", "starts_at", "ends_at", "time_zone", "is_current"]
    list_filter = ["is_current"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [TrackInline]
    fieldsets = (
        (None, {"fields": ("name", "slug", "tagline", "organiser", "is_current")}),
        ("Dates", {"fields": ("starts_at", "ends_at", "time_zone")}),
        ("Brand", {"fields": ("logo", "primary_colour", "accent_colour")}),
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


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["user", "session", "status", "created_at"]
    list_filter = ["status", "session__track", "session__kind"]
    search_fields = ["user__email", "user__full_name", "session__title"]
    list_select_related = ["user", "session"]
    autocomplete_fields = ["user", "session"]
    date_hierarchy = "created_at"
