from django.contrib import admin, messages
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from accounts.admin import UserAdmin
from expo.lib.exports import ExpoExportMixin
from expo.lib.readonly_admin import ReadOnlyAdmin

from . import services
from .forms import AssignHallForm, RequestChangesForm
from .models import Bookmark, Booth, BoothVisit, Brochure, Company, Invitation, Membership, Sector
from .resources import BoothResource, CompanyResource


@admin.register(Sector)
class SectorAdmin(TranslationAdmin):
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
class CompanyAdmin(ExpoExportMixin, admin.ModelAdmin):
    resource_classes = [CompanyResource]  # the columns of the organiser's import file
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


class BrochureInline(admin.TabularInline):
    model = Brochure
    extra = 0
    fields = ["title", "file", "size", "created_at"]
    readonly_fields = ["size", "created_at"]


@admin.register(Booth)
class BoothAdmin(ExpoExportMixin, admin.ModelAdmin):
    resource_classes = [BoothResource]
    list_display = [
        "company",
        "edition",
        "status",
        "is_featured",
        "hall",
        "programme",
        "submitted_at",
        "reviewed_at",
    ]
    list_filter = ["status", "is_featured", "edition", "company__programme", "company__sector"]
    list_editable = ["is_featured"]
    search_fields = ["company__name", "tagline"]
    list_select_related = ["company__sector", "edition"]
    autocomplete_fields = ["company"]
    date_hierarchy = "submitted_at"
    # Status changes go through the actions (booths.services), which email the company.
    readonly_fields = ["status", "submitted_at", "reviewed_at", "review_note", "updated_at"]
    inlines = [BrochureInline]
    actions = ["approve", "request_changes", "feature", "unfeature", "assign_hall"]

    @admin.display(description=_("hall"), ordering="company__sector__name")
    def hall(self, obj):
        return obj.company.sector

    @admin.display(description=_("programme"), ordering="company__programme")
    def programme(self, obj):
        return obj.company.get_programme_display()

    @admin.action(
        description=_("Approve the selected booths (emails the companies)"), permissions=["change"]
    )
    def approve(self, request, queryset):
        booths = list(queryset.select_related("company"))
        for booth in booths:
            services.approve_booth(booth, by=request.user, request=request)
        self.message_user(
            request,
            ngettext("%d booth approved.", "%d booths approved.", len(booths)) % len(booths),
            messages.SUCCESS,
        )

    def _action_form(self, request, queryset, form_class, action, title, intro, submit_label):
        form = form_class(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            return form
        return TemplateResponse(
            request,
            "booths/admin/action_form.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "intro": intro,
                "submit_label": submit_label,
                "form": form,
                "booths": queryset.select_related("company"),
                "action": action,
                "opts": self.model._meta,
                "back_url": request.get_full_path(),
            },
        )

    @admin.action(
        description=_("Request changes (with a reason emailed to the companies)"),
        permissions=["change"],
    )
    def request_changes(self, request, queryset):
        result = self._action_form(
            request,
            queryset,
            RequestChangesForm,
            "request_changes",
            _("Request changes"),
            _("The reason is emailed to each company's admins; their booth leaves the hall."),
            _("Send the request"),
        )
        if isinstance(result, TemplateResponse):
            return result
        booths = list(queryset)
        for booth in booths:
            services.request_changes(
                booth, result.cleaned_data["reason"], by=request.user, request=request
            )
        self.message_user(
            request,
            ngettext(
                "Changes requested for %d booth.", "Changes requested for %d booths.", len(booths)
            )
            % len(booths),
            messages.SUCCESS,
        )
        return None

    @admin.action(description=_("Feature the selected booths"), permissions=["change"])
    def feature(self, request, queryset):
        queryset.update(is_featured=True)

    @admin.action(description=_("Stop featuring the selected booths"), permissions=["change"])
    def unfeature(self, request, queryset):
        queryset.update(is_featured=False)

    def has_assign_hall_permission(self, request):
        """Moving a booth's company to another hall changes the company, not only the booth."""
        return self.has_change_permission(request) and request.user.has_perm(
            "booths.change_company"
        )

    @admin.action(
        description=_("Assign the selected booths' companies to a hall"),
        permissions=["assign_hall"],
    )
    def assign_hall(self, request, queryset):
        result = self._action_form(
            request,
            queryset,
            AssignHallForm,
            "assign_hall",
            _("Assign a hall"),
            _("The companies of these booths move to the chosen hall (sector)."),
            _("Assign"),
        )
        if isinstance(result, TemplateResponse):
            return result
        sector = result.cleaned_data["sector"]
        count = Company.objects.filter(booths__in=queryset).update(sector=sector)
        self.message_user(
            request, _("%(n)d companies moved to %(hall)s.") % {"n": count, "hall": sector}
        )
        return None


@admin.register(Bookmark)
class BookmarkAdmin(admin.ModelAdmin):
    list_display = ["user", "booth", "created_at"]
    list_select_related = ["user", "booth__company"]
    search_fields = ["user__email", "booth__company__name"]
    raw_id_fields = ["user", "booth"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "company", "role", "created_at", "expires_at", "accepted_at"]
    list_filter = ["role"]
    list_select_related = ["company"]
    search_fields = ["email", "company__name"]
    raw_id_fields = ["company", "invited_by"]
    readonly_fields = ["accepted_at"]


@admin.register(Brochure)
class BrochureAdmin(admin.ModelAdmin):
    list_display = ["title", "booth", "size", "created_at"]
    list_filter = ["booth__edition"]
    search_fields = ["title", "booth__company__name"]
    list_select_related = ["booth__company"]
    autocomplete_fields = ["booth"]
    date_hierarchy = "created_at"


@admin.register(BoothVisit)
class BoothVisitAdmin(ReadOnlyAdmin):
    list_display = ["booth", "day", "hits"]
    list_filter = ["day", "booth__company__sector"]
    search_fields = ["booth__company__name"]
    list_select_related = ["booth__company"]
    date_hierarchy = "day"


# --- On the user admin (accounts knows no booths) ------------------------------------------
class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["company"]


UserAdmin.inlines = [*UserAdmin.inlines, MembershipInline]
