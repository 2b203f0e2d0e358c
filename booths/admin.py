from django.contrib import admin
from django.db.models import Count

from .models import Booth, Company, Membership, Sector


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["name", "hall", "position", "company_count"]
    list_editable = ["position"]
    search_fields = ["name", "hall"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_companies=Count("companies"))

    @admin.display(description="companies", ordering="_companies")
    def company_count(self, obj):
        return obj._companies


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "sector", "has_gba_or_overseas_office", "headquarters"]
    list_filter = ["programme", "sector", "has_gba_or_overseas_office"]
    search_fields = ["name", "headquarters"]
    list_select_related = ["sector"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "company", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "user__full_name", "company__name"]
    list_select_related = ["user", "company"]
    autocomplete_fields = ["user", "company"]


@admin.register(Booth)
class BoothAdmin(admin.ModelAdmin):
    list_display = ["company", "edition", "status", "submitted_at", "reviewed_at"]
    list_filter = ["status", "edition", "company__programme", "company__sector"]
    search_fields = ["company__name", "tagline"]
    list_select_related = ["company", "edition"]
    autocomplete_fields = ["company"]
    date_hierarchy = "submitted_at"
