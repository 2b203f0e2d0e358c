from django.contrib import admin

from .models import Application, Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "company",
        "sector",
        "level",
        "min_education",
        "employment_type",
        "open_to_overseas",
        "open_to_gba",
        "status",
        "deadline",
    ]
    list_filter = [
        "status",
        "edition",
        "company__programme",
        "sector",
        "is_tech_rd",
        "level",
        "min_education",
        "employment_type",
        "open_to_overseas",
        "open_to_gba",
    ]
    search_fields = ["title", "company__name", "skills"]
    list_select_related = ["company", "sector"]
    autocomplete_fields = ["company"]
    date_hierarchy = "published_at"


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["job", "talent", "status", "created_at"]
    list_filter = ["status", "job__company__programme", "job__sector", "job__level"]
    search_fields = ["job__title", "job__company__name", "talent__email", "talent__full_name"]
    list_select_related = ["job__company", "talent"]
    autocomplete_fields = ["job", "talent"]
    exclude = ["cv"]
    date_hierarchy = "created_at"
