from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from .models import ExpoEdition, Track


class TrackInline(TranslationTabularInline):
    model = Track
    extra = 0
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ExpoEdition)
class ExpoEditionAdmin(TranslationAdmin):
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
class TrackAdmin(TranslationAdmin):
    list_display = ["name", "edition", "position"]
    list_filter = ["edition"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
